/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The exit profiler (profile.h). Inside a trap's figure it runs only the
 * entry stores and l0_prof_note_*; l0_prof_account reads instret first
 * and then finds the buckets: a cause slot by shifts, a CSR slot from a
 * map, an SBI slot by a probe of at most 8 (measured cost per trap in
 * l0-hyp/README.md, "Profiling"). What loops over everything (window
 * snapshots, printing) runs at a bench window's edges, after the marker
 * trap's figure is taken, and at shutdown.
 */
#include "profile.h"

#include <rvnest/trap_names.h>
#include <stdio.h>
#include <string.h>

#include "vcpu.h"

/* The l0.trace pool: every vCPU's ring is a slice of it (options.c
 * refuses l0.trace * l1.harts > L0_TRACE_POOL_RECORDS at boot). */
static struct l0_prof_rec l0_trace_pool[L0_TRACE_POOL_RECORDS];
_Static_assert(sizeof(struct l0_prof_rec) == 32,
	       "l0-hyp/README.md gives the pool as 16384 records of 32 bytes");

/* Each vCPU's counters (its struct l0_prof points at `now`), the copy
 * taken when a window opened, and its CSR and SBI slots. */
struct l0_prof_data {
	struct l0_prof_counts now;
	struct l0_prof_counts base;
	unsigned nslots;	/* CSR slots given out */
	uint8_t csr_slot[4096]; /* CSR number -> slot + 1 (0: none yet) */
	struct {
		uint32_t ext, fid;
		bool used;
	} sbi_key[L0_PROF_SBI_SLOTS];
};

static struct l0_prof_data l0_prof_vcpu[L0_MAX_VCPUS];

/* Scratch for a window's figures (summed over vCPUs); only the vCPU that
 * takes a window edge or finishes the run uses it, never two at once:
 * window edges come from one benchmark at a time, and l0_finish ends the
 * run. */
static struct l0_prof_counts l0_prof_delta;

static const char *const l0_prof_what_names[L0_PROF_WHAT_COUNT] = {
	[L0_PROF_NONE] = "-",
	[L0_PROF_CSR_READ] = "csr_r",
	[L0_PROF_CSR_WRITE] = "csr_w",
	[L0_PROF_HFENCE_GVMA] = "hfence_gvma",
	[L0_PROF_HFENCE_VVMA] = "hfence_vvma",
	[L0_PROF_HLV] = "hlv",
	[L0_PROF_HLVX] = "hlvx",
	[L0_PROF_HSV] = "hsv",
	[L0_PROF_SRET] = "sret",
	[L0_PROF_WFI] = "wfi",
	[L0_PROF_OTHER_INSN] = "other_insn",
	[L0_PROF_SBI] = "sbi",
};

static const char *const l0_prof_level_names[L0_PROF_LEVELS] = {
	[L0_PROF_L1] = "l1",
	[L0_PROF_L2] = "l2",
};

const char *l0_prof_what_name(enum l0_prof_what w)
{
	return w < L0_PROF_WHAT_COUNT ? l0_prof_what_names[w] : "?";
}

static const char *cause_name_of_index(unsigned i)
{
	return trap_cause_name(l0_prof_cause_of_index(i));
}

void l0_prof_init(struct l0_vcpu *v)
{
	const struct l0_options *o = v->guest->opts;
	struct l0_prof *p = &v->prof;

	memset(p, 0, sizeof(*p));
	/* l0_vcpu_init runs once per vCPU at boot (vhartid < L0_MAX_VCPUS) */
	memset(&l0_prof_vcpu[v->vhartid], 0, sizeof(l0_prof_vcpu[0]));
	p->data = &l0_prof_vcpu[v->vhartid];
	p->now = &p->data->now;
	p->vcpu = v;
	p->on = o->profile;
	/* options.c checked trace_len * l1_harts against the pool */
	if (p->on && o->trace_len &&
	    (v->vhartid + 1) * o->trace_len <= L0_TRACE_POOL_RECORDS) {
		p->trace = &l0_trace_pool[v->vhartid * o->trace_len];
		p->trace_len = o->trace_len;
	}
}

/* A CSR's first trap on this vCPU gives it a slot (this hart only
 * writes its own map); slot + 1 is kept so that 0 means "none yet". */
static __attribute__((noinline)) unsigned
csr_slot_assign(struct l0_prof_data *pd, unsigned csr)
{
	unsigned s = pd->nslots < L0_PROF_CSR_OTHER ? pd->nslots++
						    : L0_PROF_CSR_OTHER;

	pd->csr_slot[csr] = (uint8_t)(s + 1);
	return s + 1;
}

