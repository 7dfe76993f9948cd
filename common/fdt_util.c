/* SPDX-License-Identifier: BSD-2-Clause */
/* Device-tree queries over libfdt (see rvnest/fdt_util.h). */
#include <rvnest/fdt_util.h>

#include <libfdt.h>
#include <string.h>

/* "reg" cells are at most two 32-bit cells per number on RV64 (an address
 * or size wider than 64 bits cannot be used anyway). */
#define FDT_MAX_CELLS 2
#define FDT_CELL_BYTES 4

static const char *const status_names[] = {
	[FDT_UTIL_OK] = "ok",
	[FDT_UTIL_BAD_BLOB] = "bad_fdt_blob",
	[FDT_UTIL_NOT_FOUND] = "not_found",
	[FDT_UTIL_BAD_PROP] = "malformed_property",
	[FDT_UTIL_TOO_MANY] = "too_many_entries",
};

const char *fdt_util_status_name(enum fdt_util_status st)
{
	if ((unsigned)st < sizeof(status_names) / sizeof(status_names[0]))
		return status_names[st];
	return "invalid_status";
}

enum fdt_util_status fdt_util_check(const void *fdt)
{
	return fdt_check_header(fdt) == 0 ? FDT_UTIL_OK : FDT_UTIL_BAD_BLOB;
}

/* Devicetree spec "status": absent, "okay" or (legacy) "ok" is enabled. */
static bool node_enabled(const void *fdt, int node)
{
	int len;
	const char *s = fdt_getprop(fdt, node, "status", &len);

	if (!s)
		return true;
	return !strcmp(s, "okay") || !strcmp(s, "ok");
}

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

/* Append each (address, size) pair of `node`'s reg, decoded with its
 * parent's #address-cells/#size-cells, to out[*count...]. */
static enum fdt_util_status append_reg(const void *fdt, int node,
				       struct fdt_region *out, unsigned max,
				       unsigned *count)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac, sc, len, stride;
	const fdt32_t *reg;

	if (parent < 0)
		return FDT_UTIL_BAD_BLOB;
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	if (ac < 1 || ac > FDT_MAX_CELLS || sc < 0 || sc > FDT_MAX_CELLS)
		return FDT_UTIL_BAD_PROP;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return FDT_UTIL_NOT_FOUND;
	stride = (ac + sc) * FDT_CELL_BYTES;
	if (len <= 0 || len % stride)
		return FDT_UTIL_BAD_PROP;
	for (int off = 0; off < len; off += stride) {
		const fdt32_t *e = reg + off / FDT_CELL_BYTES;

		if (*count >= max)
			return FDT_UTIL_TOO_MANY;
		out[*count].base = read_cells(e, ac);
		out[*count].size = sc ? read_cells(e + ac, sc) : 0;
		(*count)++;
	}
	return FDT_UTIL_OK;
}

enum fdt_util_status fdt_util_memory(const void *fdt, struct fdt_region *out,
				     unsigned max, unsigned *count)
{
	static const char memory[] = "memory";
	int node;

	*count = 0;
	if (fdt_check_header(fdt))
		return FDT_UTIL_BAD_BLOB;
	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type",
						  memory, sizeof(memory));
	     node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type",
						  memory, sizeof(memory))) {
		enum fdt_util_status st;

		if (!node_enabled(fdt, node))
			continue;
		st = append_reg(fdt, node, out, max, count);
		if (st != FDT_UTIL_OK)
			return st;
	}
	return *count ? FDT_UTIL_OK : FDT_UTIL_NOT_FOUND;
}

