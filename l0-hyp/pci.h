/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PCI passthrough for L1 (l1.pci=): L0 enumerates the host's bus 0,
 * assigns every BAR of the functions it gives L1 (and of the IOMMU) inside
 * the host bridge's windows, enables them, and emulates bus 0's ECAM for
 * L1: an assigned function's configuration space with BARs L1 may size but
 * not move, MSI/MSI-X unlinked from the capability list, no extended
 * capabilities; every other function, the IOMMU included, absent.
 */
#ifndef L0_PCI_H
#define L0_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gmem.h"
#include "hostdt.h"
#include "iommu.h"
#include "mmio.h"
#include "options.h"

#define L0_PCI_MAX_FNS 64 /* functions on bus 0 L0 keeps track of */
#define L0_PCI_NBARS 6
#define L0_PCI_MAX_CAPS 16
/* every BAR gets whole 4 KiB pages of its own, so that L1's G-stage can
 * map it without mapping a neighbour's registers */
#define L0_PCI_BAR_MIN 4096UL
#define L0_PCI_ECAM_BUS_SIZE (1UL << 20)

/* Type 0 configuration header (PCI Local Bus spec "Configuration Space
 * Header") */
#define PCI_VENDOR_ID 0x00
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_CLASS_REVISION 0x08
#define PCI_CACHE_LINE 0x0c
#define PCI_LATENCY 0x0d
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_ROM 0x30
#define PCI_CAP_PTR 0x34
#define PCI_INT_LINE 0x3c
#define PCI_HEADER_END 0x40
#define PCI_CONFIG_END 0x100 /* conventional space; beyond: extended */
#define PCI_CMD_IO 0x1u
#define PCI_CMD_MEM 0x2u
#define PCI_CMD_MASTER 0x4u
#define PCI_CMD_PARITY 0x40u
#define PCI_CMD_SERR 0x100u
#define PCI_CMD_INTX_DISABLE 0x400u
#define PCI_STATUS_CAP_LIST 0x10u
#define PCI_HEADER_MULTI 0x80u
#define PCI_HEADER_TYPE_MASK 0x7fu
#define PCI_BAR_IO 0x1u
#define PCI_BAR_MEM_TYPE_MASK 0x6u
#define PCI_BAR_MEM_64 0x4u
#define PCI_BAR_PREFETCH 0x8u
#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_MSIX 0x11
#define PCI_CLASS_BRIDGE 0x06

struct l0_pci_bar {
	uint64_t size; /* 0: no BAR in this slot */
	uint64_t pci;  /* its address on the bus (what the BAR holds) */
	uint64_t cpu;  /* the same in the CPU's (= L1's) space */
	enum l0_pci_space space;
	bool upper;	       /* the upper half of the BAR in the slot below */
	uint32_t flags;	       /* the BAR's read-only low bits */
	enum l0_pci_space win; /* the window L0 placed it in */
	uint32_t l1_val;       /* what L1 reads (sizing leaves the mask) */
};

struct l0_pci_fn {
	uint16_t bdf;
	uint16_t vendor, device;
	uint32_t class_rev;
	uint8_t header;
	bool assigned, is_iommu;
	struct l0_pci_bar bar[L0_PCI_NBARS];
	/* L1's capability list: the host's with MSI and MSI-X unlinked */
	uint8_t cap[L0_PCI_MAX_CAPS];
	unsigned ncap;
	uint8_t hidden[L0_PCI_MAX_CAPS];
	unsigned nhidden;
};

struct l0_pci {
	const struct l0_host_pci *host;
	uint64_t ecam; /* host address of bus 0's configuration space */
	struct l0_pci_fn fn[L0_PCI_MAX_FNS];
	unsigned nfn;
	uint64_t next[L0_PCI_SPACE_COUNT]; /* allocation cursors (bus) */
	struct l0_iommu iommu;
	bool has_iommu;
	/* BAR moves by L1 are honoured (one vCPU, no H for L1: main.c) in
	 * this G-stage; NULL: L1's BAR writes stay in its copy */
	struct l0_gmem *gmem;
	/* a host range no device may reach (the host DTB), hashed at boot
	 * and again at shutdown: the run's evidence that stray DMA changed
	 * nothing outside L1 */
	struct l0_range watch;
	uint64_t watch_hash;
	unsigned depth;
	/* counters for the RVNEST l0pci line */
	uint64_t cfg_reads, cfg_writes, cfg_dropped, bar_moves,
		bar_moves_refused;
};

enum l0_pci_status {
	L0_PCI_OK,
	L0_PCI_BAD, /* err holds a one-line reason */
};

/* Find the host bridge and the IOMMU (refusing l1.pci without them),
 * enumerate bus 0, mark the functions o names (or all), assign and enable
 * their BARs and the IOMMU's. */
enum l0_pci_status l0_pci_init(struct l0_pci *pc, const struct l0_platform *h,
			       const struct l0_options *o, char *err,
			       size_t errlen);

/* The IOMMU's register file (its BAR, or the platform device's reg). */
uint64_t l0_pci_iommu_regs(const struct l0_pci *pc);

/* The device IDs of the functions given to L1. */
unsigned l0_pci_assigned_ids(const struct l0_pci *pc, uint16_t *ids,
			     unsigned max);

/* Remember a hash of host range r (see `watch`). */
void l0_pci_watch(struct l0_pci *pc, const struct l0_range *r);
/* At shutdown: read the fault queue a last time and print the RVNEST
 * l0pci line (counters, whether the watched range is unchanged). */
void l0_pci_report(struct l0_pci *pc);

/* The emulated ECAM window L1 sees (bus 0 only). */
enum l0_mmio_status l0_pci_cfg_read(void *ctx, uint64_t off, unsigned width,
				    uint64_t *val);
enum l0_mmio_status l0_pci_cfg_write(void *ctx, uint64_t off, unsigned width,
				     uint64_t val);

/* L1's device tree: the host bridge node for L1 (pci_dt.c); libfdt's
 * error, or 0. */
int l0_pci_dt_fix_l1(void *fdt, const struct l0_host_pci *h);

#endif /* L0_PCI_H */
