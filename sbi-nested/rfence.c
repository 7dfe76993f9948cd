/* SPDX-License-Identifier: BSD-2-Clause */
/* RFENCE extension (SBI spec "RFENCE Extension", EID 0x52464E43 "RFNC"). */
#include "sbi_nested_ext.h"

/* What each FID asks for; a0/a1 are always the hart mask. */
struct rfence_fn {
	unsigned long fid;
	enum sbi_nested_fence_kind kind;
	bool has_range; /* a2 = start_addr, a3 = size */
	bool has_id;	/* a4 = ASID or VMID */
	/* "This function call is only valid for harts implementing
	 * hypervisor extension" (the HFENCE functions) */
	bool needs_h;
};

static const struct rfence_fn rfence_fns[] = {
	{SBI_RFENCE_REMOTE_FENCE_I, SBI_NESTED_FENCE_I, false, false, false},
	{SBI_RFENCE_REMOTE_SFENCE_VMA, SBI_NESTED_FENCE_SFENCE_VMA, true, false,
	 false},
	{SBI_RFENCE_REMOTE_SFENCE_VMA_ASID, SBI_NESTED_FENCE_SFENCE_VMA_ASID,
	 true, true, false},
	{SBI_RFENCE_REMOTE_HFENCE_GVMA_VMID, SBI_NESTED_FENCE_HFENCE_GVMA_VMID,
	 true, true, true},
	{SBI_RFENCE_REMOTE_HFENCE_GVMA, SBI_NESTED_FENCE_HFENCE_GVMA, true,
	 false, true},
	{SBI_RFENCE_REMOTE_HFENCE_VVMA_ASID, SBI_NESTED_FENCE_HFENCE_VVMA_ASID,
	 true, true, true},
	{SBI_RFENCE_REMOTE_HFENCE_VVMA, SBI_NESTED_FENCE_HFENCE_VVMA, true,
	 false, true},
};

long sbi_nested_fence_range(struct sbi_nested_fence *f, unsigned long start,
			    unsigned long size)
{
	/* "The remote fence operation applies to the entire address space if
	 * either start_addr and size are both 0, or size is equal to
	 * 2^XLEN-1" (SBI spec RFENCE). */
	if ((start == 0 && size == 0) || size == ~0UL) {
		f->all = true;
		f->start = 0;
		f->size = 0;
		return SBI_SUCCESS;
	}
	/* A range whose last byte would wrap past the top of the address
	 * space names no real range: "start_addr or size is not valid". */
	if (size != 0 && size - 1 > ~0UL - start)
		return SBI_ERR_INVALID_ADDRESS;
	f->all = false;
	f->start = start;
	f->size = size;
	return SBI_SUCCESS;
}

/* PMU firmware event counted as sent by the caller, per fence kind (SBI
 * spec "Event: Firmware"); the matching "received" event is the next
 * code. */
static const unsigned long fence_sent_event[] = {
	[SBI_NESTED_FENCE_I] = SBI_PMU_FW_FENCE_I_SENT,
	[SBI_NESTED_FENCE_SFENCE_VMA] = SBI_PMU_FW_SFENCE_VMA_SENT,
	[SBI_NESTED_FENCE_SFENCE_VMA_ASID] = SBI_PMU_FW_SFENCE_VMA_ASID_SENT,
	[SBI_NESTED_FENCE_HFENCE_GVMA] = SBI_PMU_FW_HFENCE_GVMA_SENT,
	[SBI_NESTED_FENCE_HFENCE_GVMA_VMID] = SBI_PMU_FW_HFENCE_GVMA_VMID_SENT,
	[SBI_NESTED_FENCE_HFENCE_VVMA] = SBI_PMU_FW_HFENCE_VVMA_SENT,
	[SBI_NESTED_FENCE_HFENCE_VVMA_ASID] = SBI_PMU_FW_HFENCE_VVMA_ASID_SENT,
};

enum sbi_nested_status sbi_nested_fence_one(const struct sbi_nested *sn,
					    unsigned long hartid,
					    const void *arg)
{
	const struct sbi_nested_fence *f = arg;
	enum sbi_nested_status st = sn->ops->remote_fence(sn->ctx, hartid, f);

	if (st == SBI_NESTED_OK) {
		sbi_nested_pmu_fw_event(sn, f->source_hartid,
					fence_sent_event[f->kind]);
		sbi_nested_pmu_fw_event(sn, hartid,
					fence_sent_event[f->kind] + 1);
	}
	return st;
}

static long rfence_probe(const struct sbi_nested *sn, unsigned long eid)
{
	(void)eid;
	return sn->ops->remote_fence != NULL;
}

static void rfence_handle(const struct sbi_nested *sn,
			  const struct sbi_nested_request *req,
			  struct sbi_nested_result *res)
{
	const struct rfence_fn *fn = NULL;
	struct sbi_nested_fence f = {.source_hartid = req->hartid};

	for (size_t i = 0; i < sizeof(rfence_fns) / sizeof(rfence_fns[0]); i++)
		if (rfence_fns[i].fid == req->fid)
			fn = &rfence_fns[i];
	if (!fn)
		return; /* SBI_ERR_NOT_SUPPORTED */
	/* HFENCE on a guest without H: "not supported as ... one of the
	 * target harts doesn't support hypervisor extension". */
	if (fn->needs_h && !sn->cfg->guest_has_h)
		return;

	f.kind = fn->kind;
	if (fn->has_range) {
		res->error =
			sbi_nested_fence_range(&f, req->args[2], req->args[3]);
		if (res->error != SBI_SUCCESS)
			return;
	} else {
		f.all = true;
	}
	f.id = fn->has_id ? req->args[4] : 0;
	res->error = sbi_nested_for_each_hart(sn, req->args[0], req->args[1],
					      sbi_nested_fence_one, &f);
}

const struct sbi_nested_ext sbi_nested_ext_rfence = {
	.name = "rfence",
	.id = SBI_NESTED_EXT_RFENCE,
	.extid_start = SBI_EXT_RFENCE,
	.extid_end = SBI_EXT_RFENCE,
	.probe = rfence_probe,
	.handle = rfence_handle,
};
