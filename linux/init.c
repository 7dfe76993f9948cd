/*
 * rvnest linux-init: the static /init of the L1 Linux guest.
 *
 * It proves that the kernel reached user space, shows what the kernel sees
 * (uname, /proc/cpuinfo), checks that KVM works inside this guest, and powers
 * the machine off through the kernel's SBI SRST path so QEMU exits. Every
 * result is a console-protocol line (docs/protocol.md); any failure prints
 * `RVNEST error` and a non-zero `RVNEST done` before the power-off, so a run
 * never ends silently and never hangs in /init.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#ifndef RVNEST_VERSION
#error "build with -DRVNEST_VERSION=\"<git revision>\" (linux/module.mk)"
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define CONSOLE_PATH "/dev/console"
#define CPUINFO_PATH "/proc/cpuinfo"
#define UPTIME_PATH "/proc/uptime"
#define KVM_PATH "/dev/kvm"
#define SYSCON_POWEROFF_DRIVER "/sys/bus/platform/drivers/syscon-poweroff"
/* KVM_CREATE_VM's machine type: 0 is the architecture's default VM, the only
 * one riscv has (Documentation/virt/kvm/api.rst, KVM_CREATE_VM). */
#define KVM_VM_TYPE_DEFAULT 0
/* The vCPU to create: the VM's first (KVM_CREATE_VCPU takes the vcpu id). */
#define KVM_FIRST_VCPU_ID 0

/* What the run as a whole amounts to; printed as `RVNEST done status=`. */
enum init_status {
	INIT_OK = 0,
	INIT_FAILED = 1,
};

/* The pseudo file systems /init needs, mounted in this order. */
struct init_mount {
	const char *source;
	const char *target;
	const char *fstype;
};

static const struct init_mount init_mounts[] = {
	{"devtmpfs", "/dev", "devtmpfs"},
	{"proc", "/proc", "proc"},
	{"sysfs", "/sys", "sysfs"},
};

/* The first failure, reported once the console is known to work. */
struct init_failure {
	const char *msg;
	const char *what;
	int err;
};

static const char *errno_name(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "unknown_errno";
}

static void report_error(const struct init_failure *f)
{
	printf("RVNEST error msg=%s what=%s errno=%s\n", f->msg, f->what,
	       errno_name(f->err));
}

static void fail(struct init_failure *f, const char *msg, const char *what,
		 int err)
{
	f->msg = msg;
	f->what = what;
	f->err = err;
}

static enum init_status mount_all(struct init_failure *f)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(init_mounts); i++) {
		const struct init_mount *m = &init_mounts[i];

		/* The initramfs list creates the mount points; an initrd
		 * brought by a researcher may not have them. */
		if (mkdir(m->target, 0755) != 0 && errno != EEXIST) {
			fail(f, "mkdir_failed", m->target, errno);
			return INIT_FAILED;
		}
		if (mount(m->source, m->target, m->fstype, 0, NULL) != 0) {
			fail(f, "mount_failed", m->target, errno);
			return INIT_FAILED;
		}
	}
	return INIT_OK;
}

/*
 * The kernel opens /dev/console as fds 0-2 for init if the initramfs has that
 * node (ours has). An initramfs without it leaves init with no console, so
 * reopen it from devtmpfs, which mount_all() has mounted by now.
 */
/*
 * Let the kernel's console catch up before a protocol line. Since Linux 7.x
 * the serial console prints kernel messages from a printk thread, behind
 * the messages themselves; init's own writes to the same UART go straight
 * through the tty, so a late kernel line (measured: "Legacy PMU
 * implementation is available", printed after init had started) could land
 * in the middle of an RVNEST line. Sleeping lets that thread drain what is
 * pending; under icount the pause costs no instructions of note.
 */
static void settle_console(void)
{
	const struct timespec pause = {.tv_sec = 0, .tv_nsec = 50000000};

	nanosleep(&pause, NULL);
}

