"""L0 refuses, at boot and by name, a shadow G-stage pool below what the
shadow needs (l0-hyp/vhyp.c `l0_vhyp_init`; l0-hyp/README.md options,
`l0.shadowpool`): every root and one walk must fit, else no L2 could ever
run. The option parser takes any whole number of 4 KiB pages up to L0's
512K; the minimum depends on the G-stage mode, so it is checked where the
shadow is set up, for every vCPU of an L1 with H, before L1 runs.
"""

import re

from harness import runner, testing

PANIC = re.compile(r"^PANIC: \[l0\] l0\.shadowpool=4K is below the (\d+)K the shadow "
                   r"needs in its mode \(every root and one walk\)$", re.M)


def test_shadow_pool_below_the_minimum_stops_l0_at_boot():
    cfg = testing.load_or_skip("nested", l0args="l1.h=1 l0.shadowpool=4K")
    res = testing.run(cfg, icount=True, timeout=30)
    assert not res.timed_out, f"hang (log: {res.log_path})"
    assert res.outcome is runner.Outcome.GUEST_ERROR, (res.outcome, res.log_path)
    assert [e["msg"] for e in res.protocol.errors] == ["panic"], res.log_path
    m = PANIC.search(res.console)
    assert m and int(m.group(1)) > 4, res.log_path
    # stopped before L1 ran: no line of l1-guest-hyp's
    assert "RVNEST boot component=l1-guest-hyp" not in res.console, res.log_path


def test_the_minimum_itself_boots():
    """The control: l0.shadowpool=min (the figure above) runs the same L1."""
    res = testing.run_ok(testing.load_or_skip("nested", l0args="l1.h=1 l0.shadowpool=min"))
    assert res.protocol.done is not None, res.log_path
