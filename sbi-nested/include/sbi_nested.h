/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sbi-nested: the SBI implementation L0 offers L1 (RISC-V SBI specification
 * v2.0). Pure C, no asm, no hardware access: everything that touches a vCPU,
 * guest memory or a device goes through struct sbi_nested_ops, which L0
 * provides (and the host unit tests mock).
 *
 * Calling convention for L0, on an ECALL from VS-mode (scause ecall_vs):
 *   1. fill struct sbi_nested_request from a7 (eid), a6 (fid), a0..a5 and
 *      the calling vCPU's hart ID;
 *   2. sbi_nested_dispatch();
 *   3. write a0 = res.error, and a1 = res.value unless res.legacy_a0_only
 *      (the legacy v0.1 calls return only a0; a1 is preserved, SBI spec
 *      "Legacy Extensions");
 *   4. advance sepc past the ECALL, then act on res.action.
 *
 * Two kinds of error are kept apart: what the guest sees is an SBI_ERR_* from
 * <rvnest/sbi.h> in res.error; what L0's services report back to the
 * dispatcher is an enum sbi_nested_status, which the extension handlers map
 * to the SBI error that the spec requires for that call.
 */
#ifndef SBI_NESTED_H
#define SBI_NESTED_H

#include <stdbool.h>
#include <stddef.h>
#include <rvnest/sbi.h>

/*
 * Implementation ID reported by Base get_sbi_impl_id. The SBI spec's list
 * ("SBI Implementation IDs") assigns 0..11; 0x72766e ("rvn") is far from it and
 * from any value a real firmware uses. Documented in sbi-nested/README.md.
 */
#define SBI_NESTED_IMPL_ID 0x72766eUL
/* Base get_sbi_impl_version: encoding is implementation-defined. */
#define SBI_NESTED_IMPL_VERSION 0x00010000UL
/* L0 implements SBI specification v2.0 (Base get_sbi_spec_version). */
#define SBI_NESTED_SPEC_MAJOR 2UL
#define SBI_NESTED_SPEC_MINOR 0UL

/* ---- L0's internal status (never shown to the guest as is) -------------- */
enum sbi_nested_status {
	SBI_NESTED_OK,
	/* at least one byte of a guest-physical range is not L1 memory, or
	 * does not allow the requested access */
	SBI_NESTED_OUTSIDE,
	/* a guest-virtual access faulted while walking L1's own page tables */
	SBI_NESTED_FAULT,
	/* the hart does not exist for this guest */
	SBI_NESTED_NO_HART,
	/* the vCPU is not in a state that allows the operation (HSM) */
	SBI_NESTED_BAD_STATE,
	/* the console device reported an error */
	SBI_NESTED_IO_ERROR,
	/* NACL: L0 does not implement this H-extension CSR for L1 */
	SBI_NESTED_NO_CSR,
	/* FWFT/PMU: the host lacks what the feature or event needs */
	SBI_NESTED_UNSUPPORTED,
	/* FWFT: a value the feature cannot take */
	SBI_NESTED_BAD_VALUE,
};

/* Access kinds for sbi_nested_ops.guest_check. */
enum sbi_nested_access {
	SBI_NESTED_ACCESS_READ,
	SBI_NESTED_ACCESS_WRITE,
	SBI_NESTED_ACCESS_EXEC,
};

/* HSM states, numerically the SBI spec's ("Hart States" table). */
enum sbi_nested_hart_state {
	SBI_NESTED_HART_STARTED = SBI_HSM_STATE_STARTED,
	SBI_NESTED_HART_STOPPED = SBI_HSM_STATE_STOPPED,
	SBI_NESTED_HART_START_PENDING = SBI_HSM_STATE_START_PENDING,
	SBI_NESTED_HART_STOP_PENDING = SBI_HSM_STATE_STOP_PENDING,
	SBI_NESTED_HART_SUSPENDED = SBI_HSM_STATE_SUSPENDED,
	SBI_NESTED_HART_SUSPEND_PENDING = SBI_HSM_STATE_SUSPEND_PENDING,
	SBI_NESTED_HART_RESUME_PENDING = SBI_HSM_STATE_RESUME_PENDING,
};

