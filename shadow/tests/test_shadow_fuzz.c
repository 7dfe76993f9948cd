/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Randomised shadow test (fixed seed): L1 tables full of random PTEs
 * (pointers to real tables, to MMIO, to anywhere; leaves onto every kind of
 * L1 memory and onto nothing; reserved bits; garbage), random hgatp values,
 * fills, invalidations and MXR changes. After every round each installed
 * shadow leaf is checked against the invariant: it maps only host memory
 * that L0 gave L1, with no more permission than L0 grants, in a well-formed
 * PTE; and, while L1 has fenced its last table change, it agrees with a
 * fresh composition.
 */
#include "unit.h"
#include "world.h"

#include <rvnest/encoding.h>

#include <string.h>

#define SEED 0x5eed2026c0ffee11ULL
#define ROUNDS 10000
#define FILLS_PER_ROUND 40
#define L1_TABLES 6
#define POOL_SIZE (88 * KIB)
#define RWX (PTE_R | PTE_W | PTE_X)

static uint64_t rng = SEED;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(uint64_t n)
{
	return rnd() % n;
}

static struct world w;
static uint64_t tables[L1_TABLES + 1]; /* [0] = the 16 KiB root */

/* A random L1 GPA: mostly in or near L1 RAM, sometimes MMIO, a device L0
 * passes through, or anywhere. */
static uint64_t random_l1_gpa(uint64_t align)
{
	uint64_t a;

	switch (below(9)) {
	case 0:
		a = MMIO_GPA + below(MIB);
		break;
	case 8: {
		const struct shadow_l0_device *d =
			&w.cfg.devices[below(w.cfg.ndevices)];
		a = d->l1_gpa + below(d->size + d->size / 4);
		break;
	}
	case 1:
		a = rnd() & ((1ULL << 56) - 1);
		break;
	default: {
		const struct world_region *r = &w.reg[below(w.nreg)];
		a = r->gpa + below(r->size + r->size / 4);
		break;
	}
	}
	/* usually aligned to the leaf's size, sometimes not (misaligned) */
	if (below(4))
		a &= ~(align - 1);
	return a & ~(PAGE_SIZE - 1);
}

static uint64_t random_flags(void)
{
	uint64_t f = rnd() & (RWX | PTE_U | PTE_A | PTE_D | PTE_G);

	/* bias towards leaves that pass L1's checks */
	if (below(6))
		f |= PTE_U | PTE_A | PTE_D;
	if (!(f & RWX))
		f |= PTE_R;
	return f;
}

/* Table t is meant for level 2 (the root), 1 (tables 1-3) or 0 (4-6): its
 * leaves are usually aligned for that level and its pointers usually lead
 * one level down. */
static unsigned table_level(unsigned t)
{
	return t == 0 ? 2 : t <= L1_TABLES / 2 ? 1 : 0;
}

static uint64_t random_pte(unsigned t)
{
	unsigned level = table_level(t);
	uint64_t size = PAGE_SIZE << (9 * level);
	unsigned next = level == 2 ? 1 + below(L1_TABLES / 2)
				   : 1 + L1_TABLES / 2 + below(L1_TABLES / 2);

	switch (below(12)) {
	case 0:
		return 0;
	case 1:
		return rnd(); /* garbage */
	case 2:
		return pte_ptr(tables[below(L1_TABLES + 1)]);
	case 3:
	case 4:
		return pte_ptr(tables[next]);
	case 5:
		return pte_ptr(random_l1_gpa(PAGE_SIZE));
	case 6:
		/* reserved bits, PBMT, N */
		return pte_leaf(random_l1_gpa(size), random_flags()) |
		       (rnd() & (PTE_PBMT | PTE_N | (0x7fULL << 54)));
	default:
		return pte_leaf(random_l1_gpa(size), random_flags());
	}
}

static void randomise_tables(unsigned entries)
{
	for (unsigned i = 0; i < entries; i++) {
		unsigned t = below(L1_TABLES + 1);
		uint64_t n = t ? 512 : 2048;
		world_l1_set(&w, tables[t] + below(n) * 8, random_pte(t));
	}
}

static uint64_t random_hgatp(void)
{
	static const uint64_t modes[] = {ATP_MODE_BARE, ATP_MODE_SV39,
					 ATP_MODE_SV48, ATP_MODE_SV39,
					 ATP_MODE_SV48, ATP_MODE_SV57};
	uint64_t mode = modes[below(6)];
	uint64_t vmid = 1 + below(6);

	return (mode << ATP_MODE_SHIFT) | (vmid << HGATP_VMID_SHIFT) |
	       (tables[0] >> PAGE_SHIFT);
}

/* Recently filled GPAs, to fault on them again (stale entries). */
static uint64_t recent[16];

/* A GPA that some PTE of the tables decides: index bits random, the rest
 * small (GPAs of L2 are near zero or in the x4 range). */
static uint64_t random_gpa(void)
{
	switch (below(8)) {
	case 6:
	case 7:
		return recent[below(16)] + below(64 * KIB);
	case 0:
		return rnd() & ((1ULL << 51) - 1);
	case 1:
		return rnd();
	default:
		return rnd() & ((1ULL << 41) - 1);
	}
}

