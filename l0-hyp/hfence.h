/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L0's HFENCEs as the instructions themselves (no NACL below): the one
 * place that picks the form from the operands the fence has. nacl_client.c
 * issues them when SYNC_HFENCE is off, and the model hart
 * (tests/model_hart.c) calls the same code on the model CSR file.
 */
#ifndef L0_HFENCE_H
#define L0_HFENCE_H

#include <rvnest/csr.h>
#include <stdbool.h>

#include "hcsr.h"

/* HFENCE.GVMA with rs1 = gpa (byte address) when has_gpa, rs2 = vmid when
 * has_vmid, x0 otherwise ("Hypervisor Memory-Management Fence
 * Instructions"). */
static inline void l0_hfence_gvma_insn(bool has_gpa, unsigned long gpa,
				       bool has_vmid, unsigned long vmid)
{
	if (has_gpa && has_vmid)
		hfence_gvma_gpa_vmid(gpa, vmid);
	else if (has_gpa)
		hfence_gvma_gpa(gpa);
	else if (has_vmid)
		hfence_gvma_vmid(vmid);
	else
		hfence_gvma_all();
}

/* HFENCE.VVMA acts on the VMID of the current hgatp ("Hypervisor
 * Memory-Management Fence Instructions"): hgatp holds `hgatp` for the
 * fence (unless it is L0_HGATP_CURRENT) and gets its value back after. */
static inline void l0_hfence_vvma_insn(unsigned long hgatp, bool has_va,
				       unsigned long va, bool has_asid,
				       unsigned long asid)
{
	unsigned long old = 0;

	if (hgatp != L0_HGATP_CURRENT)
		old = csr_swap(CSR_HGATP, hgatp);
	if (has_va && has_asid)
		hfence_vvma_va_asid(va, asid);
	else if (has_va)
		hfence_vvma_va(va);
	else if (has_asid)
		hfence_vvma_asid(asid);
	else
		hfence_vvma_all();
	if (hgatp != L0_HGATP_CURRENT)
		csr_write(CSR_HGATP, old);
}

#endif /* L0_HFENCE_H */
