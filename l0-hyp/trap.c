/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Trap dispatch: one table for exceptions and one for interrupts, keyed by
 * scause. Every trap is counted before dispatch; every handler returns a
 * named outcome that is acted on in one place (l0_trap).
 */
#include "trap.h"

#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/trap_names.h>
#include <stdio.h>

#include "contain.h"
#include "fetch.h"
#include "hcsr.h"
#include "mmio.h"
#include "nacl.h"
#include "pci.h"
#include "soak.h"
#include "sbi_pmu.h"
#include "sched.h"

typedef enum l0_trap_outcome (*l0_trap_fn)(struct l0_vcpu *v);

/* Diagnostic prints of L1 access faults before L0 only counts them. */
#define L0_ACCESS_FAULT_REPORTS 8

static void print_diag(const struct l0_vcpu *v, const char *what)
{
	const struct l0_trap_info *t = &v->trap;

	printf("RVNEST error msg=%s cause=%s scause=0x%lx sepc=0x%lx "
	       "stval=0x%lx htval=0x%lx htinst=0x%lx hstatus=0x%lx "
	       "sstatus=0x%lx\n",
	       what, trap_cause_name(t->scause), t->scause, v->sepc, t->stval,
	       t->htval, t->htinst, t->hstatus, t->sstatus);
}

/* ---- exceptions ---------------------------------------------------- */

/* The trap L1 would take instead of a G-stage fault on a GPA that is not
 * memory (Privileged spec "Physical Memory Attributes"/PMA: an access to
 * a hole is an access-fault exception of the same kind). */
static unsigned long access_fault_for(unsigned long gpf_cause)
{
	switch (gpf_cause) {
	case EXC_INST_GUEST_PAGE_FAULT:
		return EXC_INST_ACCESS;
	case EXC_LOAD_GUEST_PAGE_FAULT:
		return EXC_LOAD_ACCESS;
	default:
		return EXC_STORE_ACCESS;
	}
}

static enum l0_trap_outcome handle_guest_page_fault(struct l0_vcpu *v)
{
	const struct l0_trap_info *t = &v->trap;
	/* htval = GPA >> 2; the low bits come from stval (Privileged spec
	 * "Hypervisor Trap Value Register (htval)") */
	uint64_t gpa = (t->htval << 2) | (t->stval & 3);
	unsigned long fault = access_fault_for(t->scause);
	enum l0_mmio_result r = L0_MMIO_NO_DEVICE;

	if (l0_gmem_in_ram(&v->guest->gmem, gpa, 1)) {
		/* L1 RAM is mapped whole with R/W/X at boot: a fault here
		 * means L0's G-stage is wrong; never paper over that. */
		print_diag(v, "guest_page_fault_on_mapped_L1_RAM");
		return L0_TRAP_FATAL;
	}
	if (t->scause == EXC_INST_GUEST_PAGE_FAULT &&
	    v->sepc == (l0_hcsr_read(v, CSR_VSTVEC) & ~3UL)) {
		/* L1's own trap vector is not memory: the access fault L0
		 * would inject lands on the same address again. Hardware
		 * would loop forever; L0 stops with a diagnostic instead. */
		print_diag(v, "L1_trap_vector_outside_its_memory");
		return L0_TRAP_FATAL;
	}
	if (t->scause != EXC_INST_GUEST_PAGE_FAULT) {
		r = l0_mmio_emulate(v, gpa,
				    t->scause == EXC_STORE_GUEST_PAGE_FAULT);
		if (r == L0_MMIO_EMULATED) {
			/* a claim, completion or enable may change another
			 * vCPU's external-interrupt line */
			l0_vcpu_kick_vseip(v);
			return L0_TRAP_RESUME;
		}
	}
	/* Not memory and not a device (or an access the device does not
	 * support): the architectural access fault, delivered to L1. */
	v->stats.ev[L0_EV_ACCESS_FAULT]++;
	if (v->access_fault_reports < L0_ACCESS_FAULT_REPORTS) {
		l0_lock(&v->guest->console_lock);
		v->access_fault_reports++;
		printf("[l0] L1 access fault: %s at GPA 0x%llx (gva 0x%lx, "
		       "sepc 0x%lx, %s): injecting %s\n",
		       trap_cause_name(t->scause), (unsigned long long)gpa,
		       t->stval, v->sepc, l0_mmio_result_name(r),
		       trap_cause_name(fault));
		l0_unlock(&v->guest->console_lock);
	}
	/* stval of a guest-page fault is the guest virtual address, which
	 * is what L1's own access fault reports in (v)stval. */
	if (l0_contain_inject(v, fault) == L0_CONTAIN_STOP)
		return L0_TRAP_FATAL;
	l0_pmu_trap_event(v, fault); /* SBI PMU firmware event */
	l0_vcpu_inject_exception(v, fault, t->stval);
	return L0_TRAP_RESUME;
}

