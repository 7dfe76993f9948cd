/* SPDX-License-Identifier: BSD-2-Clause */
/* Host unit tests for kvm-vmm's pure parts: where the guest's image,
 * initrd and device tree go, the device tree itself, and kvm-init's
 * command-line parsing. */
#include "../cmdline.h"
#include "../dt.h"
#include "../layout.h"

#include <libfdt.h>
#include <string.h>

#include <rvnest/bench.h>
#include <rvnest/encoding.h>
#include <rvnest/fdt_imsic.h>
#include <rvnest/fdt_util.h>

#include "unit.h"

#define MIB (1ull << 20)
#define LINUX_TEXT_OFFSET (2 * MIB) /* what RV64 Linux Images carry */

static struct layout_in linux_in(uint64_t ram, uint64_t image_size,
				 uint64_t file_size)
{
	struct layout_in in = {.ram_gpa = L2_RAM_BASE, .ram_size = ram};

	in.linux_image = true;
	in.hdr.text_offset = LINUX_TEXT_OFFSET;
	in.hdr.image_size = image_size;
	in.image_file_size = file_size;
	return in;
}

TEST(layout_flat_is_the_micro_contract)
{
	struct layout_in in = {.ram_gpa = L2_RAM_BASE,
			       .ram_size = L2_RAM_SIZE,
			       .image_file_size = 0x8000};
	struct layout out;

	CHECK_EQ(layout_plan(&in, &out), LAYOUT_OK);
	CHECK_EQ(out.image_gpa, L2_RAM_BASE);
	CHECK_EQ(out.entry, L2_RAM_BASE);
	/* the tree ends where the fresh pages begin, never inside them */
	CHECK_EQ(out.dtb_gpa + LAYOUT_DTB_MAX, L2_FRESH_BASE);
	CHECK_EQ(out.image_room, out.dtb_gpa - L2_RAM_BASE);

	in.image_file_size = out.image_room;
	CHECK_EQ(layout_plan(&in, &out), LAYOUT_OK);
	in.image_file_size++;
	CHECK_EQ(layout_plan(&in, &out), LAYOUT_IMAGE_TOO_LARGE);

	in.image_file_size = 1;
	in.has_initrd = true;
	CHECK_EQ(layout_plan(&in, &out), LAYOUT_INITRD_NEEDS_LINUX);

	in.has_initrd = false;
	in.ram_size = LAYOUT_DTB_MAX; /* half of it cannot hold the tree */
	CHECK_EQ(layout_plan(&in, &out), LAYOUT_RAM_TOO_SMALL);
}

TEST(layout_linux_kernel_initrd_tree)
{
	struct layout_in in = linux_in(128 * MIB, 3 * MIB, 2 * MIB);
	struct layout out;

	CHECK_EQ(layout_plan(&in, &out), LAYOUT_OK);
	CHECK_EQ(out.image_gpa, L2_RAM_BASE + LINUX_TEXT_OFFSET);
	CHECK_EQ(out.entry, out.image_gpa);
	CHECK_EQ(out.dtb_gpa, L2_RAM_BASE + 128 * MIB - LAYOUT_DTB_MAX);

	in.has_initrd = true;
	in.initrd_size = 300000;
	CHECK_EQ(layout_plan(&in, &out), LAYOUT_OK);
	CHECK_EQ(out.initrd_gpa % PAGE_SIZE, 0);
	CHECK(out.initrd_gpa + in.initrd_size <= out.dtb_gpa);
	CHECK(out.dtb_gpa - (out.initrd_gpa + in.initrd_size) < PAGE_SIZE);
	CHECK(out.initrd_gpa >= out.image_gpa + in.hdr.image_size);
}

