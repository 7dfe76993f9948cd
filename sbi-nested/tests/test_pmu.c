/* SPDX-License-Identifier: BSD-2-Clause */
/* PMU: hardware counters passed on (masks cut to them), firmware counters
 * kept and counted here, the snapshot shared memory. */
#include "mock.h"
#include "unit.h"

#include <string.h>

#define FW0 MOCK_PMU_HW /* index of the first firmware counter */
#define NCOUNTERS (MOCK_PMU_HW + SBI_NESTED_PMU_FW_COUNTERS)
#define FWEV(code) \
	((SBI_PMU_EVENT_TYPE_FW << SBI_PMU_EVENT_TYPE_SHIFT) | (code))
#define SNAP MOCK_MEM_BASE /* page aligned, inside the mock's memory */
#define START_SNAP SBI_PMU_START_INIT_SNAPSHOT
#define STOP_SNAP SBI_PMU_STOP_TAKE_SNAPSHOT

static struct sbi_nested_result pmu(struct mock_fx *f, unsigned long hart,
				    unsigned long fid, unsigned long a0,
				    unsigned long a1, unsigned long a2,
				    unsigned long a3)
{
	struct sbi_nested_request req = {
		.eid = SBI_EXT_PMU,
		.fid = fid,
		.args = {a0, a1, a2, a3, 0, 0},
		.hartid = hart,
	};
	struct sbi_nested_result res;

	memset(&res, 0x5a, sizeof(res));
	sbi_nested_dispatch(&f->sn, &req, &res);
	return res;
}

/* Short forms, so that each CHECK_EQ names its call briefly. */
static struct sbi_nested_result cfg(struct mock_fx *f, unsigned long hart,
				    unsigned long base, unsigned long mask,
				    unsigned long flags, unsigned long event)
{
	return pmu(f, hart, SBI_PMU_COUNTER_CFG_MATCHING, base, mask, flags,
		   event);
}

static long start(struct mock_fx *f, unsigned long base, unsigned long mask,
		  unsigned long flags, unsigned long init)
{
	return pmu(f, 0, SBI_PMU_COUNTER_START, base, mask, flags, init).error;
}

static long stop(struct mock_fx *f, unsigned long base, unsigned long mask,
		 unsigned long flags)
{
	return pmu(f, 0, SBI_PMU_COUNTER_STOP, base, mask, flags, 0).error;
}

static long rd(struct mock_fx *f, unsigned long hart, unsigned long idx)
{
	struct sbi_nested_result r =
		pmu(f, hart, SBI_PMU_COUNTER_FW_READ, idx, 0, 0, 0);

	return r.error ? r.error : r.value;
}

static long shmem(struct mock_fx *f, unsigned long lo, unsigned long hi,
		  unsigned long flags)
{
	return pmu(f, 0, SBI_PMU_SNAPSHOT_SET_SHMEM, lo, hi, flags, 0).error;
}

static void set_timer(struct mock_fx *f, unsigned long hart)
{
	mock_call_on(&f->sn, hart, SBI_EXT_TIME, SBI_TIME_SET_TIMER, 5, 0, 0);
}

static unsigned long snap_value(struct mock_fx *f, unsigned long rel)
{
	unsigned long v;

	memcpy(&v, &f->m.mem[8 + rel * 8], sizeof(v));
	return v;
}

static void snap_put(struct mock_fx *f, unsigned long rel, unsigned long v)
{
	memcpy(&f->m.mem[8 + rel * 8], &v, sizeof(v));
}

