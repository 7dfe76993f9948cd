/* SPDX-License-Identifier: BSD-2-Clause */
#include "fwcfg.h"

#include <string.h>

/* MMIO register layout of fw_cfg on Arm/RISC-V virt (fw_cfg.rst "Memory
 * Mapped"): data at +0 (string-preserving: bytes come out in file order),
 * selector at +8 (16-bit, big-endian). */
#define FWCFG_DATA 0x0
#define FWCFG_SELECTOR 0x8
/* Selector keys (fw_cfg.rst "Selector Register"). */
#define FWCFG_KEY_SIGNATURE 0x0000
#define FWCFG_KEY_FILE_DIR 0x0019
/* A directory entry: size (BE32), select (BE16), reserved (16), name[56] */
#define FWCFG_NAME_LEN 56
#define FWCFG_BOUNCE 4096

static void fw_select(uint64_t base, uint16_t key)
{
	/* big-endian register: swap on this little-endian hart */
	*(volatile uint16_t *)(uintptr_t)(base + FWCFG_SELECTOR) =
		(uint16_t)((key >> 8) | (key << 8));
}

static uint8_t fw_byte(uint64_t base)
{
	return *(volatile uint8_t *)(uintptr_t)(base + FWCFG_DATA);
}

static void fw_bytes(uint64_t base, void *buf, uint32_t len)
{
	uint8_t *b = buf;

	for (uint32_t i = 0; i < len; i++)
		b[i] = fw_byte(base);
}

static uint32_t be32(const uint8_t *b)
{
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	       ((uint32_t)b[2] << 8) | b[3];
}

enum l0_fwcfg_status l0_fwcfg_find(uint64_t base, const char *name,
				   struct l0_fwcfg_file *f)
{
	uint8_t sig[4], hdr[4], ent[8];
	char ename[FWCFG_NAME_LEN];
	uint32_t count;

	fw_select(base, FWCFG_KEY_SIGNATURE);
	fw_bytes(base, sig, sizeof(sig));
	if (memcmp(sig, "QEMU", 4))
		return L0_FWCFG_NO_DEVICE;
	fw_select(base, FWCFG_KEY_FILE_DIR);
	fw_bytes(base, hdr, sizeof(hdr));
	count = be32(hdr);
	for (uint32_t i = 0; i < count; i++) {
		fw_bytes(base, ent, sizeof(ent));
		fw_bytes(base, ename, sizeof(ename));
		ename[FWCFG_NAME_LEN - 1] = '\0';
		if (strcmp(ename, name))
			continue;
		f->size = be32(ent);
		f->select = (uint16_t)((ent[4] << 8) | ent[5]);
		return L0_FWCFG_OK;
	}
	return L0_FWCFG_NO_FILE;
}

void l0_fwcfg_read_to_guest(uint64_t base, const struct l0_fwcfg_file *f,
			    const struct l0_gmem *g, uint64_t gpa)
{
	static uint8_t bounce[FWCFG_BOUNCE];
	uint32_t left = f->size;

	fw_select(base, f->select);
	while (left) {
		uint32_t n = left < FWCFG_BOUNCE ? left : FWCFG_BOUNCE;
		uint32_t i = 0;

		/* 8 bytes per access where possible (the data register is
		 * up to 64 bits wide and string-preserving) */
		for (; i + 8 <= n; i += 8) {
			uint64_t w =
				*(volatile uint64_t *)(uintptr_t)(base +
								  FWCFG_DATA);

			memcpy(bounce + i, &w, 8);
		}
		for (; i < n; i++)
			bounce[i] = fw_byte(base);
		l0_gmem_write(g, gpa, bounce, n);
		gpa += n;
		left -= n;
	}
}
