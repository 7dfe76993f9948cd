/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The model hart (model_hart.h): the real CSRs behind the model
 * <rvnest/csr.h>, and L0's hooks that vhyp.c calls outside the files
 * built for the host with it.
 */
#include "model_hart.h"

#include <rvnest/console.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../hcsr.h"
#include "../hfence.h"
#include "../nacl.h"
#include "../trap.h"

struct model_hart model_hart;
unsigned long model_hook_calls;

/* ---- the CSR file ------------------------------------------------------ */

static void model_fail(const char *what, unsigned csr)
{
	fprintf(stderr,
		"model hart: %s of CSR 0x%03x, which it does not "
		"implement\n",
		what, csr);
	abort();
}

static const unsigned model_csrs[] = {
	CSR_SSTATUS,   CSR_STIMECMP,   CSR_VSSTATUS,   CSR_VSIE,    CSR_VSTVEC,
	CSR_VSSCRATCH, CSR_VSEPC,      CSR_VSCAUSE,    CSR_VSTVAL,  CSR_VSIP,
	CSR_VSTIMECMP, CSR_VSATP,      CSR_HSTATUS,    CSR_HEDELEG, CSR_HIDELEG,
	CSR_HIE,       CSR_HTIMEDELTA, CSR_HCOUNTEREN, CSR_HGEIE,   CSR_HENVCFG,
	CSR_HSTATEEN0, CSR_HTVAL,      CSR_HIP,	       CSR_HVIP,    CSR_HTINST,
	CSR_HGATP,     CSR_HGEIP,      CSR_CYCLE,      CSR_TIME,    CSR_INSTRET,
};

/* An xatp MODE the hart implements: Bare, Sv39(x4), Sv48(x4), Sv57(x4)
 * (QEMU 10 rv64's default satp-mode limit is Sv57). */
static bool model_atp_mode_ok(unsigned long val)
{
	switch (val >> ATP_MODE_SHIFT) {
	case ATP_MODE_BARE:
	case ATP_MODE_SV39:
	case ATP_MODE_SV48:
	case ATP_MODE_SV57:
		return true;
	default:
		return false;
	}
}

static unsigned long model_status(unsigned long val)
{
	val &= MODEL_SSTATUS_WRITABLE;
	/* UXL: U-mode is 64-bit, read-only; SD summarises FS = Dirty */
	val |= (unsigned long)XLEN_ENC_64 << SSTATUS_UXL_SHIFT;
	if ((val & SSTATUS_FS) == SSTATUS_FS)
		val |= SSTATUS_SD;
	return val;
}

/* hip as the hart shows it: hvip's VS bits, VSTIP also from the Sstc
 * comparison when henvcfg.STCE ("Hypervisor Interrupt Registers") */
static unsigned long model_hip(void)
{
	const unsigned long *c = model_hart.csr;
	unsigned long hip = c[CSR_HVIP] & HVIP_VS_MASK;

	if ((c[CSR_HENVCFG] & ENVCFG_STCE) &&
	    c[CSR_TIME] + c[CSR_HTIMEDELTA] >= c[CSR_VSTIMECMP])
		hip |= MIP_VSTIP;
	return hip;
}

unsigned long model_csr_read(unsigned csr)
{
	unsigned long *c = model_hart.csr;

	if (csr >= 4096 || !model_hart.known[csr])
		model_fail("read", csr);
	model_hart.csr_accesses++;
	switch (csr) {
	case CSR_CYCLE:
	case CSR_INSTRET:
		return c[csr]++; /* counts every read */
	case CSR_HIP:
		return model_hip();
	case CSR_VSIE:
		/* vsie/vsip: hie/hip's VS bits that hideleg delegates, at
		 * the S positions ("Virtual Supervisor Interrupt
		 * Registers") */
		return (c[CSR_HIE] & c[CSR_HIDELEG] & HVIP_VS_MASK) >> 1;
	case CSR_VSIP:
		return (model_hip() & c[CSR_HIDELEG] & HVIP_VS_MASK) >> 1;
	default:
		return c[csr];
	}
}

