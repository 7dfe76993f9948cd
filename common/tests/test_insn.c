/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host unit tests for the instruction decoder. Every encoding below was
 * produced by riscv64-unknown-elf-as (".option arch, +h", objdump
 * -M no-aliases), so the expected fields are the assembler's, not ours.
 */
#include <rvnest/encoding.h>
#include <rvnest/insn.h>

#include "unit.h"

/* x-register numbers used in the assembler sources */
enum {
	X0 = 0,
	RA = 1,
	SP = 2,
	T1 = 6,
	T2 = 7,
	S0 = 8,
	S1 = 9,
	A0 = 10,
	A1 = 11,
	A2 = 12,
	A5 = 15,
	S11 = 27,
	T0 = 5,
	T6 = 31,
};

struct mem_case {
	uint32_t raw;
	enum insn_kind kind;
	unsigned len, width;
	bool sign;
	unsigned data_reg, rs1;
	int64_t imm;
};

static void check_mem(const struct mem_case *c)
{
	struct insn in;

	CHECK(insn_decode(c->raw, &in));
	CHECK_EQ(in.kind, c->kind);
	CHECK_EQ(in.len, c->len);
	CHECK_EQ(in.width, c->width);
	CHECK_EQ(in.data_reg, c->data_reg);
	CHECK_EQ(in.rs1, c->rs1);
	CHECK_EQ(in.imm, c->imm);
	if (c->kind == INSN_LOAD || c->kind == INSN_HLV ||
	    c->kind == INSN_HLVX) {
		CHECK_EQ(in.sign_extend, c->sign);
		CHECK_EQ(in.rd, c->data_reg);
	} else {
		CHECK_EQ(in.rs2, c->data_reg);
		CHECK_EQ(in.rd, 0);
	}
}

#define RUN_CASES(cases)                                                   \
	do {                                                               \
		for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); \
		     i++)                                                  \
			check_mem(&cases[i]);                              \
	} while (0)

TEST(insn_base_loads)
{
	static const struct mem_case cases[] = {
		/* lb a0,-1(a1) */
		{0xfff58503, INSN_LOAD, 4, 1, true, A0, A1, -1},
		/* lh a5,-2(t2) */
		{0xffe39783, INSN_LOAD, 4, 2, true, A5, T2, -2},
		/* lw t6,0(zero) */
		{0x00002f83, INSN_LOAD, 4, 4, true, T6, X0, 0},
		/* ld s1,8(sp) */
		{0x00813483, INSN_LOAD, 4, 8, true, S1, SP, 8},
		/* lbu a0,255(a1) */
		{0x0ff5c503, INSN_LOAD, 4, 1, false, A0, A1, 255},
		/* lhu t6,2047(s0) */
		{0x7ff45f83, INSN_LOAD, 4, 2, false, T6, S0, 2047},
		/* lwu a0,-2048(a1) */
		{0x8005e503, INSN_LOAD, 4, 4, false, A0, A1, -2048},
	};
	RUN_CASES(cases);
}

TEST(insn_base_stores)
{
	static const struct mem_case cases[] = {
		/* sb a0,-3(a1) */
		{0xfea58ea3, INSN_STORE, 4, 1, false, A0, A1, -3},
		/* sh a0,4(a1) */
		{0x00a59223, INSN_STORE, 4, 2, false, A0, A1, 4},
		/* sw zero,1024(t1) */
		{0x40032023, INSN_STORE, 4, 4, false, X0, T1, 1024},
		/* sd ra,-8(sp) */
		{0xfe113c23, INSN_STORE, 4, 8, false, RA, SP, -8},
	};
	RUN_CASES(cases);
}

