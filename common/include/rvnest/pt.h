/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one RISC-V page-table walker, parameterised by mode. It serves
 * l1-guest-hyp's G-stage, L0's G-stage for L1, the shadow G-stage fill
 * (reading L1's tables) and HLV/HSV emulation (VS-stage walks).
 *
 * Tables live in "physical" memory that the walker reaches only through
 * struct pt_mem callbacks, so the same code runs on bare metal (identity)
 * and in host unit tests (a buffer), and can read a guest's tables through
 * another translation.
 *
 * Spec: Privileged ISA, "Sv39/Sv48/Sv57" (virtual-address translation
 * process) and "Two-Stage Address Translation" (the x4 modes: the root
 * table is 16 KiB and the guest physical address has 2 extra bits).
 */
#ifndef RVNEST_PT_H
#define RVNEST_PT_H

#include <stdbool.h>
#include <stdint.h>

enum pt_mode {
	PT_BARE,
	PT_SV39,
	PT_SV48,
	PT_SV57,
	PT_SV39X4,
	PT_SV48X4,
	PT_SV57X4,
};

/* Kind of access being translated (decides which permission is checked). */
enum pt_access {
	PT_ACCESS_READ,
	PT_ACCESS_WRITE,
	PT_ACCESS_EXEC,
	PT_ACCESS_READ_EXEC, /* HLVX: execute permission stands in for read */
};

/* Result of a walk: named, never an integer explained in a comment. */
enum pt_walk_status {
	PT_WALK_OK,
	PT_WALK_INVALID, /* V=0, reserved encoding, or misaligned superpage */
	PT_WALK_DENIED,	 /* leaf found, permission does not allow access,
			  * or A=0 / (store and D=0) without update_ad */
	PT_WALK_ACCESS_FAULT, /* a table read (or the A/D write) failed:
			       * pt_mem said no */
	PT_WALK_ADDR_RANGE,   /* address not canonical / wider than the mode */
};

struct pt_mem {
	void *ctx;
	/* Read/write one 8-byte PTE at physical address pa. Return false when
	 * pa is not memory the walker may touch (becomes an access fault). */
	bool (*read_pte)(void *ctx, uint64_t pa, uint64_t *pte);
	bool (*write_pte)(void *ctx, uint64_t pa, uint64_t pte);
	/* Allocate a zeroed, naturally aligned table of `size` bytes (4 KiB,
	 * or 16 KiB for an x4 root); return its physical address or 0. */
	uint64_t (*alloc_table)(void *ctx, uint64_t size);
};

/* Walk options: U-mode access, SUM, MXR (VS-stage); whether to set A/D in
 * the PTE (Svadu with menvcfg/henvcfg.ADUE=1, which QEMU enables by
 * default) or to treat A=0 / (write and D=0) as a fault (Svade). */
struct pt_walk_opts {
	bool user;	/* access from U-mode */
	bool sum;	/* sstatus.SUM */
	bool mxr;	/* sstatus.MXR */
	bool gstage;	/* G-stage rules: every leaf must have U=1 */
	bool update_ad; /* set A (and D on write) instead of faulting */
	bool svpbmt;	/* PBMT 1-2 allowed in leaves (else reserved) */
};

struct pt_walk_result {
	enum pt_walk_status status;
	uint64_t pa;	    /* translated address (OK) */
	uint64_t pte;	    /* leaf PTE (OK or DENIED) */
	uint64_t pte_pa;    /* where the leaf PTE lives */
	unsigned level;	    /* 0 = 4 KiB leaf, 1 = 2 MiB, 2 = 1 GiB, ... */
	uint64_t page_size; /* size of the leaf's page */
};

/* Mode geometry */
unsigned pt_levels(enum pt_mode mode);
uint64_t pt_root_size(enum pt_mode mode); /* 4096, or 16384 for x4 */
unsigned pt_va_bits(enum pt_mode mode);	  /* 39, 41 for Sv39x4, ... */
bool pt_mode_from_atp(uint64_t atp_mode, bool gstage, enum pt_mode *out);

/* Walk `va` in the table rooted at root_pa. opts may be NULL (all false).
 * PT_BARE translates va to itself (OK, page_size 4 KiB, pte 0). Svnapot is
 * not implemented, so a PTE with N=1 is invalid. */
struct pt_walk_result pt_walk(enum pt_mode mode, const struct pt_mem *mem,
			      uint64_t root_pa, uint64_t va,
			      enum pt_access access,
			      const struct pt_walk_opts *opts);

/* Map [va, va+size) to [pa, pa+size) with PTE permission bits `flags`
 * (PTE_R/W/X/U/G/A/D; V is added). va and pa must be 4 KiB aligned; a
 * partial last page is mapped whole. Uses the largest page size that the
 * alignment of va, pa and the remaining size allow, never larger than
 * max_page (0 = no limit). Returns 0, or -1 if a table could not be
 * allocated or an existing mapping would be split. */
int pt_map(enum pt_mode mode, const struct pt_mem *mem, uint64_t root_pa,
	   uint64_t va, uint64_t pa, uint64_t size, uint64_t flags,
	   uint64_t max_page);

/* Remove the mappings covering [va, va+size). A superpage leaf that only
 * partly overlaps the range is removed whole; emptied tables are kept. */
void pt_unmap(enum pt_mode mode, const struct pt_mem *mem, uint64_t root_pa,
	      uint64_t va, uint64_t size);

#endif /* RVNEST_PT_H */
