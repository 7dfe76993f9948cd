"""Helpers for pytest files (harness/test_*.py, and other components' test
files): load a configuration or skip naming what is missing, and share runs
between tests so one QEMU boot serves every assertion about it."""

import os

import pytest

from . import config, runner

_cache = {}


def load_or_skip(name: str, **kw) -> config.Config:
    """Load harness/configs/<name>.toml; skip the test, naming what is
    missing, when the file has not been added yet or the configuration's
    `requires` (or firmware) are absent. A file that breaks the schema is an
    error, never a skip."""
    if not (config.CONFIG_DIR / f"{name}.toml").exists():
        pytest.skip(f"config {name}: harness/configs/{name}.toml does not exist yet")
    cfg = config.load(name, **kw)
    missing = cfg.missing()
    if missing:
        pytest.skip(f"config {name}: missing {', '.join(missing)} (not built, or not in L0 yet)")
    return cfg


def load_factor() -> int:
    """How many QEMUs this test session runs at once: the number of
    pytest-xdist workers under `make test J=<n>` (xdist sets
    PYTEST_XDIST_WORKER_COUNT in each worker), else 1."""
    try:
        return max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    except ValueError:
        return 1


def run(cfg: config.Config, icount=None, timeout=None, cache_key=None) -> runner.RunResult:
    """runner.run, remembered for the session under cache_key (None = do
    not remember). Tests that only read a run's output share it. Under
    `make test J=<n>` the run's timeout (the configuration's, or the one
    given) is n times as long: n guests share the CPUs, and one slowed by
    its neighbours must not pass for a hung one (seen: sbi-l0-smp2's 30 s
    under J=2 on a loaded 2-core machine). Runs that test the timeout
    itself call runner.run with theirs."""
    if cache_key is not None and cache_key in _cache:
        return _cache[cache_key]
    timeout = (cfg.timeout if timeout is None else timeout) * load_factor()
    res = runner.run(cfg, icount=icount, timeout=timeout)
    if cache_key is not None:
        _cache[cache_key] = res
    return res


def run_ok(cfg: config.Config, icount=None, cache_key=None) -> runner.RunResult:
    """A run that must pass; fails the test with the run's one-line error
    and log path otherwise."""
    res = run(cfg, icount=icount, cache_key=cache_key)
    if not res.ok:
        pytest.fail(f"{res.error} (log: {res.log_path})", pytrace=False)
    return res


def matrix_names() -> list:
    """Configurations marked for the benchmark matrix."""
    return [c.name for c in config.load_all() if c.bench.matrix]


# Configurations that need L0 to emulate the H extension for L1 (issue 4)
# skip with this reason when the L0 in the build does not say it can.
NOT_NESTED = "L0 does not emulate the H extension yet (issue 4)"
# L0 prints its boot line at once; a first run this long decides the skip
# without waiting out a configuration's full timeout.
CAPABILITY_TIMEOUT = 20


def l0_emulates_h(res: runner.RunResult) -> bool:
    """Whether the run's L0 announced H emulation (`nested=1` on its boot line)."""
    if res.protocol is None:
        return False
    for b in res.protocol.boots:
        if b.get("component") == "l0":
            return b.get("nested") == "1"
    return False


def exit_count_mismatches(benches, per_iter_table: dict) -> list:
    """The benchmarks of per_iter_table ({benchmark: {cause: L0 exits per
    iteration}}) whose exits, as L0 counted them in the run's `benches`,
    are not exactly that many times their iterations, by cause and in
    total: one line each (got, expected, the benchmark's line); [] when
    every count is exact."""
    wrong = []
    for name, per_iter in per_iter_table.items():
        b = benches[name]
        want = {cause: n * b["iters"] for cause, n in per_iter.items()}
        if b["exits"] != want or b["exits_total"] != sum(want.values()):
            wrong.append(f"{name}: got exits={b['exits']} total={b['exits_total']}, "
                         f"expected {want} total={sum(want.values())} "
                         f"for iters={b['iters']} ({b.line})")
    return wrong
