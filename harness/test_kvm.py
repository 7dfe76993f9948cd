"""Linux KVM as L1 with kvm-vmm starting L2 guests (issue 6).

kvm-qemu: OpenSBI -> Linux/KVM on QEMU's H extension -> kvm-vmm -> the
micro-guests. They must finish with the results l1-guest-hyp gets (every
benchmark, the same iteration counts), and the user-space exits kvm-vmm
counts must equal the operations that KVM forwards (EXPECTED_USER_EXITS).
kvm-qemu-linux: the same L1 boots a Linux L2 to its marker.
kvm-l0, kvm-l0-linux: the same on L0; skipped until L0 emulates the H
extension (its boot line says nested=1).

When something goes wrong the failure names the exit: kvm-vmm prints the KVM
exit reason, the SBI EID/FID, or the MMIO address, width and direction in
its RVNEST error line, which the harness quotes."""

import re

import pytest

from benchmarks import results
from harness import protocol, testing
from harness.runner import Outcome
# One capability check and one skip reason for every nested test.
from harness.testing import CAPABILITY_TIMEOUT, NOT_NESTED, l0_emulates_h

MICRO = "kvm-qemu"
LINUX = "kvm-qemu-linux"
MICRO_L0 = "kvm-l0"
LINUX_L0 = "kvm-l0-linux"
SINGLE = "single"  # l1-guest-hyp hosting the same micro-guest binary
LINUX_MARKER = "RVNEST l2-linux marker=reached"
# DESIGN.md section 6: an L2 exit that L1 handles costs at least the exit
# into L0 and L1's return.
L0_TRAPS_PER_L2_EXIT_FLOOR = 2

# User-space exits kvm-vmm sees per iteration (kvm-vmm/README.md). KVM
# handles in the kernel what it does not forward: SBI IPI and TIME, G-stage
# faults on RAM, WFI, and the guest's cycle/instret reads, so those
# benchmarks have no user-space exits.
EXPECTED_USER_EXITS = {
    # rvnest NOP: experimental range, forwarded (KVM_EXIT_RISCV_SBI)
    "hypercall": {"sbi": 1},
    # the SCRATCH load and the store of +1, each a KVM_EXIT_MMIO
    "mmio": {"mmio_load": 1, "mmio_store": 1},
    "ipi": {},
    # the IRQ_RAISE store and the IRQ_ACK store in L2's handler; the
    # interrupt itself goes in through KVM_INTERRUPT, not an exit
    "virq": {"mmio_store": 2},
    "gstage_fault": {},
    "timer": {},
    "compute": {},
}
BENCHMARKS = sorted(EXPECTED_USER_EXITS)

# KVM's own counters per iteration, at least (they also count exits the
# loop did not cause, e.g. L1's timer interrupts while L2 runs).
# ecall_exit_stat counts the SBI calls KVM forwarded to user space
# (kvm_riscv_vcpu_sbi_forward), mmio_exit_user the MMIO exits, exits every
# guest exit into L1's KVM.
KVM_STATS_AT_LEAST = {
    "hypercall": {"ecall_exit_stat": 1, "exits": 1},
    "mmio": {"mmio_exit_user": 2, "exits": 2},
    "ipi": {"exits": 1},  # the SBI IPI ecall, handled in KVM
    "virq": {"mmio_exit_user": 2, "exits": 2},
    # one G-stage fault per fresh 4 KiB page: the L1 kernel has no THP
    # (tinyconfig), so KVM maps each page separately
    "gstage_fault": {"exits": 1},
    "timer": {"wfi_exit_stat": 1, "exits": 1},
}


# Benchmarks whose operation makes L2 exit to L1's KVM: each costs more
# instructions under KVM than under l1-guest-hyp, and more again on L0.
# Not `compute` (no exit) and, for the comparison with L0, not `timer`:
# with Linux 6.12 on QEMU's H extension, L1 does not halt while the vCPU
# waits for its timer (kvm-vmm/README.md), so kvm-qemu counts that wait.
EXITING = ("hypercall", "mmio", "ipi", "virq", "gstage_fault", "timer")


