/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PCI passthrough for L1 (pci.h). What keeps L1 inside its share:
 *
 * - BARs: L0 places every BAR of an assigned function in the host
 *   bridge's windows (each on pages of its own) and maps exactly those
 *   pages into L1's G-stage (main.c). L1's BAR registers are L0's copy:
 *   L1 may size them (the copy reads back the size mask) and write them;
 *   the device follows only to a place inside the same window, naturally
 *   aligned, clear of every other BAR (the IOMMU's included), and only
 *   when L0 can fence what L1's harts cached (one vCPU, L1 without H:
 *   try_move); anything else stays in the copy. So nothing L1 writes
 *   places a BAR over memory or another device. Linux is told to keep the
 *   BARs it finds (/chosen/linux,pci-probe-only, pci_dt.c).
 * - DMA: bus mastering only for assigned functions, whose device contexts
 *   in the IOMMU translate through L1's G-stage (iommu.c): a device can
 *   reach L1's RAM and L1's devices, nothing else.
 * - Config space: only assigned functions answer; the IOMMU and every
 *   other function read as absent (vendor 0xffff). Writes reach the host
 *   only for the command register (I/O, memory, bus master, parity, SERR,
 *   INTx disable), status (write-1-to-clear), cache line, latency, the
 *   interrupt line and capability bodies; MSI and MSI-X are unlinked from
 *   the capability list and writes to their headers (the enable bits) are
 *   dropped (L1 has no MSI controller: INTx through the vPLIC). The
 *   extended space reads 0 (no extended capability).
 */
#include "pci.h"

#include "hcsr.h"

#include <stdio.h>
#include <string.h>

#define FAIL(...)                                   \
	do {                                        \
		snprintf(err, errlen, __VA_ARGS__); \
		return L0_PCI_BAD;                  \
	} while (0)

static const char *const space_names[L0_PCI_SPACE_COUNT] = {
	[L0_PCI_SPACE_IO] = "I/O",
	[L0_PCI_SPACE_MEM32] = "32-bit memory",
	[L0_PCI_SPACE_MEM64] = "64-bit memory",
};

static volatile void *cfg_addr(const struct l0_pci *pc, uint16_t devfn,
			       unsigned reg)
{
	return (volatile void *)(uintptr_t)(pc->ecam + ((uint64_t)devfn << 12) +
					    reg);
}

static uint32_t cfg_rd32(const struct l0_pci *pc, uint16_t devfn, unsigned reg)
{
	return *(volatile uint32_t *)cfg_addr(pc, devfn, reg);
}

static void cfg_wr32(const struct l0_pci *pc, uint16_t devfn, unsigned reg,
		     uint32_t v)
{
	*(volatile uint32_t *)cfg_addr(pc, devfn, reg) = v;
}

static void cfg_wr(const struct l0_pci *pc, uint16_t devfn, unsigned reg,
		   unsigned width, uint32_t v)
{
	switch (width) {
	case 1:
		*(volatile uint8_t *)cfg_addr(pc, devfn, reg) = (uint8_t)v;
		break;
	case 2:
		*(volatile uint16_t *)cfg_addr(pc, devfn, reg) = (uint16_t)v;
		break;
	default:
		*(volatile uint32_t *)cfg_addr(pc, devfn, reg) = v;
		break;
	}
}

static uint8_t cfg_rd8(const struct l0_pci *pc, uint16_t devfn, unsigned reg)
{
	return *(volatile uint8_t *)cfg_addr(pc, devfn, reg);
}

