/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests of host-DT parsing (l0-hyp/hostdt.c) and of L1's DT
 * (l0-hyp/guestdt.c) on a tree shaped like QEMU virt's, built here with
 * libfdt's sequential-write API: two harts (L0 boots on hart 1), the ISA
 * only as a riscv,isa string, OpenSBI's reserved memory, devices L1 must
 * not get.
 */
#include "unit.h"

#include <libfdt.h>
#include <rvnest/encoding.h>
#include <string.h>

#include "../guestdt.h"
#include "../hostdt.h"
#include "fdt_build.h"

static uint8_t host_buf[16384] __attribute__((aligned(8)));
static uint8_t l1_buf[16384] __attribute__((aligned(8)));
static struct l0_platform plat;
static char err[256];
/* build_host puts a property in /soc after its children */
static bool late_prop;

static void build_host(void)
{
	void *f = host_buf;
	const uint32_t resv[] = {0, 0x80000000, 0, 0x40000};
	const uint32_t rtc[] = {0, 0x101000, 0, 0x1000};
	const uint32_t ie[] = {2, 11, 2, 9, 3, 11, 3, 9};
	const uint32_t initrd_s[] = {0, 0xa0200000};
	const uint32_t initrd_e[] = {0, 0xa0300000};

	OK(fdt_create(f, sizeof(host_buf)));
	OK(fdt_add_reservemap_entry(f, 0xbff00000, 0x1000));
	OK(fdt_finish_reservemap(f));
	OK(fdt_begin_node(f, ""));
	OK(fdt_property_u32(f, "#address-cells", 2));
	OK(fdt_property_u32(f, "#size-cells", 2));
	OK(fdt_property_string(f, "compatible", "riscv-virtio"));
	memory_node(f);
	OK(fdt_begin_node(f, "reserved-memory"));
	OK(fdt_property_u32(f, "#address-cells", 2));
	OK(fdt_property_u32(f, "#size-cells", 2));
	OK(fdt_property(f, "ranges", NULL, 0));
	OK(fdt_begin_node(f, "mmode_resv0@80000000"));
	prop_cells(f, "reg", resv, 4);
	OK(fdt_end_node(f));
	OK(fdt_end_node(f));
	cpus_begin(f);
	cpu_node(f, 0, 2, "rv64imafdch_zicsr_sstc_sscofpmf_shgatpa");
	cpu_node(f, 1, 3, "rv64imafdch_zicsr_sstc_sscofpmf_shgatpa");
	OK(fdt_begin_node(f, "cpu-map"));
	OK(fdt_end_node(f));
	OK(fdt_end_node(f));
	OK(fdt_begin_node(f, "chosen"));
	OK(fdt_property_string(f, "bootargs", "l1.mem=64M -- console=ttyS0"));
	OK(fdt_property_string(f, "stdout-path", "/soc/serial@10000000"));
	prop_cells(f, "linux,initrd-start", initrd_s, 2);
	prop_cells(f, "linux,initrd-end", initrd_e, 2);
	/* firmware configuration, the host's (OpenSBI's domains) */
	OK(fdt_begin_node(f, "opensbi-domains"));
	OK(fdt_property_string(f, "compatible", "opensbi,domain,config"));
	OK(fdt_end_node(f));
	OK(fdt_end_node(f));
	OK(fdt_begin_node(f, "aliases"));
	OK(fdt_property_string(f, "serial0", "/soc/serial@10000000"));
	OK(fdt_property_string(f, "rtc0", "/soc/rtc@101000"));
	OK(fdt_end_node(f));
	soc_begin(f);
	OK(fdt_begin_node(f, "rtc@101000"));
	OK(fdt_property_string(f, "compatible", "google,goldfish-rtc"));
	prop_cells(f, "reg", rtc, 4);
	OK(fdt_end_node(f));
	uart_begin(f);
	OK(fdt_end_node(f));
	plic_node(f, "riscv,plic0", ie, 8, 4);
	if (late_prop)
		OK(fdt_property_u32(f, "late", 1));
	OK(fdt_end_node(f)); /* soc */
	OK(fdt_end_node(f)); /* / */
	OK(fdt_finish(f));
}

