"""KVM's in-kernel AIA for its L2 (issue 14; kvm-vmm/aia.c). kvm-vmm
creates KVM_DEV_TYPE_RISCV_AIA (rvnest.vmm.aia=on: HWACCEL), so each L2
vCPU's IMSIC is a guest interrupt file of its hart: on QEMU's own H and
AIA (kvm-qemu-aia) a hardware one; on L0 with nested AIA (kvm-l0-aia-l1:
l1.h=1 l1.aia=1) one of L1's guest files, which L0 backs with a hardware
guest file of the host hart and maps through the shadow G-stage
(l0-hyp/README.md, "AIA for L1"). The micro-guests run in their AIA mode
(guests/micro/README.md: IPIs as MSIs into their file, the test device an
MSI device), then a Linux L2 boots on the IMSIC and the MSI-mode APLIC.

Counts from icount runs. Baselines: kvm-qemu (no AIA: KVM_INTERRUPT and
SBI IPIs) and kvm-l0-aia (the AIA host, L1 on L0's vPLIC, KVM without
AIA)."""

import re

from harness import protocol, testing

VMM_BOOT = re.compile(r"^RVNEST boot component=kvm-vmm .* aia=(\w+)$")
MICRO_MSI = "l2-micro: interrupts as MSIs into the IMSIC file at 0x28000000"
L2_IMSIC = ("riscv-imsic: imsics@28000000: per-CPU IDs 255 at base address "
            "0x0000000028000000")
L2_APLIC = ("riscv-aplic d000000.aplic: 32 interrupts forwarded to MSI base "
            "0x0000000028000000")
MARKER = "RVNEST l2-linux marker=reached"


def run(name, **kw):
    cfg = testing.load_or_skip(name, **kw)
    key = (name, "kvm-aia", tuple(sorted(kw.items())))
    return testing.run_ok(cfg, icount=True, cache_key=key)


def vmm_aia_modes(res):
    """aia= of every kvm-vmm boot line (one per VMM run)."""
    return [m.group(1) for m in (VMM_BOOT.match(ln.strip())
                                 for ln in res.console.splitlines()) if m]


def kvm_exits(b):
    """KVM's own exits in a benchmark window (its kvm_stats exits counter:
    every trap of L2 into KVM, the ones KVM handles in the kernel too)."""
    return protocol.parse_counts(b["kvm_stats"])["exits"]


def test_qemu_aia_l2_interrupts_through_its_guest_file():
    """On QEMU's H and AIA: KVM's AIA in HWACCEL mode for both VMM runs.
    An IPI the micro-guest sends itself is an MSI store into its own file:
    no exit at all, where without AIA each is an SBI call KVM handles and
    a software interrupt it injects. The device's interrupt is one MSI
    per raise (one MMIO exit, no acknowledgement store). The Linux L2
    probes the IMSIC and the APLIC in MSI mode and reaches its marker."""
    aia, plain = run("kvm-qemu-aia"), run("kvm-qemu")
    assert vmm_aia_modes(aia) == ["hwaccel", "hwaccel"]
    assert vmm_aia_modes(plain) == ["off"]
    assert MICRO_MSI in aia.console and MICRO_MSI not in plain.console
    a, p = aia.protocol.benches, plain.protocol.benches
    assert sorted(a) == sorted(p) and len(a) == 7
    # the ipi window's KVM exits are the compute window's: the window's
    # own fixed cost, none per IPI
    assert a["ipi"]["exits_total"] == 0
    assert kvm_exits(a["ipi"]) == kvm_exits(a["compute"])
    assert kvm_exits(p["ipi"]) >= kvm_exits(p["compute"]) + p["ipi"]["iters"]
    # virq: the raise's MMIO store only; without AIA also the ack's
    assert a["virq"]["exits"] == {"mmio_store": a["virq"]["iters"]}
    assert p["virq"]["exits"] == {"mmio_store": 2 * p["virq"]["iters"]}
    for name in ("hypercall", "mmio", "gstage_fault", "timer", "compute"):
        assert a[name]["exits"] == p[name]["exits"], name
    assert L2_IMSIC in aia.console and L2_APLIC in aia.console
    assert "riscv-plic" not in aia.console
    assert MARKER in aia.console
    assert aia.protocol.done["status"] == 0


