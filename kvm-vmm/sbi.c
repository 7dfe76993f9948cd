/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SBI calls that KVM forwards to user space (KVM_EXIT_RISCV_SBI). KVM
 * (Linux 6.12, arch/riscv/kvm/vcpu_sbi*.c) handles Base, TIME, IPI, RFENCE,
 * HSM, SRST (as KVM_EXIT_SYSTEM_EVENT) and PMU itself and forwards:
 *   - the legacy console putchar/getchar (it has no console),
 *   - DBCN, once the VMM enables it through the SBI_EXT ONE_REG,
 *   - everything in the experimental and vendor ranges, including Base
 *     probe_extension for such an ID: here, the rvnest extension.
 * Before the exit KVM sets ret[0] = SBI_ERR_NOT_SUPPORTED; KVM_RUN then
 * copies ret[0..1] into a0/a1 and steps over the ecall.
 */
#include "vmm.h"

#include <inttypes.h>
#include <poll.h>
#include <linux/perf_event.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <rvnest/bench.h>
#include <rvnest/sbi.h>

void vmm_console_write(const void *buf, size_t len)
{
	const uint8_t *p = buf;

	fflush(stdout); /* keep the VMM's own lines in order */
	while (len) {
		ssize_t n = write(STDOUT_FILENO, p, len);

		if (n <= 0)
			return; /* a closed console loses output, not the run */
		p += n;
		len -= (size_t)n;
	}
}

/* The guest's bytes go out unchanged: an L1 tty with output processing
 * (ONLCR) would turn a guest's own "\r\n" into "\r\r\n". Restored at exit,
 * for kvm-init's lines after the VMM. */
static struct termios saved_tty;

static void restore_tty(void)
{
	tcsetattr(STDOUT_FILENO, TCSADRAIN, &saved_tty);
}

void vmm_console_raw(void)
{
	struct termios t;

	if (!isatty(STDOUT_FILENO) || tcgetattr(STDOUT_FILENO, &saved_tty))
		return;
	t = saved_tty;
	t.c_oflag &= ~(tcflag_t)OPOST;
	if (tcsetattr(STDOUT_FILENO, TCSADRAIN, &t) == 0)
		atexit(restore_tty);
}

int vmm_console_getc(void)
{
	struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
	uint8_t c;

	if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLIN))
		return -1;
	return read(STDIN_FILENO, &c, 1) == 1 ? c : -1;
}

static void sbi_ret(struct kvm_run *run, long error, long value)
{
	run->riscv_sbi.ret[0] = (unsigned long)error;
	run->riscv_sbi.ret[1] = (unsigned long)value;
}

/* ---- legacy console (SBI v0.1) ----------------------------------------- */

static enum vmm_step legacy_putchar(struct vmm *v, struct kvm_run *run)
{
	uint8_t c = (uint8_t)run->riscv_sbi.args[0];

	(void)v;
	vmm_console_write(&c, 1);
	sbi_ret(run, SBI_SUCCESS, 0);
	return STEP_CONTINUE;
}

static enum vmm_step legacy_getchar(struct vmm *v, struct kvm_run *run)
{
	(void)v;
	/* v0.1 returns the byte, or -1 when there is none, in a0 */
	sbi_ret(run, vmm_console_getc(), 0);
	return STEP_CONTINUE;
}

/* ---- DBCN ---------------------------------------------------------------- */

static enum vmm_step dbcn(struct vmm *v, struct kvm_run *run)
{
	unsigned long *a = run->riscv_sbi.args;
	/* base_addr_hi holds the address bits above XLEN: none on RV64 */
	uint64_t gpa = a[1];
	uint8_t *p;

	if (a[2]) {
		sbi_ret(run, SBI_ERR_INVALID_PARAM, 0);
		return STEP_CONTINUE;
	}

