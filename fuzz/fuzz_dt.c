/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: the host device-tree parser (l0-hyp/hostdt.c) and the L1
 * device-tree generator (l0-hyp/guestdt.c) on hostile DTBs.
 *
 * Input: 4 parameter bytes (boot hart ID, vCPU count, features given to
 * L1, output buffer size, bootargs and initrd choices), then the DTB. The
 * DTB is copied into a buffer exactly as long as the rest of the input and
 * is used only when its header's totalsize fits in it: the firmware hands
 * L0 totalsize bytes of memory, no more, and anything beyond is not the
 * tree's. libfdt is built with the same sanitizers.
 *
 * Invariants: the parser either says why it refuses (a non-empty one-line
 * message) or returns a platform whose counts are within their arrays,
 * whose boot hart is the one asked, whose strings all lie inside the tree
 * or L0's own buffers and are terminated; the generator either refuses
 * with a message or writes a tree that fits its buffer, passes
 * fdt_check_header, walks cleanly (every node and property readable), has
 * no memory reservations, has exactly the vCPUs asked as /cpus/cpu@0..n-1
 * with reg = i, one memory node with L1's RAM, and /chosen bootargs as
 * given.
 */
#include "fuzz.h"

#include <libfdt.h>
#include <string.h>

#include "guestdt.h"
#include "hostdt.h"

#define OUT_MAX (64 * 1024)
#define HDR_BYTES 4

static struct l0_platform plat;

static bool within(const void *p, const void *base, size_t size)
{
	return (const char *)p >= (const char *)base &&
	       (const char *)p < (const char *)base + size;
}

/* A string the platform points to: in the tree or in plat itself, and
 * terminated before the end of that area. */
static void check_str(const char *s, const void *fdt, size_t fdt_size,
		      const char *what)
{
	const void *base;
	size_t size;

	if (!s)
		return;
	if (within(s, fdt, fdt_size)) {
		base = fdt;
		size = fdt_size;
	} else {
		FUZZ_CHECK(within(s, &plat, sizeof(plat)),
			   "%s points outside the tree and the platform", what);
		base = &plat;
		size = sizeof(plat);
	}
	FUZZ_CHECK(memchr(s, 0, size - (size_t)(s - (const char *)base)),
		   "%s not terminated", what);
}

/* The UART's pages, which L1 gets in its G-stage, hold none of RAM, the
 * PLIC or the APLIC (hostdt.c check_uart_alone) */
static void check_uart_pages(void)
{
	uint64_t base = plat.uart.base & ~4095ULL;
	uint64_t end = (plat.uart.base + plat.uart.size + 4095) & ~4095ULL;
	const struct l0_range *r[L0_MAX_MEM_REGIONS + 2];
	unsigned n = 0;

	if (!plat.has_uart)
		return;
	FUZZ_CHECK(end > base, "UART 0x%llx+0x%llx wraps",
		   (unsigned long long)plat.uart.base,
		   (unsigned long long)plat.uart.size);
	for (unsigned i = 0; i < plat.nmem; i++)
		r[n++] = &plat.mem[i];
	if (plat.has_plic)
		r[n++] = &plat.plic;
	if (plat.has_aia)
		r[n++] = &plat.aplic;
	for (unsigned i = 0; i < n; i++)
		FUZZ_CHECK(!r[i]->size || end <= r[i]->base ||
				   (r[i]->base + r[i]->size >= r[i]->base &&
				    base >= r[i]->base + r[i]->size),
			   "UART 0x%llx+0x%llx shares pages with 0x%llx+0x%llx",
			   (unsigned long long)plat.uart.base,
			   (unsigned long long)plat.uart.size,
			   (unsigned long long)r[i]->base,
			   (unsigned long long)r[i]->size);
}

