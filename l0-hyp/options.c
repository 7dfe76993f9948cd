/* SPDX-License-Identifier: BSD-2-Clause */
/* L0 boot options: one table entry per option, one parser per value kind. */
#include "options.h"

#include <rvnest/sbi.h>
#include <stdio.h>
#include <string.h>

#define L1_ARGS_SEPARATOR " -- "

typedef enum l0_options_status (*l0_opt_parse_fn)(const char *val,
						  struct l0_options *o,
						  char *err, size_t errlen);

struct l0_opt_desc {
	const char *name; /* "l1.mem" */
	l0_opt_parse_fn parse;
};

static bool parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10;
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return false;
	for (; i < len; i++) {
		unsigned d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

/* A number with an optional K/M/G suffix (binary units). */
static bool parse_size(const char *s, size_t len, uint64_t *out)
{
	unsigned shift = 0;
	uint64_t v;

	if (len && (s[len - 1] == 'K' || s[len - 1] == 'k'))
		shift = 10;
	else if (len && (s[len - 1] == 'M' || s[len - 1] == 'm'))
		shift = 20;
	else if (len && (s[len - 1] == 'G' || s[len - 1] == 'g'))
		shift = 30;
	if (shift)
		len--;
	if (!parse_u64(s, len, &v) || v > (UINT64_MAX >> shift))
		return false;
	*out = v << shift;
	return true;
}

static enum l0_options_status bad(char *err, size_t errlen, const char *what,
				  const char *val)
{
	snprintf(err, errlen, "bad value '%s' for %s", val, what);
	return L0_OPTIONS_BAD;
}

static enum l0_options_status opt_mem(const char *val, struct l0_options *o,
				      char *err, size_t errlen)
{
	uint64_t v;

	/* L1 RAM is mapped with at least 4 KiB pages and is placed on a
	 * 2 MiB boundary; a size that is not whole pages cannot be mapped. */
	if (!parse_size(val, strlen(val), &v) || v == 0 || v % (2UL << 20))
		return bad(err, errlen, "l1.mem (a multiple of 2M, e.g. 256M)",
			   val);
	o->l1_mem = v;
	return L0_OPTIONS_OK;
}

static enum l0_options_status opt_harts(const char *val, struct l0_options *o,
					char *err, size_t errlen)
{
	uint64_t v;

	if (!parse_u64(val, strlen(val), &v) || v < 1 || v > L0_MAX_VCPUS)
		return bad(err, errlen, "l1.harts (1 to 8)", val);
	o->l1_harts = (unsigned)v;
	return L0_OPTIONS_OK;
}

static enum l0_options_status
opt_benchwin(const char *val, struct l0_options *o, char *err, size_t errlen)
{
	if (!strcmp(val, "l1"))
		o->benchwin = L0_BENCHWIN_L1;
	else if (!strcmp(val, "l2"))
		o->benchwin = L0_BENCHWIN_L2;
	else
		return bad(err, errlen, "l0.benchwin (l1 or l2)", val);
	return L0_OPTIONS_OK;
}

static enum l0_options_status opt_profile(const char *val, struct l0_options *o,
					  char *err, size_t errlen)
{
	if (!strcmp(val, "0"))
		o->profile = false;
	else if (!strcmp(val, "1"))
		o->profile = true;
	else
		return bad(err, errlen, "l0.profile (0 or 1)", val);
	o->profile_set = true;
	return L0_OPTIONS_OK;
}

static enum l0_options_status opt_trace(const char *val, struct l0_options *o,
					char *err, size_t errlen)
{
	uint64_t v;

	/* the bound per vCPU; l0_options_parse checks it times l1.harts */
	if (!parse_u64(val, strlen(val), &v) || v > L0_TRACE_POOL_RECORDS)
		return bad(err, errlen,
			   "l0.trace (records per vCPU, 0 to 16384)", val);
	o->trace_len = (unsigned)v;
	return L0_OPTIONS_OK;
}

static enum l0_options_status
opt_watchdog(const char *val, struct l0_options *o, char *err, size_t errlen)
{
	uint64_t v;

	if (!parse_u64(val, strlen(val), &v) || v > L0_WATCHDOG_MAX_MS)
		return bad(err, errlen,
			   "l0.watchdog (milliseconds, 0 = off, at most "
			   "3600000)",
			   val);
	o->watchdog_ms = v;
	return L0_OPTIONS_OK;
}

static enum l0_options_status opt_slice(const char *val, struct l0_options *o,
					char *err, size_t errlen)
{
	uint64_t v;

	if (!parse_u64(val, strlen(val), &v) || v < L0_SLICE_MIN_US ||
	    v > L0_SLICE_MAX_US)
		return bad(err, errlen,
			   "l0.slice (microseconds, 10 to 1000000)", val);
	o->slice_us = v;
	return L0_OPTIONS_OK;
}

static enum l0_options_status
opt_shadowpool(const char *val, struct l0_options *o, char *err, size_t errlen)
{
	uint64_t v;

	if (!strcmp(val, "min")) {
		o->shadow_pool = L0_SHADOW_POOL_MIN;
		return L0_OPTIONS_OK;
	}
	/* whole 4 KiB table pages, at most what L0 reserved */
	if (!parse_size(val, strlen(val), &v) || !v || v % 4096 ||
	    v > L0_SHADOW_POOL_MAX)
		return bad(err, errlen,
			   "l0.shadowpool (a multiple of 4K, at most 512K, "
			   "or min)",
			   val);
	o->shadow_pool = v;
	return L0_OPTIONS_OK;
}

static enum l0_options_status opt_decode(const char *val, struct l0_options *o,
					 char *err, size_t errlen)
{
	if (!strcmp(val, "reported"))
		o->decode = L0_DECODE_REPORTED;
	else if (!strcmp(val, "fetch"))
		o->decode = L0_DECODE_FETCH;
	else
		return bad(err, errlen, "l0.decode (reported or fetch)", val);
	return L0_OPTIONS_OK;
}

static enum l0_options_status opt_h(const char *val, struct l0_options *o,
				    char *err, size_t errlen)
{
	if (!strcmp(val, "0"))
		o->l1_h = false;
	else if (!strcmp(val, "1"))
		o->l1_h = true;
	else
		return bad(err, errlen, "l1.h (0 or 1)", val);
	return L0_OPTIONS_OK;
}

static enum l0_options_status opt_aia(const char *val, struct l0_options *o,
				      char *err, size_t errlen)
{
	if (!strcmp(val, "0"))
		o->l1_aia = false;
	else if (!strcmp(val, "1"))
		o->l1_aia = true;
	else
		return bad(err, errlen, "l1.aia (0 or 1)", val);
	return L0_OPTIONS_OK;
}

static enum l0_options_status opt_sstc(const char *val, struct l0_options *o,
				       char *err, size_t errlen)
{
	if (!strcmp(val, "0"))
		o->l1_sstc = L0_SSTC_OFF;
	else if (!strcmp(val, "1"))
		o->l1_sstc = L0_SSTC_ON;
	else if (!strcmp(val, "auto"))
		o->l1_sstc = L0_SSTC_AUTO;
	else
		return bad(err, errlen, "l1.sstc (0, 1 or auto)", val);
	return L0_OPTIONS_OK;
}

static enum l0_options_status opt_gstage(const char *val, struct l0_options *o,
					 char *err, size_t errlen)
{
	if (!strcmp(val, "sv39"))
		o->gstage = PT_SV39X4;
	else if (!strcmp(val, "sv48"))
		o->gstage = PT_SV48X4;
	else
		return bad(err, errlen, "l1.gstage (sv39 or sv48)", val);
	return L0_OPTIONS_OK;
}

static enum l0_options_status opt_initrd(const char *val, struct l0_options *o,
					 char *err, size_t errlen)
{
	const char *comma = strchr(val, ',');

	if (!comma ||
	    !parse_u64(val, (size_t)(comma - val), &o->l1_initrd_addr) ||
	    !parse_size(comma + 1, strlen(comma + 1), &o->l1_initrd_size) ||
	    o->l1_initrd_size == 0 ||
	    o->l1_initrd_addr + o->l1_initrd_size < o->l1_initrd_addr)
		return bad(err, errlen, "l1.initrd (ADDR,SIZE)", val);
	o->has_l1_initrd = true;
	return L0_OPTIONS_OK;
}

/* l0.nacl=: "none", "all", or a comma list of NACL features by name (SBI
 * spec "Nested acceleration features"), so experiments can compare them. */
static const struct {
	const char *name;
	unsigned long bit; /* 1 << feature ID */
} l0_nacl_names[] = {
	{"csr", 1UL << SBI_NACL_FEAT_SYNC_CSR},
	{"hfence", 1UL << SBI_NACL_FEAT_SYNC_HFENCE},
	{"sret", 1UL << SBI_NACL_FEAT_SYNC_SRET},
	{"autoswap", 1UL << SBI_NACL_FEAT_AUTOSWAP_CSR},
};

#define L0_NACL_NAMES (sizeof(l0_nacl_names) / sizeof(l0_nacl_names[0]))

static unsigned long nacl_all(void)
{
	unsigned long mask = 0;

	for (size_t i = 0; i < L0_NACL_NAMES; i++)
		mask |= l0_nacl_names[i].bit;
	return mask;
}

static enum l0_options_status nacl_mask(const char *val, const char *what,
					unsigned long *out, char *err,
					size_t errlen)
{
	unsigned long mask = 0;
	const char *p = val;

	if (!strcmp(val, "none")) {
		*out = 0;
		return L0_OPTIONS_OK;
	}
	if (!strcmp(val, "all")) {
		*out = nacl_all();
		return L0_OPTIONS_OK;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		bool found = false;

		for (size_t i = 0; i < L0_NACL_NAMES; i++) {
			if (strlen(l0_nacl_names[i].name) == len &&
			    !strncmp(l0_nacl_names[i].name, p, len)) {
				mask |= l0_nacl_names[i].bit;
				found = true;
			}
		}
		if (!found)
			return bad(err, errlen, what, val);
		if (!comma)
			break;
		p = comma + 1;
	}
	*out = mask;
	return L0_OPTIONS_OK;
}

/* l0.soak=<every>,<exits>[,<seconds>] (soak.c, l0-hyp/README.md "Soak") */
static enum l0_options_status opt_soak(const char *val, struct l0_options *o,
				       char *err, size_t errlen)
{
	const char *what = "l0.soak (<every>,<exits>[,<seconds>] L2 exits, "
			   "every >= 1, exits or seconds >= 1)";
	const char *c1 = strchr(val, ','), *c2;
	uint64_t secs = 0;

	if (!c1)
		return bad(err, errlen, what, val);
	c2 = strchr(c1 + 1, ',');
	if (!parse_u64(val, (size_t)(c1 - val), &o->soak_every) ||
	    !parse_u64(c1 + 1, c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1),
		       &o->soak_exits) ||
	    (c2 && !parse_u64(c2 + 1, strlen(c2 + 1), &secs)) ||
	    !o->soak_every || (!o->soak_exits && !secs))
		return bad(err, errlen, what, val);
	o->soak_secs = secs;
	return L0_OPTIONS_OK;
}

