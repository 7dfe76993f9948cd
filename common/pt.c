/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one page-table walker (see rvnest/pt.h). Every rule below is from the
 * Privileged ISA: "Virtual Address Translation Process" (Sv39/Sv48/Sv57)
 * and, for the x4 modes, "Guest Physical Address Translation" in the
 * hypervisor chapter.
 */
#include <rvnest/encoding.h>
#include <rvnest/pt.h>

#include <stddef.h>

#define PT_INDEX_BITS 9
#define PT_INDEX_MASK ((_UL(1) << PT_INDEX_BITS) - 1)
/* x4 modes: "the root page table is 16 KiB" and its index is 2 bits wider. */
#define PT_X4_EXTRA_BITS 2
#define PT_TABLE_SIZE PAGE_SIZE
#define PT_X4_ROOT_SIZE (PAGE_SIZE << PT_X4_EXTRA_BITS)
#define PTE_SIZE 8
/* Bits 60:54 are "reserved for future standard use" in every PTE. */
#define PTE_RESERVED (_UL(0x7f) << 54)
#define PTE_PBMT_SHIFT 61
#define PTE_PBMT_RESERVED_VALUE 3 /* Svpbmt: encoding 3 is reserved */
#define PTE_PERM (PTE_R | PTE_W | PTE_X)

struct pt_geometry {
	unsigned levels;
	unsigned va_bits; /* translated address width (GPA width for x4) */
	bool x4;
};

static const struct pt_geometry geometry[] = {
	[PT_BARE] = {0, 64, false},  [PT_SV39] = {3, 39, false},
	[PT_SV48] = {4, 48, false},  [PT_SV57] = {5, 57, false},
	[PT_SV39X4] = {3, 41, true}, [PT_SV48X4] = {4, 50, true},
	[PT_SV57X4] = {5, 59, true},
};

static const struct pt_geometry *geo(enum pt_mode mode)
{
	if ((unsigned)mode >= sizeof(geometry) / sizeof(geometry[0]))
		return &geometry[PT_BARE];
	return &geometry[mode];
}

unsigned pt_levels(enum pt_mode mode)
{
	return geo(mode)->levels;
}

uint64_t pt_root_size(enum pt_mode mode)
{
	if (mode == PT_BARE)
		return 0;
	return geo(mode)->x4 ? PT_X4_ROOT_SIZE : PT_TABLE_SIZE;
}

unsigned pt_va_bits(enum pt_mode mode)
{
	return geo(mode)->va_bits;
}

bool pt_mode_from_atp(uint64_t atp_mode, bool gstage, enum pt_mode *out)
{
	switch (atp_mode) {
	case ATP_MODE_BARE:
		*out = PT_BARE;
		return true;
	case ATP_MODE_SV39:
		*out = gstage ? PT_SV39X4 : PT_SV39;
		return true;
	case ATP_MODE_SV48:
		*out = gstage ? PT_SV48X4 : PT_SV48;
		return true;
	case ATP_MODE_SV57:
		*out = gstage ? PT_SV57X4 : PT_SV57;
		return true;
	default:
		return false;
	}
}

static uint64_t level_shift(unsigned level)
{
	return PAGE_SHIFT + (uint64_t)PT_INDEX_BITS * level;
}

static uint64_t level_page_size(unsigned level)
{
	return _UL(1) << level_shift(level);
}

/* Index of va in the table at `level`; the root of an x4 mode has 2 more
 * index bits ("Guest Physical Address Translation"). */
static uint64_t level_index(const struct pt_geometry *g, uint64_t va,
			    unsigned level)
{
	uint64_t mask = PT_INDEX_MASK;

	if (g->x4 && level == g->levels - 1)
		mask = (mask << PT_X4_EXTRA_BITS) |
		       ((1u << PT_X4_EXTRA_BITS) - 1);
	return (va >> level_shift(level)) & mask;
}