def micro_run(name=MICRO, n=1):
    cfg = testing.load_or_skip(name)
    return testing.run_ok(cfg, icount=True, cache_key=(name, "kvm-icount", n))


def kvm_stats(b):
    """The kvm_stats= list of a bench line as a dict."""
    v = b.get("kvm_stats")
    assert v is not None and v != "unavailable", f"no KVM statistics: {b.line}"
    return protocol.parse_counts(v)


def probe(res, name):
    found = [r for r in res.protocol.probes if r.get("id") == name]
    assert len(found) == 1, f"expected one 'RVNEST probe id={name}' line, got {len(found)}"
    return found[0]


# Extensions a Linux kernel lists in /proc/cpuinfo as implied by another
# one it was given (7.x: A is the superset of Zaamo and Zalrsc,
# arch/riscv/kernel/cpufeature.c riscv_a_exts); the VMM's device tree names
# only what KVM's ISA registers say, which with the 6.12 uapi headers it is
# built against does not include them.
IMPLIED_EXTS = {"a": {"zaamo", "zalrsc"}}


def isa_set(isa):
    """rv64imac_zicsr_sstc -> {'i', 'm', 'a', 'c', 'zicsr', 'sstc'}, with
    the extensions that those imply (IMPLIED_EXTS)."""
    assert isa.startswith("rv64"), isa
    base, *multi = isa[len("rv64"):].split("_")
    exts = set(base) | set(multi)
    for ext, implied in IMPLIED_EXTS.items():
        if ext in exts:
            exts |= implied
    return exts


def test_micro_every_benchmark_completed():
    res = micro_run()
    p = res.protocol
    comps = [b["component"] for b in p.boots]
    assert comps == ["kvm-init", "kvm-vmm", "l2-micro"], comps
    assert sorted(p.benches) == BENCHMARKS
    assert p.done["status"] == 0
    assert "vmm: guest shut down (reason none)" in res.console
    for b in p.benches.values():
        assert b["iters"] > 0 and b["time"] > 0, b.line


def test_micro_same_iterations_as_l1_guest_hyp():
    """The same micro.bin under l1-guest-hyp (single) and under KVM."""
    kvm = micro_run().protocol.benches
    cfg = testing.load_or_skip(SINGLE)
    # the cache key test_l1_benchmarks uses, so the run is shared
    single = testing.run_ok(cfg, icount=True, cache_key=(SINGLE, "l1-icount", 1))
    ref = single.protocol.benches
    assert sorted(kvm) == sorted(ref)
    for name, b in kvm.items():
        assert b["iters"] == ref[name]["iters"], (b.line, ref[name].line)


def test_micro_user_exits_equal_operations():
    wrong = testing.exit_count_mismatches(micro_run().protocol.benches,
                                          EXPECTED_USER_EXITS)
    assert not wrong, "\n".join(wrong)


def test_micro_kvm_counters_cover_operations():
    benches = micro_run().protocol.benches
    wrong = []
    for name, per_iter in KVM_STATS_AT_LEAST.items():
        b = benches[name]
        got = kvm_stats(b)
        for stat, n in per_iter.items():
            if got.get(stat, 0) < n * b["iters"]:
                wrong.append(f"{name}: KVM {stat}={got.get(stat, 0)}, expected at least "
                             f"{n * b['iters']} ({b.line})")
        # every user-space exit is also a guest exit into KVM
        if got.get("exits", 0) < b["exits_total"]:
            wrong.append(f"{name}: KVM exits={got.get('exits', 0)} < user-space "
                         f"exits {b['exits_total']} ({b.line})")
    # forwarded SBI calls are exactly the hypercalls: nothing else in the
    # window reaches user space as SBI
    h = benches["hypercall"]
    if kvm_stats(h).get("ecall_exit_stat") != h["iters"]:
        wrong.append(f"hypercall: ecall_exit_stat != iters ({h.line})")
    assert not wrong, "\n".join(wrong)


