/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one entry of every bare-metal rvnest image that starts as an OpenSBI
 * next stage (or as L1 on L0, or as L2 on an L1: the same convention).
 *
 * Entry state (SBI spec, HSM "Hart Start Register State", and the boot
 * protocol OpenSBI shares with Linux): S-mode (VS-mode when virtualised),
 * a0 = hart ID, a1 = device-tree address (may be 0 for an L2), satp = 0,
 * sstatus.SIE = 0. Only the boot hart arrives here.
 *
 * What it does, in order, touching only t0-t3 so a0/a1 reach C intact:
 *   gp   = __global_pointer$ (linker relaxation may use it)
 *   sp   = __stack_top
 *   zero [__bss_start, __bss_end): the loader writes only file contents
 *   tp   = __tls_block, seeded with [__tdata_start, __tdata_end): picolibc
 *          keeps errno and friends in thread-local storage, and RISC-V TLS
 *          (variant I) addresses them at tp + offset from the TLS segment
 *          start; __tls_block must be large enough for .tdata + .tbss and
 *          lie inside the zeroed range so .tbss starts out zero
 *   call image_main(hartid, fdt), which never returns
 *
 * The image's linker script defines the symbols above; common/ld/tls.ld
 * is the fragment that lays out .tdata/.tbss and the TLS block.
 */
	.section .text.entry, "ax"
	.globl _start
_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, __stack_top

	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b

2:	la	tp, __tls_block
	la	t0, __tdata_start
	la	t1, __tdata_end
	mv	t2, tp
3:	bgeu	t0, t1, 4f
	lb	t3, 0(t0)
	sb	t3, 0(t2)
	addi	t0, t0, 1
	addi	t2, t2, 1
	j	3b

4:	call	image_main
	/* image_main ends with an SBI shutdown; returning is a bug: trap
	 * loudly rather than run on into whatever follows. */
	unimp
