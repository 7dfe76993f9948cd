/* SPDX-License-Identifier: BSD-2-Clause */
#include "gmem.h"

#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <stdio.h>
#include <string.h>

/*
 * Table memory for L0's G-stage. The x4 root is 16 KiB and must be 16 KiB
 * aligned (Privileged spec "Hypervisor Guest Address Translation and
 * Protection Register (hgatp)"); the rest are 4 KiB tables. L1 RAM uses
 * 2 MiB leaves, so a few tables suffice even for Sv48x4.
 */
#define GSTAGE_ROOT_SIZE 16384
#define GSTAGE_POOL_PAGES 32
/* VMID of L1 (0 stays free: hgatp.VMID 0 is L0's "no guest"). */
#define L1_VMID 1

static uint8_t gstage_root[GSTAGE_ROOT_SIZE]
	__attribute__((aligned(GSTAGE_ROOT_SIZE)));
static uint8_t gstage_pool[GSTAGE_POOL_PAGES][PAGE_SIZE]
	__attribute__((aligned(PAGE_SIZE)));
static unsigned gstage_pool_used;
static bool gstage_root_used;

#define FAIL(...)                                   \
	do {                                        \
		snprintf(err, errlen, __VA_ARGS__); \
		return L0_GMEM_BAD;                 \
	} while (0)

bool l0_ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

enum l0_gmem_status l0_gmem_place(struct l0_gmem *g,
				  const struct l0_platform *p,
				  const struct l0_range *busy, unsigned nbusy,
				  uint64_t size, char *err, size_t errlen)
{
	memset(g, 0, sizeof(*g));
	/* First fit, lowest address: try each candidate start (a memory
	 * base or the aligned end of an obstacle) and keep the lowest one
	 * that overlaps nothing. */
	uint64_t best = UINT64_MAX;

	for (unsigned m = 0; m < p->nmem; m++) {
		const struct l0_range *mem = &p->mem[m];
		unsigned ncand = 1 + p->nresv + nbusy;

		for (unsigned c = 0; c < ncand; c++) {
			uint64_t start;
			bool ok = true;

			if (c == 0)
				start = mem->base;
			else if (c <= p->nresv)
				start = p->resv[c - 1].base +
					p->resv[c - 1].size;
			else
				start = busy[c - 1 - p->nresv].base +
					busy[c - 1 - p->nresv].size;
			start = align_up(start, L0_GMEM_ALIGN);
			if (start < mem->base ||
			    start + size > mem->base + mem->size ||
			    start + size < start)
				continue;
			for (unsigned r = 0; ok && r < p->nresv; r++)
				ok = !l0_ranges_overlap(start, size,
							p->resv[r].base,
							p->resv[r].size);
			for (unsigned b = 0; ok && b < nbusy; b++)
				ok = !l0_ranges_overlap(start, size,
							busy[b].base,
							busy[b].size);
			if (ok && start < best)
				best = start;
		}
	}
	if (best == UINT64_MAX)
		FAIL("no free host RAM for l1.mem=%lluM (host RAM, L0, the "
		     "DTB, the L1 image/initrd and reserved ranges leave no "
		     "aligned gap that large)",
		     (unsigned long long)(size >> 20));
	g->gpa = L1_RAM_GPA;
	g->size = size;
	g->hpa = best;
	g->vmid = L1_VMID;
	return L0_GMEM_OK;
}

/* ---- pt_mem over host physical memory (L0 runs with satp = Bare) ---- */
static bool host_read_pte(void *ctx, uint64_t pa, uint64_t *pte)
{
	(void)ctx;
	*pte = *(volatile uint64_t *)(uintptr_t)pa;
	return true;
}

static bool host_write_pte(void *ctx, uint64_t pa, uint64_t pte)
{
	(void)ctx;
	*(volatile uint64_t *)(uintptr_t)pa = pte;
	return true;
}

static uint64_t gstage_alloc(void *ctx, uint64_t size)
{
	(void)ctx;
	if (size == GSTAGE_ROOT_SIZE && !gstage_root_used) {
		gstage_root_used = true;
		memset(gstage_root, 0, sizeof(gstage_root));
		return (uint64_t)(uintptr_t)gstage_root;
	}
	if (size != PAGE_SIZE || gstage_pool_used == GSTAGE_POOL_PAGES)
		return 0;
	memset(gstage_pool[gstage_pool_used], 0, PAGE_SIZE);
	return (uint64_t)(uintptr_t)gstage_pool[gstage_pool_used++];
}

static const struct pt_mem gstage_mem = {
	.ctx = NULL,
	.read_pte = host_read_pte,
	.write_pte = host_write_pte,
	.alloc_table = gstage_alloc,
};

