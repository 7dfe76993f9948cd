/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Device-tree queries over libfdt that both hypervisors need: RAM regions,
 * reserved ranges, harts, the timebase, ISA extensions of a hart, and the
 * /chosen bootargs. Pure C over a flattened tree in memory, so the host
 * unit tests (common/tests/test_fdt_util.c) build trees with libfdt's
 * sequential-write API and check every query.
 *
 * Bindings: Linux Documentation/devicetree/bindings/riscv/cpus.yaml
 * (riscv,isa, riscv,isa-base, riscv,isa-extensions), the devicetree
 * specification's /memory, /reserved-memory and /chosen nodes.
 */
#ifndef RVNEST_FDT_UTIL_H
#define RVNEST_FDT_UTIL_H

#include <stdbool.h>
#include <stdint.h>

struct fdt_region {
	uint64_t base;
	uint64_t size;
};

/* Result of a query: named so callers can print what went wrong. */
enum fdt_util_status {
	FDT_UTIL_OK,
	FDT_UTIL_BAD_BLOB,  /* fdt_check_header failed */
	FDT_UTIL_NOT_FOUND, /* node or property absent */
	FDT_UTIL_BAD_PROP,  /* property present but malformed */
	FDT_UTIL_TOO_MANY,  /* more entries than the caller's array */
};

const char *fdt_util_status_name(enum fdt_util_status st);

/* Check the blob header; FDT_UTIL_OK or FDT_UTIL_BAD_BLOB. */
enum fdt_util_status fdt_util_check(const void *fdt);

/* RAM: every reg entry of every node with device_type = "memory" (status
 * okay), in tree order. *count is set to the number found. */
enum fdt_util_status fdt_util_memory(const void *fdt, struct fdt_region *out,
				     unsigned max, unsigned *count);

/* Ranges that must not be used: the header's memory-reservation block and
 * every reg of /reserved-memory's children (OpenSBI puts its own M-mode
 * region there). */
enum fdt_util_status fdt_util_reserved(const void *fdt, struct fdt_region *out,
				       unsigned max, unsigned *count);

/* Enabled harts (/cpus/cpu@* with device_type "cpu", status okay) by
 * hart id (their reg). */
enum fdt_util_status fdt_util_harts(const void *fdt, unsigned long *ids,
				    unsigned max, unsigned *count);

/* Offset of the cpu node whose reg is `hartid`, or a negative value. */
int fdt_util_cpu_node(const void *fdt, unsigned long hartid);

/* timebase-frequency of the hart (its cpu node, else /cpus). */
enum fdt_util_status fdt_util_timebase(const void *fdt, unsigned long hartid,
				       uint64_t *hz);

/* Does hart `hartid` implement ISA extension `ext` ("h", "sstc", ...)?
 * Uses riscv,isa-extensions when present, otherwise parses the riscv,isa
 * string (single letters after "rv64"/"rv32", then "_"-separated
 * multi-letter names). Case-insensitive, as the ISA naming rules are. */
bool fdt_util_hart_has_ext(const void *fdt, unsigned long hartid,
			   const char *ext);

/* /chosen bootargs, or NULL when absent. */
const char *fdt_util_bootargs(const void *fdt);

/* Is `word` one of the space-separated words of `args`? (NULL args: no) */
bool fdt_util_args_have(const char *args, const char *word);

/* Parse an ISA string for `ext` (exposed for tests and for callers that
 * read riscv,isa themselves). */
bool fdt_util_isa_string_has(const char *isa, const char *ext);

#endif /* RVNEST_FDT_UTIL_H */
