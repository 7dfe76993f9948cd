/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * l1-guest-hyp private interfaces. One vCPU (the L2 micro-guest), one hart.
 * The layout constants at the top are shared with switch.S.
 */
#ifndef L1_H
#define L1_H

/* L2 vCPUs, one per L1 hart (QEMU virt has up to 8 harts; L0 up to 4). */
#define L1_MAX_VCPUS 4

/* struct l1_hart_boot layout for switch.S: sp, tp */
#define L1_BOOT_SP 0
#define L1_BOOT_TP 8

/* struct l1_vcpu layout for switch.S: gpr[32] (slot 0 unused), sepc, then
 * L1's own callee-saved context (ra, sp, gp, tp, s0..s11). */
#define L1_REG_BYTES 8
#define L1_VCPU_SEPC (32 * L1_REG_BYTES)
#define L1_VCPU_HOST (33 * L1_REG_BYTES)
#define L1_HOST_REGS 16

/* x-register numbers of the calling convention's argument registers. */
#define L1_REG_X0 0
#define L1_REG_RA 1
#define L1_REG_A0 10
#define L1_REG_A1 11
#define L1_REG_A6 16
#define L1_REG_A7 17

#ifndef __ASSEMBLER__

#include <rvnest/bench.h>
#include <rvnest/encoding.h>
#include <rvnest/pt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "testdev.h"

/* Exit statistics: one counter per cause; the extra slot of each array
 * counts causes beyond the named ones. */
#define L1_IRQ_SLOTS 16
struct l1_exit_stats {
	uint64_t exc[EXC_COUNT + 1];
	uint64_t irq[L1_IRQ_SLOTS + 1];
	uint64_t total;
};

/* What the trap left in the CSRs, read once right after the exit. */
struct l1_trap {
	unsigned long scause, stval, htval, htinst, hstatus;
};

struct l1_vcpu {
	unsigned long gpr[32];
	unsigned long sepc;
	unsigned long host[L1_HOST_REGS];

	struct l1_trap trap;
	struct l1_exit_stats stats;
	struct l1_exit_stats bench_start; /* snapshot at BENCH_BEGIN */
	bool bench_active;
	unsigned long bench_id;
	unsigned bench_done_mask; /* bit per enum bench_id reported */

	struct l1_testdev dev;
	unsigned long hartid;	 /* the L2 hart id (virtual): its index */
	unsigned long l1_hartid; /* the L1 hart that runs it */
	/* L2's SBI HSM state of this vCPU (SBI_HSM_STATE_*), and where a
	 * START_PENDING one starts; written by another vCPU's hart */
	int hsm;
	unsigned long start_addr, start_opaque;
	/* an IPI from another vCPU waits to be injected (smp.c) */
	int ipi_pending;
	/* remote fences asked of this vCPU, one slot per asking vCPU: bit i
	 * of fence_mask set = fence[i] from vCPU i waits (smp.c) */
	unsigned long fence_mask;
	struct l1_fence {
		unsigned long fid, start, size, asid;
	} fence[L1_MAX_VCPUS];

	/* Set by a handler that returns L1_EXIT_FAILED / SHUTDOWN. */
	const char *fail_msg;
	unsigned long shutdown_reason;
};

_Static_assert(offsetof(struct l1_vcpu, sepc) == L1_VCPU_SEPC,
	       "switch.S sepc offset");
_Static_assert(offsetof(struct l1_vcpu, host) == L1_VCPU_HOST,
	       "switch.S host context offset");

/* Outcome of handling one exit: decided by the handler, acted on in one
 * place (l1_run in main.c). */
enum l1_exit {
	L1_EXIT_RESUME,	    /* handled: re-enter L2 at vcpu->sepc */
	L1_EXIT_SHUTDOWN,   /* L2 asked SRST: finish with its reason */
	L1_EXIT_UNEXPECTED, /* no handler for this cause */
	L1_EXIT_FAILED,	    /* a handler refused; vcpu->fail_msg says why */
};

/* Machine facts found at boot. */
struct l1_platform {
	unsigned long hartid;
	uint64_t mem_base, mem_size;
	bool has_h;
	bool sstc;
	uint64_t timebase_hz;
	bool passdev; /* rvnest.passdev=1: L2 is guests/passdev */
};

extern struct l1_platform l1_plat;

/* smp.c: the vCPUs, their harts, HSM/IPI/RFENCE across them */
extern struct l1_vcpu l1_vcpus[L1_MAX_VCPUS];
extern unsigned l1_nvcpus;
struct l1_hart_boot {
	unsigned long sp, tp;
};
/* Boot hart: find the other harts in the device tree, give each a vCPU
 * (STOPPED), a stack and a TLS block, start them and wait until each has
 * set up its hypervisor CSRs and waits for L2 to start its vCPU. NULL, or
 * why not. */
