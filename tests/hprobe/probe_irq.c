/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Group "irq": VS-level interrupts injected through hvip, delegated with
 * hideleg, and exceptions delegated with hedeleg.
 *
 * Spec, "Hypervisor Interrupt Registers" and "Trap Entry":
 *  - hvip.VSSIP/VSTIP/VSEIP make VS-level interrupts pending; hie enables
 *    them; a VS-level interrupt delegated by hideleg is taken in VS-mode
 *    with its code translated to the S-level one (2->1, 6->5, 10->9), when
 *    V=1 and either vsstatus.SIE=1 or the hart is in VU-mode. Not
 *    delegated, it is an HS-level interrupt (taken whenever V=1).
 *  - Priority among them: external, then software, then timer.
 *  - vsip/vsie are the hip/hie VS bits shifted down by one, and read zero
 *    where hideleg does not delegate.
 *  - A synchronous exception from V=1 goes to VS-mode when hedeleg has its
 *    bit; the guest-page faults, virtual instruction and ecall from
 *    VS/HS/M cannot be delegated (hedeleg bits read-only zero).
 */
#include <stdio.h>

#include "hprobe.h"

#define IRQ(n) (CAUSE_INTERRUPT | (n))

struct hp_irq_case {
	const char *id;
	enum hp_mode mode;
	unsigned long hideleg, hie, hvip, vsstatus, henvcfg, vstimecmp;
	unsigned long hedeleg;
	enum hp_vsatp vsatp;
	enum hp_hgatp hgatp;
	hp_body_fn body;
	unsigned long arg;
	bool sstc; /* needs Sstc */
	struct hp_expect e;
};

#define VSM HVIP_VS_MASK
#define SIE SSTATUS_SIE
#define NOCMP (~0UL)
#define VS HP_MODE_VS
#define VU HP_MODE_VU
#define HSM HP_MODE_HS

