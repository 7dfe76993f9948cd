/* SPDX-License-Identifier: BSD-2-Clause */
#include "gmem.h"

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

/* Lowest L0_GMEM_ALIGN-aligned free block at or above `from`: its start
 * and length (up to `want`), or false when none is left. */
static bool next_free(const struct l0_platform *p, const struct l0_range *busy,
		      unsigned nbusy, uint64_t from, uint64_t want,
		      uint64_t *start, uint64_t *len)
{
	uint64_t best = UINT64_MAX, best_len = 0;

	for (unsigned m = 0; m < p->nmem; m++) {
		uint64_t s =
			align_up(p->mem[m].base > from ? p->mem[m].base : from,
				 L0_GMEM_ALIGN);
		uint64_t end = p->mem[m].base + p->mem[m].size;
		bool moved = true;

		/* push s past every obstacle it lands in, until none */
		while (moved && s < end) {
			moved = false;
			for (unsigned r = 0; r < p->nresv + nbusy; r++) {
				const struct l0_range *o =
					r < p->nresv ? &p->resv[r]
						     : &busy[r - p->nresv];

				if (l0_ranges_overlap(s, L0_GMEM_ALIGN, o->base,
						      o->size)) {
					s = align_up(o->base + o->size,
						     L0_GMEM_ALIGN);
					moved = true;
				}
			}
		}
		if (s >= end || end - s < L0_GMEM_ALIGN || s >= best)
			continue;
		/* grow in whole blocks until an obstacle or the end */
		uint64_t e = s;

		while (e + L0_GMEM_ALIGN <= end && e - s < want) {
			bool hit = false;

			for (unsigned r = 0; r < p->nresv + nbusy && !hit;
			     r++) {
				const struct l0_range *o =
					r < p->nresv ? &p->resv[r]
						     : &busy[r - p->nresv];

				hit = l0_ranges_overlap(e, L0_GMEM_ALIGN,
							o->base, o->size);
			}
			if (hit)
				break;
			e += L0_GMEM_ALIGN;
		}
		best = s;
		best_len = e - s;
	}
	if (best == UINT64_MAX)
		return false;
	*start = best;
	*len = best_len;
	return true;
}

enum l0_gmem_status l0_gmem_place(struct l0_gmem *g,
				  const struct l0_platform *p,
				  const struct l0_range *busy, unsigned nbusy,
				  uint64_t size, char *err, size_t errlen)
{
	uint64_t from = 0, got = 0;

	memset(g, 0, sizeof(*g));
	g->gpa = L1_RAM_GPA;
	g->vmid = L1_VMID;
	while (got < size) {
		uint64_t s, len;

		if (g->nchunks == L0_GMEM_MAX_CHUNKS ||
		    !next_free(p, busy, nbusy, from, size - got, &s, &len))
			FAIL("no free host RAM for l1.mem=%lluM: host RAM, L0, "
			     "the DTB, the L1 image/initrd and reserved ranges "
			     "leave %lluM in %u blocks (use more QEMU -m or a "
			     "smaller l1.mem)",
			     (unsigned long long)(size >> 20),
			     (unsigned long long)(got >> 20), g->nchunks);
		g->chunk[g->nchunks].gpa = g->gpa + got;
		g->chunk[g->nchunks].hpa = s;
		g->chunk[g->nchunks].size = len;
		g->nchunks++;
		got += len;
		from = s + len;
	}
	g->size = size;
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
	for (unsigned i = 0; i < g->nchunks; i++) {
		const struct l0_gmem_chunk *c = &g->chunk[i];

		if (pt_map(mode, &gstage_mem, g->root, c->gpa, c->hpa, c->size,
			   GSTAGE_RAM_FLAGS, 0))
			FAIL("G-stage: mapping L1 RAM failed (table pool of %d "
			     "pages exhausted)",
			     GSTAGE_POOL_PAGES);
	}
	return L0_GMEM_OK;
}

enum l0_gmem_status l0_gmem_map_device(struct l0_gmem *g,
				       const struct l0_range *dev, char *err,
				       size_t errlen)
{
	uint64_t base = dev->base & ~(PAGE_SIZE - 1);
	uint64_t size = align_up(dev->base + dev->size, PAGE_SIZE) - base;

	return l0_gmem_map_device_at(g, base, base, size, err, errlen);
}

