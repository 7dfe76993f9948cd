/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests of L0 on an AIA host: the AIA part of host-DT parsing
 * (l0-hyp/aia_dt.c) on a tree shaped like QEMU's
 * `virt,aia=aplic-imsic,aia-guests=3` (two harts, L0 on hart 1; M- and
 * S-level IMSICs and APLICs), L1's tree (a PLIC in place of the APLIC),
 * and the driver (l0-hyp/aia.c) with the vPLIC on top, against a buffer
 * standing for the APLIC and a model of the S-level IMSIC file.
 */
#include "unit.h"

#include <libfdt.h>
#include <rvnest/encoding.h>
#include <string.h>

#include "../aia.h"
#include "../guestdt.h"
#include "../hostdt.h"
#include "fdt_build.h"
#include "../vaplic.h"
#include "../vplic.h"

static uint8_t host_buf[16384] __attribute__((aligned(8)));
static uint8_t l1_buf[16384] __attribute__((aligned(8)));
static struct l0_platform plat;
static char err[256];

/* What a test changes in the tree; zero = QEMU's values. */
struct knobs {
	uint32_t num_ids;     /* 0: 255 */
	uint32_t guest_bits;  /* ~0u: absent; else the value (0: 3 guests) */
	int s_ie_len;	      /* cells of the S IMSIC's interrupts-extended */
	bool no_num_sources;  /* the S APLIC without riscv,num-sources */
	uint32_t num_sources; /* 0: 96 */
	int uart_irq_cells;   /* 0: 2 */
	uint32_t uart_src;    /* 0: 10 */
	uint32_t uart_sense;  /* 0: 4 (level high) */
	bool no_s_imsic;      /* only the M-level IMSIC */
	uint32_t imsic_reg_size; /* 0: 0x8000, room for 2 harts x 4 files */
	uint32_t hart_bits;    /* riscv,hart-index-bits: 0 absent, else value */
	uint32_t group_bits;   /* riscv,group-index-bits: 0 absent */
	uint32_t group_shift;  /* riscv,group-index-shift: 0 absent */
	bool group_shift_wide; /* ... written as two cells */
	bool no_s_imsic_phandle;
	bool no_s_aplic_phandle;
	bool s_aplic_other_parent; /* the S APLIC's msi-parent is M's IMSIC */
	bool uart_not_on_aplic; /* the UART's interrupt-parent is M's APLIC */
};

static void imsic(void *f, const char *name, uint32_t base, uint32_t size,
		  uint32_t irq, uint32_t phandle, const struct knobs *k,
		  bool s_level)
{
	const uint32_t reg[] = {0, base, 0, size};
	const uint32_t ie[] = {2, irq, 3, irq};
	uint32_t ie_cells = s_level && k->s_ie_len ? (uint32_t)k->s_ie_len : 4;

	OK(fdt_begin_node(f, name));
	OK(fdt_property(f, "compatible", "qemu,imsics\0riscv,imsics",
			sizeof("qemu,imsics\0riscv,imsics")));
	prop_cells(f, "reg", reg, 4);
	prop_cells(f, "interrupts-extended", ie, (int)ie_cells);
	OK(fdt_property_u32(f, "riscv,num-ids", k->num_ids ? k->num_ids : 255));
	if (s_level && k->guest_bits != ~0u)
		OK(fdt_property_u32(f, "riscv,guest-index-bits",
				    k->guest_bits ? k->guest_bits : 2));
	if (s_level && k->hart_bits)
		OK(fdt_property_u32(f, "riscv,hart-index-bits", k->hart_bits));
	if (s_level && k->group_bits)
		OK(fdt_property_u32(f, "riscv,group-index-bits",
				    k->group_bits));
	if (s_level && k->group_shift_wide)
		OK(fdt_property_u64(f, "riscv,group-index-shift",
				    k->group_shift));
	else if (s_level && k->group_shift)
		OK(fdt_property_u32(f, "riscv,group-index-shift",
				    k->group_shift));
	OK(fdt_property(f, "msi-controller", NULL, 0));
	OK(fdt_property(f, "interrupt-controller", NULL, 0));
	OK(fdt_property_u32(f, "#interrupt-cells", 0));
	if (!s_level || !k->no_s_imsic_phandle)
		OK(fdt_property_u32(f, "phandle", phandle));
	OK(fdt_end_node(f));
}

static void aplic(void *f, const char *name, uint32_t base, uint32_t phandle,
		  uint32_t msi_parent, const struct knobs *k, bool s_level)
{
	const uint32_t reg[] = {0, base, 0, 0x8000};

	OK(fdt_begin_node(f, name));
	OK(fdt_property(f, "compatible", "qemu,aplic\0riscv,aplic",
			sizeof("qemu,aplic\0riscv,aplic")));
	prop_cells(f, "reg", reg, 4);
	if (!s_level || !k->no_num_sources)
		OK(fdt_property_u32(f, "riscv,num-sources",
				    s_level && k->num_sources ? k->num_sources
							      : 96));
	OK(fdt_property_u32(f, "msi-parent",
			    s_level && k->s_aplic_other_parent ? 4
							       : msi_parent));
	OK(fdt_property(f, "interrupt-controller", NULL, 0));
	OK(fdt_property_u32(f, "#interrupt-cells", 2));
	if (!s_level || !k->no_s_aplic_phandle)
		OK(fdt_property_u32(f, "phandle", phandle));
	OK(fdt_end_node(f));
}

