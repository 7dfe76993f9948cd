/* SPDX-License-Identifier: BSD-2-Clause */
#include "world.h"

#include <rvnest/encoding.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TBUF_SIZE (2 * MIB)

static const struct world_region standard[WORLD_NREGIONS] = {
	[RAM_A] = {2 * GIB, GIB, 5 * GIB, PTE_R | PTE_W | PTE_X},
	[RAM_B] = {4 * GIB, 4 * MIB, 12 * GIB + MIB, PTE_R | PTE_W | PTE_X},
	[RAM_C] = {4 * GIB + 4 * MIB, 4 * MIB, 14 * GIB + 2 * MIB,
		   PTE_R | PTE_X},
	[RAM_X] = {8 * GIB, 64 * KIB, 16 * GIB, PTE_X},
	[RAM_HIGH] = {1ULL << 50, 2 * MIB, 20 * GIB, PTE_R | PTE_W},
};

static const struct shadow_l0_device devices[WORLD_NDEVICES] = {
	[DEV_UART] = {DEV_UART_GPA, 0x30000000ULL, 4 * KIB, PTE_R | PTE_W},
	[DEV_ROM] = {DEV_ROM_GPA, 0x30005000ULL, 4 * KIB, PTE_R},
	[DEV_BAR] = {DEV_BAR_GPA, 0x60000000ULL, 4 * MIB, PTE_R | PTE_W},
};

static const struct world_region *find(const struct world *w, uint64_t gpa)
{
	for (unsigned i = 0; i < w->nreg; i++)
		if (gpa >= w->reg[i].gpa &&
		    gpa - w->reg[i].gpa < w->reg[i].size)
			return &w->reg[i];
	return NULL;
}

static bool to_host(void *ctx, uint64_t gpa, struct shadow_l0_map *out)
{
	const struct world *w = ctx;
	const struct world_region *r = find(w, gpa);

	if (!r)
		return false;
	out->host_pa = r->host + (gpa - r->gpa);
	out->perm = r->perm;
	out->base = r->gpa;
	out->size = r->size;
	return true;
}

/* L1 RAM outside the table buffer reads as deterministic garbage, so that
 * random table pointers into L1 RAM walk something. */
static uint64_t garbage(uint64_t a)
{
	a ^= a >> 33;
	a *= 0xff51afd7ed558ccdULL;
	a ^= a >> 33;
	a *= 0xc4ceb9fe1a85ec53ULL;
	return a ^ (a >> 33);
}

static uint64_t read_host(void *ctx, uint64_t h)
{
	const struct world *w = ctx;
	uint64_t tb_host =
		w->reg[RAM_A].host + (w->tbuf_gpa - w->reg[RAM_A].gpa);
	uint64_t v;

	if (h >= tb_host && h - tb_host < w->tbuf_size) {
		memcpy(&v, w->tbuf + (h - tb_host), 8);
		return v;
	}
	return garbage(h);
}

static bool cas_host(void *ctx, uint64_t h, uint64_t old, uint64_t new)
{
	struct world *w = ctx;
	uint64_t tb_host =
		w->reg[RAM_A].host + (w->tbuf_gpa - w->reg[RAM_A].gpa);
	uint64_t v;

	if (w->cas_fail) {
		w->cas_fail--;
		return false;
	}
	/* outside the table buffer L1 RAM is generated, not stored */
	if (h < tb_host || h - tb_host >= w->tbuf_size)
		return true;
	memcpy(&v, w->tbuf + (h - tb_host), 8);
	if (v != old)
		return false;
	memcpy(w->tbuf + (h - tb_host), &new, 8);
	return true;
}

bool world_init(struct world *w, uint64_t pool_size, enum pt_mode mode,
		enum shadow_hgatp_warl warl)
{
	void *pool;

	memset(w, 0, sizeof(*w));
	memcpy(w->reg, standard, sizeof(standard));
	w->nreg = WORLD_NREGIONS;
	w->tbuf_size = TBUF_SIZE;
	w->tbuf_gpa = w->reg[RAM_A].gpa;
	w->tbuf = calloc(1, TBUF_SIZE);
	w->pool_size = pool_size;
	w->pool_pa = POOL_PA;
	/* Exactly pool_size bytes, so that a sanitizer sees an access past
	 * the pool: aligned_alloc would need a multiple of the alignment. */
	if (posix_memalign(&pool, 16 * KIB, pool_size ? pool_size : 16 * KIB))
		pool = NULL;
	w->pool = pool;
	w->cfg.l0.ctx = w;
	w->cfg.l0.l1_gpa_to_host = to_host;
	w->cfg.l0.read_host64 = read_host;
	w->cfg.l0.cas_host64 = cas_host;
	w->cfg.pool_pa = w->pool_pa;
	w->cfg.pool_size = pool_size;
	w->cfg.pool_va = w->pool;
	w->cfg.mode = mode;
	w->cfg.hw_vmid_base = 100;
	w->cfg.warl = warl;
	memcpy(w->cfg.devices, devices, sizeof(devices));
	w->cfg.ndevices = WORLD_NDEVICES;
	return shadow_init(&w->s, &w->cfg);
}

void world_fini(struct world *w)
{
	free(w->tbuf);
	free(w->pool);
	w->tbuf = NULL;
	w->pool = NULL;
}

static bool l1_read(void *ctx, uint64_t gpa, uint64_t *pte)
{
	struct world *w = ctx;

	if (gpa < w->tbuf_gpa || gpa - w->tbuf_gpa >= w->tbuf_size)
		return false;
	memcpy(pte, w->tbuf + (gpa - w->tbuf_gpa), 8);
	return true;
}

