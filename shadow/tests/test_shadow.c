/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shadow G-stage unit tests: L1 tables built in a buffer (Bare, Sv39x4,
 * Sv48x4, Sv57x4), the composed result checked for every outcome.
 */
#include "unit.h"
#include "world.h"

#include <rvnest/encoding.h>

#include <string.h>

#define RWX (PTE_R | PTE_W | PTE_X)
#define L1_LEAF (PTE_U | PTE_A | PTE_D)

static struct world w;

static uint64_t hgatp_val(uint64_t atp_mode, uint64_t vmid, uint64_t root)
{
	return (atp_mode << ATP_MODE_SHIFT) | (vmid << HGATP_VMID_SHIFT) |
	       (root >> PAGE_SHIFT);
}

/* Fresh world with an L1 root for `mode` installed as L1's hgatp. */
static uint64_t setup(enum pt_mode shadow_mode, uint64_t atp_mode,
		      uint64_t pool)
{
	uint64_t root;

	world_fini(&w);
	CHECK(world_init(&w, pool, shadow_mode, SHADOW_HGATP_WARL_QEMU));
	root = world_l1_table(&w, 16 * KIB);
	if (atp_mode != ATP_MODE_BARE)
		CHECK_EQ(shadow_write_hgatp(&w.s, hgatp_val(atp_mode, 1, root)),
			 hgatp_val(atp_mode, 1, root));
	return root;
}

static void l1_map(enum pt_mode mode, uint64_t root, uint64_t gpa,
		   uint64_t l1_gpa, uint64_t size, uint64_t flags)
{
	struct pt_mem m = world_l1_mem(&w);
	CHECK_EQ(pt_map(mode, &m, root, gpa, l1_gpa, size, flags, size), 0);
}

static bool pool_read(void *ctx, uint64_t pa, uint64_t *pte)
{
	(void)ctx;
	if (pa < w.pool_pa || pa - w.pool_pa >= w.pool_size)
		return false;
	memcpy(pte, w.pool + (pa - w.pool_pa), sizeof(*pte));
	return true;
}

/* The shadow's leaf for gpa in the current slot (status OK), walked with
 * the common walker: every installed leaf has U, A and R or X, so a read
 * with MXR succeeds exactly when a leaf is there. */
static struct pt_walk_result shadow_leaf(uint64_t gpa)
{
	struct pt_walk_opts o = {.gstage = true, .mxr = true};
	struct pt_mem m = {NULL, pool_read, NULL, NULL};
	enum shadow_hw_fence f;
	uint64_t h = shadow_hgatp(&w.s, &f);

	return pt_walk(w.cfg.mode, &m, (h & ATP_PPN) << PAGE_SHIFT, gpa,
		       PT_ACCESS_READ, &o);
}

TEST(shadow_init_rejects_bad_config)
{
	struct shadow s;
	struct shadow_config c;

	CHECK(world_init(&w, 128 * KIB, PT_SV48X4, SHADOW_HGATP_WARL_QEMU));
	c = w.cfg;
	c.mode = PT_SV48;
	CHECK(!shadow_init(&s, &c));
	c = w.cfg;
	c.mode = PT_BARE;
	CHECK(!shadow_init(&s, &c));
	c = w.cfg;
	c.pool_size = shadow_pool_min_size(PT_SV48X4) - 1;
	CHECK(!shadow_init(&s, &c));
	c.pool_size = shadow_pool_min_size(PT_SV48X4);
	CHECK(shadow_init(&s, &c));
	c = w.cfg;
	c.pool_pa += 4 * KIB;
	CHECK(!shadow_init(&s, &c));
	c = w.cfg;
	c.pool_pa = ~0ULL << 14;
	CHECK(!shadow_init(&s, &c));
	c = w.cfg;
	c.l0.l1_gpa_to_host = NULL;
	CHECK(!shadow_init(&s, &c));
	c = w.cfg;
	c.l0.read_host64 = NULL;
	CHECK(!shadow_init(&s, &c));
	c = w.cfg;
	c.pool_va = NULL;
	CHECK(!shadow_init(&s, &c));
	c = w.cfg;
	c.hw_vmid_base = (HGATP_VMID >> HGATP_VMID_SHIFT) - 2;
	CHECK(!shadow_init(&s, &c));
	c.hw_vmid_base = (HGATP_VMID >> HGATP_VMID_SHIFT) + 1 - SHADOW_SLOTS;
	CHECK(shadow_init(&s, &c));
	c = w.cfg;
	c.warl = (enum shadow_hgatp_warl)7;
	CHECK(!shadow_init(&s, &c));
	CHECK_EQ(shadow_pool_min_size(PT_BARE), 0);
	CHECK_EQ(shadow_pool_min_size(PT_SV39X4),
		 SHADOW_SLOTS * 16 * KIB + 2 * 4 * KIB);
}

TEST(shadow_hgatp_warl)
{
	uint64_t root = 0x80004000;
	enum shadow_hw_fence f;

	/* QEMU policy (as measured by test_shadow_hw on QEMU 10): supported
	 * modes keep every bit as written */
	setup(PT_SV48X4, ATP_MODE_BARE, 128 * KIB);
	CHECK_EQ(w.s.hgatp, 0);
	CHECK_EQ(
		shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV39, 5, root) | 3),
		hgatp_val(ATP_MODE_SV39, 5, root) | 3);
	CHECK_EQ(shadow_write_hgatp(&w.s,
				    hgatp_val(ATP_MODE_SV48, 0xffff, root)),
		 hgatp_val(ATP_MODE_SV48, 0xffff, root));
	CHECK_EQ(shadow_write_hgatp(&w.s, 3), 3);
	CHECK_EQ(w.s.stats.hgatp_rejected, 0);
	/* unsupported (Sv57x4 is wider than the Sv48x4 shadow; 1 and 15 are
	 * reserved): the whole write is ignored */
	CHECK_EQ(shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV57, 1, root)),
		 3);
	CHECK_EQ(shadow_write_hgatp(&w.s, hgatp_val(1, 1, root)), 3);
	CHECK_EQ(shadow_write_hgatp(&w.s, ~0ULL), 3);
	CHECK_EQ(w.s.stats.hgatp_rejected, 3);
	CHECK_EQ(w.s.stats.hgatp_writes, 6);
	/* PPN[1:0] as QEMU keeps them: the walk starts at the unaligned
	 * root, as QEMU's does */
	uint64_t r16 = world_l1_table(&w, 16 * KIB);
	l1_map(PT_SV39X4, r16, 0, 2 * GIB, 4 * KIB, RWX | L1_LEAF);
	world_l1_set(&w, r16 + 0x1000, world_l1_get(&w, r16));
	shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV39, 1, r16) | 1);
	CHECK_EQ(shadow_fill(&w.s, 0, SHADOW_ACCESS_LOAD, PT_ACCESS_READ)
			 .host_pa,
		 5 * GIB);

	/* spec policy: PPN[1:0] read as zero, VMID is 14 bits, and an
	 * unsupported MODE keeps the old one while the rest is written */
	world_fini(&w);
	CHECK(world_init(&w, 128 * KIB, PT_SV48X4, SHADOW_HGATP_WARL_SPEC));
	CHECK_EQ(
		shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV39, 5, root) | 3),
		hgatp_val(ATP_MODE_SV39, 5, root));
	CHECK_EQ(shadow_write_hgatp(&w.s,
				    hgatp_val(ATP_MODE_SV48, 0xffff, root)),
		 hgatp_val(ATP_MODE_SV48, 0x3fff, root));
	CHECK_EQ(shadow_write_hgatp(&w.s, 3), 3);
	shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV39, 2, root));
	CHECK_EQ(shadow_write_hgatp(
			 &w.s, hgatp_val(ATP_MODE_SV57, 9, root + 0x8000) | 1),
		 hgatp_val(ATP_MODE_SV39, 9, root + 0x8000));
	CHECK_EQ(shadow_hgatp_legalize(&w.s, 0, ~0ULL), (HGATP_VMID | ATP_PPN));

	/* an Sv57x4 shadow takes Sv57x4 */
	world_fini(&w);
	CHECK(world_init(&w, 128 * KIB, PT_SV57X4, SHADOW_HGATP_WARL_QEMU));
	CHECK_EQ(shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV57, 1, root)),
		 hgatp_val(ATP_MODE_SV57, 1, root));
	/* the real hgatp: shadow mode, hw VMID base + slot, pool root */
	uint64_t h = shadow_hgatp(&w.s, &f);
	CHECK_EQ(h >> ATP_MODE_SHIFT, ATP_MODE_SV57);
	CHECK_EQ((h & HGATP_VMID) >> HGATP_VMID_SHIFT, 100 + w.s.cur);
	CHECK_EQ((h & ATP_PPN) << PAGE_SHIFT, POOL_PA + w.s.cur * 16 * KIB);
	CHECK_EQ(f, SHADOW_HW_FENCE_NONE);
}

