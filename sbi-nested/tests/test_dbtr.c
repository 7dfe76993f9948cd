/* SPDX-License-Identifier: BSD-2-Clause */
/* DBTR: shared memory, install/read/update/enable/disable/uninstall of
 * L1's triggers, every error of the spec's tables, per hart, the reset. */
#include "mock.h"
#include "unit.h"

#include <rvnest/dbtr.h>

#include <string.h>

#define SHMEM (MOCK_MEM_BASE + 0x100) /* 8-aligned, inside the memory */
#define TYPE(t) ((unsigned long)(t) << SDTRIG_TYPE_SHIFT)
/* an execute breakpoint in S and U (mcontrol) */
#define MC_EXEC_SU (TYPE(2) | SDTRIG_EXECUTE | SDTRIG_S | SDTRIG_U)
/* a load watchpoint in S (mcontrol6) */
#define MC6_LOAD_S (TYPE(6) | SDTRIG_LOAD | SDTRIG_S)

static struct sbi_nested_result dbtr(struct mock_fx *f, unsigned long hart,
				     unsigned long fid, unsigned long a0,
				     unsigned long a1, unsigned long a2)
{
	return mock_call_on(&f->sn, hart, SBI_EXT_DBTR, fid, a0, a1, a2);
}

static unsigned long *word(struct mock_fx *f, unsigned long entry,
			   unsigned long w)
{
	return (unsigned long *)&f->m.mem[SHMEM - MOCK_MEM_BASE +
					  entry * SBI_DBTR_ENTRY_BYTES + w * 8];
}

/* entry i of the shared memory: (word 0, tdata1, tdata2, 0) */
static void put(struct mock_fx *f, unsigned long i, unsigned long w0,
		unsigned long t1, unsigned long t2)
{
	*word(f, i, 0) = w0;
	*word(f, i, 1) = t1;
	*word(f, i, 2) = t2;
	*word(f, i, 3) = 0;
}

static struct mock_fx *fx_shmem(unsigned long hart)
{
	struct mock_fx *f = mock_setup();

	CHECK_EQ(dbtr(f, hart, SBI_DBTR_SET_SHMEM, SHMEM, 0, 0).error,
		 SBI_SUCCESS);
	return f;
}

TEST(dbtr_probe_needs_ops_state_and_triggers)
{
	struct mock_fx *f = mock_setup();

	CHECK_EQ(mock_call(&f->sn, SBI_EXT_BASE, SBI_BASE_PROBE_EXT,
			   SBI_EXT_DBTR, 0, 0, 0, 0)
			 .value,
		 1);
	f->cfg.dbtr_triggers = 0; /* the host has no Sdtrig */
	CHECK_EQ(mock_call(&f->sn, SBI_EXT_BASE, SBI_BASE_PROBE_EXT,
			   SBI_EXT_DBTR, 0, 0, 0, 0)
			 .value,
		 0);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_NUM_TRIGGERS, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	f = mock_setup();
	f->cfg.dbtr = NULL;
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_NUM_TRIGGERS, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	f = mock_setup();
	f->ops.dbtr_uninstall = NULL;
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_NUM_TRIGGERS, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	f = mock_setup();
	f->cfg.ext_enabled &= ~SBI_NESTED_EXT_BIT(SBI_NESTED_EXT_DBTR);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_NUM_TRIGGERS, 0, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(strcmp(sbi_nested_ext_name(SBI_EXT_DBTR), "dbtr"), 0);
	/* an unknown FID */
	f = mock_setup();
	CHECK_EQ(dbtr(f, 0, 8, 0, 0, 0).error, SBI_ERR_NOT_SUPPORTED);
}

