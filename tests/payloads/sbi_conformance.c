/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sbi-conformance: an S-mode payload that checks the SBI below it (OpenSBI,
 * or L0's sbi-nested) against the SBI specification v2.0, one
 * `RVNEST probe id=<check> ok=<0|1> err=.. value=..` line per check.
 *
 * The harness runs it on OpenSBI and on L0 and compares the lines; values
 * that legitimately differ between implementations are printed under ids
 * that start with `impl.` (implementation IDs and versions, machine IDs, the
 * rvnest extension), and the HFENCE checks under `hext.` because whether L1
 * has the H extension is a configuration choice of L0.
 */
#include "payload.h"
#include "sbi_conformance.h"

#include <stdio.h>
#include <string.h>
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/sbi.h>
#include <rvnest/trap_names.h>

const char payload_name[] = "sbi-conformance";

/* An EID in no range the SBI spec defines an extension for. */
#define EID_UNKNOWN 0x12345678UL
/* A function ID beyond every extension's last one. */
#define FID_UNKNOWN 100UL
/* a1 marker for the legacy calls: they return a0 only (SBI spec "Legacy
 * Extensions"), so it must come back unchanged. */
#define LEGACY_A1_MARKER 0x5a5a5a5aUL

/* SBI spec "SBI Implementation IDs": 1 = OpenSBI */
#define SBI_IMPL_ID_OPENSBI 1L
/* QEMU virt's CLINT (hw/riscv/virt.c, virt_memmap[VIRT_CLINT]): M-mode's
 * timer and software-interrupt device, memory S-mode does not own. */
#define QEMU_VIRT_CLINT_BASE 0x2000000UL

extern char _start[];

static const struct payload_info *mi;
static long impl_id;

static struct sbiret call(unsigned long eid, unsigned long fid,
			  unsigned long a0, unsigned long a1, unsigned long a2)
{
	return sbi_ecall(eid, fid, a0, a1, a2, 0, 0, 0);
}

static unsigned long max_hartid(void)
{
	unsigned long m = 0;

	for (unsigned i = 0; i < mi->nharts; i++)
		if (mi->harts[i] > m)
			m = mi->harts[i];
	return m;
}

/* Poll sip for `bit` for at most `ms` milliseconds of the time CSR. */
static bool wait_sip(unsigned long bit, unsigned long ms)
{
	unsigned long ticks = mi->timebase_hz / 1000 * ms;
	unsigned long t0 = rd_time();

	while (!(csr_read(CSR_SIP) & bit))
		if (rd_time() - t0 > ticks)
			return false;
	return true;
}

/* Enable interrupt `irq` with sstatus.SIE until its handler ran once more
 * (at most `ms` ms); true when it did. */
static bool take_irq(unsigned irq, unsigned long ms)
{
	unsigned long before = irq_count(irq);
	unsigned long ticks = mi->timebase_hz / 1000 * ms;
	unsigned long t0 = rd_time();
	bool taken;

	csr_set(CSR_SIE, BIT(irq));
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	while (irq_count(irq) == before && rd_time() - t0 <= ticks)
		;
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_clear(CSR_SIE, BIT(irq));
	taken = irq_count(irq) != before;
	return taken;
}

static void expect_err(const char *id, struct sbiret r, long want)
{
	probe_line(id, r.error == want, "err=%ld want=%ld", r.error, want);
}

/* ---- Base ---------------------------------------------------------------- */
static const struct {
	const char *id;
	unsigned long eid;
} std_exts[] = {
	{"probe.base", SBI_EXT_BASE},
	{"probe.time", SBI_EXT_TIME},
	{"probe.ipi", SBI_EXT_IPI},
	{"probe.rfence", SBI_EXT_RFENCE},
	{"probe.hsm", SBI_EXT_HSM},
	{"probe.srst", SBI_EXT_SRST},
	{"probe.dbcn", SBI_EXT_DBCN},
	{"probe.legacy_set_timer", SBI_EXT_LEGACY_SET_TIMER},
	{"probe.legacy_putchar", SBI_EXT_LEGACY_CONSOLE_PUTCHAR},
	{"probe.legacy_getchar", SBI_EXT_LEGACY_CONSOLE_GETCHAR},
	{"probe.legacy_clear_ipi", SBI_EXT_LEGACY_CLEAR_IPI},
	{"probe.legacy_send_ipi", SBI_EXT_LEGACY_SEND_IPI},
	{"probe.legacy_fence_i", SBI_EXT_LEGACY_REMOTE_FENCE_I},
	{"probe.legacy_sfence_vma", SBI_EXT_LEGACY_REMOTE_SFENCE_VMA},
	{"probe.legacy_sfence_vma_asid", SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID},
	{"probe.legacy_shutdown", SBI_EXT_LEGACY_SHUTDOWN},
};

static void check_base(void)
{
	struct sbiret r;
	unsigned long major, minor;

	r = call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);
	major = (unsigned long)r.value >> SBI_SPEC_VERSION_MAJOR_SHIFT;
	minor = (unsigned long)r.value & SBI_SPEC_VERSION_MINOR_MASK;
	/* OpenSBI 1.5 and L0 both implement SBI 2.0 */
	probe_line("base.spec_version",
		   r.error == 0 && major == 2 && minor == 0,
		   "err=%ld major=%lu minor=%lu", r.error, major, minor);

	for (unsigned i = 0; i < sizeof(std_exts) / sizeof(std_exts[0]); i++) {
		r = call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, std_exts[i].eid, 0,
			 0);
		/* available: 1 or an extension-specific non-zero value */
		probe_line(std_exts[i].id, r.error == 0 && r.value != 0,
			   "err=%ld value=%ld", r.error, r.value);
	}
	r = call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, EID_UNKNOWN, 0, 0);
	probe_line("probe.unknown", r.error == 0 && r.value == 0,
		   "err=%ld value=%ld", r.error, r.value);
	r = call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_RVNEST, 0, 0);
	probe_line("impl.probe_rvnest", r.error == 0, "err=%ld value=%ld",
		   r.error, r.value);

	static const struct {
		const char *id;
		unsigned long fid;
	} ids[] = {
		{"impl.impl_id", SBI_BASE_GET_IMPL_ID},
		{"impl.impl_version", SBI_BASE_GET_IMPL_VERSION},
		{"impl.mvendorid", SBI_BASE_GET_MVENDORID},
		{"impl.marchid", SBI_BASE_GET_MARCHID},
		{"impl.mimpid", SBI_BASE_GET_MIMPID},
	};
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		r = call(SBI_EXT_BASE, ids[i].fid, 0, 0, 0);
		if (ids[i].fid == SBI_BASE_GET_IMPL_ID)
			impl_id = r.value;
		probe_line(ids[i].id, r.error == 0, "err=%ld value=0x%lx",
			   r.error, (unsigned long)r.value);
	}
}

