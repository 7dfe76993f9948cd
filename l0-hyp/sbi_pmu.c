/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PMU for L1 (SBI spec "Performance Monitoring Unit Extension"): the
 * hardware counters of the calling vCPU's own host hart, through OpenSBI's
 * PMU; every service runs on that hart (ctx is the calling vCPU).
 */
#include "sbi_pmu.h"

#include <stdio.h>

#include <rvnest/csr.h>
#include <rvnest/encoding.h>

#include "hcsr.h"
#include "vcpu.h"

static struct sbi_nested_pmu_hart pmu_harts[L0_MAX_VCPUS];

/* Counter CSRs a VS-mode read can reach: cycle, time, instret,
 * hpmcounter3..31 (hcounteren has one bit each, Privileged spec
 * "Hypervisor Counter-Enable Register"). */
#define PMU_CSR_COUNTERS 32

/* How L1's counter-overflow interrupt (LCOFI, 13) reaches it. */
static enum {
	LCOFI_NONE,	 /* L1 is not given Sscofpmf */
	LCOFI_DELEGATED, /* hideleg[13]: straight to L1 */
	LCOFI_INJECTED,	 /* L0 takes it and asserts it in hvip[13] (hvien) */
} lcofi_path;

void l0_pmu_setup(struct l0_guest *g)
{
	struct sbiret r;
	unsigned long n, nhw = 0;

	r = sbi_call1(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_PMU);
	if (r.error == SBI_SUCCESS && r.value != 0) {
		n = (unsigned long)sbi_call0(SBI_EXT_PMU, SBI_PMU_NUM_COUNTERS)
			    .value;
		/* the hardware counters come first (OpenSBI numbers them
		 * by CSR: 0 cycle, 2 instret, 3.. hpmcounters; 1, time, is
		 * not a counter and answers INVALID_PARAM) */
		for (unsigned long i = 0; i < n; i++) {
			r = sbi_call1(SBI_EXT_PMU, SBI_PMU_COUNTER_GET_INFO, i);
			if (r.error == SBI_SUCCESS &&
			    !((unsigned long)r.value & SBI_PMU_INFO_TYPE_FW))
				nhw = i + 1;
		}
	}
	/* L1 reads a counter CSR only through hcounteren: more than 32
	 * hardware counters would have no CSR for L1 to read */
	if (nhw > PMU_CSR_COUNTERS)
		nhw = PMU_CSR_COUNTERS;
	g->sbi_cfg.pmu_hw_counters = nhw;
	g->sbi_cfg.pmu_no_snapshot = lcofi_path != LCOFI_NONE;
	g->sbi_cfg.pmu = pmu_harts;
}

void l0_pmu_setup_lcofi(struct l0_guest *g)
{
	unsigned long saved;

	if (!g->l1_has[L0_ISA_SSCOFPMF])
		return;
	/* Sscofpmf's LCOFI is a local interrupt: hideleg may delegate it
	 * to VS-mode (Privileged spec "Hypervisor Interrupt Registers";
	 * QEMU 10 keeps hideleg[13] read-only zero) ... */
	saved = csr_read(CSR_HIDELEG);
	csr_set(CSR_HIDELEG, MIP_LCOFIP);
	if (csr_read(CSR_HIDELEG) & MIP_LCOFIP)
		lcofi_path = LCOFI_DELEGATED;
	csr_write(CSR_HIDELEG, saved);
	/* ... or, with Ssaia, the hypervisor asserts it for VS-mode in
	 * hvip once hvien enables it (AIA spec "Virtual interrupts for VS
	 * level", what KVM does for its guests' PMU); hvien exists only
	 * with Ssaia */
	if (lcofi_path == LCOFI_NONE && g->l1_has[L0_ISA_SSAIA]) {
		saved = csr_read(CSR_HVIEN);
		csr_set(CSR_HVIEN, MIP_LCOFIP);
		if (csr_read(CSR_HVIEN) & MIP_LCOFIP)
			lcofi_path = LCOFI_INJECTED;
		csr_write(CSR_HVIEN, saved);
	}
	if (lcofi_path == LCOFI_NONE)
		g->l1_has[L0_ISA_SSCOFPMF] = false;
	printf("[l0] L1 PMU: host has sscofpmf; %s\n",
	       lcofi_path == LCOFI_DELEGATED ? "LCOFI delegated to L1 (hideleg)"
	       : lcofi_path == LCOFI_INJECTED
		       ? "LCOFI injected into L1 (hvien/hvip)"
		       : "no way to give L1 LCOFI (hideleg[13] read-only, no "
			 "Ssaia): L1 has no sscofpmf");
}

