/* SPDX-License-Identifier: BSD-2-Clause */
/* Host unit tests for image chains (common/chain.c, rvnest/chain.h). */
#include <rvnest/chain.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#define PG RVNEST_CHAIN_ALIGN

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A well-formed chain of n elements of the given sizes, element i filled
 * with byte 'A' + i; *len gets its length. */
static uint8_t *build(unsigned n, const uint64_t *sizes, uint64_t *len)
{
	uint64_t off = PG;
	uint8_t *b;

	for (unsigned i = 0; i < n; i++)
		off = i + 1 < n ? (off + sizes[i] + PG - 1) & ~(PG - 1)
				: off + sizes[i];
	*len = off;
	b = calloc(1, off);
	memcpy(b, RVNEST_CHAIN_MAGIC, 8);
	b[8] = RVNEST_CHAIN_VERSION;
	b[12] = (uint8_t)n;
	off = PG;
	for (unsigned i = 0; i < n; i++) {
		put64(b + 16 + 8 * i, sizes[i]);
		memset(b + off, 'A' + (int)i, sizes[i]);
		off = (off + sizes[i] + PG - 1) & ~(PG - 1);
	}
	return b;
}

static enum rvnest_chain_status parse(const uint8_t *b, uint64_t len,
				      struct rvnest_chain *c)
{
	char err[160];

	return rvnest_chain_parse(b, len < PG ? len : PG, len, c, err,
				  sizeof(err));
}

TEST(chain_not_a_chain)
{
	struct rvnest_chain c;
	uint8_t elf[64] = {0x7f, 'E', 'L', 'F'};

	CHECK_EQ(parse(elf, sizeof(elf), &c), RVNEST_CHAIN_NOT_A_CHAIN);
	/* shorter than the magic */
	CHECK_EQ(parse((const uint8_t *)"RVNCH", 5, &c),
		 RVNEST_CHAIN_NOT_A_CHAIN);
}

TEST(chain_three_elements)
{
	const uint64_t sizes[] = {5000, 1, 4096};
	struct rvnest_chain c;
	uint64_t len;
	uint8_t *b = build(3, sizes, &len);

	CHECK_EQ(len, PG + 2 * PG + PG + 4096);
	CHECK_EQ(parse(b, len, &c), RVNEST_CHAIN_OK);
	CHECK_EQ(c.count, 3);
	CHECK_EQ(c.off[0], PG);
	CHECK_EQ(c.size[0], 5000);
	CHECK_EQ(c.off[1], 3 * PG);
	CHECK_EQ(c.size[1], 1);
	CHECK_EQ(c.off[2], 4 * PG);
	CHECK_EQ(b[c.off[2]], 'C');
	free(b);
}

TEST(chain_rest_is_a_chain)
{
	const uint64_t sizes[] = {100, 7000, 33};
	struct rvnest_chain c, r;
	uint64_t len, rlen;
	uint8_t *b = build(3, sizes, &len), *rest;

	CHECK_EQ(parse(b, len, &c), RVNEST_CHAIN_OK);
	rest = calloc(1, len);
	rlen = rvnest_chain_rest_header(&c, len, rest);
	CHECK_EQ(rlen, PG + len - c.off[1]);
	memcpy(rest + PG, b + c.off[1], len - c.off[1]);
	CHECK_EQ(parse(rest, rlen, &r), RVNEST_CHAIN_OK);
	CHECK_EQ(r.count, 2);
	CHECK_EQ(r.size[0], 7000);
	CHECK_EQ(r.size[1], 33);
	CHECK_EQ(rest[r.off[0]], 'B');
	CHECK_EQ(rest[r.off[1] + 32], 'C');
	free(rest);
	free(b);
}

TEST(chain_malformed)
{
	const uint64_t sizes[] = {10, 20};
	struct rvnest_chain c;
	uint64_t len;
	uint8_t *b = build(2, sizes, &len);
	char err[160] = "";

	CHECK_EQ(parse(b, len, &c), RVNEST_CHAIN_OK);
	/* truncated by one byte, or one byte too long */
	CHECK_EQ(parse(b, len - 1, &c), RVNEST_CHAIN_BAD);
	CHECK_EQ(parse(b, len + 1, &c), RVNEST_CHAIN_BAD);
	/* only the header page */
	CHECK_EQ(parse(b, PG, &c), RVNEST_CHAIN_BAD);
	/* a header cut short (hdr_len < one page) */
	CHECK_EQ(rvnest_chain_parse(b, 100, len, &c, err, sizeof(err)),
		 RVNEST_CHAIN_BAD);
	/* version */
	b[8] = 2;
	CHECK_EQ(parse(b, len, &c), RVNEST_CHAIN_BAD);
	b[8] = RVNEST_CHAIN_VERSION;
	/* count 1, 0, 9, and a huge one */
	b[12] = 1;
	CHECK_EQ(parse(b, len, &c), RVNEST_CHAIN_BAD);
	b[12] = 0;
	CHECK_EQ(parse(b, len, &c), RVNEST_CHAIN_BAD);
	b[12] = RVNEST_CHAIN_MAX + 1;
	CHECK_EQ(parse(b, len, &c), RVNEST_CHAIN_BAD);
	b[12] = 2;
	b[15] = 0x80;
	CHECK_EQ(parse(b, len, &c), RVNEST_CHAIN_BAD);
	b[15] = 0;
	/* a size of zero */
	put64(b + 16, 0);
	CHECK_EQ(parse(b, len, &c), RVNEST_CHAIN_BAD);
	/* a size that wraps the offset around */
	put64(b + 16, ~0ULL - 100);
	CHECK_EQ(parse(b, len, &c), RVNEST_CHAIN_BAD);
	/* a first element that swallows the second */
	put64(b + 16, len - PG);
	CHECK_EQ(parse(b, len, &c), RVNEST_CHAIN_BAD);
	put64(b + 16, 10);
	/* non-zero reserved header bytes */
	b[16 + 8 * 2] = 1;
	CHECK_EQ(parse(b, len, &c), RVNEST_CHAIN_BAD);
	b[16 + 8 * 2] = 0;
	b[PG - 1] = 1;
	CHECK_EQ(rvnest_chain_parse(b, PG, len, &c, err, sizeof(err)),
		 RVNEST_CHAIN_BAD);
	CHECK(strstr(err, "not zero") != NULL);
	b[PG - 1] = 0;
	CHECK_EQ(parse(b, len, &c), RVNEST_CHAIN_OK);
	free(b);
}

/* Every single-byte corruption of a small chain's header is either still
 * a consistent chain or refused: never elements outside the file. */
TEST(chain_every_header_byte)
{
	const uint64_t sizes[] = {300, 5000, 12};
	struct rvnest_chain c;
	uint64_t len;
	uint8_t *b = build(3, sizes, &len);

	for (unsigned i = 0; i < 48; i++) {
		for (unsigned v = 0; v < 256; v += 17) {
			uint8_t save = b[i];

			b[i] = (uint8_t)v;
			if (parse(b, len, &c) == RVNEST_CHAIN_OK)
				for (unsigned e = 0; e < c.count; e++)
					CHECK(c.off[e] + c.size[e] <= len);
			b[i] = save;
		}
	}
	free(b);
}
