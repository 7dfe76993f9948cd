/* SPDX-License-Identifier: BSD-2-Clause */
/* The workload-window markers in L1's console bytes (l0-hyp/appwin.c). */
#include <string.h>

#include "../appwin.h"
#include "unit.h"

/* Feed a whole string; the edge the last marker line gave (or NONE), its
 * name and reason; *count: how many bytes returned something else than
 * NONE. */
static enum l0_appwin_edge feed(struct l0_appwin_parser *p, const char *s,
				char *name, const char **why, unsigned *count)
{
	enum l0_appwin_edge last = L0_APPWIN_NONE;

	*count = 0;
	for (; *s; s++) {
		enum l0_appwin_edge e = l0_appwin_feed(p, *s, name, why);

		if (e != L0_APPWIN_NONE) {
			last = e;
			(*count)++;
		}
	}
	return last;
}

TEST(appwin_begin_and_end)
{
	struct l0_appwin_parser p = {0};
	char name[L0_APPWIN_NAME_MAX + 1];
	const char *why = NULL;
	unsigned n;

	CHECK_EQ(feed(&p, "RVNEST appwin edge=begin name=sysbench-cpu\r\n",
		      name, &why, &n),
		 L0_APPWIN_BEGIN);
	CHECK_EQ(n, 1);
	CHECK(!strcmp(name, "sysbench-cpu"));
	CHECK_EQ(feed(&p, "RVNEST appwin edge=end name=stress-ng.fault_2 \n",
		      name, &why, &n),
		 L0_APPWIN_END);
	CHECK(!strcmp(name, "stress-ng.fault_2"));
}

TEST(appwin_marker_split_across_writes)
{
	/* hvc passes a line on in pieces (its output buffer) */
	struct l0_appwin_parser p = {0};
	char name[L0_APPWIN_NAME_MAX + 1];
	const char *why = NULL;
	unsigned n;

	CHECK_EQ(feed(&p, "RVNEST appw", name, &why, &n), L0_APPWIN_NONE);
	CHECK_EQ(feed(&p, "in edge=begin na", name, &why, &n), L0_APPWIN_NONE);
	CHECK_EQ(feed(&p, "me=memcached\n", name, &why, &n), L0_APPWIN_BEGIN);
	CHECK(!strcmp(name, "memcached"));
}

TEST(appwin_other_lines_are_not_markers)
{
	struct l0_appwin_parser p = {0};
	char name[L0_APPWIN_NAME_MAX + 1];
	const char *why = NULL;
	unsigned n;
	char longline[300];

	const char *others =
		"[    1.0] hvc0: x\nRVNEST app name=hackbench status=0\n"
		" RVNEST appwin edge=begin name=x\nRVNEST appwindow x\n";

	CHECK_EQ(feed(&p, others, name, &why, &n), L0_APPWIN_NONE);
	CHECK_EQ(n, 0);
	/* a long ordinary line, then a marker: the marker still counts */
	memset(longline, 'x', sizeof(longline) - 2);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = '\0';
	CHECK_EQ(feed(&p, longline, name, &why, &n), L0_APPWIN_NONE);
	CHECK_EQ(feed(&p, "RVNEST appwin edge=end name=a\n", name, &why, &n),
		 L0_APPWIN_END);
}

TEST(appwin_bad_markers_say_why)
{
	struct l0_appwin_parser p = {0};
	char name[L0_APPWIN_NAME_MAX + 1];
	const char *why = NULL;
	unsigned n;
	const char *limit = "RVNEST appwin edge=end "
			    "name=abcdefghijabcdefghijabcdefghijab\n";
	static const struct {
		const char *line, *why;
	} bad[] = {
		{"RVNEST appwin edge=middle name=a\n", "no edge="},
		{"RVNEST appwin edge=begin\n", "no edge="},
		{"RVNEST appwin edge=begin nom=a\n", "no name="},
		{"RVNEST appwin edge=begin name=\n", "empty name"},
		{"RVNEST appwin edge=end name=a b\n", "more after it"},
		{"RVNEST appwin edge=end name=a/b\n", "more after it"},
		{"RVNEST appwin edge=end "
		 "name=abcdefghijabcdefghijabcdefghijabc\n",
		 "longer than 32"},
		{"RVNEST appwin edge=end name=a "
		 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		 "xxxxxxxxxxxxxxxxxxxxxxxx\n",
		 "too long"},
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		CHECK_EQ(feed(&p, bad[i].line, name, &why, &n), L0_APPWIN_BAD);
		CHECK_EQ(n, 1);
		CHECK(why && strstr(why, bad[i].why));
	}
	/* 32 characters is the limit, not an error */
	CHECK_EQ(feed(&p, limit, name, &why, &n), L0_APPWIN_END);
	CHECK_EQ(strlen(name), L0_APPWIN_NAME_MAX);
}