def test_micro_without_sstc_same_user_exits():
    """Without Sstc KVM emulates the guest timer with a host timer instead
    of vstimecmp; the VMM's device tree must then not offer sstc, and the
    exits the VMM sees do not change (SBI TIME is handled in KVM)."""
    cfg = testing.load_or_skip(MICRO).with_overrides(cpu="rv64,h=true,sstc=false")
    res = testing.run_ok(cfg, icount=True, cache_key=(MICRO, "no-sstc"))
    vmm = [b for b in res.protocol.boots if b["component"] == "kvm-vmm"][0]
    assert "sstc" not in isa_set(vmm["isa"]), vmm.line
    ref = micro_run().protocol.benches
    got = res.protocol.benches
    assert sorted(got) == BENCHMARKS
    for name, b in got.items():
        for k in ("iters", "exits", "exits_total"):
            assert b[k] == ref[name][k], f"{name} {k}: {b[k]} without Sstc, {ref[name][k]} with"


def test_micro_legacy_console_same_results():
    """--no-dbcn leaves DBCN off in KVM: the guest's probe fails and it
    prints through the legacy putchar, one forwarded SBI call per byte,
    all outside the benchmark windows."""
    cfg = testing.load_or_skip(
        MICRO, bootargs="console=ttyS0 earlycon panic=-1 rvnest.vmm=--no-dbcn;/guests/micro.bin")
    res = testing.run_ok(cfg, icount=True, cache_key=(MICRO, "no-dbcn"))
    p = res.protocol
    assert [b["component"] for b in p.boots] == ["kvm-init", "kvm-vmm", "l2-micro"]
    assert p.boots[1]["dbcn"] == "0", p.boots[1].line
    assert micro_run().protocol.boots[1]["dbcn"] == "1"
    ref = micro_run().protocol.benches
    for name, b in p.benches.items():
        for k in ("iters", "exits", "exits_total"):
            assert b[k] == ref[name][k], f"{name} {k}: {b[k]} without DBCN, {ref[name][k]} with"
    assert sorted(p.benches) == BENCHMARKS


def test_micro_two_icount_runs_identical():
    """What the benchmark runner requires of a matrix configuration."""
    a = micro_run(n=1).protocol.benches
    b = micro_run(n=2).protocol.benches
    for name, ra in a.items():
        rb = b[name]
        for k in ("iters", "instret", "cycle", "exits", "exits_total"):
            assert ra[k] == rb[k], f"{name} {k}: {ra[k]} vs {rb[k]}"


def vmm_instret_per_op(b):
    """Instructions per operation at every level, as kvm-vmm counts them:
    (benchmark window - empty window) / iterations (kvm-vmm/README.md)."""
    assert "vmm_instret" in b.fields and "vmm_instret_empty" in b.fields, \
        f"kvm-vmm counted no instructions: {b.line}"
    assert b["vmm_instret"] > b["vmm_instret_empty"] > 0, b.line
    return (b["vmm_instret"] - b["vmm_instret_empty"]) / b["iters"]


def instret_check_runs(a, b):
    """Two icount runs: the same benchmarks, each counted, and the same
    instructions per operation to results.INSTRET_REL_TOLERANCE (L1's
    ticks inside the windows may land a few instructions apart)."""
    assert sorted(a) == sorted(b) == BENCHMARKS
    per_op = {}
    for name in BENCHMARKS:
        x, y = vmm_instret_per_op(a[name]), vmm_instret_per_op(b[name])
        assert results.instret_agree([x, y]), (a[name].line, b[name].line)
        per_op[name] = x
    return per_op


