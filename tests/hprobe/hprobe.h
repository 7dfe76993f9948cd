/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hprobe: the differential conformance suite for the H extension (issue 4
 * item 7). Private header, shared by the C files and the assembly.
 */
#ifndef HPROBE_H
#define HPROBE_H

#include <rvnest/encoding.h>

#include "csr_list.h"

/* a7 values of the two ecalls by which guest code hands control back to
 * HS-mode (ASCII "HPRX", "HPRV"); a probe body that executes ECALL itself
 * clears a7, so it is never taken for one of these. */
#define HP_ECALL_EXIT 0x48505258
#define HP_ECALL_VSTRAP 0x48505256

/* Trap frame: x0..x31, 8 bytes each (x0's slot is unused). */
#define HP_FRAME_SIZE (32 * 8)
/* Jump buffer: ra, sp, s0..s11. */
#define HP_JMP_WORDS 14

#define HP_STACK_SIZE 16384

/* What hp_b_fetch returns when its target executed (the code page holds
 * only RET), and the value the store bodies write. */
#define HP_FETCH_RETURNED 0x600d
#define HP_STORE_PATTERN _UL(0x1122334455667788)

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

/* hstatus.VSXL and vsstatus.UXL for a 64-bit VS/VU-mode (encoded like
 * misa.MXL, spec "Hypervisor Status Register"). */
#define HP_VSXL_64 ((unsigned long)XLEN_ENC_64 << HSTATUS_VSXL_SHIFT)
#define HP_UXL_64 ((unsigned long)XLEN_ENC_64 << SSTATUS_UXL_SHIFT)

/* ---- the probe runner (run.c) ------------------------------------------- */

/* Where a probe body runs. */
enum hp_mode {
	HP_MODE_HS, /* called directly, V=0 S-mode */
	HP_MODE_HU, /* V=0 U-mode, entered by SRET */
	HP_MODE_VS, /* V=1 S-mode, entered by SRET with hstatus.SPV=1 */
	HP_MODE_VU, /* V=1 U-mode */
};

/* Which VS-stage table vsatp points at while the probe runs. */
enum hp_vsatp {
	HP_VSATP_BARE,
	HP_VSATP_SUPER,	    /* Sv39, the image mapped supervisor (U=0) */
	HP_VSATP_USER,	    /* Sv39, the same mappings with U=1 */
	HP_VSATP_SUPER48,   /* Sv48, the supervisor table's mappings */
	HP_VSATP_HOLE_ROOT, /* Sv39 with its root at an unmapped GPA */
};

/* Which G-stage hgatp points at while the probe runs. */
enum hp_hgatp {
	HP_HGATP_BARE,
	HP_HGATP_SV39X4,   /* the image identity-mapped, test pages varied */
	HP_HGATP_SV48X4,   /* the same contents in Sv48x4 */
	HP_HGATP_FAR_ROOT, /* Sv39x4 with its root where no memory is */
};

/* How a probe ended. */
enum hp_outcome {
	HP_OUT_RETURNED, /* the body returned; obs.value is its result */
	HP_OUT_TRAP_HS,	 /* a trap into HS-mode ended it */
	HP_OUT_TRAP_VS,	 /* a trap into VS-mode ended it (hedeleg/hideleg) */
};

/* The CSR state a probe runs under. Zero-initialised fields are the
 * defaults: nothing delegated, nothing pending, Bare translation. */
struct hp_env {
	enum hp_mode mode;
	unsigned long hstatus; /* VTW/VTSR/VTVM/HU/SPVP; SPV and VSXL added */
	unsigned long hedeleg;
	unsigned long hideleg;
	unsigned long hie;
	unsigned long hvip;
	unsigned long hcounteren;
	unsigned long scounteren;
	unsigned long henvcfg;
	unsigned long vsstatus;	 /* SIE/SUM/MXR; UXL=64 is added */
	unsigned long sstatus;	 /* HS-level MXR for HLV (SPP/SPIE/SIE set by
				  * the runner) */
	unsigned long vstimecmp; /* only written when the hart has Sstc */
	unsigned long hgeie;
	/* Only written when the hart has Ssaia and an IMSIC (hp_has_aia);
	 * hstatus.VGEIN comes with env.hstatus. */
	unsigned long hvictl;
	unsigned long hviprio1;
	unsigned long hviprio2;
	unsigned long vsiselect;
	enum hp_vsatp vsatp;
	enum hp_hgatp hgatp;
};

