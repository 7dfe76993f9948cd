/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sbi-conformance, FWFT (SBI spec "Firmware Features Extension", EID
 * 0x46574654): feature IDs, flags, values, the lock, and what the hart does
 * with a misaligned load once delegation is switched. Lines under `fwft.`
 * must be equal on OpenSBI and on L0; `impl.fwft_*` may differ.
 */
#include "sbi_conformance.h"

#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/trap_names.h>

/* SBI spec "SBI Implementation IDs": 1 = OpenSBI */
#define IMPL_ID_OPENSBI 1L

static struct sbiret fwft_get(unsigned long feature)
{
	return sbi_ecall(SBI_EXT_FWFT, SBI_FWFT_GET, feature, 0, 0, 0, 0, 0);
}

static struct sbiret fwft_set(unsigned long feature, unsigned long value,
			      unsigned long flags)
{
	return sbi_ecall(SBI_EXT_FWFT, SBI_FWFT_SET, feature, value, flags, 0,
			 0, 0);
}

static void expect(const char *id, struct sbiret r, long want)
{
	probe_line(id, r.error == want, "err=%ld want=%ld", r.error, want);
}

static const struct {
	const char *id;
	unsigned long feature;
} fwft_defined[] = {
	{"fwft.get_misaligned_exc_deleg", SBI_FWFT_MISALIGNED_EXC_DELEG},
	{"fwft.get_landing_pad", SBI_FWFT_LANDING_PAD},
	{"fwft.get_shadow_stack", SBI_FWFT_SHADOW_STACK},
	{"fwft.get_double_trap", SBI_FWFT_DOUBLE_TRAP},
	{"fwft.get_pte_ad_hw_updating", SBI_FWFT_PTE_AD_HW_UPDATING},
};

/* Reserved and (unimplemented) platform-specific IDs, local and global,
 * at both ends of each range ("FWFT Feature Types") */
static const struct {
	const char *id;
	unsigned long feature;
} fwft_denied[] = {
	{"fwft.reserved_local_first", SBI_FWFT_LOCAL_RESERVED_START},
	{"fwft.reserved_local_last", 0x3fffffffUL},
	{"fwft.platform_local", SBI_FWFT_PLATFORM_LOCAL_START},
	{"fwft.reserved_global", SBI_FWFT_GLOBAL_RESERVED_START},
	{"fwft.platform_global_last", 0xffffffffUL},
};

static volatile unsigned char mis_buf[16] __attribute__((aligned(8)));

/* A 4-byte load from mis_buf + 1: its value (bytes 1..4, little endian),
 * or the exception the hart raised. */
static struct payload_fault misaligned_load(unsigned long *val)
{
	trap_expect();
	*val = *(volatile uint32_t *)(uintptr_t)(mis_buf + 1);
	return trap_result();
}

static void check_misaligned(void)
{
	unsigned long val = 0, want = 0x04030201UL;
	struct payload_fault f;
	struct sbiret r;

	for (unsigned i = 0; i < sizeof(mis_buf); i++)
		mis_buf[i] = (unsigned char)i;
	r = fwft_get(SBI_FWFT_MISALIGNED_EXC_DELEG);
	if (r.error != SBI_SUCCESS) {
		probe_line("fwft.misaligned", true, "skipped=err%ld", r.error);
		return;
	}
	/* Not delegated: the access completes, in hardware or emulated by
	 * the SBI; S-mode sees no exception either way. */
	r = fwft_set(SBI_FWFT_MISALIGNED_EXC_DELEG, 0, 0);
	f = misaligned_load(&val);
	probe_line("fwft.misaligned_not_delegated",
		   r.error == 0 && !f.taken && val == want,
		   "err=%ld trap=%s value_ok=%d", r.error,
		   f.taken ? trap_cause_name(f.scause) : "none", val == want);
	/* Delegated: the misaligned-load exception reaches S-mode with
	 * stval = the address (or, on a hart that does misaligned loads in
	 * hardware, nothing happens at all: the line says which). */
	r = fwft_set(SBI_FWFT_MISALIGNED_EXC_DELEG, 1, 0);
	val = 0;
	f = misaligned_load(&val);
	probe_line(
		"fwft.misaligned_delegated",
		r.error == 0 &&
			(f.taken ? f.scause == EXC_LOAD_MISALIGNED &&
					   f.stval == (uintptr_t)(mis_buf + 1)
				 : val == want),
		"err=%ld trap=%s", r.error,
		f.taken ? trap_cause_name(f.scause) : "none");
	r = fwft_get(SBI_FWFT_MISALIGNED_EXC_DELEG);
	probe_line("fwft.misaligned_get_after_set",
		   r.error == 0 && r.value == 1, "err=%ld value=%ld", r.error,
		   r.value);
	r = fwft_set(SBI_FWFT_MISALIGNED_EXC_DELEG, 0, 0);
	f = misaligned_load(&val);
	probe_line("fwft.misaligned_undelegated_again",
		   r.error == 0 && !f.taken && val == want, "err=%ld trap=%s",
		   r.error, f.taken ? trap_cause_name(f.scause) : "none");
}

