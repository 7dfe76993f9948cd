"""benchmarks/appbench.py's arithmetic and table, on made-up runs (the
QEMU runs themselves are harness/test_app.py's and make appbench's)."""

from benchmarks import appbench


def doc(runs):
    return {"provenance": {"git": {"short": "0123456789ab", "dirty": False}},
            "workloads": {"hackbench": {"args": "-g,1", "runs": runs}}}


def run(ok, secs, **kw):
    return dict({"config": "c", "ok": ok, "error": "" if ok else "boom",
                 "host_seconds": 1.0, "guest_seconds": secs}, **kw)


def test_normalized_to_native_uses_medians_of_passed_runs():
    d = doc({"native": [run(True, 1.0), run(True, 3.0), run(True, 2.0)],
             "vm": [run(True, 3.0), run(False, 100.0)],
             "nested": [run(False, None)]})
    appbench.summarize(d)
    w = d["workloads"]["hackbench"]
    assert w["median_guest_seconds"] == {"native": 2.0, "vm": 3.0, "nested": None}
    assert w["normalized_to_native"] == {"native": 1.0, "vm": 1.5, "nested": None}


def test_table_has_one_row_per_workload_and_l0_causes():
    l0 = {"traps": 10, "causes": {"ecall_vs": 3, "store_guest_page_fault": 7},
          "l2_exits": 6, "l2_forwarded": 4, "l2_causes": {}}
    d = doc({"native": [run(True, 2.0)], "vm": [run(True, 2.5)],
             "nested": [run(True, 3.0, l0=l0)]})
    appbench.summarize(d)
    md = appbench.markdown(d)
    assert "| hackbench (-g,1) | 1.00 | 1.25 | 1.50 | 2.00 | 2.50 | 3.00 |" in md
    # causes by count, largest first
    assert "| hackbench | 1 | 10 | 6 | 4 | 1.0 | store_guest_page_fault 7, ecall_vs 3 |" in md


def test_figures_are_pngs(tmp_path):
    l0 = {"traps": 10, "causes": {"ecall_vs": 3, "store_guest_page_fault": 7},
          "l2_exits": 6, "l2_forwarded": 4, "l2_causes": {}}
    d = doc({"native": [run(True, 2.0)], "vm": [run(True, 2.5)],
             "nested": [run(True, 3.0, l0=l0)]})
    appbench.summarize(d)
    paths = appbench.figures(d, tmp_path / "fig")
    assert [p.name for p in paths] == ["overhead.png", "l0-causes.png"]
    for p in paths:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
