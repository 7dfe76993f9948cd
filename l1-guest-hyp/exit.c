/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The exit dispatcher: every trap from L2 is counted by cause, then handed
 * to the handler its cause selects in one of two tables (exceptions,
 * interrupts). A cause without a row is unexpected and ends the run.
 */
#include "l1.h"

#include <rvnest/csr.h>

typedef enum l1_exit (*l1_exit_fn)(struct l1_vcpu *v);

static enum l1_exit exit_ecall(struct l1_vcpu *v)
{
	return l1_sbi_call(v);
}

static const l1_exit_fn exc_handlers[EXC_COUNT] = {
	[EXC_ECALL_VS] = exit_ecall,
	/* Guest-page faults: lazy G-stage fill, or the emulated device. */
	[EXC_INST_GUEST_PAGE_FAULT] = l1_guest_page_fault,
	[EXC_LOAD_GUEST_PAGE_FAULT] = l1_guest_page_fault,
	[EXC_STORE_GUEST_PAGE_FAULT] = l1_guest_page_fault,
	/* a fetch from a device page L2 was given (passdev.c) */
	[EXC_INST_ACCESS] = l1_passdev_fetch_fault,
};

static const l1_exit_fn irq_handlers[L1_IRQ_SLOTS] = {
	/* L1's own timer, armed on L2's behalf without Sstc. */
	[IRQ_S_TIMER] = l1_vtimer_host_irq,
	/* the PLIC context L2 was given (passdev.c) */
	[IRQ_S_EXT] = l1_passdev_ext_irq,
	/* another L1 hart's IPI: one for this vCPU (smp.c) */
	[IRQ_S_SOFT] = l1_smp_soft_irq,
};

void l1_count_exit(struct l1_exit_stats *s, unsigned long scause)
{
	unsigned long code = scause & ~CAUSE_INTERRUPT;

	if (scause & CAUSE_INTERRUPT)
		s->irq[code < L1_IRQ_SLOTS ? code : L1_IRQ_SLOTS]++;
	else
		s->exc[code < EXC_COUNT ? code : EXC_COUNT]++;
	s->total++;
}

enum l1_exit l1_fail(struct l1_vcpu *v, const char *msg)
{
	v->fail_msg = msg;
	return L1_EXIT_FAILED;
}

enum l1_exit l1_handle_exit(struct l1_vcpu *v)
{
	unsigned long scause = v->trap.scause;
	unsigned long code = scause & ~CAUSE_INTERRUPT;
	l1_exit_fn fn = NULL;

	l1_count_exit(&v->stats, scause);
	/* Only traps from V=1 come here (switch.S diverts L1's own); SPV
	 * records where the trap came from ("hstatus" SPV). */
	if (!(v->trap.hstatus & HSTATUS_SPV))
		return l1_fail(v, "exit_without_spv");
	if (l1_plat.passdev)
		l1_passdev_sync();
	if (scause & CAUSE_INTERRUPT) {
		if (code < L1_IRQ_SLOTS)
			fn = irq_handlers[code];
	} else if (code < EXC_COUNT) {
		fn = exc_handlers[code];
	}
	if (!fn)
		return L1_EXIT_UNEXPECTED;
	return fn(v);
}
