/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shadow G-stage on real (QEMU) H-extension hardware. This HS-mode payload
 * plays both hypervisors: as "L1" it builds an Sv39x4 G-stage for an L2
 * program; as "L0" it runs L2 on the shadow that shadow.c builds from that
 * table and an identity L0 map, filling it on every guest-page fault. The
 * hardware's own walker then checks what the unit tests cannot: that the
 * shadow tables are well-formed for it (16 KiB x4 root, U/A/D, superpages)
 * and translate to the right host memory.
 *
 * Prints `shadowhw <check> ok|FAIL ...` lines, the shadow counters, and
 * `RVNEST done status=N`; the exit status is the number of failed checks.
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

#define MIB (1024UL * 1024)
#define L2_DATA_GPA 0x100000000UL /* 4 GiB: L2's data window */
#define L1_MMIO_GPA 0x10000000UL  /* an L1 device (QEMU's UART page) */
#define L1_VMID 1
#define SHADOW_VMID_BASE 8
#define SENTINEL 0x5e5e5e5e5e5e5e5eUL
#define STORE_VALUE 0x5a5aUL
#define L2_REG_S2 18

struct hw_frame {
	uint64_t x[32];
	uint64_t sepc;
	uint64_t host_sp;
};

long hw_trap(struct hw_frame *f);
long hw_run_l2(struct hw_frame *f);
extern char l2_entry[], hw_trap_entry[], _start[], _end[];

/* L2's data: three 2 MiB chunks, 2 MiB aligned (so L0's identity backing
 * allows a 2 MiB shadow leaf). */
static uint8_t data[3][2 * MIB] __attribute__((aligned(2 * MIB)));
/* "L1's" G-stage tables and the shadow's pool. */
static uint8_t l1_tables[128 * 1024] __attribute__((aligned(16384)));
static uint8_t pool[256 * 1024] __attribute__((aligned(16384)));
static uint64_t l1_next;

static struct shadow sh, sh48;
static uint8_t pool48[128 * 1024] __attribute__((aligned(16384)));
static unsigned failures;

/* One entry per trap from L2, checked against the expected sequence. */
struct trap_log {
	unsigned long scause;
	uint64_t gpa;
	enum shadow_status status;
	uint64_t page_size;
	unsigned long fwd_cause;
};
static struct trap_log tlog[16];
static unsigned ntlog;

/* ---- "L1": its G-stage table, identity physical memory --------------- */

static bool l1_read(void *ctx, uint64_t pa, uint64_t *pte)
{
	(void)ctx;
	*pte = *(volatile uint64_t *)(uintptr_t)pa;
	return true;
}

static bool l1_write(void *ctx, uint64_t pa, uint64_t pte)
{
	(void)ctx;
	*(volatile uint64_t *)(uintptr_t)pa = pte;
	return true;
}

static uint64_t l1_alloc(void *ctx, uint64_t size)
{
	uint64_t off = (l1_next + size - 1) & ~(size - 1);

	(void)ctx;
	if (off + size > sizeof(l1_tables))
		return 0;
	memset(l1_tables + off, 0, size);
	l1_next = off + size;
	return (uint64_t)(uintptr_t)(l1_tables + off);
}

static const struct pt_mem l1_mem = {NULL, l1_read, l1_write, l1_alloc};

/* ---- "L0": identity map of the image's memory as L1 RAM ---------------- */

static uint64_t ram_base(void)
{
	return (uint64_t)(uintptr_t)_start;
}

static uint64_t ram_size(void)
{
	return (((uint64_t)(uintptr_t)_end + 2 * MIB - 1) & ~(2 * MIB - 1)) -
	       ram_base();
}

/* L0's map of L1: one identity region of RAM (ctx). */
struct l0_region {
	uint64_t base, size;
};

