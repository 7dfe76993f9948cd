/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L0's boot entry and its one trap entry / one trap exit.
 *
 * sscratch convention (as Linux and KVM use it): while a guest runs,
 * sscratch holds the running vCPU's struct l0_vcpu; while L0 itself runs it
 * holds 0. A trap therefore tells "from the guest" (sscratch != 0) from
 * "from L0" (a bug in L0: diagnosed and fatal) with one swap.
 */
#include <rvnest/encoding.h>
#include "vcpu_asm.h"

#define L0_BOOT_STACK_SIZE 16384

	.section .text.entry, "ax", %progbits
	.globl _start
_start:
	/* fw_dynamic: a0 = boot hart ID, a1 = host DTB, a2 = fw_dynamic
	 * info; interrupts are off (sstatus.SIE = 0). */
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	csrw	CSR_SSCRATCH, zero
	la	t0, l0_trap_vector
	csrw	CSR_STVEC, t0
	la	sp, l0_boot_stack + L0_BOOT_STACK_SIZE
	la	t0, _l0_bss_start
	la	t1, _l0_bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	l0_main
	/* l0_main never returns; if it did, fail loudly. */
	call	l0_main_returned

	/* A secondary host hart, started by L0 through OpenSBI HSM for one
	 * vCPU: a0 = hart ID, a1 = its struct l0_vcpu (SBI HSM hart_start
	 * "opaque"); S-mode, translation and interrupts off. */
	.globl l0_secondary_entry
	.balign 4
l0_secondary_entry:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	csrw	CSR_SSCRATCH, zero
	la	t0, l0_trap_vector
	csrw	CSR_STVEC, t0
	ld	sp, VCPU_L0_SP(a1)
	mv	a0, a1
	call	l0_secondary_main	/* never returns */
	call	l0_main_returned

	.text
	/* stvec MODE=Direct needs a 4-byte aligned base. */
	.balign 4
	.globl l0_trap_vector
l0_trap_vector:
	csrrw	sp, CSR_SSCRATCH, sp
	beqz	sp, .Lfrom_l0
	/* sp = vcpu, sscratch = guest sp */
	sd	ra, VCPU_GPR(1)(sp)
	sd	gp, VCPU_GPR(3)(sp)
	sd	tp, VCPU_GPR(4)(sp)
	sd	t0, VCPU_GPR(5)(sp)
	sd	t1, VCPU_GPR(6)(sp)
	sd	t2, VCPU_GPR(7)(sp)
	sd	s0, VCPU_GPR(8)(sp)
	sd	s1, VCPU_GPR(9)(sp)
	sd	a0, VCPU_GPR(10)(sp)
	sd	a1, VCPU_GPR(11)(sp)
	sd	a2, VCPU_GPR(12)(sp)
	sd	a3, VCPU_GPR(13)(sp)
	sd	a4, VCPU_GPR(14)(sp)
	sd	a5, VCPU_GPR(15)(sp)
	sd	a6, VCPU_GPR(16)(sp)
	sd	a7, VCPU_GPR(17)(sp)
	sd	s2, VCPU_GPR(18)(sp)
	sd	s3, VCPU_GPR(19)(sp)
	sd	s4, VCPU_GPR(20)(sp)
	sd	s5, VCPU_GPR(21)(sp)
	sd	s6, VCPU_GPR(22)(sp)
	sd	s7, VCPU_GPR(23)(sp)
	sd	s8, VCPU_GPR(24)(sp)
	sd	s9, VCPU_GPR(25)(sp)
	sd	s10, VCPU_GPR(26)(sp)
	sd	s11, VCPU_GPR(27)(sp)
	sd	t3, VCPU_GPR(28)(sp)
	sd	t4, VCPU_GPR(29)(sp)
	sd	t5, VCPU_GPR(30)(sp)
	sd	t6, VCPU_GPR(31)(sp)
	csrrw	t0, CSR_SSCRATCH, zero	/* guest sp; L0 is running now */
	sd	t0, VCPU_GPR(2)(sp)
	csrr	t0, CSR_SEPC
	sd	t0, VCPU_SEPC(sp)
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	mv	a0, sp
	ld	sp, VCPU_L0_SP(a0)
	call	l0_trap		/* returns the vCPU to resume in a0 */
	/* An L0 that is a NACL client of the SBI below (hcsr.h) returns
	 * through it: SYNC_SRET, or its pending syncs before the sret */
	lla	t0, l0_nacl_client_on
	lbu	t0, 0(t0)
	bnez	t0, .Lnacl_client
	/* fall through: the one exit */

	.globl l0_guest_enter
l0_guest_enter:
	/* a0 = struct l0_vcpu *: resume it at vcpu->sepc. sstatus.SPP and
	 * hstatus.SPV were set by the C code (sret returns to VS/VU). */
	ld	t0, VCPU_SEPC(a0)
	csrw	CSR_SEPC, t0
	csrw	CSR_SSCRATCH, a0
	ld	ra, VCPU_GPR(1)(a0)
	ld	sp, VCPU_GPR(2)(a0)
	ld	gp, VCPU_GPR(3)(a0)
	ld	tp, VCPU_GPR(4)(a0)
	ld	t0, VCPU_GPR(5)(a0)
	ld	t1, VCPU_GPR(6)(a0)
	ld	t2, VCPU_GPR(7)(a0)
	ld	s0, VCPU_GPR(8)(a0)
	ld	s1, VCPU_GPR(9)(a0)
	ld	a1, VCPU_GPR(11)(a0)
	ld	a2, VCPU_GPR(12)(a0)
	ld	a3, VCPU_GPR(13)(a0)
	ld	a4, VCPU_GPR(14)(a0)
	ld	a5, VCPU_GPR(15)(a0)
	ld	a6, VCPU_GPR(16)(a0)
	ld	a7, VCPU_GPR(17)(a0)
	ld	s2, VCPU_GPR(18)(a0)
	ld	s3, VCPU_GPR(19)(a0)
	ld	s4, VCPU_GPR(20)(a0)
	ld	s5, VCPU_GPR(21)(a0)
	ld	s6, VCPU_GPR(22)(a0)
	ld	s7, VCPU_GPR(23)(a0)
	ld	s8, VCPU_GPR(24)(a0)
	ld	s9, VCPU_GPR(25)(a0)
	ld	s10, VCPU_GPR(26)(a0)
	ld	s11, VCPU_GPR(27)(a0)
	ld	t3, VCPU_GPR(28)(a0)
	ld	t4, VCPU_GPR(29)(a0)
	ld	t5, VCPU_GPR(30)(a0)
	ld	t6, VCPU_GPR(31)(a0)
	ld	a0, VCPU_GPR(10)(a0)
	sret

.Lnacl_client:
	call	l0_nacl_client_enter	/* a0 = vCPU; never returns */

.Lfrom_l0:
	/* Undo the swap: sp is L0's again, sscratch 0. L0 runs with
	 * interrupts off, so this is an exception in L0 itself. */
	csrrw	sp, CSR_SSCRATCH, sp
	call	l0_self_trap	/* diagnoses and stops; never returns */

	.bss
	.balign 16
	.globl l0_boot_stack, l0_boot_stack_end
l0_boot_stack:
	.space L0_BOOT_STACK_SIZE
l0_boot_stack_end:
