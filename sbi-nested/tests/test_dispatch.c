/* SPDX-License-Identifier: BSD-2-Clause */
/* The dispatcher, the extension table and the hart-mask helper. */
#include "mock.h"
#include "unit.h"

#include <string.h>

TEST(dispatch_unknown_eid_not_supported)
{
	struct mock_fx *f = mock_setup();
	/* unknown standard, experimental, vendor and firmware EIDs */
	unsigned long eids[] = {0x09,
				0x0f,
				0x11,
				SBI_EXT_NACL,
				SBI_EXT_SUSP,
				SBI_EXT_EXPERIMENTAL_START,
				SBI_EXT_VENDOR_START,
				SBI_EXT_FIRMWARE_END,
				~0UL};

	for (size_t i = 0; i < sizeof(eids) / sizeof(eids[0]); i++) {
		struct sbi_nested_result r =
			mock_call(&f->sn, eids[i], 0, 0, 0, 0, 0, 0);
		CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
		CHECK_EQ(r.value, 0);
		CHECK_EQ(r.action, SBI_NESTED_CONTINUE);
		CHECK(!r.legacy_a0_only);
	}
}

TEST(dispatch_bad_caller_hart_fails)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_request req = {.eid = SBI_EXT_BASE,
					 .fid = SBI_BASE_GET_SPEC_VERSION,
					 .hartid = MOCK_NHARTS};
	struct sbi_nested_result r;

	sbi_nested_dispatch(&f->sn, &req, &r);
	CHECK_EQ(r.error, SBI_ERR_FAILED);
	CHECK_EQ(r.action, SBI_NESTED_CONTINUE);
}

TEST(dispatch_disabled_extension_not_supported)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	f->cfg.ext_enabled =
		SBI_NESTED_EXT_ALL & ~SBI_NESTED_EXT_BIT(SBI_NESTED_EXT_TIME);
	r = mock_call(&f->sn, SBI_EXT_TIME, SBI_TIME_SET_TIMER, 5, 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(f->m.timer_calls, 0);
	r = mock_call(&f->sn, SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_TIME, 0,
		      0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 0);
}

TEST(dispatch_base_cannot_be_disabled)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	f->cfg.ext_enabled = 0;
	r = mock_call(&f->sn, SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0,
		      0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	r = mock_call(&f->sn, SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_BASE, 0,
		      0, 0, 0);
	CHECK_EQ(r.value, 1);
	r = mock_call(&f->sn, SBI_EXT_LEGACY_CONSOLE_PUTCHAR, 0, 'x', 0, 0, 0,
		      0);
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	CHECK(r.legacy_a0_only);
	CHECK_EQ(f->m.out_len, 0);
}

TEST(dispatch_ext_names)
{
	CHECK(strcmp(sbi_nested_ext_name(SBI_EXT_BASE), "base") == 0);
	CHECK(strcmp(sbi_nested_ext_name(SBI_EXT_LEGACY_SHUTDOWN), "legacy") ==
	      0);
	CHECK(strcmp(sbi_nested_ext_name(SBI_EXT_TIME), "time") == 0);
	CHECK(strcmp(sbi_nested_ext_name(SBI_EXT_IPI), "ipi") == 0);
	CHECK(strcmp(sbi_nested_ext_name(SBI_EXT_RFENCE), "rfence") == 0);
	CHECK(strcmp(sbi_nested_ext_name(SBI_EXT_HSM), "hsm") == 0);
	CHECK(strcmp(sbi_nested_ext_name(SBI_EXT_SRST), "srst") == 0);
	CHECK(strcmp(sbi_nested_ext_name(SBI_EXT_DBCN), "dbcn") == 0);
	CHECK(strcmp(sbi_nested_ext_name(SBI_EXT_RVNEST), "rvnest") == 0);
	CHECK(strcmp(sbi_nested_ext_name(SBI_EXT_NACL), "nacl") == 0);
	CHECK(sbi_nested_ext_name(0x09) == NULL);
}

/* The hart-mask rules, through IPI (the simplest user). */
TEST(hartmask_all_ignores_mask)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	r = mock_call(&f->sn, SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0, ~0UL, 0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(f->m.ipi_calls, MOCK_NHARTS);
	for (int i = 0; i < MOCK_NHARTS; i++)
		CHECK_EQ(f->m.ipi_harts[i], i);
}

TEST(hartmask_base_offset)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	/* harts 2 and 3 = bits 0 and 1 from base 2 */
	r = mock_call(&f->sn, SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0x3, 2, 0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(f->m.ipi_calls, 2);
	CHECK_EQ(f->m.ipi_harts[0], 2);
	CHECK_EQ(f->m.ipi_harts[1], 3);
}

TEST(hartmask_invalid_hart_no_side_effect)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	/* hart 0 is fine but hart 4 does not exist: nothing is sent */
	r = mock_call(&f->sn, SBI_EXT_IPI, SBI_IPI_SEND_IPI,
		      0x1 | (1UL << MOCK_NHARTS), 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	CHECK_EQ(f->m.ipi_calls, 0);
	/* base beyond the last hart */
	r = mock_call(&f->sn, SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0x1, MOCK_NHARTS,
		      0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	/* base + bit wraps around: must not alias hart 0 */
	r = mock_call(&f->sn, SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0x2, ~0UL - 1, 0,
		      0, 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	/* the top bit */
	r = mock_call(&f->sn, SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1UL << 63, 0, 0, 0,
		      0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	CHECK_EQ(f->m.ipi_calls, 0);
}

TEST(hartmask_empty_mask_is_success)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	r = mock_call(&f->sn, SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0, 1000, 0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(f->m.ipi_calls, 0);
}

TEST(hartmask_op_failure_is_failed)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	f->m.ipi_fail_hart = 1;
	r = mock_call(&f->sn, SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0x7, 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_FAILED);
	CHECK_EQ(f->m.ipi_calls, 1); /* hart 0 done, stopped at hart 1 */
	r = mock_call(&f->sn, SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0, ~0UL, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_FAILED);
}