/* ---- unknown IDs ------------------------------------------------------------
 */
static void check_unknown_ids(void)
{
	static const struct {
		const char *id;
		unsigned long eid;
	} exts[] = {
		{"unknown_fid.base", SBI_EXT_BASE},
		{"unknown_fid.time", SBI_EXT_TIME},
		{"unknown_fid.ipi", SBI_EXT_IPI},
		{"unknown_fid.rfence", SBI_EXT_RFENCE},
		{"unknown_fid.hsm", SBI_EXT_HSM},
		{"unknown_fid.srst", SBI_EXT_SRST},
		{"unknown_fid.dbcn", SBI_EXT_DBCN},
	};

	/* "An ECALL with an unsupported SBI extension ID (EID) or an
	 * unsupported SBI function ID (FID) must return the error code
	 * SBI_ERR_NOT_SUPPORTED" (SBI spec "Binary Encoding"). */
	expect_err("unknown_eid", call(EID_UNKNOWN, 0, 0, 0, 0),
		   SBI_ERR_NOT_SUPPORTED);
	expect_err("unknown_eid.experimental",
		   call(SBI_EXT_EXPERIMENTAL_START, 0, 0, 0, 0),
		   SBI_ERR_NOT_SUPPORTED);
	for (unsigned i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		expect_err(exts[i].id, call(exts[i].eid, FID_UNKNOWN, 0, 0, 0),
			   SBI_ERR_NOT_SUPPORTED);
}

/* ---- TIME -------------------------------------------------------------------
 */
static void check_time(void)
{
	unsigned long ms = mi->timebase_hz / 1000;
	struct sbiret r;
	bool pending, cleared, taken;

	/* The timer fires: STIP becomes pending (interrupts off). */
	r = call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, rd_time() + ms, 0, 0);
	pending = wait_sip(MIP_STIP, 1000);
	probe_line("time.fires", r.error == 0 && pending, "err=%ld pending=%d",
		   r.error, pending);

	/* Programming a future event clears the pending interrupt (SBI
	 * spec TIME "Set Timer"). */
	r = call(SBI_EXT_TIME, SBI_TIME_SET_TIMER,
		 rd_time() + 10 * mi->timebase_hz, 0, 0);
	cleared = !(csr_read(CSR_SIP) & MIP_STIP);
	probe_line("time.clears", r.error == 0 && cleared, "err=%ld cleared=%d",
		   r.error, cleared);

	/* ... and with sie.STIE and sstatus.SIE it is taken as a trap. */
	r = call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, rd_time() + ms, 0, 0);
	taken = take_irq(IRQ_S_TIMER, 1000);
	probe_line("time.interrupt", r.error == 0 && taken, "err=%ld taken=%d",
		   r.error, taken);
	sbi_set_timer(~0UL);
}

