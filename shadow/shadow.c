/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The shadow G-stage: L2 GPA -> host PA, the composition of L1's G-stage
 * and L0's map of L1 (see shadow.h and shadow/README.md).
 *
 * Spec: Privileged ISA, hypervisor chapter: "Hypervisor Guest Address
 * Translation and Protection Register (hgatp)", "Guest Physical Address
 * Translation", "Hypervisor Memory-Management Fence Instructions", and
 * "Virtual Address Translation Process" for the walk itself (common/pt.c).
 */
#include <shadow.h>

#include <rvnest/encoding.h>
#include <rvnest/trap_names.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define PTE_PERM (PTE_R | PTE_W | PTE_X)
#define PTE_SIZE 8
#define PTE_SIZE_SHIFT 3
/* A 4 KiB table of 8-byte PTEs: 9 bits of the address per level. */
#define LEVEL_BITS (PAGE_SHIFT - PTE_SIZE_SHIFT)
#define SHADOW_TABLE_SIZE PAGE_SIZE

/* ---- pool: bump allocator, reset by a full flush --------------------- */

static bool pool_contains(const struct shadow *s, uint64_t pa, uint64_t len)
{
	return pa >= s->cfg.pool_pa && len <= s->cfg.pool_size &&
	       pa - s->cfg.pool_pa <= s->cfg.pool_size - len;
}

static void *pool_ptr(const struct shadow *s, uint64_t pa)
{
	return (uint8_t *)s->cfg.pool_va + (pa - s->cfg.pool_pa);
}

static bool pool_read_pte(void *ctx, uint64_t pa, uint64_t *pte)
{
	const struct shadow *s = ctx;

	if (!pool_contains(s, pa, PTE_SIZE))
		return false;
	memcpy(pte, pool_ptr(s, pa), PTE_SIZE);
	return true;
}

static bool pool_write_pte(void *ctx, uint64_t pa, uint64_t pte)
{
	struct shadow *s = ctx;

	if (!pool_contains(s, pa, PTE_SIZE))
		return false;
	memcpy(pool_ptr(s, pa), &pte, PTE_SIZE);
	return true;
}

/* Returns 0 when the pool is exhausted (the caller flushes and retries). */
static uint64_t pool_alloc(void *ctx, uint64_t size)
{
	struct shadow *s = ctx;
	uint64_t off = (s->pool_next + size - 1) & ~(size - 1);

	if (off > s->cfg.pool_size || s->cfg.pool_size - off < size)
		return 0;
	memset(pool_ptr(s, s->cfg.pool_pa + off), 0, size);
	s->pool_next = off + size;
	s->stats.pool_used = s->pool_next;
	if (s->pool_next > s->stats.pool_high_water)
		s->stats.pool_high_water = s->pool_next;
	return s->cfg.pool_pa + off;
}

static struct pt_mem pool_mem(struct shadow *s)
{
	struct pt_mem m = {s, pool_read_pte, pool_write_pte, pool_alloc};
	return m;
}

/* ---- L1's memory, read through L0's map ---------------------------- */

/* L0's map for one L1 GPA, refusing an answer whose region does not
 * contain the address (a broken callback never leads to a mapping). */
static bool l0_lookup(const struct shadow *s, uint64_t l1_gpa,
		      struct shadow_l0_map *m)
{
	return s->cfg.l0.l1_gpa_to_host(s->cfg.l0.ctx, l1_gpa, m) &&
	       l1_gpa >= m->base && l1_gpa - m->base < m->size;
}

/* A device L0 passes through to L1, as an L0 map entry: the whole region
 * is linear with one permission, so a fill may use superpages in it. */
static bool device_lookup(const struct shadow *s, uint64_t l1_gpa,
			  struct shadow_l0_map *m)
{
	for (unsigned i = 0; i < s->cfg.ndevices; i++) {
		const struct shadow_l0_device *d = &s->cfg.devices[i];

		if (l1_gpa >= d->l1_gpa && l1_gpa - d->l1_gpa < d->size) {
			m->host_pa = d->host_pa + (l1_gpa - d->l1_gpa);
			m->perm = d->perm;
			m->base = d->l1_gpa;
			m->size = d->size;
			return true;
		}
	}
	return false;
}

/* An implicit G-stage table access: allowed only to L1 RAM that L0 lets
 * L1 read; anything else is an access fault ("Guest Physical Address
 * Translation": the walk's accesses are checked like any physical one). */
static bool l1_read_pte(void *ctx, uint64_t l1_gpa, uint64_t *pte)
{
	struct shadow *s = ctx;
	struct shadow_l0_map m;

	if (!l0_lookup(s, l1_gpa, &m) || !(m.perm & PTE_R))
		return false;
	*pte = s->cfg.l0.read_host64(s->cfg.l0.ctx, m.host_pa);
	s->last_pte_gpa = l1_gpa;
	s->last_pte = *pte;
	return true;
}

/* Svadu's A/D update of the leaf the walk just read: "performed
 * atomically with respect to the check" (compare-and-swap against the
 * value read), and a store for PMA/PMP purposes, so memory L0 does not let
 * L1 write is an access fault. */
static bool l1_write_pte(void *ctx, uint64_t l1_gpa, uint64_t pte)
{
	struct shadow *s = ctx;
	struct shadow_l0_map m;

	if (!l0_lookup(s, l1_gpa, &m) || !(m.perm & PTE_W) ||
	    l1_gpa != s->last_pte_gpa)
		return false;
	if (!s->cfg.l0.cas_host64(s->cfg.l0.ctx, m.host_pa, s->last_pte, pte)) {
		s->ad_raced = true;
		return false;
	}
	s->stats.ad_updates++;
	return true;
}