/* Phandles: hart intcs 2, 3; M IMSIC 4, S IMSIC 5; M APLIC 6, S APLIC 7. */
static void build_aia(const struct knobs *k)
{
	void *f = host_buf;
	const uint32_t irq[] = {k->uart_src ? k->uart_src : 10,
				k->uart_sense ? k->uart_sense : 4};
	const uint32_t initrd_s[] = {0, 0xa0200000};
	const uint32_t initrd_e[] = {0, 0xa0300000};

	OK(fdt_create(f, sizeof(host_buf)));
	OK(fdt_finish_reservemap(f));
	OK(fdt_begin_node(f, ""));
	OK(fdt_property_u32(f, "#address-cells", 2));
	OK(fdt_property_u32(f, "#size-cells", 2));
	memory_node(f);
	cpus_begin(f);
	cpu_node(f, 0, 2, "rv64imafdch_zicsr_sstc_smaia_ssaia");
	cpu_node(f, 1, 3, "rv64imafdch_zicsr_sstc_smaia_ssaia");
	OK(fdt_end_node(f));
	OK(fdt_begin_node(f, "chosen"));
	OK(fdt_property_string(f, "stdout-path", "/soc/serial@10000000"));
	prop_cells(f, "linux,initrd-start", initrd_s, 2);
	prop_cells(f, "linux,initrd-end", initrd_e, 2);
	OK(fdt_end_node(f));
	soc_begin_with_uart(f);
	OK(fdt_property_u32(f, "interrupt-parent",
			    k->uart_not_on_aplic ? 6 : 7));
	prop_cells(f, "interrupts", irq,
		   k->uart_irq_cells ? k->uart_irq_cells : 2);
	OK(fdt_end_node(f));
	imsic(f, "interrupt-controller@24000000", 0x24000000, 0x2000, IRQ_M_EXT,
	      4, k, false);
	if (!k->no_s_imsic)
		imsic(f, "interrupt-controller@28000000", 0x28000000,
		      k->imsic_reg_size ? k->imsic_reg_size : 0x8000, IRQ_S_EXT,
		      5, k, true);
	aplic(f, "interrupt-controller@c000000", 0xc000000, 6, 4, k, false);
	aplic(f, "interrupt-controller@d000000", 0xd000000, 7, 5, k, true);
	OK(fdt_end_node(f)); /* soc */
	OK(fdt_end_node(f)); /* / */
	OK(fdt_finish(f));
}

static enum l0_hostdt_status parse(const struct knobs *k)
{
	build_aia(k);
	return l0_hostdt_parse((uint64_t)(uintptr_t)host_buf, 1, &plat, err,
			       sizeof(err));
}

TEST(aia_dt_parses_qemu_virt_aia)
{
	struct knobs k = {0};

	CHECK_EQ(parse(&k), L0_HOSTDT_OK);
	CHECK(plat.has_aia && !plat.has_plic);
	CHECK_EQ(plat.imsic_num_ids, 255);
	/* hart 1 is context 1: its file is one S page plus 3 guest pages
	 * (guest index bits 2) after hart 0's, and the hart index field of
	 * that address (1 bit for 2 contexts) is 1 */
	CHECK_EQ(plat.imsic_file, 0x28004000);
	CHECK_EQ(plat.imsic_hart_index, 1);
	CHECK_EQ(plat.aplic.base, 0xd000000); /* the S domain, not M's */
	CHECK_EQ(plat.aplic_nsources, 96);
	CHECK_EQ(plat.aplic_phandle, 7);
	CHECK_EQ(plat.uart_irq, 10);
	CHECK_EQ(plat.uart_irq_type, 4);
	CHECK(!strcmp(plat.imsic_path, "/soc/interrupt-controller@28000000"));
	CHECK(!strcmp(plat.aplic_path, "/soc/interrupt-controller@d000000"));

	/* without guest files: 4 KiB per hart, hart 1 at the next page */
	k.guest_bits = ~0u;
	CHECK_EQ(parse(&k), L0_HOSTDT_OK);
	CHECK_EQ(plat.imsic_file, 0x28001000);
	CHECK_EQ(plat.imsic_hart_index, 1);
}