TEST(insn_compressed_loads_stores)
{
	static const struct mem_case cases[] = {
		/* c.lw a0,124(a1) */
		{0x5de8, INSN_LOAD, 2, 4, true, A0, A1, 124},
		/* c.ld s0,248(a5) */
		{0x7fe0, INSN_LOAD, 2, 8, true, S0, A5, 248},
		/* c.sw a0,4(a1) */
		{0xc1c8, INSN_STORE, 2, 4, false, A0, A1, 4},
		/* c.sd a2,8(s1) */
		{0xe490, INSN_STORE, 2, 8, false, A2, S1, 8},
		/* c.lwsp ra,252(sp) */
		{0x50fe, INSN_LOAD, 2, 4, true, RA, SP, 252},
		/* c.ldsp t6,504(sp) */
		{0x7ffe, INSN_LOAD, 2, 8, true, T6, SP, 504},
		/* c.ldsp s1,8(sp) */
		{0x64a2, INSN_LOAD, 2, 8, true, S1, SP, 8},
		/* c.swsp a0,252(sp) */
		{0xdfaa, INSN_STORE, 2, 4, false, A0, SP, 252},
		/* c.sdsp s11,504(sp) */
		{0xffee, INSN_STORE, 2, 8, false, S11, SP, 504},
	};
	RUN_CASES(cases);
}

TEST(insn_compressed_ignores_upper_half)
{
	struct insn in;

	/* A 16-bit instruction fetched as a word carries the next one in
	 * its upper half: only the low half may be decoded. */
	CHECK(insn_decode(0xdead0000u | 0x5de8, &in));
	CHECK_EQ(in.len, 2);
	CHECK_EQ(in.raw, 0x5de8);
	CHECK_EQ(in.rd, A0);
}

TEST(insn_hlv_hlvx_hsv)
{
	static const struct mem_case cases[] = {
		{0x6005c573, INSN_HLV, 4, 1, true, A0, A1, 0},	 /* hlv.b */
		{0x6015c573, INSN_HLV, 4, 1, false, A0, A1, 0},	 /* hlv.bu */
		{0x6405c573, INSN_HLV, 4, 2, true, A0, A1, 0},	 /* hlv.h */
		{0x6415c573, INSN_HLV, 4, 2, false, A0, A1, 0},	 /* hlv.hu */
		{0x6435c573, INSN_HLVX, 4, 2, false, A0, A1, 0}, /* hlvx.hu */
		{0x6805c573, INSN_HLV, 4, 4, true, A0, A1, 0},	 /* hlv.w */
		{0x6815c573, INSN_HLV, 4, 4, false, A0, A1, 0},	 /* hlv.wu */
		{0x6835c573, INSN_HLVX, 4, 4, false, A0, A1, 0}, /* hlvx.wu */
		{0x6c05c573, INSN_HLV, 4, 8, true, A0, A1, 0},	 /* hlv.d */
		{0x62a5c073, INSN_HSV, 4, 1, false, A0, A1, 0},	 /* hsv.b */
		{0x66a5c073, INSN_HSV, 4, 2, false, A0, A1, 0},	 /* hsv.h */
		{0x6aa5c073, INSN_HSV, 4, 4, false, A0, A1, 0},	 /* hsv.w */
		{0x6ea5c073, INSN_HSV, 4, 8, false, A0, A1, 0},	 /* hsv.d */
	};
	RUN_CASES(cases);
}

TEST(insn_privileged)
{
	struct insn in;

	CHECK(insn_decode(0x10200073, &in)); /* sret */
	CHECK_EQ(in.kind, INSN_SRET);
	CHECK_EQ(in.len, 4);
	CHECK(insn_decode(0x10500073, &in)); /* wfi */
	CHECK_EQ(in.kind, INSN_WFI);

	CHECK(insn_decode(0x12b50073, &in)); /* sfence.vma a0,a1 */
	CHECK_EQ(in.kind, INSN_SFENCE_VMA);
	CHECK_EQ(in.rs1, A0);
	CHECK_EQ(in.rs2, A1);
	CHECK(insn_decode(0x22b50073, &in)); /* hfence.vvma a0,a1 */
	CHECK_EQ(in.kind, INSN_HFENCE_VVMA);
	CHECK_EQ(in.rs1, A0);
	CHECK_EQ(in.rs2, A1);
	CHECK(insn_decode(0x62b50073, &in)); /* hfence.gvma a0,a1 */
	CHECK_EQ(in.kind, INSN_HFENCE_GVMA);
	CHECK_EQ(in.rs1, A0);
	CHECK_EQ(in.rs2, A1);
	CHECK(insn_decode(0x62000073, &in)); /* hfence.gvma zero,zero */
	CHECK_EQ(in.kind, INSN_HFENCE_GVMA);
	CHECK_EQ(in.rs1, 0);
	CHECK_EQ(in.rs2, 0);
}