TEST(dbtr_num_triggers)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	r = dbtr(f, 0, SBI_DBTR_NUM_TRIGGERS, 0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, MOCK_DBTR_HW);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_NUM_TRIGGERS, TYPE(2), 0, 0).value,
		 MOCK_DBTR_HW);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_NUM_TRIGGERS, MC6_LOAD_S, 0, 0).value,
		 MOCK_DBTR_HW);
	/* icount: none, but still success */
	r = dbtr(f, 0, SBI_DBTR_NUM_TRIGGERS, TYPE(3), 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 0);
	/* trig_max is capped at what sbi-nested keeps */
	f->cfg.dbtr_triggers = 100;
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_NUM_TRIGGERS, 0, 0, 0).value,
		 SBI_NESTED_DBTR_MAX);
}

TEST(dbtr_set_shmem_errors)
{
	struct mock_fx *f = mock_setup();
	unsigned long end = MOCK_MEM_BASE + MOCK_MEM_SIZE;
	unsigned long size = MOCK_DBTR_HW * SBI_DBTR_ENTRY_BYTES;

	/* flags != 0, misaligned: INVALID_PARAM */
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_SET_SHMEM, SHMEM, 0, 1).error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_SET_SHMEM, SHMEM + 4, 0, 0).error,
		 SBI_ERR_INVALID_PARAM);
	/* outside L1's memory, crossing its end, hi != 0, wrapping */
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_SET_SHMEM, 0x1000, 0, 0).error,
		 SBI_ERR_INVALID_ADDRESS);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_SET_SHMEM, end - size + 8, 0, 0).error,
		 SBI_ERR_INVALID_ADDRESS);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_SET_SHMEM, SHMEM, 1, 0).error,
		 SBI_ERR_INVALID_ADDRESS);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_SET_SHMEM, ~7UL, 0, 0).error,
		 SBI_ERR_INVALID_ADDRESS);
	CHECK(!f->m.dbtr[0].shmem_set);
	/* the last bytes of memory are fine */
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_SET_SHMEM, end - size, 0, 0).error,
		 SBI_SUCCESS);
	CHECK(f->m.dbtr[0].shmem_set);
	CHECK(!f->m.dbtr[1].shmem_set); /* per hart */
	/* all-ones disables; one half all-ones is an address */
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_SET_SHMEM, ~0UL, ~0UL, 0).error,
		 SBI_SUCCESS);
	CHECK(!f->m.dbtr[0].shmem_set);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_SET_SHMEM, ~0UL, 0, 0).error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_SET_SHMEM, 0, ~0UL, 0).error,
		 SBI_ERR_INVALID_ADDRESS);
	/* read-only memory (the mock has none): write check fails */
}

TEST(dbtr_no_shmem)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	CHECK_EQ(dbtr(f, 0, SBI_DBTR_READ_TRIGGERS, 0, 1, 0).error,
		 SBI_ERR_NO_SHMEM);
	r = dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 1, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_NO_SHMEM);
	CHECK_EQ(r.value, 0);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_UPDATE_TRIGGERS, 1, 0, 0).error,
		 SBI_ERR_NO_SHMEM);
	CHECK_EQ(f->m.dbtr_calls, 0);
}

