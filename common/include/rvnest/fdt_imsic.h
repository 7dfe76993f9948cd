/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The boot hart's IMSIC interrupt files from the device tree (binding:
 * Linux Documentation/devicetree/bindings/interrupt-controller/
 * riscv,imsics.yaml; layout: AIA "IMSIC memory regions"): the S-level
 * file's page and where its guest files are. For a guest-side program (an
 * L1 that may be a guest of L0): it only reads the tree.
 */
#ifndef RVNEST_FDT_IMSIC_H
#define RVNEST_FDT_IMSIC_H

#include <stdint.h>

#include <rvnest/fdt_util.h>

struct fdt_imsic {
	uint64_t s_file;     /* the hart's S-level file (a 4 KiB page) */
	unsigned guest_bits; /* riscv,guest-index-bits */
	unsigned num_ids;    /* riscv,num-ids: identities 1..num_ids */
	unsigned ctx;	     /* index of the hart in interrupts-extended */
};

/* The S-level IMSIC (a riscv,imsics node whose interrupts-extended names
 * hart `hartid`'s riscv,cpu-intc with IRQ 9) and that hart's files.
 * FDT_UTIL_NOT_FOUND when the tree has none; FDT_UTIL_BAD_PROP when the
 * node is there but its reg does not hold the hart's files. */
enum fdt_util_status fdt_imsic_s_file(const void *fdt, unsigned long hartid,
				      struct fdt_imsic *out);

/* Guest file g (1 .. 2^guest_bits - 1) of the hart: the page after its S
 * file's g pages. */
static inline uint64_t fdt_imsic_guest_file(const struct fdt_imsic *m,
					    unsigned g)
{
	return m->s_file + ((uint64_t)g << 12);
}

#endif /* RVNEST_FDT_IMSIC_H */
