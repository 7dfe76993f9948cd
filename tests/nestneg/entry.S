/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nestneg's entry, its one HS trap vector, and the switch into its L2:
 * nn_run_l2(pc, a0) saves L1's callee-saved registers, enters VS-mode at
 * pc with a0 (hstatus.SPV = 1, sstatus.SPP = 1 set by the caller) and
 * returns the scause of the first trap back into HS-mode (L2 never
 * resumes: every probe is one instruction).
 *
 * sscratch always points at nn_scratch: {saved t1, in_l2 flag, count of
 * VS software interrupts taken by nestneg itself}.
 */
#include <rvnest/encoding.h>

#define NN_STACK_SIZE 8192
#define REG 8

	.section .text.entry, "ax"
	.globl _start
_start:
	/* OpenSBI payload convention: a0 = hart ID, a1 = DTB */
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, nn_stack + NN_STACK_SIZE
	la	t0, _nn_bss_start
	la	t1, _nn_bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, REG
	j	1b
2:	la	tp, nn_tls
	la	t0, nn_scratch
	csrw	CSR_SSCRATCH, t0
	la	t0, nn_trap_vector
	csrw	CSR_STVEC, t0
	call	nn_main
3:	wfi
	j	3b

	.text
	.globl nn_run_l2
nn_run_l2:
	la	t0, nn_saved
	sd	ra, 0*REG(t0)
	sd	sp, 1*REG(t0)
	sd	gp, 2*REG(t0)
	sd	tp, 3*REG(t0)
	sd	s0, 4*REG(t0)
	sd	s1, 5*REG(t0)
	sd	s2, 6*REG(t0)
	sd	s3, 7*REG(t0)
	sd	s4, 8*REG(t0)
	sd	s5, 9*REG(t0)
	sd	s6, 10*REG(t0)
	sd	s7, 11*REG(t0)
	sd	s8, 12*REG(t0)
	sd	s9, 13*REG(t0)
	sd	s10, 14*REG(t0)
	sd	s11, 15*REG(t0)
	csrw	CSR_SEPC, a0
	mv	a0, a1
	/* the next trap comes from L2 */
	la	t0, nn_scratch
	li	t1, 1
	sd	t1, 1*REG(t0)
	sret

	/* stvec MODE=Direct needs 4-byte alignment */
	.balign 4
nn_trap_vector:
	csrrw	t0, CSR_SSCRATCH, t0	/* t0 = nn_scratch */
	sd	t1, 0*REG(t0)
	ld	t1, 1*REG(t0)
	bnez	t1, nn_trap_from_l2
	/* nestneg's own trap: only the VS software interrupt it leaves
	 * undelegated on purpose (nn_main, case 4) is expected */
	csrr	t1, CSR_SCAUSE
	bgez	t1, nn_trap_in_l1		/* an exception */
	slli	t1, t1, 1
	addi	t1, t1, -(2 * IRQ_VS_SOFT)
	bnez	t1, nn_trap_in_l1
	li	t1, MIP_VSSIP
	csrc	CSR_HVIP, t1
	ld	t1, 2*REG(t0)
	addi	t1, t1, 1
	sd	t1, 2*REG(t0)
	ld	t1, 0*REG(t0)
	csrrw	t0, CSR_SSCRATCH, t0
	sret

nn_trap_from_l2:
	sd	zero, 1*REG(t0)
	csrrw	t0, CSR_SSCRATCH, t0
	la	t0, nn_saved
	ld	ra, 0*REG(t0)
	ld	sp, 1*REG(t0)
	ld	gp, 2*REG(t0)
	ld	tp, 3*REG(t0)
	ld	s0, 4*REG(t0)
	ld	s1, 5*REG(t0)
	ld	s2, 6*REG(t0)
	ld	s3, 7*REG(t0)
	ld	s4, 8*REG(t0)
	ld	s5, 9*REG(t0)
	ld	s6, 10*REG(t0)
	ld	s7, 11*REG(t0)
	ld	s8, 12*REG(t0)
	ld	s9, 13*REG(t0)
	ld	s10, 14*REG(t0)
	ld	s11, 15*REG(t0)
	csrr	a0, CSR_SCAUSE
	ret

nn_trap_in_l1:
	/* any other trap in nestneg itself: report it and stop */
	la	sp, nn_stack + NN_STACK_SIZE
	call	nn_fatal_trap
4:	wfi
	j	4b

	/* L2's code: one access, then an ecall that ends the run */
	.balign 4
	.globl nn_l2_load
nn_l2_load:
	ld	a0, 0(a0)
	ecall

	.bss
	.balign 16
nn_stack:
	.space NN_STACK_SIZE
nn_saved:
	.space 16*REG
	.globl nn_scratch
nn_scratch:
	.space 3*REG
	.balign 64
	.globl nn_tls
nn_tls:
	.space 256
