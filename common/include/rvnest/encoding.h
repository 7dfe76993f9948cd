/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RISC-V encodings shared by every rvnest component: CSR numbers, field
 * masks, trap causes, page-table bits. Usable from C and from assembly.
 *
 * Authority: RISC-V Privileged Architecture (20240411), chapters
 * "Supervisor-Level ISA" and "Hypervisor Extension".
 */
#ifndef RVNEST_ENCODING_H
#define RVNEST_ENCODING_H

#ifdef __ASSEMBLER__
#define _UL(x) x
#define _ULL(x) x
#else
#define _UL(x) (x##UL)
#define _ULL(x) (x##ULL)
#endif

#define BIT(n) (_UL(1) << (n))

/* ---- CSR numbers ------------------------------------------------------ */
/* Supervisor */
#define CSR_SSTATUS 0x100
#define CSR_SIE 0x104
#define CSR_STVEC 0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SCOUNTOVF 0xda0 /* Sscofpmf: the OF bits of mhpmevent3..31 */
#define CSR_HVIEN 0x608	    /* Ssaia: VS interrupts 13..63 hvip may assert */
#define CSR_SENVCFG 0x10a
#define CSR_SSCRATCH 0x140
#define CSR_SEPC 0x141
#define CSR_SCAUSE 0x142
#define CSR_STVAL 0x143
#define CSR_SIP 0x144
#define CSR_STIMECMP 0x14d
#define CSR_SATP 0x180

/* Virtual supervisor (hypervisor extension) */
#define CSR_VSSTATUS 0x200
#define CSR_VSIE 0x204
#define CSR_VSTVEC 0x205
#define CSR_VSSCRATCH 0x240
#define CSR_VSEPC 0x241
#define CSR_VSCAUSE 0x242
#define CSR_VSTVAL 0x243
#define CSR_VSIP 0x244
#define CSR_VSTIMECMP 0x24d
#define CSR_VSATP 0x280

/* Hypervisor */
#define CSR_HSTATUS 0x600
#define CSR_HEDELEG 0x602
#define CSR_HIDELEG 0x603
#define CSR_HIE 0x604
#define CSR_HTIMEDELTA 0x605
#define CSR_HCOUNTEREN 0x606
#define CSR_HGEIE 0x607
#define CSR_HENVCFG 0x60a
#define CSR_HSTATEEN0 0x60c
#define CSR_HTVAL 0x643
#define CSR_HIP 0x644
#define CSR_HVIP 0x645
#define CSR_HTINST 0x64a
#define CSR_HGATP 0x680
#define CSR_HGEIP 0xe12
/* Smaia/Ssaia (RISC-V Advanced Interrupt Architecture, "CSRs added to
 * the supervisor level"): the indirect window on the S-level IMSIC file,
 * its top-interrupt claim register, and the top-interrupt view of sip */
#define CSR_SISELECT 0x150
#define CSR_SIREG 0x151
#define CSR_STOPEI 0x15c
#define CSR_STOPI 0xdb0
/* ... and the hypervisor's ("CSRs added to the hypervisor and VS
 * levels"): interrupt control, priorities, and the VS-level window */
#define CSR_HVICTL 0x609
#define CSR_HVIPRIO1 0x646
#define CSR_HVIPRIO2 0x647
#define CSR_VSISELECT 0x250
#define CSR_VSIREG 0x251
#define CSR_VSTOPEI 0x25c
#define CSR_VSTOPI 0xeb0

/* Unprivileged counters */
#define CSR_CYCLE 0xc00
#define CSR_TIME 0xc01
#define CSR_INSTRET 0xc02

/* ---- sstatus / vsstatus ---------------------------------------------- */
#define SSTATUS_SIE BIT(1)
#define SSTATUS_SPIE BIT(5)
#define SSTATUS_UBE BIT(6)
#define SSTATUS_SPP BIT(8)
#define SSTATUS_VS (_UL(3) << 9)
#define SSTATUS_FS (_UL(3) << 13)
#define SSTATUS_XS (_UL(3) << 15)
#define SSTATUS_SUM BIT(18)
#define SSTATUS_MXR BIT(19)
#define SSTATUS_UXL (_UL(3) << 32)
#define SSTATUS_SD BIT(63)

