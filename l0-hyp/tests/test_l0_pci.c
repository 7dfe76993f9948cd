/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests of L0's PCI passthrough parts that need no hardware: the
 * host bridge and IOMMU in the host DT (pci_dt.c) on a tree shaped like
 * QEMU 10's `virt` with `-device riscv-iommu-pci` (and the platform IOMMU
 * of `iommu-sys=on`), malformed nodes refused, L1's host bridge node, the
 * l1.pci= option, and the IOMMU's device-directory indexing.
 */
#include "unit.h"

#include <libfdt.h>
#include <string.h>

#include "../guestdt.h"
#include "../hostdt.h"
#include "../iommu.h"
#include "../options.h"
#include "../pci.h"
#include "fdt_build.h"

static uint8_t host_buf[16384] __attribute__((aligned(8)));
static uint8_t l1_buf[16384] __attribute__((aligned(8)));
static struct l0_platform plat;
static char err[256];

/* What a test changes; zero = QEMU's tree. */
struct knobs {
	bool no_pci;
	bool platform_iommu; /* riscv,iommu instead of riscv,pci-iommu */
	bool no_iommu;
	int ranges_cells;    /* 0: QEMU's three windows (21 cells) */
	uint32_t ecam_size;  /* 0: 0x10000000 */
	int bus_range_len;   /* 0: 2 cells (0, 0xff) */
	int iommu_reg_cells; /* 0: 5 */
	uint32_t iommu_hi;   /* 0: 0x800 (00:01.0) */
	bool iommu_at_root;  /* the pci-iommu node outside the bridge */
	uint32_t addr_cells; /* 0: 3 */
	bool ranges_cfg;     /* the first ranges entry in configuration space */
	bool ranges_empty;   /* the first ranges entry of size 0 */
	bool disabled_twin;  /* a disabled bridge (and IOMMU) before QEMU's */
	uint32_t platform_iommu_base; /* 0: 0x3010000 */
};

static void pci_node(void *f, const struct knobs *k)
{
	/* QEMU virt: I/O at 0x3000000 (64K), MEM32 0x40000000 (1G), MEM64
	 * 0x4_0000_0000 (16G), prefetchable */
	uint32_t ranges[] = {
		0x1000000, 0, 0,	  0, 0x3000000,	 0, 0x10000,
		0x2000000, 0, 0x40000000, 0, 0x40000000, 0, 0x40000000,
		0x3000000, 4, 0,	  4, 0,		 4, 0,
	};
	const uint32_t reg[] = {0, 0x30000000, 0,
				k->ecam_size ? k->ecam_size : 0x10000000};
	const uint32_t br[] = {0, 0xff, 0};
	const uint32_t imap[] = {0, 0, 0, 1, 3, 0x20};
	const uint32_t imask[] = {0x1800, 0, 0, 7};
	const uint32_t ireg[] = {k->iommu_hi ? k->iommu_hi : 0x800, 0, 0, 0, 0};

	/* PCI Bus Binding: phys.hi's ss field 00 is configuration space */
	if (k->ranges_cfg)
		ranges[0] = 0;
	if (k->ranges_empty)
		ranges[6] = 0; /* size.lo of the I/O window */
	OK(fdt_begin_node(f, "pci@30000000"));
	OK(fdt_property_string(f, "compatible", "pci-host-ecam-generic"));
	OK(fdt_property_string(f, "device_type", "pci"));
	OK(fdt_property_u32(f, "#address-cells",
			    k->addr_cells ? k->addr_cells : 3));
	OK(fdt_property_u32(f, "#size-cells", 2));
	OK(fdt_property_u32(f, "#interrupt-cells", 1));
	prop_cells(f, "reg", reg, 4);
	prop_cells(f, "bus-range", br, k->bus_range_len ? k->bus_range_len : 2);
	prop_cells(f, "ranges", ranges, k->ranges_cells ? k->ranges_cells : 14);
	prop_cells(f, "interrupt-map", imap, 6);
	prop_cells(f, "interrupt-map-mask", imask, 4);
	if (!k->no_iommu && !k->platform_iommu && !k->iommu_at_root) {
		OK(fdt_begin_node(f, "iommu@8"));
		OK(fdt_property_string(f, "compatible", "riscv,pci-iommu"));
		prop_cells(f, "reg", ireg,
			   k->iommu_reg_cells ? k->iommu_reg_cells : 5);
		OK(fdt_property_u32(f, "phandle", 0x8000));
		OK(fdt_end_node(f));
	}
	OK(fdt_end_node(f));
}

