/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PMU extension (SBI spec "Performance Monitoring Unit Extension", EID
 * 0x504D55). L1's counter indices: 0 .. nhw-1 are the hardware counters of
 * the SBI PMU below on the caller's host hart (same indices: one vCPU per
 * host hart, so they are that vCPU's own), reached through L0's pmu_hw;
 * nhw .. nhw+SBI_NESTED_PMU_FW_COUNTERS-1 are firmware counters that
 * sbi-nested keeps itself, counting the firmware events of L1 that L0
 * sees. Every mask is validated here before anything is passed on, and
 * only the hardware part of a mask is.
 */
#include "sbi_nested_ext.h"

#define FW_N SBI_NESTED_PMU_FW_COUNTERS
#define BITS_PER_LONG (sizeof(unsigned long) * 8)
/* Snapshot shared memory ("SBI PMU Snapshot shared memory layout") */
#define SNAP_SIZE 4096UL
#define SNAP_OVERFLOW 0x0UL
#define SNAP_VALUES 0x8UL
#define SNAP_NVALUES 64UL
/* event_idx.type [19:16], event_idx.code [15:0] ("Event: ...") */
#define EVENT_TYPE(e) (((e) >> SBI_PMU_EVENT_TYPE_SHIFT) & 0xfUL)
#define EVENT_CODE(e) ((e)&0xffffUL)
/* counter_get_info of a firmware counter: type firmware, 64 bits wide
 * (width - 1 in [17:12]), no CSR */
#define FW_INFO (SBI_PMU_INFO_TYPE_FW | (63UL << SBI_PMU_INFO_WIDTH_SHIFT))

static unsigned long nhw(const struct sbi_nested *sn)
{
	return sn->cfg->pmu_hw_counters;
}

static unsigned long ncounters(const struct sbi_nested *sn)
{
	return nhw(sn) + FW_N;
}

static long pmu_probe(const struct sbi_nested *sn, unsigned long eid)
{
	(void)eid;
	return sn->cfg->pmu && sn->ops->pmu_hw && sn->ops->pmu_hw_read;
}

/* The set (counter_idx_base, counter_idx_mask), split: hw = the mask
 * bits (relative to base) naming hardware counters, fw = bit i for
 * firmware counter nhw + i. */
struct counter_set {
	unsigned long hw, fw;
};

/* SBI_ERR_INVALID_PARAM when the set names a counter that does not exist
 * ("set of counters has at least one invalid counter"), else SUCCESS. */
static long split_set(const struct sbi_nested *sn, unsigned long base,
		      unsigned long mask, struct counter_set *set)
{
	set->hw = set->fw = 0;
	for (unsigned long i = 0; i < BITS_PER_LONG; i++) {
		unsigned long idx;

		if (!(mask & (1UL << i)))
			continue;
		if (base >= ncounters(sn) || i >= ncounters(sn) - base)
			return SBI_ERR_INVALID_PARAM;
		idx = base + i;
		if (idx < nhw(sn))
			set->hw |= 1UL << i;
		else
			set->fw |= 1UL << (idx - nhw(sn));
	}
	return SBI_SUCCESS;
}

/* Relative index (bit of counter_idx_mask) of firmware counter i. */
static unsigned long fw_rel(const struct sbi_nested *sn, unsigned long base,
			    unsigned long i)
{
	return nhw(sn) + i - base;
}

static struct sbiret hw_call(const struct sbi_nested *sn,
			     const struct sbi_nested_request *req,
			     unsigned long a1)
{
	/* the request as L1 made it, with the mask cut to hardware
	 * counters */
	const unsigned long args[5] = {req->args[0], a1, req->args[2],
				       req->args[3], req->args[4]};

	return sn->ops->pmu_hw(sn->ctx, req->hartid, req->fid, args);
}

static void pmu_get_info(const struct sbi_nested *sn,
			 const struct sbi_nested_request *req,
			 struct sbi_nested_result *res)
{
	unsigned long idx = req->args[0];
	struct sbiret r;

