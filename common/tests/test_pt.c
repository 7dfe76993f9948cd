/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests of the page-table walker: tables are built in a buffer that
 * stands for physical memory at MEM_BASE.
 */
#include "unit.h"

#include <rvnest/encoding.h>
#include <rvnest/pt.h>

#include <string.h>

#define MEM_BASE 0x80000000ULL
#define MEM_SIZE (1u << 20)
#define KIB 1024ULL
#define MIB (1024 * KIB)
#define GIB (1024 * MIB)

struct fake_mem {
	uint8_t buf[MEM_SIZE] __attribute__((aligned(16384)));
	uint64_t next; /* bump allocator offset */
	unsigned writes;
	bool fail_writes;
};

static struct fake_mem fm;

static bool fm_read(void *ctx, uint64_t pa, uint64_t *pte)
{
	struct fake_mem *m = ctx;

	if (pa < MEM_BASE || pa + 8 > MEM_BASE + MEM_SIZE || (pa & 7))
		return false;
	memcpy(pte, m->buf + (pa - MEM_BASE), 8);
	return true;
}

static bool fm_write(void *ctx, uint64_t pa, uint64_t pte)
{
	struct fake_mem *m = ctx;

	if (m->fail_writes || pa < MEM_BASE || pa + 8 > MEM_BASE + MEM_SIZE)
		return false;
	memcpy(m->buf + (pa - MEM_BASE), &pte, 8);
	m->writes++;
	return true;
}

static uint64_t fm_alloc(void *ctx, uint64_t size)
{
	struct fake_mem *m = ctx;
	uint64_t off = (m->next + size - 1) & ~(size - 1);

	if (off + size > MEM_SIZE)
		return 0;
	memset(m->buf + off, 0, size);
	m->next = off + size;
	return MEM_BASE + off;
}

static const struct pt_mem mem = {&fm, fm_read, fm_write, fm_alloc};
static const struct pt_mem mem_ro = {&fm, fm_read, NULL, NULL};

static uint64_t reset(enum pt_mode mode)
{
	memset(&fm, 0, sizeof(fm) - sizeof(fm.buf));
	fm.next = 0;
	return fm_alloc(&fm, pt_root_size(mode));
}

static void set_pte(uint64_t pa, uint64_t pte)
{
	CHECK(fm_write(&fm, pa, pte));
}

static uint64_t get_pte(uint64_t pa)
{
	uint64_t v = 0;
	CHECK(fm_read(&fm, pa, &v));
	return v;
}

