/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: the H-extension emulation of l0-hyp/vhyp.c, built for the
 * host against the model hart (l0-hyp/tests/model_hart.h), driven as L1
 * and L2 drive it: every step is a trap into L0 (an L1 instruction that
 * traps as a virtual instruction, an L2 trap, the moment an interrupt L0
 * armed for L1 is taken), a VS interrupt L0 raises or clears for L1 (its
 * timer, vPLIC, IPIs), a change L1 or L2 makes to the real CSRs it owns
 * without trapping, time passing, or a write into L1's RAM; after each
 * trap L0 resumes as trap.c does (model_resume).
 *
 * Input: byte 0 is the configuration (bit 0 L1 has Sstc, bit 1 L1 has
 * Svadu; L0 decodes what the trap reports, l0.decode=reported), then up to
 * MAX_STEPS steps of an op byte and its operands (fuzz_vhyp.c's step()); a
 * short input ends the run.
 *
 * Invariants, from a reference written here from the privileged spec,
 * chapter "Hypervisor Extension" (not from vhyp.c):
 * - after every step with L1 running, each h* and vs* CSR as L1 reads it
 *   is a legal value of its WARL fields (legal_csrs()); vsie/vsip are
 *   exactly hie/hip through hideleg; hip.VSSIP/VSEIP are hvip's; hgeie
 *   and hgeip are 0 (GEILEN = 0); vstimecmp exists exactly when L1 has
 *   Sstc;
 * - a CSR write L1 makes to a field the spec makes writable reads back
 *   what it wrote (hstatus's GVA..VTSR, hideleg and hvip's VS bits, the
 *   host's hedeleg bits, htimedelta, vsscratch); rd gets the old value;
 * - htval L1 wrote reads back after every later step until L1 takes a
 *   trap through L0; after an interrupt the hart delivers to L1 directly
 *   (step_hw_irq) it reads 0 ("Trap Entry"), but for KNOWN_DEVIATIONS;
 * - an access the spec forbids gets exactly its exception: an illegal-
 *   instruction trap into L1 (vscause 2, vstval the instruction, vsepc
 *   its pc, pc at vstvec's base, hstatus.SPV/GVA, htval and htinst 0)
 *   for any h* or vs* CSR, HFENCE or SRET from L1's U-mode, HLV/HSV from
 *   U-mode with hstatus.HU = 0, a write of a read-only CSR (hgeip), a CSR
 *   that is not an H-extension CSR, vstimecmp without Sstc; anything
 *   else succeeds or traps with another cause;
 * - the real hart keeps DESIGN.md §3's invariant while L1 runs: real
 *   hstatus.VTSR = virtual hstatus.SPV, and nothing delegated in the real
 *   hedeleg while SPV = 1;
 * - memory: L1 RAM is a heap buffer of exactly its size, so ASan reports
 *   any access of L0's (HLV/HSV, the shadow's walks of L1's tables) past
 *   it; no step is fatal to L0.
 *
 * Where L0 follows QEMU 10 rather than the spec's letter (DESIGN.md §3:
 * L1 sees on L0 what it sees on QEMU's H), the reference accepts QEMU's
 * value too, and says so: QEMU_DEVIATIONS below.
 */
#include "fuzz.h"

#include <rvnest/encoding.h>
#include <rvnest/insn.h>
#include <stdbool.h>
#include <string.h>

#include "../l0-hyp/tests/model_hart.h"

#define MAX_STEPS 64
#define L1_RAM_SIZE (64UL << 10)
/* registers the instructions use for their operands */
#define REG_ADDR 10
#define REG_DATA 11

/*
 * QEMU_DEVIATIONS: values vhyp.c gives because QEMU 10's hart does, that
 * the spec's letter would not:
 * - hgatp: VMID bits 59:58 and PPN[1:0] kept as written (QEMU's
 *   legalize_xatp; the spec has VMIDLEN <= 14 and PPN[1:0] zero in the
 *   x4 modes): shadow.h SHADOW_HGATP_WARL_QEMU;
 * - hie.SGEIE writable with GEILEN = 0 (it enables nothing: hgeip is 0).
 */
/*
 * KNOWN_DEVIATIONS (the corner left of a finding of this target;
 * l0-hyp/README.md "Limits"):
 * - htval L1 wrote, after an interrupt the hart delivered to L1 directly
 *   (never seen by L0), still reads what L1 wrote while L1's scause holds
 *   the very cause it held at that write, or a cause L1 wrote itself since
 *   (no interrupt cause): vhyp.c recognises such an interrupt only by an
 *   interrupt cause in scause other than the one recorded at L1's write
 *   (trap_info_read). The spec reads 0 ("Trap Entry"). The reference
 *   models exactly that (ref_htval, htval_expected).
 */
#define QEMU_HGATP_VMID (_UL(0xffff) << HGATP_VMID_SHIFT)

static struct model_world w;
static bool l1_sstc;
/* htval as L1 last wrote it, while L1 took no trap since but the ones the
 * hart delivers directly (step_hw_irq), counted in irqs */
static struct {
	bool known;
	unsigned long val;
	unsigned long write_cause; /* L1's scause at the write */
	unsigned irqs;
} ref_htval;
static bool trace; /* FUZZ_TRACE=1: print each trap L1 or L2 takes */

/* The H-extension CSRs ("Hypervisor and Virtual Supervisor CSRs"): what
 * L1 may access from HS-mode. */
static const unsigned hcsrs[] = {
	CSR_HSTATUS, CSR_HEDELEG, CSR_HIDELEG,	  CSR_HIE,	  CSR_HIP,
	CSR_HVIP,    CSR_HGEIE,	  CSR_HGEIP,	  CSR_HCOUNTEREN, CSR_HTVAL,
	CSR_HTINST,  CSR_HGATP,	  CSR_HTIMEDELTA, CSR_HENVCFG,	  CSR_VSSTATUS,
	CSR_VSIE,    CSR_VSIP,	  CSR_VSTVEC,	  CSR_VSSCRATCH,  CSR_VSEPC,
	CSR_VSCAUSE, CSR_VSTVAL,  CSR_VSATP,	  CSR_VSTIMECMP,
};
#define NHCSRS (sizeof(hcsrs) / sizeof(hcsrs[0]))

/* A CSR L1 has: an H-extension CSR (vstimecmp only with Sstc) */
static bool l1_has_csr(unsigned csr)
{
	if (csr == CSR_VSTIMECMP)
		return l1_sstc;
	for (unsigned i = 0; i < NHCSRS; i++)
		if (hcsrs[i] == csr)
			return true;
	return false;
}

static unsigned long vread(unsigned csr)
{
	unsigned long val = 0;

	FUZZ_CHECK(l0_vhyp_csr_read(w.v, csr, &val) == L0_VHYP_OK,
		   "csr 0x%03x exists for L1", csr);
	return val;
}

/* ---- the reference: legal values ("Hypervisor Extension") ------------- */

static bool atp_mode_legal(unsigned long atp)
{
	/* satp/vsatp: Bare, Sv39, Sv48, Sv57, Sv64 (others reserved);
	 * hgatp: Bare and the same modes x4 ("hgatp", "satp") */
	switch (atp >> ATP_MODE_SHIFT) {
	case ATP_MODE_BARE:
	case ATP_MODE_SV39:
	case ATP_MODE_SV48:
	case ATP_MODE_SV57:
	case 11: /* Sv64 / Sv64x4 */
		return true;
	default:
		return false;
	}
}

static void legal_csrs(void)
{
	unsigned long hs = vread(CSR_HSTATUS), v, hip, hie, hideleg, hvip;
	unsigned long defined;

	/* hstatus: the defined fields only; VSXL a legal XLEN for RV64
	 * VS-mode (1: 32, 2: 64); VGEIN WLRL over 0..GEILEN = 0 */
	defined = HSTATUS_VSBE | HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP |
		  HSTATUS_HU | HSTATUS_VGEIN | HSTATUS_VTVM | HSTATUS_VTW |
		  HSTATUS_VTSR | HSTATUS_VSXL;
	FUZZ_CHECK(!(hs & ~defined), "hstatus 0x%lx: reserved bits", hs);
	v = (hs & HSTATUS_VSXL) >> HSTATUS_VSXL_SHIFT;
	FUZZ_CHECK(v == 1 || v == 2, "hstatus.VSXL %lu", v);
	FUZZ_CHECK(!(hs & HSTATUS_VGEIN), "hstatus.VGEIN with GEILEN 0");

	/* hedeleg: 9-11, 16, 20-23 read-only zero; nothing beyond the
	 * standard causes 0-19 (and what the host itself allows) */
	v = vread(CSR_HEDELEG);
	FUZZ_CHECK(!(v & (BIT(9) | BIT(10) | BIT(11) | BIT(16) |
			  (_UL(0xf) << 20) | ~_UL(0xfffff))),
		   "hedeleg 0x%lx", v);
	FUZZ_CHECK(!(v & ~MODEL_HEDELEG_WRITABLE), "hedeleg 0x%lx vs host", v);

	/* hideleg: only the VS interrupts 2, 6, 10 (13, LCOFI, not given) */
	hideleg = vread(CSR_HIDELEG);
	FUZZ_CHECK(!(hideleg & ~HVIP_VS_MASK), "hideleg 0x%lx", hideleg);
	/* hvip: VSSIP, VSTIP, VSEIP */
	hvip = vread(CSR_HVIP);
	FUZZ_CHECK(!(hvip & ~HVIP_VS_MASK), "hvip 0x%lx", hvip);
	/* hip: VS bits and SGEIP; VSSIP is hvip.VSSIP; VSEIP is hvip.VSEIP
	 * OR hgeip[VGEIN] (0); VSTIP is hvip.VSTIP OR the Sstc comparison;
	 * SGEIP = (hgeip & hgeie) != 0 = 0 */
	hip = vread(CSR_HIP);
	FUZZ_CHECK(!(hip & ~HVIP_VS_MASK), "hip 0x%lx", hip);
	FUZZ_CHECK((hip & (MIP_VSSIP | MIP_VSEIP)) ==
			   (hvip & (MIP_VSSIP | MIP_VSEIP)),
		   "hip 0x%lx hvip 0x%lx", hip, hvip);
	FUZZ_CHECK(!(hvip & MIP_VSTIP) || (hip & MIP_VSTIP),
		   "hip.VSTIP without hvip.VSTIP's");
	/* hie: VS enables and SGEIE (QEMU_DEVIATIONS) */
	hie = vread(CSR_HIE);
	FUZZ_CHECK(!(hie & ~(HVIP_VS_MASK | MIP_SGEIP)), "hie 0x%lx", hie);
	/* GEILEN = 0: hgeie and hgeip read-only zero */
	FUZZ_CHECK(vread(CSR_HGEIE) == 0, "hgeie");
	FUZZ_CHECK(vread(CSR_HGEIP) == 0, "hgeip");
	/* vsie/vsip: hie/hip's bits delegated by hideleg, at the S positions;
	 * the others read zero ("Virtual Supervisor Interrupt Registers") */
	v = vread(CSR_VSIE);
	FUZZ_CHECK(v == (hie & hideleg & HVIP_VS_MASK) >> 1,
		   "vsie 0x%lx hie 0x%lx hideleg 0x%lx", v, hie, hideleg);
	v = vread(CSR_VSIP);
	FUZZ_CHECK(v == (hip & hideleg & HVIP_VS_MASK) >> 1,
		   "vsip 0x%lx hip 0x%lx hideleg 0x%lx", v, hip, hideleg);

	/* hcounteren: a 32-bit register, within what the host keeps */
	v = vread(CSR_HCOUNTEREN);
	FUZZ_CHECK(!(v & ~MODEL_HCOUNTEREN_WRITABLE), "hcounteren 0x%lx", v);
	/* henvcfg: defined fields, and only the features L1 was given
	 * (STCE with Sstc, ADUE with Svadu; it has no Zicbo*, Svpbmt);
	 * CBIE 10 is reserved */
	v = vread(CSR_HENVCFG);
	defined = ENVCFG_FIOM | (l1_sstc ? ENVCFG_STCE : 0) |
		  (w.guest.l1_has[L0_ISA_SVADU] ? ENVCFG_ADUE : 0);
	FUZZ_CHECK(!(v & ~defined), "henvcfg 0x%lx", v);
	/* hgatp: a supported MODE; PPN[1:0] and VMID per QEMU_DEVIATIONS */
	v = vread(CSR_HGATP);
	FUZZ_CHECK(atp_mode_legal(v) && (v >> ATP_MODE_SHIFT) != 11,
		   "hgatp 0x%lx: MODE", v);
	FUZZ_CHECK(!(v & ~(ATP_MODE | QEMU_HGATP_VMID | ATP_PPN)),
		   "hgatp 0x%lx", v);
	/* htinst: 0, a transformed instruction (bit 0 set) or one of the
	 * pseudoinstructions ("Hypervisor Trap Instruction Register") */
	v = vread(CSR_HTINST);
	FUZZ_CHECK(!v || (v & 1) || v == HTINST_PSEUDO_READ32 ||
			   v == HTINST_PSEUDO_READ64 ||
			   v == HTINST_PSEUDO_WRITE32 ||
			   v == HTINST_PSEUDO_WRITE64,
		   "htinst 0x%lx", v);

	/* vsstatus: sstatus's fields; UXL a legal XLEN (1, 2); SD set
	 * exactly when FS, VS or XS is Dirty ("Supervisor Status") */
	v = vread(CSR_VSSTATUS);
	defined = SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_UBE | SSTATUS_SPP |
		  SSTATUS_VS | SSTATUS_FS | SSTATUS_XS | SSTATUS_SUM |
		  SSTATUS_MXR | BIT(23) | BIT(24) | SSTATUS_UXL | SSTATUS_SD;
	FUZZ_CHECK(!(v & ~defined), "vsstatus 0x%lx", v);
	FUZZ_CHECK(((v & SSTATUS_UXL) >> SSTATUS_UXL_SHIFT) == 1 ||
			   ((v & SSTATUS_UXL) >> SSTATUS_UXL_SHIFT) == 2,
		   "vsstatus.UXL 0x%lx", v);
	FUZZ_CHECK(!!(v & SSTATUS_SD) == ((v & SSTATUS_FS) == SSTATUS_FS ||
					  (v & SSTATUS_VS) == SSTATUS_VS ||
					  (v & SSTATUS_XS) == SSTATUS_XS),
		   "vsstatus.SD 0x%lx", v);
	/* vstvec: MODE 0 or 1 ("stvec": >= 2 reserved) */
	v = vread(CSR_VSTVEC);
	FUZZ_CHECK((v & TVEC_MODE) <= TVEC_MODE_VECTORED, "vstvec 0x%lx", v);
	/* vsepc: bit 0 always zero ("sepc") */
	FUZZ_CHECK(!(vread(CSR_VSEPC) & 1), "vsepc bit 0");
	/* vsatp: a legal MODE */
	v = vread(CSR_VSATP);
	FUZZ_CHECK(atp_mode_legal(v), "vsatp 0x%lx", v);
	/* vstimecmp: only with Sstc */
	FUZZ_CHECK((l0_vhyp_csr_read(w.v, CSR_VSTIMECMP, &v) == L0_VHYP_OK) ==
			   l1_sstc,
		   "vstimecmp exists %d", l1_sstc);
}

/* DESIGN.md §3 on the real hart while L1 runs */
static void real_hart_invariant(void)
{
	unsigned long hs = vread(CSR_HSTATUS);

	if (w.v->vh.in_l2)
		return;
	FUZZ_CHECK(!!(model_hart.csr[CSR_HSTATUS] & HSTATUS_VTSR) ==
			   !!(hs & HSTATUS_SPV),
		   "real VTSR 0x%lx, virtual hstatus 0x%lx",
		   model_hart.csr[CSR_HSTATUS], hs);
	FUZZ_CHECK(!(hs & HSTATUS_SPV) || model_hart.csr[CSR_HEDELEG] == 0,
		   "real hedeleg 0x%lx with SPV = 1",
		   model_hart.csr[CSR_HEDELEG]);
}

/* The illegal-instruction trap into L1 from V=0 ("Trap Entry") */
static void check_illegal(uint32_t raw, unsigned long pc)
{
	FUZZ_CHECK(model_hart.csr[CSR_VSCAUSE] == EXC_ILLEGAL_INST,
		   "vscause %lu for 0x%08x", model_hart.csr[CSR_VSCAUSE], raw);
	FUZZ_CHECK(model_hart.csr[CSR_VSTVAL] == raw, "vstval 0x%lx",
		   model_hart.csr[CSR_VSTVAL]);
	FUZZ_CHECK(model_hart.csr[CSR_VSEPC] == (pc & ~1UL), "vsepc 0x%lx",
		   model_hart.csr[CSR_VSEPC]);
	FUZZ_CHECK(w.v->sepc == (model_hart.csr[CSR_VSTVEC] & ~3UL), "pc 0x%lx",
		   w.v->sepc);
	FUZZ_CHECK(!(vread(CSR_HSTATUS) & (HSTATUS_SPV | HSTATUS_GVA)) &&
			   !vread(CSR_HTVAL) && !vread(CSR_HTINST),
		   "hstatus/htval/htinst after a trap from V=0");
}

/* ---- the steps ---------------------------------------------------------- */

enum step_op {
	OP_CSR,	      /* an L1 CSR instruction */
	OP_HFENCE,    /* HFENCE.GVMA / HFENCE.VVMA */
	OP_SRET,      /* L1's SRET */
	OP_L2_TRAP,   /* L2 traps into L0 */
	OP_HW_WRITE,  /* the running level writes one of its own CSRs */
	OP_TIME,      /* time passes */
	OP_RAM_WRITE, /* L1 (or L2) stores into L1 RAM */
	OP_HLV,	      /* HLV / HLVX / HSV */
	OP_L0_IRQ,    /* L0 raises or clears a VS interrupt for L1 (hvip) */
	OP_ARMED,     /* L1 reaches the moment an armed interrupt waits for */
	OP_COUNT,
};

static const enum model_csr_op csr_ops[] = {
	MODEL_CSRRW,  MODEL_CSRRS,  MODEL_CSRRC,
	MODEL_CSRRWI, MODEL_CSRRSI, MODEL_CSRRCI,
};

/* "Zicsr": the forms that write (CSRRW always; the others unless the
 * source is x0 / uimm 0) */
static bool csr_writes(enum model_csr_op op, unsigned src)
{
	return op == MODEL_CSRRW || op == MODEL_CSRRWI || src != 0;
}

static void step_csr(struct fuzz_in *in)
{
	uint8_t form = fuzz_u8(in), sel = fuzz_u8(in);
	unsigned rd = fuzz_u8(in) & 31, src = fuzz_u8(in) & 31;
	unsigned long val = fuzz_u64(in), pc = w.v->sepc, old = 0, now;
	enum model_csr_op op = csr_ops[(form & 7) % 6];
	bool user = form & 0x80, imm = op >= MODEL_CSRRWI, wrote;
	unsigned csr = sel < NHCSRS ? hcsrs[sel] : fuzz_u16(in) & 0xfff;
	unsigned long operand, mask;
	uint32_t raw = model_csr_insn(op, csr, rd, src);
	enum l0_vhyp_status st;

	if (!imm)
		w.v->gpr[src] = val;
	operand = imm ? src : (src ? val : 0);
	wrote = csr_writes(op, src);
	if (l1_has_csr(csr))
		(void)l0_vhyp_csr_read(w.v, csr, &old);
	st = model_l1_trap_insn(&w, raw, user);
	if (trace)
		fprintf(stderr,
			"csr 0x%08x user %d val 0x%lx: %d, vscause %lu\n", raw,
			user, val, st, model_hart.csr[CSR_VSCAUSE]);
	if (w.entry_irq)
		return; /* L1 took its armed interrupt first (trap.c) */
	/* "Zicsr" + "Hypervisor Extension": the spec's illegal cases */
	if (user || !l1_has_csr(csr) || (wrote && (csr >> 10) == 3)) {
		FUZZ_CHECK(st == L0_VHYP_TRAPPED, "0x%08x user %d: status %d",
			   raw, user, st);
		check_illegal(raw, pc);
		return;
	}
	/* a legal access: done, next instruction, rd = the old value (an
	 * interrupt of L1 may still be delivered at resume) */
	FUZZ_CHECK(st == L0_VHYP_OK, "0x%08x: status %d", raw, st);
	FUZZ_CHECK(w.v->sepc == pc + 4, "pc 0x%lx after 0x%08x", w.v->sepc,
		   raw);
	if (rd)
		FUZZ_CHECK(w.v->gpr[rd] == old,
			   "rd 0x%lx, csr 0x%03x was 0x%lx", w.v->gpr[rd], csr,
			   old);
	if (!wrote)
		return;
	/* the fields the spec makes writable hold what was written */
	switch (op) {
	case MODEL_CSRRS:
	case MODEL_CSRRSI:
		mask = operand;
		operand = ~0UL;
		break;
	case MODEL_CSRRC:
	case MODEL_CSRRCI:
		mask = operand;
		operand = 0;
		break;
	default:
		mask = ~0UL;
		break;
	}
	switch (csr) {
	case CSR_HSTATUS:
		mask &= HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_HU |
			HSTATUS_VTVM | HSTATUS_VTW | HSTATUS_VTSR;
		break;
	case CSR_HIDELEG:
	case CSR_HVIP:
		mask &= HVIP_VS_MASK;
		break;
	case CSR_HEDELEG:
		mask &= MODEL_HEDELEG_WRITABLE;
		break;
	case CSR_HTVAL:
		/* all 64 bits writable, kept until L1's next trap, also when
		 * scause holds an interrupt cause (L1 writes it in an
		 * interrupt handler): checked after every step from here */
		ref_htval.known = true;
		ref_htval.val = (old & ~mask) | (operand & mask);
		ref_htval.write_cause = model_hart.csr[CSR_VSCAUSE];
		ref_htval.irqs = 0;
		break;
	case CSR_HTIMEDELTA:
	case CSR_VSSCRATCH:
		break;
	default:
		return; /* WARL with implementation choices: legal_csrs() */
	}
	now = vread(csr);
	FUZZ_CHECK((now & mask) == (operand & mask),
		   "csr 0x%03x wrote 0x%lx under 0x%lx, reads 0x%lx", csr,
		   operand, mask, now);
}

static void step_hfence(struct fuzz_in *in)
{
	uint8_t b = fuzz_u8(in);
	unsigned rs1 = fuzz_u8(in) & 31, rs2 = fuzz_u8(in) & 31;
	unsigned long a = fuzz_u64(in), id = fuzz_u64(in), pc = w.v->sepc;
	uint32_t raw = model_hfence_insn(b & 1, rs1, rs2);
	enum l0_vhyp_status st;

	w.v->gpr[rs1] = a;
	w.v->gpr[rs2] = id;
	st = model_l1_trap_insn(&w, raw, b & 2);
	if (w.entry_irq)
		return; /* L1 took its armed interrupt first (trap.c) */
	if (b & 2) {	/* from U-mode: illegal */
		FUZZ_CHECK(st == L0_VHYP_TRAPPED, "hfence from U: %d", st);
		check_illegal(raw, pc);
		return;
	}
	FUZZ_CHECK(st == L0_VHYP_OK && w.v->sepc == pc + 4, "hfence 0x%08x: %d",
		   raw, st);
}

static void step_sret(struct fuzz_in *in)
{
	bool user = fuzz_u8(in) & 1, spv = vread(CSR_HSTATUS) & HSTATUS_SPV;
	unsigned long pc = w.v->sepc;
	enum l0_vhyp_status st = model_l1_trap_insn(&w, MODEL_SRET, user);

	if (w.entry_irq)
		return; /* L1 took its armed interrupt first (trap.c) */

	if (user) {
		FUZZ_CHECK(st == L0_VHYP_TRAPPED, "sret from U: %d", st);
		check_illegal(MODEL_SRET, pc);
		return;
	}
	/* SPV = 1: into L2 (or straight back to L1 for its interrupt);
	 * SPV = 0: a return inside L1 ("Trap-Return Instructions"). An
	 * interrupt L1 took in hardware since SPV was set clears SPV
	 * (vhyp.c l1_took_irq_since_spv): step_hw_irq here. */
	if (st == L0_VHYP_ENTERED_L2)
		FUZZ_CHECK(spv && w.v->vh.in_l2, "entered L2 with SPV %d", spv);
	else
		FUZZ_CHECK(st == L0_VHYP_TRAPPED && !w.v->vh.in_l2,
			   "sret: status %d", st);
}

static const unsigned long l2_causes[] = {
	EXC_ECALL_VS,
	EXC_ECALL_U,
	EXC_ILLEGAL_INST,
	EXC_VIRTUAL_INST,
	EXC_BREAKPOINT,
	EXC_LOAD_PAGE_FAULT,
	EXC_LOAD_GUEST_PAGE_FAULT,
	EXC_STORE_GUEST_PAGE_FAULT,
	EXC_INST_GUEST_PAGE_FAULT,
	CAUSE_INTERRUPT | IRQ_VS_SOFT,
	CAUSE_INTERRUPT | IRQ_VS_TIMER,
	CAUSE_INTERRUPT | IRQ_VS_EXT,
	CAUSE_INTERRUPT | IRQ_S_TIMER,
};

/* A guest-page fault whose G-stage walk of L1's table left L1's memory
 * becomes the access fault of the access ("Physical Memory Attributes") */
static bool access_fault(unsigned long cause)
{
	return cause == EXC_INST_ACCESS || cause == EXC_LOAD_ACCESS ||
	       cause == EXC_STORE_ACCESS;
}

/* "Transformed Instruction or Pseudoinstruction for htinst" */
static const uint32_t pseudo[] = {
	HTINST_PSEUDO_READ32,
	HTINST_PSEUDO_READ64,
	HTINST_PSEUDO_WRITE32,
	HTINST_PSEUDO_WRITE64,
};

static void step_l2_trap(struct fuzz_in *in)
{
	unsigned long cause = l2_causes[fuzz_u8(in) % (sizeof(l2_causes) /
						       sizeof(l2_causes[0]))];
	unsigned long stval = fuzz_u64(in), gpa = fuzz_u32(in);
	uint32_t htinst = fuzz_u32(in);
	bool gpf = cause == EXC_LOAD_GUEST_PAGE_FAULT ||
		   cause == EXC_STORE_GUEST_PAGE_FAULT ||
		   cause == EXC_INST_GUEST_PAGE_FAULT;
	enum l0_vhyp_l2_result r;

	if (!w.v->vh.in_l2)
		return;
	/* what the hart may report in htinst: 0, a pseudoinstruction, or a
	 * transformed instruction (bit 0 set) */
	switch (htinst & 3) {
	case 0:
		htinst = 0;
		break;
	case 1:
		htinst = pseudo[(htinst >> 2) & 3];
		break;
	default:
		htinst |= 1;
		break;
	}
	/* guest-page faults near L1's RAM (its GPA space starts there) */
	gpa += L1_RAM_GPA - (L1_RAM_SIZE / 2);
	r = model_l2_trap(&w, cause, stval, gpa >> 2, htinst);
	if (trace)
		fprintf(stderr, "l2 trap 0x%lx gpa 0x%lx: %d\n", cause, gpa, r);
	FUZZ_CHECK(r != L0_VHYP_L2_FATAL, "L2 trap 0x%lx fatal", cause);
	if (r == L0_VHYP_L2_FORWARDED) {
		/* "Trap Entry" into HS-mode from V=1: SPV = 1, L1's scause */
		FUZZ_CHECK(!w.v->vh.in_l2 && (vread(CSR_HSTATUS) & HSTATUS_SPV),
			   "forwarded 0x%lx", cause);
		FUZZ_CHECK(model_hart.csr[CSR_VSCAUSE] == cause ||
				   (gpf &&
				    access_fault(model_hart.csr[CSR_VSCAUSE])),
			   "L1's scause 0x%lx for 0x%lx",
			   model_hart.csr[CSR_VSCAUSE], cause);
	}
}

static const unsigned own_csrs[] = {
	CSR_VSSTATUS, CSR_VSTVEC, CSR_VSSCRATCH, CSR_VSEPC,
	CSR_VSCAUSE,  CSR_VSTVAL, CSR_VSATP,	 CSR_VSIE,
};

/* The hart delivers one of L1's S-level interrupts, delegated to it in
 * the real hideleg, to L1 directly: L0 never sees it. "Trap Entry" into
 * L1's HS-mode (the hart's VS-mode): vsepc = pc, vscause, vstval 0,
 * vsstatus SPP/SPIE/SIE, pc at vstvec (vectored: BASE + 4 * cause); for
 * L1 it also writes htval and htinst 0 and clears SPV and GVA, which L0
 * can only infer (ref_htval). Only when L1 can take it ("Supervisor
 * Interrupt Registers": sstatus.SIE in S-mode, always in U-mode) and no
 * interrupt of L0's is armed (that vector is OP_ARMED's). */
static void step_hw_irq(unsigned long val)
{
	static const unsigned long codes[] = {IRQ_S_SOFT, IRQ_S_TIMER,
					      IRQ_S_EXT};
	unsigned long code = codes[(val & ~CAUSE_INTERRUPT) % 3];
	unsigned long s = model_hart.csr[CSR_VSSTATUS], tvec;
	bool from_s = model_hart.csr[CSR_SSTATUS] & SSTATUS_SPP;

	/* the VS bit of an S-level cause is one above it (VSSIP = 2) */
	if (w.v->vh.irq_armed ||
	    !(model_hart.csr[CSR_HIDELEG] & BIT(code + 1)) ||
	    (from_s && !(s & SSTATUS_SIE)))
		return;
	model_csr_write(CSR_VSEPC, w.v->sepc);
	s = (s & ~(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE)) |
	    (from_s ? SSTATUS_SPP : 0) | ((s & SSTATUS_SIE) ? SSTATUS_SPIE : 0);
	model_csr_write(CSR_VSSTATUS, s);
	model_csr_write(CSR_VSCAUSE, CAUSE_INTERRUPT | code);
	model_csr_write(CSR_VSTVAL, 0);
	tvec = model_hart.csr[CSR_VSTVEC];
	w.v->sepc = (tvec & ~3UL) + ((tvec & 3) == TVEC_MODE_VECTORED
					     ? TVEC_VECTOR_BYTES * code
					     : 0);
	model_hart.csr[CSR_SSTATUS] |= SSTATUS_SPP;
	ref_htval.irqs++;
	if (trace)
		fprintf(stderr, "hart: interrupt %lu into L1\n", code);
}

/* L1 (or L2) writes its own sstatus, stvec, ... : the real vs* CSRs,
 * no trap */
static void step_hw_write(struct fuzz_in *in)
{
	unsigned csr = own_csrs[fuzz_u8(in) %
				(sizeof(own_csrs) / sizeof(own_csrs[0]))];

	unsigned long val = fuzz_u64(in);

	/* vhyp.c assumes L1 never writes an interrupt cause into its own
	 * scause (l1_took_irq_since_spv, trap_info_read): only hardware
	 * does, when L1 takes an interrupt. So L1's write of one stands for
	 * that: an interrupt the hart delivers to L1 directly. */
	if (csr == CSR_VSCAUSE && !w.v->vh.in_l2 && (val & CAUSE_INTERRUPT)) {
		step_hw_irq(val);
		return;
	}
	model_csr_write(csr, val);
}

/* htval as L1 must read it after its write (ref_htval): what it wrote,
 * or 0 once the hart delivered an interrupt to L1 directly ("Trap
 * Entry"), but for KNOWN_DEVIATIONS' corner: L1's scause holds the cause
 * it held at the write, or no interrupt cause (L1 wrote it since) */
static unsigned long htval_expected(void)
{
	unsigned long cause = model_hart.csr[CSR_VSCAUSE];

	if (!ref_htval.irqs || !(cause & CAUSE_INTERRUPT) ||
	    cause == ref_htval.write_cause)
		return ref_htval.val;
	return 0;
}

static void check_htval(void)
{
	unsigned long now;

	if (!ref_htval.known || w.v->vh.in_l2)
		return;
	now = vread(CSR_HTVAL);
	FUZZ_CHECK(now == htval_expected(),
		   "htval 0x%lx, L1 wrote 0x%lx under scause 0x%lx, %u "
		   "interrupt(s) since, scause 0x%lx",
		   now, ref_htval.val, ref_htval.write_cause, ref_htval.irqs,
		   model_hart.csr[CSR_VSCAUSE]);
}

static void step_hlv(struct fuzz_in *in)
{
	uint8_t form = fuzz_u8(in);
	uint32_t off = fuzz_u32(in);
	unsigned long addr = (form & 0x40) ? fuzz_u64(in) : L1_RAM_GPA + off;
	unsigned width = form & 3, kind = (form >> 2) & 3, rd = REG_DATA;
	bool user = form & 0x80, hu = vread(CSR_HSTATUS) & HSTATUS_HU;
	unsigned long pc = w.v->sepc;
	uint32_t raw;
	enum l0_vhyp_status st;

	/* only encodings that exist (the trap reports the instruction; one
	 * that does not decode is fetched from L1 RAM, which holds none):
	 * no HLV.DU, HLVX only .HU and .WU */
	if (kind == 1 && width == 3)
		kind = 0;
	if (kind == 2)
		width = 1 + (width & 1);
	/* funct7 0110 ww s ("Hypervisor Virtual-Machine Load and Store
	 * Instructions"); rs2 of a load: 0 HLV, 1 HLV.xU, 3 HLVX.xU */
	if (kind == 3) /* HSV */
		raw = ((0x30u | (width << 1) | 1u) << 25) |
		      ((uint32_t)REG_DATA << 20);
	else
		raw = ((0x30u | (width << 1)) << 25) |
		      ((uint32_t)(kind == 2 ? 3 : kind) << 20) |
		      ((uint32_t)rd << 7);
	raw |= ((uint32_t)REG_ADDR << 15) | (4u << 12) | 0x73u;
	w.v->gpr[REG_ADDR] = addr;
	w.v->gpr[REG_DATA] = fuzz_u64(in);
	st = model_l1_trap_insn(&w, raw, user);
	if (w.entry_irq)
		return; /* L1 took its armed interrupt first (trap.c) */
	if (user && !hu) {
		FUZZ_CHECK(st == L0_VHYP_TRAPPED, "hlv from U, HU 0: %d", st);
		check_illegal(raw, pc);
		return;
	}
	FUZZ_CHECK(st != L0_VHYP_ENTERED_L2, "hlv entered L2");
	if (st == L0_VHYP_TRAPPED)
		FUZZ_CHECK(model_hart.csr[CSR_VSEPC] == (pc & ~1UL),
			   "hlv trap vsepc");
}

static void step_one(struct fuzz_in *in, enum step_op op)
{
	bool in_l2 = w.v->vh.in_l2;

	if (trace)
		fprintf(stderr, "step %d in_l2 %d\n", op, in_l2);

	switch (op) {
	case OP_CSR:
	case OP_HFENCE:
	case OP_SRET:
	case OP_HLV:
	case OP_L2_TRAP:
		/* while L2 runs, only L2 traps into L0 */
		if (in_l2 || op == OP_L2_TRAP)
			step_l2_trap(in);
		else if (op == OP_CSR)
			step_csr(in);
		else if (op == OP_HFENCE)
			step_hfence(in);
		else if (op == OP_SRET)
			step_sret(in);
		else
			step_hlv(in);
		break;
	case OP_HW_WRITE:
		step_hw_write(in);
		return; /* no trap: L0 does not run */
	case OP_TIME:
		model_hart.csr[CSR_TIME] += fuzz_u32(in);
		return;
	case OP_RAM_WRITE: {
		unsigned long off = (fuzz_u16(in) * 8UL) % L1_RAM_SIZE;
		uint64_t val = fuzz_u64(in);

		memcpy(w.l1_ram + off, &val, 8);
		return;
	}
	case OP_L0_IRQ: {
		/* L0's timer, vPLIC or an IPI for L1: while L2 runs, L1's
		 * enabled S-level interrupt exits L2 at resume */
		uint8_t b = fuzz_u8(in);

		if (b & 1)
			l0_vhyp_l1_hvip_set(w.v, b & HVIP_VS_MASK);
		else
			l0_vhyp_l1_hvip_clear(w.v, b & HVIP_VS_MASK);
		model_resume(&w);
		if (in_l2 && !w.v->vh.in_l2)
			FUZZ_CHECK(
				model_hart.csr[CSR_VSCAUSE] ==
						(CAUSE_INTERRUPT | IRQ_S_EXT) ||
					model_hart.csr[CSR_VSCAUSE] ==
						(CAUSE_INTERRUPT |
						 IRQ_S_SOFT) ||
					model_hart.csr[CSR_VSCAUSE] ==
						(CAUSE_INTERRUPT | IRQ_S_TIMER),
				"L2 left for L1 with cause 0x%lx",
				model_hart.csr[CSR_VSCAUSE]);
		return;
	}
	case OP_ARMED:
		/* the armed moment is L1's own trap: its handler runs with
		 * an interrupt cause, or L1 resumes where it was */
		if (model_take_armed(&w))
			FUZZ_CHECK(!w.v->vh.irq_armed &&
					   (model_hart.csr[CSR_VSCAUSE] &
					    CAUSE_INTERRUPT),
				   "armed moment: vscause 0x%lx",
				   model_hart.csr[CSR_VSCAUSE]);
		break;
	case OP_COUNT:
		break;
	}
	model_resume(&w);
}

static void step(struct fuzz_in *in)
{
	enum step_op op = (enum step_op)(fuzz_u8(in) % OP_COUNT);
	uint64_t delivered = w.v->stats.ev[L0_EV_INJECT_EXC];

	w.entry_irq = false;
	step_one(in, op);
	/* ref_htval ends at a trap L1 takes through L0: one L0 delivered
	 * (an exception, an interrupt, the armed moment), L2 ran, or an SRET
	 * that may have found an interrupt L1 took in hardware (vhyp.c
	 * l1_took_irq_since_spv writes htval 0 then) */
	if (w.v->stats.ev[L0_EV_INJECT_EXC] != delivered || w.v->vh.in_l2 ||
	    w.entry_irq || op == OP_SRET || op == OP_ARMED)
		ref_htval.known = false;
	check_htval();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	uint8_t conf = fuzz_u8(&in);
	struct model_config cfg = {
		.l1_ram_size = L1_RAM_SIZE,
		.l1_sstc = conf & 1,
		.host_sstc = true,
		.l1_svadu = conf & 2,
	};

	if (!model_world_init(&w, &cfg))
		abort();
	l1_sstc = cfg.l1_sstc;
	memset(&ref_htval, 0, sizeof(ref_htval));
	trace = getenv("FUZZ_TRACE") != NULL;
	for (unsigned i = 0; i < MAX_STEPS && in.n; i++) {
		step(&in);
		if (!w.v->vh.in_l2) {
			legal_csrs();
			real_hart_invariant();
		}
	}
	model_world_free(&w);
	return 0;
}
