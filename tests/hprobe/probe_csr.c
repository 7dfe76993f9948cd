/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Group "csr": read-back of every h* and vs* CSR after CSRRW/CSRRS/CSRRC
 * and their immediate forms with all-ones, zero and alternating patterns,
 * from HS-mode. Each line gives the value the instruction returned (old)
 * and the CSR's value read afterwards (val): together they expose every
 * writable bit, every read-only-zero bit and every WARL legalisation.
 * Then the WARL fields with several legal values: hgatp.MODE and VMID,
 * vsatp.MODE and ASID, hstatus.VSXL.
 *
 * Only architecturally defined bits are printed (the mask in
 * csr_list.h). Where a write leaves the value implementation-defined (a
 * reserved MODE in hgatp/vsatp/vstvec, ID/PPN under Bare), the line prints
 * "undef" and, where the spec requires one, whether the result is a legal
 * value; the next step's "old" is then undefined too.
 */
#include <stdio.h>

#include <rvnest/console.h>
#include <rvnest/csr.h>

#include "hprobe.h"

#define PAT5 0x5555555555555555UL
#define PATA 0xaaaaaaaaaaaaaaaaUL

/* One step of the read-modify-write sequence each CSR goes through; the
 * steps build on each other (each starts from the previous step's value). */
struct hp_csr_step {
	const char *label;
	enum hp_csr_op op;
	unsigned long operand; /* rs1's value; ignored by the immediate forms */
};

static const struct hp_csr_step hp_csr_steps[] = {
	{"rw_ones", HP_OP_RW, ~0UL}, {"rw_zero", HP_OP_RW, 0},
	{"rw_pat5", HP_OP_RW, PAT5}, {"rw_pata", HP_OP_RW, PATA},
	{"rs_pat5", HP_OP_RS, PAT5}, {"rc_pata", HP_OP_RC, PATA},
	{"rc_ones", HP_OP_RC, ~0UL}, {"rs_zero", HP_OP_RS, 0},
	{"rwi", HP_OP_RWI, 0},	     {"rsi", HP_OP_RSI, 0},
	{"rci", HP_OP_RCI, 0},	     {"rs_ones", HP_OP_RS, ~0UL},
	{"rsi0", HP_OP_RSI0, 0},
};

/* Legal values for the WLRL vscause: causes scause can hold. */
static const unsigned long hp_vscause_legal[] = {
	EXC_BREAKPOINT,
	EXC_STORE_PAGE_FAULT,
	EXC_ECALL_U,
	CAUSE_INTERRUPT | IRQ_S_TIMER,
	CAUSE_INTERRUPT | IRQ_S_EXT,
	0,
};

/* Does the instruction write the CSR, and with what? Spec "CSR
 * Instructions": CSRRW/CSRRWI always write; CSRRS/CSRRC write whenever rs1
 * is not x0, even if it holds 0; CSRRSI/CSRRCI whenever zimm is not 0. */
static bool hp_step_writes(const struct hp_csr_step *st, unsigned long old,
			   unsigned long *written)
{
	switch (st->op) {
	case HP_OP_RW:
		*written = st->operand;
		return true;
	case HP_OP_RS:
		*written = old | st->operand;
		return true;
	case HP_OP_RC:
		*written = old & ~st->operand;
		return true;
	case HP_OP_RWI:
		*written = HP_CSR_IMM;
		return true;
	case HP_OP_RSI:
		*written = old | HP_CSR_IMM;
		return true;
	case HP_OP_RCI:
		*written = old & ~(unsigned long)HP_CSR_IMM;
		return true;
	case HP_OP_RSI0:
	case HP_OP_READ:
	case HP_OP_COUNT:
		break;
	}
	*written = old;
	return false;
}

static unsigned long hp_atp_mode(unsigned long v)
{
	return (v & ATP_MODE) >> ATP_MODE_SHIFT;
}

/* The translation modes the spec defines for hgatp (x4) and vsatp. */
static bool hp_atp_mode_defined(unsigned long mode)
{
	return mode == ATP_MODE_BARE || mode == ATP_MODE_SV39 ||
	       mode == ATP_MODE_SV48 || mode == ATP_MODE_SV57;
}

/* stvec MODE: 0 direct, 1 vectored, >= 2 reserved (spec "Supervisor Trap
 * Vector Base Address Register"). */
#define HP_TVEC_MODE 3UL
#define HP_TVEC_MODE_VECTORED 1UL

/* Is the CSR's value after writing `written` fixed by the spec? */
static bool hp_write_defined(const struct hp_csr *c, unsigned long written)
{
	if (c->flags & HP_CSR_F_ATP) {
		unsigned long m = hp_atp_mode(written);

		/* Bare with nonzero ID/PPN: software "must" write zeros. */
		if (m == ATP_MODE_BARE)
			return !(written & ~ATP_MODE);
		return hp_atp_mode_defined(m);
	}
	if (c->flags & HP_CSR_F_TVEC)
		return (written & HP_TVEC_MODE) <= HP_TVEC_MODE_VECTORED;
	if (c->flags & HP_CSR_F_WLRL) {
		for (unsigned i = 0;
		     i < sizeof(hp_vscause_legal) / sizeof(hp_vscause_legal[0]);
		     i++)
			if (written == hp_vscause_legal[i])
				return true;
		return false;
	}
	return true;
}