TEST(layout_linux_refusals)
{
	uint64_t ram = 8 * MIB;
	uint64_t room = ram - LAYOUT_DTB_MAX - LINUX_TEXT_OFFSET;
	struct layout_in in = linux_in(ram, room, MIB);
	struct layout out;

	CHECK_EQ(layout_plan(&in, &out), LAYOUT_OK);
	in.hdr.image_size = room + 1; /* bss would reach the tree */
	CHECK_EQ(layout_plan(&in, &out), LAYOUT_IMAGE_TOO_LARGE);

	in = linux_in(ram, MIB, 2 * MIB); /* file larger than image_size */
	CHECK_EQ(layout_plan(&in, &out), LAYOUT_BAD_IMAGE_HEADER);
	in = linux_in(ram, 0, 0);
	CHECK_EQ(layout_plan(&in, &out), LAYOUT_BAD_IMAGE_HEADER);

	in = linux_in(ram, MIB, MIB);
	in.hdr.text_offset = ram; /* beyond RAM */
	CHECK_EQ(layout_plan(&in, &out), LAYOUT_IMAGE_TOO_LARGE);
	in.hdr.text_offset = ~0ull - MIB / 2; /* offset + size wraps */
	CHECK_EQ(layout_plan(&in, &out), LAYOUT_IMAGE_TOO_LARGE);

	/* the initrd must fit between the kernel's end and the tree */
	in = linux_in(ram, MIB, MIB);
	in.has_initrd = true;
	in.initrd_size = ram - LAYOUT_DTB_MAX - LINUX_TEXT_OFFSET - MIB;
	CHECK_EQ(layout_plan(&in, &out), LAYOUT_OK);
	CHECK_EQ(out.initrd_gpa, L2_RAM_BASE + LINUX_TEXT_OFFSET + MIB);
	in.initrd_size++;
	CHECK_EQ(layout_plan(&in, &out), LAYOUT_INITRD_TOO_LARGE);
	/* fits by size, but page alignment pushes it into the kernel */
	in.initrd_size = ram - LAYOUT_DTB_MAX - LINUX_TEXT_OFFSET - MIB - 1;
	in.hdr.image_size = MIB + 1;
	CHECK_EQ(layout_plan(&in, &out), LAYOUT_INITRD_TOO_LARGE);

	in = linux_in(LAYOUT_DTB_MAX - 1, MIB, MIB);
	CHECK_EQ(layout_plan(&in, &out), LAYOUT_RAM_TOO_SMALL);
	CHECK(strcmp(layout_status_msg(LAYOUT_INITRD_TOO_LARGE),
		     "initrd_does_not_fit_guest_ram") == 0);
	CHECK(strcmp(layout_status_msg((enum layout_status)99),
		     "layout_invalid_status") == 0);
}

TEST(layout_recognises_linux_images)
{
	struct linux_image_header h = {0};
	static const char magic2[] = "RSC\x05";
	static const char magic[] = "RISCV\0\0";

	CHECK(!layout_is_linux(&h, sizeof(h)));
	memcpy(&h.magic2, magic2, sizeof(h.magic2));
	CHECK(layout_is_linux(&h, sizeof(h)));
	CHECK(!layout_is_linux(&h, sizeof(h) - 1)); /* a short file */
	memset(&h, 0, sizeof(h));
	memcpy(&h.magic, magic, sizeof(h.magic));
	CHECK(layout_is_linux(&h, sizeof(h)));
}

static const char test_exts[] = "i\0m\0a\0c\0sstc\0zicbom";

static int build(uint8_t *buf, int size, const char *bootargs,
		 uint64_t initrd_size)
{
	struct dt_input in = {
		.ram_gpa = L2_RAM_BASE,
		.ram_size = 128 * MIB,
		.timebase_hz = 10000000,
		.isa = "rv64imac_sstc_zicbom",
		.isa_exts = test_exts,
		.isa_exts_len = sizeof(test_exts),
		.mmu = "riscv,sv48",
		.cbom_block = 64,
		.bootargs = bootargs,
		.initrd_gpa = L2_RAM_BASE + 100 * MIB,
		.initrd_size = initrd_size,
	};

	return dt_build(buf, size, &in);
}