	if (idx >= ncounters(sn)) {
		res->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	if (idx >= nhw(sn)) {
		res->error = SBI_SUCCESS;
		res->value = (long)FW_INFO;
		return;
	}
	r = hw_call(sn, req, req->args[1]);
	res->error = r.error;
	res->value = r.value;
}

/* config_matching of a firmware event (type 15) among the firmware
 * counters of the set. */
static void config_fw(const struct sbi_nested *sn,
		      const struct sbi_nested_request *req,
		      const struct counter_set *set,
		      struct sbi_nested_result *res)
{
	struct sbi_nested_pmu_hart *h = &sn->cfg->pmu[req->hartid];
	unsigned long flags = req->args[2], code = EVENT_CODE(req->args[3]);
	unsigned long base = req->args[0], mask = req->args[1];
	unsigned long first = 0;
	long pick = -1;

	/* the standard firmware events only; the platform-specific ones
	 * (code 256..) L0 has none of */
	if (code >= SBI_PMU_FW_MAX) {
		res->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	if (flags & SBI_PMU_CFG_SKIP_MATCH) {
		/* "unconditionally select the first counter from the set":
		 * an empty set has none (and the search below would never
		 * end: a RISC-V shift takes its amount mod 64), as for a
		 * hardware event below */
		if (!mask) {
			res->error = SBI_ERR_NOT_SUPPORTED;
			return;
		}
		/* a hardware one cannot count a firmware event */
		while (!(mask & (1UL << first)))
			first++;
		if (base + first < nhw(sn)) {
			res->error = SBI_ERR_NOT_SUPPORTED;
			return;
		}
		pick = (long)(base + first - nhw(sn));
	} else {
		/* the first firmware counter of the set not in use */
		for (unsigned long i = 0; i < FW_N && pick < 0; i++)
			if ((set->fw & (1UL << i)) &&
			    !(h->fw_configured & (1UL << i)))
				pick = (long)i;
		if (pick < 0) {
			res->error = SBI_ERR_NOT_SUPPORTED;
			return;
		}
	}
	h->fw_event[pick] = code;
	h->fw_configured |= 1UL << pick;
	if (flags & SBI_PMU_CFG_CLEAR_VALUE)
		__atomic_store_n(&h->fw_value[pick], 0, __ATOMIC_RELAXED);
	/* AUTO_START "has no impact on the counter value" */
	if (flags & SBI_PMU_CFG_AUTO_START)
		__atomic_or_fetch(&h->fw_started, 1UL << pick,
				  __ATOMIC_RELEASE);
	res->error = SBI_SUCCESS;
	res->value = (long)(nhw(sn) + (unsigned long)pick);
}

static void pmu_config(const struct sbi_nested *sn,
		       const struct sbi_nested_request *req,
		       struct sbi_nested_result *res)
{
	struct counter_set set;
	struct sbiret r;

	res->error = split_set(sn, req->args[0], req->args[1], &set);
	if (res->error != SBI_SUCCESS)
		return;
	if (EVENT_TYPE(req->args[3]) == SBI_PMU_EVENT_TYPE_FW) {
		config_fw(sn, req, &set, res);
		return;
	}
	/* "none of the counters can monitor the specified event": no
	 * hardware counter in the set (an empty set included) */
	if (!set.hw) {
		res->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	r = hw_call(sn, req, set.hw);
	res->error = r.error;
	res->value = r.value;
}

static bool snap_read(const struct sbi_nested *sn,
		      const struct sbi_nested_pmu_hart *h, unsigned long rel,
		      unsigned long *val)
{
	return rel < SNAP_NVALUES &&
	       sn->ops->guest_read(sn->ctx, h->snapshot + SNAP_VALUES + rel * 8,
				   val, sizeof(*val)) == SBI_NESTED_OK;
}

static bool snap_write(const struct sbi_nested *sn,
		       const struct sbi_nested_pmu_hart *h, unsigned long off,
		       unsigned long val)
{
	return sn->ops->guest_write(sn->ctx, h->snapshot + off, &val,
				    sizeof(val)) == SBI_NESTED_OK;
}

/* Start the hardware part: as asked, or, with INIT_SNAPSHOT, one counter
 * at a time with its value from the shared memory. */
static long start_hw(const struct sbi_nested *sn,
		     const struct sbi_nested_request *req,
		     const struct sbi_nested_pmu_hart *h, unsigned long hw)
{
	struct sbi_nested_request one = *req;
	unsigned long val;
	struct sbiret r;
	long err = SBI_SUCCESS;

	if (!(req->args[2] & SBI_PMU_START_INIT_SNAPSHOT))
		return hw_call(sn, req, hw).error;
	for (unsigned long i = 0; i < BITS_PER_LONG; i++) {
		if (!(hw & (1UL << i)))
			continue;
		if (!snap_read(sn, h, i, &val))
			return SBI_ERR_FAILED;
		one.args[2] = SBI_PMU_START_SET_INIT_VALUE;
		one.args[3] = val;
		r = hw_call(sn, &one, 1UL << i);
		if (r.error != SBI_SUCCESS)
			err = r.error;
	}
	return err;
}

static void pmu_start(const struct sbi_nested *sn,
		      const struct sbi_nested_request *req,
		      struct sbi_nested_result *res)
{
	struct sbi_nested_pmu_hart *h = &sn->cfg->pmu[req->hartid];
	unsigned long flags = req->args[2], base = req->args[0];
	struct counter_set set;
	unsigned long val;

