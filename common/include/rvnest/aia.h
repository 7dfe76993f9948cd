/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Advanced Interrupt Architecture encodings used by the guest side (issue
 * 14): the hypervisor and VS CSRs Smaia/Ssaia add to the H extension
 * (AIA "CSRs added to harts", table "Hypervisor and VS CSRs"), the hvictl
 * fields ("Virtual interrupts for VS level"), and the registers of an IMSIC
 * interrupt file reached through siselect/vsiselect ("Indirectly accessed
 * interrupt-file registers") and its memory-mapped page ("IMSIC memory
 * regions"). Usable from assembly.
 *
 * Each CSR number is guarded: encoding.h may define the same names, with
 * the same values, in a branch merged later.
 */
#ifndef RVNEST_AIA_H
#define RVNEST_AIA_H

#include <rvnest/encoding.h>

#ifndef CSR_HVIEN
#define CSR_HVIEN 0x608
#endif
#ifndef CSR_HVICTL
#define CSR_HVICTL 0x609
#endif
#ifndef CSR_HVIPRIO1
#define CSR_HVIPRIO1 0x646
#endif
#ifndef CSR_HVIPRIO2
#define CSR_HVIPRIO2 0x647
#endif
#ifndef CSR_VSISELECT
#define CSR_VSISELECT 0x250
#endif
#ifndef CSR_VSIREG
#define CSR_VSIREG 0x251
#endif
#ifndef CSR_VSTOPEI
#define CSR_VSTOPEI 0x25c
#endif
#ifndef CSR_VSTOPI
#define CSR_VSTOPI 0xeb0
#endif

/* hvictl (AIA "Virtual interrupts for VS level"): VTI bit 30, IID bits
 * 27:16 (WARL, at least 6 bits), DPR bit 9, IPRIOM bit 8, IPRIO 7:0. */
#define AIA_HVICTL_VTI BIT(30)
#define AIA_HVICTL_IID_SHIFT 16
#define AIA_HVICTL_IID (_UL(0xfff) << AIA_HVICTL_IID_SHIFT)
#define AIA_HVICTL_DPR BIT(9)
#define AIA_HVICTL_IPRIOM BIT(8)
#define AIA_HVICTL_IPRIO _UL(0xff)

/* stopi/vstopi and stopei/vstopei share the field layout: the identity
 * (major interrupt for *topi, external identity for *topei) at 27:16 resp.
 * 26:16 and the priority at 7:0 resp. 10:0 (AIA "stopi", IMSIC "Top
 * external interrupt CSRs"). */
#define AIA_TOPI_IID_SHIFT 16
#define AIA_TOPI_IID (_UL(0xfff) << AIA_TOPI_IID_SHIFT)
#define AIA_TOPI_IPRIO _UL(0xff)
#define AIA_TOPEI_ID_SHIFT 16
#define AIA_TOPEI_ID (_UL(0x7ff) << AIA_TOPEI_ID_SHIFT)
#define AIA_TOPEI_PRIO _UL(0x7ff)

/* siselect/vsiselect numbers (AIA "Supervisor-level CSRs", IMSIC
 * "Indirectly accessed interrupt-file registers"). */
#define AIA_ISEL_IPRIO0 0x30 /* major interrupt priorities 0x30-0x3f */
#define AIA_ISEL_EIDELIVERY 0x70
#define AIA_ISEL_EITHRESHOLD 0x72
#define AIA_ISEL_EIP0 0x80 /* eip0..eip63: 0x80-0xbf */
#define AIA_ISEL_EIE0 0xc0 /* eie0..eie63: 0xc0-0xff */

/* eidelivery values: 0 off, 1 interrupt delivery from the file. */
#define AIA_EIDELIVERY_OFF 0
#define AIA_EIDELIVERY_ON 1

/* An interrupt file's page: a 32-bit write of identity i to offset 0
 * (seteipnum_le) sets eip bit i (IMSIC "IMSIC memory regions"). */
#define AIA_IMSIC_PAGE_SIZE 0x1000
#define AIA_IMSIC_SETEIPNUM_LE 0x0

#endif /* RVNEST_AIA_H */
