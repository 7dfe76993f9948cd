/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The h* and vs* CSRs the suite exercises, as an X-macro so that bodies.S
 * (one accessor per CSR and instruction form: the CSR number is part of the
 * instruction) and the C tables are generated from the same list.
 *
 * X(name, csr number, flags, print mask). Flags:
 *   HP_CSR_F_RO    read-only CSR (bits 11:10 of the number are 11, spec
 *                  "CSR Address Mapping Conventions"): writes are illegal.
 *   HP_CSR_F_SSTC  exists only when the hart has Sstc.
 *   HP_CSR_F_ATP   MODE/ID/PPN layout: a reserved MODE leaves the result
 *                  implementation-defined, Bare leaves ID/PPN undefined.
 *   HP_CSR_F_TVEC  BASE/MODE layout: a reserved MODE (>= 2) leaves the
 *                  result implementation-defined.
 *   HP_CSR_F_WLRL  only legal values may be written (vscause, spec
 *                  "Virtual Supervisor Cause Register"): the all-ones and
 *                  pattern writes are replaced by legal values.
 *   HP_CSR_F_AIA   added by Smaia/Ssaia to the H extension (AIA table
 *                  "Hypervisor and VS CSRs"): probed only when the hart
 *                  has Ssaia and an IMSIC (README.md, group aia).
 * The print mask keeps the fields the base H extension defines; reserved
 * (WPRI) bits and fields of optional extensions (LCOFI, Ssnpm, Zicfilp,
 * VGEIN with GEILEN=0, vsstatus.UXL) are not compared: their values are not
 * architecturally fixed. See README.md.
 */
#ifndef HPROBE_CSR_LIST_H
#define HPROBE_CSR_LIST_H

#include <rvnest/aia.h>
#include <rvnest/encoding.h>

#define HP_CSR_F_RO 1
#define HP_CSR_F_SSTC 2
#define HP_CSR_F_ATP 4
#define HP_CSR_F_TVEC 8
#define HP_CSR_F_WLRL 16
#define HP_CSR_F_AIA 32

#define HP_ALL (~_UL(0))
/* Standard interrupt bits up to SGEI (bits 12:0); bit 13 (LCOFI) belongs
 * to Sscofpmf/Shlcofideleg. */
#define HP_IRQ_STD (BIT(IRQ_S_GEXT + 1) - 1)
/* Exception codes the privileged spec assigns (bits 23:0 of hedeleg). */
#define HP_EXC_STD (BIT(EXC_COUNT) - 1)
/* hcounteren is a 32-bit register. */
#define HP_COUNTEREN_ALL ((_UL(1) << 32) - 1)
#define HP_HSTATUS_DEFINED                                         \
	(HSTATUS_VSBE | HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP | \
	 HSTATUS_HU | HSTATUS_VTVM | HSTATUS_VTW | HSTATUS_VTSR |  \
	 HSTATUS_VSXL)
#define HP_HENVCFG_DEFINED                                        \
	(ENVCFG_FIOM | ENVCFG_CBIE | ENVCFG_CBCFE | ENVCFG_CBZE | \
	 ENVCFG_ADUE | ENVCFG_PBMTE | ENVCFG_STCE)
#define HP_VSSTATUS_DEFINED                                                    \
	(SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_UBE | SSTATUS_SPP | SSTATUS_VS | \
	 SSTATUS_FS | SSTATUS_XS | SSTATUS_SUM | SSTATUS_MXR | SSTATUS_SD)

#define HP_CSR_LIST(X)                                     \
	X(hstatus, CSR_HSTATUS, 0, HP_HSTATUS_DEFINED)     \
	X(hedeleg, CSR_HEDELEG, 0, HP_EXC_STD)             \
	X(hideleg, CSR_HIDELEG, 0, HP_IRQ_STD)             \
	X(hie, CSR_HIE, 0, HP_IRQ_STD)                     \
	X(hip, CSR_HIP, 0, HP_IRQ_STD)                     \
	X(hvip, CSR_HVIP, 0, HP_IRQ_STD)                   \
	X(hgeie, CSR_HGEIE, 0, HP_ALL)                     \
	X(hgeip, CSR_HGEIP, HP_CSR_F_RO, HP_ALL)           \
	X(hcounteren, CSR_HCOUNTEREN, 0, HP_COUNTEREN_ALL) \
	X(htval, CSR_HTVAL, 0, HP_ALL)                     \
	X(htinst, CSR_HTINST, 0, HP_ALL)                   \
	X(hgatp, CSR_HGATP, HP_CSR_F_ATP, HP_ALL)          \
	X(htimedelta, CSR_HTIMEDELTA, 0, HP_ALL)           \
	X(henvcfg, CSR_HENVCFG, 0, HP_HENVCFG_DEFINED)     \
	X(vsstatus, CSR_VSSTATUS, 0, HP_VSSTATUS_DEFINED)  \
	X(vsie, CSR_VSIE, 0, HP_IRQ_STD)                   \
	X(vsip, CSR_VSIP, 0, HP_IRQ_STD)                   \
	X(vstvec, CSR_VSTVEC, HP_CSR_F_TVEC, HP_ALL)       \
	X(vsscratch, CSR_VSSCRATCH, 0, HP_ALL)             \
	X(vsepc, CSR_VSEPC, 0, HP_ALL)                     \
	X(vscause, CSR_VSCAUSE, HP_CSR_F_WLRL, HP_ALL)     \
	X(vstval, CSR_VSTVAL, 0, HP_ALL)                   \
	X(vsatp, CSR_VSATP, HP_CSR_F_ATP, HP_ALL)          \
	X(vstimecmp, CSR_VSTIMECMP, HP_CSR_F_SSTC, HP_ALL) \
	X(hvien, CSR_HVIEN, HP_CSR_F_AIA, HP_IRQ_STD)      \
	X(hvictl, CSR_HVICTL, HP_CSR_F_AIA, HP_ALL)        \
	X(hviprio1, CSR_HVIPRIO1, HP_CSR_F_AIA, HP_ALL)    \
	X(hviprio2, CSR_HVIPRIO2, HP_CSR_F_AIA, HP_ALL)    \
	X(vsiselect, CSR_VSISELECT, HP_CSR_F_AIA, HP_ALL)  \
	X(vstopi, CSR_VSTOPI, HP_CSR_F_AIA | HP_CSR_F_RO, HP_ALL)

/* The immediate operand of CSRRWI/CSRRSI/CSRRCI probes: alternate bits of
 * the 5-bit zimm field. */
#define HP_CSR_IMM 0x15

#endif
