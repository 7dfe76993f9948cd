"""More vCPUs than host harts (issue 15): L0 time-slices L1's vCPUs
(l0-hyp/sched.c; vCPU i on host hart i mod H, slices of l0.slice, a vCPU
waiting in WFI gives its hart away, requests to a descheduled vCPU served
when it is switched in).

- nested-overcommit: l1-guest-hyp with 4 vCPUs on QEMU -smp 2, running a
  4-vCPU L2 and the micro-guest's benchmarks, against its single-level
  baseline single-smp4 (the same L1 on QEMU's H with 4 harts);
  nested-nacl-overcommit the same with NACL;
- l0-linux-overcommit: Linux with 4 vCPUs on 2 harts boots to its marker;
- kvm-l0-overcommit: Linux/KVM with 4 vCPUs on 2 harts runs the
  micro-guests (2 vCPUs) and then a 2-vCPU Linux L2 to its marker.

Under -icount QEMU runs the harts round-robin in one thread: the trap
counts, switches and WFI yields below repeat exactly (measured twice at
the revision that added this file), so they are asserted exactly."""

import pytest

from harness import testing
from harness.protocol import parse_counts
from harness.runner import Outcome

# The cross-vCPU exits L1 sees per operation (as in test_smp.py): the
# scheduler below changes nothing L1 can see.
EXPECTED_EXITS = {
    "ipi_remote": {"ecall_vs": 2, "irq_s_soft": 2},
    "rfence_remote": {"ecall_vs": 1, "irq_s_soft": 1},
    "ipi_idle": {"ecall_vs": 2, "irq_s_soft": 2},
}
ITERS = 200  # of each cross-vCPU benchmark (guests/micro)

# The ipi_idle window repeats exactly under icount, whatever L0's own
# instruction counts (measured twice): vCPU 0 -> L2 vCPU 2, which shares
# vCPU 0's host hart. Per operation the traps of nested-smp2's (or
# nested-nacl-smp2's) ipi_remote less its 2 irq_s_soft, plus 2 WFIs of L2
# (virtual_inst: L0 sets VTW for L2 on a shared hart), each giving the
# hart to the other vCPU: the IPI reaches a descheduled vCPU as a
# switch-in, not as an interrupt, and every switch starts a new slice (no
# slice timer). Over the compute window (the marks), and at most one more
# L2 WFI (measured: 0 or 1 as L0's own code changed).
IPI_IDLE_PER_OP = {
    "nested-overcommit": {"ecall_vs": 4, "virtual_inst": 20},
    "nested-nacl-overcommit": {"ecall_vs": 8, "virtual_inst": 2},
}
OVERCOMMIT_CONFIGS = list(IPI_IDLE_PER_OP)
# ipi_remote and rfence_remote go between vCPUs 0 and 1, on different
# harts, each sharing its hart with another vCPU: whether an IPI finds its
# target on the hart (irq_s_soft) or descheduled (served at switch-in), and
# how many WFIs of L2 yield, depends on where the slices fall, which moves
# with L0's own instruction counts. Their ecalls are exact; the rest is
# bounded (the ecalls over the compute window's: test_smp.L0_TRAPS_PER_OP).
ECALLS_BY_CONFIG = {
    "nested-overcommit": {"ipi_remote": 4 * ITERS + 2, "rfence_remote": 3 * ITERS + 2},
    "nested-nacl-overcommit": {"ipi_remote": 8 * ITERS + 3, "rfence_remote": 5 * ITERS + 3},
}
SLICE_TICKS = 10_000
# rfence_remote's answers are never late: l1-guest-hyp's asker waits for
# its target's answering IPI itself (l1-guest-hyp/smp.c,
# l1_smp_remote_sfence), so no soft interrupt of one fence reaches L2's
# next operation, whatever the interleaving. Before, an asker that saw its
# fence done while the IPI was still on its way took it later as one more
# exit of L2 (2 or 3 of 200 in nested-overcommit's run, up to 199 with
# l0.slice=37 in the stress test), with NACL one more ecall of L1's each.
def cross_vcpu_counts_wrong(name, res, edge=0):
    """The cross-vCPU benchmarks' exact counts on an overcommit
    configuration (EXPECTED_EXITS, ECALLS_BY_CONFIG), as a list of what
    differs. L1's exits are exact always. L0's window sums the traps of
    every vCPU (sbi_glue.c l0_bench_mark), so its fixed part (ECALLS_BY_CONFIG's
    + 2 or + 3) holds ecalls of vCPUs other than the one marking the
    window, at its edges: `edge` lets that many of them fall outside it,
    for interleavings other than the standard run's."""
    p = res.protocol
    wrong = []
    for bench, per_op in EXPECTED_EXITS.items():
        b = p.benches[bench]
        want = {cause: k * b["iters"] for cause, k in per_op.items()}
        if dict(b["exits"]) != want:
            wrong.append(f"{bench}: exits={b['exits']}, expected {want}")
            continue
        ecalls = ECALLS_BY_CONFIG[name].get(bench)
        got = p.l0benches[bench]["causes"].get("ecall_vs", 0)
        if ecalls is not None and not ecalls - edge <= got <= ecalls:
            wrong.append(f"{bench}: L0 window {p.l0benches[bench]['causes']}, "
                         f"expected ecall_vs={ecalls}"
                         + (f" (or up to {edge} fewer)" if edge else ""))
    return wrong