void l0_pmu_hart_init(void)
{
	switch (lcofi_path) {
	case LCOFI_DELEGATED:
		csr_set(CSR_HIDELEG, MIP_LCOFIP);
		break;
	case LCOFI_INJECTED:
		csr_set(CSR_HVIEN, MIP_LCOFIP);
		csr_set(CSR_SIE, MIP_LCOFIP); /* L0 takes it: l0_pmu_lcofi */
		break;
	case LCOFI_NONE:
		break;
	}
}

void l0_pmu_lcofi(struct l0_vcpu *v)
{
	/* every hardware counter is L1's: the overflow is L1's interrupt.
	 * Cleared here (sip.LCOFIP is writable, Sscofpmf), asserted for L1
	 * in hvip; while L2 runs, in L1's saved hvip, which the exit to L1
	 * writes back (vhyp.c), so L2 never sees it */
	csr_clear(CSR_SIP, MIP_LCOFIP);
	if (v->vh.in_l2)
		v->vh.l1.hvip |= MIP_LCOFIP;
	else
		csr_set(CSR_HVIP, MIP_LCOFIP);
}

unsigned long l0_pmu_hw_overflow(void *ctx, unsigned long hartid)
{
	struct l0_vcpu *v = ctx;

	(void)hartid;
	/* scountovf: bit i = hpmcounter i overflowed (mhpmevent.OF), for
	 * the counters the firmware lets S-mode see (Sscofpmf) */
	if (!v->guest->l1_has[L0_ISA_SSCOFPMF])
		return 0;
	return csr_read(CSR_SCOUNTOVF);
}

/* hcounteren bits of the hardware counters in (base, mask). */
static unsigned long counteren_bits(unsigned long base, unsigned long mask)
{
	unsigned long bits = 0;

	for (unsigned long i = 0; i < sizeof(mask) * 8; i++)
		if ((mask & (1UL << i)) && base + i < PMU_CSR_COUNTERS)
			bits |= 1UL << (base + i);
	return bits;
}

struct sbiret l0_pmu_hw(void *ctx, unsigned long hartid, unsigned long fid,
			const unsigned long args[5])
{
	struct sbiret r;

	(void)ctx;
	/* the caller: its counters are this hart's; hcounteren is written
	 * directly below, with nothing waiting in a NACL shared memory */
	if (l0_nacl_client_on)
		l0_nacl_client_flush(hartid);
	r = sbi_ecall(SBI_EXT_PMU, fid, args[0], args[1], args[2], args[3],
		      args[4], 0);
	if (r.error != SBI_SUCCESS)
		return r;
	/* A counter L1 configured or started must be readable from
	 * VS-mode, where L1 runs: its hcounteren bit (cycle and instret
	 * are always on, vcpu.c). Left on after a stop: a stopped
	 * counter only holds what L1 itself counted on this hart. */
	if (fid == SBI_PMU_COUNTER_CFG_MATCHING)
		csr_set(CSR_HCOUNTEREN,
			counteren_bits((unsigned long)r.value, 1));
	else if (fid == SBI_PMU_COUNTER_START)
		csr_set(CSR_HCOUNTEREN, counteren_bits(args[0], args[1]));
	return r;
}

#define PMU_READ_CASE(n)                          \
	case n:                                   \
		*value = csr_read(CSR_CYCLE + n); \
		break

