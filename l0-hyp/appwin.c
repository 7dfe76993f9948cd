/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The marker lines of the application benchmarks' workload windows, parsed
 * from L1's console bytes (appwin.h). Pure: no hart, no L0 state.
 */
#include "appwin.h"

#include <string.h>

#define PREFIX "RVNEST appwin "

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* "edge=begin name=x" (trailing blanks allowed), the part after PREFIX */
static enum l0_appwin_edge parse(const char *s, char *name, const char **why)
{
	enum l0_appwin_edge edge;
	unsigned n = 0;

	if (!strncmp(s, "edge=begin ", 11)) {
		edge = L0_APPWIN_BEGIN;
		s += 11;
	} else if (!strncmp(s, "edge=end ", 9)) {
		edge = L0_APPWIN_END;
		s += 9;
	} else {
		*why = "no edge=begin or edge=end";
		return L0_APPWIN_BAD;
	}
	if (strncmp(s, "name=", 5)) {
		*why = "no name= after edge=";
		return L0_APPWIN_BAD;
	}
	for (s += 5; name_char(*s); s++) {
		if (n == L0_APPWIN_NAME_MAX) {
			*why = "name longer than 32 characters";
			return L0_APPWIN_BAD;
		}
		name[n++] = *s;
	}
	name[n] = '\0';
	while (*s == ' ')
		s++;
	if (*s) {
		*why = "name not [A-Za-z0-9._-], or more after it";
		return L0_APPWIN_BAD;
	}
	if (!n) {
		*why = "empty name";
		return L0_APPWIN_BAD;
	}
	return edge;
}

enum l0_appwin_edge l0_appwin_feed(struct l0_appwin_parser *p, char c,
				   char name[L0_APPWIN_NAME_MAX + 1],
				   const char **why)
{
	bool marker;

	/* a tty's ONLCR makes every "\n" "\r\n" */
	if (c == '\r')
		return L0_APPWIN_NONE;
	if (c != '\n') {
		if (p->len < L0_APPWIN_LINE_MAX)
			p->line[p->len++] = c;
		else
			p->overflow = true;
		return L0_APPWIN_NONE;
	}
	p->line[p->len] = '\0';
	marker = !strncmp(p->line, PREFIX, sizeof(PREFIX) - 1);
	if (marker && p->overflow) {
		*why = "marker line too long";
		p->len = 0;
		p->overflow = false;
		return L0_APPWIN_BAD;
	}
	p->len = 0;
	p->overflow = false;
	if (!marker)
		return L0_APPWIN_NONE;
	return parse(p->line + sizeof(PREFIX) - 1, name, why);
}