static bool address_in_range(const struct pt_geometry *g, uint64_t va)
{
	if (g->va_bits >= 64)
		return true;
	if (g->x4) {
		/* "bits 63:41 (Sv39x4) ... of the guest physical address must
		 * all be zero, or else a guest-page-fault exception occurs". */
		return (va >> g->va_bits) == 0;
	}
	/* Sv39/48/57: bits 63:va_bits must equal bit va_bits-1 (canonical). */
	int64_t s = (int64_t)(va << (64 - g->va_bits)) >> (64 - g->va_bits);
	return (uint64_t)s == va;
}

static uint64_t pte_to_pa(uint64_t pte)
{
	return ((pte & PTE_PPN) >> PTE_PPN_SHIFT) << PAGE_SHIFT;
}

static uint64_t pa_to_pte(uint64_t pa)
{
	return ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) & PTE_PPN;
}

/* Reserved bits or encodings that the walk must treat as invalid (step 3
 * of the translation process: "if any bits or encodings that are reserved
 * for future standard use are set within pte, stop and raise a page-fault
 * exception"). */
static bool pte_reserved(uint64_t pte, bool leaf,
			 const struct pt_walk_opts *opts)
{
	uint64_t pbmt = (pte & PTE_PBMT) >> PTE_PBMT_SHIFT;

	if (pte & PTE_RESERVED)
		return true;
	/* Svnapot is not implemented: N is reserved. */
	if (pte & PTE_N)
		return true;
	if (pbmt) {
		/* PBMT is reserved without Svpbmt, in non-leaf PTEs, and
		 * its encoding 3 is always reserved (Svpbmt chapter). */
		if (!opts->svpbmt || !leaf || pbmt == PTE_PBMT_RESERVED_VALUE)
			return true;
	}
	/* "For non-leaf PTEs, the D, A, and U bits are reserved". */
	if (!leaf && (pte & (PTE_D | PTE_A | PTE_U)))
		return true;
	return false;
}

static bool leaf_permits(uint64_t pte, enum pt_access access,
			 const struct pt_walk_opts *opts)
{
	bool r = pte & PTE_R, w = pte & PTE_W, x = pte & PTE_X;

	if (opts->gstage) {
		/* "For G-stage address translation, all memory accesses
		 * (including those made to access data structures for VS-stage
		 * address translation) are considered to be user-level
		 * accesses": a leaf with U=0 faults. */
		if (!(pte & PTE_U))
			return false;
	} else if (opts->user) {
		if (!(pte & PTE_U))
			return false;
	} else if (pte & PTE_U) {
		/* Supervisor access to a user page: loads/stores only with
		 * SUM=1, instruction fetches never (sstatus.SUM). */
		if (!opts->sum || access == PT_ACCESS_EXEC)
			return false;
	}

	switch (access) {
	case PT_ACCESS_READ:
		/* MXR: "loads from pages marked either readable or
		 * executable (R=1 or X=1) will succeed". */
		return r || (opts->mxr && x);
	case PT_ACCESS_WRITE:
		return w;
	case PT_ACCESS_EXEC:
		return x;
	case PT_ACCESS_READ_EXEC:
		/* HLVX: "execute permission takes the place of read
		 * permission" in both stages. */
		return x;
	}
	return false;
}

