/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kvm-vmm: runs one L2 guest on Linux/KVM (L1).
 *
 *   vmm [--mem SIZE] [--initrd FILE] [--bootargs STRING] [--no-dbcn]
 *       [--instret auto|csr|perf] [--fault no-irq] [--vcpus N]
 *       [--aia auto|on|off] IMAGE
 *
 * Setup follows Linux Documentation/virt/kvm/api.rst: /dev/kvm, a VM, one
 * memslot of RAM at L2_RAM_BASE, one vCPU whose pc/a0/a1 are set through
 * KVM_SET_ONE_REG, then the KVM_RUN loop, which dispatches each exit
 * through exit_handlers[]. Every way it can end is an enum vmm_status.
 */
#include "vmm.h"

#include <asm/kvm.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rvnest/bench.h>
#include <rvnest/sbi.h>

#ifndef RVNEST_VERSION
#define RVNEST_VERSION "unknown"
#endif

#define VMM_HART_ID 0
#define VMM_MEM_SLOT 0
#define HOST_TIMEBASE "/proc/device-tree/cpus/timebase-frequency"
#define HOST_CPUINFO "/proc/cpuinfo"

#define ONE_REG_U64(type, idx) \
	(KVM_REG_RISCV | KVM_REG_SIZE_U64 | (type) | (uint64_t)(idx))
#define ONE_REG_CORE(field) \
	ONE_REG_U64(KVM_REG_RISCV_CORE, KVM_REG_RISCV_CORE_REG(field))
#define ONE_REG_TIMER(field) \
	ONE_REG_U64(KVM_REG_RISCV_TIMER, KVM_REG_RISCV_TIMER_REG(field))
#define ONE_REG_SBI_EXT(id) \
	ONE_REG_U64(KVM_REG_RISCV_SBI_EXT | KVM_REG_RISCV_SBI_SINGLE, (id))

/* A bad command line: the usage on stderr, one error line for the log. */
static enum vmm_status usage(const char *what)
{
	fprintf(stderr, "usage: vmm [--mem SIZE[K|M|G]] [--initrd FILE] "
			"[--bootargs STRING] [--no-dbcn] "
			"[--instret auto|csr|perf] [--fault no-irq] "
			"[--vcpus N] [--aia auto|on|off] IMAGE\n");
	vmm_fail("bad_vmm_usage", "what=%s", what);
	return VMM_STATUS_USAGE;
}

static const char *const fault_names[] = {
	[FAULT_NONE] = "none",
	[FAULT_NO_IRQ] = "no-irq",
};

/* --fault NAME -> the fault; -1 for an unknown name. */
static int parse_fault(const char *name)
{
	for (size_t i = 0; i < sizeof(fault_names) / sizeof(fault_names[0]);
	     i++)
		if (!strcmp(name, fault_names[i]))
			return (int)i;
	return -1;
}

/* "64M" -> bytes; 0 on a malformed size. */
static uint64_t parse_size(const char *s)
{
	char *end;
	unsigned long long n = strtoull(s, &end, 0);
	static const struct {
		char suffix;
		unsigned shift;
	} units[] = {{'K', 10}, {'M', 20}, {'G', 30}};

	if (end == s)
		return 0;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (*end == units[i].suffix) {
			if (n > UINT64_MAX >> units[i].shift)
				return 0;
			n <<= units[i].shift;
			end++;
			break;
		}
	return *end ? 0 : n;
}

/* Does the host hart have the H extension? (/proc/cpuinfo's isa line:
 * "rv64" then the single letters up to the first '_'.) */
static int host_has_h(void)
{
	char line[1024];
	FILE *f = fopen(HOST_CPUINFO, "r");
	int has = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "isa", 3)) {
			char *p = strstr(line, "rv64");

			if (p) {
				p[strcspn(p, "_\n")] = 0;
				has = strchr(p + 4, 'h') != NULL;
			}
			break;
		}
	fclose(f);
	return has;
}

static int read_host_timebase(uint64_t *hz)
{
	uint8_t be[4];
	FILE *f = fopen(HOST_TIMEBASE, "rb");
	size_t n = f ? fread(be, 1, sizeof(be), f) : 0;

	if (f)
		fclose(f);
	if (n != sizeof(be))
		return -1;
	*hz = (uint64_t)be[0] << 24 | be[1] << 16 | be[2] << 8 | be[3];
	return 0;
}

