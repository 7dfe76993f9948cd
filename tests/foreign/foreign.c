/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A "foreign" L1: an HS-mode image that knows nothing of rvnest's console
 * protocol (docs/protocol.md), as a third-party kernel or test suite would
 * be. It prints its hart and its /chosen/bootargs between brackets, byte
 * for byte, then powers off through SBI SRST: reason "no reason" (status
 * 0), or "system failure" (status 1) when its command line has the word
 * `foreign.fail=1`. harness/test_foreign.py runs it with `L1=` and checks
 * that the harness judges the run by that power-off alone.
 */
#include <stdio.h>
#include <rvnest/console.h>
#include <rvnest/fdt_util.h>
#include <rvnest/sbi.h>

void __attribute__((noreturn))
image_main(unsigned long hartid, const void *fdt);

void image_main(unsigned long hartid, const void *fdt)
{
	const char *args = NULL;
	int fail;

	console_init_sbi();
	if (fdt && fdt_util_check(fdt) == FDT_UTIL_OK)
		args = fdt_util_bootargs(fdt);
	printf("foreign-l1: hart %lu bootargs=[%s]\n", hartid,
	       args ? args : "");
	fail = args && fdt_util_args_have(args, "foreign.fail=1");
	printf("foreign-l1: powering off (%s)\n",
	       fail ? "system failure" : "no reason");
	console_flush();
	/* SBI spec "System Reset Extension": shutdown with reason 0 (no
	 * reason) or 1 (system failure) */
	sbi_shutdown(fail);
}