/* ---- IPI --------------------------------------------------------------------
 */
static void check_ipi(void)
{
	struct sbiret r;
	bool pending, taken;

	r = call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, mi->hartid, 0);
	pending = wait_sip(MIP_SSIP, 1000);
	taken = take_irq(IRQ_S_SOFT, 1000);
	probe_line("ipi.self", r.error == 0 && pending && taken,
		   "err=%ld pending=%d taken=%d", r.error, pending, taken);

	/* hart_mask_base = -1: every hart, this one included */
	r = call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0, ~0UL, 0);
	pending = wait_sip(MIP_SSIP, 1000);
	csr_clear(CSR_SIP, MIP_SSIP);
	probe_line("ipi.all", r.error == 0 && pending, "err=%ld pending=%d",
		   r.error, pending);

	/* a hart that does not exist: "Hart Mask Errors" */
	expect_err("ipi.nohart",
		   call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, max_hartid() + 1, 0),
		   SBI_ERR_INVALID_PARAM);
	/* A mask bit naming a hart that does not exist, from a valid base:
	 * the spec says INVALID_PARAM; OpenSBI 1.5.1 checks only the base
	 * and ignores the bit (SUCCESS). sbi-nested follows the spec. */
	r = call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 2, max_hartid(), 0);
	csr_clear(CSR_SIP, MIP_SSIP);
	probe_line("impl.ipi_mask_beyond",
		   r.error == SBI_ERR_INVALID_PARAM ||
			   (impl_id == SBI_IMPL_ID_OPENSBI && r.error == 0),
		   "err=%ld", r.error);
}

/* ---- RFENCE -----------------------------------------------------------------
 */
static void check_rfence(void)
{
	unsigned long mask = 1, base = mi->hartid;
	unsigned long va = (unsigned long)_start;
	long want_h = mi->has_h ? SBI_SUCCESS : SBI_ERR_NOT_SUPPORTED;

	expect_err(
		"rfence.fence_i",
		call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I, mask, base, 0),
		SBI_SUCCESS);
	expect_err("rfence.sfence_vma_all",
		   sbi_ecall(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, mask,
			     base, 0, 0, 0, 0),
		   SBI_SUCCESS);
	expect_err("rfence.sfence_vma_range",
		   sbi_ecall(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, mask,
			     base, va, PAGE_SIZE, 0, 0),
		   SBI_SUCCESS);
	expect_err("rfence.sfence_vma_asid",
		   sbi_ecall(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA_ASID,
			     mask, base, 0, ~0UL, 1, 0),
		   SBI_SUCCESS);
	expect_err("rfence.nohart",
		   sbi_ecall(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 1,
			     max_hartid() + 1, 0, 0, 0, 0),
		   SBI_ERR_INVALID_PARAM);

	/* HFENCE: "only valid for harts implementing hypervisor extension",
	 * NOT_SUPPORTED otherwise. */
	expect_err("hext.hfence_gvma",
		   sbi_ecall(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_HFENCE_GVMA,
			     mask, base, 0, 0, 0, 0),
		   want_h);
	expect_err("hext.hfence_gvma_vmid",
		   sbi_ecall(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_HFENCE_GVMA_VMID,
			     mask, base, 0, 0, 1, 0),
		   want_h);
	expect_err("hext.hfence_vvma",
		   sbi_ecall(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_HFENCE_VVMA,
			     mask, base, 0, 0, 0, 0),
		   want_h);
	expect_err("hext.hfence_vvma_asid",
		   sbi_ecall(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_HFENCE_VVMA_ASID,
			     mask, base, 0, 0, 1, 0),
		   want_h);
}

/* ---- HSM --------------------------------------------------------------------
 */