static void bdf_str(uint16_t bdf, char *s, size_t n)
{
	snprintf(s, n, "%02x:%02x.%x", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
}

static struct l0_pci_fn *find_fn(struct l0_pci *pc, uint16_t bdf)
{
	for (unsigned i = 0; i < pc->nfn; i++)
		if (pc->fn[i].bdf == bdf)
			return &pc->fn[i];
	return NULL;
}

/* Size the BARs of a function whose decoding is off (PCI Local Bus spec
 * "Base Address Registers": write all ones, the BAR reads back its size
 * mask). */
static void size_bars(struct l0_pci *pc, struct l0_pci_fn *f)
{
	uint16_t d = f->bdf & 0xff;

	for (unsigned i = 0; i < L0_PCI_NBARS; i++) {
		unsigned reg = PCI_BAR0 + 4 * i;
		struct l0_pci_bar *b = &f->bar[i];
		uint32_t old = cfg_rd32(pc, d, reg), lo;
		uint64_t mask;

		cfg_wr32(pc, d, reg, 0xffffffffu);
		lo = cfg_rd32(pc, d, reg);
		if (old & PCI_BAR_IO) {
			b->space = L0_PCI_SPACE_IO;
			b->flags = old & 0x3u;
			mask = lo & ~0x3u;
		} else if ((old & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_64 &&
			   i + 1 < L0_PCI_NBARS) {
			b->space = L0_PCI_SPACE_MEM64;
			b->flags = old & 0xfu;
			cfg_wr32(pc, d, reg + 4, 0xffffffffu);
			mask = ((uint64_t)cfg_rd32(pc, d, reg + 4) << 32) |
			       (lo & ~0xfu);
			f->bar[i + 1].upper = true;
		} else {
			b->space = L0_PCI_SPACE_MEM32;
			b->flags = old & 0xfu;
			mask = lo & ~0xfu;
		}
		/* the size is the lowest bit the BAR lets software set */
		b->size = mask & (~mask + 1);
		if (b->space == L0_PCI_SPACE_MEM64)
			i++;
	}
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Place BAR i of f in a window: natural alignment, whole pages. A 64-bit
 * BAR goes to the 64-bit window when there is one. */
static enum l0_pci_status place_bar(struct l0_pci *pc, struct l0_pci_fn *f,
				    unsigned i, char *err, size_t errlen)
{
	const struct l0_host_pci *h = pc->host;
	struct l0_pci_bar *b = &f->bar[i];
	uint64_t a = b->size > L0_PCI_BAR_MIN ? b->size : L0_PCI_BAR_MIN;
	enum l0_pci_space s = b->space;
	const struct l0_pci_window *w;
	uint16_t d = f->bdf & 0xff;
	char bdf[16];

	bdf_str(f->bdf, bdf, sizeof(bdf));
	if (s == L0_PCI_SPACE_MEM64 && !h->has_win[s])
		s = L0_PCI_SPACE_MEM32;
	if (!h->has_win[s])
		FAIL("l1.pci: %s BAR%u needs a %s window; the host bridge has "
		     "none",
		     bdf, i, space_names[s]);
	w = &h->win[s];
	if (!pc->next[s])
		pc->next[s] = w->pci;
	b->pci = align_up(pc->next[s], a);
	if (b->pci < w->pci || b->pci + a > w->pci + w->size ||
	    b->pci + a < b->pci ||
	    (b->space != L0_PCI_SPACE_MEM64 && b->pci + a > (1ULL << 32)))
		FAIL("l1.pci: %s BAR%u (0x%llx bytes) does not fit in the "
		     "host's %s window",
		     bdf, i, (unsigned long long)b->size, space_names[s]);
	pc->next[s] = b->pci + a;
	b->win = s;
	b->cpu = w->cpu + (b->pci - w->pci);
	cfg_wr32(pc, d, PCI_BAR0 + 4 * i, (uint32_t)b->pci | b->flags);
	b->l1_val = (uint32_t)b->pci | b->flags;
	if (b->space == L0_PCI_SPACE_MEM64) {
		cfg_wr32(pc, d, PCI_BAR0 + 4 * (i + 1),
			 (uint32_t)(b->pci >> 32));
		f->bar[i + 1].l1_val = (uint32_t)(b->pci >> 32);
	}
	return L0_PCI_OK;
}

static bool cap_hidden(uint8_t id)
{
	return id == PCI_CAP_ID_MSI || id == PCI_CAP_ID_MSIX;
}

/* L1's capability list: the host's in order, MSI and MSI-X left out. */
static void scan_caps(struct l0_pci *pc, struct l0_pci_fn *f)
{
	uint16_t d = f->bdf & 0xff;
	uint8_t ptr;

	if (!(cfg_rd32(pc, d, PCI_COMMAND) >> 16 & PCI_STATUS_CAP_LIST))
		return;
	ptr = cfg_rd8(pc, d, PCI_CAP_PTR) & ~3u;
	/* at most 48 capabilities fit between 0x40 and 0x100 */
	for (unsigned n = 0; ptr >= PCI_HEADER_END && n < 48; n++) {
		uint8_t id = cfg_rd8(pc, d, ptr);

		if (cap_hidden(id)) {
			if (f->nhidden < L0_PCI_MAX_CAPS)
				f->hidden[f->nhidden++] = ptr;
		} else if (f->ncap < L0_PCI_MAX_CAPS) {
			f->cap[f->ncap++] = ptr;
		}
		ptr = cfg_rd8(pc, d, ptr + 1) & ~3u;
	}
}

/* virtio over PCI (virtio 1.x "Virtio Over PCI Bus"): vendor 0x1af4,
 * devices 0x1000-0x107f; a vendor capability (0x09) with cfg_type 1 names
 * the BAR and offset of the common configuration, whose
 * device_feature_select (0x00) / device_feature (0x04) give feature word
 * 1, where VIRTIO_F_ACCESS_PLATFORM is bit 33 - 32. */
#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_DEVICE_FIRST 0x1000
#define VIRTIO_DEVICE_LAST 0x107f
#define VIRTIO_CAP_COMMON 1
#define VIRTIO_COMMON_DFSELECT 0x00
#define VIRTIO_COMMON_DF 0x04
#define VIRTIO_F_ACCESS_PLATFORM_HI (1u << (33 - 32))
#define PCI_CAP_ID_VENDOR 0x09

/* A virtio device that does not offer VIRTIO_F_ACCESS_PLATFORM: QEMU
 * then gives its DMA the host's physical addresses, around the IOMMU
 * (measured: its virtqueue reads hit L0's memory), and the driver cannot
 * change that. Such a function must not reach L1. Its memory decoding
 * must be on. */
static bool virtio_bypasses_iommu(struct l0_pci *pc, const struct l0_pci_fn *f)
{
	uint16_t d = f->bdf & 0xff;
	uint8_t ptr;

	if (f->vendor != VIRTIO_VENDOR || f->device < VIRTIO_DEVICE_FIRST ||
	    f->device > VIRTIO_DEVICE_LAST)
		return false;
	if (!(cfg_rd32(pc, d, PCI_COMMAND) >> 16 & PCI_STATUS_CAP_LIST))
		return true; /* legacy only: no feature word 1 at all */
	ptr = cfg_rd8(pc, d, PCI_CAP_PTR) & ~3u;
	for (unsigned n = 0; ptr >= PCI_HEADER_END && n < 48; n++) {
		/* struct virtio_pci_cap: cfg_type +3, bar +4, offset +8 */
		if (cfg_rd8(pc, d, ptr) == PCI_CAP_ID_VENDOR &&
		    cfg_rd8(pc, d, ptr + 3) == VIRTIO_CAP_COMMON) {
			uint8_t bar = cfg_rd8(pc, d, ptr + 4);
			uint64_t common;

			if (bar >= L0_PCI_NBARS || !f->bar[bar].size ||
			    f->bar[bar].space == L0_PCI_SPACE_IO)
				return true;
			common = f->bar[bar].cpu + cfg_rd32(pc, d, ptr + 8);
			*(volatile uint32_t
				  *)(uintptr_t)(common +
						VIRTIO_COMMON_DFSELECT) = 1;
			return !(*(volatile uint32_t
					   *)(uintptr_t)(common +
							 VIRTIO_COMMON_DF) &
				 VIRTIO_F_ACCESS_PLATFORM_HI);
		}
		ptr = cfg_rd8(pc, d, ptr + 1) & ~3u;
	}
	return true;
}

static bool is_bridge(const struct l0_pci_fn *f)
{
	return (f->header & PCI_HEADER_TYPE_MASK) != 0 ||
	       (f->class_rev >> 24) == PCI_CLASS_BRIDGE;
}

static void scan_bus0(struct l0_pci *pc)
{
	for (unsigned dev = 0; dev < 32; dev++) {
		for (unsigned fn = 0; fn < 8; fn++) {
			uint16_t d = (uint16_t)(dev << 3 | fn);
			uint32_t id = cfg_rd32(pc, d, PCI_VENDOR_ID);
			struct l0_pci_fn *f;

			if ((id & 0xffff) == 0xffff) {
				if (fn == 0)
					break;
				continue;
			}
			if (pc->nfn == L0_PCI_MAX_FNS)
				return;
			f = &pc->fn[pc->nfn++];
			memset(f, 0, sizeof(*f));
			f->bdf = d;
			f->vendor = (uint16_t)id;
			f->device = (uint16_t)(id >> 16);
			f->class_rev = cfg_rd32(pc, d, PCI_CLASS_REVISION);
			f->header = cfg_rd8(pc, d, PCI_HEADER_TYPE);
			/* a single-function device: only function 0 */
			if (fn == 0 && !(f->header & PCI_HEADER_MULTI))
				break;
		}
	}
}

static enum l0_pci_status select_fns(struct l0_pci *pc,
				     const struct l0_options *o, char *err,
				     size_t errlen)
{
	char bdf[16];

	if (o->pci_all) {
		for (unsigned i = 0; i < pc->nfn; i++)
			pc->fn[i].assigned =
				!pc->fn[i].is_iommu && !is_bridge(&pc->fn[i]);
		return L0_PCI_OK;
	}
	for (unsigned i = 0; i < o->npci; i++) {
		struct l0_pci_fn *f = find_fn(pc, o->pci_bdf[i]);

		bdf_str(o->pci_bdf[i], bdf, sizeof(bdf));
		if ((o->pci_bdf[i] >> 8) != 0)
			FAIL("l1.pci: %s is not on bus 0 (L0 passes through "
			     "functions of the root bus only)",
			     bdf);
		if (!f)
			FAIL("l1.pci: no PCI function %s on the host", bdf);
		if (f->is_iommu)
			FAIL("l1.pci: %s is the IOMMU, which L1 never gets",
			     bdf);
		if (is_bridge(f))
			FAIL("l1.pci: %s is a bridge (class 0x%06x), not an "
			     "endpoint",
			     bdf, f->class_rev >> 8);
		f->assigned = true;
	}
	return L0_PCI_OK;
}

enum l0_pci_status l0_pci_init(struct l0_pci *pc, const struct l0_platform *h,
			       const struct l0_options *o, char *err,
			       size_t errlen)
{
	const struct l0_host_pci *hp = &h->pci;
	struct l0_pci_fn *f;
	char bdf[16];

	memset(pc, 0, sizeof(*pc));
	pc->host = hp;
	if (!hp->has_pci)
		FAIL("l1.pci asks for PCI passthrough but the host has no PCIe "
		     "host bridge (pci-host-ecam-generic)");
	if (hp->iommu == L0_IOMMU_NONE)
		FAIL("l1.pci asks for PCI passthrough but the host has no "
		     "IOMMU: without one a device could DMA anywhere (QEMU: "
		     "-device riscv-iommu-pci before the devices, or -M "
		     "virt,iommu-sys=on)");
	if (hp->bus_lo != 0)
		FAIL("l1.pci: the host bridge's buses start at %u, L0 "
		     "passes through functions of bus 0",
		     hp->bus_lo);
	if (!h->has_plic)
		FAIL("l1.pci: INTx reaches L1 through the vPLIC, which needs "
		     "a host PLIC");
	pc->ecam = hp->ecam.base;
	scan_bus0(pc);
	if (hp->iommu == L0_IOMMU_PCI) {
		f = find_fn(pc, hp->iommu_bdf);
		bdf_str(hp->iommu_bdf, bdf, sizeof(bdf));
		if (!f)
			FAIL("host DT: IOMMU at %s, but no function answers "
			     "there",
			     bdf);
		f->is_iommu = true;
	}
	if (select_fns(pc, o, err, errlen) != L0_PCI_OK)
		return L0_PCI_BAD;
	for (unsigned i = 0; i < pc->nfn; i++) {
		uint16_t cmd = 0;

		f = &pc->fn[i];
		/* decoding and bus mastering off while the BARs move; off
		 * for good for a function that is neither L1's nor the
		 * IOMMU (it cannot DMA: bus master disabled) */
		cfg_wr(pc, f->bdf & 0xff, PCI_COMMAND, 2, 0);
		if (!f->assigned && !f->is_iommu)
			continue;
		size_bars(pc, f);
		for (unsigned b = 0; b < L0_PCI_NBARS; b++) {
			if (!f->bar[b].size || f->bar[b].upper)
				continue;
			if (place_bar(pc, f, b, err, errlen) != L0_PCI_OK)
				return L0_PCI_BAD;
			cmd |= f->bar[b].space == L0_PCI_SPACE_IO ? PCI_CMD_IO
								  : PCI_CMD_MEM;
		}
		/* no expansion ROM for anyone */
		cfg_wr32(pc, f->bdf & 0xff, PCI_ROM, 0);
		if (f->assigned)
			scan_caps(pc, f);
		cfg_wr(pc, f->bdf & 0xff, PCI_COMMAND, 2, cmd | PCI_CMD_MASTER);
		if (f->assigned && virtio_bypasses_iommu(pc, f)) {
			cfg_wr(pc, f->bdf & 0xff, PCI_COMMAND, 2, 0);
			bdf_str(f->bdf, bdf, sizeof(bdf));
			FAIL("l1.pci: %s is a virtio device that does not "
			     "offer "
			     "VIRTIO_F_ACCESS_PLATFORM: QEMU lets its DMA "
			     "around "
			     "the IOMMU (QEMU: -device "
			     "...,disable-legacy=on,iommu_platform=on)",
			     bdf);
		}
	}
	if (hp->iommu == L0_IOMMU_PCI) {
		f = find_fn(pc, hp->iommu_bdf);
		if (!f->bar[0].size || f->bar[0].space == L0_PCI_SPACE_IO ||
		    f->bar[0].size < L0_IOMMU_REGS_SIZE)
			FAIL("IOMMU %s: BAR0 is not a memory BAR of at least "
			     "4 KiB",
			     hp->iommu_path);
	}
	pc->has_iommu = true;
	return L0_PCI_OK;
}

uint64_t l0_pci_iommu_regs(const struct l0_pci *pc)
{
	const struct l0_host_pci *hp = pc->host;

	if (hp->iommu == L0_IOMMU_PLATFORM)
		return hp->iommu_regs.base;
	for (unsigned i = 0; i < pc->nfn; i++)
		if (pc->fn[i].is_iommu)
			return pc->fn[i].bar[0].cpu;
	return 0;
}

unsigned l0_pci_assigned_ids(const struct l0_pci *pc, uint16_t *ids,
			     unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < pc->nfn && n < max; i++)
		if (pc->fn[i].assigned)
			ids[n++] = pc->fn[i].bdf;
	return n;
}

/* ---- L1's ECAM window ------------------------------------------------ */

static struct l0_pci_fn *l1_fn(struct l0_pci *pc, uint64_t off)
{
	struct l0_pci_fn *f = find_fn(pc, (uint16_t)(off >> 12));

	return f && f->assigned ? f : NULL;
}

static uint8_t next_visible(const struct l0_pci_fn *f, uint8_t after)
{
	/* f->cap is in list order: the one after `after` (0: the first) */
	if (!after)
		return f->ncap ? f->cap[0] : 0;
	for (unsigned i = 0; i + 1 < f->ncap; i++)
		if (f->cap[i] == after)
			return f->cap[i + 1];
	return 0;
}

static uint32_t set_byte(uint32_t v, unsigned byte, uint8_t b)
{
	return (v & ~(0xffu << (8 * byte))) | ((uint32_t)b << (8 * byte));
}

/* The dword at `reg` (aligned, < 0x100) as L1 sees it. */
static uint32_t l1_dword(struct l0_pci *pc, const struct l0_pci_fn *f,
			 unsigned reg)
{
	uint32_t v;

	if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 4 * L0_PCI_NBARS)
		return f->bar[(reg - PCI_BAR0) / 4].l1_val;
	if (reg == PCI_ROM)
		return 0;
	v = cfg_rd32(pc, f->bdf & 0xff, reg);
	if (reg == PCI_CAP_PTR)
		v = set_byte(v, 0, next_visible(f, 0));
	for (unsigned i = 0; i < f->ncap; i++)
		if (((f->cap[i] + 1u) & ~3u) == reg)
			v = set_byte(v, (f->cap[i] + 1u) & 3u,
				     next_visible(f, f->cap[i]));
	return v;
}

static enum l0_mmio_status check_access(uint64_t off, unsigned width)
{
	if ((width != 1 && width != 2 && width != 4) || off % width ||
	    off >= L0_PCI_ECAM_BUS_SIZE)
		return L0_MMIO_BAD_ACCESS;
	return L0_MMIO_OK;
}

enum l0_mmio_status l0_pci_cfg_read(void *ctx, uint64_t off, unsigned width,
				    uint64_t *val)
{
	struct l0_pci *pc = ctx;
	const struct l0_pci_fn *f;
	unsigned reg = (unsigned)(off & 0xfff);
	uint64_t mask;

	if (check_access(off, width) != L0_MMIO_OK)
		return L0_MMIO_BAD_ACCESS;
	mask = (1ULL << (8 * width)) - 1; /* width 1, 2 or 4 */
	pc->cfg_reads++;
	/* config accesses are where L1 looks at its devices: report what
	 * the IOMMU stopped meanwhile */
	l0_iommu_poll_faults(&pc->iommu);
	f = l1_fn(pc, off);
	if (!f) /* no function: the read completes with all ones */
		*val = mask;
	else if (reg >= PCI_CONFIG_END) /* no extended capability */
		*val = 0;
	else
		*val = (l1_dword(pc, f, reg & ~3u) >> (8 * (reg & 3))) & mask;
	return L0_MMIO_OK;
}

/* What a byte L1 writes at `reg` becomes. */
enum cfg_byte {
	CFG_DROP,
	CFG_BAR,
	CFG_COMMAND,
	CFG_PASS,
};

static enum cfg_byte classify(const struct l0_pci_fn *f, unsigned reg)
{
	if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 4 * L0_PCI_NBARS)
		return CFG_BAR;
	if (reg == PCI_COMMAND || reg == PCI_COMMAND + 1)
		return CFG_COMMAND;
	if (reg == PCI_STATUS || reg == PCI_STATUS + 1 ||
	    reg == PCI_CACHE_LINE || reg == PCI_LATENCY || reg == PCI_INT_LINE)
		return CFG_PASS;
	if (reg < PCI_HEADER_END || reg >= PCI_CONFIG_END)
		return CFG_DROP;
	/* a hidden capability's header dword holds its enable bits */
	for (unsigned i = 0; i < f->nhidden; i++)
		if (reg >= f->hidden[i] && reg < f->hidden[i] + 4u)
			return CFG_DROP;
	/* a visible capability's next pointer stays L0's */
	for (unsigned i = 0; i < f->ncap; i++)
		if (reg == f->cap[i] + 1u)
			return CFG_DROP;
	return CFG_PASS;
}

