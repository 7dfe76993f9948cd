/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Instruction decoder for trap-and-emulate (see rvnest/insn.h). Each
 * instruction family is a table lookup on its selector fields, so adding a
 * form is one table row.
 */
#include <rvnest/insn.h>

#define BITS(x, hi, lo) (((x) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1))
#define BITX(x, n) (((x) >> (n)) & 1u)

/* 32-bit field positions (Unprivileged ISA "Base Instruction Formats") */
#define RD(x) BITS(x, 11, 7)
#define FUNCT3(x) BITS(x, 14, 12)
#define RS1(x) BITS(x, 19, 15)
#define RS2(x) BITS(x, 24, 20)
#define FUNCT7(x) BITS(x, 31, 25)
#define CSR_FIELD(x) BITS(x, 31, 20)

/* RVC quadrants and the 3-bit register fields (x8..x15) */
#define RVC_QUADRANT(x) BITS(x, 1, 0)
#define RVC_Q0 0
#define RVC_Q2 2
#define RVC_FUNCT3(x) BITS(x, 15, 13)
#define RVC_REG_BASE 8
#define RVC_RS1P(x) (BITS(x, 9, 7) + RVC_REG_BASE)
#define RVC_RDP(x) (BITS(x, 4, 2) + RVC_REG_BASE)
#define RVC_RD(x) BITS(x, 11, 7)
#define RVC_RS2(x) BITS(x, 6, 2)
#define REG_SP 2

static int64_t sext(uint32_t v, unsigned bits)
{
	uint64_t m = 1ull << (bits - 1);

	return (int64_t)(((uint64_t)v ^ m) - m);
}

unsigned insn_length(uint16_t lo)
{
	if ((lo & INSN_LEN_MASK) != INSN_LEN_32BIT)
		return 2;
	/* 0bxxx11111 starts a 48-bit or longer encoding ("Expanded
	 * Instruction-Length Encoding"). */
	if (BITS(lo, 4, 2) == 0x7)
		return 0;
	return 4;
}

/* ---- base loads and stores: funct3 selects width and extension ------- */
struct mem_form {
	bool valid;
	unsigned width;
	bool sign_extend;
};

static const struct mem_form load_forms[8] = {
	[0] = {true, 1, true},	/* LB */
	[1] = {true, 2, true},	/* LH */
	[2] = {true, 4, true},	/* LW */
	[3] = {true, 8, true},	/* LD (RV64I) */
	[4] = {true, 1, false}, /* LBU */
	[5] = {true, 2, false}, /* LHU */
	[6] = {true, 4, false}, /* LWU (RV64I) */
};

static const struct mem_form store_forms[8] = {
	[0] = {true, 1, false}, /* SB */
	[1] = {true, 2, false}, /* SH */
	[2] = {true, 4, false}, /* SW */
	[3] = {true, 8, false}, /* SD (RV64I) */
};

static bool decode_load(uint32_t x, struct insn *in)
{
	const struct mem_form *f = &load_forms[FUNCT3(x)];

	if (!f->valid)
		return false;
	in->kind = INSN_LOAD;
	in->width = f->width;
	in->sign_extend = f->sign_extend;
	in->rd = RD(x);
	in->rs1 = RS1(x);
	in->data_reg = in->rd;
	in->imm = sext(BITS(x, 31, 20), 12); /* I-type immediate */
	return true;
}

static bool decode_store(uint32_t x, struct insn *in)
{
	const struct mem_form *f = &store_forms[FUNCT3(x)];

	if (!f->valid)
		return false;
	in->kind = INSN_STORE;
	in->width = f->width;
	in->rs1 = RS1(x);
	in->rs2 = RS2(x);
	in->data_reg = in->rs2;
	/* S-type immediate: imm[11:5] = x[31:25], imm[4:0] = x[11:7] */
	in->imm = sext((BITS(x, 31, 25) << 5) | BITS(x, 11, 7), 12);
	return true;
}

