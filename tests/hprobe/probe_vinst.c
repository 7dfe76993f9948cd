/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Group "vinst": virtual-instruction exceptions (cause 22) and their
 * stval, against the illegal-instruction exceptions that the same
 * instruction raises elsewhere. Every case runs from VS-mode, VU-mode and
 * (for contrast) U-mode with V=0.
 *
 * Spec, "Hypervisor Extension" / "Synchronous Exceptions": a
 * virtual-instruction exception is raised when V=1 for an instruction that
 * would be legal in HS-mode (or U-mode) but is virtualised: a hypervisor or
 * VS CSR access, HFENCE, HLV/HLVX/HSV, SRET with VTSR=1 (any SRET from
 * VU), WFI with VTW=1 (any WFI from VU), SFENCE.VMA or satp with VTVM=1
 * (any from VU), a counter enabled in mcounteren but not in hcounteren
 * (or, from VU, not in scounteren). What is not legal in HS-mode either
 * (writing a read-only CSR) stays an illegal-instruction exception, and so
 * is everything from U-mode with V=0 (hstatus.HU=0).
 */
#include <stdio.h>

#include "hprobe.h"

static const char *const hp_mode_names[] = {
	[HP_MODE_HS] = "hs",
	[HP_MODE_HU] = "hu",
	[HP_MODE_VS] = "vs",
	[HP_MODE_VU] = "vu",
};

static void hp_vi(const char *what, enum hp_mode mode, unsigned long hstatus,
		  hp_body_fn body, unsigned long arg, struct hp_expect e)
{
	struct hp_env env = hp_env_default;
	char id[64];

	env.mode = mode;
	env.hstatus = hstatus;
	snprintf(id, sizeof(id), "vinst.%s.%s", what, hp_mode_names[mode]);
	hp_probe(id, &env, body, arg, e, HP_PRINT_VALUE);
}

/* One instruction from VS, VU and U(V=0) with the expected outcome of
 * each. */
struct hp_vi_case {
	const char *what;
	hp_body_fn body;
	unsigned long hstatus; /* VTW/VTSR/VTVM for the VS run */
	struct hp_expect vs, vu, hu;
};

#define VIRT HP_HS(EXC_VIRTUAL_INST)
#define ILL HP_HS(EXC_ILLEGAL_INST)

static const struct hp_vi_case hp_vi_cases[] = {
	{"hfence_vvma", hp_b_hfence_vvma, 0, VIRT, VIRT, ILL},
	{"hfence_gvma", hp_b_hfence_gvma, 0, VIRT, VIRT, ILL},
	{"hlv_d", hp_b_hlv_d, 0, VIRT, VIRT, ILL},
	{"hlvx_hu", hp_b_hlvx_hu, 0, VIRT, VIRT, ILL},
	{"hsv_d", hp_b_hsv_d, 0, VIRT, VIRT, ILL},
	{"wfi_vtw", hp_b_wfi, HSTATUS_VTW, VIRT, VIRT, ILL},
	{"sret_vtsr", hp_b_sret, HSTATUS_VTSR, VIRT, VIRT, ILL},
	{"sfence_vma_vtvm", hp_b_sfence_vma, HSTATUS_VTVM, VIRT, VIRT, ILL},
	/* Without VTVM, SFENCE.VMA is the guest's own fence; still virtual
	 * from VU-mode (a supervisor instruction). */
	{"sfence_vma", hp_b_sfence_vma, 0, HP_RET, VIRT, ILL},
	{"satp_read_vtvm", hp_b_satp_read, HSTATUS_VTVM, VIRT, VIRT, ILL},
	{"satp_write_vtvm", hp_b_satp_write, HSTATUS_VTVM, VIRT, VIRT, ILL},
	/* Without VTVM, satp is vsatp (Bare: 0) for VS; still virtual for
	 * VU. */
	{"satp_read", hp_b_satp_read, 0, HP_RET, VIRT, ILL},
	{"satp_write", hp_b_satp_write, 0, HP_RET, VIRT, ILL},
	/* A write to a read-only CSR is illegal everywhere. */
	{"cycle_write", hp_b_illegal, 0, ILL, ILL, ILL},
};

