/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The shadow G-stage (DESIGN.md §4): the table L2 really runs on. It maps
 * L2 guest-physical addresses straight to host physical addresses by
 * composing L1's G-stage (L1's hgatp: L2 GPA -> L1 GPA) with L0's map of
 * L1 (L1 GPA -> host PA).
 *
 * It is a cache, exactly as a TLB is: entries are filled lazily on L2
 * guest-page faults and dropped on HFENCE.GVMA, on hgatp changes and when
 * the table pool runs out. The privileged spec requires L1 to execute
 * HFENCE.GVMA after changing its G-stage tables ("Hypervisor Memory-
 * Management Fence Instructions"), so L1's tables are never write-protected.
 *
 * Pure C, no hardware access: L0 supplies callbacks for its own map and
 * executes the hardware fences that the results ask for. See
 * shadow/README.md.
 *
 * INVARIANT: no shadow leaf ever maps a host address outside the regions
 * that l1_gpa_to_host reports as L1 RAM and the device pages L0 passes
 * through to L1 (cfg.devices).
 */
#ifndef SHADOW_H
#define SHADOW_H

#include <rvnest/encoding.h>
#include <rvnest/pt.h>

#include <stdbool.h>
#include <stdint.h>

/* Distinct L1 hgatp values (MODE, VMID, root) whose shadows are kept at the
 * same time; each has its own root and its own hardware VMID. */
#define SHADOW_SLOTS 4
/* Page sizes a fill can install: 4 KiB, 2 MiB, 1 GiB, 512 GiB, 256 TiB. */
#define SHADOW_LEVELS_MAX 5

/* L0's view of one L1 guest-physical address. */
struct shadow_l0_map {
	uint64_t host_pa; /* host PA backing the L1 GPA that was asked */
	uint64_t perm;	  /* PTE_R/W/X that L0's own map grants L1 */
	/* The L1 GPA range around it that is backed linearly (host_pa -
	 * l1_gpa constant) with the same perm: lets a fill use superpages. */
	uint64_t base;
	uint64_t size;
};

/* A device L0 passes through to L1 (L0's own G-stage maps it: the UART
 * today, PCI BARs later): L1 GPA range [l1_gpa, l1_gpa + size) backed by
 * the host device at host_pa with L0's permissions. An L2 page that L1
 * maps onto it is mapped to the device itself. Page aligned; never L1's
 * G-stage tables (implicit table walks read only L1 RAM). */
struct shadow_l0_device {
	uint64_t l1_gpa;
	uint64_t host_pa;
	uint64_t size;
	uint64_t perm; /* PTE_R/W/X that L0's own map grants L1 */
};

#define SHADOW_MAX_DEVICES 24

struct shadow_l0_ops {
	void *ctx;
	/* Translate an L1 GPA through L0's map. Return false when it is not
	 * L1 RAM (MMIO that L0 emulates for L1, or nothing). */
	bool (*l1_gpa_to_host)(void *ctx, uint64_t l1_gpa,
			       struct shadow_l0_map *out);
	/* Read 8 bytes of host memory that l1_gpa_to_host returned (L1's
	 * G-stage tables). */
	uint64_t (*read_host64)(void *ctx, uint64_t host_pa);
	/* Only with l1_adue: atomically replace the 8 bytes at host_pa with
	 * new if they still hold old (an AMO/LR-SC on bare metal); return
	 * whether it did. Sets A/D in L1's PTEs as Svadu hardware would. */
	bool (*cas_host64)(void *ctx, uint64_t host_pa, uint64_t old,
			   uint64_t new);
};

/* Which WARL rules L1's hgatp follows (shadow/README.md, "hgatp"). */
enum shadow_hgatp_warl {
	/* QEMU 10 (target/riscv/csr.c write_hgatp -> legalize_xatp, shared
	 * with satp): an unsupported MODE makes the whole write be ignored,
	 * as the spec requires for satp; otherwise every bit is kept as
	 * written, including VMID bits 59:58 and PPN[1:0] (measured by
	 * test_shadow_hw). The default: L1 sees on L0 what it sees on QEMU's
	 * own H extension. */
	SHADOW_HGATP_WARL_QEMU,
	/* The privileged spec, hgatp: "A write to hgatp with an unsupported
	 * MODE value is not ignored as it is for satp. Instead, the fields
	 * of hgatp are WARL in the normal way": MODE keeps its old value,
	 * VMID and PPN are written; VMID is 14 bits (bits 59:58 read 0) and
	 * in the paged modes "the lowest two bits of the physical page
	 * number (PPN) in hgatp always read as zeros". */
	SHADOW_HGATP_WARL_SPEC,
};

struct shadow_config {
	struct shadow_l0_ops l0;
	/* Table pool: host PA, size and where L0 can access it (identity on
	 * bare metal, a buffer in host tests). 16 KiB aligned, at least
	 * shadow_pool_min_size(mode) bytes. Its start holds the roots of the
	 * SHADOW_SLOTS slots (fixed), the rest the tables below them. */
	uint64_t pool_pa;
	uint64_t pool_size;
	void *pool_va;
	/* Mode of the shadow tables themselves (the widest mode L0 has); L1
	 * may use Bare and every x4 mode with no more levels than this. */
	enum pt_mode mode;
	/* Hardware VMIDs hw_vmid_base .. hw_vmid_base + SHADOW_SLOTS - 1 are
	 * the shadow's (L0 keeps its own VMID for L1 outside that range). */
	uint64_t hw_vmid_base;
	enum shadow_hgatp_warl warl;
	/* Svadu for L1's G-stage (what menvcfg.ADUE=1 gives an HS-mode
	 * hypervisor; QEMU's default): set A, and D on a store, in L1's PTEs
	 * instead of forwarding a guest-page fault. false: Svade behaviour. */
	bool l1_adue;
	/* Devices L0 passes through to L1 (looked up when an L1 GPA is not
	 * RAM); L0's emulated devices are not listed: they stay NOT_RAM. */
	struct shadow_l0_device devices[SHADOW_MAX_DEVICES];
	unsigned ndevices;
};

/* Result of shadow_fill / shadow_translate. */
enum shadow_status {
	/* The L2 GPA is now mapped (fill) or translates (translate). */
	SHADOW_FILLED,
	/* L1's walk failed (invalid/reserved PTE, misaligned superpage, GPA
	 * too wide) or denied the access (permission, U=0, A=0, store with
	 * D=0): forward a guest-page fault to L1, cause and htval below. */
	SHADOW_FORWARD_GUEST_PAGE_FAULT,
	/* L1's table walk read memory that is not L1 RAM: forward the
	 * access fault of the original access type (the spec's rule for
	 * implicit G-stage table accesses), cause below, htval 0. */
	SHADOW_L1_TABLE_ACCESS_FAULT,
	/* L1 maps the L2 GPA to l1_gpa, which is neither L1 RAM nor a
	 * passed-through device: L0 emulates the MMIO access for L1's
	 * device or forwards the access fault (cause below). Never mapped. */
	SHADOW_NOT_RAM,
	/* L1 allows the access but L0's own map of that L1 RAM (or of the
	 * passed-through device, `device` set) does not (perm): L0 handles
	 * it as the same access from L1 itself. For a device, cause holds
	 * the access fault of the original access (the device's PMA). */
	SHADOW_L0_DENIED,
	/* With l1_adue: L1's PTE changed between the walk's read and its A/D
	 * update (another L1 hart). Nothing was installed: L0 resumes L2,
	 * whose access faults again and walks afresh (the spec's "return to
	 * step 2"). */
	SHADOW_RETRY,
	/* The pool could not hold one walk even right after a flush. Cannot
	 * happen with a pool of shadow_pool_min_size (shadow_init checks);
	 * reported, never hidden. Nothing was mapped. */
	SHADOW_POOL_TOO_SMALL,
};

/* Hardware fence L0 must execute after a call, for the shadow's VMIDs. */
enum shadow_hw_fence {
	SHADOW_HW_FENCE_NONE,
	/* HFENCE.GVMA gaddr = result.gpa >> 2, vmid = result.hw_vmid */
	SHADOW_HW_FENCE_GPA,
	/* HFENCE.GVMA for the VMID in the hgatp value returned */
	SHADOW_HW_FENCE_VMID,
	/* HFENCE.GVMA for every shadow VMID (or all VMIDs) */
	SHADOW_HW_FENCE_ALL,
};

/* The original access that faulted (decides the forwarded cause). */
enum shadow_access {
	SHADOW_ACCESS_FETCH,
	SHADOW_ACCESS_LOAD,
	SHADOW_ACCESS_STORE,
};

struct shadow_result {
	enum shadow_status status;
	enum shadow_hw_fence fence;
	uint64_t gpa;	     /* the L2 GPA asked */
	uint64_t l1_gpa;     /* FILLED, NOT_RAM, L0_DENIED: L1 GPA of gpa */
	uint64_t host_pa;    /* FILLED: host PA of gpa */
	uint64_t page_size;  /* FILLED: size of the installed leaf */
	uint64_t perm;	     /* FILLED: PTE_R/W/X installed */
	unsigned long cause; /* FORWARD_*, L1_TABLE_ACCESS_FAULT, NOT_RAM */
	uint64_t htval;	     /* FORWARD_GUEST_PAGE_FAULT: gpa >> 2; else 0 */
	uint64_t hw_vmid;    /* hardware VMID of the current shadow */
	bool device;	     /* l1_gpa is in a passed-through device */
};

/* Fill counts by page size (index = level: 4K, 2M, 1G, ...), forwards by
 * the cause L1 receives, flushes by kind, pool use. */
struct shadow_stats {
	uint64_t fills[SHADOW_LEVELS_MAX];
	uint64_t translates;
	uint64_t gva_translates;
	uint64_t forwards[EXC_COUNT];
	uint64_t not_ram;
	uint64_t device_fills; /* leaves onto a passed-through device */
	uint64_t l0_denied;
	uint64_t pool_too_small;
	uint64_t ad_updates; /* L1 PTEs whose A/D the walk set (l1_adue) */
	uint64_t ad_races;   /* SHADOW_RETRY results */
	uint64_t refills;    /* a fill found a stale leaf and replaced it */
	uint64_t flush_all;
	uint64_t flush_vmid;
	uint64_t flush_gpa;
	uint64_t flush_hgatp; /* slot dropped: MODE/VMID/root change */
	uint64_t flush_mxr;
	uint64_t pool_exhausted; /* pool ran out: flushed and refilled */
	uint64_t pool_used;	 /* bytes of the pool in use now */
	uint64_t pool_high_water;
	uint64_t hgatp_writes;
	uint64_t hgatp_rejected; /* writes with an unsupported MODE */
};

struct shadow_slot {
	bool valid;
	uint64_t hgatp; /* L1's (legal) hgatp this slot shadows */
	enum pt_mode l1_mode;
	uint64_t root_pa;  /* shadow root (host PA), fixed at init */
	bool populated;	   /* holds entries (fills since the last clear) */
	uint64_t splinter; /* largest L1 leaf installed in smaller pieces */
	bool hw_stale;	   /* its hardware VMID may hold dropped entries */
	uint64_t last_use;
};

struct shadow {
	struct shadow_config cfg;
	uint64_t hgatp; /* L1's current (virtual) hgatp */
	bool l1_mxr;	/* L1's sstatus.MXR */
	/* the L1 PTE the walk read last, for the A/D compare-and-swap */
	uint64_t last_pte_gpa;
	uint64_t last_pte;
	bool ad_raced;
	unsigned cur; /* slot of the current hgatp */
	uint64_t pool_next;
	uint64_t use_clock;
	struct shadow_slot slot[SHADOW_SLOTS];
	struct shadow_stats stats;
};

/* Bytes the pool needs at the least: every slot's root plus the tables of
 * one full walk (so a fill right after a flush always succeeds). */
uint64_t shadow_pool_min_size(enum pt_mode mode);

/* Set up s (L1's hgatp starts at 0, Bare). Returns false, with nothing
 * set up, on a bad configuration: mode not an x4 mode, pool too small or
 * not 16 KiB aligned, missing callback, VMIDs out of range, a device
 * region that is empty, not page aligned, wraps, grants more than R/W/X,
 * or overlaps L1 RAM or another device. */
bool shadow_init(struct shadow *s, const struct shadow_config *cfg);

/* L1 wrote val to its hgatp: apply the WARL rules of cfg.warl (MODE must
 * be Bare or an x4 mode no wider than cfg.mode) and return the value
 * hgatp now reads. A change of MODE, VMID or root selects another shadow
 * slot. */
uint64_t shadow_write_hgatp(struct shadow *s, uint64_t val);
/* The legalisation alone, without side effects. */
uint64_t shadow_hgatp_legalize(const struct shadow *s, uint64_t old,
			       uint64_t val);
/* Value for the real hgatp while L2 runs on the current shadow (constant
 * for a slot: it changes only when L1's hgatp selects another slot). Call
 * it on every entry to L2; *fence says what to fence first (a recycled
 * slot's hardware VMID). */
uint64_t shadow_hgatp(struct shadow *s, enum shadow_hw_fence *fence);

/* L1's sstatus.MXR (it makes execute-only G-stage pages readable). Going
 * from 1 to 0 drops every shadow entry (fence: all). */
enum shadow_hw_fence shadow_set_l1_mxr(struct shadow *s, bool mxr);

/* An L2 guest-page fault at gpa (htval << 2 | stval's low 2 bits) for the
 * original access `orig`; `need` is the permission the faulting access
 * needs (PT_ACCESS_READ for an implicit VS-stage table read). Install the
 * composed mapping or say what to forward. */
struct shadow_result shadow_fill(struct shadow *s, uint64_t gpa,
				 enum shadow_access orig, enum pt_access need);

/* The same composition without installing anything (HLV/HLVX/HSV
 * emulation of L2 accesses by L0). */
struct shadow_result shadow_translate(struct shadow *s, uint64_t gpa,
				      enum shadow_access orig,
				      enum pt_access need);

/* ---- two-stage translation of an L2 virtual address ------------------
 * For L0's emulation of L1's HLV/HLVX/HSV (and anything else that must
 * read L2 memory by virtual address): L2's VS-stage as L1 configured it,
 * every table access translated through L1's G-stage and L0's map, then
 * the final GPA likewise. Nothing is installed in the shadow. */
struct shadow_vs {
	uint64_t vsatp; /* L1's virtual vsatp (L2's satp) */
	bool user;	/* the access is as VU: hstatus.SPVP = 0 */
	bool sum;	/* L1's virtual vsstatus.SUM */
	bool mxr;	/* L1's virtual vsstatus.MXR (VS-stage only) */
	bool adue;	/* L1's virtual henvcfg.ADUE: VS-stage A/D set by
			 * "hardware" (needs cfg.l0.cas_host64) */
	bool svpbmt;	/* L1's virtual henvcfg.PBMTE */
};

enum shadow_gva_status {
	SHADOW_GVA_OK, /* gpa, l1_gpa, host_pa */
	/* VS-stage fault: cause = inst/load/store page fault of the
	 * original access; stval = the GVA, htval = 0 */
	SHADOW_GVA_PAGE_FAULT,
	/* G-stage fault: cause = guest-page fault of the original access,
	 * htval = gpa >> 2 (gpa = the faulting GPA: a VS-stage table entry's
	 * when implicit), htinst = the pseudoinstruction for an implicit
	 * access (HTINST_PSEUDO_READ64/WRITE64), else 0 (L0 supplies the
	 * transformed instruction); stval = the GVA, hstatus.GVA = 1 */
	SHADOW_GVA_GUEST_PAGE_FAULT,
	/* a table access outside L1 RAM (or in an L1 device): access fault
	 * of the original type */
	SHADOW_GVA_ACCESS_FAULT,
	/* the final GPA is an L1 device at l1_gpa: L0 emulates the access */
	SHADOW_GVA_NOT_RAM,
	/* L1 allows it, L0's own map of L1 does not */
	SHADOW_GVA_L0_DENIED,
	/* an A/D update lost a race: try the instruction again */
	SHADOW_GVA_RETRY,
	/* vsatp.MODE is not a VS-stage mode, or adue without cas_host64 */
	SHADOW_GVA_BAD_REQUEST,
};

struct shadow_gva_result {
	enum shadow_gva_status status;
	unsigned long cause;
	uint64_t gpa;
	uint64_t l1_gpa;
	uint64_t host_pa;
	uint64_t htval;
	uint64_t htinst;
	bool implicit; /* the fault hit a VS-stage table access */
};

struct shadow_gva_result
shadow_gva_translate(struct shadow *s, const struct shadow_vs *vs, uint64_t gva,
		     enum shadow_access orig, enum pt_access need);

/* HFENCE.GVMA variants (L1's, from traps, NACL or SBI remote fences).
 * Each returns SHADOW_HW_FENCE_ALL when it dropped anything (L0 then
 * executes HFENCE.GVMA for the shadow VMIDs), NONE when no slot had
 * entries. gpa is the guest physical address itself (rs1 << 2). L0 also
 * calls shadow_invalidate_all when its own map of L1 changes. */
enum shadow_hw_fence shadow_invalidate_all(struct shadow *s);
enum shadow_hw_fence shadow_invalidate_vmid(struct shadow *s, uint64_t vmid);
enum shadow_hw_fence shadow_invalidate_gpa(struct shadow *s, uint64_t gpa);
enum shadow_hw_fence shadow_invalidate_gpa_vmid(struct shadow *s, uint64_t gpa,
						uint64_t vmid);
/* A fence for every guest physical address in [gpa, gpa + size) (an SBI
 * remote HFENCE.GVMA or HFENCE.GVMA_VMID with a range; the SBI spec gives
 * start and size in bytes, not shifted): of every slot, or only of the
 * slots of L1 VMID `vmid` when has_vmid. Leaves partly inside the range go
 * whole, and an L1 leaf installed in pieces goes whole; a range that would
 * wrap ends at the top of the address space; size 0 fences nothing.
 * Counted as an address fence (flush_gpa). */
enum shadow_hw_fence shadow_invalidate_range(struct shadow *s, uint64_t gpa,
					     uint64_t size, bool has_vmid,
					     uint64_t vmid);

/* The counters as `key=value` fields for L0's `RVNEST l0stats` line
 * (docs/protocol.md), no spaces inside a value:
 *   shadow_fills=4k:N,2m:N,1g:N,512g:N,256t:N
 *   shadow_forwards=<cause>:N,...   (nonzero only; trap_cause_name())
 *   shadow_events=translates:N,not_ram:N,...
 *   shadow_flushes=all:N,vmid:N,gpa:N,hgatp:N,mxr:N
 *   shadow_pool=used:N,high_water:N,exhausted:N
 * Returns false (buf holds a truncated, NUL-terminated line) if len was
 * too small. */
bool shadow_stats_format(const struct shadow_stats *st, char *buf,
			 unsigned long len);

/* Visit every installed shadow leaf of every slot (tests, debugging). */
typedef void (*shadow_leaf_fn)(void *arg, unsigned slot, uint64_t gpa,
			       uint64_t host_pa, uint64_t size, uint64_t pte);
void shadow_for_each_leaf(const struct shadow *s, shadow_leaf_fn fn, void *arg);

#endif /* SHADOW_H */
