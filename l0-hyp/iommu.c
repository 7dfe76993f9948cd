/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L0's RISC-V IOMMU driver (iommu.h). The order of the set-up follows the
 * spec's "IOMMU initialization guidelines": capabilities and fctl checked,
 * the command queue, then the fault queue enabled, the device directory
 * built, ddtp written last, then IODIR.INVAL_DDT and IOTINVAL.GVMA so
 * nothing cached from before survives, fenced with IOFENCE.C.
 */
#include "iommu.h"

#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <stdio.h>
#include <string.h>

#define FAIL(...)                                   \
	do {                                        \
		snprintf(err, errlen, __VA_ARGS__); \
		return L0_IOMMU_BAD;                \
	} while (0)

/* Bounded waits on the IOMMU: QEMU answers at once; a device that does not
 * answer within this many polls is an error, never a hang. */
#define L0_IOMMU_SPIN 10000000UL

static uint8_t ddt_pages[L0_IOMMU_DDT_PAGES][PAGE_SIZE]
	__attribute__((aligned(PAGE_SIZE)));
static uint64_t cq[(1u << L0_IOMMU_CQ_LOG2) * 2]
	__attribute__((aligned(PAGE_SIZE)));
static uint64_t fq[(1u << L0_IOMMU_FQ_LOG2) * 4]
	__attribute__((aligned(PAGE_SIZE)));
/* the word IOFENCE.C writes when every earlier command is done */
static volatile uint32_t fence_word __attribute__((aligned(8)));

static uint32_t rd32(const struct l0_iommu *m, unsigned off)
{
	return *(volatile uint32_t *)(uintptr_t)(m->regs + off);
}

static void wr32(const struct l0_iommu *m, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(m->regs + off) = v;
}

static uint64_t rd64(const struct l0_iommu *m, unsigned off)
{
	return *(volatile uint64_t *)(uintptr_t)(m->regs + off);
}

static void wr64(const struct l0_iommu *m, unsigned off, uint64_t v)
{
	*(volatile uint64_t *)(uintptr_t)(m->regs + off) = v;
}

static uint64_t ddt_alloc(struct l0_iommu *m)
{
	if (m->ddt_used == L0_IOMMU_DDT_PAGES)
		return 0;
	memset(ddt_pages[m->ddt_used], 0, PAGE_SIZE);
	return (uint64_t)(uintptr_t)ddt_pages[m->ddt_used++];
}

/* The device context of `did`, creating the directory path to it. */
static uint64_t *dc_of(struct l0_iommu *m, uint32_t did)
{
	unsigned levels = (unsigned)(m->mode - IOMMU_DDTP_1LVL) + 1;
	uint64_t table = m->ddt_root;

	for (unsigned l = levels - 1; l > 0; l--) {
		uint64_t *e = (uint64_t *)(uintptr_t)table +
			      l0_iommu_ddi(did, l, m->ext_dc);

		if (!(*e & IOMMU_DDTE_V)) {
			uint64_t page = ddt_alloc(m);

			if (!page)
				return NULL;
			/* non-leaf DDT entry: V, PPN at [53:10] */
			*e = ((page >> PAGE_SHIFT) << IOMMU_DDTP_PPN_SHIFT) |
			     IOMMU_DDTE_V;
		}
		table = ((*e >> IOMMU_DDTP_PPN_SHIFT) & ((1ULL << 44) - 1))
			<< PAGE_SHIFT;
	}
	return (uint64_t *)(uintptr_t)table +
	       l0_iommu_ddi(did, 0, m->ext_dc) * (m->ext_dc ? 8 : 4);
}

static enum l0_iommu_status wait_qcsr(const struct l0_iommu *m, unsigned reg,
				      bool on, char *err, size_t errlen)
{
	for (unsigned long i = 0; i < L0_IOMMU_SPIN; i++) {
		uint32_t c = rd32(m, reg);

		if (!(c & IOMMU_QCSR_BUSY) && !!(c & IOMMU_QCSR_ON) == on)
			return L0_IOMMU_OK;
	}
	FAIL("IOMMU: %s queue did not turn %s (csr 0x%x)",
	     reg == IOMMU_REG_CQCSR ? "command" : "fault", on ? "on" : "off",
	     rd32(m, reg));
}