struct pt_walk_result pt_walk(enum pt_mode mode, const struct pt_mem *mem,
			      uint64_t root_pa, uint64_t va,
			      enum pt_access access,
			      const struct pt_walk_opts *opts)
{
	static const struct pt_walk_opts no_opts;
	const struct pt_geometry *g = geo(mode);
	struct pt_walk_result res = {.status = PT_WALK_INVALID};
	uint64_t table = root_pa;

	if (!opts)
		opts = &no_opts;

	if (mode == PT_BARE) {
		/* Bare: no translation and no protection. */
		res.status = PT_WALK_OK;
		res.pa = va;
		res.page_size = PAGE_SIZE;
		return res;
	}
	if (!address_in_range(g, va)) {
		res.status = PT_WALK_ADDR_RANGE;
		return res;
	}

	for (unsigned i = g->levels; i-- > 0;) {
		uint64_t pte_pa = table + level_index(g, va, i) * PTE_SIZE;
		uint64_t pte;
		bool leaf;

		if (!mem->read_pte(mem->ctx, pte_pa, &pte)) {
			/* Step 2: a PMA/PMP violation on the PTE access raises
			 * an access-fault exception. */
			res.status = PT_WALK_ACCESS_FAULT;
			res.pte_pa = pte_pa;
			res.level = i;
			return res;
		}
		res.pte = pte;
		res.pte_pa = pte_pa;
		res.level = i;
		res.page_size = level_page_size(i);

		/* Step 3: V=0, or W=1 with R=0, is invalid. */
		if (!(pte & PTE_V) || ((pte & PTE_W) && !(pte & PTE_R)))
			return res;
		leaf = pte & PTE_PERM;
		if (pte_reserved(pte, leaf, opts))
			return res;
		if (!leaf) {
			/* Step 4: a pointer at level 0 is invalid. */
			table = pte_to_pa(pte);
			continue;
		}

		/* Step 6: a misaligned superpage (pte.ppn[i-1:0] != 0). */
		uint64_t page_pa = pte_to_pa(pte);
		if (page_pa & (res.page_size - 1))
			return res;

		/* Step 5: permissions. */
		if (!leaf_permits(pte, access, opts)) {
			res.status = PT_WALK_DENIED;
			return res;
		}

		/* Step 7: A=0, or a store with D=0. Without Svadu this is a
		 * page fault; with it, A (and D on a store) are set. */
		bool store = access == PT_ACCESS_WRITE;
		if (!(pte & PTE_A) || (store && !(pte & PTE_D))) {
			if (!opts->update_ad) {
				res.status = PT_WALK_DENIED;
				return res;
			}
			pte |= PTE_A | (store ? PTE_D : 0);
			if (!mem->write_pte ||
			    !mem->write_pte(mem->ctx, pte_pa, pte)) {
				res.status = PT_WALK_ACCESS_FAULT;
				return res;
			}
			res.pte = pte;
		}

		/* Step 8: the superpage's low PPN bits come from the VA. */
		res.pa = page_pa | (va & (res.page_size - 1));
		res.status = PT_WALK_OK;
		return res;
	}
	/* Ran out of levels on a pointer (step 4: i < 0). */
	res.status = PT_WALK_INVALID;
	res.level = 0;
	return res;
}

/* Leaf flags that are a valid, non-reserved encoding to install. */
static bool map_flags_valid(uint64_t flags)
{
	if (!(flags & PTE_PERM))
		return false;
	if ((flags & PTE_W) && !(flags & PTE_R))
		return false;
	return (flags &
		~(PTE_PERM | PTE_U | PTE_G | PTE_A | PTE_D | PTE_RSW)) == 0;
}

/* Install one leaf at *level (lowered when a table already covers the
 * range, so the caller advances by the page size actually mapped). */
static int map_one(const struct pt_geometry *g, const struct pt_mem *mem,
		   uint64_t root_pa, uint64_t va, uint64_t pa, unsigned *level,
		   uint64_t flags)
{
	uint64_t table = root_pa;

	for (unsigned i = g->levels - 1;; i--) {
		uint64_t pte_pa = table + level_index(g, va, i) * PTE_SIZE;
		uint64_t pte;

		if (!mem->read_pte(mem->ctx, pte_pa, &pte))
			return -1;
		if (i == *level) {
			if ((pte & PTE_V) && !(pte & PTE_PERM)) {
				/* A table already covers this range: map at
				 * the next level down instead of hiding it. */
				if (*level == 0)
					return -1;
				(*level)--;
				table = pte_to_pa(pte);
				continue;
			}
			/* Empty slot, or a leaf of the same size: (re)map. */
			pte = pa_to_pte(pa) | flags | PTE_V;
			return mem->write_pte(mem->ctx, pte_pa, pte) ? 0 : -1;
		}
		if (pte & PTE_V) {
			if (pte & PTE_PERM)
				return -1; /* would split a larger leaf */
			table = pte_to_pa(pte);
			continue;
		}
		uint64_t next =
			mem->alloc_table
				? mem->alloc_table(mem->ctx, PT_TABLE_SIZE)
				: 0;
		if (!next || (next & (PT_TABLE_SIZE - 1)))
			return -1;
		if (!mem->write_pte(mem->ctx, pte_pa, pa_to_pte(next) | PTE_V))
			return -1;
		table = next;
	}
}

