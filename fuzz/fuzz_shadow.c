/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: the shadow G-stage (shadow/shadow.c), fill and invalidation.
 *
 * The world is shadow/tests/world.c's: L0 gives L1 five RAM regions (one
 * read-only, one execute-only, one above an Sv48x4 shadow's reach), three
 * passed-through device regions and an MMIO hole; L1's G-stage tables live in a
 * buffer. The input is a configuration (shadow mode, pool size, hgatp WARL
 * flavour, Svadu) and then a program of L1 and L2 events: PTE writes (raw, or
 * built: pointers to L1's tables, leaves onto each region, MMIO, nothing,
 * reserved bits), L2 guest-page faults (shadow_fill), translations, HFENCE.GVMA
 * in all four forms, hgatp writes, MXR changes, two-stage GVA translations and
 * lost A/D races.
 *
 * After every event the whole shadow is checked (DESIGN.md section 4): each
 * installed leaf maps only host memory L0 gave L1, with no more permission
 * than L0 grants, as a well-formed aligned G-stage leaf; and while L1 has
 * fenced since its last table change, each leaf of the current slot agrees
 * with a fresh composition of L1's tables and L0's map. The pool's
 * accounting stays within the pool, whose buffer is exactly pool_size bytes
 * (AddressSanitizer sees any table access past it).
 */
#include "fuzz.h"
#include "world.h"

#include <rvnest/encoding.h>

#include <string.h>

#define L1_TABLES 6
#define RWX (PTE_R | PTE_W | PTE_X)
#define MAX_OPS 96

static struct world w;
static uint64_t tables[L1_TABLES + 1]; /* [0] = the 16 KiB root */
static uint64_t recent[8];
static bool consistent;
static bool trace; /* FUZZ_TRACE set: print the fills */

static uint64_t region_gpa(struct fuzz_in *in)
{
	uint8_t k = fuzz_u8(in);
	uint32_t off = fuzz_u32(in);

	if (k % 8 == 7 && (k & 0x80)) {
		/* a device L0 passes through to L1 (cfg.devices) */
		const struct shadow_l0_device *d =
			&w.cfg.devices[(k >> 3) % w.cfg.ndevices];
		return (d->l1_gpa +
			((uint64_t)off << 4) % (d->size + PAGE_SIZE)) &
		       ~(PAGE_SIZE - 1);
	}
	if (k % 8 == 7)
		return MMIO_GPA + ((uint64_t)off << 4);
	const struct world_region *r = &w.reg[(k & 7) % w.nreg];
	/* in the region (sometimes just past it), aligned to 4K .. 1G */
	uint64_t a = r->gpa + ((uint64_t)off << 12) % (r->size + r->size / 4);
	static const uint64_t align[] = {PAGE_SIZE, 2 * MIB, GIB, PAGE_SIZE};
	return a & ~(align[(k >> 3) & 3] - 1);
}

static uint64_t make_pte(struct fuzz_in *in)
{
	uint8_t k = fuzz_u8(in);

	switch (k % 8) {
	case 0:
		return fuzz_u64(in);
	case 1:
		return 0;
	case 2:
	case 3:
		return pte_ptr(tables[fuzz_u8(in) % (L1_TABLES + 1)]);
	case 4:
		return pte_ptr(region_gpa(in));
	case 5: /* a leaf with reserved bits, PBMT or N */
		return pte_leaf(region_gpa(in), fuzz_u8(in) & 0xfe) |
		       (fuzz_u64(in) & (PTE_PBMT | PTE_N | (0x7fULL << 54)));
	default: {
		uint64_t a = region_gpa(in);
		uint8_t f = fuzz_u8(in);
		/* usually a leaf L1's checks pass: U, A, D */
		uint64_t fl = (f & (RWX | PTE_G)) |
			      ((k & 0x80) ? (f & (PTE_U | PTE_A | PTE_D))
					  : (PTE_U | PTE_A | PTE_D));
		if (!(fl & RWX))
			fl |= PTE_R;
		return pte_leaf(a, fl);
	}
	}
}

