/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L1's NACL client (nacl.h). The shared memory's layout is the spec's
 * (<rvnest/sbi.h>); L1 follows the steps the spec gives the "supervisor
 * software (or L1 hypervisor)" for each feature.
 */
#include "nacl.h"

#include <rvnest/console.h>
#include <rvnest/sbi.h>
#include <stdint.h>

#include "l1.h"

__thread struct l1_nacl l1_nacl;

/* Where the next HFENCE entry is looked for (entries are used in turn). */
static unsigned long hfence_next;
/* Written through NACL since the last synchronization: without SYNC_SRET,
 * L1 asks for a sync before entering L2 only when there is something to
 * synchronize. */
static bool csr_pending, hfence_pending;

/* The shared memory as XLEN-bit words, volatile: the level below reads
 * and writes it during the SBI calls. */
static volatile unsigned long *word(unsigned long byte_off)
{
	return (volatile unsigned long *)l1_nacl.shmem +
	       byte_off / SBI_NACL_WORD_BYTES;
}

static volatile unsigned long *csr_slot(unsigned csr)
{
	return word(SBI_NACL_CSR_SPACE_OFFSET +
		    SBI_NACL_CSR_INDEX(csr) * SBI_NACL_WORD_BYTES);
}

static void __attribute__((noreturn)) nacl_fail(const char *what, long err)
{
	printf("RVNEST error msg=nacl_%s_failed error=%ld\n", what, err);
	printf("RVNEST done status=1 reason=nacl_%s_failed\n", what);
	console_flush();
	sbi_shutdown(1);
}

static bool feature(unsigned long id)
{
	struct sbiret r = sbi_call1(SBI_EXT_NACL, SBI_NACL_PROBE_FEATURE, id);

	return r.error == SBI_SUCCESS && r.value == 1;
}

void l1_nacl_init(bool wanted)
{
	unsigned long shm;
	struct sbiret r;

	if (!wanted)
		return;
	if (sbi_probe(SBI_EXT_NACL) <= 0) {
		printf("l1: %s: the SBI below offers no NACL; h* CSRs, HFENCE "
		       "and SRET are used directly\n",
		       L1_NACL_BOOTARG);
		return;
	}
	/* "physical base address ... MUST be 4096 bytes (i.e. page)
	 * aligned and the size ... 4096 + (1024 * (XLEN / 8)) bytes" */
	shm = (unsigned long)l1_pool_alloc(SBI_NACL_SHMEM_SIZE,
					   SBI_NACL_SHMEM_ALIGN);
	if (!shm)
		nacl_fail("shmem_alloc", SBI_ERR_FAILED);
	r = sbi_ecall(SBI_EXT_NACL, SBI_NACL_SET_SHMEM, shm, 0, 0, 0, 0, 0);
	if (r.error != SBI_SUCCESS)
		nacl_fail("set_shmem", r.error);
	l1_nacl.sync_csr = feature(SBI_NACL_FEAT_SYNC_CSR);
	l1_nacl.sync_hfence = feature(SBI_NACL_FEAT_SYNC_HFENCE);
	l1_nacl.sync_sret = feature(SBI_NACL_FEAT_SYNC_SRET);
	/* autoswap "in conjunction with the synchronize SRET feature" */
	l1_nacl.autoswap =
		l1_nacl.sync_sret && feature(SBI_NACL_FEAT_AUTOSWAP_CSR);
	/* From here on the CSR space is current (set_shmem filled it). */
	l1_nacl.shmem = (unsigned long *)shm;
	l1_nacl.l2_hstatus = *csr_slot(CSR_HSTATUS);
	printf("l1: nacl=on shmem=0x%lx sync_csr=%d sync_hfence=%d "
	       "sync_sret=%d autoswap=%d\n",
	       shm, l1_nacl.sync_csr, l1_nacl.sync_hfence, l1_nacl.sync_sret,
	       l1_nacl.autoswap);
}

unsigned long l1_nacl_csr_get(unsigned csr)
{
	return *csr_slot(csr);
}

void l1_nacl_csr_put(unsigned csr, unsigned long val)
{
	unsigned long i = SBI_NACL_CSR_INDEX(csr);
	unsigned long bits = 8 * SBI_NACL_WORD_BYTES;

	/* "Write a new CSR value at word with index <i> in the CSR space;
	 * set the <i> bit in the nested CSR dirty bitmap" */
	*csr_slot(csr) = val;
	*word(SBI_NACL_DIRTY_OFFSET + i / bits * SBI_NACL_WORD_BYTES) |=
		1UL << (i % bits);
	csr_pending = true;
}

static void sync_call(unsigned long fid, const char *what)
{
	struct sbiret r = sbi_call1(SBI_EXT_NACL, fid, ~0UL);

	if (r.error != SBI_SUCCESS)
		nacl_fail(what, r.error);
}

