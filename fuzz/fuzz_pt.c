/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: the page-table walker (common/pt.c).
 *
 * Input byte 0 picks the test:
 *   even: walk. The rest of a small header gives mode, access, walk
 *     options, the root and the address; everything after it is the table
 *     memory (a buffer as long as the input, at host PA MEM_BASE). pt_walk
 *     is compared with a reference walk written here from the privileged
 *     spec's "Virtual Address Translation Process" (status, address, leaf,
 *     level), and every memory access it makes is checked: only through
 *     pt_mem, at most one read per level, each at the PTE the spec's
 *     algorithm reads, an A/D update only on the leaf and only adding A/D.
 *   odd: map. A sequence of pt_map/pt_unmap calls on tables that start
 *     empty, with a bounded table allocator; after each call the pages it
 *     covered (up to 32, always both ends) are walked: a map that returned
 *     0 translates every page to its PA with exactly the flags asked, an
 *     unmapped page no longer translates.
 */
#include "fuzz.h"

#include <rvnest/encoding.h>
#include <rvnest/pt.h>

#include <stdbool.h>
#include <string.h>

#define MEM_BASE 0x80000000ULL
#define MAP_MEM_SIZE (64 * 1024)
#define HDR_BYTES 16

struct mem {
	uint8_t *buf;
	uint64_t size;
	bool read_only; /* write_pte refuses (an A/D update then faults) */
	uint64_t next;	/* map test: bump allocator */
	uint64_t dirty; /* map test: bytes from the start ever written */
	/* access trace of the current walk */
	uint64_t reads[8];
	unsigned nreads;
	uint64_t write_pa, write_old, write_new;
	unsigned nwrites;
};

static bool inside(const struct mem *m, uint64_t pa)
{
	return pa >= MEM_BASE && pa - MEM_BASE < m->size &&
	       m->size - (pa - MEM_BASE) >= 8;
}

static bool m_read(void *ctx, uint64_t pa, uint64_t *pte)
{
	struct mem *m = ctx;

	if (m->nreads < 8)
		m->reads[m->nreads] = pa;
	m->nreads++;
	if (!inside(m, pa))
		return false;
	memcpy(pte, m->buf + (pa - MEM_BASE), 8);
	return true;
}

static bool m_write(void *ctx, uint64_t pa, uint64_t pte)
{
	struct mem *m = ctx;

	m->nwrites++;
	m->write_pa = pa;
	m->write_new = pte;
	if (!inside(m, pa) || m->read_only)
		return false;
	memcpy(&m->write_old, m->buf + (pa - MEM_BASE), 8);
	memcpy(m->buf + (pa - MEM_BASE), &pte, 8);
	if (pa - MEM_BASE + 8 > m->dirty)
		m->dirty = pa - MEM_BASE + 8;
	return true;
}

static uint64_t m_alloc(void *ctx, uint64_t size)
{
	struct mem *m = ctx;
	uint64_t off = (m->next + size - 1) & ~(size - 1);

	if (off + size > m->size)
		return 0;
	memset(m->buf + off, 0, size);
	m->next = off + size;
	if (m->next > m->dirty)
		m->dirty = m->next;
	return MEM_BASE + off;
}

/* ---- reference walk, from the spec ------------------------------------ */
struct ref {
	enum pt_walk_status status;
	uint64_t pa, pte, pte_pa;
	unsigned level;
	bool ad_write; /* the walk must set A/D in the leaf */
	bool ad_fault; /* ... and the memory refuses the write */
	uint64_t new_pte;
};

static const unsigned ref_levels[] = {
	[PT_SV39] = 3,	 [PT_SV48] = 4,	  [PT_SV57] = 5,
	[PT_SV39X4] = 3, [PT_SV48X4] = 4, [PT_SV57X4] = 5,
};

static bool is_x4(enum pt_mode mode)
{
	return mode >= PT_SV39X4;
}

static bool ref_permits(uint64_t pte, enum pt_access acc,
			const struct pt_walk_opts *o)
{
	bool u = pte & PTE_U;

	if (o->gstage ? !u
	    : o->user ? !u
		      : u && (!o->sum || acc == PT_ACCESS_EXEC))
		return false;
	switch (acc) {
	case PT_ACCESS_READ:
		return (pte & PTE_R) || (o->mxr && (pte & PTE_X));
	case PT_ACCESS_WRITE:
		return pte & PTE_W;
	default: /* EXEC, and HLVX's READ_EXEC */
		return pte & PTE_X;
	}
}

