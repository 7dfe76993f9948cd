/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kvm-vmm: a small KVM-based VMM that runs one single-hart L2 guest (the
 * rvnest micro-guest or a Linux Image) inside Linux/KVM as L1. See
 * kvm-vmm/README.md for the exits it handles and what its counters mean.
 */
#ifndef KVM_VMM_H
#define KVM_VMM_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* <linux/const.h> (via kvm.h) and rvnest/encoding.h both define _UL and
 * _ULL, with the same meaning but different spelling, and encoding.h does
 * so unconditionally: let it. */
#undef _UL
#undef _ULL
#include "testdev.h" /* the device model shared with l1-guest-hyp */
#include <rvnest/bench.h>

/* Process exit status of the VMM (what kvm-init prints as RVNEST done). */
enum vmm_status {
	VMM_STATUS_OK = 0,	     /* guest shut down with reason "none" */
	VMM_STATUS_GUEST_FAILED = 1, /* guest shut down with SYSFAIL/other */
	VMM_STATUS_ERROR = 2,	     /* setup failed or an exit went wrong */
	VMM_STATUS_USAGE = 3,	     /* bad command line */
	VMM_STATUS_GUEST_RESET = 4,  /* guest asked for a reboot */
};

/* What one exit handler decided. */
enum vmm_step {
	STEP_CONTINUE,	   /* KVM_RUN again */
	STEP_SHUTDOWN,	   /* guest powered off cleanly */
	STEP_GUEST_FAILED, /* guest powered off reporting failure */
	STEP_RESET,	   /* guest asked for a reset: not supported */
	STEP_ERROR,	   /* the VMM reported an error line */
};

/* A fault the VMM injects on request (--fault), so the tests can show
 * that the guest's checks and the failure path work end to end. */
enum vmm_fault {
	FAULT_NONE,
	FAULT_NO_IRQ, /* never give the test device's interrupt to KVM */
};

/* User-space exits, by kind: these are the `exits=` of RVNEST bench. */
enum vmm_exit_kind {
	VEXIT_SBI,	  /* KVM_EXIT_RISCV_SBI: a call KVM forwarded */
	VEXIT_MMIO_LOAD,  /* KVM_EXIT_MMIO, is_write = 0 */
	VEXIT_MMIO_STORE, /* KVM_EXIT_MMIO, is_write = 1 */
	VEXIT_SYSTEM_EVENT,
	VEXIT_INTR, /* KVM_RUN returned EINTR (a signal for the VMM) */
	VEXIT_OTHER,
	VEXIT_COUNT,
};

const char *vmm_exit_kind_name(enum vmm_exit_kind k);

/* KVM's binary per-vCPU statistics (KVM_GET_STATS_FD). */
#define VMM_MAX_STATS 64
#define VMM_STAT_NAME 48
struct vmm_stats {
	int fd;		/* -1: not available */
	unsigned count; /* counters kept (cumulative, one u64 each) */
	uint64_t data_offset;
	struct {
		char name[VMM_STAT_NAME];
		uint32_t offset; /* from data_offset, bytes */
	} desc[VMM_MAX_STATS];
};

/* Where the VMM reads instret (kvm-vmm/README.md, "Instructions per
 * operation"). */
enum vmm_counter {
	COUNTER_NONE, /* neither works: the report shows no count */
	COUNTER_CSR,  /* rdinstret in user space (scounteren.IR) */
	COUNTER_PERF, /* a CPU-wide perf event for instructions */
	COUNTER_AUTO, /* --instret auto: CSR if allowed, else perf */
};

/* A benchmark window opened by BENCH_BEGIN and closed by BENCH_END, and
 * the empty window (BENCH_EMPTY_BEGIN/END) the guest brackets before it
 * when the VMM counts instret itself. */
