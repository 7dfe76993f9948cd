/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fake L0/L1 world for the shadow tests: L0's map of L1 (regions of L1
 * guest-physical memory backed by host memory), L1 table memory held in a
 * buffer, and the shadow's table pool.
 */
#ifndef SHADOW_TEST_WORLD_H
#define SHADOW_TEST_WORLD_H

#include <shadow.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KIB 1024ULL
#define MIB (1024 * KIB)
#define GIB (1024 * MIB)

#define WORLD_MAX_REGIONS 8

struct world_region {
	uint64_t gpa; /* L1 GPA */
	uint64_t size;
	uint64_t host; /* host PA of gpa */
	uint64_t perm; /* PTE_R/W/X L0 grants */
};

struct world {
	struct world_region reg[WORLD_MAX_REGIONS];
	unsigned nreg;
	/* L1 table memory: L1 GPA tbuf_gpa.., stored in tbuf */
	uint8_t *tbuf;
	uint64_t tbuf_gpa;
	uint64_t tbuf_size;
	uint64_t tnext;
	/* shadow pool */
	uint8_t *pool;
	uint64_t pool_pa;
	uint64_t pool_size;
	struct shadow s;
	struct shadow_config cfg;
	unsigned cas_fail; /* make the next cas_host64 calls lose a race */
};

/* The standard map used by the tests (see world.c). */
enum world_region_id {
	RAM_A,	  /* 1 GiB at L1 GPA 2 GiB, host 1 GiB aligned, RWX; tables */
	RAM_B,	  /* 4 MiB at 4 GiB, host only 1 MiB aligned, RWX */
	RAM_C,	  /* 4 MiB at 4 GiB + 4 MiB, host 2 MiB aligned, R+X (ROM) */
	RAM_X,	  /* 64 KiB at 8 GiB, execute only */
	RAM_HIGH, /* 2 MiB at 2^50: above an Sv48x4 shadow's reach */
	WORLD_NREGIONS,
};

#define MMIO_GPA 0x10000000ULL /* not L1 RAM */

/* Devices L0 passes through to L1 (cfg.devices), in world_init's order. */
enum world_device_id {
	DEV_UART, /* one RW page at L1 GPA 0x20000000, host 0x30000000 */
	DEV_ROM,  /* one read-only page at 0x20001000, host 0x30005000 */
	DEV_BAR,  /* 4 MiB RW at 0x40000000, host 0x60000000 (2M-aligned) */
	WORLD_NDEVICES,
};
#define DEV_UART_GPA 0x20000000ULL
#define DEV_ROM_GPA 0x20001000ULL
#define DEV_BAR_GPA 0x40000000ULL
#define POOL_PA 0x900000000ULL

/* Create the world with a pool of pool_size bytes and a shadow in `mode`.
 * Returns false if shadow_init refused. */
bool world_init(struct world *w, uint64_t pool_size, enum pt_mode mode,
		enum shadow_hgatp_warl warl);
void world_fini(struct world *w);

/* L1 table memory as a pt_mem (L1 GPAs), for pt_map/pt_walk. */
struct pt_mem world_l1_mem(struct world *w);
/* Allocate a zeroed L1 table (4 KiB or 16 KiB); returns its L1 GPA. */
uint64_t world_l1_table(struct world *w, uint64_t size);
/* Raw PTE access in L1 table memory. */
void world_l1_set(struct world *w, uint64_t gpa, uint64_t pte);
uint64_t world_l1_get(struct world *w, uint64_t gpa);
/* Forget all L1 tables. */
void world_l1_reset(struct world *w);

/* Host address h .. h+len-1 lies inside one region's backing with perms
 * that include `perm`. */
bool world_host_is_l1_ram(const struct world *w, uint64_t h, uint64_t len,
			  uint64_t perm);
/* The same for L1 RAM or a device passed through to L1 (the invariant). */
bool world_host_is_l1_mem(const struct world *w, uint64_t h, uint64_t len,
			  uint64_t perm);

/* What a shadow leaf (shadow_for_each_leaf's slot, gpa -> host, size,
 * pte) breaks, checked in this order; the fuzz target and the unit fuzz
 * test hold every leaf to them. */
enum world_leaf_fault {
	WORLD_LEAF_OK,
	WORLD_LEAF_SLOT,       /* slot >= SHADOW_SLOTS */
	WORLD_LEAF_OUTSIDE_L1, /* INVARIANT: not L1 RAM or an L1 device
				* within L0's permissions (DESIGN.md 4) */
	WORLD_LEAF_MALFORMED,  /* not a well-formed G-stage leaf */
	WORLD_LEAF_STALE,      /* disagrees with a fresh composition */
};

/* Check one leaf of w's shadow. Composition (both ends of the page
 * translated afresh) is compared only when `consistent` (L1 fenced after
 * its last change) and the leaf is in the current slot. On a fault, why
 * (whylen bytes) says what and where in one line. */
enum world_leaf_fault world_check_leaf(struct world *w, bool consistent,
				       unsigned slot, uint64_t gpa,
				       uint64_t host, uint64_t size,
				       uint64_t pte, char *why, size_t whylen);

uint64_t pte_leaf(uint64_t pa, uint64_t flags);
uint64_t pte_ptr(uint64_t pa);

#endif
