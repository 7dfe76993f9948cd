/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SBI below L0, for host builds of the files of l0-hyp/ that call it
 * (nacl_client.c, sbi_pmu.c): <rvnest/sbi.h> has the ECALL on RISC-V
 * only, so those two objects are compiled with `-include` of this header
 * (l0-hyp/module.mk), which declares sbi_ecall as a function that
 * tests/model_sbi.c implements: a NACL and a PMU as the SBI spec v2.0
 * describes them, each call recorded, any function made to fail.
 *
 * L0's ways of not returning (panic after an SBI failure, the SRET into
 * its guest, SYNC_SRET's success) come back to the test through
 * model_sbi_run, with what L0 printed meanwhile.
 */
#ifndef L0_MODEL_SBI_H
#define L0_MODEL_SBI_H

#include <rvnest/sbi.h>
#include <stdbool.h>

struct sbiret sbi_ecall(unsigned long ext, unsigned long fid,
			unsigned long arg0, unsigned long arg1,
			unsigned long arg2, unsigned long arg3,
			unsigned long arg4, unsigned long arg5);
#define sbi_call0(e, f) sbi_ecall((e), (f), 0, 0, 0, 0, 0, 0)
#define sbi_call1(e, f, a) sbi_ecall((e), (f), (a), 0, 0, 0, 0, 0)

/* the rest is for the tests, not for the code under test */
#ifdef L0_MODEL_SBI_TESTS

struct l0_vcpu;

/* How the code the test ran ended. */
enum model_sbi_exit {
	MODEL_SBI_RETURNED,	  /* it returned */
	MODEL_SBI_PANIC,	  /* panic (after an SBI call failed) */
	MODEL_SBI_GUEST_ENTER,	  /* l0_guest_enter: the real SRET */
	MODEL_SBI_SYNC_SRET_DONE, /* SYNC_SRET succeeded: into the guest */
};

/* One nested HFENCE entry as SYNC_HFENCE found it pending (SBI spec
 * "Nested HFENCE entry": Config, Page_Number, the reserved word,
 * Page_Count) and its index. */
struct model_sbi_hfence {
	unsigned long config, pnum, rsvd, pcount;
	unsigned idx;
};

#define MODEL_SBI_HFENCE_LOG 256
#define MODEL_SBI_OUT 1024
#define MODEL_SBI_SEQ 16
#define MODEL_SBI_SEQ_PMU 100 /* in seq: a PMU call */

struct model_sbi {
	/* configuration (model_sbi_reset: everything off) */
	bool nacl;			     /* the NACL extension is there */
	bool nacl_feat[SBI_NACL_FEAT_COUNT]; /* PROBE_FEATURE's answers */
	bool pmu;			     /* the PMU extension is there */
	unsigned long pmu_counters;	     /* NUM_COUNTERS */
	unsigned long pmu_hw;		     /* the first pmu_hw are hardware */
	unsigned long pmu_cfg_counter;	     /* CFG_MATCHING's answer */
	/* a nonzero error for (extension, function) instead of its effect */
	unsigned long fail_ext, fail_fid;
	long fail_error;

	/* what was called */
	unsigned long calls; /* every sbi_ecall */
	unsigned long nacl_calls[SBI_NACL_SYNC_SRET + 1];
	/* the order of the calls: a NACL FID, or MODEL_SBI_SEQ_PMU */
	unsigned long seq[MODEL_SBI_SEQ];
	unsigned seqn;
	unsigned long pmu_calls[SBI_PMU_COUNTER_FW_READ_HI + 1];
	unsigned long last_args[SBI_PMU_COUNTER_FW_READ_HI + 1][5];
	unsigned long *shmem;	  /* SET_SHMEM's address */
	unsigned long csr_synced; /* CSRs SYNC_CSR / SYNC_SRET applied */
	struct model_sbi_hfence hfence[MODEL_SBI_HFENCE_LOG];
	unsigned hfences;	    /* processed entries, in the log */
	unsigned long sret_gpr[32]; /* SYNC_SRET's GPRs (x1..x31) */
	unsigned long sret_hstatus; /* hstatus it swapped in, else ~0 */
	/* model_sbi_run's report */
	enum model_sbi_exit exit;
	struct l0_vcpu *entered; /* l0_guest_enter's vCPU */
	char out[MODEL_SBI_OUT]; /* what L0 printed (stdout), truncated */
};
extern struct model_sbi model_sbi;

/* Forget every call, configuration and the log. */
void model_sbi_reset(void);

/* Run fn(arg) as L0 would, with L0's stdout captured into model_sbi.out:
 * how it ended. */
enum model_sbi_exit model_sbi_run(void (*fn)(void *), void *arg);

#endif /* L0_MODEL_SBI_TESTS */
#endif /* L0_MODEL_SBI_H */