/* BAR i's copy after L1 wrote bytes of it: the size bits and the
 * read-only flags as the BAR itself would keep them. */
static void normalize_bar(struct l0_pci_fn *f, unsigned i)
{
	struct l0_pci_bar *b = &f->bar[i];

	if (b->upper) {
		const struct l0_pci_bar *lo = &f->bar[i - 1];

		b->l1_val &= (uint32_t)(~(lo->size - 1) >> 32);
		return;
	}
	if (!b->size) {
		b->l1_val = 0;
		return;
	}
	b->l1_val = (b->l1_val & (uint32_t) ~(b->size - 1) &
		     (b->space == L0_PCI_SPACE_IO ? ~0x3u : ~0xfu)) |
		    b->flags;
}

/* Does L1's copy of some BAR name another address than the device's? */
static bool bars_moved(const struct l0_pci_fn *f)
{
	for (unsigned i = 0; i < L0_PCI_NBARS; i++) {
		const struct l0_pci_bar *b = &f->bar[i];
		uint64_t v;

		if (!b->size || b->upper)
			continue;
		v = b->l1_val & (b->space == L0_PCI_SPACE_IO ? ~0x3u : ~0xfu);
		if (b->space == L0_PCI_SPACE_MEM64)
			v |= (uint64_t)f->bar[i + 1].l1_val << 32;
		if (v != b->pci)
			return true;
	}
	return false;
}