struct vmm_bench {
	bool open;
	unsigned long id;
	uint64_t exits[VEXIT_COUNT];
	uint64_t kvm[VMM_MAX_STATS];
	bool empty_open;
	unsigned long empty_id;
	/* instret across the windows, read in run_once() around KVM_RUN:
	 * `arm` makes the next KVM_RUN's entry the window's start */
	bool arm;
	uint64_t instret_start;
	bool have_empty[BENCH_COUNT];
	uint64_t empty_instret[BENCH_COUNT];
};

/* vCPUs the VMM can run (--vcpus): one thread each (vcpus.c). */
#define VMM_MAX_VCPUS 4

/* KVM's in-kernel AIA for the guest (aia.c). */
enum vmm_aia_want {
	VMM_AIA_WANT_AUTO, /* if KVM offers it */
	VMM_AIA_WANT_ON,   /* hardware guest files, or an error */
	VMM_AIA_WANT_OFF,  /* no irqchip (KVM_INTERRUPT only) */
};
/* What the device was configured with (KVM_DEV_RISCV_AIA_MODE_*). */
enum vmm_aia_mode {
	VMM_AIA_NONE, /* no AIA device */
	VMM_AIA_EMUL,
	VMM_AIA_HWACCEL,
	VMM_AIA_AUTO,
};
struct vmm_aia {
	enum vmm_aia_mode mode;
	int fd;
	uint32_t nr_ids, nr_sources, hart_bits;
};
/* The guest's AIA layout: QEMU virt's S-level IMSIC address (the
 * micro-guest contract's L2_IMSIC_GPA, rvnest/bench.h), one 4 KiB file
 * per vCPU; an APLIC of KVM_DEV_RISCV_APLIC_SIZE below the test device. */
#define VMM_AIA_APLIC_GPA 0x0d000000ull
#define VMM_AIA_SOURCES 32u
static inline uint64_t vmm_aia_imsic_gpa(unsigned vcpu)
{
	return L2_IMSIC_GPA + (uint64_t)vcpu * 0x1000u;
}

struct vmm {
	/* a vCPU other than 0: a copy of vCPU 0's struct with its own
	 * vcpu_fd/run, run by its own thread (vcpus.c) */
	bool secondary;
	unsigned nvcpus; /* --vcpus */
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *ram;
	uint64_t ram_gpa, ram_size;
	uint64_t timebase_hz;
	struct l1_testdev dev;
	bool irq_level; /* the level last given to KVM_INTERRUPT */
	bool dbcn;	/* DBCN enabled, so KVM forwards it to us */
	enum vmm_fault fault;
	uint64_t exits[VEXIT_COUNT];
	struct vmm_stats stats;
	struct vmm_bench bench;
	/* how the VMM reads the hart's instret (vmm_instret_probe) */
	enum vmm_counter counter;
	int perf_fd;
	uint64_t instret_exit; /* read right after a window's closing exit */
	struct vmm_aia aia;
};

/* KVM_CREATE_VCPU with hart id `id`, its kvm_run mapped, DBCN as v->dbcn
 * (main.c). 0, or -1 after an error line. */
int vmm_create_vcpu(struct vmm *v, unsigned long id);
/* KVM_RUN and the exits until the guest ends (main.c). */
enum vmm_status vmm_run_loop(struct vmm *v);
/* vCPUs 1 .. n-1 (vcpus.c): created STOPPED (the guest starts them with
 * SBI HSM, which KVM handles), one thread each running vmm_run_loop. 0, or
 * -1 after an error line. */
int vmm_start_vcpus(struct vmm *v, unsigned n);

/* vCPUs 1 .. n-1 created (STOPPED), before the AIA's addresses are set;
 * vmm_start_vcpus then runs them. 0, or -1 after an error line. */
int vmm_create_vcpus(struct vmm *v, unsigned n);

/* ---- AIA (aia.c) ---------------------------------------------------------
 * vmm_aia_create after KVM_CREATE_VM (with v->nvcpus set), vmm_aia_init
 * once every vCPU exists. Both 0, or -1 after an error line. */
