/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests of l0-hyp/nacl_client.c, L0 as a NACL client of the SBI
 * below it (SBI spec v2.0 "Nested Acceleration Extension"), against the
 * NACL of tests/model_sbi.c on the model hart: what setup keeps of the
 * features offered, the shared memory's CSR space and dirty bitmap, the
 * nested HFENCE entries (all 60 pending at once), the order of a flush,
 * the fences done as instructions without the hfence feature, the SRET
 * into the guest with and without SYNC_SRET and autoswap, and the stop
 * with `RVNEST error msg=nacl_client_*_failed` when a call fails.
 */
#include "unit.h"

#define L0_MODEL_SBI_TESTS
#include "model_sbi.h"

#include <string.h>

#include "../hcsr.h"
#include "../vcpu.h"
#include "model_hart.h"

#define F(id) (1UL << (id))
#define ALL                                                         \
	(F(SBI_NACL_FEAT_SYNC_CSR) | F(SBI_NACL_FEAT_SYNC_HFENCE) | \
	 F(SBI_NACL_FEAT_SYNC_SRET) | F(SBI_NACL_FEAT_AUTOSWAP_CSR))
#define W(off) ((off) / SBI_NACL_WORD_BYTES)

/* entry.S calls it after every trap: no header has it */
void __attribute__((noreturn)) l0_nacl_client_enter(struct l0_vcpu *v);

static struct model_world w;
static struct model_config cfg = {.l1_ram_size = 64 * 1024};

/* A fresh model hart, a NACL below offering `feats` (mask of F()), and
 * nacl_client.c's state as at boot. */
static void world(bool nacl, unsigned long feats)
{
	model_world_free(&w);
	CHECK(model_world_init(&w, &cfg));
	/* the CSRs the world switch writes around SYNC_SRET */
	model_hart.known[CSR_SEPC] = true;
	model_hart.known[CSR_SSCRATCH] = true;
	/* the fences of the tests only (l0_vhyp_init's are not theirs) */
	memset(model_hart.fences, 0, sizeof(model_hart.fences));
	memset(&l0_nacl_client, 0, sizeof(l0_nacl_client));
	l0_nacl_client_on = 0;
	model_sbi_reset();
	model_sbi.nacl = nacl;
	for (unsigned f = 0; f < SBI_NACL_FEAT_COUNT; f++)
		model_sbi.nacl_feat[f] = (feats >> f) & 1;
}

static unsigned long setup_wanted;
static unsigned setup_depth;

static void do_setup(void *arg)
{
	(void)arg;
	l0_nacl_client_setup(setup_wanted, setup_depth);
}

static void do_hart_init(void *arg)
{
	(void)arg;
	l0_nacl_client_hart_init(0);
}

static void do_flush(void *arg)
{
	(void)arg;
	l0_nacl_client_flush(0);
}

static void do_enter(void *arg)
{
	l0_nacl_client_enter(arg);
}

/* setup(wanted, depth 2) then the hart's SET_SHMEM, both returning */
static void client(unsigned long wanted)
{
	setup_wanted = wanted;
	setup_depth = 2;
	CHECK_EQ(model_sbi_run(do_setup, NULL), MODEL_SBI_RETURNED);
	CHECK_EQ(model_sbi_run(do_hart_init, NULL), MODEL_SBI_RETURNED);
	model_sbi.seqn = 0; /* the calls after boot */
}

/* nested HFENCE entry `i` of hart 0's shared memory */
static volatile unsigned long *entry(unsigned i)
{
	return l0_nacl_client.hart[0].shmem +
	       W(SBI_NACL_HFENCE_OFFSET + i * SBI_NACL_HFENCE_ENTRY_BYTES);
}

/* Config as "Nested HFENCE entry" lays it out: Pending (63), Type
 * (59:56), Order (54:48, 0: 4 KiB pages here), VMID (29:16), ASID (15:0) */
static unsigned long config(unsigned long type, unsigned long vmid,
			    unsigned long asid)
{
	return (1UL << 63) | (type << 56) | (vmid << 16) | asid;
}

/* The NACL call `fid` fails with `error` while fn runs: L0 stops with
 * its one RVNEST error line (nacl_client.c), `line` */
static void nacl_call_stops_l0(unsigned long fid, long error,
			       void (*fn)(void *), void *arg, const char *line)
{
	model_sbi.fail_ext = SBI_EXT_NACL;
	model_sbi.fail_fid = fid;
	model_sbi.fail_error = error;
	CHECK_EQ(model_sbi_run(fn, arg), MODEL_SBI_PANIC);
	CHECK(strstr(model_sbi.out, line));
}

