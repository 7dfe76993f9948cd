/* SPDX-License-Identifier: BSD-2-Clause */
/* L0's depth from the SBI below (l0-hyp/depth.c). */
#include <rvnest/sbi.h>
#include <string.h>

#include "../depth.h"
#include "unit.h"

static enum l0_depth_status decide(long probe, long error, long value,
				   unsigned *depth)
{
	char err[200];

	*depth = 99;
	return l0_depth_decide(probe, error, value, depth, err, sizeof(err));
}

TEST(depth_on_firmware_is_1)
{
	unsigned d;

	/* OpenSBI: rvnest absent; whatever a DEPTH call would say is unused */
	CHECK_EQ(decide(0, SBI_ERR_NOT_SUPPORTED, 0, &d), L0_DEPTH_OK);
	CHECK_EQ(d, 1);
	CHECK_EQ(decide(0, SBI_SUCCESS, 7, &d), L0_DEPTH_OK);
	CHECK_EQ(d, 1);
}

TEST(depth_on_an_l0_is_one_more)
{
	unsigned d;

	CHECK_EQ(decide(1, SBI_SUCCESS, 1, &d), L0_DEPTH_OK);
	CHECK_EQ(d, 2);
	CHECK_EQ(decide(1, SBI_SUCCESS, L0_MAX_DEPTH - 1, &d), L0_DEPTH_OK);
	CHECK_EQ(d, L0_MAX_DEPTH);
}

TEST(depth_nonsense_refused)
{
	char err[200] = "";
	unsigned d = 99;

	/* an rvnest L0 older than DEPTH, an error, 0, negative, too deep */
	CHECK_EQ(l0_depth_decide(1, SBI_ERR_NOT_SUPPORTED, 0, &d, err,
				 sizeof(err)),
		 L0_DEPTH_BAD);
	CHECK(strstr(err, "error -2 value 0") != NULL);
	CHECK_EQ(d, 99);
	CHECK_EQ(decide(1, SBI_ERR_FAILED, 1, &d), L0_DEPTH_BAD);
	CHECK_EQ(decide(1, SBI_SUCCESS, 0, &d), L0_DEPTH_BAD);
	CHECK_EQ(decide(1, SBI_SUCCESS, -1, &d), L0_DEPTH_BAD);
	CHECK_EQ(decide(1, SBI_SUCCESS, L0_MAX_DEPTH, &d), L0_DEPTH_BAD);
	CHECK_EQ(decide(1, SBI_SUCCESS, 0x7fffffffffffffffL, &d), L0_DEPTH_BAD);
}
