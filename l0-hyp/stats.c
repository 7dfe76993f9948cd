/* SPDX-License-Identifier: BSD-2-Clause */
#include "stats.h"

#include <rvnest/trap_names.h>
#include <stdio.h>
#include <string.h>

static const char *const l0_event_names[L0_EV_COUNT] = {
	[L0_EV_SBI_CALL] = "sbi_calls",
	[L0_EV_MMIO_READ] = "mmio_reads",
	[L0_EV_MMIO_WRITE] = "mmio_writes",
	[L0_EV_INJECT_EXC] = "injected_exc",
	[L0_EV_ACCESS_FAULT] = "l1_access_faults",
	[L0_EV_VIRQ] = "virqs",
	[L0_EV_L1_CSR] = "l1_csr",
	[L0_EV_L1_HFENCE] = "l1_hfence",
	[L0_EV_L1_HLV] = "l1_hlv",
	[L0_EV_L1_SRET] = "l1_sret",
	[L0_EV_L1_WFI] = "l1_wfi",
	[L0_EV_L2_EXIT] = "l2_exits",
	[L0_EV_L2_FORWARD] = "l2_forwarded",
	[L0_EV_L2_SHADOW_FILL] = "l2_shadow_fills",
	[L0_EV_L2_L0_IRQ] = "l2_l0_irqs",
	[L0_EV_L2_DEVICE] = "l2_device",
};

const char *l0_event_name(enum l0_event e)
{
	return l0_event_names[e];
}

static void append(char *buf, unsigned long len, const char *name, uint64_t n)
{
	size_t used = strlen(buf);

	if (!n || used >= len)
		return;
	snprintf(buf + used, len - used, "%s%s:%llu", used ? "," : "", name,
		 (unsigned long long)n);
}

/* "cause:count,..." for the counts in now minus base (base may be NULL):
 * exceptions then interrupts, zero counts left out, "none" when empty. */
static void format_cause_counts(const uint64_t *exc, const uint64_t *base_exc,
				const uint64_t *irq, const uint64_t *base_irq,
				char *buf, unsigned long len)
{
	for (unsigned long i = 0; i < EXC_COUNT; i++)
		append(buf, len, trap_cause_name(i),
		       exc[i] - (base_exc ? base_exc[i] : 0));
	for (unsigned long i = 0; i < L0_IRQ_COUNT; i++)
		append(buf, len, trap_cause_name(CAUSE_INTERRUPT | i),
		       irq[i] - (base_irq ? base_irq[i] : 0));
}

void l0_stats_format_causes(const struct l0_stats *now,
			    const struct l0_stats *base, char *buf,
			    unsigned long len)
{
	buf[0] = '\0';
	format_cause_counts(now->exc, base ? base->exc : NULL, now->irq,
			    base ? base->irq : NULL, buf, len);
	append(buf, len, "other", now->other - (base ? base->other : 0));
	if (!buf[0])
		snprintf(buf, len, "none");
}

void l0_stats_format_l2_causes(const struct l0_stats *now,
			       const struct l0_stats *base, char *buf,
			       unsigned long len)
{
	buf[0] = '\0';
	format_cause_counts(now->l2_exc, base ? base->l2_exc : NULL,
			    now->l2_irq, base ? base->l2_irq : NULL, buf, len);
	if (!buf[0])
		snprintf(buf, len, "none");
}

void l0_stats_add(struct l0_stats *sum, const struct l0_stats *s)
{
	sum->traps += s->traps;
	sum->other += s->other;
	for (unsigned i = 0; i < EXC_COUNT; i++)
		sum->exc[i] += s->exc[i];
	for (unsigned i = 0; i < L0_IRQ_COUNT; i++)
		sum->irq[i] += s->irq[i];
	for (unsigned i = 0; i < L0_EV_COUNT; i++)
		sum->ev[i] += s->ev[i];
	for (unsigned i = 0; i < EXC_COUNT; i++)
		sum->l2_exc[i] += s->l2_exc[i];
	for (unsigned i = 0; i < L0_IRQ_COUNT; i++)
		sum->l2_irq[i] += s->l2_irq[i];
}

void l0_stats_print(const struct l0_stats *s, unsigned nvcpus)
{
	char causes[1024];

	l0_stats_format_causes(s, NULL, causes, sizeof(causes));
	printf("RVNEST l0stats traps=%llu causes=%s vcpus=%u",
	       (unsigned long long)s->traps, causes, nvcpus);
	for (int e = 0; e < L0_EV_COUNT; e++)
		printf(" %s=%llu", l0_event_names[e],
		       (unsigned long long)s->ev[e]);
	l0_stats_format_l2_causes(s, NULL, causes, sizeof(causes));
	printf(" l2_causes=%s", causes);
}
