/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-vCPU and per-guest state (DESIGN.md §2). While L1 runs, its
 * supervisor CSRs live in the real vs* CSRs; the struct holds its GPRs
 * (saved by the one trap entry in entry.S), its pc, and what L0 needs to
 * handle the trap.
 */
#ifndef L0_VCPU_H
#define L0_VCPU_H

#include <sbi_nested.h>
#include <stdbool.h>
#include <stdint.h>

#include "contain.h"
#include "gmem.h"
#include "hostdt.h"
#include "lock.h"
#include "mmio.h"
#include "options.h"
#include "profile.h"
#include "sched.h"
#include "stats.h"
#include "vcpu_asm.h"
#include "vhyp.h"
#include "vplic.h"
#include "vaplic.h"

/* GPR numbers of the calling convention's argument registers (psABI:
 * a0..a7 are x10..x17), as indices into struct l0_vcpu.gpr. */
enum l0_gpr {
	L0_GPR_A0 = 10,
	L0_GPR_A1 = 11,
	L0_GPR_A6 = 16,
	L0_GPR_A7 = 17,
};

/* The trap being handled, read once at entry (the CSRs may be changed by
 * the handler, e.g. when an exception is injected). */
struct l0_trap_info {
	unsigned long scause, stval, htval, htinst;
	unsigned long sstatus, hstatus;
};

struct l0_guest;
struct l0_pci;

struct l0_vcpu {
	/* layout fixed by vcpu_asm.h: gpr[], sepc, l0_sp */
	unsigned long gpr[32];
	unsigned long sepc;
	unsigned long l0_sp;

	struct l0_trap_info trap;
	struct l0_guest *guest;
	unsigned long vhartid; /* L1's hart ID */
	unsigned long hartid;  /* the host hart running it */
	/* HSM state (enum sbi_nested_hart_state), read and written with
	 * atomics: other vCPUs start this one and ask for its status */
	int hsm;
	unsigned long start_addr, start_opaque; /* for START_PENDING */

	/* Requests from other vCPUs, served on this vCPU's host hart when
	 * the host IPI arrives (l0_vcpu_serve_requests): a VS software
	 * interrupt to raise, and remote fences, one slot per asking vCPU
	 * (bit i of fence_mask: fence_arg[i] from vCPU i waits; vCPU i
	 * waits for its bit to clear before it asks again). */
	int ipi_pending;
	unsigned long fence_mask;
	struct sbi_nested_fence fence_arg[L0_MAX_VCPUS];
	/* hvip.VSEIP as last set on this hart (others compare with it) */
	int vseip;
	/* guest->dev_gen when vseip was computed (~0: compute again) */
	unsigned long dev_gen_seen;

	/* L1's SBI timer (stime) while it has no Sstc; ~0 = none */
	unsigned long sbi_timer;
	/* L1's virtual hypervisor state (l1.h=1) */
	struct l0_vhyp vh;

	struct l0_stats stats;
	struct l0_prof prof; /* the exit profiler (profile.h) */
	/* SBI_EXT_RVNEST bench window */
	bool bench_open;
	unsigned long bench_id;
	struct l0_stats bench_base;
	/* the closed window, printed by l0_bench_flush: with
	 * l0.benchwin=l2 only once L2 is between windows */
	bool bench_pending;
	unsigned long bench_iters;
	struct l0_stats bench_end;
	struct l0_stats bench_scratch; /* l0_bench_mark_empty's snapshot */
	/* diagnostic prints of access faults (rate-limited) */
	unsigned access_fault_reports;
	/* the watchdog and the loop checks (contain.h) */
	struct l0_contain contain;
	/* its saved hardware state and run time when it shares a host
	 * hart with other vCPUs (sched.h) */
	struct l0_sched_vcpu sched;
};

struct l0_guest {
	const struct l0_platform *host;
	const struct l0_options *opts;
	struct l0_gmem gmem;
	bool l1_has[L0_ISA_FEATURE_COUNT];
	unsigned long henvcfg;
	struct l0_vplic vplic;
	/* l1.aia=1: L1's APLIC instead of the vPLIC (NULL otherwise) */
	struct l0_vaplic *vaplic;
	/* l1.aia=1 with l1.h=1: L1's GEILEN (the host's less the file that
	 * is L1's own S file) */
	unsigned l1_geilen;
	/* L0 emulates the H extension for L1 (l1.h=1) */
	bool nested;
	struct l0_vhyp_caps vcaps;
	struct l0_mmio_device mmio[L0_MAX_MMIO];
	unsigned nmmio;
	/* PCI passthrough (l1.pci=, pci.h); NULL without */
	struct l0_pci *pci;
	struct l0_lock dev_lock; /* the emulated devices (vPLIC) */
	/* bumped under dev_lock by every access that may change an emulated
	 * device's state: a vCPU whose dev_gen_seen is current need not ask
	 * the vPLIC for its line again */
	unsigned long dev_gen;
	struct l0_lock console_lock; /* L0's and L1's console lines */
	struct sbi_nested_config sbi_cfg;
	struct sbi_nested sbi;
	/* set with L0_TRAP_SHUTDOWN / L0_TRAP_RESET */
	int exit_status;
	unsigned long reset_type, reset_reason;
	struct l0_vcpu vcpu[L0_MAX_VCPUS];
	unsigned nvcpus;
	/* how deep this L0 runs (1: on the machine's firmware; n + 1 on an
	 * L0 of depth n, found at boot through SBI_EXT_RVNEST DEPTH). Every
	 * protocol line of this L0 carries depth=. */
	unsigned depth;
};

