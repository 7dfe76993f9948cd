/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L0 as a NACL client of the SBI below it (hcsr.h): when this L0 runs on
 * another L0 that offers NACL, its own h* / vs* CSR accesses, HFENCEs and
 * the SRET into its guest go through the shared memory (SBI spec v2.0
 * "Nested Acceleration Extension", the steps it gives the "L1 hypervisor"
 * for each feature) instead of a trap each. l1-guest-hyp/nacl.c is the
 * same client for a guest hypervisor; this one serves L0's world switch.
 */
#include "hcsr.h"

#include <rvnest/console.h>
#include <rvnest/encoding.h>
#include <stdint.h>
#include <stdio.h>

#include "hfence.h"
#include "vcpu.h"

struct l0_nacl_client l0_nacl_client;
unsigned char l0_nacl_client_on;
static unsigned l0_nacl_client_depth; /* for the error lines */

/* One shared memory per host hart: "physical base address ... MUST be
 * 4096 bytes (i.e. page) aligned and the size ... 4096 + (1024 * (XLEN /
 * 8)) bytes" (SET_SHMEM). L0 runs with translation off: its address is
 * the physical address the SBI below sees. */
static unsigned long l0_nacl_client_mem[L0_MAX_VCPUS][SBI_NACL_SHMEM_SIZE /
						      sizeof(unsigned long)]
	__attribute__((aligned(SBI_NACL_SHMEM_ALIGN)));

static void __attribute__((noreturn)) client_fail(const char *what, long err)
{
	printf("RVNEST error msg=nacl_client_%s_failed error=%ld depth=%u\n",
	       what, err, l0_nacl_client_depth);
	panic("[l0] the NACL of the SBI below failed");
}

static bool below_has(unsigned long feature)
{
	struct sbiret r =
		sbi_call1(SBI_EXT_NACL, SBI_NACL_PROBE_FEATURE, feature);

	return r.error == SBI_SUCCESS && r.value == 1;
}

static bool want(unsigned long wanted, unsigned long feature)
{
	return (wanted >> feature) & 1;
}

void l0_nacl_client_setup(unsigned long wanted, unsigned depth)
{
	struct l0_nacl_client *c = &l0_nacl_client;

	l0_nacl_client_depth = depth;
	/* On QEMU's H, OpenSBI has no NACL ("The M-mode firmware should not
	 * implement [it] if the underlying platform has the H-extension
	 * implemented in hardware"); neither has an L0 with l0.nacl=none. */
	if (!wanted || sbi_probe(SBI_EXT_NACL) <= 0) {
		if (wanted && depth > 1)
			printf("[l0] nacl client: none (the SBI below offers "
			       "no NACL) depth=%u\n",
			       depth);
		return;
	}
	c->sync_csr = want(wanted, SBI_NACL_FEAT_SYNC_CSR) &&
		      below_has(SBI_NACL_FEAT_SYNC_CSR);
	c->sync_hfence = want(wanted, SBI_NACL_FEAT_SYNC_HFENCE) &&
			 below_has(SBI_NACL_FEAT_SYNC_HFENCE);
	c->sync_sret = want(wanted, SBI_NACL_FEAT_SYNC_SRET) &&
		       below_has(SBI_NACL_FEAT_SYNC_SRET);
	/* "should use the autoswap CSR feature in conjunction with the
	 * synchronize SRET feature": the swaps happen around SYNC_SRET */
	c->autoswap = c->sync_sret &&
		      want(wanted, SBI_NACL_FEAT_AUTOSWAP_CSR) &&
		      below_has(SBI_NACL_FEAT_AUTOSWAP_CSR);
	l0_nacl_client_on = c->sync_csr || c->sync_hfence || c->sync_sret;
	printf("[l0] nacl client: csr=%d hfence=%d sret=%d autoswap=%d "
	       "depth=%u\n",
	       c->sync_csr, c->sync_hfence, c->sync_sret, c->autoswap, depth);
}

void l0_nacl_client_hart_init(unsigned long vhartid)
{
	struct l0_nacl_client_hart *h = &l0_nacl_client.hart[vhartid];
	unsigned long shm = (unsigned long)l0_nacl_client_mem[vhartid];
	struct sbiret r;

	if (!l0_nacl_client_on)
		return;
	r = sbi_ecall(SBI_EXT_NACL, SBI_NACL_SET_SHMEM, shm, 0, 0, 0, 0, 0);
	if (r.error != SBI_SUCCESS)
		client_fail("set_shmem", r.error);
	/* set_shmem filled the CSR space: current from here on */
	h->shmem = (volatile unsigned long *)shm;
	/* the first entry is a real SRET: its guest's first trap leaves
	 * hstatus in the CSR space */
	h->hstatus_at = L0_NACL_HSTATUS_CSR_SPACE;
}

