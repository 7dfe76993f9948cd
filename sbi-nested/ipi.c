/* SPDX-License-Identifier: BSD-2-Clause */
/* IPI extension (SBI spec "IPI Extension", EID 0x735049 "sPI"). */
#include "sbi_nested_ext.h"

enum sbi_nested_status sbi_nested_ipi_one(const struct sbi_nested *sn,
					  unsigned long hartid, const void *arg)
{
	const unsigned long *caller = arg;
	enum sbi_nested_status st = sn->ops->send_ipi(sn->ctx, hartid);

	/* PMU firmware events: one sent by the caller, one received by
	 * the target, per target hart */
	if (st == SBI_NESTED_OK) {
		sbi_nested_pmu_fw_event(sn, *caller, SBI_PMU_FW_IPI_SENT);
		sbi_nested_pmu_fw_event(sn, hartid, SBI_PMU_FW_IPI_RECEIVED);
	}
	return st;
}

static long ipi_probe(const struct sbi_nested *sn, unsigned long eid)
{
	(void)eid;
	return sn->ops->send_ipi != NULL;
}

static void ipi_handle(const struct sbi_nested *sn,
		       const struct sbi_nested_request *req,
		       struct sbi_nested_result *res)
{
	if (req->fid != SBI_IPI_SEND_IPI)
		return; /* SBI_ERR_NOT_SUPPORTED */
	/* a0 = hart_mask, a1 = hart_mask_base; the IPI is a supervisor
	 * software interrupt on each target (SBI spec "Send IPI"). */
	res->error = sbi_nested_for_each_hart(sn, req->args[0], req->args[1],
					      sbi_nested_ipi_one, &req->hartid);
}

const struct sbi_nested_ext sbi_nested_ext_ipi = {
	.name = "ipi",
	.id = SBI_NESTED_EXT_IPI,
	.extid_start = SBI_EXT_IPI,
	.extid_end = SBI_EXT_IPI,
	.probe = ipi_probe,
	.handle = ipi_handle,
};
