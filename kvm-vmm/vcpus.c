/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * More than one vCPU (--vcpus N): vCPU 0 is the one main.c sets up and
 * runs; each further vCPU is created with KVM_CREATE_VCPU (hart id i),
 * put in the STOPPED state (KVM_SET_MP_STATE), and run by a thread of its
 * own. The guest starts it with SBI HSM hart_start, which KVM handles in
 * the kernel, as it does the IPIs and remote fences between the vCPUs
 * (KVM's SBI HSM, IPI and RFENCE extensions): a KVM_RUN of a stopped vCPU
 * waits in the kernel until then.
 *
 * A secondary vCPU's thread handles the same exits as vCPU 0 (console,
 * shutdown), with a copy of the VMM state holding its own vcpu_fd and
 * kvm_run; the test device and the benchmark windows stay vCPU 0's, and
 * an MMIO exit from another vCPU is an error (main.c, run_once). When
 * one thread's guest ends the run (SRST, an error), the process exits
 * with that status.
 *
 * Each vCPU's thread is pinned to one of L1's CPUs (vCPU i on CPU i modulo
 * the CPUs online; vCPU 0, the main thread, on CPU 0): the benchmark
 * windows read the hart's instret around KVM_RUN (main.c), which counts
 * whatever that hart ran, so a window must neither migrate between harts
 * nor share its hart with the other vCPU (measured on kvm-qemu-smp2
 * without pinning: an empty window of 9,165 instructions in one icount run
 * and up to 998,564 in the next).
 */
#define _GNU_SOURCE /* cpu_set_t, sched_setaffinity, \
		       pthread_attr_setaffinity_np */
#include "vmm.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>

static struct vmm secondary[VMM_MAX_VCPUS];

static void *vcpu_thread(void *arg)
{
	struct vmm *s = arg;
	enum vmm_status st = vmm_run_loop(s);

	fflush(stdout);
	/* the guest ended the run from this vCPU: end the VMM with it */
	exit((int)st);
}

/* The CPU vCPU i runs on: i modulo the CPUs online (at least one). */
static unsigned vcpu_cpu(unsigned i)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	return ncpu > 0 ? i % (unsigned)ncpu : 0;
}

int vmm_create_vcpus(struct vmm *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct vmm *s = &secondary[i];
		struct kvm_mp_state mp = {.mp_state = KVM_MP_STATE_STOPPED};

		*s = *v;
		if (vmm_create_vcpu(s, i))
			return -1;
		/* SBI HSM: a hart other than the boot hart starts STOPPED */
		if (ioctl(s->vcpu_fd, KVM_SET_MP_STATE, &mp)) {
			vmm_fail("kvm_set_mp_state_failed", "vcpu=%u errno=%s",
				 i, vmm_errno_name(errno));
			return -1;
		}
	}
	return 0;
}

int vmm_start_vcpus(struct vmm *v, unsigned n)
{
	cpu_set_t set;

	if (n > 1) {
		CPU_ZERO(&set);
		CPU_SET(vcpu_cpu(0), &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			vmm_fail("cannot_pin_vcpu", "vcpu=0 cpu=%u errno=%s",
				 vcpu_cpu(0), vmm_errno_name(errno));
			return -1;
		}
	}
	for (unsigned i = 1; i < n; i++) {
		struct vmm *s = &secondary[i];
		/* the vCPU vmm_create_vcpus made; the rest is vCPU 0's state
		 * as it is now (instret source, DBCN) */
		int fd = s->vcpu_fd;
		struct kvm_run *run = s->run;
		size_t run_size = s->run_size;
		bool dbcn = s->dbcn;
		pthread_attr_t attr;
		pthread_t t;
		int err;

		*s = *v;
		s->vcpu_fd = fd;
		s->run = run;
		s->run_size = run_size;
		s->dbcn = dbcn;
		s->secondary = true;
		for (int k = 0; k < VEXIT_COUNT; k++)
			s->exits[k] = 0;
		s->stats.fd = -1;
		CPU_ZERO(&set);
		CPU_SET(vcpu_cpu(i), &set);
		err = pthread_attr_init(&attr);
		if (!err)
			err = pthread_attr_setaffinity_np(&attr, sizeof(set),
							  &set);
		if (!err)
			err = pthread_create(&t, &attr, vcpu_thread, s);
		pthread_attr_destroy(&attr);
		if (err) {
			vmm_fail("cannot_start_vcpu_thread", "vcpu=%u errno=%s",
				 i, vmm_errno_name(err));
			return -1;
		}
	}
	if (n > 1)
		printf("vmm: %u vCPUs, one thread each, vCPU i on CPU i mod "
		       "%ld\n",
		       n, sysconf(_SC_NPROCESSORS_ONLN));
	return 0;
}
