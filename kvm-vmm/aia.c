/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * KVM's in-kernel AIA irqchip for the guest (--aia auto|on|off, default
 * from L1's command line rvnest.vmm.aia=, else auto). The device API is
 * Linux Documentation/virt/kvm/devices/riscv-aia.rst and
 * arch/riscv/kvm/aia_device.c:
 *
 *   KVM_CREATE_DEVICE(KVM_DEV_TYPE_RISCV_AIA)        after KVM_CREATE_VM
 *   GRP_CONFIG MODE (HWACCEL: every vCPU's IMSIC file is a hardware guest
 *     interrupt file of the host hart, selected by hstatus.VGEIN;
 *     AUTO: a guest file if one is free, else a file KVM emulates;
 *     EMUL: always emulated), SRCS, HART_BITS; IDS read back
 *   GRP_ADDR APLIC and IMSIC(i) for every vCPU       after KVM_CREATE_VCPU
 *   GRP_CTRL INIT                                    before the first run
 *
 * The guest's platform is QEMU virt's S-level layout: vCPU i's IMSIC file
 * at L2_IMSIC_GPA + i * 4 KiB (guest index bits 0: an L2 has only its
 * S-level file; hart index bits enough for the vCPUs, AIA "IMSIC memory
 * regions"), the APLIC (MSI mode, msi-parent the IMSIC) at
 * VMM_AIA_APLIC_GPA. The test device is an MSI device when the AIA is
 * on: its MSI_PAGE register reads vCPU 0's file address and a raise is
 * one KVM_SIGNAL_MSI of TESTDEV_MSI_ID_VIRQ into it (mmio.c), which KVM
 * writes into the guest file itself (aia.c's kvm_riscv_aia_inject_msi).
 */
#include "vmm.h"

#include <asm/kvm.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmdline.h"

#define AIA_CMDLINE "/proc/cmdline"
#define AIA_PARAM "rvnest.vmm.aia="

static const char *const want_names[] = {
	[VMM_AIA_WANT_AUTO] = "auto",
	[VMM_AIA_WANT_ON] = "on",
	[VMM_AIA_WANT_OFF] = "off",
};

int vmm_aia_parse_want(const char *name)
{
	for (size_t i = 0; i < sizeof(want_names) / sizeof(want_names[0]); i++)
		if (!strcmp(name, want_names[i]))
			return (int)i;
	return -1;
}

int vmm_aia_cmdline_want(void)
{
	static char line[4096];
	char *cursor = line, *tok;
	FILE *f = fopen(AIA_CMDLINE, "r");
	int want = VMM_AIA_WANT_AUTO;

	if (!f)
		return want;
	tok = fgets(line, sizeof(line), f);
	fclose(f);
	if (!tok)
		return want;
	/* the last rvnest.vmm.aia= wins, as the kernel's own parameters */
	while ((tok = cmdline_next_param(&cursor)))
		if (!strncmp(tok, AIA_PARAM, strlen(AIA_PARAM)))
			want = vmm_aia_parse_want(tok + strlen(AIA_PARAM));
	return want;
}

const char *vmm_aia_mode_name(enum vmm_aia_mode m)
{
	static const char *const names[] = {
		[VMM_AIA_NONE] = "off",
		[VMM_AIA_EMUL] = "emul",
		[VMM_AIA_HWACCEL] = "hwaccel",
		[VMM_AIA_AUTO] = "auto",
	};

	return (unsigned)m < sizeof(names) / sizeof(names[0]) ? names[m]
							      : "unknown";
}

static int aia_attr(struct vmm *v, bool write, uint32_t group, uint64_t attr,
		    void *val)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (uintptr_t)val,
	};

	return ioctl(v->aia.fd,
		     write ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, &a)
		       ? -errno
		       : 0;
}

/* Hart index bits for n vCPUs: ceil(log2(n)) (AIA "IMSIC memory regions":
 * the hart index is the page number above the guest index). */
unsigned vmm_aia_hart_bits(unsigned n)
{
	unsigned bits = 0;

	while ((1u << bits) < n)
		bits++;
	return bits;
}

