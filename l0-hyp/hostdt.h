/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What L0 learns from the host device tree (the one OpenSBI passes in a1):
 * memory, reserved ranges, harts, timebase, console UART, PLIC, ISA, and
 * /chosen (bootargs, the initrd QEMU placed = the L1 image).
 */
#ifndef L0_HOSTDT_H
#define L0_HOSTDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define L0_MAX_MEM_REGIONS 8
#define L0_MAX_RESERVED 32
#define L0_MAX_ISA_EXT 128
#define L0_PATH_MAX 128
#define L0_MAX_HOST_HARTS 16
/* single-letter extensions in a riscv,isa string: one per letter */
#define L0_ISA_LETTERS_MAX 26

struct l0_range {
	uint64_t base, size;
};

/* ISA extensions L0 itself depends on or virtualises, looked up once. */
enum l0_isa_feature {
	L0_ISA_H,
	L0_ISA_SSTC,
	L0_ISA_ZICBOM,
	L0_ISA_ZICBOZ,
	L0_ISA_SVADU,
	L0_ISA_SVPBMT,
	L0_ISA_F,
	L0_ISA_D,
	L0_ISA_V,
	L0_ISA_SMSTATEEN,
	L0_ISA_SSCOFPMF,
	L0_ISA_SSAIA,
	L0_ISA_FEATURE_COUNT,
};

/* One window of a PCI host bridge's "ranges" (PCI bus binding: the
 * child address's phys.hi space code 01 I/O, 10 32-bit memory, 11 64-bit
 * memory): PCI bus address pci, CPU address cpu, size bytes. */
struct l0_pci_window {
	uint64_t pci, cpu, size;
	bool prefetch;
};

enum l0_pci_space {
	L0_PCI_SPACE_IO,
	L0_PCI_SPACE_MEM32,
	L0_PCI_SPACE_MEM64,
	L0_PCI_SPACE_COUNT,
};

/* Where the RISC-V IOMMU is: a PCI function ("riscv,pci-iommu", a child
 * of the host bridge whose reg names its bus/device/function) or a
 * platform device ("riscv,iommu", its registers at reg). */
enum l0_iommu_kind {
	L0_IOMMU_NONE,
	L0_IOMMU_PCI,
	L0_IOMMU_PLATFORM,
};

struct l0_host_pci {
	bool has_pci; /* a "pci-host-ecam-generic" node */
	struct l0_range ecam;
	uint32_t bus_lo, bus_hi; /* bus-range (default 0..ecam size / 1M - 1) */
	struct l0_pci_window win[L0_PCI_SPACE_COUNT];
	bool has_win[L0_PCI_SPACE_COUNT];
	bool has_intx_map; /* interrupt-map present (INTx to the PLIC) */
	char path[L0_PATH_MAX];
	enum l0_iommu_kind iommu;
	uint16_t iommu_bdf;	    /* L0_IOMMU_PCI: bus << 8 | dev << 3 | fn */
	struct l0_range iommu_regs; /* L0_IOMMU_PLATFORM */
	char iommu_path[L0_PATH_MAX];
};

struct l0_platform {
	const void *fdt;
	uint64_t fdt_pa, fdt_size;

	struct l0_range mem[L0_MAX_MEM_REGIONS];
	unsigned nmem;
	/* /reserved-memory children and the FDT memory-reservation block */
	struct l0_range resv[L0_MAX_RESERVED];
	unsigned nresv;

	unsigned long boot_hartid;
	int boot_cpu_off; /* node offset in the host FDT */
	uint32_t boot_intc_phandle;
	/* every enabled hart: hart[0] is the boot hart, then tree order */
	struct l0_host_hart {
		unsigned long hartid;
		uint32_t intc_phandle;
	} hart[L0_MAX_HOST_HARTS];
	unsigned ncpus;
	uint32_t timebase;

	bool has_uart;
	struct l0_range uart;
	char uart_path[L0_PATH_MAX];

