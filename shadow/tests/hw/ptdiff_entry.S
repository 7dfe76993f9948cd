/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Entry and trap handler of the walker differential test (ptdiff.c): an
 * HS-mode payload for OpenSBI fw_dynamic. Every trap is one of its own
 * HLV.D instructions faulting: record scause, stval, htval, htinst and
 * hstatus, skip the 4-byte instruction and return.
 */
#include <rvnest/encoding.h>

	.section .text.start, "ax"
	.global _start
_start:
	la	sp, ptdiff_stack_top
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	ptdiff_main
	j	2b

	.text
	.balign 4
	.global ptdiff_trap_entry
ptdiff_trap_entry:
	csrw	sscratch, t0
	la	t0, ptdiff_trap
	sd	t1, 0(t0)
	csrr	t1, scause
	sd	t1, 8(t0)
	csrr	t1, stval
	sd	t1, 16(t0)
	csrr	t1, CSR_HTVAL
	sd	t1, 24(t0)
	csrr	t1, CSR_HTINST
	sd	t1, 32(t0)
	csrr	t1, CSR_HSTATUS
	sd	t1, 40(t0)
	li	t1, 1
	sd	t1, 48(t0)
	csrr	t1, sepc
	addi	t1, t1, 4
	csrw	sepc, t1
	ld	t1, 0(t0)
	csrr	t0, sscratch
	sret

	.section .bss.stack, "aw", @nobits
	.balign 16
	.space	16384
	.global ptdiff_stack_top
ptdiff_stack_top:
