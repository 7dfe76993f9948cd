/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests of L1's view of PCI configuration space (l0-hyp/pci.c)
 * against a buffer standing for the host's ECAM window. A buffer has no
 * BAR sizing logic: a BAR written with all ones reads all ones back, so
 * each of a function's six BAR slots looks like a 16-byte 32-bit memory
 * BAR, and L0 gives each a page of its own in the window, which is what
 * these tests expect. The IOMMU is a platform one (pci.c never touches it
 * here); the IOMMU driver's hardware part is not linked (stubs below).
 */
#include "unit.h"

#include <string.h>

#include "../pci.h"

#define ECAM_SIZE (1UL << 20)
#define FN(dev, fn) ((uint16_t)((dev) << 3 | (fn)))

static uint8_t ecam[ECAM_SIZE] __attribute__((aligned(4096)));
static struct l0_platform plat;
static struct l0_options opts;
static struct l0_pci pc;
static char err[256];

/* The IOMMU driver's hardware part and L0's HFENCE: not reached with a
 * NULL pc.gmem (no BAR move) and no IOMMU registers. */
unsigned l0_iommu_poll_faults(struct l0_iommu *m)
{
	(void)m;
	return 0;
}

enum l0_iommu_status l0_iommu_invalidate_gstage(struct l0_iommu *m, char *e,
						size_t n)
{
	(void)m;
	(void)e;
	(void)n;
	return L0_IOMMU_BAD;
}

void l0_hfence_gvma(unsigned long vhartid, bool has_gpa, unsigned long gpa,
		    bool has_vmid, unsigned long vmid)
{
	(void)vhartid;
	(void)has_gpa;
	(void)gpa;
	(void)has_vmid;
	(void)vmid;
}

static uint8_t *cfg(uint16_t devfn, unsigned reg)
{
	return ecam + ((size_t)devfn << 12) + reg;
}

static void put32(uint16_t devfn, unsigned reg, uint32_t v)
{
	memcpy(cfg(devfn, reg), &v, 4);
}

static uint32_t get32(uint16_t devfn, unsigned reg)
{
	uint32_t v;

	memcpy(&v, cfg(devfn, reg), 4);
	return v;
}

static void function(uint16_t devfn, uint32_t id, uint32_t class_rev,
		     uint8_t header)
{
	memset(cfg(devfn, 0), 0, 4096);
	put32(devfn, PCI_VENDOR_ID, id);
	put32(devfn, PCI_CLASS_REVISION, class_rev);
	*cfg(devfn, PCI_HEADER_TYPE) = header;
}

/* 00:00.0 host bridge, 00:02.0 an endpoint with MSI (0x40), a vendor
 * capability (0x50), MSI-X (0x60) and power management (0x70), 00:03.0 a
 * PCI bridge, 00:04.0 another endpoint. */
static void build(void)
{
	memset(ecam, 0xff, sizeof(ecam));
	function(FN(0, 0), 0x00081b36, 0x06000000, 0);
	function(FN(2, 0), 0x56781234, 0x01000001, 0);
	put32(FN(2, 0), PCI_COMMAND, (uint32_t)PCI_STATUS_CAP_LIST << 16);
	*cfg(FN(2, 0), PCI_CAP_PTR) = 0x40;
	put32(FN(2, 0), 0x40, 0x00005000 | PCI_CAP_ID_MSI);
	put32(FN(2, 0), 0x50, 0x00106000 | 0x09);
	put32(FN(2, 0), 0x54, 0x11223344);
	put32(FN(2, 0), 0x60, 0x00007000 | PCI_CAP_ID_MSIX);
	put32(FN(2, 0), 0x70, 0x00030000 | 0x01);
	function(FN(3, 0), 0x00011b36, 0x06040000, 1);
	function(FN(4, 0), 0x99991234, 0x02000000, 0);

	memset(&plat, 0, sizeof(plat));
	plat.has_plic = true;
	plat.pci.has_pci = true;
	plat.pci.ecam = (struct l0_range){(uint64_t)(uintptr_t)ecam, ECAM_SIZE};
	plat.pci.bus_lo = plat.pci.bus_hi = 0;
	plat.pci.has_win[L0_PCI_SPACE_MEM32] = true;
	plat.pci.win[L0_PCI_SPACE_MEM32] =
		(struct l0_pci_window){0x40000000, 0x40000000, 0x100000, false};
	plat.pci.iommu = L0_IOMMU_PLATFORM;
	plat.pci.iommu_regs = (struct l0_range){0x3010000, 0x1000};
}

