/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * chaos: a randomized HS-mode L1 (issue 17 item 3, README.md). From the
 * seed on its command line it runs a sequence of steps -- h* and vs* CSR
 * accesses, HFENCEs, HLV/HSV from HS and HU, SRETs into an L2 that runs one
 * random instruction (load, store, fetch, ecall, CSR access, ...), SBI calls
 * with random arguments -- and prints the architectural outcome of each as
 * one line of a hash chain:
 *
 *     RVNEST chaos i=<step> <what was done> <what happened> h=<chain>
 *
 * The same image runs on QEMU's H extension (chaos-single) and as L1 on L0
 * (chaos-nested); the lines must be equal (harness/test_chaos.py). Each
 * step is run through hprobe's runner (tests/hprobe/run.c): a trap always
 * ends the step, so nothing returns into a trapped context.
 *
 * Every step leaves the hart in an architecturally defined state: random
 * values are drawn over the fields the base H extension defines (the print
 * masks of csr_list.h), a new translation root is followed by the fences
 * the spec requires, and nothing the guest may store to holds code or
 * tables. What the two platforms may legitimately do differently is
 * normalised here, visibly: the line then carries dev=<name>, and every
 * name is listed in README.md ("Platform differences").
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/fdt_util.h>
#include <rvnest/image.h>
#include <rvnest/sbi.h>
#include <rvnest/trap_names.h>

#include "chaos.h"

#ifndef HPROBE_VERSION
#define HPROBE_VERSION "unknown"
#endif

extern char hp_trap_stack[];
extern char _hp_start[], _hp_gtext_end[];

/* ---- the generator ------------------------------------------------------ */

static uint64_t ch_state;

