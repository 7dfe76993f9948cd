/* SPDX-License-Identifier: BSD-2-Clause */
#include "vplic.h"

#include <string.h>

static bool bit(const uint32_t *w, uint32_t i)
{
	return (w[i / 32] >> (i % 32)) & 1;
}

static void set_bit(uint32_t *w, uint32_t i, bool on)
{
	if (on)
		w[i / 32] |= 1u << (i % 32);
	else
		w[i / 32] &= ~(1u << (i % 32));
}

static volatile uint32_t *hw_reg(const struct l0_vplic *p, uint64_t off)
{
	return (volatile uint32_t *)(uintptr_t)(p->hw_base + off);
}

static uint64_t hw_enable_off(const struct l0_vplic *p, uint32_t src)
{
	return PLIC_ENABLE_BASE + (uint64_t)p->hw_context * PLIC_ENABLE_STRIDE +
	       (src / 32) * 4;
}

static uint64_t hw_context_off(const struct l0_vplic *p, uint64_t reg)
{
	return PLIC_CONTEXT_BASE +
	       (uint64_t)p->hw_context * PLIC_CONTEXT_STRIDE + reg;
}

/* The real source is enabled for L0 while any L1 context enables it, or
 * while L0 still owes the real PLIC its completion (a completion for a
 * source that is not enabled is ignored: PLIC spec "Interrupt
 * Completion"). */
static void sync_hw_source(struct l0_vplic *p, uint32_t src)
{
	bool want = bit(p->hw_inflight, src);
	volatile uint32_t *en;

	for (unsigned c = 0; c < p->ncontexts; c++)
		want = want || bit(p->enable[c], src);
	if (p->aia) {
		l0_aia_enable(p->aia, src, want);
		return;
	}
	if (p->hw_context < 0)
		return;
	en = hw_reg(p, hw_enable_off(p, src));
	if (want) {
		/* any nonzero priority: L0 takes every source it forwards;
		 * L1's priorities are applied in the vPLIC */
		*hw_reg(p, PLIC_PRIORITY_BASE + src * 4) = 1;
		*en |= 1u << (src % 32);
	} else {
		*en &= ~(1u << (src % 32));
	}
}

void l0_vplic_init(struct l0_vplic *p, uint32_t ndev, unsigned nvcpus,
		   uint64_t hw_base, int hw_context)
{
	memset(p, 0, sizeof(*p));
	p->ndev = ndev < PLIC_MAX_SOURCES ? ndev : PLIC_MAX_SOURCES - 1;
	p->ncontexts = 2 * nvcpus;
	if (p->ncontexts > VPLIC_MAX_CONTEXTS)
		p->ncontexts = VPLIC_MAX_CONTEXTS;
	p->hw_base = hw_base;
	p->hw_context = hw_context;
	if (hw_context >= 0) {
		/* L0 receives every source it enables: threshold 0, and
		 * nothing enabled until L1 asks. */
		*hw_reg(p, hw_context_off(p, PLIC_CONTEXT_THRESHOLD)) = 0;
		for (uint32_t w = 0; w <= p->ndev / 32; w++)
			*hw_reg(p, PLIC_ENABLE_BASE +
					   (uint64_t)hw_context *
						   PLIC_ENABLE_STRIDE +
					   w * 4) = 0;
	}
}

void l0_vplic_init_aia(struct l0_vplic *p, uint32_t ndev, unsigned nvcpus,
		       struct l0_aia *aia)
{
	l0_vplic_init(p, ndev, nvcpus, 0, -1);
	p->aia = aia;
}

/* Highest-priority pending, enabled source above the threshold (ties go
 * to the lowest ID: PLIC spec "Interrupt Priorities"); 0 if none. */
static uint32_t best_source(const struct l0_vplic *p, unsigned ctx)
{
	uint32_t best = 0, best_prio = p->threshold[ctx];

	/* Only sources both pending and enabled compete, so scan those a word
	 * at a time: L0 asks on every trap, and nearly every word is 0. In
	 * ascending order with a strict >, the lowest ID wins a tie (PLIC
	 * spec "Interrupt Priorities"). */
	for (uint32_t w = 0; w <= p->ndev / 32; w++) {
		uint32_t m = p->pending[w] & p->enable[ctx][w];

		while (m) {
			uint32_t s = w * 32 + (uint32_t)__builtin_ctz(m);

			m &= m - 1;
			if (s == 0 || s > p->ndev)
				continue;
			if (p->priority[s] > best_prio) {
				best = s;
				best_prio = p->priority[s];
			}
		}
	}
	return best;
}

bool l0_vplic_s_pending(const struct l0_vplic *p, unsigned vhart)
{
	unsigned ctx = 2 * vhart + 1;

	return ctx < p->ncontexts && best_source(p, ctx) != 0;
}

