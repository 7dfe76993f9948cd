/* SPDX-License-Identifier: BSD-2-Clause */
/* Entry and trap vector of L0's smoke-test payload (S-mode). */
#include <rvnest/encoding.h>

	.section .text.entry, "ax", %progbits
	.globl _start
_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, payload_stack + 8192
	la	t0, _bss_start
	la	t1, _bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	la	t0, payload_trap
	csrw	CSR_STVEC, t0
	call	payload_main	/* a0 = hart ID, a1 = DTB: untouched */
3:	j	3b

	/* Resume address of a non-retentive HSM suspend: a0 = hart ID,
	 * a1 = opaque; nothing else survives, so reload gp, sp, stvec. */
	.globl payload_resume_entry
	.balign 4
payload_resume_entry:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, payload_stack + 8192
	la	t0, payload_trap
	csrw	CSR_STVEC, t0
	call	payload_resumed
4:	j	4b

	/* Save caller-saved registers, let C decide, restore, sret. */
	.balign 4
payload_trap:
	addi	sp, sp, -128
	sd	ra, 0(sp)
	sd	t0, 8(sp)
	sd	t1, 16(sp)
	sd	t2, 24(sp)
	sd	a0, 32(sp)
	sd	a1, 40(sp)
	sd	a2, 48(sp)
	sd	a3, 56(sp)
	sd	a4, 64(sp)
	sd	a5, 72(sp)
	sd	a6, 80(sp)
	sd	a7, 88(sp)
	sd	t3, 96(sp)
	sd	t4, 104(sp)
	sd	t5, 112(sp)
	sd	t6, 120(sp)
	call	payload_trap_handler
	ld	ra, 0(sp)
	ld	t0, 8(sp)
	ld	t1, 16(sp)
	ld	t2, 24(sp)
	ld	a0, 32(sp)
	ld	a1, 40(sp)
	ld	a2, 48(sp)
	ld	a3, 56(sp)
	ld	a4, 64(sp)
	ld	a5, 72(sp)
	ld	a6, 80(sp)
	ld	a7, 88(sp)
	ld	t3, 96(sp)
	ld	t4, 104(sp)
	ld	t5, 112(sp)
	ld	t6, 120(sp)
	addi	sp, sp, 128
	sret

	.bss
	.balign 16
payload_stack:
	.space 8192
