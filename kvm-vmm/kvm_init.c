/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * /init of L1 (Linux/KVM) in the KVM configurations: mounts the pseudo
 * file systems, runs the VMM on the L2 guest named by `rvnest.l2=` on the
 * kernel command line (default: micro), reports the VMM's exit status as
 * `RVNEST done status=<n>` and powers off.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef RVNEST_VERSION
#define RVNEST_VERSION "unknown"
#endif

#define CMDLINE "/proc/cmdline"
#define L2_PARAM "rvnest.l2="
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
	{"micro", {"/vmm", "/guests/micro.bin", NULL}},
	{"linux",
	 {"/vmm", "--mem", "128M", "--initrd", "/guests/l2-initramfs.cpio.gz",
	  "--bootargs", "console=hvc0 earlycon=sbi", "/guests/Image", NULL}},
};

static void __attribute__((noreturn)) finish(int status)
{
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

/* The value of rvnest.l2= in /proc/cmdline (the last one wins). */
static int l2_name(char *out, size_t size)
{
	char line[4096], *p, *tok;
	FILE *f = fopen(CMDLINE, "r");

	snprintf(out, size, "%s", L2_DEFAULT);
	if (!f)
		return -1;
	p = fgets(line, sizeof(line), f);
	fclose(f);
	if (!p)
		return -1;
	for (tok = strtok(line, " \n"); tok; tok = strtok(NULL, " \n"))
		if (!strncmp(tok, L2_PARAM, strlen(L2_PARAM)))
			snprintf(out, size, "%s", tok + strlen(L2_PARAM));
	return 0;
}

int main(void)
{
	char name[64];
	const struct l2 *g = NULL;
	pid_t pid;
	int ws;

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
	if (l2_name(name, sizeof(name))) {
		printf("RVNEST error msg=cannot_read component=kvm-init "
		       "what=%s errno=%d\n",
		       CMDLINE, errno);
		finish(INIT_FAILED);
	}
	for (size_t i = 0; i < sizeof(l2s) / sizeof(l2s[0]); i++)
		if (!strcmp(l2s[i].name, name))
			g = &l2s[i];
	if (!g) {
		printf("RVNEST error msg=unknown_l2 component=kvm-init l2=%s "
		       "known=micro,linux\n",
		       name);
		finish(INIT_FAILED);
	}
	printf("kvm-init: running L2 '%s' with %s\n", g->name, g->argv[0]);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execv(g->argv[0], (char *const *)g->argv);
		printf("RVNEST error msg=cannot_exec component=kvm-init "
		       "what=%s errno=%d\n",
		       g->argv[0], errno);
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
		finish(SIGNAL_STATUS_BASE + WTERMSIG(ws));
	}
	finish(WEXITSTATUS(ws));
}
