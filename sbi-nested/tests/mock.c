/* SPDX-License-Identifier: BSD-2-Clause */
#include "mock.h"

#include <rvnest/dbtr.h>
#include <rvnest/encoding.h>

#include <string.h>

static bool in_mem(unsigned long gpa, unsigned long len)
{
	return gpa >= MOCK_MEM_BASE && len <= MOCK_MEM_SIZE &&
	       gpa - MOCK_MEM_BASE <= MOCK_MEM_SIZE - len;
}

static void check_hart(struct mock *m, unsigned long hartid)
{
	if (hartid >= MOCK_NHARTS)
		m->bad_hart_calls++;
}

static enum sbi_nested_status m_check(void *ctx, unsigned long gpa,
				      unsigned long len,
				      enum sbi_nested_access access)
{
	struct mock *m = ctx;

	if (access == SBI_NESTED_ACCESS_EXEC && m->mem_noexec)
		return SBI_NESTED_OUTSIDE;
	/* len 0: the address itself must still be inside */
	if (!in_mem(gpa, len ? len : 1))
		return SBI_NESTED_OUTSIDE;
	return SBI_NESTED_OK;
}

static enum sbi_nested_status m_read(void *ctx, unsigned long gpa, void *buf,
				     size_t len)
{
	struct mock *m = ctx;

	if (!in_mem(gpa, len))
		m->copies_outside++;
	if (++m->guest_read_calls == m->guest_read_fail_at || !in_mem(gpa, len))
		return SBI_NESTED_OUTSIDE;
	memcpy(buf, &m->mem[gpa - MOCK_MEM_BASE], len);
	return SBI_NESTED_OK;
}

static enum sbi_nested_status m_write(void *ctx, unsigned long gpa,
				      const void *buf, size_t len)
{
	struct mock *m = ctx;

	if (!in_mem(gpa, len))
		m->copies_outside++;
	if (++m->guest_write_calls == m->guest_write_fail_at ||
	    !in_mem(gpa, len))
		return SBI_NESTED_OUTSIDE;
	memcpy(&m->mem[gpa - MOCK_MEM_BASE], buf, len);
	return SBI_NESTED_OK;
}

static enum sbi_nested_status m_read_virt(void *ctx, unsigned long hartid,
					  unsigned long gva, unsigned long *val)
{
	struct mock *m = ctx;

	check_hart(m, hartid);
	m->virt_calls++;
	if (gva != m->virt_addr)
		return m->virt_miss;
	*val = m->virt_value;
	return SBI_NESTED_OK;
}

static enum sbi_nested_status m_console_write(void *ctx, const char *buf,
					      size_t len)
{
	struct mock *m = ctx;

	m->console_writes++;
	if (m->console_fail)
		return SBI_NESTED_IO_ERROR;
	if (len > sizeof(m->out) - m->out_len)
		return SBI_NESTED_IO_ERROR;
	memcpy(m->out + m->out_len, buf, len);
	m->out_len += len;
	return SBI_NESTED_OK;
}

static int m_getc(void *ctx)
{
	struct mock *m = ctx;

	if (!m->in || !*m->in)
		return -1;
	return (unsigned char)*m->in++;
}

static void m_set_timer(void *ctx, unsigned long hartid, unsigned long stime)
{
	struct mock *m = ctx;

	check_hart(m, hartid);
	m->timer_calls++;
	m->timer_hart = hartid;
	m->timer_value = stime;
}

static enum sbi_nested_status m_send_ipi(void *ctx, unsigned long hartid)
{
	struct mock *m = ctx;

	check_hart(m, hartid);
	if (m->ipi_calls == MOCK_MAX_CALLS)
		m->ipi_calls = 0; /* long runs (fuzz) wrap the record */
	if ((long)hartid == m->ipi_fail_hart)
		return SBI_NESTED_NO_HART;
	m->ipi_harts[m->ipi_calls++] = hartid;
	return SBI_NESTED_OK;
}

static bool m_clear_ipi(void *ctx, unsigned long hartid)
{
	struct mock *m = ctx;
	bool was = m->ipi_pending;

	check_hart(m, hartid);
	m->clear_ipi_calls++;
	m->ipi_pending = false;
	return was;
}

