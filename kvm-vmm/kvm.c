/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The VMM's access to KVM beyond the run loop: ONE_REG, guest memory, the
 * binary statistics of the vCPU, and the ISA KVM gives the guest.
 * Interfaces: Linux Documentation/virt/kvm/api.rst (KVM_GET_ONE_REG,
 * KVM_GET_STATS_FD, "RISC-V registers").
 */
#include "vmm.h"

#include <asm/kvm.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <rvnest/encoding.h>

enum vmm_step vmm_fail(const char *msg, const char *fmt, ...)
{
	char extra[512] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(extra, sizeof(extra), fmt, ap);
		va_end(ap);
	}
	/* Protocol values have no spaces, but a path or argument might: a
	 * space not followed by a key=value token joins it to the value
	 * before it. */
	for (char *p = extra; *p; p++) {
		size_t word = strcspn(p + 1, " ");

		if (*p == ' ' && !memchr(p + 1, '=', word))
			*p = '_';
	}
	printf("RVNEST error msg=%s component=kvm-vmm%s%s\n", msg,
	       extra[0] ? " " : "", extra);
	fflush(stdout);
	return STEP_ERROR;
}

static const struct {
	int err;
	const char *name;
} errno_names[] = {
	{EPERM, "EPERM"},   {ENOENT, "ENOENT"},		{EINTR, "EINTR"},
	{EIO, "EIO"},	    {ENOEXEC, "ENOEXEC"},	{EBADF, "EBADF"},
	{EAGAIN, "EAGAIN"}, {ENOMEM, "ENOMEM"},		{EACCES, "EACCES"},
	{EFAULT, "EFAULT"}, {EBUSY, "EBUSY"},		{EEXIST, "EEXIST"},
	{ENODEV, "ENODEV"}, {EINVAL, "EINVAL"},		{ENOSPC, "ENOSPC"},
	{E2BIG, "E2BIG"},   {ENXIO, "ENXIO"},		{ENOSYS, "ENOSYS"},
	{ENOTTY, "ENOTTY"}, {EOPNOTSUPP, "EOPNOTSUPP"},
};

const char *vmm_errno_name(int err)
{
	static char buf[16];

	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]);
	     i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	snprintf(buf, sizeof(buf), "%d", err);
	return buf;
}

int vmm_get_reg(struct vmm *v, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg r = {.id = id, .addr = (uintptr_t)val};

	return ioctl(v->vcpu_fd, KVM_GET_ONE_REG, &r) ? -errno : 0;
}

int vmm_set_reg(struct vmm *v, uint64_t id, uint64_t val)
{
	struct kvm_one_reg r = {.id = id, .addr = (uintptr_t)&val};

	return ioctl(v->vcpu_fd, KVM_SET_ONE_REG, &r) ? -errno : 0;
}

void *vmm_gpa(struct vmm *v, uint64_t gpa, uint64_t len)
{
	if (gpa < v->ram_gpa || len > v->ram_size ||
	    gpa - v->ram_gpa > v->ram_size - len)
		return NULL;
	return v->ram + (gpa - v->ram_gpa);
}

/* ---- statistics -------------------------------------------------------- */

/* Keep every cumulative counter of one u64: the arch counters
 * (ecall_exit_stat, mmio_exit_user, ..., exits) and the generic ones. */
