/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal self-registering host unit tests. Each test file uses TEST(name);
 * link with common/test/unit_main.c. The runner prints one line per failure
 * and closes with "unit: N passed, N failed".
 */
#ifndef RVNEST_UNIT_H
#define RVNEST_UNIT_H

#include <stdio.h>

struct unit_test {
	const char *name;
	const char *file;
	void (*fn)(void);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);
void unit_fail(const char *file, int line, const char *expr);

#define TEST(name)                                                         \
	static void test_##name(void);                                     \
	static struct unit_test unit_##name = { #name, __FILE__,           \
						test_##name, NULL };       \
	__attribute__((constructor)) static void unit_reg_##name(void)     \
	{                                                                  \
		unit_register(&unit_##name);                               \
	}                                                                  \
	static void test_##name(void)

#define CHECK(expr)                                                    \
	do {                                                           \
		if (!(expr))                                           \
			unit_fail(__FILE__, __LINE__, #expr);          \
	} while (0)

#define CHECK_EQ(a, b)                                                    \
	do {                                                              \
		unsigned long long __a = (unsigned long long)(a);         \
		unsigned long long __b = (unsigned long long)(b);         \
		if (__a != __b) {                                         \
			char __m[160];                                    \
			snprintf(__m, sizeof(__m),                        \
				 "%s == %s (0x%llx != 0x%llx)", #a, #b,   \
				 __a, __b);                               \
			unit_fail(__FILE__, __LINE__, __m);               \
		}                                                         \
	} while (0)

#endif /* RVNEST_UNIT_H */