/* l0_hostdt_parse on the tree in buf, L0 booted on hart: takes it, or
 * refuses it with a reason naming why (the reason is printed when not) */
static bool parses(const void *buf, unsigned long hart)
{
	if (l0_hostdt_parse((uint64_t)(uintptr_t)buf, hart, &plat, err,
			    sizeof(err)) == L0_HOSTDT_OK)
		return true;
	fprintf(stderr, "  hostdt refused: %s\n", err);
	return false;
}

static bool refused(const void *buf, unsigned long hart, const char *why)
{
	err[0] = '\0';
	if (l0_hostdt_parse((uint64_t)(uintptr_t)buf, hart, &plat, err,
			    sizeof(err)) == L0_HOSTDT_BAD &&
	    strstr(err, why))
		return true;
	fprintf(stderr, "  hostdt: want a refusal with '%s', got '%s'\n", why,
		err);
	return false;
}

static bool has_ext(const char *name)
{
	for (unsigned i = 0; i < plat.nisa_ext; i++)
		if (!strcmp(plat.isa_ext[i], name))
			return true;
	return false;
}

TEST(hostdt_parses_virt_like_tree)
{
	build_host();
	CHECK(parses(host_buf, 1));
	CHECK_EQ(plat.nmem, 1);
	CHECK_EQ(plat.mem[0].size, 0x40000000);
	CHECK_EQ(plat.nresv, 2); /* memreserve + OpenSBI's region */
	CHECK_EQ(plat.ncpus, 2);
	CHECK_EQ(plat.boot_intc_phandle, 3);
	CHECK_EQ(plat.timebase, 10000000);
	CHECK(plat.has_uart && plat.uart.base == 0x10000000);
	CHECK(plat.has_plic && plat.plic_ndev == 95);
	CHECK_EQ(plat.plic_s_context, 3); /* hart 1's S context */
	CHECK(plat.has_initrd);
	CHECK_EQ(plat.initrd.base, 0xa0200000);
	CHECK_EQ(plat.initrd.size, 0x100000);
	CHECK(!strcmp(plat.bootargs, "l1.mem=64M -- console=ttyS0"));
	/* riscv,isa string split into names */
	CHECK(has_ext("i") && has_ext("h") && has_ext("c"));
	CHECK(has_ext("zicsr") && has_ext("sstc") && has_ext("shgatpa"));
	CHECK_EQ(plat.nisa_ext, 7 + 4);
	CHECK(plat.isa[L0_ISA_H] && plat.isa[L0_ISA_SSTC]);
	CHECK(!plat.isa[L0_ISA_SVADU]);
}

TEST(hostdt_rejects_bad_trees)
{
	static uint8_t junk[64];

	CHECK(refused(junk, 0, "invalid header"));
	build_host();
	/* no cpu with the boot hart's ID */
	CHECK(refused(host_buf, 7, "boot hart 7"));
	/* a damaged structure block: an invalid tag in the middle */
	build_host();
	{
		uint8_t *st = host_buf + fdt_off_dt_struct(host_buf);
		int node = fdt_path_offset(host_buf, "/soc");

		CHECK(node > 0);
		memset(st + node, 0xee, 4);
	}
	CHECK(refused(host_buf, 1, "damaged"));
}

/* A cpu whose interrupt-controller child is not riscv,cpu-intc (found by
 * fuzz/fuzz_dt.c: compatible "riscv,aplic" there put an APLIC-compatible
 * node into L1's tree, which keeps the cpu nodes): refused at parse time.
 * The replacement string has the same length, so the tree's layout stays. */
TEST(hostdt_rejects_cpu_intc_not_cpu_intc)
{
	build_host();
	{
		int intc = fdt_path_offset(host_buf, "/cpus/cpu@1/"
						     "interrupt-controller");

		CHECK(intc > 0);
		OK(fdt_setprop_inplace(host_buf, intc, "compatible",
				       "riscv,cpu-intx", 15));
	}
	CHECK(refused(host_buf, 1, "not compatible with riscv,cpu-intc"));
}

/* A property whose name offset points past the strings block (found by
 * fuzz/fuzz_dt.c): the nodes all walk, but L1's tree, a copy, would carry
 * an unreadable property. Refused at parse time. */