int vmm_aia_parse_want(const char *name); /* -1: not auto|on|off */
int vmm_aia_cmdline_want(void); /* rvnest.vmm.aia= of L1, default auto */
const char *vmm_aia_mode_name(enum vmm_aia_mode m);
unsigned vmm_aia_hart_bits(unsigned n);
int vmm_aia_create(struct vmm *v, enum vmm_aia_want want);
int vmm_aia_init(struct vmm *v);
/* An MSI of identity `id` to the IMSIC page at `page` (KVM_SIGNAL_MSI). */
enum vmm_step vmm_aia_send_msi(struct vmm *v, uint64_t page, uint32_t id);

/* ---- instret (sbi.c) ----------------------------------------------------
 * The hart's instret counts at every privilege level, so the difference
 * of two reads by the VMM is the work of L2, KVM, the VMM and any level
 * below (DESIGN.md section 6). Chooses the source (--instret, default
 * auto: rdinstret when L1 lets user space read it, else perf). */
void vmm_instret_probe(struct vmm *v, enum vmm_counter want);
uint64_t vmm_instret(struct vmm *v);
const char *vmm_counter_name(enum vmm_counter c);
/* An exit that closes a benchmark window (BENCH_END, BENCH_EMPTY_END). */
bool vmm_closes_window(const struct kvm_run *run);

/* ---- errors ------------------------------------------------------------
 * Every fatal problem is one protocol line (docs/protocol.md):
 *   RVNEST error msg=<what> component=kvm-vmm <key=value ...>
 * vmm_fail prints it and returns STEP_ERROR so handlers can `return` it. */
enum vmm_step vmm_fail(const char *msg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The name of an errno value (ENOENT, ...), or its number. */
const char *vmm_errno_name(int err);

/* ---- KVM access (kvm.c) ------------------------------------------------ */
int vmm_get_reg(struct vmm *v, uint64_t id, uint64_t *val);
int vmm_set_reg(struct vmm *v, uint64_t id, uint64_t val);
/* Guest RAM: a host pointer for [gpa, gpa+len), NULL if not all RAM. */
void *vmm_gpa(struct vmm *v, uint64_t gpa, uint64_t len);
void vmm_stats_open(struct vmm *v);
/* Current values of the kept counters into out[stats.count]. */
int vmm_stats_read(struct vmm *v, uint64_t *out);

/* ---- the guest's platform ---------------------------------------------- */
struct vmm_isa {
	unsigned long letters; /* KVM config isa: bit n = letter 'a' + n */
	char isa[512];	       /* riscv,isa: rv64imac_zicsr_... */
	char exts[512];	       /* riscv,isa-extensions: NUL-separated */
	size_t exts_len;
	const char *mmu; /* riscv,sv39 / sv48 / sv57, NULL = bare only */
	/* riscv,cbom/cboz-block-size, when Zicbom/Zicboz is offered (Linux
	 * turns the extension off without it) */
	uint64_t cbom_block, cboz_block;
};
int vmm_read_isa(struct vmm *v, struct vmm_isa *isa);

struct vmm_boot {
	const char *image_path, *initrd_path, *bootargs;
	bool linux_image;
	uint64_t entry, dtb_gpa, initrd_gpa, initrd_size;
	uint64_t image_gpa, image_size;
};
/* Loads image and initrd into RAM where layout_plan() (layout.h) says,
 * and chooses where the DTB goes. */
int vmm_load(struct vmm *v, struct vmm_boot *b);
/* Generates the device tree and writes it at b->dtb_gpa. */
int vmm_build_dt(struct vmm *v, const struct vmm_boot *b,
		 const struct vmm_isa *isa);

/* ---- exits --------------------------------------------------------------- */
enum vmm_step vmm_handle_sbi(struct vmm *v);
enum vmm_step vmm_handle_mmio(struct vmm *v);
/* Host-side console output of the guest (and the VMM's own lines). */
void vmm_console_write(const void *buf, size_t len);
/* Guest bytes reach the console unchanged from here on (no ONLCR). */
void vmm_console_raw(void);
/* A pending byte of console input, or -1. */
int vmm_console_getc(void);

#endif /* KVM_VMM_H */
