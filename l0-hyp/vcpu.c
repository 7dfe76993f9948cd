/* SPDX-License-Identifier: BSD-2-Clause */
#include "vcpu.h"

#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/gcov.h>
#include <rvnest/sbi.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "hcsr.h"
#include "pci.h"
#include "sbi_dbtr.h"
#include "sbi_fwft.h"
#include "sbi_pmu.h"
#include "trap.h"

_Static_assert(offsetof(struct l0_vcpu, gpr) == VCPU_GPR(0), "gpr offset");
_Static_assert(offsetof(struct l0_vcpu, sepc) == VCPU_SEPC, "sepc offset");
_Static_assert(offsetof(struct l0_vcpu, l0_sp) == VCPU_L0_SP, "l0_sp offset");

extern char l0_boot_stack_end[];

/*
 * Exceptions L1 handles itself, without L0 (hedeleg): the ones a
 * non-virtualised supervisor receives from its firmware. Not delegated:
 * ecall_vs (L0 is L1's SBI), guest-page faults and virtual-instruction
 * exceptions (cannot be: hedeleg bits 10, 20..23 are read-only zero),
 * access faults and misaligned accesses (L0 sees and forwards them, so
 * they are counted).
 */
static const unsigned char l0_hedeleg_causes[] = {
	EXC_INST_MISALIGNED, EXC_BREAKPOINT,	  EXC_ECALL_U,
	EXC_INST_PAGE_FAULT, EXC_LOAD_PAGE_FAULT, EXC_STORE_PAGE_FAULT,
};

/* VS-level interrupts go straight to L1 (hideleg); L0 drives them through
 * hvip (VSSIP, VSTIP, VSEIP) or vstimecmp. */
#define L0_HIDELEG (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP)
/* L0's own interrupts: its timer, the real PLIC, IPIs between L0's harts */
#define L0_SIE (MIP_SSIP | MIP_STIP | MIP_SEIP)
/* l1.aia=1: L1's S-level IMSIC file is this hart's guest interrupt file
 * 1, selected by hstatus.VGEIN while L1 runs (vaplic.h; AIA "Virtual
 * supervisor level": VS-mode's siselect/sireg/stopei reach the file
 * VGEIN names, and hip.VSEIP is its interrupt line) */
#define L0_L1_VGEIN 1UL

/* hstatus.VSXL = 2: VS-mode XLEN is 64 (Privileged spec "hstatus") */
#define HSTATUS_VSXL_64 (_UL(2) << HSTATUS_VSXL_SHIFT)
#define SSTATUS_FS_INITIAL (_UL(1) << 13)
#define SSTATUS_VS_INITIAL (_UL(1) << 9)
/* the CBIE field value that lets a guest's CBO.INVAL invalidate
 * (Privileged spec "henvcfg": 11 = invalidate) */
#define ENVCFG_CBIE_INV ENVCFG_CBIE

/* henvcfg bit that enables each feature for VS-mode (Privileged spec
 * "henvcfg"); without it L1's use of the feature raises a
 * virtual-instruction exception or behaves as if absent. */
static const struct {
	enum l0_isa_feature feature;
	unsigned long bits;
} l0_envcfg_features[] = {
	{L0_ISA_ZICBOM, ENVCFG_CBIE_INV | ENVCFG_CBCFE},
	{L0_ISA_ZICBOZ, ENVCFG_CBZE},
	{L0_ISA_SVPBMT, ENVCFG_PBMTE},
	{L0_ISA_SVADU, ENVCFG_ADUE},
	{L0_ISA_SSTC, ENVCFG_STCE},
};

void l0_guest_setup_envcfg(struct l0_guest *g)
{
	unsigned long want = 0, got;

	for (unsigned i = 0;
	     i < sizeof(l0_envcfg_features) / sizeof(l0_envcfg_features[0]);
	     i++)
		if (g->l1_has[l0_envcfg_features[i].feature])
			want |= l0_envcfg_features[i].bits;
	csr_write(CSR_HENVCFG, want);
	got = csr_read(CSR_HENVCFG);
	/* henvcfg bits are read-only zero when the firmware keeps the
	 * matching menvcfg bit clear: then L1 is not told it has them. */
	for (unsigned i = 0;
	     i < sizeof(l0_envcfg_features) / sizeof(l0_envcfg_features[0]);
	     i++)
		if ((got & l0_envcfg_features[i].bits) !=
		    (want & l0_envcfg_features[i].bits))
			g->l1_has[l0_envcfg_features[i].feature] = false;
	g->henvcfg = got;
}