TEST(pmu_probe_and_counters)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	CHECK_EQ(mock_call(&f->sn, SBI_EXT_BASE, SBI_BASE_PROBE_EXT,
			   SBI_EXT_PMU, 0, 0, 0, 0)
			 .value,
		 1);
	r = pmu(f, 0, SBI_PMU_NUM_COUNTERS, 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, NCOUNTERS);
	/* hardware: the answer from below; firmware: 64 bits, no CSR */
	r = pmu(f, 0, SBI_PMU_COUNTER_GET_INFO, 2, 0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value & SBI_PMU_INFO_CSR_MASK, 0xc02);
	r = pmu(f, 0, SBI_PMU_COUNTER_GET_INFO, 1, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	r = pmu(f, 0, SBI_PMU_COUNTER_GET_INFO, FW0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ((unsigned long)r.value,
		 SBI_PMU_INFO_TYPE_FW | (63UL << SBI_PMU_INFO_WIDTH_SHIFT));
	r = pmu(f, 0, SBI_PMU_COUNTER_GET_INFO, NCOUNTERS, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	CHECK_EQ(f->m.pmu_hw_calls, 2);
	/* without the ops or the storage: absent */
	f->cfg.pmu = NULL;
	r = pmu(f, 0, SBI_PMU_NUM_COUNTERS, 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	f = mock_setup();
	f->ops.pmu_hw_read = NULL;
	r = pmu(f, 0, SBI_PMU_NUM_COUNTERS, 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	/* event_get_info is SBI 3.0 */
	f = mock_setup();
	CHECK_EQ(pmu(f, 0, 8, 0, 0, 0, 0).error, SBI_ERR_NOT_SUPPORTED);
}

TEST(pmu_invalid_sets_reach_nobody)
{
	struct mock_fx *f = mock_setup();
	static const unsigned long fids[] = {SBI_PMU_COUNTER_CFG_MATCHING,
					     SBI_PMU_COUNTER_START,
					     SBI_PMU_COUNTER_STOP};
	/* one counter past the last, a base past it, a base that wraps,
	 * a bit that runs past the end */
	static const unsigned long bases[] = {0, NCOUNTERS, ~0UL, 2};
	static const unsigned long masks[] = {1UL << NCOUNTERS, 1, 1,
					      1UL << 63};

	for (unsigned i = 0; i < 3; i++)
		for (unsigned j = 0; j < 4; j++) {
			long e = pmu(f, 0, fids[i], bases[j], masks[j], 0, 1)
					 .error;

			CHECK_EQ(e, SBI_ERR_INVALID_PARAM);
		}
	CHECK_EQ(f->m.pmu_hw_calls, 0);
	CHECK_EQ(rd(f, 0, 0), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(rd(f, 0, NCOUNTERS), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu(f, 0, SBI_PMU_COUNTER_FW_READ_HI, 2, 0, 0, 0).error,
		 SBI_ERR_INVALID_PARAM);
}

TEST(pmu_hardware_events_go_below_with_hardware_counters_only)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	/* a set of every counter: only the hardware bits go below */
	r = cfg(f, 0, 0, (1UL << NCOUNTERS) - 1, SBI_PMU_CFG_AUTO_START,
		SBI_PMU_HW_INSTRUCTIONS);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 0);
	CHECK_EQ(f->m.pmu_hw_args[1], (1UL << MOCK_PMU_HW) - 1);
	CHECK_EQ(f->m.pmu_hw_args[2], SBI_PMU_CFG_AUTO_START);
	CHECK_EQ(f->m.pmu_hw_args[3], SBI_PMU_HW_INSTRUCTIONS);
	/* a hardware event on firmware counters only: none can count it */
	r = cfg(f, 0, FW0, 3, 0, SBI_PMU_HW_CPU_CYCLES);
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(f->m.pmu_hw_calls, 1);
	/* start/stop of hardware counters: passed on, errors too */
	CHECK_EQ(start(f, 2, 1, SBI_PMU_START_SET_INIT_VALUE, 77), SBI_SUCCESS);
	CHECK_EQ(f->m.pmu_hw_fid, SBI_PMU_COUNTER_START);
	CHECK_EQ(f->m.pmu_hw_args[3], 77);
	f->m.pmu_hw_error = SBI_ERR_ALREADY_STOPPED;
	CHECK_EQ(stop(f, 2, 1, 0), SBI_ERR_ALREADY_STOPPED);
	f->m.pmu_hw_error = SBI_ERR_ALREADY_STARTED;
	CHECK_EQ(start(f, 0, 1, 0, 0), SBI_ERR_ALREADY_STARTED);
	CHECK_EQ(f->m.copies_outside, 0);
	CHECK_EQ(f->m.bad_hart_calls, 0);
}

TEST(pmu_firmware_counter_counts_its_event)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;
	unsigned long idx;

	r = cfg(f, 0, FW0, 0xffff, 0, FWEV(SBI_PMU_FW_SET_TIMER));
	CHECK_EQ(r.error, SBI_SUCCESS);
	idx = (unsigned long)r.value;
	CHECK_EQ(idx, FW0);
	CHECK_EQ(f->m.pmu_hw_calls, 0);
	/* configured, not started: nothing counts */
	set_timer(f, 0);
	CHECK_EQ(rd(f, 0, idx), 0);
	CHECK_EQ(start(f, idx, 1, SBI_PMU_START_SET_INIT_VALUE, 10),
		 SBI_SUCCESS);
	CHECK_EQ(start(f, idx, 1, 0, 0), SBI_ERR_ALREADY_STARTED);
	set_timer(f, 0);
	mock_call(&f->sn, SBI_EXT_LEGACY_SET_TIMER, 0, 5, 0, 0, 0, 0);
	/* another hart's timer and another event do not count */
	set_timer(f, 1);
	mock_call(&f->sn, SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, 0, 0, 0, 0);
	CHECK_EQ(rd(f, 0, idx), 12);
	r = pmu(f, 0, SBI_PMU_COUNTER_FW_READ_HI, idx, 0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 0);
	/* stopped: kept, no longer counting; twice: ALREADY_STOPPED */
	CHECK_EQ(stop(f, idx, 1, 0), SBI_SUCCESS);
	set_timer(f, 0);
	CHECK_EQ(rd(f, 0, idx), 12);
	CHECK_EQ(stop(f, idx, 1, 0), SBI_ERR_ALREADY_STOPPED);
	/* still mapped: the next match takes the next counter; after a
	 * RESET stop the first is free again */
	CHECK_EQ(cfg(f, 0, FW0, 3, 0, FWEV(SBI_PMU_FW_IPI_SENT)).value,
		 FW0 + 1);
	r = cfg(f, 0, FW0, 3, 0, FWEV(SBI_PMU_FW_IPI_SENT));
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(start(f, idx, 1, 0, 0), SBI_SUCCESS);
	CHECK_EQ(stop(f, idx, 1, SBI_PMU_STOP_RESET), SBI_SUCCESS);
	r = cfg(f, 0, FW0, 3, SBI_PMU_CFG_CLEAR_VALUE | SBI_PMU_CFG_AUTO_START,
		FWEV(SBI_PMU_FW_IPI_SENT));
	CHECK_EQ(r.value, FW0);
	CHECK_EQ(rd(f, 0, idx), 0);
	CHECK_EQ(start(f, idx, 1, 0, 0), SBI_ERR_ALREADY_STARTED);
	/* platform-specific firmware events: none */
	r = cfg(f, 0, FW0, 0xffff, 0, FWEV(256));
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
}

TEST(pmu_ipi_and_fence_events_sent_and_received)
{
	struct mock_fx *f = mock_setup();
	unsigned long sent, rcvd, fsent, frcvd;
	const unsigned long as = SBI_PMU_CFG_AUTO_START;

	/* hart 0 counts IPIs and fences sent, hart 2 received */
	sent = (unsigned long)cfg(f, 0, FW0, 1, as, FWEV(SBI_PMU_FW_IPI_SENT))
		       .value;
	fsent = (unsigned long)cfg(f, 0, FW0, 2, as,
				   FWEV(SBI_PMU_FW_HFENCE_VVMA_ASID_SENT))
			.value;
	rcvd = (unsigned long)cfg(f, 2, FW0, 1, as,
				  FWEV(SBI_PMU_FW_IPI_RECEIVED))
		       .value;
	frcvd = (unsigned long)cfg(f, 2, FW0, 2, as,
				   FWEV(SBI_PMU_FW_HFENCE_VVMA_ASID_RECEIVED))
			.value;
	/* IPI to harts 1 and 2, legacy IPI to hart 2 (mask in memory) */
	mock_call(&f->sn, SBI_EXT_IPI, SBI_IPI_SEND_IPI, 6, 0, 0, 0, 0);
	f->m.virt_addr = 0x1000;
	f->m.virt_value = 4;
	mock_call(&f->sn, SBI_EXT_LEGACY_SEND_IPI, 0, 0x1000, 0, 0, 0, 0);
	mock_call(&f->sn, SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_HFENCE_VVMA_ASID, 4,
		  0, 0, 0, 1);
	/* a failed IPI counts nothing */
	f->m.ipi_fail_hart = 2;
	mock_call(&f->sn, SBI_EXT_IPI, SBI_IPI_SEND_IPI, 4, 0, 0, 0, 0);
	CHECK_EQ(rd(f, 0, sent), 3);
	CHECK_EQ(rd(f, 2, rcvd), 2);
	CHECK_EQ(rd(f, 0, fsent), 1);
	CHECK_EQ(rd(f, 2, frcvd), 1);
	/* L0's own events; out-of-range harts and no PMU are ignored */
	sbi_nested_pmu_fw_event(&f->sn, 2, SBI_PMU_FW_IPI_RECEIVED);
	sbi_nested_pmu_fw_event(&f->sn, MOCK_NHARTS, SBI_PMU_FW_IPI_RECEIVED);
	CHECK_EQ(rd(f, 2, rcvd), 3);
	f->cfg.pmu = NULL;
	sbi_nested_pmu_fw_event(&f->sn, 0, SBI_PMU_FW_IPI_SENT);
}

TEST(pmu_skip_match)
{
	struct mock_fx *f = mock_setup();
	const unsigned long skip = SBI_PMU_CFG_SKIP_MATCH;
	struct sbi_nested_result r;

	/* SKIP_MATCH takes the first counter of the set as it is */
	r = cfg(f, 0, FW0, 4, skip, FWEV(SBI_PMU_FW_ILLEGAL_INSN));
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, FW0 + 2);
	/* ... a hardware one cannot count a firmware event */
	r = cfg(f, 0, 0, 1UL | (1UL << FW0), skip,
		FWEV(SBI_PMU_FW_ILLEGAL_INSN));
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	/* ... and an empty set has no first counter (the search for it
	 * once never ended: fuzz/regress/sbi/pmu-skip-match-empty-set) */
	r = cfg(f, 0, FW0, 0, skip, FWEV(SBI_PMU_FW_ILLEGAL_INSN));
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	/* a hardware event with SKIP_MATCH goes below as asked */
	r = cfg(f, 0, 2, 1, skip, SBI_PMU_HW_INSTRUCTIONS);
	CHECK_EQ(r.value, 2);
	CHECK_EQ(f->m.pmu_hw_args[2], skip);
}

TEST(pmu_snapshot)
{
	struct mock_fx *f = mock_setup();
	unsigned long idx;

	/* errors: flags, alignment, memory, hi, a page past 2^64; none
	 * set: NO_SHMEM */
	CHECK_EQ(shmem(f, SNAP, 0, 1), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(shmem(f, SNAP + 8, 0, 0), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(shmem(f, 0x1000, 0, 0), SBI_ERR_INVALID_ADDRESS);
	CHECK_EQ(shmem(f, SNAP, 1, 0), SBI_ERR_INVALID_ADDRESS);
	CHECK_EQ(shmem(f, ~0xfffUL, 0, 0), SBI_ERR_INVALID_ADDRESS);
	CHECK_EQ(stop(f, 0, 1, STOP_SNAP), SBI_ERR_NO_SHMEM);
	CHECK_EQ(start(f, 0, 1, START_SNAP, 0), SBI_ERR_NO_SHMEM);
	CHECK_EQ(f->m.pmu_hw_calls, 0);

	CHECK_EQ(shmem(f, SNAP, 0, 0), SBI_SUCCESS);
	CHECK_EQ(start(f, 0, 1, START_SNAP | SBI_PMU_START_SET_INIT_VALUE, 0),
		 SBI_ERR_INVALID_PARAM);
	/* a firmware counter started from the snapshot (relative index 2
	 * with base FW0 - 2), counting, stopped into it */
	idx = (unsigned long)cfg(f, 0, FW0, 1, 0, FWEV(SBI_PMU_FW_SET_TIMER))
		      .value;
	snap_put(f, 2, 55);
	CHECK_EQ(start(f, idx - 2, 4, START_SNAP, 0), SBI_SUCCESS);
	set_timer(f, 0);
	memset(f->m.mem, 0xee, 8); /* the overflow bitmap is rewritten */
	CHECK_EQ(stop(f, idx - 2, 4, STOP_SNAP), SBI_SUCCESS);
	CHECK_EQ(snap_value(f, 2), 56);
	CHECK_EQ(snap_value(f, 0), 0); /* others untouched */
	CHECK_EQ(f->m.mem[0], 0);
	/* hardware counters: started one by one with their snapshot
	 * values, read by L0 into it when stopped, the flag not passed */
	snap_put(f, 3, 99);
	CHECK_EQ(start(f, 0, 9, START_SNAP, 0), SBI_SUCCESS);
	CHECK_EQ(f->m.pmu_hw_calls, 2);
	CHECK_EQ(f->m.pmu_hw_args[1], 1UL << 3);
	CHECK_EQ(f->m.pmu_hw_args[2], SBI_PMU_START_SET_INIT_VALUE);
	CHECK_EQ(f->m.pmu_hw_args[3], 99);
	CHECK_EQ(stop(f, 2, 3, STOP_SNAP | SBI_PMU_STOP_RESET), SBI_SUCCESS);
	CHECK_EQ(f->m.pmu_hw_args[2], SBI_PMU_STOP_RESET);
	CHECK_EQ(snap_value(f, 0), MOCK_PMU_HW_VALUE(2));
	CHECK_EQ(snap_value(f, 1), MOCK_PMU_HW_VALUE(3));
	/* failures below */
	f->m.pmu_hw_error = SBI_ERR_ALREADY_STARTED;
	CHECK_EQ(start(f, 0, 1, START_SNAP, 0), SBI_ERR_ALREADY_STARTED);
	f->m.pmu_hw_error = 0;
	f->m.pmu_hw_read_fail = true;
	CHECK_EQ(stop(f, 0, 1, STOP_SNAP), SBI_ERR_FAILED);
	/* disabled again */
	CHECK_EQ(shmem(f, ~0UL, ~0UL, 0), SBI_SUCCESS);
	CHECK_EQ(stop(f, 0, 1, STOP_SNAP), SBI_ERR_NO_SHMEM);
}

TEST(pmu_sets_act_on_every_counter)
{
	struct mock_fx *f = mock_setup();
	unsigned long a, b;

	a = (unsigned long)cfg(f, 0, FW0, 3, 0, FWEV(SBI_PMU_FW_SET_TIMER))
		    .value;
	b = (unsigned long)cfg(f, 0, FW0, 3, 0, FWEV(SBI_PMU_FW_SET_TIMER))
		    .value;
	CHECK_EQ(b, a + 1);
	/* a started, b not: starting both starts b and says a was */
	CHECK_EQ(start(f, a, 1, 0, 0), SBI_SUCCESS);
	CHECK_EQ(start(f, a, 3, 0, 0), SBI_ERR_ALREADY_STARTED);
	set_timer(f, 0);
	CHECK_EQ(rd(f, 0, b), 1);
	/* b stopped, a running: stopping both stops a and says b was */
	CHECK_EQ(stop(f, b, 1, 0), SBI_SUCCESS);
	CHECK_EQ(stop(f, a, 3, 0), SBI_ERR_ALREADY_STOPPED);
	set_timer(f, 0);
	CHECK_EQ(rd(f, 0, a), 1); /* stopped: the timer did not count */
	/* RESET frees counters already stopped; every counter of a set
	 * with hardware ones (Linux's stop of all at boot) */
	CHECK_EQ(stop(f, 0, (1UL << NCOUNTERS) - 1, SBI_PMU_STOP_RESET),
		 SBI_ERR_ALREADY_STOPPED);
	CHECK_EQ(f->m.pmu_hw_masks[f->m.pmu_hw_calls - 1],
		 (1UL << MOCK_PMU_HW) - 1);
	CHECK_EQ(cfg(f, 0, FW0, 3, 0, FWEV(SBI_PMU_FW_IPI_SENT)).value, a);
	/* a hardware error comes first, the firmware part still acts */
	f->m.pmu_hw_error = SBI_ERR_ALREADY_STARTED;
	CHECK_EQ(start(f, 0, 1UL | (1UL << a), 0, 0), SBI_ERR_ALREADY_STARTED);
	f->m.pmu_hw_error = 0;
	CHECK_EQ(start(f, a, 1, 0, 0), SBI_ERR_ALREADY_STARTED);
	/* a snapshot that cannot be read: FAILED, that counter not started */
	CHECK_EQ(shmem(f, SNAP, 0, 0), SBI_SUCCESS);
	f->m.guest_read_fail_at = f->m.guest_read_calls + 1;
	CHECK_EQ(start(f, b, 1, START_SNAP, 0), SBI_ERR_FAILED);
	CHECK_EQ(start(f, b, 1, 0, 0), SBI_SUCCESS);
}

TEST(pmu_snapshot_memory_failures)
{
	struct mock_fx *f = mock_setup();
	unsigned long idx;

	CHECK_EQ(shmem(f, SNAP, 0, 0), SBI_SUCCESS);
	idx = (unsigned long)cfg(f, 0, FW0, 1, SBI_PMU_CFG_AUTO_START,
				 FWEV(SBI_PMU_FW_SET_TIMER))
		      .value;
	/* the overflow bitmap, then a firmware value, cannot be written */
	f->m.guest_write_fail_at = f->m.guest_write_calls + 1;
	CHECK_EQ(stop(f, idx, 1, STOP_SNAP), SBI_ERR_FAILED);
	CHECK_EQ(start(f, idx, 1, 0, 0), SBI_SUCCESS);
	f->m.guest_write_fail_at = f->m.guest_write_calls + 2;
	CHECK_EQ(stop(f, idx, 1, STOP_SNAP), SBI_ERR_FAILED);
	/* a hardware counter's snapshot value cannot be read */
	f->m.guest_read_fail_at = f->m.guest_read_calls + 1;
	CHECK_EQ(start(f, 0, 1, START_SNAP, 0), SBI_ERR_FAILED);
	CHECK_EQ(f->m.pmu_hw_calls, 0);
}

TEST(pmu_hart_reset)
{
	struct mock_fx *f = mock_setup();
	unsigned long idx;

	CHECK_EQ(shmem(f, SNAP, 0, 0), SBI_SUCCESS);
	idx = (unsigned long)cfg(f, 0, FW0, 1, SBI_PMU_CFG_AUTO_START,
				 FWEV(SBI_PMU_FW_SET_TIMER))
		      .value;
	set_timer(f, 0);
	CHECK_EQ(rd(f, 0, idx), 1);
	sbi_nested_pmu_hart_reset(&f->sn, 0);
	/* stopped, zero, free; no snapshot memory */
	set_timer(f, 0);
	CHECK_EQ(rd(f, 0, idx), 0);
	CHECK_EQ(cfg(f, 0, FW0, 1, 0, FWEV(SBI_PMU_FW_IPI_SENT)).value, idx);
	CHECK_EQ(stop(f, idx, 1, STOP_SNAP), SBI_ERR_NO_SHMEM);
	/* other harts, absent state: nothing */
	sbi_nested_pmu_hart_reset(&f->sn, MOCK_NHARTS);
	f->cfg.pmu = NULL;
	sbi_nested_pmu_hart_reset(&f->sn, 0);
}

TEST(pmu_snapshot_overflow_bits)
{
	struct mock_fx *f = mock_setup();

	CHECK_EQ(shmem(f, SNAP, 0, 0), SBI_SUCCESS);
	/* counters 0 and 3 overflowed below: a stop of (2, 0b11) reports
	 * counter 3 as bit 1, relative to counter_idx_base */
	f->m.pmu_hw_ovf = 0x9;
	CHECK_EQ(stop(f, 2, 3, STOP_SNAP), SBI_SUCCESS);
	CHECK_EQ(*(unsigned long *)&f->m.mem[SNAP - MOCK_MEM_BASE], 0x2UL);
	/* only the stopped counters' bits */
	CHECK_EQ(stop(f, 0, 1, STOP_SNAP), SBI_SUCCESS);
	CHECK_EQ(*(unsigned long *)&f->m.mem[SNAP - MOCK_MEM_BASE], 0x1UL);
	/* without the service: none */
	f->ops.pmu_hw_overflow = NULL;
	CHECK_EQ(stop(f, 2, 3, STOP_SNAP), SBI_SUCCESS);
	CHECK_EQ(*(unsigned long *)&f->m.mem[SNAP - MOCK_MEM_BASE], 0UL);
	/* L0 may not offer the snapshot at all */
	f->cfg.pmu_no_snapshot = true;
	CHECK_EQ(shmem(f, SNAP, 0, 0), SBI_ERR_NOT_SUPPORTED);
}
