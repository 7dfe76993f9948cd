"""Helpers for pytest files (harness/test_*.py, and other components' test
files): load a configuration or skip naming what is missing, and share runs
between tests so one QEMU boot serves every assertion about it."""

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
        pytest.skip(f"config {name}: missing {', '.join(missing)} (not built yet)")
    return cfg


def run(cfg: config.Config, icount=None, timeout=None, cache_key=None) -> runner.RunResult:
    """runner.run, remembered for the session under cache_key (None = do
    not remember). Tests that only read a run's output share it."""
    if cache_key is not None and cache_key in _cache:
        return _cache[cache_key]
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