	switch (run->riscv_sbi.function_id) {
	case SBI_DBCN_CONSOLE_WRITE:
		p = vmm_gpa(v, gpa, a[0]);
		if (!p) {
			sbi_ret(run, SBI_ERR_INVALID_PARAM, 0);
			return STEP_CONTINUE;
		}
		vmm_console_write(p, a[0]);
		sbi_ret(run, SBI_SUCCESS, (long)a[0]);
		return STEP_CONTINUE;
	case SBI_DBCN_CONSOLE_READ: {
		unsigned long n = 0;
		int c;

		p = vmm_gpa(v, gpa, a[0]);
		if (!p) {
			sbi_ret(run, SBI_ERR_INVALID_PARAM, 0);
			return STEP_CONTINUE;
		}
		while (n < a[0] && (c = vmm_console_getc()) >= 0)
			p[n++] = (uint8_t)c;
		sbi_ret(run, SBI_SUCCESS, (long)n);
		return STEP_CONTINUE;
	}
	case SBI_DBCN_CONSOLE_WRITE_BYTE: {
		uint8_t c = (uint8_t)a[0];

		vmm_console_write(&c, 1);
		sbi_ret(run, SBI_SUCCESS, 0);
		return STEP_CONTINUE;
	}
	default:
		sbi_ret(run, SBI_ERR_NOT_SUPPORTED, 0);
		return STEP_CONTINUE;
	}
}

/* ---- Base: only probe_extension of experimental/vendor IDs comes here -- */

static enum vmm_step base(struct vmm *v, struct kvm_run *run)
{
	(void)v;
	if (run->riscv_sbi.function_id != SBI_BASE_PROBE_EXT) {
		sbi_ret(run, SBI_ERR_NOT_SUPPORTED, 0);
		return STEP_CONTINUE;
	}
	/* The spec's probe result: nonzero when the extension exists. */
	sbi_ret(run, SBI_SUCCESS, run->riscv_sbi.args[0] == SBI_EXT_RVNEST);
	return STEP_CONTINUE;
}

/* ---- rvnest: NOP and the benchmark window ------------------------------- */

const char *vmm_exit_kind_name(enum vmm_exit_kind k)
{
	static const char *const names[VEXIT_COUNT] = {
		[VEXIT_SBI] = "sbi",
		[VEXIT_MMIO_LOAD] = "mmio_load",
		[VEXIT_MMIO_STORE] = "mmio_store",
		[VEXIT_SYSTEM_EVENT] = "system_event",
		[VEXIT_INTR] = "intr",
		[VEXIT_OTHER] = "other",
	};

	return (unsigned)k < VEXIT_COUNT ? names[k] : "invalid";
}

/*
 * instret. Under KVM the guest's own reads of instret trap into KVM, which
 * (hcounteren = TM only, arch/riscv/kvm/main.c) emulates them as 0 without
 * the SBI PMU, so the VMM reads the counter itself (run_once() in main.c),
 * in one of two ways:
 *  - csr: rdinstret in user space. It needs scounteren.IR in L1: Linux
 *    6.12 without a PMU driver never writes scounteren, so user space has
 *    what the firmware set (OpenSBI: CY|TM|IR); Linux 7.x writes TM only
 *    at boot (head.S). On L0, L1 also needs L0's hcounteren.IR, which
 *    l0-hyp/vcpu.c sets. A refused read is an illegal instruction: caught
 *    once here.
 *  - perf: a CPU-wide perf event for instructions (linux/config-fragment's
 *    legacy RISC-V PMU driver reads the same instret CSR in the kernel, in
 *    every mode, PERF_PMU_CAP_NO_EXCLUDE), read with read(2); a CPU-wide
 *    event counts whatever runs on the CPU, as the CSR does.
 * The two differ only in what a read costs, which is the same at both ends
 * of both windows and so cancels in (window - empty).
 */
static sigjmp_buf probe_jmp;

static void probe_sigill(int sig)
{
	(void)sig;
	siglongjmp(probe_jmp, 1);
}

static inline uint64_t rdinstret(void)
{
	uint64_t v;

	__asm__ __volatile__("rdinstret %0" : "=r"(v));
	return v;
}

