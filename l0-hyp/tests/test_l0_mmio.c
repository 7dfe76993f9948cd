/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests of L0's MMIO emulation (l0-hyp/mmio.c) on the model hart:
 * an L1 load or store that faults on an emulated device's page, decoded
 * from htinst (its transformed instruction, Privileged spec "Transformed
 * Instruction or Pseudoinstruction for htinst") or, with l0.decode=fetch
 * or no usable htinst, fetched from L1's memory (fetch.c), then done on
 * the device: the register and pc move as the instruction says, and each
 * refusal has its named outcome.
 */
#include "unit.h"

#include <rvnest/encoding.h>
#include <string.h>

#include "../gmem.h"
#include "../mmio.h"
#include "../stats.h"
#include "model_hart.h"

#define DEV_GPA 0x10000000UL
#define DEV_SIZE 0x100UL

/* A device of 64-bit registers: what was asked of it last. */
static struct {
	uint64_t reg, off, val;
	unsigned width, reads, writes;
	bool refuse; /* answer every access with L0_MMIO_BAD_ACCESS */
} dev;

static enum l0_mmio_status dev_read(void *ctx, uint64_t off, unsigned width,
				    uint64_t *val)
{
	(void)ctx;
	if (dev.refuse)
		return L0_MMIO_BAD_ACCESS;
	dev.off = off;
	dev.width = width;
	dev.reads++;
	*val = width < 8 ? dev.reg & ((1UL << (width * 8)) - 1) : dev.reg;
	return L0_MMIO_OK;
}

static enum l0_mmio_status dev_write(void *ctx, uint64_t off, unsigned width,
				     uint64_t val)
{
	(void)ctx;
	if (dev.refuse)
		return L0_MMIO_BAD_ACCESS;
	dev.off = off;
	dev.width = width;
	dev.val = val;
	dev.writes++;
	return L0_MMIO_OK;
}

static struct model_world w;

static void world(bool fetch)
{
	struct model_config cfg = {
		.l1_ram_size = 64UL << 10,
		.host_sstc = true,
		.decode_fetch = fetch,
	};

	model_world_free(&w);
	CHECK(model_world_init(&w, &cfg));
	w.guest.mmio[0] = (struct l0_mmio_device){
		.name = "dev",
		.base = DEV_GPA,
		.size = DEV_SIZE,
		.read = dev_read,
		.write = dev_write,
	};
	w.guest.nmmio = 1;
	memset(&dev, 0, sizeof(dev));
	w.v->sepc = L1_RAM_GPA + 0x100;
	/* the trap came from L1's VS-mode (sstatus.SPP = 1) */
	w.v->trap.sstatus = SSTATUS_SPP;
}

/* RV64I encodings (Unprivileged spec "Load and Store Instructions"):
 * I-type loads, S-type stores; rs1 and offset as given */
static uint32_t load(unsigned funct3, unsigned rd, unsigned rs1, unsigned off)
{
	return off << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | 0x03;
}

static uint32_t store(unsigned funct3, unsigned rs2, unsigned rs1)
{
	return rs2 << 20 | rs1 << 15 | funct3 << 12 | 0x23;
}

#define LW 2
#define LD 3
#define LBU 4
#define SW 2

TEST(mmio_load_from_htinst_sign_extends_and_steps_pc)
{
	world(false);
	dev.reg = 0xfffffff0UL;
	/* htinst: the transformed lw x7, 0(x0) (bit 1 = 1: a 32-bit original)
	 */
	w.v->trap.htinst = load(LW, 7, 0, 0);
	CHECK_EQ(l0_mmio_emulate(w.v, DEV_GPA + 0x18, false), L0_MMIO_EMULATED);
	CHECK_EQ(dev.off, 0x18);
	CHECK_EQ(dev.width, 4);
	CHECK_EQ(w.v->gpr[7], 0xfffffffffffffff0UL);
	CHECK_EQ(w.v->sepc, L1_RAM_GPA + 0x104);
	CHECK_EQ(w.v->stats.ev[L0_EV_MMIO_READ], 1);
	/* lbu: zero-extended; bit 1 of htinst = 0 when the original was
	 * compressed: the pc moves by 2 */
	w.v->trap.htinst = load(LBU, 8, 0, 0) & ~2u;
	CHECK_EQ(l0_mmio_emulate(w.v, DEV_GPA, false), L0_MMIO_EMULATED);
	CHECK_EQ(w.v->gpr[8], 0xf0);
	CHECK_EQ(w.v->sepc, L1_RAM_GPA + 0x106);
	/* into x0: the device is read (a read may have effects), x0 stays */
	w.v->trap.htinst = load(LD, 0, 0, 0);
	CHECK_EQ(l0_mmio_emulate(w.v, DEV_GPA, false), L0_MMIO_EMULATED);
	CHECK_EQ(dev.reads, 3);
	CHECK_EQ(w.v->gpr[0], 0);
}

TEST(mmio_store_writes_the_low_bytes_of_its_register)
{
	world(false);
	w.v->gpr[6] = 0x1122334455667788UL;
	w.v->trap.htinst = store(SW, 6, 0);
	CHECK_EQ(l0_mmio_emulate(w.v, DEV_GPA + 8, true), L0_MMIO_EMULATED);
	CHECK_EQ(dev.writes, 1);
	CHECK_EQ(dev.off, 8);
	CHECK_EQ(dev.width, 4);
	CHECK_EQ(dev.val, 0x55667788UL);
	CHECK_EQ(w.v->stats.ev[L0_EV_MMIO_WRITE], 1);
	/* sw x0: zero is written */
	w.v->trap.htinst = store(SW, 0, 0);
	CHECK_EQ(l0_mmio_emulate(w.v, DEV_GPA, true), L0_MMIO_EMULATED);
	CHECK_EQ(dev.val, 0);
}

TEST(mmio_refusals_have_their_outcomes)
{
	unsigned long sepc;

	world(false);
	sepc = w.v->sepc;
	w.v->trap.htinst = load(LW, 7, 0, 0);
	/* no device at that address */
	CHECK_EQ(l0_mmio_emulate(w.v, DEV_GPA + DEV_SIZE, false),
		 L0_MMIO_NO_DEVICE);
	/* a load where the fault says store */
	CHECK_EQ(l0_mmio_emulate(w.v, DEV_GPA, true), L0_MMIO_BAD_INSN);
	/* the device refuses the access */
	dev.refuse = true;
	CHECK_EQ(l0_mmio_emulate(w.v, DEV_GPA, false), L0_MMIO_DEVICE_ERROR);
	w.v->trap.htinst = store(SW, 6, 0);
	CHECK_EQ(l0_mmio_emulate(w.v, DEV_GPA, true), L0_MMIO_DEVICE_ERROR);
	/* none of them moved the pc or counted an access */
	CHECK_EQ(w.v->sepc, sepc);
	CHECK_EQ(w.v->stats.ev[L0_EV_MMIO_READ], 0);
	CHECK_EQ(w.v->stats.ev[L0_EV_MMIO_WRITE], 0);
}

static void put_insn(uint64_t gpa, uint32_t insn)
{
	memcpy(w.l1_ram + (gpa - L1_RAM_GPA), &insn, sizeof(insn));
}

TEST(mmio_instruction_fetched_from_l1_memory)
{
	/* l0.decode=fetch: htinst is not used, the instruction at sepc is
	 * (vsatp Bare: the pc is a guest-physical address) */
	world(true);
	dev.reg = 0x8877665544332211UL;
	w.v->trap.htinst = load(LW, 9, 0, 0); /* would say x9: ignored */
	put_insn(w.v->sepc, load(LD, 7, 5, 0));
	CHECK_EQ(l0_mmio_emulate(w.v, DEV_GPA, false), L0_MMIO_EMULATED);
	CHECK_EQ(w.v->gpr[7], 0x8877665544332211UL);
	CHECK_EQ(w.v->gpr[9], 0);
	/* an instruction that is no load or store (addi x7, x7, 1) */
	put_insn(w.v->sepc, 1u << 20 | 7u << 15 | 7u << 7 | 0x13);
	CHECK_EQ(l0_mmio_emulate(w.v, DEV_GPA, false), L0_MMIO_BAD_INSN);
	/* a parcel that starts an instruction of 48 bits or more (low bits
	 * 11111): read fine, but no load or store L0 decodes */
	put_insn(w.v->sepc, 0x1f);
	CHECK_EQ(l0_mmio_emulate(w.v, DEV_GPA, false), L0_MMIO_BAD_INSN);
	/* a pc outside L1's memory: the fetch itself fails */
	w.v->sepc = L1_RAM_GPA + w.l1_ram_size;
	CHECK_EQ(l0_mmio_emulate(w.v, DEV_GPA, false), L0_MMIO_FETCH_FAULT);
}

TEST(mmio_result_names)
{
	CHECK(!strcmp(l0_mmio_result_name(L0_MMIO_EMULATED), "emulated"));
	CHECK(!strcmp(l0_mmio_result_name(L0_MMIO_NO_DEVICE), "no_device"));
	CHECK(!strcmp(l0_mmio_result_name(L0_MMIO_BAD_INSN),
		      "not_a_load_or_store"));
	CHECK(!strcmp(l0_mmio_result_name(L0_MMIO_DEVICE_ERROR),
		      "device_refused_access"));
	CHECK(!strcmp(l0_mmio_result_name(L0_MMIO_FETCH_FAULT),
		      "instruction_fetch_failed"));
	CHECK(!strcmp(l0_mmio_result_name((enum l0_mmio_result)99), "unknown"));
	model_world_free(&w);
}
