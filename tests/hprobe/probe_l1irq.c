/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Group "l1irq": an interrupt of HS-mode's own (here its supervisor
 * software interrupt: sip.SSIP with sie.SSIE, sstatus.SIE = 0) already
 * pending when HS-mode's SRET enters a guest. V=1 after the SRET, so the
 * HS-level interrupt is enabled whatever sstatus.SIE ("Trap Handling":
 * interrupts of a higher privilege are always enabled) and is taken before
 * the guest's first instruction, from the guest's privilege: sstatus.SPP
 * and hstatus.SPVP = 0 for VU, 1 for VS, hstatus.SPV = 1 ("Trap Entry").
 *
 * On L0 this is the SRET into L2 that finds an interrupt of L1 pending
 * (l0_vhyp_sret -> exit_to_l1): L0 handles L1's SRET, a trap from L1's
 * VS-mode, so the SPP of that trap is 1 whatever L2's privilege; taking
 * it as L2's told a guest hypervisor that a VU guest trapped from VS, and
 * Linux/KVM in L1 then resumed its guest's user code in VS-mode (the
 * app-kvm-l0 crash, app/README.md). The HU case (SRET with SPV = 0) is
 * the delegated path: the hart itself takes it into L1's S-mode.
 */
#include <rvnest/csr.h>
#include <stdio.h>

#include "hprobe.h"

#define IRQ(n) (CAUSE_INTERRUPT | (n))

/*
 * l1irq.ssip_kept.vseip_waits: HS-mode pends its own SSIP (`csrs sip`, no
 * trap on any hart) while an undelegated VS interrupt is pending and
 * enabled but masked (sstatus.SIE = 0), then writes hvip (on L0: a trap);
 * sip.SSIP must still read 1 ("Supervisor Interrupt Registers": SSIP is
 * written by software only). On L0 the masked VS interrupt arms its
 * "undelegated VS interrupts" path, which used VSSIP to stop L1 and
 * cleared it again at the next trap, L1's own SSIP with it.
 */
static void hp_l1irq_ssip_kept(void)
{
	struct hp_env env = hp_env_default;
	unsigned long sip;

	env.hideleg = 0;
	env.hie = MIP_VSEIP;
	env.hvip = MIP_VSEIP;
	hp_env_apply(&env);
	csr_set(CSR_SIP, MIP_SSIP);
	csr_write(CSR_HVIP, 0);
	sip = csr_read(CSR_SIP) & MIP_SSIP;
	csr_clear(CSR_SIP, MIP_SSIP);
	hp_env_apply(&hp_env_default);
	printf("RVNEST probe id=l1irq.ssip_kept.vseip_waits out=ret "
	       "val=0x%lx\n",
	       sip);
	if (!sip) {
		hp_errors++;
		printf("RVNEST error msg=lost_ssip "
		       "id=l1irq.ssip_kept.vseip_waits "
		       "sip_ssip=0 expected=1\n");
	}
}

/*
 * l1irq.htval.written_in_handler: HS-mode takes its own supervisor
 * software interrupt from HU-mode (the delegated path: on L0 the hart
 * delivers it to L1 directly, L0 never sees it), then, with scause still
 * holding that interrupt cause, writes htval and reads it back: what it
 * wrote ("Hypervisor Trap Value Register": writable; only a trap writes
 * it again). L0 read 0 there (it took any interrupt cause in scause as an
 * interrupt since, fuzz/README.md).
 * l1irq.htval.sti_after_write: then a supervisor timer interrupt (Sstc,
 * stimecmp in the past), again taken from HU-mode directly, writes htval 0
 * ("Trap Entry": nothing to report): the trap's htval is 0. Printed
 * without the epc, which is the same on both anyway.
 */
#define HTVAL_WRITTEN 0x5a5a1234UL