def test_micro_vmm_counts_instructions():
    """Under KVM the guest's own instret reads give 0, so kvm-vmm counts
    instret around KVM_RUN; the empty window it subtracts leaves exactly
    the loop: `compute` (no exit at all) costs what it costs under
    l1-guest-hyp, to a few instructions per window, and every operation
    that exits to KVM costs more than under l1-guest-hyp."""
    p = micro_run().protocol
    assert p.boots[1]["counts_instret"] in ("csr", "perf"), p.boots[1].line
    per_op = instret_check_runs(p.benches, micro_run(n=2).protocol.benches)
    for name, b in p.benches.items():
        assert b["instret"] == 0, f"the guest read instret under KVM: {b.line}"
    cfg = testing.load_or_skip(SINGLE)
    single = testing.run_ok(cfg, icount=True, cache_key=(SINGLE, "l1-icount", 1)).protocol.benches
    c = single["compute"]
    assert abs(per_op["compute"] - c["instret"] / c["iters"]) * c["iters"] < 16, \
        (p.benches["compute"].line, c.line)
    for name in EXITING:
        s = single[name]["instret"] / single[name]["iters"]
        assert per_op[name] > s, f"{name}: {per_op[name]:.1f} under KVM, {s:.1f} single"
    print(f"{MICRO}: instructions per operation " +
          ", ".join(f"{n} {v:,.1f}" for n, v in per_op.items()))


def test_micro_perf_count_agrees_with_csr():
    """The VMM's other way to read instret, a CPU-wide perf event (what it
    falls back to when L1 does not let user space read the counter, as
    Linux 7.x does): forced with --instret perf, it gives the same
    instructions per operation as rdinstret to the configuration's
    tolerance, since a read's own cost is in both windows and cancels.
    Whichever way the default run used, this run uses perf."""
    cfg = testing.load_or_skip(
        MICRO, bootargs="console=ttyS0 earlycon panic=-1 "
                        "rvnest.vmm=--instret;perf;/guests/micro.bin")
    res = testing.run_ok(cfg, icount=True, cache_key=(MICRO, "perf"))
    assert res.protocol.boots[1]["counts_instret"] == "perf", res.protocol.boots[1].line
    ref = micro_run().protocol.benches
    for name, b in res.protocol.benches.items():
        x, y = vmm_instret_per_op(b), vmm_instret_per_op(ref[name])
        assert results.instret_agree([x, y]), (b.line, ref[name].line)


def test_micro_without_host_count_guest_skips_empty_window():
    """The empty window is the host's request: l1-guest-hyp answers
    BENCH_HOST_INSTRET with NOT_SUPPORTED, so its L2 brackets one window
    per benchmark, counts instret itself, and no VMM keys appear."""
    cfg = testing.load_or_skip(SINGLE)
    single = testing.run_ok(cfg, icount=True, cache_key=(SINGLE, "l1-icount", 1)).protocol.benches
    for name, b in single.items():
        assert b["instret"] > 0 and "vmm_instret" not in b.fields, b.line


def test_linux_l2_boots_to_marker():
    cfg = testing.load_or_skip(LINUX)
    res = testing.run_ok(cfg, cache_key=(LINUX,))
    p = res.protocol
    comps = [b["component"] for b in p.boots]
    assert comps == ["kvm-init", "kvm-vmm", "l2-linux-init"], comps
    vmm = p.boots[1]
    assert vmm["image"] == "linux", vmm.line
    assert LINUX_MARKER in res.console.splitlines()
    assert p.done["status"] == 0
    assert float(probe(res, "l2-uptime")["seconds"]) > 0
    # the L2 kernel took its ISA from kvm-vmm's device tree: exactly the
    # extensions the VMM described (from KVM's ISA registers), and no H
    l2_isa = isa_set(probe(res, "l2-cpuinfo")["isa"])
    assert l2_isa == isa_set(vmm["isa"]), (vmm.line, probe(res, "l2-cpuinfo").line)
    assert "h" not in l2_isa
    print(f"{LINUX}: OpenSBI -> Linux/KVM -> Linux L2 marker -> power-off in "
          f"{res.duration:.1f}s wall time (log {res.log_path})")


