/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Loading L1's image into L1 RAM: an ELF (PT_LOAD segments at their
 * physical addresses), a Linux/RISC-V "Image" (at RAM base + text_offset)
 * or a flat binary (at OpenSBI's next-stage address).
 */
#ifndef L0_LOADER_H
#define L0_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "gmem.h"

/* GPA where a flat binary starts, as OpenSBI's FW_JUMP_ADDR on virt. */
#define L1_FLAT_LOAD_GPA (L1_RAM_GPA + 0x200000UL)

enum l0_image_format {
	L0_IMAGE_ELF,
	L0_IMAGE_LINUX,
	L0_IMAGE_FLAT,
};

struct l0_l1_image {
	enum l0_image_format format;
	uint64_t entry;
	/* GPA range the image occupies, bss included: the DTB and the
	 * initrd must stay clear of it */
	uint64_t lo, hi;
};

/* err holds a one-line reason for everything but OK */
enum l0_load_status {
	L0_LOAD_OK,
	L0_LOAD_BAD,	   /* not a loadable image (truncated, wrong arch...) */
	L0_LOAD_TOO_LARGE, /* does not fit in L1 RAM */
};

const char *l0_image_format_name(enum l0_image_format f);

enum l0_load_status l0_load_l1(const struct l0_gmem *g, const void *src,
			       uint64_t size, struct l0_l1_image *img,
			       char *err, size_t errlen);

#endif /* L0_LOADER_H */
