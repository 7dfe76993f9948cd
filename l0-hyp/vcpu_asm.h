/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Offsets into struct l0_vcpu that the trap entry/exit (entry.S) uses.
 * vcpu.c checks each one against offsetof() at compile time.
 */
#ifndef L0_VCPU_ASM_H
#define L0_VCPU_ASM_H

#define L0_REGBYTES 8
#define VCPU_GPR(n) ((n)*L0_REGBYTES) /* gpr[0..31] come first */
#define VCPU_SEPC (32 * L0_REGBYTES)
#define VCPU_L0_SP (33 * L0_REGBYTES)

#endif /* L0_VCPU_ASM_H */