	res->error = split_set(sn, base, req->args[1], &set);
	if (res->error != SBI_SUCCESS)
		return;
	/* SET_INIT_VALUE and INIT_SNAPSHOT "are mutually exclusive" */
	if ((flags & SBI_PMU_START_SET_INIT_VALUE) &&
	    (flags & SBI_PMU_START_INIT_SNAPSHOT)) {
		res->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	if ((flags & SBI_PMU_START_INIT_SNAPSHOT) && !h->snapshot_set) {
		res->error = SBI_ERR_NO_SHMEM;
		return;
	}
	/* Each counter of the set is started unless it already runs; the
	 * answer is the first error met (ALREADY_STARTED: "at least one
	 * counter ... is already started"). The same as OpenSBI, which
	 * also goes on past a counter it cannot start. */
	if (set.hw)
		res->error = start_hw(sn, req, h, set.hw);
	for (unsigned long i = 0; i < FW_N; i++) {
		if (!(set.fw & (1UL << i)))
			continue;
		if (__atomic_load_n(&h->fw_started, __ATOMIC_ACQUIRE) &
		    (1UL << i)) {
			if (res->error == SBI_SUCCESS)
				res->error = SBI_ERR_ALREADY_STARTED;
			continue;
		}
		if (flags & SBI_PMU_START_SET_INIT_VALUE)
			__atomic_store_n(&h->fw_value[i], req->args[3],
					 __ATOMIC_RELAXED);
		if (flags & SBI_PMU_START_INIT_SNAPSHOT) {
			if (!snap_read(sn, h, fw_rel(sn, base, i), &val)) {
				res->error = SBI_ERR_FAILED;
				continue;
			}
			__atomic_store_n(&h->fw_value[i], val,
					 __ATOMIC_RELAXED);
		}
		__atomic_or_fetch(&h->fw_started, 1UL << i, __ATOMIC_RELEASE);
	}
}

/* TAKE_SNAPSHOT: "save the current value of all the stopped counters ...
 * The values corresponding to all other counters must not be modified",
 * and the overflow bitmap of the stopped hardware counters, relative to
 * counter_idx_base as the values are (L0's pmu_hw_overflow; firmware
 * counters never overflow: 64 bits wide). */
static long take_snapshot(const struct sbi_nested *sn,
			  const struct sbi_nested_request *req,
			  const struct sbi_nested_pmu_hart *h,
			  const struct counter_set *set)
{
	unsigned long base = req->args[0], val, ovf = 0;

	if (sn->ops->pmu_hw_overflow && base < BITS_PER_LONG)
		ovf = (sn->ops->pmu_hw_overflow(sn->ctx, req->hartid) >> base) &
		      set->hw;
	if (!snap_write(sn, h, SNAP_OVERFLOW, ovf))
		return SBI_ERR_FAILED;
	for (unsigned long i = 0; i < BITS_PER_LONG; i++) {
		if (!(set->hw & (1UL << i)))
			continue;
		if (sn->ops->pmu_hw_read(sn->ctx, req->hartid, base + i,
					 &val) != SBI_NESTED_OK ||
		    !snap_write(sn, h, SNAP_VALUES + i * 8, val))
			return SBI_ERR_FAILED;
	}
	for (unsigned long i = 0; i < FW_N; i++) {
		unsigned long rel = fw_rel(sn, base, i);

		if (!(set->fw & (1UL << i)))
			continue;
		/* rel < 64: a bit of the mask */
		val = __atomic_load_n(&h->fw_value[i], __ATOMIC_RELAXED);
		if (!snap_write(sn, h, SNAP_VALUES + rel * 8, val))
			return SBI_ERR_FAILED;
	}
	return SBI_SUCCESS;
}

static void pmu_stop(const struct sbi_nested *sn,
		     const struct sbi_nested_request *req,
		     struct sbi_nested_result *res)
{
	struct sbi_nested_pmu_hart *h = &sn->cfg->pmu[req->hartid];
	unsigned long flags = req->args[2];
	struct sbi_nested_request hwreq = *req;
	struct counter_set set;