TEST(aia_dt_without_s_imsic_gives_l1_no_interrupt_controller)
{
	struct knobs k = {.no_s_imsic = true};
	struct l0_gmem gm = {.gpa = 0x80000000, .size = 64 << 20};
	struct l0_guestdt_input in = {.host = &plat, .gmem = &gm, .nvcpus = 1};
	int uart;

	CHECK_EQ(parse(&k), L0_HOSTDT_OK);
	CHECK(!plat.has_aia && !plat.has_plic);
	CHECK_EQ(plat.uart_irq, 0);
	CHECK_EQ(
		l0_guestdt_build(&in, l1_buf, sizeof(l1_buf), err, sizeof(err)),
		L0_GUESTDT_OK);
	CHECK(fdt_node_offset_by_compatible(l1_buf, -1, "riscv,aplic") < 0);
	CHECK(fdt_node_offset_by_compatible(l1_buf, -1, "sifive,plic-1.0.0") <
	      0);
	/* the UART stays, without an interrupt naming a pruned node */
	uart = fdt_path_offset(l1_buf, "/soc/serial@10000000");
	CHECK(uart >= 0);
	CHECK(!fdt_getprop(l1_buf, uart, "interrupt-parent", NULL));
	CHECK(!fdt_getprop(l1_buf, uart, "interrupts", NULL));
}

/* Each malformed node is refused with a line naming what is wrong. */
TEST(aia_dt_rejects_malformed_nodes)
{
	static const struct {
		struct knobs k;
		const char *msg;
	} bad[] = {
		{{.num_ids = 100}, "riscv,num-ids 100"},
		{{.num_ids = 4095}, "riscv,num-ids 4095"},
		{{.s_ie_len = 3}, "interrupts-extended missing or malformed"},
		{{.guest_bits = 7}, "riscv,guest-index-bits 7"},
		{{.imsic_reg_size = 0x4000}, "no interrupt file for context 1"},
		{{.imsic_reg_size = 0x4800}, "not made of 4 KiB pages"},
		{{.no_num_sources = true}, "has no riscv,num-sources"},
		{{.num_sources = 1024}, "riscv,num-sources 1024"},
		{{.num_ids = 63}, "96 sources"},
		{{.uart_irq_cells = 1}, "not <source sense>"},
		{{.uart_src = 97}, "source 97 not on the APLIC"},
		{{.uart_sense = 3}, "sense 3"},
		/* the index fields of the IMSIC's addresses (AIA "IMSIC
		 * memory regions"): 2 contexts need a 1-bit hart index, the
		 * group field must lie above the hart and guest fields */
		{{.hart_bits = 15}, "hart/group index bits 15/0"},
		{{.group_bits = 8}, "hart/group index bits 1/8"},
		{{.group_bits = 1, .group_shift = 13}, "group-index-shift 13"},
		{{.group_bits = 1, .group_shift = 56}, "group-index-shift 56"},
		{{.group_bits = 1, .group_shift = 24, .group_shift_wide = true},
		 "riscv,group-index-shift is not one cell"},
		{{.no_s_imsic_phandle = true}, "has no phandle"},
		{{.no_s_aplic_phandle = true},
		 "APLIC interrupt-controller@d000000 has no phandle"},
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK_EQ(parse(&bad[i].k), L0_HOSTDT_BAD);
		if (!strstr(err, bad[i].msg))
			printf("case %u: '%s' lacks '%s'\n", i, err,
			       bad[i].msg);
		CHECK(strstr(err, bad[i].msg) != NULL);
	}
}

TEST(aia_l1_dt_has_a_plic_for_the_uart)
{
	struct knobs k = {0};
	struct l0_gmem gm = {.gpa = 0x80000000, .size = 64 << 20};
	struct l0_guestdt_input in = {.host = &plat, .gmem = &gm, .nvcpus = 1};
	int node, uart, len;
	const fdt32_t *v;
	uint32_t ph;

	CHECK_EQ(parse(&k), L0_HOSTDT_OK);
	in.l1_has[L0_ISA_H] = true;
	CHECK_EQ(
		l0_guestdt_build(&in, l1_buf, sizeof(l1_buf), err, sizeof(err)),
		L0_GUESTDT_OK);
	/* no IMSIC or APLIC reaches L1 at this step */
	CHECK(fdt_node_offset_by_compatible(l1_buf, -1, "riscv,imsics") < 0);
	CHECK(fdt_node_offset_by_compatible(l1_buf, -1, "riscv,aplic") < 0);
	node = fdt_path_offset(l1_buf, "/soc/plic@c000000");
	CHECK(node >= 0);
	CHECK(!fdt_node_check_compatible(l1_buf, node, "riscv,plic0"));
	v = fdt_getprop(l1_buf, node, "riscv,ndev", &len);
	CHECK(v && len == 4 && fdt32_to_cpu(*v) == 96);
	v = fdt_getprop(l1_buf, node, "reg", &len);
	CHECK(v && len == 16 && fdt32_to_cpu(v[1]) == 0xc000000);
	/* one vCPU: its M context then its S context, on hart 1's intc */
	v = fdt_getprop(l1_buf, node, "interrupts-extended", &len);
	CHECK(v && len == 16);
	CHECK(v && fdt32_to_cpu(v[0]) == 3 && fdt32_to_cpu(v[1]) == IRQ_M_EXT &&
	      fdt32_to_cpu(v[2]) == 3 && fdt32_to_cpu(v[3]) == IRQ_S_EXT);
	ph = fdt_get_phandle(l1_buf, node);
	CHECK(ph != 0);
	uart = fdt_path_offset(l1_buf, "/soc/serial@10000000");
	CHECK(uart >= 0);
	v = fdt_getprop(l1_buf, uart, "interrupt-parent", &len);
	CHECK(v && len == 4 && fdt32_to_cpu(*v) == ph);
	v = fdt_getprop(l1_buf, uart, "interrupts", &len);
	CHECK(v && len == 4 && fdt32_to_cpu(*v) == 10);
	/* and L1 is not told it has AIA */
	v = fdt_getprop(l1_buf, fdt_path_offset(l1_buf, "/cpus/cpu@0"),
			"riscv,isa", &len);
	CHECK(v && !strstr((const char *)v, "aia"));
}

