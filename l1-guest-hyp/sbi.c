/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SBI that l1-guest-hyp implements for L2 (SBI v2.0 subset): BASE,
 * TIME, IPI, SRST, DBCN, legacy console putchar, and the rvnest
 * experimental extension. One descriptor per extension in one table; a
 * handler returns the SBI error L2 sees (SBI_ERR_*) and its value, kept
 * apart from L1's own exit outcome.
 */
#include "l1.h"

#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/sbi.h>

#define SBI_SPEC_V2_0 (2ul << SBI_SPEC_VERSION_MAJOR_SHIFT)
/* Implementation ID: not a registered one (the SBI spec's table lists the
 * registered implementations); an experimental value for rvnest's L1. */
#define L1_SBI_IMPL_ID 0x52564e31ul /* "RVN1" */
#define L1_SBI_IMPL_VERSION 1
#define HART_MASK_BITS (8 * sizeof(unsigned long))
#define L1_DBCN_CHUNK 256

/* What one SBI call did, as seen by the guest and by L1. */
struct l1_sbi_ret {
	long error;
	unsigned long value;
	enum l1_exit exit; /* RESUME, or SHUTDOWN/FAILED from L1's side */
};

struct l1_sbi_ext {
	const char *name;
	unsigned long eid_min, eid_max;
	struct l1_sbi_ret (*handler)(struct l1_vcpu *v, unsigned long fid,
				     const unsigned long *a);
};

static struct l1_sbi_ret ok(unsigned long value)
{
	return (struct l1_sbi_ret){SBI_SUCCESS, value, L1_EXIT_RESUME};
}

static struct l1_sbi_ret err(long e)
{
	return (struct l1_sbi_ret){e, 0, L1_EXIT_RESUME};
}

static const struct l1_sbi_ext *find_ext(unsigned long eid);

/* ---- BASE ----------------------------------------------------------- */
static struct l1_sbi_ret base(struct l1_vcpu *v, unsigned long fid,
			      const unsigned long *a)
{
	(void)v;
	switch (fid) {
	case SBI_BASE_GET_SPEC_VERSION:
		return ok(SBI_SPEC_V2_0);
	case SBI_BASE_GET_IMPL_ID:
		return ok(L1_SBI_IMPL_ID);
	case SBI_BASE_GET_IMPL_VERSION:
		return ok(L1_SBI_IMPL_VERSION);
	case SBI_BASE_PROBE_EXT:
		return ok(find_ext(a[0]) ? 1 : 0);
	case SBI_BASE_GET_MVENDORID:
	case SBI_BASE_GET_MARCHID:
	case SBI_BASE_GET_MIMPID:
		/* "0 is always a legal value" for these (SBI Base). */
		return ok(0);
	default:
		return err(SBI_ERR_NOT_SUPPORTED);
	}
}

/* ---- TIME ----------------------------------------------------------- */
static struct l1_sbi_ret time_ext(struct l1_vcpu *v, unsigned long fid,
				  const unsigned long *a)
{
	(void)v;
	if (fid != SBI_TIME_SET_TIMER)
		return err(SBI_ERR_NOT_SUPPORTED);
	l1_vtimer_set(a[0]);
	return ok(0);
}

/* ---- IPI: L2's harts are its vCPUs, ids 0 .. l1_nvcpus - 1 ---------- */
#define SBI_HART_MASK_BASE_ALL (~0ul) /* "hart_mask_base = -1": all harts */

/* The L2 harts a hart mask names (SBI spec "Hart list parameter"), as a
 * bit per vCPU; false if it names one that does not exist. */
static bool hart_mask_vcpus(unsigned long mask, unsigned long base_id,
			    unsigned long *vcpus)
{
	*vcpus = 0;
	if (base_id == SBI_HART_MASK_BASE_ALL) {
		*vcpus = (1ul << l1_nvcpus) - 1;
		return true;
	}
	for (unsigned i = 0; i < HART_MASK_BITS; i++) {
		if (!(mask & (1ul << i)))
			continue;
		/* any hart that is not one of L2's is invalid */
		if (base_id + i < base_id || base_id + i >= l1_nvcpus)
			return false;
		*vcpus |= 1ul << (base_id + i);
	}
	return true;
}

