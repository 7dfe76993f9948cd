/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Legacy extensions (SBI spec "Legacy Extensions", EIDs 0x00-0x08, SBI
 * v0.1). Each EID is one function, a6 is ignored, and only a0 is returned:
 * 0 or a negative error, except console_getchar (the byte, or -1) and
 * clear_ipi (whether an IPI was pending).
 */
#include "sbi_nested_ext.h"

static long legacy_probe(const struct sbi_nested *sn, unsigned long eid)
{
	const struct sbi_nested_ops *ops = sn->ops;

	/* Answer per EID, so a function whose L0 service is missing is
	 * neither probed as present nor callable. */
	switch (eid) {
	case SBI_EXT_LEGACY_SET_TIMER:
		return ops->set_timer != NULL;
	case SBI_EXT_LEGACY_CONSOLE_PUTCHAR:
		return ops->console_write != NULL;
	case SBI_EXT_LEGACY_CONSOLE_GETCHAR:
		return ops->console_getc != NULL;
	case SBI_EXT_LEGACY_CLEAR_IPI:
		return ops->clear_ipi != NULL;
	case SBI_EXT_LEGACY_SEND_IPI:
		return ops->send_ipi && ops->guest_read_ulong_virt;
	case SBI_EXT_LEGACY_REMOTE_FENCE_I:
	case SBI_EXT_LEGACY_REMOTE_SFENCE_VMA:
	case SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID:
		return ops->remote_fence && ops->guest_read_ulong_virt;
	default: /* SBI_EXT_LEGACY_SHUTDOWN: L0 acts on the result */
		return 1;
	}
}

/*
 * The legacy hart_mask is "a virtual address that points to a bit-vector of
 * harts" (SBI spec "Legacy Extensions"), read as the caller's S-mode load
 * would. A null pointer means every hart, as OpenSBI and KVM treat it.
 */
static long legacy_hart_mask(const struct sbi_nested *sn,
			     const struct sbi_nested_request *req,
			     unsigned long *mask, unsigned long *base)
{
	unsigned long gva = req->args[0];

	if (gva == 0) {
		*mask = 0;
		*base = SBI_NESTED_HART_MASK_ALL;
		return SBI_SUCCESS;
	}
	*base = 0;
	if (sn->ops->guest_read_ulong_virt(sn->ctx, req->hartid, gva, mask) !=
	    SBI_NESTED_OK)
		return SBI_ERR_INVALID_ADDRESS;
	return SBI_SUCCESS;
}

static long legacy_fence(const struct sbi_nested *sn,
			 const struct sbi_nested_request *req,
			 enum sbi_nested_fence_kind kind)
{
	struct sbi_nested_fence f = {
		.kind = kind, .all = true, .source_hartid = req->hartid};
	unsigned long mask, base;
	long err;

	err = legacy_hart_mask(sn, req, &mask, &base);
	if (err != SBI_SUCCESS)
		return err;
	if (kind != SBI_NESTED_FENCE_I) {
		/* a1 = start, a2 = size: the same range rules as RFENCE,
		 * which replaces these calls. */
		err = sbi_nested_fence_range(&f, req->args[1], req->args[2]);
		if (err != SBI_SUCCESS)
			return err;
	}
	if (kind == SBI_NESTED_FENCE_SFENCE_VMA_ASID)
		f.id = req->args[3];
	return sbi_nested_for_each_hart(sn, mask, base, sbi_nested_fence_one,
					&f);
}

static void legacy_handle(const struct sbi_nested *sn,
			  const struct sbi_nested_request *req,
			  struct sbi_nested_result *res)
{
	unsigned long mask, base;
	char c;

	/* res->legacy_a0_only is already set by the dispatcher */
	switch (req->eid) {
	case SBI_EXT_LEGACY_SET_TIMER:
		sn->ops->set_timer(sn->ctx, req->hartid, req->args[0]);
		sbi_nested_pmu_fw_event(sn, req->hartid, SBI_PMU_FW_SET_TIMER);
		res->error = SBI_SUCCESS;
		break;
	case SBI_EXT_LEGACY_CONSOLE_PUTCHAR:
		c = (char)req->args[0];
		res->error =
			sn->ops->console_write(sn->ctx, &c, 1) == SBI_NESTED_OK
				? SBI_SUCCESS
				: SBI_ERR_FAILED;
		break;
	case SBI_EXT_LEGACY_CONSOLE_GETCHAR:
		/* "returns the byte on success, or -1 for failure" */
		res->error = sn->ops->console_getc(sn->ctx);
		if (res->error < 0)
			res->error = -1;
		break;
	case SBI_EXT_LEGACY_CLEAR_IPI:
		/* "0 if no IPI had been pending, or an implementation
		 * specific positive value if an IPI had been pending" */
		res->error = sn->ops->clear_ipi(sn->ctx, req->hartid) ? 1 : 0;
		break;
	case SBI_EXT_LEGACY_SEND_IPI:
		res->error = legacy_hart_mask(sn, req, &mask, &base);
		if (res->error == SBI_SUCCESS)
			res->error = sbi_nested_for_each_hart(
				sn, mask, base, sbi_nested_ipi_one,
				&req->hartid);
		break;
	case SBI_EXT_LEGACY_REMOTE_FENCE_I:
		res->error = legacy_fence(sn, req, SBI_NESTED_FENCE_I);
		break;
	case SBI_EXT_LEGACY_REMOTE_SFENCE_VMA:
		res->error = legacy_fence(sn, req, SBI_NESTED_FENCE_SFENCE_VMA);
		break;
	case SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID:
		res->error =
			legacy_fence(sn, req, SBI_NESTED_FENCE_SFENCE_VMA_ASID);
		break;
	default: /* SBI_EXT_LEGACY_SHUTDOWN: the descriptor's range ends here */
		res->error = SBI_SUCCESS;
		res->action = SBI_NESTED_SHUTDOWN;
		res->reset_type = SBI_SRST_TYPE_SHUTDOWN;
		res->reset_reason = SBI_SRST_REASON_NONE;
		res->exit_status = 0;
		break;
	}
}

const struct sbi_nested_ext sbi_nested_ext_legacy = {
	.name = "legacy",
	.id = SBI_NESTED_EXT_LEGACY,
	.extid_start = SBI_EXT_LEGACY_SET_TIMER,
	.extid_end = SBI_EXT_LEGACY_SHUTDOWN,
	.probe = legacy_probe,
	.handle = legacy_handle,
};
