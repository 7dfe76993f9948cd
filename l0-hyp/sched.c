/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vCPU scheduling beyond the host's harts (sched.h). One lock guards
 * every vCPU's `state` and each hart's `cur`: another hart reads them to
 * decide whether a request for a vCPU needs a kick and a wait. Each vCPU
 * only ever runs on its own hart (i mod H), so its CSRs and L0 stack
 * are touched by that hart alone.
 */
#include "sched.h"

#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/sbi.h>
#include <stdio.h>
#include <string.h>

#include "hcsr.h"
#include "nacl.h"
#include "lock.h"
#include "sbi_fwft.h"
#include "sbi_pmu.h"
#include "trap.h"
#include "vcpu.h"

bool l0_sched_enabled;

struct l0_sched_hart {
	struct l0_vcpu *cur; /* the vCPU whose CSRs are loaded, or NULL */
	unsigned long slice_end;
	int idle;		   /* waiting in WFI with nothing to run */
	struct l0_sched_csrs boot; /* after l0_vcpu_hw_init */
};

static struct {
	struct l0_guest *g;
	unsigned nharts;
	unsigned long slice_ticks;
	struct l0_lock lock;
	struct l0_sched_hart hart[L0_MAX_VCPUS];
} sched;

/* hstatus.VTW (Privileged spec "Hypervisor Status Register"): WFI in
 * VS-mode raises a virtual-instruction exception when it does not
 * complete at once, so a waiting vCPU gives its hart away. */
#define SCHED_HSTATUS_VTW HSTATUS_VTW

/* The VS interrupts of L1 (hvip bits, VS positions) seen by L1 at its S
 * positions (Privileged spec "Hypervisor Interrupt Registers": vsip and
 * vsie are hip/hie's VS bits shifted right by one). */
#define SCHED_VS_TO_S(x) (((x) & (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP)) >> 1)

unsigned l0_sched_setup(struct l0_guest *g, unsigned ncpus)
{
	sched.g = g;
	sched.nharts = g->nvcpus < ncpus ? g->nvcpus : ncpus;
	l0_sched_enabled = g->nvcpus > sched.nharts;
	/* options.c bounds slice_us to 10 .. 1e6: no overflow, never 0
	 * with a timebase of at least 100 kHz */
	sched.slice_ticks = (unsigned long)(g->opts->slice_us *
					    g->host->timebase / 1000000);
	if (!sched.slice_ticks)
		sched.slice_ticks = 1;
	return sched.nharts;
}

unsigned l0_sched_hart_of(unsigned i)
{
	return sched.nharts ? i % sched.nharts : 0;
}

static bool host_sstc(void)
{
	return sched.g->host->isa[L0_ISA_SSTC];
}

static void save_csrs(struct l0_sched_csrs *c, bool sstc)
{
	c->vsstatus = csr_read(CSR_VSSTATUS);
	c->vsie = csr_read(CSR_VSIE);
	c->vstvec = csr_read(CSR_VSTVEC);
	c->vsscratch = csr_read(CSR_VSSCRATCH);
	c->vsepc = csr_read(CSR_VSEPC);
	c->vscause = csr_read(CSR_VSCAUSE);
	c->vstval = csr_read(CSR_VSTVAL);
	c->vsatp = csr_read(CSR_VSATP);
	c->vstimecmp = sstc ? csr_read(CSR_VSTIMECMP) : ~0UL;
	c->hstatus = csr_read(CSR_HSTATUS);
	c->hedeleg = csr_read(CSR_HEDELEG);
	c->hideleg = csr_read(CSR_HIDELEG);
	c->hie = csr_read(CSR_HIE);
	c->hvip = csr_read(CSR_HVIP);
	c->hcounteren = csr_read(CSR_HCOUNTEREN);
	c->henvcfg = csr_read(CSR_HENVCFG);
	c->htimedelta = csr_read(CSR_HTIMEDELTA);
	c->hgatp = csr_read(CSR_HGATP);
	c->sstatus_spp = csr_read(CSR_SSTATUS) & SSTATUS_SPP;
}

