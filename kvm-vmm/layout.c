/* SPDX-License-Identifier: BSD-2-Clause */
/* Placement of image, initrd and device tree in L2 RAM (layout.h). */
#include "layout.h"

#include <string.h>

#include <rvnest/encoding.h>

#define LINUX_IMAGE_MAGIC 0x5643534952ull /* "RISCV" little endian */
#define LINUX_IMAGE_MAGIC2 0x05435352u	  /* "RSC\x05" little endian */

bool layout_is_linux(const void *buf, size_t len)
{
	struct linux_image_header h;

	if (len < sizeof(h))
		return false;
	memcpy(&h, buf, sizeof(h));
	return h.magic2 == LINUX_IMAGE_MAGIC2 || h.magic == LINUX_IMAGE_MAGIC;
}

static uint64_t align_down(uint64_t x, uint64_t a)
{
	return x & ~(a - 1);
}

static enum layout_status plan_flat(const struct layout_in *in,
				    struct layout *out)
{
	if (in->has_initrd)
		return LAYOUT_INITRD_NEEDS_LINUX;
	if (in->ram_size / 2 < LAYOUT_DTB_MAX)
		return LAYOUT_RAM_TOO_SMALL;
	out->image_gpa = in->ram_gpa;
	out->entry = in->ram_gpa;
	out->dtb_gpa = in->ram_gpa + in->ram_size / 2 - LAYOUT_DTB_MAX;
	out->image_room = out->dtb_gpa - out->image_gpa;
	return in->image_file_size > out->image_room ? LAYOUT_IMAGE_TOO_LARGE
						     : LAYOUT_OK;
}

static enum layout_status plan_linux(const struct layout_in *in,
				     struct layout *out)
{
	const struct linux_image_header *h = &in->hdr;
	uint64_t kernel_end;

	if (in->ram_size < LAYOUT_DTB_MAX)
		return LAYOUT_RAM_TOO_SMALL;
	out->dtb_gpa = in->ram_gpa + in->ram_size - LAYOUT_DTB_MAX;
	/* The kernel's bss follows the file: image_size covers both. */
	if (h->image_size == 0 || h->image_size < in->image_file_size)
		return LAYOUT_BAD_IMAGE_HEADER;
	if (h->text_offset >= in->ram_size - LAYOUT_DTB_MAX ||
	    h->image_size > in->ram_size - LAYOUT_DTB_MAX - h->text_offset)
		return LAYOUT_IMAGE_TOO_LARGE;
	out->image_gpa = in->ram_gpa + h->text_offset;
	out->entry = out->image_gpa;
	out->image_room = h->image_size;
	if (!in->has_initrd)
		return LAYOUT_OK;
	kernel_end = out->image_gpa + h->image_size;
	if (in->initrd_size > out->dtb_gpa - kernel_end)
		return LAYOUT_INITRD_TOO_LARGE;
	out->initrd_gpa = align_down(out->dtb_gpa - in->initrd_size, PAGE_SIZE);
	return out->initrd_gpa < kernel_end ? LAYOUT_INITRD_TOO_LARGE
					    : LAYOUT_OK;
}

enum layout_status layout_plan(const struct layout_in *in, struct layout *out)
{
	memset(out, 0, sizeof(*out));
	return in->linux_image ? plan_linux(in, out) : plan_flat(in, out);
}

static const char *const msgs[] = {
	[LAYOUT_OK] = "ok",
	[LAYOUT_RAM_TOO_SMALL] = "guest_ram_too_small_for_the_device_tree",
	[LAYOUT_IMAGE_TOO_LARGE] = "image_does_not_fit_guest_ram",
	[LAYOUT_BAD_IMAGE_HEADER] = "linux_image_header_inconsistent",
	[LAYOUT_INITRD_TOO_LARGE] = "initrd_does_not_fit_guest_ram",
	[LAYOUT_INITRD_NEEDS_LINUX] = "initrd_needs_a_linux_image",
};

const char *layout_status_msg(enum layout_status st)
{
	if ((unsigned)st < sizeof(msgs) / sizeof(msgs[0]))
		return msgs[st];
	return "layout_invalid_status";
}
