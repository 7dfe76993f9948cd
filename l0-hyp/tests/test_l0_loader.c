/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests of the L1 image loader (l0-hyp/loader.c) into a fake L1 RAM:
 * ELF segments at their physical addresses with bss zeroed, a Linux Image
 * at RAM base + text_offset with image_size checked, a flat binary at
 * 0x80200000, and every malformed or oversized image refused.
 */
#include "unit.h"

#include <string.h>

#include "../loader.h"

#define MIB (1ULL << 20)

static uint8_t ram[4 * MIB] __attribute__((aligned(4096)));
static uint8_t img[8192] __attribute__((aligned(8)));
static struct l0_gmem g;
static struct l0_l1_image out;
static char err[256];

static void setup(uint64_t size)
{
	memset(&g, 0, sizeof(g));
	g.gpa = L1_RAM_GPA;
	g.size = size;
	g.chunk[0].gpa = L1_RAM_GPA;
	g.chunk[0].hpa = (uint64_t)(uintptr_t)ram;
	g.chunk[0].size = size;
	g.nchunks = 1;
	memset(ram, 0xaa, sizeof(ram));
	memset(img, 0, sizeof(img));
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* A minimal RV64 ELF executable with one PT_LOAD: 16 bytes of file data
 * at `paddr` and memsz 64 (48 bytes of bss). */
static void make_elf(uint64_t paddr)
{
	uint8_t *ph = img + 64;

	memcpy(img,
	       "\x7f"
	       "ELF",
	       4);
	img[4] = 2;	      /* ELFCLASS64 */
	img[5] = 1;	      /* little-endian */
	img[6] = 1;	      /* EV_CURRENT */
	put16(img + 16, 2);   /* ET_EXEC */
	put16(img + 18, 243); /* EM_RISCV */
	put32(img + 20, 1);
	put64(img + 24, paddr); /* entry */
	put64(img + 32, 64);	/* phoff */
	put16(img + 52, 64);	/* ehsize */
	put16(img + 54, 56);	/* phentsize */
	put16(img + 56, 1);	/* phnum */
	put32(ph + 0, 1);	/* PT_LOAD */
	put64(ph + 8, 256);	/* offset */
	put64(ph + 16, paddr);	/* vaddr */
	put64(ph + 24, paddr);	/* paddr */
	put64(ph + 32, 16);	/* filesz */
	put64(ph + 40, 64);	/* memsz */
	memset(img + 256, 0x5a, 16);
}

TEST(loader_elf)
{
	setup(4 * MIB);
	make_elf(0x80100000);
	CHECK_EQ(l0_load_l1(&g, img, 512, &out, err, sizeof(err)), L0_LOAD_OK);
	CHECK_EQ(out.format, L0_IMAGE_ELF);
	CHECK_EQ(out.entry, 0x80100000);
	CHECK_EQ(out.lo, 0x80100000);
	CHECK_EQ(out.hi, 0x80100000 + 64);
	CHECK_EQ(ram[1 * MIB], 0x5a);
	CHECK_EQ(ram[1 * MIB + 15], 0x5a);
	CHECK_EQ(ram[1 * MIB + 16], 0); /* bss zeroed */
	CHECK_EQ(ram[1 * MIB + 63], 0);
	CHECK_EQ(ram[1 * MIB + 64], 0xaa); /* nothing beyond */
}

TEST(loader_elf_refusals)
{
	setup(4 * MIB);
	make_elf(0x80400000 - 32); /* bss runs past the end of L1 RAM */
	CHECK_EQ(l0_load_l1(&g, img, 512, &out, err, sizeof(err)),
		 L0_LOAD_TOO_LARGE);
	CHECK(strstr(err, "too large for its region") != NULL);
	make_elf(0x80100000);
	CHECK_EQ(l0_load_l1(&g, img, 32, &out, err, sizeof(err)), L0_LOAD_BAD);
	CHECK(strstr(err, "truncated") != NULL);
	CHECK_EQ(l0_load_l1(&g, img, 200, &out, err, sizeof(err)),
		 L0_LOAD_BAD); /* segment data beyond the file */
	put16(img + 18, 62);   /* EM_X86_64 */
	CHECK_EQ(l0_load_l1(&g, img, 512, &out, err, sizeof(err)), L0_LOAD_BAD);
	CHECK(strstr(err, "RV64") != NULL);
}

TEST(loader_linux_image)
{
	setup(4 * MIB);
	put64(img + 8, 0x200000);  /* text_offset */
	put64(img + 16, 0x100000); /* image_size, bss included */
	memcpy(img + 0x30, "RISCV\0\0\0", 8);
	img[0x40] = 0x77;
	CHECK_EQ(l0_load_l1(&g, img, 4096, &out, err, sizeof(err)), L0_LOAD_OK);
	CHECK_EQ(out.format, L0_IMAGE_LINUX);
	CHECK_EQ(out.entry, 0x80200000);
	CHECK_EQ(out.hi, 0x80300000);
	CHECK_EQ(ram[2 * MIB + 0x40], 0x77);
	CHECK_EQ(ram[2 * MIB + 4096], 0); /* image_size worth zeroed */
	/* image_size beyond L1 RAM */
	put64(img + 16, 0x300000);
	CHECK_EQ(l0_load_l1(&g, img, 4096, &out, err, sizeof(err)),
		 L0_LOAD_TOO_LARGE);
}

TEST(loader_flat)
{
	setup(4 * MIB);
	img[0] = 0x13; /* nop */
	CHECK_EQ(l0_load_l1(&g, img, 8, &out, err, sizeof(err)), L0_LOAD_OK);
	CHECK_EQ(out.format, L0_IMAGE_FLAT);
	CHECK_EQ(out.entry, L1_FLAT_LOAD_GPA);
	CHECK_EQ(ram[2 * MIB], 0x13);
	/* 2M of RAM ends where a flat image starts */
	setup(2 * MIB);
	CHECK_EQ(l0_load_l1(&g, img, 8, &out, err, sizeof(err)),
		 L0_LOAD_TOO_LARGE);
	CHECK_EQ(l0_load_l1(&g, img, 0, &out, err, sizeof(err)), L0_LOAD_BAD);
}
