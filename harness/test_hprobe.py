"""The differential conformance suite for the H extension (tests/hprobe/,
issue 4 item 7).

hprobe-single runs hprobe on QEMU's own H extension: it must finish with
status 0 (no unexpected trap, every probe within the spec or a documented
QEMU deviation) and print exactly the same probe lines on a second run.
hprobe-nested runs the same image as L1 on L0; its probe lines must equal
hprobe-single's line for line. That comparison is skipped until L0 says it
emulates the H extension: L0's `RVNEST boot` line carries `nested=1`.
"""

import re

import pytest

from harness import config, runner, testing
from harness.testing import CAPABILITY_TIMEOUT, NOT_NESTED, l0_emulates_h

SINGLE = "hprobe-single"
NESTED = "hprobe-nested"

# Every group must be present, with at least this many lines in all: a run
# that stopped early must not pass by having printed nothing wrong.
GROUPS = ("dt.", "csr.", "hgatp.", "vsatp.", "hstatus.", "vinst.", "gpf.",
          "hlv.", "hsv.", "irq.", "deleg.", "fence.", "guest.")
MIN_PROBES = 600



def probe_lines(res):
    """The probe lines in order, as (id, the rest of the line); an id
    printed twice is a bug in hprobe."""
    seen = set()
    out = []
    for r in res.protocol.probes:
        pid = r["id"]
        assert pid not in seen, f"probe id={pid} printed twice ({res.log_path})"
        seen.add(pid)
        out.append((pid, r.line.split("RVNEST probe", 1)[1].strip()))
    return out


def single(run=1):
    cfg = testing.load_or_skip(SINGLE)
    return testing.run_ok(cfg, cache_key=(SINGLE, run))


def first_difference(ref, other):
    for i, (a, b) in enumerate(zip(ref, other)):
        if a != b:
            return f"line {i + 1}: expected {a[1]!r}, got {b[1]!r}"
    return f"{len(ref)} probe lines expected, {len(other)} printed"


def test_single_completes():
    res = single()
    assert res.protocol.done["status"] == 0
    lines = probe_lines(res)
    assert len(lines) >= MIN_PROBES, (
        f"only {len(lines)} probe lines ({res.log_path})")
    for g in GROUPS:
        assert any(pid.startswith(g) for pid, _ in lines), (
            f"no probe of group {g}* ({res.log_path})")


def test_single_deterministic():
    a = probe_lines(single(1))
    b = probe_lines(single(2))
    assert a == b, "two runs of hprobe-single differ: " + first_difference(a, b)


def test_nested_matches_single():
    cfg = testing.load_or_skip(NESTED)
    res = testing.run(cfg, timeout=CAPABILITY_TIMEOUT)
    if res.protocol is None or not l0_emulates_h(res):
        pytest.skip(NOT_NESTED)
    if not res.ok and res.timed_out:
        # L0 can run it, but needed longer: the full timeout.
        res = testing.run(cfg, cache_key=NESTED)
    if not res.ok:
        pytest.fail(f"{res.error} (log: {res.log_path})", pytrace=False)
    ref = probe_lines(single())
    got = probe_lines(res)
    assert got == ref, (
        f"hprobe-nested differs from hprobe-single ({res.log_path}): "
        + first_difference(ref, got))


def test_single_without_h_fails_cleanly():
    """No H extension: one clear error line, not a hang or a trap storm."""
    cfg = testing.load_or_skip(SINGLE).with_overrides(cpu="rv64,h=false")
    res = testing.run(cfg)
    assert res.outcome is runner.Outcome.NO_H_EXTENSION, res.error
    assert not res.protocol.probes


def test_deviations_are_probed_and_documented():
    """Every accepted QEMU deviation (hp_deviations in run.c) names a probe
    that exists and is listed in tests/hprobe/README.md."""
    src = (config.ROOT / "tests/hprobe/run.c").read_text()
    table = src.split("hp_deviations[] = {", 1)[1].split("};", 1)[0]
    ids = re.findall(r'\{"([a-z0-9_.]+)",', table)
    assert ids, "no deviation entries found in tests/hprobe/run.c"
    readme = (config.ROOT / "tests/hprobe/README.md").read_text()
    printed = {pid for pid, _ in probe_lines(single())}
    for pid in ids:
        assert pid in printed, f"deviation {pid} names no probe that runs"
        assert f"`{pid}`" in readme, f"deviation {pid} is not listed in README.md"
