/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AIA mode (issue 14): L2's interrupts as MSIs into an IMSIC guest
 * interrupt file, instead of hvip bits.
 *
 * When the hart has Ssaia, the device tree has the hart's S-level IMSIC
 * (common/fdt_imsic.c) and hgeie has writable bits (GEILEN > 0), L1 gives
 * its one L2 vCPU guest interrupt file 1: hstatus.VGEIN = 1 selects it as
 * L2's VS-level file (AIA "VS-level external interrupts with a guest
 * interrupt file"), and its page is mapped into L2's G-stage at
 * L2_IMSIC_GPA, so L2 can write its own MSIs (IPIs) there too. L1 sends
 * the test device's interrupt as an MSI into that page; a running L2 takes
 * it with no exit and claims it with stopei (really vstopei). On L0 the
 * same happens on L1's virtual guest file (L0's l1.aia=1).
 *
 * Off with `rvnest.aia=0` in the bootargs, and with more than one hart
 * (only vCPU 0 would get a file); then the hvip path stays.
 */
#include "l1.h"

#include <stdio.h>

#include <rvnest/aia.h>
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/fdt_imsic.h>
#include <rvnest/fdt_util.h>

#define L1_AIA_OFF_BOOTARG "rvnest.aia=0"
/* The guest file L2 gets: the first one (guest external interrupt 1). */
#define L1_AIA_GUEST_FILE 1

struct l1_aia l1_aia;

/* GEILEN: hgeie's writable bits are GEILEN:1 ("Hypervisor Guest External
 * Interrupt Registers"). L1 takes no SGEI, so hgeie is 0 again after. */
static unsigned geilen(void)
{
	unsigned long m;
	unsigned n = 0;

	csr_write(CSR_HGEIE, ~0UL);
	m = csr_read(CSR_HGEIE);
	csr_write(CSR_HGEIE, 0);
	while (m & BIT(n + 1))
		n++;
	return n;
}

/* A register of L2's guest file, from HS through vsiselect/vsireg (VGEIN
 * selects the file, already set). */
static void gfile_write(unsigned long sel, unsigned long val)
{
	csr_write(CSR_VSISELECT, sel);
	csr_write(CSR_VSIREG, val);
}

static unsigned long gfile_read(unsigned long sel)
{
	csr_write(CSR_VSISELECT, sel);
	return csr_read(CSR_VSIREG);
}

static const char *aia_choose(const void *fdt, unsigned long hartid,
			      struct fdt_imsic *m)
{
	unsigned long harts[2];
	unsigned nharts = 0;

	if (fdt_util_args_have(fdt_util_bootargs(fdt), L1_AIA_OFF_BOOTARG))
		return "bootarg";
	/* guests/passdev takes L1's PLIC context, not an IMSIC file */
	if (l1_plat.passdev)
		return "passdev";
	if (!fdt_util_hart_has_ext(fdt, hartid, "ssaia"))
		return "no_ssaia";
	if (fdt_imsic_s_file(fdt, hartid, m) != FDT_UTIL_OK)
		return "no_imsic";
	fdt_util_harts(fdt, harts, 2, &nharts);
	if (nharts > 1)
		return "smp";
	l1_aia.geilen = geilen();
	if (l1_aia.geilen < L1_AIA_GUEST_FILE)
		return "geilen_0";
	return NULL;
}

const char *l1_aia_init(const void *fdt, unsigned long hartid)
{
	struct fdt_imsic m;
	const char *why = aia_choose(fdt, hartid, &m);
	const char *err;

	if (why) {
		printf("RVNEST l1irq mode=hvip why=%s\n", why);
		return NULL;
	}
	l1_aia.file_pa = fdt_imsic_guest_file(&m, L1_AIA_GUEST_FILE);
	l1_aia.vgein = L1_AIA_GUEST_FILE;
	/* L2's file starts quiet; L2 programs delivery and enables itself,
	 * as on a real IMSIC (IMSIC "Interrupt delivery and handling") */
	l1_aia_hart_setup();
	gfile_write(AIA_ISEL_EIDELIVERY, AIA_EIDELIVERY_OFF);
	gfile_write(AIA_ISEL_EITHRESHOLD, 0);
	for (unsigned long k = 0; k < 64; k += 2) {
		/* eip0, eip2, ...: the odd ones do not exist on RV64 */
		if ((k << 5) > m.num_ids)
			break;
		gfile_write(AIA_ISEL_EIE0 + k, 0);
		gfile_write(AIA_ISEL_EIP0 + k, 0);
	}
	err = l1_gstage_map_device(L2_IMSIC_GPA, l1_aia.file_pa, PTE_R | PTE_W);
	if (err)
		return err;
	l1_aia.on = true;
	printf("RVNEST l1irq mode=aia geilen=%u vgein=%u file=0x%lx "
	       "l2_gpa=0x%lx\n",
	       l1_aia.geilen, l1_aia.vgein, l1_aia.file_pa,
	       (unsigned long)L2_IMSIC_GPA);
	return NULL;
}

void l1_aia_hart_setup(void)
{
	unsigned long hs = csr_read(CSR_HSTATUS);

	/* VGEIN selects L2's guest file for vsiselect/vsireg/vstopei and
	 * makes its interrupt L2's VSEIP ("Hypervisor Status Register") */
	hs &= ~HSTATUS_VGEIN;
	hs |= (unsigned long)l1_aia.vgein << HSTATUS_VGEIN_SHIFT;
	csr_write(CSR_HSTATUS, hs);
}

void l1_aia_send_msi(unsigned id)
{
	/* seteipnum_le: a 32-bit write of the identity (IMSIC "IMSIC memory
	 * regions") */
	*(volatile uint32_t *)(uintptr_t)(l1_aia.file_pa +
					  AIA_IMSIC_SETEIPNUM_LE) = id;
}

bool l1_aia_pending(unsigned id)
{
	/* identities 1..63 are in eip0 */
	return gfile_read(AIA_ISEL_EIP0) & BIT(id);
}
