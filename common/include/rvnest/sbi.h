/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SBI encodings (RISC-V SBI specification v2.0) shared by callers (L1, L2
 * micro-guests, L0 calling OpenSBI) and by the implementation L0 offers L1
 * (sbi-nested/). Plus the rvnest experimental extension used to bracket
 * benchmarks.
 */
#ifndef RVNEST_SBI_H
#define RVNEST_SBI_H

/* Extension IDs (SBI spec, chapter per extension) */
#define SBI_EXT_LEGACY_SET_TIMER 0x00
#define SBI_EXT_LEGACY_CONSOLE_PUTCHAR 0x01
#define SBI_EXT_LEGACY_CONSOLE_GETCHAR 0x02
#define SBI_EXT_LEGACY_CLEAR_IPI 0x03
#define SBI_EXT_LEGACY_SEND_IPI 0x04
#define SBI_EXT_LEGACY_REMOTE_FENCE_I 0x05
#define SBI_EXT_LEGACY_REMOTE_SFENCE_VMA 0x06
#define SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID 0x07
#define SBI_EXT_LEGACY_SHUTDOWN 0x08
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464e43
#define SBI_EXT_HSM 0x48534d
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_PMU 0x504d55
#define SBI_EXT_DBCN 0x4442434e
#define SBI_EXT_SUSP 0x53555350
#define SBI_EXT_CPPC 0x43505043
#define SBI_EXT_NACL 0x4e41434c
#define SBI_EXT_STA 0x535441
#define SBI_EXT_FWFT 0x46574654
#define SBI_EXT_DBTR 0x44425452

/* Ranges (SBI spec "Extension IDs") */
#define SBI_EXT_EXPERIMENTAL_START 0x08000000
#define SBI_EXT_EXPERIMENTAL_END 0x08ffffff
#define SBI_EXT_VENDOR_START 0x09000000
#define SBI_EXT_VENDOR_END 0x09ffffff
#define SBI_EXT_FIRMWARE_START 0x0a000000
#define SBI_EXT_FIRMWARE_END 0x0affffff

/* Base */
#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID 1
#define SBI_BASE_GET_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXT 3
#define SBI_BASE_GET_MVENDORID 4
#define SBI_BASE_GET_MARCHID 5
#define SBI_BASE_GET_MIMPID 6

#define SBI_SPEC_VERSION_MAJOR_SHIFT 24
#define SBI_SPEC_VERSION_MINOR_MASK 0xffffff

/* TIME, IPI */
#define SBI_TIME_SET_TIMER 0
#define SBI_IPI_SEND_IPI 0

/* RFENCE */
#define SBI_RFENCE_REMOTE_FENCE_I 0
#define SBI_RFENCE_REMOTE_SFENCE_VMA 1
#define SBI_RFENCE_REMOTE_SFENCE_VMA_ASID 2
#define SBI_RFENCE_REMOTE_HFENCE_GVMA_VMID 3
#define SBI_RFENCE_REMOTE_HFENCE_GVMA 4
#define SBI_RFENCE_REMOTE_HFENCE_VVMA_ASID 5
#define SBI_RFENCE_REMOTE_HFENCE_VVMA 6

/* HSM */
#define SBI_HSM_HART_START 0
#define SBI_HSM_HART_STOP 1
#define SBI_HSM_HART_GET_STATUS 2
#define SBI_HSM_HART_SUSPEND 3
#define SBI_HSM_STATE_STARTED 0
#define SBI_HSM_STATE_STOPPED 1
#define SBI_HSM_STATE_START_PENDING 2
#define SBI_HSM_STATE_STOP_PENDING 3
#define SBI_HSM_STATE_SUSPENDED 4
#define SBI_HSM_STATE_SUSPEND_PENDING 5
#define SBI_HSM_STATE_RESUME_PENDING 6
/* hart_suspend suspend_type (32 bits, SBI spec "HSM Hart Suspend Types") */
#define SBI_HSM_SUSPEND_RET_DEFAULT 0x00000000U
#define SBI_HSM_SUSPEND_NON_RET_DEFAULT 0x80000000U

