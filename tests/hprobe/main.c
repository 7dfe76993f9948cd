/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hprobe: a bare-metal HS-mode program that probes the hypervisor
 * extension and prints one `RVNEST probe` line per observation (see
 * README.md). It boots as any OpenSBI payload (a0 = hartid, a1 = DTB), so
 * it runs unchanged on QEMU's H extension and as L1 on L0, and the two
 * outputs must be identical line for line.
 */
#include <stdio.h>

#include <libfdt.h>
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/fdt_util.h>
#include <rvnest/image.h>
#include <rvnest/sbi.h>

#include "hprobe.h"

#ifndef HPROBE_VERSION
#define HPROBE_VERSION "unknown"
#endif

extern char hp_trap_stack[];

void image_main(unsigned long hartid, unsigned long fdt)
{
	const void *dtb = (const void *)fdt;

	/* HS traps run on a stack of their own, found through sscratch by
	 * hp_trap_entry (entry.S), so a probe that corrupts sp still
	 * reports. */
	csr_write(CSR_SSCRATCH, (unsigned long)hp_trap_stack + HP_STACK_SIZE);
	csr_write(CSR_STVEC, (unsigned long)hp_trap_entry);
	console_init_sbi();
	printf("RVNEST boot component=hprobe version=%s mode=hs\n",
	       HPROBE_VERSION);
	if (fdt_check_header(dtb)) {
		printf("RVNEST error msg=bad_device_tree a1=0x%lx\n",
		       (unsigned long)dtb);
		printf("RVNEST done status=1\n");
		console_flush();
		sbi_shutdown(1);
	}
	if (!fdt_util_hart_has_ext(dtb, hartid, "h")) {
		printf("RVNEST error msg=no_H_extension\n");
		printf("RVNEST done status=1\n");
		console_flush();
		sbi_shutdown(1);
	}
	hp_has_sstc = fdt_util_hart_has_ext(dtb, hartid, "sstc");
	/* Whether vstimecmp exists decides which lines follow, so it is a
	 * probe line itself: L0 must advertise Sstc exactly when QEMU does. */
	printf("RVNEST probe id=dt.sstc present=%u\n", hp_has_sstc ? 1 : 0);
	/* Svadu/Svade decide whether A=0 in a G-stage leaf faults or is set
	 * by hardware (the firmware sets menvcfg.ADUE when Svadu is there;
	 * with neither, the choice is the implementation's). */
	hp_has_svadu = fdt_util_hart_has_ext(dtb, hartid, "svadu");
	hp_has_svade = fdt_util_hart_has_ext(dtb, hartid, "svade");
	printf("RVNEST probe id=dt.svadu present=%u\n", hp_has_svadu ? 1 : 0);
	printf("RVNEST probe id=dt.svade present=%u\n", hp_has_svade ? 1 : 0);
	/* Ssaia and an IMSIC decide whether group aia runs. */
	hp_aia_detect(dtb, hartid);

	hp_mem_fill();
	if (!hp_mem_init()) {
		printf("RVNEST error msg=page_table_pool_exhausted\n");
		printf("RVNEST done status=1\n");
		console_flush();
		sbi_shutdown(1);
	}
	if (hp_has_aia && !hp_aia_map()) {
		printf("RVNEST error msg=page_table_pool_exhausted\n");
		printf("RVNEST done status=1\n");
		console_flush();
		sbi_shutdown(1);
	}
	hfence_gvma_all();
	hfence_vvma_all();
	hp_env_apply(&hp_env_default);

	hp_group_csr();
	hp_group_vinst();
	hp_group_gpf();
	hp_group_hlv();
	hp_group_irq();
	hp_group_fence();
	hp_group_guest();
	hp_group_acc();
	hp_group_vsirq();
	hp_group_l1irq();
	hp_group_aia();
	hp_group_dbtr();

	printf("RVNEST done status=%u\n", hp_errors ? 1 : 0);
	console_flush();
	sbi_shutdown(hp_errors ? 1 : 0);
}
