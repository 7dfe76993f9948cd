"""Carry out a benchmark plan: the QEMU runs of every configuration entry,
serially or with the icount runs spread over pytest-xdist workers.

A plan is a list of items {"key", "config", "params", "kind", "index",
"total"}: the results-file key, the configuration's name, the sweep
options it is run with (benchmarks/params.py), icount or wall, and the
run's number. Each worker rebuilds the configuration from (config, params),
so a worker on another machine (xdist `--tx ssh=...`) needs only the same
checkout and build.

Parallel runs change no icount count (each QEMU counts its own
instructions). Wall-time runs are always made afterwards, one at a time,
in this process, so their samples are not taken beside our own runs; each
run records `jobs`, the most runs the runner had in flight while it ran."""

import json
import os
import sys

from harness import config, runner

from . import params as P
from . import results


def run_item(item: dict, jobs: int = 1, worker: str = "") -> dict:
    """One QEMU run of a plan item, as stored in a results file; worker:
    the xdist worker making it (given by benchmarks/xdist_runs.py, not read
    from the environment, which a runner started inside a worker inherits)."""
    cfg = P.apply(item["config"], item["params"])
    # jobs guests share the CPUs: a slowed one is not a hung one
    res = runner.run(cfg, icount=(item["kind"] == "icount"), announce=False,
                     timeout=cfg.timeout * jobs)
    rec = results.run_record(res, item["kind"], item["index"])
    rec["jobs"] = jobs
    if worker:
        rec["worker"] = worker
    return rec


def _progress(out, k, n, item, rec):
    state = "passed" if rec["outcome"] == "passed" else f"FAILED: {rec['error']}"
    where = f", {rec['worker']}" if rec.get("worker") else ""
    print(f"bench: [{k}/{n}] {item['key']} {item['kind']} {item['index']}/{item['total']}: "
          f"{state} ({rec['duration_s']:.1f}s{where}, log {rec['log']})", file=out, flush=True)


def _why(report) -> str:
    """A failed test report's cause, in one line."""
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    msg = getattr(crash, "message", "") or (report.longreprtext.strip().splitlines() or [""])[-1]
    return " ".join(msg.split())[:300]


class _Collector:
    """pytest plugin in the controlling process: picks each run record off
    the workers' reports as they arrive."""

    def __init__(self, items, on_record):
        self.plan = items
        self.items = {i["id"]: i for i in items}
        self.on_record = on_record
        self.failed = []

    def pytest_configure_node(self, node):
        # xdist's way to hand data to a worker: its workerinput
        node.workerinput["rvnest_plan"] = json.dumps(self.plan)

    def pytest_runtest_logreport(self, report):
        if report.when != "call":
            if report.failed:
                self.failed.append(f"{report.nodeid} ({report.when}): {_why(report)}")
            return
        got = [v for k, v in report.user_properties if k == "rvnest_run"]
        if not got:
            self.failed.append(f"{report.nodeid}: no run record ({report.outcome}): {_why(report)}")
            return
        data = json.loads(got[0])
        self.on_record(self.items[data["id"]], data["record"])


def _xdist(items, jobs, tx, out, on_record):
    """The items as pytest tests of benchmarks/xdist_runs.py over xdist
    workers: `-n jobs`, or the given `--tx` specs."""
    import pytest

    # no terminal reporter: the bench lines are this run's progress report
    args = [str(config.ROOT / "benchmarks" / "xdist_runs.py"), "-p", "no:terminal",
            "-p", "no:cacheprovider", "--rootdir", str(config.ROOT)]
    if tx:
        # --tx alone only names the workers; --dist sends them tests
        for t in tx:
            args += ["--tx", t]
        args += ["--dist", "load"]
    else:
        args += ["-n", str(jobs)]
    # popen workers import benchmarks/ and harness/ from the checkout
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(config.ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    col = _Collector(items, on_record)
    rc = pytest.main(args, plugins=[col])
    if rc not in (0, 1) or col.failed:
        why = "; ".join(col.failed) or f"pytest exit status {int(rc)}"
        raise results.ResultsError(f"parallel runs did not complete: {why}")


def workers_of(jobs: int, tx) -> int:
    if tx:
        n = 0
        for t in tx:
            count, star, _ = t.partition("*")
            n += int(count) if star and count.isdigit() else 1
        return n
    return jobs


def run_plan(items: list, jobs: int = 1, tx=(), out=sys.stdout) -> dict:
    """{key: [run records in plan order]}. jobs > 1 or tx: icount runs in
    parallel (xdist), then wall runs serially."""
    for n, it in enumerate(items):
        it["id"] = n
    recs = {}
    k = 0

    def take(item, rec):
        nonlocal k
        k += 1
        recs[item["id"]] = rec
        _progress(out, k, len(items), item, rec)

    par = [i for i in items if i["kind"] == "icount"] if (jobs > 1 or tx) else []
    if par:
        _xdist(par, jobs, tx, out, take)
        missing = [i for i in par if i["id"] not in recs]
        if missing:
            raise results.ResultsError(f"parallel runs did not complete: no record of "
                                       f"{', '.join(i['key'] + ' ' + i['kind'] + ' ' + str(i['index']) for i in missing)}")
        # the parallel runs overlapped each other: say so in each record
        n = workers_of(jobs, tx)
        for i in par:
            recs[i["id"]]["jobs"] = n
    for item in items:
        if item["id"] not in recs:
            take(item, run_item(item, 1))
    grouped = {}
    for item in items:
        grouped.setdefault(item["key"], []).append(recs[item["id"]])
    return grouped


def run_all(items: list, jobs: int = 1, tx=()):
    """run_plan for the runner and the sweep: (runs, whether every run
    passed), or None after one `error:` line when the plan could not run."""
    try:
        runs = run_plan(items, jobs=jobs, tx=tx or ())
    except results.ResultsError as e:
        print(f"error: {e}", file=sys.stderr)
        return None
    return runs, all(r["outcome"] == "passed" for rs in runs.values() for r in rs)


def plan(entries: list, icount_runs: int, wall_runs: int) -> list:
    """entries: [(key, config name, params)] -> plan items, per entry its
    icount runs then its wall runs."""
    return [{"key": key, "config": name, "params": dict(params), "kind": kind, "index": i,
             "total": n}
            for key, name, params in entries
            for kind, n in (("icount", icount_runs), ("wall", wall_runs))
            for i in range(1, n + 1)]