/* The slot of SBI call (ext, fid): a hash of both, then at most
 * L0_PROF_SBI_PROBES slots on; a call that finds none free counts as
 * other. Runs after the trap's figure is taken. */
#define L0_PROF_SBI_PROBES 8
static unsigned sbi_slot(struct l0_prof_data *pd, uint32_t ext, uint32_t fid)
{
	/* multiplicative hashing (Knuth): the top bits of the product mix
	 * every bit of the extension ID and the function ID */
	uint32_t x = ext * 0x9e3779b1u + fid * 0x85ebca6bu;

	for (unsigned i = 0; i < L0_PROF_SBI_PROBES; i++) {
		unsigned h = (unsigned)(((x >> 16) + i) % L0_PROF_SBI_OTHER);

		if (!pd->sbi_key[h].used) {
			pd->sbi_key[h].used = true;
			pd->sbi_key[h].ext = ext;
			pd->sbi_key[h].fid = fid;
			return h;
		}
		if (pd->sbi_key[h].ext == ext && pd->sbi_key[h].fid == fid)
			return h;
	}
	return L0_PROF_SBI_OTHER;
}

static void acc(struct l0_prof_acc *a, uint64_t d)
{
	a->n++;
	a->instr += d;
}

static void window_edge(struct l0_vcpu *v);

/* The trace record and the window edge: out of line, so that the common
 * path (no trace, no edge) keeps few registers live. */
static __attribute__((noinline)) void
trace_and_edge(struct l0_prof *p, unsigned level, unsigned ci, uint64_t d)
{
	if (p->trace_len) {
		struct l0_prof_rec *r = &p->trace[p->trace_n % p->trace_len];

		r->at = p->t0;
		/* no C code in L0 writes sepc (entry.S does, from vcpu->sepc,
		 * after this): it still holds the pc of the trap */
		r->pc = csr_read(CSR_SEPC);
		r->instr = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
		r->csr = p->csr;
		r->cause = (uint8_t)ci;
		r->level = (uint8_t)level;
		r->what = p->what;
		p->trace_n++;
	}
	if (p->edge)
		window_edge(p->vcpu);
}

void l0_prof_account(struct l0_prof *p, unsigned long scause,
		     enum l0_prof_level level)
{
	uint64_t d = rd_instret() - p->t0 - p->excl;
	unsigned ci;

	/* the run's totals are the sums of the cause buckets (print time) */
	ci = l0_prof_cause_index(scause);
	acc(&p->now->cause[level & 1][ci], d);
	if (p->what == L0_PROF_SBI) {
		struct l0_prof_data *pd = p->data;
		unsigned s = sbi_slot(pd, p->sbi_ext, p->sbi_fid);

		acc(&pd->now.sbi[s], d);
		p->csr = (uint16_t)s; /* for the trace record */
	} else if (p->what != L0_PROF_NONE) {
		acc(&p->now->what[p->what % L0_PROF_WHAT_COUNT], d);
		if (p->what <= L0_PROF_CSR_WRITE) {
			struct l0_prof_data *pd = p->data;
			unsigned s = pd->csr_slot[p->csr & 0xfff];

			if (!s)
				s = csr_slot_assign(pd, p->csr & 0xfff);
			acc(&pd->now.csr[s - 1][p->what == L0_PROF_CSR_WRITE],
			    d);
		}
	}
	if (p->trace_len | p->edge)
		trace_and_edge(p, level, ci, d);
}

void l0_prof_bench_edge(struct l0_prof *p, const char *name, bool begin)
{
	p->edge = begin ? L0_PROF_EDGE_OPEN : L0_PROF_EDGE_CLOSE;
	p->edge_name = name;
}

/* ---- printing (after the trap's figure is taken) ---------------------- */

static void sub_acc(struct l0_prof_acc *out, const struct l0_prof_acc *now,
		    const struct l0_prof_acc *base)
{
	out->n += now->n - (base ? base->n : 0);
	out->instr += now->instr - (base ? base->instr : 0);
}

