/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The exit profiler (DESIGN.md §8 "Where instructions go"): instret read
 * at L0's trap entry and just before the return to the guest, so that
 * under -icount shift=0,sleep=off every trap's cost inside L0 is an exact
 * instruction count. Each trap is accounted by level (L1 or L2) and
 * scause, and an L1 virtual-instruction trap also by what L0 emulated
 * (CSR number and read/write, HFENCE, HLV/HSV, SRET, WFI). Printed as
 * `RVNEST l0prof*` lines per l0bench window and at shutdown; with
 * l0.trace=<n> a ring of the last n traps per vCPU is printed too
 * (docs/protocol.md, l0-hyp/README.md "Profiling").
 *
 * What one trap's figure includes: everything from the instret read at
 * the top of l0_trap() to the one just before it returns to entry.S
 * (decode, dispatch, emulation, world switch, NACL write-back, this
 * accounting's own entry half). It excludes entry.S's GPR save before
 * l0_trap() and restore after it (a constant per trap, see the README),
 * and the instructions L0 spends printing its own measurement lines
 * (l0bench), which are counted apart as `excluded=`.
 */
#ifndef L0_PROFILE_H
#define L0_PROFILE_H

#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/insn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats.h"

/* What an L1 virtual-instruction trap emulated (vhyp.c reports it). */
enum l0_prof_what {
	L0_PROF_NONE, /* not a decoded virtual instruction */
	L0_PROF_CSR_READ,
	L0_PROF_CSR_WRITE, /* any form that writes (CSRRW, CSRRS/C rs1!=0) */
	L0_PROF_HFENCE_GVMA,
	L0_PROF_HFENCE_VVMA,
	L0_PROF_HLV,
	L0_PROF_HLVX,
	L0_PROF_HSV,
	L0_PROF_SRET,
	L0_PROF_WFI,
	L0_PROF_OTHER_INSN, /* decoded, but not an H instruction */
	L0_PROF_SBI,	    /* not an instruction: an SBI call L0 served */
	L0_PROF_WHAT_COUNT,
};

enum l0_prof_level { L0_PROF_L1, L0_PROF_L2, L0_PROF_LEVELS };

/* Cause slots per level: exceptions at their code (0..31), interrupts at
 * 32 + code. Only traps L0 resumes from are accounted, and those have a
 * handler (exception code < EXC_COUNT, interrupt code < L0_IRQ_COUNT), so
 * the mask never folds two causes together; it keeps the index in bounds
 * whatever scause holds. A power of two, so the index is shifts only. */
#define L0_PROF_CAUSES 64
_Static_assert(EXC_COUNT <= 32 && L0_IRQ_COUNT <= 32,
	       "every handled cause has its own profile slot");

/* distinct CSRs accounted one by one per vCPU; later ones share a slot
 * printed as csr=other (l1-guest-hyp touches ~20, Linux/KVM ~40) */
#define L0_PROF_CSR_SLOTS 64
#define L0_PROF_CSR_OTHER (L0_PROF_CSR_SLOTS - 1)
/* SBI calls of L1 by (extension, function), in a small open-addressed
 * table: a call that finds no free slot near its hash shares sbi=other */
#define L0_PROF_SBI_SLOTS 64
#define L0_PROF_SBI_OTHER (L0_PROF_SBI_SLOTS - 1)

struct l0_prof_acc {
	uint64_t n;	/* traps */
	uint64_t instr; /* instructions inside L0, summed */
};

struct l0_prof_counts {
	uint64_t traps, instr; /* filled when printed (sums of `cause`) */
	uint64_t excluded;     /* instructions spent printing l0bench lines */
	struct l0_prof_acc cause[L0_PROF_LEVELS][L0_PROF_CAUSES];
	struct l0_prof_acc what[L0_PROF_WHAT_COUNT];
	struct l0_prof_acc csr[L0_PROF_CSR_SLOTS][2]; /* [slot][write] */
	struct l0_prof_acc sbi[L0_PROF_SBI_SLOTS];
};

/* One trap in the l0.trace ring. */
struct l0_prof_rec {
	uint64_t at;	/* instret at entry */
	uint64_t pc;	/* sepc: where the guest trapped */
	uint32_t instr; /* inside L0 (saturated at 2^32-1) */
	uint16_t csr;	/* CSR number, or SBI slot for L0_PROF_SBI */
	uint8_t cause;	/* cause slot (see L0_PROF_CAUSES) */
	uint8_t level;	/* enum l0_prof_level */
	uint8_t what;	/* enum l0_prof_what */
};

/* A bench window edge, taken at the return of the marker's trap. */
enum l0_prof_edge {
	L0_PROF_EDGE_NONE,
	L0_PROF_EDGE_OPEN, /* snapshot every vCPU's counters, empty the rings */
	L0_PROF_EDGE_CLOSE, /* print the window's profile and trace */
};

struct l0_prof_data; /* profile.c: counters, base copy, CSR and SBI slots */

/* Per vCPU, kept small in struct l0_vcpu: the trap in progress and where
 * its figures go; the counters themselves live in profile.c. */
struct l0_prof {
	uint64_t t0;		    /* instret at entry */
	uint64_t excl;		    /* instructions left out of this trap */
	struct l0_prof_counts *now; /* = &data->now */
	struct l0_prof_data *data;
	struct l0_vcpu *vcpu; /* the vCPU this belongs to */
	bool on;
	uint8_t what; /* enum l0_prof_what: what L1's instruction was */
	uint16_t csr; /* its CSR number (CSR_READ / CSR_WRITE) */
	uint32_t sbi_ext, sbi_fid; /* L0_PROF_SBI: the call */
	/* l0bench window edge to take at this trap's return (enum
	 * l0_prof_edge) and its benchmark's name */
	uint8_t edge;
	const char *edge_name;
	/* l0.trace ring (trace_len = 0: off); trace_n = records written
	 * since the last dump */
	struct l0_prof_rec *trace;
	unsigned trace_len;
	uint64_t trace_n;
};

struct l0_vcpu;
struct l0_guest;

/* From l0_vcpu_init: profiling and the trace ring per l0.profile and
 * l0.trace. */
void l0_prof_init(struct l0_vcpu *v);

void l0_prof_account(struct l0_prof *p, unsigned long scause,
		     enum l0_prof_level level);

/* The three hooks test l0.profile inline, so that with it off each costs
 * a load and a branch. */

/* Entry half: the first thing l0_trap() does. */
static inline void l0_prof_trap_entry(struct l0_prof *p)
{
	if (!p->on)
		return;
	p->t0 = rd_instret();
	p->excl = 0;
	p->what = L0_PROF_NONE;
}

/* Return half: the last thing l0_trap() does before entry.S restores the
 * guest's registers. `level` is where the trap came from. */
static inline void l0_prof_trap_exit(struct l0_prof *p, unsigned long scause,
				     enum l0_prof_level level)
{
	if (p->on)
		l0_prof_account(p, scause, level);
}

/* vhyp.c's fast CSR read (l0_vhyp_csr_read_fast): the same note as
 * l0_prof_note_insn gives a CSR instruction that does not write. */
static inline void l0_prof_note_csr_read(struct l0_prof *p, unsigned csr)
{
	if (!p->on)
		return;
	p->what = L0_PROF_CSR_READ;
	p->csr = (uint16_t)(csr & 0xfff);
}

/* vhyp.c: L1's virtual-instruction trap decoded as `in`. Only notes it
 * (the buckets are found after the trap's figure is taken). */
static inline void l0_prof_note_insn(struct l0_prof *p, const struct insn *in)
{
	unsigned src;

	if (!p->on)
		return;
	switch (in->kind) {
	case INSN_CSR:
		/* Zicsr: CSRRW always writes; CSRRS/CSRRC write unless the
		 * source is x0 (register form) or 0 (immediate form) */
		src = in->csr_imm ? in->uimm : in->rs1;
		p->what = in->csr_op == INSN_CSR_RW || src ? L0_PROF_CSR_WRITE
							   : L0_PROF_CSR_READ;
		p->csr = (uint16_t)(in->csr & 0xfff);
		break;
	case INSN_SRET:
		p->what = L0_PROF_SRET;
		break;
	case INSN_WFI:
		p->what = L0_PROF_WFI;
		break;
	case INSN_HFENCE_GVMA:
		p->what = L0_PROF_HFENCE_GVMA;
		break;
	case INSN_HFENCE_VVMA:
		p->what = L0_PROF_HFENCE_VVMA;
		break;
	case INSN_HLV:
		p->what = L0_PROF_HLV;
		break;
	case INSN_HLVX:
		p->what = L0_PROF_HLVX;
		break;
	case INSN_HSV:
		p->what = L0_PROF_HSV;
		break;
	default:
		p->what = L0_PROF_OTHER_INSN;
		break;
	}
}

/* sbi_glue.c: the window for `name` opens or closes with this trap (the
 * profile window is taken at the trap's return, so it holds exactly the
 * traps l0bench counts: after BEGIN's, up to and including END's). */
void l0_prof_bench_edge(struct l0_prof *p, const char *name, bool begin);

/* Leave instructions out of the trap in progress (printing). */
static inline uint64_t l0_prof_pause(void)
{
	return rd_instret();
}

static inline void l0_prof_resume(struct l0_prof *p, uint64_t paused_at)
{
	uint64_t d = rd_instret() - paused_at;

	p->excl += d;
	if (p->now)
		p->now->excluded += d;
}

/* sbi_glue.c: L1's ecall is SBI call (ext, fid), served by L0. */
static inline void l0_prof_note_sbi(struct l0_prof *p, unsigned long ext,
				    unsigned long fid)
{
	if (!p->on)
		return;
	p->what = L0_PROF_SBI;
	p->sbi_ext = (uint32_t)ext;
	p->sbi_fid = (uint32_t)fid;
}

/* Shutdown: the whole run's profile and the rest of the trace rings. */
void l0_prof_print_total(struct l0_guest *g);

/* Host-testable formatting: "csr_w", "hfence_gvma", ... */
const char *l0_prof_what_name(enum l0_prof_what w);
/* The cause slot for scause (see L0_PROF_CAUSES): branch-free. */
static inline unsigned l0_prof_cause_index(unsigned long scause)
{
	return (unsigned)((scause & 31) | ((scause >> 58) & 32));
}
/* scause back from a slot */
static inline unsigned long l0_prof_cause_of_index(unsigned i)
{
	return i < 32 ? i : (CAUSE_INTERRUPT | (i - 32));
}

#endif /* L0_PROFILE_H */