/* What the runner saw. */
struct hp_obs {
	enum hp_outcome out;
	unsigned long value;
	unsigned long scause, stval, htval, htinst, hstatus, sstatus, sepc;
	unsigned long vscause, vstval, vsepc, vsstatus;
};

/* What a probe is specified to do: return, or trap to HS or VS with a
 * cause (the spec rule is cited where each expectation is written). */
struct hp_expect {
	enum hp_outcome out;
	unsigned long cause;
};

#define HP_RET ((struct hp_expect){HP_OUT_RETURNED, 0})
#define HP_HS(c) ((struct hp_expect){HP_OUT_TRAP_HS, (c)})
#define HP_VS(c) ((struct hp_expect){HP_OUT_TRAP_VS, (c)})

/* Which observations a probe line prints. */
enum hp_print {
	HP_PRINT_VALUE = 1,	 /* the body's return value (deterministic) */
	HP_PRINT_HTINST_ANY = 4, /* htinst not compared (a QEMU deviation) */
	HP_PRINT_HTVAL_ANY = 8,	 /* htval not compared (a QEMU deviation) */
};

typedef unsigned long (*hp_body_fn)(unsigned long arg);

extern const struct hp_env hp_env_default;
extern bool hp_has_sstc;
extern bool hp_has_svadu;
extern bool hp_has_svade;
/* Ssaia with an S-level IMSIC for the boot hart (probe_aia.c). */
extern bool hp_has_aia;
extern unsigned hp_errors;

/* Run body(arg) under env (NULL: HS-mode, touching no CSR at all). */
enum hp_outcome hp_run(const struct hp_env *env, hp_body_fn body,
		       unsigned long arg, struct hp_obs *obs);
/* Run again in env's mode without rewriting any other CSR and without
 * the fences hp_env_apply() does: what the previous run left cached in
 * the address-translation caches stays there (fence probes). */
enum hp_outcome hp_run_again(const struct hp_env *env, hp_body_fn body,
			     unsigned long arg, struct hp_obs *obs);
/* hp_run, then print the probe line and check the expectation. */
void hp_probe(const char *id, const struct hp_env *env, hp_body_fn body,
	      unsigned long arg, struct hp_expect expect, enum hp_print print);
void hp_env_apply(const struct hp_env *env);
/* Print the outcome part of a probe line (after "id=..."). */
void hp_print_obs(const struct hp_obs *obs, enum hp_print print);
void hp_check(const char *id, const struct hp_obs *obs,
	      struct hp_expect expect);

/* ---- CSR accessors (csr_table.c, bodies.S) ------------------------------ */
enum hp_csr_op {
	HP_OP_READ,
	HP_OP_RW,
	HP_OP_RS,
	HP_OP_RC,
	HP_OP_RWI,
	HP_OP_RSI,
	HP_OP_RCI,
	HP_OP_RSI0,
	HP_OP_COUNT,
};

/* The CSRs of csr_list.h with one body per instruction form (csr_table.c). */
struct hp_csr {
	const char *name;
	unsigned num;
	unsigned flags;
	unsigned long mask; /* architecturally defined bits (csr_list.h) */
	hp_body_fn op[HP_OP_COUNT];
};

extern const struct hp_csr hp_csrs[];
extern const unsigned hp_ncsrs;
const struct hp_csr *hp_csr_find(unsigned num);

/* ---- memory layout (mem.c) ------------------------------------------------
 */

/* Test pages in .hp_pages; the permissions each gets at either stage are
 * set in mem.c and documented in README.md. */
