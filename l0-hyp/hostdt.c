/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host device-tree parsing with libfdt. Every lookup that fails says which
 * node or property was wrong, so a malformed tree gives one clear line.
 */
#include "hostdt.h"

#include <libfdt.h>
#include <rvnest/encoding.h>
#include <rvnest/fdt_util.h>
#include <stdio.h>
#include <string.h>

/* ISA feature names as the DT spells them ("riscv,isa-extensions"). */
static const char *const l0_isa_names[L0_ISA_FEATURE_COUNT] = {
	[L0_ISA_H] = "h",
	[L0_ISA_SSTC] = "sstc",
	[L0_ISA_ZICBOM] = "zicbom",
	[L0_ISA_ZICBOZ] = "zicboz",
	[L0_ISA_SVADU] = "svadu",
	[L0_ISA_SVPBMT] = "svpbmt",
	[L0_ISA_F] = "f",
	[L0_ISA_D] = "d",
	[L0_ISA_V] = "v",
	[L0_ISA_SMSTATEEN] = "smstateen",
	[L0_ISA_SSCOFPMF] = "sscofpmf",
	[L0_ISA_SSAIA] = "ssaia",
};

const char *l0_isa_feature_name(enum l0_isa_feature f)
{
	return l0_isa_names[f];
}

#define FAIL(...)                                   \
	do {                                        \
		snprintf(err, errlen, __VA_ARGS__); \
		return L0_HOSTDT_BAD;               \
	} while (0)

static uint64_t read_cells(const fdt32_t *c, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_to_cpu(c[i]);
	return v;
}

/* Read the `idx`th (address, size) pair of `node`'s "reg", using the
 * parent's #address-cells / #size-cells (Devicetree spec "reg"). */
enum l0_hostdt_status l0_hostdt_read_reg(const void *fdt, int node, int idx,
					 struct l0_range *r, char *err,
					 size_t errlen)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac, sc, len;
	const fdt32_t *reg;

	if (parent < 0)
		FAIL("host DT: node %s has no parent (%s)",
		     fdt_get_name(fdt, node, NULL), fdt_strerror(parent));
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	if (ac < 1 || ac > 2 || sc < 0 || sc > 2)
		FAIL("host DT: bad #address-cells/#size-cells above %s",
		     fdt_get_name(fdt, node, NULL));
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < (idx + 1) * (ac + sc) * 4)
		FAIL("host DT: node %s has no reg entry %d",
		     fdt_get_name(fdt, node, NULL), idx);
	reg += idx * (ac + sc);
	r->base = read_cells(reg, ac);
	r->size = read_cells(reg + ac, sc);
	return L0_HOSTDT_OK;
}

static enum l0_hostdt_status
parse_memory(const void *fdt, struct l0_platform *p, char *err, size_t errlen)
{
	struct fdt_region r[L0_MAX_RESERVED];
	enum fdt_util_status st;
	unsigned n;

	_Static_assert(sizeof(struct fdt_region) == sizeof(struct l0_range),
		       "fdt_region and l0_range differ");
	st = fdt_util_memory(fdt, r, L0_MAX_MEM_REGIONS, &n);
	if (st == FDT_UTIL_NOT_FOUND)
		FAIL("host DT: no memory node");
	if (st != FDT_UTIL_OK)
		FAIL("host DT: memory nodes: %s", fdt_util_status_name(st));
	if (!n)
		FAIL("host DT: no memory node with a reg");
	memcpy(p->mem, r, n * sizeof(r[0]));
	p->nmem = n;
	/* The memory-reservation block and /reserved-memory (OpenSBI's own
	 * region lives there). */
	st = fdt_util_reserved(fdt, r, L0_MAX_RESERVED, &n);
	if (st != FDT_UTIL_OK)
		FAIL("host DT: reserved memory: %s", fdt_util_status_name(st));
	memcpy(p->resv, r, n * sizeof(r[0]));
	p->nresv = n;
	return L0_HOSTDT_OK;
}

