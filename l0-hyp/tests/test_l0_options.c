/* SPDX-License-Identifier: BSD-2-Clause */
/* Host tests of L0's option parser (l0-hyp/options.c). */
#include "unit.h"

#include <string.h>

#include "../options.h"

static struct l0_options o;
static char err[256];

static enum l0_options_status parse(const char *s)
{
	err[0] = '\0';
	return l0_options_parse(s, &o, err, sizeof(err));
}

TEST(options_defaults)
{
	CHECK_EQ(parse(NULL), L0_OPTIONS_OK);
	CHECK_EQ(o.l1_mem, 256UL << 20);
	CHECK_EQ(o.l1_harts, 1);
	CHECK(!o.l1_h);
	CHECK_EQ(o.gstage, PT_SV39X4);
	CHECK_EQ(o.l1_sstc, L0_SSTC_AUTO);
	CHECK(!o.has_l1_initrd);
	CHECK_EQ(strlen(o.l1_bootargs), 0);
	CHECK_EQ(parse(""), L0_OPTIONS_OK);
}

TEST(options_all)
{
	CHECK_EQ(parse("l1.mem=128M l1.harts=4 l1.h=1 l1.gstage=sv48 l1.sstc=0 "
		       "l1.initrd=0xb0000000,0x1234 -- console=ttyS0 -- x"),
		 L0_OPTIONS_OK);
	CHECK_EQ(o.l1_mem, 128UL << 20);
	CHECK_EQ(o.l1_harts, 4);
	CHECK(o.l1_h);
	CHECK_EQ(o.gstage, PT_SV48X4);
	CHECK_EQ(o.l1_sstc, L0_SSTC_OFF);
	CHECK(o.has_l1_initrd);
	CHECK_EQ(o.l1_initrd_addr, 0xb0000000UL);
	CHECK_EQ(o.l1_initrd_size, 0x1234);
	/* only the first " -- " separates: the rest is L1's, verbatim */
	CHECK(!strcmp(o.l1_bootargs, "console=ttyS0 -- x"));
}

TEST(options_leading_separator)
{
	CHECK_EQ(parse("-- console=ttyS0 earlycon"), L0_OPTIONS_OK);
	CHECK(!strcmp(o.l1_bootargs, "console=ttyS0 earlycon"));
	CHECK_EQ(o.l1_mem, 256UL << 20);
}

TEST(options_trailing_separator)
{
	/* "<L0 options> -- <L1's>" with L1's empty, then trimmed */
	CHECK_EQ(parse("l1.h=1 l1.mem=128M --"), L0_OPTIONS_OK);
	CHECK(o.l1_h);
	CHECK_EQ(o.l1_mem, 128UL << 20);
	CHECK_EQ(strlen(o.l1_bootargs), 0);
	CHECK_EQ(parse("--"), L0_OPTIONS_OK);
	CHECK_EQ(strlen(o.l1_bootargs), 0);
	CHECK_EQ(parse(" -- "), L0_OPTIONS_OK);
	CHECK_EQ(strlen(o.l1_bootargs), 0);
	/* L1's part keeps its own trailing "--" */
	CHECK_EQ(parse("l1.h=1 -- a --"), L0_OPTIONS_OK);
	CHECK(!strcmp(o.l1_bootargs, "a --"));
	/* "--x" is no separator */
	CHECK_EQ(parse("l1.h=1 --x"), L0_OPTIONS_BAD);
}

TEST(options_sizes)
{
	CHECK_EQ(parse("l1.mem=1G"), L0_OPTIONS_OK);
	CHECK_EQ(o.l1_mem, 1UL << 30);
	CHECK_EQ(parse("l1.mem=0x400000"), L0_OPTIONS_OK);
	CHECK_EQ(o.l1_mem, 4UL << 20);
	CHECK_EQ(parse("l1.initrd=0x1000,4K"), L0_OPTIONS_OK);
	CHECK_EQ(o.l1_initrd_size, 4096);
}

TEST(options_errors)
{
	/* each bad input is refused with a reason naming the option */
	static const char *const bad[] = {
		"l1.mem=3M", /* not a multiple of 2M */
		"l1.mem=0",
		"l1.mem=12Q",
		"l1.mem=",
		"l1.mem",
		"l1.h=2",
		"l1.gstage=sv57",
		"l1.sstc=maybe",
		"l1.initrd=0x1000",
		"l1.initrd=0x1000,0",
		"l1.initrd=zz,0x10",
		"l1.initrd=0xffffffffffffffff,0x10",
		"l1.mem=99999999999999999999",
		"l1.harts=0",
		"l1.harts=9",
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(parse(bad[i]), L0_OPTIONS_BAD);
		CHECK(strstr(err, "l1.") != NULL);
	}
	CHECK_EQ(parse("console=ttyS0"), L0_OPTIONS_BAD);
	CHECK(strstr(err, "unknown L0 option 'console=ttyS0'") != NULL);
}

