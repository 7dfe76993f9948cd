/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests of the emulated PLIC (l0-hyp/vplic.c). The "real" PLIC is a
 * buffer, so the tests also see what L0 writes to the hardware: which
 * sources it enables for itself and when it completes a claim.
 */
#include "unit.h"

#include <stdint.h>
#include <string.h>

#include "../vplic.h"

#define HW_SIZE 0x400000
#define HW_CTX 1 /* L0's S context on the fake hardware */
#define NDEV 95
#define S_CTX 1 /* vCPU 0's S context in the vPLIC */

static uint32_t hw[HW_SIZE / 4];
static struct l0_vplic vp;

static uint32_t *hw_at(uint64_t off)
{
	return &hw[off / 4];
}

static uint64_t rd(uint64_t off)
{
	uint64_t v = 0xdead;

	CHECK_EQ(l0_vplic_read(&vp, off, 4, &v), L0_MMIO_OK);
	return v;
}

static void wr(uint64_t off, uint64_t v)
{
	CHECK_EQ(l0_vplic_write(&vp, off, 4, v), L0_MMIO_OK);
}

static uint64_t enable_off(unsigned ctx, unsigned src)
{
	return PLIC_ENABLE_BASE + ctx * PLIC_ENABLE_STRIDE + src / 32 * 4;
}

static uint64_t claim_off(unsigned ctx)
{
	return PLIC_CONTEXT_BASE + ctx * PLIC_CONTEXT_STRIDE +
	       PLIC_CONTEXT_CLAIM;
}

static void setup(void)
{
	memset(hw, 0, sizeof(hw));
	l0_vplic_init(&vp, NDEV, 1, (uint64_t)(uintptr_t)hw, HW_CTX);
}

/* The hardware has source `src` for L0: the next claim returns it. */
static void hw_raise(uint32_t src)
{
	*hw_at(PLIC_CONTEXT_BASE + HW_CTX * PLIC_CONTEXT_STRIDE +
	       PLIC_CONTEXT_CLAIM) = src;
	CHECK_EQ(l0_vplic_hw_claim(&vp), src);
	*hw_at(PLIC_CONTEXT_BASE + HW_CTX * PLIC_CONTEXT_STRIDE +
	       PLIC_CONTEXT_CLAIM) = 0;
}

TEST(vplic_priority_warl)
{
	setup();
	wr(10 * 4, 5);
	CHECK_EQ(rd(10 * 4), 5);
	wr(10 * 4, 0xffffffff);
	CHECK_EQ(rd(10 * 4), VPLIC_PRIORITY_MASK);
	/* source 0 and sources beyond ndev do not exist: read as 0 */
	wr(0, 3);
	CHECK_EQ(rd(0), 0);
	wr((NDEV + 1) * 4, 3);
	CHECK_EQ(rd((NDEV + 1) * 4), 0);
}

TEST(vplic_bad_access)
{
	uint64_t v;

	setup();
	CHECK_EQ(l0_vplic_read(&vp, 10 * 4, 8, &v), L0_MMIO_BAD_ACCESS);
	CHECK_EQ(l0_vplic_read(&vp, 10 * 4 + 1, 4, &v), L0_MMIO_BAD_ACCESS);
	CHECK_EQ(l0_vplic_write(&vp, 10 * 4, 2, 1), L0_MMIO_BAD_ACCESS);
}

TEST(vplic_enable_mirrors_hardware)
{
	setup();
	wr(enable_off(S_CTX, 10), 1u << 10 | 1u << 0);
	/* source 0 is not a source */
	CHECK_EQ(rd(enable_off(S_CTX, 10)), 1u << 10);
	CHECK_EQ(*hw_at(enable_off(HW_CTX, 10)), 1u << 10);
	CHECK(*hw_at(10 * 4) != 0); /* L0 gave it a nonzero priority */
	wr(enable_off(S_CTX, 10), 0);
	CHECK_EQ(*hw_at(enable_off(HW_CTX, 10)), 0);
	/* bits beyond ndev are read-only zero */
	wr(enable_off(S_CTX, 64), 0xffffffff); /* sources 64..95 exist */
	CHECK_EQ(rd(enable_off(S_CTX, 64)), 0xffffffff);
	wr(enable_off(S_CTX, 96), 0xffffffff); /* 96.. do not */
	CHECK_EQ(rd(enable_off(S_CTX, 96)), 0);
}

TEST(vplic_claim_complete_level)
{
	setup();
	wr(10 * 4, 1);
	wr(enable_off(S_CTX, 10), 1u << 10);
	CHECK(!l0_vplic_s_pending(&vp, 0));
	hw_raise(10);
	CHECK(l0_vplic_s_pending(&vp, 0));
	CHECK_EQ(rd(PLIC_PENDING_BASE), 1u << 10);
	/* L1 claims: no longer pending, and no second claim */
	CHECK_EQ(rd(claim_off(S_CTX)), 10);
	CHECK(!l0_vplic_s_pending(&vp, 0));
	CHECK_EQ(rd(claim_off(S_CTX)), 0);
	/* L0 has not completed on the hardware yet: the gateway stays
	 * closed until L1 completes */
	CHECK_EQ(*hw_at(claim_off(HW_CTX)), 0);
	wr(claim_off(S_CTX), 10);
	CHECK_EQ(*hw_at(claim_off(HW_CTX)), 10);
	/* a second completion of the same source is ignored */
	*hw_at(claim_off(HW_CTX)) = 0;
	wr(claim_off(S_CTX), 10);
	CHECK_EQ(*hw_at(claim_off(HW_CTX)), 0);
}

TEST(vplic_threshold_and_priority_order)
{
	setup();
	wr(enable_off(S_CTX, 0), 1u << 3 | 1u << 7);
	wr(3 * 4, 2);
	wr(7 * 4, 5);
	hw_raise(3);
	hw_raise(7);
	/* the higher priority wins */
	wr(PLIC_CONTEXT_BASE + S_CTX * PLIC_CONTEXT_STRIDE, 5);
	CHECK_EQ(rd(PLIC_CONTEXT_BASE + S_CTX * PLIC_CONTEXT_STRIDE), 5);
	/* threshold 5 masks priority 5 and below */
	CHECK(!l0_vplic_s_pending(&vp, 0));
	wr(PLIC_CONTEXT_BASE + S_CTX * PLIC_CONTEXT_STRIDE, 1);
	CHECK_EQ(rd(claim_off(S_CTX)), 7);
	CHECK_EQ(rd(claim_off(S_CTX)), 3);
	/* priority 0 never interrupts */
	wr(claim_off(S_CTX), 3);
	wr(3 * 4, 0);
	hw_raise(3);
	CHECK(!l0_vplic_s_pending(&vp, 0));
	/* the M context of vCPU 0 exists but is never signalled */
	CHECK_EQ(rd(claim_off(0)), 0);
	/* contexts beyond the vCPUs read as zero */
	CHECK_EQ(rd(claim_off(5)), 0);
}
