/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Seed-maker for the fuzz targets' corpora (fuzz/corpus/<target>/), run by
 * fuzz/make-seeds.sh (`make fuzz-seeds`). Each seed is a small input in
 * the target's own format (see the comment at the top of each
 * fuzz/fuzz_<target>.c) that reaches the component's main paths, so the
 * fuzzer starts from valid programs instead of noise. The DT target also
 * gets QEMU's own trees (make-seeds.sh dumps them).
 *
 *   seeds <corpus-dir>
 */
#include <libfdt.h>
#include <rvnest/encoding.h>
#include <rvnest/sbi.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *root_dir;

struct seed {
	uint8_t b[65536];
	size_t n;
};

static void put(struct seed *s, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		s->b[s->n++] = (uint8_t)(v >> (8 * i));
}

static void save(const char *target, const char *name, const struct seed *s)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root_dir, target);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", root_dir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(s->b, 1, s->n, f) != s->n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* ---- insn: one of each decoded form, and neighbours that are not ---- */
static void seeds_insn(void)
{
	static const uint32_t forms[] = {
		0x00053503, /* ld a0,0(a0) */
		0xffc42783, /* lw a5,-4(s0) */
		0x0007c703, /* lbu a4,0(a5) */
		0x00f6b023, /* sd a5,0(a3) */
		0xfea42e23, /* sw a0,-4(s0) */
		0x00b51023, /* sh a1,0(a0) */
		0x10200073, /* sret */
		0x10500073, /* wfi */
		0x12000073, /* sfence.vma */
		0x22b50073, /* hfence.vvma a0,a1 */
		0x62b50073, /* hfence.gvma a0,a1 */
		0x60054573, /* hlv.b a0,(a0) */
		0x6c05c5f3, /* hlv.d a1,(a1) */
		0x64354573, /* hlvx.hu a0,(a0) */
		0x68354573, /* hlvx.wu a0,(a0) */
		0x6eb54073, /* hsv.d a1,(a0) */
		0x18051573, /* csrrw a0,satp,a0 */
		0x600025f3, /* csrr a1,hstatus */
		0x6005b073, /* csrc hstatus,a1 */
		0x1402d073, /* csrwi sscratch,5 */
		0x0000100f, /* fence.i: not decoded */
		0x00000013, /* nop: not decoded */
		0x6c154573, /* hlv.du: does not exist */
	};
	static const uint16_t rvc[] = {
		0x4108, /* c.lw a0,0(a0) */
		0x6108, /* c.ld a0,0(a0) */
		0xc10c, /* c.sw a1,0(a0) */
		0xe10c, /* c.sd a1,0(a0) */
		0x4502, /* c.lwsp a0,0(sp) */
		0x6502, /* c.ldsp a0,0(sp) */
		0xc02a, /* c.swsp a0,0(sp) */
		0xe02a, /* c.sdsp a0,0(sp) */
		0x4002, /* c.lwsp x0: reserved */
		0x0001, /* c.nop: not decoded */
		0x2108, /* c.fld: FP, not decoded */
	};
	struct seed all = {0}, one;
	char name[32];

	for (unsigned i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		put(&all, forms[i], 4);
		one = (struct seed){0};
		put(&one, forms[i], 4);
		snprintf(name, sizeof(name), "insn32-%02u", i);
		save("insn", name, &one);
	}
	for (unsigned i = 0; i < sizeof(rvc) / sizeof(rvc[0]); i++) {
		put(&all, rvc[i], 2);
		one = (struct seed){0};
		put(&one, rvc[i], 2);
		snprintf(name, sizeof(name), "rvc-%02u", i);
		save("insn", name, &one);
	}
	put(&all, 0x001f, 2); /* a 48-bit encoding's first parcel */
	put(&all, 0, 4);
	save("insn", "stream", &all);
}

/* ---- pt: a walk through real tables in each mode; maps ---------------- */
#define PT_MEM_BASE 0x80000000ULL

static uint64_t ptr(uint64_t pa)
{
	return ((pa >> 12) << PTE_PPN_SHIFT) | PTE_V;
}