static uint64_t bar_span(const struct l0_pci_bar *b)
{
	return b->size > L0_PCI_BAR_MIN ? b->size : L0_PCI_BAR_MIN;
}

/* L1's copy of BAR i (the lower slot) as a bus address. */
static uint64_t l1_bar_addr(const struct l0_pci_fn *f, unsigned i)
{
	const struct l0_pci_bar *b = &f->bar[i];
	uint64_t v = b->l1_val & (b->space == L0_PCI_SPACE_IO ? ~0x3u : ~0xfu);

	if (b->space == L0_PCI_SPACE_MEM64)
		v |= (uint64_t)f->bar[i + 1].l1_val << 32;
	return v;
}

/* Is [a, a + span) of window space s free of every BAR L0 placed there
 * (L1's functions', the IOMMU's), `self` aside? */
static bool window_free(const struct l0_pci *pc, enum l0_pci_space s,
			uint64_t a, uint64_t span,
			const struct l0_pci_bar *self)
{
	for (unsigned i = 0; i < pc->nfn; i++) {
		for (unsigned j = 0; j < L0_PCI_NBARS; j++) {
			const struct l0_pci_bar *o = &pc->fn[i].bar[j];

			if (o == self || !o->size || o->upper ||
			    (!pc->fn[i].assigned && !pc->fn[i].is_iommu) ||
			    o->win != s)
				continue;
			if (a < o->pci + bar_span(o) && o->pci < a + span)
				return false;
		}
	}
	return true;
}

