/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * FWFT for L1 (SBI spec "Firmware Features Extension"): the values are
 * L1's hardware state on the vCPU's own host hart. Every service runs on
 * that hart (ctx is the calling vCPU).
 */
#include "sbi_fwft.h"

#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/sbi.h>

#include "hcsr.h"
#include "vcpu.h"

/* Boolean features that are one henvcfg bit for VS-mode (Privileged spec
 * "Hypervisor Environment Configuration Register (henvcfg)": LPE from
 * Zicfilp, SSE from Zicfiss, DTE from Ssdbltrp, ADUE from Svadu). Each
 * is read-only zero unless the firmware set the menvcfg bit, which is
 * how L0 finds out whether the host supports it. */
static const struct {
	unsigned long feature;
	unsigned long bit;
} fwft_envcfg[] = {
	{SBI_FWFT_LANDING_PAD, ENVCFG_LPE},
	{SBI_FWFT_SHADOW_STACK, ENVCFG_SSE},
	{SBI_FWFT_DOUBLE_TRAP, ENVCFG_DTE},
	{SBI_FWFT_PTE_AD_HW_UPDATING, ENVCFG_ADUE},
};

#define FWFT_NENVCFG (sizeof(fwft_envcfg) / sizeof(fwft_envcfg[0]))

/* What the host supports, found once at boot (one guest per L0). */
static struct {
	/* OpenSBI's FWFT offers MISALIGNED_EXC_DELEG, with this value at
	 * boot (its reset value is implementation-defined) */
	bool misaligned;
	unsigned long misaligned_reset;
	/* henvcfg bits L1 may have; the reset values are the boot henvcfg */
	unsigned long envcfg_ok;
	unsigned long envcfg_reset;
	/* henvcfg.PMM encodings that stick (Ssnpm: PMLEN 7 and 16) */
	bool pmlen7, pmlen16;
} fwft_host;

static struct sbi_nested_fwft_hart fwft_harts[L0_MAX_VCPUS];

/* Does henvcfg keep `val` in the bits of `mask` (WARL)? The CSR is put
 * back as it was. */
static bool envcfg_takes(unsigned long mask, unsigned long val)
{
	unsigned long saved = csr_read(CSR_HENVCFG), got;

	csr_write(CSR_HENVCFG, (saved & ~mask) | val);
	got = csr_read(CSR_HENVCFG);
	csr_write(CSR_HENVCFG, saved);
	return (got & mask) == val;
}

void l0_fwft_setup(struct l0_guest *g)
{
	struct sbiret r;

	/* OpenSBI's FWFT below: present, and the feature supported */
	r = sbi_call1(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_FWFT);
	if (r.error == SBI_SUCCESS && r.value != 0) {
		r = sbi_call1(SBI_EXT_FWFT, SBI_FWFT_GET,
			      SBI_FWFT_MISALIGNED_EXC_DELEG);
		fwft_host.misaligned = r.error == SBI_SUCCESS;
		fwft_host.misaligned_reset = (unsigned long)r.value;
	}
	for (unsigned i = 0; i < FWFT_NENVCFG; i++) {
		unsigned long bit = fwft_envcfg[i].bit;

		/* A/D updating only when L1 was told it has Svadu (vcpu.c
		 * l0_guest_setup_envcfg kept ADUE in g->henvcfg then) */
		if (bit == ENVCFG_ADUE ? (g->henvcfg & bit) != 0
				       : envcfg_takes(bit, bit))
			fwft_host.envcfg_ok |= bit;
	}
	fwft_host.pmlen7 = envcfg_takes(ENVCFG_PMM, ENVCFG_PMM_PMLEN7);
	fwft_host.pmlen16 = envcfg_takes(ENVCFG_PMM, ENVCFG_PMM_PMLEN16);
	fwft_host.envcfg_reset = g->henvcfg;
	g->sbi_cfg.fwft = fwft_harts;
}

static unsigned long envcfg_bit(unsigned long feature)
{
	for (unsigned i = 0; i < FWFT_NENVCFG; i++)
		if (fwft_envcfg[i].feature == feature)
			return fwft_envcfg[i].bit;
	return 0;
}

