/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L0 on an AIA host (RISC-V Advanced Interrupt Architecture): L0's own
 * S-level IMSIC interrupt file, reached through siselect/sireg/stopei, and
 * the S-domain APLIC in MSI delivery mode for the wired devices L0 passes
 * to L1 (the UART). The vPLIC (vplic.c) sits on top exactly as it does on
 * a PLIC: a source L1 enables is enabled here, an MSI L0 claims becomes
 * pending in the vPLIC, L1's completion re-arms the source here.
 *
 * Each APLIC source s is given IMSIC identity s (EIID = s), so a claimed
 * identity names its source with no table; hostdt refuses an APLIC with
 * more sources than the IMSIC has identities.
 */
#ifndef L0_AIA_H
#define L0_AIA_H

#include <stdbool.h>
#include <stdint.h>

#include "hostdt.h"

/* APLIC memory map (AIA "APLIC memory-mapped control region"). */
#define APLIC_DOMAINCFG 0x0000
#define APLIC_SOURCECFG(s) (0x0004 + ((uint64_t)(s)-1) * 4)
#define APLIC_SETIPNUM 0x1cdc
#define APLIC_CLRIPNUM 0x1ddc
#define APLIC_IN_CLRIP(k) (0x1d00 + (uint64_t)(k)*4)
#define APLIC_SETIENUM 0x1edc
#define APLIC_CLRIENUM 0x1fdc
#define APLIC_TARGET(s) (0x3004 + ((uint64_t)(s)-1) * 4)
/* domaincfg fields: IE enables the domain, DM = 1 delivers by MSI */
#define APLIC_DOMAINCFG_IE (1u << 8)
#define APLIC_DOMAINCFG_DM (1u << 2)
/* sourcecfg source modes (SM, bits 2:0) */
#define APLIC_SM_INACTIVE 0
#define APLIC_SM_EDGE1 4
#define APLIC_SM_EDGE0 5
#define APLIC_SM_LEVEL1 6
#define APLIC_SM_LEVEL0 7
#define APLIC_SM_MASK 7u
/* target in MSI delivery mode: Hart Index 31:18, Guest Index 17:12
 * (0: the S file), EIID 10:0 */
#define APLIC_TARGET_HART_SHIFT 18
#define APLIC_TARGET_EIID_MASK 0x7ffu
#define APLIC_MAX_SOURCES 1023

/* IMSIC registers behind siselect (AIA "Indirectly accessed interrupt-file
 * registers"); on RV64 only the even eip/eie numbers exist, 64 bits
 * each. */
#define IMSIC_EIDELIVERY 0x70
#define IMSIC_EITHRESHOLD 0x72
#define IMSIC_EIP0 0x80
#define IMSIC_EIE0 0xc0
/* stopei: identity in bits 26:16 (AIA "Top external interrupt CSRs") */
#define IMSIC_TOPEI_ID_SHIFT 16
#define IMSIC_TOPEI_ID_MASK 0x7ffu

struct l0_aia {
	uint64_t aplic_base;
	uint32_t nsources;
	uint32_t num_ids;
	uint32_t hart_index;
	/* guest interrupt files of this hart: GEILEN, measured from hgeie
	 * (its bits 1..GEILEN are the writable ones, Hypervisor chapter
	 * "Hypervisor Guest External Interrupt Registers"); L0 does not use
	 * them yet (l0-hyp/README.md, "AIA host") */
	unsigned geilen;
	/* per source: the sourcecfg mode L0 programs, INACTIVE for a source
	 * L0 does not drive (no device L1 has is wired to it) */
	uint8_t sm[APLIC_MAX_SOURCES + 1];
	/* per source: L1 wants it (the vPLIC's enable), and L0 has claimed
	 * its MSI and waits for L1's completion; the APLIC enables a source
	 * only when it is wanted and not in flight (aia.c) */
	bool want[APLIC_MAX_SOURCES + 1];
	bool inflight[APLIC_MAX_SOURCES + 1];
};

enum l0_aia_status {
	L0_AIA_OK,
	L0_AIA_BAD, /* err holds a one-line reason */
};

/* Take over the S-level IMSIC file and the S-domain APLIC: delivery on,
 * threshold 0, every identity disabled and not pending, the domain in MSI
 * mode, each source L0 drives configured (sense, target = this hart's file,
 * EIID = source, identity enabled in the file) but left disabled in the
 * APLIC until L1 enables it. Runs on the boot hart. */
enum l0_aia_status l0_aia_init(struct l0_aia *a, const struct l0_platform *p,
			       char *err, size_t errlen);
/* L1 wants source `src` (on) or no longer does (off). */
void l0_aia_enable(struct l0_aia *a, uint32_t src, bool on);
/* Claim the highest-priority pending identity of L0's file: its source, 0
 * if none (or an identity that names no source L0 drives). The source is
 * masked in the APLIC until l0_aia_complete. */
uint32_t l0_aia_claim(struct l0_aia *a);
/* L1 completed `src`: unmasked if L1 still wants it, and a level source
 * still asserted is made pending again (AIA "Special consideration for
 * level-sensitive interrupt sources": in MSI mode the pending bit of a
 * level source is set only by a rising input or a setipnum write while
 * the input is asserted). */
void l0_aia_complete(struct l0_aia *a, uint32_t src);

/* The S-level IMSIC file through siselect/sireg and stopei: aia_csr.c on
 * a hart; the host unit tests supply a model. */
uint64_t l0_imsic_read(unsigned reg);
void l0_imsic_write(unsigned reg, uint64_t val);
uint64_t l0_imsic_claim_topei(void);
/* hgeie's writable bits: all ones written, read back, 0 restored. */
uint64_t l0_aia_hgeie_writable(void);

#endif /* L0_AIA_H */