enum fdt_util_status fdt_util_reserved(const void *fdt, struct fdt_region *out,
				       unsigned max, unsigned *count)
{
	int n, resv, child;

	*count = 0;
	if (fdt_check_header(fdt))
		return FDT_UTIL_BAD_BLOB;
	n = fdt_num_mem_rsv(fdt);
	if (n < 0)
		return FDT_UTIL_BAD_BLOB;
	for (int i = 0; i < n; i++) {
		uint64_t a, s;

		if (fdt_get_mem_rsv(fdt, i, &a, &s))
			return FDT_UTIL_BAD_BLOB;
		if (*count >= max)
			return FDT_UTIL_TOO_MANY;
		out[*count].base = a;
		out[*count].size = s;
		(*count)++;
	}
	resv = fdt_path_offset(fdt, "/reserved-memory");
	if (resv < 0)
		return FDT_UTIL_OK;
	fdt_for_each_subnode(child, fdt, resv)
	{
		enum fdt_util_status st;

		/* A child without reg is a dynamic allocation request
		 * ("size" only): nothing is placed yet, nothing to avoid. */
		if (!fdt_getprop(fdt, child, "reg", NULL))
			continue;
		st = append_reg(fdt, child, out, max, count);
		if (st != FDT_UTIL_OK)
			return st;
	}
	return FDT_UTIL_OK;
}

/* The hart id of a cpu node: its reg, one or two cells per /cpus. */
static bool cpu_hartid(const void *fdt, int node, unsigned long *id)
{
	struct fdt_region r;
	unsigned n = 0;

	if (append_reg(fdt, node, &r, 1, &n) != FDT_UTIL_OK || n != 1)
		return false;
	*id = (unsigned long)r.base;
	return true;
}

static int next_cpu(const void *fdt, int node)
{
	static const char cpu[] = "cpu";

	return fdt_node_offset_by_prop_value(fdt, node, "device_type", cpu,
					     sizeof(cpu));
}

enum fdt_util_status fdt_util_harts(const void *fdt, unsigned long *ids,
				    unsigned max, unsigned *count)
{
	*count = 0;
	if (fdt_check_header(fdt))
		return FDT_UTIL_BAD_BLOB;
	for (int node = next_cpu(fdt, -1); node >= 0;
	     node = next_cpu(fdt, node)) {
		unsigned long id;

		if (!node_enabled(fdt, node))
			continue;
		if (!cpu_hartid(fdt, node, &id))
			return FDT_UTIL_BAD_PROP;
		if (*count >= max)
			return FDT_UTIL_TOO_MANY;
		ids[(*count)++] = id;
	}
	return *count ? FDT_UTIL_OK : FDT_UTIL_NOT_FOUND;
}

int fdt_util_cpu_node(const void *fdt, unsigned long hartid)
{
	if (fdt_check_header(fdt))
		return -FDT_ERR_BADMAGIC;
	for (int node = next_cpu(fdt, -1); node >= 0;
	     node = next_cpu(fdt, node)) {
		unsigned long id;

		if (cpu_hartid(fdt, node, &id) && id == hartid)
			return node;
	}
	return -FDT_ERR_NOTFOUND;
}

static bool read_u32_or_u64(const void *fdt, int node, const char *name,
			    uint64_t *v, bool *malformed)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return false;
	if (len == FDT_CELL_BYTES || len == 2 * FDT_CELL_BYTES) {
		*v = read_cells(p, len / FDT_CELL_BYTES);
		return true;
	}
	*malformed = true;
	return false;
}

enum fdt_util_status fdt_util_timebase(const void *fdt, unsigned long hartid,
				       uint64_t *hz)
{
	bool malformed = false;
	int cpu, cpus;

	if (fdt_check_header(fdt))
		return FDT_UTIL_BAD_BLOB;
	/* The binding allows the property on each cpu or once on /cpus. */
	cpu = fdt_util_cpu_node(fdt, hartid);
	if (cpu >= 0 &&
	    read_u32_or_u64(fdt, cpu, "timebase-frequency", hz, &malformed))
		return *hz ? FDT_UTIL_OK : FDT_UTIL_BAD_PROP;
	cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus >= 0 &&
	    read_u32_or_u64(fdt, cpus, "timebase-frequency", hz, &malformed))
		return *hz ? FDT_UTIL_OK : FDT_UTIL_BAD_PROP;
	return malformed ? FDT_UTIL_BAD_PROP : FDT_UTIL_NOT_FOUND;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool name_eq(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);

	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* [start, end) without a trailing version: "zicsr2p0" and "zicsr2" both
 * name "zicsr" ("ISA Extension Naming Conventions", version numbers). */
