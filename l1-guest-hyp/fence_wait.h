/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The asker's wait for a remote fence (smp.c, l1_smp_remote_sfence), one
 * round's decision, apart from the CSR and memory accesses so that the
 * host unit test (tests/test_fence_wait.c) can play every interleaving of
 * the asker's rounds with the target's two steps.
 *
 * The target (smp.c, serve_requests) fences, clears the asker's bit in
 * fence_mask, then sends the asker an IPI. Each round of the asker clears
 * SSIP with CSRRC, serves its own requests, then reads its bit; it WFIs
 * between rounds.
 */
#ifndef L1_FENCE_WAIT_H
#define L1_FENCE_WAIT_H

#include <stdbool.h>

enum l1_fence_wait {
	L1_FENCE_WAIT_MORE,	/* WFI, then another round */
	L1_FENCE_WAIT_ANSWERED, /* fence done and its IPI taken: return */
};

struct l1_fence_waiter {
	bool done; /* a round saw the bit clear */
};

/* One round: ssip = this round's CSRRC found SSIP set, bit_clear = the
 * read after it found the asker's bit clear. */
enum l1_fence_wait l1_fence_wait_round(struct l1_fence_waiter *w, bool ssip,
				       bool bit_clear);

#endif /* L1_FENCE_WAIT_H */
