/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * l1-guest-hyp: boot, machine discovery from the device tree, L2 setup and
 * the run loop. The hypervisor uses only architectural H-extension state
 * and SBI so that the same binary runs on QEMU's H extension and, as L1,
 * on rvnest's L0 (which emulates every h* CSR access it makes).
 */
#include "l1.h"
#include "nacl.h"

#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/image.h>
#include <rvnest/fdt_util.h>
#include <rvnest/gcov.h>
#include <rvnest/sbi.h>
#include <rvnest/trap_names.h>
#include <libfdt.h>
#include <string.h>

#ifndef RVNEST_VERSION
#define RVNEST_VERSION "unknown"
#endif

#define L1_MAX_REGIONS 8
#define L1_HANG_BOOTARG "rvnest.hang=1"
/* L2 is guests/passdev, given L1's UART and a PLIC context (passdev.c) */
#define L1_PASSDEV_BOOTARG "rvnest.passdev=1"

extern char _start[], _end[];
extern const char l2_image_start[], l2_image_end[];
extern const char l2_passdev_start[], l2_passdev_end[];

struct l1_platform l1_plat;
/* found on the boot hart, applied on every hart (l1_hart_setup) */
static bool sstc_in_dt, nacl_wanted;
static int console_lock_word;

void l1_console_lock(void)
{
	while (__atomic_exchange_n(&console_lock_word, 1, __ATOMIC_ACQUIRE))
		;
}

void l1_console_unlock(void)
{
	__atomic_store_n(&console_lock_word, 0, __ATOMIC_RELEASE);
}

/* Exceptions L2 handles itself, as KVM delegates them: they arise from
 * L2's own VS-stage and ecalls from its U-mode, which are L2's business
 * ("Hypervisor Trap Delegation Register"). Everything else exits to L1,
 * which reports anything unexpected. */
#define L1_HEDELEG                                                           \
	(BIT(EXC_INST_MISALIGNED) | BIT(EXC_BREAKPOINT) | BIT(EXC_ECALL_U) | \
	 BIT(EXC_INST_PAGE_FAULT) | BIT(EXC_LOAD_PAGE_FAULT) |               \
	 BIT(EXC_STORE_PAGE_FAULT))
/* VS-level interrupts go straight to L2: L1 only sets/clears them in hvip
 * ("Hypervisor Interrupt Registers"). */
#define L1_HIDELEG HVIP_VS_MASK

static void __attribute__((noreturn))
finish(unsigned status, const char *reason)
{
	if (status)
		printf("RVNEST done status=%u reason=%s\n", status, reason);
	else
		printf("RVNEST done status=0\n");
	console_flush();
	rvnest_gcov_dump(); /* RVNEST_GCOV=1 images only */
	sbi_shutdown(status != 0);
}

static void __attribute__((noreturn)) boot_error(const char *msg)
{
	printf("RVNEST error msg=%s component=l1-guest-hyp\n", msg);
	finish(1, msg);
}

void l1_self_trap(void)
{
	/* Reporting may itself trap (a level below that does not emulate
	 * htval, say): report that once, then stop; never recurse. */
	static unsigned depth;
	unsigned long htval = 0, htinst = 0;

	switch (depth++) {
	case 0:
		break;
	case 1:
		printf("\nRVNEST error msg=trap_while_reporting_trap_in_l1 "
		       "scause=0x%lx sepc=0x%lx stval=0x%lx\n",
		       csr_read(CSR_SCAUSE), csr_read(CSR_SEPC),
		       csr_read(CSR_STVAL));
		finish(1, "trap_in_l1");
	default:
		sbi_shutdown(1);
	}
	/* A trap in L1 itself (V=0): a bug, or an instruction the level
	 * below refused. Never resume. Without H, reading htval would trap
	 * again. */
	if (l1_plat.has_h) {
		unsigned long scause = csr_read(CSR_SCAUSE);
		unsigned long sepc = csr_read(CSR_SEPC);
		unsigned long stval = csr_read(CSR_STVAL);

		/* scause/sepc/stval first: a trap on htval overwrites them. */
		printf("RVNEST error msg=trap_in_l1 cause=%s scause=0x%lx "
		       "sepc=0x%lx stval=0x%lx",
		       trap_cause_name(scause), scause, sepc, stval);
		console_flush();
		htval = csr_read(CSR_HTVAL);
		htinst = csr_read(CSR_HTINST);
		printf(" htval=0x%lx htinst=0x%lx\n", htval, htinst);
	} else {
		printf("RVNEST error msg=trap_in_l1 cause=%s scause=0x%lx "
		       "sepc=0x%lx stval=0x%lx\n",
		       trap_cause_name(csr_read(CSR_SCAUSE)),
		       csr_read(CSR_SCAUSE), csr_read(CSR_SEPC),
		       csr_read(CSR_STVAL));
	}
	finish(1, "trap_in_l1");
}

