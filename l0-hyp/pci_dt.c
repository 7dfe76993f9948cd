/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PCI part of the host device tree (the "pci-host-ecam-generic" host
 * bridge and the RISC-V IOMMU) and of L1's: L1 gets the host bridge node
 * with bus 0 only, no IOMMU and no MSI controller, and Linux is told to
 * keep the BARs L0 assigned (/chosen/linux,pci-probe-only).
 *
 * Bindings: Devicetree "PCI Bus Binding" (IEEE 1275 PCI: a child address
 * is 3 cells, phys.hi = npt000ss bbbbbbbb dddddfff rrrrrrrr), Linux
 * Documentation/devicetree/bindings/pci/host-generic-pci.yaml and
 * iommu/riscv,iommu.yaml.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "hostdt.h"
#include "pci.h"

#define FAIL(...)                                   \
	do {                                        \
		snprintf(err, errlen, __VA_ARGS__); \
		return L0_HOSTDT_BAD;               \
	} while (0)

/* phys.hi of a PCI child address (PCI Bus Binding "Address format") */
#define PHYS_HI_SPACE_SHIFT 24
#define PHYS_HI_SPACE_MASK 3u
#define PHYS_HI_PREFETCH (1u << 30)
#define PHYS_HI_BDF_SHIFT 8
#define PHYS_HI_BDF_MASK 0xffffu
/* space codes ss */
#define PCI_SS_CONFIG 0
#define PCI_SS_IO 1
#define PCI_SS_MEM32 2
#define PCI_SS_MEM64 3
/* ECAM: 4 KiB of configuration space per function, 256 per bus (PCI
 * Express Base spec, "Enhanced Configuration Access Mechanism") */
#define ECAM_BUS_SIZE (1UL << 20)

static uint64_t cells(const fdt32_t *c, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_to_cpu(c[i]);
	return v;
}

static bool okay(const void *fdt, int node)
{
	const char *st = fdt_getprop(fdt, node, "status", NULL);

	return !st || !strcmp(st, "okay") || !strcmp(st, "ok");
}

static int find_compatible(const void *fdt, const char *compat)
{
	int node;

	for (node = fdt_node_offset_by_compatible(fdt, -1, compat); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, compat))
		if (okay(fdt, node))
			return node;
	return -1;
}

static enum l0_hostdt_status parse_ranges(const void *fdt, int node,
					  struct l0_host_pci *h, char *err,
					  size_t errlen)
{
	int parent = fdt_parent_offset(fdt, node);
	int pac = parent >= 0 ? fdt_address_cells(fdt, parent) : -1;
	int sc = fdt_size_cells(fdt, node), len, entry;
	const fdt32_t *r = fdt_getprop(fdt, node, "ranges", &len);

	if (fdt_address_cells(fdt, node) != 3 || sc < 1 || sc > 2 || pac < 1 ||
	    pac > 2)
		FAIL("host DT: %s: a PCI host bridge needs #address-cells = 3 "
		     "and #size-cells 1 or 2 (parent #address-cells 1 or 2)",
		     h->path);
	entry = 3 + pac + sc;
	if (!r || len <= 0 || len % (entry * 4))
		FAIL("host DT: %s: ranges missing or not a multiple of %d "
		     "cells",
		     h->path, entry);
	for (int i = 0; i < len / (entry * 4); i++) {
		const fdt32_t *e = r + i * entry;
		uint32_t hi = fdt32_to_cpu(e[0]);
		struct l0_pci_window w = {
			.pci = cells(e + 1, 2),
			.cpu = cells(e + 3, pac),
			.size = cells(e + 3 + pac, sc),
			.prefetch = (hi & PHYS_HI_PREFETCH) != 0,
		};
		enum l0_pci_space s;

		switch ((hi >> PHYS_HI_SPACE_SHIFT) & PHYS_HI_SPACE_MASK) {
		case PCI_SS_IO:
			s = L0_PCI_SPACE_IO;
			break;
		case PCI_SS_MEM32:
			s = L0_PCI_SPACE_MEM32;
			break;
		case PCI_SS_MEM64:
			s = L0_PCI_SPACE_MEM64;
			break;
		default:
			FAIL("host DT: %s: ranges entry %d is configuration "
			     "space",
			     h->path, i);
		}
		if (!w.size || w.cpu + w.size < w.cpu || w.pci + w.size < w.pci)
			FAIL("host DT: %s: ranges entry %d is empty or wraps",
			     h->path, i);
		/* one window per space: the first wins (QEMU virt has one) */
		if (!h->has_win[s]) {
			h->win[s] = w;
			h->has_win[s] = true;
		}
	}
	return L0_HOSTDT_OK;
}