static enum l0_hostdt_status parse_isa(const void *fdt, int cpu,
				       struct l0_platform *p, char *err,
				       size_t errlen)
{
	int len;
	const char *s = fdt_getprop(fdt, cpu, "riscv,isa-extensions", &len);

	if (s && len > 0) {
		/* a stringlist: NUL-separated, NUL-terminated */
		if (s[len - 1] != '\0')
			FAIL("host DT: riscv,isa-extensions not terminated");
		for (const char *q = s; q < s + len; q += strlen(q) + 1) {
			if (p->nisa_ext == L0_MAX_ISA_EXT)
				FAIL("host DT: more than %d ISA extensions",
				     L0_MAX_ISA_EXT);
			p->isa_ext[p->nisa_ext++] = q;
		}
	} else {
		/* Older trees: "rv64imafdch_zicsr_sstc..." (ISA manual
		 * "ISA Extension Naming Conventions"). Single letters after
		 * the base, multi-letter ones separated by '_'. */
		char *b = p->isa_buf, *q;

		s = fdt_getprop(fdt, cpu, "riscv,isa", &len);
		if (!s || len < 5 || (size_t)len > sizeof(p->isa_buf) ||
		    strncmp(s, "rv64", 4))
			FAIL("host DT: boot cpu has neither "
			     "riscv,isa-extensions nor an rv64 riscv,isa");
		memcpy(b, s, (size_t)len);
		b[len - 1] = '\0';
		/* single letters: each gets its own 2-byte name */
		for (q = b + 4; *q && *q != '_'; q++) {
			unsigned n = p->nisa_letters;

			if (n == L0_ISA_LETTERS_MAX ||
			    p->nisa_ext == L0_MAX_ISA_EXT)
				FAIL("host DT: riscv,isa has too many letters");
			p->isa_letters[n][0] = *q;
			p->isa_letters[n][1] = '\0';
			p->isa_ext[p->nisa_ext++] = p->isa_letters[n];
			p->nisa_letters++;
		}
		/* multi-letter names, each after a '_' */
		while (*q == '_') {
			char *e;

			*q++ = '\0';
			e = strchr(q, '_');
			if (p->nisa_ext == L0_MAX_ISA_EXT)
				FAIL("host DT: too many ISA extensions");
			if (*q)
				p->isa_ext[p->nisa_ext++] = q;
			if (!e)
				break;
			q = e;
		}
	}
	for (int f = 0; f < L0_ISA_FEATURE_COUNT; f++)
		p->isa[f] = fdt_util_hart_has_ext(fdt, p->boot_hartid,
						  l0_isa_names[f]);
	p->mmu_type = fdt_getprop(fdt, cpu, "mmu-type", NULL);
	return L0_HOSTDT_OK;
}

static enum l0_hostdt_status parse_cpus(const void *fdt, unsigned long hartid,
					struct l0_platform *p, char *err,
					size_t errlen)
{
	unsigned long ids[L0_MAX_HOST_HARTS];
	enum fdt_util_status st;
	unsigned n;
	uint64_t hz;
	int intc;

	st = fdt_util_harts(fdt, ids, L0_MAX_HOST_HARTS, &n);
	if (st != FDT_UTIL_OK)
		FAIL("host DT: cpus: %s", fdt_util_status_name(st));
	/* the boot hart first, the others in tree order */
	p->ncpus = 1;
	for (unsigned i = 0; i < n; i++) {
		struct l0_host_hart *h;
		int cpu = fdt_util_cpu_node(fdt, ids[i]);

		h = ids[i] == hartid ? &p->hart[0] : &p->hart[p->ncpus++];
		if (p->ncpus > n)
			FAIL("host DT: boot hart %lu is not an enabled cpu",
			     hartid);
		intc = cpu < 0 ? cpu
			       : fdt_subnode_offset(fdt, cpu,
						    "interrupt-controller");
		h->hartid = ids[i];
		h->intc_phandle = intc < 0 ? 0 : fdt_get_phandle(fdt, intc);
		if (!h->intc_phandle)
			FAIL("host DT: cpu %lu has no interrupt-controller "
			     "with a phandle",
			     ids[i]);
		/* the hart's local interrupt controller (DT binding
		 * riscv,cpu-intc); L1's DT keeps this node with its cpu */
		if (fdt_node_check_compatible(fdt, intc, "riscv,cpu-intc"))
			FAIL("host DT: cpu %lu interrupt-controller is not "
			     "compatible with riscv,cpu-intc",
			     ids[i]);
	}
	p->boot_cpu_off = fdt_util_cpu_node(fdt, hartid);
	if (p->boot_cpu_off < 0)
		FAIL("host DT: no cpu node with reg = boot hart %lu", hartid);
	p->boot_hartid = hartid;
	st = fdt_util_timebase(fdt, hartid, &hz);
	if (st != FDT_UTIL_OK || !hz || hz > UINT32_MAX)
		FAIL("host DT: timebase-frequency: %s",
		     st != FDT_UTIL_OK ? fdt_util_status_name(st)
				       : "bad value");
	p->timebase = (uint32_t)hz;
	intc = fdt_subnode_offset(fdt, p->boot_cpu_off, "interrupt-controller");
	if (intc < 0)
		FAIL("host DT: cpu %lu has no interrupt-controller", hartid);
	p->boot_intc_phandle = fdt_get_phandle(fdt, intc);
	if (!p->boot_intc_phandle)
		FAIL("host DT: cpu %lu interrupt-controller has no phandle",
		     hartid);
	return parse_isa(fdt, p->boot_cpu_off, p, err, errlen);
}

