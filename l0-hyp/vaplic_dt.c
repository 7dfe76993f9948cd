/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L1's AIA nodes (l1.aia=1): the host's S-level IMSIC and APLIC nodes,
 * kept by guestdt.c's prune, rewritten for L1 (bindings: Linux
 * Documentation/devicetree/bindings/interrupt-controller/riscv,imsics.yaml
 * and riscv,aplic.yaml). Phandles stay, so the cpus' interrupt
 * controllers and the UART's interrupt-parent need no change.
 */
#include <libfdt.h>
#include <rvnest/encoding.h>
#include <stdio.h>
#include <string.h>

#include "guestdt.h"
#include "guestdt_check.h"
#include "vaplic.h"

static uint32_t order(uint32_t n)
{
	uint32_t b = 0;

	while ((1u << b) < n)
		b++;
	return b;
}

enum l0_guestdt_status l0_guestdt_aia_l1(void *fdt,
					 const struct l0_guestdt_input *in,
					 char *err, size_t errlen)
{
	const struct l0_platform *h = in->host;
	int imsic = fdt_path_offset(fdt, h->imsic_path);
	int aplic = fdt_path_offset(fdt, h->aplic_path);
	uint64_t stride = IMSIC_PAGE << h->imsic_guest_bits;
	fdt32_t ie[2 * L0_MAX_VCPUS];
	char name[48];

	if (imsic < 0 || aplic < 0)
		FAIL("L1 DT: the host's IMSIC or APLIC node is lost");
	/* One S file per vCPU, one after another, each followed by its
	 * guest files (AIA "IMSIC memory regions": the guest index is the
	 * low field of a file's page number, the hart index above it). */
	CHECK_FDT(l0_guestdt_setprop_cells(
			  fdt, imsic, "reg", fdt_parent_offset(fdt, imsic),
			  in->l1_imsic_gpa, in->nvcpus * stride),
		  "IMSIC reg");
	for (unsigned i = 0; i < in->nvcpus; i++) {
		ie[2 * i] = cpu_to_fdt32(h->hart[i].intc_phandle);
		ie[2 * i + 1] = cpu_to_fdt32(IRQ_S_EXT);
	}
	CHECK_FDT(fdt_setprop(fdt, imsic, "interrupts-extended", ie,
			      (int)(in->nvcpus * 2 * sizeof(ie[0]))),
		  "IMSIC interrupts-extended");
	CHECK_FDT(fdt_setprop_u32(fdt, imsic, "riscv,hart-index-bits",
				  order(in->nvcpus)),
		  "IMSIC riscv,hart-index-bits");
	CHECK_FDT(fdt_setprop_u32(fdt, imsic, "riscv,guest-index-bits",
				  h->imsic_guest_bits),
		  "IMSIC riscv,guest-index-bits");
	/* no groups: every vCPU's hart index fits the hart field */
	fdt_delprop(fdt, imsic, "riscv,group-index-bits");
	fdt_delprop(fdt, imsic, "riscv,group-index-shift");
	snprintf(name, sizeof(name), "interrupt-controller@%llx",
		 (unsigned long long)in->l1_imsic_gpa);
	CHECK_FDT(fdt_set_name(fdt, imsic, name), "IMSIC name");

	/* The APLIC: L1's only domain, MSI mode into that IMSIC; no child
	 * domain to delegate to */
	aplic = fdt_path_offset(fdt, h->aplic_path);
	if (aplic < 0)
		FAIL("L1 DT: the host's APLIC node is lost");
	fdt_delprop(fdt, aplic, "riscv,children");
	fdt_delprop(fdt, aplic, "riscv,delegation");
	fdt_delprop(fdt, aplic, "riscv,delegate");
	fdt_delprop(fdt, aplic, "interrupts-extended");
	return L0_GUESTDT_OK;
}