static uint64_t ptr_pte(uint64_t table_pa)
{
	return ((table_pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_V;
}

static uint64_t leaf_pte(uint64_t pa, uint64_t flags)
{
	return ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | flags | PTE_V;
}

#define RWXUAD (PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)

TEST(pt_geometry)
{
	enum pt_mode m;

	CHECK_EQ(pt_levels(PT_SV39), 3);
	CHECK_EQ(pt_levels(PT_SV48X4), 4);
	CHECK_EQ(pt_levels(PT_SV57), 5);
	CHECK_EQ(pt_levels(PT_BARE), 0);
	CHECK_EQ(pt_root_size(PT_SV39), 4096);
	CHECK_EQ(pt_root_size(PT_SV39X4), 16384);
	CHECK_EQ(pt_root_size(PT_SV57X4), 16384);
	CHECK_EQ(pt_root_size(PT_BARE), 0);
	CHECK_EQ(pt_va_bits(PT_SV39X4), 41);
	CHECK_EQ(pt_va_bits(PT_SV48X4), 50);
	CHECK_EQ(pt_va_bits(PT_SV57X4), 59);
	CHECK_EQ(pt_va_bits(PT_SV48), 48);
	CHECK_EQ(pt_levels((enum pt_mode)99), 0);
	CHECK(pt_mode_from_atp(ATP_MODE_SV39, true, &m) && m == PT_SV39X4);
	CHECK(pt_mode_from_atp(ATP_MODE_SV48, true, &m) && m == PT_SV48X4);
	CHECK(pt_mode_from_atp(ATP_MODE_SV57, true, &m) && m == PT_SV57X4);
	CHECK(pt_mode_from_atp(ATP_MODE_SV39, false, &m) && m == PT_SV39);
	CHECK(pt_mode_from_atp(ATP_MODE_SV48, false, &m) && m == PT_SV48);
	CHECK(pt_mode_from_atp(ATP_MODE_SV57, false, &m) && m == PT_SV57);
	CHECK(pt_mode_from_atp(ATP_MODE_BARE, true, &m) && m == PT_BARE);
	CHECK(!pt_mode_from_atp(1, true, &m));
	CHECK(!pt_mode_from_atp(11, false, &m));
}

TEST(pt_bare_is_identity)
{
	struct pt_walk_result r =
		pt_walk(PT_BARE, &mem, 0, 0x1234567, PT_ACCESS_WRITE, NULL);
	CHECK_EQ(r.status, PT_WALK_OK);
	CHECK_EQ(r.pa, 0x1234567);
	CHECK_EQ(pt_map(PT_BARE, &mem, 0, 0, 0, PAGE_SIZE, PTE_R, 0), -1);
}

/* Hand-built Sv39x4 table: 4 KiB leaf, 2 MiB superpage, root-level 1 GiB
 * leaf in the upper (x4) quarter of the root. */
TEST(pt_sv39x4_hand_built)
{
	struct pt_walk_opts o = {.gstage = true};
	uint64_t root = reset(PT_SV39X4);
	uint64_t l1 = fm_alloc(&fm, PAGE_SIZE);
	uint64_t l0 = fm_alloc(&fm, PAGE_SIZE);
	struct pt_walk_result r;

	/* GPA 0x0 0040 3000 -> 4 KiB page at 0x9000_5000 */
	set_pte(root + 0 * 8, ptr_pte(l1));
	set_pte(l1 + 2 * 8, ptr_pte(l0));
	set_pte(l0 + 3 * 8, leaf_pte(0x90005000, RWXUAD));
	/* GPA 0x0 0060 0000 (l1 index 3): 2 MiB page at 0xa020_0000 */
	set_pte(l1 + 3 * 8, leaf_pte(0xa0200000, PTE_R | PTE_U | PTE_A));
	/* GPA 0x1_8000_0000 + 0x100_0000_0000? no: x4 root index 1600 ->
	 * GPA 1600 GiB = 0x190_0000_0000 (bit 40 set, valid for Sv39x4) */
	set_pte(root + 1600 * 8, leaf_pte(0x40000000, PTE_X | PTE_U | PTE_A));

	r = pt_walk(PT_SV39X4, &mem, root, 0x403abc, PT_ACCESS_WRITE, &o);
	CHECK_EQ(r.status, PT_WALK_OK);
	CHECK_EQ(r.pa, 0x90005abc);
	CHECK_EQ(r.level, 0);
	CHECK_EQ(r.page_size, 4096);
	CHECK_EQ(r.pte_pa, l0 + 3 * 8);

	r = pt_walk(PT_SV39X4, &mem, root, 0x612345, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_OK);
	CHECK_EQ(r.pa, 0xa0212345);
	CHECK_EQ(r.level, 1);
	CHECK_EQ(r.page_size, 2 * MIB);
	r = pt_walk(PT_SV39X4, &mem, root, 0x612345, PT_ACCESS_WRITE, &o);
	CHECK_EQ(r.status, PT_WALK_DENIED);
	r = pt_walk(PT_SV39X4, &mem, root, 0x612345, PT_ACCESS_EXEC, &o);
	CHECK_EQ(r.status, PT_WALK_DENIED);

	r = pt_walk(PT_SV39X4, &mem, root, 1600 * GIB + 0x1234, PT_ACCESS_EXEC,
		    &o);
	CHECK_EQ(r.status, PT_WALK_OK);
	CHECK_EQ(r.pa, 0x40001234);
	CHECK_EQ(r.page_size, GIB);
	/* execute-only: a load faults, unless MXR; HLVX succeeds */
	r = pt_walk(PT_SV39X4, &mem, root, 1600 * GIB, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_DENIED);
	r = pt_walk(PT_SV39X4, &mem, root, 1600 * GIB, PT_ACCESS_READ_EXEC, &o);
	CHECK_EQ(r.status, PT_WALK_OK);
	o.mxr = true;
	r = pt_walk(PT_SV39X4, &mem, root, 1600 * GIB, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_OK);
	o.mxr = false;
	/* HLVX needs X: the R-only 2 MiB page does not allow it */
	r = pt_walk(PT_SV39X4, &mem, root, 0x600000, PT_ACCESS_READ_EXEC, &o);
	CHECK_EQ(r.status, PT_WALK_DENIED);

	/* bit 41 set: wider than Sv39x4's 41-bit GPA */
	r = pt_walk(PT_SV39X4, &mem, root, 1ULL << 41, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_ADDR_RANGE);
	/* an unmapped GPA */
	r = pt_walk(PT_SV39X4, &mem, root, 0x800000, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_INVALID);
	CHECK_EQ(r.level, 1);
}

TEST(pt_gstage_needs_u)
{
	struct pt_walk_opts o = {.gstage = true};
	uint64_t root = reset(PT_SV39X4);
	struct pt_walk_result r;

	set_pte(root, leaf_pte(0, PTE_R | PTE_W | PTE_A | PTE_D));
	r = pt_walk(PT_SV39X4, &mem, root, 0x1000, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_DENIED);
	CHECK_EQ(r.pte_pa, root);
}

TEST(pt_invalid_encodings)
{
	struct pt_walk_opts o = {.gstage = true};
	uint64_t root = reset(PT_SV39X4);
	uint64_t l1 = fm_alloc(&fm, PAGE_SIZE);
	uint64_t base = leaf_pte(0x200000, RWXUAD);
	struct pt_walk_result r;
	static const uint64_t bad[] = {
		0,	       /* V=0 */
		PTE_W,	       /* W without R */
		PTE_W | PTE_X, /* W without R */
		BIT(54),       /* reserved bit */
		BIT(60),       /* reserved bit */
		PTE_N,	       /* Svnapot not implemented */
		BIT(61),       /* PBMT without Svpbmt */
	};

	set_pte(root, ptr_pte(l1));
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t pte = bad[i] ? (base | bad[i]) : 0;
		if (bad[i] & PTE_W)
			pte = leaf_pte(0x200000,
				       PTE_U | PTE_A | PTE_D | bad[i]);
		set_pte(l1 + 8, pte);
		r = pt_walk(PT_SV39X4, &mem, root, 0x200000, PT_ACCESS_READ,
			    &o);
		CHECK_EQ(r.status, PT_WALK_INVALID);
		CHECK_EQ(r.level, 1);
	}
	/* Svpbmt: PBMT=1,2 allowed in a leaf, 3 reserved */
	o.svpbmt = true;
	set_pte(l1 + 8, base | (1ULL << 61));
	r = pt_walk(PT_SV39X4, &mem, root, 0x200000, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_OK);
	set_pte(l1 + 8, base | (3ULL << 61));
	r = pt_walk(PT_SV39X4, &mem, root, 0x200000, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_INVALID);
	/* ... but PBMT in a non-leaf PTE is reserved even with Svpbmt */
	set_pte(l1 + 8, base);
	set_pte(root, ptr_pte(l1) | (1ULL << 61));
	r = pt_walk(PT_SV39X4, &mem, root, 0x200000, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_INVALID);
	CHECK_EQ(r.level, 2);
	/* A, D, U in a non-leaf PTE are reserved */
	static const uint64_t nonleaf_bad[] = {PTE_A, PTE_D, PTE_U};
	for (unsigned i = 0; i < 3; i++) {
		set_pte(root, ptr_pte(l1) | nonleaf_bad[i]);
		r = pt_walk(PT_SV39X4, &mem, root, 0x200000, PT_ACCESS_READ,
			    &o);
		CHECK_EQ(r.status, PT_WALK_INVALID);
	}
	set_pte(root, ptr_pte(l1));
	r = pt_walk(PT_SV39X4, &mem, root, 0x200000, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_OK);

	/* misaligned 2 MiB superpage */
	set_pte(l1 + 8, leaf_pte(0x201000, RWXUAD));
	r = pt_walk(PT_SV39X4, &mem, root, 0x200000, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_INVALID);
	/* misaligned 1 GiB superpage at the root */
	set_pte(root + 8, leaf_pte(0x40200000, RWXUAD));
	r = pt_walk(PT_SV39X4, &mem, root, GIB, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_INVALID);
}

TEST(pt_pointer_at_level0_is_invalid)
{
	uint64_t root = reset(PT_SV39);
	uint64_t l1 = fm_alloc(&fm, PAGE_SIZE);
	uint64_t l0 = fm_alloc(&fm, PAGE_SIZE);
	struct pt_walk_result r;

	set_pte(root, ptr_pte(l1));
	set_pte(l1, ptr_pte(l0));
	set_pte(l0, ptr_pte(root));
	r = pt_walk(PT_SV39, &mem, root, 0, PT_ACCESS_READ, NULL);
	CHECK_EQ(r.status, PT_WALK_INVALID);
	CHECK_EQ(r.level, 0);
}

TEST(pt_table_outside_memory_is_access_fault)
{
	uint64_t root = reset(PT_SV48X4);
	struct pt_walk_result r;

	set_pte(root + 8, ptr_pte(0x1000));
	r = pt_walk(PT_SV48X4, &mem, root, 512 * GIB, PT_ACCESS_READ, NULL);
	CHECK_EQ(r.status, PT_WALK_ACCESS_FAULT);
	CHECK_EQ(r.pte_pa, 0x1000);
	CHECK_EQ(r.level, 2);
	/* the root itself unreachable */
	r = pt_walk(PT_SV48X4, &mem, 0x2000, 0, PT_ACCESS_READ, NULL);
	CHECK_EQ(r.status, PT_WALK_ACCESS_FAULT);
}

TEST(pt_vs_stage_permissions)
{
	uint64_t root = reset(PT_SV39);
	struct pt_walk_opts o = {0};
	struct pt_walk_result r;
	uint64_t va_user = 0, va_sup = GIB;

	set_pte(root,
		leaf_pte(0, PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D));
	set_pte(root + 8, leaf_pte(GIB, PTE_R | PTE_X | PTE_A));

	/* supervisor access to a U page: only loads/stores, only with SUM */
	r = pt_walk(PT_SV39, &mem, root, va_user, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_DENIED);
	o.sum = true;
	r = pt_walk(PT_SV39, &mem, root, va_user, PT_ACCESS_WRITE, &o);
	CHECK_EQ(r.status, PT_WALK_OK);
	r = pt_walk(PT_SV39, &mem, root, va_user, PT_ACCESS_EXEC, &o);
	CHECK_EQ(r.status, PT_WALK_DENIED);
	/* user access: U page yes, S page no */
	o.user = true;
	r = pt_walk(PT_SV39, &mem, root, va_user, PT_ACCESS_EXEC, &o);
	CHECK_EQ(r.status, PT_WALK_OK);
	r = pt_walk(PT_SV39, &mem, root, va_sup, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_DENIED);
	o.user = false;
	r = pt_walk(PT_SV39, &mem, root, va_sup, PT_ACCESS_EXEC, &o);
	CHECK_EQ(r.status, PT_WALK_OK);
	r = pt_walk(PT_SV39, &mem, root, va_sup, PT_ACCESS_WRITE, &o);
	CHECK_EQ(r.status, PT_WALK_DENIED);

	/* non-canonical VA */
	r = pt_walk(PT_SV39, &mem, root, 1ULL << 38, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_ADDR_RANGE);
	r = pt_walk(PT_SV39, &mem, root, 1ULL << 40, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_ADDR_RANGE);
	/* canonical high VA: index 511 of the root, V=0 */
	r = pt_walk(PT_SV39, &mem, root, ~0ULL << 30, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_INVALID);
	CHECK_EQ(r.pte_pa, root + 511 * 8);
}

TEST(pt_accessed_dirty)
{
	struct pt_walk_opts o = {.gstage = true};
	uint64_t root = reset(PT_SV39X4);
	struct pt_walk_result r;

	/* A=0: fault without update_ad, set A with it */
	set_pte(root, leaf_pte(0, PTE_R | PTE_W | PTE_U));
	r = pt_walk(PT_SV39X4, &mem, root, 0, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_DENIED);
	CHECK_EQ(get_pte(root) & (PTE_A | PTE_D), 0);
	o.update_ad = true;
	r = pt_walk(PT_SV39X4, &mem, root, 0, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_OK);
	CHECK_EQ(get_pte(root) & (PTE_A | PTE_D), PTE_A);
	CHECK_EQ(r.pte & PTE_A, PTE_A);
	/* store with D=0 */
	o.update_ad = false;
	r = pt_walk(PT_SV39X4, &mem, root, 0, PT_ACCESS_WRITE, &o);
	CHECK_EQ(r.status, PT_WALK_DENIED);
	o.update_ad = true;
	r = pt_walk(PT_SV39X4, &mem, root, 0, PT_ACCESS_WRITE, &o);
	CHECK_EQ(r.status, PT_WALK_OK);
	CHECK_EQ(get_pte(root) & (PTE_A | PTE_D), PTE_A | PTE_D);
	/* nothing written when A/D already set */
	unsigned w = fm.writes;
	r = pt_walk(PT_SV39X4, &mem, root, 0, PT_ACCESS_WRITE, &o);
	CHECK_EQ(r.status, PT_WALK_OK);
	CHECK_EQ(fm.writes, w);
	/* the A/D write failing is an access fault; so is no write_pte */
	set_pte(root, leaf_pte(0, PTE_R | PTE_U));
	fm.fail_writes = true;
	r = pt_walk(PT_SV39X4, &mem, root, 0, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_ACCESS_FAULT);
	fm.fail_writes = false;
	r = pt_walk(PT_SV39X4, &mem_ro, root, 0, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_ACCESS_FAULT);
	/* permission is checked before A/D: a denied store sets nothing */
	r = pt_walk(PT_SV39X4, &mem, root, 0, PT_ACCESS_WRITE, &o);
	CHECK_EQ(r.status, PT_WALK_DENIED);
	CHECK_EQ(get_pte(root) & PTE_A, 0);
}

TEST(pt_map_picks_superpages)
{
	struct pt_walk_opts o = {.gstage = true};
	enum pt_mode modes[] = {PT_SV39X4, PT_SV48X4, PT_SV57X4, PT_SV39};

	for (unsigned mi = 0; mi < 4; mi++) {
		enum pt_mode mode = modes[mi];
		uint64_t root = reset(mode);
		uint64_t flags = RWXUAD;
		struct pt_walk_result r;

		/* 4 KiB head, 2 MiB middle, 4 KiB tail */
		uint64_t va = 2 * MIB - 2 * PAGE_SIZE;
		uint64_t pa = 0x80000000 + 2 * MIB - 2 * PAGE_SIZE;
		uint64_t size = 2 * PAGE_SIZE + 2 * MIB + 3 * PAGE_SIZE;
		CHECK_EQ(pt_map(mode, &mem, root, va, pa, size, flags, 0), 0);
		for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
			r = pt_walk(mode, &mem, root, va + off + 8,
				    PT_ACCESS_WRITE, &o);
			CHECK_EQ(r.status, PT_WALK_OK);
			CHECK_EQ(r.pa, pa + off + 8);
			uint64_t in_mid = off >= 2 * PAGE_SIZE &&
					  off < 2 * PAGE_SIZE + 2 * MIB;
			CHECK_EQ(r.page_size, in_mid ? 2 * MIB : PAGE_SIZE);
		}
		r = pt_walk(mode, &mem, root, va + size, PT_ACCESS_READ, &o);
		CHECK_EQ(r.status, PT_WALK_INVALID);
		r = pt_walk(mode, &mem, root, va - PAGE_SIZE, PT_ACCESS_READ,
			    &o);
		CHECK_EQ(r.status, PT_WALK_INVALID);

		/* 1 GiB page, and max_page limiting it to 2 MiB */
		CHECK_EQ(pt_map(mode, &mem, root, 4 * GIB, GIB, GIB, flags, 0),
			 0);
		r = pt_walk(mode, &mem, root, 4 * GIB + 5, PT_ACCESS_READ, &o);
		CHECK_EQ(r.status, PT_WALK_OK);
		CHECK_EQ(r.page_size, GIB);
		CHECK_EQ(r.pa, GIB + 5);
		CHECK_EQ(pt_map(mode, &mem, root, 8 * GIB, GIB, 4 * MIB, flags,
				2 * MIB),
			 0);
		r = pt_walk(mode, &mem, root, 8 * GIB + 3 * MIB, PT_ACCESS_READ,
			    &o);
		CHECK_EQ(r.status, PT_WALK_OK);
		CHECK_EQ(r.page_size, 2 * MIB);
		CHECK_EQ(r.pa, GIB + 3 * MIB);
	}
}

