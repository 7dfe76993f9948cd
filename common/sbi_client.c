/* SPDX-License-Identifier: BSD-2-Clause */
/* SBI calls made by an rvnest image on whatever runs below it. */
#include <rvnest/sbi.h>

long sbi_probe(unsigned long ext)
{
	struct sbiret r = sbi_call1(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, ext);

	return r.error ? 0 : r.value;
}

void sbi_console_putc(char c)
{
	sbi_call1(SBI_EXT_LEGACY_CONSOLE_PUTCHAR, 0, (unsigned char)c);
}

long sbi_set_timer(unsigned long stime)
{
	return sbi_call1(SBI_EXT_TIME, SBI_TIME_SET_TIMER, stime).error;
}

long sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base)
{
	return sbi_ecall(SBI_EXT_IPI, SBI_IPI_SEND_IPI, hart_mask,
			 hart_mask_base, 0, 0, 0, 0)
		.error;
}

void sbi_shutdown(int failure)
{
	sbi_ecall(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
		  failure ? SBI_SRST_REASON_SYSFAIL : SBI_SRST_REASON_NONE, 0,
		  0, 0, 0);
	/* SRST missing (pre-0.3 firmware): the legacy call. */
	sbi_call0(SBI_EXT_LEGACY_SHUTDOWN, 0);
	for (;;)
		__asm__ __volatile__("wfi");
}