static bool csr_readable(void)
{
	struct sigaction sa = {.sa_handler = probe_sigill}, old;
	volatile bool ok = false;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGILL, &sa, &old))
		return false;
	if (!sigsetjmp(probe_jmp, 1)) {
		(void)rdinstret();
		ok = true;
	}
	sigaction(SIGILL, &old, NULL);
	return ok;
}

static int perf_open(void)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_HARDWARE,
		.size = sizeof(a),
		.config = PERF_COUNT_HW_INSTRUCTIONS,
	};

	/* pid -1, cpu 0: every instruction on the VMM's (only) CPU, not
	 * only the VMM's task; the VMM runs as root (CAP_PERFMON) */
	return (int)syscall(SYS_perf_event_open, &a, -1, 0, -1,
			    PERF_FLAG_FD_CLOEXEC);
}

const char *vmm_counter_name(enum vmm_counter c)
{
	switch (c) {
	case COUNTER_CSR:
		return "csr";
	case COUNTER_PERF:
		return "perf";
	default:
		return "none";
	}
}

void vmm_instret_probe(struct vmm *v, enum vmm_counter want)
{
	v->counter = COUNTER_NONE;
	v->perf_fd = -1;
	if ((want == COUNTER_AUTO || want == COUNTER_CSR) && csr_readable()) {
		v->counter = COUNTER_CSR;
		return;
	}
	if (want == COUNTER_AUTO || want == COUNTER_PERF) {
		v->perf_fd = perf_open();
		if (v->perf_fd >= 0) {
			v->counter = COUNTER_PERF;
			return;
		}
	}
	fprintf(stderr,
		"vmm: cannot count instret (rdinstret refused%s): the bench "
		"lines carry no vmm_instret\n",
		want == COUNTER_CSR ? "" : ", no perf event for instructions");
}