TEST(dbtr_install_read_uninstall)
{
	struct mock_fx *f = fx_shmem(1);
	struct sbi_nested_result r;

	put(f, 0, 0x55, MC_EXEC_SU, 0x80001000);
	put(f, 1, 0x55, MC6_LOAD_S, 0x80002000);
	r = dbtr(f, 1, SBI_DBTR_INSTALL_TRIGGERS, 2, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 0);
	/* trig_idx written back in word 0: the first free ones */
	CHECK_EQ(*word(f, 0, 0), 0);
	CHECK_EQ(*word(f, 1, 0), 1);
	/* programmed below on the caller's hart, as given */
	CHECK_EQ(f->m.hw_used[1], 0xcUL);
	CHECK_EQ(f->m.hw_used[0], 0);
	CHECK_EQ(f->m.hw_tdata[1][3][0], MC_EXEC_SU);
	CHECK_EQ(f->m.hw_tdata[1][3][1], 0x80001000);
	CHECK_EQ(f->m.hw_tdata[1][2][0], MC6_LOAD_S);

	/* read both: state, tdata1..3 */
	CHECK_EQ(dbtr(f, 1, SBI_DBTR_READ_TRIGGERS, 0, 2, 0).error,
		 SBI_SUCCESS);
	CHECK_EQ(*word(f, 0, 0),
		 SBI_DBTR_STATE_MAPPED | SBI_DBTR_STATE_U | SBI_DBTR_STATE_S);
	CHECK_EQ(*word(f, 0, 1), MC_EXEC_SU);
	CHECK_EQ(*word(f, 0, 2), 0x80001000);
	CHECK_EQ(*word(f, 1, 0), SBI_DBTR_STATE_MAPPED | SBI_DBTR_STATE_S);
	/* the last trigger alone, and all of them (a free one reads 0) */
	CHECK_EQ(dbtr(f, 1, SBI_DBTR_READ_TRIGGERS, MOCK_DBTR_HW - 1, 1, 0)
			 .error,
		 SBI_SUCCESS);
	CHECK_EQ(*word(f, 0, 0), 0);
	CHECK_EQ(*word(f, 0, 1), 0);
	CHECK_EQ(dbtr(f, 1, SBI_DBTR_READ_TRIGGERS, 0, MOCK_DBTR_HW, 0).error,
		 SBI_SUCCESS);
	/* BAD_RANGE */
	CHECK_EQ(dbtr(f, 1, SBI_DBTR_READ_TRIGGERS, MOCK_DBTR_HW, 0, 0).error,
		 SBI_ERR_BAD_RANGE);
	CHECK_EQ(dbtr(f, 1, SBI_DBTR_READ_TRIGGERS, 1, MOCK_DBTR_HW, 0).error,
		 SBI_ERR_BAD_RANGE);
	CHECK_EQ(dbtr(f, 1, SBI_DBTR_READ_TRIGGERS, 1, ~0UL, 0).error,
		 SBI_ERR_BAD_RANGE);

	/* uninstall trigger 1 (base 1, mask 1): freed below and here */
	CHECK_EQ(dbtr(f, 1, SBI_DBTR_UNINSTALL_TRIGGERS, 1, 1, 0).error,
		 SBI_SUCCESS);
	CHECK_EQ(f->m.hw_used[1], 0x8UL);
	CHECK_EQ(f->m.dbtr[1].trig[1].state, 0);
	/* a second time, or a trigger never installed: INVALID_PARAM */
	CHECK_EQ(dbtr(f, 1, SBI_DBTR_UNINSTALL_TRIGGERS, 1, 1, 0).error,
		 SBI_ERR_INVALID_PARAM);
	/* mixed set: nothing done */
	CHECK_EQ(dbtr(f, 1, SBI_DBTR_UNINSTALL_TRIGGERS, 0, 3, 0).error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(f->m.hw_used[1], 0x8UL);
	/* past trig_max, or a base past it */
	CHECK_EQ(dbtr(f, 1, SBI_DBTR_UNINSTALL_TRIGGERS, 0, 1UL << 63, 0).error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(dbtr(f, 1, SBI_DBTR_UNINSTALL_TRIGGERS, ~0UL, 1, 0).error,
		 SBI_ERR_INVALID_PARAM);
	/* an empty set: nothing to do */
	CHECK_EQ(dbtr(f, 1, SBI_DBTR_UNINSTALL_TRIGGERS, 0, 0, 0).error,
		 SBI_SUCCESS);
	CHECK_EQ(dbtr(f, 1, SBI_DBTR_UNINSTALL_TRIGGERS, 0, 1, 0).error,
		 SBI_SUCCESS);
	CHECK_EQ(f->m.hw_used[1], 0);
	CHECK_EQ(f->m.bad_hart_calls, 0);
}

TEST(dbtr_install_errors)
{
	struct mock_fx *f = fx_shmem(0);
	struct sbi_nested_result r;

	/* more entries than triggers */
	r = dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, MOCK_DBTR_HW + 1, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_BAD_RANGE);
	/* type 0 or 15, dmode, m, chain on the last: INVALID_PARAM, value
	 * = the entry; nothing installed */
	put(f, 0, 0, MC_EXEC_SU, 0);
	put(f, 1, 0, TYPE(0), 0);
	r = dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 2, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	CHECK_EQ(r.value, 1);
	put(f, 1, 0, TYPE(15), 0);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 2, 0, 0).error,
		 SBI_ERR_INVALID_PARAM);
	put(f, 1, 0, MC_EXEC_SU | SDTRIG_DMODE, 0);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 2, 0, 0).error,
		 SBI_ERR_INVALID_PARAM);
	put(f, 1, 0, MC6_LOAD_S | SDTRIG_M, 0);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 2, 0, 0).error,
		 SBI_ERR_INVALID_PARAM);
	put(f, 1, 0, MC6_LOAD_S | SDTRIG_CHAIN, 0);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 2, 0, 0).error,
		 SBI_ERR_INVALID_PARAM);
	/* a chain that is not last: not offered; icount: not offered */
	put(f, 0, 0, MC6_LOAD_S | SDTRIG_CHAIN, 0);
	put(f, 1, 0, MC6_LOAD_S, 0);
	r = dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 2, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(r.value, 0);
	put(f, 0, 0, TYPE(3), 0);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 1, 0, 0).error,
		 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(f->m.dbtr_calls, 0);

	/* the hardware refuses a field of the second: the first is taken
	 * back, value 1 */
	put(f, 0, 0, MC_EXEC_SU, 0);
	put(f, 1, 0, MC6_LOAD_S | SDTRIG_ACTION, 0);
	f->m.dbtr_unsupported = SDTRIG_ACTION;
	r = dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 2, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(r.value, 1);
	CHECK_EQ(f->m.hw_used[0], 0);
	CHECK_EQ(f->m.dbtr[0].trig[0].state, 0);
	f->m.dbtr_unsupported = 0;
	/* the firmware fails: FAILED */
	f->m.dbtr_calls = 0;
	f->m.dbtr_fail_at = 1;
	r = dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 1, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_FAILED);
	CHECK_EQ(r.value, 0);
	f->m.dbtr_fail_at = 0;

	/* fill every trigger, then one more: FAILED, value = the entry
	 * left without one */
	for (unsigned long i = 0; i < MOCK_DBTR_HW; i++)
		put(f, i, 0, MC_EXEC_SU, i);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, MOCK_DBTR_HW - 1, 0, 0)
			 .error,
		 SBI_SUCCESS);
	r = dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 2, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_FAILED);
	CHECK_EQ(r.value, 1);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 1, 0, 0).error,
		 SBI_SUCCESS);
	CHECK_EQ(*word(f, 0, 0), MOCK_DBTR_HW - 1);
	/* below is full too */
	CHECK_EQ(f->m.hw_used[0], 0xfUL);
	/* zero entries: nothing to do */
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 0, 0, 0).error,
		 SBI_SUCCESS);
}