static void seeds_pt(void)
{
	/* sel & 7 = mode index (Sv39, 48, 57, Sv39x4, 48x4, 57x4). Every
	 * level's table is the same page (the first of the memory): the VA
	 * has a different index at each level (level i: i + 1), so the walk
	 * reads a different entry of it each time and the memory is only a
	 * few entries long. */
	for (unsigned mode = 0; mode < 6; mode++) {
		/* level 0..2: the leaf's level; 3: no leaf, a pointer at
		 * level 0 (invalid) */
		for (unsigned level = 0; level < 4; level++) {
			struct seed s = {0};
			unsigned levels = 3 + mode % 3;
			uint64_t mem[8] = {0}, va = 0x123;
			int last = level == 3 ? 0 : (int)level;

			for (unsigned i = 0; i < levels; i++)
				va |= (uint64_t)(i + 1) << (12 + 9 * i);
			for (int i = (int)levels - 1; i >= last; i--) {
				if (i == (int)level) {
					/* level 2: A/D clear, to be set in
					 * memory that refuses the write */
					mem[i + 1] =
						ptr(0x80000000ULL << level) |
						PTE_R | PTE_W | PTE_X | PTE_U |
						(level == 2 ? 0
							    : PTE_A | PTE_D);
				} else {
					mem[i + 1] = ptr(PT_MEM_BASE);
				}
			}
			put(&s, 0, 1); /* walk */
			put(&s, mode | ((level & 1) << 3) | ((level >= 2) << 5),
			    1); /* sel: mode, access, read-only memory */
			put(&s, 16 | 8, 1); /* flags: update_ad, gstage */
			put(&s, 0, 2);	    /* root page 0 */
			put(&s, va, 8);
			memcpy(s.b + s.n, mem, (levels + 1) * 8);
			s.n += (levels + 1) * 8;
			char name[32];
			snprintf(name, sizeof(name), "walk-mode%u-level%u",
				 mode, level);
			save("pt", name, &s);
		}
	}
	for (unsigned mode = 0; mode < 6; mode++) {
		struct seed s = {0};

		put(&s, 1, 1); /* map test */
		put(&s, mode, 1);
		/* map 3 pages, a 2 MiB range, unmap a page of it */
		put(&s, 0x00, 1), put(&s, 0x10000, 8), put(&s, 0x90000000, 8);
		put(&s, 2, 2), put(&s, PTE_R | PTE_W | PTE_A | PTE_D, 1);
		put(&s, 0x20, 1), put(&s, 0x40000000, 8),
			put(&s, 0xa0000000, 8);
		put(&s, 0, 2), put(&s, PTE_R | PTE_X | PTE_U | PTE_A, 1);
		put(&s, 0x04, 1), put(&s, 0x40001000, 8), put(&s, 0, 8);
		put(&s, 0, 2), put(&s, 0, 1);
		char name[32];
		snprintf(name, sizeof(name), "map-mode%u", mode);
		save("pt", name, &s);
	}
}

/* ---- shadow: an L1 G-stage built by the program, faults on it --------- */
/* op bytes of fuzz_shadow.c: 0 = PTE write, 2 = fill, 5 = fence all,
 * 6 = fence by VMID/GPA, 7 = hgatp, 8 = MXR, 9 = GVA, 11 = shadow hgatp */
static void sh_pte_ptr(struct seed *s, unsigned t, unsigned idx, unsigned to)
{
	put(s, 0, 1), put(s, t, 1), put(s, idx, 2);
	put(s, 2, 1), put(s, to, 1); /* make_pte kind 2: pointer to table */
}

/* a leaf to region r (0 = RAM_A, 1 = RAM_B, 2 = RAM_C, 3 = RAM_X),
 * `pages` 4K pages into it, aligned to align_sel (0 4K, 1 2M, 2 1G) */
static void sh_pte_leaf(struct seed *s, unsigned t, unsigned idx, unsigned r,
			unsigned align_sel, uint32_t pages, uint8_t rwx)
{
	put(s, 0, 1), put(s, t, 1), put(s, idx, 2);
	put(s, 6, 1); /* make_pte kind 6: leaf */
	put(s, r | (align_sel << 3), 1), put(s, pages, 4); /* region_gpa */
	put(s, rwx, 1);
}

static void sh_fill(struct seed *s, uint64_t gpa, unsigned acc)
{
	put(s, 2 | (acc << 4), 1);
	put(s, 2, 1), put(s, gpa, 8); /* make_gpa kind 2: 41-bit GPA */
}

