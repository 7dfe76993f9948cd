/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rvnest.passdev=1: L1 as a partitioning hypervisor. L2 (guests/passdev)
 * gets L1's UART page and the threshold/claim page of L1's own PLIC
 * context, mapped into its G-stage (rvnest/passdev.h), and drives both
 * itself: L1 never emulates an access to them.
 *
 * Without AIA a PLIC context signals L1's supervisor external interrupt,
 * never a VS one, so L1 forwards the line: on its SEI exit it sets
 * hvip.VSEIP and masks sie.SEIE (it does not claim: the claim is L2's);
 * at each later exit from L2 it looks at its line again and, once L2 has
 * claimed and completed (sip.SEIP low), clears VSEIP and unmasks.
 *
 * Two read-only aliases and a hole check that faults stay L1's: a store
 * to a read-only alias, or any access to the hole, is a guest-page fault
 * L1 reports (cause, htval, htinst, stval, GVA) and steps over.
 */
#include "l1.h"
#include "nacl.h"

#include <libfdt.h>
#include <rvnest/console.h>
#include <rvnest/csr.h>
#include <rvnest/fdt_util.h>
#include <rvnest/insn.h>
#include <rvnest/passdev.h>
#include <rvnest/trap_names.h>

#define PLIC_PRIORITY_STRIDE 4
#define PLIC_SOURCES_PER_WORD 32
#define PLIC_MAX_SOURCES 1024
#define INSN_HALF_BITS 16

static struct {
	uint64_t uart, plic; /* L1 physical bases */
	uint32_t source;     /* the UART's PLIC source */
	int context;	     /* L1's S-mode PLIC context for its hart */
	bool holding;	     /* VSEIP injected, sie.SEIE masked */
} pd;

/* The first address of `node`'s reg (the parent's #address-cells). */
static bool reg_base(const void *fdt, int node, uint64_t *base)
{
	int parent = fdt_parent_offset(fdt, node), len, ac;
	const fdt32_t *reg;

	if (parent < 0)
		return false;
	ac = fdt_address_cells(fdt, parent);
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || ac < 1 || ac > 2 || len < ac * 4)
		return false;
	*base = fdt32_to_cpu(reg[0]);
	if (ac == 2)
		*base = (*base << 32) | fdt32_to_cpu(reg[1]);
	return true;
}

static int first_compatible(const void *fdt, const char *const *compat)
{
	for (; *compat; compat++) {
		int node = fdt_node_offset_by_compatible(fdt, -1, *compat);

		if (node >= 0)
			return node;
	}
	return -1;
}

/* The UART, the PLIC, and which PLIC context is this hart's S-mode one:
 * interrupts-extended pairs (interrupt controller, cause), one per
 * context; ours names the hart's controller with IRQ_S_EXT. */
static const char *discover(const void *fdt)
{
	static const char *const uart_compat[] = {"ns16550a", NULL};
	static const char *const plic_compat[] = {"riscv,plic0",
						  "sifive,plic-1.0.0", NULL};
	int uart = first_compatible(fdt, uart_compat);
	int plic = first_compatible(fdt, plic_compat);
	int cpu = fdt_util_cpu_node(fdt, l1_plat.hartid), intc, len;
	const fdt32_t *irq, *ie;
	uint32_t phandle;

	if (uart < 0 || !reg_base(fdt, uart, &pd.uart))
		return "passdev_no_uart";
	irq = fdt_getprop(fdt, uart, "interrupts", &len);
	if (!irq || len < 4)
		return "passdev_uart_has_no_interrupt";
	pd.source = fdt32_to_cpu(irq[0]);
	/* PLIC sources are 1..1023 ("Interrupt Sources"; 0 is none) */
	if (!pd.source || pd.source >= PLIC_MAX_SOURCES)
		return "passdev_uart_plic_source_invalid";
	if (plic < 0 || !reg_base(fdt, plic, &pd.plic))
		return "passdev_no_plic";
	intc = cpu < 0 ? -1
		       : fdt_subnode_offset(fdt, cpu, "interrupt-controller");
	phandle = intc < 0 ? 0 : fdt_get_phandle(fdt, intc);
	ie = fdt_getprop(fdt, plic, "interrupts-extended", &len);
	if (!phandle || !ie || len % 8)
		return "passdev_plic_contexts_unknown";
	pd.context = -1;
	for (int i = 0; i < len / 8; i++)
		if (fdt32_to_cpu(ie[2 * i]) == phandle &&
		    fdt32_to_cpu(ie[2 * i + 1]) == IRQ_S_EXT) {
			pd.context = i;
			break;
		}
	if (pd.context < 0)
		return "passdev_no_s_context_for_hart";
	return NULL;
}

static volatile uint32_t *plic_reg(uint64_t off)
{
	return (volatile uint32_t *)(uintptr_t)(pd.plic + off);
}