/* Whether an implementation-defined result is at least a legal value. */
static bool hp_value_legal(const struct hp_csr *c, unsigned long v)
{
	if (c->flags & HP_CSR_F_ATP)
		return hp_atp_mode_defined(hp_atp_mode(v));
	if (c->flags & HP_CSR_F_TVEC)
		return (v & HP_TVEC_MODE) <= HP_TVEC_MODE_VECTORED;
	return true;
}

/* PPN[1:0] of hgatp: the 16 KiB alignment of an x4 root. */
#define HP_HGATP_PPN_LOW2 3UL

/* The architecturally defined view of a value read from the CSR. */
static unsigned long hp_csr_view(const struct hp_csr *c, unsigned long v)
{
	v &= c->mask;
	if ((c->flags & HP_CSR_F_ATP) && c->num == CSR_HGATP &&
	    hp_atp_mode(v) != ATP_MODE_BARE) {
		/* x4 modes: PPN[1:0] always read as zeros (spec "Hypervisor
		 * Guest Address Translation and Protection Register"); QEMU
		 * keeps them, see README.md. */
		v &= ~HP_HGATP_PPN_LOW2;
	}
	return v;
}

static void hp_print_val(const char *key, const struct hp_csr *c,
			 unsigned long v, bool defined)
{
	if (defined)
		printf(" %s=0x%lx", key, hp_csr_view(c, v));
	else
		printf(" %s=undef legal=%u", key, hp_value_legal(c, v) ? 1 : 0);
}

/* variant: "" for the default state, else a name for `env` that is added
 * to the CSR's name in the ids. */
static void hp_csr_sequence(const struct hp_csr *c, const struct hp_env *env,
			    const char *variant)
{
	bool ro = c->flags & HP_CSR_F_RO;
	bool defined = true;
	char id[64];

	hp_env_apply(env);
	for (unsigned s = 0; s < sizeof(hp_csr_steps) / sizeof(hp_csr_steps[0]);
	     s++) {
		const struct hp_csr_step *st = &hp_csr_steps[s];
		struct hp_obs op, rd;
		unsigned long written;
		bool writes, wdef;
		struct hp_expect e;

		snprintf(id, sizeof(id), "csr.%s%s.%s", c->name, variant,
			 st->label);
		/* env NULL: HS-mode with no CSR touched between the steps. */
		hp_run(NULL, c->op[st->op], st->operand, &op);
		hp_run(NULL, c->op[HP_OP_READ], 0, &rd);
		writes = hp_step_writes(st, op.value, &written);
		e = ro && writes ? HP_HS(EXC_ILLEGAL_INST) : HP_RET;
		wdef = !writes || op.out != HP_OUT_RETURNED ||
		       hp_write_defined(c, written);

		printf("RVNEST probe id=%s", id);
		if (op.out == HP_OUT_RETURNED)
			hp_print_val("old", c, op.value, defined);
		else
			hp_print_obs(&op, HP_PRINT_VALUE);
		if (rd.out == HP_OUT_RETURNED)
			hp_print_val("val", c, rd.value, defined && wdef);
		else
			printf(" read=trap");
		printf("\n");
		hp_check(id, &op, e);
		hp_check(id, &rd, HP_RET);
		/* A write whose result the spec leaves open makes the value
		 * unknown until the next defined write. */
		if (writes && op.out == HP_OUT_RETURNED)
			defined = wdef;
	}
	hp_env_apply(&hp_env_default);
}

/* Write v with CSRRW and print what reads back (HS-mode, nothing else
 * touched). */
static unsigned long hp_csr_line(const char *id, unsigned num, unsigned long v)
{
	const struct hp_csr *c = hp_csr_find(num);
	struct hp_obs w, r;

	if (!c)
		panic("hprobe: CSR 0x%x missing from csr_list.h", num);
	hp_run(NULL, c->op[HP_OP_RW], v, &w);
	hp_run(NULL, c->op[HP_OP_READ], 0, &r);
	printf("RVNEST probe id=%s wrote=0x%lx", id, v);
	hp_print_val("val", c, r.value, hp_write_defined(c, v));
	printf("\n");
	hp_check(id, &w, HP_RET);
	hp_check(id, &r, HP_RET);
	return r.value;
}

/* Set up a CSR value without a probe line; a trap is still an error. */
static void hp_csr_put(unsigned num, unsigned long v)
{
	const struct hp_csr *c = hp_csr_find(num);
	struct hp_obs w;

	if (!c)
		panic("hprobe: CSR 0x%x missing from csr_list.h", num);
	hp_run(NULL, c->op[HP_OP_RW], v, &w);
	hp_check("csr_setup", &w, HP_RET);
}

