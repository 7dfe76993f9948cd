/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L1's APLIC in MSI delivery mode (vaplic.h). Register numbers and rules
 * from the AIA specification, chapter "Advanced Platform-Level Interrupt
 * Controller (APLIC)": "Domain configuration", "Source configurations",
 * "Interrupt-pending bits", "Interrupt enable bits", "Interrupt targets"
 * and "Precise effects on interrupt-pending bits". Called under the
 * guest's dev_lock (mmio.c, trap.c).
 */
#include "vaplic.h"

#include <string.h>

static bool bit(const uint32_t *w, uint32_t s)
{
	return w[s / 32] >> (s % 32) & 1;
}

static void set_bit(uint32_t *w, uint32_t s, bool on)
{
	if (on)
		w[s / 32] |= 1u << (s % 32);
	else
		w[s / 32] &= ~(1u << (s % 32));
}

static bool is_level(uint8_t sm)
{
	return sm == APLIC_SM_LEVEL1 || sm == APLIC_SM_LEVEL0;
}

static bool implemented(const struct l0_vaplic *va, uint32_t s)
{
	return s && s <= va->nsources;
}

/* The source's input reaches L1: L0 drives it and L1 runs it in the
 * host's own mode (the only wired mode the vAPLIC supports for it). */
static bool wired(const struct l0_vaplic *va, uint32_t s)
{
	return va->sm[s] != APLIC_SM_INACTIVE && va->sm[s] == va->aia->sm[s];
}

/* The rectified input L1 sees: the host's for a wired source, 0 for a
 * detached or inactive one (AIA "Source configurations": a detached
 * source's input is ignored). */
static bool input(const struct l0_vaplic *va, uint32_t s)
{
	return wired(va, s) && l0_aia_input(va->aia, s);
}

/* Write identity `eiid` into L1's interrupt file (hart, guest): the
 * host's guest file guest + 1 of vCPU `hart`'s host hart. */
static void send(struct l0_vaplic *va, uint32_t hart, uint32_t guest,
		 uint32_t eiid)
{
	volatile uint32_t *f;

	if (hart >= va->nvcpus || guest > va->geilen) {
		va->msis_dropped++;
		return;
	}
	f = (volatile uint32_t *)(uintptr_t)(va->file_hpa[hart] +
					     (guest + 1) * IMSIC_PAGE +
					     IMSIC_SETEIPNUM_LE);
	*f = eiid;
	va->msis++;
}

/* A pending and enabled interrupt of an enabled domain is forwarded by
 * an MSI to its target, which clears its pending bit (AIA "Precise
 * effects on interrupt-pending bits"); a level source whose input fell
 * meanwhile is no longer pending (its pending bit follows the input's
 * fall in MSI mode). */
static void forward(struct l0_vaplic *va, uint32_t s)
{
	uint32_t t = va->target[s];

	if (!va->ie || !bit(va->pending, s) || !bit(va->enabled, s))
		return;
	set_bit(va->pending, s, false);
	if (is_level(va->sm[s]) && !input(va, s)) {
		va->msis_withdrawn++;
		return;
	}
	send(va, t >> APLIC_TARGET_HART_SHIFT & APLIC_TARGET_HART_MASK,
	     t >> APLIC_TARGET_GUEST_SHIFT & APLIC_TARGET_GUEST_MASK,
	     t & APLIC_TARGET_EIID_MASK);
}

/* A write to setip/setipnum: a level source becomes pending only while
 * its rectified input is high; an edge or detached source always; an
 * inactive one never (its pending bit is read-only 0). */
static void set_pending(struct l0_vaplic *va, uint32_t s)
{
	if (!implemented(va, s) || va->sm[s] == APLIC_SM_INACTIVE)
		return;
	if (is_level(va->sm[s]) && !input(va, s))
		return;
	set_bit(va->pending, s, true);
	forward(va, s);
}

static void clear_pending(struct l0_vaplic *va, uint32_t s)
{
	if (implemented(va, s))
		set_bit(va->pending, s, false);
}

static void set_enable(struct l0_vaplic *va, uint32_t s, bool on)
{
	if (!implemented(va, s) || va->sm[s] == APLIC_SM_INACTIVE)
		return;
	set_bit(va->enabled, s, on);
	if (on)
		forward(va, s);
}

/* sourcecfg is WARL: a mode the source does not support (a reserved
 * value, a wired mode other than the host's, any wired mode on a source
 * with no device) leaves it Inactive; D is read-only 0. Inactive clears
 * the source's pending and enable bits and its target (read-only zeros
 * while inactive). */
