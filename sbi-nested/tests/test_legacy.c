/* SPDX-License-Identifier: BSD-2-Clause */
/* Legacy v0.1 extensions: a0-only returns, pointer hart masks. */
#include "mock.h"
#include "unit.h"

#include <string.h>

static struct sbi_nested_result legacy(struct mock_fx *f, unsigned long eid,
				       unsigned long a0, unsigned long a1,
				       unsigned long a2, unsigned long a3)
{
	/* a6 (fid) is ignored by legacy calls: pass garbage */
	return mock_call(&f->sn, eid, 0x1234, a0, a1, a2, a3, 0);
}

TEST(legacy_set_timer)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r =
		legacy(f, SBI_EXT_LEGACY_SET_TIMER, 0x123456789UL, 0, 0, 0);

	CHECK_EQ(r.error, 0);
	CHECK(r.legacy_a0_only);
	CHECK_EQ(f->m.timer_calls, 1);
	CHECK_EQ(f->m.timer_value, 0x123456789UL);
	CHECK_EQ(f->m.timer_hart, 0);
}

TEST(legacy_putchar_and_failure)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r =
		legacy(f, SBI_EXT_LEGACY_CONSOLE_PUTCHAR, 'A', 0, 0, 0);

	CHECK_EQ(r.error, 0);
	CHECK(r.legacy_a0_only);
	CHECK_EQ(f->m.out_len, 1);
	CHECK_EQ(f->m.out[0], 'A');
	f->m.console_fail = true;
	r = legacy(f, SBI_EXT_LEGACY_CONSOLE_PUTCHAR, 'B', 0, 0, 0);
	CHECK(r.error < 0);
	CHECK(r.legacy_a0_only);
}

TEST(legacy_getchar_byte_or_minus_one)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	f->m.in = "\xffz";
	r = legacy(f, SBI_EXT_LEGACY_CONSOLE_GETCHAR, 0, 0, 0, 0);
	CHECK_EQ(r.error, 0xff); /* a byte, not a sign-extended -1 */
	CHECK(r.legacy_a0_only);
	r = legacy(f, SBI_EXT_LEGACY_CONSOLE_GETCHAR, 0, 0, 0, 0);
	CHECK_EQ(r.error, 'z');
	r = legacy(f, SBI_EXT_LEGACY_CONSOLE_GETCHAR, 0, 0, 0, 0);
	CHECK_EQ(r.error, -1);
}

TEST(legacy_clear_ipi_reports_pending)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	f->m.ipi_pending = true;
	r = legacy(f, SBI_EXT_LEGACY_CLEAR_IPI, 0, 0, 0, 0);
	CHECK(r.error > 0);
	CHECK(r.legacy_a0_only);
	r = legacy(f, SBI_EXT_LEGACY_CLEAR_IPI, 0, 0, 0, 0);
	CHECK_EQ(r.error, 0);
	CHECK_EQ(f->m.clear_ipi_calls, 2);
}

TEST(legacy_send_ipi_reads_mask_through_pointer)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	f->m.virt_addr = 0xffffffc000001000UL;
	f->m.virt_value = 0x6; /* harts 1 and 2 */
	r = legacy(f, SBI_EXT_LEGACY_SEND_IPI, f->m.virt_addr, 0, 0, 0);
	CHECK_EQ(r.error, 0);
	CHECK(r.legacy_a0_only);
	CHECK_EQ(f->m.virt_calls, 1);
	CHECK_EQ(f->m.ipi_calls, 2);
	CHECK_EQ(f->m.ipi_harts[0], 1);
	CHECK_EQ(f->m.ipi_harts[1], 2);
}

TEST(legacy_send_ipi_null_means_all)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r =
		legacy(f, SBI_EXT_LEGACY_SEND_IPI, 0, 0, 0, 0);

	CHECK_EQ(r.error, 0);
	CHECK_EQ(f->m.virt_calls, 0);
	CHECK_EQ(f->m.ipi_calls, MOCK_NHARTS);
}

TEST(legacy_send_ipi_bad_pointer_or_hart)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	f->m.virt_addr = 0x1000;
	r = legacy(f, SBI_EXT_LEGACY_SEND_IPI, 0x2000, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_ADDRESS);
	f->m.virt_miss = SBI_NESTED_OUTSIDE;
	r = legacy(f, SBI_EXT_LEGACY_SEND_IPI, 0x2000, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_ADDRESS);
	CHECK_EQ(f->m.ipi_calls, 0);
	f->m.virt_value = 1UL << MOCK_NHARTS;
	r = legacy(f, SBI_EXT_LEGACY_SEND_IPI, 0x1000, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	CHECK(r.legacy_a0_only);
	CHECK_EQ(f->m.ipi_calls, 0);
}

TEST(legacy_remote_fences)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	f->m.virt_addr = 0x1000;
	f->m.virt_value = 0x1;
	r = legacy(f, SBI_EXT_LEGACY_REMOTE_FENCE_I, 0x1000, 0, 0, 0);
	CHECK_EQ(r.error, 0);
	CHECK(r.legacy_a0_only);
	CHECK_EQ(f->m.fence_calls, 1);
	CHECK_EQ(f->m.fences[0].f.kind, SBI_NESTED_FENCE_I);
	CHECK(f->m.fences[0].f.all);

	r = legacy(f, SBI_EXT_LEGACY_REMOTE_SFENCE_VMA, 0x1000, 0x4000, 0x2000,
		   0);
	CHECK_EQ(r.error, 0);
	CHECK_EQ(f->m.fence_calls, 2);
	CHECK_EQ(f->m.fences[1].f.kind, SBI_NESTED_FENCE_SFENCE_VMA);
	CHECK(!f->m.fences[1].f.all);
	CHECK_EQ(f->m.fences[1].f.start, 0x4000);
	CHECK_EQ(f->m.fences[1].f.size, 0x2000);

	r = legacy(f, SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID, 0, 0, ~0UL, 7);
	CHECK_EQ(r.error, 0);
	CHECK_EQ(f->m.fence_calls, 2 + MOCK_NHARTS);
	CHECK_EQ(f->m.fences[2].f.kind, SBI_NESTED_FENCE_SFENCE_VMA_ASID);
	CHECK(f->m.fences[2].f.all);
	CHECK_EQ(f->m.fences[2].f.id, 7);
}

TEST(legacy_fence_errors)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	r = legacy(f, SBI_EXT_LEGACY_REMOTE_FENCE_I, 0x9000, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_ADDRESS);
	/* a range that wraps */
	r = legacy(f, SBI_EXT_LEGACY_REMOTE_SFENCE_VMA, 0, ~0UL - 0xfff, 0x2000,
		   0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_ADDRESS);
	CHECK_EQ(f->m.fence_calls, 0);
	f->m.fence_fail_hart = 2;
	r = legacy(f, SBI_EXT_LEGACY_REMOTE_FENCE_I, 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_FAILED);
	CHECK(r.legacy_a0_only);
}

TEST(legacy_shutdown)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r =
		legacy(f, SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0);

	CHECK(r.legacy_a0_only);
	CHECK_EQ(r.action, SBI_NESTED_SHUTDOWN);
	CHECK_EQ(r.exit_status, 0);
	CHECK_EQ(r.reset_type, SBI_SRST_TYPE_SHUTDOWN);
	CHECK_EQ(r.reset_reason, SBI_SRST_REASON_NONE);
}