static uint64_t make_gpa(struct fuzz_in *in)
{
	uint8_t k = fuzz_u8(in);

	switch (k % 4) {
	case 0:
		return fuzz_u64(in);
	case 1:
		return recent[(k >> 2) % 8] + (fuzz_u16(in) & 0xffff);
	default:
		return fuzz_u64(in) & ((1ULL << 41) - 1);
	}
}

static uint64_t make_hgatp(struct fuzz_in *in)
{
	static const uint64_t hmodes[] = {ATP_MODE_BARE, ATP_MODE_SV39,
					  ATP_MODE_SV48, ATP_MODE_SV57};
	uint8_t k = fuzz_u8(in);

	if (k % 8 == 7)
		return fuzz_u64(in); /* anything: WARL */
	return (hmodes[k % 4] << ATP_MODE_SHIFT) |
	       ((uint64_t)(fuzz_u8(in) % 8) << HGATP_VMID_SHIFT) |
	       (tables[(k >> 3) % 2 ? fuzz_u8(in) % (L1_TABLES + 1) : 0] >>
		PAGE_SHIFT);
}

static const enum shadow_access accs[] = {
	SHADOW_ACCESS_FETCH, SHADOW_ACCESS_LOAD, SHADOW_ACCESS_STORE};
static const enum pt_access needs[] = {PT_ACCESS_EXEC, PT_ACCESS_READ,
				       PT_ACCESS_WRITE};
static const uint64_t need_perm[] = {PTE_X, PTE_R, PTE_W};

static void check_leaf(void *arg, unsigned slot, uint64_t gpa, uint64_t host,
		       uint64_t size, uint64_t pte)
{
	char why[256];

	(void)arg;
	/* INVARIANT (DESIGN.md section 4) and the leaf's own rules */
	FUZZ_CHECK(world_check_leaf(&w, consistent, slot, gpa, host, size, pte,
				    why, sizeof(why)) == WORLD_LEAF_OK,
		   "%s", why);
}

static void check_result(const struct shadow_result *r, uint64_t gpa,
			 unsigned k, bool installed)
{
	FUZZ_CHECK(r->gpa == gpa, "result gpa");
	switch (r->status) {
	case SHADOW_FILLED:
		FUZZ_CHECK(
			world_host_is_l1_mem(&w, r->host_pa, 1, need_perm[k]) &&
				(r->perm & need_perm[k]) &&
				r->device != world_host_is_l1_ram(
						     &w, r->host_pa, 1, 0),
			"filled gpa %#llx -> host %#llx perm %#llx",
			(unsigned long long)gpa, (unsigned long long)r->host_pa,
			(unsigned long long)r->perm);
		FUZZ_CHECK(!installed ||
				   world_host_is_l1_mem(
					   &w, r->host_pa & ~(r->page_size - 1),
					   r->page_size, r->perm & RWX),
			   "installed page host %#llx size %#llx",
			   (unsigned long long)r->host_pa,
			   (unsigned long long)r->page_size);
		break;
	case SHADOW_FORWARD_GUEST_PAGE_FAULT:
		FUZZ_CHECK(r->htval == gpa >> 2, "htval %#llx gpa %#llx",
			   (unsigned long long)r->htval,
			   (unsigned long long)gpa);
		break;
	case SHADOW_POOL_TOO_SMALL:
		FUZZ_CHECK(false, "pool of %llu bytes too small",
			   (unsigned long long)w.cfg.pool_size);
		break;
	default:
		break;
	}
}