static struct ref ref_walk(enum pt_mode mode, struct mem *m, uint64_t root,
			   uint64_t va, enum pt_access acc,
			   const struct pt_walk_opts *o, bool check_perm)
{
	struct ref r = {.status = PT_WALK_INVALID};
	unsigned levels = ref_levels[mode];
	unsigned bits = 12 + 9 * levels + (is_x4(mode) ? 2 : 0);
	uint64_t a = root;

	if (is_x4(mode) ? (va >> bits) != 0
			: (uint64_t)((int64_t)(va << (64 - bits)) >>
				     (64 - bits)) != va) {
		r.status = PT_WALK_ADDR_RANGE;
		return r;
	}
	for (int i = (int)levels - 1; i >= 0; i--) {
		uint64_t idx_mask =
			(is_x4(mode) && i == (int)levels - 1) ? 0x7ff : 0x1ff;
		uint64_t idx = (va >> (12 + 9 * i)) & idx_mask;
		uint64_t pte, pbmt;

		r.pte_pa = a + idx * 8;
		r.level = (unsigned)i;
		if (!inside(m, r.pte_pa)) {
			r.status = PT_WALK_ACCESS_FAULT;
			return r;
		}
		memcpy(&pte, m->buf + (r.pte_pa - MEM_BASE), 8);
		r.pte = pte;
		pbmt = (pte >> 61) & 3;
		if (!(pte & PTE_V) || ((pte & PTE_W) && !(pte & PTE_R)))
			return r;
		bool leaf = pte & (PTE_R | PTE_W | PTE_X);
		if ((pte >> 54) & 0x7f || (pte >> 63))
			return r;
		if (pbmt && (!o->svpbmt || !leaf || pbmt == 3))
			return r;
		if (!leaf) {
			if (pte & (PTE_A | PTE_D | PTE_U))
				return r;
			a = ((pte >> 10) & 0xfffffffffffULL) << 12;
			if (i == 0)
				return r; /* pointer at the last level */
			continue;
		}
		uint64_t ps = 1ULL << (12 + 9 * i);
		uint64_t base = ((pte >> 10) & 0xfffffffffffULL) << 12;
		if (base & (ps - 1))
			return r;
		if (check_perm && !ref_permits(pte, acc, o)) {
			r.status = PT_WALK_DENIED;
			return r;
		}
		bool store = acc == PT_ACCESS_WRITE;
		if (check_perm &&
		    (!(pte & PTE_A) || (store && !(pte & PTE_D)))) {
			if (!o->update_ad) {
				r.status = PT_WALK_DENIED;
				return r;
			}
			r.ad_write = true;
			r.new_pte = pte | PTE_A | (store ? PTE_D : 0);
			if (m->read_only) {
				r.ad_fault = true;
				r.status = PT_WALK_ACCESS_FAULT;
				return r;
			}
		}
		r.pa = base | (va & (ps - 1));
		r.status = PT_WALK_OK;
		return r;
	}
	return r;
}

static const enum pt_mode modes[] = {PT_SV39,	PT_SV48,   PT_SV57,
				     PT_SV39X4, PT_SV48X4, PT_SV57X4};

/* The geometry pt.h reports, against the spec's: levels, address width,
 * root size, and hgatp/satp MODE to mode. */
static void check_geometry(enum pt_mode mode, uint64_t atp_mode)
{
	unsigned levels = ref_levels[mode];
	enum pt_mode got;
	bool x4 = is_x4(mode);
	bool ok = pt_mode_from_atp(atp_mode, x4, &got);
	bool known = atp_mode == ATP_MODE_BARE || atp_mode == ATP_MODE_SV39 ||
		     atp_mode == ATP_MODE_SV48 || atp_mode == ATP_MODE_SV57;

	FUZZ_CHECK(pt_levels(mode) == levels &&
			   pt_va_bits(mode) == 12 + 9 * levels + (x4 ? 2 : 0) &&
			   pt_root_size(mode) == (x4 ? 16384u : 4096u),
		   "geometry of mode %d", mode);
	FUZZ_CHECK(pt_levels(PT_BARE) == 0 && pt_root_size(PT_BARE) == 0,
		   "Bare geometry");
	FUZZ_CHECK(ok == known, "atp mode %llu", (unsigned long long)atp_mode);
	if (ok && atp_mode != ATP_MODE_BARE)
		FUZZ_CHECK(
			got == modes[(atp_mode - ATP_MODE_SV39) + (x4 ? 3 : 0)],
			"atp mode %llu -> %d", (unsigned long long)atp_mode,
			got);
	if (ok && atp_mode == ATP_MODE_BARE)
		FUZZ_CHECK(got == PT_BARE, "Bare -> %d", got);
}