static void check_hsm(void)
{
	unsigned long entry = (unsigned long)_start;
	struct sbiret r;
	bool pending;

	r = call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, mi->hartid, 0, 0);
	probe_line("hsm.status_self",
		   r.error == 0 && r.value == SBI_HSM_STATE_STARTED,
		   "err=%ld value=%ld", r.error, r.value);
	expect_err("hsm.status_nohart",
		   call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, max_hartid() + 1,
			0, 0),
		   SBI_ERR_INVALID_PARAM);
	expect_err("hsm.start_self",
		   call(SBI_EXT_HSM, SBI_HSM_HART_START, mi->hartid, entry, 0),
		   SBI_ERR_ALREADY_AVAILABLE);
	expect_err("hsm.start_nohart",
		   call(SBI_EXT_HSM, SBI_HSM_HART_START, max_hartid() + 1,
			entry, 0),
		   SBI_ERR_INVALID_PARAM);
	/* A started hart and a start address outside RAM: the spec does
	 * not order the two errors, so either is conformant; the harness
	 * requires L0 to answer as OpenSBI does. */
	r = call(SBI_EXT_HSM, SBI_HSM_HART_START, mi->hartid, mi->ram_end, 0);
	probe_line("hsm.start_self_badaddr",
		   r.error == SBI_ERR_ALREADY_AVAILABLE ||
			   r.error == SBI_ERR_INVALID_ADDRESS,
		   "err=%ld", r.error);

	/* reserved suspend type: INVALID_PARAM */
	expect_err("hsm.suspend_reserved",
		   call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, 1, 0, 0),
		   SBI_ERR_INVALID_PARAM);
	/* Platform-specific and unimplemented: the spec says INVALID_PARAM;
	 * OpenSBI 1.5.1 answers NOT_SUPPORTED. sbi-nested follows the
	 * spec. */
	r = call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, 0x10000000, 0, 0);
	probe_line("impl.hsm_suspend_platform_unimplemented",
		   r.error == SBI_ERR_INVALID_PARAM ||
			   (impl_id == SBI_IMPL_ID_OPENSBI &&
			    r.error == SBI_ERR_NOT_SUPPORTED),
		   "err=%ld", r.error);
	/* Default non-retentive suspend: a start address S-mode cannot
	 * execute is INVALID_ADDRESS; a good one resumes there, after the
	 * timer wakes the hart, with a0 = hartid, a1 = opaque, satp = 0 and
	 * sstatus.SIE = 0 (SBI spec HSM "Hart Resume Register State"). */
	expect_err("hsm.suspend_non_retentive_badaddr",
		   call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND,
			SBI_HSM_SUSPEND_NON_RET_DEFAULT, QEMU_VIRT_CLINT_BASE,
			0),
		   SBI_ERR_INVALID_ADDRESS);
	{
		static struct payload_resume_ctx rctx;
		long rv;

		csr_set(CSR_SIE, MIP_STIP);
		sbi_set_timer(rd_time() + mi->timebase_hz / 1000);
		rv = payload_suspend_nonret(&rctx);
		csr_write(CSR_SIE, 0);
		sbi_set_timer(~0UL);
		probe_line("hsm.suspend_non_retentive",
			   rv == PAYLOAD_RESUMED && rctx.a0 == mi->hartid &&
				   rctx.a1 == (unsigned long)&rctx &&
				   rctx.satp == 0 &&
				   !(rctx.sstatus & SSTATUS_SIE),
			   "result=%ld a0_is_hartid=%d a1_is_opaque=%d "
			   "satp_zero=%d sie_clear=%d",
			   rv, rctx.a0 == mi->hartid,
			   rctx.a1 == (unsigned long)&rctx, rctx.satp == 0,
			   !(rctx.sstatus & SSTATUS_SIE));
	}
	/* Default retentive suspend returns SUCCESS once an interrupt is
	 * pending; sie.STIE with sstatus.SIE clear wakes without a trap. */
	csr_set(CSR_SIE, MIP_STIP);
	sbi_set_timer(rd_time() + mi->timebase_hz / 1000);
	r = call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_RET_DEFAULT,
		 0, 0);
	pending = (csr_read(CSR_SIP) & MIP_STIP) != 0;
	csr_clear(CSR_SIE, MIP_STIP);
	sbi_set_timer(~0UL);
	probe_line("hsm.suspend_retentive", r.error == 0 && pending,
		   "err=%ld woke_pending=%d", r.error, pending);
}

/* ---- HSM on a second hart --------------------------------------------------
 */
/* What the started hart saw, written by it, read by the boot hart. */
static struct {
	unsigned long arrivals; /* times payload_secondary ran */
	unsigned long a0, a1, satp, sstatus;
	unsigned long saw_ipi;
	unsigned long release; /* set by the boot hart: stop now */
	long stop_error;       /* hart_stop returned: its error */
	/* FWFT at each arrival: misaligned delegation's value as found,
	 * then the error of setting it to 1 with LOCK ("until hart reset":
	 * the restart must find it reset and unlocked) */
	long fwft_value[2], fwft_lock_error[2];
} sec;
static unsigned char sec_stack[4096] __attribute__((aligned(16)));

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

