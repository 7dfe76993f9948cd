/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L2 passdev guest: the guest of a partitioning hypervisor. Its L1
 * (l1-guest-hyp rvnest.passdev=1) hands it L1's UART page and one context
 * of L1's PLIC (rvnest/passdev.h). It prints through the UART page only,
 * checks that accesses L1 does not allow are L1's faults, takes the UART's
 * interrupt through the PLIC context PASSDEV_IRQ_ROUNDS times, and runs
 * two benchmarks: accesses to the passed-through UART and to the PLIC
 * context page (which L0 emulates on L1's behalf when nested).
 */
#include <rvnest/bench.h>
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/image.h>
#include <rvnest/passdev.h>
#include <rvnest/sbi.h>
#include <rvnest/trap_names.h>

#include <stdint.h>

#ifndef RVNEST_VERSION
#define RVNEST_VERSION "unknown"
#endif

/* Bounded waits (loop iterations): a missing interrupt or a stuck UART is
 * a reported failure, never a hang. */
#define WAIT_LIMIT 1000000ul

static volatile uint8_t *uart(unsigned long off)
{
	return (volatile uint8_t *)(PASSDEV_UART_GPA + off);
}

static volatile uint32_t *plic(unsigned long off)
{
	return (volatile uint32_t *)(PASSDEV_PLIC_CTX_GPA + off);
}

/* The console: the UART page itself (16550: wait for THR empty, write).
 * "\n" goes out as "\r\n", as OpenSBI's console does for L1. */
static void uart_putc(char c)
{
	for (unsigned long n = 0; n < WAIT_LIMIT; n++)
		if (*uart(PASSDEV_UART_LSR) & PASSDEV_UART_LSR_THRE)
			break;
	*uart(PASSDEV_UART_THR) = (uint8_t)c;
}

static void uart_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			uart_putc('\r');
		uart_putc(buf[i]);
	}
}

static void __attribute__((noreturn))
fail(const char *msg, unsigned long a, unsigned long b)
{
	printf("RVNEST error msg=%s component=l2-passdev got=0x%lx "
	       "expected=0x%lx\n",
	       msg, a, b);
	console_flush();
	sbi_shutdown(1);
}

/* What the handler saw, for the main loop to print. */
static volatile unsigned long ext_irqs, last_source, last_iir;

/* guests/micro/start.S (linked in): the one trap entry; it saves the
 * caller-saved registers and calls micro_trap. */
extern void micro_trap_entry(void);
void micro_trap(unsigned long scause, unsigned long sepc, unsigned long stval);
void micro_trap(unsigned long scause, unsigned long sepc, unsigned long stval)
{
	uint32_t src;

	if (scause != (CAUSE_INTERRUPT | IRQ_S_EXT)) {
		printf("RVNEST error msg=l2_unexpected_trap cause=%s "
		       "scause=0x%lx sepc=0x%lx stval=0x%lx\n",
		       trap_cause_name(scause), scause, sepc, stval);
		console_flush();
		sbi_shutdown(1);
	}
	/* PLIC "Interrupt Claim Process": the claim returns the highest
	 * pending source of this context and clears its pending bit */
	src = *plic(PASSDEV_PLIC_CLAIM);
	/* the UART's THR-empty interrupt is cleared by reading IIR (16550);
	 * with IER 0 it stays low after that */
	last_iir = *uart(PASSDEV_UART_IIR);
	*uart(PASSDEV_UART_IER) = 0;
	/* "Interrupt Completion": write the claimed source back */
	if (src)
		*plic(PASSDEV_PLIC_CLAIM) = src;
	last_source = src;
	/* L1 holds VSEIP until L2's next exit (its SBI call in the main
	 * loop), as a partitioning hypervisor without AIA does: mask until
	 * then, or the still-pending VSEIP would be taken again */
	csr_clear(CSR_SIE, MIP_SEIP);
	ext_irqs++;
}

/* An access L1 must see as its fault (L1 steps over it): a 32-bit store
 * and load with fixed registers, so the loaded register keeps its marker
 * value when L1 skips the load. */
static void store_faulting(unsigned long addr, unsigned long val)
{
	__asm__ __volatile__(".option push\n.option norvc\n"
			     "sb %1, 0(%0)\n"
			     ".option pop"
			     :
			     : "r"(addr), "r"(val)
			     : "memory");
}

static unsigned long load_faulting(unsigned long addr)
{
	register unsigned long t0 __asm__("t0") = 0x1234;

	__asm__ __volatile__(".option push\n.option norvc\n"
			     "lw %0, 0(%1)\n"
			     ".option pop"
			     : "+r"(t0)
			     : "r"(addr)
			     : "memory");
	return t0;
}