/* L1 is given no hypervisor extension in this configuration: an h* or vs*
 * CSR access or H instruction (or a CSR L0 hides, like stimecmp without
 * Sstc) is what a hart without them does: an illegal-instruction trap,
 * with the instruction bits in vstval. */
static enum l0_trap_outcome handle_virtual_inst(struct l0_vcpu *v)
{
	uint32_t insn;
	struct insn in;

	if (v->guest->nested) {
		/* l1.h=1: L1's h* and vs* CSRs, HFENCE, HLV/HSV and SRET
		 * into L2 are emulated (vhyp.c); it delivers any trap */
		l0_vhyp_virtual_inst(v);
		return L0_TRAP_RESUME;
	}

	/* insn = 0 when it could not be had: stval may legally be 0 */
	(void)l0_trap_insn(v, &insn, &in);
	/* L1's WFI in VS-mode traps when its hart is shared (sched.h,
	 * hstatus.VTW); in VU-mode it stays illegal ("Wait for Interrupt") */
	if (insn && in.kind == INSN_WFI && (v->trap.sstatus & SSTATUS_SPP) &&
	    l0_sched_on()) {
		v->stats.ev[L0_EV_L1_WFI]++;
		v->sepc += 4; /* WFI has no compressed form */
		l0_sched_wfi(v);
		return L0_TRAP_RESUME;
	}
	if (l0_contain_inject(v, EXC_ILLEGAL_INST) == L0_CONTAIN_STOP)
		return L0_TRAP_FATAL;
	l0_pmu_trap_event(v, EXC_ILLEGAL_INST); /* SBI PMU firmware event */
	l0_vcpu_inject_exception(v, EXC_ILLEGAL_INST, insn);
	return L0_TRAP_RESUME;
}

/* Exceptions that L0 does not delegate but that belong to L1 (access
 * faults from PMP, misaligned accesses when the firmware passes them on):
 * forward unchanged. */
static enum l0_trap_outcome forward_to_l1(struct l0_vcpu *v)
{
	if (l0_contain_inject(v, v->trap.scause) == L0_CONTAIN_STOP)
		return L0_TRAP_FATAL;
	l0_pmu_trap_event(v, v->trap.scause); /* SBI PMU firmware event */
	l0_vcpu_inject_exception(v, v->trap.scause, v->trap.stval);
	return L0_TRAP_RESUME;
}