static void build(const struct knobs *k)
{
	void *f = host_buf;
	const uint32_t ie[] = {2, 11, 2, 9};
	const uint32_t iommu_reg[] = {
		0, k->platform_iommu_base ? k->platform_iommu_base : 0x3010000,
		0, 0x1000};

	OK(fdt_create(f, sizeof(host_buf)));
	OK(fdt_finish_reservemap(f));
	OK(fdt_begin_node(f, ""));
	OK(fdt_property_u32(f, "#address-cells", 2));
	OK(fdt_property_u32(f, "#size-cells", 2));
	memory_node(f);
	cpus_begin(f);
	cpu_node(f, 0, 2, "rv64imafdch_zicsr_sstc");
	OK(fdt_end_node(f));
	OK(fdt_begin_node(f, "chosen"));
	OK(fdt_property_string(f, "stdout-path", "/soc/serial@10000000"));
	OK(fdt_end_node(f));
	soc_begin_with_uart(f);
	OK(fdt_end_node(f));
	plic_node(f, "sifive,plic-1.0.0", ie, 4, 3);
	if (k->platform_iommu) {
		OK(fdt_begin_node(f, "iommu@3010000"));
		OK(fdt_property_string(f, "compatible", "riscv,iommu"));
		prop_cells(f, "reg", iommu_reg, 4);
		OK(fdt_end_node(f));
	}
	if (k->iommu_at_root) {
		OK(fdt_begin_node(f, "iommu@8"));
		OK(fdt_property_string(f, "compatible", "riscv,pci-iommu"));
		OK(fdt_end_node(f));
	}
	if (k->disabled_twin) {
		/* a host bridge and an IOMMU with status "disabled" are no
		 * devices (DT spec "status"): L0 takes the next ones */
		OK(fdt_begin_node(f, "pci@20000000"));
		OK(fdt_property_string(f, "compatible",
				       "pci-host-ecam-generic"));
		OK(fdt_property_string(f, "status", "disabled"));
		OK(fdt_end_node(f));
		OK(fdt_begin_node(f, "iommu@2010000"));
		OK(fdt_property_string(f, "compatible", "riscv,pci-iommu"));
		OK(fdt_property_string(f, "status", "disabled"));
		OK(fdt_end_node(f));
	}
	if (!k->no_pci)
		pci_node(f, k);
	OK(fdt_end_node(f)); /* soc */
	OK(fdt_end_node(f)); /* / */
	OK(fdt_finish(f));
}

static enum l0_hostdt_status parse(const struct knobs *k)
{
	build(k);
	return l0_hostdt_parse((uint64_t)(uintptr_t)host_buf, 0, &plat, err,
			       sizeof(err));
}

TEST(pci_dt_parses_qemu_virt_with_riscv_iommu_pci)
{
	struct knobs k = {0};
	const struct l0_host_pci *h = &plat.pci;

	CHECK_EQ(parse(&k), L0_HOSTDT_OK);
	CHECK(h->has_pci);
	CHECK(!strcmp(h->path, "/soc/pci@30000000"));
	CHECK_EQ(h->ecam.base, 0x30000000);
	CHECK_EQ(h->ecam.size, 0x10000000);
	CHECK_EQ(h->bus_lo, 0);
	CHECK_EQ(h->bus_hi, 0xff);
	CHECK(h->has_win[L0_PCI_SPACE_IO] && h->has_win[L0_PCI_SPACE_MEM32] &&
	      !h->has_win[L0_PCI_SPACE_MEM64]);
	CHECK_EQ(h->win[L0_PCI_SPACE_IO].cpu, 0x3000000);
	CHECK_EQ(h->win[L0_PCI_SPACE_IO].pci, 0);
	CHECK_EQ(h->win[L0_PCI_SPACE_IO].size, 0x10000);
	CHECK_EQ(h->win[L0_PCI_SPACE_MEM32].cpu, 0x40000000);
	CHECK_EQ(h->win[L0_PCI_SPACE_MEM32].size, 0x40000000);
	CHECK(h->has_intx_map);
	CHECK_EQ(h->iommu, L0_IOMMU_PCI);
	CHECK_EQ(h->iommu_bdf, 0x08); /* 00:01.0 */
	CHECK(!strcmp(h->iommu_path, "/soc/pci@30000000/iommu@8"));

	/* all three windows (QEMU's tree has a 64-bit one too) */
	k.ranges_cells = 21;
	CHECK_EQ(parse(&k), L0_HOSTDT_OK);
	CHECK(h->has_win[L0_PCI_SPACE_MEM64]);
	CHECK_EQ(h->win[L0_PCI_SPACE_MEM64].cpu, 0x400000000ULL);
	CHECK_EQ(h->win[L0_PCI_SPACE_MEM64].size, 0x400000000ULL);
	CHECK(h->win[L0_PCI_SPACE_MEM64].prefetch == false);
}