static void check_platform(const void *fdt, size_t size, unsigned long hartid)
{
	check_uart_pages();
	FUZZ_CHECK(plat.nmem <= L0_MAX_MEM_REGIONS &&
			   plat.nresv <= L0_MAX_RESERVED && plat.ncpus >= 1 &&
			   plat.ncpus <= L0_MAX_HOST_HARTS &&
			   plat.nisa_ext <= L0_MAX_ISA_EXT &&
			   plat.nisa_letters <= L0_ISA_LETTERS_MAX,
		   "counts mem %u resv %u cpus %u isa %u letters %u", plat.nmem,
		   plat.nresv, plat.ncpus, plat.nisa_ext, plat.nisa_letters);
	FUZZ_CHECK(plat.hart[0].hartid == hartid && plat.boot_hartid == hartid,
		   "boot hart %lu, asked %lu", plat.hart[0].hartid, hartid);
	FUZZ_CHECK(plat.fdt == fdt && plat.fdt_size == fdt_totalsize(fdt),
		   "fdt %p size %llu", plat.fdt,
		   (unsigned long long)plat.fdt_size);
	for (unsigned i = 0; i < plat.nisa_ext; i++)
		check_str(plat.isa_ext[i], fdt, size, "ISA extension");
	check_str(plat.mmu_type, fdt, size, "mmu-type");
	check_str(plat.bootargs, fdt, size, "bootargs");
	FUZZ_CHECK(memchr(plat.uart_path, 0, L0_PATH_MAX) &&
			   memchr(plat.plic_path, 0, L0_PATH_MAX) &&
			   memchr(plat.isa_buf, 0, sizeof(plat.isa_buf)),
		   "path or ISA buffer not terminated");
	if (plat.has_initrd)
		FUZZ_CHECK(plat.initrd.base + plat.initrd.size >=
				   plat.initrd.base,
			   "initrd wraps");
	if (plat.has_plic)
		FUZZ_CHECK(plat.plic_path[0] == '/', "PLIC path '%s'",
			   plat.plic_path);
	if (plat.has_uart)
		FUZZ_CHECK(plat.uart_path[0] == '/', "UART path '%s'",
			   plat.uart_path);
	/* AIA (aia_dt.c): what aia.c relies on, EIID = source */
	FUZZ_CHECK(memchr(plat.imsic_path, 0, L0_PATH_MAX) &&
			   memchr(plat.aplic_path, 0, L0_PATH_MAX),
		   "AIA path not terminated");
	if (plat.has_aia)
		FUZZ_CHECK(plat.imsic_num_ids >= 63 &&
				   plat.imsic_num_ids <= 2047 &&
				   plat.aplic_nsources >= 1 &&
				   plat.aplic_nsources <= plat.imsic_num_ids &&
				   plat.aplic_nsources <= 1023 &&
				   plat.uart_irq <= plat.aplic_nsources &&
				   plat.imsic_hart_index < (1u << 14) &&
				   plat.aplic_path[0] == '/' &&
				   plat.imsic_path[0] == '/',
			   "AIA: ids %u sources %u uart %u hart index %u",
			   plat.imsic_num_ids, plat.aplic_nsources,
			   plat.uart_irq, plat.imsic_hart_index);
	else
		FUZZ_CHECK(!plat.uart_irq, "UART source without AIA");
}

static uint64_t reg_cells(const fdt32_t *c, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(c[i]);
	return v;
}

/* An interrupt reference L1's tree holds at `node` (interrupt-parent,
 * msi-parent, each parent of interrupts-extended) names a node of L1's
 * tree: guestdt.c neither prunes a node that a node it keeps points at
 * nor keeps a reference to a node it pruned or that never was
 * (drop_dangling_irq_refs). */
static void check_ref(const void *f, int node, const char *prop)
{
	int len, hlen;
	const fdt32_t *v = fdt_getprop(f, node, prop, &len);

	for (int i = 0; v && i < len / 4;) {
		uint32_t ph = fdt32_to_cpu(v[i]);
		int parent = fdt_node_offset_by_phandle(f, ph);

		FUZZ_CHECK(parent >= 0,
			   "L1 DT: %s of %s names phandle %u, no node of "
			   "L1's tree",
			   prop, fdt_get_name(f, node, NULL), ph);
		if (strcmp(prop, "interrupts-extended"))
			return;
		const fdt32_t *cells =
			fdt_getprop(f, parent, "#interrupt-cells", &hlen);
		uint32_t ncells = cells && hlen == 4 ? fdt32_to_cpu(cells[0])
						     : UINT32_MAX;
		if (ncells > (uint32_t)len / 4)
			return; /* the parent's own problem, not a reference */
		i += 1 + (int)ncells;
	}
}

