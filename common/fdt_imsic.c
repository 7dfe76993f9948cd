/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The boot hart's S-level IMSIC interrupt file and its guest files, from
 * the device tree (see rvnest/fdt_imsic.h).
 */
#include <libfdt.h>
#include <rvnest/encoding.h>
#include <rvnest/fdt_imsic.h>

/* One interrupt file is one 4 KiB page (AIA "IMSIC memory regions"). */
#define IMSIC_FILE_SHIFT 12
/* The binding's upper bound for riscv,guest-index-bits. */
#define IMSIC_GUEST_BITS_MAX 7

static bool prop_u32(const void *fdt, int node, const char *name, uint32_t dflt,
		     uint32_t *out)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p) {
		*out = dflt;
		return true;
	}
	if (len != 4)
		return false;
	*out = fdt32_to_cpu(*p);
	return true;
}

/* The phandle of the hart's riscv,cpu-intc child, or 0. */
static uint32_t hart_intc(const void *fdt, unsigned long hartid)
{
	int cpu = fdt_util_cpu_node(fdt, hartid);
	int n;

	if (cpu < 0)
		return 0;
	fdt_for_each_subnode(n, fdt, cpu)
	{
		if (!fdt_node_check_compatible(fdt, n, "riscv,cpu-intc"))
			return fdt_get_phandle(fdt, n);
	}
	return 0;
}

/* The reg entries as (address, size) in the parent's cells. */
static bool reg_entry(const void *fdt, int node, int i, uint64_t *base,
		      uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac = fdt_address_cells(fdt, parent);
	int sc = fdt_size_cells(fdt, parent);
	int len;
	const fdt32_t *r = fdt_getprop(fdt, node, "reg", &len);

	if (!r || ac < 1 || ac > 2 || sc < 1 || sc > 2 ||
	    len < (i + 1) * (ac + sc) * 4)
		return false;
	r += i * (ac + sc);
	*base = fdt32_to_cpu(r[0]);
	if (ac == 2)
		*base = (*base << 32) | fdt32_to_cpu(r[1]);
	r += ac;
	*size = fdt32_to_cpu(r[0]);
	if (sc == 2)
		*size = (*size << 32) | fdt32_to_cpu(r[1]);
	return true;
}

enum fdt_util_status fdt_imsic_s_file(const void *fdt, unsigned long hartid,
				      struct fdt_imsic *out)
{
	uint32_t intc = hart_intc(fdt, hartid);
	int node;

	if (!intc)
		return FDT_UTIL_NOT_FOUND;
	for (node = fdt_node_offset_by_compatible(fdt, -1, "riscv,imsics");
	     node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "riscv,imsics")) {
		const fdt32_t *ie;
		int len, ctx = -1;
		uint32_t gbits, nids;
		uint64_t off, base, size;

		ie = fdt_getprop(fdt, node, "interrupts-extended", &len);
		if (!ie || len <= 0 || len % 8)
			continue;
		/* one (controller, irq) pair per file; S-level files are
		 * IRQ_S_EXT at the hart's controller (the binding) */
		for (int i = 0; i < len / 8; i++)
			if (fdt32_to_cpu(ie[2 * i]) == intc &&
			    fdt32_to_cpu(ie[2 * i + 1]) == IRQ_S_EXT)
				ctx = i;
		if (ctx < 0)
			continue;
		if (!prop_u32(fdt, node, "riscv,guest-index-bits", 0, &gbits) ||
		    gbits > IMSIC_GUEST_BITS_MAX ||
		    !prop_u32(fdt, node, "riscv,num-ids", 0, &nids) || !nids)
			return FDT_UTIL_BAD_PROP;
		/* files one after another, each hart's S file followed by
		 * its guest files: 4 KiB << guest-index-bits per hart; a
		 * single reg region holds them on QEMU virt (one group) */
		off = (uint64_t)ctx << (IMSIC_FILE_SHIFT + gbits);
		if (!reg_entry(fdt, node, 0, &base, &size) ||
		    off + ((uint64_t)1 << (IMSIC_FILE_SHIFT + gbits)) > size)
			return FDT_UTIL_BAD_PROP;
		out->s_file = base + off;
		out->guest_bits = gbits;
		out->num_ids = nids;
		out->ctx = (unsigned)ctx;
		return FDT_UTIL_OK;
	}
	return FDT_UTIL_NOT_FOUND;
}