TEST(dbtr_install_memory_failures)
{
	struct mock_fx *f = fx_shmem(0);
	struct sbi_nested_result r;

	put(f, 0, 0, MC_EXEC_SU, 0);
	/* the entries can no longer be read */
	f->m.guest_read_fail_at = f->m.guest_read_calls + 1;
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 1, 0, 0).error,
		 SBI_ERR_FAILED);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 1, 0, 0).error,
		 SBI_SUCCESS);
	/* trig_idx cannot be written back: the install is taken back */
	f->m.guest_write_fail_at = f->m.guest_write_calls + 1;
	r = dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 1, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_FAILED);
	CHECK_EQ(f->m.hw_used[0], 0x8UL);
	CHECK_EQ(f->m.dbtr[0].trig[1].state, 0);
	/* nor the state read */
	f->m.guest_write_fail_at = f->m.guest_write_calls + 1;
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_READ_TRIGGERS, 0, 1, 0).error,
		 SBI_ERR_FAILED);
	f->m.guest_read_fail_at = f->m.guest_read_calls + 1;
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_UPDATE_TRIGGERS, 1, 0, 0).error,
		 SBI_ERR_FAILED);
}

TEST(dbtr_enable_disable)
{
	struct mock_fx *f = fx_shmem(0);
	unsigned long mc6 = MC6_LOAD_S | SDTRIG_U;

	put(f, 0, 0, mc6, 0x80003000);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 1, 0, 0).error,
		 SBI_SUCCESS);
	/* disable: s and u cleared below and in tdata1, kept in state */
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_DISABLE_TRIGGERS, 0, 1, 0).error,
		 SBI_SUCCESS);
	CHECK_EQ(f->m.hw_tdata[0][3][0], TYPE(6) | SDTRIG_LOAD);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_READ_TRIGGERS, 0, 1, 0).error,
		 SBI_SUCCESS);
	CHECK_EQ(*word(f, 0, 0),
		 SBI_DBTR_STATE_MAPPED | SBI_DBTR_STATE_U | SBI_DBTR_STATE_S);
	CHECK_EQ(*word(f, 0, 1), TYPE(6) | SDTRIG_LOAD);
	/* disabling twice changes nothing; enable restores */
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_DISABLE_TRIGGERS, 0, 1, 0).error,
		 SBI_SUCCESS);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_ENABLE_TRIGGERS, 0, 1, 0).error,
		 SBI_SUCCESS);
	CHECK_EQ(f->m.hw_tdata[0][3][0], mc6);
	CHECK_EQ(f->m.hw_tdata[0][3][1], 0x80003000);
	/* a trigger not installed, past trig_max */
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_ENABLE_TRIGGERS, 1, 1, 0).error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(
		dbtr(f, 0, SBI_DBTR_DISABLE_TRIGGERS, MOCK_DBTR_HW, 1, 0).error,
		SBI_ERR_INVALID_PARAM);
	/* the hardware refuses: FAILED, the stored tdata1 unchanged */
	f->m.dbtr_fail_at = f->m.dbtr_calls + 1;
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_DISABLE_TRIGGERS, 0, 1, 0).error,
		 SBI_ERR_FAILED);
	CHECK_EQ(f->m.dbtr[0].trig[0].tdata[0], mc6);
	/* vs/vu of mcontrol6 are saved and restored the same way */
	put(f, 0, 0, TYPE(6) | SDTRIG_EXECUTE | SDTRIG_MC6_VS | SDTRIG_MC6_VU,
	    0);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 1, 0, 0).error,
		 SBI_SUCCESS);
	CHECK_EQ(f->m.dbtr[0].trig[1].state,
		 SBI_DBTR_STATE_MAPPED | SBI_DBTR_STATE_VS | SBI_DBTR_STATE_VU);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_DISABLE_TRIGGERS, 1, 1, 0).error,
		 SBI_SUCCESS);
	CHECK_EQ(f->m.hw_tdata[0][2][0], TYPE(6) | SDTRIG_EXECUTE);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_ENABLE_TRIGGERS, 0, 3, 0).error,
		 SBI_SUCCESS);
	CHECK_EQ(f->m.hw_tdata[0][2][0],
		 TYPE(6) | SDTRIG_EXECUTE | SDTRIG_MC6_VS | SDTRIG_MC6_VU);
}

