"""The benchmark runner with pytest-xdist workers (`make bench J=<n>`):
the icount counts equal a serial run's, the wall runs stay serial, and
every run says how many runs were in flight with it. Local workers stand
in for `--tx ssh=...` ones (same code path: --tx specs)."""

import subprocess
import sys

import pytest

from benchmarks import execute, results
from harness import config

NAMES = ("selftest", "single")


@pytest.fixture(scope="module")
def names():
    got = [n for n in NAMES if not config.load(n).missing()]
    if "selftest" not in got:
        pytest.skip(f"harness self-test image missing: {', '.join(config.load('selftest').missing())}")
    return got


def bench(tmp_path, names, *extra):
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "benchmarks.run", "--configs", ",".join(names),
                        "--icount-runs", "2", "--wall-runs", "1", "--out", str(out), *extra],
                       capture_output=True, text=True, timeout=600, cwd=config.ROOT)
    files = sorted(out.glob("*.json"))
    return r, (results.load_doc(files[0]) if len(files) == 1 else None)


@pytest.fixture(scope="module")
def serial(names, tmp_path_factory):
    r, doc = bench(tmp_path_factory.mktemp("serial"), names)
    assert r.returncode == 0, r.stderr
    return doc


@pytest.mark.parametrize("extra", [("--jobs", "2"), ("--tx", "popen", "--tx", "popen")],
                         ids=["jobs2", "tx-popen"])
def test_parallel_counts_equal_serial(names, serial, tmp_path, extra):
    r, doc = bench(tmp_path, names, *extra)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("bench: [") == 3 * len(names)
    for n in names:
        par, ser = doc["configs"][n], serial["configs"][n]
        ic = [run for run in par["runs"] if run["kind"] == "icount"]
        assert len(ic) == 2
        for a, b in zip(ic, [run for run in ser["runs"] if run["kind"] == "icount"]):
            assert results.deterministic_view(a) == results.deterministic_view(b), n
        # taken beside another run, and says so; by a worker
        assert all(run["jobs"] == 2 and run["worker"].startswith("gw") for run in ic)
        # the wall sample was taken alone, in the runner's own process
        wall = [run for run in par["runs"] if run["kind"] == "wall"]
        assert [(w["jobs"], "worker" in w) for w in wall] == [(1, False)]
        for b, m in par["summary"].items():
            assert m["deterministic_identical"], (n, b)
            assert m["instret_per_op"] == ser["summary"][b]["instret_per_op"]


def test_bad_jobs_is_one_error_line(tmp_path):
    r = subprocess.run([sys.executable, "-m", "benchmarks.run", "--configs", "selftest",
                        "--jobs", "0", "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=60, cwd=config.ROOT)
    assert r.returncode == 2 and r.stderr == "error: --jobs must be >= 1\n"


def test_workers_of():
    assert execute.workers_of(3, ()) == 3
    assert execute.workers_of(1, ["popen", "2*popen", "ssh=h//python=python3"]) == 4


def test_plan_order():
    p = execute.plan([("a", "a", {}), ("b[x=1]", "b", {"x": "1"})], 2, 1)
    assert [(i["key"], i["kind"], i["index"], i["total"]) for i in p] == [
        ("a", "icount", 1, 2), ("a", "icount", 2, 2), ("a", "wall", 1, 1),
        ("b[x=1]", "icount", 1, 2), ("b[x=1]", "icount", 2, 2), ("b[x=1]", "wall", 1, 1)]
    assert p[3]["params"] == {"x": "1"}


def test_a_worker_that_fails_is_an_error_not_a_hole(tmp_path):
    """A run that dies in its worker (here: a configuration that does not
    exist) stops the runner with one line naming it, rather than leaving
    a results file with a run missing."""
    code = ("import sys\n"
            "from benchmarks import execute, results\n"
            "items = execute.plan([('no-such', 'no-such', {})], 1, 0)\n"
            "try:\n"
            "    execute.run_plan(items, jobs=2)\n"
            "except results.ResultsError as e:\n"
            "    print(f'error: {e}'); sys.exit(1)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       cwd=config.ROOT)
    assert r.returncode == 1, (r.stdout, r.stderr)
    last = r.stdout.strip().splitlines()[-1]
    assert last.startswith("error: parallel runs did not complete: ")
    assert "no configuration 'no-such'" in last