/* SRST */
#define SBI_SRST_SYSTEM_RESET 0
#define SBI_SRST_TYPE_SHUTDOWN 0
#define SBI_SRST_TYPE_COLD_REBOOT 1
#define SBI_SRST_TYPE_WARM_REBOOT 2
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_SYSFAIL 1

/* DBCN */
#define SBI_DBCN_CONSOLE_WRITE 0
#define SBI_DBCN_CONSOLE_READ 1
#define SBI_DBCN_CONSOLE_WRITE_BYTE 2

/* FWFT (SBI spec "Firmware Features Extension") */
#define SBI_FWFT_SET 0
#define SBI_FWFT_GET 1
/* Feature types ("FWFT Feature Types"): 32-bit identifiers */
#define SBI_FWFT_MISALIGNED_EXC_DELEG 0x0UL
#define SBI_FWFT_LANDING_PAD 0x1UL
#define SBI_FWFT_SHADOW_STACK 0x2UL
#define SBI_FWFT_DOUBLE_TRAP 0x3UL
#define SBI_FWFT_PTE_AD_HW_UPDATING 0x4UL
#define SBI_FWFT_POINTER_MASKING_PMLEN 0x5UL
#define SBI_FWFT_COUNT 6 /* defined local features, 0 .. 5 */
#define SBI_FWFT_LOCAL_RESERVED_START 0x6UL
#define SBI_FWFT_PLATFORM_LOCAL_START 0x40000000UL
#define SBI_FWFT_GLOBAL_RESERVED_START 0x80000000UL
#define SBI_FWFT_PLATFORM_GLOBAL_START 0xc0000000UL
/* set flags ("FWFT Firmware Features Set Flags") */
#define SBI_FWFT_SET_FLAG_LOCK 1UL

/* PMU (SBI spec "Performance Monitoring Unit Extension") */
#define SBI_PMU_NUM_COUNTERS 0
#define SBI_PMU_COUNTER_GET_INFO 1
#define SBI_PMU_COUNTER_CFG_MATCHING 2
#define SBI_PMU_COUNTER_START 3
#define SBI_PMU_COUNTER_STOP 4
#define SBI_PMU_COUNTER_FW_READ 5
#define SBI_PMU_COUNTER_FW_READ_HI 6
#define SBI_PMU_SNAPSHOT_SET_SHMEM 7
/* event_idx = type [19:16] | code [15:0] ("Event: Hardware general") */
#define SBI_PMU_EVENT_TYPE_SHIFT 16
#define SBI_PMU_EVENT_TYPE_HW 0x0UL
#define SBI_PMU_EVENT_TYPE_FW 0xfUL
#define SBI_PMU_HW_CPU_CYCLES 1UL
#define SBI_PMU_HW_INSTRUCTIONS 2UL
/* firmware events (type 15) */
#define SBI_PMU_FW_MISALIGNED_LOAD 0UL
#define SBI_PMU_FW_MISALIGNED_STORE 1UL
#define SBI_PMU_FW_ACCESS_LOAD 2UL
#define SBI_PMU_FW_ACCESS_STORE 3UL
#define SBI_PMU_FW_ILLEGAL_INSN 4UL
#define SBI_PMU_FW_SET_TIMER 5UL
#define SBI_PMU_FW_IPI_SENT 6UL
#define SBI_PMU_FW_IPI_RECEIVED 7UL
#define SBI_PMU_FW_FENCE_I_SENT 8UL
#define SBI_PMU_FW_FENCE_I_RECEIVED 9UL
#define SBI_PMU_FW_SFENCE_VMA_SENT 10UL
#define SBI_PMU_FW_SFENCE_VMA_RECEIVED 11UL
#define SBI_PMU_FW_SFENCE_VMA_ASID_SENT 12UL
#define SBI_PMU_FW_SFENCE_VMA_ASID_RECEIVED 13UL
#define SBI_PMU_FW_HFENCE_GVMA_SENT 14UL
#define SBI_PMU_FW_HFENCE_GVMA_RECEIVED 15UL
#define SBI_PMU_FW_HFENCE_GVMA_VMID_SENT 16UL
#define SBI_PMU_FW_HFENCE_GVMA_VMID_RECEIVED 17UL
#define SBI_PMU_FW_HFENCE_VVMA_SENT 18UL
#define SBI_PMU_FW_HFENCE_VVMA_RECEIVED 19UL
#define SBI_PMU_FW_HFENCE_VVMA_ASID_SENT 20UL
#define SBI_PMU_FW_HFENCE_VVMA_ASID_RECEIVED 21UL
#define SBI_PMU_FW_MAX 22UL
/* counter_get_info: CSR [11:0], width-1 [17:12], type [XLEN-1]
 * (0 hardware, 1 firmware) */