TEST(hostdt_rejects_property_name_outside_strings)
{
	int node, prop;
	struct fdt_property *pp;

	build_host();
	node = fdt_path_offset(host_buf, "/chosen");
	CHECK(node > 0);
	prop = fdt_first_property_offset(host_buf, node);
	CHECK(prop > 0);
	pp = (struct fdt_property *)(host_buf + fdt_off_dt_struct(host_buf) +
				     prop);
	pp->nameoff = cpu_to_fdt32(fdt_size_dt_strings(host_buf) + 0x1000);
	CHECK(refused(host_buf, 1, "property"));
	CHECK(strstr(err, "damaged") != NULL);
}

/* Blocks off their alignment (found by fuzz/fuzz_dt.c: libfdt then loads
 * tags from misaligned addresses): refused before libfdt reads them. */
TEST(hostdt_rejects_misaligned_blocks)
{
	build_host();
	fdt_set_off_dt_struct(host_buf, fdt_off_dt_struct(host_buf) + 2);
	CHECK(refused(host_buf, 1, "misaligned"));
	build_host();
	fdt_set_off_mem_rsvmap(host_buf, fdt_off_mem_rsvmap(host_buf) + 4);
	CHECK(refused(host_buf, 1, "misaligned"));
	build_host();
	CHECK(parses(host_buf, 1));
}

/* An END_NODE without its BEGIN_NODE (found by fuzz/fuzz_dt.c): /cpus
 * closes early and the root's END_NODE is one too many. A walk that does
 * not count depth sees nothing wrong; the nesting is checked. */
TEST(hostdt_rejects_unbalanced_nesting)
{
	int node;
	fdt32_t *tag;

	build_host();
	node = fdt_path_offset(host_buf, "/cpus/cpu-map");
	CHECK(node > 0);
	/* BEGIN_NODE "cpu-map\0" (12 bytes) becomes three NOPs; its
	 * END_NODE stays */
	tag = (fdt32_t *)(host_buf + fdt_off_dt_struct(host_buf) + node);
	for (int i = 0; i < 3; i++)
		tag[i] = cpu_to_fdt32(FDT_NOP);
	CHECK(refused(host_buf, 1, "damaged"));
}

/* Two siblings of one name (found by fuzz/fuzz_dt.c: hart 1's node renamed
 * cpu@0): the path /cpus/cpu@0 that L1's tree keeps would keep both, and
 * L1 would see a host hart that is not its own. Refused. */
TEST(hostdt_rejects_duplicate_sibling_names)
{
	build_host();
	OK(fdt_set_name(host_buf, fdt_path_offset(host_buf, "/cpus/cpu@1"),
			"cpu@0"));
	CHECK(refused(host_buf, 1, "two nodes named 'cpu@0'"));
}

/* A root node with a name (found by fuzz/fuzz_dt.c): every path made from
 * the tree then starts with it, L0's UART and PLIC paths included.
 * Refused. */
TEST(hostdt_rejects_named_root)
{
	build_host();
	OK(fdt_open_into(host_buf, host_buf, sizeof(host_buf)));
	OK(fdt_set_name(host_buf, 0, ")"));
	CHECK(refused(host_buf, 1, "root node has a name"));
}

/* L1 gets the UART's pages: a UART whose pages hold RAM or the PLIC, or
 * a UART node that is an interrupt controller, is refused (found by
 * fuzz_dt: an APLIC node that also claimed ns16550a) */
static void uart_refused(const uint32_t *reg, bool intc, const char *why)
{
	int uart;

	build_host();
	OK(fdt_open_into(host_buf, host_buf, sizeof(host_buf)));
	uart = fdt_path_offset(host_buf, "/soc/serial@10000000");
	if (reg) {
		fdt32_t r[4];

		for (int i = 0; i < 4; i++)
			r[i] = cpu_to_fdt32(reg[i]);
		OK(fdt_setprop(host_buf, uart, "reg", r, sizeof(r)));
	}
	if (intc)
		OK(fdt_setprop(host_buf, uart, "interrupt-controller", NULL,
			       0));
	CHECK(refused(host_buf, 1, why));
}

