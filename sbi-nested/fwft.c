/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * FWFT extension (SBI spec "Firmware Features Extension", EID 0x46574654).
 * sbi-nested sorts the feature ID, checks flags and values and keeps the
 * per-hart locks; the value itself is what L1's hardware does, which L0
 * reads and changes through fwft_get/fwft_set.
 */
#include "sbi_nested_ext.h"

/* What a feature ID names ("FWFT Feature Types"). */
enum fwft_kind {
	FWFT_DEFINED,  /* 0 .. SBI_FWFT_COUNT-1: a feature the spec defines */
	FWFT_RESERVED, /* reserved for future use, local or global */
	FWFT_PLATFORM, /* platform-specific, local or global: none here */
};

static enum fwft_kind fwft_kind(unsigned long feature)
{
	if (feature < SBI_FWFT_COUNT)
		return FWFT_DEFINED;
	if (feature < SBI_FWFT_PLATFORM_LOCAL_START)
		return FWFT_RESERVED;
	if (feature < SBI_FWFT_GLOBAL_RESERVED_START)
		return FWFT_PLATFORM;
	if (feature < SBI_FWFT_PLATFORM_GLOBAL_START)
		return FWFT_RESERVED;
	return FWFT_PLATFORM;
}

/* Features whose values are only 0 and 1 ("FWFT Feature Attribute
 * Values"); POINTER_MASKING_PMLEN takes a length, checked by L0. */
static bool fwft_boolean(unsigned long feature)
{
	return feature != SBI_FWFT_POINTER_MASKING_PMLEN;
}

static long fwft_probe(const struct sbi_nested *sn, unsigned long eid)
{
	(void)eid;
	return sn->cfg->fwft && sn->ops->fwft_get && sn->ops->fwft_set;
}

/* The error of a call naming a feature that is not one of the defined
 * ones, or SBI_SUCCESS for a defined one the host supports. Reserved and
 * unimplemented platform-specific features: SBI_ERR_DENIED (both Set and
 * Get error tables); a defined feature missing a dependency:
 * SBI_ERR_NOT_SUPPORTED. */
static long fwft_check_feature(const struct sbi_nested *sn,
			       unsigned long hartid, unsigned long feature,
			       unsigned long *value)
{
	enum sbi_nested_status st;

	if (fwft_kind(feature) != FWFT_DEFINED)
		return SBI_ERR_DENIED;
	st = sn->ops->fwft_get(sn->ctx, hartid, feature, value);
	if (st == SBI_NESTED_UNSUPPORTED)
		return SBI_ERR_NOT_SUPPORTED;
	if (st != SBI_NESTED_OK)
		return SBI_ERR_FAILED;
	return SBI_SUCCESS;
}

static void fwft_set(const struct sbi_nested *sn,
		     const struct sbi_nested_request *req,
		     struct sbi_nested_result *res)
{
	/* uint32_t feature: only the low 32 bits count ("Binary Encoding") */
	unsigned long feature = req->args[0] & 0xffffffffUL;
	unsigned long value = req->args[1], flags = req->args[2];
	struct sbi_nested_fwft_hart *h = &sn->cfg->fwft[req->hartid];
	unsigned long now;
	enum sbi_nested_status st;

	res->error = fwft_check_feature(sn, req->hartid, feature, &now);
	if (res->error != SBI_SUCCESS)
		return;
	/* BIT[XLEN-1:1] of flags are reserved ("FWFT Firmware Features Set
	 * Flags"): INVALID_PARAM */
	if (flags & ~SBI_FWFT_SET_FLAG_LOCK) {
		res->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	/* "once set, the feature value can no longer be modified until hart
	 * reset": DENIED ("feature is locked"), a second LOCK included */
	if (h->locked & (1UL << feature)) {
		res->error = SBI_ERR_DENIED;
		return;
	}
	if (fwft_boolean(feature) && value > 1) {
		res->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	st = sn->ops->fwft_set(sn->ctx, req->hartid, feature, value);
	switch (st) {
	case SBI_NESTED_OK:
		break;
	case SBI_NESTED_BAD_VALUE:
		res->error = SBI_ERR_INVALID_PARAM;
		return;
	case SBI_NESTED_UNSUPPORTED:
		res->error = SBI_ERR_NOT_SUPPORTED;
		return;
	default:
		/* "failed for unspecified or unknown other reasons" */
		res->error = SBI_ERR_FAILED;
		return;
	}
	if (flags & SBI_FWFT_SET_FLAG_LOCK)
		h->locked |= 1UL << feature;
}

static void fwft_get(const struct sbi_nested *sn,
		     const struct sbi_nested_request *req,
		     struct sbi_nested_result *res)
{
	unsigned long value = 0;

	res->error = fwft_check_feature(sn, req->hartid,
					req->args[0] & 0xffffffffUL, &value);
	/* "In case of failure, the content of sbiret.value is zero" */
	res->value = res->error == SBI_SUCCESS ? (long)value : 0;
}

static void fwft_handle(const struct sbi_nested *sn,
			const struct sbi_nested_request *req,
			struct sbi_nested_result *res)
{
	res->value = 0;
	switch (req->fid) {
	case SBI_FWFT_SET:
		fwft_set(sn, req, res);
		break;
	case SBI_FWFT_GET:
		fwft_get(sn, req, res);
		break;
	default:
		res->error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
}

void sbi_nested_fwft_hart_reset(const struct sbi_nested *sn,
				unsigned long hartid)
{
	/* "Upon hart reset, local feature values are not retained": the
	 * locks go with them (every defined feature is local) */
	if (sn->cfg->fwft && hartid < sn->cfg->nharts)
		sn->cfg->fwft[hartid].locked = 0;
}

const struct sbi_nested_ext sbi_nested_ext_fwft = {
	.name = "fwft",
	.id = SBI_NESTED_EXT_FWFT,
	.extid_start = SBI_EXT_FWFT,
	.extid_end = SBI_EXT_FWFT,
	.probe = fwft_probe,
	.handle = fwft_handle,
};
