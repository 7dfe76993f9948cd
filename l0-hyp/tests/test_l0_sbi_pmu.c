/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests of l0-hyp/sbi_pmu.c, L1's PMU on its host hart's counters
 * (SBI spec "Performance Monitoring Unit Extension"), against the PMU of
 * tests/model_sbi.c on the model hart: the hardware counters found at
 * boot, each way L1's counter-overflow interrupt (LCOFI, 13) can reach it
 * (hideleg, hvien/hvip with Ssaia, none), an overflow while L2 runs,
 * scountovf, every counter CSR l0_pmu_hw_read reads, the hcounteren bits
 * a configured or started counter gets, a hart's reset and the firmware
 * events of the traps L0 delivers.
 */
#include "unit.h"

#define L0_MODEL_SBI_TESTS
#include "model_sbi.h"

#include <string.h>

#include "../hcsr.h"
#include "../sbi_pmu.h"
#include "../vcpu.h"
#include "model_hart.h"

#define F(id) (1UL << (id))

static struct model_world w;
static struct model_config cfg = {.l1_ram_size = 64 * 1024};

/* A fresh model hart with the counter CSRs and Sscofpmf's: cycle, time,
 * instret and hpmcounter3..31 (S-mode may read them all: OpenSBI's
 * mcounteren), scountovf, sip/sie; a PMU below, no NACL. */
static void world(void)
{
	model_world_free(&w);
	CHECK(model_world_init(&w, &cfg));
	for (unsigned n = 0; n < 32; n++)
		model_hart.known[CSR_CYCLE + n] = true;
	model_hart.known[CSR_SCOUNTOVF] = true;
	model_hart.known[CSR_SIP] = true;
	model_hart.known[CSR_SIE] = true;
	model_hart.known[CSR_HVIEN] = true;
	memset(&l0_nacl_client, 0, sizeof(l0_nacl_client));
	l0_nacl_client_on = 0;
	model_sbi_reset();
	model_sbi.pmu = true;
}

static void do_setup_lcofi(void *arg)
{
	l0_pmu_setup_lcofi(arg);
}

static void do_setup(void *arg)
{
	l0_pmu_setup(arg);
}

/* sbi_pmu.c chooses LCOFI's path once (lcofi_path, a boot-time static
 * that only moves away from "none"): the three paths in that order. */
TEST(pmu_lcofi_paths_none_injected_delegated)
{
	struct l0_guest *g;

	world();
	g = &w.guest;
	/* QEMU 10: hideleg[13] read-only zero, no Ssaia: L1 loses
	 * Sscofpmf, nothing is enabled, snapshots stay offered */
	g->l1_has[L0_ISA_SSCOFPMF] = true;
	model_csr_write(CSR_HIDELEG, HVIP_VS_MASK);
	CHECK_EQ(model_sbi_run(do_setup_lcofi, g), MODEL_SBI_RETURNED);
	CHECK(strstr(model_sbi.out, "no way to give L1 LCOFI"));
	CHECK(!g->l1_has[L0_ISA_SSCOFPMF]);
	CHECK_EQ(model_hart.csr[CSR_HIDELEG], HVIP_VS_MASK); /* restored */
	l0_pmu_hart_init();
	CHECK_EQ(model_hart.csr[CSR_HIDELEG], HVIP_VS_MASK);
	CHECK_EQ(model_hart.csr[CSR_HVIEN], 0);
	CHECK_EQ(model_hart.csr[CSR_SIE], 0);
	CHECK_EQ(model_sbi_run(do_setup, g), MODEL_SBI_RETURNED);
	CHECK(!g->sbi_cfg.pmu_no_snapshot);
	/* no Sscofpmf for L1 at all: nothing probed */
	model_hart.hideleg_writable = MIP_LCOFIP;
	CHECK_EQ(model_sbi_run(do_setup_lcofi, g), MODEL_SBI_RETURNED);
	CHECK_EQ(model_sbi.out[0], '\0');
	model_hart.hideleg_writable = 0;

	/* Ssaia with hvien[13]: L0 takes LCOFI and asserts it in hvip */
	g->l1_has[L0_ISA_SSCOFPMF] = true;
	g->l1_has[L0_ISA_SSAIA] = true;
	model_hart.hvien_writable = MIP_LCOFIP;
	CHECK_EQ(model_sbi_run(do_setup_lcofi, g), MODEL_SBI_RETURNED);
	CHECK(strstr(model_sbi.out, "LCOFI injected into L1 (hvien/hvip)"));
	CHECK(g->l1_has[L0_ISA_SSCOFPMF]);
	CHECK_EQ(model_hart.csr[CSR_HVIEN], 0); /* restored */
	l0_pmu_hart_init();
	CHECK_EQ(model_hart.csr[CSR_HVIEN], MIP_LCOFIP);
	CHECK_EQ(model_hart.csr[CSR_SIE], MIP_LCOFIP);
	CHECK_EQ(model_hart.csr[CSR_HIDELEG], HVIP_VS_MASK);
	/* snapshots refused with Sscofpmf (sbi-nested) */
	CHECK_EQ(model_sbi_run(do_setup, g), MODEL_SBI_RETURNED);
	CHECK(g->sbi_cfg.pmu_no_snapshot);

	/* a hart whose hideleg[13] is writable: delegated, L0 never sees
	 * it (the spec lets hideleg delegate LCOFI: "Hypervisor Interrupt
	 * Registers") */
	world();
	g = &w.guest;
	g->l1_has[L0_ISA_SSCOFPMF] = true;
	model_hart.hideleg_writable = MIP_LCOFIP;
	model_csr_write(CSR_HIDELEG, HVIP_VS_MASK);
	CHECK_EQ(model_sbi_run(do_setup_lcofi, g), MODEL_SBI_RETURNED);
	CHECK(strstr(model_sbi.out, "LCOFI delegated to L1 (hideleg)"));
	CHECK(g->l1_has[L0_ISA_SSCOFPMF]);
	CHECK_EQ(model_hart.csr[CSR_HIDELEG], HVIP_VS_MASK); /* restored */
	l0_pmu_hart_init();
	CHECK_EQ(model_hart.csr[CSR_HIDELEG], HVIP_VS_MASK | MIP_LCOFIP);
	CHECK_EQ(model_hart.csr[CSR_SIE], 0);
	CHECK_EQ(model_hart.csr[CSR_HVIEN], 0);
}

