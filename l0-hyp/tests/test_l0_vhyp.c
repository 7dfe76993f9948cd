/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests of the H-extension CSR emulation of l0-hyp/vhyp.c, built
 * against the model hart (model_hart.h): L1's h* and vs* CSR accesses as
 * the instructions L1 executes, each checked against the WARL rules of
 * the privileged spec, chapter "Hypervisor Extension" (section names in
 * the comments), and the exceptions of illegal accesses.
 */
#include "unit.h"

#include <rvnest/encoding.h>
#include <string.h>

#include "model_hart.h"

/* the registers the instructions below use */
#define RD 5
#define RS 6

/* hstatus.VSXL = 64-bit, sstatus.UXL = 64-bit */
#define VSXL64 ((unsigned long)XLEN_ENC_64 << HSTATUS_VSXL_SHIFT)
#define UXL64 ((unsigned long)XLEN_ENC_64 << SSTATUS_UXL_SHIFT)
/* hstatus fields L1 may change ("Hypervisor Status Register") */
#define HSTATUS_RW                                               \
	(HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_HU | \
	 HSTATUS_VTVM | HSTATUS_VTW | HSTATUS_VTSR)

static struct model_world w;

static void world(bool l1_sstc)
{
	struct model_config cfg = {
		.l1_ram_size = 64UL << 10,
		.l1_sstc = l1_sstc,
		.host_sstc = true,
	};

	model_world_free(&w);
	CHECK(model_world_init(&w, &cfg));
}

/* csrrs x5, csr, x0 from L1's VS-mode: the value, or ~0 after a trap */
static unsigned long rd(unsigned csr)
{
	w.v->gpr[RD] = 0x5a5a;
	if (model_l1_trap_insn(&w, model_csr_insn(MODEL_CSRRS, csr, RD, 0),
			       false) != L0_VHYP_OK)
		return ~0UL;
	return w.v->gpr[RD];
}

/* csrrw x0, csr, x6 with x6 = val; the status of the emulation */
static enum l0_vhyp_status wr(unsigned csr, unsigned long val)
{
	w.v->gpr[RS] = val;
	return model_l1_trap_insn(&w, model_csr_insn(MODEL_CSRRW, csr, 0, RS),
				  false);
}

/* write val, read back */
static unsigned long wr_rd(unsigned csr, unsigned long val)
{
	CHECK_EQ(wr(csr, val), L0_VHYP_OK);
	return rd(csr);
}

TEST(vhyp_reset_values)
{
	world(false);
	/* "Hypervisor Status Register": VSXL = 2 (64-bit) at reset here */
	CHECK_EQ(rd(CSR_HSTATUS), VSXL64);
	CHECK_EQ(rd(CSR_HGATP), 0);
	/* L2's sstatus: UXL is WARL with 64-bit its one legal value ("0"
	 * was found by fuzz/fuzz_vhyp.c) */
	CHECK_EQ(rd(CSR_VSSTATUS), UXL64);
	CHECK_EQ(rd(CSR_HEDELEG), 0);
	CHECK_EQ(rd(CSR_HIDELEG), 0);
	CHECK_EQ(rd(CSR_HVIP), 0);
	CHECK_EQ(rd(CSR_HGEIP), 0);
	CHECK_EQ(rd(CSR_HGEIE), 0);
	CHECK_EQ(w.v->stats.ev[L0_EV_L1_CSR], 8);
}

TEST(vhyp_hstatus_warl)
{
	unsigned long v;

	world(false);
	v = wr_rd(CSR_HSTATUS, ~0UL);
	/* writable: GVA, SPV, SPVP, HU, VTVM, VTW, VTSR; VSXL WARL with one
	 * legal value; VSBE read-only 0 (little-endian VS); VGEIN WLRL over
	 * 0..GEILEN = 0 */
	CHECK_EQ(v, HSTATUS_RW | VSXL64);
	CHECK_EQ(v & HSTATUS_VGEIN, 0);
	CHECK_EQ(v & HSTATUS_VSBE, 0);
	/* VSXL cannot be changed (32-bit VS-mode is not offered) */
	v = wr_rd(CSR_HSTATUS, (unsigned long)1 << HSTATUS_VSXL_SHIFT);
	CHECK_EQ(v, VSXL64);
}

