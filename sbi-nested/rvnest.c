/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rvnest experimental extension (SBI_EXT_RVNEST, experimental EID range;
 * docs/protocol.md): NOP is the null hypercall the "hypercall" benchmark
 * times; BENCH_BEGIN/BENCH_END bracket a benchmark so that L0 reports its
 * own counters (`RVNEST l0bench`) for the same window. DEPTH tells the
 * caller how deep the answering L0 runs (config.depth), so an L0 running
 * on an L0 knows its own depth.
 */
#include "sbi_nested_ext.h"

static long rvnest_probe(const struct sbi_nested *sn, unsigned long eid)
{
	(void)eid;
	return sn->ops->bench_mark != NULL;
}

static void rvnest_handle(const struct sbi_nested *sn,
			  const struct sbi_nested_request *req,
			  struct sbi_nested_result *res)
{
	switch (req->fid) {
	case SBI_RVNEST_NOP:
		res->error = SBI_SUCCESS;
		break;
	case SBI_RVNEST_BENCH_BEGIN:
		sn->ops->bench_mark(sn->ctx, req->args[0],
				    SBI_NESTED_BENCH_BEGIN, req->args);
		res->error = SBI_SUCCESS;
		break;
	case SBI_RVNEST_BENCH_END:
		sn->ops->bench_mark(sn->ctx, req->args[0], SBI_NESTED_BENCH_END,
				    req->args);
		res->error = SBI_SUCCESS;
		break;
	case SBI_RVNEST_DEPTH:
		/* 0: the embedder did not say; the FID is then absent */
		if (!sn->cfg->depth)
			break; /* SBI_ERR_NOT_SUPPORTED */
		res->error = SBI_SUCCESS;
		res->value = (long)sn->cfg->depth;
		break;
	default:
		break; /* SBI_ERR_NOT_SUPPORTED */
	}
}

const struct sbi_nested_ext sbi_nested_ext_rvnest = {
	.name = "rvnest",
	.id = SBI_NESTED_EXT_RVNEST,
	.extid_start = SBI_EXT_RVNEST,
	.extid_end = SBI_EXT_RVNEST,
	.probe = rvnest_probe,
	.handle = rvnest_handle,
};
