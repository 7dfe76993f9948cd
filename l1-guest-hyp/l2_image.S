/* SPDX-License-Identifier: BSD-2-Clause */
/* The L2 micro-guest, embedded; L2_IMAGE_PATH comes from module.mk. */
	.section .rodata.l2_image, "a"
	.balign 8
	.globl l2_image_start, l2_image_end
l2_image_start:
	.incbin L2_IMAGE_PATH
l2_image_end:
