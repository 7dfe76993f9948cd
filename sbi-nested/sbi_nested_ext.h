/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to sbi-nested/: the extension descriptor every extension file ends
 * with, the table that gathers them (dispatch.c) and helpers shared by
 * several extensions.
 */
#ifndef SBI_NESTED_EXT_H
#define SBI_NESTED_EXT_H

#include <sbi_nested.h>

struct sbi_nested_ext {
	const char *name;
	enum sbi_nested_ext_id id;
	unsigned long extid_start, extid_end; /* inclusive */
	/* Base probe_extension's answer for `eid` (SBI spec Base: 0 means
	 * not available). 0 also when L0 did not provide an op the
	 * extension needs, so an incomplete L0 never answers "success". */
	long (*probe)(const struct sbi_nested *sn, unsigned long eid);
	/* Fills res->error/value (and action). Called only when probe
	 * answered non-zero. */
	void (*handle)(const struct sbi_nested *sn,
		       const struct sbi_nested_request *req,
		       struct sbi_nested_result *res);
};

extern const struct sbi_nested_ext sbi_nested_ext_base;
extern const struct sbi_nested_ext sbi_nested_ext_legacy;
extern const struct sbi_nested_ext sbi_nested_ext_time;
extern const struct sbi_nested_ext sbi_nested_ext_ipi;
extern const struct sbi_nested_ext sbi_nested_ext_rfence;
extern const struct sbi_nested_ext sbi_nested_ext_hsm;
extern const struct sbi_nested_ext sbi_nested_ext_srst;
extern const struct sbi_nested_ext sbi_nested_ext_dbcn;
extern const struct sbi_nested_ext sbi_nested_ext_rvnest;
extern const struct sbi_nested_ext sbi_nested_ext_nacl;
extern const struct sbi_nested_ext sbi_nested_ext_fwft;
extern const struct sbi_nested_ext sbi_nested_ext_pmu;
extern const struct sbi_nested_ext sbi_nested_ext_dbtr;

/* The enabled, available extension that owns `eid`, or NULL. */
const struct sbi_nested_ext *sbi_nested_find_ext(const struct sbi_nested *sn,
						 unsigned long eid);

/*
 * Apply `fn` to every hart named by (hart_mask, hart_mask_base) (SBI spec
 * "Hart list parameter"). Every hart is validated before any is touched, so
 * an invalid one leaves no side effect. Returns SBI_SUCCESS,
 * SBI_ERR_INVALID_PARAM (a hart that does not exist), or SBI_ERR_FAILED (fn
 * reported a failure; later harts are not visited).
 */
typedef enum sbi_nested_status (*sbi_nested_hart_fn)(
	const struct sbi_nested *sn, unsigned long hartid, const void *arg);
long sbi_nested_for_each_hart(const struct sbi_nested *sn,
			      unsigned long hart_mask,
			      unsigned long hart_mask_base,
			      sbi_nested_hart_fn fn, const void *arg);

/* hart_mask_base value meaning "all harts" (SBI spec "Hart list
 * parameter"). */
#define SBI_NESTED_HART_MASK_ALL (~0UL)

/*
 * Build the fence for an RFENCE-style range (SBI spec RFENCE: start and size
 * both 0, or size == 2^XLEN-1, mean the whole address space). Returns
 * SBI_SUCCESS or SBI_ERR_INVALID_ADDRESS when start + size wraps around the
 * address space.
 */
long sbi_nested_fence_range(struct sbi_nested_fence *f, unsigned long start,
			    unsigned long size);

/* Per-hart fence callback: arg is a const struct sbi_nested_fence *. */
enum sbi_nested_status sbi_nested_fence_one(const struct sbi_nested *sn,
					    unsigned long hartid,
					    const void *arg);

/* Per-hart IPI callback: arg is a const unsigned long *, the caller's
 * hart ID (PMU firmware events). */
enum sbi_nested_status sbi_nested_ipi_one(const struct sbi_nested *sn,
					  unsigned long hartid,
					  const void *arg);

#endif /* SBI_NESTED_EXT_H */
