/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The probe runner: puts the hart in the state a probe asks for, runs the
 * body in the requested mode, and turns whatever ends it (the body's return
 * or a trap, into HS or into VS) into one observation. The trap handler is
 * the only exit from a lower mode, and it always ends the probe, so a
 * broken probe costs one line, never the run.
 */
#include <stdio.h>
#include <string.h>

#include <rvnest/aia.h>
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/sbi.h>
#include <rvnest/trap_names.h>

#include "hprobe.h"

extern char hp_guest_stack[];

const struct hp_env hp_env_default = {
	.mode = HP_MODE_HS,
	/* Never let a stale Sstc comparison raise VSTIP. */
	.vstimecmp = ~0UL,
};

bool hp_has_sstc;
bool hp_has_svadu;
bool hp_has_svade;
bool hp_has_aia;
unsigned hp_errors;

static struct hp_jmp hp_jb;
static struct hp_obs *hp_cur;
static bool hp_armed;

static void hp_env_mode(const struct hp_env *env);

void hp_env_apply(const struct hp_env *env)
{
	csr_write(CSR_HVIP, env->hvip);
	csr_write(CSR_HIE, env->hie);
	csr_write(CSR_HIDELEG, env->hideleg);
	csr_write(CSR_HEDELEG, env->hedeleg);
	csr_write(CSR_HCOUNTEREN, env->hcounteren);
	csr_write(CSR_SCOUNTEREN, env->scounteren);
	csr_write(CSR_HENVCFG, env->henvcfg);
	csr_write(CSR_HTIMEDELTA, 0);
	if (hp_has_sstc)
		csr_write(CSR_VSTIMECMP, env->vstimecmp);
	/* UXL written explicitly: a write of 0 would leave whatever a CSR
	 * probe stored there (QEMU keeps any value, README.md), and VU-mode
	 * must run as RV64. vsie needs no write: it is a view of hie. */
	csr_write(CSR_VSSTATUS, env->vsstatus | HP_UXL_64);
	csr_write(CSR_VSTVEC, (unsigned long)hp_vs_vector);
	csr_write(CSR_VSSCRATCH, 0);
	csr_write(CSR_VSEPC, 0);
	csr_write(CSR_VSCAUSE, 0);
	csr_write(CSR_VSTVAL, 0);
	csr_write(CSR_HTVAL, 0);
	csr_write(CSR_HTINST, 0);
	csr_write(CSR_HGEIE, env->hgeie);
	if (hp_has_aia) {
		csr_write(CSR_HVICTL, env->hvictl);
		csr_write(CSR_HVIPRIO1, env->hviprio1);
		csr_write(CSR_HVIPRIO2, env->hviprio2);
		csr_write(CSR_HVIEN, 0);
		csr_write(CSR_VSISELECT, env->vsiselect);
	}
	csr_write(CSR_VSATP, hp_vsatp_value(env->vsatp));
	csr_write(CSR_HGATP, hp_hgatp_value(env->hgatp));
	/* New tables (or new roots): both translation stages must forget
	 * what they cached (spec "Hypervisor Memory-Management Fence
	 * Instructions"). */
	hfence_gvma_all();
	hfence_vvma_all();
	hp_env_mode(env);
}

/* hstatus and sstatus: the mode SRET enters and the bits the probe asks
 * for. Writing them flushes no address-translation cache. */
static void hp_env_mode(const struct hp_env *env)
{
	csr_write(CSR_HSTATUS,
		  HP_VSXL_64 | env->hstatus |
			  ((env->mode == HP_MODE_VS || env->mode == HP_MODE_VU)
				   ? HSTATUS_SPV
				   : 0));
	/* SRET sets the privilege from SPP and SIE from SPIE: SPIE=0 keeps
	 * HS interrupts off should the probe run in HS. */
	csr_clear(CSR_SSTATUS, SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE |
				       SSTATUS_MXR | SSTATUS_SUM);
	csr_set(CSR_SSTATUS, env->sstatus & (SSTATUS_MXR | SSTATUS_SUM));
	if (env->mode == HP_MODE_HS || env->mode == HP_MODE_VS)
		csr_set(CSR_SSTATUS, SSTATUS_SPP);
}

