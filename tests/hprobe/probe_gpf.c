/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Group "gpf": trap causes and values for guest-page faults (and, for
 * contrast, VS-stage page faults) on load, store and instruction fetch
 * from VS-mode and VU-mode, with vsatp Bare and with a VS-stage table,
 * including faults on the implicit VS-stage page-table walk.
 *
 * What each line shows and the spec rule behind it:
 *  - scause: load/store/instruction guest-page fault (21/23/20) when the
 *    G-stage forbids the access, load/store/instruction page fault
 *    (13/15/12) when the VS-stage does ("Two-Stage Address Translation").
 *    A fault on the implicit VS-stage walk is a guest-page fault of the
 *    original access type ("Guest-Page Faults").
 *  - stval: the guest virtual address; hstatus.GVA=1 ("Hypervisor Status
 *    Register": any trap that writes a guest virtual address to stval).
 *  - htval: the guest physical address shifted right by 2 for a
 *    guest-page fault, else 0 ("Hypervisor Trap Value Register").
 *  - htinst: zero, the transformed instruction, or for the implicit walk a
 *    pseudoinstruction ("Transformed Instruction or Pseudoinstruction for
 *    htinst").
 *  - hstatus.SPV=1 and SPVP = sstatus.SPP = the nominal privilege of the
 *    faulting mode (trap from V=1 into HS-mode).
 */
#include <stdio.h>

#include "hprobe.h"

enum hp_access {
	HP_ACC_LOAD,
	HP_ACC_STORE,
	HP_ACC_FETCH,
	HP_ACC_COUNT,
};

static const char *const hp_acc_names[HP_ACC_COUNT] = {
	[HP_ACC_LOAD] = "load",
	[HP_ACC_STORE] = "store",
	[HP_ACC_FETCH] = "fetch",
};

static const hp_body_fn hp_acc_body[HP_ACC_COUNT] = {
	[HP_ACC_LOAD] = hp_b_ld,
	[HP_ACC_STORE] = hp_b_sd,
	[HP_ACC_FETCH] = hp_b_fetch,
};

/* Offsets inside the target page, distinct per access kind so the address
 * in stval/htval names the access, and stores never land on the RET
 * instructions a fetch executes. */
static const unsigned long hp_acc_off[HP_ACC_COUNT] = {
	[HP_ACC_LOAD] = 0x8,
	[HP_ACC_STORE] = 0x10,
	[HP_ACC_FETCH] = 0x800,
};

struct hp_target {
	const char *name;
	enum hp_page pg;     /* HP_PG_COUNT: use `fixed` */
	unsigned long fixed; /* a guest address with no test page */
	struct hp_expect e[HP_ACC_COUNT];
};

#define RET HP_RET
#define LGPF HP_HS(EXC_LOAD_GUEST_PAGE_FAULT)
#define SGPF HP_HS(EXC_STORE_GUEST_PAGE_FAULT)
#define IGPF HP_HS(EXC_INST_GUEST_PAGE_FAULT)
#define LPF HP_HS(EXC_LOAD_PAGE_FAULT)
#define SPF HP_HS(EXC_STORE_PAGE_FAULT)
#define IPF HP_HS(EXC_INST_PAGE_FAULT)
#define ALL_GPF                  \
	{                        \
		LGPF, SGPF, IGPF \
	}
#define ALL_PF                \
	{                     \
		LPF, SPF, IPF \
	}

/* vsatp Bare: guest virtual = guest physical; only the G-stage decides. */
static const struct hp_target hp_bare_targets[] = {
	{"code", HP_PG_CODE, 0, {RET, RET, RET}},
	{"gro", HP_PG_GRO, 0, {RET, SGPF, IGPF}},
	/* mstatus.MXR is 0, so X does not make the G-stage page readable
	 * (vsstatus.MXR affects the VS-stage only). */
	{"gxo", HP_PG_GXO, 0, {LGPF, SGPF, RET}},
	{"grw", HP_PG_GRW, 0, {RET, RET, IGPF}},
	/* G-stage accesses are U-mode accesses: U=0 always faults. */
	{"gnou", HP_PG_GNOU, 0, ALL_GPF},
	/* A=0: a fault under Svade; with Svadu the firmware enables
	 * hardware A/D updating (menvcfg.ADUE) for the G-stage, and the
	 * access succeeds and sets A; with neither extension the choice is
	 * the implementation's and the probe is not run (hp_gpf_one). */
	{"gna", HP_PG_GNA, 0, ALL_GPF},
	{"hole", HP_PG_COUNT, HP_GPA_HOLE, ALL_GPF},
	/* Sv39x4 requires GPA bits 63:41 to be zero. */
	{"wide", HP_PG_COUNT, HP_GPA_WIDE, ALL_GPF},
	/* ... and Sv48x4 bits 63:50. */
	{"wide50", HP_PG_COUNT, HP_GPA_WIDE48, ALL_GPF},
};

/* A VS-stage table: targets in guest virtual space. The VS-mode run uses
 * the supervisor table, the VU-mode run the user table (same mappings,
 * U=1), so only "vuser" differs between the two. */
static const struct hp_target hp_table_targets[] = {
	{"code", HP_PG_CODE, 0, {RET, RET, RET}},
	{"vro", HP_PG_VRO, 0, {RET, SPF, IPF}},
	{"vxo", HP_PG_VXO, 0, {LPF, SPF, RET}},
	{"vna", HP_PG_VNA, 0, ALL_PF},
	{"unmapped", HP_PG_COUNT, HP_GVA_UNMAPPED, ALL_PF},
	{"ghole", HP_PG_COUNT, HP_GVA_GHOLE, ALL_GPF},
	{"alias_gro", HP_PG_COUNT, HP_GVA_ALIAS_GRO, {RET, SGPF, IGPF}},
	{"walkhole", HP_PG_COUNT, HP_GVA_WALKHOLE, ALL_GPF},
};

/* HP_PG_VUSER from VS-mode (supervisor table, page U=1, SUM=0) and from
 * VU-mode (user table): "Supervisor-Level Memory" rules of the VS-stage. */
static const struct hp_target hp_vuser_vs = {"vuser", HP_PG_VUSER, 0, ALL_PF};
static const struct hp_target hp_vuser_vu = {
	"vuser", HP_PG_VUSER, 0, {RET, RET, RET}};

static unsigned long hp_target_addr(const struct hp_target *t)
{
	return t->pg == HP_PG_COUNT ? t->fixed : hp_page(t->pg);
}

static void hp_gpf_one(const char *table, const struct hp_target *t,
		       enum hp_mode mode, enum hp_vsatp vsatp,
		       enum hp_hgatp hgatp)
{
	bool a_bit = t->pg == HP_PG_GNA || t->pg == HP_PG_VNA;

	if (a_bit && !hp_has_svadu && !hp_has_svade) {
		printf("RVNEST probe id=gpf.%s.%s.%s "
		       "skipped=no_svade_no_svadu\n",
		       table, t->name, mode == HP_MODE_VS ? "vs" : "vu");
		return;
	}
	for (unsigned a = 0; a < HP_ACC_COUNT; a++) {
		struct hp_env env = hp_env_default;
		struct hp_expect e = t->e[a];
		char id[80];

		env.mode = mode;
		env.vsatp = vsatp;
		env.hgatp = hgatp;
		/* The VS-stage page (vna) faults either way: henvcfg.ADUE=0
		 * means Svade behaviour for the VS-stage when Svadu exists. */
		if (t->pg == HP_PG_GNA && hp_has_svadu)
			e = RET;
		snprintf(id, sizeof(id), "gpf.%s.%s.%s.%s", table, t->name,
			 hp_acc_names[a], mode == HP_MODE_VS ? "vs" : "vu");
		hp_probe(id, &env, hp_acc_body[a],
			 hp_target_addr(t) + hp_acc_off[a], e, HP_PRINT_VALUE);
	}
}

/* Width and compression reach htinst through the transformed instruction:
 * one 32-bit and two compressed accesses to the same hole. */
static void hp_gpf_forms(void)
{
	static const struct {
		const char *name;
		hp_body_fn body;
		struct hp_expect e;
	} forms[] = {
		{"lw", hp_b_lw, LGPF},
		{"sw", hp_b_sw, SGPF},
		{"c_ld", hp_b_c_ld, LGPF},
		{"c_sd", hp_b_c_sd, SGPF},
	};

	for (unsigned i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct hp_env env = hp_env_default;
		char id[64];

		env.mode = HP_MODE_VS;
		env.hgatp = HP_HGATP_SV39X4;
		snprintf(id, sizeof(id), "gpf.form.%s.vs", forms[i].name);
		hp_probe(id, &env, forms[i].body, HP_GPA_HOLE + 0x18,
			 forms[i].e, HP_PRINT_VALUE);
	}
}

/* Tables that cannot be walked at all: the first access of the guest --
 * the fetch of the trampoline -- faults on the implicit walk.
 *  - vsatp's root at an unmapped GPA: instruction guest-page fault, htval =
 *    the root PTE's GPA >> 2, htinst a pseudoinstruction.
 *  - hgatp's root where there is no memory: the implicit G-stage access
 *    gets an access fault, reported for the original access type
 *    (instruction access fault), stval = the guest virtual address.
 * For L0 the second is an L1 whose G-stage points at memory it does not
 * own (issue 4, "Done when"). */
static void hp_gpf_roots(void)
{
	static const struct {
		const char *name;
		enum hp_vsatp vsatp;
		enum hp_hgatp hgatp;
		hp_body_fn body;
		unsigned long arg;
		struct hp_expect e;
	} roots[] = {
		{"vsroot_hole", HP_VSATP_HOLE_ROOT, HP_HGATP_SV39X4, hp_b_nop,
		 0, IGPF},
		{"groot_far", HP_VSATP_BARE, HP_HGATP_FAR_ROOT, hp_b_nop, 0,
		 HP_HS(EXC_INST_ACCESS)},
	};

	for (unsigned i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		for (enum hp_mode m = HP_MODE_VS; m <= HP_MODE_VU; m++) {
			struct hp_env env = hp_env_default;
			char id[64];

			env.mode = m;
			env.vsatp = roots[i].vsatp;
			env.hgatp = roots[i].hgatp;
			snprintf(id, sizeof(id), "gpf.root.%s.%s",
				 roots[i].name, m == HP_MODE_VS ? "vs" : "vu");
			hp_probe(id, &env, roots[i].body, roots[i].arg,
				 roots[i].e, HP_PRINT_VALUE);
		}
	}
}

void hp_group_gpf(void)
{
	for (unsigned i = 0;
	     i < sizeof(hp_bare_targets) / sizeof(hp_bare_targets[0]); i++) {
		hp_gpf_one("bare", &hp_bare_targets[i], HP_MODE_VS,
			   HP_VSATP_BARE, HP_HGATP_SV39X4);
		hp_gpf_one("bare", &hp_bare_targets[i], HP_MODE_VU,
			   HP_VSATP_BARE, HP_HGATP_SV39X4);
	}
	/* The same targets through an Sv48x4 G-stage. */
	for (unsigned i = 0;
	     i < sizeof(hp_bare_targets) / sizeof(hp_bare_targets[0]); i++) {
		hp_gpf_one("bare_g48", &hp_bare_targets[i], HP_MODE_VS,
			   HP_VSATP_BARE, HP_HGATP_SV48X4);
		hp_gpf_one("bare_g48", &hp_bare_targets[i], HP_MODE_VU,
			   HP_VSATP_BARE, HP_HGATP_SV48X4);
	}
	for (unsigned i = 0;
	     i < sizeof(hp_table_targets) / sizeof(hp_table_targets[0]); i++) {
		hp_gpf_one("sv39", &hp_table_targets[i], HP_MODE_VS,
			   HP_VSATP_SUPER, HP_HGATP_SV39X4);
		hp_gpf_one("sv39", &hp_table_targets[i], HP_MODE_VU,
			   HP_VSATP_USER, HP_HGATP_SV39X4);
	}
	/* The supervisor table's mappings again in Sv48. */
	for (unsigned i = 0;
	     i < sizeof(hp_table_targets) / sizeof(hp_table_targets[0]); i++)
		hp_gpf_one("sv48", &hp_table_targets[i], HP_MODE_VS,
			   HP_VSATP_SUPER48, HP_HGATP_SV39X4);
	hp_gpf_one("sv39", &hp_vuser_vs, HP_MODE_VS, HP_VSATP_SUPER,
		   HP_HGATP_SV39X4);
	hp_gpf_one("sv39", &hp_vuser_vu, HP_MODE_VU, HP_VSATP_USER,
		   HP_HGATP_SV39X4);
	hp_gpf_forms();
	hp_gpf_roots();
}