TEST(pt_map_rounds_size_up)
{
	struct pt_walk_opts o = {.gstage = true};
	uint64_t root = reset(PT_SV39X4);
	struct pt_walk_result r;

	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, 0x5000, 0x9000, 0x1001, RWXUAD,
			0),
		 0);
	r = pt_walk(PT_SV39X4, &mem, root, 0x6ff8, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_OK);
	CHECK_EQ(r.pa, 0xaff8);
	r = pt_walk(PT_SV39X4, &mem, root, 0x7000, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_INVALID);
}

TEST(pt_map_existing_mappings)
{
	struct pt_walk_opts o = {.gstage = true};
	uint64_t root = reset(PT_SV39X4);
	struct pt_walk_result r;

	/* a 4 KiB map then a 2 MiB map over the same range: the existing
	 * table is kept and the 2 MiB range is mapped with 4 KiB pages */
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, 2 * MIB, 0x100000000ULL,
			PAGE_SIZE, RWXUAD, 0),
		 0);
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, 2 * MIB, 0x200000000ULL, 2 * MIB,
			RWXUAD, 0),
		 0);
	r = pt_walk(PT_SV39X4, &mem, root, 3 * MIB, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_OK);
	CHECK_EQ(r.page_size, PAGE_SIZE);
	CHECK_EQ(r.pa, 0x200000000ULL + MIB);
	/* a 4 KiB map inside an existing 1 GiB leaf would split it */
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, 4 * GIB, 0, GIB, RWXUAD, 0), 0);
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, 4 * GIB + PAGE_SIZE, 0,
			PAGE_SIZE, RWXUAD, 0),
		 -1);
	/* remapping a leaf of the same size replaces it */
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, 4 * GIB, GIB, GIB,
			PTE_R | PTE_U | PTE_A, 0),
		 0);
	r = pt_walk(PT_SV39X4, &mem, root, 4 * GIB, PT_ACCESS_WRITE, &o);
	CHECK_EQ(r.status, PT_WALK_DENIED);
	r = pt_walk(PT_SV39X4, &mem, root, 4 * GIB, PT_ACCESS_READ, &o);
	CHECK_EQ(r.pa, GIB);
}

