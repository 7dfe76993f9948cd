/* SPDX-License-Identifier: BSD-2-Clause */
/* The MMIO test device's register model (see testdev.h). */
#include "testdev.h"

#include <stddef.h>

#define TESTDEV_REG_BYTES 8
#define BITS_PER_BYTE 8

struct testdev_reg {
	unsigned off;
	uint64_t (*read)(struct l1_testdev *d);
	void (*write)(struct l1_testdev *d, uint64_t val);
};

static uint64_t read_id(struct l1_testdev *d)
{
	(void)d;
	return TESTDEV_MAGIC;
}

static uint64_t read_scratch(struct l1_testdev *d)
{
	return d->scratch;
}

static void write_scratch(struct l1_testdev *d, uint64_t val)
{
	d->scratch = val;
}

/* Any write raises: the value carries no meaning (bench.h). With an MSI
 * page the interrupt is a message, sent once per raise (testdev.c), and
 * the line stays low. */
static void write_irq_raise(struct l1_testdev *d, uint64_t val)
{
	(void)val;
	d->irq_count++;
	if (d->msi_page)
		d->msi_out = true;
	else
		d->irq_line = true;
}

/* Completion: the acknowledgement deasserts the line. */
static void write_irq_ack(struct l1_testdev *d, uint64_t val)
{
	(void)val;
	d->irq_line = false;
}

static uint64_t read_irq_count(struct l1_testdev *d)
{
	return d->irq_count;
}

static uint64_t read_msi_page(struct l1_testdev *d)
{
	return d->msi_page;
}

static const struct testdev_reg regs[] = {
	{TESTDEV_REG_ID, read_id, NULL},
	{TESTDEV_REG_SCRATCH, read_scratch, write_scratch},
	{TESTDEV_REG_IRQ_RAISE, NULL, write_irq_raise},
	{TESTDEV_REG_IRQ_ACK, NULL, write_irq_ack},
	{TESTDEV_REG_IRQ_COUNT, read_irq_count, NULL},
	{TESTDEV_REG_MSI_PAGE, read_msi_page, NULL},
};

static const struct testdev_reg *find_reg(uint64_t off)
{
	for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (regs[i].off == off)
			return &regs[i];
	return NULL;
}

enum testdev_result testdev_access(struct l1_testdev *d, uint64_t off,
				   unsigned width, bool store, uint64_t *val)
{
	uint64_t reg_off = off & ~(uint64_t)(TESTDEV_REG_BYTES - 1);
	unsigned shift = (unsigned)(off - reg_off) * BITS_PER_BYTE;
	uint64_t mask;
	const struct testdev_reg *r;

	if ((width != 4 && width != 8) || (off & (width - 1)) ||
	    off >= TESTDEV_SIZE)
		return TESTDEV_BAD_WIDTH;
	mask = width == 8 ? ~0ull : ((1ull << (width * BITS_PER_BYTE)) - 1);
	r = find_reg(reg_off);
	if (!r)
		return TESTDEV_NO_REGISTER;
	if (store) {
		uint64_t cur;

		if (!r->write)
			return TESTDEV_READ_ONLY;
		/* A narrow store to a readable register merges. */
		cur = r->read ? r->read(d) : 0;
		cur &= ~(mask << shift);
		cur |= (*val & mask) << shift;
		r->write(d, cur);
		return TESTDEV_OK;
	}
	if (!r->read)
		return TESTDEV_WRITE_ONLY;
	*val = (r->read(d) >> shift) & mask;
	return TESTDEV_OK;
}

static const char *const result_msgs[] = {
	[TESTDEV_OK] = "ok",
	[TESTDEV_BAD_WIDTH] = "testdev_bad_access_width",
	[TESTDEV_NO_REGISTER] = "testdev_no_such_register",
	[TESTDEV_READ_ONLY] = "testdev_store_to_read_only_register",
	[TESTDEV_WRITE_ONLY] = "testdev_load_from_write_only_register",
};

const char *testdev_result_msg(enum testdev_result r)
{
	if ((unsigned)r < sizeof(result_msgs) / sizeof(result_msgs[0]))
		return result_msgs[r];
	return "testdev_invalid_result";
}