TEST(nacl_client_setup_without_nacl_below)
{
	world(false, ALL);
	setup_wanted = ALL;
	setup_depth = 2;
	CHECK_EQ(model_sbi_run(do_setup, NULL), MODEL_SBI_RETURNED);
	CHECK(strstr(model_sbi.out, "[l0] nacl client: none (the SBI below "
				    "offers no NACL) depth=2\n"));
	CHECK_EQ(l0_nacl_client_on, 0);
	CHECK_EQ(model_sbi.nacl_calls[SBI_NACL_PROBE_FEATURE], 0);
	/* depth 1 (hardware H below): quiet; none wanted: not even probed */
	setup_depth = 1;
	CHECK_EQ(model_sbi_run(do_setup, NULL), MODEL_SBI_RETURNED);
	CHECK_EQ(model_sbi.out[0], '\0');
	model_sbi.calls = 0;
	setup_wanted = 0;
	setup_depth = 3;
	model_sbi.nacl = true;
	CHECK_EQ(model_sbi_run(do_setup, NULL), MODEL_SBI_RETURNED);
	CHECK_EQ(model_sbi.calls, 0);
	CHECK_EQ(model_sbi.out[0], '\0');
	CHECK_EQ(l0_nacl_client_on, 0);
	/* off: no shared memory asked for */
	CHECK_EQ(model_sbi_run(do_hart_init, NULL), MODEL_SBI_RETURNED);
	CHECK_EQ(model_sbi.calls, 0);
	CHECK(l0_nacl_client.hart[0].shmem == NULL);
}

TEST(nacl_client_setup_keeps_wanted_and_offered)
{
	/* autoswap is offered, but only "in conjunction with" SYNC_SRET */
	world(true, F(SBI_NACL_FEAT_SYNC_CSR) | F(SBI_NACL_FEAT_SYNC_HFENCE) |
			    F(SBI_NACL_FEAT_AUTOSWAP_CSR));
	setup_wanted = ALL;
	setup_depth = 2;
	CHECK_EQ(model_sbi_run(do_setup, NULL), MODEL_SBI_RETURNED);
	CHECK(strstr(model_sbi.out, "[l0] nacl client: csr=1 hfence=1 sret=0 "
				    "autoswap=0 depth=2\n"));
	CHECK_EQ(l0_nacl_client_on, 1);
	/* sret probed and refused: autoswap not probed */
	CHECK_EQ(model_sbi.nacl_calls[SBI_NACL_PROBE_FEATURE], 3);

	/* not wanted: not probed, not used, though offered */
	world(true, ALL);
	setup_wanted =
		F(SBI_NACL_FEAT_SYNC_SRET) | F(SBI_NACL_FEAT_AUTOSWAP_CSR);
	setup_depth = 4;
	CHECK_EQ(model_sbi_run(do_setup, NULL), MODEL_SBI_RETURNED);
	CHECK(strstr(model_sbi.out, "csr=0 hfence=0 sret=1 autoswap=1 "
				    "depth=4\n"));
	CHECK_EQ(model_sbi.nacl_calls[SBI_NACL_PROBE_FEATURE], 2);
	CHECK(l0_nacl_client.sync_sret && l0_nacl_client.autoswap);
	CHECK(!l0_nacl_client.sync_csr && !l0_nacl_client.sync_hfence);

	/* NACL there, but none of the wanted features: off */
	world(true, F(SBI_NACL_FEAT_SYNC_HFENCE));
	setup_wanted = F(SBI_NACL_FEAT_SYNC_CSR);
	CHECK_EQ(model_sbi_run(do_setup, NULL), MODEL_SBI_RETURNED);
	CHECK_EQ(l0_nacl_client_on, 0);
}