/* Counter reads under hcounteren/scounteren. */
struct hp_ctr_case {
	const char *what;
	enum hp_mode mode;
	unsigned long hcounteren, scounteren;
	struct hp_expect e;
};

#define ALLCTR (COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR)

static const struct hp_ctr_case hp_ctr_cases[] = {
	{"h0", HP_MODE_VS, 0, ALLCTR, VIRT},
	{"h1", HP_MODE_VS, ALLCTR, 0, HP_RET},
	{"h0s1", HP_MODE_VU, 0, ALLCTR, VIRT},
	{"h1s0", HP_MODE_VU, ALLCTR, 0, VIRT},
	{"h1s1", HP_MODE_VU, ALLCTR, ALLCTR, HP_RET},
	/* U-mode (V=0) with scounteren clear traps to M-mode as an illegal
	 * instruction, where the firmware decides (OpenSBI emulates time,
	 * not cycle): not H-extension behaviour, so only the allowed case. */
	{"s1", HP_MODE_HU, 0, ALLCTR, HP_RET},
};

static const struct {
	const char *name;
	hp_body_fn body;
} hp_ctrs[] = {
	{"cycle", hp_b_rdcycle},
	{"time", hp_b_rdtime},
	{"instret", hp_b_rdinstret},
};

void hp_group_vinst(void)
{
	char what[48];

	/* Every h* and vs* CSR, read and written, from each lower mode. */
	for (unsigned i = 0; i < hp_ncsrs; i++) {
		const struct hp_csr *c = &hp_csrs[i];
		bool ro = c->flags & HP_CSR_F_RO;

		if ((c->flags & HP_CSR_F_SSTC) && !hp_has_sstc)
			continue;
		if ((c->flags & HP_CSR_F_AIA) && !hp_has_aia)
			continue;
		snprintf(what, sizeof(what), "%s_read", c->name);
		hp_vi(what, HP_MODE_VS, 0, c->op[HP_OP_READ], 0, VIRT);
		hp_vi(what, HP_MODE_VU, 0, c->op[HP_OP_READ], 0, VIRT);
		hp_vi(what, HP_MODE_HU, 0, c->op[HP_OP_READ], 0, ILL);
		snprintf(what, sizeof(what), "%s_write", c->name);
		hp_vi(what, HP_MODE_VS, 0, c->op[HP_OP_RW], 0, ro ? ILL : VIRT);
		hp_vi(what, HP_MODE_VU, 0, c->op[HP_OP_RW], 0, ro ? ILL : VIRT);
		hp_vi(what, HP_MODE_HU, 0, c->op[HP_OP_RW], 0, ILL);
	}

	for (unsigned i = 0; i < sizeof(hp_vi_cases) / sizeof(hp_vi_cases[0]);
	     i++) {
		const struct hp_vi_case *k = &hp_vi_cases[i];
		unsigned long arg = hp_page(HP_PG_DATA);

		hp_vi(k->what, HP_MODE_VS, k->hstatus, k->body, arg, k->vs);
		hp_vi(k->what, HP_MODE_VU, k->hstatus, k->body, arg, k->vu);
		hp_vi(k->what, HP_MODE_HU, k->hstatus, k->body, arg, k->hu);
	}

	for (unsigned c = 0; c < sizeof(hp_ctrs) / sizeof(hp_ctrs[0]); c++)
		for (unsigned i = 0;
		     i < sizeof(hp_ctr_cases) / sizeof(hp_ctr_cases[0]); i++) {
			const struct hp_ctr_case *k = &hp_ctr_cases[i];
			struct hp_env env = hp_env_default;
			char id[64];

			env.mode = k->mode;
			env.hcounteren = k->hcounteren;
			env.scounteren = k->scounteren;
			snprintf(id, sizeof(id), "vinst.%s_%s.%s",
				 hp_ctrs[c].name, k->what,
				 hp_mode_names[k->mode]);
			hp_probe(id, &env, hp_ctrs[c].body, 0, k->e,
				 HP_PRINT_VALUE);
		}
}
