/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L0 boot: host DT -> options -> L1 memory and G-stage -> L1 image, initrd
 * and DT -> devices -> first entry into L1. Every failure is one clear
 * `RVNEST error` line and a failing shutdown.
 */
#include <libfdt.h>
#include <rvnest/chain.h>
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/gcov.h>
#include <rvnest/sbi.h>
#include <stdio.h>
#include <string.h>

#include "depth.h"
#include "fwcfg.h"
#include "gmem.h"
#include "guestdt.h"
#include "hostdt.h"
#include "loader.h"
#include "hcsr.h"
#include "nacl.h"
#include "options.h"
#include "pci.h"
#include "sbi_pmu.h"
#include "trap.h"
#include "vcpu.h"

#ifndef L0_VERSION
#define L0_VERSION "unknown"
#endif

/* L1's DT is placed in the top 2 MiB of L1 RAM (as QEMU places the host
 * DTB high in RAM, 2 MiB aligned); the initrd goes just below it. */
#define L1_DTB_AREA (2UL << 20)
#define L1_DTB_MAX (64UL << 10)

extern char _l0_start[], _l0_end[];

void l0_main(unsigned long hartid, unsigned long dtb_pa);

static struct l0_platform host;
static struct l0_options opts;
static struct l0_guest guest;
static struct l0_pci pci;
static uint8_t l1_dtb[L1_DTB_MAX] __attribute__((aligned(8)));
static char err[256];
/* an L1 image that is a chain (rvnest/chain.h), and the header of its rest */
static struct rvnest_chain chain;
static uint8_t chain_rest_hdr[RVNEST_CHAIN_ALIGN];

static void __attribute__((noreturn)) fail(const char *what)
{
	/* one machine-readable line (no spaces in msg), one human line */
	char msg[64];
	size_t i;

	for (i = 0; what[i] && i < sizeof(msg) - 1; i++)
		msg[i] = what[i] == ' ' ? '_' : what[i];
	msg[i] = '\0';
	/* depth= once known (0: the SBI below answered nonsense) */
	if (guest.depth)
		printf("RVNEST error msg=%s depth=%u\n", msg, guest.depth);
	else
		printf("RVNEST error msg=%s\n", msg);
	printf("[l0] error: %s: %s\n", what, err);
	console_flush();
	rvnest_gcov_dump(); /* RVNEST_GCOV=1 images: boot errors count too */
	sbi_shutdown(1);
}

static uint64_t align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

/* The host-physical ranges L1's RAM must not overlap (besides the host's
 * own reserved ranges). */
enum l0_busy {
	L0_BUSY_L0,
	L0_BUSY_HOST_DTB,
	L0_BUSY_L1_IMAGE,
	L0_BUSY_L1_INITRD,
	L0_BUSY_COUNT,
};

static const char *const l0_busy_names[L0_BUSY_COUNT] = {
	[L0_BUSY_L0] = "L0 itself",
	[L0_BUSY_HOST_DTB] = "the host DTB",
	[L0_BUSY_L1_IMAGE] = "the L1 image (QEMU -initrd)",
	[L0_BUSY_L1_INITRD] = "L1's initrd (l1.initrd)",
};

/* Where L1's initrd comes from (README: "L1's initrd"). */
enum l0_initrd_source {
	L0_INITRD_NONE,
	L0_INITRD_HOST_MEMORY, /* l1.initrd=ADDR,SIZE: already in host RAM */
	L0_INITRD_FWCFG,       /* QEMU -fw_cfg name=opt/rvnest/l1-initrd */
	L0_INITRD_CHAIN,       /* the rest of the L1 image's chain */
};

static const char *const l0_initrd_source_names[] = {
	[L0_INITRD_NONE] = "none",
	[L0_INITRD_HOST_MEMORY] = "l1.initrd",
	[L0_INITRD_FWCFG] = "fw_cfg",
	[L0_INITRD_CHAIN] = "chain",
};

/*
 * How deep this L0 runs. On the machine's firmware (OpenSBI: no rvnest
 * extension) 1. On an L0 (it probes SBI_EXT_RVNEST) one more than the
 * depth that L0 answers to SBI_RVNEST_DEPTH; an extension that does not
 * answer, or answers a depth out of range, is an error, never a guess.
 */