# An L2 Linux whose early console is a UART where the L2 platform has none
# (0x10000000) or the test device, which allows only 4- and 8-byte access:
# its first 1-byte access must stop the run with the exit named.
@pytest.mark.parametrize("uart,msg", [
    ("0x10000000", "mmio_outside_any_device"),
    ("0x10080000", "testdev_bad_access_width"),
])
def test_bad_mmio_names_the_exit(uart, msg):
    vmm_args = ("--mem;128M;--bootargs;"
                f"earlycon=uart8250,mmio,{uart} console=hvc0;/guests/Image")
    cfg = testing.load_or_skip(
        MICRO, bootargs=f'console=ttyS0 earlycon panic=-1 rvnest.vmm="{vmm_args}"')
    res = testing.run(cfg)
    assert res.outcome is Outcome.GUEST_ERROR, res.error
    base = int(uart, 16)
    m = re.search(rf"RVNEST error msg={msg} component=kvm-vmm gpa=(0x[0-9a-f]+) "
                  r"width=1 dir=(load|store) pc=0x[0-9a-f]+", res.error)
    assert m, res.error
    assert base <= int(m.group(1), 16) < base + 8, res.error
    assert res.protocol.done["status"] == 2  # VMM_STATUS_ERROR


def test_guest_failure_path():
    """--fault no-irq: the VMM never gives the device's interrupt to KVM.
    The micro-guest's own check must catch it, shut down with SYSFAIL, and
    the VMM must end with status 1 (VMM_STATUS_GUEST_FAILED)."""
    cfg = testing.load_or_skip(
        MICRO, bootargs="console=ttyS0 earlycon panic=-1 "
                        "rvnest.vmm=--fault;no-irq;/guests/micro.bin")
    res = testing.run(cfg)
    assert res.outcome is Outcome.GUEST_ERROR, res.error
    assert ("RVNEST error msg=virq_count_mismatch component=l2-micro got=0 "
            "expected=500") in res.error
    assert "vmm: guest shut down (reason sysfail)" in res.console
    assert res.protocol.boots[1]["fault"] == "no-irq"
    assert res.protocol.done["status"] == 1


# Bad input to the VMM: one error line naming it, and the VMM's status.
@pytest.mark.parametrize("vmm_args,line,status", [
    ("--mem;3M;/guests/micro.bin",
     "msg=bad_vmm_usage component=kvm-vmm what=--mem_needs_a_multiple_of_4M", 3),
    ("/guests/none.bin",
     "msg=cannot_open_file component=kvm-vmm what=image path=/guests/none.bin errno=ENOENT", 2),
    ("--mem;4M;/guests/Image",
     "msg=image_does_not_fit_guest_ram component=kvm-vmm image=/guests/Image kind=linux", 2),
    ("--initrd;/guests/l2-initramfs.cpio.gz;/guests/micro.bin",
     "msg=initrd_needs_a_linux_image component=kvm-vmm", 2),
    ("--vcpus;5;/guests/micro.bin",
     "msg=bad_vmm_usage component=kvm-vmm what=--vcpus_takes_1_to_4", 3),
])
def test_vmm_refuses_bad_input(vmm_args, line, status):
    cfg = testing.load_or_skip(
        MICRO, bootargs=f"console=ttyS0 earlycon panic=-1 rvnest.vmm={vmm_args}")
    res = testing.run(cfg)
    assert res.outcome is Outcome.GUEST_ERROR, res.error
    assert f"RVNEST error {line}" in res.error, res.error
    assert res.protocol.done["status"] == status


def test_unknown_l2_is_one_error_line():
    cfg = testing.load_or_skip(MICRO, bootargs="console=ttyS0 earlycon panic=-1 rvnest.l2=nope")
    res = testing.run(cfg)
    assert res.outcome is Outcome.GUEST_ERROR, res.error
    assert "RVNEST error msg=unknown_l2 component=kvm-init l2=nope" in res.error


