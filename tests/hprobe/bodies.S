/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Probe bodies: leaf functions `unsigned long body(unsigned long a0)` that
 * run in the probed mode. Each executes the one instruction under test, so
 * the trap it raises (if any) names exactly that instruction in sepc, and
 * stval/htinst can be checked against its encoding.
 *
 * Assembled without the C extension (except the explicitly compressed
 * bodies) so the trapping instruction is the 32-bit encoding: stval and
 * htinst then do not depend on the assembler's choice of compression.
 */
#include <rvnest/encoding.h>
#include "hprobe.h"
#include "csr_list.h"

	.section .hp_gtext, "ax"
	.option push
	.option norvc
	.option arch, +h

	.macro BODY name
	.globl \name
	.balign 4
\name:
	.endm

/* One accessor per CSR and CSR instruction form. The CSR number is part of
 * the encoding, so each CSR needs its own. */
	.macro CSR_OPS name, num
	BODY hp_csr_\name\()_read
	csrr	a0, \num
	ret
	BODY hp_csr_\name\()_rw
	csrrw	a0, \num, a0
	ret
	BODY hp_csr_\name\()_rs
	csrrs	a0, \num, a0
	ret
	BODY hp_csr_\name\()_rc
	csrrc	a0, \num, a0
	ret
	BODY hp_csr_\name\()_rwi
	csrrwi	a0, \num, HP_CSR_IMM
	ret
	BODY hp_csr_\name\()_rsi
	csrrsi	a0, \num, HP_CSR_IMM
	ret
	BODY hp_csr_\name\()_rci
	csrrci	a0, \num, HP_CSR_IMM
	ret
	/* zimm = 0: no write at all (spec "CSR Instructions"), so legal
	 * even on a read-only CSR. */
	BODY hp_csr_\name\()_rsi0
	csrrsi	a0, \num, 0
	ret
	.endm

#define HP_CSR_EMIT(name, num, flags, mask) CSR_OPS name, num;
	HP_CSR_LIST(HP_CSR_EMIT)

/* Explicit loads and stores. */
BODY hp_b_ld
	ld	a0, 0(a0)
	ret
BODY hp_b_lw
	lw	a0, 0(a0)
	ret
BODY hp_b_sd
	li	t0, HP_STORE_PATTERN
	sd	t0, 0(a0)
	li	a0, 0
	ret
BODY hp_b_sw
	li	t0, HP_STORE_PATTERN
	sw	t0, 0(a0)
	li	a0, 0
	ret
	.option push
	.option rvc
	/* Compressed forms: the transformed instruction in htinst has bit 1
	 * clear for a 16-bit original (spec "Transformed Instruction or
	 * Pseudoinstruction for htinst"). */
BODY hp_b_c_ld
	c.ld	a0, 0(a0)
	c.jr	ra
BODY hp_b_c_sd
	li	a5, HP_STORE_PATTERN
	c.sd	a5, 0(a0)
	c.li	a0, 0
	c.jr	ra
	.option pop

/* Instruction fetch: jump to a0. The code page holds only RET, so a fetch
 * that succeeds comes back here. */
BODY hp_b_fetch
	mv	t0, ra
	jalr	a0
	mv	ra, t0
	li	a0, HP_FETCH_RETURNED
	ret

/* Hypervisor virtual-machine loads and stores. */
BODY hp_b_hlv_b
	hlv.b	a0, (a0)
	ret
BODY hp_b_hlv_bu
	hlv.bu	a0, (a0)
	ret
BODY hp_b_hlv_h
	hlv.h	a0, (a0)
	ret
BODY hp_b_hlv_hu
	hlv.hu	a0, (a0)
	ret
BODY hp_b_hlv_w
	hlv.w	a0, (a0)
	ret
BODY hp_b_hlv_wu
	hlv.wu	a0, (a0)
	ret
BODY hp_b_hlv_d
	hlv.d	a0, (a0)
	ret
BODY hp_b_hlvx_hu
	hlvx.hu	a0, (a0)
	ret
