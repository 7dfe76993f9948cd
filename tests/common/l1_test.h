/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the bare-metal test L1s (tests/aianest, tests/containment,
 * tests/nestneg) share in C: the end of a run in the harness's protocol
 * (harness/README.md), the report of a trap the test did not expect, and
 * the G-stage leaf they map L2's memory with. Their entry.S share
 * l1_entry.h.
 */
#ifndef TESTS_COMMON_L1_TEST_H
#define TESTS_COMMON_L1_TEST_H

#include <rvnest/encoding.h>
#include <stdint.h>

/* `RVNEST done status=<status>`, the console flushed, then SBI system
 * shutdown with status. */
void __attribute__((noreturn)) l1_test_finish(unsigned status);

/* A trap into the test L1 itself that it did not expect (its vector's
 * fatal path): `RVNEST error msg=trap_in_<what>` with scause's name, sepc
 * and stval, then l1_test_finish(1). */
void __attribute__((noreturn)) l1_test_fatal_trap(const char *what);

/* A G-stage leaf onto pa: R/W/X, U=1 (G-stage accesses are user accesses,
 * privileged spec "Guest Physical Address Translation"), A and D set so no
 * A/D update is ever needed. */
static inline uint64_t l1_test_gleaf(uint64_t pa)
{
	return ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W |
	       PTE_X | PTE_U | PTE_A | PTE_D;
}

#endif /* TESTS_COMMON_L1_TEST_H */