TEST(shadow_bare_l1)
{
	struct shadow_result r;
	struct pt_walk_result l;

	setup(PT_SV48X4, ATP_MODE_BARE, 256 * KIB);
	/* RAM_A: host 1 GiB aligned, 1 GiB region: a 1 GiB page */
	r = shadow_fill(&w.s, 2 * GIB + 0x1234, SHADOW_ACCESS_STORE,
			PT_ACCESS_WRITE);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.page_size, GIB);
	CHECK_EQ(r.l1_gpa, 2 * GIB + 0x1234);
	CHECK_EQ(r.host_pa, 5 * GIB + 0x1234);
	CHECK_EQ(r.perm, RWX);
	CHECK_EQ(r.fence, SHADOW_HW_FENCE_NONE);
	l = shadow_leaf(2 * GIB + 0x5678);
	CHECK_EQ(l.status, PT_WALK_OK);
	CHECK_EQ(l.pa, 5 * GIB + 0x5678);
	CHECK_EQ(l.pte & (RWX | PTE_U | PTE_A | PTE_D), RWX | L1_LEAF);
	/* RAM_B: host only 1 MiB aligned: 4 KiB pages */
	r = shadow_fill(&w.s, 4 * GIB + 3 * MIB + 8, SHADOW_ACCESS_FETCH,
			PT_ACCESS_EXEC);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.page_size, 4 * KIB);
	CHECK_EQ(r.host_pa, 12 * GIB + 4 * MIB + 8);
	/* RAM_C: 2 MiB aligned, read-only for L1: a load maps R+X */
	r = shadow_fill(&w.s, 4 * GIB + 6 * MIB, SHADOW_ACCESS_LOAD,
			PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.page_size, 2 * MIB);
	CHECK_EQ(r.perm, PTE_R | PTE_X);
	/* a store to L0's read-only L1 memory is L0's business */
	r = shadow_fill(&w.s, 4 * GIB + 4 * MIB, SHADOW_ACCESS_STORE,
			PT_ACCESS_WRITE);
	CHECK_EQ(r.status, SHADOW_L0_DENIED);
	CHECK_EQ(r.l1_gpa, 4 * GIB + 4 * MIB);
	CHECK_EQ(w.s.stats.l0_denied, 1);
	/* MMIO: never mapped; access fault of the original type */
	r = shadow_fill(&w.s, MMIO_GPA, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_NOT_RAM);
	CHECK_EQ(r.cause, EXC_LOAD_ACCESS);
	CHECK_EQ(r.l1_gpa, MMIO_GPA);
	r = shadow_fill(&w.s, MMIO_GPA, SHADOW_ACCESS_STORE, PT_ACCESS_WRITE);
	CHECK_EQ(r.cause, EXC_STORE_ACCESS);
	r = shadow_fill(&w.s, MMIO_GPA, SHADOW_ACCESS_FETCH, PT_ACCESS_EXEC);
	CHECK_EQ(r.cause, EXC_INST_ACCESS);
	CHECK_EQ(shadow_leaf(MMIO_GPA).status, PT_WALK_INVALID);
	CHECK_EQ(w.s.stats.not_ram, 3);
	/* L1 RAM above the shadow's 50-bit reach cannot be mapped */
	r = shadow_fill(&w.s, 1ULL << 50, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_NOT_RAM);
	CHECK_EQ(w.s.stats.fills[2], 1);
	CHECK_EQ(w.s.stats.fills[1], 1);
	CHECK_EQ(w.s.stats.fills[0], 1);
}

TEST(shadow_sv39x4_superpage_combinations)
{
	uint64_t root = setup(PT_SV48X4, ATP_MODE_SV39, 256 * KIB);
	struct shadow_result r;

	/* L1 2 MiB leaf onto 1 GiB-aligned RAM_A: 2 MiB (L1 bounds it) */
	l1_map(PT_SV39X4, root, 0, 2 * GIB + 2 * MIB, 2 * MIB, RWX | L1_LEAF);
	/* L1 1 GiB leaf onto RAM_A: 1 GiB */
	l1_map(PT_SV39X4, root, GIB, 2 * GIB, GIB, RWX | L1_LEAF);
	/* L1 1 GiB leaf onto L1 GPA 4 GiB: RAM_B (4 KiB only) then RAM_C */
	l1_map(PT_SV39X4, root, 2 * GIB, 4 * GIB, GIB, RWX | L1_LEAF);
	/* L1 4 KiB leaf onto RAM_A: 4 KiB although L0 could do 1 GiB */
	l1_map(PT_SV39X4, root, 3 * GIB, 2 * GIB + 8 * KIB, 4 * KIB,
	       RWX | L1_LEAF);
	/* a GPA in the x4 part of the root (bit 40) */
	l1_map(PT_SV39X4, root, 1ULL << 40, 2 * GIB, 2 * MIB, RWX | L1_LEAF);

	r = shadow_fill(&w.s, 0x1000, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.page_size, 2 * MIB);
	CHECK_EQ(r.host_pa, 5 * GIB + 2 * MIB + 0x1000);
	r = shadow_fill(&w.s, GIB + 0x2000, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.page_size, GIB);
	CHECK_EQ(r.host_pa, 5 * GIB + 0x2000);
	r = shadow_fill(&w.s, 2 * GIB + 5 * KIB, SHADOW_ACCESS_STORE,
			PT_ACCESS_WRITE);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.page_size, 4 * KIB);
	CHECK_EQ(r.host_pa, 12 * GIB + MIB + 5 * KIB);
	r = shadow_fill(&w.s, 2 * GIB + 6 * MIB, SHADOW_ACCESS_FETCH,
			PT_ACCESS_EXEC);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.page_size, 2 * MIB);
	CHECK_EQ(r.perm, PTE_R | PTE_X); /* L1 RWX ∩ L0 RX */
	r = shadow_fill(&w.s, 2 * GIB + 100 * MIB, SHADOW_ACCESS_LOAD,
			PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_NOT_RAM);
	CHECK_EQ(r.l1_gpa, 4 * GIB + 100 * MIB);
	r = shadow_fill(&w.s, 3 * GIB + 12, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.page_size, 4 * KIB);
	CHECK_EQ(r.host_pa, 5 * GIB + 8 * KIB + 12);
	r = shadow_fill(&w.s, (1ULL << 40) + 4, SHADOW_ACCESS_LOAD,
			PT_ACCESS_READ);
	CHECK_EQ(r.page_size, 2 * MIB);
	CHECK_EQ(r.host_pa, 5 * GIB + 4);
	CHECK_EQ(shadow_leaf((1ULL << 40) + 2 * KIB).pa, 5 * GIB + 2 * KIB);
	/* L1 2 MiB leaf onto RAM_X: host 2 MiB aligned but the region is
	 * only 64 KiB, so 4 KiB pages, and nothing past its end */
	l1_map(PT_SV39X4, root, 4 * GIB, 8 * GIB, 2 * MIB, RWX | L1_LEAF);
	r = shadow_fill(&w.s, 4 * GIB + 0x3000, SHADOW_ACCESS_FETCH,
			PT_ACCESS_EXEC);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.page_size, 4 * KIB);
	CHECK_EQ(r.perm, PTE_X);
	CHECK_EQ(r.host_pa, 16 * GIB + 0x3000);
	r = shadow_fill(&w.s, 4 * GIB + 64 * KIB, SHADOW_ACCESS_FETCH,
			PT_ACCESS_EXEC);
	CHECK_EQ(r.status, SHADOW_NOT_RAM);
	/* beyond Sv39x4's 41 bits: guest-page fault */
	r = shadow_fill(&w.s, 1ULL << 41, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FORWARD_GUEST_PAGE_FAULT);
	CHECK_EQ(r.htval, (1ULL << 41) >> 2);
	/* translate composes without installing */
	r = shadow_translate(&w.s, 2 * GIB + 3 * MIB, SHADOW_ACCESS_LOAD,
			     PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.host_pa, 12 * GIB + MIB + 3 * MIB);
	CHECK_EQ(shadow_leaf(2 * GIB + 3 * MIB).status, PT_WALK_INVALID);
	CHECK_EQ(w.s.stats.translates, 1);
}