void payload_secondary(unsigned long a0, unsigned long a1)
{
	unsigned long ticks = mi->timebase_hz * 2;
	unsigned long t0 = rd_time();
	struct sbiret r;

	sec.a0 = a0;
	sec.a1 = a1;
	sec.satp = csr_read(CSR_SATP);
	sec.sstatus = csr_read(CSR_SSTATUS);
	if (LOAD(sec.arrivals) < 2) {
		unsigned long n = LOAD(sec.arrivals);

		r = sbi_ecall(SBI_EXT_FWFT, SBI_FWFT_GET,
			      SBI_FWFT_MISALIGNED_EXC_DELEG, 0, 0, 0, 0, 0);
		sec.fwft_value[n] = r.error ? r.error : r.value;
		sec.fwft_lock_error[n] =
			sbi_ecall(SBI_EXT_FWFT, SBI_FWFT_SET,
				  SBI_FWFT_MISALIGNED_EXC_DELEG, 1,
				  SBI_FWFT_SET_FLAG_LOCK, 0, 0, 0)
				.error;
	}
	STORE(sec.arrivals, LOAD(sec.arrivals) + 1);
	/* wait (bounded) for the boot hart; note an IPI meanwhile */
	while (!LOAD(sec.release) && rd_time() - t0 < ticks) {
		if (csr_read(CSR_SIP) & MIP_SSIP) {
			csr_clear(CSR_SIP, MIP_SSIP);
			STORE(sec.saw_ipi, 1);
		}
	}
	STORE(sec.release, 0);
	/* "must be called with supervisor-mode interrupts disabled": they
	 * were never enabled on this hart. Returns only on failure. */
	r = call(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0);
	STORE(sec.stop_error, r.error);
}

static bool wait_status(unsigned long hart, long state, unsigned long ms)
{
	unsigned long ticks = mi->timebase_hz / 1000 * ms;
	unsigned long t0 = rd_time();

	while (call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, hart, 0, 0).value !=
	       state)
		if (rd_time() - t0 > ticks)
			return false;
	return true;
}

static bool wait_arrivals(unsigned long n, unsigned long ms)
{
	unsigned long ticks = mi->timebase_hz / 1000 * ms;
	unsigned long t0 = rd_time();

	while (LOAD(sec.arrivals) < n)
		if (rd_time() - t0 > ticks)
			return false;
	return true;
}

/* Wait (at most ms) for the other hart to set *flag. */
static bool wait_flag(unsigned long *flag, unsigned long ms)
{
	unsigned long ticks = mi->timebase_hz / 1000 * ms;
	unsigned long t0 = rd_time();

	while (!LOAD(*flag))
		if (rd_time() - t0 > ticks)
			return false;
	return true;
}

/* Start, observe, stop and restart one other hart: the HSM state machine
 * (SBI spec "HSM State Machine") and a cross-hart IPI. */
