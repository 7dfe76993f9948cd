/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The containment payload: an L1 that misbehaves in one of the ways L0
 * must contain (l0-hyp/contain.h), chosen by its command line
 * (`case=<name>` in /chosen/bootargs, i.e. after ` -- ` in L0's):
 *
 *   spin            interrupts off, then a loop with no trap at all
 *   garbage         a trap handler that returns to the faulting pc, then
 *                   a jump to an address that is not memory
 *   vector-illegal  stvec onto zeroed memory, then an illegal instruction
 *                   (L0 delivers it: hedeleg leaves it to L0)
 *   vector-ebreak   stvec onto EBREAKs, then an EBREAK (delegated to L1
 *                   by L0: the loop never leaves L1)
 *   pool-stream     (needs H) L2 loads from CT_REGIONS pages, each in
 *                   its own GiB of L2's guest-physical space, twice: more
 *                   shadow tables than L0's pool holds; must complete
 *   pool-pair       (needs H) one L2 load whose page and fetch page need
 *                   more shadow tables than the pool holds together
 *   hcsr            (run with l1.h=0) reads hstatus, which a hart
 *                   without H does not have: the illegal-instruction
 *                   trap reaches the payload's vector, which reports it
 *   l2-spin         (needs H) L2 spins with its interrupts off; the
 *                   payload's own timer (125 ms) takes the hart back:
 *                   L2's misbehaviour is L1's business, L0 stays out
 *
 * The first four never end by themselves: L0 must stop them with its
 * RVNEST error line. pool-stream ends with a probe line and `RVNEST done`.
 * pool-pair completes on hardware or a large pool and prints its probe;
 * with l0.shadowpool=min L0 must stop it.
 */
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/fdt_util.h>
#include <rvnest/sbi.h>
#include <rvnest/trap_names.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "l1_test.h"

/* Sv39x4 root: 2^11 entries of 8 bytes, 16 KiB aligned ("hgatp") */
#define CT_ROOT_ENTRIES 2048
#define CT_ROOT_ALIGN 16384
#define CT_GIGA_SHIFT 30
#define CT_MEGA_SHIFT 21
#define CT_PT_ENTRIES 512
/* L2's data pages live from this GiB of its guest-physical space on
 * (512 GiB: a root entry of its own in Sv39x4, Sv48x4 and Sv57x4 tables
 * alike, so the shadow needs tables for it apart from L2's code) */
#define CT_DATA_GIB 512
/* pool-stream: as many GiB regions, each a table pair in the shadow:
 * more than L0's 512 KiB pool (112 table pages after the roots) holds */
#define CT_REGIONS 160
#define CT_DATA_PAGES 4
#define CT_VMID 1UL
/* nothing on QEMU virt at this address: neither RAM nor a device */
#define CT_HOLE 0x200000000UL
/* EBREAK (Unprivileged spec "Environment Call and Breakpoints") */
#define CT_EBREAK 0x00100073u

static uint64_t ct_groot[CT_ROOT_ENTRIES]
	__attribute__((aligned(CT_ROOT_ALIGN)));
/* per region: its level-1 table and its level-0 table */
static uint64_t ct_tables[CT_REGIONS][2][CT_PT_ENTRIES]
	__attribute__((aligned(PAGE_SIZE)));
static uint64_t ct_data[CT_DATA_PAGES][CT_PT_ENTRIES]
	__attribute__((aligned(PAGE_SIZE)));
/* the bad trap vectors: zeroes (an illegal instruction), or EBREAKs */
static uint32_t ct_bad_vector[16] __attribute__((aligned(PAGE_SIZE)));

void ct_main(unsigned long hartid, const void *dtb);
void ct_fatal_trap(void);
unsigned long ct_run_l2(unsigned long pc, unsigned long a0, unsigned long a1,
			unsigned long a2);
extern char ct_retry_vector[], ct_l2_sweep[], ct_l2_load[], ct_l2_spin[];
/* entry.S: saved t1, in-L2 flag, L2's a0 at its trap */
extern unsigned long ct_scratch[3];
#define CT_L2_A0 2

void ct_fatal_trap(void)
{
	l1_test_fatal_trap("containment_payload");
}

static uint64_t gtable(const void *next)
{
	return (((uint64_t)(uintptr_t)next >> PAGE_SHIFT) << PTE_PPN_SHIFT) |
	       PTE_V;
}

/* L2's G-stage: the GiB around the payload identity-mapped (its code and
 * stack), region i (GiB CT_DATA_GIB + i) with one 4 KiB page onto data
 * page i % CT_DATA_PAGES, whose first word is that index + 1. */
static unsigned long build_gstage(void)
{
	uint64_t self = (uint64_t)(uintptr_t)ct_groot;

	ct_groot[self >> CT_GIGA_SHIFT] =
		l1_test_gleaf(self & ~((1UL << CT_GIGA_SHIFT) - 1));
	for (unsigned k = 0; k < CT_DATA_PAGES; k++)
		ct_data[k][0] = k + 1;
	for (unsigned i = 0; i < CT_REGIONS; i++) {
		ct_groot[CT_DATA_GIB + i] = gtable(ct_tables[i][0]);
		ct_tables[i][0][0] = gtable(ct_tables[i][1]);
		ct_tables[i][1][0] = l1_test_gleaf(
			(uint64_t)(uintptr_t)ct_data[i % CT_DATA_PAGES]);
	}
	return ((unsigned long)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
	       (CT_VMID << HGATP_VMID_SHIFT) | (self >> PAGE_SHIFT);
}

/* Run L2 (VS-mode, vsatp Bare, nothing delegated) at pc; the scause of
 * its first trap back into HS-mode. */
static unsigned long run_l2(unsigned long hgatp, const char *pc,
			    unsigned long a0, unsigned long a1,
			    unsigned long a2)
{
	csr_write(CSR_HGATP, hgatp);
	hfence_gvma_all();
	csr_write(CSR_HEDELEG, 0);
	csr_write(CSR_HIDELEG, 0);
	csr_write(CSR_VSATP, 0);
	csr_set(CSR_HSTATUS, HSTATUS_SPV | HSTATUS_SPVP);
	csr_set(CSR_SSTATUS, SSTATUS_SPP);
	return ct_run_l2((unsigned long)pc, a0, a1, a2);
}

static void __attribute__((noreturn)) case_pool(bool stream)
{
	unsigned long hgatp = build_gstage(), cause, got, want = 0;
	unsigned long base = (unsigned long)CT_DATA_GIB << CT_GIGA_SHIFT;

	if (stream) {
		for (unsigned i = 0; i < CT_REGIONS; i++)
			want += 2 * (i % CT_DATA_PAGES + 1);
		cause = run_l2(hgatp, ct_l2_sweep, base, CT_REGIONS,
			       1UL << CT_GIGA_SHIFT);
	} else {
		want = 1;
		cause = run_l2(hgatp, ct_l2_load, base, 0, 0);
	}
	got = ct_scratch[CT_L2_A0];
	printf("RVNEST probe id=contain.%s cause=%s sum=%lu expect=%lu "
	       "ok=%d\n",
	       stream ? "pool_stream" : "pool_pair", trap_cause_name(cause),
	       got, want, cause == EXC_ECALL_VS && got == want);
	l1_test_finish(cause == EXC_ECALL_VS && got == want ? 0 : 1);
}

/* L2 spins with its interrupts off; L1's timer interrupt (an HS-level
 * interrupt of L1, always enabled while V=1: "Supervisor Interrupt
 * Registers" with the H extension) ends it. */
static void __attribute__((noreturn))
case_l2_spin(unsigned long hartid, const void *dtb)
{
	unsigned long hgatp = build_gstage(), cause;
	uint64_t hz = 0;

	if (fdt_util_timebase(dtb, hartid, &hz) != FDT_UTIL_OK || !hz) {
		printf("RVNEST error msg=no_timebase\n");
		l1_test_finish(1);
	}
	sbi_set_timer(rd_time() + hz / 8); /* 125 ms */
	csr_set(CSR_SIE, MIP_STIP);
	cause = run_l2(hgatp, ct_l2_spin, 0, 0, 0);
	csr_clear(CSR_SIE, MIP_STIP);
	printf("RVNEST probe id=contain.l2_spin cause=%s ok=%d\n",
	       trap_cause_name(cause),
	       cause == (CAUSE_INTERRUPT | IRQ_S_TIMER));
	l1_test_finish(cause == (CAUSE_INTERRUPT | IRQ_S_TIMER) ? 0 : 1);
}

void ct_main(unsigned long hartid, const void *dtb)
{
	const char *args;

	console_init_sbi();
	printf("RVNEST boot component=containment hart=%lu\n", hartid);
	if (fdt_util_check(dtb) != FDT_UTIL_OK) {
		printf("RVNEST error msg=bad_device_tree\n");
		l1_test_finish(1);
	}
	args = fdt_util_bootargs(dtb);
	if (!args)
		args = "";
	printf("[contain] bootargs '%s'\n", args);
	console_flush();

	if (fdt_util_args_have(args, "case=spin")) {
		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
		for (;;)
			__asm__ volatile("" ::: "memory");
	}
	if (fdt_util_args_have(args, "case=garbage")) {
		void (*garbage)(void) = (void (*)(void))CT_HOLE;

		csr_write(CSR_STVEC, (unsigned long)ct_retry_vector);
		garbage();
	}
	if (fdt_util_args_have(args, "case=vector-illegal")) {
		/* ct_bad_vector is zero (.bss): the all-zero instruction is
		 * defined illegal (Unprivileged spec "Compressed" chapter) */
		csr_write(CSR_STVEC, (unsigned long)ct_bad_vector);
		__asm__ volatile(".word 0" ::: "memory");
	}
	if (fdt_util_args_have(args, "case=hcsr")) {
		/* without H: an illegal instruction, stval = its bits
		 * (ct_fatal_trap reports it) */
		printf("[contain] hstatus=0x%lx\n", csr_read(CSR_HSTATUS));
		l1_test_finish(1);
	}
	if (fdt_util_args_have(args, "case=vector-ebreak")) {
		for (unsigned i = 0; i < 16; i++)
			ct_bad_vector[i] = CT_EBREAK;
		fence_i();
		csr_write(CSR_STVEC, (unsigned long)ct_bad_vector);
		__asm__ volatile("ebreak" ::: "memory");
	}
	if (fdt_util_args_have(args, "case=pool-stream") ||
	    fdt_util_args_have(args, "case=pool-pair") ||
	    fdt_util_args_have(args, "case=l2-spin")) {
		if (!fdt_util_hart_has_ext(dtb, hartid, "h")) {
			printf("RVNEST error msg=no_H_extension\n");
			l1_test_finish(1);
		}
		if (fdt_util_args_have(args, "case=l2-spin"))
			case_l2_spin(hartid, dtb);
		case_pool(fdt_util_args_have(args, "case=pool-stream"));
	}
	printf("RVNEST error msg=unknown_case args='%s'\n", args);
	l1_test_finish(1);
}