enum sbi_nested_status l0_pmu_hw_read(void *ctx, unsigned long hartid,
				      unsigned long idx, unsigned long *value)
{
	(void)ctx;
	(void)hartid;
	/* HS-mode reads every counter CSR OpenSBI lets S-mode read
	 * (mcounteren); each CSR number must be an assembler constant */
	switch (idx) {
		PMU_READ_CASE(0);
		PMU_READ_CASE(2);
		PMU_READ_CASE(3);
		PMU_READ_CASE(4);
		PMU_READ_CASE(5);
		PMU_READ_CASE(6);
		PMU_READ_CASE(7);
		PMU_READ_CASE(8);
		PMU_READ_CASE(9);
		PMU_READ_CASE(10);
		PMU_READ_CASE(11);
		PMU_READ_CASE(12);
		PMU_READ_CASE(13);
		PMU_READ_CASE(14);
		PMU_READ_CASE(15);
		PMU_READ_CASE(16);
		PMU_READ_CASE(17);
		PMU_READ_CASE(18);
		PMU_READ_CASE(19);
		PMU_READ_CASE(20);
		PMU_READ_CASE(21);
		PMU_READ_CASE(22);
		PMU_READ_CASE(23);
		PMU_READ_CASE(24);
		PMU_READ_CASE(25);
		PMU_READ_CASE(26);
		PMU_READ_CASE(27);
		PMU_READ_CASE(28);
		PMU_READ_CASE(29);
		PMU_READ_CASE(30);
		PMU_READ_CASE(31);
	default:
		/* 1 is time, not a counter; beyond 31 no CSR */
		return SBI_NESTED_UNSUPPORTED;
	}
	return SBI_NESTED_OK;
}

/* cycle (0) and instret (2): running from boot on every hart */
#define PMU_BOOT_RUNNING ((1UL << 0) | (1UL << 2))

void l0_pmu_hart_reset(struct l0_vcpu *v)
{
	unsigned long nhw = v->guest->sbi_cfg.pmu_hw_counters;
	unsigned long mask = nhw >= sizeof(mask) * 8 ? ~0UL : (1UL << nhw) - 1;

	sbi_nested_pmu_hart_reset(&v->guest->sbi, v->vhartid);
	mask &= ~PMU_BOOT_RUNNING;
	/* ALREADY_STOPPED for those never started: RESET frees their
	 * event mapping all the same */
	if (mask)
		(void)sbi_ecall(SBI_EXT_PMU, SBI_PMU_COUNTER_STOP, 0, mask,
				SBI_PMU_STOP_RESET, 0, 0, 0);
	/* and the two that run from boot run again */
	(void)sbi_ecall(SBI_EXT_PMU, SBI_PMU_COUNTER_START, 0,
			PMU_BOOT_RUNNING & ((1UL << nhw) - 1), 0, 0, 0, 0);
}

void l0_pmu_trap_event(struct l0_vcpu *v, unsigned long cause)
{
	/* SBI spec "Event: Firmware": the traps of S-mode the firmware
	 * handled, here those L0 delivers to L1 */
	static const unsigned long events[EXC_COUNT] = {
		[EXC_LOAD_MISALIGNED] = SBI_PMU_FW_MISALIGNED_LOAD + 1,
		[EXC_STORE_MISALIGNED] = SBI_PMU_FW_MISALIGNED_STORE + 1,
		[EXC_LOAD_ACCESS] = SBI_PMU_FW_ACCESS_LOAD + 1,
		[EXC_STORE_ACCESS] = SBI_PMU_FW_ACCESS_STORE + 1,
		[EXC_ILLEGAL_INST] = SBI_PMU_FW_ILLEGAL_INSN + 1,
	};

	/* + 1 above so that 0 means "no event" */
	if (cause < EXC_COUNT && events[cause])
		sbi_nested_pmu_fw_event(&v->guest->sbi, v->vhartid,
					events[cause] - 1);
}
