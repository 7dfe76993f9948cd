/* SPDX-License-Identifier: BSD-2-Clause */
#include "fetch.h"

#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/insn.h>

#include "hcsr.h"
#include "options.h"
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

	if (l0_gmem_gva_to_gpa(&v->guest->gmem, l0_hcsr_read(v, CSR_VSATP), pc,
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

bool l0_trap_insn(struct l0_vcpu *v, uint32_t *raw, struct insn *in)
{
	/* "stval": on an illegal- or virtual-instruction trap stval is 0 or
	 * holds the faulting instruction (its first min(ILEN, XLEN) bits);
	 * QEMU 10 always writes it. Bits that do not decode (a stale stval,
	 * as older QEMU leaves after some traps) are not trusted: fetch. */
	if (v->guest->opts->decode == L0_DECODE_REPORTED && v->trap.stval) {
		*raw = (uint32_t)v->trap.stval;
		if (insn_decode(*raw, in))
			return true;
	}
	*raw = 0;
	if (l0_fetch_insn(v, v->sepc, raw) != L0_FETCH_OK) {
		*raw = 0;
		return false;
	}
	return insn_decode(*raw, in);
}

enum l0_fetch_status l0_fault_insn(struct l0_vcpu *v, struct insn *in)
{
	unsigned long ti = v->trap.htinst;
	enum l0_fetch_status st;
	uint32_t raw;

	/* htinst of a guest-page fault on an explicit load or store is its
	 * transformed instruction ("Transformed Instruction or
	 * Pseudoinstruction for htinst"): bit 0 = 1 (pseudoinstructions,
	 * for implicit accesses, have it 0), bit 1 = 0 when the original was
	 * compressed (the 32-bit equivalent is given), immediate zero and
	 * rs1 the address offset, both unused here (the address is the
	 * fault's). */
	if (v->guest->opts->decode == L0_DECODE_REPORTED && (ti & 1) &&
	    insn_decode((uint32_t)ti | INSN_LEN_32BIT, in) &&
	    (in->kind == INSN_LOAD || in->kind == INSN_STORE)) {
		in->len = (ti & 2) ? 4 : 2;
		return L0_FETCH_OK;
	}
	/* a fetch that faults, or an instruction of a length L0 does not
	 * decode (48 bits or more, "Expanded Instruction-Length
	 * Encoding"), which is no load or store it could emulate */
	st = l0_fetch_insn(v, v->sepc, &raw);
	if (st != L0_FETCH_OK)
		return st;
	return insn_decode(raw, in) ? L0_FETCH_OK : L0_FETCH_UNSUPPORTED;
}
