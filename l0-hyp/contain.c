/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fault containment: the watchdog, the delivery checks and the shadow
 * pool's livelock check (contain.h). Every verdict L0_CONTAIN_STOP has
 * printed one `RVNEST error msg=...` line; the caller ends the run through
 * its fatal path, which prints L0's statistics (l0_finish).
 */
#include "contain.h"

#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/insn.h>
#include <rvnest/trap_names.h>
#include <stdio.h>
#include <string.h>

#include "fetch.h"
#include "hcsr.h"
#include "vcpu.h"

void l0_contain_start(struct l0_vcpu *v)
{
	struct l0_contain *c = &v->contain;
	uint64_t ms = v->guest->opts->watchdog_ms;

	memset(c, 0, sizeof(*c));
	c->wdog_deadline = ~0UL;
	if (ms) {
		/* options.c bounds ms, so this cannot overflow */
		c->wdog_period =
			(unsigned long)(ms * v->guest->host->timebase / 1000);
		if (!c->wdog_period)
			c->wdog_period = 1;
		c->wdog_deadline = rd_time() + c->wdog_period;
	}
	c->wdog_mark = v->stats.traps;
	if (v->guest->nested)
		c->pool_seen = v->vh.shadow.stats.pool_exhausted;
	l0_vhyp_program_timer(v);
}

/* WFI completes when an interrupt becomes pending, even one that is not
 * enabled, and the trap is taken on the following instruction (Privileged
 * spec "Wait for Interrupt"): an L1 found just after a WFI was waiting,
 * as an idle Linux does with its interrupts off. */
static bool l1_just_waited(struct l0_vcpu *v)
{
	uint32_t raw;
	struct insn in;

	return l0_fetch_insn(v, v->sepc - 4, &raw) == L0_FETCH_OK &&
	       insn_decode(raw, &in) && in.kind == INSN_WFI;
}

enum l0_contain_verdict l0_contain_timer(struct l0_vcpu *v)
{
	struct l0_contain *c = &v->contain;
	unsigned long vsstatus, vscause, vsepc, vstvec;
	const char *what;
	bool progress;

	if (rd_time() < c->wdog_deadline)
		return L0_CONTAIN_OK;
	/* this timer trap is itself counted in stats.traps; while L2 runs,
	 * L1 is not the one running (and L1's interrupts preempt L2) */
	progress = c->wdog_waited || v->stats.traps > c->wdog_mark + 1 ||
		   v->vh.in_l2;
	vsstatus = l0_hcsr_read(v, CSR_VSSTATUS); /* L1's sstatus */
	if (progress || (vsstatus & SSTATUS_SIE) || l1_just_waited(v)) {
		c->wdog_mark = v->stats.traps;
		c->wdog_waited = false;
		c->wdog_deadline = rd_time() + c->wdog_period;
		return L0_CONTAIN_OK;
	}
	/* A whole period without a trap into L0 and with interrupts off.
	 * At its trap vector with the last cause an exception raised there:
	 * L1 takes the same fault over and over without L0 (a delegated
	 * exception, hedeleg). */
	vscause = l0_hcsr_read(v, CSR_VSCAUSE);
	vsepc = l0_hcsr_read(v, CSR_VSEPC);
	vstvec = l0_hcsr_read(v, CSR_VSTVEC) & ~3UL;
	what = !(vscause & CAUSE_INTERRUPT) && vsepc == vstvec
		       ? "L1_trap_vector_faults"
		       : "L1_spins_with_interrupts_off";
	printf("RVNEST error msg=%s vcpu=%lu pc=0x%lx vsstatus=0x%lx "
	       "vscause=%s vsepc=0x%lx vstvec=0x%lx watchdog_ms=%llu\n",
	       what, v->vhartid, v->sepc, vsstatus, trap_cause_name(vscause),
	       vsepc, vstvec, (unsigned long long)v->guest->opts->watchdog_ms);
	return L0_CONTAIN_STOP;
}

enum l0_contain_verdict l0_contain_inject(struct l0_vcpu *v,
					  unsigned long cause)
{
	struct l0_contain *c = &v->contain;
	unsigned long vstvec = l0_hcsr_read(v, CSR_VSTVEC) & ~3UL;

	/* An exception delivered to the address that raised it: the handler
	 * is the faulting instruction, and every delivery raises it again
	 * (exceptions never vector: "stvec" MODE only affects interrupts). */
	if (v->sepc == vstvec) {
		printf("RVNEST error msg=L1_trap_vector_faults vcpu=%lu "
		       "cause=%s vstvec=0x%lx stval=0x%lx\n",
		       v->vhartid, trap_cause_name(cause), vstvec,
		       v->trap.stval);
		return L0_CONTAIN_STOP;
	}
	/* A fetch from an address that is not memory never succeeds (L0's
	 * map of L1 is fixed): L1 returning to it again and again loops. */
	if (cause != EXC_INST_ACCESS) {
		c->fetch_repeats = 0;
		return L0_CONTAIN_OK;
	}
	if (c->fetch_repeats && c->fetch_pc == v->sepc) {
		if (++c->fetch_repeats >= L0_FETCH_LOOP_LIMIT) {
			printf("RVNEST error msg=L1_fetch_fault_loop vcpu=%lu "
			       "pc=0x%lx cause=%s repeats=%u vstvec=0x%lx\n",
			       v->vhartid, v->sepc, trap_cause_name(cause),
			       c->fetch_repeats, vstvec);
			return L0_CONTAIN_STOP;
		}
	} else {
		c->fetch_pc = v->sepc;
		c->fetch_repeats = 1;
	}
	return L0_CONTAIN_OK;
}

enum l0_contain_verdict l0_contain_pool_exhausted(struct l0_vcpu *v,
						  uint64_t gpa)
{
	struct l0_contain *c = &v->contain;
	uint64_t page = gpa >> PAGE_SHIFT;
	bool seen = false;

	c->pool_seen = v->vh.shadow.stats.pool_exhausted;
	/* The flush that made room dropped what the other accesses of the
	 * same L2 instruction need: the same pc exhausting the pool again
	 * for a page it filled a flush or two ago means the instruction can
	 * never complete with this pool. A streaming L2 exhausts it on ever
	 * new pages, which is progress. */
	for (unsigned i = 0; i < L0_POOL_THRASH_RING; i++)
		seen |= c->thrash_gpa[i] == page + 1; /* +1: 0 = empty */
	if (v->sepc == c->thrash_pc && seen)
		c->thrash_repeats++;
	else
		c->thrash_repeats = 0;
	if (v->sepc != c->thrash_pc)
		memset(c->thrash_gpa, 0, sizeof(c->thrash_gpa));
	c->thrash_pc = v->sepc;
	c->thrash_gpa[c->thrash_next++ % L0_POOL_THRASH_RING] = page + 1;
	if (c->thrash_repeats < L0_POOL_THRASH_LIMIT)
		return L0_CONTAIN_OK;
	printf("RVNEST error msg=shadow_pool_thrashing vcpu=%lu l2_pc=0x%lx "
	       "gpa=0x%llx exhausted=%llu pool_bytes=%llu\n",
	       v->vhartid, v->sepc, (unsigned long long)gpa,
	       (unsigned long long)v->vh.shadow.stats.pool_exhausted,
	       (unsigned long long)v->vh.shadow.cfg.pool_size);
	return L0_CONTAIN_STOP;
}
