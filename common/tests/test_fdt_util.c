/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host unit tests for the FDT helpers: each test builds a tree shaped like
 * the ones QEMU's virt machine and OpenSBI produce, with libfdt's
 * sequential-write API, and checks the queries against it.
 */
#include <rvnest/fdt_util.h>

#include <libfdt.h>
#include <string.h>

#include "unit.h"

#define TREE_SIZE 8192

static char tree[TREE_SIZE];

struct tree_opts {
	bool isa_extensions;  /* QEMU 10: riscv,isa-extensions list */
	const char *isa;      /* riscv,isa string */
	const char *bootargs; /* NULL: no bootargs */
	bool timebase_on_cpu; /* else on /cpus */
	bool second_hart_disabled;
	bool resv_map_entry; /* header memory-reservation block entry */
	bool bad_memory_reg; /* reg length not a multiple of the cells */
};

static void prop_u64_pair(void *fdt, const char *name, uint64_t a, uint64_t b)
{
	fdt64_t v[2] = {cpu_to_fdt64(a), cpu_to_fdt64(b)};

	CHECK(fdt_property(fdt, name, v, sizeof(v)) == 0);
}

static void add_cpu(void *fdt, unsigned id, const struct tree_opts *o,
		    bool disabled)
{
	static const char exts[] = "i\0m\0a\0c\0h\0zicsr\0sstc";
	char name[16];

	snprintf(name, sizeof(name), "cpu@%u", id);
	CHECK(fdt_begin_node(fdt, name) == 0);
	CHECK(fdt_property_string(fdt, "device_type", "cpu") == 0);
	CHECK(fdt_property_u32(fdt, "reg", id) == 0);
	if (disabled)
		CHECK(fdt_property_string(fdt, "status", "disabled") == 0);
	else
		CHECK(fdt_property_string(fdt, "status", "okay") == 0);
	if (o->isa)
		CHECK(fdt_property_string(fdt, "riscv,isa", o->isa) == 0);
	if (o->isa_extensions)
		CHECK(fdt_property(fdt, "riscv,isa-extensions", exts,
				   sizeof(exts)) == 0);
	if (o->timebase_on_cpu)
		CHECK(fdt_property_u32(fdt, "timebase-frequency", 1000000) ==
		      0);
	CHECK(fdt_end_node(fdt) == 0);
}

static void *build(const struct tree_opts *o)
{
	void *fdt = tree;

	CHECK(fdt_create(fdt, TREE_SIZE) == 0);
	if (o->resv_map_entry)
		CHECK(fdt_add_reservemap_entry(fdt, 0x87000000, 0x1000) == 0);
	CHECK(fdt_finish_reservemap(fdt) == 0);
	CHECK(fdt_begin_node(fdt, "") == 0);
	CHECK(fdt_property_u32(fdt, "#address-cells", 2) == 0);
	CHECK(fdt_property_u32(fdt, "#size-cells", 2) == 0);

	CHECK(fdt_begin_node(fdt, "chosen") == 0);
	if (o->bootargs)
		CHECK(fdt_property_string(fdt, "bootargs", o->bootargs) == 0);
	CHECK(fdt_end_node(fdt) == 0);

	CHECK(fdt_begin_node(fdt, "memory@80000000") == 0);
	CHECK(fdt_property_string(fdt, "device_type", "memory") == 0);
	if (o->bad_memory_reg)
		CHECK(fdt_property_u32(fdt, "reg", 0x80000000) == 0);
	else
		prop_u64_pair(fdt, "reg", 0x80000000, 0x20000000);
	CHECK(fdt_end_node(fdt) == 0);

	CHECK(fdt_begin_node(fdt, "memory@100000000") == 0);
	CHECK(fdt_property_string(fdt, "device_type", "memory") == 0);
	prop_u64_pair(fdt, "reg", 0x100000000, 0x1000000);
	CHECK(fdt_end_node(fdt) == 0);

	CHECK(fdt_begin_node(fdt, "reserved-memory") == 0);
	CHECK(fdt_property_u32(fdt, "#address-cells", 2) == 0);
	CHECK(fdt_property_u32(fdt, "#size-cells", 2) == 0);
	CHECK(fdt_property(fdt, "ranges", NULL, 0) == 0);
	CHECK(fdt_begin_node(fdt, "mmode_resv0@80000000") == 0);
	prop_u64_pair(fdt, "reg", 0x80000000, 0x40000);
	CHECK(fdt_end_node(fdt) == 0);
	CHECK(fdt_begin_node(fdt, "dynamic") == 0);
	CHECK(fdt_property_u32(fdt, "size", 0x1000) == 0);
	CHECK(fdt_end_node(fdt) == 0);
	CHECK(fdt_end_node(fdt) == 0);

	CHECK(fdt_begin_node(fdt, "cpus") == 0);
	CHECK(fdt_property_u32(fdt, "#address-cells", 1) == 0);
	CHECK(fdt_property_u32(fdt, "#size-cells", 0) == 0);
	if (!o->timebase_on_cpu)
		CHECK(fdt_property_u32(fdt, "timebase-frequency", 10000000) ==
		      0);
	add_cpu(fdt, 0, o, false);
	add_cpu(fdt, 3, o, o->second_hart_disabled);
	CHECK(fdt_end_node(fdt) == 0);

	CHECK(fdt_end_node(fdt) == 0);
	CHECK(fdt_finish(fdt) == 0);
	return fdt;
}

