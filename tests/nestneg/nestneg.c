/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nestneg: an HS-mode payload that misuses the H extension the way a
 * broken or hostile L1 might, so that L0 can be seen to give it the
 * architectural behaviour and to keep running (issue 4, "Done when"):
 *
 *  - hgatp written with unsupported MODEs: the write does not take
 *    ("hgatp": MODE is WARL; QEMU ignores the whole write, as L0 does);
 *  - hgatp's root in memory L1 does not own (a hole, and the first byte
 *    past L1's RAM): L2's first fetch needs the G-stage walk, which finds
 *    no memory: an instruction access fault on the spec ("Virtual Address
 *    Translation Process", step 2), which L0 follows (QEMU 10 reports a
 *    guest-page fault instead; tests/hprobe/README.md);
 *  - an L2 page mapped onto memory outside L1's RAM (a hole, and the RAM
 *    just past L1's, which on L0 is host memory L1 was not given): the
 *    access fault of the load, delivered to L1;
 *  - a VS interrupt left undelegated in hideleg but pending in hvip and
 *    enabled in hie: L1's own interrupt, taken in HS-mode.
 *
 * One `RVNEST probe id=nestneg.<case> ...` line per case, then `RVNEST
 * done status=0` if nestneg itself survived (harness/test_nested.py
 * asserts the values on L0).
 */
#include <libfdt.h>
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/fdt_util.h>
#include <rvnest/sbi.h>
#include <rvnest/trap_names.h>
#include <stdint.h>
#include <stdio.h>

#include "l1_test.h"

/* Sv39x4 root: 2^11 entries of 8 bytes, 16 KiB aligned ("hgatp") */
#define NN_ROOT_ENTRIES 2048
#define NN_ROOT_ALIGN 16384
/* a root entry maps 1 GiB ("Two-Stage Address Translation": Sv39x4 is
 * Sv39 with two more GPA bits at the root) */
#define NN_GIGA_SHIFT 30
/* L1 guest-physical addresses */
#define NN_HOLE_GPA 0x200000000UL   /* nothing there on QEMU virt */
#define NN_L2_HOLE_GPA 0x40000000UL /* L2 page mapped onto the hole */
#define NN_VMID 1UL
#define NN_MEM_MAX 4
/* an offset into the target page, so stval and htval show it */
#define NN_OFFSET 0x8

static uint64_t nn_groot[NN_ROOT_ENTRIES]
	__attribute__((aligned(NN_ROOT_ALIGN)));

void nn_main(unsigned long hartid, const void *dtb);
void nn_fatal_trap(void);
unsigned long nn_run_l2(unsigned long pc, unsigned long a0);
extern char nn_l2_load[];
/* entry.S: saved t1, in-L2 flag, VS software interrupts taken in HS */
extern unsigned long nn_scratch[3];
#define NN_VS_IRQS_TAKEN 2

static unsigned failures;

void nn_fatal_trap(void)
{
	l1_test_fatal_trap("nestneg");
}

static unsigned long hgatp_for(uint64_t root_pa)
{
	return ((unsigned long)ATP_MODE_SV39 << ATP_MODE_SHIFT) |
	       (NN_VMID << HGATP_VMID_SHIFT) | (root_pa >> PAGE_SHIFT);
}

/* Run L2 (VS-mode, vsatp Bare, nothing delegated) at nn_l2_load with
 * a0 = gpa, and print what came back to HS-mode. */
static unsigned long run_load(const char *id, unsigned long hgatp,
			      unsigned long gpa)
{
	unsigned long cause;

	csr_write(CSR_HGATP, hgatp);
	hfence_gvma_all();
	csr_write(CSR_HEDELEG, 0);
	csr_write(CSR_HIDELEG, 0);
	csr_write(CSR_VSATP, 0);
	csr_set(CSR_HSTATUS, HSTATUS_SPV | HSTATUS_SPVP);
	csr_set(CSR_SSTATUS, SSTATUS_SPP);
	cause = nn_run_l2((unsigned long)nn_l2_load, gpa);
	printf("RVNEST probe id=nestneg.%s cause=%s stval=0x%lx htval=0x%lx "
	       "gva=%d spv=%d\n",
	       id, trap_cause_name(cause), csr_read(CSR_STVAL),
	       csr_read(CSR_HTVAL),
	       (csr_read(CSR_HSTATUS) & HSTATUS_GVA) ? 1 : 0,
	       (csr_read(CSR_HSTATUS) & HSTATUS_SPV) ? 1 : 0);
	return cause;
}

static void expect(const char *what, bool ok)
{
	if (!ok) {
		printf("RVNEST error msg=unexpected id=nestneg.%s\n", what);
		failures++;
	}
}