TEST(pmu_lcofi_taken_by_l0_in_l1_and_in_l2)
{
	struct l0_vcpu *v;

	world();
	v = w.v;
	model_hart.hvien_writable = MIP_LCOFIP;
	model_csr_write(CSR_HVIEN, MIP_LCOFIP); /* the hvien path */
	/* L1 runs: cleared in sip, asserted in the real hvip */
	model_csr_write(CSR_SIP, MIP_LCOFIP | MIP_SSIP);
	l0_pmu_lcofi(v);
	CHECK_EQ(model_hart.csr[CSR_SIP], MIP_SSIP);
	CHECK_EQ(model_hart.csr[CSR_HVIP], MIP_LCOFIP);
	/* L2 runs: into L1's saved hvip, never the real one L2 sees */
	model_csr_write(CSR_HVIP, 0);
	model_csr_write(CSR_SIP, MIP_LCOFIP);
	v->vh.in_l2 = true;
	v->vh.l1.hvip = MIP_VSSIP;
	l0_pmu_lcofi(v);
	CHECK_EQ(model_hart.csr[CSR_SIP], 0);
	CHECK_EQ(model_hart.csr[CSR_HVIP], 0);
	CHECK_EQ(v->vh.l1.hvip, MIP_VSSIP | MIP_LCOFIP);
	v->vh.in_l2 = false;
}

TEST(pmu_overflow_is_scountovf_with_sscofpmf)
{
	world();
	/* OF of hpmcounter3 and hpmcounter31 */
	model_hart.csr[CSR_SCOUNTOVF] = (1UL << 3) | (1UL << 31);
	w.guest.l1_has[L0_ISA_SSCOFPMF] = false;
	CHECK_EQ(l0_pmu_hw_overflow(w.v, 0), 0);
	w.guest.l1_has[L0_ISA_SSCOFPMF] = true;
	CHECK_EQ(l0_pmu_hw_overflow(w.v, 0), (1UL << 3) | (1UL << 31));
	model_hart.csr[CSR_SCOUNTOVF] = 1UL << 17;
	CHECK_EQ(l0_pmu_hw_overflow(w.v, 0), 1UL << 17);
}

TEST(pmu_hw_read_every_counter_csr)
{
	unsigned long val;

	world();
	for (unsigned long n = 0; n < 32; n++)
		model_hart.csr[CSR_CYCLE + n] = 0x1000000UL * (n + 1) + n;
	/* cycle (0), instret (2), hpmcounter3..31: each its own CSR */
	for (unsigned long n = 0; n < 32; n++) {
		if (n == 1)
			continue;
		val = 0;
		CHECK_EQ(l0_pmu_hw_read(w.v, 0, n, &val), SBI_NESTED_OK);
		CHECK_EQ(val, 0x1000000UL * (n + 1) + n);
	}
	/* 1 is time, not a counter; past 31 there is no CSR */
	val = 0xdead;
	CHECK_EQ(l0_pmu_hw_read(w.v, 0, 1, &val), SBI_NESTED_UNSUPPORTED);
	CHECK_EQ(l0_pmu_hw_read(w.v, 0, 32, &val), SBI_NESTED_UNSUPPORTED);
	CHECK_EQ(l0_pmu_hw_read(w.v, 0, ~0UL, &val), SBI_NESTED_UNSUPPORTED);
	CHECK_EQ(val, 0xdead);
}