static void check_hsm_secondary(void)
{
	unsigned long target = mi->hartid;
	unsigned long entry = (unsigned long)payload_secondary_entry;
	unsigned long stack = (unsigned long)(sec_stack + sizeof(sec_stack));
	struct sbiret r;
	bool ok;

	for (unsigned i = 0; i < mi->nharts; i++)
		if (mi->harts[i] != mi->hartid) {
			target = mi->harts[i];
			break;
		}
	if (target == mi->hartid) {
		/* nothing to start: the line still appears, so that runs
		 * with one hart compare equal */
		probe_line("hsm.secondary", true, "skipped=single_hart");
		return;
	}

	r = call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, target, 0, 0);
	probe_line("hsm.secondary_stopped",
		   r.error == 0 && r.value == SBI_HSM_STATE_STOPPED,
		   "err=%ld value=%ld", r.error, r.value);
	expect_err("hsm.secondary_start_badaddr",
		   call(SBI_EXT_HSM, SBI_HSM_HART_START, target,
			QEMU_VIRT_CLINT_BASE, stack),
		   SBI_ERR_INVALID_ADDRESS);

	r = call(SBI_EXT_HSM, SBI_HSM_HART_START, target, entry, stack);
	ok = wait_arrivals(1, 1000);
	/* "HSM Hart Start Register State": a0 = hartid, a1 = opaque,
	 * satp = 0, sstatus.SIE = 0 */
	probe_line("hsm.secondary_start",
		   r.error == 0 && ok && sec.a0 == target && sec.a1 == stack &&
			   sec.satp == 0 && !(sec.sstatus & SSTATUS_SIE),
		   "err=%ld arrived=%d a0_is_hartid=%d a1_is_opaque=%d "
		   "satp_zero=%d sie_clear=%d",
		   r.error, ok, sec.a0 == target, sec.a1 == stack,
		   sec.satp == 0, !(sec.sstatus & SSTATUS_SIE));

	ok = wait_status(target, SBI_HSM_STATE_STARTED, 1000);
	probe_line("hsm.secondary_started", ok, "started=%d", ok);
	expect_err("hsm.secondary_start_again",
		   call(SBI_EXT_HSM, SBI_HSM_HART_START, target, entry, stack),
		   SBI_ERR_ALREADY_AVAILABLE);

	/* an IPI to the other hart only */
	r = call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, target, 0);
	wait_flag(&sec.saw_ipi, 1000);
	probe_line("ipi.other_hart", r.error == 0 && LOAD(sec.saw_ipi),
		   "err=%ld seen=%lu", r.error, LOAD(sec.saw_ipi));
	expect_err(
		"rfence.other_hart",
		call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I, 1, target, 0),
		SBI_SUCCESS);

	STORE(sec.release, 1);
	ok = wait_status(target, SBI_HSM_STATE_STOPPED, 1000);
	probe_line("hsm.secondary_stop", ok && LOAD(sec.stop_error) == 0,
		   "stopped=%d", ok);

	/* STOPPED -> START_PENDING -> STARTED once more */
	r = call(SBI_EXT_HSM, SBI_HSM_HART_START, target, entry, stack);
	ok = wait_arrivals(2, 1000);
	probe_line("hsm.secondary_restart", r.error == 0 && ok,
		   "err=%ld arrived=%d", r.error, ok);
	STORE(sec.release, 1);
	ok = wait_status(target, SBI_HSM_STATE_STOPPED, 1000);
	probe_line("hsm.secondary_stop_again", ok, "stopped=%d", ok);
	/* FWFT is per hart and a hart start resets it ("Upon hart reset,
	 * local feature values are not retained"): the restarted hart found
	 * the value it first had ... */
	probe_line("fwft.hart_reset_value",
		   sec.fwft_lock_error[0] == 0 &&
			   sec.fwft_value[1] == sec.fwft_value[0] &&
			   sec.fwft_value[0] >= 0,
		   "first=%ld lock=%ld restart=%ld", sec.fwft_value[0],
		   sec.fwft_lock_error[0], sec.fwft_value[1]);
	/* ... and no lock ("until hart reset"): L0 drops it, OpenSBI 1.5.1
	 * keeps it across an HSM stop and start (DENIED) though it resets
	 * the value (sbi-nested/README.md) */
	probe_line("impl.fwft_hart_reset_lock",
		   sec.fwft_lock_error[1] == 0 ||
			   (impl_id == SBI_IMPL_ID_OPENSBI &&
			    sec.fwft_lock_error[1] == SBI_ERR_DENIED),
		   "err=%ld", sec.fwft_lock_error[1]);
}

/* ---- SRST -------------------------------------------------------------------
 */
static void check_srst(void)
{
	/* Each of these must fail: were it accepted, the machine would reset
	 * and the run would end without `RVNEST done`. */
	expect_err("srst.reserved_type",
		   call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 3,
			SBI_SRST_REASON_NONE, 0),
		   SBI_ERR_INVALID_PARAM);
	expect_err("srst.vendor_type",
		   call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 0xf0000000,
			SBI_SRST_REASON_NONE, 0),
		   SBI_ERR_INVALID_PARAM);
	expect_err("srst.reserved_reason",
		   call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET,
			SBI_SRST_TYPE_SHUTDOWN, 2, 0),
		   SBI_ERR_INVALID_PARAM);
}

/* ---- DBCN -------------------------------------------------------------------
 */
static char dbcn_buf[64];

