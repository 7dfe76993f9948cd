/* SPDX-License-Identifier: BSD-2-Clause */
#include "guestdt.h"
#include "guestdt_check.h"
#include "pci.h"
#include "vplic.h"

#include <libfdt.h>
#include <rvnest/encoding.h>
#include <rvnest/fdt_util.h>
#include <stdio.h>
#include <string.h>

/*
 * ISA extensions never shown to L1, whatever the host has, because L0 does
 * not virtualise what they promise: AIA (L1 gets an emulated PLIC), the
 * state-enable CSRs and debug triggers (VS accesses raise virtual-instruction
 * exceptions unless L0 emulates them), the entropy source CSR.
 */
static const char *const l0_isa_hidden[] = {
	"smaia",
	"ssaia",
	"smstateen",
	"ssstateen",
	"sdtrig",
	/* the seed CSR, and "zk", the bundle that implies it (Linux
	 * expands bundles; measured with QEMU -cpu max: an oops on its
	 * first seed read) */
	"zkr",
	"zk",
	"smcsrind",
	"sscsrind",
	NULL,
};

/* Extensions that exist only with the H extension (RVA23 profile names of
 * hypervisor features): hidden together with "h". */
static const char *const l0_isa_h_family[] = {
	"shcounterenw", "shgatpa",   "shtvala", "shvsatpa",
	"shvstvala",	"shvstvecd", NULL,
};

static bool in_list(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(name, *list))
			return true;
	return false;
}

static bool feature_of(const char *name, enum l0_isa_feature *f)
{
	for (int i = 0; i < L0_ISA_FEATURE_COUNT; i++) {
		if (!strcmp(name, l0_isa_feature_name(i))) {
			*f = (enum l0_isa_feature)i;
			return true;
		}
	}
	return false;
}

static bool l1_keeps(const struct l0_guestdt_input *in, const char *name)
{
	enum l0_isa_feature f;

	/* l1.aia=1: L1's S-level AIA CSRs are the hardware's VS ones */
	if (in->l1_aia && !strcmp(name, "ssaia"))
		return true;
	if (in_list(name, l0_isa_hidden))
		return false;
	if (!in->l1_has[L0_ISA_H] && in_list(name, l0_isa_h_family))
		return false;
	if (feature_of(name, &f))
		return in->l1_has[f];
	return true;
}

/* Write riscv,isa-extensions and riscv,isa (both forms, DESIGN §7). */
static enum l0_guestdt_status set_isa(void *fdt, int cpu,
				      const struct l0_guestdt_input *in,
				      char *err, size_t errlen)
{
	const struct l0_platform *h = in->host;
	char list[1024], str[1024];
	size_t ll = 0, sl;
	bool h_done = !in->l1_has[L0_ISA_H];

	strcpy(str, "rv64");
	sl = strlen(str);
	for (unsigned pass = 0; pass < 2; pass++) {
		/* pass 0: single letters (and "h" appended after them);
		 * pass 1: multi-letter names, '_'-separated in the string */
		for (unsigned i = 0; i <= h->nisa_ext; i++) {
			const char *n;
			size_t len;

			if (i == h->nisa_ext) {
				if (pass || h_done)
					break;
				n = "h"; /* host lacks it: L0 emulates it */
				h_done = true;
			} else {
				n = h->isa_ext[i];
				if ((strlen(n) == 1) != (pass == 0) ||
				    !l1_keeps(in, n))
					continue;
				if (!strcmp(n, "h"))
					h_done = true;
			}
			len = strlen(n);
			if (ll + len + 1 > sizeof(list) ||
			    sl + len + 2 > sizeof(str))
				FAIL("L1 DT: ISA list too long");
			memcpy(list + ll, n, len + 1);
			ll += len + 1;
			if (pass)
				str[sl++] = '_';
			memcpy(str + sl, n, len + 1);
			sl += len;
		}
	}
	CHECK_FDT(fdt_setprop(fdt, cpu, "riscv,isa-extensions", list, (int)ll),
		  "riscv,isa-extensions");
	CHECK_FDT(fdt_setprop_string(fdt, cpu, "riscv,isa", str), "riscv,isa");
	return L0_GUESTDT_OK;
}

