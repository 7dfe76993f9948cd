/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SBI below L0 (model_sbi.h): the NACL and PMU extensions of the SBI
 * spec v2.0 on the model hart's CSRs, and L0's exits back to the test.
 */
#define L0_MODEL_SBI_TESTS
#include "model_sbi.h"

#include <rvnest/console.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../vcpu.h"
#include "model_hart.h"

struct model_sbi model_sbi;

static jmp_buf model_sbi_jb;
static bool model_sbi_armed;

void model_sbi_reset(void)
{
	memset(&model_sbi, 0, sizeof(model_sbi));
	model_sbi.sret_hstatus = ~0UL;
}

/* ---- NACL ---------------------------------------------------------------- */

#define W(off) ((off) / SBI_NACL_WORD_BYTES)
#define DIRTY_BITS (8 * SBI_NACL_WORD_BYTES)

/* The CSR of CSR-space index i: the inverse of SBI_NACL_CSR_INDEX for the
 * H-extension CSRs, whose number has bits 9:8 = 2 ("Nested CSR space":
 * only those are in it) */
static unsigned nacl_csr_of(unsigned long i)
{
	return (unsigned)(((i & 0x300) << 2) | SBI_NACL_CSR_NUM_H | (i & 0xff));
}

/* "The SBI implementation MUST update the CSR space whenever the state of
 * any RISC-V H-extension CSR changes": the model's value, as read back */
static void nacl_csr_space_fill(void)
{
	for (unsigned long i = 0; i < SBI_NACL_CSR_COUNT; i++) {
		unsigned csr = nacl_csr_of(i);

		if (model_hart.known[csr])
			model_sbi.shmem[W(SBI_NACL_CSR_SPACE_OFFSET) + i] =
				model_hart.csr[csr];
	}
}

/* SYNC_CSR: "write the new values of dirty CSRs ... and clear the dirty
 * bits"; csr ~0: all of them */
static long nacl_sync_csr(unsigned long csr)
{
	unsigned long *dirty = model_sbi.shmem + W(SBI_NACL_DIRTY_OFFSET);

	if (csr != ~0UL &&
	    (csr >= SBI_NACL_CSR_NUM_LIMIT ||
	     (csr & SBI_NACL_CSR_NUM_MASK) != SBI_NACL_CSR_NUM_H))
		return SBI_ERR_INVALID_PARAM;
	for (unsigned long i = 0; i < SBI_NACL_CSR_COUNT; i++) {
		unsigned c = nacl_csr_of(i);
		unsigned long *word =
			&model_sbi.shmem[W(SBI_NACL_CSR_SPACE_OFFSET) + i];

		if (!(dirty[i / DIRTY_BITS] & (1UL << (i % DIRTY_BITS))) ||
		    (csr != ~0UL && c != csr))
			continue;
		dirty[i / DIRTY_BITS] &= ~(1UL << (i % DIRTY_BITS));
		if (!model_hart.known[c])
			return SBI_ERR_INVALID_PARAM;
		model_csr_write(c, *word);
		*word = model_hart.csr[c]; /* the WARL result */
		model_sbi.csr_synced++;
	}
	return SBI_SUCCESS;
}

/* SYNC_HFENCE: "process ... and clear the Config.Pending bit"; index ~0:
 * every entry */
static long nacl_sync_hfence(unsigned long index)
{
	if (index != ~0UL && index >= SBI_NACL_HFENCE_COUNT)
		return SBI_ERR_INVALID_PARAM;
	for (unsigned i = 0; i < SBI_NACL_HFENCE_COUNT; i++) {
		unsigned long *e =
			model_sbi.shmem + W(SBI_NACL_HFENCE_OFFSET +
					    i * SBI_NACL_HFENCE_ENTRY_BYTES);
		unsigned long type;
		struct model_sbi_hfence *log;

		if ((index != ~0UL && i != index) ||
		    !(e[SBI_NACL_HFENCE_WORD_CONFIG] & SBI_NACL_HFENCE_PENDING))
			continue;
		if (model_sbi.hfences < MODEL_SBI_HFENCE_LOG) {
			log = &model_sbi.hfence[model_sbi.hfences];
			log->config = e[SBI_NACL_HFENCE_WORD_CONFIG];
			log->pnum = e[SBI_NACL_HFENCE_WORD_PNUM];
			log->rsvd = e[2];
			log->pcount = e[SBI_NACL_HFENCE_WORD_PCOUNT];
			log->idx = i;
		}
		model_sbi.hfences++;
		type = (e[SBI_NACL_HFENCE_WORD_CONFIG] >>
			SBI_NACL_HFENCE_TYPE_SHIFT) &
		       SBI_NACL_HFENCE_TYPE_MASK;
		model_fence(type < SBI_NACL_HFENCE_VVMA ? MODEL_HFENCE_GVMA
							: MODEL_HFENCE_VVMA,
			    0, 0, 0, 0);
		e[SBI_NACL_HFENCE_WORD_CONFIG] &= ~SBI_NACL_HFENCE_PENDING;
	}
	return SBI_SUCCESS;
}