/* L1 wrote BAR i: move the device there when the new place is whole pages
 * of the same window, naturally aligned, clear of every other BAR (PCI
 * Local Bus spec "Base Address Registers": software may place a BAR
 * anywhere its type allows; L0 narrows that to its window). The G-stage
 * follows (same GPA as the bus-to-CPU address), and what a hart or the
 * IOMMU cached of the old pages goes: HFENCE.GVMA for L1's VMID,
 * IOTINVAL.GVMA for its GSCID. Anything else stays in L1's copy. */
static void try_move(struct l0_pci *pc, struct l0_pci_fn *f, unsigned i)
{
	struct l0_pci_bar *b = &f->bar[i];
	const struct l0_pci_window *w = &pc->host->win[b->win];
	uint64_t want = l1_bar_addr(f, i), span = bar_span(b), cpu;
	uint16_t d = f->bdf & 0xff, cmd;
	struct l0_range old, now;
	char bdf[16], err[160];

	cmd = (uint16_t)cfg_rd32(pc, d, PCI_COMMAND);
	/* a BAR whose space the device does not decode moves nowhere yet:
	 * L1 sizes BARs that way; enabling decoding moves it (write_command) */
	if (!(cmd & (b->space == L0_PCI_SPACE_IO ? PCI_CMD_IO : PCI_CMD_MEM)))
		return;
	if (want == b->pci || !pc->gmem || want % span || want < w->pci ||
	    want - w->pci > w->size || w->size - (want - w->pci) < span ||
	    (b->space != L0_PCI_SPACE_MEM64 && want + span > (1ULL << 32)) ||
	    !window_free(pc, b->win, want, span, b))
		return;
	bdf_str(f->bdf, bdf, sizeof(bdf));
	cpu = w->cpu + (want - w->pci);
	old = (struct l0_range){b->cpu, span};
	now = (struct l0_range){cpu, span};
	/* decoding off while the BAR moves */
	cfg_wr(pc, d, PCI_COMMAND, 2, cmd & ~(PCI_CMD_IO | PCI_CMD_MEM));
	if (l0_gmem_unmap_device(pc->gmem, &old, err, sizeof(err)) !=
		    L0_GMEM_OK ||
	    l0_gmem_map_device(pc->gmem, &now, err, sizeof(err)) !=
		    L0_GMEM_OK) {
		/* the old pages are unmapped: the device stays off */
		printf("[l0] pci %s: BAR%u move to 0x%llx failed (%s): "
		       "decoding stays off\n",
		       bdf, i, (unsigned long long)cpu, err);
		return;
	}
	cfg_wr32(pc, d, PCI_BAR0 + 4 * i, (uint32_t)want | b->flags);
	if (b->space == L0_PCI_SPACE_MEM64)
		cfg_wr32(pc, d, PCI_BAR0 + 4 * (i + 1), (uint32_t)(want >> 32));
	b->pci = want;
	b->cpu = cpu;
	l0_hfence_gvma(0, false, 0, true, pc->gmem->vmid);
	if (l0_iommu_invalidate_gstage(&pc->iommu, err, sizeof(err)) !=
	    L0_IOMMU_OK)
		printf("[l0] pci %s: IOMMU invalidation failed: %s\n", bdf,
		       err);
	cfg_wr(pc, d, PCI_COMMAND, 2, cmd);
	pc->bar_moves++;
	printf("[l0] pci %s: BAR%u moved by L1 from 0x%llx to 0x%llx\n", bdf, i,
	       (unsigned long long)old.base, (unsigned long long)cpu);
}