/* l1.aia=1 (vaplic_dt.c): L1 gets the host's S-level IMSIC node, renamed
 * for its address and with an S file per vCPU (AIA "IMSIC memory
 * regions") wired to each vCPU's S external interrupt, and the host's
 * S-level APLIC node delivering MSIs into it with no children; not the
 * host's PLIC (L0 emulates none for it). The nodes are found by the
 * host's paths: a hostile host tree may claim these compatibles or drop
 * `interrupt-controller` anywhere. */
static void check_l1_aia(const void *f, const struct l0_guestdt_input *in)
{
	const struct l0_platform *h = in->host;
	uint64_t stride = 4096ULL << h->imsic_guest_bits;
	char path[L0_PATH_MAX + 48];
	int len;

	snprintf(path, sizeof(path), "%s", h->imsic_path);
	*strrchr(path, '/') = 0;
	snprintf(path + strlen(path), sizeof(path) - strlen(path),
		 "/interrupt-controller@%llx",
		 (unsigned long long)in->l1_imsic_gpa);
	int imsic = fdt_path_offset(f, path);
	int aplic = fdt_path_offset(f, h->aplic_path);
	FUZZ_CHECK(imsic >= 0, "l1.aia: no IMSIC at %s", path);
	FUZZ_CHECK(aplic >= 0, "l1.aia: no APLIC at %s", h->aplic_path);
	FUZZ_CHECK(!h->has_plic || fdt_path_offset(f, h->plic_path) < 0,
		   "l1.aia: L1 also got the host's PLIC");
	/* reg in the cells of the IMSIC's parent */
	int parent = fdt_parent_offset(f, imsic);
	int ac = fdt_address_cells(f, parent), sc = fdt_size_cells(f, parent);
	const fdt32_t *reg = fdt_getprop(f, imsic, "reg", &len);
	FUZZ_CHECK(reg && ac > 0 && sc > 0 && len == 4 * (ac + sc) &&
			   reg_cells(reg, ac) == in->l1_imsic_gpa &&
			   reg_cells(reg + ac, sc) == in->nvcpus * stride,
		   "l1.aia: IMSIC reg");
	const fdt32_t *ie = fdt_getprop(f, imsic, "interrupts-extended", &len);
	FUZZ_CHECK(ie && len == (int)(8 * in->nvcpus),
		   "l1.aia: IMSIC interrupts-extended of %d bytes for %u vCPUs",
		   len, in->nvcpus);
	for (unsigned i = 0; i < in->nvcpus; i++) {
		/* file i: the S external interrupt (9) of the interrupt
		 * controller inside /cpus/cpu@i */
		char cpu[32];
		int intc =
			fdt_node_offset_by_phandle(f, fdt32_to_cpu(ie[2 * i]));
		snprintf(cpu, sizeof(cpu), "/cpus/cpu@%x", i);
		FUZZ_CHECK(intc >= 0 &&
				   fdt_parent_offset(f, intc) ==
					   fdt_path_offset(f, cpu) &&
				   fdt32_to_cpu(ie[2 * i + 1]) == 9,
			   "l1.aia: IMSIC file %u is not vCPU %u's S external "
			   "interrupt",
			   i, i);
	}
	const fdt32_t *mp = fdt_getprop(f, aplic, "msi-parent", &len);
	FUZZ_CHECK(mp && len == 4 &&
			   fdt32_to_cpu(mp[0]) == fdt_get_phandle(f, imsic),
		   "l1.aia: the APLIC does not deliver into L1's IMSIC");
	FUZZ_CHECK(!fdt_getprop(f, aplic, "riscv,children", NULL) &&
			   !fdt_getprop(f, aplic, "riscv,delegation", NULL) &&
			   !fdt_getprop(f, aplic, "interrupts-extended", NULL),
		   "l1.aia: the APLIC keeps the host's domain wiring");
}