static const l0_trap_fn l0_exc_handlers[EXC_COUNT] = {
	/* delegated in hedeleg, except while L1's virtual hstatus.SPV = 1
	 * (vhyp.c: the trap must also clear SPV) */
	[EXC_INST_MISALIGNED] = forward_to_l1,
	[EXC_BREAKPOINT] = forward_to_l1,
	[EXC_ECALL_U] = forward_to_l1,
	[EXC_INST_PAGE_FAULT] = forward_to_l1,
	[EXC_LOAD_PAGE_FAULT] = forward_to_l1,
	[EXC_STORE_PAGE_FAULT] = forward_to_l1,
	[EXC_INST_ACCESS] = forward_to_l1,
	[EXC_LOAD_ACCESS] = forward_to_l1,
	[EXC_STORE_ACCESS] = forward_to_l1,
	[EXC_LOAD_MISALIGNED] = forward_to_l1,
	[EXC_STORE_MISALIGNED] = forward_to_l1,
	[EXC_ILLEGAL_INST] = forward_to_l1,
	[EXC_ECALL_VS] = l0_sbi_ecall,
	[EXC_INST_GUEST_PAGE_FAULT] = handle_guest_page_fault,
	[EXC_LOAD_GUEST_PAGE_FAULT] = handle_guest_page_fault,
	[EXC_STORE_GUEST_PAGE_FAULT] = handle_guest_page_fault,
	[EXC_VIRTUAL_INST] = handle_virtual_inst,
};

/* ---- interrupts ---------------------------------------------------- */

/* L0's timer stands for L1's SBI timer and, while L2 runs, for L1's own
 * Sstc timer. When the SBI timer is due, L1's timer interrupt becomes
 * pending and stays so until L1 programs the next one (SBI TIME: the
 * pending bit stays set until sbi_set_timer); then L0's timer is
 * re-armed for whatever is left (L1's Sstc timer exits L2 through
 * l0_vhyp_check_l1_irq). */
static enum l0_trap_outcome handle_s_timer(struct l0_vcpu *v)
{
	if (v->sbi_timer != ~0UL && rd_time() >= v->sbi_timer) {
		v->sbi_timer = ~0UL;
		l0_vhyp_l1_hvip_set(v, MIP_VSTIP);
		v->stats.ev[L0_EV_VIRQ]++;
	}
	/* ... and where the IOMMU's fault queue is read when L1 makes no
	 * PCI config access (pci.c) */
	if (v->guest->pci) {
		/* the queue's head is shared with the config-access path */
		l0_lock(&v->guest->dev_lock);
		l0_iommu_poll_faults(&v->guest->pci->iommu);
		l0_unlock(&v->guest->dev_lock);
	}
	/* L0's timer is also the watchdog's (contain.h) */
	if (l0_contain_timer(v) == L0_CONTAIN_STOP)
		return L0_TRAP_FATAL;
	l0_vhyp_program_timer(v);
	return L0_TRAP_RESUME;
}

static void __attribute__((noinline)) update_vseip_from_vplic(struct l0_vcpu *v)
{
	struct l0_guest *g = v->guest;
	unsigned long gen;
	bool on;

	l0_lock(&g->dev_lock);
	gen = __atomic_load_n(&g->dev_gen, __ATOMIC_RELAXED);
	on = l0_vplic_s_pending(&g->vplic, (unsigned)v->vhartid);
	l0_unlock(&g->dev_lock);
	v->dev_gen_seen = gen;
	if (on)
		l0_vhyp_l1_hvip_set(v, MIP_VSEIP);
	else
		l0_vhyp_l1_hvip_clear(v, MIP_VSEIP);
	__atomic_store_n(&v->vseip, on, __ATOMIC_RELEASE);
}

/* L1's external-interrupt line, before every resume: the vPLIC is asked
 * only when something in it changed since this vCPU's line was set. */
static inline void update_vseip(struct l0_vcpu *v)
{
	if (__atomic_load_n(&v->guest->dev_gen, __ATOMIC_ACQUIRE) !=
	    v->dev_gen_seen)
		update_vseip_from_vplic(v);
}

static enum l0_trap_outcome handle_s_ext(struct l0_vcpu *v)
{
	/* Claim everything the real PLIC has for L0, then reflect the
	 * vPLIC's state in L1's external-interrupt line. */
	struct l0_guest *g = v->guest;
	uint32_t src;

