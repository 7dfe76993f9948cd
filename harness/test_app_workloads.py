"""The application benchmarks' workloads (issue 13, app/workloads.sh), the
quick subset of make test: one app-kvm-l0 boot runs a few of them at their
`tiny` size in L2 (a sysbench, a stress-ng class, memcached with its load
from L1 over virtio-net, the QBE build). Each must print a passing line,
and L0 must have counted its traps in the workload's window (l0-hyp/
appwin.h): L1's /init passed L2's marks on, L0 answered each end with an
`RVNEST l0win` line whose traps came while L2 ran. Times are printed,
never asserted."""

import pytest

from harness import testing

NESTED = "app-kvm-l0"
# one of each kind: sysbench (file I/O on L2's virtio-blk disk), stress-ng
# (context switches), memcached (server in L2, client in L1), the build
WORKLOADS = ("sysbench-fileio", "stress-switch", "memcached", "build")


@pytest.fixture(scope="module")
def nested():
    base = testing.load_or_skip(NESTED)
    cfg = testing.load_or_skip(
        NESTED, bootargs=f"{base.values['bootargs']} rvnest.app={','.join(WORKLOADS)} "
                         "rvnest.size=tiny")
    return testing.run_ok(cfg, cache_key=f"{NESTED}-workloads")


def lines(res, kind, name):
    return [r for r in res.protocol.records if r.kind == kind and r.get("name") == name]


@pytest.mark.parametrize("name", WORKLOADS)
def test_workload_completes(nested, name):
    (app,) = lines(nested, "app", name)
    assert app["status"] == 0, app.line
    assert app["size"] == "tiny" and app["time_s"] != "none", app.line
    if name == "memcached":
        assert int(app["tps"]) > 0, app.line


@pytest.mark.parametrize("name", WORKLOADS)
def test_l0_counted_the_window(nested, name):
    """One window per workload, both marks seen by L0; its traps add up by
    cause, some came from L2 (the workload ran there) and L0 forwarded
    some of those to L1's KVM."""
    marks = [r["edge"] for r in lines(nested, "appwin", name)]
    assert marks == ["begin", "end"], marks
    (win,) = lines(nested, "l0win", name)
    traps = int(win["traps"])
    assert traps > 0 and int(win["ticks"]) > 0 and int(win["timebase"]) > 0, win.line
    assert sum(int(v) for v in win["causes"].values()) == traps, win.line
    assert 0 < int(win["l2_exits"]) <= traps, win.line
    assert 0 < int(win["l2_forwarded"]) <= int(win["l2_exits"]), win.line


def test_no_window_left_open_or_refused(nested):
    """Every begin met its end, and L0 refused no marker."""
    assert "[l0] appwin:" not in nested.console
    wins = [r["name"] for r in nested.protocol.records if r.kind == "l0win"]
    assert sorted(wins) == sorted(WORKLOADS)
