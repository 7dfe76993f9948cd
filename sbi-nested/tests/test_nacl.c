/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NACL (SBI spec "Nested Acceleration Extension"): the shared-memory layout
 * as the spec defines it, every function's errors, the features switched on
 * and off, and L0's hooks. The shared memory is the mock's guest memory;
 * the virtual H-extension CSRs are the mock's hcsr[].
 */
#include "mock.h"
#include "unit.h"

#include <rvnest/encoding.h>
#include <stdint.h>
#include <string.h>

/* The shared memory: page aligned, one page into the mock's memory. */
#define SHM (MOCK_MEM_BASE + 0x1000UL)
#define SHM_OFF(off) (SHM - MOCK_MEM_BASE + (off))

static struct mock_fx *nacl_setup(unsigned long features)
{
	struct mock_fx *f = mock_setup();

	f->cfg.nacl_features = features;
	return f;
}

static struct sbi_nested_result nacl(struct mock_fx *f, unsigned long fid,
				     unsigned long a0, unsigned long a1,
				     unsigned long a2)
{
	return mock_call(&f->sn, SBI_EXT_NACL, fid, a0, a1, a2, 0, 0);
}

static struct sbi_nested_result nacl_from(struct mock_fx *f,
					  unsigned long hartid,
					  unsigned long fid, unsigned long a0)
{
	struct sbi_nested_request req = {.eid = SBI_EXT_NACL,
					 .fid = fid,
					 .args = {a0},
					 .hartid = hartid};
	struct sbi_nested_result res;

	memset(&res, 0x5a, sizeof(res));
	sbi_nested_dispatch(&f->sn, &req, &res);
	return res;
}

static void set_shmem(struct mock_fx *f)
{
	CHECK_EQ(nacl(f, SBI_NACL_SET_SHMEM, SHM, 0, 0).error, SBI_SUCCESS);
}

/* Little-endian XLEN words of the shared memory, as L1 sees them. */
static unsigned long shm_word(struct mock_fx *f, unsigned long off)
{
	unsigned long v;

	memcpy(&v, &f->m.mem[SHM_OFF(off)], sizeof(v));
	return v;
}

static void shm_set_word(struct mock_fx *f, unsigned long off, unsigned long v)
{
	memcpy(&f->m.mem[SHM_OFF(off)], &v, sizeof(v));
}

/* The CSR-space word of CSR `csr`: index ((x & 0xc00) >> 2) | (x & 0xff) */
static unsigned long csr_off(unsigned csr)
{
	return 0x1000UL + 8UL * (((csr & 0xc00) >> 2) | (csr & 0xff));
}

static unsigned long csr_word(struct mock_fx *f, unsigned csr)
{
	return shm_word(f, csr_off(csr));
}

static bool dirty(struct mock_fx *f, unsigned csr)
{
	unsigned long i = ((csr & 0xc00) >> 2) | (csr & 0xff);

	return (f->m.mem[SHM_OFF(0x0f80 + i / 8)] >> (i % 8)) & 1;
}

/* L1's side of "To write a CSR <x> in nested acceleration shared memory" */
static void l1_write_csr(struct mock_fx *f, unsigned csr, unsigned long val)
{
	unsigned long i = ((csr & 0xc00) >> 2) | (csr & 0xff);

	shm_set_word(f, csr_off(csr), val);
	f->m.mem[SHM_OFF(0x0f80 + i / 8)] |= (unsigned char)(1u << (i % 8));
}

/* L1's side of "To add a nested HFENCE entry" */
static void l1_hfence(struct mock_fx *f, unsigned long idx, unsigned long type,
		      unsigned long order, unsigned long vmid,
		      unsigned long asid, unsigned long pnum,
		      unsigned long pcount)
{
	unsigned long off = 0x800 + idx * 32;

	shm_set_word(f, off + 8, pnum);
	shm_set_word(f, off + 16, 0);
	shm_set_word(f, off + 24, pcount);
	shm_set_word(f, off,
		     (1UL << 63) | (type << 56) | (order << 48) | (vmid << 16) |
			     asid);
}

static int write_pos(struct mock_fx *f, unsigned csr)
{
	for (int i = 0; i < f->m.hcsr_writes; i++)
		if (f->m.hcsr_log[i] == csr)
			return i;
	return -1;
}

/* ---- the layout constants are the spec's numbers ------------------------ */

TEST(nacl_layout_is_the_specs)
{
	/* "4096 + (1024 * (XLEN / 8)) bytes" */
	CHECK_EQ(SBI_NACL_SHMEM_SIZE, 4096 + 1024 * 8);
	CHECK_EQ(SBI_NACL_CSR_INDEX(0x200), 0x000);
	CHECK_EQ(SBI_NACL_CSR_INDEX(0x2ff), 0x0ff);
	CHECK_EQ(SBI_NACL_CSR_INDEX(0x600), 0x100);
	CHECK_EQ(SBI_NACL_CSR_INDEX(0x680), 0x180);
	CHECK_EQ(SBI_NACL_CSR_INDEX(0x6c0), 0x1c0);
	CHECK_EQ(SBI_NACL_CSR_INDEX(0xa00), 0x200);
	CHECK_EQ(SBI_NACL_CSR_INDEX(0xe12), 0x312);
	CHECK_EQ(SBI_NACL_CSR_INDEX(0xeff), 0x3ff);
	/* "3840 / XLEN" entries of four words at 0x0800..0x0F7F */
	CHECK_EQ(SBI_NACL_HFENCE_COUNT, 60);
	CHECK_EQ(SBI_NACL_HFENCE_OFFSET +
			 SBI_NACL_HFENCE_COUNT * SBI_NACL_HFENCE_ENTRY_BYTES,
		 0x0f80);
	CHECK_EQ(SBI_NACL_DIRTY_OFFSET + SBI_NACL_DIRTY_BYTES, 0x1000);
	CHECK_EQ(SBI_NACL_DIRTY_BYTES * 8, SBI_NACL_CSR_COUNT);
	CHECK_EQ(SBI_NACL_AUTOSWAP_HSTATUS_OFFSET, 0x208);
}

/* ---- probing --------------------------------------------------------------
 */