	if (g->vaplic) {
		/* l1.aia=1: the MSIs go on into L1's files; no line to
		 * recompute, the hardware raises L1's VSEIP */
		l0_lock(&g->dev_lock);
		v->stats.ev[L0_EV_VIRQ] += l0_vaplic_hw_claim(g->vaplic);
		l0_unlock(&g->dev_lock);
		return L0_TRAP_RESUME;
	}
	do {
		l0_lock(&g->dev_lock);
		src = l0_vplic_hw_claim(&g->vplic);
		if (src)
			__atomic_add_fetch(&g->dev_gen, 1, __ATOMIC_RELEASE);
		l0_unlock(&g->dev_lock);
		if (src)
			v->stats.ev[L0_EV_VIRQ]++;
	} while (src);
	update_vseip(v);
	l0_vcpu_kick_vseip(v);
	return L0_TRAP_RESUME;
}

/* Supervisor software interrupts are kicks between L0's harts (sent
 * through OpenSBI's IPI extension): acknowledge, then serve what the
 * other vCPUs asked (a VS software interrupt, a fence). A kick that only
 * asks to look at the vPLIC again needs nothing more: l0_trap recomputes
 * VSEIP before every resume. */
static enum l0_trap_outcome handle_s_soft(struct l0_vcpu *v)
{
	csr_clear(CSR_SIP, MIP_SSIP);
	l0_vcpu_serve_requests(v);
	return L0_TRAP_RESUME;
}

/* A counter overflowed (Sscofpmf, the hvien path of sbi_pmu.c): L1's. */
static enum l0_trap_outcome handle_lcofi(struct l0_vcpu *v)
{
	l0_pmu_lcofi(v);
	return L0_TRAP_RESUME;
}

/* A supervisor guest external interrupt (l1.aia=1 with l1.h=1): one of
 * L1's guest files, or L1's own while L2 runs, has an interrupt for L1;
 * l0_trap hands it to L1 before the resume (vhyp.c, "AIA"). */
static enum l0_trap_outcome handle_s_gext(struct l0_vcpu *v)
{
	l0_vhyp_sgei(v);
	return L0_TRAP_RESUME;
}

/* one handler per line (clang-format would pack them two by two) */
/* clang-format off */
static const l0_trap_fn l0_irq_handlers[L0_IRQ_COUNT] = {
	[IRQ_LCOF] = handle_lcofi,
	[IRQ_S_SOFT] = handle_s_soft,
	[IRQ_S_TIMER] = handle_s_timer,
	[IRQ_S_EXT] = handle_s_ext,
	[IRQ_S_GEXT] = handle_s_gext,
};
/* clang-format on */

static enum l0_trap_outcome dispatch(struct l0_vcpu *v)
{
	unsigned long cause = v->trap.scause;
	unsigned long code = cause & ~CAUSE_INTERRUPT;
	l0_trap_fn fn = NULL;

	if ((cause & CAUSE_INTERRUPT) && code < L0_IRQ_COUNT)
		fn = l0_irq_handlers[code];
	else if (!(cause & CAUSE_INTERRUPT) && code < EXC_COUNT)
		fn = l0_exc_handlers[code];
	if (!fn) {
		print_diag(v, "unexpected_trap_from_L1");
		return L0_TRAP_FATAL;
	}
	return fn(v);
}

/* A trap while L2 ran (virtual V=1): vhyp.c handles it or forwards it to
 * L1; L0's own interrupts go through the interrupt table, after which an
 * interrupt of L1 that became pending exits L2 (DESIGN.md §3 (c)). */
static enum l0_trap_outcome dispatch_l2(struct l0_vcpu *v)
{
	enum l0_trap_outcome o;

