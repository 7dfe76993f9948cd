/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NACL on L0 (l0-hyp/nacl.h): sbi-nested's NACL services implemented on
 * L1's virtual HS state (vhyp.h), and the per-trap hook that keeps every
 * hart's CSR space current. The extension itself (shared-memory layout,
 * errors, features) is sbi-nested/nacl.c.
 */
#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <stddef.h>
#include <sbi_nested.h>

#include "nacl.h"
#include "options.h"
#include "vcpu.h"

/* Per-hart NACL state for sbi-nested (SBI spec: set_shmem acts on "the
 * calling hart"): one per vCPU, zeroed at boot (.bss). */
static struct sbi_nested_nacl_hart l0_nacl_harts[L0_MAX_VCPUS];

/* A ranged HFENCE entry of more pages than this is done as the whole
 * address space of its VMID: one fence instead of a long loop (flushing
 * more than asked is allowed). */
#define L0_NACL_MAX_PAGES 64UL

/*
 * What an exit of L2 to L1 changes in L1's virtual state (vhyp.c
 * exit_to_l1, "Trap Entry"): hstatus (SPV, SPVP, GVA), htval and htinst
 * always; of L2's supervisor CSRs, read back into L1's vs*, and of the
 * hie/hvip bits L2 wrote through its sie/sip, those whose value moved
 * (vh->exit_changed), with the CSRs that are views of them (vsie of hie;
 * hip and vsip of hvip). Only these are written back, each only if its
 * value differs from the word (the whole CSR space, 25 CSRs, cost 3,900
 * instructions per exit at e4129ab; the 16 an exit may change, 760).
 */
static const unsigned l0_nacl_exit_always[] = {CSR_HSTATUS, CSR_HTVAL,
					       CSR_HTINST};
static const unsigned l0_nacl_exit_csrs[L0_VHYP_CHG_COUNT][3] = {
	[L0_VHYP_CHG_VSSTATUS] = {CSR_VSSTATUS},
	[L0_VHYP_CHG_VSTVEC] = {CSR_VSTVEC},
	[L0_VHYP_CHG_VSSCRATCH] = {CSR_VSSCRATCH},
	[L0_VHYP_CHG_VSEPC] = {CSR_VSEPC},
	[L0_VHYP_CHG_VSCAUSE] = {CSR_VSCAUSE},
	[L0_VHYP_CHG_VSTVAL] = {CSR_VSTVAL},
	[L0_VHYP_CHG_VSATP] = {CSR_VSATP},
	[L0_VHYP_CHG_VSTIMECMP] = {CSR_VSTIMECMP, CSR_HIP, CSR_VSIP},
	[L0_VHYP_CHG_HIE] = {CSR_HIE, CSR_VSIE},
	[L0_VHYP_CHG_HVIP] = {CSR_HVIP, CSR_HIP, CSR_VSIP},
	[L0_VHYP_CHG_VSISELECT] = {CSR_VSISELECT},
};

/*
 * The views: hip (of hvip, and of the Sstc comparison of vstimecmp with
 * time + htimedelta when henvcfg.STCE), vsip (of hip through hideleg),
 * vsie (of hie through hideleg). A write L0 makes for NACL (SYNC_CSR,
 * SYNC_SRET) writes back the CSR written, not its views: those are
 * written back at the next write-back (l0_nacl_views_due). And hip's VSTIP
 * changes with time alone (0 to 1; back to 0 only when one of the CSRs it
 * is a view of is written): the exit writes hip and vsip back when VSTIP
 * is not what it was at the previous exit.
 */
static const struct {
	unsigned csr;
	unsigned views[2];
} l0_nacl_views[] = {
	{CSR_HVIP, {CSR_HIP, CSR_VSIP}},
	{CSR_VSTIMECMP, {CSR_HIP, CSR_VSIP}},
	{CSR_HTIMEDELTA, {CSR_HIP, CSR_VSIP}},
	{CSR_HENVCFG, {CSR_HIP, CSR_VSIP}},
	{CSR_HIDELEG, {CSR_VSIE, CSR_VSIP}},
	{CSR_HIE, {CSR_VSIE}},
	{CSR_HIP, {CSR_HVIP, CSR_VSIP}},
	{CSR_VSIP, {CSR_HVIP, CSR_HIP}},
	{CSR_VSIE, {CSR_HIE}},
};