/* A two-stage translation through random VS-stage tables (rooted at a
 * random L2 GPA, so every VS table access goes through L1's random
 * G-stage): whatever comes out must be a consistent outcome, and an OK
 * one must land in L1 RAM that L0 lets L1 access that way. Returns the
 * number of violations. */
static unsigned random_gva_translate(unsigned *seen)
{
	static const enum shadow_access acc[] = {
		SHADOW_ACCESS_FETCH, SHADOW_ACCESS_LOAD, SHADOW_ACCESS_STORE};
	static const enum pt_access need[] = {PT_ACCESS_EXEC, PT_ACCESS_READ,
					      PT_ACCESS_WRITE};
	static const uint64_t need_perm[] = {PTE_X, PTE_R, PTE_W};
	static const uint64_t vs_modes[] = {ATP_MODE_BARE, ATP_MODE_SV39,
					    ATP_MODE_SV48, ATP_MODE_SV39};
	unsigned k = below(3);
	struct shadow_vs vs = {
		.vsatp = (vs_modes[below(4)] << ATP_MODE_SHIFT) |
			 ((random_gpa() & ATP_PPN)),
		.user = below(2),
		.sum = below(2),
		.mxr = below(2),
		.adue = w.cfg.l1_adue && below(2),
	};
	uint64_t gva = below(2) ? rnd() : (rnd() & ((1ULL << 39) - 1));
	struct shadow_gva_result g =
		shadow_gva_translate(&w.s, &vs, gva, acc[k], need[k]);

	seen[g.status]++;
	switch (g.status) {
	case SHADOW_GVA_OK:
		/* devices are never HLV's memory (shadow.h) */
		return !world_host_is_l1_ram(&w, g.host_pa, 1, need_perm[k]);
	case SHADOW_GVA_GUEST_PAGE_FAULT:
		/* implicit: one of the two pseudoinstructions; explicit: 0 */
		if (g.implicit)
			return g.htval != g.gpa >> 2 ||
			       (g.htinst != HTINST_PSEUDO_READ64 &&
				g.htinst != HTINST_PSEUDO_WRITE64);
		return g.htval != g.gpa >> 2 || g.htinst != 0;
	case SHADOW_GVA_BAD_REQUEST:
		return 1; /* every vsatp mode used is a VS-stage mode */
	default:
		return 0;
	}
}

struct check {
	bool consistent; /* L1 fenced after its last change */
	unsigned bad;
	unsigned checked;
};

static void check_leaf(void *arg, unsigned slot, uint64_t gpa, uint64_t host,
		       uint64_t size, uint64_t pte)
{
	struct check *c = arg;
	char why[256];

	c->checked++;
	/* INVARIANT: only memory and devices L0 gave L1, within L0's
	 * permissions; and the leaf's own rules */
	if (world_check_leaf(&w, c->consistent, slot, gpa, host, size, pte, why,
			     sizeof(why)) != WORLD_LEAF_OK) {
		c->bad++;
		printf("  %s\n", why);
	}
}