TEST(nacl_absent_unless_offered)
{
	struct mock_fx *f = nacl_setup(0);

	CHECK_EQ(mock_call(&f->sn, SBI_EXT_BASE, SBI_BASE_PROBE_EXT,
			   SBI_EXT_NACL, 0, 0, 0, 0)
			 .value,
		 0);
	CHECK_EQ(nacl(f, SBI_NACL_PROBE_FEATURE, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);

	f = nacl_setup(SBI_NESTED_NACL_ALL);
	CHECK_EQ(mock_call(&f->sn, SBI_EXT_BASE, SBI_BASE_PROBE_EXT,
			   SBI_EXT_NACL, 0, 0, 0, 0)
			 .value,
		 1);
	/* an L1 without H has nothing to accelerate */
	f->cfg.guest_has_h = false;
	CHECK_EQ(nacl(f, SBI_NACL_PROBE_FEATURE, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	/* L0 gave no per-hart storage, or cannot read its CSRs */
	f = nacl_setup(SBI_NESTED_NACL_ALL);
	f->sn.nacl = NULL;
	CHECK_EQ(nacl(f, SBI_NACL_PROBE_FEATURE, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	f = nacl_setup(SBI_NESTED_NACL_ALL);
	f->ops.hcsr_read = NULL;
	CHECK_EQ(nacl(f, SBI_NACL_PROBE_FEATURE, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	f = nacl_setup(SBI_NESTED_NACL_ALL);
	f->ops.guest_write = NULL;
	CHECK_EQ(nacl(f, SBI_NACL_PROBE_FEATURE, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	/* every feature's service missing: nothing left to offer */
	f = nacl_setup(SBI_NESTED_NACL_ALL);
	f->ops.hcsr_write = NULL;
	f->ops.hfence = NULL;
	f->ops.nacl_sret = NULL;
	CHECK_EQ(nacl(f, SBI_NACL_PROBE_FEATURE, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	/* unknown function */
	f = nacl_setup(SBI_NESTED_NACL_ALL);
	CHECK_EQ(nacl(f, 5, 0, 0, 0).error, SBI_ERR_NOT_SUPPORTED);
}

TEST(nacl_probe_feature_follows_the_mask)
{
	for (unsigned long mask = 1; mask <= SBI_NESTED_NACL_ALL; mask++) {
		struct mock_fx *f = nacl_setup(mask);
		bool sret = mask & SBI_NESTED_NACL_BIT(SBI_NACL_FEAT_SYNC_SRET);

		for (unsigned long feat = 0; feat < SBI_NACL_FEAT_COUNT;
		     feat++) {
			struct sbi_nested_result r =
				nacl(f, SBI_NACL_PROBE_FEATURE, feat, 0, 0);
			long want = (mask >> feat) & 1;

			/* autoswap only together with SYNC_SRET */
			if (feat == SBI_NACL_FEAT_AUTOSWAP_CSR && !sret)
				want = 0;
			if (mask ==
			    SBI_NESTED_NACL_BIT(SBI_NACL_FEAT_AUTOSWAP_CSR)) {
				/* the only feature is unavailable: absent */
				CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
				continue;
			}
			CHECK_EQ(r.error, SBI_SUCCESS);
			CHECK_EQ(r.value, want);
		}
	}
}

TEST(nacl_probe_feature_ids)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);

	/* "> 0x00000003 RESERVED" */
	CHECK_EQ(nacl(f, SBI_NACL_PROBE_FEATURE, 4, 0, 0).value, 0);
	CHECK_EQ(nacl(f, SBI_NACL_PROBE_FEATURE, 0xffffffffUL, 0, 0).value, 0);
	/* uint32_t feature_id: the upper half does not count */
	CHECK_EQ(nacl(f, SBI_NACL_PROBE_FEATURE, (1UL << 32) | 2, 0, 0).value,
		 1);
	/* a feature whose service L0 lacks is not offered */
	f->ops.hfence = NULL;
	CHECK_EQ(
		nacl(f, SBI_NACL_PROBE_FEATURE, SBI_NACL_FEAT_SYNC_HFENCE, 0, 0)
			.value,
		0);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_HFENCE, ~0UL, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	f->ops.nacl_sret = NULL;
	CHECK_EQ(nacl(f, SBI_NACL_PROBE_FEATURE, SBI_NACL_FEAT_AUTOSWAP_CSR, 0,
		      0)
			 .value,
		 0);
}

/* ---- set_shmem ------------------------------------------------------------
 */

TEST(nacl_set_shmem_errors)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);
	unsigned long end = MOCK_MEM_BASE + MOCK_MEM_SIZE;

	/* "The flags parameter is not zero or the shmem_phys_lo parameter
	 * is not 4096 bytes aligned": INVALID_PARAM */
	CHECK_EQ(nacl(f, SBI_NACL_SET_SHMEM, SHM, 0, 1).error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(nacl(f, SBI_NACL_SET_SHMEM, SHM + 8, 0, 0).error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(nacl(f, SBI_NACL_SET_SHMEM, ~0UL, ~0UL, 1).error,
		 SBI_ERR_INVALID_PARAM);
	/* only one half all-ones is an address, and a misaligned one */
	CHECK_EQ(nacl(f, SBI_NACL_SET_SHMEM, ~0UL, 0, 0).error,
		 SBI_ERR_INVALID_PARAM);
	/* not L1 memory: INVALID_ADDRESS ("Shared memory physical address
	 * range parameter") */
	CHECK_EQ(nacl(f, SBI_NACL_SET_SHMEM, 0x1000, 0, 0).error,
		 SBI_ERR_INVALID_ADDRESS);
	CHECK_EQ(
		nacl(f, SBI_NACL_SET_SHMEM, MOCK_MEM_BASE - 0x1000, 0, 0).error,
		SBI_ERR_INVALID_ADDRESS);
	/* starts inside, ends outside: the last page is not memory */
	CHECK_EQ(nacl(f, SBI_NACL_SET_SHMEM, end - 0x2000, 0, 0).error,
		 SBI_ERR_INVALID_ADDRESS);
	/* above XLEN bits, and a range that wraps */
	CHECK_EQ(nacl(f, SBI_NACL_SET_SHMEM, SHM, 1, 0).error,
		 SBI_ERR_INVALID_ADDRESS);
	CHECK_EQ(nacl(f, SBI_NACL_SET_SHMEM, ~0xfffUL, 0, 0).error,
		 SBI_ERR_INVALID_ADDRESS);
	/* memory L1 may not write (the mock's EXEC-only switch is the
	 * only refusal it models: data memory is fine) */
	CHECK_EQ(f->m.copies_outside, 0);
	CHECK(!f->m.nacl[0].shmem_set);
	/* nothing set: the sync functions say so */
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, ~0UL, 0, 0).error,
		 SBI_ERR_NO_SHMEM);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_HFENCE, ~0UL, 0, 0).error,
		 SBI_ERR_NO_SHMEM);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_SRET, 0, 0, 0).error, SBI_ERR_NO_SHMEM);
	CHECK_EQ(f->m.hcsr_writes, 0);
	CHECK_EQ(f->m.sret_calls, 0);
}

TEST(nacl_set_shmem_publishes_the_csr_space)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);
	unsigned long end = MOCK_MEM_BASE + MOCK_MEM_SIZE;

	f->m.hcsr[CSR_HGATP] = 0x8000000000012345UL;
	f->m.hcsr[CSR_HGEIP] = 0x6;
	set_shmem(f);
	CHECK(f->m.nacl[0].shmem_set);
	CHECK_EQ(f->m.nacl[0].shmem, SHM);
	/* "MUST update the CSR space": every implemented CSR at its index */
	CHECK_EQ(csr_word(f, CSR_HGATP), 0x8000000000012345UL);
	CHECK_EQ(csr_word(f, CSR_HGEIP), 0x6);
	CHECK_EQ(csr_word(f, CSR_HSTATUS), 0x1000UL + CSR_HSTATUS);
	CHECK_EQ(csr_word(f, CSR_VSSTATUS), 0x1000UL + CSR_VSSTATUS);
	CHECK_EQ(csr_word(f, CSR_VSTIMECMP), 0x1000UL + CSR_VSTIMECMP);
	/* hstateen0 is not implemented by this L0: untouched */
	CHECK_EQ(csr_word(f, CSR_HSTATEEN0), 0);
	/* and nothing was written to L0's CSRs */
	CHECK_EQ(f->m.hcsr_writes, 0);
	/* the last possible place: the area ends on memory's last byte */
	CHECK_EQ(nacl(f, SBI_NACL_SET_SHMEM, end - SBI_NACL_SHMEM_SIZE, 0, 0)
			 .error,
		 SBI_SUCCESS);
	CHECK_EQ(f->m.copies_outside, 0);
}

TEST(nacl_set_shmem_is_per_hart_and_can_be_disabled)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);

	set_shmem(f);
	/* another hart has none of its own */
	CHECK_EQ(nacl_from(f, 1, SBI_NACL_SYNC_CSR, ~0UL).error,
		 SBI_ERR_NO_SHMEM);
	CHECK(!f->m.nacl[1].shmem_set);
	/* "If both ... are all-ones bitwise then the nested acceleration
	 * features are disabled" */
	CHECK_EQ(nacl(f, SBI_NACL_SET_SHMEM, ~0UL, ~0UL, 0).error, SBI_SUCCESS);
	CHECK(!f->m.nacl[0].shmem_set);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, ~0UL, 0, 0).error,
		 SBI_ERR_NO_SHMEM);
	/* disabling twice is still success */
	CHECK_EQ(nacl(f, SBI_NACL_SET_SHMEM, ~0UL, ~0UL, 0).error, SBI_SUCCESS);
}

TEST(nacl_set_shmem_write_back_failure)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);

	/* the area passed the check, but L0 could not write it */
	f->m.guest_write_fail_at = 1;
	CHECK_EQ(nacl(f, SBI_NACL_SET_SHMEM, SHM, 0, 0).error, SBI_ERR_FAILED);
	CHECK(!f->m.nacl[0].shmem_set);
	f->m.guest_write_fail_at = 0;
	f->m.guest_read_calls = 0;
	f->m.guest_read_fail_at = 1; /* the dirty bitmap */
	CHECK_EQ(nacl(f, SBI_NACL_SET_SHMEM, SHM, 0, 0).error, SBI_ERR_FAILED);
	CHECK(!f->m.nacl[0].shmem_set);
}

/* ---- SYNC_CSR -------------------------------------------------------------
 */

TEST(nacl_sync_csr_one)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);

	set_shmem(f);
	/* hvip: only the VS bits are writable (WARL) */
	f->m.hcsr_wmask[CSR_HVIP] = 0x444;
	l1_write_csr(f, CSR_HVIP, ~0UL);
	CHECK(dirty(f, CSR_HVIP));
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, CSR_HVIP, 0, 0).error, SBI_SUCCESS);
	CHECK_EQ(f->m.hcsr_writes, 1);
	CHECK_EQ(f->m.hcsr_log[0], CSR_HVIP);
	/* written, bit cleared, and the word holds the CSR's new value */
	CHECK_EQ(f->m.hcsr[CSR_HVIP],
		 ((0x1000UL + CSR_HVIP) & ~0x444UL) | 0x444UL);
	CHECK(!dirty(f, CSR_HVIP));
	CHECK_EQ(csr_word(f, CSR_HVIP), f->m.hcsr[CSR_HVIP]);

	/* not dirty: no write, the word refreshed with the current value */
	f->m.hcsr[CSR_HTVAL] = 0x77;
	shm_set_word(f, csr_off(CSR_HTVAL), 0x1234);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, CSR_HTVAL, 0, 0).error,
		 SBI_SUCCESS);
	CHECK_EQ(f->m.hcsr_writes, 1);
	CHECK_EQ(csr_word(f, CSR_HTVAL), 0x77);

	/* a read-only CSR: the write is emulated and has no effect */
	l1_write_csr(f, CSR_HGEIP, 0xff);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, CSR_HGEIP, 0, 0).error,
		 SBI_SUCCESS);
	CHECK_EQ(csr_word(f, CSR_HGEIP), 0x1000UL + CSR_HGEIP);
	CHECK(!dirty(f, CSR_HGEIP));
}

