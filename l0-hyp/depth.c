/* SPDX-License-Identifier: BSD-2-Clause */
#include "depth.h"

#include <rvnest/sbi.h>
#include <stdio.h>

enum l0_depth_status l0_depth_decide(long probe, long error, long value,
				     unsigned *depth, char *err, size_t errlen)
{
	/* Base probe_extension answers 0 for an absent extension (SBI spec
	 * "Probe SBI extension"): OpenSBI, so this L0 is the first */
	if (probe <= 0) {
		*depth = 1;
		return L0_DEPTH_OK;
	}
	/* an rvnest L0 below: it must say how deep it is, and sensibly */
	if (error != SBI_SUCCESS || value < 1 || value >= L0_MAX_DEPTH) {
		snprintf(err, errlen,
			 "the SBI below has the rvnest extension but its "
			 "DEPTH call answered error %ld value %ld (expected "
			 "success and 1 to %d)",
			 error, value, L0_MAX_DEPTH - 1);
		return L0_DEPTH_BAD;
	}
	*depth = (unsigned)value + 1;
	return L0_DEPTH_OK;
}
