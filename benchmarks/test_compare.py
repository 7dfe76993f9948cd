"""benchmarks.compare on fixture results cut from a real run: the exit
status guards exact counts, wall time never fails, errors are one line."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import compare, results
from harness import config

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "small.json"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def base():
    return results.load_doc(FIXTURE)


def grow_l0(doc, cfg="nested", bench="hypercall", cause="virtual_inst", by=1000):
    """B as a real file would be if L0 took `by` more traps of `cause` in
    the benchmark's window, in every icount run: counters, then summary."""
    c = doc["configs"][cfg]
    for r in c["runs"]:
        if r["kind"] == "icount":
            l0 = r["benchmarks"][bench]["l0"]
            l0["traps"] += by
            l0["causes"][cause] = l0["causes"].get(cause, 0) + by
    c["summary"] = results.summarize(c["runs"], c.get("l0_exact", True))
    doc["ratios"] = results.ratios(doc)
    results.validate(doc)
    return doc


def slow_wall(doc, cfg="single", bench="mmio", factor=10):
    c = doc["configs"][cfg]
    for r in c["runs"]:
        if r["kind"] == "wall":
            r["benchmarks"][bench]["time"] *= factor
    c["summary"] = results.summarize(c["runs"], c.get("l0_exact", True))
    doc["ratios"] = results.ratios(doc)
    return doc


def run_compare(tmp_path, a, b, *extra):
    pa, pb = tmp_path / "a.json", tmp_path / "b.json"
    for p, d in ((pa, a), (pb, b)):
        p.write_text(json.dumps(d) if isinstance(d, dict) else d)
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "benchmarks.compare", str(pa), str(pb),
                        "--out", str(out), *extra],
                       capture_output=True, text=True, timeout=120, cwd=config.ROOT)
    return r, out


def test_identical_files_pass_and_write_report_and_figure(tmp_path):
    r, out = run_compare(tmp_path, base(), base())
    assert r.returncode == 0, r.stderr
    md = (out / "compare-a-vs-b.md").read_text()
    assert "| nested | hypercall |" in md and "overlap" in md
    png = out / "compare-a-vs-b.png"
    assert png.read_bytes()[:8] == PNG_MAGIC
    assert (out / "compare-a-vs-b.svg").read_text().lstrip().startswith("<?xml")
    assert "## Exact counts per operation" in r.stdout


def test_grown_count_fails_with_status_1(tmp_path):
    r, out = run_compare(tmp_path, base(), grow_l0(base()))
    assert r.returncode == 1
    err = r.stderr.splitlines()
    assert "compare: grew: nested/hypercall l0_traps_per_op 5.006 -> 6.006" in err
    assert "compare: grew: nested/hypercall l0_causes.virtual_inst 4.004 -> 5.004" in err
    assert err[-1] == "compare: 2 exact count(s) grew: status 1"
    md = (out / "compare-a-vs-b.md").read_text()
    assert "l0_traps_per_op grew +19.98%" in md


def test_shrunk_count_passes_unless_fail_on_changed(tmp_path):
    a, b = grow_l0(base()), base()  # B has 1000 fewer traps than A
    r, _ = run_compare(tmp_path, a, b)
    assert r.returncode == 0, r.stderr
    r, _ = run_compare(tmp_path, a, b, "--fail-on", "changed")
    assert r.returncode == 1
    assert "compare: shrank: nested/hypercall l0_traps_per_op 6.006 -> 5.006" in r.stderr


def test_a_new_cause_is_a_grown_count(tmp_path):
    b = grow_l0(base(), cause="illegal_inst", by=3000)
    r, _ = run_compare(tmp_path, base(), b)
    assert r.returncode == 1
    assert "compare: grew: nested/hypercall l0_causes.illegal_inst 0 -> 3" in r.stderr


def test_wall_time_never_fails_but_is_shown(tmp_path):
    r, out = run_compare(tmp_path, base(), slow_wall(base()))
    assert r.returncode == 0, r.stderr
    row = next(line for line in r.stdout.splitlines()
               if line.startswith("| single") and "mmio" in line and "ns/op" not in line
               and "[" in line)
    assert "slower" in row and "10.00x" in row


def test_not_exact_l0_counts_are_not_guarded(tmp_path):
    a, b = base(), grow_l0(base())
    for d in (a, b):
        d["configs"]["nested"]["l0_exact"] = False
    r, out = run_compare(tmp_path, a, b)
    assert r.returncode == 0, r.stderr
    assert "(not guarded)" in (out / "compare-a-vs-b.md").read_text()


def test_fail_on_never(tmp_path):
    r, _ = run_compare(tmp_path, base(), grow_l0(base()), "--fail-on", "never")
    assert r.returncode == 0


def test_missing_file_is_one_error_line(tmp_path):
    r = subprocess.run([sys.executable, "-m", "benchmarks.compare", str(FIXTURE),
                        str(tmp_path / "nope.json")],
                       capture_output=True, text=True, timeout=60, cwd=config.ROOT)
    assert r.returncode == 2
    assert r.stderr.startswith(f"error: {tmp_path}/nope.json: cannot read results")
    assert len(r.stderr.strip().splitlines()) == 1


def test_schema_violation_is_status_2(tmp_path):
    bad = base()
    bad.pop("provenance")
    r, _ = run_compare(tmp_path, base(), bad)
    assert r.returncode == 2
    assert r.stderr.strip() == f"error: {tmp_path}/b.json: at (top): 'provenance' is a required property"


def test_nothing_in_common_is_status_2(tmp_path):
    b = base()
    b["configs"] = {"other": b["configs"]["single"]}
    r, _ = run_compare(tmp_path, base(), b)
    assert r.returncode == 2
    assert r.stderr.startswith("error: ") and "no configuration and benchmark in common" in r.stderr


def test_only_in_one_file_is_listed():
    a, b = base(), base()
    del b["configs"]["nested"]["summary"]["mmio"]
    cmp = compare.compare(a, b)
    assert cmp["only_a"] == ["nested/mmio"] and cmp["only_b"] == []
    assert not compare.failures(cmp, "changed")


@pytest.mark.parametrize("fail_on,n", [("grew", 2), ("changed", 2), ("never", 0)])
def test_failures_api(fail_on, n):
    cmp = compare.compare(base(), grow_l0(base()))
    assert len(compare.failures(cmp, fail_on)) == n


def test_not_exact_instructions_are_not_guarded(tmp_path):
    """A configuration whose instructions per operation are measured within
    a tolerance (`instret_exact = false`) never fails on them."""
    a, b = base(), base()
    for r in b["configs"]["nested"]["runs"]:
        if r["kind"] == "icount":
            r["benchmarks"]["mmio"]["instret"] += 5000
    b["configs"]["nested"]["summary"] = results.summarize(b["configs"]["nested"]["runs"])
    assert compare.failures(compare.compare(a, b), "grew") == [
        ("nested/mmio", "instret_per_op", 11378.01, 11383.01, "grew")]
    for d in (a, b):
        d["configs"]["nested"]["instret_exact"] = False
    assert compare.failures(compare.compare(a, b), "changed") == []