/* What a remote fence asks L0 to do on one target hart. */
enum sbi_nested_fence_kind {
	SBI_NESTED_FENCE_I,
	SBI_NESTED_FENCE_SFENCE_VMA,
	SBI_NESTED_FENCE_SFENCE_VMA_ASID,
	SBI_NESTED_FENCE_HFENCE_GVMA,
	SBI_NESTED_FENCE_HFENCE_GVMA_VMID,
	SBI_NESTED_FENCE_HFENCE_VVMA,
	SBI_NESTED_FENCE_HFENCE_VVMA_ASID,
};

struct sbi_nested_fence {
	enum sbi_nested_fence_kind kind;
	/* true: the whole address space (SBI spec RFENCE: start and size both
	 * 0, or size == 2^XLEN-1); start/size are then 0 */
	bool all;
	unsigned long start, size;
	/* ASID for *_ASID kinds, VMID for HFENCE_GVMA_VMID, else 0 */
	unsigned long id;
	/* the calling hart: HFENCE.VVMA applies to the VMID in the CALLER's
	 * hgatp (SBI spec RFENCE "Remote HFENCE.VVMA") */
	unsigned long source_hartid;
};

/*
 * One nested HFENCE entry of the NACL shared memory, decoded (SBI spec
 * "Nested HFENCE entry types"). `type` is the spec's number; the *_ALL
 * types ignore start/size, the GVMA and GVMA_ALL types ignore vmid, only
 * the VVMA_ASID types use asid. start/size are byte addresses (GPA for
 * GVMA*, guest virtual for VVMA*): Page_Number and Page_Count scaled by
 * 1 << (Order + 12).
 */
enum sbi_nested_hfence_type {
	SBI_NESTED_HFENCE_GVMA = SBI_NACL_HFENCE_GVMA,
	SBI_NESTED_HFENCE_GVMA_ALL = SBI_NACL_HFENCE_GVMA_ALL,
	SBI_NESTED_HFENCE_GVMA_VMID = SBI_NACL_HFENCE_GVMA_VMID,
	SBI_NESTED_HFENCE_GVMA_VMID_ALL = SBI_NACL_HFENCE_GVMA_VMID_ALL,
	SBI_NESTED_HFENCE_VVMA = SBI_NACL_HFENCE_VVMA,
	SBI_NESTED_HFENCE_VVMA_ALL = SBI_NACL_HFENCE_VVMA_ALL,
	SBI_NESTED_HFENCE_VVMA_ASID = SBI_NACL_HFENCE_VVMA_ASID,
	SBI_NESTED_HFENCE_VVMA_ASID_ALL = SBI_NACL_HFENCE_VVMA_ASID_ALL,
};

struct sbi_nested_hfence {
	enum sbi_nested_hfence_type type;
	unsigned long vmid, asid;
	unsigned long start, size;
};

/* Per-hart NACL state (set_shmem acts on the calling hart). L0 owns the
 * storage: config.nharts entries, zeroed at boot, in sbi_nested.nacl. */
#define SBI_NESTED_NACL_NCSRS 29 /* H-extension CSRs NACL knows */
struct sbi_nested_nacl_hart {
	bool shmem_set;
	unsigned long shmem; /* guest-physical, page aligned */
	/* sbi-nested's own: the area through guest_map, or NULL */
	volatile unsigned long *host;
	/* sbi-nested's own: what it last wrote to each CSR's word (bit k of
	 * `published` says csr_value[k] is valid) */
	unsigned long published;
	unsigned long csr_value[SBI_NESTED_NACL_NCSRS];
	/* sbi-nested's own: where L0 keeps each CSR's value (hcsr_addr at
	 * set_shmem), so a write-back is a load, not a service call; NULL
	 * for those L0 computes (hcsr_read) */
	const unsigned long *csr_src[SBI_NESTED_NACL_NCSRS];
	unsigned long src_mask; /* bit k: csr_src[k] != NULL */
};

