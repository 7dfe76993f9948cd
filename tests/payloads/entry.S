/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Secondary-hart entry, HSM suspend/resume and the one trap vector of the
 * S-mode test payloads. The boot hart starts in common/crt0.S as an
 * OpenSBI next stage: a0 = hart ID, a1 = DTB address, satp = 0, sstatus.SIE
 * = 0 (SBI spec HSM "Hart Start Register State"); L0 starts L1 the same way.
 */
#include <rvnest/encoding.h>
#include <rvnest/sbi.h>

#define REGBYTES 8
/* struct payload_frame: x0..x31, then sepc, scause, stval (payload.h) */
#define FRAME_SEPC (32 * REGBYTES)
#define FRAME_SCAUSE (33 * REGBYTES)
#define FRAME_STVAL (34 * REGBYTES)
#define FRAME_SIZE (36 * REGBYTES) /* 16-byte aligned */

	.text

/*
 * A hart started through HSM hart_start: a0 = its hart ID, a1 = opaque,
 * which the payload sets to the top of a stack of its own.
 */
	.balign 4
	.globl payload_secondary_entry
payload_secondary_entry:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	mv	sp, a1
	la	tp, payload_tls
	la	t0, payload_trap_vector
	csrw	CSR_STVEC, t0
	call	payload_secondary
6:	wfi
	j	6b

/*
 * long payload_suspend_nonret(struct payload_resume_ctx *ctx): HSM default
 * non-retentive suspend with resume_addr = payload_resume_entry and
 * opaque = ctx. A non-retentive suspend keeps no register or CSR (SBI spec
 * HSM "Hart suspend"), so the callee-saved state and the trap vector are
 * kept in ctx and restored at resume, which then returns PAYLOAD_RESUMED
 * from this call. If the SBI returns instead, its error is the result.
 */
#define CTX_REG(n) ((n) * REGBYTES)	/* ra, sp, gp, tp, s0..s11 */
#define CTX_A0 (16 * REGBYTES)
#define CTX_A1 (17 * REGBYTES)
#define CTX_SATP (18 * REGBYTES)
#define CTX_SSTATUS (19 * REGBYTES)
#define PAYLOAD_RESUMED 1

	.balign 4
	.globl payload_suspend_nonret
payload_suspend_nonret:
	sd	ra, CTX_REG(0)(a0)
	sd	sp, CTX_REG(1)(a0)
	sd	gp, CTX_REG(2)(a0)
	sd	tp, CTX_REG(3)(a0)
	sd	s0, CTX_REG(4)(a0)
	sd	s1, CTX_REG(5)(a0)
	sd	s2, CTX_REG(6)(a0)
	sd	s3, CTX_REG(7)(a0)
	sd	s4, CTX_REG(8)(a0)
	sd	s5, CTX_REG(9)(a0)
	sd	s6, CTX_REG(10)(a0)
	sd	s7, CTX_REG(11)(a0)
	sd	s8, CTX_REG(12)(a0)
	sd	s9, CTX_REG(13)(a0)
	sd	s10, CTX_REG(14)(a0)
	sd	s11, CTX_REG(15)(a0)
	mv	a2, a0				/* opaque */
	la	a1, payload_resume_entry	/* resume_addr */
	li	a0, SBI_HSM_SUSPEND_NON_RET_DEFAULT
	li	a6, SBI_HSM_HART_SUSPEND
	li	a7, SBI_EXT_HSM
	ecall
	ret					/* the call failed: a0 */

	.balign 4
payload_resume_entry:
	/* a0 = hart ID, a1 = opaque (the ctx); record them and the state
	 * the hart resumed in before anything changes it */
	sd	a0, CTX_A0(a1)
	sd	a1, CTX_A1(a1)
	csrr	t0, CSR_SATP
	sd	t0, CTX_SATP(a1)
	csrr	t0, CSR_SSTATUS
	sd	t0, CTX_SSTATUS(a1)
	la	t0, payload_trap_vector
	csrw	CSR_STVEC, t0
	ld	ra, CTX_REG(0)(a1)
	ld	sp, CTX_REG(1)(a1)
	ld	gp, CTX_REG(2)(a1)
	ld	tp, CTX_REG(3)(a1)
	ld	s0, CTX_REG(4)(a1)
	ld	s1, CTX_REG(5)(a1)
	ld	s2, CTX_REG(6)(a1)
	ld	s3, CTX_REG(7)(a1)
	ld	s4, CTX_REG(8)(a1)
	ld	s5, CTX_REG(9)(a1)
	ld	s6, CTX_REG(10)(a1)
	ld	s7, CTX_REG(11)(a1)
	ld	s8, CTX_REG(12)(a1)
	ld	s9, CTX_REG(13)(a1)
	ld	s10, CTX_REG(14)(a1)
	ld	s11, CTX_REG(15)(a1)
	li	a0, PAYLOAD_RESUMED
	ret

	.text
	.balign 4
	.globl payload_trap_vector