static struct sbiret hw_ret;
static unsigned long hw_fid, hw_args[5];

static void do_hw(void *arg)
{
	hw_ret = l0_pmu_hw(arg, 0, hw_fid, hw_args);
}

TEST(pmu_hw_calls_open_hcounteren)
{
	const unsigned long base = COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR;

	world();
	CHECK_EQ(model_hart.csr[CSR_HCOUNTEREN], base);
	/* CFG_MATCHING: the counter OpenSBI picked becomes readable */
	model_sbi.pmu_cfg_counter = 5;
	hw_fid = SBI_PMU_COUNTER_CFG_MATCHING;
	hw_args[0] = 3;
	hw_args[1] = 0x1f8;
	hw_args[2] = 0;
	hw_args[3] = 2; /* event: instructions */
	hw_args[4] = 0;
	CHECK_EQ(model_sbi_run(do_hw, w.v), MODEL_SBI_RETURNED);
	CHECK_EQ(hw_ret.error, SBI_SUCCESS);
	CHECK_EQ(hw_ret.value, 5);
	CHECK_EQ(model_sbi.pmu_calls[SBI_PMU_COUNTER_CFG_MATCHING], 1);
	CHECK_EQ(model_sbi.last_args[SBI_PMU_COUNTER_CFG_MATCHING][1], 0x1f8);
	CHECK_EQ(model_sbi.last_args[SBI_PMU_COUNTER_CFG_MATCHING][3], 2);
	CHECK_EQ(model_hart.csr[CSR_HCOUNTEREN], base | F(5));
	/* START of counters base + mask bits, those past 31 have no bit */
	hw_fid = SBI_PMU_COUNTER_START;
	hw_args[0] = 29;
	hw_args[1] = 0x5; /* 29 and 31 */
	CHECK_EQ(model_sbi_run(do_hw, w.v), MODEL_SBI_RETURNED);
	CHECK_EQ(model_hart.csr[CSR_HCOUNTEREN], base | F(5) | F(29) | F(31));
	hw_args[0] = 30;
	hw_args[1] = 0x7; /* 30, 31, 32 */
	CHECK_EQ(model_sbi_run(do_hw, w.v), MODEL_SBI_RETURNED);
	CHECK_EQ(model_hart.csr[CSR_HCOUNTEREN],
		 base | F(5) | F(29) | F(30) | F(31));
	/* STOP leaves the bits; a failure below is L1's answer, nothing
	 * opened */
	hw_fid = SBI_PMU_COUNTER_STOP;
	CHECK_EQ(model_sbi_run(do_hw, w.v), MODEL_SBI_RETURNED);
	CHECK_EQ(model_hart.csr[CSR_HCOUNTEREN],
		 base | F(5) | F(29) | F(30) | F(31));
	model_csr_write(CSR_HCOUNTEREN, base);
	model_sbi.fail_ext = SBI_EXT_PMU;
	model_sbi.fail_fid = SBI_PMU_COUNTER_START;
	model_sbi.fail_error = SBI_ERR_ALREADY_STARTED;
	hw_fid = SBI_PMU_COUNTER_START;
	hw_args[0] = 3;
	hw_args[1] = 1;
	CHECK_EQ(model_sbi_run(do_hw, w.v), MODEL_SBI_RETURNED);
	CHECK_EQ(hw_ret.error, SBI_ERR_ALREADY_STARTED);
	CHECK_EQ(model_hart.csr[CSR_HCOUNTEREN], base);
}

static void do_nacl_client(void *arg)
{
	(void)arg;
	l0_nacl_client_setup(F(SBI_NACL_FEAT_SYNC_CSR), 2);
	l0_nacl_client_hart_init(0);
}

TEST(pmu_hw_call_flushes_the_nacl_client_first)
{
	world();
	/* this L0 on another with NACL: a CSR waiting in the shared memory
	 * is synchronized before hcounteren is written directly */
	model_sbi.nacl = true;
	model_sbi.nacl_feat[SBI_NACL_FEAT_SYNC_CSR] = true;
	CHECK_EQ(model_sbi_run(do_nacl_client, NULL), MODEL_SBI_RETURNED);
	CHECK(strstr(model_sbi.out, "csr=1 hfence=0 sret=0"));
	model_sbi.seqn = 0;
	l0_hcsr_write(w.v, CSR_HEDELEG, 0x1);
	model_sbi.pmu_cfg_counter = 4;
	hw_fid = SBI_PMU_COUNTER_CFG_MATCHING;
	CHECK_EQ(model_sbi_run(do_hw, w.v), MODEL_SBI_RETURNED);
	CHECK_EQ(model_sbi.seqn, 2);
	CHECK_EQ(model_sbi.seq[0], SBI_NACL_SYNC_CSR);
	CHECK_EQ(model_sbi.seq[1], MODEL_SBI_SEQ_PMU);
	CHECK_EQ(model_hart.csr[CSR_HEDELEG], 0x1);
	CHECK(model_hart.csr[CSR_HCOUNTEREN] & F(4));
	memset(&l0_nacl_client, 0, sizeof(l0_nacl_client));
	l0_nacl_client_on = 0;
}