def test_without_h_extension():
    """No H: KVM registers no /dev/kvm, and the VMM says why."""
    cfg = testing.load_or_skip(MICRO).with_overrides(cpu="rv64,h=false")
    res = testing.run(cfg)
    assert res.outcome is Outcome.NO_H_EXTENSION, res.error
    assert "msg=no_H_extension component=kvm-vmm what=/dev/kvm" in res.error


# ---- nested: the same on L0 ------------------------------------------------

def nested_run(name):
    """The configuration's run on L0, or a skip while L0 cannot nest."""
    cfg = testing.load_or_skip(name)
    res = testing.run(cfg, icount=True, timeout=CAPABILITY_TIMEOUT)
    if res.protocol is None or not l0_emulates_h(res):
        pytest.skip(NOT_NESTED)
    if not res.ok and res.timed_out:
        res = testing.run(cfg, icount=True, cache_key=(name, "nested"))
    if not res.ok:
        pytest.fail(f"{res.error} (log: {res.log_path})", pytrace=False)
    return res


def test_nested_micro_same_results():
    res = nested_run(MICRO_L0)
    ref = micro_run().protocol.benches
    got = res.protocol.benches
    assert sorted(got) == BENCHMARKS
    for name, b in got.items():
        # L0 must be invisible to KVM: the same iterations and user exits
        for k in ("iters", "exits", "exits_total"):
            assert b[k] == ref[name][k], f"{name} {k}: {b[k]} on L0, {ref[name][k]} on QEMU"
    st = res.protocol.l0stats
    assert st is not None, "no RVNEST l0stats line from L0"
    assert sum(st["causes"].values()) == st["traps"], st.line
    # Every exit of L2 into L1's KVM is at least two traps into L0: the
    # exit and KVM's return (DESIGN.md section 6). L0 counts the whole run
    # (the VMM cannot bracket windows for L0: kvm-vmm/README.md), so this
    # is a floor over the benchmark windows' KVM exits.
    kvm_exits = sum(kvm_stats(b).get("exits", 0) for b in got.values())
    assert st["traps"] >= L0_TRAPS_PER_L2_EXIT_FLOOR * kvm_exits, (st.line, kvm_exits)
    print(f"{MICRO_L0}: L0 traps for the whole run {st['traps']} ({st['causes']}); "
          f"KVM exits in the benchmark windows {kvm_exits}")


# KVM 7.3 reports the NACL features it found on L1's console
# (arch/riscv/kvm/main.c); kvm-l0 and kvm-l0-linux run L0 with l0.nacl=all.
KVM_NACL_ALL = ("kvm [1]: using SBI nested acceleration with sync_csr, "
                "sync_hfence, sync_sret, autoswap_csr")

# Traps into L0 in the hypercall window of kvm-l0 (Linux 7.3 KVM with every
# NACL feature), by cause, measured under icount (the same in every run:
# during the hypercall loop L1 never idles, so no WFI warp of QEMU's icount
# moves a timer tick into or out of the window). Per L2 hypercall:
# - ecall_vs 2: L2's ecall, which traps into L0 and is forwarded to KVM; and
#   KVM's SBI NACL SYNC_SRET that enters L2 again (arch/riscv/kvm/vcpu.c,
#   kvm_riscv_vcpu_enter_exit);
# - virtual_inst 1: KVM's direct `csr_write(CSR_VSTIMECMP, -1UL)` in
#   kvm_riscv_vcpu_timer_save (arch/riscv/kvm/vcpu_timer.c:367 in 7.3.4),
#   run by kvm_arch_vcpu_put on every return of KVM_RUN to the VMM, i.e.
#   once per hypercall (the VMM handles it). It is a plain CSR write, not
#   ncsr_write, so NACL's shared memory does not carry it, and a VS-mode
#   access to a hypervisor CSR always traps: L0 cannot remove it
#   (kvm-vmm/README.md, "The third trap").
# Plus the window's own fixed part, which is the whole of the compute
# window: 5 L2 exits, 6 ecall_vs and 5 virtual_inst. The window lasts about
# 16 ms of guest time, so a few of L1's 250 Hz timer ticks may land while
# L2 runs (how many depends on where QEMU's icount warp across L1's idle
# WFIs put the boot; none in four runs, one to three in others): each is
# an extra L2 exit (L0 reports l2_exits) that KVM handles in the kernel and
# ends with one more SYNC_SRET (ecall_vs, exact), and, when the tick makes
# L1 schedule, a vcpu_put with its vstimecmp write (virtual_inst, 0 or 1;
# measured: +1 with 1, 2 and 3 ticks, +0 with 2), and L0's own timer
# interrupt when the tick is due while L2 runs (irq_s_timer, at most one
# per tick).
HYPERCALL_L0_CAUSES_PER_OP = {"ecall_vs": 2, "virtual_inst": 1}
HYPERCALL_L0_WINDOW_FIXED = {"ecall_vs": 6, "virtual_inst": 5}
HYPERCALL_L2_EXITS_FIXED = 5
MAX_TICKS_IN_WINDOW = 4  # 16 ms at 250 Hz


