/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device tree the VMM gives its guest, built with libfdt's
 * sequential-write API. Bindings: Linux Documentation/devicetree/bindings/
 * riscv/cpus.yaml (riscv,isa, riscv,isa-base, riscv,isa-extensions),
 * interrupt-controller/riscv,cpu-intc.yaml, and the devicetree
 * specification's /memory and /chosen.
 *
 * Its harts (one per vCPU, hart ids 0 .. n-1, the same ISA), RAM, /chosen
 * (bootargs, initrd) and the micro-guest's test device, whose interrupt is
 * hart 0's supervisor external interrupt (rvnest/bench.h): there is no
 * interrupt controller but the harts' own. With KVM's AIA (kvm-vmm/aia.c)
 * also an S-level IMSIC and an MSI-mode APLIC (bindings
 * interrupt-controller/riscv,imsics.yaml and riscv,aplic.yaml), and the
 * test device is an MSI device of the IMSIC.
 */
#include "dt.h"

#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include <rvnest/bench.h>
#include <rvnest/encoding.h>

#define DT_ADDR_CELLS 2 /* 64-bit addresses and sizes under / */
#define DT_SIZE_CELLS 2
#define DT_INTC_CELLS 1 /* riscv,cpu-intc: the cause number */
/* hart i's riscv,cpu-intc has phandle DT_INTC_PHANDLE + i */
#define DT_INTC_PHANDLE 1
#define DT_IMSIC_PHANDLE 0x100 /* above every hart's */
#define DT_APLIC_PHANDLE 0x101
#define DT_IMSIC_FILE 0x1000 /* one 4 KiB interrupt file per hart */
#define DT_MAX_HARTS 16

static int dt_reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

static int dt_cpu(void *fdt, const struct dt_input *in, unsigned hart)
{
	char name[32];
	int err = 0;

	snprintf(name, sizeof(name), "cpu@%u", hart);
	if (!err)
		err = fdt_begin_node(fdt, name);
	if (!err)
		err = fdt_property_string(fdt, "device_type", "cpu");
	if (!err)
		err = fdt_property_u32(fdt, "reg", hart);
	if (!err)
		err = fdt_property_string(fdt, "compatible", "riscv");
	if (!err)
		err = fdt_property_string(fdt, "status", "okay");
	if (!err)
		err = fdt_property_string(fdt, "riscv,isa", in->isa);
	if (!err)
		err = fdt_property_string(fdt, "riscv,isa-base", "rv64i");
	if (!err)
		err = fdt_property(fdt, "riscv,isa-extensions", in->isa_exts,
				   (int)in->isa_exts_len);
	if (in->mmu && !err)
		err = fdt_property_string(fdt, "mmu-type", in->mmu);
	if (in->cbom_block && !err)
		err = fdt_property_u32(fdt, "riscv,cbom-block-size",
				       (uint32_t)in->cbom_block);
	if (in->cboz_block && !err)
		err = fdt_property_u32(fdt, "riscv,cboz-block-size",
				       (uint32_t)in->cboz_block);
	if (!err)
		err = fdt_begin_node(fdt, "interrupt-controller");
	if (!err)
		err = fdt_property_string(fdt, "compatible", "riscv,cpu-intc");
	if (!err)
		err = fdt_property_u32(fdt, "#interrupt-cells", DT_INTC_CELLS);
	if (!err)
		err = fdt_property(fdt, "interrupt-controller", NULL, 0);
	if (!err)
		err = fdt_property_u32(fdt, "phandle", DT_INTC_PHANDLE + hart);
	if (!err)
		err = fdt_end_node(fdt); /* interrupt-controller */
	if (!err)
		err = fdt_end_node(fdt); /* cpu@<hart> */
	return err;
}

static int dt_cpus(void *fdt, const struct dt_input *in)
{
	int err = 0;

	if (!err)
		err = fdt_begin_node(fdt, "cpus");
	if (!err)
		err = fdt_property_u32(fdt, "#address-cells", 1);
	if (!err)
		err = fdt_property_u32(fdt, "#size-cells", 0);
	if (!err)
		err = fdt_property_u32(fdt, "timebase-frequency",
				       (uint32_t)in->timebase_hz);
	for (unsigned h = 0; h < (in->nharts ? in->nharts : 1) && !err; h++)
		err = dt_cpu(fdt, in, h);
	if (!err)
		err = fdt_end_node(fdt); /* cpus */
	return err;
}

static int dt_chosen(void *fdt, const struct dt_input *in)
{
	int err = 0;

	if (!err)
		err = fdt_begin_node(fdt, "chosen");
	if (in->bootargs && !err)
		err = fdt_property_string(fdt, "bootargs", in->bootargs);
	if (in->initrd_size) {
		if (!err)
			err = fdt_property_u64(fdt, "linux,initrd-start",
					       in->initrd_gpa);
		if (!err)
			err = fdt_property_u64(fdt, "linux,initrd-end",
					       in->initrd_gpa +
						       in->initrd_size);
	}
	if (!err)
		err = fdt_end_node(fdt);
	return err;
}

/* The S-level IMSIC: each hart's file, whose interrupt is the hart's
 * supervisor external interrupt (riscv,imsics.yaml: "interrupts-extended"
 * one entry per hart, in the order of the files). */
