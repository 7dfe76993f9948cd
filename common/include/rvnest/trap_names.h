/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stable short names for scause values: the names every machine-readable
 * counter line uses (harness and benchmarks parse them).
 */
#ifndef RVNEST_TRAP_NAMES_H
#define RVNEST_TRAP_NAMES_H

/* e.g. "ecall_vs", "virtual_inst", "load_guest_page_fault", "irq_s_timer";
 * "exc_<n>" / "irq_<n>" for anything unnamed. Returns a static string. */
const char *trap_cause_name(unsigned long scause);

#endif
