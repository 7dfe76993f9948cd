/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Random SBI calls against the invariants that hold whatever L1 passes:
 * no copy ever touches memory outside L1's, no L0 service is ever asked
 * about a hart that does not exist, every error is one the spec defines, and
 * only the calls that may stop or reset the caller ask L0 to.
 */
#include "mock.h"
#include "unit.h"

#include <stdint.h>

#define FUZZ_CALLS 200000

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: deterministic, so a failure reproduces */
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static const unsigned long fuzz_eids[] = {
	SBI_EXT_LEGACY_SET_TIMER,
	SBI_EXT_LEGACY_CONSOLE_PUTCHAR,
	SBI_EXT_LEGACY_CONSOLE_GETCHAR,
	SBI_EXT_LEGACY_CLEAR_IPI,
	SBI_EXT_LEGACY_SEND_IPI,
	SBI_EXT_LEGACY_REMOTE_FENCE_I,
	SBI_EXT_LEGACY_REMOTE_SFENCE_VMA,
	SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID,
	SBI_EXT_BASE,
	SBI_EXT_TIME,
	SBI_EXT_IPI,
	SBI_EXT_RFENCE,
	SBI_EXT_HSM,
	SBI_EXT_DBCN,
	SBI_EXT_RVNEST,
	SBI_EXT_NACL,
	SBI_EXT_FWFT,
	SBI_EXT_PMU,
	SBI_EXT_DBTR,
};

/* Argument values that sit on the edges the code distinguishes. */
static unsigned long fuzz_arg(void)
{
	static const unsigned long edges[] = {
		0,
		1,
		2,
		3,
		MOCK_NHARTS - 1,
		MOCK_NHARTS,
		~0UL,
		~0UL - 1,
		1UL << 63,
		0xffffffffUL,
		0x80000000UL,
		MOCK_MEM_BASE,
		MOCK_MEM_BASE - 1,
		MOCK_MEM_BASE + 1,
		MOCK_MEM_BASE + MOCK_MEM_SIZE - 1,
		MOCK_MEM_BASE + MOCK_MEM_SIZE,
		MOCK_MEM_SIZE,
		MOCK_MEM_SIZE + 1,
	};
	uint64_t r = rng();

	switch (r & 3) {
	case 0:
		return edges[(r >> 2) % (sizeof(edges) / sizeof(edges[0]))];
	case 1:
		return (unsigned long)(r >> 8) % 16; /* small counts, harts */
	case 2: /* somewhere in guest memory */
		return MOCK_MEM_BASE + (unsigned long)(r >> 8) % MOCK_MEM_SIZE;
	default:
		return (unsigned long)rng();
	}
}

static bool error_is_defined(long e)
{
	return e <= SBI_SUCCESS && e >= SBI_ERR_IO;
}

TEST(fuzz_invariants)
{
	struct mock_fx *f = mock_setup();
	unsigned long stops = 0;

	/* FWFT with every feature the mock host can have */
	f->m.fwft_supported = (1UL << SBI_FWFT_COUNT) - 1;

	for (long n = 0; n < FUZZ_CALLS; n++) {
		struct sbi_nested_request req = {
			.eid = fuzz_eids[rng() % (sizeof(fuzz_eids) /
						  sizeof(fuzz_eids[0]))],
			.fid = rng() % 8,
			.hartid = rng() % MOCK_NHARTS,
		};
		struct sbi_nested_result res;

		for (int i = 0; i < 6; i++)
			req.args[i] = fuzz_arg();
		/* keep the console buffers from filling up */
		f->m.out_len = 0;
		f->m.in = (rng() & 1) ? "xy" : NULL;
		f->m.virt_addr = fuzz_arg();
		f->m.virt_value = fuzz_arg();
		sbi_nested_dispatch(&f->sn, &req, &res);

		if (req.eid == SBI_EXT_LEGACY_CONSOLE_GETCHAR)
			CHECK(res.error >= -1 && res.error <= 0xff);
		else if (req.eid == SBI_EXT_LEGACY_CLEAR_IPI)
			CHECK(res.error == 0 || res.error == 1);
		else
			CHECK(error_is_defined(res.error));
		CHECK_EQ(res.legacy_a0_only,
			 req.eid <= SBI_EXT_LEGACY_SHUTDOWN);
		if (res.action != SBI_NESTED_CONTINUE) {
			stops++;
			CHECK(req.eid == SBI_EXT_HSM);
			CHECK(res.error == SBI_SUCCESS);
		}
		if (f->m.copies_outside || f->m.bad_hart_calls) {
			CHECK_EQ(f->m.copies_outside, 0);
			CHECK_EQ(f->m.bad_hart_calls, 0);
			printf("  after call %ld: eid 0x%lx fid %lu\n", n,
			       req.eid, req.fid);
			return;
		}
	}
	/* the run did reach the calls that stop a hart */
	CHECK(stops > 0);
	CHECK(f->m.guest_read_calls > 0);
	CHECK(f->m.guest_write_calls > 0);
}
