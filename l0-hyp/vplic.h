/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PLIC L1 sees: emulated register by register (RISC-V PLIC
 * Specification, "Memory Map"), fed by the real PLIC, which L0 owns.
 *
 * A host interrupt is claimed from the real PLIC by L0, becomes pending in
 * the vPLIC, and is completed on the real PLIC only when L1 completes it on
 * the vPLIC: the real gateway keeps the source masked in between, so a
 * level-triggered device behaves for L1 exactly as on hardware.
 */
#ifndef L0_VPLIC_H
#define L0_VPLIC_H

#include <stdbool.h>
#include <stdint.h>

#include "aia.h"
#include "mmio.h"
#include "options.h"

/* PLIC memory map (PLIC spec): priorities, pending bits, per-context
 * enables, per-context threshold and claim/complete. */
#define PLIC_PRIORITY_BASE 0x0
#define PLIC_PENDING_BASE 0x1000
#define PLIC_ENABLE_BASE 0x2000
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT_BASE 0x200000
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_CONTEXT_THRESHOLD 0x0
#define PLIC_CONTEXT_CLAIM 0x4
#define PLIC_MAX_SOURCES 1024
#define PLIC_WORDS (PLIC_MAX_SOURCES / 32)
/* Priority field width of QEMU's virt PLIC (7 levels); writes are WARL. */
#define VPLIC_PRIORITY_MASK 0x7

/* Two contexts per vCPU, as QEMU virt lays them out: 2h = M (never
 * signalled: L1 has no M-mode), 2h+1 = S. */
#define VPLIC_MAX_CONTEXTS (2 * L0_MAX_VCPUS)

struct l0_vplic {
	uint32_t ndev;
	unsigned ncontexts;
	uint32_t priority[PLIC_MAX_SOURCES];
	uint32_t pending[PLIC_WORDS];
	uint32_t in_service[PLIC_WORDS]; /* claimed, not yet completed */
	uint32_t enable[VPLIC_MAX_CONTEXTS][PLIC_WORDS];
	uint32_t threshold[VPLIC_MAX_CONTEXTS];
	/* sources claimed on the real PLIC, waiting for L1's completion */
	uint32_t hw_inflight[PLIC_WORDS];
	/* the real PLIC: base address and L0's S-mode context */
	uint64_t hw_base;
	int hw_context;
	/* on an AIA host (aia.h): the APLIC and IMSIC instead of a real PLIC
	 * (hw_context is then -1) */
	struct l0_aia *aia;
};

void l0_vplic_init(struct l0_vplic *p, uint32_t ndev, unsigned nvcpus,
		   uint64_t hw_base, int hw_context);
/* The same vPLIC fed by the host's AIA (aia.h) instead of a real PLIC. */
void l0_vplic_init_aia(struct l0_vplic *p, uint32_t ndev, unsigned nvcpus,
		       struct l0_aia *aia);
/* MMIO handlers (struct l0_mmio_device), ctx = struct l0_vplic */
enum l0_mmio_status l0_vplic_read(void *ctx, uint64_t off, unsigned width,
				  uint64_t *val);
enum l0_mmio_status l0_vplic_write(void *ctx, uint64_t off, unsigned width,
				   uint64_t val);
/* L0 took a supervisor external interrupt: claim from the real PLIC and
 * make it pending for L1. Returns the source, 0 if none was pending. */
uint32_t l0_vplic_hw_claim(struct l0_vplic *p);
/* Does vCPU `vhart`'s S context have an interrupt to take (VSEIP)? */
bool l0_vplic_s_pending(const struct l0_vplic *p, unsigned vhart);

#endif /* L0_VPLIC_H */
