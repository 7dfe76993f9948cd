/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L1's virtual hypervisor (HS-mode) state and the nested world switch
 * (DESIGN.md §2-§3), when L0 gives L1 the H extension (l1.h=1).
 *
 * While L1 runs (virtual V=0), its own supervisor CSRs are the real vs*
 * CSRs; its h* CSRs and its vs* CSRs (which are L2's supervisor state) live
 * here and every access to them traps to L0 as a virtual-instruction
 * exception. While L2 runs (virtual V=1), L2's supervisor state is in the
 * real vs* CSRs, L1's own is saved here, and the real hgatp is the shadow
 * G-stage (shadow/) for L1's virtual hgatp.
 *
 * This header is the whole interface to that state: the trap handlers
 * (trap.c) and the SBI nested-acceleration extension use only these
 * functions. Every function runs on the host hart of the vCPU it is given,
 * with the vCPU in L1 (virtual V=0) unless it says otherwise.
 */
#ifndef L0_VHYP_H
#define L0_VHYP_H

#include <rvnest/encoding.h>
#include <shadow.h>
#include <stdbool.h>
#include <stdint.h>

struct l0_vcpu;
struct l0_guest;

/* L1's own supervisor state, saved while L2 runs (the real vs* CSRs are
 * then L2's), the VS interrupts L0 raises for L1 (real hvip), and the
 * real hypervisor CSRs L0 runs L1 with. */
struct l0_vhyp_l1_state {
	unsigned long vsstatus, vsie, vstvec, vsscratch, vsepc, vscause;
	unsigned long vstval, vsatp, vstimecmp;
	unsigned long hvip;
	unsigned long hideleg, hie, hcounteren, henvcfg, htimedelta;
	unsigned long hgatp, hstatus;
	unsigned long vsiselect; /* L1's siselect (l1.aia=1) */
};

/* What an exit of L2 may change besides hstatus, htval and htinst (which
 * it always writes): L2's supervisor CSRs, read back into L1's vs*, and
 * the hie/hvip bits L2 wrote through its sie/sip. */
enum l0_vhyp_exit_change {
	L0_VHYP_CHG_HVIP, /* the usual ones first: a set bit ends the scan */
	L0_VHYP_CHG_HIE,
	L0_VHYP_CHG_VSSTATUS,
	L0_VHYP_CHG_VSTVEC,
	L0_VHYP_CHG_VSSCRATCH,
	L0_VHYP_CHG_VSEPC,
	L0_VHYP_CHG_VSCAUSE,
	L0_VHYP_CHG_VSTVAL,
	L0_VHYP_CHG_VSATP,
	L0_VHYP_CHG_VSTIMECMP,
	L0_VHYP_CHG_VSISELECT, /* l1.aia=1: L2's siselect */
	L0_VHYP_CHG_COUNT,
};

/* The facts of the configuration that the trap path and the world
 * switch test on every trap, copied into one word of the vCPU
 * (l0_vhyp_init; DBTR's bit follows L1's triggers, sbi_dbtr.c) so that
 * each test is a bit of a word at hand instead of a chain of loads
 * through v->guest->opts / ->host / ->l1_has or a global indexed by the
 * vCPU (about 4 instructions each, 8 to 10 such tests per world switch).
 * A set bit names the work the hot path must do beyond the usual. */
enum l0_vhyp_feat {
	L0_VHYP_F_HOST_SSTC = 1 << 0, /* the host has Sstc (vstimecmp) */
	L0_VHYP_F_L1_SSTC = 1 << 1,   /* L1 has Sstc (its stimecmp) */
	L0_VHYP_F_AIA = 1 << 2,	      /* l1.aia=1: L1's IMSIC and APLIC */
	L0_VHYP_F_GEILEN = 1 << 3,    /* l1.aia=1, l1.h=1: L1 has guest
				       * interrupt files (GEILEN > 0) */
	L0_VHYP_F_SCHED = 1 << 4,     /* the vCPU scheduler runs (sched.h) */
	L0_VHYP_F_DBTR = 1 << 5,      /* L1 has debug triggers enabled:
				       * switched off while L2 runs */
	L0_VHYP_F_FETCH = 1 << 6,     /* l0.decode=fetch */
	L0_VHYP_F_NESTED = 1 << 7,    /* l1.h=1 (guest->nested): every vCPU
				       * with l0_vhyp_init, so a vCPU
				       * without has no bit at all */
	L0_VHYP_F_NACL = 1 << 8,      /* L0 offers NACL (guest->sbi.nacl) */
	L0_VHYP_F_SOAK = 1 << 9,      /* l0.soak= (opts->soak_every) */
};

struct l0_vhyp {
	bool in_l2; /* virtual V: L2 is running on this vCPU */
	/* enum l0_vhyp_feat bits (constant after l0_vhyp_init but DBTR) */
	unsigned long feat;
	/* L2 was left for L1 (virtualization ON -> OFF) since l0_trap last
	 * looked: also when this very trap entered L2 and left it again (an
	 * interrupt of L1 pending right after the SRET), which in_l2 before
	 * and after the trap does not show. NACL's autoswap and write-back
	 * follow it (l0_nacl_trap_done). */
	bool left_l2;
	/* L1's SRET entered L2 in this trap and its check for a pending
	 * interrupt of L1 (l0_vhyp_check_l1_irq) found none; nothing of
	 * L1's pending state changed since (l0_vhyp_l1_hvip_set/clear clear
	 * it), so the resume checks of the same trap need not look again
	 * (40 instructions of each trapped SRET). Cleared by them. */
	bool l1_irq_checked;
	/* L1's virtual h* CSRs (WARL already applied) */
	unsigned long hstatus, hedeleg, hideleg, hie, hvip, hgeie, hcounteren;
	unsigned long htval, htinst, htimedelta, henvcfg;
	/* L1's vs* CSRs: L2's supervisor state while L1 runs. vsie and vsip
	 * are views of hie/hip through hideleg (spec "Virtual Supervisor
	 * Interrupt Registers"), so they have no storage of their own. */
	unsigned long vsstatus, vstvec, vsscratch, vsepc, vscause, vstval;
	unsigned long vsatp, vstimecmp;
	/* l1.aia=1 (Ssaia's hypervisor CSRs): L1's hvictl, hviprio1/2 and
	 * vsiselect (L2's siselect) */
	unsigned long hvictl, hviprio1, hviprio2, vsiselect;
	struct l0_vhyp_l1_state l1;
	/* L1's virtual CSRs an exit of L2 changed (1 << enum
	 * l0_vhyp_exit_change), for NACL's write-back: set by every exit
	 * when L0 offers NACL (L0_VHYP_F_NACL; without, nobody reads it),
	 * cleared by whoever writes them back (l0-hyp/nacl.c) */
	unsigned long exit_changed;
	/* L1's scause when virtual SPV was last set (vhyp.c sync_vtsr) */
	unsigned long spv_vscause;
	/* L1's scause when L1 last wrote htval; 0 (no interrupt cause) when
	 * L0 last wrote htval/htinst at a trap it delivered to L1 (vhyp.c
	 * trap_info_read) */
	unsigned long trap_info_vscause;
	/* An undelegated VS interrupt of L1 waits for L1 to enable it
	 * (vhyp.c, "Undelegated VS interrupts, armed"): the real vstvec is
	 * L0_VHYP_ARM_VECTOR, L1's own is kept here, and the real hvip/hie
	 * bits L0 added to make the hart stop L1 at that moment. */
	bool irq_armed;
	unsigned long armed_vstvec, armed_hvip, armed_hie;
	/* l1.aia=1: the armed interrupt is also in the real hvictl (VTI),
	 * so that L1's stopi names it; a VS access that VTI made trap is
	 * retried with the arming left off until L1's next trap */
	bool armed_hvictl, arm_skip;
	/* L2's G-stage: L1's hgatp lives in shadow.hgatp */
	struct shadow shadow;
};

/* The host capabilities L1's virtual h* CSRs are limited to, measured once
 * at boot on the boot hart (writable bits of the real registers). */
struct l0_vhyp_caps {
	unsigned long hedeleg_mask, hcounteren_mask, henvcfg_mask;
	enum pt_mode shadow_mode; /* widest hgatp mode of the host */
};

/* Outcome of an emulated instruction or CSR access. */
enum l0_vhyp_status {
	L0_VHYP_OK,	   /* done: advance past the instruction */
	L0_VHYP_ILLEGAL,   /* raise illegal-instruction in L1 */
	L0_VHYP_NOT_HYP,   /* not an h* or vs* CSR: the caller decides */
	L0_VHYP_TRAPPED,   /* a trap was delivered to L1 (pc changed) */
	L0_VHYP_RETRY,	   /* re-execute the instruction (lost A/D race) */
	L0_VHYP_ENTERED_L2 /* the vCPU now runs L2 */
};

/* Boot: measure the host (once), set up every vCPU's virtual state and
 * shadow (reset values: all zero, hstatus.VSXL = 64-bit, hgatp Bare). */
void l0_vhyp_measure_host(struct l0_guest *g, struct l0_vhyp_caps *caps);
void l0_vhyp_init(struct l0_vcpu *v);

/* Read/write a virtual h* or vs* CSR by number, WARL applied as QEMU 10's
 * H extension does (hprobe is the reference). _write returns the value
 * the CSR reads afterwards in *now (may be NULL). L0_VHYP_ILLEGAL for a
 * CSR L1 may not write (hgeip) or does not have (vstimecmp without
 * Sstc); L0_VHYP_NOT_HYP for any other CSR number. */
enum l0_vhyp_status l0_vhyp_csr_read(struct l0_vcpu *v, unsigned csr,
				     unsigned long *val);
enum l0_vhyp_status l0_vhyp_csr_write(struct l0_vcpu *v, unsigned csr,
				      unsigned long val, unsigned long *now);

/* l0_vhyp_csr_read(v, CSR_HIP, ...) and CSR_VSIP, directly. */
unsigned long l0_vhyp_hip(const struct l0_vcpu *v);
unsigned long l0_vhyp_vsip(const struct l0_vcpu *v);
/* l0_vhyp_csr_write(v, CSR_HSTATUS, val, NULL), directly. */
void l0_vhyp_write_hstatus(struct l0_vcpu *v, unsigned long val);

/* HFENCE.GVMA / HFENCE.VVMA as L1 executed them: has_* false stands for
 * the x0 operand (all addresses / all VMIDs or ASIDs). gaddr is the
 * operand value, i.e. the guest physical address >> 2. */
void l0_vhyp_hfence_gvma(struct l0_vcpu *v, bool has_gaddr, unsigned long gaddr,
			 bool has_vmid, unsigned long vmid);
void l0_vhyp_hfence_vvma(struct l0_vcpu *v, bool has_va, unsigned long va,
			 bool has_asid, unsigned long asid);
/* An SBI remote HFENCE.GVMA[_VMID] for the guest physical range [start,
 * start + size) (bytes, not shifted) in v's own shadow; has_vmid false:
 * every VMID. Call it on v's host hart. */
void l0_vhyp_hfence_gvma_range(struct l0_vcpu *v, unsigned long start,
			       unsigned long size, bool has_vmid,
			       unsigned long vmid);

/* L1's SRET with virtual hstatus.SPV = 1: enter L2 at L1's sepc, with the
 * privilege in L1's sstatus.SPP. Returns L0_VHYP_ENTERED_L2, or
 * L0_VHYP_TRAPPED when an interrupt of L1 was already pending (then L1
 * takes it at once, as hardware would right after the SRET). */
enum l0_vhyp_status l0_vhyp_sret(struct l0_vcpu *v);

/* Deliver a trap into L1's HS-mode from L1 itself (virtual V=0): the
 * supervisor trap CSRs plus hstatus.SPV = 0, GVA, htval, htinst. */
void l0_vhyp_trap_l1(struct l0_vcpu *v, unsigned long cause, unsigned long tval,
		     unsigned long htval, unsigned long htinst, bool gva);

/* L1's virtual-instruction trap (scause 22 from L1): decode the
 * instruction at sepc and emulate it. */
enum l0_vhyp_status l0_vhyp_virtual_inst(struct l0_vcpu *v);
/* The hottest virtual-instruction trap on its own: L1 (VS-mode, l1.h=1,
 * l0.decode=reported) reading an h* or vs* CSR with an instruction that
 * does not write it. Emulated (rd, sepc, counters) and true; false, with
 * nothing done, for anything else, which l0_vhyp_virtual_inst handles. */
bool l0_vhyp_csr_read_fast(struct l0_vcpu *v);

/* The update of L1's virtual hstatus/htval/htinst that goes with a trap
 * L0 delivered into L1 from L1 itself (l0_vcpu_inject_exception). */
void l0_vhyp_l1_took_trap(struct l0_vcpu *v, unsigned long htval,
			  unsigned long htinst, bool gva);

/* What became of a trap from L2. */
enum l0_vhyp_l2_result {
	L0_VHYP_L2_HANDLED,   /* invisibly (shadow fill): L2 resumes */
	L0_VHYP_L2_FORWARDED, /* delivered to L1: L1 runs now */
	L0_VHYP_L2_HOST_IRQ,  /* an interrupt of L0's own: the caller
			       * handles it, then l0_vhyp_check_l1_irq */
	L0_VHYP_L2_FATAL,     /* L0 cannot go on (diagnostic printed) */
};

/* A trap from L2 (the vCPU is in L2), counted by outcome. */
enum l0_vhyp_l2_result l0_vhyp_l2_trap(struct l0_vcpu *v);
/* While L2 runs: if an interrupt of L1 is pending and enabled, exit L2 to
 * L1 with it and return true (called before every resume of L2). */
bool l0_vhyp_check_l1_irq(struct l0_vcpu *v);
/* While L1 runs: deliver to it a VS interrupt it left undelegated but
 * pending and enabled, if L1 can take it now (called before every resume
 * of L1); true when it did. */
bool l0_vhyp_check_l1_vs_irq(struct l0_vcpu *v);
/* When l0_vhyp_check_l1_vs_irq could not deliver one (L1 masks it, or one
 * of L1's S-level interrupts goes first): make the hart stop L1 the moment
 * L1 can take it, without a trap of L1's own (before a resume of L1). */
void l0_vhyp_arm_l1_vs_irq(struct l0_vcpu *v);
/* First thing on every trap while armed: undo the arming; true when this
 * trap is the armed moment itself, which it then delivers to L1. */
bool l0_vhyp_disarm_l1_vs_irq(struct l0_vcpu *v);
/* The gate of l0_vhyp_check_l1_vs_irq: whether L1 enabled in hie a VS
 * interrupt it does not delegate in hideleg; only then can one be L1's
 * own (always false for an L1 without H: its state stays zero). */
/* L1's HS-level interrupts the hardware cannot raise in VS-mode itself:
 * the VS ones it does not delegate, and SGEI (l1.aia=1) */
#define L0_L1_HS_IRQS (HVIP_VS_MASK | MIP_SGEIP)
static inline bool l0_vhyp_l1_vs_irq_enabled(const struct l0_vhyp *vh)
{
	return vh->hie & ~vh->hideleg & L0_L1_HS_IRQS;
}
/* l1.aia=1: L1's guest files k = 1..GEILEN are the host hart's guest
 * files k + 1 (file 1 is L1's own S file, vaplic.h). L0 took a
 * supervisor guest external interrupt: one of those files (or, while L2
 * runs, L1's own) has an interrupt for L1 (vhyp.c, "AIA"). */
void l0_vhyp_sgei(struct l0_vcpu *v);
/* Whether L1 has a guest external interrupt to take (hgeip & hgeie, with
 * hie.SGEIE), for L0's WFI on L1's behalf. */
bool l0_vhyp_l1_sgei_pending(const struct l0_vcpu *v);

/* Program L0's timer for what L1 has armed (its SBI timer, and its own
 * Sstc timer while L2 runs). */
void l0_vhyp_program_timer(struct l0_vcpu *v);

/* The VS interrupts L0 raises for L1 (hvip bits VSSIP/VSTIP/VSEIP): in
 * the real hvip while L1 runs, in the saved copy while L2 runs. */
void l0_vhyp_l1_hvip_set(struct l0_vcpu *v, unsigned long bits);
void l0_vhyp_l1_hvip_clear(struct l0_vcpu *v, unsigned long bits);

/* `shadow_*=` fields for the l0stats line (false if buf was too small) */
bool l0_vhyp_format_stats(const struct l0_guest *g, char *buf,
			  unsigned long len);

#endif /* L0_VHYP_H */