#define L0_NACL_NVIEWS (sizeof(l0_nacl_views) / sizeof(l0_nacl_views[0]))

/* sbi_nested_nacl_sret_direct(), at setup */
static bool l0_nacl_sret_direct;

/* sbi_nested_nacl_csr_bit() of the above, at setup */
static unsigned long l0_nacl_always_mask, l0_nacl_time_mask;
static unsigned long l0_nacl_chg_mask[L0_VHYP_CHG_COUNT];
static unsigned long l0_nacl_view_mask[L0_NACL_NVIEWS];
/* per vCPU: views due at the next write-back; VSTIP at the last exit */
static unsigned long l0_nacl_views_due[L0_MAX_VCPUS];
static bool l0_nacl_vstip_seen[L0_MAX_VCPUS];

/* The write-back bits of the views of `csr` (0 for most CSRs). */
static unsigned long views_of(unsigned csr)
{
	switch (csr) {
	case CSR_HVIP:
	case CSR_VSTIMECMP:
	case CSR_HTIMEDELTA:
	case CSR_HENVCFG:
	case CSR_HIDELEG:
	case CSR_HIE:
	case CSR_HIP:
	case CSR_VSIP:
	case CSR_VSIE:
		break;
	default:
		return 0;
	}
	for (size_t i = 0; i < L0_NACL_NVIEWS; i++)
		if (l0_nacl_views[i].csr == csr)
			return l0_nacl_view_mask[i];
	return 0;
}

/* The CSRs to write back after an exit of L2; resets the record. */
static unsigned long exit_changes(struct l0_vcpu *v)
{
	const struct l0_vhyp *vh = &v->vh;
	unsigned long m = l0_nacl_always_mask | l0_nacl_views_due[v->vhartid];
	unsigned long chg = vh->exit_changed;
	bool vstip = (vh->henvcfg & ENVCFG_STCE) &&
		     rd_time() + vh->htimedelta >= vh->vstimecmp;

	v->vh.exit_changed = 0;
	l0_nacl_views_due[v->vhartid] = 0;
	for (unsigned i = 0; chg >> i; i++)
		if ((chg >> i) & 1)
			m |= l0_nacl_chg_mask[i];
	if (vstip != l0_nacl_vstip_seen[v->vhartid])
		m |= l0_nacl_time_mask;
	l0_nacl_vstip_seen[v->vhartid] = vstip;
	return m;
}

void l0_nacl_setup(struct l0_guest *g, unsigned long features)
{
	/* NACL accelerates the emulated H extension: without it, absent. */
	if (!g->nested || !features)
		return;
	g->sbi_cfg.nacl_features = features & SBI_NESTED_NACL_ALL;
	g->sbi.nacl = l0_nacl_harts;
	for (size_t i = 0;
	     i < sizeof(l0_nacl_exit_always) / sizeof(l0_nacl_exit_always[0]);
	     i++)
		l0_nacl_always_mask |=
			sbi_nested_nacl_csr_bit(l0_nacl_exit_always[i]);
	for (size_t i = 0; i < L0_VHYP_CHG_COUNT; i++)
		for (size_t j = 0; j < 3 && l0_nacl_exit_csrs[i][j]; j++)
			l0_nacl_chg_mask[i] |= sbi_nested_nacl_csr_bit(
				l0_nacl_exit_csrs[i][j]);
	l0_nacl_time_mask = sbi_nested_nacl_csr_bit(CSR_HIP) |
			    sbi_nested_nacl_csr_bit(CSR_VSIP);
	for (size_t i = 0; i < L0_NACL_NVIEWS; i++)
		for (size_t j = 0; j < 2 && l0_nacl_views[i].views[j]; j++)
			l0_nacl_view_mask[i] |= sbi_nested_nacl_csr_bit(
				l0_nacl_views[i].views[j]);
	/* after l0_sbi_setup: the configuration is settled */
	l0_nacl_sret_direct = sbi_nested_nacl_sret_direct(&g->sbi);
}