def test_nested_traps_per_hypercall():
    """L0 brackets each benchmark on L2's own BENCH_BEGIN/END (kvm-l0 runs
    L0 with l0.benchwin=l2), so it reports traps into L0 per L2 hypercall
    with KVM 7.3 and NACL as L1: 3 per hypercall, exactly, in two runs
    (the few L1 timer ticks in the window apart, counted separately)."""
    a = nested_run(MICRO_L0)
    assert KVM_NACL_ALL in a.console.splitlines(), "KVM 7.3 did not find L0's NACL"
    cfg = testing.load_or_skip(MICRO_L0)
    b = testing.run(cfg, icount=True, cache_key=(MICRO_L0, "second"))
    if not b.ok:
        pytest.fail(f"{b.error} (log: {b.log_path})", pytrace=False)
    for run in (a.protocol.l0benches, b.protocol.l0benches):
        assert sorted(run) == BENCHMARKS, sorted(run)
        h = run["hypercall"]
        iters = int(h["iters"])
        # L2 exits beyond the hypercalls and the window's own: L1's timer
        # ticks that land while L2 runs (see above)
        ticks = h["l2_exits"] - iters - HYPERCALL_L2_EXITS_FIXED
        assert 0 <= ticks <= MAX_TICKS_IN_WINDOW, h.line
        base = {k: n * iters + HYPERCALL_L0_WINDOW_FIXED[k]
                for k, n in HYPERCALL_L0_CAUSES_PER_OP.items()}
        got = h["causes"]
        assert set(got) <= set(base) | {"irq_s_timer"}, h.line
        assert got["ecall_vs"] == base["ecall_vs"] + ticks, h.line
        assert base["virtual_inst"] <= got["virtual_inst"] <= base["virtual_inst"] + ticks, h.line
        # a tick L0 takes itself while L2 runs (its timer for L1's)
        assert got.get("irq_s_timer", 0) <= ticks, h.line
        assert h["traps"] == sum(got.values()), h.line
    h = a.protocol.l0benches["hypercall"]
    per_op = (h["traps"] - sum(HYPERCALL_L0_WINDOW_FIXED.values())) / int(h["iters"])
    print(f"{MICRO_L0}: traps into L0 per L2 hypercall with KVM 7.3 + NACL as L1: "
          f"{per_op:.2f} ({h.line})")


# Without NACL every h*/vs* CSR access and the SRET of KVM's world switch
# trap into L0 one by one (virtual_inst); the only ecall_vs per hypercall is
# L2's own. Traps per L2 hypercall, the window's fixed part (the compute
# window) taken out, measured under icount: Linux 6.12's KVM 33.05 to 33.08,
# Linux 7.3's KVM without NACL 22.01 to 22.04. Unlike kvm-l0's, these
# windows are long enough (33 to 48 ms of guest time) that one to four of
# L1's 250 Hz timer ticks land while L2 runs, each one an extra L2 exit of
# 10 to 30 traps, so only the integer part repeats.
NO_NACL_TRAPS_PER_HYPERCALL = {"kvm-l0-612": 33, "kvm-l0-nonacl": 22}