static void find_depth(void)
{
	long probe = sbi_probe(SBI_EXT_RVNEST);
	struct sbiret r = {.error = SBI_ERR_NOT_SUPPORTED};

	if (probe > 0)
		r = sbi_call0(SBI_EXT_RVNEST, SBI_RVNEST_DEPTH);
	if (l0_depth_decide(probe, r.error, r.value, &guest.depth, err,
			    sizeof(err)) != L0_DEPTH_OK) {
		printf("RVNEST boot component=l0 version=%s\n", L0_VERSION);
		fail("bad depth from the SBI below");
	}
}

/* A second source of L1's initrd besides the one already chosen. */
static void __attribute__((noreturn))
two_initrds(enum l0_initrd_source a, enum l0_initrd_source b)
{
	snprintf(err, sizeof(err),
		 "both %s and %s give L1 an initrd (with a chain, put the "
		 "initrd in the chain as its last element)",
		 l0_initrd_source_names[a], l0_initrd_source_names[b]);
	fail("two L1 initrds");
}

/* An initrd L1 gets as it is (l1.initrd=, fw_cfg) may itself be a chain
 * for an L0 running as L1: refuse a malformed one here, at the first
 * level that sees it, with the same strictness as an L1 image chain. */
static void check_initrd_chain(uint64_t gpa, uint64_t size)
{
	struct rvnest_chain c;
	size_t n =
		size < RVNEST_CHAIN_ALIGN ? (size_t)size : RVNEST_CHAIN_ALIGN;

	if (!l0_gmem_read(&guest.gmem, gpa, chain_rest_hdr, n))
		return; /* just written there: cannot happen */
	if (rvnest_chain_parse(chain_rest_hdr, n, size, &c, err, sizeof(err)) ==
	    RVNEST_CHAIN_BAD)
		fail("malformed L1 initrd chain");
}

static void check_l1_initrd(const struct l0_range *busy)
{
	const struct l0_range *r = &busy[L0_BUSY_L1_INITRD];
	bool in_ram = false;

	for (unsigned m = 0; m < host.nmem; m++)
		if (r->base >= host.mem[m].base &&
		    r->base + r->size <= host.mem[m].base + host.mem[m].size)
			in_ram = true;
	if (!in_ram) {
		snprintf(err, sizeof(err),
			 "l1.initrd=0x%llx,0x%llx is not inside host RAM",
			 (unsigned long long)r->base,
			 (unsigned long long)r->size);
		fail("bad l1.initrd");
	}
	for (int b = 0; b < L0_BUSY_L1_INITRD; b++) {
		if (l0_ranges_overlap(r->base, r->size, busy[b].base,
				      busy[b].size)) {
			snprintf(err, sizeof(err),
				 "l1.initrd=0x%llx,0x%llx overlaps %s at "
				 "0x%llx-0x%llx: load it elsewhere",
				 (unsigned long long)r->base,
				 (unsigned long long)r->size, l0_busy_names[b],
				 (unsigned long long)busy[b].base,
				 (unsigned long long)(busy[b].base +
						      busy[b].size));
			fail("l1.initrd overlap");
		}
	}
	for (unsigned i = 0; i < host.nresv; i++) {
		if (l0_ranges_overlap(r->base, r->size, host.resv[i].base,
				      host.resv[i].size)) {
			snprintf(err, sizeof(err),
				 "l1.initrd=0x%llx,0x%llx overlaps reserved "
				 "memory 0x%llx-0x%llx",
				 (unsigned long long)r->base,
				 (unsigned long long)r->size,
				 (unsigned long long)host.resv[i].base,
				 (unsigned long long)(host.resv[i].base +
						      host.resv[i].size));
			fail("l1.initrd overlap");
		}
	}
}

/* l1.pci=: the functions L1 gets, their BARs in L1's G-stage at their
 * host addresses, the IOMMU translating their DMA through that same
 * G-stage (pci.h, iommu.h). */
