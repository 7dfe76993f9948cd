/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L0's driver for the RISC-V IOMMU (the ratified RISC-V IOMMU
 * Architecture Specification 1.0; QEMU's riscv-iommu-pci and the
 * platform one of virt,iommu-sys=on): a device directory whose device
 * contexts give every function assigned to L1 a second stage that is L1's
 * G-stage itself (iohgatp = L1's hgatp root and mode, GSCID = L1's VMID,
 * first stage Bare), a command queue for the invalidations L0 owes the
 * IOMMU after changing that G-stage, and a fault queue L0 polls and
 * reports as `RVNEST iommu_fault` lines.
 */
#ifndef L0_IOMMU_H
#define L0_IOMMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rvnest/pt.h>

/* The register file (IOMMU spec "Register layout": 4 KiB) */
#define L0_IOMMU_REGS_SIZE 4096UL

/* Register offsets (IOMMU spec "Register layout") */
#define IOMMU_REG_CAPS 0x00
#define IOMMU_REG_FCTL 0x08
#define IOMMU_REG_DDTP 0x10
#define IOMMU_REG_CQB 0x18
#define IOMMU_REG_CQH 0x20
#define IOMMU_REG_CQT 0x24
#define IOMMU_REG_FQB 0x28
#define IOMMU_REG_FQH 0x30
#define IOMMU_REG_FQT 0x34
#define IOMMU_REG_CQCSR 0x48
#define IOMMU_REG_FQCSR 0x4c
#define IOMMU_REG_IPSR 0x54

/* capabilities */
#define IOMMU_CAPS_VERSION_MASK 0xffULL
#define IOMMU_CAPS_SV39X4 (1ULL << 17)
#define IOMMU_CAPS_SV48X4 (1ULL << 18)
#define IOMMU_CAPS_MSI_FLAT (1ULL << 22)
/* fctl */
#define IOMMU_FCTL_BE (1U << 0)
#define IOMMU_FCTL_GXL (1U << 2)
/* ddtp */
#define IOMMU_DDTP_MODE_MASK 0xfULL
#define IOMMU_DDTP_BUSY (1ULL << 4)
#define IOMMU_DDTP_PPN_SHIFT 10
enum iommu_ddtp_mode {
	IOMMU_DDTP_OFF = 0,
	IOMMU_DDTP_BARE = 1,
	IOMMU_DDTP_1LVL = 2,
	IOMMU_DDTP_2LVL = 3,
	IOMMU_DDTP_3LVL = 4,
};
/* cqcsr / fqcsr ("Command-queue CSR", "Fault queue CSR") */
#define IOMMU_QCSR_EN (1U << 0)
#define IOMMU_QCSR_MF (1U << 8)
#define IOMMU_CQCSR_CMD_TO (1U << 9)
#define IOMMU_CQCSR_CMD_ILL (1U << 10)
#define IOMMU_FQCSR_OF (1U << 9)
#define IOMMU_QCSR_ON (1U << 16)
#define IOMMU_QCSR_BUSY (1U << 17)
/* cqb / fqb: LOG2SZ-1 in [4:0], PPN from bit 10 */
#define IOMMU_QB_PPN_SHIFT 10

/* Device context ("Device-context fields") */
#define IOMMU_DC_TC_V (1ULL << 0)
#define IOMMU_ATP_MODE_SHIFT 60
#define IOMMU_IOHGATP_GSCID_SHIFT 44
#define IOMMU_IOHGATP_GSCID_MASK 0xffffULL
/* iohgatp.MODE: the hgatp encodings (8 Sv39x4, 9 Sv48x4) with fctl.GXL=0 */
#define IOMMU_IOHGATP_SV39X4 8ULL
#define IOMMU_IOHGATP_SV48X4 9ULL
/* a non-leaf DDT entry: V, PPN from bit 10 */
#define IOMMU_DDTE_V 1ULL

/* Commands ("Command Queue"): opcode [6:0], func3 [9:7] */
#define IOMMU_CMD_FUNC_SHIFT 7
#define IOMMU_CMD_IOTINVAL 1
#define IOMMU_CMD_IOTINVAL_GVMA 1
#define IOMMU_CMD_IOTINVAL_GV (1ULL << 33)
#define IOMMU_CMD_IOTINVAL_GSCID_SHIFT 44
#define IOMMU_CMD_IOFENCE 2
#define IOMMU_CMD_IOFENCE_C 0
#define IOMMU_CMD_IOFENCE_AV (1ULL << 10)
#define IOMMU_CMD_IOFENCE_PR (1ULL << 12)
#define IOMMU_CMD_IOFENCE_PW (1ULL << 13)
#define IOMMU_CMD_IOFENCE_DATA_SHIFT 32
#define IOMMU_CMD_IODIR 3
#define IOMMU_CMD_IODIR_INVAL_DDT 0