TEST(vhyp_hstatus_spv_sets_real_vtsr)
{
	world(false);
	/* DESIGN.md §3: real VTSR = virtual SPV while L1 runs, and nothing
	 * delegated in hedeleg while SPV = 1 */
	CHECK_EQ(wr(CSR_HSTATUS, HSTATUS_SPV), L0_VHYP_OK);
	CHECK(model_hart.csr[CSR_HSTATUS] & HSTATUS_VTSR);
	CHECK_EQ(model_hart.csr[CSR_HEDELEG], 0);
	CHECK_EQ(wr(CSR_HSTATUS, 0), L0_VHYP_OK);
	CHECK(!(model_hart.csr[CSR_HSTATUS] & HSTATUS_VTSR));
	CHECK_EQ(model_hart.csr[CSR_HEDELEG], l0_vcpu_hedeleg());
	/* L1's own VTSR is virtual: the real one follows SPV only */
	CHECK_EQ(wr(CSR_HSTATUS, HSTATUS_VTSR), L0_VHYP_OK);
	CHECK(!(model_hart.csr[CSR_HSTATUS] & HSTATUS_VTSR));
}

TEST(vhyp_hedeleg_hideleg_masks)
{
	unsigned long v;

	world(false);
	v = wr_rd(CSR_HEDELEG, ~0UL);
	/* "Hypervisor Trap Delegation Registers": 9-11 (environment calls
	 * from HS, VS, M), 16, 20-23 (guest-page faults, virtual
	 * instruction) read-only zero; the rest as the host allows */
	CHECK_EQ(v & (BIT(9) | BIT(10) | BIT(11) | BIT(16) | BIT(20) | BIT(21) |
		      BIT(22) | BIT(23)),
		 0);
	CHECK_EQ(v, MODEL_HEDELEG_WRITABLE);
	CHECK_EQ(wr_rd(CSR_HEDELEG, BIT(EXC_BREAKPOINT)), BIT(EXC_BREAKPOINT));
	/* hideleg: only the VS-level interrupts 2, 6, 10 (1, 5, 9, 12 are
	 * read-only zero) */
	CHECK_EQ(wr_rd(CSR_HIDELEG, ~0UL), HVIP_VS_MASK);
	CHECK_EQ(wr_rd(CSR_HIDELEG, MIP_SSIP | MIP_STIP | MIP_SEIP), 0);
}

TEST(vhyp_interrupt_registers)
{
	world(false);
	/* hvip: VSSIP, VSTIP, VSEIP writable, every other bit 0 */
	CHECK_EQ(wr_rd(CSR_HVIP, ~0UL), HVIP_VS_MASK);
	/* hip: the VS bits of hvip show; only VSSIP written through it */
	CHECK_EQ(rd(CSR_HIP), HVIP_VS_MASK);
	CHECK_EQ(wr(CSR_HIP, 0), L0_VHYP_OK);
	CHECK_EQ(rd(CSR_HVIP), MIP_VSTIP | MIP_VSEIP);
	/* vsip: hip's delegated VS bits at the S positions; with nothing
	 * delegated it reads zero and ignores writes */
	CHECK_EQ(rd(CSR_VSIP), 0);
	CHECK_EQ(wr_rd(CSR_HIDELEG, MIP_VSTIP | MIP_VSSIP),
		 MIP_VSTIP | MIP_VSSIP);
	CHECK_EQ(rd(CSR_VSIP), MIP_STIP);
	CHECK_EQ(wr_rd(CSR_VSIP, MIP_SSIP), MIP_STIP | MIP_SSIP);
	CHECK_EQ(rd(CSR_HVIP) & MIP_VSSIP, MIP_VSSIP);
	/* hie: VS enables (and SGEIE, as QEMU keeps it); vsie is the
	 * delegated part of it at the S positions */
	CHECK_EQ(wr_rd(CSR_HIE, HVIP_VS_MASK), HVIP_VS_MASK);
	CHECK_EQ(rd(CSR_VSIE), MIP_SSIP | MIP_STIP);
	CHECK_EQ(wr(CSR_VSIE, 0), L0_VHYP_OK);
	CHECK_EQ(rd(CSR_HIE), MIP_VSEIP);
	/* GEILEN = 0: hgeie read-only zero */
	CHECK_EQ(wr_rd(CSR_HGEIE, ~0UL), 0);
}

TEST(vhyp_hgeip_is_read_only)
{
	world(false);
	/* a write of a read-only CSR: illegal instruction ("Zicsr"), with
	 * the instruction in vstval; L1's handler at vstvec */
	CHECK_EQ(wr(CSR_VSTVEC, 0x1000), L0_VHYP_OK); /* L2's, virtual */
	w.v->sepc = 0x80001000;
	CHECK_EQ(wr(CSR_HGEIP, 1), L0_VHYP_TRAPPED);
	CHECK_EQ(model_hart.csr[CSR_VSCAUSE], EXC_ILLEGAL_INST);
	CHECK_EQ(model_hart.csr[CSR_VSTVAL],
		 model_csr_insn(MODEL_CSRRW, CSR_HGEIP, 0, RS));
	CHECK_EQ(model_hart.csr[CSR_VSEPC], 0x80001000);
	/* a read (CSRRS with x0) does not write: legal */
	CHECK_EQ(rd(CSR_HGEIP), 0);
}

TEST(vhyp_illegal_accesses)
{
	unsigned long ev;

	world(false);
	/* vstimecmp without Sstc for L1: no such CSR */
	CHECK_EQ(rd(CSR_VSTIMECMP), ~0UL);
	CHECK_EQ(model_hart.csr[CSR_VSCAUSE], EXC_ILLEGAL_INST);
	/* an h* CSR from L1's U-mode: illegal ("Hypervisor Status
	 * Register": HU does not open CSRs) */
	ev = w.v->stats.ev[L0_EV_INJECT_EXC];
	CHECK_EQ(model_l1_trap_insn(
			 &w, model_csr_insn(MODEL_CSRRS, CSR_HSTATUS, RD, 0),
			 true),
		 L0_VHYP_TRAPPED);
	CHECK_EQ(model_hart.csr[CSR_VSCAUSE], EXC_ILLEGAL_INST);
	CHECK_EQ(w.v->stats.ev[L0_EV_INJECT_EXC], ev + 1);
	/* a CSR number that is no h* / vs* CSR: illegal too */
	CHECK_EQ(rd(0x6ff), ~0UL);
	CHECK_EQ(model_hart.csr[CSR_VSCAUSE], EXC_ILLEGAL_INST);
	/* with Sstc, vstimecmp holds any value */
	world(true);
	CHECK_EQ(wr_rd(CSR_VSTIMECMP, 0x123456789UL), 0x123456789UL);
}

TEST(vhyp_hgatp_modes_and_vmid)
{
	unsigned long sv39 = (unsigned long)HGATP_MODE_SV39X4 << ATP_MODE_SHIFT;
	unsigned long v;

	world(false);
	/* "hgatp": Sv39x4, Sv48x4, Sv57x4 and Bare; VMID 14 bits here */
	v = wr_rd(CSR_HGATP, sv39 | HGATP_VMID | 0x80004UL);
	CHECK_EQ(v >> ATP_MODE_SHIFT, HGATP_MODE_SV39X4);
	CHECK_EQ((v & HGATP_VMID) >> HGATP_VMID_SHIFT, (1UL << 14) - 1);
	CHECK_EQ(v & ATP_PPN & ~3UL, 0x80004UL);
	CHECK_EQ(wr_rd(CSR_HGATP,
		       (unsigned long)HGATP_MODE_SV57X4 << ATP_MODE_SHIFT) >>
			 ATP_MODE_SHIFT,
		 HGATP_MODE_SV57X4);
	/* an unsupported MODE (Sv64x4 = 11, reserved 1): not stored */
	v = rd(CSR_HGATP);
	CHECK_EQ(wr_rd(CSR_HGATP, 11UL << ATP_MODE_SHIFT), v);
	CHECK_EQ(wr_rd(CSR_HGATP, 1UL << ATP_MODE_SHIFT), v);
	CHECK_EQ(wr_rd(CSR_HGATP, 0), 0);
}