/* Enter the body in env's mode (CSRs already set) and wait for the
 * outcome. */
static enum hp_outcome hp_go(const struct hp_env *env, hp_body_fn body,
			     unsigned long arg, struct hp_obs *obs)
{
	unsigned long lower = env && env->mode != HP_MODE_HS;
	enum hp_outcome out;

	hp_cur = obs;
	hp_armed = true;
	out = (enum hp_outcome)hp_enter(
		&hp_jb, body, arg,
		(unsigned long)hp_guest_stack + HP_STACK_SIZE, lower);
	hp_armed = false;
	obs->out = out;
	return out;
}

enum hp_outcome hp_run(const struct hp_env *env, hp_body_fn body,
		       unsigned long arg, struct hp_obs *obs)
{
	*obs = (struct hp_obs){0};
	if (env)
		hp_env_apply(env);
	return hp_go(env, body, arg, obs);
}

enum hp_outcome hp_run_again(const struct hp_env *env, hp_body_fn body,
			     unsigned long arg, struct hp_obs *obs)
{
	*obs = (struct hp_obs){0};
	hp_env_mode(env);
	return hp_go(env, body, arg, obs);
}

void hp_hs_returned(unsigned long value)
{
	hp_cur->value = value;
	hp_armed = false;
	hp_longjmp(&hp_jb, HP_OUT_RETURNED);
}

static void __attribute__((noreturn)) hp_fatal_trap(struct hp_frame *f)
{
	printf("RVNEST error msg=trap_outside_probe cause=%s scause=0x%lx "
	       "sepc=0x%lx stval=0x%lx htval=0x%lx hstatus=0x%lx ra=0x%lx\n",
	       trap_cause_name(csr_read(CSR_SCAUSE)), csr_read(CSR_SCAUSE),
	       csr_read(CSR_SEPC), csr_read(CSR_STVAL), csr_read(CSR_HTVAL),
	       csr_read(CSR_HSTATUS), f->x[1]);
	printf("RVNEST done status=1\n");
	console_flush();
	sbi_shutdown(1);
}

void hp_trap(struct hp_frame *f)
{
	struct hp_obs *o = hp_cur;
	enum hp_outcome out = HP_OUT_TRAP_HS;
	unsigned long a7 = f->x[17];

	if (!hp_armed)
		hp_fatal_trap(f);
	hp_armed = false;
	o->scause = csr_read(CSR_SCAUSE);
	o->stval = csr_read(CSR_STVAL);
	o->htval = csr_read(CSR_HTVAL);
	o->htinst = csr_read(CSR_HTINST);
	o->hstatus = csr_read(CSR_HSTATUS);
	o->sstatus = csr_read(CSR_SSTATUS);
	o->sepc = csr_read(CSR_SEPC);
	if ((o->scause == EXC_ECALL_U || o->scause == EXC_ECALL_VS) &&
	    a7 == HP_ECALL_EXIT) {
		out = HP_OUT_RETURNED;
		o->value = f->x[10];
	} else if (o->scause == EXC_ECALL_VS && a7 == HP_ECALL_VSTRAP) {
		out = HP_OUT_TRAP_VS;
		o->vscause = csr_read(CSR_VSCAUSE);
		o->vstval = csr_read(CSR_VSTVAL);
		o->vsepc = csr_read(CSR_VSEPC);
		o->vsstatus = csr_read(CSR_VSSTATUS);
	}
	hp_longjmp(&hp_jb, out);
}

static unsigned bit(unsigned long v, unsigned long mask)
{
	return (v & mask) ? 1 : 0;
}

