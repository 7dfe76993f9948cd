/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The passdev platform: what l1-guest-hyp (rvnest.passdev=1) hands its L2
 * (guests/passdev/), as a partitioning hypervisor would: L1's own UART page
 * and one context of L1's PLIC, mapped into L2's G-stage at L2 addresses
 * of their own, plus two pages that test that faults stay L1's. Documented
 * in guests/passdev/README.md.
 */
#ifndef RVNEST_PASSDEV_H
#define RVNEST_PASSDEV_H

#include <rvnest/encoding.h>

/* ---- L2 guest-physical map (RAM as in rvnest/bench.h) ---------------- */
/* L1's UART page (a 16550), read/write. */
#define PASSDEV_UART_GPA _UL(0x10000000)
/* The same UART page, read-only: a store is L1's guest-page fault. */
#define PASSDEV_UART_RO_GPA _UL(0x10001000)
/* Mapped by nothing: every access is L1's guest-page fault. */
#define PASSDEV_HOLE_GPA _UL(0x10002000)
/* The UART page once more, with execute permission in L1's G-stage: a
 * fetch there is the instruction access fault of the device (PMA), L1's. */
#define PASSDEV_UART_X_GPA _UL(0x10003000)
/* The threshold/claim page of L1's PLIC context for its hart, read/write
 * (PLIC spec "Memory Map": 0x200000 + context * 0x1000). */
#define PASSDEV_PLIC_CTX_GPA _UL(0x0c000000)
/* The same context page, read-only. */
#define PASSDEV_PLIC_CTX_RO_GPA _UL(0x0c001000)

/* PLIC context page registers (PLIC spec). */
#define PASSDEV_PLIC_THRESHOLD 0x0
#define PASSDEV_PLIC_CLAIM 0x4 /* read: claim; write: complete */
/* Where those pages are in L1's PLIC. */
#define PASSDEV_PLIC_CTX_BASE 0x200000
#define PASSDEV_PLIC_CTX_STRIDE 0x1000
#define PASSDEV_PLIC_ENABLE_BASE 0x2000
#define PASSDEV_PLIC_ENABLE_STRIDE 0x80

/* 16550 registers (byte offsets) and bits L2 uses. */
#define PASSDEV_UART_THR 0	   /* write: transmit holding */
#define PASSDEV_UART_IER 1	   /* interrupt enable */
#define PASSDEV_UART_IIR 2	   /* read: interrupt identification */
#define PASSDEV_UART_LSR 5	   /* line status */
#define PASSDEV_UART_SCR 7	   /* scratch */
#define PASSDEV_UART_IER_THRI 0x02 /* interrupt when THR is empty */
#define PASSDEV_UART_IIR_NONE 0x01 /* no interrupt pending */
#define PASSDEV_UART_LSR_THRE 0x20 /* THR empty */

/* Entry: a0 = hart id, a1 = 0 (no device tree), a2 = the UART's PLIC
 * source number (L2 checks its claims against it). */

/* Interrupt rounds L2 makes the UART raise, and device accesses (one per
 * iteration) per benchmark. */
#define PASSDEV_IRQ_ROUNDS 3
#define PASSDEV_BENCH_ITERS 1000

#endif /* RVNEST_PASSDEV_H */
