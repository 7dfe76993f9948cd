/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Building host device trees of QEMU virt's shape (libfdt's sequential
 * writer): the helpers L0's unit tests (l0-hyp/tests/test_l0_dt.c,
 * test_l0_aia.c, test_l0_pci.c) and the fuzz seed-maker (fuzz/seeds.c)
 * share.
 *
 * Every libfdt call goes through OK(x) (x must be 0): in a unit test it is
 * CHECK; a program that is not one defines OK before including this.
 */
#ifndef RVNEST_TEST_FDT_BUILD_H
#define RVNEST_TEST_FDT_BUILD_H

#include <libfdt.h>
#include <stdint.h>
#include <stdio.h>

#ifndef OK
#include "unit.h"
#define OK(x) CHECK((x) == 0)
#endif

/* A property of n 32-bit cells, written big-endian in place
 * (fdt_property_placeholder: the same bytes fdt_property writes). */
static inline void prop_cells(void *f, const char *name, const uint32_t *c,
			      int n)
{
	void *v;

	OK(fdt_property_placeholder(f, name, n * 4, &v));
	for (int i = 0; i < n; i++)
		fdt32_st((char *)v + 4 * i, c[i]);
}

/* QEMU virt's RAM at 0x80000000, size bytes (the root has 2 address and
 * 2 size cells). */
static inline void memory_node_size(void *f, uint64_t size)
{
	const uint32_t mem[] = {0, 0x80000000, (uint32_t)(size >> 32),
				(uint32_t)size};

	OK(fdt_begin_node(f, "memory@80000000"));
	OK(fdt_property_string(f, "device_type", "memory"));
	prop_cells(f, "reg", mem, 4);
	OK(fdt_end_node(f));
}

/* The 1 GiB of RAM L0's unit tests give QEMU virt. */
static inline void memory_node(void *f)
{
	memory_node_size(f, 0x40000000);
}

/* Opens /cpus (cpu_node the harts, then fdt_end_node). */
static inline void cpus_begin(void *f)
{
	OK(fdt_begin_node(f, "cpus"));
	OK(fdt_property_u32(f, "#address-cells", 1));
	OK(fdt_property_u32(f, "#size-cells", 0));
	OK(fdt_property_u32(f, "timebase-frequency", 10000000));
}

/* Opens /soc (2 address and 2 size cells, identity ranges; then
 * fdt_end_node). */
static inline void soc_begin(void *f)
{
	OK(fdt_begin_node(f, "soc"));
	OK(fdt_property_u32(f, "#address-cells", 2));
	OK(fdt_property_u32(f, "#size-cells", 2));
	OK(fdt_property(f, "ranges", NULL, 0));
}

/* Opens the UART QEMU virt has at 0x10000000 under /soc, left open for
 * the caller's interrupt properties (then fdt_end_node). */
static inline void uart_begin(void *f)
{
	const uint32_t uart[] = {0, 0x10000000, 0, 0x100};

	OK(fdt_begin_node(f, "serial@10000000"));
	OK(fdt_property_string(f, "compatible", "ns16550a"));
	prop_cells(f, "reg", uart, 4);
}

/* Opens /soc with the UART as its first node, the UART left open. */
static inline void soc_begin_with_uart(void *f)
{
	soc_begin(f);
	uart_begin(f);
}

/* QEMU virt's PLIC (6 MiB at 0xc000000, 95 sources) under /soc,
 * its contexts in ie (ie_cells cells: intc phandle, cause pairs); phandle
 * 0: the node has none. */
static inline void plic_node(void *f, const char *compatible,
			     const uint32_t *ie, int ie_cells, uint32_t phandle)
{
	const uint32_t reg[] = {0, 0xc000000, 0, 0x600000};

	OK(fdt_begin_node(f, "plic@c000000"));
	OK(fdt_property_string(f, "compatible", compatible));
	prop_cells(f, "reg", reg, 4);
	OK(fdt_property_u32(f, "riscv,ndev", 95));
	prop_cells(f, "interrupts-extended", ie, ie_cells);
	if (phandle)
		OK(fdt_property_u32(f, "phandle", phandle));
	OK(fdt_end_node(f));
}

/* A hart as QEMU's virt describes it, with its interrupt controller and
 * mmu-type mmu ("riscv,sv48", ...). */
static inline void cpu_node_mmu(void *f, uint32_t id, uint32_t intc_phandle,
				const char *isa, const char *mmu)
{
	char name[16];

	snprintf(name, sizeof(name), "cpu@%u", id);
	OK(fdt_begin_node(f, name));
	OK(fdt_property_string(f, "device_type", "cpu"));
	OK(fdt_property_u32(f, "reg", id));
	OK(fdt_property_string(f, "status", "okay"));
	OK(fdt_property_string(f, "riscv,isa", isa));
	OK(fdt_property_string(f, "mmu-type", mmu));
	OK(fdt_begin_node(f, "interrupt-controller"));
	OK(fdt_property_string(f, "compatible", "riscv,cpu-intc"));
	OK(fdt_property(f, "interrupt-controller", NULL, 0));
	OK(fdt_property_u32(f, "phandle", intc_phandle));
	OK(fdt_end_node(f));
	OK(fdt_end_node(f));
}

/* The hart of QEMU 10's rv64 (satp modes up to Sv57). */
static inline void cpu_node(void *f, uint32_t id, uint32_t intc_phandle,
			    const char *isa)
{
	cpu_node_mmu(f, id, intc_phandle, isa, "riscv,sv57");
}

#endif /* RVNEST_TEST_FDT_BUILD_H */
