/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The guest instruction behind a trap: what the hardware reported (stval
 * for illegal- and virtual-instruction traps, htinst's transformed
 * instruction for guest-page faults on loads and stores), or fetched from
 * guest memory through L1's own page tables when the report is 0 (both
 * may be: Privileged spec "stval", "Transformed Instruction or
 * Pseudoinstruction for htinst"; QEMU 7.2 leaves htinst 0 for loads) or
 * with l0.decode=fetch. Decoding is the shared decoder's (<rvnest/insn.h>).
 */
#ifndef L0_FETCH_H
#define L0_FETCH_H

#include <rvnest/insn.h>
#include <stdbool.h>
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

/* The instruction of the illegal- or virtual-instruction trap the vCPU
 * just took at its sepc: its bits in *raw (0 if none could be had) and,
 * if it decodes, *in; false when it does not. */
bool l0_trap_insn(struct l0_vcpu *v, uint32_t *raw, struct insn *in);

/* The load or store behind the guest-page fault the vCPU just took, for
 * emulating it: from htinst or fetched. L0_FETCH_OK with *in decoded (its
 * length is the original instruction's), L0_FETCH_FAULT when the fetch
 * failed, L0_FETCH_UNSUPPORTED when the bits are no load or store the
 * decoder knows. */
enum l0_fetch_status l0_fault_insn(struct l0_vcpu *v, struct insn *in);

#endif /* L0_FETCH_H */
