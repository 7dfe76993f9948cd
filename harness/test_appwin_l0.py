"""L0's application-benchmark windows (l0-hyp/appwin_l0.c, appwin.h) for
marker lines no workload /init writes: a flat L1 (test_l1_flat.py's
images) prints them through SBI DBCN console_write (SBI spec "Debug
Console Extension", FID 0: a0 = bytes, a1/a2 = address) as L1's /init
writes them to /dev/hvc0:

- a marker that is no begin or end: ignored, with a line saying why;
- a begin while another window is open: the open one is dropped, named;
- an end of a window that is not open: ignored, with a line;
- the end of the open window: one `RVNEST l0win` line, and only that one.

The parser alone is host-tested (l0-hyp/tests/test_l0_appwin.c); this is
what L0 does with what it parsed.
"""

from harness.test_l1_flat import SHUTDOWN, run_flat

MARKERS = [
    "RVNEST appwin edge=sideways name=w0",
    "RVNEST appwin edge=begin name=w1",
    "RVNEST appwin edge=begin name=w2",
    "RVNEST appwin edge=end name=w1",
    "RVNEST appwin edge=end name=w2",
]


def writer(lines):
    """A flat L1 writing each line with one DBCN call, then powering off
    with status 0 (1 if a call failed)."""
    code, data = [], []
    for i, line in enumerate(lines):
        code.append(f"""
	li a0, {len(line) + 1}
	la a1, m{i}
	li a2, 0
	li a6, 0
	li a7, 0x4442434e
	ecall
	bnez a0, fail""")
        data.append(f'm{i}:\t.ascii "{line}\\n"')
    return "".join(code) + """
	li a1, 0
	j off
fail:
	li a1, 1
off:
""" + SHUTDOWN + "\n".join(data) + "\n"


def test_bad_unpaired_and_overlapping_markers(tmp_path):
    res = run_flat(tmp_path, "appwin", writer(MARKERS))
    assert res.ok, f"{res.error} (log: {res.log_path})"
    lines = res.console.splitlines()
    assert lines.count("[l0] appwin: marker ignored: no edge=begin or edge=end") == 1, \
        res.log_path
    assert lines.count("[l0] appwin: w2 begins while w1 is open: w1 dropped") == 1, \
        res.log_path
    assert lines.count("[l0] appwin: end of w1, which is not open") == 1, res.log_path
    wins = [r for r in res.protocol.records if r.kind == "l0win"]
    assert [w["name"] for w in wins] == ["w2"], res.log_path
    # w2's window: every trap after the one that wrote its begin line up
    # to the one that wrote its end line (appwin_l0.c): the two DBCN
    # calls of the end markers, and nothing else
    assert int(wins[0]["traps"]) == 2, wins[0].line
    assert wins[0]["causes"] == {"ecall_vs": 2}, wins[0].line
    # L0's answer comes after the marker line that caused it
    assert lines.index(MARKERS[4]) < lines.index(wins[0].line), res.log_path


def test_proper_pair_gives_its_window(tmp_path):
    """The control: one begin and its end, no complaint, one window (so
    the lines above are caused by the markers, not by the image)."""
    res = run_flat(tmp_path, "appwin-ok", writer(MARKERS[2:3] + MARKERS[4:5]))
    assert res.ok, f"{res.error} (log: {res.log_path})"
    assert "[l0] appwin:" not in res.console, res.log_path
    wins = [r for r in res.protocol.records if r.kind == "l0win"]
    assert [w["name"] for w in wins] == ["w2"], res.log_path