static enum sbi_nested_status m_fence(void *ctx, unsigned long hartid,
				      const struct sbi_nested_fence *f)
{
	struct mock *m = ctx;

	check_hart(m, hartid);
	check_hart(m, f->source_hartid);
	if (m->fence_calls == MOCK_MAX_CALLS)
		m->fence_calls = 0; /* long runs (fuzz) wrap the record */
	if ((long)hartid == m->fence_fail_hart)
		return SBI_NESTED_NO_HART;
	m->fences[m->fence_calls].hartid = hartid;
	m->fences[m->fence_calls].f = *f;
	m->fence_calls++;
	return SBI_NESTED_OK;
}

static enum sbi_nested_hart_state m_status(void *ctx, unsigned long hartid)
{
	struct mock *m = ctx;

	check_hart(m, hartid);
	if (hartid >= MOCK_NHARTS)
		return SBI_NESTED_HART_STOPPED;
	return m->state[hartid];
}

static enum sbi_nested_status m_start(void *ctx, unsigned long hartid,
				      unsigned long addr, unsigned long opaque)
{
	struct mock *m = ctx;

	check_hart(m, hartid);
	if (hartid >= MOCK_NHARTS)
		return SBI_NESTED_NO_HART;
	m->start_calls++;
	m->start_hart = hartid;
	m->start_addr = addr;
	m->start_opaque = opaque;
	if (m->start_result == SBI_NESTED_OK)
		m->state[hartid] = SBI_NESTED_HART_START_PENDING;
	return m->start_result;
}

static void m_bench(void *ctx, unsigned long id,
		    enum sbi_nested_bench_phase phase,
		    const unsigned long args[5])
{
	struct mock *m = ctx;

	m->bench_calls++;
	m->bench_id = id;
	m->bench_phase = phase;
	memcpy(m->bench_args, args, sizeof(m->bench_args));
}

static enum sbi_nested_status m_hcsr_read(void *ctx, unsigned long hartid,
					  unsigned csr, unsigned long *val)
{
	struct mock *m = ctx;

	check_hart(m, hartid);
	m->hcsr_reads++;
	if (csr >= MOCK_NCSR || !m->hcsr_exists[csr])
		return SBI_NESTED_NO_CSR;
	*val = m->hcsr[csr];
	return SBI_NESTED_OK;
}

static enum sbi_nested_status m_hcsr_write(void *ctx, unsigned long hartid,
					   unsigned csr, unsigned long val)
{
	struct mock *m = ctx;

	check_hart(m, hartid);
	if (csr >= MOCK_NCSR || !m->hcsr_exists[csr])
		return SBI_NESTED_NO_CSR;
	if (m->hcsr_writes == MOCK_MAX_CALLS)
		m->hcsr_writes = 0; /* long runs (fuzz) wrap the record */
	m->hcsr_log[m->hcsr_writes++] = csr;
	if (m->hcsr_writes == m->hcsr_write_fail_at)
		return SBI_NESTED_NO_CSR;
	m->hcsr[csr] = (m->hcsr[csr] & ~m->hcsr_wmask[csr]) |
		       (val & m->hcsr_wmask[csr]);
	return SBI_NESTED_OK;
}

static enum sbi_nested_status m_hfence(void *ctx, unsigned long hartid,
				       const struct sbi_nested_hfence *f)
{
	struct mock *m = ctx;

	check_hart(m, hartid);
	if (m->hfence_calls == MOCK_MAX_CALLS)
		m->hfence_calls = 0;
	m->hfences[m->hfence_calls++] = *f;
	return m->hfence_fail ? SBI_NESTED_BAD_STATE : SBI_NESTED_OK;
}

static enum sbi_nested_status m_sret(void *ctx, unsigned long hartid,
				     const unsigned long gpr[32])
{
	struct mock *m = ctx;

	check_hart(m, hartid);
	m->sret_calls++;
	memcpy(m->sret_gpr, gpr, sizeof(m->sret_gpr));
	m->sret_hstatus = m->hcsr[CSR_HSTATUS];
	m->hcsr_writes_at_sret = m->hcsr_writes;
	m->hfence_calls_at_sret = m->hfence_calls;
	return m->sret_fail ? SBI_NESTED_BAD_STATE : SBI_NESTED_OK;
}

