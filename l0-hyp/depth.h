/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How deep this L0 runs (docs/protocol.md, "Recursion: depth"), decided
 * from what the SBI below answered: pure, so the host unit tests hold the
 * nonsense answers to a clear refusal.
 */
#ifndef L0_DEPTH_H
#define L0_DEPTH_H

#include <stddef.h>

/* Deeper than this, an answer to SBI_EXT_RVNEST DEPTH is nonsense (each
 * level needs its own RAM inside the one below: far fewer fit in QEMU). */
#define L0_MAX_DEPTH 16

enum l0_depth_status {
	L0_DEPTH_OK,
	L0_DEPTH_BAD, /* err holds a one-line reason */
};

/* probe: the SBI below's Base probe_extension(SBI_EXT_RVNEST) answer (0 =
 * absent: the machine's firmware); error/value: its answer to
 * SBI_RVNEST_DEPTH (only looked at when probe > 0). */
enum l0_depth_status l0_depth_decide(long probe, long error, long value,
				     unsigned *depth, char *err, size_t errlen);

#endif /* L0_DEPTH_H */