static void ensure_console(void)
{
	int fd;

	if (fcntl(STDOUT_FILENO, F_GETFD) != -1)
		return;
	fd = open(CONSOLE_PATH, O_RDWR | O_NOCTTY);
	if (fd < 0)
		return; /* nothing left to print to; the power-off still ends
			   the run, and the harness reports the missing lines */
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

/* Protocol values contain no spaces (docs/protocol.md). */
static void print_value(const char *s)
{
	for (; *s; s++)
		putchar(*s == ' ' ? '_' : *s);
}

static enum init_status show_uname(struct init_failure *f)
{
	struct utsname u;

	if (uname(&u) != 0) {
		fail(f, "uname_failed", "uname", errno);
		return INIT_FAILED;
	}
	printf("linux-init: %s %s %s %s\n", u.sysname, u.release, u.version,
	       u.machine);
	printf("RVNEST probe id=uname sysname=");
	print_value(u.sysname);
	printf(" release=");
	print_value(u.release);
	printf(" machine=");
	print_value(u.machine);
	printf(" version=");
	print_value(u.version);
	printf("\n");
	return INIT_OK;
}

static enum init_status show_file(struct init_failure *f, const char *path)
{
	char buf[512];
	FILE *in = fopen(path, "r");
	size_t n;

	if (!in) {
		fail(f, "open_failed", path, errno);
		return INIT_FAILED;
	}
	printf("linux-init: begin %s\n", path);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, stdout);
	if (ferror(in)) {
		fail(f, "read_failed", path, errno);
		fclose(in);
		return INIT_FAILED;
	}
	fclose(in);
	printf("linux-init: end %s\n", path);
	return INIT_OK;
}

static enum init_status show_cpuinfo(struct init_failure *f)
{
	return show_file(f, CPUINFO_PATH);
}

/* Seconds since the kernel started, as the kernel counts them. */
static enum init_status show_uptime(struct init_failure *f)
{
	char buf[64];
	FILE *in = fopen(UPTIME_PATH, "r");
	char *space;

	if (!in) {
		fail(f, "open_failed", UPTIME_PATH, errno);
		return INIT_FAILED;
	}
	if (!fgets(buf, sizeof(buf), in)) {
		fail(f, "read_failed", UPTIME_PATH, ferror(in) ? errno : EIO);
		fclose(in);
		return INIT_FAILED;
	}
	fclose(in);
	/* /proc/uptime is "<uptime> <idle>" (proc(5)). */
	space = strchr(buf, ' ');
	if (space)
		*space = '\0';
	printf("RVNEST probe id=uptime seconds=%s\n", buf);
	return INIT_OK;
}

/* The KVM steps whose result is "ok", the errno's name, or "skipped". */
enum kvm_step_id {
	KVM_STEP_VM,
	KVM_STEP_VCPU,
	KVM_STEP_COUNT,
};

static const char *const kvm_step_keys[KVM_STEP_COUNT] = {
	[KVM_STEP_VM] = "create_vm",
	[KVM_STEP_VCPU] = "create_vcpu",
};

/* api: the KVM API version, or NULL before it is known */
static void print_kvm(const char *dev, const char *api,
		      const char *const result[KVM_STEP_COUNT])
{
	size_t i;

	printf("RVNEST probe id=kvm dev=%s api=%s", dev, api ? api : "none");
	for (i = 0; i < KVM_STEP_COUNT; i++)
		printf(" %s=%s", kvm_step_keys[i], result[i]);
	printf("\n");
}

/*
 * /dev/kvm absent is a fact to report, not a failure: KVM registers the
 * device only when the hart has the H extension (a guest of an L0 that does
 * not offer "h" has none). /dev/kvm present but not working is a failure.
 */
static enum init_status check_kvm(struct init_failure *f)
{
	const char *result[KVM_STEP_COUNT] = {"skipped", "skipped"};
	enum init_status status = INIT_FAILED;
	int kvm, vm = -1, vcpu = -1, api;
	char api_text[16];
	const char *api_shown = NULL;
	struct stat st;

	if (stat(KVM_PATH, &st) != 0) {
		if (errno != ENOENT) {
			fail(f, "stat_failed", KVM_PATH, errno);
			return INIT_FAILED;
		}
		print_kvm("absent", NULL, result);
		return INIT_OK;
	}