	res->error = split_set(sn, req->args[0], req->args[1], &set);
	if (res->error != SBI_SUCCESS)
		return;
	if ((flags & SBI_PMU_STOP_TAKE_SNAPSHOT) && !h->snapshot_set) {
		res->error = SBI_ERR_NO_SHMEM;
		return;
	}
	/* Every counter of the set is stopped; one already stopped makes
	 * the answer ALREADY_STOPPED ("at least one counter"), the others
	 * are stopped all the same (as OpenSBI does: Linux stops every
	 * counter with RESET at boot). */
	if (set.hw) {
		/* the snapshot is sbi-nested's to take, from the counters
		 * once stopped */
		hwreq.args[2] = flags & ~SBI_PMU_STOP_TAKE_SNAPSHOT;
		res->error = hw_call(sn, &hwreq, set.hw).error;
	}
	if ((~__atomic_load_n(&h->fw_started, __ATOMIC_ACQUIRE) & set.fw) &&
	    res->error == SBI_SUCCESS)
		res->error = SBI_ERR_ALREADY_STOPPED;
	__atomic_and_fetch(&h->fw_started, ~set.fw, __ATOMIC_RELEASE);
	/* RESET: "Reset the counter to event mapping", for a counter
	 * already stopped too (how a caller releases one it configured
	 * and never started) */
	if (flags & SBI_PMU_STOP_RESET)
		h->fw_configured &= ~set.fw;
	if ((flags & SBI_PMU_STOP_TAKE_SNAPSHOT) &&
	    take_snapshot(sn, req, h, &set) != SBI_SUCCESS)
		res->error = SBI_ERR_FAILED;
}

static void pmu_fw_read(const struct sbi_nested *sn,
			const struct sbi_nested_request *req,
			struct sbi_nested_result *res, bool hi)
{
	unsigned long idx = req->args[0];

	/* "counter_idx points to a hardware counter or an invalid
	 * counter": INVALID_PARAM */
	if (idx < nhw(sn) || idx >= ncounters(sn)) {
		res->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	res->error = SBI_SUCCESS;
	/* fw_read_hi "always returns zero in sbiret.value for RV64" */
	res->value =
		hi ? 0
		   : (long)__atomic_load_n(
			     &sn->cfg->pmu[req->hartid].fw_value[idx - nhw(sn)],
			     __ATOMIC_RELAXED);
}

static void pmu_set_shmem(const struct sbi_nested *sn,
			  const struct sbi_nested_request *req,
			  struct sbi_nested_result *res)
{
	struct sbi_nested_pmu_hart *h = &sn->cfg->pmu[req->hartid];
	unsigned long lo = req->args[0], hi = req->args[1];