TEST(shadow_sv48x4_large_leaves)
{
	uint64_t root = setup(PT_SV48X4, ATP_MODE_SV48, 256 * KIB);
	struct pt_mem m = world_l1_mem(&w);
	struct shadow_result r;

	/* L1 512 GiB leaf at GPA 0 -> L1 GPA 0: only RAM_A is 1 GiB */
	world_l1_set(&w, root, pte_leaf(0, RWX | L1_LEAF));
	r = shadow_fill(&w.s, 2 * GIB + 7, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.page_size, GIB);
	CHECK_EQ(r.host_pa, 5 * GIB + 7);
	/* 2 MiB leaf in the upper x4 range (bit 49) */
	CHECK_EQ(pt_map(PT_SV48X4, &m, root, 1ULL << 49, 4 * GIB + 4 * MIB,
			4 * MIB, PTE_R | PTE_X | L1_LEAF, 0),
		 0);
	r = shadow_fill(&w.s, (1ULL << 49) + 2 * MIB + 1, SHADOW_ACCESS_FETCH,
			PT_ACCESS_EXEC);
	CHECK_EQ(r.page_size, 2 * MIB);
	CHECK_EQ(r.host_pa, 14 * GIB + 4 * MIB + 1);
	r = shadow_fill(&w.s, 1ULL << 50, SHADOW_ACCESS_FETCH, PT_ACCESS_EXEC);
	CHECK_EQ(r.status, SHADOW_FORWARD_GUEST_PAGE_FAULT);
	CHECK_EQ(r.cause, EXC_INST_GUEST_PAGE_FAULT);
}

/* Every way L1's walk fails or denies: forwarded with the right cause. */
TEST(shadow_forwarded_faults)
{
	uint64_t root = setup(PT_SV48X4, ATP_MODE_SV39, 256 * KIB);
	uint64_t l1tab = world_l1_table(&w, 4 * KIB);
	struct shadow_result r;
	static const struct {
		uint64_t pte;
		enum shadow_access orig;
		enum pt_access need;
		unsigned long cause;
	} cases[] = {
		/* V=0 */
		{0, SHADOW_ACCESS_LOAD, PT_ACCESS_READ,
		 EXC_LOAD_GUEST_PAGE_FAULT},
		/* U=0 in a G-stage leaf */
		{PTE_V | RWX | PTE_A | PTE_D, SHADOW_ACCESS_STORE,
		 PT_ACCESS_WRITE, EXC_STORE_GUEST_PAGE_FAULT},
		/* A=0 (no Svadu: fault, never set) */
		{PTE_V | RWX | PTE_U | PTE_D, SHADOW_ACCESS_FETCH,
		 PT_ACCESS_EXEC, EXC_INST_GUEST_PAGE_FAULT},
		/* store with D=0 */
		{PTE_V | RWX | PTE_U | PTE_A, SHADOW_ACCESS_STORE,
		 PT_ACCESS_WRITE, EXC_STORE_GUEST_PAGE_FAULT},
		/* W without R: reserved */
		{PTE_V | PTE_W | PTE_U | PTE_A | PTE_D, SHADOW_ACCESS_LOAD,
		 PT_ACCESS_READ, EXC_LOAD_GUEST_PAGE_FAULT},
		/* reserved bit 54 */
		{PTE_V | RWX | L1_LEAF | BIT(54), SHADOW_ACCESS_LOAD,
		 PT_ACCESS_READ, EXC_LOAD_GUEST_PAGE_FAULT},
		/* PBMT without Svpbmt */
		{PTE_V | RWX | L1_LEAF | PTE_PBMT, SHADOW_ACCESS_LOAD,
		 PT_ACCESS_READ, EXC_LOAD_GUEST_PAGE_FAULT},
		/* N without Svnapot */
		{PTE_V | RWX | L1_LEAF | PTE_N, SHADOW_ACCESS_LOAD,
		 PT_ACCESS_READ, EXC_LOAD_GUEST_PAGE_FAULT},
		/* permission: read-only leaf, store */
		{PTE_V | PTE_R | L1_LEAF, SHADOW_ACCESS_STORE, PT_ACCESS_WRITE,
		 EXC_STORE_GUEST_PAGE_FAULT},
		/* permission: no X, fetch */
		{PTE_V | PTE_R | PTE_W | L1_LEAF, SHADOW_ACCESS_FETCH,
		 PT_ACCESS_EXEC, EXC_INST_GUEST_PAGE_FAULT},
		/* implicit VS-stage table read (needs R) of an X-only page,
		 * reported as the original store */
		{PTE_V | PTE_X | L1_LEAF, SHADOW_ACCESS_STORE, PT_ACCESS_READ,
		 EXC_STORE_GUEST_PAGE_FAULT},
		/* HLVX needs X */
		{PTE_V | PTE_R | L1_LEAF, SHADOW_ACCESS_LOAD,
		 PT_ACCESS_READ_EXEC, EXC_LOAD_GUEST_PAGE_FAULT},
	};
	uint64_t gpa = 0x5008;

	world_l1_set(&w, root, pte_ptr(l1tab));
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* a 2 MiB leaf at L1 table index 0 */
		uint64_t pte = cases[i].pte;
		if (pte)
			pte |= ((2 * GIB) >> PAGE_SHIFT) << PTE_PPN_SHIFT;
		world_l1_set(&w, l1tab, pte);
		r = shadow_fill(&w.s, gpa, cases[i].orig, cases[i].need);
		CHECK_EQ(r.status, SHADOW_FORWARD_GUEST_PAGE_FAULT);
		CHECK_EQ(r.cause, cases[i].cause);
		CHECK_EQ(r.htval, gpa >> 2);
		CHECK_EQ(shadow_leaf(gpa).status, PT_WALK_INVALID);
	}
	/* misaligned 2 MiB superpage */
	world_l1_set(&w, l1tab, pte_leaf(2 * GIB + 4 * KIB, RWX | L1_LEAF));
	r = shadow_fill(&w.s, gpa, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FORWARD_GUEST_PAGE_FAULT);
	/* A/D/U in a pointer are reserved */
	world_l1_set(&w, l1tab, pte_leaf(2 * GIB, RWX | L1_LEAF));
	world_l1_set(&w, root, pte_ptr(l1tab) | PTE_A);
	r = shadow_fill(&w.s, gpa, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FORWARD_GUEST_PAGE_FAULT);
	world_l1_set(&w, root, pte_ptr(l1tab));
	r = shadow_fill(&w.s, gpa, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(w.s.stats.forwards[EXC_LOAD_GUEST_PAGE_FAULT], 8);
	CHECK_EQ(w.s.stats.forwards[EXC_STORE_GUEST_PAGE_FAULT], 4);
	CHECK_EQ(w.s.stats.forwards[EXC_INST_GUEST_PAGE_FAULT], 2);
}

/* L1's table pointers leave L1 RAM: access fault of the original type. */
TEST(shadow_l1_table_access_faults)
{
	uint64_t root = setup(PT_SV48X4, ATP_MODE_SV39, 256 * KIB);
	struct shadow_result r;

	/* a pointer to MMIO */
	world_l1_set(&w, root, pte_ptr(MMIO_GPA));
	r = shadow_fill(&w.s, 0x3000, SHADOW_ACCESS_STORE, PT_ACCESS_WRITE);
	CHECK_EQ(r.status, SHADOW_L1_TABLE_ACCESS_FAULT);
	CHECK_EQ(r.cause, EXC_STORE_ACCESS);
	CHECK_EQ(r.htval, 0);
	/* a pointer to memory L0 gave L1 execute-only */
	world_l1_set(&w, root, pte_ptr(8 * GIB));
	r = shadow_fill(&w.s, 0x3000, SHADOW_ACCESS_FETCH, PT_ACCESS_EXEC);
	CHECK_EQ(r.status, SHADOW_L1_TABLE_ACCESS_FAULT);
	CHECK_EQ(r.cause, EXC_INST_ACCESS);
	/* a pointer far above any memory */
	world_l1_set(&w, root, pte_ptr(1ULL << 55));
	r = shadow_fill(&w.s, 0x3000, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.cause, EXC_LOAD_ACCESS);
	/* the root itself outside L1 RAM */
	shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV39, 1, MMIO_GPA));
	r = shadow_fill(&w.s, 0x3000, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_L1_TABLE_ACCESS_FAULT);
	CHECK_EQ(w.s.stats.forwards[EXC_LOAD_ACCESS], 2);
	/* L1 maps an L2 page onto MMIO or onto nothing: not RAM */
	shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV39, 1, root));
	world_l1_set(&w, root, 0);
	l1_map(PT_SV39X4, root, 0, MMIO_GPA, 4 * KIB, RWX | L1_LEAF);
	l1_map(PT_SV39X4, root, 4 * KIB, 1ULL << 45, 4 * KIB, RWX | L1_LEAF);
	r = shadow_fill(&w.s, 0x10, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_NOT_RAM);
	CHECK_EQ(r.l1_gpa, MMIO_GPA + 0x10);
	r = shadow_fill(&w.s, 0x1010, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_NOT_RAM);
	CHECK_EQ(r.l1_gpa, (1ULL << 45) + 0x10);
}