void model_csr_write(unsigned csr, unsigned long val)
{
	unsigned long *c = model_hart.csr;
	unsigned long d;

	if (csr >= 4096 || !model_hart.known[csr])
		model_fail("write", csr);
	model_hart.csr_accesses++;
	switch (csr) {
	case CSR_SSTATUS:
	case CSR_VSSTATUS:
		c[csr] = model_status(val);
		break;
	case CSR_VSIE:
		d = c[CSR_HIDELEG] & HVIP_VS_MASK;
		c[CSR_HIE] = (c[CSR_HIE] & ~d) | ((val << 1) & d);
		break;
	case CSR_VSIP:
		/* only SSIP, the alias of hvip.VSSIP, when delegated */
		d = c[CSR_HIDELEG] & MIP_VSSIP;
		c[CSR_HVIP] = (c[CSR_HVIP] & ~d) | ((val << 1) & d);
		break;
	case CSR_VSTVEC:
		/* a reserved MODE (2, 3) leaves vstvec unchanged (QEMU) */
		if ((val & TVEC_MODE) <= TVEC_MODE_VECTORED)
			c[csr] = val;
		break;
	case CSR_VSEPC:
		/* IALIGN = 16: bit 0 reads zero ("sepc") */
		c[csr] = val & ~1UL;
		break;
	case CSR_VSATP:
		/* an unsupported MODE: the write has no effect ("satp") */
		if (model_atp_mode_ok(val))
			c[csr] = val & (ATP_MODE | SATP_ASID | ATP_PPN);
		break;
	case CSR_HSTATUS:
		c[csr] = (val & (HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP |
				 HSTATUS_HU | HSTATUS_VTVM | HSTATUS_VTW |
				 HSTATUS_VTSR)) |
			 ((unsigned long)XLEN_ENC_64 << HSTATUS_VSXL_SHIFT);
		break;
	case CSR_HEDELEG:
		c[csr] = val & MODEL_HEDELEG_WRITABLE;
		break;
	case CSR_HIDELEG:
		c[csr] = val & (HVIP_VS_MASK | model_hart.hideleg_writable);
		break;
	case CSR_HVIP:
		/* Ssaia: bits 13..63 of hvip exist where hvien enables them
		 * (AIA spec "Virtual interrupts for VS level") */
		c[csr] = val & (HVIP_VS_MASK |
				(c[CSR_HVIEN] & model_hart.hvien_writable));
		break;
	case CSR_HVIEN:
		/* Ssaia: the bits of hvien the hart implements (13..63) */
		c[csr] = val & model_hart.hvien_writable;
		break;
	case CSR_HIE:
		c[csr] = val & (HVIP_VS_MASK | MIP_SGEIP);
		break;
	case CSR_HIP:
		c[CSR_HVIP] = (c[CSR_HVIP] & ~MIP_VSSIP) | (val & MIP_VSSIP);
		break;
	case CSR_HCOUNTEREN:
		c[csr] = val & MODEL_HCOUNTEREN_WRITABLE;
		break;
	case CSR_HENVCFG:
		c[csr] = val & MODEL_HENVCFG_WRITABLE;
		break;
	case CSR_HGEIE:
	case CSR_HGEIP:
		break; /* GEILEN = 0: read-only zero */
	case CSR_HGATP:
		/* QEMU 10 (legalize_xatp, as for satp): an unsupported MODE
		 * makes the write be ignored, every other bit is kept
		 * (shadow.h SHADOW_HGATP_WARL_QEMU) */
		if (model_atp_mode_ok(val))
			c[csr] = val;
		break;
	default:
		c[csr] = val;
		break;
	}
}

unsigned long model_csr_swap(unsigned csr, unsigned long val)
{
	unsigned long old = model_csr_read(csr);

	model_csr_write(csr, val);
	return old;
}

void model_csr_set(unsigned csr, unsigned long bits)
{
	model_csr_write(csr, model_csr_read(csr) | bits);
}

