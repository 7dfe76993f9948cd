/* SPDX-License-Identifier: BSD-2-Clause */
/* The L2 passdev guest (rvnest.passdev=1), embedded; the path comes from
 * module.mk. */
	.section .rodata.l2_passdev_image, "a"
	.balign 8
	.globl l2_passdev_start, l2_passdev_end
l2_passdev_start:
	.incbin L2_PASSDEV_PATH
l2_passdev_end:
