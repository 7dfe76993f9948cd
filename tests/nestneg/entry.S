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

#include "l1_entry.h"

#define NN_STACK_SIZE 8192
/* what nn_run_l2 keeps across L2 (nn_saved): every callee-saved register */
#define NN_SAVED ra, sp, gp, tp, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, \
	s10, s11

	/* OpenSBI payload convention: a0 = hart ID, a1 = DTB */
	L1_START nn_stack, NN_STACK_SIZE, _nn_bss_start, _nn_bss_end, \
		nn_scratch, nn_trap_vector, nn_main, nn_tls

	.text
	L1_RUN_L2 nn_run_l2, nn_saved, nn_scratch, 1, NN_SAVED

	/* from L2: L2's a0 is not kept (nn_scratch[2] is the count below) */
	L1_VECTOR nn_trap_vector, nn_trap_own
	L1_FROM_L2 nn_saved, , NN_SAVED

nn_trap_own:
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

nn_trap_in_l1:
	/* any other trap in nestneg itself: report it and stop */
	L1_FATAL nn_stack, NN_STACK_SIZE, nn_fatal_trap

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
	L1_SAVE_AREA nn_saved, NN_SAVED
	.globl nn_scratch
nn_scratch:
	.space 3*REG
	.balign 64
	.globl nn_tls
nn_tls:
	.space 256
