"""Foreign L1 images (issue 16, item 5): an L1 given with `L1=` / --l1 that
speaks none of the project's protocol is judged by its SBI SRST power-off
in any configuration that boots L0, and L0ARGS / BOOTARGS mean L0's
options / L1's command line in every configuration, BOOTARGS passed
through unchanged.

The foreign L1 is tests/foreign/foreign.c: it prints its /chosen/bootargs
between brackets and powers off with reason "no reason" (status 0), or
"system failure" (status 1) when its command line has `foreign.fail=1`."""

import os
import subprocess

import pytest

from benchmarks import params
from harness import boot, config, testing
from harness.runner import Outcome

NESTED = "nested"
FOREIGN = config.build_dir() / "foreign" / "foreign-l1.elf"
QUOTED = 'a="b c" d=\'e  f\' -- g'


def foreign(name=NESTED, **kw):
    if not FOREIGN.exists():
        pytest.skip(f"{FOREIGN} not built yet (make)")
    return testing.load_or_skip(name, l1=str(FOREIGN), **kw)


def seen_bootargs(res) -> str:
    """What the foreign L1 printed as its /chosen/bootargs."""
    for line in res.console.splitlines():
        if line.startswith("foreign-l1: hart ") and " bootargs=[" in line:
            return line.split(" bootargs=[", 1)[1].rsplit("]", 1)[0]
    raise AssertionError(f"the foreign L1 printed no bootargs line ({res.log_path})")


def test_poweroff_status_0_passes_without_protocol_lines():
    res = testing.run(foreign(), icount=True, timeout=60)
    assert res.outcome is Outcome.PASSED, (res.error, res.log_path)
    assert res.protocol.done is None and "[l0] L1 powered off (status 0)" in res.console
    assert seen_bootargs(res) == ""


def test_poweroff_status_1_is_an_error_naming_it():
    res = testing.run(foreign(bootargs="foreign.fail=1"), icount=True, timeout=60)
    assert res.outcome is Outcome.L1_STATUS, (res.outcome, res.error, res.log_path)
    assert "L1 powered off with status 1" in res.error
    assert "foreign-l1: powering off (system failure)" in res.console


@pytest.mark.parametrize("name", ["nested", "l0-smoke", "kvm-l0"])
def test_bootargs_reach_l1_unchanged(name):
    """Spaces, quotes and a second " -- " in L1's command line arrive
    byte for byte in L1's /chosen/bootargs, in l1-guest-hyp's and KVM's
    configurations alike (kvm-l0 with the foreign L1 in place of Linux)."""
    res = testing.run(foreign(name, bootargs=QUOTED), icount=True, timeout=120)
    assert res.outcome is Outcome.PASSED, (res.error, res.log_path)
    assert seen_bootargs(res) == QUOTED


def test_l0args_reach_l0():
    """L0ARGS are L0's options: an unknown one stops L0 at boot, naming it,
    and L1's command line stays L1's."""
    res = testing.run(foreign(l0args="l1.bogus=1", bootargs="l1.also=1"), icount=True,
                      timeout=60)
    assert res.outcome is Outcome.GUEST_ERROR, (res.outcome, res.error, res.log_path)
    assert "unknown L0 option 'l1.bogus=1'" in res.console
    ok = testing.run(foreign(l0args="l1.gstage=sv48", bootargs="l1.also=1"), icount=True,
                     timeout=60)
    assert ok.outcome is Outcome.PASSED, (ok.error, ok.log_path)
    assert ok.protocol.boots[0]["gstage"] == "sv48x4" and seen_bootargs(ok) == "l1.also=1"


def test_without_l0_the_status_is_not_claimed():
    """On OpenSBI alone QEMU exits 0 on every SRST shutdown, so a run with
    no L0 below the foreign L1 cannot know its status: no pass, and the
    error says why."""
    res = testing.run(foreign("single", bootargs="foreign.fail=1"), icount=True, timeout=60)
    assert res.exit_code == 0 and "powering off (system failure)" in res.console
    assert res.outcome is Outcome.NO_DONE, (res.outcome, res.error)
    assert "boots no L0" in res.error


def test_every_configuration_splits_l0args_and_bootargs_alike():
    """In every configuration that boots L0, L0ARGS land before the first
    " -- " and BOOTARGS at the very end of -append, unchanged; the others
    refuse L0ARGS with a message instead of dropping them."""
    n = 0
    for name in config.list_names():
        plain = config.load(name)
        if not plain.boots_l0:
            with pytest.raises(config.ConfigError, match="boots no L0"):
                config.load(name, l0args="l1.x=1")
            if "{bootargs}" in plain.raw.get("append", ""):
                assert config.load(name, bootargs=QUOTED).append.endswith(QUOTED), name
            continue
        c = config.load(name, l0args="l1.x=1", bootargs=QUOTED)
        l0, l1 = params.split_append(c.append)
        assert "l1.x=1" in l0.split(), (name, c.append)
        assert c.append.endswith(" -- " + QUOTED) or c.append.endswith(" " + QUOTED), \
            (name, c.append)
        assert l1.endswith(QUOTED), (name, c.append)
        n += 1
    assert n >= 10


def test_make_run_with_a_foreign_l1(tmp_path):
    """The commands of the issue, through make: status 0 exits 0; status 1
    exits non-zero naming it; BOOTARGS='a="b c"' reaches L1 unchanged."""
    foreign()  # skips when not built
    env = dict(os.environ, RVNEST_BUILD=str(config.build_dir()))

    def make(*args):
        return subprocess.run(["make", "--no-print-directory", "-C", str(config.ROOT), "run",
                               f"BUILD={config.build_dir()}", "CONFIG=nested",
                               f"L1={FOREIGN}", *args],
                              capture_output=True, text=True, timeout=300, env=env)

    ok = make('BOOTARGS=a="b c"')
    assert ok.returncode == 0, ok.stderr[-2000:]
    assert 'foreign-l1: hart 0 bootargs=[a="b c"]' in ok.stdout
    bad = make("BOOTARGS=foreign.fail=1")
    assert bad.returncode != 0
    assert "L1 powered off with status 1" in bad.stderr


def test_boot_cli_has_l0args():
    assert boot.main(["single", "--l0args", "l1.x=1"]) == 1