/* ---- slots ----------------------------------------------------------- */

static uint64_t hgatp_mode(uint64_t hgatp)
{
	return (hgatp & ATP_MODE) >> ATP_MODE_SHIFT;
}

static uint64_t hgatp_vmid(uint64_t hgatp)
{
	return (hgatp & HGATP_VMID) >> HGATP_VMID_SHIFT;
}

static uint64_t hgatp_root(uint64_t hgatp)
{
	return (hgatp & ATP_PPN) << PAGE_SHIFT;
}

/* hgatp.MODE of each shadow mode (shadow_init admits only these). */
static const uint64_t atp_of_mode[] = {
	[PT_SV39X4] = ATP_MODE_SV39,
	[PT_SV48X4] = ATP_MODE_SV48,
	[PT_SV57X4] = ATP_MODE_SV57,
};

static uint64_t roots_size(enum pt_mode mode)
{
	return SHADOW_SLOTS * pt_root_size(mode);
}

/* Drop every shadow entry of every slot. The roots stay where they are
 * (so the real hgatp of a slot never changes); the table pages after them
 * are all free again. */
static void flush_everything(struct shadow *s)
{
	for (unsigned i = 0; i < SHADOW_SLOTS; i++) {
		struct shadow_slot *sl = &s->slot[i];
		if (sl->populated)
			memset(pool_ptr(s, sl->root_pa), 0,
			       pt_root_size(s->cfg.mode));
		sl->populated = false;
		sl->splinter = 0;
		sl->hw_stale = false; /* the caller fences all */
	}
	s->pool_next = roots_size(s->cfg.mode);
	s->stats.pool_used = s->pool_next;
}

/* Empty one slot's table (its sub-tables stay allocated until the next
 * full flush: the pool is a bump allocator, bounded by flush-and-refill).
 * Returns whether there was anything to drop. */
static bool slot_clear(struct shadow *s, struct shadow_slot *sl)
{
	if (!sl->populated)
		return false;
	memset(pool_ptr(s, sl->root_pa), 0, pt_root_size(s->cfg.mode));
	sl->populated = false;
	sl->splinter = 0;
	sl->hw_stale = true;
	return true;
}

/* ---- configuration and hgatp ---------------------------------------- */

uint64_t shadow_pool_min_size(enum pt_mode mode)
{
	unsigned levels = pt_levels(mode);

	if (!levels)
		return 0;
	/* every slot's root, plus the tables of one walk */
	return roots_size(mode) + (uint64_t)(levels - 1) * SHADOW_TABLE_SIZE;
}

/* A passed-through device region L0 describes: non-empty, page aligned,
 * no wrap-around, R/W/X only, and clear of L1 RAM (checked at both ends
 * through L0's callback) and of the regions before it. */
static bool device_ok(const struct shadow_config *cfg, unsigned i)
{
	const struct shadow_l0_device *d = &cfg->devices[i];
	uint64_t last = d->l1_gpa + d->size - 1;
	struct shadow_l0_map m;

	if (!d->size ||
	    ((d->l1_gpa | d->host_pa | d->size) & (PAGE_SIZE - 1)) ||
	    last < d->l1_gpa || d->host_pa + d->size - 1 < d->host_pa ||
	    (d->perm & ~PTE_PERM))
		return false;
	if (cfg->l0.l1_gpa_to_host(cfg->l0.ctx, d->l1_gpa, &m) ||
	    cfg->l0.l1_gpa_to_host(cfg->l0.ctx, last, &m))
		return false;
	for (unsigned j = 0; j < i; j++) {
		const struct shadow_l0_device *o = &cfg->devices[j];

		if (d->l1_gpa <= o->l1_gpa + o->size - 1 && o->l1_gpa <= last)
			return false;
	}
	return true;
}

bool shadow_init(struct shadow *s, const struct shadow_config *cfg)
{
	uint64_t root = pt_root_size(cfg->mode);
	uint64_t max_vmid = HGATP_VMID >> HGATP_VMID_SHIFT;

	/* The shadow is a G-stage table: only the x4 modes. */
	if (cfg->mode != PT_SV39X4 && cfg->mode != PT_SV48X4 &&
	    cfg->mode != PT_SV57X4)
		return false;
	if (!cfg->l0.l1_gpa_to_host || !cfg->l0.read_host64 || !cfg->pool_va)
		return false;
	if (cfg->l1_adue && !cfg->l0.cas_host64)
		return false;
	if ((cfg->pool_pa & (root - 1)) ||
	    cfg->pool_size < shadow_pool_min_size(cfg->mode) ||
	    cfg->pool_pa + cfg->pool_size < cfg->pool_pa)
		return false;
	if (cfg->hw_vmid_base > max_vmid - (SHADOW_SLOTS - 1))
		return false;
	if (cfg->warl != SHADOW_HGATP_WARL_QEMU &&
	    cfg->warl != SHADOW_HGATP_WARL_SPEC)
		return false;
	if (cfg->ndevices > SHADOW_MAX_DEVICES)
		return false;
	for (unsigned i = 0; i < cfg->ndevices; i++)
		if (!device_ok(cfg, i))
			return false;

	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	for (unsigned i = 0; i < SHADOW_SLOTS; i++) {
		s->slot[i].root_pa = cfg->pool_pa + i * root;
		memset(pool_ptr(s, s->slot[i].root_pa), 0, root);
	}
	s->pool_next = roots_size(cfg->mode);
	s->stats.pool_used = s->pool_next;
	s->stats.pool_high_water = s->pool_next;
	/* hgatp resets to Bare (0); slot 0 shadows it. */
	s->slot[0].valid = true;
	s->slot[0].l1_mode = PT_BARE;
	return true;
}