TEST(nacl_sync_csr_invalid_numbers)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);
	/* "(csr_num & 0x300) != 0x200", ">= 0x1000", "not implemented" */
	unsigned long bad[] = {CSR_SSTATUS, CSR_SATP,	   0x300,
			       0x1600,	    1UL << 40,	   0x6ff,
			       0x2ff,	    CSR_HSTATEEN0, ~0UL - 1};

	set_shmem(f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, bad[i], 0, 0).error,
			 SBI_ERR_INVALID_PARAM);
	/* the parameter is checked before the shared memory */
	CHECK_EQ(nacl_from(f, 2, SBI_NACL_SYNC_CSR, 0x300).error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(nacl_from(f, 2, SBI_NACL_SYNC_CSR, CSR_HVIP).error,
		 SBI_ERR_NO_SHMEM);
	CHECK_EQ(f->m.hcsr_writes, 0);
}

TEST(nacl_sync_csr_all_in_dependency_order)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);
	unsigned char unknown;

	set_shmem(f);
	/* written by L1 in the "wrong" order */
	l1_write_csr(f, CSR_VSIP, 0x2);
	l1_write_csr(f, CSR_HIP, 0x4);
	l1_write_csr(f, CSR_VSIE, 0x222);
	l1_write_csr(f, CSR_HVIP, 0x4);
	l1_write_csr(f, CSR_HIDELEG, 0x444);
	l1_write_csr(f, CSR_HGATP, 0x8000000000000042UL);
	/* a dirty bit for a CSR nobody implements (0x6ff) stays */
	f->m.mem[SHM_OFF(0x0f80 + 0x1ff / 8)] |= 0x80;
	unknown = f->m.mem[SHM_OFF(0x0f80 + 0x1ff / 8)];
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, ~0UL, 0, 0).error, SBI_SUCCESS);
	CHECK_EQ(f->m.hcsr_writes, 6);
	/* "hvip is emulated and written first, followed by hip" */
	CHECK(write_pos(f, CSR_HVIP) < write_pos(f, CSR_HIP));
	CHECK(write_pos(f, CSR_HVIP) < write_pos(f, CSR_VSIP));
	CHECK(write_pos(f, CSR_HIDELEG) < write_pos(f, CSR_VSIE));
	CHECK(write_pos(f, CSR_HIDELEG) < write_pos(f, CSR_VSIP));
	CHECK_EQ(f->m.hcsr[CSR_HGATP], 0x8000000000000042UL);
	CHECK(!dirty(f, CSR_VSIP) && !dirty(f, CSR_HGATP) &&
	      !dirty(f, CSR_HIDELEG));
	CHECK_EQ(f->m.mem[SHM_OFF(0x0f80 + 0x1ff / 8)], unknown);
	CHECK_EQ(csr_word(f, CSR_VSIE), 0x222);
	/* a second sync has nothing left to write */
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, ~0UL, 0, 0).error, SBI_SUCCESS);
	CHECK_EQ(f->m.hcsr_writes, 6);
}

TEST(nacl_sync_csr_failures)
{
	struct mock_fx *f =
		nacl_setup(SBI_NESTED_NACL_BIT(SBI_NACL_FEAT_SYNC_HFENCE));

	set_shmem(f);
	/* the feature is off: NOT_SUPPORTED, nothing written */
	l1_write_csr(f, CSR_HVIP, 4);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, ~0UL, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, CSR_HVIP, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(f->m.hcsr_writes, 0);

	/* L0 refuses the second write: FAILED; the first one's bit is
	 * cleared (it happened), the second's stays */
	f = nacl_setup(SBI_NESTED_NACL_ALL);
	set_shmem(f);
	l1_write_csr(f, CSR_HSTATUS, 0x80);
	l1_write_csr(f, CSR_HGATP, 0);
	f->m.hcsr_write_fail_at = 2;
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, ~0UL, 0, 0).error, SBI_ERR_FAILED);
	CHECK(!dirty(f, CSR_HSTATUS));
	CHECK(dirty(f, CSR_HGATP));
	/* single CSR, refused */
	f->m.hcsr_writes = 0;
	f->m.hcsr_write_fail_at = 1;
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, CSR_HGATP, 0, 0).error,
		 SBI_ERR_FAILED);
	CHECK(dirty(f, CSR_HGATP));

	/* the shared memory became unreadable/unwritable */
	f = nacl_setup(SBI_NESTED_NACL_ALL);
	set_shmem(f);
	l1_write_csr(f, CSR_HGATP, 0);
	f->m.guest_read_calls = 0;
	f->m.guest_read_fail_at = 1;
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, CSR_HGATP, 0, 0).error,
		 SBI_ERR_FAILED);
	f->m.guest_read_calls = 0;
	f->m.guest_read_fail_at = 2; /* the value word */
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, CSR_HGATP, 0, 0).error,
		 SBI_ERR_FAILED);
	f->m.guest_read_fail_at = 0;
	f->m.guest_write_calls = 0;
	f->m.guest_write_fail_at = 1; /* the CSR word */
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, CSR_HGATP, 0, 0).error,
		 SBI_ERR_FAILED);
	f->m.guest_write_calls = 0;
	f->m.guest_write_fail_at = 2; /* the bitmap */
	l1_write_csr(f, CSR_HGATP, 0);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, CSR_HGATP, 0, 0).error,
		 SBI_ERR_FAILED);
	f->m.guest_write_fail_at = 0;
	f->m.guest_read_calls = 0;
	f->m.guest_read_fail_at = 1;
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, ~0UL, 0, 0).error, SBI_ERR_FAILED);
	CHECK_EQ(f->m.copies_outside, 0);
}

/* ---- SYNC_HFENCE ----------------------------------------------------------
 */

TEST(nacl_sync_hfence_entry_types)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);
	struct sbi_nested_hfence *h = f->m.hfences;

	set_shmem(f);
	/* one entry of each type; junk in the fields a type ignores */
	l1_hfence(f, 0, SBI_NACL_HFENCE_GVMA, 0, 5, 6, 0x80001, 2);
	l1_hfence(f, 1, SBI_NACL_HFENCE_GVMA_ALL, 0, 5, 6, 0, 0);
	l1_hfence(f, 2, SBI_NACL_HFENCE_GVMA_VMID, 9, 7, 6, 0x400, 1);
	l1_hfence(f, 3, SBI_NACL_HFENCE_GVMA_VMID_ALL, 0, 0x3fff, 6, 0, 0);
	l1_hfence(f, 4, SBI_NACL_HFENCE_VVMA, 0, 3, 6, 0x10, 3);
	l1_hfence(f, 5, SBI_NACL_HFENCE_VVMA_ALL, 0, 3, 6, 0, 0);
	l1_hfence(f, 6, SBI_NACL_HFENCE_VVMA_ASID, 0, 3, 0xffff, 0x20, 1);
	l1_hfence(f, 59, SBI_NACL_HFENCE_VVMA_ASID_ALL, 0, 3, 4, 0, 0);
	/* entry 7 not pending: ignored */
	shm_set_word(f, 0x800 + 7 * 32, 1UL << 56);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_HFENCE, ~0UL, 0, 0).error, SBI_SUCCESS);
	CHECK_EQ(f->m.hfence_calls, 8);
	CHECK_EQ(h[0].type, SBI_NESTED_HFENCE_GVMA);
	CHECK_EQ(h[0].start, 0x80001000UL);
	CHECK_EQ(h[0].size, 0x2000);
	CHECK_EQ(h[0].vmid, 0);
	CHECK_EQ(h[0].asid, 0);
	CHECK_EQ(h[1].type, SBI_NESTED_HFENCE_GVMA_ALL);
	CHECK_EQ(h[1].vmid + h[1].asid + h[1].start + h[1].size, 0);
	/* Order 9: 2 MiB pages */
	CHECK_EQ(h[2].type, SBI_NESTED_HFENCE_GVMA_VMID);
	CHECK_EQ(h[2].start, 0x400UL << 21);
	CHECK_EQ(h[2].size, 1UL << 21);
	CHECK_EQ(h[2].vmid, 7);
	CHECK_EQ(h[2].asid, 0);
	CHECK_EQ(h[3].type, SBI_NESTED_HFENCE_GVMA_VMID_ALL);
	CHECK_EQ(h[3].vmid, 0x3fff);
	CHECK_EQ(h[4].type, SBI_NESTED_HFENCE_VVMA);
	CHECK_EQ(h[4].vmid, 3);
	CHECK_EQ(h[4].start, 0x10000);
	CHECK_EQ(h[4].size, 0x3000);
	CHECK_EQ(h[5].type, SBI_NESTED_HFENCE_VVMA_ALL);
	CHECK_EQ(h[6].type, SBI_NESTED_HFENCE_VVMA_ASID);
	CHECK_EQ(h[6].asid, 0xffff);
	CHECK_EQ(h[7].type, SBI_NESTED_HFENCE_VVMA_ASID_ALL);
	CHECK_EQ(h[7].vmid, 3);
	CHECK_EQ(h[7].asid, 4);
	/* "clear the Config.Pending bit"; the rest of the word stays */
	for (unsigned long i = 0; i < 7; i++)
		CHECK(!(shm_word(f, 0x800 + i * 32) & (1UL << 63)));
	CHECK_EQ(shm_word(f, 0x800 + 59 * 32), (7UL << 56) | (3UL << 16) | 4);
	/* nothing pending any more */
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_HFENCE, ~0UL, 0, 0).error, SBI_SUCCESS);
	CHECK_EQ(f->m.hfence_calls, 8);
}

