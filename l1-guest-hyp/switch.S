/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The world switch between L1 and L2, and L1's one trap entry.
 *
 * l1_enter_guest(vcpu) saves L1's callee-saved registers in the vcpu,
 * loads L2's GPRs and SRETs (hstatus.SPV=1: "Trap Return" enters V=1).
 * The next trap from L2 comes to l1_trap_entry, which saves L2's GPRs and
 * returns from l1_enter_guest as if it were an ordinary call: one entry,
 * one exit. sscratch holds the vcpu pointer while L2 runs and 0 while L1
 * runs, which is how a trap in L1 itself is told apart.
 */
#include <rvnest/encoding.h>
#include <rvnest/sbi.h>

#include "l1.h"

#define GPR(n) ((n) * L1_REG_BYTES)
#define HOST(n) (L1_VCPU_HOST + (n) * L1_REG_BYTES)

/*
 * The L2-entry prologue shared by both ways into L2: save L1's
 * callee-saved registers in the vcpu (a0), arm sscratch so l1_trap_entry
 * finds the vcpu when L2 traps, and set sepc to L2's pc.
 */
.macro	enter_prologue
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
	csrw	CSR_SSCRATCH, a0
	ld	t0, L1_VCPU_SEPC(a0)
	csrw	CSR_SEPC, t0
.endm

	.text
	.globl l1_enter_guest
l1_enter_guest:
	enter_prologue
	ld	x1, GPR(1)(a0)
	ld	x2, GPR(2)(a0)
	ld	x3, GPR(3)(a0)
	ld	x4, GPR(4)(a0)
	ld	x5, GPR(5)(a0)
	ld	x6, GPR(6)(a0)
	ld	x7, GPR(7)(a0)
	ld	x8, GPR(8)(a0)
	ld	x9, GPR(9)(a0)
	ld	x11, GPR(11)(a0)
	ld	x12, GPR(12)(a0)
	ld	x13, GPR(13)(a0)
	ld	x14, GPR(14)(a0)
	ld	x15, GPR(15)(a0)
	ld	x16, GPR(16)(a0)
	ld	x17, GPR(17)(a0)
	ld	x18, GPR(18)(a0)
	ld	x19, GPR(19)(a0)
	ld	x20, GPR(20)(a0)
	ld	x21, GPR(21)(a0)
	ld	x22, GPR(22)(a0)
	ld	x23, GPR(23)(a0)
	ld	x24, GPR(24)(a0)
	ld	x25, GPR(25)(a0)
	ld	x26, GPR(26)(a0)
	ld	x27, GPR(27)(a0)
	ld	x28, GPR(28)(a0)
	ld	x29, GPR(29)(a0)
	ld	x30, GPR(30)(a0)
	ld	x31, GPR(31)(a0)
	ld	x10, GPR(10)(a0)
	sret

	.balign 4
	.globl l1_trap_entry
l1_trap_entry:
	csrrw	a0, CSR_SSCRATCH, a0
	beqz	a0, .Lself_trap
	sd	x1, GPR(1)(a0)
	sd	x2, GPR(2)(a0)
	sd	x3, GPR(3)(a0)
	sd	x4, GPR(4)(a0)
	sd	x5, GPR(5)(a0)
	sd	x6, GPR(6)(a0)
	sd	x7, GPR(7)(a0)
	sd	x8, GPR(8)(a0)
	sd	x9, GPR(9)(a0)
	sd	x11, GPR(11)(a0)
	sd	x12, GPR(12)(a0)
	sd	x13, GPR(13)(a0)
	sd	x14, GPR(14)(a0)
	sd	x15, GPR(15)(a0)
	sd	x16, GPR(16)(a0)
	sd	x17, GPR(17)(a0)
	sd	x18, GPR(18)(a0)
	sd	x19, GPR(19)(a0)
	sd	x20, GPR(20)(a0)
	sd	x21, GPR(21)(a0)
	sd	x22, GPR(22)(a0)
	sd	x23, GPR(23)(a0)
	sd	x24, GPR(24)(a0)
	sd	x25, GPR(25)(a0)
	sd	x26, GPR(26)(a0)
	sd	x27, GPR(27)(a0)
	sd	x28, GPR(28)(a0)
	sd	x29, GPR(29)(a0)
	sd	x30, GPR(30)(a0)
	sd	x31, GPR(31)(a0)
	/* L2's a0 is in sscratch; put 0 back there: L1 runs from here on. */
	csrrw	t0, CSR_SSCRATCH, zero
	sd	t0, GPR(10)(a0)
	csrr	t0, CSR_SEPC
	sd	t0, L1_VCPU_SEPC(a0)
	ld	ra, HOST(0)(a0)
	ld	sp, HOST(1)(a0)
	ld	gp, HOST(2)(a0)
	ld	tp, HOST(3)(a0)
	ld	s0, HOST(4)(a0)
	ld	s1, HOST(5)(a0)
	ld	s2, HOST(6)(a0)
	ld	s3, HOST(7)(a0)
	ld	s4, HOST(8)(a0)
	ld	s5, HOST(9)(a0)
	ld	s6, HOST(10)(a0)
	ld	s7, HOST(11)(a0)
	ld	s8, HOST(12)(a0)
	ld	s9, HOST(13)(a0)
	ld	s10, HOST(14)(a0)
	ld	s11, HOST(15)(a0)
	ret

.Lself_trap:
	/* A trap taken in L1 (V=0): restore a0 and sscratch = 0, then
	 * report it; L1 never expects one, so there is no way back. */
	csrrw	a0, CSR_SSCRATCH, a0
	j	l1_self_trap

/*
 * l1_enter_guest_nacl(vcpu): l1_enter_guest with NACL. L2's GPRs are
 * already in the NACL SRET context of the shared memory, and the SRET is
 * the SBI call NACL SYNC_SRET, which the level below answers by restoring
 * them and emulating SRET ("This function does not return upon success").
 * L2's next trap comes to l1_trap_entry, which returns from here with
 * a0 = vcpu, exactly as from l1_enter_guest. If the call does come back,
 * it failed: a0 is its SBI error (SBI calls preserve every register but a0
 * and a1, so L1's context is intact).
 */
	.globl l1_enter_guest_nacl
l1_enter_guest_nacl:
	enter_prologue
	li	a7, SBI_EXT_NACL
	li	a6, SBI_NACL_SYNC_SRET
	ecall
	/* came back: the call failed; L1 runs on, sscratch = 0 again */
	csrw	CSR_SSCRATCH, zero
	ret

/*
 * l1_secondary_entry: a secondary L1 hart, started by the boot hart
 * through the SBI below (HSM hart_start: a0 = hart id, a1 = opaque, here
 * its struct l1_hart_boot with its own stack and TLS block; smp.c).
 */
	.globl l1_secondary_entry
l1_secondary_entry:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	ld	sp, L1_BOOT_SP(a1)
	ld	tp, L1_BOOT_TP(a1)
	call	l1_secondary_main
	unimp
