/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pcidma L1's trap vectors (tests/pcidma/pcidma.c).
 *
 * pd_probe_load(addr, &val): one 8-byte load from addr with a vector that
 * catches its fault: returns 0 and the value, or the fault's scause (the
 * vector moves sepc past the load and returns there).
 * pd_fatal_vector: any other trap ends the run through pd_fatal_trap.
 */
#include <rvnest/encoding.h>

	.text
	.balign 4
	.globl pd_probe_load
pd_probe_load:
	la	t0, 2f
	csrrw	t1, CSR_STVEC, t0
	li	t2, 0
	ld	t3, 0(a0)
	sd	t3, 0(a1)
3:	csrw	CSR_STVEC, t1
	mv	a0, t2
	ret
	/* the vector: t2 = scause, resume at 3 (the value stays unstored) */
	.balign 4
2:	csrr	t2, CSR_SCAUSE
	la	t3, 3b
	csrw	CSR_SEPC, t3
	sret

	.balign 4
	.globl pd_fatal_vector
pd_fatal_vector:
	call	pd_fatal_trap
4:	wfi
	j	4b
