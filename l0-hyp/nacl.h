/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L0's side of the SBI nested-acceleration extension (NACL, sbi-nested/
 * nacl.c): the services sbi-nested needs, on top of L1's virtual HS state
 * (vhyp.h), and the hook that keeps each hart's NACL CSR space current.
 *
 * What L0 must call for NACL to be correct (the spec's "The SBI
 * implementation MUST update the CSR space whenever the state of any
 * RISC-V H-extension CSR changes"):
 *   - l0_nacl_setup() once at boot, after l0_sbi_setup(), with the l0.nacl=
 *     features (0: NACL stays absent);
 *   - l0_nacl_trap_done() at the end of every trap L0 handled for a vCPU
 *     that goes on running, with whether L2 was running when the trap came.
 * After a trap of L1's own, l0_nacl_trap_done() writes the CSR space back
 * only if L0's counters L0_EV_L1_CSR, L0_EV_L1_SRET or L0_EV_INJECT_EXC
 * moved (nacl.c): any other path that changes L1's virtual h* or vs* CSRs
 * while L1 runs must count as one of them, or call
 * sbi_nested_nacl_csr_changed() itself.
 */
#ifndef L0_NACL_H
#define L0_NACL_H

#include <sbi_nested.h>
#include <stdbool.h>

struct l0_vcpu;
struct l0_guest;

/* Offer the NACL features `features` (SBI_NESTED_NACL_BIT() mask) to L1.
 * Only with the H extension emulated for L1 (l1.h=1); otherwise, and with
 * 0, NACL probes absent. */
void l0_nacl_setup(struct l0_guest *g, unsigned long features);

/* After a trap: L2 exited to L1 (was_in_l2 and L1 runs now): the autoswap
 * and the CSR-space write-back (sbi_nested_nacl_virt_off); L1 trapped and
 * still runs: the write-back (its CSRs may have changed). */
void l0_nacl_trap_done(struct l0_vcpu *v, bool was_in_l2);

/* L1 executed a real SRET into L2 (virtual hstatus.SPV = 1): apply the
 * CSRs it left dirty in the CSR space first (sbi_nested_nacl_sret_trapped
 * says why). */
void l0_nacl_sret_trapped(struct l0_vcpu *v);

/* L1's SBI call (a7, a6 in its GPRs): if it is NACL SYNC_SRET and L0
 * offers it, do it here, past l0_sbi_ecall's dispatch, and return true
 * (the call's result written as l0_sbi_ecall would); else false. */
bool l0_nacl_sync_sret(struct l0_vcpu *v);

/* struct sbi_nested_ops services; ctx is the calling struct l0_vcpu. */
enum sbi_nested_status l0_nacl_hcsr_read(void *ctx, unsigned long hartid,
					 unsigned csr, unsigned long *val);
const unsigned long *l0_nacl_hcsr_addr(void *ctx, unsigned long hartid,
				       unsigned csr);
enum sbi_nested_status l0_nacl_hcsr_write(void *ctx, unsigned long hartid,
					  unsigned csr, unsigned long val);
enum sbi_nested_status l0_nacl_hfence(void *ctx, unsigned long hartid,
				      const struct sbi_nested_hfence *f);
enum sbi_nested_status l0_nacl_sret(void *ctx, unsigned long hartid,
				    const unsigned long gpr[32]);

#endif /* L0_NACL_H */
