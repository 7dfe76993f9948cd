/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one CSR and privileged-instruction accessor layer. No other .c file
 * writes raw CSR or fence asm; add an accessor here instead.
 */
#ifndef RVNEST_CSR_H
#define RVNEST_CSR_H

#include <rvnest/encoding.h>

#define __csr_str(x) #x
#define csr_str(x) __csr_str(x)

#define csr_read(csr)                                                  \
	({                                                             \
		unsigned long __v;                                     \
		__asm__ __volatile__("csrr %0, " csr_str(csr)          \
				     : "=r"(__v)                       \
				     :                                 \
				     : "memory");                      \
		__v;                                                   \
	})

#define csr_write(csr, val)                                            \
	do {                                                           \
		unsigned long __v = (unsigned long)(val);              \
		__asm__ __volatile__("csrw " csr_str(csr) ", %0"       \
				     :                                 \
				     : "rK"(__v)                       \
				     : "memory");                      \
	} while (0)

#define csr_swap(csr, val)                                             \
	({                                                             \
		unsigned long __v = (unsigned long)(val);              \
		__asm__ __volatile__("csrrw %0, " csr_str(csr) ", %1"  \
				     : "=r"(__v)                       \
				     : "rK"(__v)                       \
				     : "memory");                      \
		__v;                                                   \
	})

#define csr_set(csr, val)                                              \
	do {                                                           \
		unsigned long __v = (unsigned long)(val);              \
		__asm__ __volatile__("csrs " csr_str(csr) ", %0"       \
				     :                                 \
				     : "rK"(__v)                       \
				     : "memory");                      \
	} while (0)

#define csr_clear(csr, val)                                            \
	do {                                                           \
		unsigned long __v = (unsigned long)(val);              \
		__asm__ __volatile__("csrc " csr_str(csr) ", %0"       \
				     :                                 \
				     : "rK"(__v)                       \
				     : "memory");                      \
	} while (0)

/* CSRRC: clear the bits of val and return the CSR's old value (one
 * instruction, so a bit set between a read and a clear is not lost). */
#define csr_read_clear(csr, val)                                       \
	({                                                             \
		unsigned long __v = (unsigned long)(val);              \
		__asm__ __volatile__("csrrc %0, " csr_str(csr) ", %1"  \
				     : "=r"(__v)                       \
				     : "rK"(__v)                       \
				     : "memory");                      \
		__v;                                                   \
	})

/* Order every earlier memory and device access before every later one
 * (FENCE IORW,IORW): a queue entry written to memory before the device
 * register that hands it over, as a DMA-capable device needs. */
static inline void fence_io_mem(void)
{
	__asm__ __volatile__("fence iorw, iorw" ::: "memory");
}

/* H-extension instructions; the assembler needs ".option arch, +h". */
#define __H_INSN(text) \
	".option push\n.option arch, +h\n" text "\n.option pop\n"

static inline void hfence_gvma_all(void)
{
	__asm__ __volatile__(__H_INSN("hfence.gvma zero, zero") ::: "memory");
}

/* HFENCE.GVMA rs1 = guest physical address >> 2 (spec: "Hypervisor
 * Memory-Management Fence Instructions"). */
static inline void hfence_gvma_gpa(unsigned long gpa)
{
	__asm__ __volatile__(__H_INSN("hfence.gvma %0, zero")::"r"(gpa >> 2)
			     : "memory");
}

static inline void hfence_gvma_vmid(unsigned long vmid)
{
	__asm__ __volatile__(__H_INSN("hfence.gvma zero, %0")::"r"(vmid)
			     : "memory");
}

static inline void hfence_vvma_all(void)
{
	__asm__ __volatile__(__H_INSN("hfence.vvma zero, zero") ::: "memory");
}

/* HFENCE.GVMA with both operands (rs1 = guest physical address >> 2,
 * rs2 = VMID), as L0 replays a guest hypervisor's fence. */
static inline void hfence_gvma_gpa_vmid(unsigned long gpa, unsigned long vmid)
{
	__asm__ __volatile__(__H_INSN("hfence.gvma %0, %1")::"r"(gpa >> 2),
			     "r"(vmid)
			     : "memory");
}

/* HFENCE.VVMA for the VMID in the current hgatp: by guest virtual
 * address, by ASID, or both. */
static inline void hfence_vvma_va(unsigned long va)
{
	__asm__ __volatile__(__H_INSN("hfence.vvma %0, zero")::"r"(va)
			     : "memory");
}

static inline void hfence_vvma_asid(unsigned long asid)
{
	__asm__ __volatile__(__H_INSN("hfence.vvma zero, %0")::"r"(asid)
			     : "memory");
}

static inline void hfence_vvma_va_asid(unsigned long va, unsigned long asid)
{
	__asm__ __volatile__(__H_INSN("hfence.vvma %0, %1")::"r"(va),
			     "r"(asid)
			     : "memory");
}

static inline void sfence_vma_all(void)
{
	__asm__ __volatile__("sfence.vma zero, zero" ::: "memory");
}

static inline void fence_i(void)
{
	__asm__ __volatile__("fence.i" ::: "memory");
}

static inline void wfi(void)
{
	__asm__ __volatile__("wfi" ::: "memory");
}

/* Counters: rdcycle/rdtime/rdinstret are CSR reads of 0xc00..0xc02. */
static inline unsigned long rd_cycle(void)
{
	return csr_read(CSR_CYCLE);
}
static inline unsigned long rd_time(void)
{
	return csr_read(CSR_TIME);
}
static inline unsigned long rd_instret(void)
{
	return csr_read(CSR_INSTRET);
}

/*
 * Hypervisor virtual-machine loads and stores ("Hypervisor Virtual-Machine
 * Load and Store Instructions"): access guest memory as VS/VU-mode would
 * (privilege from hstatus.SPVP, VS-stage by vsatp, then G-stage by hgatp).
 * HLVX reads with execute permission: the way to fetch a guest's
 * instruction for emulation. A fault traps to the caller's own handler.
 */
#define __HLV(name, insn, type)                                            \
	static inline type name(unsigned long addr)                        \
	{                                                                  \
		type __v;                                                  \
		__asm__ __volatile__(__H_INSN(insn " %0, (%1)")            \
				     : "=r"(__v)                           \
				     : "r"(addr)                           \
				     : "memory");                          \
		return __v;                                                \
	}
__HLV(hlv_b, "hlv.b", long)
__HLV(hlv_bu, "hlv.bu", unsigned long)
__HLV(hlv_h, "hlv.h", long)
__HLV(hlv_hu, "hlv.hu", unsigned long)
__HLV(hlv_w, "hlv.w", long)
__HLV(hlv_wu, "hlv.wu", unsigned long)
__HLV(hlv_d, "hlv.d", unsigned long)
__HLV(hlvx_hu, "hlvx.hu", unsigned long)
__HLV(hlvx_wu, "hlvx.wu", unsigned long)
#undef __HLV

#define __HSV(name, insn)                                                  \
	static inline void name(unsigned long addr, unsigned long val)     \
	{                                                                  \
		__asm__ __volatile__(__H_INSN(insn " %0, (%1)")::"r"(val), \
				     "r"(addr)                             \
				     : "memory");                          \
	}
__HSV(hsv_b, "hsv.b")
__HSV(hsv_h, "hsv.h")
__HSV(hsv_w, "hsv.w")
__HSV(hsv_d, "hsv.d")
#undef __HSV

#endif /* RVNEST_CSR_H */
