/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Group "dbtr": a debug trigger a hypervisor installs through SBI DBTR
 * (SBI spec "Debug Triggers Extension") is its own, not its guest's. An
 * execute breakpoint (mcontrol) with s (u) set fires when HS-mode
 * (HU-mode) executes the watched instruction, and not when a guest runs
 * the same instruction in VS-mode (VU-mode): mcontrol's s and u match
 * only with V = 0 (Sdtrig "mcontrol": "type 2 ... cannot fire in VS/VU";
 * mcontrol6 has vs/vu for that). On L0 the guest is L1's L2, and L0 must
 * keep L1's triggers off while it runs (l0-hyp/sbi_dbtr.h).
 */
#include <stdio.h>
#include <rvnest/dbtr.h>
#include <rvnest/sbi.h>

#include "hprobe.h"

#define MAXTRIG 16
#define MC_EXEC(priv)                                                 \
	(((unsigned long)SDTRIG_TYPE_MCONTROL << SDTRIG_TYPE_SHIFT) | \
	 SDTRIG_EXECUTE | (priv))

static unsigned long shm[MAXTRIG][SBI_DBTR_ENTRY_WORDS]
	__attribute__((aligned(64)));

static struct sbiret dbtr(unsigned long fid, unsigned long a0, unsigned long a1)
{
	return sbi_ecall(SBI_EXT_DBTR, fid, a0, a1, 0, 0, 0, 0);
}

/* Install an execute trigger on the body's first instruction; its
 * trig_idx (word 0 of the entry, or of the next one as OpenSBI 1.5.1
 * writes it), or -1. */
static long install(unsigned long priv, hp_body_fn at)
{
	struct sbiret r;

	shm[0][SBI_DBTR_WORD_IDX] = ~0UL;
	shm[0][SBI_DBTR_WORD_TDATA1] = MC_EXEC(priv);
	shm[0][SBI_DBTR_WORD_TDATA2] = (unsigned long)at;
	shm[0][SBI_DBTR_WORD_TDATA3] = 0;
	shm[1][SBI_DBTR_WORD_IDX] = ~0UL;
	r = dbtr(SBI_DBTR_INSTALL_TRIGGERS, 1, 0);
	if (r.error)
		return -1;
	return (long)(shm[0][SBI_DBTR_WORD_IDX] != ~0UL
			      ? shm[0][SBI_DBTR_WORD_IDX]
			      : shm[1][SBI_DBTR_WORD_IDX]);
}

void hp_group_dbtr(void)
{
	static const struct {
		const char *name;
		unsigned long priv;
		enum hp_mode mode;
		struct hp_expect expect;
	} cases[] = {
		/* the hypervisor's own S and U: a breakpoint exception */
		{"s.hs", SDTRIG_S, HP_MODE_HS, HP_HS(EXC_BREAKPOINT)},
		{"u.hu", SDTRIG_U, HP_MODE_HU, HP_HS(EXC_BREAKPOINT)},
		/* its guest's VS and VU: nothing */
		{"s.vs", SDTRIG_S, HP_MODE_VS, HP_RET},
		{"u.vu", SDTRIG_U, HP_MODE_VU, HP_RET},
		{"su.vs", SDTRIG_S | SDTRIG_U, HP_MODE_VS, HP_RET},
	};
	struct sbiret r;

	r = sbi_ecall(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_DBTR, 0, 0, 0,
		      0, 0);
	if (r.error || !r.value ||
	    dbtr(SBI_DBTR_SET_SHMEM, (unsigned long)shm, 0).error) {
		printf("RVNEST probe id=dbtr skipped=no_sbi_dbtr\n");
		return;
	}
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hp_env env = hp_env_default;
		long t = install(cases[i].priv, hp_b_nop);
		char id[32];

		snprintf(id, sizeof(id), "dbtr.%s", cases[i].name);
		if (t < 0) {
			printf("RVNEST probe id=%s install=failed\n", id);
			hp_errors++;
			continue;
		}
		env.mode = cases[i].mode;
		hp_probe(id, &env, hp_b_nop, 0, cases[i].expect, 0);
		(void)dbtr(SBI_DBTR_UNINSTALL_TRIGGERS, (unsigned long)t, 1);
	}
	/* the trigger left no trace: the body runs through in HS-mode */
	hp_probe("dbtr.none.hs", NULL, hp_b_nop, 0, HP_RET, 0);
	(void)dbtr(SBI_DBTR_SET_SHMEM, ~0UL, ~0UL);
}
