/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A model hart for host builds of L0's H-extension emulation (vhyp.c,
 * fetch.c, mmio.c, built with the model <rvnest/csr.h>): the real CSRs L0
 * touches, with the WARL behaviour of QEMU 10's rv64 hart with H, Sstc
 * and Svadu (the host the bare-metal L0 runs on), a clock, the fences it
 * executed, and L0's hooks that vhyp.c calls in other files of l0-hyp
 * (vcpu.c, nacl.c, nacl_client.c, contain.c, sbi_glue.c), modelled as
 * those files behave with NACL off. One L1 vCPU, in a guest whose RAM is
 * a host buffer. Used by the unit tests (test_l0_vhyp.c) and the vhyp
 * fuzz target (fuzz/fuzz_vhyp.c).
 */
#ifndef L0_MODEL_HART_H
#define L0_MODEL_HART_H

#include <rvnest/csr.h>
#include <stdbool.h>
#include <stdint.h>

#include "../vcpu.h"

/* The real hart's writable bits, as QEMU 10 has them (measured through
 * vhyp.c's own l0_vhyp_measure_host, which reads them back). */
/* hedeleg: the exceptions the spec lets VS-mode take (bits 0-8, 12, 13,
 * 15); 9-11, 16 and 20-23 read-only zero ("Hypervisor Trap Delegation
 * Registers") */
#define MODEL_HEDELEG_WRITABLE 0xb1ffUL
#define MODEL_HCOUNTEREN_WRITABLE 0xffffffffUL
#define MODEL_HENVCFG_WRITABLE                                    \
	(ENVCFG_FIOM | ENVCFG_CBIE | ENVCFG_CBCFE | ENVCFG_CBZE | \
	 ENVCFG_ADUE | ENVCFG_PBMTE | ENVCFG_STCE)
/* sstatus/vsstatus: SIE, SPIE, SPP, FS, SUM, MXR; UXL = 64-bit, SD the
 * summary of FS */
#define MODEL_SSTATUS_WRITABLE                                                 \
	(SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP | SSTATUS_FS | SSTATUS_SUM | \
	 SSTATUS_MXR)

/* The host hart's CSRs, by number (0 for the ones never written). */
struct model_hart {
	unsigned long csr[4096];
	bool known[4096]; /* the CSRs this model implements */
	unsigned long fences[MODEL_FENCE_KINDS];
	struct model_fence_ops { /* the last fence of each kind */
		int has_addr, has_id;
		unsigned long addr, id;
	} last_fence[MODEL_FENCE_KINDS];
	unsigned long timer; /* l0_host_timer_program's last value */
	unsigned long csr_accesses;
	/* Interrupt bits past the VS ones that hideleg, and hvien/hvip
	 * (Ssaia), keep: 0 after the reset, as QEMU 10 has them (hideleg[13]
	 * read-only zero); a test of another hart sets them (LCOFI, 13) */
	unsigned long hideleg_writable, hvien_writable;
};
extern struct model_hart model_hart;

struct model_config {
	uint64_t l1_ram_size; /* L1 RAM at L1_RAM_GPA: a host buffer */
	bool l1_sstc;	      /* L1 is given Sstc (vstimecmp) */
	bool l1_svadu;
	bool host_sstc;
	bool decode_fetch; /* l0.decode=fetch (else reported) */
};

/* The world one test or fuzz input runs in. */
struct model_world {
	struct l0_platform host;
	struct l0_options opts;
	struct l0_guest guest;
	struct l0_vcpu *v;
	uint8_t *l1_ram;
	uint64_t l1_ram_size;
	/* the last model_l1_trap_insn met an armed interrupt that L1 could
	 * take at that trap: as trap.c does, L0 let L1 take it (or resume)
	 * and did not emulate the instruction, which L1 runs again later;
	 * the call then returns L0_VHYP_RETRY */
	bool entry_irq;
};

/* Reset the model hart (QEMU's reset values plus what l0_vcpu_hw_init
 * writes) and build a nested guest with one vCPU running L1 in VS-mode:
 * l0_vhyp_measure_host, l0_vhyp_init. Returns false with a message on
 * stderr if the configuration is refused. model_world_free releases the
 * RAM buffer. */
bool model_world_init(struct model_world *w, const struct model_config *cfg);
void model_world_free(struct model_world *w);

/* L1 executes the 32-bit instruction `raw` in VS-mode (user: VU-mode):
 * the virtual-instruction trap L0 takes for it (stval = raw, as QEMU 10
 * reports it), through l0_vhyp_virtual_inst. */
enum l0_vhyp_status model_l1_trap_insn(struct model_world *w, uint32_t raw,
				       bool user);
/* What L0 does before it resumes the guest after a trap (trap.c): exit
 * L2 for an interrupt of L1, or deliver (or arm) L1's undelegated VS
 * interrupt. The two calls above do not: a caller that models a run of
 * traps calls it after each. */
void model_resume(struct model_world *w);
/* While L0 has armed an undelegated VS interrupt of L1 (vhyp.c,
 * "Undelegated VS interrupts, armed"): L1 reaches the moment it can take
 * it, and the hart does what the arming makes it do (the VS interrupt
 * into L1's VS-mode, the fetch fault at L0's vector); returns what
 * l0_vhyp_disarm_l1_vs_irq says (true: the armed moment, delivered).
 * false with nothing done when nothing is armed. */
bool model_take_armed(struct model_world *w);
/* L2 traps into L0 with scause/stval/htval/htinst (vCPU in L2). */
enum l0_vhyp_l2_result model_l2_trap(struct model_world *w,
				     unsigned long scause, unsigned long stval,
				     unsigned long htval, unsigned long htinst);

/* Encodings of the instructions L1 executes ("Zicsr", "Hypervisor
 * Instructions"), for tests and the fuzz target. */
enum model_csr_op {
	MODEL_CSRRW = 1,
	MODEL_CSRRS = 2,
	MODEL_CSRRC = 3,
	MODEL_CSRRWI = 5,
	MODEL_CSRRSI = 6,
	MODEL_CSRRCI = 7,
};
uint32_t model_csr_insn(enum model_csr_op op, unsigned csr, unsigned rd,
			unsigned rs1_or_uimm);
uint32_t model_hfence_insn(bool gvma, unsigned rs1, unsigned rs2);
#define MODEL_SRET 0x10200073u

/* Count of calls into L0 hooks the model does not emulate for lack of a
 * device (bench window, vPLIC kick): a test may assert them. */
extern unsigned long model_hook_calls;

#endif /* L0_MODEL_HART_H */