/* a node name outside the DT spec's characters (a newline split a
 * refusal's one line: found by fuzz_dt) */
TEST(hostdt_rejects_node_name_characters)
{
	build_host();
	OK(fdt_open_into(host_buf, host_buf, sizeof(host_buf)));
	OK(fdt_set_name(host_buf, fdt_path_offset(host_buf, "/soc/rtc@101000"),
			"rtc@10\n1000"));
	CHECK(refused(host_buf, 1, "has a name the DT spec does not allow"));
	CHECK(!strchr(err, '\n'));
}

/* A property after a child node (found by fuzz_dt: libfdt's property walk
 * stops at the first child, so the parse never read it, and L1's tree,
 * with the child before it removed, carried it unreadable) */
TEST(hostdt_rejects_property_after_child)
{
	late_prop = true;
	build_host();
	late_prop = false;
	CHECK(refused(host_buf, 1, "after a child node"));
	build_host();
	CHECK(parses(host_buf, 1));
}

TEST(hostdt_rejects_duplicate_phandles)
{
	build_host();
	OK(fdt_open_into(host_buf, host_buf, sizeof(host_buf)));
	/* cpu@0's interrupt controller has phandle 2: cpu@0 too */
	OK(fdt_setprop_u32(host_buf, fdt_path_offset(host_buf, "/cpus/cpu@0"),
			   "phandle", 2));
	CHECK(refused(host_buf, 1, "two nodes with phandle 2"));
}

TEST(hostdt_rejects_uart_sharing_pages)
{
	const uint32_t in_ram[] = {0, 0x80200000, 0, 0x100};
	const uint32_t page_of_plic[] = {0, 0xc000f00, 0, 0x100};
	const uint32_t wraps[] = {0xffffffff, 0xfffff000, 0, 0x2000};
	const uint32_t empty[] = {0, 0x10000000, 0, 0};

	uart_refused(in_ram, false, "shares its pages with the RAM");
	uart_refused(page_of_plic, false, "shares its pages with the PLIC");
	uart_refused(wraps, false, "wraps");
	uart_refused(empty, false, "size 0");
	uart_refused(NULL, true, "is also an interrupt controller");
	/* the tree as built passes */
	build_host();
	CHECK(parses(host_buf, 1));
}

static const fdt32_t *cells(const void *f, const char *path, const char *prop,
			    int *len)
{
	int node = fdt_path_offset(f, path);

	return node < 0 ? NULL : fdt_getprop(f, node, prop, len);
}