TEST(shadow_dirty_and_mxr)
{
	uint64_t root = setup(PT_SV48X4, ATP_MODE_SV39, 256 * KIB);
	struct shadow_result r;

	/* D=0: a load maps without W, so the store faults to L1 */
	l1_map(PT_SV39X4, root, 0, 2 * GIB, 4 * KIB, RWX | PTE_U | PTE_A);
	r = shadow_fill(&w.s, 0, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.perm, PTE_R | PTE_X);
	CHECK_EQ(shadow_leaf(0).pte & PTE_W, 0);
	r = shadow_fill(&w.s, 0, SHADOW_ACCESS_STORE, PT_ACCESS_WRITE);
	CHECK_EQ(r.status, SHADOW_FORWARD_GUEST_PAGE_FAULT);
	/* L1 sets D (its fault handler) and fences the GPA */
	l1_map(PT_SV39X4, root, 0, 2 * GIB, 4 * KIB, RWX | L1_LEAF);
	CHECK_EQ(shadow_invalidate_gpa(&w.s, 0), SHADOW_HW_FENCE_ALL);
	r = shadow_fill(&w.s, 0, SHADOW_ACCESS_STORE, PT_ACCESS_WRITE);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.perm, RWX);

	/* execute-only: a load faults unless L1's MXR is set */
	l1_map(PT_SV39X4, root, 4 * KIB, 2 * GIB + 4 * KIB, 4 * KIB,
	       PTE_X | L1_LEAF);
	r = shadow_fill(&w.s, 4 * KIB, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FORWARD_GUEST_PAGE_FAULT);
	CHECK_EQ(shadow_set_l1_mxr(&w.s, true), SHADOW_HW_FENCE_NONE);
	r = shadow_fill(&w.s, 4 * KIB, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.perm, PTE_R | PTE_X);
	/* clearing MXR drops what it granted */
	CHECK_EQ(shadow_set_l1_mxr(&w.s, false), SHADOW_HW_FENCE_ALL);
	CHECK_EQ(shadow_leaf(4 * KIB).status, PT_WALK_INVALID);
	CHECK_EQ(w.s.stats.flush_mxr, 1);
	/* HLVX on the execute-only page */
	r = shadow_translate(&w.s, 4 * KIB, SHADOW_ACCESS_LOAD,
			     PT_ACCESS_READ_EXEC);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.perm, PTE_X);
}

/* L1 changed a leaf without a fence; a later fault replaces the stale
 * shadow leaf (the hardware entry must be fenced by GPA). */
TEST(shadow_stale_leaf_is_replaced)
{
	uint64_t root = setup(PT_SV48X4, ATP_MODE_SV39, 256 * KIB);
	struct shadow_result r;

	l1_map(PT_SV39X4, root, 0, 2 * GIB, 2 * MIB, PTE_R | L1_LEAF);
	r = shadow_fill(&w.s, 0x10, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.page_size, 2 * MIB);
	/* now 4 KiB pages, writable */
	world_l1_reset(&w);
	root = world_l1_table(&w, 16 * KIB);
	l1_map(PT_SV39X4, root, 0, 2 * GIB + 4 * MIB, 4 * KIB, RWX | L1_LEAF);
	r = shadow_fill(&w.s, 0x10, SHADOW_ACCESS_STORE, PT_ACCESS_WRITE);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.fence, SHADOW_HW_FENCE_GPA);
	CHECK_EQ(r.page_size, 4 * KIB);
	CHECK_EQ(r.host_pa, 5 * GIB + 4 * MIB + 0x10);
	CHECK_EQ(w.s.stats.refills, 1);
	/* the rest of the old 2 MiB page is gone too (one leaf) */
	CHECK_EQ(shadow_leaf(MIB).status, PT_WALK_INVALID);
}