static enum sbi_nested_status m_fwft_get(void *ctx, unsigned long hartid,
					 unsigned long feature,
					 unsigned long *value)
{
	struct mock *m = ctx;

	if (hartid >= MOCK_NHARTS || feature >= SBI_FWFT_COUNT) {
		m->bad_hart_calls++; /* sbi-nested sorted these out */
		return SBI_NESTED_IO_ERROR;
	}
	if (!(m->fwft_supported & (1UL << feature)))
		return SBI_NESTED_UNSUPPORTED;
	if (m->fwft_get_fail)
		return SBI_NESTED_IO_ERROR;
	*value = m->fwft_value[hartid][feature];
	return SBI_NESTED_OK;
}

static enum sbi_nested_status m_fwft_set(void *ctx, unsigned long hartid,
					 unsigned long feature,
					 unsigned long value)
{
	struct mock *m = ctx;

	m->fwft_set_calls++;
	if (hartid >= MOCK_NHARTS || feature >= SBI_FWFT_COUNT) {
		m->bad_hart_calls++;
		return SBI_NESTED_IO_ERROR;
	}
	if (!(m->fwft_supported & (1UL << feature)))
		return SBI_NESTED_UNSUPPORTED;
	if (m->fwft_set_status != SBI_NESTED_OK)
		return m->fwft_set_status;
	if (feature == SBI_FWFT_POINTER_MASKING_PMLEN) {
		if (value > 16)
			return SBI_NESTED_BAD_VALUE;
		value = value == 0 ? 0 : value <= 7 ? 7 : 16;
	}
	m->fwft_value[hartid][feature] = value;
	return SBI_NESTED_OK;
}

static struct sbiret m_pmu_hw(void *ctx, unsigned long hartid,
			      unsigned long fid, const unsigned long args[5])
{
	struct mock *m = ctx;
	struct sbiret r = {.error = m->pmu_hw_error, .value = 0};

	if (hartid >= MOCK_NHARTS)
		m->bad_hart_calls++;
	if (m->pmu_hw_calls < MOCK_MAX_CALLS)
		m->pmu_hw_masks[m->pmu_hw_calls] = args[1];
	m->pmu_hw_calls++;
	m->pmu_hw_fid = fid;
	memcpy(m->pmu_hw_args, args, sizeof(m->pmu_hw_args));
	/* only hardware counters may reach the PMU below */
	if (fid != SBI_PMU_COUNTER_GET_INFO &&
	    (args[0] >= MOCK_PMU_HW || (args[1] >> (MOCK_PMU_HW - args[0]))))
		m->copies_outside++;
	if (r.error)
		return r;
	switch (fid) {
	case SBI_PMU_COUNTER_GET_INFO:
		if (args[0] == 1 || args[0] >= MOCK_PMU_HW)
			r.error = SBI_ERR_INVALID_PARAM;
		else
			r.value = (long)((63UL << SBI_PMU_INFO_WIDTH_SHIFT) |
					 (0xc00 + args[0]));
		break;
	case SBI_PMU_COUNTER_CFG_MATCHING:
		/* the first counter of the set */
		for (unsigned long i = 0; i < 64; i++)
			if (args[1] & (1UL << i)) {
				r.value = (long)(args[0] + i);
				break;
			}
		break;
	default:
		break;
	}
	return r;
}

static enum sbi_nested_status m_pmu_hw_read(void *ctx, unsigned long hartid,
					    unsigned long idx,
					    unsigned long *value)
{
	struct mock *m = ctx;

	if (hartid >= MOCK_NHARTS || idx >= MOCK_PMU_HW)
		m->bad_hart_calls++;
	if (m->pmu_hw_read_fail)
		return SBI_NESTED_UNSUPPORTED;
	*value = MOCK_PMU_HW_VALUE(idx);
	return SBI_NESTED_OK;
}

static unsigned long m_dbtr_count(void *ctx, unsigned long hartid,
				  unsigned long tdata1)
{
	struct mock *m = ctx;

	check_hart(m, hartid);
	/* every trigger below takes mcontrol and mcontrol6, nothing else */
	return SDTRIG_TYPE(tdata1) == SDTRIG_TYPE_MCONTROL ||
			       SDTRIG_TYPE(tdata1) == SDTRIG_TYPE_MCONTROL6
		       ? MOCK_DBTR_HW
		       : 0;
}