TEST(guestdt_gives_l1_only_its_devices)
{
	struct l0_gmem g = {.gpa = 0x80000000, .size = 64 << 20};
	struct l0_guestdt_input in = {
		.host = &plat,
		.gmem = &g,
		.nvcpus = 1,
		.bootargs = "console=ttyS0",
		.has_initrd = true,
		.initrd_gpa = 0x83000000,
		.initrd_size = 0x1000,
	};
	const void *f = l1_buf;
	const fdt32_t *c;
	const char *s;
	int len;

	build_host();
	CHECK(parses(host_buf, 1));
	for (int i = 0; i < L0_ISA_FEATURE_COUNT; i++)
		in.l1_has[i] = plat.isa[i];
	in.l1_has[L0_ISA_H] = false;
	/* as when hideleg does not take LCOFI (sbi_pmu.c) */
	in.l1_has[L0_ISA_SSCOFPMF] = false;
	CHECK_EQ(
		l0_guestdt_build(&in, l1_buf, sizeof(l1_buf), err, sizeof(err)),
		L0_GUESTDT_OK);
	CHECK_EQ(fdt_check_header(f), 0);
	CHECK_EQ(fdt_num_mem_rsv(f), 0);
	/* one hart, renumbered 0, its intc kept; hart 0 and cpu-map gone */
	c = cells(f, "/cpus/cpu@0", "reg", &len);
	CHECK(c && len == 4 && fdt32_to_cpu(c[0]) == 0);
	CHECK(fdt_path_offset(f, "/cpus/cpu@1") < 0);
	CHECK(fdt_path_offset(f, "/cpus/cpu-map") < 0);
	CHECK(fdt_path_offset(f, "/cpus/cpu@0/interrupt-controller") >= 0);
	/* both ISA forms, without h, its family, or sscofpmf (not given) */
	s = fdt_getprop(f, fdt_path_offset(f, "/cpus/cpu@0"), "riscv,isa",
			NULL);
	CHECK(s && !strcmp(s, "rv64imafdc_zicsr_sstc"));
	s = fdt_getprop(f, fdt_path_offset(f, "/cpus/cpu@0"),
			"riscv,isa-extensions", &len);
	CHECK(s && len == (int)sizeof("i\0m\0a\0f\0d\0c\0zicsr\0sstc") &&
	      !memcmp(s, "i\0m\0a\0f\0d\0c\0zicsr\0sstc", (size_t)len));
	/* RAM: only L1's */
	c = cells(f, "/memory@80000000", "reg", &len);
	CHECK(c && len == 16 && fdt32_to_cpu(c[1]) == 0x80000000 &&
	      fdt32_to_cpu(c[3]) == 64 << 20);
	CHECK(fdt_path_offset(f, "/reserved-memory") < 0);
	/* devices: UART and PLIC stay, the RTC goes, and its alias */
	CHECK(fdt_path_offset(f, "/soc/serial@10000000") >= 0);
	CHECK(fdt_path_offset(f, "/soc/rtc@101000") < 0);
	CHECK(cells(f, "/aliases", "serial0", NULL) != NULL);
	CHECK(cells(f, "/aliases", "rtc0", NULL) == NULL);
	/* the PLIC's contexts are L1's hart 0: M then S */
	c = cells(f, "/soc/plic@c000000", "interrupts-extended", &len);
	CHECK(c && len == 16 && fdt32_to_cpu(c[0]) == 3 &&
	      fdt32_to_cpu(c[1]) == IRQ_M_EXT &&
	      fdt32_to_cpu(c[3]) == IRQ_S_EXT);
	/* /chosen is L1's, without the host's nodes under it */
	CHECK(fdt_path_offset(f, "/chosen/opensbi-domains") < 0);
	s = fdt_getprop(f, fdt_path_offset(f, "/chosen"), "bootargs", NULL);
	CHECK(s && !strcmp(s, "console=ttyS0"));
	c = cells(f, "/chosen", "linux,initrd-start", &len);
	CHECK(c && len == 8 && fdt32_to_cpu(c[1]) == 0x83000000);
	c = cells(f, "/chosen", "linux,initrd-end", &len);
	CHECK(c && len == 8 && fdt32_to_cpu(c[1]) == 0x83001000);
}

/* A kept node naming a controller L1 does not get: the reference goes
 * (found by fuzz_dt: a host UART that was also an APLIC with an
 * msi-parent), and with a dangling interrupt-parent its interrupts. */