const char *l1_smp_init(const void *fdt);
/* Every vCPU's exit counters added up. */
void l1_stats_sum(struct l1_exit_stats *out);
/* irq_s_soft: another hart asked for something (an IPI for L2). */
enum l1_exit l1_smp_soft_irq(struct l1_vcpu *v);
/* SBI for L2: the HSM, IPI and RFENCE extensions' handlers report through
 * these (sbi.c calls them for vCPUs other than the caller). */
long l1_smp_hart_start(unsigned long hartid, unsigned long addr,
		       unsigned long opaque);
long l1_smp_hart_status(unsigned long hartid, unsigned long *state);
void l1_smp_send_ipi(struct l1_vcpu *self, unsigned long target);
long l1_smp_remote_sfence(struct l1_vcpu *self, unsigned long target,
			  unsigned long fid, unsigned long start,
			  unsigned long size, unsigned long asid);
/* main.c: per-hart setup shared by the boot hart and the others, and the
 * run loop of one vCPU */
void l1_hart_setup(void);
void __attribute__((noreturn)) l1_run_vcpu(struct l1_vcpu *v);
void l1_console_lock(void);
void l1_console_unlock(void);

/* switch.S */
void l1_enter_guest(struct l1_vcpu *v);
void l1_secondary_entry(void);
void l1_trap_entry(void);
void __attribute__((noreturn)) l1_self_trap(void);

/* exit.c: the exit dispatcher and its counters */
enum l1_exit l1_handle_exit(struct l1_vcpu *v);
void l1_count_exit(struct l1_exit_stats *s, unsigned long scause);
enum l1_exit l1_fail(struct l1_vcpu *v, const char *msg);

/* gstage.c: page pool, G-stage for L2, guest memory access */
void l1_pool_init(uint64_t base, uint64_t end);
uint64_t l1_pool_alloc(uint64_t size, uint64_t align);
uint64_t l1_pool_free_bytes(void);
/* Build L2's G-stage, copy the image in, program hgatp. Returns NULL or a
 * failure message. */
const char *l1_gstage_init(const void *image, size_t image_size);
/* Program this hart's hgatp for the (already built) G-stage. */
const char *l1_gstage_hart_init(void);
/* Translate an L2 GPA through L1's G-stage; false if unmapped. */
bool l1_gpa_to_pa(uint64_t gpa, enum pt_access access, uint64_t *pa);
/* Map one L2 page onto L1 physical page pa (a device) with flags R/W. */
const char *l1_gstage_map_device(uint64_t gpa, uint64_t pa, uint64_t flags);
enum l1_exit l1_guest_page_fault(struct l1_vcpu *v);

/* testdev.c: the emulated MMIO device */
enum l1_exit l1_testdev_mmio(struct l1_vcpu *v, uint64_t gpa);
bool l1_gpa_is_testdev(uint64_t gpa);

/* passdev.c: rvnest.passdev=1, L2 gets L1's UART page and PLIC context */
const char *l1_passdev_init(const void *fdt);
void l1_passdev_sync(void);
enum l1_exit l1_passdev_ext_irq(struct l1_vcpu *v);
enum l1_exit l1_passdev_fault(struct l1_vcpu *v, uint64_t gpa);
enum l1_exit l1_passdev_fetch_fault(struct l1_vcpu *v);

/* aia.c: AIA mode, L2's interrupts as MSIs into a guest interrupt file */
struct l1_aia {
	bool on;
	unsigned geilen;
	unsigned vgein;	       /* L2's guest file (hstatus.VGEIN) */
	unsigned long file_pa; /* its page, where L1 writes MSIs */
};
extern struct l1_aia l1_aia;
/* Decide the mode (printed as `RVNEST l1irq mode=...`), and in AIA mode
 * select, clear and map L2's guest file. NULL or a failure message. */
const char *l1_aia_init(const void *fdt, unsigned long hartid);
/* hstatus.VGEIN = L2's guest file (0 when AIA mode is off). */
void l1_aia_hart_setup(void);
void l1_aia_send_msi(unsigned id);
/* Is identity id pending in L2's guest file? */
bool l1_aia_pending(unsigned id);

/* sbi.c: the SBI L1 offers L2 */
enum l1_exit l1_sbi_call(struct l1_vcpu *v);

/* vtimer.c: timer and IPI injection */
void l1_vtimer_init(void);
void l1_vtimer_set(uint64_t deadline);
enum l1_exit l1_vtimer_host_irq(struct l1_vcpu *v);
void l1_inject_ipi(void);

/* bench.c: BENCH_BEGIN / BENCH_END accounting */
long l1_bench_begin(struct l1_vcpu *v, unsigned long id);
long l1_bench_end(struct l1_vcpu *v, const unsigned long *args);
bool l1_bench_all_done(const struct l1_vcpu *v);

#endif /* __ASSEMBLER__ */
#endif /* L1_H */