/* Pick the pool: the part of the RAM region holding L1 that lies above
 * L1's image and below every reserved range, the DTB included. */
static void init_pool(const void *fdt, const struct fdt_region *ram)
{
	struct fdt_region resv[L1_MAX_REGIONS + 1];
	unsigned n = 0;
	enum fdt_util_status st;
	uint64_t lo =
		((uint64_t)(uintptr_t)_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uint64_t hi = ram->base + ram->size;

	st = fdt_util_reserved(fdt, resv, L1_MAX_REGIONS, &n);
	if (st != FDT_UTIL_OK)
		boot_error(fdt_util_status_name(st));
	resv[n].base = (uint64_t)(uintptr_t)fdt;
	resv[n].size = fdt_totalsize(fdt);
	n++;
	for (unsigned i = 0; i < n; i++) {
		uint64_t rb = resv[i].base, re = resv[i].base + resv[i].size;

		if (re <= lo || rb >= hi)
			continue;
		if (rb > lo)
			hi = rb; /* keep the part below the reserved range */
		else
			lo = re; /* it covers our start: move past it */
	}
	if (hi <= lo)
		boot_error("no_free_ram_after_image");
	l1_pool_init(lo, hi);
}

static void discover(unsigned long hartid, const void *fdt)
{
	struct fdt_region ram[L1_MAX_REGIONS];
	unsigned n;
	enum fdt_util_status st;
	uint64_t self = (uint64_t)(uintptr_t)_start;

	if (fdt_util_check(fdt) != FDT_UTIL_OK)
		boot_error("bad_device_tree");
	l1_plat.hartid = hartid;
	/* Everything per-hart below (ISA, timebase) is read from this node. */
	if (fdt_util_cpu_node(fdt, hartid) < 0)
		boot_error("boot_hart_not_in_device_tree");
	st = fdt_util_memory(fdt, ram, L1_MAX_REGIONS, &n);
	if (st != FDT_UTIL_OK)
		boot_error(fdt_util_status_name(st));
	/* The region L1 was loaded into is the one it manages. */
	for (unsigned i = 0; i < n; i++) {
		if (self >= ram[i].base && self < ram[i].base + ram[i].size) {
			l1_plat.mem_base = ram[i].base;
			l1_plat.mem_size = ram[i].size;
			init_pool(fdt, &ram[i]);
			break;
		}
	}
	if (!l1_plat.mem_size)
		boot_error("image_not_in_any_memory_region");
	st = fdt_util_timebase(fdt, hartid, &l1_plat.timebase_hz);
	if (st != FDT_UTIL_OK)
		boot_error("no_timebase_frequency");
}

/* hstatus, h*deleg, counters, timer: the state L2 starts under. */
static void init_hypervisor_csrs(void)
{
	unsigned long hs = csr_read(CSR_HSTATUS);

	/* L2 runs in VS-mode (SPV=1 on SRET); HLV/HLVX act as VS supervisor
	 * (SPVP=1). No trapping of L2's SRET, WFI or satp (VTSR/VTW/VTVM=0):
	 * L2 owns its supervisor state. */
	hs &= ~(HSTATUS_VTSR | HSTATUS_VTW | HSTATUS_VTVM | HSTATUS_HU |
		HSTATUS_VGEIN | HSTATUS_GVA);
	hs |= HSTATUS_SPV | HSTATUS_SPVP;
	csr_write(CSR_HSTATUS, hs);
	csr_write(CSR_HEDELEG, L1_HEDELEG);
	csr_write(CSR_HIDELEG, L1_HIDELEG);
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HIE, 0);
	csr_write(CSR_HGEIE, 0);
	/* L2 reads cycle/time/instret for its measurements. */
	csr_write(CSR_HCOUNTEREN, COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
	csr_write(CSR_HTIMEDELTA, 0);

	/* L2's supervisor state starts clean: interrupts off, FP/vector off,
	 * default translation flags. UXL and the read-only fields are left
	 * alone (WARL, "Supervisor Status Register"). */
	csr_clear(CSR_VSSTATUS, SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_UBE |
					SSTATUS_SPP | SSTATUS_VS | SSTATUS_FS |
					SSTATUS_SUM | SSTATUS_MXR);
	csr_write(CSR_VSIE, 0);
	csr_write(CSR_VSTVEC, 0);
	csr_write(CSR_VSSCRATCH, 0);
	csr_write(CSR_VSEPC, 0);
	csr_write(CSR_VSCAUSE, 0);
	csr_write(CSR_VSTVAL, 0);
	csr_write(CSR_VSATP, 0);

	/* SRET returns to supervisor (SPP=1) with L1's interrupt state
	 * untouched: SPIE=0 keeps SIE clear when L1 next runs. */
	csr_set(CSR_SSTATUS, SSTATUS_SPP);
	csr_clear(CSR_SSTATUS, SSTATUS_SPIE);
}

/* Sstc for L2: vstimecmp is usable only if henvcfg.STCE sticks, which
 * needs the level below to have enabled it for us (menvcfg.STCE, "Sstc"). */
static bool enable_sstc(bool in_dt)
{
	if (!in_dt) {
		csr_write(CSR_HENVCFG, 0);
		return false;
	}
	/* No spurious VSTIP the moment STCE is set. */
	csr_write(CSR_VSTIMECMP, ~0ul);
	csr_write(CSR_HENVCFG, ENVCFG_STCE);
	return (csr_read(CSR_HENVCFG) & ENVCFG_STCE) != 0;
}

void l1_run_vcpu(struct l1_vcpu *v)
{
	/* the benchmarks run on vCPU 0: its window accounting decides */
	const struct l1_vcpu *v0 = &l1_vcpus[0];

	for (;;) {
		enum l1_exit e;

		if (l1_nacl.shmem) {
			/* h* CSRs from NACL's shared memory (nacl.h) */
			l1_nacl_enter_guest(v);
		} else {
			l1_enter_guest(v);
			v->trap.scause = csr_read(CSR_SCAUSE);
			v->trap.stval = csr_read(CSR_STVAL);
			v->trap.htval = csr_read(CSR_HTVAL);
			v->trap.htinst = csr_read(CSR_HTINST);
			v->trap.hstatus = csr_read(CSR_HSTATUS);
		}
		e = l1_handle_exit(v);

		if (e == L1_EXIT_RESUME)
			continue;
		/* the run ends: this hart has the console from here on */
		l1_console_lock();
		switch (e) {
		case L1_EXIT_RESUME:
			break;
		case L1_EXIT_SHUTDOWN:
			if (v->shutdown_reason != SBI_SRST_REASON_NONE)
				finish(1, "l2_reported_failure");
			if (!l1_bench_all_done(v0)) {
				printf("RVNEST error msg=benchmarks_incomplete "
				       "done_mask=0x%x\n",
				       v0->bench_done_mask);
				finish(1, "benchmarks_incomplete");
			}
			finish(0, NULL);
		case L1_EXIT_UNEXPECTED:
		case L1_EXIT_FAILED:
			break;
		}
		printf("RVNEST error msg=%s cause=%s scause=0x%lx sepc=0x%lx "
		       "stval=0x%lx htval=0x%lx htinst=0x%lx vcpu=%lu\n",
		       e == L1_EXIT_UNEXPECTED ? "unexpected_l2_exit"
					       : v->fail_msg,
		       trap_cause_name(v->trap.scause), v->trap.scause, v->sepc,
		       v->trap.stval, v->trap.htval, v->trap.htinst, v->hartid);
		finish(1, e == L1_EXIT_UNEXPECTED ? "unexpected_l2_exit"
						  : v->fail_msg);
	}
}

void l1_hart_setup(void)
{
	const char *err;

	/* every hart as the boot hart: the same Sstc, CSRs, G-stage root,
	 * and NACL shared memory of its own (nacl.h) */
	if (enable_sstc(sstc_in_dt) != l1_plat.sstc)
		boot_error("sstc_differs_between_harts");
	init_hypervisor_csrs();
	l1_vtimer_init();
	err = l1_gstage_hart_init();
	if (err)
		boot_error(err);
	l1_nacl_init(nacl_wanted);
	/* IPIs from the other harts (smp.c): HS interrupts, taken while L2
	 * runs even with sstatus.SIE = 0 */
	csr_set(CSR_SIE, MIP_SSIP);
}

void image_main(unsigned long hartid, unsigned long fdt_addr)
{
	void *fdt = (void *)fdt_addr;
	bool has_h;
	struct l1_vcpu *v0 = &l1_vcpus[0];
	const char *err, *l2 = l2_image_start, *l2_end = l2_image_end;

	/* No interrupts in L1 itself: its own traps are fatal, and HS-level
	 * interrupts still reach it from V=1 ("Interrupt ... when V=1").
	 * sscratch = 0 tells the one trap entry (switch.S) that the trap came
	 * from L1, not from L2. */
	csr_write(CSR_SIE, 0);
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_write(CSR_SSCRATCH, 0);
	csr_write(CSR_STVEC, (unsigned long)l1_trap_entry);
	console_init_sbi();
	discover(hartid, fdt);
	/* misa is not readable from S-mode: the device tree says whether the
	 * H extension (and so every h* CSR below) exists. */
	has_h = fdt_util_hart_has_ext(fdt, hartid, "h");
	l1_plat.has_h = has_h;
	sstc_in_dt = fdt_util_hart_has_ext(fdt, hartid, "sstc");
	l1_plat.sstc = has_h && enable_sstc(sstc_in_dt);

	printf("RVNEST boot component=l1-guest-hyp version=%s mode=hs hart=%lu "
	       "mem=0x%llx:0x%llx sstc=%d\n",
	       RVNEST_VERSION, hartid, (unsigned long long)l1_plat.mem_base,
	       (unsigned long long)l1_plat.mem_size, l1_plat.sstc ? 1 : 0);
	console_flush();

	if (fdt_util_args_have(fdt_util_bootargs(fdt), L1_HANG_BOOTARG)) {
		/* Harness hook: a guest that never finishes (README.md). A
		 * busy loop, not WFI: with no timer armed, QEMU's
		 * "-icount sleep=off" then stops serving signals, and the
		 * harness could not end it with SIGTERM. */
		printf("l1: %s: spinning forever\n", L1_HANG_BOOTARG);
		console_flush();
		for (;;)
			__asm__ __volatile__("" ::: "memory");
	}
	if (!has_h)
		boot_error("no_H_extension");

	init_hypervisor_csrs();
	l1_vtimer_init();
	l1_plat.passdev =
		fdt_util_args_have(fdt_util_bootargs(fdt), L1_PASSDEV_BOOTARG);
	if (l1_plat.passdev) {
		l2 = l2_passdev_start;
		l2_end = l2_passdev_end;
	}
	err = l1_gstage_init(l2, (size_t)(l2_end - l2));
	if (!err && l1_plat.passdev)
		err = l1_passdev_init(fdt);
	/* AIA mode (aia.c) before NACL, which starts from these CSRs */
	if (!err)
		err = l1_aia_init(fdt, hartid);
	if (err)
		boot_error(err);
	/* NACL (nacl.h) once the CSRs are set: they are its first values */
	nacl_wanted =
		fdt_util_args_have(fdt_util_bootargs(fdt), L1_NACL_BOOTARG);
	l1_nacl_init(nacl_wanted);
	csr_set(CSR_SIE, MIP_SSIP); /* as l1_hart_setup */
	/* the other harts, each with its vCPU (smp.c) */
	err = l1_smp_init(fdt);
	if (err)
		boot_error(err);
	/* AIA mode: the test device tells L2 where its interrupt file is */
	v0->dev.msi_page = l1_aia.on ? L2_IMSIC_GPA : 0;

	v0->sepc = L2_RAM_BASE;
	v0->gpr[L1_REG_A0] = v0->hartid;
	v0->gpr[L1_REG_A1] = 0; /* no device tree: the L2 contract allows it */
	printf("l1: L2 image %lu bytes at GPA 0x%lx, RAM 0x%lx bytes, "
	       "testdev at 0x%lx, pool %llu KiB free\n",
	       (unsigned long)(l2_end - l2), L2_RAM_BASE, L2_RAM_SIZE,
	       TESTDEV_BASE, (unsigned long long)(l1_pool_free_bytes() / 1024));
	console_flush();
	l1_run_vcpu(v0);
}