void hp_print_obs(const struct hp_obs *o, enum hp_print print)
{
	switch (o->out) {
	case HP_OUT_RETURNED:
		printf(" out=ret val=0x%lx", o->value);
		break;
	case HP_OUT_TRAP_HS:
		printf(" out=hs cause=%s stval=0x%lx",
		       trap_cause_name(o->scause), o->stval);
		if (print & HP_PRINT_HTVAL_ANY)
			printf(" htval=any");
		else
			printf(" htval=0x%lx", o->htval);
		if (print & HP_PRINT_HTINST_ANY)
			printf(" htinst=any");
		else
			printf(" htinst=0x%lx", o->htinst);
		printf(" gva=%u spv=%u spvp=%u spp=%u epc=0x%lx",
		       bit(o->hstatus, HSTATUS_GVA),
		       bit(o->hstatus, HSTATUS_SPV),
		       bit(o->hstatus, HSTATUS_SPVP),
		       bit(o->sstatus, SSTATUS_SPP), o->sepc);
		break;
	case HP_OUT_TRAP_VS:
		/* Trap entry into VS-mode (spec "Trap Entry"): vsstatus.SPP
		 * = the previous nominal privilege, SPIE = the old SIE, SIE
		 * = 0. */
		printf(" out=vs cause=%s vstval=0x%lx vsepc=0x%lx vsspp=%u "
		       "vsspie=%u vssie=%u",
		       trap_cause_name(o->vscause), o->vstval, o->vsepc,
		       bit(o->vsstatus, SSTATUS_SPP),
		       bit(o->vsstatus, SSTATUS_SPIE),
		       bit(o->vsstatus, SSTATUS_SIE));
		break;
	}
}

/*
 * Where QEMU 10 (the reference the suite is run against) traps with another
 * cause than the spec requires (README.md, "QEMU deviations"). For these
 * probes either cause is accepted and the line prints the spec's cause, and
 * htinst as "any" (it differs with the cause), so that an L0 that follows
 * the spec and one that follows QEMU print the same line.
 */
struct hp_deviation {
	const char *id;
	struct hp_expect qemu;
	/* htval differs too (it is 0 for an access fault, GPA >> 2 for the
	 * guest-page fault QEMU reports instead): print it as "any". */
	bool htval_any;
};

static const struct hp_deviation hp_deviations[] = {
	/* VU-mode SRET or satp access: spec virtual instruction ("in VU-mode,
	 * attempts to execute ... SRET" / "to access an implemented
	 * supervisor CSR"), QEMU illegal instruction. */
	{"vinst.sret_vtsr.vu", HP_HS(EXC_ILLEGAL_INST)},
	{"vinst.satp_read_vtvm.vu", HP_HS(EXC_ILLEGAL_INST)},
	{"vinst.satp_write_vtvm.vu", HP_HS(EXC_ILLEGAL_INST)},
	{"vinst.satp_read.vu", HP_HS(EXC_ILLEGAL_INST)},
	{"vinst.satp_write.vu", HP_HS(EXC_ILLEGAL_INST)},
	/* HLVX faults: spec load (guest-)page fault (HLVX is a load; only
	 * the permission checked changes), QEMU instruction page fault. */
	{"hlv.sv39.s.xwu.vro", HP_HS(EXC_INST_PAGE_FAULT)},
	{"hlv.sv39.s.xwu.alias_gro", HP_HS(EXC_INST_PAGE_FAULT)},
	{"hlv.sv39.s.xwu.ghole", HP_HS(EXC_INST_PAGE_FAULT)},
	/* HS-level priority: spec VSEI > VSSI > VSTI ("Hypervisor Interrupt
	 * Registers"), QEMU takes VSSI first. */
	{"irq.nodeleg.all.vs", HP_HS(CAUSE_INTERRUPT | IRQ_VS_SOFT)},
	/* VS-level priority: spec SEI > SSI > STI (as for S-mode, after the
	 * VS->S translation), QEMU takes SSI and STI before SEI. */
	{"irq.prio.all.vs", HP_VS(CAUSE_INTERRUPT | IRQ_S_SOFT)},
	{"irq.prio.stip_seip.vs", HP_VS(CAUSE_INTERRUPT | IRQ_S_TIMER)},
	/* A G-stage root where no memory is: the implicit access "violates
	 * a PMA" and must raise an access fault of the original access type
	 * (spec "Virtual Address Translation Process", step 2); QEMU reports
	 * a guest-page fault with htval set. */
	{"gpf.root.groot_far.vs", HP_HS(EXC_INST_GUEST_PAGE_FAULT), true},
	{"gpf.root.groot_far.vu", HP_HS(EXC_INST_GUEST_PAGE_FAULT), true},
	{"hlv.groot_far.s.d.data", HP_HS(EXC_LOAD_GUEST_PAGE_FAULT), true},
	{"hsv.groot_far.s.d.data", HP_HS(EXC_STORE_GUEST_PAGE_FAULT), true},
	{"irq.nodeleg.all.vu", HP_HS(CAUSE_INTERRUPT | IRQ_VS_SOFT)},
	/* With Ssaia (QEMU virt aia=aplic-imsic), VS-level SSI before STI
	 * (the default order, AIA "Major interrupts and their default
	 * priorities"); QEMU takes STI first. */
	{"irq.prio.ssip_stip.vs", HP_VS(CAUSE_INTERRUPT | IRQ_S_TIMER)},
	/* VU-mode sireg, stopei, stopi: spec virtual instruction (AIA
	 * "Hypervisor and VS CSRs": sireg from VU; stopei is HS-qualified;
	 * stopi a supervisor CSR HS-mode may access), QEMU illegal instruction.
	 */
	{"aia.vgein0.sireg_eidelivery.vu", HP_HS(EXC_ILLEGAL_INST)},
	{"aia.vgein0.stopei.vu", HP_HS(EXC_ILLEGAL_INST)},
	{"aia.vgein0.stopi.vu", HP_HS(EXC_ILLEGAL_INST)},
	{"aia.gfile.sireg_eidelivery.vu", HP_HS(EXC_ILLEGAL_INST)},
	{"aia.gfile.stopei.vu", HP_HS(EXC_ILLEGAL_INST)},
	{"aia.gfile.stopi.vu", HP_HS(EXC_ILLEGAL_INST)},
};