static int open_kvm(struct vmm *v)
{
	int api;

	v->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (v->kvm_fd < 0) {
		int err = errno;

		/* KVM registers /dev/kvm only when the hart has H. */
		if (err == ENOENT && host_has_h() == 0)
			vmm_fail("no_H_extension", "what=/dev/kvm errno=%s",
				 vmm_errno_name(err));
		else
			vmm_fail("cannot_open_dev_kvm", "errno=%s",
				 vmm_errno_name(err));
		return -1;
	}
	api = ioctl(v->kvm_fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		vmm_fail("kvm_api_version_mismatch", "got=%d expected=%d", api,
			 KVM_API_VERSION);
		return -1;
	}
	v->vm_fd = ioctl(v->kvm_fd, KVM_CREATE_VM, 0);
	if (v->vm_fd < 0) {
		vmm_fail("kvm_create_vm_failed", "errno=%s",
			 vmm_errno_name(errno));
		return -1;
	}
	return 0;
}

static int add_ram(struct vmm *v)
{
	struct kvm_userspace_memory_region mr;

	v->ram = mmap(NULL, v->ram_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (v->ram == MAP_FAILED) {
		vmm_fail("cannot_allocate_guest_ram", "size=%llu errno=%s",
			 (unsigned long long)v->ram_size,
			 vmm_errno_name(errno));
		return -1;
	}
	mr = (struct kvm_userspace_memory_region){
		.slot = VMM_MEM_SLOT,
		.guest_phys_addr = v->ram_gpa,
		.memory_size = v->ram_size,
		.userspace_addr = (uintptr_t)v->ram,
	};
	if (ioctl(v->vm_fd, KVM_SET_USER_MEMORY_REGION, &mr)) {
		vmm_fail("kvm_set_user_memory_region_failed",
			 "gpa=0x%llx size=0x%llx errno=%s",
			 (unsigned long long)v->ram_gpa,
			 (unsigned long long)v->ram_size,
			 vmm_errno_name(errno));
		return -1;
	}
	return 0;
}

static int create_vcpu(struct vmm *v)
{
	return vmm_create_vcpu(v, VMM_HART_ID);
}

int vmm_create_vcpu(struct vmm *v, unsigned long id)
{
	int size;
	int err;

	v->vcpu_fd = ioctl(v->vm_fd, KVM_CREATE_VCPU, id);
	if (v->vcpu_fd < 0) {
		vmm_fail("kvm_create_vcpu_failed", "errno=%s",
			 vmm_errno_name(errno));
		return -1;
	}
	size = ioctl(v->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run)) {
		vmm_fail("kvm_get_vcpu_mmap_size_failed", "size=%d errno=%s",
			 size, vmm_errno_name(errno));
		return -1;
	}
	v->run_size = (size_t)size;
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->vcpu_fd, 0);
	if (v->run == MAP_FAILED) {
		vmm_fail("cannot_map_kvm_run", "errno=%s",
			 vmm_errno_name(errno));
		return -1;
	}
	/* DBCN is off by default in KVM; on, KVM forwards it to us, and the
	 * guest's console is a write per line instead of an exit per byte
	 * (--no-dbcn keeps it off, so the legacy putchar path runs). */
	err = vmm_set_reg(v, ONE_REG_SBI_EXT(KVM_RISCV_SBI_EXT_DBCN), v->dbcn);
	v->dbcn = v->dbcn && !err;
	if (err && err != -ENOENT) {
		vmm_fail("kvm_set_one_reg_failed", "reg=sbi_ext.dbcn errno=%s",
			 vmm_errno_name(-err));
		return -1;
	}
	return 0;
}

/* KVM's view of the guest timer; its frequency must be the host's. */
enum timer_reg {
	TIMER_FREQUENCY,
	TIMER_TIME,
	TIMER_COMPARE,
	TIMER_STATE,
	TIMER_REGS
};