TEST(pt_map_rejects_bad_arguments)
{
	uint64_t root = reset(PT_SV39X4);

	/* unaligned, empty, wrapping, out of range, bad flags */
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, 0x10, 0, PAGE_SIZE, PTE_R, 0),
		 -1);
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, 0, 0x10, PAGE_SIZE, PTE_R, 0),
		 -1);
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, 0, 0, 0, PTE_R, 0), -1);
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, 0, 0, ~0ULL - 2, PTE_R, 0), -1);
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, ~0ULL << 12, 0, PAGE_SIZE * 2,
			PTE_R, 0),
		 -1);
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, 1ULL << 41, 0, PAGE_SIZE, PTE_R,
			0),
		 -1);
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, (1ULL << 41) - PAGE_SIZE, 0,
			2 * PAGE_SIZE, PTE_R, 0),
		 -1);
	/* Sv39: a range from the lower half across the hole, both ends
	 * canonical */
	CHECK_EQ(pt_map(PT_SV39, &mem, root, 0, 0, ~0ULL - (PAGE_SIZE - 1),
			PTE_R, 0),
		 -1);
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, 0, 1ULL << 56, PAGE_SIZE, PTE_R,
			0),
		 -1);
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, 0, 0, PAGE_SIZE, 0, 0), -1);
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, 0, 0, PAGE_SIZE, PTE_W, 0), -1);
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, 0, 0, PAGE_SIZE, PTE_R | PTE_N,
			0),
		 -1);
	CHECK_EQ(pt_map(PT_SV39X4, &mem_ro, root, 0, 0, PAGE_SIZE, PTE_R, 0),
		 -1);
	/* table allocation failing */
	fm.next = MEM_SIZE;
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, 0, 0, PAGE_SIZE, PTE_R, 0), -1);
	/* the root unreachable */
	CHECK_EQ(pt_map(PT_SV39X4, &mem, 0x1000, 0, 0, PAGE_SIZE, PTE_R, 0),
		 -1);
	/* a table PTE write failing */
	root = reset(PT_SV39X4);
	fm.fail_writes = true;
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, 0, 0, PAGE_SIZE, PTE_R, 0), -1);
	CHECK_EQ(pt_map(PT_SV39X4, &mem, root, 0, 0, GIB, PTE_R, 0), -1);
	fm.fail_writes = false;
}