static const struct hp_irq_case hp_irq_cases[] = {
	/* Delivery into VS-mode, one source at a time. */
	{"irq.deliver.vssip.vs", VS, VSM, VSM, MIP_VSSIP, SIE, 0, NOCMP, 0, 0,
	 0, hp_b_nop, 0, false, HP_VS(IRQ(IRQ_S_SOFT))},
	{"irq.deliver.vstip.vs", VS, VSM, VSM, MIP_VSTIP, SIE, 0, NOCMP, 0, 0,
	 0, hp_b_nop, 0, false, HP_VS(IRQ(IRQ_S_TIMER))},
	{"irq.deliver.vseip.vs", VS, VSM, VSM, MIP_VSEIP, SIE, 0, NOCMP, 0, 0,
	 0, hp_b_nop, 0, false, HP_VS(IRQ(IRQ_S_EXT))},
	/* Priority: SEI > SSI > STI. */
	{"irq.prio.all.vs", VS, VSM, VSM, VSM, SIE, 0, NOCMP, 0, 0, 0, hp_b_nop,
	 0, false, HP_VS(IRQ(IRQ_S_EXT))},
	{"irq.prio.ssip_stip.vs", VS, VSM, VSM, MIP_VSSIP | MIP_VSTIP, SIE, 0,
	 NOCMP, 0, 0, 0, hp_b_nop, 0, false, HP_VS(IRQ(IRQ_S_SOFT))},
	{"irq.prio.stip_seip.vs", VS, VSM, VSM, MIP_VSTIP | MIP_VSEIP, SIE, 0,
	 NOCMP, 0, 0, 0, hp_b_nop, 0, false, HP_VS(IRQ(IRQ_S_EXT))},
	/* Each enable on its own: only the enabled source is taken. */
	{"irq.enable.only_stie.vs", VS, VSM, MIP_VSTIP, VSM, SIE, 0, NOCMP, 0,
	 0, 0, hp_b_nop, 0, false, HP_VS(IRQ(IRQ_S_TIMER))},
	/* vsstatus.SIE=0 masks them in VS-mode; the guest sees them pending
	 * in sip (its vsip) and enabled in sie (its vsie). */
	{"irq.masked.sip.vs", VS, VSM, VSM, VSM, 0, 0, NOCMP, 0, 0, 0,
	 hp_b_sip_read, 0, false, HP_RET},
	{"irq.masked.sie.vs", VS, VSM, VSM, VSM, 0, 0, NOCMP, 0, 0, 0,
	 hp_b_sie_read, 0, false, HP_RET},
	/* ... and the guest enabling SIE takes it at once. */
	{"irq.guest_enable.vs", VS, VSM, VSM, MIP_VSSIP, 0, 0, NOCMP, 0, 0, 0,
	 hp_b_enable_sie, 0, false, HP_VS(IRQ(IRQ_S_SOFT))},
	/* In VU-mode VS interrupts are enabled regardless of SIE. */
	{"irq.deliver.vstip.vu", VU, VSM, VSM, MIP_VSTIP, 0, 0, NOCMP, 0, 0, 0,
	 hp_b_nop, 0, false, HP_VS(IRQ(IRQ_S_TIMER))},
	/* hie=0: pending but not enabled, never taken. */
	{"irq.hie0.sip.vs", VS, VSM, 0, VSM, SIE, 0, NOCMP, 0, 0, 0,
	 hp_b_sip_read, 0, false, HP_RET},
	{"irq.hie0.sie.vs", VS, VSM, 0, VSM, SIE, 0, NOCMP, 0, 0, 0,
	 hp_b_sie_read, 0, false, HP_RET},
	/* Not delegated: taken in HS-mode with the VS-level code, even with
	 * vsstatus.SIE=0 (HS interrupts are always enabled when V=1). */
	{"irq.nodeleg.vssip.vs", VS, 0, VSM, MIP_VSSIP, 0, 0, NOCMP, 0, 0, 0,
	 hp_b_nop, 0, false, HP_HS(IRQ(IRQ_VS_SOFT))},
	{"irq.nodeleg.vstip.vs", VS, 0, VSM, MIP_VSTIP, 0, 0, NOCMP, 0, 0, 0,
	 hp_b_nop, 0, false, HP_HS(IRQ(IRQ_VS_TIMER))},
	{"irq.nodeleg.all.vs", VS, 0, VSM, VSM, 0, 0, NOCMP, 0, 0, 0, hp_b_nop,
	 0, false, HP_HS(IRQ(IRQ_VS_EXT))},
	{"irq.nodeleg.all.vu", VU, 0, VSM, VSM, 0, 0, NOCMP, 0, 0, 0, hp_b_nop,
	 0, false, HP_HS(IRQ(IRQ_VS_EXT))},
	/* Partly delegated: the delegated one waits for SIE, the other is
	 * taken in HS. */
	{"irq.partdeleg.vs", VS, MIP_VSEIP, VSM, MIP_VSEIP | MIP_VSTIP, 0, 0,
	 NOCMP, 0, 0, 0, hp_b_nop, 0, false, HP_HS(IRQ(IRQ_VS_TIMER))},
	/* The views from HS-mode (no interrupt is taken there: SIE=0). */
	{"irq.view.hip", HSM, VSM, 0, VSM, 0, 0, NOCMP, 0, 0, 0, NULL, CSR_HIP,
	 false, HP_RET},
	{"irq.view.vsip.deleg", HSM, VSM, 0, VSM, 0, 0, NOCMP, 0, 0, 0, NULL,
	 CSR_VSIP, false, HP_RET},
	{"irq.view.vsip.nodeleg", HSM, 0, 0, VSM, 0, 0, NOCMP, 0, 0, 0, NULL,
	 CSR_VSIP, false, HP_RET},
	{"irq.view.vsip.part", HSM, MIP_VSTIP, 0, VSM, 0, 0, NOCMP, 0, 0, 0,
	 NULL, CSR_VSIP, false, HP_RET},
	{"irq.view.vsie.deleg", HSM, VSM, VSM, 0, 0, 0, NOCMP, 0, 0, 0, NULL,
	 CSR_VSIE, false, HP_RET},
	{"irq.view.vsie.nodeleg", HSM, 0, VSM, 0, 0, 0, NOCMP, 0, 0, 0, NULL,
	 CSR_VSIE, false, HP_RET},
	{"irq.view.vsie.part", HSM, MIP_VSSIP, VSM, 0, 0, 0, NOCMP, 0, 0, 0,
	 NULL, CSR_VSIE, false, HP_RET},
	/* Sstc: vstimecmp <= time + htimedelta raises VSTIP (time >= 0, so a
	 * compare value of 0 is always due, ~0 never). */
	{"irq.sstc.hip_due", HSM, VSM, 0, 0, 0, ENVCFG_STCE, 0, 0, 0, 0, NULL,
	 CSR_HIP, true, HP_RET},
	{"irq.sstc.hip_never", HSM, VSM, 0, 0, 0, ENVCFG_STCE, NOCMP, 0, 0, 0,
	 NULL, CSR_HIP, true, HP_RET},
	{"irq.sstc.deliver.vs", VS, VSM, VSM, 0, SIE, ENVCFG_STCE, 0, 0, 0, 0,
	 hp_b_nop, 0, true, HP_VS(IRQ(IRQ_S_TIMER))},
	{"irq.sstc.never.vs", VS, VSM, VSM, 0, SIE, ENVCFG_STCE, NOCMP, 0, 0, 0,
	 hp_b_nop, 0, true, HP_RET},

	/* Exception delegation. */
	{"deleg.ebreak.on.vs", VS, 0, 0, 0, 0, 0, NOCMP, BIT(EXC_BREAKPOINT), 0,
	 0, hp_b_ebreak, 0, false, HP_VS(EXC_BREAKPOINT)},
	{"deleg.ebreak.off.vs", VS, 0, 0, 0, 0, 0, NOCMP, 0, 0, 0, hp_b_ebreak,
	 0, false, HP_HS(EXC_BREAKPOINT)},
	{"deleg.ecall_u.on.vu", VU, 0, 0, 0, 0, 0, NOCMP, BIT(EXC_ECALL_U), 0,
	 0, hp_b_ecall, 0, false, HP_VS(EXC_ECALL_U)},
	{"deleg.ecall_u.off.vu", VU, 0, 0, 0, 0, 0, NOCMP, 0, 0, 0, hp_b_ecall,
	 0, false, HP_HS(EXC_ECALL_U)},
	{"deleg.illegal.on.vs", VS, 0, 0, 0, 0, 0, NOCMP, BIT(EXC_ILLEGAL_INST),
	 0, 0, hp_b_illegal, 0, false, HP_VS(EXC_ILLEGAL_INST)},
	{"deleg.illegal.off.vs", VS, 0, 0, 0, 0, 0, NOCMP, 0, 0, 0,
	 hp_b_illegal, 0, false, HP_HS(EXC_ILLEGAL_INST)},
	{"deleg.illegal.on.vu", VU, 0, 0, 0, 0, 0, NOCMP, BIT(EXC_ILLEGAL_INST),
	 0, 0, hp_b_illegal, 0, false, HP_VS(EXC_ILLEGAL_INST)},
	{"deleg.lpf.on.vs", VS, 0, 0, 0, 0, 0, NOCMP, BIT(EXC_LOAD_PAGE_FAULT),
	 HP_VSATP_SUPER, HP_HGATP_SV39X4, hp_b_ld, HP_GVA_UNMAPPED, false,
	 HP_VS(EXC_LOAD_PAGE_FAULT)},
	{"deleg.lpf.off.vs", VS, 0, 0, 0, 0, 0, NOCMP, 0, HP_VSATP_SUPER,
	 HP_HGATP_SV39X4, hp_b_ld, HP_GVA_UNMAPPED, false,
	 HP_HS(EXC_LOAD_PAGE_FAULT)},
	{"deleg.spf.on.vs", VS, 0, 0, 0, 0, 0, NOCMP, BIT(EXC_STORE_PAGE_FAULT),
	 HP_VSATP_SUPER, HP_HGATP_SV39X4, hp_b_sd, 0, false,
	 HP_VS(EXC_STORE_PAGE_FAULT)},
	/* Not delegable: still HS with every hedeleg bit written to 1. */
	{"deleg.all.lgpf.vs", VS, 0, 0, 0, 0, 0, NOCMP, ~0UL, HP_VSATP_BARE,
	 HP_HGATP_SV39X4, hp_b_ld, HP_GPA_HOLE, false,
	 HP_HS(EXC_LOAD_GUEST_PAGE_FAULT)},
	{"deleg.all.sgpf.vs", VS, 0, 0, 0, 0, 0, NOCMP, ~0UL, HP_VSATP_BARE,
	 HP_HGATP_SV39X4, hp_b_sd, HP_GPA_HOLE, false,
	 HP_HS(EXC_STORE_GUEST_PAGE_FAULT)},
	{"deleg.all.vinst.vs", VS, 0, 0, 0, 0, 0, NOCMP, ~0UL, 0, 0,
	 hp_b_hfence_vvma, 0, false, HP_HS(EXC_VIRTUAL_INST)},
	{"deleg.all.ecall_vs.vs", VS, 0, 0, 0, 0, 0, NOCMP, ~0UL, 0, 0,
	 hp_b_ecall, 0, false, HP_HS(EXC_ECALL_VS)},
};

void hp_group_irq(void)
{
	for (unsigned i = 0; i < sizeof(hp_irq_cases) / sizeof(hp_irq_cases[0]);
	     i++) {
		const struct hp_irq_case *k = &hp_irq_cases[i];
		struct hp_env env = hp_env_default;
		hp_body_fn body = k->body;
		unsigned long arg = k->arg;

		if (k->sstc && !hp_has_sstc)
			continue;
		env.mode = k->mode;
		env.hideleg = k->hideleg;
		env.hie = k->hie;
		env.hvip = k->hvip;
		env.vsstatus = k->vsstatus;
		env.henvcfg = k->henvcfg;
		env.vstimecmp = k->vstimecmp;
		env.hedeleg = k->hedeleg;
		env.vsatp = k->vsatp;
		env.hgatp = k->hgatp;
		/* A view probe reads the CSR named in arg from HS-mode. */
		if (!body) {
			body = hp_csr_find(arg)->op[HP_OP_READ];
			arg = 0;
		}
		/* The store-page-fault case targets the read-only page. */
		if (body == hp_b_sd && !arg)
			arg = hp_page(HP_PG_VRO) + 0x10;
		hp_probe(k->id, &env, body, arg, k->e, HP_PRINT_VALUE);
	}
}
