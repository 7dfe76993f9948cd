/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Several L2 vCPUs: one per L1 hart, pinned. The boot hart runs vCPU 0;
 * every other hart the device tree lists (with the H extension) is started
 * at boot through the SBI below (HSM), sets up its own hypervisor CSRs and
 * G-stage root pointer (the table is shared: one VMID, one L2 VM), and
 * waits in WFI until L2 starts its vCPU through L1's own SBI HSM.
 *
 * Across vCPUs:
 *  - IPI (SBI "IPI Extension"): the sender marks the target's
 *    ipi_pending and sends an IPI to the target's L1 hart through the SBI
 *    below; that hart takes it as irq_s_soft (an HS interrupt, taken
 *    while L2 runs even with L1's sstatus.SIE = 0: "Interrupt ... when
 *    V=1"), and injects hvip.VSSIP into its vCPU;
 *  - remote FENCE.I / SFENCE.VMA (SBI "RFENCE Extension"): L2's VS-stage
 *    on another vCPU is that L1 hart's, under the same VMID. The asking
 *    hart puts the fence in the target's slot for it and sends an IPI;
 *    the target does it with HFENCE.VVMA (or FENCE.I) on its own hart and
 *    sends an IPI back; the asker waits in WFI until it has that IPI too
 *    (l1_smp_remote_sfence), serving what is asked of its own vCPU
 *    meanwhile, as KVM does for its vCPUs (requests and a
 *    kick). Waiting in WFI matters under -icount, where QEMU runs the
 *    harts round-robin and moves on only at a WFI (or at the end of a
 *    long time slice): the SBI below would spin until the target is done.
 */
#include "fence_wait.h"
#include "l1.h"
#include "nacl.h"

#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/fdt_util.h>
#include <rvnest/sbi.h>
#include <string.h>

/* Each secondary hart's own stack (as the boot hart's, l1-guest-hyp's
 * module.mk: the exit path nests the decoder and printf). */
#define L1_SECONDARY_STACK_SIZE 0x8000
/* Hart IDs the boot hart looks for in the device tree. */
#define L1_HARTID_SCAN 64
/* A local fence of up to this many pages goes page by page; more, whole. */
#define L1_FENCE_PAGES_MAX 64

struct l1_vcpu l1_vcpus[L1_MAX_VCPUS];
unsigned l1_nvcpus = 1;

static struct l1_hart_boot hart_boot[L1_MAX_VCPUS];
static int hart_ready[L1_MAX_VCPUS];

extern char __tdata_start[], __tdata_end[], __tls_size[];

void l1_secondary_main(unsigned long hartid, struct l1_hart_boot *b);

static void vcpu_init(struct l1_vcpu *v, unsigned index,
		      unsigned long l1_hartid, int hsm)
{
	memset(v, 0, sizeof(*v));
	v->hartid = index;
	v->l1_hartid = l1_hartid;
	v->hsm = hsm;
}

/* A stack and a TLS block (seeded as crt0 seeds the boot hart's) for the
 * secondary hart of vCPU i; NULL or why not. */
static const char *hart_boot_alloc(unsigned i)
{
	/* the pool hands out whole pages */
	uint64_t tls_size = ((uint64_t)(uintptr_t)__tls_size + PAGE_SIZE) &
			    ~(PAGE_SIZE - 1);
	uint64_t stack = l1_pool_alloc(L1_SECONDARY_STACK_SIZE, PAGE_SIZE);
	uint64_t tls = l1_pool_alloc(tls_size, PAGE_SIZE);

	if (!stack || !tls)
		return "pool_exhausted_at_boot";
	/* the pool hands out zeroed memory: .tbss starts at zero */
	memcpy((void *)(uintptr_t)tls, __tdata_start,
	       (size_t)(__tdata_end - __tdata_start));
	hart_boot[i].sp = (unsigned long)(stack + L1_SECONDARY_STACK_SIZE);
	hart_boot[i].tp = (unsigned long)tls;
	return NULL;
}

const char *l1_smp_init(const void *fdt)
{
	vcpu_init(&l1_vcpus[0], 0, l1_plat.hartid, SBI_HSM_STATE_STARTED);
	for (unsigned long id = 0; id < L1_HARTID_SCAN; id++) {
		struct l1_vcpu *v = &l1_vcpus[l1_nvcpus];
		const char *err;
		struct sbiret r;

		if (l1_nvcpus == L1_MAX_VCPUS)
			break;
		if (id == l1_plat.hartid || fdt_util_cpu_node(fdt, id) < 0 ||
		    !fdt_util_hart_has_ext(fdt, id, "h"))
			continue;
		vcpu_init(v, l1_nvcpus, id, SBI_HSM_STATE_STOPPED);
		err = hart_boot_alloc(l1_nvcpus);
		if (err)
			return err;
		console_flush();
		/* SBI HSM hart_start: a0 = hart id, a1 = opaque */
		r = sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_START, id,
			      (unsigned long)l1_secondary_entry,
			      (unsigned long)&hart_boot[l1_nvcpus], 0, 0, 0);
		if (r.error) {
			printf("l1: hart %lu: SBI hart_start error %ld\n", id,
			       r.error);
			return "secondary_hart_start_failed";
		}
		/* it prints its NACL line, if any, before it is ready: one
		 * hart at a time on the console. Wait in WFI for its IPI:
		 * under -icount QEMU runs the harts round-robin and switches
		 * on a WFI or an interrupt, not while this hart spins. */
		while (!__atomic_load_n(&hart_ready[l1_nvcpus],
					__ATOMIC_ACQUIRE)) {
			wfi();
			csr_clear(CSR_SIP, MIP_SSIP);
		}
		l1_nvcpus++;
	}
	if (l1_nvcpus > 1)
		printf("l1: %u L2 vCPUs, one per L1 hart\n", l1_nvcpus);
	return NULL;
}

