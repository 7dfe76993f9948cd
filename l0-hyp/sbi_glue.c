/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Glue between L0 and sbi-nested: the services (struct sbi_nested_ops)
 * over L0's guest state, and the ecall_vs handler that calls the
 * dispatcher and acts on its named action.
 */
#include <rvnest/bench.h>
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/sbi.h>
#include <sbi_nested.h>
#include <stdio.h>

#include "appwin.h"
#include "hcsr.h"
#include "nacl.h"
#include "sbi_dbtr.h"
#include "sbi_fwft.h"
#include "sbi_pmu.h"
#include "trap.h"
#include "vcpu.h"

/*
 * Every service runs on the host hart of the calling vCPU: `ctx` is that
 * vCPU (l0_sbi_ecall passes it), `hartid` arguments name L1 harts, which
 * the dispatcher has checked against nharts.
 */
static struct l0_vcpu *caller_of(void *ctx)
{
	return ctx;
}

static struct l0_guest *guest_of(void *ctx)
{
	return caller_of(ctx)->guest;
}

static struct l0_vcpu *vcpu_of(void *ctx, unsigned long hartid)
{
	return &guest_of(ctx)->vcpu[hartid];
}

static enum sbi_nested_status glue_guest_check(void *ctx, unsigned long gpa,
					       unsigned long len,
					       enum sbi_nested_access access)
{
	/* L1 RAM allows every access kind; nothing else is memory. */
	(void)access;
	return l0_gmem_in_ram(&guest_of(ctx)->gmem, gpa, len ? len : 1)
		       ? SBI_NESTED_OK
		       : SBI_NESTED_OUTSIDE;
}

static enum sbi_nested_status glue_guest_read(void *ctx, unsigned long gpa,
					      void *buf, size_t len)
{
	return l0_gmem_read(&guest_of(ctx)->gmem, gpa, buf, len)
		       ? SBI_NESTED_OK
		       : SBI_NESTED_OUTSIDE;
}

static enum sbi_nested_status glue_guest_write(void *ctx, unsigned long gpa,
					       const void *buf, size_t len)
{
	return l0_gmem_write(&guest_of(ctx)->gmem, gpa, buf, len)
		       ? SBI_NESTED_OK
		       : SBI_NESTED_OUTSIDE;
}

/* L1 RAM is ordinary host memory in blocks: a range inside one block can be
 * used in place (NACL's shared memory). */
static void *glue_guest_map(void *ctx, unsigned long gpa, unsigned long len)
{
	uint64_t hpa, n;

	if (!l0_gmem_hpa(&guest_of(ctx)->gmem, gpa, &hpa, &n) || n < len)
		return NULL;
	return (void *)(uintptr_t)hpa;
}

static enum sbi_nested_status glue_guest_read_ulong_virt(void *ctx,
							 unsigned long hartid,
							 unsigned long gva,
							 unsigned long *val)
{
	struct l0_guest *g = guest_of(ctx);
	struct l0_vcpu *v = caller_of(ctx);
	unsigned long vsstatus = l0_hcsr_read(v, CSR_VSSTATUS);
	/* an S-mode load of the caller (SBI spec "Legacy Extensions":
	 * hart_mask is a virtual address) */
	struct pt_walk_opts opts = {
		.sum = vsstatus & SSTATUS_SUM,
		.mxr = vsstatus & SSTATUS_MXR,
	};
	uint64_t gpa;

	(void)hartid; /* the caller, whose vsatp is live on this hart */
	if (l0_gmem_gva_to_gpa(&g->gmem, l0_hcsr_read(v, CSR_VSATP), gva,
			       PT_ACCESS_READ, &opts, &gpa) != PT_WALK_OK)
		return SBI_NESTED_FAULT;
	return l0_gmem_read(&g->gmem, gpa, val, sizeof(*val))
		       ? SBI_NESTED_OK
		       : SBI_NESTED_OUTSIDE;
}

static enum sbi_nested_status glue_console_write(void *ctx, const char *buf,
						 size_t len)
{
	struct l0_guest *g = guest_of(ctx);
	enum sbi_nested_status st = SBI_NESTED_OK;

	/* L1's bytes go out unprefixed, after anything L0 has buffered, so
	 * L0's "[l0] " lines never split one of L1's; one vCPU at a time. */
	l0_lock(&g->console_lock);
	console_flush();
	/* and the application benchmarks' window markers (appwin.h) */
	if (l0_appwin_write(g, buf, len) != len)
		st = SBI_NESTED_IO_ERROR;
	console_flush();
	l0_unlock(&g->console_lock);
	return st;
}

