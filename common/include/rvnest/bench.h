/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The microbenchmarks and the platform contract between an L2 micro-guest
 * (guests/micro/) and whatever hosts it (l1-guest-hyp today, a KVM-based
 * VMM later). guests/micro/README.md documents the same contract in prose.
 *
 * Benchmark names are fixed by docs/protocol.md; the IDs travel in
 * SBI_EXT_RVNEST BENCH_BEGIN/BENCH_END (a0).
 */
#ifndef RVNEST_BENCH_H
#define RVNEST_BENCH_H

#include <rvnest/encoding.h>

/* ---- L2 guest physical memory map ------------------------------------ */
#define L2_RAM_BASE _UL(0x80000000)
#define L2_RAM_SIZE _UL(0x400000) /* 4 MiB */
/* The upper half of RAM is never touched before the gstage_fault
 * benchmark, so each of its pages is first touched there. The guest's
 * image, data and stack live below it (guests/micro/micro.ld). */
#define L2_FRESH_BASE (L2_RAM_BASE + _UL(0x200000))
#define L2_FRESH_SIZE _UL(0x200000)

/* ---- the MMIO test device ----------------------------------------------
 * One 4 KiB page of 64-bit registers (accessed with 4- or 8-byte aligned
 * loads/stores; anything else is a guest error). Its interrupt line is the
 * guest's supervisor external interrupt (scause = interrupt 9) directly:
 * there is no interrupt controller in the micro-guest platform. */
#define TESTDEV_BASE _UL(0x10080000)
#define TESTDEV_SIZE _UL(0x1000)
#define TESTDEV_REG_ID 0x00	   /* RO: TESTDEV_MAGIC */
#define TESTDEV_REG_SCRATCH 0x08   /* RW: reads return the last write */
#define TESTDEV_REG_IRQ_RAISE 0x10 /* WO: assert the interrupt line */
#define TESTDEV_REG_IRQ_ACK 0x18   /* WO: deassert it (completion) */
#define TESTDEV_REG_IRQ_COUNT 0x20 /* RO: interrupts raised so far */
/* RO: the L2 GPA of L2's IMSIC interrupt file when L1 delivers L2's
 * interrupts as MSIs (l1-guest-hyp's AIA mode), else 0. In AIA mode a
 * raise is an MSI of TESTDEV_MSI_ID_VIRQ into that file, not a level:
 * IRQ_ACK is not needed (the guest claims it with stopei). */
#define TESTDEV_REG_MSI_PAGE 0x28
/* AIA mode: where L2's interrupt file is in its guest-physical space (the
 * S-level IMSIC address of QEMU virt), and the identities the benchmarks
 * use (IMSIC identities 1..63 are in eip0/eie0). */
#define L2_IMSIC_GPA _UL(0x28000000)
#define TESTDEV_MSI_ID_IPI 1
#define TESTDEV_MSI_ID_VIRQ 2
#define TESTDEV_MAGIC _UL(0x52564e54) /* "RVNT" */

#ifndef __ASSEMBLER__

enum bench_id {
	BENCH_HYPERCALL,
	BENCH_MMIO,
	BENCH_IPI,
	BENCH_VIRQ,
	BENCH_GSTAGE_FAULT,
	BENCH_TIMER,
	BENCH_COMPUTE,
	/* With a second vCPU only (the guest asks SBI HSM whether hart 1
	 * exists): an IPI to the other vCPU, idle in WFI, until its
	 * handler's IPI back has arrived; an SBI remote SFENCE.VMA of one
	 * page on the other vCPU, idle in WFI. guests/micro runs its
	 * benchmarks in id order: these two follow the single-vCPU ones. */
	BENCH_IPI_REMOTE,
	BENCH_RFENCE_REMOTE,
	/* guests/passdev (rvnest/passdev.h): L2's accesses to a device page
	 * L1 passes through (the UART) and to one L0 emulates on L1's
	 * behalf when nested (the PLIC context) */
	BENCH_DEV_PASSTHROUGH,
	BENCH_DEV_EMULATED,
	/* With a second vCPU (after rfence_remote in guests/micro's order):
	 * an IPI to a vCPU that has idled in WFI since it started, until
	 * its handler's IPI back has arrived. The receiver is vCPU 2 when L2
	 * has a third vCPU (it serves no other benchmark; on L0 with 4 vCPUs
	 * on 2 harts it shares vCPU 0's host hart, so the IPI wakes a
	 * descheduled vCPU), else vCPU 1, where it is ipi_remote's path. */
	BENCH_IPI_IDLE,
	BENCH_COUNT,
};
/* The micro-guest benchmarks from here on need two vCPUs. */
#define BENCH_SMP_FIRST BENCH_IPI_REMOTE

/* The benchmarks each L2 guest runs (a host checks all were reported):
 * guests/micro's on one vCPU, the two more it runs on two, guests/passdev's */
#define BENCH_MICRO_MASK ((1u << BENCH_SMP_FIRST) - 1)
#define BENCH_SMP_MASK                                            \
	((1u << BENCH_IPI_REMOTE) | (1u << BENCH_RFENCE_REMOTE) | \
	 (1u << BENCH_IPI_IDLE))
#define BENCH_PASSDEV_MASK \
	((1u << BENCH_DEV_PASSTHROUGH) | (1u << BENCH_DEV_EMULATED))

/* docs/protocol.md names; NULL for an id that is not a benchmark. */
static inline const char *bench_name(unsigned long id)
{
	switch (id) {
	case BENCH_HYPERCALL:
		return "hypercall";
	case BENCH_MMIO:
		return "mmio";
	case BENCH_IPI:
		return "ipi";
	case BENCH_VIRQ:
		return "virq";
	case BENCH_GSTAGE_FAULT:
		return "gstage_fault";
	case BENCH_TIMER:
		return "timer";
	case BENCH_COMPUTE:
		return "compute";
	case BENCH_DEV_PASSTHROUGH:
		return "dev_passthrough";
	case BENCH_DEV_EMULATED:
		return "dev_emulated";
	case BENCH_IPI_REMOTE:
		return "ipi_remote";
	case BENCH_RFENCE_REMOTE:
		return "rfence_remote";
	case BENCH_IPI_IDLE:
		return "ipi_idle";
	default:
		return 0;
	}
}

#endif /* __ASSEMBLER__ */
#endif /* RVNEST_BENCH_H */
