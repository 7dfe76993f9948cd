/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * /init of the Linux L2 guest that kvm-vmm boots: proves that Linux reached
 * user space inside KVM inside L1, then powers off, which the L2 kernel
 * does through SBI SRST and KVM turns into KVM_EXIT_SYSTEM_EVENT for the
 * VMM (the L2 device tree has no other power-off device).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef RVNEST_VERSION
#define RVNEST_VERSION "unknown"
#endif

#define UPTIME "/proc/uptime"
#define CPUINFO "/proc/cpuinfo"
#define ISA_KEY "isa"

/* The ISA the L2 kernel took from kvm-vmm's device tree: /proc/cpuinfo's
 * "isa : rv64..." line, so the test can compare it with what the VMM
 * described. */
static void print_isa(void)
{
	char line[1024], isa[1024] = "unknown";
	FILE *f = fopen(CPUINFO, "r");

	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, ISA_KEY, strlen(ISA_KEY)) || !colon ||
		    sscanf(colon + 1, "%1023s", isa) != 1)
			continue;
		break;
	}
	if (f)
		fclose(f);
	printf("RVNEST probe id=l2-cpuinfo isa=%s\n", isa);
}

int main(void)
{
	char up[64] = "";
	FILE *f;

	printf("RVNEST boot component=l2-linux-init version=%s\n",
	       RVNEST_VERSION);
	printf("RVNEST l2-linux marker=reached\n");
	/* The L2 kernel's own clock: how long its boot took in the guest. */
	mkdir("/proc", 0755);
	if (mount("proc", "/proc", "proc", 0, NULL) == 0 &&
	    (f = fopen(UPTIME, "r"))) {
		if (fscanf(f, "%63s", up) != 1)
			up[0] = 0;
		fclose(f);
	}
	printf("RVNEST probe id=l2-uptime seconds=%s\n",
	       up[0] ? up : "unknown");
	print_isa();
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	printf("RVNEST error msg=poweroff_failed component=l2-linux-init "
	       "errno=%d\n",
	       errno);
	fflush(stdout);
	for (;;)
		pause();
}
