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
	L0_EV_COUNT,
};

struct l0_stats {
	uint64_t traps;
	uint64_t exc[EXC_COUNT];
	uint64_t irq[L0_IRQ_COUNT];
	uint64_t other; /* a cause beyond both tables (still counted) */
	uint64_t ev[L0_EV_COUNT];
};

void l0_stats_count_trap(struct l0_stats *s, unsigned long scause);
/* "ecall_vs:12,irq_s_timer:3" (nonzero entries of now - base), into buf */
void l0_stats_format_causes(const struct l0_stats *now,
			    const struct l0_stats *base, char *buf,
			    unsigned long len);
/* the `RVNEST l0stats ...` line */
void l0_stats_print(const struct l0_stats *s, unsigned nvcpus);
void l0_stats_add(struct l0_stats *sum, const struct l0_stats *s);
const char *l0_event_name(enum l0_event e);

#endif /* L0_STATS_H */
