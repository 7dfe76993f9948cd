/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Harness self-test image: a small S-mode program that speaks the console
 * protocol (docs/protocol.md), so the harness's run/judge/timeout/error paths
 * are tested without depending on any hypervisor. Its numbers are real: it
 * measures a compute loop and a loop of SBI calls into the firmware.
 *
 * Bootargs (the FDT's /chosen/bootargs, QEMU -append):
 *   rvnest.hang=1      print the boot line, then never finish (timeout test)
 *   rvnest.fail=1      report an RVNEST error and shut down with failure
 *   rvnest.iters=N     iterations per benchmark (default SELFTEST_ITERS)
 * Without "h" in the CPU's ISA (FDT) it reports RVNEST error
 * msg=no_H_extension, as l1-guest-hyp does.
 */
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/fdt_util.h>
#include <rvnest/image.h>
#include <rvnest/sbi.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#ifndef RVNEST_VERSION
#define RVNEST_VERSION "unknown"
#endif

#define SELFTEST_ITERS 1000UL
#define SELFTEST_ITERS_MAX 10000000UL

enum selftest_mode {
	SELFTEST_RUN,
	SELFTEST_HANG,
	SELFTEST_FAIL,
};

struct selftest_args {
	enum selftest_mode mode;
	unsigned long iters;
};

/* Is `word` one of the space-separated tokens of `args`? */
static int has_token(const char *args, const char *word)
{
	size_t n = strlen(word);

	while (*args) {
		while (*args == ' ')
			args++;
		if (!strncmp(args, word, n) && (args[n] == ' ' || !args[n]))
			return 1;
		while (*args && *args != ' ')
			args++;
	}
	return 0;
}

static const char *token_value(const char *args, const char *key)
{
	size_t n = strlen(key);

	while (*args) {
		while (*args == ' ')
			args++;
		if (!strncmp(args, key, n))
			return args + n;
		while (*args && *args != ' ')
			args++;
	}
	return NULL;
}

static struct selftest_args parse_bootargs(const void *fdt)
{
	struct selftest_args a = {SELFTEST_RUN, SELFTEST_ITERS};
	const char *args = NULL;
	const char *v;
	int node = fdt_path_offset(fdt, "/chosen");

	if (node >= 0)
		args = fdt_getprop(fdt, node, "bootargs", NULL);
	if (!args)
		return a;
	if (has_token(args, "rvnest.hang=1"))
		a.mode = SELFTEST_HANG;
	if (has_token(args, "rvnest.fail=1"))
		a.mode = SELFTEST_FAIL;
	v = token_value(args, "rvnest.iters=");
	if (v) {
		char *end;
		unsigned long n = strtoul(v, &end, 0);

		if (end == v || (*end && *end != ' ') || !n ||
		    n > SELFTEST_ITERS_MAX) {
			printf("RVNEST error msg=bad_bootarg arg=rvnest.iters "
			       "max=%lu\n",
			       SELFTEST_ITERS_MAX);
			sbi_shutdown(1);
		}
		a.iters = n;
	}
	return a;
}

struct counters {
	unsigned long instret, cycle, time;
};

static inline struct counters counters_read(void)
{
	struct counters c;

	c.instret = csr_read(CSR_INSTRET);
	c.cycle = csr_read(CSR_CYCLE);
	c.time = csr_read(CSR_TIME);
	return c;
}

static void report(const char *name, unsigned long iters, struct counters a,
		   struct counters b)
{
	printf("RVNEST bench name=%s iters=%lu instret=%lu cycle=%lu "
	       "time=%lu\n",
	       name, iters, b.instret - a.instret, b.cycle - a.cycle,
	       b.time - a.time);
}

static void bench_compute(unsigned long iters)
{
	struct counters a, b;
	unsigned long x = 1;

	a = counters_read();
	for (unsigned long i = 0; i < iters; i++) {
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		/* keep the loop: the compiler must not fold it away */
		__asm__ __volatile__("" : "+r"(x));
	}
	b = counters_read();
	report("compute", iters, a, b);
}

static void bench_sbi_call(unsigned long iters)
{
	struct counters a, b;

	a = counters_read();
	for (unsigned long i = 0; i < iters; i++)
		sbi_call0(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION);
	b = counters_read();
	report("sbi_call", iters, a, b);
}

void image_main(unsigned long hartid, unsigned long fdt_addr)
{
	const void *fdt = (const void *)fdt_addr;
	struct selftest_args args;

	console_init_sbi();
	printf("RVNEST boot component=harness-selftest version=%s hart=%lu\n",
	       RVNEST_VERSION, hartid);
	if (fdt_check_header(fdt)) {
		printf("RVNEST error msg=bad_device_tree addr=%p\n", fdt);
		sbi_shutdown(1);
	}
	args = parse_bootargs(fdt);
	switch (args.mode) {
	case SELFTEST_HANG:
		printf("selftest: rvnest.hang=1: spinning forever\n");
		console_flush();
		for (;;)
			__asm__ __volatile__("wfi");
	case SELFTEST_FAIL:
		printf("RVNEST error msg=requested_failure arg=rvnest.fail\n");
		sbi_shutdown(1);
	case SELFTEST_RUN:
		break;
	}
	if (!fdt_util_hart_has_ext(fdt, hartid, "h")) {
		printf("RVNEST error msg=no_H_extension\n");
		sbi_shutdown(1);
	}
	bench_compute(args.iters);
	bench_sbi_call(args.iters);
	printf("RVNEST done status=0\n");
	console_flush();
	sbi_shutdown(0);
}