/* After a BAR write or a decoding enable: does L1's copy now name a place
 * the device did not follow to while it decodes? (bar_moves_refused) */
static void note_refused(struct l0_pci *pc, const struct l0_pci_fn *f)
{
	uint16_t cmd = (uint16_t)cfg_rd32(pc, f->bdf & 0xff, PCI_COMMAND);
	char bdf[16];

	if (!(cmd & (PCI_CMD_IO | PCI_CMD_MEM)) || !bars_moved(f))
		return;
	bdf_str(f->bdf, bdf, sizeof(bdf));
	if (!pc->bar_moves_refused++)
		printf("[l0] pci %s: L1 placed a BAR where L0 does not let it "
		       "go; the device stays where it is\n",
		       bdf);
}

static void write_command(struct l0_pci *pc, struct l0_pci_fn *f, uint16_t val,
			  uint16_t bytes)
{
	const uint16_t allowed = PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER |
				 PCI_CMD_PARITY | PCI_CMD_SERR |
				 PCI_CMD_INTX_DISABLE;
	uint16_t d = f->bdf & 0xff;
	uint16_t cur = (uint16_t)cfg_rd32(pc, d, PCI_COMMAND);
	uint16_t mask = bytes & allowed;
	uint16_t next = (uint16_t)((cur & ~mask) | (val & mask));

	/* write 0 to the status half: its bits are write-1-to-clear */
	cfg_wr32(pc, d, PCI_COMMAND, next);
	if (!(next & (PCI_CMD_IO | PCI_CMD_MEM)))
		return;
	/* decoding on: BARs L1 placed meanwhile move now, if they may */
	for (unsigned i = 0; i < L0_PCI_NBARS; i++)
		if (f->bar[i].size && !f->bar[i].upper)
			try_move(pc, f, i);
	note_refused(pc, f);
}

