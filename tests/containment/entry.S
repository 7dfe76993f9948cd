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

#define CT_STACK_SIZE 8192
#define REG 8

	.section .text.entry, "ax"
	.globl _start
_start:
	/* OpenSBI payload convention: a0 = hart ID, a1 = DTB */
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, ct_stack + CT_STACK_SIZE
	la	t0, _ct_bss_start
	la	t1, _ct_bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, REG
	j	1b
2:	la	tp, ct_tls
	la	t0, ct_scratch
	csrw	CSR_SSCRATCH, t0
	la	t0, ct_vector
	csrw	CSR_STVEC, t0
	call	ct_main
3:	wfi
	j	3b

	.text
/* unsigned long ct_run_l2(pc, a0, a1, a2): enter VS-mode at pc (the
 * caller set hstatus.SPV, sstatus.SPP and hgatp); returns the scause of
 * L2's first trap, L2's a0 in ct_scratch[2]. */
	.globl ct_run_l2
ct_run_l2:
	la	t0, ct_saved
	sd	ra, 0*REG(t0)
	sd	sp, 1*REG(t0)
	sd	gp, 2*REG(t0)
	sd	tp, 3*REG(t0)
	sd	s0, 4*REG(t0)
	sd	s1, 5*REG(t0)
	csrw	CSR_SEPC, a0
	mv	a0, a1
	mv	a1, a2
	mv	a2, a3
	la	t0, ct_scratch
	li	t1, 1
	sd	t1, 1*REG(t0)
	sret

	.balign 4
ct_vector:
	csrrw	t0, CSR_SSCRATCH, t0	/* t0 = ct_scratch */
	sd	t1, 0*REG(t0)
	ld	t1, 1*REG(t0)
	beqz	t1, ct_trap_in_l1
	sd	zero, 1*REG(t0)
	sd	a0, 2*REG(t0)		/* L2's a0 */
	csrrw	t0, CSR_SSCRATCH, t0
	la	t0, ct_saved
	ld	ra, 0*REG(t0)
	ld	sp, 1*REG(t0)
	ld	gp, 2*REG(t0)
	ld	tp, 3*REG(t0)
	ld	s0, 4*REG(t0)
	ld	s1, 5*REG(t0)
	csrr	a0, CSR_SCAUSE
	ret

ct_trap_in_l1:
	la	sp, ct_stack + CT_STACK_SIZE
	call	ct_fatal_trap
4:	wfi
	j	4b

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
ct_saved:
	.space 6*REG
	.globl ct_scratch
ct_scratch:
	.space 3*REG
	.balign 64
	.globl ct_tls
ct_tls:
	.space 256