static bool node_compatible(const void *fdt, int node,
			    const char *const *compat)
{
	for (; *compat; compat++)
		if (!fdt_node_check_compatible(fdt, node, *compat))
			return true;
	return false;
}

static int first_okay_compatible(const void *fdt, const char *const *compat)
{
	int node;

	for (node = fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		const char *st = fdt_getprop(fdt, node, "status", NULL);

		if (st && strcmp(st, "okay") && strcmp(st, "ok"))
			continue;
		if (node_compatible(fdt, node, compat))
			return node;
	}
	return -1;
}

/* The UART L1 gets: /chosen/stdout-path first, else the first 16550. */
static enum l0_hostdt_status parse_uart(const void *fdt, struct l0_platform *p,
					char *err, size_t errlen)
{
	static const char *const compat[] = {"ns16550a", "ns16550", NULL};
	int chosen = fdt_path_offset(fdt, "/chosen"), node = -1;

	if (chosen >= 0) {
		const char *sp = fdt_getprop(fdt, chosen, "stdout-path", NULL);

		if (sp) {
			char path[L0_PATH_MAX];
			size_t n = strcspn(sp, ":");

			if (n < sizeof(path)) {
				memcpy(path, sp, n);
				path[n] = '\0';
				node = fdt_path_offset(fdt, path);
				if (node >= 0 &&
				    !node_compatible(fdt, node, compat))
					node = -1;
			}
		}
	}
	if (node < 0)
		node = first_okay_compatible(fdt, compat);
	if (node < 0)
		return L0_HOSTDT_OK; /* L1 then only has the SBI console */
	if (l0_hostdt_read_reg(fdt, node, 0, &p->uart, err, errlen) !=
	    L0_HOSTDT_OK)
		return L0_HOSTDT_BAD;
	if (fdt_get_path(fdt, node, p->uart_path, sizeof(p->uart_path)) < 0)
		FAIL("host DT: UART path too long");
	p->has_uart = true;
	return L0_HOSTDT_OK;
}

/* The PLIC and the context of the boot hart's S-mode external interrupt:
 * context i is the i-th (phandle, irq) pair of interrupts-extended (PLIC
 * binding, "riscv,plic0"). */
static enum l0_hostdt_status parse_plic(const void *fdt, struct l0_platform *p,
					char *err, size_t errlen)
{
	static const char *const compat[] = {"riscv,plic0", "sifive,plic-1.0.0",
					     NULL};
	int node = first_okay_compatible(fdt, compat), len;
	const fdt32_t *ie, *ndev;

	p->plic_s_context = -1;
	if (node < 0)
		return L0_HOSTDT_OK;
	if (l0_hostdt_read_reg(fdt, node, 0, &p->plic, err, errlen) !=
	    L0_HOSTDT_OK)
		return L0_HOSTDT_BAD;
	ndev = fdt_getprop(fdt, node, "riscv,ndev", &len);
	if (!ndev || len != 4)
		FAIL("host DT: PLIC has no riscv,ndev");
	p->plic_ndev = fdt32_to_cpu(*ndev);
	ie = fdt_getprop(fdt, node, "interrupts-extended", &len);
	if (!ie || len % 8)
		FAIL("host DT: PLIC interrupts-extended missing or malformed");
	for (int i = 0; i < len / 8; i++) {
		if (fdt32_to_cpu(ie[2 * i]) == p->boot_intc_phandle &&
		    fdt32_to_cpu(ie[2 * i + 1]) == IRQ_S_EXT) {
			p->plic_s_context = i;
			break;
		}
	}
	if (fdt_get_path(fdt, node, p->plic_path, sizeof(p->plic_path)) < 0)
		FAIL("host DT: PLIC path too long");
	p->has_plic = true;
	return L0_HOSTDT_OK;
}