/* A model of L0's S-level IMSIC file: the registers behind siselect, and
 * the top identity stopei reports (claimed, i.e. cleared, by the read). */
static uint64_t imsic_regs[0x100];
static uint64_t imsic_topei;
/* a file whose eidelivery stays 0 (the register is WARL: a file that
 * cannot deliver keeps it; AIA "External interrupt delivery enable") */
static bool imsic_eidelivery_ro0;

uint64_t l0_imsic_read(unsigned reg)
{
	return reg < 0x100 ? imsic_regs[reg] : 0;
}

void l0_imsic_write(unsigned reg, uint64_t val)
{
	if (reg == IMSIC_EIDELIVERY && imsic_eidelivery_ro0)
		val = 0;
	if (reg < 0x100)
		imsic_regs[reg] = val;
}

uint64_t l0_imsic_claim_topei(void)
{
	uint64_t v = imsic_topei;

	imsic_topei = 0;
	return v;
}

/* hgeie of a hart with 3 guest interrupt files (aia-guests=3) */
uint64_t l0_aia_hgeie_writable(void)
{
	return 0xe;
}

static uint32_t aplic_mem[0x4000 / 4];

static uint32_t aplic_at(uint64_t off)
{
	return aplic_mem[off / 4];
}

static void aia_setup(struct l0_aia *a)
{
	struct knobs k = {0};

	memset(imsic_regs, 0x55, sizeof(imsic_regs));
	memset(aplic_mem, 0, sizeof(aplic_mem));
	CHECK_EQ(parse(&k), L0_HOSTDT_OK);
	plat.aplic.base = (uint64_t)(uintptr_t)aplic_mem;
	CHECK_EQ(l0_aia_init(a, &plat, err, sizeof(err)), L0_AIA_OK);
}

TEST(aia_init_programs_imsic_and_aplic)
{
	static struct l0_aia a;

	aia_setup(&a);
	CHECK_EQ(a.geilen, 3);
	CHECK_EQ(imsic_regs[IMSIC_EIDELIVERY], 1);
	CHECK_EQ(imsic_regs[IMSIC_EITHRESHOLD], 0);
	/* only the UART's identity (10) enabled; nothing pending; the
	 * registers beyond 255 identities untouched */
	CHECK_EQ(imsic_regs[IMSIC_EIE0], 1ull << 10);
	CHECK_EQ(imsic_regs[IMSIC_EIE0 + 2], 0);
	CHECK_EQ(imsic_regs[IMSIC_EIE0 + 6], 0);
	CHECK_EQ(imsic_regs[IMSIC_EIP0], 0);
	CHECK_EQ(imsic_regs[IMSIC_EIE0 + 8], 0x5555555555555555ull);
	CHECK_EQ(aplic_at(APLIC_DOMAINCFG),
		 APLIC_DOMAINCFG_IE | APLIC_DOMAINCFG_DM);
	CHECK_EQ(aplic_at(APLIC_SOURCECFG(10)), APLIC_SM_LEVEL1);
	CHECK_EQ(aplic_at(APLIC_SOURCECFG(9)), 0);
	/* hart index 1, guest index 0 (the S file), EIID 10 */
	CHECK_EQ(aplic_at(APLIC_TARGET(10)), 1u << 18 | 10);
	/* left disabled until L1 enables it */
	CHECK_EQ(aplic_at(APLIC_CLRIENUM), 10);
	CHECK_EQ(aplic_at(APLIC_SETIENUM), 0);
}

TEST(aia_init_refuses_a_host_without_aia)
{
	static struct l0_aia a;
	struct knobs k = {0};

	CHECK_EQ(parse(&k), L0_HOSTDT_OK);
	plat.has_aia = false;
	CHECK_EQ(l0_aia_init(&a, &plat, err, sizeof(err)), L0_AIA_BAD);
	CHECK(strstr(err, "no S-level IMSIC") != NULL);
}