TEST(pmu_setup_counts_hardware_counters)
{
	struct l0_guest *g;

	world();
	g = &w.guest;
	/* 0 and 2..5 hardware (1, time, answers INVALID_PARAM), then
	 * firmware counters: 6 */
	model_sbi.pmu_counters = 10;
	model_sbi.pmu_hw = 6;
	CHECK_EQ(model_sbi_run(do_setup, g), MODEL_SBI_RETURNED);
	CHECK_EQ(g->sbi_cfg.pmu_hw_counters, 6);
	CHECK_EQ(model_sbi.pmu_calls[SBI_PMU_COUNTER_GET_INFO], 10);
	CHECK(g->sbi_cfg.pmu != NULL);
	/* more than 32: no CSR for the rest */
	model_sbi.pmu_counters = 40;
	model_sbi.pmu_hw = 40;
	CHECK_EQ(model_sbi_run(do_setup, g), MODEL_SBI_RETURNED);
	CHECK_EQ(g->sbi_cfg.pmu_hw_counters, 32);
	/* no PMU below: none */
	model_sbi.pmu = false;
	CHECK_EQ(model_sbi_run(do_setup, g), MODEL_SBI_RETURNED);
	CHECK_EQ(g->sbi_cfg.pmu_hw_counters, 0);
}

TEST(pmu_hart_reset_and_firmware_events)
{
	struct l0_guest *g;
	struct sbi_nested_pmu_hart *h;

	world();
	g = &w.guest;
	model_sbi.pmu_counters = 8;
	model_sbi.pmu_hw = 6;
	CHECK_EQ(model_sbi_run(do_setup, g), MODEL_SBI_RETURNED);
	g->sbi_cfg.nharts = 1;
	g->sbi.cfg = &g->sbi_cfg;
	h = &g->sbi_cfg.pmu[0];
	/* firmware counter 0 counts illegal instructions (SBI spec "Event:
	 * Firmware"), started */
	h->fw_configured = 1;
	h->fw_started = 1;
	h->fw_event[0] = SBI_PMU_FW_ILLEGAL_INSN;
	h->fw_value[0] = 0;
	l0_pmu_trap_event(w.v, EXC_ILLEGAL_INST);
	l0_pmu_trap_event(w.v, EXC_ILLEGAL_INST);
	l0_pmu_trap_event(w.v, EXC_LOAD_ACCESS); /* another event */
	l0_pmu_trap_event(w.v, EXC_BREAKPOINT);	 /* no event */
	l0_pmu_trap_event(w.v, EXC_COUNT + 3);	 /* no such cause */
	CHECK_EQ(h->fw_value[0], 2);
	h->fw_event[0] = SBI_PMU_FW_ACCESS_LOAD;
	l0_pmu_trap_event(w.v, EXC_LOAD_ACCESS);
	CHECK_EQ(h->fw_value[0], 3);
	/* reset: firmware counters cleared; hardware ones 3..5 stopped and
	 * freed (RESET), cycle and instret started again */
	l0_pmu_hart_reset(w.v);
	CHECK_EQ(h->fw_started, 0);
	CHECK_EQ(h->fw_value[0], 0);
	CHECK_EQ(model_sbi.pmu_calls[SBI_PMU_COUNTER_STOP], 1);
	CHECK_EQ(model_sbi.last_args[SBI_PMU_COUNTER_STOP][0], 0);
	CHECK_EQ(model_sbi.last_args[SBI_PMU_COUNTER_STOP][1], 0x3a);
	CHECK_EQ(model_sbi.last_args[SBI_PMU_COUNTER_STOP][2],
		 SBI_PMU_STOP_RESET);
	CHECK_EQ(model_sbi.pmu_calls[SBI_PMU_COUNTER_START], 1);
	CHECK_EQ(model_sbi.last_args[SBI_PMU_COUNTER_START][1], 0x5);
	/* cycle only: nothing to stop */
	g->sbi_cfg.pmu_hw_counters = 1;
	l0_pmu_hart_reset(w.v);
	CHECK_EQ(model_sbi.pmu_calls[SBI_PMU_COUNTER_STOP], 1);
	CHECK_EQ(model_sbi.last_args[SBI_PMU_COUNTER_START][1], 0x1);
}
