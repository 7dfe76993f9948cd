/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sbi-conformance, PMU (SBI spec "Performance Monitoring Unit Extension",
 * EID 0x504D55): counters and their info, hardware events matched and
 * started/stopped, firmware counters that count this hart's SBI calls,
 * the errors. Lines under `pmu.` must be equal on OpenSBI and on L0;
 * `impl.pmu_*` may differ (the snapshot shared memory: OpenSBI 1.5.1 has
 * none).
 */
#include "sbi_conformance.h"

#include <rvnest/csr.h>
#include <rvnest/encoding.h>

#define HW_EVENT(code) \
	((SBI_PMU_EVENT_TYPE_HW << SBI_PMU_EVENT_TYPE_SHIFT) | (code))
#define FW_EVENT(code) \
	((SBI_PMU_EVENT_TYPE_FW << SBI_PMU_EVENT_TYPE_SHIFT) | (code))
/* "Event: Hardware general": 3 = cache references, which QEMU's hart
 * does not count */
#define HW_CACHE_REFERENCES 3UL
/* the loop whose retired instructions are counted */
#define LOOP_ITERS 1000
/* SBI spec "SBI Implementation IDs": 1 = OpenSBI */
#define IMPL_ID_OPENSBI 1L

static struct sbiret pmu(unsigned long fid, unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3, unsigned long a4)
{
	return sbi_ecall(SBI_EXT_PMU, fid, a0, a1, a2, a3, a4, 0);
}

static void expect(const char *id, struct sbiret r, long want)
{
	probe_line(id, r.error == want, "err=%ld want=%ld", r.error, want);
}

static unsigned char snap[4096] __attribute__((aligned(4096)));

static unsigned long info_csr(long info)
{
	return (unsigned long)info & SBI_PMU_INFO_CSR_MASK;
}

static bool info_is_fw(long info)
{
	return ((unsigned long)info & SBI_PMU_INFO_TYPE_FW) != 0;
}

/* The firmware counters [fw0, n) as a mask with counter_idx_base 0. */
static unsigned long fw_mask(unsigned long fw0, unsigned long n)
{
	unsigned long all = n >= 64 ? ~0UL : (1UL << n) - 1;

	return all & ~((1UL << fw0) - 1);
}

/* A firmware counter configured for `event` (CLEAR_VALUE, AUTO_START) in
 * the firmware counters [fw0, n); its index, or -1. */
static long fw_counter(unsigned long fw0, unsigned long n, unsigned long event)
{
	struct sbiret r = pmu(SBI_PMU_COUNTER_CFG_MATCHING, 0, fw_mask(fw0, n),
			      SBI_PMU_CFG_CLEAR_VALUE | SBI_PMU_CFG_AUTO_START,
			      FW_EVENT(event), 0);

	return r.error == 0 ? r.value : -1;
}