static bool l1_mode_supported(const struct shadow *s, uint64_t atp_mode,
			      enum pt_mode *out)
{
	if (!pt_mode_from_atp(atp_mode, true, out))
		return false;
	/* The shadow must cover every L2 GPA that L1's mode can map. */
	return pt_levels(*out) <= pt_levels(s->cfg.mode);
}

uint64_t shadow_hgatp_legalize(const struct shadow *s, uint64_t old,
			       uint64_t val)
{
	uint64_t mode = hgatp_mode(val);
	enum pt_mode m;
	uint64_t legal;

	if (s->cfg.warl == SHADOW_HGATP_WARL_QEMU)
		/* QEMU's legalize_xatp: all or nothing. */
		return l1_mode_supported(s, mode, &m) ? val : old;

	if (!l1_mode_supported(s, mode, &m)) {
		/* "the fields of hgatp are WARL in the normal way": MODE
		 * keeps its (legal) old value, the others are written. */
		mode = hgatp_mode(old);
		pt_mode_from_atp(mode, true, &m);
	}
	/* VMID is 14 bits (VMIDMAX for the x4 modes); bits 59:58 read 0. */
	legal = (mode << ATP_MODE_SHIFT) | (val & HGATP_VMID) | (val & ATP_PPN);
	/* "the lowest two bits of the physical page number (PPN) in hgatp
	 * always read as zeros" in the paged modes: the 16 KiB root. */
	if (m != PT_BARE)
		legal &= ~((pt_root_size(m) >> PAGE_SHIFT) - 1);
	return legal;
}

uint64_t shadow_write_hgatp(struct shadow *s, uint64_t val)
{
	enum pt_mode m;
	uint64_t legal = shadow_hgatp_legalize(s, s->hgatp, val);
	unsigned pick = SHADOW_SLOTS;

	s->stats.hgatp_writes++;
	if (!l1_mode_supported(s, hgatp_mode(val), &m))
		s->stats.hgatp_rejected++;
	if (legal == s->hgatp)
		return legal;

	s->hgatp = legal;
	pt_mode_from_atp(hgatp_mode(legal), true, &m);
	for (unsigned i = 0; i < SHADOW_SLOTS; i++) {
		if (s->slot[i].valid && s->slot[i].hgatp == legal) {
			s->cur = i;
			return legal;
		}
	}
	/* A new MODE/VMID/root: take a free slot, else the least recently
	 * used one (its entries are dropped, as on an hgatp change). */
	for (unsigned i = 0; i < SHADOW_SLOTS; i++) {
		if (!s->slot[i].valid) {
			pick = i;
			break;
		}
		if (pick == SHADOW_SLOTS ||
		    s->slot[i].last_use < s->slot[pick].last_use)
			pick = i;
	}
	struct shadow_slot *sl = &s->slot[pick];
	if (sl->valid && slot_clear(s, sl))
		s->stats.flush_hgatp++;
	sl->valid = true;
	sl->hgatp = legal;
	sl->l1_mode = m;
	sl->splinter = 0;
	s->cur = pick;
	return legal;
}

uint64_t shadow_hgatp(struct shadow *s, enum shadow_hw_fence *fence)
{
	struct shadow_slot *sl = &s->slot[s->cur];
	uint64_t root = sl->root_pa;

	*fence = sl->hw_stale ? SHADOW_HW_FENCE_VMID : SHADOW_HW_FENCE_NONE;
	sl->hw_stale = false;
	sl->last_use = ++s->use_clock;
	return (atp_of_mode[s->cfg.mode] << ATP_MODE_SHIFT) |
	       ((s->cfg.hw_vmid_base + s->cur) << HGATP_VMID_SHIFT) |
	       (root >> PAGE_SHIFT);
}

enum shadow_hw_fence shadow_set_l1_mxr(struct shadow *s, bool mxr)
{
	bool was = s->l1_mxr;

	s->l1_mxr = mxr;
	/* Fills under MXR=1 installed R for execute-only L1 pages. */
	if (was && !mxr) {
		s->stats.flush_mxr++;
		flush_everything(s);
		return SHADOW_HW_FENCE_ALL;
	}
	return SHADOW_HW_FENCE_NONE;
}

/* ---- fill ------------------------------------------------------------ */

/* "the guest-page-fault exception corresponding to the original access
 * type" (also for implicit VS-stage table accesses), and the access fault
 * of that type for a failed implicit G-stage table access. */
static const unsigned long guest_page_fault_cause[] = {
	[SHADOW_ACCESS_FETCH] = EXC_INST_GUEST_PAGE_FAULT,
	[SHADOW_ACCESS_LOAD] = EXC_LOAD_GUEST_PAGE_FAULT,
	[SHADOW_ACCESS_STORE] = EXC_STORE_GUEST_PAGE_FAULT,
};