TEST(nacl_client_set_shmem_fills_and_fails)
{
	world(true, ALL);
	model_csr_write(CSR_HSTATUS, HSTATUS_SPV | HSTATUS_SPVP);
	model_csr_write(CSR_HEDELEG, 0xb1ff);
	client(ALL);
	/* one page-aligned shared memory per hart (SET_SHMEM) */
	CHECK(model_sbi.shmem != NULL);
	CHECK(l0_nacl_client.hart[0].shmem ==
	      (volatile unsigned long *)model_sbi.shmem);
	CHECK_EQ((unsigned long)model_sbi.shmem % SBI_NACL_SHMEM_ALIGN, 0);
	CHECK_EQ(l0_nacl_client.hart[0].hstatus_at, L0_NACL_HSTATUS_CSR_SPACE);
	/* "Nested CSR space": word ((csr & 0xc00) >> 2) | (csr & 0xff) */
	CHECK_EQ(model_sbi.shmem[W(SBI_NACL_CSR_SPACE_OFFSET) + 0x100 + 0x02],
		 0xb1ff);
	CHECK_EQ(l0_hcsr_read(w.v, CSR_HEDELEG), 0xb1ff);
	/* the first entry was a real SRET: the guest's hstatus of its first
	 * trap is in the CSR space, read once */
	model_sbi.shmem[W(SBI_NACL_CSR_SPACE_OFFSET) +
			SBI_NACL_CSR_INDEX(CSR_HSTATUS)] |= HSTATUS_GVA;
	CHECK_EQ(l0_nacl_client_guest_hstatus(0),
		 model_hart.csr[CSR_HSTATUS] | HSTATUS_GVA);
	CHECK_EQ(l0_nacl_client.hart[0].hstatus_at, L0_NACL_HSTATUS_HERE);
	model_sbi.shmem[W(SBI_NACL_CSR_SPACE_OFFSET) +
			SBI_NACL_CSR_INDEX(CSR_HSTATUS)] = 0;
	CHECK_EQ(l0_nacl_client_guest_hstatus(0),
		 model_hart.csr[CSR_HSTATUS] | HSTATUS_GVA);

	/* the SBI below refuses the memory: L0 stops, naming the call */
	world(true, ALL);
	setup_wanted = ALL;
	setup_depth = 3;
	CHECK_EQ(model_sbi_run(do_setup, NULL), MODEL_SBI_RETURNED);
	nacl_call_stops_l0(SBI_NACL_SET_SHMEM, SBI_ERR_INVALID_ADDRESS,
			   do_hart_init, NULL,
			   "RVNEST error "
			   "msg=nacl_client_set_shmem_failed "
			   "error=-5 depth=3\n");
	CHECK(l0_nacl_client.hart[0].shmem == NULL);
}

TEST(nacl_client_csr_dirty_then_sync_csr)
{
	world(true, F(SBI_NACL_FEAT_SYNC_CSR));
	client(ALL);
	CHECK(l0_nacl_client.sync_csr);
	/* "set the <i> bit in the nested CSR dirty bitmap": hedeleg is
	 * index 0x102, word 4 bit 2 of the bitmap */
	l0_hcsr_write(w.v, CSR_HEDELEG, 0x1ff);
	CHECK_EQ(model_sbi.shmem[W(SBI_NACL_DIRTY_OFFSET) + 0x102 / 64],
		 1UL << (0x102 % 64));
	CHECK_EQ(model_hart.csr[CSR_HEDELEG], l0_vcpu_hedeleg());
	CHECK(l0_nacl_client.hart[0].csr_dirty);
	/* the same value again: nothing more to synchronize */
	model_sbi.shmem[W(SBI_NACL_DIRTY_OFFSET) + 0x102 / 64] = 0;
	l0_hcsr_write(w.v, CSR_HEDELEG, 0x1ff);
	CHECK_EQ(model_sbi.shmem[W(SBI_NACL_DIRTY_OFFSET) + 0x102 / 64], 0);
	model_sbi.shmem[W(SBI_NACL_DIRTY_OFFSET) + 0x102 / 64] =
		1UL << (0x102 % 64);
	/* a flush: one SYNC_CSR of all CSRs; the WARL value comes back */
	CHECK_EQ(model_sbi_run(do_flush, NULL), MODEL_SBI_RETURNED);
	CHECK_EQ(model_sbi.nacl_calls[SBI_NACL_SYNC_CSR], 1);
	CHECK_EQ(model_sbi.nacl_calls[SBI_NACL_SYNC_HFENCE], 0);
	CHECK_EQ(model_sbi.csr_synced, 1);
	CHECK_EQ(model_hart.csr[CSR_HEDELEG], 0x1ff & MODEL_HEDELEG_WRITABLE);
	CHECK(!l0_nacl_client.hart[0].csr_dirty);
	/* nothing pending: no call */
	CHECK_EQ(model_sbi_run(do_flush, NULL), MODEL_SBI_RETURNED);
	CHECK_EQ(model_sbi.nacl_calls[SBI_NACL_SYNC_CSR], 1);

	/* SYNC_CSR fails: L0 stops */
	l0_hcsr_write(w.v, CSR_HEDELEG, 0x1);
	nacl_call_stops_l0(SBI_NACL_SYNC_CSR, SBI_ERR_FAILED, do_flush, NULL,
			   "RVNEST error msg=nacl_client_sync_csr_"
			   "failed error=-1 depth=2\n");
}

