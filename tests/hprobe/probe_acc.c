/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Group "acc": access faults, and the trap CSRs of the traps around them.
 *
 * A load or store that passes every translation stage and finds no memory
 * is a load/store access fault ("Physical Memory Attributes"), taken in
 * HS-mode whether it came from V=0 (HS, HU) or from V=1 (VS, VU through a
 * G-stage leaf onto no memory). htinst may then hold 0 or the transformed
 * instruction (spec table "Values that may be automatically written to the
 * trap instruction register"); the line prints what the hart wrote, so an
 * L0 that injects the access fault itself must write what the hardware
 * does below it. Each access is followed by an ecall and an illegal
 * instruction from the same mode, whose htinst and htval must be 0 again
 * ("Trap Entry"; the table: zero for both) whoever delivers them.
 */
#include <stdio.h>

#include "hprobe.h"

#define LAF HP_HS(EXC_LOAD_ACCESS)
#define SAF HP_HS(EXC_STORE_ACCESS)

struct hp_acc_body {
	const char *name;
	hp_body_fn body;
	struct hp_expect e;
};

static const struct hp_acc_body hp_acc_bodies[] = {
	{"ld", hp_b_ld, LAF},	  {"lw", hp_b_lw, LAF},
	{"sd", hp_b_sd, SAF},	  {"sw", hp_b_sw, SAF},
	{"c_ld", hp_b_c_ld, LAF}, {"c_sd", hp_b_c_sd, SAF},
};

static const char *const hp_acc_mode_names[] = {
	[HP_MODE_HS] = "hs",
	[HP_MODE_HU] = "hu",
	[HP_MODE_VS] = "vs",
	[HP_MODE_VU] = "vu",
};

/* A trap that leaves htval, htinst (nonzero) and hstatus.GVA set, from the
 * mode m: from V=0 an HLV.D whose guest page is not mapped (htinst the
 * transformed HLV; for HU with hstatus.HU), from V=1 a load whose guest
 * physical page is not mapped (htinst the transformed load). */
static void hp_acc_dirty(enum hp_mode m, const char *before)
{
	bool v = m == HP_MODE_VS || m == HP_MODE_VU;
	struct hp_env env = hp_env_default;
	char id[80];

	env.mode = m;
	env.hstatus = HSTATUS_SPVP | (m == HP_MODE_HU ? HSTATUS_HU : 0);
	env.vsatp = v ? HP_VSATP_BARE : HP_VSATP_SUPER;
	env.hgatp = HP_HGATP_SV39X4;
	snprintf(id, sizeof(id), "acc.dirty_before_%s.%s", before,
		 hp_acc_mode_names[m]);
	hp_probe(id, &env, v ? hp_b_ld : hp_b_hlv_d,
		 (v ? HP_GPA_HOLE : HP_GVA_GHOLE) + 0x40,
		 HP_HS(EXC_LOAD_GUEST_PAGE_FAULT), HP_PRINT_VALUE);
}

/* Right after hp_acc_dirty, one trap of each kind for which htinst has no
 * transformed instruction, from the same mode: ecall (not from HS, where
 * it is an SBI call), illegal instruction, breakpoint, and the access
 * fault above. Each must leave htinst and htval 0 and, but for the access
 * fault from V=1, GVA 0 ("Trap Entry"; "Hypervisor Status Register":
 * GVA; htinst's table), whoever delivers it: the hart itself (a trap L0
 * delegates) or L0. */
static void hp_acc_after(enum hp_mode m, unsigned long nothing)
{
	static const unsigned long ecall_cause[] = {
		[HP_MODE_HU] = EXC_ECALL_U,
		[HP_MODE_VS] = EXC_ECALL_VS,
		[HP_MODE_VU] = EXC_ECALL_U,
	};
	const struct {
		const char *name;
		hp_body_fn body;
		unsigned long arg;
		struct hp_expect e;
	} after[] = {
		{"ecall", hp_b_ecall, 0, HP_HS(ecall_cause[m])},
		{"illegal", hp_b_illegal, 0, HP_HS(EXC_ILLEGAL_INST)},
		{"ebreak", hp_b_ebreak, 0, HP_HS(EXC_BREAKPOINT)},
		{"access", hp_b_ld, nothing + 0x40, LAF},
	};

	for (unsigned i = 0; i < sizeof(after) / sizeof(after[0]); i++) {
		struct hp_env env = hp_env_default;
		char id[80];

		if (m == HP_MODE_HS && after[i].body == hp_b_ecall)
			continue;
		hp_acc_dirty(m, after[i].name);
		env.mode = m;
		env.hstatus = HSTATUS_SPVP | (m == HP_MODE_HU ? HSTATUS_HU : 0);
		env.vsatp = m == HP_MODE_VS || m == HP_MODE_VU ? HP_VSATP_BARE
							       : HP_VSATP_SUPER;
		env.hgatp = HP_HGATP_SV39X4;
		snprintf(id, sizeof(id), "acc.%s_after_fault.%s", after[i].name,
			 hp_acc_mode_names[m]);
		hp_probe(id, &env, after[i].body, after[i].arg, after[i].e,
			 HP_PRINT_VALUE);
	}
}

void hp_group_acc(void)
{
	static const struct {
		const char *at;
		enum hp_mode mode;
		unsigned long addr;
	} runs[] = {
		/* V=0: L1's own accesses (on L0, an L1 access to no
		 * memory, which L0 turns into the access fault) */
		{"nothing", HP_MODE_HS, HP_PA_NOTHING},
		{"nothing", HP_MODE_HU, HP_PA_NOTHING},
		/* V=1 behind a G-stage leaf onto no memory (on L0, a
		 * shadow fill that finds no L1 RAM behind L1's G-stage) */
		{"gleaf_nothing", HP_MODE_VS, HP_GPA_TO_NOTHING},
		{"gleaf_nothing", HP_MODE_VU, HP_GPA_TO_NOTHING},
	};

	for (unsigned r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
		struct hp_env env = hp_env_default;

		env.mode = runs[r].mode;
		env.vsatp = HP_VSATP_BARE;
		env.hgatp = HP_HGATP_SV39X4;
		for (unsigned i = 0;
		     i < sizeof(hp_acc_bodies) / sizeof(hp_acc_bodies[0]);
		     i++) {
			const struct hp_acc_body *b = &hp_acc_bodies[i];
			char id[80];

			snprintf(id, sizeof(id), "acc.%s.%s.%s", runs[r].at,
				 b->name, hp_acc_mode_names[runs[r].mode]);
			/* distinct offsets per body: stval names it */
			hp_probe(id, &env, b->body, runs[r].addr + 8 * i, b->e,
				 HP_PRINT_VALUE);
		}
		hp_acc_after(runs[r].mode, runs[r].addr);
	}
}