static void sh_hgatp(struct seed *s, unsigned mode_idx, unsigned vmid)
{
	put(s, 7, 1), put(s, mode_idx, 1), put(s, vmid, 1);
}

static void seeds_shadow(void)
{
	for (unsigned cfg = 0; cfg < 4; cfg++) {
		struct seed s = {0};
		char name[32];

		/* config: shadow Sv39x4/48x4/57x4, SPEC WARL, Svadu */
		put(&s, (cfg % 3) | ((cfg & 1) << 5) | ((cfg & 2) << 5), 1);
		sh_hgatp(&s, 1, 1); /* Sv39x4, VMID 1, root = table 0 */
		/* GPA 0..1G: root[0] -> t1; t1[0] -> t4; t4[0..3] leaves */
		sh_pte_ptr(&s, 0, 0, 1);
		sh_pte_ptr(&s, 1, 0, 4);
		sh_pte_leaf(&s, 4, 0, 0, 0, 16, PTE_R | PTE_W | PTE_X);
		sh_pte_leaf(&s, 4, 1, 1, 0, 3, PTE_R | PTE_W);
		sh_pte_leaf(&s, 4, 2, 2, 0, 1, PTE_R | PTE_X);
		sh_pte_leaf(&s, 4, 3, 3, 0, 0, PTE_X);
		/* t1[1]: a 2 MiB leaf; root[1]: a 1 GiB leaf */
		sh_pte_leaf(&s, 1, 1, 0, 1, 1024, PTE_R | PTE_W | PTE_X);
		sh_pte_leaf(&s, 0, 1, 0, 2, 0, PTE_R | PTE_W | PTE_X);
		put(&s, 5, 1); /* HFENCE.GVMA all */
		for (unsigned acc = 0; acc < 3; acc++)
			for (unsigned p = 0; p < 4; p++)
				sh_fill(&s, p * 4096 + 8, acc);
		sh_fill(&s, 0x200000 + 0x1234, 1);
		sh_fill(&s, 0x40000000 + 0x201000, 2);
		sh_fill(&s, 0x10000000, 1); /* nothing there */
		put(&s, 6 | (1 << 4), 1), put(&s, 2, 1), put(&s, 0, 8);
		put(&s, 8 | 0x80, 1); /* MXR on */
		sh_fill(&s, 3 * 4096, 1);
		sh_hgatp(&s, 2, 2); /* Sv48x4: another slot */
		sh_fill(&s, 0, 1);
		put(&s, 9, 1), put(&s, 1, 1), put(&s, 2, 1), put(&s, 0, 8),
			put(&s, 0, 1), put(&s, 0x1000, 8); /* GVA, Sv39 */
		put(&s, 11, 1);
		put(&s, 6, 1), put(&s, 1, 1); /* fence VMID 1 */
		snprintf(name, sizeof(name), "gstage-%u", cfg);
		save("shadow", name, &s);
	}
}

/* ---- sbi: calls of every extension, NACL with its shared memory ------- */
enum { A_EDGE = 0, A_SMALL = 1, A_PAGE = 2, A_RAW = 3 };

static void sbi_arg_small(struct seed *s, unsigned v)
{
	put(s, A_SMALL | (v << 2), 1);
}

static void sbi_arg_page(struct seed *s, unsigned page)
{
	put(s, A_PAGE, 1), put(s, page, 1);
}

static void sbi_arg_raw(struct seed *s, uint64_t v)
{
	put(s, A_RAW, 1), put(s, v, 8);
}

/* eid index into fuzz_sbi.c's eids[] */
enum {
	E_SET_TIMER,
	E_PUTCHAR,
	E_GETCHAR,
	E_CLEAR_IPI,
	E_SEND_IPI,
	E_FENCE_I,
	E_SFENCE,
	E_SFENCE_ASID,
	E_SHUTDOWN,
	E_BASE,
	E_TIME,
	E_IPI,
	E_RFENCE,
	E_HSM,
	E_SRST,
	E_DBCN,
	E_RVNEST,
	E_NACL,
};

static void sbi_call(struct seed *s, unsigned eidx, unsigned fid, unsigned hart)
{
	put(s, 4, 1); /* step: a call */
	put(s, eidx | (hart << 6), 1), put(s, fid, 1);
}

