/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The MMIO test device's register model (register map in rvnest/bench.h):
 * pure state and rules, no CSR access, so the host unit tests
 * (tests/test_testdev.c) check it. testdev.c connects it to L2's faults
 * and to hvip.
 */
#ifndef L1_TESTDEV_H
#define L1_TESTDEV_H

#include <rvnest/bench.h>
#include <stdbool.h>
#include <stdint.h>

struct l1_testdev {
	uint64_t scratch;
	uint64_t irq_count;
	bool irq_line; /* the level of the device's interrupt output */
	/* AIA mode: L2's interrupt file's GPA (TESTDEV_REG_MSI_PAGE); with
	 * it set a raise is an MSI to send (msi_out), not a level */
	uint64_t msi_page;
	bool msi_out;
};

enum testdev_result {
	TESTDEV_OK,
	TESTDEV_BAD_WIDTH,   /* not a naturally aligned 4- or 8-byte access */
	TESTDEV_NO_REGISTER, /* offset maps to no register */
	TESTDEV_READ_ONLY,   /* store to a read-only register */
	TESTDEV_WRITE_ONLY,  /* load from a write-only register */
};

/* One access of `width` bytes at byte offset `off` in the device page. A
 * load returns the value in *val (zero-extended to 64 bits); a store takes
 * it from *val. A 4-byte access may address either half of a register. */
enum testdev_result testdev_access(struct l1_testdev *d, uint64_t off,
				   unsigned width, bool store, uint64_t *val);

/* The error line's msg= for a result. */
const char *testdev_result_msg(enum testdev_result r);

#endif /* L1_TESTDEV_H */