void l1_hfence_gvma_gpa(unsigned long gpa)
{
	volatile unsigned long *e = NULL;

	if (!l1_nacl.sync_hfence) {
		hfence_gvma_gpa(gpa);
		return;
	}
	/* "Find an unused nested HFENCE entry with Config.Pending == 0";
	 * when all are pending, have them processed first. */
	for (unsigned long n = 0; n < SBI_NACL_HFENCE_COUNT && !e; n++) {
		unsigned long idx = (hfence_next + n) % SBI_NACL_HFENCE_COUNT;
		volatile unsigned long *c =
			word(SBI_NACL_HFENCE_OFFSET +
			     idx * SBI_NACL_HFENCE_ENTRY_BYTES);

		if (!(c[SBI_NACL_HFENCE_WORD_CONFIG] &
		      SBI_NACL_HFENCE_PENDING)) {
			e = c;
			hfence_next = (idx + 1) % SBI_NACL_HFENCE_COUNT;
		}
	}
	if (!e) {
		sync_call(SBI_NACL_SYNC_HFENCE, "sync_hfence");
		e = word(SBI_NACL_HFENCE_OFFSET);
		hfence_next = 1;
	}
	/* "Update the Page_Number and Page_Count words", then Config with
	 * Pending set: one 4 KiB page (Order 0) of every VMID, as
	 * HFENCE.GVMA rs1, x0 (type GVMA). */
	e[SBI_NACL_HFENCE_WORD_PNUM] = gpa >> SBI_NACL_HFENCE_ORDER_BASE;
	e[2] = 0; /* "Reserved ... must be zero" */
	e[SBI_NACL_HFENCE_WORD_PCOUNT] = 1;
	e[SBI_NACL_HFENCE_WORD_CONFIG] =
		SBI_NACL_HFENCE_PENDING | ((unsigned long)SBI_NACL_HFENCE_GVMA
					   << SBI_NACL_HFENCE_TYPE_SHIFT);
	hfence_pending = true;
}

/* switch.S-style entry whose SRET is SBI NACL SYNC_SRET (l1_enter_guest_nacl,
 * switch.S): returns `v` after L2's next trap (through l1_trap_entry), or the
 * SBI error if the call came back. */
long l1_enter_guest_nacl(struct l1_vcpu *v);

/* The trap that ended L2's run: L1's own CSRs, and the h* CSRs as L0
 * wrote them back into the CSR space when L2 exited. With autoswap, the
 * trap's hstatus was swapped out into the autoswap context ("After ...
 * virtualization state changes from ON to OFF"). */
static void read_trap(struct l1_vcpu *v)
{
	v->trap.scause = csr_read(CSR_SCAUSE);
	v->trap.stval = csr_read(CSR_STVAL);
	v->trap.htval = *csr_slot(CSR_HTVAL);
	v->trap.htinst = *csr_slot(CSR_HTINST);
	v->trap.hstatus = l1_nacl.autoswap
				  ? *word(SBI_NACL_AUTOSWAP_HSTATUS_OFFSET)
				  : *csr_slot(CSR_HSTATUS);
}

void l1_nacl_enter_guest(struct l1_vcpu *v)
{
	long r;

	if (!l1_nacl.sync_sret) {
		/* Everything written through NACL must be in effect before
		 * L2 runs. */
		if (csr_pending)
			sync_call(SBI_NACL_SYNC_CSR, "sync_csr");
		if (hfence_pending)
			sync_call(SBI_NACL_SYNC_HFENCE, "sync_hfence");
		csr_pending = hfence_pending = false;
		l1_enter_guest(v);
		read_trap(v);
		return;
	}
	/* "write the GPR X<i> values to be restored at offset
	 * <i> * (XLEN / 8) of the nested SRET context": unrolled, a load
	 * and a store each (the loop cost 5 instructions a register) */
	volatile unsigned long *ctx = word(SBI_NACL_SRET_OFFSET);

#pragma GCC unroll 31
	for (unsigned i = 1; i < 32; i++)
		ctx[i] = v->gpr[i];
	if (l1_nacl.autoswap) {
		/* "Write the HSTATUS swap value ... Set
		 * Autoswap_Flags.HSTATUS" */
		*word(SBI_NACL_AUTOSWAP_HSTATUS_OFFSET) = l1_nacl.l2_hstatus;
		*word(SBI_NACL_AUTOSWAP_FLAGS_OFFSET) =
			SBI_NACL_AUTOSWAP_FLAG_HSTATUS;
	}
	r = l1_enter_guest_nacl(v);
	if (r != (long)(uintptr_t)v)
		nacl_fail("sync_sret", r);
	read_trap(v);
}
