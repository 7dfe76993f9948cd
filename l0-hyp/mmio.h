/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Emulated devices of L1: a table of guest-physical windows, each with a
 * read and a write handler. A guest-page fault whose address falls in a
 * window is decoded (insn.c) and emulated; the pc then moves past it.
 */
#ifndef L0_MMIO_H
#define L0_MMIO_H

#include <stdbool.h>
#include <stdint.h>

struct l0_vcpu;

enum l0_mmio_status {
	L0_MMIO_OK,
	L0_MMIO_BAD_ACCESS, /* width/alignment/offset not a register */
};

struct l0_mmio_device {
	const char *name;
	uint64_t base, size;
	void *ctx;
	enum l0_mmio_status (*read)(void *ctx, uint64_t off, unsigned width,
				    uint64_t *val);
	enum l0_mmio_status (*write)(void *ctx, uint64_t off, unsigned width,
				     uint64_t val);
};

#define L0_MAX_MMIO 4

/* Outcome of a guest-page fault that may be device emulation. */
enum l0_mmio_result {
	L0_MMIO_EMULATED,     /* done, pc advanced */
	L0_MMIO_NO_DEVICE,    /* the GPA is in no emulated window */
	L0_MMIO_BAD_INSN,     /* not a plain load/store (e.g. an AMO) */
	L0_MMIO_DEVICE_ERROR, /* the device refused the access */
	L0_MMIO_FETCH_FAULT,  /* the instruction could not be read */
};

const struct l0_mmio_device *l0_mmio_find(const struct l0_mmio_device *devs,
					  unsigned n, uint64_t gpa);
enum l0_mmio_result l0_mmio_emulate(struct l0_vcpu *v, uint64_t gpa,
				    bool is_store);
struct insn;
/* The access `in` (already decoded: a load for !is_store, a store for
 * is_store, else BAD_INSN) on L1's device at L1 GPA gpa, for the running
 * level: its GPRs (v->gpr) and pc (v->sepc) move as the access says.
 * l0_mmio_emulate for L1's own accesses, vhyp.c for L2's. */
enum l0_mmio_result l0_mmio_perform(struct l0_vcpu *v, uint64_t gpa,
				    bool is_store, const struct insn *in);
const char *l0_mmio_result_name(enum l0_mmio_result r);

#endif /* L0_MMIO_H */
