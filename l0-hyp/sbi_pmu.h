/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L0's side of SBI PMU (sbi-nested/pmu.c). vCPU i runs alone on host hart
 * i, so that hart's hardware counters are the vCPU's: L1's requests for
 * them go to OpenSBI's PMU on that hart (L0 is itself an SBI client of
 * OpenSBI), after sbi-nested validated them; the firmware counters are
 * sbi-nested's, and L0 feeds them the traps it handles for L1.
 */
#ifndef L0_SBI_PMU_H
#define L0_SBI_PMU_H

#include <rvnest/sbi.h>
#include <sbi_nested.h>

struct l0_guest;
struct l0_vcpu;

/* At boot, before L1's DT is built: L1 keeps Sscofpmf (it was copied from
 * the host's ISA) only if its counter-overflow interrupt (LCOFI, 13) can
 * reach it: hideleg takes it, or the host has Ssaia and hvien does. */
void l0_pmu_setup_lcofi(struct l0_guest *g);

/* On each hart: the LCOFI path chosen (hideleg[13], or hvien[13] and
 * L0's own sie.LCOFIE). */
void l0_pmu_hart_init(void);

/* LCOFI taken by L0 (the hvien path): assert it for L1. */
void l0_pmu_lcofi(struct l0_vcpu *v);

/* Once at boot, after l0_sbi_setup(): find OpenSBI's hardware counters
 * and give sbi-nested its per-hart state. */
void l0_pmu_setup(struct l0_guest *g);

/* vCPU v is being started (HSM start after a stop), on its own host
 * hart: its firmware counters and snapshot memory are reset, and the
 * hardware counters it may have configured are stopped and freed at
 * OpenSBI (cycle and instret keep running, as at boot). */
void l0_pmu_hart_reset(struct l0_vcpu *v);

/* L0 delivers exception `cause` to L1 (it handled the trap): count the
 * matching firmware event (misaligned, access fault, illegal insn). */
void l0_pmu_trap_event(struct l0_vcpu *v, unsigned long cause);

/* sbi_nested_ops.pmu_hw / pmu_hw_read (ctx = the calling vCPU) */
struct sbiret l0_pmu_hw(void *ctx, unsigned long hartid, unsigned long fid,
			const unsigned long args[5]);
enum sbi_nested_status l0_pmu_hw_read(void *ctx, unsigned long hartid,
				      unsigned long idx, unsigned long *value);
/* sbi_nested_ops.pmu_hw_overflow: scountovf, when L1 has Sscofpmf */
unsigned long l0_pmu_hw_overflow(void *ctx, unsigned long hartid);

#endif /* L0_SBI_PMU_H */