static enum l0_hostdt_status parse_fwcfg(const void *fdt, struct l0_platform *p,
					 char *err, size_t errlen)
{
	static const char *const compat[] = {"qemu,fw-cfg-mmio", NULL};
	int node = first_okay_compatible(fdt, compat);

	if (node < 0)
		return L0_HOSTDT_OK;
	if (l0_hostdt_read_reg(fdt, node, 0, &p->fwcfg, err, errlen) !=
	    L0_HOSTDT_OK)
		return L0_HOSTDT_BAD;
	p->has_fwcfg = true;
	return L0_HOSTDT_OK;
}

static enum l0_hostdt_status
parse_chosen(const void *fdt, struct l0_platform *p, char *err, size_t errlen)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), l1, l2;
	const fdt32_t *s, *e;

	if (chosen < 0)
		return L0_HOSTDT_OK;
	p->bootargs = fdt_getprop(fdt, chosen, "bootargs", NULL);
	s = fdt_getprop(fdt, chosen, "linux,initrd-start", &l1);
	e = fdt_getprop(fdt, chosen, "linux,initrd-end", &l2);
	if (!s && !e)
		return L0_HOSTDT_OK;
	if (!s || !e || (l1 != 4 && l1 != 8) || (l2 != 4 && l2 != 8))
		FAIL("host DT: /chosen linux,initrd-start/end malformed");
	p->initrd.base = read_cells(s, l1 / 4);
	p->initrd.size = read_cells(e, l2 / 4) - p->initrd.base;
	if (read_cells(e, l2 / 4) < p->initrd.base)
		FAIL("host DT: /chosen initrd end before start");
	p->has_initrd = true;
	return L0_HOSTDT_OK;
}

/* Every property of `node` has a readable value and a name inside the
 * strings block: 0, or libfdt's error. L1's tree is a copy of this one, so
 * a property that cannot be read here would reach L1 unreadable (found by
 * fuzz/fuzz_dt.c: a name offset past the strings block). */
static int check_props(const void *fdt, int node)
{
	int prop, len;
	const char *name;

	fdt_for_each_property_offset(prop, fdt, node)
	{
		if (!fdt_getprop_by_offset(fdt, prop, &name, &len))
			return len < 0 ? len : -FDT_ERR_BADSTRUCTURE;
		if (!name)
			return -FDT_ERR_BADSTRUCTURE;
	}
	return prop == -FDT_ERR_NOTFOUND ? 0 : prop;
}

/* The offset of a property that follows a child node's END_NODE, or -1.
 * A node's properties come before its children (Devicetree
 * Specification, "Tree structure" of the structure block). libfdt's
 * property walk stops at the first child, so check_props never sees such
 * a property, yet L1's tree made it a property like any other once
 * guestdt removed the child before it (found by fuzz/fuzz_dt.c: its name
 * offset past the strings block). Only on a tree whose node walk
 * succeeded: every tag reads. */
static int prop_after_child(const void *fdt)
{
	int off = 0, next;
	uint32_t tag, prev = FDT_BEGIN_NODE;

	do {
		tag = fdt_next_tag(fdt, off, &next);
		if (tag == FDT_PROP && prev == FDT_END_NODE)
			return off;
		if (tag != FDT_NOP)
			prev = tag;
		off = next;
	} while (tag != FDT_END && next >= 0);
	return -1;
}

/* A child of `node` whose name an earlier sibling already has, or -1. L0
 * and L1's tree name nodes by path (the UART, the PLIC, the harts L1 keeps),
 * so two siblings of one name make a path mean two nodes: L1 got a host
 * hart it does not own (found by fuzz/fuzz_dt.c: two /cpus/cpu@0). Node
 * names are unique among siblings in a valid tree (Devicetree
 * Specification, "Node Names"). */