/* ---- SYSTEM, funct3 = 0: privileged instructions ----------------------
 * Matched on the whole word under a mask ("Supervisor Instructions",
 * "Hypervisor Instructions"); the fences carry rs1/rs2, require rd = 0. */
struct priv_form {
	uint32_t mask;
	uint32_t match;
	enum insn_kind kind;
	bool has_rs;
};

#define PRIV_MASK_EXACT 0xffffffffu
#define PRIV_MASK_FENCE 0xfe007fffu /* funct7, rd, funct3, opcode */

static const struct priv_form priv_forms[] = {
	{PRIV_MASK_EXACT, INSN_SRET_BITS, INSN_SRET, false},
	{PRIV_MASK_EXACT, 0x10500073u, INSN_WFI, false},
	{PRIV_MASK_FENCE, 0x12000073u, INSN_SFENCE_VMA, true},
	{PRIV_MASK_FENCE, 0x22000073u, INSN_HFENCE_VVMA, true},
	{PRIV_MASK_FENCE, 0x62000073u, INSN_HFENCE_GVMA, true},
};

static bool decode_priv(uint32_t x, struct insn *in)
{
	for (unsigned i = 0; i < sizeof(priv_forms) / sizeof(priv_forms[0]);
	     i++) {
		const struct priv_form *f = &priv_forms[i];

		if ((x & f->mask) != f->match)
			continue;
		in->kind = f->kind;
		if (f->has_rs) {
			in->rs1 = RS1(x);
			in->rs2 = RS2(x);
		}
		return true;
	}
	return false;
}

/* ---- SYSTEM, funct3 = 4: HLV/HLVX/HSV ----------------------------------
 * funct7 = 0b0110 ww s: ww = log2(width), s = 1 for HSV. For loads the rs2
 * field selects the form: 0 = HLV (signed), 1 = HLV.xU, 3 = HLVX.xU. For
 * HSV rs2 is the data and rd must be 0. */
#define HLSV_FUNCT7_MASK 0x78
#define HLSV_FUNCT7_MATCH 0x30
#define HLSV_FUNCT7_STORE 0x1
#define HLSV_WIDTH_LOG2(f7) BITS(f7, 2, 1)
#define HLV_RS2_SIGNED 0
#define HLV_RS2_UNSIGNED 1
#define HLV_RS2_EXEC 3

static bool decode_hlsv(uint32_t x, struct insn *in)
{
	unsigned f7 = FUNCT7(x);
	unsigned width;

	if ((f7 & HLSV_FUNCT7_MASK) != HLSV_FUNCT7_MATCH)
		return false;
	width = 1u << HLSV_WIDTH_LOG2(f7);
	in->width = width;
	in->rs1 = RS1(x);
	if (f7 & HLSV_FUNCT7_STORE) {
		if (RD(x) != 0)
			return false;
		in->kind = INSN_HSV;
		in->rs2 = RS2(x);
		in->data_reg = in->rs2;
		return true;
	}
	in->rd = RD(x);
	in->data_reg = in->rd;
	switch (RS2(x)) {
	case HLV_RS2_SIGNED:
		in->kind = INSN_HLV;
		in->sign_extend = true;
		return true;
	case HLV_RS2_UNSIGNED:
		/* There is no HLV.DU: a doubleword needs no extension. */
		if (width == 8)
			return false;
		in->kind = INSN_HLV;
		return true;
	case HLV_RS2_EXEC:
		/* HLVX exists only as HLVX.HU and HLVX.WU. */
		if (width != 2 && width != 4)
			return false;
		in->kind = INSN_HLVX;
		return true;
	default:
		return false;
	}
}

/* ---- SYSTEM, funct3 = 1..3, 5..7: Zicsr (insn_decode_csr, insn.h) ---- */
#define SYSTEM_FUNCT3_PRIV 0
#define SYSTEM_FUNCT3_HLSV 4