enum l0_mmio_status l0_pci_cfg_write(void *ctx, uint64_t off, unsigned width,
				     uint64_t val)
{
	struct l0_pci *pc = ctx;
	struct l0_pci_fn *f;
	unsigned reg = (unsigned)(off & 0xfff);
	uint16_t cmd_val = 0, cmd_bytes = 0;
	bool all_pass = true, bar_dirty[L0_PCI_NBARS] = {false};

	if (check_access(off, width) != L0_MMIO_OK)
		return L0_MMIO_BAD_ACCESS;
	pc->cfg_writes++;
	l0_iommu_poll_faults(&pc->iommu);
	f = l1_fn(pc, off);
	if (!f) { /* nobody there: the write goes nowhere */
		pc->cfg_dropped++;
		return L0_MMIO_OK;
	}
	for (unsigned i = 0; i < width; i++)
		if (classify(f, reg + i) != CFG_PASS)
			all_pass = false;
	if (all_pass) {
		cfg_wr(pc, f->bdf & 0xff, reg, width, (uint32_t)val);
		return L0_MMIO_OK;
	}
	for (unsigned i = 0; i < width; i++) {
		unsigned r = reg + i;
		uint8_t b = (uint8_t)(val >> (8 * i));

		switch (classify(f, r)) {
		case CFG_DROP:
			pc->cfg_dropped++;
			break;
		case CFG_BAR: {
			unsigned slot = (r - PCI_BAR0) / 4;

			f->bar[slot].l1_val =
				set_byte(f->bar[slot].l1_val, r & 3u, b);
			bar_dirty[slot] = true;
			break;
		}
		case CFG_COMMAND:
			cmd_val |= (uint16_t)(b << (8 * (r - PCI_COMMAND)));
			cmd_bytes |=
				(uint16_t)(0xffu << (8 * (r - PCI_COMMAND)));
			break;
		case CFG_PASS:
			cfg_wr(pc, f->bdf & 0xff, r, 1, b);
			break;
		}
	}
	for (unsigned i = 0; i < L0_PCI_NBARS; i++)
		if (bar_dirty[i])
			normalize_bar(f, i);
	for (unsigned i = 0; i < L0_PCI_NBARS; i++)
		if ((bar_dirty[i] ||
		     (i + 1 < L0_PCI_NBARS && bar_dirty[i + 1] &&
		      f->bar[i + 1].upper)) &&
		    f->bar[i].size && !f->bar[i].upper)
			try_move(pc, f, i);
	for (unsigned i = 0; i < L0_PCI_NBARS; i++)
		if (bar_dirty[i]) {
			note_refused(pc, f);
			break;
		}
	if (cmd_bytes)
		write_command(pc, f, cmd_val, cmd_bytes);
	return L0_MMIO_OK;
}