void model_csr_clear(unsigned csr, unsigned long bits)
{
	model_csr_write(csr, model_csr_read(csr) & ~bits);
}

void model_fence(enum model_fence kind, int has_addr, unsigned long addr,
		 int has_id, unsigned long id)
{
	struct model_fence_ops *f = &model_hart.last_fence[kind];

	f->has_addr = has_addr;
	f->addr = addr;
	f->has_id = has_id;
	f->id = id;
	model_hart.fences[kind]++;
}

/* ---- L0's hooks ---------------------------------------------------------- */

/* console.c's panic: the message, then the test ends. Weak, as the hooks
 * of nacl_client.c below: test_l0_sbi_below links the real nacl_client.c
 * and a panic that returns to the test (tests/model_sbi.c). */
__attribute__((weak)) void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* NACL client (nacl_client.c) off: the accessors use the CSRs (weak:
 * test_l0_sbi_below links nacl_client.c itself) */
__attribute__((weak)) struct l0_nacl_client l0_nacl_client;
__attribute__((weak)) unsigned char l0_nacl_client_on;

__attribute__((weak)) void l0_nacl_client_flush(unsigned long vhartid)
{
	(void)vhartid;
	panic("model hart: l0_nacl_client_flush with the NACL client off");
}

__attribute__((weak)) unsigned long
l0_nacl_client_guest_hstatus(unsigned long vhartid)
{
	(void)vhartid;
	panic("model hart: l0_nacl_client_guest_hstatus without autoswap");
}

/* nacl_client.c without NACL below: the HFENCE instructions themselves,
 * the same code (hfence.h) on the model's HFENCEs and hgatp */
__attribute__((weak)) void l0_hfence_gvma(unsigned long vhartid, bool has_gpa,
					  unsigned long gpa, bool has_vmid,
					  unsigned long vmid)
{
	(void)vhartid;
	l0_hfence_gvma_insn(has_gpa, gpa, has_vmid, vmid);
}

__attribute__((weak)) void l0_hfence_vvma(unsigned long vhartid,
					  unsigned long hgatp, bool has_va,
					  unsigned long va, bool has_asid,
					  unsigned long asid)
{
	(void)vhartid;
	l0_hfence_vvma_insn(hgatp, has_va, va, has_asid, asid);
}

/* nacl.c: nothing to apply when L1 registered no NACL shared memory */
void l0_nacl_sret_trapped(struct l0_vcpu *v)
{
	if (v->guest->sbi.nacl)
		panic("model hart: NACL is not modelled");
}

/* vcpu.c: the exceptions L0 delegates to L1 (l0_hedeleg_causes) */
unsigned long l0_vcpu_hedeleg(void)
{
	return BIT(EXC_INST_MISALIGNED) | BIT(EXC_BREAKPOINT) |
	       BIT(EXC_ECALL_U) | BIT(EXC_INST_PAGE_FAULT) |
	       BIT(EXC_LOAD_PAGE_FAULT) | BIT(EXC_STORE_PAGE_FAULT);
}

/* vcpu.c: a trap into L1's VS-mode, as the hart takes one ("Supervisor
 * Trap Handling" on the vs* CSRs; exceptions never vector) */
void l0_vcpu_inject_exception(struct l0_vcpu *v, unsigned long cause,
			      unsigned long tval)
{
	unsigned long s = l0_hcsr_read(v, CSR_VSSTATUS);

	s = (s & ~SSTATUS_SPP) |
	    ((csr_read(CSR_SSTATUS) & SSTATUS_SPP) ? SSTATUS_SPP : 0);
	s = (s & ~SSTATUS_SPIE) | ((s & SSTATUS_SIE) ? SSTATUS_SPIE : 0);
	s &= ~SSTATUS_SIE;
	l0_hcsr_write(v, CSR_VSSTATUS, s);
	l0_hcsr_write(v, CSR_VSCAUSE, cause);
	l0_hcsr_write(v, CSR_VSTVAL, tval);
	l0_hcsr_write(v, CSR_VSEPC, v->sepc);
	v->sepc = l0_hcsr_read(v, CSR_VSTVEC) & ~3UL;
	csr_set(CSR_SSTATUS, SSTATUS_SPP);
	v->stats.ev[L0_EV_INJECT_EXC]++;
	if (v->guest->nested && !v->vh.in_l2)
		l0_vhyp_l1_took_trap(v, 0, 0, false);
}

