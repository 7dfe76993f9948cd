/* SPDX-License-Identifier: BSD-2-Clause */
#include "unit.h"

#include <string.h>

static struct unit_test *head, **tail = &head;
static int current_failed;

void unit_register(struct unit_test *t)
{
	*tail = t;
	tail = &t->next;
}

void unit_fail(const char *file, int line, const char *expr)
{
	printf("  FAIL %s:%d: %s\n", file, line, expr);
	current_failed = 1;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	const char *only = argc > 1 ? argv[1] : NULL;

	for (struct unit_test *t = head; t; t = t->next) {
		if (only && !strstr(t->name, only))
			continue;
		current_failed = 0;
		t->fn();
		if (current_failed) {
			printf("FAIL %s (%s)\n", t->name, t->file);
			failed++;
		} else {
			passed++;
		}
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
