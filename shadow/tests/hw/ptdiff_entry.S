/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Entry and trap handler of the walker differential test (ptdiff.c): an
 * HS-mode payload for OpenSBI fw_dynamic. Every trap is one of its own
 * HLV.D instructions faulting: record scause, stval, htval, htinst and
 * hstatus, skip the 4-byte instruction and return.
 */
#include <rvnest/encoding.h>


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

