/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host unit tests for fdt_imsic_s_file(): trees shaped like QEMU virt's
 * with aia=aplic-imsic (two harts, an M-level IMSIC with IRQ 11 and an
 * S-level one with IRQ 9, guest-index-bits from aia-guests), built with
 * libfdt's sequential-write API.
 */
#include <rvnest/fdt_imsic.h>

#include <libfdt.h>
#include <string.h>

#include "unit.h"

#define TREE_SIZE 8192
#define INTC_PHANDLE(h) (0x10 + (h))
#define S_BASE 0x28000000ull
#define M_BASE 0x24000000ull

static char tree[TREE_SIZE];

struct imsic_opts {
	unsigned harts;
	unsigned guest_bits;
	bool no_s_imsic;
	bool reg_too_small;
	bool bad_guest_bits;
};

static void add_cpu(void *fdt, unsigned id)
{
	char name[16];

	snprintf(name, sizeof(name), "cpu@%u", id);
	CHECK(fdt_begin_node(fdt, name) == 0);
	CHECK(fdt_property_string(fdt, "device_type", "cpu") == 0);
	CHECK(fdt_property_u32(fdt, "reg", id) == 0);
	CHECK(fdt_property_string(fdt, "status", "okay") == 0);
	CHECK(fdt_begin_node(fdt, "interrupt-controller") == 0);
	CHECK(fdt_property_string(fdt, "compatible", "riscv,cpu-intc") == 0);
	CHECK(fdt_property_u32(fdt, "phandle", INTC_PHANDLE(id)) == 0);
	CHECK(fdt_end_node(fdt) == 0);
	CHECK(fdt_end_node(fdt) == 0);
}

/* One IMSIC node: a (controller, irq) pair per hart. */
static void add_imsic(void *fdt, uint64_t base, uint32_t irq,
		      const struct imsic_opts *o, unsigned gbits)
{
	fdt32_t ie[16];
	fdt64_t reg[2];
	char name[48];
	uint64_t per_hart = 0x1000ull << gbits;

	snprintf(name, sizeof(name), "interrupt-controller@%llx",
		 (unsigned long long)base);
	CHECK(fdt_begin_node(fdt, name) == 0);
	CHECK(fdt_property(fdt, "compatible", "qemu,imsics\0riscv,imsics",
			   sizeof("qemu,imsics\0riscv,imsics")) == 0);
	for (unsigned h = 0; h < o->harts; h++) {
		ie[2 * h] = cpu_to_fdt32(INTC_PHANDLE(h));
		ie[2 * h + 1] = cpu_to_fdt32(irq);
	}
	CHECK(fdt_property(fdt, "interrupts-extended", ie,
			   o->harts * 2 * sizeof(fdt32_t)) == 0);
	reg[0] = cpu_to_fdt64(base);
	reg[1] = cpu_to_fdt64(o->reg_too_small ? 0x1000 : per_hart * o->harts);
	CHECK(fdt_property(fdt, "reg", reg, sizeof(reg)) == 0);
	CHECK(fdt_property_u32(fdt, "riscv,num-ids", 255) == 0);
	if (gbits)
		CHECK(fdt_property_u32(fdt, "riscv,guest-index-bits",
				       o->bad_guest_bits ? 9 : gbits) == 0);
	CHECK(fdt_end_node(fdt) == 0);
}

static void *build(const struct imsic_opts *o)
{
	void *fdt = tree;

	CHECK(fdt_create(fdt, TREE_SIZE) == 0);
	CHECK(fdt_finish_reservemap(fdt) == 0);
	CHECK(fdt_begin_node(fdt, "") == 0);
	CHECK(fdt_property_u32(fdt, "#address-cells", 2) == 0);
	CHECK(fdt_property_u32(fdt, "#size-cells", 2) == 0);
	CHECK(fdt_begin_node(fdt, "cpus") == 0);
	CHECK(fdt_property_u32(fdt, "#address-cells", 1) == 0);
	CHECK(fdt_property_u32(fdt, "#size-cells", 0) == 0);
	for (unsigned h = 0; h < o->harts; h++)
		add_cpu(fdt, h);
	CHECK(fdt_end_node(fdt) == 0);
	CHECK(fdt_begin_node(fdt, "soc") == 0);
	CHECK(fdt_property_u32(fdt, "#address-cells", 2) == 0);
	CHECK(fdt_property_u32(fdt, "#size-cells", 2) == 0);
	/* the M-level IMSIC comes first, as on QEMU virt; it has no guest
	 * files and must not be taken for the S-level one */
	add_imsic(fdt, M_BASE, 11, o, 0);
	if (!o->no_s_imsic)
		add_imsic(fdt, S_BASE, 9, o, o->guest_bits);
	CHECK(fdt_end_node(fdt) == 0);
	CHECK(fdt_end_node(fdt) == 0);
	CHECK(fdt_finish(fdt) == 0);
	return fdt;
}

TEST(fdt_imsic_qemu_virt_one_hart)
{
	struct imsic_opts o = {.harts = 1, .guest_bits = 2};
	struct fdt_imsic m;

	CHECK_EQ(fdt_imsic_s_file(build(&o), 0, &m), FDT_UTIL_OK);
	CHECK_EQ(m.s_file, S_BASE);
	CHECK_EQ(m.guest_bits, 2);
	CHECK_EQ(m.num_ids, 255);
	CHECK_EQ(m.ctx, 0);
	/* guest file g: the g-th page after the S file */
	CHECK_EQ(fdt_imsic_guest_file(&m, 1), S_BASE + 0x1000);
	CHECK_EQ(fdt_imsic_guest_file(&m, 3), S_BASE + 0x3000);
}

TEST(fdt_imsic_second_hart_stride)
{
	struct imsic_opts o = {.harts = 2, .guest_bits = 2};
	struct fdt_imsic m;

	/* 4 KiB << guest-index-bits per hart */
	CHECK_EQ(fdt_imsic_s_file(build(&o), 1, &m), FDT_UTIL_OK);
	CHECK_EQ(m.ctx, 1);
	CHECK_EQ(m.s_file, S_BASE + 0x4000);
	CHECK_EQ(fdt_imsic_guest_file(&m, 1), S_BASE + 0x5000);
}

TEST(fdt_imsic_missing_or_malformed)
{
	struct imsic_opts none = {.harts = 1, .no_s_imsic = true};
	struct imsic_opts small = {
		.harts = 2, .guest_bits = 2, .reg_too_small = true};
	struct imsic_opts gbits = {
		.harts = 1, .guest_bits = 2, .bad_guest_bits = true};
	struct fdt_imsic m;

	/* only the M-level IMSIC: none for S-mode */
	CHECK_EQ(fdt_imsic_s_file(build(&none), 0, &m), FDT_UTIL_NOT_FOUND);
	/* an unknown hart has no controller */
	CHECK_EQ(fdt_imsic_s_file(build(&small), 7, &m), FDT_UTIL_NOT_FOUND);
	/* the reg does not hold the hart's files */
	CHECK_EQ(fdt_imsic_s_file(build(&small), 0, &m), FDT_UTIL_BAD_PROP);
	CHECK_EQ(fdt_imsic_s_file(build(&gbits), 0, &m), FDT_UTIL_BAD_PROP);
}
