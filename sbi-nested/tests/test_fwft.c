/* SPDX-License-Identifier: BSD-2-Clause */
/* FWFT: feature IDs, flags, values, locks per hart, the reset. */
#include "mock.h"
#include "unit.h"

/* The mock host supports misaligned delegation, A/D updating and pointer
 * masking; landing pad, shadow stack and double trap are missing. */
#define FX_SUPPORTED                              \
	((1UL << SBI_FWFT_MISALIGNED_EXC_DELEG) | \
	 (1UL << SBI_FWFT_PTE_AD_HW_UPDATING) |   \
	 (1UL << SBI_FWFT_POINTER_MASKING_PMLEN))

static struct mock_fx *fx(void)
{
	struct mock_fx *f = mock_setup();

	f->m.fwft_supported = FX_SUPPORTED;
	return f;
}

static struct sbi_nested_result set(struct mock_fx *f, unsigned long hart,
				    unsigned long feature, unsigned long value,
				    unsigned long flags)
{
	return mock_call_on(&f->sn, hart, SBI_EXT_FWFT, SBI_FWFT_SET, feature,
			    value, flags);
}

static struct sbi_nested_result get(struct mock_fx *f, unsigned long hart,
				    unsigned long feature)
{
	return mock_call_on(&f->sn, hart, SBI_EXT_FWFT, SBI_FWFT_GET, feature,
			    0, 0);
}

TEST(fwft_probe_needs_ops_and_state)
{
	struct mock_fx *f = fx();

	CHECK_EQ(mock_call(&f->sn, SBI_EXT_BASE, SBI_BASE_PROBE_EXT,
			   SBI_EXT_FWFT, 0, 0, 0, 0)
			 .value,
		 1);
	f->cfg.fwft = NULL;
	CHECK_EQ(mock_call(&f->sn, SBI_EXT_BASE, SBI_BASE_PROBE_EXT,
			   SBI_EXT_FWFT, 0, 0, 0, 0)
			 .value,
		 0);
	CHECK_EQ(get(f, 0, 0).error, SBI_ERR_NOT_SUPPORTED);
	f = fx();
	f->ops.fwft_set = NULL;
	CHECK_EQ(get(f, 0, 0).error, SBI_ERR_NOT_SUPPORTED);
	f = fx();
	f->cfg.ext_enabled &= ~SBI_NESTED_EXT_BIT(SBI_NESTED_EXT_FWFT);
	CHECK_EQ(get(f, 0, 0).error, SBI_ERR_NOT_SUPPORTED);
}

TEST(fwft_set_then_get)
{
	struct mock_fx *f = fx();
	struct sbi_nested_result r;

	r = set(f, 0, SBI_FWFT_MISALIGNED_EXC_DELEG, 1, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 0);
	r = get(f, 0, SBI_FWFT_MISALIGNED_EXC_DELEG);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 1);
	CHECK_EQ(set(f, 0, SBI_FWFT_PTE_AD_HW_UPDATING, 0, 0).error,
		 SBI_SUCCESS);
	CHECK_EQ(get(f, 0, SBI_FWFT_PTE_AD_HW_UPDATING).value, 0);
	/* local scope: hart 1 is untouched */
	CHECK_EQ(get(f, 1, SBI_FWFT_MISALIGNED_EXC_DELEG).value, 0);
	CHECK_EQ(f->m.fwft_value[0][SBI_FWFT_MISALIGNED_EXC_DELEG], 1);
	CHECK_EQ(f->m.fwft_value[1][SBI_FWFT_MISALIGNED_EXC_DELEG], 0);
	CHECK_EQ(f->m.bad_hart_calls, 0);
}