	/* the snapshot is optional ("SBI PMU Snapshot"): L0 may not offer
	 * it (config.pmu_no_snapshot, sbi_nested.h says why) */
	if (sn->cfg->pmu_no_snapshot) {
		res->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	/* "The flags parameter is reserved for future use and must be
	 * zero" */
	if (req->args[2] != 0) {
		res->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	/* both all-ones: "cleared and disabled" */
	if (lo == ~0UL && hi == ~0UL) {
		h->snapshot_set = false;
		res->error = SBI_SUCCESS;
		return;
	}
	if (lo & (SNAP_SIZE - 1)) {
		res->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	/* memory L1 cannot write, or beyond 2^64 (hi != 0), or wrapping:
	 * INVALID_ADDRESS */
	if (hi != 0 || lo > ~0UL - (SNAP_SIZE - 1) ||
	    sn->ops->guest_check(sn->ctx, lo, SNAP_SIZE,
				 SBI_NESTED_ACCESS_WRITE) != SBI_NESTED_OK) {
		res->error = SBI_ERR_INVALID_ADDRESS;
		return;
	}
	h->snapshot = lo;
	h->snapshot_set = true;
	res->error = SBI_SUCCESS;
}

static void pmu_handle(const struct sbi_nested *sn,
		       const struct sbi_nested_request *req,
		       struct sbi_nested_result *res)
{
	res->value = 0;
	switch (req->fid) {
	case SBI_PMU_NUM_COUNTERS:
		res->error = SBI_SUCCESS;
		res->value = (long)ncounters(sn);
		break;
	case SBI_PMU_COUNTER_GET_INFO:
		pmu_get_info(sn, req, res);
		break;
	case SBI_PMU_COUNTER_CFG_MATCHING:
		pmu_config(sn, req, res);
		break;
	case SBI_PMU_COUNTER_START:
		pmu_start(sn, req, res);
		break;
	case SBI_PMU_COUNTER_STOP:
		pmu_stop(sn, req, res);
		break;
	case SBI_PMU_COUNTER_FW_READ:
		pmu_fw_read(sn, req, res, false);
		break;
	case SBI_PMU_COUNTER_FW_READ_HI:
		pmu_fw_read(sn, req, res, true);
		break;
	case SBI_PMU_SNAPSHOT_SET_SHMEM:
		pmu_set_shmem(sn, req, res);
		break;
	default:
		/* event_get_info (FID 8) is SBI 3.0; L0 implements 2.0 */
		res->error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
}

void sbi_nested_pmu_fw_event(const struct sbi_nested *sn, unsigned long hartid,
			     unsigned long event)
{
	struct sbi_nested_pmu_hart *h;
	unsigned long started;

	if (!sn->cfg->pmu || hartid >= sn->cfg->nharts)
		return;
	h = &sn->cfg->pmu[hartid];
	started = __atomic_load_n(&h->fw_started, __ATOMIC_ACQUIRE);
	/* the usual case (L0 asks on every trap of L1's it forwards):
	 * nothing runs */
	if (!started)
		return;
	for (unsigned long i = 0; i < FW_N; i++)
		if ((started & (1UL << i)) && h->fw_event[i] == event)
			__atomic_add_fetch(&h->fw_value[i], 1,
					   __ATOMIC_RELAXED);
}

void sbi_nested_pmu_hart_reset(const struct sbi_nested *sn,
			       unsigned long hartid)
{
	struct sbi_nested_pmu_hart *h;

	if (!sn->cfg->pmu || hartid >= sn->cfg->nharts)
		return;
	h = &sn->cfg->pmu[hartid];
	/* stopped first, so another hart's event no longer counts here */
	__atomic_store_n(&h->fw_started, 0, __ATOMIC_RELEASE);
	h->fw_configured = 0;
	for (unsigned long i = 0; i < FW_N; i++)
		__atomic_store_n(&h->fw_value[i], 0, __ATOMIC_RELAXED);
	h->snapshot_set = false;
}

const struct sbi_nested_ext sbi_nested_ext_pmu = {
	.name = "pmu",
	.id = SBI_NESTED_EXT_PMU,
	.extid_start = SBI_EXT_PMU,
	.extid_end = SBI_EXT_PMU,
	.probe = pmu_probe,
	.handle = pmu_handle,
};
