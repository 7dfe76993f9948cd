/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Workload windows of the application benchmarks (app/README.md, "L0's
 * traps per workload"): L1's /init writes a marker line
 *
 *     RVNEST appwin edge=begin name=<workload>
 *     RVNEST appwin edge=end name=<workload>
 *
 * to its SBI console (/dev/hvc0, SBI DBCN or the legacy putchar), for a
 * workload it runs itself or one L2 announced on QEMU's serial port. L0
 * sees those bytes as L1's SBI console writes (sbi_glue.c) and counts its
 * traps between the two lines: `RVNEST l0win` (docs/protocol.md). Linux's
 * user space cannot make an SBI call of its own, so a console line is the
 * one way its marker reaches L0 unchanged at every level.
 *
 * The parser is pure (host unit tests: tests/test_l0_appwin.c); the window
 * itself (snapshots, the line) is appwin_l0.c.
 */
#ifndef L0_APPWIN_H
#define L0_APPWIN_H

#include <stdbool.h>
#include <stddef.h>

/* a workload name: [A-Za-z0-9._-], at most this long */
#define L0_APPWIN_NAME_MAX 32
/* a marker line is short; a longer line starting as one is refused */
#define L0_APPWIN_LINE_MAX 96

/* What one console byte completed. */
enum l0_appwin_edge {
	L0_APPWIN_NONE,	 /* no line ended, or it was no marker */
	L0_APPWIN_BEGIN, /* edge=begin name=... */
	L0_APPWIN_END,	 /* edge=end name=... */
	L0_APPWIN_BAD,	 /* "RVNEST appwin " followed by anything else */
};

struct l0_appwin_parser {
	char line[L0_APPWIN_LINE_MAX + 1];
	unsigned len;
	bool overflow; /* the current line outgrew line[] */
};

/* Feed one byte of L1's console. At the end of a line ('\n'; a '\r' is
 * dropped) that is a marker, returns its edge and copies its name (NUL
 * terminated) into name; for L0_APPWIN_BAD, *why says what is wrong. */
enum l0_appwin_edge l0_appwin_feed(struct l0_appwin_parser *p, char c,
				   char name[L0_APPWIN_NAME_MAX + 1],
				   const char **why);

struct l0_guest;
/* L1's console bytes out to L0's console, with each window's edge taken
 * as its marker line ends (appwin_l0.c); the caller holds the console
 * lock. Returns the bytes written. */
size_t l0_appwin_write(struct l0_guest *g, const char *buf, size_t len);

#endif /* L0_APPWIN_H */