/* Is `path` one of the nodes L1 keeps (or an ancestor of one)? /chosen
 * and /aliases are kept for their properties, not for nodes under them:
 * a host's /chosen may hold firmware configuration (opensbi-domains) or,
 * in a damaged tree, whole devices, none of them L1's. */
static bool keep_path(const char *path, const char *const *keep)
{
	size_t pl = strlen(path);

	if (!strcmp(path, "/") || !strcmp(path, "/chosen") ||
	    !strcmp(path, "/aliases"))
		return true;
	for (; *keep; keep++) {
		size_t kl = strlen(*keep);

		if (!strncmp(path, *keep, kl) &&
		    (path[kl] == '\0' || path[kl] == '/'))
			return true; /* the node itself or inside it */
		if (kl > pl && !strncmp(*keep, path, pl) && (*keep)[pl] == '/')
			return true; /* an ancestor */
	}
	return false;
}

static enum l0_guestdt_status prune(void *fdt, const char *const *keep,
				    char *err, size_t errlen)
{
	char path[L0_PATH_MAX];
	bool again = true;

	/* Deleting a node moves the offsets after it: restart the walk
	 * after each deletion (trees are small). */
	while (again) {
		int node;

		again = false;
		for (node = fdt_next_node(fdt, 0, NULL); node >= 0;
		     node = fdt_next_node(fdt, node, NULL)) {
			if (fdt_get_path(fdt, node, path, sizeof(path)) < 0)
				FAIL("L1 DT: node path too long");
			if (keep_path(path, keep))
				continue;
			CHECK_FDT(fdt_del_node(fdt, node), path);
			again = true;
			break;
		}
	}
	return L0_GUESTDT_OK;
}

