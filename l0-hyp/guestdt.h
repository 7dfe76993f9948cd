/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L1's device tree, derived from the host's with libfdt: only the devices
 * L0 gives L1 (its vCPUs, its RAM, the console UART, the emulated PLIC),
 * /chosen rewritten for L1, the ISA in both DT forms with "h" and Sstc
 * present exactly when L1 gets them.
 */
#ifndef L0_GUESTDT_H
#define L0_GUESTDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gmem.h"
#include "hostdt.h"
#include "options.h"

/* On an AIA host L1 still sees a PLIC (the vPLIC, fed by the APLIC and
 * L0's IMSIC file): at QEMU virt's PLIC address, with the window of
 * L0_VPLIC_MAX contexts. */
#define L0_VPLIC_AIA_GPA 0x0c000000ull

struct l0_guestdt_input {
	const struct l0_platform *host;
	const struct l0_gmem *gmem;
	bool l1_has[L0_ISA_FEATURE_COUNT]; /* features L1 is given */
	unsigned nvcpus;		   /* vCPU i runs on host->hart[i] */
	const char *bootargs;		   /* may be "" */
	bool has_initrd;
	uint64_t initrd_gpa, initrd_size;
	/* l1.pci=: the host bridge L1 gets (pci_dt.c); NULL: none */
	const struct l0_host_pci *pci;
	/* l1.aia=1: L1 gets the host's S-level IMSIC and APLIC nodes, for
	 * its own files and the vAPLIC, instead of a PLIC (vaplic_dt.c) */
	bool l1_aia;
	uint64_t l1_imsic_gpa; /* vCPU 0's S file; vCPU i's follow */
};

enum l0_guestdt_status {
	L0_GUESTDT_OK,
	L0_GUESTDT_BAD, /* err holds a one-line reason */
};

/* Set `name` of `node` to (a, s) in the cells of `parent` (its
 * #address-cells and #size-cells, 1 or 2 each: devicetree spec "reg"),
 * as a reg property is written; a libfdt error (-FDT_ERR_BADNCELLS for
 * other cell counts or no parent) otherwise. */
int l0_guestdt_setprop_cells(void *fdt, int node, const char *name, int parent,
			     uint64_t a, uint64_t s);

/* l1.aia=1: turn the host's S-level IMSIC and APLIC nodes (kept in `fdt`)
 * into L1's (vaplic_dt.c). */
enum l0_guestdt_status l0_guestdt_aia_l1(void *fdt,
					 const struct l0_guestdt_input *in,
					 char *err, size_t errlen);

/* Build into `buf` (bufsize bytes); the result is packed. */
enum l0_guestdt_status l0_guestdt_build(const struct l0_guestdt_input *in,
					void *buf, size_t bufsize, char *err,
					size_t errlen);

#endif /* L0_GUESTDT_H */