static const unsigned long access_fault_cause[] = {
	[SHADOW_ACCESS_FETCH] = EXC_INST_ACCESS,
	[SHADOW_ACCESS_LOAD] = EXC_LOAD_ACCESS,
	[SHADOW_ACCESS_STORE] = EXC_STORE_ACCESS,
};

/* The permission bit each kind of access needs; HLVX: "execute permission
 * takes the place of read permission". */
static const uint64_t perm_needed[] = {
	[PT_ACCESS_READ] = PTE_R,
	[PT_ACCESS_WRITE] = PTE_W,
	[PT_ACCESS_EXEC] = PTE_X,
	[PT_ACCESS_READ_EXEC] = PTE_X,
};

static uint64_t level_size(unsigned level)
{
	return PAGE_SIZE << (level * LEVEL_BITS);
}

static unsigned size_level(uint64_t size)
{
	unsigned l = 0;

	while (level_size(l + 1) <= size && l + 1 < SHADOW_LEVELS_MAX)
		l++;
	return l;
}

/* Walk L1's G-stage for gpa and L0's map for the result. On success fills
 * l1_gpa/host_pa/perm in r and the L1 leaf size and L0 region in the out
 * parameters; otherwise sets r->status and cause. With `devices`, an L1
 * GPA in a passed-through device composes like RAM (r->device set); the
 * VS-stage walk's implicit accesses pass false: no page-table walks in a
 * device. */
static bool compose(struct shadow *s, struct shadow_result *r,
		    enum shadow_access orig, enum pt_access need,
		    uint64_t *l1_size, struct shadow_l0_map *m0, bool devices)
{
	const struct shadow_slot *sl = &s->slot[s->cur];
	uint64_t l1_perm;

	if (sl->l1_mode == PT_BARE) {
		/* Bare: "guest physical addresses are equal to supervisor
		 * physical addresses", no protection. */
		r->l1_gpa = r->gpa;
		l1_perm = PTE_PERM;
		*l1_size = level_size(pt_levels(s->cfg.mode) - 1);
	} else {
		struct pt_mem l1 = {s, l1_read_pte, l1_write_pte, NULL};
		/* Without l1_adue (Svade): A=0, or a store with D=0, is a
		 * guest-page fault, never set silently. */
		struct pt_walk_opts o = {.gstage = true,
					 .mxr = s->l1_mxr,
					 .update_ad = s->cfg.l1_adue};
		struct pt_walk_result w;

		s->ad_raced = false;
		w = pt_walk(sl->l1_mode, &l1, hgatp_root(sl->hgatp), r->gpa,
			    need, &o);
		switch (w.status) {
		case PT_WALK_OK:
			break;
		case PT_WALK_ACCESS_FAULT:
			if (s->ad_raced) {
				r->status = SHADOW_RETRY;
				return false;
			}
			r->status = SHADOW_L1_TABLE_ACCESS_FAULT;
			r->cause = access_fault_cause[orig];
			return false;
		case PT_WALK_INVALID:
		case PT_WALK_DENIED:
		case PT_WALK_ADDR_RANGE:
			r->status = SHADOW_FORWARD_GUEST_PAGE_FAULT;
			r->cause = guest_page_fault_cause[orig];
			/* htval: "the guest physical address that faulted,
			 * shifted right by 2 bits". */
			r->htval = r->gpa >> 2;
			return false;
		}
		r->l1_gpa = w.pa;
		l1_perm = w.pte & PTE_PERM;
		/* D=0: a later store must fault to L1, so no W yet. */
		if (!(w.pte & PTE_D))
			l1_perm &= ~PTE_W;
		/* MXR: execute-only L1 pages are readable. */
		if (s->l1_mxr && (l1_perm & PTE_X))
			l1_perm |= PTE_R;
		*l1_size = w.page_size;
	}

	if (!l0_lookup(s, r->l1_gpa, m0)) {
		/* L1's device pages: the host device itself, with L1's
		 * permissions intersected with L0's, as for RAM */
		r->device = devices && device_lookup(s, r->l1_gpa, m0);
		if (!r->device) {
			r->status = SHADOW_NOT_RAM;
			r->cause = access_fault_cause[orig];
			return false;
		}
	}
	r->perm = l1_perm & m0->perm & PTE_PERM;
	/* W without R is a reserved PTE encoding. */
	if (!(r->perm & PTE_R))
		r->perm &= ~PTE_W;
	if (!(r->perm & perm_needed[need])) {
		r->status = SHADOW_L0_DENIED;
		/* a device L0 does not let L1 access that way (a fetch from
		 * the UART): the access fault of the original access, as
		 * L1's own access would get (PMA, "Physical Memory
		 * Attributes") */
		r->cause = r->device ? access_fault_cause[orig] : 0;
		return false;
	}
	r->host_pa = m0->host_pa;
	r->status = SHADOW_FILLED;
	return true;
}

static struct shadow_result result_init(const struct shadow *s, uint64_t gpa)
{
	struct shadow_result r = {.status = SHADOW_FILLED};

	r.gpa = gpa;
	r.hw_vmid = s->cfg.hw_vmid_base + s->cur;
	r.fence = SHADOW_HW_FENCE_NONE;
	return r;
}

