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

#include "l1_entry.h"

#define AN_STACK_SIZE 8192
/* what an_run_l2 keeps across L2 (an_saved) */
#define AN_SAVED ra, sp, gp, s0, s1
/* the identity L2's file takes its MSIs on (main.c AN_EIID) */
#define AN_EIID 5
/* IMSIC registers behind siselect (AIA "Indirectly accessed
 * interrupt-file registers") */
#define AN_EIDELIVERY 0x70
#define AN_EITHRESHOLD 0x72
#define AN_EIE0 0xc0

	L1_START an_stack, AN_STACK_SIZE, _an_bss_start, _an_bss_end, \
		an_scratch, an_vector, an_main

	.text
/* unsigned long an_run_l2(pc, a0, a1): enter VS-mode at pc (the caller
 * set hstatus.SPV, sstatus.SPP and hgatp); the scause of L2's first trap
 * into L1, L2's a0 in an_scratch[2]. */
	L1_RUN_L2 an_run_l2, an_saved, an_scratch, 2, AN_SAVED

	L1_VECTOR an_vector, an_trap_in_l1
	L1_FROM_L2 an_saved, 2, AN_SAVED

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
	L1_FATAL an_stack, AN_STACK_SIZE, an_fatal_trap

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
	L1_SAVE_AREA an_saved, AN_SAVED
	.globl an_scratch
an_scratch:
	.space 4*REG