int pt_map(enum pt_mode mode, const struct pt_mem *mem, uint64_t root_pa,
	   uint64_t va, uint64_t pa, uint64_t size, uint64_t flags,
	   uint64_t max_page)
{
	const struct pt_geometry *g = geo(mode);

	if (mode == PT_BARE || !mem->write_pte || !map_flags_valid(flags))
		return -1;
	if ((va | pa) & (PAGE_SIZE - 1) || size == 0)
		return -1;
	/* A partial last page is mapped whole. */
	if (size > ~0ULL - (PAGE_SIZE - 1))
		return -1;
	size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	/* The last page of the address space may be mapped: compare the
	 * last byte, not the end. */
	if (va + (size - 1) < va || pa + (size - 1) < pa)
		return -1;
	if (!address_in_range(g, va) || !address_in_range(g, va + size - 1))
		return -1;
	/* Sv39/48/57: both ends canonical is not enough, the range must not
	 * span the non-canonical hole between the two halves. */
	if (!g->x4 && ((va ^ (va + size - 1)) >> (g->va_bits - 1)))
		return -1;
	if (pa_to_pte(pa + size - 1) >> PTE_PPN_SHIFT !=
	    (pa + size - 1) >> PAGE_SHIFT)
		return -1; /* PA wider than the 44-bit PPN */

	while (size) {
		unsigned level = 0;

		/* Largest page that alignment, remaining size and max_page
		 * allow; the root level may also hold leaves (step 4 stops at
		 * any level whose PTE has R, W or X set). */
		for (unsigned l = g->levels - 1; l > 0; l--) {
			uint64_t ps = level_page_size(l);
			if (!((va | pa) & (ps - 1)) && size >= ps &&
			    (!max_page || ps <= max_page)) {
				level = l;
				break;
			}
		}
		if (map_one(g, mem, root_pa, va, pa, &level, flags))
			return -1;
		va += level_page_size(level);
		pa += level_page_size(level);
		size -= level_page_size(level);
	}
	return 0;
}

void pt_unmap(enum pt_mode mode, const struct pt_mem *mem, uint64_t root_pa,
	      uint64_t va, uint64_t size)
{
	const struct pt_geometry *g = geo(mode);
	uint64_t end = va + size;

	if (mode == PT_BARE || !mem->write_pte || end < va)
		return;
	va &= ~(PAGE_SIZE - 1);
	while (va < end && address_in_range(g, va)) {
		uint64_t table = root_pa, step = PAGE_SIZE;

		for (unsigned i = g->levels; i-- > 0;) {
			uint64_t pte_pa =
				table + level_index(g, va, i) * PTE_SIZE;
			uint64_t pte;

			step = level_page_size(i);
			if (!mem->read_pte(mem->ctx, pte_pa, &pte))
				return;
			if (!(pte & PTE_V))
				break;
			if (pte & PTE_PERM) {
				/* A leaf that overlaps the range is removed
				 * whole, even a superpage only partly inside
				 * it: callers are caches (shadow) or unmap
				 * whole regions. */
				mem->write_pte(mem->ctx, pte_pa, 0);
				break;
			}
			table = pte_to_pa(pte);
		}
		/* Advance to the next entry boundary at the level reached. */
		uint64_t next = (va & ~(step - 1)) + step;
		if (next <= va)
			return;
		va = next;
	}
}
