/* SPDX-License-Identifier: BSD-2-Clause */
#include <rvnest/encoding.h>
#include <rvnest/trap_names.h>

static const char *const exc_names[EXC_COUNT] = {
	[EXC_INST_MISALIGNED] = "inst_misaligned",
	[EXC_INST_ACCESS] = "inst_access_fault",
	[EXC_ILLEGAL_INST] = "illegal_inst",
	[EXC_BREAKPOINT] = "breakpoint",
	[EXC_LOAD_MISALIGNED] = "load_misaligned",
	[EXC_LOAD_ACCESS] = "load_access_fault",
	[EXC_STORE_MISALIGNED] = "store_misaligned",
	[EXC_STORE_ACCESS] = "store_access_fault",
	[EXC_ECALL_U] = "ecall_u",
	[EXC_ECALL_S] = "ecall_s",
	[EXC_ECALL_VS] = "ecall_vs",
	[EXC_ECALL_M] = "ecall_m",
	[EXC_INST_PAGE_FAULT] = "inst_page_fault",
	[EXC_LOAD_PAGE_FAULT] = "load_page_fault",
	[EXC_STORE_PAGE_FAULT] = "store_page_fault",
	[EXC_SW_CHECK] = "sw_check",
	[EXC_HW_ERROR] = "hw_error",
	[EXC_INST_GUEST_PAGE_FAULT] = "inst_guest_page_fault",
	[EXC_LOAD_GUEST_PAGE_FAULT] = "load_guest_page_fault",
	[EXC_VIRTUAL_INST] = "virtual_inst",
	[EXC_STORE_GUEST_PAGE_FAULT] = "store_guest_page_fault",
};

static const char *const irq_names[16] = {
	[IRQ_S_SOFT] = "irq_s_soft",   [IRQ_VS_SOFT] = "irq_vs_soft",
	[IRQ_M_SOFT] = "irq_m_soft",   [IRQ_S_TIMER] = "irq_s_timer",
	[IRQ_VS_TIMER] = "irq_vs_timer", [IRQ_M_TIMER] = "irq_m_timer",
	[IRQ_S_EXT] = "irq_s_ext",     [IRQ_VS_EXT] = "irq_vs_ext",
	[IRQ_M_EXT] = "irq_m_ext",     [IRQ_S_GEXT] = "irq_s_gext",
};

static const char *const unnamed_exc[EXC_COUNT] = {
	"exc_0",  "exc_1",  "exc_2",  "exc_3",  "exc_4",  "exc_5",
	"exc_6",  "exc_7",  "exc_8",  "exc_9",  "exc_10", "exc_11",
	"exc_12", "exc_13", "exc_14", "exc_15", "exc_16", "exc_17",
	"exc_18", "exc_19", "exc_20", "exc_21", "exc_22", "exc_23",
};

const char *trap_cause_name(unsigned long scause)
{
	unsigned long code = scause & ~CAUSE_INTERRUPT;

	if (scause & CAUSE_INTERRUPT) {
		if (code < 16 && irq_names[code])
			return irq_names[code];
		return "irq_other";
	}
	if (code < EXC_COUNT)
		return exc_names[code] ? exc_names[code] : unnamed_exc[code];
	return "exc_other";
}