static bool l1_write(void *ctx, uint64_t gpa, uint64_t pte)
{
	struct world *w = ctx;

	if (gpa < w->tbuf_gpa || gpa - w->tbuf_gpa >= w->tbuf_size)
		return false;
	memcpy(w->tbuf + (gpa - w->tbuf_gpa), &pte, 8);
	return true;
}

uint64_t world_l1_table(struct world *w, uint64_t size)
{
	uint64_t off = (w->tnext + size - 1) & ~(size - 1);

	if (off + size > w->tbuf_size)
		return 0;
	memset(w->tbuf + off, 0, size);
	w->tnext = off + size;
	return w->tbuf_gpa + off;
}

static uint64_t l1_alloc(void *ctx, uint64_t size)
{
	return world_l1_table(ctx, size);
}

struct pt_mem world_l1_mem(struct world *w)
{
	struct pt_mem m = {w, l1_read, l1_write, l1_alloc};
	return m;
}

void world_l1_set(struct world *w, uint64_t gpa, uint64_t pte)
{
	l1_write(w, gpa, pte);
}

uint64_t world_l1_get(struct world *w, uint64_t gpa)
{
	uint64_t v = 0;
	l1_read(w, gpa, &v);
	return v;
}

void world_l1_reset(struct world *w)
{
	w->tnext = 0;
	memset(w->tbuf, 0, w->tbuf_size);
}

bool world_host_is_l1_ram(const struct world *w, uint64_t h, uint64_t len,
			  uint64_t perm)
{
	for (unsigned i = 0; i < w->nreg; i++) {
		const struct world_region *r = &w->reg[i];
		if (h >= r->host && len <= r->size &&
		    h - r->host <= r->size - len && (r->perm & perm) == perm)
			return true;
	}
	return false;
}

uint64_t pte_leaf(uint64_t pa, uint64_t flags)
{
	return ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | flags | PTE_V;
}

uint64_t pte_ptr(uint64_t pa)
{
	return ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_V;
}

bool world_host_is_l1_mem(const struct world *w, uint64_t h, uint64_t len,
			  uint64_t perm)
{
	if (world_host_is_l1_ram(w, h, len, perm))
		return true;
	for (unsigned i = 0; i < w->cfg.ndevices; i++) {
		const struct shadow_l0_device *d = &w->cfg.devices[i];

		if (h >= d->host_pa && len <= d->size &&
		    h - d->host_pa <= d->size - len && (d->perm & perm) == perm)
			return true;
	}
	return false;
}

enum world_leaf_fault world_check_leaf(struct world *w, bool consistent,
				       unsigned slot, uint64_t gpa,
				       uint64_t host, uint64_t size,
				       uint64_t pte, char *why, size_t whylen)
{
	uint64_t perm = pte & (PTE_R | PTE_W | PTE_X);

	if (slot >= SHADOW_SLOTS) {
		snprintf(why, whylen, "leaf in slot %u", slot);
		return WORLD_LEAF_SLOT;
	}
	if (!world_host_is_l1_mem(w, host, size, perm)) {
		snprintf(why, whylen,
			 "leaf slot %u gpa %#llx -> host %#llx size %#llx "
			 "perm %#llx outside L1 RAM and devices",
			 slot, (unsigned long long)gpa,
			 (unsigned long long)host, (unsigned long long)size,
			 (unsigned long long)perm);
		return WORLD_LEAF_OUTSIDE_L1;
	}
	/* a well-formed G-stage leaf: U (G-stage accesses are user
	 * accesses), A, D; no W without R; nothing reserved (PBMT, N, bits
	 * 54-60); host and gpa aligned to the page size */
	if (!(pte & PTE_U) || !(pte & PTE_A) || !(pte & PTE_D) ||
	    ((pte & PTE_W) && !(pte & PTE_R)) ||
	    (pte & (PTE_PBMT | PTE_N | (0x7fULL << 54))) ||
	    (host & (size - 1)) || (gpa & (size - 1))) {
		snprintf(why, whylen,
			 "malformed leaf %#llx gpa %#llx size %#llx",
			 (unsigned long long)pte, (unsigned long long)gpa,
			 (unsigned long long)size);
		return WORLD_LEAF_MALFORMED;
	}
	if (!consistent || slot != w->s.cur)
		return WORLD_LEAF_OK;
	/* agrees with a fresh composition at both ends of the page */
	uint64_t ends[2] = {gpa, gpa + size - 1};
	for (unsigned i = 0; i < 2; i++) {
		enum pt_access need =
			(perm & PTE_R) ? PT_ACCESS_READ : PT_ACCESS_EXEC;
		struct shadow_result r = shadow_translate(
			&w->s, ends[i], SHADOW_ACCESS_LOAD, need);

		if (r.status != SHADOW_FILLED ||
		    r.host_pa != host + (ends[i] - gpa) || (perm & ~r.perm)) {
			snprintf(why, whylen,
				 "stale leaf gpa %#llx host %#llx perm %#llx: "
				 "composition says status %d host %#llx perm "
				 "%#llx",
				 (unsigned long long)ends[i],
				 (unsigned long long)(host + (ends[i] - gpa)),
				 (unsigned long long)perm, r.status,
				 (unsigned long long)r.host_pa,
				 (unsigned long long)r.perm);
			return WORLD_LEAF_STALE;
		}
	}
	return WORLD_LEAF_OK;
}