static void setup_pci(void)
{
	uint16_t ids[L0_IOMMU_MAX_DEVICES];
	unsigned n;

	if (l0_pci_init(&pci, &host, &opts, err, sizeof(err)) != L0_PCI_OK)
		fail("PCI passthrough refused");
	for (unsigned i = 0; i < pci.nfn; i++) {
		const struct l0_pci_fn *f = &pci.fn[i];

		if (!f->assigned)
			continue;
		printf("[l0] pci: L1 gets %02x:%02x.%x (%04x:%04x)",
		       f->bdf >> 8, (f->bdf >> 3) & 0x1f, f->bdf & 7, f->vendor,
		       f->device);
		for (unsigned b = 0; b < L0_PCI_NBARS; b++) {
			struct l0_range r = {f->bar[b].cpu, f->bar[b].size};

			if (!r.size || f->bar[b].upper)
				continue;
			if (r.size < L0_PCI_BAR_MIN)
				r.size = L0_PCI_BAR_MIN;
			printf(" BAR%u 0x%llx+0x%llx", b,
			       (unsigned long long)r.base,
			       (unsigned long long)f->bar[b].size);
			if (l0_gmem_map_device(&guest.gmem, &r, err,
					       sizeof(err)) != L0_GMEM_OK)
				fail("G-stage setup failed");
		}
		printf("\n");
	}
	n = l0_pci_assigned_ids(&pci, ids, L0_IOMMU_MAX_DEVICES);
	if (l0_iommu_init(&pci.iommu, l0_pci_iommu_regs(&pci), ids, n,
			  guest.gmem.root, guest.gmem.mode, guest.gmem.vmid,
			  err, sizeof(err)) != L0_IOMMU_OK)
		fail("IOMMU setup failed");
	pci.iommu.depth = guest.depth;
	pci.depth = guest.depth;
	l0_pci_watch(&pci, &(struct l0_range){host.fdt_pa, host.fdt_size});
	printf("[l0] pci: IOMMU %s regs 0x%llx caps 0x%llx, %s device "
	       "contexts, %u-level directory, GSCID %lu; %u function(s) for "
	       "L1\n",
	       host.pci.iommu_path, (unsigned long long)l0_pci_iommu_regs(&pci),
	       (unsigned long long)pci.iommu.caps,
	       pci.iommu.ext_dc ? "extended" : "base",
	       (unsigned)(pci.iommu.mode - IOMMU_DDTP_1LVL) + 1,
	       guest.gmem.vmid, n);
	/* L1's BAR moves need a fence of every hart that runs L1 and of
	 * the shadow of an L1 with H: one vCPU without H only (pci.c) */
	if (guest.nvcpus == 1 && !opts.l1_h)
		pci.gmem = &guest.gmem;
	guest.pci = &pci;
}

static void choose_l1_features(void)
{
	bool *has = guest.l1_has;

	/* L1 gets what the host has, except H (only by option: L0 then
	 * emulates it) and Sstc (by option, only if the host has it). */
	for (int f = 0; f < L0_ISA_FEATURE_COUNT; f++)
		has[f] = host.isa[f];
	has[L0_ISA_H] = opts.l1_h;
	if (opts.l1_sstc == L0_SSTC_OFF)
		has[L0_ISA_SSTC] = false;
	if (opts.l1_sstc == L0_SSTC_ON && !host.isa[L0_ISA_SSTC]) {
		snprintf(err, sizeof(err),
			 "l1.sstc=1 but the host DT lists no sstc");
		fail("l1.sstc unavailable");
	}
	l0_guest_setup_envcfg(&guest);
	l0_pmu_setup_lcofi(&guest);
	if (opts.l1_sstc == L0_SSTC_ON && !has[L0_ISA_SSTC]) {
		snprintf(err, sizeof(err),
			 "l1.sstc=1 but henvcfg.STCE is read-only zero "
			 "(firmware left menvcfg.STCE clear)");
		fail("l1.sstc unavailable");
	}
}

/* Start the host hart of vCPU i through OpenSBI HSM (SBI spec HSM
 * "sbi_hart_start": S-mode at the address, a1 = opaque). */