static void load_csrs(const struct l0_sched_csrs *c, bool sstc)
{
	csr_write(CSR_VSSTATUS, c->vsstatus);
	csr_write(CSR_VSIE, c->vsie);
	csr_write(CSR_VSTVEC, c->vstvec);
	csr_write(CSR_VSSCRATCH, c->vsscratch);
	csr_write(CSR_VSEPC, c->vsepc);
	csr_write(CSR_VSCAUSE, c->vscause);
	csr_write(CSR_VSTVAL, c->vstval);
	csr_write(CSR_VSATP, c->vsatp);
	if (sstc)
		csr_write(CSR_VSTIMECMP, c->vstimecmp);
	csr_write(CSR_HSTATUS, c->hstatus);
	csr_write(CSR_HEDELEG, c->hedeleg);
	csr_write(CSR_HIDELEG, c->hideleg);
	csr_write(CSR_HIE, c->hie);
	csr_write(CSR_HVIP, c->hvip);
	csr_write(CSR_HCOUNTEREN, c->hcounteren);
	csr_write(CSR_HENVCFG, c->henvcfg);
	csr_write(CSR_HTIMEDELTA, c->htimedelta);
	csr_write(CSR_HGATP, c->hgatp);
	if (c->sstatus_spp)
		csr_set(CSR_SSTATUS, SSTATUS_SPP);
	else
		csr_clear(CSR_SSTATUS, SSTATUS_SPP);
}

void l0_sched_hart_init(struct l0_vcpu *v, bool running)
{
	struct l0_sched_hart *h;

	if (!l0_sched_on())
		return;
	h = &sched.hart[v->sched.hart];
	csr_set(CSR_HSTATUS, SCHED_HSTATUS_VTW);
	save_csrs(&h->boot, host_sstc());
	if (running) {
		/* the boot hart enters vCPU 0 right away (main.c) */
		h->cur = v;
		v->sched.state = L0_SCHED_RUNNING;
		v->sched.loaded = true;
		v->sched.ever_ran = true;
		v->sched.switches++;
		v->sched.since = rd_time();
		h->slice_end = v->sched.since + sched.slice_ticks;
	}
}

unsigned long l0_sched_deadline(const struct l0_vcpu *v)
{
	if (!l0_sched_on())
		return ~0UL;
	return sched.hart[v->sched.hart].slice_end;
}

/* ---- what can run -------------------------------------------------- */

/* Whether a vCPU off its hart (or about to leave it in WFI) has an
 * interrupt that ends its WFI: one pending in its saved hvip or raised
 * by L0 meanwhile (IPI, timer, vPLIC line), and enabled in its vsie
 * (Privileged spec "Wait for Interrupt": WFI resumes when an enabled
 * interrupt is pending, whatever the global enable). */
static bool wakes(const struct l0_vcpu *t)
{
	struct l0_guest *g = t->guest;
	const struct l0_sched_csrs *c = &t->sched.csrs;
	unsigned long now = rd_time(), hvip = c->hvip, vsie = c->vsie;
	unsigned long vstimecmp = c->vstimecmp, pend = 0, l1_vsie = vsie;
	unsigned long l1_hvip = hvip, l1_vstimecmp = vstimecmp;
	bool ext;

	/* the vCPU still loaded (it just waited in WFI on this hart): its
	 * CSRs are the live ones */
	if (t->sched.loaded) {
		hvip = csr_read(CSR_HVIP);
		vsie = csr_read(CSR_VSIE);
		if (host_sstc())
			vstimecmp = csr_read(CSR_VSTIMECMP);
	}
	l1_vsie = vsie;
	l1_hvip = hvip;
	l1_vstimecmp = vstimecmp;
	/* waiting in L2 (l0_sched_l2_wfi): the hardware holds L2's view;
	 * L1's is in vh.l1, and an interrupt of L1 ends L2's WFI too (L1's
	 * interrupts are enabled whenever V=1, "Trap Delegation"; L0 then
	 * exits L2 for it) */
	if (t->vh.in_l2) {
		l1_vsie = t->vh.l1.vsie;
		l1_hvip = t->vh.l1.hvip;
		l1_vstimecmp = t->vh.l1.vstimecmp;
	}
	pend = SCHED_VS_TO_S(l1_hvip);
	if (__atomic_load_n(&t->ipi_pending, __ATOMIC_ACQUIRE))
		pend |= MIP_SSIP;
	if (t->sbi_timer <= now)
		pend |= MIP_STIP;
	/* Sstc: L1's stimecmp is vstimecmp; VSTIP is pending while time
	 * >= vstimecmp (Sstc spec) */
	if (g->l1_has[L0_ISA_SSTC] && l1_vstimecmp <= now)
		pend |= MIP_STIP;
	l0_lock(&g->dev_lock);
	ext = l0_vplic_s_pending(&g->vplic, (unsigned)t->vhartid);
	l0_unlock(&g->dev_lock);
	if (ext)
		pend |= MIP_SEIP;
	/* with the H extension, L1's own VS interrupts for L2 that it
	 * enabled in its hie also end its WFI */
	if (g->nested && (t->vh.hvip & t->vh.hie & HVIP_VS_MASK))
		return true;
	if (pend & l1_vsie)
		return true;
	if (!t->vh.in_l2)
		return false;
	/* L2's own: what L1 injected (the hardware hvip while L2 runs) and
	 * its Sstc timer, enabled in its vsie */
	pend = SCHED_VS_TO_S(hvip);
	if (host_sstc() && vstimecmp <= now)
		pend |= MIP_STIP;
	return pend & vsie;
}

static bool runnable(struct l0_vcpu *t)
{
	switch (__atomic_load_n(&t->hsm, __ATOMIC_ACQUIRE)) {
	case SBI_NESTED_HART_START_PENDING:
		return true;
	case SBI_NESTED_HART_STARTED:
		return t->sched.state != L0_SCHED_BLOCKED || wakes(t);
	case SBI_NESTED_HART_SUSPENDED: /* l0_sched_suspend */
		return wakes(t);
	default:
		return false;
	}
}

/* Round robin over the hart's vCPUs, starting after `after` (vCPU
 * numbers of hart h are h, h + H, h + 2H, ...); `after` itself last. */
static struct l0_vcpu *pick(unsigned h, struct l0_vcpu *after)
{
	struct l0_guest *g = sched.g;
	unsigned n = g->nvcpus, start = after ? (unsigned)after->vhartid : h;

	for (unsigned k = 1; k <= n; k++) {
		unsigned i = (start + k) % n;

		if (i % sched.nharts == h && runnable(&g->vcpu[i]))
			return &g->vcpu[i];
	}
	return NULL;
}

/* ---- switching ----------------------------------------------------- */

/* Whether another vCPU asked something of t that is not done yet (under
 * sched.lock: fence_full). */
static bool has_requests(const struct l0_vcpu *t)
{
	return __atomic_load_n(&t->ipi_pending, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&t->fence_mask, __ATOMIC_ACQUIRE) ||
	       t->sched.fence_full;
}

/* Serve the requests recorded while t was off its hart (or blocked on
 * it), with t's CSRs loaded (the fences act on its hardware and its
 * shadow). Under sched.lock: l0_sched_request_fence decides between a
 * slot and fence_full by the slot's bit. */
static void serve_on_switch_in(struct l0_vcpu *t)
{
	if (t->sched.fence_full) {
		t->sched.fence_full = false;
		fence_i();
		if (t->guest->nested) {
			l0_vhyp_hfence_gvma(t, false, 0, false, 0);
			l0_vhyp_hfence_vvma(t, false, 0, false, 0);
		}
	}
	l0_vcpu_serve_requests(t);
}

static void switch_out(struct l0_vcpu *v)
{
	struct l0_sched_hart *h = &sched.hart[v->sched.hart];
	unsigned long now = rd_time();

	l0_lock(&sched.lock);
	if (v->sched.state == L0_SCHED_RUNNING)
		v->sched.state = L0_SCHED_READY;
	/* a fence asked while v was on the hart: its asker waits for it */
	l0_vcpu_serve_requests(v);
	h->cur = NULL;
	l0_unlock(&sched.lock);
	save_csrs(&v->sched.csrs, host_sstc());
	v->sched.loaded = false;
	v->sched.run_ticks += now - v->sched.since;
}

/* A vCPU that L1 starts (SBI HSM START_PENDING): what l0_vcpu_park does
 * after its wait, SBI spec HSM "sbi_hart_start". */
static void start_vcpu(struct l0_vcpu *t)
{
	l0_vcpu_reset_vs(t);
	l0_fwft_hart_reset(t);
	l0_pmu_hart_reset(t);
	__atomic_store_n(&t->ipi_pending, 0, __ATOMIC_RELAXED);
	t->sepc = t->start_addr;
	t->gpr[L0_GPR_A0] = t->vhartid;
	t->gpr[L0_GPR_A1] = t->start_opaque;
	__atomic_store_n(&t->hsm, SBI_NESTED_HART_STARTED, __ATOMIC_RELEASE);
}