TEST(guestdt_drops_references_to_pruned_controllers)
{
	static uint8_t host2[sizeof(host_buf) + 512]
		__attribute__((aligned(8)));
	struct l0_gmem g = {.gpa = 0x80000000, .size = 64 << 20};
	struct l0_guestdt_input in = {.host = &plat, .gmem = &g, .nvcpus = 1};
	const fdt32_t rtc_ie[] = {cpu_to_fdt32(0x77), cpu_to_fdt32(5)};
	const void *f = l1_buf;
	const fdt32_t *c;
	int soc, uart, len;

	build_host();
	OK(fdt_open_into(host_buf, host2, sizeof(host2)));
	OK(fdt_setprop_u32(host2, fdt_path_offset(host2, "/soc/rtc@101000"),
			   "phandle", 0x77));
	soc = fdt_path_offset(host2, "/soc");
	OK(fdt_setprop_u32(host2, soc, "interrupt-parent", 0x77));
	OK(fdt_setprop_u32(host2, soc, "interrupts", 3));
	uart = fdt_path_offset(host2, "/soc/serial@10000000");
	OK(fdt_setprop_u32(host2, uart, "interrupt-parent", 4)); /* PLIC */
	uart = fdt_path_offset(host2, "/soc/serial@10000000");
	OK(fdt_setprop_u32(host2, uart, "interrupts", 10));
	uart = fdt_path_offset(host2, "/soc/serial@10000000");
	OK(fdt_setprop_u32(host2, uart, "msi-parent", 0x77));
	uart = fdt_path_offset(host2, "/soc/serial@10000000");
	OK(fdt_setprop(host2, uart, "interrupts-extended", rtc_ie,
		       sizeof(rtc_ie)));
	OK(fdt_pack(host2));
	CHECK(parses(host2, 1));
	CHECK_EQ(
		l0_guestdt_build(&in, l1_buf, sizeof(l1_buf), err, sizeof(err)),
		L0_GUESTDT_OK);
	CHECK(fdt_path_offset(f, "/soc/rtc@101000") < 0);
	soc = fdt_path_offset(f, "/soc");
	CHECK(!fdt_getprop(f, soc, "interrupt-parent", NULL));
	CHECK(!fdt_getprop(f, soc, "interrupts", NULL));
	uart = fdt_path_offset(f, "/soc/serial@10000000");
	CHECK(!fdt_getprop(f, uart, "msi-parent", NULL));
	CHECK(!fdt_getprop(f, uart, "interrupts-extended", NULL));
	/* what names a node L1 has stays: the UART's line on the PLIC */
	c = cells(f, "/soc/serial@10000000", "interrupt-parent", &len);
	CHECK(c && len == 4 &&
	      fdt_node_offset_by_phandle(f, fdt32_to_cpu(c[0])) ==
		      fdt_path_offset(f, "/soc/plic@c000000"));
	CHECK(cells(f, "/soc/serial@10000000", "interrupts", NULL) != NULL);
}

/* /aliases keeps its cell counts: only alias properties naming a node L1
 * lacks go (found by fuzz_dt: an IMSIC kept under /aliases lost the
 * #size-cells its reg was written with) */
TEST(guestdt_keeps_aliases_cell_counts)
{
	static uint8_t host2[sizeof(host_buf) + 256]
		__attribute__((aligned(8)));
	struct l0_gmem g = {.gpa = 0x80000000, .size = 64 << 20};
	struct l0_guestdt_input in = {.host = &plat, .gmem = &g, .nvcpus = 1};
	const fdt32_t *c;
	int al;

	build_host();
	OK(fdt_open_into(host_buf, host2, sizeof(host2)));
	al = fdt_path_offset(host2, "/aliases");
	OK(fdt_setprop_u32(host2, al, "#size-cells", 2));
	OK(fdt_pack(host2));
	CHECK(parses(host2, 1));
	CHECK_EQ(
		l0_guestdt_build(&in, l1_buf, sizeof(l1_buf), err, sizeof(err)),
		L0_GUESTDT_OK);
	c = cells(l1_buf, "/aliases", "#size-cells", NULL);
	CHECK(c && fdt32_to_cpu(c[0]) == 2);
	CHECK(cells(l1_buf, "/aliases", "serial0", NULL) != NULL);
	CHECK(cells(l1_buf, "/aliases", "rtc0", NULL) == NULL);
}

TEST(guestdt_adds_h_when_asked)
{
	struct l0_gmem g = {.gpa = 0x80000000, .size = 64 << 20};
	struct l0_guestdt_input in = {.host = &plat, .gmem = &g, .nvcpus = 1};
	const char *s;

	build_host();
	CHECK(parses(host_buf, 1));
	for (int i = 0; i < L0_ISA_FEATURE_COUNT; i++)
		in.l1_has[i] = plat.isa[i];
	in.l1_has[L0_ISA_SSTC] = false;	   /* as with l1.sstc=0 */
	in.l1_has[L0_ISA_SSCOFPMF] = true; /* hideleg took LCOFI */
	CHECK_EQ(
		l0_guestdt_build(&in, l1_buf, sizeof(l1_buf), err, sizeof(err)),
		L0_GUESTDT_OK);
	s = fdt_getprop(l1_buf, fdt_path_offset(l1_buf, "/cpus/cpu@0"),
			"riscv,isa", NULL);
	/* sscofpmf kept: L1 was given it */
	CHECK(s && !strcmp(s, "rv64imafdch_zicsr_sscofpmf_shgatpa"));
	/* no initrd: no initrd properties; no bootargs: none */
	CHECK(cells(l1_buf, "/chosen", "linux,initrd-start", NULL) == NULL);
	CHECK(cells(l1_buf, "/chosen", "bootargs", NULL) == NULL);
}