static void cq_push(struct l0_iommu *m, struct l0_iommu_cmd c)
{
	uint32_t n = 1u << L0_IOMMU_CQ_LOG2;

	cq[m->cq_tail * 2] = c.d0;
	cq[m->cq_tail * 2 + 1] = c.d1;
	m->cq_tail = (m->cq_tail + 1) & (n - 1);
	m->commands++;
	/* the entry is in memory before the IOMMU is told of it */
	fence_io_mem();
	wr32(m, IOMMU_REG_CQT, m->cq_tail);
}

/* IOFENCE.C with AV=1: the IOMMU writes DATA to fence_word once every
 * earlier command is done (PR/PW: and earlier device reads/writes). */
static enum l0_iommu_status cq_sync(struct l0_iommu *m, char *err,
				    size_t errlen)
{
	uint32_t seq = ++m->fence_seq;
	uint32_t csr;

	cq_push(m,
		l0_iommu_cmd_iofence_c((uint64_t)(uintptr_t)&fence_word, seq));
	for (unsigned long i = 0; i < L0_IOMMU_SPIN; i++) {
		fence_io_mem();
		if (fence_word == seq)
			return L0_IOMMU_OK;
		csr = rd32(m, IOMMU_REG_CQCSR);
		if (csr &
		    (IOMMU_QCSR_MF | IOMMU_CQCSR_CMD_TO | IOMMU_CQCSR_CMD_ILL))
			FAIL("IOMMU: command queue stopped (cqcsr 0x%x: "
			     "memory fault, timeout or illegal command)",
			     csr);
	}
	FAIL("IOMMU: IOFENCE.C not completed (cqh %u cqt %u cqcsr 0x%x)",
	     rd32(m, IOMMU_REG_CQH), rd32(m, IOMMU_REG_CQT),
	     rd32(m, IOMMU_REG_CQCSR));
}

static void cmd_iotinval_gvma(struct l0_iommu *m)
{
	/* GV=1: only L1's GSCID; AV=0: every address */
	cq_push(m, l0_iommu_cmd_iotinval_gvma(m->gscid));
	m->invalidations++;
}

enum l0_iommu_status l0_iommu_invalidate_gstage(struct l0_iommu *m, char *err,
						size_t errlen)
{
	cmd_iotinval_gvma(m);
	return cq_sync(m, err, errlen);
}