static void check_hw(unsigned long n)
{
	unsigned long a, b;
	struct sbiret r;

	r = pmu(SBI_PMU_COUNTER_GET_INFO, 0, 0, 0, 0, 0);
	probe_line("pmu.info_cycle",
		   r.error == 0 && !info_is_fw(r.value) &&
			   info_csr(r.value) == CSR_CYCLE,
		   "err=%ld info=0x%lx", r.error, (unsigned long)r.value);
	r = pmu(SBI_PMU_COUNTER_GET_INFO, 2, 0, 0, 0, 0);
	probe_line("pmu.info_instret",
		   r.error == 0 && !info_is_fw(r.value) &&
			   info_csr(r.value) == CSR_INSTRET,
		   "err=%ld info=0x%lx", r.error, (unsigned long)r.value);
	/* time (1) is no PMU counter; nor is anything past the last */
	expect("pmu.info_time", pmu(SBI_PMU_COUNTER_GET_INFO, 1, 0, 0, 0, 0),
	       SBI_ERR_INVALID_PARAM);
	expect("pmu.info_beyond", pmu(SBI_PMU_COUNTER_GET_INFO, n, 0, 0, 0, 0),
	       SBI_ERR_INVALID_PARAM);

	/* cycles and instructions each find their fixed counter */
	r = pmu(SBI_PMU_COUNTER_CFG_MATCHING, 0, 0x7, 0,
		HW_EVENT(SBI_PMU_HW_CPU_CYCLES), 0);
	probe_line("pmu.cfg_cycles", r.error == 0 && r.value == 0,
		   "err=%ld value=%ld", r.error, r.value);
	r = pmu(SBI_PMU_COUNTER_CFG_MATCHING, 0, 0x7, 0,
		HW_EVENT(SBI_PMU_HW_INSTRUCTIONS), 0);
	probe_line("pmu.cfg_instructions", r.error == 0 && r.value == 2,
		   "err=%ld value=%ld", r.error, r.value);
	/* an event no counter of the set counts; a set past the last */
	expect("pmu.cfg_unsupported_event",
	       pmu(SBI_PMU_COUNTER_CFG_MATCHING, 0, 0x7, 0,
		   HW_EVENT(HW_CACHE_REFERENCES), 0),
	       SBI_ERR_NOT_SUPPORTED);
	expect("pmu.cfg_invalid_set",
	       pmu(SBI_PMU_COUNTER_CFG_MATCHING, n - 1, 0x3, 0,
		   HW_EVENT(SBI_PMU_HW_CPU_CYCLES), 0),
	       SBI_ERR_INVALID_PARAM);

	/* instret runs (both machines keep it running from boot: a start
	 * finds it started) and this hart reads it */
	expect("pmu.instret_running", pmu(SBI_PMU_COUNTER_START, 2, 1, 0, 0, 0),
	       SBI_ERR_ALREADY_STARTED);
	a = csr_read(CSR_INSTRET);
	for (volatile int i = 0; i < LOOP_ITERS; i++)
		;
	b = csr_read(CSR_INSTRET);
	probe_line("pmu.instret_counts", b - a >= LOOP_ITERS, "at_least=%d",
		   LOOP_ITERS);
	/* stopped, it holds still; started again, it counts */
	expect("pmu.instret_stop", pmu(SBI_PMU_COUNTER_STOP, 2, 1, 0, 0, 0),
	       SBI_SUCCESS);
	a = csr_read(CSR_INSTRET);
	for (volatile int i = 0; i < LOOP_ITERS; i++)
		;
	b = csr_read(CSR_INSTRET);
	probe_line("pmu.instret_stopped_holds", a == b, "moved=%d", a != b);
	expect("pmu.instret_stop_again",
	       pmu(SBI_PMU_COUNTER_STOP, 2, 1, 0, 0, 0),
	       SBI_ERR_ALREADY_STOPPED);
	expect("pmu.instret_start", pmu(SBI_PMU_COUNTER_START, 2, 1, 0, 0, 0),
	       SBI_SUCCESS);
	a = csr_read(CSR_INSTRET);
	for (volatile int i = 0; i < LOOP_ITERS; i++)
		;
	b = csr_read(CSR_INSTRET);
	probe_line("pmu.instret_counts_again", b - a >= LOOP_ITERS,
		   "at_least=%d", LOOP_ITERS);
	expect("pmu.start_invalid_set",
	       pmu(SBI_PMU_COUNTER_START, n, 1, 0, 0, 0),
	       SBI_ERR_INVALID_PARAM);
	expect("pmu.stop_invalid_set", pmu(SBI_PMU_COUNTER_STOP, n, 1, 0, 0, 0),
	       SBI_ERR_INVALID_PARAM);
}

