/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-vCPU exit counters: every trap into L0 is counted by cause, plus
 * the outcomes L0 chose. Printed as `RVNEST l0stats` (docs/protocol.md).
 */
#ifndef L0_STATS_H
#define L0_STATS_H

#include <rvnest/encoding.h>
#include <stdint.h>

#define L0_IRQ_COUNT 16

/* What L0 did with traps, beyond their cause. */
enum l0_event {
	L0_EV_SBI_CALL,	    /* ecall from VS handled by sbi-nested */
	L0_EV_MMIO_READ,    /* emulated device load */
	L0_EV_MMIO_WRITE,   /* emulated device store */
	L0_EV_INJECT_EXC,   /* exception forwarded into L1 */
	L0_EV_ACCESS_FAULT, /* L1 touched a GPA outside its memory */
	L0_EV_VIRQ,	    /* host interrupt turned into an L1 interrupt */
	/* L1 (virtual V=0) traps for the emulated H extension */
	L0_EV_L1_CSR,	 /* h* or vs* CSR access */
	L0_EV_L1_HFENCE, /* HFENCE.VVMA / HFENCE.GVMA */
	L0_EV_L1_HLV,	 /* HLV / HLVX / HSV */
	L0_EV_L1_SRET,	 /* SRET entering L2 (or returning inside L1) */
	L0_EV_L1_WFI,	 /* WFI under hstatus.VTW */
	/* traps from L2 (virtual V=1), by outcome */
	L0_EV_L2_EXIT,	      /* every trap into L0 while L2 ran */
	L0_EV_L2_FORWARD,     /* delivered to L1 as hardware would */
	L0_EV_L2_SHADOW_FILL, /* guest-page fault filled in the shadow */
	L0_EV_L2_L0_IRQ,      /* L0's own interrupt, L2 resumed */
	L0_EV_L2_DEVICE,      /* L2 access to an L1 device L0 emulates */
	L0_EV_COUNT,
};

struct l0_stats {
	uint64_t traps;
	uint64_t exc[EXC_COUNT];
	uint64_t irq[L0_IRQ_COUNT];
	uint64_t other; /* a cause beyond both tables (still counted) */
	/* the subset of traps taken while L2 ran, by cause */
	uint64_t l2_exc[EXC_COUNT];
	uint64_t l2_irq[L0_IRQ_COUNT];
	uint64_t ev[L0_EV_COUNT];
};

/* Every trap, by cause (inline: once per trap, a call and its return
 * were about a third of it) */
static inline void l0_stats_count_trap(struct l0_stats *s, unsigned long scause)
{
	unsigned long code = scause & ~CAUSE_INTERRUPT;

	s->traps++;
	/* an exception's scause is its code (the interrupt bit clear): one
	 * unsigned compare for the most frequent traps */
	if (scause < EXC_COUNT)
		s->exc[scause]++;
	else if ((scause & CAUSE_INTERRUPT) && code < L0_IRQ_COUNT)
		s->irq[code]++;
	else
		s->other++;
}

/* the trap just counted came from L2 */
static inline void l0_stats_count_l2_trap(struct l0_stats *s,
					  unsigned long scause)
{
	unsigned long code = scause & ~CAUSE_INTERRUPT;

	s->ev[L0_EV_L2_EXIT]++;
	if (scause < EXC_COUNT) /* an exception (as above) */
		s->l2_exc[scause]++;
	else if ((scause & CAUSE_INTERRUPT) && code < L0_IRQ_COUNT)
		s->l2_irq[code]++;
}
/* "ecall_vs:12,..." for the L2 subset */
void l0_stats_format_l2_causes(const struct l0_stats *now,
			       const struct l0_stats *base, char *buf,
			       unsigned long len);
/* "ecall_vs:12,irq_s_timer:3" (nonzero entries of now - base), into buf */
void l0_stats_format_causes(const struct l0_stats *now,
			    const struct l0_stats *base, char *buf,
			    unsigned long len);
/* the `RVNEST l0stats ...` line */
void l0_stats_print(const struct l0_stats *s, unsigned nvcpus);
void l0_stats_add(struct l0_stats *sum, const struct l0_stats *s);
const char *l0_event_name(enum l0_event e);

#endif /* L0_STATS_H */