const char *l1_passdev_init(const void *fdt)
{
	const char *err = discover(fdt);
	uint64_t uart_page, ctx_page;

	if (err)
		return err;
	uart_page = pd.uart & ~(PAGE_SIZE - 1);
	ctx_page = pd.plic + PASSDEV_PLIC_CTX_BASE +
		   (uint64_t)pd.context * PASSDEV_PLIC_CTX_STRIDE;
	if ((err = l1_gstage_map_device(PASSDEV_UART_GPA, uart_page,
					PTE_R | PTE_W)) ||
	    (err = l1_gstage_map_device(PASSDEV_UART_RO_GPA, uart_page,
					PTE_R)) ||
	    (err = l1_gstage_map_device(PASSDEV_UART_X_GPA, uart_page,
					PTE_R | PTE_W | PTE_X)) ||
	    (err = l1_gstage_map_device(PASSDEV_PLIC_CTX_GPA, ctx_page,
					PTE_R | PTE_W)) ||
	    (err = l1_gstage_map_device(PASSDEV_PLIC_CTX_RO_GPA, ctx_page,
					PTE_R)))
		return err;
	/* What stays L1's (PLIC "Memory Map"): the source's priority (any
	 * nonzero priority can interrupt) and its enable bit in L2's
	 * context; the threshold and claim/complete are L2's page. */
	*plic_reg(pd.source * PLIC_PRIORITY_STRIDE) = 1;
	*plic_reg(PASSDEV_PLIC_ENABLE_BASE +
		  (uint64_t)pd.context * PASSDEV_PLIC_ENABLE_STRIDE +
		  pd.source / PLIC_SOURCES_PER_WORD * 4) |=
		1u << (pd.source % PLIC_SOURCES_PER_WORD);
	/* L1's external interrupt, taken only while L2 runs (L1 keeps
	 * sstatus.SIE = 0; "Interrupts ... when V=1") */
	csr_set(CSR_SIE, MIP_SEIP);
	printf("l1: passdev: UART 0x%llx (PLIC source %u) at L2 GPA 0x%lx, "
	       "PLIC context %d page 0x%llx at L2 GPA 0x%lx\n",
	       (unsigned long long)uart_page, pd.source, PASSDEV_UART_GPA,
	       pd.context, (unsigned long long)ctx_page, PASSDEV_PLIC_CTX_GPA);
	return NULL;
}

enum l1_exit l1_passdev_ext_irq(struct l1_vcpu *v)
{
	(void)v;
	if (!l1_plat.passdev)
		return L1_EXIT_UNEXPECTED;
	/* L2's context fired: pass it on as L2's external interrupt
	 * ("Hypervisor Interrupt Registers": hvip.VSEIP), and mask ours
	 * until L2 has completed it */
	L1_HCSR_SET(CSR_HVIP, MIP_VSEIP);
	csr_clear(CSR_SIE, MIP_SEIP);
	pd.holding = true;
	return L1_EXIT_RESUME;
}

void l1_passdev_sync(void)
{
	/* sip.SEIP is the PLIC context's line: still high means L2 has not
	 * claimed (or another source is pending for it) */
	if (!pd.holding || (csr_read(CSR_SIP) & MIP_SEIP))
		return;
	L1_HCSR_CLEAR(CSR_HVIP, MIP_VSEIP);
	csr_set(CSR_SIE, MIP_SEIP);
	pd.holding = false;
}

enum l1_exit l1_passdev_fetch_fault(struct l1_vcpu *v)
{
	/* L2 called into the executable UART alias: L1's G-stage allows the
	 * fetch, the device does not (PMA: not executable), so this is the
	 * instruction access fault, taken by L1 (not delegated). stval is
	 * the pc; return L2 to its caller (ra). */
	if (!l1_plat.passdev ||
	    (v->trap.stval & ~(PAGE_SIZE - 1)) != PASSDEV_UART_X_GPA ||
	    v->sepc != v->trap.stval)
		return L1_EXIT_UNEXPECTED;
	/* htinst is not printed: for a fetch fault the spec's value is 0
	 * ("Hypervisor Trap Instruction Register", the table of values per
	 * exception), which L0 gives, while QEMU 10's H leaves the
	 * transformed instruction of the last load/store trap there */
	printf("l1: passdev: %s at L2 pc 0x%lx (executable UART alias): "
	       "htval=0x%lx gva=%d, returned to 0x%lx\n",
	       trap_cause_name(v->trap.scause), v->trap.stval, v->trap.htval,
	       (v->trap.hstatus & HSTATUS_GVA) ? 1 : 0, v->gpr[L1_REG_RA]);
	v->sepc = v->gpr[L1_REG_RA];
	return L1_EXIT_RESUME;
}

enum l1_exit l1_passdev_fault(struct l1_vcpu *v, uint64_t gpa)
{
	unsigned long cause = v->trap.scause;
	uint64_t page = gpa & ~(PAGE_SIZE - 1);
	bool store = cause == EXC_STORE_GUEST_PAGE_FAULT;
	const char *what;
	uint32_t insn;

	if (page == PASSDEV_HOLE_GPA && cause != EXC_INST_GUEST_PAGE_FAULT)
		what = "hole";
	else if (page == PASSDEV_UART_RO_GPA && store)
		what = "read-only UART page";
	else if (page == PASSDEV_PLIC_CTX_RO_GPA && store)
		what = "read-only PLIC context page";
	else
		return l1_fail(v, "passdev_unexpected_guest_page_fault");
	/* the instruction's length, from L2's memory (HLVX: htinst may be
	 * 0) */
	insn = (uint32_t)hlvx_hu(v->sepc);
	if (insn_length((uint16_t)insn) == 4)
		insn |= (uint32_t)hlvx_hu(v->sepc + 2) << INSN_HALF_BITS;
	printf("l1: passdev: %s at L2 GPA 0x%llx (%s): htval=0x%lx "
	       "htinst=0x%lx stval=0x%lx gva=%d, stepped over\n",
	       trap_cause_name(cause), (unsigned long long)gpa, what,
	       v->trap.htval, v->trap.htinst, v->trap.stval,
	       (v->trap.hstatus & HSTATUS_GVA) ? 1 : 0);
	v->sepc += insn_length((uint16_t)insn);
	return L1_EXIT_RESUME;
}
