/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L0's smoke test: an ordinary S-mode payload written for OpenSBI. It
 * checks what L0 promises an ordinary guest, each check printing
 * "payload: <name> ok|FAIL ..." and the run ending with
 * "RVNEST done status=<number of failures>" and SBI SRST:
 *   - boot hand-over: a0 = hart ID, a1 = a valid DTB whose memory node is
 *     the RAM the payload runs in;
 *   - the SBI timer interrupt arrives (and not before its deadline);
 *   - a retentive HSM suspend returns once the armed timer is pending
 *     (with interrupts globally off, so the hart only wakes), and a
 *     non-retentive one resumes at its resume address with a0/a1 set;
 *   - the PLIC answers through L0's emulation (priority register
 *     round-trip, WARL mask, a claim with nothing pending reads 0);
 *   - loads and stores outside its memory raise the architectural access
 *     faults, with stval = the address, and execution continues;
 *   - a BENCH_BEGIN/BENCH_END bracket (rvnest SBI extension) around
 *     PAYLOAD_NOPS null hypercalls, so L0 reports that window (on OpenSBI
 *     the extension is absent and nothing is printed);
 *   - the DT's two ISA forms (riscv,isa and riscv,isa-extensions) agree;
 *     both are printed, so a test can see what the hart is said to have.
 * Run directly on OpenSBI it passes too (the faults then come from PMP /
 * the bus), which is the point: L0 must be indistinguishable.
 */
#include <libfdt.h>
#include <rvnest/bench.h>
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/sbi.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void payload_main(unsigned long hartid, unsigned long dtb);
void payload_resumed(unsigned long hartid, unsigned long opaque);
void payload_trap_handler(void);

/* An address with no memory and no device behind it on QEMU virt (between
 * fw-cfg and the flash banks). */
#define HOLE_ADDR 0x18000000UL
/* PLIC memory map (PLIC spec): source priorities at 4*source, context
 * registers from 0x200000 in 0x1000 strides, claim/complete at +4. On virt
 * hart 0's S-mode context is context 1 (0 is its M-mode). */
#define PLIC_PRIO_UART_OFF (10 * 4) /* source 10: the virt UART */
#define PLIC_CONTEXT_BASE 0x200000
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_CONTEXT_CLAIM 4
#define PLIC_S_CONTEXT 1
#define PLIC_PRIO_MAX 7 /* 3 priority bits on QEMU virt */
#define TIMER_TICKS 10000UL
#define PAYLOAD_NOPS 10

static volatile unsigned long timer_irqs, faults, last_cause, last_tval;
static volatile unsigned long expected_fault_skip;
static int failures;

static void check(const char *name, int ok, const char *fmt, unsigned long a,
		  unsigned long b)
{
	printf("payload: %s %s ", name, ok ? "ok" : "FAIL");
	printf(fmt, a, b);
	printf("\n");
	if (!ok)
		failures++;
}

void payload_trap_handler(void)
{
	unsigned long cause = csr_read(CSR_SCAUSE);

	if (cause == (CAUSE_INTERRUPT | IRQ_S_TIMER)) {
		timer_irqs++;
		sbi_set_timer(~0UL); /* clears the pending bit */
		return;
	}
	if (!(cause & CAUSE_INTERRUPT) && expected_fault_skip) {
		faults++;
		last_cause = cause;
		last_tval = csr_read(CSR_STVAL);
		/* step over the faulting 4-byte load/store */
		unsigned long epc = csr_read(CSR_SEPC);

		csr_write(CSR_SEPC, epc + expected_fault_skip);
		return;
	}
	printf("payload: unexpected trap scause=0x%lx sepc=0x%lx stval=0x%lx\n",
	       cause, csr_read(CSR_SEPC), csr_read(CSR_STVAL));
	printf("RVNEST done status=1\n");
	console_flush();
	sbi_shutdown(1);
}

static void test_dtb(unsigned long dtb)
{
	const void *fdt = (const void *)dtb;
	int mem, len;
	const fdt32_t *reg;
	uint64_t base = 0, size = 0;
	extern char _start[];

	check("dtb_header", fdt_check_header(fdt) == 0, "at 0x%lx%.0lu", dtb,
	      0);
	mem = fdt_path_offset(fdt, "/memory@80000000");
	if (mem < 0)
		mem = fdt_node_offset_by_prop_value(fdt, -1, "device_type",
						    "memory", 7);
	reg = mem >= 0 ? fdt_getprop(fdt, mem, "reg", &len) : NULL;
	if (reg && len == 16) {
		base = ((uint64_t)fdt32_to_cpu(reg[0]) << 32) |
		       fdt32_to_cpu(reg[1]);
		size = ((uint64_t)fdt32_to_cpu(reg[2]) << 32) |
		       fdt32_to_cpu(reg[3]);
	}
	check("dtb_memory",
	      (unsigned long)_start >= base &&
		      (unsigned long)_start < base + size && dtb >= base &&
		      dtb < base + size,
	      "base=0x%lx size=0x%lx", (unsigned long)base,
	      (unsigned long)size);
}