static void start_host_hart(struct l0_vcpu *v, unsigned i)
{
	extern char l0_secondary_entry[];
	struct sbiret r;

	l0_vcpu_init(v, &guest, i, host.hart[i].hartid, SBI_NESTED_HART_STOPPED,
		     0, 0);
	r = sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_START, host.hart[i].hartid,
		      (unsigned long)l0_secondary_entry, (unsigned long)v, 0, 0,
		      0);
	if (r.error) {
		snprintf(err, sizeof(err),
			 "the firmware refused to start host hart %lu for vCPU "
			 "%u (SBI error %ld)",
			 host.hart[i].hartid, i, r.error);
		fail("cannot start a host hart");
	}
}

/*
 * l1.aia=1 (vaplic.h): vCPU i's IMSIC range at l1_imsic_gpa + i strides
 * is its host hart's guest interrupt file 1 (L1's S file) and, for L1's
 * guest files, the ones after it. Only on an AIA host with a guest file
 * per hart to give.
 */
static uint64_t l1_imsic_gpa;
static unsigned l1_geilen;

static void map_l1_imsic(void)
{
	uint64_t stride = IMSIC_PAGE << host.imsic_guest_bits;
	unsigned host_geilen;

	if (!host.has_aia) {
		snprintf(err, sizeof(err),
			 "l1.aia=1 but the host has no S-level IMSIC with an "
			 "MSI-mode APLIC (QEMU: -M virt,aia=aplic-imsic,"
			 "aia-guests=N)");
		fail("l1.aia unavailable");
	}
	/* hgeie's writable bits are GEILEN's (Hypervisor chapter,
	 * "Hypervisor Guest External Interrupt Registers") */
	host_geilen =
		(unsigned)__builtin_popcountll(l0_aia_hgeie_writable() & ~1ull);
	if (!host_geilen) {
		snprintf(err, sizeof(err),
			 "l1.aia=1 but the harts have no guest interrupt file "
			 "(GEILEN 0; QEMU: aia-guests=N)");
		fail("l1.aia unavailable");
	}
	/* each vCPU's IMSIC file is a guest file of the hart it runs on:
	 * vCPUs that share a hart (sched.h) would share the file */
	if (opts.l1_harts > host.ncpus) {
		snprintf(err, sizeof(err),
			 "l1.aia=1 gives each vCPU a guest interrupt file of "
			 "its own host hart: %u vCPUs on %u harts",
			 opts.l1_harts, host.ncpus);
		fail("l1.aia unavailable");
	}
	/* L1's own file is guest file 1; with the H extension, L1's guest
	 * files 1..GEILEN are the host's 2..GEILEN (vhyp.c) */
	l1_geilen = opts.l1_h ? host_geilen - 1 : 0;
	guest.l1_geilen = l1_geilen;
	l1_imsic_gpa = host.imsic_hart_file[0];
	for (unsigned i = 0; i < opts.l1_harts && i < host.ncpus; i++) {
		if (!host.imsic_hart_file[i]) {
			snprintf(err, sizeof(err),
				 "host hart %lu has no S-level IMSIC file",
				 host.hart[i].hartid);
			fail("l1.aia unavailable");
		}
		if (l0_gmem_map_device_at(&guest.gmem,
					  l1_imsic_gpa + i * stride,
					  host.imsic_hart_file[i] + IMSIC_PAGE,
					  (1 + l1_geilen) * IMSIC_PAGE, err,
					  sizeof(err)) != L0_GMEM_OK)
			fail("G-stage setup failed");
	}
}

static void setup_l1_aplic(void)
{
	static struct l0_aia aia;
	static struct l0_vaplic vaplic;
	struct l0_mmio_device *d = &guest.mmio[guest.nmmio++];

	if (l0_aia_init(&aia, &host, err, sizeof(err)) != L0_AIA_OK)
		fail("cannot take over the host's AIA");
	l0_vaplic_init(&vaplic, &aia, host.aplic_nsources, guest.nvcpus,
		       host.imsic_hart_file, host.imsic_guest_bits,
		       host.imsic_num_ids, l1_geilen);
	guest.vaplic = &vaplic;
	d->name = "aplic";
	d->base = host.aplic.base;
	d->size = host.aplic.size;
	d->ctx = &vaplic;
	d->read = l0_vaplic_read;
	d->write = l0_vaplic_write;
	printf("[l0] AIA: IMSIC %s (S file 0x%llx, hart index %u, %u ids, "
	       "GEILEN %u), APLIC %s (%u sources, MSI mode), UART source %u; "
	       "L1 gets an IMSIC at 0x%llx (its S file: guest file 1 of each "
	       "hart, GEILEN %u) and an APLIC at 0x%llx\n",
	       host.imsic_path, (unsigned long long)host.imsic_file,
	       host.imsic_hart_index, host.imsic_num_ids, aia.geilen,
	       host.aplic_path, host.aplic_nsources, host.uart_irq,
	       (unsigned long long)l1_imsic_gpa, l1_geilen,
	       (unsigned long long)host.aplic.base);
}

