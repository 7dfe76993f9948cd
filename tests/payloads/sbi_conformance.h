/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sbi-conformance: the checks kept in their own files (one per SBI
 * extension that came after the payload's first version), called from
 * payload_run() in sbi_conformance.c.
 */
#ifndef SBI_CONFORMANCE_H
#define SBI_CONFORMANCE_H

#include "payload.h"

#include <stdio.h>
#include <rvnest/sbi.h>

/* FWFT (sbi_fwft.c); impl_id: Base get_sbi_impl_id */
void check_fwft(long impl_id);
/* PMU (sbi_pmu.c); hartid: this hart's */
void check_pmu(unsigned long hartid, long impl_id);
/* PMU counter overflow (sbi_pmu_ovf.c), when the hart has Sscofpmf */
void check_pmu_overflow(const struct payload_info *info);
/* DBTR (sbi_dbtr.c) */
void check_dbtr(long impl_id);

#endif /* SBI_CONFORMANCE_H */