/* Per-hart FWFT state (every defined feature is local: "FWFT Feature
 * Attribute Values"). L0 owns the storage, config.nharts entries, zeroed
 * at boot, in config.fwft. The values themselves live in L1's
 * hardware (sbi_nested_ops.fwft_get). */
struct sbi_nested_fwft_hart {
	unsigned long locked; /* bit f: feature f was set with LOCK */
};

/* Per-hart PMU state: the firmware counters (sbi-nested counts their
 * events itself) and the snapshot shared memory. L0 owns the storage,
 * config.nharts entries, zeroed at boot, in config.pmu. fw_started and
 * fw_value are also touched by other harts (an IPI or fence they send
 * counts as received here): atomics. */
#define SBI_NESTED_PMU_FW_COUNTERS 16
struct sbi_nested_pmu_hart {
	unsigned long fw_configured, fw_started; /* bit i: counter nhw + i */
	unsigned long fw_event[SBI_NESTED_PMU_FW_COUNTERS]; /* event code */
	unsigned long fw_value[SBI_NESTED_PMU_FW_COUNTERS];
	bool snapshot_set;
	unsigned long snapshot; /* guest-physical, page aligned */
};

/* Per-hart DBTR state (SBI spec "Debug Triggers Extension"): the shared
 * memory and L1's triggers, by logical index trig_idx. L0 owns the
 * storage, config.nharts entries, zeroed at boot, in config.dbtr. */
#define SBI_NESTED_DBTR_MAX 16 /* triggers per hart sbi-nested keeps */
struct sbi_nested_dbtr_trigger {
	/* trig_state as L1 reads it (SBI_DBTR_STATE_*); 0: free */
	unsigned long state;
	/* the configuration as L1 gave it; tdata1's privilege bits are
	 * clear while the trigger is disabled ("Disable a set of
	 * triggers") */
	unsigned long tdata[3];
	unsigned long hw; /* L0's handle of the trigger below */
};
struct sbi_nested_dbtr_hart {
	bool shmem_set;
	unsigned long shmem; /* guest-physical, XLEN / 8 aligned */
	struct sbi_nested_dbtr_trigger trig[SBI_NESTED_DBTR_MAX];
};

/* Phase of an SBI_EXT_RVNEST bench bracket. */
enum sbi_nested_bench_phase {
	SBI_NESTED_BENCH_BEGIN,
	SBI_NESTED_BENCH_END,
};

/*
 * Services L0 provides. `ctx` is sbi_nested.ctx, passed through untouched.
 * Hart IDs are L1's (virtual) hart IDs, 0 .. config.nharts-1; the
 * dispatcher has already checked them against nharts. A service left NULL
 * makes the extensions that need it probe as 0 and answer
 * SBI_ERR_NOT_SUPPORTED. What concerns only the caller and happens after
 * its registers are written (hart stop, hart suspend, system reset) is not
 * a service but an action in struct sbi_nested_result.
 */
struct sbi_nested_ops {
	/* Is [gpa, gpa+len) entirely L1 memory that allows `access`?
	 * SBI_NESTED_OK or SBI_NESTED_OUTSIDE. len may be 0 (then: OK unless
	 * gpa itself is outside). */
	enum sbi_nested_status (*guest_check)(void *ctx, unsigned long gpa,
					      unsigned long len,
					      enum sbi_nested_access access);
	/* Copy from/to L1 guest-physical memory. SBI_NESTED_OK, or
	 * SBI_NESTED_OUTSIDE when any byte is outside L1 memory (nothing is
	 * copied then). */
	enum sbi_nested_status (*guest_read)(void *ctx, unsigned long gpa,
					     void *buf, size_t len);
	enum sbi_nested_status (*guest_write)(void *ctx, unsigned long gpa,
					      const void *buf, size_t len);
	/* Optional: where [gpa, gpa+len) of L1 memory is in L0's address
	 * space, if it is one contiguous host range, else NULL. Only for a
	 * range guest_check has accepted. NACL accesses its shared memory
	 * through it (word by word) instead of copying through
	 * guest_read/guest_write on every synchronization. */
	void *(*guest_map)(void *ctx, unsigned long gpa, unsigned long len);
	/* Read one unsigned long at an L1 guest-VIRTUAL address, translated
	 * as an S-mode load of the calling vCPU would be (its satp, SUM,
	 * MXR). Only the legacy IPI/fence calls need it: their hart_mask is
	 * a virtual address (SBI spec "Legacy Extensions"). SBI_NESTED_OK,
	 * SBI_NESTED_FAULT or SBI_NESTED_OUTSIDE. */
	enum sbi_nested_status (*guest_read_ulong_virt)(void *ctx,
							unsigned long hartid,
							unsigned long gva,
							unsigned long *val);

