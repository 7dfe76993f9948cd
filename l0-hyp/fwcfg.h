/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * QEMU's fw_cfg device (QEMU docs/specs/fw_cfg.rst), read-only, as a way
 * to hand L0 a file whose size L0 must know: L1's initrd, passed as
 *   -fw_cfg name=opt/rvnest/l1-initrd,file=<initrd>
 * The directory entry carries the size, so no command-line SIZE is needed
 * and QEMU keeps the bytes outside guest RAM until L0 copies them.
 */
#ifndef L0_FWCFG_H
#define L0_FWCFG_H

#include <stdint.h>

#include "gmem.h"

#define L0_FWCFG_L1_INITRD "opt/rvnest/l1-initrd"

enum l0_fwcfg_status {
	L0_FWCFG_OK,
	L0_FWCFG_NO_FILE,   /* the device answers, the file is not there */
	L0_FWCFG_NO_DEVICE, /* no "QEMU" signature at the address */
};

struct l0_fwcfg_file {
	uint16_t select;
	uint32_t size;
};

enum l0_fwcfg_status l0_fwcfg_find(uint64_t base, const char *name,
				   struct l0_fwcfg_file *f);
/* Copy the whole file into L1 RAM at gpa (caller checked the range). */
void l0_fwcfg_read_to_guest(uint64_t base, const struct l0_fwcfg_file *f,
			    const struct l0_gmem *g, uint64_t gpa);

#endif /* L0_FWCFG_H */