/* ---- hstatus (Hypervisor Status Register) ----------------------------- */
#define HSTATUS_VSBE BIT(5)
#define HSTATUS_GVA BIT(6)
#define HSTATUS_SPV BIT(7)
#define HSTATUS_SPVP BIT(8)
#define HSTATUS_HU BIT(9)
#define HSTATUS_VGEIN_SHIFT 12
#define HSTATUS_VGEIN (_UL(0x3f) << HSTATUS_VGEIN_SHIFT)
#define HSTATUS_VTVM BIT(20)
#define HSTATUS_VTW BIT(21)
#define HSTATUS_VTSR BIT(22)
#define HSTATUS_VSXL_SHIFT 32
#define HSTATUS_VSXL (_UL(3) << HSTATUS_VSXL_SHIFT)

/* ---- interrupt numbers and the sip/sie/hip/hie/hvip bits --------------- */
#define IRQ_S_SOFT 1
#define IRQ_VS_SOFT 2
#define IRQ_M_SOFT 3
#define IRQ_S_TIMER 5
#define IRQ_VS_TIMER 6
#define IRQ_M_TIMER 7
#define IRQ_S_EXT 9
#define IRQ_VS_EXT 10
#define IRQ_M_EXT 11
#define IRQ_S_GEXT 12
#define IRQ_LCOF 13 /* Sscofpmf local counter-overflow interrupt */

#define MIP_SSIP BIT(IRQ_S_SOFT)
#define MIP_VSSIP BIT(IRQ_VS_SOFT)
#define MIP_STIP BIT(IRQ_S_TIMER)
#define MIP_VSTIP BIT(IRQ_VS_TIMER)
#define MIP_SEIP BIT(IRQ_S_EXT)
#define MIP_VSEIP BIT(IRQ_VS_EXT)
#define MIP_SGEIP BIT(IRQ_S_GEXT)
#define HVIP_VS_MASK (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP)
#define MIP_LCOFIP BIT(IRQ_LCOF)

/* ---- scause ------------------------------------------------------------ */
#define CAUSE_INTERRUPT BIT(63)

#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS 1
#define EXC_ILLEGAL_INST 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_S 9 /* HS-mode when V=0 */
#define EXC_ECALL_VS 10
#define EXC_ECALL_M 11
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15
#define EXC_SW_CHECK 18
#define EXC_HW_ERROR 19
#define EXC_INST_GUEST_PAGE_FAULT 20
#define EXC_LOAD_GUEST_PAGE_FAULT 21
#define EXC_VIRTUAL_INST 22
#define EXC_STORE_GUEST_PAGE_FAULT 23
#define EXC_COUNT 24

/* ---- satp / vsatp / hgatp ---------------------------------------------- */
#define ATP_MODE_SHIFT 60
#define ATP_MODE (_UL(0xf) << ATP_MODE_SHIFT)
#define ATP_PPN (_UL(0xfffffffffff))
#define SATP_ASID_SHIFT 44
#define SATP_ASID (_UL(0xffff) << SATP_ASID_SHIFT)
#define HGATP_VMID_SHIFT 44
#define HGATP_VMID_BITS 14
#define HGATP_VMID (_UL(0x3fff) << HGATP_VMID_SHIFT)

#define ATP_MODE_BARE 0
#define ATP_MODE_SV39 8 /* Sv39x4 in hgatp */
#define ATP_MODE_SV48 9 /* Sv48x4 in hgatp */
#define ATP_MODE_SV57 10 /* Sv57x4 in hgatp */

/* ---- page-table entries ------------------------------------------------ */
#define PTE_V BIT(0)
#define PTE_R BIT(1)
#define PTE_W BIT(2)
#define PTE_X BIT(3)
#define PTE_U BIT(4)
#define PTE_G BIT(5)
#define PTE_A BIT(6)
#define PTE_D BIT(7)
#define PTE_RSW (_UL(3) << 8)
#define PTE_PPN_SHIFT 10
#define PTE_PPN (_UL(0xfffffffffff) << PTE_PPN_SHIFT)
#define PTE_PBMT (_UL(3) << 61)
#define PTE_N BIT(63)
#define PAGE_SHIFT 12
#define PAGE_SIZE (_UL(1) << PAGE_SHIFT)

