/* SPDX-License-Identifier: BSD-2-Clause */
#include "payload.h"

#include <stdarg.h>
#include <stdio.h>
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/image.h>
#include <rvnest/sbi.h>
#include <rvnest/trap_names.h>

/* Thread-local block for picolibc (errno); entry.S points tp here. */
unsigned char payload_tls[256] __attribute__((aligned(64)));

static volatile bool fault_expected;
static volatile struct payload_fault fault;
static volatile unsigned long irqs[64];
static unsigned failures;

void trap_expect(void)
{
	fault.taken = false;
	fault_expected = true;
	__asm__ __volatile__("" ::: "memory");
}

struct payload_fault trap_result(void)
{
	struct payload_fault f;

	__asm__ __volatile__("" ::: "memory");
	fault_expected = false;
	f.taken = fault.taken;
	f.scause = fault.scause;
	f.stval = fault.stval;
	f.sepc = fault.sepc;
	return f;
}

unsigned long irq_count(unsigned irq)
{
	return irq < 64 ? irqs[irq] : 0;
}

/* Length of the instruction at pc: 16-bit unless the low two bits are 11
 * (unprivileged spec "Base Instruction-Length Encoding"). */
static unsigned long insn_len(unsigned long pc)
{
	return (*(volatile uint16_t *)pc & 3) == 3 ? 4 : 2;
}

void payload_trap(struct payload_frame *f);
void payload_trap(struct payload_frame *f)
{
	if (f->scause & CAUSE_INTERRUPT) {
		unsigned long irq = f->scause & ~CAUSE_INTERRUPT;

		if (irq < 64)
			irqs[irq]++;
		switch (irq) {
		case IRQ_S_SOFT:
			csr_clear(CSR_SIP, MIP_SSIP);
			break;
		case IRQ_S_TIMER:
			/* setting the timer clears STIP (SBI TIME) */
			sbi_set_timer(~0UL);
			break;
		default:
			/* nothing here raises it: mask it so it cannot storm */
			csr_clear(CSR_SIE, BIT(irq));
			break;
		}
		return;
	}
	if (!fault_expected)
		payload_fatal("unexpected_trap",
			      "scause=%s sepc=0x%lx stval=0x%lx",
			      trap_cause_name(f->scause), f->sepc, f->stval);
	fault.taken = true;
	fault.scause = f->scause;
	fault.stval = f->stval;
	fault.sepc = f->sepc;
	fault_expected = false;
	if (f->scause == EXC_INST_ACCESS || f->scause == EXC_INST_PAGE_FAULT ||
	    f->scause == EXC_INST_MISALIGNED)
		f->sepc = f->x[1]; /* a fetch fault: back to the caller */
	else
		f->sepc += insn_len(f->sepc);
}

void payload_fatal(const char *msg, const char *fmt, ...)
{
	va_list ap;

	printf("\nRVNEST error msg=%s ", msg);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	console_flush();
	sbi_shutdown(1);
}

__attribute__((weak)) void payload_secondary(unsigned long a0, unsigned long a1)
{
	payload_fatal("unexpected_secondary_hart", "a0=0x%lx a1=0x%lx", a0, a1);
}

void probe_line(const char *id, bool ok, const char *fmt, ...)
{
	va_list ap;

	if (!ok)
		failures++;
	printf("RVNEST probe id=%s ok=%d ", id, ok ? 1 : 0);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

unsigned probe_failures(void)
{
	return failures;
}

static void describe(struct payload_info *info)
{
	enum fdt_util_status st;

	st = fdt_util_check(info->dtb);
	if (st != FDT_UTIL_OK)
		payload_fatal("bad_dtb", "dtb=0x%lx why=%s",
			      (unsigned long)info->dtb,
			      fdt_util_status_name(st));
	st = fdt_util_memory(info->dtb, info->ram, PAYLOAD_MAX_RAM,
			     &info->nram);
	if (st != FDT_UTIL_OK || info->nram == 0)
		payload_fatal("dtb_without_memory", "why=%s",
			      fdt_util_status_name(st));
	for (unsigned i = 0; i < info->nram; i++) {
		uint64_t end = info->ram[i].base + info->ram[i].size;

		if (end > info->ram_end)
			info->ram_end = end;
	}
	st = fdt_util_harts(info->dtb, info->harts, PAYLOAD_MAX_HARTS,
			    &info->nharts);
	if (st != FDT_UTIL_OK || info->nharts == 0)
		payload_fatal("dtb_without_harts", "why=%s",
			      fdt_util_status_name(st));
	st = fdt_util_timebase(info->dtb, info->hartid, &info->timebase_hz);
	if (st != FDT_UTIL_OK || info->timebase_hz == 0)
		payload_fatal("dtb_without_timebase", "why=%s",
			      fdt_util_status_name(st));
	info->has_h = fdt_util_hart_has_ext(info->dtb, info->hartid, "h");
}

/* entry.S: the one trap vector (saves a struct payload_frame). */
extern void payload_trap_vector(void);

void image_main(unsigned long hartid, unsigned long dtb)
{
	struct payload_info info = {.hartid = hartid, .dtb = (const void *)dtb};
	unsigned failed;

	/* The one trap vector (entry.S), direct mode. */
	csr_write(CSR_STVEC, (unsigned long)payload_trap_vector);
	console_init_sbi();
	describe(&info);
	printf("RVNEST boot component=%s hart=%lu nharts=%u ram_end=0x%llx "
	       "h=%d\n",
	       payload_name, hartid, info.nharts,
	       (unsigned long long)info.ram_end, info.has_h ? 1 : 0);
	failed = payload_run(&info);
	printf("%s: %u check(s) failed\n", payload_name, failed);
	printf("RVNEST done status=%u\n", failed);
	console_flush();
	sbi_shutdown(failed != 0);
}