void nn_main(unsigned long hartid, const void *dtb)
{
	static const unsigned long bad_modes[] = {1, 7, 11, 15};
	struct fdt_region mem[NN_MEM_MAX];
	unsigned nmem = 0;
	unsigned long good, ram_end, cause;
	uint64_t self = (uint64_t)(uintptr_t)nn_groot;

	console_init_sbi();
	printf("RVNEST boot component=nestneg mode=hs hart=%lu\n", hartid);
	if (fdt_util_check(dtb) != FDT_UTIL_OK ||
	    fdt_util_memory(dtb, mem, NN_MEM_MAX, &nmem) != FDT_UTIL_OK ||
	    !nmem) {
		printf("RVNEST error msg=bad_device_tree\n");
		l1_test_finish(1);
	}
	if (!fdt_util_hart_has_ext(dtb, hartid, "h")) {
		printf("RVNEST error msg=no_H_extension\n");
		l1_test_finish(1);
	}
	ram_end = mem[0].base + mem[0].size;
	printf("[nestneg] RAM 0x%llx-0x%lx\n", (unsigned long long)mem[0].base,
	       ram_end);

	/* L2's G-stage: its code and RAM identity in the 1 GiB around
	 * nestneg (reaching past the end of L1's RAM), and one gigapage onto
	 * the hole. */
	nn_groot[self >> NN_GIGA_SHIFT] =
		l1_test_gleaf(self & ~((1UL << NN_GIGA_SHIFT) - 1));
	nn_groot[NN_L2_HOLE_GPA >> NN_GIGA_SHIFT] = l1_test_gleaf(NN_HOLE_GPA);
	good = hgatp_for(self);

	/* 1. unsupported MODEs: hgatp keeps its value */
	for (unsigned i = 0; i < sizeof(bad_modes) / sizeof(bad_modes[0]);
	     i++) {
		unsigned long now;

		csr_write(CSR_HGATP, good);
		csr_write(CSR_HGATP, (bad_modes[i] << ATP_MODE_SHIFT) |
					     (good & ~ATP_MODE));
		now = csr_read(CSR_HGATP);
		printf("RVNEST probe id=nestneg.hgatp_mode%lu kept=%d\n",
		       bad_modes[i], now == good);
		expect("hgatp_mode", now == good);
	}

	/* a sane run first: L2 loads from its own RAM and ends with ecall */
	cause = run_load("l2_ram", good, (unsigned long)nn_groot);
	expect("l2_ram", cause == EXC_ECALL_VS);

	/* 2. hgatp's root outside L1's memory (nothing L0 can let L1 walk):
	 * whatever the level below answers, L1 must get a trap, not a hang */
	cause = run_load("groot_hole", hgatp_for(NN_HOLE_GPA), 0);
	expect("groot_hole",
	       cause == EXC_INST_ACCESS || cause == EXC_INST_GUEST_PAGE_FAULT);
	cause = run_load("groot_past_ram", hgatp_for(ram_end), 0);
	expect("groot_past_ram",
	       cause == EXC_INST_ACCESS || cause == EXC_INST_GUEST_PAGE_FAULT);

	/* 3. an L2 page onto memory that is not L1's RAM: the hole, and the
	 * first page past L1's RAM (host memory L0 did not give L1) */
	cause = run_load("l2_page_hole", good, NN_L2_HOLE_GPA + NN_OFFSET);
	expect("l2_page_hole", cause == EXC_LOAD_ACCESS);
	cause = run_load("l2_page_past_ram", good, ram_end + NN_OFFSET);
	expect("l2_page_past_ram", cause == EXC_LOAD_ACCESS);

	/* 4. a VS interrupt pending in hvip and enabled in hie but not
	 * delegated in hideleg is nestneg's own (HS-mode) interrupt: taken,
	 * with cause 2, once nestneg enables interrupts ("Hypervisor
	 * Interrupt Registers"): right after the csrs, on QEMU and on L0
	 * (which arms the hart for it, l0-hyp/README.md; hprobe's vsirq.*
	 * measure the epc). */
	csr_write(CSR_HIDELEG, 0);
	csr_write(CSR_HIE, MIP_VSSIP);
	csr_write(CSR_HVIP, MIP_VSSIP);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	(void)csr_read(CSR_HVIP);
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_write(CSR_HIE, 0);
	printf("RVNEST probe id=nestneg.vs_irq_in_l1 taken=%lu hvip=0x%lx\n",
	       nn_scratch[NN_VS_IRQS_TAKEN], csr_read(CSR_HVIP));
	expect("vs_irq_in_l1", nn_scratch[NN_VS_IRQS_TAKEN] == 1);

	/* nestneg (L1) is still running, and so is whatever runs it */
	cause = run_load("l2_ram_again", good, (unsigned long)nn_groot);
	expect("l2_ram_again", cause == EXC_ECALL_VS);
	l1_test_finish(failures ? 1 : 0);
}
