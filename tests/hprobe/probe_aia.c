/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Group "aia": the Advanced Interrupt Architecture as an HS-mode
 * hypervisor sees it (Smaia/Ssaia with an IMSIC, issue 14). Run only when
 * the boot hart has Ssaia and an S-level IMSIC in the DT; the dt.* lines
 * say which, so L0 must offer the AIA to L1 exactly when QEMU offers it.
 *
 * - aia.s.*: HS-mode's own S-level interrupt file through siselect/sireg,
 *   stopei and stopi; an MSI written to its page.
 * - aia.geilen, aia.hstatus.vgein*: GEILEN (hgeie's writable bits) and
 *   hstatus.VGEIN.
 * - aia.vgein0.*: the VS-level IMSIC registers with no guest file
 *   selected (illegal from HS, virtual instruction from VS/VU).
 * - aia.gfile.*: guest file 1 selected (VGEIN = 1) through vsiselect/
 *   vsireg from HS and siselect/sireg from VS.
 * - aia.msi.*: an MSI into a guest file: hgeip, hip.SGEIP/VSEIP, vstopei,
 *   vstopi, the interrupt taken in VS/VU, claimed with stopei, SGEI to HS
 *   for a file not selected, and the guest writing its own MSI.
 * - aia.hvictl.*: hvictl's effect on vstopi and on VS-mode accesses.
 *
 * AIA spec sections: "CSRs added to harts" (CSRs), "Interrupts for
 * virtual machines" (VSLevel), IMSIC "Indirectly accessed interrupt-file
 * registers", "Top external interrupt CSRs", "IMSIC memory regions".
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>
#include <rvnest/aia.h>
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/fdt_imsic.h>
#include <rvnest/fdt_util.h>
#include <rvnest/trap_names.h>

#include "hprobe.h"

#define VIRT HP_HS(EXC_VIRTUAL_INST)
#define ILL HP_HS(EXC_ILLEGAL_INST)
#define VSIRQ(n) HP_VS(CAUSE_INTERRUPT | (n))
#define HSIRQ(n) HP_HS(CAUSE_INTERRUPT | (n))

/* The identities the MSI probes use (any in 1..63: eip0/eie0). */
#define HP_AIA_ID 7
#define HP_AIA_ID2 5

static struct fdt_imsic hp_imsic;
static unsigned hp_geilen;

/* select/value pair for the *_sel_rw bodies; in the image, which VS-mode
 * reaches through the identity G-stage with vsatp Bare. */
static struct {
	unsigned long sel, val;
} hp_isel;

void hp_aia_detect(const void *fdt, unsigned long hartid)
{
	bool ssaia = fdt_util_hart_has_ext(fdt, hartid, "ssaia");
	enum fdt_util_status st = fdt_imsic_s_file(fdt, hartid, &hp_imsic);

	printf("RVNEST probe id=dt.ssaia present=%u\n", ssaia ? 1 : 0);
	if (st == FDT_UTIL_OK)
		printf("RVNEST probe id=dt.imsic present=1 s_file=0x%lx "
		       "guest_index_bits=%u num_ids=%u\n",
		       (unsigned long)hp_imsic.s_file, hp_imsic.guest_bits,
		       hp_imsic.num_ids);
	else
		printf("RVNEST probe id=dt.imsic present=0 why=%s\n",
		       fdt_util_status_name(st));
	hp_has_aia = ssaia && st == FDT_UTIL_OK;
	if (ssaia && st == FDT_UTIL_BAD_PROP) {
		hp_errors++;
		printf("RVNEST error msg=bad_imsic_node\n");
	}
}

static unsigned long hp_vgein(unsigned g)
{
	return (unsigned long)g << HSTATUS_VGEIN_SHIFT;
}

/* HS-mode, nothing else touched: run a body and return what it returned,
 * printing the probe line (val or the trap) and checking the outcome. */
static unsigned long hp_aia_hs(const char *id, hp_body_fn body,
			       unsigned long arg, struct hp_expect e)
{
	struct hp_obs o;

	hp_run(NULL, body, arg, &o);
	printf("RVNEST probe id=%s", id);
	hp_print_obs(&o, HP_PRINT_VALUE);
	printf("\n");
	hp_check(id, &o, e);
	return o.value;
}

/* Same, for an indirect register: select, then swap v in (HS-mode). */
static unsigned long hp_aia_isel(const char *id, hp_body_fn body,
				 unsigned long sel, unsigned long v,
				 struct hp_expect e)
{
	hp_isel.sel = sel;
	hp_isel.val = v;
	return hp_aia_hs(id, body, (unsigned long)&hp_isel, e);
}

/*
 * Where QEMU 10 reads another value than the spec gives (README.md, "QEMU
 * deviations"): the line prints the spec's value when QEMU's is read, so
 * that an L0 that follows the spec and one that follows QEMU print the
 * same line.
 */
static const struct {
	const char *id;
	unsigned long qemu, spec;
} hp_aia_value_deviations[] = {
	/* vsip.SEI and vsie.SEI, VGEIN = 0, hvictl IID = 9 with IPRIO = 0:
	 * the third candidate, priority number 256, IPRIO 255 with IPRIOM
	 * (AIA "vstopi"); QEMU reports no interrupt. */
	{"aia.hvictl.seip_iid9_prio0.vstopi", 0, (9UL << 16) | 255},
	/* vsie.SEI = 0: no candidate at all; QEMU reports the SEI that
	 * hvictl names regardless of vsie. */
	{"aia.hvictl.seip_not_enabled.vstopi", (9UL << 16) | 7, 0},
};

/* A CSR read as a line: id val=<value>. */
static unsigned long hp_aia_read_line(const char *id, unsigned num)
{
	const struct hp_csr *c = hp_csr_find(num);
	struct hp_obs o;

	if (!c)
		panic("hprobe: CSR 0x%x missing from csr_list.h", num);
	hp_run(NULL, c->op[HP_OP_READ], 0, &o);
	for (unsigned i = 0; i < sizeof(hp_aia_value_deviations) /
					 sizeof(hp_aia_value_deviations[0]);
	     i++)
		if (o.out == HP_OUT_RETURNED &&
		    !strcmp(id, hp_aia_value_deviations[i].id) &&
		    o.value == hp_aia_value_deviations[i].qemu)
			o.value = hp_aia_value_deviations[i].spec;
	printf("RVNEST probe id=%s", id);
	hp_print_obs(&o, HP_PRINT_VALUE);
	printf("\n");
	hp_check(id, &o, HP_RET);
	return o.value;
}

/* A register of guest file g, from HS through vsiselect/vsireg with VGEIN
 * = g; hstatus is left with VGEIN = g. No line: setup. */
static void hp_gfile_put(unsigned g, unsigned long sel, unsigned long v)
{
	struct hp_obs o;

	csr_write(CSR_HSTATUS, HP_VSXL_64 | hp_vgein(g));
	hp_isel.sel = sel;
	hp_isel.val = v;
	hp_run(NULL, hp_b_vsireg_sel_rw, (unsigned long)&hp_isel, &o);
	hp_check("aia_setup", &o, HP_RET);
}

static unsigned long hp_gfile_get(unsigned g, unsigned long sel)
{
	struct hp_obs o;

	csr_write(CSR_HSTATUS, HP_VSXL_64 | hp_vgein(g));
	csr_write(CSR_VSISELECT, sel);
	hp_run(NULL, hp_b_vsireg_read, 0, &o);
	hp_check("aia_setup", &o, HP_RET);
	return o.value;
}

/* Every file back to reset-like quiet: delivery off, nothing pending or
 * enabled, threshold 0. */
static void hp_gfile_clear(unsigned g)
{
	hp_gfile_put(g, AIA_ISEL_EIDELIVERY, AIA_EIDELIVERY_OFF);
	hp_gfile_put(g, AIA_ISEL_EITHRESHOLD, 0);
	hp_gfile_put(g, AIA_ISEL_EIE0, 0);
	hp_gfile_put(g, AIA_ISEL_EIP0, 0);
}

static void hp_sfile_put(unsigned long sel, unsigned long v)
{
	struct hp_obs o;

	hp_isel.sel = sel;
	hp_isel.val = v;
	hp_run(NULL, hp_b_sireg_sel_rw, (unsigned long)&hp_isel, &o);
	hp_check("aia_setup", &o, HP_RET);
}

static void hp_sfile_clear(void)
{
	hp_sfile_put(AIA_ISEL_EIDELIVERY, AIA_EIDELIVERY_OFF);
	hp_sfile_put(AIA_ISEL_EITHRESHOLD, 0);
	hp_sfile_put(AIA_ISEL_EIE0, 0);
	hp_sfile_put(AIA_ISEL_EIP0, 0);
}

/* An MSI from HS-mode (a physical store to the file's page). */
static void hp_msi_from_hs(uint64_t page, unsigned id)
{
	struct hp_obs o;

	hp_run(NULL, hp_b_msi, (unsigned long)page | id, &o);
	hp_check("aia_msi", &o, HP_RET);
}

/* ---- HS-mode's own S-level file ----------------------------------------- */

/* Indirect registers written and read back: which exist, which bits are
 * writable. The eip/eie arrays take all-ones; eidelivery (WARL) and
 * eithreshold (WLRL, 0..N) take a legal value, since what an illegal one
 * leaves is the implementation's. eipN/eieN with odd N do not exist on RV64
 * (illegal instruction; IMSIC "Indirectly accessed interrupt-file
 * registers"); 0x40-0x6f and 0x00-0x2f are reserved: an access should raise
 * an illegal instruction exception (AIA "Supervisor-level CSRs").
 * Not probed (QEMU deviations, README.md): 0x71/0x73-0x7f, which read zero
 * and ignore writes, and eipN/eieN past the implemented identities, whose
 * bits are read-only zero; QEMU 10 raises illegal instruction for both. */
enum hp_isel_val {
	HP_ISEL_ONES,
	HP_ISEL_ON,	/* eidelivery = 1 */
	HP_ISEL_MAX_ID, /* eithreshold = N, the largest legal value */
};

static const struct {
	const char *name;
	unsigned long sel;
	bool exists;
	enum hp_isel_val write;
} hp_isels[] = {
	{"eidelivery", AIA_ISEL_EIDELIVERY, true, HP_ISEL_ON},
	{"eithreshold", AIA_ISEL_EITHRESHOLD, true, HP_ISEL_MAX_ID},
	{"eip0", AIA_ISEL_EIP0, true, HP_ISEL_ONES},
	{"eip1", AIA_ISEL_EIP0 + 1, false, HP_ISEL_ONES},
	{"eip2", AIA_ISEL_EIP0 + 2, true, HP_ISEL_ONES},
	{"eip6", AIA_ISEL_EIP0 + 6, true, HP_ISEL_ONES},
	{"eie0", AIA_ISEL_EIE0, true, HP_ISEL_ONES},
	{"eie63", AIA_ISEL_EIE0 + 63, false, HP_ISEL_ONES},
	{"eie6", AIA_ISEL_EIE0 + 6, true, HP_ISEL_ONES},
	{"r40", 0x40, false, HP_ISEL_ONES},
	{"r00", 0x00, false, HP_ISEL_ONES},
};

static unsigned long hp_isel_value(enum hp_isel_val w)
{
	switch (w) {
	case HP_ISEL_ON:
		return AIA_EIDELIVERY_ON;
	case HP_ISEL_MAX_ID:
		return hp_imsic.num_ids;
	case HP_ISEL_ONES:
		break;
	}
	return ~0UL;
}

/* Each register of hp_isels through one select/alias pair: the write
 * (old value) and a read-back (writing 0). */
static void hp_aia_isels(const char *file, hp_body_fn body)
{
	char id[64];

	for (unsigned i = 0; i < sizeof(hp_isels) / sizeof(hp_isels[0]); i++) {
		snprintf(id, sizeof(id), "aia.%s.isel.%s.write", file,
			 hp_isels[i].name);
		hp_aia_isel(id, body, hp_isels[i].sel,
			    hp_isel_value(hp_isels[i].write),
			    hp_isels[i].exists ? HP_RET : ILL);
		if (!hp_isels[i].exists)
			continue;
		snprintf(id, sizeof(id), "aia.%s.isel.%s.read", file,
			 hp_isels[i].name);
		hp_aia_isel(id, body, hp_isels[i].sel, 0, HP_RET);
	}
}

static void hp_aia_sfile(void)
{
	static const unsigned long sels[] = {0xff, 0x1ff, ~0UL};
	unsigned long page = hp_imsic.s_file;

	hp_sfile_clear();
	/* siselect: WARL, holds at least 0..0xff with an IMSIC; 0..0x1ff
	 * recommended (AIA "Supervisor-level CSRs") */
	for (unsigned i = 0; i < sizeof(sels) / sizeof(sels[0]); i++) {
		csr_write(CSR_SISELECT, sels[i]);
		printf("RVNEST probe id=aia.s.siselect%u wrote=0x%lx "
		       "val=0x%lx\n",
		       i, sels[i], csr_read(CSR_SISELECT));
	}
	hp_aia_isels("s", hp_b_sireg_sel_rw);
	hp_sfile_clear();

	/* An MSI: eip bit set; stopei = identity in both fields (the
	 * priority of identity i is i, IMSIC "Interrupt priorities"). */
	hp_sfile_put(AIA_ISEL_EIE0, BIT(HP_AIA_ID) | BIT(HP_AIA_ID2));
	hp_msi_from_hs(page, HP_AIA_ID);
	hp_aia_isel("aia.s.msi.eip0", hp_b_sireg_sel_rw, AIA_ISEL_EIP0,
		    BIT(HP_AIA_ID), HP_RET);
	hp_aia_hs("aia.s.msi.stopei_delivery_off", hp_b_stopei_read, 0, HP_RET);
	hp_sfile_put(AIA_ISEL_EIDELIVERY, AIA_EIDELIVERY_ON);
	hp_aia_hs("aia.s.msi.stopei", hp_b_stopei_read, 0, HP_RET);
	printf("RVNEST probe id=aia.s.msi.sip_seip val=%u\n",
	       (csr_read(CSR_SIP) & MIP_SEIP) ? 1 : 0);
	/* stopi: only interrupts enabled in sie count (AIA "stopi"); sie is
	 * set with sstatus.SIE = 0, so nothing is taken. */
	hp_aia_hs("aia.s.msi.stopi_sie0", hp_b_stopi_read, 0, HP_RET);
	csr_set(CSR_SIE, MIP_SEIP);
	hp_aia_hs("aia.s.msi.stopi_seie", hp_b_stopi_read, 0, HP_RET);
	csr_clear(CSR_SIE, MIP_SEIP);
	/* eithreshold P: identities P and higher do not count. */
	hp_sfile_put(AIA_ISEL_EITHRESHOLD, HP_AIA_ID);
	hp_aia_hs("aia.s.msi.stopei_threshold_eq", hp_b_stopei_read, 0, HP_RET);
	hp_sfile_put(AIA_ISEL_EITHRESHOLD, HP_AIA_ID + 1);
	hp_aia_hs("aia.s.msi.stopei_threshold_above", hp_b_stopei_read, 0,
		  HP_RET);
	hp_sfile_put(AIA_ISEL_EITHRESHOLD, 0);
	/* two pending: the lower identity is the higher priority */
	hp_msi_from_hs(page, HP_AIA_ID2);
	hp_aia_hs("aia.s.msi.stopei_two", hp_b_stopei_read, 0, HP_RET);
	hp_aia_hs("aia.s.msi.claim1", hp_b_stopei_claim, 0, HP_RET);
	hp_aia_hs("aia.s.msi.claim2", hp_b_stopei_claim, 0, HP_RET);
	hp_aia_hs("aia.s.msi.claim_none", hp_b_stopei_claim, 0, HP_RET);
	hp_aia_isel("aia.s.msi.eip0_after", hp_b_sireg_sel_rw, AIA_ISEL_EIP0, 0,
		    HP_RET);
	/* not enabled in eie: pending, not reported */
	hp_sfile_put(AIA_ISEL_EIE0, 0);
	hp_msi_from_hs(page, HP_AIA_ID);
	hp_aia_hs("aia.s.msi.stopei_disabled", hp_b_stopei_read, 0, HP_RET);
	hp_aia_isel("aia.s.msi.eip0_disabled", hp_b_sireg_sel_rw, AIA_ISEL_EIP0,
		    0, HP_RET);
	/* an identity beyond num-ids is no interrupt (IMSIC "IMSIC memory
	 * regions": a write of an unimplemented identity is ignored) */
	if (hp_imsic.num_ids < 2047) {
		hp_sfile_put(AIA_ISEL_EIP0, 0);
		hp_sfile_put(AIA_ISEL_EIE0, ~0UL);
		hp_msi_from_hs(page, hp_imsic.num_ids + 1);
		hp_aia_hs("aia.s.msi.beyond_num_ids.stopei", hp_b_stopei_read,
			  0, HP_RET);
	}
	hp_sfile_clear();
}

/* ---- GEILEN and hstatus.VGEIN ---------------------------------------------
 */

static void hp_aia_geilen(void)
{
	char id[64];
	unsigned long m;

	csr_write(CSR_HGEIE, ~0UL);
	m = csr_read(CSR_HGEIE);
	csr_write(CSR_HGEIE, 0);
	/* bits GEILEN:1 writable, bit 0 and the rest read-only zero (spec
	 * "Hypervisor Guest External Interrupt Registers") */
	hp_geilen = 0;
	while (m & BIT(hp_geilen + 1))
		hp_geilen++;
	printf("RVNEST probe id=aia.geilen n=%u hgeie_ones=0x%lx\n", hp_geilen,
	       m);
	if (m != ((BIT(hp_geilen + 1) - 1) & ~1UL)) {
		hp_errors++;
		printf("RVNEST error msg=hgeie_not_bits_geilen_to_1 "
		       "val=0x%lx\n",
		       m);
	}
	if (hp_geilen >= (1u << hp_imsic.guest_bits)) {
		hp_errors++;
		printf("RVNEST error msg=geilen_beyond_guest_files geilen=%u "
		       "guest_index_bits=%u\n",
		       hp_geilen, hp_imsic.guest_bits);
	}
	hp_aia_read_line("aia.hgeip.idle", CSR_HGEIP);

	/* VGEIN: WLRL, holds 0..GEILEN (spec "Hypervisor Status Register").
	 * A value beyond GEILEN leaves the field unspecified: printed as
	 * such, then a legal write must read back. */
	for (unsigned g = 0; g <= hp_geilen; g++) {
		csr_write(CSR_HSTATUS, HP_VSXL_64 | hp_vgein(g));
		snprintf(id, sizeof(id), "aia.hstatus.vgein%u", g);
		printf("RVNEST probe id=%s val=%lu\n", id,
		       (csr_read(CSR_HSTATUS) & HSTATUS_VGEIN) >>
			       HSTATUS_VGEIN_SHIFT);
	}
	const unsigned bad[] = {hp_geilen + 1, 63};
	for (unsigned i = 0; i < 2; i++) {
		csr_write(CSR_HSTATUS, HP_VSXL_64 | hp_vgein(bad[i]));
		(void)csr_read(CSR_HSTATUS);
		csr_write(CSR_HSTATUS, HP_VSXL_64 | hp_vgein(hp_geilen));
		printf("RVNEST probe id=aia.hstatus.vgein_after%u val=%lu\n",
		       bad[i],
		       (csr_read(CSR_HSTATUS) & HSTATUS_VGEIN) >>
			       HSTATUS_VGEIN_SHIFT);
	}
	hp_env_apply(&hp_env_default);
}

/* ---- the VS-level registers with and without a guest file ---------------- */

struct hp_aia_case {
	const char *what;
	enum hp_mode mode;
	unsigned long vsiselect;
	hp_body_fn body;
	struct hp_expect no_file; /* VGEIN = 0 */
	struct hp_expect file;	  /* VGEIN = 1 */
};

static const char *const hp_aia_modes[] = {
	[HP_MODE_HS] = "hs",
	[HP_MODE_HU] = "hu",
	[HP_MODE_VS] = "vs",
	[HP_MODE_VU] = "vu",
};

/* AIA "Hypervisor and VS CSRs": registers 0x70-0xff exist at VS level only
 * with VGEIN naming a guest file; 0x30-0x3f never ("inaccessible"). From
 * HS an inaccessible register is an illegal instruction, from VS
 * (sireg = vsireg) a virtual instruction; vsireg from VS/VU and sireg
 * from VU are always virtual instruction. vstopei with no file: illegal
 * from HS, virtual instruction from VS (stopei). From U-mode (V=0) every
 * supervisor CSR is illegal. */
static const struct hp_aia_case hp_aia_cases[] = {
	{"vsireg_eidelivery", HP_MODE_HS, AIA_ISEL_EIDELIVERY, hp_b_vsireg_read,
	 ILL, HP_RET},
	{"vsireg_eip0", HP_MODE_HS, AIA_ISEL_EIP0, hp_b_vsireg_read, ILL,
	 HP_RET},
	{"vsireg_iprio0", HP_MODE_HS, AIA_ISEL_IPRIO0, hp_b_vsireg_read, ILL,
	 ILL},
	/* odd eipN does not exist on RV64: illegal, and virtual instruction
	 * from VS-mode (IMSIC "External interrupt-pending registers") */
	{"vsireg_eip1", HP_MODE_HS, AIA_ISEL_EIP0 + 1, hp_b_vsireg_read, ILL,
	 ILL},
	{"vstopei", HP_MODE_HS, 0, hp_b_vstopei_read, ILL, HP_RET},
	{"vstopei_claim", HP_MODE_HS, 0, hp_b_vstopei_claim, ILL, HP_RET},
	{"sireg_eidelivery", HP_MODE_VS, AIA_ISEL_EIDELIVERY, hp_b_sireg_read,
	 VIRT, HP_RET},
	{"sireg_eie0", HP_MODE_VS, AIA_ISEL_EIE0, hp_b_sireg_read, VIRT,
	 HP_RET},
	{"sireg_iprio0", HP_MODE_VS, AIA_ISEL_IPRIO0, hp_b_sireg_read, VIRT,
	 VIRT},
	{"sireg_eip1", HP_MODE_VS, AIA_ISEL_EIP0 + 1, hp_b_sireg_read, VIRT,
	 VIRT},
	{"stopei", HP_MODE_VS, 0, hp_b_stopei_read, VIRT, HP_RET},
	{"stopi", HP_MODE_VS, 0, hp_b_stopi_read, HP_RET, HP_RET},
	{"vsireg", HP_MODE_VS, AIA_ISEL_EIDELIVERY, hp_b_vsireg_read, VIRT,
	 VIRT},
	{"vstopei", HP_MODE_VS, 0, hp_b_vstopei_read, VIRT, VIRT},
	{"sireg_eidelivery", HP_MODE_VU, AIA_ISEL_EIDELIVERY, hp_b_sireg_read,
	 VIRT, VIRT},
	{"stopei", HP_MODE_VU, 0, hp_b_stopei_read, VIRT, VIRT},
	{"stopi", HP_MODE_VU, 0, hp_b_stopi_read, VIRT, VIRT},
	{"sireg_eidelivery", HP_MODE_HU, AIA_ISEL_EIDELIVERY, hp_b_sireg_read,
	 ILL, ILL},
	{"stopei", HP_MODE_HU, 0, hp_b_stopei_read, ILL, ILL},
};

static void hp_aia_vslevel(void)
{
	char id[80];

	hp_gfile_clear(1);
	/* guest file 1 with known contents: delivery on, eie0 = one bit */
	hp_gfile_put(1, AIA_ISEL_EIDELIVERY, AIA_EIDELIVERY_ON);
	hp_gfile_put(1, AIA_ISEL_EIE0, BIT(HP_AIA_ID));
	for (unsigned g = 0; g <= 1; g++)
		for (unsigned i = 0;
		     i < sizeof(hp_aia_cases) / sizeof(hp_aia_cases[0]); i++) {
			const struct hp_aia_case *k = &hp_aia_cases[i];
			struct hp_env env = hp_env_default;

			env.mode = k->mode;
			env.hstatus = hp_vgein(g);
			env.vsiselect = k->vsiselect;
			snprintf(id, sizeof(id), "aia.%s.%s.%s",
				 g ? "gfile" : "vgein0", k->what,
				 hp_aia_modes[k->mode]);
			hp_probe(id, &env, k->body, 0, g ? k->file : k->no_file,
				 HP_PRINT_VALUE);
		}
	hp_env_apply(&hp_env_default);

	/* guest file 1's registers from HS through vsiselect/vsireg */
	csr_write(CSR_HSTATUS, HP_VSXL_64 | hp_vgein(1));
	hp_aia_isels("gfile", hp_b_vsireg_sel_rw);
	hp_gfile_clear(1);
	hp_env_apply(&hp_env_default);
}

/* ---- MSIs into guest files -------------------------------------------------
 */

/* A guest that takes the interrupt its own MSI raised: the line gives the
 * outcome and the cause, and whether the epc lies inside the body (where
 * exactly depends on when the hart samples the new interrupt). */
static void hp_aia_msi_wait(const char *id, const struct hp_env *env,
			    unsigned long arg, struct hp_expect e)
{
	struct hp_obs o;
	unsigned long epc;
	bool inside;

	hp_run(env, hp_b_msi_wait, arg, &o);
	epc = o.out == HP_OUT_TRAP_VS ? o.vsepc : o.sepc;
	inside = epc > (unsigned long)hp_b_msi_wait &&
		 epc <= (unsigned long)hp_b_msi_wait_end;
	printf("RVNEST probe id=%s", id);
	if (o.out == HP_OUT_RETURNED)
		printf(" out=ret val=0x%lx", o.value);
	else
		printf(" out=%s cause=%s epc_in_body=%u",
		       o.out == HP_OUT_TRAP_VS ? "vs" : "hs",
		       trap_cause_name(o.out == HP_OUT_TRAP_VS ? o.vscause
							       : o.scause),
		       inside ? 1 : 0);
	printf("\n");
	hp_check(id, &o, e);
}

static void hp_aia_msi(void)
{
	unsigned long f1 = fdt_imsic_guest_file(&hp_imsic, 1);
	struct hp_env env;

	for (unsigned g = 1; g <= hp_geilen; g++)
		hp_gfile_clear(g);
	hp_env_apply(&hp_env_default);

	/* delivery off: the file does not signal, hgeip stays 0 (IMSIC
	 * "Interrupt delivery and handling": eidelivery = 0) */
	hp_gfile_put(1, AIA_ISEL_EIE0, BIT(HP_AIA_ID));
	hp_msi_from_hs(f1, HP_AIA_ID);
	hp_aia_read_line("aia.msi.delivery_off.hgeip", CSR_HGEIP);
	hp_aia_hs("aia.msi.delivery_off.vstopei", hp_b_vstopei_read, 0, HP_RET);
	/* delivery on: hgeip bit 1 (spec "Hypervisor Guest External
	 * Interrupt Registers": bit i is file i's interrupt) */
	hp_gfile_put(1, AIA_ISEL_EIDELIVERY, AIA_EIDELIVERY_ON);
	hp_aia_read_line("aia.msi.pending.hgeip", CSR_HGEIP);
	hp_aia_hs("aia.msi.pending.vstopei", hp_b_vstopei_read, 0, HP_RET);
	/* hip.VSEIP is hvip.VSEIP or hgeip[VGEIN]; hip.SGEIP is hgeip &
	 * hgeie (spec "Hypervisor Interrupt Registers") */
	printf("RVNEST probe id=aia.msi.pending.hip_vgein1 val=0x%lx\n",
	       csr_read(CSR_HIP) & (MIP_VSEIP | MIP_SGEIP));
	csr_write(CSR_HSTATUS, HP_VSXL_64 | hp_vgein(0));
	printf("RVNEST probe id=aia.msi.pending.hip_vgein0 val=0x%lx\n",
	       csr_read(CSR_HIP) & (MIP_VSEIP | MIP_SGEIP));
	csr_write(CSR_HGEIE, BIT(1));
	printf("RVNEST probe id=aia.msi.pending.hip_hgeie1 val=0x%lx\n",
	       csr_read(CSR_HIP) & (MIP_VSEIP | MIP_SGEIP));
	csr_write(CSR_HGEIE, 0);

	/* vstopi with the file selected and VSEI delegated and enabled:
	 * SEI (9); IPRIO 1 with hvictl.IPRIOM = 0, else vstopei's priority
	 * (AIA "vstopi") */
	env = hp_env_default;
	env.hstatus = hp_vgein(1);
	env.hideleg = MIP_VSEIP;
	env.hie = MIP_VSEIP;
	hp_env_apply(&env);
	hp_aia_read_line("aia.msi.pending.vstopi", CSR_VSTOPI);
	env.hvictl = AIA_HVICTL_IPRIOM | (9UL << AIA_HVICTL_IID_SHIFT);
	hp_env_apply(&env);
	hp_aia_read_line("aia.msi.pending.vstopi_ipriom", CSR_VSTOPI);
	env.hvictl = 0;

	/* taken in VS-mode (SIE = 1) and VU-mode, before the guest's first
	 * instruction */
	env.mode = HP_MODE_VS;
	env.vsstatus = SSTATUS_SIE;
	hp_probe("aia.msi.pending.vs", &env, hp_b_nop, 0, VSIRQ(IRQ_S_EXT),
		 HP_PRINT_VALUE);
	env.mode = HP_MODE_VU;
	env.vsstatus = 0;
	hp_probe("aia.msi.pending.vu", &env, hp_b_nop, 0, VSIRQ(IRQ_S_EXT),
		 HP_PRINT_VALUE);
	/* masked by vsstatus.SIE = 0 in VS-mode: the guest claims it with
	 * stopei (vstopei), which clears the pending bit */
	env.mode = HP_MODE_VS;
	hp_probe("aia.msi.claim.vs", &env, hp_b_stopei_claim, 0, HP_RET,
		 HP_PRINT_VALUE);
	hp_env_apply(&hp_env_default);
	hp_aia_read_line("aia.msi.claimed.hgeip", CSR_HGEIP);
	printf("RVNEST probe id=aia.msi.claimed.eip0 val=0x%lx\n",
	       hp_gfile_get(1, AIA_ISEL_EIP0));
	hp_env_apply(&hp_env_default);

	/* pending again; not delegated: HS-mode takes VSEI (10) from VS */
	hp_msi_from_hs(f1, HP_AIA_ID);
	env = hp_env_default;
	env.mode = HP_MODE_VS;
	env.hstatus = hp_vgein(1);
	env.hie = MIP_VSEIP;
	env.vsstatus = SSTATUS_SIE;
	hp_probe("aia.msi.nodeleg.vs", &env, hp_b_nop, 0, HSIRQ(IRQ_VS_EXT),
		 HP_PRINT_VALUE);

	/* another file selected: no VSEI; with hgeie bit 1 and hie.SGEIE,
	 * HS-mode takes SGEI (12) from VS whatever sstatus.SIE */
	if (hp_geilen >= 2) {
		env.hstatus = hp_vgein(2);
		env.hideleg = MIP_VSEIP;
		hp_probe("aia.msi.other_file.vs", &env, hp_b_nop, 0, HP_RET,
			 HP_PRINT_VALUE);
		env.hgeie = BIT(1);
		env.hie = MIP_VSEIP | MIP_SGEIP;
		hp_probe("aia.msi.sgei.vs", &env, hp_b_nop, 0,
			 HSIRQ(IRQ_S_GEXT), HP_PRINT_VALUE);
		env.hgeie = 0;
	}
	hp_gfile_clear(1);
	hp_env_apply(&hp_env_default);

	/* The guest writes the MSI into its own file through its G-stage
	 * (the page mapped identity): taken in VS-mode right after the
	 * store, with nothing in between (no trap to HS). */
	hp_gfile_put(1, AIA_ISEL_EIDELIVERY, AIA_EIDELIVERY_ON);
	hp_gfile_put(1, AIA_ISEL_EIE0, BIT(HP_AIA_ID));
	env = hp_env_default;
	env.mode = HP_MODE_VS;
	env.hstatus = hp_vgein(1);
	env.hideleg = MIP_VSEIP;
	env.hie = MIP_VSEIP;
	env.vsstatus = SSTATUS_SIE;
	env.hgatp = HP_HGATP_SV39X4;
	hp_aia_msi_wait("aia.msi.guest_store.vs", &env, f1 | HP_AIA_ID,
			VSIRQ(IRQ_S_EXT));
	hp_env_apply(&hp_env_default);
	hp_aia_read_line("aia.msi.guest_store.hgeip", CSR_HGEIP);
	hp_gfile_clear(1);
	/* to a file not selected, with hgeie: SGEI into HS */
	if (hp_geilen >= 2) {
		unsigned long f2 = fdt_imsic_guest_file(&hp_imsic, 2);

		hp_gfile_put(2, AIA_ISEL_EIDELIVERY, AIA_EIDELIVERY_ON);
		hp_gfile_put(2, AIA_ISEL_EIE0, BIT(HP_AIA_ID2));
		env.hgeie = BIT(2);
		env.hie = MIP_VSEIP | MIP_SGEIP;
		hp_aia_msi_wait("aia.msi.guest_store_other.vs", &env,
				f2 | HP_AIA_ID2, HSIRQ(IRQ_S_GEXT));
		hp_env_apply(&hp_env_default);
		hp_aia_read_line("aia.msi.guest_store_other.hgeip", CSR_HGEIP);
		hp_gfile_clear(2);
	}
	hp_env_apply(&hp_env_default);
}

/* ---- hvictl
 * ------------------------------------------------------------------
 */

struct hp_hvictl_case {
	const char *what;
	unsigned long hvictl;
	unsigned long hvip, hideleg, hie, hviprio1;
};

#define IID(n) ((unsigned long)(n) << AIA_HVICTL_IID_SHIFT)

/* vstopi's candidates (AIA "vstopi"), VGEIN = 0. */
static const struct hp_hvictl_case hp_hvictl_cases[] = {
	{"none", 0, 0, 0, 0, 0},
	{"vti_iid1_prio5", AIA_HVICTL_VTI | IID(1) | AIA_HVICTL_IPRIOM | 5, 0,
	 0, 0, 0},
	{"vti_iid1_iprio_mode0", AIA_HVICTL_VTI | IID(1) | 5, 0, 0, 0, 0},
	{"vti_iid9_prio0", AIA_HVICTL_VTI | IID(9), 0, 0, 0, 0},
	{"vti_iid5_dpr",
	 AIA_HVICTL_VTI | IID(5) | AIA_HVICTL_DPR | AIA_HVICTL_IPRIOM | 200, 0,
	 0, 0, 0},
	{"seip_iid9_prio7", IID(9) | AIA_HVICTL_IPRIOM | 7, MIP_VSEIP,
	 MIP_VSEIP, MIP_VSEIP, 0},
	{"seip_iid9_prio0", IID(9) | AIA_HVICTL_IPRIOM, MIP_VSEIP, MIP_VSEIP,
	 MIP_VSEIP, 0},
	{"seip_not_enabled", IID(9) | AIA_HVICTL_IPRIOM | 7, MIP_VSEIP,
	 MIP_VSEIP, 0, 0},
	{"stip_hviprio3", AIA_HVICTL_IPRIOM, MIP_VSTIP, MIP_VSTIP, MIP_VSTIP,
	 3UL << 24},
	{"stip_vti_hides", AIA_HVICTL_VTI | IID(9) | AIA_HVICTL_IPRIOM,
	 MIP_VSTIP, MIP_VSTIP, MIP_VSTIP, 3UL << 24},
	{"ssip_stip_hviprio", AIA_HVICTL_IPRIOM, MIP_VSTIP | MIP_VSSIP,
	 MIP_VSTIP | MIP_VSSIP, MIP_VSTIP | MIP_VSSIP,
	 (9UL << 8) | (3UL << 24)},
};

static void hp_aia_hvictl(void)
{
	char id[80];

	for (unsigned i = 0;
	     i < sizeof(hp_hvictl_cases) / sizeof(hp_hvictl_cases[0]); i++) {
		const struct hp_hvictl_case *k = &hp_hvictl_cases[i];
		struct hp_env env = hp_env_default;

		env.hvictl = k->hvictl;
		env.hvip = k->hvip;
		env.hideleg = k->hideleg;
		env.hie = k->hie;
		env.hviprio1 = k->hviprio1;
		hp_env_apply(&env);
		snprintf(id, sizeof(id), "aia.hvictl.%s.vstopi", k->what);
		hp_aia_read_line(id, CSR_VSTOPI);
	}

	/* An interrupt hvictl asserts (VTI = 1, IID != 9) must be taken in
	 * VS-mode with IID as the cause when SIE = 1: a VS-level interrupt
	 * is pending iff vstopi != 0 (AIA "Interrupt traps to VS-mode").
	 * QEMU 10 does not take it (README.md): only SIE = 0 is probed. */
	struct hp_env env = hp_env_default;

	env.mode = HP_MODE_VS;
	env.hvictl = AIA_HVICTL_VTI | IID(IRQ_S_SOFT) | AIA_HVICTL_IPRIOM | 1;
	hp_probe("aia.hvictl.vti_iid1_sie0.vs", &env, hp_b_nop, 0, HP_RET,
		 HP_PRINT_VALUE);
	/* VTI = 1: VS-mode accesses to sip and sie are virtual instruction
	 * exceptions (AIA "Virtual interrupts for VS level") */
	env.hvictl = AIA_HVICTL_VTI | IID(9);
	hp_probe("aia.hvictl.vti.sip_read.vs", &env, hp_b_sip_read, 0, VIRT,
		 HP_PRINT_VALUE);
	hp_probe("aia.hvictl.vti.sie_read.vs", &env, hp_b_sie_read, 0, VIRT,
		 HP_PRINT_VALUE);
	env.hvictl = IID(9);
	hp_probe("aia.hvictl.novti.sip_read.vs", &env, hp_b_sip_read, 0, HP_RET,
		 HP_PRINT_VALUE);
	hp_env_apply(&hp_env_default);
}

void hp_group_aia(void)
{
	if (!hp_has_aia)
		return;
	hp_env_apply(&hp_env_default);
	hp_aia_sfile();
	hp_aia_geilen();
	hp_aia_hvictl();
	if (hp_geilen == 0) {
		/* no guest file: the probes that need one are left out */
		printf("RVNEST probe id=aia.gfile skipped=geilen_0\n");
		return;
	}
	hp_aia_vslevel();
	hp_aia_msi();
	hp_env_apply(&hp_env_default);
}

bool hp_aia_map(void)
{
	unsigned long files = (1UL << hp_imsic.guest_bits) - 1;

	/* the guest files 1 .. 2^guest_index_bits - 1, after the S file */
	return !files || hp_mem_map_device(fdt_imsic_guest_file(&hp_imsic, 1),
					   files * AIA_IMSIC_PAGE_SIZE);
}