TEST(dbtr_update)
{
	struct mock_fx *f = fx_shmem(0);
	struct sbi_nested_result r;

	put(f, 0, 0, MC_EXEC_SU, 0x1000);
	put(f, 1, 0, MC6_LOAD_S, 0x2000);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_INSTALL_TRIGGERS, 2, 0, 0).error,
		 SBI_SUCCESS);
	/* new address and only U for trigger 0; trigger 1 in entry 1 */
	put(f, 0, 0, TYPE(2) | SDTRIG_EXECUTE | SDTRIG_U, 0x1100);
	put(f, 1, 1, MC6_LOAD_S | SDTRIG_STORE, 0x2200);
	r = dbtr(f, 0, SBI_DBTR_UPDATE_TRIGGERS, 2, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 0);
	CHECK_EQ(f->m.hw_tdata[0][3][0], TYPE(2) | SDTRIG_EXECUTE | SDTRIG_U);
	CHECK_EQ(f->m.hw_tdata[0][3][1], 0x1100);
	CHECK_EQ(f->m.hw_tdata[0][2][1], 0x2200);
	CHECK_EQ(f->m.dbtr[0].trig[0].state,
		 SBI_DBTR_STATE_MAPPED | SBI_DBTR_STATE_U);

	/* errors, each with the failing entry in value; nothing changed */
	f->m.dbtr_calls = 0;
	put(f, 1, MOCK_DBTR_HW, MC6_LOAD_S, 0);
	r = dbtr(f, 0, SBI_DBTR_UPDATE_TRIGGERS, 2, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	CHECK_EQ(r.value, 1);
	put(f, 1, 2, MC6_LOAD_S, 0); /* valid index, not installed */
	r = dbtr(f, 0, SBI_DBTR_UPDATE_TRIGGERS, 2, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_FAILED);
	CHECK_EQ(r.value, 1);
	put(f, 1, 1, MC_EXEC_SU, 0); /* type differs */
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_UPDATE_TRIGGERS, 2, 0, 0).error,
		 SBI_ERR_INVALID_PARAM);
	put(f, 1, 1, MC6_LOAD_S | SDTRIG_CHAIN, 0); /* chain differs */
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_UPDATE_TRIGGERS, 2, 0, 0).error,
		 SBI_ERR_INVALID_PARAM);
	put(f, 1, 1, MC6_LOAD_S | SDTRIG_M, 0);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_UPDATE_TRIGGERS, 2, 0, 0).error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(dbtr(f, 0, SBI_DBTR_UPDATE_TRIGGERS, MOCK_DBTR_HW + 1, 0, 0)
			 .error,
		 SBI_ERR_BAD_RANGE);
	CHECK_EQ(f->m.dbtr_calls, 0);
	CHECK_EQ(f->m.hw_tdata[0][3][1], 0x1100);
	/* the hardware refuses the second: the first is updated */
	put(f, 0, 0, MC_EXEC_SU, 0x1200);
	put(f, 1, 1, MC6_LOAD_S | SDTRIG_ACTION, 0);
	f->m.dbtr_unsupported = SDTRIG_ACTION;
	r = dbtr(f, 0, SBI_DBTR_UPDATE_TRIGGERS, 2, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(r.value, 1);
	CHECK_EQ(f->m.hw_tdata[0][3][1], 0x1200);
	CHECK_EQ(f->m.hw_tdata[0][2][1], 0x2200);
}

TEST(dbtr_hart_reset)
{
	struct mock_fx *f = fx_shmem(2);

	put(f, 0, 0, MC_EXEC_SU, 0);
	put(f, 1, 0, MC6_LOAD_S, 0);
	CHECK_EQ(dbtr(f, 2, SBI_DBTR_INSTALL_TRIGGERS, 2, 0, 0).error,
		 SBI_SUCCESS);
	sbi_nested_dbtr_hart_reset(&f->sn, 2);
	CHECK_EQ(f->m.hw_used[2], 0);
	CHECK_EQ(f->m.dbtr_uninstalls, 2);
	CHECK(!f->m.dbtr[2].shmem_set);
	CHECK_EQ(dbtr(f, 2, SBI_DBTR_READ_TRIGGERS, 0, 1, 0).error,
		 SBI_ERR_NO_SHMEM);
	/* a hart that does not exist, or no DBTR: nothing */
	sbi_nested_dbtr_hart_reset(&f->sn, MOCK_NHARTS);
	f->cfg.dbtr = NULL;
	sbi_nested_dbtr_hart_reset(&f->sn, 2);
	CHECK_EQ(f->m.bad_hart_calls, 0);
}
