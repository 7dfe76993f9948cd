/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The H extension that L0 emulates for L1 (l1.h=1): L1's virtual HS state,
 * its h* and vs* CSRs through one table, HFENCE, HLV/HLVX/HSV, and the
 * nested world switch between L1 (virtual V=0) and L2 (virtual V=1) on the
 * shadow G-stage. DESIGN.md §2-§4; the spec is the RISC-V Privileged ISA,
 * chapter "Hypervisor Extension" (section names quoted below).
 */
#include "vhyp.h"
#include "nacl.h"

#include <rvnest/aia.h>
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/insn.h>
#include <rvnest/sbi.h>
#include <rvnest/trap_names.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fetch.h"
#include "hcsr.h"
#include "sbi_dbtr.h"
#include "trap.h"
#include "vcpu.h"

/* hstatus.VSXL: VS-mode is 64-bit; QEMU keeps VSXL at 2 whatever is
 * written ("Hypervisor Status Register": WARL, one legal value here). */
#define VHSTATUS_VSXL ((unsigned long)XLEN_ENC_64 << HSTATUS_VSXL_SHIFT)
/* hstatus fields L1 may change. VSBE is read-only 0 (VS-mode is
 * little-endian only, as on QEMU); VGEIN is WLRL over 0..GEILEN and
 * GEILEN is 0 (no guest external interrupts), so it is read-only 0. */
#define VHSTATUS_WRITABLE                                        \
	(HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_HU | \
	 HSTATUS_VTVM | HSTATUS_VTW | HSTATUS_VTSR)
/* The hstatus traps that L1 asks for on L2's behalf and that the real
 * hstatus must carry while L2 runs. */
#define VHSTATUS_L2_TRAPS (HSTATUS_VTVM | HSTATUS_VTW | HSTATUS_VTSR)
/* hie: the VS interrupt enables plus SGEIE ("Hypervisor Interrupt
 * Registers": SGEIE is writable; with GEILEN = 0 it enables nothing). */
#define VHIE_WRITABLE (HVIP_VS_MASK | MIP_SGEIP)

/* Shadow G-stage table pool per vCPU (shadow/README.md "Pool"): roots of
 * every slot plus tables; 512 KiB holds well over 100 4 KiB tables. */
#define L0_SHADOW_POOL_SIZE (512UL << 10)
_Static_assert(L0_SHADOW_POOL_SIZE == L0_SHADOW_POOL_MAX,
	       "l0.shadowpool's bound (options.h)");
/* the shadow pool's alignment (an x4 root is 16 KiB, "hgatp") */
#define L0_SHADOW_POOL_ALIGN (16UL << 10)
static uint8_t l0_shadow_pool[L0_MAX_VCPUS][L0_SHADOW_POOL_SIZE]
	__attribute__((aligned(L0_SHADOW_POOL_ALIGN)));

/* The shadow's hardware VMIDs: after L0's own VMID for L1 (1), one block
 * of SHADOW_SLOTS per vCPU. */
#define L0_SHADOW_VMID_BASE 2

/* ---- L0's map of L1, for the shadow ---------------------------------- */

static bool shadow_l1_gpa_to_host(void *ctx, uint64_t l1_gpa,
				  struct shadow_l0_map *out)
{
	const struct l0_gmem *gm = &((struct l0_guest *)ctx)->gmem;

	/* Only L1 RAM (README: L1's devices are never mapped for L2): each
	 * host block is linear and RWX for L1 (gmem.c) */
	for (unsigned i = 0; i < gm->nchunks; i++) {
		const struct l0_gmem_chunk *c = &gm->chunk[i];

		if (l1_gpa >= c->gpa && l1_gpa - c->gpa < c->size) {
			out->host_pa = c->hpa + (l1_gpa - c->gpa);
			out->perm = PTE_R | PTE_W | PTE_X;
			out->base = c->gpa;
			out->size = c->size;
			return true;
		}
	}
	return false;
}

static uint64_t shadow_read_host64(void *ctx, uint64_t host_pa)
{
	(void)ctx;
	/* L0 runs with translation off: host PA = L0's address */
	return *(volatile uint64_t *)(uintptr_t)host_pa;
}

