"""QEMU command construction and version queries."""

import hashlib
import re
import shutil
import socket
import subprocess

from .config import Config

QEMU = "qemu-system-riscv64"
ICOUNT_ARGS = ("-icount", "shift=0,sleep=off")
# Console on stdio, no monitor, and a guest reset ends QEMU so a crashing
# guest cannot loop forever.
CONSOLE_ARGS = ("-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot")
QUERY_TIMEOUT = 10


class QemuError(Exception):
    pass


def qemu_binary() -> str:
    path = shutil.which(QEMU)
    if not path:
        raise QemuError(f"{QEMU} not found on PATH (run `make deps`)")
    return path


def command(cfg: Config, icount=None, gdb_port=None) -> list:
    """The full QEMU argv for a configuration. icount None = the
    configuration's `deterministic`; gdb_port starts QEMU halted (-S) with a
    gdbstub on that port."""
    if icount is None:
        icount = cfg.deterministic
    argv = [QEMU, "-M", cfg.machine, "-cpu", cfg.cpu, "-m", cfg.memory,
            "-smp", str(cfg.smp), "-bios", cfg.firmware, "-kernel", cfg.kernel]
    if cfg.initrd:
        argv += ["-initrd", cfg.initrd]
    if cfg.append:
        argv += ["-append", cfg.append]
    for d in cfg.devices:
        argv += ["-device", d]
    argv += CONSOLE_ARGS
    if icount:
        argv += ICOUNT_ARGS
    if gdb_port is not None:
        argv += ["-S", "-gdb", f"tcp:127.0.0.1:{gdb_port}"]
    argv += list(cfg.extra_args)
    return argv


def _query(argv) -> str:
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=QUERY_TIMEOUT)
    except FileNotFoundError:
        return "not installed"
    except subprocess.TimeoutExpired:
        return f"no answer within {QUERY_TIMEOUT}s"
    return (r.stdout or r.stderr).strip()


_version = None


def version() -> str:
    """First line of `qemu-system-riscv64 --version` (cached)."""
    global _version
    if _version is None:
        _version = _query([qemu_binary(), "--version"]).splitlines()[0]
    return _version


def version_tuple() -> tuple:
    m = re.search(r"version (\d+)\.(\d+)\.(\d+)", version())
    return tuple(int(x) for x in m.groups()) if m else (0, 0, 0)


def opensbi_version(firmware: str) -> str:
    """The firmware's provenance: the Debian opensbi package version (the
    binary carries no version string of its own; its banner is printed from
    a format) plus the image's SHA-256."""
    try:
        digest = hashlib.sha256(open(firmware, "rb").read()).hexdigest()
    except OSError as e:
        return f"{firmware}: unreadable ({e.strerror})"
    pkg = _query(["dpkg-query", "-W", "-f=${Version}", "opensbi"])
    return f"Debian opensbi {pkg}, sha256 {digest}"


def tool_version(tool: str) -> str:
    return _query([tool, "--version"]).splitlines()[0] if shutil.which(tool) else "not installed"


def free_port() -> int:
    """An ephemeral TCP port on localhost (never a fixed port: several QEMUs
    may run at once on a shared machine)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