	/* Console: write all of buf (SBI_NESTED_OK or SBI_NESTED_IO_ERROR);
	 * getc returns a byte, or -1 when no input is waiting. */
	enum sbi_nested_status (*console_write)(void *ctx, const char *buf,
						size_t len);
	int (*console_getc)(void *ctx);

	/* TIME: program the caller's next timer event and clear its pending
	 * supervisor timer interrupt (SBI spec TIME "sbi_set_timer"). */
	void (*set_timer)(void *ctx, unsigned long hartid, unsigned long stime);

	/* IPI: make a supervisor software interrupt pending on `hartid`. */
	enum sbi_nested_status (*send_ipi)(void *ctx, unsigned long hartid);
	/* Legacy clear_ipi: clear the caller's pending supervisor software
	 * interrupt; returns whether one was pending. */
	bool (*clear_ipi)(void *ctx, unsigned long hartid);

	/* RFENCE: perform `f` on `hartid` (L0 decides how: now, on its next
	 * entry, by flushing a shadow, ...). Called once per target hart. */
	enum sbi_nested_status (*remote_fence)(
		void *ctx, unsigned long hartid,
		const struct sbi_nested_fence *f);

	/* HSM (L0 owns vCPU state). */
	enum sbi_nested_hart_state (*hart_get_status)(void *ctx,
						      unsigned long hartid);
	/* Start a STOPPED hart at start_addr with a0 = hartid, a1 = opaque,
	 * satp = 0, sstatus.SIE = 0 (SBI spec HSM "sbi_hart_start").
	 * SBI_NESTED_OK, or SBI_NESTED_BAD_STATE if it was not stopped. */
	enum sbi_nested_status (*hart_start)(void *ctx, unsigned long hartid,
					     unsigned long start_addr,
					     unsigned long opaque);

	/* SBI_EXT_RVNEST BENCH_BEGIN/BENCH_END: args = the caller's a0..a4
	 * (id, iters, instret, cycle, time deltas; see docs/protocol.md), so
	 * that L0 prints its `RVNEST l0bench` line. */
	void (*bench_mark)(void *ctx, unsigned long id,
			   enum sbi_nested_bench_phase phase,
			   const unsigned long args[5]);

	/*
	 * NACL (SBI spec "Nested Acceleration Extension"): the calling
	 * vCPU's virtual HS state, as L0 emulates it (DESIGN.md section 2).
	 * `hartid` is always the caller.
	 *
	 * hcsr_read: the current value of H-extension CSR `csr` (an h* or
	 * vs* CSR number) as L1 would read it in virtual HS-mode.
	 * SBI_NESTED_OK, or SBI_NESTED_NO_CSR if L0 does not implement it.
	 * Without it the extension is absent (the CSR space must always be
	 * kept current, spec "CSR space").
	 */
	enum sbi_nested_status (*hcsr_read)(void *ctx, unsigned long hartid,
					    unsigned csr, unsigned long *val);
	/* hcsr_write: as a CSRRW by L1 in virtual HS-mode, with the CSR's
	 * WARL rules and read-only fields applied exactly as for the trapped
	 * instruction (and its side effects: an hgatp change invalidates the
	 * shadow, an hstatus write re-derives the real VTSR, ...).
	 * SBI_NESTED_OK or SBI_NESTED_NO_CSR. Needed for SYNC_CSR and
	 * AUTOSWAP_CSR. */
	enum sbi_nested_status (*hcsr_write)(void *ctx, unsigned long hartid,
					     unsigned csr, unsigned long val);
	/* hcsr_addr (optional): where the caller's CSR `csr` is kept as a
	 * plain word whose value is what hcsr_read answers, for as long as
	 * the hart's shared memory is set; NULL when it is computed. */
	const unsigned long *(*hcsr_addr)(void *ctx, unsigned long hartid,
					  unsigned csr);
	/* hfence: perform `f` for the caller as the matching HFENCE.GVMA /
	 * HFENCE.VVMA executed by L1 would (a wider flush is allowed).
	 * Needed for SYNC_HFENCE. */
	enum sbi_nested_status (*hfence)(void *ctx, unsigned long hartid,
					 const struct sbi_nested_hfence *f);
	/* nacl_sret: load x1..x31 from gpr[1..31] (gpr[0] unused) into the
	 * caller and emulate SRET executed by L1 in virtual HS-mode (with
	 * virtual hstatus.SPV = 1 that enters L2). On SBI_NESTED_OK the
	 * ECALL does not return: L0 must leave every register and the pc as
	 * this left them (action SBI_NESTED_NO_RETURN). Needed for
	 * SYNC_SRET. */
	enum sbi_nested_status (*nacl_sret)(void *ctx, unsigned long hartid,
					    const unsigned long gpr[32]);

