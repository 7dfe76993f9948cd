/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One entry for every SBI call L1 makes: find the extension that owns the
 * EID in one table, let it fill the result, return. Nothing here touches
 * hardware; L0's services come in through sn->ops.
 */
#include "sbi_nested_ext.h"

/* Every extension L0 can offer, searched in this order: NACL first, since
 * its SYNC_SRET is the call of every L2 entry when L1 uses it. */
static const struct sbi_nested_ext *const sbi_nested_exts[] = {
	&sbi_nested_ext_nacl,	&sbi_nested_ext_base, &sbi_nested_ext_legacy,
	&sbi_nested_ext_time,	&sbi_nested_ext_ipi,  &sbi_nested_ext_rfence,
	&sbi_nested_ext_hsm,	&sbi_nested_ext_srst, &sbi_nested_ext_dbcn,
	&sbi_nested_ext_rvnest, &sbi_nested_ext_fwft, &sbi_nested_ext_pmu,
	&sbi_nested_ext_dbtr,
};

#define SBI_NESTED_NEXTS (sizeof(sbi_nested_exts) / sizeof(sbi_nested_exts[0]))

static bool ext_enabled(const struct sbi_nested *sn,
			const struct sbi_nested_ext *ext)
{
	/* Base is mandatory: every SBI implementation must provide it
	 * (SBI spec "Base Extension"). */
	if (ext->id == SBI_NESTED_EXT_BASE)
		return true;
	return (sn->cfg->ext_enabled & SBI_NESTED_EXT_BIT(ext->id)) != 0;
}

static const struct sbi_nested_ext *ext_owning(unsigned long eid)
{
	for (size_t i = 0; i < SBI_NESTED_NEXTS; i++) {
		const struct sbi_nested_ext *ext = sbi_nested_exts[i];

		if (eid >= ext->extid_start && eid <= ext->extid_end)
			return ext;
	}
	return NULL;
}

const struct sbi_nested_ext *sbi_nested_find_ext(const struct sbi_nested *sn,
						 unsigned long eid)
{
	const struct sbi_nested_ext *ext = ext_owning(eid);

	if (!ext || !ext_enabled(sn, ext) || ext->probe(sn, eid) == 0)
		return NULL;
	return ext;
}

const char *sbi_nested_ext_name(unsigned long eid)
{
	const struct sbi_nested_ext *ext = ext_owning(eid);

	return ext ? ext->name : NULL;
}

void sbi_nested_dispatch(const struct sbi_nested *sn,
			 const struct sbi_nested_request *req,
			 struct sbi_nested_result *res)
{
	const struct sbi_nested_ext *ext;

	*res = (struct sbi_nested_result){
		.error = SBI_ERR_NOT_SUPPORTED,
		.action = SBI_NESTED_CONTINUE,
		/* A v0.1 call returns a0 only, supported or not: its caller
		 * expects a1 preserved (SBI spec "Legacy Extensions"). */
		.legacy_a0_only =
			req->eid >= sbi_nested_ext_legacy.extid_start &&
			req->eid <= sbi_nested_ext_legacy.extid_end,
	};

	/* The caller is one of L1's harts by construction; a hart ID outside
	 * the configuration is an L0 bug, not a guest error, and must not
	 * reach the per-hart services. */
	if (req->hartid >= sn->cfg->nharts) {
		res->error = SBI_ERR_FAILED;
		return;
	}

	/* An unsupported EID must return SBI_ERR_NOT_SUPPORTED (SBI spec
	 * "Binary Encoding"): the default above. */
	ext = sbi_nested_find_ext(sn, req->eid);
	if (ext)
		ext->handle(sn, req, res);
}

long sbi_nested_for_each_hart(const struct sbi_nested *sn,
			      unsigned long hart_mask,
			      unsigned long hart_mask_base,
			      sbi_nested_hart_fn fn, const void *arg)
{
	unsigned long nharts = sn->cfg->nharts;
	unsigned long bits = sizeof(unsigned long) * 8;

	if (hart_mask_base == SBI_NESTED_HART_MASK_ALL) {
		/* hart_mask is ignored: all available harts (SBI spec "Hart
		 * list parameter"). */
		for (unsigned long h = 0; h < nharts; h++)
			if (fn(sn, h, arg) != SBI_NESTED_OK)
				return SBI_ERR_FAILED;
		return SBI_SUCCESS;
	}

	/* Validate every named hart first: a hart that does not exist is
	 * SBI_ERR_INVALID_PARAM ("Hart Mask Errors"), and nothing may have
	 * been done by then. base + i must neither wrap nor pass nharts. */
	for (unsigned long i = 0; i < bits; i++) {
		if (!(hart_mask & (1UL << i)))
			continue;
		if (hart_mask_base >= nharts || i >= nharts - hart_mask_base)
			return SBI_ERR_INVALID_PARAM;
	}
	for (unsigned long i = 0; i < bits; i++) {
		if (!(hart_mask & (1UL << i)))
			continue;
		if (fn(sn, hart_mask_base + i, arg) != SBI_NESTED_OK)
			return SBI_ERR_FAILED;
	}
	return SBI_SUCCESS;
}
