/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DBTR extension (SBI spec "Debug Triggers Extension", EID 0x44425452).
 * sbi-nested keeps L1's triggers per hart by logical index (trig_idx),
 * their trig_state and configuration, the shared memory, and checks every
 * argument and every configuration word; the triggers themselves are
 * programmed below by L0 (dbtr_install/update/uninstall), which maps L1's
 * privilege bits onto the hardware's. A call that fails changes nothing.
 */
#include "sbi_nested_ext.h"

#include <rvnest/dbtr.h>

#define BITS_PER_LONG (sizeof(unsigned long) * 8)
#define ENTRY_WORDS SBI_DBTR_ENTRY_WORDS

/* tdata1's privilege bits of L1's triggers: s and u of both types,
 * vs and vu of mcontrol6 (the bits enable and disable act on) */
static unsigned long priv_bits(unsigned long tdata1)
{
	unsigned long bits = SDTRIG_U | SDTRIG_S;

	if (SDTRIG_TYPE(tdata1) == SDTRIG_TYPE_MCONTROL6)
		bits |= SDTRIG_MC6_VU | SDTRIG_MC6_VS;
	return bits;
}

/* trig_state's saved copy of tdata1's vs, vu, s and u bits ("Debug
 * Trigger State Fields"; mcontrol has no vs/vu) */
static unsigned long state_of(unsigned long tdata1)
{
	unsigned long st = SBI_DBTR_STATE_MAPPED;

	if (tdata1 & SDTRIG_U)
		st |= SBI_DBTR_STATE_U;
	if (tdata1 & SDTRIG_S)
		st |= SBI_DBTR_STATE_S;
	if (SDTRIG_TYPE(tdata1) == SDTRIG_TYPE_MCONTROL6) {
		if (tdata1 & SDTRIG_MC6_VU)
			st |= SBI_DBTR_STATE_VU;
		if (tdata1 & SDTRIG_MC6_VS)
			st |= SBI_DBTR_STATE_VS;
	}
	return st;
}

/* tdata1 with its privilege bits as trig_state saved them ("Enable a set
 * of triggers": restore vs, vu, s and u from the saved copy) */
static unsigned long restore_priv(unsigned long tdata1, unsigned long st)
{
	tdata1 &= ~priv_bits(tdata1);
	if (st & SBI_DBTR_STATE_U)
		tdata1 |= SDTRIG_U;
	if (st & SBI_DBTR_STATE_S)
		tdata1 |= SDTRIG_S;
	if (st & SBI_DBTR_STATE_VU)
		tdata1 |= SDTRIG_MC6_VU;
	if (st & SBI_DBTR_STATE_VS)
		tdata1 |= SDTRIG_MC6_VS;
	return tdata1;
}

static unsigned long trig_max(const struct sbi_nested *sn)
{
	return sn->cfg->dbtr_triggers < SBI_NESTED_DBTR_MAX
		       ? sn->cfg->dbtr_triggers
		       : SBI_NESTED_DBTR_MAX;
}

static long dbtr_probe(const struct sbi_nested *sn, unsigned long eid)
{
	const struct sbi_nested_ops *o = sn->ops;

	(void)eid;
	return sn->cfg->dbtr && trig_max(sn) && o->dbtr_count &&
	       o->dbtr_install && o->dbtr_update && o->dbtr_uninstall;
}

static struct sbi_nested_dbtr_hart *hart(const struct sbi_nested *sn,
					 unsigned long hartid)
{
	return &sn->cfg->dbtr[hartid];
}

/* Bytes of shared memory the spec assumes: trig_max * (XLEN / 2) ("Set
 * trigger shared memory") */
static unsigned long shmem_size(const struct sbi_nested *sn)
{
	return trig_max(sn) * SBI_DBTR_ENTRY_BYTES;
}

static void num_triggers(const struct sbi_nested *sn,
			 const struct sbi_nested_request *req,
			 struct sbi_nested_result *res)
{
	unsigned long n;

	/* "always returns SBI_SUCCESS": trig_max for tdata1 == 0, else the
	 * triggers that can take that configuration */
	res->error = SBI_SUCCESS;
	if (req->args[0] == 0) {
		res->value = (long)trig_max(sn);
		return;
	}
	n = sn->ops->dbtr_count(sn->ctx, req->hartid, req->args[0]);
	res->value = (long)(n < trig_max(sn) ? n : trig_max(sn));
}