static void write_sourcecfg(struct l0_vaplic *va, uint32_t s, uint32_t val)
{
	uint8_t sm = (uint8_t)(val & APLIC_SM_MASK);

	if (val & APLIC_SOURCECFG_D)
		sm = APLIC_SM_INACTIVE; /* SM is then Child Index: none */
	if (sm != APLIC_SM_DETACHED && sm != va->aia->sm[s])
		sm = APLIC_SM_INACTIVE;
	va->sm[s] = sm;
	if (sm == APLIC_SM_INACTIVE) {
		set_bit(va->pending, s, false);
		set_bit(va->enabled, s, false);
		va->target[s] = 0;
	}
	/* the host source delivers to L0 while L1's runs in its mode */
	l0_aia_enable(va->aia, s, wired(va, s));
}

/* target in MSI mode: each field WARL to what L1's IMSIC layout has */
static uint32_t target_legal(const struct l0_vaplic *va, uint32_t val)
{
	uint32_t hart =
		val >> APLIC_TARGET_HART_SHIFT & ((1u << va->hart_bits) - 1);
	uint32_t guest =
		val >> APLIC_TARGET_GUEST_SHIFT & ((1u << va->guest_bits) - 1);
	uint32_t eiid = val & APLIC_TARGET_EIID_MASK;

	return hart << APLIC_TARGET_HART_SHIFT |
	       guest << APLIC_TARGET_GUEST_SHIFT | eiid;
}

void l0_vaplic_init(struct l0_vaplic *va, struct l0_aia *aia, uint32_t nsources,
		    unsigned nvcpus, const uint64_t *file_hpa,
		    uint32_t guest_bits, uint32_t num_ids, unsigned geilen)
{
	uint32_t hb = 0;

	memset(va, 0, sizeof(*va));
	va->aia = aia;
	va->nsources = nsources;
	va->nvcpus = nvcpus;
	while ((1u << hb) < nvcpus)
		hb++;
	va->hart_bits = hb;
	va->guest_bits = guest_bits;
	va->num_ids = num_ids;
	va->geilen = geilen;
	for (unsigned i = 0; i < nvcpus && i < L0_MAX_VCPUS; i++)
		va->file_hpa[i] = file_hpa[i];
}

static uint32_t word_of(const struct l0_vaplic *va, const uint32_t *w,
			uint32_t k)
{
	/* bits of sources beyond nsources (and source 0) read 0 */
	uint32_t v = 0;

	for (uint32_t b = 0; b < 32; b++)
		if (implemented(va, k * 32 + b) && bit(w, k * 32 + b))
			v |= 1u << b;
	return v;
}

enum l0_mmio_status l0_vaplic_read(void *ctx, uint64_t off, unsigned width,
				   uint64_t *val)
{
	struct l0_vaplic *va = ctx;
	uint32_t s, k;

	/* 32-bit registers only (AIA "memory-mapped control region") */
	if (width != 4 || off % 4)
		return L0_MMIO_BAD_ACCESS;
	*val = 0;
	if (off == APLIC_DOMAINCFG) {
		*val = APLIC_DOMAINCFG_RO1 | APLIC_DOMAINCFG_DM |
		       (va->ie ? APLIC_DOMAINCFG_IE : 0);
	} else if (off >= APLIC_SOURCECFG(1) &&
		   off <= APLIC_SOURCECFG(APLIC_MAX_SOURCES)) {
		s = (uint32_t)(off - APLIC_SOURCECFG(1)) / 4 + 1;
		if (implemented(va, s))
			*val = va->sm[s];
	} else if (off >= APLIC_SETIP0 &&
		   off < APLIC_SETIP0 + APLIC_WORDS * 4) {
		*val = word_of(va, va->pending,
			       (uint32_t)(off - APLIC_SETIP0) / 4);
	} else if (off >= APLIC_IN_CLRIP0 &&
		   off < APLIC_IN_CLRIP0 + APLIC_WORDS * 4) {
		k = (uint32_t)(off - APLIC_IN_CLRIP0) / 4;
		for (uint32_t b = 0; b < 32; b++)
			if (implemented(va, k * 32 + b) &&
			    input(va, k * 32 + b))
				*val |= 1u << b;
	} else if (off >= APLIC_SETIE0 &&
		   off < APLIC_SETIE0 + APLIC_WORDS * 4) {
		*val = word_of(va, va->enabled,
			       (uint32_t)(off - APLIC_SETIE0) / 4);
	} else if (off == APLIC_GENMSI) {
		*val = va->genmsi; /* Busy is 0: the MSI left at the write */
	} else if (off >= APLIC_TARGET(1) &&
		   off <= APLIC_TARGET(APLIC_MAX_SOURCES)) {
		s = (uint32_t)(off - APLIC_TARGET(1)) / 4 + 1;
		if (implemented(va, s))
			*val = va->target[s];
	}
	/* everything else (setipnum, clrie, the msiaddrcfg registers of a
	 * domain that is not the root, reserved space) reads 0 (AIA: "all
	 * other bytes ... are reserved and implemented as read-only
	 * zeros"; the write-only registers read 0) */
	return L0_MMIO_OK;
}