#define SBI_PMU_INFO_CSR_MASK 0xfffUL
#define SBI_PMU_INFO_WIDTH_SHIFT 12
#define SBI_PMU_INFO_TYPE_FW (1UL << 63)
/* config_matching flags */
#define SBI_PMU_CFG_SKIP_MATCH (1UL << 0)
#define SBI_PMU_CFG_CLEAR_VALUE (1UL << 1)
#define SBI_PMU_CFG_AUTO_START (1UL << 2)
#define SBI_PMU_CFG_FILTER_MASK (0x3fUL << 3) /* SET_VUINH .. SET_SINH */
/* counter_start / counter_stop flags */
#define SBI_PMU_START_SET_INIT_VALUE (1UL << 0)
#define SBI_PMU_START_INIT_SNAPSHOT (1UL << 1)
#define SBI_PMU_STOP_RESET (1UL << 0)
#define SBI_PMU_STOP_TAKE_SNAPSHOT (1UL << 1)

/* NACL */
#define SBI_NACL_PROBE_FEATURE 0
#define SBI_NACL_SET_SHMEM 1
#define SBI_NACL_SYNC_CSR 2
#define SBI_NACL_SYNC_HFENCE 3
#define SBI_NACL_SYNC_SRET 4
#define SBI_NACL_FEAT_SYNC_CSR 0
#define SBI_NACL_FEAT_SYNC_HFENCE 1
#define SBI_NACL_FEAT_SYNC_SRET 2
#define SBI_NACL_FEAT_AUTOSWAP_CSR 3
#define SBI_NACL_FEAT_COUNT 4

/*
 * NACL shared memory, RV64 (SBI spec "Nested Acceleration Extension",
 * "Nested acceleration shared memory layout" and each feature's section).
 * Page aligned, 4096 + 1024 * (XLEN / 8) bytes: a 4 KiB scratch space,
 * then the CSR space, one XLEN-bit word per possible H-extension CSR.
 */
#define SBI_NACL_SHMEM_ALIGN 4096UL
#define SBI_NACL_SCRATCH_SIZE 4096UL
#define SBI_NACL_CSR_COUNT 1024UL
#define SBI_NACL_WORD_BYTES 8UL /* XLEN / 8 */
#define SBI_NACL_SHMEM_SIZE \
	(SBI_NACL_SCRATCH_SIZE + SBI_NACL_CSR_COUNT * SBI_NACL_WORD_BYTES)
#define SBI_NACL_CSR_SPACE_OFFSET SBI_NACL_SCRATCH_SIZE
/* CSR <x> is the word with index ((x & 0xc00) >> 2) | (x & 0xff) */
#define SBI_NACL_CSR_INDEX(x) ((((x) & 0xc00) >> 2) | ((x) & 0xff))
/* sbi_nacl_sync_csr: "(csr_num & 0x300) == 0x200 and csr_num < 0x1000" */
#define SBI_NACL_CSR_NUM_MASK 0x300UL
#define SBI_NACL_CSR_NUM_H 0x200UL
#define SBI_NACL_CSR_NUM_LIMIT 0x1000UL
/* SYNC_CSR: scratch 0x0F80-0x0FFF, bit <i> per CSR-space index */
#define SBI_NACL_DIRTY_OFFSET 0x0f80UL
#define SBI_NACL_DIRTY_BYTES 128UL
/* SYNC_HFENCE: scratch 0x0800-0x0F7F, 3840 / XLEN entries of 4 words
 * (Config, Page_Number, Reserved, Page_Count) */