static enum sbi_nested_status m_dbtr_program(struct mock *m,
					     unsigned long hartid,
					     unsigned long hw,
					     const unsigned long tdata[3])
{
	if (++m->dbtr_calls == m->dbtr_fail_at)
		return SBI_NESTED_IO_ERROR;
	if (tdata[0] & m->dbtr_unsupported)
		return SBI_NESTED_UNSUPPORTED;
	/* sbi-nested checked these: never below */
	if (tdata[0] & (SDTRIG_DMODE | SDTRIG_M))
		m->copies_outside++;
	memcpy(m->hw_tdata[hartid][hw], tdata, sizeof(m->hw_tdata[0][0]));
	return SBI_NESTED_OK;
}

static enum sbi_nested_status m_dbtr_install(void *ctx, unsigned long hartid,
					     const unsigned long tdata[3],
					     unsigned long *hw)
{
	struct mock *m = ctx;
	enum sbi_nested_status st;

	check_hart(m, hartid);
	if (hartid >= MOCK_NHARTS)
		return SBI_NESTED_IO_ERROR;
	/* the highest free one, so handles differ from logical indices */
	for (unsigned long i = MOCK_DBTR_HW; i-- > 0;) {
		if (m->hw_used[hartid] & (1UL << i))
			continue;
		st = m_dbtr_program(m, hartid, i, tdata);
		if (st == SBI_NESTED_OK) {
			m->hw_used[hartid] |= 1UL << i;
			*hw = i;
		}
		return st;
	}
	return SBI_NESTED_BAD_STATE;
}

static enum sbi_nested_status m_dbtr_update(void *ctx, unsigned long hartid,
					    unsigned long hw,
					    const unsigned long tdata[3])
{
	struct mock *m = ctx;

	check_hart(m, hartid);
	if (hartid >= MOCK_NHARTS || hw >= MOCK_DBTR_HW ||
	    !(m->hw_used[hartid] & (1UL << hw))) {
		m->bad_hart_calls++; /* a handle sbi-nested never got */
		return SBI_NESTED_IO_ERROR;
	}
	return m_dbtr_program(m, hartid, hw, tdata);
}

static enum sbi_nested_status m_dbtr_uninstall(void *ctx, unsigned long hartid,
					       unsigned long hw)
{
	struct mock *m = ctx;

	check_hart(m, hartid);
	if (hartid >= MOCK_NHARTS || hw >= MOCK_DBTR_HW ||
	    !(m->hw_used[hartid] & (1UL << hw))) {
		m->bad_hart_calls++;
		return SBI_NESTED_IO_ERROR;
	}
	m->dbtr_uninstalls++;
	m->hw_used[hartid] &= ~(1UL << hw);
	memset(m->hw_tdata[hartid][hw], 0, sizeof(m->hw_tdata[0][0]));
	return SBI_NESTED_OK;
}

static unsigned long m_pmu_hw_overflow(void *ctx, unsigned long hartid)
{
	struct mock *m = ctx;

	check_hart(m, hartid);
	return m->pmu_hw_ovf;
}

void *mock_guest_map(void *ctx, unsigned long gpa, unsigned long len)
{
	struct mock *m = ctx;

	m->map_calls++;
	if (!in_mem(gpa, len))
		m->copies_outside++; /* only checked ranges may be mapped */
	if (m->map_refuse || !in_mem(gpa, len))
		return NULL;
	return &m->mem[gpa - MOCK_MEM_BASE];
}

/* The H-extension CSRs the mock L0 implements: all NACL knows but
 * hstateen0, so "not implemented" is exercised too. */
static const unsigned mock_hcsrs[] = {
	CSR_HSTATUS, CSR_HEDELEG, CSR_HIDELEG, CSR_HVIP,       CSR_HIP,
	CSR_HIE,     CSR_HGEIE,	  CSR_HGEIP,   CSR_HCOUNTEREN, CSR_HTIMEDELTA,
	CSR_HENVCFG, CSR_HTVAL,	  CSR_HTINST,  CSR_HGATP,      CSR_VSSTATUS,
	CSR_VSIE,    CSR_VSIP,	  CSR_VSTVEC,  CSR_VSSCRATCH,  CSR_VSEPC,
	CSR_VSCAUSE, CSR_VSTVAL,  CSR_VSATP,   CSR_VSTIMECMP,
};