TEST(vhyp_hcounteren_henvcfg_htimedelta)
{
	world(true);
	/* hcounteren: as the host keeps it (32 bits) */
	CHECK_EQ(wr_rd(CSR_HCOUNTEREN, ~0UL), MODEL_HCOUNTEREN_WRITABLE);
	/* henvcfg: FIOM and the features L1 has (here STCE for Sstc), never
	 * ADUE/PBMTE L1 was not given */
	CHECK_EQ(wr_rd(CSR_HENVCFG, ~0UL), ENVCFG_FIOM | ENVCFG_STCE);
	world(false);
	CHECK_EQ(wr_rd(CSR_HENVCFG, ~0UL), ENVCFG_FIOM);
	/* htimedelta: 64 bits, any value */
	CHECK_EQ(wr_rd(CSR_HTIMEDELTA, 0xfedcba9876543210UL),
		 0xfedcba9876543210UL);
	/* htinst: WARL, holds only what a trap writes; writes ignored */
	CHECK_EQ(wr_rd(CSR_HTINST, 0x1234), 0);
	/* htval: writable */
	CHECK_EQ(wr_rd(CSR_HTVAL, 0x4321), 0x4321);
}

TEST(vhyp_vs_csrs_follow_the_hart)
{
	unsigned long sv48 = (unsigned long)ATP_MODE_SV48 << ATP_MODE_SHIFT;

	world(false);
	/* vsstatus: the hart's sstatus fields (UXL read-only 64-bit, SD the
	 * summary of FS) */
	CHECK_EQ(wr_rd(CSR_VSSTATUS, ~0UL),
		 MODEL_SSTATUS_WRITABLE | SSTATUS_SD | UXL64);
	/* vstvec: MODE 2 and 3 are reserved: the write is ignored */
	CHECK_EQ(wr_rd(CSR_VSTVEC, 0x80000001UL), 0x80000001UL);
	CHECK_EQ(wr_rd(CSR_VSTVEC, 0x90000002UL), 0x80000001UL);
	/* vsepc: bit 0 is zero (IALIGN 16) */
	CHECK_EQ(wr_rd(CSR_VSEPC, 0x80000003UL), 0x80000002UL);
	/* vsatp: a supported MODE kept; a reserved one leaves it */
	CHECK_EQ(wr_rd(CSR_VSATP, sv48 | 0x80123UL), sv48 | 0x80123UL);
	CHECK_EQ(wr_rd(CSR_VSATP, 5UL << ATP_MODE_SHIFT), sv48 | 0x80123UL);
	/* vsscratch, vscause, vstval: any value */
	CHECK_EQ(wr_rd(CSR_VSSCRATCH, ~0UL), ~0UL);
	CHECK_EQ(wr_rd(CSR_VSTVAL, 0xdead), 0xdead);
	/* L1's own supervisor state (the real vs* CSRs) was restored after
	 * each round trip */
	CHECK_EQ(model_hart.csr[CSR_VSATP], 0);
	CHECK_EQ(model_hart.csr[CSR_VSTVEC], 0);
}

