/* SPDX-License-Identifier: BSD-2-Clause */
/* SRST extension (SBI spec "System Reset Extension", EID 0x53525354). */
#include "sbi_nested_ext.h"

#include <stdint.h>

static long srst_probe(const struct sbi_nested *sn, unsigned long eid)
{
	(void)sn;
	(void)eid;
	return 1;
}

/*
 * Reserved values, and the platform- or implementation-specific ranges
 * (L0 implements none of them), are "reserved or platform-specific and
 * unimplemented": SBI_ERR_INVALID_PARAM (SBI spec "System Reset Errors").
 */
static bool srst_type_valid(uint32_t type)
{
	return type == SBI_SRST_TYPE_SHUTDOWN ||
	       type == SBI_SRST_TYPE_COLD_REBOOT ||
	       type == SBI_SRST_TYPE_WARM_REBOOT;
}

static bool srst_reason_valid(uint32_t reason)
{
	return reason == SBI_SRST_REASON_NONE ||
	       reason == SBI_SRST_REASON_SYSFAIL;
}

static void srst_handle(const struct sbi_nested *sn,
			const struct sbi_nested_request *req,
			struct sbi_nested_result *res)
{
	/* Both parameters are uint32_t: only the low 32 bits count ("In case
	 * the data is defined as 32bit wide, higher privilege software must
	 * ensure that it only uses 32 bit data", SBI spec "Binary
	 * Encoding"). */
	uint32_t type = (uint32_t)req->args[0];
	uint32_t reason = (uint32_t)req->args[1];

	(void)sn;
	if (req->fid != SBI_SRST_SYSTEM_RESET)
		return; /* SBI_ERR_NOT_SUPPORTED */
	if (!srst_type_valid(type) || !srst_reason_valid(reason)) {
		res->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	/* A successful reset does not return; SBI_SUCCESS is what L0 leaves
	 * in a0 should it ever resume the caller (a reset that restarts L1
	 * reloads every register anyway). */
	res->error = SBI_SUCCESS;
	res->action = type == SBI_SRST_TYPE_SHUTDOWN ? SBI_NESTED_SHUTDOWN
						     : SBI_NESTED_RESET;
	res->reset_type = type;
	res->reset_reason = reason;
	res->exit_status = reason == SBI_SRST_REASON_NONE ? 0 : 1;
}

const struct sbi_nested_ext sbi_nested_ext_srst = {
	.name = "srst",
	.id = SBI_NESTED_EXT_SRST,
	.extid_start = SBI_EXT_SRST,
	.extid_end = SBI_EXT_SRST,
	.probe = srst_probe,
	.handle = srst_handle,
};