static struct l1_sbi_ret ipi(struct l1_vcpu *v, unsigned long fid,
			     const unsigned long *a)
{
	unsigned long vcpus;

	if (fid != SBI_IPI_SEND_IPI)
		return err(SBI_ERR_NOT_SUPPORTED);
	if (!hart_mask_vcpus(a[0], a[1], &vcpus))
		return err(SBI_ERR_INVALID_PARAM);
	for (unsigned i = 0; i < l1_nvcpus; i++) {
		if (!(vcpus & (1ul << i)))
			continue;
		if (i == v->hartid)
			l1_inject_ipi();
		else
			l1_smp_send_ipi(v, i);
	}
	return ok(0);
}

/* ---- HSM: start and status of L2's vCPUs (smp.c) --------------------- */
static struct l1_sbi_ret hsm(struct l1_vcpu *v, unsigned long fid,
			     const unsigned long *a)
{
	unsigned long state;
	long e;

	(void)v;
	switch (fid) {
	case SBI_HSM_HART_START:
		e = l1_smp_hart_start(a[0], a[1], a[2]);
		return e ? err(e) : ok(0);
	case SBI_HSM_HART_GET_STATUS:
		e = l1_smp_hart_status(a[0], &state);
		return e ? err(e) : ok(state);
	default:
		/* stop and suspend: L2's vCPUs run until the run ends */
		return err(SBI_ERR_NOT_SUPPORTED);
	}
}

/* ---- RFENCE: FENCE.I and SFENCE.VMA on L2's vCPUs (smp.c) ------------ */
static struct l1_sbi_ret rfence(struct l1_vcpu *v, unsigned long fid,
				const unsigned long *a)
{
	unsigned long vcpus, start = a[2], size = a[3];

	switch (fid) {
	case SBI_RFENCE_REMOTE_FENCE_I:
	case SBI_RFENCE_REMOTE_SFENCE_VMA:
	case SBI_RFENCE_REMOTE_SFENCE_VMA_ASID:
		break;
	default:
		/* the HFENCE calls: "only valid for harts implementing the
		 * hypervisor extension", which L2's do not */
		return err(SBI_ERR_NOT_SUPPORTED);
	}
	if (!hart_mask_vcpus(a[0], a[1], &vcpus))
		return err(SBI_ERR_INVALID_PARAM);
	/* a range that wraps names no addresses (SBI spec RFENCE) */
	if (fid != SBI_RFENCE_REMOTE_FENCE_I && size && size != ~0ul &&
	    size - 1 > ~0ul - start)
		return err(SBI_ERR_INVALID_ADDRESS);
	for (unsigned i = 0; i < l1_nvcpus; i++) {
		long e;

		if (!(vcpus & (1ul << i)))
			continue;
		e = l1_smp_remote_sfence(v, i, fid, start, size, a[4]);
		if (e)
			return err(e);
	}
	return ok(0);
}

/* ---- SRST ----------------------------------------------------------- */
static struct l1_sbi_ret srst(struct l1_vcpu *v, unsigned long fid,
			      const unsigned long *a)
{
	unsigned long type = a[0], reason = a[1];

	if (fid != SBI_SRST_SYSTEM_RESET)
		return err(SBI_ERR_NOT_SUPPORTED);
	if (type > SBI_SRST_TYPE_WARM_REBOOT)
		return err(SBI_ERR_INVALID_PARAM);
	if (reason > SBI_SRST_REASON_SYSFAIL)
		return err(SBI_ERR_INVALID_PARAM);
	/* Shutdown and reboot both end the run: L1 hosts one guest run. */
	v->shutdown_reason = reason;
	return (struct l1_sbi_ret){SBI_SUCCESS, 0, L1_EXIT_SHUTDOWN};
}

/* ---- DBCN: guest buffers are GPAs, read through L1's G-stage --------- */
static bool dbcn_write_gpa(uint64_t gpa, unsigned long len)
{
	char buf[L1_DBCN_CHUNK];

	while (len) {
		unsigned long n = 0;

		while (n < len && n < sizeof(buf)) {
			uint64_t pa;

			if (!l1_gpa_to_pa(gpa + n, PT_ACCESS_READ, &pa))
				return false;
			buf[n] = *(const volatile char *)(uintptr_t)pa;
			n++;
		}
		printf("%.*s", (int)n, buf);
		gpa += n;
		len -= n;
	}
	return true;
}

