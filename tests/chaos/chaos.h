/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * chaos: a randomized HS-mode L1 (issue 17 item 3). Private header.
 * It reuses hprobe's runner, bodies and tables (tests/hprobe/hprobe.h) and
 * adds a seeded generator of steps and a hash-chained outcome log.
 */
#ifndef CHAOS_H
#define CHAOS_H

#include <stdint.h>

#include "../hprobe/hprobe.h"

/* Defaults of the command-line options (README.md). */
#define CH_DEFAULT_STEPS 400
#define CH_MAX_STEPS 1000000

/* The scratch RAM the chaos L1 zeroes at boot and lets its guests (and
 * HLV/HSV) touch: inside L1's RAM on both platforms (256 MiB from
 * 0x80000000), outside the image, mapped by neither hprobe table, so it
 * is reached only through a Bare G-stage. */
#define CH_SCRATCH 0x8c000000UL
#define CH_SCRATCH_SIZE (64 * PAGE_SIZE) /* 256 KiB */
/* Guest physical addresses with nothing behind them on both platforms:
 * above the 256 MiB of RAM and below QEMU virt's high PCIe window. */
#define CH_NOMEM 0x90000000UL
#define CH_NOMEM_SIZE 0x30000000UL
/* Far above every device and RAM (QEMU virt's high PCIe window ends at
 * 1 << 39). */
#define CH_FAR (1UL << 40)

/* splitmix64: the one generator, so a seed fixes every step. */
uint64_t ch_rand(void);
uint64_t ch_below(uint64_t n);

#endif
