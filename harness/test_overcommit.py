"""More vCPUs than host harts (issue 15): L0 time-slices L1's vCPUs
(l0-hyp/sched.c; vCPU i on host hart i mod H, slices of l0.slice, a vCPU
waiting in WFI gives its hart away, requests to a descheduled vCPU served
when it is switched in).

- nested-overcommit: l1-guest-hyp with 4 vCPUs on QEMU -smp 2, running a
  4-vCPU L2 and the micro-guest's benchmarks, against its single-level
  baseline single-smp4 (the same L1 on QEMU's H with 4 harts);
- l0-linux-overcommit: Linux with 4 vCPUs on 2 harts boots to its marker.

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
}

# nested-overcommit's l0bench windows, as measured: nested-smp2's traps
# per operation (test_smp.L0_TRAPS_PER_OP) plus the windows' own marks.
# Besides these, L0's slice timer (irq_s_timer) fires every l0.slice (1 ms
# = 10,000 ticks of QEMU's 10 MHz timebase) whether or not another vCPU
# takes the hart: how many land in a window repeats under icount but moves
# with any change of L0's own instruction counts, so it is bounded by the
# window's length, not asserted to the trap.
L0_WINDOWS = {
    "compute": {"ecall_vs": 2, "virtual_inst": 4},
    "ipi_remote": {"ecall_vs": 802, "virtual_inst": 3604, "irq_s_soft": 400},
    "rfence_remote": {"ecall_vs": 602, "virtual_inst": 2004, "irq_s_soft": 200},
}
SLICE_TICKS = 10_000
# the l0sched line of nested-overcommit: vCPU 0 waits in WFI for vCPU 1's
# answer in every ipi_remote / rfence_remote operation (and its hart has
# nothing else to run, so each WFI is a switch out and back in); vCPUs 2
# and 3 start, find no benchmark for them, and wait in WFI to the end
OVERCOMMIT_SWITCHES = {"vcpu0": 204, "vcpu1": 2, "vcpu2": 1, "vcpu3": 1}
OVERCOMMIT_WFI_YIELDS = {"vcpu0": 203, "vcpu1": 1, "vcpu2": 1, "vcpu3": 1}


def run(name, n=1):
    cfg = testing.load_or_skip(name)
    return testing.run_ok(cfg, icount=True, cache_key=(name, "overcommit-icount", n))


def l0sched(res):
    lines = [r for r in res.protocol.records if r.kind == "l0sched"]
    assert len(lines) == 1, f"expected one RVNEST l0sched line ({res.log_path})"
    r = lines[0]
    return r, {k: parse_counts(r[k]) for k in ("run", "switches", "wfi_yields")}


@pytest.mark.parametrize("name", ["single-smp4", "nested-overcommit"])
def test_l1_runs_four_l2_vcpus(name):
    res = run(name)
    assert "l1: 4 L2 vCPUs, one per L1 hart" in res.console, res.log_path
    assert res.protocol.done["status"] == 0
    wrong = []
    for bench, per_op in EXPECTED_EXITS.items():
        b = res.protocol.benches[bench]
        want = {cause: k * b["iters"] for cause, k in per_op.items()}
        if b["exits"] != want:
            wrong.append(f"{bench}: exits={b['exits']}, expected {want}")
    assert not wrong, "\n".join(wrong)


def test_nested_overcommit_schedules_four_vcpus_on_two_harts():
    res = run("nested-overcommit")
    p = res.protocol
    assert int(p.l0stats["vcpus"]) == 4, p.l0stats.line
    assert "[l0] 4 vCPUs on 2 host harts" in res.console, res.log_path
    r, lists = l0sched(res)
    assert (int(r["vcpus"]), int(r["harts"]), int(r["slice_us"])) == (4, 2, 1000), r.line
    # every vCPU ran
    assert sorted(lists["run"]) == ["vcpu0", "vcpu1", "vcpu2", "vcpu3"], r.line
    assert all(t > 0 for t in lists["run"].values()), r.line
    assert lists["switches"] == OVERCOMMIT_SWITCHES, r.line
    assert lists["wfi_yields"] == OVERCOMMIT_WFI_YIELDS, r.line
    assert int(p.l0stats["l1_wfi"]) >= sum(OVERCOMMIT_WFI_YIELDS.values()), p.l0stats.line


def test_nested_overcommit_l0_windows_exact():
    p = run("nested-overcommit").protocol
    wrong = []
    for bench, want in L0_WINDOWS.items():
        l0 = p.l0benches[bench]
        causes = dict(l0["causes"])
        slices = causes.pop("irq_s_timer", 0)
        if causes != want or l0["traps"] != sum(want.values()) + slices:
            wrong.append(f"{bench}: {l0['causes']} (traps {l0['traps']}), expected {want}")
        if slices > p.benches[bench]["time"] // SLICE_TICKS + 2:
            wrong.append(f"{bench}: {slices} slice timers in a window of "
                         f"{p.benches[bench]['time']} ticks")
    assert not wrong, "\n".join(wrong)


def test_nested_overcommit_repeats_under_icount():
    a, b = run("nested-overcommit", 1), run("nested-overcommit", 2)
    assert a.protocol.l0stats["traps"] == b.protocol.l0stats["traps"], (a.log_path, b.log_path)
    assert l0sched(a)[1]["switches"] == l0sched(b)[1]["switches"]
    for bench in EXPECTED_EXITS:
        assert a.protocol.l0benches[bench]["causes"] == b.protocol.l0benches[bench]["causes"]
        assert a.protocol.benches[bench]["instret"] == b.protocol.benches[bench]["instret"]


def test_linux_with_four_vcpus_on_two_harts_boots():
    res = run("l0-linux-overcommit")
    assert "RVNEST linux-init marker=reached" in res.console, res.log_path
    assert "smp: Brought up 1 node, 4 CPUs" in res.console, res.log_path
    r, lists = l0sched(res)
    assert (int(r["vcpus"]), int(r["harts"])) == (4, 2), r.line
    assert sorted(lists["run"]) == ["vcpu0", "vcpu1", "vcpu2", "vcpu3"], r.line
    assert all(t > 0 for t in lists["run"].values()), r.line
    # an idle Linux waits in WFI: every vCPU gave its hart away
    assert all(n > 0 for n in lists["wfi_yields"].values()), r.line


@pytest.mark.parametrize("harts", ["0", "9"])
def test_nonsense_vcpu_counts_stop_l0_with_a_clear_error(harts):
    cfg = testing.load_or_skip("l0-smoke", l0args=f"l1.harts={harts}")
    res = testing.run(cfg, icount=True, timeout=60)
    assert res.outcome is Outcome.GUEST_ERROR, (res.outcome, res.error, res.log_path)
    assert f"l1.harts (1 to 8)" in res.console, res.log_path
