/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Walker differential test: common/pt.c and shadow_gva_translate against
 * QEMU's own two-stage walker. An HS-mode payload builds a G-stage (as
 * hgatp) and a VS-stage (as vsatp) full of random PTEs -- valid ones,
 * reserved bits, misaligned superpages, missing U/A/D, pointers into the
 * tables, into other RAM, into firmware memory and into nothing -- then
 * for every GVA compares what HLV.D does on the hardware with what the
 * software composition predicts (identity L0 map over RAM): the value
 * read, or the trap cause, stval, htval and htinst.
 *
 * Prints `ptdiff ...` lines and `RVNEST done status=N` (N = mismatches).
 */
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/image.h>
#include <rvnest/encoding.h>
#include <rvnest/pt.h>
#include <rvnest/sbi.h>
#include <shadow.h>

#include <stdint.h>
#include <string.h>

#define KIB 1024UL
#define MIB (1024 * KIB)
#define ROUNDS 400
#define CORRUPT_PER_ROUND 24
#define ARENA_PAGES 64
#define G_ROOT_PAGE 0 /* pages 0-3: the 16 KiB G-stage root */
#define G_L1_PAGE 4
#define G_L0_PAGE 5
#define G_SPARE_PAGE 6 /* 6-11: tables only random pointers reach */
#define VS_ROOT_PAGE 12
#define VS_L1_PAGE 13
#define VS_L0_PAGE 14
#define DATA_PAGE 16		 /* 16-63: data */
#define GPA_WINDOW 0x100000000UL /* arena page i <-> GPA window + i pages */
#define RAM_BASE 0x80000000UL
#define FW_SIZE (2 * MIB)      /* OpenSBI, up to the payload at +2 MiB */
#define FW_PMP_SIZE (64 * KIB) /* the part PMP surely denies S-mode */
#define RAM_SIZE (256 * MIB)   /* QEMU -m 256M */
#define NO_MEMORY 0x90000000UL /* above RAM, nothing there */
#define PATTERN 0x5eed000000000000UL

struct trap_info {
	uint64_t t1, scause, stval, htval, htinst, hstatus, trapped;
};
volatile struct trap_info ptdiff_trap;

extern char ptdiff_trap_entry[];

static uint8_t arena[ARENA_PAGES][PAGE_SIZE] __attribute__((aligned(16384)));
static uint8_t pool[128 * KIB] __attribute__((aligned(16384)));
static struct shadow sh;
static uint64_t rng = 0x9e3779b97f4a7c15UL;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dUL;
}

static uint64_t below(uint64_t n)
{
	return rnd() % n;
}

static uint64_t host(unsigned page)
{
	return (uint64_t)(uintptr_t)arena[page];
}

static uint64_t gpa_of(unsigned page)
{
	return GPA_WINDOW + (uint64_t)page * PAGE_SIZE;
}

static uint64_t leaf(uint64_t pa, uint64_t flags)
{
	return ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | flags | PTE_V;
}

static uint64_t ptr(uint64_t pa)
{
	return ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_V;
}

static void set(unsigned page, unsigned index, uint64_t pte)
{
	((volatile uint64_t *)arena[page])[index] = pte;
}

/* ---- the model's L0: identity over RAM outside the firmware ---------- */

static bool l0_to_host(void *ctx, uint64_t pa, struct shadow_l0_map *m)
{
	(void)ctx;
	if (pa < RAM_BASE + FW_SIZE || pa >= RAM_BASE + RAM_SIZE)
		return false;
	m->host_pa = pa;
	m->perm = PTE_R | PTE_W | PTE_X;
	m->base = RAM_BASE + FW_SIZE;
	m->size = RAM_SIZE - FW_SIZE;
	return true;
}

static uint64_t l0_read64(void *ctx, uint64_t pa)
{
	(void)ctx;
	return *(volatile uint64_t *)(uintptr_t)pa;
}