bool l0_nacl_sync_sret(struct l0_vcpu *v)
{
	struct sbi_nested sn;
	struct sbi_nested_result res;

	if (v->gpr[L0_GPR_A7] != SBI_EXT_NACL ||
	    v->gpr[L0_GPR_A6] != SBI_NACL_SYNC_SRET || !l0_nacl_sret_direct)
		return false;
	/* as l0_sbi_ecall counts and profiles every SBI call */
	v->stats.ev[L0_EV_SBI_CALL]++;
	l0_prof_note_sbi(&v->prof, SBI_EXT_NACL, SBI_NACL_SYNC_SRET);
	sn = v->guest->sbi;
	sn.ctx = v;
	sbi_nested_nacl_sync_sret(&sn, v->vhartid, &res);
	/* "This function does not return upon success": the nacl_sret
	 * service set L2's registers and pc; a failure returns to L1 after
	 * the ECALL with a0 = error, a1 = 0, as any SBI call */
	if (res.action != SBI_NESTED_NO_RETURN) {
		v->gpr[L0_GPR_A0] = (unsigned long)res.error;
		v->gpr[L0_GPR_A1] = (unsigned long)res.value;
		v->sepc += 4; /* ECALL is 4 bytes */
	}
	return true;
}

/*
 * While L1 runs, its virtual H-extension CSRs change only when L0 emulates
 * a CSR instruction or an SRET of L1's, or delivers a trap into L1 (hstatus,
 * htval, htinst). L0 counts each of those (stats.h); a trap that moved none
 * of these counters (an SBI call, an HLV, an HFENCE, an MMIO access, an
 * interrupt) changed no CSR, and the write-back is skipped.
 */
static const enum l0_event l0_nacl_csr_events[] = {
	L0_EV_L1_CSR,
	L0_EV_L1_SRET,
	L0_EV_INJECT_EXC,
};

#define L0_NACL_NEVENTS \
	(sizeof(l0_nacl_csr_events) / sizeof(l0_nacl_csr_events[0]))

/* Those counters as of the last write-back, per vCPU. */
static uint64_t l0_nacl_seen[L0_MAX_VCPUS][L0_NACL_NEVENTS];

static bool l1_csrs_may_have_changed(struct l0_vcpu *v)
{
	uint64_t *seen = l0_nacl_seen[v->vhartid];
	bool changed = false;

	for (size_t i = 0; i < L0_NACL_NEVENTS; i++) {
		uint64_t now = v->stats.ev[l0_nacl_csr_events[i]];

		changed = changed || now != seen[i];
		seen[i] = now;
	}
	return changed;
}

void l0_nacl_trap_done(struct l0_vcpu *v, bool was_in_l2)
{
	struct sbi_nested sn;
	bool changed;

	if (!v->guest->sbi.nacl)
		return;
	/* an exit of L2 moves none of the counters (it is no trap of L1's
	 * own): the exit's write-back below covers it */
	changed = !was_in_l2 && l1_csrs_may_have_changed(v);
	/* L2 running: L1 cannot look at its CSR space until L2 exits, and
	 * that exit comes through here again. */
	if (v->vh.in_l2)
		return;
	sn = v->guest->sbi; /* after that return: not copied for it */
	sn.ctx = v;
	/* A failure means L1's shared memory stopped being L1 RAM, which L0
	 * never does to a running L1: nothing to report to anyone. */
	if (was_in_l2)
		/* virtualization ON -> OFF: autoswap, then write-back */
		(void)sbi_nested_nacl_virt_off_changed(&sn, v->vhartid,
						       exit_changes(v));
	else if (changed)
		(void)sbi_nested_nacl_csr_changed(&sn, v->vhartid);
	else if (l0_nacl_views_due[v->vhartid]) {
		/* a SYNC_CSR call wrote CSRs others are views of */
		(void)sbi_nested_nacl_csrs_changed(
			&sn, v->vhartid, l0_nacl_views_due[v->vhartid]);
		l0_nacl_views_due[v->vhartid] = 0;
	}
}

