/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L2's G-stage (Sv39x4) and L1's page pool.
 *
 * L2's RAM is mapped in two ways, both through common/pt.c:
 *  - the lower half (image, data, stack) eagerly at boot, as one 2 MiB
 *    block, so L2's ordinary run takes no G-stage faults;
 *  - the upper half (L2_FRESH_BASE..) lazily: the first access to a page
 *    takes a guest-page fault, L1 allocates a zeroed page from its pool,
 *    maps it and fences (HFENCE.GVMA), and L2 retries the access. That is
 *    the gstage_fault benchmark.
 * GPAs outside RAM are the test device's page (emulated, never mapped) or
 * a guest error.
 */
#include "l1.h"
#include "nacl.h"

#include <rvnest/csr.h>
#include <string.h>

#define L1_VMID 1
#define HTVAL_GPA_SHIFT 2 /* htval = GPA >> 2 ("Hypervisor Trap Value") */
#define L1_EAGER_SIZE (L2_FRESH_BASE - L2_RAM_BASE)
#define L1_EAGER_ALIGN L1_EAGER_SIZE /* lets pt_map use a 2 MiB leaf */
/* G-stage leaves: U=1 is required for every G-stage leaf (guest accesses
 * are treated as U-mode, "Guest Physical Address Translation"); A and D
 * preset because QEMU (Svade) faults on A=0 / D=0 instead of setting. */
#define L1_GSTAGE_RAM_FLAGS (PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)

static struct {
	uint64_t base, next, end;
} pool;

static uint64_t gstage_root;
static uint64_t eager_pa; /* backing of the eagerly mapped lower half */

void l1_pool_init(uint64_t base, uint64_t end)
{
	pool.base = base;
	pool.next = base;
	pool.end = end;
}

/* Zero whole pages with doubleword stores: picolibc's memset is built for
 * size and stores bytes, which would make a G-stage fill cost mostly
 * memset (4096 stores) instead of what a hypervisor really does. */
static void zero_pages(uint64_t pa, uint64_t size)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)pa;
	volatile uint64_t *end = (volatile uint64_t *)(uintptr_t)(pa + size);

	while (p < end) {
		p[0] = 0;
		p[1] = 0;
		p[2] = 0;
		p[3] = 0;
		p[4] = 0;
		p[5] = 0;
		p[6] = 0;
		p[7] = 0;
		p += 8;
	}
}

uint64_t l1_pool_alloc(uint64_t size, uint64_t align)
{
	uint64_t p = (pool.next + align - 1) & ~(align - 1);

	/* Whole, aligned pages only: tables and guest pages are nothing
	 * else, and zero_pages() relies on it. */
	if (!size || (size & (PAGE_SIZE - 1)) || align < PAGE_SIZE ||
	    (align & (align - 1)))
		return 0;
	if (p < pool.next || p + size > pool.end || p + size < p)
		return 0;
	pool.next = p + size;
	zero_pages(p, size);
	return p;
}

uint64_t l1_pool_free_bytes(void)
{
	return pool.end - pool.next;
}

/* pt_mem over L1's own physical memory (L1 runs with satp bare). Table
 * pages only ever come from the pool, so nothing else is touched. */
static bool in_pool(uint64_t pa, uint64_t size)
{
	return pa >= pool.base && pa + size <= pool.next && pa + size > pa;
}

static bool read_pte(void *ctx, uint64_t pa, uint64_t *pte)
{
	(void)ctx;
	if (!in_pool(pa, sizeof(*pte)) || (pa & (sizeof(*pte) - 1)))
		return false;
	*pte = *(volatile uint64_t *)(uintptr_t)pa;
	return true;
}

static bool write_pte(void *ctx, uint64_t pa, uint64_t pte)
{
	(void)ctx;
	if (!in_pool(pa, sizeof(pte)) || (pa & (sizeof(pte) - 1)))
		return false;
	*(volatile uint64_t *)(uintptr_t)pa = pte;
	return true;
}

static uint64_t alloc_table(void *ctx, uint64_t size)
{
	(void)ctx;
	return l1_pool_alloc(size, size);
}

static const struct pt_mem gstage_mem = {
	.read_pte = read_pte,
	.write_pte = write_pte,
	.alloc_table = alloc_table,
};

static const struct pt_walk_opts gstage_opts = {.gstage = true};

const char *l1_gstage_init(const void *image, size_t image_size)
{
	if (image_size == 0 || image_size > L1_EAGER_SIZE)
		return "l2_image_size_invalid";
	/* The x4 root is 16 KiB, 16 KiB aligned ("Guest Physical Address
	 * Translation"). */
	gstage_root =
		l1_pool_alloc(pt_root_size(PT_SV39X4), pt_root_size(PT_SV39X4));
	eager_pa = l1_pool_alloc(L1_EAGER_SIZE, L1_EAGER_ALIGN);
	if (!gstage_root || !eager_pa)
		return "pool_exhausted_at_boot";
	memcpy((void *)(uintptr_t)eager_pa, image, image_size);
	if (pt_map(PT_SV39X4, &gstage_mem, gstage_root, L2_RAM_BASE, eager_pa,
		   L1_EAGER_SIZE, L1_GSTAGE_RAM_FLAGS, 0))
		return "gstage_map_failed";
	return l1_gstage_hart_init();
}

