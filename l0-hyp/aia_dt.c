/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The AIA part of the host device tree: the boot hart's S-level IMSIC
 * interrupt file, the APLIC domain that delivers into it by MSI, and the
 * UART's source on that APLIC. Bindings: Linux
 * Documentation/devicetree/bindings/interrupt-controller/riscv,imsics.yaml
 * and riscv,aplic.yaml, the layout rules of the RISC-V Advanced Interrupt
 * Architecture ("IMSIC memory regions"; APLIC "target" registers in MSI
 * delivery mode). Every malformed node is refused with a line naming it.
 */
#include <libfdt.h>
#include <rvnest/encoding.h>
#include <stdio.h>
#include <string.h>

#include "aia.h"
#include "hostdt.h"

#define FAIL(...)                                   \
	do {                                        \
		snprintf(err, errlen, __VA_ARGS__); \
		return L0_HOSTDT_BAD;               \
	} while (0)

/* One IMSIC interrupt file is one 4 KiB page (AIA "IMSIC memory
 * regions"). */
#define IMSIC_FILE_SHIFT 12
/* Identities: 63..2047, always one less than a multiple of 64 (AIA
 * "Interrupt identities"). */
#define IMSIC_MIN_IDS 63
#define IMSIC_MAX_IDS 2047
/* Field widths of an APLIC target register in MSI delivery mode (AIA
 * "Interrupt targets"): Hart Index 14 bits, Guest Index 6 bits. */
#define APLIC_HART_INDEX_BITS 14
#define APLIC_GUEST_INDEX_BITS 6
/* The binding's limits and defaults for the group fields. */
#define IMSIC_GROUP_BITS_MAX 7
#define IMSIC_GROUP_SHIFT_MIN 24
#define IMSIC_GROUP_SHIFT_MAX 55
#define IMSIC_GROUP_SHIFT_DEFAULT 24

/* An optional u32 property: `def` when absent, an error when not one
 * cell. */
static enum l0_hostdt_status opt_u32(const void *fdt, int node,
				     const char *name, uint32_t def,
				     uint32_t *out, char *err, size_t errlen)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, name, &len);

	if (!v) {
		*out = def;
		return L0_HOSTDT_OK;
	}
	if (len != 4)
		FAIL("host DT: %s: %s is not one cell",
		     fdt_get_name(fdt, node, NULL), name);
	*out = fdt32_to_cpu(*v);
	return L0_HOSTDT_OK;
}

static bool okay(const void *fdt, int node)
{
	const char *st = fdt_getprop(fdt, node, "status", NULL);

	return !st || !strcmp(st, "okay") || !strcmp(st, "ok");
}

/* ceil(log2(n)), n >= 1 */
static uint32_t order(uint32_t n)
{
	uint32_t b = 0;

	while ((1u << b) < n)
		b++;
	return b;
}

/* The S-level IMSIC: the one naming the boot hart's controller with
 * IRQ_S_EXT (the binding: one (controller, irq) pair per interrupt file,
 * irq 9 for S-level files). Its node offset, or -1 when there is none. */
static int find_s_imsic(const void *fdt, const struct l0_platform *p, int *ctx,
			char *err, size_t errlen, bool *bad)
{
	int node, len;

	*bad = false;
	for (node = fdt_node_offset_by_compatible(fdt, -1, "riscv,imsics");
	     node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "riscv,imsics")) {
		const fdt32_t *ie;

		if (!okay(fdt, node))
			continue;
		ie = fdt_getprop(fdt, node, "interrupts-extended", &len);
		if (!ie || len <= 0 || len % 8) {
			snprintf(err, errlen,
				 "host DT: IMSIC %s: interrupts-extended "
				 "missing or malformed",
				 fdt_get_name(fdt, node, NULL));
			*bad = true;
			return -1;
		}
		for (int i = 0; i < len / 8; i++) {
			if (fdt32_to_cpu(ie[2 * i]) == p->boot_intc_phandle &&
			    fdt32_to_cpu(ie[2 * i + 1]) == IRQ_S_EXT) {
				*ctx = i;
				return node;
			}
		}
	}
	return -1;
}

/* The address of context `ctx`'s S file: files are laid out one after
 * another across the reg regions, each 4 KiB << guest index bits wide (one
 * S file followed by its guest files). */
static enum l0_hostdt_status file_of_context(const void *fdt, int node, int ctx,
					     uint32_t guest_bits,
					     uint64_t *file, char *err,
					     size_t errlen)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	uint64_t off = (uint64_t)ctx << (IMSIC_FILE_SHIFT + guest_bits);
	int len;

	for (int i = 0;; i++) {
		struct l0_range r;

		if (!fdt_getprop(fdt, node, "reg", &len) ||
		    l0_hostdt_read_reg(fdt, node, i, &r, err, errlen) !=
			    L0_HOSTDT_OK)
			FAIL("host DT: IMSIC %s: reg has no interrupt file "
			     "for context %d",
			     name, ctx);
		if (r.size % (1ull << IMSIC_FILE_SHIFT) ||
		    r.base % (1ull << IMSIC_FILE_SHIFT))
			FAIL("host DT: IMSIC %s: reg region %d not made of "
			     "4 KiB pages",
			     name, i);
		if (off < r.size) {
			*file = r.base + off;
			return L0_HOSTDT_OK;
		}
		off -= r.size;
	}
}

