/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The emulated MMIO test device (register map in rvnest/bench.h).
 *
 * Its page is never mapped in the G-stage, so every access is a load or
 * store guest-page fault. L1 reads the faulting instruction from guest
 * memory with HLVX (htinst may be 0, and an instruction fetch permission is
 * what instruction reads need: "HLVX"), decodes it with common/insn.c,
 * performs the access on the device and steps sepc past the instruction.
 */
#include "l1.h"

#include <rvnest/csr.h>
#include <rvnest/insn.h>

#include "nacl.h"
#include "testdev.h"

#define INSN_HALF_BITS 16

bool l1_gpa_is_testdev(uint64_t gpa)
{
	return gpa >= TESTDEV_BASE && gpa - TESTDEV_BASE < TESTDEV_SIZE;
}

/* Fetch the instruction at L2's sepc: two HLVX.HU reads, so a 32-bit
 * instruction that straddles a page (allowed with C) is read correctly. */
static uint32_t fetch_insn(unsigned long pc)
{
	uint32_t lo = (uint32_t)hlvx_hu(pc);

	if (insn_length((uint16_t)lo) != 4)
		return lo;
	return lo | ((uint32_t)hlvx_hu(pc + 2) << INSN_HALF_BITS);
}

enum l1_exit l1_testdev_mmio(struct l1_vcpu *v, uint64_t gpa)
{
	bool store = (v->trap.scause & ~CAUSE_INTERRUPT) ==
		     EXC_STORE_GUEST_PAGE_FAULT;
	struct insn in;
	enum testdev_result res;
	uint64_t val = 0, addr;
	bool line;

	if (!insn_decode(fetch_insn(v->sepc), &in))
		return l1_fail(v, "mmio_insn_not_decodable");
	if (in.kind != (store ? INSN_STORE : INSN_LOAD))
		return l1_fail(v, "mmio_insn_does_not_match_fault");
	/* With VS-stage translation off the decoded address is the GPA:
	 * cross-check it with what the trap reported. */
	addr = v->gpr[in.rs1] + (uint64_t)in.imm;
	if (in.rs1 == L1_REG_X0)
		addr = (uint64_t)in.imm;
	if ((L1_HCSR_READ(CSR_VSATP) & ATP_MODE) == 0 && addr != gpa)
		return l1_fail(v, "mmio_address_mismatch");
	if (store)
		val = in.data_reg == L1_REG_X0 ? 0 : v->gpr[in.data_reg];
	line = v->dev.irq_line;
	res = testdev_access(&v->dev, gpa - TESTDEV_BASE, in.width, store,
			     &val);
	if (res != TESTDEV_OK)
		return l1_fail(v, testdev_result_msg(res));
	/* The device's line is L2's external interrupt: hvip.VSEIP follows
	 * it ("Hypervisor Interrupt Registers"), and L2 takes it directly
	 * because hideleg delegates VSEIP. Touched only on a change. */
	if (v->dev.msi_out) {
		/* AIA mode: the interrupt is an MSI into L2's guest file,
		 * which a running L2 takes with no exit (aia.c) */
		v->dev.msi_out = false;
		l1_aia_send_msi(TESTDEV_MSI_ID_VIRQ);
	} else if (v->dev.irq_line && !line)
		L1_HCSR_SET(CSR_HVIP, MIP_VSEIP);
	else if (!v->dev.irq_line && line)
		L1_HCSR_CLEAR(CSR_HVIP, MIP_VSEIP);
	if (!store && in.data_reg != L1_REG_X0)
		v->gpr[in.data_reg] = insn_load_extend(&in, val);
	v->sepc += in.len;
	return L1_EXIT_RESUME;
}
