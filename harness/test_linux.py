"""Linux 7.3 (linux/'s default kernel) as L1 directly on QEMU's H extension (config linux-qemu): the
kernel of linux/ reaches its static /init, sees the H extension, and KVM
works inside it. A second boot without the H extension shows that the
checks can tell the difference. The same kernel boots on L0 in linux-l0."""

import re
import subprocess
from pathlib import Path

import pytest

from harness import config, testing
from harness.runner import Outcome

NAME = "linux-qemu"
CPUINFO_BEGIN = "linux-init: begin /proc/cpuinfo"
CPUINFO_END = "linux-init: end /proc/cpuinfo"
# /proc/cpuinfo's isa line: "rv64" + single-letter extensions, then
# "_"-separated multi-letter ones (arch/riscv/kernel/cpu.c, print_isa).
ISA_RE = re.compile(r"^isa\s*:\s*rv64([a-z]*)")
HART_RE = re.compile(r"^hart\s*:\s*(\d+)")
# KVM_API_VERSION in <linux/kvm.h>, stable since Linux 2.6.22
KVM_API_VERSION = 12


@pytest.fixture
def cfg():
    return testing.load_or_skip(NAME)


def boot(cfg, **overrides):
    """One boot per variant, shared by every test that reads it."""
    key = (NAME,) + tuple(sorted(overrides.items()))
    return testing.run_ok(cfg.with_overrides(**overrides) if overrides else cfg,
                          cache_key=key)


def cpuinfo(res):
    """The /proc/cpuinfo text that /init printed between its markers."""
    lines = res.console.splitlines()
    try:
        begin = lines.index(CPUINFO_BEGIN)
        end = lines.index(CPUINFO_END, begin)
    except ValueError:
        pytest.fail(f"no {CPUINFO_BEGIN!r} ... {CPUINFO_END!r} block in {res.log_path}",
                    pytrace=False)
    return lines[begin + 1:end]


def harts(res):
    """{hart id: single-letter ISA extensions} from /proc/cpuinfo."""
    out, hart = {}, None
    for line in cpuinfo(res):
        m = HART_RE.match(line)
        if m:
            hart = int(m.group(1))
        m = ISA_RE.match(line)
        if m and hart is not None:
            out[hart] = m.group(1)
    return out


def probe(res, name):
    found = [r for r in res.protocol.probes if r.get("id") == name]
    assert len(found) == 1, f"expected one 'RVNEST probe id={name}' line, got {len(found)}"
    return found[0]


def test_boots_to_init(cfg):
    res = boot(cfg)
    p = res.protocol
    assert [b["component"] for b in p.boots] == ["linux-init"]
    assert "RVNEST linux-init marker=reached" in res.console.splitlines()
    assert p.done["status"] == 0
    uname = probe(res, "uname")
    assert uname["sysname"] == "Linux"
    # the kernel linux/build.sh built: the version its .config names
    # ("# Linux/riscv 7.3.4 Kernel Configuration"), a 7.x (ci/linux-src.sh)
    kconf = (Path(cfg.values["build"]) / "linux" / "config").read_text()
    version = re.search(r"^# Linux/riscv (\S+) Kernel Configuration", kconf, re.M).group(1)
    assert version.startswith("7."), version
    assert uname["release"].startswith(version), (uname.line, version)
    assert uname["machine"] == "riscv64"
    # the kernel's own clock: booting took measurable, finite time
    assert 0 < float(probe(res, "uptime")["seconds"]) < cfg.timeout
    # QEMU virt's device tree has one syscon-poweroff node; /init unbinds
    # its driver so the power-off goes through SBI SRST, as it must on L0
    off = probe(res, "poweroff")
    assert (off["via"], off["syscon_unbound"]) == ("sbi", "1")


def test_cpuinfo_shows_h(cfg):
    found = harts(boot(cfg))
    assert list(found) == list(range(cfg.smp)), found
    for hart, letters in found.items():
        assert "h" in letters, f"hart {hart}: isa rv64{letters} has no 'h'"