TEST(nacl_client_hfence_entries_of_each_type)
{
	world(true, F(SBI_NACL_FEAT_SYNC_CSR) | F(SBI_NACL_FEAT_SYNC_HFENCE));
	client(ALL);
	l0_hfence_gvma(0, true, 0x80123000UL, false, 0);
	l0_hfence_gvma(0, false, 0, false, 0);
	l0_hfence_gvma(0, true, 0x80456000UL, true, 7);
	l0_hfence_gvma(0, false, 0, true, 0x3fff);
	/* VVMA: the VMID explicit, from the hgatp given, or (current) the
	 * CSR space's with sync_csr */
	l0_hfence_vvma(0, 9UL << HGATP_VMID_SHIFT, true, 0x5000, false, 0);
	l0_hfence_vvma(0, 9UL << HGATP_VMID_SHIFT, false, 0, false, 0);
	l0_hcsr_write(w.v, CSR_HGATP, 0x11UL << HGATP_VMID_SHIFT);
	l0_hfence_vvma(0, L0_HGATP_CURRENT, true, 0x7000, true, 0xbeef);
	l0_hfence_vvma(0, L0_HGATP_CURRENT, false, 0, true, 3);
	CHECK_EQ(model_sbi.nacl_calls[SBI_NACL_SYNC_HFENCE], 0);
	CHECK_EQ(model_hart.fences[MODEL_HFENCE_GVMA], 0);
	/* queued in order from entry 0, as "Nested HFENCE entry" has them */
	CHECK_EQ(entry(0)[0], config(SBI_NACL_HFENCE_GVMA, 0, 0));
	CHECK_EQ(entry(0)[1], 0x80123UL);
	CHECK_EQ(entry(0)[2], 0);
	CHECK_EQ(entry(0)[3], 1);
	CHECK_EQ(entry(1)[0], config(SBI_NACL_HFENCE_GVMA_ALL, 0, 0));
	CHECK_EQ(entry(2)[0], config(SBI_NACL_HFENCE_GVMA_VMID, 7, 0));
	CHECK_EQ(entry(2)[1], 0x80456UL);
	CHECK_EQ(entry(3)[0], config(SBI_NACL_HFENCE_GVMA_VMID_ALL, 0x3fff, 0));
	CHECK_EQ(entry(4)[0], config(SBI_NACL_HFENCE_VVMA, 9, 0));
	CHECK_EQ(entry(4)[1], 5);
	CHECK_EQ(entry(5)[0], config(SBI_NACL_HFENCE_VVMA_ALL, 9, 0));
	CHECK_EQ(entry(6)[0], config(SBI_NACL_HFENCE_VVMA_ASID, 0x11, 0xbeef));
	CHECK_EQ(entry(6)[1], 7);
	CHECK_EQ(entry(7)[0], config(SBI_NACL_HFENCE_VVMA_ASID_ALL, 0x11, 3));
	CHECK(!(entry(8)[0] & SBI_NACL_HFENCE_PENDING));
	CHECK(l0_nacl_client.hart[0].hfence_pending);

	/* a flush while HFENCEs are queued (and a CSR dirty): SYNC_CSR
	 * first, then SYNC_HFENCE, as SYNC_SRET orders them */
	CHECK_EQ(model_sbi_run(do_flush, NULL), MODEL_SBI_RETURNED);
	CHECK_EQ(model_sbi.seqn, 2);
	CHECK_EQ(model_sbi.seq[0], SBI_NACL_SYNC_CSR);
	CHECK_EQ(model_sbi.seq[1], SBI_NACL_SYNC_HFENCE);
	CHECK_EQ(model_sbi.hfences, 8);
	CHECK_EQ(model_sbi.hfence[7].config,
		 config(SBI_NACL_HFENCE_VVMA_ASID_ALL, 0x11, 3));
	CHECK_EQ(model_hart.fences[MODEL_HFENCE_GVMA], 4);
	CHECK_EQ(model_hart.fences[MODEL_HFENCE_VVMA], 4);
	CHECK(!l0_nacl_client.hart[0].hfence_pending);
	CHECK(!l0_nacl_client.hart[0].csr_dirty);

	/* without sync_csr, the current VMID is the real hgatp's */
	l0_nacl_client.sync_csr = false;
	model_csr_write(CSR_HGATP, 0x22UL << HGATP_VMID_SHIFT);
	l0_hfence_vvma(0, L0_HGATP_CURRENT, false, 0, false, 0);
	CHECK_EQ(entry(8)[0], config(SBI_NACL_HFENCE_VVMA_ALL, 0x22, 0));

	/* SYNC_HFENCE fails: L0 stops */
	nacl_call_stops_l0(SBI_NACL_SYNC_HFENCE, SBI_ERR_INVALID_PARAM,
			   do_flush, NULL,
			   "RVNEST error msg=nacl_client_sync_hfence_"
			   "failed error=-3 depth=2\n");
}

