/* SPDX-License-Identifier: BSD-2-Clause */
/* TIME extension (SBI spec "Timer Extension", EID 0x54494D45 "TIME"). */
#include "sbi_nested_ext.h"

static long time_probe(const struct sbi_nested *sn, unsigned long eid)
{
	(void)eid;
	return sn->ops->set_timer != NULL;
}

static void time_handle(const struct sbi_nested *sn,
			const struct sbi_nested_request *req,
			struct sbi_nested_result *res)
{
	if (req->fid != SBI_TIME_SET_TIMER)
		return; /* SBI_ERR_NOT_SUPPORTED */
	/* stime is absolute; a value in the past fires at once, (uint64_t)-1
	 * is "never". Programming it also clears the pending supervisor timer
	 * interrupt: L0's set_timer does both (SBI spec "Set Timer"). */
	sn->ops->set_timer(sn->ctx, req->hartid, req->args[0]);
	sbi_nested_pmu_fw_event(sn, req->hartid, SBI_PMU_FW_SET_TIMER);
	res->error = SBI_SUCCESS;
}

const struct sbi_nested_ext sbi_nested_ext_time = {
	.name = "time",
	.id = SBI_NESTED_EXT_TIME,
	.extid_start = SBI_EXT_TIME,
	.extid_end = SBI_EXT_TIME,
	.probe = time_probe,
	.handle = time_handle,
};
