/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decoder for the instructions a RISC-V hypervisor must emulate: the
 * loads/stores that fault on emulated MMIO (including the RVC forms), the
 * CSR instructions, SRET, WFI, SFENCE.VMA, HFENCE.VVMA/GVMA and the
 * hypervisor virtual-machine loads and stores (HLV, HLVX, HSV).
 *
 * Pure C with no hardware access: l1-guest-hyp and L0 both use it, and the
 * host unit tests (common/tests/test_insn.c) check it against encodings
 * produced by the assembler.
 *
 * Callers fetch the instruction themselves (from guest memory with HLVX,
 * never from htinst/stval, which may be 0): read the first 16 bits, ask
 * insn_length(), read the second half if the length is 4.
 *
 * Spec: Unprivileged ISA "RV32I Base Integer Instruction Set" (loads,
 * stores), "RV64I", "Zicsr", "C Standard Extension for Compressed
 * Instructions"; Privileged ISA "Supervisor Instructions" and "Hypervisor
 * Instructions".
 */
#ifndef RVNEST_INSN_H
#define RVNEST_INSN_H

#include <stdbool.h>
#include <stdint.h>

/* Encoding fields shared by the decoder and its tests. */
#define INSN_OPCODE_MASK 0x7f
#define INSN_OPCODE_LOAD 0x03
#define INSN_OPCODE_STORE 0x23
#define INSN_OPCODE_SYSTEM 0x73
#define INSN_LEN_MASK 0x3 /* low two bits: 0b11 = 32-bit instruction */
#define INSN_LEN_32BIT 0x3
/* SRET, a fixed encoding (Privileged ISA "Trap-Return Instructions") */
#define INSN_SRET_BITS 0x10200073u

enum insn_kind {
	INSN_UNKNOWN, /* not one of the instructions below (or reserved) */
	INSN_LOAD,    /* LB/LH/LW/LD/LBU/LHU/LWU, C.LW/C.LD/C.LWSP/C.LDSP */
	INSN_STORE,   /* SB/SH/SW/SD, C.SW/C.SD/C.SWSP/C.SDSP */
	INSN_CSR,     /* CSRRW/CSRRS/CSRRC and the immediate forms */
	INSN_SRET,
	INSN_WFI,
	INSN_SFENCE_VMA,
	INSN_HFENCE_VVMA,
	INSN_HFENCE_GVMA,
	INSN_HLV,  /* HLV.{B,BU,H,HU,W,WU,D} */
	INSN_HLVX, /* HLVX.{HU,WU}: read with execute permission */
	INSN_HSV,  /* HSV.{B,H,W,D} */
};

enum insn_csr_op {
	INSN_CSR_RW, /* CSRRW/CSRRWI: write the source */
	INSN_CSR_RS, /* CSRRS/CSRRSI: set the source's bits */
	INSN_CSR_RC, /* CSRRC/CSRRCI: clear the source's bits */
};

struct insn {
	enum insn_kind kind;
	unsigned len; /* 2 (compressed) or 4 bytes */
	uint32_t raw; /* the encoding (upper half 0 when len == 2) */
	unsigned rd;  /* destination register (0 when the form has none) */
	unsigned rs1; /* base address register; CSR source register */
	unsigned rs2; /* store data; fence ASID/VMID register */
	int64_t imm;  /* load/store offset, sign-extended */

	/* Memory accesses: LOAD, STORE, HLV, HLVX, HSV */
	unsigned width;	   /* 1, 2, 4 or 8 bytes */
	bool sign_extend;  /* loads: sign- (true) or zero-extend the value */
	unsigned data_reg; /* rd for loads, rs2 for stores */

	/* CSR instructions */
	unsigned csr; /* 12-bit CSR number */
	enum insn_csr_op csr_op;
	bool csr_imm;  /* source is the 5-bit uimm in the rs1 field */
	unsigned uimm; /* the immediate (csr_imm only) */
};

/* The effect of one CSR instruction: the CSR becomes
 * (old & ~mask) | (value & mask), then the CSR's own WARL rules apply. */