	/*
	 * FWFT (SBI spec "Firmware Features Extension"): one of the defined
	 * local features (SBI_FWFT_*, 0 .. SBI_FWFT_COUNT-1) of the calling
	 * vCPU, as L1's hardware sees it. fwft_get: SBI_NESTED_OK with the
	 * value, or SBI_NESTED_UNSUPPORTED when the host cannot provide the
	 * feature. fwft_set: SBI_NESTED_OK once L1's hardware behaves as
	 * `value` says, SBI_NESTED_UNSUPPORTED, SBI_NESTED_BAD_VALUE (a
	 * value the feature does not take; nothing changed) or
	 * SBI_NESTED_IO_ERROR (the firmware below refused). Flags and the
	 * lock are sbi-nested's business. Both or neither.
	 */
	enum sbi_nested_status (*fwft_get)(void *ctx, unsigned long hartid,
					   unsigned long feature,
					   unsigned long *value);
	enum sbi_nested_status (*fwft_set)(void *ctx, unsigned long hartid,
					   unsigned long feature,
					   unsigned long value);

	/*
	 * PMU (SBI spec "Performance Monitoring Unit Extension"): the
	 * caller's hardware counters, indices 0 .. config.pmu_hw_counters-1,
	 * are the SBI PMU below on the caller's host hart, same indices
	 * (one vCPU per host hart). pmu_hw: that PMU's answer to function
	 * `fid` with a0..a4 = args, which sbi-nested has already restricted
	 * to hardware counters. pmu_hw_read: the current value of hardware
	 * counter `idx` (for the snapshot shared memory), SBI_NESTED_OK or
	 * SBI_NESTED_UNSUPPORTED. Firmware counters are sbi-nested's own.
	 * Both or neither.
	 */
	struct sbiret (*pmu_hw)(void *ctx, unsigned long hartid,
				unsigned long fid, const unsigned long args[5]);
	enum sbi_nested_status (*pmu_hw_read)(void *ctx, unsigned long hartid,
					      unsigned long idx,
					      unsigned long *value);
	/* Optional (Sscofpmf): the overflow bits of the caller's hardware
	 * counters (bit i: counter i, as scountovf), for the snapshot's
	 * overflow bitmap; NULL: none ever overflows. */
	unsigned long (*pmu_hw_overflow)(void *ctx, unsigned long hartid);