static void check_dbcn(void)
{
	static const char msg[] = "sbi-conformance: dbcn write\n";
	static const char bmsg[] = "sbi-conformance: dbcn write_byte\n";
	unsigned long out = (unsigned long)mi->ram_end;
	struct sbiret r;
	bool ok = true;

	console_flush();
	r = call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, sizeof(msg) - 1,
		 (unsigned long)msg, 0);
	probe_line("dbcn.write", r.error == 0 && r.value == sizeof(msg) - 1,
		   "err=%ld value=%ld", r.error, r.value);
	for (unsigned i = 0; i < sizeof(bmsg) - 1; i++) {
		r = call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE_BYTE,
			 (unsigned char)bmsg[i], 0, 0);
		ok = ok && r.error == 0 && r.value == 0;
	}
	probe_line("dbcn.write_byte", ok, "err=%ld value=%ld", r.error,
		   r.value);
	/* zero bytes name no memory: nothing to reject */
	r = call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 0, out, 0);
	probe_line("dbcn.write_zero", r.error == 0 && r.value == 0,
		   "err=%ld value=%ld", r.error, r.value);

	/* Memory S-mode cannot access: SBI_ERR_INVALID_PARAM (DBCN "Console
	 * Write Errors"). The CLINT is such memory both on OpenSBI (an
	 * M-mode-only region of its root domain) and on L0 (not L1 RAM). */
	expect_err("dbcn.write_mmode_device",
		   call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 8,
			QEMU_VIRT_CLINT_BASE, 0),
		   SBI_ERR_INVALID_PARAM);
	expect_err("dbcn.read_mmode_device",
		   call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_READ, 8,
			QEMU_VIRT_CLINT_BASE, 0),
		   SBI_ERR_INVALID_PARAM);
	/* Beyond RAM, and straddling its end. OpenSBI 1.5.1's root domain
	 * lets S-mode reach every address outside its own regions, so it
	 * reads there from M-mode and hangs on the access fault: run these
	 * only on other implementations (on L0, the memory past L1's RAM is
	 * host RAM L1 must not reach). */
	if (impl_id == SBI_IMPL_ID_OPENSBI) {
		probe_line("impl.dbcn_beyond_ram", true,
			   "skipped=opensbi_reads_it_in_m_mode");
	} else {
		expect_err(
			"impl.dbcn_write_beyond_ram",
			call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 8, out, 0),
			SBI_ERR_INVALID_PARAM);
		expect_err("impl.dbcn_write_straddles_ram_end",
			   call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 16,
				out - 8, 0),
			   SBI_ERR_INVALID_PARAM);
		expect_err("impl.dbcn_read_beyond_ram",
			   call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_READ, 8, out, 0),
			   SBI_ERR_INVALID_PARAM);
	}
	/* base_addr_hi != 0 names memory beyond 2^64 on RV64: OpenSBI says
	 * SBI_ERR_FAILED (a stricter limit, which the spec allows), the
	 * parameter table INVALID_PARAM; either is conformant. */
	r = call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 1,
		 (unsigned long)dbcn_buf, 1);
	probe_line("dbcn.write_addr_hi",
		   r.error == SBI_ERR_FAILED ||
			   r.error == SBI_ERR_INVALID_PARAM,
		   "err=%ld", r.error);

	/* Read is non-blocking: at most num_bytes, 0 when nothing waits.
	 * The count depends on the console input, so it is not printed. */
	r = call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_READ, sizeof(dbcn_buf),
		 (unsigned long)dbcn_buf, 0);
	probe_line("dbcn.read",
		   r.error == 0 && r.value >= 0 &&
			   (unsigned long)r.value <= sizeof(dbcn_buf),
		   "err=%ld", r.error);
}

/* ---- legacy -----------------------------------------------------------------
 */
static unsigned long legacy_mask;

