/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device tree kvm-vmm gives its L2 guest (dt.c): pure, from the values
 * below, so the host unit tests (tests/test_vmm.c) read every node back.
 */
#ifndef KVM_VMM_DT_H
#define KVM_VMM_DT_H

#include <stddef.h>
#include <stdint.h>

struct dt_input {
	uint64_t ram_gpa, ram_size;
	uint64_t timebase_hz;
	const char *isa;      /* riscv,isa */
	const char *isa_exts; /* riscv,isa-extensions: NUL-separated */
	size_t isa_exts_len;
	const char *mmu;		  /* mmu-type, NULL for none */
	uint64_t cbom_block, cboz_block;  /* 0: property omitted */
	const char *bootargs;		  /* NULL: none */
	uint64_t initrd_gpa, initrd_size; /* size 0: no initrd */
	unsigned nharts;		  /* cpu@0 .. cpu@nharts-1 */
	/* KVM's AIA (kvm-vmm/aia.c); imsic_gpa 0: none, the test device's
	 * interrupt is hart 0's external interrupt. Else an S-level
	 * riscv,imsics (hart i's file at imsic_gpa + i * 4 KiB) and an MSI-mode
	 * riscv,aplic, and the test device is an MSI device of the IMSIC. */
	uint64_t imsic_gpa, aplic_gpa, aplic_size;
	uint32_t imsic_ids, imsic_hart_bits, aplic_sources;
};

/* Writes the tree into buf[size]: 0, or a negative libfdt error. */
int dt_build(void *buf, int size, const struct dt_input *in);
const char *dt_strerror(int err);
/* Bytes of a built tree. */
unsigned dt_size(const void *buf);

#endif /* KVM_VMM_DT_H */
