/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A mock of the services L0 gives sbi-nested: guest memory is one buffer at
 * MOCK_MEM_BASE, the console is two buffers, and every call is recorded so
 * a test can check what the dispatcher asked L0 to do.
 */
#ifndef SBI_NESTED_MOCK_H
#define SBI_NESTED_MOCK_H

#include <sbi_nested.h>

#define MOCK_MEM_BASE 0x80000000UL
/* room for a NACL shared memory (12 KiB) and a page either side */
#define MOCK_MEM_SIZE 0x5000UL
#define MOCK_NHARTS 4
#define MOCK_MAX_CALLS 128
#define MOCK_NCSR 0x1000
#define MOCK_DBTR_HW 4 /* triggers per hart below (trig_max) */

struct mock_fence_call {
	unsigned long hartid;
	struct sbi_nested_fence f;
};

struct mock {
	unsigned char mem[MOCK_MEM_SIZE];
	/* when set, EXEC checks fail (memory is data-only) */
	bool mem_noexec;

	char out[4096];
	size_t out_len;
	int console_writes;
	bool console_fail;
	const char *in; /* console input, consumed by getc */

	int timer_calls;
	unsigned long timer_hart, timer_value;

	unsigned long ipi_harts[MOCK_MAX_CALLS];
	int ipi_calls;
	long ipi_fail_hart; /* -1: never fail */
	bool ipi_pending;
	int clear_ipi_calls;

	struct mock_fence_call fences[MOCK_MAX_CALLS];
	int fence_calls;
	long fence_fail_hart; /* -1: never fail */

	enum sbi_nested_hart_state state[MOCK_NHARTS];
	int start_calls;
	unsigned long start_hart, start_addr, start_opaque;
	enum sbi_nested_status start_result;

	/* guest-virtual memory: one ulong at virt_addr */
	unsigned long virt_addr, virt_value;
	enum sbi_nested_status virt_miss; /* returned for other addresses */
	int virt_calls;

	int bench_calls;
	unsigned long bench_id;
	enum sbi_nested_bench_phase bench_phase;
	unsigned long bench_args[5];

	int guest_read_calls, guest_write_calls;
	/* invariant violations the fuzz test looks for: a copy outside
	 * memory, a service called for a hart that does not exist */
	int copies_outside, bad_hart_calls;
	/* fail the n-th guest_read/guest_write (1-based), 0 = never */
	int guest_read_fail_at, guest_write_fail_at;

	/* NACL: the caller's virtual H-extension CSRs by number. A CSR
	 * exists when hcsr_exists[]; a write keeps the bits of
	 * hcsr_wmask[] (WARL) and logs the CSR number in order. */
	unsigned long hcsr[MOCK_NCSR];
	unsigned long hcsr_wmask[MOCK_NCSR];
	bool hcsr_exists[MOCK_NCSR];
	unsigned hcsr_log[MOCK_MAX_CALLS];
	int hcsr_writes;
	int hcsr_reads;
	int hcsr_write_fail_at; /* fail the n-th write (1-based), 0 = never */
	struct sbi_nested_hfence hfences[MOCK_MAX_CALLS];
	int hfence_calls;
	bool hfence_fail;
	int sret_calls;
	unsigned long sret_gpr[32];
	unsigned long sret_hstatus; /* virtual hstatus when SRET was asked */
	int hcsr_writes_at_sret;
	int hfence_calls_at_sret;
	bool sret_fail;
	struct sbi_nested_nacl_hart nacl[MOCK_NHARTS];
	int map_calls;
	bool map_refuse; /* guest_map answers NULL (not contiguous) */

	/* FWFT: the features the mock host supports (bit f), each hart's
	 * values; PMLEN takes 0, 7 and 16 (rounded up, as Ssnpm's PMM) */
	unsigned long fwft_supported;
	unsigned long fwft_value[MOCK_NHARTS][SBI_FWFT_COUNT];
	int fwft_set_calls;
	bool fwft_get_fail;
	/* not OK: what every fwft_set answers */
	enum sbi_nested_status fwft_set_status;
	struct sbi_nested_fwft_hart fwft[MOCK_NHARTS];

	/* PMU: the hardware counters below (MOCK_PMU_HW of them; index 1 is
	 * invalid, as the time CSR is for OpenSBI), every call recorded */
	int pmu_hw_calls;
	unsigned long pmu_hw_fid, pmu_hw_args[5];
	unsigned long pmu_hw_masks[MOCK_MAX_CALLS]; /* a1 of each call */
	long pmu_hw_error; /* what the calls answer (0: success) */
	bool pmu_hw_read_fail;
	unsigned long pmu_hw_ovf; /* pmu_hw_overflow's answer */
	struct sbi_nested_pmu_hart pmu[MOCK_NHARTS];

	/* DBTR: MOCK_DBTR_HW hardware triggers per hart below; hw_used[h]
	 * bit i: trigger i of hart h programmed, hw_tdata its
	 * configuration. A tdata1 with dbtr_unsupported bits is refused
	 * (UNSUPPORTED); dbtr_fail_at fails the n-th install/update
	 * (1-based) with IO_ERROR, 0 = never. */
	unsigned long hw_used[MOCK_NHARTS];
	unsigned long hw_tdata[MOCK_NHARTS][MOCK_DBTR_HW][3];
	unsigned long dbtr_unsupported;
	int dbtr_calls, dbtr_fail_at, dbtr_uninstalls;
	struct sbi_nested_dbtr_hart dbtr[MOCK_NHARTS];
};

#define MOCK_PMU_HW 4
/* pmu_hw_read: counter idx holds this */
#define MOCK_PMU_HW_VALUE(idx) (1000UL + (idx))

/* Everything one test needs, reset by mock_setup(). */
struct mock_fx {
	struct mock m;
	struct sbi_nested sn;
	struct sbi_nested_config cfg;
	struct sbi_nested_ops ops;
};

struct mock_fx *mock_setup(void);

/* A guest_map service over the mock's memory (not in the default ops:
 * tests that want L0's direct mapping plug it in). */
void *mock_guest_map(void *ctx, unsigned long gpa, unsigned long len);

/* Reset `m` and build an sbi_nested with every op and extension enabled. */
void mock_init(struct mock *m, struct sbi_nested *sn,
	       struct sbi_nested_config *cfg, struct sbi_nested_ops *ops);

/* The same call from hart `hartid`. */
struct sbi_nested_result mock_call_on(const struct sbi_nested *sn,
				      unsigned long hartid, unsigned long eid,
				      unsigned long fid, unsigned long a0,
				      unsigned long a1, unsigned long a2);

/* One SBI call from hart 0 (args beyond those given are 0). */
struct sbi_nested_result mock_call(const struct sbi_nested *sn,
				   unsigned long eid, unsigned long fid,
				   unsigned long a0, unsigned long a1,
				   unsigned long a2, unsigned long a3,
				   unsigned long a4);

#endif