TEST(vhyp_csr_set_clear_and_immediates)
{
	world(false);
	w.v->gpr[RS] = HSTATUS_HU | HSTATUS_VTW;
	CHECK_EQ(model_l1_trap_insn(
			 &w, model_csr_insn(MODEL_CSRRS, CSR_HSTATUS, RD, RS),
			 false),
		 L0_VHYP_OK);
	/* rd gets the old value */
	CHECK_EQ(w.v->gpr[RD], VSXL64);
	CHECK_EQ(rd(CSR_HSTATUS) & (HSTATUS_HU | HSTATUS_VTW),
		 HSTATUS_HU | HSTATUS_VTW);
	w.v->gpr[RS] = HSTATUS_HU;
	CHECK_EQ(model_l1_trap_insn(
			 &w, model_csr_insn(MODEL_CSRRC, CSR_HSTATUS, 0, RS),
			 false),
		 L0_VHYP_OK);
	CHECK_EQ(rd(CSR_HSTATUS) & (HSTATUS_HU | HSTATUS_VTW), HSTATUS_VTW);
	/* CSRRWI/CSRRSI/CSRRCI with a 5-bit immediate */
	CHECK_EQ(model_l1_trap_insn(
			 &w, model_csr_insn(MODEL_CSRRWI, CSR_HIDELEG, 0, 4),
			 false),
		 L0_VHYP_OK);
	CHECK_EQ(rd(CSR_HIDELEG), MIP_VSSIP);
	CHECK_EQ(model_l1_trap_insn(
			 &w, model_csr_insn(MODEL_CSRRCI, CSR_HIDELEG, RD, 4),
			 false),
		 L0_VHYP_OK);
	CHECK_EQ(w.v->gpr[RD], MIP_VSSIP);
	CHECK_EQ(rd(CSR_HIDELEG), 0);
	/* rd = x0 stays 0 */
	CHECK_EQ(model_l1_trap_insn(
			 &w, model_csr_insn(MODEL_CSRRS, CSR_HSTATUS, 0, 0),
			 false),
		 L0_VHYP_OK);
	CHECK_EQ(w.v->gpr[0], 0);
}

TEST(vhyp_hfence_from_l1)
{
	unsigned long vv, pc;

	world(false);
	vv = model_hart.fences[MODEL_HFENCE_VVMA];
	pc = w.v->sepc;
	/* HFENCE.GVMA with both operands x0: the whole shadow (empty here,
	 * so no hardware fence is needed); L1 resumes after it */
	CHECK_EQ(model_l1_trap_insn(&w, model_hfence_insn(true, 0, 0), false),
		 L0_VHYP_OK);
	CHECK_EQ(w.v->stats.ev[L0_EV_L1_HFENCE], 1);
	CHECK_EQ(w.v->sepc, pc + 4);
	/* HFENCE.VVMA: on the shadow's VMID, hgatp restored after */
	CHECK_EQ(model_l1_trap_insn(&w, model_hfence_insn(false, 0, 0), false),
		 L0_VHYP_OK);
	CHECK_EQ(model_hart.fences[MODEL_HFENCE_VVMA], vv + 1);
	/* from L1's U-mode: illegal */
	CHECK_EQ(model_l1_trap_insn(&w, model_hfence_insn(true, 0, 0), true),
		 L0_VHYP_TRAPPED);
	CHECK_EQ(model_hart.csr[CSR_VSCAUSE], EXC_ILLEGAL_INST);
}

