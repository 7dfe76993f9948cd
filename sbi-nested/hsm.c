/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HSM extension (SBI spec "Hart State Management Extension", EID 0x48534D).
 * L0 owns the vCPU states; this file validates the request and maps L0's
 * answers to the errors the spec lists for each function.
 */
#include "sbi_nested_ext.h"

#include <stdint.h>

static long hsm_probe(const struct sbi_nested *sn, unsigned long eid)
{
	(void)eid;
	return sn->ops->hart_get_status && sn->ops->hart_start &&
	       sn->ops->guest_check;
}

/* "start_addr is not valid ... executable access to the address is
 * prohibited by ... H-extension G-stage" (Hart Start / Hart Suspend). */
static bool hsm_addr_ok(const struct sbi_nested *sn, unsigned long addr)
{
	return sn->ops->guest_check(sn->ctx, addr, 1, SBI_NESTED_ACCESS_EXEC) ==
	       SBI_NESTED_OK;
}

static long hsm_start(const struct sbi_nested *sn,
		      const struct sbi_nested_request *req)
{
	unsigned long hartid = req->args[0];
	unsigned long start_addr = req->args[1];
	enum sbi_nested_status st;

	if (hartid >= sn->cfg->nharts)
		return SBI_ERR_INVALID_PARAM;
	/* Only a STOPPED hart can be started; any other state means it is
	 * already (being) made available: SBI_ERR_ALREADY_AVAILABLE. The spec
	 * does not order the errors; the state comes before the address, as
	 * in OpenSBI, so that L1 sees the same answer on both. */
	if (sn->ops->hart_get_status(sn->ctx, hartid) !=
	    SBI_NESTED_HART_STOPPED)
		return SBI_ERR_ALREADY_AVAILABLE;
	if (!hsm_addr_ok(sn, start_addr))
		return SBI_ERR_INVALID_ADDRESS;
	st = sn->ops->hart_start(sn->ctx, hartid, start_addr, req->args[2]);
	switch (st) {
	case SBI_NESTED_OK:
		return SBI_SUCCESS;
	case SBI_NESTED_BAD_STATE:
		/* another hart started it between the two calls */
		return SBI_ERR_ALREADY_AVAILABLE;
	default:
		return SBI_ERR_FAILED;
	}
}

static void hsm_suspend(const struct sbi_nested *sn,
			const struct sbi_nested_request *req,
			struct sbi_nested_result *res)
{
	/* suspend_type is a uint32_t: "higher privilege software must ensure
	 * that it only uses 32 bit data" (SBI spec "Binary Encoding"). */
	uint32_t type = (uint32_t)req->args[0];

	switch (type) {
	case SBI_HSM_SUSPEND_RET_DEFAULT:
		res->suspend_retentive = true;
		break;
	case SBI_HSM_SUSPEND_NON_RET_DEFAULT:
		if (!hsm_addr_ok(sn, req->args[1])) {
			res->error = SBI_ERR_INVALID_ADDRESS;
			return;
		}
		res->suspend_retentive = false;
		res->resume_addr = req->args[1];
		res->opaque = req->args[2];
		break;
	default:
		/* Reserved, or platform-specific: L0 implements no platform
		 * suspend state, and "suspend_type is reserved or is
		 * platform-specific and unimplemented" is INVALID_PARAM. */
		res->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	res->suspend_type = type;
	/* What a retentive suspend returns once the hart resumes. */
	res->error = SBI_SUCCESS;
	res->action = SBI_NESTED_HART_SUSPEND;
}

static void hsm_handle(const struct sbi_nested *sn,
		       const struct sbi_nested_request *req,
		       struct sbi_nested_result *res)
{
	switch (req->fid) {
	case SBI_HSM_HART_START:
		res->error = hsm_start(sn, req);
		break;
	case SBI_HSM_HART_STOP:
		/* Does not return on success: L0 stops the caller. */
		res->error = SBI_SUCCESS;
		res->action = SBI_NESTED_HART_STOP;
		break;
	case SBI_HSM_HART_GET_STATUS:
		if (req->args[0] >= sn->cfg->nharts) {
			res->error = SBI_ERR_INVALID_PARAM;
			break;
		}
		res->error = SBI_SUCCESS;
		res->value =
			(long)sn->ops->hart_get_status(sn->ctx, req->args[0]);
		break;
	case SBI_HSM_HART_SUSPEND:
		hsm_suspend(sn, req, res);
		break;
	default:
		break; /* SBI_ERR_NOT_SUPPORTED */
	}
}

const struct sbi_nested_ext sbi_nested_ext_hsm = {
	.name = "hsm",
	.id = SBI_NESTED_EXT_HSM,
	.extid_start = SBI_EXT_HSM,
	.extid_end = SBI_EXT_HSM,
	.probe = hsm_probe,
	.handle = hsm_handle,
};