TEST(benchwin_option)
{
	/* default: L1's SBI_EXT_RVNEST calls bracket L0's windows */
	CHECK_EQ(parse(NULL), L0_OPTIONS_OK);
	CHECK_EQ(o.benchwin, L0_BENCHWIN_L1);
	CHECK_EQ(parse("l0.benchwin=l2 -- console=hvc0"), L0_OPTIONS_OK);
	CHECK_EQ(o.benchwin, L0_BENCHWIN_L2);
	CHECK_EQ(parse("l0.benchwin=l2 l0.benchwin=l1"), L0_OPTIONS_OK);
	CHECK_EQ(o.benchwin, L0_BENCHWIN_L1);
	CHECK_EQ(parse("l0.benchwin=l3"), L0_OPTIONS_BAD);
	CHECK(strstr(err, "l0.benchwin") != NULL);
}

TEST(profile_and_trace_options)
{
	/* the profiler is off unless asked for */
	CHECK_EQ(parse(NULL), L0_OPTIONS_OK);
	CHECK(!o.profile);
	CHECK_EQ(o.trace_len, 0);
	CHECK_EQ(parse("l0.profile=1"), L0_OPTIONS_OK);
	CHECK(o.profile);
	CHECK_EQ(parse("l0.profile=1 l0.profile=0"), L0_OPTIONS_OK);
	CHECK(!o.profile);
	CHECK_EQ(parse("l0.profile=yes"), L0_OPTIONS_BAD);
	CHECK(strstr(err, "l0.profile") != NULL);
	/* a trace needs the profiler: it turns it on */
	CHECK_EQ(parse("l0.trace=64"), L0_OPTIONS_OK);
	CHECK(o.profile);
	CHECK_EQ(o.trace_len, 64);
	CHECK_EQ(parse("l0.trace=0"), L0_OPTIONS_OK);
	CHECK(!o.profile);
	/* ... unless told not to, in either order */
	CHECK_EQ(parse("l0.profile=0 l0.trace=8"), L0_OPTIONS_BAD);
	CHECK(strstr(err, "l0.profile=0") != NULL);
	CHECK_EQ(parse("l0.trace=8 l0.profile=0"), L0_OPTIONS_BAD);
	/* the pool bounds the rings of all vCPUs together */
	CHECK_EQ(parse("l0.trace=16384"), L0_OPTIONS_OK);
	CHECK_EQ(parse("l0.trace=16385"), L0_OPTIONS_BAD);
	CHECK(strstr(err, "l0.trace") != NULL);
	CHECK_EQ(parse("l0.trace=4096 l1.harts=4"), L0_OPTIONS_OK);
	CHECK_EQ(parse("l1.harts=4 l0.trace=4097"), L0_OPTIONS_BAD);
	CHECK(strstr(err, "more than L0's pool of 16384") != NULL);
	CHECK_EQ(parse("l0.trace=-1"), L0_OPTIONS_BAD);
	CHECK_EQ(parse("l0.trace="), L0_OPTIONS_BAD);
}

TEST(decode_option)
{
	/* default: the instruction the hardware reported, fetched if 0 */
	CHECK_EQ(parse(NULL), L0_OPTIONS_OK);
	CHECK_EQ(o.decode, L0_DECODE_REPORTED);
	CHECK_EQ(parse("l0.decode=fetch -- console=hvc0"), L0_OPTIONS_OK);
	CHECK_EQ(o.decode, L0_DECODE_FETCH);
	CHECK_EQ(parse("l0.decode=fetch l0.decode=reported"), L0_OPTIONS_OK);
	CHECK_EQ(o.decode, L0_DECODE_REPORTED);
	CHECK_EQ(parse("l0.decode=htinst"), L0_OPTIONS_BAD);
	CHECK(strstr(err, "l0.decode") != NULL);
}

TEST(slice_option)
{
	/* a vCPU's time slice on a shared host hart (sched.h) */
	CHECK_EQ(parse(NULL), L0_OPTIONS_OK);
	CHECK_EQ(o.slice_us, L0_SLICE_DEFAULT_US);
	CHECK_EQ(parse("l0.slice=250 l1.harts=8"), L0_OPTIONS_OK);
	CHECK_EQ(o.slice_us, 250);
	CHECK_EQ(o.l1_harts, 8);
	CHECK_EQ(parse("l0.slice=9"), L0_OPTIONS_BAD);
	CHECK(strstr(err, "l0.slice") != NULL);
	CHECK_EQ(parse("l0.slice=1000001"), L0_OPTIONS_BAD);
	CHECK_EQ(parse("l0.slice=1ms"), L0_OPTIONS_BAD);
	CHECK_EQ(parse("l1.harts=9"), L0_OPTIONS_BAD);
	CHECK(strstr(err, "1 to 8") != NULL);
}