static void sbi_store(struct seed *s, unsigned hart, unsigned area,
		      unsigned sel, uint64_t v)
{
	put(s, 0, 1);
	put(s, hart | (area << 2), 1), put(s, v, 8);
	/* base page when the hart has no shared memory: page 0 */
	put(s, 0, 1);
	if (area == 0)
		put(s, sel, 2);
	else if (area == 1 || area == 2)
		put(s, sel, 1);
	else
		put(s, sel, 2);
}

static void seeds_sbi(void)
{
	struct seed s = {0};

	/* guest_map, every NACL feature, every extension */
	put(&s, 1 | (0xf << 3), 2);
	sbi_call(&s, E_BASE, SBI_BASE_GET_SPEC_VERSION, 0);
	for (int i = 0; i < 6; i++)
		sbi_arg_small(&s, 0);
	sbi_call(&s, E_BASE, SBI_BASE_PROBE_EXT, 0);
	sbi_arg_raw(&s, SBI_EXT_NACL);
	for (int i = 0; i < 5; i++)
		sbi_arg_small(&s, 0);
	/* NACL: set_shmem(page 1), probe, CSR writes via the space, sync */
	sbi_call(&s, E_NACL, SBI_NACL_SET_SHMEM, 0);
	sbi_arg_page(&s, 1);
	for (int i = 0; i < 5; i++)
		sbi_arg_small(&s, 0);
	sbi_call(&s, E_NACL, SBI_NACL_PROBE_FEATURE, 0);
	sbi_arg_small(&s, SBI_NACL_FEAT_SYNC_CSR);
	for (int i = 0; i < 5; i++)
		sbi_arg_small(&s, 0);
	sbi_store(&s, 0, 0, CSR_HSTATUS, 0x200000000ULL | (1 << 7));
	sbi_store(&s, 0, 1, 0, ~0ULL); /* dirty bits */
	sbi_store(&s, 0, 0, CSR_HGATP, 0x8000000000080000ULL);
	sbi_call(&s, E_NACL, SBI_NACL_SYNC_CSR, 0);
	sbi_arg_raw(&s, ~0UL);
	for (int i = 0; i < 5; i++)
		sbi_arg_small(&s, 0);
	/* an HFENCE entry: pending, GVMA_ALL */
	sbi_store(&s, 0, 2, 0,
		  (1ULL << 63) | ((uint64_t)SBI_NACL_HFENCE_GVMA_ALL << 56));
	sbi_call(&s, E_NACL, SBI_NACL_SYNC_HFENCE, 0);
	sbi_arg_raw(&s, ~0UL);
	for (int i = 0; i < 5; i++)
		sbi_arg_small(&s, 0);
	sbi_call(&s, E_NACL, SBI_NACL_SYNC_SRET, 0);
	for (int i = 0; i < 6; i++)
		sbi_arg_small(&s, 0);
	put(&s, 2, 1);	   /* hook: CSRs changed */
	put(&s, 2 | 8, 1); /* hook: virtualization off */
	save("sbi", "nacl", &s);

	s = (struct seed){0};
	put(&s, 1, 2);
	/* DBCN write/read of guest memory, HSM, RFENCE, IPI, legacy */
	sbi_call(&s, E_DBCN, 0, 0);
	sbi_arg_small(&s, 8), sbi_arg_page(&s, 0), sbi_arg_small(&s, 0);
	for (int i = 0; i < 3; i++)
		sbi_arg_small(&s, 0);
	sbi_call(&s, E_DBCN, 1, 1);
	sbi_arg_small(&s, 4), sbi_arg_page(&s, 7), sbi_arg_small(&s, 0);
	for (int i = 0; i < 3; i++)
		sbi_arg_small(&s, 0);
	sbi_call(&s, E_HSM, SBI_HSM_HART_START, 0);
	sbi_arg_small(&s, 1), sbi_arg_page(&s, 2), sbi_arg_small(&s, 5);
	for (int i = 0; i < 3; i++)
		sbi_arg_small(&s, 0);
	sbi_call(&s, E_HSM, SBI_HSM_HART_GET_STATUS, 0);
	sbi_arg_small(&s, 1);
	for (int i = 0; i < 5; i++)
		sbi_arg_small(&s, 0);
	sbi_call(&s, E_RFENCE, 3, 0); /* HFENCE.GVMA_VMID */
	sbi_arg_small(&s, 3), sbi_arg_small(&s, 0), sbi_arg_page(&s, 0);
	sbi_arg_small(&s, 4), sbi_arg_small(&s, 1), sbi_arg_small(&s, 0);
	sbi_call(&s, E_IPI, 0, 0);
	sbi_arg_small(&s, 15), sbi_arg_small(&s, 0);
	for (int i = 0; i < 4; i++)
		sbi_arg_small(&s, 0);
	sbi_call(&s, E_SEND_IPI, 0, 0);
	sbi_arg_page(&s, 0);
	for (int i = 0; i < 5; i++)
		sbi_arg_small(&s, 0);
	sbi_call(&s, E_TIME, 0, 2);
	sbi_arg_raw(&s, 123456);
	for (int i = 0; i < 5; i++)
		sbi_arg_small(&s, 0);
	sbi_call(&s, E_SRST, 0, 0);
	sbi_arg_small(&s, 0), sbi_arg_small(&s, 0);
	for (int i = 0; i < 4; i++)
		sbi_arg_small(&s, 0);
	save("sbi", "extensions", &s);
}