/* The boot hart's file (context `ctx`), its hart index, and every host
 * hart's S file (file_of_context); the hart index the
 * APLIC is given is read back from the file's address with the layout's
 * fields, as an APLIC forming the MSI address would (AIA "IMSIC memory
 * regions": hart index = the group and hart fields of the address). */
static enum l0_hostdt_status imsic_file(const void *fdt, int node, int ctx,
					struct l0_platform *p, char *err,
					size_t errlen)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	uint32_t guest_bits, hart_bits, group_bits, group_shift, nctx;
	uint64_t ppn, hart, group;
	const fdt32_t *ie;
	int len;

	if (!fdt_getprop(fdt, node, "interrupts-extended", &len))
		FAIL("host DT: IMSIC %s lost its contexts", name);
	nctx = (uint32_t)len / 8;
	if (opt_u32(fdt, node, "riscv,guest-index-bits", 0, &guest_bits, err,
		    errlen) != L0_HOSTDT_OK ||
	    opt_u32(fdt, node, "riscv,hart-index-bits", order(nctx), &hart_bits,
		    err, errlen) != L0_HOSTDT_OK ||
	    opt_u32(fdt, node, "riscv,group-index-bits", 0, &group_bits, err,
		    errlen) != L0_HOSTDT_OK ||
	    opt_u32(fdt, node, "riscv,group-index-shift",
		    IMSIC_GROUP_SHIFT_DEFAULT, &group_shift, err,
		    errlen) != L0_HOSTDT_OK)
		return L0_HOSTDT_BAD;
	if (guest_bits > APLIC_GUEST_INDEX_BITS)
		FAIL("host DT: IMSIC %s: riscv,guest-index-bits %u > %u", name,
		     guest_bits, APLIC_GUEST_INDEX_BITS);
	if (hart_bits + group_bits > APLIC_HART_INDEX_BITS ||
	    hart_bits < order(nctx) || group_bits > IMSIC_GROUP_BITS_MAX)
		FAIL("host DT: IMSIC %s: hart/group index bits %u/%u do not "
		     "fit %u contexts in a %u-bit hart index",
		     name, hart_bits, group_bits, nctx, APLIC_HART_INDEX_BITS);
	if (group_bits &&
	    (group_shift < IMSIC_GROUP_SHIFT_MIN ||
	     group_shift > IMSIC_GROUP_SHIFT_MAX ||
	     group_shift < IMSIC_FILE_SHIFT + guest_bits + hart_bits))
		FAIL("host DT: IMSIC %s: riscv,group-index-shift %u overlaps "
		     "the hart and guest fields",
		     name, group_shift);
	if (file_of_context(fdt, node, ctx, guest_bits, &p->imsic_file, err,
			    errlen) != L0_HOSTDT_OK)
		return L0_HOSTDT_BAD;
	p->imsic_guest_bits = guest_bits;
	/* every hart's S file, for L1's files (l1.aia=1): the hart's
	 * context is the pair naming its controller with IRQ_S_EXT */
	ie = fdt_getprop(fdt, node, "interrupts-extended", &len);
	for (unsigned h = 0; h < p->ncpus; h++) {
		p->imsic_hart_file[h] = 0;
		for (uint32_t i = 0; i < nctx; i++)
			if (fdt32_to_cpu(ie[2 * i]) ==
				    p->hart[h].intc_phandle &&
			    fdt32_to_cpu(ie[2 * i + 1]) == IRQ_S_EXT &&
			    file_of_context(fdt, node, (int)i, guest_bits,
					    &p->imsic_hart_file[h], err,
					    errlen) != L0_HOSTDT_OK)
				return L0_HOSTDT_BAD;
	}
	ppn = p->imsic_file >> IMSIC_FILE_SHIFT;
	hart = (ppn >> guest_bits) & ((1ull << hart_bits) - 1);
	group = (p->imsic_file >> group_shift) & ((1ull << group_bits) - 1);
	p->imsic_hart_index = (uint32_t)(group << hart_bits | hart);
	return L0_HOSTDT_OK;
}

/* The APLIC domain whose msi-parent is the S-level IMSIC: -1 if none. */
static int find_s_aplic(const void *fdt, uint32_t imsic_phandle)
{
	int node, len;

	for (node = fdt_node_offset_by_compatible(fdt, -1, "riscv,aplic");
	     node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "riscv,aplic")) {
		const fdt32_t *mp = fdt_getprop(fdt, node, "msi-parent", &len);

		if (okay(fdt, node) && mp && len == 4 &&
		    fdt32_to_cpu(*mp) == imsic_phandle)
			return node;
	}
	return -1;
}

