/* SPDX-License-Identifier: BSD-2-Clause */
#include "fetch.h"

#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/insn.h>

#include "vcpu.h"

/* Host address of the instruction bytes at `pc` and how many bytes from
 * there L0 may read without translating again: to the end of pc's page
 * (the translation covers it) or of the host block, whichever is first. */
static enum l0_fetch_status fetch_hpa(struct l0_vcpu *v, unsigned long pc,
				      uint64_t *hpa, uint64_t *n)
{
	/* Translate as an instruction fetch at the trapping privilege:
	 * sstatus.SPP at the trap says VS (1) or VU (0). */
	struct pt_walk_opts opts = {
		.user = !(v->trap.sstatus & SSTATUS_SPP),
	};
	uint64_t gpa, in_page = PAGE_SIZE - (pc & (PAGE_SIZE - 1));

	if (l0_gmem_gva_to_gpa(&v->guest->gmem, csr_read(CSR_VSATP), pc,
			       PT_ACCESS_EXEC, &opts, &gpa) != PT_WALK_OK ||
	    !l0_gmem_hpa(&v->guest->gmem, gpa, hpa, n))
		return L0_FETCH_FAULT;
	if (*n > in_page)
		*n = in_page;
	return L0_FETCH_OK;
}

/* One 16-bit parcel from L1 RAM (L0 runs untranslated: host PA = its
 * address; pc is 2-byte aligned, IALIGN=16 with C). */
static uint16_t parcel(uint64_t hpa)
{
	return *(const volatile uint16_t *)(uintptr_t)hpa;
}

enum l0_fetch_status l0_fetch_insn(struct l0_vcpu *v, unsigned long pc,
				   uint32_t *insn)
{
	uint64_t hpa, n;
	uint16_t lo, hi;

	if (fetch_hpa(v, pc, &hpa, &n) != L0_FETCH_OK)
		return L0_FETCH_FAULT;
	lo = parcel(hpa);
	switch (insn_length(lo)) {
	case 2:
		*insn = lo;
		return L0_FETCH_OK;
	case 4:
		/* A 32-bit instruction may straddle a page boundary: its
		 * second half is translated on its own then. */
		if (n >= 4)
			hi = parcel(hpa + 2);
		else if (fetch_hpa(v, pc + 2, &hpa, &n) == L0_FETCH_OK)
			hi = parcel(hpa);
		else
			return L0_FETCH_FAULT;
		*insn = (uint32_t)lo | ((uint32_t)hi << 16);
		return L0_FETCH_OK;
	default:
		return L0_FETCH_UNSUPPORTED;
	}
}