static int check_timer(struct vmm *v)
{
	static const struct {
		const char *name;
		uint64_t id;
	} regs[TIMER_REGS] = {
		[TIMER_FREQUENCY] = {"frequency", ONE_REG_TIMER(frequency)},
		[TIMER_TIME] = {"time", ONE_REG_TIMER(time)},
		[TIMER_COMPARE] = {"compare", ONE_REG_TIMER(compare)},
		[TIMER_STATE] = {"state", ONE_REG_TIMER(state)},
	};
	uint64_t val[TIMER_REGS];

	for (int i = 0; i < TIMER_REGS; i++) {
		int err = vmm_get_reg(v, regs[i].id, &val[i]);

		if (err) {
			vmm_fail("kvm_get_one_reg_failed",
				 "reg=timer.%s errno=%s", regs[i].name,
				 vmm_errno_name(-err));
			return -1;
		}
	}
	if (val[TIMER_FREQUENCY] != v->timebase_hz) {
		vmm_fail("timebase_mismatch",
			 "kvm_timer_frequency=%" PRIu64 " host_dt=%" PRIu64,
			 val[TIMER_FREQUENCY], v->timebase_hz);
		return -1;
	}
	fprintf(stderr,
		"vmm: KVM timer: frequency=%" PRIu64 " time=%" PRIu64
		" compare=0x%" PRIx64 " state=%s\n",
		val[TIMER_FREQUENCY], val[TIMER_TIME], val[TIMER_COMPARE],
		val[TIMER_STATE] == KVM_RISCV_TIMER_STATE_ON ? "on" : "off");
	return 0;
}

static int set_entry(struct vmm *v, const struct vmm_boot *b)
{
	const struct {
		const char *name;
		uint64_t id, val;
	} regs[] = {
		{"pc", ONE_REG_CORE(regs.pc), b->entry},
		{"a0", ONE_REG_CORE(regs.a0), VMM_HART_ID},
		{"a1", ONE_REG_CORE(regs.a1), b->dtb_gpa},
	};

	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		int err = vmm_set_reg(v, regs[i].id, regs[i].val);

		if (err) {
			vmm_fail("kvm_set_one_reg_failed", "reg=%s errno=%s",
				 regs[i].name, vmm_errno_name(-err));
			return -1;
		}
	}
	return 0;
}

/* ---- the run loop -------------------------------------------------------- */

static enum vmm_step system_event(struct vmm *v)
{
	struct kvm_run *run = v->run;
	/* KVM puts the SRST reason in data[0] (vcpu_sbi.c) */
	uint64_t reason = run->system_event.ndata ? run->system_event.data[0]
						  : SBI_SRST_REASON_NONE;

	switch (run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		fprintf(stderr, "vmm: guest shut down (reason %s)\n",
			reason == SBI_SRST_REASON_NONE	    ? "none"
			: reason == SBI_SRST_REASON_SYSFAIL ? "sysfail"
							    : "other");
		return reason == SBI_SRST_REASON_NONE ? STEP_SHUTDOWN
						      : STEP_GUEST_FAILED;
	case KVM_SYSTEM_EVENT_RESET:
		fprintf(stderr,
			"vmm: guest asked for a reset (reason %" PRIu64
			"); the VMM does not reboot guests\n",
			reason);
		return STEP_RESET;
	default:
		return vmm_fail("unhandled_system_event", "type=%u",
				run->system_event.type);
	}
}

static enum vmm_step csr_exit(struct vmm *v)
{
	/* KVM forwards CSRs it does not emulate (e.g. seed); none is ours. */
	return vmm_fail("unhandled_csr_exit",
			"reason=riscv_csr csr=0x%lx new_value=0x%lx "
			"write_mask=0x%lx",
			v->run->riscv_csr.csr_num, v->run->riscv_csr.new_value,
			v->run->riscv_csr.write_mask);
}

struct exit_handler {
	uint32_t reason; /* kvm_run.exit_reason */
	enum vmm_step (*handle)(struct vmm *v);
};

static const struct exit_handler exit_handlers[] = {
	{KVM_EXIT_RISCV_SBI, vmm_handle_sbi},
	{KVM_EXIT_MMIO, vmm_handle_mmio},
	{KVM_EXIT_SYSTEM_EVENT, system_event},
	{KVM_EXIT_RISCV_CSR, csr_exit},
};

/* Names of the exits the VMM does not handle, for the error line. */
static const struct {
	uint32_t reason;
	const char *name;
} exit_names[] = {
	{KVM_EXIT_UNKNOWN, "unknown"},
	{KVM_EXIT_EXCEPTION, "exception"},
	{KVM_EXIT_IO, "io"},
	{KVM_EXIT_HYPERCALL, "hypercall"},
	{KVM_EXIT_DEBUG, "debug"},
	{KVM_EXIT_HLT, "hlt"},
	{KVM_EXIT_SHUTDOWN, "shutdown"},
	{KVM_EXIT_FAIL_ENTRY, "fail_entry"},
	{KVM_EXIT_INTR, "intr"},
	{KVM_EXIT_INTERNAL_ERROR, "internal_error"},
	{KVM_EXIT_MEMORY_FAULT, "memory_fault"},
};