static void count_result(struct shadow *s, const struct shadow_result *r)
{
	switch (r->status) {
	case SHADOW_FILLED:
		break;
	case SHADOW_FORWARD_GUEST_PAGE_FAULT:
	case SHADOW_L1_TABLE_ACCESS_FAULT:
		s->stats.forwards[r->cause]++;
		break;
	case SHADOW_NOT_RAM:
		s->stats.not_ram++;
		break;
	case SHADOW_L0_DENIED:
		s->stats.l0_denied++;
		break;
	case SHADOW_RETRY:
		s->stats.ad_races++;
		break;
	case SHADOW_POOL_TOO_SMALL:
		s->stats.pool_too_small++;
		break;
	}
}

struct shadow_result shadow_translate(struct shadow *s, uint64_t gpa,
				      enum shadow_access orig,
				      enum pt_access need)
{
	struct shadow_result r = result_init(s, gpa);
	struct shadow_l0_map m0;
	uint64_t l1_size;

	s->stats.translates++;
	compose(s, &r, orig, need, &l1_size, &m0, true);
	count_result(s, &r);
	return r;
}

/* ---- two-stage translation of an L2 virtual address ---------------- */

static const unsigned long page_fault_cause[] = {
	[SHADOW_ACCESS_FETCH] = EXC_INST_PAGE_FAULT,
	[SHADOW_ACCESS_LOAD] = EXC_LOAD_PAGE_FAULT,
	[SHADOW_ACCESS_STORE] = EXC_STORE_PAGE_FAULT,
};

/* The VS-stage walk's view of L2 guest-physical memory: each access is
 * an implicit one, translated by L1's G-stage and L0's map; the first
 * failure is recorded in res. */
struct gva_walk {
	struct shadow *s;
	enum shadow_access orig;
	struct shadow_gva_result *res;
	bool failed;
	uint64_t last_gpa, last_pte, last_host;
};

static void gva_g_failure(struct gva_walk *w, const struct shadow_result *r,
			  uint64_t htinst)
{
	struct shadow_gva_result *res = w->res;

	w->failed = true;
	res->gpa = r->gpa;
	res->implicit = true;
	switch (r->status) {
	case SHADOW_FORWARD_GUEST_PAGE_FAULT:
		/* "a guest-page fault ... for an implicit memory access for
		 * VS-stage address translation": htinst gets the
		 * pseudoinstruction ("Transformed Instruction or
		 * Pseudoinstruction for mtinst or htinst") */
		res->status = SHADOW_GVA_GUEST_PAGE_FAULT;
		res->cause = r->cause;
		res->htval = r->htval;
		res->htinst = htinst;
		break;
	case SHADOW_L0_DENIED:
		res->status = SHADOW_GVA_L0_DENIED;
		res->l1_gpa = r->l1_gpa;
		break;
	case SHADOW_RETRY:
		res->status = SHADOW_GVA_RETRY;
		break;
	default:
		/* L1's G-stage tables outside its RAM, or a VS-stage table in
		 * an L1 device (no page-table walks there): access fault */
		res->status = SHADOW_GVA_ACCESS_FAULT;
		res->cause = access_fault_cause[w->orig];
		break;
	}
}

static bool gva_read_pte(void *ctx, uint64_t gpa, uint64_t *pte)
{
	struct gva_walk *w = ctx;
	struct shadow_result r = result_init(w->s, gpa);
	struct shadow_l0_map m0;
	uint64_t l1_size;

	if (!compose(w->s, &r, w->orig, PT_ACCESS_READ, &l1_size, &m0, false)) {
		gva_g_failure(w, &r, HTINST_PSEUDO_READ64);
		return false;
	}
	*pte = w->s->cfg.l0.read_host64(w->s->cfg.l0.ctx, r.host_pa);
	w->last_gpa = gpa;
	w->last_pte = *pte;
	return true;
}

/* A VS-stage A/D update (henvcfg.ADUE): an implicit store through the
 * G-stage, atomic with respect to the value the walk read. */
static bool gva_write_pte(void *ctx, uint64_t gpa, uint64_t pte)
{
	struct gva_walk *w = ctx;
	struct shadow_result r = result_init(w->s, gpa);
	struct shadow_l0_map m0;
	uint64_t l1_size;

	if (!compose(w->s, &r, w->orig, PT_ACCESS_WRITE, &l1_size, &m0,
		     false)) {
		gva_g_failure(w, &r, HTINST_PSEUDO_WRITE64);
		return false;
	}
	if (gpa != w->last_gpa ||
	    !w->s->cfg.l0.cas_host64(w->s->cfg.l0.ctx, r.host_pa, w->last_pte,
				     pte)) {
		w->failed = true;
		w->res->status = SHADOW_GVA_RETRY;
		return false;
	}
	return true;
}

struct shadow_gva_result
shadow_gva_translate(struct shadow *s, const struct shadow_vs *vs, uint64_t gva,
		     enum shadow_access orig, enum pt_access need)
{
	struct shadow_gva_result res = {.status = SHADOW_GVA_BAD_REQUEST};
	struct shadow_result r;
	struct shadow_l0_map m0;
	enum pt_mode mode;
	uint64_t gpa, l1_size;

	s->stats.gva_translates++;
	if (!pt_mode_from_atp((vs->vsatp & ATP_MODE) >> ATP_MODE_SHIFT, false,
			      &mode) ||
	    (vs->adue && !s->cfg.l0.cas_host64))
		return res;

