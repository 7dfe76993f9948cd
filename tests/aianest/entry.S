/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The nested-AIA probe's entry, its trap vector and its L2 code
 * (main.c). an_vector: a trap while L2 runs (an_scratch[1] = 1, set by
 * an_run_l2) returns from an_run_l2 with scause and L2's a0 in
 * an_scratch[2]; an interrupt of L1's own (SGEI) is recorded in
 * an_scratch[3] and left pending with L1's interrupts off on return;
 * anything else is reported by an_fatal_trap.
 */
#include <rvnest/encoding.h>

#define AN_STACK_SIZE 8192
#define REG 8
/* the identity L2's file takes its MSIs on (main.c AN_EIID) */
#define AN_EIID 5
/* IMSIC registers behind siselect (AIA "Indirectly accessed
 * interrupt-file registers") */
#define AN_EIDELIVERY 0x70
#define AN_EITHRESHOLD 0x72
#define AN_EIE0 0xc0

	.section .text.entry, "ax"
	.globl _start
_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, an_stack + AN_STACK_SIZE
	la	t0, _an_bss_start
	la	t1, _an_bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, REG
	j	1b
2:	la	t0, an_scratch
	csrw	CSR_SSCRATCH, t0
	la	t0, an_vector
	csrw	CSR_STVEC, t0
	call	an_main
3:	wfi
	j	3b

	.text
/* unsigned long an_run_l2(pc, a0, a1): enter VS-mode at pc (the caller
 * set hstatus.SPV, sstatus.SPP and hgatp); the scause of L2's first trap
 * into L1, L2's a0 in an_scratch[2]. */
	.globl an_run_l2
an_run_l2:
	la	t0, an_saved
	sd	ra, 0*REG(t0)
	sd	sp, 1*REG(t0)
	sd	gp, 2*REG(t0)
	sd	s0, 3*REG(t0)
	sd	s1, 4*REG(t0)
	csrw	CSR_SEPC, a0
	mv	a0, a1
	mv	a1, a2
	la	t0, an_scratch
	li	t1, 1
	sd	t1, 1*REG(t0)
	sret

	.balign 4
an_vector:
	csrrw	t0, CSR_SSCRATCH, t0	/* t0 = an_scratch */
	sd	t1, 0*REG(t0)
	ld	t1, 1*REG(t0)
	beqz	t1, an_trap_in_l1
	sd	zero, 1*REG(t0)
	sd	a0, 2*REG(t0)		/* L2's a0 */
	csrrw	t0, CSR_SSCRATCH, t0
	la	t0, an_saved
	ld	ra, 0*REG(t0)
	ld	sp, 1*REG(t0)
	ld	gp, 2*REG(t0)
	ld	s0, 3*REG(t0)
	ld	s1, 4*REG(t0)
	csrr	a0, CSR_SCAUSE
	ret

an_trap_in_l1:
	csrr	t1, CSR_SCAUSE
	bgez	t1, an_exception
	/* an interrupt: record it, return with SIE off (SPIE = 0) */
	sd	t1, 3*REG(t0)
	li	t1, SSTATUS_SPIE
	csrc	CSR_SSTATUS, t1
	ld	t1, 0*REG(t0)
	csrrw	t0, CSR_SSCRATCH, t0
	sret
an_exception:
	la	sp, an_stack + AN_STACK_SIZE
	call	an_fatal_trap
4:	wfi
	j	4b

/* L2 (VS-mode, its G-stage and VS-stage Bare): a0 = its interrupt file's
 * page, a1 = rounds. It turns its file on (eidelivery 1, threshold 0,
 * identity AN_EIID enabled), then a1 times writes AN_EIID into its own
 * file and takes the interrupt in its own handler (claimed with
 * stopei); ecall to L1 with the number taken. */
	.balign 4
	.globl an_l2_msi
an_l2_msi:
	la	t0, an_l2_vector
	csrw	CSR_STVEC, t0
	li	t0, AN_EIDELIVERY
	csrw	CSR_SISELECT, t0
	li	t0, 1
	csrw	CSR_SIREG, t0
	li	t0, AN_EITHRESHOLD
	csrw	CSR_SISELECT, t0
	csrw	CSR_SIREG, zero
	li	t0, AN_EIE0
	csrw	CSR_SISELECT, t0
	li	t0, 1 << AN_EIID
	csrw	CSR_SIREG, t0
	li	t0, MIP_SEIP
	csrs	CSR_SIE, t0
	li	t2, 0
	csrsi	CSR_SSTATUS, SSTATUS_SIE
5:	li	t0, AN_EIID
	sw	t0, 0(a0)
	/* the interrupt is taken here, before the next instruction */
	addi	a1, a1, -1
	bnez	a1, 5b
	csrci	CSR_SSTATUS, SSTATUS_SIE
	mv	a0, t2
	ecall

/* L2: store a1 (32 bits) at a0, then spin until L1 takes the hart back
 * (an interrupt of L1's: always enabled for L1 while L2 runs) */
	.balign 4
	.globl an_l2_poke
an_l2_poke:
	sw	a1, 0(a0)
6:	j	6b

	.balign 4
an_l2_vector:
	csrrw	t1, CSR_STOPEI, zero
	addi	t2, t2, 1
	sret

	.bss
	.balign 16
an_stack:
	.space AN_STACK_SIZE
an_saved:
	.space 5*REG
	.globl an_scratch
an_scratch:
	.space 4*REG
