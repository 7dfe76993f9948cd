"""Overcommit under other interleavings (issue 15's race): the 4-vCPU
configurations on 2 host harts, booted under -icount with several shift=
values (how much virtual time one instruction is, so where the timers fall
among the instructions) and l0.slice= values (how often a vCPU's hart is
taken from it). QEMU runs the harts round-robin there and switches between
them at a WFI, an IPI or a timer's deadline, so each combination is another
interleaving of the vCPUs' requests and the scheduler, and each one repeats
exactly.

The race this catches (l0-hyp/sched.c, l0_sched_resume): a vCPU that woke
on its own hart without a switch went back to its guest with an IPI
recorded but not served, and its WFI trapped and woke again until some
unrelated kick came; without icount ipi_remote or rfence_remote hung until
the harness's timeout. Here every run must finish within RUN_TIMEOUT and
keep the cross-vCPU benchmarks' exact counts.

What is exact whatever the interleaving (harness/test_overcommit.py):
ipi_remote and ipi_idle take 2 ecalls and 2 soft interrupts of L1's per
round trip, rfence_remote 1 ecall per fence and one soft interrupt on the
target's L1 hart, and L0's ecalls in each window but for one of the
window's fixed ecalls, another vCPU's at an edge (cross_vcpu_counts_wrong's
`edge`). Before l1-guest-hyp's
asker waited for its target's answering IPI (l1-guest-hyp/smp.c), that IPI
could reach it after it saw its fence done and was one more exit of L2
into L1: 8 of these 12 runs failed so (213 to 398 soft interrupts for 200
fences).

The two-vCPU configurations (one vCPU per hart: test_smp.py) are run the
same way: there every count is exact whatever the interleaving, L1's exits
and L0's traps per operation alike (no l0.slice: it is unused there).
"""

import dataclasses

import pytest

from harness import testing
from harness import test_smp
from harness.test_overcommit import cross_vcpu_counts_wrong, l0sched

# (shift, slice in us): shift 0 is what every other test uses; 100 and 37 us
# slices end a vCPU's turn many times per benchmark window. Each pair was
# run for both configurations at the revision that added this file (each
# boot 2 to 4 s).
INTERLEAVINGS = [(0, 100), (0, 37), (2, 1000), (2, 37), (4, 1000), (4, 100)]
CONFIGS = ["nested-overcommit", "nested-nacl-overcommit"]
# a hang is what this file looks for: well above the 2-4 s a boot takes,
# well below the configurations' 180 s
RUN_TIMEOUT = 60


def run(name, shift, slice_us):
    if slice_us is None:
        cfg = testing.load_or_skip(name)
    else:
        cfg = testing.load_or_skip(name, l0args=f"l0.slice={slice_us}")
    cfg = dataclasses.replace(
        cfg, extra_args=cfg.extra_args + ("-icount", f"shift={shift},sleep=off"))
    res = testing.run(cfg, icount=False, timeout=RUN_TIMEOUT,
                      cache_key=(name, "overcommit-stress", shift, slice_us))
    assert res.ok, f"shift={shift} l0.slice={slice_us}: {res.error} (log: {res.log_path})"
    return res


@pytest.mark.parametrize("shift,slice_us", INTERLEAVINGS)
@pytest.mark.parametrize("name", CONFIGS)
def test_overcommit_finishes_with_exact_counts(name, shift, slice_us):
    res = run(name, shift, slice_us)
    assert res.protocol.done["status"] == 0, res.log_path
    r, lists = l0sched(res)
    assert (int(r["vcpus"]), int(r["harts"]), int(r["slice_us"])) == (4, 2, slice_us), r.line
    assert all(t > 0 for t in lists["run"].values()) and len(lists["run"]) == 4, r.line
    # one of the window's fixed ecalls (another vCPU's, at an edge) may
    # fall outside it: seen for nested-nacl-overcommit's ipi_remote at
    # shift=4, l0.slice=1000 (1602 for 1603) once 79229c7's boot-time DT
    # check moved where the slices fall; the 8 ecalls per round trip and
    # L1's exits stay exact
    wrong = cross_vcpu_counts_wrong(name, res, edge=1)
    assert not wrong, "\n".join(wrong) + f"\n(log: {res.log_path})"


# one vCPU per hart: l0.slice is unused there, only where the timers fall
# moves (shift 0 is test_smp.py's)
SMP2_RUNS = [(name, shift, None) for name in test_smp.SMP_CONFIGS for shift in (2, 4)]


@pytest.mark.parametrize("name,shift,slice_us", SMP2_RUNS)
def test_smp2_exact_counts_under_other_interleavings(name, shift, slice_us):
    p = run(name, shift, slice_us).protocol
    assert p.done["status"] == 0
    wrong = testing.exit_count_mismatches(p.benches, test_smp.EXPECTED_EXITS)
    if name in test_smp.L0_CONFIGS:
        wrong += test_smp.l0_traps_wrong(name, p)
    assert not wrong, "\n".join(wrong)