static enum l0_pci_status init(const char *l0args)
{
	build();
	CHECK_EQ(l0_options_parse(l0args, &opts, err, sizeof(err)),
		 L0_OPTIONS_OK);
	return l0_pci_init(&pc, &plat, &opts, err, sizeof(err));
}

static uint64_t rd(uint16_t devfn, unsigned reg, unsigned width)
{
	uint64_t v = 0xdead;

	CHECK_EQ(l0_pci_cfg_read(&pc, ((uint64_t)devfn << 12) + reg, width, &v),
		 L0_MMIO_OK);
	return v;
}

static void wr(uint16_t devfn, unsigned reg, unsigned width, uint64_t v)
{
	CHECK_EQ(l0_pci_cfg_write(&pc, ((uint64_t)devfn << 12) + reg, width, v),
		 L0_MMIO_OK);
}

TEST(pci_init_refuses_what_l1_must_not_get)
{
	CHECK_EQ(init("l1.pci=00:05.0"), L0_PCI_BAD);
	CHECK(strstr(err, "no PCI function 00:05.0") != NULL);
	CHECK_EQ(init("l1.pci=00:03.0"), L0_PCI_BAD);
	CHECK(strstr(err, "is a bridge") != NULL);
	CHECK_EQ(init("l1.pci=01:00.0"), L0_PCI_BAD);
	CHECK(strstr(err, "not on bus 0") != NULL);
	build();
	plat.pci.iommu = L0_IOMMU_NONE;
	CHECK_EQ(l0_pci_init(&pc, &plat, &opts, err, sizeof(err)), L0_PCI_BAD);
	CHECK(strstr(err, "has no IOMMU") != NULL);
	build();
	plat.has_plic = false;
	CHECK_EQ(l0_pci_init(&pc, &plat, &opts, err, sizeof(err)), L0_PCI_BAD);
	CHECK(strstr(err, "vPLIC") != NULL);
}

TEST(pci_init_places_bars_and_masters_only_l1s_functions)
{
	uint16_t ids[8];

	CHECK_EQ(init("l1.pci=all"), L0_PCI_OK);
	/* all: the two endpoints, not the host bridge nor the bridge */
	CHECK_EQ(l0_pci_assigned_ids(&pc, ids, 8), 2);
	CHECK_EQ(ids[0], FN(2, 0));
	CHECK_EQ(ids[1], FN(4, 0));
	/* one page each, in order, in the window */
	for (unsigned b = 0; b < 6; b++)
		CHECK_EQ(get32(FN(2, 0), PCI_BAR0 + 4 * b),
			 0x40000000u + 0x1000u * b);
	CHECK_EQ(get32(FN(4, 0), PCI_BAR0), 0x40006000u);
	CHECK_EQ(get32(FN(2, 0), PCI_COMMAND) & 0xffff,
		 PCI_CMD_MEM | PCI_CMD_MASTER);
	CHECK_EQ(get32(FN(0, 0), PCI_COMMAND) & 0xffff, 0);
	CHECK_EQ(get32(FN(3, 0), PCI_COMMAND) & 0xffff, 0);
	CHECK_EQ(l0_pci_iommu_regs(&pc), 0x3010000);

	/* the window full: a clear error */
	build();
	plat.pci.win[L0_PCI_SPACE_MEM32].size = 0x5000;
	CHECK_EQ(l0_pci_init(&pc, &plat, &opts, err, sizeof(err)), L0_PCI_BAD);
	CHECK(strstr(err, "does not fit") != NULL);
}

TEST(pci_l1_sees_only_its_function_without_msi)
{
	uint64_t v;

	CHECK_EQ(init("l1.pci=00:02.0"), L0_PCI_OK);
	/* absent: the host bridge, the bridge, the other endpoint */
	CHECK_EQ(rd(FN(0, 0), 0, 4), 0xffffffffu);
	CHECK_EQ(rd(FN(4, 0), 0, 2), 0xffff);
	CHECK_EQ(rd(FN(3, 0), PCI_HEADER_TYPE, 1), 0xff);
	CHECK_EQ(rd(FN(2, 0), 0, 4), 0x56781234u);
	CHECK_EQ(rd(FN(2, 0), PCI_CLASS_REVISION, 4), 0x01000001u);
	/* the capability list without MSI (0x40) and MSI-X (0x60) */
	CHECK_EQ(rd(FN(2, 0), PCI_CAP_PTR, 1), 0x50);
	CHECK_EQ(rd(FN(2, 0), 0x50, 2), 0x7009);
	CHECK_EQ(rd(FN(2, 0), 0x51, 1), 0x70);
	CHECK_EQ(rd(FN(2, 0), 0x70, 4), 0x00030001u);
	/* no extended capability, no ROM */
	CHECK_EQ(rd(FN(2, 0), 0x100, 4), 0);
	CHECK_EQ(rd(FN(2, 0), PCI_ROM, 4), 0);
	/* not a register width, or misaligned */
	CHECK_EQ(l0_pci_cfg_read(&pc, ((uint64_t)FN(2, 0) << 12), 8, &v),
		 L0_MMIO_BAD_ACCESS);
	CHECK_EQ(l0_pci_cfg_read(&pc, ((uint64_t)FN(2, 0) << 12) + 2, 4, &v),
		 L0_MMIO_BAD_ACCESS);
}

