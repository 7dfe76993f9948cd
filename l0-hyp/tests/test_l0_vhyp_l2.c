/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests of L2 guest-page faults in l0-hyp/vhyp.c on the model hart,
 * for a hart that reports htinst 0 (QEMU 7.2 does for every load/store
 * fault; the privileged spec allows it, "Transformed Instruction or
 * Pseudoinstruction for htinst"; QEMU 10 always writes one, so no QEMU
 * run here takes this path): L0 must tell the implicit read of L2's own
 * VS-stage walk from L2's explicit access by walking L2's tables itself.
 *
 * L1 (in L1's RAM, guest-physical = L1 GPA): an Sv39x4 G-stage for L2 that
 * maps L2's page-table page read-only and a data page read-write; L2 runs
 * Sv39 with one gigapage leaf, identity over 0x80000000.
 */
#include "unit.h"

#include <rvnest/encoding.h>
#include <string.h>

#include "../gmem.h"
#include "model_hart.h"

#define G_ROOT 0x80000000UL	/* L1's Sv39x4 root: 16 KiB, aligned */
#define G_MID 0x80004000UL	/* level 1 */
#define G_LEAF 0x80005000UL	/* level 0 */
#define L2_PT 0x80006000UL	/* L2 GPA of L2's Sv39 root */
#define L2_DATA 0x80007000UL	/* L2 GPA (and GVA) of a data page */
#define L1_PT_PAGE 0x80008000UL /* where L1 keeps L2_PT */
#define L1_DATA_PAGE 0x80009000UL

/* PTE bits ("Sv39": V R W X U G A D) */
#define V 0x01UL
#define R 0x02UL
#define W 0x04UL
#define X 0x08UL
#define U 0x10UL
#define A 0x40UL
#define D 0x80UL

static struct model_world w;

static void pte(uint64_t table, unsigned idx, uint64_t pa, unsigned long f)
{
	uint64_t e = (pa >> 12) << 10 | f;

	memcpy(w.l1_ram + (table - L1_RAM_GPA) + idx * 8, &e, sizeof(e));
}

/* L1's tables, then its SRET into L2 with hgatp on them (the model's
 * "Nested world switch"), L2's vsatp on its own table. */
static void l2_running(void)
{
	struct model_config cfg = {
		.l1_ram_size = 64UL << 10,
		.host_sstc = true,
	};
	unsigned long hgatp =
		(unsigned long)ATP_MODE_SV39 << ATP_MODE_SHIFT | G_ROOT >> 12;

	model_world_free(&w);
	CHECK(model_world_init(&w, &cfg));
	/* G-stage leaves have U = 1 ("Two-Stage Address Translation") */
	pte(G_ROOT, (unsigned)(L2_PT >> 30) & 0x7ff, G_MID, V);
	pte(G_MID, (unsigned)(L2_PT >> 21) & 0x1ff, G_LEAF, V);
	pte(G_LEAF, (unsigned)(L2_PT >> 12) & 0x1ff, L1_PT_PAGE, V | R | U | A);
	pte(G_LEAF, (unsigned)(L2_DATA >> 12) & 0x1ff, L1_DATA_PAGE,
	    V | R | W | U | A | D);
	/* L2's root: one gigapage, identity, A and D set (no update) */
	pte(L1_PT_PAGE, (unsigned)(L2_DATA >> 30) & 0x1ff, 0x80000000UL,
	    V | R | W | X | A | D);

	w.v->gpr[6] = hgatp;
	CHECK_EQ(model_l1_trap_insn(
			 &w, model_csr_insn(MODEL_CSRRW, CSR_HGATP, 0, 6),
			 false),
		 L0_VHYP_OK);
	w.v->gpr[6] = HSTATUS_SPV | HSTATUS_SPVP;
	CHECK_EQ(model_l1_trap_insn(
			 &w, model_csr_insn(MODEL_CSRRW, CSR_HSTATUS, 0, 6),
			 false),
		 L0_VHYP_OK);
	model_hart.csr[CSR_VSEPC] = L2_DATA + 0x100;
	CHECK_EQ(model_l1_trap_insn(&w, MODEL_SRET, false), L0_VHYP_ENTERED_L2);
	CHECK(w.v->vh.in_l2);
	/* L2 in VS-mode on its own table */
	model_hart.csr[CSR_VSATP] =
		(unsigned long)ATP_MODE_SV39 << ATP_MODE_SHIFT | L2_PT >> 12;
	model_hart.csr[CSR_SSTATUS] |= SSTATUS_SPP;
}

/* L2's store to L2_DATA faults on its walk's read of L2_PT (not in the
 * shadow yet): the GPA is the table's, stval the data's address. L1 maps
 * the table read-only, which is all the walk needs: L0 fills it and L2
 * goes on; a store there would have been L1's fault. */
TEST(vhyp_l2_implicit_walk_read_with_htinst_zero_is_filled)
{
	l2_running();
	CHECK_EQ(model_l2_trap(&w, EXC_STORE_GUEST_PAGE_FAULT, L2_DATA,
			       L2_PT >> 2, 0),
		 L0_VHYP_L2_HANDLED);
	CHECK(w.v->vh.in_l2);
	model_world_free(&w);
}

/* The control: L2's own store to the same read-only page (stval is that
 * page's address: the fault is the access itself) goes to L1 as its
 * store guest-page fault, htval = GPA >> 2 ("Trap Entry" from V=1). */
TEST(vhyp_l2_explicit_store_with_htinst_zero_goes_to_l1)
{
	l2_running();
	CHECK_EQ(model_l2_trap(&w, EXC_STORE_GUEST_PAGE_FAULT, L2_PT + 8,
			       (L2_PT + 8) >> 2, 0),
		 L0_VHYP_L2_FORWARDED);
	CHECK(!w.v->vh.in_l2);
	CHECK_EQ(model_hart.csr[CSR_VSCAUSE], EXC_STORE_GUEST_PAGE_FAULT);
	CHECK_EQ(w.v->vh.htval, (L2_PT + 8) >> 2);
	model_world_free(&w);
}

/* A load whose data page L1 maps is filled (not implicit, allowed). */
TEST(vhyp_l2_explicit_load_with_htinst_zero_is_filled)
{
	l2_running();
	CHECK_EQ(model_l2_trap(&w, EXC_LOAD_GUEST_PAGE_FAULT, L2_DATA,
			       L2_DATA >> 2, 0),
		 L0_VHYP_L2_HANDLED);
	CHECK(w.v->vh.in_l2);
	model_world_free(&w);
}

/* With htinst's pseudoinstructions (what QEMU 10 reports for the walk's
 * own accesses): a read of L2's PTE is filled from L1's read-only page;
 * a write (the walk updating A/D) there is L1's guest-page fault, of the
 * original access's kind, with the pseudoinstruction passed on in
 * htinst. */
TEST(vhyp_l2_walk_pseudoinstructions_read_and_write)
{
	l2_running();
	CHECK_EQ(model_l2_trap(&w, EXC_LOAD_GUEST_PAGE_FAULT, L2_DATA,
			       L2_PT >> 2, HTINST_PSEUDO_READ64),
		 L0_VHYP_L2_HANDLED);
	CHECK(w.v->vh.in_l2);
	model_world_free(&w);
	l2_running();
	CHECK_EQ(model_l2_trap(&w, EXC_STORE_GUEST_PAGE_FAULT, L2_DATA,
			       L2_PT >> 2, HTINST_PSEUDO_WRITE64),
		 L0_VHYP_L2_FORWARDED);
	CHECK_EQ(model_hart.csr[CSR_VSCAUSE], EXC_STORE_GUEST_PAGE_FAULT);
	CHECK_EQ(w.v->vh.htinst, HTINST_PSEUDO_WRITE64);
	model_world_free(&w);
}

/* L2's fetch from a page L1 maps without execute: L1's instruction
 * guest-page fault ("Two-Stage Address Translation": the G-stage leaf
 * needs X for a fetch); the fetch itself, never an implicit access. */
TEST(vhyp_l2_fetch_from_a_no_execute_page_goes_to_l1)
{
	l2_running();
	CHECK_EQ(model_l2_trap(&w, EXC_INST_GUEST_PAGE_FAULT, L2_DATA,
			       L2_DATA >> 2, 0),
		 L0_VHYP_L2_FORWARDED);
	CHECK_EQ(model_hart.csr[CSR_VSCAUSE], EXC_INST_GUEST_PAGE_FAULT);
	CHECK_EQ(w.v->vh.htval, L2_DATA >> 2);
	model_world_free(&w);
}