TEST(insn_csr_forms)
{
	struct insn in;

	CHECK(insn_decode(0x10059573, &in)); /* csrrw a0,sstatus,a1 */
	CHECK_EQ(in.kind, INSN_CSR);
	CHECK_EQ(in.csr, CSR_SSTATUS);
	CHECK_EQ(in.csr_op, INSN_CSR_RW);
	CHECK(!in.csr_imm);
	CHECK_EQ(in.rd, A0);
	CHECK_EQ(in.rs1, A1);

	CHECK(insn_decode(0x6452a073, &in)); /* csrrs zero,hvip,t0 */
	CHECK_EQ(in.csr, CSR_HVIP);
	CHECK_EQ(in.csr_op, INSN_CSR_RS);
	CHECK_EQ(in.rd, X0);
	CHECK_EQ(in.rs1, T0);

	CHECK(insn_decode(0x144ff573, &in)); /* csrrci a0,sip,31 */
	CHECK_EQ(in.csr, CSR_SIP);
	CHECK_EQ(in.csr_op, INSN_CSR_RC);
	CHECK(in.csr_imm);
	CHECK_EQ(in.uimm, 31);
	CHECK_EQ(in.rd, A0);

	CHECK(insn_decode(0x14d0d073, &in)); /* csrrwi zero,stimecmp,1 */
	CHECK_EQ(in.csr, CSR_STIMECMP);
	CHECK_EQ(in.csr_op, INSN_CSR_RW);
	CHECK(in.csr_imm);
	CHECK_EQ(in.uimm, 1);

	CHECK(insn_decode(0x60006073, &in)); /* csrrsi zero,hstatus,0 */
	CHECK_EQ(in.csr, CSR_HSTATUS);
	CHECK_EQ(in.csr_op, INSN_CSR_RS);
	CHECK(in.csr_imm);
	CHECK_EQ(in.uimm, 0);

	CHECK(insn_decode(0x60003373, &in)); /* csrrc t1,hstatus,zero */
	CHECK_EQ(in.csr_op, INSN_CSR_RC);
	CHECK_EQ(in.rd, T1);
	CHECK_EQ(in.rs1, X0);

	CHECK(insn_decode(0xc0002573, &in)); /* csrrs a0,cycle,zero */
	CHECK_EQ(in.csr, CSR_CYCLE);

	CHECK(insn_decode(0x28061073, &in)); /* csrrw zero,vsatp,a2 */
	CHECK_EQ(in.csr, CSR_VSATP);
	CHECK_EQ(in.rs1, A2);
	CHECK_EQ(in.rd, X0);
}