static int duplicate_child(const void *fdt, int node)
{
	int a, b;

	fdt_for_each_subnode(a, fdt, node)
	{
		const char *na = fdt_get_name(fdt, a, NULL);

		for (b = fdt_next_subnode(fdt, a); b >= 0;
		     b = fdt_next_subnode(fdt, b)) {
			const char *nb = fdt_get_name(fdt, b, NULL);

			if (!na || !nb || !strcmp(na, nb))
				return b;
		}
	}
	return -1;
}

/* A phandle names one node ("phandle": unique across the tree,
 * Devicetree Specification 2.3.3): with two nodes holding the same value,
 * libfdt's lookup finds the first, and every reference L0 follows or
 * copies (a hart's interrupt controller, an IMSIC file's hart) may name
 * the other (found by fuzz/fuzz_dt.c: cpu@0 and its interrupt controller
 * both phandle 2, so L1's IMSIC named the cpu node). Trees L0 meets hold
 * a few dozen; L0_HOSTDT_MAX_PHANDLES is far above QEMU's largest. */
#define L0_HOSTDT_MAX_PHANDLES 1024

enum phandle_check {
	PHANDLES_UNIQUE,
	PHANDLE_TWICE,
	PHANDLES_TOO_MANY,
};

static enum phandle_check check_phandles(const void *fdt, uint32_t *dup)
{
	static uint32_t seen[L0_HOSTDT_MAX_PHANDLES];
	unsigned n = 0;
	int node;

	for (node = fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		uint32_t ph = fdt_get_phandle(fdt, node);

		if (!ph)
			continue;
		for (unsigned i = 0; i < n; i++)
			if (seen[i] == ph) {
				*dup = ph;
				return PHANDLE_TWICE;
			}
		if (n == L0_HOSTDT_MAX_PHANDLES)
			return PHANDLES_TOO_MANY;
		seen[n++] = ph;
	}
	return PHANDLES_UNIQUE;
}

/* [b, b + blen) ends at the top of the address space when it would wrap
 * (a hostile tree's reg) */
static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	uint64_t bend = b + blen < b ? UINT64_MAX : b + blen;

	return alen && blen && a < bend && b < a + alen;
}

struct l0_named_range {
	const char *what;
	bool has;
	struct l0_range r;
};

/* L1 gets the UART's pages in its G-stage (main.c, l0_gmem_map_device):
 * they must hold nothing else L0 knows of. A tree whose UART node is also
 * an interrupt controller, or whose UART's pages reach into RAM (L0's
 * own, the shadow pool's), the PLIC or APLIC L0 takes over, an IMSIC
 * file, the PCIe ECAM, the IOMMU or fw-cfg, would give L1 what is not its
 * own: refused. */