	kvm = open(KVM_PATH, O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		fail(f, "open_failed", KVM_PATH, errno);
		goto out;
	}
	api = ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (api < 0) {
		fail(f, "kvm_get_api_version_failed", KVM_PATH, errno);
		goto out;
	}
	snprintf(api_text, sizeof(api_text), "%d", api);
	api_shown = api_text;
	if (api != KVM_API_VERSION) {
		fail(f, "kvm_api_version_mismatch", KVM_PATH, EPROTO);
		goto out;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, KVM_VM_TYPE_DEFAULT);
	if (vm < 0) {
		result[KVM_STEP_VM] = errno_name(errno);
		fail(f, "kvm_create_vm_failed", KVM_PATH, errno);
		goto out;
	}
	result[KVM_STEP_VM] = "ok";
	vcpu = ioctl(vm, KVM_CREATE_VCPU, KVM_FIRST_VCPU_ID);
	if (vcpu < 0) {
		result[KVM_STEP_VCPU] = errno_name(errno);
		fail(f, "kvm_create_vcpu_failed", KVM_PATH, errno);
		goto out;
	}
	result[KVM_STEP_VCPU] = "ok";
	status = INIT_OK;
out:
	print_kvm("present", api_shown, result);
	if (vcpu >= 0)
		close(vcpu);
	if (vm >= 0)
		close(vm);
	if (kvm >= 0)
		close(kvm);
	return status;
}

/*
 * Power off through SBI SRST, the interface L0 implements for L1. ARCH_VIRT
 * selects the syscon-poweroff driver, which binds to the virt machine's test
 * device and runs before the SBI handler (both have the default sys-off
 * priority and it registers first), so L1 would otherwise power off with an
 * MMIO write that L0 may not emulate. Unbinding the driver removes its
 * handler (it is devm-managed), leaving SBI SRST, or the legacy SBI shutdown
 * call on an SBI older than 0.3.
 */
static enum init_status select_sbi_power_off(struct init_failure *f)
{
	DIR *dir = opendir(SYSCON_POWEROFF_DRIVER);
	struct dirent *d;
	unsigned int unbound = 0;
	int fd;

	if (!dir) {
		if (errno != ENOENT) {
			fail(f, "open_failed", SYSCON_POWEROFF_DRIVER, errno);
			return INIT_FAILED;
		}
		/* no such driver in this kernel: nothing to unbind */
		printf("RVNEST probe id=poweroff via=sbi syscon_unbound=0\n");
		return INIT_OK;
	}
	/* A bound device appears as a symlink named after the device. */
	while ((d = readdir(dir)) != NULL) {
		if (d->d_type != DT_LNK || strcmp(d->d_name, "module") == 0)
			continue;
		fd = openat(dirfd(dir), "unbind", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, d->d_name, strlen(d->d_name)) < 0) {
			fail(f, "unbind_failed", SYSCON_POWEROFF_DRIVER, errno);
			if (fd >= 0)
				close(fd);
			closedir(dir);
			return INIT_FAILED;
		}
		close(fd);
		unbound++;
	}
	closedir(dir);
	printf("RVNEST probe id=poweroff via=sbi syscon_unbound=%u\n", unbound);
	return INIT_OK;
}

/*
 * rvnest_perf=1 on the kernel command line (an environment variable for
 * init, like rvnest_init_fail below): count cycles and instructions of a
 * loop with perf_event_open, as `perf stat -e cycles,instructions` would,
 * and fail unless both counted (the instructions at least one per
 * iteration). Off by default, so other runs print and execute nothing
 * more. harness/test_linux_pmu.py runs it on the PMU kernel variant,
 * whose perf counts through the SBI PMU of whatever runs below Linux.
 */
#define PERF_ENV "rvnest_perf"
#define PERF_LOOP 100000

static int perf_open(unsigned long long config)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = config;
	attr.disabled = 1;
	/* this task, any CPU (perf_event_open(2)) */
	return (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1,
			    PERF_FLAG_FD_CLOEXEC);
}

static enum init_status check_perf(struct init_failure *f)
{
	static const struct {
		const char *name;
		unsigned long long config;
	} events[] = {
		{"cycles", PERF_COUNT_HW_CPU_CYCLES},
		{"instructions", PERF_COUNT_HW_INSTRUCTIONS},
	};
	unsigned long long count[ARRAY_SIZE(events)] = {0};
	int fd[ARRAY_SIZE(events)];
	enum init_status status = INIT_OK;
	volatile unsigned long sink = 0;
	size_t i, opened = 0;