/* Is `ext` in the riscv,isa string? Single letters live in the part
 * before the first '_' (after "rv64"), longer names are '_'-separated. */
static int isa_string_has(const char *isa, const char *ext)
{
	size_t n = strlen(ext);
	const char *p;

	if (strncmp(isa, "rv64", 4))
		return 0;
	if (n == 1) {
		for (p = isa + 4; *p && *p != '_'; p++)
			if (*p == ext[0])
				return 1;
		return 0;
	}
	for (p = strchr(isa, '_'); p; p = strchr(p + 1, '_'))
		if (!strncmp(p + 1, ext, n) && (p[n + 1] == '_' || !p[n + 1]))
			return 1;
	return 0;
}

static void test_isa(unsigned long dtb)
{
	const void *fdt = (const void *)dtb;
	int cpu = fdt_path_offset(fdt, "/cpus/cpu@0"), len, missing = 0, n = 0;
	const char *isa =
		cpu >= 0 ? fdt_getprop(fdt, cpu, "riscv,isa", NULL) : NULL;
	const char *ext =
		cpu >= 0 ? fdt_getprop(fdt, cpu, "riscv,isa-extensions", &len)
			 : NULL;

	if (!isa || !ext) {
		check("isa_forms_agree", 0, "isa=%p extensions=%p", (long)isa,
		      (long)ext);
		return;
	}
	printf("payload: isa string=%s\npayload: isa extensions=", isa);
	for (const char *e = ext; e < ext + len; e += strlen(e) + 1) {
		printf("%s%s", n++ ? "," : "", e);
		if (!isa_string_has(isa, e))
			missing++;
	}
	printf("\n");
	check("isa_forms_agree", missing == 0, "extensions=%d missing=%d", n,
	      missing);
}

static void test_timer(void)
{
	unsigned long t0 = rd_time(), deadline = t0 + TIMER_TICKS, now;

	csr_set(CSR_SIE, MIP_STIP);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	sbi_set_timer(deadline);
	do {
		now = rd_time();
	} while (!timer_irqs && now - t0 < 1000 * TIMER_TICKS);
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	check("sbi_timer", timer_irqs == 1 && now >= deadline,
	      "irqs=%lu late_by=%ld", timer_irqs,
	      (unsigned long)(now - deadline));
}

static void test_suspend(void)
{
	unsigned long t0 = rd_time(), deadline = t0 + TIMER_TICKS, now;
	struct sbiret r;

	/* STIE on, SIE off: the pending timer wakes the hart but is not
	 * taken (SBI spec HSM "sbi_hart_suspend": retentive suspend returns
	 * when an interrupt is pending, as WFI would) */
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_set(CSR_SIE, MIP_STIP);
	sbi_set_timer(deadline);
	r = sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND,
		      SBI_HSM_SUSPEND_RET_DEFAULT, 0, 0, 0, 0, 0);
	now = rd_time();
	check("hsm_suspend_retentive",
	      r.error == 0 && now >= deadline && (csr_read(CSR_SIP) & MIP_STIP),
	      "error=%ld woke_after=%lu", (unsigned long)r.error, now - t0);
	sbi_set_timer(~0UL);
	csr_clear(CSR_SIE, MIP_STIP);
}

static unsigned long plic_base(unsigned long dtb)
{
	int node = fdt_node_offset_by_compatible((const void *)dtb, -1,
						 "riscv,plic0");
	const fdt32_t *reg;
	int len;

	if (node < 0)
		return 0;
	reg = fdt_getprop((const void *)dtb, node, "reg", &len);
	if (!reg || len < 8)
		return 0;
	return ((unsigned long)fdt32_to_cpu(reg[0]) << 32) |
	       fdt32_to_cpu(reg[1]);
}

static void test_plic(unsigned long dtb)
{
	unsigned long base = plic_base(dtb);
	volatile uint32_t *prio, *claim;
	uint32_t r1, r2, c;

	check("plic_in_dt", base != 0, "base=0x%lx%.0lu", base, 0);
	if (!base)
		return;
	prio = (volatile uint32_t *)(base + PLIC_PRIO_UART_OFF);
	claim = (volatile uint32_t *)(base + PLIC_CONTEXT_BASE +
				      PLIC_S_CONTEXT * PLIC_CONTEXT_STRIDE +
				      PLIC_CONTEXT_CLAIM);
	*prio = 5;
	r1 = *prio;
	*prio = 0xffffffff;
	r2 = *prio;
	*prio = 0;
	c = *claim;
	check("plic_priority", r1 == 5 && r2 == PLIC_PRIO_MAX,
	      "read 5->%lu all-ones->%lu", r1, r2);
	check("plic_claim_idle", c == 0, "claim=%lu%.0lu", c, 0);
}