enum l0_iommu_status l0_iommu_init(struct l0_iommu *m, uint64_t regs,
				   const uint16_t *dev, unsigned ndev,
				   uint64_t root, enum pt_mode mode,
				   unsigned gscid, char *err, size_t errlen)
{
	uint64_t need, ddtp, iohgatp;
	uint32_t fctl, max_did = 0;

	memset(m, 0, sizeof(*m));
	m->regs = regs;
	m->gstage_root = root;
	m->gstage_mode = mode;
	m->gscid = gscid;
	if (ndev > L0_IOMMU_MAX_DEVICES)
		FAIL("IOMMU: %u devices, at most %d", ndev,
		     L0_IOMMU_MAX_DEVICES);
	m->caps = rd64(m, IOMMU_REG_CAPS);
	/* version 1.0 reads 0x10 ("capabilities": major.minor nibbles) */
	if ((m->caps & IOMMU_CAPS_VERSION_MASK) >> 4 != 1)
		FAIL("IOMMU: version 0x%llx, L0 drives 1.x",
		     (unsigned long long)(m->caps & IOMMU_CAPS_VERSION_MASK));
	need = mode == PT_SV48X4 ? IOMMU_CAPS_SV48X4 : IOMMU_CAPS_SV39X4;
	if (!(m->caps & need))
		FAIL("IOMMU: no %s second stage (capabilities 0x%llx): it "
		     "cannot walk L1's G-stage",
		     mode == PT_SV48X4 ? "Sv48x4" : "Sv39x4",
		     (unsigned long long)m->caps);
	/* little-endian data structures, 64-bit G-stage (fctl.BE = 0,
	 * fctl.GXL = 0); both WARL, so write and check */
	fctl = rd32(m, IOMMU_REG_FCTL);
	wr32(m, IOMMU_REG_FCTL, fctl & ~(IOMMU_FCTL_BE | IOMMU_FCTL_GXL));
	if (rd32(m, IOMMU_REG_FCTL) & (IOMMU_FCTL_BE | IOMMU_FCTL_GXL))
		FAIL("IOMMU: fctl 0x%x: cannot use little-endian structures "
		     "with a 64-bit G-stage",
		     rd32(m, IOMMU_REG_FCTL));
	m->ext_dc = (m->caps & IOMMU_CAPS_MSI_FLAT) != 0;
	for (unsigned i = 0; i < ndev; i++)
		if (dev[i] > max_did)
			max_did = dev[i];
	/* ddtp must not be busy ("ddtp": wait for busy = 0 before a write) */
	for (unsigned long i = 0;; i++) {
		if (!(rd64(m, IOMMU_REG_DDTP) & IOMMU_DDTP_BUSY))
			break;
		if (i == L0_IOMMU_SPIN)
			FAIL("IOMMU: ddtp stays busy");
	}

	/* the command queue: cqb = PPN | LOG2SZ-1, cqt = 0, then cqen */
	wr32(m, IOMMU_REG_CQCSR, 0);
	if (wait_qcsr(m, IOMMU_REG_CQCSR, false, err, errlen) != L0_IOMMU_OK)
		return L0_IOMMU_BAD;
	memset(cq, 0, sizeof(cq));
	wr64(m, IOMMU_REG_CQB,
	     (((uint64_t)(uintptr_t)cq >> PAGE_SHIFT) << IOMMU_QB_PPN_SHIFT) |
		     (L0_IOMMU_CQ_LOG2 - 1));
	wr32(m, IOMMU_REG_CQT, 0);
	m->cq_tail = 0;
	wr32(m, IOMMU_REG_CQCSR, IOMMU_QCSR_EN);
	if (wait_qcsr(m, IOMMU_REG_CQCSR, true, err, errlen) != L0_IOMMU_OK)
		return L0_IOMMU_BAD;
	/* the fault queue: fqb, fqh = 0, then fqen; interrupts off (L0
	 * polls: fie = 0) */
	wr32(m, IOMMU_REG_FQCSR, 0);
	if (wait_qcsr(m, IOMMU_REG_FQCSR, false, err, errlen) != L0_IOMMU_OK)
		return L0_IOMMU_BAD;
	memset(fq, 0, sizeof(fq));
	wr64(m, IOMMU_REG_FQB,
	     (((uint64_t)(uintptr_t)fq >> PAGE_SHIFT) << IOMMU_QB_PPN_SHIFT) |
		     (L0_IOMMU_FQ_LOG2 - 1));
	wr32(m, IOMMU_REG_FQH, 0);
	wr32(m, IOMMU_REG_FQCSR, IOMMU_QCSR_EN);
	if (wait_qcsr(m, IOMMU_REG_FQCSR, true, err, errlen) != L0_IOMMU_OK)
		return L0_IOMMU_BAD;

	/* the device directory */
	m->mode = l0_iommu_ddt_mode_for(max_did, m->ext_dc);
	m->ddt_root = ddt_alloc(m);
	/* iohgatp: the hgatp format (MODE [63:60], GSCID [59:44], PPN of the
	 * 16 KiB-aligned x4 root [43:0]): L1's G-stage itself */
	iohgatp = l0_iommu_iohgatp(root, mode, gscid);
	for (unsigned i = 0; i < ndev; i++) {
		uint64_t *dc = dc_of(m, dev[i]);

		if (!dc)
			FAIL("IOMMU: device directory pool (%d pages) "
			     "exhausted",
			     L0_IOMMU_DDT_PAGES);
		/* tc.V = 1 and nothing else: no ATS/PRI, faults reported
		 * (DTF = 0), G-stage A/D not updated (GADE = 0: L0's
		 * G-stage leaves have A and D set); ta = 0; fsc = 0 is
		 * iosatp Bare with PDTV = 0 (no first stage: device
		 * addresses are L1 guest-physical addresses); extended
		 * format: msiptp = 0 (MSI translation Off) */
		dc[1] = iohgatp;
		dc[2] = 0;
		dc[3] = 0;
		if (m->ext_dc)
			memset(&dc[4], 0, 4 * sizeof(uint64_t));
		fence_io_mem();
		dc[0] = IOMMU_DC_TC_V;
		m->dev[m->ndev++] = dev[i];
	}
	fence_io_mem();
	ddtp = ((m->ddt_root >> PAGE_SHIFT) << IOMMU_DDTP_PPN_SHIFT) | m->mode;
	wr64(m, IOMMU_REG_DDTP, ddtp);
	for (unsigned long i = 0;; i++) {
		uint64_t v = rd64(m, IOMMU_REG_DDTP);

		if (!(v & IOMMU_DDTP_BUSY)) {
			if ((v & IOMMU_DDTP_MODE_MASK) != m->mode)
				FAIL("IOMMU: ddtp mode %u not accepted "
				     "(reads 0x%llx)",
				     m->mode, (unsigned long long)v);
			break;
		}
		if (i == L0_IOMMU_SPIN)
			FAIL("IOMMU: ddtp stays busy after the write");
	}
	/* nothing cached from before counts: every device context, every
	 * G-stage translation of L1's GSCID ("Guidelines for invalidations":
	 * IODIR.INVAL_DDT with DV = 0 is all device IDs) */
	cq_push(m, l0_iommu_cmd_iodir_inval_ddt_all());
	cmd_iotinval_gvma(m);
	return cq_sync(m, err, errlen);
}

