/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * KVM_EXIT_MMIO: a guest load/store to a GPA outside every memslot, which
 * KVM has decoded (address, width, data). The only device is the
 * micro-guest's test device; its register model is l1-guest-hyp's
 * testdev_regs.c, shared so both L1 hypervisors emulate the same device.
 * Its interrupt line is the guest's supervisor external interrupt, which
 * KVM_INTERRUPT sets and clears (api.rst, "KVM_INTERRUPT", RISC-V); with
 * KVM's AIA (aia.c) it sends MSIs into the guest's IMSIC file instead.
 */
#include "vmm.h"

#include <asm/kvm.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <rvnest/bench.h>

#define ONE_REG_CORE(field)                                      \
	(KVM_REG_RISCV | KVM_REG_SIZE_U64 | KVM_REG_RISCV_CORE | \
	 KVM_REG_RISCV_CORE_REG(field))

/* The guest pc, for error lines (0 when it cannot be read). */
static unsigned long long guest_pc(struct vmm *v)
{
	uint64_t pc = 0;

	vmm_get_reg(v, ONE_REG_CORE(regs.pc), &pc);
	return pc;
}

/* Give KVM the device's line level when it changed; with the AIA the
 * device is an MSI device instead (aia.c): one message per raise. */
static enum vmm_step sync_irq(struct vmm *v)
{
	struct kvm_interrupt irq;

	if (v->dev.msi_out) {
		v->dev.msi_out = false;
		if (v->fault == FAULT_NO_IRQ)
			return STEP_CONTINUE;
		return vmm_aia_send_msi(v, v->dev.msi_page,
					TESTDEV_MSI_ID_VIRQ);
	}
	if (v->dev.irq_line == v->irq_level || v->fault == FAULT_NO_IRQ)
		return STEP_CONTINUE;
	irq.irq = v->dev.irq_line ? KVM_INTERRUPT_SET : KVM_INTERRUPT_UNSET;
	if (ioctl(v->vcpu_fd, KVM_INTERRUPT, &irq))
		return vmm_fail("kvm_interrupt_failed", "level=%d errno=%s",
				v->dev.irq_line, vmm_errno_name(errno));
	v->irq_level = v->dev.irq_line;
	return STEP_CONTINUE;
}

enum vmm_step vmm_handle_mmio(struct vmm *v)
{
	struct kvm_run *run = v->run;
	uint64_t gpa = run->mmio.phys_addr, val = 0;
	unsigned width = run->mmio.len;
	bool store = run->mmio.is_write;
	enum testdev_result r;

	if (gpa < TESTDEV_BASE || gpa - TESTDEV_BASE >= TESTDEV_SIZE)
		return vmm_fail("mmio_outside_any_device",
				"gpa=0x%llx width=%u dir=%s pc=0x%llx",
				(unsigned long long)gpa, width,
				store ? "store" : "load", guest_pc(v));
	if (width > sizeof(val))
		return vmm_fail("mmio_bad_width",
				"gpa=0x%llx width=%u dir=%s pc=0x%llx",
				(unsigned long long)gpa, width,
				store ? "store" : "load", guest_pc(v));
	/* KVM's data[] is the little-endian memory image of the access. */
	if (store)
		memcpy(&val, run->mmio.data, width);
	r = testdev_access(&v->dev, gpa - TESTDEV_BASE, width, store, &val);
	if (r != TESTDEV_OK)
		return vmm_fail(testdev_result_msg(r),
				"gpa=0x%llx width=%u dir=%s pc=0x%llx",
				(unsigned long long)gpa, width,
				store ? "store" : "load", guest_pc(v));
	if (!store)
		memcpy(run->mmio.data, &val, width);
	return sync_irq(v);
}
