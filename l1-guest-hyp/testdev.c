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

#define TESTDEV_REG_BYTES 8
#define INSN_HALF_BITS 16

enum testdev_result {
	TESTDEV_OK,
	TESTDEV_NO_REGISTER, /* offset maps to no register */
	TESTDEV_READ_ONLY,   /* store to a read-only register */
	TESTDEV_WRITE_ONLY,  /* load from a write-only register */
};

struct testdev_reg {
	unsigned off;
	uint64_t (*read)(struct l1_testdev *d);
	void (*write)(struct l1_testdev *d, uint64_t val);
};

static uint64_t read_id(struct l1_testdev *d)
{
	(void)d;
	return TESTDEV_MAGIC;
}

static uint64_t read_scratch(struct l1_testdev *d)
{
	return d->scratch;
}

static void write_scratch(struct l1_testdev *d, uint64_t val)
{
	d->scratch = val;
}

/* The device's interrupt line is L2's external interrupt: asserting it is
 * setting hvip.VSEIP ("Hypervisor Interrupt Registers"); L2 takes it
 * directly because hideleg delegates VSEIP. */
static void write_irq_raise(struct l1_testdev *d, uint64_t val)
{
	(void)val;
	d->irq_count++;
	d->irq_line = true;
	csr_set(CSR_HVIP, MIP_VSEIP);
}

/* Completion: L2's acknowledgement deasserts the line. */
static void write_irq_ack(struct l1_testdev *d, uint64_t val)
{
	(void)val;
	d->irq_line = false;
	csr_clear(CSR_HVIP, MIP_VSEIP);
}

static uint64_t read_irq_count(struct l1_testdev *d)
{
	return d->irq_count;
}

static const struct testdev_reg regs[] = {
	{TESTDEV_REG_ID, read_id, NULL},
	{TESTDEV_REG_SCRATCH, read_scratch, write_scratch},
	{TESTDEV_REG_IRQ_RAISE, NULL, write_irq_raise},
	{TESTDEV_REG_IRQ_ACK, NULL, write_irq_ack},
	{TESTDEV_REG_IRQ_COUNT, read_irq_count, NULL},
};

static const struct testdev_reg *find_reg(unsigned long off)
{
	for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (regs[i].off == off)
			return &regs[i];
	return NULL;
}

/* An access of `width` bytes at `off` (width 4 may address either half of
 * a 64-bit register; the caller checked alignment). */
static enum testdev_result access(struct l1_testdev *d, unsigned long off,
				  unsigned width, bool store, uint64_t *val)
{
	unsigned long reg_off = off & ~(unsigned long)(TESTDEV_REG_BYTES - 1);
	unsigned shift = (unsigned)(off - reg_off) * 8;
	uint64_t mask = width == 8 ? ~0ull : ((1ull << (width * 8)) - 1);
	const struct testdev_reg *r = find_reg(reg_off);

	if (!r)
		return TESTDEV_NO_REGISTER;
	if (store) {
		uint64_t cur;

		if (!r->write)
			return TESTDEV_READ_ONLY;
		/* A narrow store to a readable register merges. */
		cur = r->read ? r->read(d) : 0;
		cur &= ~(mask << shift);
		cur |= (*val & mask) << shift;
		r->write(d, cur);
		return TESTDEV_OK;
	}
	if (!r->read)
		return TESTDEV_WRITE_ONLY;
	*val = (r->read(d) >> shift) & mask;
	return TESTDEV_OK;
}

static const char *const result_msgs[] = {
	[TESTDEV_OK] = "ok",
	[TESTDEV_NO_REGISTER] = "testdev_no_such_register",
	[TESTDEV_READ_ONLY] = "testdev_store_to_read_only_register",
	[TESTDEV_WRITE_ONLY] = "testdev_load_from_write_only_register",
};

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

	if (!insn_decode(fetch_insn(v->sepc), &in))
		return l1_fail(v, "mmio_insn_not_decodable");
	if (in.kind != (store ? INSN_STORE : INSN_LOAD))
		return l1_fail(v, "mmio_insn_does_not_match_fault");
	/* With VS-stage translation off the decoded address is the GPA:
	 * cross-check it with what the trap reported. */
	addr = v->gpr[in.rs1] + (uint64_t)in.imm;
	if (in.rs1 == L1_REG_X0)
		addr = (uint64_t)in.imm;
	if ((csr_read(CSR_VSATP) & ATP_MODE) == 0 && addr != gpa)
		return l1_fail(v, "mmio_address_mismatch");
	if ((in.width != 4 && in.width != 8) || (gpa & (in.width - 1)))
		return l1_fail(v, "testdev_bad_access_width");
	if (store)
		val = in.data_reg == L1_REG_X0 ? 0 : v->gpr[in.data_reg];
	res = access(&v->dev, gpa - TESTDEV_BASE, in.width, store, &val);
	if (res != TESTDEV_OK)
		return l1_fail(v, result_msgs[res]);
	if (!store && in.data_reg != L1_REG_X0)
		v->gpr[in.data_reg] = insn_load_extend(&in, val);
	v->sepc += in.len;
	return L1_EXIT_RESUME;
}
