/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How guestdt.c and vaplic_dt.c, the two halves of L1's device tree, end a
 * build that cannot go on: one line in the caller's err (errlen bytes) and
 * L0_GUESTDT_BAD. Private to those two files.
 */
#ifndef L0_GUESTDT_CHECK_H
#define L0_GUESTDT_CHECK_H

#include <libfdt.h>
#include <stdio.h>

#include "guestdt.h"

#define FAIL(...)                                   \
	do {                                        \
		snprintf(err, errlen, __VA_ARGS__); \
		return L0_GUESTDT_BAD;              \
	} while (0)

/* A libfdt call that returned a negative error: its message, after what */
#define CHECK_FDT(call, what)                                            \
	do {                                                             \
		int __rc = (call);                                       \
		if (__rc < 0)                                            \
			FAIL("L1 DT: %s: %s", what, fdt_strerror(__rc)); \
	} while (0)

#endif /* L0_GUESTDT_CHECK_H */
