/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Group "hlv": the virtual-machine load/store instructions HLV, HLVX and
 * HSV of every width, from HS-mode and from U-mode with hstatus.HU=1.
 *
 * Spec, "Hypervisor Virtual-Machine Load and Store Instructions": the
 * access is translated and checked as though V=1, with the effective
 * privilege in hstatus.SPVP and the VS-stage controls of vsstatus
 * (SUM, MXR). HLVX needs execute, not read, permission at both stages. A
 * fault sets hstatus.GVA=1 with stval = the guest virtual address while
 * SPV=0 (the trap comes from V=0), and htval = guest physical >> 2 for a
 * guest-page fault. With hstatus.HU=0 the instructions are illegal in
 * U-mode.
 */
#include <stdio.h>

#include <rvnest/console.h>

#include "hprobe.h"

#define RET HP_RET
#define LGPF HP_HS(EXC_LOAD_GUEST_PAGE_FAULT)
#define SGPF HP_HS(EXC_STORE_GUEST_PAGE_FAULT)
#define LPF HP_HS(EXC_LOAD_PAGE_FAULT)
#define SPF HP_HS(EXC_STORE_PAGE_FAULT)
#define ILL HP_HS(EXC_ILLEGAL_INST)

struct hp_hlv_case {
	const char *id;
	enum hp_mode mode;	/* HS, or HU (with hstatus.HU) */
	unsigned long hstatus;	/* SPVP, HU */
	unsigned long vsstatus; /* SUM, MXR */
	unsigned long sstatus;	/* HS-level MXR */
	enum hp_vsatp vsatp;
	enum hp_hgatp hgatp;
	hp_body_fn body;
	enum hp_page pg; /* HP_PG_COUNT: use `fixed` */
	unsigned long fixed;
	unsigned long off;
	struct hp_expect e;
};

#define SPVP HSTATUS_SPVP
#define SUP HP_VSATP_SUPER
#define USR HP_VSATP_USER
#define BARE HP_VSATP_BARE
#define GX4 HP_HGATP_SV39X4
#define GBARE HP_HGATP_BARE
#define NOPG HP_PG_COUNT
#define HS HP_MODE_HS
#define HU HP_MODE_HU

