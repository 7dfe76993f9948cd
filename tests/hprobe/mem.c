/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The translation tables the probes run under, built once with the shared
 * walker's pt_map(): G-stages in Sv39x4 and Sv48x4 that identity-map the
 * image, and two Sv39 VS-stage tables (supervisor and user) that
 * identity-map it in guest virtual space. Fixed test pages get their own
 * permissions at one stage each, so every fault case is a single page and a
 * single access.
 *
 * The tables live in this image's own memory, which is identity-mapped by
 * the G-stage, so guest physical = the address HS-mode uses: pt_mem is a
 * plain pointer access.
 */
#include <string.h>

#include <rvnest/pt.h>

#include "hprobe.h"

extern char _hp_start[], _hp_end[];

/* Two x4 roots of 16 KiB and a handful of 4 KiB tables per table. */
#define HP_POOL_SIZE (64 * PAGE_SIZE)
#define HP_GSTAGE_ROOT_ALIGN (4 * PAGE_SIZE)

static uint8_t hp_pool[HP_POOL_SIZE]
	__attribute__((aligned(HP_GSTAGE_ROOT_ALIGN)));
static size_t hp_pool_used;

static uint8_t hp_pages[HP_PG_COUNT][PAGE_SIZE]
	__attribute__((section(".hp_pages"), aligned(PAGE_SIZE)));

/* Bits of virtual page number per level in Sv39 (spec "Sv39"). */
#define HP_VPN_BITS 9

static uint64_t hp_gstage_root, hp_gstage48_root, hp_vs_super_root,
	hp_vs_user_root, hp_vs_super48_root;

static bool hp_read_pte(void *ctx, uint64_t pa, uint64_t *pte)
{
	(void)ctx;
	*pte = *(volatile uint64_t *)(uintptr_t)pa;
	return true;
}

static bool hp_write_pte(void *ctx, uint64_t pa, uint64_t pte)
{
	(void)ctx;
	*(volatile uint64_t *)(uintptr_t)pa = pte;
	return true;
}

static uint64_t hp_alloc_table(void *ctx, uint64_t size)
{
	size_t start = (hp_pool_used + size - 1) & ~(size - 1);

	(void)ctx;
	if (start + size > HP_POOL_SIZE)
		return 0;
	hp_pool_used = start + size;
	memset(&hp_pool[start], 0, size);
	return (uint64_t)(uintptr_t)&hp_pool[start];
}

static const struct pt_mem hp_mem = {
	.read_pte = hp_read_pte,
	.write_pte = hp_write_pte,
	.alloc_table = hp_alloc_table,
};

unsigned long hp_page(enum hp_page pg)
{
	return (unsigned long)hp_pages[pg];
}

/* G-stage leaves must have U=1: G-stage accesses are all treated as
 * U-mode accesses (spec "Guest Physical Address Translation"). A and D are
 * preset because QEMU, like Svade, faults rather than updating them. */
#define G_AD (PTE_A | PTE_D)
static const uint64_t hp_gstage_perm[HP_PG_COUNT] = {
	[HP_PG_DATA] = PTE_R | PTE_W | PTE_X | PTE_U | G_AD,
	[HP_PG_CODE] = PTE_R | PTE_W | PTE_X | PTE_U | G_AD,
	[HP_PG_GRO] = PTE_R | PTE_U | G_AD,
	[HP_PG_GXO] = PTE_X | PTE_U | G_AD,
	[HP_PG_GRW] = PTE_R | PTE_W | PTE_U | G_AD,
	[HP_PG_GNOU] = PTE_R | PTE_W | PTE_X | G_AD,
	[HP_PG_GNA] = PTE_R | PTE_W | PTE_X | PTE_U,
	[HP_PG_VRO] = PTE_R | PTE_W | PTE_X | PTE_U | G_AD,
	[HP_PG_VXO] = PTE_R | PTE_W | PTE_X | PTE_U | G_AD,
	[HP_PG_VNA] = PTE_R | PTE_W | PTE_X | PTE_U | G_AD,
	[HP_PG_VUSER] = PTE_R | PTE_W | PTE_X | PTE_U | G_AD,
	[HP_PG_FENCE] = PTE_R | PTE_W | PTE_U | G_AD,
};

