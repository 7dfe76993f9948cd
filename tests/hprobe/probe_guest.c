/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Group "guest": the guest writes its own supervisor CSRs (which are the
 * vs* CSRs while V=1, spec "Hypervisor and Virtual Supervisor CSRs"), and
 * HS-mode reads the vs* CSR (or the h* CSR it aliases) afterwards. For L0
 * this is the world switch: what L2 left in the real vs* CSRs must be what
 * L1 reads from its virtual ones after the exit.
 */
#include <stdio.h>

#include "hprobe.h"

struct hp_guest_case {
	const char *name;
	hp_body_fn body;
	unsigned long arg; /* what the guest writes */
	unsigned hs_csr;   /* what HS reads afterwards */
	unsigned long hideleg, hvip;
	enum hp_vsatp vsatp; /* as the probe starts */
};

#define SATP_SV39_MODE ((unsigned long)ATP_MODE_SV39 << ATP_MODE_SHIFT)
/* A reserved MODE: a V=1 write of satp with it is ignored (spec "Virtual
 * Supervisor Address Translation and Protection Register"). */
#define SATP_BAD_MODE (15UL << ATP_MODE_SHIFT)

void hp_group_guest(void)
{
	const struct hp_guest_case cases[] = {
		{"sscratch", hp_b_sscratch_write, 0x5a5a5a5a5a5a5a5aUL,
		 CSR_VSSCRATCH, 0, 0, HP_VSATP_BARE},
		/* sstatus.SUM|MXR set by the guest land in vsstatus. */
		{"sstatus_sum_mxr", hp_b_sstatus_set, SSTATUS_SUM | SSTATUS_MXR,
		 CSR_VSSTATUS, 0, 0, HP_VSATP_BARE},
		/* sie is vsie: the delegated bits alias hie's VS bits. */
		{"sie_to_hie", hp_b_sie_write, MIP_SSIP | MIP_STIP | MIP_SEIP,
		 CSR_HIE, HVIP_VS_MASK, 0, HP_VSATP_BARE},
		/* sip.SSIP is vsip.SSIP, an alias of hvip.VSSIP. */
		{"sip_clear_to_hvip", hp_b_sip_clear_ssip, 0, CSR_HVIP,
		 HVIP_VS_MASK, MIP_VSSIP, HP_VSATP_BARE},
		/* satp is vsatp: switch translation on from Bare (the code
		 * is identity-mapped, so execution goes on) ... */
		{"satp_on", hp_b_satp_write, 0, CSR_VSATP, 0, 0, HP_VSATP_BARE},
		/* ... and a reserved MODE, ignored when V=1. */
		{"satp_bad_mode", hp_b_satp_write, SATP_BAD_MODE, CSR_VSATP, 0,
		 0, HP_VSATP_SUPER},
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct hp_guest_case *k = &cases[i];
		const struct hp_csr *c = hp_csr_find(k->hs_csr);
		struct hp_env env = hp_env_default;
		unsigned long arg = k->arg;
		struct hp_obs o, r;
		char id[64];

		if (!arg && k->body == hp_b_satp_write)
			arg = hp_vsatp_value(HP_VSATP_SUPER);
		env.mode = HP_MODE_VS;
		env.hideleg = k->hideleg;
		env.hvip = k->hvip;
		env.vsatp = k->vsatp;
		env.hgatp = HP_HGATP_SV39X4;
		snprintf(id, sizeof(id), "guest.%s.vs", k->name);
		hp_run(&env, k->body, arg, &o);
		/* Read back at once, with nothing rewritten in between. */
		hp_run(NULL, c->op[HP_OP_READ], 0, &r);
		printf("RVNEST probe id=%s", id);
		hp_print_obs(&o, HP_PRINT_VALUE);
		if (r.out == HP_OUT_RETURNED)
			printf(" %s=0x%lx\n", c->name, r.value & c->mask);
		else
			printf(" %s=trap\n", c->name);
		hp_check(id, &o, HP_RET);
		hp_check(id, &r, HP_RET);
	}
}