/* Sv39 (Privileged spec "Sv39"): 1 GiB leaves in the root table, VPN[2]
 * = va[38:30]; satp MODE 8. */
#define SV39_GIGA_SHIFT 30
#define SATP_MODE_SV39 (8UL << 60)
#define PTE_PPN_SHIFT 10
/* The alias: the gigapage of RAM the payload runs in, seen again one
 * gigapage higher through a leaf without A and D. */
#define AD_ALIAS_OFFSET (1UL << SV39_GIGA_SHIFT)

static unsigned long ad_root[512] __attribute__((aligned(4096)));
static volatile unsigned long ad_target;

/* One load through the alias with satp on, nothing else: no console
 * output (the UART is not mapped), the trap handler and the stack are in
 * the identity-mapped gigapage. Returns the exception, if any. */
static struct payload_fault ad_load_through_alias(void)
{
	uintptr_t pa = (uintptr_t)&ad_target;
	unsigned long giga = pa >> SV39_GIGA_SHIFT;
	struct payload_fault f;

	ad_root[giga] = ((giga << (SV39_GIGA_SHIFT - 12)) << PTE_PPN_SHIFT) |
			PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
	ad_root[giga + 1] =
		((giga << (SV39_GIGA_SHIFT - 12)) << PTE_PPN_SHIFT) | PTE_V |
		PTE_R | PTE_W;
	sfence_vma_all();
	csr_write(CSR_SATP, SATP_MODE_SV39 | ((uintptr_t)ad_root >> 12));
	sfence_vma_all();
	trap_expect();
	(void)*(volatile unsigned long *)(pa + AD_ALIAS_OFFSET);
	f = trap_result();
	csr_write(CSR_SATP, 0);
	sfence_vma_all();
	return f;
}

/* PTE_AD_HW_UPDATING as the hart sees it: with 1 a load through a leaf
 * without A sets A (Svadu); with 0 it raises a load page fault (Svade). */
static void check_ad_hardware(void)
{
	uintptr_t alias = (uintptr_t)&ad_target + AD_ALIAS_OFFSET;
	unsigned long giga = (uintptr_t)&ad_target >> SV39_GIGA_SHIFT;
	struct sbiret r1, r0, back;
	struct payload_fault f1, f0;
	bool a_set;
	long was;

	if (giga + 1 >= 256) {
		/* Sv39's upper half is sign-extended: no room above */
		probe_line("fwft.pte_ad_hardware", true, "skipped=layout");
		return;
	}
	was = fwft_get(SBI_FWFT_PTE_AD_HW_UPDATING).value;
	r1 = fwft_set(SBI_FWFT_PTE_AD_HW_UPDATING, 1, 0);
	f1 = ad_load_through_alias();
	a_set = (ad_root[giga + 1] & PTE_A) != 0;
	r0 = fwft_set(SBI_FWFT_PTE_AD_HW_UPDATING, 0, 0);
	f0 = ad_load_through_alias();
	back = fwft_set(SBI_FWFT_PTE_AD_HW_UPDATING, (unsigned long)was, 0);
	probe_line("fwft.pte_ad_hardware_on",
		   r1.error == 0 && !f1.taken && a_set,
		   "err=%ld trap=%s a_set=%d", r1.error,
		   f1.taken ? trap_cause_name(f1.scause) : "none", a_set);
	probe_line("fwft.pte_ad_hardware_off",
		   r0.error == 0 && back.error == 0 && f0.taken &&
			   f0.scause == EXC_LOAD_PAGE_FAULT &&
			   f0.stval == alias,
		   "err=%ld trap=%s stval_ok=%d", r0.error,
		   f0.taken ? trap_cause_name(f0.scause) : "none",
		   f0.stval == alias);
}

/* The first supported boolean feature other than misaligned delegation
 * (its reset value may be anything): toggled and read back. */