TEST(pci_dt_platform_iommu_and_none)
{
	struct knobs k = {.platform_iommu = true};

	CHECK_EQ(parse(&k), L0_HOSTDT_OK);
	CHECK_EQ(plat.pci.iommu, L0_IOMMU_PLATFORM);
	CHECK_EQ(plat.pci.iommu_regs.base, 0x3010000);
	CHECK_EQ(plat.pci.iommu_regs.size, 0x1000);

	k = (struct knobs){.no_iommu = true};
	CHECK_EQ(parse(&k), L0_HOSTDT_OK);
	CHECK(plat.pci.has_pci);
	CHECK_EQ(plat.pci.iommu, L0_IOMMU_NONE);

	k = (struct knobs){.no_pci = true};
	CHECK_EQ(parse(&k), L0_HOSTDT_OK);
	CHECK(!plat.pci.has_pci);
	CHECK_EQ(plat.pci.iommu, L0_IOMMU_NONE);
}

/* Each malformed node is refused with a line naming what is wrong. */
TEST(pci_dt_rejects_malformed_nodes)
{
	struct {
		struct knobs k;
		const char *says;
	} cases[] = {
		{{.ranges_cells = 15}, "ranges missing or not a multiple"},
		{{.ecam_size = 0x180000}, "is not whole 1 MiB buses"},
		{{.bus_range_len = 3}, "bus-range malformed"},
		{{.iommu_reg_cells = 4}, "reg missing or shorter"},
		{{.iommu_hi = 0x2000800}, "not a configuration-space"},
		{{.iommu_at_root = true}, "is not a child of the PCI host"},
		{{.addr_cells = 2}, "needs #address-cells = 3"},
		{{.ranges_cfg = true}, "ranges entry 0 is configuration space"},
		{{.ranges_empty = true}, "ranges entry 0 is empty or wraps"},
		{{.platform_iommu = true, .platform_iommu_base = 0x3010800},
		 "registers 0x3010800+0x1000 are not an aligned 4 KiB page"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_EQ(parse(&cases[i].k), L0_HOSTDT_BAD);
		if (!strstr(err, cases[i].says))
			printf("case %zu: '%s' lacks '%s'\n", i, err,
			       cases[i].says);
		CHECK(strstr(err, cases[i].says) != NULL);
	}
}

TEST(pci_dt_skips_disabled_nodes)
{
	struct knobs k = {.disabled_twin = true};

	CHECK_EQ(parse(&k), L0_HOSTDT_OK);
	CHECK(plat.pci.has_pci);
	CHECK(!strcmp(plat.pci.path, "/soc/pci@30000000"));
	CHECK_EQ(plat.pci.ecam.base, 0x30000000);
	CHECK_EQ(plat.pci.iommu, L0_IOMMU_PCI);
	CHECK(!strcmp(plat.pci.iommu_path, "/soc/pci@30000000/iommu@8"));
}

/* L1's bridge node on trees it cannot be made in: each an FDT error, the
 * tree left for guestdt.c to refuse, never a bridge half rewritten with
 * reg in cells its parent does not have. */
TEST(pci_l1_dt_refuses_trees_it_cannot_fix)
{
	struct knobs k = {0};
	struct l0_host_pci h;
	const fdt32_t *reg;
	int soc, len;

	CHECK_EQ(parse(&k), L0_HOSTDT_OK);
	h = plat.pci;
	/* the bridge is gone */
	OK(fdt_open_into(host_buf, l1_buf, sizeof(l1_buf)));
	strcpy(h.path, "/soc/pci@40000000");
	CHECK_EQ(l0_pci_dt_fix_l1(l1_buf, &h), -FDT_ERR_NOTFOUND);
	h = plat.pci;
	/* a parent whose reg is not 2 + 2 cells */
	soc = fdt_path_offset(l1_buf, "/soc");
	OK(fdt_setprop_u32(l1_buf, soc, "#address-cells", 1));
	CHECK_EQ(l0_pci_dt_fix_l1(l1_buf, &h), -FDT_ERR_BADNCELLS);
	/* reg is still the host's whole ECAM window, not one bus */
	reg = fdt_getprop(l1_buf, fdt_path_offset(l1_buf, h.path), "reg", &len);
	CHECK(reg && len == 16 && fdt32_to_cpu(reg[3]) == 0x10000000);
	/* no /chosen for linux,pci-probe-only */
	OK(fdt_open_into(host_buf, l1_buf, sizeof(l1_buf)));
	OK(fdt_del_node(l1_buf, fdt_path_offset(l1_buf, "/chosen")));
	CHECK_EQ(l0_pci_dt_fix_l1(l1_buf, &h), -FDT_ERR_NOTFOUND);
}

TEST(pci_l1_dt_has_the_bridge_without_the_iommu)
{
	struct knobs k = {.ranges_cells = 21};
	struct l0_gmem gm = {.gpa = 0x80000000, .size = 64 << 20};
	struct l0_guestdt_input in = {.host = &plat, .gmem = &gm, .nvcpus = 1};
	const fdt32_t *p;
	int node, len;

	CHECK_EQ(parse(&k), L0_HOSTDT_OK);
	/* without l1.pci: no PCI for L1 */
	CHECK_EQ(
		l0_guestdt_build(&in, l1_buf, sizeof(l1_buf), err, sizeof(err)),
		L0_GUESTDT_OK);
	CHECK(fdt_path_offset(l1_buf, "/soc/pci@30000000") < 0);

	in.pci = &plat.pci;
	CHECK_EQ(
		l0_guestdt_build(&in, l1_buf, sizeof(l1_buf), err, sizeof(err)),
		L0_GUESTDT_OK);
	node = fdt_path_offset(l1_buf, "/soc/pci@30000000");
	CHECK(node >= 0);
	CHECK(fdt_node_offset_by_compatible(l1_buf, -1, "riscv,pci-iommu") < 0);
	CHECK(fdt_first_subnode(l1_buf, node) < 0);
	/* one bus: bus-range 0..0 and 1 MiB of ECAM */
	p = fdt_getprop(l1_buf, node, "bus-range", &len);
	CHECK(p && len == 8 && !fdt32_to_cpu(p[0]) && !fdt32_to_cpu(p[1]));
	p = fdt_getprop(l1_buf, node, "reg", &len);
	CHECK(p && len == 16 && fdt32_to_cpu(p[1]) == 0x30000000 &&
	      fdt32_to_cpu(p[3]) == 0x100000);
	/* the host's windows and INTx map unchanged */
	CHECK(fdt_getprop(l1_buf, node, "ranges", &len) && len == 21 * 4);
	CHECK(fdt_getprop(l1_buf, node, "interrupt-map", &len) && len == 24);
	CHECK(!fdt_getprop(l1_buf, node, "iommu-map", NULL));
	node = fdt_path_offset(l1_buf, "/chosen");
	p = fdt_getprop(l1_buf, node, "linux,pci-probe-only", &len);
	CHECK(p && len == 4 && fdt32_to_cpu(p[0]) == 1);
}

TEST(pci_option_parses_functions_and_all)
{
	struct l0_options o;

	CHECK_EQ(l0_options_parse("l1.pci=00:02.0,00:1f.7", &o, err,
				  sizeof(err)),
		 L0_OPTIONS_OK);
	CHECK(!o.pci_all);
	CHECK_EQ(o.npci, 2);
	CHECK_EQ(o.pci_bdf[0], 0x10);
	CHECK_EQ(o.pci_bdf[1], 0xff);
	CHECK_EQ(l0_options_parse("l1.pci=all", &o, err, sizeof(err)),
		 L0_OPTIONS_OK);
	CHECK(o.pci_all && !o.npci);
	CHECK_EQ(l0_options_parse("", &o, err, sizeof(err)), L0_OPTIONS_OK);
	CHECK(!o.pci_all && !o.npci);
	static const char *const bad[] = {
		"l1.pci=",
		"l1.pci=00:20.0",
		"l1.pci=00:02.8",
		"l1.pci=2.0",
		"l1.pci=00:02",
		"l1.pci=100:02.0",
		"l1.pci=00:02.0,00:02.0",
		"l1.pci=00:02.0,",
		"l1.pci=xx:02.0",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(l0_options_parse(bad[i], &o, err, sizeof(err)),
			 L0_OPTIONS_BAD);
		CHECK(strstr(err, "l1.pci") != NULL);
	}
}

TEST(iommu_ddt_indexes_and_levels)
{
	/* base format: DDI[0] = did[6:0], DDI[1] = did[15:7], DDI[2] =
	 * did[23:16] */
	CHECK_EQ(l0_iommu_ddi(0xabcdef, 0, false), 0x6f);
	CHECK_EQ(l0_iommu_ddi(0xabcdef, 1, false), 0x19b);
	CHECK_EQ(l0_iommu_ddi(0xabcdef, 2, false), 0xab);
	/* extended: DDI[0] = did[5:0], DDI[1] = did[14:6], DDI[2] =
	 * did[23:15] */
	CHECK_EQ(l0_iommu_ddi(0xabcdef, 0, true), 0x2f);
	CHECK_EQ(l0_iommu_ddi(0xabcdef, 1, true), 0x137);
	CHECK_EQ(l0_iommu_ddi(0xabcdef, 2, true), 0x157);
	/* bus 0 (device IDs up to 0xff) needs two levels in both formats */
	CHECK_EQ(l0_iommu_ddt_mode_for(0x7f, false), IOMMU_DDTP_1LVL);
	CHECK_EQ(l0_iommu_ddt_mode_for(0xff, false), IOMMU_DDTP_2LVL);
	CHECK_EQ(l0_iommu_ddt_mode_for(0x3f, true), IOMMU_DDTP_1LVL);
	CHECK_EQ(l0_iommu_ddt_mode_for(0x40, true), IOMMU_DDTP_2LVL);
	CHECK_EQ(l0_iommu_ddt_mode_for(0xffff, false), IOMMU_DDTP_2LVL);
	CHECK_EQ(l0_iommu_ddt_mode_for(0x10000, false), IOMMU_DDTP_3LVL);
	CHECK_EQ(l0_iommu_ddt_mode_for(0x8000, true), IOMMU_DDTP_3LVL);
	CHECK(!strcmp(l0_iommu_cause_name(21), "read_guest_page_fault"));
	CHECK(!strcmp(l0_iommu_cause_name(258), "ddt_entry_not_valid"));
	CHECK(!strcmp(l0_iommu_cause_name(999), "unknown"));
}

/* Against the spec's field positions, written out bit by bit. */
TEST(iommu_encodings)
{
	struct l0_iommu_cmd c;

	/* iohgatp: MODE 8 (Sv39x4) / 9 (Sv48x4) at 63:60, GSCID at 59:44,
	 * root PPN at 43:0 */
	CHECK_EQ(l0_iommu_iohgatp(0x80c04000ULL, PT_SV39X4, 1),
		 (8ULL << 60) | (1ULL << 44) | 0x80c04ULL);
	CHECK_EQ(l0_iommu_iohgatp(0x80c04000ULL, PT_SV48X4, 0xabcd),
		 (9ULL << 60) | (0xabcdULL << 44) | 0x80c04ULL);
	/* IOTINVAL.GVMA: opcode 1, func3 1 at 9:7, GV bit 33, GSCID 59:44 */
	c = l0_iommu_cmd_iotinval_gvma(1);
	CHECK_EQ(c.d0, 1ULL | (1ULL << 7) | (1ULL << 33) | (1ULL << 44));
	CHECK_EQ(c.d1, 0);
	/* IODIR.INVAL_DDT: opcode 3, func3 0, DV = 0 */
	c = l0_iommu_cmd_iodir_inval_ddt_all();
	CHECK_EQ(c.d0, 3);
	CHECK_EQ(c.d1, 0);
	/* IOFENCE.C: opcode 2, AV bit 10, PR 12, PW 13, DATA 63:32; the
	 * address >> 2 */
	c = l0_iommu_cmd_iofence_c(0x80301230ULL, 7);
	CHECK_EQ(c.d0, 2ULL | (1ULL << 10) | (1ULL << 12) | (1ULL << 13) |
			       (7ULL << 32));
	CHECK_EQ(c.d1, 0x80301230ULL >> 2);
}
