/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DBTR for L1 (SBI spec "Debug Triggers Extension"): L1's triggers are
 * OpenSBI's on the vCPU's own host hart (vCPU i runs alone on hart i),
 * installed through OpenSBI's DBTR with a shared memory of L0's own per
 * vCPU. Every service runs on that hart (ctx is the calling vCPU).
 *
 * OpenSBI 1.5.1's update_triggers does not take the SBI 3.0 form (it
 * answers success and changes nothing: payload line impl.dbtr_update),
 * so a new configuration is an uninstall and an install below; enable
 * and disable of an installed trigger are OpenSBI's own enable and
 * disable (they restore/clear the vs, vu, s and u bits it saved at
 * install, which are the ones L0 installed).
 */
#include "sbi_dbtr.h"

#include <rvnest/dbtr.h>
#include <rvnest/sbi.h>

/* One of L1's triggers as L0 programmed it below. */
struct dbtr_slot {
	bool used;
	unsigned long below;  /* OpenSBI's trig_idx */
	unsigned long cfg[3]; /* the host configuration installed */
	bool enabled;	      /* privilege bits set below */
};

struct dbtr_vcpu {
	bool shmem_set; /* OpenSBI has this hart's shared memory */
	struct dbtr_slot slot[SBI_NESTED_DBTR_MAX];
};

static struct sbi_nested_dbtr_hart dbtr_harts[L0_MAX_VCPUS];
static struct dbtr_vcpu dbtr_vcpus[L0_MAX_VCPUS];
/* the shared memory L0 gives OpenSBI on each hart: trig_max entries of
 * four words (L0 runs with satp = 0: its addresses are physical) */
static unsigned long dbtr_shm[L0_MAX_VCPUS][SBI_NESTED_DBTR_MAX]
			     [SBI_DBTR_ENTRY_WORDS]
	__attribute__((aligned(SBI_DBTR_SHMEM_ALIGN)));
unsigned long l0_dbtr_live[L0_MAX_VCPUS];

#define MC6(bits) \
	(((unsigned long)SDTRIG_TYPE_MCONTROL6 << SDTRIG_TYPE_SHIFT) | (bits))
/* the privilege bits of a host (mcontrol6) configuration */
#define HOST_PRIV (SDTRIG_MC6_VS | SDTRIG_MC6_VU | SDTRIG_S | SDTRIG_U)

static struct sbiret dbtr_call(unsigned long fid, unsigned long a0,
			       unsigned long a1, unsigned long a2)
{
	return sbi_ecall(SBI_EXT_DBTR, fid, a0, a1, a2, 0, 0, 0);
}

void l0_dbtr_setup(struct l0_guest *g)
{
	struct sbiret r;
	unsigned long n = 0;

	r = sbi_call1(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_DBTR);
	/* an L0 that is itself an L1 cannot offer its L1 triggers: its
	 * L1 runs as the L2 of the L0 below, which disables them there */
	if (r.error == SBI_SUCCESS && r.value != 0 && g->depth <= 1) {
		/* the triggers that take mcontrol6 are the ones L1 gets:
		 * only mcontrol6 has the vs/vu bits L1's s/u become */
		r = dbtr_call(SBI_DBTR_NUM_TRIGGERS, MC6(0), 0, 0);
		if (r.error == SBI_SUCCESS)
			n = (unsigned long)r.value;
	}
	g->sbi_cfg.dbtr_triggers =
		n < SBI_NESTED_DBTR_MAX ? n : SBI_NESTED_DBTR_MAX;
	g->sbi_cfg.dbtr = dbtr_harts;
}

enum sbi_nested_status l0_dbtr_to_host(const unsigned long l1[3],
				       unsigned long host[3])
{
	unsigned long t1 = l1[0], out, size;

	/* what both types share and mean the same (Sdtrig "mcontrol6"):
	 * the access kinds, match, chain, action */
	out = MC6(t1 & (SDTRIG_LOAD | SDTRIG_STORE | SDTRIG_EXECUTE |
			SDTRIG_MATCH | SDTRIG_CHAIN | SDTRIG_ACTION));
	/* L1 runs in VS/VU-mode: its S and U are the hardware's VS and VU
	 * (mcontrol's s/u match only with V = 0, "mcontrol") */
	if (t1 & SDTRIG_S)
		out |= SDTRIG_MC6_VS;
	if (t1 & SDTRIG_U)
		out |= SDTRIG_MC6_VU;
	/* only the breakpoint exception reaches L1; entering debug mode
	 * or trace actions are not L1's to ask */
	if ((t1 & SDTRIG_ACTION) >> SDTRIG_ACTION_SHIFT !=
	    SDTRIG_ACTION_BREAKPOINT)
		return SBI_NESTED_UNSUPPORTED;
	/* textra (tdata3): OpenSBI 1.5.1 never writes it below */
	if (l1[2] != 0)
		return SBI_NESTED_UNSUPPORTED;
	switch (SDTRIG_TYPE(t1)) {
	case SDTRIG_TYPE_MCONTROL:
		/* timing = 1 (after the access) has no mcontrol6 form */
		if (t1 & SDTRIG_MC_TIMING)
			return SBI_NESTED_UNSUPPORTED;
		if (t1 & SDTRIG_MC_SELECT)
			out |= SDTRIG_MC6_SELECT;
		/* size = sizehi:sizelo, the encoding of mcontrol6's size */
		size = ((t1 & SDTRIG_MC_SIZELO) >> SDTRIG_MC_SIZELO_SHIFT) |
		       (((t1 & SDTRIG_MC_SIZEHI) >> SDTRIG_MC_SIZEHI_SHIFT)
			<< 2);
		if (size > (SDTRIG_MC6_SIZE >> SDTRIG_MC6_SIZE_SHIFT))
			return SBI_NESTED_UNSUPPORTED;
		out |= size << SDTRIG_MC6_SIZE_SHIFT;
		break;
	case SDTRIG_TYPE_MCONTROL6:
		/* vs/vu of L1's own configuration name its guests' modes,
		 * where L0 keeps L1's triggers off (README) */
		if (t1 & (SDTRIG_MC6_VS | SDTRIG_MC6_VU))
			return SBI_NESTED_UNSUPPORTED;
		out |= t1 & (SDTRIG_MC6_SELECT | SDTRIG_MC6_SIZE |
			     SDTRIG_MC6_UNCERTAINEN);
		break;
	default:
		/* sbi-nested passes only types 2 and 6 */
		return SBI_NESTED_UNSUPPORTED;
	}
	host[0] = out;
	host[1] = l1[1];
	host[2] = 0;
	return SBI_NESTED_OK;
}