static enum l0_hostdt_status check_uart_alone(const struct l0_platform *p,
					      char *err, size_t errlen)
{
	const uint64_t page = 4096;
	struct l0_named_range other[5 + L0_MAX_MEM_REGIONS + L0_MAX_RESERVED +
				    L0_MAX_HOST_HARTS];
	uint64_t base = p->uart.base & ~(page - 1), end;
	unsigned n = 0;
	int node;

	if (!p->has_uart)
		return L0_HOSTDT_OK;
	node = fdt_path_offset(p->fdt, p->uart_path);
	if (node >= 0 &&
	    (fdt_getprop(p->fdt, node, "interrupt-controller", NULL) ||
	     fdt_getprop(p->fdt, node, "msi-controller", NULL)))
		FAIL("host DT: UART %s is also an interrupt controller",
		     p->uart_path);
	if (!p->uart.size)
		FAIL("host DT: UART %s has a reg of size 0", p->uart_path);
	if (p->uart.base > UINT64_MAX - page ||
	    p->uart.size > UINT64_MAX - page - p->uart.base)
		FAIL("host DT: UART %s reg 0x%llx+0x%llx wraps", p->uart_path,
		     (unsigned long long)p->uart.base,
		     (unsigned long long)p->uart.size);
	end = (p->uart.base + p->uart.size + page - 1) & ~(page - 1);
	for (unsigned i = 0; i < p->nmem; i++)
		other[n++] = (struct l0_named_range){"RAM", true, p->mem[i]};
	for (unsigned i = 0; i < p->nresv; i++)
		other[n++] = (struct l0_named_range){"reserved memory", true,
						     p->resv[i]};
	other[n++] = (struct l0_named_range){"PLIC", p->has_plic, p->plic};
	other[n++] = (struct l0_named_range){"APLIC", p->has_aia, p->aplic};
	other[n++] = (struct l0_named_range){"PCIe ECAM", p->pci.has_pci,
					     p->pci.ecam};
	other[n++] = (struct l0_named_range){
		"IOMMU", p->pci.iommu == L0_IOMMU_PLATFORM, p->pci.iommu_regs};
	other[n++] = (struct l0_named_range){"fw-cfg", p->has_fwcfg, p->fwcfg};
	/* each hart's S file and its guest files ("IMSIC memory regions") */
	for (unsigned h = 0; p->has_aia && h < p->ncpus; h++)
		other[n++] = (struct l0_named_range){
			"IMSIC file",
			p->imsic_hart_file[h] != 0,
			{p->imsic_hart_file[h], page << p->imsic_guest_bits}};
	for (unsigned i = 0; i < n; i++)
		if (other[i].has && overlaps(base, end - base, other[i].r.base,
					     other[i].r.size))
			FAIL("host DT: UART %s (0x%llx+0x%llx) shares its "
			     "pages "
			     "with the %s at 0x%llx",
			     p->uart_path, (unsigned long long)p->uart.base,
			     (unsigned long long)p->uart.size, other[i].what,
			     (unsigned long long)other[i].r.base);
	return L0_HOSTDT_OK;
}

/* "Node Names" (Devicetree Specification 2.2.1): characters of
 * digits, letters, ',', '.', '_', '+', '-', then optionally '@' and a
 * unit address of the same characters */
static bool node_name_valid(const void *fdt, int node)
{
	int len;
	const char *name = fdt_get_name(fdt, node, &len);
	bool at = false;

	if (!name || len < 1)
		return false;
	for (int i = 0; i < len; i++) {
		char c = name[i];

		if (c == '@' && !at && i > 0) {
			at = true;
			continue;
		}
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || c == ',' || c == '.' ||
		      c == '_' || c == '+' || c == '-'))
			return false;
	}
	return true;
}