TEST(shadow_invalidation)
{
	uint64_t root = setup(PT_SV48X4, ATP_MODE_SV39, 512 * KIB);
	struct shadow_result r;

	CHECK_EQ(shadow_invalidate_all(&w.s), SHADOW_HW_FENCE_NONE);
	CHECK_EQ(shadow_invalidate_gpa(&w.s, 0), SHADOW_HW_FENCE_NONE);
	CHECK_EQ(shadow_invalidate_vmid(&w.s, 1), SHADOW_HW_FENCE_NONE);
	/* 1 GiB L1 leaf over RAM_B (4 KiB backing): splintered */
	l1_map(PT_SV39X4, root, 0, 4 * GIB, GIB, RWX | L1_LEAF);
	l1_map(PT_SV39X4, root, GIB, 2 * GIB, 2 * MIB, RWX | L1_LEAF);
	r = shadow_fill(&w.s, 0x1000, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.page_size, 4 * KIB);
	r = shadow_fill(&w.s, 3 * MIB, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.page_size, 4 * KIB);
	r = shadow_fill(&w.s, GIB, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.page_size, 2 * MIB);
	CHECK_EQ(w.s.slot[w.s.cur].splinter, GIB);
	/* a fence for one address of the L1 leaf drops every piece of it
	 * but not the other leaf */
	CHECK_EQ(shadow_invalidate_gpa(&w.s, 0x1000), SHADOW_HW_FENCE_ALL);
	CHECK_EQ(shadow_leaf(0x1000).status, PT_WALK_INVALID);
	CHECK_EQ(shadow_leaf(3 * MIB).status, PT_WALK_INVALID);
	CHECK_EQ(shadow_leaf(GIB).status, PT_WALK_OK);
	/* by VMID: another VMID leaves it, L1's drops it */
	CHECK_EQ(shadow_invalidate_gpa_vmid(&w.s, GIB, 2),
		 SHADOW_HW_FENCE_NONE);
	CHECK_EQ(shadow_leaf(GIB).status, PT_WALK_OK);
	CHECK_EQ(shadow_invalidate_gpa_vmid(&w.s, GIB, 1), SHADOW_HW_FENCE_ALL);
	CHECK_EQ(shadow_leaf(GIB).status, PT_WALK_INVALID);
	shadow_fill(&w.s, GIB, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(shadow_invalidate_vmid(&w.s, 2), SHADOW_HW_FENCE_NONE);
	CHECK_EQ(shadow_leaf(GIB).status, PT_WALK_OK);
	CHECK_EQ(shadow_invalidate_vmid(&w.s, 1), SHADOW_HW_FENCE_ALL);
	CHECK_EQ(shadow_leaf(GIB).status, PT_WALK_INVALID);
	shadow_fill(&w.s, GIB, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(shadow_invalidate_all(&w.s), SHADOW_HW_FENCE_ALL);
	CHECK_EQ(w.s.stats.pool_used, SHADOW_SLOTS * 16 * KIB);
	CHECK_EQ(shadow_leaf(GIB).status, PT_WALK_INVALID);
	CHECK_EQ(w.s.stats.flush_all, 2);
	CHECK_EQ(w.s.stats.flush_vmid, 3);
	CHECK_EQ(w.s.stats.flush_gpa, 4);
}

/* SBI remote HFENCE.GVMA[_VMID] with a range: only the leaves that overlap
 * it go, in the slots of the VMID asked (or all). */
TEST(shadow_invalidate_range)
{
	uint64_t root = setup(PT_SV48X4, ATP_MODE_SV39, 512 * KIB);
	struct shadow_result r;

	/* nothing cached yet: nothing to fence */
	CHECK_EQ(shadow_invalidate_range(&w.s, 0, 4 * KIB, false, 0),
		 SHADOW_HW_FENCE_NONE);
	l1_map(PT_SV39X4, root, 0, 2 * GIB, 64 * KIB, RWX | L1_LEAF);
	l1_map(PT_SV39X4, root, GIB, 2 * GIB + 2 * MIB, 2 * MIB, RWX | L1_LEAF);
	for (uint64_t a = 0; a < 16 * 4 * KIB; a += 4 * KIB) {
		r = shadow_fill(&w.s, a, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
		CHECK_EQ(r.page_size, 4 * KIB);
	}
	r = shadow_fill(&w.s, GIB, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.page_size, 2 * MIB);

	/* pages 3 and 4 exactly */
	CHECK_EQ(shadow_invalidate_range(&w.s, 0x3000, 0x2000, false, 0),
		 SHADOW_HW_FENCE_ALL);
	CHECK_EQ(shadow_leaf(0x2000).status, PT_WALK_OK);
	CHECK_EQ(shadow_leaf(0x3000).status, PT_WALK_INVALID);
	CHECK_EQ(shadow_leaf(0x4fff).status, PT_WALK_INVALID);
	CHECK_EQ(shadow_leaf(0x5000).status, PT_WALK_OK);
	/* two bytes across a page boundary fence both pages */
	CHECK_EQ(shadow_invalidate_range(&w.s, 0x5fff, 2, false, 0),
		 SHADOW_HW_FENCE_ALL);
	CHECK_EQ(shadow_leaf(0x5000).status, PT_WALK_INVALID);
	CHECK_EQ(shadow_leaf(0x6000).status, PT_WALK_INVALID);
	CHECK_EQ(shadow_leaf(0x7000).status, PT_WALK_OK);
	/* size 0 names no address */
	CHECK_EQ(shadow_invalidate_range(&w.s, 0x7000, 0, false, 0),
		 SHADOW_HW_FENCE_NONE);
	CHECK_EQ(shadow_leaf(0x7000).status, PT_WALK_OK);

	/* one byte inside a superpage drops the whole leaf; another VMID's
	 * fence leaves it, bits above VMIDMAX are ignored */
	CHECK_EQ(shadow_invalidate_range(&w.s, GIB + MIB, 1, true, 2),
		 SHADOW_HW_FENCE_NONE);
	CHECK_EQ(shadow_leaf(GIB).status, PT_WALK_OK);
	CHECK_EQ(shadow_invalidate_range(&w.s, GIB + MIB, 1, true,
					 1 | (1ULL << 14)),
		 SHADOW_HW_FENCE_ALL);
	CHECK_EQ(shadow_leaf(GIB).status, PT_WALK_INVALID);
	CHECK_EQ(shadow_leaf(0x7000).status, PT_WALK_OK);

	/* a range that would wrap runs to the top: keeps what is below */
	CHECK_EQ(shadow_invalidate_range(&w.s, 0x8000, ~0ULL, false, 0),
		 SHADOW_HW_FENCE_ALL);
	CHECK_EQ(shadow_leaf(0x7000).status, PT_WALK_OK);
	CHECK_EQ(shadow_leaf(0x8000).status, PT_WALK_INVALID);
	CHECK_EQ(shadow_leaf(0xf000).status, PT_WALK_INVALID);
	/* above the shadow's reach (Sv48x4: 2^50) there is nothing */
	CHECK_EQ(shadow_invalidate_range(&w.s, 1ULL << 50, GIB, false, 0),
		 SHADOW_HW_FENCE_NONE);
	CHECK_EQ(shadow_leaf(0x7000).status, PT_WALK_OK);
	/* the whole reach clears the slot */
	CHECK_EQ(shadow_invalidate_range(&w.s, 0, 1ULL << 50, false, 0),
		 SHADOW_HW_FENCE_ALL);
	CHECK_EQ(shadow_leaf(0x7000).status, PT_WALK_INVALID);
	CHECK(!w.s.slot[w.s.cur].populated);
	CHECK_EQ(w.s.stats.flush_gpa, 9);
	CHECK_EQ(w.s.stats.flush_all + w.s.stats.flush_vmid, 0);

	/* an L1 leaf installed in pieces goes whole: 1 GiB over RAM_B */
	l1_map(PT_SV39X4, root, 2 * GIB, 4 * GIB, GIB, RWX | L1_LEAF);
	r = shadow_fill(&w.s, 2 * GIB, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.page_size, 4 * KIB);
	r = shadow_fill(&w.s, 2 * GIB + 3 * MIB, SHADOW_ACCESS_LOAD,
			PT_ACCESS_READ);
	CHECK_EQ(r.page_size, 4 * KIB);
	r = shadow_fill(&w.s, 0, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(shadow_invalidate_range(&w.s, 2 * GIB + 3 * MIB, 4 * KIB,
					 false, 0),
		 SHADOW_HW_FENCE_ALL);
	CHECK_EQ(shadow_leaf(2 * GIB).status, PT_WALK_INVALID);
	CHECK_EQ(shadow_leaf(2 * GIB + 3 * MIB).status, PT_WALK_INVALID);
	CHECK_EQ(shadow_leaf(0).status, PT_WALK_OK);
}

static unsigned leaves;
static void count_leaf(void *arg, unsigned slot, uint64_t gpa, uint64_t host,
		       uint64_t size, uint64_t pte)
{
	(void)arg;
	(void)slot;
	(void)gpa;
	(void)host;
	(void)size;
	(void)pte;
	leaves++;
}

/* hgatp changes select per-(MODE, VMID, root) slots; the least recently
 * used is recycled, and its hardware VMID must then be fenced. */
TEST(shadow_hgatp_slots)
{
	uint64_t root = setup(PT_SV48X4, ATP_MODE_SV39, 512 * KIB);
	enum shadow_hw_fence f;
	uint64_t h[SHADOW_SLOTS + 1];

	l1_map(PT_SV39X4, root, 0, 2 * GIB, 2 * MIB, RWX | L1_LEAF);
	for (unsigned v = 0; v <= SHADOW_SLOTS; v++) {
		shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV39, v + 1, root));
		h[v] = shadow_hgatp(&w.s, &f);
		CHECK_EQ(
			shadow_fill(&w.s, 0, SHADOW_ACCESS_LOAD, PT_ACCESS_READ)
				.status,
			SHADOW_FILLED);
		CHECK_EQ(f, v < SHADOW_SLOTS ? SHADOW_HW_FENCE_NONE
					     : SHADOW_HW_FENCE_VMID);
	}
	/* slot of VMID 1 was recycled for VMID SHADOW_SLOTS+1 */
	CHECK_EQ(h[SHADOW_SLOTS], h[0]);
	CHECK_EQ(w.s.stats.flush_hgatp, 1);
	leaves = 0;
	shadow_for_each_leaf(&w.s, count_leaf, NULL);
	CHECK_EQ(leaves, SHADOW_SLOTS);
	/* back to VMID 2: its shadow is still there (no fence needed) */
	shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV39, 2, root));
	CHECK_EQ(shadow_hgatp(&w.s, &f), h[1]);
	CHECK_EQ(f, SHADOW_HW_FENCE_NONE);
	CHECK_EQ(shadow_leaf(0).status, PT_WALK_OK);
	/* writing the same value again changes nothing */
	shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV39, 2, root));
	CHECK_EQ(shadow_hgatp(&w.s, &f), h[1]);
	/* a different root with the same VMID is another slot */
	shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV39, 2, root + 0x4000));
	CHECK(shadow_hgatp(&w.s, &f) != h[1]);
}

/* A pool of the minimum size: every fill that needs new tables flushes
 * and refills; nothing ever fails. */
TEST(shadow_pool_exhaustion)
{
	uint64_t root = setup(PT_SV48X4, ATP_MODE_SV39,
			      shadow_pool_min_size(PT_SV48X4));
	enum shadow_hw_fence f;
	struct shadow_result r;

	for (unsigned i = 0; i < 8; i++)
		l1_map(PT_SV39X4, root, (uint64_t)i * GIB,
		       2 * GIB + (uint64_t)i * 2 * MIB, 4 * KIB, RWX | L1_LEAF);
	shadow_hgatp(&w.s, &f);
	for (unsigned i = 0; i < 8; i++) {
		r = shadow_fill(&w.s, (uint64_t)i * GIB + 8, SHADOW_ACCESS_LOAD,
				PT_ACCESS_READ);
		CHECK_EQ(r.status, SHADOW_FILLED);
		CHECK_EQ(r.host_pa, 5 * GIB + (uint64_t)i * 2 * MIB + 8);
		CHECK_EQ(r.fence,
			 i ? SHADOW_HW_FENCE_ALL : SHADOW_HW_FENCE_NONE);
		CHECK_EQ(shadow_leaf((uint64_t)i * GIB).status, PT_WALK_OK);
		if (i)
			CHECK_EQ(shadow_leaf((uint64_t)(i - 1) * GIB).status,
				 PT_WALK_INVALID);
	}
	CHECK_EQ(w.s.stats.pool_exhausted, 7);
	CHECK_EQ(w.s.stats.pool_high_water, shadow_pool_min_size(PT_SV48X4));
	/* another slot fills from the same pool; the roots never move */
	uint64_t h0 = shadow_hgatp(&w.s, &f);
	shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV39, 9, root));
	uint64_t h1 = shadow_hgatp(&w.s, &f);
	CHECK((h1 & ATP_PPN) != (h0 & ATP_PPN));
	r = shadow_fill(&w.s, 8, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.fence, SHADOW_HW_FENCE_ALL);
	CHECK_EQ(shadow_hgatp(&w.s, &f), h1);
	CHECK_EQ(w.s.stats.pool_exhausted, 8);
}

