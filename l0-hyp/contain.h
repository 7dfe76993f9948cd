/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fault containment (l0-hyp/README.md "Fault containment"): an L1 that
 * can no longer make progress ends the run with one `RVNEST error` line
 * naming what happened, followed by L0's statistics, instead of hanging.
 *
 *  - the watchdog: L0's own timer (L0 keeps it whatever L1 does with its
 *    interrupts) checks every l0.watchdog milliseconds that L1 trapped
 *    into L0 or waited in WFI; an L1 that did neither with its interrupts
 *    off is spinning (msg=L1_spins_with_interrupts_off), or looping on
 *    faults at its own trap vector (msg=L1_trap_vector_faults);
 *  - an exception L0 would deliver at the address that raised it (L1's
 *    trap vector faults: every delivery faults again), and the same
 *    instruction fetch from a non-memory address delivered over and over
 *    (msg=L1_fetch_fault_loop);
 *  - a shadow G-stage pool too small for one L2 instruction: each fill
 *    flushes what the other access of the same instruction needs
 *    (msg=shadow_pool_thrashing). A pool that merely runs out is flushed
 *    and refilled (shadow/README.md "Pool"): that is not an error.
 *
 * L2's faults are L1's business: they reach L1 as on hardware, and the
 * watchdog does not judge L1 while L2 runs (L1's own interrupts still
 * take the hart back from L2 through L0).
 */
#ifndef L0_CONTAIN_H
#define L0_CONTAIN_H

#include <stdbool.h>
#include <stdint.h>

/* the same fetch access fault at the same pc, delivered this many times
 * in a row (no other exception delivered between), is a loop */
#define L0_FETCH_LOOP_LIMIT 64
/* pool exhaustions at one L2 pc, each on a GPA already seen in the last
 * L0_POOL_THRASH_RING exhaustions, that make a livelock */
#define L0_POOL_THRASH_LIMIT 8
#define L0_POOL_THRASH_RING 4

struct l0_vcpu;

struct l0_contain {
	/* watchdog: period and next deadline in timebase ticks (~0: off) */
	unsigned long wdog_period, wdog_deadline;
	uint64_t wdog_mark; /* stats.traps after the last check */
	bool wdog_waited;   /* L1 waited in WFI since the last check */
	/* repeated fetch faults */
	unsigned long fetch_pc;
	unsigned fetch_repeats;
	/* shadow pool exhaustions (shadow stats.pool_exhausted seen) */
	uint64_t pool_seen;
	unsigned long thrash_pc;
	uint64_t thrash_gpa[L0_POOL_THRASH_RING];
	unsigned thrash_next, thrash_repeats;
};

/* What a check found. */
enum l0_contain_verdict {
	L0_CONTAIN_OK,
	L0_CONTAIN_STOP, /* the RVNEST error line is printed: end the run */
};

/* L1 starts (or restarts through HSM) on this vCPU: arm the watchdog. */
void l0_contain_start(struct l0_vcpu *v);
/* The watchdog's deadline, for L0's timer (~0UL: none). */
static inline unsigned long l0_contain_deadline(const struct l0_contain *c)
{
	return c->wdog_deadline;
}
/* L0's timer fired: judge L1 if the watchdog's deadline has passed. */
enum l0_contain_verdict l0_contain_timer(struct l0_vcpu *v);
/* L1 waits in WFI for an interrupt (hstatus.VTW): that is progress. */
static inline void l0_contain_waiting(struct l0_contain *c)
{
	c->wdog_waited = true;
}
/* Before L0 delivers exception `cause` raised at v->sepc into L1. */
enum l0_contain_verdict l0_contain_inject(struct l0_vcpu *v,
					  unsigned long cause);
/* After a shadow fill for L2's access to gpa at L2's pc that found the
 * pool exhausted (shadow stats.pool_exhausted grew). */
enum l0_contain_verdict l0_contain_pool_exhausted(struct l0_vcpu *v,
						  uint64_t gpa);

#endif /* L0_CONTAIN_H */
