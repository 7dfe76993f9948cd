"""The harness's own paths, exercised on its self-test image
(harness/images/selftest.c) so they are tested whatever hypervisor exists:
a passing run, determinism under icount, and each failure mode ending in
one line that names the configuration and the problem."""

import struct
import subprocess
import sys

import pytest

from harness import config, fdtcheck, qemu, runner, testing
from harness.runner import Outcome

NAME = "selftest"


@pytest.fixture
def cfg():
    return testing.load_or_skip(NAME)


def test_passes_and_parses(cfg):
    res = testing.run_ok(cfg, icount=True, cache_key=(NAME, "icount", 1))
    p = res.protocol
    assert p.boots[0]["component"] == "harness-selftest"
    assert set(p.benches) == {"compute", "sbi_call"}
    iters = int(cfg.append.split("rvnest.iters=")[1].split()[0])
    for b in p.benches.values():
        assert b["iters"] == iters
        # under -icount shift=0 one instruction is one cycle (DESIGN §7)
        assert b["cycle"] == b["instret"] > 0
    # each SBI call traps to M-mode firmware and back: far more instructions
    # per operation than one iteration of the compute loop
    assert p.benches["sbi_call"]["instret"] > 10 * p.benches["compute"]["instret"]
    assert res.log_path.exists() and "RVNEST done status=0" in res.log_path.read_text()
    assert res.log_path.read_text().startswith("# " + res.command[0])


def test_icount_runs_identical(cfg):
    a = testing.run_ok(cfg, icount=True, cache_key=(NAME, "icount", 1))
    b = testing.run_ok(cfg, icount=True, cache_key=(NAME, "icount", 2))
    assert a.log_path != b.log_path
    for name, ra in a.protocol.benches.items():
        rb = b.protocol.benches[name]
        assert (ra["instret"], ra["cycle"]) == (rb["instret"], rb["cycle"]), name


def test_iterations_scale(cfg):
    """The measurement is real: twice the iterations, about twice the
    instructions (the loop body is fixed; only the bracketing differs)."""
    a = testing.run_ok(cfg, icount=True, cache_key=(NAME, "icount", 1)).protocol.benches
    c2 = config.load(NAME, bootargs="rvnest.iters=2000")
    b = testing.run_ok(c2, icount=True).protocol.benches
    for name in a:
        per_a = a[name]["instret"] / a[name]["iters"]
        per_b = b[name]["instret"] / b[name]["iters"]
        assert abs(per_a - per_b) / per_a < 0.01, name


def test_timeout_names_config_and_last_line(cfg):
    c = config.load(NAME, bootargs="rvnest.hang=1")
    res = runner.run(c, timeout=3)
    assert res.outcome is Outcome.TIMEOUT
    assert res.error == (f"config {NAME}: timeout after 3s: the guest never finished; "
                         "last console line: 'selftest: rvnest.hang=1: spinning forever'")
    assert res.duration < 3 + runner.KILL_GRACE + runner.DRAIN_TIMEOUT


def test_guest_error(cfg):
    res = runner.run(config.load(NAME, bootargs="rvnest.fail=1"))
    assert res.outcome is Outcome.GUEST_ERROR
    assert res.error == f"config {NAME}: guest reported: RVNEST error msg=requested_failure arg=rvnest.fail"


def test_no_h_extension(cfg):
    # QEMU 10's generic rv64 CPU has H by default; h=false removes it
    res = runner.run(cfg.with_overrides(cpu="rv64,h=false"))
    assert res.outcome is Outcome.NO_H_EXTENSION
    assert "has no H extension (-cpu rv64,h=false)" in res.error
    assert "\n" not in res.error


def test_qemu_cannot_give_h(cfg):
    # a CPU model QEMU will not extend: QEMU itself refuses to start
    res = runner.run(cfg.with_overrides(cpu="sifive-u54,h=true"))
    assert res.outcome is Outcome.NO_H_EXTENSION
    assert res.error.startswith(f"config {NAME}: this QEMU cannot give the CPU the H extension "
                                "(-cpu sifive-u54,h=true): qemu-system-riscv64: ")
    assert res.log_path.exists()