static void check_fw(unsigned long fw0, unsigned long n, unsigned long hartid,
		     long impl_id)
{
	long tc, sent, rcvd;
	struct sbiret r;

	r = pmu(SBI_PMU_COUNTER_GET_INFO, fw0, 0, 0, 0, 0);
	probe_line("pmu.info_firmware", r.error == 0 && info_is_fw(r.value),
		   "err=%ld first=%lu", r.error, fw0);
	/* A firmware event among the firmware counters named with a
	 * non-zero counter_idx_base: OpenSBI 1.5.1 answers counter 1 (it
	 * reads the mask as if the base were 0), L0 the first firmware
	 * counter (sbi-nested/README.md). The other checks name the
	 * firmware counters with base 0, as Linux does. */
	r = pmu(SBI_PMU_COUNTER_CFG_MATCHING, fw0, (1UL << (n - fw0)) - 1, 0,
		FW_EVENT(SBI_PMU_FW_SET_TIMER), 0);
	probe_line("impl.pmu_fw_cfg_nonzero_base", r.error == 0,
		   "err=%ld value=%ld", r.error, r.value);
	if (r.error == 0 && r.value >= (long)fw0)
		pmu(SBI_PMU_COUNTER_STOP, (unsigned long)r.value, 1,
		    SBI_PMU_STOP_RESET, 0, 0);
	/* a firmware counter counts this hart's set_timer calls (TIME and
	 * legacy) from its initial value, and only while started */
	r = pmu(SBI_PMU_COUNTER_CFG_MATCHING, 0, fw_mask(fw0, n), 0,
		FW_EVENT(SBI_PMU_FW_SET_TIMER), 0);
	/* which counter depends on what the implementation left in use
	 * above: not printed */
	probe_line("pmu.cfg_fw_set_timer", r.error == 0 && r.value >= (long)fw0,
		   "err=%ld", r.error);
	if (r.error != 0 || r.value < (long)fw0)
		return;
	tc = r.value;
	expect("pmu.fw_start",
	       pmu(SBI_PMU_COUNTER_START, (unsigned long)tc, 1,
		   SBI_PMU_START_SET_INIT_VALUE, 10, 0),
	       SBI_SUCCESS);
	/* "already started": OpenSBI 1.5.1 does not check this for a
	 * firmware counter (success), L0 does (sbi-nested/README.md) */
	r = pmu(SBI_PMU_COUNTER_START, (unsigned long)tc, 1, 0, 0, 0);
	probe_line("impl.pmu_fw_start_again",
		   r.error == SBI_ERR_ALREADY_STARTED ||
			   (impl_id == IMPL_ID_OPENSBI && r.error == 0),
		   "err=%ld", r.error);
	sbi_set_timer(~0UL);
	sbi_ecall(SBI_EXT_LEGACY_SET_TIMER, 0, ~0UL, 0, 0, 0, 0, 0);
	r = pmu(SBI_PMU_COUNTER_FW_READ, (unsigned long)tc, 0, 0, 0, 0);
	probe_line("pmu.fw_read", r.error == 0 && r.value == 12,
		   "err=%ld value=%ld", r.error, r.value);
	r = pmu(SBI_PMU_COUNTER_FW_READ_HI, (unsigned long)tc, 0, 0, 0, 0);
	probe_line("pmu.fw_read_hi", r.error == 0 && r.value == 0,
		   "err=%ld value=%ld", r.error, r.value);
	expect("pmu.fw_stop",
	       pmu(SBI_PMU_COUNTER_STOP, (unsigned long)tc, 1, 0, 0, 0),
	       SBI_SUCCESS);
	sbi_set_timer(~0UL);
	r = pmu(SBI_PMU_COUNTER_FW_READ, (unsigned long)tc, 0, 0, 0, 0);
	probe_line("pmu.fw_stopped_holds", r.error == 0 && r.value == 12,
		   "err=%ld value=%ld", r.error, r.value);
	r = pmu(SBI_PMU_COUNTER_STOP, (unsigned long)tc, 1, 0, 0, 0);
	probe_line("impl.pmu_fw_stop_again",
		   r.error == SBI_ERR_ALREADY_STOPPED ||
			   (impl_id == IMPL_ID_OPENSBI && r.error == 0),
		   "err=%ld", r.error);
	expect("pmu.fw_release",
	       pmu(SBI_PMU_COUNTER_START, (unsigned long)tc, 1, 0, 0, 0),
	       SBI_SUCCESS);
	expect("pmu.fw_release_stop",
	       pmu(SBI_PMU_COUNTER_STOP, (unsigned long)tc, 1,
		   SBI_PMU_STOP_RESET, 0, 0),
	       SBI_SUCCESS);
	/* firmware reads of a hardware counter and past the last */
	expect("pmu.fw_read_hw", pmu(SBI_PMU_COUNTER_FW_READ, 0, 0, 0, 0, 0),
	       SBI_ERR_INVALID_PARAM);
	expect("pmu.fw_read_beyond",
	       pmu(SBI_PMU_COUNTER_FW_READ, n, 0, 0, 0, 0),
	       SBI_ERR_INVALID_PARAM);

	/* an IPI to itself: one sent, one received */
	sent = fw_counter(fw0, n, SBI_PMU_FW_IPI_SENT);
	rcvd = fw_counter(fw0, n, SBI_PMU_FW_IPI_RECEIVED);
	r = sbi_ecall(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, hartid, 0, 0, 0, 0);
	csr_clear(CSR_SIP, MIP_SSIP);
	{
		struct sbiret s = pmu(SBI_PMU_COUNTER_FW_READ,
				      (unsigned long)sent, 0, 0, 0, 0);
		struct sbiret v = pmu(SBI_PMU_COUNTER_FW_READ,
				      (unsigned long)rcvd, 0, 0, 0, 0);

		/* OpenSBI 1.5.1 counts neither for an IPI a hart sends
		 * itself (sbi-nested/README.md) */
		probe_line("impl.pmu_fw_ipi_self",
			   sent >= 0 && rcvd >= 0 && r.error == 0 &&
				   ((s.value == 1 && v.value == 1) ||
				    (impl_id == IMPL_ID_OPENSBI &&
				     s.value == 0 && v.value == 0)),
			   "sent=%ld received=%ld", s.value, v.value);
	}
	pmu(SBI_PMU_COUNTER_STOP, (unsigned long)sent, 1, SBI_PMU_STOP_RESET, 0,
	    0);
	pmu(SBI_PMU_COUNTER_STOP, (unsigned long)rcvd, 1, SBI_PMU_STOP_RESET, 0,
	    0);
	/* platform-specific firmware events (256..): none here, so "none
	 * of the counters can monitor" it; OpenSBI 1.5.1 rejects the event
	 * as a parameter */
	r = pmu(SBI_PMU_COUNTER_CFG_MATCHING, 0, fw_mask(fw0, n), 0,
		FW_EVENT(256), 0);
	probe_line("impl.pmu_cfg_fw_platform",
		   r.error == SBI_ERR_NOT_SUPPORTED ||
			   (impl_id == IMPL_ID_OPENSBI &&
			    r.error == SBI_ERR_INVALID_PARAM),
		   "err=%ld", r.error);
}