uint64_t vmm_instret(struct vmm *v)
{
	uint64_t n = 0;

	switch (v->counter) {
	case COUNTER_CSR:
		return rdinstret();
	case COUNTER_PERF:
		if (read(v->perf_fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
			n = 0; /* the window then shows as not counted */
		return n;
	default:
		return 0;
	}
}

bool vmm_closes_window(const struct kvm_run *run)
{
	return run->exit_reason == KVM_EXIT_RISCV_SBI &&
	       run->riscv_sbi.extension_id == SBI_EXT_RVNEST &&
	       (run->riscv_sbi.function_id == SBI_RVNEST_BENCH_END ||
		run->riscv_sbi.function_id == SBI_RVNEST_BENCH_EMPTY_END);
}

/*
 * The benchmark window. The guest asks once whether the VMM counts instret
 * (BENCH_HOST_INSTRET) and, if so, brackets an empty window (0 iterations,
 * BENCH_EMPTY_BEGIN/END) before each benchmark's. Each window's instret
 * runs from the entry of the KVM_RUN after its opening call (`arm`) to the
 * return of the KVM_RUN that brings its closing call: the return to the
 * guest, the guest's own counter reads, the body, the closing ecall through
 * KVM. The two windows execute the same code apart from the body, so
 * (window - empty) / iters is the body's instructions per iteration at
 * every level, exact under icount; the bench line carries both raw figures
 * (vmm_instret=, vmm_instret_empty=) and the runner divides.
 */
/*
 * Called last before a window opens. L1's own interrupts inside a window
 * count too (they are work done at L1 while the operations run), so they
 * must fall on the same instructions in every run:
 *  - the console is drained first, so no UART transmit interrupt of the
 *    bench line just printed lands in the window (QEMU's serial backend
 *    completes transmission on the host's timing, not icount's);
 *  - then the VMM sleeps for 1 ns: with a periodic tick and no high-
 *    resolution timers (linux/config-fragment leaves tinyconfig's
 *    HZ_PERIODIC, HZ=250, !HIGH_RES_TIMERS), that wakes it on L1's next
 *    timer tick, so every window starts the same number of instructions
 *    after a tick and the ticks in it recur at the same points.
 */
static void window_align(void)
{
	struct timespec one_ns = {.tv_sec = 0, .tv_nsec = 1};

	fflush(stdout);
	tcdrain(STDOUT_FILENO); /* fails harmlessly when not a tty */
	nanosleep(&one_ns, NULL);
}

static bool bench_id_ok(struct kvm_run *run, unsigned long id)
{
	if (bench_name(id))
		return true;
	sbi_ret(run, SBI_ERR_INVALID_PARAM, 0);
	return false;
}

static void bench_empty_begin(struct vmm *v, struct kvm_run *run)
{
	unsigned long id = run->riscv_sbi.args[0];

	if (!bench_id_ok(run, id))
		return;
	v->bench.empty_open = true;
	v->bench.empty_id = id;
	v->bench.arm = true;
	sbi_ret(run, SBI_SUCCESS, 0);
	window_align();
}

static void bench_empty_end(struct vmm *v, struct kvm_run *run)
{
	unsigned long *a = run->riscv_sbi.args;

	if (!v->bench.empty_open || a[0] != v->bench.empty_id || a[1]) {
		sbi_ret(run, SBI_ERR_INVALID_PARAM, 0);
		return;
	}
	v->bench.empty_open = false;
	v->bench.empty_instret[a[0]] = v->instret_exit - v->bench.instret_start;
	v->bench.have_empty[a[0]] = true;
	sbi_ret(run, SBI_SUCCESS, 0);
}

static void bench_begin(struct vmm *v, struct kvm_run *run)
{
	unsigned long id = run->riscv_sbi.args[0];

	if (!bench_id_ok(run, id))
		return;
	v->bench.open = true;
	v->bench.id = id;
	v->bench.arm = true;
	/* This BEGIN exit is already counted: the window starts after it. */
	memcpy(v->bench.exits, v->exits, sizeof(v->exits));
	if (v->stats.count && vmm_stats_read(v, v->bench.kvm))
		v->stats.count = 0;
	sbi_ret(run, SBI_SUCCESS, 0);
	if (v->counter != COUNTER_NONE)
		window_align();
}

/* The KVM counters that the BENCH_END call itself moved: the exit into
 * KVM (exits) and its forwarding to us (ecall_exit_stat, which counts only
 * forwarded SBI calls: kvm_riscv_vcpu_sbi_forward). Taken out so the
 * window holds the loop alone, as l1-guest-hyp's does. */
static uint64_t end_call_share(const char *stat)
{
	return !strcmp(stat, "exits") || !strcmp(stat, "ecall_exit_stat");
}

static void bench_end(struct vmm *v, struct kvm_run *run)
{
	unsigned long *a = run->riscv_sbi.args;
	uint64_t d[VEXIT_COUNT], total = 0, now[VMM_MAX_STATS];
	uint64_t instret = v->instret_exit - v->bench.instret_start;
	char exits[256] = "", kvm[1024] = "", counted[96] = "";
	size_t n = 0;

	if (!v->bench.open || a[0] != v->bench.id) {
		sbi_ret(run, SBI_ERR_INVALID_PARAM, 0);
		return;
	}
	v->bench.open = false;
	if (v->counter != COUNTER_NONE && v->bench.have_empty[a[0]])
		snprintf(counted, sizeof(counted),
			 " vmm_instret=%" PRIu64 " vmm_instret_empty=%" PRIu64,
			 instret, v->bench.empty_instret[a[0]]);
	for (int k = 0; k < VEXIT_COUNT; k++)
		d[k] = v->exits[k] - v->bench.exits[k];
	d[VEXIT_SBI]--; /* this END call */
	for (int k = 0; k < VEXIT_COUNT; k++)
		total += d[k];
	for (int k = 0; k < VEXIT_COUNT && n < sizeof(exits); k++) {
		if (!d[k])
			continue;
		n += (size_t)snprintf(exits + n, sizeof(exits) - n,
				      "%s%s:%" PRIu64, n ? "," : "",
				      vmm_exit_kind_name(k), d[k]);
	}
	n = 0;
	if (v->stats.count && !vmm_stats_read(v, now)) {
		for (unsigned i = 0; i < v->stats.count && n < sizeof(kvm);
		     i++) {
			uint64_t delta = now[i] - v->bench.kvm[i] -
					 end_call_share(v->stats.desc[i].name);

			if (delta)
				n += (size_t)snprintf(
					kvm + n, sizeof(kvm) - n,
					"%s%s:%" PRIu64, n ? "," : "",
					v->stats.desc[i].name, delta);
		}
	}
	printf("RVNEST bench name=%s iters=%lu instret=%lu cycle=%lu "
	       "time=%lu exits=%s exits_total=%" PRIu64 " kvm_stats=%s%s\n",
	       bench_name(a[0]), a[1], a[2], a[3], a[4], exits, total,
	       v->stats.count ? (kvm[0] ? kvm : "none") : "unavailable",
	       counted);
	fflush(stdout);
	sbi_ret(run, SBI_SUCCESS, 0);
}

static enum vmm_step rvnest(struct vmm *v, struct kvm_run *run)
{
	switch (run->riscv_sbi.function_id) {
	case SBI_RVNEST_NOP:
		sbi_ret(run, SBI_SUCCESS, 0);
		break;
	case SBI_RVNEST_BENCH_BEGIN:
		bench_begin(v, run);
		break;
	case SBI_RVNEST_BENCH_END:
		bench_end(v, run);
		break;
	case SBI_RVNEST_BENCH_HOST_INSTRET:
		/* value 1: bracket an empty window before each benchmark */
		if (v->counter != COUNTER_NONE)
			sbi_ret(run, SBI_SUCCESS, 1);
		else
			sbi_ret(run, SBI_ERR_NOT_SUPPORTED, 0);
		break;
	case SBI_RVNEST_BENCH_EMPTY_BEGIN:
		bench_empty_begin(v, run);
		break;
	case SBI_RVNEST_BENCH_EMPTY_END:
		bench_empty_end(v, run);
		break;
	default:
		sbi_ret(run, SBI_ERR_NOT_SUPPORTED, 0);
		break;
	}
	return STEP_CONTINUE;
}

/* ---- dispatch ------------------------------------------------------------ */

struct sbi_ext_handler {
	unsigned long eid;
	const char *name;
	enum vmm_step (*handle)(struct vmm *v, struct kvm_run *run);
};

static const struct sbi_ext_handler sbi_handlers[] = {
	{SBI_EXT_LEGACY_CONSOLE_PUTCHAR, "legacy_putchar", legacy_putchar},
	{SBI_EXT_LEGACY_CONSOLE_GETCHAR, "legacy_getchar", legacy_getchar},
	{SBI_EXT_BASE, "base", base},
	{SBI_EXT_DBCN, "dbcn", dbcn},
	{SBI_EXT_RVNEST, "rvnest", rvnest},
};

enum vmm_step vmm_handle_sbi(struct vmm *v)
{
	struct kvm_run *run = v->run;

	for (size_t i = 0; i < sizeof(sbi_handlers) / sizeof(sbi_handlers[0]);
	     i++)
		if (sbi_handlers[i].eid == run->riscv_sbi.extension_id)
			return sbi_handlers[i].handle(v, run);
	/* Forwarded but unknown here (another experimental or vendor
	 * extension): the guest gets the architectural NOT_SUPPORTED, as from
	 * any SBI implementation without it; the console says so. */
	fprintf(stderr,
		"vmm: SBI call eid=0x%lx fid=0x%lx not implemented: "
		"returned NOT_SUPPORTED\n",
		run->riscv_sbi.extension_id, run->riscv_sbi.function_id);
	sbi_ret(run, SBI_ERR_NOT_SUPPORTED, 0);
	return STEP_CONTINUE;
}
