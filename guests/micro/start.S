/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L2 micro-guest entry, in VS-mode (it believes: S-mode) with a0 = hart id,
 * a1 = device-tree GPA (may be 0), translation off (vsatp bare).
 */
#include <rvnest/encoding.h>

	.section .text.entry, "ax"
	.globl _start
_start:
	la	sp, __stack_top
	la	tp, __tls_base
	/* zero .tbss and .bss (the stack is in .bss too: no calls yet) */
	la	t0, __tbss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	la	t0, micro_trap_entry
	csrw	CSR_STVEC, t0
	call	micro_main
	/* micro_main never returns; if it did, trap loudly. */
	unimp

/*
 * The one trap entry: save the caller-saved registers, call
 * micro_trap(scause, sepc, stval), restore, return. Interrupts and the
 * exceptions L1 delegates both arrive here (Supervisor "Trap Handling").
 */
	.text
	.balign 4
	.globl micro_trap_entry
micro_trap_entry:
	addi	sp, sp, -16 * 8
	sd	ra, 0 * 8(sp)
	sd	t0, 1 * 8(sp)
	sd	t1, 2 * 8(sp)
	sd	t2, 3 * 8(sp)
	sd	a0, 4 * 8(sp)
	sd	a1, 5 * 8(sp)
	sd	a2, 6 * 8(sp)
	sd	a3, 7 * 8(sp)
	sd	a4, 8 * 8(sp)
	sd	a5, 9 * 8(sp)
	sd	a6, 10 * 8(sp)
	sd	a7, 11 * 8(sp)
	sd	t3, 12 * 8(sp)
	sd	t4, 13 * 8(sp)
	sd	t5, 14 * 8(sp)
	sd	t6, 15 * 8(sp)
	csrr	a0, CSR_SCAUSE
	csrr	a1, CSR_SEPC
	csrr	a2, CSR_STVAL
	call	micro_trap
	ld	ra, 0 * 8(sp)
	ld	t0, 1 * 8(sp)
	ld	t1, 2 * 8(sp)
	ld	t2, 3 * 8(sp)
	ld	a0, 4 * 8(sp)
	ld	a1, 5 * 8(sp)
	ld	a2, 6 * 8(sp)
	ld	a3, 7 * 8(sp)
	ld	a4, 8 * 8(sp)
	ld	a5, 9 * 8(sp)
	ld	a6, 10 * 8(sp)
	ld	a7, 11 * 8(sp)
	ld	t3, 12 * 8(sp)
	ld	t4, 13 * 8(sp)
	ld	t5, 14 * 8(sp)
	ld	t6, 15 * 8(sp)
	addi	sp, sp, 16 * 8
	sret
