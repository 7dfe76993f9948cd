/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Building host device trees for L0's unit tests (libfdt's sequential
 * writer): the helpers test_l0_dt.c and test_l0_aia.c share.
 */
#ifndef L0_TESTS_FDT_BUILD_H
#define L0_TESTS_FDT_BUILD_H

#include <libfdt.h>
#include <stdint.h>
#include <stdio.h>

#include "unit.h"

#define OK(x) CHECK((x) == 0)

/* A property of n (at most 16) 32-bit cells. */
static inline void prop_cells(void *f, const char *name, const uint32_t *c,
			      int n)
{
	fdt32_t v[16];

	CHECK(n <= 16);
	for (int i = 0; i < n; i++)
		v[i] = cpu_to_fdt32(c[i]);
	OK(fdt_property(f, name, v, n * 4));
}

/* QEMU virt's RAM: 1 GiB at 0x80000000 (the root has 2 address and 2
 * size cells). */
static inline void memory_node(void *f)
{
	const uint32_t mem[] = {0, 0x80000000, 0, 0x40000000};

	OK(fdt_begin_node(f, "memory@80000000"));
	OK(fdt_property_string(f, "device_type", "memory"));
	prop_cells(f, "reg", mem, 4);
	OK(fdt_end_node(f));
}

/* Opens /cpus (cpu_node the harts, then fdt_end_node). */
static inline void cpus_begin(void *f)
{
	OK(fdt_begin_node(f, "cpus"));
	OK(fdt_property_u32(f, "#address-cells", 1));
	OK(fdt_property_u32(f, "#size-cells", 0));
	OK(fdt_property_u32(f, "timebase-frequency", 10000000));
}

/* Opens /soc (2 address and 2 size cells, identity ranges) with the
 * UART QEMU virt has at 0x10000000 as its first node, left open for the
 * caller's interrupt properties (then fdt_end_node). */
static inline void soc_begin_with_uart(void *f)
{
	const uint32_t uart[] = {0, 0x10000000, 0, 0x100};

	OK(fdt_begin_node(f, "soc"));
	OK(fdt_property_u32(f, "#address-cells", 2));
	OK(fdt_property_u32(f, "#size-cells", 2));
	OK(fdt_property(f, "ranges", NULL, 0));
	OK(fdt_begin_node(f, "serial@10000000"));
	OK(fdt_property_string(f, "compatible", "ns16550a"));
	prop_cells(f, "reg", uart, 4);
}

/* A hart as QEMU's virt describes it, with its interrupt controller. */
static inline void cpu_node(void *f, uint32_t id, uint32_t intc_phandle,
			    const char *isa)
{
	char name[16];

	snprintf(name, sizeof(name), "cpu@%u", id);
	OK(fdt_begin_node(f, name));
	OK(fdt_property_string(f, "device_type", "cpu"));
	OK(fdt_property_u32(f, "reg", id));
	OK(fdt_property_string(f, "status", "okay"));
	OK(fdt_property_string(f, "riscv,isa", isa));
	OK(fdt_property_string(f, "mmu-type", "riscv,sv57"));
	OK(fdt_begin_node(f, "interrupt-controller"));
	OK(fdt_property_string(f, "compatible", "riscv,cpu-intc"));
	OK(fdt_property(f, "interrupt-controller", NULL, 0));
	OK(fdt_property_u32(f, "phandle", intc_phandle));
	OK(fdt_end_node(f));
	OK(fdt_end_node(f));
}

#endif /* L0_TESTS_FDT_BUILD_H */