void l0_nacl_sret_trapped(struct l0_vcpu *v)
{
	struct sbi_nested sn;

	/* tested before the copy: without NACL (every trapped SRET of
	 * `nested`) the copy of the whole struct cost 12 instructions;
	 * vh.feat's bit is guest->sbi.nacl != 0 */
	if (!(v->vh.feat & L0_VHYP_F_NACL))
		return;
	sn = v->guest->sbi;
	sn.ctx = v;
	/* A failure means L1's shared memory stopped being L1 RAM, which L0
	 * never does to a running L1 (as in l0_nacl_trap_done). */
	(void)sbi_nested_nacl_sret_trapped(&sn, v->vhartid);
}

/*
 * The virtual CSRs that are plain registers of struct l0_vhyp (vhyp.h:
 * "L1's virtual h* CSRs (WARL already applied)"), read in place: NACL
 * writes the whole CSR space back after every exit of L2, and a lookup in
 * vhyp.c's CSR table for each of them costs more than the traps NACL
 * saves. The others (hip, hgeip, hgatp, vsie, vsip, and vstimecmp, which
 * exists only with Sstc) are views computed by vhyp.c: asked through
 * l0_vhyp_csr_read.
 */
static const unsigned long *plain_vcsr(const struct l0_vhyp *vh, unsigned csr)
{
	switch (csr) {
	case CSR_HSTATUS:
		return &vh->hstatus;
	case CSR_HEDELEG:
		return &vh->hedeleg;
	case CSR_HIDELEG:
		return &vh->hideleg;
	case CSR_HIE:
		return &vh->hie;
	case CSR_HVIP:
		return &vh->hvip;
	case CSR_HGEIE:
		return &vh->hgeie;
	case CSR_HCOUNTEREN:
		return &vh->hcounteren;
	case CSR_HTVAL:
		return &vh->htval;
	case CSR_HTINST:
		return &vh->htinst;
	case CSR_HTIMEDELTA:
		return &vh->htimedelta;
	case CSR_HENVCFG:
		return &vh->henvcfg;
	case CSR_VSSTATUS:
		return &vh->vsstatus;
	case CSR_VSTVEC:
		return &vh->vstvec;
	case CSR_VSSCRATCH:
		return &vh->vsscratch;
	case CSR_VSEPC:
		return &vh->vsepc;
	case CSR_VSCAUSE:
		return &vh->vscause;
	case CSR_VSTVAL:
		return &vh->vstval;
	case CSR_VSATP:
		return &vh->vsatp;
	default:
		return NULL;
	}
}

const unsigned long *l0_nacl_hcsr_addr(void *ctx, unsigned long hartid,
				       unsigned csr)
{
	(void)hartid;
	return plain_vcsr(&((struct l0_vcpu *)ctx)->vh, csr);
}

enum sbi_nested_status l0_nacl_hcsr_read(void *ctx, unsigned long hartid,
					 unsigned csr, unsigned long *val)
{
	struct l0_vcpu *v = ctx;
	const unsigned long *reg = plain_vcsr(&v->vh, csr);

	(void)hartid; /* always the caller, whose vCPU ctx is */
	if (reg) {
		*val = *reg;
		return SBI_NESTED_OK;
	}
	/* the views written back after exits, without the CSR table */
	if (csr == CSR_HIP || csr == CSR_VSIP) {
		*val = csr == CSR_HIP ? l0_vhyp_hip(v) : l0_vhyp_vsip(v);
		return SBI_NESTED_OK;
	}
	return l0_vhyp_csr_read(v, csr, val) == L0_VHYP_OK ? SBI_NESTED_OK
							   : SBI_NESTED_NO_CSR;
}

enum sbi_nested_status l0_nacl_hcsr_write(void *ctx, unsigned long hartid,
					  unsigned csr, unsigned long val)
{
	unsigned long old;

	(void)hartid;
	if (csr == CSR_HSTATUS) {
		/* the autoswap's, at entries and exits; no views */
		l0_vhyp_write_hstatus(ctx, val);
		return SBI_NESTED_OK;
	}
	switch (l0_vhyp_csr_write(ctx, csr, val, NULL)) {
	case L0_VHYP_OK:
		l0_nacl_views_due[((struct l0_vcpu *)ctx)->vhartid] |=
			views_of(csr);
		return SBI_NESTED_OK;
	case L0_VHYP_ILLEGAL:
		/* A read-only CSR (hgeip): NACL's "emulate write" of it
		 * changes nothing; one L1 does not have is no CSR at all. */
		return l0_vhyp_csr_read(ctx, csr, &old) == L0_VHYP_OK
			       ? SBI_NESTED_OK
			       : SBI_NESTED_NO_CSR;
	default:
		return SBI_NESTED_NO_CSR;
	}
}