static bool l0_cas64(void *ctx, uint64_t pa, uint64_t old, uint64_t new)
{
	(void)ctx;
	return __atomic_compare_exchange_n((uint64_t *)(uintptr_t)pa, &old, new,
					   false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

/* ---- random tables ----------------------------------------------------- */

static uint64_t random_flags(void)
{
	uint64_t f =
		rnd() & (PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D | PTE_G);

	if (below(4))
		f |= PTE_A | PTE_D;
	if (!(f & (PTE_R | PTE_W | PTE_X)))
		f |= PTE_R;
	return f;
}

/* A random target address for a G-stage PTE (host physical). Tables are
 * never placed in vacant address space: QEMU turns a failed table read
 * into a page fault where the spec wants an access fault (a known
 * difference, probed once on its own in ptdiff_main). */
static uint64_t random_host_target(bool table)
{
	switch (below(8)) {
	case 0:
		return RAM_BASE + below(FW_PMP_SIZE); /* firmware: PMP */
	case 1:
		if (table)
			return host(below(ARENA_PAGES));
		return NO_MEMORY + below(MIB);
	case 2:
		return RAM_BASE + FW_SIZE + below(8 * MIB); /* this image */
	default:
		return host(below(ARENA_PAGES));
	}
}

/* A random target for a VS-stage PTE (guest physical). */
static uint64_t random_guest_target(void)
{
	switch (below(6)) {
	case 0:
		return rnd() & ((1UL << 41) - 1);
	case 1:
		return gpa_of(ARENA_PAGES) + below(MIB); /* past the window */
	default:
		return gpa_of(below(ARENA_PAGES));
	}
}

static uint64_t random_pte(bool gstage)
{
	uint64_t t = gstage ? random_host_target(false) : random_guest_target();

	switch (below(10)) {
	case 0:
		return 0;
	case 1:
		/* garbage, but not a G-stage pointer into vacant space */
		t = rnd();
		if (gstage && !(t & (PTE_R | PTE_W | PTE_X)))
			t &= ~PTE_V;
		return t;
	case 2:
		return ptr(gstage ? random_host_target(true) : t);
	case 3:
		/* a pointer with bits that are reserved in pointers (A, D,
		 * U, PBMT, N) or ignored (G) */
		return ptr(gstage ? random_host_target(true) : t) |
		       (rnd() &
			(PTE_A | PTE_D | PTE_U | PTE_G | PTE_PBMT | PTE_N));
	case 4:
		/* reserved bits, PBMT, N */
		return leaf(t, random_flags()) |
		       (rnd() & (PTE_PBMT | PTE_N | (0x7fUL << 54)));
	default:
		return leaf(t, random_flags() | (gstage ? PTE_U : 0));
	}
}

static void build(bool corrupt)
{
	uint64_t gflags = PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;

	memset(arena, 0, DATA_PAGE * PAGE_SIZE);
	for (unsigned p = DATA_PAGE; p < ARENA_PAGES; p++)
		for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
			((uint64_t *)arena[p])[i] =
				PATTERN | ((uint64_t)p << 16) | i;
	/* G-stage: the GPA window maps the arena page by page */
	set(G_ROOT_PAGE, GPA_WINDOW >> 30, ptr(host(G_L1_PAGE)));
	set(G_L1_PAGE, 0, ptr(host(G_L0_PAGE)));
	for (unsigned p = 0; p < ARENA_PAGES; p++)
		set(G_L0_PAGE, p, leaf(host(p), gflags));
	/* VS-stage: GVA page i -> a data page of the window */
	set(VS_ROOT_PAGE, 0, ptr(gpa_of(VS_L1_PAGE)));
	set(VS_L1_PAGE, 0, ptr(gpa_of(VS_L0_PAGE)));
	for (unsigned i = 0; i < ARENA_PAGES; i++)
		set(VS_L0_PAGE, i,
		    leaf(gpa_of(DATA_PAGE + below(ARENA_PAGES - DATA_PAGE)),
			 PTE_R | PTE_W | PTE_X | PTE_A | PTE_D));
	if (!corrupt)
		return;
	/* now and then one of the pointers every walk uses carries bits
	 * that are reserved (A, D, U, PBMT, N) or ignored (G) in pointers */
	if (!below(4)) {
		static const uint64_t bits[] = {PTE_A, PTE_D,	 PTE_U,
						PTE_G, PTE_PBMT, PTE_N};
		uint64_t b = bits[below(sizeof(bits) / sizeof(bits[0]))];
		switch (below(3)) {
		case 0:
			set(G_ROOT_PAGE, GPA_WINDOW >> 30,
			    ptr(host(G_L1_PAGE)) | b);
			break;
		case 1:
			set(G_L1_PAGE, 0, ptr(host(G_L0_PAGE)) | b);
			break;
		default:
			set(VS_L1_PAGE, 0, ptr(gpa_of(VS_L0_PAGE)) | b);
			break;
		}
	}
	/* corruption where the walks go: the single entries every walk
	 * needs only now and then, the per-page ones more often */
	if (!below(8))
		set(G_ROOT_PAGE, GPA_WINDOW >> 30, random_pte(true));
	if (!below(8))
		set(G_L1_PAGE, 0, random_pte(true));
	if (!below(8))
		set(VS_L1_PAGE, 0, random_pte(false));
	for (unsigned k = 0; k < CORRUPT_PER_ROUND; k++) {
		switch (below(3)) {
		case 0:
			set(G_L0_PAGE, below(ARENA_PAGES), random_pte(true));
			break;
		case 1:
			set(VS_L0_PAGE, below(ARENA_PAGES), random_pte(false));
			break;
		default:
			set(G_SPARE_PAGE + below(VS_ROOT_PAGE - G_SPARE_PAGE),
			    below(PAGE_SIZE / 8), random_pte(below(2)));
			break;
		}
	}
}

/* ---- comparison -------------------------------------------------------- */

static unsigned mismatches, compared, shown;
static unsigned outcome[SHADOW_GVA_BAD_REQUEST + 1];

static void mismatch(uint64_t gva, const struct shadow_gva_result *g,
		     const struct trap_info *t, uint64_t v)
{
	mismatches++;
	if (shown++ >= 12)
		return;
	{
		uint64_t vl =
			((uint64_t *)arena[VS_L0_PAGE])[gva >> PAGE_SHIFT];
		uint64_t dp =
			(((vl & PTE_PPN) >> PTE_PPN_SHIFT) << PAGE_SHIFT) -
			GPA_WINDOW;
		uint64_t *gl0 = (uint64_t *)arena[G_L0_PAGE];
		printf("ptdiff   g_l0[12..14]=%#llx %#llx %#llx g_l0[data "
		       "%#llx]=%#llx\n",
		       (unsigned long long)gl0[12], (unsigned long long)gl0[13],
		       (unsigned long long)gl0[14],
		       (unsigned long long)(dp >> 12),
		       (unsigned long long)((dp >> 12) < 512 ? gl0[dp >> 12]
							     : 0));
	}
	printf("ptdiff   vs_l1=%#llx vs_l0[%llu]=%#llx g_root=%#llx "
	       "g_l1=%#llx\n",
	       (unsigned long long)((uint64_t *)arena[VS_L1_PAGE])[0],
	       (unsigned long long)(gva >> PAGE_SHIFT),
	       (unsigned long long)((
		       uint64_t *)arena[VS_L0_PAGE])[gva >> PAGE_SHIFT],
	       (unsigned long long)((
		       uint64_t *)arena[G_ROOT_PAGE])[GPA_WINDOW >> 30],
	       (unsigned long long)((uint64_t *)arena[G_L1_PAGE])[0]);
	printf("ptdiff MISMATCH gva=%#llx model: status=%d cause=%lu gpa=%#llx "
	       "htval=%#llx htinst=%#llx host=%#llx | hw: trapped=%llu "
	       "scause=%llu stval=%#llx htval=%#llx htinst=%#llx value=%#llx\n",
	       (unsigned long long)gva, g->status, g->cause,
	       (unsigned long long)g->gpa, (unsigned long long)g->htval,
	       (unsigned long long)g->htinst, (unsigned long long)g->host_pa,
	       (unsigned long long)t->trapped, (unsigned long long)t->scause,
	       (unsigned long long)t->stval, (unsigned long long)t->htval,
	       (unsigned long long)t->htinst, (unsigned long long)v);
}

static bool hw_matches(const struct shadow_gva_result *g, uint64_t gva,
		       const struct trap_info *t, uint64_t v)
{
	switch (g->status) {
	case SHADOW_GVA_OK:
		return !t->trapped &&
		       v == *(volatile uint64_t *)(uintptr_t)g->host_pa;
	case SHADOW_GVA_PAGE_FAULT:
		return t->trapped && t->scause == EXC_LOAD_PAGE_FAULT &&
		       t->stval == gva;
	case SHADOW_GVA_GUEST_PAGE_FAULT:
		/* htinst: the pseudoinstruction for an implicit access; for
		 * the access itself the hardware writes the transformed
		 * HLV, which L0 supplies from its own decode */
		return t->trapped && t->scause == EXC_LOAD_GUEST_PAGE_FAULT &&
		       t->stval == gva && t->htval == g->htval &&
		       (!g->implicit || t->htinst == g->htinst);
	case SHADOW_GVA_ACCESS_FAULT:
	case SHADOW_GVA_NOT_RAM:
		/* not memory (firmware under PMP, or nothing): the load or
		 * the table read is an access fault */
		return t->trapped && t->scause == EXC_LOAD_ACCESS;
	default:
		return false;
	}
}

/*
 * Known QEMU differences, counted and reported, never hidden: each is
 * recognised only for its exact case and its exact hardware fault.
 *
 * The spec ("Virtual Address Translation Process", step 2) makes a PMA or
 * PMP violation on any page-table access an access fault, and the model
 * follows it. QEMU instead
 * - turns a failed load of a VS-stage table entry from vacant physical
 *   memory into a (VS-stage) load page fault;
 * - turns any failure of the G-stage translation of a VS-stage table
 *   address -- including a G-stage table read that PMP denies or that
 *   hits vacant memory -- into a load guest-page fault for that address
 *   (htval = its GPA >> 2, htinst = the read pseudoinstruction).
 */
enum qemu_difference {
	QEMU_DIFF_NONE,
	QEMU_DIFF_VACANT_VS_TABLE,
	QEMU_DIFF_GSTAGE_TABLE_FOR_VS_TABLE,
	QEMU_DIFF_COUNT,
};
static unsigned qemu_diff[QEMU_DIFF_COUNT];

static enum qemu_difference qemu_difference(const struct shadow_gva_result *g,
					    uint64_t gva,
					    const struct trap_info *t)
{
	struct shadow_result r;

	if (g->status != SHADOW_GVA_ACCESS_FAULT || !g->implicit || !t->trapped)
		return QEMU_DIFF_NONE;
	r = shadow_translate(&sh, g->gpa, SHADOW_ACCESS_LOAD, PT_ACCESS_READ);
	if (r.status == SHADOW_NOT_RAM && r.l1_gpa >= RAM_BASE + RAM_SIZE &&
	    t->scause == EXC_LOAD_PAGE_FAULT && t->stval == gva)
		return QEMU_DIFF_VACANT_VS_TABLE;
	if (r.status == SHADOW_L1_TABLE_ACCESS_FAULT &&
	    t->scause == EXC_LOAD_GUEST_PAGE_FAULT && t->stval == gva &&
	    t->htval == g->gpa >> 2 && t->htinst == HTINST_PSEUDO_READ64)
		return QEMU_DIFF_GSTAGE_TABLE_FOR_VS_TABLE;
	return QEMU_DIFF_NONE;
}

/* Does the G-stage update A/D (menvcfg.ADUE, set by the firmware)? Map
 * one page with A=0 and look. */
static bool probe_gstage_adue(void)
{
	uint64_t gva = 5 * PAGE_SIZE;

	build(false);
	set(G_L0_PAGE, DATA_PAGE,
	    leaf(host(DATA_PAGE), PTE_R | PTE_W | PTE_X | PTE_U));
	set(VS_L0_PAGE, 5, leaf(gpa_of(DATA_PAGE), PTE_R | PTE_A | PTE_D));
	hfence_gvma_all();
	hfence_vvma_all();
	ptdiff_trap.trapped = 0;
	(void)hlv_d(gva);
	printf("ptdiff probe_g trapped=%llu scause=%llu g_leaf=%#llx\n",
	       (unsigned long long)ptdiff_trap.trapped,
	       (unsigned long long)ptdiff_trap.scause,
	       (unsigned long long)((
		       volatile uint64_t *)arena[G_L0_PAGE])[DATA_PAGE]);
	return !ptdiff_trap.trapped &&
	       (((volatile uint64_t *)arena[G_L0_PAGE])[DATA_PAGE] & PTE_A);
}

/* Does HLV's VS-stage update A/D? */
static bool probe_vs_adue(void)
{
	uint64_t gva = 6 * PAGE_SIZE;

	build(false);
	set(G_L0_PAGE, DATA_PAGE,
	    leaf(host(DATA_PAGE),
		 PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D));
	set(VS_L0_PAGE, 6, leaf(gpa_of(DATA_PAGE), PTE_R));
	hfence_gvma_all();
	hfence_vvma_all();
	ptdiff_trap.trapped = 0;
	(void)hlv_d(gva);
	printf("ptdiff probe_vs trapped=%llu scause=%llu vs_leaf=%#llx "
	       "henvcfg=%#lx\n",
	       (unsigned long long)ptdiff_trap.trapped,
	       (unsigned long long)ptdiff_trap.scause,
	       (unsigned long long)((volatile uint64_t *)arena[VS_L0_PAGE])[6],
	       csr_read(CSR_HENVCFG));
	return !ptdiff_trap.trapped;
}

void image_main(unsigned long hartid, unsigned long fdt)
{
	struct shadow_config cfg = {0};
	struct shadow_vs vs = {0};
	uint64_t hgatp, vsatp;
	bool adue;

	(void)fdt;
	console_init_sbi();
	printf("RVNEST boot component=ptdiff hart=%lu\n", hartid);
	csr_write(CSR_STVEC, ptdiff_trap_entry);
	/* HLV as VS-mode supervisor; VS-stage A/D faults (henvcfg.ADUE=0);
	 * vsstatus.SUM = MXR = 0 */
	csr_set(CSR_HSTATUS, HSTATUS_SPVP);
	csr_clear(CSR_HENVCFG, ENVCFG_ADUE);
	csr_clear(CSR_VSSTATUS, SSTATUS_SUM | SSTATUS_MXR);
	hgatp = ((uint64_t)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
		(1UL << HGATP_VMID_SHIFT) | (host(G_ROOT_PAGE) >> PAGE_SHIFT);
	vsatp = ((uint64_t)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
		(gpa_of(VS_ROOT_PAGE) >> PAGE_SHIFT);
	csr_write(CSR_HGATP, hgatp);
	csr_write(CSR_VSATP, vsatp);

	/* A/D in each stage: measured, and the model follows (QEMU sets A/D
	 * for HLV's VS-stage by menvcfg.ADUE even with henvcfg.ADUE=0) */
	adue = probe_gstage_adue();
	vs.adue = probe_vs_adue();
	printf("ptdiff gstage_ad=%s vsstage_ad=%s\n",
	       adue ? "hardware_update" : "fault",
	       vs.adue ? "hardware_update" : "fault");

	cfg.l0.l1_gpa_to_host = l0_to_host;
	cfg.l0.read_host64 = l0_read64;
	cfg.l0.cas_host64 = l0_cas64;
	cfg.pool_pa = (uint64_t)(uintptr_t)pool;
	cfg.pool_size = sizeof(pool);
	cfg.pool_va = pool;
	cfg.mode = PT_SV39X4;
	cfg.hw_vmid_base = 8;
	cfg.l1_adue = adue;
	if (!shadow_init(&sh, &cfg))
		panic("ptdiff: shadow_init refused the configuration");
	shadow_write_hgatp(&sh, hgatp);
	vs.vsatp = vsatp;

	for (unsigned round = 0; round < ROUNDS; round++) {
		build(true);
		hfence_gvma_all();
		hfence_vvma_all();
		for (unsigned i = 0; i < ARENA_PAGES; i++) {
			uint64_t gva = i * PAGE_SIZE + below(PAGE_SIZE / 8) * 8;
			/* the model first: with hardware A/D it sets the
			 * same bits the hardware would */
			struct shadow_gva_result g = shadow_gva_translate(
				&sh, &vs, gva, SHADOW_ACCESS_LOAD,
				PT_ACCESS_READ);
			struct trap_info t;
			uint64_t v;

			ptdiff_trap.trapped = 0;
			v = hlv_d(gva);
			t = *(const struct trap_info *)&ptdiff_trap;
			compared++;
			outcome[g.status]++;
			enum qemu_difference d = qemu_difference(&g, gva, &t);
			if (d != QEMU_DIFF_NONE)
				qemu_diff[d]++;
			else if (!hw_matches(&g, gva, &t, v))
				mismatch(gva, &g, &t, v);
		}
	}
	printf("ptdiff compared=%u ok=%u page_fault=%u guest_page_fault=%u "
	       "access_fault=%u not_ram=%u mismatches=%u\n",
	       compared, outcome[SHADOW_GVA_OK], outcome[SHADOW_GVA_PAGE_FAULT],
	       outcome[SHADOW_GVA_GUEST_PAGE_FAULT],
	       outcome[SHADOW_GVA_ACCESS_FAULT], outcome[SHADOW_GVA_NOT_RAM],
	       mismatches);
	printf("ptdiff known_qemu_differences vacant_vs_table_page_fault=%u "
	       "gstage_table_fault_for_vs_table_guest_page_fault=%u\n",
	       qemu_diff[QEMU_DIFF_VACANT_VS_TABLE],
	       qemu_diff[QEMU_DIFF_GSTAGE_TABLE_FOR_VS_TABLE]);
	printf("RVNEST done status=%u\n", mismatches);
	console_flush();
	sbi_shutdown(mismatches != 0);
}
