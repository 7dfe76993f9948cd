/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * /init of L1 (Linux/KVM) in the KVM configurations: mounts the pseudo
 * file systems, runs the VMM, reports the VMM's exit status as
 * `RVNEST done status=<n>` and powers off. The kernel command line says
 * what the VMM runs:
 *   rvnest.l2=micro|linux      one of the guests in this initramfs
 *                              (default micro)
 *   rvnest.vmm="ARG;ARG;..."   the VMM's arguments themselves, ';'
 *                              separated (overrides rvnest.l2), e.g. an L2
 *                              of your own in your own initramfs
 *   rvnest.vmm.next="ARG;..."  a second VMM run, once the first exited
 *                              with status 0 (kvm-l0-smp2: the micro-
 *                              guests' benchmarks, then a Linux L2)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"

#ifndef RVNEST_VERSION
#define RVNEST_VERSION "unknown"
#endif

#define CMDLINE "/proc/cmdline"
#define L2_PARAM "rvnest.l2="
#define VMM_PARAM "rvnest.vmm="
#define VMM_NEXT_PARAM "rvnest.vmm.next="
#define VMM_ARG_SEP ";"
#define VMM_PATH "/vmm"
#define VMM_MAX_ARGS 32
#define L2_DEFAULT "micro"
/* Status for a failure of /init itself (no VMM ran). */
#define INIT_FAILED 100
/* VMM killed by a signal: the shell's convention, 128 + signal number. */
#define SIGNAL_STATUS_BASE 128

struct mnt {
	const char *src, *dir, *type;
};

static const struct mnt mounts[] = {
	{"proc", "/proc", "proc"},
	{"sysfs", "/sys", "sysfs"},
	{"devtmpfs", "/dev", "devtmpfs"},
};

/* The L2 guests in this initramfs (kvm-vmm/initramfs-kvm.list). */
struct l2 {
	const char *name;
	const char *const argv[12];
};

static const struct l2 l2s[] = {
	{"micro", {VMM_PATH, "/guests/micro.bin", NULL}},
	{"linux",
	 {VMM_PATH, "--mem", "128M", "--initrd", "/guests/l2-initramfs.cpio.gz",
	  "--bootargs", "console=hvc0 earlycon=sbi", "/guests/Image", NULL}},
};

/* Let the kernel's console thread print what is pending before a protocol
 * line goes out, so a late kernel message cannot land inside one (as in
 * linux/init.c's settle_console()). */
static void settle_console(void)
{
	const struct timespec pause = {.tv_sec = 0, .tv_nsec = 50000000};

	nanosleep(&pause, NULL);
}

static void __attribute__((noreturn)) finish(int status)
{
	settle_console();
	printf("RVNEST done status=%d\n", status);
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	/* reboot() only returns on error; PID 1 must not exit. */
	printf("RVNEST error msg=poweroff_failed component=kvm-init "
	       "errno=%d\n",
	       errno);
	fflush(stdout);
	for (;;)
		pause();
}

struct l2_choice {
	char name[64];	      /* rvnest.l2= */
	char vmm_args[2048];  /* rvnest.vmm=, "" when absent */
	char next_args[2048]; /* rvnest.vmm.next=, "" when absent */
};

/* The last rvnest.l2= and rvnest.vmm= in /proc/cmdline win. */
static int read_choice(struct l2_choice *c)
{
	static char line[4096];
	char *cursor = line, *tok;
	FILE *f = fopen(CMDLINE, "r");

	snprintf(c->name, sizeof(c->name), "%s", L2_DEFAULT);
	c->vmm_args[0] = 0;
	c->next_args[0] = 0;
	if (!f)
		return -1;
	tok = fgets(line, sizeof(line), f);
	fclose(f);
	if (!tok)
		return -1;
	while ((tok = cmdline_next_param(&cursor))) {
		if (!strncmp(tok, L2_PARAM, strlen(L2_PARAM)))
			snprintf(c->name, sizeof(c->name), "%s",
				 tok + strlen(L2_PARAM));
		else if (!strncmp(tok, VMM_PARAM, strlen(VMM_PARAM)))
			snprintf(c->vmm_args, sizeof(c->vmm_args), "%s",
				 tok + strlen(VMM_PARAM));
		else if (!strncmp(tok, VMM_NEXT_PARAM, strlen(VMM_NEXT_PARAM)))
			snprintf(c->next_args, sizeof(c->next_args), "%s",
				 tok + strlen(VMM_NEXT_PARAM));
	}
	return 0;
}

/* Run the VMM to its end: its exit status (128 + n for signal n); a
 * failure to run it at all ends /init. */
static int run_vmm(char *const *argv)
{
	pid_t pid;
	int ws;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		printf("RVNEST error msg=cannot_exec component=kvm-init "
		       "what=%s errno=%d\n",
		       argv[0], errno);
		fflush(stdout);
		_exit(INIT_FAILED);
	}
	if (pid < 0 || waitpid(pid, &ws, 0) != pid) {
		printf("RVNEST error msg=cannot_run_vmm component=kvm-init "
		       "errno=%d\n",
		       errno);
		finish(INIT_FAILED);
	}
	if (WIFSIGNALED(ws)) {
		printf("RVNEST error msg=vmm_killed_by_signal "
		       "component=kvm-init signal=%d\n",
		       WTERMSIG(ws));
		return SIGNAL_STATUS_BASE + WTERMSIG(ws);
	}
	return WEXITSTATUS(ws);
}

