/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sbi-conformance, PMU counter overflow (SBI spec "Performance Monitoring
 * Unit Extension" with Sscofpmf): a cycles counter started a few thousand
 * cycles before it wraps raises the local counter-overflow interrupt
 * (LCOFI, 13) in S-mode and sets its scountovf bit. Runs only when the
 * hart's DT lists sscofpmf (configs sbi-opensbi-sscofpmf, sbi-l0-sscofpmf);
 * otherwise one `pmu.overflow skipped=no_sscofpmf` line, equal everywhere.
 */
#include "sbi_conformance.h"

#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/fdt_util.h>

/* counter_config_matching flags ("Counter config matching"): inhibit
 * U-mode. A filter makes OpenSBI take an hpmcounter (the fixed mcycle
 * has no overflow bit); U-mode, not S: the payload runs in S-mode
 * (VS-mode on L0, where SINH would name L0's HS-mode instead) */
#define CFG_SET_UINH (1UL << 5)
#define HW_CYCLES                                              \
	((SBI_PMU_EVENT_TYPE_HW << SBI_PMU_EVENT_TYPE_SHIFT) | \
	 SBI_PMU_HW_CPU_CYCLES)
/* cycles before the wrap, and the loop that outlasts them */
#define OVF_DISTANCE 5000UL
#define OVF_LOOP 100000UL

void check_pmu_overflow(const struct payload_info *info)
{
	unsigned long hw_mask = 0, idx, ovf = 0, before;
	volatile unsigned long sink = 0;
	struct sbiret r;

	if (!fdt_util_hart_has_ext(info->dtb, info->hartid, "sscofpmf")) {
		probe_line("pmu.overflow", true, "skipped=no_sscofpmf");
		return;
	}
	/* the hardware counters: counter_get_info not firmware */
	for (unsigned long i = 0; i < 64; i++) {
		r = sbi_ecall(SBI_EXT_PMU, SBI_PMU_COUNTER_GET_INFO, i, 0, 0, 0,
			      0, 0);
		if (r.error == 0 &&
		    !((unsigned long)r.value & SBI_PMU_INFO_TYPE_FW))
			hw_mask |= 1UL << i;
	}
	r = sbi_ecall(SBI_EXT_PMU, SBI_PMU_COUNTER_CFG_MATCHING, 0, hw_mask,
		      SBI_PMU_CFG_CLEAR_VALUE | CFG_SET_UINH, HW_CYCLES, 0, 0);
	probe_line("pmu.overflow_cfg", r.error == 0, "err=%ld idx=%ld", r.error,
		   r.value);
	if (r.error != 0)
		return;
	idx = (unsigned long)r.value;
	before = irq_count(IRQ_LCOF);
	csr_set(CSR_SIE, MIP_LCOFIP);
	r = sbi_ecall(SBI_EXT_PMU, SBI_PMU_COUNTER_START, idx, 1,
		      SBI_PMU_START_SET_INIT_VALUE, -OVF_DISTANCE, 0, 0);
	probe_line("pmu.overflow_start", r.error == 0, "err=%ld", r.error);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	for (unsigned long i = 0; i < OVF_LOOP; i++)
		sink += i;
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	/* scountovf: bit idx = that counter's mhpmevent.OF (Sscofpmf) */
	if (idx < 32)
		ovf = csr_read(CSR_SCOUNTOVF) & (1UL << idx);
	(void)sbi_ecall(SBI_EXT_PMU, SBI_PMU_COUNTER_STOP, idx, 1,
			SBI_PMU_STOP_RESET, 0, 0, 0);
	/* the handler masked LCOFIE (payload.c): the pending bit stays */
	csr_clear(CSR_SIP, MIP_LCOFIP);
	csr_clear(CSR_SIE, MIP_LCOFIP);
	probe_line("pmu.overflow_irq", irq_count(IRQ_LCOF) == before + 1,
		   "taken=%lu", irq_count(IRQ_LCOF) - before);
	probe_line("pmu.overflow_scountovf", ovf != 0, "set=%d", ovf != 0);
}