void l1_secondary_main(unsigned long hartid, struct l1_hart_boot *b)
{
	struct l1_vcpu *v = &l1_vcpus[b - hart_boot];

	/* as the boot hart (image_main): L1's own traps are fatal */
	csr_write(CSR_SIE, 0);
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_write(CSR_SSCRATCH, 0);
	csr_write(CSR_STVEC, (unsigned long)l1_trap_entry);
	if (v->l1_hartid != hartid) {
		l1_console_lock();
		printf("RVNEST error msg=secondary_hart_mismatch hart=%lu\n",
		       hartid);
		console_flush();
		sbi_shutdown(1);
	}
	l1_hart_setup();
	__atomic_store_n(&hart_ready[v->hartid], 1, __ATOMIC_RELEASE);
	sbi_send_ipi(1ul, l1_vcpus[0].l1_hartid);

	/* Wait for L2's hart_start. The starter's IPI wakes the WFI (it
	 * wakes on a pending enabled interrupt with sstatus.SIE = 0). */
	while (__atomic_load_n(&v->hsm, __ATOMIC_ACQUIRE) !=
	       SBI_HSM_STATE_START_PENDING) {
		wfi();
		csr_clear(CSR_SIP, MIP_SSIP);
	}
	/* SBI spec HSM "sbi_hart_start": a0 = hartid, a1 = opaque, satp = 0
	 * and sstatus.SIE = 0 (l1_hart_setup left vsatp and vsstatus so) */
	v->sepc = v->start_addr;
	v->gpr[L1_REG_A0] = v->hartid;
	v->gpr[L1_REG_A1] = v->start_opaque;
	/* an IPI sent while it was stopped is not for this start */
	__atomic_store_n(&v->ipi_pending, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&v->hsm, SBI_HSM_STATE_STARTED, __ATOMIC_RELEASE);
	l1_run_vcpu(v);
}

void l1_stats_sum(struct l1_exit_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned n = 0; n < l1_nvcpus; n++) {
		const struct l1_exit_stats *s = &l1_vcpus[n].stats;

		for (unsigned i = 0; i <= EXC_COUNT; i++)
			out->exc[i] +=
				__atomic_load_n(&s->exc[i], __ATOMIC_RELAXED);
		for (unsigned i = 0; i <= L1_IRQ_SLOTS; i++)
			out->irq[i] +=
				__atomic_load_n(&s->irq[i], __ATOMIC_RELAXED);
		out->total += __atomic_load_n(&s->total, __ATOMIC_RELAXED);
	}
}

static void local_fence(const struct l1_fence *f);

/* What other vCPUs asked of v, on v's hart, after SSIP was cleared (a
 * request that comes after its check raises SSIP again: none is lost). */
static void serve_requests(struct l1_vcpu *v)
{
	unsigned long pend = __atomic_load_n(&v->fence_mask, __ATOMIC_ACQUIRE);

	if (__atomic_exchange_n(&v->ipi_pending, 0, __ATOMIC_ACQ_REL))
		l1_inject_ipi();
	for (unsigned i = 0; pend; i++, pend >>= 1) {
		if (!(pend & 1))
			continue;
		local_fence(&v->fence[i]);
		__atomic_and_fetch(&v->fence_mask, ~(1ul << i),
				   __ATOMIC_RELEASE);
		/* the asker waits in WFI for this */
		sbi_send_ipi(1ul, l1_vcpus[i].l1_hartid);
	}
}

enum l1_exit l1_smp_soft_irq(struct l1_vcpu *v)
{
	csr_clear(CSR_SIP, MIP_SSIP);
	serve_requests(v);
	return L1_EXIT_RESUME;
}

static bool gpa_in_l2_ram(unsigned long gpa)
{
	return gpa >= L2_RAM_BASE && gpa - L2_RAM_BASE < L2_RAM_SIZE;
}