static void __attribute__((noreturn)) model_sbi_leave(enum model_sbi_exit how)
{
	if (!model_sbi_armed) {
		fprintf(stderr,
			"model sbi: L0 left (%d) outside model_sbi_run\n", how);
		abort();
	}
	model_sbi.exit = how;
	longjmp(model_sbi_jb, 1);
}

/* SYNC_SRET: CSRs, then HFENCEs, the GPRs of the nested SRET context,
 * HSTATUS swapped in when Autoswap_Flags.HSTATUS is set (and L0's own
 * swapped out into the context), and the SRET: no return on success */
static long nacl_sync_sret(void)
{
	unsigned long *sh = model_sbi.shmem;
	unsigned long *hs = sh + W(SBI_NACL_AUTOSWAP_HSTATUS_OFFSET);

	(void)nacl_sync_csr(~0UL);
	(void)nacl_sync_hfence(~0UL);
	for (unsigned i = 1; i < 32; i++)
		model_sbi.sret_gpr[i] = sh[W(SBI_NACL_SRET_OFFSET) + i];
	if (sh[W(SBI_NACL_AUTOSWAP_FLAGS_OFFSET)] &
	    SBI_NACL_AUTOSWAP_FLAG_HSTATUS) {
		model_sbi.sret_hstatus = *hs;
		*hs = model_hart.csr[CSR_HSTATUS];
	}
	model_sbi_leave(MODEL_SBI_SYNC_SRET_DONE);
}