	if (!getenv(PERF_ENV))
		return INIT_OK;
	for (; opened < ARRAY_SIZE(events); opened++) {
		fd[opened] = perf_open(events[opened].config);
		if (fd[opened] < 0) {
			fail(f, "perf_event_open_failed", events[opened].name,
			     errno);
			status = INIT_FAILED;
			goto out;
		}
	}
	for (i = 0; i < opened; i++)
		if (ioctl(fd[i], PERF_EVENT_IOC_RESET, 0) != 0 ||
		    ioctl(fd[i], PERF_EVENT_IOC_ENABLE, 0) != 0) {
			fail(f, "perf_enable_failed", events[i].name, errno);
			status = INIT_FAILED;
			goto out;
		}
	for (i = 0; i < PERF_LOOP; i++)
		sink += i;
	for (i = 0; i < opened; i++) {
		if (ioctl(fd[i], PERF_EVENT_IOC_DISABLE, 0) != 0 ||
		    read(fd[i], &count[i], sizeof(count[i])) !=
			    (ssize_t)sizeof(count[i])) {
			fail(f, "perf_read_failed", events[i].name, errno);
			status = INIT_FAILED;
			goto out;
		}
	}
	settle_console();
	printf("RVNEST probe id=perf loop=%d cycles=%llu instructions=%llu\n",
	       PERF_LOOP, count[0], count[1]);
	if (count[0] == 0 || count[1] < PERF_LOOP) {
		fail(f, "perf_counted_too_little", "cycles,instructions",
		     ERANGE);
		status = INIT_FAILED;
	}
out:
	for (i = 0; i < opened; i++)
		close(fd[i]);
	return status;
}

/*
 * rvnest_perf_sample=1: what `perf record -e cycles:u -c PERIOD` does,
 * with perf_event_open: a cycles event sampled every
 * PERF_SAMPLE_PERIOD, its ring buffer mapped, the loop of check_perf run,
 * and the PERF_RECORD_SAMPLE records counted. Each sample is one counter
 * overflow interrupt (LCOFI, Sscofpmf) taken by the kernel; without one
 * the kernel refuses a sampling event (riscv_pmu_sbi: no interrupt, no
 * sampling) and the step fails naming the errno.
 */
#define PERF_SAMPLE_ENV "rvnest_perf_sample"
#define PERF_SAMPLE_PERIOD 10000
#define PERF_SAMPLE_PAGES 8 /* data pages of the ring buffer, 2^n */

static enum init_status check_perf_sample(struct init_failure *f)
{
	struct perf_event_attr attr;
	long page = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)page * (1 + PERF_SAMPLE_PAGES);
	struct perf_event_mmap_page *meta;
	unsigned long long head, off, samples = 0, lost = 0, count = 0;
	volatile unsigned long sink = 0;
	unsigned char *data;
	int fd;
	size_t i;

	if (!getenv(PERF_SAMPLE_ENV))
		return INIT_OK;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = PERF_COUNT_HW_CPU_CYCLES;
	attr.sample_period = PERF_SAMPLE_PERIOD;
	attr.sample_type = PERF_SAMPLE_IP;
	/* user mode only (perf's cycles:u): a filter OpenSBI can only
	 * program on an hpmcounter, which can overflow; the fixed mcycle
	 * it would otherwise pick has no overflow bit. Cycles, not
	 * instructions: QEMU 10 raises no overflow for an instructions
	 * hpmcounter (measured on OpenSBI alone: 0 samples, cycles 50) */
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	attr.disabled = 1;
	fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1,
			  PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		fail(f, "perf_sample_open_failed", "cycles", errno);
		return INIT_FAILED;
	}
	meta = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (meta == MAP_FAILED) {
		fail(f, "perf_sample_mmap_failed", "cycles", errno);
		close(fd);
		return INIT_FAILED;
	}
	if (ioctl(fd, PERF_EVENT_IOC_RESET, 0) != 0 ||
	    ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) != 0) {
		fail(f, "perf_sample_enable_failed", "cycles", errno);
		munmap(meta, len);
		close(fd);
		return INIT_FAILED;
	}
	for (i = 0; i < PERF_LOOP; i++)
		sink += i;
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
	/* the records between data_tail (0) and data_head, in a buffer
	 * large enough never to wrap for this loop */
	head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	data = (unsigned char *)meta + page;
	for (off = 0; off + sizeof(struct perf_event_header) <= head &&
		      off < (unsigned long long)page * PERF_SAMPLE_PAGES;) {
		const struct perf_event_header *h = (const void *)(data + off);

		if (h->size == 0)
			break;
		if (h->type == PERF_RECORD_SAMPLE)
			samples++;
		else if (h->type == PERF_RECORD_LOST)
			lost++;
		off += h->size;
	}
	if (read(fd, &count, sizeof(count)) != (ssize_t)sizeof(count))
		count = 0;
	munmap(meta, len);
	close(fd);
	settle_console();
	printf("RVNEST probe id=perf_sample loop=%d period=%d samples=%llu "
	       "lost=%llu counted=%llu\n",
	       PERF_LOOP, PERF_SAMPLE_PERIOD, samples, lost, count);
	/* each iteration takes at least one cycle */
	if (samples < PERF_LOOP / PERF_SAMPLE_PERIOD) {
		fail(f, "perf_sampled_too_little", "cycles", ERANGE);
		return INIT_FAILED;
	}
	return INIT_OK;
}

