/* SPDX-License-Identifier: BSD-2-Clause */
#include "fetch.h"

#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/insn.h>

#include "vcpu.h"

static enum l0_fetch_status fetch16(struct l0_vcpu *v, unsigned long pc,
				    uint16_t *half)
{
	/* Translate as an instruction fetch at the trapping privilege:
	 * sstatus.SPP at the trap says VS (1) or VU (0). */
	struct pt_walk_opts opts = {
		.user = !(v->trap.sstatus & SSTATUS_SPP),
	};
	uint64_t gpa;

	if (l0_gmem_gva_to_gpa(&v->guest->gmem, csr_read(CSR_VSATP), pc,
			       PT_ACCESS_EXEC, &opts, &gpa) != PT_WALK_OK ||
	    !l0_gmem_read(&v->guest->gmem, gpa, half, sizeof(*half)))
		return L0_FETCH_FAULT;
	return L0_FETCH_OK;
}

enum l0_fetch_status l0_fetch_insn(struct l0_vcpu *v, unsigned long pc,
				   uint32_t *insn)
{
	uint16_t lo, hi;

	/* Two halves, each translated: a 32-bit instruction may straddle a
	 * page boundary (IALIGN=16 with C). */
	if (fetch16(v, pc, &lo) != L0_FETCH_OK)
		return L0_FETCH_FAULT;
	switch (insn_length(lo)) {
	case 2:
		*insn = lo;
		return L0_FETCH_OK;
	case 4:
		if (fetch16(v, pc + 2, &hi) != L0_FETCH_OK)
			return L0_FETCH_FAULT;
		*insn = (uint32_t)lo | ((uint32_t)hi << 16);
		return L0_FETCH_OK;
	default:
		return L0_FETCH_UNSUPPORTED;
	}
}