def run(name, n=1):
    cfg = testing.load_or_skip(name)
    return testing.run_ok(cfg, icount=True, cache_key=(name, "overcommit-icount", n))


def l0sched(res):
    lines = [r for r in res.protocol.records if r.kind == "l0sched"]
    assert len(lines) == 1, f"expected one RVNEST l0sched line ({res.log_path})"
    r = lines[0]
    return r, {k: parse_counts(r[k]) for k in ("run", "switches", "wfi_yields")}


@pytest.mark.parametrize("name", ["single-smp4"] + OVERCOMMIT_CONFIGS)
def test_l1_runs_four_l2_vcpus(name):
    res = run(name)
    assert "l1: 4 L2 vCPUs, one per L1 hart" in res.console, res.log_path
    assert res.protocol.done["status"] == 0
    if name in OVERCOMMIT_CONFIGS:
        # exact, rfence_remote's soft interrupts included (its asker
        # waits for its answer); nested-nacl-overcommit's one extra soft
        # interrupt and ecall before issue 15's fix were L0's (an IPI left
        # unserved, sched.c), and came with ~965 extra WFI traps:
        # test_overcommit_stress.py
        wrong = cross_vcpu_counts_wrong(name, res)
        assert not wrong, "\n".join(wrong) + f" (log: {res.log_path})"
        return
    wrong = []
    for bench, per_op in EXPECTED_EXITS.items():
        b = res.protocol.benches[bench]
        want = {cause: k * b["iters"] for cause, k in per_op.items()}
        if dict(b["exits"]) != want:
            wrong.append(f"{bench}: exits={b['exits']}, expected {want}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", OVERCOMMIT_CONFIGS)
def test_nested_overcommit_schedules_four_vcpus_on_two_harts(name):
    res = run(name)
    p = res.protocol
    assert int(p.l0stats["vcpus"]) == 4, p.l0stats.line
    assert "[l0] 4 vCPUs on 2 host harts" in res.console, res.log_path
    assert "(ipi_idle to hart 2)" in res.console, res.log_path
    r, lists = l0sched(res)
    assert (int(r["vcpus"]), int(r["harts"]), int(r["slice_us"])) == (4, 2, 1000), r.line
    # every vCPU ran
    assert sorted(lists["run"]) == ["vcpu0", "vcpu1", "vcpu2", "vcpu3"], r.line
    assert all(t > 0 for t in lists["run"].values()), r.line
    # ipi_idle: vCPU 2 is switched in (and waits in WFI again) once per
    # operation at least, and so is vCPU 0 when the answer comes
    for v in ("vcpu0", "vcpu2"):
        assert lists["switches"][v] > ITERS and lists["wfi_yields"][v] > ITERS, r.line


@pytest.mark.parametrize("name", OVERCOMMIT_CONFIGS)
def test_nested_overcommit_l0_windows(name):
    p = run(name).protocol
    base = p.l0benches["compute"]["causes"]
    want = {c: base.get(c, 0) + k * ITERS for c, k in IPI_IDLE_PER_OP[name].items()}
    got = p.l0benches["ipi_idle"]
    causes = dict(got["causes"])
    # one more WFI of L2 at the window's start or not (where the first
    # operation finds vCPU 2: measured both ways as L0's code changed)
    extra = causes.get("virtual_inst", 0) - want["virtual_inst"]
    causes["virtual_inst"] = causes.get("virtual_inst", 0) - extra
    wrong = []
    if causes != want or extra not in (0, 1) or got["traps"] != sum(want.values()) + extra:
        wrong.append(f"ipi_idle: {got['causes']} (traps {got['traps']}), expected {want}")
    for bench in ("ipi_remote", "rfence_remote"):
        c = p.l0benches[bench]["causes"]
        # at most one interrupt per IPI sent (L2's 2 per round trip, L1's
        # 2 per fence), and slice timers within the window's length
        if c.get("irq_s_soft", 0) > 2 * ITERS:
            wrong.append(f"{bench}: more irq_s_soft than IPIs: {c}")
        if c.get("irq_s_timer", 0) > p.benches[bench]["time"] // SLICE_TICKS + 2:
            wrong.append(f"{bench}: {c.get('irq_s_timer')} slice timers in a window "
                         f"of {p.benches[bench]['time']} ticks")
    # the ecalls of ipi_remote and rfence_remote (ECALLS_BY_CONFIG) are
    # checked, exactly, with L1's exits in test_l1_runs_four_l2_vcpus
    assert not wrong, "\n".join(wrong)


