/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * l1_enter_guest_nacl(vcpu): l1_enter_guest (switch.S) with NACL. L2's
 * GPRs are already in the NACL SRET context of the shared memory, and the
 * SRET is the SBI call NACL SYNC_SRET, which the level below answers by
 * restoring them and emulating SRET ("This function does not return upon
 * success"). L2's next trap comes to l1_trap_entry, which returns from
 * here with a0 = vcpu, exactly as from l1_enter_guest. If the call does
 * come back, it failed: a0 is its SBI error (SBI calls preserve every
 * register but a0 and a1, so L1's context is intact).
 */
#include <rvnest/encoding.h>
#include <rvnest/sbi.h>

#include "l1.h"

#define HOST(n) (L1_VCPU_HOST + (n) * L1_REG_BYTES)

	.text
	.globl l1_enter_guest_nacl
l1_enter_guest_nacl:
	sd	ra, HOST(0)(a0)
	sd	sp, HOST(1)(a0)
	sd	gp, HOST(2)(a0)
	sd	tp, HOST(3)(a0)
	sd	s0, HOST(4)(a0)
	sd	s1, HOST(5)(a0)
	sd	s2, HOST(6)(a0)
	sd	s3, HOST(7)(a0)
	sd	s4, HOST(8)(a0)
	sd	s5, HOST(9)(a0)
	sd	s6, HOST(10)(a0)
	sd	s7, HOST(11)(a0)
	sd	s8, HOST(12)(a0)
	sd	s9, HOST(13)(a0)
	sd	s10, HOST(14)(a0)
	sd	s11, HOST(15)(a0)
	/* from the trap on, l1_trap_entry finds the vcpu here */
	csrw	CSR_SSCRATCH, a0
	ld	t0, L1_VCPU_SEPC(a0)
	csrw	CSR_SEPC, t0
	li	a7, SBI_EXT_NACL
	li	a6, SBI_NACL_SYNC_SRET
	ecall
	/* came back: the call failed; L1 runs on, sscratch = 0 again */
	csrw	CSR_SSCRATCH, zero
	ret
