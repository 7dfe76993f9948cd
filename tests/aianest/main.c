/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The nested-AIA probe: an L1 (HS-mode, given the H extension and AIA by
 * L0: l1.h=1 l1.aia=1, QEMU virt aia=aplic-imsic,aia-guests=3) that gives
 * its L2 guest interrupt files and checks, one `RVNEST probe
 * id=aianest.<name> ... ok=0|1` line each, what the AIA specification
 * says a hypervisor sees (chapter "Interrupts for Virtual Machines" and
 * the hypervisor CSRs):
 *
 *   geilen       hgeie's writable bits: GEILEN at least 2 (L0 gives 2)
 *   hvictl, hviprio1, hviprio2  their writable bits
 *   vgein        hstatus.VGEIN keeps what is written (6 bits, QEMU 10)
 *   l2_msi_fileK L2 runs on L1's guest file K (VGEIN = K, G-stage Bare:
 *                its file page is L1's), turns the file on through its
 *                siselect/sireg and takes `rounds` MSIs it writes into it
 *                in its own handler (stopei), then one ecall to L1
 *   vsireg       L1 reads L2's file registers through vsiselect/vsireg
 *   hgeip        an MSI L1 writes into L2's file while L2 does not run
 *                shows in hgeip, vstopei names it, a vstopei write
 *                claims it; vstopi names L2's external interrupt
 *   sgei         the same with hgeie and hie.SGEIE: L1 takes a
 *                supervisor guest external interrupt (cause 12); with
 *                sstatus.SIE = 0 its stopi names it (IID 12)
 *   l1_file_exit an MSI L2 writes into L1's own S file while it runs
 *                ends L2 with L1's supervisor external interrupt, which
 *                L1 claims from its file with stopei
 *
 * `short` on the command line: one round instead of AN_ROUNDS, so that a
 * harness can compare L0's trap counts of both (the delivery to a running
 * L2 must cost no trap).
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

#define AN_ROUNDS 1000
#define AN_EIID 5 /* as entry.S */
#define AN_FILE 0x1000UL
#define AN_EIDELIVERY 0x70
#define AN_EITHRESHOLD 0x72
#define AN_EIE0 0xc0
/* the identity L1's own file takes L2's MSI on */
#define AN_L1_EIID 6
/* stopei: identity in bits 26:16 and again in 10:0 (AIA "Top external
 * interrupt CSRs") */
#define AN_TOPEI(id) ((unsigned long)(id) << 16 | (id))

void an_main(unsigned long hartid, const void *dtb);
void an_fatal_trap(void);
unsigned long an_run_l2(unsigned long pc, unsigned long a0, unsigned long a1);
extern char an_l2_msi[], an_l2_poke[];
/* entry.S: saved t1, in-L2 flag, L2's a0 at its trap, L1's last
 * interrupt */
extern unsigned long an_scratch[4];
#define AN_L2_A0 2
#define AN_L1_IRQ 3

static unsigned failures;

void an_fatal_trap(void)
{
	l1_test_fatal_trap("aianest");
}

static void probe(const char *name, unsigned long got, unsigned long want)
{
	printf("RVNEST probe id=aianest.%s got=0x%lx want=0x%lx ok=%d\n", name,
	       got, want, got == want);
	if (got != want)
		failures++;
}

/* The S-level IMSIC (the node whose interrupts-extended names IRQ_S_EXT:
 * on QEMU's own AIA there is an M-level one too), its first file: the
 * boot hart's S file, its guest file k k pages on (on L0: vCPU 0's) */
static unsigned long imsic_base(const void *dtb)
{
	const fdt32_t *reg, *ie;
	int node, len, ilen;

	for (node = fdt_node_offset_by_compatible(dtb, -1, "riscv,imsics");
	     node >= 0;
	     node = fdt_node_offset_by_compatible(dtb, node, "riscv,imsics")) {
		ie = fdt_getprop(dtb, node, "interrupts-extended", &ilen);
		reg = fdt_getprop(dtb, node, "reg", &len);
		if (ie && ilen >= 8 && fdt32_to_cpu(ie[1]) == IRQ_S_EXT &&
		    reg && len >= 16)
			return (unsigned long)fdt32_to_cpu(reg[0]) << 32 |
			       fdt32_to_cpu(reg[1]);
	}
	printf("RVNEST error msg=no_s_level_imsic_in_the_device_tree\n");
	l1_test_finish(1);
}