static bool l0_to_host(void *ctx, uint64_t gpa, struct shadow_l0_map *m)
{
	const struct l0_region *r = ctx;

	if (gpa < r->base || gpa - r->base >= r->size)
		return false;
	m->host_pa = gpa;
	m->perm = PTE_R | PTE_W | PTE_X;
	m->base = r->base;
	m->size = r->size;
	return true;
}

static uint64_t l0_read64(void *ctx, uint64_t pa)
{
	(void)ctx;
	return *(volatile uint64_t *)(uintptr_t)pa;
}

/* ---- checks ------------------------------------------------------------ */

static void check(const char *name, bool ok, uint64_t got, uint64_t want)
{
	if (ok) {
		printf("shadowhw %s ok\n", name);
		return;
	}
	failures++;
	printf("shadowhw %s FAIL got=%#llx want=%#llx\n", name,
	       (unsigned long long)got, (unsigned long long)want);
}

#define CHECK_EQ(name, got, want)                                         \
	check(name, (uint64_t)(got) == (uint64_t)(want), (uint64_t)(got), \
	      (uint64_t)(want))

static void apply_fence(enum shadow_hw_fence f, uint64_t gpa)
{
	switch (f) {
	case SHADOW_HW_FENCE_NONE:
		break;
	case SHADOW_HW_FENCE_GPA:
		hfence_gvma_gpa(gpa);
		break;
	case SHADOW_HW_FENCE_VMID:
	case SHADOW_HW_FENCE_ALL:
		hfence_gvma_all();
		break;
	}
}

/* The one trap handler: a guest-page fault is a shadow fill; anything the
 * shadow says to forward is logged and the instruction skipped (all L2
 * instructions are 4 bytes); ecall from VS ends the run. */
static struct shadow *cur_sh = &sh;

long hw_trap(struct hw_frame *f)
{
	unsigned long scause = csr_read(CSR_SCAUSE);
	unsigned long stval = csr_read(CSR_STVAL);
	unsigned long htval = csr_read(CSR_HTVAL);
	enum shadow_access orig;
	enum pt_access need;
	struct shadow_result r;
	uint64_t gpa;

	switch (scause) {
	case EXC_ECALL_VS:
		return 1;
	case EXC_INST_GUEST_PAGE_FAULT:
		orig = SHADOW_ACCESS_FETCH;
		need = PT_ACCESS_EXEC;
		break;
	case EXC_LOAD_GUEST_PAGE_FAULT:
		orig = SHADOW_ACCESS_LOAD;
		need = PT_ACCESS_READ;
		break;
	case EXC_STORE_GUEST_PAGE_FAULT:
		orig = SHADOW_ACCESS_STORE;
		need = PT_ACCESS_WRITE;
		break;
	default:
		panic("shadowhw: unexpected trap scause=%#lx sepc=%#llx "
		      "stval=%#lx",
		      scause, (unsigned long long)f->sepc, stval);
	}
	/* htval = GPA >> 2; the low bits are the GVA's (same page offset) */
	gpa = (htval << 2) | (stval & 3);
	r = shadow_fill(cur_sh, gpa, orig, need);
	apply_fence(r.fence, gpa);
	if (ntlog < sizeof(tlog) / sizeof(tlog[0]))
		tlog[ntlog] = (struct trap_log){scause, gpa, r.status,
						r.page_size, r.cause};
	ntlog++;
	if (r.status != SHADOW_FILLED)
		f->sepc += 4;
	if (ntlog > 64)
		panic("shadowhw: L2 keeps faulting at gpa=%#llx",
		      (unsigned long long)gpa);
	return 0;
}

static void run_l2_on(struct shadow *s, struct hw_frame *f, uint64_t data_gpa)
{
	enum shadow_hw_fence fence;
	uint64_t hgatp = shadow_hgatp(s, &fence);

	cur_sh = s;
	csr_write(CSR_HGATP, hgatp);
	apply_fence(fence, 0);
	memset(f, 0, sizeof(*f));
	f->sepc = (uint64_t)(uintptr_t)l2_entry;
	f->x[10] = data_gpa;
	for (unsigned i = 0; i < 5; i++)
		f->x[L2_REG_S2 + i] = SENTINEL;
	ntlog = 0;
	/* sret enters VS-mode: SPV=1, SPP=1 ("Trap Return") */
	csr_set(CSR_HSTATUS, HSTATUS_SPV);
	csr_set(CSR_SSTATUS, SSTATUS_SPP);
	hw_run_l2(f);
}