def test_smp(cfg):
    """The kernel is built with SMP: every hart QEMU gives it comes up."""
    found = harts(boot(cfg, smp=2))
    assert sorted(found) == [0, 1], found
    assert all("h" in letters for letters in found.values()), found


def test_kvm_works(cfg):
    kvm = probe(boot(cfg), "kvm")
    assert kvm["dev"] == "present"
    assert int(kvm["api"]) == KVM_API_VERSION
    assert kvm["create_vm"] == "ok"
    assert kvm["create_vcpu"] == "ok"


def test_without_h_kvm_is_absent(cfg):
    """The same kernel on a CPU without H: no 'h' in cpuinfo, no /dev/kvm,
    and /init still ends cleanly (absence is a fact, not a failure)."""
    res = boot(cfg, cpu="rv64,h=false")
    for hart, letters in harts(res).items():
        assert "h" not in letters, f"hart {hart}: isa rv64{letters}"
    kvm = probe(res, "kvm")
    assert (kvm["dev"], kvm["create_vm"], kvm["create_vcpu"]) == ("absent", "skipped", "skipped")


def test_sbi_console(cfg):
    """The console an L0 without a UART for L1 offers: SBI (earlycon=sbi,
    then hvc0). /init's output must reach the console through it too."""
    sbi = testing.load_or_skip(NAME, bootargs="console=hvc0 earlycon=sbi")
    res = testing.run_ok(sbi, cache_key=(NAME, "hvc0"))
    lines = res.console.splitlines()
    assert any(re.search(r"console \[hvc0\] enabled", line) for line in lines)
    assert not any(re.search(r"console \[ttyS0\] enabled", line) for line in lines)
    assert "RVNEST linux-init marker=reached" in lines
    assert probe(res, "kvm")["create_vcpu"] == "ok"


@pytest.mark.parametrize("step,error", [
    ("kvm", "msg=injected_failure what=kvm errno=ECANCELED"),
    ("cpuinfo", "msg=injected_failure what=cpuinfo errno=ECANCELED"),
    ("kvmm", "msg=unknown_step_in_rvnest_init_fail what=kvmm errno=EINVAL"),
])
def test_init_failure_ends_run(cfg, step, error):
    """A failing /init step (injected through the kernel command line) ends
    the run at once: an error line, `done status=1`, the SBI power-off; a
    misspelt step name is an error too, never a clean run."""
    bad = testing.load_or_skip(NAME, bootargs=f"{cfg.append} rvnest_init_fail={step}")
    res = testing.run(bad)
    assert res.outcome is Outcome.GUEST_ERROR
    assert res.error == f"config {NAME}: guest reported: RVNEST error {error}"
    assert res.protocol.done["status"] == 1
    assert not res.timed_out and res.exit_code == 0  # powered off, not killed
    assert probe(res, "poweroff")["via"] == "sbi"


def check_config(dot_config):
    return subprocess.run(
        ["bash", str(config.ROOT / "linux" / "build.sh"), "--check-config", str(dot_config)],
        capture_output=True, text=True, timeout=60)


def test_fragment_check(tmp_path):
    """The built kernel's .config has every option of linux/config-fragment,
    and the check that guarantees it names each option Kconfig dropped."""
    built = config.build_dir() / "linux" / "config"
    if not built.exists():
        pytest.skip(f"{built} not built yet (make linux)")
    ok = check_config(built)
    assert ok.returncode == 0, ok.stderr
    text = built.read_text()
    assert "CONFIG_KVM=y\n" in text and "CONFIG_HVC_RISCV_SBI=y\n" in text
    bad = tmp_path / "config"
    bad.write_text(text.replace("CONFIG_KVM=y\n", "")
                   .replace("CONFIG_HVC_RISCV_SBI=y\n", "# CONFIG_HVC_RISCV_SBI is not set\n"))
    res = check_config(bad)
    assert res.returncode == 1
    assert "2 option(s) of" in res.stderr
    assert "CONFIG_KVM=y (got: absent)" in res.stderr
    assert "CONFIG_HVC_RISCV_SBI=y (got: # CONFIG_HVC_RISCV_SBI is not set)" in res.stderr