/* The DT's sense cell of the UART (IRQ_TYPE_*: 1 rising, 2 falling,
 * 4 high, 8 low) is the mode L0 gives its APLIC source (AIA "Source
 * configurations": Edge1, Edge0, Level1, Level0), and only a level source
 * is made pending again by L0 at L1's completion. */
TEST(aia_init_takes_the_uart_sense_from_the_dt)
{
	static const struct {
		uint32_t sense;
		uint8_t sm;
	} map[] = {{1, APLIC_SM_EDGE1},
		   {2, APLIC_SM_EDGE0},
		   {4, APLIC_SM_LEVEL1},
		   {8, APLIC_SM_LEVEL0}};
	static struct l0_aia a;

	for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		struct knobs k = {.uart_sense = map[i].sense};

		memset(aplic_mem, 0, sizeof(aplic_mem));
		CHECK_EQ(parse(&k), L0_HOSTDT_OK);
		plat.aplic.base = (uint64_t)(uintptr_t)aplic_mem;
		CHECK_EQ(l0_aia_init(&a, &plat, err, sizeof(err)), L0_AIA_OK);
		CHECK_EQ(aplic_at(APLIC_SOURCECFG(10)), map[i].sm);
		aplic_mem[APLIC_SETIPNUM / 4] = 0;
		l0_aia_complete(&a, 10);
		CHECK_EQ(aplic_at(APLIC_SETIPNUM),
			 map[i].sm == APLIC_SM_LEVEL1 ||
					 map[i].sm == APLIC_SM_LEVEL0
				 ? 10u
				 : 0u);
	}
}

TEST(aia_init_refuses_a_file_that_does_not_deliver)
{
	static struct l0_aia a;
	struct knobs k = {0};

	memset(aplic_mem, 0, sizeof(aplic_mem));
	CHECK_EQ(parse(&k), L0_HOSTDT_OK);
	plat.aplic.base = (uint64_t)(uintptr_t)aplic_mem;
	imsic_eidelivery_ro0 = true;
	CHECK_EQ(l0_aia_init(&a, &plat, err, sizeof(err)), L0_AIA_BAD);
	imsic_eidelivery_ro0 = false;
	CHECK(strstr(err, "refuses eidelivery = 1") != NULL);
	/* nothing of the APLIC touched before the file is known good */
	CHECK_EQ(aplic_at(APLIC_DOMAINCFG), 0);
}

/* AIA without a wired device for L0: an S APLIC whose msi-parent is not
 * the S IMSIC is no domain of L0's (MSIs only, no interrupt for the
 * UART), and a UART whose interrupt parent is another APLIC has none. */
TEST(aia_dt_without_an_s_aplic_or_uart_on_it)
{
	struct knobs k = {.s_aplic_other_parent = true};

	CHECK_EQ(parse(&k), L0_HOSTDT_OK);
	CHECK(!plat.has_aia);
	CHECK_EQ(plat.uart_irq, 0);
	k = (struct knobs){.uart_not_on_aplic = true};
	CHECK_EQ(parse(&k), L0_HOSTDT_OK);
	CHECK(plat.has_aia);
	CHECK_EQ(plat.uart_irq, 0);
}

#define S_CTX 1 /* vCPU 0's S context in the vPLIC */

static void reset_enables(void)
{
	aplic_mem[APLIC_SETIENUM / 4] = 0;
	aplic_mem[APLIC_CLRIENUM / 4] = 0;
}

static uint64_t claim_off(void)
{
	return PLIC_CONTEXT_BASE + S_CTX * PLIC_CONTEXT_STRIDE +
	       PLIC_CONTEXT_CLAIM;
}

static uint64_t enable_off(void)
{
	return PLIC_ENABLE_BASE + S_CTX * PLIC_ENABLE_STRIDE;
}

/* The vPLIC over the AIA: L1's enable reaches the APLIC, an MSI L0 claims
 * is L1's pending source, L1's completion re-arms the level source with
 * setipnum. */