static const char *strip_version(const char *start, const char *end)
{
	const char *e = end;

	while (e > start && is_digit(e[-1]))
		e--;
	if (e == end)
		return end;
	if (e - 1 > start && e[-1] == 'p' && is_digit(e[-2])) {
		e--;
		while (e > start && is_digit(e[-1]))
			e--;
	}
	return e > start ? e : end;
}

/* ISA naming conventions: "rv64" then single-letter extensions (each may
 * carry a version such as "2p0"), then multi-letter extensions separated
 * by underscores; s, z and x start the multi-letter part even without an
 * underscore before the first one. */
bool fdt_util_isa_string_has(const char *isa, const char *ext)
{
	size_t elen;
	const char *p;

	if (!isa || !ext || !*ext)
		return false;
	if (lower(isa[0]) != 'r' || lower(isa[1]) != 'v')
		return false;
	p = isa + 2;
	while (is_digit(*p))
		p++;
	elen = strlen(ext);
	for (; *p && *p != '_'; p++) {
		char c = lower(*p);

		if (c == 's' || c == 'z' || c == 'x')
			break;
		/* 'p' between digits separates major and minor version. */
		if (c == 'p' && p > isa && is_digit(p[-1]) && is_digit(p[1]))
			continue;
		if (c >= 'a' && c <= 'z' && elen == 1 && lower(ext[0]) == c)
			return true;
	}
	while (*p) {
		const char *start;

		while (*p == '_')
			p++;
		start = p;
		while (*p && *p != '_')
			p++;
		if (p == start)
			continue;
		if (name_eq(start, (size_t)(p - start), ext) ||
		    name_eq(start, (size_t)(strip_version(start, p) - start),
			    ext))
			return true;
	}
	return false;
}

bool fdt_util_hart_has_ext(const void *fdt, unsigned long hartid,
			   const char *ext)
{
	int node = fdt_util_cpu_node(fdt, hartid);
	int len;
	const char *list, *isa;

	if (node < 0)
		return false;
	list = fdt_getprop(fdt, node, "riscv,isa-extensions", &len);
	if (list) {
		/* A stringlist: compare every entry (case-insensitively, as
		 * the ISA manual names extensions case-insensitively). */
		for (int off = 0; off < len;) {
			size_t n = strnlen(list + off, (size_t)(len - off));

			if (name_eq(list + off, n, ext))
				return true;
			off += (int)n + 1;
		}
		return false;
	}
	isa = fdt_getprop(fdt, node, "riscv,isa", &len);
	if (!isa || len <= 0 || isa[len - 1] != '\0')
		return false;
	return fdt_util_isa_string_has(isa, ext);
}

const char *fdt_util_bootargs(const void *fdt)
{
	int chosen, len;
	const char *s;

	if (fdt_check_header(fdt))
		return NULL;
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		return NULL;
	s = fdt_getprop(fdt, chosen, "bootargs", &len);
	if (!s || len <= 0 || s[len - 1] != '\0')
		return NULL;
	return s;
}

bool fdt_util_args_have(const char *args, const char *word)
{
	size_t wlen = word ? strlen(word) : 0;

	if (!args || !wlen)
		return false;
	while (*args) {
		size_t n;

		while (*args == ' ' || *args == '\t')
			args++;
		n = 0;
		while (args[n] && args[n] != ' ' && args[n] != '\t')
			n++;
		if (n == wlen && !memcmp(args, word, n))
			return true;
		args += n;
	}
	return false;
}