	/*
	 * DBTR (SBI spec "Debug Triggers Extension"): L1's triggers on the
	 * caller's host hart. tdata[3] is L1's configuration (tdata1 of
	 * type 2 or 6, dmode and m clear, no chain; its s/u bits name L1's
	 * own modes, which L0 maps onto the hardware's). dbtr_count: how
	 * many triggers below could take a trigger like tdata1 (0: all).
	 * dbtr_install: program a free trigger below, *hw its handle;
	 * SBI_NESTED_OK, SBI_NESTED_UNSUPPORTED (a field the hardware
	 * does not implement: nothing programmed), SBI_NESTED_BAD_STATE (no
	 * trigger below free) or SBI_NESTED_IO_ERROR. dbtr_update: program
	 * the installed trigger `hw` anew (enable and disable are updates
	 * of tdata1's privilege bits); same answers. dbtr_uninstall: clear
	 * and free `hw`. All four or none.
	 */
	unsigned long (*dbtr_count)(void *ctx, unsigned long hartid,
				    unsigned long tdata1);
	enum sbi_nested_status (*dbtr_install)(void *ctx, unsigned long hartid,
					       const unsigned long tdata[3],
					       unsigned long *hw);
	enum sbi_nested_status (*dbtr_update)(void *ctx, unsigned long hartid,
					      unsigned long hw,
					      const unsigned long tdata[3]);
	enum sbi_nested_status (*dbtr_uninstall)(void *ctx,
						 unsigned long hartid,
						 unsigned long hw);
};

/* Extensions that can be switched on or off (config.ext_enabled bits). */
enum sbi_nested_ext_id {
	SBI_NESTED_EXT_BASE, /* always on, whatever ext_enabled says */
	SBI_NESTED_EXT_LEGACY,
	SBI_NESTED_EXT_TIME,
	SBI_NESTED_EXT_IPI,
	SBI_NESTED_EXT_RFENCE,
	SBI_NESTED_EXT_HSM,
	SBI_NESTED_EXT_SRST,
	SBI_NESTED_EXT_DBCN,
	SBI_NESTED_EXT_RVNEST,
	SBI_NESTED_EXT_NACL,
	SBI_NESTED_EXT_FWFT,
	SBI_NESTED_EXT_PMU,
	SBI_NESTED_EXT_DBTR,
	SBI_NESTED_EXT_COUNT,
};

#define SBI_NESTED_EXT_BIT(id) (1UL << (id))
#define SBI_NESTED_EXT_ALL ((1UL << SBI_NESTED_EXT_COUNT) - 1)

struct sbi_nested_config {
	unsigned long nharts; /* L1 hart IDs are 0 .. nharts-1 */
	/* Base get_mvendorid/get_marchid/get_mimpid: L0 passes on the
	 * values its own SBI reported (L1 sees the real CPU's IDs). */
	unsigned long mvendorid, marchid, mimpid;
	/* L1 is given the H extension: RFENCE's HFENCE functions are only
	 * valid for harts that implement it (SBI spec RFENCE). */
	bool guest_has_h;
	unsigned long ext_enabled; /* SBI_NESTED_EXT_BIT() mask */
	/* NACL features offered (SBI_NESTED_NACL_BIT() of the spec's feature
	 * IDs). 0: NACL probes absent. L0's option l0.nacl= sets it. */
	unsigned long nacl_features;
	/* SBI_EXT_RVNEST DEPTH answers this: the depth of the L0 serving L1
	 * (1 on the machine's firmware). 0: DEPTH is not supported. */
	unsigned long depth;
	/* PMU: hardware counter indices 0 .. pmu_hw_counters-1 (the SBI PMU
	 * below's); the firmware counters follow them */
	unsigned long pmu_hw_counters;
	/* PMU: snapshot_set_shmem answers NOT_SUPPORTED. L0 sets it when
	 * L1 has Sscofpmf: Linux 7.3 restarts overflowed counters through
	 * the snapshot with counter_idx_base = 64 * BITS_PER_LONG
	 * (riscv_pmu_sbi.c, pmu_sbi_start_ovf_ctrs_snapshot), which the
	 * spec makes INVALID_PARAM, so its sampling stops after one
	 * sample; without the snapshot it restarts them with
	 * SET_INIT_VALUE and reads scountovf itself. */
	bool pmu_no_snapshot;
	/* Per-hart state of FWFT and PMU, nharts entries each, L0's storage
	 * (NULL: that extension is absent). Here rather than in struct
	 * sbi_nested, which L0 copies on every SBI call and NACL hook: the
	 * configuration is fixed, what these point at is not. */
	struct sbi_nested_fwft_hart *fwft;
	struct sbi_nested_pmu_hart *pmu;
	/* DBTR: trig_max, the triggers each hart offers L1 (at most
	 * SBI_NESTED_DBTR_MAX), and their state (NULL or 0: DBTR absent) */
	unsigned long dbtr_triggers;
	struct sbi_nested_dbtr_hart *dbtr;
};