static struct dbtr_vcpu *vcpu_of(void *ctx)
{
	struct l0_vcpu *v = ctx;

	return &dbtr_vcpus[v->vhartid];
}

/* OpenSBI's shared memory for this hart, set once. */
static bool shmem_ready(struct l0_vcpu *v)
{
	struct dbtr_vcpu *d = &dbtr_vcpus[v->vhartid];
	struct sbiret r;

	if (d->shmem_set)
		return true;
	r = dbtr_call(SBI_DBTR_SET_SHMEM, (unsigned long)dbtr_shm[v->vhartid],
		      0, 0);
	d->shmem_set = r.error == SBI_SUCCESS;
	return d->shmem_set;
}

unsigned long l0_dbtr_count(void *ctx, unsigned long hartid,
			    unsigned long tdata1)
{
	struct sbiret r;

	(void)ctx;
	(void)hartid;
	/* L1's mcontrol and mcontrol6 both become mcontrol6 below */
	if (SDTRIG_TYPE(tdata1) != SDTRIG_TYPE_MCONTROL &&
	    SDTRIG_TYPE(tdata1) != SDTRIG_TYPE_MCONTROL6)
		return 0;
	r = dbtr_call(SBI_DBTR_NUM_TRIGGERS, MC6(0), 0, 0);
	return r.error == SBI_SUCCESS ? (unsigned long)r.value : 0;
}

static void set_live(struct l0_vcpu *v, const struct dbtr_slot *s)
{
	unsigned long bit = 1UL << s->below;

	if (s->used && s->enabled)
		l0_dbtr_live[v->vhartid] |= bit;
	else
		l0_dbtr_live[v->vhartid] &= ~bit;
	/* the world switch's test (sbi_dbtr.h) */
	if (l0_dbtr_live[v->vhartid])
		v->vh.feat |= L0_VHYP_F_DBTR;
	else
		v->vh.feat &= ~(unsigned long)L0_VHYP_F_DBTR;
}

/* Install the host configuration cfg below as one trigger. */
static enum sbi_nested_status install_below(struct l0_vcpu *v,
					    struct dbtr_slot *s,
					    const unsigned long cfg[3])
{
	unsigned long *e = dbtr_shm[v->vhartid][0];
	unsigned long *next = dbtr_shm[v->vhartid][1];
	unsigned long idx;
	struct sbiret r;

	if (!shmem_ready(v))
		return SBI_NESTED_IO_ERROR;
	e[SBI_DBTR_WORD_IDX] = ~0UL;
	e[SBI_DBTR_WORD_TDATA1] = cfg[0];
	e[SBI_DBTR_WORD_TDATA2] = cfg[1];
	e[SBI_DBTR_WORD_TDATA3] = cfg[2];
	next[SBI_DBTR_WORD_IDX] = ~0UL;
	r = dbtr_call(SBI_DBTR_INSTALL_TRIGGERS, 1, 0, 0);
	if (r.error == SBI_ERR_NOT_SUPPORTED)
		return SBI_NESTED_UNSUPPORTED;
	if (r.error != SBI_SUCCESS)
		return SBI_NESTED_BAD_STATE; /* no trigger free below */
	/* trig_idx is word 0 of the entry ("Install triggers"); OpenSBI
	 * 1.5.1 writes it in word 0 of the next entry instead (measured:
	 * payload line impl.dbtr_idx_where), which L0's buffer has */
	idx = e[SBI_DBTR_WORD_IDX] != ~0UL ? e[SBI_DBTR_WORD_IDX]
					   : next[SBI_DBTR_WORD_IDX];
	if (idx >= sizeof(unsigned long) * 8) {
		/* no index came back: the trigger cannot be named again */
		return SBI_NESTED_IO_ERROR;
	}
	s->used = true;
	s->below = idx;
	s->cfg[0] = cfg[0];
	s->cfg[1] = cfg[1];
	s->cfg[2] = cfg[2];
	s->enabled = (cfg[0] & HOST_PRIV) != 0;
	set_live(v, s);
	return SBI_NESTED_OK;
}