static void gva_op(struct fuzz_in *in)
{
	static const uint64_t vs_modes[] = {ATP_MODE_BARE, ATP_MODE_SV39,
					    ATP_MODE_SV48, ATP_MODE_SV57};
	uint8_t k = fuzz_u8(in);
	unsigned a = (k >> 2) % 3;
	uint64_t root = make_gpa(in);
	uint8_t ad = fuzz_u8(in);
	struct shadow_vs vs = {
		.vsatp = (vs_modes[k % 4] << ATP_MODE_SHIFT) |
			 ((root >> PAGE_SHIFT) & ATP_PPN),
		.user = k & 0x20,
		.sum = k & 0x40,
		.mxr = k & 0x80,
		.adue = w.cfg.l1_adue && (ad & 1),
	};
	uint64_t gva = fuzz_u64(in);
	struct shadow_gva_result g =
		shadow_gva_translate(&w.s, &vs, gva, accs[a], needs[a]);

	switch (g.status) {
	case SHADOW_GVA_OK:
		FUZZ_CHECK(world_host_is_l1_ram(&w, g.host_pa, 1, need_perm[a]),
			   "gva %#llx -> host %#llx outside L1 RAM",
			   (unsigned long long)gva,
			   (unsigned long long)g.host_pa);
		break;
	case SHADOW_GVA_GUEST_PAGE_FAULT:
		FUZZ_CHECK(g.htval == g.gpa >> 2, "gva htval");
		FUZZ_CHECK(g.implicit ? (g.htinst == HTINST_PSEUDO_READ64 ||
					 g.htinst == HTINST_PSEUDO_WRITE64)
				      : g.htinst == 0,
			   "htinst %#llx implicit %d",
			   (unsigned long long)g.htinst, g.implicit);
		break;
	case SHADOW_GVA_BAD_REQUEST:
		FUZZ_CHECK(false, "a VS-stage mode refused");
		break;
	default:
		break;
	}
}

