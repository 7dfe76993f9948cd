/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The host build's <rvnest/csr.h>: the same accessor names as
 * common/include/rvnest/csr.h, backed by the model hart of
 * l0-hyp/tests/model_hart.c instead of CSR instructions. It is selected
 * by the include path only (-Il0-hyp/tests/model ahead of
 * -Icommon/include, l0-hyp/module.mk), so the bare-metal build and the
 * code under test (vhyp.c, fetch.c) are unchanged.
 */
#ifndef RVNEST_CSR_H
#define RVNEST_CSR_H

#include <rvnest/encoding.h>

/* The model hart's CSR file (model_hart.c): a read or write of a CSR the
 * model does not implement ends the test with a message naming it. */
unsigned long model_csr_read(unsigned csr);
void model_csr_write(unsigned csr, unsigned long val);
unsigned long model_csr_swap(unsigned csr, unsigned long val);
void model_csr_set(unsigned csr, unsigned long bits);
void model_csr_clear(unsigned csr, unsigned long bits);

#define csr_read(csr) model_csr_read(csr)
#define csr_write(csr, val) model_csr_write(csr, (unsigned long)(val))
#define csr_swap(csr, val) model_csr_swap(csr, (unsigned long)(val))
#define csr_set(csr, val) model_csr_set(csr, (unsigned long)(val))
#define csr_clear(csr, val) model_csr_clear(csr, (unsigned long)(val))

/* The fences the model hart executed (counted and recorded there). */
enum model_fence {
	MODEL_HFENCE_GVMA,
	MODEL_HFENCE_VVMA,
	MODEL_SFENCE_VMA,
	MODEL_FENCE_I,
	MODEL_FENCE_KINDS,
};
void model_fence(enum model_fence kind, int has_addr, unsigned long addr,
		 int has_id, unsigned long id);

static inline void hfence_gvma_all(void)
{
	model_fence(MODEL_HFENCE_GVMA, 0, 0, 0, 0);
}
static inline void hfence_gvma_gpa(unsigned long gpa)
{
	/* rs1 = guest physical address >> 2, as the instruction takes it */
	model_fence(MODEL_HFENCE_GVMA, 1, gpa >> 2, 0, 0);
}
static inline void hfence_gvma_vmid(unsigned long vmid)
{
	model_fence(MODEL_HFENCE_GVMA, 0, 0, 1, vmid);
}
static inline void hfence_gvma_gpa_vmid(unsigned long gpa, unsigned long vmid)
{
	model_fence(MODEL_HFENCE_GVMA, 1, gpa >> 2, 1, vmid);
}
static inline void hfence_vvma_all(void)
{
	model_fence(MODEL_HFENCE_VVMA, 0, 0, 0, 0);
}
static inline void hfence_vvma_va(unsigned long va)
{
	model_fence(MODEL_HFENCE_VVMA, 1, va, 0, 0);
}
static inline void hfence_vvma_asid(unsigned long asid)
{
	model_fence(MODEL_HFENCE_VVMA, 0, 0, 1, asid);
}
static inline void hfence_vvma_va_asid(unsigned long va, unsigned long asid)
{
	model_fence(MODEL_HFENCE_VVMA, 1, va, 1, asid);
}
static inline void sfence_vma_all(void)
{
	model_fence(MODEL_SFENCE_VMA, 0, 0, 0, 0);
}
static inline void fence_i(void)
{
	model_fence(MODEL_FENCE_I, 0, 0, 0, 0);
}

static inline unsigned long rd_cycle(void)
{
	return model_csr_read(CSR_CYCLE);
}
static inline unsigned long rd_time(void)
{
	return model_csr_read(CSR_TIME);
}
static inline unsigned long rd_instret(void)
{
	return model_csr_read(CSR_INSTRET);
}

/* WFI on the model hart: the test that uses it says what wakes the hart
 * (test_l0_sched.c: the scheduler's idle loop) */
void model_wfi(void);
static inline void wfi(void)
{
	model_wfi();
}

#endif /* RVNEST_CSR_H */