	if (mode == PT_BARE) {
		gpa = gva;
	} else {
		struct gva_walk w = {s, orig, &res, false, 0, 0, 0};
		struct pt_mem m = {&w, gva_read_pte, gva_write_pte, NULL};
		/* HS-level sstatus.MXR (L1's) applies to both stages,
		 * vsstatus.MXR to the VS-stage only. */
		struct pt_walk_opts o = {.user = vs->user,
					 .sum = vs->sum,
					 .mxr = vs->mxr || s->l1_mxr,
					 .update_ad = vs->adue,
					 .svpbmt = vs->svpbmt};
		struct pt_walk_result wr =
			pt_walk(mode, &m, (vs->vsatp & ATP_PPN) << PAGE_SHIFT,
				gva, need, &o);

		if (w.failed)
			return res;
		if (wr.status != PT_WALK_OK) {
			res.status = SHADOW_GVA_PAGE_FAULT;
			res.cause = page_fault_cause[orig];
			return res;
		}
		gpa = wr.pa;
	}

	/* The access itself: an explicit one (htinst is L0's to fill). */
	r = result_init(s, gpa);
	res.gpa = gpa;
	/* devices excluded: L0's HLV/HSV emulation accesses host_pa as
	 * memory (l0-hyp/README.md, limits) */
	if (compose(s, &r, orig, need, &l1_size, &m0, false)) {
		res.status = SHADOW_GVA_OK;
		res.l1_gpa = r.l1_gpa;
		res.host_pa = r.host_pa;
		return res;
	}
	switch (r.status) {
	case SHADOW_FORWARD_GUEST_PAGE_FAULT:
		res.status = SHADOW_GVA_GUEST_PAGE_FAULT;
		res.cause = r.cause;
		res.htval = r.htval;
		break;
	case SHADOW_NOT_RAM:
		res.status = SHADOW_GVA_NOT_RAM;
		res.l1_gpa = r.l1_gpa;
		res.cause = r.cause;
		break;
	case SHADOW_L0_DENIED:
		res.status = SHADOW_GVA_L0_DENIED;
		res.l1_gpa = r.l1_gpa;
		break;
	case SHADOW_RETRY:
		res.status = SHADOW_GVA_RETRY;
		break;
	default:
		res.status = SHADOW_GVA_ACCESS_FAULT;
		res.cause = r.cause;
		break;
	}
	return res;
}

/* Largest level <= max_level at which [gpa, +size) maps linearly onto L0's
 * region m0 with a host address aligned to the page size. */
static bool pick_level(const struct shadow_result *r,
		       const struct shadow_l0_map *m0, unsigned max_level,
		       unsigned *level)
{
	for (unsigned l = max_level + 1; l-- > 0;) {
		uint64_t size = level_size(l);
		uint64_t off = r->l1_gpa & (size - 1);
		uint64_t l1_base = r->l1_gpa - off;

		if (l1_base < m0->base || l1_base - m0->base > m0->size ||
		    m0->size - (l1_base - m0->base) < size)
			continue;
		if ((m0->host_pa - off) & (size - 1))
			continue;
		*level = l;
		return true;
	}
	return false;
}

struct shadow_result shadow_fill(struct shadow *s, uint64_t gpa,
				 enum shadow_access orig, enum pt_access need)
{
	struct shadow_result r = result_init(s, gpa);
	struct shadow_slot *sl = &s->slot[s->cur];
	struct pt_mem pm = pool_mem(s);
	struct shadow_l0_map m0;
	uint64_t l1_size, root;
	unsigned max_level, level;

	if (!compose(s, &r, orig, need, &l1_size, &m0, true)) {
		count_result(s, &r);
		return r;
	}

	for (unsigned attempt = 0;; attempt++) {
		root = sl->root_pa;
		/* Within the shadow's levels: L1's mode has no more levels
		 * than the shadow's (l1_mode_supported). */
		max_level = size_level(l1_size);

		/* What the shadow holds at gpa now: a table at some level
		 * bounds the leaf size; a stale leaf (L1 changed its tables
		 * without a fence, or MXR/D changed) is replaced. */
		struct pt_walk_result w = pt_walk(s->cfg.mode, &pm, root, gpa,
						  PT_ACCESS_READ, NULL);
		if (w.status == PT_WALK_ADDR_RANGE) {
			/* Bare L1 with RAM above the shadow's GPA width:
			 * cannot be mapped, so never is. */
			r.status = SHADOW_NOT_RAM;
			r.cause = access_fault_cause[orig];
			count_result(s, &r);
			return r;
		}
		if (w.level < max_level)
			max_level = w.level;
		if (w.status != PT_WALK_INVALID) {
			pt_unmap(s->cfg.mode, &pm, root, gpa, PAGE_SIZE);
			s->stats.refills++;
			if (r.fence == SHADOW_HW_FENCE_NONE)
				r.fence = SHADOW_HW_FENCE_GPA;
		}
		if (!pick_level(&r, &m0, max_level, &level)) {
			/* L0's region does not cover even the 4 KiB page. */
			r.status = SHADOW_NOT_RAM;
			r.cause = access_fault_cause[orig];
			count_result(s, &r);
			return r;
		}

		uint64_t size = level_size(level);
		uint64_t off = gpa & (size - 1);
		uint64_t flags = r.perm | PTE_U | PTE_A | PTE_D;

		/* Before pt_map: a map that runs out of pool pages has
		 * already linked new tables into the root, which the flush
		 * must then clear. */
		sl->populated = true;
		if (!pt_map(s->cfg.mode, &pm, root, gpa - off,
			    r.host_pa - (r.l1_gpa & (size - 1)), size, flags,
			    size)) {
			r.page_size = size;
			s->stats.fills[level]++;
			if (r.device)
				s->stats.device_fills++;
			if (size < l1_size && l1_size > sl->splinter &&
			    sl->l1_mode != PT_BARE)
				sl->splinter = l1_size;
			return r;
		}
		/* Out of table pages: flush everything and refill. After a
		 * flush the pool holds a root and a full walk (init). */
		if (attempt) {
			r.status = SHADOW_POOL_TOO_SMALL;
			count_result(s, &r);
			return r;
		}
		s->stats.pool_exhausted++;
		flush_everything(s);
		r.fence = SHADOW_HW_FENCE_ALL;
	}
}