static void walk_test(struct fuzz_in *in)
{
	uint8_t sel = fuzz_u8(in), flags = fuzz_u8(in);
	uint16_t root_page = fuzz_u16(in);
	uint64_t va = fuzz_u64(in);
	enum pt_mode mode = modes[(sel & 7) % 6];
	enum pt_access acc = (enum pt_access)((sel >> 3) & 3);

	check_geometry(mode, root_page >> 12);
	if ((sel & 7) == 7) { /* Bare: no translation, no memory access */
		struct mem none = {0};
		struct pt_mem pm = {&none, m_read, m_write, m_alloc};
		struct pt_walk_result r =
			pt_walk(PT_BARE, &pm, 0, va, acc, NULL);
		FUZZ_CHECK(r.status == PT_WALK_OK && r.pa == va &&
				   none.nreads == 0 && none.nwrites == 0,
			   "Bare walk of %#llx", (unsigned long long)va);
		return;
	}
	struct pt_walk_opts o = {
		.user = flags & 1,
		.sum = flags & 2,
		.mxr = flags & 4,
		.gstage = flags & 8,
		.update_ad = flags & 16,
		.svpbmt = flags & 32,
	};
	struct mem m = {.size = in->n, .read_only = (sel & 0x20) != 0};
	/* a copy the walk may write (A/D), exactly as long as the rest */
	m.buf = malloc(in->n ? in->n : 1);
	memcpy(m.buf, in->p, in->n);
	uint64_t root = MEM_BASE + ((uint64_t)(root_page & 0x3f) << 12);
	if (sel & 0x80) /* sometimes far outside the memory */
		root += (uint64_t)root_page << 30;
	/* the x4 modes put the root on 16 KiB */
	if (is_x4(mode))
		root &= ~0x3fffULL;
	/* va: usually in reach of the mode, sometimes anything */
	if (!(sel & 0x40))
		va &= (1ULL << (12 + 9 * ref_levels[mode] + 2)) - 1;

	struct mem refm = m;
	refm.buf = malloc(in->n ? in->n : 1);
	memcpy(refm.buf, in->p, in->n);
	struct ref want = ref_walk(mode, &refm, root, va, acc, &o, true);
	struct pt_mem pm = {&m, m_read, m_write, m_alloc};
	struct pt_walk_result got =
		pt_walk(mode, &pm, root, va, acc, (flags & 64) ? NULL : &o);
	if (flags & 64) { /* NULL options are all false */
		memset(&o, 0, sizeof(o));
		want = ref_walk(mode, &refm, root, va, acc, &o, true);
	}

	FUZZ_CHECK(got.status == want.status,
		   "mode %d va %#llx: status %d, spec %d (level %u)", mode,
		   (unsigned long long)va, got.status, want.status, want.level);
	FUZZ_CHECK(m.nreads <= ref_levels[mode], "%u reads", m.nreads);
	for (unsigned i = 0; i < m.nreads && i < 8; i++)
		FUZZ_CHECK(m.reads[i] % 8 == 0, "read at %#llx",
			   (unsigned long long)m.reads[i]);
	if (want.status != PT_WALK_ADDR_RANGE)
		FUZZ_CHECK(m.nreads && m.reads[m.nreads - 1] == want.pte_pa,
			   "last read %#llx, spec %#llx",
			   (unsigned long long)m.reads[m.nreads - 1],
			   (unsigned long long)want.pte_pa);
	if (got.status == PT_WALK_OK || got.status == PT_WALK_DENIED) {
		FUZZ_CHECK(got.level == want.level && got.pte_pa == want.pte_pa,
			   "level %u/%u", got.level, want.level);
		FUZZ_CHECK(got.page_size == 1ULL << (12 + 9 * got.level),
			   "page size");
	}
	if (got.status == PT_WALK_OK) {
		FUZZ_CHECK(got.pa == want.pa, "va %#llx -> %#llx, spec %#llx",
			   (unsigned long long)va, (unsigned long long)got.pa,
			   (unsigned long long)want.pa);
		FUZZ_CHECK(got.pte == (want.ad_write ? want.new_pte : want.pte),
			   "leaf %#llx", (unsigned long long)got.pte);
		FUZZ_CHECK(m.nwrites == want.ad_write, "%u writes", m.nwrites);
		if (m.nwrites)
			FUZZ_CHECK(m.write_pa == want.pte_pa &&
					   m.write_new == want.new_pte &&
					   (m.write_new & ~m.write_old) ==
						   (want.new_pte & ~want.pte),
				   "A/D write %#llx at %#llx",
				   (unsigned long long)m.write_new,
				   (unsigned long long)m.write_pa);
	} else {
		/* only the A/D update the memory refused */
		FUZZ_CHECK(m.nwrites == want.ad_fault &&
				   (!m.nwrites || m.write_pa == want.pte_pa),
			   "%u writes on a failed walk", m.nwrites);
	}
	free(m.buf);
	free(refm.buf);
}

