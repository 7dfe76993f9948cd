/* SPDX-License-Identifier: BSD-2-Clause */
#include "fence_wait.h"

/*
 * A round that found the bit set read it before the target cleared it, so
 * the target's IPI, sent after the clear, reaches SSIP after that round's
 * CSRRC. Once a round sees the bit clear, an SSIP found by its own CSRRC
 * or by a later round's is that IPI: leaving on the bit alone could leave
 * it on its way, to be taken once L2 runs again as an exit of the next
 * operation (issue 15). An IPI from a third vCPU in the same rounds cannot
 * be told from it (one SSIP bit for all).
 */
enum l1_fence_wait l1_fence_wait_round(struct l1_fence_waiter *w, bool ssip,
				       bool bit_clear)
{
	w->done = w->done || bit_clear;
	return w->done && ssip ? L1_FENCE_WAIT_ANSWERED : L1_FENCE_WAIT_MORE;
}