long l1_smp_hart_start(unsigned long hartid, unsigned long addr,
		       unsigned long opaque)
{
	struct l1_vcpu *t;
	int stopped = SBI_HSM_STATE_STOPPED;

	if (hartid >= l1_nvcpus)
		return SBI_ERR_INVALID_PARAM;
	/* "start_addr ... is not valid": L2 can run only from its RAM */
	if (!gpa_in_l2_ram(addr))
		return SBI_ERR_INVALID_ADDRESS;
	t = &l1_vcpus[hartid];
	if (__atomic_load_n(&t->hsm, __ATOMIC_ACQUIRE) != stopped)
		return SBI_ERR_ALREADY_AVAILABLE;
	t->start_addr = addr;
	t->start_opaque = opaque;
	/* STOPPED -> START_PENDING once; a racing second start gets
	 * "already available" (SBI spec HSM "sbi_hart_start") */
	if (!__atomic_compare_exchange_n(&t->hsm, &stopped,
					 SBI_HSM_STATE_START_PENDING, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return SBI_ERR_ALREADY_AVAILABLE;
	if (sbi_send_ipi(1ul, t->l1_hartid))
		return SBI_ERR_FAILED;
	return SBI_SUCCESS;
}

long l1_smp_hart_status(unsigned long hartid, unsigned long *state)
{
	if (hartid >= l1_nvcpus)
		return SBI_ERR_INVALID_PARAM;
	*state = (unsigned long)__atomic_load_n(&l1_vcpus[hartid].hsm,
						__ATOMIC_ACQUIRE);
	return SBI_SUCCESS;
}

void l1_smp_send_ipi(struct l1_vcpu *self, unsigned long target)
{
	struct l1_vcpu *t = &l1_vcpus[target];

	(void)self;
	__atomic_store_n(&t->ipi_pending, 1, __ATOMIC_RELEASE);
	/* the SBI below makes SSIP pending on the target's L1 hart */
	sbi_send_ipi(1ul, t->l1_hartid);
}

/* HFENCE.VVMA on this hart: L2's VS-stage under the VMID in hgatp, which
 * is L2's (Privileged spec "Hypervisor Memory-Management Fence
 * Instructions"). An SBI range of size 0 with start 0, or of size
 * 2^XLEN-1, is the whole address space (SBI spec RFENCE). */
static void local_fence(const struct l1_fence *f)
{
	unsigned long start = f->start, size = f->size, asid = f->asid;
	bool asid_form = f->fid == SBI_RFENCE_REMOTE_SFENCE_VMA_ASID;
	bool all = (start == 0 && size == 0) || size == ~0ul ||
		   size > L1_FENCE_PAGES_MAX * PAGE_SIZE;

	if (f->fid == SBI_RFENCE_REMOTE_FENCE_I) {
		fence_i();
		return;
	}
	if (all) {
		if (asid_form)
			hfence_vvma_asid(asid);
		else
			hfence_vvma_all();
		return;
	}
	for (unsigned long a = start & ~(PAGE_SIZE - 1); a < start + size;
	     a += PAGE_SIZE) {
		if (asid_form)
			hfence_vvma_va_asid(a, asid);
		else
			hfence_vvma_va(a);
	}
}

long l1_smp_remote_sfence(struct l1_vcpu *self, unsigned long target,
			  unsigned long fid, unsigned long start,
			  unsigned long size, unsigned long asid)
{
	struct l1_vcpu *t = &l1_vcpus[target];
	struct l1_fence f = {fid, start, size, asid};
	unsigned long bit = 1ul << self->hartid;

	if (t == self) {
		local_fence(&f);
		return SBI_SUCCESS;
	}
	/* Whatever made SSIP pending so far is served here, so the next
	 * pending SSIP comes after the request is published. */
	csr_clear(CSR_SIP, MIP_SSIP);
	serve_requests(self);
	/* our slot in t is free: we waited for our last request below */
	t->fence[self->hartid] = f;
	__atomic_or_fetch(&t->fence_mask, bit, __ATOMIC_RELEASE);
	if (sbi_send_ipi(1ul, t->l1_hartid))
		return SBI_ERR_FAILED;
	/* Until t has done it and its answering IPI has reached this hart
	 * (fence_wait.h, which says why both); t may be asking us at the
	 * same time. */
	for (struct l1_fence_waiter w = {false};;) {
		bool ssip = csr_read_clear(CSR_SIP, MIP_SSIP) & MIP_SSIP;
		unsigned long mask;

		serve_requests(self);
		mask = __atomic_load_n(&t->fence_mask, __ATOMIC_ACQUIRE);
		if (l1_fence_wait_round(&w, ssip, !(mask & bit)) ==
		    L1_FENCE_WAIT_ANSWERED)
			break;
		/* L1 runs with sstatus.SIE = 0: WFI wakes on the pending
		 * SSIP all the same (Privileged spec "Wait for Interrupt
		 * Instruction"), and the next round clears it */
		wfi();
	}
	return SBI_SUCCESS;
}
