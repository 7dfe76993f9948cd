/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L0's boot options, from the host's /chosen/bootargs (QEMU -append).
 * Everything after " -- " is L1's command line. See l0-hyp/README.md.
 */
#ifndef L0_OPTIONS_H
#define L0_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rvnest/pt.h>

#define L0_DEFAULT_L1_MEM (256UL << 20)
/* vCPUs L0 can run (two vPLIC contexts each); beyond the host's harts
 * L0 time-slices them (sched.h) */
#define L0_MAX_VCPUS 8
/* l0.slice: default and bounds of a vCPU's time slice, microseconds of
 * the timebase (sched.h) */
#define L0_SLICE_DEFAULT_US 1000UL
#define L0_SLICE_MIN_US 10UL
#define L0_SLICE_MAX_US 1000000UL
#define L0_BOOTARGS_MAX 1024
/* l0.trace: records in L0's static trace pool, shared by the vCPUs
 * (l0.trace=<n> takes n per vCPU); 32 bytes each (profile.h) */
#define L0_TRACE_POOL_RECORDS 16384
/* the shadow pool L0 reserves per vCPU (vhyp.c), l0.shadowpool's bound */
#define L0_SHADOW_POOL_MAX (512UL << 10)
/* l0.shadowpool=min, resolved by vhyp.c once the shadow's mode is known */
#define L0_SHADOW_POOL_MIN UINT64_MAX
/* l0.watchdog: default and bound, milliseconds of the timebase
 * (contain.h) */
#define L0_WATCHDOG_DEFAULT_MS 10000UL
#define L0_WATCHDOG_MAX_MS 3600000UL

/* l1.pci: at most this many functions named */
#define L0_PCI_MAX_ASSIGN 16

/* Whether L1 gets Sstc (vstimecmp through henvcfg.STCE). */
enum l0_sstc_choice {
	L0_SSTC_AUTO, /* when the host has it */
	L0_SSTC_OFF,
	L0_SSTC_ON, /* an error if the host lacks it */
};

struct l0_options {
	uint64_t l1_mem;
	unsigned l1_harts; /* vCPUs (time-sliced beyond the host's harts) */
	bool l1_h;	   /* advertise the H extension to L1 */
	enum pt_mode gstage;
	enum l0_sstc_choice l1_sstc;
	/* l1.aia=1: L1 gets an IMSIC (its S file a hardware guest interrupt
	 * file) and an emulated MSI-mode APLIC instead of the vPLIC (vaplic.h;
	 * only on an AIA host) */
	bool l1_aia;
	/* l0.nacl=: the SBI NACL features offered to L1, a mask of
	 * 1 << SBI_NACL_FEAT_* (l0-hyp/nacl.h); 0 = NACL absent */
	unsigned long nacl_features;
	/* l0.nacl.client=: the NACL features of the SBI below this L0 uses
	 * for its own h* CSRs, HFENCEs and SRET when it offers them (hcsr.h);
	 * same mask, default all */
	unsigned long nacl_client;
	/* l0.benchwin=: whose SBI_EXT_RVNEST BENCH_BEGIN/END open and close
	 * L0's l0bench window: L1's own calls (l1-guest-hyp passes them on),
	 * or L2's, seen as L2 exits on their way to L1 (a hypervisor such as
	 * Linux/KVM cannot make SBI calls for its user-space VMM) */
	enum l0_benchwin { L0_BENCHWIN_L1, L0_BENCHWIN_L2 } benchwin;
	/* l0.profile=0|1: account every trap's instructions inside L0 by
	 * cause and emulated CSR (profile.c). Off by default (it adds about
	 * 90 instructions per trap, l0-hyp/README.md "Profiling"); l0.trace
	 * turns it on unless l0.profile=0 says otherwise (an error) */
	bool profile;
	bool profile_set; /* l0.profile= was given */
	/* l0.trace=<n>: keep the last n traps per vCPU and print them per
	 * l0bench window and at shutdown (0 = off) */
	unsigned trace_len;
	/* l0.decode=: where the instruction behind a trap comes from: what
	 * the hardware reported (stval, htinst) when it is not 0, else
	 * fetched from guest memory; or always fetched (as on a hart that
	 * reports 0, so the fallback stays tested) */
	enum l0_decode { L0_DECODE_REPORTED, L0_DECODE_FETCH } decode;
	/* l0.watchdog=<ms>: the period of L0's watchdog (contain.h); 0 =
	 * off */
	uint64_t watchdog_ms;
	/* l0.slice=<us>: a vCPU's time slice when its host hart runs
	 * several (sched.h) */
	uint64_t slice_us;
	/* l0.shadowpool=<size>: bytes of shadow G-stage pool per vCPU (0 =
	 * all L0_SHADOW_POOL_MAX; L0_SHADOW_POOL_MIN: the least the shadow
	 * accepts in its mode); vhyp.c checks the shadow's minimum */
	uint64_t shadow_pool;
	/* l0.soak=<every>,<exits>[,<seconds>]: a soak run (soak.c): an
	 * l0soak line every <every> L2 exits; the run ends after <exits>
	 * L2 exits, or at the first line after <seconds> (0 = no limit).
	 * soak_every = 0: off */
	uint64_t soak_every, soak_exits, soak_secs;
	/* l1.pci=: PCI functions passed through to L1 (pci.c), each
	 * bus << 8 | device << 3 | function; pci_all: every endpoint but
	 * the IOMMU. Neither: L1 gets no PCI */
	bool pci_all;
	unsigned npci;
	uint16_t pci_bdf[L0_PCI_MAX_ASSIGN];
	bool has_l1_initrd;
	uint64_t l1_initrd_addr, l1_initrd_size;
	char l1_bootargs[L0_BOOTARGS_MAX];
};

enum l0_options_status {
	L0_OPTIONS_OK,
	L0_OPTIONS_BAD, /* err holds a one-line reason */
};

/* Parse `bootargs` (may be NULL: all defaults). */
enum l0_options_status l0_options_parse(const char *bootargs,
					struct l0_options *o, char *err,
					size_t errlen);

#endif /* L0_OPTIONS_H */