static void run(struct fuzz_in *in)
{
	for (int op = 0; op < MAX_OPS && in->n; op++) {
		uint8_t k = fuzz_u8(in);
		unsigned a = (k >> 4) % 3;
		enum shadow_hw_fence fence;
		struct shadow_result r;
		uint64_t gpa;

		/* low 4 bits: the event; bits 4-5: the access; 5-7: a slot
		 * of `recent` */
		switch (k & 15) {
		case 0:
		case 1:
		case 12: { /* L1 writes a PTE (without fencing) */
			unsigned t = fuzz_u8(in) % (L1_TABLES + 1);
			uint64_t idx = fuzz_u16(in) % (t ? 512 : 2048);
			world_l1_set(&w, tables[t] + idx * 8, make_pte(in));
			consistent = false;
			break;
		}
		case 2:
		case 3:
		case 13:
		case 14: /* L2 guest-page fault */
			gpa = make_gpa(in);
			r = shadow_fill(&w.s, gpa, accs[a], needs[a]);
			if (trace)
				fprintf(stderr,
					"shadow: fill gpa %#llx access %u -> "
					"status %d host %#llx size %#llx\n",
					(unsigned long long)gpa, a, r.status,
					(unsigned long long)r.host_pa,
					(unsigned long long)r.page_size);
			check_result(&r, gpa, a, true);
			if (r.status == SHADOW_FILLED)
				recent[k >> 5] = gpa;
			break;
		case 4:
			gpa = make_gpa(in);
			r = shadow_translate(&w.s, gpa, accs[a], needs[a]);
			check_result(&r, gpa, a, false);
			break;
		case 5: /* HFENCE.GVMA, all */
			shadow_invalidate_all(&w.s);
			consistent = true;
			break;
		case 6: /* HFENCE.GVMA by VMID, by GPA, by both */
			switch (a) {
			case 0:
				shadow_invalidate_vmid(&w.s, fuzz_u8(in) % 8);
				break;
			case 1:
				shadow_invalidate_gpa(&w.s, make_gpa(in));
				break;
			default:
				gpa = make_gpa(in);
				shadow_invalidate_gpa_vmid(&w.s, gpa,
							   fuzz_u8(in) % 8);
				break;
			}
			/* the tables may differ from some slot's entries */
			consistent = false;
			break;
		case 7: {
			uint64_t v = shadow_write_hgatp(&w.s, make_hgatp(in));
			FUZZ_CHECK(v == w.s.hgatp,
				   "hgatp reads %#llx, kept "
				   "%#llx",
				   (unsigned long long)v,
				   (unsigned long long)w.s.hgatp);
			FUZZ_CHECK(shadow_hgatp_legalize(&w.s, v, v) == v,
				   "legal hgatp %#llx not a fixed point",
				   (unsigned long long)v);
			break;
		}
		case 8:
			shadow_set_l1_mxr(&w.s, k & 0x80);
			break;
		case 9:
			gva_op(in);
			break;
		case 10:
			w.cas_fail = fuzz_u8(in) % 3;
			break;
		case 15:
			shadow_invalidate_all(&w.s);
			consistent = true;
			break;
		default: {
			uint64_t h = shadow_hgatp(&w.s, &fence);
			uint64_t vmid = (h & HGATP_VMID) >> HGATP_VMID_SHIFT;
			FUZZ_CHECK(vmid >= w.cfg.hw_vmid_base &&
					   vmid < w.cfg.hw_vmid_base +
							   SHADOW_SLOTS,
				   "shadow VMID %llu",
				   (unsigned long long)vmid);
			break;
		}
		}
		shadow_for_each_leaf(&w.s, check_leaf, NULL);
		FUZZ_CHECK(w.s.stats.pool_used <= w.cfg.pool_size &&
				   w.s.stats.pool_high_water <= w.cfg.pool_size,
			   "pool use %llu of %llu",
			   (unsigned long long)w.s.stats.pool_used,
			   (unsigned long long)w.cfg.pool_size);
	}
	char line[512];
	shadow_stats_format(&w.s.stats, line, sizeof(line));
	FUZZ_CHECK(memchr(line, 0, sizeof(line)) != NULL, "stats line");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum pt_mode smodes[] = {PT_SV39X4, PT_SV48X4, PT_SV57X4,
					      PT_SV48X4};
	static bool world_made;
	struct fuzz_in in = {data, size};
	uint8_t c = fuzz_u8(&in);
	enum pt_mode mode = smodes[c % 4];
	uint64_t pool = shadow_pool_min_size(mode) +
			(uint64_t)((c >> 2) % 8) * 16 * KIB;
	void *buf;

	/* The world (regions, 2 MiB of L1 table memory) is made once; each
	 * input gets fresh L1 tables and a fresh pool of exactly its size. */
	if (!world_made) {
		FUZZ_CHECK(world_init(&w, shadow_pool_min_size(PT_SV57X4),
				      PT_SV57X4, SHADOW_HGATP_WARL_QEMU),
			   "world_init");
		world_made = true;
		trace = getenv("FUZZ_TRACE") != NULL;
		free(w.pool); /* each input takes one of pools[] below */
	}
	memset(w.tbuf, 0, w.tnext);
	w.tnext = 0;
	w.cas_fail = 0;
	/* A pool of exactly its size (ASan sees any access past it), one
	 * per mode and size, kept for the next input of that kind: a fresh
	 * allocation for every input cost page faults and ASan's quarantine
	 * churn. shadow_init zeroes the roots, every table is zeroed when
	 * the shadow takes it, as with a fresh buffer. */
	static void *pools[4][8];
	buf = pools[c % 4][(c >> 2) % 8];
	if (!buf) {
		FUZZ_CHECK(posix_memalign(&buf, 16 * KIB, pool) == 0, "pool");
		pools[c % 4][(c >> 2) % 8] = buf;
	}
	w.pool = buf;
	w.pool_size = pool;
	w.cfg.pool_size = pool;
	w.cfg.pool_va = buf;
	w.cfg.mode = mode;
	w.cfg.warl =
		(c & 0x20) ? SHADOW_HGATP_WARL_SPEC : SHADOW_HGATP_WARL_QEMU;
	w.cfg.l1_adue = c & 0x40;
	FUZZ_CHECK(shadow_init(&w.s, &w.cfg),
		   "shadow_init refused mode %d pool %llu", mode,
		   (unsigned long long)pool);
	for (unsigned t = 0; t <= L1_TABLES; t++)
		tables[t] = world_l1_table(&w, t ? 4 * KIB : 16 * KIB);
	memset(recent, 0, sizeof(recent));
	consistent = true;
	run(&in);
	return 0;
}
