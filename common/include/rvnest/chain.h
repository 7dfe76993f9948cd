/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Image chains: several boot images in one file, so that one QEMU -initrd
 * (or one initrd handed down by an L0) carries every level of a recursive
 * stack (L0 -> L0 -> L0 -> l1-guest-hyp). An L0 whose L1 image is a chain
 * runs element 0 as its L1 and gives the rest to its L1 as its initrd: the
 * rest itself as a chain when two or more elements remain, else the last
 * element as it is (docs/protocol.md, "Image chains"; built by
 * l0-hyp/mkchain.py).
 *
 * Layout (all integers little-endian):
 *   0x00  magic "RVNCHAIN"                       8 bytes
 *   0x08  version (1)                            u32
 *   0x0c  count (2 .. RVNEST_CHAIN_MAX)          u32
 *   0x10  size[count]                            u64 each, every one > 0
 *   ...   zero up to RVNEST_CHAIN_ALIGN (the header is exactly one page)
 *   element i at RVNEST_CHAIN_ALIGN + the sum of align_up(size[j]) for j < i
 *   (every element starts page aligned, zero padding between elements);
 *   the file ends exactly at the end of the last element.
 * Because the header is one page and elements are page aligned, the
 * elements 1..count-1 of a chain form a valid chain again behind a new
 * header: passing the rest on is one header page plus the tail, unchanged.
 */
#ifndef RVNEST_CHAIN_H
#define RVNEST_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#define RVNEST_CHAIN_MAGIC "RVNCHAIN"
#define RVNEST_CHAIN_MAGIC_LEN 8
#define RVNEST_CHAIN_VERSION 1
#define RVNEST_CHAIN_MAX 8
#define RVNEST_CHAIN_ALIGN 4096UL
#define RVNEST_CHAIN_HDR_SIZES 0x10 /* offset of size[0] */

struct rvnest_chain {
	unsigned count;
	uint64_t off[RVNEST_CHAIN_MAX]; /* from the start of the chain */
	uint64_t size[RVNEST_CHAIN_MAX];
};

enum rvnest_chain_status {
	RVNEST_CHAIN_OK,
	RVNEST_CHAIN_NOT_A_CHAIN, /* no magic: an ordinary image */
	RVNEST_CHAIN_BAD,	  /* the magic, but malformed: err says how */
};

/* `hdr` holds the first hdr_len bytes of a file of total_len bytes
 * (hdr_len = min(total_len, RVNEST_CHAIN_ALIGN) is enough; no alignment
 * needed). On OK, c describes every element. */
enum rvnest_chain_status rvnest_chain_parse(const void *hdr, size_t hdr_len,
					    uint64_t total_len,
					    struct rvnest_chain *c, char *err,
					    size_t errlen);

/* The header (RVNEST_CHAIN_ALIGN bytes, into hdr) of the chain made of
 * elements 1..count-1 of c (count >= 3); that chain is this header followed
 * by bytes [c->off[1], total_len) of c's file. Returns its total length. */
uint64_t rvnest_chain_rest_header(const struct rvnest_chain *c,
				  uint64_t total_len, void *hdr);

#endif /* RVNEST_CHAIN_H */
