/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * isolation: an S-mode payload that loads, stores and fetches outside the
 * memory its DTB gives it and expects the architectural access fault in its
 * own trap handler each time (privileged spec "Exception Codes": load access
 * fault 5, store/AMO access fault 7, instruction access fault 1; stval = the
 * faulting address). Access inside RAM must not fault (the control).
 *
 * On OpenSBI the memory beyond RAM is simply absent (QEMU reports the bus
 * error as an access fault). On L0 "beyond L1's RAM" is host RAM that L0
 * owns or gives to no one, so the same addresses check that L0's G-stage
 * confines L1 and that L0 reports the guest-page fault to L1 as the access
 * fault a real machine would raise, not as a guest-page fault L1 cannot
 * have (L1 has no H extension), and keeps running.
 */
#include "payload.h"

#include <stdio.h>
#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/trap_names.h>

const char payload_name[] = "isolation";

/* QEMU virt's CLINT (hw/riscv/virt.c, virt_memmap[VIRT_CLINT]): M-mode's
 * timer and software-interrupt device. OpenSBI's PMP gives S-mode no
 * access to it, and L0 gives L1 no mapping of it. */
#define QEMU_VIRT_CLINT_BASE 0x2000000UL

/* A word inside RAM for the control accesses. */
static volatile uint64_t inside_word = 0x1122334455667788ULL;

enum access_kind {
	ACCESS_LOAD,
	ACCESS_STORE,
	ACCESS_FETCH,
};

static const char *const access_names[] = {
	[ACCESS_LOAD] = "load",
	[ACCESS_STORE] = "store",
	[ACCESS_FETCH] = "fetch",
};

static const unsigned long access_fault[] = {
	[ACCESS_LOAD] = EXC_LOAD_ACCESS,
	[ACCESS_STORE] = EXC_STORE_ACCESS,
	[ACCESS_FETCH] = EXC_INST_ACCESS,
};

static struct payload_fault attempt(enum access_kind kind, uintptr_t addr)
{
	trap_expect();
	switch (kind) {
	case ACCESS_LOAD:
		(void)*(volatile uint64_t *)addr;
		break;
	case ACCESS_STORE:
		*(volatile uint64_t *)addr = 0xdeadbeefcafef00dULL;
		break;
	case ACCESS_FETCH:
		/* the handler returns a fetch fault to ra, i.e. here */
		((void (*)(void))addr)();
		break;
	}
	return trap_result();
}

/* An access that must fault with the access-fault cause of its kind and
 * stval = the address. */
static void expect_fault(const char *where, enum access_kind kind,
			 uintptr_t addr)
{
	struct payload_fault f = attempt(kind, addr);
	char id[64];
	bool ok = f.taken && f.scause == access_fault[kind] && f.stval == addr;

	snprintf(id, sizeof(id), "iso.%s.%s", where, access_names[kind]);
	/* the address itself differs between machines: show it on a line
	 * of its own, compare only the outcome */
	printf("isolation: %s at 0x%lx -> %s stval=0x%lx\n", id,
	       (unsigned long)addr,
	       f.taken ? trap_cause_name(f.scause) : "no_trap", f.stval);
	probe_line(id, ok, "scause=%s stval_is_addr=%d",
		   f.taken ? trap_cause_name(f.scause) : "none",
		   f.taken && f.stval == addr);
}

static void expect_no_fault(const char *id, enum access_kind kind,
			    uintptr_t addr)
{
	struct payload_fault f = attempt(kind, addr);

	probe_line(id, !f.taken, "scause=%s",
		   f.taken ? trap_cause_name(f.scause) : "none");
}

unsigned payload_run(const struct payload_info *info)
{
	uintptr_t end = (uintptr_t)info->ram_end;
	/* Far beyond any RAM or device of QEMU virt, and beyond what an
	 * Sv39x4 G-stage translates (2^41): L0 must still answer with an
	 * access fault, not lose the access. */
	uintptr_t far = (uintptr_t)1 << 45;
	static const struct {
		const char *where;
		uintptr_t offset;
	} beyond[] = {
		{"ram_end", 0},
		{"ram_end_plus_1m", 1UL << 20},
	};

	expect_no_fault("iso.inside.load", ACCESS_LOAD,
			(uintptr_t)&inside_word);
	expect_no_fault("iso.inside.store", ACCESS_STORE,
			(uintptr_t)&inside_word);
	for (unsigned i = 0; i < sizeof(beyond) / sizeof(beyond[0]); i++)
		for (int k = ACCESS_LOAD; k <= ACCESS_FETCH; k++)
			expect_fault(beyond[i].where, (enum access_kind)k,
				     end + beyond[i].offset);
	for (int k = ACCESS_LOAD; k <= ACCESS_FETCH; k++)
		expect_fault("far", (enum access_kind)k, far);
	for (int k = ACCESS_LOAD; k <= ACCESS_FETCH; k++)
		expect_fault("mmode_device", (enum access_kind)k,
			     QEMU_VIRT_CLINT_BASE);
	return probe_failures();
}