static int glue_console_getc(void *ctx)
{
	(void)ctx;
	/* OpenSBI's legacy getchar returns the byte or -1 (SBI spec
	 * "Extension: Console Getchar") */
	return (int)sbi_call0(SBI_EXT_LEGACY_CONSOLE_GETCHAR, 0).error;
}

static void glue_set_timer(void *ctx, unsigned long hartid, unsigned long stime)
{
	/* TIME acts on the calling hart, which is this one */
	(void)hartid;
	l0_vcpu_set_timer(caller_of(ctx), stime);
}

static enum sbi_nested_status glue_send_ipi(void *ctx, unsigned long hartid)
{
	struct l0_vcpu *self = caller_of(ctx), *t = vcpu_of(ctx, hartid);

	if (t == self)
		l0_hcsr_set(self, CSR_HVIP, MIP_VSSIP);
	else
		l0_vcpu_request_ipi(self, t);
	return SBI_NESTED_OK;
}

static bool glue_clear_ipi(void *ctx, unsigned long hartid)
{
	struct l0_vcpu *self = caller_of(ctx);
	bool was = l0_hcsr_read(self, CSR_HVIP) & MIP_VSSIP;

	/* legacy clear_ipi acts on the caller */
	(void)hartid;
	l0_hcsr_clear(self, CSR_HVIP, MIP_VSSIP);
	return was;
}

void l0_vcpu_fence_local(struct l0_vcpu *self, const struct sbi_nested_fence *f)
{
	/* Flushing more than asked is always allowed (the fences only
	 * promise at least the given range). */
	switch (f->kind) {
	case SBI_NESTED_FENCE_I:
		fence_i();
		break;
	case SBI_NESTED_FENCE_SFENCE_VMA:
	case SBI_NESTED_FENCE_SFENCE_VMA_ASID:
		/* HFENCE.VVMA acts on the VMID in hgatp, which must be L1's
		 * own G-stage: a fence asked by another hart may arrive
		 * while L2 runs here on the shadow's */
		l0_hfence_vvma(
			self->vhartid, l0_gmem_hgatp(&self->guest->gmem), false,
			0, f->kind == SBI_NESTED_FENCE_SFENCE_VMA_ASID, f->id);
		break;
	case SBI_NESTED_FENCE_HFENCE_VVMA:
	case SBI_NESTED_FENCE_HFENCE_VVMA_ASID:
		/* with l1.h=1 the fence is for L2's VS-stage, under the VMID
		 * of L1's virtual hgatp: the shadow's (vhyp.c) */
		if (self->guest->nested)
			l0_vhyp_hfence_vvma(
				self, false, 0,
				f->kind == SBI_NESTED_FENCE_HFENCE_VVMA_ASID,
				f->id);
		else
			l0_hfence_vvma(self->vhartid, L0_HGATP_CURRENT, false,
				       0, false, 0);
		break;
	case SBI_NESTED_FENCE_HFENCE_GVMA:
	case SBI_NESTED_FENCE_HFENCE_GVMA_VMID:
		/* L1's G-stage is shadowed (l1.h=1): drop the shadow of
		 * that range (SBI spec RFENCE: start and size are guest
		 * physical) in the VMID's slots, or in every slot */
		if (!self->guest->nested)
			l0_hfence_gvma(self->vhartid, false, 0, false, 0);
		else if (f->all)
			l0_vhyp_hfence_gvma(
				self, false, 0,
				f->kind == SBI_NESTED_FENCE_HFENCE_GVMA_VMID,
				f->id);
		else
			l0_vhyp_hfence_gvma_range(
				self, f->start, f->size,
				f->kind == SBI_NESTED_FENCE_HFENCE_GVMA_VMID,
				f->id);
		break;
	}
}

static enum sbi_nested_status
glue_remote_fence(void *ctx, unsigned long hartid,
		  const struct sbi_nested_fence *f)
{
	struct l0_vcpu *self = caller_of(ctx), *t = vcpu_of(ctx, hartid);

	if (t != self) {
		/* A hart that is not running L1 has no translations to
		 * flush (it flushes when it starts); a running one does
		 * the same fence on its own hart, in its own shadow, before
		 * the call returns. */
		if (__atomic_load_n(&t->hsm, __ATOMIC_ACQUIRE) ==
		    SBI_NESTED_HART_STARTED)
			l0_vcpu_request_fence(self, t, f);
		return SBI_NESTED_OK;
	}
	l0_vcpu_fence_local(self, f);
	return SBI_NESTED_OK;
}

