/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Group "fence": after a PTE changes, the matching HFENCE makes the change
 * visible. Spec, "Hypervisor Memory-Management Fence Instructions": an
 * address-translation cache may keep any translation that was valid since
 * the last fence covering it, so only what follows a fence is fixed, and
 * that is all these probes look at.
 *
 * Each case: store to HP_PG_FENCE from VS-mode (succeeds, and may leave the
 * translation cached), make the page read-only in one stage, fence, store
 * again with nothing else in between (hp_run_again) -- it must fault; make
 * it writable again, fence, store -- it must succeed. For L0 this is the
 * shadow G-stage's invalidation on HFENCE.GVMA (all, by guest physical
 * address, by VMID) and the forwarding of HFENCE.VVMA (all, by address, by
 * ASID). The sbi_* cases do the same through the SBI RFENCE extension's
 * remote HFENCE calls on every hart (hart_mask_base = -1) instead of the
 * instructions: L0 serves them itself (sbi_glue.c), OpenSBI below hprobe-
 * single by executing the fences.
 */
#include <stdio.h>

#include <rvnest/csr.h>
#include <rvnest/sbi.h>

#include "hprobe.h"

enum hp_fence_kind {
	HP_FENCE_GVMA_ALL,
	HP_FENCE_GVMA_GPA,
	HP_FENCE_GVMA_VMID,
	HP_FENCE_VVMA_ALL,
	HP_FENCE_VVMA_VA,
	HP_FENCE_VVMA_ASID,
	HP_FENCE_SBI_GVMA_ALL,
	HP_FENCE_SBI_GVMA_GPA,
	HP_FENCE_SBI_GVMA_VMID,
	HP_FENCE_SBI_VVMA_VA,
	HP_FENCE_SBI_VVMA_ASID,
	HP_FENCE_NACL_GVMA_VMID,
	HP_FENCE_NACL_GVMA_VMID_ALL,
	HP_FENCE_NACL_VVMA,
	HP_FENCE_NACL_VVMA_ASID,
	HP_FENCE_NACL_VVMA_ALL,
};

struct hp_fence_case {
	const char *name;
	enum hp_fence_kind kind;
	enum hp_table table;
	unsigned long fault; /* the cause once the page is read-only */
};

static const struct hp_fence_case hp_fence_cases[] = {
	{"gvma_all", HP_FENCE_GVMA_ALL, HP_TABLE_GSTAGE,
	 EXC_STORE_GUEST_PAGE_FAULT},
	{"gvma_gpa", HP_FENCE_GVMA_GPA, HP_TABLE_GSTAGE,
	 EXC_STORE_GUEST_PAGE_FAULT},
	{"gvma_vmid", HP_FENCE_GVMA_VMID, HP_TABLE_GSTAGE,
	 EXC_STORE_GUEST_PAGE_FAULT},
	{"vvma_all", HP_FENCE_VVMA_ALL, HP_TABLE_VS_SUPER,
	 EXC_STORE_PAGE_FAULT},
	{"vvma_va", HP_FENCE_VVMA_VA, HP_TABLE_VS_SUPER, EXC_STORE_PAGE_FAULT},
	{"vvma_asid", HP_FENCE_VVMA_ASID, HP_TABLE_VS_SUPER,
	 EXC_STORE_PAGE_FAULT},
	{"sbi_gvma_all", HP_FENCE_SBI_GVMA_ALL, HP_TABLE_GSTAGE,
	 EXC_STORE_GUEST_PAGE_FAULT},
	{"sbi_gvma_gpa", HP_FENCE_SBI_GVMA_GPA, HP_TABLE_GSTAGE,
	 EXC_STORE_GUEST_PAGE_FAULT},
	{"sbi_gvma_vmid", HP_FENCE_SBI_GVMA_VMID, HP_TABLE_GSTAGE,
	 EXC_STORE_GUEST_PAGE_FAULT},
	{"sbi_vvma_va", HP_FENCE_SBI_VVMA_VA, HP_TABLE_VS_SUPER,
	 EXC_STORE_PAGE_FAULT},
	{"sbi_vvma_asid", HP_FENCE_SBI_VVMA_ASID, HP_TABLE_VS_SUPER,
	 EXC_STORE_PAGE_FAULT},
	{"nacl_gvma_vmid", HP_FENCE_NACL_GVMA_VMID, HP_TABLE_GSTAGE,
	 EXC_STORE_GUEST_PAGE_FAULT},
	{"nacl_gvma_vmid_all", HP_FENCE_NACL_GVMA_VMID_ALL, HP_TABLE_GSTAGE,
	 EXC_STORE_GUEST_PAGE_FAULT},
	{"nacl_vvma", HP_FENCE_NACL_VVMA, HP_TABLE_VS_SUPER,
	 EXC_STORE_PAGE_FAULT},
	{"nacl_vvma_asid", HP_FENCE_NACL_VVMA_ASID, HP_TABLE_VS_SUPER,
	 EXC_STORE_PAGE_FAULT},
	{"nacl_vvma_all", HP_FENCE_NACL_VVMA_ALL, HP_TABLE_VS_SUPER,
	 EXC_STORE_PAGE_FAULT},
};