static const struct hp_hlv_case hp_hlv_cases[] = {
	/* Every load width, through both stages, VS privilege. */
	{"hlv.sv39.s.b.data", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlv_b, HP_PG_DATA,
	 0, 0, RET},
	{"hlv.sv39.s.bu.data", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlv_bu,
	 HP_PG_DATA, 0, 0, RET},
	{"hlv.sv39.s.h.data", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlv_h, HP_PG_DATA,
	 0, 0, RET},
	{"hlv.sv39.s.hu.data", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlv_hu,
	 HP_PG_DATA, 0, 0, RET},
	{"hlv.sv39.s.w.data", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlv_w, HP_PG_DATA,
	 0, 0, RET},
	{"hlv.sv39.s.wu.data", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlv_wu,
	 HP_PG_DATA, 0, 0, RET},
	{"hlv.sv39.s.d.data", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlv_d, HP_PG_DATA,
	 0, 0, RET},
	{"hlv.sv39.s.xhu.data", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlvx_hu,
	 HP_PG_DATA, 0, 0, RET},
	{"hlv.sv39.s.xwu.data", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlvx_wu,
	 HP_PG_DATA, 0, 0, RET},
	/* Unaligned-free but not page-offset-zero addresses. */
	{"hlv.sv39.s.h.data_off", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlv_h,
	 HP_PG_DATA, 0, 0x0e, RET},
	{"hlv.sv39.s.w.data_off", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlv_w,
	 HP_PG_DATA, 0, 0x1c, RET},
	/* VS-stage permissions. */
	{"hlv.sv39.s.d.vro", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlv_d, HP_PG_VRO, 0,
	 0, RET},
	{"hlv.sv39.s.d.vxo", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlv_d, HP_PG_VXO, 0,
	 0, LPF},
	{"hlv.sv39.s.d.vxo_mxr", HS, SPVP, SSTATUS_MXR, 0, SUP, GX4, hp_b_hlv_d,
	 HP_PG_VXO, 0, 0, RET},
	{"hlv.sv39.s.d.unmapped", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlv_d, NOPG,
	 HP_GVA_UNMAPPED, 0, LPF},
	{"hlv.sv39.s.d.vuser", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlv_d,
	 HP_PG_VUSER, 0, 0, LPF},
	{"hlv.sv39.s.d.vuser_sum", HS, SPVP, SSTATUS_SUM, 0, SUP, GX4,
	 hp_b_hlv_d, HP_PG_VUSER, 0, 0, RET},
	{"hlv.sv39.s.xwu.vxo", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlvx_wu,
	 HP_PG_VXO, 0, 0, RET},
	{"hlv.sv39.s.xwu.vro", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlvx_wu,
	 HP_PG_VRO, 0, 0, LPF},
	/* G-stage: guest-page faults, and HLVX needing G-stage X. */
	{"hlv.sv39.s.d.ghole", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlv_d, NOPG,
	 HP_GVA_GHOLE, 0x20, LGPF},
	{"hlv.sv39.s.d.walkhole", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlv_d, NOPG,
	 HP_GVA_WALKHOLE, 0x28, LGPF},
	{"hlv.sv39.s.d.gxo", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlv_d, HP_PG_GXO, 0,
	 0, LGPF},
	/* HS-level sstatus.MXR makes X-only pages readable at both stages. */
	{"hlv.sv39.s.d.gxo_smxr", HS, SPVP, 0, SSTATUS_MXR, SUP, GX4,
	 hp_b_hlv_d, HP_PG_GXO, 0, 0, RET},
	{"hlv.sv39.s.d.vxo_smxr", HS, SPVP, 0, SSTATUS_MXR, SUP, GX4,
	 hp_b_hlv_d, HP_PG_VXO, 0, 0, RET},
	{"hlv.sv39.s.xwu.gxo", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlvx_wu,
	 HP_PG_GXO, 0, 0, RET},
	{"hlv.sv39.s.xwu.alias_gro", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlvx_wu,
	 NOPG, HP_GVA_ALIAS_GRO, 0, LGPF},
	{"hlv.sv39.s.xwu.ghole", HS, SPVP, 0, 0, SUP, GX4, hp_b_hlvx_wu, NOPG,
	 HP_GVA_GHOLE, 0, LGPF},
	/* Every store width, then the faults. */
	{"hsv.sv39.s.b.data", HS, SPVP, 0, 0, SUP, GX4, hp_b_hsv_b, HP_PG_DATA,
	 0, 0x100, RET},
	{"hsv.sv39.s.h.data", HS, SPVP, 0, 0, SUP, GX4, hp_b_hsv_h, HP_PG_DATA,
	 0, 0x108, RET},
	{"hsv.sv39.s.w.data", HS, SPVP, 0, 0, SUP, GX4, hp_b_hsv_w, HP_PG_DATA,
	 0, 0x110, RET},
	{"hsv.sv39.s.d.data", HS, SPVP, 0, 0, SUP, GX4, hp_b_hsv_d, HP_PG_DATA,
	 0, 0x118, RET},
	{"hsv.sv39.s.d.vro", HS, SPVP, 0, 0, SUP, GX4, hp_b_hsv_d, HP_PG_VRO, 0,
	 0x120, SPF},
	{"hsv.sv39.s.d.unmapped", HS, SPVP, 0, 0, SUP, GX4, hp_b_hsv_d, NOPG,
	 HP_GVA_UNMAPPED, 0x128, SPF},
	{"hsv.sv39.s.d.ghole", HS, SPVP, 0, 0, SUP, GX4, hp_b_hsv_d, NOPG,
	 HP_GVA_GHOLE, 0x130, SGPF},
	{"hsv.sv39.s.d.alias_gro", HS, SPVP, 0, 0, SUP, GX4, hp_b_hsv_d, NOPG,
	 HP_GVA_ALIAS_GRO, 0x138, SGPF},
	{"hsv.sv39.s.d.walkhole", HS, SPVP, 0, 0, SUP, GX4, hp_b_hsv_d, NOPG,
	 HP_GVA_WALKHOLE, 0x140, SGPF},
	/* VU privilege (SPVP=0): user pages only. */
	{"hlv.sv39.u.d.data_user", HS, 0, 0, 0, USR, GX4, hp_b_hlv_d,
	 HP_PG_DATA, 0, 0, RET},
	{"hlv.sv39.u.d.data_super", HS, 0, 0, 0, SUP, GX4, hp_b_hlv_d,
	 HP_PG_DATA, 0, 0, LPF},
	{"hlv.sv39.u.d.vuser", HS, 0, 0, 0, SUP, GX4, hp_b_hlv_d, HP_PG_VUSER,
	 0, 0, RET},
	{"hsv.sv39.u.d.data_user", HS, 0, 0, 0, USR, GX4, hp_b_hsv_d,
	 HP_PG_DATA, 0, 0x148, RET},
	{"hsv.sv39.u.d.data_super", HS, 0, 0, 0, SUP, GX4, hp_b_hsv_d,
	 HP_PG_DATA, 0, 0x150, SPF},
	/* vsatp Bare: G-stage only. */
	{"hlv.bare.s.d.data", HS, SPVP, 0, 0, BARE, GX4, hp_b_hlv_d, HP_PG_DATA,
	 0, 0x8, RET},
	{"hlv.bare.s.d.hole", HS, SPVP, 0, 0, BARE, GX4, hp_b_hlv_d, NOPG,
	 HP_GPA_HOLE, 0x30, LGPF},
	{"hlv.bare.s.d.wide", HS, SPVP, 0, 0, BARE, GX4, hp_b_hlv_d, NOPG,
	 HP_GPA_WIDE, 0x38, LGPF},
	{"hlv.bare.s.d.gnou", HS, SPVP, 0, 0, BARE, GX4, hp_b_hlv_d, HP_PG_GNOU,
	 0, 0, LGPF},
	{"hsv.bare.s.d.gro", HS, SPVP, 0, 0, BARE, GX4, hp_b_hsv_d, HP_PG_GRO,
	 0, 0x40, SGPF},
	{"hsv.bare.s.d.grw", HS, SPVP, 0, 0, BARE, GX4, hp_b_hsv_d, HP_PG_GRW,
	 0, 0x48, RET},
	/* Sv48x4 G-stage. */
	{"hlv.bare_g48.s.d.data", HS, SPVP, 0, 0, BARE, HP_HGATP_SV48X4,
	 hp_b_hlv_d, HP_PG_DATA, 0, 0x8, RET},
	{"hlv.bare_g48.s.d.hole", HS, SPVP, 0, 0, BARE, HP_HGATP_SV48X4,
	 hp_b_hlv_d, NOPG, HP_GPA_HOLE, 0x30, LGPF},
	{"hlv.bare_g48.s.d.wide50", HS, SPVP, 0, 0, BARE, HP_HGATP_SV48X4,
	 hp_b_hlv_d, NOPG, HP_GPA_WIDE48, 0x38, LGPF},
	{"hsv.bare_g48.s.d.gro", HS, SPVP, 0, 0, BARE, HP_HGATP_SV48X4,
	 hp_b_hsv_d, HP_PG_GRO, 0, 0x40, SGPF},
	{"hlv.sv39_g48.s.d.walkhole", HS, SPVP, 0, 0, SUP, HP_HGATP_SV48X4,
	 hp_b_hlv_d, NOPG, HP_GVA_WALKHOLE, 0x28, LGPF},
	/* G-stage root where no memory is: the implicit G-stage access of
	 * the HLV gets a load access fault (stval = the guest address). */
	{"hlv.groot_far.s.d.data", HS, SPVP, 0, 0, BARE, HP_HGATP_FAR_ROOT,
	 hp_b_hlv_d, HP_PG_DATA, 0, 0x8, HP_HS(EXC_LOAD_ACCESS)},
	{"hsv.groot_far.s.d.data", HS, SPVP, 0, 0, BARE, HP_HGATP_FAR_ROOT,
	 hp_b_hsv_d, HP_PG_DATA, 0, 0x180, HP_HS(EXC_STORE_ACCESS)},
	/* An Sv48 VS-stage. */
	{"hlv.sv48.s.d.data", HS, SPVP, 0, 0, HP_VSATP_SUPER48, GX4, hp_b_hlv_d,
	 HP_PG_DATA, 0, 0x8, RET},
	{"hlv.sv48.s.d.ghole", HS, SPVP, 0, 0, HP_VSATP_SUPER48, GX4,
	 hp_b_hlv_d, NOPG, HP_GVA_GHOLE, 0x20, LGPF},
	{"hlv.sv48.s.d.walkhole", HS, SPVP, 0, 0, HP_VSATP_SUPER48, GX4,
	 hp_b_hlv_d, NOPG, HP_GVA_WALKHOLE, 0x28, LGPF},
	{"hsv.sv48.s.d.vro", HS, SPVP, 0, 0, HP_VSATP_SUPER48, GX4, hp_b_hsv_d,
	 HP_PG_VRO, 0, 0x120, SPF},
	/* Both stages Bare. */
	{"hlv.nogstage.s.d.data", HS, SPVP, 0, 0, BARE, GBARE, hp_b_hlv_d,
	 HP_PG_DATA, 0, 0x10, RET},
	/* From U-mode (V=0): allowed only with hstatus.HU=1. */
	/* Every width from U-mode with HU=1. */
	{"hlv.sv39.s.b.data_hu", HU, SPVP | HSTATUS_HU, 0, 0, SUP, GX4,
	 hp_b_hlv_b, HP_PG_DATA, 0, 0x20, RET},
	{"hlv.sv39.s.bu.data_hu", HU, SPVP | HSTATUS_HU, 0, 0, SUP, GX4,
	 hp_b_hlv_bu, HP_PG_DATA, 0, 0x20, RET},
	{"hlv.sv39.s.h.data_hu", HU, SPVP | HSTATUS_HU, 0, 0, SUP, GX4,
	 hp_b_hlv_h, HP_PG_DATA, 0, 0x20, RET},
	{"hlv.sv39.s.hu.data_hu", HU, SPVP | HSTATUS_HU, 0, 0, SUP, GX4,
	 hp_b_hlv_hu, HP_PG_DATA, 0, 0x20, RET},
	{"hlv.sv39.s.w.data_hu", HU, SPVP | HSTATUS_HU, 0, 0, SUP, GX4,
	 hp_b_hlv_w, HP_PG_DATA, 0, 0x20, RET},
	{"hlv.sv39.s.wu.data_hu", HU, SPVP | HSTATUS_HU, 0, 0, SUP, GX4,
	 hp_b_hlv_wu, HP_PG_DATA, 0, 0x20, RET},
	{"hlv.sv39.s.xhu.data_hu", HU, SPVP | HSTATUS_HU, 0, 0, SUP, GX4,
	 hp_b_hlvx_hu, HP_PG_DATA, 0, 0x20, RET},
	{"hlv.sv39.s.xwu.data_hu", HU, SPVP | HSTATUS_HU, 0, 0, SUP, GX4,
	 hp_b_hlvx_wu, HP_PG_DATA, 0, 0x20, RET},
	{"hsv.sv39.s.b.data_hu", HU, SPVP | HSTATUS_HU, 0, 0, SUP, GX4,
	 hp_b_hsv_b, HP_PG_DATA, 0, 0x168, RET},
	{"hsv.sv39.s.h.data_hu", HU, SPVP | HSTATUS_HU, 0, 0, SUP, GX4,
	 hp_b_hsv_h, HP_PG_DATA, 0, 0x170, RET},
	{"hsv.sv39.s.w.data_hu", HU, SPVP | HSTATUS_HU, 0, 0, SUP, GX4,
	 hp_b_hsv_w, HP_PG_DATA, 0, 0x178, RET},
	{"hlv.sv39.s.d.data_hu", HU, SPVP | HSTATUS_HU, 0, 0, SUP, GX4,
	 hp_b_hlv_d, HP_PG_DATA, 0, 0x18, RET},
	{"hlv.sv39.s.d.ghole_hu", HU, SPVP | HSTATUS_HU, 0, 0, SUP, GX4,
	 hp_b_hlv_d, NOPG, HP_GVA_GHOLE, 0x50, LGPF},
	/* The trap just above left htinst (the transformed HLV), htval and
	 * GVA set; the next trap, an ecall from U-mode, must write htinst
	 * and htval as 0 and GVA as 0 ("Trap Entry"; htinst's table: zero
	 * for an environment call), also when the hart delivers it without
	 * an L0 in between. */
	{"hlv.ecall_after_fault_hu", HU, SPVP | HSTATUS_HU, 0, 0, SUP, GX4,
	 hp_b_ecall, HP_PG_DATA, 0, 0, HP_HS(EXC_ECALL_U)},
	{"hsv.sv39.s.d.data_hu", HU, SPVP | HSTATUS_HU, 0, 0, SUP, GX4,
	 hp_b_hsv_d, HP_PG_DATA, 0, 0x158, RET},
	{"hlv.sv39.s.d.data_hu0", HU, SPVP, 0, 0, SUP, GX4, hp_b_hlv_d,
	 HP_PG_DATA, 0, 0x18, ILL},
	{"hsv.sv39.s.d.data_hu0", HU, SPVP, 0, 0, SUP, GX4, hp_b_hsv_d,
	 HP_PG_DATA, 0, 0x160, ILL},
};