BODY hp_b_hlvx_wu
	hlvx.wu	a0, (a0)
	ret
BODY hp_b_hsv_b
	li	t0, HP_STORE_PATTERN
	hsv.b	t0, (a0)
	li	a0, 0
	ret
BODY hp_b_hsv_h
	li	t0, HP_STORE_PATTERN
	hsv.h	t0, (a0)
	li	a0, 0
	ret
BODY hp_b_hsv_w
	li	t0, HP_STORE_PATTERN
	hsv.w	t0, (a0)
	li	a0, 0
	ret
BODY hp_b_hsv_d
	li	t0, HP_STORE_PATTERN
	hsv.d	t0, (a0)
	li	a0, 0
	ret

/* Privileged instructions. */
BODY hp_b_hfence_vvma
	hfence.vvma zero, zero
	li	a0, 0
	ret
BODY hp_b_hfence_gvma
	hfence.gvma zero, zero
	li	a0, 0
	ret
BODY hp_b_wfi
	wfi
	li	a0, 0
	ret
BODY hp_b_sret
	sret
	/* Never reached: only run where SRET must trap. */
	li	a0, 0
	ret
BODY hp_b_sfence_vma
	sfence.vma zero, zero
	li	a0, 0
	ret
BODY hp_b_satp_read
	csrr	a0, CSR_SATP
	ret
BODY hp_b_satp_write
	csrrw	a0, CSR_SATP, a0
	ret
/* Counter reads: the value is not deterministic, only whether they trap. */
BODY hp_b_rdcycle
	csrr	t0, CSR_CYCLE
	li	a0, 0
	ret
BODY hp_b_rdtime
	csrr	t0, CSR_TIME
	li	a0, 0
	ret
BODY hp_b_rdinstret
	csrr	t0, CSR_INSTRET
	li	a0, 0
	ret

/* Exceptions for the delegation probes. */
BODY hp_b_ebreak
	ebreak
	li	a0, 0
	ret
BODY hp_b_ecall
	li	a7, 0
	ecall
	li	a0, 0
	ret
BODY hp_b_illegal
	/* csrrw x0, cycle, x0: a write to a read-only CSR is an illegal
	 * instruction at every privilege level (spec "CSR Instructions"). */
	unimp
	li	a0, 0
	ret

/* Interrupt window and the views of sip/sie from the probed mode. */
BODY hp_b_nop
	.rept 16
	nop
	.endr
	li	a0, 0
	ret
BODY hp_b_sip_read
	csrr	a0, CSR_SIP
	ret
BODY hp_b_sie_read
	csrr	a0, CSR_SIE
	ret
/* Enable interrupts from inside the guest, then give them a window. */
BODY hp_b_enable_sie
	csrsi	CSR_SSTATUS, SSTATUS_SIE
	.rept 16
	nop
	.endr
	li	a0, 0
	ret
/* From HS-mode: interrupts enabled first, then hvip |= a0 (the vsirq
 * probes: an interrupt that becomes pending by that write is taken right
 * after it). */
	.option push
	.option arch, +h
BODY hp_b_sie_then_hvip
	csrsi	CSR_SSTATUS, SSTATUS_SIE
	csrs	CSR_HVIP, a0
	.rept 16
	nop
	.endr
	li	a0, 0
	ret
	.option pop

	.option pop

/* HFENCE.VVMA with an address (rs1 = guest virtual address) or an ASID
 * (rs2), called from HS-mode by the fence probes. */
	.section .hp_gtext, "ax"
	.option push
	.option arch, +h
	.globl hp_hfence_vvma_va
	.balign 4
hp_hfence_vvma_va:
	hfence.vvma a0, zero
	li	a0, 0
	ret
	.globl hp_hfence_vvma_asid
	.balign 4
hp_hfence_vvma_asid:
	hfence.vvma zero, a0
	li	a0, 0
	ret
	.option pop

/* Guest-side writes of its own supervisor CSRs (which are the vs* CSRs when
 * V=1); HS reads the vs* CSR afterwards. Each returns the old value. */
	.section .hp_gtext, "ax"
	.option push
	.option norvc
	.globl hp_b_sie_write
	.balign 4
