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
#include <rvnest/bench.h>
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/image.h>
#include <rvnest/sbi.h>
#include <rvnest/trap_names.h>

#include <stdint.h>

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
/* Timer deadline distance in timebase ticks (10 MHz on QEMU virt: 10 us). */
#define TIMER_DELTA_TICKS 100

#define SBI_IPI_SELF_MASK 1ul /* bit 0 of the mask = hart_mask_base */

static unsigned long hartid;

/* Interrupts taken, by kind (written by the trap handler). */
static volatile unsigned long soft_irqs, timer_irqs, ext_irqs;

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
		soft_irqs++;
		return;
	case CAUSE_INTERRUPT | IRQ_S_TIMER:
		/* As Linux does: mask the timer until the next SBI set_timer,
		 * which is what clears the pending bit (SBI "Timer"). */
		csr_clear(CSR_SIE, MIP_STIP);
		timer_irqs++;
		return;
	case CAUSE_INTERRUPT | IRQ_S_EXT:
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
}

static void setup_mmio(void)
{
	*testdev_reg(TESTDEV_REG_SCRATCH) = 0;
}

static void setup_ipi(void)
{
	soft_irqs = 0;
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
		r = sbi_ecall(SBI_EXT_RVNEST, close, b->id, n, i1 - i0, c1 - c0,
			      t1 - t0, 0);
		if (r.error)
			fail("bench_end_failed", (unsigned long)-r.error, 0);
	}
	if (b->check)
		b->check(b->iters);
}

void image_main(unsigned long hart, unsigned long dtb)
{
	struct sbiret host;
	uint64_t id;

	/* The one trap entry (start.S); direct mode, so its address is
	 * 4-byte aligned ("Supervisor Trap Vector Base Address"). */
	csr_write(CSR_STVEC, (unsigned long)micro_trap_entry);
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

	/* Interrupts the benchmarks use; each fires only when asked for. */
	csr_set(CSR_SIE, MIP_SSIP | MIP_SEIP);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);

	for (unsigned i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
		run(&benches[i]);

	printf("l2-micro: all %u benchmarks done\n",
	       (unsigned)(sizeof(benches) / sizeof(benches[0])));
	console_flush();
	sbi_shutdown(0);
}
