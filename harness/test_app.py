"""Real workloads (issue 13, app/README.md): Debian's riscv64 user space,
Debian's QEMU with -accel kvm in L1, hackbench in L2.

Host side: the package manifest names what the images are made of, L2's
disk is the same bytes when rebuilt, and a program whose library is not in
the Debian tree is refused with a message naming the library.

In QEMU (app-kvm-l0, the quick subset of make test): L0 -> Linux/KVM with
Debian's user space -> Debian's QEMU -> L2 from its virtio-blk disk pings
L1's QEMU over virtio-net and runs hackbench to its line; L0 counted the
traps of the run, L2's exits among them. Time is printed, never asserted."""

import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from harness import testing
from harness.config import ROOT

sys.path.insert(0, str(ROOT / "app"))
import rootfs  # noqa: E402  (app/rootfs.py)

NESTED = "app-kvm-l0"
# the packages asked for (ci/debian-userspace.sh); the rest is their Depends
WANTED = ("busybox-static", "rt-tests", "qemu-system-riscv", "sysbench", "stress-ng",
          "memcached", "libmemcached-tools", "qbe")
# app/l2-init.sh pings L1's QEMU this many times over virtio-net
PINGS = 3


def debian_tree():
    r = subprocess.run(["bash", str(ROOT / "ci/debian-userspace.sh"), "--offline"],
                       capture_output=True, text=True)
    if r.returncode:
        pytest.skip(f"Debian user space not fetched: {r.stderr.strip()}")
    return r.stdout.strip().splitlines()[-1]


def test_manifest_names_the_packages():
    entry = debian_tree()
    rows = [l.split("\t") for l in open(os.path.join(entry, "manifest.tsv")).read().splitlines()]
    assert rows == sorted(rows), "manifest.tsv must be sorted"
    by_name = {r[0]: r for r in rows}
    for p in WANTED:
        assert p in by_name, f"{p} missing from the manifest"
    for name, version, arch, sha in rows:
        assert version and arch in ("riscv64", "all"), (name, version, arch)
        assert len(sha) == 64 and int(sha, 16) >= 0, (name, sha)


def test_l2_disk_is_reproducible(tmp_path):
    if not shutil.which("mke2fs"):
        pytest.skip("mke2fs not installed (make deps)")
    root = os.path.join(debian_tree(), "root")
    init = str(ROOT / "app/l2-init.sh")
    imgs = []
    for i in (1, 2):
        out = tmp_path / f"l2-{i}.ext4"
        assert rootfs.main(["l2", "--debian", root, "--init", init, "--out", str(out)]) == 0
        imgs.append(out.read_bytes())
        # a second apart: a time taken from the clock shows as a difference
        time.sleep(1.1)
    assert imgs[0] == imgs[1], "two builds of L2's disk differ"
    ls = subprocess.run(["debugfs", "-R", "ls -l /usr/bin", str(tmp_path / "l2-1.ext4")],
                        capture_output=True, text=True).stdout
    for name in ("hackbench", "busybox", "sh", "sysbench", "stress-ng", "memcached", "qbe"):
        assert f" {name}" in ls, f"{name} not in L2's /usr/bin: {ls}"


def test_missing_library_is_named(tmp_path, capsys):
    """A tree with the workloads' programs but without their libraries: a
    clear error naming one, no image."""
    root = os.path.join(debian_tree(), "root")
    fake = tmp_path / "debian"
    (fake / "usr/bin").mkdir(parents=True)
    for p in (rootfs.BUSYBOX, *rootfs.WORKLOAD_PROGRAMS):
        shutil.copy(os.path.join(root, p), fake / p)
    out = tmp_path / "l2.ext4"
    assert rootfs.main(["l2", "--debian", str(fake), "--init",
                        str(ROOT / "app/l2-init.sh"), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert re.search(r"shared library lib\S+\.so\S* is not in " + re.escape(str(fake)), err), err
    assert not out.exists()


@pytest.fixture(scope="module")
def nested():
    cfg = testing.load_or_skip(NESTED)
    return testing.run_ok(cfg, cache_key=NESTED)


def app_lines(res, name):
    return [r for r in res.protocol.records if r.kind == "app" and r.get("name") == name]


def test_nested_hackbench_completes(nested):
    (hb,) = app_lines(nested, "hackbench")
    assert hb["status"] == 0
    assert hb.get("time_s", "none") != "none", hb.line


def test_nested_virtio_net_reaches_l1(nested):
    (net,) = app_lines(nested, "net")
    assert net["status"] == 0
    assert (net["sent"], net["received"]) == (str(PINGS), str(PINGS)), net.line


def test_nested_l0_counted_the_run(nested):
    """L0 saw the whole stack: traps of L1's own, L2's exits (each one at
    least the exit and L1's return, DESIGN.md section 6), and shadow fills
    for L2's memory."""
    st = nested.protocol.l0stats
    assert st is not None, "L0 printed no l0stats line"
    assert st["l2_exits"] > 0
    assert int(st["l2_forwarded"]) > 0
    assert st["traps"] >= 2 * int(st["l2_forwarded"])
    assert int(st["l2_shadow_fills"]) > 0