/* Named outcome of handling one trap. */
enum l0_trap_outcome {
	L0_TRAP_RESUME,	  /* back into the guest */
	L0_TRAP_SHUTDOWN, /* the guest powered off: end the run */
	L0_TRAP_RESET,	  /* the guest asked for a system reset */
	L0_TRAP_FATAL,	  /* the guest did something L0 cannot go on from */
};

/* Write henvcfg for the features in g->l1_has; drop from l1_has the ones
 * the hardware/firmware does not let VS-mode use. */
void l0_guest_setup_envcfg(struct l0_guest *g);

/* The vCPU's state (no CSRs): STARTED at `entry` with a0 = hart ID and
 * a1 = `arg` (the DTB for the boot vCPU), or STOPPED until L1 starts it. */
void l0_vcpu_init(struct l0_vcpu *v, struct l0_guest *g, unsigned long vhartid,
		  unsigned long hartid, enum sbi_nested_hart_state hsm,
		  unsigned long entry, unsigned long arg);
/* The exceptions L0 delegates to L1 in hardware (hedeleg). */
unsigned long l0_vcpu_hedeleg(void);
/* The hypervisor CSRs of the host hart that runs `v` (once per hart). */
void l0_vcpu_hw_init(struct l0_vcpu *v);
/* L1's supervisor state at (re)start: as OpenSBI leaves S-mode. */
void l0_vcpu_reset_vs(struct l0_vcpu *v);
/* Park a STOPPED vCPU's host hart until L1 starts it (serving requests
 * meanwhile), then enter L1 at its start address. */
void __attribute__((noreturn)) l0_vcpu_park(struct l0_vcpu *v);
/* Serve what other vCPUs asked of this one (called on its own hart). */
void l0_vcpu_serve_requests(struct l0_vcpu *v);
/* Ask `t` (another vCPU) for a VS software interrupt / the fence `f` on
 * its hart, and wait for the fence to be done. */
void l0_vcpu_request_ipi(struct l0_vcpu *self, struct l0_vcpu *t);
void l0_vcpu_request_fence(struct l0_vcpu *self, struct l0_vcpu *t,
			   const struct sbi_nested_fence *f);
/* An SBI RFENCE fence on the calling vCPU's own hart (sbi_glue.c). */
void l0_vcpu_fence_local(struct l0_vcpu *self,
			 const struct sbi_nested_fence *f);
/* Tell the other vCPUs whose external-interrupt line the vPLIC changed. */
void l0_vcpu_kick_vseip(struct l0_vcpu *self);
/* Send the host IPI that makes t's host hart trap into L0. */
void l0_vcpu_kick(struct l0_vcpu *t);
/* Enter the guest (entry.S); never returns: the guest comes back only
 * through the trap vector. */
void __attribute__((noreturn)) l0_guest_enter(struct l0_vcpu *v);

/* Timer for L1 (SBI TIME or its Sstc vstimecmp). */
void l0_vcpu_set_timer(struct l0_vcpu *v, unsigned long stime);
/* L0's own S-mode timer (stimecmp with Sstc, else SBI on OpenSBI). */
void l0_host_timer_program(const struct l0_guest *g, unsigned long stime);

/* Make L1 take exception `cause` with vstval = tval at the current pc, as
 * a trap from VS/VU to VS-mode would (Privileged spec "Trap
 * Virtualization" / "sret"). */
void l0_vcpu_inject_exception(struct l0_vcpu *v, unsigned long cause,
			      unsigned long tval);

/* The counters of every vCPU added up. */
void l0_stats_sum(const struct l0_guest *g, struct l0_stats *total);

/* End the run: statistics, then power off (status 0 = success). */
void __attribute__((noreturn))
l0_finish(struct l0_vcpu *v, int status, const char *why);

#endif /* L0_VCPU_H */