enum hp_page {
	HP_PG_DATA,  /* RWX everywhere: the HLV/HSV data page */
	HP_PG_CODE,  /* RWX everywhere, filled with RET: fetch target */
	HP_PG_GRO,   /* G-stage R only */
	HP_PG_GXO,   /* G-stage X only */
	HP_PG_GRW,   /* G-stage RW, no X */
	HP_PG_GNOU,  /* G-stage RWX with U=0 */
	HP_PG_GNA,   /* G-stage RWX with A=0 */
	HP_PG_VRO,   /* VS-stage R only */
	HP_PG_VXO,   /* VS-stage X only */
	HP_PG_VNA,   /* VS-stage RWX with A=0 */
	HP_PG_VUSER, /* VS-stage U=1 even in the supervisor table */
	HP_PG_FENCE, /* RW everywhere; the fence probes change it */
	HP_PG_COUNT,
};

/* Guest addresses with no backing page. */
#define HP_GPA_HOLE 0x90000000UL      /* not mapped in the G-stage */
#define HP_GPA_WIDE (1UL << 41)	      /* beyond Sv39x4's 41-bit GPA */
#define HP_GPA_WIDE48 (1UL << 50)     /* beyond Sv48x4's 50-bit GPA */
#define HP_GVA_GHOLE 0x40000000UL     /* VS-stage maps it to HP_GPA_HOLE */
#define HP_GVA_UNMAPPED 0x40200000UL  /* not mapped in the VS-stage */
#define HP_GVA_ALIAS_GRO 0x40400000UL /* VS RW, maps onto HP_PG_GRO */
#define HP_GVA_WALKHOLE 0xc0000000UL  /* VS non-leaf PTE -> HP_GPA_HOLE */
/* The VS-stage level-1 table of HP_GVA_WALKHOLE would live here. */
#define HP_GPA_WALK_TABLE (HP_GPA_HOLE + PAGE_SIZE)
/* A VS-stage root at an unmapped guest physical address. */
#define HP_GPA_VSROOT_HOLE (HP_GPA_HOLE + 2 * PAGE_SIZE)
/* A G-stage root where no memory or device is: far above any RAM and the
 * QEMU virt devices (64 TiB), and above any L1 RAM on L0. */
#define HP_PA_FAR (1UL << 46)
/* A physical address with nothing behind it on QEMU virt (between the
 * test/RTC devices at 0x100000-0x102000 and the CLINT at 0x2000000), and
 * in what L0 gives L1: a load or store there is an access fault. */
#define HP_PA_NOTHING 0x00200000UL
/* A guest physical address the G-stage maps onto HP_PA_NOTHING: a guest
 * access there passes both stages and then finds no memory. */
#define HP_GPA_TO_NOTHING (HP_GPA_HOLE + 3 * PAGE_SIZE)

unsigned long hp_page(enum hp_page pg);
/* Which table hp_mem_remap() changes. */
enum hp_table {
	HP_TABLE_GSTAGE,
	HP_TABLE_VS_SUPER,
};
/* Give a test page new leaf permissions in one table (no fence: the
 * caller fences as the probe requires). False if pt_map fails. */
bool hp_mem_remap(enum hp_page pg, enum hp_table t, uint64_t perm);
/* Map [pa, pa + size) identity into both G-stages (RW, U): the IMSIC
 * guest files a guest writes its MSIs to. False if pt_map fails. */
bool hp_mem_map_device(unsigned long pa, unsigned long size);
/* Build the G-stage and the two VS-stage tables; false on failure. */
bool hp_mem_init(void);
/* Fill the test pages with their known contents. */
void hp_mem_fill(void);
unsigned long hp_hgatp_value(enum hp_hgatp g);
unsigned long hp_vsatp_value(enum hp_vsatp v);

/* ---- probe groups ---------------------------------------------------------
 */
void hp_group_csr(void);
void hp_group_gpf(void);
void hp_group_vinst(void);
void hp_group_hlv(void);
void hp_group_irq(void);
void hp_group_fence(void);
void hp_group_guest(void);
void hp_group_acc(void);
void hp_group_vsirq(void);
void hp_group_l1irq(void);
void hp_group_aia(void);
/* Find Ssaia and the boot hart's IMSIC; print the dt.* lines. */
void hp_aia_detect(const void *fdt, unsigned long hartid);
/* Map the boot hart's guest interrupt files into the G-stages. */
bool hp_aia_map(void);
void hp_group_dbtr(void);

