/* SPDX-License-Identifier: BSD-2-Clause */
/* Host unit tests for the MMIO test device's register model. */
#include "../testdev.h"

#include "unit.h"

static uint64_t load(struct l1_testdev *d, uint64_t off, unsigned width,
		     enum testdev_result want)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	CHECK_EQ(testdev_access(d, off, width, false, &v), want);
	return v;
}

static void store(struct l1_testdev *d, uint64_t off, unsigned width,
		  uint64_t v, enum testdev_result want)
{
	CHECK_EQ(testdev_access(d, off, width, true, &v), want);
}

TEST(testdev_id_and_scratch)
{
	struct l1_testdev d = {0};

	CHECK_EQ(load(&d, TESTDEV_REG_ID, 8, TESTDEV_OK), TESTDEV_MAGIC);
	CHECK_EQ(load(&d, TESTDEV_REG_ID, 4, TESTDEV_OK), TESTDEV_MAGIC);
	CHECK_EQ(load(&d, TESTDEV_REG_ID + 4, 4, TESTDEV_OK), 0);
	store(&d, TESTDEV_REG_ID, 8, 1, TESTDEV_READ_ONLY);

	store(&d, TESTDEV_REG_SCRATCH, 8, 0x1122334455667788ull, TESTDEV_OK);
	CHECK_EQ(load(&d, TESTDEV_REG_SCRATCH, 8, TESTDEV_OK),
		 0x1122334455667788ull);
	CHECK_EQ(load(&d, TESTDEV_REG_SCRATCH, 4, TESTDEV_OK), 0x55667788);
	CHECK_EQ(load(&d, TESTDEV_REG_SCRATCH + 4, 4, TESTDEV_OK), 0x11223344);
	/* a 4-byte store replaces only its half */
	store(&d, TESTDEV_REG_SCRATCH + 4, 4, 0xaabbccddeeull, TESTDEV_OK);
	CHECK_EQ(load(&d, TESTDEV_REG_SCRATCH, 8, TESTDEV_OK),
		 0xbbccddee55667788ull);
}

TEST(testdev_interrupt_line)
{
	struct l1_testdev d = {0};

	CHECK(!d.irq_line);
	store(&d, TESTDEV_REG_IRQ_RAISE, 8, 0, TESTDEV_OK);
	CHECK(d.irq_line);
	store(&d, TESTDEV_REG_IRQ_RAISE, 4, 7, TESTDEV_OK);
	CHECK(d.irq_line);
	CHECK_EQ(load(&d, TESTDEV_REG_IRQ_COUNT, 8, TESTDEV_OK), 2);
	store(&d, TESTDEV_REG_IRQ_ACK, 8, 0, TESTDEV_OK);
	CHECK(!d.irq_line);
	/* ACK with the line low stays low and counts nothing */
	store(&d, TESTDEV_REG_IRQ_ACK, 8, 0, TESTDEV_OK);
	CHECK(!d.irq_line);
	CHECK_EQ(load(&d, TESTDEV_REG_IRQ_COUNT, 8, TESTDEV_OK), 2);
	store(&d, TESTDEV_REG_IRQ_COUNT, 8, 0, TESTDEV_READ_ONLY);
	load(&d, TESTDEV_REG_IRQ_RAISE, 8, TESTDEV_WRITE_ONLY);
	load(&d, TESTDEV_REG_IRQ_ACK, 4, TESTDEV_WRITE_ONLY);
}

TEST(testdev_bad_accesses)
{
	struct l1_testdev d = {0};

	load(&d, TESTDEV_REG_SCRATCH, 1, TESTDEV_BAD_WIDTH);
	load(&d, TESTDEV_REG_SCRATCH, 2, TESTDEV_BAD_WIDTH);
	load(&d, TESTDEV_REG_SCRATCH + 4, 8, TESTDEV_BAD_WIDTH);
	load(&d, TESTDEV_REG_SCRATCH + 2, 4, TESTDEV_BAD_WIDTH);
	store(&d, TESTDEV_REG_SCRATCH, 16, 0, TESTDEV_BAD_WIDTH);
	load(&d, TESTDEV_SIZE, 8, TESTDEV_BAD_WIDTH);
	load(&d, 0x100, 8, TESTDEV_NO_REGISTER);
	store(&d, TESTDEV_SIZE - 8, 8, 0, TESTDEV_NO_REGISTER);
	/* refused accesses change nothing */
	CHECK_EQ(d.scratch, 0);
	CHECK_EQ(d.irq_count, 0);
}

TEST(testdev_messages)
{
	CHECK(testdev_result_msg(TESTDEV_BAD_WIDTH)[0] == 't');
	CHECK(testdev_result_msg((enum testdev_result)99)[0] == 't');
}

TEST(testdev_msi_mode)
{
	struct l1_testdev d = {0};

	/* no MSI page: a raise is a level on the line */
	CHECK_EQ(load(&d, TESTDEV_REG_MSI_PAGE, 8, TESTDEV_OK), 0);
	store(&d, TESTDEV_REG_IRQ_RAISE, 8, 1, TESTDEV_OK);
	CHECK(d.irq_line);
	CHECK(!d.msi_out);
	store(&d, TESTDEV_REG_IRQ_ACK, 8, 1, TESTDEV_OK);
	/* with one: a raise is one MSI to send, the line stays low */
	d.msi_page = L2_IMSIC_GPA;
	CHECK_EQ(load(&d, TESTDEV_REG_MSI_PAGE, 8, TESTDEV_OK), L2_IMSIC_GPA);
	store(&d, TESTDEV_REG_MSI_PAGE, 8, 0, TESTDEV_READ_ONLY);
	store(&d, TESTDEV_REG_IRQ_RAISE, 8, 1, TESTDEV_OK);
	CHECK(d.msi_out);
	CHECK(!d.irq_line);
	CHECK_EQ(load(&d, TESTDEV_REG_IRQ_COUNT, 8, TESTDEV_OK), 2);
}