static const struct sbi_nested_ops mock_ops = {
	.guest_check = m_check,
	.guest_read = m_read,
	.guest_write = m_write,
	.guest_read_ulong_virt = m_read_virt,
	.console_write = m_console_write,
	.console_getc = m_getc,
	.set_timer = m_set_timer,
	.send_ipi = m_send_ipi,
	.clear_ipi = m_clear_ipi,
	.remote_fence = m_fence,
	.hart_get_status = m_status,
	.hart_start = m_start,
	.bench_mark = m_bench,
	.hcsr_read = m_hcsr_read,
	.hcsr_write = m_hcsr_write,
	.hfence = m_hfence,
	.nacl_sret = m_sret,
	.fwft_get = m_fwft_get,
	.fwft_set = m_fwft_set,
	.pmu_hw = m_pmu_hw,
	.pmu_hw_read = m_pmu_hw_read,
	.pmu_hw_overflow = m_pmu_hw_overflow,
	.dbtr_count = m_dbtr_count,
	.dbtr_install = m_dbtr_install,
	.dbtr_update = m_dbtr_update,
	.dbtr_uninstall = m_dbtr_uninstall,
};

void mock_init(struct mock *m, struct sbi_nested *sn,
	       struct sbi_nested_config *cfg, struct sbi_nested_ops *ops)
{
	memset(m, 0, sizeof(*m));
	m->ipi_fail_hart = -1;
	m->fence_fail_hart = -1;
	m->virt_miss = SBI_NESTED_FAULT;
	m->state[0] = SBI_NESTED_HART_STARTED;
	for (int i = 1; i < MOCK_NHARTS; i++)
		m->state[i] = SBI_NESTED_HART_STOPPED;

	for (size_t i = 0; i < sizeof(mock_hcsrs) / sizeof(mock_hcsrs[0]);
	     i++) {
		m->hcsr_exists[mock_hcsrs[i]] = true;
		m->hcsr_wmask[mock_hcsrs[i]] = ~0UL;
		/* distinct reset values, so a write-back is visible */
		m->hcsr[mock_hcsrs[i]] = 0x1000UL + mock_hcsrs[i];
	}
	m->hcsr_wmask[CSR_HGEIP] = 0; /* read-only */

	*ops = mock_ops;
	*cfg = (struct sbi_nested_config){
		.nharts = MOCK_NHARTS,
		.mvendorid = 0x111,
		.marchid = 0x222,
		.mimpid = 0x333,
		.guest_has_h = true,
		.ext_enabled = SBI_NESTED_EXT_ALL,
		.pmu_hw_counters = MOCK_PMU_HW,
		.fwft = m->fwft,
		.pmu = m->pmu,
		.dbtr_triggers = MOCK_DBTR_HW,
		.dbtr = m->dbtr,
	};
	/* nacl_features 0: NACL absent unless a test offers it */
	*sn = (struct sbi_nested){
		.ops = ops,
		.cfg = cfg,
		.ctx = m,
		.nacl = m->nacl,
	};
}

struct sbi_nested_result mock_call_on(const struct sbi_nested *sn,
				      unsigned long hartid, unsigned long eid,
				      unsigned long fid, unsigned long a0,
				      unsigned long a1, unsigned long a2)
{
	struct sbi_nested_request req = {
		.eid = eid,
		.fid = fid,
		.args = {a0, a1, a2, 0, 0, 0},
		.hartid = hartid,
	};
	struct sbi_nested_result res;

	memset(&res, 0x5a, sizeof(res));
	sbi_nested_dispatch(sn, &req, &res);
	return res;
}

struct sbi_nested_result mock_call(const struct sbi_nested *sn,
				   unsigned long eid, unsigned long fid,
				   unsigned long a0, unsigned long a1,
				   unsigned long a2, unsigned long a3,
				   unsigned long a4)
{
	struct sbi_nested_request req = {
		.eid = eid,
		.fid = fid,
		.args = {a0, a1, a2, a3, a4, 0},
		.hartid = 0,
	};
	struct sbi_nested_result res;

	/* poison: the dispatcher must set every field it reports */
	memset(&res, 0x5a, sizeof(res));
	sbi_nested_dispatch(sn, &req, &res);
	return res;
}

struct mock_fx *mock_setup(void)
{
	static struct mock_fx fx;

	mock_init(&fx.m, &fx.sn, &fx.cfg, &fx.ops);
	return &fx;
}