int main(void)
{
	static struct l2_choice c;
	char *custom[VMM_MAX_ARGS];
	char *const *argv = NULL;
	int status;

	settle_console();
	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		mkdir(mounts[i].dir, 0755);
		if (mount(mounts[i].src, mounts[i].dir, mounts[i].type, 0,
			  NULL) &&
		    errno != EBUSY) {
			printf("RVNEST boot component=kvm-init version=%s\n",
			       RVNEST_VERSION);
			printf("RVNEST error msg=mount_failed "
			       "component=kvm-init "
			       "what=%s errno=%d\n",
			       mounts[i].dir, errno);
			finish(INIT_FAILED);
		}
	}
	printf("RVNEST boot component=kvm-init version=%s\n", RVNEST_VERSION);
	if (read_choice(&c)) {
		printf("RVNEST error msg=cannot_read component=kvm-init "
		       "what=%s errno=%d\n",
		       CMDLINE, errno);
		finish(INIT_FAILED);
	}
	if (c.vmm_args[0]) {
		custom[0] = (char *)VMM_PATH;
		if (cmdline_split(c.vmm_args, VMM_ARG_SEP, custom, 1,
				  VMM_MAX_ARGS) < 0) {
			printf("RVNEST error msg=too_many_vmm_args "
			       "component=kvm-init max=%d\n",
			       VMM_MAX_ARGS - 2);
			finish(INIT_FAILED);
		}
		argv = custom;
		printf("kvm-init: running %s with the arguments of "
		       "rvnest.vmm=\n",
		       VMM_PATH);
	} else {
		for (size_t i = 0; i < sizeof(l2s) / sizeof(l2s[0]); i++)
			if (!strcmp(l2s[i].name, c.name))
				argv = (char *const *)l2s[i].argv;
		if (!argv) {
			printf("RVNEST error msg=unknown_l2 component=kvm-init "
			       "l2=%s known=micro,linux\n",
			       c.name);
			finish(INIT_FAILED);
		}
		printf("kvm-init: running L2 '%s' with %s\n", c.name, argv[0]);
	}
	status = run_vmm(argv);
	if (status == 0 && c.next_args[0]) {
		/* the second run (rvnest.vmm.next=): only after a clean first
		 */
		custom[0] = (char *)VMM_PATH;
		if (cmdline_split(c.next_args, VMM_ARG_SEP, custom, 1,
				  VMM_MAX_ARGS) < 0) {
			printf("RVNEST error msg=too_many_vmm_args "
			       "component=kvm-init max=%d\n",
			       VMM_MAX_ARGS - 2);
			finish(INIT_FAILED);
		}
		printf("kvm-init: then running %s with the arguments of "
		       "rvnest.vmm.next=\n",
		       VMM_PATH);
		status = run_vmm(custom);
	}
	finish(status);
}
