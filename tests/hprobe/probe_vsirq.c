/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Group "vsirq": a VS interrupt that HS-mode pends in hvip and enables in
 * hie without delegating it in hideleg is an interrupt of HS-mode itself
 * (cause 2/6/10, "Hypervisor Interrupt Registers"), taken as soon as it is
 * pending and enabled: in HS-mode when sstatus.SIE = 1, in U-mode (V=0)
 * always ("Machine Interrupt Registers": interrupts of a higher privilege
 * are always enabled). The probes measure when, in instructions: the epc
 * of the interrupt is the instruction that had not yet run, so
 *  - vsirq.<src>.enable_sie.hs: SIE set by `csrsi sstatus` -> epc = the
 *    instruction right after the csrsi (0 instructions later);
 *  - vsirq.<src>.sret_to_hu: pending before an SRET to U-mode -> epc = the
 *    first U-mode instruction (none of them runs);
 *  - vsirq.<src>.hvip_write.hs: SIE = 1, then `csrs hvip` makes it pending
 *    -> epc = the instruction right after the csrs.
 * On L0 the first two are L1 changing what makes the interrupt takeable
 * without trapping (sstatus, an SRET to U-mode), the third an emulated CSR
 * write (l0-hyp/README.md, "undelegated VS interrupts").
 */
#include <stdio.h>

#include "hprobe.h"

#define IRQ(n) (CAUSE_INTERRUPT | (n))

void hp_group_vsirq(void)
{
	static const struct {
		const char *name;
		unsigned long bit, code;
	} src[] = {
		{"vssip", MIP_VSSIP, IRQ_VS_SOFT},
		{"vstip", MIP_VSTIP, IRQ_VS_TIMER},
		{"vseip", MIP_VSEIP, IRQ_VS_EXT},
	};

	for (unsigned i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
		struct hp_env env = hp_env_default;
		struct hp_expect e = HP_HS(IRQ(src[i].code));
		char id[64];

		env.hideleg = 0;
		env.hie = src[i].bit;
		env.hvip = src[i].bit;
		env.mode = HP_MODE_HS;
		snprintf(id, sizeof(id), "vsirq.%s.enable_sie.hs", src[i].name);
		hp_probe(id, &env, hp_b_enable_sie, 0, e, HP_PRINT_VALUE);

		env.mode = HP_MODE_HU;
		snprintf(id, sizeof(id), "vsirq.%s.sret_to_hu", src[i].name);
		hp_probe(id, &env, hp_b_nop, 0, e, HP_PRINT_VALUE);

		env.mode = HP_MODE_HS;
		env.hvip = 0;
		snprintf(id, sizeof(id), "vsirq.%s.hvip_write.hs", src[i].name);
		hp_probe(id, &env, hp_b_sie_then_hvip, src[i].bit, e,
			 HP_PRINT_VALUE);
	}
}
