/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * l1-guest-hyp entry from OpenSBI fw_dynamic (or from L0): S-mode (HS when
 * the H extension is present), a0 = hart id, a1 = device-tree address,
 * translation off. Only the boot hart arrives here (others stay in the
 * firmware until HSM starts them, which L1 never does).
 */
#include <rvnest/encoding.h>

	.section .text.entry, "ax"
	.globl _start
_start:
	/* No interrupts in L1 itself: its own traps are fatal, and HS-level
	 * interrupts still reach it from V=1 ("Interrupt ... when V=1"). */
	csrw	CSR_SIE, zero
	csrci	CSR_SSTATUS, SSTATUS_SIE
	la	sp, __stack_top
	la	tp, __tls_base
	la	t0, __tbss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	csrw	CSR_SSCRATCH, zero
	la	t0, l1_trap_entry
	csrw	CSR_STVEC, t0
	call	l1_main
	unimp