static void hp_l1irq_htval(void)
{
	struct hp_env env = hp_env_default;
	struct hp_obs obs;
	unsigned long cause, val;

	env.mode = HP_MODE_HU;
	hp_env_apply(&hp_env_default);
	csr_set(CSR_SIE, MIP_SSIP);
	csr_set(CSR_SIP, MIP_SSIP);
	hp_run(&env, hp_b_nop, 0, &obs);
	csr_clear(CSR_SIP, MIP_SSIP);
	csr_clear(CSR_SIE, MIP_SSIP);
	cause = csr_read(CSR_SCAUSE);
	csr_write(CSR_HTVAL, HTVAL_WRITTEN);
	val = csr_read(CSR_HTVAL);
	printf("RVNEST probe id=l1irq.htval.written_in_handler out=ret "
	       "val=0x%lx scause=0x%lx\n",
	       val, cause);
	if (val != HTVAL_WRITTEN || cause != IRQ(IRQ_S_SOFT)) {
		hp_errors++;
		printf("RVNEST error msg=htval_not_kept "
		       "id=l1irq.htval.written_in_handler htval=0x%lx "
		       "scause=0x%lx expected=0x%lx\n",
		       val, cause, HTVAL_WRITTEN);
	}
	if (!hp_has_sstc)
		return;
	csr_set(CSR_SIE, MIP_STIP);
	csr_write(CSR_STIMECMP, 0);
	hp_run(&env, hp_b_nop, 0, &obs);
	csr_write(CSR_STIMECMP, ~0UL);
	csr_clear(CSR_SIE, MIP_STIP);
	printf("RVNEST probe id=l1irq.htval.sti_after_write out=%s "
	       "cause=0x%lx htval=0x%lx\n",
	       obs.out == HP_OUT_TRAP_HS ? "hs" : "other", obs.scause,
	       obs.htval);
	if (obs.out != HP_OUT_TRAP_HS || obs.scause != IRQ(IRQ_S_TIMER) ||
	    obs.htval) {
		hp_errors++;
		printf("RVNEST error msg=htval_after_irq "
		       "id=l1irq.htval.sti_after_write cause=0x%lx "
		       "htval=0x%lx expected=0\n",
		       obs.scause, obs.htval);
	}
}

void hp_group_l1irq(void)
{
	static const struct {
		const char *id;
		enum hp_mode mode;
		unsigned spp; /* = spvp for a trap from V=1 */
	} cases[] = {
		{"l1irq.ssip.sret_to_vu", HP_MODE_VU, 0},
		{"l1irq.ssip.sret_to_vs", HP_MODE_VS, 1},
		{"l1irq.ssip.sret_to_hu", HP_MODE_HU, 0},
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hp_env env = hp_env_default;
		struct hp_obs obs;
		unsigned spp, spvp, spv;

		env.mode = cases[i].mode;
		/* a clean start: nothing pending or enabled from an
		 * earlier probe (vsirq.* leaves undelegated VS interrupts),
		 * so HS's SSIP is the only interrupt in play */
		hp_env_apply(&hp_env_default);
		/* HS-mode's own SSI, pending and enabled but masked by
		 * sstatus.SIE = 0 while HS runs (the runner keeps SIE and
		 * SPIE 0) */
		csr_set(CSR_SIE, MIP_SSIP);
		csr_set(CSR_SIP, MIP_SSIP);
		hp_run(&env, hp_b_nop, 0, &obs);
		csr_clear(CSR_SIP, MIP_SSIP);
		csr_clear(CSR_SIE, MIP_SSIP);
		printf("RVNEST probe id=%s", cases[i].id);
		hp_print_obs(&obs, HP_PRINT_VALUE);
		printf("\n");
		hp_check(cases[i].id, &obs, HP_HS(IRQ(IRQ_S_SOFT)));
		if (obs.out != HP_OUT_TRAP_HS)
			continue;
		spp = (obs.sstatus & SSTATUS_SPP) ? 1 : 0;
		spvp = (obs.hstatus & HSTATUS_SPVP) ? 1 : 0;
		spv = (obs.hstatus & HSTATUS_SPV) ? 1 : 0;
		/* from V=1: SPV = 1, SPVP = SPP = the guest's privilege;
		 * from HU: SPV = 0, SPP = 0, SPVP keeps its value ("Trap
		 * Entry"), so only SPP and SPV are checked there */
		if (spp != cases[i].spp ||
		    spv != (cases[i].mode != HP_MODE_HU) ||
		    (cases[i].mode != HP_MODE_HU && spvp != cases[i].spp)) {
			hp_errors++;
			printf("RVNEST error msg=wrong_previous_privilege "
			       "id=%s spp=%u spvp=%u spv=%u expected_spp=%u\n",
			       cases[i].id, spp, spvp, spv, cases[i].spp);
		}
	}
	hp_l1irq_ssip_kept();
	hp_l1irq_htval();
}