unsigned long l0_nacl_client_guest_hstatus(unsigned long vhartid)
{
	struct l0_nacl_client_hart *h = &l0_nacl_client.hart[vhartid];

	/* "After ... virtualization state changes from ON to OFF, the SBI
	 * implementation [swaps] the supervisor HSTATUS CSR value with the
	 * HSTATUS value in the nested autoswap context": since the guest's
	 * trap the word holds its hstatus (SPV, SPVP, GVA). Every trap into
	 * this L0 is such an exit of its guest: read once, at the first use
	 * after the SYNC_SRET. */
	if (h->hstatus_at == L0_NACL_HSTATUS_AUTOSWAP)
		h->guest_hstatus = h->shmem[SBI_NACL_AUTOSWAP_HSTATUS_OFFSET /
					    SBI_NACL_WORD_BYTES];
	else if (h->hstatus_at == L0_NACL_HSTATUS_CSR_SPACE)
		h->guest_hstatus = *l0_nacl_client_slot(vhartid, CSR_HSTATUS);
	h->hstatus_at = L0_NACL_HSTATUS_HERE;
	return h->guest_hstatus;
}

static void sync_call(unsigned long fid, const char *what)
{
	struct sbiret r = sbi_call1(SBI_EXT_NACL, fid, ~0UL);

	if (r.error != SBI_SUCCESS)
		client_fail(what, r.error);
}

void l0_nacl_client_flush(unsigned long vhartid)
{
	struct l0_nacl_client_hart *h = &l0_nacl_client.hart[vhartid];

	/* SYNC_CSR with csr_num all ones: "all CSRs"; HFENCEs after the
	 * CSRs, as SYNC_SRET orders them */
	if (h->csr_dirty) {
		h->csr_dirty = false;
		sync_call(SBI_NACL_SYNC_CSR, "sync_csr");
	}
	if (h->hfence_pending) {
		h->hfence_pending = false;
		sync_call(SBI_NACL_SYNC_HFENCE, "sync_hfence");
	}
}

/* ---- HFENCE ---------------------------------------------------------- */

/* "Find an unused nested HFENCE entry with Config.Pending == 0"; when all
 * 60 are pending, have them processed first (SYNC_HFENCE). */
static volatile unsigned long *hfence_entry(unsigned long vhartid)
{
	struct l0_nacl_client_hart *h = &l0_nacl_client.hart[vhartid];

	for (unsigned n = 0; n < SBI_NACL_HFENCE_COUNT; n++) {
		unsigned idx = (h->hfence_next + n) % SBI_NACL_HFENCE_COUNT;
		volatile unsigned long *e =
			h->shmem + (SBI_NACL_HFENCE_OFFSET +
				    idx * SBI_NACL_HFENCE_ENTRY_BYTES) /
					   SBI_NACL_WORD_BYTES;

		if (!(e[SBI_NACL_HFENCE_WORD_CONFIG] &
		      SBI_NACL_HFENCE_PENDING)) {
			h->hfence_next = (idx + 1) % SBI_NACL_HFENCE_COUNT;
			return e;
		}
	}
	h->hfence_pending = false;
	sync_call(SBI_NACL_SYNC_HFENCE, "sync_hfence");
	h->hfence_next = 1;
	return h->shmem + SBI_NACL_HFENCE_OFFSET / SBI_NACL_WORD_BYTES;
}

/* "Update the Page_Number and Page_Count words", then Config with
 * Pending set. One 4 KiB page (Order 0) for the ranged types. */
static void hfence_queue(unsigned long vhartid, unsigned long type,
			 unsigned long vmid, unsigned long asid,
			 unsigned long addr)
{
	volatile unsigned long *e = hfence_entry(vhartid);

	e[SBI_NACL_HFENCE_WORD_PNUM] = addr >> SBI_NACL_HFENCE_ORDER_BASE;
	e[2] = 0; /* "Reserved ... must be zero" */
	e[SBI_NACL_HFENCE_WORD_PCOUNT] = 1;
	e[SBI_NACL_HFENCE_WORD_CONFIG] = SBI_NACL_HFENCE_PENDING |
					 (type << SBI_NACL_HFENCE_TYPE_SHIFT) |
					 ((vmid & SBI_NACL_HFENCE_VMID_MASK)
					  << SBI_NACL_HFENCE_VMID_SHIFT) |
					 (asid & SBI_NACL_HFENCE_ASID_MASK);
	l0_nacl_client.hart[vhartid].hfence_pending = true;
}

