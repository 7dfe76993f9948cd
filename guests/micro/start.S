/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L2 micro-guest trap entry. The image starts in common/crt0.S (VS-mode,
 * which the guest believes is S-mode; a0 = hart id, a1 = device-tree GPA or
 * 0) and continues in image_main (main.c).
 */
#include <rvnest/encoding.h>

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

/*
 * A secondary hart (vCPU 1 and up), started by the boot hart through SBI
 * HSM hart_start (SBI spec "Hart Start Register State": a0 = hart id,
 * a1 = opaque, satp = 0, sstatus.SIE = 0). opaque points at its
 * struct micro_hart_boot {sp, tp}: its own stack and TLS block.
 */
	.globl micro_secondary_entry
micro_secondary_entry:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	ld	sp, 0(a1)
	ld	tp, 8(a1)
	call	micro_secondary_main
	unimp
