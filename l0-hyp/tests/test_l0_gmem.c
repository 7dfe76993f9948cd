/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests of L1 RAM placement and L0's G-stage (l0-hyp/gmem.c): the
 * chosen host blocks avoid every obstacle, and the G-stage built with
 * pt_map translates every GPA of L1 RAM to the right host address with
 * the largest pages alignment allows, and nothing outside it.
 */
#include "unit.h"

#include <rvnest/encoding.h>
#include <string.h>

#include "../gmem.h"

#define MIB (1ULL << 20)

static struct l0_platform plat;
static char err[256];

static void platform(uint64_t base, uint64_t size)
{
	memset(&plat, 0, sizeof(plat));
	plat.mem[0].base = base;
	plat.mem[0].size = size;
	plat.nmem = 1;
}

static void reserve(uint64_t base, uint64_t size)
{
	plat.resv[plat.nresv].base = base;
	plat.resv[plat.nresv].size = size;
	plat.nresv++;
}

static bool host_read(void *ctx, uint64_t pa, uint64_t *pte)
{
	(void)ctx;
	memcpy(pte, (void *)(uintptr_t)pa, 8);
	return true;
}

static const struct pt_mem host_mem = {.read_pte = host_read};

static void check_no_overlap(const struct l0_gmem *g,
			     const struct l0_range *busy, unsigned nbusy)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < g->nchunks; i++) {
		const struct l0_gmem_chunk *c = &g->chunk[i];

		CHECK_EQ(c->hpa % L0_GMEM_ALIGN, 0);
		CHECK_EQ(c->gpa, g->gpa + total);
		total += c->size;
		for (unsigned r = 0; r < plat.nresv; r++)
			CHECK(!l0_ranges_overlap(c->hpa, c->size,
						 plat.resv[r].base,
						 plat.resv[r].size));
		for (unsigned b = 0; b < nbusy; b++)
			CHECK(!l0_ranges_overlap(c->hpa, c->size, busy[b].base,
						 busy[b].size));
		CHECK(c->hpa >= plat.mem[0].base &&
		      c->hpa + c->size <= plat.mem[0].base + plat.mem[0].size);
	}
	CHECK_EQ(total, g->size);
}

TEST(gmem_place_one_block)
{
	struct l0_gmem g;
	struct l0_range busy[] = {{0x80200000, 0x100000}, {0xbfe00000, 0x2000}};

	platform(0x80000000, 1024 * MIB);
	reserve(0x80000000, 0x40000);
	CHECK_EQ(l0_gmem_place(&g, &plat, busy, 2, 256 * MIB, err, sizeof(err)),
		 L0_GMEM_OK);
	CHECK_EQ(g.nchunks, 1);
	CHECK_EQ(g.chunk[0].hpa, 0x80400000);
	check_no_overlap(&g, busy, 2);
}

TEST(gmem_place_split_around_initrd)
{
	struct l0_gmem g;
	/* QEMU with -m 512M: -initrd at 0x90200000, DTB at 0x9fe00000 */
	struct l0_range busy[] = {{0x80200000, 0x100000},
				  {0x9fe00000, 0x2000},
				  {0x90200000, 0x30000}};

	platform(0x80000000, 512 * MIB);
	reserve(0x80000000, 0x40000);
	CHECK_EQ(l0_gmem_place(&g, &plat, busy, 3, 256 * MIB, err, sizeof(err)),
		 L0_GMEM_OK);
	CHECK_EQ(g.nchunks, 2);
	check_no_overlap(&g, busy, 3);
}

TEST(gmem_place_no_room)
{
	struct l0_gmem g;
	struct l0_range busy[] = {{0x80200000, 0x100000}};

	platform(0x80000000, 128 * MIB);
	CHECK_EQ(l0_gmem_place(&g, &plat, busy, 1, 256 * MIB, err, sizeof(err)),
		 L0_GMEM_BAD);
	CHECK(strstr(err, "no free host RAM for l1.mem=256M") != NULL);
}

TEST(gmem_in_ram_bounds)
{
	struct l0_gmem g = {.gpa = 0x80000000, .size = 4 * MIB};

	CHECK(l0_gmem_in_ram(&g, 0x80000000, 4 * MIB));
	CHECK(l0_gmem_in_ram(&g, 0x803fffff, 1));
	CHECK(!l0_gmem_in_ram(&g, 0x803fffff, 2));
	CHECK(!l0_gmem_in_ram(&g, 0x7fffffff, 1));
	CHECK(!l0_gmem_in_ram(&g, 0x80000008, UINT64_MAX));
}