/* L0 stacks of the vCPUs that run on secondary host harts (vCPU 0 uses
 * the boot stack). */
#define L0_VCPU_STACK_SIZE 16384
static uint8_t l0_vcpu_stack[L0_MAX_VCPUS][L0_VCPU_STACK_SIZE]
	__attribute__((aligned(16)));

void l0_vcpu_init(struct l0_vcpu *v, struct l0_guest *g, unsigned long vhartid,
		  unsigned long hartid, enum sbi_nested_hart_state hsm,
		  unsigned long entry, unsigned long arg)
{
	memset(v, 0, sizeof(*v));
	v->guest = g;
	v->vhartid = vhartid;
	v->hartid = hartid;
	v->hsm = hsm;
	v->l0_sp = vhartid ? (unsigned long)(l0_vcpu_stack[vhartid] +
					     L0_VCPU_STACK_SIZE)
			   : (unsigned long)l0_boot_stack_end;
	v->sepc = entry;
	v->sbi_timer = ~0UL;
	v->dev_gen_seen = ~0UL; /* compute the external-interrupt line */
	v->sched.hart = l0_sched_hart_of((unsigned)vhartid);
	l0_prof_init(v);
	if (g->nested)
		l0_vhyp_init(v);
	/* OpenSBI's hand-over (SBI spec "Binary Encoding"/boot: a0 = hart
	 * ID, a1 = DTB or the start argument), so payloads written for
	 * OpenSBI boot unchanged */
	v->gpr[L0_GPR_A0] = vhartid;
	v->gpr[L0_GPR_A1] = arg;
}

unsigned long l0_vcpu_hedeleg(void)
{
	/* built once: every write of L1's hstatus asks for it (vhyp.c
	 * sync_vtsr); it is never 0 */
	static unsigned long hedeleg;

	if (!hedeleg)
		for (unsigned i = 0; i < sizeof(l0_hedeleg_causes); i++)
			hedeleg |= BIT(l0_hedeleg_causes[i]);
	return hedeleg;
}

void l0_vcpu_hw_init(struct l0_vcpu *v)
{
	struct l0_guest *g = v->guest;

	csr_write(CSR_HEDELEG, l0_vcpu_hedeleg());
	csr_write(CSR_HIDELEG, L0_HIDELEG);
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HIE, 0);
	csr_write(CSR_HCOUNTEREN, COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
	csr_write(CSR_HTIMEDELTA, 0);
	csr_write(CSR_HENVCFG, g->henvcfg);
	/* With Smstateen, hstateen0 gates VS-mode's senvcfg: Linux writes
	 * it whenever it sees Zicbom/Zicboz (measured with QEMU's rva23s64:
	 * an illegal-instruction oops without this). sstateen0 itself stays
	 * closed: L1 is not told about Ssstateen. */
	if (g->host->isa[L0_ISA_SMSTATEEN])
		csr_write(CSR_HSTATEEN0,
			  STATEEN0_ENVCFG |
				  (g->opts->l1_aia
					   ? STATEEN0_CSRIND | STATEEN0_AIA |
						     STATEEN0_IMSIC
					   : 0));
	/* No L1 timer until L1 sets one. Written whenever the host has
	 * Sstc, even when L1 does not get it: its reset value is
	 * unspecified, and QEMU raises VSTIP from vstimecmp (0 at reset)
	 * even with henvcfg.STCE = 0 once htimedelta is written (measured
	 * on QEMU 10.0: an endless VS timer interrupt). */
	if (g->host->isa[L0_ISA_SSTC])
		csr_write(CSR_VSTIMECMP, ~0UL);
	/* L0's own timer stays off until L1's SBI timer needs it: its
	 * reset value may already have expired, which would keep STIP
	 * pending and a parked hart spinning instead of sleeping in WFI */
	l0_host_timer_program(g, ~0UL);
	csr_write(CSR_HGATP, l0_gmem_hgatp(&g->gmem));
	hfence_gvma_all();
	/* sret enters VS-mode: SPV = 1, SPP = 1 (Privileged spec "sret" in
	 * the H chapter). SPVP = 1 so any HLV/HSV would act as VS. With V=1
	 * both sstatus.FS and vsstatus.FS gate the FPU: L0 keeps its own on
	 * so that only L1's vsstatus.FS decides (L0 itself has no F/D). */
	csr_write(CSR_HSTATUS,
		  HSTATUS_VSXL_64 | HSTATUS_SPV | HSTATUS_SPVP |
			  (g->opts->l1_aia ? L0_L1_VGEIN << HSTATUS_VGEIN_SHIFT
					   : 0));
	csr_set(CSR_SSTATUS,
		SSTATUS_SPP | SSTATUS_FS_INITIAL |
			(g->host->isa[L0_ISA_V] ? SSTATUS_VS_INITIAL : 0));
	csr_clear(CSR_SSTATUS, SSTATUS_SPIE | SSTATUS_SIE);
	/* l1.aia=1: L1's guest files are heard through hgeie, their SGEI
	 * enabled in hie (SGEIE is hie's, not sie's: "Hypervisor Interrupt
	 * Registers"; vhyp.c keeps it across the world switch) */
	csr_write(CSR_HGEIE, 0);
	csr_write(CSR_HIE, g->opts->l1_aia ? MIP_SGEIP : 0);
	csr_write(CSR_SIE, L0_SIE);
	l0_pmu_hart_init(); /* LCOFI for L1, when it has Sscofpmf */
	/* from here on, this hart's h* CSRs may go through the NACL of the
	 * SBI below (hcsr.h) */
	l0_nacl_client_hart_init(v->vhartid);
}