/* The WLRL vscause gets legal values only. */
static void hp_csr_wlrl(const struct hp_csr *c)
{
	char id[64];

	hp_env_apply(&hp_env_default);
	for (unsigned i = 0;
	     i < sizeof(hp_vscause_legal) / sizeof(hp_vscause_legal[0]); i++) {
		snprintf(id, sizeof(id), "csr.%s.legal%u", c->name, i);
		hp_csr_line(id, c->num, hp_vscause_legal[i]);
	}
	hp_env_apply(&hp_env_default);
}

static unsigned popcount(unsigned long v)
{
	unsigned n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

/* Modes to try in hgatp/vsatp: the defined ones and reserved ones. For a
 * reserved MODE the spec makes hgatp's fields WARL ("not ignored as it is
 * for satp"), and lets a V=0 write to vsatp be either ignored or WARL: the
 * result is only required to be legal. */
static const unsigned hp_atp_modes[] = {
	ATP_MODE_BARE, 1,  7, ATP_MODE_SV39, ATP_MODE_SV48,
	ATP_MODE_SV57, 11, 15};

static void hp_atp_warl(const char *reg, unsigned num, unsigned long id_mask)
{
	unsigned long sv39 = (unsigned long)ATP_MODE_SV39 << ATP_MODE_SHIFT;
	char id[64];

	for (unsigned i = 0; i < sizeof(hp_atp_modes) / sizeof(hp_atp_modes[0]);
	     i++) {
		unsigned long m = (unsigned long)hp_atp_modes[i]
				  << ATP_MODE_SHIFT;
		/* Bare takes zero ID and PPN; the others the patterns. */
		unsigned long fields = m ? id_mask | (PAT5 & ATP_PPN) : 0;

		hp_csr_put(num, 0);
		snprintf(id, sizeof(id), "%s.mode%u.from_bare", reg,
			 hp_atp_modes[i]);
		hp_csr_line(id, num, m | fields);
		hp_csr_put(num, sv39 | (PATA & ATP_PPN));
		snprintf(id, sizeof(id), "%s.mode%u.from_sv39", reg,
			 hp_atp_modes[i]);
		hp_csr_line(id, num, m | (m ? PAT5 & ATP_PPN : 0));
	}
}

void hp_group_csr(void)
{
	char id[64];
	unsigned long v;

	for (unsigned i = 0; i < hp_ncsrs; i++) {
		if ((hp_csrs[i].flags & HP_CSR_F_SSTC) && !hp_has_sstc)
			continue;
		if ((hp_csrs[i].flags & HP_CSR_F_AIA) && !hp_has_aia)
			continue;
		if (hp_csrs[i].flags & HP_CSR_F_WLRL)
			hp_csr_wlrl(&hp_csrs[i]);
		else
			hp_csr_sequence(&hp_csrs[i], &hp_env_default, "");
	}

	/* vsie/vsip (and hip/hie, which they alias) with the VS interrupts
	 * delegated: the aliased bits become visible and writable (spec
	 * "Virtual Supervisor Interrupt Registers"). */
	static const unsigned hp_deleg_csrs[] = {CSR_VSIE, CSR_VSIP, CSR_HIE,
						 CSR_HIP};
	struct hp_env deleg = hp_env_default;

	deleg.hideleg = HVIP_VS_MASK;
	for (unsigned i = 0;
	     i < sizeof(hp_deleg_csrs) / sizeof(hp_deleg_csrs[0]); i++)
		hp_csr_sequence(hp_csr_find(hp_deleg_csrs[i]), &deleg,
				"_deleg");

	hp_env_apply(&hp_env_default);
	hp_atp_warl("hgatp", CSR_HGATP, HGATP_VMID);
	hp_atp_warl("vsatp", CSR_VSATP, SATP_ASID);

	/* VMIDLEN / ASIDLEN: the ID bits that hold a 1 (spec: the
	 * implemented bits are the low ones of the field). */
	v = hp_csr_line("hgatp.vmid_ones", CSR_HGATP,
			((unsigned long)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
				HGATP_VMID);
	printf("RVNEST probe id=hgatp.vmid_bits n=%u\n",
	       popcount(v & HGATP_VMID));
	v = hp_csr_line("vsatp.asid_ones", CSR_VSATP,
			((unsigned long)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
				SATP_ASID);
	printf("RVNEST probe id=vsatp.asid_bits n=%u\n",
	       popcount(v & SATP_ASID));
	hp_env_apply(&hp_env_default);

	/* hstatus.VSXL: WARL, encoded as misa.MXL; may be read-only 64-bit
	 * (spec "Hypervisor Status Register"). Each value written alone. */
	for (unsigned long x = 0; x <= HSTATUS_VSXL >> HSTATUS_VSXL_SHIFT;
	     x++) {
		snprintf(id, sizeof(id), "hstatus.vsxl%lu", x);
		hp_csr_line(id, CSR_HSTATUS, x << HSTATUS_VSXL_SHIFT);
	}
	hp_env_apply(&hp_env_default);
}