/* Fake "host RAM": the G-stage only records its addresses. */
static uint8_t fake_ram[8 * MIB] __attribute__((aligned(2 * 1024 * 1024)));

TEST(gmem_gstage_translates_every_block)
{
	struct l0_gmem g;
	uint64_t base = (uint64_t)(uintptr_t)fake_ram;
	struct pt_walk_opts opts = {.gstage = true};
	struct l0_range dev = {0x10000000, 0x100};

	platform(base, sizeof(fake_ram));
	/* a hole in the middle forces two blocks */
	reserve(base + 2 * MIB, 2 * MIB);
	CHECK_EQ(l0_gmem_place(&g, &plat, NULL, 0, 6 * MIB, err, sizeof(err)),
		 L0_GMEM_OK);
	CHECK_EQ(g.nchunks, 2);
	CHECK_EQ(l0_gmem_map_ram(&g, PT_SV39X4, err, sizeof(err)), L0_GMEM_OK);
	CHECK_EQ(l0_gmem_map_device(&g, &dev, err, sizeof(err)), L0_GMEM_OK);
	for (uint64_t off = 0; off < g.size; off += 256 * 1024) {
		struct pt_walk_result r =
			pt_walk(PT_SV39X4, &host_mem, g.root, g.gpa + off,
				PT_ACCESS_WRITE, &opts);
		uint64_t hpa, n;

		CHECK_EQ(r.status, PT_WALK_OK);
		CHECK(l0_gmem_hpa(&g, g.gpa + off, &hpa, &n));
		CHECK_EQ(r.pa, hpa);
		CHECK_EQ(r.page_size, 2 * MIB); /* superpages throughout */
	}
	/* just past L1 RAM: nothing */
	CHECK_EQ(pt_walk(PT_SV39X4, &host_mem, g.root, g.gpa + g.size,
			 PT_ACCESS_READ, &opts)
			 .status,
		 PT_WALK_INVALID);
	/* the UART page: identity, read/write, not executable */
	CHECK_EQ(pt_walk(PT_SV39X4, &host_mem, g.root, 0x10000004,
			 PT_ACCESS_WRITE, &opts)
			 .pa,
		 0x10000004);
	CHECK_EQ(pt_walk(PT_SV39X4, &host_mem, g.root, 0x10000000,
			 PT_ACCESS_EXEC, &opts)
			 .status,
		 PT_WALK_DENIED);
	/* and recorded, page-rounded and read/write, for the shadow (L2
	 * pages L1 maps onto it are mapped to the device) */
	CHECK_EQ(g.ndev, 1);
	CHECK_EQ(g.dev[0].gpa, 0x10000000);
	CHECK_EQ(g.dev[0].hpa, 0x10000000);
	CHECK_EQ(g.dev[0].size, 4 * 1024);
	CHECK_EQ(g.dev[0].perm, PTE_R | PTE_W);
	/* at most L0_GMEM_MAX_DEVICES (the G-stage is built once per
	 * process, so here): one more is an error naming it, never a
	 * record written past the array */
	for (unsigned i = 1; i < L0_GMEM_MAX_DEVICES; i++) {
		struct l0_range more = {0x10000000 + i * 0x2000, 0x1001};

		CHECK_EQ(l0_gmem_map_device(&g, &more, err, sizeof(err)),
			 L0_GMEM_OK);
		CHECK_EQ(g.dev[i].size, 8 * 1024); /* rounded up to pages */
	}
	dev.base = 0x10100000;
	CHECK_EQ(l0_gmem_map_device(&g, &dev, err, sizeof(err)), L0_GMEM_BAD);
	CHECK(strstr(err, "passed-through devices") != NULL);
	CHECK_EQ(g.ndev, L0_GMEM_MAX_DEVICES);
}