static struct sbiret nacl_call(unsigned long fid, unsigned long a0,
			       unsigned long a1, unsigned long a2)
{
	struct sbiret r = {SBI_SUCCESS, 0};

	switch (fid) {
	case SBI_NACL_PROBE_FEATURE:
		r.value = a0 < SBI_NACL_FEAT_COUNT && model_sbi.nacl_feat[a0];
		break;
	case SBI_NACL_SET_SHMEM:
		/* "MUST be 4096 bytes (i.e. page) aligned"; flags reserved */
		if (a0 == SBI_NACL_SHMEM_DISABLE) {
			model_sbi.shmem = NULL;
		} else if (a2 != 0) {
			r.error = SBI_ERR_INVALID_PARAM;
		} else if (a1 != 0 || a0 % SBI_NACL_SHMEM_ALIGN) {
			r.error = SBI_ERR_INVALID_ADDRESS;
		} else {
			model_sbi.shmem = (unsigned long *)a0;
			memset(model_sbi.shmem, 0, SBI_NACL_SHMEM_SIZE);
			nacl_csr_space_fill();
		}
		break;
	case SBI_NACL_SYNC_CSR:
	case SBI_NACL_SYNC_HFENCE:
	case SBI_NACL_SYNC_SRET:
		if (!model_sbi.shmem)
			r.error = SBI_ERR_NO_SHMEM;
		else if (fid == SBI_NACL_SYNC_CSR)
			r.error = nacl_sync_csr(a0);
		else if (fid == SBI_NACL_SYNC_HFENCE)
			r.error = nacl_sync_hfence(a0);
		else
			r.error = nacl_sync_sret();
		break;
	default:
		r.error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
	return r;
}

/* ---- PMU ----------------------------------------------------------------- */

static struct sbiret pmu_call(unsigned long fid, unsigned long a0)
{
	struct sbiret r = {SBI_SUCCESS, 0};

	switch (fid) {
	case SBI_PMU_NUM_COUNTERS:
		r.value = (long)model_sbi.pmu_counters;
		break;
	case SBI_PMU_COUNTER_GET_INFO:
		/* counter_info: CSR in [11:0], width - 1 in [17:12], type in
		 * the top bit; 1 (time) is not a counter, as OpenSBI has it */
		if (a0 >= model_sbi.pmu_counters || a0 == 1)
			r.error = SBI_ERR_INVALID_PARAM;
		else if (a0 < model_sbi.pmu_hw)
			r.value = (long)((CSR_CYCLE + a0) | (63UL << 12));
		else
			r.value = (long)SBI_PMU_INFO_TYPE_FW;
		break;
	case SBI_PMU_COUNTER_CFG_MATCHING:
		r.value = (long)model_sbi.pmu_cfg_counter;
		break;
	case SBI_PMU_COUNTER_START:
	case SBI_PMU_COUNTER_STOP:
		break;
	default:
		r.error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
	return r;
}

struct sbiret sbi_ecall(unsigned long ext, unsigned long fid,
			unsigned long arg0, unsigned long arg1,
			unsigned long arg2, unsigned long arg3,
			unsigned long arg4, unsigned long arg5)
{
	(void)arg5;
	model_sbi.calls++;
	if (ext == SBI_EXT_NACL && fid <= SBI_NACL_SYNC_SRET) {
		model_sbi.nacl_calls[fid]++;
		if (model_sbi.seqn < MODEL_SBI_SEQ)
			model_sbi.seq[model_sbi.seqn++] = fid;
	}
	if (ext == SBI_EXT_PMU && model_sbi.seqn < MODEL_SBI_SEQ)
		model_sbi.seq[model_sbi.seqn++] = MODEL_SBI_SEQ_PMU;
	if (ext == SBI_EXT_PMU && fid <= SBI_PMU_COUNTER_FW_READ_HI) {
		unsigned long *a = model_sbi.last_args[fid];

		model_sbi.pmu_calls[fid]++;
		a[0] = arg0;
		a[1] = arg1;
		a[2] = arg2;
		a[3] = arg3;
		a[4] = arg4;
	}
	if (model_sbi.fail_error && ext == model_sbi.fail_ext &&
	    fid == model_sbi.fail_fid)
		return (struct sbiret){model_sbi.fail_error, 0};
	switch (ext) {
	case SBI_EXT_BASE:
		if (fid == SBI_BASE_PROBE_EXT)
			return (struct sbiret){
				SBI_SUCCESS,
				(arg0 == SBI_EXT_NACL && model_sbi.nacl) ||
					(arg0 == SBI_EXT_PMU && model_sbi.pmu)};
		break;
	case SBI_EXT_NACL:
		if (model_sbi.nacl)
			return nacl_call(fid, arg0, arg1, arg2);
		break;
	case SBI_EXT_PMU:
		if (model_sbi.pmu)
			return pmu_call(fid, arg0);
		break;
	default:
		break;
	}
	return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
}

/* common/sbi_client.c's (RISC-V only there): Base probe_extension */
long sbi_probe(unsigned long ext)
{
	struct sbiret r = sbi_call1(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, ext);

	return r.error ? 0 : r.value;
}

/* ---- L0's exits ---------------------------------------------------------- */

/* console.c's panic, back to the test (model_hart.c's is weak) */
void panic(const char *fmt, ...)
{
	va_list ap;

	if (model_sbi_armed)
		model_sbi_leave(MODEL_SBI_PANIC);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* vcpu.c's SRET into the guest */
void l0_guest_enter(struct l0_vcpu *v)
{
	model_sbi.entered = v;
	model_sbi_leave(MODEL_SBI_GUEST_ENTER);
}

enum model_sbi_exit model_sbi_run(void (*fn)(void *), void *arg)
{
	FILE *out = tmpfile();
	int saved;
	size_t n;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	if (!out || saved < 0 || dup2(fileno(out), STDOUT_FILENO) < 0) {
		fprintf(stderr, "model sbi: cannot capture stdout\n");
		abort();
	}
	model_sbi.exit = MODEL_SBI_RETURNED;
	model_sbi.out[0] = '\0';
	if (setjmp(model_sbi_jb) == 0) {
		model_sbi_armed = true;
		fn(arg);
	}
	model_sbi_armed = false;
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(out);
	n = fread(model_sbi.out, 1, sizeof(model_sbi.out) - 1, out);
	model_sbi.out[n] = '\0';
	fclose(out);
	return model_sbi.exit;
}