/* VS-stage permissions (U added in the user table). */
static const uint64_t hp_vs_perm[HP_PG_COUNT] = {
	[HP_PG_DATA] = PTE_R | PTE_W | PTE_X | G_AD,
	[HP_PG_CODE] = PTE_R | PTE_W | PTE_X | G_AD,
	[HP_PG_GRO] = PTE_R | PTE_W | PTE_X | G_AD,
	[HP_PG_GXO] = PTE_R | PTE_W | PTE_X | G_AD,
	[HP_PG_GRW] = PTE_R | PTE_W | PTE_X | G_AD,
	[HP_PG_GNOU] = PTE_R | PTE_W | PTE_X | G_AD,
	[HP_PG_GNA] = PTE_R | PTE_W | PTE_X | G_AD,
	[HP_PG_VRO] = PTE_R | PTE_A,
	[HP_PG_VXO] = PTE_X | PTE_A,
	[HP_PG_VNA] = PTE_R | PTE_W | PTE_X,
	[HP_PG_VUSER] = PTE_R | PTE_W | PTE_X | PTE_U | G_AD,
	[HP_PG_FENCE] = PTE_R | PTE_W | G_AD,
};

/* Index of va's PTE in a table of the given level (spec "Sv39", "Sv48":
 * VPN[level]). */
static uint64_t hp_vpn(uint64_t va, unsigned level)
{
	return (va >> (PAGE_SHIFT + level * HP_VPN_BITS)) &
	       ((1UL << HP_VPN_BITS) - 1);
}

/* The level whose PTE for HP_GVA_WALKHOLE points at the unmapped table:
 * the one that selects 1 GiB ranges (the root in Sv39). */
#define HP_WALKHOLE_LEVEL 2

static bool hp_build_vs(enum pt_mode mode, uint64_t root, uint64_t u)
{
	uint64_t start = (uint64_t)(uintptr_t)_hp_start;
	uint64_t size = (uint64_t)(_hp_end - _hp_start);
	uint64_t table = root;

	/* 4 KiB pages throughout, so the test pages can be remapped. */
	if (pt_map(mode, &hp_mem, root, start, start, size,
		   PTE_R | PTE_W | PTE_X | G_AD | u, PAGE_SIZE))
		return false;
	for (unsigned pg = 0; pg < HP_PG_COUNT; pg++)
		if (pt_map(mode, &hp_mem, root, hp_page(pg), hp_page(pg),
			   PAGE_SIZE, hp_vs_perm[pg] | u, PAGE_SIZE))
			return false;
	if (pt_map(mode, &hp_mem, root, HP_GVA_GHOLE, HP_GPA_HOLE, PAGE_SIZE,
		   PTE_R | PTE_W | PTE_X | G_AD | u, PAGE_SIZE))
		return false;
	if (pt_map(mode, &hp_mem, root, HP_GVA_ALIAS_GRO, hp_page(HP_PG_GRO),
		   PAGE_SIZE, PTE_R | PTE_W | PTE_X | G_AD | u, PAGE_SIZE))
		return false;
	/* A non-leaf entry whose next-level table is at a guest physical
	 * address the G-stage does not map: any access under it faults on
	 * the implicit VS-stage walk itself. pt_map only points non-leaves
	 * at tables it allocates, so this one is written by hand, in the
	 * level-2 table that the image's own mapping (same VPN above level
	 * 2) already created. */
	for (unsigned lvl = pt_levels(mode) - 1; lvl > HP_WALKHOLE_LEVEL;
	     lvl--) {
		uint64_t pte;

		hp_read_pte(NULL,
			    table + hp_vpn(HP_GVA_WALKHOLE, lvl) *
					    sizeof(uint64_t),
			    &pte);
		if (!(pte & PTE_V) || (pte & (PTE_R | PTE_W | PTE_X)))
			return false;
		table = ((pte & PTE_PPN) >> PTE_PPN_SHIFT) << PAGE_SHIFT;
	}
	hp_write_pte(NULL,
		     table + hp_vpn(HP_GVA_WALKHOLE, HP_WALKHOLE_LEVEL) *
				     sizeof(uint64_t),
		     ((HP_GPA_WALK_TABLE >> PAGE_SHIFT) << PTE_PPN_SHIFT) |
			     PTE_V);
	return true;
}

/* The same G-stage contents in either x4 mode. */
static bool hp_build_gstage(enum pt_mode mode, uint64_t root)
{
	uint64_t start = (uint64_t)(uintptr_t)_hp_start;
	uint64_t size = (uint64_t)(_hp_end - _hp_start);

	if (pt_map(mode, &hp_mem, root, start, start, size,
		   PTE_R | PTE_W | PTE_X | PTE_U | G_AD, PAGE_SIZE))
		return false;
	for (unsigned pg = 0; pg < HP_PG_COUNT; pg++)
		if (pt_map(mode, &hp_mem, root, hp_page(pg), hp_page(pg),
			   PAGE_SIZE, hp_gstage_perm[pg], PAGE_SIZE))
			return false;
	/* the "acc" group: a valid G-stage leaf onto no memory */
	return !pt_map(mode, &hp_mem, root, HP_GPA_TO_NOTHING, HP_PA_NOTHING,
		       PAGE_SIZE, PTE_R | PTE_W | PTE_X | PTE_U | G_AD,
		       PAGE_SIZE);
}

