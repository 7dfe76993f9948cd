/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcidma: a bare-metal L1 that checks PCI passthrough through L0
 * (l1.pci=, l0-hyp/pci.h) from the guest's side. harness/test_pci.py runs
 * it (config pci-dma-l0) with a virtio-blk-pci disk behind QEMU's
 * riscv-iommu-pci and asserts what it prints, what L0 prints and what the
 * disk image holds afterwards.
 *
 * In order:
 *  1. enumerate bus 0 of the host bridge its DT names: one `RVNEST pcidma
 *     fn` line per function; none may be the IOMMU (class 0x0806), and the
 *     IOMMU's function (iommu_dev=) must read as absent;
 *  2. the virtio-blk function: no MSI/MSI-X capability visible, the BARs
 *     sized (the copy reads the mask back, the device stays), a BAR moved
 *     in the copy is refused when decoding is enabled (the device still
 *     answers at its address);
 *  3. virtio 1.x over PCI (virtio spec "Virtio Over PCI Bus": common
 *     configuration, one virtqueue, split ring): read sector 0 (the
 *     harness wrote a pattern there), write sector 1, read it back;
 *  4. stray DMA: a write request (to sector 2) whose data descriptor
 *     points at `stray=<GPA>` (outside its RAM: the host DTB with QEMU
 *     -m 1G), and, after a device reset, a read request into it: the
 *     IOMMU must stop both (L0 reports the faults; the harness checks
 *     that sector 2 did not get the DTB and L0 that the DTB is intact);
 *  4b. INTx: the disk's pin, routed by the bridge's interrupt-map to a
 *     source of L0's vPLIC, becomes pending there when a request
 *     completes, is claimed and completed (interrupts stay off: polled);
 *  5. a load from `iommu=<address>` (where L0 put the IOMMU's registers)
 *     must fault: L1 cannot reach them;
 * then `RVNEST done status=0` if every check held, else the failures, and
 * an SBI power-off with that status.
 *
 * Options (L1's command line): stray=<hex GPA>, iommu=<hex address>,
 * iommu_dev=<hex device number of the IOMMU's function on the host's bus
 * 0>, platform=0 (do not accept VIRTIO_F_ACCESS_PLATFORM), bar_moves=0 (L0
 * does not move BARs for this L1: expect the move refused),
 * stray_rounds=<hex n> (step 4 n times over, with no config access until
 * the last: L0 reads its fault queue only then, so enough records fill
 * it; default 1).
 */
#include <libfdt.h>
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/encoding.h>
#include <rvnest/fdt_util.h>
#include <rvnest/sbi.h>
#include <rvnest/trap_names.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void image_main(unsigned long hartid, const void *fdt);
void pd_fatal_trap(void);
unsigned long pd_probe_load(uint64_t addr, uint64_t *val);
extern char pd_fatal_vector[];

/* PCI configuration header (PCI Local Bus spec) */
#define CFG_VENDOR 0x00
#define CFG_COMMAND 0x04
#define CFG_CLASS 0x08
#define CFG_BAR0 0x10
#define CFG_CAP_PTR 0x34
#define CMD_MEM 0x2u
#define CMD_MASTER 0x4u
#define STATUS_CAP_LIST 0x10u
#define CAP_MSI 0x05
#define CAP_MSIX 0x11
#define CAP_VENDOR 0x09
#define CLASS_IOMMU 0x0806 /* system peripheral: IOMMU */

/* PLIC (RISC-V PLIC spec "Memory Map") */
#define PLIC_PRIORITY 0x0
#define PLIC_PENDING 0x1000
#define PLIC_ENABLE 0x2000
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT 0x200000
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_CLAIM 0x4
#define IRQ_S_EXT_CAUSE 9
#define CFG_INT_PIN 0x3d

/* virtio over PCI: capability cfg_type and the common configuration
 * layout (virtio 1.x "Common configuration structure layout") */
#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_BLK_LEGACY 0x1001
#define VIRTIO_BLK_MODERN 0x1042
#define VCAP_COMMON 1
#define VCAP_NOTIFY 2
#define VCAP_ISR 3
#define VCAP_DEVICE 4
#define COMMON_DFSELECT 0x00
#define COMMON_DF 0x04
#define COMMON_GFSELECT 0x08
#define COMMON_GF 0x0c
#define COMMON_STATUS 0x14
#define COMMON_Q_SELECT 0x16
#define COMMON_Q_SIZE 0x18
#define COMMON_Q_ENABLE 0x1c
#define COMMON_Q_NOFF 0x1e
#define COMMON_Q_DESC 0x20
#define COMMON_Q_AVAIL 0x28
#define COMMON_Q_USED 0x30
#define ST_ACK 1u
#define ST_DRIVER 2u
#define ST_DRIVER_OK 4u
#define ST_FEATURES_OK 8u
#define ST_NEEDS_RESET 0x40u
#define F_VERSION_1 (1ULL << 32)
#define F_ACCESS_PLATFORM (1ULL << 33)
#define DESC_NEXT 1u
#define DESC_WRITE 2u
#define BLK_T_IN 0u
#define BLK_T_OUT 1u
#define SECTOR 512
#define QSIZE 8

/* bounded waits: QEMU completes a request in far fewer polls; a device
 * that never answers is a failure, never a hang */
#define SPIN 20000000UL

struct vdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct blk_req {
	uint32_t type, reserved;
	uint64_t sector;
};

static struct vdesc desc[QSIZE] __attribute__((aligned(4096)));
static struct {
	uint16_t flags, idx, ring[QSIZE], used_event;
} avail __attribute__((aligned(4096)));
static struct {
	uint16_t flags;
	volatile uint16_t idx;
	struct {
		uint32_t id, len;
	} ring[QSIZE];
	uint16_t avail_event;
} used __attribute__((aligned(4096)));
static struct blk_req req __attribute__((aligned(16)));
static uint8_t data[SECTOR] __attribute__((aligned(512)));
static volatile uint8_t status;

static uint64_t ecam;
static struct {
	uint64_t pci, cpu, size;
	bool io;
} win[4];
static unsigned nwin;
static unsigned failures;
/* the virtio-blk function */
static uint16_t blk_devfn = 0xffff;
static uint64_t bar_cpu[6];
static uint64_t common, notify, isr;
/* the PLIC L1's DT names, its S context for this hart, the disk's INTx */
static uint64_t plic;
static int plic_ctx = -1;
static uint32_t intx_src;
static uint32_t notify_mul;
static uint16_t queue_noff, used_seen;

static void check(bool ok, const char *what)
{
	if (!ok) {
		failures++;
		printf("RVNEST pcidma step=check_failed what=%s\n", what);
	}
}

void pd_fatal_trap(void)
{
	printf("RVNEST error msg=trap_in_pcidma cause=%s sepc=0x%lx "
	       "stval=0x%lx\n",
	       trap_cause_name(csr_read(CSR_SCAUSE)), csr_read(CSR_SEPC),
	       csr_read(CSR_STVAL));
	console_flush();
	sbi_shutdown(1);
}

static volatile void *cfg(uint16_t devfn, unsigned reg)
{
	return (volatile void *)(uintptr_t)(ecam + ((uint64_t)devfn << 12) +
					    reg);
}

static uint32_t cfg32(uint16_t devfn, unsigned reg)
{
	return *(volatile uint32_t *)cfg(devfn, reg);
}

static uint16_t cfg16(uint16_t devfn, unsigned reg)
{
	return *(volatile uint16_t *)cfg(devfn, reg);
}

static uint8_t cfg8(uint16_t devfn, unsigned reg)
{
	return *(volatile uint8_t *)cfg(devfn, reg);
}

static void cfg_w32(uint16_t devfn, unsigned reg, uint32_t v)
{
	*(volatile uint32_t *)cfg(devfn, reg) = v;
}

static void cfg_w16(uint16_t devfn, unsigned reg, uint16_t v)
{
	*(volatile uint16_t *)cfg(devfn, reg) = v;
}

static uint64_t mmio_rd(uint64_t a, unsigned w)
{
	switch (w) {
	case 1:
		return *(volatile uint8_t *)(uintptr_t)a;
	case 2:
		return *(volatile uint16_t *)(uintptr_t)a;
	case 4:
		return *(volatile uint32_t *)(uintptr_t)a;
	default:
		return *(volatile uint32_t *)(uintptr_t)a |
		       (uint64_t) * (volatile uint32_t *)(uintptr_t)(a + 4)
			       << 32;
	}
}

static void mmio_wr(uint64_t a, unsigned w, uint64_t v)
{
	switch (w) {
	case 1:
		*(volatile uint8_t *)(uintptr_t)a = (uint8_t)v;
		break;
	case 2:
		*(volatile uint16_t *)(uintptr_t)a = (uint16_t)v;
		break;
	case 4:
		*(volatile uint32_t *)(uintptr_t)a = (uint32_t)v;
		break;
	default:
		*(volatile uint32_t *)(uintptr_t)a = (uint32_t)v;
		*(volatile uint32_t *)(uintptr_t)(a + 4) = (uint32_t)(v >> 32);
		break;
	}
}

static uint64_t arg_hex(const char *args, const char *key)
{
	const char *p = args;
	size_t kl = strlen(key);

	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			uint64_t v = 0;

			p += kl + 1;
			if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
				p += 2;
			for (; *p && *p != ' '; p++) {
				unsigned d = (*p >= '0' && *p <= '9')
						     ? (unsigned)(*p - '0')
					     : (*p >= 'a' && *p <= 'f')
						     ? (unsigned)(*p - 'a' + 10)
						     : 16;
				if (d == 16)
					return 0;
				v = v * 16 + d;
			}
			return v;
		}
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return 0;
}

/* The host bridge from L1's DT: its ECAM and its windows (PCI bus
 * address -> CPU address). */
static bool find_bridge(const void *fdt)
{
	int node =
		fdt_node_offset_by_compatible(fdt, -1, "pci-host-ecam-generic");
	const fdt32_t *reg, *r;
	int len;

	if (node < 0)
		return false;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < 16)
		return false;
	ecam = ((uint64_t)fdt32_to_cpu(reg[0]) << 32) | fdt32_to_cpu(reg[1]);
	r = fdt_getprop(fdt, node, "ranges", &len);
	/* child 3 cells, parent 2, size 2 (QEMU virt) */
	for (int i = 0; r && i < len / 28 && nwin < 4; i++, nwin++) {
		const fdt32_t *e = r + i * 7;

		win[nwin].pci = ((uint64_t)fdt32_to_cpu(e[1]) << 32) |
				fdt32_to_cpu(e[2]);
		win[nwin].cpu = ((uint64_t)fdt32_to_cpu(e[3]) << 32) |
				fdt32_to_cpu(e[4]);
		win[nwin].size = ((uint64_t)fdt32_to_cpu(e[5]) << 32) |
				 fdt32_to_cpu(e[6]);
		/* phys.hi space code 01: I/O (PCI Bus Binding) */
		win[nwin].io = ((fdt32_to_cpu(e[0]) >> 24) & 3) == 1;
	}
	return true;
}

