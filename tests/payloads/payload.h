/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared runtime of the S-mode test payloads (sbi-conformance, isolation):
 * entry, one trap handler, the machine description from the DTB, and the
 * `RVNEST probe` line format (docs/protocol.md).
 */
#ifndef PAYLOAD_H
#define PAYLOAD_H

#include <stdbool.h>
#include <stdint.h>
#include <rvnest/fdt_util.h>

/* What entry.S saves on a trap (the layout its FRAME_* offsets assume). */
struct payload_frame {
	unsigned long x[32];
	unsigned long sepc, scause, stval, pad;
};

#define PAYLOAD_MAX_RAM 8
#define PAYLOAD_MAX_HARTS 64

/* The machine as the DTB describes it: on OpenSBI the real one, on L0 the
 * one L0 gives L1. */
struct payload_info {
	unsigned long hartid;
	const void *dtb;
	struct fdt_region ram[PAYLOAD_MAX_RAM];
	unsigned nram;
	uint64_t ram_end; /* first byte after the highest RAM region */
	unsigned long harts[PAYLOAD_MAX_HARTS];
	unsigned nharts;
	uint64_t timebase_hz;
	bool has_h; /* "h" in this hart's ISA */
};

/* Each payload provides these. */
extern const char payload_name[];
/* Run every check; return the number that failed. */
unsigned payload_run(const struct payload_info *info);

/* Entry for harts started through HSM hart_start with opaque = the top
 * of their stack (entry.S); it calls payload_secondary(a0, a1) with the
 * registers the hart started with. A payload that starts harts provides a
 * strong payload_secondary; the default ends the run with RVNEST error. */
extern char payload_secondary_entry[];
void payload_secondary(unsigned long a0, unsigned long a1);

/* HSM default non-retentive suspend that comes back (entry.S): the
 * callee-saved registers live here across it, and the resume entry records
 * what the hart resumed with. Layout fixed by entry.S's CTX_* offsets. */
struct payload_resume_ctx {
	unsigned long regs[16];		     /* ra, sp, gp, tp, s0..s11 */
	unsigned long a0, a1, satp, sstatus; /* at resume */
};
_Static_assert(sizeof(struct payload_resume_ctx) == 20 * sizeof(long),
	       "entry.S CTX_* offsets");
/* What payload_suspend_nonret returns when the hart came back through
 * resume_addr (any other value is the SBI error of the call). */
#define PAYLOAD_RESUMED 1L
long payload_suspend_nonret(struct payload_resume_ctx *ctx);

/* ---- traps ------------------------------------------------------------- */
struct payload_fault {
	bool taken;
	unsigned long scause, stval, sepc;
};

/* Expect one synchronous exception: the next one is recorded and the
 * faulting instruction skipped (a fetch fault returns to the caller, ra).
 * Any exception while not expecting one ends the run with RVNEST error. */
void trap_expect(void);
/* Stop expecting; returns what was recorded (taken = false: no trap). */
struct payload_fault trap_result(void);

/* Interrupts taken so far, by interrupt number (IRQ_*). The handler
 * acknowledges each: SSIP cleared, the SBI timer pushed to "never". */
unsigned long irq_count(unsigned irq);

/* ---- output -------------------------------------------------------------- */
/* One `RVNEST probe id=<id> ok=<0|1> <fmt...>` line; counts failures. */
void __attribute__((format(printf, 3, 4)))
probe_line(const char *id, bool ok, const char *fmt, ...);
unsigned probe_failures(void);

/* `RVNEST error msg=<msg> <fmt...>`, then SRST shutdown with a failure
 * reason: the harness reports msg; never a silent hang. */
void __attribute__((noreturn, format(printf, 2, 3)))
payload_fatal(const char *msg, const char *fmt, ...);

#endif /* PAYLOAD_H */