/* ---- invalidation ---------------------------------------------------- */

enum shadow_hw_fence shadow_invalidate_all(struct shadow *s)
{
	bool any = false;

	for (unsigned i = 0; i < SHADOW_SLOTS; i++)
		any |= s->slot[i].populated;
	s->stats.flush_all++;
	flush_everything(s);
	return any ? SHADOW_HW_FENCE_ALL : SHADOW_HW_FENCE_NONE;
}

/* rs2's bits above VMIDMAX "are reserved and should be zero": ignored. */
static uint64_t vmid_bits(uint64_t vmid)
{
	return vmid & (HGATP_VMID >> HGATP_VMID_SHIFT);
}

enum shadow_hw_fence shadow_invalidate_vmid(struct shadow *s, uint64_t vmid)
{
	bool any = false;

	vmid = vmid_bits(vmid);
	s->stats.flush_vmid++;
	for (unsigned i = 0; i < SHADOW_SLOTS; i++) {
		struct shadow_slot *sl = &s->slot[i];
		if (sl->valid && hgatp_vmid(sl->hgatp) == vmid)
			any |= slot_clear(s, sl);
	}
	return any ? SHADOW_HW_FENCE_ALL : SHADOW_HW_FENCE_NONE;
}

static bool slot_unmap_gpa(struct shadow *s, struct shadow_slot *sl,
			   uint64_t gpa)
{
	/* An L1 leaf installed as several smaller shadow leaves must go
	 * whole: a fence for any address in a page covers the page. */
	uint64_t size = sl->splinter > PAGE_SIZE ? sl->splinter : PAGE_SIZE;
	struct pt_mem pm = pool_mem(s);

	if (!sl->populated)
		return false;
	pt_unmap(s->cfg.mode, &pm, sl->root_pa, gpa & ~(size - 1), size);
	return true;
}

enum shadow_hw_fence shadow_invalidate_gpa(struct shadow *s, uint64_t gpa)
{
	bool any = false;

	s->stats.flush_gpa++;
	for (unsigned i = 0; i < SHADOW_SLOTS; i++)
		if (s->slot[i].valid)
			any |= slot_unmap_gpa(s, &s->slot[i], gpa);
	return any ? SHADOW_HW_FENCE_ALL : SHADOW_HW_FENCE_NONE;
}

enum shadow_hw_fence shadow_invalidate_gpa_vmid(struct shadow *s, uint64_t gpa,
						uint64_t vmid)
{
	bool any = false;

	vmid = vmid_bits(vmid);
	s->stats.flush_gpa++;
	for (unsigned i = 0; i < SHADOW_SLOTS; i++) {
		struct shadow_slot *sl = &s->slot[i];
		if (sl->valid && hgatp_vmid(sl->hgatp) == vmid)
			any |= slot_unmap_gpa(s, sl, gpa);
	}
	return any ? SHADOW_HW_FENCE_ALL : SHADOW_HW_FENCE_NONE;
}

/* Drop every leaf of one slot that overlaps [first, last] (inclusive, so a
 * range reaching the top of the address space needs no wrapping sum),
 * widened to the largest L1 leaf installed in pieces: a fence for any
 * address in a page covers the whole page. */
static bool slot_unmap_range(struct shadow *s, struct shadow_slot *sl,
			     uint64_t first, uint64_t last)
{
	uint64_t align = sl->splinter > PAGE_SIZE ? sl->splinter : PAGE_SIZE;
	/* one past the highest GPA the shadow's mode translates (the x4
	 * modes' GPA width); nothing above it is ever mapped */
	uint64_t reach = 1ULL << pt_va_bits(s->cfg.mode);
	struct pt_mem pm = pool_mem(s);

	if (!sl->populated)
		return false;
	first &= ~(align - 1);
	last |= align - 1;
	if (first >= reach)
		return false;
	if (last >= reach)
		last = reach - 1;
	/* the whole reach: clearing the root is the same and cheaper */
	if (first == 0 && last == reach - 1)
		return slot_clear(s, sl);
	pt_unmap(s->cfg.mode, &pm, sl->root_pa, first, last - first + 1);
	return true;
}

enum shadow_hw_fence shadow_invalidate_range(struct shadow *s, uint64_t gpa,
					     uint64_t size, bool has_vmid,
					     uint64_t vmid)
{
	uint64_t last;
	bool any = false;

	s->stats.flush_gpa++;
	/* an empty range names no address: nothing to fence */
	if (!size)
		return SHADOW_HW_FENCE_NONE;
	/* a range that would wrap ends at the top of the address space */
	last = size - 1 > ~0ULL - gpa ? ~0ULL : gpa + (size - 1);
	vmid = vmid_bits(vmid);
	for (unsigned i = 0; i < SHADOW_SLOTS; i++) {
		struct shadow_slot *sl = &s->slot[i];
		/* SBI RFENCE "Remote HFENCE.GVMA with VMID": only the
		 * G-stage of that VMID; without one, every VMID */
		if (sl->valid && (!has_vmid || hgatp_vmid(sl->hgatp) == vmid))
			any |= slot_unmap_range(s, sl, gpa, last);
	}
	return any ? SHADOW_HW_FENCE_ALL : SHADOW_HW_FENCE_NONE;
}