/* ---- counter enables (scounteren, hcounteren) -------------------------- */
#define COUNTEREN_CY BIT(0)
#define COUNTEREN_TM BIT(1)
#define COUNTEREN_IR BIT(2)

/* ---- henvcfg / senvcfg --------------------------------------------------- */
#define ENVCFG_FIOM BIT(0)
#define ENVCFG_LPE BIT(2) /* Zicfilp landing pads */
#define ENVCFG_SSE BIT(3) /* Zicfiss shadow stacks */
#define ENVCFG_CBIE (_UL(3) << 4)
#define ENVCFG_CBCFE BIT(6)
#define ENVCFG_CBZE BIT(7)
/* Ssnpm pointer masking: PMM [33:32], 00 off, 10 PMLEN=7, 11 PMLEN=16 */
#define ENVCFG_PMM_SHIFT 32
#define ENVCFG_PMM (_UL(3) << ENVCFG_PMM_SHIFT)
#define ENVCFG_PMM_PMLEN7 (_UL(2) << ENVCFG_PMM_SHIFT)
#define ENVCFG_PMM_PMLEN16 (_UL(3) << ENVCFG_PMM_SHIFT)
#define ENVCFG_DTE BIT(59) /* Ssdbltrp double trap */
#define ENVCFG_ADUE BIT(61)
#define ENVCFG_PBMTE BIT(62)
#define ENVCFG_STCE BIT(63)

/* ---- XLEN fields (misa.MXL, sstatus.UXL, hstatus.VSXL) ------------------ */
#define SSTATUS_UXL_SHIFT 32
#define XLEN_ENC_32 1 /* encoding of XLEN=32 (spec "Machine ISA Register") */
#define XLEN_ENC_64 2

/* ---- htinst pseudoinstructions (spec "Transformed Instruction or
 * Pseudoinstruction for htinst"): a guest-page fault on an implicit
 * VS-stage page-table access, read or write (A/D update), 32/64-bit PTE. */
#define HTINST_PSEUDO_READ32 0x00002000
#define HTINST_PSEUDO_READ64 0x00003000
#define HTINST_PSEUDO_WRITE32 0x00002020
#define HTINST_PSEUDO_WRITE64 0x00003020

/* ---- hstateen0 (Smstateen: "State Enable Extension"): a VS-mode access
 * to state whose bit is 0 raises a virtual-instruction exception. */
#define STATEEN0_ENVCFG BIT(62) /* senvcfg */
#define STATEEN0_SE0 BIT(63)	/* sstateen0 */
/* Ssaia's VS state (AIA "Smstateen"): siselect/sireg (CSRIND), the rest
 * of Ssaia (AIA), the IMSIC through sireg and stopei (IMSIC) */
#define STATEEN0_CSRIND BIT(60)
#define STATEEN0_AIA BIT(59)
#define STATEEN0_IMSIC BIT(58)

/* ---- stvec / vstvec (spec "Supervisor Trap Vector Base Address") ------ */
#define TVEC_MODE _UL(3)
#define TVEC_MODE_VECTORED 1 /* interrupts go to BASE + 4 * cause */
#define TVEC_VECTOR_BYTES 4  /* the "4" of BASE + 4 * cause */

/* ---- instruction fields (Unprivileged ISA "Base Instruction Formats") ---
 * rs1 is bits 19:15; a transformed HLV/HSV in htinst has it zeroed (spec
 * "Transformed Instruction or Pseudoinstruction for htinst"). */
#define INSN_RS1_SHIFT 15
#define INSN_RS1_FIELD (_UL(0x1f) << INSN_RS1_SHIFT)

/* ---- hgatp MODE (spec "hgatp"): the x4 modes share satp's encodings ---- */
#define HGATP_MODE_SV39X4 ATP_MODE_SV39
#define HGATP_MODE_SV48X4 ATP_MODE_SV48
#define HGATP_MODE_SV57X4 ATP_MODE_SV57

#endif /* RVNEST_ENCODING_H */