static enum l0_options_status opt_nacl(const char *val, struct l0_options *o,
				       char *err, size_t errlen)
{
	return nacl_mask(val,
			 "l0.nacl (none, all, or csr,hfence,sret,autoswap)",
			 &o->nacl_features, err, errlen);
}

static enum l0_options_status
opt_nacl_client(const char *val, struct l0_options *o, char *err, size_t errlen)
{
	return nacl_mask(val,
			 "l0.nacl.client (none, all, or "
			 "csr,hfence,sret,autoswap)",
			 &o->nacl_client, err, errlen);
}

/* Two or one hex digits of a BDF, at most `max`. */
static bool parse_hex(const char *s, size_t len, unsigned max, unsigned *out)
{
	uint64_t v;
	char buf[8];

	if (!len || len > 2)
		return false;
	buf[0] = '0';
	buf[1] = 'x';
	memcpy(buf + 2, s, len);
	if (!parse_u64(buf, len + 2, &v) || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

/* l1.pci=all | BB:DD.F[,BB:DD.F...] (hex bus and device, as lspci) */
static enum l0_options_status opt_pci(const char *val, struct l0_options *o,
				      char *err, size_t errlen)
{
	const char *what = "l1.pci (all, or BB:DD.F[,BB:DD.F...] in hex, "
			   "at most 16)";
	const char *p = val;

	o->pci_all = false;
	o->npci = 0;
	if (!strcmp(val, "all")) {
		o->pci_all = true;
		return L0_OPTIONS_OK;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *colon = memchr(p, ':', len);
		const char *dot = memchr(p, '.', len);
		unsigned b, d, f;

		if (!colon || !dot || dot < colon ||
		    !parse_hex(p, (size_t)(colon - p), 0xff, &b) ||
		    !parse_hex(colon + 1, (size_t)(dot - colon - 1), 0x1f,
			       &d) ||
		    !parse_hex(dot + 1, (size_t)(p + len - dot - 1), 7, &f) ||
		    o->npci == L0_PCI_MAX_ASSIGN)
			return bad(err, errlen, what, val);
		for (unsigned i = 0; i < o->npci; i++)
			if (o->pci_bdf[i] == (uint16_t)(b << 8 | d << 3 | f))
				return bad(err, errlen, what, val);
		o->pci_bdf[o->npci++] = (uint16_t)(b << 8 | d << 3 | f);
		if (!comma)
			break;
		p = comma + 1;
	}
	return L0_OPTIONS_OK;
}

static const struct l0_opt_desc l0_opts[] = {
	{"l1.mem", opt_mem},
	{"l1.harts", opt_harts},
	{"l1.h", opt_h},
	{"l1.sstc", opt_sstc},
	{"l1.aia", opt_aia},
	{"l1.gstage", opt_gstage},
	{"l1.initrd", opt_initrd},
	{"l1.pci", opt_pci},
	{"l0.nacl", opt_nacl},
	{"l0.nacl.client", opt_nacl_client},
	{"l0.benchwin", opt_benchwin},
	{"l0.profile", opt_profile},
	{"l0.trace", opt_trace},
	{"l0.decode", opt_decode},
	{"l0.watchdog", opt_watchdog},
	{"l0.slice", opt_slice},
	{"l0.shadowpool", opt_shadowpool},
	{"l0.soak", opt_soak},
};

static enum l0_options_status parse_token(const char *tok, struct l0_options *o,
					  char *err, size_t errlen)
{
	const char *eq = strchr(tok, '=');
	size_t nlen = eq ? (size_t)(eq - tok) : strlen(tok);

	for (size_t i = 0; i < sizeof(l0_opts) / sizeof(l0_opts[0]); i++) {
		const struct l0_opt_desc *d = &l0_opts[i];

		if (strlen(d->name) != nlen || strncmp(d->name, tok, nlen))
			continue;
		if (!eq)
			return bad(err, errlen, d->name, "");
		return d->parse(eq + 1, o, err, errlen);
	}
	snprintf(err, errlen,
		 "unknown L0 option '%s' (L1's arguments go after ' -- ')",
		 tok);
	return L0_OPTIONS_BAD;
}

enum l0_options_status l0_options_parse(const char *bootargs,
					struct l0_options *o, char *err,
					size_t errlen)
{
	char tok[L0_BOOTARGS_MAX];
	const char *p, *end;
	size_t total;

	memset(o, 0, sizeof(*o));
	o->l1_mem = L0_DEFAULT_L1_MEM;
	o->l1_harts = 1;
	o->gstage = PT_SV39X4;
	o->l1_sstc = L0_SSTC_AUTO;
	o->watchdog_ms = L0_WATCHDOG_DEFAULT_MS;
	o->slice_us = L0_SLICE_DEFAULT_US;
	o->nacl_client = nacl_all();
	if (!bootargs)
		return L0_OPTIONS_OK;

	/* L1's part: everything after the first " -- " (or a leading
	 * "-- "), as the kernel's own init-argument separator. A "--" that
	 * ends the line separates an empty L1 part (a command line built as
	 * "<L0 options> -- <L1's>" and then trimmed). */
	total = strlen(bootargs);
	end = strstr(bootargs, L1_ARGS_SEPARATOR);
	if (end) {
		p = end + strlen(L1_ARGS_SEPARATOR);
	} else if (!strncmp(bootargs, "-- ", 3)) {
		end = bootargs;
		p = bootargs + 3;
	} else if (!strcmp(bootargs, "--") ||
		   (total >= 3 && !strcmp(bootargs + total - 3, " --"))) {
		end = bootargs + total - 2;
		p = bootargs + total;
	} else {
		p = NULL;
		end = bootargs + strlen(bootargs);
	}
	if (p) {
		if (strlen(p) >= sizeof(o->l1_bootargs)) {
			snprintf(err, errlen,
				 "L1 bootargs longer than %d bytes",
				 L0_BOOTARGS_MAX - 1);
			return L0_OPTIONS_BAD;
		}
		strcpy(o->l1_bootargs, p);
	}

	for (p = bootargs; p < end;) {
		const char *t = p;
		size_t len;

		while (t < end && *t == ' ')
			t++;
		p = t;
		while (p < end && *p != ' ')
			p++;
		len = (size_t)(p - t);
		if (!len)
			continue;
		if (len >= sizeof(tok)) {
			snprintf(err, errlen, "L0 option too long");
			return L0_OPTIONS_BAD;
		}
		memcpy(tok, t, len);
		tok[len] = '\0';
		if (parse_token(tok, o, err, errlen) != L0_OPTIONS_OK)
			return L0_OPTIONS_BAD;
	}
	/* every vCPU's trace ring is a slice of one static pool */
	if ((uint64_t)o->trace_len * o->l1_harts > L0_TRACE_POOL_RECORDS) {
		snprintf(err, errlen,
			 "l0.trace=%u with l1.harts=%u needs %llu records, "
			 "more than L0's pool of %u",
			 o->trace_len, o->l1_harts,
			 (unsigned long long)o->trace_len * o->l1_harts,
			 L0_TRACE_POOL_RECORDS);
		return L0_OPTIONS_BAD;
	}
	if (o->trace_len && o->profile_set && !o->profile) {
		snprintf(err, errlen,
			 "l0.trace=%u needs the profiler, but l0.profile=0",
			 o->trace_len);
		return L0_OPTIONS_BAD;
	}
	if (o->trace_len)
		o->profile = true;
	return L0_OPTIONS_OK;
}