void l0_main(unsigned long hartid, unsigned long dtb_pa)
{
	struct l0_range busy[L0_BUSY_COUNT] = {0};
	struct l0_guestdt_input gdt = {0};
	struct l0_l1_image img;
	enum l0_initrd_source initrd_src = L0_INITRD_NONE;
	uint64_t initrd_size = 0;
	struct l0_fwcfg_file fwfile;
	const void *l1_image;
	uint64_t l1_image_size;
	uint64_t dtb_gpa, initrd_gpa = 0, ram_end;
	struct l0_vcpu *v;
	unsigned nharts;

	console_init_sbi();
	find_depth();
	if (l0_hostdt_parse(dtb_pa, hartid, &host, err, sizeof(err)) !=
	    L0_HOSTDT_OK) {
		printf("RVNEST boot component=l0 version=%s hart=%lu "
		       "depth=%u\n",
		       L0_VERSION, hartid, guest.depth);
		fail("bad host device tree");
	}
	if (l0_options_parse(host.bootargs, &opts, err, sizeof(err)) !=
	    L0_OPTIONS_OK) {
		printf("RVNEST boot component=l0 version=%s hart=%lu "
		       "depth=%u\n",
		       L0_VERSION, hartid, guest.depth);
		fail("bad L0 option");
	}
	/* nested=1: L0 emulates the H extension it advertises (vhyp.c);
	 * depth= last, so parsers of the keys before it keep working */
	printf("RVNEST boot component=l0 version=%s mode=hs hart=%lu "
	       "l1_mem=%llu l1_harts=%u h=%d nested=%d gstage=%s "
	       "host_sstc=%d depth=%u\n",
	       L0_VERSION, hartid, (unsigned long long)opts.l1_mem,
	       opts.l1_harts, opts.l1_h ? 1 : 0, opts.l1_h ? 1 : 0,
	       opts.gstage == PT_SV48X4 ? "sv48x4" : "sv39x4",
	       host.isa[L0_ISA_SSTC] ? 1 : 0, guest.depth);
	printf("[l0] host: %u cpu(s), timebase %u Hz, RAM 0x%llx+0x%llx, "
	       "DTB 0x%lx (%llu bytes), uart %s, plic %s (S context %d)\n",
	       host.ncpus, host.timebase, (unsigned long long)host.mem[0].base,
	       (unsigned long long)host.mem[0].size, dtb_pa,
	       (unsigned long long)host.fdt_size,
	       host.has_uart ? host.uart_path : "none",
	       host.has_plic ? host.plic_path : "none", host.plic_s_context);

	if (!host.isa[L0_ISA_H]) {
		snprintf(
			err, sizeof(err),
			"the host has no H extension (QEMU: -cpu rv64,h=true)");
		fail("no H extension");
	}
	if (!host.has_initrd) {
		snprintf(err, sizeof(err),
			 "no L1 image: pass it as QEMU -initrd <image>");
		fail("no L1 image");
	}

	busy[L0_BUSY_L0].base = (uint64_t)(uintptr_t)_l0_start;
	busy[L0_BUSY_L0].size = (uint64_t)(_l0_end - _l0_start);
	busy[L0_BUSY_HOST_DTB].base = dtb_pa;
	busy[L0_BUSY_HOST_DTB].size = host.fdt_size;
	busy[L0_BUSY_L1_IMAGE] = host.initrd;
	l1_image = (const void *)(uintptr_t)host.initrd.base;
	l1_image_size = host.initrd.size;
	/* A chain: element 0 is L1, the rest becomes L1's initrd */
	switch (rvnest_chain_parse(l1_image,
				   l1_image_size < RVNEST_CHAIN_ALIGN
					   ? (size_t)l1_image_size
					   : RVNEST_CHAIN_ALIGN,
				   l1_image_size, &chain, err, sizeof(err))) {
	case RVNEST_CHAIN_NOT_A_CHAIN:
		break;
	case RVNEST_CHAIN_BAD:
		fail("malformed L1 image chain");
	case RVNEST_CHAIN_OK:
		initrd_src = L0_INITRD_CHAIN;
		/* the rest: one element as it is, or a chain again */
		initrd_size = chain.count == 2 ? chain.size[1]
					       : rvnest_chain_rest_header(
							 &chain, l1_image_size,
							 chain_rest_hdr);
		l1_image = (const uint8_t *)l1_image + chain.off[0];
		l1_image_size = chain.size[0];
		break;
	}
	if (opts.has_l1_initrd) {
		if (initrd_src != L0_INITRD_NONE)
			two_initrds(initrd_src, L0_INITRD_HOST_MEMORY);
		initrd_src = L0_INITRD_HOST_MEMORY;
		initrd_size = opts.l1_initrd_size;
		busy[L0_BUSY_L1_INITRD].base = opts.l1_initrd_addr;
		busy[L0_BUSY_L1_INITRD].size = opts.l1_initrd_size;
		check_l1_initrd(busy);
	}
	if (host.has_fwcfg && l0_fwcfg_find(host.fwcfg.base, L0_FWCFG_L1_INITRD,
					    &fwfile) == L0_FWCFG_OK) {
		if (initrd_src != L0_INITRD_NONE)
			two_initrds(initrd_src, L0_INITRD_FWCFG);
		initrd_src = L0_INITRD_FWCFG;
		initrd_size = fwfile.size;
	}

	guest.host = &host;
	guest.opts = &opts;
	guest.nvcpus = opts.l1_harts;
	/* more vCPUs than host harts: L0 time-slices them (sched.h) */
	nharts = l0_sched_setup(&guest, host.ncpus);
	if (l0_gmem_place(&guest.gmem, &host, busy, L0_BUSY_COUNT, opts.l1_mem,
			  err, sizeof(err)) != L0_GMEM_OK)
		fail("no room for L1 RAM");
	if (l0_gmem_map_ram(&guest.gmem, opts.gstage, err, sizeof(err)) !=
	    L0_GMEM_OK)
		fail("G-stage setup failed");
	if (host.has_uart && l0_gmem_map_device(&guest.gmem, &host.uart, err,
						sizeof(err)) != L0_GMEM_OK)
		fail("G-stage setup failed");
	if (opts.pci_all || opts.npci)
		setup_pci();
	if (opts.l1_aia)
		map_l1_imsic();

	switch (l0_load_l1(&guest.gmem, l1_image, l1_image_size, &img, err,
			   sizeof(err))) {
	case L0_LOAD_OK:
		break;
	case L0_LOAD_BAD:
		fail("L1 image does not load");
	case L0_LOAD_TOO_LARGE:
		fail("L1 image too large for its region");
	}

	ram_end = guest.gmem.gpa + guest.gmem.size;
	dtb_gpa = ram_end - L1_DTB_AREA;
	if (initrd_src != L0_INITRD_NONE && initrd_size < dtb_gpa - img.hi)
		initrd_gpa = align_down(dtb_gpa - initrd_size, PAGE_SIZE);
	if (img.hi > dtb_gpa || (initrd_src != L0_INITRD_NONE &&
				 (!initrd_gpa || initrd_gpa < img.hi))) {
		snprintf(err, sizeof(err),
			 "L1 image (0x%llx-0x%llx)%s and DTB (2M) do not fit "
			 "in l1.mem=%lluM",
			 (unsigned long long)img.lo, (unsigned long long)img.hi,
			 initrd_src != L0_INITRD_NONE ? ", initrd" : "",
			 (unsigned long long)(opts.l1_mem >> 20));
		fail("L1 image too large for its region");
	}
	switch (initrd_src) {
	case L0_INITRD_NONE:
		break;
	case L0_INITRD_HOST_MEMORY:
		l0_gmem_write(&guest.gmem, initrd_gpa,
			      (const void *)(uintptr_t)opts.l1_initrd_addr,
			      opts.l1_initrd_size);
		break;
	case L0_INITRD_FWCFG:
		l0_fwcfg_read_to_guest(host.fwcfg.base, &fwfile, &guest.gmem,
				       initrd_gpa);
		break;
	case L0_INITRD_CHAIN: {
		const uint8_t *c = (const uint8_t *)(uintptr_t)host.initrd.base;

		if (chain.count == 2) {
			l0_gmem_write(&guest.gmem, initrd_gpa, c + chain.off[1],
				      chain.size[1]);
			break;
		}
		/* a new header page, then the tail unchanged: its elements
		 * stay page aligned (rvnest/chain.h) */
		l0_gmem_write(&guest.gmem, initrd_gpa, chain_rest_hdr,
			      RVNEST_CHAIN_ALIGN);
		l0_gmem_write(&guest.gmem, initrd_gpa + RVNEST_CHAIN_ALIGN,
			      c + chain.off[1],
			      host.initrd.size - chain.off[1]);
		break;
	}
	}
	if (initrd_src == L0_INITRD_HOST_MEMORY ||
	    initrd_src == L0_INITRD_FWCFG)
		check_initrd_chain(initrd_gpa, initrd_size);

	choose_l1_features();
	guest.nested = opts.l1_h;
	if (guest.nested)
		l0_vhyp_measure_host(&guest, &guest.vcaps);
	gdt.host = &host;
	gdt.nvcpus = guest.nvcpus;
	gdt.gmem = &guest.gmem;
	memcpy(gdt.l1_has, guest.l1_has, sizeof(gdt.l1_has));
	gdt.bootargs = opts.l1_bootargs;
	gdt.has_initrd = initrd_src != L0_INITRD_NONE;
	gdt.initrd_gpa = initrd_gpa;
	gdt.initrd_size = initrd_size;
	gdt.pci = guest.pci ? &host.pci : NULL;
	gdt.l1_aia = opts.l1_aia;
	gdt.l1_imsic_gpa = l1_imsic_gpa;
	if (l0_guestdt_build(&gdt, l1_dtb, sizeof(l1_dtb), err, sizeof(err)) !=
	    L0_GUESTDT_OK)
		fail("cannot build L1 device tree");
	l0_gmem_write(&guest.gmem, dtb_gpa, l1_dtb, fdt_totalsize(l1_dtb));

	printf("[l0] L1 RAM: GPA 0x%llx+%lluM (%s) backed by",
	       (unsigned long long)guest.gmem.gpa,
	       (unsigned long long)(guest.gmem.size >> 20),
	       opts.gstage == PT_SV48X4 ? "Sv48x4" : "Sv39x4");
	for (unsigned i = 0; i < guest.gmem.nchunks; i++)
		printf(" host 0x%llx+%lluM",
		       (unsigned long long)guest.gmem.chunk[i].hpa,
		       (unsigned long long)(guest.gmem.chunk[i].size >> 20));
	printf("\n[l0] L1: %s image 0x%llx-0x%llx entry 0x%llx; DTB at 0x%llx "
	       "(%u bytes)",
	       l0_image_format_name(img.format), (unsigned long long)img.lo,
	       (unsigned long long)img.hi, (unsigned long long)img.entry,
	       (unsigned long long)dtb_gpa, fdt_totalsize(l1_dtb));
	if (initrd_src != L0_INITRD_NONE)
		printf("; initrd (%s) at 0x%llx (%llu bytes)",
		       l0_initrd_source_names[initrd_src],
		       (unsigned long long)initrd_gpa,
		       (unsigned long long)initrd_size);
	printf("; h=%d sstc=%d\n", guest.l1_has[L0_ISA_H] ? 1 : 0,
	       guest.l1_has[L0_ISA_SSTC] ? 1 : 0);

	if (opts.l1_aia) {
		setup_l1_aplic();
	} else if (host.has_plic) {
		struct l0_mmio_device *d = &guest.mmio[guest.nmmio++];

		l0_vplic_init(&guest.vplic, host.plic_ndev, guest.nvcpus,
			      host.plic.base, host.plic_s_context);
		d->name = "plic";
		d->base = host.plic.base;
		d->size = host.plic.size;
		d->ctx = &guest.vplic;
		d->read = l0_vplic_read;
		d->write = l0_vplic_write;
	} else if (host.has_aia) {
		/* the APLIC and L0's IMSIC file feed the same vPLIC (aia.h) */
		static struct l0_aia aia;
		struct l0_mmio_device *d = &guest.mmio[guest.nmmio++];

		if (l0_aia_init(&aia, &host, err, sizeof(err)) != L0_AIA_OK)
			fail("cannot take over the host's AIA");
		l0_vplic_init_aia(&guest.vplic, host.aplic_nsources,
				  guest.nvcpus, &aia);
		d->name = "plic";
		d->base = L0_VPLIC_AIA_GPA;
		d->size = PLIC_CONTEXT_BASE +
			  (uint64_t)VPLIC_MAX_CONTEXTS * PLIC_CONTEXT_STRIDE;
		d->ctx = &guest.vplic;
		d->read = l0_vplic_read;
		d->write = l0_vplic_write;
		printf("[l0] AIA: IMSIC %s (S file 0x%llx, hart index %u, %u "
		       "ids, GEILEN %u), APLIC %s (%u sources, MSI mode), UART "
		       "source %u; L1 gets a PLIC at 0x%llx\n",
		       host.imsic_path, (unsigned long long)host.imsic_file,
		       host.imsic_hart_index, host.imsic_num_ids, aia.geilen,
		       host.aplic_path, host.aplic_nsources, host.uart_irq,
		       (unsigned long long)L0_VPLIC_AIA_GPA);
	} else {
		printf("[l0] no interrupt controller L0 drives (a PLIC, or an "
		       "S-level IMSIC with an MSI-mode APLIC): L1 gets none, "
		       "its UART no interrupt\n");
	}
	if (guest.pci) {
		struct l0_mmio_device *d = &guest.mmio[guest.nmmio++];

		/* bus 0's configuration space, emulated (pci.c) */
		d->name = "pci-ecam";
		d->base = host.pci.ecam.base;
		d->size = L0_PCI_ECAM_BUS_SIZE;
		d->ctx = &pci;
		d->read = l0_pci_cfg_read;
		d->write = l0_pci_cfg_write;
	}
	l0_sbi_setup(&guest);
	/* NACL (l0.nacl=): only with the H extension emulated (nacl.c) */
	l0_nacl_setup(&guest, opts.nacl_features);
	/* NACL of the SBI below for L0's own h* CSRs (l0.nacl.client=) */
	l0_nacl_client_setup(opts.nacl_client, guest.depth);
	if (l0_sched_on() && l0_nacl_client_on) {
		/* its shared memory is per host hart and per vCPU at once */
		snprintf(err, sizeof(err),
			 "l1.harts=%u on %u host harts needs "
			 "l0.nacl.client=none (the SBI below offers NACL)",
			 guest.nvcpus, nharts);
		fail("vCPU scheduling with a NACL client");
	}
	if (l0_sched_on())
		printf("[l0] %u vCPUs on %u host harts: vCPU i runs on host "
		       "hart i mod %u, slices of %llu us\n",
		       guest.nvcpus, nharts, nharts,
		       (unsigned long long)opts.slice_us);

	/* vCPU i runs on host.hart[i mod H] (hart[0] is this, the boot
	 * hart; H = l1.harts unless the host has fewer harts). The others
	 * wait, STOPPED, until L1 starts them through SBI HSM. */
	v = &guest.vcpu[0];
	l0_vcpu_init(v, &guest, 0, hartid, SBI_NESTED_HART_STARTED, img.entry,
		     dtb_gpa);
	/* vCPUs beyond the host's harts share them (sched.h): ready
	 * before any hart looks at its run queue */
	for (unsigned i = nharts; i < guest.nvcpus; i++)
		l0_vcpu_init(&guest.vcpu[i], &guest, i,
			     host.hart[l0_sched_hart_of(i)].hartid,
			     SBI_NESTED_HART_STOPPED, 0, 0);
	for (unsigned i = 1; i < nharts; i++)
		start_host_hart(&guest.vcpu[i], i);
	l0_vcpu_hw_init(v);
	l0_sched_hart_init(v, true);
	l0_vcpu_reset_vs(v);
	console_flush();
	l0_guest_enter(v);
}
