/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Entry of the harness self-test image. OpenSBI's fw_dynamic enters the
 * next stage in S-mode with a0 = hart id and a1 = the device tree (SBI spec,
 * "Binary Encoding": boot protocol shared with Linux).
 */
	.section .text.start, "ax"
	.global _start
_start:
	la	sp, selftest_stack_top
	/* C expects a zeroed .bss; fw_dynamic loads only the ELF's file
	 * contents. a0/a1 must survive, so use temporaries. */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	selftest_main
	/* selftest_main ends in sbi_shutdown, which never returns. */
	j	2b

	.section .bss.stack, "aw", @nobits
	.balign 16
	.space	16384
	.global selftest_stack_top
selftest_stack_top:
