/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L0's side of SBI DBTR (sbi-nested/dbtr.c). The triggers are M-mode
 * CSRs (Sdtrig: tselect/tdata* are not accessible from HS-mode), so L1's
 * are installed through OpenSBI's DBTR on the vCPU's own host hart, as
 * mcontrol6 triggers whose vs/vu bits stand for L1's s/u: L1 runs in
 * VS-mode, and they never fire while L0 runs in HS-mode. L2 also runs in
 * VS/VU-mode, so around every entry into L2 L0 disables them and enables
 * them again when L2 exits to L1: they fire only while L1 itself runs. A
 * hit is a breakpoint exception, delegated to L1 (hedeleg) or forwarded
 * by L0 (trap.c), as L1's firmware would deliver it.
 */
#ifndef L0_SBI_DBTR_H
#define L0_SBI_DBTR_H

#include <sbi_nested.h>

#include "vcpu.h"

/* Once at boot, after l0_sbi_setup(): find OpenSBI's triggers and offer
 * L1 those that take mcontrol6 (none at depth > 1: README). */
void l0_dbtr_setup(struct l0_guest *g);

/* vCPU v is being started (HSM start after a stop), on its own host
 * hart: its triggers are uninstalled below and its shared memory unset. */
void l0_dbtr_hart_reset(struct l0_vcpu *v);

/* Per vCPU: the triggers below (OpenSBI's trig_idx bits) that are
 * installed for L1 and enabled, i.e. that must not fire in L2. */
extern unsigned long l0_dbtr_live[L0_MAX_VCPUS];

void l0_dbtr_switch(struct l0_vcpu *v, bool to_l2);

/* The world switch's hooks: L2 is about to run / L2 exited to L1. Only a
 * bit test of vh.feat (L0_VHYP_F_DBTR, which set_live keeps equal to
 * l0_dbtr_live[v->vhartid] != 0) while L1 has no trigger enabled. */
static inline void l0_dbtr_l2_enter(struct l0_vcpu *v)
{
	if (v->vh.feat & L0_VHYP_F_DBTR)
		l0_dbtr_switch(v, true);
}

static inline void l0_dbtr_l2_exit(struct l0_vcpu *v)
{
	if (v->vh.feat & L0_VHYP_F_DBTR)
		l0_dbtr_switch(v, false);
}

/* sbi_nested_ops.dbtr_* (ctx = the calling vCPU) */
unsigned long l0_dbtr_count(void *ctx, unsigned long hartid,
			    unsigned long tdata1);
enum sbi_nested_status l0_dbtr_install(void *ctx, unsigned long hartid,
				       const unsigned long tdata[3],
				       unsigned long *hw);
enum sbi_nested_status l0_dbtr_update(void *ctx, unsigned long hartid,
				      unsigned long hw,
				      const unsigned long tdata[3]);
enum sbi_nested_status l0_dbtr_uninstall(void *ctx, unsigned long hartid,
					 unsigned long hw);

/* The translation of L1's configuration into the one programmed below
 * (exposed for the host tests): SBI_NESTED_OK, or SBI_NESTED_UNSUPPORTED
 * for a field L0 cannot offer. */
enum sbi_nested_status l0_dbtr_to_host(const unsigned long l1[3],
				       unsigned long host[3]);

#endif /* L0_SBI_DBTR_H */
