/* SPDX-License-Identifier: BSD-2-Clause */
#include "aia.h"
#include "vaplic.h"

#include <stdio.h>
#include <string.h>

#define FAIL(...)                                   \
	do {                                        \
		snprintf(err, errlen, __VA_ARGS__); \
		return L0_AIA_BAD;                  \
	} while (0)

static volatile uint32_t *aplic_reg(const struct l0_aia *a, uint64_t off)
{
	return (volatile uint32_t *)(uintptr_t)(a->aplic_base + off);
}

/* The DT's sense cell (IRQ_TYPE_*) as an APLIC source mode. */
static uint8_t sm_of_dt_type(uint32_t type)
{
	switch (type) {
	case 1:
		return APLIC_SM_EDGE1; /* rising edge */
	case 2:
		return APLIC_SM_EDGE0; /* falling edge */
	case 4:
		return APLIC_SM_LEVEL1; /* level high */
	case 8:
		return APLIC_SM_LEVEL0; /* level low */
	default:
		return APLIC_SM_INACTIVE;
	}
}

static bool is_level(uint8_t sm)
{
	return sm == APLIC_SM_LEVEL1 || sm == APLIC_SM_LEVEL0;
}

/* eie/eip register and bit of identity `id`: 64 identities per register,
 * even register numbers only on RV64 (AIA "External interrupt-enable
 * registers") */
static unsigned eie_reg(uint32_t base, uint32_t id)
{
	return base + (id / 64) * 2;
}

enum l0_aia_status l0_aia_init(struct l0_aia *a, const struct l0_platform *p,
			       char *err, size_t errlen)
{
	uint32_t cfg;

	memset(a, 0, sizeof(*a));
	if (!p->has_aia)
		FAIL("AIA: the host has no S-level IMSIC with an MSI APLIC");
	a->aplic_base = p->aplic.base;
	a->nsources = p->aplic_nsources;
	a->num_ids = p->imsic_num_ids;
	a->hart_index = p->imsic_hart_index;
	if (p->uart_irq)
		a->sm[p->uart_irq] = sm_of_dt_type(p->uart_irq_type);

	/* L0's file (this is the boot hart, the one every source targets):
	 * deliver its interrupts (eidelivery = 1), any priority
	 * (eithreshold = 0: no threshold), nothing enabled or pending yet.
	 * Identity 0 does not exist; its eie/eip bits are read-only 0. */
	l0_imsic_write(IMSIC_EIDELIVERY, 1);
	l0_imsic_write(IMSIC_EITHRESHOLD, 0);
	for (uint32_t id = 0; id <= a->num_ids; id += 64) {
		l0_imsic_write(eie_reg(IMSIC_EIE0, id), 0);
		l0_imsic_write(eie_reg(IMSIC_EIP0, id), 0);
	}
	/* bit 0 of hgeie is read-only 0; bits 1..GEILEN exist */
	a->geilen =
		(unsigned)__builtin_popcountll(l0_aia_hgeie_writable() & ~1ull);
	if (l0_imsic_read(IMSIC_EIDELIVERY) != 1)
		FAIL("AIA: the IMSIC S file refuses eidelivery = 1");

	/* The domain: off while it is configured, then MSI delivery. DM is
	 * WARL: an APLIC that cannot deliver by MSI keeps it 0. */
	*aplic_reg(a, APLIC_DOMAINCFG) = APLIC_DOMAINCFG_DM;
	cfg = *aplic_reg(a, APLIC_DOMAINCFG);
	if (!(cfg & APLIC_DOMAINCFG_DM))
		FAIL("AIA: APLIC at 0x%llx does not take MSI delivery mode "
		     "(domaincfg 0x%x)",
		     (unsigned long long)a->aplic_base, cfg);
	for (uint32_t s = 1; s <= a->nsources; s++) {
		uint32_t got;

		if (a->sm[s] == APLIC_SM_INACTIVE)
			continue;
		*aplic_reg(a, APLIC_CLRIENUM) = s;
		*aplic_reg(a, APLIC_SOURCECFG(s)) = a->sm[s];
		/* a source the parent domain did not delegate has a
		 * read-only zero sourcecfg (AIA "Source configurations") */
		got = *aplic_reg(a, APLIC_SOURCECFG(s));
		if ((got & APLIC_SM_MASK) != a->sm[s])
			FAIL("AIA: APLIC source %u is not delegated to the S "
			     "domain (sourcecfg reads 0x%x)",
			     s, got);
		*aplic_reg(a, APLIC_TARGET(s)) =
			a->hart_index << APLIC_TARGET_HART_SHIFT |
			(s & APLIC_TARGET_EIID_MASK);
		l0_imsic_write(eie_reg(IMSIC_EIE0, s),
			       l0_imsic_read(eie_reg(IMSIC_EIE0, s)) |
				       1ull << (s % 64));
	}
	*aplic_reg(a, APLIC_DOMAINCFG) =
		APLIC_DOMAINCFG_DM | APLIC_DOMAINCFG_IE;
	return L0_AIA_OK;
}

/* The source's APLIC enable: on while L1 wants it and no MSI of it waits
 * for L1's completion. Masking the source in between is what a PLIC
 * gateway does by itself (PLIC spec "Interrupt Gateways": no new request
 * until the completion): in MSI mode each rising input would otherwise be
 * one more MSI, and L1 would see interrupts for work it already did. An
 * edge or a rising level while masked still sets the pending bit (AIA
 * "Interrupt enables": IE only holds back forwarding), so nothing is lost.
 *
 * Only the APLIC's enable moves: it is memory-mapped, so any of L0's harts
 * may do it for any vCPU, while the identity stays enabled in the boot
 * hart's file, which siselect on another hart could not reach. */
static void apply_enable(struct l0_aia *a, uint32_t src)
{
	bool on = a->want[src] && !a->inflight[src];

	*aplic_reg(a, on ? APLIC_SETIENUM : APLIC_CLRIENUM) = src;
}

void l0_aia_enable(struct l0_aia *a, uint32_t src, bool on)
{
	if (!src || src > a->nsources || a->sm[src] == APLIC_SM_INACTIVE)
		return;
	a->want[src] = on;
	apply_enable(a, src);
}

uint32_t l0_aia_claim(struct l0_aia *a)
{
	uint64_t top = l0_imsic_claim_topei();
	uint32_t id =
		(uint32_t)(top >> IMSIC_TOPEI_ID_SHIFT) & IMSIC_TOPEI_ID_MASK;

	/* EIID = source number (aia.h) */
	if (!id || id > a->nsources || a->sm[id] == APLIC_SM_INACTIVE)
		return 0;
	a->inflight[id] = true;
	apply_enable(a, id);
	return id;
}

void l0_aia_complete(struct l0_aia *a, uint32_t src)
{
	if (!src || src > a->nsources || a->sm[src] == APLIC_SM_INACTIVE)
		return;
	a->inflight[src] = false;
	apply_enable(a, src);
	if (is_level(a->sm[src]))
		*aplic_reg(a, APLIC_SETIPNUM) = src;
}

bool l0_aia_input(const struct l0_aia *a, uint32_t src)
{
	/* reading in_clrip[k] returns the rectified input values of sources
	 * 32k..32k+31 (AIA "Interrupt-pending bits") */
	uint32_t w = *aplic_reg(a, APLIC_IN_CLRIP(src / 32));

	return w >> (src % 32) & 1;
}

void l0_aia_release(struct l0_aia *a, uint32_t src)
{
	if (!src || src > a->nsources || a->sm[src] == APLIC_SM_INACTIVE)
		return;
	a->inflight[src] = false;
	apply_enable(a, src);
}