static uint64_t bus_to_cpu(uint64_t a, bool io)
{
	for (unsigned i = 0; i < nwin; i++)
		if (a >= win[i].pci && a - win[i].pci < win[i].size &&
		    io == win[i].io)
			return win[i].cpu + (a - win[i].pci);
	return a;
}

/* iommu_dev: the device number of the IOMMU's PCI function on the host
 * (QEMU's riscv-iommu-pci: 1); 0 = none (a platform IOMMU) */
static void enumerate(unsigned iommu_dev)
{
	for (unsigned dev = 0; dev < 32; dev++) {
		uint16_t d = (uint16_t)(dev << 3);
		uint32_t id = cfg32(d, CFG_VENDOR);
		uint32_t cls;

		if ((id & 0xffff) == 0xffff)
			continue;
		cls = cfg32(d, CFG_CLASS) >> 16;
		printf("RVNEST pcidma fn=00:%02x.0 id=%04x:%04x class=0x%04x\n",
		       dev, id & 0xffff, id >> 16, cls);
		check(cls != CLASS_IOMMU, "iommu_visible");
		if ((id & 0xffff) == VIRTIO_VENDOR &&
		    ((id >> 16) == VIRTIO_BLK_LEGACY ||
		     (id >> 16) == VIRTIO_BLK_MODERN) &&
		    blk_devfn == 0xffff)
			blk_devfn = d;
	}
	/* the IOMMU's function: absent for L1, at every width */
	if (iommu_dev)
		check(cfg32((uint16_t)(iommu_dev << 3), CFG_VENDOR) ==
				      0xffffffffu &&
			      cfg16((uint16_t)(iommu_dev << 3), CFG_VENDOR) ==
				      0xffff &&
			      cfg8((uint16_t)(iommu_dev << 3), CFG_CLASS + 3) ==
				      0xff,
		      "iommu_function_not_absent");
}

