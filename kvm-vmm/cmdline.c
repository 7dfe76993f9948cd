/* SPDX-License-Identifier: BSD-2-Clause */
/* Kernel command-line parsing for kvm-init (cmdline.h). */
#include "cmdline.h"

#include <stddef.h>
#include <string.h>

static int is_space(char c)
{
	return c == ' ' || c == '\n';
}

char *cmdline_next_param(char **cursor)
{
	char *p = *cursor, *start, *out;
	int quoted = 0;

	while (is_space(*p))
		p++;
	if (!*p)
		return NULL;
	start = out = p;
	for (; *p && (quoted || !is_space(*p)); p++) {
		if (*p == '"')
			quoted = !quoted;
		else
			*out++ = *p;
	}
	if (*p)
		p++;
	*out = 0;
	*cursor = p;
	return start;
}

int cmdline_split(char *args, const char *sep, char **argv, int first, int max)
{
	int n = first;
	char *save = NULL;

	for (char *a = strtok_r(args, sep, &save); a;
	     a = strtok_r(NULL, sep, &save)) {
		if (n >= max - 1)
			return -1;
		argv[n++] = a;
	}
	if (n >= max)
		return -1;
	argv[n] = NULL;
	return n;
}
