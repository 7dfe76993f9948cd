"""A panic anywhere in the app-kvm-l0 stack ends the run with an error
naming it, never a wait for the configuration's timeout (app/README.md,
"Known problems": a run whose L2 panicked waited out its 300 s).

- L2's kernel panics (its init does not exist): L2's `panic=-1` reboots it,
  QEMU in L1 exits (-no-reboot), L1's init reports `l2_panicked` and powers
  off.
- L1's kernel panics (its rdinit does not exist): L1's `panic=-1` resets
  through SBI SRST; L0 asks the firmware for that reset, which ends QEMU
  (-no-reboot), and L0 says so on its last line.

Each run is a boot of L1 (and of L2) that stops early; nothing asserts
time: the harness's own timeout would turn a hang into a failure."""

from harness import runner, testing

NESTED = "app-kvm-l0"
BASE = "console=ttyS0 earlycon panic=-1 rvnest.app=hackbench"
# well inside the configuration's 300 s (a whole hackbench run takes 25-32
# s of host time here): a hang fails instead of costing the full timeout
TIMEOUT = 120


def test_l2_panic_ends_the_run():
    cfg = testing.load_or_skip(NESTED, bootargs=BASE + " rvnest.l2args=init=/nonexistent")
    res = testing.run(cfg, timeout=TIMEOUT)
    assert res.outcome != runner.Outcome.TIMEOUT, f"{res.error} (log: {res.log_path})"
    assert "Requested init /nonexistent failed" in res.console, res.log_path
    assert "RVNEST error msg=l2_panicked component=app-l1" in res.console, res.log_path
    assert "RVNEST done status=100" in res.console, res.log_path
    assert not res.ok


def test_l1_panic_resets_through_l0():
    cfg = testing.load_or_skip(NESTED, bootargs=BASE + " rdinit=/nonexistent")
    res = testing.run(cfg, timeout=TIMEOUT)
    assert res.outcome != runner.Outcome.TIMEOUT, f"{res.error} (log: {res.log_path})"
    assert "Kernel panic - not syncing" in res.console, res.log_path
    assert "[l0] L1 asked for a reset" in res.console, res.log_path
    assert not res.ok