/* ---- assembly (entry.S, bodies.S) -----------------------------------------
 */
struct hp_frame {
	unsigned long x[32];
};

struct hp_jmp {
	unsigned long w[HP_JMP_WORDS];
};

/* Save the caller's context in jb and run hp_guest_tramp(arg, body,
 * lower): directly when lower is 0, else by SRET into the mode the caller
 * set up in sstatus.SPP/hstatus.SPV. Returns the value passed to
 * hp_longjmp. */
unsigned long hp_enter(struct hp_jmp *jb, hp_body_fn body, unsigned long arg,
		       unsigned long guest_sp, unsigned long lower);
void __attribute__((noreturn)) hp_longjmp(struct hp_jmp *jb, unsigned long v);
void __attribute__((noreturn)) hp_trap(struct hp_frame *f);
void __attribute__((noreturn)) hp_hs_returned(unsigned long value);
void hp_trap_entry(void);
void hp_vs_vector(void);

#define HP_BODY(name) unsigned long name(unsigned long)
HP_BODY(hp_b_ld);
HP_BODY(hp_b_lw);
HP_BODY(hp_b_c_ld);
HP_BODY(hp_b_sd);
HP_BODY(hp_b_sw);
HP_BODY(hp_b_c_sd);
HP_BODY(hp_b_fetch);
HP_BODY(hp_b_hlv_b);
HP_BODY(hp_b_hlv_bu);
HP_BODY(hp_b_hlv_h);
HP_BODY(hp_b_hlv_hu);
HP_BODY(hp_b_hlv_w);
HP_BODY(hp_b_hlv_wu);
HP_BODY(hp_b_hlv_d);
HP_BODY(hp_b_hlvx_hu);
HP_BODY(hp_b_hlvx_wu);
HP_BODY(hp_b_hsv_b);
HP_BODY(hp_b_hsv_h);
HP_BODY(hp_b_hsv_w);
HP_BODY(hp_b_hsv_d);
HP_BODY(hp_b_hfence_vvma);
HP_BODY(hp_b_hfence_gvma);
HP_BODY(hp_b_wfi);
HP_BODY(hp_b_sret);
HP_BODY(hp_b_sfence_vma);
HP_BODY(hp_b_satp_read);
HP_BODY(hp_b_satp_write);
HP_BODY(hp_b_rdcycle);
HP_BODY(hp_b_rdtime);
HP_BODY(hp_b_rdinstret);
HP_BODY(hp_b_ebreak);
HP_BODY(hp_b_ecall);
HP_BODY(hp_b_illegal);
HP_BODY(hp_b_nop);
HP_BODY(hp_b_sip_read);
HP_BODY(hp_b_sie_read);
HP_BODY(hp_b_enable_sie);
HP_BODY(hp_b_sie_then_hvip);
HP_BODY(hp_b_sie_write);
HP_BODY(hp_b_sscratch_write);
HP_BODY(hp_b_sip_clear_ssip);
HP_BODY(hp_b_sstatus_set);
/* AIA (probe_aia.c): siselect/sireg, stopei, stopi, their VS twins, and
 * the MSI store (a0 = page | identity, identity < 2048). */
HP_BODY(hp_b_sireg_read);
HP_BODY(hp_b_sireg_sel_rw);
HP_BODY(hp_b_vsireg_sel_rw);
HP_BODY(hp_b_vsireg_read);
HP_BODY(hp_b_stopei_read);
HP_BODY(hp_b_stopei_claim);
HP_BODY(hp_b_stopi_read);
HP_BODY(hp_b_vstopei_read);
HP_BODY(hp_b_vstopei_claim);
HP_BODY(hp_b_msi);
HP_BODY(hp_b_msi_wait);
extern char hp_b_msi_wait_end[];
/* Fences with operands (called from HS-mode). */
HP_BODY(hp_hfence_vvma_va);
HP_BODY(hp_hfence_vvma_asid);
#endif /* __ASSEMBLER__ */

#endif
