/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hprobe's one HS trap entry and the jump buffer that takes every
 * probe back to its runner. Nothing here ever returns into a trapped
 * context: a trap ends the probe that caused it (hp_trap -> hp_longjmp), so
 * one broken probe cannot derail the next.
 */
#include <rvnest/encoding.h>
#include "hprobe.h"

	.text
	/* stvec requires 4-byte alignment (direct mode: low bits 00). */
	.balign 4
	.globl hp_trap_entry
hp_trap_entry:
	csrrw	sp, CSR_SSCRATCH, sp
	addi	sp, sp, -HP_FRAME_SIZE
	.irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, (\n * 8)(sp)
	.endr
	csrr	t0, CSR_SSCRATCH
	sd	t0, (2 * 8)(sp)
	mv	a0, sp
	call	hp_trap
	/* hp_trap never returns. */
	unimp

	/* unsigned long hp_enter(jb, body, arg, guest_sp, lower) */
	.globl hp_enter
hp_enter:
	sd	ra, 0(a0)
	sd	sp, 8(a0)
	sd	s0, 16(a0)
	sd	s1, 24(a0)
	sd	s2, 32(a0)
	sd	s3, 40(a0)
	sd	s4, 48(a0)
	sd	s5, 56(a0)
	sd	s6, 64(a0)
	sd	s7, 72(a0)
	sd	s8, 80(a0)
	sd	s9, 88(a0)
	sd	s10, 96(a0)
	sd	s11, 104(a0)
	mv	sp, a3
	mv	t0, a1
	mv	a0, a2
	mv	a1, t0
	mv	a2, a4
	la	t0, hp_guest_tramp
	bnez	a2, 1f
	jr	t0
1:	csrw	CSR_SEPC, t0
	sret

	/* void hp_longjmp(jb, value) */
	.globl hp_longjmp
hp_longjmp:
	/* The trap entry left the trapped sp in sscratch: give the next
	 * trap its own stack back. */
	la	t0, hp_trap_stack + HP_STACK_SIZE
	csrw	CSR_SSCRATCH, t0
	ld	ra, 0(a0)
	ld	sp, 8(a0)
	ld	s0, 16(a0)
	ld	s1, 24(a0)
	ld	s2, 32(a0)
	ld	s3, 40(a0)
	ld	s4, 48(a0)
	ld	s5, 56(a0)
	ld	s6, 64(a0)
	ld	s7, 72(a0)
	ld	s8, 80(a0)
	ld	s9, 88(a0)
	ld	s10, 96(a0)
	ld	s11, 104(a0)
	mv	a0, a1
	ret

	/* Everything below runs in the probed mode, so it lives in
	 * .hp_gtext, which the VS-stage tables map for guests. */
	.section .hp_gtext, "ax"
	/* hp_guest_tramp(arg, body, lower): run the body, then hand its
	 * result to HS-mode: directly in HS, by ECALL from any lower mode. */
	.globl hp_guest_tramp
hp_guest_tramp:
	mv	s0, a2
	jalr	a1
	bnez	s0, 1f
	tail	hp_hs_returned
1:	li	a7, HP_ECALL_EXIT
	ecall
	unimp

	/* vstvec: a trap delegated to VS-mode (hedeleg/hideleg) ends the
	 * probe; HS reads vscause/vstval/vsepc, which this leaves intact.
	 * Direct mode needs 4-byte alignment. */
	.balign 4
	.globl hp_vs_vector
hp_vs_vector:
	li	a7, HP_ECALL_VSTRAP
	ecall
	unimp

	.bss
	.balign 16
	.globl hp_boot_stack, hp_boot_stack_top, hp_trap_stack, hp_guest_stack
hp_boot_stack:
	.skip HP_STACK_SIZE
hp_boot_stack_top:	/* __stack_top of common/crt0.S (hprobe.ld) */
hp_trap_stack:
	.skip HP_STACK_SIZE
hp_guest_stack:
	.skip HP_STACK_SIZE