/* After serve_on_switch_in: the checks l0_trap made before it decided
 * to resume, made again for what serving changed (an IPI's VSSIP for L1
 * while L2 runs exits L2). NACL: L1's CSR space follows what that did (an
 * interrupt of L1 that ends L2 is an ON -> OFF change), as at the end of
 * l0_trap. */
static void recheck_before_entry(struct l0_vcpu *t)
{
	l0_trap_resume_checks(t);
	if (t->guest->sbi.nacl)
		l0_nacl_trap_done(t, t->vh.left_l2);
	t->vh.left_l2 = false;
}

static void switch_in(struct l0_vcpu *t)
{
	struct l0_sched_hart *h = &sched.hart[t->sched.hart];
	struct l0_guest *g = t->guest;

	load_csrs(t->sched.ever_ran ? &t->sched.csrs : &h->boot, host_sstc());
	t->sched.ever_ran = true;
	t->sched.loaded = true;
	/* L1's VS-stage translations are tagged with L1's VMID, the same
	 * for every vCPU: the last vCPU's must not serve this one. HFENCE.VVMA
	 * acts on the VMID in hgatp ("Hypervisor Memory-Management Fence
	 * Instructions"); l0_hfence_vvma puts L1's there for the fence. The
	 * shadow's VMIDs are the vCPU's own (vhyp.c), so its L2's entries
	 * never meet another vCPU's. */
	l0_hfence_vvma(t->vhartid, l0_gmem_hgatp(&g->gmem), false, 0, false, 0);
	l0_lock(&sched.lock);
	serve_on_switch_in(t);
	t->sched.state = L0_SCHED_RUNNING;
	h->cur = t;
	l0_unlock(&sched.lock);
	t->sched.switches++;
	t->sched.since = rd_time();
	h->slice_end = t->sched.since + sched.slice_ticks;
	/* SBI HSM: a suspended vCPU resumes when it runs again */
	if (__atomic_load_n(&t->hsm, __ATOMIC_ACQUIRE) ==
	    SBI_NESTED_HART_SUSPENDED)
		__atomic_store_n(&t->hsm, SBI_NESTED_HART_STARTED,
				 __ATOMIC_RELEASE);
	if (__atomic_load_n(&t->hsm, __ATOMIC_ACQUIRE) ==
	    SBI_NESTED_HART_START_PENDING)
		start_vcpu(t); /* programs the timer (l0_contain_start) */
	else
		l0_vhyp_program_timer(t);
	/* the vPLIC may have changed meanwhile, its timer may be due: the
	 * checks every trap makes before resuming */
	t->dev_gen_seen = ~0UL;
	recheck_before_entry(t);
}

/* The earliest time a blocked vCPU of hart h wakes by a timer. */
static unsigned long next_timer(unsigned h)
{
	struct l0_guest *g = sched.g;
	unsigned long t = ~0UL;

	for (unsigned i = h; i < g->nvcpus; i += sched.nharts) {
		const struct l0_vcpu *v = &g->vcpu[i];

		if (__atomic_load_n(&v->hsm, __ATOMIC_ACQUIRE) !=
		    SBI_NESTED_HART_STARTED)
			continue;
		/* only a timer whose interrupt L1 enabled ends its WFI (a
		 * past one that does not would keep STIP pending and this
		 * hart spinning) */
		if (!(v->sched.csrs.vsie & MIP_STIP))
			continue;
		if (v->sbi_timer < t)
			t = v->sbi_timer;
		if (g->l1_has[L0_ISA_SSTC] && v->sched.csrs.vstimecmp < t)
			t = v->sched.csrs.vstimecmp;
	}
	return t;
}

/* Claim what the real interrupt controller has for L0 while no vCPU is
 * loaded (the boot hart takes device interrupts): pending in the vPLIC,
 * and every other hart looks again at its vCPUs' lines. */
static void idle_claim(unsigned h)
{
	struct l0_guest *g = sched.g;
	uint32_t src;
	bool any = false;

	do {
		l0_lock(&g->dev_lock);
		src = l0_vplic_hw_claim(&g->vplic);
		if (src)
			__atomic_add_fetch(&g->dev_gen, 1, __ATOMIC_RELEASE);
		l0_unlock(&g->dev_lock);
		any |= src != 0;
	} while (src);
	if (!any)
		return;
	/* vCPU i < H is the first of host hart i */
	for (unsigned i = 0; i < sched.nharts; i++)
		if (i != h)
			l0_vcpu_kick(&g->vcpu[i]);
}

