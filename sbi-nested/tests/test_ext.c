/* SPDX-License-Identifier: BSD-2-Clause */
/* TIME, IPI, RFENCE, HSM, SRST and the rvnest extension. */
#include "mock.h"
#include "unit.h"

static struct sbi_nested_result call(struct mock_fx *f, unsigned long eid,
				     unsigned long fid, unsigned long a0,
				     unsigned long a1, unsigned long a2,
				     unsigned long a3, unsigned long a4)
{
	return mock_call(&f->sn, eid, fid, a0, a1, a2, a3, a4);
}

/* ---- TIME, IPI ----------------------------------------------------------- */
TEST(time_set_timer)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r =
		call(f, SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0UL, 0, 0, 0, 0);

	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 0);
	CHECK_EQ(f->m.timer_calls, 1);
	CHECK_EQ(f->m.timer_value, ~0UL);
	CHECK_EQ(call(f, SBI_EXT_TIME, 1, 0, 0, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(f->m.timer_calls, 1);
}

TEST(ipi_unknown_fid)
{
	struct mock_fx *f = mock_setup();

	CHECK_EQ(call(f, SBI_EXT_IPI, 1, 1, 0, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(f->m.ipi_calls, 0);
}

/* ---- RFENCE -------------------------------------------------------------- */
TEST(rfence_every_fid_kind_and_id)
{
	static const struct {
		unsigned long fid;
		enum sbi_nested_fence_kind kind;
		bool takes_id;
	} fids[] = {
		{SBI_RFENCE_REMOTE_SFENCE_VMA, SBI_NESTED_FENCE_SFENCE_VMA,
		 false},
		{SBI_RFENCE_REMOTE_SFENCE_VMA_ASID,
		 SBI_NESTED_FENCE_SFENCE_VMA_ASID, true},
		{SBI_RFENCE_REMOTE_HFENCE_GVMA_VMID,
		 SBI_NESTED_FENCE_HFENCE_GVMA_VMID, true},
		{SBI_RFENCE_REMOTE_HFENCE_GVMA, SBI_NESTED_FENCE_HFENCE_GVMA,
		 false},
		{SBI_RFENCE_REMOTE_HFENCE_VVMA_ASID,
		 SBI_NESTED_FENCE_HFENCE_VVMA_ASID, true},
		{SBI_RFENCE_REMOTE_HFENCE_VVMA, SBI_NESTED_FENCE_HFENCE_VVMA,
		 false},
	};

	for (size_t i = 0; i < sizeof(fids) / sizeof(fids[0]); i++) {
		struct mock_fx *f = mock_setup();
		struct sbi_nested_result r =
			call(f, SBI_EXT_RFENCE, fids[i].fid, 0x5, 0, 0x1000,
			     0x3000, 42);
		CHECK_EQ(r.error, SBI_SUCCESS);
		CHECK_EQ(f->m.fence_calls, 2);
		CHECK_EQ(f->m.fences[0].hartid, 0);
		CHECK_EQ(f->m.fences[1].hartid, 2);
		CHECK_EQ(f->m.fences[0].f.kind, fids[i].kind);
		CHECK(!f->m.fences[0].f.all);
		CHECK_EQ(f->m.fences[0].f.start, 0x1000);
		CHECK_EQ(f->m.fences[0].f.size, 0x3000);
		CHECK_EQ(f->m.fences[0].f.id, fids[i].takes_id ? 42 : 0);
		CHECK_EQ(f->m.fences[0].f.source_hartid, 0);
	}
}

TEST(rfence_fence_i_ignores_range)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r =
		call(f, SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I, 0, ~0UL,
		     ~0UL - 4, 100, 9);

	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(f->m.fence_calls, MOCK_NHARTS);
	CHECK_EQ(f->m.fences[0].f.kind, SBI_NESTED_FENCE_I);
	CHECK(f->m.fences[0].f.all);
	CHECK_EQ(f->m.fences[0].f.id, 0);
}

TEST(rfence_full_flush_encodings)
{
	struct mock_fx *f = mock_setup();

	/* start = size = 0, and size = 2^XLEN-1 with any start */
	CHECK_EQ(call(f, SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 1, 0, 0,
		      0, 0)
			 .error,
		 SBI_SUCCESS);
	CHECK_EQ(call(f, SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 1, 0,
		      0x1234000, ~0UL, 0)
			 .error,
		 SBI_SUCCESS);
	CHECK_EQ(f->m.fence_calls, 2);
	CHECK(f->m.fences[0].f.all);
	CHECK(f->m.fences[1].f.all);
	CHECK_EQ(f->m.fences[1].f.start, 0);
	/* size 0 with a non-zero start is an (empty) range, not "all" */
	CHECK_EQ(call(f, SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 1, 0,
		      0x1000, 0, 0)
			 .error,
		 SBI_SUCCESS);
	CHECK(!f->m.fences[2].f.all);
	/* a range reaching exactly the top is valid */
	CHECK_EQ(call(f, SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 1, 0,
		      ~0UL - 0xfff, 0x1000, 0)
			 .error,
		 SBI_SUCCESS);
}

TEST(rfence_errors)
{
	struct mock_fx *f = mock_setup();

	/* wrapping range */
	CHECK_EQ(call(f, SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 1, 0,
		      ~0UL - 0xfff, 0x1001, 0)
			 .error,
		 SBI_ERR_INVALID_ADDRESS);
	/* invalid hart */
	CHECK_EQ(call(f, SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 1,
		      MOCK_NHARTS, 0, 0, 0)
			 .error,
		 SBI_ERR_INVALID_PARAM);
	/* unknown FID */
	CHECK_EQ(call(f, SBI_EXT_RFENCE, 7, 1, 0, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(f->m.fence_calls, 0);
	/* L0 failed to fence */
	f->m.fence_fail_hart = 0;
	CHECK_EQ(call(f, SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I, 1, 0, 0, 0,
		      0)
			 .error,
		 SBI_ERR_FAILED);
}

TEST(rfence_hfence_needs_guest_h)
{
	struct mock_fx *f = mock_setup();

	f->cfg.guest_has_h = false;
	for (unsigned long fid = SBI_RFENCE_REMOTE_HFENCE_GVMA_VMID;
	     fid <= SBI_RFENCE_REMOTE_HFENCE_VVMA; fid++)
		CHECK_EQ(call(f, SBI_EXT_RFENCE, fid, 1, 0, 0, 0, 0).error,
			 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(f->m.fence_calls, 0);
	/* the S-level fences still work */
	CHECK_EQ(call(f, SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 1, 0, 0,
		      0, 0)
			 .error,
		 SBI_SUCCESS);
}

/* ---- HSM ------------------------------------------------------------------
 */
TEST(hsm_get_status)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	r = call(f, SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 0, 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, SBI_HSM_STATE_STARTED);
	r = call(f, SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 1, 0, 0, 0, 0);
	CHECK_EQ(r.value, SBI_HSM_STATE_STOPPED);
	f->m.state[2] = SBI_NESTED_HART_SUSPENDED;
	r = call(f, SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 2, 0, 0, 0, 0);
	CHECK_EQ(r.value, SBI_HSM_STATE_SUSPENDED);
	r = call(f, SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, MOCK_NHARTS, 0, 0, 0,
		 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	r = call(f, SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, ~0UL, 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
}

TEST(hsm_start_success)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r =
		call(f, SBI_EXT_HSM, SBI_HSM_HART_START, 3,
		     MOCK_MEM_BASE + 0x100, 0xabcdef, 0, 0);

	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.action, SBI_NESTED_CONTINUE);
	CHECK_EQ(f->m.start_calls, 1);
	CHECK_EQ(f->m.start_hart, 3);
	CHECK_EQ(f->m.start_addr, MOCK_MEM_BASE + 0x100);
	CHECK_EQ(f->m.start_opaque, 0xabcdef);
	/* now START_PENDING: a second start is refused */
	r = call(f, SBI_EXT_HSM, SBI_HSM_HART_START, 3, MOCK_MEM_BASE, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_ALREADY_AVAILABLE);
	CHECK_EQ(f->m.start_calls, 1);
}

TEST(hsm_start_errors)
{
	struct mock_fx *f = mock_setup();

	/* the caller itself is STARTED, whatever the address */
	CHECK_EQ(call(f, SBI_EXT_HSM, SBI_HSM_HART_START, 0, MOCK_MEM_BASE, 0,
		      0, 0)
			 .error,
		 SBI_ERR_ALREADY_AVAILABLE);
	CHECK_EQ(call(f, SBI_EXT_HSM, SBI_HSM_HART_START, 0, 0, 0, 0, 0).error,
		 SBI_ERR_ALREADY_AVAILABLE);
	/* no such hart */
	CHECK_EQ(call(f, SBI_EXT_HSM, SBI_HSM_HART_START, MOCK_NHARTS,
		      MOCK_MEM_BASE, 0, 0, 0)
			 .error,
		 SBI_ERR_INVALID_PARAM);
	/* start address outside L1 memory, or not executable */
	CHECK_EQ(call(f, SBI_EXT_HSM, SBI_HSM_HART_START, 1,
		      MOCK_MEM_BASE + MOCK_MEM_SIZE, 0, 0, 0)
			 .error,
		 SBI_ERR_INVALID_ADDRESS);
	CHECK_EQ(call(f, SBI_EXT_HSM, SBI_HSM_HART_START, 1, 0, 0, 0, 0).error,
		 SBI_ERR_INVALID_ADDRESS);
	f->m.mem_noexec = true;
	CHECK_EQ(call(f, SBI_EXT_HSM, SBI_HSM_HART_START, 1, MOCK_MEM_BASE, 0,
		      0, 0)
			 .error,
		 SBI_ERR_INVALID_ADDRESS);
	CHECK_EQ(f->m.start_calls, 0);
}

TEST(hsm_start_l0_outcomes)
{
	struct mock_fx *f = mock_setup();

	/* raced with another start: the hart is already available */
	f->m.start_result = SBI_NESTED_BAD_STATE;
	CHECK_EQ(call(f, SBI_EXT_HSM, SBI_HSM_HART_START, 1, MOCK_MEM_BASE, 0,
		      0, 0)
			 .error,
		 SBI_ERR_ALREADY_AVAILABLE);
	f->m.start_result = SBI_NESTED_IO_ERROR;
	CHECK_EQ(call(f, SBI_EXT_HSM, SBI_HSM_HART_START, 1, MOCK_MEM_BASE, 0,
		      0, 0)
			 .error,
		 SBI_ERR_FAILED);
	CHECK_EQ(f->m.start_calls, 2);
}

TEST(hsm_stop)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r =
		call(f, SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0, 0, 0);

	CHECK_EQ(r.action, SBI_NESTED_HART_STOP);
	CHECK_EQ(r.error, SBI_SUCCESS);
}

TEST(hsm_suspend_default_types)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	r = call(f, SBI_EXT_HSM, SBI_HSM_HART_SUSPEND,
		 SBI_HSM_SUSPEND_RET_DEFAULT, 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.action, SBI_NESTED_HART_SUSPEND);
	CHECK(r.suspend_retentive);
	CHECK_EQ(r.suspend_type, SBI_HSM_SUSPEND_RET_DEFAULT);

	r = call(f, SBI_EXT_HSM, SBI_HSM_HART_SUSPEND,
		 SBI_HSM_SUSPEND_NON_RET_DEFAULT, MOCK_MEM_BASE + 0x40, 77, 0,
		 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.action, SBI_NESTED_HART_SUSPEND);
	CHECK(!r.suspend_retentive);
	CHECK_EQ(r.suspend_type, SBI_HSM_SUSPEND_NON_RET_DEFAULT);
	CHECK_EQ(r.resume_addr, MOCK_MEM_BASE + 0x40);
	CHECK_EQ(r.opaque, 77);

	/* a uint32_t parameter sign-extended by the caller's ABI */
	r = call(f, SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, 0xffffffff80000000UL,
		 MOCK_MEM_BASE, 0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK(!r.suspend_retentive);
}

TEST(hsm_suspend_errors)
{
	struct mock_fx *f = mock_setup();
	/* reserved, and platform-specific (unimplemented by L0) */
	unsigned long bad[] = {0x1,	   0x0fffffff, 0x10000000, 0x7fffffff,
			       0x80000001, 0x8fffffff, 0x90000000, 0xffffffff};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sbi_nested_result r =
			call(f, SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, bad[i],
			     MOCK_MEM_BASE, 0, 0, 0);
		CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
		CHECK_EQ(r.action, SBI_NESTED_CONTINUE);
	}
	struct sbi_nested_result r =
		call(f, SBI_EXT_HSM, SBI_HSM_HART_SUSPEND,
		     SBI_HSM_SUSPEND_NON_RET_DEFAULT, 0x1000, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_ADDRESS);
	CHECK_EQ(r.action, SBI_NESTED_CONTINUE);
	CHECK_EQ(call(f, SBI_EXT_HSM, 4, 0, 0, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
}

/* ---- SRST -----------------------------------------------------------------
 */
TEST(srst_valid_types_and_reasons)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	r = call(f, SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
		 SBI_SRST_REASON_NONE, 0, 0, 0);
	CHECK_EQ(r.action, SBI_NESTED_SHUTDOWN);
	CHECK_EQ(r.exit_status, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	r = call(f, SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
		 SBI_SRST_REASON_SYSFAIL, 0, 0, 0);
	CHECK_EQ(r.action, SBI_NESTED_SHUTDOWN);
	CHECK_EQ(r.exit_status, 1);
	CHECK_EQ(r.reset_reason, SBI_SRST_REASON_SYSFAIL);
	r = call(f, SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET,
		 SBI_SRST_TYPE_COLD_REBOOT, SBI_SRST_REASON_NONE, 0, 0, 0);
	CHECK_EQ(r.action, SBI_NESTED_RESET);
	CHECK_EQ(r.reset_type, SBI_SRST_TYPE_COLD_REBOOT);
	r = call(f, SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET,
		 SBI_SRST_TYPE_WARM_REBOOT, SBI_SRST_REASON_SYSFAIL, 0, 0, 0);
	CHECK_EQ(r.action, SBI_NESTED_RESET);
	CHECK_EQ(r.reset_type, SBI_SRST_TYPE_WARM_REBOOT);
}

TEST(srst_invalid_params)
{
	struct mock_fx *f = mock_setup();
	unsigned long bad_types[] = {3, 0xefffffff, 0xf0000000, 0xffffffff};
	unsigned long bad_reasons[] = {2, 0xdfffffff, 0xe0000000, 0xf0000000,
				       0xffffffff};

	for (size_t i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
		struct sbi_nested_result r =
			call(f, SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET,
			     bad_types[i], SBI_SRST_REASON_NONE, 0, 0, 0);
		CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
		CHECK_EQ(r.action, SBI_NESTED_CONTINUE);
	}
	for (size_t i = 0; i < sizeof(bad_reasons) / sizeof(bad_reasons[0]);
	     i++) {
		struct sbi_nested_result r =
			call(f, SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET,
			     SBI_SRST_TYPE_SHUTDOWN, bad_reasons[i], 0, 0, 0);
		CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
		CHECK_EQ(r.action, SBI_NESTED_CONTINUE);
	}
	CHECK_EQ(call(f, SBI_EXT_SRST, 1, 0, 0, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
}

TEST(srst_only_low_32_bits_count)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r =
		call(f, SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 0x100000001UL,
		     0x100000000UL, 0, 0, 0);

	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.action, SBI_NESTED_RESET);
	CHECK_EQ(r.reset_type, SBI_SRST_TYPE_COLD_REBOOT);
	CHECK_EQ(r.exit_status, 0);
}

/* ---- rvnest ----------------------------------------------------------------
 */
TEST(rvnest_nop_and_bench)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	r = call(f, SBI_EXT_RVNEST, SBI_RVNEST_NOP, 0, 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(f->m.bench_calls, 0);
	r = call(f, SBI_EXT_RVNEST, SBI_RVNEST_BENCH_BEGIN, 3, 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(f->m.bench_calls, 1);
	CHECK_EQ(f->m.bench_id, 3);
	CHECK_EQ(f->m.bench_phase, SBI_NESTED_BENCH_BEGIN);
	r = call(f, SBI_EXT_RVNEST, SBI_RVNEST_BENCH_END, 3, 1000, 5000, 6000,
		 70);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(f->m.bench_calls, 2);
	CHECK_EQ(f->m.bench_phase, SBI_NESTED_BENCH_END);
	CHECK_EQ(f->m.bench_args[1], 1000);
	CHECK_EQ(f->m.bench_args[2], 5000);
	CHECK_EQ(f->m.bench_args[3], 6000);
	CHECK_EQ(f->m.bench_args[4], 70);
	CHECK_EQ(call(f, SBI_EXT_RVNEST, 4, 0, 0, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(f->m.bench_calls, 2);
}

TEST(rvnest_depth)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	/* the embedder did not give a depth: the FID is absent */
	r = call(f, SBI_EXT_RVNEST, SBI_RVNEST_DEPTH, 0, 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	f->cfg.depth = 1;
	r = call(f, SBI_EXT_RVNEST, SBI_RVNEST_DEPTH, 0, 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 1);
	f->cfg.depth = 3;
	r = call(f, SBI_EXT_RVNEST, SBI_RVNEST_DEPTH, 7, 7, 7, 7, 7);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 3);
	CHECK_EQ(f->m.bench_calls, 0);
}