static const char *exit_name(uint32_t reason)
{
	for (size_t i = 0; i < sizeof(exit_names) / sizeof(exit_names[0]); i++)
		if (exit_names[i].reason == reason)
			return exit_names[i].name;
	return "not_named";
}

static enum vmm_exit_kind exit_kind(const struct kvm_run *run)
{
	switch (run->exit_reason) {
	case KVM_EXIT_RISCV_SBI:
		return VEXIT_SBI;
	case KVM_EXIT_MMIO:
		return run->mmio.is_write ? VEXIT_MMIO_STORE : VEXIT_MMIO_LOAD;
	case KVM_EXIT_SYSTEM_EVENT:
		return VEXIT_SYSTEM_EVENT;
	default:
		return VEXIT_OTHER;
	}
}

static enum vmm_step run_once(struct vmm *v)
{
	int r;

	/* The benchmark windows' instret is read here, right around KVM_RUN:
	 * before the entry that follows a window's opening call (`arm`) and
	 * after the exit that brings its closing call, so an empty window and
	 * a benchmark's run the same VMM code between their reads (sbi.c,
	 * "the benchmark window"). */
	if (v->bench.arm) {
		v->bench.instret_start = vmm_instret(v);
		v->bench.arm = false;
	}
	r = ioctl(v->vcpu_fd, KVM_RUN, 0);
	if (!r && vmm_closes_window(v->run))
		v->instret_exit = vmm_instret(v);
	if (r) {
		if (errno == EINTR || errno == EAGAIN) {
			v->exits[VEXIT_INTR]++;
			return STEP_CONTINUE;
		}
		return vmm_fail("kvm_run_failed", "errno=%s",
				vmm_errno_name(errno));
	}
	v->exits[exit_kind(v->run)]++;
	/* the test device's state is vCPU 0's (vcpus.c) */
	if (v->secondary && v->run->exit_reason == KVM_EXIT_MMIO)
		return vmm_fail("mmio_from_secondary_vcpu", "gpa=0x%llx",
				(unsigned long long)v->run->mmio.phys_addr);
	for (size_t i = 0; i < sizeof(exit_handlers) / sizeof(exit_handlers[0]);
	     i++)
		if (exit_handlers[i].reason == v->run->exit_reason)
			return exit_handlers[i].handle(v);
	if (v->run->exit_reason == KVM_EXIT_FAIL_ENTRY)
		return vmm_fail(
			"unhandled_kvm_exit",
			"reason=fail_entry code=%u hw_reason=0x%llx",
			v->run->exit_reason,
			v->run->fail_entry.hardware_entry_failure_reason);
	return vmm_fail("unhandled_kvm_exit", "reason=%s code=%u",
			exit_name(v->run->exit_reason), v->run->exit_reason);
}

enum vmm_status vmm_run_loop(struct vmm *v)
{
	for (;;) {
		switch (run_once(v)) {
		case STEP_CONTINUE:
			continue;
		case STEP_SHUTDOWN:
			return VMM_STATUS_OK;
		case STEP_GUEST_FAILED:
			return VMM_STATUS_GUEST_FAILED;
		case STEP_RESET:
			return VMM_STATUS_GUEST_RESET;
		case STEP_ERROR:
			return VMM_STATUS_ERROR;
		}
	}
}

static void print_totals(const struct vmm *v)
{
	fprintf(stderr, "vmm: user-space exits:");
	for (int k = 0; k < VEXIT_COUNT; k++)
		fprintf(stderr, " %s=%" PRIu64, vmm_exit_kind_name(k),
			v->exits[k]);
	fprintf(stderr, "\n");
}