/* The stores' effect on the data page, read back from HS-mode: the
 * offsets of the stores above that target it, including the ones that
 * must fault (0x150: U-mode privilege on a supervisor page; 0x160: HU=0)
 * and so leave the initial contents. */
static const unsigned long hp_hsv_offsets[] = {
	0x100, 0x108, 0x110, 0x118, 0x148, 0x150,
	0x158, 0x160, 0x168, 0x170, 0x178,
};

void hp_group_hlv(void)
{
	for (unsigned i = 0; i < sizeof(hp_hlv_cases) / sizeof(hp_hlv_cases[0]);
	     i++) {
		const struct hp_hlv_case *k = &hp_hlv_cases[i];
		struct hp_env env = hp_env_default;
		unsigned long addr =
			(k->pg == HP_PG_COUNT ? k->fixed : hp_page(k->pg)) +
			k->off;

		env.mode = k->mode;
		env.hstatus = k->hstatus;
		env.vsstatus = k->vsstatus;
		env.sstatus = k->sstatus;
		env.vsatp = k->vsatp;
		env.hgatp = k->hgatp;
		hp_probe(k->id, &env, k->body, addr, k->e, HP_PRINT_VALUE);
	}
	for (unsigned i = 0;
	     i < sizeof(hp_hsv_offsets) / sizeof(hp_hsv_offsets[0]); i++) {
		volatile unsigned long *p =
			(volatile unsigned long *)(hp_page(HP_PG_DATA) +
						   hp_hsv_offsets[i]);

		printf("RVNEST probe id=hsv.mem.0x%lx val=0x%lx\n",
		       hp_hsv_offsets[i], *p);
	}
}