TEST(insn_csr_update_rules)
{
	struct insn in;
	struct insn_csr_update u;

	/* csrrw a0,sstatus,a1: reads (rd != 0), writes everything */
	insn_decode(0x10059573, &in);
	u = insn_csr_update(&in, 0x1234);
	CHECK(u.read);
	CHECK(u.write);
	CHECK_EQ(u.value & u.mask, 0x1234);
	CHECK_EQ(u.mask, ~0ul);

	/* csrrw zero,vsatp,a2: no read side effect (Zicsr) */
	insn_decode(0x28061073, &in);
	u = insn_csr_update(&in, 5);
	CHECK(!u.read);
	CHECK(u.write);

	/* csrrs zero,hvip,t0 with t0 = 0x40: sets bit 6 only, even though a
	 * register source whose value is 0 would still count as a write */
	insn_decode(0x6452a073, &in);
	u = insn_csr_update(&in, 0x40);
	CHECK(u.write);
	CHECK_EQ(u.mask, 0x40);
	CHECK_EQ((0x3ul & ~u.mask) | (u.value & u.mask), 0x43);
	u = insn_csr_update(&in, 0);
	CHECK(u.write); /* rs1 is t0, not x0: it is a write of nothing */
	CHECK_EQ(u.mask, 0);

	/* csrrc t1,hstatus,zero: rs1 = x0 -> read only */
	insn_decode(0x60003373, &in);
	u = insn_csr_update(&in, 0);
	CHECK(u.read);
	CHECK(!u.write);

	/* csrrci a0,sip,31: clears bits 0..4 */
	insn_decode(0x144ff573, &in);
	u = insn_csr_update(&in, in.uimm);
	CHECK(u.write);
	CHECK_EQ((0xfful & ~u.mask) | (u.value & u.mask), 0xe0);

	/* csrrsi zero,hstatus,0: uimm = 0 -> no write */
	insn_decode(0x60006073, &in);
	u = insn_csr_update(&in, in.uimm);
	CHECK(u.read);
	CHECK(!u.write);
}

TEST(insn_load_extension)
{
	struct insn in;

	insn_decode(0xfff58503, &in); /* lb */
	CHECK_EQ(insn_load_extend(&in, 0x1ff), ~0ul);
	CHECK_EQ(insn_load_extend(&in, 0x7f), 0x7f);
	insn_decode(0x0ff5c503, &in); /* lbu */
	CHECK_EQ(insn_load_extend(&in, 0x1ff), 0xff);
	insn_decode(0xffe39783, &in); /* lh */
	CHECK_EQ(insn_load_extend(&in, 0x8000), 0xffffffffffff8000ul);
	insn_decode(0x8005e503, &in); /* lwu */
	CHECK_EQ(insn_load_extend(&in, 0xffffffff80000000ul), 0x80000000ul);
	insn_decode(0x5de8, &in); /* c.lw sign-extends like LW */
	CHECK_EQ(insn_load_extend(&in, 0x80000000ul), 0xffffffff80000000ul);
	insn_decode(0x00813483, &in); /* ld */
	CHECK_EQ(insn_load_extend(&in, 0x8000000000000001ul),
		 0x8000000000000001ul);
}

TEST(insn_length_rules)
{
	CHECK_EQ(insn_length(0x5de8), 2);
	CHECK_EQ(insn_length(0x8503), 4);
	CHECK_EQ(insn_length(0x001f), 0); /* 48-bit encoding */
	CHECK_EQ(insn_length(0x003f), 0); /* 64-bit encoding */
}

TEST(insn_rejects)
{
	static const uint32_t bad[] = {
		0x6c15c573, /* "hlv.du": no such instruction */
		0x6035c573, /* "hlvx.bu": HLVX has no byte form */
		0x6c35c573, /* "hlvx.du" */
		0x6025c573, /* HLV with rs2 = 2: reserved */
		0x62a5c0f3, /* hsv.b with rd != 0 */
		0x7005c573, /* funct7 0111000: not an HLV/HSV */
		0x4002,	    /* c.lwsp with rd = x0: reserved */
		0x6002,	    /* c.ldsp with rd = x0: reserved */
		0x2588,	    /* c.fld: floating point, not decoded */
		0x0000,	    /* the all-zero illegal instruction */
		0x00000013, /* addi x0,x0,0: not a trapping form */
		0x00007003, /* load funct3 = 7: reserved */
		0x00004023, /* store funct3 = 4: reserved */
		0x00004073, /* funct7 0 under funct3 4 */
		0x10200173, /* sret with rd != 0 */
		0x12b500f3, /* sfence.vma with rd != 0 */
		0x00000073, /* ecall: never emulated by the decoder's users */
		0x0000001f, /* 48-bit encoding */
	};
	struct insn in;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(!insn_decode(bad[i], &in));
		CHECK_EQ(in.kind, INSN_UNKNOWN);
	}
}

TEST(insn_kind_names)
{
	CHECK(insn_kind_name(INSN_HLVX)[0] == 'h');
	CHECK(insn_kind_name(INSN_UNKNOWN)[0] == 'u');
	CHECK(insn_kind_name((enum insn_kind)99)[0] == 'i');
}