/* BARs: L1's copy sizes like a BAR; the CPU addresses for the rest. */
static void bars(void)
{
	uint16_t d = blk_devfn;

	for (unsigned i = 0; i < 6; i++) {
		uint32_t lo = cfg32(d, CFG_BAR0 + 4 * i), mask;
		uint64_t a;
		bool io = lo & 1, is64 = !io && (lo & 6) == 4;

		if (!lo)
			continue;
		cfg_w32(d, CFG_BAR0 + 4 * i, 0xffffffffu);
		mask = cfg32(d, CFG_BAR0 + 4 * i);
		cfg_w32(d, CFG_BAR0 + 4 * i, lo);
		check(cfg32(d, CFG_BAR0 + 4 * i) == lo, "bar_restore");
		check(mask != 0xffffffffu && (mask & (io ? 3u : 0xfu)) ==
						     (lo & (io ? 3u : 0xfu)),
		      "bar_sizing");
		a = lo & (io ? ~3ULL : ~0xfULL);
		if (is64)
			a |= (uint64_t)cfg32(d, CFG_BAR0 + 4 * (i + 1)) << 32;
		bar_cpu[i] = bus_to_cpu(a, io);
		printf("RVNEST pcidma bar=%u addr=0x%llx size=0x%x type=%s\n",
		       i, (unsigned long long)bar_cpu[i],
		       (unsigned)(~(mask & (io ? ~3u : ~0xfu)) + 1),
		       is64 ? "mem64"
		       : io ? "io"
			    : "mem32");
		if (is64)
			i++;
	}
}