void l0_vcpu_reset_vs(struct l0_vcpu *v)
{
	/* L1's supervisor state at reset: all zero (translation off,
	 * interrupts off), as OpenSBI leaves S-mode; no pending VS
	 * interrupts, and a fresh TLB for the new start. */
	l0_hcsr_write(v, CSR_VSSTATUS, 0);
	l0_hcsr_write(v, CSR_VSIE, 0);
	l0_hcsr_write(v, CSR_VSTVEC, 0);
	l0_hcsr_write(v, CSR_VSSCRATCH, 0);
	l0_hcsr_write(v, CSR_VSEPC, 0);
	l0_hcsr_write(v, CSR_VSCAUSE, 0);
	l0_hcsr_write(v, CSR_VSTVAL, 0);
	l0_hcsr_write(v, CSR_VSATP, 0);
	l0_hcsr_write(v, CSR_HVIP, 0);
	v->dev_gen_seen = ~0UL; /* VSEIP was just cleared: apply it again */
	l0_hfence_vvma(v->vhartid, L0_HGATP_CURRENT, false, 0, false, 0);
	csr_set(CSR_SSTATUS, SSTATUS_SPP);
	/* L1 starts here: the watchdog starts with it */
	l0_contain_start(v);
}

void l0_vcpu_kick(struct l0_vcpu *t)
{
	/* OpenSBI's IPI makes sip.SSIP pending on the target host hart,
	 * which traps into L0 whether it runs L1 (HS interrupts are always
	 * enabled while V=1) or waits in L0 (WFI wakes on sie.SSIE). */
	sbi_send_ipi(1, t->hartid);
}

void l0_vcpu_serve_requests(struct l0_vcpu *v)
{
	unsigned long pend = __atomic_load_n(&v->fence_mask, __ATOMIC_ACQUIRE);

	if (__atomic_exchange_n(&v->ipi_pending, 0, __ATOMIC_ACQ_REL))
		l0_vhyp_l1_hvip_set(v, MIP_VSSIP);
	/* each asked fence as asked: an SBI remote HFENCE.GVMA with a range
	 * drops only that range of this vCPU's shadow (DESIGN.md §4) */
	for (unsigned i = 0; pend; i++, pend >>= 1) {
		if (!(pend & 1))
			continue;
		l0_vcpu_fence_local(v, &v->fence_arg[i]);
		__atomic_and_fetch(&v->fence_mask, ~(1UL << i),
				   __ATOMIC_RELEASE);
		/* the asker waits in WFI (l0_vcpu_request_fence) */
		l0_vcpu_kick(&v->guest->vcpu[i]);
	}
}

void l0_vcpu_request_ipi(struct l0_vcpu *self, struct l0_vcpu *t)
{
	(void)self;
	if (l0_sched_on()) {
		/* t may be off its hart (sched.h) */
		l0_sched_request_ipi(t);
		return;
	}
	__atomic_store_n(&t->ipi_pending, 1, __ATOMIC_RELEASE);
	l0_vcpu_kick(t);
}

