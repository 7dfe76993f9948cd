/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L0's side of SBI FWFT (sbi-nested/fwft.c): each feature of a vCPU is a
 * piece of that vCPU's hardware state on its own host hart. Misaligned
 * exception delegation is OpenSBI's (L0 asks OpenSBI's FWFT on that hart,
 * and forwards the delegated exceptions to L1, trap.c); the others are
 * henvcfg fields L0 owns for VS-mode.
 */
#ifndef L0_SBI_FWFT_H
#define L0_SBI_FWFT_H

#include <sbi_nested.h>

struct l0_guest;
struct l0_vcpu;

/* Once at boot, after l0_sbi_setup() and l0_guest_setup_envcfg(): find
 * what the host supports and give sbi-nested its per-hart state. */
void l0_fwft_setup(struct l0_guest *g);

/* vCPU v is being started (HSM start after a stop), on its own host
 * hart: every feature back to its reset value, its locks gone. */
void l0_fwft_hart_reset(struct l0_vcpu *v);

/* sbi_nested_ops.fwft_get / fwft_set (ctx = the calling vCPU) */
enum sbi_nested_status l0_fwft_get(void *ctx, unsigned long hartid,
				   unsigned long feature, unsigned long *value);
enum sbi_nested_status l0_fwft_set(void *ctx, unsigned long hartid,
				   unsigned long feature, unsigned long value);

#endif /* L0_SBI_FWFT_H */