	l0_stats_count_l2_trap(&v->stats, v->trap.scause);
	if (v->vh.feat & L0_VHYP_F_SOAK) /* opts->soak_every */
		l0_soak_l2_exit(v);
	switch (l0_vhyp_l2_trap(v)) {
	case L0_VHYP_L2_HANDLED:
	case L0_VHYP_L2_FORWARDED:
		return L0_TRAP_RESUME;
	case L0_VHYP_L2_HOST_IRQ:
		o = dispatch(v);
		update_vseip(v);
		if (l0_vhyp_check_l1_irq(v))
			v->stats.ev[L0_EV_L2_FORWARD]++;
		else
			v->stats.ev[L0_EV_L2_L0_IRQ]++;
		return o;
	case L0_VHYP_L2_FATAL:
		break;
	}
	return L0_TRAP_FATAL;
}

/* inline in l0_trap: its usual path makes no call for them */
static inline __attribute__((always_inline)) void
resume_checks(struct l0_vcpu *v)
{
	/* The vPLIC may have changed (claim, complete, enable). */
	update_vseip(v);
	/* L2 only runs while L1 has no interrupt to take; L1 takes
	 * its undelegated VS interrupts as soon as it can (the
	 * gates, inline, keep both calls off the usual path) */
	if (v->vh.in_l2) {
		/* not twice when this trap's SRET just looked (vhyp.h) */
		if (v->vh.l1_irq_checked)
			v->vh.l1_irq_checked = false;
		else
			l0_vhyp_check_l1_irq(v);
	} else if (l0_vhyp_l1_vs_irq_enabled(&v->vh) &&
		   !l0_vhyp_check_l1_vs_irq(v))
		l0_vhyp_arm_l1_vs_irq(v);
}

void l0_trap_resume_checks(struct l0_vcpu *v)
{
	v->vh.l1_irq_checked = false; /* a switch-in: always look */
	resume_checks(v);
}

struct l0_vcpu *l0_trap(struct l0_vcpu *v)
{
	struct l0_trap_info *t = &v->trap;
	bool was_in_l2 = v->vh.in_l2;
	enum l0_trap_outcome o;

	l0_prof_trap_entry(&v->prof);
	t->scause = csr_read(CSR_SCAUSE);
	t->stval = csr_read(CSR_STVAL);
	t->sstatus = csr_read(CSR_SSTATUS);
	/* htval, htinst and hstatus.GVA describe guest-page faults and the
	 * traps from V=1 that L0 may forward; L1's virtual-instruction
	 * traps and SBI calls have nothing there ("Trap Entry": written as
	 * 0, or a transformed instruction L0 does not use), so those, the
	 * most frequent traps, do not read them. */
	if (was_in_l2 ||
	    (t->scause != EXC_VIRTUAL_INST && t->scause != EXC_ECALL_VS)) {
		/* NACL below (hcsr.h): the exit wrote them to the CSR space;
		 * else the CSRs, without a test per read */
		if (l0_nacl_client.sync_csr) {
			t->htval = l0_nacl_client_get(v->vhartid, CSR_HTVAL);
			t->htinst = l0_nacl_client_get(v->vhartid, CSR_HTINST);
			t->hstatus =
				l0_nacl_client_get(v->vhartid, CSR_HSTATUS);
		} else {
			t->htval = csr_read(CSR_HTVAL);
			t->htinst = csr_read(CSR_HTINST);
			t->hstatus = csr_read(CSR_HSTATUS);
		}
	}
	l0_stats_count_trap(&v->stats, t->scause);

