/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L2's timer and IPIs.
 *
 * Timer, two ways ("Sstc" and "Hypervisor Interrupt Registers"):
 *  - with Sstc (henvcfg.STCE=1): SBI set_timer writes vstimecmp; the
 *    hardware raises VSTIP when time + htimedelta reaches it, and L2 takes
 *    the interrupt with no exit to L1;
 *  - without: L1 arms its own S-mode timer through SBI for the deadline;
 *    that interrupt exits L2 to L1 (irq_s_timer), which then asserts
 *    hvip.VSTIP. A new set_timer clears VSTIP ("Timer Extension": the call
 *    clears the pending timer interrupt).
 * htimedelta is 0: L2's time is L1's time.
 *
 * IPI to self: asserting hvip.VSSIP; L2 completes it by clearing its
 * sip.SSIP, which is the same bit.
 */
#include "l1.h"
#include "nacl.h"

#include <rvnest/csr.h>
#include <rvnest/sbi.h>

#define TIMER_NEVER (~0ul)

void l1_vtimer_init(void)
{
	if (l1_plat.sstc) {
		csr_write(CSR_VSTIMECMP, TIMER_NEVER);
		return;
	}
	csr_clear(CSR_HVIP, MIP_VSTIP);
	csr_clear(CSR_SIE, MIP_STIP);
}

void l1_vtimer_set(uint64_t deadline)
{
	if (l1_plat.sstc) {
		L1_HCSR_WRITE(CSR_VSTIMECMP, deadline);
		return;
	}
	L1_HCSR_CLEAR(CSR_HVIP, MIP_VSTIP);
	/* L1's own timer stands in for L2's. STIE enables it as an HS
	 * interrupt, taken only while L2 runs (L1 keeps sstatus.SIE=0). */
	sbi_set_timer(deadline);
	if (deadline == TIMER_NEVER)
		csr_clear(CSR_SIE, MIP_STIP);
	else
		csr_set(CSR_SIE, MIP_STIP);
}

enum l1_exit l1_vtimer_host_irq(struct l1_vcpu *v)
{
	if (l1_plat.sstc)
		return l1_fail(v, "host_timer_irq_with_sstc");
	/* Quiet L1's timer (SBI set_timer clears STIP), pass it on. */
	sbi_set_timer(TIMER_NEVER);
	csr_clear(CSR_SIE, MIP_STIP);
	L1_HCSR_SET(CSR_HVIP, MIP_VSTIP);
	return L1_EXIT_RESUME;
}

void l1_inject_ipi(void)
{
	L1_HCSR_SET(CSR_HVIP, MIP_VSSIP);
}