/* vcpu.c: L0's own timer (stimecmp or SBI): the model records it */
void l0_host_timer_program(const struct l0_guest *g, unsigned long stime)
{
	(void)g;
	model_hart.timer = stime;
}

/* The hooks of devices and windows the model has none of: counted */
void l0_vcpu_kick_vseip(struct l0_vcpu *self)
{
	(void)self;
	model_hook_calls++;
}

void l0_bench_mark(struct l0_vcpu *self, unsigned long id, bool begin,
		   unsigned long iters)
{
	(void)self;
	(void)id;
	(void)begin;
	(void)iters;
	model_hook_calls++;
}

void l0_bench_mark_empty(struct l0_guest *g)
{
	(void)g;
	model_hook_calls++;
}

void l0_bench_flush(struct l0_vcpu *self)
{
	(void)self;
	model_hook_calls++;
}

/* contain.c: after a fill that found the shadow pool exhausted, the
 * model lets the instruction be retried (the flushed pool has room) */
enum l0_contain_verdict l0_contain_pool_exhausted(struct l0_vcpu *v,
						  uint64_t gpa)
{
	(void)gpa;
	v->contain.pool_seen = v->vh.shadow.stats.pool_exhausted;
	model_hook_calls++;
	return L0_CONTAIN_OK;
}

/* sched.c: the model hart is one vCPU on its own hart, so the scheduler
 * is off as L0 has it then: no slice deadline, and its WFI hooks are
 * never reached (l0_sched_on() is false). Weak: test_l0_sched links the
 * real sched.c instead. */
__attribute__((weak)) bool l0_sched_enabled;

__attribute__((weak)) unsigned long l0_sched_deadline(const struct l0_vcpu *v)
{
	(void)v;
	return ~0UL;
}

__attribute__((weak)) void l0_sched_wfi(struct l0_vcpu *v)
{
	(void)v;
	model_fail("l0_sched_wfi with the scheduler off", 0);
}

__attribute__((weak)) bool l0_sched_l2_wfi(struct l0_vcpu *v)
{
	(void)v;
	model_fail("l0_sched_l2_wfi with the scheduler off", 0);
	return false;
}

/* sbi_dbtr.c: L1 has no debug triggers in the model (no SBI DBTR below),
 * so the world switch's hooks never switch any */
unsigned long l0_dbtr_live[L0_MAX_VCPUS];

void l0_dbtr_switch(struct l0_vcpu *v, bool to_l2)
{
	(void)v;
	(void)to_l2;
	model_fail("l0_dbtr_switch with no trigger installed", 0);
}

/* ---- the world ---------------------------------------------------------- */