TEST(nacl_sync_hfence_one_entry)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);

	set_shmem(f);
	l1_hfence(f, 3, SBI_NACL_HFENCE_GVMA_ALL, 0, 0, 0, 0, 0);
	l1_hfence(f, 4, SBI_NACL_HFENCE_GVMA_ALL, 0, 0, 0, 0, 0);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_HFENCE, 4, 0, 0).error, SBI_SUCCESS);
	CHECK_EQ(f->m.hfence_calls, 1);
	CHECK(shm_word(f, 0x800 + 3 * 32) & (1UL << 63));
	CHECK(!(shm_word(f, 0x800 + 4 * 32) & (1UL << 63)));
	/* not pending: "do nothing" */
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_HFENCE, 4, 0, 0).error, SBI_SUCCESS);
	CHECK_EQ(f->m.hfence_calls, 1);
	/* "entry_index >= (3840 / XLEN)": INVALID_PARAM; 59 is the last */
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_HFENCE, 60, 0, 0).error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_HFENCE, ~0UL - 1, 0, 0).error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_HFENCE, 59, 0, 0).error, SBI_SUCCESS);
	CHECK_EQ(nacl_from(f, 1, SBI_NACL_SYNC_HFENCE, 60).error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(nacl_from(f, 1, SBI_NACL_SYNC_HFENCE, 3).error,
		 SBI_ERR_NO_SHMEM);
	/* feature off */
	f = nacl_setup(SBI_NESTED_NACL_BIT(SBI_NACL_FEAT_SYNC_CSR));
	set_shmem(f);
	l1_hfence(f, 0, SBI_NACL_HFENCE_GVMA_ALL, 0, 0, 0, 0, 0);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_HFENCE, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(f->m.hfence_calls, 0);
}

TEST(nacl_sync_hfence_malformed_entries_widen)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);
	struct sbi_nested_hfence *h = f->m.hfences;

	set_shmem(f);
	/* a reserved type (> 7): the widest fence, GVMA_ALL */
	l1_hfence(f, 0, 8, 0, 1, 2, 0x10, 1);
	/* a "reserved and must be zero" bit set */
	l1_hfence(f, 1, SBI_NACL_HFENCE_VVMA, 0, 1, 0, 0x10, 1);
	shm_set_word(f, 0x800 + 32, shm_word(f, 0x800 + 32) | (1UL << 55));
	/* Order so large the page size has no XLEN-bit value */
	l1_hfence(f, 2, SBI_NACL_HFENCE_GVMA_VMID, 52, 4, 0, 1, 1);
	/* Page_Number beyond the address space */
	l1_hfence(f, 3, SBI_NACL_HFENCE_VVMA_ASID, 0, 4, 5, 1UL << 60, 1);
	/* a range that wraps past 2^64 */
	l1_hfence(f, 4, SBI_NACL_HFENCE_GVMA, 0, 0, 0, (~0UL >> 12), 2);
	/* Page_Count beyond the address space */
	l1_hfence(f, 5, SBI_NACL_HFENCE_VVMA, 0, 4, 0, 0, 1UL << 60);
	/* zero pages: nothing to do, but the entry is consumed */
	l1_hfence(f, 6, SBI_NACL_HFENCE_GVMA, 0, 0, 0, 0x10, 0);
	/* the last page of the address space is a valid range */
	l1_hfence(f, 7, SBI_NACL_HFENCE_GVMA, 0, 0, 0, (~0UL >> 12), 1);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_HFENCE, ~0UL, 0, 0).error, SBI_SUCCESS);
	CHECK_EQ(f->m.hfence_calls, 7);
	CHECK_EQ(h[0].type, SBI_NESTED_HFENCE_GVMA_ALL);
	CHECK_EQ(h[0].vmid + h[0].asid, 0);
	CHECK_EQ(h[1].type, SBI_NESTED_HFENCE_GVMA_ALL);
	CHECK_EQ(h[2].type, SBI_NESTED_HFENCE_GVMA_VMID_ALL);
	CHECK_EQ(h[2].vmid, 4);
	CHECK_EQ(h[3].type, SBI_NESTED_HFENCE_VVMA_ASID_ALL);
	CHECK_EQ(h[3].asid, 5);
	CHECK_EQ(h[4].type, SBI_NESTED_HFENCE_GVMA_ALL);
	CHECK_EQ(h[5].type, SBI_NESTED_HFENCE_VVMA_ALL);
	CHECK_EQ(h[6].type, SBI_NESTED_HFENCE_GVMA);
	CHECK_EQ(h[6].start, ~0xfffUL);
	CHECK_EQ(h[6].size, 0x1000);
	for (unsigned long i = 0; i < 8; i++)
		CHECK(!(shm_word(f, 0x800 + i * 32) & (1UL << 63)));
}

TEST(nacl_sync_hfence_failures)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);

	set_shmem(f);
	l1_hfence(f, 0, SBI_NACL_HFENCE_GVMA_ALL, 0, 0, 0, 0, 0);
	/* L0 refused: FAILED, and the entry stays pending */
	f->m.hfence_fail = true;
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_HFENCE, ~0UL, 0, 0).error,
		 SBI_ERR_FAILED);
	CHECK(shm_word(f, 0x800) & (1UL << 63));
	f->m.hfence_fail = false;
	f->m.guest_read_calls = 0;
	f->m.guest_read_fail_at = 1; /* the entry */
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_HFENCE, 0, 0, 0).error, SBI_ERR_FAILED);
	f->m.guest_read_calls = 0;
	f->m.guest_read_fail_at = 3; /* the third block of 15 entries */
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_HFENCE, ~0UL, 0, 0).error,
		 SBI_ERR_FAILED);
	CHECK_EQ(f->m.guest_read_calls, 3);
	f->m.guest_read_fail_at = 0;
	l1_hfence(f, 0, SBI_NACL_HFENCE_GVMA_ALL, 0, 0, 0, 0, 0);
	f->m.guest_write_calls = 0;
	f->m.guest_write_fail_at = 1; /* clearing Pending */
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_HFENCE, 0, 0, 0).error, SBI_ERR_FAILED);
	CHECK_EQ(f->m.copies_outside, 0);
}

/* ---- SYNC_SRET and AUTOSWAP_CSR ------------------------------------------ */

TEST(nacl_sync_sret_syncs_then_enters)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);
	struct sbi_nested_result r;

	set_shmem(f);
	for (unsigned long i = 0; i < 32; i++)
		shm_set_word(f, i * 8, 0x100 + i);
	l1_write_csr(f, CSR_HVIP, 0x4);
	l1_hfence(f, 2, SBI_NACL_HFENCE_GVMA, 0, 0, 0, 0x80200, 1);
	r = nacl(f, SBI_NACL_SYNC_SRET, 0, 0, 0);
	/* "This function does not return upon success" */
	CHECK_EQ(r.action, SBI_NESTED_NO_RETURN);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(f->m.sret_calls, 1);
	/* the CSRs and HFENCEs were synchronized before the SRET */
	CHECK_EQ(f->m.hcsr_writes_at_sret, 1);
	CHECK_EQ(f->m.hfence_calls_at_sret, 1);
	CHECK_EQ(f->m.hcsr[CSR_HVIP], 0x4);
	CHECK(!dirty(f, CSR_HVIP));
	CHECK(!(shm_word(f, 0x800 + 2 * 32) & (1UL << 63)));
	/* X<i> at <i> * (XLEN / 8); the reserved word 0 is not a register */
	CHECK_EQ(f->m.sret_gpr[0], 0);
	for (unsigned long i = 1; i < 32; i++)
		CHECK_EQ(f->m.sret_gpr[i], 0x100 + i);
	/* SRET on a hart without shared memory */
	CHECK_EQ(nacl_from(f, 3, SBI_NACL_SYNC_SRET, 0).error,
		 SBI_ERR_NO_SHMEM);
	CHECK_EQ(nacl_from(f, 3, SBI_NACL_SYNC_SRET, 0).action,
		 SBI_NESTED_CONTINUE);
}