/* A WARL register: all ones written, what reads back */
#define WARL_ONES(csr)                \
	({                            \
		unsigned long __w;    \
		csr_write(csr, ~0UL); \
		__w = csr_read(csr);  \
		csr_write(csr, 0);    \
		__w;                  \
	})

static void set_vgein(unsigned long k)
{
	csr_write(CSR_HSTATUS,
		  HSTATUS_SPV | HSTATUS_SPVP | k << HSTATUS_VGEIN_SHIFT);
}

/* L2 on L1's guest file k: `rounds` MSIs taken in L2 itself */
static void l2_on_file(const char *name, unsigned long file, unsigned long k,
		       unsigned long rounds)
{
	unsigned long cause;

	set_vgein(k);
	csr_write(CSR_VSSTATUS, 0);
	csr_set(CSR_SSTATUS, SSTATUS_SPP);
	cause = an_run_l2((unsigned long)an_l2_msi, file + k * AN_FILE, rounds);
	probe(name, an_scratch[AN_L2_A0], rounds);
	if (cause != EXC_ECALL_VS) {
		printf("RVNEST error msg=l2_left_by cause=%s\n",
		       trap_cause_name(cause));
		l1_test_finish(1);
	}
}

static unsigned long vsireg_at(unsigned long isel)
{
	csr_write(CSR_VSISELECT, isel);
	return csr_read(CSR_VSIREG);
}