static void run_l2(struct hw_frame *f)
{
	run_l2_on(&sh, f, L2_DATA_GPA);
}

static void expect_trap(unsigned i, unsigned long scause, uint64_t gpa,
			enum shadow_status st, uint64_t size, unsigned long fwd)
{
	char name[48];
	const struct trap_log *t = &tlog[i];
	bool ok = i < ntlog && t->scause == scause && t->gpa == gpa &&
		  t->status == st &&
		  (st == SHADOW_FILLED ? t->page_size == size
				       : t->fwd_cause == fwd);

	snprintf(name, sizeof(name), "trap%u", i);
	check(name, ok, i < ntlog ? t->gpa : 0, gpa);
	if (!ok && i < ntlog)
		printf("shadowhw   trap%u: scause=%lu status=%d size=%#llx "
		       "cause=%lu\n",
		       i, t->scause, t->status,
		       (unsigned long long)t->page_size, t->fwd_cause);
}

#define GIB (1024 * MIB)
#define RAM_START 0x80000000UL /* QEMU virt; -m 1G gives one whole GiB */
#define L2_WINDOW48 (512 * GIB)

static void run_sv48x4_gigapage(struct hw_frame *f)
{
	static struct l0_region gib = {RAM_START, GIB};
	struct shadow_config cfg = {0};
	uint64_t l2 = (uint64_t)(uintptr_t)l2_entry;
	uint64_t d0 = (uint64_t)(uintptr_t)data[0] - RAM_START;
	uint64_t root = l1_alloc(NULL, pt_root_size(PT_SV48X4));

	if (!root ||
	    pt_map(PT_SV48X4, &l1_mem, root, l2, l2, PAGE_SIZE,
		   PTE_R | PTE_X | PTE_U | PTE_A | PTE_D, 0) ||
	    pt_map(PT_SV48X4, &l1_mem, root, L2_WINDOW48, RAM_START, GIB,
		   PTE_R | PTE_W | PTE_U | PTE_A | PTE_D, 0))
		panic("shadowhw: building L1's Sv48x4 G-stage failed");
	cfg.l0.ctx = &gib;
	cfg.l0.l1_gpa_to_host = l0_to_host;
	cfg.l0.read_host64 = l0_read64;
	cfg.pool_pa = (uint64_t)(uintptr_t)pool48;
	cfg.pool_size = sizeof(pool48);
	cfg.pool_va = pool48;
	cfg.mode = PT_SV48X4;
	cfg.hw_vmid_base = SHADOW_VMID_BASE + SHADOW_SLOTS;
	cfg.warl = SHADOW_HGATP_WARL_QEMU;
	if (!shadow_init(&sh48, &cfg))
		panic("shadowhw: shadow_init refused the Sv48x4 configuration");
	shadow_write_hgatp(&sh48,
			   ((uint64_t)ATP_MODE_SV48 << ATP_MODE_SHIFT) |
				   ((uint64_t)L1_VMID << HGATP_VMID_SHIFT) |
				   (root >> PAGE_SHIFT));
	/* the data pages sit at the same offsets inside the GiB window */
	run_l2_on(&sh48, f, L2_WINDOW48 + d0);
	CHECK_EQ("sv48x4_load_1g", f->x[L2_REG_S2], 0x1111);
	CHECK_EQ("sv48x4_load_ro_page_now_rw", f->x[L2_REG_S2 + 2], 0x4444);
	CHECK_EQ("sv48x4_fills_1g", sh48.stats.fills[2], 1);
	CHECK_EQ("traps_run4", ntlog, 2);
	expect_trap(1, EXC_LOAD_GUEST_PAGE_FAULT, L2_WINDOW48 + d0,
		    SHADOW_FILLED, GIB, 0);
}

