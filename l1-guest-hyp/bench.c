/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * BENCH_BEGIN / BENCH_END from L2: snapshot the exit counters, print the
 * protocol's bench line (docs/protocol.md), and pass both calls on to the
 * level below (L0 counts its own traps for the same window; OpenSBI
 * answers NOT_SUPPORTED, which is fine).
 */
#include "l1.h"
#include "nacl.h"

#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/sbi.h>
#include <rvnest/trap_names.h>

enum end_arg {
	END_ID,
	END_ITERS,
	END_INSTRET,
	END_CYCLE,
	END_TIME,
};

/* Per-benchmark completion checks, run at END: each one's operations must
 * have been completed by L2, as L1 sees it. */
static bool ipi_completed(const struct l1_vcpu *v)
{
	(void)v;
	/* AIA mode: L2 claimed every IPI MSI with stopei */
	if (l1_aia.on && l1_aia_pending(TESTDEV_MSI_ID_IPI))
		return false;
	/* L2 clears sip.SSIP in its handler: hvip.VSSIP must be clear. */
	return !(L1_HCSR_READ(CSR_HVIP) & MIP_VSSIP);
}

static bool virq_completed(const struct l1_vcpu *v)
{
	if (l1_aia.on && l1_aia_pending(TESTDEV_MSI_ID_VIRQ))
		return false;
	return !v->dev.irq_line && !(L1_HCSR_READ(CSR_HVIP) & MIP_VSEIP);
}

static bool (*const end_checks[BENCH_COUNT])(const struct l1_vcpu *v) = {
	[BENCH_IPI] = ipi_completed,
	[BENCH_VIRQ] = virq_completed,
};

long l1_bench_begin(struct l1_vcpu *v, unsigned long id)
{
	if (!bench_name(id))
		return SBI_ERR_INVALID_PARAM;
	if (v->bench_active)
		return SBI_ERR_ALREADY_STARTED;
	v->bench_active = true;
	v->bench_id = id;
	/* The BEGIN exit itself is already counted: it is in the snapshot,
	 * so it is not in the window. */
	l1_stats_sum(&v->bench_start);
	/* Last, so the level below opens its window as late as possible. */
	sbi_call1(SBI_EXT_RVNEST, SBI_RVNEST_BENCH_BEGIN, id);
	return SBI_SUCCESS;
}

static void print_exits(const struct l1_exit_stats *d)
{
	bool any = false;

	printf(" exits=");
	for (unsigned i = 0; i <= EXC_COUNT; i++) {
		if (!d->exc[i])
			continue;
		printf("%s%s:%llu", any ? "," : "", trap_cause_name(i),
		       (unsigned long long)d->exc[i]);
		any = true;
	}
	for (unsigned i = 0; i <= L1_IRQ_SLOTS; i++) {
		if (!d->irq[i])
			continue;
		printf("%s%s:%llu", any ? "," : "",
		       trap_cause_name(CAUSE_INTERRUPT | i),
		       (unsigned long long)d->irq[i]);
		any = true;
	}
	if (!any)
		printf("none");
	printf(" exits_total=%llu", (unsigned long long)d->total);
}

long l1_bench_end(struct l1_vcpu *v, const unsigned long *a)
{
	struct l1_exit_stats d, now;
	unsigned long id = a[END_ID];

	if (!v->bench_active || id != v->bench_id)
		return SBI_ERR_INVALID_PARAM;
	/* First, so the level below closes its window before L1 prints. */
	sbi_ecall(SBI_EXT_RVNEST, SBI_RVNEST_BENCH_END, id, a[END_ITERS],
		  a[END_INSTRET], a[END_CYCLE], a[END_TIME], 0);
	v->bench_active = false;

	/* every vCPU's exits: a cross-vCPU benchmark's receiver exits on
	 * its own hart */
	l1_stats_sum(&now);
	for (unsigned i = 0; i <= EXC_COUNT; i++)
		d.exc[i] = now.exc[i] - v->bench_start.exc[i];
	for (unsigned i = 0; i <= L1_IRQ_SLOTS; i++)
		d.irq[i] = now.irq[i] - v->bench_start.irq[i];
	d.total = now.total - v->bench_start.total;
	/* The END call was counted on entry: it is not part of the window. */
	d.exc[EXC_ECALL_VS]--;
	d.total--;

	if (end_checks[id] && !end_checks[id](v)) {
		v->fail_msg = "bench_operations_not_completed";
		return SBI_ERR_FAILED;
	}
	printf("RVNEST bench name=%s iters=%lu instret=%lu cycle=%lu time=%lu",
	       bench_name(id), a[END_ITERS], a[END_INSTRET], a[END_CYCLE],
	       a[END_TIME]);
	print_exits(&d);
	printf("\n");
	console_flush();
	v->bench_done_mask |= 1u << id;
	return SBI_SUCCESS;
}

bool l1_bench_all_done(const struct l1_vcpu *v)
{
	/* guests/passdev's two, or guests/micro's (the SMP ones when L2 has
	 * a second vCPU) */
	if (l1_plat.passdev)
		return v->bench_done_mask == BENCH_PASSDEV_MASK;
	return v->bench_done_mask ==
	       (BENCH_MICRO_MASK | (l1_nvcpus > 1 ? BENCH_SMP_MASK : 0));
}
