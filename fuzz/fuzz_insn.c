/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: the instruction decoder (common/insn.c).
 *
 * The input is an instruction stream, fetched the way L0 and L1 fetch
 * (16 bits, insn_length(), then the second half), from a buffer exactly as
 * long as the input, so AddressSanitizer sees any read past its end. Each
 * instruction is checked against
 *   - an independent table of the encodings (mask/match values of the
 *     spec's opcode map): the decoder recognises exactly those, with the
 *     right kind, width and extension;
 *   - a re-encoder: the decoded fields (registers, immediate, CSR, width)
 *     put back into the format give the original bits, so no field is
 *     misread, and every field is in the range the format allows;
 *   - the Zicsr semantics of insn_csr_update and the width/extension of
 *     insn_load_extend, computed here the long way;
 *   - a 16-bit instruction decodes the same whatever the upper half holds.
 */
#include "fuzz.h"

#include <rvnest/insn.h>

#include <stdbool.h>
#include <string.h>

/* One encoding of the decoded set: (raw & mask) == match. */
struct ref_form {
	uint32_t mask, match;
	enum insn_kind kind;
	unsigned width;
	bool sign;
	unsigned len;
	bool rvc_rd_nonzero; /* C.LWSP/C.LDSP: rd = x0 is reserved */
};

#define I32(mask, match, kind, w, s)              \
	{                                         \
		mask, match, kind, w, s, 4, false \
	}
#define C16(match, kind, w, s, nz)               \
	{                                        \
		0xe003, match, kind, w, s, 2, nz \
	}

static const struct ref_form ref_forms[] = {
	I32(0x707f, 0x0003, INSN_LOAD, 1, true),   /* LB */
	I32(0x707f, 0x1003, INSN_LOAD, 2, true),   /* LH */
	I32(0x707f, 0x2003, INSN_LOAD, 4, true),   /* LW */
	I32(0x707f, 0x3003, INSN_LOAD, 8, true),   /* LD */
	I32(0x707f, 0x4003, INSN_LOAD, 1, false),  /* LBU */
	I32(0x707f, 0x5003, INSN_LOAD, 2, false),  /* LHU */
	I32(0x707f, 0x6003, INSN_LOAD, 4, false),  /* LWU */
	I32(0x707f, 0x0023, INSN_STORE, 1, false), /* SB */
	I32(0x707f, 0x1023, INSN_STORE, 2, false), /* SH */
	I32(0x707f, 0x2023, INSN_STORE, 4, false), /* SW */
	I32(0x707f, 0x3023, INSN_STORE, 8, false), /* SD */
	I32(0xffffffff, 0x10200073, INSN_SRET, 0, false),
	I32(0xffffffff, 0x10500073, INSN_WFI, 0, false),
	I32(0xfe007fff, 0x12000073, INSN_SFENCE_VMA, 0, false),
	I32(0xfe007fff, 0x22000073, INSN_HFENCE_VVMA, 0, false),
	I32(0xfe007fff, 0x62000073, INSN_HFENCE_GVMA, 0, false),
	I32(0x707f, 0x1073, INSN_CSR, 0, false),	  /* CSRRW */
	I32(0x707f, 0x2073, INSN_CSR, 0, false),	  /* CSRRS */
	I32(0x707f, 0x3073, INSN_CSR, 0, false),	  /* CSRRC */
	I32(0x707f, 0x5073, INSN_CSR, 0, false),	  /* CSRRWI */
	I32(0x707f, 0x6073, INSN_CSR, 0, false),	  /* CSRRSI */
	I32(0x707f, 0x7073, INSN_CSR, 0, false),	  /* CSRRCI */
	I32(0xfff0707f, 0x60004073, INSN_HLV, 1, true),	  /* HLV.B */
	I32(0xfff0707f, 0x60104073, INSN_HLV, 1, false),  /* HLV.BU */
	I32(0xfff0707f, 0x64004073, INSN_HLV, 2, true),	  /* HLV.H */
	I32(0xfff0707f, 0x64104073, INSN_HLV, 2, false),  /* HLV.HU */
	I32(0xfff0707f, 0x64304073, INSN_HLVX, 2, false), /* HLVX.HU */
	I32(0xfff0707f, 0x68004073, INSN_HLV, 4, true),	  /* HLV.W */
	I32(0xfff0707f, 0x68104073, INSN_HLV, 4, false),  /* HLV.WU */
	I32(0xfff0707f, 0x68304073, INSN_HLVX, 4, false), /* HLVX.WU */
	I32(0xfff0707f, 0x6c004073, INSN_HLV, 8, true),	  /* HLV.D */
	I32(0xfe007fff, 0x62004073, INSN_HSV, 1, false),  /* HSV.B */
	I32(0xfe007fff, 0x66004073, INSN_HSV, 2, false),  /* HSV.H */
	I32(0xfe007fff, 0x6a004073, INSN_HSV, 4, false),  /* HSV.W */
	I32(0xfe007fff, 0x6e004073, INSN_HSV, 8, false),  /* HSV.D */
	C16(0x4000, INSN_LOAD, 4, true, false),		  /* C.LW */
	C16(0x6000, INSN_LOAD, 8, true, false),		  /* C.LD */
	C16(0xc000, INSN_STORE, 4, false, false),	  /* C.SW */
	C16(0xe000, INSN_STORE, 8, false, false),	  /* C.SD */
	C16(0x4002, INSN_LOAD, 4, true, true),		  /* C.LWSP */
	C16(0x6002, INSN_LOAD, 8, true, true),		  /* C.LDSP */
	C16(0xc002, INSN_STORE, 4, false, false),	  /* C.SWSP */
	C16(0xe002, INSN_STORE, 8, false, false),	  /* C.SDSP */
};

#define NFORMS (sizeof(ref_forms) / sizeof(ref_forms[0]))

static const struct ref_form *ref_lookup(uint32_t raw, unsigned len)
{
	for (unsigned i = 0; i < NFORMS; i++) {
		const struct ref_form *f = &ref_forms[i];

		if (f->len != len || (raw & f->mask) != f->match)
			continue;
		if (f->rvc_rd_nonzero && ((raw >> 7) & 0x1f) == 0)
			continue;
		return f;
	}
	return NULL;
}

static unsigned log2w(unsigned w)
{
	return w == 1 ? 0 : w == 2 ? 1 : w == 4 ? 2 : 3;
}

static uint32_t b(uint64_t v, unsigned hi, unsigned lo)
{
	return (uint32_t)((v >> lo) & ((1u << (hi - lo + 1)) - 1));
}

/* The RVC encodings, from the C extension's CL/CS/CI/CSS formats. */
static uint32_t encode_rvc(const struct insn *d)
{
	uint64_t u = (uint64_t)d->imm;
	bool load = d->kind == INSN_LOAD;
	uint32_t f3 = (load ? 2u : 6u) + (d->width == 8);

	FUZZ_CHECK(d->imm >= 0 && d->imm < 512 && u % d->width == 0,
		   "rvc offset %lld width %u", (long long)d->imm, d->width);
	if (d->rs1 == 2) { /* stack-pointer forms */
		if (load && d->width == 4)
			return f3 << 13 | b(u, 5, 5) << 12 | d->rd << 7 |
			       b(u, 4, 2) << 4 | b(u, 7, 6) << 2 | 2;
		if (load)
			return f3 << 13 | b(u, 5, 5) << 12 | d->rd << 7 |
			       b(u, 4, 3) << 5 | b(u, 8, 6) << 2 | 2;
		if (d->width == 4)
			return f3 << 13 | b(u, 5, 2) << 9 | b(u, 7, 6) << 7 |
			       d->rs2 << 2 | 2;
		return f3 << 13 | b(u, 5, 3) << 10 | b(u, 8, 6) << 7 |
		       d->rs2 << 2 | 2;
	}
	FUZZ_CHECK(d->rs1 >= 8 && d->rs1 < 16, "rvc rs1' x%u", d->rs1);
	unsigned r2 = load ? d->rd : d->rs2;
	FUZZ_CHECK(r2 >= 8 && r2 < 16, "rvc rd'/rs2' x%u", r2);
	uint32_t lo = d->width == 4 ? (b(u, 2, 2) << 6 | b(u, 6, 6) << 5)
				    : b(u, 7, 6) << 5;
	return f3 << 13 | b(u, 5, 3) << 10 | (d->rs1 - 8) << 7 | lo |
	       (r2 - 8) << 2;
}

static uint32_t encode32(const struct insn *d)
{
	uint64_t u = (uint64_t)d->imm;
	uint32_t f3, f7;

	switch (d->kind) {
	case INSN_LOAD:
		FUZZ_CHECK(d->imm >= -2048 && d->imm < 2048, "imm %lld",
			   (long long)d->imm);
		f3 = log2w(d->width) +
		     (d->sign_extend || d->width == 8 ? 0 : 4);
		return b(u, 11, 0) << 20 | d->rs1 << 15 | f3 << 12 |
		       d->rd << 7 | 0x03;
	case INSN_STORE:
		FUZZ_CHECK(d->imm >= -2048 && d->imm < 2048, "imm %lld",
			   (long long)d->imm);
		return b(u, 11, 5) << 25 | d->rs2 << 20 | d->rs1 << 15 |
		       log2w(d->width) << 12 | b(u, 4, 0) << 7 | 0x23;
	case INSN_CSR:
		FUZZ_CHECK(d->csr < 4096 && d->uimm < 32, "csr %#x uimm %u",
			   d->csr, d->uimm);
		f3 = (d->csr_op == INSN_CSR_RW	 ? 1u
		      : d->csr_op == INSN_CSR_RS ? 2u
						 : 3u) +
		     (d->csr_imm ? 4u : 0u);
		return d->csr << 20 | (d->csr_imm ? d->uimm : d->rs1) << 15 |
		       f3 << 12 | d->rd << 7 | 0x73;
	case INSN_SRET:
		return 0x10200073;
	case INSN_WFI:
		return 0x10500073;
	case INSN_SFENCE_VMA:
	case INSN_HFENCE_VVMA:
	case INSN_HFENCE_GVMA:
		f7 = d->kind == INSN_SFENCE_VMA	   ? 0x09
		     : d->kind == INSN_HFENCE_VVMA ? 0x11
						   : 0x31;
		return f7 << 25 | d->rs2 << 20 | d->rs1 << 15 | 0x73;
	case INSN_HLV:
	case INSN_HLVX:
		f7 = 0x30 | log2w(d->width) << 1;
		return f7 << 25 |
		       (d->kind == INSN_HLVX ? 3u
			: d->sign_extend     ? 0u
					     : 1u)
			       << 20 |
		       d->rs1 << 15 | 4u << 12 | d->rd << 7 | 0x73;
	case INSN_HSV:
		f7 = 0x31 | log2w(d->width) << 1;
		return f7 << 25 | d->rs2 << 20 | d->rs1 << 15 | 4u << 12 | 0x73;
	default:
		FUZZ_CHECK(false, "kind %d has no encoding", d->kind);
		return 0;
	}
}

static bool same_decode(const struct insn *a, const struct insn *c)
{
	return a->kind == c->kind && a->len == c->len && a->raw == c->raw &&
	       a->rd == c->rd && a->rs1 == c->rs1 && a->rs2 == c->rs2 &&
	       a->imm == c->imm && a->width == c->width &&
	       a->sign_extend == c->sign_extend && a->data_reg == c->data_reg &&
	       a->csr == c->csr && a->csr_op == c->csr_op &&
	       a->csr_imm == c->csr_imm && a->uimm == c->uimm;
}

static void check_csr_update(const struct insn *d, unsigned long src)
{
	unsigned long old = ~src ^ 0x5a5a5a5a5a5a5a5aUL, want;
	bool src_zero = d->csr_imm ? d->uimm == 0 : d->rs1 == 0;
	struct insn_csr_update u = insn_csr_update(d, src);
	unsigned long got = (old & ~u.mask) | (u.value & u.mask);

	switch (d->csr_op) {
	case INSN_CSR_RW:
		FUZZ_CHECK(u.write && u.read == (d->rd != 0), "csrrw r/w");
		want = src;
		break;
	case INSN_CSR_RS:
		FUZZ_CHECK(u.read && u.write == !src_zero, "csrrs r/w");
		want = old | src;
		break;
	default:
		FUZZ_CHECK(u.read && u.write == !src_zero, "csrrc r/w");
		want = old & ~src;
		break;
	}
	if (u.write)
		FUZZ_CHECK(got == want, "csr %#lx -> %#lx, want %#lx", old, got,
			   want);
}

static void check_load_extend(const struct insn *d, unsigned long v)
{
	unsigned bits = d->width * 8;
	unsigned long want = v, got = insn_load_extend(d, v);

	if (bits < 64) {
		want = v & ((1UL << bits) - 1);
		if (d->sign_extend)
			want = (unsigned long)((long)(want << (64 - bits)) >>
					       (64 - bits));
	}
	FUZZ_CHECK(got == want, "extend %#lx width %u sign %d: %#lx", v,
		   d->width, d->sign_extend, got);
}

static void check_one(uint32_t raw, unsigned len, uint16_t junk_hi,
		      unsigned long operand)
{
	struct insn d, d2;
	bool ok = insn_decode(raw, &d);
	const struct ref_form *f = ref_lookup(raw, len);

	FUZZ_CHECK(d.len == len, "raw %#x len %u, decoder %u", raw, len, d.len);
	FUZZ_CHECK(d.raw == (len == 2 ? (raw & 0xffff) : raw), "raw %#x", raw);
	FUZZ_CHECK(ok == (f != NULL), "raw %#x: decoder %d, spec %d", raw, ok,
		   f != NULL);
	FUZZ_CHECK(insn_kind_name(d.kind) != NULL, "name");
	if (len == 2) {
		/* the upper half is the next instruction, never this one */
		insn_decode((uint32_t)junk_hi << 16 | (raw & 0xffff), &d2);
		FUZZ_CHECK(same_decode(&d, &d2), "raw %#x depends on %#x", raw,
			   junk_hi);
	}
	if (!ok) {
		struct insn z = {
			.kind = INSN_UNKNOWN, .len = len, .raw = d.raw};
		FUZZ_CHECK(same_decode(&d, &z), "raw %#x: unknown with fields",
			   raw);
		return;
	}
	FUZZ_CHECK(d.kind == f->kind, "raw %#x kind %d, spec %d", raw, d.kind,
		   f->kind);
	FUZZ_CHECK(d.rd < 32 && d.rs1 < 32 && d.rs2 < 32 && d.data_reg < 32,
		   "raw %#x registers", raw);
	if (f->width) {
		FUZZ_CHECK(d.width == f->width, "raw %#x width %u, spec %u",
			   raw, d.width, f->width);
		if (d.width < 8)
			FUZZ_CHECK(d.sign_extend == f->sign,
				   "raw %#x sign %d, spec %d", raw,
				   d.sign_extend, f->sign);
		bool load = d.kind == INSN_LOAD || d.kind == INSN_HLV ||
			    d.kind == INSN_HLVX;
		FUZZ_CHECK(d.data_reg == (load ? d.rd : d.rs2),
			   "raw %#x data register", raw);
		if (load)
			check_load_extend(&d, operand);
	}
	uint32_t enc = len == 2 ? encode_rvc(&d) : encode32(&d);
	FUZZ_CHECK(enc == d.raw, "raw %#x re-encodes as %#x", d.raw, enc);
	if (d.kind == INSN_CSR)
		check_csr_update(&d, operand);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;

	/* Fetch as a hypervisor does, never reading past the stream. */
	while (size - off >= 2) {
		uint16_t lo = (uint16_t)(data[off] | data[off + 1] << 8);
		unsigned len = insn_length(lo);
		uint32_t raw = lo;
		unsigned long operand = 0;

		if (len == 0)
			len = 2; /* >= 48-bit: skip a parcel, decode as is */
		if (len == 4) {
			if (size - off < 4)
				break;
			raw |= (uint32_t)(data[off + 2] | data[off + 3] << 8)
			       << 16;
		}
		for (unsigned i = 0; i < 8 && off + i < size; i++)
			operand |= (unsigned long)data[off + i] << (8 * i);
		operand *= 0x9e3779b97f4a7c15UL; /* spread the bits */
		if (insn_length(lo) == 0) {
			struct insn d;
			FUZZ_CHECK(!insn_decode(raw, &d) && d.len == 0,
				   "long encoding %#x decoded", raw);
		} else {
			uint16_t hi = size - off >= 4
					      ? (uint16_t)(data[off + 2] |
							   data[off + 3] << 8)
					      : 0xffff;
			check_one(raw, len, (uint16_t)~hi, operand);
		}
		off += len;
	}
	return 0;
}
