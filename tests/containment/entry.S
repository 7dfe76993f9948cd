/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The containment payload's entry, its trap vectors and its L2 code
 * (tests/containment/README.md).
 *
 * ct_vector: the payload's own vector. A trap from L2 (ct_scratch[1] = 1,
 * set by ct_run_l2) returns from ct_run_l2 with scause and L2's a0; any
 * other trap is reported by ct_fatal_trap.
 * ct_retry_vector: a naive handler that returns to the faulting
 * instruction unchanged (sret with sepc as the trap left it).
 */
#include <rvnest/encoding.h>

#include "l1_entry.h"

#define CT_STACK_SIZE 8192
/* what ct_run_l2 keeps across L2 (ct_saved) */
#define CT_SAVED ra, sp, gp, tp, s0, s1

	/* OpenSBI payload convention: a0 = hart ID, a1 = DTB */
	L1_START ct_stack, CT_STACK_SIZE, _ct_bss_start, _ct_bss_end, \
		ct_scratch, ct_vector, ct_main, ct_tls

	.text
/* unsigned long ct_run_l2(pc, a0, a1, a2): enter VS-mode at pc (the
 * caller set hstatus.SPV, sstatus.SPP and hgatp); returns the scause of
 * L2's first trap, L2's a0 in ct_scratch[2]. */
	L1_RUN_L2 ct_run_l2, ct_saved, ct_scratch, 3, CT_SAVED

	L1_VECTOR ct_vector, ct_trap_in_l1
	L1_FROM_L2 ct_saved, 2, CT_SAVED

ct_trap_in_l1:
	L1_FATAL ct_stack, CT_STACK_SIZE, ct_fatal_trap

	.balign 4
	.globl ct_retry_vector
ct_retry_vector:
	sret

/* L2: a1 loads from a0, a0 + a2, a0 + 2*a2, ... summed, twice over;
 * the sum is returned in a0 through an ecall (to L1). */
	.balign 4
	.globl ct_l2_sweep
ct_l2_sweep:
	li	t3, 2
	li	t2, 0
	mv	t4, a0
	mv	t5, a1
5:	mv	a0, t4
	mv	a1, t5
6:	ld	t0, 0(a0)
	add	t2, t2, t0
	add	a0, a0, a2
	addi	a1, a1, -1
	bnez	a1, 6b
	addi	t3, t3, -1
	bnez	t3, 5b
	mv	a0, t2
	ecall

/* L2: interrupts off, then a loop with no trap */
	.balign 4
	.globl ct_l2_spin
ct_l2_spin:
	csrci	CSR_SSTATUS, SSTATUS_SIE
7:	j	7b

/* L2: one load from a0, then an ecall with what it read */
	.balign 4
	.globl ct_l2_load
ct_l2_load:
	ld	a0, 0(a0)
	ecall

	.bss
	.balign 16
ct_stack:
	.space CT_STACK_SIZE
	L1_SAVE_AREA ct_saved, CT_SAVED
	.globl ct_scratch
ct_scratch:
	.space 3*REG
	.balign 64
	.globl ct_tls
ct_tls:
	.space 256