TEST(aia_vplic_round_trip)
{
	static struct l0_aia a;
	static struct l0_vplic vp;
	uint64_t v = 0;

	aia_setup(&a);
	l0_vplic_init_aia(&vp, plat.aplic_nsources, 1, &a);
	CHECK_EQ(vp.hw_context, -1);
	/* L1: priority 1 for source 10, enable it in its S context */
	CHECK_EQ(l0_vplic_write(&vp, 10 * 4, 4, 1), L0_MMIO_OK);
	CHECK_EQ(l0_vplic_write(&vp,
				PLIC_ENABLE_BASE + S_CTX * PLIC_ENABLE_STRIDE,
				4, 1u << 10),
		 L0_MMIO_OK);
	CHECK_EQ(aplic_at(APLIC_SETIENUM), 10);
	/* nothing claimed: no interrupt */
	CHECK_EQ(l0_vplic_hw_claim(&vp), 0);
	CHECK(!l0_vplic_s_pending(&vp, 0));
	/* an identity that names no source L0 drives is dropped */
	imsic_topei = 9ull << 16 | 9;
	CHECK_EQ(l0_vplic_hw_claim(&vp), 0);
	/* the UART's MSI: claimed, and masked in the APLIC while L1 has it,
	 * as a PLIC gateway holds a claimed source */
	reset_enables();
	imsic_topei = 10ull << 16 | 10;
	CHECK_EQ(l0_vplic_hw_claim(&vp), 10);
	CHECK_EQ(aplic_at(APLIC_CLRIENUM), 10);
	CHECK_EQ(aplic_at(APLIC_SETIENUM), 0);
	CHECK(l0_vplic_s_pending(&vp, 0));
	CHECK_EQ(l0_vplic_read(&vp, claim_off(), 4, &v), L0_MMIO_OK);
	CHECK_EQ(v, 10);
	CHECK(!l0_vplic_s_pending(&vp, 0));
	CHECK_EQ(aplic_at(APLIC_SETIPNUM), 0);
	/* L1 enables it again while in service: still masked */
	reset_enables();
	CHECK_EQ(l0_vplic_write(&vp, enable_off(), 4, 1u << 10), L0_MMIO_OK);
	CHECK_EQ(aplic_at(APLIC_SETIENUM), 0);
	CHECK_EQ(aplic_at(APLIC_CLRIENUM), 10);
	/* L1's completion: unmasked, and the level-high source re-armed by
	 * setipnum (AIA, level sources in MSI mode) */
	reset_enables();
	CHECK_EQ(l0_vplic_write(&vp, claim_off(), 4, 10), L0_MMIO_OK);
	CHECK_EQ(aplic_at(APLIC_SETIENUM), 10);
	CHECK_EQ(aplic_at(APLIC_SETIPNUM), 10);
	/* L1 disables it */
	reset_enables();
	CHECK_EQ(l0_vplic_write(&vp, enable_off(), 4, 0), L0_MMIO_OK);
	CHECK_EQ(aplic_at(APLIC_CLRIENUM), 10);
	CHECK_EQ(aplic_at(APLIC_SETIENUM), 0);
	/* a completion L1 owes nothing for changes nothing */
	reset_enables();
	aplic_mem[APLIC_SETIPNUM / 4] = 0;
	CHECK_EQ(l0_vplic_write(&vp, claim_off(), 4, 10), L0_MMIO_OK);
	CHECK_EQ(aplic_at(APLIC_SETIPNUM), 0);
	CHECK_EQ(aplic_at(APLIC_SETIENUM), 0);
}

/* l1.aia=1: L1 keeps the S-level IMSIC and APLIC nodes, rewritten for its
 * vCPUs (vaplic_dt.c); no PLIC; ssaia in its ISA, smaia not. */
TEST(aia_l1_dt_with_l1_aia_has_imsic_and_aplic)
{
	struct knobs k = {0};
	struct l0_gmem gm = {.gpa = 0x80000000, .size = 64 << 20};
	struct l0_guestdt_input in = {.host = &plat, .gmem = &gm, .nvcpus = 1};
	int node, uart, len;
	const fdt32_t *v;

	CHECK_EQ(parse(&k), L0_HOSTDT_OK);
	/* every hart's S file, in hart[] order (hart 1 boots: hart[0]) */
	CHECK_EQ(plat.imsic_guest_bits, 2);
	CHECK_EQ(plat.imsic_hart_file[0], 0x28004000);
	CHECK_EQ(plat.imsic_hart_file[1], 0x28000000);
	in.l1_aia = true;
	in.l1_imsic_gpa = plat.imsic_hart_file[0];
	CHECK_EQ(
		l0_guestdt_build(&in, l1_buf, sizeof(l1_buf), err, sizeof(err)),
		L0_GUESTDT_OK);
	CHECK(fdt_node_offset_by_compatible(l1_buf, -1, "sifive,plic-1.0.0") <
	      0);
	/* only the S-level ones: the M-level IMSIC and APLIC are gone */
	CHECK(fdt_path_offset(l1_buf, "/soc/interrupt-controller@24000000") <
	      0);
	CHECK(fdt_path_offset(l1_buf, "/soc/interrupt-controller@c000000") < 0);
	node = fdt_path_offset(l1_buf, "/soc/interrupt-controller@28004000");
	CHECK(node >= 0);
	v = fdt_getprop(l1_buf, node, "reg", &len);
	CHECK(v && len == 16 && fdt32_to_cpu(v[1]) == 0x28004000 &&
	      fdt32_to_cpu(v[3]) == 0x4000);
	v = fdt_getprop(l1_buf, node, "interrupts-extended", &len);
	CHECK(v && len == 8 && fdt32_to_cpu(v[0]) == 3 &&
	      fdt32_to_cpu(v[1]) == IRQ_S_EXT);
	v = fdt_getprop(l1_buf, node, "riscv,hart-index-bits", &len);
	CHECK(v && len == 4 && fdt32_to_cpu(*v) == 0);
	v = fdt_getprop(l1_buf, node, "riscv,guest-index-bits", &len);
	CHECK(v && len == 4 && fdt32_to_cpu(*v) == 2);
	node = fdt_path_offset(l1_buf, "/soc/interrupt-controller@d000000");
	CHECK(node >= 0);
	v = fdt_getprop(l1_buf, node, "msi-parent", &len);
	CHECK(v && len == 4 && fdt32_to_cpu(*v) == 5);
	uart = fdt_path_offset(l1_buf, "/soc/serial@10000000");
	v = fdt_getprop(l1_buf, uart, "interrupt-parent", &len);
	CHECK(v && len == 4 && fdt32_to_cpu(*v) == 7);
	v = fdt_getprop(l1_buf, fdt_path_offset(l1_buf, "/cpus/cpu@0"),
			"riscv,isa", &len);
	CHECK(v && strstr((const char *)v, "ssaia") &&
	      !strstr((const char *)v, "smaia"));
}