/* hgatp WARL, differential: with the QEMU policy and a shadow as wide as
 * QEMU's MMU (Sv57x4), L1 must read back from its virtual hgatp exactly
 * what this hart reads back from the real one. */
static struct shadow sh57;
static uint8_t pool57[96 * 1024] __attribute__((aligned(16384)));

static void hgatp_warl_differential(void)
{
	static const uint64_t writes[] = {
		/* PPN[1:0] set */
		((uint64_t)ATP_MODE_SV39 << ATP_MODE_SHIFT) | 0x80403,
		/* VMID bits 59:44 all set */
		((uint64_t)ATP_MODE_SV48 << ATP_MODE_SHIFT) |
			(0xffffULL << 44) | 0x80400,
		((uint64_t)ATP_MODE_SV57 << ATP_MODE_SHIFT) | (5ULL << 44) |
			0x80400,
		/* reserved modes */
		(1ULL << ATP_MODE_SHIFT) | (7ULL << 44) | 0x80800,
		~0ULL,
		/* Bare with other fields nonzero */
		0x1234,
		(0xfULL << 44),
	};
	struct shadow_config cfg = sh48.cfg;
	uint64_t saved = csr_read(CSR_HGATP);
	uint64_t old = ((uint64_t)ATP_MODE_SV39 << ATP_MODE_SHIFT) | 0x80000;

	cfg.pool_pa = (uint64_t)(uintptr_t)pool57;
	cfg.pool_size = sizeof(pool57);
	cfg.pool_va = pool57;
	cfg.mode = PT_SV57X4;
	cfg.warl = SHADOW_HGATP_WARL_QEMU;
	if (!shadow_init(&sh57, &cfg))
		panic("shadowhw: shadow_init refused the Sv57x4 configuration");
	for (unsigned i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		char name[32];
		uint64_t hw;

		csr_write(CSR_HGATP, old);
		csr_write(CSR_HGATP, writes[i]);
		hw = csr_read(CSR_HGATP);
		snprintf(name, sizeof(name), "hgatp_warl%u", i);
		CHECK_EQ(name, shadow_hgatp_legalize(&sh57, old, writes[i]),
			 hw);
	}
	csr_write(CSR_HGATP, saved);
	hfence_gvma_all();
}