int vmm_aia_create(struct vmm *v, enum vmm_aia_want want)
{
	struct kvm_create_device cd = {.type = KVM_DEV_TYPE_RISCV_AIA};
	uint32_t mode, srcs = VMM_AIA_SOURCES;
	int err;

	v->aia.mode = VMM_AIA_NONE;
	v->aia.fd = -1;
	if (want == VMM_AIA_WANT_OFF)
		return 0;
	/* ENODEV: the host hart has no Ssaia (aia_create), or KVM has no
	 * AIA device at all */
	if (ioctl(v->vm_fd, KVM_CREATE_DEVICE, &cd)) {
		err = errno;
		if (want == VMM_AIA_WANT_AUTO) {
			fprintf(stderr,
				"vmm: KVM offers no AIA irqchip (errno=%s): "
				"no IMSIC or APLIC for the guest\n",
				vmm_errno_name(err));
			return 0;
		}
		vmm_fail("kvm_aia_unavailable",
			 "what=KVM_CREATE_DEVICE_RISCV_AIA errno=%s",
			 vmm_errno_name(err));
		return -1;
	}
	v->aia.fd = (int)cd.fd;
	/* HWACCEL and AUTO need guest interrupt files on the host hart
	 * (EINVAL without: aia_config); `on` asks for the hardware file */
	mode = want == VMM_AIA_WANT_ON ? KVM_DEV_RISCV_AIA_MODE_HWACCEL
				       : KVM_DEV_RISCV_AIA_MODE_AUTO;
	err = aia_attr(v, true, KVM_DEV_RISCV_AIA_GRP_CONFIG,
		       KVM_DEV_RISCV_AIA_CONFIG_MODE, &mode);
	if (err == -EINVAL && want == VMM_AIA_WANT_AUTO) {
		mode = KVM_DEV_RISCV_AIA_MODE_EMUL;
		err = aia_attr(v, true, KVM_DEV_RISCV_AIA_GRP_CONFIG,
			       KVM_DEV_RISCV_AIA_CONFIG_MODE, &mode);
	}
	if (err) {
		vmm_fail(want == VMM_AIA_WANT_ON ? "kvm_aia_no_guest_files"
						 : "kvm_aia_config_failed",
			 "what=mode errno=%s", vmm_errno_name(-err));
		return -1;
	}
	v->aia.mode = mode == KVM_DEV_RISCV_AIA_MODE_HWACCEL ? VMM_AIA_HWACCEL
		      : mode == KVM_DEV_RISCV_AIA_MODE_AUTO  ? VMM_AIA_AUTO
							     : VMM_AIA_EMUL;
	v->aia.hart_bits = vmm_aia_hart_bits(v->nvcpus);
	err = aia_attr(v, true, KVM_DEV_RISCV_AIA_GRP_CONFIG,
		       KVM_DEV_RISCV_AIA_CONFIG_SRCS, &srcs);
	if (!err)
		err = aia_attr(v, true, KVM_DEV_RISCV_AIA_GRP_CONFIG,
			       KVM_DEV_RISCV_AIA_CONFIG_HART_BITS,
			       &v->aia.hart_bits);
	/* KVM's default is the most the host's guest files take (one less
	 * than their identities, kvm_riscv_aia_init_vm): the DT says it */
	if (!err)
		err = aia_attr(v, false, KVM_DEV_RISCV_AIA_GRP_CONFIG,
			       KVM_DEV_RISCV_AIA_CONFIG_IDS, &v->aia.nr_ids);
	if (err) {
		vmm_fail("kvm_aia_config_failed", "errno=%s",
			 vmm_errno_name(-err));
		return -1;
	}
	v->aia.nr_sources = srcs;
	return 0;
}

int vmm_aia_init(struct vmm *v)
{
	uint64_t addr = VMM_AIA_APLIC_GPA;
	int err;

	if (v->aia.mode == VMM_AIA_NONE)
		return 0;
	err = aia_attr(v, true, KVM_DEV_RISCV_AIA_GRP_ADDR,
		       KVM_DEV_RISCV_AIA_ADDR_APLIC, &addr);
	for (unsigned i = 0; i < v->nvcpus && !err; i++) {
		addr = vmm_aia_imsic_gpa(i);
		err = aia_attr(v, true, KVM_DEV_RISCV_AIA_GRP_ADDR,
			       KVM_DEV_RISCV_AIA_ADDR_IMSIC(i), &addr);
	}
	if (err) {
		vmm_fail("kvm_aia_addr_failed", "gpa=0x%llx errno=%s",
			 (unsigned long long)addr, vmm_errno_name(-err));
		return -1;
	}
	err = aia_attr(v, true, KVM_DEV_RISCV_AIA_GRP_CTRL,
		       KVM_DEV_RISCV_AIA_CTRL_INIT, NULL);
	if (err) {
		vmm_fail("kvm_aia_init_failed", "errno=%s",
			 vmm_errno_name(-err));
		return -1;
	}
	/* the micro-guest's AIA mode: its device sends MSIs into vCPU 0's
	 * file (guests/micro/README.md, "AIA mode") */
	v->dev.msi_page = vmm_aia_imsic_gpa(0);
	return 0;
}

enum vmm_step vmm_aia_send_msi(struct vmm *v, uint64_t page, uint32_t id)
{
	/* the IMSIC's seteipnum_le register is at offset 0 of its page (AIA
	 * "IMSIC memory-mapped registers"), so the message's address is the
	 * page itself and its data the identity */
	struct kvm_msi msi = {
		.address_lo = (uint32_t)page,
		.address_hi = (uint32_t)(page >> 32),
		.data = id,
	};

	if (ioctl(v->vm_fd, KVM_SIGNAL_MSI, &msi) < 0)
		return vmm_fail(
			"kvm_signal_msi_failed", "gpa=0x%llx id=%u errno=%s",
			(unsigned long long)page, id, vmm_errno_name(errno));
	return STEP_CONTINUE;
}