static unsigned long fence_gpa;

static void do_gvma(void *arg)
{
	(void)arg;
	l0_hfence_gvma(0, true, fence_gpa, false, 0);
}

TEST(nacl_client_all_60_hfence_entries_pending)
{
	world(true, F(SBI_NACL_FEAT_SYNC_HFENCE));
	client(ALL);
	for (unsigned i = 0; i < SBI_NACL_HFENCE_COUNT; i++)
		l0_hfence_gvma(0, true, (0x80000UL + i) << 12, false, 0);
	CHECK_EQ(SBI_NACL_HFENCE_COUNT, 60);
	CHECK_EQ(model_sbi.nacl_calls[SBI_NACL_SYNC_HFENCE], 0);
	for (unsigned i = 0; i < SBI_NACL_HFENCE_COUNT; i++)
		CHECK_EQ(entry(i)[1], 0x80000UL + i);
	/* the 61st: none free, "Find an unused ... entry" fails: the 60
	 * are processed first, in one SYNC_HFENCE, and entry 0 is reused */
	fence_gpa = 0x9abcd000UL;
	CHECK_EQ(model_sbi_run(do_gvma, NULL), MODEL_SBI_RETURNED);
	CHECK_EQ(model_sbi.nacl_calls[SBI_NACL_SYNC_HFENCE], 1);
	CHECK_EQ(model_sbi.hfences, 60);
	CHECK_EQ(model_sbi.hfence[0].pnum, 0x80000UL);
	CHECK_EQ(model_sbi.hfence[59].pnum, 0x80000UL + 59);
	CHECK_EQ(model_sbi.hfence[59].idx, 59);
	CHECK_EQ(entry(0)[0], config(SBI_NACL_HFENCE_GVMA, 0, 0));
	CHECK_EQ(entry(0)[1], 0x9abcdUL);
	CHECK(!(entry(1)[0] & SBI_NACL_HFENCE_PENDING));
	CHECK(l0_nacl_client.hart[0].hfence_pending);
	CHECK_EQ(l0_nacl_client.hart[0].hfence_next, 1);
	/* the next one after it */
	fence_gpa = 0x9abce000UL;
	CHECK_EQ(model_sbi_run(do_gvma, NULL), MODEL_SBI_RETURNED);
	CHECK_EQ(entry(1)[1], 0x9abceUL);
	CHECK_EQ(model_sbi.nacl_calls[SBI_NACL_SYNC_HFENCE], 1);
	CHECK_EQ(model_sbi_run(do_flush, NULL), MODEL_SBI_RETURNED);
	CHECK_EQ(model_sbi.hfences, 62);
	CHECK_EQ(model_sbi.hfence[61].pnum, 0x9abceUL);

	/* full again, and the SYNC_HFENCE that should make room fails */
	for (unsigned i = 0; i < SBI_NACL_HFENCE_COUNT; i++)
		l0_hfence_gvma(0, false, 0, false, 0);
	nacl_call_stops_l0(SBI_NACL_SYNC_HFENCE, SBI_ERR_FAILED, do_gvma, NULL,
			   "RVNEST error msg=nacl_client_sync_hfence_"
			   "failed error=-1 depth=2\n");
}

