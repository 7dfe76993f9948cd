/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Entry, world switch and L2 program of the shadow hardware test: an
 * HS-mode payload for OpenSBI fw_dynamic (a0 = hart id, a1 = FDT).
 *
 * struct hw_frame (main.c): x[32] at 8*i, sepc at 256, host sp at 264.
 */
#define FRAME_SEPC 256
#define FRAME_HOST_SP 264
#define HOST_SAVE 112


/* Restore the guest registers of the frame in a0 and sret to it. */
.macro	restore_guest_and_sret
	ld	t0, FRAME_SEPC(a0)
	csrw	sepc, t0
	.irp	n, 1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, (8 * \n)(a0)
	.endr
	ld	a0, (8 * 10)(a0)
	sret
.endm

	.text
/* long hw_run_l2(struct hw_frame *f): run L2 from f until hw_trap says it
 * is done. sstatus.SPP, hstatus.SPV and hgatp are set by the caller. */
	.global hw_run_l2
hw_run_l2:
	addi	sp, sp, -HOST_SAVE
	sd	ra, 0(sp)
	sd	s0, 8(sp)
	sd	s1, 16(sp)
	sd	s2, 24(sp)
	sd	s3, 32(sp)
	sd	s4, 40(sp)
	sd	s5, 48(sp)
	sd	s6, 56(sp)
	sd	s7, 64(sp)
	sd	s8, 72(sp)
	sd	s9, 80(sp)
	sd	s10, 88(sp)
	sd	s11, 96(sp)
	sd	sp, FRAME_HOST_SP(a0)
	csrw	sscratch, a0
	restore_guest_and_sret

/* The one trap entry (stvec): every trap from L2 lands here. */
	.balign 4
	.global hw_trap_entry
hw_trap_entry:
	csrrw	a0, sscratch, a0	/* a0 = frame, sscratch = L2's a0 */
	.irp	n, 1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, (8 * \n)(a0)
	.endr
	csrr	t0, sscratch
	sd	t0, (8 * 10)(a0)
	csrw	sscratch, a0
	csrr	t0, sepc
	sd	t0, FRAME_SEPC(a0)
	ld	sp, FRAME_HOST_SP(a0)
	mv	s0, a0
	call	hw_trap
	bnez	a0, 3f
	mv	a0, s0
	restore_guest_and_sret
3:	/* L2 is done: return from hw_run_l2 */
	ld	ra, 0(sp)
	ld	s0, 8(sp)
	ld	s1, 16(sp)
	ld	s2, 24(sp)
	ld	s3, 32(sp)
	ld	s4, 40(sp)
	ld	s5, 48(sp)
	ld	s6, 56(sp)
	ld	s7, 64(sp)
	ld	s8, 72(sp)
	ld	s9, 80(sp)
	ld	s10, 88(sp)
	ld	s11, 96(sp)
	addi	sp, sp, HOST_SAVE
	ret

/*
 * The L2 program, run in VS-mode with vsatp = Bare (GVA = GPA). a0 = base
 * of its data (an L2 GPA); results in s2..s6. Only 4-byte instructions, so
 * the test can skip a faulting one with sepc += 4.
 */
	.section .text.l2, "ax"
	.balign 4096
	.global l2_entry
	.option push
	.option norvc
l2_entry:
	ld	s2, 0(a0)	/* 2 MiB L1 leaf: one shadow fill */
	li	t0, 0x5a5a
	sd	t0, 8(a0)	/* same leaf, W granted (L1 D=1): no fault */
	li	t1, 0x100000
	add	t1, a0, t1
	ld	s3, 0(t1)	/* same 2 MiB leaf: no fault */
	li	t1, 0x400000
	add	t1, a0, t1
	ld	s4, 0(t1)	/* L1 read-only 4 KiB page: one fill */
	sd	t0, 0(t1)	/* ... store: forwarded guest-page fault */
	li	t1, 0x500000
	add	t1, a0, t1
	ld	s5, 0(t1)	/* unmapped in L1: forwarded */
	li	t1, 0x600000
	add	t1, a0, t1
	ld	s6, 0(t1)	/* L1 maps it onto MMIO: not RAM */
	ecall
	.option pop
	.balign 4096