static void check_toggle(void)
{
	struct sbiret r = fwft_get(SBI_FWFT_PTE_AD_HW_UPDATING), r0, r1, g0, g1,
		      back;
	unsigned long was;

	if (r.error != SBI_SUCCESS) {
		probe_line("fwft.pte_ad_toggle",
			   r.error == SBI_ERR_NOT_SUPPORTED, "skipped=err%ld",
			   r.error);
		return;
	}
	was = (unsigned long)r.value;
	r0 = fwft_set(SBI_FWFT_PTE_AD_HW_UPDATING, 0, 0);
	g0 = fwft_get(SBI_FWFT_PTE_AD_HW_UPDATING);
	r1 = fwft_set(SBI_FWFT_PTE_AD_HW_UPDATING, 1, 0);
	g1 = fwft_get(SBI_FWFT_PTE_AD_HW_UPDATING);
	back = fwft_set(SBI_FWFT_PTE_AD_HW_UPDATING, was, 0);
	probe_line("fwft.pte_ad_toggle",
		   r0.error == 0 && g0.error == 0 && g0.value == 0 &&
			   r1.error == 0 && g1.error == 0 && g1.value == 1 &&
			   back.error == 0,
		   "set0=%ld get0=%ld set1=%ld get1=%ld", r0.error, g0.value,
		   r1.error, g1.value);
}

/* POINTER_MASKING_PMLEN where the SBI offers it (L0 on a host with
 * Ssnpm): "N: enable pointer masking with PMLEN >= N" and get returns
 * the actual PMLEN ("Firmware Features Set/Get"); a PMLEN the hart lacks
 * is SBI_ERR_INVALID_PARAM. impl.* lines: OpenSBI 1.5.1 has no PMLEN.
 * Only the SBI side is checked: on QEMU 10 (-cpu rv64,ssnpm=true) a load
 * of this payload's (VS-mode, vsatp Bare) through a pointer tagged in its
 * top 7 bits still faulted with PMLEN 7 (measured), so whether masking
 * applies to guest-physical addresses is left out. */
static void check_pmlen(void)
{
	struct sbiret r, g;

	r = fwft_set(SBI_FWFT_POINTER_MASKING_PMLEN, 7, 0);
	g = fwft_get(SBI_FWFT_POINTER_MASKING_PMLEN);
	probe_line("impl.fwft_pmlen_set7",
		   r.error == 0 && g.error == 0 &&
			   (g.value == 7 || g.value == 16),
		   "err=%ld get=%ld", r.error, g.value);
	/* 8: 16 if the hart has it, else no PMLEN >= 8 */
	r = fwft_set(SBI_FWFT_POINTER_MASKING_PMLEN, 8, 0);
	g = fwft_get(SBI_FWFT_POINTER_MASKING_PMLEN);
	probe_line("impl.fwft_pmlen_set8",
		   (r.error == 0 && g.value == 16) ||
			   (r.error == SBI_ERR_INVALID_PARAM && g.value == 7),
		   "err=%ld get=%ld", r.error, g.value);
	expect("impl.fwft_pmlen_set17",
	       fwft_set(SBI_FWFT_POINTER_MASKING_PMLEN, 17, 0),
	       SBI_ERR_INVALID_PARAM);
	r = fwft_set(SBI_FWFT_POINTER_MASKING_PMLEN, 0, 0);
	g = fwft_get(SBI_FWFT_POINTER_MASKING_PMLEN);
	probe_line("impl.fwft_pmlen_set0",
		   r.error == 0 && g.error == 0 && g.value == 0,
		   "err=%ld get=%ld", r.error, g.value);
}

