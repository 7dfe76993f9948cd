"""harness.testing under pytest-xdist: a run's timeout grows with the
number of workers sharing the CPUs (no QEMU needed)."""

from harness import config, runner, testing


def test_timeout_scales_with_xdist_workers(monkeypatch):
    seen = []
    monkeypatch.setattr(runner, "run", lambda cfg, icount=None, timeout=None: seen.append(timeout))
    cfg = config.load("selftest")
    monkeypatch.delenv("PYTEST_XDIST_WORKER_COUNT", raising=False)
    testing.run(cfg)
    testing.run(cfg, timeout=7)
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "3")
    testing.run(cfg)
    testing.run(cfg, timeout=7)
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "bogus")
    testing.run(cfg)
    assert seen == [cfg.timeout, 7, 3 * cfg.timeout, 21, cfg.timeout]