/* hgatp.VMID and vsatp.ASID of the probe tables (mem.c writes zero). */
#define HP_VMID 0
#define HP_ASID 0

/* SBI spec RFENCE: every hart (hart_mask_base = -1), the page of addr
 * (guest-physical for GVMA, guest-virtual for VVMA), or the whole space
 * (start 0, size 0). A failure is an error of its own, not a probe. */
static void hp_sbi_fence(unsigned long fid, unsigned long start,
			 unsigned long size, unsigned long id)
{
	struct sbiret r =
		sbi_ecall(SBI_EXT_RFENCE, fid, 0, -1UL, start, size, id, 0);

	if (r.error) {
		printf("RVNEST error msg=sbi_remote_hfence_failed fid=%lu "
		       "error=%ld\n",
		       fid, r.error);
		hp_errors++;
	}
}

/* SBI NACL shared memory ("Nested Acceleration Extension": scratch space
 * and CSR space, page aligned); only HFENCE entry 0 is used. */
static unsigned long hp_nacl_shmem[SBI_NACL_SHMEM_SIZE / SBI_NACL_WORD_BYTES]
	__attribute__((aligned(SBI_NACL_SHMEM_ALIGN)));
static bool hp_nacl_on;

static void hp_nacl_begin(void)
{
	struct sbiret r;

	if (sbi_probe(SBI_EXT_NACL) <= 0)
		return;
	r = sbi_call1(SBI_EXT_NACL, SBI_NACL_PROBE_FEATURE,
		      SBI_NACL_FEAT_SYNC_HFENCE);
	if (r.error || r.value != 1)
		return;
	r = sbi_ecall(SBI_EXT_NACL, SBI_NACL_SET_SHMEM,
		      (unsigned long)hp_nacl_shmem, 0, 0, 0, 0, 0);
	if (r.error) {
		printf("RVNEST error msg=nacl_set_shmem_failed error=%ld\n",
		       r.error);
		hp_errors++;
		return;
	}
	hp_nacl_on = true;
	printf("hprobe: fence.nacl_* through SBI NACL SYNC_HFENCE\n");
}

/* "If both shmem_phys_lo and shmem_phys_hi parameters are all-ones
 * bitwise then the nested acceleration features are disabled": the
 * groups after this one run as before. */
static void hp_nacl_end(void)
{
	if (!hp_nacl_on)
		return;
	sbi_ecall(SBI_EXT_NACL, SBI_NACL_SET_SHMEM, SBI_NACL_SHMEM_DISABLE,
		  SBI_NACL_SHMEM_DISABLE, 0, 0, 0, 0);
	hp_nacl_on = false;
}

/* One nested HFENCE entry for the 4 KiB page (Order 0) at addr, then
 * SYNC_HFENCE of that entry: "Page_Number", "Page_Count" and the reserved
 * word first, Config with Pending last; the SBI implementation clears
 * Pending once the entry is processed. */
static void hp_nacl_fence(unsigned long type, unsigned long addr,
			  unsigned long vmid, unsigned long asid)
{
	volatile unsigned long *e =
		&hp_nacl_shmem[SBI_NACL_HFENCE_OFFSET / SBI_NACL_WORD_BYTES];
	struct sbiret r;

	e[SBI_NACL_HFENCE_WORD_PNUM] = addr >> SBI_NACL_HFENCE_ORDER_BASE;
	e[2] = 0;
	e[SBI_NACL_HFENCE_WORD_PCOUNT] = 1;
	e[SBI_NACL_HFENCE_WORD_CONFIG] =
		SBI_NACL_HFENCE_PENDING | (type << SBI_NACL_HFENCE_TYPE_SHIFT) |
		(vmid << SBI_NACL_HFENCE_VMID_SHIFT) | asid;
	r = sbi_call1(SBI_EXT_NACL, SBI_NACL_SYNC_HFENCE, 0);
	if (r.error ||
	    (e[SBI_NACL_HFENCE_WORD_CONFIG] & SBI_NACL_HFENCE_PENDING)) {
		printf("RVNEST error msg=nacl_sync_hfence_failed type=%lu "
		       "error=%ld\n",
		       type, r.error);
		hp_errors++;
	}
}