hp_b_sie_write:
	csrrw	a0, CSR_SIE, a0
	ret
	.globl hp_b_sscratch_write
	.balign 4
hp_b_sscratch_write:
	csrrw	a0, CSR_SSCRATCH, a0
	ret
	.globl hp_b_sip_clear_ssip
	.balign 4
hp_b_sip_clear_ssip:
	csrrci	a0, CSR_SIP, MIP_SSIP
	ret
	.globl hp_b_sstatus_set
	.balign 4
hp_b_sstatus_set:
	csrrs	a0, CSR_SSTATUS, a0
	ret
	.option pop

/* AIA (probe_aia.c). siselect/sireg/stopei/stopi are the S-level names:
 * from VS-mode they reach vsiselect/vsireg/vstopei/vstopi (AIA "Hypervisor
 * and VS CSRs"). The *_sel_rw bodies take a0 = &{select, value}, write the
 * select CSR, then swap the value into the alias register (returning the
 * old value); the trap, if any, is on the alias access. */
	.section .hp_gtext, "ax"
	.option push
	.option norvc
	.globl hp_b_sireg_read
	.balign 4
hp_b_sireg_read:
	csrr	a0, CSR_SIREG
	ret
	.globl hp_b_sireg_sel_rw
	.balign 4
hp_b_sireg_sel_rw:
	ld	t0, 0(a0)
	ld	t1, 8(a0)
	csrw	CSR_SISELECT, t0
	csrrw	a0, CSR_SIREG, t1
	ret
	.globl hp_b_vsireg_sel_rw
	.balign 4
hp_b_vsireg_sel_rw:
	ld	t0, 0(a0)
	ld	t1, 8(a0)
	csrw	CSR_VSISELECT, t0
	csrrw	a0, CSR_VSIREG, t1
	ret
	.globl hp_b_vsireg_read
	.balign 4
hp_b_vsireg_read:
	csrr	a0, CSR_VSIREG
	ret
	.globl hp_b_stopei_read
	.balign 4
hp_b_stopei_read:
	csrr	a0, CSR_STOPEI
	ret
	/* A write to stopei claims the interrupt the read in the same
	 * instruction returns (IMSIC "Top external interrupt CSRs"). */
	.globl hp_b_stopei_claim
	.balign 4
hp_b_stopei_claim:
	csrrw	a0, CSR_STOPEI, zero
	ret
	.globl hp_b_stopi_read
	.balign 4
hp_b_stopi_read:
	csrr	a0, CSR_STOPI
	ret
	.globl hp_b_vstopei_read
	.balign 4
hp_b_vstopei_read:
	csrr	a0, CSR_VSTOPEI
	ret
	.globl hp_b_vstopei_claim
	.balign 4
hp_b_vstopei_claim:
	csrrw	a0, CSR_VSTOPEI, zero
	ret
	/* An MSI: the identity (a0's low 11 bits) written as a 32-bit word
	 * to seteipnum_le, offset 0 of the file's page (a0 with those bits
	 * cleared; the page is 4 KiB aligned). */
	.globl hp_b_msi
	.balign 4
hp_b_msi:
	andi	t0, a0, 0x7ff
	andi	a0, a0, -0x800
	sw	t0, AIA_IMSIC_SETEIPNUM_LE(a0)
	li	a0, 0
	ret
	/* The same, then wait a bounded while for the interrupt it raises:
	 * returns 0 only if none was taken. hp_b_msi_wait_end bounds the
	 * epc the interrupt may report. */
	.globl hp_b_msi_wait
	.globl hp_b_msi_wait_end
	.balign 4
hp_b_msi_wait:
	andi	t0, a0, 0x7ff
	andi	a0, a0, -0x800
	sw	t0, AIA_IMSIC_SETEIPNUM_LE(a0)
	li	t1, 64
1:	addi	t1, t1, -1
	bnez	t1, 1b
	li	a0, 0
hp_b_msi_wait_end:
	ret
	.option pop