struct insn_csr_update {
	bool read;	     /* the instruction reads the CSR (side effects) */
	bool write;	     /* the instruction writes the CSR */
	unsigned long value; /* bits to write where mask is 1 */
	unsigned long mask;  /* bits the instruction changes */
};

/* Length in bytes of the instruction whose first 16 bits are `lo`:
 * 2 or 4; 0 for the longer encodings, which rvnest does not decode. */
unsigned insn_length(uint16_t lo);

/* Decode `raw` (len taken from its low bits). Returns false, with
 * out->kind = INSN_UNKNOWN, for anything not listed in enum insn_kind. */
bool insn_decode(uint32_t raw, struct insn *out);

/* The CSR instructions ("Zicsr"): opcode SYSTEM, funct3 1-3 for
 * CSRRW/CSRRS/CSRRC and 5-7 for the immediate forms, whose 5-bit uimm
 * sits in the rs1 field; the CSR number in bits 31:20. If `raw` is one,
 * fill the fields of `out` that a CSR instruction has (kind, len, raw, rd,
 * rs1 or uimm, csr, csr_op, csr_imm; the others are left alone) and
 * return true. insn_decode decodes CSR instructions with it; a hypervisor
 * whose every CSR trap is one may call it alone (inline: no call, no
 * struct to clear). */
#define INSN_FUNCT3_SHIFT 12
#define INSN_FUNCT3_CSR_IMM 4 /* funct3 bit 2: the immediate forms */
#define INSN_FUNCT3_CSR_OP 3  /* funct3 bits 1:0: 1 RW, 2 RS, 3 RC */
static inline bool insn_decode_csr(uint32_t raw, struct insn *out)
{
	unsigned f3 = (raw >> INSN_FUNCT3_SHIFT) & 7;
	unsigned reg1 = (raw >> 15) & 31;

	if ((raw & INSN_OPCODE_MASK) != INSN_OPCODE_SYSTEM ||
	    !(f3 & INSN_FUNCT3_CSR_OP))
		return false;
	out->kind = INSN_CSR;
	out->len = 4;
	out->raw = raw;
	out->rd = (raw >> 7) & 31;
	out->csr = raw >> 20;
	/* enum insn_csr_op is RW, RS, RC: funct3 bits 1:0 minus one */
	out->csr_op = (enum insn_csr_op)((f3 & INSN_FUNCT3_CSR_OP) - 1);
	out->csr_imm = f3 & INSN_FUNCT3_CSR_IMM;
	out->rs1 = out->csr_imm ? 0 : reg1;
	out->uimm = out->csr_imm ? reg1 : 0;
	return true;
}

/* For an INSN_CSR: the read/write effect given the source operand
 * (`src` = value of x[rs1], or the uimm for the immediate forms; the
 * caller passes either, insn.csr_imm says which). Zicsr: CSRRW with
 * rd=x0 does not read; CSRRS/CSRRC with rs1=x0 (uimm=0) do not write.
 * Inline, as insn_decode_csr. */
static inline struct insn_csr_update insn_csr_update(const struct insn *in,
						     unsigned long src)
{
	struct insn_csr_update u = {0};
	/* "source is x0 / uimm is 0" is about the register number or the
	 * immediate, not the register's value (Zicsr). */
	bool src_zero = in->csr_imm ? in->uimm == 0 : in->rs1 == 0;

	switch (in->csr_op) {
	case INSN_CSR_RW:
		u.read = in->rd != 0;
		u.write = true;
		u.value = src;
		u.mask = ~0ul;
		break;
	case INSN_CSR_RS:
		u.read = true;
		u.write = !src_zero;
		u.value = src;
		u.mask = src;
		break;
	case INSN_CSR_RC:
		u.read = true;
		u.write = !src_zero;
		u.value = 0;
		u.mask = src;
		break;
	}
	return u;
}

/* Apply a loaded value to the destination register as the load would:
 * truncate to the width, then sign- or zero-extend. */
unsigned long insn_load_extend(const struct insn *in, unsigned long value);

/* Printable mnemonic class for diagnostics ("load", "csr", "hlvx", ...). */
const char *insn_kind_name(enum insn_kind kind);

#endif /* RVNEST_INSN_H */