enum l0_mmio_status l0_vaplic_write(void *ctx, uint64_t off, unsigned width,
				    uint64_t val64)
{
	struct l0_vaplic *va = ctx;
	uint32_t val = (uint32_t)val64, s, k;

	if (width != 4 || off % 4)
		return L0_MMIO_BAD_ACCESS;
	if (off == APLIC_DOMAINCFG) {
		/* IE writable; DM read-only 1 (MSI delivery only), BE
		 * read-only 0 (little-endian) */
		va->ie = val & APLIC_DOMAINCFG_IE;
		for (s = 1; va->ie && s <= va->nsources; s++)
			forward(va, s);
	} else if (off >= APLIC_SOURCECFG(1) &&
		   off <= APLIC_SOURCECFG(APLIC_MAX_SOURCES)) {
		s = (uint32_t)(off - APLIC_SOURCECFG(1)) / 4 + 1;
		if (implemented(va, s))
			write_sourcecfg(va, s, val);
	} else if (off >= APLIC_SETIP0 &&
		   off < APLIC_SETIP0 + APLIC_WORDS * 4) {
		k = (uint32_t)(off - APLIC_SETIP0) / 4;
		for (uint32_t b = 0; b < 32; b++)
			if (val >> b & 1)
				set_pending(va, k * 32 + b);
	} else if (off == APLIC_SETIPNUM || off == APLIC_SETIPNUM_LE) {
		set_pending(va, val);
	} else if (off == APLIC_SETIPNUM_BE) {
		set_pending(va, __builtin_bswap32(val));
	} else if (off >= APLIC_IN_CLRIP0 &&
		   off < APLIC_IN_CLRIP0 + APLIC_WORDS * 4) {
		k = (uint32_t)(off - APLIC_IN_CLRIP0) / 4;
		for (uint32_t b = 0; b < 32; b++)
			if (val >> b & 1)
				clear_pending(va, k * 32 + b);
	} else if (off == APLIC_CLRIPNUM) {
		clear_pending(va, val);
	} else if (off >= APLIC_SETIE0 &&
		   off < APLIC_SETIE0 + APLIC_WORDS * 4) {
		k = (uint32_t)(off - APLIC_SETIE0) / 4;
		for (uint32_t b = 0; b < 32; b++)
			if (val >> b & 1)
				set_enable(va, k * 32 + b, true);
	} else if (off == APLIC_SETIENUM) {
		set_enable(va, val, true);
	} else if (off >= APLIC_CLRIE0 &&
		   off < APLIC_CLRIE0 + APLIC_WORDS * 4) {
		k = (uint32_t)(off - APLIC_CLRIE0) / 4;
		for (uint32_t b = 0; b < 32; b++)
			if (val >> b & 1)
				set_enable(va, k * 32 + b, false);
	} else if (off == APLIC_CLRIENUM) {
		set_enable(va, val, false);
	} else if (off == APLIC_GENMSI) {
		/* an extempore MSI to the hart's file at the domain's level
		 * (guest index 0), sent at once (AIA "Interrupt targets":
		 * genmsi) */
		va->genmsi = val & (APLIC_TARGET_HART_MASK
					    << APLIC_TARGET_HART_SHIFT |
				    APLIC_TARGET_EIID_MASK);
		va->genmsi &= ~(~((1u << va->hart_bits) - 1)
				<< APLIC_TARGET_HART_SHIFT);
		send(va, va->genmsi >> APLIC_TARGET_HART_SHIFT, 0,
		     va->genmsi & APLIC_TARGET_EIID_MASK);
	} else if (off >= APLIC_TARGET(1) &&
		   off <= APLIC_TARGET(APLIC_MAX_SOURCES)) {
		s = (uint32_t)(off - APLIC_TARGET(1)) / 4 + 1;
		if (implemented(va, s) && va->sm[s] != APLIC_SM_INACTIVE)
			va->target[s] = target_legal(va, val);
	}
	/* anything else: read-only or reserved, the write is ignored */
	return L0_MMIO_OK;
}

unsigned l0_vaplic_hw_claim(struct l0_vaplic *va)
{
	unsigned n = 0;
	uint32_t s;

	/* every identity pending in L0's own file: each is a host MSI of
	 * the source of that number (aia.h), an edge (or a level rising)
	 * that L1's source takes as such: pending, then forwarded if it
	 * can be */
	while ((s = l0_aia_claim(va->aia))) {
		l0_aia_release(va->aia, s);
		n++;
		if (!wired(va, s))
			continue;
		set_bit(va->pending, s, true);
		forward(va, s);
	}
	return n;
}