/* ---- enumeration ------------------------------------------------------ */

static void walk_table(const struct shadow *s, unsigned slot, uint64_t table,
		       unsigned level, bool root, uint64_t base,
		       shadow_leaf_fn fn, void *arg)
{
	uint64_t entries =
		(root ? pt_root_size(s->cfg.mode) : PAGE_SIZE) / PTE_SIZE;

	for (uint64_t i = 0; i < entries; i++) {
		uint64_t pte, gpa = base + i * level_size(level);

		memcpy(&pte, pool_ptr(s, table + i * PTE_SIZE), PTE_SIZE);
		if (!(pte & PTE_V))
			continue;
		uint64_t pa = ((pte & PTE_PPN) >> PTE_PPN_SHIFT) << PAGE_SHIFT;
		if (pte & PTE_PERM)
			fn(arg, slot, gpa, pa, level_size(level), pte);
		else if (level > 0)
			walk_table(s, slot, pa, level - 1, false, gpa, fn, arg);
	}
}

void shadow_for_each_leaf(const struct shadow *s, shadow_leaf_fn fn, void *arg)
{
	for (unsigned i = 0; i < SHADOW_SLOTS; i++)
		if (s->slot[i].populated)
			walk_table(s, i, s->slot[i].root_pa,
				   pt_levels(s->cfg.mode) - 1, true, 0, fn,
				   arg);
}

/* ---- counters as protocol fields ------------------------------------- */

struct stat_field {
	const char *name;
	size_t offset;
};

#define STAT(field, label)                                  \
	{                                                   \
		label, offsetof(struct shadow_stats, field) \
	}

static const char *const fill_names[SHADOW_LEVELS_MAX] = {
	"4k", "2m", "1g", "512g", "256t",
};

static const struct stat_field event_fields[] = {
	STAT(translates, "translates"),
	STAT(gva_translates, "gva_translates"),
	STAT(not_ram, "not_ram"),
	STAT(device_fills, "device_fills"),
	STAT(l0_denied, "l0_denied"),
	STAT(refills, "refills"),
	STAT(ad_updates, "ad_updates"),
	STAT(ad_races, "ad_races"),
	STAT(pool_too_small, "pool_too_small"),
	STAT(hgatp_writes, "hgatp_writes"),
	STAT(hgatp_rejected, "hgatp_rejected"),
};

static const struct stat_field flush_fields[] = {
	STAT(flush_all, "all"), STAT(flush_vmid, "vmid"),
	STAT(flush_gpa, "gpa"), STAT(flush_hgatp, "hgatp"),
	STAT(flush_mxr, "mxr"),
};

static const struct stat_field pool_fields[] = {
	STAT(pool_used, "used"),
	STAT(pool_high_water, "high_water"),
	STAT(pool_exhausted, "exhausted"),
};

struct out {
	char *buf;
	unsigned long len, pos;
	bool ok;
};

/* Append printf-style text; on truncation stop for good (o->ok false). */
static void __attribute__((format(printf, 2, 3)))
emit(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!o->ok)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (unsigned long)n >= o->len - o->pos) {
		o->ok = false;
		return;
	}
	o->pos += (unsigned long)n;
}

static void put(struct out *o, const char *sep, const char *name, uint64_t v)
{
	emit(o, "%s%s:%llu", sep, name, (unsigned long long)v);
}

static void put_key(struct out *o, const char *key)
{
	emit(o, "%s%s=", o->pos ? " " : "", key);
}

static void put_fields(struct out *o, const char *key,
		       const struct shadow_stats *st,
		       const struct stat_field *f, size_t n)
{
	put_key(o, key);
	for (size_t i = 0; i < n; i++)
		put(o, i ? "," : "", f[i].name,
		    *(const uint64_t *)((const char *)st + f[i].offset));
}

bool shadow_stats_format(const struct shadow_stats *st, char *buf,
			 unsigned long len)
{
	struct out o = {buf, len, 0, len > 0};
	bool first = true;

	if (len)
		buf[0] = 0;
	put_key(&o, "shadow_fills");
	for (unsigned l = 0; l < SHADOW_LEVELS_MAX; l++)
		put(&o, l ? "," : "", fill_names[l], st->fills[l]);
	put_key(&o, "shadow_forwards");
	for (unsigned c = 0; c < EXC_COUNT; c++) {
		if (!st->forwards[c])
			continue;
		put(&o, first ? "" : ",", trap_cause_name(c), st->forwards[c]);
		first = false;
	}
	/* an empty list still has a value: "none" */
	if (first)
		put(&o, "", "none", 0);
	put_fields(&o, "shadow_events", st, event_fields,
		   sizeof(event_fields) / sizeof(event_fields[0]));
	put_fields(&o, "shadow_flushes", st, flush_fields,
		   sizeof(flush_fields) / sizeof(flush_fields[0]));
	put_fields(&o, "shadow_pool", st, pool_fields,
		   sizeof(pool_fields) / sizeof(pool_fields[0]));
	return o.ok;
}
