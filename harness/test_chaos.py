"""The chaos L1 (tests/chaos/, issue 17 item 3).

For each seed the same image runs on QEMU's H extension (chaos-single) and
as L1 on L0 (chaos-nested): both must finish (no crash, no hang: every run
has its timeout), print one `RVNEST chaos` line per step, and the lines
must be equal, hash chain included. What the two platforms may do
differently is normalised by the chaos L1 itself and marked `dev=<name>`;
every name must be listed in tests/chaos/README.md ("Platform differences").
And no access to an address outside the L1's memory ever completes.

`make test` runs SEEDS and REGRESSION_SEEDS; `make chaos SEEDS=1-500` runs
any set (test_many_seeds, RVNEST_CHAOS_SEEDS, RVNEST_CHAOS_STEPS).
"""

import os
import re

import pytest

from harness import config, runner, testing

SINGLE = "chaos-single"
NESTED = "chaos-nested"
README = config.ROOT / "tests/chaos/README.md"

# make test: eight seeds of 400 steps each (about 2 s per pair of runs)
SEEDS = tuple(range(1, 9))
# Seeds that found an L0 bug (fixed; tests/chaos/README.md "Bugs found")
REGRESSION_SEEDS = {
    2: "L1's undelegated VS interrupt pending at its SRET into U-mode",
    10: "an access fault L1 delegated to L2 in hedeleg went to L1",
}

# The guest accesses whose address a= is outside the L1's memory: the
# chaos L1's CH_NOMEM (256 MiB above its 256 MiB of RAM) and everything
# from 1 << 40 (tests/chaos/chaos.h).
ACCESS_OPS = re.compile(r"^(ld|lw|c\.ld|sd|sw|c\.sd|fetch|hlv.*|hsv.*)$")
NOMEM = (0x90000000, 0xC0000000)
FAR = 1 << 40


def seeds_from(spec: str) -> list:
    """"1-5 9 12" -> [1, 2, 3, 4, 5, 9, 12]."""
    out = []
    for part in spec.replace(",", " ").split():
        lo, sep, hi = part.partition("-")
        if not lo.isdigit() or (sep and not hi.isdigit()):
            raise ValueError(f"bad seed list {spec!r}: use e.g. 1-100 or '1 5 9'")
        out.extend(range(int(lo), int(hi) + 1) if sep else [int(lo)])
    return out


def bootargs(seed, steps=None):
    args = f"chaos.seed={seed}"
    if steps:
        args += f" chaos.steps={steps}"
    return args


def chaos_lines(res):
    """The step lines in order (their text after `RVNEST chaos`)."""
    return [r.line.split("RVNEST chaos", 1)[1].strip()
            for r in res.protocol.records if r.kind == "chaos"]


def run_seed(name, seed, steps=None):
    cfg = testing.load_or_skip(name, bootargs=bootargs(seed, steps))
    res = testing.run(cfg)
    if not res.ok:
        pytest.fail(f"seed {seed}: {res.error} (log: {res.log_path})",
                    pytrace=False)
    return res


def documented_devs() -> set:
    text = README.read_text()
    section = text.split("## Platform differences", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`dev=([a-z0-9_]+)`", section))


def check_isolation(lines, where):
    """No load, store, fetch, HLV or HSV at an address outside the L1's
    memory completes (o=ret)."""
    for line in lines:
        f = dict(t.partition("=")[::2] for t in line.split())
        if f.get("k") not in ("l2", "hlv") or not ACCESS_OPS.match(f.get("op", "")):
            continue
        a = int(f["a"], 16)
        if NOMEM[0] <= a < NOMEM[1] or a >= FAR:
            assert f["o"] != "ret", (
                f"{where}: an access outside the L1's memory completed: {line}")


def compare(seed, steps=None):
    single = run_seed(SINGLE, seed, steps)
    nested = run_seed(NESTED, seed, steps)
    ref, got = chaos_lines(single), chaos_lines(nested)
    want = (steps or 400) + 1  # the start line and one per step
    assert len(ref) == want, f"seed {seed}: {len(ref)} lines ({single.log_path})"
    for i, (a, b) in enumerate(zip(ref, got)):
        assert a == b, (
            f"seed {seed}: step {i} differs (QEMU {single.log_path}, "
            f"L0 {nested.log_path}):\n  QEMU: {a}\n  L0:   {b}")
    assert len(got) == len(ref), (
        f"seed {seed}: {len(got)} lines on L0, {len(ref)} on QEMU ({nested.log_path})")
    end_s = [r for r in single.protocol.records if r.kind == "chaos_end"]
    end_n = [r for r in nested.protocol.records if r.kind == "chaos_end"]
    assert end_s and end_n and end_s[0]["h"] == end_n[0]["h"]
    devs = {d for line in ref for d in re.findall(r"dev=([a-z0-9_]+)", line)}
    undocumented = devs - documented_devs()
    assert not undocumented, (
        f"dev= names not in tests/chaos/README.md: {sorted(undocumented)}")
    check_isolation(ref, f"QEMU seed {seed}")
    check_isolation(got, f"L0 seed {seed}")
    # L0 ran to the end and reported its statistics
    assert nested.protocol.l0stats, f"no l0stats line ({nested.log_path})"


@pytest.mark.parametrize("seed", SEEDS)
def test_seed(seed):
    compare(seed)


@pytest.mark.parametrize("seed", sorted(REGRESSION_SEEDS))
def test_regression_seed(seed):
    compare(seed)


MANY = seeds_from(os.environ.get("RVNEST_CHAOS_SEEDS", ""))
MANY_STEPS = int(os.environ.get("RVNEST_CHAOS_STEPS", "0")) or None


@pytest.mark.parametrize("seed", MANY)
def test_many_seeds(seed):
    """make chaos SEEDS=... [STEPS=...]"""
    compare(seed, MANY_STEPS)


def test_same_seed_same_log():
    """A seed fixes the whole run."""
    a = chaos_lines(run_seed(SINGLE, 3))
    b = chaos_lines(run_seed(SINGLE, 3))
    assert a == b


def test_bad_argument_is_refused():
    """An unknown option: one clear error line, not a run with defaults."""
    cfg = testing.load_or_skip(SINGLE, bootargs="chaos.sed=3")
    res = testing.run(cfg)
    assert res.outcome is runner.Outcome.GUEST_ERROR, res.error
    assert "bad_argument" in res.error


def test_devs_documented_exist():
    """Every dev= name of the README is one the chaos L1 can print."""
    src = (config.ROOT / "tests/chaos/main.c").read_text()
    for d in documented_devs():
        assert f'"{d}"' in src or f"dev={d}" in src, (
            f"README lists dev={d}, which tests/chaos/main.c never prints")