/* One reported fault: records of the same device, cause and transaction
 * type on the same page that follow each other are one line with their
 * count (a stray DMA of a sector is 128 records). */
struct fault_run {
	uint32_t did;
	unsigned cause, ttyp;
	uint64_t addr, iotval2, count;
};

static void report(const struct l0_iommu *m, const struct fault_run *f)
{
	/* iotval: the faulting IOVA (L1's guest-physical address, the
	 * first stage being Bare); iotval2 of a guest-page fault: that
	 * GPA >> 2 as the G-stage saw it ("Fault/Event-Queue") */
	printf("RVNEST iommu_fault bdf=%02x:%02x.%x cause=%s cause_code=%u "
	       "ttyp=%u addr=0x%llx iotval2=0x%llx count=%llu depth=%u\n",
	       (f->did >> 8) & 0xff, (f->did >> 3) & 0x1f, f->did & 7,
	       l0_iommu_cause_name(f->cause), f->cause, f->ttyp,
	       (unsigned long long)f->addr, (unsigned long long)f->iotval2,
	       (unsigned long long)f->count, m->depth);
}

unsigned l0_iommu_poll_faults(struct l0_iommu *m)
{
	uint32_t n = 1u << L0_IOMMU_FQ_LOG2, head, tail, csr;
	struct fault_run run = {0};
	unsigned got = 0;

	if (!m->regs)
		return 0;
	head = rd32(m, IOMMU_REG_FQH);
	tail = rd32(m, IOMMU_REG_FQT);
	while (head != tail && head < n) {
		const uint64_t *r = &fq[head * 4];
		struct fault_run f = {
			.did = (uint32_t)(r[0] >> IOMMU_FQ_DID_SHIFT),
			.cause = (unsigned)(r[0] & IOMMU_FQ_CAUSE_MASK),
			.ttyp = (unsigned)((r[0] >> IOMMU_FQ_TTYP_SHIFT) &
					   IOMMU_FQ_TTYP_MASK),
			.addr = r[2],
			.iotval2 = r[3],
			.count = 1,
		};

		if (run.count && f.did == run.did && f.cause == run.cause &&
		    f.ttyp == run.ttyp &&
		    f.addr >> PAGE_SHIFT == run.addr >> PAGE_SHIFT) {
			run.count++;
		} else {
			if (run.count)
				report(m, &run);
			run = f;
		}
		m->faults++;
		got++;
		head = (head + 1) & (n - 1);
		wr32(m, IOMMU_REG_FQH, head);
	}
	if (run.count)
		report(m, &run);
	csr = rd32(m, IOMMU_REG_FQCSR);
	if (csr & (IOMMU_QCSR_MF | IOMMU_FQCSR_OF)) {
		m->fq_overflows++;
		printf("[l0] IOMMU fault queue %s: records were lost\n",
		       csr & IOMMU_FQCSR_OF ? "overflowed" : "memory fault");
		/* fqmf/fqof are RW1C; the queue stays enabled */
		wr32(m, IOMMU_REG_FQCSR, csr);
	}
	return got;
}
