/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sbi-conformance, DBTR (SBI spec "Debug Triggers Extension", EID
 * 0x44425452): the shared memory, install, read, enable, disable and
 * uninstall, and triggers that really fire: an execute breakpoint
 * (mcontrol) and a load watchpoint (mcontrol6) in S-mode, each taken as
 * a breakpoint exception at the instruction, none while disabled. Lines
 * under `dbtr.` must be equal on OpenSBI and on L0; `impl.dbtr_*` may
 * differ (where OpenSBI 1.5.1 departs from the spec: sbi-nested/README.md).
 */
#include "sbi_conformance.h"

#include <rvnest/dbtr.h>
#include <rvnest/encoding.h>

#define MAXTRIG 16
#define TYPE(t) ((unsigned long)(t) << SDTRIG_TYPE_SHIFT)
/* an execute breakpoint in S-mode (mcontrol, match = equal, action =
 * breakpoint exception) */
#define EXEC_S (TYPE(SDTRIG_TYPE_MCONTROL) | SDTRIG_EXECUTE | SDTRIG_S)
/* a load watchpoint in S-mode (mcontrol6) */
#define LOAD_S (TYPE(SDTRIG_TYPE_MCONTROL6) | SDTRIG_LOAD | SDTRIG_S)
/* trig_state's saved bits (mapped, u, s, vu, vs): the hardware index
 * above them is the implementation's */
#define STATE_BITS 0x1fUL

static unsigned long shm[MAXTRIG][SBI_DBTR_ENTRY_WORDS]
	__attribute__((aligned(64)));
static volatile unsigned long watched = 0x1234;

/* The instructions the triggers watch, each at a global label. */
extern char dbtr_exec_at[], dbtr_exec2_at[], dbtr_load_at[];

__attribute__((noinline)) static void exec_target(void)
{
	__asm__ __volatile__(".globl dbtr_exec_at\ndbtr_exec_at: nop" ::
				     : "memory");
}

__attribute__((noinline)) static void exec_target2(void)
{
	__asm__ __volatile__(".globl dbtr_exec2_at\ndbtr_exec2_at: nop" ::
				     : "memory");
}

__attribute__((noinline)) static unsigned long load_target(void)
{
	unsigned long x = 0;

	__asm__ __volatile__(".globl dbtr_load_at\ndbtr_load_at: ld %0, 0(%1)"
			     : "+r"(x)
			     : "r"(&watched)
			     : "memory");
	return x;
}

static struct sbiret dbtr(unsigned long fid, unsigned long a0, unsigned long a1,
			  unsigned long a2)
{
	return sbi_ecall(SBI_EXT_DBTR, fid, a0, a1, a2, 0, 0, 0);
}

static void expect(const char *id, struct sbiret r, long want)
{
	probe_line(id, r.error == want, "err=%ld want=%ld", r.error, want);
}

static void entry(unsigned i, unsigned long t1, unsigned long t2)
{
	shm[i][SBI_DBTR_WORD_IDX] = ~0UL;
	shm[i][SBI_DBTR_WORD_TDATA1] = t1;
	shm[i][SBI_DBTR_WORD_TDATA2] = t2;
	shm[i][SBI_DBTR_WORD_TDATA3] = 0;
}

/* Run fn; was it stopped by a breakpoint exception at `at`? */
static bool hit(void (*fn)(void), const char *at, struct payload_fault *f)
{
	trap_expect();
	fn();
	*f = trap_result();
	return f->taken && f->scause == EXC_BREAKPOINT &&
	       f->sepc == (unsigned long)at;
}

static void load_fn(void)
{
	(void)load_target();
}

/* Install one trigger from entry 0; its trig_idx, or -1. The spec puts
 * trig_idx in word 0 of the entry; OpenSBI 1.5.1 writes it in word 0 of
 * the next entry (line impl.dbtr_idx_where, sbi-nested/README.md). */
static bool where_said; /* impl.dbtr_idx_where printed */