TEST(dt_describes_the_guest)
{
	static uint8_t buf[LAYOUT_DTB_MAX];
	struct fdt_region mem[2];
	unsigned count;
	unsigned long harts[2];
	uint64_t hz;
	const fdt64_t *p;
	const fdt32_t *irq;
	int node, len;

	CHECK_EQ(build(buf, sizeof(buf), "console=hvc0", 4096), 0);
	CHECK(dt_size(buf) <= sizeof(buf));
	CHECK_EQ(fdt_util_check(buf), FDT_UTIL_OK);
	CHECK_EQ(fdt_util_memory(buf, mem, 2, &count), FDT_UTIL_OK);
	CHECK_EQ(count, 1);
	CHECK_EQ(mem[0].base, L2_RAM_BASE);
	CHECK_EQ(mem[0].size, 128 * MIB);
	CHECK_EQ(fdt_util_harts(buf, harts, 2, &count), FDT_UTIL_OK);
	CHECK_EQ(count, 1);
	CHECK_EQ(harts[0], 0);
	CHECK_EQ(fdt_util_timebase(buf, 0, &hz), FDT_UTIL_OK);
	CHECK_EQ(hz, 10000000);
	CHECK(fdt_util_hart_has_ext(buf, 0, "sstc"));
	CHECK(fdt_util_hart_has_ext(buf, 0, "zicbom"));
	CHECK(!fdt_util_hart_has_ext(buf, 0, "h"));
	CHECK(strcmp(fdt_util_bootargs(buf), "console=hvc0") == 0);

	node = fdt_util_cpu_node(buf, 0);
	CHECK(node >= 0);
	CHECK(strcmp(fdt_getprop(buf, node, "mmu-type", NULL), "riscv,sv48") ==
	      0);
	CHECK(fdt_getprop(buf, node, "riscv,cbom-block-size", NULL) != NULL);
	/* no Zicboz given: no block size for it */
	CHECK(fdt_getprop(buf, node, "riscv,cboz-block-size", NULL) == NULL);

	node = fdt_path_offset(buf, "/chosen");
	CHECK(node >= 0);
	p = fdt_getprop(buf, node, "linux,initrd-start", &len);
	CHECK(p && len == 8 && fdt64_ld(p) == L2_RAM_BASE + 100 * MIB);
	p = fdt_getprop(buf, node, "linux,initrd-end", &len);
	CHECK(p && len == 8 && fdt64_ld(p) == L2_RAM_BASE + 100 * MIB + 4096);

	/* the test device, its interrupt on the hart's S external line */
	node = fdt_node_offset_by_compatible(buf, -1, "rvnest,testdev");
	CHECK(node >= 0);
	p = fdt_getprop(buf, node, "reg", &len);
	CHECK(p && len == 16 && fdt64_ld(&p[0]) == TESTDEV_BASE &&
	      fdt64_ld(&p[1]) == TESTDEV_SIZE);
	irq = fdt_getprop(buf, node, "interrupts-extended", &len);
	CHECK(irq && len == 8 && fdt32_to_cpu(irq[1]) == IRQ_S_EXT);
	CHECK_EQ(fdt_node_offset_by_phandle(buf, fdt32_to_cpu(irq[0])),
		 fdt_node_offset_by_compatible(buf, -1, "riscv,cpu-intc"));
}

/* KVM's AIA (kvm-vmm/aia.c): an IMSIC with each hart's file, an MSI-mode
 * APLIC, the test device an MSI device; read back with the IMSIC parser
 * l1-guest-hyp uses (common/fdt_imsic.c). */
