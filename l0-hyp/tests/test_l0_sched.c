/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests of the vCPU scheduler's state machine (l0-hyp/sched.c) on
 * the model hart (model_hart.h): two vCPUs of one nested guest share the
 * one host hart, and another vCPU's requests (sched.h:
 * l0_sched_request_ipi, l0_sched_request_fence) meet each state. The rule
 * under test (l0-hyp/README.md "vCPU scheduling"): a request is either
 * kicked or served before its target runs guest code again. What is
 * L0's outside sched.c is recorded here: a kick, the serving (vcpu.c's
 * l0_vcpu_serve_requests does the IPI and the fences; here it takes them
 * and counts), the resume checks after it.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sched.h"
#include "../trap.h"
#include "../vcpu.h"
#include "model_hart.h"

#define TIMEBASE 10000000u /* 10 MHz, QEMU virt's */
#define SLICE_US 1000u
#define SLICE_TICKS (TIMEBASE / 1000000u * SLICE_US)

static struct model_world w;
/* what L0 outside sched.c was asked to do, per vCPU */
static unsigned kicks[L0_MAX_VCPUS], ipis_served[L0_MAX_VCPUS],
	fences_served[L0_MAX_VCPUS], rechecks[L0_MAX_VCPUS];

/* ---- L0 outside sched.c ------------------------------------------------ */

void l0_vcpu_kick(struct l0_vcpu *t)
{
	kicks[t->vhartid]++;
}

void l0_vcpu_serve_requests(struct l0_vcpu *v)
{
	unsigned long pend =
		__atomic_exchange_n(&v->fence_mask, 0, __ATOMIC_ACQ_REL);

	if (__atomic_exchange_n(&v->ipi_pending, 0, __ATOMIC_ACQ_REL))
		ipis_served[v->vhartid]++;
	fences_served[v->vhartid] += (unsigned)__builtin_popcountl(pend);
}

void l0_trap_resume_checks(struct l0_vcpu *v)
{
	rechecks[v->vhartid]++;
}

void l0_nacl_trap_done(struct l0_vcpu *v, bool was_in_l2)
{
	(void)v;
	(void)was_in_l2;
}

bool l0_vplic_s_pending(const struct l0_vplic *p, unsigned vhart)
{
	(void)p;
	(void)vhart;
	return false;
}

uint32_t l0_vplic_hw_claim(struct l0_vplic *p)
{
	(void)p;
	return 0;
}

/* A hart with nothing to run waits in WFI: in these tests something can
 * always run, so a wait is a failure, reported rather than spun in. */
void model_wfi(void)
{
	fprintf(stderr, "test_l0_sched: the hart waits in WFI with nothing "
			"to wake it\n");
	abort();
}

/* vCPUs that L1 starts (SBI HSM) or stops: not in these tests */
static void not_here(const char *what)
{
	fprintf(stderr, "test_l0_sched: %s is not part of these tests\n", what);
	abort();
}

void l0_vcpu_reset_vs(struct l0_vcpu *v)
{
	(void)v;
	not_here("l0_vcpu_reset_vs");
}

void l0_fwft_hart_reset(struct l0_vcpu *v)
{
	(void)v;
	not_here("l0_fwft_hart_reset");
}

void l0_pmu_hart_reset(struct l0_vcpu *v)
{
	(void)v;
	not_here("l0_pmu_hart_reset");
}

void l0_guest_enter(struct l0_vcpu *v)
{
	(void)v;
	not_here("l0_guest_enter");
	abort();
}

/* ---- the world ----------------------------------------------------------- */

static struct l0_vcpu *vcpu(unsigned i)
{
	return &w.guest.vcpu[i];
}

static void set_time(unsigned long t)
{
	model_hart.csr[CSR_TIME] = t;
}

/* vCPUs 0 and 1 of L1 on one host hart, both STARTED, vCPU 0 on the
 * hart; L1 enabled its software interrupt (vsie.SSIE) as l1-guest-hyp
 * does, so an IPI ends its WFI. */
static void world(void)
{
	struct model_config cfg = {
		.l1_ram_size = 64UL << 10,
		.host_sstc = true,
	};
	struct l0_guest *g = &w.guest;

	model_world_free(&w);
	CHECK(model_world_init(&w, &cfg));
	memset(kicks, 0, sizeof(kicks));
	memset(ipis_served, 0, sizeof(ipis_served));
	memset(fences_served, 0, sizeof(fences_served));
	memset(rechecks, 0, sizeof(rechecks));
	w.host.timebase = TIMEBASE;
	w.opts.slice_us = SLICE_US;
	w.opts.l1_harts = 2;
	g->nvcpus = 2;
	vcpu(1)->guest = g;
	vcpu(1)->vhartid = 1;
	vcpu(1)->sbi_timer = ~0UL;
	l0_vhyp_init(vcpu(1));
	CHECK_EQ(l0_sched_setup(g, 1), 1u);
	CHECK(l0_sched_on());
	for (unsigned i = 0; i < 2; i++) {
		vcpu(i)->sched =
			(struct l0_sched_vcpu){.hart = l0_sched_hart_of(i)};
		vcpu(i)->hsm = SBI_NESTED_HART_STARTED;
	}
	CHECK_EQ(vcpu(1)->sched.hart, 0u);
	set_time(1000);
	model_csr_write(CSR_VSIE, MIP_SSIP);
	l0_sched_hart_init(vcpu(0), true);
	/* vCPU 1 ran before and gave the hart away in WFI */
	vcpu(1)->sched.state = L0_SCHED_BLOCKED;
	vcpu(1)->sched.ever_ran = true;
	vcpu(1)->sched.csrs.vsie = MIP_SSIP;
	vcpu(1)->sched.csrs.hstatus = model_csr_read(CSR_HSTATUS);
}

/* ---- the tests ------------------------------------------------------------
 */

/* Issue 15's race: the target has just waited in WFI (BLOCKED, still on
 * its hart, before the scheduler's pick); the asker reads BLOCKED and
 * sends no kick; the pick finds the target runnable again (its IPI) with
 * nothing else to run. The target must not go back to its guest before
 * the IPI is served: it did, and its WFI trapped, woke, ... forever. */
TEST(sched_ipi_to_a_vcpu_waking_on_its_hart_is_served_before_it_runs)
{
	struct l0_vcpu *v = vcpu(0);

	world();
	l0_sched_wfi(v);
	CHECK_EQ(v->sched.state, L0_SCHED_BLOCKED);
	l0_sched_request_ipi(v);
	CHECK_EQ(kicks[0], 0u); /* BLOCKED, its hart not idle */
	CHECK(l0_sched_resume(v) == v);
	CHECK_EQ(v->sched.state, L0_SCHED_RUNNING);
	CHECK_EQ(ipis_served[0], 1u);
	CHECK_EQ(v->ipi_pending, 0);
	CHECK_EQ(rechecks[0], 1u); /* the resume checks saw the served IPI */
	CHECK_EQ(v->sched.switches, 1u); /* no switch: the boot one only */
}

/* The same for a remote fence: the asker does not wait for a target that
 * is not RUNNING, so the fence is done before the target runs again. */
TEST(sched_fence_to_a_vcpu_waking_on_its_hart_is_done_before_it_runs)
{
	struct l0_vcpu *v = vcpu(0);
	struct sbi_nested_fence f = {0};

	world();
	l0_sched_wfi(v);
	CHECK(!l0_sched_request_fence(vcpu(1), v, &f)); /* nobody waits */
	l0_sched_request_ipi(v);			/* what wakes it */
	CHECK(l0_sched_resume(v) == v);
	CHECK_EQ(fences_served[0], 1u);
	CHECK_EQ(v->fence_mask, 0UL);
	CHECK_EQ(ipis_served[0], 1u);
}

/* A RUNNING target is kicked, and its kick's trap serves the request:
 * the scheduler's resume leaves it to that trap. */
TEST(sched_ipi_to_a_running_vcpu_is_kicked)
{
	struct l0_vcpu *v = vcpu(0);

	world();
	l0_sched_request_ipi(v);
	CHECK_EQ(kicks[0], 1u);
	CHECK(l0_sched_resume(v) == v); /* within its slice */
	CHECK_EQ(ipis_served[0], 0u);
	CHECK_EQ(v->ipi_pending, 1);
}

/* A vCPU switched out at the end of its slice (READY) is not kicked; its
 * switch-in serves the IPI before it runs. */
TEST(sched_ipi_to_a_switched_out_vcpu_is_served_at_its_switch_in)
{
	struct l0_vcpu *v0 = vcpu(0), *v1 = vcpu(1);

	world();
	v1->sched.state = L0_SCHED_READY; /* runnable: its slice comes */
	set_time(1000 + SLICE_TICKS);
	CHECK(l0_sched_resume(v0) == v1);
	CHECK_EQ(v0->sched.state, L0_SCHED_READY);
	CHECK(!v0->sched.loaded && v1->sched.loaded);
	l0_sched_request_ipi(v0);
	CHECK_EQ(kicks[0], 0u);
	CHECK_EQ(ipis_served[0], 0u);
	set_time(1000 + 2 * SLICE_TICKS);
	CHECK(l0_sched_resume(v1) == v0);
	CHECK_EQ(ipis_served[0], 1u);
	CHECK_EQ(v0->sched.state, L0_SCHED_RUNNING);
	CHECK_EQ(v0->sched.switches, 2u);
}

/* A blocked vCPU with nothing pending stays off its hart: the other one
 * keeps it, slice after slice, and the blocked one is not served. */
TEST(sched_a_blocked_vcpu_without_a_request_stays_blocked)
{
	struct l0_vcpu *v0 = vcpu(0), *v1 = vcpu(1);

	world();
	set_time(1000 + SLICE_TICKS);
	CHECK(l0_sched_resume(v0) == v0); /* v1 BLOCKED: a new slice */
	CHECK_EQ(v1->sched.state, L0_SCHED_BLOCKED);
	CHECK_EQ(rechecks[0], 0u); /* nothing asked: no second check */
	l0_sched_request_ipi(v1);
	CHECK_EQ(kicks[1], 0u); /* off its hart: no kick */
	set_time(1000 + 2 * SLICE_TICKS);
	CHECK(l0_sched_resume(v0) == v1); /* its IPI made it runnable */
	CHECK_EQ(ipis_served[1], 1u);
}
