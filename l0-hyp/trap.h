/* SPDX-License-Identifier: BSD-2-Clause */
/* The C half of L0's one trap entry (entry.S calls l0_trap). */
#ifndef L0_TRAP_H
#define L0_TRAP_H

#include "vcpu.h"

/* Handle the trap `v` just took; returns the vCPU to resume. */
struct l0_vcpu *l0_trap(struct l0_vcpu *v);
/* What every trap does before resuming the guest: L1's external
 * interrupt line from the vPLIC, and an interrupt of L1 that ends L2 or
 * that L1 takes now (also used by sched.c after a switch-in). */
void l0_trap_resume_checks(struct l0_vcpu *v);
/* An exception in L0 itself: diagnose and stop. */
void __attribute__((noreturn)) l0_self_trap(void);
void __attribute__((noreturn)) l0_main_returned(void);

/* The SBI glue (sbi_glue.c): set up sbi-nested for the guest, and the
 * ecall_vs handler. */
void l0_sbi_setup(struct l0_guest *g);
enum l0_trap_outcome l0_sbi_ecall(struct l0_vcpu *v);
/* Open (begin) or close L0's l0bench window for benchmark `id` (sbi_glue.c):
 * from L1's SBI_EXT_RVNEST calls, or from L2's (l0.benchwin=l2). */
void l0_bench_mark(struct l0_vcpu *self, unsigned long id, bool begin,
		   unsigned long iters);
/* L2's BENCH_EMPTY_END (l0.benchwin=l2): the snapshot BENCH_END takes,
 * taken and dropped, so that kvm-vmm's empty window holds the same L0 work
 * as its benchmark window and the difference does not (sbi_glue.c). */
void l0_bench_mark_empty(struct l0_guest *g);
/* Prints the l0bench line of the last window closed, if not yet printed:
 * called when L2 is between windows, and at shutdown. */
void l0_bench_flush(struct l0_vcpu *self);
/* Wait in L0 until the vCPU has an interrupt to take (retentive suspend).
 * Services L0's own interrupts while waiting. */
void l0_wait_for_guest_interrupt(struct l0_vcpu *v);

#endif /* L0_TRAP_H */