TEST(dt_with_kvm_aia)
{
	static uint8_t buf[LAYOUT_DTB_MAX];
	struct dt_input in = {
		.ram_gpa = L2_RAM_BASE,
		.ram_size = 128 * MIB,
		.timebase_hz = 10000000,
		.isa = "rv64imac_ssaia",
		.isa_exts = test_exts,
		.isa_exts_len = sizeof(test_exts),
		.nharts = 2,
		.imsic_gpa = L2_IMSIC_GPA,
		.aplic_gpa = 0x0d000000,
		.aplic_size = 0x4000,
		.imsic_ids = 255,
		.imsic_hart_bits = 1,
		.aplic_sources = 32,
	};
	struct fdt_imsic m;
	const fdt32_t *v;
	int node, imsic, len;

	CHECK_EQ(dt_build(buf, sizeof(buf), &in), 0);
	CHECK_EQ(fdt_util_check(buf), FDT_UTIL_OK);
	CHECK_EQ(fdt_imsic_s_file(buf, 0, &m), FDT_UTIL_OK);
	CHECK_EQ(m.s_file, L2_IMSIC_GPA);
	CHECK_EQ(m.num_ids, 255);
	CHECK_EQ(m.guest_bits, 0);
	CHECK_EQ(fdt_imsic_s_file(buf, 1, &m), FDT_UTIL_OK);
	CHECK_EQ(m.s_file, L2_IMSIC_GPA + 0x1000);
	CHECK_EQ(m.ctx, 1);
	imsic = fdt_node_offset_by_compatible(buf, -1, "riscv,imsics");
	CHECK(imsic >= 0);
	v = fdt_getprop(buf, imsic, "riscv,hart-index-bits", &len);
	CHECK(v && len == 4 && fdt32_to_cpu(*v) == 1);
	CHECK(fdt_getprop(buf, imsic, "msi-controller", NULL) != NULL);

	node = fdt_node_offset_by_compatible(buf, -1, "riscv,aplic");
	CHECK(node >= 0);
	v = fdt_getprop(buf, node, "msi-parent", &len);
	CHECK(v && len == 4);
	CHECK_EQ(fdt_node_offset_by_phandle(buf, fdt32_to_cpu(*v)), imsic);
	v = fdt_getprop(buf, node, "riscv,num-sources", &len);
	CHECK(v && len == 4 && fdt32_to_cpu(*v) == 32);
	CHECK(fdt_getprop(buf, node, "interrupts-extended", NULL) == NULL);

	/* the test device sends MSIs to the IMSIC, no wired line */
	node = fdt_node_offset_by_compatible(buf, -1, "rvnest,testdev");
	CHECK(node >= 0);
	CHECK(fdt_getprop(buf, node, "interrupts-extended", NULL) == NULL);
	v = fdt_getprop(buf, node, "msi-parent", &len);
	CHECK(v && fdt_node_offset_by_phandle(buf, fdt32_to_cpu(*v)) == imsic);
}

TEST(dt_without_bootargs_or_initrd)
{
	static uint8_t buf[LAYOUT_DTB_MAX];
	int node;

	CHECK_EQ(build(buf, sizeof(buf), NULL, 0), 0);
	CHECK(fdt_util_bootargs(buf) == NULL);
	node = fdt_path_offset(buf, "/chosen");
	CHECK(node >= 0);
	CHECK(fdt_getprop(buf, node, "linux,initrd-start", NULL) == NULL);
}

TEST(dt_too_small_a_buffer_is_an_error)
{
	static uint8_t buf[256];

	CHECK_EQ(build(buf, sizeof(buf), "console=hvc0", 0),
		 (unsigned long long)-FDT_ERR_NOSPACE);
	CHECK(strlen(dt_strerror(-FDT_ERR_NOSPACE)) > 0);
}

TEST(cmdline_params_as_the_kernel_splits_them)
{
	char line[] = "console=ttyS0  rvnest.vmm=\"--bootargs;a b;x\" "
		      "rvnest.l2=linux\n";
	char *cur = line, *p;

	p = cmdline_next_param(&cur);
	CHECK(p && strcmp(p, "console=ttyS0") == 0);
	p = cmdline_next_param(&cur);
	CHECK(p && strcmp(p, "rvnest.vmm=--bootargs;a b;x") == 0);
	p = cmdline_next_param(&cur);
	CHECK(p && strcmp(p, "rvnest.l2=linux") == 0);
	CHECK(cmdline_next_param(&cur) == NULL);

	char empty[] = "   \n";
	cur = empty;
	CHECK(cmdline_next_param(&cur) == NULL);
}

TEST(cmdline_split_vmm_args)
{
	char args[] = "--mem;64M;;--bootargs;a b;/img";
	char *argv[8];

	argv[0] = "/vmm";
	CHECK_EQ(cmdline_split(args, ";", argv, 1, 8), 6);
	CHECK(strcmp(argv[1], "--mem") == 0);
	CHECK(strcmp(argv[3], "--bootargs") == 0); /* ";;" is one break */
	CHECK(strcmp(argv[4], "a b") == 0);
	CHECK(strcmp(argv[5], "/img") == 0);
	CHECK(argv[6] == NULL);

	char many[] = "a;b;c;d";
	CHECK_EQ(cmdline_split(many, ";", argv, 1, 5), -1); /* needs 6 */
	char fits[] = "a;b;c";
	CHECK_EQ(cmdline_split(fits, ";", argv, 1, 5), 4);
}
