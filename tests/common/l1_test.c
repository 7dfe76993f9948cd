/* SPDX-License-Identifier: BSD-2-Clause */
/* The bare-metal test L1s' end of run and fatal-trap report (l1_test.h). */
#include "l1_test.h"

#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/sbi.h>
#include <rvnest/trap_names.h>
#include <stdio.h>

void l1_test_finish(unsigned status)
{
	printf("RVNEST done status=%u\n", status);
	console_flush();
	sbi_shutdown(status);
}

void l1_test_fatal_trap(const char *what)
{
	printf("RVNEST error msg=trap_in_%s cause=%s sepc=0x%lx stval=0x%lx\n",
	       what, trap_cause_name(csr_read(CSR_SCAUSE)), csr_read(CSR_SEPC),
	       csr_read(CSR_STVAL));
	l1_test_finish(1);
}