static void model_hart_reset(const struct l0_guest *g)
{
	memset(&model_hart, 0, sizeof(model_hart));
	for (unsigned i = 0; i < sizeof(model_csrs) / sizeof(model_csrs[0]);
	     i++)
		model_hart.known[model_csrs[i]] = true;
	model_csr_write(CSR_SSTATUS, SSTATUS_SPP); /* L1 runs in VS-mode */
	model_csr_write(CSR_VSSTATUS, 0);
	model_csr_write(CSR_HSTATUS, 0);
	/* l0_vcpu_hw_init's values */
	model_csr_write(CSR_HEDELEG, l0_vcpu_hedeleg());
	model_csr_write(CSR_HIDELEG, HVIP_VS_MASK);
	model_csr_write(CSR_HCOUNTEREN,
			COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
	model_csr_write(CSR_HENVCFG, g->henvcfg);
	model_csr_write(CSR_VSTIMECMP, ~0UL);
	model_csr_write(CSR_HGATP, l0_gmem_hgatp(&g->gmem));
}

bool model_world_init(struct model_world *w, const struct model_config *cfg)
{
	struct l0_guest *g = &w->guest;
	struct l0_vcpu *v = &g->vcpu[0];
	char err[160];
	void *ram = NULL;

	memset(w, 0, sizeof(*w));
	if (!cfg->l1_ram_size || cfg->l1_ram_size % PAGE_SIZE ||
	    posix_memalign(&ram, PAGE_SIZE, cfg->l1_ram_size)) {
		fprintf(stderr,
			"model_world_init: L1 RAM of 0x%llx bytes "
			"refused\n",
			(unsigned long long)cfg->l1_ram_size);
		return false;
	}
	memset(ram, 0, cfg->l1_ram_size);
	w->l1_ram = ram;
	w->l1_ram_size = cfg->l1_ram_size;
	w->host.isa[L0_ISA_H] = true;
	w->host.isa[L0_ISA_SSTC] = cfg->host_sstc;
	w->host.ncpus = 1;
	w->opts.l1_harts = 1;
	w->opts.l1_h = true;
	w->opts.decode =
		cfg->decode_fetch ? L0_DECODE_FETCH : L0_DECODE_REPORTED;
	g->host = &w->host;
	g->opts = &w->opts;
	g->nested = true;
	g->nvcpus = 1;
	g->l1_has[L0_ISA_H] = true;
	g->l1_has[L0_ISA_SSTC] = cfg->l1_sstc && cfg->host_sstc;
	g->l1_has[L0_ISA_SVADU] = cfg->l1_svadu;
	g->henvcfg = (g->l1_has[L0_ISA_SSTC] ? ENVCFG_STCE : 0) |
		     (cfg->l1_svadu ? ENVCFG_ADUE : 0);
	/* L1 RAM: one host block, no G-stage of L0's own (the shadow asks
	 * gmem's chunks; L1's fetches translate through vsatp only) */
	g->gmem.gpa = L1_RAM_GPA;
	g->gmem.size = cfg->l1_ram_size;
	g->gmem.chunk[0].gpa = L1_RAM_GPA;
	g->gmem.chunk[0].hpa = (uint64_t)(uintptr_t)ram;
	g->gmem.chunk[0].size = cfg->l1_ram_size;
	g->gmem.nchunks = 1;
	g->gmem.mode = PT_SV39X4;
	(void)err;
	model_hart_reset(g);

	v->guest = g;
	v->vhartid = 0;
	v->sbi_timer = ~0UL;
	v->sepc = L1_RAM_GPA;
	l0_vhyp_measure_host(g, &g->vcaps);
	l0_vhyp_init(v);
	w->v = v;
	return true;
}

void model_world_free(struct model_world *w)
{
	free(w->l1_ram);
	w->l1_ram = NULL;
}

/* trap.c l0_trap: first thing on a trap, undo an armed VS interrupt */
/* trap.c l0_trap: true when the trap was the moment L1 could take its
 * armed interrupt, and L0 resumes it without handling the trap */
static bool model_trap_entry(struct l0_vcpu *v)
{
	return v->vh.irq_armed && l0_vhyp_disarm_l1_vs_irq(v);
}

void model_resume(struct model_world *w)
{
	struct l0_vcpu *v = w->v;

	/* trap.c l0_trap, L0_TRAP_RESUME: L2 runs only while L1 has no
	 * interrupt to take; L1 takes its undelegated VS interrupts as soon
	 * as it can */
	if (v->vh.in_l2)
		(void)l0_vhyp_check_l1_irq(v);
	else if (l0_vhyp_l1_vs_irq_enabled(&v->vh) &&
		 !l0_vhyp_check_l1_vs_irq(v))
		l0_vhyp_arm_l1_vs_irq(v);
	v->vh.left_l2 = false;
}

bool model_take_armed(struct model_world *w)
{
	struct l0_vcpu *v = w->v;
	unsigned long s = csr_read(CSR_VSSTATUS);

	if (!v->vh.irq_armed || v->vh.in_l2)
		return false;
	/* the hart takes the VS external interrupt L0 pended into VS-mode
	 * at the moment L1 can take one ("Trap Entry": vsepc, vsstatus
	 * SPP/SPIE/SIE, vscause), then faults on the fetch at vstvec,
	 * L0's arming vector, into L0 */
	model_csr_write(CSR_VSEPC, v->sepc);
	s = (s & ~(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE)) |
	    ((csr_read(CSR_SSTATUS) & SSTATUS_SPP) ? SSTATUS_SPP : 0) |
	    ((s & SSTATUS_SIE) ? SSTATUS_SPIE : 0);
	model_csr_write(CSR_VSSTATUS, s);
	model_csr_write(CSR_VSCAUSE, CAUSE_INTERRUPT | IRQ_S_EXT);
	v->sepc = csr_read(CSR_VSTVEC) & ~3UL;
	csr_set(CSR_SSTATUS, SSTATUS_SPP);
	v->trap.scause = EXC_INST_PAGE_FAULT;
	v->trap.stval = v->sepc;
	v->trap.htval = 0;
	v->trap.htinst = 0;
	v->trap.sstatus = SSTATUS_SPP;
	v->trap.hstatus = csr_read(CSR_HSTATUS);
	/* trap.c: the first thing on a trap while armed */
	return l0_vhyp_disarm_l1_vs_irq(v);
}

enum l0_vhyp_status model_l1_trap_insn(struct model_world *w, uint32_t raw,
				       bool user)
{
	struct l0_vcpu *v = w->v;

	if (v->vh.in_l2)
		panic("model_l1_trap_insn: the vCPU runs L2");
	w->entry_irq = model_trap_entry(v);
	if (w->entry_irq)
		return L0_VHYP_RETRY;
	/* the trap's own CSRs, read once at entry (trap.c) */
	v->trap.scause = EXC_VIRTUAL_INST;
	v->trap.stval = raw;
	v->trap.htval = 0;
	v->trap.htinst = 0;
	v->trap.sstatus = user ? 0 : SSTATUS_SPP;
	v->trap.hstatus = csr_read(CSR_HSTATUS);
	if (user)
		csr_clear(CSR_SSTATUS, SSTATUS_SPP);
	else
		csr_set(CSR_SSTATUS, SSTATUS_SPP);
	/* trap.c: the fast CSR read first, then the general path */
	if (l0_vhyp_csr_read_fast(v))
		return L0_VHYP_OK;
	return l0_vhyp_virtual_inst(v);
}

enum l0_vhyp_l2_result model_l2_trap(struct model_world *w,
				     unsigned long scause, unsigned long stval,
				     unsigned long htval, unsigned long htinst)
{
	struct l0_vcpu *v = w->v;

	if (!v->vh.in_l2)
		panic("model_l2_trap: the vCPU runs L1");
	(void)model_trap_entry(v);
	v->trap.scause = scause;
	v->trap.stval = stval;
	v->trap.htval = htval;
	v->trap.htinst = htinst;
	v->trap.sstatus = csr_read(CSR_SSTATUS);
	v->trap.hstatus = csr_read(CSR_HSTATUS);
	return l0_vhyp_l2_trap(v);
}

uint32_t model_csr_insn(enum model_csr_op op, unsigned csr, unsigned rd,
			unsigned rs1_or_uimm)
{
	/* SYSTEM opcode, funct3 = op ("Zicsr") */
	return ((uint32_t)(csr & 0xfff) << 20) |
	       ((uint32_t)(rs1_or_uimm & 31) << 15) | ((uint32_t)op << 12) |
	       ((uint32_t)(rd & 31) << 7) | 0x73u;
}

uint32_t model_hfence_insn(bool gvma, unsigned rs1, unsigned rs2)
{
	/* HFENCE.VVMA funct7 0010001, HFENCE.GVMA 0110001 ("Hypervisor
	 * Instructions") */
	return ((gvma ? 0x31u : 0x11u) << 25) | ((uint32_t)(rs2 & 31) << 20) |
	       ((uint32_t)(rs1 & 31) << 15) | 0x73u;
}
