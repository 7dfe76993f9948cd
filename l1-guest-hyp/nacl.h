/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L1's client of the SBI nested-acceleration extension (NACL, SBI spec
 * v2.0 "Nested Acceleration Extension"). With the bootarg rvnest.nacl=1 and
 * NACL offered by the level below (rvnest's L0), L1 keeps one shared
 * memory area with it: h* and vs* CSRs are read from its CSR space and
 * written there with a dirty bit (SYNC_CSR), HFENCEs are queued as entries
 * (SYNC_HFENCE), and L2 is entered with one SBI call (SYNC_SRET) that
 * applies them all, instead of a trap into L0 for each. Without NACL (on
 * QEMU's own H extension, or rvnest.nacl absent) every macro below is the
 * plain CSR access or fence.
 */
#ifndef L1_NACL_H
#define L1_NACL_H

#include <rvnest/csr.h>
#include <stdbool.h>

#define L1_NACL_BOOTARG "rvnest.nacl=1"

struct l1_vcpu;

/* What L1 uses; every flag false when NACL is not in use. */
struct l1_nacl {
	/* the shared memory (L1 runs with satp bare: PA = VA); NULL when
	 * NACL is not in use. Its CSR space is kept current by the level
	 * below whenever shmem is set, whatever the features. */
	unsigned long *shmem;
	bool sync_csr, sync_hfence, sync_sret, autoswap;
	/* hstatus L1 wants while L2 runs, swapped in by AUTOSWAP_CSR */
	unsigned long l2_hstatus;
};

/* per L1 hart (thread-local: each hart has its own shared memory) */
extern __thread struct l1_nacl l1_nacl;

/* At boot, after the hypervisor CSRs are set up: if `wanted`, probe NACL
 * and its features, set up the shared memory, and print what is used. */
void l1_nacl_init(bool wanted);

/* CSR space access (only while l1_nacl.shmem is set). */
unsigned long l1_nacl_csr_get(unsigned csr);
void l1_nacl_csr_put(unsigned csr, unsigned long val);

/* HFENCE.GVMA of one guest-physical page, all VMIDs (rs1 = gpa >> 2). */
void l1_hfence_gvma_gpa(unsigned long gpa);

/* With NACL in use (l1_nacl.shmem set): enter L2 and return after its
 * next trap, with vcpu->trap filled (scause and stval from the CSRs, htval,
 * htinst and hstatus from the shared memory). Through SYNC_SRET when
 * offered; otherwise any pending NACL CSRs/HFENCEs are synchronized first
 * and the entry is l1_enter_guest's SRET. */
void l1_nacl_enter_guest(struct l1_vcpu *v);

/* h* / vs* CSR access: the shared memory with NACL, the CSR otherwise. */
#define L1_HCSR_READ(csr) (l1_nacl.shmem ? l1_nacl_csr_get(csr) : csr_read(csr))
#define L1_HCSR_WRITE(csr, val)                    \
	do {                                       \
		if (l1_nacl.sync_csr)              \
			l1_nacl_csr_put(csr, val); \
		else                               \
			csr_write(csr, val);       \
	} while (0)
#define L1_HCSR_SET(csr, bits)                                               \
	do {                                                                 \
		if (l1_nacl.sync_csr)                                        \
			l1_nacl_csr_put(csr, l1_nacl_csr_get(csr) | (bits)); \
		else                                                         \
			csr_set(csr, bits);                                  \
	} while (0)
#define L1_HCSR_CLEAR(csr, bits)                                              \
	do {                                                                  \
		if (l1_nacl.sync_csr)                                         \
			l1_nacl_csr_put(csr, l1_nacl_csr_get(csr) & ~(bits)); \
		else                                                          \
			csr_clear(csr, bits);                                 \
	} while (0)

#endif /* L1_NACL_H */