uint32_t l0_vplic_hw_claim(struct l0_vplic *p)
{
	uint32_t src;

	if (p->aia)
		src = l0_aia_claim(p->aia);
	else if (p->hw_context < 0)
		return 0;
	else
		src = *hw_reg(p, hw_context_off(p, PLIC_CONTEXT_CLAIM));
	if (!src || src > p->ndev)
		return 0;
	set_bit(p->hw_inflight, src, true);
	/* gateway semantics: a source in service does not become pending
	 * again until completed (PLIC spec "Interrupt Gateways") */
	if (!bit(p->in_service, src))
		set_bit(p->pending, src, true);
	return src;
}

static void complete(struct l0_vplic *p, unsigned ctx, uint32_t src)
{
	if (!src || src > p->ndev || !bit(p->enable[ctx], src) ||
	    !bit(p->in_service, src))
		return; /* ignored, as the spec says */
	set_bit(p->in_service, src, false);
	if (bit(p->hw_inflight, src)) {
		set_bit(p->hw_inflight, src, false);
		if (p->aia)
			l0_aia_complete(p->aia, src);
		else
			*hw_reg(p, hw_context_off(p, PLIC_CONTEXT_CLAIM)) = src;
		sync_hw_source(p, src);
	}
}

static uint32_t claim(struct l0_vplic *p, unsigned ctx)
{
	uint32_t src = best_source(p, ctx);

	if (src) {
		set_bit(p->pending, src, false);
		set_bit(p->in_service, src, true);
	}
	return src;
}

enum l0_mmio_status l0_vplic_read(void *dev, uint64_t off, unsigned width,
				  uint64_t *val)
{
	struct l0_vplic *p = dev;

	/* every PLIC register is 32 bits wide and naturally aligned */
	if (width != 4 || off % 4)
		return L0_MMIO_BAD_ACCESS;
	*val = 0;
	if (off < PLIC_PENDING_BASE) {
		uint32_t s = (uint32_t)(off / 4);

		if (s >= 1 && s <= p->ndev)
			*val = p->priority[s];
	} else if (off < PLIC_ENABLE_BASE) {
		uint64_t w = (off - PLIC_PENDING_BASE) / 4;

		if (w < PLIC_WORDS)
			*val = p->pending[w];
	} else if (off < PLIC_CONTEXT_BASE) {
		uint64_t ctx = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
		uint64_t w = (off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;

		if (ctx < p->ncontexts && w < PLIC_WORDS)
			*val = p->enable[ctx][w];
	} else {
		uint64_t ctx = (off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
		uint64_t reg = (off - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;

		if (ctx >= p->ncontexts)
			return L0_MMIO_OK; /* absent context reads as 0 */
		if (reg == PLIC_CONTEXT_THRESHOLD)
			*val = p->threshold[ctx];
		else if (reg == PLIC_CONTEXT_CLAIM)
			*val = claim(p, (unsigned)ctx);
	}
	return L0_MMIO_OK;
}

enum l0_mmio_status l0_vplic_write(void *dev, uint64_t off, unsigned width,
				   uint64_t val)
{
	struct l0_vplic *p = dev;
	uint32_t v = (uint32_t)val;

	if (width != 4 || off % 4)
		return L0_MMIO_BAD_ACCESS;
	if (off < PLIC_PENDING_BASE) {
		uint32_t s = (uint32_t)(off / 4);

		if (s >= 1 && s <= p->ndev)
			p->priority[s] = v & VPLIC_PRIORITY_MASK;
	} else if (off < PLIC_ENABLE_BASE) {
		/* pending bits are read-only */
	} else if (off < PLIC_CONTEXT_BASE) {
		uint64_t ctx = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
		uint64_t w = (off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;

		if (ctx >= p->ncontexts || w >= PLIC_WORDS)
			return L0_MMIO_OK;
		if (w == 0)
			v &= ~1u; /* source 0 does not exist */
		for (uint32_t b = 0; b < 32; b++)
			if (w * 32 + b > p->ndev)
				v &= ~(1u << b);
		p->enable[ctx][w] = v;
		for (uint32_t b = 0; b < 32; b++) {
			uint32_t s = (uint32_t)w * 32 + b;

			if (s >= 1 && s <= p->ndev)
				sync_hw_source(p, s);
		}
	} else {
		uint64_t ctx = (off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
		uint64_t reg = (off - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;

		if (ctx >= p->ncontexts)
			return L0_MMIO_OK;
		if (reg == PLIC_CONTEXT_THRESHOLD)
			p->threshold[ctx] = v & VPLIC_PRIORITY_MASK;
		else if (reg == PLIC_CONTEXT_CLAIM)
			complete(p, (unsigned)ctx, v);
	}
	return L0_MMIO_OK;
}
