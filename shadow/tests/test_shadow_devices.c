/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shadow entries for devices L0 passes through to L1 (cfg.devices): an L2
 * page that L1 maps onto such a device maps to the host device with L1's
 * permissions intersected with L0's; faults stay L1's; invalidation is as
 * for RAM; the VS-stage walk and HLV never use a device as memory.
 */
#include "unit.h"
#include "world.h"

#include <rvnest/encoding.h>

#include <string.h>

#define RWX (PTE_R | PTE_W | PTE_X)
#define L1_LEAF (PTE_U | PTE_A | PTE_D)

static struct world w;

static uint64_t setup(void)
{
	uint64_t root;

	world_fini(&w);
	CHECK(world_init(&w, 256 * KIB, PT_SV48X4, SHADOW_HGATP_WARL_QEMU));
	root = world_l1_table(&w, 16 * KIB);
	shadow_write_hgatp(&w.s, ((uint64_t)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
					 (1ULL << HGATP_VMID_SHIFT) |
					 (root >> PAGE_SHIFT));
	return root;
}

static void l1_map(uint64_t root, uint64_t gpa, uint64_t l1_gpa, uint64_t size,
		   uint64_t flags)
{
	struct pt_mem m = world_l1_mem(&w);
	CHECK_EQ(pt_map(PT_SV39X4, &m, root, gpa, l1_gpa, size, flags, size),
		 0);
}

struct found {
	unsigned n;
	uint64_t gpa, host, size, pte;
};

static void find_leaf(void *arg, unsigned slot, uint64_t gpa, uint64_t host,
		      uint64_t size, uint64_t pte)
{
	struct found *f = arg;

	(void)slot;
	f->n++;
	f->gpa = gpa;
	f->host = host;
	f->size = size;
	f->pte = pte;
}

static struct found leaves(void)
{
	struct found f;

	memset(&f, 0, sizeof(f));
	shadow_for_each_leaf(&w.s, find_leaf, &f);
	return f;
}

TEST(shadow_device_config_checked)
{
	struct shadow s;
	struct shadow_config c;

	CHECK(world_init(&w, 128 * KIB, PT_SV48X4, SHADOW_HGATP_WARL_QEMU));
	c = w.cfg;
	c.ndevices = SHADOW_MAX_DEVICES + 1;
	CHECK(!shadow_init(&s, &c));
	c = w.cfg;
	c.devices[DEV_UART].size = 0;
	CHECK(!shadow_init(&s, &c));
	c = w.cfg;
	c.devices[DEV_UART].l1_gpa += 8; /* not page aligned */
	CHECK(!shadow_init(&s, &c));
	c = w.cfg;
	c.devices[DEV_UART].host_pa += 8;
	CHECK(!shadow_init(&s, &c));
	c = w.cfg;
	c.devices[DEV_UART].perm |= PTE_U; /* more than R/W/X */
	CHECK(!shadow_init(&s, &c));
	c = w.cfg;
	c.devices[DEV_UART].l1_gpa = ~0ULL << PAGE_SHIFT; /* wraps */
	c.devices[DEV_UART].size = 2 * PAGE_SIZE;
	CHECK(!shadow_init(&s, &c));
	c = w.cfg;
	c.devices[DEV_UART].l1_gpa = 2 * GIB; /* L1 RAM */
	CHECK(!shadow_init(&s, &c));
	c = w.cfg;
	c.devices[DEV_ROM].l1_gpa = DEV_UART_GPA; /* overlaps the UART */
	CHECK(!shadow_init(&s, &c));
	c = w.cfg;
	c.ndevices = 0;
	CHECK(shadow_init(&s, &c));
	world_fini(&w);
}

/* L1 maps an L2 page (at another GPA) onto its UART: the shadow maps it
 * to the host UART, RW as both allow, and counts a device fill. */
TEST(shadow_device_page_maps_to_host_device)
{
	uint64_t root = setup();
	struct shadow_result r;
	struct found f;

	l1_map(root, 0x10000000, DEV_UART_GPA, 4 * KIB,
	       PTE_R | PTE_W | L1_LEAF);
	r = shadow_fill(&w.s, 0x10000005, SHADOW_ACCESS_STORE, PT_ACCESS_WRITE);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK(r.device);
	CHECK_EQ(r.l1_gpa, DEV_UART_GPA + 5);
	CHECK_EQ(r.host_pa, 0x30000005);
	CHECK_EQ(r.page_size, 4 * KIB);
	CHECK_EQ(r.perm, PTE_R | PTE_W);
	CHECK_EQ(w.s.stats.device_fills, 1);
	CHECK_EQ(w.s.stats.fills[0], 1);
	CHECK_EQ(w.s.stats.not_ram, 0);
	f = leaves();
	CHECK_EQ(f.n, 1);
	CHECK_EQ(f.gpa, 0x10000000);
	CHECK_EQ(f.host, 0x30000000);
	CHECK_EQ(f.pte & RWX, PTE_R | PTE_W);
	CHECK(world_host_is_l1_mem(&w, f.host, f.size, f.pte & RWX));
	CHECK(!world_host_is_l1_ram(&w, f.host, f.size, f.pte & RWX));
	/* RAM keeps its own path: not a device */
	l1_map(root, 0x200000, 2 * GIB, 2 * MIB, RWX | L1_LEAF);
	r = shadow_fill(&w.s, 0x200000, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK(!r.device);
	CHECK_EQ(w.s.stats.device_fills, 1);
}

/* Permissions: L1's ∩ L0's. L1 read-only: a store is L1's guest-page
 * fault (htval = gpa >> 2); L1 RWX: a fetch is denied by L0's map, the
 * device's access fault; L0 read-only: the leaf is read-only. */
TEST(shadow_device_permissions)
{
	uint64_t root = setup();
	struct shadow_result r;

	l1_map(root, 0x10000000, DEV_UART_GPA, 4 * KIB, PTE_R | L1_LEAF);
	r = shadow_fill(&w.s, 0x10000004, SHADOW_ACCESS_STORE, PT_ACCESS_WRITE);
	CHECK_EQ(r.status, SHADOW_FORWARD_GUEST_PAGE_FAULT);
	CHECK_EQ(r.cause, EXC_STORE_GUEST_PAGE_FAULT);
	CHECK_EQ(r.htval, 0x10000004ULL >> 2);
	CHECK_EQ(leaves().n, 0);
	/* the same page read: filled read-only */
	r = shadow_fill(&w.s, 0x10000004, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.perm, PTE_R);

	/* L1 grants X, L0 does not: a fetch is the access fault */
	l1_map(root, 0x10001000, DEV_UART_GPA, 4 * KIB, RWX | L1_LEAF);
	r = shadow_fill(&w.s, 0x10001000, SHADOW_ACCESS_FETCH, PT_ACCESS_EXEC);
	CHECK_EQ(r.status, SHADOW_L0_DENIED);
	CHECK(r.device);
	CHECK_EQ(r.cause, EXC_INST_ACCESS);
	CHECK_EQ(w.s.stats.l0_denied, 1);
	/* and a load there installs R/W only (no X from L1's leaf) */
	r = shadow_fill(&w.s, 0x10001000, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.perm, PTE_R | PTE_W);

	/* L0 gives L1 the ROM read-only: L1's RW leaf becomes R; a store
	 * is L0-denied with the store access fault */
	l1_map(root, 0x10002000, DEV_ROM_GPA, 4 * KIB, PTE_R | PTE_W | L1_LEAF);
	r = shadow_fill(&w.s, 0x10002000, SHADOW_ACCESS_STORE, PT_ACCESS_WRITE);
	CHECK_EQ(r.status, SHADOW_L0_DENIED);
	CHECK_EQ(r.cause, EXC_STORE_ACCESS);
	r = shadow_fill(&w.s, 0x10002000, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.perm, PTE_R);
	CHECK_EQ(r.host_pa, 0x30005000);

	/* an L1 hole next to the devices stays NOT_RAM: L0 emulates or
	 * injects the access fault, nothing is mapped */
	l1_map(root, 0x10003000, MMIO_GPA, 4 * KIB, PTE_R | PTE_W | L1_LEAF);
	r = shadow_fill(&w.s, 0x10003000, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_NOT_RAM);
	CHECK(!r.device);
	CHECK_EQ(r.cause, EXC_LOAD_ACCESS);
	CHECK_EQ(r.l1_gpa, MMIO_GPA);
	/* an L2 GPA L1 does not map: L1's guest-page fault */
	r = shadow_fill(&w.s, 0x10800000, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FORWARD_GUEST_PAGE_FAULT);
	CHECK_EQ(r.htval, 0x10800000ULL >> 2);
}

/* A device region large and aligned enough takes superpages, bounded by
 * the region: an L1 2 MiB leaf over the 4 MiB BAR is one 2 MiB leaf; over
 * the 4 KiB UART it is splintered to 4 KiB. */
TEST(shadow_device_superpages_and_bounds)
{
	uint64_t root = setup();
	struct shadow_result r;

	l1_map(root, 0x40000000, DEV_BAR_GPA + 2 * MIB, 2 * MIB,
	       PTE_R | PTE_W | L1_LEAF);
	r = shadow_fill(&w.s, 0x40000010, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.page_size, 2 * MIB);
	CHECK_EQ(r.host_pa, 0x60200010);
	/* 2 MiB L1 leaf starting at the UART: only the UART page maps; the
	 * page after it (the ROM) is another device with its own perms, the
	 * page after that is nothing */
	l1_map(root, 0x20000000, DEV_UART_GPA, 2 * MIB,
	       PTE_R | PTE_W | L1_LEAF);
	r = shadow_fill(&w.s, 0x20000000, SHADOW_ACCESS_STORE, PT_ACCESS_WRITE);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(r.page_size, 4 * KIB);
	r = shadow_fill(&w.s, 0x20001000, SHADOW_ACCESS_STORE, PT_ACCESS_WRITE);
	CHECK_EQ(r.status, SHADOW_L0_DENIED);
	r = shadow_fill(&w.s, 0x20002000, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_NOT_RAM);
	CHECK_EQ(w.s.slot[w.s.cur].splinter, 2 * MIB);
	CHECK_EQ(w.s.stats.device_fills, 2);
}

/* Invalidation as for RAM: an address fence drops the device leaf, the
 * refill follows L1's new mapping; a stale device leaf is replaced. */
TEST(shadow_device_invalidation)
{
	uint64_t root = setup();
	struct shadow_result r;

	l1_map(root, 0x10000000, DEV_UART_GPA, 4 * KIB,
	       PTE_R | PTE_W | L1_LEAF);
	r = shadow_fill(&w.s, 0x10000000, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK_EQ(shadow_invalidate_gpa(&w.s, 0x10000000), SHADOW_HW_FENCE_ALL);
	CHECK_EQ(leaves().n, 0);
	/* L1 remaps the L2 page onto RAM, fences, L2 refaults: RAM now */
	l1_map(root, 0x10000000, 2 * GIB, 4 * KIB, RWX | L1_LEAF);
	r = shadow_fill(&w.s, 0x10000000, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK(!r.device);
	CHECK_EQ(r.host_pa, 5 * GIB);
	/* back onto the device without a fence: the stale RAM leaf is
	 * replaced at the next fault there (a refill) */
	l1_map(root, 0x10000000, DEV_UART_GPA, 4 * KIB,
	       PTE_R | PTE_W | L1_LEAF);
	r = shadow_fill(&w.s, 0x10000000, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	CHECK_EQ(r.status, SHADOW_FILLED);
	CHECK(r.device);
	CHECK_EQ(w.s.stats.refills, 1);
	CHECK_EQ(leaves().host, 0x30000000);
	CHECK_EQ(shadow_invalidate_all(&w.s), SHADOW_HW_FENCE_ALL);
	CHECK_EQ(leaves().n, 0);
}

/* The VS-stage walk never reads page tables from a device, and HLV's
 * two-stage translation reports a device as NOT_RAM (L0 does not access
 * a device as memory). */
TEST(shadow_device_not_used_as_memory)
{
	uint64_t root = setup();
	struct shadow_vs vs = {0};
	struct shadow_gva_result g;

	l1_map(root, 0x10000000, DEV_UART_GPA, 4 * KIB,
	       PTE_R | PTE_W | L1_LEAF);
	/* Bare VS-stage: the final access is to the device */
	g = shadow_gva_translate(&w.s, &vs, 0x10000008, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_NOT_RAM);
	CHECK_EQ(g.l1_gpa, DEV_UART_GPA + 8);
	/* Sv39 VS-stage whose root is the device page: access fault */
	vs.vsatp = ((uint64_t)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
		   (0x10000000 >> PAGE_SHIFT);
	g = shadow_gva_translate(&w.s, &vs, 0x1000, SHADOW_ACCESS_LOAD,
				 PT_ACCESS_READ);
	CHECK_EQ(g.status, SHADOW_GVA_ACCESS_FAULT);
	CHECK_EQ(g.cause, EXC_LOAD_ACCESS);
	CHECK_EQ(w.s.stats.device_fills, 0);
	world_fini(&w);
}