/* FNV-1a over the range: a change of any byte changes it (for the
 * evidence line, not against an adversary who could pick bytes) */
static uint64_t hash_range(const struct l0_range *r)
{
	const volatile uint8_t *p =
		(const volatile uint8_t *)(uintptr_t)r->base;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (uint64_t i = 0; i < r->size; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

void l0_pci_watch(struct l0_pci *pc, const struct l0_range *r)
{
	pc->watch = *r;
	pc->watch_hash = hash_range(r);
}

void l0_pci_report(struct l0_pci *pc)
{
	l0_iommu_poll_faults(&pc->iommu);
	printf("RVNEST l0pci cfg_reads=%llu cfg_writes=%llu cfg_dropped=%llu "
	       "bar_moves=%llu bar_moves_refused=%llu iommu_faults=%llu "
	       "iommu_commands=%llu "
	       "iommu_invalidations=%llu iommu_fq_overflows=%llu host_dtb=%s "
	       "depth=%u\n",
	       (unsigned long long)pc->cfg_reads,
	       (unsigned long long)pc->cfg_writes,
	       (unsigned long long)pc->cfg_dropped,
	       (unsigned long long)pc->bar_moves,
	       (unsigned long long)pc->bar_moves_refused,
	       (unsigned long long)pc->iommu.faults,
	       (unsigned long long)pc->iommu.commands,
	       (unsigned long long)pc->iommu.invalidations,
	       (unsigned long long)pc->iommu.fq_overflows,
	       !pc->watch.size				  ? "unwatched"
	       : hash_range(&pc->watch) == pc->watch_hash ? "intact"
							  : "changed",
	       pc->depth);
}