static void hp_fence(enum hp_fence_kind k, unsigned long addr)
{
	unsigned long page = addr & ~(PAGE_SIZE - 1);

	switch (k) {
	case HP_FENCE_GVMA_ALL:
		hfence_gvma_all();
		break;
	case HP_FENCE_GVMA_GPA:
		hfence_gvma_gpa(addr);
		break;
	case HP_FENCE_GVMA_VMID:
		hfence_gvma_vmid(HP_VMID);
		break;
	case HP_FENCE_VVMA_ALL:
		hfence_vvma_all();
		break;
	case HP_FENCE_VVMA_VA:
		hp_hfence_vvma_va(addr);
		break;
	case HP_FENCE_VVMA_ASID:
		hp_hfence_vvma_asid(HP_ASID);
		break;
	case HP_FENCE_SBI_GVMA_ALL:
		hp_sbi_fence(SBI_RFENCE_REMOTE_HFENCE_GVMA, 0, 0, 0);
		break;
	case HP_FENCE_SBI_GVMA_GPA:
		hp_sbi_fence(SBI_RFENCE_REMOTE_HFENCE_GVMA, page, PAGE_SIZE, 0);
		break;
	case HP_FENCE_SBI_GVMA_VMID:
		hp_sbi_fence(SBI_RFENCE_REMOTE_HFENCE_GVMA_VMID, page,
			     PAGE_SIZE, HP_VMID);
		break;
	case HP_FENCE_SBI_VVMA_VA:
		hp_sbi_fence(SBI_RFENCE_REMOTE_HFENCE_VVMA, page, PAGE_SIZE, 0);
		break;
	case HP_FENCE_SBI_VVMA_ASID:
		hp_sbi_fence(SBI_RFENCE_REMOTE_HFENCE_VVMA_ASID, page,
			     PAGE_SIZE, HP_ASID);
		break;
	case HP_FENCE_NACL_GVMA_VMID:
		if (hp_nacl_on)
			hp_nacl_fence(SBI_NACL_HFENCE_GVMA_VMID, page, HP_VMID,
				      0);
		else
			hfence_gvma_vmid(HP_VMID); /* covers the page */
		break;
	case HP_FENCE_NACL_GVMA_VMID_ALL:
		if (hp_nacl_on)
			hp_nacl_fence(SBI_NACL_HFENCE_GVMA_VMID_ALL, 0, HP_VMID,
				      0);
		else
			hfence_gvma_vmid(HP_VMID);
		break;
	case HP_FENCE_NACL_VVMA:
		if (hp_nacl_on)
			hp_nacl_fence(SBI_NACL_HFENCE_VVMA, page, HP_VMID, 0);
		else
			hp_hfence_vvma_va(addr);
		break;
	case HP_FENCE_NACL_VVMA_ASID:
		if (hp_nacl_on)
			hp_nacl_fence(SBI_NACL_HFENCE_VVMA_ASID, page, HP_VMID,
				      HP_ASID);
		else
			hp_hfence_vvma_asid(HP_ASID);
		break;
	case HP_FENCE_NACL_VVMA_ALL:
		if (hp_nacl_on)
			hp_nacl_fence(SBI_NACL_HFENCE_VVMA_ALL, 0, HP_VMID, 0);
		else
			hfence_vvma_all();
		break;
	}
}

/* The page's permissions: writable, or read-only, at either stage. */
#define G_RW (PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)
#define G_RO (PTE_R | PTE_U | PTE_A)
#define VS_RW (PTE_R | PTE_W | PTE_A | PTE_D)
#define VS_RO (PTE_R | PTE_A)

static void hp_fence_set(enum hp_table t, bool writable)
{
	uint64_t perm = t == HP_TABLE_GSTAGE ? (writable ? G_RW : G_RO)
					     : (writable ? VS_RW : VS_RO);

	if (!hp_mem_remap(HP_PG_FENCE, t, perm)) {
		printf("RVNEST error msg=fence_page_remap_failed table=%u\n",
		       (unsigned)t);
		hp_errors++;
	}
}

static void hp_fence_line(const char *name, const char *step,
			  const struct hp_obs *o, struct hp_expect e)
{
	char id[64];

	snprintf(id, sizeof(id), "fence.%s.%s", name, step);
	printf("RVNEST probe id=%s", id);
	hp_print_obs(o, HP_PRINT_VALUE);
	printf("\n");
	hp_check(id, o, e);
}

void hp_group_fence(void)
{
	unsigned long addr = hp_page(HP_PG_FENCE) + 0x10;
	struct hp_env env = hp_env_default;

	env.mode = HP_MODE_VS;
	env.vsatp = HP_VSATP_SUPER;
	env.hgatp = HP_HGATP_SV39X4;
	hp_nacl_begin();
	for (unsigned i = 0;
	     i < sizeof(hp_fence_cases) / sizeof(hp_fence_cases[0]); i++) {
		const struct hp_fence_case *k = &hp_fence_cases[i];
		struct hp_obs o;

		/* Writable at both stages; hp_run fences everything. */
		hp_fence_set(HP_TABLE_GSTAGE, true);
		hp_fence_set(HP_TABLE_VS_SUPER, true);
		hp_run(&env, hp_b_sd, addr, &o);
		hp_fence_line(k->name, "before", &o, HP_RET);

		hp_fence_set(k->table, false);
		hp_fence(k->kind, addr);
		hp_run_again(&env, hp_b_sd, addr, &o);
		hp_fence_line(k->name, "readonly", &o, HP_HS(k->fault));

		hp_fence_set(k->table, true);
		hp_fence(k->kind, addr);
		hp_run_again(&env, hp_b_sd, addr, &o);
		hp_fence_line(k->name, "writable", &o, HP_RET);
	}
	hp_fence_set(HP_TABLE_GSTAGE, true);
	hp_fence_set(HP_TABLE_VS_SUPER, true);
	hfence_gvma_all();
	hfence_vvma_all();
	hp_nacl_end();
}