static void fuzz(bool adue)
{
	unsigned status_seen[SHADOW_POOL_TOO_SMALL + 1] = {0};
	unsigned gva_seen[SHADOW_GVA_BAD_REQUEST + 1] = {0};
	unsigned calls = 0, bad = 0, checked = 0;
	bool consistent = true;

	world_fini(&w);
	CHECK(world_init(&w, POOL_SIZE, PT_SV48X4, SHADOW_HGATP_WARL_QEMU));
	rng = SEED;
	if (adue) {
		w.cfg.l1_adue = true;
		CHECK(shadow_init(&w.s, &w.cfg));
		/* some A/D updates lose a race with "another hart" */
		w.cas_fail = 0;
	}
	for (unsigned t = 0; t <= L1_TABLES; t++)
		tables[t] = world_l1_table(&w, t ? 4 * KIB : 16 * KIB);

	for (unsigned round = 0; round < ROUNDS; round++) {
		/* L1 rewrites part of its tables; most of the time it then
		 * fences as the spec requires, sometimes not (the shadow
		 * may then be stale, but never unsafe) */
		randomise_tables(round ? 300 : 6000);
		switch (below(10)) {
		case 0:
			consistent = false;
			break;
		case 1:
			shadow_invalidate_vmid(&w.s, (w.s.hgatp & HGATP_VMID) >>
							     HGATP_VMID_SHIFT);
			/* other VMIDs' slots may be stale now */
			consistent = false;
			break;
		default:
			shadow_invalidate_all(&w.s);
			consistent = true;
			break;
		}
		if (!below(8))
			shadow_write_hgatp(&w.s, random_hgatp());
		if (!below(20)) {
			shadow_set_l1_mxr(&w.s, below(2));
			/* setting MXR may widen what a fresh walk allows;
			 * the subset check below still holds */
		}

		for (unsigned i = 0; i < FILLS_PER_ROUND; i++) {
			static const enum shadow_access acc[] = {
				SHADOW_ACCESS_FETCH, SHADOW_ACCESS_LOAD,
				SHADOW_ACCESS_STORE};
			static const enum pt_access need[] = {PT_ACCESS_EXEC,
							      PT_ACCESS_READ,
							      PT_ACCESS_WRITE};
			unsigned k = below(3);
			uint64_t gpa = random_gpa();
			struct shadow_result r =
				shadow_fill(&w.s, gpa, acc[k], need[k]);

			if (adue && !below(64))
				w.cas_fail = 1;
			calls++;
			status_seen[r.status]++;
			if (r.status == SHADOW_FILLED)
				recent[below(16)] = gpa;
			if (r.status == SHADOW_FILLED &&
			    !world_host_is_l1_mem(&w, r.host_pa, 1, r.perm))
				bad++;
			/* a device result is exactly a device, and the
			 * device is never reported as not mapped */
			if (r.status == SHADOW_FILLED &&
			    r.device != !world_host_is_l1_ram(&w, r.host_pa, 1,
							      r.perm))
				bad++;
			if (r.status == SHADOW_FORWARD_GUEST_PAGE_FAULT &&
			    r.htval != gpa >> 2)
				bad++;
			if (!below(16))
				shadow_invalidate_gpa(&w.s, random_gpa());
			/* an SBI remote HFENCE.GVMA[_VMID] range: any
			 * start, a size up to 4 GiB or one that wraps */
			if (!below(32))
				shadow_invalidate_range(
					&w.s, random_gpa(),
					below(8) ? below(4 * GIB) : ~0ULL,
					below(2), below(4));
			bad += random_gva_translate(gva_seen);
		}

		struct check c = {consistent, 0, 0};
		shadow_for_each_leaf(&w.s, check_leaf, &c);
		bad += c.bad;
		checked += c.checked;
		if (bad) {
			printf("  round %u: %u violations\n", round, bad);
			break;
		}
	}
	CHECK_EQ(bad, 0);
	/* the run exercised every outcome and page size, and the pool */
	CHECK(status_seen[SHADOW_FILLED] > 0);
	CHECK(status_seen[SHADOW_FORWARD_GUEST_PAGE_FAULT] > 0);
	CHECK(status_seen[SHADOW_L1_TABLE_ACCESS_FAULT] > 0);
	CHECK(status_seen[SHADOW_NOT_RAM] > 0);
	CHECK(status_seen[SHADOW_L0_DENIED] > 0);
	CHECK_EQ(status_seen[SHADOW_POOL_TOO_SMALL], 0);
	CHECK(adue ? w.s.stats.ad_updates > 0 : w.s.stats.ad_updates == 0);
	CHECK(adue ? status_seen[SHADOW_RETRY] > 0
		   : status_seen[SHADOW_RETRY] == 0);
	CHECK(gva_seen[SHADOW_GVA_OK] > 0);
	CHECK(gva_seen[SHADOW_GVA_PAGE_FAULT] > 0);
	CHECK(gva_seen[SHADOW_GVA_GUEST_PAGE_FAULT] > 0);
	CHECK(gva_seen[SHADOW_GVA_ACCESS_FAULT] > 0);
	CHECK(w.s.stats.fills[0] > 0);
	CHECK(w.s.stats.device_fills > 0);
	CHECK(w.s.stats.fills[1] > 0);
	CHECK(w.s.stats.fills[2] > 0);
	CHECK(w.s.stats.pool_exhausted > 0);
	CHECK(w.s.stats.refills > 0);
	CHECK(checked > 0);
	printf("  fuzz (%s): %u fills: %u mapped (4K %llu, 2M %llu, 1G %llu), "
	       "%llu onto devices, %u forwarded, %u table access faults, %u "
	       "not RAM, %u L0 denied; %u leaves checked; pool exhausted %llu "
	       "times; gva: %u ok, %u page faults, %u guest-page faults\n",
	       adue ? "Svadu" : "Svade", calls, status_seen[SHADOW_FILLED],
	       (unsigned long long)w.s.stats.fills[0],
	       (unsigned long long)w.s.stats.fills[1],
	       (unsigned long long)w.s.stats.fills[2],
	       (unsigned long long)w.s.stats.device_fills,
	       status_seen[SHADOW_FORWARD_GUEST_PAGE_FAULT],
	       status_seen[SHADOW_L1_TABLE_ACCESS_FAULT],
	       status_seen[SHADOW_NOT_RAM], status_seen[SHADOW_L0_DENIED],
	       checked, (unsigned long long)w.s.stats.pool_exhausted,
	       gva_seen[SHADOW_GVA_OK], gva_seen[SHADOW_GVA_PAGE_FAULT],
	       gva_seen[SHADOW_GVA_GUEST_PAGE_FAULT]);
	world_fini(&w);
}

/* L1's G-stage with Svade: A/D faults are forwarded. */
TEST(shadow_fuzz_invariant_svade)
{
	fuzz(false);
}

/* L1's G-stage with Svadu: the walk sets A/D in L1's tables, sometimes
 * losing a race. */
TEST(shadow_fuzz_invariant_svadu)
{
	fuzz(true);
}