static void set_shmem(const struct sbi_nested *sn,
		      const struct sbi_nested_request *req,
		      struct sbi_nested_result *res)
{
	struct sbi_nested_dbtr_hart *h = hart(sn, req->hartid);
	unsigned long lo = req->args[0], hi = req->args[1];
	unsigned long flags = req->args[2];

	/* "flags ... reserved for future use and MUST be zero" */
	if (flags != 0) {
		res->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	/* both halves all-ones: disable */
	if (lo == SBI_DBTR_SHMEM_DISABLE && hi == SBI_DBTR_SHMEM_DISABLE) {
		h->shmem_set = false;
		h->shmem = 0;
		res->error = SBI_SUCCESS;
		return;
	}
	/* "shmem_phys_lo MUST be (XLEN / 8) bytes aligned" */
	if (lo & (SBI_DBTR_SHMEM_ALIGN - 1)) {
		res->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	/* "Shared memory physical address range parameter": every byte of
	 * trig_max * (XLEN / 2) L1 memory it may read and write; an
	 * address above 2^XLEN is none of L1's (hi != 0), nor a range
	 * that wraps */
	if (hi != 0 || lo + shmem_size(sn) < lo ||
	    sn->ops->guest_check(sn->ctx, lo, shmem_size(sn),
				 SBI_NESTED_ACCESS_READ) != SBI_NESTED_OK ||
	    sn->ops->guest_check(sn->ctx, lo, shmem_size(sn),
				 SBI_NESTED_ACCESS_WRITE) != SBI_NESTED_OK) {
		res->error = SBI_ERR_INVALID_ADDRESS;
		return;
	}
	h->shmem_set = true;
	h->shmem = lo;
	res->error = SBI_SUCCESS;
}

/* Entry i of the shared memory, words in little-endian order (RV64 L1s
 * are little-endian: the words are plain unsigned longs). */
static unsigned long entry_addr(const struct sbi_nested_dbtr_hart *h,
				unsigned long i)
{
	return h->shmem + i * SBI_DBTR_ENTRY_BYTES;
}

static void read_triggers(const struct sbi_nested *sn,
			  const struct sbi_nested_request *req,
			  struct sbi_nested_result *res)
{
	struct sbi_nested_dbtr_hart *h = hart(sn, req->hartid);
	unsigned long base = req->args[0], count = req->args[1];
	unsigned long n = trig_max(sn);

	if (!h->shmem_set) {
		res->error = SBI_ERR_NO_SHMEM;
		return;
	}
	/* BAD_RANGE: base >= trig_max, or the range passes the last
	 * trigger (the entries read are base .. base + count - 1; the
	 * table's "base + count >= trig_max" would refuse to read the
	 * last trigger, sbi-nested/README.md) */
	if (base >= n || count > n - base) {
		res->error = SBI_ERR_BAD_RANGE;
		return;
	}
	for (unsigned long i = 0; i < count; i++) {
		const struct sbi_nested_dbtr_trigger *t = &h->trig[base + i];
		unsigned long w[ENTRY_WORDS] = {t->state, t->tdata[0],
						t->tdata[1], t->tdata[2]};

		if (sn->ops->guest_write(sn->ctx, entry_addr(h, i), w,
					 sizeof(w)) != SBI_NESTED_OK) {
			/* accepted at set_shmem, unwritable now */
			res->error = SBI_ERR_FAILED;
			return;
		}
	}
	res->error = SBI_SUCCESS;
}

/* The error a configuration L1 gives deserves before anything below sees
 * it (SBI_SUCCESS if none). `last`: it is the last of the array. */
static long check_config(const unsigned long tdata[3], bool last)
{
	unsigned long t1 = tdata[0];

	switch (SDTRIG_TYPE(t1)) {
	case SDTRIG_TYPE_MCONTROL:
	case SDTRIG_TYPE_MCONTROL6:
		break;
	case SDTRIG_TYPE_NONE:
	case SDTRIG_TYPE_DISABLED:
		/* no trigger at all: nothing to install */
		return SBI_ERR_INVALID_PARAM;
	default:
		/* icount, itrigger, etrigger, tmexttrigger and the reserved
		 * types: not offered ("can't be programmed due to
		 * unimplemented optional bits") */
		return SBI_ERR_NOT_SUPPORTED;
	}
	/* "trig_tdata1.dmode bit must always be zero", "trig_tdata1.m bit
	 * must always be zero" */
	if (t1 & (SDTRIG_DMODE | SDTRIG_M))
		return SBI_ERR_INVALID_PARAM;
	/* "The last trigger configuration ... MUST not have chain == 1" */
	if (t1 & SDTRIG_CHAIN)
		return last ? SBI_ERR_INVALID_PARAM : SBI_ERR_NOT_SUPPORTED;
	return SBI_SUCCESS;
}

/* The error of a service that did not answer SBI_NESTED_OK (its
 * answers: sbi_nested.h "DBTR"). */
static long status_error(enum sbi_nested_status st)
{
	/* a field the hardware does not implement: "can't be programmed
	 * due to unimplemented optional bits"; else no trigger below, or
	 * the firmware refused */
	return st == SBI_NESTED_UNSUPPORTED ? SBI_ERR_NOT_SUPPORTED
					    : SBI_ERR_FAILED;
}

/* The start install and update share: the req->args[0] entries of the
 * shared memory read into e. "sbiret.value is set to zero upon success or
 * if shared memory is disabled"; false, with res->error set, when there is
 * no shared memory, more entries than triggers (for install, the table's
 * "trig_count >= trig_max" would refuse to fill every trigger at once) or
 * shared memory that can no longer be read. */
static bool read_entries(const struct sbi_nested *sn,
			 const struct sbi_nested_request *req,
			 struct sbi_nested_result *res,
			 unsigned long e[][ENTRY_WORDS])
{
	const struct sbi_nested_dbtr_hart *h = hart(sn, req->hartid);
	unsigned long count = req->args[0];

	res->value = 0;
	if (!h->shmem_set) {
		res->error = SBI_ERR_NO_SHMEM;
		return false;
	}
	if (count > trig_max(sn)) {
		res->error = SBI_ERR_BAD_RANGE;
		return false;
	}
	if (sn->ops->guest_read(sn->ctx, h->shmem, e,
				count * SBI_DBTR_ENTRY_BYTES) !=
	    SBI_NESTED_OK) {
		res->error = SBI_ERR_FAILED;
		return false;
	}
	return true;
}

/* A trigger now holds the config td: its tdata1-3, and "a copy of vs,
 * vu, s and u in trig_state" */
static void keep_config(struct sbi_nested_dbtr_trigger *t,
			const unsigned long *td)
{
	t->tdata[0] = td[0];
	t->tdata[1] = td[1];
	t->tdata[2] = td[2];
	t->state = state_of(td[0]);
}

static void install_triggers(const struct sbi_nested *sn,
			     const struct sbi_nested_request *req,
			     struct sbi_nested_result *res)
{
	struct sbi_nested_dbtr_hart *h = hart(sn, req->hartid);
	unsigned long count = req->args[0], n = trig_max(sn);
	unsigned long e[SBI_NESTED_DBTR_MAX][ENTRY_WORDS];
	unsigned long idx[SBI_NESTED_DBTR_MAX];
	unsigned long done = 0, nfree = 0;

	/* else sbiret.value is the failing entry */
	if (!read_entries(sn, req, res, e))
		return;
	/* "in the increasing order of the array index": the first bad
	 * entry names the error */
	for (unsigned long i = 0; i < count; i++) {
		res->error = check_config(&e[i][SBI_DBTR_WORD_TDATA1],
					  i + 1 == count);
		if (res->error != SBI_SUCCESS) {
			res->value = (long)i;
			return;
		}
	}
	for (unsigned long i = 0; i < n; i++)
		if (!h->trig[i].state)
			idx[nfree++] = i;
	if (count > nfree) {
		/* "Failed to assign trig_idx": the first entry left
		 * without one */
		res->error = SBI_ERR_FAILED;
		res->value = (long)nfree;
		return;
	}
	for (; done < count; done++) {
		struct sbi_nested_dbtr_trigger *t = &h->trig[idx[done]];
		const unsigned long *td = &e[done][SBI_DBTR_WORD_TDATA1];
		enum sbi_nested_status st;

		st = sn->ops->dbtr_install(sn->ctx, req->hartid, td, &t->hw);
		if (st != SBI_NESTED_OK) {
			res->error = status_error(st);
			res->value = (long)done;
			break;
		}
		keep_config(t, td);
		/* "Write trig_idx at offset = i * (XLEN / 2)" */
		e[done][SBI_DBTR_WORD_IDX] = idx[done];
	}
	if (done == count &&
	    sn->ops->guest_write(sn->ctx, h->shmem, e,
				 count * SBI_DBTR_ENTRY_BYTES) ==
		    SBI_NESTED_OK) {
		res->error = SBI_SUCCESS;
		return;
	}
	if (done == count) {
		res->error = SBI_ERR_FAILED;
		res->value = 0;
	}
	/* a failed call installs nothing: take back what it did */
	while (done--) {
		struct sbi_nested_dbtr_trigger *t = &h->trig[idx[done]];

		(void)sn->ops->dbtr_uninstall(sn->ctx, req->hartid, t->hw);
		*t = (struct sbi_nested_dbtr_trigger){0};
	}
}

static void update_triggers(const struct sbi_nested *sn,
			    const struct sbi_nested_request *req,
			    struct sbi_nested_result *res)
{
	struct sbi_nested_dbtr_hart *h = hart(sn, req->hartid);
	unsigned long count = req->args[0], n = trig_max(sn);
	unsigned long e[SBI_NESTED_DBTR_MAX][ENTRY_WORDS];

	if (!read_entries(sn, req, res, e))
		return;
	/* every entry checked before any trigger changes */
	for (unsigned long i = 0; i < count; i++) {
		unsigned long ti = e[i][SBI_DBTR_WORD_IDX];
		const unsigned long *td = &e[i][SBI_DBTR_WORD_TDATA1];
		const struct sbi_nested_dbtr_trigger *t;

		res->value = (long)i;
		/* "invalid trig_idx (i.e. trig_idx >= trig_max)" */
		if (ti >= n) {
			res->error = SBI_ERR_INVALID_PARAM;
			return;
		}
		t = &h->trig[ti];
		/* "valid trig_idx but ... not mapped" */
		if (!t->state) {
			res->error = SBI_ERR_FAILED;
			return;
		}
		/* "type matches with original", "chain matches" */
		if (SDTRIG_TYPE(td[0]) != SDTRIG_TYPE(t->tdata[0]) ||
		    (td[0] & SDTRIG_CHAIN) != (t->tdata[0] & SDTRIG_CHAIN)) {
			res->error = SBI_ERR_INVALID_PARAM;
			return;
		}
		res->error = check_config(td, i + 1 == count);
		if (res->error != SBI_SUCCESS)
			return;
	}
	for (unsigned long i = 0; i < count; i++) {
		struct sbi_nested_dbtr_trigger *t =
			&h->trig[e[i][SBI_DBTR_WORD_IDX]];
		const unsigned long *td = &e[i][SBI_DBTR_WORD_TDATA1];
		enum sbi_nested_status st;

		st = sn->ops->dbtr_update(sn->ctx, req->hartid, t->hw, td);
		if (st != SBI_NESTED_OK) {
			/* the hardware refused a field: entries before
			 * this one are updated (sbi-nested/README.md) */
			res->error = status_error(st);
			res->value = (long)i;
			return;
		}
		keep_config(t, td);
	}
	res->value = 0;
	res->error = SBI_SUCCESS;
}

/* The triggers of (base, mask) as a mask of logical indices, or
 * SBI_ERR_INVALID_PARAM when one is >= trig_max or not mapped (the
 * Uninstall, Enable and Disable error tables). */
static long set_of(const struct sbi_nested *sn,
		   const struct sbi_nested_dbtr_hart *h, unsigned long base,
		   unsigned long mask, unsigned long *set)
{
	unsigned long n = trig_max(sn);

	*set = 0;
	for (unsigned long i = 0; i < BITS_PER_LONG; i++) {
		if (!(mask & (1UL << i)))
			continue;
		if (base >= n || i >= n - base || !h->trig[base + i].state)
			return SBI_ERR_INVALID_PARAM;
		*set |= 1UL << (base + i);
	}
	return SBI_SUCCESS;
}

enum set_op {
	SET_UNINSTALL,
	SET_ENABLE,
	SET_DISABLE,
};

static void act_on_set(const struct sbi_nested *sn,
		       const struct sbi_nested_request *req,
		       struct sbi_nested_result *res, enum set_op op)
{
	struct sbi_nested_dbtr_hart *h = hart(sn, req->hartid);
	unsigned long set;

	res->error = set_of(sn, h, req->args[0], req->args[1], &set);
	if (res->error != SBI_SUCCESS)
		return;
	for (unsigned long i = 0; i < SBI_NESTED_DBTR_MAX; i++) {
		struct sbi_nested_dbtr_trigger *t = &h->trig[i];
		unsigned long td[3] = {t->tdata[0], t->tdata[1], t->tdata[2]};
		enum sbi_nested_status st = SBI_NESTED_OK;

		if (!(set & (1UL << i)))
			continue;
		switch (op) {
		case SET_UNINSTALL:
			/* clear the hardware trigger, the state, and free
			 * both indices */
			st = sn->ops->dbtr_uninstall(sn->ctx, req->hartid,
						     t->hw);
			*t = (struct sbi_nested_dbtr_trigger){0};
			break;
		case SET_ENABLE:
			td[0] = restore_priv(td[0], t->state);
			st = sn->ops->dbtr_update(sn->ctx, req->hartid, t->hw,
						  td);
			break;
		case SET_DISABLE:
			/* "clear the vs, vu, s, and u bits"; trig_state
			 * keeps their copy */
			td[0] &= ~priv_bits(td[0]);
			st = sn->ops->dbtr_update(sn->ctx, req->hartid, t->hw,
						  td);
			break;
		}
		if (op != SET_UNINSTALL && st == SBI_NESTED_OK)
			t->tdata[0] = td[0];
		if (st != SBI_NESTED_OK)
			res->error = SBI_ERR_FAILED;
	}
}

static void dbtr_handle(const struct sbi_nested *sn,
			const struct sbi_nested_request *req,
			struct sbi_nested_result *res)
{
	res->value = 0;
	switch (req->fid) {
	case SBI_DBTR_NUM_TRIGGERS:
		num_triggers(sn, req, res);
		break;
	case SBI_DBTR_SET_SHMEM:
		set_shmem(sn, req, res);
		break;
	case SBI_DBTR_READ_TRIGGERS:
		read_triggers(sn, req, res);
		break;
	case SBI_DBTR_INSTALL_TRIGGERS:
		install_triggers(sn, req, res);
		break;
	case SBI_DBTR_UPDATE_TRIGGERS:
		update_triggers(sn, req, res);
		break;
	case SBI_DBTR_UNINSTALL_TRIGGERS:
		act_on_set(sn, req, res, SET_UNINSTALL);
		break;
	case SBI_DBTR_ENABLE_TRIGGERS:
		act_on_set(sn, req, res, SET_ENABLE);
		break;
	case SBI_DBTR_DISABLE_TRIGGERS:
		act_on_set(sn, req, res, SET_DISABLE);
		break;
	default:
		res->error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
}

void sbi_nested_dbtr_hart_reset(const struct sbi_nested *sn,
				unsigned long hartid)
{
	struct sbi_nested_dbtr_hart *h;

	if (!dbtr_probe(sn, SBI_EXT_DBTR) || hartid >= sn->cfg->nharts)
		return;
	h = hart(sn, hartid);
	for (unsigned long i = 0; i < SBI_NESTED_DBTR_MAX; i++)
		if (h->trig[i].state)
			(void)sn->ops->dbtr_uninstall(sn->ctx, hartid,
						      h->trig[i].hw);
	*h = (struct sbi_nested_dbtr_hart){0};
}

const struct sbi_nested_ext sbi_nested_ext_dbtr = {
	.name = "dbtr",
	.id = SBI_NESTED_EXT_DBTR,
	.extid_start = SBI_EXT_DBTR,
	.extid_end = SBI_EXT_DBTR,
	.probe = dbtr_probe,
	.handle = dbtr_handle,
};