void an_main(unsigned long hartid, const void *dtb)
{
	unsigned long file, rounds = AN_ROUNDS, m;
	int k;

	console_init_sbi();
	printf("RVNEST boot component=aianest hart=%lu\n", hartid);
	if (fdt_util_check(dtb) != FDT_UTIL_OK) {
		printf("RVNEST error msg=bad_device_tree\n");
		l1_test_finish(1);
	}
	if (fdt_util_args_have(fdt_util_bootargs(dtb), "short"))
		rounds = 1;
	file = imsic_base(dtb);
	printf("aianest: IMSIC S file at 0x%lx, %lu rounds\n", file, rounds);

	/* GEILEN: the writable bits of hgeie ("Hypervisor Guest External
	 * Interrupt Registers") */
	m = WARL_ONES(CSR_HGEIE);
	printf("aianest: hgeie writable 0x%lx\n", m);
	/* at least the two files used below (L0 gives L1 2, QEMU has 3) */
	probe("geilen", m & 0x7, 0x6);
	/* AIA "Hypervisor Virtual-Interrupt Control" and "Interrupt
	 * priorities", as QEMU 10's H has them: hvictl without DPR, no
	 * hviprio1 field for interrupts 0, 4 and 8 */
	probe("hvictl", WARL_ONES(CSR_HVICTL), 0x4fff01ff);
	probe("hviprio1", WARL_ONES(CSR_HVIPRIO1), 0xffffff00ff00ff00UL);
	probe("hviprio2", WARL_ONES(CSR_HVIPRIO2), ~0UL);
	set_vgein(63);
	probe("vgein",
	      (csr_read(CSR_HSTATUS) & HSTATUS_VGEIN) >> HSTATUS_VGEIN_SHIFT,
	      63);

	/* L2 in VS-mode on L1's own memory: G-stage and VS-stage Bare, its
	 * external interrupts its own (hideleg.VSEI) */
	csr_write(CSR_HGATP, 0);
	csr_write(CSR_VSATP, 0);
	csr_write(CSR_HIDELEG, MIP_VSEIP);
	csr_write(CSR_HEDELEG, 0);
	for (k = 1; k <= 2; k++)
		l2_on_file(k == 1 ? "l2_msi_file1" : "l2_msi_file2", file,
			   (unsigned long)k, rounds);

	/* L2's file 2 (VGEIN = 2) through L1's vsiselect/vsireg: on, and
	 * AN_EIID enabled, as L2 left it; L2's last siselect */
	probe("vsiselect", csr_read(CSR_VSISELECT), AN_EIE0);
	probe("vsireg_eidelivery", vsireg_at(AN_EIDELIVERY), 1);
	probe("vsireg_eie0", vsireg_at(AN_EIE0), 1UL << AN_EIID);

	/* L2 not running: an MSI into its file shows in hgeip (bit 2),
	 * vstopei names it, a write claims it */
	probe("hgeip_idle", csr_read(CSR_HGEIP), 0);
	*(volatile uint32_t *)(file + 2 * AN_FILE) = AN_EIID;
	probe("hgeip", csr_read(CSR_HGEIP), 1UL << 2);
	probe("vstopei", csr_read(CSR_VSTOPEI), AN_TOPEI(AN_EIID));
	/* L2's top interrupt: its external one (IID 9; L2 enabled SEIE) */
	probe("vstopi_iid", csr_read(CSR_VSTOPI) >> 16, IRQ_S_EXT);
	csr_write(CSR_VSTOPEI, 0);
	probe("hgeip_claimed", csr_read(CSR_HGEIP), 0);
	probe("vstopi_claimed", csr_read(CSR_VSTOPI), 0);

	/* ... and with hgeie and hie.SGEIE, L1 takes SGEI (cause 12) */
	an_scratch[AN_L1_IRQ] = 0;
	csr_write(CSR_HIE, MIP_SGEIP);
	csr_write(CSR_HGEIE, 1UL << 2);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	*(volatile uint32_t *)(file + 2 * AN_FILE) = AN_EIID;
	for (k = 0; k < 100 && !an_scratch[AN_L1_IRQ]; k++)
		__asm__ __volatile__("nop");
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	probe("sgei", an_scratch[AN_L1_IRQ], CAUSE_INTERRUPT | IRQ_S_GEXT);
	probe("sgei_hip", csr_read(CSR_HIP) & MIP_SGEIP, MIP_SGEIP);
	/* still pending and enabled, sstatus.SIE = 0: stopi names it (AIA
	 * "stopi": pending and enabled, whatever SIE), as Linux's AIA
	 * handler, looping while stopi != 0, needs (on L0: vhyp.c, the
	 * armed interrupt in hvictl; it read an SEI nobody could claim) */
	probe("sgei_stopi", csr_read(CSR_STOPI) >> 16, IRQ_S_GEXT);
	csr_write(CSR_HGEIE, 0);
	csr_write(CSR_VSTOPEI, 0);
	probe("sgei_claimed", csr_read(CSR_HGEIP), 0);
	/* L1's own file: on, AN_L1_EIID enabled, its sie.SEIE; L2 writes
	 * into it and spins: L1's external interrupt takes the hart back */
	csr_write(CSR_SISELECT, AN_EIDELIVERY);
	csr_write(CSR_SIREG, 1);
	csr_write(CSR_SISELECT, AN_EITHRESHOLD);
	csr_write(CSR_SIREG, 0);
	csr_write(CSR_SISELECT, AN_EIE0);
	csr_write(CSR_SIREG, 1UL << AN_L1_EIID);
	csr_set(CSR_SIE, MIP_SEIP);
	set_vgein(1);
	csr_set(CSR_SSTATUS, SSTATUS_SPP);
	m = an_run_l2((unsigned long)an_l2_poke, file, AN_L1_EIID);
	probe("l1_file_exit", m, CAUSE_INTERRUPT | IRQ_S_EXT);
	probe("l1_file_stopei", csr_swap(CSR_STOPEI, 0), AN_TOPEI(AN_L1_EIID));
	csr_clear(CSR_SIE, MIP_SEIP);
	l1_test_finish(failures ? 1 : 0);
}