static const struct tree_opts qemu10 = {
	.isa_extensions = true,
	.isa = "rv64i",
	.bootargs = "console=hvc0 rvnest.hang=1",
};

TEST(fdt_memory_regions)
{
	struct fdt_region r[4];
	unsigned n;
	void *fdt = build(&qemu10);

	CHECK_EQ(fdt_util_check(fdt), FDT_UTIL_OK);
	CHECK_EQ(fdt_util_memory(fdt, r, 4, &n), FDT_UTIL_OK);
	CHECK_EQ(n, 2);
	CHECK_EQ(r[0].base, 0x80000000);
	CHECK_EQ(r[0].size, 0x20000000);
	CHECK_EQ(r[1].base, 0x100000000);
	CHECK_EQ(r[1].size, 0x1000000);
	/* One slot for two regions: an explicit error, not a silent cut. */
	CHECK_EQ(fdt_util_memory(fdt, r, 1, &n), FDT_UTIL_TOO_MANY);
}

TEST(fdt_memory_malformed)
{
	struct tree_opts o = qemu10;
	struct fdt_region r[4];
	unsigned n;

	o.bad_memory_reg = true;
	CHECK_EQ(fdt_util_memory(build(&o), r, 4, &n), FDT_UTIL_BAD_PROP);
}

TEST(fdt_bad_blob)
{
	static char junk[64] = "not a device tree";
	struct fdt_region r[1];
	unsigned long ids[1];
	unsigned n;
	uint64_t hz;

	CHECK_EQ(fdt_util_check(junk), FDT_UTIL_BAD_BLOB);
	CHECK_EQ(fdt_util_memory(junk, r, 1, &n), FDT_UTIL_BAD_BLOB);
	CHECK_EQ(fdt_util_reserved(junk, r, 1, &n), FDT_UTIL_BAD_BLOB);
	CHECK_EQ(fdt_util_harts(junk, ids, 1, &n), FDT_UTIL_BAD_BLOB);
	CHECK_EQ(fdt_util_timebase(junk, 0, &hz), FDT_UTIL_BAD_BLOB);
	CHECK(fdt_util_bootargs(junk) == NULL);
	CHECK(!fdt_util_hart_has_ext(junk, 0, "h"));
	CHECK(fdt_util_cpu_node(junk, 0) < 0);
	CHECK(strcmp(fdt_util_status_name(FDT_UTIL_BAD_BLOB), "bad_fdt_blob") ==
	      0);
	CHECK(strcmp(fdt_util_status_name((enum fdt_util_status)42),
		     "invalid_status") == 0);
}

TEST(fdt_reserved_regions)
{
	struct tree_opts o = qemu10;
	struct fdt_region r[4];
	unsigned n;

	CHECK_EQ(fdt_util_reserved(build(&o), r, 4, &n), FDT_UTIL_OK);
	CHECK_EQ(n, 1); /* the "size"-only child is not placed */
	CHECK_EQ(r[0].base, 0x80000000);
	CHECK_EQ(r[0].size, 0x40000);

	o.resv_map_entry = true;
	CHECK_EQ(fdt_util_reserved(build(&o), r, 4, &n), FDT_UTIL_OK);
	CHECK_EQ(n, 2);
	CHECK_EQ(r[0].base, 0x87000000);
	CHECK_EQ(r[0].size, 0x1000);
	CHECK_EQ(fdt_util_reserved(build(&o), r, 1, &n), FDT_UTIL_TOO_MANY);
}

TEST(fdt_harts_and_cpu_nodes)
{
	struct tree_opts o = qemu10;
	unsigned long ids[4];
	unsigned n;
	void *fdt = build(&o);

	CHECK_EQ(fdt_util_harts(fdt, ids, 4, &n), FDT_UTIL_OK);
	CHECK_EQ(n, 2);
	CHECK_EQ(ids[0], 0);
	CHECK_EQ(ids[1], 3);
	CHECK(fdt_util_cpu_node(fdt, 3) >= 0);
	CHECK(fdt_util_cpu_node(fdt, 1) < 0);
	CHECK_EQ(fdt_util_harts(fdt, ids, 1, &n), FDT_UTIL_TOO_MANY);

	o.second_hart_disabled = true;
	fdt = build(&o);
	CHECK_EQ(fdt_util_harts(fdt, ids, 4, &n), FDT_UTIL_OK);
	CHECK_EQ(n, 1);
	CHECK_EQ(ids[0], 0);
}