/* Nothing of hart h can run: wait in WFI (L0 runs with sstatus.SIE = 0;
 * WFI wakes on a pending interrupt enabled in sie, Privileged spec "Wait
 * for Interrupt") for a kick, a device or the next timer of a vCPU. */
static struct l0_vcpu *idle(unsigned h)
{
	struct l0_sched_hart *hh = &sched.hart[h];
	struct l0_vcpu *n;

	for (;;) {
		__atomic_store_n(&hh->idle, 1, __ATOMIC_SEQ_CST);
		/* Against kick_if_idle (a store then a load on each side,
		 * Dekker's pattern): this store before pick's loads of the
		 * requests, whatever the compiler's mapping of the atomics
		 * (RVWMO, "Memory Ordering": only a FENCE RW,RW orders a store
		 * before a later load), so that an asker that reads idle = 0
		 * has its request seen here */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		n = pick(h, NULL);
		if (n)
			break;
		l0_host_timer_program(sched.g, next_timer(h));
		wfi();
		csr_clear(CSR_SIP, MIP_SSIP);
		if (csr_read(CSR_SIP) & MIP_SEIP)
			idle_claim(h);
	}
	__atomic_store_n(&hh->idle, 0, __ATOMIC_SEQ_CST);
	return n;
}

struct l0_vcpu *l0_sched_resume(struct l0_vcpu *v)
{
	unsigned h = v->sched.hart;
	struct l0_sched_hart *hh = &sched.hart[h];
	struct l0_vcpu *n;

	if (!l0_sched_on())
		return v;
	if (v->sched.state != L0_SCHED_BLOCKED && rd_time() < hh->slice_end)
		return v;
	/* the slice's own timer trap is no progress of L1's for the
	 * watchdog, which counts traps (contain.h): without this an L1
	 * spinning with its interrupts off on a shared hart was never
	 * stopped (measured: the containment payload's spin case ran into
	 * the harness's timeout). Not when this very trap's check just took
	 * the count. */
	if (v->trap.scause == (CAUSE_INTERRUPT | IRQ_S_TIMER) &&
	    v->contain.wdog_mark != v->stats.traps)
		v->contain.wdog_mark++;
	n = pick(h, v);
	if (n == v) {
		bool asked;

		/* still the only one that can run: a new slice */
		if (__atomic_load_n(&v->hsm, __ATOMIC_ACQUIRE) ==
		    SBI_NESTED_HART_SUSPENDED)
			__atomic_store_n(&v->hsm, SBI_NESTED_HART_STARTED,
					 __ATOMIC_RELEASE);
		hh->slice_end = rd_time() + sched.slice_ticks;
		l0_vhyp_program_timer(v);
		/* The race of issue 15: a request that woke v here (pick saw
		 * its ipi_pending) came from a vCPU that read v BLOCKED and
		 * so sent no kick (l0_sched_request_ipi); v then went back
		 * to its guest without the IPI in its hvip, its WFI trapped
		 * again, woke again, ... until some other kick came: a hang
		 * of rfence_remote/ipi_remote without icount, and under icount
		 * (where it ended) one late soft interrupt. Rule: a vCPU that
		 * was not kicked is served by its own hart before it runs,
		 * after a switch-in and here alike (sched.h). Under the lock
		 * with the state change, as in switch_in: a requester that
		 * reads v not RUNNING (no kick) has recorded its request
		 * before, so it is served here. */
		l0_lock(&sched.lock);
		v->sched.state = L0_SCHED_RUNNING; /* woke at once, or still */
		asked = has_requests(v);
		if (asked)
			serve_on_switch_in(v);
		l0_unlock(&sched.lock);
		if (asked)
			recheck_before_entry(v);
		return v;
	}
	switch_out(v);
	if (!n)
		n = idle(h);
	switch_in(n);
	return n;
}

void l0_sched_wfi(struct l0_vcpu *v)
{
	/* L1 waits: progress for the watchdog (contain.h) */
	l0_contain_waiting(&v->contain);
	/* "Wait for Interrupt": WFI completes at once when an enabled
	 * interrupt is pending already */
	if (l0_hcsr_read(v, CSR_VSIP) & l0_hcsr_read(v, CSR_VSIE))
		return;
	if (__atomic_load_n(&v->ipi_pending, __ATOMIC_ACQUIRE))
		return;
	v->sched.state = L0_SCHED_BLOCKED;
	v->sched.wfi_yields++;
}