static void test_isolation(void)
{
	volatile uint32_t *hole = (volatile uint32_t *)HOLE_ADDR;
	uint32_t v = 0x12345678;

	expected_fault_skip = 4;
	faults = 0;
	__asm__ __volatile__(".option push\n.option norvc\n"
			     "lw %0, 0(%1)\n.option pop"
			     : "+r"(v)
			     : "r"(hole)
			     : "memory");
	check("load_outside_memory",
	      faults == 1 && last_cause == EXC_LOAD_ACCESS &&
		      last_tval == HOLE_ADDR,
	      "cause=%lu tval=0x%lx", last_cause, last_tval);
	faults = 0;
	__asm__ __volatile__(".option push\n.option norvc\n"
			     "sw %0, 0(%1)\n.option pop" ::"r"(v),
			     "r"(hole + 1)
			     : "memory");
	check("store_outside_memory",
	      faults == 1 && last_cause == EXC_STORE_ACCESS &&
		      last_tval == HOLE_ADDR + 4,
	      "cause=%lu tval=0x%lx", last_cause, last_tval);
	expected_fault_skip = 0;
}

static void bench_window(void)
{
	if (sbi_probe(SBI_EXT_RVNEST) <= 0) {
		printf("payload: rvnest extension absent: no bench window\n");
		return;
	}
	sbi_call1(SBI_EXT_RVNEST, SBI_RVNEST_BENCH_BEGIN, BENCH_HYPERCALL);
	for (int i = 0; i < PAYLOAD_NOPS; i++)
		sbi_call0(SBI_EXT_RVNEST, SBI_RVNEST_NOP);
	sbi_ecall(SBI_EXT_RVNEST, SBI_RVNEST_BENCH_END, BENCH_HYPERCALL,
		  PAYLOAD_NOPS, 0, 0, 0, 0);
}

/* Everything after the non-retentive suspend: the resume entry
 * (payload_entry.S) comes here on a fresh stack. */
static unsigned long saved_dtb;
#define RESUME_OPAQUE 0x5eed1234UL

void payload_resumed(unsigned long hartid, unsigned long opaque)
{
	/* SBI spec HSM "sbi_hart_suspend": non-retentive resume at
	 * resume_addr in S-mode with a0 = hartid, a1 = opaque, satp = 0,
	 * sstatus.SIE = 0 */
	check("hsm_suspend_non_retentive",
	      hartid == 0 && opaque == RESUME_OPAQUE &&
		      csr_read(CSR_SATP) == 0 &&
		      !(csr_read(CSR_SSTATUS) & SSTATUS_SIE),
	      "hartid=%lu opaque=0x%lx", hartid, opaque);
	sbi_set_timer(~0UL);
	csr_clear(CSR_SIE, MIP_STIP);
	test_plic(saved_dtb);
	test_isolation();
	bench_window();
	printf("RVNEST done status=%d\n", failures);
	console_flush();
	sbi_shutdown(failures != 0);
}

static void __attribute__((noreturn)) suspend_non_retentive(void)
{
	extern char payload_resume_entry[];
	struct sbiret r;

	csr_set(CSR_SIE, MIP_STIP);
	sbi_set_timer(rd_time() + TIMER_TICKS);
	console_flush();
	r = sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND,
		      SBI_HSM_SUSPEND_NON_RET_DEFAULT,
		      (unsigned long)payload_resume_entry, RESUME_OPAQUE, 0, 0,
		      0);
	/* only reached when the call failed */
	check("hsm_suspend_non_retentive", 0, "error=%ld%.0lu",
	      (unsigned long)r.error, 0);
	payload_resumed(0, RESUME_OPAQUE);
	for (;;)
		;
}

void payload_main(unsigned long hartid, unsigned long dtb)
{
	console_init_sbi();
	printf("RVNEST boot component=l0-payload version=1 hart=%lu "
	       "dtb=0x%lx\n",
	       hartid, dtb);
	saved_dtb = dtb;
	check("hartid", hartid == 0, "hartid=%lu%.0lu", hartid, 0);
	test_dtb(dtb);
	test_isa(dtb);
	test_timer();
	test_suspend();
	suspend_non_retentive();
}