const char *l1_gstage_hart_init(void)
{
	unsigned long hgatp = ((unsigned long)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
			      ((unsigned long)L1_VMID << HGATP_VMID_SHIFT) |
			      (gstage_root >> PAGE_SHIFT);
	csr_write(CSR_HGATP, hgatp);
	/* hgatp.MODE is WARL: an unsupported mode reads back as another. */
	if ((csr_read(CSR_HGATP) & ATP_MODE) >> ATP_MODE_SHIFT != ATP_MODE_SV39)
		return "sv39x4_not_supported";
	/* Nothing of this VMID may be cached from before ("Hypervisor
	 * Memory-Management Fence Instructions"). */
	hfence_gvma_all();
	return NULL;
}

const char *l1_gstage_map_device(uint64_t gpa, uint64_t pa, uint64_t flags)
{
	/* G-stage leaves need U=1; A/D preset as for RAM (QEMU is Svade) */
	if (pt_map(PT_SV39X4, &gstage_mem, gstage_root, gpa, pa, PAGE_SIZE,
		   flags | PTE_U | PTE_A | PTE_D, PAGE_SIZE))
		return "gstage_map_failed";
	/* nothing of this GPA may be cached from before ("Hypervisor
	 * Memory-Management Fence Instructions") */
	l1_hfence_gvma_gpa(gpa);
	return NULL;
}

static bool gpa_in_ram(uint64_t gpa)
{
	return gpa >= L2_RAM_BASE && gpa - L2_RAM_BASE < L2_RAM_SIZE;
}

/* The faulting GPA: htval holds it shifted right by 2 ("Hypervisor Trap
 * Value Register"); the low two bits come from the guest virtual address
 * (same page offset). htval may be 0 ("either zero or the GPA"): then,
 * with VS-stage translation off, the GPA is stval itself. */
static bool fault_gpa(const struct l1_vcpu *v, uint64_t *gpa)
{
	if (v->trap.htval) {
		*gpa = (v->trap.htval << HTVAL_GPA_SHIFT) |
		       (v->trap.stval & ((1ul << HTVAL_GPA_SHIFT) - 1));
		return true;
	}
	if ((L1_HCSR_READ(CSR_VSATP) & ATP_MODE) == 0) {
		*gpa = v->trap.stval;
		return true;
	}
	return false;
}

/* Back the RAM page holding `gpa` with a fresh zeroed page: demand
 * paging of L2's RAM. NULL, or why it could not be done. */
static const char *fill_page_locked(uint64_t page)
{
	struct pt_walk_result r;
	uint64_t pa;

	r = pt_walk(PT_SV39X4, &gstage_mem, gstage_root, page, PT_ACCESS_READ,
		    &gstage_opts);
	if (r.status != PT_WALK_INVALID) {
		/* Mapped (and L1 maps RAM with every permission). With one
		 * vCPU the hardware and the table disagree. With several,
		 * another vCPU's hart mapped it and this hart may still
		 * hold the invalid entry (an implementation may cache
		 * invalid entries): fence it here and let L2 retry. */
		if (l1_nvcpus < 2)
			return "gstage_fault_on_mapped_page";
		l1_hfence_gvma_gpa(page);
		return NULL;
	}
	pa = l1_pool_alloc(PAGE_SIZE, PAGE_SIZE);
	if (!pa)
		return "pool_exhausted";
	if (pt_map(PT_SV39X4, &gstage_mem, gstage_root, page, pa, PAGE_SIZE,
		   L1_GSTAGE_RAM_FLAGS, PAGE_SIZE))
		return "gstage_map_failed";
	/* The invalid entry may be cached: fence that GPA before it is used
	 * ("Hypervisor Memory-Management Fence Instructions"). */
	l1_hfence_gvma_gpa(page);
	return NULL;
}

/* The G-stage and the pool are shared by every vCPU's hart. */
static int fill_lock;

static const char *fill_page(uint64_t gpa)
{
	const char *err;

	while (__atomic_exchange_n(&fill_lock, 1, __ATOMIC_ACQUIRE))
		;
	err = fill_page_locked(gpa & ~(PAGE_SIZE - 1));
	__atomic_store_n(&fill_lock, 0, __ATOMIC_RELEASE);
	return err;
}

static enum l1_exit lazy_fill(struct l1_vcpu *v, uint64_t gpa)
{
	const char *err = fill_page(gpa);

	if (err)
		return l1_fail(v, err);
	return L1_EXIT_RESUME; /* sepc unchanged: L2 retries the access */
}

bool l1_gpa_to_pa(uint64_t gpa, enum pt_access access, uint64_t *pa)
{
	struct pt_walk_result r = pt_walk(PT_SV39X4, &gstage_mem, gstage_root,
					  gpa, access, &gstage_opts);

	/* RAM L2 has not touched yet is still RAM: fill it, as the guest's
	 * own first access would. */
	if (r.status == PT_WALK_INVALID && gpa_in_ram(gpa) && !fill_page(gpa))
		r = pt_walk(PT_SV39X4, &gstage_mem, gstage_root, gpa, access,
			    &gstage_opts);
	if (r.status != PT_WALK_OK)
		return false;
	*pa = r.pa;
	return true;
}

enum l1_exit l1_guest_page_fault(struct l1_vcpu *v)
{
	uint64_t gpa;

	if (!fault_gpa(v, &gpa))
		return l1_fail(v, "guest_page_fault_without_gpa");
	if (gpa_in_ram(gpa))
		return lazy_fill(v, gpa);
	if (l1_plat.passdev && !l1_gpa_is_testdev(gpa))
		return l1_passdev_fault(v, gpa);
	if (l1_gpa_is_testdev(gpa)) {
		if ((v->trap.scause & ~CAUSE_INTERRUPT) ==
		    EXC_INST_GUEST_PAGE_FAULT)
			return l1_fail(v, "instruction_fetch_from_mmio");
		return l1_testdev_mmio(v, gpa);
	}
	return l1_fail(v, "guest_page_fault_outside_ram");
}