/* ---- pt_map / pt_unmap ------------------------------------------------- */
static void check_range(enum pt_mode mode, struct mem *m, uint64_t root,
			uint64_t va, uint64_t pa, uint64_t size, uint64_t flags,
			bool mapped)
{
	uint64_t pages = (size + 4095) >> 12;
	uint64_t step = pages <= 32 ? 1 : pages / 31;
	struct pt_walk_opts o = {0};

	for (uint64_t p = 0; p < pages; p += step) {
		for (int end = 0; end < 2; end++) {
			uint64_t pg = end ? pages - 1 : p;
			struct ref r = ref_walk(mode, m, root, va + (pg << 12),
						PT_ACCESS_READ, &o, false);
			if (!mapped) {
				FUZZ_CHECK(
					r.status != PT_WALK_OK,
					"unmapped va %#llx still maps",
					(unsigned long long)(va + (pg << 12)));
				continue;
			}
			FUZZ_CHECK(r.status == PT_WALK_OK &&
					   r.pa == pa + (pg << 12),
				   "mapped va %#llx: status %d pa %#llx, want "
				   "%#llx",
				   (unsigned long long)(va + (pg << 12)),
				   r.status, (unsigned long long)r.pa,
				   (unsigned long long)(pa + (pg << 12)));
			FUZZ_CHECK((r.pte & 0x3ff) == (flags | PTE_V) &&
					   (r.pte >> 54) == 0,
				   "leaf %#llx for flags %#llx",
				   (unsigned long long)r.pte,
				   (unsigned long long)flags);
		}
	}
}

static void map_test(struct fuzz_in *in)
{
	enum pt_mode mode = modes[fuzz_u8(in) % 6];
	struct mem m = {.size = MAP_MEM_SIZE};
	struct pt_mem pm = {&m, m_read, m_write, m_alloc};
	static const uint64_t page[] = {0, 4096, 2ULL << 20, 1ULL << 30};

	/* One table memory for every input, all zero at the start of each
	 * as calloc would give it: only the bytes an input wrote are zeroed
	 * again (m.dirty), not all 64 KiB with fresh pages each time. Its
	 * size is exact, so ASan still sees an access past it. */
	static uint8_t *map_buf;

	if (!map_buf)
		map_buf = calloc(1, MAP_MEM_SIZE);
	FUZZ_CHECK(map_buf, "table memory");
	m.buf = map_buf;
	uint64_t root = m_alloc(&m, pt_root_size(mode));
	unsigned levels = ref_levels[mode];
	unsigned bits = 12 + 9 * levels + (is_x4(mode) ? 2 : 0);

	for (int op = 0; op < 16 && in->n; op++) {
		uint8_t k = fuzz_u8(in);
		uint64_t va = fuzz_u64(in),
			 pa = fuzz_u64(in) & ((1ULL << 56) - 1);
		uint64_t size = fuzz_u16(in);
		uint64_t flags = fuzz_u8(in) | (uint64_t)(k & 3) << 8;

		/* sizes in pages, 2 MiB or 1 GiB units; addresses aligned
		 * to the unit most of the time */
		uint64_t unit = (k & 0x30) == 0x30   ? 1ULL << 30
				: (k & 0x30) == 0x20 ? 2ULL << 20
						     : 4096;
		size = (size % 64 + 1) * unit - ((k & 0x40) ? 4095 : 0);
		if (!(k & 0x80)) {
			va = (va & ~(unit - 1)) & ((1ULL << (bits - 1)) - 1);
			pa &= ~(unit - 1);
		}
		if (k & 4) {
			pt_unmap(mode, &pm, root, va, size);
			if (va + size >= va)
				check_range(mode, &m, root, va & ~4095ULL, 0,
					    size + (va & 4095), 0, false);
		} else if (pt_map(mode, &pm, root, va, pa, size, flags,
				  page[(k >> 3) & 1 ? 3 : (k >> 2) & 3]) == 0) {
			check_range(mode, &m, root, va, pa, size, flags, true);
		}
	}
	memset(map_buf, 0, m.dirty);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};

	if (size < 1)
		return 0;
	if (fuzz_u8(&in) & 1) {
		map_test(&in);
	} else {
		if (in.n < HDR_BYTES - 4)
			return 0;
		walk_test(&in);
	}
	return 0;
}