static struct l1_sbi_ret dbcn(struct l1_vcpu *v, unsigned long fid,
			      const unsigned long *a)
{
	bool okay;

	(void)v;
	switch (fid) {
	case SBI_DBCN_CONSOLE_WRITE:
		/* a1/a2 = low/high address bits; high must be 0 on RV64. */
		if (a[2] != 0)
			return err(SBI_ERR_INVALID_PARAM);
		/* one vCPU at a time on L1's console buffer */
		l1_console_lock();
		okay = dbcn_write_gpa(a[1], a[0]);
		l1_console_unlock();
		if (!okay)
			return err(SBI_ERR_INVALID_PARAM);
		return ok(a[0]);
	case SBI_DBCN_CONSOLE_WRITE_BYTE:
		l1_console_lock();
		putchar((unsigned char)a[0]);
		l1_console_unlock();
		return ok(0);
	default:
		return err(SBI_ERR_NOT_SUPPORTED);
	}
}

/* ---- legacy console putchar (SBI v0.1), for minimal guests ----------- */
static struct l1_sbi_ret legacy_putchar(struct l1_vcpu *v, unsigned long fid,
					const unsigned long *a)
{
	(void)v;
	(void)fid;
	l1_console_lock();
	putchar((unsigned char)a[0]);
	l1_console_unlock();
	return ok(0);
}

/* ---- rvnest: NOP, BENCH_BEGIN, BENCH_END ----------------------------- */
static struct l1_sbi_ret rvnest(struct l1_vcpu *v, unsigned long fid,
				const unsigned long *a)
{
	long e;

	switch (fid) {
	case SBI_RVNEST_NOP:
		return ok(0);
	case SBI_RVNEST_BENCH_BEGIN:
		e = l1_bench_begin(v, a[0]);
		break;
	case SBI_RVNEST_BENCH_END:
		e = l1_bench_end(v, a);
		break;
	default:
		return err(SBI_ERR_NOT_SUPPORTED);
	}
	if (e == SBI_SUCCESS)
		return ok(0);
	if (v->fail_msg)
		return (struct l1_sbi_ret){e, 0, L1_EXIT_FAILED};
	return err(e);
}

static const struct l1_sbi_ext extensions[] = {
	{"base", SBI_EXT_BASE, SBI_EXT_BASE, base},
	{"time", SBI_EXT_TIME, SBI_EXT_TIME, time_ext},
	{"ipi", SBI_EXT_IPI, SBI_EXT_IPI, ipi},
	{"hsm", SBI_EXT_HSM, SBI_EXT_HSM, hsm},
	{"rfence", SBI_EXT_RFENCE, SBI_EXT_RFENCE, rfence},
	{"srst", SBI_EXT_SRST, SBI_EXT_SRST, srst},
	{"dbcn", SBI_EXT_DBCN, SBI_EXT_DBCN, dbcn},
	{"legacy_putchar", SBI_EXT_LEGACY_CONSOLE_PUTCHAR,
	 SBI_EXT_LEGACY_CONSOLE_PUTCHAR, legacy_putchar},
	{"rvnest", SBI_EXT_RVNEST, SBI_EXT_RVNEST, rvnest},
};

static const struct l1_sbi_ext *find_ext(unsigned long eid)
{
	for (unsigned i = 0; i < sizeof(extensions) / sizeof(extensions[0]);
	     i++)
		if (eid >= extensions[i].eid_min &&
		    eid <= extensions[i].eid_max)
			return &extensions[i];
	return NULL;
}

enum l1_exit l1_sbi_call(struct l1_vcpu *v)
{
	const struct l1_sbi_ext *ext = find_ext(v->gpr[L1_REG_A7]);
	struct l1_sbi_ret r;

	/* ECALL does not advance the pc: return past it (4 bytes; there is
	 * no compressed ECALL). */
	v->sepc += 4;
	if (!ext) {
		r = err(SBI_ERR_NOT_SUPPORTED);
	} else {
		r = ext->handler(v, v->gpr[L1_REG_A6], &v->gpr[L1_REG_A0]);
	}
	/* Legacy extensions return only a0 (SBI v0.1); a1 is preserved. */
	v->gpr[L1_REG_A0] = (unsigned long)r.error;
	if (!ext || ext->eid_max >= SBI_EXT_BASE)
		v->gpr[L1_REG_A1] = r.value;
	return r.exit;
}