#define SBI_NESTED_NACL_BIT(feat) (1UL << (feat))
#define SBI_NESTED_NACL_ALL ((1UL << SBI_NACL_FEAT_COUNT) - 1)

struct sbi_nested {
	const struct sbi_nested_ops *ops;
	const struct sbi_nested_config *cfg;
	void *ctx;
	/* NACL per-hart state, cfg->nharts entries (NULL: NACL absent) */
	struct sbi_nested_nacl_hart *nacl;
};

struct sbi_nested_request {
	unsigned long eid, fid;
	unsigned long args[6]; /* a0..a5 */
	unsigned long hartid;  /* the calling vCPU */
};

/* What L0 must do after writing the return registers. */
enum sbi_nested_action {
	SBI_NESTED_CONTINUE,	 /* resume the caller after the ECALL */
	SBI_NESTED_SHUTDOWN,	 /* power off; exit_status, reset_* set */
	SBI_NESTED_RESET,	 /* cold/warm reboot; reset_* set */
	SBI_NESTED_HART_STOP,	 /* stop the caller (HSM hart_stop) */
	SBI_NESTED_HART_SUSPEND, /* suspend the caller; suspend_* set */
	/* NACL SYNC_SRET entered L2 (or returned within L1): the call does
	 * not return. Write neither a0/a1 nor sepc; the nacl_sret service
	 * already set the caller's registers and pc. */
	SBI_NESTED_NO_RETURN,
};

struct sbi_nested_result {
	long error; /* SBI_SUCCESS / SBI_ERR_*, or the legacy a0 value */
	long value;
	enum sbi_nested_action action;
	bool legacy_a0_only;
	/* SBI_NESTED_SHUTDOWN: 0 for reason "no reason", 1 otherwise */
	int exit_status;
	/* SHUTDOWN / RESET: the SRST type and reason (legacy shutdown:
	 * SBI_SRST_TYPE_SHUTDOWN, SBI_SRST_REASON_NONE) */
	unsigned long reset_type, reset_reason;
	/* HART_SUSPEND: type as given; retentive ones resume after the ECALL
	 * with a0 = SBI_SUCCESS once an interrupt is pending; non-retentive
	 * ones resume at resume_addr with a0 = hartid, a1 = opaque,
	 * satp = 0, sstatus.SIE = 0 (SBI spec HSM "sbi_hart_suspend") */
	unsigned long suspend_type, resume_addr, opaque;
	bool suspend_retentive;
};

void sbi_nested_dispatch(const struct sbi_nested *sn,
			 const struct sbi_nested_request *req,
			 struct sbi_nested_result *res);

/* Name of the extension that owns `eid` ("base", "time", ...), or NULL. */
const char *sbi_nested_ext_name(unsigned long eid);

/*
 * NACL hooks for L0, outside SBI calls. Both do nothing (SBI_NESTED_OK)
 * when NACL is absent or the hart has no shared memory.
 *
 * sbi_nested_nacl_csr_changed: the caller's virtual H-extension CSRs
 * changed other than through NACL (L0 emulated a trapped CSR write, an
 * HFENCE, ...): write their values back to the CSR space ("The SBI
 * implementation MUST update the CSR space whenever the state of any
 * RISC-V H-extension CSR changes"). CSRs whose dirty bit is set keep L1's
 * pending value.
 *
 * sbi_nested_nacl_virt_off: L0 has just delivered a trap from L2 to L1
 * (virtualization ON -> OFF): the autoswap of hstatus (AUTOSWAP_CSR:
 * "After supervisor (or L1) virtualization state changes from ON to
 * OFF"), then the CSR space write-back above.
 *
 * sbi_nested_nacl_sret_trapped: L1 executed a real SRET that enters L2
 * (virtual hstatus.SPV = 1) instead of calling SYNC_SRET, with SYNC_CSR
 * offered: the dirty CSRs of the CSR space are synchronized first, as
 * SYNC_SRET's step 1 would. The spec asks for this only on an explicit
 * sync call, but Linux KVM 6.13 to 7.3 with SYNC_CSR and without
 * SYNC_SRET writes h* CSRs into the CSR space and never calls SYNC_CSR
 * (arch/riscv/kvm: ncsr_write, and no caller of nacl_sync_csr), so
 * without this its L2 starts from stale CSRs and never runs. Nothing is
 * lost for an L1 that does call SYNC_CSR: its dirty bits are clear.
 *
 * SBI_NESTED_OUTSIDE if the shared memory could not be accessed.
 */