enum sbi_nested_status l0_fwft_get(void *ctx, unsigned long hartid,
				   unsigned long feature, unsigned long *value)
{
	unsigned long henvcfg, bit;
	struct sbiret r;

	(void)ctx;
	/* the caller, whose state is this hart's: henvcfg is read (and
	 * written, l0_fwft_set) directly, nothing waiting in a NACL shared
	 * memory (hcsr.h) */
	if (l0_nacl_client_on)
		l0_nacl_client_flush(hartid);
	henvcfg = csr_read(CSR_HENVCFG);
	switch (feature) {
	case SBI_FWFT_MISALIGNED_EXC_DELEG:
		if (!fwft_host.misaligned)
			return SBI_NESTED_UNSUPPORTED;
		r = sbi_call1(SBI_EXT_FWFT, SBI_FWFT_GET, feature);
		if (r.error != SBI_SUCCESS)
			return SBI_NESTED_IO_ERROR;
		*value = (unsigned long)r.value;
		return SBI_NESTED_OK;
	case SBI_FWFT_POINTER_MASKING_PMLEN:
		if (!fwft_host.pmlen7 && !fwft_host.pmlen16)
			return SBI_NESTED_UNSUPPORTED;
		/* the actual PMLEN ("A call to sbi_fwft_get() returns the
		 * actual value of PMLEN") */
		switch (henvcfg & ENVCFG_PMM) {
		case ENVCFG_PMM_PMLEN7:
			*value = 7;
			break;
		case ENVCFG_PMM_PMLEN16:
			*value = 16;
			break;
		default:
			*value = 0;
			break;
		}
		return SBI_NESTED_OK;
	default:
		bit = envcfg_bit(feature);
		if (!bit || !(fwft_host.envcfg_ok & bit))
			return SBI_NESTED_UNSUPPORTED;
		*value = (henvcfg & bit) != 0;
		return SBI_NESTED_OK;
	}
}

/* POINTER_MASKING_PMLEN: "N: enable pointer masking with PMLEN >= N":
 * the smallest length the hart has that is at least N. */
static enum sbi_nested_status set_pmlen(unsigned long n)
{
	unsigned long pmm, henvcfg = csr_read(CSR_HENVCFG);

	if (!fwft_host.pmlen7 && !fwft_host.pmlen16)
		return SBI_NESTED_UNSUPPORTED;
	if (n == 0)
		pmm = 0;
	else if (n <= 7 && fwft_host.pmlen7)
		pmm = ENVCFG_PMM_PMLEN7;
	else if (n <= 16 && fwft_host.pmlen16)
		pmm = ENVCFG_PMM_PMLEN16;
	else
		return SBI_NESTED_BAD_VALUE;
	csr_write(CSR_HENVCFG, (henvcfg & ~ENVCFG_PMM) | pmm);
	return SBI_NESTED_OK;
}

enum sbi_nested_status l0_fwft_set(void *ctx, unsigned long hartid,
				   unsigned long feature, unsigned long value)
{
	unsigned long bit;
	struct sbiret r;

	(void)ctx;
	if (l0_nacl_client_on)
		l0_nacl_client_flush(hartid); /* as l0_fwft_get */
	switch (feature) {
	case SBI_FWFT_MISALIGNED_EXC_DELEG:
		if (!fwft_host.misaligned)
			return SBI_NESTED_UNSUPPORTED;
		/* OpenSBI delegates (or stops delegating) the misaligned
		 * load/store exceptions of this hart to HS-mode; L0 forwards
		 * them to L1 (trap.c), as OpenSBI would deliver them to an
		 * S-mode that asked. With 0 OpenSBI emulates the access, for
		 * L1 as for any V=1 access. */
		r = sbi_ecall(SBI_EXT_FWFT, SBI_FWFT_SET, feature, value, 0, 0,
			      0, 0);
		return r.error == SBI_SUCCESS ? SBI_NESTED_OK
					      : SBI_NESTED_IO_ERROR;
	case SBI_FWFT_POINTER_MASKING_PMLEN:
		return set_pmlen(value);
	default:
		bit = envcfg_bit(feature);
		if (!bit || !(fwft_host.envcfg_ok & bit))
			return SBI_NESTED_UNSUPPORTED;
		if (value)
			csr_set(CSR_HENVCFG, bit);
		else
			csr_clear(CSR_HENVCFG, bit);
		return SBI_NESTED_OK;
	}
}

void l0_fwft_hart_reset(struct l0_vcpu *v)
{
	unsigned long keep = ~(fwft_host.envcfg_ok | ENVCFG_PMM);
	unsigned long henvcfg;

	l0_hcsr_flush(v); /* as l0_fwft_get */
	henvcfg = csr_read(CSR_HENVCFG);

	/* "Upon hart reset, local feature values are not retained and reset
	 * to their default reset values" */
	csr_write(CSR_HENVCFG,
		  (henvcfg & keep) | (fwft_host.envcfg_reset & ~keep));
	if (fwft_host.misaligned)
		(void)sbi_ecall(SBI_EXT_FWFT, SBI_FWFT_SET,
				SBI_FWFT_MISALIGNED_EXC_DELEG,
				fwft_host.misaligned_reset, 0, 0, 0, 0);
	sbi_nested_fwft_hart_reset(&v->guest->sbi, v->vhartid);
}