/* The VMID in L1's virtual hgatp: HFENCE.VVMA acts on it ("Hypervisor
 * Memory-Management Fence Instructions"). */
static unsigned long l1_vmid(struct l0_vcpu *v)
{
	unsigned long hgatp = 0;

	(void)l0_vhyp_csr_read(v, CSR_HGATP, &hgatp);
	return (hgatp & HGATP_VMID) >> HGATP_VMID_SHIFT;
}

enum sbi_nested_status l0_nacl_hfence(void *ctx, unsigned long hartid,
				      const struct sbi_nested_hfence *f)
{
	struct l0_vcpu *v = ctx;
	bool ranged = !(f->type & 1); /* the *_ALL types are the odd ones */
	bool by_vmid = f->type == SBI_NESTED_HFENCE_GVMA_VMID ||
		       f->type == SBI_NESTED_HFENCE_GVMA_VMID_ALL;
	unsigned long pages = f->size / PAGE_SIZE + (f->size % PAGE_SIZE != 0);
	bool gvma = f->type <= SBI_NESTED_HFENCE_GVMA_VMID_ALL;

	(void)hartid;
	if (ranged && pages > L0_NACL_MAX_PAGES)
		ranged = false;
	v->stats.ev[L0_EV_L1_HFENCE]++;
	if (gvma) {
		if (!ranged) {
			l0_vhyp_hfence_gvma(v, false, 0, by_vmid, f->vmid);
			return SBI_NESTED_OK;
		}
		/* rs1 holds the guest physical address >> 2 */
		for (unsigned long p = 0; p < pages; p++)
			l0_vhyp_hfence_gvma(v, true,
					    (f->start + p * PAGE_SIZE) >> 2,
					    by_vmid, f->vmid);
		return SBI_NESTED_OK;
	}
	/* VVMA for a VMID that is not L1's current one: L0 keeps no VS-stage
	 * translations of a guest that is not loaded beyond what a full
	 * G-stage flush removes, so that is what it does. */
	if (f->vmid != l1_vmid(v)) {
		l0_vhyp_hfence_gvma(v, false, 0, false, 0);
		return SBI_NESTED_OK;
	}
	if (!ranged) {
		l0_vhyp_hfence_vvma(v, false, 0,
				    f->type == SBI_NESTED_HFENCE_VVMA_ASID_ALL,
				    f->asid);
		return SBI_NESTED_OK;
	}
	for (unsigned long p = 0; p < pages; p++)
		l0_vhyp_hfence_vvma(v, true, f->start + p * PAGE_SIZE,
				    f->type == SBI_NESTED_HFENCE_VVMA_ASID,
				    f->asid);
	return SBI_NESTED_OK;
}

enum sbi_nested_status l0_nacl_sret(void *ctx, unsigned long hartid,
				    const unsigned long gpr[32])
{
	struct l0_vcpu *v = ctx;

	(void)hartid;
	/* SYNC_SRET serves L1's entry into L2 (virtual hstatus.SPV = 1); an
	 * SRET inside L1 needs no call into L0 at all. */
	if (!(v->vh.hstatus & HSTATUS_SPV))
		return SBI_NESTED_BAD_STATE;
		/* "Restore GPR X<i> registers from the nested SRET context",
		 * then "Emulate the SRET instruction": L2 starts with them,
		 * exactly as after L1's own loads and SRET. */
#pragma GCC unroll 31
	for (unsigned i = 1; i < 32; i++)
		v->gpr[i] = gpr[i];
	/* An interrupt of L1 pending leaves L2 at once (virtualization ON ->
	 * OFF within this call): the autoswap back and the write-back are
	 * done once, at the end of the trap (l0_trap, vh.left_l2). */
	(void)l0_vhyp_sret(v);
	return SBI_NESTED_OK;
}