	bool has_plic;
	struct l0_range plic;
	uint32_t plic_ndev;
	int plic_s_context; /* the boot hart's S-mode context (-1: none) */
	char plic_path[L0_PATH_MAX];

	/* AIA (RISC-V Advanced Interrupt Architecture), parsed by aia_dt.c:
	 * the S-level IMSIC (the "riscv,imsics" node whose
	 * interrupts-extended names the boot hart's controller with
	 * IRQ_S_EXT) and the APLIC domain whose msi-parent is that IMSIC (the
	 * S domain, delivering by MSI). has_aia only when both are there. */
	bool has_aia;
	uint32_t imsic_num_ids;	   /* identities 1..num_ids */
	uint64_t imsic_file;	   /* the boot hart's S-level file */
	uint32_t imsic_hart_index; /* that file's hart index (APLIC target) */
	/* riscv,guest-index-bits: hart h's guest file k is at
	 * imsic_hart_file[h] + k * 4 KiB, k = 1..GEILEN */
	uint32_t imsic_guest_bits;
	/* each host hart's S file (hart[] order; 0: the IMSIC has none) */
	uint64_t imsic_hart_file[L0_MAX_HOST_HARTS];
	struct l0_range aplic;
	uint32_t aplic_nsources;
	uint32_t aplic_phandle;
	char imsic_path[L0_PATH_MAX], aplic_path[L0_PATH_MAX];
	/* the UART's source on that APLIC (0: none) and its sense, as the
	 * DT's second interrupt cell gives it (IRQ_TYPE_*: 1 rising edge,
	 * 2 falling edge, 4 level high, 8 level low) */
	uint32_t uart_irq, uart_irq_type;

	/* ISA: extension names (pointers into the FDT, or into isa_buf when
	 * they came from a "riscv,isa" string) */
	const char *isa_ext[L0_MAX_ISA_EXT];
	unsigned nisa_ext;
	char isa_buf[1024];
	char isa_letters[L0_ISA_LETTERS_MAX][2];
	unsigned nisa_letters;
	bool isa[L0_ISA_FEATURE_COUNT];
	const char *mmu_type;

	/* The PCIe host bridge and the RISC-V IOMMU (pci_dt.c): only what
	 * l1.pci needs; has_pci/has_iommu stay false without them. */
	struct l0_host_pci pci;

	bool has_fwcfg; /* QEMU fw_cfg ("qemu,fw-cfg-mmio") */
	struct l0_range fwcfg;

	bool has_initrd;
	struct l0_range initrd;
	const char *bootargs;
};

enum l0_hostdt_status {
	L0_HOSTDT_OK,
	L0_HOSTDT_BAD, /* err holds a one-line reason */
};

/* Validate and parse the host FDT at `fdt_pa`. */
enum l0_hostdt_status l0_hostdt_parse(uint64_t fdt_pa, unsigned long hartid,
				      struct l0_platform *p, char *err,
				      size_t errlen);

/* The `idx`th (address, size) pair of `node`'s "reg". */
enum l0_hostdt_status l0_hostdt_read_reg(const void *fdt, int node, int idx,
					 struct l0_range *r, char *err,
					 size_t errlen);

/* The AIA part of the host DT (aia_dt.c), after the cpus and the UART:
 * nothing when the tree has no S-level IMSIC; an error naming the node for
 * one that is malformed. */
enum l0_hostdt_status l0_hostdt_parse_aia(const void *fdt,
					  struct l0_platform *p, char *err,
					  size_t errlen);

/* The PCIe host bridge and the IOMMU (pci_dt.c): nothing when the tree
 * has no "pci-host-ecam-generic" node and no IOMMU; an error naming the
 * node and property for one that is malformed. */
enum l0_hostdt_status l0_hostdt_parse_pci(const void *fdt,
					  struct l0_platform *p, char *err,
					  size_t errlen);

/* The DT name of an ISA feature ("sstc"). */
const char *l0_isa_feature_name(enum l0_isa_feature f);

#endif /* L0_HOSTDT_H */
