/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Nested Acceleration extension (SBI spec v2.0 "Nested Acceleration
 * Extension (EID #0x4E41434C "NACL")").
 *
 * L1 shares one area per hart with L0 (layout in <rvnest/sbi.h>): it
 * writes h* CSR values and a dirty bit, queues HFENCE entries and its
 * guest's GPRs there, and one SBI call (SYNC_CSR, SYNC_HFENCE or SYNC_SRET)
 * makes L0 apply them, instead of one trap per CSR access and HFENCE. L0
 * keeps the CSR space current, so L1 reads its h* CSRs from memory.
 *
 * Everything touching the virtual HS state goes through L0's services
 * (hcsr_read/hcsr_write/hfence/nacl_sret); the shared memory only after
 * set_shmem checked that all of it is L1 memory, then through L0's direct
 * mapping of it (guest_map) or guest_read/guest_write. Which features are
 * offered is config.nacl_features (L0's l0.nacl=).
 */
#include "sbi_nested_ext.h"

#include <rvnest/encoding.h>
#include <stdint.h>

/*
 * The H-extension CSRs L0 may implement, in the order a full
 * synchronization applies them: "if the value of a CSR <y> depends on the
 * value of some other CSR <x> then [L0] MUST synchronize CSR <x> before
 * CSR <y>" (SYNC_CSR). hvip before hip and vsip (their VS bits alias it),
 * hideleg before hie, vsie and vsip (delegation decides which bits are
 * writable), hstatus and henvcfg before the vs* state they govern
 * (VSXL, STCE -> vstimecmp); the AIA's (Ssaia with H: hvictl, hviprio1/2,
 * vsiselect) depend on none. Whether L0 implements each is its hcsr_read
 * answer.
 */
#define NACL_CSR_LIST(X)  \
	X(CSR_HSTATUS)    \
	X(CSR_HEDELEG)    \
	X(CSR_HIDELEG)    \
	X(CSR_HVIP)       \
	X(CSR_HIP)        \
	X(CSR_HIE)        \
	X(CSR_HGEIE)      \
	X(CSR_HGEIP)      \
	X(CSR_HCOUNTEREN) \
	X(CSR_HTIMEDELTA) \
	X(CSR_HENVCFG)    \
	X(CSR_HSTATEEN0)  \
	X(CSR_HTVAL)      \
	X(CSR_HTINST)     \
	X(CSR_HGATP)      \
	X(CSR_VSSTATUS)   \
	X(CSR_VSIE)       \
	X(CSR_VSIP)       \
	X(CSR_VSTVEC)     \
	X(CSR_VSSCRATCH)  \
	X(CSR_VSEPC)      \
	X(CSR_VSCAUSE)    \
	X(CSR_VSTVAL)     \
	X(CSR_VSATP)      \
	X(CSR_VSTIMECMP)  \
	X(CSR_HVICTL)     \
	X(CSR_HVIPRIO1)   \
	X(CSR_HVIPRIO2)   \
	X(CSR_VSISELECT)

#define NACL_CSR_NUMBER(csr) csr,
static const unsigned nacl_csrs[] = {NACL_CSR_LIST(NACL_CSR_NUMBER)};
#undef NACL_CSR_NUMBER

/* The CSR-space index of each (its word and its dirty bit), computed
 * here rather than from the CSR number at every write-back */
#define NACL_CSR_INDEX_OF(csr) SBI_NACL_CSR_INDEX(csr),
static const unsigned short nacl_csr_index[] = {
	NACL_CSR_LIST(NACL_CSR_INDEX_OF)};
#undef NACL_CSR_INDEX_OF

/* k (the position in nacl_csrs[]) of each CSR, and from a CSR-space index
 * back to 1 + k (0: no CSR NACL knows), so that a dirty bit leads to its
 * CSR without a search */
#define NACL_CSR_K(csr) NACL_K_##csr,
enum nacl_csr_k { NACL_CSR_LIST(NACL_CSR_K) };
#undef NACL_CSR_K
#define NACL_CSR_SLOT(csr) [SBI_NACL_CSR_INDEX(csr)] = NACL_K_##csr + 1,
static const unsigned char nacl_index_k[SBI_NACL_DIRTY_BYTES * 8] = {
	NACL_CSR_LIST(NACL_CSR_SLOT)};
#undef NACL_CSR_SLOT

#define NACL_NCSRS (sizeof(nacl_csrs) / sizeof(nacl_csrs[0]))
/* hstatus's index in nacl_csrs[] (the autoswap reads it) */
#define NACL_HSTATUS NACL_K_CSR_HSTATUS
_Static_assert(NACL_NCSRS == SBI_NESTED_NACL_NCSRS,
	       "struct sbi_nested_nacl_hart caches one value per CSR");
#define NACL_BITS_PER_WORD (8 * sizeof(unsigned long))
#define NACL_DIRTY_WORDS (SBI_NACL_DIRTY_BYTES / sizeof(unsigned long))

/* The dirty bitmap: bit <i> of the 128 bytes at 0x0F80, little-endian
 * words (the spec's shared memory is little-endian, as RV64 is). */
struct nacl_dirty {
	unsigned long w[NACL_DIRTY_WORDS];
};

/* Why a sync failed, mapped to the guest's error in one place. */
enum nacl_outcome {
	NACL_DONE,
	NACL_NO_CSR,	 /* (one CSR) L0 does not implement it: skipped */
	NACL_SHMEM_LOST, /* guest_read/write refused the checked area */
	NACL_L0_REFUSED, /* an hcsr/hfence/sret service failed */
};

static long nacl_error(enum nacl_outcome o)
{
	/* A lost area or a refusal by L0 cannot be the guest's doing once
	 * set_shmem accepted the area: "The request failed for unspecified
	 * or unknown other reasons". */
	return o == NACL_DONE ? SBI_SUCCESS : SBI_ERR_FAILED;
}

/* ---- features ----------------------------------------------------------- */

static bool feature_has_ops(const struct sbi_nested *sn, unsigned long feat)
{
	const struct sbi_nested_ops *ops = sn->ops;

	if (feat == SBI_NACL_FEAT_SYNC_CSR)
		return ops->hcsr_write != NULL;
	if (feat == SBI_NACL_FEAT_SYNC_HFENCE)
		return ops->hfence != NULL;
	if (feat == SBI_NACL_FEAT_SYNC_SRET)
		return ops->nacl_sret != NULL;
	/* SBI_NACL_FEAT_AUTOSWAP_CSR: swaps happen around a synchronized
	 * SRET ("should use the autoswap CSR feature in conjunction with
	 * the synchronize SRET feature"), so it is offered only with it. */
	return ops->hcsr_write != NULL && ops->nacl_sret != NULL &&
	       (sn->cfg->nacl_features &
		SBI_NESTED_NACL_BIT(SBI_NACL_FEAT_SYNC_SRET));
}

/* Offered: a feature ID the spec defines, switched on in the config, and
 * L0 provides what it needs. */
static bool feature_on(const struct sbi_nested *sn, unsigned long feat)
{
	return feat < SBI_NACL_FEAT_COUNT &&
	       (sn->cfg->nacl_features & SBI_NESTED_NACL_BIT(feat)) &&
	       feature_has_ops(sn, feat);
}

static long nacl_probe(const struct sbi_nested *sn, unsigned long eid)
{
	const struct sbi_nested_ops *ops = sn->ops;
	bool any = false;

	(void)eid;
	/* NACL accelerates an emulated H extension: "The M-mode firmware
	 * should not implement [it] if the underlying platform has the
	 * H-extension implemented in hardware"; an L1 without H has nothing
	 * to accelerate. The CSR space must always be current, so hcsr_read
	 * and guest memory are needed whatever the features. */
	if (!sn->cfg->guest_has_h || !sn->nacl || !ops->hcsr_read ||
	    !ops->guest_check || !ops->guest_read || !ops->guest_write)
		return 0;
	/* every NACL call probes the extension first (dispatch): stop at
	 * the first feature offered */
	for (unsigned long f = 0; f < SBI_NACL_FEAT_COUNT && !any; f++)
		any = feature_on(sn, f);
	return any;
}

/* ---- shared memory access ---------------------------------------------- */

static struct sbi_nested_nacl_hart *hart_of(const struct sbi_nested *sn,
					    unsigned long hartid)
{
	return &sn->nacl[hartid];
}

/*
 * The shared memory: through L0's direct mapping when it gave one (every
 * offset and length here is a whole number of XLEN-bit words, and the data
 * is little-endian as the spec requires and RV64 is), else copied with
 * guest_read/guest_write.
 */
static bool shm_read(const struct sbi_nested *sn,
		     const struct sbi_nested_nacl_hart *h, unsigned long off,
		     void *buf, size_t len)
{
	unsigned long *dst = buf;

	if (h->host) {
		for (size_t i = 0; i < len / sizeof(*dst); i++)
			dst[i] = h->host[off / sizeof(*dst) + i];
		return true;
	}
	return sn->ops->guest_read(sn->ctx, h->shmem + off, buf, len) ==
	       SBI_NESTED_OK;
}

static bool shm_write(const struct sbi_nested *sn,
		      const struct sbi_nested_nacl_hart *h, unsigned long off,
		      const void *buf, size_t len)
{
	const unsigned long *src = buf;

	if (h->host) {
		for (size_t i = 0; i < len / sizeof(*src); i++)
			h->host[off / sizeof(*src) + i] = src[i];
		return true;
	}
	return sn->ops->guest_write(sn->ctx, h->shmem + off, buf, len) ==
	       SBI_NESTED_OK;
}

/* The index of the single set bit of `bit` (a de Bruijn multiply: RV64IMAC
 * has no count-trailing-zeros instruction), so the write-back visits only
 * the CSRs named, not every position up to the highest. */
static size_t lowest_bit_index(unsigned long bit)
{
	static const unsigned char index64[64] = {
		0,  1,	2,  53, 3,  7,	54, 27, 4,  38, 41, 8,	34, 55, 48, 28,
		62, 5,	39, 46, 44, 42, 22, 9,	24, 35, 59, 56, 49, 18, 29, 11,
		63, 52, 6,  26, 37, 40, 33, 47, 61, 45, 43, 21, 23, 58, 17, 10,
		51, 25, 36, 32, 60, 20, 57, 16, 50, 31, 19, 15, 30, 14, 13, 12,
	};

	return index64[(bit * 0x022fdd63cc95386dUL) >> 58];
}

/* One word of the shared memory: a load or store with L0's mapping (the
 * hot paths: the autoswap's two words at every entry and exit). */
static inline bool shm_get(const struct sbi_nested *sn,
			   const struct sbi_nested_nacl_hart *h,
			   unsigned long off, unsigned long *val)
{
	if (h->host) {
		*val = h->host[off / sizeof(*val)];
		return true;
	}
	return shm_read(sn, h, off, val, sizeof(*val));
}

static inline bool shm_put(const struct sbi_nested *sn,
			   const struct sbi_nested_nacl_hart *h,
			   unsigned long off, unsigned long val)
{
	if (h->host) {
		h->host[off / sizeof(val)] = val;
		return true;
	}
	return shm_write(sn, h, off, &val, sizeof(val));
}

static unsigned long csr_word_offset(unsigned csr)
{
	return SBI_NACL_CSR_SPACE_OFFSET +
	       SBI_NACL_CSR_INDEX(csr) * SBI_NACL_WORD_BYTES;
}

static bool dirty_test(const struct nacl_dirty *d, unsigned csr)
{
	unsigned long i = SBI_NACL_CSR_INDEX(csr);

	return (d->w[i / NACL_BITS_PER_WORD] >> (i % NACL_BITS_PER_WORD)) & 1;
}

static bool dirty_empty(const struct nacl_dirty *d)
{
	unsigned long any = 0;

	for (size_t w = 0; w < NACL_DIRTY_WORDS; w++)
		any |= d->w[w];
	return any == 0;
}

static void dirty_clear(struct nacl_dirty *d, unsigned csr)
{
	unsigned long i = SBI_NACL_CSR_INDEX(csr);

	d->w[i / NACL_BITS_PER_WORD] &= ~(1UL << (i % NACL_BITS_PER_WORD));
}

/* The current value of nacl_csrs[k]: a load where L0 said where it keeps
 * it (hcsr_addr), else its hcsr_read service. */
static enum sbi_nested_status csr_now(const struct sbi_nested *sn,
				      unsigned long hartid,
				      const struct sbi_nested_nacl_hart *h,
				      size_t k, unsigned long *val)
{
	if (h->csr_src[k]) {
		*val = *h->csr_src[k];
		return SBI_NESTED_OK;
	}
	return sn->ops->hcsr_read(sn->ctx, hartid, nacl_csrs[k], val);
}

/* ---- SYNC_CSR ------------------------------------------------------------ */

/* How the latest value of a synchronized CSR reaches the CSR space. */
enum nacl_wb {
	/* always (an explicit sbi_nacl_sync_csr: its step 5 verbatim) */
	NACL_WB_ALWAYS,
	/* only when the CSR changed since L0 last wrote its word (SYNC_SRET
	 * and L0's hooks: the obligation is to "update the CSR space
	 * whenever the state ... changes"; a word L1 did not mark dirty
	 * still holds what L0 wrote) */
	NACL_WB_CHANGED,
};

/*
 * "To synchronize a CSR <x>" for nacl_csrs[k]: if L0 does not implement
 * it, NACL_NO_CSR and nothing happens. Else, if its dirty bit is set,
 * emulate the write with the CSR-space value and clear the bit; then write
 * back the CSR's latest value (as `wb` says; a written CSR always). `d` is
 * the caller's copy of the bitmap, which the caller stores (dirty_store).
 */
static enum nacl_outcome sync_one(const struct sbi_nested *sn,
				  unsigned long hartid,
				  struct sbi_nested_nacl_hart *h, size_t k,
				  struct nacl_dirty *d, enum nacl_wb wb)
{
	const struct sbi_nested_ops *ops = sn->ops;
	unsigned csr = nacl_csrs[k];
	unsigned long val, bit = 1UL << k;

	if (csr_now(sn, hartid, h, k, &val) != SBI_NESTED_OK)
		return NACL_NO_CSR;
	if (dirty_test(d, csr)) {
		if (!shm_read(sn, h, csr_word_offset(csr), &val, sizeof(val)))
			return NACL_SHMEM_LOST;
		if (ops->hcsr_write(sn->ctx, hartid, csr, val) !=
			    SBI_NESTED_OK ||
		    ops->hcsr_read(sn->ctx, hartid, csr, &val) != SBI_NESTED_OK)
			return NACL_L0_REFUSED;
		dirty_clear(d, csr);
		wb = NACL_WB_ALWAYS; /* the word holds L1's value */
	}
	if (wb == NACL_WB_CHANGED && (h->published & bit) &&
	    h->csr_value[k] == val)
		return NACL_DONE;
	if (!shm_write(sn, h, csr_word_offset(csr), &val, sizeof(val))) {
		h->published &= ~bit;
		return NACL_SHMEM_LOST;
	}
	h->csr_value[k] = val;
	h->published |= bit;
	return NACL_DONE;
}

/* Store the bitmap if a bit was cleared; `o` is the outcome so far, which
 * a failed store turns into NACL_SHMEM_LOST. */
static enum nacl_outcome dirty_store(const struct sbi_nested *sn,
				     const struct sbi_nested_nacl_hart *h,
				     const struct nacl_dirty *d,
				     const struct nacl_dirty *before,
				     enum nacl_outcome o)
{
	for (size_t w = 0; w < NACL_DIRTY_WORDS; w++) {
		if (d->w[w] == before->w[w])
			continue;
		if (!shm_write(sn, h, SBI_NACL_DIRTY_OFFSET, d, sizeof(*d)))
			return NACL_SHMEM_LOST;
		break;
	}
	return o;
}

/*
 * The dirty-bitmap words that hold a bit of some CSR of nacl_csrs[]
 * (index ((x & 0xc00) >> 2) | (x & 0xff), 64 to a word): the vs* CSRs
 * (0x200-0x2ff: words 0 to 2), the h* CSRs (0x600-0x6ff: words 4 to 6) and
 * hgeip (0xe12: word 12). A dirty bit anywhere else names a CSR NACL does
 * not know, which no pass synchronizes (its bit stays set), so the usual
 * SYNC_SRET looks at these seven words only, not all 16.
 */
static const unsigned char nacl_dirty_known_words[] = {0, 1, 2, 4, 5, 6, 12};
#define NACL_DIRTY_WORD_OF(csr) (SBI_NACL_CSR_INDEX(csr) / NACL_BITS_PER_WORD)
#define NACL_DIRTY_WORD_KNOWN(csr)                               \
	_Static_assert(NACL_DIRTY_WORD_OF(csr) <= 2 ||           \
			       (NACL_DIRTY_WORD_OF(csr) >= 4 &&  \
				NACL_DIRTY_WORD_OF(csr) <= 6) || \
			       NACL_DIRTY_WORD_OF(csr) == 12,    \
		       #csr "'s dirty bit in nacl_dirty_known_words[]");
NACL_CSR_LIST(NACL_DIRTY_WORD_KNOWN)
#undef NACL_DIRTY_WORD_KNOWN

/*
 * SYNC_SRET's pass with L0's mapping: the dirty bits found in place (7
 * loads, nacl_dirty_known_words; usually none), each led to its CSR
 * through nacl_index_k, and those CSRs synchronized in nacl_csrs[] order
 * as sync_one does, each dirty bit cleared in place. (Copying the bitmap
 * and stepping through all 25 CSRs cost 1,330 instructions for one dirty
 * CSR at f85a9aa.) Dirty bits of CSRs NACL does not know, or L0 does not
 * implement, stay set, as in the full pass.
 */
static enum nacl_outcome sync_dirty_in_place(const struct sbi_nested *sn,
					     unsigned long hartid,
					     struct sbi_nested_nacl_hart *h)
{
	volatile unsigned long *dw =
		&h->host[SBI_NACL_DIRTY_OFFSET / sizeof(unsigned long)];
	unsigned long todo = 0, any = 0;

	/* the usual SYNC_SRET: nothing dirty, 7 loads and ORs */
#pragma GCC unroll 7
	for (size_t i = 0; i < sizeof(nacl_dirty_known_words); i++)
		any |= dw[nacl_dirty_known_words[i]];
	if (!any)
		return NACL_DONE;
	for (size_t w = 0; w < NACL_DIRTY_WORDS; w++) {
		for (unsigned long bits = dw[w]; bits; bits &= bits - 1) {
			size_t i = w * NACL_BITS_PER_WORD +
				   lowest_bit_index(bits & -bits);

			if (nacl_index_k[i])
				todo |= 1UL << (nacl_index_k[i] - 1);
		}
	}
	for (; todo; todo &= todo - 1) {
		unsigned long bit = todo & -todo, val;
		size_t k = lowest_bit_index(bit);
		unsigned csr = nacl_csrs[k];
		unsigned long i = SBI_NACL_CSR_INDEX(csr);
		unsigned long word = csr_word_offset(csr) / sizeof(val);

		if (csr_now(sn, hartid, h, k, &val) != SBI_NESTED_OK)
			continue; /* "implemented by [L0]" only */
		if (sn->ops->hcsr_write(sn->ctx, hartid, csr, h->host[word]) !=
			    SBI_NESTED_OK ||
		    csr_now(sn, hartid, h, k, &val) != SBI_NESTED_OK)
			return NACL_L0_REFUSED;
		dw[i / NACL_BITS_PER_WORD] &=
			~(1UL << (i % NACL_BITS_PER_WORD));
		h->host[word] = val;
		h->csr_value[k] = val;
		h->published |= bit;
	}
	return NACL_DONE;
}

/* The passes over the CSR space, each in nacl_csrs[] order. */
enum nacl_pass {
	/* sbi_nacl_sync_csr(-1): every implemented CSR, step by step */
	NACL_PASS_SYNC,
	/* SYNC_SRET: the dirty CSRs only (written, then written back). The
	 * others, including any whose value follows a written one (hip from
	 * hvip), are written back when L2 exits to L1 (virt_off): L1 cannot
	 * look at its CSR space while L2 runs on its hart. */
	NACL_PASS_SRET,
	/* L0's hooks and set_shmem: write back the CSRs that changed,
	 * leaving those L1 marked dirty (their words hold L1's values) */
	NACL_PASS_PUBLISH,
};

static enum nacl_outcome sync_all(const struct sbi_nested *sn,
				  unsigned long hartid, enum nacl_pass pass)
{
	struct sbi_nested_nacl_hart *h = hart_of(sn, hartid);
	struct nacl_dirty d, before;
	enum nacl_outcome o = NACL_DONE;

	/* (NACL_PASS_SRET with L0's mapping: sync_sret_csrs) */
	if (!shm_read(sn, h, SBI_NACL_DIRTY_OFFSET, &d, sizeof(d)))
		return NACL_SHMEM_LOST;
	before = d;
	if (pass == NACL_PASS_SRET && dirty_empty(&d))
		return NACL_DONE; /* the usual SYNC_SRET: nothing written */
	for (size_t k = 0; k < NACL_NCSRS; k++) {
		bool dirty = dirty_test(&d, nacl_csrs[k]);

		if ((pass == NACL_PASS_PUBLISH && dirty) ||
		    (pass == NACL_PASS_SRET && !dirty))
			continue;
		o = sync_one(sn, hartid, h, k, &d,
			     pass == NACL_PASS_SYNC ? NACL_WB_ALWAYS
						    : NACL_WB_CHANGED);
		if (o == NACL_NO_CSR)
			o = NACL_DONE; /* "implemented by [L0]" only */
		if (o != NACL_DONE)
			break;
	}
	/* The bits of the CSRs done so far are stored even when a later
	 * one failed: their writes happened. */
	return dirty_store(sn, h, &d, &before, o);
}

/* SYNC_SRET's step 1 (and a trapped SRET's): with L0's mapping the
 * in-place pass, called directly (sync_all's frame for its 256-byte
 * bitmap copies, 12 saved registers, cost 30 instructions per SYNC_SRET
 * at 63f181f), else sync_all's copy. */
static enum nacl_outcome sync_sret_csrs(const struct sbi_nested *sn,
					unsigned long hartid)
{
	struct sbi_nested_nacl_hart *h = hart_of(sn, hartid);

	if (h->host)
		return sync_dirty_in_place(sn, hartid, h);
	return sync_all(sn, hartid, NACL_PASS_SRET);
}

static bool csr_implemented(const struct sbi_nested *sn, unsigned long hartid,
			    unsigned csr)
{
	unsigned long val;

	return sn->ops->hcsr_read(sn->ctx, hartid, csr, &val) == SBI_NESTED_OK;
}

static void nacl_sync_csr(const struct sbi_nested *sn,
			  const struct sbi_nested_request *req,
			  struct sbi_nested_result *res)
{
	struct sbi_nested_nacl_hart *h = hart_of(sn, req->hartid);
	unsigned long csr_num = req->args[0];
	struct nacl_dirty d, before;
	enum nacl_outcome o;
	size_t k = NACL_NCSRS;

	if (!feature_on(sn, SBI_NACL_FEAT_SYNC_CSR)) {
		res->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	/* "csr_num is not all-ones bitwise and either (csr_num & 0x300) !=
	 * 0x200 or csr_num >= 0x1000 or csr_num is not implemented":
	 * SBI_ERR_INVALID_PARAM. */
	if (csr_num != ~0UL) {
		for (size_t i = 0; i < NACL_NCSRS; i++)
			if (nacl_csrs[i] == csr_num)
				k = i;
		if ((csr_num & SBI_NACL_CSR_NUM_MASK) != SBI_NACL_CSR_NUM_H ||
		    csr_num >= SBI_NACL_CSR_NUM_LIMIT || k == NACL_NCSRS ||
		    !csr_implemented(sn, req->hartid, (unsigned)csr_num)) {
			res->error = SBI_ERR_INVALID_PARAM;
			return;
		}
	}
	if (!h->shmem_set) {
		res->error = SBI_ERR_NO_SHMEM;
		return;
	}
	if (csr_num == ~0UL) {
		res->error =
			nacl_error(sync_all(sn, req->hartid, NACL_PASS_SYNC));
		return;
	}
	if (!shm_read(sn, h, SBI_NACL_DIRTY_OFFSET, &d, sizeof(d))) {
		res->error = nacl_error(NACL_SHMEM_LOST);
		return;
	}
	before = d;
	/* implemented: checked above */
	o = sync_one(sn, req->hartid, h, k, &d, NACL_WB_ALWAYS);
	res->error = nacl_error(dirty_store(sn, h, &d, &before, o));
}

/* ---- SYNC_HFENCE --------------------------------------------------------- */

/*
 * Decode one pending entry's words into `f`. An entry the format cannot
 * express (a reserved type, a reserved bit set, a range past 2^64) is
 * widened rather than dropped, because flushing more than asked is always
 * correct and flushing less never is: a bad range becomes the *_ALL type of
 * its kind (GVMA -> GVMA_ALL, ...: the ALL type is the odd one of each
 * pair), anything else GVMA_ALL. Returns whether the entry was well formed.
 */
static bool hfence_decode(const unsigned long e[4], struct sbi_nested_hfence *f)
{
	unsigned long cfg = e[SBI_NACL_HFENCE_WORD_CONFIG];
	unsigned long type =
		(cfg >> SBI_NACL_HFENCE_TYPE_SHIFT) & SBI_NACL_HFENCE_TYPE_MASK;
	unsigned long order = (cfg >> SBI_NACL_HFENCE_ORDER_SHIFT) &
			      SBI_NACL_HFENCE_ORDER_MASK;
	unsigned long shift = order + SBI_NACL_HFENCE_ORDER_BASE;
	unsigned long pnum = e[SBI_NACL_HFENCE_WORD_PNUM];
	unsigned long pcount = e[SBI_NACL_HFENCE_WORD_PCOUNT];

	*f = (struct sbi_nested_hfence){
		.type = SBI_NESTED_HFENCE_GVMA_ALL,
		.vmid = (cfg >> SBI_NACL_HFENCE_VMID_SHIFT) &
			SBI_NACL_HFENCE_VMID_MASK,
		.asid = cfg & SBI_NACL_HFENCE_ASID_MASK,
	};
	/* "Reserved and must be zero" bits, and "> 7 Reserved" types */
	if ((cfg & SBI_NACL_HFENCE_RSVD_MASK) ||
	    type > SBI_NACL_HFENCE_VVMA_ASID_ALL) {
		f->vmid = f->asid = 0;
		return false;
	}
	f->type = (enum sbi_nested_hfence_type)type;
	/* Fields the type ignores are passed as 0, whatever L1 wrote. */
	if (type == SBI_NACL_HFENCE_GVMA || type == SBI_NACL_HFENCE_GVMA_ALL)
		f->vmid = 0;
	if (type != SBI_NACL_HFENCE_VVMA_ASID &&
	    type != SBI_NACL_HFENCE_VVMA_ASID_ALL)
		f->asid = 0;
	if (type & 1)
		return true; /* an *_ALL type: no range */
	/* "The page size for invalidation must be 1 << (Config.Order + 12)
	 * bytes"; Page_Number is the address >> (Order + 12). */
	if (shift >= NACL_BITS_PER_WORD || pnum > (~0UL >> shift) ||
	    pcount > (~0UL >> shift) ||
	    (pcount << shift) > ~0UL - (pnum << shift) + 1) {
		f->type = (enum sbi_nested_hfence_type)(type | 1);
		return false;
	}
	f->start = pnum << shift;
	f->size = pcount << shift;
	return true;
}

/* Entries read from the shared memory at once: a quarter of the 60, so
 * that L0 reads the array in four copies (480 bytes of its stack). */
#define NACL_HFENCE_BLOCK 15

/* "To synchronize a nested HFENCE entry": nothing unless Config.Pending;
 * process it; clear Config.Pending. `e` holds its four words. */
static enum nacl_outcome sync_hfence_entry(const struct sbi_nested *sn,
					   unsigned long hartid,
					   const struct sbi_nested_nacl_hart *h,
					   unsigned long idx,
					   unsigned long e[4])
{
	unsigned long off =
		SBI_NACL_HFENCE_OFFSET + idx * SBI_NACL_HFENCE_ENTRY_BYTES;
	struct sbi_nested_hfence f;

	if (!(e[SBI_NACL_HFENCE_WORD_CONFIG] & SBI_NACL_HFENCE_PENDING))
		return NACL_DONE;
	hfence_decode(e, &f);
	/* A range of no pages names nothing to flush. */
	if (!((f.type & 1) == 0 && f.size == 0) &&
	    sn->ops->hfence(sn->ctx, hartid, &f) != SBI_NESTED_OK)
		return NACL_L0_REFUSED;
	e[SBI_NACL_HFENCE_WORD_CONFIG] &= ~SBI_NACL_HFENCE_PENDING;
	if (!shm_write(sn, h, off, &e[SBI_NACL_HFENCE_WORD_CONFIG],
		       sizeof(e[0])))
		return NACL_SHMEM_LOST;
	return NACL_DONE;
}

/* Whether any of entries first .. first+count-1 is pending, looked at in
 * L0's mapping: SYNC_SRET looks at all 60, usually none pending. Pending
 * is bit 63 of Config, so the Config words are OR-ed and the sign tested
 * once: for all 60, unrolled, a load and an OR each (the loop of one
 * branch per entry cost 240 instructions per SYNC_SRET at 7a01cec). */
static bool hfence_pending(const struct sbi_nested_nacl_hart *h,
			   unsigned long first, unsigned long count)
{
	const volatile unsigned long *cfg =
		&h->host[SBI_NACL_HFENCE_OFFSET / sizeof(unsigned long)];
	const unsigned long stride =
		SBI_NACL_HFENCE_ENTRY_BYTES / sizeof(unsigned long);
	unsigned long any = 0;

	if (first == 0 && count == SBI_NACL_HFENCE_COUNT) {
#pragma GCC unroll 60
		for (unsigned long i = 0; i < SBI_NACL_HFENCE_COUNT; i++)
			any |= cfg[i * stride];
	} else {
		for (unsigned long i = first; i < first + count; i++)
			any |= cfg[i * stride];
	}
	return any & SBI_NACL_HFENCE_PENDING;
}

/* Entries first .. first+count-1, in order: with L0's mapping, only the
 * Config word of an entry that is not pending is loaded; otherwise the
 * entries are copied a block at a time. */
static enum nacl_outcome sync_hfences(const struct sbi_nested *sn,
				      unsigned long hartid, unsigned long first,
				      unsigned long count)
{
	const struct sbi_nested_nacl_hart *h = hart_of(sn, hartid);
	unsigned long e[NACL_HFENCE_BLOCK][4];
	enum nacl_outcome o = NACL_DONE;

	if (h->host) {
		/* SYNC_SRET looks at all 60 entries, usually none pending:
		 * Pending is bit 63 of Config, so OR the Config words and
		 * test the sign once (about 3 instructions an entry) */
		if (!hfence_pending(h, first, count))
			return NACL_DONE;
	}
	for (unsigned long i = first; h->host && i < first + count; i++) {
		unsigned long off = SBI_NACL_HFENCE_OFFSET +
				    i * SBI_NACL_HFENCE_ENTRY_BYTES;

		/* the usual entry: not pending, one load (kept apart from
		 * the call below, whose argument set-up gcc otherwise
		 * hoisted into every iteration: 10 instructions an entry) */
		while (i < first + count && !(h->host[off / sizeof(e[0][0])] &
					      SBI_NACL_HFENCE_PENDING)) {
			i++;
			off += SBI_NACL_HFENCE_ENTRY_BYTES;
		}
		if (i == first + count)
			break;
		(void)shm_read(sn, h, off, e[0], sizeof(e[0]));
		o = sync_hfence_entry(sn, hartid, h, i, e[0]);
		if (o != NACL_DONE)
			return o;
	}
	for (unsigned long b = first;
	     !h->host && b < first + count && o == NACL_DONE;
	     b += NACL_HFENCE_BLOCK) {
		unsigned long n = first + count - b;

		if (n > NACL_HFENCE_BLOCK)
			n = NACL_HFENCE_BLOCK;
		if (!shm_read(sn, h,
			      SBI_NACL_HFENCE_OFFSET +
				      b * SBI_NACL_HFENCE_ENTRY_BYTES,
			      e, n * SBI_NACL_HFENCE_ENTRY_BYTES))
			return NACL_SHMEM_LOST;
		for (unsigned long i = 0; i < n && o == NACL_DONE; i++)
			o = sync_hfence_entry(sn, hartid, h, b + i, e[i]);
	}
	return o;
}

static enum nacl_outcome sync_hfence_all(const struct sbi_nested *sn,
					 unsigned long hartid)
{
	const struct sbi_nested_nacl_hart *h = hart_of(sn, hartid);

	/* the usual SYNC_SRET: nothing pending, found before sync_hfences
	 * sets up its 480-byte block of entries */
	if (h->host && !hfence_pending(h, 0, SBI_NACL_HFENCE_COUNT))
		return NACL_DONE;
	return sync_hfences(sn, hartid, 0, SBI_NACL_HFENCE_COUNT);
}

static void nacl_sync_hfence(const struct sbi_nested *sn,
			     const struct sbi_nested_request *req,
			     struct sbi_nested_result *res)
{
	const struct sbi_nested_nacl_hart *h = hart_of(sn, req->hartid);
	unsigned long idx = req->args[0];

	if (!feature_on(sn, SBI_NACL_FEAT_SYNC_HFENCE)) {
		res->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	/* "entry_index is not all-ones bitwise and entry_index >= (3840 /
	 * XLEN)": SBI_ERR_INVALID_PARAM */
	if (idx != ~0UL && idx >= SBI_NACL_HFENCE_COUNT) {
		res->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	if (!h->shmem_set) {
		res->error = SBI_ERR_NO_SHMEM;
		return;
	}
	res->error =
		nacl_error(idx == ~0UL ? sync_hfence_all(sn, req->hartid)
				       : sync_hfences(sn, req->hartid, idx, 1));
}

/* ---- AUTOSWAP_CSR -------------------------------------------------------- */

/* "If Autoswap_Flags.HSTATUS bit is set ... swap the supervisor HSTATUS
 * CSR value with the HSTATUS value in the nested autoswap context." */
static enum nacl_outcome autoswap(const struct sbi_nested *sn,
				  unsigned long hartid)
{
	const struct sbi_nested_nacl_hart *h = hart_of(sn, hartid);
	unsigned long flags, mine, theirs;

	if (!feature_on(sn, SBI_NACL_FEAT_AUTOSWAP_CSR))
		return NACL_DONE;
	if (!shm_get(sn, h, SBI_NACL_AUTOSWAP_FLAGS_OFFSET, &flags))
		return NACL_SHMEM_LOST;
	if (!(flags & SBI_NACL_AUTOSWAP_FLAG_HSTATUS))
		return NACL_DONE;
	if (!shm_get(sn, h, SBI_NACL_AUTOSWAP_HSTATUS_OFFSET, &theirs))
		return NACL_SHMEM_LOST;
	if (csr_now(sn, hartid, h, NACL_HSTATUS, &mine) != SBI_NESTED_OK)
		return NACL_L0_REFUSED;
	/* the usual case: L1 enters L2 with the hstatus an exit gives it
	 * (SPV, SPVP set): both sides equal, a swap changes nothing (a write
	 * of hstatus's own value leaves every field as it is) */
	if (theirs == mine)
		return NACL_DONE;
	if (sn->ops->hcsr_write(sn->ctx, hartid, CSR_HSTATUS, theirs) !=
	    SBI_NESTED_OK)
		return NACL_L0_REFUSED;
	if (!shm_put(sn, h, SBI_NACL_AUTOSWAP_HSTATUS_OFFSET, mine))
		return NACL_SHMEM_LOST;
	return NACL_DONE;
}

/* ---- SYNC_SRET ----------------------------------------------------------- */

static void sync_sret(const struct sbi_nested *sn, unsigned long hartid,
		      struct sbi_nested_result *res)
{
	const struct sbi_nested_nacl_hart *h = hart_of(sn, hartid);
	unsigned long gpr[SBI_NACL_SRET_GPRS];
	const unsigned long *src = gpr;
	enum nacl_outcome o = NACL_DONE;

	if (!feature_on(sn, SBI_NACL_FEAT_SYNC_SRET)) {
		res->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	if (!h->shmem_set) {
		res->error = SBI_ERR_NO_SHMEM;
		return;
	}
	/* "Upon a synchronize SRET request": 1. all CSRs if SYNC_CSR is
	 * available, 2. all HFENCE entries if SYNC_HFENCE is, then the
	 * autoswap ("Before emulating the SRET instruction for a
	 * synchronized SRET request"), 3. GPRs from the SRET context,
	 * 4. SRET. */
	if (feature_on(sn, SBI_NACL_FEAT_SYNC_CSR))
		o = sync_sret_csrs(sn, hartid);
	if (o == NACL_DONE && feature_on(sn, SBI_NACL_FEAT_SYNC_HFENCE))
		o = sync_hfence_all(sn, hartid);
	if (o == NACL_DONE)
		o = autoswap(sn, hartid);
	/* the SRET context: in place with L0's mapping (the service reads
	 * gpr[1..31] only: "Reserved" x0 is not restored), else copied */
	if (o == NACL_DONE && h->host)
		src = (const unsigned long *)&h
			      ->host[SBI_NACL_SRET_OFFSET / sizeof(gpr[0])];
	else if (o == NACL_DONE &&
		 !shm_read(sn, h, SBI_NACL_SRET_OFFSET, gpr, sizeof(gpr)))
		o = NACL_SHMEM_LOST;
	if (o == NACL_DONE) {
		gpr[0] = 0;
		if (sn->ops->nacl_sret(sn->ctx, hartid, src) != SBI_NESTED_OK)
			o = NACL_L0_REFUSED;
	}
	if (o != NACL_DONE) {
		/* L1 runs on: what the CSR pass left to the exit of L2
		 * must be written back now. */
		if (feature_on(sn, SBI_NACL_FEAT_SYNC_CSR))
			(void)sync_all(sn, hartid, NACL_PASS_PUBLISH);
		res->error = nacl_error(o);
		return;
	}
	/* "This function does not return upon success" */
	res->error = SBI_SUCCESS;
	res->action = SBI_NESTED_NO_RETURN;
}

static void nacl_sync_sret(const struct sbi_nested *sn,
			   const struct sbi_nested_request *req,
			   struct sbi_nested_result *res)
{
	sync_sret(sn, req->hartid, res);
}

bool sbi_nested_nacl_sret_direct(const struct sbi_nested *sn)
{
	/* what sbi_nested_dispatch would find for the EID: this extension,
	 * enabled, probing non-zero, and SYNC_SRET among its features */
	return sn->nacl &&
	       sbi_nested_find_ext(sn, SBI_EXT_NACL) == &sbi_nested_ext_nacl &&
	       feature_on(sn, SBI_NACL_FEAT_SYNC_SRET);
}

void sbi_nested_nacl_sync_sret(const struct sbi_nested *sn,
			       unsigned long hartid,
			       struct sbi_nested_result *res)
{
	/* sbi_nested_dispatch's defaults and its hart check */
	*res = (struct sbi_nested_result){
		.error = SBI_ERR_FAILED,
		.action = SBI_NESTED_CONTINUE,
	};
	if (hartid >= sn->cfg->nharts)
		return;
	sync_sret(sn, hartid, res);
}

/* ---- SET_SHMEM, PROBE_FEATURE -------------------------------------------- */

static void nacl_set_shmem(const struct sbi_nested *sn,
			   const struct sbi_nested_request *req,
			   struct sbi_nested_result *res)
{
	struct sbi_nested_nacl_hart *h = hart_of(sn, req->hartid);
	unsigned long lo = req->args[0], hi = req->args[1];
	unsigned long flags = req->args[2];

	/* "The flags parameter is not zero or the shmem_phys_lo parameter
	 * is not 4096 bytes aligned": SBI_ERR_INVALID_PARAM. */
	if (flags != 0) {
		res->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	/* "If both shmem_phys_lo and shmem_phys_hi parameters are all-ones
	 * bitwise then the nested acceleration features are disabled." */
	if (lo == SBI_NACL_SHMEM_DISABLE && hi == SBI_NACL_SHMEM_DISABLE) {
		h->shmem_set = false;
		h->shmem = 0;
		h->host = NULL;
		res->error = SBI_SUCCESS;
		return;
	}
	if (lo & (SBI_NACL_SHMEM_ALIGN - 1)) {
		res->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	/* "The SBI implementation MUST check that the specified physical
	 * memory range is composed of accessible physical addresses" and
	 * that S-mode may access it with the access types needed (read and
	 * write here), else SBI_ERR_INVALID_ADDRESS ("Shared memory physical
	 * address range parameter"). L1's guest-physical addresses are XLEN
	 * bits: a non-zero upper half is no L1 memory. */
	if (hi != 0 || lo > ~0UL - SBI_NACL_SHMEM_SIZE + 1 ||
	    sn->ops->guest_check(sn->ctx, lo, SBI_NACL_SHMEM_SIZE,
				 SBI_NESTED_ACCESS_READ) != SBI_NESTED_OK ||
	    sn->ops->guest_check(sn->ctx, lo, SBI_NACL_SHMEM_SIZE,
				 SBI_NESTED_ACCESS_WRITE) != SBI_NESTED_OK) {
		res->error = SBI_ERR_INVALID_ADDRESS;
		return;
	}
	h->shmem = lo;
	h->host = sn->ops->guest_map
			  ? sn->ops->guest_map(sn->ctx, lo, SBI_NACL_SHMEM_SIZE)
			  : NULL;
	h->shmem_set = true;
	h->src_mask = 0;
	for (size_t k = 0; k < NACL_NCSRS; k++) {
		h->csr_src[k] =
			sn->ops->hcsr_addr
				? sn->ops->hcsr_addr(sn->ctx, req->hartid,
						     nacl_csrs[k])
				: NULL;
		if (h->csr_src[k])
			h->src_mask |= 1UL << k;
	}
	/* From now on the CSR space must hold the current values. */
	h->published = 0; /* a new area: every word is written */
	res->error = nacl_error(sync_all(sn, req->hartid, NACL_PASS_PUBLISH));
	if (res->error != SBI_SUCCESS)
		h->shmem_set = false;
}

static void nacl_handle(const struct sbi_nested *sn,
			const struct sbi_nested_request *req,
			struct sbi_nested_result *res)
{
	switch (req->fid) {
	case SBI_NACL_PROBE_FEATURE:
		/* uint32_t feature_id: only the low 32 bits count; "always
		 * returns SBI_SUCCESS", value 1 if available. */
		res->error = SBI_SUCCESS;
		res->value = feature_on(sn, (uint32_t)req->args[0]);
		break;
	case SBI_NACL_SET_SHMEM:
		nacl_set_shmem(sn, req, res);
		break;
	case SBI_NACL_SYNC_CSR:
		nacl_sync_csr(sn, req, res);
		break;
	case SBI_NACL_SYNC_HFENCE:
		nacl_sync_hfence(sn, req, res);
		break;
	case SBI_NACL_SYNC_SRET:
		nacl_sync_sret(sn, req, res);
		break;
	default:
		break; /* SBI_ERR_NOT_SUPPORTED */
	}
}

/* ---- hooks for L0 -------------------------------------------------------- */

/* Called after every trap L0 handles: no walk of the extension table. A
 * hart's area can only have been set while NACL was offered. */
static bool hart_has_shmem(const struct sbi_nested *sn, unsigned long hartid)
{
	return sn->nacl && sn->cfg->nacl_features && hartid < sn->cfg->nharts &&
	       hart_of(sn, hartid)->shmem_set;
}

enum sbi_nested_status sbi_nested_nacl_csr_changed(const struct sbi_nested *sn,
						   unsigned long hartid)
{
	if (!hart_has_shmem(sn, hartid))
		return SBI_NESTED_OK;
	return sync_all(sn, hartid, NACL_PASS_PUBLISH) == NACL_DONE
		       ? SBI_NESTED_OK
		       : SBI_NESTED_OUTSIDE;
}

enum sbi_nested_status sbi_nested_nacl_virt_off(const struct sbi_nested *sn,
						unsigned long hartid)
{
	if (!hart_has_shmem(sn, hartid))
		return SBI_NESTED_OK;
	if (autoswap(sn, hartid) != NACL_DONE)
		return SBI_NESTED_OUTSIDE;
	return sbi_nested_nacl_csr_changed(sn, hartid);
}

enum sbi_nested_status sbi_nested_nacl_sret_trapped(const struct sbi_nested *sn,
						    unsigned long hartid)
{
	if (!hart_has_shmem(sn, hartid) ||
	    !feature_on(sn, SBI_NACL_FEAT_SYNC_CSR))
		return SBI_NESTED_OK;
	/* As step 1 of SYNC_SRET: the dirty CSRs, written then written
	 * back; the rest is written back when L2 exits (virt_off). */
	return sync_sret_csrs(sn, hartid) == NACL_DONE ? SBI_NESTED_OK
						       : SBI_NESTED_OUTSIDE;
}

unsigned long sbi_nested_nacl_csr_bit(unsigned csr)
{
	for (size_t k = 0; k < NACL_NCSRS; k++)
		if (nacl_csrs[k] == csr)
			return 1UL << k;
	return 0;
}

/* Write CSR k's latest value `val` to its word unless it is what was
 * last written there or L1 marked the word dirty (it holds L1's pending
 * value). */
static inline void publish_one(struct sbi_nested_nacl_hart *h, size_t k,
			       unsigned long bit, unsigned long val)
{
	const volatile unsigned long *dirty =
		&h->host[SBI_NACL_DIRTY_OFFSET / sizeof(unsigned long)];
	unsigned long i;

	/* usually unchanged: compare first, the dirty bit after */
	if ((h->published & bit) && h->csr_value[k] == val)
		return;
	i = nacl_csr_index[k];
	if ((dirty[i / NACL_BITS_PER_WORD] >> (i % NACL_BITS_PER_WORD)) & 1)
		return;
	h->host[SBI_NACL_CSR_SPACE_OFFSET / sizeof(val) + i] = val;
	h->csr_value[k] = val;
	h->published |= bit;
}

/* publish_changed's CSRs that L0 computes (no csr_src): through its
 * hcsr_read service, out of line so that the usual write-back, plain
 * loads only, needs no stack frame */
static __attribute__((noinline)) void
publish_computed(const struct sbi_nested *sn, unsigned long hartid,
		 struct sbi_nested_nacl_hart *h, unsigned long changed)
{
	for (; changed; changed &= changed - 1) {
		unsigned long bit = changed & -changed, val;
		size_t k = lowest_bit_index(bit);

		if (sn->ops->hcsr_read(sn->ctx, hartid, nacl_csrs[k], &val) !=
		    SBI_NESTED_OK)
			continue; /* not implemented by L0 */
		publish_one(h, k, bit, val);
	}
}

/* Write back the CSRs in `changed` whose value differs from what was last
 * written, leaving those L1 marked dirty (their words hold its pending
 * values): the dirty bits are tested in place, one word each. Those L0
 * keeps in place (csr_src, h->src_mask) are loads in a loop without a
 * call (an exit's hstatus, htval, htinst: 12 saved registers and the
 * value through the stack cost about 60 instructions per exit at
 * e928881). Without L0's mapping, the full pass. */
static enum nacl_outcome publish_changed(const struct sbi_nested *sn,
					 unsigned long hartid,
					 unsigned long changed)
{
	struct sbi_nested_nacl_hart *h = hart_of(sn, hartid);
	unsigned long plain;

	if (!h->host)
		return sync_all(sn, hartid, NACL_PASS_PUBLISH);
	for (plain = changed & h->src_mask; plain; plain &= plain - 1) {
		unsigned long bit = plain & -plain;
		size_t k = lowest_bit_index(bit);

		publish_one(h, k, bit, *h->csr_src[k]);
	}
	if (changed & ~h->src_mask)
		publish_computed(sn, hartid, h, changed & ~h->src_mask);
	return NACL_DONE;
}

enum sbi_nested_status sbi_nested_nacl_csrs_changed(const struct sbi_nested *sn,
						    unsigned long hartid,
						    unsigned long changed)
{
	if (!hart_has_shmem(sn, hartid))
		return SBI_NESTED_OK;
	return publish_changed(sn, hartid, changed) == NACL_DONE
		       ? SBI_NESTED_OK
		       : SBI_NESTED_OUTSIDE;
}

enum sbi_nested_status
sbi_nested_nacl_virt_off_changed(const struct sbi_nested *sn,
				 unsigned long hartid, unsigned long changed)
{
	if (!hart_has_shmem(sn, hartid))
		return SBI_NESTED_OK;
	if (autoswap(sn, hartid) != NACL_DONE)
		return SBI_NESTED_OUTSIDE;
	/* the area checked above: sbi_nested_nacl_csrs_changed's pass
	 * without its second check (one per L2 exit) */
	return publish_changed(sn, hartid, changed) == NACL_DONE
		       ? SBI_NESTED_OK
		       : SBI_NESTED_OUTSIDE;
}

const struct sbi_nested_ext sbi_nested_ext_nacl = {
	.name = "nacl",
	.id = SBI_NESTED_EXT_NACL,
	.extid_start = SBI_EXT_NACL,
	.extid_end = SBI_EXT_NACL,
	.probe = nacl_probe,
	.handle = nacl_handle,
};
