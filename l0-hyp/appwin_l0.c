/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L0's side of the application benchmarks' workload windows (appwin.h):
 * at a begin marker, a snapshot of every vCPU's counters and of the time
 * CSR; at the matching end, `RVNEST l0win` with the traps in between, by
 * cause, and the window's length in timebase ticks, so the harness reports
 * traps per second (under -icount shift=0 a tick is 100 instructions of
 * the whole machine on QEMU virt's 10 MHz timebase). One window at a time:
 * the workloads run one after another.
 */
#include <rvnest/csr.h>
#include <stdio.h>
#include <string.h>

#include "appwin.h"
#include "hostdt.h"
#include "stats.h"
#include "vcpu.h"

static struct {
	struct l0_appwin_parser parser;
	bool open;
	char name[L0_APPWIN_NAME_MAX + 1];
	struct l0_stats base;
	unsigned long t0;
} win; /* one L1 per L0; under the guest's console lock */

static void edge(struct l0_guest *g, enum l0_appwin_edge e, const char *name,
		 const char *why)
{
	static struct l0_stats now;
	static char causes[512], l2_causes[512];
	unsigned long t1;

	switch (e) {
	case L0_APPWIN_NONE:
		return;
	case L0_APPWIN_BAD:
		printf("[l0] appwin: marker ignored: %s\n", why);
		return;
	case L0_APPWIN_BEGIN:
		if (win.open)
			printf("[l0] appwin: %s begins while %s is open: "
			       "%s dropped\n",
			       name, win.name, win.name);
		strcpy(win.name, name);
		win.open = true;
		/* the window: every trap after the one that wrote this line
		 * up to and including the one that writes the end line */
		l0_stats_sum(g, &win.base);
		win.t0 = rd_time();
		return;
	case L0_APPWIN_END:
		break;
	}
	t1 = rd_time();
	if (!win.open || strcmp(win.name, name)) {
		printf("[l0] appwin: end of %s, which is not open\n", name);
		return;
	}
	win.open = false;
	l0_stats_sum(g, &now);
	l0_stats_format_causes(&now, &win.base, causes, sizeof(causes));
	l0_stats_format_l2_causes(&now, &win.base, l2_causes,
				  sizeof(l2_causes));
	printf("RVNEST l0win name=%s traps=%llu ticks=%lu timebase=%u "
	       "causes=%s l2_exits=%llu l2_forwarded=%llu "
	       "l2_shadow_fills=%llu l2_causes=%s depth=%u\n",
	       name, (unsigned long long)(now.traps - win.base.traps),
	       t1 - win.t0, g->host->timebase, causes,
	       (unsigned long long)(now.ev[L0_EV_L2_EXIT] -
				    win.base.ev[L0_EV_L2_EXIT]),
	       (unsigned long long)(now.ev[L0_EV_L2_FORWARD] -
				    win.base.ev[L0_EV_L2_FORWARD]),
	       (unsigned long long)(now.ev[L0_EV_L2_SHADOW_FILL] -
				    win.base.ev[L0_EV_L2_SHADOW_FILL]),
	       l2_causes, g->depth);
}

size_t l0_appwin_write(struct l0_guest *g, const char *buf, size_t len)
{
	char name[L0_APPWIN_NAME_MAX + 1];
	const char *why = "";
	size_t done = 0, from = 0;

	for (size_t i = 0; i < len; i++) {
		enum l0_appwin_edge e =
			l0_appwin_feed(&win.parser, buf[i], name, &why);

		if (e == L0_APPWIN_NONE)
			continue;
		/* L1's marker line goes out first, then L0's answer to it */
		done += fwrite(buf + from, 1, i + 1 - from, stdout);
		from = i + 1;
		edge(g, e, name, why);
	}
	return done + fwrite(buf + from, 1, len - from, stdout);
}