/* An Sv39x4 shadow: L1 may use Bare and Sv39x4 only. */
TEST(shadow_sv39x4_shadow)
{
	uint64_t root = setup(PT_SV39X4, ATP_MODE_SV39, 128 * KIB);
	enum shadow_hw_fence f;
	struct shadow_result r;

	CHECK_EQ(shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV48, 1, root)),
		 hgatp_val(ATP_MODE_SV39, 1, root));
	CHECK_EQ(shadow_hgatp(&w.s, &f) >> ATP_MODE_SHIFT, ATP_MODE_SV39);
	l1_map(PT_SV39X4, root, GIB, 2 * GIB, GIB, RWX | L1_LEAF);
	r = shadow_fill(&w.s, GIB + 0x40, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.page_size, GIB);
	/* Bare L1: the largest page is the shadow's top level (1 GiB) */
	shadow_write_hgatp(&w.s, 0);
	r = shadow_fill(&w.s, 2 * GIB, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.page_size, GIB);
}

/* A broken L0 callback (a region whose host address has another page
 * offset than its L1 GPA) is refused, never mapped. */
TEST(shadow_bad_l0_region_is_not_mapped)
{
	struct shadow_result r;

	setup(PT_SV48X4, ATP_MODE_BARE, 128 * KIB);
	w.reg[RAM_X].host += 0x800;
	r = shadow_fill(&w.s, 8 * GIB + 0x1000, SHADOW_ACCESS_FETCH,
			PT_ACCESS_EXEC);
	CHECK_EQ(r.status, SHADOW_NOT_RAM);
	CHECK_EQ(shadow_leaf(8 * GIB + 0x1000).status, PT_WALK_INVALID);
}

/* If the pool cannot hold one walk even after a flush (only possible if
 * it shrank after shadow_init checked it), the fill says so. */
TEST(shadow_pool_too_small_is_reported)
{
	uint64_t root = setup(PT_SV48X4, ATP_MODE_SV39, 128 * KIB);
	struct shadow_result r;

	l1_map(PT_SV39X4, root, 0, 2 * GIB, 4 * KIB, RWX | L1_LEAF);
	w.s.cfg.pool_size = 16 * KIB; /* the root alone */
	r = shadow_fill(&w.s, 0, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_POOL_TOO_SMALL);
	CHECK_EQ(w.s.stats.pool_too_small, 1);
	CHECK_EQ(shadow_leaf(0).status, PT_WALK_INVALID);
}

struct leaf_log {
	unsigned n;
	uint64_t gpa[8], host[8], size[8];
};

static void log_leaf(void *arg, unsigned slot, uint64_t gpa, uint64_t host,
		     uint64_t size, uint64_t pte)
{
	struct leaf_log *l = arg;

	(void)slot;
	(void)pte;
	if (l->n < 8) {
		l->gpa[l->n] = gpa;
		l->host[l->n] = host;
		l->size[l->n] = size;
	}
	l->n++;
}

/* The pool runs out in the middle of a map into a slot that held nothing
 * yet, after new tables were already linked into its root: the flush must
 * clear those links too, or the freed tables are reused twice. */
TEST(shadow_pool_exhausted_mid_map)
{
	uint64_t root = setup(PT_SV48X4, ATP_MODE_SV48,
			      shadow_pool_min_size(PT_SV48X4) + 8 * KIB);
	struct shadow_result r;
	struct leaf_log log = {0};

	l1_map(PT_SV48X4, root, 0, 2 * GIB, 4 * KIB, RWX | L1_LEAF);
	l1_map(PT_SV48X4, root, 512 * GIB, 2 * GIB + 4 * KIB, 4 * KIB,
	       RWX | L1_LEAF);
	/* slot of VMID 1: three of the five table pages */
	r = shadow_fill(&w.s, 0, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	/* VMID 2 needs three: two are linked, the third fails */
	shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV48, 2, root));
	r = shadow_fill(&w.s, 0, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.fence, SHADOW_HW_FENCE_ALL);
	CHECK_EQ(w.s.stats.pool_exhausted, 1);
	/* three more than the two left: flushed again */
	r = shadow_fill(&w.s, 512 * GIB, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(w.s.stats.pool_exhausted, 2);
	/* exactly the last leaf is there, and right (with stale links left
	 * in the root, the first table would now also be reached as a 1 GiB
	 * level and its entries read as 1 GiB leaves) */
	shadow_for_each_leaf(&w.s, log_leaf, &log);
	CHECK_EQ(log.n, 1);
	CHECK_EQ(log.gpa[0], 512 * GIB);
	CHECK_EQ(log.host[0], 5 * GIB + 4 * KIB);
	CHECK_EQ(log.size[0], 4 * KIB);
}

/* Svadu for L1 (l1_adue): A and D are set in L1's PTE, atomically, as
 * the hardware would; D still gates W in the shadow. */
TEST(shadow_l1_adue)
{
	uint64_t root = setup(PT_SV48X4, ATP_MODE_SV39, 128 * KIB);
	struct shadow_config c = w.cfg;
	struct pt_mem m = world_l1_mem(&w);
	struct pt_walk_result l1;
	struct shadow_result r;

	c.l1_adue = true;
	c.l0.cas_host64 = NULL;
	CHECK(!shadow_init(&w.s, &c));
	c.l0.cas_host64 = w.cfg.l0.cas_host64;
	CHECK(shadow_init(&w.s, &c));
	shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV39, 1, root));

	l1_map(PT_SV39X4, root, 0, 2 * GIB, 4 * KIB, RWX | PTE_U);
	/* a load sets A only, and W is withheld until D is set */
	r = shadow_fill(&w.s, 0, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.perm, PTE_R | PTE_X);
	l1 = pt_walk(PT_SV39X4, &m, root, 0, PT_ACCESS_READ, NULL);
	CHECK_EQ(world_l1_get(&w, l1.pte_pa) & (PTE_A | PTE_D), PTE_A);
	/* the store faults again and sets D */
	r = shadow_fill(&w.s, 0, SHADOW_ACCESS_STORE, PT_ACCESS_WRITE);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.perm, RWX);
	CHECK_EQ(world_l1_get(&w, l1.pte_pa) & (PTE_A | PTE_D), PTE_A | PTE_D);
	CHECK_EQ(w.s.stats.ad_updates, 2);
	/* another hart changed the PTE in between: retry, nothing mapped */
	l1_map(PT_SV39X4, root, 4 * KIB, 2 * GIB, 4 * KIB, RWX | PTE_U);
	w.cas_fail = 1;
	r = shadow_fill(&w.s, 4 * KIB, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_RETRY);
	CHECK_EQ(w.s.stats.ad_races, 1);
	CHECK_EQ(shadow_leaf(4 * KIB).status, PT_WALK_INVALID);
	r = shadow_fill(&w.s, 4 * KIB, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	/* L1's tables in memory L0 maps read-only: the A/D store is an
	 * access fault of the original type */
	l1_map(PT_SV39X4, root, 8 * KIB, 2 * GIB, 4 * KIB, RWX | PTE_U);
	w.reg[RAM_A].perm = PTE_R | PTE_X;
	r = shadow_fill(&w.s, 8 * KIB, SHADOW_ACCESS_STORE, PT_ACCESS_WRITE);
	CHECK_EQ(r.status, SHADOW_L1_TABLE_ACCESS_FAULT);
	CHECK_EQ(r.cause, EXC_STORE_ACCESS);
	w.reg[RAM_A].perm = RWX;
}