TEST(nacl_sync_sret_without_the_other_features)
{
	struct mock_fx *f =
		nacl_setup(SBI_NESTED_NACL_BIT(SBI_NACL_FEAT_SYNC_SRET));

	set_shmem(f);
	/* "If SBI_NACL_FEAT_SYNC_CSR feature is available then ...": it is
	 * not, so neither CSRs nor HFENCEs are touched, even on failure */
	f->m.sret_fail = true;
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_SRET, 0, 0, 0).error, SBI_ERR_FAILED);
	f->m.sret_fail = false;
	l1_write_csr(f, CSR_HVIP, 0x4);
	l1_hfence(f, 0, SBI_NACL_HFENCE_GVMA_ALL, 0, 0, 0, 0, 0);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_SRET, 0, 0, 0).action,
		 SBI_NESTED_NO_RETURN);
	CHECK_EQ(f->m.hcsr_writes, 0);
	CHECK_EQ(f->m.hfence_calls, 0);
	CHECK(dirty(f, CSR_HVIP));
	/* SYNC_SRET off */
	f = nacl_setup(SBI_NESTED_NACL_BIT(SBI_NACL_FEAT_SYNC_CSR));
	set_shmem(f);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_SRET, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(f->m.sret_calls, 0);
}

TEST(nacl_sync_sret_failures)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);
	struct sbi_nested_result r;

	set_shmem(f);
	/* L0 could not enter: an ordinary error return */
	f->m.sret_fail = true;
	r = nacl(f, SBI_NACL_SYNC_SRET, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_FAILED);
	CHECK_EQ(r.action, SBI_NESTED_CONTINUE);
	f->m.sret_fail = false;
	/* a CSR sync failed: no SRET */
	l1_write_csr(f, CSR_HVIP, 0x4);
	f->m.hcsr_write_fail_at = f->m.hcsr_writes + 1;
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_SRET, 0, 0, 0).error, SBI_ERR_FAILED);
	CHECK_EQ(f->m.sret_calls, 1);
	f->m.hcsr_write_fail_at = 0;
	/* an HFENCE failed: no SRET; L1 runs on, so the CSR space is
	 * brought up to date at once (hip follows the hvip just written) */
	l1_hfence(f, 0, SBI_NACL_HFENCE_GVMA_ALL, 0, 0, 0, 0, 0);
	l1_write_csr(f, CSR_HVIP, 0x4);
	f->m.hcsr[CSR_HIP] = 0x4;
	f->m.hfence_fail = true;
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_SRET, 0, 0, 0).error, SBI_ERR_FAILED);
	CHECK_EQ(f->m.sret_calls, 1);
	CHECK_EQ(f->m.hcsr[CSR_HVIP], 0x4);
	CHECK_EQ(csr_word(f, CSR_HIP), 0x4);
	f->m.hfence_fail = false;
	/* the GPR area could not be read (the last read before SRET) */
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_SRET, 0, 0, 0).action,
		 SBI_NESTED_NO_RETURN);
	CHECK_EQ(f->m.sret_calls, 2);
	f->m.guest_read_calls = 0;
	/* dirty bitmap, 4 blocks of HFENCE entries, autoswap flags, GPRs */
	f->m.guest_read_fail_at = 1 + 4 + 1 + 1;
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_SRET, 0, 0, 0).error, SBI_ERR_FAILED);
	CHECK_EQ(f->m.sret_calls, 2);
}

TEST(nacl_autoswap_hstatus)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);
	unsigned long l1_hstatus = 0x200000180UL; /* SPV, SPVP, VSXL */

	set_shmem(f);
	f->m.hcsr[CSR_HSTATUS] = 0x200000000UL;
	/* "Write the HSTATUS swap value ... Set Autoswap_Flags.HSTATUS" */
	shm_set_word(f, 0x208, l1_hstatus);
	shm_set_word(f, 0x200, 1);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_SRET, 0, 0, 0).action,
		 SBI_NESTED_NO_RETURN);
	/* swapped "before emulating the SRET instruction" */
	CHECK_EQ(f->m.sret_hstatus, l1_hstatus);
	CHECK_EQ(shm_word(f, 0x208), 0x200000000UL);
	/* L2 traps; L0 sets the trap's hstatus, then virtualization goes
	 * OFF: swapped back, and the CSR space shows the result */
	f->m.hcsr[CSR_HSTATUS] = 0x2000000c0UL;
	CHECK_EQ(sbi_nested_nacl_virt_off(&f->sn, 0), SBI_NESTED_OK);
	CHECK_EQ(f->m.hcsr[CSR_HSTATUS], 0x200000000UL);
	CHECK_EQ(shm_word(f, 0x208), 0x2000000c0UL);
	CHECK_EQ(csr_word(f, CSR_HSTATUS), 0x200000000UL);

	/* flag clear: no swap */
	shm_set_word(f, 0x200, 0);
	f->m.hcsr_writes = 0;
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_SRET, 0, 0, 0).action,
		 SBI_NESTED_NO_RETURN);
	CHECK_EQ(f->m.hcsr_writes, 0);
	CHECK_EQ(sbi_nested_nacl_virt_off(&f->sn, 0), SBI_NESTED_OK);
	CHECK_EQ(f->m.hcsr[CSR_HSTATUS], 0x200000000UL);
	/* feature off: no swap even with the flag set */
	f = nacl_setup(SBI_NESTED_NACL_ALL &
		       ~SBI_NESTED_NACL_BIT(SBI_NACL_FEAT_AUTOSWAP_CSR));
	set_shmem(f);
	shm_set_word(f, 0x208, l1_hstatus);
	shm_set_word(f, 0x200, 1);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_SRET, 0, 0, 0).action,
		 SBI_NESTED_NO_RETURN);
	CHECK_EQ(f->m.sret_hstatus, 0x1000UL + CSR_HSTATUS);
}

TEST(nacl_autoswap_failures)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);

	set_shmem(f);
	shm_set_word(f, 0x200, 1);
	/* flags word unreadable */
	f->m.guest_read_calls = 0;
	f->m.guest_read_fail_at = 1;
	CHECK_EQ(sbi_nested_nacl_virt_off(&f->sn, 0), SBI_NESTED_OUTSIDE);
	/* HSTATUS word unreadable */
	f->m.guest_read_calls = 0;
	f->m.guest_read_fail_at = 2;
	CHECK_EQ(sbi_nested_nacl_virt_off(&f->sn, 0), SBI_NESTED_OUTSIDE);
	f->m.guest_read_fail_at = 0;
	/* HSTATUS word unwritable */
	f->m.guest_write_calls = 0;
	f->m.guest_write_fail_at = 1;
	CHECK_EQ(sbi_nested_nacl_virt_off(&f->sn, 0), SBI_NESTED_OUTSIDE);
	f->m.guest_write_fail_at = 0;
	/* both sides equal (the failed write-back above left them so): the
	 * swap changes nothing and asks L0 for nothing */
	f->m.hcsr_write_fail_at = f->m.hcsr_writes + 1;
	CHECK_EQ(sbi_nested_nacl_virt_off(&f->sn, 0), SBI_NESTED_OK);
	/* L0 refuses the hstatus write (the sides differ) */
	shm_set_word(f, 0x208, f->m.hcsr[CSR_HSTATUS] ^ 0x100);
	CHECK_EQ(sbi_nested_nacl_virt_off(&f->sn, 0), SBI_NESTED_OUTSIDE);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_SRET, 0, 0, 0).action,
		 SBI_NESTED_NO_RETURN);
	shm_set_word(f, 0x208, f->m.hcsr[CSR_HSTATUS] ^ 0x100);
	f->m.hcsr_write_fail_at = f->m.hcsr_writes + 1;
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_SRET, 0, 0, 0).error, SBI_ERR_FAILED);
}

/* ---- L0's hooks -----------------------------------------------------------
 */

