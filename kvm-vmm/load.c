/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Puts the L2 guest into its RAM: the image and initrd files where
 * layout_plan() says (layout.h explains the placement), then the device
 * tree that dt_build() generates.
 */
#include "vmm.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dt.h"
#include "layout.h"

/* Size of `path`, or -1 after an error line. */
static int file_size(const char *what, const char *path, uint64_t *size)
{
	struct stat st;

	if (stat(path, &st)) {
		vmm_fail("cannot_open_file", "what=%s path=%s errno=%s", what,
			 path, vmm_errno_name(errno));
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return 0;
}

/* Reads all of `path` (`size` bytes) into guest RAM at gpa. */
static int load_file(struct vmm *v, const char *what, const char *path,
		     uint64_t gpa, uint64_t size)
{
	uint8_t *dst = vmm_gpa(v, gpa, size);
	uint64_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		vmm_fail("cannot_open_file", "what=%s path=%s errno=%s", what,
			 path, vmm_errno_name(errno));
		return -1;
	}
	while (dst && done < size) {
		ssize_t n = read(fd, dst + done, size - done);

		if (n <= 0) {
			vmm_fail("cannot_read_file", "what=%s path=%s errno=%s",
				 what, path, n ? vmm_errno_name(errno) : "EOF");
			close(fd);
			return -1;
		}
		done += (uint64_t)n;
	}
	close(fd);
	if (!dst) /* layout_plan() keeps everything in RAM: a VMM bug */
		vmm_fail("file_outside_guest_ram", "what=%s gpa=0x%llx", what,
			 (unsigned long long)gpa);
	return dst ? 0 : -1;
}

/* The first bytes of the image: a Linux Image header or not. */
static int read_header(const char *path, struct linux_image_header *h,
		       bool *is_linux)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		vmm_fail("cannot_open_file", "what=image path=%s errno=%s",
			 path, vmm_errno_name(errno));
		return -1;
	}
	memset(h, 0, sizeof(*h));
	n = read(fd, h, sizeof(*h));
	close(fd);
	*is_linux = n > 0 && layout_is_linux(h, (size_t)n);
	return 0;
}

int vmm_load(struct vmm *v, struct vmm_boot *b)
{
	struct layout_in in = {.ram_gpa = v->ram_gpa, .ram_size = v->ram_size};
	struct layout out;
	enum layout_status st;

	if (read_header(b->image_path, &in.hdr, &in.linux_image) ||
	    file_size("image", b->image_path, &in.image_file_size))
		return -1;
	in.has_initrd = b->initrd_path != NULL;
	if (in.has_initrd &&
	    file_size("initrd", b->initrd_path, &in.initrd_size))
		return -1;
	st = layout_plan(&in, &out);
	if (st != LAYOUT_OK) {
		vmm_fail(layout_status_msg(st),
			 "image=%s kind=%s image_size=%llu initrd_size=%llu "
			 "mem=0x%llx",
			 b->image_path, in.linux_image ? "linux" : "flat",
			 (unsigned long long)in.image_file_size,
			 (unsigned long long)in.initrd_size,
			 (unsigned long long)v->ram_size);
		return -1;
	}
	b->linux_image = in.linux_image;
	b->entry = out.entry;
	b->dtb_gpa = out.dtb_gpa;
	b->image_gpa = out.image_gpa;
	b->image_size = in.image_file_size;
	if (load_file(v, "image", b->image_path, out.image_gpa,
		      in.image_file_size))
		return -1;
	if (!in.has_initrd)
		return 0;
	b->initrd_gpa = out.initrd_gpa;
	b->initrd_size = in.initrd_size;
	return load_file(v, "initrd", b->initrd_path, out.initrd_gpa,
			 in.initrd_size);
}

int vmm_build_dt(struct vmm *v, const struct vmm_boot *b,
		 const struct vmm_isa *isa)
{
	static uint8_t buf[LAYOUT_DTB_MAX];
	const struct dt_input in = {
		.ram_gpa = v->ram_gpa,
		.ram_size = v->ram_size,
		.timebase_hz = v->timebase_hz,
		.isa = isa->isa,
		.isa_exts = isa->exts,
		.isa_exts_len = isa->exts_len,
		.mmu = isa->mmu,
		.cbom_block = isa->cbom_block,
		.cboz_block = isa->cboz_block,
		.bootargs = b->bootargs,
		.initrd_gpa = b->initrd_gpa,
		.initrd_size = b->initrd_size,
		.nharts = v->nvcpus,
		.imsic_gpa =
			v->aia.mode != VMM_AIA_NONE ? vmm_aia_imsic_gpa(0) : 0,
		.aplic_gpa = VMM_AIA_APLIC_GPA,
		.aplic_size = KVM_DEV_RISCV_APLIC_SIZE,
		.imsic_ids = v->aia.nr_ids,
		.imsic_hart_bits = v->aia.hart_bits,
		.aplic_sources = v->aia.nr_sources,
	};
	int err = dt_build(buf, sizeof(buf), &in);
	void *dst;

	if (err) {
		vmm_fail("device_tree_build_failed", "libfdt=%s",
			 dt_strerror(err));
		return -1;
	}
	dst = vmm_gpa(v, b->dtb_gpa, dt_size(buf));
	if (!dst) {
		vmm_fail("device_tree_outside_guest_ram", "gpa=0x%llx",
			 (unsigned long long)b->dtb_gpa);
		return -1;
	}
	memcpy(dst, buf, dt_size(buf));
	return 0;
}
