/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The boot code and the L1 -> L2 -> L1 round trip that the bare-metal test
 * L1s (tests/aianest, tests/containment, tests/nestneg) share, as GAS
 * macros: each test's entry.S names its own symbols, the callee-saved
 * registers it keeps across an L2 run and how many arguments L2 gets, and
 * adds only what differs (its L2 code, what it does with a trap of its
 * own). The macros expand to the same instructions each test wrote out
 * before, so the instruction counts the harness sees under icount do not
 * depend on this sharing.
 *
 * The shared protocol: sscratch always points at the test's scratch
 * array, slot 0 keeps t1 inside the vector, slot 1 is 1 exactly while L2
 * runs (set by the run-L2 routine just before its SRET, cleared by the
 * first trap after it). Include from a .S file (after rvnest/encoding.h);
 * a test's module.mk adds -Itests/common for its entry.o.
 */
#ifndef TESTS_COMMON_L1_ENTRY_H
#define TESTS_COMMON_L1_ENTRY_H

#define REG 8

/*
 * _start, entered as an OpenSBI next stage (SBI spec HSM "Hart Start
 * Register State": a0 = hart ID, a1 = DTB, satp = 0, sstatus.SIE = 0):
 * gp, sp at the top of stack[size], zero [bss_start, bss_end), tp = tls
 * (when given), sscratch = scratch, stvec = vector, then main(a0, a1);
 * a main that returns parks the hart. Touches only t0/t1 before main.
 */
.macro L1_START stack, size, bss_start, bss_end, scratch, vector, main, tls
	.section .text.entry, "ax"
	.globl _start
_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, \stack + \size
	la	t0, \bss_start
	la	t1, \bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, REG
	j	1b
2:
	.ifnb \tls
	la	tp, \tls
	.endif
	la	t0, \scratch
	csrw	CSR_SSCRATCH, t0
	/* stvec MODE = Direct: the vector must be 4-byte aligned */
	la	t0, \vector
	csrw	CSR_STVEC, t0
	call	\main
3:	wfi
	j	3b
.endm

/*
 * name(pc, a0[, a1[, a2]]): keep regs (the callee-saved registers the
 * test's C code relies on) in saved, enter VS-mode at pc with the next
 * nargs arguments shifted down into a0.. (the caller set hstatus.SPV = 1,
 * sstatus.SPP and hgatp: SRET with SPV = 1 enters V = 1, privileged spec
 * "Hypervisor and Virtual Supervisor CSRs", hstatus), marking scratch[1]
 * so the vector knows the next trap comes from L2. L1_FROM_L2 returns
 * from it.
 */
.macro L1_RUN_L2 name, saved, scratch, nargs, regs:vararg
	.globl \name
\name:
	la	t0, \saved
	.set .Ll1_slot, 0
	.irp r, \regs
	sd	\r, .Ll1_slot*REG(t0)
	.set .Ll1_slot, .Ll1_slot + 1
	.endr
	csrw	CSR_SEPC, a0
	.if \nargs >= 1
	mv	a0, a1
	.endif
	.if \nargs >= 2
	mv	a1, a2
	.endif
	.if \nargs >= 3
	mv	a2, a3
	.endif
	la	t0, \scratch
	li	t1, 1
	sd	t1, 1*REG(t0)
	sret
.endm

/*
 * The vector's first instructions: t0 = scratch (swapped with sscratch),
 * t1 kept in scratch[0], and a branch to in_l1 when the trap is not
 * L2's (scratch[1] = 0), with t0/t1 still as they are here.
 */
.macro L1_VECTOR name, in_l1
	.balign 4
\name:
	csrrw	t0, CSR_SSCRATCH, t0
	sd	t1, 0*REG(t0)
	ld	t1, 1*REG(t0)
	beqz	t1, \in_l1
.endm

/*
 * Right after L1_VECTOR, the trap from L2: clear scratch[1], keep L2's a0
 * in scratch[a0_slot] (when given), restore sscratch and the registers
 * L1_RUN_L2 saved (the same regs, in the same order), and return from the
 * run-L2 routine with scause.
 */
.macro L1_FROM_L2 saved, a0_slot, regs:vararg
	sd	zero, 1*REG(t0)
	.ifnb \a0_slot
	sd	a0, \a0_slot*REG(t0)
	.endif
	csrrw	t0, CSR_SSCRATCH, t0
	la	t0, \saved
	.set .Ll1_slot, 0
	.irp r, \regs
	ld	\r, .Ll1_slot*REG(t0)
	.set .Ll1_slot, .Ll1_slot + 1
	.endr
	csrr	a0, CSR_SCAUSE
	ret
.endm

/* A trap L1 does not expect: a fresh stack, fatal() reports it (and must
 * not return: the hart parks if it does). */
.macro L1_FATAL stack, size, fatal
	la	sp, \stack + \size
	call	\fatal
4:	wfi
	j	4b
.endm

/* The save area for L1_RUN_L2: one REG per register of regs. */
.macro L1_SAVE_AREA name, regs:vararg
\name:
	.irp r, \regs
	.space	REG
	.endr
.endm

#endif