/* The snapshot shared memory (optional: OpenSBI 1.5.1 has none). */
static void check_snapshot(unsigned long fw0, unsigned long n)
{
	volatile unsigned long *values = (unsigned long *)(snap + 8);
	struct sbiret r;
	long tc;

	r = pmu(SBI_PMU_SNAPSHOT_SET_SHMEM, (unsigned long)snap, 0, 0, 0, 0);
	probe_line("impl.pmu_snapshot",
		   r.error == 0 || r.error == SBI_ERR_NOT_SUPPORTED, "err=%ld",
		   r.error);
	if (r.error != 0)
		return;
	expect("impl.pmu_snapshot_unaligned",
	       pmu(SBI_PMU_SNAPSHOT_SET_SHMEM, (unsigned long)snap + 8, 0, 0, 0,
		   0),
	       SBI_ERR_INVALID_PARAM);
	/* a firmware counter started from the snapshot, counting one
	 * set_timer, stopped into it */
	tc = fw_counter(fw0, n, SBI_PMU_FW_SET_TIMER);
	pmu(SBI_PMU_COUNTER_STOP, (unsigned long)tc, 1, 0, 0, 0);
	values[0] = 100;
	r = pmu(SBI_PMU_COUNTER_START, (unsigned long)tc, 1,
		SBI_PMU_START_INIT_SNAPSHOT, 0, 0);
	sbi_set_timer(~0UL);
	values[0] = 0;
	snap[0] = 0xff; /* the overflow bitmap: 0 without Sscofpmf */
	{
		struct sbiret s = pmu(
			SBI_PMU_COUNTER_STOP, (unsigned long)tc, 1,
			SBI_PMU_STOP_TAKE_SNAPSHOT | SBI_PMU_STOP_RESET, 0, 0);

		probe_line("impl.pmu_snapshot_fw",
			   tc >= 0 && r.error == 0 && s.error == 0 &&
				   values[0] == 101 && snap[0] == 0,
			   "start=%ld stop=%ld value=%lu", r.error, s.error,
			   values[0]);
	}
	/* instret stopped into the snapshot: a value it reached */
	values[0] = 0;
	r = pmu(SBI_PMU_COUNTER_STOP, 2, 1, SBI_PMU_STOP_TAKE_SNAPSHOT, 0, 0);
	probe_line("impl.pmu_snapshot_instret", r.error == 0 && values[0] != 0,
		   "err=%ld", r.error);
	pmu(SBI_PMU_COUNTER_START, 2, 1, 0, 0, 0);
	expect("impl.pmu_snapshot_disable",
	       pmu(SBI_PMU_SNAPSHOT_SET_SHMEM, ~0UL, ~0UL, 0, 0, 0),
	       SBI_SUCCESS);
}

void check_pmu(unsigned long hartid, long impl_id)
{
	unsigned long n, fw0;
	struct sbiret r;

	r = sbi_ecall(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_PMU, 0, 0, 0, 0,
		      0);
	probe_line("probe.pmu", r.error == 0 && r.value != 0,
		   "err=%ld value=%ld", r.error, r.value);
	if (r.error != 0 || r.value == 0)
		return;
	r = pmu(SBI_PMU_NUM_COUNTERS, 0, 0, 0, 0, 0);
	n = (unsigned long)r.value;
	probe_line("pmu.num_counters", r.error == 0 && n >= 3 && n <= 64,
		   "err=%ld value=%lu", r.error, n);
	/* the first firmware counter */
	for (fw0 = 0; fw0 < n; fw0++) {
		r = pmu(SBI_PMU_COUNTER_GET_INFO, fw0, 0, 0, 0, 0);
		if (r.error == 0 && info_is_fw(r.value))
			break;
	}
	check_hw(n);
	if (fw0 < n)
		check_fw(fw0, n, hartid, impl_id);
	else
		probe_line("pmu.info_firmware", false, "none");
	check_snapshot(fw0, n);
	/* event_get_info is SBI 3.0: neither implements it */
	expect("pmu.event_get_info", pmu(8, 0, 0, 0, 0, 0),
	       SBI_ERR_NOT_SUPPORTED);
}