static long install1(const char *id, unsigned long t1, unsigned long t2)
{
	struct sbiret r;
	unsigned long idx;
	bool in_place;

	entry(0, t1, t2);
	shm[1][SBI_DBTR_WORD_IDX] = ~0UL;
	r = dbtr(SBI_DBTR_INSTALL_TRIGGERS, 1, 0, 0);
	in_place = shm[0][SBI_DBTR_WORD_IDX] != ~0UL;
	idx = in_place ? shm[0][SBI_DBTR_WORD_IDX] : shm[1][SBI_DBTR_WORD_IDX];
	probe_line(id, r.error == 0 && idx < MAXTRIG, "err=%ld value=%ld",
		   r.error, r.value);
	if (!where_said)
		probe_line("impl.dbtr_idx_where", r.error == 0 && idx < MAXTRIG,
			   "where=%s", in_place ? "entry" : "next_entry");
	where_said = true;
	return r.error == 0 && idx < MAXTRIG ? (long)idx : -1;
}

static void check_exec(unsigned long n)
{
	struct payload_fault f;
	long t;
	struct sbiret r;
	bool ok;

	t = install1("dbtr.install_exec", EXEC_S, (unsigned long)dbtr_exec_at);
	if (t < 0)
		return;
	/* read it back: the state says mapped and s, tdata as given */
	r = dbtr(SBI_DBTR_READ_TRIGGERS, (unsigned long)t, 1, 0);
	probe_line("dbtr.read_exec",
		   r.error == 0 &&
			   (shm[0][0] & STATE_BITS) ==
				   (SBI_DBTR_STATE_MAPPED | SBI_DBTR_STATE_S) &&
			   shm[0][1] == EXEC_S &&
			   shm[0][2] == (unsigned long)dbtr_exec_at,
		   "err=%ld state_bits=0x%lx tdata1=0x%lx", r.error,
		   shm[0][0] & STATE_BITS, shm[0][1]);
	/* stval: the address that matched (QEMU; the same below both) */
	ok = hit(exec_target, dbtr_exec_at, &f);
	probe_line("dbtr.exec_hit",
		   ok && f.stval == (unsigned long)dbtr_exec_at,
		   "taken=%d cause=%lu sepc_ok=%d stval_ok=%d", f.taken,
		   f.scause, f.sepc == (unsigned long)dbtr_exec_at,
		   f.stval == (unsigned long)dbtr_exec_at);
	/* another instruction: nothing */
	ok = hit(exec_target2, dbtr_exec2_at, &f);
	probe_line("dbtr.exec_other_no_hit", !f.taken, "taken=%d", f.taken);

	/* disabled: nothing; enabled again: it fires */
	expect("dbtr.disable",
	       dbtr(SBI_DBTR_DISABLE_TRIGGERS, (unsigned long)t, 1, 0), 0);
	(void)hit(exec_target, dbtr_exec_at, &f);
	probe_line("dbtr.disabled_no_hit", !f.taken, "taken=%d", f.taken);
	r = dbtr(SBI_DBTR_READ_TRIGGERS, (unsigned long)t, 1, 0);
	probe_line("dbtr.read_disabled",
		   r.error == 0 && (shm[0][1] & (SDTRIG_S | SDTRIG_U)) == 0 &&
			   (shm[0][0] & SBI_DBTR_STATE_S),
		   "err=%ld state_bits=0x%lx tdata1=0x%lx", r.error,
		   shm[0][0] & STATE_BITS, shm[0][1]);
	expect("dbtr.enable",
	       dbtr(SBI_DBTR_ENABLE_TRIGGERS, (unsigned long)t, 1, 0), 0);
	ok = hit(exec_target, dbtr_exec_at, &f);
	probe_line("dbtr.enabled_hit", ok, "taken=%d cause=%lu", f.taken,
		   f.scause);

	/* update (SBI 3.0: trig_idx in word 0) to the other instruction */
	entry(0, EXEC_S, (unsigned long)dbtr_exec2_at);
	shm[0][SBI_DBTR_WORD_IDX] = (unsigned long)t;
	r = dbtr(SBI_DBTR_UPDATE_TRIGGERS, 1, 0, 0);
	ok = hit(exec_target2, dbtr_exec2_at, &f);
	probe_line("impl.dbtr_update", r.error == 0, "err=%ld moved=%d",
		   r.error, ok);
	if (!ok)
		(void)hit(exec_target, dbtr_exec_at, &f);

	/* uninstall: nothing fires, a second uninstall is refused */
	expect("dbtr.uninstall",
	       dbtr(SBI_DBTR_UNINSTALL_TRIGGERS, (unsigned long)t, 1, 0), 0);
	(void)hit(exec_target, dbtr_exec_at, &f);
	ok = !f.taken;
	(void)hit(exec_target2, dbtr_exec2_at, &f);
	probe_line("dbtr.uninstalled_no_hit", ok && !f.taken, "taken=%d",
		   f.taken);
	expect("dbtr.uninstall_twice",
	       dbtr(SBI_DBTR_UNINSTALL_TRIGGERS, (unsigned long)t, 1, 0),
	       SBI_ERR_INVALID_PARAM);
	(void)n;
}

