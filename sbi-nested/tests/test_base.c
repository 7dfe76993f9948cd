/* SPDX-License-Identifier: BSD-2-Clause */
/* Base extension. */
#include "mock.h"
#include "unit.h"

static struct sbi_nested_result base(struct mock_fx *f, unsigned long fid,
				     unsigned long a0)
{
	return mock_call(&f->sn, SBI_EXT_BASE, fid, a0, 0, 0, 0, 0);
}

TEST(base_spec_version_is_2_0)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r = base(f, SBI_BASE_GET_SPEC_VERSION, 0);

	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 0x02000000);
	CHECK(!r.legacy_a0_only);
	CHECK_EQ(r.action, SBI_NESTED_CONTINUE);
}

TEST(base_impl_and_machine_ids)
{
	struct mock_fx *f = mock_setup();

	CHECK_EQ(base(f, SBI_BASE_GET_IMPL_ID, 0).value, SBI_NESTED_IMPL_ID);
	CHECK_EQ(base(f, SBI_BASE_GET_IMPL_VERSION, 0).value,
		 SBI_NESTED_IMPL_VERSION);
	CHECK_EQ(base(f, SBI_BASE_GET_MVENDORID, 0).value, 0x111);
	CHECK_EQ(base(f, SBI_BASE_GET_MARCHID, 0).value, 0x222);
	CHECK_EQ(base(f, SBI_BASE_GET_MIMPID, 0).value, 0x333);
	CHECK_EQ(base(f, SBI_BASE_GET_MIMPID, 0).error, SBI_SUCCESS);
}

TEST(base_unknown_fid)
{
	struct mock_fx *f = mock_setup();

	CHECK_EQ(base(f, 7, 0).error, SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(base(f, ~0UL, 0).error, SBI_ERR_NOT_SUPPORTED);
}

TEST(base_probe_every_extension)
{
	struct mock_fx *f = mock_setup();
	unsigned long present[] = {
		SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI,  SBI_EXT_RFENCE,
		SBI_EXT_HSM,  SBI_EXT_SRST, SBI_EXT_DBCN, SBI_EXT_RVNEST,
		SBI_EXT_FWFT, SBI_EXT_PMU,  SBI_EXT_DBTR,
	};
	unsigned long absent[] = {SBI_EXT_SUSP, SBI_EXT_CPPC, SBI_EXT_NACL,
				  SBI_EXT_STA,	0x09,	      0x0f};

	for (size_t i = 0; i < sizeof(present) / sizeof(present[0]); i++) {
		struct sbi_nested_result r =
			base(f, SBI_BASE_PROBE_EXT, present[i]);
		CHECK_EQ(r.error, SBI_SUCCESS);
		CHECK_EQ(r.value, 1);
	}
	for (unsigned long eid = SBI_EXT_LEGACY_SET_TIMER;
	     eid <= SBI_EXT_LEGACY_SHUTDOWN; eid++)
		CHECK_EQ(base(f, SBI_BASE_PROBE_EXT, eid).value, 1);
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		struct sbi_nested_result r =
			base(f, SBI_BASE_PROBE_EXT, absent[i]);
		CHECK_EQ(r.error, SBI_SUCCESS);
		CHECK_EQ(r.value, 0);
	}
}

/* An extension whose L0 service is missing probes as absent and cannot be
 * called: an incomplete L0 never answers success. */
TEST(base_probe_missing_ops)
{
	struct mock_fx *f = mock_setup();

	f->ops.set_timer = NULL;
	f->ops.send_ipi = NULL;
	f->ops.remote_fence = NULL;
	f->ops.hart_start = NULL;
	f->ops.console_getc = NULL;
	f->ops.bench_mark = NULL;
	f->ops.clear_ipi = NULL;
	f->ops.console_write = NULL;
	f->ops.guest_read_ulong_virt = NULL;
	CHECK_EQ(base(f, SBI_BASE_PROBE_EXT, SBI_EXT_TIME).value, 0);
	CHECK_EQ(base(f, SBI_BASE_PROBE_EXT, SBI_EXT_IPI).value, 0);
	CHECK_EQ(base(f, SBI_BASE_PROBE_EXT, SBI_EXT_RFENCE).value, 0);
	CHECK_EQ(base(f, SBI_BASE_PROBE_EXT, SBI_EXT_HSM).value, 0);
	CHECK_EQ(base(f, SBI_BASE_PROBE_EXT, SBI_EXT_DBCN).value, 0);
	CHECK_EQ(base(f, SBI_BASE_PROBE_EXT, SBI_EXT_RVNEST).value, 0);
	for (unsigned long eid = SBI_EXT_LEGACY_SET_TIMER;
	     eid < SBI_EXT_LEGACY_SHUTDOWN; eid++)
		CHECK_EQ(base(f, SBI_BASE_PROBE_EXT, eid).value, 0);
	/* shutdown and SRST need no service: L0 acts on the result */
	CHECK_EQ(base(f, SBI_BASE_PROBE_EXT, SBI_EXT_LEGACY_SHUTDOWN).value, 1);
	CHECK_EQ(base(f, SBI_BASE_PROBE_EXT, SBI_EXT_SRST).value, 1);
	CHECK_EQ(mock_call(&f->sn, SBI_EXT_TIME, 0, 1, 0, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	struct sbi_nested_result r =
		mock_call(&f->sn, SBI_EXT_LEGACY_SET_TIMER, 0, 1, 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	/* unsupported or not, a legacy call leaves a1 alone */
	CHECK(r.legacy_a0_only);
}

TEST(base_probe_hsm_needs_status_too)
{
	struct mock_fx *f = mock_setup();

	f->ops.hart_get_status = NULL;
	CHECK_EQ(base(f, SBI_BASE_PROBE_EXT, SBI_EXT_HSM).value, 0);
	f = mock_setup();
	f->ops.guest_check = NULL;
	CHECK_EQ(base(f, SBI_BASE_PROBE_EXT, SBI_EXT_HSM).value, 0);
	CHECK_EQ(base(f, SBI_BASE_PROBE_EXT, SBI_EXT_DBCN).value, 0);
	f = mock_setup();
	f->ops.guest_write = NULL;
	CHECK_EQ(base(f, SBI_BASE_PROBE_EXT, SBI_EXT_DBCN).value, 0);
	f = mock_setup();
	f->ops.send_ipi = NULL;
	CHECK_EQ(base(f, SBI_BASE_PROBE_EXT, SBI_EXT_LEGACY_SEND_IPI).value, 0);
	CHECK_EQ(base(f, SBI_BASE_PROBE_EXT, SBI_EXT_LEGACY_REMOTE_FENCE_I)
			 .value,
		 1);
}