static bool decode_system(uint32_t x, struct insn *in)
{
	unsigned f3 = FUNCT3(x);

	if (f3 == SYSTEM_FUNCT3_PRIV)
		return decode_priv(x, in);
	if (f3 == SYSTEM_FUNCT3_HLSV)
		return decode_hlsv(x, in);
	return insn_decode_csr(x, in);
}

/* ---- RVC loads and stores ----------------------------------------------
 * Each row extracts its scaled unsigned offset; the immediate bit layouts
 * are those of the C extension's CL/CS/CI/CSS formats. */
typedef unsigned (*rvc_imm_fn)(uint32_t x);

static unsigned imm_clw(uint32_t x) /* C.LW/C.SW: [5:3]=12:10 2=6 6=5 */
{
	return (BITS(x, 12, 10) << 3) | (BITX(x, 6) << 2) | (BITX(x, 5) << 6);
}

static unsigned imm_cld(uint32_t x) /* C.LD/C.SD: [5:3]=12:10 [7:6]=6:5 */
{
	return (BITS(x, 12, 10) << 3) | (BITS(x, 6, 5) << 6);
}

static unsigned imm_clwsp(uint32_t x) /* 5=12 [4:2]=6:4 [7:6]=3:2 */
{
	return (BITX(x, 12) << 5) | (BITS(x, 6, 4) << 2) | (BITS(x, 3, 2) << 6);
}

static unsigned imm_cldsp(uint32_t x) /* 5=12 [4:3]=6:5 [8:6]=4:2 */
{
	return (BITX(x, 12) << 5) | (BITS(x, 6, 5) << 3) | (BITS(x, 4, 2) << 6);
}

static unsigned imm_cswsp(uint32_t x) /* [5:2]=12:9 [7:6]=8:7 */
{
	return (BITS(x, 12, 9) << 2) | (BITS(x, 8, 7) << 6);
}

static unsigned imm_csdsp(uint32_t x) /* [5:3]=12:10 [8:6]=9:7 */
{
	return (BITS(x, 12, 10) << 3) | (BITS(x, 9, 7) << 6);
}

enum rvc_regs {
	RVC_REGS_NONE,	 /* not a load/store row */
	RVC_REGS_CL,	 /* rd' , rs1' */
	RVC_REGS_CS,	 /* rs2', rs1' */
	RVC_REGS_CI_SP,	 /* rd, sp */
	RVC_REGS_CSS_SP, /* rs2, sp */
};

struct rvc_form {
	enum rvc_regs regs;
	enum insn_kind kind;
	unsigned width;
	rvc_imm_fn imm;
};

/* Indexed by funct3; C.FLD/C.FSD/C.FLDSP/C.FSDSP (funct3 1 and 5) are FP
 * and stay INSN_UNKNOWN, as do the Zcb byte/halfword forms (funct3 4). */
static const struct rvc_form rvc_q0[8] = {
	[2] = {RVC_REGS_CL, INSN_LOAD, 4, imm_clw},  /* C.LW */
	[3] = {RVC_REGS_CL, INSN_LOAD, 8, imm_cld},  /* C.LD */
	[6] = {RVC_REGS_CS, INSN_STORE, 4, imm_clw}, /* C.SW */
	[7] = {RVC_REGS_CS, INSN_STORE, 8, imm_cld}, /* C.SD */
};

static const struct rvc_form rvc_q2[8] = {
	[2] = {RVC_REGS_CI_SP, INSN_LOAD, 4, imm_clwsp},   /* C.LWSP */
	[3] = {RVC_REGS_CI_SP, INSN_LOAD, 8, imm_cldsp},   /* C.LDSP */
	[6] = {RVC_REGS_CSS_SP, INSN_STORE, 4, imm_cswsp}, /* C.SWSP */
	[7] = {RVC_REGS_CSS_SP, INSN_STORE, 8, imm_csdsp}, /* C.SDSP */
};