def test_nested_aia_msi_into_a_running_l2_costs_no_trap():
    """On L0 with nested AIA (kvm-l0-aia-l1): the micro-guest's 1000 IPIs
    to itself are MSIs into its file, a hardware guest file of the hart
    reached through the shadow G-stage: the ipi window costs L0 what the
    compute window (no exit at all) costs, plus the one shadow fill of
    the file's page, i.e. 0 traps into L0 and 0 exits to L1 per MSI. On
    the vPLIC twin (kvm-l0-aia, KVM without AIA) every IPI is two traps
    into L0 at least. The device's interrupt (virq) saves the acknowledge
    store's exit: two traps fewer per operation."""
    aia, plic = run("kvm-l0-aia-l1"), run("kvm-l0-aia")
    assert vmm_aia_modes(aia) == ["hwaccel", "hwaccel"]
    assert vmm_aia_modes(plic) == ["off", "off"]
    assert "kvm [1]: AIA available with 2 guest external interrupts" in aia.console
    assert MICRO_MSI in aia.console
    la, lp = aia.protocol.l0benches, plic.protocol.l0benches
    ipi, compute = la["ipi"], la["compute"]
    assert aia.protocol.benches["ipi"]["exits_total"] == 0
    assert kvm_exits(aia.protocol.benches["ipi"]) == \
        kvm_exits(aia.protocol.benches["compute"])
    # the window's fixed cost (ecall_vs, virtual_inst of its brackets) is
    # the compute window's; a timer tick of L1 may add an exit or two
    # (l0_exact = false), never one per IPI
    fill = ipi["causes"].get("store_guest_page_fault", 0)
    assert fill <= 1, ipi.line
    assert ipi["traps"] - fill <= compute["traps"] + 4, (ipi.line, compute.line)
    assert ipi["l2_exits"] <= compute["l2_exits"] + 2, (ipi.line, compute.line)
    assert ipi["traps"] < ipi["iters"] // 50
    assert lp["ipi"]["traps"] >= 2 * lp["ipi"]["iters"], lp["ipi"].line
    # virq: one MMIO exit per operation instead of two
    assert la["virq"]["traps"] + la["virq"]["iters"] < lp["virq"]["traps"], \
        (la["virq"].line, lp["virq"].line)
    c = dict(aia.protocol.l0stats["causes"])
    assert "illegal_inst" not in c
    assert aia.protocol.done["status"] == 0


def test_same_results_on_qemu_aia_and_on_l0():
    """The same L1, VMM and L2s on QEMU's own AIA and on L0's nested AIA:
    the same user-space exits in every window, the same IMSIC and APLIC
    for the Linux L2, the same ISA."""
    q, n = run("kvm-qemu-aia"), run("kvm-l0-aia-l1")
    a, b = q.protocol.benches, n.protocol.benches
    assert sorted(a) == sorted(b) and len(a) == 7
    for name in a:
        for k in ("iters", "exits", "exits_total"):
            assert a[name][k] == b[name][k], (name, k)
    for res in (q, n):
        assert L2_IMSIC in res.console and L2_APLIC in res.console
        assert MARKER in res.console

    def isa(res):
        return [p["isa"] for p in res.protocol.probes
                if p.get("id") == "l2-cpuinfo"]

    assert isa(q) == isa(n) and len(isa(q)) == 1
    assert "_ssaia" in isa(q)[0]


def test_kvm_l0_aia_runs_a_linux_l2_without_kvm_aia():
    """kvm-l0-aia (L1 on the vPLIC, no Ssaia): rvnest.vmm.aia=auto finds no
    AIA in KVM, so the L2s get no irqchip, and the Linux L2 still boots to
    its marker (issue 14's Done-when for kvm-l0-aia)."""
    res = run("kvm-l0-aia")
    assert vmm_aia_modes(res) == ["off", "off"]
    assert "vmm: KVM offers no AIA irqchip" in res.console
    assert MARKER in res.console
    assert "riscv-imsic: imsics" not in res.console
    assert res.protocol.done["status"] == 0


def test_aia_on_without_kvm_aia_is_an_error():
    """rvnest.vmm.aia=on where KVM has no AIA (QEMU virt without it): the
    VMM stops with one error line naming it (status 2), not a guest
    without interrupts."""
    cfg = testing.load_or_skip(
        "kvm-qemu",
        bootargs="console=ttyS0 earlycon panic=-1 rvnest.vmm.aia=on")
    res = testing.run(cfg, icount=True, cache_key=("kvm-qemu", "aia=on"))
    assert ("RVNEST error msg=kvm_aia_unavailable component=kvm-vmm "
            "what=KVM_CREATE_DEVICE_RISCV_AIA errno=") in res.console
    assert res.protocol.done["status"] == 2