/* The UART's interrupt, when the APLIC is its interrupt parent: two cells,
 * source and sense (riscv,aplic.yaml: #interrupt-cells = 2). */
static enum l0_hostdt_status uart_irq(const void *fdt, struct l0_platform *p,
				      char *err, size_t errlen)
{
	int node = fdt_path_offset(fdt, p->uart_path), len;
	const fdt32_t *ip, *irq;
	uint32_t src, type;

	if (node < 0)
		FAIL("host DT: UART %s lost", p->uart_path);
	ip = fdt_getprop(fdt, node, "interrupt-parent", &len);
	if (!ip || len != 4 || fdt32_to_cpu(*ip) != p->aplic_phandle)
		return L0_HOSTDT_OK; /* not on this APLIC: no interrupt */
	irq = fdt_getprop(fdt, node, "interrupts", &len);
	if (!irq || len != 8)
		FAIL("host DT: UART %s: interrupts is not <source sense>",
		     p->uart_path);
	src = fdt32_to_cpu(irq[0]);
	type = fdt32_to_cpu(irq[1]);
	if (!src || src > p->aplic_nsources)
		FAIL("host DT: UART %s: source %u not on the APLIC (1..%u)",
		     p->uart_path, src, p->aplic_nsources);
	if (type != 1 && type != 2 && type != 4 && type != 8)
		FAIL("host DT: UART %s: sense %u is none of rising, falling, "
		     "high, low",
		     p->uart_path, type);
	p->uart_irq = src;
	p->uart_irq_type = type;
	return L0_HOSTDT_OK;
}

enum l0_hostdt_status l0_hostdt_parse_aia(const void *fdt,
					  struct l0_platform *p, char *err,
					  size_t errlen)
{
	int imsic, aplic, ctx = -1, len;
	uint32_t ph, ids, n;
	const fdt32_t *ns;
	bool bad;

	imsic = find_s_imsic(fdt, p, &ctx, err, errlen, &bad);
	if (bad)
		return L0_HOSTDT_BAD;
	if (imsic < 0)
		return L0_HOSTDT_OK; /* no AIA for S-mode: the PLIC path */
	ph = fdt_get_phandle(fdt, imsic);
	if (!ph)
		FAIL("host DT: IMSIC %s has no phandle",
		     fdt_get_name(fdt, imsic, NULL));
	if (opt_u32(fdt, imsic, "riscv,num-ids", 0, &ids, err, errlen) !=
	    L0_HOSTDT_OK)
		return L0_HOSTDT_BAD;
	if (ids < IMSIC_MIN_IDS || ids > IMSIC_MAX_IDS || (ids + 1) % 64)
		FAIL("host DT: IMSIC %s: riscv,num-ids %u is not 63..2047, "
		     "one less than a multiple of 64",
		     fdt_get_name(fdt, imsic, NULL), ids);
	p->imsic_num_ids = ids;
	if (imsic_file(fdt, imsic, ctx, p, err, errlen) != L0_HOSTDT_OK)
		return L0_HOSTDT_BAD;
	if (fdt_get_path(fdt, imsic, p->imsic_path, sizeof(p->imsic_path)) < 0)
		FAIL("host DT: IMSIC path too long");

	aplic = find_s_aplic(fdt, ph);
	if (aplic < 0)
		return L0_HOSTDT_OK; /* MSIs only: no wired device reaches L0 */
	if (l0_hostdt_read_reg(fdt, aplic, 0, &p->aplic, err, errlen) !=
	    L0_HOSTDT_OK)
		return L0_HOSTDT_BAD;
	ns = fdt_getprop(fdt, aplic, "riscv,num-sources", &len);
	if (!ns || len != 4)
		FAIL("host DT: APLIC %s has no riscv,num-sources",
		     fdt_get_name(fdt, aplic, NULL));
	n = fdt32_to_cpu(*ns);
	if (!n || n > APLIC_MAX_SOURCES)
		FAIL("host DT: APLIC %s: riscv,num-sources %u not 1..%u",
		     fdt_get_name(fdt, aplic, NULL), n, APLIC_MAX_SOURCES);
	/* L0 gives each source the identity of its number (aia.c): every
	 * source must have one */
	if (n > ids)
		FAIL("host DT: APLIC %s has %u sources, IMSIC %s only %u "
		     "identities",
		     fdt_get_name(fdt, aplic, NULL), n,
		     fdt_get_name(fdt, imsic, NULL), ids);
	p->aplic_nsources = n;
	p->aplic_phandle = fdt_get_phandle(fdt, aplic);
	if (!p->aplic_phandle)
		FAIL("host DT: APLIC %s has no phandle",
		     fdt_get_name(fdt, aplic, NULL));
	if (fdt_get_path(fdt, aplic, p->aplic_path, sizeof(p->aplic_path)) < 0)
		FAIL("host DT: APLIC path too long");
	if (p->has_uart && uart_irq(fdt, p, err, errlen) != L0_HOSTDT_OK)
		return L0_HOSTDT_BAD;
	p->has_aia = true;
	return L0_HOSTDT_OK;
}
