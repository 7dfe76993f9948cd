/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SBI Debug Triggers extension (SBI spec "Debug Triggers Extension", EID
 * 0x44425452 "DBTR", SBI 3.0) and the Sdtrig encodings its trigger
 * configurations use (RISC-V Debug Specification 1.0, "Sdtrig": tdata1 as
 * mcontrol, type 2, and mcontrol6, type 6; RV64 only). Shared by the
 * callers (the conformance payload, L0 calling OpenSBI) and sbi-nested.
 */
#ifndef RVNEST_DBTR_H
#define RVNEST_DBTR_H

/* Function IDs ("Function Listing") */
#define SBI_DBTR_NUM_TRIGGERS 0
#define SBI_DBTR_SET_SHMEM 1
#define SBI_DBTR_READ_TRIGGERS 2
#define SBI_DBTR_INSTALL_TRIGGERS 3
#define SBI_DBTR_UPDATE_TRIGGERS 4
#define SBI_DBTR_UNINSTALL_TRIGGERS 5
#define SBI_DBTR_ENABLE_TRIGGERS 6
#define SBI_DBTR_DISABLE_TRIGGERS 7

/* set_shmem: both halves all-ones disable the shared memory; the base is
 * XLEN / 8 bytes aligned and the memory trig_max * (XLEN / 2) bytes */
#define SBI_DBTR_SHMEM_DISABLE (~0UL)
#define SBI_DBTR_SHMEM_ALIGN 8UL
/* one entry: four XLEN-bit words (read: state, tdata1..3; install and
 * update: trig_idx, tdata1..3) */
#define SBI_DBTR_ENTRY_WORDS 4
#define SBI_DBTR_ENTRY_BYTES 32UL
#define SBI_DBTR_WORD_IDX 0   /* install/update: trig_idx */
#define SBI_DBTR_WORD_STATE 0 /* read: trig_state */
#define SBI_DBTR_WORD_TDATA1 1
#define SBI_DBTR_WORD_TDATA2 2
#define SBI_DBTR_WORD_TDATA3 3

/* trig_state ("Debug Trigger State Fields") */
#define SBI_DBTR_STATE_MAPPED (1UL << 0)
#define SBI_DBTR_STATE_U (1UL << 1)
#define SBI_DBTR_STATE_S (1UL << 2)
#define SBI_DBTR_STATE_VU (1UL << 3)
#define SBI_DBTR_STATE_VS (1UL << 4)
#define SBI_DBTR_STATE_HAVE_HW (1UL << 5)
#define SBI_DBTR_STATE_HW_SHIFT 8

/* tdata1, every type (Sdtrig "tdata1"): type [XLEN-1:XLEN-4], dmode
 * [XLEN-5] */
#define SDTRIG_TYPE_SHIFT 60
#define SDTRIG_TYPE_MASK 0xfUL
#define SDTRIG_TYPE(t1) (((t1) >> SDTRIG_TYPE_SHIFT) & SDTRIG_TYPE_MASK)
#define SDTRIG_DMODE (1UL << 59)
/* trigger types */
#define SDTRIG_TYPE_NONE 0
#define SDTRIG_TYPE_MCONTROL 2
#define SDTRIG_TYPE_ICOUNT 3
#define SDTRIG_TYPE_MCONTROL6 6
#define SDTRIG_TYPE_DISABLED 15

/* bits mcontrol and mcontrol6 share (Sdtrig "mcontrol", "mcontrol6") */
#define SDTRIG_LOAD (1UL << 0)
#define SDTRIG_STORE (1UL << 1)
#define SDTRIG_EXECUTE (1UL << 2)
#define SDTRIG_U (1UL << 3)
#define SDTRIG_S (1UL << 4)
#define SDTRIG_M (1UL << 6)
#define SDTRIG_MATCH_SHIFT 7
#define SDTRIG_MATCH (0xfUL << 7)
#define SDTRIG_CHAIN (1UL << 11)
#define SDTRIG_ACTION_SHIFT 12
#define SDTRIG_ACTION (0xfUL << 12)
#define SDTRIG_ACTION_BREAKPOINT 0UL /* raise a breakpoint exception */
/* mcontrol (type 2) only */
#define SDTRIG_MC_SIZELO_SHIFT 16
#define SDTRIG_MC_SIZELO (3UL << 16)
#define SDTRIG_MC_TIMING (1UL << 18)
#define SDTRIG_MC_SELECT (1UL << 19)
#define SDTRIG_MC_HIT (1UL << 20)
#define SDTRIG_MC_SIZEHI_SHIFT 21
#define SDTRIG_MC_SIZEHI (3UL << 21)
/* mcontrol6 (type 6) only */
#define SDTRIG_MC6_UNCERTAINEN (1UL << 5)
#define SDTRIG_MC6_SIZE_SHIFT 16
#define SDTRIG_MC6_SIZE (7UL << 16)
#define SDTRIG_MC6_SELECT (1UL << 21)
#define SDTRIG_MC6_HIT0 (1UL << 22)
#define SDTRIG_MC6_VU (1UL << 23)
#define SDTRIG_MC6_VS (1UL << 24)
#define SDTRIG_MC6_HIT1 (1UL << 25)
#define SDTRIG_MC6_UNCERTAIN (1UL << 26)

#endif /* RVNEST_DBTR_H */
