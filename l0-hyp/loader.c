/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader.h"

#include <stdio.h>
#include <string.h>

/* ELF-64 header and program header fields (System V gABI, "ELF Header",
 * "Program Header"); only what the loader reads. */
#define EI_NIDENT 16
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_RISCV 243
#define PT_LOAD 1

struct l0_elf64_ehdr {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum,
		e_shstrndx;
};

struct l0_elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

/* Linux RISC-V boot image header (Documentation/arch/riscv/boot-image-
 * header.rst): text_offset at 8, image_size at 16, magic "RISCV\0\0\0" at
 * 0x30 (deprecated) and magic2 "RSC\x05" at 0x38. */
#define LINUX_HDR_TEXT_OFFSET 0x08
#define LINUX_HDR_IMAGE_SIZE 0x10
#define LINUX_HDR_MAGIC 0x30
#define LINUX_HDR_MAGIC2 0x38
#define LINUX_HDR_SIZE 0x40

static const char l0_elf_magic[4] = {0x7f, 'E', 'L', 'F'};
static const char l0_linux_magic[8] = {'R', 'I', 'S', 'C', 'V', 0, 0, 0};
static const char l0_linux_magic2[4] = {'R', 'S', 'C', 0x05};

#define FAIL(...)                                   \
	do {                                        \
		snprintf(err, errlen, __VA_ARGS__); \
		return L0_LOAD_BAD;                 \
	} while (0)

#define TOO_LARGE(...)                              \
	do {                                        \
		snprintf(err, errlen, __VA_ARGS__); \
		return L0_LOAD_TOO_LARGE;           \
	} while (0)

const char *l0_image_format_name(enum l0_image_format f)
{
	switch (f) {
	case L0_IMAGE_ELF:
		return "elf";
	case L0_IMAGE_LINUX:
		return "linux-image";
	case L0_IMAGE_FLAT:
		return "flat";
	}
	return "unknown";
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static enum l0_load_status load_elf(const struct l0_gmem *g, const uint8_t *src,
				    uint64_t size, struct l0_l1_image *img,
				    char *err, size_t errlen)
{
	struct l0_elf64_ehdr eh;

	if (size < sizeof(eh))
		FAIL("L1 ELF image truncated (%llu bytes)",
		     (unsigned long long)size);
	memcpy(&eh, src, sizeof(eh));
	if (eh.e_ident[4] != ELFCLASS64 || eh.e_ident[5] != ELFDATA2LSB ||
	    eh.e_machine != EM_RISCV || eh.e_type != ET_EXEC)
		FAIL("L1 ELF image is not a little-endian RV64 executable");
	if (eh.e_phentsize != sizeof(struct l0_elf64_phdr) ||
	    eh.e_phoff > size ||
	    (uint64_t)eh.e_phnum * sizeof(struct l0_elf64_phdr) >
		    size - eh.e_phoff)
		FAIL("L1 ELF program headers lie outside the file");
	img->lo = UINT64_MAX;
	img->hi = 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		struct l0_elf64_phdr ph;

		memcpy(&ph, src + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > size ||
		    ph.p_filesz > size - ph.p_offset)
			FAIL("L1 ELF segment %u lies outside the file", i);
		if (!l0_gmem_in_ram(g, ph.p_paddr, ph.p_memsz))
			TOO_LARGE("L1 image too large for its region: ELF "
				  "segment "
				  "%u at 0x%llx+0x%llx is outside L1 RAM "
				  "0x%llx+0x%llx",
				  i, (unsigned long long)ph.p_paddr,
				  (unsigned long long)ph.p_memsz,
				  (unsigned long long)g->gpa,
				  (unsigned long long)g->size);
		l0_gmem_write(g, ph.p_paddr, src + ph.p_offset, ph.p_filesz);
		l0_gmem_zero(g, ph.p_paddr + ph.p_filesz,
			     ph.p_memsz - ph.p_filesz);
		if (ph.p_paddr < img->lo)
			img->lo = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > img->hi)
			img->hi = ph.p_paddr + ph.p_memsz;
	}
	if (img->hi == 0)
		FAIL("L1 ELF image has no loadable segment");
	if (!l0_gmem_in_ram(g, eh.e_entry, 2))
		FAIL("L1 ELF entry 0x%llx is outside L1 RAM",
		     (unsigned long long)eh.e_entry);
	img->format = L0_IMAGE_ELF;
	img->entry = eh.e_entry;
	return L0_LOAD_OK;
}

static enum l0_load_status load_at(const struct l0_gmem *g, const uint8_t *src,
				   uint64_t size, uint64_t gpa, uint64_t memsz,
				   struct l0_l1_image *img, char *err,
				   size_t errlen)
{
	if (!l0_gmem_in_ram(g, gpa, memsz))
		TOO_LARGE(
			"L1 image too large for its region: %s image of 0x%llx "
			"bytes at 0x%llx does not fit in L1 RAM 0x%llx+0x%llx "
			"(raise l1.mem)",
			l0_image_format_name(img->format),
			(unsigned long long)memsz, (unsigned long long)gpa,
			(unsigned long long)g->gpa,
			(unsigned long long)g->size);
	l0_gmem_write(g, gpa, src, size);
	l0_gmem_zero(g, gpa + size, memsz - size);
	img->entry = gpa;
	img->lo = gpa;
	img->hi = gpa + memsz;
	return L0_LOAD_OK;
}

enum l0_load_status l0_load_l1(const struct l0_gmem *g, const void *src,
			       uint64_t size, struct l0_l1_image *img,
			       char *err, size_t errlen)
{
	const uint8_t *s = src;

	memset(img, 0, sizeof(*img));
	if (!size)
		FAIL("L1 image is empty (QEMU -initrd)");
	if (size >= 4 && !memcmp(s, l0_elf_magic, 4))
		return load_elf(g, s, size, img, err, errlen);
	if (size >= LINUX_HDR_SIZE &&
	    (!memcmp(s + LINUX_HDR_MAGIC, l0_linux_magic, 8) ||
	     !memcmp(s + LINUX_HDR_MAGIC2, l0_linux_magic2, 4))) {
		uint64_t off = rd64(s + LINUX_HDR_TEXT_OFFSET);
		uint64_t isz = rd64(s + LINUX_HDR_IMAGE_SIZE);

		img->format = L0_IMAGE_LINUX;
		/* image_size counts bss too; 0 means "unknown" in old
		 * headers, then the file size is all we know. */
		if (isz < size)
			isz = size;
		if (off >= g->size)
			TOO_LARGE("L1 image too large for its region: Linux "
				  "Image text_offset 0x%llx is beyond L1 RAM",
				  (unsigned long long)off);
		return load_at(g, s, size, g->gpa + off, isz, img, err, errlen);
	}
	img->format = L0_IMAGE_FLAT;
	return load_at(g, s, size, L1_FLAT_LOAD_GPA, size, img, err, errlen);
}