	if (v->vh.irq_armed && l0_vhyp_disarm_l1_vs_irq(v))
		/* the moment L1 could take its undelegated VS interrupt */
		o = L0_TRAP_RESUME;
	else if (was_in_l2)
		o = dispatch_l2(v);
	else if (t->scause == EXC_VIRTUAL_INST &&
		 (v->vh.feat & L0_VHYP_F_NESTED)) { /* guest->nested */
		/* the emulated H extension's own trap, without the table;
		 * its hottest case, a CSR read, on its own */
		if (!l0_vhyp_csr_read_fast(v))
			l0_vhyp_virtual_inst(v);
		o = L0_TRAP_RESUME;
	} else if (t->scause == EXC_ECALL_VS && (v->vh.feat & L0_VHYP_F_NACL) &&
		   l0_nacl_sync_sret(v))
		/* NACL SYNC_SRET, L1's call at every entry into L2, past the
		 * SBI dispatch (nacl.h) */
		o = L0_TRAP_RESUME;
	else
		o = dispatch(v);
	switch (o) {
	case L0_TRAP_RESUME:
		resume_checks(v);
		/* NACL: L1's CSR space follows what this trap changed. L2 may
		 * have been entered and left within this trap (L1's SRET
		 * found an interrupt of L1 pending, here or inside
		 * l0_vhyp_sret): that is an ON -> OFF change too, and missing
		 * its autoswap left L1 with L2's hstatus (KVM 7.3 with
		 * l0.nacl=all crashed in wall-clock runs) */
		if (v->vh.feat & L0_VHYP_F_NACL) /* guest->sbi.nacl */
			l0_nacl_trap_done(v, was_in_l2 || v->vh.left_l2);
		v->vh.left_l2 = false;
		l0_prof_trap_exit(&v->prof, t->scause,
				  was_in_l2 ? L0_PROF_L2 : L0_PROF_L1);
		/* more vCPUs than harts: maybe another one's turn */
		if (l0_sched_on())
			return l0_sched_resume(v);
		return v;
	case L0_TRAP_SHUTDOWN:
		l0_finish(v, v->guest->exit_status, "L1 powered off");
	case L0_TRAP_RESET:
		l0_finish(v, v->guest->exit_status, "L1 asked for a reset");
	case L0_TRAP_FATAL:
		break;
	}
	l0_finish(v, 1, "L1 stopped after a fatal trap");
}

void l0_wait_for_guest_interrupt(struct l0_vcpu *v)
{
	/* L0 runs with sstatus.SIE = 0; WFI still wakes when an interrupt
	 * enabled in sie is pending (Privileged spec "Wait for Interrupt"),
	 * and L0 services it here instead of through the trap vector. */
	for (;;) {
		unsigned long sip;

		/* vsip/vsie are L1's sip/sie: the VS interrupts L0 delegated
		 * through hideleg, shifted to the S positions */
		update_vseip(v);
		if ((l0_hcsr_read(v, CSR_VSIP) & l0_hcsr_read(v, CSR_VSIE)) ||
		    l0_vhyp_l1_sgei_pending(v))
			return;
		wfi();
		/* L1 waits for an interrupt: progress for the watchdog */
		l0_contain_waiting(&v->contain);
		sip = csr_read(CSR_SIP) & csr_read(CSR_SIE);
		if (sip & MIP_STIP)
			handle_s_timer(v);
		if (sip & MIP_SEIP)
			handle_s_ext(v);
		if (sip & MIP_SSIP)
			handle_s_soft(v);
		if (csr_read(CSR_HIP) & csr_read(CSR_HIE) & MIP_SGEIP)
			handle_s_gext(v);
	}
}

void l0_self_trap(void)
{
	/* Not the guest: L0 faulted. Print everything and stop. */
	printf("\nRVNEST error msg=exception_in_L0 cause=%s scause=0x%lx "
	       "sepc=0x%lx stval=0x%lx htval=0x%lx htinst=0x%lx\n",
	       trap_cause_name(csr_read(CSR_SCAUSE)), csr_read(CSR_SCAUSE),
	       csr_read(CSR_SEPC), csr_read(CSR_STVAL), csr_read(CSR_HTVAL),
	       csr_read(CSR_HTINST));
	panic("[l0] exception in L0 itself");
}

void l0_main_returned(void)
{
	panic("[l0] l0_main returned");
}