#define SBI_NACL_HFENCE_OFFSET 0x0800UL
#define SBI_NACL_HFENCE_COUNT (3840UL / 64)
#define SBI_NACL_HFENCE_ENTRY_BYTES (4 * SBI_NACL_WORD_BYTES)
#define SBI_NACL_HFENCE_WORD_CONFIG 0
#define SBI_NACL_HFENCE_WORD_PNUM 1
#define SBI_NACL_HFENCE_WORD_PCOUNT 3
/* Config word, XLEN = 64: Pending [63], reserved [62:60], Type [59:56],
 * reserved [55], Order [54:48], VMID [29:16], ASID [15:0]; pages are
 * 1 << (Order + 12) bytes */
#define SBI_NACL_HFENCE_PENDING (1UL << 63)
#define SBI_NACL_HFENCE_RSVD_MASK ((7UL << 60) | (1UL << 55))
#define SBI_NACL_HFENCE_TYPE_SHIFT 56
#define SBI_NACL_HFENCE_TYPE_MASK 0xfUL
#define SBI_NACL_HFENCE_ORDER_SHIFT 48
#define SBI_NACL_HFENCE_ORDER_MASK 0x7fUL
#define SBI_NACL_HFENCE_ORDER_BASE 12
#define SBI_NACL_HFENCE_VMID_SHIFT 16
#define SBI_NACL_HFENCE_VMID_MASK 0x3fffUL
#define SBI_NACL_HFENCE_ASID_MASK 0xffffUL
/* Nested HFENCE entry types */
#define SBI_NACL_HFENCE_GVMA 0
#define SBI_NACL_HFENCE_GVMA_ALL 1
#define SBI_NACL_HFENCE_GVMA_VMID 2
#define SBI_NACL_HFENCE_GVMA_VMID_ALL 3
#define SBI_NACL_HFENCE_VVMA 4
#define SBI_NACL_HFENCE_VVMA_ALL 5
#define SBI_NACL_HFENCE_VVMA_ASID 6
#define SBI_NACL_HFENCE_VVMA_ASID_ALL 7
/* SYNC_SRET: scratch 0x0000-0x01FF; GPR x<i> at i * (XLEN / 8) */
#define SBI_NACL_SRET_OFFSET 0x0000UL
#define SBI_NACL_SRET_GPRS 32
/* AUTOSWAP_CSR: scratch 0x0200-0x027F: Autoswap_Flags, then HSTATUS */
#define SBI_NACL_AUTOSWAP_OFFSET 0x0200UL
#define SBI_NACL_AUTOSWAP_FLAGS_OFFSET SBI_NACL_AUTOSWAP_OFFSET
#define SBI_NACL_AUTOSWAP_HSTATUS_OFFSET \
	(SBI_NACL_AUTOSWAP_OFFSET + SBI_NACL_WORD_BYTES)
#define SBI_NACL_AUTOSWAP_FLAG_HSTATUS 1UL
/* set_shmem: both halves all-ones disable the shared memory */
#define SBI_NACL_SHMEM_DISABLE (~0UL)

/* Errors a guest sees (SBI spec "Standard SBI Errors") */
#define SBI_SUCCESS 0
#define SBI_ERR_FAILED -1
#define SBI_ERR_NOT_SUPPORTED -2
#define SBI_ERR_INVALID_PARAM -3
#define SBI_ERR_DENIED -4
#define SBI_ERR_INVALID_ADDRESS -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED -7
#define SBI_ERR_ALREADY_STOPPED -8
#define SBI_ERR_NO_SHMEM -9
#define SBI_ERR_INVALID_STATE -10
#define SBI_ERR_BAD_RANGE -11
#define SBI_ERR_TIMEOUT -12
#define SBI_ERR_IO -13

