/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AIA for L1 (l1.aia=1, issue 14 step 2): the APLIC L1 sees, emulated
 * register by register in MSI delivery mode (AIA "Advanced
 * Platform-Level Interrupt Controller (APLIC)"), and the IMSIC interrupt
 * files behind it, which are not emulated at all: L1's S-level file of
 * vCPU i is hardware guest interrupt file 1 of the host hart running it,
 * selected by the real hstatus.VGEIN = 1 while L1 runs, so L1's
 * siselect/sireg/stopei/stopi (the hardware's vsiselect/vsireg/vstopei/
 * vstopi in VS-mode) and its MSIs (IPIs between vCPUs) need no trap.
 *
 * L1's guest-physical layout is the host's S-level IMSIC's: vCPU i's file
 * at imsic_gpa + i << (12 + guest_bits), its guest file g (l1.h=1, step 3)
 * g pages above it; that range maps onto the host hart's guest files
 * 1.. (L1's file g is the host's file g + 1).
 *
 * The vAPLIC's sources are the host APLIC's. A source L0 drives (the
 * UART) takes the host's source mode or Inactive/Detached; every other
 * source Inactive or Detached (AIA "Source configurations": the supported
 * modes of a source are implementation-defined, sourcecfg is WARL). The
 * host source stays enabled in the host APLIC while L1's is active with
 * the host's mode; each host MSI of it (aia.c claims it in L0's own S
 * file) sets the source's pending bit here, and a pending, enabled source
 * of an enabled domain is forwarded at once: L0 writes its EIID into the
 * target's file (seteipnum_le), as an APLIC in MSI mode does.
 */
#ifndef L0_VAPLIC_H
#define L0_VAPLIC_H

#include <stdbool.h>
#include <stdint.h>

#include "aia.h"
#include "mmio.h"
#include "options.h"

/* More of the APLIC memory map (aia.h has the rest) */
#define APLIC_MSIADDRCFG_FIRST 0x1bc0 /* mmsiaddrcfg .. smsiaddrcfgh */
#define APLIC_MSIADDRCFG_LAST 0x1bcc
#define APLIC_SETIP0 0x1c00
#define APLIC_IN_CLRIP0 0x1d00
#define APLIC_SETIE0 0x1e00
#define APLIC_CLRIE0 0x1f00
#define APLIC_SETIPNUM_LE 0x2000
#define APLIC_SETIPNUM_BE 0x2004
#define APLIC_GENMSI 0x3000
#define APLIC_WORDS ((APLIC_MAX_SOURCES + 1) / 32)
/* domaincfg: bit 31 reads 1 (so a wrong-endian access shows), BE = 0 */
#define APLIC_DOMAINCFG_RO1 (1u << 31)
/* sourcecfg: D (bit 10) delegates to a child domain; L1's domain has
 * none, so D is read-only 0 (AIA "Source configurations") */
#define APLIC_SOURCECFG_D (1u << 10)
#define APLIC_SM_DETACHED 1
/* target in MSI mode: Guest Index 17:12 */
#define APLIC_TARGET_GUEST_SHIFT 12
#define APLIC_TARGET_GUEST_MASK 0x3fu
#define APLIC_TARGET_HART_MASK 0x3fffu
/* genmsi: Hart Index 31:18, Busy 12, EIID 10:0 */
#define APLIC_GENMSI_BUSY (1u << 12)
/* An IMSIC file's seteipnum_le register, at its page's offset 0 (AIA
 * "IMSIC memory region of an interrupt file") */
#define IMSIC_SETEIPNUM_LE 0x0
#define IMSIC_PAGE 0x1000ull

struct l0_vaplic {
	uint32_t nsources;
	/* the host APLIC and L0's S file (aia.c), the source modes it gives
	 * the sources L0 drives (aia->sm) */
	struct l0_aia *aia;
	unsigned nvcpus;
	/* L1's IMSIC layout: guest index bits (the host's), hart index bits
	 * (enough for nvcpus), identities, L1's GEILEN */
	uint32_t guest_bits, hart_bits, num_ids;
	unsigned geilen;
	/* host S file of each vCPU's hart: L1's file g of vCPU i is host
	 * guest file g + 1, at file_hpa[i] + (g + 1) pages */
	uint64_t file_hpa[L0_MAX_VCPUS];

	bool ie; /* domaincfg.IE */
	uint8_t sm[APLIC_MAX_SOURCES + 1];
	uint32_t target[APLIC_MAX_SOURCES + 1];
	uint32_t pending[APLIC_WORDS], enabled[APLIC_WORDS];
	uint32_t genmsi;
	/* MSIs written into L1's files; MSIs whose target names no file of
	 * L1's (a hart or guest index beyond what L1 has) and were dropped,
	 * as a write to an address with no interrupt file behind it */
	unsigned long msis, msis_dropped;
	/* level interrupts whose input had fallen when they were to be
	 * forwarded: no longer pending, no MSI */
	unsigned long msis_withdrawn;
};

/* L1's vAPLIC over the host's AIA `aia`: every source Inactive, the
 * domain off; vCPU i's files at file_hpa[i] (the S file of its host hart;
 * its guest files follow). */
void l0_vaplic_init(struct l0_vaplic *va, struct l0_aia *aia, uint32_t nsources,
		    unsigned nvcpus, const uint64_t *file_hpa,
		    uint32_t guest_bits, uint32_t num_ids, unsigned geilen);
/* MMIO handlers (struct l0_mmio_device), ctx = struct l0_vaplic */
enum l0_mmio_status l0_vaplic_read(void *ctx, uint64_t off, unsigned width,
				   uint64_t *val);
enum l0_mmio_status l0_vaplic_write(void *ctx, uint64_t off, unsigned width,
				    uint64_t val);
/* L0 took a supervisor external interrupt: claim every host MSI of L0's
 * file and deliver each into the vAPLIC. Returns how many. */
unsigned l0_vaplic_hw_claim(struct l0_vaplic *va);

/* The host APLIC's rectified input of source `src` (its in_clrip bit,
 * AIA "Interrupt-pending bits"), aia.c. */
bool l0_aia_input(const struct l0_aia *a, uint32_t src);
/* L0 claimed `src`'s MSI for the vAPLIC: unmask it in the host APLIC
 * again at once (the vAPLIC keeps its own pending bit) */
void l0_aia_release(struct l0_aia *a, uint32_t src);

#endif /* L0_VAPLIC_H */
