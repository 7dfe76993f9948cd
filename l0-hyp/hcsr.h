/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L0's own h* / vs* CSR accesses and HFENCEs, and the NACL client behind
 * them (nacl_client.c, issue 11 "recursive NACL").
 *
 * On a machine with the H extension in hardware every access here is the
 * plain instruction. When L0 runs on another L0 (depth > 1), each of them
 * is a virtual-instruction trap into the L0 below. If that L0 offers NACL
 * (SBI spec v2.0 "Nested Acceleration Extension") and l0.nacl.client=
 * allows a feature, this L0 is an ordinary NACL client, as the spec's "L1
 * hypervisor":
 *   - csr:      h* / vs* CSRs are read from the shared CSR space and written
 *               there with a dirty bit (SYNC_CSR), applied by the next
 *               synchronization;
 *   - hfence:   HFENCE.GVMA / HFENCE.VVMA become nested HFENCE entries
 *               (SYNC_HFENCE), with the VMID explicit;
 *   - sret:     the return into the guest is SBI SYNC_SRET (entry.S calls
 *               l0_nacl_client_enter after l0_trap), which applies both
 *               first, so one trap does the whole world switch;
 *   - autoswap: hstatus is L0's guest's hstatus only (to the L0 below,
 *               this one runs in VS-mode, where hstatus governs nothing of
 *               its own): it lives in the autoswap context, swapped in by
 *               SYNC_SRET and out by the guest's next trap ("Nested
 *               autoswap context").
 *
 * The rule that keeps the two paths coherent: a real h* / vs* access or
 * H instruction happens only with nothing dirty in the shared memory
 * (l0_nacl_client_flush first), so the level below never sees CSRs out of
 * order; the level below writes every change it makes back into the CSR
 * space ("MUST update the CSR space whenever the state of any RISC-V
 * H-extension CSR changes"), so the shared memory is current whenever
 * this L0 runs.
 *
 * The macros take the vCPU (its vhartid picks the hart's shared memory:
 * SET_SHMEM acts on the calling hart) and a constant CSR number.
 */
#ifndef L0_HCSR_H
#define L0_HCSR_H

#include <rvnest/csr.h>
#include <rvnest/sbi.h>
#include <stdbool.h>

#include "options.h"

/* Per host hart (= per vCPU of this L0): the shared memory, the guest's
 * hstatus under autoswap, and what is waiting for a synchronization. */
struct l0_nacl_client_hart {
	volatile unsigned long *shmem; /* NULL: no NACL on this hart */
	unsigned long guest_hstatus;   /* autoswap: the guest's hstatus */
	bool csr_dirty;		       /* a dirty bit was set */
	/* where the guest's hstatus is under autoswap (its last trap wrote
	 * it: in the autoswap context after a SYNC_SRET entry, in the CSR
	 * space after a real SRET, the first entry) */
	enum l0_nacl_hstatus_at {
		L0_NACL_HSTATUS_HERE, /* guest_hstatus */
		L0_NACL_HSTATUS_AUTOSWAP,
		L0_NACL_HSTATUS_CSR_SPACE,
	} hstatus_at;
	bool hfence_pending;  /* an HFENCE entry was queued */
	unsigned hfence_next; /* the entry to try first */
};

/* What this L0 uses of the NACL below: l0.nacl.client= and what the SBI
 * below offers (all false on hardware H or when it offers none). */
struct l0_nacl_client {
	bool sync_csr, sync_hfence, sync_sret, autoswap;
	struct l0_nacl_client_hart hart[L0_MAX_VCPUS];
};

extern struct l0_nacl_client l0_nacl_client;
/* any feature in use: entry.S reads it (one byte) after every trap */
extern unsigned char l0_nacl_client_on;

/* l0.nacl.client= features, as l0.nacl=: a mask of 1 << SBI_NACL_FEAT_*.
 * Boot (boot hart, once): probe NACL and its features in the SBI below,
 * keep what `wanted` allows, print the result. `depth` for the line. */
void l0_nacl_client_setup(unsigned long wanted, unsigned depth);
/* Boot of each host hart, after its hypervisor CSRs are set up: the
 * hart's shared memory (SET_SHMEM); a failure stops the boot. */
void l0_nacl_client_hart_init(unsigned long vhartid);
/* With autoswap: the guest's hstatus, as its last trap left it (in the
 * autoswap context since the swap back) unless L0 wrote it since. */
unsigned long l0_nacl_client_guest_hstatus(unsigned long vhartid);
/* SYNC_CSR / SYNC_HFENCE of whatever is pending (nothing: no call). */
void l0_nacl_client_flush(unsigned long vhartid);

/* The test the accessors make: one load and a branch. The world switch,
 * where most accesses are, is compiled once per value, with it redefined
 * to a constant (vhyp.c). */
#define L0_HCSR_NACL_CSR() (l0_nacl_client.sync_csr)

/* The CSR-space word of `csr` (SBI spec "Nested CSR space": index
 * ((csr & 0xc00) >> 2) | (csr & 0xff)). */
static inline volatile unsigned long *l0_nacl_client_slot(unsigned long vhartid,
							  unsigned csr)
{
	return l0_nacl_client.hart[vhartid].shmem +
	       SBI_NACL_CSR_SPACE_OFFSET / SBI_NACL_WORD_BYTES +
	       SBI_NACL_CSR_INDEX(csr);
}

static inline unsigned long l0_nacl_client_get(unsigned long vhartid,
					       unsigned csr)
{
	if (csr == CSR_HSTATUS && l0_nacl_client.autoswap)
		return l0_nacl_client_guest_hstatus(vhartid);
	return *l0_nacl_client_slot(vhartid, csr);
}

static inline void l0_nacl_client_put(unsigned long vhartid, unsigned csr,
				      unsigned long val)
{
	struct l0_nacl_client_hart *h = &l0_nacl_client.hart[vhartid];
	unsigned long i = SBI_NACL_CSR_INDEX(csr);
	unsigned long bits = 8 * SBI_NACL_WORD_BYTES;

	if (csr == CSR_HSTATUS && l0_nacl_client.autoswap) {
		h->guest_hstatus = val;
		h->hstatus_at =
			L0_NACL_HSTATUS_HERE; /* newer than the trap's */
		return;
	}
	/* The word holds the CSR's value, or the one written and not yet
	 * synchronized: writing it again changes nothing (no h* / vs* CSR has
	 * a side effect on write), so it is not made dirty. */
	if (*l0_nacl_client_slot(vhartid, csr) == val)
		return;
	/* "Write a new CSR value at word with index <i> in the CSR space;
	 * set the <i> bit in the nested CSR dirty bitmap" (SYNC_CSR) */
	*l0_nacl_client_slot(vhartid, csr) = val;
	h->shmem[SBI_NACL_DIRTY_OFFSET / SBI_NACL_WORD_BYTES + i / bits] |=
		1UL << (i % bits);
	h->csr_dirty = true;
}

/* hip and vsip are views (of hvip, the timer comparison, hie through
 * hideleg) that change with time: read live, after a flush. */
#define L0_HCSR_IS_VIEW(csr) ((csr) == CSR_HIP || (csr) == CSR_VSIP)

#define l0_hcsr_read(v, csr)                           \
	(!L0_HCSR_NACL_CSR()	? csr_read(csr)        \
	 : L0_HCSR_IS_VIEW(csr) ? ({                   \
		   l0_nacl_client_flush((v)->vhartid); \
		   csr_read(csr);                      \
	   })                                          \
				: l0_nacl_client_get((v)->vhartid, csr))

#define l0_hcsr_write(v, csr, val)                                   \
	do {                                                         \
		unsigned long __hv = (val);                          \
		if (L0_HCSR_NACL_CSR() && !L0_HCSR_IS_VIEW(csr))     \
			l0_nacl_client_put((v)->vhartid, csr, __hv); \
		else {                                               \
			if (L0_HCSR_NACL_CSR())                      \
				l0_nacl_client_flush((v)->vhartid);  \
			csr_write(csr, __hv);                        \
		}                                                    \
	} while (0)

/* read-modify-write in the shared memory; one CSR instruction otherwise
 * (each one is a trap into an L0 below without NACL) */
#define l0_hcsr_set(v, csr, bits)                                             \
	do {                                                                  \
		if (L0_HCSR_NACL_CSR())                                       \
			l0_hcsr_write(v, csr, l0_hcsr_read(v, csr) | (bits)); \
		else                                                          \
			csr_set(csr, bits);                                   \
	} while (0)
#define l0_hcsr_clear(v, csr, bits)                                            \
	do {                                                                   \
		if (L0_HCSR_NACL_CSR())                                        \
			l0_hcsr_write(v, csr, l0_hcsr_read(v, csr) & ~(bits)); \
		else                                                           \
			csr_clear(csr, bits);                                  \
	} while (0)

/* Before a real h* / vs* access that must stay one (a WARL round trip
 * through the hardware, hgatp swapped for HFENCE.VVMA). */
#define l0_hcsr_flush(v)                                    \
	do {                                                \
		if (l0_nacl_client_on)                      \
			l0_nacl_client_flush((v)->vhartid); \
	} while (0)

/* HFENCEs of L0's own: rs1/rs2 as the instructions take them; gpa is the
 * byte address. HFENCE.VVMA acts on the VMID of `hgatp`, held in the real
 * hgatp for the fence; L0_HGATP_CURRENT: the one hgatp holds already. */
#define L0_HGATP_CURRENT (~0UL)
void l0_hfence_gvma(unsigned long vhartid, bool has_gpa, unsigned long gpa,
		    bool has_vmid, unsigned long vmid);
void l0_hfence_vvma(unsigned long vhartid, unsigned long vmid, bool has_va,
		    unsigned long va, bool has_asid, unsigned long asid);

#endif /* L0_HCSR_H */