uint64_t ch_rand(void)
{
	/* splitmix64 (Steele, Lea, Flood 2014): every seed, 0 included,
	 * gives a full-period sequence. */
	uint64_t z = (ch_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t ch_below(uint64_t n)
{
	return n ? ch_rand() % n : 0;
}

/* A random value with a bias towards the edges WARL fields are tested at:
 * all-ones, zero, one bit, alternating bits, or anything. */
static unsigned long ch_value(void)
{
	switch (ch_below(6)) {
	case 0:
		return ~0UL;
	case 1:
		return 0;
	case 2:
		return 1UL << ch_below(64);
	case 3:
		return ch_below(2) ? 0x5555555555555555UL
				   : 0xaaaaaaaaaaaaaaaaUL;
	default:
		return ch_rand();
	}
}

/* ---- the hash-chained log ------------------------------------------------ */

static uint64_t ch_hash = 0xcbf29ce484222325ULL; /* FNV-1a offset basis */
static char ch_line[512];
static size_t ch_len;
static unsigned ch_step_no;

static void __attribute__((format(printf, 1, 2))) ch_add(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(ch_line + ch_len, sizeof(ch_line) - ch_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		ch_len += (size_t)n;
	if (ch_len >= sizeof(ch_line))
		ch_len = sizeof(ch_line) - 1;
}

/* FNV-1a over the previous link and this step's text: each line's h=
 * covers every earlier line, so the last one alone says whether two runs
 * agree. */
static void ch_emit(void)
{
	uint64_t h = ch_hash;

	for (unsigned i = 0; i < 8; i++) {
		h ^= (ch_hash >> (8 * i)) & 0xff;
		h *= 0x100000001b3ULL;
	}
	for (size_t i = 0; i < ch_len; i++) {
		h ^= (unsigned char)ch_line[i];
		h *= 0x100000001b3ULL;
	}
	ch_hash = h;
	printf("RVNEST chaos i=%u%s h=%016llx\n", ch_step_no, ch_line,
	       (unsigned long long)h);
	ch_len = 0;
	ch_line[0] = 0;
}

/* chaos.trace=1: print each step before it runs, so the step a hang
 * happens in is on the console (the log line comes after the step). */
static bool ch_trace;

static void ch_pre(void)
{
	if (ch_trace) {
		printf("RVNEST chaos_pre i=%u%s\n", ch_step_no, ch_line);
		console_flush();
	}
}

static unsigned bit(unsigned long v, unsigned long mask)
{
	return (v & mask) ? 1 : 0;
}

/*
 * Platform differences (README.md): where QEMU 10 and the spec (which L0
 * follows) may legitimately differ, or QEMU deviates from the spec, the
 * outcome is normalised here and the line says so with dev=<name>.
 */
enum ch_dev {
	/* HLVX faults: spec load (guest-)page/access fault (HLVX is a
	 * load), QEMU the instruction fault. Printed as the load fault. */
	CH_DEV_HLVX_CAUSE = 1,
	/* A trap that is not a memory fault (illegal instruction, ecall,
	 * interrupt, ...): the spec writes htval and htinst with 0
	 * ("Hypervisor Trap Value Register", "Hypervisor Trap Instruction
	 * Register"); QEMU leaves them as they were for many of them. */
	CH_DEV_NONMEM_HTINST = 2,
	/* An access fault: htinst may be 0 or the transformed instruction
	 * (spec table "Values that may be written to htinst"); QEMU writes
	 * 0, L0 the transformed instruction. And hstatus.GVA: the spec sets
	 * it for an HLV/HSV access fault (stval holds a guest virtual
	 * address), QEMU only sometimes. */
	CH_DEV_ACCESS_FAULT = 4,
	/* Several VS interrupts pending and enabled at once: the spec's
	 * order is VSEI, VSSI, VSTI at HS level and SEI, SSI, STI at VS
	 * level ("Hypervisor Interrupt Registers"); QEMU takes VSSI (HS) or
	 * SSI and STI (VS) first. The cause is printed as irq_prio. */
	CH_DEV_IRQ_PRIO = 8,
};

static const char *const ch_dev_names[] = {"hlvx_cause", "nonmem_htinst",
					   "access_fault", "irq_prio"};

static bool ch_several(unsigned long bits)
{
	return bits & (bits - 1);
}

static bool ch_is_access_fault(unsigned long cause)
{
	return cause == EXC_INST_ACCESS || cause == EXC_LOAD_ACCESS ||
	       cause == EXC_STORE_ACCESS;
}

static bool ch_is_memory_fault(unsigned long cause)
{
	switch (cause) {
	case EXC_INST_MISALIGNED:
	case EXC_INST_ACCESS:
	case EXC_LOAD_MISALIGNED:
	case EXC_LOAD_ACCESS:
	case EXC_STORE_MISALIGNED:
	case EXC_STORE_ACCESS:
	case EXC_INST_PAGE_FAULT:
	case EXC_LOAD_PAGE_FAULT:
	case EXC_STORE_PAGE_FAULT:
	case EXC_INST_GUEST_PAGE_FAULT:
	case EXC_LOAD_GUEST_PAGE_FAULT:
	case EXC_STORE_GUEST_PAGE_FAULT:
		return true;
	default:
		return false;
	}
}

static unsigned ch_normalize(struct hp_obs *o, bool hlvx)
{
	unsigned dev = 0;

	if (o->out == HP_OUT_TRAP_VS) {
		/* The pending bits are still set: nothing ran since. */
		if ((o->vscause & CAUSE_INTERRUPT) &&
		    ch_several(csr_read(CSR_VSIP) & csr_read(CSR_VSIE)))
			dev |= CH_DEV_IRQ_PRIO;
		return dev;
	}
	if (o->out != HP_OUT_TRAP_HS)
		return 0;
	if ((o->scause & CAUSE_INTERRUPT) &&
	    ch_several(csr_read(CSR_HIP) & csr_read(CSR_HIE) &
		       ~csr_read(CSR_HIDELEG) &
		       (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP)))
		dev |= CH_DEV_IRQ_PRIO;
	if (hlvx) {
		/* Every HLVX trap is tagged, changed or not, so both logs
		 * carry the same tag. QEMU's instruction page fault with
		 * htval set stands for the guest-page fault (hprobe
		 * README.md, hlv.sv39.s.xwu.ghole). */
		dev |= CH_DEV_HLVX_CAUSE;
		if (o->scause == EXC_INST_ACCESS)
			o->scause = EXC_LOAD_ACCESS;
		else if (o->scause == EXC_INST_PAGE_FAULT)
			o->scause = o->htval ? EXC_LOAD_GUEST_PAGE_FAULT
					     : EXC_LOAD_PAGE_FAULT;
		else if (o->scause == EXC_INST_GUEST_PAGE_FAULT)
			o->scause = EXC_LOAD_GUEST_PAGE_FAULT;
	}
	if (!ch_is_memory_fault(o->scause))
		dev |= CH_DEV_NONMEM_HTINST;
	if (ch_is_access_fault(o->scause)) {
		dev |= CH_DEV_ACCESS_FAULT;
		/* and clear the GVA the platforms disagree on, so it does
		 * not carry into later hstatus read-backs */
		csr_clear(CSR_HSTATUS, HSTATUS_GVA);
	}
	return dev;
}

/* The outcome of one run, in the compact form (README.md, "Log"). */
static void ch_add_obs_dev(struct hp_obs *o, bool value, bool hlvx)
{
	unsigned dev = ch_normalize(o, hlvx);

	switch (o->out) {
	case HP_OUT_RETURNED:
		if (value)
			ch_add(" o=ret v=%lx", o->value);
		else
			ch_add(" o=ret");
		break;
	case HP_OUT_TRAP_HS:
		ch_add(" o=hs c=%s tv=%lx",
		       dev & CH_DEV_IRQ_PRIO ? "irq_prio"
					     : trap_cause_name(o->scause),
		       o->stval);
		if (dev & CH_DEV_NONMEM_HTINST)
			ch_add(" hv=- hi=-");
		else if (dev & (CH_DEV_ACCESS_FAULT | CH_DEV_HLVX_CAUSE))
			ch_add(" hv=%lx hi=-", o->htval);
		else
			ch_add(" hv=%lx hi=%lx", o->htval, o->htinst);
		if (dev & CH_DEV_ACCESS_FAULT)
			ch_add(" f=-");
		else
			ch_add(" f=%u", bit(o->hstatus, HSTATUS_GVA));
		ch_add("%u%u%u e=%lx", bit(o->hstatus, HSTATUS_SPV),
		       bit(o->hstatus, HSTATUS_SPVP),
		       bit(o->sstatus, SSTATUS_SPP), o->sepc);
		break;
	case HP_OUT_TRAP_VS:
		ch_add(" o=vs c=%s tv=%lx e=%lx f=%u%u%u",
		       dev & CH_DEV_IRQ_PRIO ? "irq_prio"
					     : trap_cause_name(o->vscause),
		       o->vstval, o->vsepc, bit(o->vsstatus, SSTATUS_SPP),
		       bit(o->vsstatus, SSTATUS_SPIE),
		       bit(o->vsstatus, SSTATUS_SIE));
		break;
	}
	for (unsigned i = 0; i < sizeof(ch_dev_names) / sizeof(ch_dev_names[0]);
	     i++)
		if (dev & (1u << i))
			ch_add(" dev=%s", ch_dev_names[i]);
}

static void ch_add_obs(struct hp_obs *o, bool value)
{
	ch_add_obs_dev(o, value, false);
}

/* ---- addresses ------------------------------------------------------------
 */

enum ch_use {
	CH_USE_LOAD,
	CH_USE_STORE,
	CH_USE_FETCH,
};

/* The offset inside a test page: stores stay in [0x10, 0x800) and fetches
 * in [0x800, 0x1000), so the fetch half keeps the RET hp_mem_fill wrote
 * there and a fetch never runs stored data. */
static unsigned long ch_offset(enum ch_use use)
{
	switch (use) {
	case CH_USE_STORE:
		return 0x10 + 8 * ch_below((0x800 - 0x10) / 8);
	case CH_USE_FETCH:
		return 0x800 + 4 * ch_below(0x800 / 4);
	case CH_USE_LOAD:
		break;
	}
	return 8 * ch_below(PAGE_SIZE / 8);
}

static bool ch_atp_bare(unsigned long atp)
{
	return ((atp & ATP_MODE) >> ATP_MODE_SHIFT) == ATP_MODE_BARE;
}

/*
 * A guest address for one access: a test page (hprobe's G-stage and
 * VS-stage permissions), the scratch RAM, guest physical addresses with no
 * memory behind them (inside and far outside the G-stage's reach), the
 * VS-stage test mappings, or the image's code (loads only). Nothing a store
 * may reach holds code, tables or L1's data.
 */
static unsigned long ch_target(enum ch_use use, bool no_vna)
{
	static const unsigned long gvas[] = {HP_GVA_GHOLE, HP_GVA_UNMAPPED,
					     HP_GVA_ALIAS_GRO, HP_GVA_WALKHOLE};
	static const unsigned long wide[] = {HP_GPA_WIDE, HP_GPA_WIDE48,
					     CH_FAR};
	unsigned long text = (unsigned long)_hp_start;
	unsigned long text_size = (unsigned long)(_hp_gtext_end - _hp_start);

	switch (ch_below(8)) {
	case 3:
		return CH_SCRATCH + (use == CH_USE_FETCH ? 4 : 8) *
					    ch_below(CH_SCRATCH_SIZE / 8);
	case 4:
		return CH_NOMEM + 8 * ch_below(CH_NOMEM_SIZE / 8);
	case 5:
		/* With both stages Bare these GVAs would be QEMU virt's PCIe
		 * window (0x40000000), which L0 does not give L1: a platform
		 * difference, so they are used only behind a table. */
		if (ch_atp_bare(csr_read(CSR_VSATP)) &&
		    ch_atp_bare(csr_read(CSR_HGATP)))
			return CH_NOMEM + ch_offset(use);
		/* HP_GVA_WALKHOLE's walk reads a PTE at HP_GPA_WALK_TABLE:
		 * behind a Bare G-stage no memory is there (see
		 * ch_atp_value). */
		{
			unsigned long gva = gvas[ch_below(4)];

			if (gva == HP_GVA_WALKHOLE &&
			    ch_atp_bare(csr_read(CSR_HGATP)))
				gva = HP_GVA_UNMAPPED;
			return gva + ch_offset(use);
		}
	case 6:
		return wide[ch_below(3)] + ch_offset(use);
	case 7:
		if (use == CH_USE_LOAD)
			return text + 8 * ch_below(text_size / 8);
		break;
	default:
		break;
	}
	for (;;) {
		enum hp_page pg = (enum hp_page)ch_below(HP_PG_COUNT);

		/* The data page holds data, not RET, in its fetch half. */
		if (use == CH_USE_FETCH && pg == HP_PG_DATA)
			continue;
		/* HLV/HSV and a VS-stage A=0 leaf: QEMU sets A whatever
		 * henvcfg.ADUE says (hprobe README.md); the spec faults. */
		if (no_vna && pg == HP_PG_VNA)
			continue;
		return hp_page(pg) + ch_offset(use);
	}
}

/* ---- h* and vs* CSR accesses from HS-mode ----------------------------------
 */

static const char *const ch_form_names[HP_OP_COUNT] = {
	[HP_OP_READ] = "r",  [HP_OP_RW] = "rw",	    [HP_OP_RS] = "rs",
	[HP_OP_RC] = "rc",   [HP_OP_RWI] = "rwi",   [HP_OP_RSI] = "rsi",
	[HP_OP_RCI] = "rci", [HP_OP_RSI0] = "rsi0",
};

/* Fields random writes leave alone, and the value a CSRRW gives them:
 * hstatus.VSXL stays 64 (VS-mode must run as RV64) and VGEIN 0 (WLRL, and
 * GEILEN is 0 on QEMU virt); vsstatus.UXL stays 64 (QEMU keeps the reserved
 * 3, which makes HLV illegal; hprobe README.md) and UBE 0 (QEMU makes it
 * writable; a big-endian VU-mode is not compared); henvcfg.STCE stays 1
 * (QEMU keeps a VSTIP that vstimecmp raised after STCE is cleared, where
 * the spec makes hip.VSTIP hvip's alone; README.md); with Sstc, hvip.VSTIP
 * stays 0 (QEMU 10 ignores writes of it then, L0 keeps it writable and ORs
 * the comparison into hip.VSTIP; README.md). */
static unsigned long ch_fixed_mask(unsigned num)
{
	switch (num) {
	case CSR_HSTATUS:
		return HSTATUS_VSXL | HSTATUS_VGEIN;
	case CSR_VSSTATUS:
		return SSTATUS_UXL | SSTATUS_UBE;
	case CSR_HENVCFG:
		return ENVCFG_STCE;
	case CSR_HVIP:
		return hp_has_sstc ? MIP_VSTIP : 0;
	default:
		return 0;
	}
}

static unsigned long ch_fixed_value(unsigned num)
{
	switch (num) {
	case CSR_HSTATUS:
		return HP_VSXL_64;
	case CSR_VSSTATUS:
		return HP_UXL_64;
	case CSR_HENVCFG:
		return ENVCFG_STCE;
	default:
		return 0;
	}
}

static bool ch_vsatp_hole(void)
{
	return (csr_read(CSR_VSATP) & ATP_PPN) ==
	       (hp_vsatp_value(HP_VSATP_HOLE_ROOT) & ATP_PPN);
}

/* A translation root the chaos L1 owns, with a random VMID/ASID: Bare, or
 * one of hprobe's tables. Other values (reserved MODEs, Bare with a
 * nonzero ID) leave the read-back implementation-defined. */
static unsigned long ch_atp_value(unsigned num)
{
	static const enum hp_hgatp g[] = {HP_HGATP_BARE, HP_HGATP_SV39X4,
					  HP_HGATP_SV48X4};
	static const enum hp_vsatp v[] = {HP_VSATP_BARE, HP_VSATP_SUPER,
					  HP_VSATP_USER, HP_VSATP_SUPER48,
					  HP_VSATP_HOLE_ROOT};
	unsigned long atp, id;

	if (num == CSR_HGATP) {
		atp = hp_hgatp_value(g[ch_below(3)]);
		/* Not Bare under a VS-stage root where no memory is (see
		 * below). */
		if (ch_atp_bare(atp) && ch_vsatp_hole())
			atp = hp_hgatp_value(HP_HGATP_SV39X4);
		id = ch_rand() & (HGATP_VMID >> HGATP_VMID_SHIFT);
		return ch_atp_bare(atp) ? 0 : atp | (id << HGATP_VMID_SHIFT);
	}
	atp = hp_vsatp_value(v[ch_below(5)]);
	/* A VS-stage walk that reads a PTE where no memory is (G-stage
	 * Bare): the spec raises an access fault, QEMU a page fault
	 * (README.md, "Platform differences"). Not drawn. */
	if (atp == hp_vsatp_value(HP_VSATP_HOLE_ROOT) &&
	    ch_atp_bare(csr_read(CSR_HGATP)))
		atp = hp_vsatp_value(HP_VSATP_SUPER);
	id = ch_rand() & (SATP_ASID >> SATP_ASID_SHIFT);
	return ch_atp_bare(atp) ? 0 : atp | (id << SATP_ASID_SHIFT);
}

/* vscause is WLRL: only causes a VS-level trap can report (spec "Virtual
 * Supervisor Cause Register"). */
static unsigned long ch_vscause_value(void)
{
	static const unsigned long legal[] = {
		EXC_INST_MISALIGNED,
		EXC_INST_ACCESS,
		EXC_ILLEGAL_INST,
		EXC_BREAKPOINT,
		EXC_LOAD_MISALIGNED,
		EXC_LOAD_ACCESS,
		EXC_STORE_MISALIGNED,
		EXC_STORE_ACCESS,
		EXC_ECALL_U,
		EXC_ECALL_S,
		EXC_INST_PAGE_FAULT,
		EXC_LOAD_PAGE_FAULT,
		EXC_STORE_PAGE_FAULT,
		CAUSE_INTERRUPT | IRQ_S_SOFT,
		CAUSE_INTERRUPT | IRQ_S_TIMER,
		CAUSE_INTERRUPT | IRQ_S_EXT,
	};

	return legal[ch_below(sizeof(legal) / sizeof(legal[0]))];
}

/* The read-back with what is not architecturally fixed masked: the print
 * mask of csr_list.h, and hgatp PPN[1:0], which must read as zero in the
 * x4 modes but QEMU keeps (hprobe README.md). */
static unsigned long ch_csr_print(const struct hp_csr *c, unsigned long v)
{
	v &= c->mask;
	if (c->num == CSR_HGATP && !ch_atp_bare(v))
		v &= ~3UL;
	/* hvip: only VSSIP, VSTIP, VSEIP are defined (the rest is read-only
	 * zero, "Hypervisor Interrupt Registers"); QEMU 10 reads the HS
	 * SSIP and STIP through it. */
	if (c->num == CSR_HVIP)
		v &= MIP_VSSIP | MIP_VSTIP | MIP_VSEIP;
	return v;
}

/* A new root or ID without a fence leaves which translation is used
 * unspecified (spec "Hypervisor Memory-Management Fence Instructions"):
 * every table switch is fenced at once, so later steps are defined. */
static void ch_fence_after(unsigned num)
{
	if (num == CSR_HGATP)
		hfence_gvma_all();
	if (num == CSR_HGATP || num == CSR_VSATP)
		hfence_vvma_all();
}

static void ch_step_csr(void)
{
	const struct hp_csr *c;
	enum hp_csr_op form;
	unsigned long w = 0, fixed;
	struct hp_obs obs, rb;

	do
		c = &hp_csrs[ch_below(hp_ncsrs)];
	while ((c->flags & HP_CSR_F_SSTC) && !hp_has_sstc);
	fixed = ch_fixed_mask(c->num);
	if (c->flags & (HP_CSR_F_ATP | HP_CSR_F_WLRL) ||
	    c->num == CSR_VSTIMECMP) {
		/* Only whole legal values: no set/clear, no immediates. */
		form = ch_below(4) ? HP_OP_RW : HP_OP_READ;
		if (c->num == CSR_VSCAUSE)
			w = ch_vscause_value();
		else if (c->num == CSR_VSTIMECMP)
			/* 0 is always due and ~0 never (Sstc): no timing
			 * enters the log. */
			w = ch_below(2) ? 0 : ~0UL;
		else
			w = ch_atp_value(c->num);
	} else {
		form = (enum hp_csr_op)ch_below(HP_OP_COUNT);
		/* CSRRWI would zero the fixed fields. */
		if (form == HP_OP_RWI && fixed)
			form = HP_OP_RW;
		/* Values over the fields the base H extension defines: the
		 * rest belongs to optional extensions (csr_list.h). */
		w = ch_value() & c->mask & ~fixed;
		if (form == HP_OP_RW)
			w |= ch_fixed_value(c->num);
		/* vstvec MODE >= 2 is reserved: keep bit 1 clear. */
		if (c->flags & HP_CSR_F_TVEC && form != HP_OP_RC)
			w &= ~2UL;
	}
	ch_add(" k=csr c=%s f=%s", c->name, ch_form_names[form]);
	if (form == HP_OP_RW || form == HP_OP_RS || form == HP_OP_RC)
		ch_add(" w=%lx", w);
	ch_pre();
	hp_run(NULL, c->op[form], w, &obs);
	ch_fence_after(c->num);
	if (obs.out != HP_OUT_RETURNED) {
		ch_add_obs(&obs, false);
		return;
	}
	hp_run(NULL, c->op[HP_OP_RSI0], 0, &rb);
	/* htval and htinst hold what the last trap wrote, and QEMU leaves
	 * them as they were on the traps of dev=nonmem_htinst (and ignores
	 * htinst writes); L0 tells an interrupt the hart delivered to L1
	 * directly only by its cause (l0-hyp/vhyp.c trap_info_read). Not
	 * compared, but htval's read-back after CSRRW/CSRRWI: what was
	 * written, whatever scause holds ("Hypervisor Trap Value
	 * Register": writable; no trap in between). */
	if (c->num == CSR_HTVAL && (form == HP_OP_RW || form == HP_OP_RWI))
		ch_add(" old=- val=%lx dev=htrap_csr", rb.value);
	else if (c->num == CSR_HTVAL || c->num == CSR_HTINST)
		ch_add(" old=- val=- dev=htrap_csr");
	else
		ch_add(" old=%lx val=%lx", ch_csr_print(c, obs.value),
		       ch_csr_print(c, rb.value));
}

/* ---- fences from HS-mode ----------------------------------------------------
 */

static void ch_step_fence(void)
{
	unsigned long a = 0;

	switch (ch_below(4)) {
	case 0:
		ch_add(" k=fence f=gvma");
		hfence_gvma_all();
		break;
	case 1:
		ch_add(" k=fence f=vvma");
		hfence_vvma_all();
		break;
	case 2:
		a = ch_target(CH_USE_LOAD, false);
		ch_add(" k=fence f=vvma_va a=%lx", a);
		{
			struct hp_obs o;

			ch_pre();
			hp_run(NULL, hp_hfence_vvma_va, a, &o);
			ch_add_obs(&o, false);
		}
		return;
	default:
		a = ch_rand() & (SATP_ASID >> SATP_ASID_SHIFT);
		ch_add(" k=fence f=vvma_asid a=%lx", a);
		{
			struct hp_obs o;

			ch_pre();
			hp_run(NULL, hp_hfence_vvma_asid, a, &o);
			ch_add_obs(&o, false);
		}
		return;
	}
	ch_add(" o=ret");
}

/* ---- HLV/HSV from HS-mode and from U-mode (hstatus.HU) ------------------- */

struct ch_body {
	const char *name;
	hp_body_fn fn;
	enum ch_use use;
};

static const struct ch_body ch_hlv[] = {
	{"hlv.b", hp_b_hlv_b, CH_USE_LOAD},
	{"hlv.bu", hp_b_hlv_bu, CH_USE_LOAD},
	{"hlv.h", hp_b_hlv_h, CH_USE_LOAD},
	{"hlv.hu", hp_b_hlv_hu, CH_USE_LOAD},
	{"hlv.w", hp_b_hlv_w, CH_USE_LOAD},
	{"hlv.wu", hp_b_hlv_wu, CH_USE_LOAD},
	{"hlv.d", hp_b_hlv_d, CH_USE_LOAD},
	{"hlvx.hu", hp_b_hlvx_hu, CH_USE_FETCH},
	{"hlvx.wu", hp_b_hlvx_wu, CH_USE_FETCH},
	{"hsv.b", hp_b_hsv_b, CH_USE_STORE},
	{"hsv.h", hp_b_hsv_h, CH_USE_STORE},
	{"hsv.w", hp_b_hsv_w, CH_USE_STORE},
	{"hsv.d", hp_b_hsv_d, CH_USE_STORE},
};

/* The current hstatus with the mode bits hp_env_mode() sets itself. */
static struct hp_env ch_env(enum hp_mode mode, unsigned long sstatus)
{
	struct hp_env env = hp_env_default;

	env.mode = mode;
	env.hstatus = csr_read(CSR_HSTATUS) & ~(HSTATUS_SPV | HSTATUS_VSXL);
	env.sstatus = sstatus;
	return env;
}

static void ch_step_hlv(void)
{
	const struct ch_body *b =
		&ch_hlv[ch_below(sizeof(ch_hlv) / sizeof(ch_hlv[0]))];
	/* HLVX reads the fetch half, where the RET words are. */
	unsigned long a = ch_target(b->use, true);
	bool hu = ch_below(4) == 0;
	/* HS-level sstatus.MXR also applies to HLV (spec "Hypervisor
	 * Virtual-Machine Load and Store Instructions"). */
	unsigned long mxr = ch_below(2) ? SSTATUS_MXR : 0;
	unsigned long hstatus;
	struct hp_obs obs;

	ch_add(" k=hlv m=%s op=%s a=%lx mxr=%u", hu ? "hu" : "hs", b->name, a,
	       bit(mxr, SSTATUS_MXR));
	/* HLVX with VS privilege and vsstatus.SUM=1 under a VS-stage
	 * table: SUM applies to HLVX, a load, so a U=1 page is readable
	 * (spec, and L0); QEMU checks it as the fetch would and faults. The
	 * outcome is not compared (README.md, "Platform differences"). */
	bool hlvx_sum = b->use == CH_USE_FETCH &&
			(csr_read(CSR_HSTATUS) & HSTATUS_SPVP) &&
			(csr_read(CSR_VSSTATUS) & SSTATUS_SUM) &&
			!ch_atp_bare(csr_read(CSR_VSATP));

	hstatus = csr_read(CSR_HSTATUS);
	ch_pre();
	if (hu) {
		struct hp_env env = ch_env(HP_MODE_HU, mxr);

		hp_run_again(&env, b->fn, a, &obs);
	} else {
		csr_clear(CSR_SSTATUS, SSTATUS_MXR);
		csr_set(CSR_SSTATUS, mxr);
		hp_run(NULL, b->fn, a, &obs);
		csr_clear(CSR_SSTATUS, SSTATUS_MXR);
	}
	if (hlvx_sum) {
		ch_add(" o=dev dev=hlvx_sum");
		/* a trap on one platform only wrote hstatus.GVA/SPV/SPVP:
		 * back to the state before the step */
		csr_write(CSR_HSTATUS, hstatus);
	} else
		ch_add_obs_dev(&obs, b->use != CH_USE_STORE,
			       b->use == CH_USE_FETCH);
}

/* ---- one instruction in L2 (VS- or VU-mode) -------------------------------
 */

/* What a guest body's argument is. */
enum ch_arg {
	CH_ARG_LOAD,
	CH_ARG_STORE,
	CH_ARG_FETCH,
	CH_ARG_ANY,	/* a random value the body ignores or keeps */
	CH_ARG_SATP,	/* one of the chaos L1's roots */
	CH_ARG_SSTATUS, /* SIE, SPIE, SUM, MXR: what a guest may set */
	CH_ARG_SIE,	/* the supervisor interrupt enables */
	CH_ARG_CSR,	/* an h* and vs* CSR access: virtual instruction */
};

struct ch_guest_op {
	const char *name;
	hp_body_fn fn;
	enum ch_arg arg;
};

static const struct ch_guest_op ch_guest_ops[] = {
	{"ld", hp_b_ld, CH_ARG_LOAD},
	{"lw", hp_b_lw, CH_ARG_LOAD},
	{"c.ld", hp_b_c_ld, CH_ARG_LOAD},
	{"sd", hp_b_sd, CH_ARG_STORE},
	{"sw", hp_b_sw, CH_ARG_STORE},
	{"c.sd", hp_b_c_sd, CH_ARG_STORE},
	{"fetch", hp_b_fetch, CH_ARG_FETCH},
	{"ecall", hp_b_ecall, CH_ARG_ANY},
	{"ebreak", hp_b_ebreak, CH_ARG_ANY},
	{"unimp", hp_b_illegal, CH_ARG_ANY},
	{"nop", hp_b_nop, CH_ARG_ANY},
	{"wfi", hp_b_wfi, CH_ARG_ANY},
	{"sret", hp_b_sret, CH_ARG_ANY},
	{"sfence.vma", hp_b_sfence_vma, CH_ARG_ANY},
	{"satp.r", hp_b_satp_read, CH_ARG_ANY},
	{"satp.w", hp_b_satp_write, CH_ARG_SATP},
	{"rdcycle", hp_b_rdcycle, CH_ARG_ANY},
	{"rdtime", hp_b_rdtime, CH_ARG_ANY},
	{"rdinstret", hp_b_rdinstret, CH_ARG_ANY},
	{"hlv.d", hp_b_hlv_d, CH_ARG_LOAD},
	{"hsv.d", hp_b_hsv_d, CH_ARG_STORE},
	{"hfence.vvma", hp_b_hfence_vvma, CH_ARG_ANY},
	{"hfence.gvma", hp_b_hfence_gvma, CH_ARG_ANY},
	{"sip.r", hp_b_sip_read, CH_ARG_ANY},
	{"sie.r", hp_b_sie_read, CH_ARG_ANY},
	{"sie.w", hp_b_sie_write, CH_ARG_SIE},
	{"sscratch.w", hp_b_sscratch_write, CH_ARG_ANY},
	{"sip.c", hp_b_sip_clear_ssip, CH_ARG_ANY},
	{"sstatus.s", hp_b_sstatus_set, CH_ARG_SSTATUS},
	{"sie.on", hp_b_enable_sie, CH_ARG_ANY},
	{"csr", NULL, CH_ARG_CSR},
};

/* Before every entry into L2: the VS trap vector is hprobe's, in direct
 * mode, and the faults its own fetch could raise are not delegated, so a
 * VS-level trap always comes back to HS in one ECALL or one fetch fault;
 * nothing can loop in VS-mode. Deterministic writes, the same on both
 * platforms, and later CSR steps read them back. */
static void ch_guest_sanitize(void)
{
	csr_write(CSR_VSTVEC, (unsigned long)hp_vs_vector);
	csr_clear(CSR_HEDELEG, BIT(EXC_INST_MISALIGNED) | BIT(EXC_INST_ACCESS) |
				       BIT(EXC_INST_PAGE_FAULT));
}

static void ch_step_guest(void)
{
	const struct ch_guest_op *op = &ch_guest_ops[ch_below(
		sizeof(ch_guest_ops) / sizeof(ch_guest_ops[0]))];
	enum hp_mode mode = ch_below(3) ? HP_MODE_VS : HP_MODE_VU;
	hp_body_fn fn = op->fn;
	const char *name = op->name;
	unsigned long a = 0, hstatus = csr_read(CSR_HSTATUS);
	struct hp_env env;
	struct hp_obs obs;

	switch (op->arg) {
	case CH_ARG_LOAD:
		a = ch_target(CH_USE_LOAD, false);
		break;
	case CH_ARG_STORE:
		a = ch_target(CH_USE_STORE, false);
		break;
	case CH_ARG_FETCH:
		a = ch_target(CH_USE_FETCH, false);
		break;
	case CH_ARG_ANY:
		a = ch_value();
		break;
	case CH_ARG_SATP:
		a = ch_atp_value(CSR_VSATP);
		break;
	case CH_ARG_SSTATUS:
		a = ch_rand() &
		    (SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SUM | SSTATUS_MXR);
		break;
	case CH_ARG_SIE:
		a = ch_rand() & (MIP_SSIP | MIP_STIP | MIP_SEIP);
		break;
	case CH_ARG_CSR: {
		const struct hp_csr *c = &hp_csrs[ch_below(hp_ncsrs)];
		enum hp_csr_op form = (enum hp_csr_op)ch_below(HP_OP_COUNT);

		fn = c->op[form];
		a = ch_value();
		ch_add(" k=l2 m=%s op=%s.%s a=%lx",
		       mode == HP_MODE_VS ? "vs" : "vu", c->name,
		       ch_form_names[form], a);
		name = NULL;
		break;
	}
	}
	/* WFI in VS-mode with hstatus.VTW=0 may wait for an interrupt that
	 * never comes (spec "Wait for Interrupt Instruction"): a NOP then. */
	if (fn == hp_b_wfi && mode == HP_MODE_VS && !(hstatus & HSTATUS_VTW)) {
		fn = hp_b_nop;
		name = "nop";
	}
	if (name)
		ch_add(" k=l2 m=%s op=%s a=%lx",
		       mode == HP_MODE_VS ? "vs" : "vu", name, a);
	ch_guest_sanitize();
	/* An SRET that VS-mode executes itself (VTSR=0) returns to vsepc:
	 * point it at the RET of the code page, so it comes back. */
	if (fn == hp_b_sret)
		csr_write(CSR_VSEPC, hp_page(HP_PG_CODE) + 0x800);
	env = ch_env(mode, 0);
	ch_pre();
	hp_run_again(&env, fn, a, &obs);
	/* A satp the guest wrote is a new VS-stage root: fence it as its
	 * own SFENCE.VMA would (spec "Supervisor Address Translation and
	 * Protection Register"). */
	if (fn == hp_b_satp_write)
		hfence_vvma_all();
	ch_add_obs(&obs, true);
}

/* ---- SBI calls with random arguments ---------------------------------------
 */

/* Extensions both OpenSBI 1.5 and L0 implement for an HS-mode L1; the
 * others (NACL, PMU, the rvnest extension, ...) differ by design. */
static const unsigned long ch_sbi_common[] = {
	SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI,  SBI_EXT_RFENCE,
	SBI_EXT_HSM,  SBI_EXT_SRST, SBI_EXT_DBCN,
};

#define CH_NCOMMON (sizeof(ch_sbi_common) / sizeof(ch_sbi_common[0]))

/* A hart mask and base: hart 0 (the only hart), harts that do not exist,
 * or "all harts" (base -1, spec "Hart List Parameter"). */
static void ch_hart_mask(unsigned long *mask, unsigned long *base)
{
	switch (ch_below(4)) {
	case 0:
		*mask = 1;
		*base = 0;
		break;
	case 1:
		*mask = ch_value();
		*base = ~0UL;
		break;
	case 2:
		*mask = ch_value();
		*base = ch_below(2) ? 0 : ch_below(128);
		break;
	default:
		*mask = 1;
		*base = 1 + ch_below(64);
		break;
	}
}

/* What the implementation may choose, printed as dev= instead of its
 * value: the implementation ID and version, the machine IDs, and the
 * presence of extensions outside ch_sbi_common. */
static void ch_step_sbi(void)
{
	unsigned long eid, fid, a[6] = {0};
	bool impl_value = false, hart_list = false, hart_list_valid = false;
	bool wide_hartid = false;
	struct sbiret r;

	switch (ch_below(8)) {
	case 0:
		eid = SBI_EXT_BASE;
		fid = ch_below(8);
		if (fid == 3)
			a[0] = ch_below(4) ? ch_sbi_common[ch_below(CH_NCOMMON)]
					   : ch_rand() & 0xffffffffUL;
		/* get_impl_id/version, mvendorid/marchid/mimpid */
		impl_value = fid == 1 || fid == 2 || fid == 4 || fid == 5 ||
			     fid == 6;
		break;
	case 1:
		/* set_timer: sie.STIE stays 0, so STIP is never taken. */
		eid = SBI_EXT_TIME;
		fid = ch_below(2);
		a[0] = ch_value();
		break;
	case 2:
		eid = SBI_EXT_IPI;
		fid = ch_below(2);
		ch_hart_mask(&a[0], &a[1]);
		hart_list = fid == 0;
		break;
	case 3:
		eid = SBI_EXT_RFENCE;
		fid = ch_below(8);
		ch_hart_mask(&a[0], &a[1]);
		hart_list = true;
		a[2] = ch_target(CH_USE_LOAD, false);
		a[3] = ch_below(2) ? ~0UL : PAGE_SIZE * ch_below(4);
		a[4] = ch_rand() & 0xffff;
		break;
	case 4:
		/* hart_start of a hart that is running or does not exist,
		 * hart_get_status; never hart_stop or hart_suspend (they
		 * would end or stall the run). */
		eid = SBI_EXT_HSM;
		fid = ch_below(2) ? 0 : 2;
		a[0] = ch_below(2) ? 0 : ch_value();
		wide_hartid = a[0] >> 32 && !(a[0] & 0xffffffffUL);
		a[1] = hp_page(HP_PG_CODE);
		a[2] = ch_rand();
		break;
	case 5:
		/* Reserved reset types only: every one is INVALID_PARAM
		 * (spec "System Reset Extension"). */
		eid = SBI_EXT_SRST;
		fid = 0;
		a[0] = 3 + ch_below(0xeffffffdUL);
		a[1] = ch_value();
		break;
	case 6:
		/* console_write/read of no bytes at a random address.
		 * Never a buffer with bytes where no memory is: OpenSBI 1.5
		 * hangs on it (README.md, "Platform differences"); never
		 * write_byte (it would print into the log). */
		eid = SBI_EXT_DBCN;
		fid = ch_below(2);
		a[0] = 0;
		a[1] = ch_value();
		a[2] = 0;
		break;
	default:
		/* An extension nobody implements: a random ID in the
		 * experimental range rvnest does not use. */
		eid = SBI_EXT_EXPERIMENTAL_START + 0x100000 +
		      ch_below(0x100000);
		fid = ch_below(4);
		a[0] = ch_value();
		break;
	}
	/* Only hart 0 exists: "all harts" (base -1) or a mask of hart 0. */
	hart_list_valid = a[1] == ~0UL || (a[1] == 0 && !(a[0] & ~1UL));
	ch_add(" k=sbi e=%lx f=%lx a=%lx,%lx,%lx,%lx,%lx", eid, fid, a[0], a[1],
	       a[2], a[3], a[4]);
	ch_pre();
	r = sbi_ecall(eid, fid, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (eid == SBI_EXT_BASE && fid == 3 && r.error == SBI_SUCCESS) {
		bool common = false;

		for (unsigned i = 0; i < CH_NCOMMON; i++)
			common |= a[0] == ch_sbi_common[i];
		impl_value = !common;
	}
	if (impl_value)
		ch_add(" err=%ld v=dev dev=sbi_impl", r.error);
	else if (hart_list && !hart_list_valid &&
		 (r.error == SBI_SUCCESS || r.error == SBI_ERR_INVALID_PARAM))
		/* A hart list naming harts that do not exist: SBI 2.0
		 * "Hart List Parameter" makes it INVALID_PARAM (as L0 does);
		 * OpenSBI 1.5 skips them in RFENCE. */
		ch_add(" err=ok|inval v=%lx dev=sbi_hartmask",
		       (unsigned long)r.value);
	else if (wide_hartid &&
		 (r.error == SBI_SUCCESS || r.error == SBI_ERR_INVALID_PARAM ||
		  r.error == SBI_ERR_ALREADY_AVAILABLE))
		/* OpenSBI 1.5 truncates an HSM hart ID to 32 bits (hart
		 * 1 << 32 is hart 0 to it: started, or already available
		 * to hart_start); no hart has such an ID (INVALID_PARAM). */
		ch_add(" err=hart0|inval dev=sbi_hartid32");
	else
		ch_add(" err=%ld v=%lx", r.error, (unsigned long)r.value);
}

/* ---- the run
 * ----------------------------------------------------------------- */

enum ch_kind {
	CH_K_CSR,
	CH_K_FENCE,
	CH_K_HLV,
	CH_K_GUEST,
	CH_K_SBI,
	CH_K_COUNT,
};

/* Out of 100: mostly CSR writes and guest instructions. */
static const unsigned ch_weight[CH_K_COUNT] = {
	[CH_K_CSR] = 32,   [CH_K_FENCE] = 6, [CH_K_HLV] = 16,
	[CH_K_GUEST] = 34, [CH_K_SBI] = 12,
};

static unsigned ch_counts[CH_K_COUNT];

static enum ch_kind ch_pick(void)
{
	unsigned r = (unsigned)ch_below(100);

	for (unsigned k = 0; k < CH_K_COUNT; k++) {
		if (r < ch_weight[k])
			return (enum ch_kind)k;
		r -= ch_weight[k];
	}
	return CH_K_CSR;
}

static void __attribute__((noreturn)) ch_fail(const char *msg)
{
	printf("RVNEST error msg=%s\n", msg);
	printf("RVNEST done status=1\n");
	console_flush();
	sbi_shutdown(1);
}

/* chaos.seed=<n> chaos.steps=<n> chaos.trace=0|1 (decimal or 0x hex); anything
 * else on the command line is refused. */
static void ch_args(const char *bootargs, uint64_t *seed, unsigned *steps)
{
	const char *p = bootargs;

	while (p && *p) {
		const char *val;
		char *end;
		unsigned long long v;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (!strncmp(p, "chaos.seed=", 11))
			val = p + 11;
		else if (!strncmp(p, "chaos.steps=", 12))
			val = p + 12;
		else if (!strncmp(p, "chaos.trace=", 12))
			val = p + 12;
		else
			ch_fail("bad_argument (chaos.seed=<n> chaos.steps=<n> "
				"chaos.trace=0|1)");
		v = strtoull(val, &end, 0);
		if (end == val || (*end && *end != ' '))
			ch_fail("bad_argument_value");
		if (p[6] == 's' && p[7] == 'e')
			*seed = v;
		else if (p[6] == 't')
			ch_trace = v != 0;
		else if (v == 0 || v > CH_MAX_STEPS)
			ch_fail("bad_steps (1..1000000)");
		else
			*steps = (unsigned)v;
		p = end;
	}
}

void image_main(unsigned long hartid, unsigned long fdt)
{
	const void *dtb = (const void *)fdt;
	uint64_t seed = 1;
	unsigned steps = CH_DEFAULT_STEPS;

	csr_write(CSR_SSCRATCH, (unsigned long)hp_trap_stack + HP_STACK_SIZE);
	csr_write(CSR_STVEC, (unsigned long)hp_trap_entry);
	console_init_sbi();
	printf("RVNEST boot component=chaos version=%s mode=hs\n",
	       HPROBE_VERSION);
	if (fdt_check_header(dtb))
		ch_fail("bad_device_tree");
	if (!fdt_util_hart_has_ext(dtb, hartid, "h"))
		ch_fail("no_H_extension");
	ch_args(fdt_util_bootargs(dtb), &seed, &steps);
	hp_has_sstc = fdt_util_hart_has_ext(dtb, hartid, "sstc");
	hp_has_svadu = fdt_util_hart_has_ext(dtb, hartid, "svadu");
	hp_has_svade = fdt_util_hart_has_ext(dtb, hartid, "svade");
	/* The extensions decide which steps are drawn: a line of the log. */
	ch_add(" k=start seed=%llu steps=%u sstc=%u svadu=%u svade=%u",
	       (unsigned long long)seed, steps, hp_has_sstc, hp_has_svadu,
	       hp_has_svade);
	ch_emit();
	ch_state = seed;

	hp_mem_fill();
	memset((void *)CH_SCRATCH, 0, CH_SCRATCH_SIZE);
	if (!hp_mem_init())
		ch_fail("page_table_pool_exhausted");
	hfence_gvma_all();
	hfence_vvma_all();
	hp_env_apply(&hp_env_default);
	/* henvcfg.STCE stays 1 (ch_fixed_mask). */
	if (hp_has_sstc)
		csr_set(CSR_HENVCFG, ENVCFG_STCE);

	for (ch_step_no = 1; ch_step_no <= steps; ch_step_no++) {
		enum ch_kind k = ch_pick();

		ch_counts[k]++;
		switch (k) {
		case CH_K_CSR:
			ch_step_csr();
			break;
		case CH_K_FENCE:
			ch_step_fence();
			break;
		case CH_K_HLV:
			ch_step_hlv();
			break;
		case CH_K_GUEST:
			ch_step_guest();
			break;
		case CH_K_SBI:
		case CH_K_COUNT:
			ch_step_sbi();
			break;
		}
		ch_emit();
	}
	printf("RVNEST chaos_end seed=%llu steps=%u csr=%u fence=%u hlv=%u "
	       "l2=%u sbi=%u h=%016llx\n",
	       (unsigned long long)seed, steps, ch_counts[CH_K_CSR],
	       ch_counts[CH_K_FENCE], ch_counts[CH_K_HLV],
	       ch_counts[CH_K_GUEST], ch_counts[CH_K_SBI],
	       (unsigned long long)ch_hash);
	printf("RVNEST done status=0\n");
	console_flush();
	sbi_shutdown(0);
}