TEST(fdt_timebase)
{
	struct tree_opts o = qemu10;
	uint64_t hz = 0;

	CHECK_EQ(fdt_util_timebase(build(&o), 0, &hz), FDT_UTIL_OK);
	CHECK_EQ(hz, 10000000);
	o.timebase_on_cpu = true;
	CHECK_EQ(fdt_util_timebase(build(&o), 3, &hz), FDT_UTIL_OK);
	CHECK_EQ(hz, 1000000);
	/* No cpu 7 and (here) no /cpus property either. */
	CHECK_EQ(fdt_util_timebase(build(&o), 7, &hz), FDT_UTIL_NOT_FOUND);
}

TEST(fdt_isa_extensions_list)
{
	void *fdt = build(&qemu10);

	CHECK(fdt_util_hart_has_ext(fdt, 0, "h"));
	CHECK(fdt_util_hart_has_ext(fdt, 0, "sstc"));
	CHECK(fdt_util_hart_has_ext(fdt, 3, "SSTC"));
	CHECK(fdt_util_hart_has_ext(fdt, 0, "zicsr"));
	CHECK(!fdt_util_hart_has_ext(fdt, 0, "ss"));
	CHECK(!fdt_util_hart_has_ext(fdt, 0, "svnapot"));
	/* The list wins over riscv,isa ("rv64i" in QEMU 10). */
	CHECK(!fdt_util_hart_has_ext(fdt, 5, "h")); /* no such hart */
}

TEST(fdt_isa_string_fallback)
{
	struct tree_opts o = {.isa = "rv64imafdch_zicsr_zifencei_sstc"};
	void *fdt = build(&o);

	CHECK(fdt_util_hart_has_ext(fdt, 0, "h"));
	CHECK(fdt_util_hart_has_ext(fdt, 0, "sstc"));
	CHECK(!fdt_util_hart_has_ext(fdt, 0, "v"));

	o.isa = "rv64imac_zicsr";
	fdt = build(&o);
	CHECK(!fdt_util_hart_has_ext(fdt, 0, "h"));
	CHECK(!fdt_util_hart_has_ext(fdt, 0, "sstc"));

	o.isa = NULL;
	fdt = build(&o);
	CHECK(!fdt_util_hart_has_ext(fdt, 0, "i"));
}

TEST(fdt_isa_string_rules)
{
	CHECK(fdt_util_isa_string_has("rv64imac", "m"));
	CHECK(fdt_util_isa_string_has("RV64IMAC", "c"));
	CHECK(!fdt_util_isa_string_has("rv64imac", "h"));
	/* versions: "2p1" is not the P extension */
	CHECK(fdt_util_isa_string_has("rv64i2p1m2p0h1p0", "h"));
	CHECK(!fdt_util_isa_string_has("rv64i2p1m2p0", "p"));
	CHECK(fdt_util_isa_string_has("rv64i2p1_zicsr2p0", "zicsr"));
	CHECK(fdt_util_isa_string_has("rv64i_zve32x", "zve32x"));
	/* the first multi-letter name may follow without an underscore, and
	 * its letters are not single-letter extensions */
	CHECK(fdt_util_isa_string_has("rv64imsstc", "sstc"));
	CHECK(!fdt_util_isa_string_has("rv64imsstc", "c"));
	CHECK(!fdt_util_isa_string_has("rv64i_zihintpause", "zihint"));
	CHECK(!fdt_util_isa_string_has("x86", "h"));
	CHECK(!fdt_util_isa_string_has(NULL, "h"));
	CHECK(!fdt_util_isa_string_has("rv64h", ""));
}

TEST(fdt_bootargs)
{
	struct tree_opts o = qemu10;
	const char *args = fdt_util_bootargs(build(&o));

	CHECK(args != NULL);
	CHECK(fdt_util_args_have(args, "rvnest.hang=1"));
	CHECK(fdt_util_args_have(args, "console=hvc0"));
	CHECK(!fdt_util_args_have(args, "rvnest.hang"));
	CHECK(!fdt_util_args_have(args, "hang=1"));
	CHECK(!fdt_util_args_have(NULL, "x"));
	CHECK(!fdt_util_args_have("a b", ""));
	CHECK(fdt_util_args_have("  a\tb  ", "b"));

	o.bootargs = NULL;
	CHECK(fdt_util_bootargs(build(&o)) == NULL);
}