static bool shadow_cas_host64(void *ctx, uint64_t host_pa, uint64_t old,
			      uint64_t new)
{
	(void)ctx;
	/* an AMO, as hardware's A/D update is ("Svadu": atomic with respect
	 * to other accesses to the PTE) */
	return __atomic_compare_exchange_n((uint64_t *)(uintptr_t)host_pa, &old,
					   new, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

/* Execute the hardware fence a shadow call asked for (through the NACL
 * of the SBI below when this L0 is a client of it: hcsr.h). */
static void __attribute__((noinline))
do_hw_fence_now(const struct l0_vcpu *v, enum shadow_hw_fence f, uint64_t gpa,
		uint64_t hw_vmid)
{
	switch (f) {
	case SHADOW_HW_FENCE_NONE:
		break;
	case SHADOW_HW_FENCE_GPA:
		l0_hfence_gvma(v->vhartid, true, gpa, true, hw_vmid);
		break;
	case SHADOW_HW_FENCE_VMID:
		l0_hfence_gvma(v->vhartid, false, 0, true, hw_vmid);
		break;
	case SHADOW_HW_FENCE_ALL:
		l0_hfence_gvma(v->vhartid, false, 0, false, 0);
		break;
	}
}

/* The usual answer, none (every SRET into L2 asks twice), costs no call */
static inline void do_hw_fence(const struct l0_vcpu *v, enum shadow_hw_fence f,
			       uint64_t gpa, uint64_t hw_vmid)
{
	if (f != SHADOW_HW_FENCE_NONE)
		do_hw_fence_now(v, f, gpa, hw_vmid);
}

static uint64_t hgatp_vmid(uint64_t hgatp)
{
	return (hgatp & HGATP_VMID) >> HGATP_VMID_SHIFT;
}

/* ---- boot ------------------------------------------------------------ */

static void vcsr_index(void);

void l0_vhyp_measure_host(struct l0_guest *g, struct l0_vhyp_caps *caps)
{
	static const struct {
		unsigned long mode;
		enum pt_mode pt;
	} modes[] = {
		{HGATP_MODE_SV57X4, PT_SV57X4},
		{HGATP_MODE_SV48X4, PT_SV48X4},
	};
	unsigned long saved;

	vcsr_index();
	/* WARL fields read back what the hart keeps: write all-ones, read,
	 * restore (L0 runs with interrupts off; nothing runs meanwhile) */
	saved = csr_read(CSR_HEDELEG);
	csr_write(CSR_HEDELEG, ~0UL);
	caps->hedeleg_mask = csr_read(CSR_HEDELEG);
	csr_write(CSR_HEDELEG, saved);
	saved = csr_read(CSR_HCOUNTEREN);
	csr_write(CSR_HCOUNTEREN, ~0UL);
	caps->hcounteren_mask = csr_read(CSR_HCOUNTEREN);
	csr_write(CSR_HCOUNTEREN, saved);
	/* henvcfg: FIOM always; the feature bits only for features L1 was
	 * given (guestdt: the extensions in L1's ISA) */
	caps->henvcfg_mask = ENVCFG_FIOM | g->henvcfg;
	saved = csr_read(CSR_HENVCFG);
	csr_write(CSR_HENVCFG, ~0UL);
	caps->henvcfg_mask &= csr_read(CSR_HENVCFG);
	csr_write(CSR_HENVCFG, saved);

	/* The widest hgatp mode the host accepts ("hgatp": an unsupported
	 * MODE is not stored), so every mode L1 may pick has a shadow. */
	caps->shadow_mode = PT_SV39X4;
	saved = csr_read(CSR_HGATP);
	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		csr_write(CSR_HGATP, modes[i].mode << ATP_MODE_SHIFT);
		if ((csr_read(CSR_HGATP) >> ATP_MODE_SHIFT) == modes[i].mode) {
			caps->shadow_mode = modes[i].pt;
			break;
		}
	}
	csr_write(CSR_HGATP, saved);
	hfence_gvma_all();
}

/* l0.shadowpool: the part of its reserved pool each vCPU's shadow uses
 * (options.c bounds the value; 0 = all of it) */
static uint64_t shadow_pool_size(const struct l0_guest *g)
{
	if (g->opts->shadow_pool == L0_SHADOW_POOL_MIN)
		return shadow_pool_min_size(g->vcaps.shadow_mode);
	return g->opts->shadow_pool ? g->opts->shadow_pool
				    : L0_SHADOW_POOL_SIZE;
}

void l0_vhyp_init(struct l0_vcpu *v)
{
	struct l0_guest *g = v->guest;
	struct l0_vhyp *vh = &v->vh;
	struct shadow_config cfg = {
		.l0 =
			{
				.ctx = g,
				.l1_gpa_to_host = shadow_l1_gpa_to_host,
				.read_host64 = shadow_read_host64,
				.cas_host64 = shadow_cas_host64,
			},
		.pool_pa = (uint64_t)(uintptr_t)l0_shadow_pool[v->vhartid],
		.pool_size = shadow_pool_size(g),
		.pool_va = l0_shadow_pool[v->vhartid],
		.mode = g->vcaps.shadow_mode,
		.hw_vmid_base = L0_SHADOW_VMID_BASE + v->vhartid * SHADOW_SLOTS,
		.warl = SHADOW_HGATP_WARL_QEMU,
		/* L1 believes it is an HS-mode hypervisor on a hart with
		 * Svadu, whose firmware set menvcfg.ADUE (OpenSBI 1.5 does):
		 * its G-stage A/D bits are set by "hardware" */
		.l1_adue = g->l1_has[L0_ISA_SVADU],
	};

	/* The devices L0's G-stage passes through to L1 (gmem.c): an L2 page
	 * L1 maps onto one is mapped to the device itself */
	for (unsigned i = 0; i < g->gmem.ndev && i < SHADOW_MAX_DEVICES; i++)
		cfg.devices[cfg.ndevices++] = (struct shadow_l0_device){
			.l1_gpa = g->gmem.dev[i].gpa,
			.host_pa = g->gmem.dev[i].hpa,
			.size = g->gmem.dev[i].size,
			.perm = g->gmem.dev[i].perm,
		};

	memset(vh, 0, sizeof(*vh));
	vh->hstatus = VHSTATUS_VSXL;
	/* L2's sstatus.UXL: WARL, U-mode is 64-bit ("Supervisor Status
	 * Register": 0 is no legal value; found by fuzz/fuzz_vhyp.c) */
	vh->vsstatus = (unsigned long)XLEN_ENC_64 << SSTATUS_UXL_SHIFT;
	if (cfg.pool_size < shadow_pool_min_size(cfg.mode))
		panic("[l0] l0.shadowpool=%lluK is below the %lluK the shadow "
		      "needs in its mode (every root and one walk)",
		      (unsigned long long)cfg.pool_size >> 10,
		      (unsigned long long)shadow_pool_min_size(cfg.mode) >> 10);
	if (!shadow_init(&vh->shadow, &cfg))
		panic("[l0] shadow_init refused L0's configuration");
	/* boot-time facts, once (vhyp.h, enum l0_vhyp_feat); main.c has
	 * settled l1_has, the AIA and the scheduler before any vCPU */
	vh->feat = (g->host->isa[L0_ISA_SSTC] ? L0_VHYP_F_HOST_SSTC : 0) |
		   (g->l1_has[L0_ISA_SSTC] ? L0_VHYP_F_L1_SSTC : 0) |
		   (g->opts->l1_aia ? L0_VHYP_F_AIA : 0) |
		   (g->l1_geilen ? L0_VHYP_F_GEILEN : 0) |
		   (l0_sched_on() ? L0_VHYP_F_SCHED : 0) |
		   (l0_dbtr_live[v->vhartid] ? L0_VHYP_F_DBTR : 0) |
		   (g->opts->decode == L0_DECODE_FETCH ? L0_VHYP_F_FETCH : 0) |
		   L0_VHYP_F_NESTED | (g->sbi.nacl ? L0_VHYP_F_NACL : 0) |
		   (g->opts->soak_every ? L0_VHYP_F_SOAK : 0);
}

/* ---- helpers --------------------------------------------------------- */

static unsigned long gpr_get(const struct l0_vcpu *v, unsigned r)
{
	return r ? v->gpr[r] : 0;
}

static void gpr_set(struct l0_vcpu *v, unsigned r, unsigned long val)
{
	if (r)
		v->gpr[r] = val;
}

/* l1_has[L0_ISA_SSTC] and the host's isa[L0_ISA_SSTC], from vh.feat */
static bool l1_has_sstc(const struct l0_vcpu *v)
{
	return v->vh.feat & L0_VHYP_F_L1_SSTC;
}

static bool host_has_sstc(const struct l0_vcpu *v)
{
	return v->vh.feat & L0_VHYP_F_HOST_SSTC;
}

/* opts->l1_aia and l1_geilen != 0, from vh.feat */
static bool l1_aia(const struct l0_vcpu *v)
{
	return v->vh.feat & L0_VHYP_F_AIA;
}

static bool l1_has_geilen(const struct l0_vcpu *v)
{
	return v->vh.feat & L0_VHYP_F_GEILEN;
}

/* Real hstatus.VTSR = virtual hstatus.SPV while L1 runs (DESIGN.md §3):
 * L1's SRET into L2 traps, its SRETs to its own user mode do not.
 *
 * A trap L1 takes in HS-mode from V=0 clears SPV ("Trap Entry"), but the
 * traps hardware delivers to L1 directly never pass through L0. So while
 * SPV = 1 nothing is delegated to L1 in hedeleg (those exceptions reach
 * L0, which delivers them and clears SPV: trap.c forward_to_l1), and the
 * interrupts, which stay delegated, are recognised at the SRET by their
 * cause (l1_took_irq_since_spv). */
/*
 * The same holds for htval, htinst and hstatus.GVA: every trap into
 * HS-mode writes them, as zero when it has nothing to report ("Hypervisor
 * Trap Value Register", "Hypervisor Trap Instruction Register": an
 * environment call leaves htinst 0). While any of them holds something
 * (a guest-page fault L0 delivered, an HLV that faulted, a value L1 wrote)
 * an exception hardware delivered to L1 directly would leave it in place,
 * so nothing is delegated then either: the next exception passes through
 * L0, which delivers it and writes them (l0_vhyp_l1_took_trap).
 */
static bool l1_trap_info_held(const struct l0_vhyp *vh)
{
	return vh->htval || vh->htinst || (vh->hstatus & HSTATUS_GVA);
}

static void sync_vtsr(struct l0_vcpu *v)
{
	if (v->vh.hstatus & HSTATUS_SPV) {
		l0_hcsr_set(v, CSR_HSTATUS, HSTATUS_VTSR);
		l0_hcsr_write(v, CSR_HEDELEG, 0);
		v->vh.spv_vscause = l0_hcsr_read(v, CSR_VSCAUSE);
	} else {
		l0_hcsr_clear(v, CSR_HSTATUS, HSTATUS_VTSR);
		l0_hcsr_write(v, CSR_HEDELEG,
			      l1_trap_info_held(&v->vh) ? 0
							: l0_vcpu_hedeleg());
	}
}

/* L1's SRET found virtual SPV = 1, but L1's scause holds an interrupt it
 * did not hold when SPV was last set: L1 took that interrupt in hardware
 * (delegated through hideleg) since, which cleared SPV, htval, htinst and
 * GVA; L1 never writes an interrupt cause itself. (An interrupt with the
 * very cause recorded cannot be told apart; documented in README.md.) */
static bool l1_took_irq_since_spv(struct l0_vcpu *v)
{
	unsigned long cause = l0_hcsr_read(v, CSR_VSCAUSE);

	return (cause & CAUSE_INTERRUPT) && cause != v->vh.spv_vscause;
}

void l0_vhyp_l1_hvip_set(struct l0_vcpu *v, unsigned long bits)
{
	v->vh.l1_irq_checked = false; /* L1's pending interrupts change */
	if (v->vh.in_l2)
		v->vh.l1.hvip |= bits;
	else
		l0_hcsr_set(v, CSR_HVIP, bits);
}

void l0_vhyp_l1_hvip_clear(struct l0_vcpu *v, unsigned long bits)
{
	v->vh.l1_irq_checked = false;
	if (v->vh.in_l2)
		v->vh.l1.hvip &= ~bits;
	else
		l0_hcsr_clear(v, CSR_HVIP, bits);
}

/* ---- AIA for L1 (l1.aia=1 with l1.h=1, issue 14 step 3) --------------
 * L1's guest interrupt file k (1..GEILEN) is the host hart's guest file
 * k + 1 (file 1 is L1's own S file, vaplic.h), mapped at L1's GPA for it
 * (main.c), so the shadow maps L2's IMSIC page onto the hardware page
 * through L1's mapping, and L1's hgeip is the hardware's, shifted. */
#define L0_L1_FILE_SHIFT 1

static unsigned long l1_hgeip(const struct l0_vcpu *v)
{
	/* hgeip is the hardware's view of the files: read live */
	return (csr_read(CSR_HGEIP) >> L0_L1_FILE_SHIFT) &
	       (((1UL << v->guest->l1_geilen) - 1) << 1);
}

/* The host file behind L1's hstatus.VGEIN: 0 when it names none */
static unsigned long vgein_backing(const struct l0_vcpu *v)
{
	unsigned long k =
		(v->vh.hstatus & HSTATUS_VGEIN) >> HSTATUS_VGEIN_SHIFT;

	return k >= 1 && k <= v->guest->l1_geilen ? k + L0_L1_FILE_SHIFT : 0;
}

/* L1's hip bits from its files ("Hypervisor Interrupt Registers"):
 * SGEIP = hgeip & hgeie != 0; VSEIP also when the file VGEIN selects has
 * an interrupt (hip.VSEIP = hvip.VSEIP | hgeip[VGEIN]). */
static unsigned long vhip_aia(const struct l0_vcpu *v)
{
	unsigned long gp = l1_hgeip(v), hip = 0, b = vgein_backing(v);

	if (gp & v->vh.hgeie)
		hip |= MIP_SGEIP;
	if (b && (gp >> (b - L0_L1_FILE_SHIFT) & 1))
		hip |= MIP_VSEIP;
	return hip;
}

/* The real hgeie: while L1 runs, its enabled guest files (so that L0
 * hears of their interrupts and hands them to L1 as SGEI); while L2
 * runs, also L1's own file, whose interrupts then exit L2. */
static void sync_hgeie(const struct l0_vcpu *v, bool l2)
{
	unsigned long e = 0;

	if (v->vh.hie & MIP_SGEIP)
		e = v->vh.hgeie << L0_L1_FILE_SHIFT;
	if (l2)
		e |= 1UL << L0_L1_FILE_SHIFT;
	csr_write(CSR_HGEIE, e);
}

/* Into L2: L2's siselect, hvictl and hviprio into the hardware, the real
 * VGEIN onto the file L1's VGEIN selects (so L2's IMSIC accesses and its
 * file's interrupts need no trap), and L1's own file heard through
 * hgeie. Returns the hstatus L2 runs with. */
static unsigned long aia_enter_l2(struct l0_vcpu *v, unsigned long hs)
{
	struct l0_vhyp *vh = &v->vh;

	l0_hcsr_flush(v); /* real accesses below (hcsr.h) */
	vh->l1.vsiselect = csr_read(CSR_VSISELECT);
	csr_write(CSR_VSISELECT, vh->vsiselect);
	csr_write(CSR_HVICTL, vh->hvictl);
	csr_write(CSR_HVIPRIO1, vh->hviprio1);
	csr_write(CSR_HVIPRIO2, vh->hviprio2);
	sync_hgeie(v, true);
	return (hs & ~HSTATUS_VGEIN) | vgein_backing(v) << HSTATUS_VGEIN_SHIFT;
}

/* Back to L1: L2's siselect (it writes it without a trap) kept, L1's
 * own back; L0's hvictl and priorities (0) for L1; hgeie for L1. The
 * real VGEIN returns to L1's file with L1's hstatus. */
static void aia_exit_l2(struct l0_vcpu *v)
{
	struct l0_vhyp *vh = &v->vh;
	unsigned long sel;

	l0_hcsr_flush(v);
	sel = csr_read(CSR_VSISELECT);
	if (sel != vh->vsiselect)
		vh->exit_changed |= 1UL << L0_VHYP_CHG_VSISELECT;
	vh->vsiselect = sel;
	csr_write(CSR_VSISELECT, vh->l1.vsiselect);
	csr_write(CSR_HVICTL, 0);
	csr_write(CSR_HVIPRIO1, 0);
	csr_write(CSR_HVIPRIO2, 0);
	sync_hgeie(v, false);
}

void l0_vhyp_sgei(struct l0_vcpu *v)
{
	/* The file stays pending until L1 takes its interrupt: heard once,
	 * then quiet until hgeie is synchronised again (an hgeie write of
	 * L1's, a world switch); L1's hip shows it meanwhile (vhip_aia) */
	csr_write(CSR_HGEIE, 0);
	(void)v;
}

bool l0_vhyp_l1_sgei_pending(const struct l0_vcpu *v)
{
	return l1_has_geilen(v) && (v->vh.hie & MIP_SGEIP) &&
	       (l1_hgeip(v) & v->vh.hgeie);
}

/* L1's virtual hip ("Hypervisor Interrupt Registers"): hvip's VS bits,
 * VSTIP also from the Sstc comparison vstimecmp <= time + htimedelta
 * when L1 enabled it (henvcfg.STCE), SGEIP = hgeip & hgeie = 0. */
static unsigned long vhip(const struct l0_vcpu *v)
{
	const struct l0_vhyp *vh = &v->vh;
	unsigned long hip = vh->hvip & HVIP_VS_MASK;

	if ((vh->henvcfg & ENVCFG_STCE) &&
	    rd_time() + vh->htimedelta >= vh->vstimecmp)
		hip |= MIP_VSTIP;
	if (l1_has_geilen(v))
		hip |= vhip_aia(v);
	return hip;
}

/* ---- the CSR table --------------------------------------------------- */

struct vcsr;
typedef unsigned long (*vcsr_read_fn)(struct l0_vcpu *v, const struct vcsr *c);
/* A write of `val` under `mask` (the bits the CSR instruction changes):
 * most CSRs only need the merged value (merge()); vsie/vsip need both. */
typedef void (*vcsr_write_fn)(struct l0_vcpu *v, const struct vcsr *c,
			      unsigned long val, unsigned long mask);

/* Where a CSR's writable mask comes from. */
enum vcsr_mask {
	VCSR_MASK_FIXED,      /* .mask */
	VCSR_MASK_HEDELEG,    /* the host's hedeleg (measured) */
	VCSR_MASK_HCOUNTEREN, /* the host's hcounteren (measured) */
	VCSR_MASK_HENVCFG,    /* the host's henvcfg, features L1 has */
	VCSR_MASK_HSTATUS,    /* VHSTATUS_WRITABLE, VGEIN with l1.aia=1 */
	VCSR_MASK_HGEIE,      /* bits 1..GEILEN of L1 */
};

/* Accessibility beyond "an h* or vs* CSR from HS-mode". */
enum vcsr_flags {
	VCSR_READ_ONLY = 1, /* a write is an illegal instruction */
	VCSR_SSTC = 2,	    /* exists only when L1 has Sstc */
	VCSR_AIA = 4,	    /* exists only when L1 has Ssaia (l1.aia=1) */
	VCSR_AIA_FILE = 8,  /* an access to L2's guest file (aia_file_csr) */
};

struct vcsr {
	unsigned csr;
	const char *name;
	size_t field; /* offset in struct l0_vhyp of a plain register */
	vcsr_read_fn read;
	vcsr_write_fn write;
	enum vcsr_mask mask_kind;
	unsigned long mask;
	unsigned flags;
};

static unsigned long *field_of(struct l0_vcpu *v, const struct vcsr *c)
{
	return (unsigned long *)((char *)&v->vh + c->field);
}

/* hstatus's writable bits: with L1's AIA, VGEIN too, all six bits, as
 * QEMU 10 keeps what is written (WLRL over 0..GEILEN: "Hypervisor
 * Status Register"; a value beyond GEILEN selects no file) */
static unsigned long vhstatus_writable(const struct l0_vcpu *v)
{
	return VHSTATUS_WRITABLE |
	       (v->guest->opts->l1_aia ? HSTATUS_VGEIN : 0UL);
}

static unsigned long mask_of(const struct l0_vcpu *v, const struct vcsr *c)
{
	const struct l0_vhyp_caps *caps = &v->guest->vcaps;

	switch (c->mask_kind) {
	case VCSR_MASK_HEDELEG:
		return caps->hedeleg_mask;
	case VCSR_MASK_HCOUNTEREN:
		return caps->hcounteren_mask;
	case VCSR_MASK_HENVCFG:
		return caps->henvcfg_mask;
	case VCSR_MASK_HSTATUS:
		return vhstatus_writable(v);
	case VCSR_MASK_HGEIE:
		/* "Hypervisor Guest External Interrupt Registers": bits
		 * 1..GEILEN are writable, bit 0 is read-only zero */
		return ((1UL << v->guest->l1_geilen) - 1) << 1;
	case VCSR_MASK_FIXED:
		break;
	}
	return c->mask;
}

static unsigned long reg_read(struct l0_vcpu *v, const struct vcsr *c)
{
	return *field_of(v, c);
}

/* The value a CSR instruction writes: (old & ~mask) | (val & mask). */
static unsigned long merge(unsigned long old, unsigned long val,
			   unsigned long mask)
{
	return (old & ~mask) | (val & mask);
}

/* QEMU 10's vsie/vsip write (see vsie_read below) */
static unsigned long qemu_vs_bits(unsigned long x)
{
	return x | ((x & (HVIP_VS_MASK >> 1)) << 1);
}

/* A register whose writable bits are a mask; the rest keep their value. */
static void reg_write(struct l0_vcpu *v, const struct vcsr *c,
		      unsigned long val, unsigned long mask)
{
	unsigned long *f = field_of(v, c);

	*f = merge(*f, merge(*f, val, mask), mask_of(v, c));
}

static void hstatus_write(struct l0_vcpu *v, const struct vcsr *c,
			  unsigned long val, unsigned long mask)
{
	reg_write(v, c, val, mask);
	v->vh.hstatus |= VHSTATUS_VSXL;
	/* keep the VTSR invariant on every write (DESIGN.md §3) */
	sync_vtsr(v);
}

/* htval, htinst: an interrupt L1 took in hardware (delegated through
 * hideleg, never seen by L0) wrote them as 0 ("Trap Entry"). L1 never
 * writes an interrupt cause into scause itself (as l1_took_irq_since_spv
 * assumes), so such an interrupt shows as an interrupt cause in scause
 * other than the one scause held when the value was established:
 * trap_info_vscause, L1's scause at its htval write (L1 may write htval in
 * an interrupt handler), 0 when L0 wrote them at a trap it delivered (an
 * exception: any interrupt cause since is one L1 took; an interrupt: they
 * are 0). An interrupt with the very cause recorded at L1's write, or
 * one whose cause L1 overwrote since, cannot be told apart (README.md).
 * While they hold something no exception is delegated (sync_vtsr), so
 * exceptions pass through L0. */
static bool irq_since_trap_info(const struct l0_vcpu *v, unsigned long cause)
{
	return (cause & CAUSE_INTERRUPT) && cause != v->vh.trap_info_vscause;
}

static bool l1_took_irq_since_trap_info(struct l0_vcpu *v)
{
	return irq_since_trap_info(v, l0_hcsr_read(v, CSR_VSCAUSE));
}

static unsigned long trap_info_read(struct l0_vcpu *v, const struct vcsr *c)
{
	unsigned long val = reg_read(v, c);

	/* vscause only when it matters: under an L0 of its own, each read
	 * of it is a trap into that L0 (recursive: 2 per nested hypercall) */
	if (val && l1_took_irq_since_trap_info(v))
		return 0;
	return val;
}

/* htval is writable: what L1 writes must also stay until its next trap,
 * also when L1 writes it while its scause holds an interrupt cause */
static void htval_write(struct l0_vcpu *v, const struct vcsr *c,
			unsigned long val, unsigned long mask)
{
	/* one read: under an L0 of its own, a trap into that L0 */
	unsigned long cause = l0_hcsr_read(v, CSR_VSCAUSE);

	/* an interrupt L1 took in hardware since wrote htval and htinst 0:
	 * CSRRS/CSRRC act on that 0, and htinst stays 0 once the record
	 * below no longer hides it */
	if (irq_since_trap_info(v, cause)) {
		v->vh.htval = 0;
		v->vh.htinst = 0;
	}
	reg_write(v, c, val, mask);
	v->vh.trap_info_vscause = cause;
	sync_vtsr(v);
}

/* htinst: WARL, need only hold values the hart itself writes on a trap
 * ("Hypervisor Trap Instruction Register"); QEMU ignores writes. */
static void ignore_write(struct l0_vcpu *v, const struct vcsr *c,
			 unsigned long val, unsigned long mask)
{
	(void)v;
	(void)c;
	(void)val;
	(void)mask;
}

static unsigned long zero_read(struct l0_vcpu *v, const struct vcsr *c)
{
	(void)v;
	(void)c;
	return 0;
}

static unsigned long hip_read(struct l0_vcpu *v, const struct vcsr *c)
{
	(void)c;
	return vhip(v);
}

/* hip: only VSSIP is writable, an alias of hvip.VSSIP. */
static void hip_write(struct l0_vcpu *v, const struct vcsr *c,
		      unsigned long val, unsigned long mask)
{
	(void)c;
	v->vh.hvip = merge(v->vh.hvip, merge(v->vh.hvip, val, mask), MIP_VSSIP);
}

/* vsie/vsip ("Virtual Supervisor Interrupt Registers"): the VS bits of
 * hie/hip that hideleg delegates, shifted to the S positions (VSSIP at
 * bit 1 ...); undelegated bits read as zero and ignore writes.
 *
 * Writes as QEMU 10 does them (rmw_vsie64/rmw_vsip64, measured by
 * hprobe's csr.vsie_deleg and csr.vsip_deleg lines): the value and the
 * write mask get the S-position bits copied to the VS positions, while
 * their own bits at the VS positions (2, 6, 10: reserved in vsie/vsip)
 * are kept, so a bit written at either position reaches hie/hvip.
 * Software that leaves the reserved bits zero sees the spec's result. */
static unsigned long vsie_read(struct l0_vcpu *v, const struct vcsr *c)
{
	(void)c;
	return (v->vh.hie & v->vh.hideleg & HVIP_VS_MASK) >> 1;
}

static void vsie_write(struct l0_vcpu *v, const struct vcsr *c,
		       unsigned long val, unsigned long mask)
{
	unsigned long d = v->vh.hideleg & HVIP_VS_MASK;

	(void)c;
	v->vh.hie = merge(v->vh.hie, qemu_vs_bits(val), qemu_vs_bits(mask) & d);
}

static unsigned long vsip_read(struct l0_vcpu *v, const struct vcsr *c)
{
	(void)c;
	return l0_vhyp_vsip(v);
}

/* vsip: only SSIP is writable (the alias of hvip.VSSIP), when delegated */
static void vsip_write(struct l0_vcpu *v, const struct vcsr *c,
		       unsigned long val, unsigned long mask)
{
	unsigned long d = v->vh.hideleg & MIP_VSSIP;

	(void)c;
	v->vh.hvip =
		merge(v->vh.hvip, qemu_vs_bits(val), qemu_vs_bits(mask) & d);
}

static unsigned long hgatp_read(struct l0_vcpu *v, const struct vcsr *c)
{
	(void)c;
	return v->vh.shadow.hgatp;
}

/* hgatp WARL (shadow_write_hgatp, QEMU's policy): an unsupported MODE
 * leaves hgatp unchanged; a new MODE/VMID/root selects another shadow. */
static void hgatp_write(struct l0_vcpu *v, const struct vcsr *c,
			unsigned long val, unsigned long mask)
{
	(void)c;
	shadow_write_hgatp(&v->vh.shadow, merge(v->vh.shadow.hgatp, val, mask));
}

/* The value a vs* CSR takes when `val` is written over `old`, from the
 * hardware itself: L2 runs on the real vs* CSRs, so their WARL rules (a
 * reserved vsatp MODE ignored, vstvec MODE, vsstatus fields, vscause
 * WLRL) are the ones L1 must see. The real register holds L1's own
 * supervisor CSR meanwhile and is restored at once; L0 runs with V=0 and
 * interrupts off, so nothing observes the interval. */
#define HW_ROUNDTRIP(csr, old, val)                    \
	({                                             \
		unsigned long __saved = csr_read(csr); \
		unsigned long __now;                   \
		csr_write(csr, old);                   \
		csr_write(csr, val);                   \
		__now = csr_read(csr);                 \
		csr_write(csr, __saved);               \
		__now;                                 \
	})

static unsigned long vs_legalize(unsigned csr, unsigned long old,
				 unsigned long val)
{
	switch (csr) {
	case CSR_VSSTATUS:
		return HW_ROUNDTRIP(CSR_VSSTATUS, old, val);
	case CSR_VSTVEC:
		return HW_ROUNDTRIP(CSR_VSTVEC, old, val);
	case CSR_VSEPC:
		return HW_ROUNDTRIP(CSR_VSEPC, old, val);
	case CSR_VSCAUSE:
		return HW_ROUNDTRIP(CSR_VSCAUSE, old, val);
	case CSR_VSTVAL:
		return HW_ROUNDTRIP(CSR_VSTVAL, old, val);
	case CSR_VSATP:
		return HW_ROUNDTRIP(CSR_VSATP, old, val);
	default:
		/* vsscratch ("an XLEN-bit read/write register") and
		 * vstimecmp (Sstc: 64 bits, no field) hold any value */
		return val;
	}
}

/*
 * The last two values the hardware returned for each vs* CSR, per vCPU: a
 * value read back from the register is legal, and writing a legal value
 * to a WARL field keeps it, so writing one of them again needs no round
 * trip. A guest hypervisor's world switch writes each vs* CSR with two
 * values in turn (its own and its guest's, through NACL SYNC_SRET); on an
 * L0 that runs on another L0 every round trip is five traps into that one
 * (recursive3-nacl: 80 per hypercall).
 */
#define L0_VS_LEGAL_CSRS 6
#define L0_VS_LEGAL_KEEP 2
static struct {
	unsigned long val[L0_VS_LEGAL_CSRS][L0_VS_LEGAL_KEEP];
	unsigned char nkept[L0_VS_LEGAL_CSRS];
	unsigned char next[L0_VS_LEGAL_CSRS];
} l0_vs_legal[L0_MAX_VCPUS];

static int vs_legal_slot(unsigned csr)
{
	switch (csr) {
	case CSR_VSSTATUS:
		return 0;
	case CSR_VSTVEC:
		return 1;
	case CSR_VSEPC:
		return 2;
	case CSR_VSCAUSE:
		return 3;
	case CSR_VSTVAL:
		return 4;
	case CSR_VSATP:
		return 5;
	default:
		return -1; /* no round trip (vs_legalize) */
	}
}

static void vs_write(struct l0_vcpu *v, const struct vcsr *c, unsigned long val,
		     unsigned long mask)
{
	unsigned long *f = field_of(v, c);
	unsigned long want = merge(*f, val, mask);
	int k = vs_legal_slot(c->csr);
	unsigned char i;

	if (k < 0) { /* any value is legal */
		*f = want;
		return;
	}
	for (i = 0; i < l0_vs_legal[v->vhartid].nkept[k]; i++)
		if (l0_vs_legal[v->vhartid].val[k][i] == want) {
			*f = want;
			return;
		}
	/* the round trip is real accesses: nothing may wait in NACL */
	l0_hcsr_flush(v);
	*f = vs_legalize(c->csr, *f, want);
	i = l0_vs_legal[v->vhartid].next[k];
	l0_vs_legal[v->vhartid].val[k][i] = *f;
	l0_vs_legal[v->vhartid].next[k] =
		(unsigned char)((i + 1) % L0_VS_LEGAL_KEEP);
	if (l0_vs_legal[v->vhartid].nkept[k] < L0_VS_LEGAL_KEEP)
		l0_vs_legal[v->vhartid].nkept[k]++;
}

/* ---- AIA CSRs of L1's hypervisor (l1.aia=1) --------------------------
 * AIA "CSRs added to the hypervisor and VS levels": hgeie/hgeip over L1's
 * GEILEN, hvictl and hviprio1/2 (L2's, loaded into the hardware while L2
 * runs), vsiselect (L2's siselect, in the real vsiselect while L2 runs),
 * and vsireg/vstopei/vstopi, which reach the file L1's VGEIN selects. */

/* hvictl: VTI (30), IID (27:16), IPRIOM (8), IPRIO (7:0) writable; DPR
 * (9) read-only zero, as QEMU 10 has it (measured by tests/aianest on
 * QEMU's own H: all ones read back 0x4fff01ff; "Hypervisor
 * Virtual-Interrupt Control": IID is WARL with at least 6 bits) */
#define VHVICTL_WRITABLE 0x4fff01ffUL
/* hviprio1: a byte per interrupt 0, 1, 4, 5, 8, 13, 14, 15, of which 0, 4
 * and 8 read-only zero; hviprio2: 16..23, all writable (measured on
 * QEMU 10 as hvictl; "Interrupt priorities" allows read-only zero
 * fields) */
#define VHVIPRIO1_WRITABLE 0xffffff00ff00ff00UL
#define VHVIPRIO2_WRITABLE (~0UL)

static unsigned long hgeip_read(struct l0_vcpu *v, const struct vcsr *c)
{
	(void)c;
	return v->guest->l1_geilen ? l1_hgeip(v) : 0;
}

static void hgeie_write(struct l0_vcpu *v, const struct vcsr *c,
			unsigned long val, unsigned long mask)
{
	reg_write(v, c, val, mask);
	if (v->guest->l1_geilen)
		sync_hgeie(v, v->vh.in_l2);
}

/* hie: SGEIE decides whether L0 listens to L1's files (sync_hgeie) */
static void hie_write(struct l0_vcpu *v, const struct vcsr *c,
		      unsigned long val, unsigned long mask)
{
	reg_write(v, c, val, mask);
	if (v->guest->l1_geilen)
		sync_hgeie(v, v->vh.in_l2);
}

/* vsiselect: WARL, legalised by the hardware's own vsiselect (which holds
 * L1's siselect while L1 runs: put back at once) */
static void vsiselect_write(struct l0_vcpu *v, const struct vcsr *c,
			    unsigned long val, unsigned long mask)
{
	(void)c;
	l0_hcsr_flush(v);
	v->vh.vsiselect = HW_ROUNDTRIP(CSR_VSISELECT, v->vh.vsiselect,
				       merge(v->vh.vsiselect, val, mask));
}

/* The IMSIC registers behind vsireg ("Indirectly accessed interrupt-file
 * registers"): eidelivery, eithreshold, and on RV64 the even eip/eie
 * numbers; those of identities beyond the file's are read-only zero
 * (checked here: the hardware may refuse them) */
static bool imsic_reg(const struct l0_vcpu *v, unsigned long isel, bool *zero)
{
	uint32_t ids = v->guest->host->imsic_num_ids;

	*zero = false;
	if (isel == IMSIC_EIDELIVERY || isel == IMSIC_EITHRESHOLD)
		return true;
	if (isel < IMSIC_EIP0 || isel > IMSIC_EIE0 + 0x3f || isel % 2)
		return false;
	*zero = ((isel - IMSIC_EIP0) % 0x40) / 2 * 64 > ids;
	return true;
}

/* vsireg or vstopei as HS-mode reaches them: in the guest file the real
 * hstatus.VGEIN selects (L1's file behind it), vsireg through the real
 * vsiselect (L1's vsiselect); both put back for L1 at once (L0 runs with
 * interrupts off, nothing sees the interval). No file selected, or
 * vsiselect naming no register of it (the major-interrupt priorities are
 * not there for VS), is an illegal instruction from HS-mode (AIA
 * "Virtual supervisor level"; QEMU 10 rmw_xireg/rmw_xtopei). */
static enum l0_vhyp_status aia_file_csr(struct l0_vcpu *v, unsigned csr,
					bool write, unsigned long val,
					unsigned long mask, unsigned long *old)
{
	unsigned long b = vgein_backing(v), hs, sel;
	bool zero = false;

	if (!b || (csr == CSR_VSIREG && !imsic_reg(v, v->vh.vsiselect, &zero)))
		return L0_VHYP_ILLEGAL;
	if (zero) {
		*old = 0;
		return L0_VHYP_OK;
	}
	l0_hcsr_flush(v);
	hs = csr_read(CSR_HSTATUS);
	sel = csr_read(CSR_VSISELECT);
	csr_write(CSR_HSTATUS,
		  (hs & ~HSTATUS_VGEIN) | b << HSTATUS_VGEIN_SHIFT);
	if (csr == CSR_VSTOPEI) {
		/* a write claims the top interrupt the read returns */
		*old = write ? csr_swap(CSR_VSTOPEI, val)
			     : csr_read(CSR_VSTOPEI);
	} else {
		csr_write(CSR_VSISELECT, v->vh.vsiselect);
		*old = csr_read(CSR_VSIREG);
		if (write) {
			csr_set(CSR_VSIREG, val & mask);
			csr_clear(CSR_VSIREG, ~val & mask);
		}
	}
	csr_write(CSR_VSISELECT, sel);
	csr_write(CSR_HSTATUS, hs);
	return L0_VHYP_OK;
}

/* vstopi (read-only): L2's top VS interrupt, computed by the hardware
 * from L2's view, loaded for the one read: hvip (with L1's Sstc
 * comparison, vhip), hie, hideleg, the file VGEIN selects, hvictl and
 * hviprio; vstimecmp at its maximum so that L1's own timer does not
 * count. Everything is L1's again before L0 returns. */
static unsigned long vstopi_read(struct l0_vcpu *v, const struct vcsr *c)
{
	struct l0_vhyp *vh = &v->vh;
	unsigned long hs, hvip, hie, hid, ctl, p1, p2, tcmp = 0, top;
	bool sstc = host_has_sstc(v);

	(void)c;
	l0_hcsr_flush(v);
	hs = csr_read(CSR_HSTATUS);
	hvip = csr_read(CSR_HVIP);
	hie = csr_read(CSR_HIE);
	hid = csr_read(CSR_HIDELEG);
	ctl = csr_read(CSR_HVICTL);
	p1 = csr_read(CSR_HVIPRIO1);
	p2 = csr_read(CSR_HVIPRIO2);
	if (sstc) {
		tcmp = csr_read(CSR_VSTIMECMP);
		csr_write(CSR_VSTIMECMP, ~0UL);
	}
	csr_write(CSR_HSTATUS, (hs & ~HSTATUS_VGEIN) |
				       vgein_backing(v) << HSTATUS_VGEIN_SHIFT);
	csr_write(CSR_HVIP, (vh->hvip | vhip(v)) & HVIP_VS_MASK);
	csr_write(CSR_HIE, (vh->hie & HVIP_VS_MASK) | (hie & MIP_SGEIP));
	csr_write(CSR_HIDELEG, vh->hideleg & HVIP_VS_MASK);
	csr_write(CSR_HVICTL, vh->hvictl);
	csr_write(CSR_HVIPRIO1, vh->hviprio1);
	csr_write(CSR_HVIPRIO2, vh->hviprio2);
	top = csr_read(CSR_VSTOPI);
	csr_write(CSR_HVIPRIO2, p2);
	csr_write(CSR_HVIPRIO1, p1);
	csr_write(CSR_HVICTL, ctl);
	csr_write(CSR_HIDELEG, hid);
	csr_write(CSR_HIE, hie);
	csr_write(CSR_HVIP, hvip);
	csr_write(CSR_HSTATUS, hs);
	if (sstc)
		csr_write(CSR_VSTIMECMP, tcmp);
	return top;
}

#define VH(f) offsetof(struct l0_vhyp, f)
static const struct vcsr l0_vcsrs[] = {
	{CSR_HSTATUS, "hstatus", VH(hstatus), reg_read, hstatus_write,
	 VCSR_MASK_HSTATUS, 0, 0},
	/* hedeleg: the host's writable bits (bits 10 and 20..23 are
	 * read-only zero: "Hypervisor Trap Delegation Registers") */
	{CSR_HEDELEG, "hedeleg", VH(hedeleg), reg_read, reg_write,
	 VCSR_MASK_HEDELEG, 0, 0},
	/* hideleg: the VS interrupts (LCOFI is not given to L1) */
	{CSR_HIDELEG, "hideleg", VH(hideleg), reg_read, reg_write,
	 VCSR_MASK_FIXED, HVIP_VS_MASK, 0},
	{CSR_HIE, "hie", VH(hie), reg_read, hie_write, VCSR_MASK_FIXED,
	 VHIE_WRITABLE, 0},
	{CSR_HIP, "hip", 0, hip_read, hip_write, VCSR_MASK_FIXED, MIP_VSSIP, 0},
	{CSR_HVIP, "hvip", VH(hvip), reg_read, reg_write, VCSR_MASK_FIXED,
	 HVIP_VS_MASK, 0},
	/* L1's GEILEN (0 without l1.aia=1: hgeie read-only zero); hgeip a
	 * read-only CSR */
	{CSR_HGEIE, "hgeie", VH(hgeie), reg_read, hgeie_write, VCSR_MASK_HGEIE,
	 0, 0},
	{CSR_HGEIP, "hgeip", 0, hgeip_read, ignore_write, VCSR_MASK_FIXED, 0,
	 VCSR_READ_ONLY},
	/* hvien: read-only zero, L0 offers L1 no VS-level virtual
	 * interrupts 13-63 (AIA "Interrupt filtering and virtual interrupts
	 * for VS level": a bit is writable only for an interrupt that can be
	 * one; L1's hvip bits 13-63 stay read-only zero with it) */
	{CSR_HVIEN, "hvien", 0, zero_read, ignore_write, VCSR_MASK_FIXED, 0,
	 VCSR_AIA},
	{CSR_HVICTL, "hvictl", VH(hvictl), reg_read, reg_write, VCSR_MASK_FIXED,
	 VHVICTL_WRITABLE, VCSR_AIA},
	{CSR_HVIPRIO1, "hviprio1", VH(hviprio1), reg_read, reg_write,
	 VCSR_MASK_FIXED, VHVIPRIO1_WRITABLE, VCSR_AIA},
	{CSR_HVIPRIO2, "hviprio2", VH(hviprio2), reg_read, reg_write,
	 VCSR_MASK_FIXED, VHVIPRIO2_WRITABLE, VCSR_AIA},
	{CSR_VSISELECT, "vsiselect", VH(vsiselect), reg_read, vsiselect_write,
	 VCSR_MASK_FIXED, 0, VCSR_AIA},
	{CSR_VSIREG, "vsireg", 0, zero_read, ignore_write, VCSR_MASK_FIXED, 0,
	 VCSR_AIA | VCSR_AIA_FILE},
	{CSR_VSTOPEI, "vstopei", 0, zero_read, ignore_write, VCSR_MASK_FIXED, 0,
	 VCSR_AIA | VCSR_AIA_FILE},
	{CSR_VSTOPI, "vstopi", 0, vstopi_read, ignore_write, VCSR_MASK_FIXED, 0,
	 VCSR_AIA | VCSR_READ_ONLY},
	{CSR_HCOUNTEREN, "hcounteren", VH(hcounteren), reg_read, reg_write,
	 VCSR_MASK_HCOUNTEREN, 0, 0},
	{CSR_HTVAL, "htval", VH(htval), trap_info_read, htval_write,
	 VCSR_MASK_FIXED, ~0UL, 0},
	{CSR_HTINST, "htinst", VH(htinst), trap_info_read, ignore_write,
	 VCSR_MASK_FIXED, 0, 0},
	{CSR_HGATP, "hgatp", 0, hgatp_read, hgatp_write, VCSR_MASK_FIXED, 0, 0},
	{CSR_HTIMEDELTA, "htimedelta", VH(htimedelta), reg_read, reg_write,
	 VCSR_MASK_FIXED, ~0UL, 0},
	{CSR_HENVCFG, "henvcfg", VH(henvcfg), reg_read, reg_write,
	 VCSR_MASK_HENVCFG, 0, 0},
	{CSR_VSSTATUS, "vsstatus", VH(vsstatus), reg_read, vs_write,
	 VCSR_MASK_FIXED, 0, 0},
	{CSR_VSIE, "vsie", 0, vsie_read, vsie_write, VCSR_MASK_FIXED, 0, 0},
	{CSR_VSIP, "vsip", 0, vsip_read, vsip_write, VCSR_MASK_FIXED, 0, 0},
	{CSR_VSTVEC, "vstvec", VH(vstvec), reg_read, vs_write, VCSR_MASK_FIXED,
	 0, 0},
	{CSR_VSSCRATCH, "vsscratch", VH(vsscratch), reg_read, vs_write,
	 VCSR_MASK_FIXED, 0, 0},
	{CSR_VSEPC, "vsepc", VH(vsepc), reg_read, vs_write, VCSR_MASK_FIXED, 0,
	 0},
	{CSR_VSCAUSE, "vscause", VH(vscause), reg_read, vs_write,
	 VCSR_MASK_FIXED, 0, 0},
	{CSR_VSTVAL, "vstval", VH(vstval), reg_read, vs_write, VCSR_MASK_FIXED,
	 0, 0},
	{CSR_VSATP, "vsatp", VH(vsatp), reg_read, vs_write, VCSR_MASK_FIXED, 0,
	 0},
	{CSR_VSTIMECMP, "vstimecmp", VH(vstimecmp), reg_read, vs_write,
	 VCSR_MASK_FIXED, 0, VCSR_SSTC},
};
#undef VH

#define L0_VCSRS (sizeof(l0_vcsrs) / sizeof(l0_vcsrs[0]))
/* CSR numbers are 12 bits ("Zicsr") */
#define L0_CSR_NUMBERS 4096
_Static_assert(L0_VCSRS < 256, "l0_vcsr_slot holds the index in a byte");
/* CSR number -> 1 + its index in l0_vcsrs[] (0: none), built at boot:
 * every CSR trap and NACL sync looks a CSR up, so in one step. */
static uint8_t l0_vcsr_slot[L0_CSR_NUMBERS];

/* The direct index of l0_vhyp_csr_read_fast, per CSR number: 0, or the
 * offset in struct l0_vhyp of the plain register it reads (a multiple of
 * 8) with L0_VCSR_FAST_REG, plus L0_VCSR_FAST_TRAP_INFO for
 * trap_info_read's rule. Built from l0_vcsrs with the slots: one load
 * instead of the slot, the table entry and its read function and flags
 * (18 instructions of each of a nested hypercall's 3 CSR reads). */
enum l0_vcsr_fast {
	L0_VCSR_FAST_REG = 1,	    /* reg_read of the field */
	L0_VCSR_FAST_TRAP_INFO = 2, /* trap_info_read of the field */
	L0_VCSR_FAST_BITS = 7,	    /* below the offset's lowest bit */
};
static uint16_t l0_vcsr_fast[L0_CSR_NUMBERS];

static void vcsr_index(void)
{
	for (unsigned i = 0; i < L0_VCSRS; i++) {
		const struct vcsr *c = &l0_vcsrs[i];

		l0_vcsr_slot[c->csr] = (uint8_t)(i + 1);
		/* the fast path reads plain registers only, and none that
		 * exists only for some L1s (vstimecmp, the AIA CSRs) */
		if ((c->read != reg_read && c->read != trap_info_read) ||
		    (c->flags & (VCSR_SSTC | VCSR_AIA)) ||
		    c->field > UINT16_MAX - L0_VCSR_FAST_BITS)
			continue;
		_Static_assert((sizeof(unsigned long) & L0_VCSR_FAST_BITS) == 0,
			       "field offsets leave the low bits free");
		l0_vcsr_fast[c->csr] =
			(uint16_t)(c->field | L0_VCSR_FAST_REG |
				   (c->read == trap_info_read
					    ? L0_VCSR_FAST_TRAP_INFO
					    : 0));
	}
}

static const struct vcsr *vcsr_find(const struct l0_vcpu *v, unsigned csr)
{
	const struct vcsr *c;

	if (csr >= L0_CSR_NUMBERS || !l0_vcsr_slot[csr])
		return NULL;
	c = &l0_vcsrs[l0_vcsr_slot[csr] - 1];
	if ((c->flags & VCSR_SSTC) && !l1_has_sstc(v))
		return NULL;
	if ((c->flags & VCSR_AIA) && !v->guest->opts->l1_aia)
		return NULL;
	return c;
}

enum l0_vhyp_status l0_vhyp_csr_read(struct l0_vcpu *v, unsigned csr,
				     unsigned long *val)
{
	const struct vcsr *c = vcsr_find(v, csr);

	if (!c)
		return L0_VHYP_NOT_HYP;
	if (c->flags & VCSR_AIA_FILE)
		return aia_file_csr(v, csr, false, 0, 0, val);
	*val = c->read(v, c);
	return L0_VHYP_OK;
}

unsigned long l0_vhyp_hip(const struct l0_vcpu *v)
{
	return vhip(v);
}

unsigned long l0_vhyp_vsip(const struct l0_vcpu *v)
{
	return (vhip(v) & v->vh.hideleg & HVIP_VS_MASK) >> 1;
}

void l0_vhyp_write_hstatus(struct l0_vcpu *v, unsigned long val)
{
	/* as a CSRRW of hstatus (hstatus_write), without the table: NACL's
	 * autoswap writes it at every entry into L2 and exit from it whose
	 * hstatus differs (GVA after a guest-page fault) */
	v->vh.hstatus =
		merge(v->vh.hstatus, val, vhstatus_writable(v)) | VHSTATUS_VSXL;
	sync_vtsr(v);
}

enum l0_vhyp_status l0_vhyp_csr_write(struct l0_vcpu *v, unsigned csr,
				      unsigned long val, unsigned long *now)
{
	const struct vcsr *c = vcsr_find(v, csr);

	if (!c)
		return L0_VHYP_NOT_HYP;
	if (c->flags & VCSR_READ_ONLY)
		return L0_VHYP_ILLEGAL;
	if (c->flags & VCSR_AIA_FILE) {
		unsigned long old;
		enum l0_vhyp_status st =
			aia_file_csr(v, csr, true, val, ~0UL, &old);

		if (now && st == L0_VHYP_OK)
			st = aia_file_csr(v, csr, false, 0, 0, now);
		return st;
	}
	c->write(v, c, val, ~0UL);
	if (now)
		*now = c->read(v, c);
	return L0_VHYP_OK;
}

/* One CSR instruction, decoded once (insn_csr_update): read the old value,
 * write (old & ~mask) | (value & mask), rd = old. "Zicsr": a read-only CSR
 * is illegal only for the forms that write. */
static enum l0_vhyp_status emulate_csr(struct l0_vcpu *v, const struct insn *in)
{
	const struct vcsr *c = vcsr_find(v, in->csr);
	struct insn_csr_update u;
	unsigned long old;

	if (!c)
		return L0_VHYP_NOT_HYP;
	u = insn_csr_update(in, in->csr_imm ? in->uimm : gpr_get(v, in->rs1));
	if (u.write && (c->flags & VCSR_READ_ONLY))
		return L0_VHYP_ILLEGAL;
	if (c->flags & VCSR_AIA_FILE) {
		/* the read and the write in one access of the hardware */
		enum l0_vhyp_status st = aia_file_csr(v, in->csr, u.write,
						      u.value, u.mask, &old);

		if (st == L0_VHYP_OK)
			gpr_set(v, in->rd, old);
		return st;
	}
	old = c->read(v, c);
	if (u.write)
		c->write(v, c, u.value, u.mask);
	gpr_set(v, in->rd, old);
	return L0_VHYP_OK;
}

/* L1 reads one of its h* or vs* CSRs: the trap behind most of a nested exit
 * (l1-guest-hyp reads htval, htinst and hstatus per L2 exit). The same
 * result as l0_vhyp_virtual_inst -> emulate_csr, without the decoded
 * struct insn, the write half or the layers between them (216
 * instructions inside L0 per read before, see README.md "Profiling").
 * Only what that path would do for these instructions:
 * - the bits come from stval (l0.decode=reported; "Virtual Instruction":
 *   QEMU 10 reports the faulting instruction there);
 * - CSRRS/CSRRC with rs1 = x0 and CSRRSI/CSRRCI with uimm = 0 do not
 *   write ("Zicsr"), so read-only CSRs and write side effects never
 *   arise; CSRRW always writes and is left to the full path;
 * - from L1's VS-mode only (from its U-mode: illegal, full path);
 * - only CSRs read by reg_read or trap_info_read; vstimecmp, which
 *   exists only when L1 has Sstc, goes the full path (its check). */
/* CSRRS/CSRRC/CSRRSI/CSRRCI (SYSTEM, funct3 bit 1 set) whose rs1/uimm
 * field is 0 ("Zicsr": such an instruction does not write the CSR). */
static bool csr_read_bits(uint32_t raw)
{
	return (raw & INSN_OPCODE_MASK) == INSN_OPCODE_SYSTEM &&
	       (raw & (2u << INSN_FUNCT3_SHIFT)) && !(raw & (31u << 15));
}

bool l0_vhyp_csr_read_fast(struct l0_vcpu *v)
{
	uint32_t raw = (uint32_t)v->trap.stval;
	unsigned csr = raw >> 20;
	unsigned long val;
	unsigned fast;

	if (!csr_read_bits(raw) || !(v->trap.sstatus & SSTATUS_SPP) ||
	    (v->vh.feat & L0_VHYP_F_FETCH))
		return false;
	fast = l0_vcsr_fast[csr]; /* csr < 4096: 12 bits of raw */
	/* the plain registers and htval/htinst (trap_info_read, inline
	 * here: no call, so no frame); the others via the full path */
	if (!fast)
		return false;
	val = *(const unsigned long *)((const char *)&v->vh +
				       (fast & ~(unsigned)L0_VCSR_FAST_BITS));
	if ((fast & L0_VCSR_FAST_TRAP_INFO) && val &&
	    l1_took_irq_since_trap_info(v))
		val = 0;
	v->stats.ev[L0_EV_L1_CSR]++;
	l0_prof_note_csr_read(&v->prof, csr);
	gpr_set(v, (raw >> 7) & 31, val);
	v->sepc += 4;
	return true;
}

/* ---- traps into L1 --------------------------------------------------- */

void l0_vhyp_l1_took_trap(struct l0_vcpu *v, unsigned long htval,
			  unsigned long htinst, bool gva)
{
	struct l0_vhyp *vh = &v->vh;

	/* A trap into HS-mode from V=0 ("Trap Entry"): SPV = 0 (the
	 * previous virtualization mode), GVA says whether stval is a guest
	 * virtual address, SPVP keeps its value; htval/htinst are written
	 * (zero when the trap has nothing to report). */
	vh->hstatus &= ~(HSTATUS_SPV | HSTATUS_GVA);
	if (gva)
		vh->hstatus |= HSTATUS_GVA;
	vh->htval = htval;
	vh->htinst = htinst;
	vh->trap_info_vscause = 0; /* written by L0 (trap_info_read) */
	sync_vtsr(v);
}

void l0_vhyp_trap_l1(struct l0_vcpu *v, unsigned long cause, unsigned long tval,
		     unsigned long htval, unsigned long htinst, bool gva)
{
	l0_vcpu_inject_exception(v, cause, tval);
	l0_vhyp_l1_took_trap(v, htval, htinst, gva);
}

/* The L0 timer: L1's SBI timer (no Sstc), and while L2 runs L1's own
 * stimecmp (Sstc) if L1 enabled its timer interrupt: that one must exit
 * L2 when it fires, as it would on hardware. */
/* The scheduler's part of l0_vhyp_program_timer, a call of its own: with
 * it inline, the call to l0_sched_deadline gave every world switch a
 * stack frame (8 instructions each way) */
static void __attribute__((noinline))
program_timer_sched(struct l0_vcpu *v, unsigned long t)
{
	if (l0_sched_deadline(v) < t)
		t = l0_sched_deadline(v);
	l0_host_timer_program(v->guest, t);
}

void l0_vhyp_program_timer(struct l0_vcpu *v)
{
	unsigned long t = v->sbi_timer;
	const struct l0_vhyp *vh = &v->vh;

	if (vh->in_l2 && l1_has_sstc(v) && (vh->l1.vsie & MIP_STIP) &&
	    vh->l1.vstimecmp < t)
		t = vh->l1.vstimecmp;
	if (l0_contain_deadline(&v->contain) < t)
		t = l0_contain_deadline(&v->contain);
	/* a shared hart's time slice (sched.h); ~0 without the scheduler,
	 * so not asked then (l1.h=1: vh.feat; else the global) */
	if (v->vh.feat & L0_VHYP_F_SCHED || l0_sched_on()) {
		program_timer_sched(v, t);
		return;
	}
	l0_host_timer_program(v->guest, t);
}

/* ---- the world switch ------------------------------------------------ */

/*
 * The world switch (l0_vhyp_sret, exit_to_l1) is compiled once for each
 * value of the NACL client's csr feature (hcsr.h), the accessors' test
 * folded away in each: on hardware H it runs what it ran before the
 * accessors (a test at each access cost `nested`, on QEMU's H, about
 * 140 instructions per hypercall: 2,269 against 2,132).
 */
#undef L0_HCSR_NACL_CSR
#define L0_HCSR_NACL_CSR() hcsr_nacl

static inline __attribute__((always_inline)) enum l0_vhyp_status
vhyp_sret(struct l0_vcpu *v, const bool hcsr_nacl)
{
	struct l0_vhyp *vh = &v->vh;
	struct l0_vhyp_l1_state *l1 = &vh->l1;
	unsigned long s = l0_hcsr_read(v, CSR_VSSTATUS); /* L1's sstatus */
	bool l2_supervisor = s & SSTATUS_SPP;
	unsigned long hs, hw;
	enum shadow_hw_fence f;

	v->stats.ev[L0_EV_L1_SRET]++;
	/* SRET ("Trap-Return Instructions"): SIE = SPIE, SPIE = 1, SPP = U;
	 * from HS-mode V = hstatus.SPV, and SPV is cleared (as QEMU does) */
	s &= ~(SSTATUS_SIE | SSTATUS_SPP);
	if (s & SSTATUS_SPIE)
		s |= SSTATUS_SIE;
	s |= SSTATUS_SPIE;
	vh->hstatus &= ~HSTATUS_SPV;

	/* L1's own supervisor state out of the real vs* CSRs ... */
	l1->vsstatus = s;
	l1->vsie = l0_hcsr_read(v, CSR_VSIE);
	l1->vstvec = l0_hcsr_read(v, CSR_VSTVEC);
	l1->vsscratch = l0_hcsr_read(v, CSR_VSSCRATCH);
	l1->vsepc = l0_hcsr_read(v, CSR_VSEPC);
	l1->vscause = l0_hcsr_read(v, CSR_VSCAUSE);
	l1->vstval = l0_hcsr_read(v, CSR_VSTVAL);
	l1->vsatp = l0_hcsr_read(v, CSR_VSATP);
	if (host_has_sstc(v))
		l1->vstimecmp = l0_hcsr_read(v, CSR_VSTIMECMP);
	l1->hvip = l0_hcsr_read(v, CSR_HVIP);
	/* (hedeleg is not saved: the exit writes sync_vtsr's value) */
	l1->hideleg = l0_hcsr_read(v, CSR_HIDELEG);
	l1->hie = l0_hcsr_read(v, CSR_HIE);
	l1->hcounteren = l0_hcsr_read(v, CSR_HCOUNTEREN);
	l1->henvcfg = l0_hcsr_read(v, CSR_HENVCFG);
	l1->htimedelta = l0_hcsr_read(v, CSR_HTIMEDELTA);
	l1->hgatp = l0_hcsr_read(v, CSR_HGATP);
	l1->hstatus = l0_hcsr_read(v, CSR_HSTATUS);

	/* ... and L2's (L1's virtual vs*) into them */
	l0_hcsr_write(v, CSR_VSSTATUS, vh->vsstatus);
	l0_hcsr_write(v, CSR_VSTVEC, vh->vstvec);
	l0_hcsr_write(v, CSR_VSSCRATCH, vh->vsscratch);
	l0_hcsr_write(v, CSR_VSEPC, vh->vsepc);
	l0_hcsr_write(v, CSR_VSCAUSE, vh->vscause);
	l0_hcsr_write(v, CSR_VSTVAL, vh->vstval);
	l0_hcsr_write(v, CSR_VSATP, vh->vsatp);
	if (host_has_sstc(v))
		l0_hcsr_write(v, CSR_VSTIMECMP,
			      l1_has_sstc(v) ? vh->vstimecmp : ~0UL);

	/* What L1 set up for L2 goes to the hardware: its delegations (so
	 * those traps reach L2 with no L0 involvement), its injected
	 * interrupts and their enables, its counters and envcfg; the
	 * time offset adds to L0's own. */
	l0_hcsr_write(v, CSR_HEDELEG, vh->hedeleg);
	l0_hcsr_write(v, CSR_HIDELEG, vh->hideleg & HVIP_VS_MASK);
	/* with L1's AIA, L0's own SGEIE stays (vcpu.c) */
	l0_hcsr_write(v, CSR_HIE,
		      (vh->hie & HVIP_VS_MASK) | (l1_aia(v) ? MIP_SGEIP : 0));
	l0_hcsr_write(v, CSR_HVIP, vh->hvip & HVIP_VS_MASK);
	l0_hcsr_write(v, CSR_HCOUNTEREN, vh->hcounteren & l1->hcounteren);
	l0_hcsr_write(v, CSR_HENVCFG, vh->henvcfg);
	l0_hcsr_write(v, CSR_HTIMEDELTA, l1->htimedelta + vh->htimedelta);
	hs = (l1->hstatus & ~(VHSTATUS_L2_TRAPS | HSTATUS_HU)) |
	     (vh->hstatus & VHSTATUS_L2_TRAPS) | HSTATUS_SPV;
	/* a shared hart (sched.h): L2's WFI traps too, so it can yield */
	if (vh->feat & L0_VHYP_F_SCHED)
		hs |= HSTATUS_VTW;
	if (l1_aia(v))
		hs = aia_enter_l2(v, hs);
	l0_hcsr_write(v, CSR_HSTATUS, hs);

	/* L2's G-stage: the shadow of L1's hgatp. L1's sstatus.MXR also
	 * applies to G-stage translations (L0 keeps its own MXR at 0). */
	f = shadow_set_l1_mxr(&vh->shadow, s & SSTATUS_MXR);
	do_hw_fence(v, f, 0, 0);
	hw = shadow_hgatp(&vh->shadow, &f);
	do_hw_fence(v, f, 0, hgatp_vmid(hw));
	l0_hcsr_write(v, CSR_HGATP, hw);

	if (l2_supervisor)
		csr_set(CSR_SSTATUS, SSTATUS_SPP);
	else
		csr_clear(CSR_SSTATUS, SSTATUS_SPP);
	v->sepc = l1->vsepc;
	l0_dbtr_l2_enter(v); /* L1's debug triggers fire only in L1 */
	vh->in_l2 = true;
	l0_vhyp_program_timer(v);
	/* an interrupt of L1 already pending is taken right after the SRET */
	if (l0_vhyp_check_l1_irq(v)) {
		/* an L2 exit with no trap from L2: L2 ran no instruction */
		l0_stats_count_l2_trap(&v->stats, l0_hcsr_read(v, CSR_VSCAUSE));
		v->stats.ev[L0_EV_L2_FORWARD]++;
		return L0_VHYP_TRAPPED;
	}
	vh->l1_irq_checked = true;
	return L0_VHYP_ENTERED_L2;
}

enum l0_vhyp_status l0_vhyp_sret(struct l0_vcpu *v)
{
	return l0_nacl_client.sync_csr ? vhyp_sret(v, true)
				       : vhyp_sret(v, false);
}

/* Leave L2 for L1 with a trap into L1's HS-mode from V=1 ("Trap Entry"):
 * L2's supervisor state into L1's virtual vs*, L1's back into the real
 * ones, then the trap CSRs as hardware writes them. */
static inline __attribute__((always_inline)) void
exit_switch(struct l0_vcpu *v, unsigned long cause, unsigned long tval,
	    unsigned long htval, unsigned long htinst, bool gva,
	    const bool hcsr_nacl, const bool track)
{
	struct l0_vhyp *vh = &v->vh;
	struct l0_vhyp_l1_state *l1 = &vh->l1;
	/* L2's privilege is the one it runs at now, i.e. the one L0 would
	 * resume it at: the real sstatus.SPP, not the SPP of the trap L0
	 * is handling ("Trap Entry": SPP and hstatus.SPVP take the nominal
	 * privilege at the time of the trap). The two differ when L2 was
	 * entered within this trap (L1's SRET or NACL SYNC_SRET, both from
	 * L1's VS-mode) and an interrupt of L1 exits it at once, or when L0
	 * sent L2 into its VS-mode handler: taking the trap's SPP told L1
	 * that an L2 entered in VU trapped from VS, and L1's KVM then
	 * resumed L2's user code in VS-mode (app-kvm-l0, app/README.md). */
	bool l2_supervisor = csr_read(CSR_SSTATUS) & SSTATUS_SPP;
	unsigned long deleg = vh->hideleg & HVIP_VS_MASK;
	unsigned long s, tvec, pc, chg = 0, x;

/* L2's value of a vs* CSR into L1's virtual one, noting a change for
 * NACL's write-back (about 4 instructions more than the plain copy; the
 * write-back of an unchanged CSR cost 17 and more). `track` (a constant
 * in each copy of this function): only when L0 offers NACL, the one
 * reader of exit_changed (36 instructions of each exit without it) */
#define L0_VS_BACK(field, csr, bit)                                      \
	do {                                                             \
		x = l0_hcsr_read(v, csr);                                \
		if (track)                                               \
			chg |= (unsigned long)(x != vh->field) << (bit); \
		vh->field = x;                                           \
	} while (0)
	L0_VS_BACK(vsstatus, CSR_VSSTATUS, L0_VHYP_CHG_VSSTATUS);
	L0_VS_BACK(vstvec, CSR_VSTVEC, L0_VHYP_CHG_VSTVEC);
	L0_VS_BACK(vsscratch, CSR_VSSCRATCH, L0_VHYP_CHG_VSSCRATCH);
	L0_VS_BACK(vsepc, CSR_VSEPC, L0_VHYP_CHG_VSEPC);
	L0_VS_BACK(vscause, CSR_VSCAUSE, L0_VHYP_CHG_VSCAUSE);
	L0_VS_BACK(vstval, CSR_VSTVAL, L0_VHYP_CHG_VSTVAL);
	L0_VS_BACK(vsatp, CSR_VSATP, L0_VHYP_CHG_VSATP);
	if (host_has_sstc(v) && l1_has_sstc(v))
		L0_VS_BACK(vstimecmp, CSR_VSTIMECMP, L0_VHYP_CHG_VSTIMECMP);
#undef L0_VS_BACK
	/* L2 wrote its sie (the delegated hie bits) and sip.SSIP (hvip.VSSIP)
	 * directly ("Virtual Supervisor Interrupt Registers") */
	x = (vh->hie & ~deleg) | (l0_hcsr_read(v, CSR_HIE) & deleg);
	if (track)
		chg |= (unsigned long)(x != vh->hie) << L0_VHYP_CHG_HIE;
	vh->hie = x;
	if (deleg & MIP_VSSIP) {
		x = (vh->hvip & ~MIP_VSSIP) |
		    (l0_hcsr_read(v, CSR_HVIP) & MIP_VSSIP);
		if (track)
			chg |= (unsigned long)(x != vh->hvip)
			       << L0_VHYP_CHG_HVIP;
		vh->hvip = x;
	}
	if (track)
		vh->exit_changed |= chg;

	l0_hcsr_write(v, CSR_HGATP, l1->hgatp);
	/* sync_vtsr for the SPV = 1 this trap sets (below), inline (a call
	 * and 24 instructions less): nothing delegated to L1 in hedeleg,
	 * VTSR set with L1's hstatus, the cause recorded */
	l0_hcsr_write(v, CSR_HEDELEG, 0);
	l0_hcsr_write(v, CSR_HIDELEG, l1->hideleg);
	l0_hcsr_write(v, CSR_HIE, l1->hie);
	l0_hcsr_write(v, CSR_HVIP, l1->hvip);
	l0_hcsr_write(v, CSR_HCOUNTEREN, l1->hcounteren);
	l0_hcsr_write(v, CSR_HENVCFG, l1->henvcfg);
	l0_hcsr_write(v, CSR_HTIMEDELTA, l1->htimedelta);
	if (l1_aia(v))
		aia_exit_l2(v);
	l0_hcsr_write(v, CSR_HSTATUS, l1->hstatus | HSTATUS_VTSR);
	l0_hcsr_write(v, CSR_VSIE, l1->vsie);
	l0_hcsr_write(v, CSR_VSSCRATCH, l1->vsscratch);
	l0_hcsr_write(v, CSR_VSATP, l1->vsatp);
	if (host_has_sstc(v))
		l0_hcsr_write(v, CSR_VSTIMECMP, l1->vstimecmp);

	/* The trap, as L1's HS-mode takes it from V=1: sstatus.SPP = L2's
	 * nominal privilege, SPIE = SIE, SIE = 0; hstatus.SPV = 1, SPVP =
	 * SPP, GVA per stval; htval/htinst as the hardware reported */
	s = l1->vsstatus & ~(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE);
	if (l2_supervisor)
		s |= SSTATUS_SPP;
	if (l1->vsstatus & SSTATUS_SIE)
		s |= SSTATUS_SPIE;
	l0_hcsr_write(v, CSR_VSSTATUS, s);
	l0_hcsr_write(v, CSR_VSCAUSE, cause);
	l0_hcsr_write(v, CSR_VSEPC, v->sepc);
	l0_hcsr_write(v, CSR_VSTVAL, tval);
	l0_hcsr_write(v, CSR_VSTVEC, l1->vstvec);
	vh->htval = htval;
	vh->htinst = htinst;
	/* written by L0 (trap_info_read): one store, +1 instruction per L2
	 * exit (measured, nested hypercall 1,794 -> 1,795) */
	vh->trap_info_vscause = 0;
	vh->hstatus &= ~(HSTATUS_GVA | HSTATUS_SPVP);
	vh->hstatus |= HSTATUS_SPV | (gva ? HSTATUS_GVA : 0) |
		       (l2_supervisor ? HSTATUS_SPVP : 0);

	/* stvec: exceptions to BASE; interrupts to BASE + 4 * cause when
	 * MODE is Vectored ("Supervisor Trap Vector Base Address") */
	tvec = l1->vstvec;
	pc = tvec & ~TVEC_MODE;
	if ((cause & CAUSE_INTERRUPT) &&
	    (tvec & TVEC_MODE) == TVEC_MODE_VECTORED)
		pc += TVEC_VECTOR_BYTES * (cause & ~CAUSE_INTERRUPT);
	v->sepc = pc;
	csr_set(CSR_SSTATUS, SSTATUS_SPP); /* L1 runs in VS-mode */
	vh->in_l2 = false;
	l0_dbtr_l2_exit(v);
	vh->left_l2 = true;
	vh->spv_vscause = cause; /* = vscause, written above (sync_vtsr) */
	l0_vhyp_program_timer(v);
}

static void exit_to_l1(struct l0_vcpu *v, unsigned long cause,
		       unsigned long tval, unsigned long htval,
		       unsigned long htinst, bool gva)
{
	/* one copy per NACL client (hcsr.h) and per NACL offered */
	bool track = v->vh.feat & L0_VHYP_F_NACL;

	if (l0_nacl_client.sync_csr && track)
		exit_switch(v, cause, tval, htval, htinst, gva, true, true);
	else if (l0_nacl_client.sync_csr)
		exit_switch(v, cause, tval, htval, htinst, gva, true, false);
	else if (track)
		exit_switch(v, cause, tval, htval, htinst, gva, false, true);
	else
		exit_switch(v, cause, tval, htval, htinst, gva, false, false);
}

#undef L0_HCSR_NACL_CSR
#define L0_HCSR_NACL_CSR() (l0_nacl_client.sync_csr)

/* The exit for l0_vhyp_check_l1_irq, a call of its own so that the check,
 * which usually finds nothing, needs no stack frame (a tail call). */
static bool __attribute__((noinline))
exit_to_l1_irq(struct l0_vcpu *v, unsigned long pending)
{
	unsigned long code;

	/* While V=1, L1's HS-level interrupts are enabled whatever its
	 * sstatus.SIE ("Trap Handling": a lower privilege is running);
	 * priority SEI, SSI, STI ("Supervisor Interrupt Registers") */
	if (pending & MIP_SEIP)
		code = IRQ_S_EXT;
	else if (pending & MIP_SSIP)
		code = IRQ_S_SOFT;
	else if (pending & MIP_STIP)
		code = IRQ_S_TIMER;
	else
		code = IRQ_S_GEXT; /* after the S ones ("Hypervisor
				      Interrupt Registers") */
	exit_to_l1(v, CAUSE_INTERRUPT | code, 0, 0, 0, false);
	return true;
}

bool l0_vhyp_check_l1_irq(struct l0_vcpu *v)
{
	struct l0_vhyp *vh = &v->vh;
	unsigned long pending;

	if (!vh->in_l2)
		return false;
	/* L1's sip as L0 raises it: its VS bits in L0's hvip, shifted to the
	 * S positions, plus its Sstc timer */
	pending = (vh->l1.hvip & HVIP_VS_MASK) >> 1;
	if (l1_has_sstc(v) && rd_time() >= vh->l1.vstimecmp)
		pending |= MIP_STIP;
	/* l1.aia=1: L1's own file (its SEIP, VGEIN is L2's now), and its
	 * guest files' SGEI (hgeip & hgeie, enabled by hie.SGEIE) */
	if (l1_aia(v) && (csr_read(CSR_HGEIP) >> L0_L1_FILE_SHIFT & 1))
		pending |= MIP_SEIP;
	pending &= vh->l1.vsie;
	if (l1_has_geilen(v) && l0_vhyp_l1_sgei_pending(v))
		pending |= MIP_SGEIP;
	if (!pending)
		return false;
	return exit_to_l1_irq(v, pending);
}

/* L1 takes interrupt `code` in its HS-mode (vsepc and vsstatus already
 * as "Trap Entry" leaves them): its scause and stval, its handler
 * (vectored: BASE + 4 * cause, "stvec"), VS-mode, and its h* trap
 * information as for any trap into it. */
static void enter_l1_irq_handler(struct l0_vcpu *v, unsigned long code)
{
	unsigned long tvec, pc;

	l0_hcsr_write(v, CSR_VSCAUSE, CAUSE_INTERRUPT | code);
	l0_hcsr_write(v, CSR_VSTVAL, 0);
	tvec = l0_hcsr_read(v, CSR_VSTVEC);
	pc = tvec & ~TVEC_MODE;
	if ((tvec & TVEC_MODE) == TVEC_MODE_VECTORED)
		pc += TVEC_VECTOR_BYTES * code;
	v->sepc = pc;
	csr_set(CSR_SSTATUS, SSTATUS_SPP);
	v->stats.ev[L0_EV_INJECT_EXC]++;
	l0_vhyp_l1_took_trap(v, 0, 0, false);
}

/* While L1 itself runs (virtual V=0): a VS interrupt it made pending
 * (hvip, or its Sstc comparison) and enabled in hie without delegating it
 * in hideleg is one of L1's own HS-level interrupts ("Hypervisor Interrupt
 * Registers"), taken in L1's U-mode or with its sstatus.SIE = 1, after
 * its S-level ones (HS priority: SEI, SSI, STI, SGEI, VSEI, VSSI, VSTI:
 * "Hypervisor Interrupt Registers"). The hardware cannot deliver it to
 * VS-mode with that cause, so L0 does, when it sees it: before each
 * resume of L1. */
bool l0_vhyp_check_l1_vs_irq(struct l0_vcpu *v)
{
	struct l0_vhyp *vh = &v->vh;
	unsigned long pending, code, vsstatus;
	bool user;

	if (!v->guest->nested || vh->in_l2)
		return false;
	pending = vhip(v) & vh->hie & ~vh->hideleg & L0_L1_HS_IRQS;
	if (!pending)
		return false;
	vsstatus = l0_hcsr_read(v, CSR_VSSTATUS);
	user = !(csr_read(CSR_SSTATUS) & SSTATUS_SPP);
	/* masked, or one of L1's S-level interrupts (delivered by the
	 * hardware itself) goes first */
	if ((!user && !(vsstatus & SSTATUS_SIE)) ||
	    (l0_hcsr_read(v, CSR_VSIP) & l0_hcsr_read(v, CSR_VSIE)))
		return false;
	if (pending & MIP_SGEIP)
		code = IRQ_S_GEXT; /* HS priority: SGEI before the VS ones */
	else if (pending & MIP_VSEIP)
		code = IRQ_VS_EXT;
	else if (pending & MIP_VSSIP)
		code = IRQ_VS_SOFT;
	else
		code = IRQ_VS_TIMER;
	/* the trap into L1's HS-mode from V=0 ("Trap Entry") */
	vsstatus &= ~(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE);
	if (!user)
		vsstatus |= SSTATUS_SPP;
	if (l0_hcsr_read(v, CSR_VSSTATUS) & SSTATUS_SIE)
		vsstatus |= SSTATUS_SPIE;
	l0_hcsr_write(v, CSR_VSSTATUS, vsstatus);
	l0_hcsr_write(v, CSR_VSEPC, v->sepc);
	enter_l1_irq_handler(v, code);
	return true;
}

/*
 * Undelegated VS interrupts, armed. L1 makes a masked one takeable without
 * trapping: `csrs sstatus, SIE` (its sstatus is the real vsstatus), or an
 * SRET to its U-mode (VTSR is clear while SPV = 0). The one hardware event
 * at exactly that moment is a delegated VS-level interrupt becoming
 * takeable in VS-mode (vsstatus.SIE = 1, or VU-mode: "Trap Handling"), so
 * while such an interrupt waits L0 pends one (VSEIP, enabled in the real
 * hie; both delegated through the real hideleg) and points the real
 * vstvec at L0_VHYP_ARM_VECTOR: the hart takes the interrupt into VS-mode,
 * writing vsepc (the first instruction not run), vsstatus.SPP/SPIE/SIE and
 * vscause exactly as L1's trap needs them, and its fetch at the vector
 * faults into L0: non-canonical for Sv39/Sv48/Sv57 (instruction page
 * fault, "Virtual Address Translation Process") and beyond every G-stage's
 * guest physical width with vsatp Bare (instruction guest-page fault:
 * "Guest Physical Address Translation"). So that the page fault reaches
 * L0, nothing is delegated in hedeleg meanwhile (as in sync_vtsr). L0
 * then gives the trap L1's cause and handler. Any other trap first undoes
 * it all. What L1 could see meanwhile: stvec reading L0_VHYP_ARM_VECTOR,
 * and sip.SEIP/sie.SEIE set if they were not (l0-hyp/README.md, Limits).
 * VSEIP, not VSSIP: L1 can pend its own SSIP by writing sip without a
 * trap, and the disarm would clear that with L0's; sip.SEIP is read-only
 * to L1 ("Supervisor Interrupt Registers"), so L0's is the only writer of
 * hvip.VSEIP while armed (L0 changes its vPLIC line only after disarming;
 * hprobe l1irq.ssip_kept.vseip_waits).
 */
#define L0_VHYP_ARM_VECTOR 0x4000000000000000UL
#define L0_VHYP_ARM_BIT MIP_VSEIP

/*
 * With L1's AIA (l1.aia=1) the armed VSEIP alone is not enough: an L1
 * with Ssaia finds its interrupts through stopi (vstopi in VS-mode), not
 * scause. Linux's AIA handler loops `while (stopi)` with sstatus.SIE = 0,
 * so a VSEIP L0 armed meanwhile (at any trap inside the handler, or as
 * the handler's own delivery re-armed it for a still-pending SGEI) reads
 * as an SEI of priority 256 (AIA "vstopi": bit 9 in vsip and vsie, no
 * vstopei) that no claim clears: L1 spun in its IMSIC handler for ever
 * (kvm-l0-smp2-aia-l1 with KVM's AIA for L2, where KVM leaves hgeie set
 * for a running vCPU's file and gets an SGEI per MSI into it). What L1
 * must see is its HS-level interrupt itself: the real hvictl with VTI = 1
 * and IID = its code makes vstopi name it (AIA "Virtual interrupts for VS
 * level": hvictl exists "to fully emulate HS-mode in VS-mode"), so L1's
 * stopi reports SGEI (12), its handler for 12 runs and clears it through
 * hgeie (a trap, which disarms). IPRIO 255, the lowest, so that an SEI
 * of L1's own file (priority = its identity, "vstopei") still comes
 * first, as SEI before SGEI at HS level. VTI = 1 also makes VS-mode
 * sip/sie accesses and stimecmp writes trap (AIA "hvictl"): such a trap
 * is retried as it was, the arming left off until L1's next trap.
 */
#define L0_VHYP_ARM_HVICTL_IPRIO 255UL

/* HS priority of L1's undelegated interrupts (SGEI, VSEI, VSSI, VSTI:
 * "Hypervisor Interrupt Registers"): the code of the first pending */
static unsigned long l1_hs_irq_code(unsigned long pending)
{
	if (pending & MIP_SGEIP)
		return IRQ_S_GEXT;
	if (pending & MIP_VSEIP)
		return IRQ_VS_EXT;
	if (pending & MIP_VSSIP)
		return IRQ_VS_SOFT;
	return IRQ_VS_TIMER;
}

/* A virtual-instruction trap that only VTI = 1 caused: a CSR instruction
 * on sie, sip or stimecmp from L1's VS-mode (AIA "hvictl") */
static bool vti_trap(struct l0_vcpu *v)
{
	struct insn in;
	uint32_t raw;

	if (v->trap.scause != EXC_VIRTUAL_INST || !l0_trap_insn(v, &raw, &in))
		return false;
	return in.kind == INSN_CSR && (in.csr == CSR_SIE || in.csr == CSR_SIP ||
				       in.csr == CSR_STIMECMP);
}

void l0_vhyp_arm_l1_vs_irq(struct l0_vcpu *v)
{
	struct l0_vhyp *vh = &v->vh;
	unsigned long tvec;

	unsigned long pending;

	if (!v->guest->nested || vh->in_l2 || vh->irq_armed)
		return;
	pending = vhip(v) & vh->hie & ~vh->hideleg & L0_L1_HS_IRQS;
	if (vh->arm_skip) {
		/* the trap VTI caused is retried without it (see above) */
		vh->arm_skip = false;
		return;
	}
	if (!pending)
		return;
	/* real accesses below (a WARL round trip first): nothing may wait
	 * in a NACL shared memory (hcsr.h) */
	l0_hcsr_flush(v);
	tvec = csr_read(CSR_VSTVEC);
	csr_write(CSR_VSTVEC, L0_VHYP_ARM_VECTOR);
	if (csr_read(CSR_VSTVEC) != L0_VHYP_ARM_VECTOR) {
		/* a hart whose vstvec cannot hold it (WARL): the interrupt
		 * waits for L1's next trap into L0, as before */
		csr_write(CSR_VSTVEC, tvec);
		return;
	}
	vh->armed_vstvec = tvec;
	vh->armed_hvip = L0_VHYP_ARM_BIT & ~csr_read(CSR_HVIP);
	vh->armed_hie = L0_VHYP_ARM_BIT & ~csr_read(CSR_HIE);
	csr_set(CSR_HVIP, vh->armed_hvip);
	csr_set(CSR_HIE, vh->armed_hie);
	/* L1's stopi names the interrupt (while L1 runs the real hvictl is
	 * 0: aia_exit_l2) */
	vh->armed_hvictl = l1_aia(v);
	if (vh->armed_hvictl)
		csr_write(CSR_HVICTL, AIA_HVICTL_VTI |
					      l1_hs_irq_code(pending)
						      << AIA_HVICTL_IID_SHIFT |
					      L0_VHYP_ARM_HVICTL_IPRIO);
	csr_write(CSR_HEDELEG, 0);
	vh->irq_armed = true;
}

bool l0_vhyp_disarm_l1_vs_irq(struct l0_vcpu *v)
{
	struct l0_vhyp *vh = &v->vh;
	const struct l0_trap_info *t = &v->trap;
	unsigned long own, pending, cause;

	l0_hcsr_flush(v); /* real accesses below (hcsr.h) */
	/* L1 may have written its stvec meanwhile: that value stays */
	if (csr_read(CSR_VSTVEC) == L0_VHYP_ARM_VECTOR)
		csr_write(CSR_VSTVEC, vh->armed_vstvec);
	csr_clear(CSR_HVIP, vh->armed_hvip);
	csr_clear(CSR_HIE, vh->armed_hie);
	if (vh->armed_hvictl)
		csr_write(CSR_HVICTL, 0);
	vh->irq_armed = false;
	/* hedeleg as sync_vtsr leaves it (not sync_vtsr itself: with SPV = 1
	 * it would record a new spv_vscause) */
	csr_write(CSR_HEDELEG,
		  (vh->hstatus & HSTATUS_SPV) || l1_trap_info_held(vh)
			  ? 0
			  : l0_vcpu_hedeleg());
	if (vh->armed_hvictl && vti_trap(v)) {
		/* VTI's own trap: L1 retries the instruction as it was */
		vh->armed_hvictl = false;
		vh->arm_skip = true;
		return true;
	}
	vh->armed_hvictl = false;
	if (v->sepc != L0_VHYP_ARM_VECTOR ||
	    (t->scause != EXC_INST_PAGE_FAULT &&
	     t->scause != EXC_INST_GUEST_PAGE_FAULT))
		return false;
	/* The hart took a VS-level interrupt into L1 at the moment L1 could
	 * take one. Which one L1 takes, by HS priority (SEI, SSI, STI, SGEI,
	 * VSEI, VSSI, VSTI: "Hypervisor Interrupt Registers"): its own
	 * S-level ones, pending and enabled in hardware, before the
	 * undelegated VS ones. */
	own = csr_read(CSR_VSIP) & csr_read(CSR_VSIE);
	pending = vhip(v) & vh->hie & ~vh->hideleg & L0_L1_HS_IRQS;
	if (own & MIP_SEIP)
		cause = IRQ_S_EXT;
	else if (own & MIP_SSIP)
		cause = IRQ_S_SOFT;
	else if (own & MIP_STIP)
		cause = IRQ_S_TIMER;
	else if (pending & MIP_SGEIP)
		cause = IRQ_S_GEXT;
	else if (pending & MIP_VSEIP)
		cause = IRQ_VS_EXT;
	else if (pending & MIP_VSSIP)
		cause = IRQ_VS_SOFT;
	else if (pending & MIP_VSTIP)
		cause = IRQ_VS_TIMER;
	else
		/* gone meanwhile (an Sstc comparison moved): nothing to
		 * take; L1 resumes where the hart stopped it, with the
		 * trap entry undone */
		cause = 0;
	if (!cause) {
		unsigned long s = csr_read(CSR_VSSTATUS);

		v->sepc = csr_read(CSR_VSEPC);
		if (!(s & SSTATUS_SPP))
			csr_clear(CSR_SSTATUS, SSTATUS_SPP);
		if (s & SSTATUS_SPIE)
			s |= SSTATUS_SIE;
		csr_write(CSR_VSSTATUS, s);
		return true;
	}
	/* vsepc and vsstatus are the hart's ("Trap Entry"); the cause, and
	 * the handler for it (vectored: BASE + 4 * cause), are L1's */
	enter_l1_irq_handler(v, cause);
	return true;
}

/* ---- traps from L2 --------------------------------------------------- */

static void print_l2_diag(const struct l0_vcpu *v, const char *what)
{
	const struct l0_trap_info *t = &v->trap;

	printf("RVNEST error msg=%s cause=%s scause=0x%lx sepc=0x%lx "
	       "stval=0x%lx htval=0x%lx htinst=0x%lx l1_hgatp=0x%llx\n",
	       what, trap_cause_name(t->scause), t->scause, v->sepc, t->stval,
	       t->htval, t->htinst, (unsigned long long)v->vh.shadow.hgatp);
}

/* L2's instruction at pc, fetched through L2's VS-stage (the live vsatp)
 * and L1's G-stage, from L0's memory (never from stval alone). */
static bool l2_fetch_insn(struct l0_vcpu *v, unsigned long pc, uint32_t *insn)
{
	struct shadow_vs vs = {
		.vsatp = l0_hcsr_read(v, CSR_VSATP),
		.user = !(v->trap.sstatus & SSTATUS_SPP),
	};
	uint16_t half[2];

	for (unsigned i = 0; i < 2; i++) {
		struct shadow_gva_result r = shadow_gva_translate(
			&v->vh.shadow, &vs, pc + 2 * i, SHADOW_ACCESS_FETCH,
			PT_ACCESS_EXEC);

		if (r.status != SHADOW_GVA_OK)
			return false;
		half[i] = *(volatile uint16_t *)(uintptr_t)r.host_pa;
		if (i == 0 && insn_length(half[0]) == 2) {
			*insn = half[0];
			return true;
		}
		if (i == 0 && insn_length(half[0]) != 4)
			return false;
	}
	*insn = (uint32_t)half[0] | ((uint32_t)half[1] << 16);
	return true;
}

static enum shadow_access access_of(unsigned long cause)
{
	switch (cause) {
	case EXC_INST_GUEST_PAGE_FAULT:
		return SHADOW_ACCESS_FETCH;
	case EXC_LOAD_GUEST_PAGE_FAULT:
		return SHADOW_ACCESS_LOAD;
	default:
		return SHADOW_ACCESS_STORE;
	}
}

static enum pt_access need_of(enum shadow_access a)
{
	switch (a) {
	case SHADOW_ACCESS_FETCH:
		return PT_ACCESS_EXEC;
	case SHADOW_ACCESS_LOAD:
		return PT_ACCESS_READ;
	case SHADOW_ACCESS_STORE:
		break;
	}
	return PT_ACCESS_WRITE;
}

static bool gva_of_trap(const struct l0_vcpu *v)
{
	return v->trap.hstatus & HSTATUS_GVA;
}

/* Whether a guest-page fault at `gpa` that came with htinst = 0 was for
 * an implicit access of L2's VS-stage walk (a page-table entry read)
 * rather than for the load or store itself: walk L2's VS-stage for the
 * faulting address (stval, L2's live vsatp and sstatus) through L1's
 * G-stage. It is implicit when the walk stops on a page-table entry (a
 * guest-page fault there, or a VS-stage fault after the entries were
 * read), or ends at another page than the faulting one. */
static bool l2_fault_is_implicit(struct l0_vcpu *v, enum shadow_access orig,
				 uint64_t gpa)
{
	unsigned long vsstatus = l0_hcsr_read(v, CSR_VSSTATUS);
	struct shadow_vs vs = {
		.vsatp = l0_hcsr_read(v, CSR_VSATP),
		.user = !(v->trap.sstatus & SSTATUS_SPP),
		.sum = vsstatus & SSTATUS_SUM,
		.mxr = vsstatus & SSTATUS_MXR,
	};
	struct shadow_gva_result r;

	if (!(vs.vsatp & ATP_MODE))
		return false; /* Bare: no VS-stage walk at all */
	r = shadow_gva_translate(&v->vh.shadow, &vs, v->trap.stval, orig,
				 need_of(orig));
	switch (r.status) {
	case SHADOW_GVA_OK:
		return (r.gpa >> PAGE_SHIFT) != (gpa >> PAGE_SHIFT);
	case SHADOW_GVA_GUEST_PAGE_FAULT:
		return r.implicit;
	case SHADOW_GVA_PAGE_FAULT:
		return true;
	default:
		return false;
	}
}

/* L2's load or store at an L2 GPA that L1 maps onto a device L0 emulates
 * for L1 (the vPLIC): performed as L1's own access to l1_gpa would be, on
 * the same device state, with L2's registers and pc; L1 is not involved.
 * Its side effects on L1's interrupts (a claim, a completion) reach L1
 * through the vPLIC as usual (l0_trap's update before resuming). The
 * instruction is htinst's transformed one ("Transformed Instruction or
 * Pseudoinstruction for htinst": bit 0 set, the length in bit 1), else
 * fetched through L2's VS-stage and L1's G-stage. */
static enum l0_mmio_result l2_device_access(struct l0_vcpu *v, uint64_t l1_gpa,
					    bool store)
{
	unsigned long ti = v->trap.htinst;
	enum l0_mmio_result r;
	struct insn in;
	uint32_t raw;

	if (v->guest->opts->decode == L0_DECODE_REPORTED && (ti & 1) &&
	    insn_decode((uint32_t)ti | INSN_LEN_32BIT, &in)) {
		in.len = (ti & 2) ? 4 : 2;
	} else if (!l2_fetch_insn(v, v->sepc, &raw)) {
		return L0_MMIO_FETCH_FAULT;
	} else if (!insn_decode(raw, &in)) {
		return L0_MMIO_BAD_INSN;
	}
	r = l0_mmio_perform(v, l1_gpa, store, &in);
	if (r == L0_MMIO_EMULATED) {
		/* a claim, completion or enable may change another vCPU's
		 * external-interrupt line */
		l0_vcpu_kick_vseip(v);
		v->stats.ev[L0_EV_L2_DEVICE]++;
	}
	return r;
}

/* An L2 guest-page fault: fill the shadow from L1's G-stage, or deliver
 * what L1's own G-stage gives (shadow/README.md "How L0 drives it"). */
/* noinline: inlined, its frame (9 saved registers) was set up by
 * l0_vhyp_l2_trap for every exit of L2, 20 instructions of each ecall */
static enum l0_vhyp_l2_result __attribute__((noinline))
l2_guest_page_fault(struct l0_vcpu *v)
{
	const struct l0_trap_info *t = &v->trap;
	/* htval = GPA >> 2, the low bits from stval ("htval") */
	uint64_t gpa = (t->htval << 2) | (t->stval & 3);
	enum shadow_access orig = access_of(t->scause);
	enum pt_access need = need_of(orig);
	struct shadow_result r;
	bool implicit = true;

	/* A fault on the implicit VS-stage walk reads (or, for an A/D update,
	 * writes) a page-table entry: the hardware says so with a
	 * pseudoinstruction in htinst ("Transformed Instruction or
	 * Pseudoinstruction for htinst"); the shadow needs that access. */
	if (t->htinst == HTINST_PSEUDO_READ64 ||
	    t->htinst == HTINST_PSEUDO_READ32)
		need = PT_ACCESS_READ;
	else if (t->htinst == HTINST_PSEUDO_WRITE64 ||
		 t->htinst == HTINST_PSEUDO_WRITE32)
		need = PT_ACCESS_WRITE;
	else if (!t->htinst && orig != SHADOW_ACCESS_FETCH &&
		 l2_fault_is_implicit(v, orig, gpa))
		/* htinst may be 0 for any load/store fault (QEMU 7.2 leaves
		 * it 0; QEMU 10 always reports one): L2's own VS-stage walk
		 * tells that the faulting GPA held one of its page-table
		 * entries, which the walk reads. (A fetch fault with htinst 0
		 * is the fetch itself on QEMU 10, which reports the implicit
		 * ones with a pseudoinstruction.) */
		need = PT_ACCESS_READ;
	else
		implicit = false;
	r = shadow_fill(&v->vh.shadow, gpa, orig, need);
	do_hw_fence(v, r.fence, r.gpa, r.hw_vmid);
	switch (r.status) {
	case SHADOW_FILLED:
	case SHADOW_RETRY:
		v->stats.ev[L0_EV_L2_SHADOW_FILL]++;
		/* the pool ran out and was flushed (only then a fill fences
		 * everything): can this instruction still complete? */
		if (r.fence == SHADOW_HW_FENCE_ALL &&
		    v->vh.shadow.stats.pool_exhausted != v->contain.pool_seen &&
		    l0_contain_pool_exhausted(v, gpa) == L0_CONTAIN_STOP)
			return L0_VHYP_L2_FATAL;
		return L0_VHYP_L2_HANDLED;
	case SHADOW_FORWARD_GUEST_PAGE_FAULT:
		exit_to_l1(v, r.cause, t->stval, r.htval, t->htinst,
			   gva_of_trap(v));
		return L0_VHYP_L2_FORWARDED;
	case SHADOW_NOT_RAM:
		/* L1 allowed the access (its walk checked the permission)
		 * onto a device L0 emulates for it: done for L2 as L1's */
		if (orig != SHADOW_ACCESS_FETCH && !implicit &&
		    l0_mmio_find(v->guest->mmio, v->guest->nmmio, r.l1_gpa) &&
		    l2_device_access(v, r.l1_gpa,
				     orig == SHADOW_ACCESS_STORE) ==
			    L0_MMIO_EMULATED)
			return L0_VHYP_L2_HANDLED;
		/* otherwise, as for a table outside L1's memory: */
		__attribute__((fallthrough));
	case SHADOW_L1_TABLE_ACCESS_FAULT:
		/* L1's table, or the page L1 maps, is not L1 memory (or is a
		 * device access the device does not support): the access
		 * fault of the original access (PMA, "Virtual Address
		 * Translation Process" step 2), htval 0, never mapped. An
		 * access fault L1 delegated in hedeleg goes to L2's own
		 * VS-mode handler, as the hart would send it ("Trap
		 * Delegation Registers"; chaos seed 10) */
		if (v->vh.hedeleg & BIT(r.cause)) {
			l0_vcpu_inject_exception(v, r.cause, t->stval);
			return L0_VHYP_L2_HANDLED;
		}
		exit_to_l1(v, r.cause, t->stval, 0, 0, gva_of_trap(v));
		return L0_VHYP_L2_FORWARDED;
	case SHADOW_L0_DENIED:
		/* L1 allows it, L0's map of the passed-through device does
		 * not (a fetch from the UART): L1's own access there would be
		 * the device's access fault (PMA), so that is L1's fault */
		if (r.device) {
			exit_to_l1(v, r.cause, t->stval, 0, 0, gva_of_trap(v));
			return L0_VHYP_L2_FORWARDED;
		}
		break;
	case SHADOW_POOL_TOO_SMALL:
		break;
	}
	print_l2_diag(v, r.status == SHADOW_L0_DENIED
				 ? "L2_access_denied_by_L0_map"
				 : "shadow_pool_too_small");
	return L0_VHYP_L2_FATAL;
}

/*
 * With l0.benchwin=l2, an L2 ecall of SBI_EXT_RVNEST BENCH_BEGIN/END opens
 * or closes L0's l0bench window as it passes through L0 on its way to L1.
 * This measures an L1 that cannot bracket benchmarks itself (Linux/KVM:
 * its VMM runs in user space). L0 only observes the call; L1 still
 * receives and answers it exactly as before. kvm-vmm counts instret from
 * its return of the opening call to its receipt of the closing one, minus
 * an empty window (BENCH_EMPTY_BEGIN/END): so L0 does at EMPTY_END what it
 * does at END (one snapshot) and prints its line only once L2 is between
 * windows, and neither shows in the VMM's difference.
 */
static void l2_bench_marker(struct l0_vcpu *v)
{
	unsigned long eid = v->gpr[L0_GPR_A7], fid = v->gpr[L0_GPR_A6];

	if (v->guest->opts->benchwin != L0_BENCHWIN_L2)
		return;
	if (eid == SBI_EXT_SRST) /* L2 shuts down: the last line */
		l0_bench_flush(v);
	if (eid != SBI_EXT_RVNEST)
		return;
	switch (fid) {
	case SBI_RVNEST_BENCH_BEGIN:
	case SBI_RVNEST_BENCH_EMPTY_BEGIN:
		/* between windows: the last window's line goes out now,
		 * outside kvm-vmm's windows (l0_bench_mark) */
		l0_bench_flush(v);
		if (fid == SBI_RVNEST_BENCH_BEGIN)
			l0_bench_mark(v, v->gpr[L0_GPR_A0], true, 0);
		break;
	case SBI_RVNEST_BENCH_END:
		/* BENCH_END(id, iters, ...): a1 carries the iteration count */
		l0_bench_mark(v, v->gpr[L0_GPR_A0], false, v->gpr[L0_GPR_A1]);
		break;
	case SBI_RVNEST_BENCH_EMPTY_END:
		l0_bench_mark_empty(v->guest);
		break;
	default:
		break;
	}
}

static bool l2_insn_is_wfi(uint32_t insn)
{
	struct insn in;

	return insn && insn_decode(insn, &in) && in.kind == INSN_WFI;
}

enum l0_vhyp_l2_result l0_vhyp_l2_trap(struct l0_vcpu *v)
{
	const struct l0_trap_info *t = &v->trap;
	unsigned long code = t->scause & ~CAUSE_INTERRUPT;
	uint32_t insn;

	if (t->scause & CAUSE_INTERRUPT) {
		switch (code) {
		case IRQ_VS_SOFT:
		case IRQ_VS_TIMER:
		case IRQ_VS_EXT:
			/* A VS interrupt L1 did not delegate (the real hideleg
			 * and hie are L1's while L2 runs): L1 takes it in
			 * HS-mode with its own cause */
			exit_to_l1(v, t->scause, 0, 0, 0, false);
			v->stats.ev[L0_EV_L2_FORWARD]++;
			return L0_VHYP_L2_FORWARDED;
		default:
			return L0_VHYP_L2_HOST_IRQ;
		}
	}
	switch (code) {
	case EXC_INST_GUEST_PAGE_FAULT:
	case EXC_LOAD_GUEST_PAGE_FAULT:
	case EXC_STORE_GUEST_PAGE_FAULT: {
		enum l0_vhyp_l2_result r = l2_guest_page_fault(v);

		if (r == L0_VHYP_L2_FORWARDED)
			v->stats.ev[L0_EV_L2_FORWARD]++;
		return r;
	}
	case EXC_ILLEGAL_INST:
	case EXC_VIRTUAL_INST:
		/* stval = the instruction ("stval": 0 or the instruction's
		 * bits), else read from L2's memory */
		insn = (uint32_t)t->stval;
		if ((!insn || v->guest->opts->decode == L0_DECODE_FETCH) &&
		    !l2_fetch_insn(v, v->sepc, &insn))
			insn = (uint32_t)t->stval;
		/* L2's WFI in VS-mode on a shared hart (sched.h) */
		if (l0_sched_on() && code == EXC_VIRTUAL_INST &&
		    (t->sstatus & SSTATUS_SPP) && l2_insn_is_wfi(insn) &&
		    l0_sched_l2_wfi(v))
			return L0_VHYP_L2_HANDLED;
		exit_to_l1(v, t->scause, insn, 0, 0, false);
		break;
	case EXC_ECALL_VS:
		l2_bench_marker(v);
		/* the call is L1's to answer, as below */
		__attribute__((fallthrough));
	default:
		/* ecall, breakpoint, misaligned, access and page faults that
		 * L1 did not delegate: L1's, with the values the hardware
		 * reported for the same trap */
		exit_to_l1(v, t->scause, t->stval, t->htval, t->htinst,
			   gva_of_trap(v));
		break;
	}
	v->stats.ev[L0_EV_L2_FORWARD]++;
	return L0_VHYP_L2_FORWARDED;
}

/* ---- fences ---------------------------------------------------------- */

void l0_vhyp_hfence_gvma(struct l0_vcpu *v, bool has_gaddr, unsigned long gaddr,
			 bool has_vmid, unsigned long vmid)
{
	struct shadow *s = &v->vh.shadow;
	/* rs1 holds the guest physical address shifted right by 2
	 * ("Hypervisor Memory-Management Fence Instructions") */
	uint64_t gpa = (uint64_t)gaddr << 2;
	enum shadow_hw_fence f;

	if (has_gaddr && has_vmid)
		f = shadow_invalidate_gpa_vmid(s, gpa, vmid);
	else if (has_gaddr)
		f = shadow_invalidate_gpa(s, gpa);
	else if (has_vmid)
		f = shadow_invalidate_vmid(s, vmid);
	else
		f = shadow_invalidate_all(s);
	do_hw_fence(v, f, 0, 0);
}

void l0_vhyp_hfence_gvma_range(struct l0_vcpu *v, unsigned long start,
			       unsigned long size, bool has_vmid,
			       unsigned long vmid)
{
	/* only the shadow leaves of that range (and VMID); the hardware
	 * fence then covers the shadow's VMIDs */
	do_hw_fence(v,
		    shadow_invalidate_range(&v->vh.shadow, start, size,
					    has_vmid, vmid),
		    0, 0);
}

void l0_vhyp_hfence_vvma(struct l0_vcpu *v, bool has_va, unsigned long va,
			 bool has_asid, unsigned long asid)
{
	enum shadow_hw_fence f;
	unsigned long hw = shadow_hgatp(&v->vh.shadow, &f);

	/* HFENCE.VVMA acts on the VMID of the current hgatp: L1's, i.e. the
	 * shadow's hardware VMID, which the real hgatp holds for the fence */
	do_hw_fence(v, f, 0, hgatp_vmid(hw));
	l0_hfence_vvma(v->vhartid, hw, has_va, va, has_asid, asid);
}

/* ---- HLV / HLVX / HSV ------------------------------------------------ */

static unsigned long load_cause(bool store)
{
	return store ? EXC_STORE_ACCESS : EXC_LOAD_ACCESS;
}

static enum l0_vhyp_status emulate_hlv(struct l0_vcpu *v, const struct insn *in)
{
	struct l0_vhyp *vh = &v->vh;
	bool store = in->kind == INSN_HSV;
	unsigned long gva = gpr_get(v, in->rs1);
	unsigned long l1_mxr = l0_hcsr_read(v, CSR_VSSTATUS) & SSTATUS_MXR;
	/* "Hypervisor Virtual-Machine Load and Store Instructions": as VS
	 * or VU per hstatus.SPVP, with vsstatus.SUM; HS-level sstatus.MXR
	 * applies to both stages, vsstatus.MXR to the VS-stage. QEMU 10 sets
	 * VS-stage A/D for HLV whatever henvcfg.ADUE (shadow/README.md). */
	struct shadow_vs vs = {
		.vsatp = vh->vsatp,
		.user = !(vh->hstatus & HSTATUS_SPVP),
		.sum = vh->vsstatus & SSTATUS_SUM,
		.mxr = (vh->vsstatus & SSTATUS_MXR) || l1_mxr,
		.adue = true,
		.svpbmt = vh->henvcfg & ENVCFG_PBMTE,
	};
	/* the transformed instruction: rs1 replaced by the (zero) address
	 * offset ("Transformed Instruction or Pseudoinstruction for htinst") */
	unsigned long xinst = in->raw & ~INSN_RS1_FIELD;
	struct shadow_gva_result r;
	enum shadow_hw_fence f;

	v->stats.ev[L0_EV_L1_HLV]++;
	f = shadow_set_l1_mxr(&vh->shadow, l1_mxr);
	do_hw_fence(v, f, 0, 0);
	r = shadow_gva_translate(&vh->shadow, &vs, gva,
				 store ? SHADOW_ACCESS_STORE
				       : SHADOW_ACCESS_LOAD,
				 store			 ? PT_ACCESS_WRITE
				 : in->kind == INSN_HLVX ? PT_ACCESS_READ_EXEC
							 : PT_ACCESS_READ);
	switch (r.status) {
	case SHADOW_GVA_OK:
		break;
	case SHADOW_GVA_PAGE_FAULT:
		l0_vhyp_trap_l1(v, r.cause, gva, 0, xinst, true);
		return L0_VHYP_TRAPPED;
	case SHADOW_GVA_GUEST_PAGE_FAULT:
		l0_vhyp_trap_l1(v, r.cause, gva, r.htval,
				r.implicit ? r.htinst : xinst, true);
		return L0_VHYP_TRAPPED;
	case SHADOW_GVA_ACCESS_FAULT:
		l0_vhyp_trap_l1(v, r.cause, gva, 0, xinst, true);
		return L0_VHYP_TRAPPED;
	case SHADOW_GVA_NOT_RAM:
	case SHADOW_GVA_L0_DENIED:
	case SHADOW_GVA_BAD_REQUEST:
		/* not memory L1 owns (or, impossible with a legal vsatp, no
		 * VS-stage): the access fault of the access ("PMA") */
		l0_vhyp_trap_l1(v, load_cause(store), gva, 0, xinst, true);
		return L0_VHYP_TRAPPED;
	case SHADOW_GVA_RETRY:
		return L0_VHYP_RETRY;
	}
	/* a misaligned access that crosses into another page would need a
	 * second translation: what hardware may do, raise the misaligned
	 * exception ("Load/store misaligned": may be raised) */
	if ((r.host_pa & (PAGE_SIZE - 1)) + in->width > PAGE_SIZE) {
		l0_vhyp_trap_l1(
			v, store ? EXC_STORE_MISALIGNED : EXC_LOAD_MISALIGNED,
			gva, 0, xinst, true);
		return L0_VHYP_TRAPPED;
	}
	if (store) {
		unsigned long val = gpr_get(v, in->rs2);

		memcpy((void *)(uintptr_t)r.host_pa, &val, in->width);
	} else {
		unsigned long val = 0;

		memcpy(&val, (const void *)(uintptr_t)r.host_pa, in->width);
		gpr_set(v, in->rd, insn_load_extend(in, val));
	}
	return L0_VHYP_OK;
}

/* ---- L1's virtual-instruction traps ---------------------------------- */

/* A plain SRET inside L1 (virtual SPV = 0), should one trap: return to
 * L1's sepc at its sstatus.SPP ("Trap-Return Instructions"). */
static void sret_in_l1(struct l0_vcpu *v)
{
	unsigned long s = l0_hcsr_read(v, CSR_VSSTATUS);

	if (s & SSTATUS_SPP)
		csr_set(CSR_SSTATUS, SSTATUS_SPP);
	else
		csr_clear(CSR_SSTATUS, SSTATUS_SPP);
	s &= ~(SSTATUS_SIE | SSTATUS_SPP);
	if (s & SSTATUS_SPIE)
		s |= SSTATUS_SIE;
	s |= SSTATUS_SPIE;
	l0_hcsr_write(v, CSR_VSSTATUS, s);
	v->sepc = l0_hcsr_read(v, CSR_VSEPC);
}

/* SRET from L1's HS-mode ("Trap-Return Instructions"): into L2 when
 * virtual hstatus.SPV = 1, else within L1. Inline in emulate() and in
 * l0_vhyp_virtual_inst's path for the trapped SRET, L1's most frequent
 * after its CSR reads (that path skips emulate's dispatch and frame). */
static inline __attribute__((always_inline)) enum l0_vhyp_status
emulate_sret(struct l0_vcpu *v, bool from_user)
{
	if (from_user)
		return L0_VHYP_ILLEGAL;
	if ((v->vh.hstatus & HSTATUS_SPV) && l1_took_irq_since_spv(v))
		l0_vhyp_l1_took_trap(v, 0, 0, false);
	if (v->vh.hstatus & HSTATUS_SPV) {
		l0_nacl_sret_trapped(v);
		return l0_vhyp_sret(v);
	}
	v->stats.ev[L0_EV_L1_SRET]++;
	sret_in_l1(v);
	return L0_VHYP_TRAPPED;
}

static enum l0_vhyp_status emulate(struct l0_vcpu *v, const struct insn *in)
{
	/* L1's U-mode (real VU) is V=0 U-mode to L1: no hypervisor CSR,
	 * fence, SRET or WFI there, only HLV/HSV when hstatus.HU = 1
	 * ("Hypervisor Status Register": HU) */
	bool from_user = !(v->trap.sstatus & SSTATUS_SPP);

	switch (in->kind) {
	case INSN_CSR:
		v->stats.ev[L0_EV_L1_CSR]++;
		if (from_user)
			return L0_VHYP_ILLEGAL;
		return emulate_csr(v, in);
	case INSN_SRET:
		return emulate_sret(v, from_user);
	case INSN_WFI:
		v->stats.ev[L0_EV_L1_WFI]++;
		if (from_user)
			return L0_VHYP_ILLEGAL;
		/* WFI may complete at once ("Wait for Interrupt"); on a
		 * shared hart it gives the hart away (sched.h) */
		if (l0_sched_on())
			l0_sched_wfi(v);
		return L0_VHYP_OK;
	case INSN_HFENCE_GVMA:
		v->stats.ev[L0_EV_L1_HFENCE]++;
		if (from_user)
			return L0_VHYP_ILLEGAL;
		l0_vhyp_hfence_gvma(v, in->rs1, gpr_get(v, in->rs1), in->rs2,
				    gpr_get(v, in->rs2));
		return L0_VHYP_OK;
	case INSN_HFENCE_VVMA:
		v->stats.ev[L0_EV_L1_HFENCE]++;
		if (from_user)
			return L0_VHYP_ILLEGAL;
		l0_vhyp_hfence_vvma(v, in->rs1, gpr_get(v, in->rs1), in->rs2,
				    gpr_get(v, in->rs2));
		return L0_VHYP_OK;
	case INSN_HLV:
	case INSN_HLVX:
	case INSN_HSV:
		if (from_user && !(v->vh.hstatus & HSTATUS_HU))
			return L0_VHYP_ILLEGAL;
		return emulate_hlv(v, in);
	default:
		return L0_VHYP_NOT_HYP;
	}
}

enum l0_vhyp_status l0_vhyp_virtual_inst(struct l0_vcpu *v)
{
	uint32_t raw;
	struct insn in;
	enum l0_vhyp_status st = L0_VHYP_NOT_HYP;
	bool reported = !(v->vh.feat & L0_VHYP_F_FETCH); /* l0.decode */

	/* The hot path: a CSR access of L1's HS-mode (every h* and vs*
	 * access traps), whose bits are in stval (QEMU 10): decoded in
	 * place, with no call into the general decoder. The rest: from
	 * stval or fetched through L1's page tables (the fetch was about
	 * 170 of the ~610 instructions of a CSR read at b2a8400). */
	raw = (uint32_t)v->trap.stval;
	if (reported && raw == INSN_SRET_BITS) {
		/* the other hot one, tested first (one compare): L1's SRET
		 * into L2 (about 80 instructions of the general decoder
		 * saved, and emulate()'s dispatch) */
		in.kind = INSN_SRET;
		in.len = 4;
		in.raw = raw;
		l0_prof_note_insn(&v->prof, &in);
		st = emulate_sret(v, !(v->trap.sstatus & SSTATUS_SPP));
	} else if (reported && (v->trap.sstatus & SSTATUS_SPP) &&
		   insn_decode_csr(raw, &in)) {
		v->stats.ev[L0_EV_L1_CSR]++;
		l0_prof_note_insn(&v->prof, &in);
		st = emulate_csr(v, &in);
	} else if (l0_trap_insn(v, &raw, &in)) {
		l0_prof_note_insn(&v->prof, &in);
		st = emulate(v, &in);
	}
	switch (st) {
	case L0_VHYP_OK:
		v->sepc += in.len;
		break;
	case L0_VHYP_ILLEGAL:
	case L0_VHYP_NOT_HYP:
		/* what a hart without the instruction or CSR does: an
		 * illegal-instruction trap with the instruction in stval */
		l0_vhyp_trap_l1(v, EXC_ILLEGAL_INST, raw, 0, 0, false);
		st = L0_VHYP_TRAPPED;
		break;
	case L0_VHYP_TRAPPED:
	case L0_VHYP_RETRY:
	case L0_VHYP_ENTERED_L2:
		break;
	}
	return st;
}

bool l0_vhyp_format_stats(const struct l0_guest *g, char *buf,
			  unsigned long len)
{
	struct shadow_stats sum;

	_Static_assert(sizeof(struct shadow_stats) % sizeof(uint64_t) == 0,
		       "struct shadow_stats is made of uint64_t counters");
	/* the shadows of every vCPU added up */
	memset(&sum, 0, sizeof(sum));
	for (unsigned i = 0; i < g->nvcpus; i++) {
		const struct shadow_stats *s = &g->vcpu[i].vh.shadow.stats;
		const uint64_t *src = (const uint64_t *)s;
		uint64_t *dst = (uint64_t *)&sum;

		/* every field of struct shadow_stats is a uint64_t counter */
		for (size_t k = 0; k < sizeof(sum) / sizeof(uint64_t); k++)
			dst[k] += src[k];
	}
	return shadow_stats_format(&sum, buf, len);
}
