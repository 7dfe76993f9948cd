/* SPDX-License-Identifier: BSD-2-Clause */
/* The C entry that common/crt0.S calls on the boot hart of every image. */
#ifndef RVNEST_IMAGE_H
#define RVNEST_IMAGE_H

/* hartid and fdt exactly as the level below passed them in a0/a1. */
void __attribute__((noreturn)) image_main(unsigned long hartid,
					  unsigned long fdt);

#endif