static void caps(void)
{
	uint16_t d = blk_devfn;
	uint8_t p;
	unsigned n = 0;

	check(cfg16(d, 6) & STATUS_CAP_LIST, "no_capability_list");
	for (p = cfg8(d, CFG_CAP_PTR) & ~3u; p && n < 48;
	     p = cfg8(d, p + 1) & ~3u, n++) {
		uint8_t id = cfg8(d, p);

		check(id != CAP_MSI && id != CAP_MSIX, "msi_visible");
		if (id != CAP_VENDOR)
			continue;
		/* struct virtio_pci_cap: cfg_type at +3, bar at +4,
		 * offset at +8; notify_off_multiplier at +16 */
		uint8_t type = cfg8(d, p + 3), bar = cfg8(d, p + 4);
		uint32_t off = cfg32(d, p + 8);

		if (bar >= 6)
			continue;
		if (type == VCAP_COMMON)
			common = bar_cpu[bar] + off;
		else if (type == VCAP_ISR)
			isr = bar_cpu[bar] + off;
		else if (type == VCAP_NOTIFY) {
			notify = bar_cpu[bar] + off;
			notify_mul = cfg32(d, p + 16);
		}
	}
	/* the extended space holds no capability for L1 */
	check(cfg32(d, 0x100) == 0, "extended_capability_visible");
}

/* BAR writes: one L0 must refuse (onto L1's RAM, outside every PCI
 * window: the device stays where it is), then a move inside the window
 * (the device answers at the new place only), and back. */
#define MOVE_BY 0x100000u
#define COMMON_NUM_QUEUES 0x12

