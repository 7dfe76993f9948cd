"""benchmarks/appbench.py's arithmetic and table, on made-up runs (the
QEMU runs themselves are harness/test_app.py's and make appbench's)."""

from benchmarks import appbench
from harness import protocol


def doc(workloads):
    return {"provenance": {"git": {"short": "0123456789ab", "dirty": False},
                           "qemu": "10.0.2", "opensbi": "1.5.1"},
            "date": "2026-12-04 19:00 UTC", "size": "full", "runs": 1,
            "packages": {"sysbench": "1.0.20+ds-7"},
            "workloads": {w: {"runs": runs} for w, runs in workloads.items()}}


def run(ok, secs, **kw):
    return dict({"config": "c", "ok": ok, "host_seconds": 1.0, "guest_seconds": secs}, **kw)


WIN = {"traps": 1000, "seconds": 0.5, "causes": {"ecall_vs": 600, "store_guest_page_fault": 400},
       "l2_exits": 500, "l2_forwarded": 300, "l2_shadow_fills": 200, "l2_causes": {}}


def test_normalized_to_native_uses_medians_of_passed_runs():
    d = doc({"hackbench": {"native": [run(True, 1.0), run(True, 3.0), run(True, 2.0)],
                           "vm": [run(True, 3.0), run(False, 100.0)],
                           "nested": [run(False, None)]}})
    appbench.summarize(d)
    w = d["workloads"]["hackbench"]
    assert w["median"] == {"native": 2.0, "vm": 3.0, "nested": None}
    assert w["normalized_to_native"] == {"native": 1.0, "vm": 1.5, "nested": None}


def test_throughput_ratio_is_native_over_config():
    """memcached: fewer operations per second is slower, so above 1"""
    d = doc({"memcached": {"native": [run(True, 1.4, tps=20000.0)],
                           "vm": [run(True, 1.4, tps=10000.0)],
                           "nested": [run(True, 1.4, tps=4000.0)]}})
    appbench.summarize(d)
    w = d["workloads"]["memcached"]
    assert w["metric"] == "tps"
    assert w["normalized_to_native"] == {"native": 1.0, "vm": 2.0, "nested": 5.0}


def test_traps_per_second_from_the_window():
    d = doc({"build": {"native": [run(True, 2.0)], "vm": [run(True, 2.5)],
                       "nested": [run(True, 3.0, l0win=WIN)]}})
    appbench.summarize(d)
    p = d["workloads"]["build"]["l0_per_second"]
    assert (p["traps"], p["l2_exits"], p["l2_forwarded"]) == (2000, 1000, 600)
    assert p["causes"] == {"ecall_vs": 1200, "store_guest_page_fault": 800}
    md = appbench.markdown(d)
    assert "| build | 1.00 | 1.25 | 1.50 | 1.20 | 2.000 s | 2.500 s | 3.000 s |" in md
    # causes per second, largest first
    assert ("| build | 0.500 | 1000 | 2000 | 1000 | 600 | ecall_vs 1200, "
            "store_guest_page_fault 800 |") in md
    assert "sysbench 1.0.20+ds-7" in md and "0123456789ab" in md


def test_parse_run_reads_app_and_l0win_lines():
    console = "\n".join([
        "RVNEST app name=net dev=virtio-net addr=a peer=b sent=3 received=3 status=0",
        "RVNEST l0win name=memcached traps=4575 ticks=13202542 timebase=10000000 "
        "causes=ecall_vs:1319,virtual_inst:1550 l2_exits=1444 l2_forwarded=1314 "
        "l2_shadow_fills=130 l2_causes=virtual_inst:429 depth=1",
        "RVNEST app name=memcached size=tiny time_s=1.318297 tps=4392 status=0",
        "RVNEST app name=build size=tiny time_s=none status=1"])

    class Res:
        pass
    res = Res()
    res.protocol = protocol.parse(console)
    got = appbench.parse_run(res, ["memcached", "build"])
    assert got["memcached"]["ok"] and got["memcached"]["tps"] == 4392.0
    assert got["memcached"]["guest_seconds"] == 1.318297
    w = got["memcached"]["l0win"]
    assert w["traps"] == 4575 and abs(w["seconds"] - 1.3202542) < 1e-9
    assert w["causes"] == {"ecall_vs": 1319, "virtual_inst": 1550}
    assert got["build"] == {"ok": False, "guest_seconds": None,
                            "line": "RVNEST app name=build size=tiny time_s=none status=1"}
    assert "net" not in got


def test_workloads_come_from_workloads_sh():
    ws = appbench.workloads()
    assert ws[0] == "empty" and "hackbench" in ws and "memcached" in ws and "build" in ws
    assert len(ws) == len(set(ws))


def test_figures_are_pngs(tmp_path):
    d = doc({"build": {"native": [run(True, 2.0)], "vm": [run(True, 2.5)],
                       "nested": [run(True, 3.0, l0win=WIN)]}})
    appbench.summarize(d)
    paths = appbench.figures(d, tmp_path / "fig")
    assert [p.name for p in paths] == ["overhead.png", "l0-traps-per-s.png"]
    for p in paths:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