bool hp_mem_init(void)
{
	hp_gstage_root = hp_alloc_table(NULL, pt_root_size(PT_SV39X4));
	hp_gstage48_root = hp_alloc_table(NULL, pt_root_size(PT_SV48X4));
	hp_vs_super_root = hp_alloc_table(NULL, pt_root_size(PT_SV39));
	hp_vs_user_root = hp_alloc_table(NULL, pt_root_size(PT_SV39));
	hp_vs_super48_root = hp_alloc_table(NULL, pt_root_size(PT_SV48));
	if (!hp_gstage_root || !hp_gstage48_root || !hp_vs_super_root ||
	    !hp_vs_user_root || !hp_vs_super48_root)
		return false;
	return hp_build_gstage(PT_SV39X4, hp_gstage_root) &&
	       hp_build_gstage(PT_SV48X4, hp_gstage48_root) &&
	       hp_build_vs(PT_SV39, hp_vs_super_root, 0) &&
	       hp_build_vs(PT_SV39, hp_vs_user_root, PTE_U) &&
	       hp_build_vs(PT_SV48, hp_vs_super48_root, 0);
}

bool hp_mem_remap(enum hp_page pg, enum hp_table t, uint64_t perm)
{
	/* pt_map replaces a leaf of the same size in place. */
	if (t == HP_TABLE_GSTAGE)
		return !pt_map(PT_SV39X4, &hp_mem, hp_gstage_root, hp_page(pg),
			       hp_page(pg), PAGE_SIZE, perm, PAGE_SIZE);
	return !pt_map(PT_SV39, &hp_mem, hp_vs_super_root, hp_page(pg),
		       hp_page(pg), PAGE_SIZE, perm, PAGE_SIZE);
}

/* jalr x0, 0(ra): the RET that fills the fetch targets. */
#define HP_INSN_RET 0x00008067u

void hp_mem_fill(void)
{
	for (unsigned pg = 0; pg < HP_PG_COUNT; pg++) {
		uint32_t *w = (uint32_t *)hp_pages[pg];

		for (unsigned i = 0; i < PAGE_SIZE / sizeof(*w); i++)
			w[i] = HP_INSN_RET;
	}
	/* The data page: every byte distinct and the top bit set in the
	 * low byte, half and word, so sign extension shows. */
	uint64_t *d = (uint64_t *)hp_pages[HP_PG_DATA];
	for (unsigned i = 0; i < PAGE_SIZE / sizeof(*d); i++)
		d[i] = 0x0123456789abcdefULL + i * 0x0101010101010101ULL;
}

unsigned long hp_hgatp_value(enum hp_hgatp g)
{
	switch (g) {
	case HP_HGATP_SV39X4:
		return ((unsigned long)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
		       (hp_gstage_root >> PAGE_SHIFT);
	case HP_HGATP_SV48X4:
		return ((unsigned long)ATP_MODE_SV48 << ATP_MODE_SHIFT) |
		       (hp_gstage48_root >> PAGE_SHIFT);
	case HP_HGATP_FAR_ROOT:
		return ((unsigned long)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
		       (HP_PA_FAR >> PAGE_SHIFT);
	case HP_HGATP_BARE:
		break;
	}
	return 0;
}

unsigned long hp_vsatp_value(enum hp_vsatp v)
{
	switch (v) {
	case HP_VSATP_SUPER:
		return ((unsigned long)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
		       (hp_vs_super_root >> PAGE_SHIFT);
	case HP_VSATP_USER:
		return ((unsigned long)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
		       (hp_vs_user_root >> PAGE_SHIFT);
	case HP_VSATP_SUPER48:
		return ((unsigned long)ATP_MODE_SV48 << ATP_MODE_SHIFT) |
		       (hp_vs_super48_root >> PAGE_SHIFT);
	case HP_VSATP_HOLE_ROOT:
		return ((unsigned long)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
		       (HP_GPA_VSROOT_HOLE >> PAGE_SHIFT);
	case HP_VSATP_BARE:
		break;
	}
	return 0;
}

bool hp_mem_map_device(unsigned long pa, unsigned long size)
{
	/* A device page: no X, accessed from V=1 as U (G-stage accesses are
	 * U-mode, spec "Guest Physical Address Translation"). */
	uint64_t perm = PTE_R | PTE_W | PTE_U | G_AD;

	return !pt_map(PT_SV39X4, &hp_mem, hp_gstage_root, pa, pa, size, perm,
		       PAGE_SIZE) &&
	       !pt_map(PT_SV48X4, &hp_mem, hp_gstage48_root, pa, pa, size, perm,
		       PAGE_SIZE);
}