TEST(pci_l1_writes_reach_only_what_they_may)
{
	CHECK_EQ(init("l1.pci=00:02.0"), L0_PCI_OK);
	/* command: only I/O, memory, master, parity, SERR, INTx disable */
	wr(FN(2, 0), PCI_COMMAND, 2, 0xffff);
	CHECK_EQ(get32(FN(2, 0), PCI_COMMAND) & 0xffff,
		 PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_PARITY |
			 PCI_CMD_SERR | PCI_CMD_INTX_DISABLE);
	/* the header's IDs and the capability pointers stay */
	wr(FN(2, 0), PCI_VENDOR_ID, 4, 0);
	CHECK_EQ(get32(FN(2, 0), PCI_VENDOR_ID), 0x56781234u);
	wr(FN(2, 0), PCI_CAP_PTR, 1, 0x40);
	CHECK_EQ(*cfg(FN(2, 0), PCI_CAP_PTR), 0x40); /* host's own, as was */
	CHECK_EQ(rd(FN(2, 0), PCI_CAP_PTR, 1), 0x50);
	wr(FN(2, 0), 0x51, 1, 0x40);
	CHECK_EQ(*cfg(FN(2, 0), 0x51), 0x60);
	/* MSI's and MSI-X's enable bits: dropped */
	wr(FN(2, 0), 0x40, 4, 0xffffffffu);
	CHECK_EQ(get32(FN(2, 0), 0x40), 0x00005000u | PCI_CAP_ID_MSI);
	wr(FN(2, 0), 0x62, 2, 0x8000);
	CHECK_EQ(get32(FN(2, 0), 0x60), 0x00007000u | PCI_CAP_ID_MSIX);
	/* a visible capability's body, the interrupt line: through */
	wr(FN(2, 0), 0x54, 4, 0xcafef00du);
	CHECK_EQ(get32(FN(2, 0), 0x54), 0xcafef00du);
	wr(FN(2, 0), PCI_INT_LINE, 1, 0x21);
	CHECK_EQ(*cfg(FN(2, 0), PCI_INT_LINE), 0x21);
	/* the extended space and absent functions: nowhere */
	wr(FN(2, 0), 0x100, 4, 0x12345678u);
	CHECK_EQ(get32(FN(2, 0), 0x100), 0);
	wr(FN(4, 0), PCI_COMMAND, 2, PCI_CMD_MASTER);
	CHECK_EQ(get32(FN(4, 0), PCI_COMMAND) & 0xffff, 0);
	CHECK(pc.cfg_dropped > 0);
}

TEST(pci_l1_sizes_bars_in_its_copy)
{
	CHECK_EQ(init("l1.pci=00:02.0"), L0_PCI_OK);
	wr(FN(2, 0), PCI_COMMAND, 2, 0); /* decoding off, as when sizing */
	wr(FN(2, 0), PCI_BAR0, 4, 0xffffffffu);
	/* 16 bytes: the size mask with the type bits (memory, 32-bit) */
	CHECK_EQ(rd(FN(2, 0), PCI_BAR0, 4), 0xfffffff0u);
	/* the device's BAR did not move */
	CHECK_EQ(get32(FN(2, 0), PCI_BAR0), 0x40000000u);
	wr(FN(2, 0), PCI_BAR0, 4, 0x40000000u);
	CHECK_EQ(rd(FN(2, 0), PCI_BAR0, 4), 0x40000000u);
	/* a place L0 would take but cannot follow to (no G-stage given:
	 * pc.gmem NULL): the device stays, the write is counted */
	wr(FN(2, 0), PCI_COMMAND, 2, PCI_CMD_MEM);
	wr(FN(2, 0), PCI_BAR0, 4, 0x40080000u);
	CHECK_EQ(rd(FN(2, 0), PCI_BAR0, 4), 0x40080000u);
	CHECK_EQ(get32(FN(2, 0), PCI_BAR0), 0x40000000u);
	CHECK_EQ(pc.bar_moves, 0);
	CHECK_EQ(pc.bar_moves_refused, 1);
}