static void faults_are_l1s(void)
{
	unsigned long v, old;

	/* the read-only alias of the UART: a store is L1's store
	 * guest-page fault; a load reads the device */
	*uart(PASSDEV_UART_SCR) = 0x5a;
	store_faulting(PASSDEV_UART_RO_GPA + PASSDEV_UART_SCR, 0xa5);
	v = *(volatile uint8_t *)(PASSDEV_UART_RO_GPA + PASSDEV_UART_SCR);
	if (v != 0x5a)
		fail("uart_ro_store_was_not_stopped", v, 0x5a);
	printf("l2-passdev: read-only UART page: store stopped by L1, "
	       "scratch 0x%lx\n",
	       v);
	/* an L2 GPA L1 maps to nothing */
	v = load_faulting(PASSDEV_HOLE_GPA + 0x10);
	if (v != 0x1234)
		fail("hole_load_returned_data", v, 0x1234);
	printf("l2-passdev: hole: load stopped by L1, register kept 0x%lx\n",
	       v);
	/* the read-only alias of the PLIC context: the store is L1's fault,
	 * not emulated; the threshold keeps its value (whatever the
	 * firmware or L0 left there: not printed) */
	old = *plic(PASSDEV_PLIC_THRESHOLD);
	store_faulting(PASSDEV_PLIC_CTX_RO_GPA + PASSDEV_PLIC_THRESHOLD,
		       old ^ 1);
	v = *(volatile uint32_t *)(PASSDEV_PLIC_CTX_RO_GPA +
				   PASSDEV_PLIC_THRESHOLD);
	if (v != old)
		fail("plic_ro_store_was_not_stopped", v, old);
	printf("l2-passdev: read-only PLIC context page: store stopped by L1, "
	       "threshold unchanged\n");
	/* the executable UART alias: a call there faults on the fetch (the
	 * device is not executable), L1 returns L2 to after the call */
	((void (*)(void))PASSDEV_UART_X_GPA)();
	printf("l2-passdev: fetch from the UART page stopped by L1\n");
}

/* The UART raises its THR-empty interrupt as soon as it is enabled; it
 * reaches L2 through L1's PLIC context (L1 injects VSEIP). */
static void interrupts(void)
{
	*plic(PASSDEV_PLIC_THRESHOLD) = 0;
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	for (unsigned long r = 0; r < PASSDEV_IRQ_ROUNDS; r++) {
		unsigned long n = 0;

		csr_set(CSR_SIE, MIP_SEIP);
		*uart(PASSDEV_UART_IER) = PASSDEV_UART_IER_THRI;
		while (ext_irqs == r && n < WAIT_LIMIT)
			n++;
		if (ext_irqs != r + 1)
			fail("uart_interrupt_not_taken", ext_irqs, r + 1);
		if (!last_source)
			fail("plic_claim_returned_nothing", 0, 1);
		/* an exit, at which L1 sees its line low and takes VSEIP
		 * back (l1-guest-hyp/passdev.c) */
		if (sbi_call0(SBI_EXT_RVNEST, SBI_RVNEST_NOP).error)
			fail("nop_failed", 0, 0);
		printf("l2-passdev: interrupt %lu: PLIC source %lu claimed and "
		       "completed through the context page, UART IIR 0x%lx, "
		       "IIR now 0x%x\n",
		       r + 1, last_source, last_iir,
		       *uart(PASSDEV_UART_IIR) & 0xf);
	}
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
}

/* ---- benchmarks: one device access per iteration -------------------
 * Even iterations store, odd ones load back what was stored, so an
 * operation is one access and half of them are loads. */

static void body_passthrough(unsigned long n)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i < n; i++) {
		if (i & 1)
			bad += *uart(PASSDEV_UART_SCR) != (uint8_t)(i - 1);
		else
			*uart(PASSDEV_UART_SCR) = (uint8_t)i;
	}
	if (bad)
		fail("uart_scratch_mismatch", bad, 0);
}

static void body_emulated(unsigned long n)
{
	unsigned long bad = 0;

	/* the threshold is a 3-bit field on QEMU's PLIC (priorities 0-7) */
	for (unsigned long i = 0; i < n; i++) {
		if (i & 1)
			bad += *plic(PASSDEV_PLIC_THRESHOLD) != ((i - 1) & 6);
		else
			*plic(PASSDEV_PLIC_THRESHOLD) = (uint32_t)(i & 6);
	}
	if (bad)
		fail("plic_threshold_mismatch", bad, 0);
}

static void bench(enum bench_id id, void (*body)(unsigned long))
{
	unsigned long i0, c0, t0, i1, c1, t1;
	struct sbiret r;

	r = sbi_call1(SBI_EXT_RVNEST, SBI_RVNEST_BENCH_BEGIN, id);
	if (r.error)
		fail("bench_begin_failed", (unsigned long)r.error, 0);
	i0 = rd_instret();
	c0 = rd_cycle();
	t0 = rd_time();
	body(PASSDEV_BENCH_ITERS);
	i1 = rd_instret();
	c1 = rd_cycle();
	t1 = rd_time();
	r = sbi_ecall(SBI_EXT_RVNEST, SBI_RVNEST_BENCH_END, id,
		      PASSDEV_BENCH_ITERS, i1 - i0, c1 - c0, t1 - t0, 0);
	if (r.error)
		fail("bench_end_failed", (unsigned long)r.error, 0);
}

/* guests/micro's start.S, which this guest shares, has the entry of a
 * secondary vCPU; passdev never starts one (one vCPU: rvnest/passdev.h), so
 * a hart that arrives here was started by someone else: an error. */
void __attribute__((noreturn)) micro_secondary_main(unsigned long hart);
void micro_secondary_main(unsigned long hart)
{
	fail("passdev_runs_on_one_vcpu", hart, 0);
}

void image_main(unsigned long hart, unsigned long dtb)
{
	csr_write(CSR_STVEC, (unsigned long)micro_trap_entry);
	console_set_backend(uart_write);
	printf("RVNEST boot component=l2-passdev version=%s hart=%lu "
	       "dtb=0x%lx\n",
	       RVNEST_VERSION, hart, dtb);
	printf("l2-passdev: this line went through the UART page L1 passed "
	       "through\n");
	faults_are_l1s();
	interrupts();
	bench(BENCH_DEV_PASSTHROUGH, body_passthrough);
	bench(BENCH_DEV_EMULATED, body_emulated);
	*plic(PASSDEV_PLIC_THRESHOLD) = 0; /* outside the window */
	printf("l2-passdev: done\n");
	console_flush();
	sbi_shutdown(0);
}