TEST(nacl_csr_changed_keeps_the_csr_space_current)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);

	/* no shared memory: nothing to do, nothing touched */
	CHECK_EQ(sbi_nested_nacl_csr_changed(&f->sn, 0), SBI_NESTED_OK);
	CHECK_EQ(sbi_nested_nacl_virt_off(&f->sn, 0), SBI_NESTED_OK);
	CHECK_EQ(f->m.guest_write_calls, 0);
	set_shmem(f);
	/* L0 emulated a trap from L2: htval, htinst, hstatus changed */
	f->m.hcsr[CSR_HTVAL] = 0x20000400;
	f->m.hcsr[CSR_HTINST] = 0x3023;
	/* L1 has a pending hvip write: its word is not overwritten */
	l1_write_csr(f, CSR_HVIP, 0x4);
	CHECK_EQ(sbi_nested_nacl_csr_changed(&f->sn, 0), SBI_NESTED_OK);
	CHECK_EQ(csr_word(f, CSR_HTVAL), 0x20000400);
	CHECK_EQ(csr_word(f, CSR_HTINST), 0x3023);
	CHECK_EQ(csr_word(f, CSR_HVIP), 0x4);
	CHECK(dirty(f, CSR_HVIP));
	CHECK_EQ(f->m.hcsr_writes, 0);
	/* shared memory gone */
	f->m.guest_read_calls = 0;
	f->m.guest_read_fail_at = 1;
	CHECK_EQ(sbi_nested_nacl_csr_changed(&f->sn, 0), SBI_NESTED_OUTSIDE);
	f->m.guest_read_fail_at = 0;
	/* a hart that does not exist, NACL switched off: nothing */
	CHECK_EQ(sbi_nested_nacl_csr_changed(&f->sn, MOCK_NHARTS),
		 SBI_NESTED_OK);
	f->cfg.nacl_features = 0;
	f->m.guest_write_calls = 0;
	CHECK_EQ(sbi_nested_nacl_csr_changed(&f->sn, 0), SBI_NESTED_OK);
	CHECK_EQ(f->m.guest_write_calls, 0);
	CHECK_EQ(f->m.bad_hart_calls, 0);
}

/* ---- fuzz -----------------------------------------------------------------
 */

static uint64_t nrng_state = 0x243f6a8885a308d3ULL;

static uint64_t nrng(void)
{
	nrng_state ^= nrng_state >> 12;
	nrng_state ^= nrng_state << 25;
	nrng_state ^= nrng_state >> 27;
	return nrng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned long nacl_fuzz_arg(void)
{
	static const unsigned long edges[] = {
		0,	~0UL,	      SHM,	 SHM + 8,	MOCK_MEM_BASE,
		0x1000, 1UL << 63,    CSR_HVIP,	 CSR_HSTATEEN0, 59,
		60,	0xffffffffUL, CSR_VSATP, 0x6ff,
	};
	uint64_t r = nrng();

	if (r & 1)
		return edges[(r >> 1) % (sizeof(edges) / sizeof(edges[0]))];
	return (unsigned long)(r >> 1);
}

TEST(nacl_fuzz_invariants)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);
	long entered = 0;

	for (long n = 0; n < 50000; n++) {
		struct sbi_nested_request req = {
			.eid = SBI_EXT_NACL,
			.fid = nrng() % 6,
			.hartid = nrng() % MOCK_NHARTS,
		};
		struct sbi_nested_result res;

		for (int i = 0; i < 6; i++)
			req.args[i] = nacl_fuzz_arg();
		if (nrng() % 8 == 0) {
			/* a valid set_shmem often enough to reach the rest */
			req.fid = SBI_NACL_SET_SHMEM;
			req.args[0] = SHM;
			req.args[1] = req.args[2] = 0;
		}
		/* L1 scribbles on its shared memory as it likes */
		f->m.mem[SHM_OFF(nrng() % SBI_NACL_SHMEM_SIZE)] =
			(unsigned char)nrng();
		f->cfg.nacl_features = nrng() % (SBI_NESTED_NACL_ALL + 1);
		sbi_nested_dispatch(&f->sn, &req, &res);
		if (n % 97 == 0)
			sbi_nested_nacl_virt_off(&f->sn, req.hartid);

		CHECK(res.error <= SBI_SUCCESS && res.error >= SBI_ERR_IO);
		if (res.action == SBI_NESTED_NO_RETURN) {
			entered++;
			CHECK(req.fid == SBI_NACL_SYNC_SRET);
			CHECK(res.error == SBI_SUCCESS);
		} else {
			CHECK_EQ(res.action, SBI_NESTED_CONTINUE);
		}
		if (f->m.copies_outside || f->m.bad_hart_calls) {
			CHECK_EQ(f->m.copies_outside, 0);
			CHECK_EQ(f->m.bad_hart_calls, 0);
			printf("  after call %ld: fid %lu\n", n, req.fid);
			return;
		}
	}
	/* the run did get shared memory set and L2 entered */
	CHECK(entered > 0);
	CHECK(f->m.hcsr_writes > 0 || f->m.hfence_calls > 0);
}

TEST(nacl_write_back_only_what_changed)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);

	set_shmem(f);
	/* a word L1 overwrote without marking it dirty (outside the
	 * protocol): the hooks and SYNC_SRET rewrite only CSRs that
	 * changed, an explicit SYNC_CSR rewrites every one (its step 5) */
	shm_set_word(f, csr_off(CSR_HEDELEG), 0xdead);
	f->m.hcsr[CSR_HTVAL] = 0x99;
	f->m.guest_write_calls = 0;
	CHECK_EQ(sbi_nested_nacl_csr_changed(&f->sn, 0), SBI_NESTED_OK);
	CHECK_EQ(f->m.guest_write_calls, 1);
	CHECK_EQ(csr_word(f, CSR_HTVAL), 0x99);
	CHECK_EQ(csr_word(f, CSR_HEDELEG), 0xdead);
	/* nothing dirty: SYNC_SRET has no CSR to look at */
	f->m.hcsr_reads = 0;
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_SRET, 0, 0, 0).action,
		 SBI_NESTED_NO_RETURN);
	CHECK_EQ(f->m.hcsr_reads, 0);
	CHECK_EQ(csr_word(f, CSR_HEDELEG), 0xdead);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, ~0UL, 0, 0).error, SBI_SUCCESS);
	CHECK_EQ(csr_word(f, CSR_HEDELEG), 0x1000UL + CSR_HEDELEG);
	/* a failed write forgets what the word holds: written next time */
	f->m.hcsr[CSR_HTINST] = 0x17;
	f->m.guest_write_calls = 0;
	f->m.guest_write_fail_at = 1;
	CHECK_EQ(sbi_nested_nacl_csr_changed(&f->sn, 0), SBI_NESTED_OUTSIDE);
	f->m.guest_write_fail_at = 0;
	CHECK_EQ(sbi_nested_nacl_csr_changed(&f->sn, 0), SBI_NESTED_OK);
	CHECK_EQ(csr_word(f, CSR_HTINST), 0x17);
	/* set_shmem again: every word is written, changed or not */
	shm_set_word(f, csr_off(CSR_HEDELEG), 0xdead);
	set_shmem(f);
	CHECK_EQ(csr_word(f, CSR_HEDELEG), 0x1000UL + CSR_HEDELEG);
}

/* One scripted session of every function; what it leaves in memory and in
 * L0's logs must not depend on how L0 reaches the shared memory. */
static void scripted_session(struct mock_fx *f)
{
	set_shmem(f);
	l1_write_csr(f, CSR_HVIP, 0x4);
	l1_write_csr(f, CSR_HGATP, 0x8000000000000042UL);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, CSR_HGATP, 0, 0).error,
		 SBI_SUCCESS);
	l1_hfence(f, 0, SBI_NACL_HFENCE_GVMA, 0, 0, 0, 0x80200, 1);
	l1_hfence(f, 17, SBI_NACL_HFENCE_VVMA_ALL, 0, 1, 0, 0, 0);
	l1_hfence(f, 59, SBI_NACL_HFENCE_GVMA_VMID_ALL, 0, 1, 0, 0, 0);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_HFENCE, 17, 0, 0).error, SBI_SUCCESS);
	for (unsigned long i = 0; i < 32; i++)
		shm_set_word(f, i * 8, 0x300 + i);
	shm_set_word(f, 0x208, 0x2000001c0UL);
	shm_set_word(f, 0x200, 1);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_SRET, 0, 0, 0).action,
		 SBI_NESTED_NO_RETURN);
	f->m.hcsr[CSR_HTVAL] = 0x1234;
	CHECK_EQ(sbi_nested_nacl_virt_off(&f->sn, 0), SBI_NESTED_OK);
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_CSR, ~0UL, 0, 0).error, SBI_SUCCESS);
}