/* G-stage leaves must have U=1 (spec "Guest Physical Address
 * Translation": G-stage accesses are treated as U-mode); A and D are set
 * so that no implementation needs to update or fault on them. */
#define GSTAGE_RAM_FLAGS (PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
#define GSTAGE_DEV_FLAGS (PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)

enum l0_gmem_status l0_gmem_map_ram(struct l0_gmem *g, enum pt_mode mode,
				    char *err, size_t errlen)
{
	g->mode = mode;
	g->root = gstage_alloc(NULL, pt_root_size(mode));
	if (!g->root)
		FAIL("G-stage root table already in use");
	if (pt_map(mode, &gstage_mem, g->root, g->gpa, g->hpa, g->size,
		   GSTAGE_RAM_FLAGS, 0))
		FAIL("G-stage: mapping L1 RAM failed (table pool of %d pages "
		     "exhausted)",
		     GSTAGE_POOL_PAGES);
	return L0_GMEM_OK;
}

enum l0_gmem_status l0_gmem_map_device(struct l0_gmem *g,
				       const struct l0_range *dev, char *err,
				       size_t errlen)
{
	uint64_t base = dev->base & ~(PAGE_SIZE - 1);
	uint64_t size = align_up(dev->base + dev->size, PAGE_SIZE) - base;

	if (l0_ranges_overlap(base, size, g->gpa, g->size))
		FAIL("device at 0x%llx overlaps L1 RAM",
		     (unsigned long long)dev->base);
	if (pt_map(g->mode, &gstage_mem, g->root, base, base, size,
		   GSTAGE_DEV_FLAGS, PAGE_SIZE))
		FAIL("G-stage: mapping device 0x%llx failed",
		     (unsigned long long)dev->base);
	return L0_GMEM_OK;
}

unsigned long l0_gmem_hgatp(const struct l0_gmem *g)
{
	unsigned long mode =
		g->mode == PT_SV48X4 ? ATP_MODE_SV48 : ATP_MODE_SV39;

	return (mode << ATP_MODE_SHIFT) | (g->vmid << HGATP_VMID_SHIFT) |
	       (g->root >> PAGE_SHIFT);
}

bool l0_gmem_in_ram(const struct l0_gmem *g, uint64_t gpa, uint64_t len)
{
	return gpa >= g->gpa && gpa - g->gpa <= g->size &&
	       len <= g->size - (gpa - g->gpa);
}

void *l0_gmem_ptr(const struct l0_gmem *g, uint64_t gpa)
{
	return (void *)(uintptr_t)(g->hpa + (gpa - g->gpa));
}

bool l0_gmem_read(const struct l0_gmem *g, uint64_t gpa, void *buf, size_t len)
{
	if (!l0_gmem_in_ram(g, gpa, len))
		return false;
	memcpy(buf, l0_gmem_ptr(g, gpa), len);
	return true;
}

bool l0_gmem_write(const struct l0_gmem *g, uint64_t gpa, const void *buf,
		   size_t len)
{
	if (!l0_gmem_in_ram(g, gpa, len))
		return false;
	memcpy(l0_gmem_ptr(g, gpa), buf, len);
	return true;
}

/* ---- pt_mem over L1 guest-physical memory (L1's own tables) ---------- */
static bool guest_read_pte(void *ctx, uint64_t gpa, uint64_t *pte)
{
	return l0_gmem_read(ctx, gpa, pte, sizeof(*pte));
}

static bool guest_write_pte(void *ctx, uint64_t gpa, uint64_t pte)
{
	return l0_gmem_write(ctx, gpa, &pte, sizeof(pte));
}

static uint64_t guest_no_alloc(void *ctx, uint64_t size)
{
	/* L0 never creates tables in L1's memory. */
	(void)ctx;
	(void)size;
	return 0;
}

enum pt_walk_status l0_gmem_gva_to_gpa(const struct l0_gmem *g,
				       unsigned long vsatp, uint64_t gva,
				       enum pt_access access,
				       const struct pt_walk_opts *opts,
				       uint64_t *gpa)
{
	struct pt_mem mem = {
		.ctx = (void *)g,
		.read_pte = guest_read_pte,
		.write_pte = guest_write_pte,
		.alloc_table = guest_no_alloc,
	};
	enum pt_mode mode;
	struct pt_walk_result r;

	if (!pt_mode_from_atp((vsatp & ATP_MODE) >> ATP_MODE_SHIFT, false,
			      &mode))
		return PT_WALK_INVALID;
	if (mode == PT_BARE) {
		*gpa = gva;
		return PT_WALK_OK;
	}
	r = pt_walk(mode, &mem, (vsatp & ATP_PPN) << PAGE_SHIFT, gva, access,
		    opts);
	if (r.status == PT_WALK_OK)
		*gpa = r.pa;
	return r.status;
}
