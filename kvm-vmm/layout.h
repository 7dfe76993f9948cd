/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where the L2 image, its initrd and the device tree go in guest RAM: pure
 * arithmetic over sizes, so the host unit tests (tests/test_vmm.c) check
 * every placement and every refusal.
 *
 * - A Linux Image (Documentation/arch/riscv/boot-image-header.rst) is loaded
 *   at RAM base + text_offset; the device tree takes the top LAYOUT_DTB_MAX
 *   bytes of RAM and the initrd ends just below it (page aligned), as
 *   kvmtool and QEMU place them, out of the kernel's way.
 * - Anything else is a flat binary loaded at the RAM base: the micro-guest
 *   contract (guests/micro/README.md). That contract gives the image, its
 *   bss and stack the lower half of RAM and reserves the upper half for the
 *   gstage_fault benchmark's first touches, so the VMM must not write there:
 *   the device tree goes at the top of the lower half instead.
 */
#ifndef KVM_VMM_LAYOUT_H
#define KVM_VMM_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most bytes the generated device tree may take (its slot in RAM). */
#define LAYOUT_DTB_MAX 0x10000

/* RISC-V Linux Image header (boot-image-header.rst). */
struct linux_image_header {
	uint32_t code0, code1;
	uint64_t text_offset; /* load offset from the start of RAM */
	uint64_t image_size;  /* bytes the kernel occupies, bss included */
	uint64_t flags;
	uint32_t version, res1;
	uint64_t res2;
	uint64_t magic;	 /* "RISCV\0\0\0", deprecated */
	uint32_t magic2; /* "RSC\x05" */
	uint32_t res3;
};

/* Is this the start of a Linux Image? (len: bytes available in buf) */
bool layout_is_linux(const void *buf, size_t len);

struct layout_in {
	uint64_t ram_gpa, ram_size;
	bool linux_image;
	struct linux_image_header hdr; /* when linux_image */
	uint64_t image_file_size;
	bool has_initrd;
	uint64_t initrd_size;
};

struct layout {
	uint64_t image_gpa, image_room; /* the file goes at image_gpa */
	uint64_t entry;
	uint64_t dtb_gpa;
	uint64_t initrd_gpa; /* when has_initrd */
};

enum layout_status {
	LAYOUT_OK,
	LAYOUT_RAM_TOO_SMALL,	 /* no room for the device tree */
	LAYOUT_IMAGE_TOO_LARGE,	 /* the image reaches the device tree */
	LAYOUT_BAD_IMAGE_HEADER, /* text_offset/image_size impossible */
	LAYOUT_INITRD_TOO_LARGE, /* initrd does not fit between kernel and DT */
	LAYOUT_INITRD_NEEDS_LINUX, /* an initrd for a flat binary */
};

enum layout_status layout_plan(const struct layout_in *in, struct layout *out);
/* msg= of the error line for a status. */
const char *layout_status_msg(enum layout_status st);

#endif /* KVM_VMM_LAYOUT_H */