TEST(vhyp_sret_enters_l2_and_exit_returns)
{
	world(false);
	/* L2's state as L1 sets it up, then SRET with SPV = 1 */
	CHECK_EQ(wr(CSR_VSSCRATCH, 0x2222), L0_VHYP_OK);
	CHECK_EQ(wr(CSR_HSTATUS, HSTATUS_SPV), L0_VHYP_OK);
	CHECK_EQ(wr(CSR_HEDELEG, BIT(EXC_BREAKPOINT)), L0_VHYP_OK);
	model_hart.csr[CSR_VSEPC] = 0x80002000; /* L1's sepc */
	model_hart.csr[CSR_VSSCRATCH] = 0x1111; /* L1's sscratch */
	model_hart.csr[CSR_VSTVEC] = 0x80003000;
	CHECK_EQ(model_l1_trap_insn(&w, MODEL_SRET, false), L0_VHYP_ENTERED_L2);
	CHECK(w.v->vh.in_l2);
	CHECK_EQ(w.v->sepc, 0x80002000);
	/* the real vs* CSRs hold L2's now, hedeleg L1's for L2 */
	CHECK_EQ(model_hart.csr[CSR_VSSCRATCH], 0x2222);
	CHECK_EQ(model_hart.csr[CSR_HEDELEG], BIT(EXC_BREAKPOINT));
	CHECK(model_hart.csr[CSR_HSTATUS] & HSTATUS_SPV);
	/* L2's ecall goes to L1: "Trap Entry" from V=1 */
	model_hart.csr[CSR_VSSCRATCH] = 0x3333; /* L2 wrote its sscratch */
	CHECK_EQ(model_l2_trap(&w, EXC_ECALL_VS, 0, 0, 0),
		 L0_VHYP_L2_FORWARDED);
	CHECK(!w.v->vh.in_l2);
	CHECK_EQ(w.v->sepc, 0x80003000);
	CHECK_EQ(model_hart.csr[CSR_VSCAUSE], EXC_ECALL_VS);
	CHECK_EQ(model_hart.csr[CSR_VSSCRATCH], 0x1111);
	CHECK_EQ(rd(CSR_VSSCRATCH), 0x3333);
	/* SPV = 1 again, SPVP from L2's privilege (the real sstatus.SPP) */
	CHECK(rd(CSR_HSTATUS) & HSTATUS_SPV);
	CHECK(model_hart.csr[CSR_HSTATUS] & HSTATUS_VTSR);
}

TEST(vhyp_sret_with_spv_clear_stays_in_l1)
{
	world(false);
	model_hart.csr[CSR_VSEPC] = 0x80004000;
	model_hart.csr[CSR_VSSTATUS] = SSTATUS_SPIE | SSTATUS_SPP;
	CHECK_EQ(model_l1_trap_insn(&w, MODEL_SRET, false), L0_VHYP_TRAPPED);
	CHECK(!w.v->vh.in_l2);
	CHECK_EQ(w.v->sepc, 0x80004000);
	/* "Trap-Return Instructions": SIE = SPIE, SPIE = 1, SPP = U */
	CHECK_EQ(model_hart.csr[CSR_VSSTATUS] &
			 (SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP),
		 SSTATUS_SIE | SSTATUS_SPIE);
}

/* The gate of L1's own VS interrupts (vhyp.h l0_vhyp_l1_vs_irq_enabled):
 * a VS interrupt L1 enabled in hie and did not delegate in hideleg is an
 * HS-level interrupt of L1's ("Hypervisor Interrupt Registers"), which
 * L0 must deliver itself; one delegated to L2 is not, nor one disabled. */
TEST(vhyp_l1_vs_irq_gate)
{
	world(false);
	CHECK(!l0_vhyp_l1_vs_irq_enabled(&w.v->vh));
	CHECK_EQ(wr(CSR_HIE, MIP_VSTIP), L0_VHYP_OK);
	CHECK(l0_vhyp_l1_vs_irq_enabled(&w.v->vh));
	CHECK_EQ(wr(CSR_HIDELEG, MIP_VSTIP), L0_VHYP_OK);
	CHECK(!l0_vhyp_l1_vs_irq_enabled(&w.v->vh));
	CHECK_EQ(wr(CSR_HIE, MIP_VSTIP | MIP_VSEIP), L0_VHYP_OK);
	CHECK(l0_vhyp_l1_vs_irq_enabled(&w.v->vh));
	CHECK_EQ(wr(CSR_HIE, 0), L0_VHYP_OK);
	CHECK(!l0_vhyp_l1_vs_irq_enabled(&w.v->vh));
}

/* htval as L1 reads it ("Hypervisor Trap Value Register", "Trap Entry"):
 * what L1 wrote stays until L1 takes a trap, also when L1 wrote it in an
 * interrupt handler (scause holding an interrupt cause); an interrupt the
 * hart delivers to L1 directly (hideleg, never seen by L0) writes it 0;
 * a trap L0 delivers writes what L0 gives. Both read paths: the fast one
 * of trap.c (csrrs rd, htval, x0) and the table (csrrw's old value). */