/* out += now - base, for everything but the CSR slots (per vCPU) */
static void add_delta(struct l0_prof_counts *out,
		      const struct l0_prof_counts *now,
		      const struct l0_prof_counts *base)
{
	out->excluded += now->excluded - (base ? base->excluded : 0);
	for (unsigned l = 0; l < L0_PROF_LEVELS; l++)
		for (unsigned i = 0; i < L0_PROF_CAUSES; i++)
			sub_acc(&out->cause[l][i], &now->cause[l][i],
				base ? &base->cause[l][i] : NULL);
	for (unsigned i = 0; i < L0_PROF_WHAT_COUNT; i++)
		sub_acc(&out->what[i], &now->what[i],
			base ? &base->what[i] : NULL);
	for (unsigned i = 0; i < L0_PROF_SBI_SLOTS; i++)
		sub_acc(&out->sbi[i], &now->sbi[i],
			base ? &base->sbi[i] : NULL);
	out->traps = 0;
	out->instr = 0;
	for (unsigned l = 0; l < L0_PROF_LEVELS; l++)
		for (unsigned i = 0; i < L0_PROF_CAUSES; i++) {
			out->traps += out->cause[l][i].n;
			out->instr += out->cause[l][i].instr;
		}
}

static void print_acc(const char *kind, const char *win, const char *what,
		      const struct l0_prof_acc *a)
{
	if (!a->n)
		return;
	printf("RVNEST %s win=%s %s n=%llu instr=%llu\n", kind, win, what,
	       (unsigned long long)a->n, (unsigned long long)a->instr);
}

/* True when vCPU i's SBI slot h holds the same call as vCPU k's. */
static bool same_sbi(unsigned i, unsigned k, unsigned h)
{
	const struct l0_prof_data *a = &l0_prof_vcpu[i], *b = &l0_prof_vcpu[k];

	return a->sbi_key[h].used && b->sbi_key[h].used &&
	       a->sbi_key[h].ext == b->sbi_key[h].ext &&
	       a->sbi_key[h].fid == b->sbi_key[h].fid;
}

/* SBI calls by (extension, function), summed over the vCPUs that gave
 * the call the same slot (a slot holds one call per vCPU). */
static void print_sbi(const struct l0_guest *g, const char *win, bool window)
{
	char what[64];
	struct l0_prof_acc other = {0, 0};

	for (unsigned h = 0; h < L0_PROF_SBI_OTHER; h++)
		for (unsigned k = 0; k < g->nvcpus; k++) {
			struct l0_prof_acc a = {0, 0};
			bool printed = false;

			/* each call once: at the first vCPU that has it */
			for (unsigned i = 0; i < k; i++)
				printed |= same_sbi(i, k, h);
			if (!l0_prof_vcpu[k].sbi_key[h].used || printed)
				continue;
			for (unsigned i = k; i < g->nvcpus; i++) {
				const struct l0_prof_data *pd =
					&l0_prof_vcpu[i];

				if (same_sbi(i, k, h))
					sub_acc(&a, &pd->now.sbi[h],
						window ? &pd->base.sbi[h]
						       : NULL);
			}
			snprintf(what, sizeof(what), "ext=0x%x fid=%u",
				 (unsigned)l0_prof_vcpu[k].sbi_key[h].ext,
				 (unsigned)l0_prof_vcpu[k].sbi_key[h].fid);
			print_acc("l0prof_sbi", win, what, &a);
		}
	for (unsigned i = 0; i < g->nvcpus; i++) {
		const struct l0_prof_data *pd = &l0_prof_vcpu[i];

		sub_acc(&other, &pd->now.sbi[L0_PROF_SBI_OTHER],
			window ? &pd->base.sbi[L0_PROF_SBI_OTHER] : NULL);
	}
	print_acc("l0prof_sbi", win, "ext=other fid=other", &other);
}