static enum l0_hostdt_status parse_iommu(const void *fdt, struct l0_platform *p,
					 char *err, size_t errlen)
{
	struct l0_host_pci *h = &p->pci;
	int node = find_compatible(fdt, "riscv,pci-iommu"), len;

	if (node >= 0) {
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		int parent = fdt_parent_offset(fdt, node);
		uint32_t hi;

		if (fdt_get_path(fdt, node, h->iommu_path,
				 sizeof(h->iommu_path)) < 0)
			FAIL("host DT: IOMMU path too long");
		/* the function's config-space address: its BDF (PCI Bus
		 * Binding, a device node's first reg entry, ss = 00) */
		if (!h->has_pci || parent < 0 ||
		    fdt_node_check_compatible(fdt, parent,
					      "pci-host-ecam-generic"))
			FAIL("host DT: %s is not a child of the PCI host "
			     "bridge",
			     h->iommu_path);
		if (!reg || len < 5 * 4)
			FAIL("host DT: %s: reg missing or shorter than one PCI "
			     "address and size",
			     h->iommu_path);
		hi = fdt32_to_cpu(reg[0]);
		if ((hi >> PHYS_HI_SPACE_SHIFT) & PHYS_HI_SPACE_MASK)
			FAIL("host DT: %s: reg is not a configuration-space "
			     "address",
			     h->iommu_path);
		h->iommu_bdf = (uint16_t)((hi >> PHYS_HI_BDF_SHIFT) &
					  PHYS_HI_BDF_MASK);
		h->iommu = L0_IOMMU_PCI;
		return L0_HOSTDT_OK;
	}
	node = find_compatible(fdt, "riscv,iommu");
	if (node < 0)
		return L0_HOSTDT_OK;
	if (fdt_get_path(fdt, node, h->iommu_path, sizeof(h->iommu_path)) < 0)
		FAIL("host DT: IOMMU path too long");
	if (l0_hostdt_read_reg(fdt, node, 0, &h->iommu_regs, err, errlen) !=
	    L0_HOSTDT_OK)
		return L0_HOSTDT_BAD;
	/* the register file is 4 KiB (IOMMU spec "Register layout") */
	if (h->iommu_regs.size < L0_IOMMU_REGS_SIZE ||
	    h->iommu_regs.base % L0_IOMMU_REGS_SIZE)
		FAIL("host DT: %s: registers 0x%llx+0x%llx are not an aligned "
		     "4 KiB page",
		     h->iommu_path, (unsigned long long)h->iommu_regs.base,
		     (unsigned long long)h->iommu_regs.size);
	h->iommu = L0_IOMMU_PLATFORM;
	return L0_HOSTDT_OK;
}