void l0_vcpu_request_fence(struct l0_vcpu *self, struct l0_vcpu *t,
			   const struct sbi_nested_fence *f)
{
	unsigned i = (unsigned)(self - self->guest->vcpu);
	unsigned long bit = 1UL << i;

	if (l0_sched_on()) {
		/* t off its hart does the fence when switched in, before it
		 * runs again: nothing to wait for (sched.h) */
		if (!l0_sched_request_fence(self, t, f))
			return;
	} else {
		/* our slot is free: we waited for our last request below */
		t->fence_arg[i] = *f;
		__atomic_or_fetch(&t->fence_mask, bit, __ATOMIC_RELEASE);
	}
	l0_vcpu_kick(t);
	/* Serve our own requests while waiting: the target may be waiting
	 * for a fence from us at the same time. Wait in WFI for the
	 * target's kick, not in a spin: under -icount QEMU runs the harts
	 * round-robin and moves on only when the running one waits in WFI
	 * (or its time slice ends). L0 runs with sstatus.SIE = 0: WFI wakes
	 * on the pending kick, which is cleared and served here, as
	 * l0_vcpu_park does (VSEIP is recomputed before the resume). */
	for (;;) {
		l0_vcpu_serve_requests(self);
		if (!(__atomic_load_n(&t->fence_mask, __ATOMIC_ACQUIRE) & bit))
			break;
		wfi();
		csr_clear(CSR_SIP, MIP_SSIP);
	}
}

void l0_vcpu_kick_vseip(struct l0_vcpu *self)
{
	struct l0_guest *g = self->guest;

	for (unsigned i = 0; i < g->nvcpus; i++) {
		struct l0_vcpu *t = &g->vcpu[i];
		bool want;

		if (t == self || __atomic_load_n(&t->hsm, __ATOMIC_ACQUIRE) !=
					 SBI_NESTED_HART_STARTED)
			continue;
		l0_lock(&g->dev_lock);
		want = l0_vplic_s_pending(&g->vplic, (unsigned)t->vhartid);
		l0_unlock(&g->dev_lock);
		if (want != (bool)__atomic_load_n(&t->vseip, __ATOMIC_ACQUIRE))
			l0_vcpu_kick(t); /* t recomputes on its next trap */
	}
}

void l0_vcpu_park(struct l0_vcpu *v)
{
	/* L0 runs with sstatus.SIE = 0: WFI still wakes on a pending
	 * sie-enabled interrupt (the kick's SSIP), which is cleared and
	 * served here rather than through the trap vector. */
	if (l0_sched_on())
		l0_sched_park(v); /* the hart runs its other vCPUs */
	while (__atomic_load_n(&v->hsm, __ATOMIC_ACQUIRE) !=
	       SBI_NESTED_HART_START_PENDING) {
		csr_clear(CSR_SIP, MIP_SSIP);
		l0_vcpu_serve_requests(v);
		if (__atomic_load_n(&v->hsm, __ATOMIC_ACQUIRE) ==
		    SBI_NESTED_HART_START_PENDING)
			break;
		wfi();
	}
	/* SBI spec HSM "sbi_hart_start": a0 = hartid, a1 = opaque,
	 * satp = 0, sstatus.SIE = 0, S-mode, at start_addr */
	l0_vcpu_reset_vs(v);
	l0_fwft_hart_reset(v); /* FWFT: "Upon hart reset" */
	l0_pmu_hart_reset(v);
	l0_dbtr_hart_reset(v);
	__atomic_store_n(&v->ipi_pending, 0, __ATOMIC_RELAXED);
	v->sepc = v->start_addr;
	v->gpr[L0_GPR_A0] = v->vhartid;
	v->gpr[L0_GPR_A1] = v->start_opaque;
	__atomic_store_n(&v->hsm, SBI_NESTED_HART_STARTED, __ATOMIC_RELEASE);
	l0_guest_enter(v);
}

void l0_secondary_main(struct l0_vcpu *v);

void l0_secondary_main(struct l0_vcpu *v)
{
	/* A host hart started by L0 through OpenSBI HSM for vCPU v: set up
	 * its hypervisor CSRs, then wait for L1 to start the vCPU. */
	l0_vcpu_hw_init(v);
	l0_sched_hart_init(v, false);
	l0_vcpu_park(v);
}

void l0_host_timer_program(const struct l0_guest *g, unsigned long stime)
{
	if (g->host->isa[L0_ISA_SSTC])
		csr_write(CSR_STIMECMP, stime);
	else
		sbi_set_timer(stime);
}

void l0_vcpu_set_timer(struct l0_vcpu *v, unsigned long stime)
{
	struct l0_guest *g = v->guest;

	if (g->l1_has[L0_ISA_SSTC]) {
		/* With henvcfg.STCE=1 VSTIP follows vstimecmp (Sstc spec):
		 * an SBI call just writes it. */
		l0_hcsr_write(v, CSR_VSTIMECMP, stime);
		return;
	}
	l0_vhyp_l1_hvip_clear(v, MIP_VSTIP);
	v->sbi_timer = stime;
	l0_vhyp_program_timer(v);
}

