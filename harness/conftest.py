"""pytest setup for every harness/test_*.py (any component's)."""

from harness import config as rvconfig
from harness import qemu


def pytest_report_header(config):
    try:
        v = qemu.version()
    except qemu.QemuError as e:
        v = f"unavailable: {e}"
    return [f"rvnest: {v}", f"rvnest: build dir {rvconfig.build_dir()}"]