/*
 * rvnest experimental extension (experimental range, so KVM forwards it to
 * the VMM). L2 micro-guests call it on their L1; L1 calls it on whatever is
 * below (L0 answers, OpenSBI says NOT_SUPPORTED) so that each level can
 * report its own counters for the same benchmark window.
 *   NOP:         the null hypercall the "hypercall" benchmark measures.
 *   BENCH_BEGIN: a0 = benchmark id.
 *   BENCH_END:   a0 = id, a1 = iterations, a2 = instret delta,
 *                a3 = cycle delta, a4 = time delta (as measured by the caller).
 *   DEPTH:       value = the depth of the L0 that answers (1 = an L0 on the
 *                machine's firmware, 2 = an L0 running as that L0's L1, ...),
 *                so an L0 knows how deep it runs: its depth is value + 1
 *                (docs/protocol.md, "Recursion").
 *   BENCH_HOST_INSTRET: value = 1 when the host counts instret across each
 *                window itself (kvm-vmm: its guest cannot read the counter
 *                under KVM) and wants the guest to bracket an empty window
 *                (BENCH_EMPTY_BEGIN/END, same id, 0 iterations) before each
 *                benchmark, which it subtracts; hosts that count nothing
 *                answer SBI_ERR_NOT_SUPPORTED.
 *   BENCH_EMPTY_BEGIN, BENCH_EMPTY_END: as BENCH_BEGIN/END, for that empty
 *                window. L0 (l0.benchwin=l2) opens no l0bench window for
 *                it (at EMPTY_END it repeats END's snapshot, so the VMM's
 *                difference holds none of L0's marker work); only kvm-vmm
 *                asks for it, so l1-guest-hyp never sees it.
 */
#define SBI_EXT_RVNEST 0x0852564e
#define SBI_RVNEST_NOP 0
#define SBI_RVNEST_BENCH_BEGIN 1
#define SBI_RVNEST_BENCH_END 2
#define SBI_RVNEST_DEPTH 3
#define SBI_RVNEST_BENCH_HOST_INSTRET 4
#define SBI_RVNEST_BENCH_EMPTY_BEGIN 5
#define SBI_RVNEST_BENCH_EMPTY_END 6

#ifndef __ASSEMBLER__

struct sbiret {
	long error;
	long value;
};

/* The ECALL itself exists only on RISC-V; host builds (unit tests, fuzz
 * targets built by clang, which rejects RISC-V register names) use the
 * constants above and struct sbiret only. */
#ifdef __riscv
static inline struct sbiret sbi_ecall(unsigned long ext, unsigned long fid,
				      unsigned long arg0, unsigned long arg1,
				      unsigned long arg2, unsigned long arg3,
				      unsigned long arg4, unsigned long arg5)
{
	register unsigned long a0 __asm__("a0") = arg0;
	register unsigned long a1 __asm__("a1") = arg1;
	register unsigned long a2 __asm__("a2") = arg2;
	register unsigned long a3 __asm__("a3") = arg3;
	register unsigned long a4 __asm__("a4") = arg4;
	register unsigned long a5 __asm__("a5") = arg5;
	register unsigned long a6 __asm__("a6") = fid;
	register unsigned long a7 __asm__("a7") = ext;
	__asm__ __volatile__("ecall"
			     : "+r"(a0), "+r"(a1)
			     : "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a6),
			       "r"(a7)
			     : "memory");
	return (struct sbiret){ .error = (long)a0, .value = (long)a1 };
}

#define sbi_call0(e, f) sbi_ecall((e), (f), 0, 0, 0, 0, 0, 0)
#define sbi_call1(e, f, a) sbi_ecall((e), (f), (a), 0, 0, 0, 0, 0)
#endif /* __riscv */

/* Convenience wrappers, implemented in common/sbi_client.c */
long sbi_probe(unsigned long ext);
void sbi_console_putc(char c);
void sbi_console_write(const char *s, unsigned long len);
long sbi_set_timer(unsigned long stime);
long sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);
void __attribute__((noreturn)) sbi_shutdown(int failure);

#endif /* __ASSEMBLER__ */
#endif /* RVNEST_SBI_H */