/* One window's (or the run's) l0prof lines: base NULL = since boot. */
static void print_profile(const struct l0_guest *g, const char *win,
			  bool window)
{
	struct l0_prof_counts *d = &l0_prof_delta;
	char what[48];

	memset(d, 0, sizeof(*d));
	for (unsigned i = 0; i < g->nvcpus; i++)
		add_delta(d, &l0_prof_vcpu[i].now,
			  window ? &l0_prof_vcpu[i].base : NULL);
	printf("RVNEST l0prof win=%s traps=%llu instr=%llu excluded=%llu "
	       "vcpus=%u\n",
	       win, (unsigned long long)d->traps, (unsigned long long)d->instr,
	       (unsigned long long)d->excluded, g->nvcpus);
	for (unsigned l = 0; l < L0_PROF_LEVELS; l++)
		for (unsigned i = 0; i < L0_PROF_CAUSES; i++) {
			snprintf(what, sizeof(what), "level=%s cause=%s",
				 l0_prof_level_names[l],
				 cause_name_of_index(i));
			print_acc("l0prof_cause", win, what, &d->cause[l][i]);
		}
	/* instructions L1 trapped on (SBI calls are printed below) */
	for (unsigned i = L0_PROF_NONE + 1; i < L0_PROF_SBI; i++) {
		snprintf(what, sizeof(what), "insn=%s", l0_prof_what_names[i]);
		print_acc("l0prof_insn", win, what, &d->what[i]);
	}
	/* CSRs by number, summed over vCPUs (each has its own slots) */
	for (unsigned csr = 0; csr < 4096; csr++)
		for (unsigned w = 0; w < 2; w++) {
			struct l0_prof_acc a = {0, 0};

			for (unsigned i = 0; i < g->nvcpus; i++) {
				const struct l0_prof_data *pd =
					&l0_prof_vcpu[i];
				unsigned s = pd->csr_slot[csr];

				if (s && s - 1 != L0_PROF_CSR_OTHER)
					sub_acc(&a, &pd->now.csr[s - 1][w],
						window ? &pd->base.csr[s - 1][w]
						       : NULL);
			}
			snprintf(what, sizeof(what), "csr=0x%03x access=%s",
				 csr, w ? "w" : "r");
			print_acc("l0prof_csr", win, what, &a);
		}
	for (unsigned w = 0; w < 2; w++) {
		struct l0_prof_acc a = {0, 0};

		for (unsigned i = 0; i < g->nvcpus; i++) {
			const struct l0_prof_data *pd = &l0_prof_vcpu[i];

			sub_acc(&a, &pd->now.csr[L0_PROF_CSR_OTHER][w],
				window ? &pd->base.csr[L0_PROF_CSR_OTHER][w]
				       : NULL);
		}
		snprintf(what, sizeof(what), "csr=other access=%s",
			 w ? "w" : "r");
		print_acc("l0prof_csr", win, what, &a);
	}
	print_sbi(g, win, window);
}

/* The records of one vCPU's ring since its last dump, oldest first. */
static void print_trace(struct l0_prof *p, const char *win, unsigned vcpu)
{
	uint64_t n = p->trace_n;
	uint64_t kept = n < p->trace_len ? n : p->trace_len;
	const struct l0_prof_data *pd = &l0_prof_vcpu[vcpu];

	if (!p->trace_len)
		return;
	for (uint64_t k = n - kept; k < n; k++) {
		const struct l0_prof_rec *r = &p->trace[k % p->trace_len];
		char csr[8] = "-", sbi[24] = "-";

		if (r->what == L0_PROF_CSR_READ || r->what == L0_PROF_CSR_WRITE)
			snprintf(csr, sizeof(csr), "0x%03x", r->csr);
		if (r->what == L0_PROF_SBI && r->csr < L0_PROF_SBI_OTHER)
			snprintf(sbi, sizeof(sbi), "0x%x.%u",
				 (unsigned)pd->sbi_key[r->csr].ext,
				 (unsigned)pd->sbi_key[r->csr].fid);
		else if (r->what == L0_PROF_SBI)
			snprintf(sbi, sizeof(sbi), "other");
		printf("RVNEST l0trace win=%s vcpu=%u at=%llu level=%s "
		       "cause=%s insn=%s csr=%s sbi=%s pc=0x%llx instr=%u\n",
		       win, vcpu, (unsigned long long)r->at,
		       l0_prof_level_names[r->level],
		       cause_name_of_index(r->cause),
		       l0_prof_what_name(r->what), csr, sbi,
		       (unsigned long long)r->pc, r->instr);
	}
	printf("RVNEST l0trace_end win=%s vcpu=%u records=%llu dropped=%llu\n",
	       win, vcpu, (unsigned long long)kept,
	       (unsigned long long)(n - kept));
	p->trace_n = 0;
}

static void window_edge(struct l0_vcpu *v)
{
	struct l0_guest *g = v->guest;
	struct l0_prof *self = &v->prof;

	if (self->edge == L0_PROF_EDGE_OPEN) {
		/* open: the window's figures are differences from here; the
		 * trace rings start empty */
		for (unsigned i = 0; i < g->nvcpus; i++) {
			l0_prof_vcpu[i].base = l0_prof_vcpu[i].now;
			g->vcpu[i].prof.trace_n = 0;
		}
	} else {
		l0_lock(&g->console_lock);
		print_profile(g, self->edge_name, true);
		for (unsigned i = 0; i < g->nvcpus; i++)
			print_trace(&g->vcpu[i].prof, self->edge_name, i);
		l0_unlock(&g->console_lock);
	}
	self->edge = L0_PROF_EDGE_NONE;
}

void l0_prof_print_total(struct l0_guest *g)
{
	if (!g->opts->profile)
		return;
	print_profile(g, "total", false);
	/* the traps since the last window closed (or since boot) */
	for (unsigned i = 0; i < g->nvcpus; i++)
		print_trace(&g->vcpu[i].prof, "total", i);
}
