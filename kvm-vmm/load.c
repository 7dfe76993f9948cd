/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where the L2 image, its initrd and the device tree go in guest RAM.
 *
 * - A Linux Image (Documentation/arch/riscv/boot-image-header.rst) is loaded
 *   at RAM base + text_offset; the device tree takes the top VMM_DTB_MAX
 *   bytes of RAM and the initrd ends just below it (page aligned), as
 *   kvmtool and QEMU place them, out of the kernel's way.
 * - Anything else is a flat binary loaded at the RAM base: the micro-guest
 *   contract (guests/micro/README.md). That contract gives the image, its
 *   bss and stack the lower half of RAM and reserves the upper half for the
 *   gstage_fault benchmark's first touches, so the VMM must not write there:
 *   the device tree goes at the top of the lower half instead.
 */
#include "vmm.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rvnest/encoding.h>

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
#define LINUX_IMAGE_MAGIC 0x5643534952ull /* "RISCV" little endian */
#define LINUX_IMAGE_MAGIC2 0x05435352u	  /* "RSC\x05" little endian */

static uint64_t align_down(uint64_t x, uint64_t a)
{
	return x & ~(a - 1);
}

/* Reads all of `path` into guest RAM at gpa; *size = its length. */
static int load_file(struct vmm *v, const char *what, const char *path,
		     uint64_t gpa, uint64_t limit, uint64_t *size)
{
	struct stat st;
	uint8_t *dst;
	uint64_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st)) {
		vmm_fail("cannot_open_file", "what=%s path=%s errno=%s", what,
			 path, vmm_errno_name(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > limit ||
	    !(dst = vmm_gpa(v, gpa, (uint64_t)st.st_size))) {
		vmm_fail("file_does_not_fit_guest_ram",
			 "what=%s path=%s size=%lld gpa=0x%llx room=%llu", what,
			 path, (long long)st.st_size, (unsigned long long)gpa,
			 (unsigned long long)limit);
		close(fd);
		return -1;
	}
	while (done < (uint64_t)st.st_size) {
		ssize_t n = read(fd, dst + done, (size_t)st.st_size - done);

		if (n <= 0) {
			vmm_fail("cannot_read_file", "what=%s path=%s errno=%s",
				 what, path, n ? vmm_errno_name(errno) : "EOF");
			close(fd);
			return -1;
		}
		done += (uint64_t)n;
	}
	close(fd);
	*size = done;
	return 0;
}

/* The header of a Linux Image, or 0 when the file is not one. */
static int read_header(const char *path, struct linux_image_header *h)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		vmm_fail("cannot_open_file", "what=image path=%s errno=%s",
			 path, vmm_errno_name(errno));
		return -1;
	}
	n = read(fd, h, sizeof(*h));
	close(fd);
	if (n != (ssize_t)sizeof(*h))
		memset(h, 0, sizeof(*h));
	return 0;
}

int vmm_load(struct vmm *v, struct vmm_boot *b)
{
	struct linux_image_header h;
	uint64_t ram_end = v->ram_gpa + v->ram_size;

	if (read_header(b->image_path, &h))
		return -1;
	b->linux_image =
		h.magic2 == LINUX_IMAGE_MAGIC2 || h.magic == LINUX_IMAGE_MAGIC;
	if (!b->linux_image) {
		if (b->initrd_path) {
			vmm_fail("initrd_needs_a_linux_image",
				 "image=%s initrd=%s", b->image_path,
				 b->initrd_path);
			return -1;
		}
		b->dtb_gpa = v->ram_gpa + v->ram_size / 2 - VMM_DTB_MAX;
		b->image_gpa = v->ram_gpa;
		b->entry = b->image_gpa;
		return load_file(v, "image", b->image_path, b->image_gpa,
				 b->dtb_gpa - b->image_gpa, &b->image_size);
	}

	/* Linux: the kernel needs image_size bytes from its load address. */
	b->image_gpa = v->ram_gpa + h.text_offset;
	b->entry = b->image_gpa;
	b->dtb_gpa = ram_end - VMM_DTB_MAX;
	if (h.image_size == 0 || h.text_offset >= v->ram_size ||
	    h.image_size > b->dtb_gpa - b->image_gpa) {
		vmm_fail("linux_image_does_not_fit_guest_ram",
			 "text_offset=0x%llx image_size=0x%llx ram=0x%llx",
			 (unsigned long long)h.text_offset,
			 (unsigned long long)h.image_size,
			 (unsigned long long)v->ram_size);
		return -1;
	}
	if (load_file(v, "image", b->image_path, b->image_gpa, h.image_size,
		      &b->image_size))
		return -1;
	if (!b->initrd_path)
		return 0;
	{
		uint64_t room_start = b->image_gpa + h.image_size;
		struct stat st;

		if (stat(b->initrd_path, &st)) {
			vmm_fail("cannot_open_file",
				 "what=initrd path=%s errno=%s", b->initrd_path,
				 vmm_errno_name(errno));
			return -1;
		}
		if ((uint64_t)st.st_size > b->dtb_gpa - room_start) {
			vmm_fail("initrd_does_not_fit_guest_ram",
				 "path=%s size=%lld room=%llu", b->initrd_path,
				 (long long)st.st_size,
				 (unsigned long long)(b->dtb_gpa - room_start));
			return -1;
		}
		b->initrd_gpa = align_down(b->dtb_gpa - (uint64_t)st.st_size,
					   PAGE_SIZE);
		if (b->initrd_gpa < room_start) {
			vmm_fail("initrd_does_not_fit_guest_ram",
				 "path=%s size=%lld", b->initrd_path,
				 (long long)st.st_size);
			return -1;
		}
		return load_file(v, "initrd", b->initrd_path, b->initrd_gpa,
				 b->dtb_gpa - b->initrd_gpa, &b->initrd_size);
	}
}