void check_fwft(long impl_id)
{
	struct sbiret r;
	char id[64];

	r = sbi_ecall(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_FWFT, 0, 0, 0,
		      0, 0);
	probe_line("probe.fwft", r.error == 0 && r.value != 0,
		   "err=%ld value=%ld", r.error, r.value);
	if (r.error != 0 || r.value == 0)
		return;

	/* Each defined feature: supported (a value) or NOT_SUPPORTED, with
	 * value 0 on failure ("Firmware Features Get"). Both machines run
	 * the same -cpu, so the answers must agree. */
	for (unsigned i = 0; i < sizeof(fwft_defined) / sizeof(fwft_defined[0]);
	     i++) {
		r = fwft_get(fwft_defined[i].feature);
		probe_line(fwft_defined[i].id,
			   (r.error == 0 && r.value >= 0) ||
				   (r.error == SBI_ERR_NOT_SUPPORTED &&
				    r.value == 0),
			   "err=%ld value=%ld", r.error, r.value);
		/* a defined feature the platform lacks cannot be set
		 * either, whatever the value and flags */
		if (r.error == SBI_ERR_NOT_SUPPORTED) {
			snprintf(id, sizeof(id), "%s_set", fwft_defined[i].id);
			expect(id, fwft_set(fwft_defined[i].feature, 1, 0),
			       SBI_ERR_NOT_SUPPORTED);
		}
	}
	/* POINTER_MASKING_PMLEN came after OpenSBI 1.5.1, which does not
	 * know the ID (DENIED); L0 knows it (NOT_SUPPORTED without Ssnpm,
	 * else a length). sbi-nested/README.md. */
	r = fwft_get(SBI_FWFT_POINTER_MASKING_PMLEN);
	probe_line("impl.fwft_pointer_masking",
		   (r.error == 0 &&
		    (r.value == 0 || r.value == 7 || r.value == 16)) ||
			   r.error == SBI_ERR_NOT_SUPPORTED ||
			   (impl_id == IMPL_ID_OPENSBI &&
			    r.error == SBI_ERR_DENIED),
		   "err=%ld value=%ld", r.error, r.value);
	if (r.error == 0)
		check_pmlen();

	for (unsigned i = 0; i < sizeof(fwft_denied) / sizeof(fwft_denied[0]);
	     i++) {
		struct sbiret g = fwft_get(fwft_denied[i].feature);
		struct sbiret s = fwft_set(fwft_denied[i].feature, 0, 0);

		probe_line(fwft_denied[i].id,
			   g.error == SBI_ERR_DENIED && g.value == 0 &&
				   s.error == SBI_ERR_DENIED,
			   "get=%ld set=%ld", g.error, s.error);
	}
	/* uint32_t feature: the upper half of a0 is not part of it */
	r = fwft_get((1UL << 32) | SBI_FWFT_MISALIGNED_EXC_DELEG);
	probe_line("fwft.feature_upper_bits_ignored", r.error == 0, "err=%ld",
		   r.error);
	expect("fwft.unknown_fid", sbi_ecall(SBI_EXT_FWFT, 2, 0, 0, 0, 0, 0, 0),
	       SBI_ERR_NOT_SUPPORTED);

	if (fwft_get(SBI_FWFT_MISALIGNED_EXC_DELEG).error == SBI_SUCCESS) {
		/* BIT[XLEN-1:1] of flags reserved; values 0 and 1 only */
		expect("fwft.set_reserved_flag",
		       fwft_set(SBI_FWFT_MISALIGNED_EXC_DELEG, 0, 2),
		       SBI_ERR_INVALID_PARAM);
		expect("fwft.set_bad_value",
		       fwft_set(SBI_FWFT_MISALIGNED_EXC_DELEG, 2, 0),
		       SBI_ERR_INVALID_PARAM);
	}
	check_misaligned();
	check_toggle();
	if (fwft_get(SBI_FWFT_PTE_AD_HW_UPDATING).error == SBI_SUCCESS)
		check_ad_hardware();

	/* LOCK, last: it lasts until this hart is reset. Locked at the
	 * reset value 0 ("Implementation-defined": both machines have 0),
	 * so the rest of the run sees no change. */
	r = fwft_set(SBI_FWFT_MISALIGNED_EXC_DELEG, 0, SBI_FWFT_SET_FLAG_LOCK);
	if (r.error == SBI_ERR_NOT_SUPPORTED) {
		probe_line("fwft.lock", true, "skipped=not_supported");
		return;
	}
	expect("fwft.lock", r, SBI_SUCCESS);
	expect("fwft.locked_set", fwft_set(SBI_FWFT_MISALIGNED_EXC_DELEG, 1, 0),
	       SBI_ERR_DENIED);
	expect("fwft.locked_same_value",
	       fwft_set(SBI_FWFT_MISALIGNED_EXC_DELEG, 0, 0), SBI_ERR_DENIED);
	expect("fwft.locked_relock",
	       fwft_set(SBI_FWFT_MISALIGNED_EXC_DELEG, 0,
			SBI_FWFT_SET_FLAG_LOCK),
	       SBI_ERR_DENIED);
	r = fwft_get(SBI_FWFT_MISALIGNED_EXC_DELEG);
	probe_line("fwft.locked_get", r.error == 0 && r.value == 0,
		   "err=%ld value=%ld", r.error, r.value);
}