TEST(nacl_client_fences_without_the_hfence_feature)
{
	const struct model_fence_ops *g = &model_hart.last_fence[0];
	const struct model_fence_ops *v = &model_hart.last_fence[1];

	CHECK_EQ(MODEL_HFENCE_GVMA, 0);
	CHECK_EQ(MODEL_HFENCE_VVMA, 1);
	/* NACL for CSRs only: HFENCE.GVMA by GPA is the instruction, after
	 * the dirty CSRs are synchronized */
	world(true, F(SBI_NACL_FEAT_SYNC_CSR));
	client(ALL);
	CHECK(l0_nacl_client_on && !l0_nacl_client.sync_hfence);
	l0_hcsr_write(w.v, CSR_HEDELEG, 0x3);
	fence_gpa = 0x80042000UL;
	CHECK_EQ(model_sbi_run(do_gvma, NULL), MODEL_SBI_RETURNED);
	CHECK_EQ(model_sbi.nacl_calls[SBI_NACL_SYNC_CSR], 1);
	CHECK_EQ(model_hart.csr[CSR_HEDELEG], 0x3);
	CHECK_EQ(model_hart.fences[MODEL_HFENCE_GVMA], 1);
	/* rs1 = the GPA >> 2 ("HFENCE.GVMA"), no VMID */
	CHECK_EQ(g->has_addr, 1);
	CHECK_EQ(g->addr, 0x80042000UL >> 2);
	CHECK_EQ(g->has_id, 0);
	CHECK_EQ(model_sbi.hfences, 0);
	/* HFENCE.VVMA: hgatp holds the VMID for the fence, then its own */
	model_csr_write(CSR_HGATP, 0x5UL << HGATP_VMID_SHIFT);
	l0_hfence_vvma(0, 0x6UL << HGATP_VMID_SHIFT, true, 0x3000, true, 4);
	CHECK_EQ(model_hart.fences[MODEL_HFENCE_VVMA], 1);
	CHECK_EQ(v->addr, 0x3000);
	CHECK_EQ(v->id, 4);
	CHECK_EQ(model_hart.csr[CSR_HGATP], 0x5UL << HGATP_VMID_SHIFT);
	CHECK_EQ(model_sbi.nacl_calls[SBI_NACL_SYNC_CSR], 1);

	/* no NACL below at all: the instructions, no SBI call */
	world(false, 0);
	client(ALL);
	l0_hfence_gvma(0, false, 0, true, 12);
	CHECK_EQ(g->has_addr, 0);
	CHECK_EQ(g->id, 12);
	l0_hfence_vvma(0, L0_HGATP_CURRENT, false, 0, false, 0);
	CHECK_EQ(model_hart.fences[MODEL_HFENCE_GVMA], 1);
	CHECK_EQ(model_hart.fences[MODEL_HFENCE_VVMA], 1);
	CHECK_EQ(model_sbi.nacl_calls[SBI_NACL_SYNC_CSR], 0);
}

TEST(nacl_client_enter_without_sync_sret)
{
	world(true, F(SBI_NACL_FEAT_SYNC_CSR) | F(SBI_NACL_FEAT_SYNC_HFENCE));
	client(ALL);
	l0_hcsr_write(w.v, CSR_HEDELEG, 0x9);
	l0_hfence_gvma(0, false, 0, false, 0);
	/* what is pending is synchronized, then the real SRET */
	CHECK_EQ(model_sbi_run(do_enter, w.v), MODEL_SBI_GUEST_ENTER);
	CHECK(model_sbi.entered == w.v);
	CHECK_EQ(model_sbi.nacl_calls[SBI_NACL_SYNC_CSR], 1);
	CHECK_EQ(model_sbi.nacl_calls[SBI_NACL_SYNC_HFENCE], 1);
	CHECK_EQ(model_sbi.nacl_calls[SBI_NACL_SYNC_SRET], 0);
	CHECK_EQ(model_hart.csr[CSR_HEDELEG], 0x9);

	/* SYNC_SRET offered, but this hart has no shared memory */
	world(true, ALL);
	setup_wanted = ALL;
	setup_depth = 2;
	CHECK_EQ(model_sbi_run(do_setup, NULL), MODEL_SBI_RETURNED);
	CHECK(l0_nacl_client.sync_sret);
	CHECK_EQ(model_sbi_run(do_enter, w.v), MODEL_SBI_GUEST_ENTER);
	CHECK_EQ(model_sbi.nacl_calls[SBI_NACL_SYNC_SRET], 0);
}