static const struct hp_deviation *hp_deviation_find(const char *id)
{
	for (unsigned i = 0;
	     i < sizeof(hp_deviations) / sizeof(hp_deviations[0]); i++)
		if (!strcmp(hp_deviations[i].id, id))
			return &hp_deviations[i];
	return NULL;
}

static bool hp_matches(const struct hp_obs *o, struct hp_expect e)
{
	unsigned long cause = o->out == HP_OUT_TRAP_VS ? o->vscause : o->scause;

	return o->out == e.out &&
	       (e.out == HP_OUT_RETURNED || cause == e.cause);
}

static const char *const outcome_names[] = {
	[HP_OUT_RETURNED] = "ret",
	[HP_OUT_TRAP_HS] = "hs",
	[HP_OUT_TRAP_VS] = "vs",
};

void hp_check(const char *id, const struct hp_obs *o, struct hp_expect e)
{
	unsigned long cause = o->out == HP_OUT_TRAP_VS ? o->vscause : o->scause;

	if (hp_matches(o, e))
		return;
	hp_errors++;
	printf("RVNEST error msg=unexpected_outcome id=%s expected=%s:%s "
	       "got=%s:%s scause=0x%lx sepc=0x%lx stval=0x%lx htval=0x%lx "
	       "hstatus=0x%lx vscause=0x%lx\n",
	       id, outcome_names[e.out],
	       e.out == HP_OUT_RETURNED ? "-" : trap_cause_name(e.cause),
	       outcome_names[o->out],
	       o->out == HP_OUT_RETURNED ? "-" : trap_cause_name(cause),
	       o->scause, o->sepc, o->stval, o->htval, o->hstatus, o->vscause);
}

void hp_probe(const char *id, const struct hp_env *env, hp_body_fn body,
	      unsigned long arg, struct hp_expect expect, enum hp_print print)
{
	const struct hp_deviation *dev = hp_deviation_find(id);
	struct hp_obs obs;

	hp_run(env, body, arg, &obs);
	if (dev && hp_matches(&obs, dev->qemu)) {
		/* Print the spec's cause: see hp_deviations. */
		if (obs.out == HP_OUT_TRAP_VS)
			obs.vscause = expect.cause;
		else
			obs.scause = expect.cause;
	}
	if (dev && obs.out == HP_OUT_TRAP_HS)
		print = (enum hp_print)(
			print | HP_PRINT_HTINST_ANY |
			(dev->htval_any ? HP_PRINT_HTVAL_ANY : 0));
	printf("RVNEST probe id=%s", id);
	hp_print_obs(&obs, print);
	printf("\n");
	hp_check(id, &obs, expect);
}