static enum sbi_nested_hart_state glue_hart_get_status(void *ctx,
						       unsigned long hartid)
{
	return (enum sbi_nested_hart_state)__atomic_load_n(
		&vcpu_of(ctx, hartid)->hsm, __ATOMIC_ACQUIRE);
}

static enum sbi_nested_status glue_hart_start(void *ctx, unsigned long hartid,
					      unsigned long start_addr,
					      unsigned long opaque)
{
	struct l0_vcpu *t = vcpu_of(ctx, hartid);
	int stopped = SBI_NESTED_HART_STOPPED;

	if (__atomic_load_n(&t->hsm, __ATOMIC_ACQUIRE) != stopped)
		return SBI_NESTED_BAD_STATE;
	t->start_addr = start_addr;
	t->start_opaque = opaque;
	/* STOPPED -> START_PENDING once: a second start racing with this
	 * one gets "already started" (SBI spec HSM "sbi_hart_start") */
	if (!__atomic_compare_exchange_n(&t->hsm, &stopped,
					 SBI_NESTED_HART_START_PENDING, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return SBI_NESTED_BAD_STATE;
	l0_vcpu_kick(t); /* its host hart waits in l0_vcpu_park */
	return SBI_NESTED_OK;
}

static void glue_bench_mark(void *ctx, unsigned long id,
			    enum sbi_nested_bench_phase phase,
			    const unsigned long args[5])
{
	struct l0_guest *g = guest_of(ctx);

	/* With l0.benchwin=l2 the window follows L2's markers only, so an
	 * L1 that also passes them on does not open a second one. */
	if (g->opts->benchwin == L0_BENCHWIN_L1)
		l0_bench_mark(caller_of(ctx), id,
			      phase == SBI_NESTED_BENCH_BEGIN, args[1]);
}

/*
 * An L0 that runs on an L0 (depth > 1) passes every marker on to the L0
 * below (SBI_EXT_RVNEST, which that one is known to answer: it told this
 * one its depth), so each level prints its own l0bench line for the same
 * window. BEGIN goes down after this level's snapshot and END before this
 * level prints: the level below then counts this level's handling of the
 * window's own markers, not its console output.
 */
static void bench_mark_below(const struct l0_guest *g, unsigned long id,
			     bool begin, unsigned long iters)
{
	if (g->depth < 2)
		return;
	/* BENCH_END: a1 = iterations (docs/protocol.md); the counter deltas
	 * in a2..a4 are the caller's business, not passed on */
	sbi_ecall(SBI_EXT_RVNEST,
		  begin ? SBI_RVNEST_BENCH_BEGIN : SBI_RVNEST_BENCH_END, id,
		  iters, 0, 0, 0, 0);
}

void l0_bench_mark(struct l0_vcpu *self, unsigned long id, bool begin,
		   unsigned long iters)
{
	struct l0_guest *g = self->guest;
	struct l0_vcpu *v = &g->vcpu[0];
	const char *name = bench_name(id);

	if (!name) {
		printf("[l0] bench mark for unknown benchmark id %lu ignored\n",
		       id);
		return;
	}
	/* the window counts the traps of every vCPU; the snapshots go
	 * straight where they are kept, so END costs L0 no more than
	 * l0_bench_mark_empty() beyond these few checks */
	if (begin) {
		l0_stats_sum(g, &v->bench_base);
		v->bench_open = true;
		v->bench_id = id;
		l0_prof_bench_edge(&self->prof, name, true);
		bench_mark_below(g, id, true, iters);
		return;
	}
	if (!v->bench_open || v->bench_id != id) {
		printf("[l0] BENCH_END for %s without its BENCH_BEGIN\n", name);
		return;
	}
	l0_stats_sum(g, &v->bench_end);
	v->bench_open = false;
	l0_prof_bench_edge(&self->prof, name, false);
	bench_mark_below(g, id, false, iters);
	v->bench_iters = iters;
	v->bench_pending = true;
	/* With l0.benchwin=l2 this END is on its way to L1's KVM, and kvm-vmm
	 * reads instret for the window only when it arrives there: the line
	 * (formatting and console output, about 9,000 to 13,000 instructions
	 * measured) waits until L2 is between windows (vhyp.c). */
	if (g->opts->benchwin != L0_BENCHWIN_L2)
		l0_bench_flush(self);
}

void l0_bench_mark_empty(struct l0_guest *g)
{
	l0_stats_sum(g, &g->vcpu[0].bench_scratch);
}

void l0_bench_flush(struct l0_vcpu *self)
{
	struct l0_guest *g = self->guest;
	struct l0_vcpu *v = &g->vcpu[0];
	char causes[512];
	uint64_t paused;

	if (!v->bench_pending)
		return;
	v->bench_pending = false;
	/* printing is measurement, not emulation: left out of this trap's
	 * profile (counted as l0prof excluded=) */
	paused = l0_prof_pause();
	l0_stats_format_causes(&v->bench_end, &v->bench_base, causes,
			       sizeof(causes));
	/* The window: every trap after BEGIN's own, up to and including
	 * END's; of them, the traps taken while L2 ran (l2_exits) and those
	 * L0 delivered to L1 (l2_forwarded). depth= last, so parsers that
	 * read the keys before it keep working. */
	printf("RVNEST l0bench name=%s iters=%lu traps=%llu causes=%s "
	       "l2_exits=%llu l2_forwarded=%llu depth=%u\n",
	       bench_name(v->bench_id), v->bench_iters,
	       (unsigned long long)(v->bench_end.traps - v->bench_base.traps),
	       causes,
	       (unsigned long long)(v->bench_end.ev[L0_EV_L2_EXIT] -
				    v->bench_base.ev[L0_EV_L2_EXIT]),
	       (unsigned long long)(v->bench_end.ev[L0_EV_L2_FORWARD] -
				    v->bench_base.ev[L0_EV_L2_FORWARD]),
	       g->depth);
	l0_prof_resume(&self->prof, paused);
}

static const struct sbi_nested_ops l0_sbi_ops = {
	.guest_check = glue_guest_check,
	.guest_read = glue_guest_read,
	.guest_write = glue_guest_write,
	.guest_map = glue_guest_map,
	.guest_read_ulong_virt = glue_guest_read_ulong_virt,
	.console_write = glue_console_write,
	.console_getc = glue_console_getc,
	.set_timer = glue_set_timer,
	.send_ipi = glue_send_ipi,
	.clear_ipi = glue_clear_ipi,
	.remote_fence = glue_remote_fence,
	.hart_get_status = glue_hart_get_status,
	.hart_start = glue_hart_start,
	.bench_mark = glue_bench_mark,
	/* NACL (l0-hyp/nacl.c); offered only after l0_nacl_setup() */
	.hcsr_read = l0_nacl_hcsr_read,
	.hcsr_write = l0_nacl_hcsr_write,
	.hcsr_addr = l0_nacl_hcsr_addr,
	.hfence = l0_nacl_hfence,
	.nacl_sret = l0_nacl_sret,
	/* FWFT (sbi_fwft.c); offered only after l0_fwft_setup() */
	.fwft_get = l0_fwft_get,
	.fwft_set = l0_fwft_set,
	/* PMU (sbi_pmu.c); offered only after l0_pmu_setup() */
	.pmu_hw = l0_pmu_hw,
	.pmu_hw_read = l0_pmu_hw_read,
	.pmu_hw_overflow = l0_pmu_hw_overflow,
	/* DBTR (sbi_dbtr.c); offered only after l0_dbtr_setup() */
	.dbtr_count = l0_dbtr_count,
	.dbtr_install = l0_dbtr_install,
	.dbtr_update = l0_dbtr_update,
	.dbtr_uninstall = l0_dbtr_uninstall,
};

static bool l0_all_vcpus_stopped(const struct l0_guest *g)
{
	for (unsigned i = 0; i < g->nvcpus; i++)
		if (__atomic_load_n(&g->vcpu[i].hsm, __ATOMIC_ACQUIRE) !=
		    SBI_NESTED_HART_STOPPED)
			return false;
	return true;
}

void l0_sbi_setup(struct l0_guest *g)
{
	g->sbi_cfg.nharts = g->nvcpus;
	g->sbi_cfg.guest_has_h = g->l1_has[L0_ISA_H];
	g->sbi_cfg.ext_enabled = SBI_NESTED_EXT_ALL;
	/* SBI_EXT_RVNEST DEPTH tells an L0 running as L1 how deep it is */
	g->sbi_cfg.depth = g->depth;
	/* L1 sees the real CPU's IDs, as reported by L0's own firmware */
	g->sbi_cfg.mvendorid =
		(unsigned long)sbi_call0(SBI_EXT_BASE, SBI_BASE_GET_MVENDORID)
			.value;
	g->sbi_cfg.marchid =
		(unsigned long)sbi_call0(SBI_EXT_BASE, SBI_BASE_GET_MARCHID)
			.value;
	g->sbi_cfg.mimpid =
		(unsigned long)sbi_call0(SBI_EXT_BASE, SBI_BASE_GET_MIMPID)
			.value;
	g->sbi.ops = &l0_sbi_ops;
	g->sbi.cfg = &g->sbi_cfg;
	g->sbi.ctx = NULL; /* per call: the calling vCPU (l0_sbi_ecall) */
	l0_fwft_setup(g);
	l0_pmu_setup(g);
	l0_dbtr_setup(g);
}

enum l0_trap_outcome l0_sbi_ecall(struct l0_vcpu *v)
{
	struct l0_guest *g = v->guest;
	struct sbi_nested_request req = {
		.eid = v->gpr[L0_GPR_A7],
		.fid = v->gpr[L0_GPR_A6],
		.hartid = v->vhartid,
	};
	struct sbi_nested sn = g->sbi;
	struct sbi_nested_result res;

	sn.ctx = v;
	for (unsigned i = 0; i < sizeof(req.args) / sizeof(req.args[0]); i++)
		req.args[i] = v->gpr[L0_GPR_A0 + i]; /* a0..a5 */
	v->stats.ev[L0_EV_SBI_CALL]++;
	l0_prof_note_sbi(&v->prof, req.eid, req.fid);
	sbi_nested_dispatch(&sn, &req, &res);
	/* NACL SYNC_SRET: the call does not return; the nacl_sret service
	 * already set the registers and the pc (sbi_nested.h) */
	if (res.action == SBI_NESTED_NO_RETURN)
		return L0_TRAP_RESUME;
	v->gpr[L0_GPR_A0] = (unsigned long)res.error;
	if (!res.legacy_a0_only)
		v->gpr[L0_GPR_A1] = (unsigned long)res.value;
	/* ECALL is 4 bytes: no compressed form exists */
	v->sepc += 4;

	switch (res.action) {
	case SBI_NESTED_CONTINUE:
	case SBI_NESTED_NO_RETURN: /* returned above */
		return L0_TRAP_RESUME;
	case SBI_NESTED_SHUTDOWN:
		g->exit_status = res.exit_status;
		return L0_TRAP_SHUTDOWN;
	case SBI_NESTED_RESET:
		g->reset_type = res.reset_type;
		g->reset_reason = res.reset_reason;
		return L0_TRAP_RESET;
	case SBI_NESTED_HART_STOP:
		__atomic_store_n(&v->hsm, SBI_NESTED_HART_STOPPED,
				 __ATOMIC_RELEASE);
		if (l0_all_vcpus_stopped(g)) {
			/* nothing can restart them: say so, never hang */
			printf("RVNEST error msg=all_L1_harts_stopped "
			       "depth=%u\n",
			       g->depth);
			return L0_TRAP_FATAL;
		}
		l0_vcpu_park(v); /* until another vCPU starts this one */
	case SBI_NESTED_HART_SUSPEND:
		__atomic_store_n(&v->hsm, SBI_NESTED_HART_SUSPENDED,
				 __ATOMIC_RELEASE);
		/* a shared hart goes to another vCPU meanwhile (sched.h):
		 * STARTED again at this one's switch-in */
		if (!l0_sched_suspend(v))
			l0_wait_for_guest_interrupt(v);
		if (!l0_sched_on())
			__atomic_store_n(&v->hsm, SBI_NESTED_HART_STARTED,
					 __ATOMIC_RELEASE);
		if (!res.suspend_retentive) {
			/* SBI spec HSM "sbi_hart_suspend": resume at
			 * resume_addr, a0 = hartid, a1 = opaque, satp = 0,
			 * sstatus.SIE = 0, in S-mode */
			v->sepc = res.resume_addr;
			v->gpr[L0_GPR_A0] = v->vhartid;
			v->gpr[L0_GPR_A1] = res.opaque;
			l0_hcsr_write(v, CSR_VSATP, 0);
			l0_hcsr_clear(v, CSR_VSSTATUS, SSTATUS_SIE);
			csr_set(CSR_SSTATUS, SSTATUS_SPP);
		}
		return L0_TRAP_RESUME;
	}
	return L0_TRAP_FATAL;
}