static void bar_move(bool moves)
{
	uint16_t d = blk_devfn;
	unsigned slot = 6, reg;
	uint32_t lo, hi = 0;
	uint64_t v, old;
	bool is64;

	for (unsigned i = 0; i < 6; i++)
		if (bar_cpu[i] && common >= bar_cpu[i] &&
		    common - bar_cpu[i] < MOVE_BY)
			slot = i;
	if (slot == 6)
		return;
	reg = CFG_BAR0 + 4 * slot;
	lo = cfg32(d, reg);
	is64 = (lo & 7) == 4;
	if (is64)
		hi = cfg32(d, reg + 4);
	/* (a) refused: the high half 0 and the low half on L1's RAM */
	if (is64)
		cfg_w32(d, reg + 4, 0);
	cfg_w32(d, reg, 0x80000000u | (lo & 0xfu));
	cfg_w16(d, CFG_COMMAND, (uint16_t)(cfg16(d, CFG_COMMAND) | CMD_MEM));
	check(mmio_rd(common + COMMON_NUM_QUEUES, 2) >= 1,
	      "device_left_its_place");
	/* back, low half first: (0, old low) is no place either */
	cfg_w32(d, reg, lo);
	if (is64)
		cfg_w32(d, reg + 4, hi);
	/* (b) MOVE_BY higher in the same window: honoured, unless L0 said
	 * it cannot fence L1 (bar_moves=0 on the command line: l1.h=1 or
	 * several vCPUs), when the device stays */
	old = common;
	cfg_w32(d, reg, lo + MOVE_BY);
	if (!moves) {
		check(pd_probe_load(old + MOVE_BY, &v) == EXC_LOAD_ACCESS &&
			      mmio_rd(old + COMMON_NUM_QUEUES, 2) >= 1,
		      "bar_moved_though_l0_refuses_moves");
		printf("RVNEST pcidma step=bar_move from=0x%llx to=0x%llx "
		       "result=refused\n",
		       (unsigned long long)old,
		       (unsigned long long)(old + MOVE_BY));
		cfg_w32(d, reg, lo);
		return;
	}
	common += MOVE_BY;
	notify += notify >= bar_cpu[slot] && notify - bar_cpu[slot] < MOVE_BY
			  ? MOVE_BY
			  : 0;
	check(pd_probe_load(old, &v) == EXC_LOAD_ACCESS,
	      "old_bar_place_still_mapped");
	check(pd_probe_load(common, &v) == 0 &&
		      mmio_rd(common + COMMON_NUM_QUEUES, 2) >= 1,
	      "bar_not_at_new_place");
	printf("RVNEST pcidma step=bar_move from=0x%llx to=0x%llx "
	       "result=moved\n",
	       (unsigned long long)old, (unsigned long long)common);
	/* and back */
	cfg_w32(d, reg, lo);
	common = old;
	notify -= notify >= bar_cpu[slot] + MOVE_BY &&
				  notify - bar_cpu[slot] < 2 * MOVE_BY
			  ? MOVE_BY
			  : 0;
	check(pd_probe_load(common, &v) == 0, "bar_not_back");
}

static bool wait_status(uint8_t want)
{
	for (unsigned long i = 0; i < SPIN; i++)
		if ((uint8_t)mmio_rd(common + COMMON_STATUS, 1) == want)
			return true;
	return false;
}