TEST(shadow_stats_format)
{
	struct shadow_stats st = {0};
	char buf[512], small[40];

	CHECK(shadow_stats_format(&st, buf, sizeof(buf)));
	CHECK(strstr(buf, "shadow_fills=4k:0,2m:0,1g:0,512g:0,256t:0 ") == buf);
	CHECK(strstr(buf, " shadow_forwards=none:0 ") != NULL);
	st.fills[1] = 7;
	st.forwards[EXC_LOAD_GUEST_PAGE_FAULT] = 3;
	st.forwards[EXC_INST_ACCESS] = 1;
	st.flush_gpa = 2;
	st.pool_high_water = 65536;
	st.not_ram = 5;
	CHECK(shadow_stats_format(&st, buf, sizeof(buf)));
	CHECK(strstr(buf, "shadow_fills=4k:0,2m:7,1g:0,") != NULL);
	CHECK(strstr(buf, " shadow_forwards=inst_access_fault:1,"
			  "load_guest_page_fault:3 ") != NULL);
	CHECK(strstr(buf, " shadow_events=translates:0,gva_translates:0,not_"
			  "ram:5,") != NULL);
	CHECK(strstr(buf,
		     " shadow_flushes=all:0,vmid:0,gpa:2,hgatp:0,mxr:0 ") !=
	      NULL);
	CHECK(strstr(buf, " shadow_pool=used:0,high_water:65536,exhausted:0") !=
	      NULL);
	CHECK(strchr(buf, '\n') == NULL);
	/* too small: false, still terminated */
	CHECK(!shadow_stats_format(&st, small, sizeof(small)));
	CHECK(strlen(small) < sizeof(small));
	CHECK(!shadow_stats_format(&st, buf, 0));
	CHECK(!shadow_stats_format(&st, buf, 15));
}

/* ---- two-stage translation of L2 virtual addresses ------------------- */

#define VS_GPA 0x40000000ULL  /* L2 GPA of L2's VS-stage tables */
#define VS_L1 (2 * GIB + MIB) /* ... in L1 RAM (the table buffer) */
#define VS_SIZE (256 * KIB)
static uint64_t vs_next;

static bool vs_read(void *ctx, uint64_t gpa, uint64_t *pte)
{
	(void)ctx;
	if (gpa < VS_GPA || gpa - VS_GPA >= VS_SIZE)
		return false;
	*pte = world_l1_get(&w, VS_L1 + (gpa - VS_GPA));
	return true;
}

static bool vs_write(void *ctx, uint64_t gpa, uint64_t pte)
{
	(void)ctx;
	if (gpa < VS_GPA || gpa - VS_GPA >= VS_SIZE)
		return false;
	world_l1_set(&w, VS_L1 + (gpa - VS_GPA), pte);
	return true;
}

static uint64_t vs_alloc(void *ctx, uint64_t size)
{
	uint64_t a = VS_GPA + vs_next;

	(void)ctx;
	vs_next += size;
	for (uint64_t o = 0; o < size; o += 8)
		vs_write(NULL, a + o, 0);
	return a;
}

static const struct pt_mem vs_mem = {NULL, vs_read, vs_write, vs_alloc};

/* L1 (Sv39x4) maps L2's table area and data at L2 GPA 0x2000_0000 (RAM_A
 * + 16 MiB), a read-only data page, and a page on MMIO; L2 (Sv39) maps
 * GVAs onto them. Returns L2's vsatp. */
static uint64_t gva_setup(uint64_t *l1root)
{
	uint64_t root = setup(PT_SV48X4, ATP_MODE_SV39, 256 * KIB);
	uint64_t vsroot;

	*l1root = root;
	vs_next = 0;
	l1_map(PT_SV39X4, root, VS_GPA, VS_L1, VS_SIZE,
	       PTE_R | PTE_W | L1_LEAF);
	l1_map(PT_SV39X4, root, 0x20000000, 2 * GIB + 16 * MIB, 2 * MIB,
	       RWX | L1_LEAF);
	l1_map(PT_SV39X4, root, 0x20200000, 2 * GIB + 32 * MIB, 4 * KIB,
	       PTE_R | L1_LEAF);
	l1_map(PT_SV39X4, root, 0x20300000, MMIO_GPA, 4 * KIB, RWX | L1_LEAF);
	l1_map(PT_SV39X4, root, 0x20400000, 4 * GIB + 4 * MIB, 4 * KIB,
	       RWX | L1_LEAF); /* L0: read-only RAM_C */
	vsroot = vs_alloc(NULL, PAGE_SIZE);
	/* GVA 0x1000: data (RW, S), 0x2000: data (U), 0x3000: exec-only,
	 * 0x4000: read-only data, 0x5000: MMIO, 0x6000: L2 GPA L1 does not
	 * map, 0x7000: RAM L0 gives L1 read-only, 0x8000: A=0 */
	struct {
		uint64_t gva, gpa, flags;
	} maps[] = {
		{0x1000, 0x20000000, PTE_R | PTE_W | PTE_A | PTE_D},
		{0x2000, 0x20001000, PTE_R | PTE_W | PTE_U | PTE_A | PTE_D},
		{0x3000, 0x20002000, PTE_X | PTE_A},
		{0x4000, 0x20200000, PTE_R | PTE_W | PTE_A | PTE_D},
		{0x5000, 0x20300000, PTE_R | PTE_W | PTE_A | PTE_D},
		{0x6000, 0x30000000, PTE_R | PTE_W | PTE_A | PTE_D},
		{0x7000, 0x20400000, PTE_R | PTE_W | PTE_A | PTE_D},
		{0x8000, 0x20003000, PTE_R | PTE_W},
	};
	for (unsigned i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		CHECK_EQ(pt_map(PT_SV39, &vs_mem, vsroot, maps[i].gva,
				maps[i].gpa, PAGE_SIZE, maps[i].flags, 0),
			 0);
	return ((uint64_t)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
	       (vsroot >> PAGE_SHIFT);
}

TEST(shadow_gva_translate)
{
	uint64_t l1root, vsatp = gva_setup(&l1root);
	struct shadow_vs vs = {.vsatp = vsatp};
	struct shadow_gva_result g;

	/* the whole way: GVA -> L2 GPA -> L1 GPA -> host */
	g = shadow_gva_translate(&w.s, &vs, 0x1008, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_OK);
	CHECK_EQ(g.gpa, 0x20000008);
	CHECK_EQ(g.l1_gpa, 2 * GIB + 16 * MIB + 8);
	CHECK_EQ(g.host_pa, 5 * GIB + 16 * MIB + 8);
	CHECK_EQ(w.s.stats.gva_translates, 1);
	/* nothing installed in the shadow */
	CHECK_EQ(w.s.stats.fills[0] + w.s.stats.fills[1], 0);
	/* VS-stage: missing, U page as S without SUM, S page as U */
	g = shadow_gva_translate(&w.s, &vs, 0x9000, SHADOW_ACCESS_STORE,
				 PT_ACCESS_WRITE);
	CHECK_EQ(g.status, SHADOW_GVA_PAGE_FAULT);
	CHECK_EQ(g.cause, EXC_STORE_PAGE_FAULT);
	CHECK_EQ(g.htval, 0);
	g = shadow_gva_translate(&w.s, &vs, 0x2000, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_PAGE_FAULT);
	vs.sum = true;
	g = shadow_gva_translate(&w.s, &vs, 0x2000, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_OK);
	vs.user = true;
	g = shadow_gva_translate(&w.s, &vs, 0x1000, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_PAGE_FAULT);
	CHECK_EQ(g.cause, EXC_LOAD_PAGE_FAULT);
	vs.user = false;
	/* execute-only: HLVX yes, HLV no unless MXR (VS or L1's HS) */
	g = shadow_gva_translate(&w.s, &vs, 0x3000, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ_EXEC);
	CHECK_EQ(g.status, SHADOW_GVA_OK);
	g = shadow_gva_translate(&w.s, &vs, 0x3000, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_PAGE_FAULT);
	vs.mxr = true;
	g = shadow_gva_translate(&w.s, &vs, 0x3000, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_OK);
	vs.mxr = false;
	shadow_set_l1_mxr(&w.s, true);
	g = shadow_gva_translate(&w.s, &vs, 0x3000, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_OK);
	shadow_set_l1_mxr(&w.s, false);
	/* HLVX of a readable, non-executable page: VS-stage denies */
	g = shadow_gva_translate(&w.s, &vs, 0x1000, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ_EXEC);
	CHECK_EQ(g.status, SHADOW_GVA_PAGE_FAULT);
	/* G-stage of the final access: L1 read-only page, store */
	g = shadow_gva_translate(&w.s, &vs, 0x4010, SHADOW_ACCESS_STORE,
				 PT_ACCESS_WRITE);
	CHECK_EQ(g.status, SHADOW_GVA_GUEST_PAGE_FAULT);
	CHECK_EQ(g.cause, EXC_STORE_GUEST_PAGE_FAULT);
	CHECK_EQ(g.gpa, 0x20200010);
	CHECK_EQ(g.htval, 0x20200010 >> 2);
	CHECK_EQ(g.htinst, 0);
	CHECK(!g.implicit);
	/* ... unmapped in L1 */
	g = shadow_gva_translate(&w.s, &vs, 0x6000, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_GUEST_PAGE_FAULT);
	CHECK_EQ(g.cause, EXC_LOAD_GUEST_PAGE_FAULT);
	/* ... an L1 device: L0 emulates */
	g = shadow_gva_translate(&w.s, &vs, 0x5004, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_NOT_RAM);
	CHECK_EQ(g.l1_gpa, MMIO_GPA + 4);
	/* ... RAM L0 gives L1 read-only */
	g = shadow_gva_translate(&w.s, &vs, 0x7000, SHADOW_ACCESS_STORE,
				 PT_ACCESS_WRITE);
	CHECK_EQ(g.status, SHADOW_GVA_L0_DENIED);
	/* Bare vsatp: GVA = GPA */
	vs.vsatp = 0;
	g = shadow_gva_translate(&w.s, &vs, 0x20000010, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_OK);
	CHECK_EQ(g.host_pa, 5 * GIB + 16 * MIB + 0x10);
	/* a vsatp MODE that is not a VS-stage mode */
	vs.vsatp = 1ULL << ATP_MODE_SHIFT;
	g = shadow_gva_translate(&w.s, &vs, 0, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_BAD_REQUEST);
	/* the final access of a table in L1 memory outside L1 RAM */
	vs.vsatp = vsatp;
	shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV39, 1, MMIO_GPA));
	g = shadow_gva_translate(&w.s, &vs, 0x1000, SHADOW_ACCESS_FETCH,
				 PT_ACCESS_EXEC);
	CHECK_EQ(g.status, SHADOW_GVA_ACCESS_FAULT);
	CHECK_EQ(g.cause, EXC_INST_ACCESS);
	CHECK(g.implicit);
	shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV39, 1, l1root));
}