def test_qemu_aia_two_vcpu_l2s():
    """Two CPUs in L1 and two vCPUs in each L2 (kvm-qemu-smp2-aia): KVM
    gives each vCPU a guest file of the CPU it runs on; the micro-guest's
    ten benchmarks run (vCPU 0 in AIA mode), and the 2-vCPU Linux L2
    sends its IPIs through its IMSIC (hart index bits 1, one file per
    vCPU) and reaches its marker. On L0 this stack is kvm-l0-smp2-aia-l1
    (test_nested_aia_two_harts_two_vcpu_l2s)."""
    res = run("kvm-qemu-smp2-aia")
    assert vmm_aia_modes(res) == ["hwaccel", "hwaccel"]
    b = res.protocol.benches
    assert len(b) == 10 and {"ipi_remote", "rfence_remote", "ipi_idle"} <= set(b)
    assert b["ipi"]["exits_total"] == 0
    assert kvm_exits(b["ipi"]) <= kvm_exits(b["compute"]) + 2
    con = res.console
    assert ("riscv-imsic: imsics@28000000: providing IPIs using interrupt 1"
            in con)
    assert ("riscv-imsic: imsics@28000000:  hart-index-bits: 1,  "
            "guest-index-bits: 0") in con
    assert MARKER in con
    assert res.protocol.done["status"] == 0


def test_nested_aia_two_harts_two_vcpu_l2s():
    """The same stack on L0 with nested AIA and two harts
    (kvm-l0-smp2-aia-l1): each L2 vCPU's IMSIC is one of L1's guest files
    on the CPU it runs on, backed by a hardware guest file of that hart.
    The micro-guest's ten benchmarks run (its 1000 MSIs to itself cost no
    trap each: at most the compute window's, its file page's one shadow
    fill, and one SGEI round of KVM's hgeie, left set for the running
    vCPU's file, with L1's three hgeie/hgeip accesses and one more exit),
    then the 2-vCPU Linux L2 reaches its marker. This stopped with
    L1_spins_with_interrupts_off in about one run in three before L0 gave
    L1's stopi the SGEI it holds (l0-hyp/README.md, "AIA for L1";
    aianest.sgei_stopi is the deterministic probe)."""
    res = run("kvm-l0-smp2-aia-l1")
    assert vmm_aia_modes(res) == ["hwaccel", "hwaccel"]
    con = res.console
    assert "kvm [1]: AIA available with 2 guest external interrupts" in con
    assert ("riscv-imsic: imsics@28000000:  hart-index-bits: 1,  "
            "guest-index-bits: 0") in con
    assert MARKER in con
    b = res.protocol.benches
    assert len(b) == 10 and {"ipi_remote", "rfence_remote", "ipi_idle"} <= set(b)
    assert b["ipi"]["exits_total"] == 0
    lb = res.protocol.l0benches
    ipi, compute = lb["ipi"], lb["compute"]
    fill = ipi["causes"].get("store_guest_page_fault", 0)
    sgei = ipi["causes"].get("irq_s_gext", 0)
    assert fill <= 1 and sgei <= 2, ipi.line
    # measured: 12 traps (no SGEI) or 18 (sgei 2), compute 11
    assert ipi["traps"] - fill - 3 * sgei <= compute["traps"] + 4, \
        (ipi.line, compute.line)
    assert ipi["traps"] < ipi["iters"] // 50, ipi.line
    c = dict(res.protocol.l0stats["causes"])
    assert "illegal_inst" not in c
    assert res.protocol.done["status"] == 0


def test_bad_aia_choice_is_a_usage_error():
    """--aia and rvnest.vmm.aia= take auto, on or off: anything else is
    one usage error line (status 3)."""
    for args, what in (
            ("rvnest.vmm=--aia;maybe;/guests/micro.bin",
             "--aia_takes_auto_on_or_off"),
            ("rvnest.vmm.aia=maybe", "rvnest.vmm.aia_takes_auto_on_or_off")):
        cfg = testing.load_or_skip(
            "kvm-qemu", bootargs=f"console=ttyS0 earlycon panic=-1 {args}")
        res = testing.run(cfg, icount=True)
        assert (f"RVNEST error msg=bad_vmm_usage component=kvm-vmm "
                f"what={what}") in res.console, res.log_path
        assert res.protocol.done["status"] == 3