enum l0_gmem_status l0_gmem_map_device_at(struct l0_gmem *g, uint64_t gpa,
					  uint64_t hpa, uint64_t size,
					  char *err, size_t errlen)
{
	if ((gpa | hpa | size) & (PAGE_SIZE - 1) || !size)
		FAIL("device 0x%llx+0x%llx at GPA 0x%llx is not whole pages",
		     (unsigned long long)hpa, (unsigned long long)size,
		     (unsigned long long)gpa);
	if (l0_ranges_overlap(gpa, size, g->gpa, g->size))
		FAIL("device at 0x%llx overlaps L1 RAM",
		     (unsigned long long)gpa);
	if (g->ndev == L0_GMEM_MAX_DEVICES)
		FAIL("device at 0x%llx: more than %d passed-through devices",
		     (unsigned long long)gpa, L0_GMEM_MAX_DEVICES);
	if (pt_map(g->mode, &gstage_mem, g->root, gpa, hpa, size,
		   GSTAGE_DEV_FLAGS, PAGE_SIZE))
		FAIL("G-stage: mapping device 0x%llx failed",
		     (unsigned long long)gpa);
	g->dev[g->ndev++] = (struct l0_gmem_device){
		.gpa = gpa, .hpa = hpa, .size = size, .perm = PTE_R | PTE_W};
	return L0_GMEM_OK;
}

enum l0_gmem_status l0_gmem_unmap_device(struct l0_gmem *g,
					 const struct l0_range *dev, char *err,
					 size_t errlen)
{
	uint64_t base = dev->base & ~(PAGE_SIZE - 1);
	uint64_t size = align_up(dev->base + dev->size, PAGE_SIZE) - base;

	for (unsigned i = 0; i < g->ndev; i++) {
		if (g->dev[i].gpa != base || g->dev[i].size != size)
			continue;
		pt_unmap(g->mode, &gstage_mem, g->root, base, size);
		for (unsigned j = i + 1; j < g->ndev; j++)
			g->dev[j - 1] = g->dev[j];
		g->ndev--;
		return L0_GMEM_OK;
	}
	FAIL("no passed-through device at 0x%llx+0x%llx",
	     (unsigned long long)base, (unsigned long long)size);
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

bool l0_gmem_hpa(const struct l0_gmem *g, uint64_t gpa, uint64_t *hpa,
		 uint64_t *contiguous)
{
	for (unsigned i = 0; i < g->nchunks; i++) {
		const struct l0_gmem_chunk *c = &g->chunk[i];

		if (gpa >= c->gpa && gpa - c->gpa < c->size) {
			*hpa = c->hpa + (gpa - c->gpa);
			*contiguous = c->size - (gpa - c->gpa);
			return true;
		}
	}
	return false;
}

/* What to do with each host-contiguous piece of a guest range. */
enum l0_copy_dir {
	L0_COPY_FROM_GUEST,
	L0_COPY_TO_GUEST,
	L0_ZERO_GUEST,
};

static bool copy(const struct l0_gmem *g, uint64_t gpa, void *buf, size_t len,
		 enum l0_copy_dir dir)
{
	uint8_t *b = buf;

	if (!l0_gmem_in_ram(g, gpa, len))
		return false;
	while (len) {
		uint64_t hpa, n;

		if (!l0_gmem_hpa(g, gpa, &hpa, &n))
			return false;
		if (n > len)
			n = len;
		switch (dir) {
		case L0_COPY_FROM_GUEST:
			memcpy(b, (void *)(uintptr_t)hpa, n);
			break;
		case L0_COPY_TO_GUEST:
			memcpy((void *)(uintptr_t)hpa, b, n);
			break;
		case L0_ZERO_GUEST:
			memset((void *)(uintptr_t)hpa, 0, n);
			break;
		}
		if (b)
			b += n;
		gpa += n;
		len -= n;
	}
	return true;
}

bool l0_gmem_read(const struct l0_gmem *g, uint64_t gpa, void *buf, size_t len)
{
	return copy(g, gpa, buf, len, L0_COPY_FROM_GUEST);
}

bool l0_gmem_write(const struct l0_gmem *g, uint64_t gpa, const void *buf,
		   size_t len)
{
	return copy(g, gpa, (void *)buf, len, L0_COPY_TO_GUEST);
}

bool l0_gmem_zero(const struct l0_gmem *g, uint64_t gpa, size_t len)
{
	return copy(g, gpa, NULL, len, L0_ZERO_GUEST);
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