TEST(vhyp_htval_reads_back_until_l1_traps)
{
	unsigned long old = 0;

	world(false);
	CHECK_EQ(wr(CSR_HIDELEG, HVIP_VS_MASK), L0_VHYP_OK);
	/* L1 took its supervisor timer interrupt in hardware */
	model_hart.csr[CSR_VSCAUSE] = CAUSE_INTERRUPT | IRQ_S_TIMER;
	CHECK_EQ(wr_rd(CSR_HTVAL, 0x4321), 0x4321);
	CHECK_EQ(l0_vhyp_csr_read(w.v, CSR_HTVAL, &old), L0_VHYP_OK);
	CHECK_EQ(old, 0x4321);
	/* a held value: exceptions pass through L0 (nothing delegated) */
	CHECK_EQ(model_hart.csr[CSR_HEDELEG], 0);
	/* csrrw's rd gets the old value, through the table */
	w.v->gpr[RS] = 0x8765;
	CHECK_EQ(model_l1_trap_insn(
			 &w, model_csr_insn(MODEL_CSRRW, CSR_HTVAL, RD, RS),
			 false),
		 L0_VHYP_OK);
	CHECK_EQ(w.v->gpr[RD], 0x4321);
	CHECK_EQ(rd(CSR_HTVAL), 0x8765);

	/* an external interrupt the hart delivers to L1 directly: 0 */
	model_hart.csr[CSR_VSCAUSE] = CAUSE_INTERRUPT | IRQ_S_EXT;
	CHECK_EQ(rd(CSR_HTVAL), 0);
	CHECK_EQ(l0_vhyp_csr_read(w.v, CSR_HTVAL, &old), L0_VHYP_OK);
	CHECK_EQ(old, 0);
	/* written again in that handler: reads back */
	CHECK_EQ(wr_rd(CSR_HTVAL, 0x1357), 0x1357);

	/* a guest-page fault L0 delivers (an HLV's): what L0 wrote, under
	 * the exception's cause */
	l0_vhyp_trap_l1(w.v, EXC_LOAD_GUEST_PAGE_FAULT, 0x1000, 0x2468,
			HTINST_PSEUDO_READ64, true);
	CHECK_EQ(model_hart.csr[CSR_VSCAUSE], EXC_LOAD_GUEST_PAGE_FAULT);
	CHECK_EQ(rd(CSR_HTVAL), 0x2468);
	CHECK_EQ(rd(CSR_HTINST), HTINST_PSEUDO_READ64);
	/* then any interrupt in hardware, even with the cause scause held
	 * at L1's last write, wrote them 0 */
	model_hart.csr[CSR_VSCAUSE] = CAUSE_INTERRUPT | IRQ_S_EXT;
	CHECK_EQ(rd(CSR_HTVAL), 0);
	CHECK_EQ(rd(CSR_HTINST), 0);
	/* csrrs on the 0 that interrupt wrote (not on what L0 held), and
	 * htinst stays 0 */
	w.v->gpr[RS] = 0x10;
	CHECK_EQ(model_l1_trap_insn(
			 &w, model_csr_insn(MODEL_CSRRS, CSR_HTVAL, RD, RS),
			 false),
		 L0_VHYP_OK);
	CHECK_EQ(w.v->gpr[RD], 0);
	CHECK_EQ(rd(CSR_HTVAL), 0x10);
	CHECK_EQ(rd(CSR_HTINST), 0);

	/* the corner left (README.md "Limits"): a second interrupt with the
	 * very cause scause held at L1's write cannot be told apart from
	 * none, and L1 still reads what it wrote */
	CHECK_EQ(wr_rd(CSR_HTVAL, 0x9abc), 0x9abc);
	model_hart.csr[CSR_VSCAUSE] = CAUSE_INTERRUPT | IRQ_S_SOFT;
	CHECK_EQ(rd(CSR_HTVAL), 0);
	model_hart.csr[CSR_VSCAUSE] = CAUSE_INTERRUPT | IRQ_S_EXT;
	CHECK_EQ(rd(CSR_HTVAL), 0x9abc);
}
