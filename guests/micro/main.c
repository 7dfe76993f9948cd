/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L2 micro-guest: runs every microbenchmark once, each as
 *   BENCH_BEGIN(id); read counters; N iterations; read counters;
 *   BENCH_END(id, N, dinstret, dcycle, dtime)
 * then checks that the operations really happened (the device count, the
 * interrupts taken) and shuts down through SRST. It relies only on SBI and
 * the MMIO test device (rvnest/bench.h, README.md), so any host that
 * implements that contract can run the same binary.
 */
#include <rvnest/aia.h>
#include <rvnest/bench.h>
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/image.h>
#include <rvnest/sbi.h>
#include <rvnest/trap_names.h>

#include <stdint.h>
#include <string.h>

#ifndef RVNEST_VERSION
#define RVNEST_VERSION "unknown"
#endif

/* Iteration counts: large enough that per-operation figures are stable,
 * small enough that the nested configuration finishes in seconds. */
#define ITERS_HYPERCALL 1000
#define ITERS_MMIO 1000
#define ITERS_IPI 1000
#define ITERS_VIRQ 500
#define ITERS_GSTAGE_FAULT (L2_FRESH_SIZE / PAGE_SIZE)
#define ITERS_TIMER 200
#define ITERS_COMPUTE 100000
#define ITERS_IPI_REMOTE 200
#define ITERS_RFENCE_REMOTE 200
#define ITERS_IPI_IDLE 200
/* Timer deadline distance in timebase ticks (10 MHz on QEMU virt: 10 us). */
#define TIMER_DELTA_TICKS 100

#define SBI_IPI_SELF_MASK 1ul /* bit 0 of the mask = hart_mask_base */

static unsigned long hartid;

/* Interrupts taken, by kind (written by the trap handler). */
static volatile unsigned long soft_irqs, timer_irqs, ext_irqs;
/* AIA mode (l1-guest-hyp/aia.c): the GPA of this vCPU's IMSIC interrupt
 * file, from the test device's MSI_PAGE register; 0: interrupts come as
 * hvip bits. */
static unsigned long msi_page;

/* ---- the second vCPU ----------------------------------------------------
 * vCPU 1 (hart id SECOND_HART) exists when SBI HSM says so. It is the
 * receiver of the cross-vCPU benchmarks: it idles in WFI, and its IPI
 * handler answers each IPI with an IPI back to vCPU 0, which waits for it
 * in WFI. Every wait is a WFI woken by an interrupt, never a spin on
 * memory: under -icount QEMU runs the harts round-robin in one thread and
 * moves to the next hart only when the running one waits in WFI or its
 * time slice (10^8 instructions) ends; an interrupt raised for another
 * hart does not preempt the running one. So a vCPU that spins holds the
 * machine for a whole slice, and an IPI to a *running* receiver cannot be
 * measured there (README.md). sscratch holds each hart's vCPU index, so
 * the one trap handler knows which one it runs on. */
#define BOOT_HART 0ul
#define SECOND_HART 1ul
/* ipi_idle's receiver when it exists: it serves no other benchmark */
#define THIRD_HART 2ul
#define SECOND_STACK_SIZE 8192
#define SECOND_TLS_SIZE 256

static volatile unsigned long second_irqs;
static volatile unsigned long hart_started[THIRD_HART + 1];
static int have_second;
/* ipi_idle's receiver: THIRD_HART when started, else SECOND_HART */
static unsigned long idle_hart = SECOND_HART;