/* A pointer where a leaf belongs (level 0) is never mapped through. */
TEST(pt_map_refuses_pointer_at_level0)
{
	uint64_t root = reset(PT_SV39);
	struct pt_walk_result r;

	CHECK_EQ(pt_map(PT_SV39, &mem, root, 0x3000, 0x3000, PAGE_SIZE, RWXUAD,
			0),
		 0);
	r = pt_walk(PT_SV39, &mem, root, 0x3000, PT_ACCESS_READ, NULL);
	set_pte(r.pte_pa, ptr_pte(root));
	CHECK_EQ(pt_map(PT_SV39, &mem, root, 0x3000, 0x3000, PAGE_SIZE, RWXUAD,
			0),
		 -1);
}

TEST(pt_unmap_top_of_address_space)
{
	struct pt_walk_opts o = {.user = true};
	uint64_t root = reset(PT_SV39);
	uint64_t top = ~0ULL << PAGE_SHIFT;
	struct pt_walk_result r;

	CHECK_EQ(pt_map(PT_SV39, &mem, root, top, 0x5000, PAGE_SIZE, RWXUAD, 0),
		 0);
	r = pt_walk(PT_SV39, &mem, root, top, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_OK);
	/* the range ends at the last byte: the walk must not wrap to 0 */
	pt_unmap(PT_SV39, &mem, root, top, PAGE_SIZE - 1);
	r = pt_walk(PT_SV39, &mem, root, top, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_INVALID);
}