static void check_l1_tree(const void *f, size_t bufsize,
			  const struct l0_guestdt_input *in)
{
	int node, depth = 0, len, ncpu = 0;

	FUZZ_CHECK(fdt_check_header(f) == 0, "L1 DT header");
	FUZZ_CHECK(fdt_totalsize(f) <= bufsize, "L1 DT of %u bytes in %zu",
		   fdt_totalsize(f), bufsize);
	FUZZ_CHECK(fdt_num_mem_rsv(f) == 0, "L1 DT memory reservations");
	for (node = fdt_next_node(f, -1, &depth); node >= 0;
	     node = fdt_next_node(f, node, &depth)) {
		int prop;

		FUZZ_CHECK(fdt_get_name(f, node, &len) != NULL,
			   "node at %d has no name", node);
		fdt_for_each_property_offset(prop, f, node)
		{
			const char *name;
			FUZZ_CHECK(fdt_getprop_by_offset(f, prop, &name,
							 &len) != NULL &&
					   name && len >= 0,
				   "property at %d unreadable", prop);
		}
		FUZZ_CHECK(prop == -FDT_ERR_NOTFOUND, "property walk: %s",
			   fdt_strerror(prop));
		check_ref(f, node, "interrupt-parent");
		check_ref(f, node, "msi-parent");
		check_ref(f, node, "interrupts-extended");
	}
	FUZZ_CHECK(node == -FDT_ERR_NOTFOUND, "node walk: %s",
		   fdt_strerror(node));

	int cpus = fdt_path_offset(f, "/cpus");
	FUZZ_CHECK(cpus >= 0, "no /cpus");
	fdt_for_each_subnode(node, f, cpus)
	{
		const char *dt = fdt_getprop(f, node, "device_type", NULL);
		if (dt && !strcmp(dt, "cpu"))
			ncpu++;
	}
	FUZZ_CHECK(ncpu == (int)in->nvcpus, "%d cpu nodes for %u vCPUs", ncpu,
		   in->nvcpus);
	for (unsigned i = 0; i < in->nvcpus; i++) {
		char path[32];
		snprintf(path, sizeof(path), "/cpus/cpu@%x", i);
		node = fdt_path_offset(f, path);
		if (node < 0) {
			snprintf(path, sizeof(path), "/cpus/cpu@%u", i);
			node = fdt_path_offset(f, path);
		}
		FUZZ_CHECK(node >= 0, "no %s", path);
		const fdt32_t *reg = fdt_getprop(f, node, "reg", &len);
		FUZZ_CHECK(reg && len == 4 && fdt32_to_cpu(reg[0]) == i,
			   "%s reg", path);
	}
	char mem[32];
	snprintf(mem, sizeof(mem), "/memory@%llx",
		 (unsigned long long)in->gmem->gpa);
	node = fdt_path_offset(f, mem);
	FUZZ_CHECK(node >= 0, "no %s", mem);
	const fdt32_t *reg = fdt_getprop(f, node, "reg", &len);
	int ac = fdt_address_cells(f, 0), sc = fdt_size_cells(f, 0);
	FUZZ_CHECK(reg && ac > 0 && sc >= 0 && len == 4 * (ac + sc) &&
			   reg_cells(reg, ac) == in->gmem->gpa &&
			   reg_cells(reg + ac, sc) == in->gmem->size,
		   "memory reg (len %d, cells %d/%d)", len, ac, sc);
	/* on an AIA host without a PLIC, L1 gets the vPLIC as a PLIC node
	 * (guestdt.c) and no IMSIC or APLIC */
	if (in->l1_aia)
		check_l1_aia(f, in);
	else if (in->host->has_aia && !in->host->has_plic)
		FUZZ_CHECK(fdt_node_offset_by_compatible(
				   f, -1, "sifive,plic-1.0.0") >= 0 &&
				   fdt_path_offset(f, in->host->aplic_path) <
					   0 &&
				   fdt_path_offset(f, in->host->imsic_path) < 0,
			   "AIA host: L1's interrupt controllers");
	node = fdt_path_offset(f, "/chosen");
	const char *ba =
		node < 0 ? NULL : fdt_getprop(f, node, "bootargs", &len);
	if (in->bootargs && in->bootargs[0])
		FUZZ_CHECK(ba && !strcmp(ba, in->bootargs), "bootargs");
	else
		FUZZ_CHECK(!ba, "bootargs not asked for");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned long hartids[] = {0, 1, 2, 3, 7, 0x100, 0, 1};
	static const size_t bufsizes[] = {OUT_MAX, OUT_MAX, OUT_MAX, 256,
					  1024,	   4096,    8192,    16384};
	char err[160];

	if (size < HDR_BYTES + sizeof(struct fdt_header))
		return 0;
	uint8_t p0 = data[0], p1 = data[1], p2 = data[2], p3 = data[3];
	size_t n = size - HDR_BYTES;
	uint32_t total = (uint32_t)data[HDR_BYTES + 4] << 24 |
			 (uint32_t)data[HDR_BYTES + 5] << 16 |
			 (uint32_t)data[HDR_BYTES + 6] << 8 |
			 data[HDR_BYTES + 7];
	if (total > n)
		return 0; /* memory the firmware never gave */

	/* malloc: 16-byte aligned, as the firmware's DTB is 8 */
	void *fdt = malloc(n);
	memcpy(fdt, data + HDR_BYTES, n);
	unsigned long hartid = hartids[p0 % 8];
	err[0] = 0;
	enum l0_hostdt_status st = l0_hostdt_parse(
		(uint64_t)(uintptr_t)fdt, hartid, &plat, err, sizeof(err));
	if (st != L0_HOSTDT_OK) {
		FUZZ_CHECK(st == L0_HOSTDT_BAD && err[0] &&
				   memchr(err, 0, sizeof(err)) &&
				   !strchr(err, '\n'),
			   "refusal without a one-line reason");
		free(fdt);
		return 0;
	}
	check_platform(fdt, n, hartid);

	struct l0_gmem g = {.gpa = 0x80000000ULL + ((uint64_t)(p1 >> 6) << 30),
			    .size = (64ULL << 20) << (p1 >> 4 & 3)};
	/* ncpus + 1: a vCPU beyond the host's harts, which gets a copy of
	 * the boot hart's cpu node (L0 schedules it, l0-hyp/sched.h) */
	struct l0_guestdt_input in = {
		.host = &plat,
		.gmem = &g,
		.nvcpus = (p1 & 7) == 7 ? plat.ncpus + 1
					: 1 + (p1 & 7) % plat.ncpus,
		.bootargs = (p3 & 3) == 0   ? ""
			    : (p3 & 3) == 1 ? "console=ttyS0 earlycon=sbi"
			    : (p3 & 3) == 2 ? plat.bootargs
					    : NULL,
		.has_initrd = p3 & 4,
		.initrd_gpa = 0x84000000ULL + ((uint64_t)(p3 >> 3) << 21),
		.initrd_size = (uint64_t)(p3 >> 3) << 12,
	};
	for (int i = 0; i < L0_ISA_FEATURE_COUNT; i++)
		in.l1_has[i] = (p2 >> (i % 8)) & 1 ? plat.isa[i] : false;
	if (p2 & 0x80)
		in.l1_has[L0_ISA_H] = true;
	/* l1.pci: L1's host bridge node from whatever the tree holds */
	if (plat.pci.has_pci && (p1 & 8))
		in.pci = &plat.pci;
	/* l1.aia=1, where main.c allows it: an AIA host, a vCPU per hart,
	 * each hart with an S-level IMSIC file (map_l1_imsic) */
	if ((p0 & 8) && plat.has_aia && in.nvcpus <= plat.ncpus) {
		in.l1_aia = true;
		in.l1_imsic_gpa = plat.imsic_hart_file[0];
		for (unsigned i = 0; i < in.nvcpus; i++)
			in.l1_aia &= plat.imsic_hart_file[i] != 0;
	}
	size_t bufsize = bufsizes[p3 >> 5 & 7];
	void *out = malloc(bufsize);
	err[0] = 0;
	enum l0_guestdt_status gs =
		l0_guestdt_build(&in, out, bufsize, err, sizeof(err));
	if (gs == L0_GUESTDT_OK)
		check_l1_tree(out, bufsize, &in);
	else
		FUZZ_CHECK(gs == L0_GUESTDT_BAD && err[0] &&
				   memchr(err, 0, sizeof(err)),
			   "L1 DT refused without a reason");
	free(out);
	free(fdt);
	return 0;
}
