/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: SBI dispatch (sbi-nested/), NACL's shared memory included.
 *
 * L0's services are sbi-nested/tests/mock.c's, except guest memory: here
 * it is a separate heap buffer of exactly GMEM_SIZE bytes at GPA
 * MOCK_MEM_BASE, kept POISONED for AddressSanitizer except (a) the NACL
 * shared memory each hart has registered, which sbi-nested reaches
 * through guest_map, (b) what guest_map handed out during the current
 * call, and (c) the bytes guest_read/guest_write copy. So any access by
 * sbi-nested to L1 memory it has not been given (outside the buffer, or
 * inside it but not through L0's services) is an ASan report.
 *
 * The input is a configuration (extensions enabled, NACL features, whether
 * guest_map exists) and a program: SBI calls with fuzzed EID, FID, a0..a5
 * and calling hart; writes into guest memory (anywhere, or into a hart's
 * shared memory: CSR space, dirty bitmap, HFENCE entries, scratch); and
 * L0's NACL hooks (CSR changed, virtualization off). Invariants after each
 * step: the error is one the SBI spec defines (legacy calls: their own
 * values), an extension that is disabled or absent answers
 * NOT_SUPPORTED, only HSM, SRST, legacy shutdown and NACL SYNC_SRET change
 * the caller's fate, and then with SBI_SUCCESS; no copy outside L1 memory
 * and no service asked about a hart that does not exist; a registered
 * shared memory is L1 memory where its GPA says.
 */
#include "fuzz.h"
#include "mock.h"

#include <rvnest/encoding.h>

#include <sanitizer/asan_interface.h>
#include <stdbool.h>
#include <string.h>

#define GMEM_SIZE (8 * PAGE_SIZE)
#define MAX_STEPS 64
#define MAX_CALL_MAPS 16

static struct mock_fx fx;
static uint8_t *gmem;
static struct {
	uint8_t *p;
	unsigned long len;
} call_maps[MAX_CALL_MAPS];
static unsigned ncall_maps;

static bool in_gmem(unsigned long gpa, unsigned long len)
{
	return gpa >= MOCK_MEM_BASE && len <= GMEM_SIZE &&
	       gpa - MOCK_MEM_BASE <= GMEM_SIZE - len;
}

/* Poison all of L1 memory but what sbi-nested holds through guest_map. */
static void repoison(void)
{
	ASAN_POISON_MEMORY_REGION(gmem, GMEM_SIZE);
	for (unsigned h = 0; h < MOCK_NHARTS; h++) {
		uint8_t *p = (uint8_t *)fx.m.nacl[h].host;
		if (!p)
			continue;
		FUZZ_CHECK(p >= gmem &&
				   p - gmem <= (long)(GMEM_SIZE -
						      SBI_NACL_SHMEM_SIZE) &&
				   fx.m.nacl[h].shmem_set &&
				   fx.m.nacl[h].shmem ==
					   MOCK_MEM_BASE +
						   (unsigned long)(p - gmem),
			   "hart %u shared memory %#lx held at %p", h,
			   fx.m.nacl[h].shmem, (void *)p);
		ASAN_UNPOISON_MEMORY_REGION(p, SBI_NACL_SHMEM_SIZE);
	}
	for (unsigned i = 0; i < ncall_maps; i++)
		ASAN_UNPOISON_MEMORY_REGION(call_maps[i].p, call_maps[i].len);
}

static enum sbi_nested_status g_check(void *ctx, unsigned long gpa,
				      unsigned long len,
				      enum sbi_nested_access access)
{
	struct mock *m = ctx;

	if (access == SBI_NESTED_ACCESS_EXEC && m->mem_noexec)
		return SBI_NESTED_OUTSIDE;
	return in_gmem(gpa, len ? len : 1) ? SBI_NESTED_OK : SBI_NESTED_OUTSIDE;
}

static enum sbi_nested_status g_read(void *ctx, unsigned long gpa, void *buf,
				     size_t len)
{
	struct mock *m = ctx;

	m->guest_read_calls++;
	if (!in_gmem(gpa, len)) {
		m->copies_outside++;
		return SBI_NESTED_OUTSIDE;
	}
	ASAN_UNPOISON_MEMORY_REGION(gmem + (gpa - MOCK_MEM_BASE), len);
	memcpy(buf, gmem + (gpa - MOCK_MEM_BASE), len);
	repoison();
	return SBI_NESTED_OK;
}

static enum sbi_nested_status g_write(void *ctx, unsigned long gpa,
				      const void *buf, size_t len)
{
	struct mock *m = ctx;

	m->guest_write_calls++;
	if (!in_gmem(gpa, len)) {
		m->copies_outside++;
		return SBI_NESTED_OUTSIDE;
	}
	ASAN_UNPOISON_MEMORY_REGION(gmem + (gpa - MOCK_MEM_BASE), len);
	memcpy(gmem + (gpa - MOCK_MEM_BASE), buf, len);
	repoison();
	return SBI_NESTED_OK;
}

static void *g_map(void *ctx, unsigned long gpa, unsigned long len)
{
	struct mock *m = ctx;

	m->map_calls++;
	if (!in_gmem(gpa, len)) {
		m->copies_outside++; /* only checked ranges may be mapped */
		return NULL;
	}
	if (m->map_refuse || ncall_maps == MAX_CALL_MAPS)
		return NULL;
	call_maps[ncall_maps].p = gmem + (gpa - MOCK_MEM_BASE);
	call_maps[ncall_maps].len = len;
	ncall_maps++;
	ASAN_UNPOISON_MEMORY_REGION(gmem + (gpa - MOCK_MEM_BASE), len);
	return gmem + (gpa - MOCK_MEM_BASE);
}

/* L1 (the harness) writes its own memory. */
static void l1_store(unsigned long off, const void *src, size_t len)
{
	if (off >= GMEM_SIZE)
		return;
	if (len > GMEM_SIZE - off)
		len = GMEM_SIZE - off;
	ASAN_UNPOISON_MEMORY_REGION(gmem, GMEM_SIZE);
	memcpy(gmem + off, src, len);
	repoison();
}

static unsigned long fuzz_arg(struct fuzz_in *in)
{
	static const unsigned long edges[] = {
		0,
		1,
		MOCK_NHARTS - 1,
		MOCK_NHARTS,
		~0UL,
		~0UL - 1,
		1UL << 63,
		0xffffffffUL,
		MOCK_MEM_BASE,
		MOCK_MEM_BASE - 1,
		MOCK_MEM_BASE + GMEM_SIZE - 1,
		MOCK_MEM_BASE + GMEM_SIZE,
		MOCK_MEM_BASE + GMEM_SIZE - SBI_NACL_SHMEM_SIZE,
		MOCK_MEM_BASE + GMEM_SIZE - SBI_NACL_SHMEM_SIZE + PAGE_SIZE,
		GMEM_SIZE,
		SBI_NACL_SHMEM_SIZE,
	};
	uint8_t k = fuzz_u8(in);

	switch (k % 4) {
	case 0:
		return edges[(k >> 2) % (sizeof(edges) / sizeof(edges[0]))];
	case 1:
		return k >> 2; /* small: counts, harts, types, CSR numbers */
	case 2:		       /* a page of L1 memory, or a place in it */
		return MOCK_MEM_BASE + (k & 4 ? (fuzz_u16(in) % GMEM_SIZE)
					      : (fuzz_u8(in) % 8) * PAGE_SIZE);
	default:
		return (unsigned long)fuzz_u64(in);
	}
}

static const unsigned long eids[] = {
	SBI_EXT_LEGACY_SET_TIMER,
	SBI_EXT_LEGACY_CONSOLE_PUTCHAR,
	SBI_EXT_LEGACY_CONSOLE_GETCHAR,
	SBI_EXT_LEGACY_CLEAR_IPI,
	SBI_EXT_LEGACY_SEND_IPI,
	SBI_EXT_LEGACY_REMOTE_FENCE_I,
	SBI_EXT_LEGACY_REMOTE_SFENCE_VMA,
	SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID,
	SBI_EXT_LEGACY_SHUTDOWN,
	SBI_EXT_BASE,
	SBI_EXT_TIME,
	SBI_EXT_IPI,
	SBI_EXT_RFENCE,
	SBI_EXT_HSM,
	SBI_EXT_SRST,
	SBI_EXT_DBCN,
	SBI_EXT_RVNEST,
	SBI_EXT_NACL,
	SBI_EXT_NACL,
	SBI_EXT_NACL,
	SBI_EXT_PMU,
	SBI_EXT_PMU,
	SBI_EXT_FWFT,
	SBI_EXT_DBTR,
	SBI_EXT_DBTR,
	SBI_EXT_SUSP,
	SBI_EXT_STA,
};

/* The switchable extension an EID belongs to, or -1 (none: absent). */
static int ext_of(unsigned long eid)
{
	if (eid <= SBI_EXT_LEGACY_SHUTDOWN)
		return SBI_NESTED_EXT_LEGACY;
	switch (eid) {
	case SBI_EXT_BASE:
		return SBI_NESTED_EXT_BASE;
	case SBI_EXT_TIME:
		return SBI_NESTED_EXT_TIME;
	case SBI_EXT_IPI:
		return SBI_NESTED_EXT_IPI;
	case SBI_EXT_RFENCE:
		return SBI_NESTED_EXT_RFENCE;
	case SBI_EXT_HSM:
		return SBI_NESTED_EXT_HSM;
	case SBI_EXT_SRST:
		return SBI_NESTED_EXT_SRST;
	case SBI_EXT_DBCN:
		return SBI_NESTED_EXT_DBCN;
	case SBI_EXT_RVNEST:
		return SBI_NESTED_EXT_RVNEST;
	case SBI_EXT_NACL:
		return SBI_NESTED_EXT_NACL;
	case SBI_EXT_FWFT:
		return SBI_NESTED_EXT_FWFT;
	case SBI_EXT_PMU:
		return SBI_NESTED_EXT_PMU;
	case SBI_EXT_DBTR:
		return SBI_NESTED_EXT_DBTR;
	default:
		return -1;
	}
}

static void call(struct fuzz_in *in)
{
	uint8_t k = fuzz_u8(in);
	struct sbi_nested_request req = {
		.eid = (k % 32) < sizeof(eids) / sizeof(eids[0])
			       ? eids[k % 32]
			       : (unsigned long)fuzz_u64(in),
		.fid = (k & 0x20) ? (unsigned long)fuzz_u64(in)
				  : fuzz_u8(in) % 8,
		.hartid = (k >> 6) % MOCK_NHARTS,
	};
	struct sbi_nested_result res;
	int ext = ext_of(req.eid);

	for (int i = 0; i < 6; i++)
		req.args[i] = fuzz_arg(in);
	fx.m.out_len = 0;
	fx.m.in = (k & 1) ? "xy" : NULL;
	memset(&res, 0x5a, sizeof(res)); /* every field must be set */
	ncall_maps = 0;
	sbi_nested_dispatch(&fx.sn, &req, &res);
	ncall_maps = 0;
	repoison();
	if (getenv("FUZZ_TRACE"))
		fprintf(stderr,
			"sbi: hart %lu eid %#lx fid %#lx a0 %#lx a1 %#lx a2 "
			"%#lx -> error %ld value %#lx action %d\n",
			req.hartid, req.eid, req.fid, req.args[0], req.args[1],
			req.args[2], res.error, (unsigned long)res.value,
			(int)res.action);

	bool absent = ext < 0 ||
		      (ext != SBI_NESTED_EXT_BASE &&
		       !(fx.cfg.ext_enabled & SBI_NESTED_EXT_BIT(ext))) ||
		      (ext == SBI_NESTED_EXT_NACL && !fx.cfg.nacl_features);
	if (absent)
		FUZZ_CHECK(res.error == SBI_ERR_NOT_SUPPORTED,
			   "absent eid %#lx answered %ld", req.eid, res.error);
	else if (req.eid == SBI_EXT_LEGACY_CONSOLE_GETCHAR)
		FUZZ_CHECK(res.error >= -1 && res.error <= 0xff, "getchar %ld",
			   res.error);
	else if (req.eid == SBI_EXT_LEGACY_CLEAR_IPI)
		FUZZ_CHECK(res.error == 0 || res.error == 1, "clear_ipi %ld",
			   res.error);
	else
		FUZZ_CHECK(res.error <= SBI_SUCCESS && res.error >= SBI_ERR_IO,
			   "eid %#lx fid %#lx: error %ld not in the spec",
			   req.eid, req.fid, res.error);
	FUZZ_CHECK(res.legacy_a0_only == (req.eid <= SBI_EXT_LEGACY_SHUTDOWN),
		   "eid %#lx legacy_a0_only %d", req.eid, res.legacy_a0_only);
	switch (res.action) {
	case SBI_NESTED_CONTINUE:
		break;
	case SBI_NESTED_SHUTDOWN:
	case SBI_NESTED_RESET:
		FUZZ_CHECK(!absent && (req.eid == SBI_EXT_SRST ||
				       req.eid == SBI_EXT_LEGACY_SHUTDOWN),
			   "eid %#lx resets", req.eid);
		break;
	case SBI_NESTED_HART_STOP:
	case SBI_NESTED_HART_SUSPEND:
		FUZZ_CHECK(!absent && req.eid == SBI_EXT_HSM,
			   "eid %#lx stops the hart", req.eid);
		break;
	case SBI_NESTED_NO_RETURN:
		FUZZ_CHECK(!absent && req.eid == SBI_EXT_NACL &&
				   req.fid == SBI_NACL_SYNC_SRET,
			   "eid %#lx fid %#lx does not return", req.eid,
			   req.fid);
		break;
	default:
		FUZZ_CHECK(false, "action %d", (int)res.action);
	}
	if (res.action != SBI_NESTED_CONTINUE)
		FUZZ_CHECK(res.error == SBI_SUCCESS, "action with error %ld",
			   res.error);
	/* DBTR: a trigger is programmed below exactly when one of L1's is
	 * mapped to it, on the same hart */
	for (unsigned h = 0; h < MOCK_NHARTS; h++) {
		unsigned long mapped = 0;

		for (unsigned i = 0; i < SBI_NESTED_DBTR_MAX; i++)
			if (fx.m.dbtr[h].trig[i].state)
				mapped |= 1UL << fx.m.dbtr[h].trig[i].hw;
		FUZZ_CHECK(mapped == fx.m.hw_used[h],
			   "hart %u: L1 triggers on %#lx, below %#lx", h,
			   mapped, fx.m.hw_used[h]);
	}
	FUZZ_CHECK(fx.m.copies_outside == 0 && fx.m.bad_hart_calls == 0,
		   "eid %#lx fid %#lx: %d copies outside L1 memory, %d calls "
		   "for harts that do not exist",
		   req.eid, req.fid, fx.m.copies_outside, fx.m.bad_hart_calls);
}

static void store(struct fuzz_in *in)
{
	uint8_t k = fuzz_u8(in);
	unsigned h = k % MOCK_NHARTS;
	uint64_t v = fuzz_u64(in);
	unsigned long page = (fuzz_u8(in) % 8) * PAGE_SIZE;
	unsigned long base = fx.m.nacl[h].shmem_set
				     ? fx.m.nacl[h].shmem - MOCK_MEM_BASE
				     : page;
	unsigned long off, csr;

	switch ((k >> 2) % 4) {
	case 0: /* CSR space: one of the CSRs NACL knows, or any index */
		csr = fuzz_u16(in) % 0x1000; /* the macro reads it twice */
		off = SBI_NACL_CSR_SPACE_OFFSET + SBI_NACL_CSR_INDEX(csr) * 8;
		break;
	case 1: /* dirty bitmap */
		off = SBI_NACL_DIRTY_OFFSET + (fuzz_u8(in) % 16) * 8;
		break;
	case 2: /* an HFENCE entry's word */
		off = SBI_NACL_HFENCE_OFFSET +
		      (fuzz_u8(in) % (SBI_NACL_HFENCE_COUNT * 4)) * 8;
		if (k & 0x80)
			v |= SBI_NACL_HFENCE_PENDING;
		break;
	default:
		off = fuzz_u16(in);
		break;
	}
	l1_store(base + off, &v, 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	uint16_t c = fuzz_u16(&in);

	if (!gmem)
		gmem = malloc(GMEM_SIZE);
	ASAN_UNPOISON_MEMORY_REGION(gmem, GMEM_SIZE);
	memset(gmem, 0, GMEM_SIZE);
	mock_init(&fx.m, &fx.sn, &fx.cfg, &fx.ops);
	fx.ops.guest_check = g_check;
	fx.ops.guest_read = g_read;
	fx.ops.guest_write = g_write;
	fx.ops.guest_map = (c & 1) ? g_map : NULL;
	fx.m.map_refuse = c & 2;
	fx.m.mem_noexec = c & 4;
	fx.cfg.nacl_features = (c >> 3) & SBI_NESTED_NACL_ALL;
	/* usually everything, sometimes a random subset */
	fx.cfg.ext_enabled =
		(c & 0x80) ? (c >> 7) & SBI_NESTED_EXT_ALL : SBI_NESTED_EXT_ALL;
	fx.cfg.guest_has_h = !(c & 0x8000);
	/* FWFT: the mock host has every feature */
	fx.m.fwft_supported = (1UL << SBI_FWFT_COUNT) - 1;
	ncall_maps = 0;
	repoison();

	for (int s = 0; s < MAX_STEPS && in.n; s++) {
		uint8_t op = fuzz_u8(&in);
		enum sbi_nested_status st;

		if (getenv("FUZZ_TRACE"))
			fprintf(stderr, "sbi: step %d op %#x at %zu\n", s, op,
				size - in.n - 1);

		switch (op % 8) {
		case 0:
		case 1:
			store(&in);
			break;
		case 2:
			/* L0 changed the caller's H state / left L2 */
			ncall_maps = 0;
			st = (op & 8)
				     ? sbi_nested_nacl_virt_off(
					       &fx.sn, (op >> 4) % MOCK_NHARTS)
				     : sbi_nested_nacl_csr_changed(
					       &fx.sn, (op >> 4) % MOCK_NHARTS);
			ncall_maps = 0;
			repoison();
			FUZZ_CHECK(st == SBI_NESTED_OK ||
					   st == SBI_NESTED_OUTSIDE,
				   "hook status %d", st);
			FUZZ_CHECK(fx.m.copies_outside == 0 &&
					   fx.m.bad_hart_calls == 0,
				   "hook: copies outside / bad harts");
			break;
		case 3: /* the mock's services fail now and then */
			fx.m.hcsr_write_fail_at = (op >> 3) % 4;
			fx.m.hfence_fail = op & 0x40;
			fx.m.sret_fail = op & 0x80;
			fx.m.guest_read_fail_at =
				(op & 0x20) ? fx.m.guest_read_calls + 1 : 0;
			break;
		default:
			call(&in);
			break;
		}
	}
	ASAN_UNPOISON_MEMORY_REGION(gmem, GMEM_SIZE);
	return 0;
}