static bool virtio_init(bool platform)
{
	uint64_t f;
	uint16_t qs;

	mmio_wr(common + COMMON_STATUS, 1, 0);
	if (!wait_status(0))
		return false;
	mmio_wr(common + COMMON_STATUS, 1, ST_ACK | ST_DRIVER);
	mmio_wr(common + COMMON_DFSELECT, 4, 0);
	f = mmio_rd(common + COMMON_DF, 4);
	mmio_wr(common + COMMON_DFSELECT, 4, 1);
	f |= mmio_rd(common + COMMON_DF, 4) << 32;
	if (!(f & F_VERSION_1))
		return false;
	f &= F_VERSION_1 | (platform ? F_ACCESS_PLATFORM : 0);
	mmio_wr(common + COMMON_GFSELECT, 4, 0);
	mmio_wr(common + COMMON_GF, 4, (uint32_t)f);
	mmio_wr(common + COMMON_GFSELECT, 4, 1);
	mmio_wr(common + COMMON_GF, 4, f >> 32);
	mmio_wr(common + COMMON_STATUS, 1, ST_ACK | ST_DRIVER | ST_FEATURES_OK);
	if (!(mmio_rd(common + COMMON_STATUS, 1) & ST_FEATURES_OK))
		return false;
	mmio_wr(common + COMMON_Q_SELECT, 2, 0);
	qs = (uint16_t)mmio_rd(common + COMMON_Q_SIZE, 2);
	if (qs < 3)
		return false;
	if (qs > QSIZE)
		mmio_wr(common + COMMON_Q_SIZE, 2, QSIZE);
	memset(desc, 0, sizeof(desc));
	memset(&avail, 0, sizeof(avail));
	memset((void *)&used, 0, sizeof(used));
	used_seen = 0;
	mmio_wr(common + COMMON_Q_DESC, 8, (uint64_t)(uintptr_t)desc);
	mmio_wr(common + COMMON_Q_AVAIL, 8, (uint64_t)(uintptr_t)&avail);
	mmio_wr(common + COMMON_Q_USED, 8, (uint64_t)(uintptr_t)&used);
	queue_noff = (uint16_t)mmio_rd(common + COMMON_Q_NOFF, 2);
	mmio_wr(common + COMMON_Q_ENABLE, 2, 1);
	mmio_wr(common + COMMON_STATUS, 1,
		ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
	printf("RVNEST pcidma step=virtio features=0x%llx platform=%d\n",
	       (unsigned long long)f, (f & F_ACCESS_PLATFORM) ? 1 : 0);
	return true;
}

/* Outcome of one block request. */
enum req_result {
	REQ_DONE,	 /* used ring advanced, status byte 0 */
	REQ_IO_ERROR,	 /* used ring advanced, status byte not 0 */
	REQ_NEEDS_RESET, /* the device gave up (a DMA it could not do) */
	REQ_TIMEOUT,
};

static const char *const req_names[] = {"done", "io_error", "needs_reset",
					"timeout"};

static enum req_result blk_request(uint32_t type, uint64_t sector, uint64_t buf)
{
	req.type = type;
	req.reserved = 0;
	req.sector = sector;
	status = 0xff;
	desc[0] = (struct vdesc){(uint64_t)(uintptr_t)&req, sizeof(req),
				 DESC_NEXT, 1};
	desc[1] = (struct vdesc){
		buf, SECTOR,
		(uint16_t)(DESC_NEXT | (type == BLK_T_IN ? DESC_WRITE : 0)), 2};
	desc[2] =
		(struct vdesc){(uint64_t)(uintptr_t)&status, 1, DESC_WRITE, 0};
	avail.ring[avail.idx % QSIZE] = 0;
	__sync_synchronize();
	avail.idx++;
	__sync_synchronize();
	mmio_wr(notify + (uint64_t)queue_noff * notify_mul, 2, 0);
	for (unsigned long i = 0; i < SPIN; i++) {
		if (used.idx != used_seen) {
			used_seen = used.idx;
			return status == 0 ? REQ_DONE : REQ_IO_ERROR;
		}
		if (mmio_rd(common + COMMON_STATUS, 1) & ST_NEEDS_RESET)
			return REQ_NEEDS_RESET;
	}
	return REQ_TIMEOUT;
}

static uint64_t sum(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static void disk_io(void)
{
	static const char sector0[] = "rvnest-pcidma-sector0";
	static const char sector1[] = "rvnest-pcidma-written-by-L1";
	enum req_result r;

	memset(data, 0, sizeof(data));
	r = blk_request(BLK_T_IN, 0, (uint64_t)(uintptr_t)data);
	printf("RVNEST pcidma step=read sector=0 result=%s hash=0x%llx\n",
	       req_names[r], (unsigned long long)sum(data, SECTOR));
	check(r == REQ_DONE && !memcmp(data, sector0, sizeof(sector0) - 1),
	      "read_sector0");
	for (unsigned i = 0; i < SECTOR; i++)
		data[i] = (uint8_t)(i * 7 + 3);
	memcpy(data, sector1, sizeof(sector1) - 1);
	r = blk_request(BLK_T_OUT, 1, (uint64_t)(uintptr_t)data);
	printf("RVNEST pcidma step=write sector=1 result=%s hash=0x%llx\n",
	       req_names[r], (unsigned long long)sum(data, SECTOR));
	check(r == REQ_DONE, "write_sector1");
	memset(data, 0, sizeof(data));
	r = blk_request(BLK_T_IN, 1, (uint64_t)(uintptr_t)data);
	check(r == REQ_DONE && !memcmp(data, sector1, sizeof(sector1) - 1) &&
		      data[SECTOR - 1] == (uint8_t)((SECTOR - 1) * 7 + 3),
	      "read_back_sector1");
}

static void stray_round(uint64_t gpa, bool platform)
{
	enum req_result r;

	/* the device would read host memory at gpa into sector 2 */
	r = blk_request(BLK_T_OUT, 2, gpa);
	printf("RVNEST pcidma step=stray dir=to_disk addr=0x%llx result=%s\n",
	       (unsigned long long)gpa, req_names[r]);
	/* however the device ends it (QEMU completes it with the bytes it
	 * could not read as zeros), it ends: what it changed is the
	 * harness's to check (the disk) and L0's (the host DTB) */
	check(r != REQ_TIMEOUT, "stray_to_disk_hangs");
	/* reset and again, the other way: the device would write there */
	check(virtio_init(platform), "virtio_reinit");
	r = blk_request(BLK_T_IN, 0, gpa);
	printf("RVNEST pcidma step=stray dir=from_disk addr=0x%llx result=%s\n",
	       (unsigned long long)gpa, req_names[r]);
	check(r != REQ_TIMEOUT, "stray_from_disk_hangs");
}

static void stray(uint64_t gpa, bool platform, uint64_t rounds)
{
	for (uint64_t i = 0; i < rounds; i++) {
		/* a device that faulted is reset before its next request */
		if (i)
			check(virtio_init(platform), "virtio_reinit");
		stray_round(gpa, platform);
	}
	/* a config access: L0 reads its IOMMU fault queue there */
	(void)cfg32(blk_devfn, CFG_VENDOR);
}

/* The PLIC of L1's DT and the context of its S-mode external interrupt
 * (interrupts-extended pairs: context i = pair i; PLIC binding). */
static void find_plic(const void *fdt)
{
	static const char *const compat[] = {"sifive,plic-1.0.0",
					     "riscv,plic0"};
	const fdt32_t *reg, *ie;
	int node = -1, len;

	for (unsigned i = 0; i < 2 && node < 0; i++)
		node = fdt_node_offset_by_compatible(fdt, -1, compat[i]);
	if (node < 0)
		return;
	reg = fdt_getprop(fdt, node, "reg", &len);
	ie = fdt_getprop(fdt, node, "interrupts-extended", &len);
	if (!reg || !ie)
		return;
	plic = ((uint64_t)fdt32_to_cpu(reg[0]) << 32) | fdt32_to_cpu(reg[1]);
	for (int i = 0; i < len / 8; i++)
		if (fdt32_to_cpu(ie[2 * i + 1]) == IRQ_S_EXT_CAUSE) {
			plic_ctx = i;
			break;
		}
}

/* The PLIC source of the disk's INTx pin through the bridge's
 * interrupt-map (PCI Bus Binding "Interrupt mapping": child unit address
 * and pin, masked with interrupt-map-mask, then the parent's phandle and
 * its interrupt cell; QEMU: 3 + 1 + 1 + 1 cells). */
static uint32_t find_intx(const void *fdt, uint8_t pin)
{
	int node =
		fdt_node_offset_by_compatible(fdt, -1, "pci-host-ecam-generic");
	const fdt32_t *map, *mask;
	uint32_t hi = (uint32_t)blk_devfn << 8;
	int len, mlen;

	if (node < 0 || !pin)
		return 0;
	map = fdt_getprop(fdt, node, "interrupt-map", &len);
	mask = fdt_getprop(fdt, node, "interrupt-map-mask", &mlen);
	if (!map || !mask || mlen != 16)
		return 0;
	for (int i = 0; i + 6 <= len / 4; i += 6)
		if (fdt32_to_cpu(map[i]) == (hi & fdt32_to_cpu(mask[0])) &&
		    fdt32_to_cpu(map[i + 3]) == (pin & fdt32_to_cpu(mask[3])))
			return fdt32_to_cpu(map[i + 5]);
	return 0;
}

static uint32_t plic_rd(uint64_t off)
{
	return (uint32_t)mmio_rd(plic + off, 4);
}

static void plic_wr(uint64_t off, uint32_t v)
{
	mmio_wr(plic + off, 4, v);
}

static bool plic_pending(uint32_t src)
{
	return plic_rd(PLIC_PENDING + 4 * (src / 32)) & (1u << (src % 32));
}

/* INTx through L0's vPLIC: with the disk's source enabled in its S
 * context (interrupts stay off: L1 polls), a completed request makes the
 * source pending; the claim returns it; reading the virtio ISR lowers the
 * line, and after the completion the source is no longer pending. */
static void intx(const void *fdt)
{
	uint8_t pin = (uint8_t)cfg8(blk_devfn, CFG_INT_PIN);
	uint64_t ctx, en;
	uint32_t claimed = 0, isr_val;
	unsigned long spins = 0;
	enum req_result r;
	bool seen = false;

	find_plic(fdt);
	intx_src = find_intx(fdt, pin);
	check(plic && plic_ctx >= 0 && intx_src && isr, "intx_route");
	if (!plic || plic_ctx < 0 || !intx_src || !isr)
		return;
	ctx = PLIC_CONTEXT + (uint64_t)plic_ctx * PLIC_CONTEXT_STRIDE;
	en = PLIC_ENABLE + (uint64_t)plic_ctx * PLIC_ENABLE_STRIDE +
	     4 * (intx_src / 32);
	(void)mmio_rd(isr, 1); /* a level left from earlier requests */
	plic_wr(PLIC_PRIORITY + 4 * intx_src, 1);
	plic_wr(ctx, 0);
	plic_wr(en, plic_rd(en) | (1u << (intx_src % 32)));
	memset(data, 0, sizeof(data));
	r = blk_request(BLK_T_IN, 0, (uint64_t)(uintptr_t)data);
	for (; spins < SPIN && !seen; spins++)
		seen = plic_pending(intx_src);
	if (seen)
		claimed = plic_rd(ctx + PLIC_CLAIM);
	isr_val = (uint32_t)mmio_rd(isr, 1);
	if (claimed)
		plic_wr(ctx + PLIC_CLAIM, claimed);
	printf("RVNEST pcidma step=intx pin=%u src=%u request=%s pending=%d "
	       "claimed=%u isr=0x%x pending_after=%d\n",
	       pin, intx_src, req_names[r], seen ? 1 : 0, claimed, isr_val,
	       plic_pending(intx_src) ? 1 : 0);
	check(r == REQ_DONE && seen && claimed == intx_src && (isr_val & 1) &&
		      !plic_pending(intx_src),
	      "intx_through_vplic");
	plic_wr(en, plic_rd(en) & ~(1u << (intx_src % 32)));
}

void image_main(unsigned long hartid, const void *fdt)
{
	const char *args;
	uint64_t stray_gpa, iommu, rounds, v = 0;
	bool platform;

	(void)hartid;
	console_init_sbi();
	csr_write(CSR_STVEC, (unsigned long)pd_fatal_vector);
	args = fdt_util_bootargs(fdt);
	stray_gpa = arg_hex(args, "stray");
	iommu = arg_hex(args, "iommu");
	platform = !fdt_util_args_have(args, "platform=0");
	rounds = arg_hex(args, "stray_rounds");
	if (!rounds)
		rounds = 1;
	printf("RVNEST boot component=pcidma stray=0x%llx iommu=0x%llx\n",
	       (unsigned long long)stray_gpa, (unsigned long long)iommu);
	if (!find_bridge(fdt)) {
		printf("RVNEST pcidma step=check_failed "
		       "what=no_pci_host_bridge\n");
		failures++;
		goto out;
	}
	enumerate((unsigned)arg_hex(args, "iommu_dev"));
	if (blk_devfn == 0xffff) {
		check(false, "no_virtio_blk");
		goto out;
	}
	/* BARs sized with decoding off (PCI Local Bus spec: a BAR being
	 * sized would otherwise decode at its size mask) */
	cfg_w16(blk_devfn, CFG_COMMAND,
		(uint16_t)(cfg16(blk_devfn, CFG_COMMAND) & ~CMD_MEM));
	bars();
	cfg_w16(blk_devfn, CFG_COMMAND,
		(uint16_t)(cfg16(blk_devfn, CFG_COMMAND) | CMD_MEM |
			   CMD_MASTER));
	caps();
	check(common && notify, "virtio_caps");
	if (!common || !notify)
		goto out;
	bar_move(!fdt_util_args_have(args, "bar_moves=0"));
	if (!virtio_init(platform)) {
		check(false, "virtio_init");
		goto out;
	}
	disk_io();
	intx(fdt);
	if (stray_gpa)
		stray(stray_gpa, platform, rounds);
	if (iommu) {
		unsigned long cause = pd_probe_load(iommu, &v);

		printf("RVNEST pcidma step=iommu_regs addr=0x%llx load=%s\n",
		       (unsigned long long)iommu,
		       cause ? trap_cause_name(cause) : "ok");
		check(cause == EXC_LOAD_ACCESS, "iommu_registers_reachable");
	}
out:
	printf("RVNEST done status=%u\n", failures ? 1u : 0u);
	console_flush();
	sbi_shutdown(failures ? 1 : 0);
}