int l0_guestdt_setprop_cells(void *fdt, int node, const char *name, int parent,
			     uint64_t a, uint64_t s)
{
	int ac = fdt_address_cells(fdt, parent);
	int sc = fdt_size_cells(fdt, parent);
	fdt32_t cells[4];
	int n = 0;

	if (parent < 0 || ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return -FDT_ERR_BADNCELLS;
	if (ac == 2)
		cells[n++] = cpu_to_fdt32((uint32_t)(a >> 32));
	cells[n++] = cpu_to_fdt32((uint32_t)a);
	if (sc == 2)
		cells[n++] = cpu_to_fdt32((uint32_t)(s >> 32));
	cells[n++] = cpu_to_fdt32((uint32_t)s);
	return fdt_setprop(fdt, node, name, cells, n * 4);
}

/* L1's vCPU i is host hart in->host->hart[i], renamed cpu@i with reg = i
 * whatever the host hart IDs are. Renamed in two passes through
 * temporary names, so that two nodes never share a name on the way. */
static enum l0_guestdt_status fix_cpus(void *fdt, char cpu_path[][L0_PATH_MAX],
				       const struct l0_guestdt_input *in,
				       char *err, size_t errlen)
{
	char name[32];
	int cpu;

	for (unsigned i = 0; i < in->nvcpus; i++) {
		cpu = fdt_path_offset(fdt, cpu_path[i]);
		if (cpu < 0)
			FAIL("L1 DT: cpu node %s lost", cpu_path[i]);
		if (fdt_address_cells(fdt, fdt_parent_offset(fdt, cpu)) != 1)
			FAIL("L1 DT: /cpus #address-cells is not 1");
		snprintf(name, sizeof(name), "l0-vcpu%u", i);
		CHECK_FDT(fdt_set_name(fdt, cpu, name), "cpu name");
	}
	for (unsigned i = 0; i < in->nvcpus; i++) {
		fdt32_t reg = cpu_to_fdt32(i);

		snprintf(name, sizeof(name), "/cpus/l0-vcpu%u", i);
		cpu = fdt_path_offset(fdt, name);
		if (cpu < 0)
			FAIL("L1 DT: renamed cpu node %s lost", name);
		CHECK_FDT(fdt_setprop(fdt, cpu, "reg", &reg, sizeof(reg)),
			  "cpu reg");
		snprintf(name, sizeof(name), "cpu@%u", i);
		CHECK_FDT(fdt_set_name(fdt, cpu, name), "cpu name");
		snprintf(name, sizeof(name), "/cpus/cpu@%u", i);
		cpu = fdt_path_offset(fdt, name);
		if (cpu < 0)
			FAIL("L1 DT: cpu@%u lost after renaming", i);
		if (set_isa(fdt, cpu, in, err, errlen) != L0_GUESTDT_OK)
			return L0_GUESTDT_BAD;
	}
	return L0_GUESTDT_OK;
}

/*
 * More vCPUs than host harts (L0 schedules them, sched.h): vCPU i >=
 * ncpus gets a copy of the boot hart's cpu node, interrupt controller
 * included, under a new name. Properties are copied through a buffer
 * because adding a node moves every node after it; a phandle is never
 * copied: the copy's interrupt controller gets a new one (the PLIC's
 * interrupts-extended names it).
 */
#define L0_CLONE_PROPS 48
#define L0_CLONE_BYTES 4096

struct clone_props {
	unsigned n, used;
	char name[L0_CLONE_PROPS][48];
	int len[L0_CLONE_PROPS];
	unsigned off[L0_CLONE_PROPS];
	uint8_t data[L0_CLONE_BYTES];
};

static enum l0_guestdt_status read_props(const void *fdt, int node,
					 struct clone_props *p, char *err,
					 size_t errlen)
{
	int prop;

	p->n = p->used = 0;
	fdt_for_each_property_offset(prop, fdt, node)
	{
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(fdt, prop, &name, &len);

		if (!val || !strcmp(name, "phandle") ||
		    !strcmp(name, "linux,phandle"))
			continue;
		if (p->n == L0_CLONE_PROPS || strlen(name) >= 48 ||
		    p->used + (unsigned)len > L0_CLONE_BYTES)
			FAIL("L1 DT: cpu node too large to copy for a vCPU");
		strcpy(p->name[p->n], name);
		p->len[p->n] = len;
		p->off[p->n] = p->used;
		memcpy(p->data + p->used, val, (size_t)len);
		p->used += (unsigned)len;
		p->n++;
	}
	return L0_GUESTDT_OK;
}

static enum l0_guestdt_status write_props(void *fdt, int node,
					  const struct clone_props *p,
					  char *err, size_t errlen)
{
	for (unsigned k = 0; k < p->n; k++)
		CHECK_FDT(fdt_setprop(fdt, node, p->name[k],
				      p->data + p->off[k], p->len[k]),
			  "copied cpu property");
	return L0_GUESTDT_OK;
}

static enum l0_guestdt_status clone_cpu(void *fdt, const char *src_path,
					unsigned i, char *path, uint32_t *intc,
					char *err, size_t errlen)
{
	static struct clone_props cpu_props, intc_props;
	char intc_path[L0_PATH_MAX + 32];
	int src = fdt_path_offset(fdt, src_path), cpus, node, ic;

	if (src < 0)
		FAIL("L1 DT: cpu node %s lost", src_path);
	snprintf(intc_path, sizeof(intc_path), "%s/interrupt-controller",
		 src_path);
	ic = fdt_path_offset(fdt, intc_path);
	if (ic < 0)
		FAIL("L1 DT: %s has no interrupt-controller to copy", src_path);
	if (read_props(fdt, src, &cpu_props, err, errlen) != L0_GUESTDT_OK ||
	    read_props(fdt, ic, &intc_props, err, errlen) != L0_GUESTDT_OK)
		return L0_GUESTDT_BAD;
	cpus = fdt_parent_offset(fdt, src);
	CHECK_FDT(cpus, "/cpus");
	snprintf(path, L0_PATH_MAX, "l0-vcpu-copy%u", i);
	node = fdt_add_subnode(fdt, cpus, path);
	CHECK_FDT(node, "vCPU cpu node");
	if (write_props(fdt, node, &cpu_props, err, errlen) != L0_GUESTDT_OK)
		return L0_GUESTDT_BAD;
	ic = fdt_add_subnode(fdt, node, "interrupt-controller");
	CHECK_FDT(ic, "vCPU interrupt-controller");
	if (write_props(fdt, ic, &intc_props, err, errlen) != L0_GUESTDT_OK)
		return L0_GUESTDT_BAD;
	CHECK_FDT(fdt_generate_phandle(fdt, intc), "vCPU intc phandle");
	CHECK_FDT(fdt_setprop_u32(fdt, ic, "phandle", *intc),
		  "vCPU intc phandle");
	/* its path for fix_cpus, which renames it cpu@i */
	node = fdt_path_offset(fdt, src_path);
	CHECK_FDT(node, "cpu node");
	node = fdt_subnode_offset(fdt, fdt_parent_offset(fdt, node), path);
	CHECK_FDT(node, "vCPU cpu node");
	CHECK_FDT(fdt_get_path(fdt, node, path, L0_PATH_MAX), "vCPU path");
	return L0_GUESTDT_OK;
}

/* vPLIC contexts: 2i = vCPU i's M-mode (never signalled), 2i+1 = its
 * S-mode, the layout of QEMU virt, so L1 sees a familiar PLIC. */
static enum l0_guestdt_status fix_plic(void *fdt,
				       const struct l0_guestdt_input *in,
				       const uint32_t *intc, char *err,
				       size_t errlen)
{
	int plic = in->host->has_plic
			   ? fdt_path_offset(fdt, in->host->plic_path)
			   : fdt_node_offset_by_compatible(fdt, -1,
							   "sifive,plic-1.0.0");
	fdt32_t ie[4 * L0_MAX_VCPUS];

	if (plic < 0)
		FAIL("L1 DT: PLIC node lost");
	for (unsigned i = 0; i < in->nvcpus; i++) {
		uint32_t ph = intc[i];

		ie[4 * i + 0] = cpu_to_fdt32(ph);
		ie[4 * i + 1] = cpu_to_fdt32(IRQ_M_EXT);
		ie[4 * i + 2] = cpu_to_fdt32(ph);
		ie[4 * i + 3] = cpu_to_fdt32(IRQ_S_EXT);
	}
	CHECK_FDT(fdt_setprop(fdt, plic, "interrupts-extended", ie,
			      (int)(in->nvcpus * 4 * sizeof(ie[0]))),
		  "PLIC interrupts-extended");
	return L0_GUESTDT_OK;
}

/* On an AIA host without a PLIC: a PLIC node for the vPLIC (PLIC binding
 * "sifive,plic-1.0.0": reg, riscv,ndev, one cell per interrupt), beside the
 * UART, and the UART's interrupt moved onto it from the APLIC (whose
 * two-cell specifier a PLIC does not take). The IMSIC and APLIC nodes are
 * pruned with every other device L1 does not get. */
static enum l0_guestdt_status add_aia_plic(void *fdt,
					   const struct l0_guestdt_input *in,
					   char *err, size_t errlen)
{
	const struct l0_platform *h = in->host;
	int uart = h->has_uart ? fdt_path_offset(fdt, h->uart_path) : -1;
	int parent = uart >= 0 ? fdt_parent_offset(fdt, uart) : 0, plic;
	uint32_t ph;
	char name[32];

	if (parent < 0)
		FAIL("L1 DT: UART's parent lost");
	CHECK_FDT(fdt_generate_phandle(fdt, &ph), "vPLIC phandle");
	snprintf(name, sizeof(name), "plic@%llx",
		 (unsigned long long)L0_VPLIC_AIA_GPA);
	plic = fdt_add_subnode(fdt, parent, name);
	CHECK_FDT(plic, "vPLIC node");
	CHECK_FDT(fdt_setprop(fdt, plic, "compatible",
			      "sifive,plic-1.0.0\0riscv,plic0",
			      sizeof("sifive,plic-1.0.0\0riscv,plic0")),
		  "vPLIC compatible");
	CHECK_FDT(l0_guestdt_setprop_cells(
			  fdt, plic, "reg", parent, L0_VPLIC_AIA_GPA,
			  PLIC_CONTEXT_BASE + (uint64_t)VPLIC_MAX_CONTEXTS *
						      PLIC_CONTEXT_STRIDE),
		  "vPLIC reg");
	CHECK_FDT(fdt_setprop_u32(fdt, plic, "riscv,ndev", h->aplic_nsources),
		  "vPLIC riscv,ndev");
	CHECK_FDT(fdt_setprop_u32(fdt, plic, "#interrupt-cells", 1),
		  "vPLIC #interrupt-cells");
	CHECK_FDT(fdt_setprop_u32(fdt, plic, "#address-cells", 0),
		  "vPLIC #address-cells");
	CHECK_FDT(fdt_setprop(fdt, plic, "interrupt-controller", NULL, 0),
		  "vPLIC interrupt-controller");
	CHECK_FDT(fdt_setprop_u32(fdt, plic, "phandle", ph), "vPLIC phandle");
	if (uart < 0)
		return L0_GUESTDT_OK;
	uart = fdt_path_offset(fdt, h->uart_path);
	if (uart < 0)
		FAIL("L1 DT: UART lost");
	if (!h->uart_irq) {
		fdt_delprop(fdt, uart, "interrupts");
		fdt_delprop(fdt, uart, "interrupt-parent");
		return L0_GUESTDT_OK;
	}
	CHECK_FDT(fdt_setprop_u32(fdt, uart, "interrupt-parent", ph),
		  "UART interrupt-parent");
	CHECK_FDT(fdt_setprop_u32(fdt, uart, "interrupts", h->uart_irq),
		  "UART interrupts");
	return L0_GUESTDT_OK;
}

static enum l0_guestdt_status fix_chosen(void *fdt,
					 const struct l0_guestdt_input *in,
					 char *err, size_t errlen)
{
	int chosen = fdt_path_offset(fdt, "/chosen");

	if (chosen < 0) {
		chosen = fdt_add_subnode(fdt, 0, "chosen");
		CHECK_FDT(chosen, "/chosen");
	}
	/* host values describe L0's boot, not L1's */
	fdt_delprop(fdt, chosen, "linux,initrd-start");
	fdt_delprop(fdt, chosen, "linux,initrd-end");
	fdt_delprop(fdt, chosen, "bootargs");
	if (!in->host->has_uart)
		fdt_delprop(fdt, chosen, "stdout-path");
	chosen = fdt_path_offset(fdt, "/chosen");
	if (in->bootargs && in->bootargs[0])
		CHECK_FDT(fdt_setprop_string(fdt, chosen, "bootargs",
					     in->bootargs),
			  "bootargs");
	if (in->has_initrd) {
		CHECK_FDT(fdt_setprop_u64(fdt, chosen, "linux,initrd-start",
					  in->initrd_gpa),
			  "linux,initrd-start");
		CHECK_FDT(fdt_setprop_u64(fdt, chosen, "linux,initrd-end",
					  in->initrd_gpa + in->initrd_size),
			  "linux,initrd-end");
	}
	return L0_GUESTDT_OK;
}

/* An alias property's name: 1 to 31 of 0-9, a-z and '-' (Devicetree
 * Specification 3.3, "/aliases node"); /aliases' other properties
 * (#address-cells, #size-cells) are no aliases */
static bool alias_name(const char *n)
{
	size_t len = strlen(n);

	if (len < 1 || len > 31)
		return false;
	for (; *n; n++)
		if (!((*n >= '0' && *n <= '9') || (*n >= 'a' && *n <= 'z') ||
		      *n == '-'))
			return false;
	return true;
}

/* Drop /aliases entries that name nodes L1 does not have (only aliases:
 * the cell counts of a node kept under /aliases in a hostile tree give
 * the reg L0 wrote into it its meaning; found by fuzz/fuzz_dt.c) */
static void fix_aliases(void *fdt)
{
	bool again = true;

	while (again) {
		int al = fdt_path_offset(fdt, "/aliases"), prop;

		again = false;
		if (al < 0)
			return;
		fdt_for_each_property_offset(prop, fdt, al)
		{
			const char *name, *val;

			val = fdt_getprop_by_offset(fdt, prop, &name, NULL);
			if (!name || !alias_name(name) ||
			    (val && fdt_path_offset(fdt, val) >= 0))
				continue;
			fdt_delprop(fdt, al, name);
			again = true;
			break;
		}
	}
}

/* Does every interrupt parent `prop` of `node` names exist in L1's tree?
 * interrupts-extended is a list of (phandle, specifier of the parent's
 * #interrupt-cells) ("Interrupts Extended Property", Devicetree spec
 * 2.4.1); a list whose cells cannot be walked is the parent's problem
 * and stops the walk, as a reader of the tree would. */
static bool irq_ref_resolves(const void *fdt, int node, const char *prop)
{
	int len, clen;
	const fdt32_t *v = fdt_getprop(fdt, node, prop, &len);

	for (int i = 0; v && i < len / 4;) {
		int parent =
			fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(v[i]));

		if (parent < 0)
			return false;
		if (strcmp(prop, "interrupts-extended"))
			return true;
		const fdt32_t *cells =
			fdt_getprop(fdt, parent, "#interrupt-cells", &clen);
		if (!cells || clen != 4 ||
		    fdt32_to_cpu(cells[0]) > (uint32_t)len / 4)
			return true;
		i += 1 + (int)fdt32_to_cpu(cells[0]);
	}
	return true;
}