int main(int argc, char **argv)
{
	static struct vmm v = {.kvm_fd = -1, .vm_fd = -1, .vcpu_fd = -1};
	struct vmm_boot b = {0};
	struct vmm_isa isa;
	enum vmm_counter instret_want = COUNTER_AUTO;
	enum vmm_status st;
	unsigned vcpus = 1;
	/* --aia, else L1's rvnest.vmm.aia=, else auto */
	int aia_want = vmm_aia_cmdline_want();
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	v.ram_gpa = L2_RAM_BASE;
	v.ram_size = L2_RAM_SIZE; /* the micro-guest contract's RAM */
	v.dbcn = true;
	for (i = 1; i < argc; i++) {
		bool has_value = i + 1 < argc;

		if (!strcmp(argv[i], "--mem") && has_value) {
			v.ram_size = parse_size(argv[++i]);
			/* the micro contract's RAM is the unit: it keeps the
			 * flat layout's halves 2 MiB aligned */
			if (!v.ram_size || v.ram_size % L2_RAM_SIZE)
				return usage("--mem_needs_a_multiple_of_4M");
		} else if (!strcmp(argv[i], "--instret") && has_value) {
			i++;
			if (!strcmp(argv[i], "auto"))
				instret_want = COUNTER_AUTO;
			else if (!strcmp(argv[i], "csr"))
				instret_want = COUNTER_CSR;
			else if (!strcmp(argv[i], "perf"))
				instret_want = COUNTER_PERF;
			else
				return usage(
					"--instret_takes_auto_csr_or_perf");
		} else if (!strcmp(argv[i], "--vcpus") && has_value) {
			char *end;
			unsigned long n = strtoul(argv[++i], &end, 10);

			if (*end || n < 1 || n > VMM_MAX_VCPUS)
				return usage("--vcpus_takes_1_to_4");
			vcpus = (unsigned)n;
		} else if (!strcmp(argv[i], "--aia") && has_value) {
			aia_want = vmm_aia_parse_want(argv[++i]);
			if (aia_want < 0)
				return usage("--aia_takes_auto_on_or_off");
		} else if (!strcmp(argv[i], "--no-dbcn")) {
			v.dbcn = false;
		} else if (!strcmp(argv[i], "--fault") && has_value) {
			int f = parse_fault(argv[++i]);

			if (f < 0)
				return usage("--fault_takes_none_or_no-irq");
			v.fault = (enum vmm_fault)f;
		} else if (!strcmp(argv[i], "--initrd") && has_value) {
			b.initrd_path = argv[++i];
		} else if (!strcmp(argv[i], "--bootargs") && has_value) {
			b.bootargs = argv[++i];
		} else if (argv[i][0] == '-') {
			return usage(argv[i]);
		} else if (b.image_path) {
			return usage("more_than_one_image");
		} else {
			b.image_path = argv[i];
		}
	}
	if (!b.image_path)
		return usage("no_image");
	if (aia_want < 0)
		return usage("rvnest.vmm.aia_takes_auto_on_or_off");
	v.nvcpus = vcpus; /* every hart goes into the device tree */
	if (read_host_timebase(&v.timebase_hz)) {
		vmm_fail("no_host_timebase", "what=%s", HOST_TIMEBASE);
		return VMM_STATUS_ERROR;
	}
	/* the AIA device before the vCPUs, its addresses and INIT once every
	 * vCPU exists (aia.c) */
	if (open_kvm(&v) || vmm_aia_create(&v, (enum vmm_aia_want)aia_want) ||
	    add_ram(&v) || create_vcpu(&v) || vmm_create_vcpus(&v, vcpus) ||
	    vmm_aia_init(&v) || check_timer(&v) || vmm_read_isa(&v, &isa) ||
	    vmm_load(&v, &b) || vmm_build_dt(&v, &b, &isa) || set_entry(&v, &b))
		return VMM_STATUS_ERROR;
	vmm_stats_open(&v);
	vmm_instret_probe(&v, instret_want);
	printf("RVNEST boot component=kvm-vmm version=%s image=%s mem=0x%llx "
	       "entry=0x%llx dtb=0x%llx initrd=0x%llx timebase=%llu isa=%s "
	       "dbcn=%d kvm_stats=%u counts_instret=%s fault=%s aia=%s\n",
	       RVNEST_VERSION, b.linux_image ? "linux" : "flat",
	       (unsigned long long)v.ram_size, (unsigned long long)b.entry,
	       (unsigned long long)b.dtb_gpa, (unsigned long long)b.initrd_gpa,
	       (unsigned long long)v.timebase_hz, isa.isa, v.dbcn,
	       v.stats.count, vmm_counter_name(v.counter), fault_names[v.fault],
	       vmm_aia_mode_name(v.aia.mode));
	vmm_console_raw();
	if (vmm_start_vcpus(&v, vcpus))
		return VMM_STATUS_ERROR;
	st = vmm_run_loop(&v);
	print_totals(&v);
	return st;
}