void l0_vcpu_inject_exception(struct l0_vcpu *v, unsigned long cause,
			      unsigned long tval)
{
	unsigned long vsstatus = l0_hcsr_read(v, CSR_VSSTATUS);

	/* What a trap into VS-mode does (Privileged spec "Supervisor Trap
	 * Handling", applied to the vs* CSRs): SPP = previous privilege
	 * (VS if the trap came from V=1 S, else VU), SPIE = SIE, SIE = 0,
	 * and the pc goes to vstvec.BASE (exceptions never vector). The
	 * previous privilege is the one the guest would resume at, the
	 * real sstatus.SPP now: the same as the trap's SPP unless L0
	 * changed it while handling the trap (vhyp.c exit_to_l1). */
	if (csr_read(CSR_SSTATUS) & SSTATUS_SPP)
		vsstatus |= SSTATUS_SPP;
	else
		vsstatus &= ~SSTATUS_SPP;
	if (vsstatus & SSTATUS_SIE)
		vsstatus |= SSTATUS_SPIE;
	else
		vsstatus &= ~SSTATUS_SPIE;
	vsstatus &= ~SSTATUS_SIE;
	l0_hcsr_write(v, CSR_VSSTATUS, vsstatus);
	l0_hcsr_write(v, CSR_VSCAUSE, cause);
	l0_hcsr_write(v, CSR_VSTVAL, tval);
	l0_hcsr_write(v, CSR_VSEPC, v->sepc);
	v->sepc = l0_hcsr_read(v, CSR_VSTVEC) & ~3UL;
	/* L1's handler runs in VS-mode */
	csr_set(CSR_SSTATUS, SSTATUS_SPP);
	v->stats.ev[L0_EV_INJECT_EXC]++;
	/* with the H extension, a trap into L1 from L1 also writes its
	 * hstatus, htval and htinst (vhyp.c); one into L2's VS-mode (an
	 * exception L1 delegated, raised by L0 while L2 runs) does not */
	if (v->guest->nested && !v->vh.in_l2)
		l0_vhyp_l1_took_trap(v, 0, 0, false);
}

void l0_finish(struct l0_vcpu *v, int status, const char *why)
{
	struct l0_guest *g = v->guest;
	struct l0_stats total;

	/* the counters of every vCPU (others may still be running: their
	 * last few traps may or may not be in the sum) */
	l0_stats_sum(g, &total);
	l0_bench_flush(v); /* a last l0bench line kept back, if any */
	l0_lock(&g->console_lock);
	console_flush();
	printf("[l0] %s (status %d) after %llu traps\n", why, status,
	       (unsigned long long)total.traps);
	if (g->pci) { /* before l0stats: the faults a last poll finds */
		l0_lock(&g->dev_lock);
		l0_pci_report(g->pci);
		l0_unlock(&g->dev_lock);
	}
	if (g->vaplic)
		printf("[l0] vaplic: msis=%lu dropped=%lu withdrawn=%lu\n",
		       g->vaplic->msis, g->vaplic->msis_dropped,
		       g->vaplic->msis_withdrawn);
	l0_stats_print(&total, g->nvcpus);
	if (g->nested) {
		char shadow_stats[512];

		l0_vhyp_format_stats(g, shadow_stats, sizeof(shadow_stats));
		printf(" %s", shadow_stats);
	}
	/* last, so parsers that read the keys above keep working */
	printf(" depth=%u\n", g->depth);
	l0_sched_print(g);
	l0_prof_print_total(g);
	console_flush();
	/* RVNEST_GCOV=1 images: L0's coverage counters, after its verdict */
	rvnest_gcov_dump();
	if (g->reset_type == SBI_SRST_TYPE_COLD_REBOOT ||
	    g->reset_type == SBI_SRST_TYPE_WARM_REBOOT) {
		/* a reset of L1's "machine" is a reset of the real one: the
		 * firmware restarts L0, which boots L1 again */
		sbi_ecall(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, g->reset_type,
			  g->reset_reason, 0, 0, 0, 0);
		printf("RVNEST error msg=firmware_refused_reset depth=%u\n",
		       g->depth);
		status = 1;
	}
	sbi_shutdown(status);
}

void l0_stats_sum(const struct l0_guest *g, struct l0_stats *total)
{
	memset(total, 0, sizeof(*total));
	for (unsigned i = 0; i < g->nvcpus; i++)
		l0_stats_add(total, &g->vcpu[i].stats);
}