def test_ipi_to_a_descheduled_vcpu_is_a_switch_not_an_interrupt():
    """Against nested-smp2's ipi_remote (receiver on a hart of its own):
    on a shared hart each of the round trip's two interrupts into L0
    (irq_s_soft) becomes an L2 WFI that gives the hart away (virtual_inst),
    and the IPI is taken when its target is switched in."""
    over = run("nested-overcommit").protocol.l0benches["ipi_idle"]["causes"]
    smp2 = testing.run_ok(testing.load_or_skip("nested-smp2"), icount=True,
                          cache_key=("nested-smp2", "l1-icount", 1)).protocol
    remote = smp2.l0benches["ipi_remote"]["causes"]
    assert remote["irq_s_soft"] == 2 * ITERS and "irq_s_soft" not in over, (remote, over)
    assert over["ecall_vs"] == remote["ecall_vs"]
    assert over["virtual_inst"] - remote["virtual_inst"] in (2 * ITERS, 2 * ITERS + 1), (remote, over)


@pytest.mark.parametrize("name", OVERCOMMIT_CONFIGS)
def test_nested_overcommit_repeats_under_icount(name):
    a, b = run(name, 1), run(name, 2)
    assert a.protocol.l0stats["traps"] == b.protocol.l0stats["traps"], (a.log_path, b.log_path)
    assert l0sched(a)[1]["switches"] == l0sched(b)[1]["switches"]
    for bench in EXPECTED_EXITS:
        assert a.protocol.l0benches[bench]["causes"] == b.protocol.l0benches[bench]["causes"]
        assert a.protocol.benches[bench]["instret"] == b.protocol.benches[bench]["instret"]


def test_linux_with_four_vcpus_on_two_harts_boots():
    res = run("l0-linux-overcommit")
    assert "RVNEST linux-init marker=reached" in res.console, res.log_path
    r, lists = l0sched(res)
    assert (int(r["vcpus"]), int(r["harts"])) == (4, 2), r.line
    # Linux started every secondary (SBI HSM) and each ran (its boot
    # messages are quiet: see the configuration)
    assert sorted(lists["run"]) == ["vcpu0", "vcpu1", "vcpu2", "vcpu3"], r.line
    assert all(t > 0 for t in lists["run"].values()), r.line
    # an idle Linux waits in WFI: every vCPU gave its hart away
    assert all(n > 0 for n in lists["wfi_yields"].values()), r.line


def test_kvm_with_four_vcpus_on_two_harts_runs_micro_and_linux_l2():
    res = run("kvm-l0-overcommit")
    assert "l2-micro: all 10 benchmarks done" in res.console, res.log_path
    assert "RVNEST l2-linux marker=reached" in res.console, res.log_path
    # L1's four CPUs, then L2's two
    assert "smp: Brought up 1 node, 4 CPUs" in res.console, res.log_path
    assert "smp: Brought up 1 node, 2 CPUs" in res.console, res.log_path
    for bench in EXPECTED_EXITS:
        # KVM handles the cross-vCPU SBI calls in the kernel
        b = res.protocol.benches[bench]
        assert b["iters"] == ITERS and b["exits_total"] == 0, b.line
    r, lists = l0sched(res)
    assert (int(r["vcpus"]), int(r["harts"])) == (4, 2), r.line
    assert all(t > 0 for t in lists["run"].values()) and len(lists["run"]) == 4, r.line


@pytest.mark.parametrize("harts", ["0", "9"])
def test_nonsense_vcpu_counts_stop_l0_with_a_clear_error(harts):
    cfg = testing.load_or_skip("l0-smoke", l0args=f"l1.harts={harts}")
    res = testing.run(cfg, icount=True, timeout=60)
    assert res.outcome is Outcome.GUEST_ERROR, (res.outcome, res.error, res.log_path)
    assert f"l1.harts (1 to 8)" in res.console, res.log_path


def test_watchdog_still_stops_a_spinning_l1_on_a_shared_hart():
    """The slice timer traps every l0.slice; they are no progress of L1's,
    so the watchdog (test_containment.py) still stops an L1 that spins
    with its interrupts off when it shares its hart (l1.harts=2 on QEMU
    -smp 1): 50 slices in each 50 ms period, two periods."""
    from harness.test_containment import WATCHDOG, causes, run_case, stopped

    e, st = stopped(run_case("spin", f"{WATCHDOG} l1.harts=2"), "L1_spins_with_interrupts_off")
    assert int(e["watchdog_ms"]) == 50, e.line
    assert int(st["vcpus"]) == 2 and causes(st)["irq_s_timer"] > 50, st.line