enum l0_hostdt_status l0_hostdt_parse_pci(const void *fdt,
					  struct l0_platform *p, char *err,
					  size_t errlen)
{
	struct l0_host_pci *h = &p->pci;
	int node = find_compatible(fdt, "pci-host-ecam-generic"), len;
	const fdt32_t *br;

	if (node >= 0) {
		if (fdt_get_path(fdt, node, h->path, sizeof(h->path)) < 0)
			FAIL("host DT: PCI host bridge path too long");
		if (l0_hostdt_read_reg(fdt, node, 0, &h->ecam, err, errlen) !=
		    L0_HOSTDT_OK)
			return L0_HOSTDT_BAD;
		if (!h->ecam.size || h->ecam.size % ECAM_BUS_SIZE ||
		    h->ecam.base % ECAM_BUS_SIZE)
			FAIL("host DT: %s: ECAM window 0x%llx+0x%llx is not "
			     "whole 1 MiB buses",
			     h->path, (unsigned long long)h->ecam.base,
			     (unsigned long long)h->ecam.size);
		h->bus_lo = 0;
		h->bus_hi = (uint32_t)(h->ecam.size / ECAM_BUS_SIZE - 1);
		br = fdt_getprop(fdt, node, "bus-range", &len);
		if (br) {
			if (len != 8 ||
			    fdt32_to_cpu(br[0]) > fdt32_to_cpu(br[1]) ||
			    fdt32_to_cpu(br[1]) > 255 ||
			    fdt32_to_cpu(br[1]) - fdt32_to_cpu(br[0]) >
				    h->bus_hi)
				FAIL("host DT: %s: bus-range malformed or "
				     "larger than the ECAM window",
				     h->path);
			h->bus_lo = fdt32_to_cpu(br[0]);
			h->bus_hi = fdt32_to_cpu(br[1]);
		}
		if (parse_ranges(fdt, node, h, err, errlen) != L0_HOSTDT_OK)
			return L0_HOSTDT_BAD;
		h->has_intx_map =
			fdt_getprop(fdt, node, "interrupt-map", NULL) != NULL;
		h->has_pci = true;
	}
	return parse_iommu(fdt, p, err, errlen);
}

/* L1's host bridge: the host's node, bus 0 only (an ECAM window of one
 * bus), the same windows and interrupt-map (the vPLIC keeps the PLIC's
 * phandle and sources), no IOMMU child, no iommu-map/msi-map (L1 sees
 * neither the IOMMU nor an MSI controller). */
int l0_pci_dt_fix_l1(void *fdt, const struct l0_host_pci *h)
{
	static const char *const drop[] = {"iommu-map", "iommu-map-mask",
					   "msi-map", "msi-map-mask",
					   "msi-parent"};
	fdt32_t reg[4], range[2] = {0, 0};
	int node = fdt_path_offset(fdt, h->path), child, rc, chosen, parent;

	if (node < 0)
		return node;
	while ((child = fdt_first_subnode(fdt, node)) >= 0) {
		rc = fdt_del_node(fdt, child);
		if (rc)
			return rc;
		node = fdt_path_offset(fdt, h->path);
	}
	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		fdt_delprop(fdt, node, drop[i]);
	/* reg in the parent's cells: 2 and 2 (QEMU virt's /soc) */
	reg[0] = cpu_to_fdt32((uint32_t)(h->ecam.base >> 32));
	reg[1] = cpu_to_fdt32((uint32_t)h->ecam.base);
	reg[2] = cpu_to_fdt32(0);
	reg[3] = cpu_to_fdt32((uint32_t)ECAM_BUS_SIZE);
	parent = fdt_parent_offset(fdt, node);
	if (parent < 0)
		return parent;
	if (fdt_address_cells(fdt, parent) != 2 ||
	    fdt_size_cells(fdt, parent) != 2)
		return -FDT_ERR_BADNCELLS;
	rc = fdt_setprop(fdt, node, "reg", reg, sizeof(reg));
	if (!rc)
		rc = fdt_setprop(fdt, node, "bus-range", range, sizeof(range));
	if (rc)
		return rc;
	/* Linux keeps the BARs as found instead of reassigning them (L0
	 * does not move a BAR L1 writes: pci.c "BARs") */
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		return chosen;
	return fdt_setprop_u32(fdt, chosen, "linux,pci-probe-only", 1);
}
