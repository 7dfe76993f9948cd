/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L1's guest-physical memory: one RAM region at L1_RAM_GPA, backed by one
 * or more 2 MiB-aligned blocks of host RAM (whatever gaps the firmware,
 * L0, the DTB and the images leave), mapped contiguously by L0's G-stage
 * (Sv39x4 or Sv48x4) built with the common walker (common/pt.c), plus
 * pass-through MMIO pages.
 */
#ifndef L0_GMEM_H
#define L0_GMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rvnest/pt.h>

#include "hostdt.h"

/* Where L1's RAM starts, as on the host (QEMU virt DRAM base), so any
 * payload linked for OpenSBI's next stage (0x80200000) runs unchanged. */
#define L1_RAM_GPA 0x80000000UL
/* Host backing is aligned so that 2 MiB G-stage superpages apply. */
#define L0_GMEM_ALIGN (2UL << 20)

#define L0_GMEM_MAX_CHUNKS 8
/* Device page ranges passed through to L1: the UART, the BARs of the
 * PCI functions l1.pci= gives it, and with l1.aia=1 one IMSIC range per
 * vCPU. */
#define L0_GMEM_MAX_DEVICES 24

/* One host block backing [gpa, gpa+size) of L1 RAM. */
struct l0_gmem_chunk {
	uint64_t gpa, hpa, size;
};

/* A device range L0's G-stage passes through to L1: [gpa, gpa+size) onto
 * the host device at hpa, with perm (PTE_R/W) as mapped. The shadow maps
 * L2 pages L1 puts on it to the device itself (vhyp.c). */
struct l0_gmem_device {
	uint64_t gpa, hpa, size, perm;
};

struct l0_gmem {
	uint64_t gpa, size; /* L1 RAM in guest-physical space */
	struct l0_gmem_chunk chunk[L0_GMEM_MAX_CHUNKS];
	unsigned nchunks;
	struct l0_gmem_device dev[L0_GMEM_MAX_DEVICES];
	unsigned ndev;
	enum pt_mode mode; /* PT_SV39X4 or PT_SV48X4 */
	uint64_t root;	   /* host PA of the G-stage root table */
	unsigned long vmid;
};

enum l0_gmem_status {
	L0_GMEM_OK,
	L0_GMEM_BAD, /* err holds a one-line reason */
};

/* Choose host RAM for L1: `size` bytes in at most L0_GMEM_MAX_CHUNKS
 * L0_GMEM_ALIGN-aligned blocks inside host memory, overlapping none of
 * p->resv[] and busy[]; the lowest addresses first. */
enum l0_gmem_status l0_gmem_place(struct l0_gmem *g,
				  const struct l0_platform *p,
				  const struct l0_range *busy, unsigned nbusy,
				  uint64_t size, char *err, size_t errlen);

/* Build the G-stage: L1 RAM read/write/execute. */
enum l0_gmem_status l0_gmem_map_ram(struct l0_gmem *g, enum pt_mode mode,
				    char *err, size_t errlen);
/* Pass a device page range through at the same GPA (read/write). */
enum l0_gmem_status l0_gmem_map_device(struct l0_gmem *g,
				       const struct l0_range *dev, char *err,
				       size_t errlen);
/* Stop passing the page range `dev` mapped by l0_gmem_map_device through:
 * its G-stage leaves go (the caller fences the harts and the IOMMU). */
enum l0_gmem_status l0_gmem_unmap_device(struct l0_gmem *g,
					 const struct l0_range *dev, char *err,
					 size_t errlen);
/* Pass the host pages [hpa, hpa+size) through at L1 GPA gpa (read/write;
 * page aligned): L1's IMSIC files, each a hardware guest interrupt file
 * (vaplic.h). */
enum l0_gmem_status l0_gmem_map_device_at(struct l0_gmem *g, uint64_t gpa,
					  uint64_t hpa, uint64_t size,
					  char *err, size_t errlen);
unsigned long l0_gmem_hgatp(const struct l0_gmem *g);

/* [gpa, gpa+len) lies entirely in L1 RAM (no wrap-around). */
bool l0_gmem_in_ram(const struct l0_gmem *g, uint64_t gpa, uint64_t len);
bool l0_gmem_read(const struct l0_gmem *g, uint64_t gpa, void *buf, size_t len);
bool l0_gmem_write(const struct l0_gmem *g, uint64_t gpa, const void *buf,
		   size_t len);
bool l0_gmem_zero(const struct l0_gmem *g, uint64_t gpa, size_t len);
/* Host address of a GPA in L1 RAM and how many bytes follow it in the
 * same host block; false if the GPA is not L1 RAM. */
bool l0_gmem_hpa(const struct l0_gmem *g, uint64_t gpa, uint64_t *hpa,
		 uint64_t *contiguous);

/* Translate an L1 guest-virtual address through L1's own vsatp (VS-stage),
 * reading L1's tables from L1 RAM. Returns the walk status; *gpa on OK. */
enum pt_walk_status l0_gmem_gva_to_gpa(const struct l0_gmem *g,
				       unsigned long vsatp, uint64_t gva,
				       enum pt_access access,
				       const struct pt_walk_opts *opts,
				       uint64_t *gpa);

bool l0_ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen);

#endif /* L0_GMEM_H */
