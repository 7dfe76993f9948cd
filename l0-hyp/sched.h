/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vCPU scheduling when L1 has more vCPUs than the host has harts
 * (l1.harts > QEMU -smp; DESIGN.md §8 "vCPUs beyond harts"). vCPU i runs
 * on host hart i mod H (H = the harts L0 uses): each hart has a run
 * queue of its own vCPUs, served round robin in time slices of L0's
 * timer (l0.slice=<us>). A vCPU whose L1 waits in WFI (hstatus.VTW = 1
 * while a hart is shared) yields its hart until one of its interrupts is
 * pending: its timer (SBI TIME or Sstc), an IPI, its vPLIC line. Requests
 * to a descheduled vCPU (IPI, remote fences) wait in its struct l0_vcpu
 * and are served when it is switched in. With no more vCPUs than harts
 * nothing here runs: every vCPU keeps a hart of its own, as before.
 *
 * State on a switch: the GPRs and pc are in struct l0_vcpu already (the
 * one trap entry saves them); the hardware VS/H CSRs (L1's, or L2's
 * while L2 runs, with the shadow's hgatp) are saved in struct
 * l0_sched_vcpu; the emulated H state and the shadow (vh) and the SBI
 * timer are per vCPU already. See l0-hyp/README.md "vCPU scheduling".
 */
#ifndef L0_SCHED_H
#define L0_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include <sbi_nested.h>

#include "options.h"

struct l0_vcpu;
struct l0_guest;
struct l0_platform;

/* What a vCPU is doing, as its hart's scheduler sees it. */
enum l0_sched_state {
	L0_SCHED_READY,	  /* runnable, not on its hart now */
	L0_SCHED_RUNNING, /* on its hart (or its hart is in L0 for it) */
	L0_SCHED_BLOCKED, /* L1 waits in WFI for an interrupt */
};

/* The hardware CSRs that hold a vCPU's state while it is on its hart. */
struct l0_sched_csrs {
	unsigned long vsstatus, vsie, vstvec, vsscratch, vsepc, vscause;
	unsigned long vstval, vsatp, vstimecmp;
	unsigned long hstatus, hedeleg, hideleg, hie, hvip, hcounteren;
	unsigned long henvcfg, htimedelta, hgatp;
	unsigned long sstatus_spp;
};

struct l0_sched_vcpu {
	unsigned hart; /* index of its host hart in the scheduler */
	int state;     /* enum l0_sched_state, under the scheduler lock */
	bool loaded;   /* its CSRs are in its hart's hardware */
	bool ever_ran; /* csrs holds its state (else the hart's boot one) */
	/* a remote fence arrived while this vCPU was off its hart and the
	 * asker's slot still held an earlier one: flush everything when
	 * it is switched in (flushing more is always allowed) */
	bool fence_full;
	struct l0_sched_csrs csrs;
	/* statistics: time on its hart (timebase ticks), times switched
	 * in, WFIs that gave the hart away */
	uint64_t run_ticks, switches, wfi_yields;
	uint64_t since; /* time it was switched in */
};

/* Whether the scheduler runs (set once at boot, read everywhere). */
extern bool l0_sched_enabled;

static inline bool l0_sched_on(void)
{
	return l0_sched_enabled;
}

/* How many host harts L0 uses for `nvcpus` vCPUs on `ncpus` host harts;
 * turns the scheduler on when that is fewer than nvcpus. */
unsigned l0_sched_setup(struct l0_guest *g, unsigned ncpus);
/* The host hart index (into l0_platform.hart[]) of vCPU i. */
unsigned l0_sched_hart_of(unsigned i);
/* On each host hart, after l0_vcpu_hw_init(v): WFI traps from now on
 * (VTW), and these CSRs are the boot state of vCPUs not yet run here.
 * `running`: v is about to be entered on this hart (the boot hart). */
void l0_sched_hart_init(struct l0_vcpu *v, bool running);
/* At the end of every trap: the vCPU to enter (v, or another of v's
 * hart when v's slice ended, v waits in WFI or v stopped). */
struct l0_vcpu *l0_sched_resume(struct l0_vcpu *v);
/* L1 executed WFI in VS-mode (trapped through VTW; the caller moves
 * the pc past it): v yields unless an interrupt is pending already. */
void l0_sched_wfi(struct l0_vcpu *v);
/* L2 executed WFI in VS-mode on a shared hart (the real hstatus.VTW is
 * set for L2 too then, vhyp.c): when L1 did not ask to trap it (its
 * virtual VTW = 0), L0 waits for L2 as hardware would, giving the hart
 * away, and returns true (the pc moved past it); false: L1's to handle. */
bool l0_sched_l2_wfi(struct l0_vcpu *v);
/* SBI HSM suspend of v (hsm SUSPENDED already): with the scheduler on,
 * v is BLOCKED as in WFI until an interrupt it enabled is pending, and
 * its switch-in makes it STARTED again; true. False when the scheduler is
 * off (the caller waits on the hart). */
bool l0_sched_suspend(struct l0_vcpu *v);
/* v is STOPPED (SBI HSM) or its hart just started: run something else
 * of its hart, waiting in WFI while nothing can run. */
void __attribute__((noreturn)) l0_sched_park(struct l0_vcpu *v);
/* An IPI for t (another vCPU): recorded in t; its hart is kicked when
 * t is RUNNING (t takes it at once) or when the hart is idle (it wakes t);
 * else (t BLOCKED or READY) t's hart serves it before t runs again: at
 * its switch-in, or when it wakes without leaving its hart
 * (l0_sched_resume). Rule (issue 15's hang): t's state changes to
 * RUNNING and that serving happen under the scheduler lock, and the
 * requester records before it reads the state under the same lock, so
 * a request is either kicked or served. */
void l0_sched_request_ipi(struct l0_vcpu *t);
/* A remote fence for t, from self: true when t is on its hart (the
 * asker's slot holds the fence; the caller kicks t and waits for it as
 * without the scheduler); false when t is not RUNNING: t's hart
 * does the fence before t runs again (in the asker's slot, or everything
 * when that slot still held an earlier fence; as for an IPI), and nobody
 * waits. */
bool l0_sched_request_fence(struct l0_vcpu *self, struct l0_vcpu *t,
			    const struct sbi_nested_fence *f);
/* The end of v's slice on its hart (~0 when the scheduler is off): L0's
 * timer fires by then. */
unsigned long l0_sched_deadline(const struct l0_vcpu *v);
/* The `RVNEST l0sched` line (docs/protocol.md): per-vCPU run time,
 * switches and WFI yields. Nothing when the scheduler is off. */
void l0_sched_print(const struct l0_guest *g);

#endif /* L0_SCHED_H */
