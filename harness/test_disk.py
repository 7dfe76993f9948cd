"""Linux as L1 with a disk and a network (issue 12, disk/README.md): root on
a virtio-blk-pci ext4 disk, a virtio-net-pci NIC on QEMU's user networking.

On QEMU's H (linux-qemu-disk, kvm-qemu-disk), now: a file written in one
boot is read back and checksummed in the next boot of the same disk (and
found in the image by debugfs on the host); DHCP and the static address
both bring eth0 up; an HTTP transfer from disk/httpd.py through QEMU's
guestfwd arrives whole (its SHA-256 is the one the host computes); KVM
runs from the disk. On L0 (linux-l0-disk, kvm-l0-disk) the same, plus: L1
sees the virtio functions and not the IOMMU; these skip, saying why, until
L0 has `l1.pci` (l0-hyp/options.c), and then turn on by themselves.
Every run boots a copy of the disk in tmp_path; nothing asserts time."""

import hashlib
import importlib.util
import subprocess

import pytest

from harness import config, diskrun, testing
from harness.config import ROOT

HTTP_BYTES = 1048576
STATE_FILE = "/var/lib/rvnest/boot.dat"
# QEMU's riscv-iommu-pci: vendor 0x1b36 (Red Hat, QEMU's generic), device
# 0x0014 (QEMU docs/specs/riscv-iommu.rst)
IOMMU_ID = "1b36:0014"
VIRTIO_VENDOR = "1af4"
L0_OPTIONS = ROOT / "l0-hyp" / "options.c"


