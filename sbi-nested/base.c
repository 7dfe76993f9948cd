/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Base extension (SBI spec "Base Extension", EID 0x10). Every function is
 * mandatory and has no error return; only an unknown FID fails.
 */
#include "sbi_nested_ext.h"

static long base_probe(const struct sbi_nested *sn, unsigned long eid)
{
	(void)sn;
	(void)eid;
	return 1;
}

static void base_handle(const struct sbi_nested *sn,
			const struct sbi_nested_request *req,
			struct sbi_nested_result *res)
{
	const struct sbi_nested_config *cfg = sn->cfg;
	const struct sbi_nested_ext *ext;

	res->error = SBI_SUCCESS;
	switch (req->fid) {
	case SBI_BASE_GET_SPEC_VERSION:
		/* bits [30:24] major, [23:0] minor; bit 31 must be 0 */
		res->value = (long)(SBI_NESTED_SPEC_MAJOR
					    << SBI_SPEC_VERSION_MAJOR_SHIFT |
				    SBI_NESTED_SPEC_MINOR);
		break;
	case SBI_BASE_GET_IMPL_ID:
		res->value = (long)SBI_NESTED_IMPL_ID;
		break;
	case SBI_BASE_GET_IMPL_VERSION:
		res->value = (long)SBI_NESTED_IMPL_VERSION;
		break;
	case SBI_BASE_PROBE_EXT:
		/* 0 when not available, else 1 or an extension-specific
		 * non-zero value (SBI spec "Probe SBI extension"). */
		ext = sbi_nested_find_ext(sn, req->args[0]);
		res->value = ext ? ext->probe(sn, req->args[0]) : 0;
		break;
	case SBI_BASE_GET_MVENDORID:
		res->value = (long)cfg->mvendorid;
		break;
	case SBI_BASE_GET_MARCHID:
		res->value = (long)cfg->marchid;
		break;
	case SBI_BASE_GET_MIMPID:
		res->value = (long)cfg->mimpid;
		break;
	default:
		res->error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
}

const struct sbi_nested_ext sbi_nested_ext_base = {
	.name = "base",
	.id = SBI_NESTED_EXT_BASE,
	.extid_start = SBI_EXT_BASE,
	.extid_end = SBI_EXT_BASE,
	.probe = base_probe,
	.handle = base_handle,
};
