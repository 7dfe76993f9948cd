/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The soak L2 (issue 17 item 4, README.md): an endless stress loop of SBI
 * calls its host hypervisor answers in the kernel (Base get_spec_version:
 * Linux/KVM's vcpu_sbi_base.c never goes to the VMM), so every iteration
 * is one L2 exit of the cheapest kind L1 must handle. It never stops by
 * itself: L0 ends the run after l0.soak's exits (l0-hyp/soak.c).
 *
 * Entered as the micro-guest is (guests/micro/README.md, "Contract"): VS
 * mode at 0x80000000, satp 0, interrupts off. It needs no stack or data.
 */
#include <rvnest/sbi.h>

	.section .text.entry, "ax"
	.globl _start
_start:
1:	li	a7, SBI_EXT_BASE
	li	a6, SBI_BASE_GET_SPEC_VERSION
	ecall
	j	1b