def _httpd():
    spec = importlib.util.spec_from_file_location("rvnest_disk_httpd", ROOT / "disk" / "httpd.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


httpd = _httpd()


def content(boot: int) -> bytes:
    """What disk/init.sh writes in boot number `boot` (its content())."""
    return "".join(f"rvnest-disk boot={boot} line={i}\n" for i in range(1, 4097)).encode()


def l0_has_pci() -> bool:
    return '"l1.pci"' in L0_OPTIONS.read_text()


def disk_cfg(name, tmp_path, bootargs_extra="", disk=None):
    """The configuration booting `disk` (default: a fresh sparse copy of
    the build's disk in tmp_path) instead of the build's disk."""
    if name.startswith(("linux-l0", "kvm-l0")) and not l0_has_pci():
        pytest.skip(f"config {name}: L0 has no l1.pci option yet ({L0_OPTIONS.relative_to(ROOT)}; "
                    "issue 12's L0 side, branch pci12)")
    base = testing.load_or_skip(name)
    if disk is None:
        disk = diskrun.copy_disk(tmp_path / f"{name}.ext4")
    cfg = base
    if bootargs_extra:
        cfg = config.load(name, bootargs=f"{base.values['bootargs']} {bootargs_extra}")
    return diskrun.with_disk(cfg, disk), disk


disk_lines = diskrun.by_name


def run_ok(cfg):
    res = testing.run(cfg)
    if not res.ok:
        pytest.fail(f"{res.error} (log: {res.log_path})", pytrace=False)
    return res


def debugfs_cat(image, path) -> bytes:
    r = subprocess.run(["debugfs", "-R", f"cat {path}", str(image)], capture_output=True)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout


def check_devices(d: dict, on_l0: bool):
    root = d["root"]
    assert root["status"] == 0, root.line
    assert root["fstype"] == "ext4" and root["mode"] == "rw", root.line
    fns = dict(f.split("=") for f in d["pci"]["functions"].split(","))
    assert fns[root["pci"]].startswith(VIRTIO_VENDOR + ":"), (root.line, d["pci"].line)
    assert fns[d["net"]["pci"]].startswith(VIRTIO_VENDOR + ":"), (d["net"].line, d["pci"].line)
    if on_l0:
        # L0 keeps the IOMMU to itself (issue 12: "L1 never sees ... the IOMMU")
        assert IOMMU_ID not in fns.values(), d["pci"].line
    else:
        # the same device set as on L0: QEMU's own bridge shows the IOMMU
        assert IOMMU_ID in fns.values(), d["pci"].line


def check_http(d: dict):
    h = d["http"]
    assert h["status"] == 0, h.line
    assert int(h["bytes"]) == HTTP_BYTES
    assert h["sha256"] == httpd.sha256(HTTP_BYTES), h.line


def reboot_test(name, tmp_path):
    """Two boots of one disk: the first writes boot 1's file (DHCP), the
    second (static address) finds it and writes boot 2's."""
    on_l0 = "-l0-" in name
    cfg, disk = disk_cfg(name, tmp_path)
    first = disk_lines(run_ok(cfg))
    check_devices(first, on_l0)
    assert first["persist"]["found"] == "0", first["persist"].line
    w = first["write"]
    want = hashlib.sha256(content(1)).hexdigest()
    assert (w["status"], w["boot"], w["sha256"], w["expected"]) == (0, "1", want, want), w.line
    assert int(w["bytes"]) == len(content(1))
    # on the host: the bytes are in the image file, not only in L1's cache
    assert debugfs_cat(disk, STATE_FILE) == content(1)
    assert first["net"]["via"] == "dhcp" and first["net"]["addr"] == "10.0.2.15/24", first["net"].line
    # restrict=on: slirp's DHCP offers no router (libslirp bootp.c)
    assert first["net"]["gw"] == "none", first["net"].line
    check_http(first)

    cfg2, _ = disk_cfg(name, tmp_path, "rvnest.net=static", disk=disk)
    second = disk_lines(run_ok(cfg2))
    p = second["persist"]
    assert (p["status"], p["found"], p["boot"], p["sha256"]) == (0, "1", "1", want), p.line
    w2 = second["write"]
    want2 = hashlib.sha256(content(2)).hexdigest()
    assert (w2["status"], w2["boot"], w2["sha256"]) == (0, "2", want2), w2.line
    assert debugfs_cat(disk, STATE_FILE) == content(2)
    n2 = second["net"]
    assert (n2["status"], n2["via"], n2["addr"], n2["gw"]) == (0, "static", "10.0.2.15/24", "10.0.2.2"), n2.line
    check_http(second)


# ---- host side: the HTTP peer and the image builder ---------------------

def test_httpd_serves_content_and_refuses_the_rest():
    import io
    out = io.BytesIO()
    assert httpd.serve(io.BytesIO(b"GET /bytes/5000 HTTP/1.1\r\nHost: x\r\n\r\n"), out) == 0
    head, _, body = out.getvalue().partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200 OK") and b"Content-Length: 5000" in head
    assert body == httpd.content(5000) and len(set(body)) > 200
    assert hashlib.sha256(body).hexdigest() == httpd.sha256(5000)
    for req, status in ((b"GET /etc/passwd HTTP/1.0\r\n\r\n", b"400"),
                        (b"POST /bytes/1 HTTP/1.0\r\n\r\n", b"400"),
                        (f"GET /bytes/{httpd.MAX_BYTES + 1} HTTP/1.0\r\n\r\n".encode(), b"404")):
        out = io.BytesIO()
        assert httpd.serve(io.BytesIO(req), out) == 1
        assert out.getvalue().startswith(b"HTTP/1.0 " + status), req


def _mkdisk(tmp_path, out, **over):
    debian = subprocess.run(["bash", "ci/debian-userspace.sh", "--offline"], cwd=ROOT,
                            capture_output=True, text=True)
    if debian.returncode:
        pytest.skip(f"the Debian tree is not fetched (make deps): {debian.stderr.strip()}")
    b = config.build_dir()
    args = {"--debian": debian.stdout.strip() + "/root", "--init": str(ROOT / "disk/init.sh"),
            "--dhcp-script": str(ROOT / "disk/udhcpc.script"),
            "--vmm": str(b / "kvm-vmm/vmm"), "--micro": str(b / "guests/micro/micro.bin"),
            "--nsclock": str(b / "disk/nsclock"),
            "--out": str(out)}
    args.update(over)
    for k in ("--vmm", "--micro", "--nsclock"):
        if k not in over and not (ROOT / args[k]).exists():
            pytest.skip(f"{args[k]} not built (make)")
    return subprocess.run(["/usr/bin/python3", str(ROOT / "disk/mkdisk.py")]
                          + [x for kv in args.items() for x in kv],
                          cwd=ROOT, capture_output=True, text=True)


def test_mkdisk_reproducible_and_complete(tmp_path):
    a, b = tmp_path / "a.ext4", tmp_path / "b.ext4"
    for out in (a, b):
        r = _mkdisk(tmp_path, out)
        assert r.returncode == 0, r.stderr
    assert a.read_bytes() == b.read_bytes()
    assert debugfs_cat(a, "/init") == (ROOT / "disk/init.sh").read_bytes()
    assert debugfs_cat(a, "/usr/libexec/rvnest/vmm") == (config.build_dir() / "kvm-vmm/vmm").read_bytes()
    ls = subprocess.run(["debugfs", "-R", "ls -l /usr/bin", str(a)], capture_output=True, text=True).stdout
    for applet in ("udhcpc", "wget", "dd", "sha256sum"):
        assert f" {applet}\n" in ls + "\n", applet


def test_mkdisk_missing_input_is_named(tmp_path):
    r = _mkdisk(tmp_path, tmp_path / "x.ext4", **{"--vmm": str(tmp_path / "no-vmm")})
    assert r.returncode == 1
    assert f"--vmm {tmp_path / 'no-vmm'} does not exist" in r.stderr
    assert not (tmp_path / "x.ext4").exists()


# ---- boots ---------------------------------------------------------------

def test_linux_qemu_disk_reboot_and_network(tmp_path):
    reboot_test("linux-qemu-disk", tmp_path)


def test_linux_qemu_disk_bad_option_is_an_error(tmp_path):
    cfg, _ = disk_cfg("linux-qemu-disk", tmp_path, "rvnest.net=carrier-pigeon")
    res = testing.run(cfg)
    assert not res.ok
    assert "bad_option" in res.error and "rvnest.net=carrier-pigeon" in res.error, res.error


def test_kvm_qemu_disk(tmp_path):
    cfg, _ = disk_cfg("kvm-qemu-disk", tmp_path)
    res = run_ok(cfg)
    d = disk_lines(res)
    check_devices(d, on_l0=False)
    check_http(d)
    assert d["kvm"]["status"] == 0, d["kvm"].line
    # the micro-guests ran under KVM, from the disk's kvm-vmm
    assert any(r.kind == "boot" and r.get("component") == "kvm-vmm" for r in res.protocol.records)
    assert "hypercall" in res.protocol.benches


def test_linux_l0_disk_reboot_and_network(tmp_path):
    reboot_test("linux-l0-disk", tmp_path)


def test_kvm_l0_disk(tmp_path):
    cfg, _ = disk_cfg("kvm-l0-disk", tmp_path)
    res = run_ok(cfg)
    d = disk_lines(res)
    check_devices(d, on_l0=True)
    check_http(d)
    assert d["kvm"]["status"] == 0, d["kvm"].line
    assert "hypercall" in res.protocol.benches
    # L0 kept running to the end: its shutdown statistics are there
    assert res.protocol.l0stats is not None


def test_linux_qemu_disk_iobench_lines(tmp_path):
    """rvnest.iobench=<MiB>: one line per transfer, each successful with a
    positive duration of L1's clock (the figures themselves are the
    benchmark's, benchmarks/iobench.py: never asserted)."""
    cfg, _ = disk_cfg("linux-qemu-disk", tmp_path, "rvnest.iobench=2")
    res = run_ok(cfg)
    ops = {r["op"]: r for r in diskrun.records(res) if r["name"] == "iobench"}
    assert set(ops) == {"disk_write", "disk_read", "net_http_get"}
    for r in ops.values():
        assert r["status"] == 0 and r["mib"] == "2" and int(r["ns"]) > 0, r.line
