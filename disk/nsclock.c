/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nsclock: print L1's CLOCK_MONOTONIC in nanoseconds, one decimal number
 * and a newline. disk/init.sh reads it around each transfer of the
 * throughput benchmark (rvnest.iobench=): busybox's date has no %N, and
 * /proc/uptime counts in 10 ms steps. Under -icount shift=0 one nanosecond
 * of the guest's clock is one instruction (DESIGN.md section 6).
 */
#include <stdio.h>
#include <time.h>

int main(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		perror("nsclock: clock_gettime(CLOCK_MONOTONIC)");
		return 1;
	}
	printf("%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	return 0;
}