@pytest.mark.parametrize("name", sorted(NO_NACL_TRAPS_PER_HYPERCALL))
def test_nested_traps_per_hypercall_without_nacl(name):
    res = nested_run(name)
    assert "using SBI nested acceleration" not in res.console, "NACL in use"
    run = res.protocol.l0benches
    h, fixed = run["hypercall"], run["compute"]
    iters = int(h["iters"])
    # L2's ecall per hypercall, and END's
    assert h["causes"].get("ecall_vs") == iters + 1, h.line
    per_op = (h["traps"] - fixed["traps"]) / iters
    assert int(per_op) == NO_NACL_TRAPS_PER_HYPERCALL[name], (h.line, fixed.line)
    print(f"{name}: traps into L0 per L2 hypercall: {per_op:.2f} ({h.line})")


def test_nested_vmm_counts_instructions():
    """kvm-vmm counts instructions on L0 the same way (L0 gives L1 user
    space instret through hcounteren.IR): two icount runs agree, and every
    operation that exits to KVM costs more on L0 than on QEMU's H
    extension, which costs more than l1-guest-hyp (hypercall: kvm-l0 >
    kvm-qemu > single)."""
    a = nested_run(MICRO_L0)
    vmm = [r for r in a.protocol.boots if r["component"] == "kvm-vmm"]
    assert len(vmm) == 1 and vmm[0]["counts_instret"] in ("csr", "perf"), a.protocol.boots
    cfg = testing.load_or_skip(MICRO_L0)
    b = testing.run(cfg, icount=True, cache_key=(MICRO_L0, "second"))
    if not b.ok:
        pytest.fail(f"{b.error} (log: {b.log_path})", pytrace=False)
    on_l0 = instret_check_runs(a.protocol.benches, b.protocol.benches)
    on_qemu = {n: vmm_instret_per_op(r) for n, r in micro_run().protocol.benches.items()}
    for name in EXITING:
        if name != "timer":
            assert on_l0[name] > on_qemu[name], f"{name}: {on_l0[name]:.1f} on L0, {on_qemu[name]:.1f}"
    single = testing.run_ok(testing.load_or_skip(SINGLE), icount=True,
                            cache_key=(SINGLE, "l1-icount", 1)).protocol.benches["hypercall"]
    assert on_l0["hypercall"] > on_qemu["hypercall"] > single["instret"] / single["iters"]
    print(f"{MICRO_L0}: instructions per operation " +
          ", ".join(f"{n} {v:,.1f}" for n, v in on_l0.items()))


def test_nested_linux_l2_boots_to_marker():
    res = nested_run(LINUX_L0)
    p = res.protocol
    assert LINUX_MARKER in res.console.splitlines()
    assert p.done["status"] == 0
    comps = [b["component"] for b in p.boots]
    assert comps == ["l0", "kvm-init", "kvm-vmm", "l2-linux-init"], comps
    # the same ISA reaches L2 through L0 as on QEMU's own H extension
    vmm = p.boots[2]
    assert isa_set(probe(res, "l2-cpuinfo")["isa"]) == isa_set(vmm["isa"]), vmm.line
    assert KVM_NACL_ALL in res.console.splitlines(), "KVM 7.3 did not find L0's NACL"
    st = p.l0stats
    assert st is not None, "no RVNEST l0stats line from L0"
    assert sum(st["causes"].values()) == st["traps"], st.line
    # reported, not asserted: Linux's boot idles in WFI, where QEMU's
    # icount warp is not exact, so the totals move by a few traps
    print(f"{LINUX_L0}: Linux L2 marker through L0 (KVM 7.3 + NACL) in "
          f"{res.duration:.1f}s wall time, L0 traps for the whole run {st['traps']} "
          f"({st['causes']}) (log {res.log_path})")