TEST(watchdog_option)
{
	/* on by default (contain.h), off with 0, bounded by an hour */
	CHECK_EQ(parse(NULL), L0_OPTIONS_OK);
	CHECK_EQ(o.watchdog_ms, L0_WATCHDOG_DEFAULT_MS);
	CHECK_EQ(parse("l0.watchdog=50"), L0_OPTIONS_OK);
	CHECK_EQ(o.watchdog_ms, 50);
	CHECK_EQ(parse("l0.watchdog=0"), L0_OPTIONS_OK);
	CHECK_EQ(o.watchdog_ms, 0);
	CHECK_EQ(parse("l0.watchdog=3600000"), L0_OPTIONS_OK);
	CHECK_EQ(parse("l0.watchdog=3600001"), L0_OPTIONS_BAD);
	CHECK(strstr(err, "l0.watchdog") != NULL);
	CHECK_EQ(parse("l0.watchdog=10s"), L0_OPTIONS_BAD);
	CHECK_EQ(parse("l0.watchdog="), L0_OPTIONS_BAD);
}

TEST(shadowpool_option)
{
	/* 0 = the whole reserved pool; whole 4 KiB pages up to it; min */
	CHECK_EQ(parse(NULL), L0_OPTIONS_OK);
	CHECK_EQ(o.shadow_pool, 0);
	CHECK_EQ(parse("l0.shadowpool=128K"), L0_OPTIONS_OK);
	CHECK_EQ(o.shadow_pool, 128 << 10);
	CHECK_EQ(parse("l0.shadowpool=512K"), L0_OPTIONS_OK);
	CHECK_EQ(o.shadow_pool, L0_SHADOW_POOL_MAX);
	CHECK_EQ(parse("l0.shadowpool=min"), L0_OPTIONS_OK);
	CHECK_EQ(o.shadow_pool, L0_SHADOW_POOL_MIN);
	CHECK_EQ(parse("l0.shadowpool=1M"), L0_OPTIONS_BAD);
	CHECK(strstr(err, "l0.shadowpool") != NULL);
	CHECK_EQ(parse("l0.shadowpool=5000"), L0_OPTIONS_BAD);
	CHECK_EQ(parse("l0.shadowpool=0"), L0_OPTIONS_BAD);
}

TEST(options_soak)
{
	CHECK_EQ(parse(NULL), L0_OPTIONS_OK);
	CHECK_EQ(o.soak_every, 0);
	CHECK_EQ(parse("l0.soak=2000,10000"), L0_OPTIONS_OK);
	CHECK_EQ(o.soak_every, 2000);
	CHECK_EQ(o.soak_exits, 10000);
	CHECK_EQ(o.soak_secs, 0);
	CHECK_EQ(parse("l0.soak=100000,0,600"), L0_OPTIONS_OK);
	CHECK_EQ(o.soak_exits, 0);
	CHECK_EQ(o.soak_secs, 600);
	/* no interval, no end, missing or extra fields: refused */
	CHECK_EQ(parse("l0.soak=0,10000"), L0_OPTIONS_BAD);
	CHECK(strstr(err, "l0.soak") != NULL);
	CHECK_EQ(parse("l0.soak=1000,0"), L0_OPTIONS_BAD);
	CHECK_EQ(parse("l0.soak=1000"), L0_OPTIONS_BAD);
	CHECK_EQ(parse("l0.soak=1000,,5"), L0_OPTIONS_BAD);
	CHECK_EQ(parse("l0.soak=1000,5,x"), L0_OPTIONS_BAD);
	CHECK_EQ(parse("l0.soak=1000,5,6,7"), L0_OPTIONS_BAD);
}

TEST(options_l1_aia)
{
	CHECK_EQ(parse(NULL), L0_OPTIONS_OK);
	CHECK(!o.l1_aia);
	CHECK_EQ(parse("l1.aia=1 l1.h=1"), L0_OPTIONS_OK);
	CHECK(o.l1_aia);
	CHECK_EQ(parse("l1.aia=0"), L0_OPTIONS_OK);
	CHECK(!o.l1_aia);
	CHECK_EQ(parse("l1.aia=yes"), L0_OPTIONS_BAD);
	CHECK(strstr(err, "l1.aia (0 or 1)") != NULL);
}
