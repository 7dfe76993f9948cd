/* SPDX-License-Identifier: BSD-2-Clause */
/* Image chains (rvnest/chain.h): strict parsing, and the rest's header. */
#include <rvnest/chain.h>
#include <stdio.h>
#include <string.h>

static uint64_t get_le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#define BAD(...)                                    \
	do {                                        \
		snprintf(err, errlen, __VA_ARGS__); \
		return RVNEST_CHAIN_BAD;            \
	} while (0)

enum rvnest_chain_status rvnest_chain_parse(const void *hdr, size_t hdr_len,
					    uint64_t total_len,
					    struct rvnest_chain *c, char *err,
					    size_t errlen)
{
	const uint8_t *h = hdr;
	uint64_t version, count, off, sizes_end;

	if (hdr_len > total_len)
		hdr_len = (size_t)total_len;
	if (hdr_len < RVNEST_CHAIN_MAGIC_LEN ||
	    memcmp(h, RVNEST_CHAIN_MAGIC, RVNEST_CHAIN_MAGIC_LEN))
		return RVNEST_CHAIN_NOT_A_CHAIN;
	/* the header is a whole page, and a chain has at least one byte of
	 * each of its two or more elements after it */
	if (total_len <= RVNEST_CHAIN_ALIGN || hdr_len < RVNEST_CHAIN_ALIGN)
		BAD("chain of %llu bytes: shorter than its %lu-byte header "
		    "plus elements",
		    (unsigned long long)total_len, RVNEST_CHAIN_ALIGN);
	version = get_le(h + 8, 4);
	count = get_le(h + 12, 4);
	if (version != RVNEST_CHAIN_VERSION)
		BAD("chain version %llu (this L0 reads version %d)",
		    (unsigned long long)version, RVNEST_CHAIN_VERSION);
	if (count < 2 || count > RVNEST_CHAIN_MAX)
		BAD("chain count %llu (2 to %d elements)",
		    (unsigned long long)count, RVNEST_CHAIN_MAX);
	sizes_end = RVNEST_CHAIN_HDR_SIZES + 8 * count;
	for (uint64_t i = sizes_end; i < RVNEST_CHAIN_ALIGN; i++)
		if (h[i])
			BAD("chain header byte 0x%llx after the sizes is not "
			    "zero",
			    (unsigned long long)i);
	c->count = (unsigned)count;
	off = RVNEST_CHAIN_ALIGN;
	for (unsigned i = 0; i < c->count; i++) {
		uint64_t size = get_le(h + RVNEST_CHAIN_HDR_SIZES + 8 * i, 8);

		/* off <= total_len here, so the subtraction cannot wrap and
		 * the sum below cannot overflow */
		if (size == 0 || size > total_len - off)
			BAD("chain element %u: size 0x%llx at offset 0x%llx "
			    "does not fit in the chain's 0x%llx bytes",
			    i, (unsigned long long)size,
			    (unsigned long long)off,
			    (unsigned long long)total_len);
		c->off[i] = off;
		c->size[i] = size;
		off += size;
		if (i + 1 < c->count) {
			/* the next element starts page aligned */
			off = (off + RVNEST_CHAIN_ALIGN - 1) &
			      ~(RVNEST_CHAIN_ALIGN - 1);
			if (off >= total_len)
				BAD("chain ends (0x%llx bytes) before element "
				    "%u",
				    (unsigned long long)total_len, i + 1);
		}
	}
	if (off != total_len)
		BAD("chain has 0x%llx bytes after its last element",
		    (unsigned long long)(total_len - off));
	return RVNEST_CHAIN_OK;
}

uint64_t rvnest_chain_rest_header(const struct rvnest_chain *c,
				  uint64_t total_len, void *hdr)
{
	uint8_t *h = hdr;

	memset(h, 0, RVNEST_CHAIN_ALIGN);
	memcpy(h, RVNEST_CHAIN_MAGIC, RVNEST_CHAIN_MAGIC_LEN);
	put_le(h + 8, RVNEST_CHAIN_VERSION, 4);
	put_le(h + 12, c->count - 1, 4);
	for (unsigned i = 1; i < c->count; i++)
		put_le(h + RVNEST_CHAIN_HDR_SIZES + 8 * (i - 1), c->size[i], 8);
	return RVNEST_CHAIN_ALIGN + (total_len - c->off[1]);
}