TEST(guestdt_buffer_too_small)
{
	struct l0_gmem g = {.gpa = 0x80000000, .size = 64 << 20};
	struct l0_guestdt_input in = {.host = &plat, .gmem = &g, .nvcpus = 1};

	build_host();
	CHECK(parses(host_buf, 1));
	CHECK_EQ(l0_guestdt_build(&in, l1_buf, 256, err, sizeof(err)),
		 L0_GUESTDT_BAD);
	CHECK(strstr(err, "L1 DT") != NULL);
}

TEST(guestdt_two_vcpus_renumbered)
{
	struct l0_gmem g = {.gpa = 0x80000000, .size = 64 << 20};
	struct l0_guestdt_input in = {.host = &plat, .gmem = &g, .nvcpus = 2};
	const fdt32_t *c;
	int len;

	build_host();
	/* boot on hart 1: vCPU 0 = host hart 1, vCPU 1 = host hart 0 */
	CHECK(parses(host_buf, 1));
	CHECK_EQ(plat.hart[0].hartid, 1);
	CHECK_EQ(plat.hart[1].hartid, 0);
	CHECK_EQ(
		l0_guestdt_build(&in, l1_buf, sizeof(l1_buf), err, sizeof(err)),
		L0_GUESTDT_OK);
	c = cells(l1_buf, "/cpus/cpu@0", "reg", &len);
	CHECK(c && fdt32_to_cpu(c[0]) == 0);
	c = cells(l1_buf, "/cpus/cpu@1", "reg", &len);
	CHECK(c && fdt32_to_cpu(c[0]) == 1);
	/* cpu@0 is the boot hart's node: its intc is phandle 3 */
	CHECK_EQ(fdt_get_phandle(l1_buf,
				 fdt_path_offset(l1_buf,
						 "/cpus/cpu@0/"
						 "interrupt-controller")),
		 3);
	/* PLIC: contexts 0/1 for vCPU 0, 2/3 for vCPU 1 */
	c = cells(l1_buf, "/soc/plic@c000000", "interrupts-extended", &len);
	CHECK(c && len == 32);
	CHECK(c && fdt32_to_cpu(c[0]) == 3 && fdt32_to_cpu(c[4]) == 2 &&
	      fdt32_to_cpu(c[7]) == IRQ_S_EXT);
	/* more vCPUs than host harts (L0 schedules them): vCPU 2 is a copy
	 * of the boot hart's node with an interrupt controller of its own */
	in.nvcpus = 3;
	CHECK_EQ(
		l0_guestdt_build(&in, l1_buf, sizeof(l1_buf), err, sizeof(err)),
		L0_GUESTDT_OK);
	c = cells(l1_buf, "/cpus/cpu@2", "reg", &len);
	CHECK(c && fdt32_to_cpu(c[0]) == 2);
	CHECK(fdt_getprop(l1_buf, fdt_path_offset(l1_buf, "/cpus/cpu@2"),
			  "riscv,isa", NULL) != NULL);
	{
		uint32_t ph2 = fdt_get_phandle(
			l1_buf,
			fdt_path_offset(l1_buf, "/cpus/cpu@2/"
						"interrupt-controller"));

		CHECK(ph2 != 0 && ph2 != 3 && ph2 != 2);
		c = cells(l1_buf, "/soc/plic@c000000", "interrupts-extended",
			  &len);
		CHECK(c && len == 48);
		CHECK(c && fdt32_to_cpu(c[8]) == ph2 &&
		      fdt32_to_cpu(c[10]) == ph2 &&
		      fdt32_to_cpu(c[11]) == IRQ_S_EXT);
	}
	/* beyond L0's bound */
	in.nvcpus = L0_MAX_VCPUS + 1;
	CHECK_EQ(
		l0_guestdt_build(&in, l1_buf, sizeof(l1_buf), err, sizeof(err)),
		L0_GUESTDT_BAD);
	CHECK(strstr(err, "vCPUs asked, 2 host harts (at most 8)") != NULL);
}