static void uninstall_below(struct l0_vcpu *v, struct dbtr_slot *s)
{
	(void)dbtr_call(SBI_DBTR_UNINSTALL_TRIGGERS, s->below, 1, 0);
	s->used = false;
	set_live(v, s);
}

enum sbi_nested_status l0_dbtr_install(void *ctx, unsigned long hartid,
				       const unsigned long tdata[3],
				       unsigned long *hw)
{
	struct dbtr_vcpu *d = vcpu_of(ctx);
	unsigned long cfg[3];
	enum sbi_nested_status st;

	(void)hartid;
	st = l0_dbtr_to_host(tdata, cfg);
	if (st != SBI_NESTED_OK)
		return st;
	for (unsigned long i = 0; i < SBI_NESTED_DBTR_MAX; i++) {
		if (d->slot[i].used)
			continue;
		st = install_below(ctx, &d->slot[i], cfg);
		if (st == SBI_NESTED_OK)
			*hw = i;
		return st;
	}
	return SBI_NESTED_BAD_STATE;
}

static struct dbtr_slot *slot_of(void *ctx, unsigned long hw)
{
	struct dbtr_vcpu *d = vcpu_of(ctx);

	if (hw >= SBI_NESTED_DBTR_MAX || !d->slot[hw].used)
		return NULL;
	return &d->slot[hw];
}

enum sbi_nested_status l0_dbtr_update(void *ctx, unsigned long hartid,
				      unsigned long hw,
				      const unsigned long tdata[3])
{
	struct l0_vcpu *v = ctx;
	struct dbtr_slot *s = slot_of(ctx, hw);
	struct dbtr_slot old;
	unsigned long cfg[3];
	enum sbi_nested_status st;
	struct sbiret r;

	(void)hartid;
	if (!s)
		return SBI_NESTED_IO_ERROR;
	st = l0_dbtr_to_host(tdata, cfg);
	if (st != SBI_NESTED_OK)
		return st;
	/* the installed trigger with its privilege bits cleared or as
	 * installed: OpenSBI's disable / enable ("Disable a set of
	 * triggers", "Enable a set of triggers") */
	if (cfg[1] == s->cfg[1] && cfg[2] == s->cfg[2] &&
	    (cfg[0] & ~HOST_PRIV) == (s->cfg[0] & ~HOST_PRIV) &&
	    ((cfg[0] & HOST_PRIV) == 0 || cfg[0] == s->cfg[0])) {
		bool on = (cfg[0] & HOST_PRIV) != 0;

		r = dbtr_call(on ? SBI_DBTR_ENABLE_TRIGGERS
				 : SBI_DBTR_DISABLE_TRIGGERS,
			      s->below, 1, 0);
		if (r.error != SBI_SUCCESS)
			return SBI_NESTED_IO_ERROR;
		s->enabled = on;
		set_live(v, s);
		return SBI_NESTED_OK;
	}
	/* a new configuration: OpenSBI 1.5.1's update would take only
	 * tdata2, so uninstall and install; if the new one is refused,
	 * the old one goes back (it was accepted before) */
	old = *s;
	uninstall_below(v, s);
	st = install_below(v, s, cfg);
	if (st == SBI_NESTED_OK)
		return SBI_NESTED_OK;
	if (install_below(v, s, old.cfg) == SBI_NESTED_OK && !old.enabled) {
		r = dbtr_call(SBI_DBTR_DISABLE_TRIGGERS, s->below, 1, 0);
		s->enabled = r.error != SBI_SUCCESS;
		set_live(v, s);
	}
	return st;
}

enum sbi_nested_status l0_dbtr_uninstall(void *ctx, unsigned long hartid,
					 unsigned long hw)
{
	struct dbtr_slot *s = slot_of(ctx, hw);

	(void)hartid;
	if (!s)
		return SBI_NESTED_IO_ERROR;
	uninstall_below(ctx, s);
	return SBI_NESTED_OK;
}

void l0_dbtr_switch(struct l0_vcpu *v, bool to_l2)
{
	/* L2 runs in VS/VU-mode too: L1's triggers (vs/vu below) are
	 * disabled while it runs and enabled again when L1 runs */
	unsigned long live = l0_dbtr_live[v->vhartid];

	(void)dbtr_call(to_l2 ? SBI_DBTR_DISABLE_TRIGGERS
			      : SBI_DBTR_ENABLE_TRIGGERS,
			0, live, 0);
}

void l0_dbtr_hart_reset(struct l0_vcpu *v)
{
	struct sbi_nested sn = v->guest->sbi;

	sn.ctx = v; /* the services act on the calling vCPU */
	sbi_nested_dbtr_hart_reset(&sn, v->vhartid);
}
