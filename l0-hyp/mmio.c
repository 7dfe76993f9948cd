/* SPDX-License-Identifier: BSD-2-Clause */
#include "mmio.h"

#include <rvnest/insn.h>

#include "fetch.h"
#include "stats.h"
#include "vcpu.h"

const struct l0_mmio_device *l0_mmio_find(const struct l0_mmio_device *devs,
					  unsigned n, uint64_t gpa)
{
	for (unsigned i = 0; i < n; i++)
		if (gpa >= devs[i].base && gpa - devs[i].base < devs[i].size)
			return &devs[i];
	return NULL;
}

const char *l0_mmio_result_name(enum l0_mmio_result r)
{
	switch (r) {
	case L0_MMIO_EMULATED:
		return "emulated";
	case L0_MMIO_NO_DEVICE:
		return "no_device";
	case L0_MMIO_BAD_INSN:
		return "not_a_load_or_store";
	case L0_MMIO_DEVICE_ERROR:
		return "device_refused_access";
	case L0_MMIO_FETCH_FAULT:
		return "instruction_fetch_failed";
	}
	return "unknown";
}

enum l0_mmio_result l0_mmio_emulate(struct l0_vcpu *v, uint64_t gpa,
				    bool is_store)
{
	struct l0_guest *g = v->guest;
	struct insn in;

	if (!l0_mmio_find(g->mmio, g->nmmio, gpa))
		return L0_MMIO_NO_DEVICE;
	switch (l0_fault_insn(v, &in)) {
	case L0_FETCH_OK:
		break;
	case L0_FETCH_FAULT:
		return L0_MMIO_FETCH_FAULT;
	case L0_FETCH_UNSUPPORTED:
		return L0_MMIO_BAD_INSN;
	}
	return l0_mmio_perform(v, gpa, is_store, &in);
}

enum l0_mmio_result l0_mmio_perform(struct l0_vcpu *v, uint64_t gpa,
				    bool is_store, const struct insn *ip)
{
	struct l0_guest *g = v->guest;
	const struct l0_mmio_device *d = l0_mmio_find(g->mmio, g->nmmio, gpa);
	const struct insn in = *ip;
	enum l0_mmio_status st;
	uint64_t val;

	if (!d)
		return L0_MMIO_NO_DEVICE;
	if (in.kind != (is_store ? INSN_STORE : INSN_LOAD))
		return L0_MMIO_BAD_INSN;
	if (in.kind == INSN_STORE) {
		val = in.data_reg ? v->gpr[in.data_reg] : 0;
		if (in.width < 8)
			val &= (1UL << (in.width * 8)) - 1;
		/* devices are shared by every vCPU */
		l0_lock(&g->dev_lock);
		st = d->write(d->ctx, gpa - d->base, in.width, val);
		__atomic_add_fetch(&g->dev_gen, 1, __ATOMIC_RELEASE);
		l0_unlock(&g->dev_lock);
		if (st != L0_MMIO_OK)
			return L0_MMIO_DEVICE_ERROR;
		v->stats.ev[L0_EV_MMIO_WRITE]++;
	} else {
		l0_lock(&g->dev_lock);
		/* a read may change state too (PLIC claim) */
		st = d->read(d->ctx, gpa - d->base, in.width, &val);
		__atomic_add_fetch(&g->dev_gen, 1, __ATOMIC_RELEASE);
		l0_unlock(&g->dev_lock);
		if (st != L0_MMIO_OK)
			return L0_MMIO_DEVICE_ERROR;
		if (in.data_reg) /* x0 stays zero */
			v->gpr[in.data_reg] = insn_load_extend(&in, val);
		v->stats.ev[L0_EV_MMIO_READ]++;
	}
	v->sepc += in.len;
	return L0_MMIO_EMULATED;
}
