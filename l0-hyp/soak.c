/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Soak runs: L0's counters and memory at fixed intervals of L2 exits
 * (soak.h). The lines are cumulative; harness/test_soak.py takes the
 * differences between intervals and checks that the per-exit counts of the
 * first and the last agree and that the memory L0 holds stops growing.
 */
#include <stdio.h>

#include <rvnest/console.h>
#include <rvnest/csr.h>

#include "soak.h"
#include "stats.h"
#include "vcpu.h"

/* When each vCPU's soak began (its first L2 exit), in time ticks. */
static uint64_t soak_t0[L0_MAX_VCPUS];

void l0_soak_l2_exit(struct l0_vcpu *v)
{
	struct l0_guest *g = v->guest;
	const struct l0_options *o = g->opts;
	unsigned id = (unsigned)(v - g->vcpu);
	uint64_t n = v->stats.ev[L0_EV_L2_EXIT], now = rd_time();
	const struct shadow_stats *sh = &v->vh.shadow.stats;
	char causes[1024];
	bool last;

	if (n == 1)
		soak_t0[id] = now;
	if (n % o->soak_every)
		return;
	last = (o->soak_exits && n >= o->soak_exits) ||
	       (o->soak_secs &&
		now - soak_t0[id] >= o->soak_secs * g->host->timebase);
	l0_stats_format_causes(&v->stats, NULL, causes, sizeof(causes));
	l0_lock(&g->console_lock);
	/* the shadow pool is L0's only memory that grows with L2's
	 * activity (fills); the trace ring is fixed at boot (l0.trace) */
	printf("RVNEST l0soak vcpu=%u i=%llu l2_exits=%llu traps=%llu "
	       "instret=%lu time=%llu pool_used=%llu pool_high_water=%llu "
	       "pool_exhausted=%llu shadow_fills=%llu trace_len=%u "
	       "trace_records=%llu causes=%s\n",
	       id, (unsigned long long)(n / o->soak_every),
	       (unsigned long long)n, (unsigned long long)v->stats.traps,
	       csr_read(CSR_INSTRET), (unsigned long long)(now - soak_t0[id]),
	       (unsigned long long)sh->pool_used,
	       (unsigned long long)sh->pool_high_water,
	       (unsigned long long)sh->pool_exhausted,
	       (unsigned long long)v->stats.ev[L0_EV_L2_SHADOW_FILL],
	       v->prof.trace_len, (unsigned long long)v->prof.trace_n, causes);
	if (last)
		printf("RVNEST soak_end vcpu=%u intervals=%llu l2_exits=%llu\n"
		       "RVNEST done status=0\n",
		       id, (unsigned long long)(n / o->soak_every),
		       (unsigned long long)n);
	l0_unlock(&g->console_lock);
	if (last)
		l0_finish(v, 0, "soak run complete");
}