TEST(pt_unmap)
{
	struct pt_walk_opts o = {.gstage = true};
	uint64_t root = reset(PT_SV48X4);
	struct pt_walk_result r;

	CHECK_EQ(pt_map(PT_SV48X4, &mem, root, 0, 0, 4 * MIB + 8 * PAGE_SIZE,
			RWXUAD, 0),
		 0);
	/* remove one 4 KiB page */
	pt_unmap(PT_SV48X4, &mem, root, 4 * MIB + PAGE_SIZE, PAGE_SIZE);
	r = pt_walk(PT_SV48X4, &mem, root, 4 * MIB + PAGE_SIZE, PT_ACCESS_READ,
		    &o);
	CHECK_EQ(r.status, PT_WALK_INVALID);
	r = pt_walk(PT_SV48X4, &mem, root, 4 * MIB, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_OK);
	r = pt_walk(PT_SV48X4, &mem, root, 4 * MIB + 2 * PAGE_SIZE,
		    PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_OK);
	/* a partial range inside a 2 MiB page removes the whole page */
	pt_unmap(PT_SV48X4, &mem, root, MIB, PAGE_SIZE);
	r = pt_walk(PT_SV48X4, &mem, root, 5, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_INVALID);
	r = pt_walk(PT_SV48X4, &mem, root, 2 * MIB, PT_ACCESS_READ, &o);
	CHECK_EQ(r.status, PT_WALK_OK);
	/* everything, across unmapped holes, to the top of the space */
	pt_unmap(PT_SV48X4, &mem, root, 0, 1ULL << 50);
	for (uint64_t a = 0; a < 4 * MIB + 8 * PAGE_SIZE; a += PAGE_SIZE) {
		r = pt_walk(PT_SV48X4, &mem, root, a, PT_ACCESS_READ, &o);
		CHECK_EQ(r.status, PT_WALK_INVALID);
	}
	/* wrapping range, Bare and an unreachable root do nothing */
	pt_unmap(PT_SV48X4, &mem, root, 5, ~0ULL);
	pt_unmap(PT_BARE, &mem, root, 0, PAGE_SIZE);
	pt_unmap(PT_SV48X4, &mem, 0x1000, 0, PAGE_SIZE);
	pt_unmap(PT_SV48X4, &mem_ro, root, 0, PAGE_SIZE);
}