TEST(nacl_client_enter_with_sync_sret_and_autoswap)
{
	struct l0_vcpu *v;

	world(true, ALL);
	v = w.v;
	model_csr_write(CSR_HSTATUS, HSTATUS_SPV);
	client(ALL);
	CHECK(l0_nacl_client.autoswap);
	for (unsigned i = 0; i < 32; i++)
		v->gpr[i] = 0x1000 + i;
	v->sepc = 0x80201234UL;
	/* hstatus is the guest's: L0 writes it aside, not in the CSR space */
	l0_hcsr_write(v, CSR_HSTATUS, HSTATUS_SPV | HSTATUS_SPVP);
	CHECK_EQ(l0_nacl_client.hart[0].hstatus_at, L0_NACL_HSTATUS_HERE);
	CHECK(!l0_nacl_client.hart[0].csr_dirty);
	CHECK_EQ(l0_hcsr_read(v, CSR_HSTATUS), HSTATUS_SPV | HSTATUS_SPVP);
	l0_hcsr_write(v, CSR_HEDELEG, 0x7);
	l0_hfence_gvma(0, false, 0, true, 2);
	CHECK_EQ(model_sbi_run(do_enter, v), MODEL_SBI_SYNC_SRET_DONE);
	/* one call did all: CSRs, HFENCEs, GPRs x1..x31, hstatus swapped
	 * in ("Nested autoswap context"), sepc and sscratch for the trap */
	CHECK_EQ(model_sbi.seqn, 1);
	CHECK_EQ(model_sbi.seq[0], SBI_NACL_SYNC_SRET);
	CHECK_EQ(model_hart.csr[CSR_HEDELEG], 0x7);
	CHECK_EQ(model_sbi.hfences, 1);
	CHECK_EQ(model_sbi.hfence[0].config,
		 config(SBI_NACL_HFENCE_GVMA_VMID_ALL, 2, 0));
	for (unsigned i = 1; i < 32; i++)
		CHECK_EQ(model_sbi.sret_gpr[i], 0x1000 + i);
	CHECK_EQ(model_sbi.sret_hstatus, HSTATUS_SPV | HSTATUS_SPVP);
	CHECK_EQ(model_hart.csr[CSR_SEPC], 0x80201234UL);
	CHECK_EQ(model_hart.csr[CSR_SSCRATCH], (unsigned long)v);
	CHECK_EQ(l0_nacl_client.hart[0].hstatus_at, L0_NACL_HSTATUS_AUTOSWAP);
	CHECK(!l0_nacl_client.hart[0].csr_dirty);
	CHECK(!l0_nacl_client.hart[0].hfence_pending);
	/* the guest traps: the L0 below swaps its hstatus back into the
	 * context, where L0 reads it once */
	model_sbi.shmem[W(SBI_NACL_AUTOSWAP_HSTATUS_OFFSET)] =
		HSTATUS_SPV | HSTATUS_GVA;
	CHECK_EQ(l0_hcsr_read(v, CSR_HSTATUS), HSTATUS_SPV | HSTATUS_GVA);
	CHECK_EQ(l0_nacl_client.hart[0].hstatus_at, L0_NACL_HSTATUS_HERE);
	model_sbi.shmem[W(SBI_NACL_AUTOSWAP_HSTATUS_OFFSET)] = 0;
	CHECK_EQ(l0_hcsr_read(v, CSR_HSTATUS), HSTATUS_SPV | HSTATUS_GVA);

	/* SYNC_SRET returns: it failed, and L0 stops, out of the guest */
	nacl_call_stops_l0(SBI_NACL_SYNC_SRET, SBI_ERR_NO_SHMEM, do_enter, v,
			   "RVNEST error msg=nacl_client_sync_sret_"
			   "failed error=-9 depth=2\n");
	CHECK_EQ(model_hart.csr[CSR_SSCRATCH], 0);

	/* without autoswap: no flag, hstatus is L0's own in the CSR space */
	world(true, ALL & ~F(SBI_NACL_FEAT_AUTOSWAP_CSR));
	client(ALL);
	CHECK(l0_nacl_client.sync_sret && !l0_nacl_client.autoswap);
	CHECK_EQ(model_sbi_run(do_enter, w.v), MODEL_SBI_SYNC_SRET_DONE);
	CHECK_EQ(model_sbi.sret_hstatus, ~0UL);
	CHECK_EQ(l0_nacl_client.hart[0].hstatus_at, L0_NACL_HSTATUS_CSR_SPACE);
}