struct micro_hart_boot {
	unsigned long sp, tp; /* layout fixed by start.S */
};
static struct micro_hart_boot second_boot, third_boot;
static uint8_t second_stack[SECOND_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t second_tls[SECOND_TLS_SIZE] __attribute__((aligned(16)));
static uint8_t third_stack[SECOND_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t third_tls[SECOND_TLS_SIZE] __attribute__((aligned(16)));
extern char __tdata_start[], __tdata_end[], __tls_size[];
extern void micro_secondary_entry(void);

static volatile uint64_t *testdev_reg(unsigned long off)
{
	return (volatile uint64_t *)(TESTDEV_BASE + off);
}

static void __attribute__((noreturn))
fail(const char *msg, unsigned long a, unsigned long b)
{
	printf("RVNEST error msg=%s component=l2-micro got=%lu expected=%lu\n",
	       msg, a, b);
	console_flush();
	sbi_shutdown(1);
}

/* AIA mode: claim every pending identity of the interrupt file, each
 * with one CSRRW of stopei (vstopei in VS-mode), whose read says which
 * pending bit the write cleared (IMSIC "Top external interrupt CSRs"). */
static void claim_msis(void)
{
	unsigned long top;

	while ((top = csr_swap(CSR_STOPEI, 0)) != 0) {
		switch (top >> AIA_TOPEI_ID_SHIFT) {
		case TESTDEV_MSI_ID_IPI:
			soft_irqs++;
			break;
		case TESTDEV_MSI_ID_VIRQ:
			ext_irqs++;
			break;
		default:
			fail("unexpected_msi_identity",
			     top >> AIA_TOPEI_ID_SHIFT, 0);
		}
	}
}

/* AIA mode: this vCPU's file delivers the two identities it uses
 * (siselect/sireg reach its guest file in VS-mode: no exit). */
static void imsic_init(void)
{
	csr_write(CSR_SISELECT, AIA_ISEL_EITHRESHOLD);
	csr_write(CSR_SIREG, 0);
	csr_write(CSR_SISELECT, AIA_ISEL_EIE0);
	csr_write(CSR_SIREG,
		  BIT(TESTDEV_MSI_ID_IPI) | BIT(TESTDEV_MSI_ID_VIRQ));
	csr_write(CSR_SISELECT, AIA_ISEL_EIDELIVERY);
	csr_write(CSR_SIREG, AIA_EIDELIVERY_ON);
}

/* start.S: saves the caller-saved registers and calls micro_trap. */
extern void micro_trap_entry(void);

/* Called from micro_trap_entry with interrupts disabled. */
void micro_trap(unsigned long scause, unsigned long sepc, unsigned long stval);
void micro_trap(unsigned long scause, unsigned long sepc, unsigned long stval)
{
	switch (scause) {
	case CAUSE_INTERRUPT | IRQ_S_SOFT:
		/* The IPI is complete once SSIP is clear (for L1 this clears
		 * hvip.VSSIP, which it checks at the end of the benchmark). */
		csr_clear(CSR_SIP, MIP_SSIP);
		if (csr_read(CSR_SSCRATCH) != BOOT_HART) {
			/* the receiver: answer with an IPI back, after the
			 * clear (the sender waits for it) */
			second_irqs++;
			if (sbi_send_ipi(1ul, BOOT_HART))
				fail("send_ipi_back_failed", 0, 0);
			return;
		}
		soft_irqs++;
		return;
	case CAUSE_INTERRUPT | IRQ_S_TIMER:
		/* As Linux does: mask the timer until the next SBI set_timer,
		 * which is what clears the pending bit (SBI "Timer"). */
		csr_clear(CSR_SIE, MIP_STIP);
		timer_irqs++;
		return;
	case CAUSE_INTERRUPT | IRQ_S_EXT:
		if (msi_page) {
			claim_msis();
			return;
		}
		/* Completion: the device deasserts its line on ACK. */
		*testdev_reg(TESTDEV_REG_IRQ_ACK) = 1;
		ext_irqs++;
		return;
	default:
		printf("RVNEST error msg=l2_unexpected_trap cause=%s "
		       "scause=0x%lx "
		       "sepc=0x%lx stval=0x%lx\n",
		       trap_cause_name(scause), scause, sepc, stval);
		console_flush();
		sbi_shutdown(1);
	}
}

/* ---- the benchmark bodies: exactly one operation per iteration --------- */

static void body_hypercall(unsigned long n)
{
	unsigned long failures = 0;

	for (unsigned long i = 0; i < n; i++)
		failures +=
			sbi_call0(SBI_EXT_RVNEST, SBI_RVNEST_NOP).error != 0;
	if (failures)
		fail("hypercall_nop_failed", failures, 0);
}

static void body_mmio(unsigned long n)
{
	volatile uint64_t *scratch = testdev_reg(TESTDEV_REG_SCRATCH);

	/* one load and one store to the emulated device per iteration */
	for (unsigned long i = 0; i < n; i++)
		*scratch = *scratch + 1;
}

static void body_ipi(unsigned long n)
{
	if (msi_page) {
		/* AIA mode: an IPI is an MSI the sender writes into the
		 * target's interrupt file, here its own (as Linux's IMSIC
		 * driver does); taken after the store */
		for (unsigned long i = 0; i < n; i++)
			*(volatile uint32_t *)(msi_page +
					       AIA_IMSIC_SETEIPNUM_LE) =
				TESTDEV_MSI_ID_IPI;
		return;
	}
	for (unsigned long i = 0; i < n; i++) {
		/* The interrupt is pending and enabled when the ecall
		 * returns, so it is taken before the next instruction. */
		if (sbi_send_ipi(SBI_IPI_SELF_MASK, hartid))
			fail("send_ipi_failed", i, n);
	}
}

static void body_virq(unsigned long n)
{
	volatile uint64_t *raise = testdev_reg(TESTDEV_REG_IRQ_RAISE);

	for (unsigned long i = 0; i < n; i++)
		*raise = 1;
}

static void body_gstage_fault(unsigned long n)
{
	/* First touch of each page: one store per fresh page. */
	for (unsigned long i = 0; i < n; i++)
		*(volatile unsigned long *)(L2_FRESH_BASE + i * PAGE_SIZE) = i;
}

static void body_timer(unsigned long n)
{
	/* Wait with SIE clear so the interrupt cannot slip in between the
	 * check and the WFI (WFI wakes on a pending interrupt even when
	 * sstatus.SIE=0: "Wait for Interrupt"); then open SIE for one
	 * instruction to take it. */
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	for (unsigned long i = 0; i < n; i++) {
		unsigned long seen = timer_irqs;

		if (sbi_set_timer(rd_time() + TIMER_DELTA_TICKS))
			fail("set_timer_failed", i, n);
		csr_set(CSR_SIE, MIP_STIP);
		while (timer_irqs == seen) {
			wfi();
			csr_set(CSR_SSTATUS, SSTATUS_SIE);
			csr_clear(CSR_SSTATUS, SSTATUS_SIE);
		}
	}
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
}

/* Wait with SIE clear until the handler has counted one more interrupt in
 * *count (WFI wakes on a pending interrupt even when sstatus.SIE=0: "Wait
 * for Interrupt"); then open SIE for one instruction to take it. */
static void wait_irq(volatile unsigned long *count, unsigned long seen)
{
	while (*count == seen) {
		wfi();
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	}
}

/* One IPI to vCPU 1 until its handler's IPI back has arrived: the cost to
 * the receiver's handler and back. */
static void ipi_round_trip(unsigned long i, unsigned long n)
{
	unsigned long seen = soft_irqs;

	if (sbi_send_ipi(1ul, SECOND_HART))
		fail("send_ipi_remote_failed", i, n);
	wait_irq(&soft_irqs, seen);
}

static void body_ipi_remote(unsigned long n)
{
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	for (unsigned long i = 0; i < n; i++)
		ipi_round_trip(i, n);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
}

/* ipi_idle: the same handshake to idle_hart, which has waited in WFI
 * since it started */
static void body_ipi_idle(unsigned long n)
{
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	for (unsigned long i = 0; i < n; i++) {
		unsigned long seen = soft_irqs;

		if (sbi_send_ipi(1ul, idle_hart))
			fail("send_ipi_idle_failed", i, n);
		wait_irq(&soft_irqs, seen);
	}
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
}

static void body_rfence_remote(unsigned long n)
{
	/* One page of vCPU 1's VS-stage; the call returns once vCPU 1 has
	 * fenced (SBI "Remote SFENCE.VMA"). */
	for (unsigned long i = 0; i < n; i++) {
		struct sbiret r = sbi_ecall(
			SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 1ul,
			SECOND_HART, L2_RAM_BASE, PAGE_SIZE, 0, 0);
		if (r.error)
			fail("remote_sfence_vma_failed", i, n);
	}
}

static unsigned long compute_sink;

static void body_compute(unsigned long n)
{
	/* An LCG (Knuth's MMIX constants): arithmetic only, no exits. */
	unsigned long x = n;

	for (unsigned long i = 0; i < n; i++) {
		x = x * 6364136223846793005ul + 1442695040888963407ul;
		__asm__ __volatile__("" : "+r"(x));
	}
	compute_sink = x;
}

/* ---- checks after each benchmark (outside the measured window) -------- */

static void check_mmio(unsigned long n)
{
	uint64_t v = *testdev_reg(TESTDEV_REG_SCRATCH);

	if (v != n)
		fail("mmio_scratch_mismatch", (unsigned long)v, n);
}

static void check_ipi(unsigned long n)
{
	if (soft_irqs != n)
		fail("ipi_count_mismatch", soft_irqs, n);
}

static void check_virq(unsigned long n)
{
	uint64_t raised = *testdev_reg(TESTDEV_REG_IRQ_COUNT);

	if (ext_irqs != n)
		fail("virq_count_mismatch", ext_irqs, n);
	if (raised != n)
		fail("virq_device_count_mismatch", (unsigned long)raised, n);
}

static void check_gstage_fault(unsigned long n)
{
	/* Each page must be its own, holding what was stored. */
	for (unsigned long i = 0; i < n; i++) {
		unsigned long v = *(volatile unsigned long *)(L2_FRESH_BASE +
							      i * PAGE_SIZE);
		if (v != i)
			fail("fresh_page_content_mismatch", v, i);
	}
}

static void check_timer(unsigned long n)
{
	if (timer_irqs != n)
		fail("timer_count_mismatch", timer_irqs, n);
	/* Disarm the timer (outside the window): its last deadline has
	 * passed, and a host that keeps it pending (KVM with Sstc) would
	 * otherwise end every later WFI at once. */
	if (sbi_set_timer(~0ul))
		fail("set_timer_failed", 0, 0);
}

static void setup_mmio(void)
{
	*testdev_reg(TESTDEV_REG_SCRATCH) = 0;
}

static void setup_ipi(void)
{
	soft_irqs = 0;
}

static void setup_round_trips(void)
{
	soft_irqs = 0;
	second_irqs = 0;
}

static void check_round_trips(unsigned long n)
{
	if (second_irqs != n)
		fail("ipi_remote_receiver_count_mismatch", second_irqs, n);
	if (soft_irqs != n)
		fail("ipi_remote_back_count_mismatch", soft_irqs, n);
}

struct bench {
	enum bench_id id;
	unsigned long iters;
	void (*setup)(void);
	void (*body)(unsigned long n);
	void (*check)(unsigned long n);
};

/* Run order: the table order. To add a benchmark, add its id and name in
 * rvnest/bench.h, a row here, and (if L1 must do something new) its exit
 * handling in l1-guest-hyp. */
static const struct bench benches[] = {
	{BENCH_HYPERCALL, ITERS_HYPERCALL, NULL, body_hypercall, NULL},
	{BENCH_MMIO, ITERS_MMIO, setup_mmio, body_mmio, check_mmio},
	{BENCH_IPI, ITERS_IPI, setup_ipi, body_ipi, check_ipi},
	{BENCH_VIRQ, ITERS_VIRQ, NULL, body_virq, check_virq},
	{BENCH_GSTAGE_FAULT, ITERS_GSTAGE_FAULT, NULL, body_gstage_fault,
	 check_gstage_fault},
	{BENCH_TIMER, ITERS_TIMER, NULL, body_timer, check_timer},
	{BENCH_COMPUTE, ITERS_COMPUTE, NULL, body_compute, NULL},
	/* from BENCH_SMP_FIRST on: only with a second vCPU */
	{BENCH_IPI_REMOTE, ITERS_IPI_REMOTE, setup_round_trips, body_ipi_remote,
	 check_round_trips},
	{BENCH_RFENCE_REMOTE, ITERS_RFENCE_REMOTE, setup_round_trips,
	 body_rfence_remote, NULL},
	{BENCH_IPI_IDLE, ITERS_IPI_IDLE, setup_round_trips, body_ipi_idle,
	 check_round_trips},
};

/* Set at boot when the host counts instret across each window itself
 * (SBI_RVNEST_BENCH_HOST_INSTRET): then every benchmark is preceded by an
 * empty window that the host subtracts. */
static int host_counts_instret;

/*
 * One benchmark: the window, preceded by the empty one when the host asks.
 * Both windows run the same instructions from the return of their opening
 * ecall to their closing ecall (the same two ecall sites; only the data
 * differ: the function IDs and n), so the host's difference of the two is
 * exactly the instructions of `iters` iterations, at every level.
 */
static void run(const struct bench *b)
{
	unsigned long i0, c0, t0, i1, c1, t1;
	struct sbiret r;

	if (b->setup)
		b->setup();
	for (int pass = host_counts_instret ? 0 : 1; pass < 2; pass++) {
		/* pass 0: the empty window; pass 1: the benchmark */
		unsigned long n = pass ? b->iters : 0;
		unsigned long open = pass ? SBI_RVNEST_BENCH_BEGIN
					  : SBI_RVNEST_BENCH_EMPTY_BEGIN;
		unsigned long close = pass ? SBI_RVNEST_BENCH_END
					   : SBI_RVNEST_BENCH_EMPTY_END;

		r = sbi_call1(SBI_EXT_RVNEST, open, b->id);
		if (r.error)
			fail("bench_begin_failed", (unsigned long)-r.error, 0);
		i0 = rd_instret();
		c0 = rd_cycle();
		t0 = rd_time();
		b->body(n);
		i1 = rd_instret();
		c1 = rd_cycle();
		t1 = rd_time();
		i1 -= i0;
		c1 -= c0;
		t1 -= t0;
		r = sbi_ecall(SBI_EXT_RVNEST, close, b->id, n, i1, c1, t1, 0);
		if (r.error)
			fail("bench_end_failed", (unsigned long)-r.error, 0);
	}
	if (b->check)
		b->check(b->iters);
}

/* vCPU 1: receive IPIs until the run ends (vCPU 0's SRST). */
void __attribute__((noreturn)) micro_secondary_main(unsigned long hart);
void micro_secondary_main(unsigned long hart)
{
	csr_write(CSR_STVEC, (unsigned long)micro_trap_entry);
	csr_write(CSR_SSCRATCH, hart);
	csr_set(CSR_SIE, MIP_SSIP);
	if (hart <= THIRD_HART)
		__atomic_store_n(&hart_started[hart], 1, __ATOMIC_RELEASE);
	if (sbi_send_ipi(1ul, BOOT_HART))
		fail("send_ipi_started_failed", 0, 0);
	/* idle: WFI with SIE clear, then take what woke it */
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	for (;;) {
		wfi();
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	}
}

/* Start vCPU `hart` if the host has one (SBI HSM hart_get_status answers
 * for it) and wait until it runs (it says so with an IPI): true when it
 * does. */
static int start_hart(unsigned long hart, struct micro_hart_boot *boot,
		      uint8_t *stack, unsigned long stack_size, uint8_t *tls)
{
	unsigned long tls_size = (unsigned long)__tls_size, seen = soft_irqs;
	struct sbiret r;

	if (sbi_probe(SBI_EXT_HSM) <= 0)
		return 0;
	r = sbi_call1(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, hart);
	if (r.error)
		return 0; /* SBI_ERR_INVALID_PARAM: no such hart */
	if (r.value != SBI_HSM_STATE_STOPPED) {
		/* Only this hart starts the others, so at boot a real one is
		 * STOPPED. Linux 6.12's KVM answers success and STARTED (0)
		 * for a hart the VM does not have (kvm-l0-612): no vCPU to
		 * start. */
		printf("l2-micro: SBI HSM says hart %lu has state %lu, not "
		       "STOPPED: not started\n",
		       hart, r.value);
		return 0;
	}
	if (tls_size > SECOND_TLS_SIZE)
		fail("second_tls_too_small", tls_size, SECOND_TLS_SIZE);
	/* its own TLS block, as crt0 seeds the boot hart's */
	memcpy(tls, __tdata_start,
	       (unsigned long)(__tdata_end - __tdata_start));
	boot->sp = (unsigned long)stack + stack_size;
	boot->tp = (unsigned long)tls;
	r = sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_START, hart,
		      (unsigned long)micro_secondary_entry, (unsigned long)boot,
		      0, 0, 0);
	if (r.error)
		fail("second_vcpu_start_failed", (unsigned long)-r.error, hart);
	wait_irq(&soft_irqs, seen);
	if (!__atomic_load_n(&hart_started[hart], __ATOMIC_ACQUIRE))
		fail("second_vcpu_ipi_before_start", hart, 1);
	return 1;
}

/* vCPU 1 for the cross-vCPU benchmarks, and vCPU 2 (ipi_idle's receiver)
 * when there is one. */
static void start_second(void)
{
	have_second = start_hart(SECOND_HART, &second_boot, second_stack,
				 sizeof(second_stack), second_tls);
	if (have_second && start_hart(THIRD_HART, &third_boot, third_stack,
				      sizeof(third_stack), third_tls))
		idle_hart = THIRD_HART;
}

void image_main(unsigned long hart, unsigned long dtb)
{
	unsigned nbench;
	struct sbiret host;
	uint64_t id;

	/* The one trap entry (start.S); direct mode, so its address is
	 * 4-byte aligned ("Supervisor Trap Vector Base Address"). */
	csr_write(CSR_STVEC, (unsigned long)micro_trap_entry);
	csr_write(CSR_SSCRATCH, hart);
	hartid = hart;
	console_init_sbi();
	printf("RVNEST boot component=l2-micro version=%s hart=%lu dtb=0x%lx\n",
	       RVNEST_VERSION, hart, dtb);
	if (sbi_probe(SBI_EXT_RVNEST) <= 0)
		fail("no_rvnest_sbi_extension", 0, 1);
	host = sbi_call0(SBI_EXT_RVNEST, SBI_RVNEST_BENCH_HOST_INSTRET);
	host_counts_instret = !host.error && host.value == 1;
	id = *testdev_reg(TESTDEV_REG_ID);
	if (id != TESTDEV_MAGIC)
		fail("testdev_id_mismatch", (unsigned long)id, TESTDEV_MAGIC);

	msi_page = (unsigned long)*testdev_reg(TESTDEV_REG_MSI_PAGE);
	if (msi_page) {
		imsic_init();
		printf("l2-micro: interrupts as MSIs into the IMSIC file at "
		       "0x%lx\n",
		       msi_page);
	}
	/* Interrupts the benchmarks use; each fires only when asked for. */
	csr_set(CSR_SIE, MIP_SSIP | MIP_SEIP);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);

	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	start_second();
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	nbench = have_second ? sizeof(benches) / sizeof(benches[0])
			     : BENCH_SMP_FIRST;
	for (unsigned i = 0; i < nbench; i++)
		run(&benches[i]);

	printf("l2-micro: all %u benchmarks done (ipi_idle to hart %lu)\n",
	       nbench, have_second ? idle_hart : 0);
	console_flush();
	sbi_shutdown(0);
}
