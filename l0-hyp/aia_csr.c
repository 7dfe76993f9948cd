/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L0's S-level IMSIC file on the hart (Smaia/Ssaia): siselect picks a
 * register, sireg reads or writes it; a write to stopei claims the top
 * interrupt and the read in the same CSRRW returns it (AIA "Top external
 * interrupt CSRs"). Host builds use a model instead (tests/).
 */
#include <rvnest/csr.h>

#include "aia.h"

uint64_t l0_imsic_read(unsigned reg)
{
	csr_write(CSR_SISELECT, reg);
	return csr_read(CSR_SIREG);
}

void l0_imsic_write(unsigned reg, uint64_t val)
{
	csr_write(CSR_SISELECT, reg);
	csr_write(CSR_SIREG, val);
}

uint64_t l0_imsic_claim_topei(void)
{
	return csr_swap(CSR_STOPEI, 0);
}

uint64_t l0_aia_hgeie_writable(void)
{
	uint64_t m;

	/* hgeie is 0 while L0 runs (it takes no SGEI), so no interrupt can
	 * fire between the two writes */
	csr_write(CSR_HGEIE, ~0UL);
	m = csr_read(CSR_HGEIE);
	csr_write(CSR_HGEIE, 0);
	return m;
}
