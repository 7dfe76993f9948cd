"""make iobench's summary and table (benchmarks/iobench.py) on made-up
runs; the boots themselves are harness/test_disk.py's."""

import json
import re

from benchmarks import iobench, results


def run(label, ok, mib_s):
    return {"config": dict(iobench.CONFIGS)[label], "ok": ok, "error": "" if ok else "boom",
            "host_seconds": 1.0,
            "ops": {op: {"status": 0, "ns": 1, "mib": 8, "mib_s": v} for op, v in zip(iobench.OPS, mib_s)}}


def doc(runs, not_run=None):
    return {"provenance": {"git": {"short": "abc", "dirty": False}}, "mib": 8, "icount": False,
            "runs_per_config": 3, "runs": runs, "not_run": not_run or {}}


def test_medians_ratio_and_failed_runs_left_out():
    d = doc({"qemu": [run("qemu", True, (100, 200, 10)), run("qemu", True, (120, 220, 12)),
                      run("qemu", False, (1, 1, 1))],
             "l0": [run("l0", True, (55, 110, 6))]})
    iobench.summarize(d)
    assert d["summary"]["qemu"]["disk_write"]["median_mib_s"] == 110
    assert d["summary"]["qemu"]["disk_write"]["runs_mib_s"] == [100, 120]
    assert d["l0_over_qemu"] == {"disk_write": 0.5, "disk_read": 0.524,
                                 "net_http_get": 0.545}
    md = iobench.markdown(d)
    assert "| disk_write | 110.00 | 55.00 | 0.50 |" in md
    assert "| qemu (linux-qemu-disk) | 3 | False |" in md and "boom" in md


def test_l0_not_run_is_said():
    d = doc({"qemu": [run("qemu", True, (100, 200, 10))]},
            not_run={"l0": "L0 has no l1.pci option yet"})
    iobench.summarize(d)
    assert d["l0_over_qemu"]["disk_read"] is None
    md = iobench.markdown(d)
    assert "| disk_read | 200.00 | n/a | n/a |" in md
    assert "Not run: L1 on L0 (L0 has no l1.pci option yet)" in md


def test_bad_arguments_are_refused(capsys):
    import pytest
    for argv in (["--mib", "0"], ["--mib", str(iobench.MAX_MIB + 1)], ["--runs", "0"],
                 ["--configs", "qemu,nope"]):
        with pytest.raises(SystemExit) as e:
            iobench.main(argv)
        assert e.value.code == 2, argv


def test_report_files_named_by_revision(tmp_path):
    """results.write_report, which iobench and appbench write with: the
    document as JSON and the markdown beside it, named
    <date>-<time>-<revision>[-dirty]."""
    doc = {"kind": "iobench", "provenance": {"git": {"short": "abc1234", "dirty": True}}}
    base = results.write_report(doc, tmp_path / "io", "# table\n")
    assert re.fullmatch(r"\d{8}-\d{6}-abc1234-dirty", base.name), base.name
    assert json.loads(base.with_suffix(".json").read_text()) == doc
    assert base.with_suffix(".md").read_text() == "# table\n"