/* ---- exhaustive field round trips --------------------------------------
 * An encoder written from the ISA manual's format diagrams (independent of
 * the decoder's tables) packs every register and a sweep of offsets; the
 * decoder must give them back. This catches a swapped immediate bit that
 * a handful of assembler samples might miss. */

static uint32_t enc_i(unsigned f3, unsigned rd, unsigned rs1, int imm)
{
	return ((uint32_t)(imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) |
	       (rd << 7) | INSN_OPCODE_LOAD;
}

static uint32_t enc_s(unsigned f3, unsigned rs2, unsigned rs1, int imm)
{
	uint32_t u = (uint32_t)imm & 0xfff;

	return ((u >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
	       ((u & 0x1f) << 7) | INSN_OPCODE_STORE;
}

TEST(insn_roundtrip_base)
{
	static const unsigned load_w[8] = {1, 2, 4, 8, 1, 2, 4, 0};
	static const unsigned store_w[8] = {1, 2, 4, 8, 0, 0, 0, 0};
	struct insn in;

	for (unsigned f3 = 0; f3 < 8; f3++)
		for (unsigned r = 0; r < 32; r++)
			for (int imm = -2048; imm < 2048; imm += 37) {
				unsigned r2 = (r * 7 + 3) % 32;
				bool ok =
					insn_decode(enc_i(f3, r, r2, imm), &in);

				CHECK_EQ(ok, load_w[f3] != 0);
				if (ok) {
					CHECK_EQ(in.width, load_w[f3]);
					CHECK_EQ(in.sign_extend, f3 < 4);
					CHECK_EQ(in.rd, r);
					CHECK_EQ(in.rs1, r2);
					CHECK_EQ(in.imm, imm);
				}
				ok = insn_decode(enc_s(f3, r, r2, imm), &in);
				CHECK_EQ(ok, store_w[f3] != 0);
				if (ok) {
					CHECK_EQ(in.width, store_w[f3]);
					CHECK_EQ(in.rs2, r);
					CHECK_EQ(in.data_reg, r);
					CHECK_EQ(in.rs1, r2);
					CHECK_EQ(in.imm, imm);
				}
			}
}

/* RVC: CL/CS formats (C.LW/C.SW scale 4, C.LD/C.SD scale 8) */
static uint16_t enc_cl(unsigned f3, unsigned rdp, unsigned rs1p, unsigned off,
		       bool dword)
{
	uint32_t x = (f3 << 13) | (rs1p << 7) | (rdp << 2);

	x |= ((off >> 3) & 7) << 10; /* offset[5:3] */
	if (dword)
		x |= ((off >> 6) & 3) << 5; /* offset[7:6] */
	else
		x |= ((off >> 2) & 1) << 6 | ((off >> 6) & 1) << 5;
	return (uint16_t)x;
}

/* RVC: CI (C.LWSP/C.LDSP) and CSS (C.SWSP/C.SDSP), quadrant 2 */
static uint16_t enc_ci_sp(unsigned f3, unsigned rd, unsigned off, bool dword)
{
	uint32_t x = (f3 << 13) | (rd << 7) | 2;

	x |= ((off >> 5) & 1) << 12;
	if (dword)
		x |= ((off >> 3) & 3) << 5 | ((off >> 6) & 7) << 2;
	else
		x |= ((off >> 2) & 7) << 4 | ((off >> 6) & 3) << 2;
	return (uint16_t)x;
}

static uint16_t enc_css_sp(unsigned f3, unsigned rs2, unsigned off, bool dword)
{
	uint32_t x = (f3 << 13) | (rs2 << 2) | 2;

	if (dword)
		x |= ((off >> 3) & 7) << 10 | ((off >> 6) & 7) << 7;
	else
		x |= ((off >> 2) & 15) << 9 | ((off >> 6) & 3) << 7;
	return (uint16_t)x;
}

TEST(insn_roundtrip_compressed)
{
	struct insn in;

	for (unsigned rd = 0; rd < 8; rd++)
		for (unsigned rs = 0; rs < 8; rs++) {
			for (unsigned off = 0; off < 128; off += 4) {
				CHECK(insn_decode(enc_cl(2, rd, rs, off, false),
						  &in)); /* C.LW */
				CHECK_EQ(in.kind, INSN_LOAD);
				CHECK_EQ(in.width, 4);
				CHECK_EQ(in.rd, rd + 8);
				CHECK_EQ(in.rs1, rs + 8);
				CHECK_EQ(in.imm, off);
				CHECK(insn_decode(enc_cl(6, rd, rs, off, false),
						  &in)); /* C.SW */
				CHECK_EQ(in.kind, INSN_STORE);
				CHECK_EQ(in.rs2, rd + 8);
				CHECK_EQ(in.imm, off);
			}
			for (unsigned off = 0; off < 256; off += 8) {
				CHECK(insn_decode(enc_cl(3, rd, rs, off, true),
						  &in)); /* C.LD */
				CHECK_EQ(in.width, 8);
				CHECK_EQ(in.rd, rd + 8);
				CHECK_EQ(in.imm, off);
				CHECK(insn_decode(enc_cl(7, rd, rs, off, true),
						  &in)); /* C.SD */
				CHECK_EQ(in.kind, INSN_STORE);
				CHECK_EQ(in.width, 8);
				CHECK_EQ(in.imm, off);
			}
		}
	for (unsigned r = 0; r < 32; r++) {
		for (unsigned off = 0; off < 256; off += 4) {
			bool ok = insn_decode(enc_ci_sp(2, r, off, false), &in);

			CHECK_EQ(ok, r != 0); /* C.LWSP rd=0 reserved */
			if (ok) {
				CHECK_EQ(in.rd, r);
				CHECK_EQ(in.rs1, 2);
				CHECK_EQ(in.width, 4);
				CHECK_EQ(in.imm, off);
			}
			CHECK(insn_decode(enc_css_sp(6, r, off, false), &in));
			CHECK_EQ(in.kind, INSN_STORE); /* C.SWSP */
			CHECK_EQ(in.rs2, r);
			CHECK_EQ(in.rs1, 2);
			CHECK_EQ(in.imm, off);
		}
		for (unsigned off = 0; off < 512; off += 8) {
			bool ok = insn_decode(enc_ci_sp(3, r, off, true), &in);

			CHECK_EQ(ok, r != 0); /* C.LDSP rd=0 reserved */
			if (ok) {
				CHECK_EQ(in.rd, r);
				CHECK_EQ(in.width, 8);
				CHECK_EQ(in.imm, off);
			}
			CHECK(insn_decode(enc_css_sp(7, r, off, true), &in));
			CHECK_EQ(in.width, 8); /* C.SDSP */
			CHECK_EQ(in.rs2, r);
			CHECK_EQ(in.imm, off);
		}
	}
}

TEST(insn_roundtrip_csr)
{
	struct insn in;

	for (unsigned f3 = 1; f3 < 8; f3++) {
		if (f3 == 4)
			continue;
		for (unsigned csr = 0; csr < 4096; csr += 13) {
			unsigned rd = csr % 32, src = (csr / 32) % 32;
			uint32_t x = (csr << 20) | (src << 15) | (f3 << 12) |
				     (rd << 7) | INSN_OPCODE_SYSTEM;

			CHECK(insn_decode(x, &in));
			CHECK_EQ(in.kind, INSN_CSR);
			CHECK_EQ(in.csr, csr);
			CHECK_EQ(in.rd, rd);
			CHECK_EQ(in.csr_imm, f3 >= 5);
			CHECK_EQ(in.csr_op, (f3 & 3) == 1   ? INSN_CSR_RW
					    : (f3 & 3) == 2 ? INSN_CSR_RS
							    : INSN_CSR_RC);
			if (f3 >= 5)
				CHECK_EQ(in.uimm, src);
			else
				CHECK_EQ(in.rs1, src);
		}
	}
}