static void check_load(void)
{
	struct payload_fault f;
	long t;
	bool ok;

	t = install1("dbtr.install_load", LOAD_S, (unsigned long)&watched);
	if (t < 0)
		return;
	ok = hit(load_fn, dbtr_load_at, &f);
	probe_line("dbtr.load_hit", ok && f.stval == (unsigned long)&watched,
		   "taken=%d cause=%lu sepc_ok=%d stval_ok=%d", f.taken,
		   f.scause, f.sepc == (unsigned long)dbtr_load_at,
		   f.stval == (unsigned long)&watched);
	/* a store to it is not a load */
	trap_expect();
	watched = 7;
	f = trap_result();
	probe_line("dbtr.store_no_hit", !f.taken, "taken=%d", f.taken);
	expect("dbtr.uninstall_load",
	       dbtr(SBI_DBTR_UNINSTALL_TRIGGERS, (unsigned long)t, 1, 0), 0);
}

/* Every trigger installed at once, then one more. */
static void check_full(unsigned long n)
{
	struct sbiret r;

	if (n == 0 || n > MAXTRIG)
		return;
	for (unsigned i = 0; i < n; i++)
		entry(i, EXEC_S, (unsigned long)dbtr_exec2_at);
	r = dbtr(SBI_DBTR_INSTALL_TRIGGERS, n, 0, 0);
	probe_line("impl.dbtr_install_all", r.error == 0 || r.error < 0,
		   "err=%ld value=%ld", r.error, r.value);
	if (r.error != 0) {
		/* one at a time, as an implementation that counts
		 * trig_count >= trig_max as a bad range needs */
		for (unsigned i = 0; i < n; i++) {
			entry(0, EXEC_S, (unsigned long)dbtr_exec2_at);
			(void)dbtr(SBI_DBTR_INSTALL_TRIGGERS, 1, 0, 0);
		}
	}
	entry(0, EXEC_S, (unsigned long)dbtr_exec2_at);
	r = dbtr(SBI_DBTR_INSTALL_TRIGGERS, 1, 0, 0);
	probe_line("dbtr.install_none_free", r.error == SBI_ERR_FAILED,
		   "err=%ld value=%ld", r.error, r.value);
	/* the last trigger alone can be read */
	r = dbtr(SBI_DBTR_READ_TRIGGERS, n - 1, 1, 0);
	probe_line("impl.dbtr_read_last", r.error == 0 || r.error < 0,
		   "err=%ld", r.error);
	r = dbtr(SBI_DBTR_UNINSTALL_TRIGGERS, 0, (1UL << n) - 1, 0);
	expect("dbtr.uninstall_all", r, 0);
}