/* L1's interrupt files: vCPU 0's S file and 3 guest files after it, as
 * pages of host memory; L1's file g is page g + 1 (vaplic.h) */
static uint32_t vfiles[5 * 1024] __attribute__((aligned(4096)));

static uint32_t vfile(unsigned page)
{
	uint32_t v = vfiles[page * 1024];

	vfiles[page * 1024] = 0;
	return v;
}

static void vaplic_setup(struct l0_aia *a, struct l0_vaplic *va,
			 unsigned geilen)
{
	uint64_t file = (uint64_t)(uintptr_t)vfiles;

	aia_setup(a);
	memset(vfiles, 0, sizeof(vfiles));
	l0_vaplic_init(va, a, plat.aplic_nsources, 1, &file, 2, 255, geilen);
}

static uint64_t vread(struct l0_vaplic *va, uint64_t off)
{
	uint64_t v = ~0ull;

	CHECK_EQ(l0_vaplic_read(va, off, 4, &v), L0_MMIO_OK);
	return v;
}

static void vwrite(struct l0_vaplic *va, uint64_t off, uint32_t val)
{
	CHECK_EQ(l0_vaplic_write(va, off, 4, val), L0_MMIO_OK);
}

/* domaincfg, sourcecfg and target WARL rules (AIA "Domain
 * configuration", "Source configurations", "Interrupt targets") */
TEST(vaplic_register_rules)
{
	static struct l0_aia a;
	static struct l0_vaplic va;
	uint64_t v;

	vaplic_setup(&a, &va, 0);
	/* bit 31 reads 1, DM read-only 1 (MSI), IE off, BE 0 */
	CHECK_EQ(vread(&va, APLIC_DOMAINCFG), 0x80000004);
	vwrite(&va, APLIC_DOMAINCFG, 0xffffffff);
	CHECK_EQ(vread(&va, APLIC_DOMAINCFG), 0x80000104);
	/* the UART's source takes the host's mode (level high) ... */
	reset_enables();
	vwrite(&va, APLIC_SOURCECFG(10), APLIC_SM_LEVEL1);
	CHECK_EQ(vread(&va, APLIC_SOURCECFG(10)), APLIC_SM_LEVEL1);
	CHECK_EQ(aplic_at(APLIC_SETIENUM), 10); /* host delivers it to L0 */
	/* ... and no other wired mode; a reserved one or D = 1 neither */
	reset_enables();
	vwrite(&va, APLIC_SOURCECFG(10), APLIC_SM_EDGE1);
	CHECK_EQ(vread(&va, APLIC_SOURCECFG(10)), 0);
	CHECK_EQ(aplic_at(APLIC_CLRIENUM), 10);
	vwrite(&va, APLIC_SOURCECFG(10), 2);
	CHECK_EQ(vread(&va, APLIC_SOURCECFG(10)), 0);
	vwrite(&va, APLIC_SOURCECFG(10), APLIC_SOURCECFG_D | 6);
	CHECK_EQ(vread(&va, APLIC_SOURCECFG(10)), 0);
	/* a source with no device: Inactive or Detached only */
	vwrite(&va, APLIC_SOURCECFG(9), APLIC_SM_LEVEL1);
	CHECK_EQ(vread(&va, APLIC_SOURCECFG(9)), 0);
	vwrite(&va, APLIC_SOURCECFG(9), APLIC_SM_DETACHED);
	CHECK_EQ(vread(&va, APLIC_SOURCECFG(9)), APLIC_SM_DETACHED);
	/* beyond the 96 sources: not implemented, read-only zero */
	vwrite(&va, APLIC_SOURCECFG(97), APLIC_SM_DETACHED);
	CHECK_EQ(vread(&va, APLIC_SOURCECFG(97)), 0);
	/* target: read-only zero while inactive; else each field WARL to
	 * L1's layout: 1 vCPU (no hart bits), guest index 2 bits */
	vwrite(&va, APLIC_TARGET(8), 0xffffffff);
	CHECK_EQ(vread(&va, APLIC_TARGET(8)), 0);
	vwrite(&va, APLIC_TARGET(9), 0xffffffff);
	CHECK_EQ(vread(&va, APLIC_TARGET(9)), 3u << 12 | 0x7ff);
	/* write-only and reserved registers read 0 */
	CHECK_EQ(vread(&va, APLIC_SETIPNUM), 0);
	CHECK_EQ(vread(&va, APLIC_MSIADDRCFG_FIRST), 0);
	/* 32-bit accesses only */
	CHECK_EQ(l0_vaplic_read(&va, APLIC_DOMAINCFG, 8, &v),
		 L0_MMIO_BAD_ACCESS);
	CHECK_EQ(l0_vaplic_write(&va, APLIC_DOMAINCFG + 2, 4, 0),
		 L0_MMIO_BAD_ACCESS);
}