/* ---- dt: a QEMU-virt-like tree built here (QEMU's own come from
 * make-seeds.sh) ---------------------------------------------------------- */
#define OK(x)                                                          \
	do {                                                           \
		if ((x) != 0) {                                        \
			fprintf(stderr, "seeds: dt: %s failed\n", #x); \
			exit(1);                                       \
		}                                                      \
	} while (0)
/* QEMU virt's nodes as L0's unit tests build them, checked by this OK */
#include "fdt_build.h"

static void seeds_dt(void)
{
	static uint8_t buf[8192];
	const uint32_t ie[] = {1, 11, 1, 9};
	const uint32_t initrd_s[] = {0, 0x88000000};
	const uint32_t initrd_e[] = {0, 0x88100000};
	void *f = buf;
	struct seed s = {0};

	OK(fdt_create(f, sizeof(buf)));
	OK(fdt_add_reservemap_entry(f, 0x80000000, 0x40000));
	OK(fdt_finish_reservemap(f));
	OK(fdt_begin_node(f, ""));
	OK(fdt_property_u32(f, "#address-cells", 2));
	OK(fdt_property_u32(f, "#size-cells", 2));
	memory_node_size(f, 0x10000000);
	cpus_begin(f);
	cpu_node_mmu(f, 0, 1, "rv64imafdch_zicsr_sstc", "riscv,sv48");
	OK(fdt_end_node(f)); /* cpus */
	OK(fdt_begin_node(f, "chosen"));
	OK(fdt_property_string(f, "bootargs", "l1.mem=64M -- console=ttyS0"));
	OK(fdt_property_string(f, "stdout-path", "/soc/serial@10000000"));
	prop_cells(f, "linux,initrd-start", initrd_s, 2);
	prop_cells(f, "linux,initrd-end", initrd_e, 2);
	OK(fdt_end_node(f));
	soc_begin_with_uart(f);
	OK(fdt_end_node(f)); /* serial */
	plic_node(f, "riscv,plic0", ie, 4, 0);
	OK(fdt_end_node(f));
	OK(fdt_end_node(f));
	OK(fdt_finish(f));
	OK(fdt_pack(f));

	/* parameters: hart 0, one vCPU, every feature, 64 KiB, bootargs */
	put(&s, 0, 1), put(&s, 0, 1), put(&s, 0xff, 1), put(&s, 1, 1);
	memcpy(s.b + s.n, buf, fdt_totalsize(f));
	s.n += fdt_totalsize(f);
	save("dt", "virt-like", &s);
}

/* ---- vhyp: L1 and L2 traps into L0's H-extension emulation ------------ */
/* fuzz_vhyp.c's ops and its CSR table order (hcsrs[]) */
enum {
	VH_CSR,
	VH_HFENCE,
	VH_SRET,
	VH_L2_TRAP,
	VH_HW_WRITE,
	VH_TIME,
	VH_RAM_WRITE,
	VH_HLV,
	VH_L0_IRQ,
	VH_ARMED,
};
enum {
	VH_HSTATUS,
	VH_HEDELEG,
	VH_HIDELEG,
	VH_HIE,
	VH_HIP,
	VH_HVIP,
	VH_HGATP = 11,
	VH_HENVCFG = 13,
	VH_VSTIMECMP = 23,
	VH_NCSRS = 24
};
/* form byte: 0 CSRRW, 1 CSRRS, 2 CSRRC, 3 CSRRWI, 4 CSRRSI, 5 CSRRCI;
 * bit 7 from U-mode */
static void vh_csr(struct seed *s, unsigned form, unsigned sel, unsigned rd,
		   unsigned src, uint64_t val)
{
	put(s, VH_CSR, 1), put(s, form, 1), put(s, sel, 1);
	put(s, rd, 1), put(s, src, 1), put(s, val, 8);
}

static void vh_write(struct seed *s, unsigned sel, uint64_t val)
{
	vh_csr(s, 0, sel, 0, 6, val);
}

static void vh_read(struct seed *s, unsigned sel)
{
	vh_csr(s, 1, sel, 5, 0, 0);
}

static void seeds_vhyp(void)
{
	struct seed s;

	/* every H-extension CSR written with all ones, then read */
	s.n = 0;
	put(&s, 1, 1); /* L1 has Sstc */
	for (unsigned i = 0; i < VH_NCSRS; i++)
		vh_write(&s, i, ~0ULL), vh_read(&s, i);
	save("vhyp", "csr-all-ones", &s);

	/* set/clear and the immediate forms; U-mode; no such CSR */
	s.n = 0;
	put(&s, 0, 1);
	vh_csr(&s, 1, VH_HSTATUS, 5, 6, 0x200);		 /* csrrs HU */
	vh_csr(&s, 2, VH_HSTATUS, 5, 6, 0x200);		 /* csrrc HU */
	vh_csr(&s, 3, VH_HIDELEG, 5, 4, 0);		 /* csrrwi 4 */
	vh_csr(&s, 4, VH_HVIP, 5, 4, 0);		 /* csrrsi 4 */
	vh_csr(&s, 5, VH_HVIP, 5, 4, 0);		 /* csrrci 4 */
	vh_csr(&s, 0x81, VH_HSTATUS, 5, 0, 0);		 /* from U-mode */
	vh_csr(&s, 0, 1, 0, 6, 1);			 /* hgeip: read-only */
	vh_csr(&s, 1, VH_VSTIMECMP, 5, 0, 0);		 /* no Sstc */
	vh_csr(&s, 1, 0xff, 5, 0, 0), put(&s, 0x6ff, 2); /* no such CSR */
	save("vhyp", "csr-forms-illegal", &s);

	/* HFENCE.GVMA/VVMA with x0 and with registers, and from U-mode */
	s.n = 0;
	put(&s, 0, 1);
	put(&s, VH_HFENCE, 1), put(&s, 1, 1), put(&s, 0, 1), put(&s, 0, 1);
	put(&s, 0, 8), put(&s, 0, 8);
	put(&s, VH_HFENCE, 1), put(&s, 1, 1), put(&s, 10, 1), put(&s, 11, 1);
	put(&s, 0x80001000 >> 2, 8), put(&s, 3, 8);
	put(&s, VH_HFENCE, 1), put(&s, 0, 1), put(&s, 10, 1), put(&s, 11, 1);
	put(&s, 0x1000, 8), put(&s, 1, 8);
	put(&s, VH_HFENCE, 1), put(&s, 3, 1), put(&s, 0, 1), put(&s, 0, 1);
	put(&s, 0, 8), put(&s, 0, 8);
	save("vhyp", "hfence", &s);

	/* L1's G-stage in its RAM (Sv39x4 root at its base, a 1 GiB leaf
	 * for its RAM: V R W X U A D), SRET into L2, a guest-page fault the
	 * shadow fills, an ecall back to L1, an SRET from U-mode */
	s.n = 0;
	put(&s, 2, 1); /* Svadu */
	put(&s, VH_RAM_WRITE, 1), put(&s, 2, 2);
	put(&s, (0x80000000ULL >> 12 << 10) | 0xdf, 8);
	vh_write(&s, VH_HGATP, (8ULL << 60) | (0x80000000ULL >> 12));
	vh_write(&s, VH_HEDELEG, 1ULL << 3);
	put(&s, VH_HW_WRITE, 1), put(&s, 1, 1), put(&s, 0x80008000, 8);
	vh_write(&s, VH_HSTATUS, 0x80); /* SPV */
	put(&s, VH_SRET, 1), put(&s, 0, 1);
	put(&s, VH_L2_TRAP, 1), put(&s, 6, 1), put(&s, 0x1008, 8);
	put(&s, 0x9008, 4), put(&s, 0x3, 4);
	put(&s, VH_L2_TRAP, 1), put(&s, 0, 1), put(&s, 0, 8);
	put(&s, 0, 4), put(&s, 0, 4);
	vh_read(&s, VH_HSTATUS);
	put(&s, VH_SRET, 1), put(&s, 1, 1);
	save("vhyp", "sret-l2-fault-ecall", &s);

	/* HLV.D, HSV.W, HLVX.WU in L1 RAM with Bare stages; HLV.B from
	 * U-mode with HU, then without */
	s.n = 0;
	put(&s, 0, 1);
	put(&s, VH_HLV, 1), put(&s, 0x03, 1), put(&s, 0x100, 4), put(&s, 0, 8);
	put(&s, VH_HLV, 1), put(&s, 0x0e, 1), put(&s, 0x108, 4);
	put(&s, 0x12345678, 8);
	put(&s, VH_HLV, 1), put(&s, 0x0a, 1), put(&s, 0x108, 4), put(&s, 0, 8);
	vh_write(&s, VH_HSTATUS, 0x200); /* HU */
	put(&s, VH_HLV, 1), put(&s, 0x80, 1), put(&s, 0x10, 4), put(&s, 0, 8);
	vh_write(&s, VH_HSTATUS, 0);
	put(&s, VH_HLV, 1), put(&s, 0x80, 1), put(&s, 0x10, 4), put(&s, 0, 8);
	put(&s, VH_HLV, 1), put(&s, 0x43, 1), put(&s, 0, 4);
	put(&s, 0x4000000000000000ULL, 8), put(&s, 0, 8);
	save("vhyp", "hlv-hsv", &s);

	/* an undelegated VS interrupt L1 enabled: taken at once with
	 * sstatus.SIE = 1, armed with SIE = 0; Sstc's VSTIP with time */
	s.n = 0;
	put(&s, 1, 1);
	put(&s, VH_HW_WRITE, 1), put(&s, 0, 1), put(&s, 2, 8); /* SIE */
	vh_write(&s, VH_HIE, 0x4);
	vh_write(&s, VH_HVIP, 0x4);
	put(&s, VH_HW_WRITE, 1), put(&s, 0, 1), put(&s, 0, 8);
	vh_write(&s, VH_HVIP, 0x4);
	vh_write(&s, VH_HENVCFG, 1ULL << 63);
	vh_write(&s, VH_VSTIMECMP, 100);
	put(&s, VH_TIME, 1), put(&s, 200, 4);
	vh_read(&s, VH_HIP);
	save("vhyp", "vs-interrupts-sstc", &s);

	/* an undelegated VSEI with L1's SIE = 0: armed, then L1 reaches the
	 * moment; L0 raises L1's SSIP-to-be (hvip.VSSIP) while L2 runs with
	 * L1's sie.SSIE set: L2 exits to L1 */
	s.n = 0;
	put(&s, 0, 1);
	vh_write(&s, VH_HIE, 0x400);
	vh_write(&s, VH_HVIP, 0x400);
	put(&s, VH_ARMED, 1);
	put(&s, VH_HW_WRITE, 1), put(&s, 7, 1), put(&s, 0x2, 8); /* sie */
	vh_write(&s, VH_HSTATUS, 0x80);
	put(&s, VH_SRET, 1), put(&s, 0, 1);
	put(&s, VH_L0_IRQ, 1), put(&s, 0x5, 1);
	vh_read(&s, VH_HSTATUS);
	save("vhyp", "armed-and-l0-interrupts", &s);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: seeds <corpus-dir>\n");
		return 2;
	}
	root_dir = argv[1];
	seeds_insn();
	seeds_pt();
	seeds_shadow();
	seeds_sbi();
	seeds_dt();
	seeds_vhyp();
	return 0;
}