static int dt_imsic(void *fdt, const struct dt_input *in)
{
	unsigned n = in->nharts ? in->nharts : 1;
	fdt32_t irq[2 * DT_MAX_HARTS];
	char name[32];
	int err = 0;

	if (n > DT_MAX_HARTS)
		return -FDT_ERR_BADVALUE;
	for (unsigned h = 0; h < n; h++) {
		irq[2 * h] = cpu_to_fdt32(DT_INTC_PHANDLE + h);
		irq[2 * h + 1] = cpu_to_fdt32(IRQ_S_EXT);
	}
	snprintf(name, sizeof(name), "imsics@%llx",
		 (unsigned long long)in->imsic_gpa);
	if (!err)
		err = fdt_begin_node(fdt, name);
	if (!err)
		err = fdt_property_string(fdt, "compatible", "riscv,imsics");
	if (!err)
		err = dt_reg(fdt, in->imsic_gpa, (uint64_t)n * DT_IMSIC_FILE);
	if (!err)
		err = fdt_property(fdt, "interrupts-extended", irq,
				   (int)(2 * n * sizeof(irq[0])));
	if (!err)
		err = fdt_property(fdt, "interrupt-controller", NULL, 0);
	if (!err)
		err = fdt_property_u32(fdt, "#interrupt-cells", 0);
	if (!err)
		err = fdt_property(fdt, "msi-controller", NULL, 0);
	if (!err)
		err = fdt_property_u32(fdt, "#msi-cells", 0);
	if (!err)
		err = fdt_property_u32(fdt, "riscv,num-ids", in->imsic_ids);
	if (!err)
		err = fdt_property_u32(fdt, "riscv,hart-index-bits",
				       in->imsic_hart_bits);
	if (!err)
		err = fdt_property_u32(fdt, "phandle", DT_IMSIC_PHANDLE);
	if (!err)
		err = fdt_end_node(fdt);
	return err;
}

/* The APLIC in MSI mode: msi-parent is the IMSIC (riscv,aplic.yaml). */
static int dt_aplic(void *fdt, const struct dt_input *in)
{
	char name[32];
	int err = 0;

	snprintf(name, sizeof(name), "aplic@%llx",
		 (unsigned long long)in->aplic_gpa);
	if (!err)
		err = fdt_begin_node(fdt, name);
	if (!err)
		err = fdt_property(fdt, "compatible", "qemu,aplic\0riscv,aplic",
				   sizeof("qemu,aplic\0riscv,aplic"));
	if (!err)
		err = dt_reg(fdt, in->aplic_gpa, in->aplic_size);
	if (!err)
		err = fdt_property(fdt, "interrupt-controller", NULL, 0);
	if (!err)
		err = fdt_property_u32(fdt, "#interrupt-cells", 2);
	if (!err)
		err = fdt_property_u32(fdt, "msi-parent", DT_IMSIC_PHANDLE);
	if (!err)
		err = fdt_property_u32(fdt, "riscv,num-sources",
				       in->aplic_sources);
	if (!err)
		err = fdt_property_u32(fdt, "phandle", DT_APLIC_PHANDLE);
	if (!err)
		err = fdt_end_node(fdt);
	return err;
}

static int dt_testdev(void *fdt, const struct dt_input *in)
{
	char name[32];
	fdt32_t irq[2] = {cpu_to_fdt32(DT_INTC_PHANDLE),
			  cpu_to_fdt32(IRQ_S_EXT)};
	int err = 0;

	snprintf(name, sizeof(name), "testdev@%lx", TESTDEV_BASE);
	if (!err)
		err = fdt_begin_node(fdt, name);
	if (!err)
		err = fdt_property_string(fdt, "compatible", "rvnest,testdev");
	if (!err)
		err = dt_reg(fdt, TESTDEV_BASE, TESTDEV_SIZE);
	/* with the AIA it writes MSIs into the IMSIC (TESTDEV_REG_MSI_PAGE) */
	if (in->imsic_gpa && !err)
		err = fdt_property_u32(fdt, "msi-parent", DT_IMSIC_PHANDLE);
	else if (!err)
		err = fdt_property(fdt, "interrupts-extended", irq,
				   sizeof(irq));
	if (!err)
		err = fdt_end_node(fdt);
	return err;
}

int dt_build(void *buf, int size, const struct dt_input *in)
{
	char name[32];
	int err = fdt_create(buf, size);

	if (!err)
		err = fdt_finish_reservemap(buf);
	if (!err)
		err = fdt_begin_node(buf, "");
	if (!err)
		err = fdt_property_u32(buf, "#address-cells", DT_ADDR_CELLS);
	if (!err)
		err = fdt_property_u32(buf, "#size-cells", DT_SIZE_CELLS);
	if (!err)
		err = fdt_property_string(buf, "compatible", "rvnest,kvm-vmm");
	if (!err)
		err = fdt_property_string(buf, "model", "rvnest kvm-vmm L2");
	if (!err)
		err = dt_cpus(buf, in);
	snprintf(name, sizeof(name), "memory@%llx",
		 (unsigned long long)in->ram_gpa);
	if (!err)
		err = fdt_begin_node(buf, name);
	if (!err)
		err = fdt_property_string(buf, "device_type", "memory");
	if (!err)
		err = dt_reg(buf, in->ram_gpa, in->ram_size);
	if (!err)
		err = fdt_end_node(buf);
	if (!err)
		err = dt_chosen(buf, in);
	if (in->imsic_gpa && !err)
		err = dt_imsic(buf, in);
	if (in->imsic_gpa && !err)
		err = dt_aplic(buf, in);
	if (!err)
		err = dt_testdev(buf, in);
	if (!err)
		err = fdt_end_node(buf); /* / */
	if (!err)
		err = fdt_finish(buf);
	return err;
}

const char *dt_strerror(int err)
{
	return fdt_strerror(err);
}

unsigned dt_size(const void *buf)
{
	return fdt_totalsize(buf);
}
