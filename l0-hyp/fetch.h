/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fetching the guest instruction behind a trap from guest memory, through
 * L1's own page tables. L0 never relies on htinst or stval for it: both
 * may be 0 (Privileged spec "Transformed Instruction or Pseudoinstruction
 * for htinst"; QEMU 7.2 leaves htinst 0 for loads). Decoding is the
 * shared decoder's (<rvnest/insn.h>).
 */
#ifndef L0_FETCH_H
#define L0_FETCH_H

#include <stdint.h>

struct l0_vcpu;

enum l0_fetch_status {
	L0_FETCH_OK,
	L0_FETCH_FAULT,	      /* the pc does not translate to L1 RAM */
	L0_FETCH_UNSUPPORTED, /* an encoding longer than 32 bits */
};

/* Fetch the instruction at `pc` of the trapping vCPU (16 or 32 bits). */
enum l0_fetch_status l0_fetch_insn(struct l0_vcpu *v, unsigned long pc,
				   uint32_t *insn);

#endif /* L0_FETCH_H */