static bool decode_rvc(uint32_t x, struct insn *in)
{
	const struct rvc_form *f;

	switch (RVC_QUADRANT(x)) {
	case RVC_Q0:
		f = &rvc_q0[RVC_FUNCT3(x)];
		break;
	case RVC_Q2:
		f = &rvc_q2[RVC_FUNCT3(x)];
		break;
	default:
		return false;
	}
	switch (f->regs) {
	case RVC_REGS_NONE:
		return false;
	case RVC_REGS_CL:
		in->rd = RVC_RDP(x);
		in->rs1 = RVC_RS1P(x);
		break;
	case RVC_REGS_CS:
		in->rs2 = RVC_RDP(x); /* rs2' sits where CL has rd' */
		in->rs1 = RVC_RS1P(x);
		break;
	case RVC_REGS_CI_SP:
		/* C.LWSP/C.LDSP with rd = x0 are reserved. */
		if (RVC_RD(x) == 0)
			return false;
		in->rd = RVC_RD(x);
		in->rs1 = REG_SP;
		break;
	case RVC_REGS_CSS_SP:
		in->rs2 = RVC_RS2(x);
		in->rs1 = REG_SP;
		break;
	}
	in->kind = f->kind;
	in->width = f->width;
	/* C.LW/C.LWSP sign-extend (they expand to LW); C.LD needs none. */
	in->sign_extend = f->kind == INSN_LOAD;
	in->data_reg = f->kind == INSN_LOAD ? in->rd : in->rs2;
	in->imm = f->imm(x);
	return true;
}

bool insn_decode(uint32_t raw, struct insn *out)
{
	unsigned len = insn_length((uint16_t)raw);
	bool ok;

	*out = (struct insn){.kind = INSN_UNKNOWN, .len = len};
	if (len == 2) {
		raw &= 0xffffu;
		out->raw = raw;
		ok = decode_rvc(raw, out);
	} else if (len == 4) {
		out->raw = raw;
		switch (raw & INSN_OPCODE_MASK) {
		case INSN_OPCODE_LOAD:
			ok = decode_load(raw, out);
			break;
		case INSN_OPCODE_STORE:
			ok = decode_store(raw, out);
			break;
		case INSN_OPCODE_SYSTEM:
			ok = decode_system(raw, out);
			break;
		default:
			ok = false;
			break;
		}
	} else {
		out->raw = raw;
		ok = false;
	}
	if (!ok) {
		unsigned l = out->len;

		*out = (struct insn){
			.kind = INSN_UNKNOWN, .len = l, .raw = raw};
	}
	return ok;
}

unsigned long insn_load_extend(const struct insn *in, unsigned long value)
{
	unsigned bits = in->width * 8;
	unsigned long m;

	if (bits >= 64)
		return value;
	m = (1ul << bits) - 1;
	value &= m;
	if (in->sign_extend && (value >> (bits - 1)) & 1)
		value |= ~m;
	return value;
}

static const char *const kind_names[] = {
	[INSN_UNKNOWN] = "unknown",
	[INSN_LOAD] = "load",
	[INSN_STORE] = "store",
	[INSN_CSR] = "csr",
	[INSN_SRET] = "sret",
	[INSN_WFI] = "wfi",
	[INSN_SFENCE_VMA] = "sfence.vma",
	[INSN_HFENCE_VVMA] = "hfence.vvma",
	[INSN_HFENCE_GVMA] = "hfence.gvma",
	[INSN_HLV] = "hlv",
	[INSN_HLVX] = "hlvx",
	[INSN_HSV] = "hsv",
};

const char *insn_kind_name(enum insn_kind kind)
{
	if ((unsigned)kind < sizeof(kind_names) / sizeof(kind_names[0]) &&
	    kind_names[kind])
		return kind_names[kind];
	return "invalid";
}