void l0_hfence_gvma(unsigned long vhartid, bool has_gpa, unsigned long gpa,
		    bool has_vmid, unsigned long vmid)
{
	if (l0_nacl_client.sync_hfence) {
		/* "Nested HFENCE entry types": 0 GVMA (one range, every
		 * VMID), 1 GVMA_ALL, 2 GVMA_VMID, 3 GVMA_VMID_ALL */
		hfence_queue(vhartid,
			     (has_vmid ? SBI_NACL_HFENCE_GVMA_VMID
				       : SBI_NACL_HFENCE_GVMA) |
				     (has_gpa ? 0 : 1),
			     has_vmid ? vmid : 0, 0, has_gpa ? gpa : 0);
		return;
	}
	/* a real HFENCE: everything queued before it goes first */
	if (l0_nacl_client_on)
		l0_nacl_client_flush(vhartid);
	l0_hfence_gvma_insn(has_gpa, gpa, has_vmid, vmid);
}

void l0_hfence_vvma(unsigned long vhartid, unsigned long hgatp, bool has_va,
		    unsigned long va, bool has_asid, unsigned long asid)
{
	unsigned long vmid;

	if (l0_nacl_client.sync_hfence) {
		if (hgatp == L0_HGATP_CURRENT)
			hgatp = l0_nacl_client.sync_csr
					? l0_nacl_client_get(vhartid, CSR_HGATP)
					: csr_read(CSR_HGATP);
		vmid = (hgatp & HGATP_VMID) >> HGATP_VMID_SHIFT;
		/* 4 VVMA, 5 VVMA_ALL, 6 VVMA_ASID, 7 VVMA_ASID_ALL: the VMID
		 * is explicit, no hgatp swap */
		hfence_queue(vhartid,
			     (has_asid ? SBI_NACL_HFENCE_VVMA_ASID
				       : SBI_NACL_HFENCE_VVMA) |
				     (has_va ? 0 : 1),
			     vmid, has_asid ? asid : 0, has_va ? va : 0);
		return;
	}
	if (l0_nacl_client_on)
		l0_nacl_client_flush(vhartid);
	l0_hfence_vvma_insn(hgatp, has_va, va, has_asid, asid);
}

/* ---- the return into the guest ---------------------------------------- */

void __attribute__((noreturn)) l0_nacl_client_enter(struct l0_vcpu *v);

/*
 * After every trap (entry.S, with l0_nacl_client_on): the guest resumes.
 * With SYNC_SRET, one SBI call applies the dirty CSRs and the queued
 * HFENCEs, swaps hstatus in and does the SRET; without it, what is
 * pending is synchronized first and the SRET is the real one
 * (l0_guest_enter).
 */
void __attribute__((noreturn)) l0_nacl_client_enter(struct l0_vcpu *v)
{
	struct l0_nacl_client_hart *h = &l0_nacl_client.hart[v->vhartid];
	volatile unsigned long *ctx;
	struct sbiret r;

	if (!l0_nacl_client.sync_sret || !h->shmem) {
		l0_nacl_client_flush(v->vhartid);
		l0_guest_enter(v);
	}
	/* "write the GPR X<i> values to be restored at offset <i> * (XLEN /
	 * 8) of the nested SRET context" */
	ctx = h->shmem + SBI_NACL_SRET_OFFSET / SBI_NACL_WORD_BYTES;
#pragma GCC unroll 31
	for (unsigned i = 1; i < 32; i++)
		ctx[i] = v->gpr[i];
	if (l0_nacl_client.autoswap) {
		/* "Write the HSTATUS swap value ... Set
		 * Autoswap_Flags.HSTATUS" */
		h->shmem[SBI_NACL_AUTOSWAP_HSTATUS_OFFSET /
			 SBI_NACL_WORD_BYTES] =
			l0_nacl_client_guest_hstatus(v->vhartid);
		h->shmem[SBI_NACL_AUTOSWAP_FLAGS_OFFSET / SBI_NACL_WORD_BYTES] =
			SBI_NACL_AUTOSWAP_FLAG_HSTATUS;
		h->hstatus_at = L0_NACL_HSTATUS_AUTOSWAP;
	}
	/* SYNC_SRET applies all of these itself */
	h->csr_dirty = h->hfence_pending = false;
	/* The SRET returns to sepc; the guest's next trap enters through
	 * the trap vector with sscratch = the vCPU (entry.S) */
	csr_write(CSR_SEPC, v->sepc);
	csr_write(CSR_SSCRATCH, (unsigned long)v);
	/* "This function does not return upon success" */
	r = sbi_call1(SBI_EXT_NACL, SBI_NACL_SYNC_SRET, 0);
	csr_write(CSR_SSCRATCH, 0); /* L0 runs again */
	client_fail("sync_sret", r.error);
}