/* No node L1 keeps may name an interrupt controller L1 does not have
 * (Devicetree spec 2.4: interrupt-parent, interrupts-extended; the MSI
 * binding's msi-parent): the host node behind it was pruned (a host
 * whose UART is also an APLIC with an msi-parent, a /soc whose
 * interrupt-parent is the host's APLIC). The reference goes, and with a
 * dangling interrupt-parent the node's interrupts too: read against an
 * inherited parent they would name another controller's lines. */
static void drop_dangling_irq_refs(void *fdt)
{
	static const char *const props[] = {"interrupt-parent", "msi-parent",
					    "interrupts-extended"};
	bool again = true;

	/* a deletion moves the offsets after it: walk again (rare) */
	while (again) {
		int node;

		again = false;
		for (node = fdt_next_node(fdt, -1, NULL); node >= 0 && !again;
		     node = fdt_next_node(fdt, node, NULL))
			for (unsigned i = 0; i < 3 && !again; i++) {
				if (irq_ref_resolves(fdt, node, props[i]))
					continue;
				fdt_delprop(fdt, node, props[i]);
				if (i == 0)
					fdt_delprop(fdt, node, "interrupts");
				again = true;
			}
	}
}

enum l0_guestdt_status l0_guestdt_build(const struct l0_guestdt_input *in,
					void *buf, size_t bufsize, char *err,
					size_t errlen)
{
	const struct l0_platform *h = in->host;
	char cpu_path[L0_MAX_VCPUS][L0_PATH_MAX], mem_name[32];
	const char *keep[L0_MAX_VCPUS + 8];
	uint32_t intc[L0_MAX_VCPUS];
	unsigned own = in->nvcpus < h->ncpus ? in->nvcpus : h->ncpus;
	int n = 0, mem;

	/* beyond the host's harts L0 schedules the vCPUs (sched.h) */
	if (in->nvcpus < 1 || in->nvcpus > L0_MAX_VCPUS || h->ncpus < 1)
		FAIL("L1 DT: %u vCPUs asked, %u host harts (at most %d)",
		     in->nvcpus, h->ncpus, L0_MAX_VCPUS);
	CHECK_FDT(fdt_open_into(h->fdt, buf, (int)bufsize), "copying host DT");
	for (unsigned i = 0; i < own; i++) {
		int cpu = fdt_util_cpu_node(buf, h->hart[i].hartid);

		if (cpu < 0 || fdt_get_path(buf, cpu, cpu_path[i],
					    sizeof(cpu_path[i])) < 0)
			FAIL("L1 DT: no usable cpu node for hart %lu",
			     h->hart[i].hartid);
		keep[n++] = cpu_path[i];
		intc[i] = h->hart[i].intc_phandle;
	}
	if (h->has_uart)
		keep[n++] = h->uart_path;
	if (h->has_plic)
		keep[n++] = h->plic_path;
	if (in->pci)
		keep[n++] = in->pci->path;
	if (in->l1_aia) {
		keep[n++] = h->imsic_path;
		keep[n++] = h->aplic_path;
	}
	keep[n] = NULL;
	/* Everything else goes: other harts, cpu-map (names them), host
	 * memory and /reserved-memory (host addresses), and every device
	 * L0 does not give L1 (firmware-only CLINT, test/syscon that could
	 * power the host off, flash, PCI, fw-cfg, virtio, RTC, PMU). */
	if (prune(buf, keep, err, errlen) != L0_GUESTDT_OK)
		return L0_GUESTDT_BAD;
	while (fdt_num_mem_rsv(buf) > 0)
		CHECK_FDT(fdt_del_mem_rsv(buf, 0), "memreserve");
	for (unsigned i = own; i < in->nvcpus; i++)
		if (clone_cpu(buf, cpu_path[0], i, cpu_path[i], &intc[i], err,
			      errlen) != L0_GUESTDT_OK)
			return L0_GUESTDT_BAD;

	if (fix_cpus(buf, cpu_path, in, err, errlen) != L0_GUESTDT_OK ||
	    (in->l1_aia &&
	     l0_guestdt_aia_l1(buf, in, err, errlen) != L0_GUESTDT_OK) ||
	    (!in->l1_aia && !h->has_plic && h->has_aia &&
	     add_aia_plic(buf, in, err, errlen) != L0_GUESTDT_OK) ||
	    (!in->l1_aia && (h->has_plic || h->has_aia) &&
	     fix_plic(buf, in, intc, err, errlen) != L0_GUESTDT_OK) ||
	    fix_chosen(buf, in, err, errlen) != L0_GUESTDT_OK)
		return L0_GUESTDT_BAD;
	/* No interrupt controller L0 drives (e.g. an APLIC in direct mode):
	 * L1 gets none, and its UART no interrupt naming a pruned node. */
	if (!h->has_plic && !h->has_aia && h->has_uart) {
		int uart = fdt_path_offset(buf, h->uart_path);

		if (uart < 0)
			FAIL("L1 DT: UART lost");
		fdt_delprop(buf, uart, "interrupt-parent");
		fdt_delprop(buf, uart, "interrupts");
		fdt_delprop(buf, uart, "interrupts-extended");
	}
	fix_aliases(buf);
	if (in->pci)
		CHECK_FDT(l0_pci_dt_fix_l1(buf, in->pci), "PCI host bridge");
	drop_dangling_irq_refs(buf);

	snprintf(mem_name, sizeof(mem_name), "memory@%llx",
		 (unsigned long long)in->gmem->gpa);
	mem = fdt_add_subnode(buf, 0, mem_name);
	CHECK_FDT(mem, "memory node");
	CHECK_FDT(fdt_setprop_string(buf, mem, "device_type", "memory"),
		  "memory device_type");
	CHECK_FDT(l0_guestdt_setprop_cells(buf, mem, "reg", 0, in->gmem->gpa,
					   in->gmem->size),
		  "memory reg");
	CHECK_FDT(fdt_pack(buf), "packing");
	return L0_GUESTDT_OK;
}