enum l0_hostdt_status l0_hostdt_parse(uint64_t fdt_pa, unsigned long hartid,
				      struct l0_platform *p, char *err,
				      size_t errlen)
{
	const void *fdt = (const void *)(uintptr_t)fdt_pa;
	int rc, depth, len, nodes = 0;
	uint32_t dup_ph = 0;

	memset(p, 0, sizeof(*p));
	if (!fdt_pa || fdt_pa % 8)
		FAIL("host DT: bad address 0x%llx from firmware",
		     (unsigned long long)fdt_pa);
	rc = fdt_check_header(fdt);
	if (rc)
		FAIL("host DT at 0x%llx: invalid header (%s)",
		     (unsigned long long)fdt_pa, fdt_strerror(rc));
	/* libfdt reads the blocks with aligned loads: a header placing them
	 * off their alignment (Devicetree Specification, "Memory Reservation
	 * Block": 8 bytes; "Structure Block": 4 bytes) is refused before
	 * libfdt touches them (found by fuzz/fuzz_dt.c, a misaligned load
	 * in fdt_next_tag). */
	if (fdt_off_mem_rsvmap(fdt) % 8 || fdt_off_dt_struct(fdt) % 4)
		FAIL("host DT at 0x%llx: misaligned block (memory reservation "
		     "at %u, structure at %u)",
		     (unsigned long long)fdt_pa, fdt_off_mem_rsvmap(fdt),
		     fdt_off_dt_struct(fdt));
	/* libfdt trusts the header's block offsets; a tree cut short with
	 * a header claiming more is caught by walking every node and every
	 * property once. The walk also checks the nesting, as libfdt's
	 * fdt_check_full does: one root, every other node below it, no
	 * END_NODE without its BEGIN_NODE (found by fuzz/fuzz_dt.c: an extra
	 * END_NODE walks cleanly without depth tracking and reached L1's
	 * tree). */
	depth = 0;
	for (rc = fdt_next_node(fdt, -1, &depth); rc >= 0;
	     rc = fdt_next_node(fdt, rc, &depth)) {
		int prc = check_props(fdt, rc);

		if (nodes++ == 0 ? depth != 1 : depth < 2)
			FAIL("host DT at 0x%llx: structure block damaged "
			     "(node at %d nested at depth %d)",
			     (unsigned long long)fdt_pa, rc, depth);
		/* The root has no name ("/"): with one, every path
		 * fdt_get_path makes (the UART's, the PLIC's, the cpus' that
		 * L1's tree keeps) starts with it instead of "/" (found by
		 * fuzz/fuzz_dt.c: a root named ")"). */
		if (nodes == 1 && (!fdt_get_name(fdt, rc, &len) || len != 0))
			FAIL("host DT at 0x%llx: the root node has a name",
			     (unsigned long long)fdt_pa);
		/* Node names hold only the characters of "Node Names"
		 * (Devicetree Specification 2.2.1); L0's messages and L1's
		 * tree carry them (found by fuzz/fuzz_dt.c: a name with a
		 * newline split a refusal's one line). */
		if (nodes > 1 && !node_name_valid(fdt, rc))
			FAIL("host DT at 0x%llx: node at %d has a name the DT "
			     "spec does not allow",
			     (unsigned long long)fdt_pa, rc);
		if (prc < 0)
			FAIL("host DT at 0x%llx: property of node at %d "
			     "damaged (%s)",
			     (unsigned long long)fdt_pa, rc, fdt_strerror(prc));
	}
	if (rc != -FDT_ERR_NOTFOUND || depth != 0)
		FAIL("host DT at 0x%llx: structure block damaged (%s)",
		     (unsigned long long)fdt_pa,
		     rc != -FDT_ERR_NOTFOUND ? fdt_strerror(rc)
					     : "unclosed node");
	rc = prop_after_child(fdt);
	if (rc >= 0)
		FAIL("host DT at 0x%llx: structure block damaged (property "
		     "at %d after a child node)",
		     (unsigned long long)fdt_pa, rc);
	/* Only on a tree whose nesting is sound: sibling names. */
	for (rc = fdt_next_node(fdt, -1, NULL); rc >= 0;
	     rc = fdt_next_node(fdt, rc, NULL)) {
		int dup = duplicate_child(fdt, rc);

		if (dup >= 0) {
			const char *name = fdt_get_name(fdt, dup, NULL);

			FAIL("host DT at 0x%llx: two nodes named '%s' under "
			     "one parent",
			     (unsigned long long)fdt_pa, name ? name : "?");
		}
	}
	switch (check_phandles(fdt, &dup_ph)) {
	case PHANDLES_UNIQUE:
		break;
	case PHANDLE_TWICE:
		FAIL("host DT at 0x%llx: two nodes with phandle %u",
		     (unsigned long long)fdt_pa, dup_ph);
	case PHANDLES_TOO_MANY:
		FAIL("host DT at 0x%llx: more than %d phandles",
		     (unsigned long long)fdt_pa, L0_HOSTDT_MAX_PHANDLES);
	}
	p->fdt = fdt;
	p->fdt_pa = fdt_pa;
	p->fdt_size = fdt_totalsize(fdt);
	if (parse_memory(fdt, p, err, errlen) != L0_HOSTDT_OK ||
	    parse_cpus(fdt, hartid, p, err, errlen) != L0_HOSTDT_OK ||
	    parse_uart(fdt, p, err, errlen) != L0_HOSTDT_OK ||
	    parse_plic(fdt, p, err, errlen) != L0_HOSTDT_OK ||
	    l0_hostdt_parse_aia(fdt, p, err, errlen) != L0_HOSTDT_OK ||
	    l0_hostdt_parse_pci(fdt, p, err, errlen) != L0_HOSTDT_OK ||
	    parse_fwcfg(fdt, p, err, errlen) != L0_HOSTDT_OK ||
	    parse_chosen(fdt, p, err, errlen) != L0_HOSTDT_OK ||
	    check_uart_alone(p, err, errlen) != L0_HOSTDT_OK)
		return L0_HOSTDT_BAD;
	return L0_HOSTDT_OK;
}