static void check_legacy(void)
{
	static const char msg[] = "sbi-conformance: legacy putchar\n";
	struct sbiret r;
	bool ok = true, pending, cleared;

	console_flush();
	for (unsigned i = 0; i < sizeof(msg) - 1; i++) {
		r = sbi_ecall(SBI_EXT_LEGACY_CONSOLE_PUTCHAR, 0,
			      (unsigned char)msg[i], LEGACY_A1_MARKER, 0, 0, 0,
			      0);
		ok = ok && r.error == 0 &&
		     (unsigned long)r.value == LEGACY_A1_MARKER;
	}
	probe_line("legacy.putchar", ok, "err=%ld a1_kept=%d", r.error,
		   (unsigned long)r.value == LEGACY_A1_MARKER);

	/* -1 when no input waits, else a byte */
	r = sbi_ecall(SBI_EXT_LEGACY_CONSOLE_GETCHAR, 0, 0, LEGACY_A1_MARKER, 0,
		      0, 0, 0);
	probe_line("legacy.getchar",
		   r.error >= -1 && r.error <= 0xff &&
			   (unsigned long)r.value == LEGACY_A1_MARKER,
		   "a1_kept=%d", (unsigned long)r.value == LEGACY_A1_MARKER);

	r = sbi_ecall(SBI_EXT_LEGACY_SET_TIMER, 0,
		      rd_time() + mi->timebase_hz / 1000, LEGACY_A1_MARKER, 0,
		      0, 0, 0);
	pending = wait_sip(MIP_STIP, 1000);
	sbi_set_timer(~0UL);
	probe_line("legacy.set_timer",
		   r.error == 0 && pending &&
			   (unsigned long)r.value == LEGACY_A1_MARKER,
		   "err=%ld pending=%d a1_kept=%d", r.error, pending,
		   (unsigned long)r.value == LEGACY_A1_MARKER);

	/* hart_mask is a pointer to the bit vector (translation is off,
	 * so the virtual address is the physical one) */
	legacy_mask = 1UL << mi->hartid;
	r = sbi_ecall(SBI_EXT_LEGACY_SEND_IPI, 0, (unsigned long)&legacy_mask,
		      LEGACY_A1_MARKER, 0, 0, 0, 0);
	pending = wait_sip(MIP_SSIP, 1000);
	probe_line("legacy.send_ipi",
		   r.error == 0 && pending &&
			   (unsigned long)r.value == LEGACY_A1_MARKER,
		   "err=%ld pending=%d", r.error, pending);

	/* clear_ipi: "0 if no IPI had been pending, or an implementation
	 * specific positive value if an IPI had been pending". OpenSBI 1.5
	 * returns 0 either way, so the value is implementation-specific
	 * here; that the IPI is gone is not. */
	r = sbi_ecall(SBI_EXT_LEGACY_CLEAR_IPI, 0, 0, LEGACY_A1_MARKER, 0, 0, 0,
		      0);
	cleared = !(csr_read(CSR_SIP) & MIP_SSIP);
	probe_line("legacy.clear_ipi", cleared && r.error >= 0, "cleared=%d",
		   cleared);
	probe_line("impl.legacy_clear_ipi_value", r.error >= 0, "value=%ld",
		   r.error);

	/* A hart-mask pointer S-mode cannot read: OpenSBI redirects the
	 * load's access fault to S-mode (the ECALL "faults"), sbi-nested
	 * answers SBI_ERR_INVALID_ADDRESS in a0; both are a clear answer,
	 * neither may crash or send an IPI. */
	{
		struct payload_fault f;

		trap_expect();
		r = sbi_ecall(SBI_EXT_LEGACY_SEND_IPI, 0, QEMU_VIRT_CLINT_BASE,
			      0, 0, 0, 0, 0);
		f = trap_result();
		pending = (csr_read(CSR_SIP) & MIP_SSIP) != 0;
		csr_clear(CSR_SIP, MIP_SSIP);
		if (f.taken)
			probe_line("impl.legacy_send_ipi_bad_pointer",
				   f.scause == EXC_LOAD_ACCESS &&
					   f.stval == QEMU_VIRT_CLINT_BASE &&
					   !pending,
				   "trap=%s", trap_cause_name(f.scause));
		else
			probe_line("impl.legacy_send_ipi_bad_pointer",
				   r.error == SBI_ERR_INVALID_ADDRESS &&
					   !pending,
				   "err=%ld", r.error);
	}

	r = sbi_ecall(SBI_EXT_LEGACY_REMOTE_FENCE_I, 0,
		      (unsigned long)&legacy_mask, LEGACY_A1_MARKER, 0, 0, 0,
		      0);
	probe_line("legacy.remote_fence_i",
		   r.error == 0 && (unsigned long)r.value == LEGACY_A1_MARKER,
		   "err=%ld", r.error);
	r = sbi_ecall(SBI_EXT_LEGACY_REMOTE_SFENCE_VMA, 0,
		      (unsigned long)&legacy_mask, 0, 0, 0, 0, 0);
	probe_line("legacy.remote_sfence_vma", r.error == 0, "err=%ld",
		   r.error);
	r = sbi_ecall(SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID, 0,
		      (unsigned long)&legacy_mask, 0, 0, 1, 0, 0);
	probe_line("legacy.remote_sfence_vma_asid", r.error == 0, "err=%ld",
		   r.error);
}

unsigned payload_run(const struct payload_info *info)
{
	mi = info;
	/* the rest of the run takes interrupts only where it asks for them */
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_write(CSR_SIE, 0);
	check_base();
	check_unknown_ids();
	check_time();
	check_ipi();
	check_rfence();
	check_hsm();
	check_hsm_secondary();
	check_srst();
	check_dbcn();
	check_legacy();
	check_fwft(impl_id);
	check_pmu(mi->hartid, impl_id);
	check_pmu_overflow(mi);
	check_dbtr(impl_id);
	return probe_failures();
}
