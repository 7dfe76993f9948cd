/* SPDX-License-Identifier: BSD-2-Clause */
/* DBCN: every guest address validated before a byte moves. */
#include "mock.h"
#include "unit.h"

#include <string.h>

static struct sbi_nested_result dbcn(struct mock_fx *f, unsigned long fid,
				     unsigned long num, unsigned long lo,
				     unsigned long hi)
{
	return mock_call(&f->sn, SBI_EXT_DBCN, fid, num, lo, hi, 0, 0);
}

TEST(dbcn_write_copies_guest_memory)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;
	/* longer than one bounce chunk, ends on the last byte of memory */
	size_t n = 200;
	unsigned long gpa = MOCK_MEM_BASE + MOCK_MEM_SIZE - n;

	for (size_t i = 0; i < n; i++)
		f->m.mem[MOCK_MEM_SIZE - n + i] = (unsigned char)('a' + i % 26);
	r = dbcn(f, SBI_DBCN_CONSOLE_WRITE, n, gpa, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, n);
	CHECK_EQ(f->m.out_len, n);
	CHECK(memcmp(f->m.out, &f->m.mem[MOCK_MEM_SIZE - n], n) == 0);
}

TEST(dbcn_write_outside_memory_is_invalid_param)
{
	struct mock_fx *f = mock_setup();

	/* wholly outside, straddling the end, straddling the start */
	CHECK_EQ(dbcn(f, SBI_DBCN_CONSOLE_WRITE, 4, 0x1000, 0).error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(dbcn(f, SBI_DBCN_CONSOLE_WRITE, 2,
		      MOCK_MEM_BASE + MOCK_MEM_SIZE - 1, 0)
			 .error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(dbcn(f, SBI_DBCN_CONSOLE_WRITE, 2, MOCK_MEM_BASE - 1, 0).error,
		 SBI_ERR_INVALID_PARAM);
	/* a length that wraps the address space */
	CHECK_EQ(dbcn(f, SBI_DBCN_CONSOLE_WRITE, ~0UL, MOCK_MEM_BASE, 0).error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(f->m.out_len, 0);
	CHECK_EQ(f->m.guest_read_calls, 0);
}

TEST(dbcn_upper_address_bits_fail)
{
	struct mock_fx *f = mock_setup();

	CHECK_EQ(dbcn(f, SBI_DBCN_CONSOLE_WRITE, 1, MOCK_MEM_BASE, 1).error,
		 SBI_ERR_FAILED);
	CHECK_EQ(dbcn(f, SBI_DBCN_CONSOLE_READ, 1, MOCK_MEM_BASE, 1).error,
		 SBI_ERR_FAILED);
	CHECK_EQ(f->m.out_len, 0);
}

TEST(dbcn_zero_bytes_anywhere)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	r = dbcn(f, SBI_DBCN_CONSOLE_WRITE, 0, 0x1000, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 0);
	r = dbcn(f, SBI_DBCN_CONSOLE_READ, 0, 0x1000, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 0);
}

TEST(dbcn_write_io_and_copy_failures)
{
	struct mock_fx *f = mock_setup();

	f->m.console_fail = true;
	CHECK_EQ(dbcn(f, SBI_DBCN_CONSOLE_WRITE, 4, MOCK_MEM_BASE, 0).error,
		 SBI_ERR_FAILED);
	f = mock_setup();
	f->m.guest_read_fail_at = 2; /* the second chunk */
	CHECK_EQ(dbcn(f, SBI_DBCN_CONSOLE_WRITE, 100, MOCK_MEM_BASE, 0).error,
		 SBI_ERR_FAILED);
}

TEST(dbcn_read_takes_what_is_waiting)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	memset(f->m.mem, '.', 16);
	f->m.in = "hello";
	r = dbcn(f, SBI_DBCN_CONSOLE_READ, 3, MOCK_MEM_BASE, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 3);
	CHECK(memcmp(f->m.mem, "hel.", 4) == 0);
	r = dbcn(f, SBI_DBCN_CONSOLE_READ, 16, MOCK_MEM_BASE + 8, 0);
	CHECK_EQ(r.value, 2);
	CHECK(memcmp(&f->m.mem[8], "lo..", 4) == 0);
	/* nothing waiting: nothing written, value 0 */
	r = dbcn(f, SBI_DBCN_CONSOLE_READ, 16, MOCK_MEM_BASE, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 0);
	CHECK_EQ(f->m.guest_write_calls, 2);
}

TEST(dbcn_read_more_than_one_chunk)
{
	struct mock_fx *f = mock_setup();
	char in[151];
	struct sbi_nested_result r;

	memset(in, 'q', sizeof(in) - 1);
	in[sizeof(in) - 1] = 0;
	f->m.in = in;
	r = dbcn(f, SBI_DBCN_CONSOLE_READ, 1000, MOCK_MEM_BASE, 0);
	CHECK_EQ(r.value, 150);
	CHECK_EQ(f->m.mem[149], 'q');
	CHECK_EQ(f->m.mem[150], 0);
}

TEST(dbcn_read_errors)
{
	struct mock_fx *f = mock_setup();

	f->m.in = "abc";
	CHECK_EQ(dbcn(f, SBI_DBCN_CONSOLE_READ, 4,
		      MOCK_MEM_BASE + MOCK_MEM_SIZE, 0)
			 .error,
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(*f->m.in, 'a'); /* no input consumed */
	f->m.guest_write_fail_at = 1;
	CHECK_EQ(dbcn(f, SBI_DBCN_CONSOLE_READ, 4, MOCK_MEM_BASE, 0).error,
		 SBI_ERR_FAILED);
	f = mock_setup();
	char in[100];
	memset(in, 'z', sizeof(in) - 1);
	in[sizeof(in) - 1] = 0;
	f->m.in = in;
	f->m.guest_write_fail_at = 1; /* a full chunk fails */
	CHECK_EQ(dbcn(f, SBI_DBCN_CONSOLE_READ, 99, MOCK_MEM_BASE, 0).error,
		 SBI_ERR_FAILED);
}

TEST(dbcn_write_byte)
{
	struct mock_fx *f = mock_setup();
	struct sbi_nested_result r;

	r = dbcn(f, SBI_DBCN_CONSOLE_WRITE_BYTE, 0x141, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 0);
	CHECK_EQ(f->m.out_len, 1);
	CHECK_EQ(f->m.out[0], 'A'); /* only the low byte */
	f->m.console_fail = true;
	CHECK_EQ(dbcn(f, SBI_DBCN_CONSOLE_WRITE_BYTE, 'x', 0, 0).error,
		 SBI_ERR_FAILED);
	CHECK_EQ(dbcn(f, 3, 0, 0, 0).error, SBI_ERR_NOT_SUPPORTED);
}