/* The UART's host MSI becomes L1's pending source and is forwarded as
 * an MSI into L1's file once enabled in an enabled domain; L1's setipnum
 * re-arms the level source only while its input is high. */
TEST(vaplic_forwards_host_interrupts_as_msis)
{
	static struct l0_aia a;
	static struct l0_vaplic va;

	vaplic_setup(&a, &va, 2);
	vwrite(&va, APLIC_SOURCECFG(10), APLIC_SM_LEVEL1);
	vwrite(&va, APLIC_TARGET(10), 0 << 12 | 42); /* L1's S file, id 42 */
	/* the host's rectified input of source 10 is high (in_clrip) */
	aplic_mem[APLIC_IN_CLRIP(0) / 4] = 1u << 10;
	CHECK_EQ(vread(&va, APLIC_IN_CLRIP0), 1u << 10);
	imsic_topei = 10ull << 16 | 10;
	CHECK_EQ(l0_vaplic_hw_claim(&va), 1);
	/* pending, not enabled: no MSI yet; the host source unmasked again */
	CHECK_EQ(vread(&va, APLIC_SETIP0), 1u << 10);
	CHECK_EQ(vfile(1), 0);
	CHECK_EQ(aplic_at(APLIC_SETIENUM), 10);
	vwrite(&va, APLIC_SETIENUM, 10);
	CHECK_EQ(vread(&va, APLIC_SETIE0), 1u << 10);
	CHECK_EQ(vfile(1), 0); /* domain still off */
	vwrite(&va, APLIC_DOMAINCFG, APLIC_DOMAINCFG_IE);
	CHECK_EQ(vfile(1), 42); /* host guest file 1 = L1's S file */
	CHECK_EQ(vread(&va, APLIC_SETIP0), 0);
	CHECK_EQ(va.msis, 1);
	/* setipnum while the input is high: again */
	vwrite(&va, APLIC_SETIPNUM_LE, 10);
	CHECK_EQ(vfile(1), 42);
	/* input low: a level source cannot be made pending */
	aplic_mem[APLIC_IN_CLRIP(0) / 4] = 0;
	vwrite(&va, APLIC_SETIPNUM, 10);
	CHECK_EQ(vfile(1), 0);
	CHECK_EQ(vread(&va, APLIC_SETIP0), 0);
	/* a detached source: setip alone makes it pending; to L1's guest
	 * file 2 (host guest file 3), setipnum_be byte-swapped */
	vwrite(&va, APLIC_SOURCECFG(9), APLIC_SM_DETACHED);
	vwrite(&va, APLIC_TARGET(9), 2u << 12 | 7);
	vwrite(&va, APLIC_SETIPNUM_BE, __builtin_bswap32(9));
	CHECK_EQ(vread(&va, APLIC_SETIP0), 1u << 9);
	vwrite(&va, APLIC_SETIE0, 1u << 9);
	CHECK_EQ(vfile(3), 7);
	/* clrie and in_clrip */
	vwrite(&va, APLIC_CLRIE0, 1u << 9);
	vwrite(&va, APLIC_SETIP0, 1u << 9);
	CHECK_EQ(vfile(3), 0);
	vwrite(&va, APLIC_IN_CLRIP0, 1u << 9);
	CHECK_EQ(vread(&va, APLIC_SETIP0), 0);
	/* guest index 3 is beyond L1's GEILEN 2: dropped, counted */
	vwrite(&va, APLIC_TARGET(9), 3u << 12 | 7);
	vwrite(&va, APLIC_SETIENUM, 9);
	vwrite(&va, APLIC_SETIPNUM, 9);
	CHECK_EQ(va.msis_dropped, 1);
	CHECK_EQ(vfile(4), 0);
	/* genmsi: to the S file of hart 0, at once; Busy reads 0 */
	vwrite(&va, APLIC_GENMSI, 0xffffffff);
	CHECK_EQ(vfile(1), 0x7ff);
	CHECK_EQ(vread(&va, APLIC_GENMSI), 0x7ff);
	/* inactive again: pending, enable and target cleared */
	vwrite(&va, APLIC_SOURCECFG(10), 0);
	CHECK_EQ(vread(&va, APLIC_TARGET(10)), 0);
	CHECK_EQ(vread(&va, APLIC_SETIE0), 1u << 9);
}