TEST(gmem_copy_spans_blocks)
{
	struct l0_gmem g;
	uint64_t base = (uint64_t)(uintptr_t)fake_ram;
	uint8_t in[64], out[64];

	platform(base, sizeof(fake_ram));
	reserve(base + 2 * MIB, 2 * MIB);
	CHECK_EQ(l0_gmem_place(&g, &plat, NULL, 0, 4 * MIB, err, sizeof(err)),
		 L0_GMEM_OK);
	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 1);
	/* straddles the boundary between the two host blocks */
	CHECK(l0_gmem_write(&g, g.gpa + 2 * MIB - 32, in, sizeof(in)));
	CHECK(l0_gmem_read(&g, g.gpa + 2 * MIB - 32, out, sizeof(out)));
	CHECK(!memcmp(in, out, sizeof(in)));
	CHECK_EQ(fake_ram[2 * MIB - 32], in[0]);
	CHECK_EQ(fake_ram[4 * MIB], in[32]); /* second block, after the hole */
	CHECK(!l0_gmem_read(&g, g.gpa + 4 * MIB - 8, out, 16));
	CHECK(l0_gmem_zero(&g, g.gpa + 2 * MIB - 4, 8));
	CHECK_EQ(fake_ram[4 * MIB + 3], 0);
}

/* ---- VS-stage walks through L1's own tables in L1 RAM ---------------- */
static struct l0_gmem vs_g;
static uint64_t vs_next;

static bool g_read(void *ctx, uint64_t gpa, uint64_t *pte)
{
	return l0_gmem_read(ctx, gpa, pte, 8);
}

static bool g_write(void *ctx, uint64_t gpa, uint64_t pte)
{
	return l0_gmem_write(ctx, gpa, &pte, 8);
}

static uint64_t g_alloc(void *ctx, uint64_t size)
{
	uint64_t a = vs_next;

	vs_next += size;
	return l0_gmem_zero(ctx, a, size) ? a : 0;
}

TEST(gmem_gva_to_gpa_walks_l1_tables)
{
	uint64_t base = (uint64_t)(uintptr_t)fake_ram, root, gpa = 0;
	struct pt_mem l1mem = {&vs_g, g_read, g_write, g_alloc};
	struct pt_walk_opts opts = {0};
	unsigned long vsatp;

	platform(base, sizeof(fake_ram));
	reserve(base + 2 * MIB, 2 * MIB); /* L1's tables span two blocks */
	CHECK_EQ(
		l0_gmem_place(&vs_g, &plat, NULL, 0, 6 * MIB, err, sizeof(err)),
		L0_GMEM_OK);
	/* L1 (as its own kernel would) builds Sv39 tables in its RAM */
	vs_next = vs_g.gpa + 2 * MIB - PAGE_SIZE;
	root = g_alloc(&vs_g, PAGE_SIZE);
	CHECK_EQ(pt_map(PT_SV39, &l1mem, root, 0x40001000, 0x80300000,
			PAGE_SIZE, PTE_R | PTE_X | PTE_A | PTE_D, 0),
		 0);
	vsatp = ((unsigned long)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
		(root >> PAGE_SHIFT);
	CHECK_EQ(l0_gmem_gva_to_gpa(&vs_g, vsatp, 0x40001234, PT_ACCESS_EXEC,
				    &opts, &gpa),
		 PT_WALK_OK);
	CHECK_EQ(gpa, 0x80300234);
	/* not writable, and nothing mapped next door */
	CHECK_EQ(l0_gmem_gva_to_gpa(&vs_g, vsatp, 0x40001234, PT_ACCESS_WRITE,
				    &opts, &gpa),
		 PT_WALK_DENIED);
	CHECK_EQ(l0_gmem_gva_to_gpa(&vs_g, vsatp, 0x40002000, PT_ACCESS_READ,
				    &opts, &gpa),
		 PT_WALK_INVALID);
	/* a root outside L1 RAM is an access fault, never a host read */
	vsatp = ((unsigned long)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
		(0x10000000UL >> PAGE_SHIFT);
	CHECK_EQ(l0_gmem_gva_to_gpa(&vs_g, vsatp, 0x40001234, PT_ACCESS_READ,
				    &opts, &gpa),
		 PT_WALK_ACCESS_FAULT);
	/* Bare: the address is the GPA */
	CHECK_EQ(l0_gmem_gva_to_gpa(&vs_g, 0, 0x80001000, PT_ACCESS_READ, &opts,
				    &gpa),
		 PT_WALK_OK);
	CHECK_EQ(gpa, 0x80001000);
}