def test_qemu_rejects_cpu(cfg):
    res = runner.run(cfg.with_overrides(cpu="rv64,nosuchprop=on"))
    assert res.outcome is Outcome.QEMU_START_FAILED
    assert res.error.startswith(f"config {NAME}: QEMU failed to start: ")
    assert "nosuchprop" in res.error


def test_kernel_missing(tmp_path):
    c = config.load(NAME, l1=str(tmp_path / "nope.elf"))
    res = runner.run(c)
    assert res.outcome is Outcome.MISSING_FILE
    assert res.error == (f"config {NAME}: kernel image {tmp_path / 'nope.elf'} does not exist "
                         "(build it with `make`, or pass another path)")
    assert res.log_path is None  # QEMU never started


def boot_cli(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "harness.boot", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=config.ROOT)


def test_cli_pass_shows_console(cfg):
    r = boot_cli(NAME)
    assert r.returncode == 0, r.stderr
    assert "OpenSBI" in r.stdout and "RVNEST done status=0" in r.stdout
    assert "QEMU emulator version" in r.stderr  # the QEMU in use is printed


@pytest.mark.parametrize("args,needle", [
    (("--bootargs", "rvnest.hang=1", "--timeout", "2"), "timeout after 2s"),
    (("--l1", "/nonexistent/l1.elf"), "kernel image /nonexistent/l1.elf does not exist"),
    (("--bootargs", "rvnest.iters=0"), "guest reported: RVNEST error msg=bad_bootarg"),
])
def test_cli_errors_are_one_line(cfg, args, needle):
    r = boot_cli(NAME, *args)
    assert r.returncode == 1
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and needle in errors[0], r.stderr


def test_cli_unknown_config():
    r = boot_cli("nosuchconfig")
    assert r.returncode == 1
    assert r.stderr.strip().startswith("error: no configuration 'nosuchconfig'")


# ---- device trees the firmware would hang on (harness/fdtcheck.py) ----------

@pytest.fixture(scope="module")
def qemu_dtb(tmp_path_factory):
    """The device tree QEMU itself generates for the selftest machine."""
    cfg = testing.load_or_skip("selftest")
    path = tmp_path_factory.mktemp("dtb") / "virt.dtb"
    subprocess.run([qemu.qemu_binary(), "-M", f"{cfg.machine},dumpdtb={path}", "-cpu", cfg.cpu,
                    "-m", cfg.memory, "-nographic"], check=True, capture_output=True, timeout=30)
    return path.read_bytes()


def test_fdtcheck_accepts_qemu_dtb(qemu_dtb):
    assert fdtcheck.check_blob(qemu_dtb) == ""


def test_fdtcheck_names_each_defect(qemu_dtb):
    off_struct, = struct.unpack(">I", qemu_dtb[8:12])
    size_struct, = struct.unpack(">I", qemu_dtb[36:40])
    end_struct = off_struct + size_struct
    cases = {
        "shorter than an FDT header": qemu_dtb[:20],
        "bad magic": b"\0\0\0\0" + qemu_dtb[4:],
        "truncated inside its structure block": qemu_dtb[:off_struct + size_struct // 2],
        # the last token (FDT_END) overwritten with an FDT_END_NODE
        "closes a node that was never opened":
            qemu_dtb[:end_struct - 4] + struct.pack(">I", 2) + qemu_dtb[end_struct:],
        "unknown structure token":
            qemu_dtb[:off_struct] + struct.pack(">I", 7) + qemu_dtb[off_struct + 4:],
    }
    for needle, blob in cases.items():
        assert needle in fdtcheck.check_blob(blob), needle


def test_truncated_dtb_is_one_line_error_not_a_hang(cfg, qemu_dtb, tmp_path):
    """OpenSBI stops silently on a structure block cut short; the harness
    refuses such a -dtb before starting QEMU, naming the file."""
    off_struct, = struct.unpack(">I", qemu_dtb[8:12])
    cut = tmp_path / "cut.dtb"
    cut.write_bytes(qemu_dtb[:off_struct + 64])
    res = runner.run(cfg.with_overrides(extra_args=("-dtb", str(cut))), announce=False)
    assert res.outcome is runner.Outcome.BAD_DEVICE_TREE, res.error
    assert str(cut) in res.error and "structure block" in res.error
    assert "\n" not in res.error