bool l0_sched_l2_wfi(struct l0_vcpu *v)
{
	/* L1 did not ask for L2's WFI (its virtual hstatus.VTW = 0): on
	 * hardware it would just wait, so L0 waits for it, giving the hart
	 * away; WFI has no compressed form */
	if (v->vh.hstatus & HSTATUS_VTW)
		return false;
	v->sepc += 4;
	/* "Wait for Interrupt": done at once if L2 has an enabled interrupt
	 * pending; one of L1's ends it too (wakes()) */
	if (csr_read(CSR_VSIP) & csr_read(CSR_VSIE))
		return true;
	v->sched.state = L0_SCHED_BLOCKED;
	v->sched.wfi_yields++;
	return true;
}

bool l0_sched_suspend(struct l0_vcpu *v)
{
	if (!l0_sched_on())
		return false;
	/* SBI spec HSM "sbi_hart_suspend": the hart resumes on an interrupt
	 * it enabled (as l0_wait_for_guest_interrupt waits on the hart) */
	l0_contain_waiting(&v->contain);
	v->sched.state = L0_SCHED_BLOCKED;
	v->sched.wfi_yields++;
	return true;
}

void l0_sched_park(struct l0_vcpu *v)
{
	unsigned h = v->sched.hart;
	struct l0_vcpu *n;

	if (v->sched.loaded)
		switch_out(v);
	n = pick(h, v);
	if (!n)
		n = idle(h);
	switch_in(n);
	l0_guest_enter(n);
}

/* ---- requests from other vCPUs ------------------------------------- */

static void kick_if_idle(struct l0_vcpu *t)
{
	/* the request (stored by the caller) before the load of idle; the
	 * other half is in idle() */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&sched.hart[t->sched.hart].idle, __ATOMIC_SEQ_CST))
		l0_vcpu_kick(t);
}

void l0_sched_request_ipi(struct l0_vcpu *t)
{
	bool on_hart;

	__atomic_store_n(&t->ipi_pending, 1, __ATOMIC_SEQ_CST);
	l0_lock(&sched.lock);
	on_hart = t->sched.state == L0_SCHED_RUNNING;
	l0_unlock(&sched.lock);
	if (on_hart)
		l0_vcpu_kick(t);
	else
		kick_if_idle(t);
}

bool l0_sched_request_fence(struct l0_vcpu *self, struct l0_vcpu *t,
			    const struct sbi_nested_fence *f)
{
	unsigned i = (unsigned)(self - self->guest->vcpu);
	unsigned long bit = 1UL << i;
	bool on_hart;

	l0_lock(&sched.lock);
	on_hart = t->sched.state == L0_SCHED_RUNNING;
	if (__atomic_load_n(&t->fence_mask, __ATOMIC_ACQUIRE) & bit) {
		/* only while t is off its hart (on it, askers wait): the
		 * earlier fence is still there, so flush everything */
		t->sched.fence_full = true;
	} else {
		t->fence_arg[i] = *f;
		__atomic_or_fetch(&t->fence_mask, bit, __ATOMIC_RELEASE);
	}
	l0_unlock(&sched.lock);
	return on_hart;
}

/* ---- statistics ---------------------------------------------------- */

static void print_list(const char *key, const struct l0_guest *g,
		       unsigned which)
{
	unsigned long now = rd_time();

	printf(" %s=", key);
	for (unsigned i = 0; i < g->nvcpus; i++) {
		const struct l0_sched_vcpu *s = &g->vcpu[i].sched;
		uint64_t x = which == 0
				     ? s->run_ticks +
					       (s->loaded ? now - s->since : 0)
			     : which == 1 ? s->switches
					  : s->wfi_yields;

		printf("%svcpu%u:%llu", i ? "," : "", i, (unsigned long long)x);
	}
}

void l0_sched_print(const struct l0_guest *g)
{
	if (!l0_sched_on())
		return;
	printf("RVNEST l0sched vcpus=%u harts=%u slice_us=%llu", g->nvcpus,
	       sched.nharts, (unsigned long long)g->opts->slice_us);
	/* run time in timebase ticks (a vCPU still on its hart counted up
	 * to now), times switched in, WFIs that gave the hart away */
	print_list("run", g, 0);
	print_list("switches", g, 1);
	print_list("wfi_yields", g, 2);
	printf(" depth=%u\n", g->depth);
}
