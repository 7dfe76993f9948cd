/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console side of in-QEMU coverage (common/include/rvnest/gcov.h).
 * Linked only into RVNEST_GCOV=1 images, and itself never instrumented:
 * its own counters would change while it serialises them.
 *
 * GCC's "Profiling and Test Coverage in Freestanding Environments":
 * -fprofile-info-section puts one pointer to each object's struct
 * gcov_info in .gcov_info; the linker script brackets that section with
 * __gcov_info_start/__gcov_info_end; __gcov_info_to_gcda (libgcov) turns
 * one gcov_info into the bytes of its .gcda file through callbacks.
 */
#include <gcov.h>
#include <rvnest/console.h>
#include <rvnest/gcov.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

extern const struct gcov_info *const __gcov_info_start[];
extern const struct gcov_info *const __gcov_info_end[];

/* Bytes per gcov_data line: 128 hex digits keep lines short enough for
 * any console path (DBCN writes, a UART). */
#define GCOV_LINE_BYTES 64

struct gcov_out {
	const char *file;
	unsigned long bytes;
	unsigned fill;
	uint8_t line[GCOV_LINE_BYTES];
	bool failed;
};

static void flush_line(struct gcov_out *o)
{
	static const char hex[] = "0123456789abcdef";
	char buf[2 * GCOV_LINE_BYTES + 1];

	if (!o->fill)
		return;
	for (unsigned i = 0; i < o->fill; i++) {
		buf[2 * i] = hex[o->line[i] >> 4];
		buf[2 * i + 1] = hex[o->line[i] & 15];
	}
	buf[2 * o->fill] = '\0';
	printf("RVNEST gcov_data hex=%s\n", buf);
	o->fill = 0;
}

static void on_filename(const char *name, void *arg)
{
	struct gcov_out *o = arg;

	o->file = name;
	printf("RVNEST gcov_begin file=%s\n", name);
}

static void on_data(const void *data, unsigned n, void *arg)
{
	struct gcov_out *o = arg;
	const uint8_t *p = data;

	o->bytes += n;
	while (n--) {
		o->line[o->fill++] = *p++;
		if (o->fill == GCOV_LINE_BYTES)
			flush_line(o);
	}
}

/* libgcov asks for memory only to merge value-profile (top-N) counters,
 * which -fprofile-arcs never emits; a static arena answers anyway, and
 * running out is reported, not papered over. */
static void *on_allocate(unsigned n, void *arg)
{
	static uint8_t arena[4096] __attribute__((aligned(16)));
	static unsigned used;
	struct gcov_out *o = arg;
	void *p;

	n = (n + 15) & ~15U;
	if (n > sizeof(arena) - used) {
		o->failed = true;
		return NULL;
	}
	p = &arena[used];
	used += n;
	return p;
}

void rvnest_gcov_dump(void)
{
	/* once, by one hart: a fatal path on another hart may get here
	 * after the normal end began */
	static unsigned long dumped; /* word-sized: AMOSWAP.D */

	if (__atomic_exchange_n(&dumped, 1UL, __ATOMIC_ACQ_REL))
		return;
	console_flush();
	for (const struct gcov_info *const *i = __gcov_info_start;
	     i < __gcov_info_end; i++) {
		struct gcov_out o = {0};

		__gcov_info_to_gcda(*i, on_filename, on_data, on_allocate, &o);
		flush_line(&o);
		if (o.failed)
			printf("RVNEST gcov_error file=%s "
			       "msg=allocation_arena_exhausted\n",
			       o.file ? o.file : "?");
		else
			printf("RVNEST gcov_end file=%s bytes=%lu\n",
			       o.file ? o.file : "?", o.bytes);
	}
	console_flush();
}