/* Fault record ("Fault/Event-Queue"): CAUSE [11:0], TTYP [39:34], DID
 * [63:40] in the first doubleword; iotval, iotval2 in the third and
 * fourth */
#define IOMMU_FQ_CAUSE_MASK 0xfffULL
#define IOMMU_FQ_TTYP_SHIFT 34
#define IOMMU_FQ_TTYP_MASK 0x3fULL
#define IOMMU_FQ_DID_SHIFT 40

#define L0_IOMMU_MAX_DEVICES 16
/* pages for the device directory: a root, a middle and a leaf table per
 * distinct index above DDI[0] (bus 0 needs one of each) */
#define L0_IOMMU_DDT_PAGES 8
#define L0_IOMMU_CQ_LOG2 8 /* 256 commands of 16 bytes: one page */
/* 1024 records of 32 bytes (32 KiB): QEMU's IOMMU reports a stray DMA
 * once per access (4 bytes), so one 512-byte sector is 128 records */
#define L0_IOMMU_FQ_LOG2 10

struct l0_iommu {
	uint64_t regs; /* host address of the register file */
	uint64_t caps;
	bool ext_dc; /* 64-byte device contexts (capabilities.MSI_FLAT) */
	enum iommu_ddtp_mode mode;
	uint64_t ddt_root;
	unsigned ddt_used;
	uint32_t cq_tail;
	uint32_t fence_seq;
	/* the G-stage the device contexts use */
	uint64_t gstage_root;
	enum pt_mode gstage_mode;
	unsigned gscid;
	uint16_t dev[L0_IOMMU_MAX_DEVICES];
	unsigned ndev;
	/* counters (the RVNEST l0pci line) */
	uint64_t faults, commands, invalidations, fq_overflows;
	unsigned depth; /* for protocol lines */
};

enum l0_iommu_status {
	L0_IOMMU_OK,
	L0_IOMMU_BAD, /* err holds a one-line reason */
};

/* Take over the IOMMU whose registers are at `regs`: check it can use
 * L1's G-stage (mode, little-endian, 64-bit G-stage), enable the command
 * and fault queues, build device contexts for the `ndev` device IDs in
 * `dev` with the G-stage (`root`, `mode`, `gscid`), point ddtp at them
 * and invalidate what the IOMMU may have cached. */
enum l0_iommu_status l0_iommu_init(struct l0_iommu *m, uint64_t regs,
				   const uint16_t *dev, unsigned ndev,
				   uint64_t root, enum pt_mode mode,
				   unsigned gscid, char *err, size_t errlen);

/* After L0 changed L1's G-stage: IOTINVAL.GVMA for L1's GSCID, then an
 * IOFENCE.C that L0 waits for. */
enum l0_iommu_status l0_iommu_invalidate_gstage(struct l0_iommu *m, char *err,
						size_t errlen);

/* Read the fault queue: one `RVNEST iommu_fault` line per record; returns
 * how many. */
unsigned l0_iommu_poll_faults(struct l0_iommu *m);

/* Name of a fault cause (IOMMU spec "Fault causes"), "unknown" else. */
const char *l0_iommu_cause_name(unsigned cause);

/* Device-directory index of `did` at `level` (0 = leaf) for the format
 * (IOMMU spec "Device-Directory-Table"): base DC DDI[0] = did[6:0],
 * DDI[1] = did[15:7], DDI[2] = did[23:16]; extended DDI[0] = did[5:0],
 * DDI[1] = did[14:6], DDI[2] = did[23:15]. */
unsigned l0_iommu_ddi(uint32_t did, unsigned level, bool ext_dc);
/* Encodings (iommu_ddt.c): a command is two doublewords. */
struct l0_iommu_cmd {
	uint64_t d0, d1;
};

/* iohgatp for a G-stage rooted at `root` (16 KiB aligned) in `mode`. */
uint64_t l0_iommu_iohgatp(uint64_t root, enum pt_mode mode, unsigned gscid);
/* IOTINVAL.GVMA of every address of one GSCID. */
struct l0_iommu_cmd l0_iommu_cmd_iotinval_gvma(unsigned gscid);
/* IODIR.INVAL_DDT of every device ID. */
struct l0_iommu_cmd l0_iommu_cmd_iodir_inval_ddt_all(void);
/* IOFENCE.C with AV = 1, PR = PW = 1: `data` to the 4-byte word at
 * `addr` once every earlier command is done. */
struct l0_iommu_cmd l0_iommu_cmd_iofence_c(uint64_t addr, uint32_t data);

/* The fewest ddtp levels that index every device ID up to max_did. */
enum iommu_ddtp_mode l0_iommu_ddt_mode_for(uint32_t max_did, bool ext_dc);

#endif /* L0_IOMMU_H */