/* The checks, in order; the first failure ends the sequence. */
struct init_step {
	const char *name;
	enum init_status (*run)(struct init_failure *f);
};

static const struct init_step init_steps[] = {
	{"uname", show_uname},
	{"cpuinfo", show_cpuinfo},
	{"kvm", check_kvm},
	{"uptime", show_uptime},
	{"perf", check_perf},
	{"perf_sample", check_perf_sample},
};

/*
 * rvnest_init_fail=<step> on the kernel command line makes that step fail,
 * so tests can check the error path end to end (error line, non-zero done,
 * power-off). The kernel hands init every unknown name=value parameter
 * without a dot as an environment variable (init/main.c,
 * unknown_bootoption).
 */
#define INJECT_ENV "rvnest_init_fail"

static const struct init_step *find_step(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(init_steps); i++)
		if (strcmp(init_steps[i].name, name) == 0)
			return &init_steps[i];
	return NULL;
}

int main(void)
{
	struct init_failure failure = {0};
	const char *inject = getenv(INJECT_ENV);
	enum init_status status;
	size_t i;

	status = mount_all(&failure);
	ensure_console();
	setvbuf(stdout, NULL, _IOLBF, 0);
	settle_console();
	printf("RVNEST boot component=linux-init version=%s\n", RVNEST_VERSION);
	if (status == INIT_OK)
		printf("RVNEST linux-init marker=reached\n");
	if (status == INIT_OK && inject && !find_step(inject)) {
		/* a misspelt step must not pass as a clean run */
		fail(&failure, "unknown_step_in_" INJECT_ENV, inject, EINVAL);
		status = INIT_FAILED;
	}
	for (i = 0; status == INIT_OK && i < ARRAY_SIZE(init_steps); i++) {
		if (inject && strcmp(inject, init_steps[i].name) == 0) {
			fail(&failure, "injected_failure", init_steps[i].name,
			     ECANCELED);
			status = INIT_FAILED;
			break;
		}
		status = init_steps[i].run(&failure);
	}
	if (status != INIT_OK)
		report_error(&failure);
	/* Also after a failure: every run ends the same way, through SBI. */
	if (select_sbi_power_off(&failure) != INIT_OK) {
		report_error(&failure);
		status = INIT_FAILED;
	}
	settle_console();
	printf("RVNEST done status=%d\n", status);
	fflush(stdout);

	sync();
	/* The kernel powers off through SBI SRST (select_sbi_power_off());
	 * QEMU then exits. */
	reboot(RB_POWER_OFF);
	printf("RVNEST error msg=power_off_failed errno=%s\n",
	       errno_name(errno));
	fflush(stdout);
	/* Returning from init makes the kernel panic with "Attempted to kill
	 * init", a clear end rather than a silent hang. */
	return EXIT_FAILURE;
}