TEST(nacl_direct_map_same_results)
{
	static unsigned char mem_copied[MOCK_MEM_SIZE];
	static struct sbi_nested_hfence fences[MOCK_MAX_CALLS];
	static unsigned long gpr[32];
	int nfences, nwrites;
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);

	/* through guest_read/guest_write */
	scripted_session(f);
	CHECK(f->m.nacl[0].host == NULL);
	memcpy(mem_copied, f->m.mem, sizeof(mem_copied));
	memcpy(fences, f->m.hfences, sizeof(fences));
	memcpy(gpr, f->m.sret_gpr, sizeof(gpr));
	nfences = f->m.hfence_calls;
	nwrites = f->m.hcsr_writes;

	/* through L0's mapping: no copies at all after set_shmem */
	f = nacl_setup(SBI_NESTED_NACL_ALL);
	f->ops.guest_map = mock_guest_map;
	scripted_session(f);
	CHECK(f->m.nacl[0].host != NULL);
	CHECK_EQ(f->m.map_calls, 1);
	CHECK_EQ(f->m.guest_read_calls, 0);
	CHECK_EQ(f->m.guest_write_calls, 0);
	CHECK(memcmp(mem_copied, f->m.mem, sizeof(mem_copied)) == 0);
	CHECK_EQ(f->m.hfence_calls, nfences);
	CHECK(memcmp(fences, f->m.hfences, sizeof(fences)) == 0);
	/* x1..x31: the mapped SRET context is handed over in place, and
	 * gpr[0] (the "Reserved" x0 slot) is unused by the service */
	CHECK(memcmp(gpr + 1, f->m.sret_gpr + 1,
		     sizeof(gpr) - sizeof(gpr[0])) == 0);
	CHECK_EQ(f->m.hcsr_writes, nwrites);
	/* disabling forgets the mapping */
	CHECK_EQ(nacl(f, SBI_NACL_SET_SHMEM, ~0UL, ~0UL, 0).error, SBI_SUCCESS);
	CHECK(f->m.nacl[0].host == NULL);

	/* L0 cannot map it in one piece: copies, same results */
	f = nacl_setup(SBI_NESTED_NACL_ALL);
	f->ops.guest_map = mock_guest_map;
	f->m.map_refuse = true;
	scripted_session(f);
	CHECK(f->m.nacl[0].host == NULL);
	CHECK(f->m.guest_read_calls > 0);
	CHECK(memcmp(mem_copied, f->m.mem, sizeof(mem_copied)) == 0);
	CHECK_EQ(f->m.copies_outside, 0);
}

TEST(nacl_direct_map_hfence_refused)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);

	f->ops.guest_map = mock_guest_map;
	set_shmem(f);
	l1_hfence(f, 5, SBI_NACL_HFENCE_GVMA_ALL, 0, 0, 0, 0, 0);
	l1_hfence(f, 6, SBI_NACL_HFENCE_GVMA_ALL, 0, 0, 0, 0, 0);
	f->m.hfence_fail = true;
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_HFENCE, ~0UL, 0, 0).error,
		 SBI_ERR_FAILED);
	/* stopped at the first refusal; both entries still pending */
	CHECK_EQ(f->m.hfence_calls, 1);
	CHECK(shm_word(f, 0x800 + 5 * 32) & (1UL << 63));
	CHECK(shm_word(f, 0x800 + 6 * 32) & (1UL << 63));
	f->m.hfence_fail = false;
	CHECK_EQ(nacl(f, SBI_NACL_SYNC_HFENCE, 6, 0, 0).error, SBI_SUCCESS);
	CHECK(!(shm_word(f, 0x800 + 6 * 32) & (1UL << 63)));
	CHECK(shm_word(f, 0x800 + 5 * 32) & (1UL << 63));
	CHECK_EQ(f->m.guest_read_calls, 0);
}

/* Linux KVM with SYNC_CSR and without SYNC_SRET writes h* CSRs into the
 * CSR space and enters L2 with a real SRET, never calling SYNC_CSR: L0
 * applies the dirty CSRs when that SRET traps (sbi_nested_nacl_sret_trapped).
 */
TEST(nacl_trapped_sret_applies_dirty_csrs)
{
	struct mock_fx *f =
		nacl_setup(SBI_NESTED_NACL_BIT(SBI_NACL_FEAT_SYNC_CSR));

	/* no shared memory yet: nothing to do, nothing read */
	f->m.guest_read_calls = 0;
	CHECK_EQ(sbi_nested_nacl_sret_trapped(&f->sn, 0), SBI_NESTED_OK);
	CHECK_EQ(f->m.guest_read_calls, 0);
	set_shmem(f);
	l1_write_csr(f, CSR_HVIP, 0x4);
	f->m.hcsr_writes = 0;
	CHECK_EQ(sbi_nested_nacl_sret_trapped(&f->sn, 0), SBI_NESTED_OK);
	CHECK_EQ(f->m.hcsr[CSR_HVIP], 0x4);
	CHECK_EQ(write_pos(f, CSR_HVIP), 0);
	CHECK(!dirty(f, CSR_HVIP));
	/* nothing dirty: no CSR written */
	f->m.hcsr_writes = 0;
	CHECK_EQ(sbi_nested_nacl_sret_trapped(&f->sn, 0), SBI_NESTED_OK);
	CHECK_EQ(f->m.hcsr_writes, 0);
	/* the dirty bitmap unreadable */
	l1_write_csr(f, CSR_HVIP, 0x0);
	f->m.guest_read_calls = 0;
	f->m.guest_read_fail_at = 1;
	CHECK_EQ(sbi_nested_nacl_sret_trapped(&f->sn, 0), SBI_NESTED_OUTSIDE);
	f->m.guest_read_fail_at = 0;

	/* SYNC_CSR not offered: the CSR space is L1's scratch, not applied */
	f = nacl_setup(SBI_NESTED_NACL_BIT(SBI_NACL_FEAT_SYNC_HFENCE));
	set_shmem(f);
	l1_write_csr(f, CSR_HVIP, 0x4);
	f->m.hcsr_writes = 0;
	CHECK_EQ(sbi_nested_nacl_sret_trapped(&f->sn, 0), SBI_NESTED_OK);
	CHECK_EQ(f->m.hcsr_writes, 0);
	CHECK(dirty(f, CSR_HVIP));
}

/* ---- write-back of what L0 changed ----------------------------------------
 */

/* L0 says where it keeps hstatus, htval and vsepc; hip it computes. */
static const unsigned long *mock_hcsr_addr(void *ctx, unsigned long hartid,
					   unsigned csr)
{
	struct mock *m = ctx;

	(void)hartid;
	return csr == CSR_HSTATUS || csr == CSR_HTVAL || csr == CSR_VSEPC
		       ? &m->hcsr[csr]
		       : NULL;
}

TEST(nacl_changed_writes_back_only_what_changed)
{
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);
	unsigned long mask = sbi_nested_nacl_csr_bit(CSR_HTVAL) |
			     sbi_nested_nacl_csr_bit(CSR_HIP) |
			     sbi_nested_nacl_csr_bit(CSR_VSEPC) |
			     sbi_nested_nacl_csr_bit(CSR_HVIP);
	int reads;

	CHECK_EQ(sbi_nested_nacl_csr_bit(CSR_SSTATUS), 0);
	CHECK(sbi_nested_nacl_csr_bit(CSR_HSTATUS) != 0);
	/* no shared memory: nothing */
	CHECK_EQ(sbi_nested_nacl_virt_off_changed(&f->sn, 0, mask),
		 SBI_NESTED_OK);
	f->ops.guest_map = mock_guest_map;
	f->ops.hcsr_addr = mock_hcsr_addr;
	set_shmem(f);
	/* L2 exited: L0 changed htval, hip, vsepc; L1 has an hvip write
	 * pending (its word stays), hedeleg changed but is not named */
	f->m.hcsr[CSR_HTVAL] = 0x20000400;
	f->m.hcsr[CSR_HIP] = 0x4;
	f->m.hcsr[CSR_VSEPC] = 0x80001000;
	f->m.hcsr[CSR_HEDELEG] = 0x100;
	l1_write_csr(f, CSR_HVIP, 0x40);
	reads = f->m.hcsr_reads;
	CHECK_EQ(sbi_nested_nacl_virt_off_changed(&f->sn, 0, mask),
		 SBI_NESTED_OK);
	CHECK_EQ(csr_word(f, CSR_HTVAL), 0x20000400);
	CHECK_EQ(csr_word(f, CSR_HIP), 0x4);
	CHECK_EQ(csr_word(f, CSR_VSEPC), 0x80001000);
	CHECK_EQ(csr_word(f, CSR_HVIP), 0x40);
	CHECK(dirty(f, CSR_HVIP));
	CHECK(csr_word(f, CSR_HEDELEG) != 0x100);
	/* htval and vsepc were loads through hcsr_addr; hip and hvip service
	 * calls (a value is compared before its dirty bit is looked at) */
	CHECK_EQ(f->m.hcsr_reads, reads + 2);
	CHECK_EQ(f->m.hcsr_writes, 0);
	/* a word that already holds the value is not written again: L1's
	 * own (bogus) write to a word it did not mark dirty survives */
	shm_set_word(f, csr_off(CSR_HTVAL), 0x1234);
	CHECK_EQ(sbi_nested_nacl_csrs_changed(&f->sn, 0, mask), SBI_NESTED_OK);
	CHECK_EQ(csr_word(f, CSR_HTVAL), 0x1234);
	f->m.hcsr[CSR_HTVAL] = 0x5678;
	CHECK_EQ(sbi_nested_nacl_csrs_changed(&f->sn, 0, mask), SBI_NESTED_OK);
	CHECK_EQ(csr_word(f, CSR_HTVAL), 0x5678);
	/* a CSR L0 does not implement is skipped */
	f->m.hcsr_exists[CSR_HIP] = false;
	CHECK_EQ(sbi_nested_nacl_csrs_changed(&f->sn, 0, mask), SBI_NESTED_OK);
	/* an autoswap that fails is reported */
	shm_set_word(f, 0x200, 1);
	f->m.hcsr_write_fail_at = f->m.hcsr_writes + 1;
	CHECK_EQ(sbi_nested_nacl_virt_off_changed(&f->sn, 0, mask),
		 SBI_NESTED_OUTSIDE);
	f->m.hcsr_write_fail_at = 0;
	/* without L0's mapping: the full pass (every CSR written back) */
	f = nacl_setup(SBI_NESTED_NACL_ALL);
	set_shmem(f);
	f->m.hcsr[CSR_HEDELEG] = 0x100;
	CHECK_EQ(sbi_nested_nacl_csrs_changed(&f->sn, 0, mask), SBI_NESTED_OK);
	CHECK_EQ(csr_word(f, CSR_HEDELEG), 0x100);
}