payload_trap_vector:
	addi	sp, sp, -FRAME_SIZE
	sd	x1, 1 * REGBYTES(sp)
	sd	x3, 3 * REGBYTES(sp)
	sd	x4, 4 * REGBYTES(sp)
	sd	x5, 5 * REGBYTES(sp)
	sd	x6, 6 * REGBYTES(sp)
	sd	x7, 7 * REGBYTES(sp)
	sd	x8, 8 * REGBYTES(sp)
	sd	x9, 9 * REGBYTES(sp)
	sd	x10, 10 * REGBYTES(sp)
	sd	x11, 11 * REGBYTES(sp)
	sd	x12, 12 * REGBYTES(sp)
	sd	x13, 13 * REGBYTES(sp)
	sd	x14, 14 * REGBYTES(sp)
	sd	x15, 15 * REGBYTES(sp)
	sd	x16, 16 * REGBYTES(sp)
	sd	x17, 17 * REGBYTES(sp)
	sd	x18, 18 * REGBYTES(sp)
	sd	x19, 19 * REGBYTES(sp)
	sd	x20, 20 * REGBYTES(sp)
	sd	x21, 21 * REGBYTES(sp)
	sd	x22, 22 * REGBYTES(sp)
	sd	x23, 23 * REGBYTES(sp)
	sd	x24, 24 * REGBYTES(sp)
	sd	x25, 25 * REGBYTES(sp)
	sd	x26, 26 * REGBYTES(sp)
	sd	x27, 27 * REGBYTES(sp)
	sd	x28, 28 * REGBYTES(sp)
	sd	x29, 29 * REGBYTES(sp)
	sd	x30, 30 * REGBYTES(sp)
	sd	x31, 31 * REGBYTES(sp)
	addi	t0, sp, FRAME_SIZE
	sd	t0, 2 * REGBYTES(sp)	/* the interrupted sp */
	csrr	t0, CSR_SEPC
	sd	t0, FRAME_SEPC(sp)
	csrr	t0, CSR_SCAUSE
	sd	t0, FRAME_SCAUSE(sp)
	csrr	t0, CSR_STVAL
	sd	t0, FRAME_STVAL(sp)
	mv	a0, sp
	call	payload_trap
	/* the handler may have moved sepc (skip the faulting instruction) */
	ld	t0, FRAME_SEPC(sp)
	csrw	CSR_SEPC, t0
	ld	x1, 1 * REGBYTES(sp)
	ld	x3, 3 * REGBYTES(sp)
	ld	x4, 4 * REGBYTES(sp)
	ld	x5, 5 * REGBYTES(sp)
	ld	x6, 6 * REGBYTES(sp)
	ld	x7, 7 * REGBYTES(sp)
	ld	x8, 8 * REGBYTES(sp)
	ld	x9, 9 * REGBYTES(sp)
	ld	x10, 10 * REGBYTES(sp)
	ld	x11, 11 * REGBYTES(sp)
	ld	x12, 12 * REGBYTES(sp)
	ld	x13, 13 * REGBYTES(sp)
	ld	x14, 14 * REGBYTES(sp)
	ld	x15, 15 * REGBYTES(sp)
	ld	x16, 16 * REGBYTES(sp)
	ld	x17, 17 * REGBYTES(sp)
	ld	x18, 18 * REGBYTES(sp)
	ld	x19, 19 * REGBYTES(sp)
	ld	x20, 20 * REGBYTES(sp)
	ld	x21, 21 * REGBYTES(sp)
	ld	x22, 22 * REGBYTES(sp)
	ld	x23, 23 * REGBYTES(sp)
	ld	x24, 24 * REGBYTES(sp)
	ld	x25, 25 * REGBYTES(sp)
	ld	x26, 26 * REGBYTES(sp)
	ld	x27, 27 * REGBYTES(sp)
	ld	x28, 28 * REGBYTES(sp)
	ld	x29, 29 * REGBYTES(sp)
	ld	x30, 30 * REGBYTES(sp)
	ld	x31, 31 * REGBYTES(sp)
	addi	sp, sp, FRAME_SIZE
	sret