void check_dbtr(long impl_id)
{
	struct sbiret r = sbi_ecall(SBI_EXT_BASE, SBI_BASE_PROBE_EXT,
				    SBI_EXT_DBTR, 0, 0, 0, 0, 0);
	unsigned long n;

	(void)impl_id;
	probe_line("probe.dbtr", r.error == 0 && r.value != 0, "value=%ld",
		   r.value);
	if (r.error != 0 || r.value == 0)
		return;
	r = dbtr(SBI_DBTR_NUM_TRIGGERS, 0, 0, 0);
	n = r.error == 0 ? (unsigned long)r.value : 0;
	probe_line("dbtr.num_triggers", r.error == 0 && n > 0, "n=%lu", n);
	r = dbtr(SBI_DBTR_NUM_TRIGGERS, TYPE(SDTRIG_TYPE_MCONTROL), 0, 0);
	probe_line("dbtr.num_mcontrol", r.error == 0 && r.value > 0,
		   "err=%ld n=%ld", r.error, r.value);
	r = dbtr(SBI_DBTR_NUM_TRIGGERS, TYPE(SDTRIG_TYPE_MCONTROL6), 0, 0);
	probe_line("dbtr.num_mcontrol6", r.error == 0 && r.value > 0,
		   "err=%ld n=%ld", r.error, r.value);
	r = dbtr(SBI_DBTR_NUM_TRIGGERS, TYPE(SDTRIG_TYPE_ICOUNT), 0, 0);
	probe_line("impl.dbtr_num_icount", r.error == 0, "err=%ld n=%ld",
		   r.error, r.value);

	/* no shared memory yet */
	expect("dbtr.read_no_shmem", dbtr(SBI_DBTR_READ_TRIGGERS, 0, 1, 0),
	       SBI_ERR_NO_SHMEM);
	expect("dbtr.install_no_shmem",
	       dbtr(SBI_DBTR_INSTALL_TRIGGERS, 1, 0, 0), SBI_ERR_NO_SHMEM);
	/* set_shmem: misaligned, hi != 0, not memory S-mode owns (the
	 * CLINT: M-mode's on both machines), then the real one */
	expect("dbtr.shmem_misaligned",
	       dbtr(SBI_DBTR_SET_SHMEM, (unsigned long)shm + 4, 0, 0),
	       SBI_ERR_INVALID_PARAM);
	expect("dbtr.shmem_hi",
	       dbtr(SBI_DBTR_SET_SHMEM, (unsigned long)shm, 1, 0),
	       SBI_ERR_INVALID_ADDRESS);
	expect("dbtr.shmem_clint", dbtr(SBI_DBTR_SET_SHMEM, 0x2000000, 0, 0),
	       SBI_ERR_INVALID_ADDRESS);
	r = dbtr(SBI_DBTR_SET_SHMEM, (unsigned long)shm, 0, 1);
	probe_line("impl.dbtr_shmem_flags",
		   r.error == SBI_ERR_INVALID_PARAM || r.error == 0, "err=%ld",
		   r.error);
	if (r.error == 0)
		(void)dbtr(SBI_DBTR_SET_SHMEM, ~0UL, ~0UL, 0);
	expect("dbtr.shmem", dbtr(SBI_DBTR_SET_SHMEM, (unsigned long)shm, 0, 0),
	       0);
	r = dbtr(SBI_DBTR_SET_SHMEM, (unsigned long)shm, 0, 0);
	probe_line("impl.dbtr_shmem_again",
		   r.error == 0 || r.error == SBI_ERR_ALREADY_AVAILABLE,
		   "err=%ld", r.error);

	/* configurations the spec forbids (m = 1) or no implementation
	 * here offers (icount) */
	entry(0, EXEC_S | SDTRIG_M, (unsigned long)dbtr_exec_at);
	r = dbtr(SBI_DBTR_INSTALL_TRIGGERS, 1, 0, 0);
	probe_line("impl.dbtr_install_m", r.error != 0, "err=%ld value=%ld",
		   r.error, r.value);
	entry(0, TYPE(SDTRIG_TYPE_ICOUNT) | SDTRIG_S | 1, 0);
	r = dbtr(SBI_DBTR_INSTALL_TRIGGERS, 1, 0, 0);
	probe_line("impl.dbtr_install_icount", r.error != 0,
		   "err=%ld value=%ld", r.error, r.value);
	r = dbtr(SBI_DBTR_ENABLE_TRIGGERS, 0, 1, 0);
	probe_line("impl.dbtr_enable_uninstalled", r.error == 0 || r.error < 0,
		   "err=%ld", r.error);

	check_exec(n);
	check_load();
	check_full(n);

	/* shared memory off: read refused again */
	expect("dbtr.shmem_off", dbtr(SBI_DBTR_SET_SHMEM, ~0UL, ~0UL, 0), 0);
	expect("dbtr.read_shmem_off", dbtr(SBI_DBTR_READ_TRIGGERS, 0, 1, 0),
	       SBI_ERR_NO_SHMEM);
}