enum sbi_nested_status sbi_nested_nacl_csr_changed(const struct sbi_nested *sn,
						   unsigned long hartid);
enum sbi_nested_status sbi_nested_nacl_virt_off(const struct sbi_nested *sn,
						unsigned long hartid);
enum sbi_nested_status sbi_nested_nacl_sret_trapped(const struct sbi_nested *sn,
						    unsigned long hartid);

/*
 * The same two hooks for an L0 that knows which CSRs it changed: only the
 * CSRs in `changed` (an OR of sbi_nested_nacl_csr_bit()) are written
 * back, each only if its value differs from what sbi-nested last wrote,
 * so the cost scales with what changed, not with the CSR space.
 * sbi_nested_nacl_csr_bit(csr) is 0 for a CSR NACL does not know.
 */
unsigned long sbi_nested_nacl_csr_bit(unsigned csr);
enum sbi_nested_status sbi_nested_nacl_csrs_changed(const struct sbi_nested *sn,
						    unsigned long hartid,
						    unsigned long changed);
enum sbi_nested_status
sbi_nested_nacl_virt_off_changed(const struct sbi_nested *sn,
				 unsigned long hartid, unsigned long changed);

/*
 * NACL SYNC_SRET without the dispatch (L0's ecall path tests for EID NACL,
 * FID SYNC_SRET first: it is L1's call at every entry into L2).
 * sbi_nested_nacl_sret_direct says whether sbi_nested_dispatch would give
 * that call to NACL's SYNC_SRET (the extension enabled and probing
 * non-zero, the feature offered); it depends on the configuration only,
 * so L0 asks once. sbi_nested_nacl_sync_sret then does and returns what
 * sbi_nested_dispatch does and returns for that call.
 */
bool sbi_nested_nacl_sret_direct(const struct sbi_nested *sn);
void sbi_nested_nacl_sync_sret(const struct sbi_nested *sn,
			       unsigned long hartid,
			       struct sbi_nested_result *res);

/*
 * FWFT: `hartid` was reset (HSM start after a stop): its locks are gone
 * ("until hart reset"). L0 puts the values back to their reset values
 * itself, on that hart.
 */
void sbi_nested_fwft_hart_reset(const struct sbi_nested *sn,
				unsigned long hartid);

/*
 * PMU: a firmware event (SBI_PMU_FW_*) happened for L1 hart `hartid`:
 * every started firmware counter of that hart configured for it counts
 * one. sbi-nested calls it for the SBI calls it serves (set_timer, IPIs
 * and fences sent and received); L0 for the traps of L1's it handles
 * (misaligned and access faults forwarded, illegal instructions). Safe
 * from any hart; nothing without the PMU.
 */
void sbi_nested_pmu_fw_event(const struct sbi_nested *sn, unsigned long hartid,
			     unsigned long event);

/* PMU: `hartid` was reset (HSM start after a stop): its firmware counters
 * are free and stopped, its snapshot shared memory unset. L0 resets the
 * hardware counters below itself. */
void sbi_nested_pmu_hart_reset(const struct sbi_nested *sn,
			       unsigned long hartid);

/* DBTR: `hartid` was reset (HSM start after a stop): its triggers are
 * uninstalled (through dbtr_uninstall) and its shared memory unset. */
void sbi_nested_dbtr_hart_reset(const struct sbi_nested *sn,
				unsigned long hartid);

#endif /* SBI_NESTED_H */