void vmm_stats_open(struct vmm *v)
{
	struct vmm_stats *s = &v->stats;
	struct kvm_stats_header h;
	size_t dsize;
	uint8_t *descs;

	s->fd = ioctl(v->vcpu_fd, KVM_GET_STATS_FD, NULL);
	s->count = 0;
	if (s->fd < 0) {
		fprintf(stderr,
			"vmm: no KVM statistics (KVM_GET_STATS_FD: %s)\n",
			vmm_errno_name(errno));
		return;
	}
	if (pread(s->fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
		goto bad;
	dsize = sizeof(struct kvm_stats_desc) + h.name_size;
	descs = calloc(h.num_desc, dsize);
	if (!descs)
		goto bad;
	if (pread(s->fd, descs, h.num_desc * dsize, h.desc_offset) !=
	    (ssize_t)(h.num_desc * dsize)) {
		free(descs);
		goto bad;
	}
	s->data_offset = h.data_offset;
	for (uint32_t i = 0; i < h.num_desc && s->count < VMM_MAX_STATS; i++) {
		const struct kvm_stats_desc *d =
			(const void *)(descs + (size_t)i * dsize);

		if ((d->flags & KVM_STATS_TYPE_MASK) !=
			    KVM_STATS_TYPE_CUMULATIVE ||
		    (d->flags & KVM_STATS_UNIT_MASK) != KVM_STATS_UNIT_NONE ||
		    d->size != 1)
			continue;
		snprintf(s->desc[s->count].name, VMM_STAT_NAME, "%.*s",
			 (int)h.name_size, d->name);
		s->desc[s->count].offset = d->offset;
		s->count++;
	}
	free(descs);
	return;
bad:
	fprintf(stderr, "vmm: KVM statistics unreadable; not reported\n");
	close(s->fd);
	s->fd = -1;
	s->count = 0;
}

int vmm_stats_read(struct vmm *v, uint64_t *out)
{
	struct vmm_stats *s = &v->stats;

	for (unsigned i = 0; i < s->count; i++)
		if (pread(s->fd, &out[i], sizeof(out[i]),
			  (off_t)(s->data_offset + s->desc[i].offset)) !=
		    (ssize_t)sizeof(out[i]))
			return -1;
	return 0;
}

/* ---- the ISA KVM gives the guest ----------------------------------------
 * Names for KVM's ISA extension IDs (enum KVM_RISCV_ISA_EXT_ID in
 * <asm/kvm.h>), as riscv,isa-extensions spells them. */
static const char *const isa_ext_names[KVM_RISCV_ISA_EXT_MAX] = {
	[KVM_RISCV_ISA_EXT_A] = "a",
	[KVM_RISCV_ISA_EXT_C] = "c",
	[KVM_RISCV_ISA_EXT_D] = "d",
	[KVM_RISCV_ISA_EXT_F] = "f",
	[KVM_RISCV_ISA_EXT_H] = "h",
	[KVM_RISCV_ISA_EXT_I] = "i",
	[KVM_RISCV_ISA_EXT_M] = "m",
	[KVM_RISCV_ISA_EXT_SVPBMT] = "svpbmt",
	[KVM_RISCV_ISA_EXT_SSTC] = "sstc",
	[KVM_RISCV_ISA_EXT_SVINVAL] = "svinval",
	[KVM_RISCV_ISA_EXT_ZIHINTPAUSE] = "zihintpause",
	[KVM_RISCV_ISA_EXT_ZICBOM] = "zicbom",
	[KVM_RISCV_ISA_EXT_ZICBOZ] = "zicboz",
	[KVM_RISCV_ISA_EXT_ZBB] = "zbb",
	[KVM_RISCV_ISA_EXT_SSAIA] = "ssaia",
	[KVM_RISCV_ISA_EXT_V] = "v",
	[KVM_RISCV_ISA_EXT_SVNAPOT] = "svnapot",
	[KVM_RISCV_ISA_EXT_ZBA] = "zba",
	[KVM_RISCV_ISA_EXT_ZBS] = "zbs",
	[KVM_RISCV_ISA_EXT_ZICNTR] = "zicntr",
	[KVM_RISCV_ISA_EXT_ZICSR] = "zicsr",
	[KVM_RISCV_ISA_EXT_ZIFENCEI] = "zifencei",
	[KVM_RISCV_ISA_EXT_ZIHPM] = "zihpm",
	[KVM_RISCV_ISA_EXT_SMSTATEEN] = "smstateen",
	[KVM_RISCV_ISA_EXT_ZICOND] = "zicond",
	[KVM_RISCV_ISA_EXT_ZBC] = "zbc",
	[KVM_RISCV_ISA_EXT_ZBKB] = "zbkb",
	[KVM_RISCV_ISA_EXT_ZBKC] = "zbkc",
	[KVM_RISCV_ISA_EXT_ZBKX] = "zbkx",
	[KVM_RISCV_ISA_EXT_ZKND] = "zknd",
	[KVM_RISCV_ISA_EXT_ZKNE] = "zkne",
	[KVM_RISCV_ISA_EXT_ZKNH] = "zknh",
	[KVM_RISCV_ISA_EXT_ZKR] = "zkr",
	[KVM_RISCV_ISA_EXT_ZKSED] = "zksed",
	[KVM_RISCV_ISA_EXT_ZKSH] = "zksh",
	[KVM_RISCV_ISA_EXT_ZKT] = "zkt",
	[KVM_RISCV_ISA_EXT_ZVBB] = "zvbb",
	[KVM_RISCV_ISA_EXT_ZVBC] = "zvbc",
	[KVM_RISCV_ISA_EXT_ZVKB] = "zvkb",
	[KVM_RISCV_ISA_EXT_ZVKG] = "zvkg",
	[KVM_RISCV_ISA_EXT_ZVKNED] = "zvkned",
	[KVM_RISCV_ISA_EXT_ZVKNHA] = "zvknha",
	[KVM_RISCV_ISA_EXT_ZVKNHB] = "zvknhb",
	[KVM_RISCV_ISA_EXT_ZVKSED] = "zvksed",
	[KVM_RISCV_ISA_EXT_ZVKSH] = "zvksh",
	[KVM_RISCV_ISA_EXT_ZVKT] = "zvkt",
	[KVM_RISCV_ISA_EXT_ZFH] = "zfh",
	[KVM_RISCV_ISA_EXT_ZFHMIN] = "zfhmin",
	[KVM_RISCV_ISA_EXT_ZIHINTNTL] = "zihintntl",
	[KVM_RISCV_ISA_EXT_ZVFH] = "zvfh",
	[KVM_RISCV_ISA_EXT_ZVFHMIN] = "zvfhmin",
	[KVM_RISCV_ISA_EXT_ZFA] = "zfa",
	[KVM_RISCV_ISA_EXT_ZTSO] = "ztso",
	[KVM_RISCV_ISA_EXT_ZACAS] = "zacas",
	[KVM_RISCV_ISA_EXT_SSCOFPMF] = "sscofpmf",
	[KVM_RISCV_ISA_EXT_ZIMOP] = "zimop",
	[KVM_RISCV_ISA_EXT_ZCA] = "zca",
	[KVM_RISCV_ISA_EXT_ZCB] = "zcb",
	[KVM_RISCV_ISA_EXT_ZCD] = "zcd",
	[KVM_RISCV_ISA_EXT_ZCF] = "zcf",
	[KVM_RISCV_ISA_EXT_ZCMOP] = "zcmop",
	[KVM_RISCV_ISA_EXT_ZAWRS] = "zawrs",
};

/* Canonical order of single-letter extensions in an ISA string (unpriv
 * spec, "ISA Extension Naming Conventions"). */
static const char isa_letter_order[] = "imafdqcbkjpvh";

#define ONE_REG_ULONG(type, idx) \
	(KVM_REG_RISCV | KVM_REG_SIZE_U64 | (type) | (uint64_t)(idx))

static const struct {
	unsigned long mode;
	const char *name;
} mmu_types[] = {
	{ATP_MODE_SV39, "riscv,sv39"},
	{ATP_MODE_SV48, "riscv,sv48"},
	{ATP_MODE_SV57, "riscv,sv57"},
};

/* The block size of a cache-block extension KVM offers, from its config
 * register (0 when the extension is off). */
static int cbo_block(struct vmm *v, unsigned ext, uint64_t config_reg,
		     const char *name, uint64_t *size)
{
	uint64_t on = 0;
	int err;

	*size = 0;
	err = vmm_get_reg(
		v,
		ONE_REG_ULONG(KVM_REG_RISCV_ISA_EXT | KVM_REG_RISCV_ISA_SINGLE,
			      ext),
		&on);
	if (err == -ENOENT || (!err && !on))
		return 0;
	if (!err)
		err = vmm_get_reg(
			v, ONE_REG_ULONG(KVM_REG_RISCV_CONFIG, config_reg),
			size);
	if (err)
		vmm_fail("kvm_get_one_reg_failed", "reg=config.%s errno=%s",
			 name, vmm_errno_name(-err));
	return err;
}

int vmm_read_isa(struct vmm *v, struct vmm_isa *isa)
{
	uint64_t val;
	size_t n;
	int err;

	memset(isa, 0, sizeof(*isa));
	err = vmm_get_reg(v,
			  ONE_REG_ULONG(KVM_REG_RISCV_CONFIG,
					KVM_REG_RISCV_CONFIG_REG(isa)),
			  &val);
	if (err) {
		vmm_fail("kvm_get_one_reg_failed", "reg=config.isa errno=%s",
			 vmm_errno_name(-err));
		return -1;
	}
	isa->letters = val;
	n = (size_t)snprintf(isa->isa, sizeof(isa->isa), "rv64");
	for (const char *l = isa_letter_order; *l; l++)
		if (val & (1ul << (*l - 'a')))
			isa->isa[n++] = *l;
	isa->isa[n] = 0;
	for (unsigned id = 0; id < KVM_RISCV_ISA_EXT_MAX; id++) {
		const char *name = isa_ext_names[id];
		size_t len;

		if (!name)
			continue;
		err = vmm_get_reg(
			v,
			ONE_REG_ULONG(KVM_REG_RISCV_ISA_EXT |
					      KVM_REG_RISCV_ISA_SINGLE,
				      id),
			&val);
		/* ENOENT: this KVM does not know the extension at all. */
		if (err == -ENOENT || (!err && !val))
			continue;
		if (err) {
			vmm_fail("kvm_get_one_reg_failed",
				 "reg=isa_ext.%s errno=%s", name,
				 vmm_errno_name(-err));
			return -1;
		}
		len = strlen(name) + 1;
		if (isa->exts_len + len > sizeof(isa->exts) ||
		    n + len + 1 > sizeof(isa->isa)) {
			vmm_fail("isa_string_too_long", NULL);
			return -1;
		}
		memcpy(isa->exts + isa->exts_len, name, len);
		isa->exts_len += len;
		/* single letters are already in the rv64... prefix */
		if (len > 2)
			n += (size_t)snprintf(isa->isa + n,
					      sizeof(isa->isa) - n, "_%s",
					      name);
	}
	err = vmm_get_reg(v,
			  ONE_REG_ULONG(KVM_REG_RISCV_CONFIG,
					KVM_REG_RISCV_CONFIG_REG(satp_mode)),
			  &val);
	if (err) {
		vmm_fail("kvm_get_one_reg_failed",
			 "reg=config.satp_mode errno=%s", vmm_errno_name(-err));
		return -1;
	}
	for (size_t i = 0; i < sizeof(mmu_types) / sizeof(mmu_types[0]); i++)
		if (mmu_types[i].mode == val)
			isa->mmu = mmu_types[i].name;
	if (cbo_block(v, KVM_RISCV_ISA_EXT_ZICBOM,
		      KVM_REG_RISCV_CONFIG_REG(zicbom_block_size),
		      "zicbom_block_size", &isa->cbom_block) ||
	    cbo_block(v, KVM_RISCV_ISA_EXT_ZICBOZ,
		      KVM_REG_RISCV_CONFIG_REG(zicboz_block_size),
		      "zicboz_block_size", &isa->cboz_block))
		return -1;
	return 0;
}