void image_main(unsigned long hartid, unsigned long fdt)
{
	struct shadow_config cfg = {0};
	struct hw_frame f;
	uint64_t root, l2 = (uint64_t)(uintptr_t)l2_entry;
	char stats[512];

	(void)fdt;
	console_init_sbi();
	printf("RVNEST boot component=shadowhw hart=%lu\n", hartid);
	csr_write(CSR_STVEC, hw_trap_entry);
	/* every L2 trap comes to HS (this program), none to VS */
	csr_write(CSR_HEDELEG, 0);
	csr_write(CSR_HIDELEG, 0);
	csr_write(CSR_VSATP, 0);

	/* "L1": L2 code identity, data window at 4 GiB (a 2 MiB leaf), a
	 * read-only page, a page on an L1 device, and a hole. */
	root = l1_alloc(NULL, pt_root_size(PT_SV39X4));
	if (!root ||
	    pt_map(PT_SV39X4, &l1_mem, root, l2, l2, PAGE_SIZE,
		   PTE_R | PTE_X | PTE_U | PTE_A | PTE_D, 0) ||
	    pt_map(PT_SV39X4, &l1_mem, root, L2_DATA_GPA,
		   (uint64_t)(uintptr_t)data[0], 2 * MIB,
		   PTE_R | PTE_W | PTE_U | PTE_A | PTE_D, 0) ||
	    pt_map(PT_SV39X4, &l1_mem, root, L2_DATA_GPA + 4 * MIB,
		   (uint64_t)(uintptr_t)data[2], PAGE_SIZE,
		   PTE_R | PTE_U | PTE_A | PTE_D, 0) ||
	    pt_map(PT_SV39X4, &l1_mem, root, L2_DATA_GPA + 6 * MIB, L1_MMIO_GPA,
		   PAGE_SIZE, PTE_R | PTE_W | PTE_U | PTE_A | PTE_D, 0))
		panic("shadowhw: building L1's G-stage failed");
	*(volatile uint64_t *)data[0] = 0x1111;
	*(volatile uint64_t *)(data[0] + MIB) = 0x2222;
	*(volatile uint64_t *)data[1] = 0x3333;
	*(volatile uint64_t *)data[2] = 0x4444;

	static struct l0_region image_ram;
	image_ram.base = ram_base();
	image_ram.size = ram_size();
	cfg.l0.ctx = &image_ram;
	cfg.l0.l1_gpa_to_host = l0_to_host;
	cfg.l0.read_host64 = l0_read64;
	cfg.pool_pa = (uint64_t)(uintptr_t)pool;
	cfg.pool_size = sizeof(pool);
	cfg.pool_va = pool;
	cfg.mode = PT_SV39X4;
	cfg.hw_vmid_base = SHADOW_VMID_BASE;
	cfg.warl = SHADOW_HGATP_WARL_QEMU;
	if (!shadow_init(&sh, &cfg))
		panic("shadowhw: shadow_init refused the configuration");
	shadow_write_hgatp(&sh,
			   ((uint64_t)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
				   ((uint64_t)L1_VMID << HGATP_VMID_SHIFT) |
				   (root >> PAGE_SHIFT));

	/* Run 1: every fill and forward, on the hardware. */
	run_l2(&f);
	CHECK_EQ("load_2m", f.x[L2_REG_S2], 0x1111);
	CHECK_EQ("store_2m", *(volatile uint64_t *)(data[0] + 8), STORE_VALUE);
	CHECK_EQ("load_2m_same_leaf", f.x[L2_REG_S2 + 1], 0x2222);
	CHECK_EQ("load_ro", f.x[L2_REG_S2 + 2], 0x4444);
	CHECK_EQ("ro_unchanged", *(volatile uint64_t *)data[2], 0x4444);
	CHECK_EQ("unmapped_skipped", f.x[L2_REG_S2 + 3], SENTINEL);
	CHECK_EQ("mmio_skipped", f.x[L2_REG_S2 + 4], SENTINEL);
	CHECK_EQ("traps_run1", ntlog, 6);
	expect_trap(0, EXC_INST_GUEST_PAGE_FAULT, l2, SHADOW_FILLED, PAGE_SIZE,
		    0);
	expect_trap(1, EXC_LOAD_GUEST_PAGE_FAULT, L2_DATA_GPA, SHADOW_FILLED,
		    2 * MIB, 0);
	expect_trap(2, EXC_LOAD_GUEST_PAGE_FAULT, L2_DATA_GPA + 4 * MIB,
		    SHADOW_FILLED, PAGE_SIZE, 0);
	expect_trap(3, EXC_STORE_GUEST_PAGE_FAULT, L2_DATA_GPA + 4 * MIB,
		    SHADOW_FORWARD_GUEST_PAGE_FAULT, 0,
		    EXC_STORE_GUEST_PAGE_FAULT);
	expect_trap(4, EXC_LOAD_GUEST_PAGE_FAULT, L2_DATA_GPA + 5 * MIB,
		    SHADOW_FORWARD_GUEST_PAGE_FAULT, 0,
		    EXC_LOAD_GUEST_PAGE_FAULT);
	expect_trap(5, EXC_LOAD_GUEST_PAGE_FAULT, L2_DATA_GPA + 6 * MIB,
		    SHADOW_NOT_RAM, 0, EXC_LOAD_ACCESS);

	/* Run 2: L1 points the 2 MiB leaf elsewhere without a fence. The
	 * shadow is a cache: L2 still sees the old page, as it may on
	 * hardware until L1 fences. */
	if (pt_map(PT_SV39X4, &l1_mem, root, L2_DATA_GPA,
		   (uint64_t)(uintptr_t)data[1], 2 * MIB,
		   PTE_R | PTE_W | PTE_U | PTE_A | PTE_D, 0))
		panic("shadowhw: remapping L1's leaf failed");
	run_l2(&f);
	CHECK_EQ("stale_until_fence", f.x[L2_REG_S2], 0x1111);
	CHECK_EQ("traps_run2", ntlog, 3);

	/* Run 3: L1's HFENCE.GVMA for one address of the leaf. */
	apply_fence(shadow_invalidate_gpa(&sh, L2_DATA_GPA + 0x1000), 0);
	run_l2(&f);
	CHECK_EQ("fenced_new_page", f.x[L2_REG_S2], 0x3333);
	CHECK_EQ("store_new_page", *(volatile uint64_t *)(data[1] + 8),
		 STORE_VALUE);
	CHECK_EQ("traps_run3", ntlog, 4);
	expect_trap(0, EXC_LOAD_GUEST_PAGE_FAULT, L2_DATA_GPA, SHADOW_FILLED,
		    2 * MIB, 0);

	/* Run 5 and 6: L1 switches to a second VM (VMID 2, its own table:
	 * the window on data[0]) and back. Each has its own shadow slot and
	 * hardware VMID, so neither sees the other's entries, and the first
	 * VM's shadow survives the switch (no data fill on return). */
	uint64_t root_b = l1_alloc(NULL, pt_root_size(PT_SV39X4));
	if (!root_b ||
	    pt_map(PT_SV39X4, &l1_mem, root_b, l2, l2, PAGE_SIZE,
		   PTE_R | PTE_X | PTE_U | PTE_A | PTE_D, 0) ||
	    pt_map(PT_SV39X4, &l1_mem, root_b, L2_DATA_GPA,
		   (uint64_t)(uintptr_t)data[0], 2 * MIB,
		   PTE_R | PTE_W | PTE_U | PTE_A | PTE_D, 0))
		panic("shadowhw: building the second VM's G-stage failed");
	shadow_write_hgatp(
		&sh, ((uint64_t)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
			     ((uint64_t)(L1_VMID + 1) << HGATP_VMID_SHIFT) |
			     (root_b >> PAGE_SHIFT));
	run_l2(&f);
	CHECK_EQ("vm2_sees_its_page", f.x[L2_REG_S2], 0x1111);
	CHECK_EQ("vm2_ro_unmapped", f.x[L2_REG_S2 + 2], SENTINEL);
	shadow_write_hgatp(&sh,
			   ((uint64_t)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
				   ((uint64_t)L1_VMID << HGATP_VMID_SHIFT) |
				   (root >> PAGE_SHIFT));
	run_l2(&f);
	CHECK_EQ("vm1_sees_its_page", f.x[L2_REG_S2], 0x3333);
	CHECK_EQ("vm1_ro_still_mapped", f.x[L2_REG_S2 + 2], 0x4444);
	CHECK_EQ("vm1_shadow_kept", ntlog, 3);

	/* Run 4: an Sv48x4 shadow, L1 (Sv48x4) maps L2's window at 512 GiB
	 * (root index 1) with a 1 GiB leaf onto the first GiB of RAM, and L0
	 * gives L1 that whole GiB: a 1 GiB shadow leaf. */
	run_sv48x4_gigapage(&f);

	hgatp_warl_differential();

	shadow_stats_format(&sh.stats, stats, sizeof(stats));
	printf("RVNEST shadowhw %s\n", stats);
	printf("RVNEST done status=%u\n", failures);
	console_flush();
	sbi_shutdown(failures != 0);
}