/* Faults on the implicit VS-stage table accesses themselves. */
TEST(shadow_gva_implicit_faults)
{
	uint64_t l1root, vsatp = gva_setup(&l1root);
	uint64_t vsroot = (vsatp & ATP_PPN) << PAGE_SHIFT;
	struct shadow_vs vs = {.vsatp = vsatp};
	struct shadow_gva_result g;
	uint64_t slot = vsroot + 1 * 8; /* VPN[2] = 1: GVA 1 GiB */

	/* a VS pointer to an L2 GPA L1 does not map */
	vs_write(NULL, slot, pte_ptr(0x30000000));
	g = shadow_gva_translate(&w.s, &vs, GIB + 0x123, SHADOW_ACCESS_STORE,
				 PT_ACCESS_WRITE);
	CHECK_EQ(g.status, SHADOW_GVA_GUEST_PAGE_FAULT);
	CHECK_EQ(g.cause, EXC_STORE_GUEST_PAGE_FAULT);
	CHECK(g.implicit);
	CHECK_EQ(g.htinst, HTINST_PSEUDO_READ64);
	CHECK_EQ(g.gpa, 0x30000000);
	CHECK_EQ(g.htval, 0x30000000 >> 2);
	/* ... to an L2 GPA L1 maps onto a device: access fault */
	vs_write(NULL, slot, pte_ptr(0x20300000));
	g = shadow_gva_translate(&w.s, &vs, GIB, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_ACCESS_FAULT);
	CHECK_EQ(g.cause, EXC_LOAD_ACCESS);
	CHECK(g.implicit);
	/* ... to RAM L0 keeps from L1 reading (execute-only RAM_X):
	 * L0_DENIED */
	l1_map(PT_SV39X4, l1root, 0x20500000, 8 * GIB, 4 * KIB, RWX | L1_LEAF);
	vs_write(NULL, slot, pte_ptr(0x20500000));
	g = shadow_gva_translate(&w.s, &vs, GIB, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_L0_DENIED);
	CHECK_EQ(g.l1_gpa, 8 * GIB);
	vs_write(NULL, slot, 0);

	/* VS-stage A/D: A=0 faults without henvcfg.ADUE ... */
	g = shadow_gva_translate(&w.s, &vs, 0x8000, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_PAGE_FAULT);
	/* ... and is set with it, in L2's table in L1 memory */
	vs.adue = true;
	g = shadow_gva_translate(&w.s, &vs, 0x8000, SHADOW_ACCESS_STORE,
				 PT_ACCESS_WRITE);
	CHECK_EQ(g.status, SHADOW_GVA_OK);
	struct pt_walk_result l =
		pt_walk(PT_SV39, &vs_mem, vsroot, 0x8000, PT_ACCESS_READ, NULL);
	CHECK_EQ(l.pte & (PTE_A | PTE_D), PTE_A | PTE_D);
	/* a lost race: retry */
	vs_write(NULL, l.pte_pa, l.pte & ~(PTE_A | PTE_D));
	w.cas_fail = 1;
	g = shadow_gva_translate(&w.s, &vs, 0x8000, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_RETRY);
	/* the A/D store needs G-stage W: L1 maps the table read-only */
	l1_map(PT_SV39X4, l1root, VS_GPA, VS_L1, VS_SIZE,
	       PTE_R | PTE_U | PTE_A | PTE_D);
	CHECK_EQ(shadow_invalidate_all(&w.s), SHADOW_HW_FENCE_NONE);
	g = shadow_gva_translate(&w.s, &vs, 0x8000, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_GUEST_PAGE_FAULT);
	CHECK_EQ(g.cause, EXC_LOAD_GUEST_PAGE_FAULT);
	CHECK(g.implicit);
	CHECK_EQ(g.htinst, HTINST_PSEUDO_WRITE64);
	CHECK_EQ(g.gpa, l.pte_pa);
	/* ADUE needs the compare-and-swap callback */
	w.s.cfg.l0.cas_host64 = NULL;
	g = shadow_gva_translate(&w.s, &vs, 0x8000, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_BAD_REQUEST);
}

/* The G-stage parts of a two-stage translation with Svadu for L1, and
 * L1's own tables failing on the final access. */
TEST(shadow_gva_l1_side_outcomes)
{
	uint64_t l1root, vsatp = gva_setup(&l1root);
	struct shadow_vs vs = {.vsatp = vsatp};
	struct pt_mem m = world_l1_mem(&w);
	struct shadow_gva_result g;
	struct pt_walk_result l;

	/* final access: L1's table for GPA 0x3000_0000 points at MMIO */
	l = pt_walk(PT_SV39X4, &m, l1root, 0x30000000, PT_ACCESS_READ, NULL);
	CHECK_EQ(l.status, PT_WALK_INVALID);
	CHECK_EQ(l.level, 1);
	world_l1_set(&w, l.pte_pa, pte_ptr(MMIO_GPA));
	g = shadow_gva_translate(&w.s, &vs, 0x6000, SHADOW_ACCESS_STORE,
				 PT_ACCESS_WRITE);
	CHECK_EQ(g.status, SHADOW_GVA_ACCESS_FAULT);
	CHECK_EQ(g.cause, EXC_STORE_ACCESS);
	CHECK(!g.implicit);
	world_l1_set(&w, l.pte_pa, 0);

	/* Svadu for L1: lost races in the G-stage A/D update, on a VS table
	 * read and on the final access */
	w.cfg.l1_adue = true;
	CHECK(shadow_init(&w.s, &w.cfg));
	shadow_write_hgatp(&w.s, hgatp_val(ATP_MODE_SV39, 1, l1root));
	l1_map(PT_SV39X4, l1root, VS_GPA, VS_L1, VS_SIZE,
	       PTE_R | PTE_W | PTE_U);
	w.cas_fail = 1;
	g = shadow_gva_translate(&w.s, &vs, 0x1000, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_RETRY);
	CHECK(g.implicit);
	l1_map(PT_SV39X4, l1root, VS_GPA, VS_L1, VS_SIZE,
	       PTE_R | PTE_W | L1_LEAF);
	l1_map(PT_SV39X4, l1root, 0x20000000, 2 * GIB + 16 * MIB, 2 * MIB,
	       RWX | PTE_U);
	w.cas_fail = 1;
	g = shadow_gva_translate(&w.s, &vs, 0x1000, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_RETRY);
	CHECK(!g.implicit);
	g = shadow_gva_translate(&w.s, &vs, 0x1000, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_OK);
}