/* SYNC_SRET's direct route (L0's ecall path) gives what the dispatch
 * gives: offered exactly when the dispatch would reach SYNC_SRET, and the
 * same result in each state of the call. */
static struct sbi_nested_result direct_sret(struct mock_fx *f,
					    unsigned long hartid)
{
	struct sbi_nested_result res;

	memset(&res, 0x5a, sizeof(res));
	sbi_nested_nacl_sync_sret(&f->sn, hartid, &res);
	return res;
}

static void check_same_result(struct sbi_nested_result a,
			      struct sbi_nested_result b)
{
	CHECK_EQ(a.error, b.error);
	CHECK_EQ(a.action, b.action);
	CHECK_EQ(a.legacy_a0_only, b.legacy_a0_only);
	if (a.action == SBI_NESTED_CONTINUE)
		CHECK_EQ(a.value, b.value);
}

TEST(nacl_sync_sret_direct_is_the_dispatch)
{
	/* mock_setup's fixture is static: the second one is this */
	static struct mock_fx other;
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);
	struct mock_fx *g = &other;

	CHECK(sbi_nested_nacl_sret_direct(&f->sn));
	/* not where the dispatch would not reach SYNC_SRET */
	f->cfg.nacl_features = SBI_NESTED_NACL_BIT(SBI_NACL_FEAT_SYNC_CSR);
	CHECK(!sbi_nested_nacl_sret_direct(&f->sn));
	f->cfg.nacl_features = SBI_NESTED_NACL_ALL;
	f->cfg.ext_enabled &= ~SBI_NESTED_EXT_BIT(SBI_NESTED_EXT_NACL);
	CHECK(!sbi_nested_nacl_sret_direct(&f->sn));
	f->cfg.ext_enabled |= SBI_NESTED_EXT_BIT(SBI_NESTED_EXT_NACL);
	f->cfg.guest_has_h = false;
	CHECK(!sbi_nested_nacl_sret_direct(&f->sn));
	f->cfg.guest_has_h = true;
	CHECK(sbi_nested_nacl_sret_direct(&f->sn));

	/* each state on two fixtures, one called each way */
	mock_init(&g->m, &g->sn, &g->cfg, &g->ops);
	g->cfg.nacl_features = SBI_NESTED_NACL_ALL;
	check_same_result(direct_sret(f, 0),
			  nacl_from(g, 0, SBI_NACL_SYNC_SRET, 0));
	CHECK_EQ(direct_sret(f, 0).error, SBI_ERR_NO_SHMEM);
	check_same_result(direct_sret(f, MOCK_NHARTS),
			  nacl_from(g, MOCK_NHARTS, SBI_NACL_SYNC_SRET, 0));
	set_shmem(f);
	set_shmem(g);
	for (unsigned long i = 0; i < 32; i++) {
		shm_set_word(f, i * 8, 0x200 + i);
		shm_set_word(g, i * 8, 0x200 + i);
	}
	l1_write_csr(f, CSR_HVIP, 0x4);
	l1_write_csr(g, CSR_HVIP, 0x4);
	l1_hfence(f, 5, SBI_NACL_HFENCE_GVMA, 0, 0, 0, 0x80200, 1);
	l1_hfence(g, 5, SBI_NACL_HFENCE_GVMA, 0, 0, 0, 0x80200, 1);
	check_same_result(direct_sret(f, 0),
			  nacl_from(g, 0, SBI_NACL_SYNC_SRET, 0));
	CHECK_EQ(f->m.sret_calls, 1);
	CHECK_EQ(f->m.hcsr_writes_at_sret, g->m.hcsr_writes_at_sret);
	CHECK_EQ(f->m.hfence_calls_at_sret, g->m.hfence_calls_at_sret);
	CHECK(memcmp(f->m.mem, g->m.mem, MOCK_MEM_SIZE) == 0);
	CHECK(memcmp(f->m.sret_gpr + 1, g->m.sret_gpr + 1,
		     31 * sizeof(unsigned long)) == 0);
	/* L0 refused the SRET: an error return, a0 and a1 for L1 */
	f->m.sret_fail = g->m.sret_fail = true;
	check_same_result(direct_sret(f, 0),
			  nacl_from(g, 0, SBI_NACL_SYNC_SRET, 0));
	CHECK_EQ(direct_sret(f, 0).error, SBI_ERR_FAILED);
}

/* The in-place SRET pass looks at only the dirty-bitmap words that hold a
 * known CSR's bit: each known CSR written dirty is still applied there, and
 * a dirty bit of a CSR NACL does not know, in a word looked at or not,
 * changes nothing and stays set. */
TEST(nacl_in_place_pass_sees_every_known_csr)
{
	static const unsigned csrs[] = {
		CSR_HSTATUS,	CSR_HEDELEG,	CSR_HIDELEG,  CSR_HVIP,
		CSR_HIP,	CSR_HIE,	CSR_HGEIE,    CSR_HGEIP,
		CSR_HCOUNTEREN, CSR_HTIMEDELTA, CSR_HENVCFG,  CSR_HSTATEEN0,
		CSR_HTVAL,	CSR_HTINST,	CSR_HGATP,    CSR_VSSTATUS,
		CSR_VSIE,	CSR_VSIP,	CSR_VSTVEC,   CSR_VSSCRATCH,
		CSR_VSEPC,	CSR_VSCAUSE,	CSR_VSTVAL,   CSR_VSATP,
		CSR_VSTIMECMP,	CSR_HVICTL,	CSR_HVIPRIO1, CSR_HVIPRIO2,
		CSR_VSISELECT,
	};
	struct mock_fx *f = nacl_setup(SBI_NESTED_NACL_ALL);
	unsigned long implemented = 0;

	f->ops.guest_map = mock_guest_map;
	set_shmem(f);
	CHECK(f->m.nacl[0].host != NULL);
	for (size_t i = 0; i < sizeof(csrs) / sizeof(csrs[0]); i++) {
		CHECK(sbi_nested_nacl_csr_bit(csrs[i]) != 0);
		if (!f->m.hcsr_exists[csrs[i]])
			continue;
		implemented++;
		l1_write_csr(f, csrs[i], 0);
		f->m.hcsr_writes = 0;
		CHECK_EQ(sbi_nested_nacl_sret_trapped(&f->sn, 0),
			 SBI_NESTED_OK);
		CHECK_EQ(f->m.hcsr_writes, 1);
		CHECK_EQ(write_pos(f, csrs[i]), 0);
		CHECK(!dirty(f, csrs[i]));
	}
	CHECK(implemented > 20);
	/* 0x201 (index 1: a word looked at, no CSR NACL knows) and 0xeff
	 * (index 0x3ff: word 15, not looked at) */
	l1_write_csr(f, 0x201, 0);
	l1_write_csr(f, 0xeff, 0);
	f->m.hcsr_writes = 0;
	CHECK_EQ(sbi_nested_nacl_sret_trapped(&f->sn, 0), SBI_NESTED_OK);
	CHECK_EQ(f->m.hcsr_writes, 0);
	CHECK(dirty(f, 0x201));
	CHECK(dirty(f, 0xeff));
}