TEST(fwft_feature_id_classes)
{
	struct mock_fx *f = fx();
	static const unsigned long denied[] = {
		SBI_FWFT_LOCAL_RESERVED_START,	0x3fffffffUL,
		SBI_FWFT_PLATFORM_LOCAL_START,	0x7fffffffUL,
		SBI_FWFT_GLOBAL_RESERVED_START, 0xbfffffffUL,
		SBI_FWFT_PLATFORM_GLOBAL_START, 0xffffffffUL,
	};

	for (unsigned i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		struct sbi_nested_result r = get(f, 0, denied[i]);

		CHECK_EQ(r.error, SBI_ERR_DENIED);
		CHECK_EQ(r.value, 0);
		CHECK_EQ(set(f, 0, denied[i], 0, 0).error, SBI_ERR_DENIED);
	}
	/* defined but unsupported: NOT_SUPPORTED, before flags and value */
	CHECK_EQ(get(f, 0, SBI_FWFT_LANDING_PAD).error, SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(set(f, 0, SBI_FWFT_SHADOW_STACK, 1, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(set(f, 0, SBI_FWFT_DOUBLE_TRAP, 5, 2).error,
		 SBI_ERR_NOT_SUPPORTED);
	/* uint32_t feature: the upper half of a0 does not count */
	CHECK_EQ(set(f, 0, (1UL << 32) | SBI_FWFT_MISALIGNED_EXC_DELEG, 1, 0)
			 .error,
		 SBI_SUCCESS);
	CHECK_EQ(get(f, 0, (7UL << 40) | SBI_FWFT_MISALIGNED_EXC_DELEG).value,
		 1);
	CHECK_EQ(f->m.fwft_set_calls, 1);
	CHECK_EQ(f->m.bad_hart_calls, 0);
}

TEST(fwft_bad_flags_and_values)
{
	struct mock_fx *f = fx();

	CHECK_EQ(set(f, 0, SBI_FWFT_MISALIGNED_EXC_DELEG, 1, 2).error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(set(f, 0, SBI_FWFT_MISALIGNED_EXC_DELEG, 1, 1UL << 63).error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(set(f, 0, SBI_FWFT_MISALIGNED_EXC_DELEG, 2, 0).error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(set(f, 0, SBI_FWFT_PTE_AD_HW_UPDATING, ~0UL, 0).error,
		 SBI_ERR_INVALID_PARAM);
	/* nothing was set, nothing locked */
	CHECK_EQ(f->m.fwft_set_calls, 0);
	CHECK_EQ(f->cfg.fwft[0].locked, 0);
	/* PMLEN: a length; L0 rounds up to what the hart has, or refuses */
	CHECK_EQ(set(f, 0, SBI_FWFT_POINTER_MASKING_PMLEN, 17, 0).error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(set(f, 0, SBI_FWFT_POINTER_MASKING_PMLEN, 3, 0).error,
		 SBI_SUCCESS);
	CHECK_EQ(get(f, 0, SBI_FWFT_POINTER_MASKING_PMLEN).value, 7);
}

TEST(fwft_lock_per_hart_until_reset)
{
	struct mock_fx *f = fx();

	CHECK_EQ(set(f, 1, SBI_FWFT_MISALIGNED_EXC_DELEG, 1,
		     SBI_FWFT_SET_FLAG_LOCK)
			 .error,
		 SBI_SUCCESS);
	/* locked: any set is DENIED, the same value and a second lock too;
	 * get still answers */
	CHECK_EQ(set(f, 1, SBI_FWFT_MISALIGNED_EXC_DELEG, 0, 0).error,
		 SBI_ERR_DENIED);
	CHECK_EQ(set(f, 1, SBI_FWFT_MISALIGNED_EXC_DELEG, 1,
		     SBI_FWFT_SET_FLAG_LOCK)
			 .error,
		 SBI_ERR_DENIED);
	CHECK_EQ(get(f, 1, SBI_FWFT_MISALIGNED_EXC_DELEG).value, 1);
	/* another feature of the same hart and the same feature of another
	 * hart stay free */
	CHECK_EQ(set(f, 1, SBI_FWFT_PTE_AD_HW_UPDATING, 1, 0).error,
		 SBI_SUCCESS);
	CHECK_EQ(set(f, 2, SBI_FWFT_MISALIGNED_EXC_DELEG, 1, 0).error,
		 SBI_SUCCESS);
	/* a set that fails does not lock */
	f->m.fwft_set_status = SBI_NESTED_IO_ERROR;
	CHECK_EQ(set(f, 2, SBI_FWFT_PTE_AD_HW_UPDATING, 1,
		     SBI_FWFT_SET_FLAG_LOCK)
			 .error,
		 SBI_ERR_FAILED);
	f->m.fwft_set_status = SBI_NESTED_OK;
	CHECK_EQ(set(f, 2, SBI_FWFT_PTE_AD_HW_UPDATING, 0, 0).error,
		 SBI_SUCCESS);
	/* hart reset drops the locks of that hart only */
	CHECK_EQ(set(f, 2, SBI_FWFT_MISALIGNED_EXC_DELEG, 1,
		     SBI_FWFT_SET_FLAG_LOCK)
			 .error,
		 SBI_SUCCESS);
	sbi_nested_fwft_hart_reset(&f->sn, 1);
	CHECK_EQ(set(f, 1, SBI_FWFT_MISALIGNED_EXC_DELEG, 0, 0).error,
		 SBI_SUCCESS);
	CHECK_EQ(set(f, 2, SBI_FWFT_MISALIGNED_EXC_DELEG, 0, 0).error,
		 SBI_ERR_DENIED);
	/* out-of-range harts and absent state are ignored */
	sbi_nested_fwft_hart_reset(&f->sn, MOCK_NHARTS);
	f->cfg.fwft = NULL;
	sbi_nested_fwft_hart_reset(&f->sn, 0);
}

TEST(fwft_service_failures_and_unknown_fid)
{
	struct mock_fx *f = fx();
	struct sbi_nested_result r;

	f->m.fwft_get_fail = true;
	r = get(f, 0, SBI_FWFT_MISALIGNED_EXC_DELEG);
	CHECK_EQ(r.error, SBI_ERR_FAILED);
	CHECK_EQ(r.value, 0);
	CHECK_EQ(set(f, 0, SBI_FWFT_MISALIGNED_EXC_DELEG, 1, 0).error,
		 SBI_ERR_FAILED);
	f->m.fwft_get_fail = false;
	/* the host loses the feature between get and set */
	f->m.fwft_set_status = SBI_NESTED_UNSUPPORTED;
	CHECK_EQ(set(f, 0, SBI_FWFT_MISALIGNED_EXC_DELEG, 1, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	r = mock_call(&f->sn, SBI_EXT_FWFT, 2, 0, 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(r.value, 0);
}
