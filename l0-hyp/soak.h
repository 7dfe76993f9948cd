/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Soak runs (issue 17 item 4, l0-hyp/README.md "Soak"): with
 * l0.soak=<every>,<exits>[,<seconds>], L0 prints one `RVNEST l0soak` line
 * every <every> L2 exits -- its cumulative counters, instructions retired
 * and the memory it holds (shadow pool in use and its high-water mark,
 * trace ring) -- and ends the run after <exits> exits or <seconds>.
 */
#ifndef L0_SOAK_H
#define L0_SOAK_H

struct l0_vcpu;

/* After every L2 exit is counted (trap.c dispatch_l2), when l0.soak is
 * on: the interval's line, and the end of the run after the last one. */
void l0_soak_l2_exit(struct l0_vcpu *v);

#endif
