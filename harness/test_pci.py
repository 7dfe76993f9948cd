"""PCI passthrough through the RISC-V IOMMU (issue 12, L0 side;
l0-hyp/README.md "PCI passthrough"): tests/pcidma as L1 on L0 with
l1.pci=00:02.0, a virtio-blk-pci disk behind QEMU's riscv-iommu-pci, each
run on a fresh copy of the disk (tests/pcidma/mkdisk.py) in pytest's tmp.

What is asserted: L1 sees its one function and never the IOMMU's; its DMA
reaches the disk image through the IOMMU (sector 0 read, sector 1 written
and found in the file); a descriptor pointing outside L1's RAM (the host
DTB) is stopped: L0 reports the faults naming the device, address and
cause, the disk did not get the host's bytes and L0 finds the DTB
unchanged; L1's load from the IOMMU's registers faults; a BAR moved by L1
does not move the device; L0 keeps running and L1 powers off with status
0. And the refusals: no IOMMU, an unknown function, the IOMMU itself, a
virtio device that would DMA around the IOMMU. Every run is under icount,
where these counts repeat exactly.
"""

import dataclasses
import shutil
import struct

import pytest

from harness import config, runner, testing

NAME = "pci-dma-l0"
SECTOR = 512
STRAY = 0xBFE00000  # the host DTB with -m 1G, outside L1's 256M
FDT_MAGIC = struct.pack(">I", 0xD00DFEED)
IOMMU_DEV = "riscv-iommu-pci"
VIRTIO = "virtio-blk-pci,drive=d0,disable-legacy=on,iommu_platform=on"


def disk_run(tmp_path, l0args=None, bootargs=None, devices=None, machine=None, smp=None):
    """One boot of pci-dma-l0 on a fresh disk in tmp_path: (result, disk
    bytes after the run)."""
    kw = {}
    if l0args is not None:
        kw["l0args"] = l0args
    if bootargs is not None:
        kw["bootargs"] = bootargs
    cfg = testing.load_or_skip(NAME, **kw)
    src = config.ROOT / "build" / "pcidma" / "disk.img"
    for arg in cfg.extra_args:
        if arg.startswith("file=") and arg.endswith(",if=none,format=raw,id=d0"):
            src = arg[len("file="):-len(",if=none,format=raw,id=d0")]
    disk = tmp_path / "disk.img"
    shutil.copyfile(src, disk)
    extra = tuple(
        f"file={disk},if=none,format=raw,id=d0" if a.startswith("file=") else a
        for a in cfg.extra_args)
    changes = {"extra_args": extra}
    if devices is not None:
        changes["devices"] = tuple(devices)
    if machine is not None:
        changes["machine"] = machine
    if smp is not None:
        changes["smp"] = smp
    cfg = dataclasses.replace(cfg, **changes)
    res = testing.run(cfg, icount=True, timeout=60)
    return res, disk.read_bytes()


def lines(res, kind):
    """The `RVNEST <kind> k=v ...` lines of the console, as dicts."""
    out = []
    for line in res.console.splitlines():
        if line.startswith(f"RVNEST {kind} "):
            out.append(dict(kv.split("=", 1) for kv in line.split()[2:]))
    return out


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    res, disk = disk_run(tmp_path_factory.mktemp("pci"))
    assert res.ok, f"{res.error} (log: {res.log_path})"
    return res, disk


def test_l1_sees_only_its_function(good):
    res, _ = good
    fns = lines(res, "pcidma")
    found = [f for f in fns if "fn" in f]
    assert [(f["fn"], f["id"], f["class"]) for f in found] == \
        [("00:02.0", "1af4:1042", "0x0100")], res.log_path
    assert not [f for f in fns if f.get("step") == "check_failed"], res.log_path
    assert "[l0] pci: L1 gets 00:02.0 (1af4:1042)" in res.console


def test_dma_through_the_iommu_reaches_the_disk_image(good):
    res, disk = good
    steps = {(f["step"], f.get("sector")): f for f in lines(res, "pcidma") if "step" in f}
    assert steps[("read", "0")]["result"] == "done"
    assert steps[("write", "1")]["result"] == "done"
    # what L1 wrote (tests/pcidma/pcidma.c disk_io) is in the file
    want = bytearray((i * 7 + 3) & 0xFF for i in range(SECTOR))
    want[:27] = b"rvnest-pcidma-written-by-L1"
    assert disk[SECTOR:2 * SECTOR] == bytes(want)
    # its device context uses L1's G-stage: GSCID = L1's VMID
    assert "GSCID 1; 1 function(s) for L1" in res.console
    st = lines(res, "l0pci")[0]
    # at boot IODIR.INVAL_DDT + IOTINVAL.GVMA + IOFENCE.C; per BAR move
    # IOTINVAL.GVMA + IOFENCE.C
    moves = int(st["bar_moves"])
    assert int(st["iommu_invalidations"]) == 1 + moves
    assert int(st["iommu_commands"]) == 3 + 2 * moves


def test_intx_reaches_l1_through_the_vplic(good):
    """The disk's INTA (00:02.0) is QEMU's PLIC source 0x22 by the bridge's
    interrupt-map, which L1's DT keeps: a completed request makes it
    pending in L0's vPLIC (L0 took the host interrupt: one irq_s_ext, one
    virq), L1 claims it, reading the virtio ISR lowers the line, and after
    L1's completion it is no longer pending."""
    res, _ = good
    step = [f for f in lines(res, "pcidma") if f.get("step") == "intx"]
    assert step == [{"step": "intx", "pin": "1", "src": "34", "request": "done",
                     "pending": "1", "claimed": "34", "isr": "0x1",
                     "pending_after": "0"}], res.log_path
    st = res.protocol.l0stats
    assert "irq_s_ext:1" in st.line and " virqs=1 " in st.line, st.line


def test_stray_dma_is_stopped_reported_and_changes_nothing(good):
    res, disk = good
    faults = lines(res, "iommu_fault")
    # one line per direction, each naming the device, the address and the
    # cause; QEMU's IOMMU reports every 4-byte access of the sector, and
    # one more for the mapping attempt
    assert [(f["bdf"], f["cause"], int(f["addr"], 16), int(f["count"])) for f in faults] == [
        ("00:02.0", "read_guest_page_fault", STRAY, 129),
        ("00:02.0", "write_guest_page_fault", STRAY, 129),
    ], res.log_path
    st = lines(res, "l0pci")[0]
    assert st["iommu_faults"] == "258" and st["iommu_fq_overflows"] == "0"
    # the device read nothing of the host into sector 2 (it wrote zeros
    # for the reads the IOMMU refused) ...
    sector2 = disk[2 * SECTOR:3 * SECTOR]
    assert FDT_MAGIC not in sector2
    assert sector2 in (bytes(SECTOR), b"\xaa" * SECTOR)
    # ... and wrote nothing into the host DTB, which L0 hashed at boot
    assert st["host_dtb"] == "intact"
    # L0 kept running: L1 went on and powered off with its status
    assert "[l0] L1 powered off (status 0)" in res.console
    assert res.protocol.l0stats is not None


def test_l1_cannot_reach_the_iommu_registers(good):
    res, _ = good
    step = [f for f in lines(res, "pcidma") if f.get("step") == "iommu_regs"]
    assert step == [{"step": "iommu_regs", "addr": "0x400000000",
                     "load": "load_access_fault"}], res.log_path
    # where L0 put them (its boot line), unmapped for L1
    assert "regs 0x400000000" in res.console
    assert "L1 access fault: load_guest_page_fault at GPA 0x400000000" in res.console


def test_bar_writes_move_the_device_only_inside_its_window(good):
    """pcidma first puts BAR4 on its own RAM (outside every window: the
    device stays), then 1 MiB higher in the 64-bit window (the device
    follows, the old page faults), then back; DMA works afterwards, so
    the G-stage and the IOMMU followed both moves."""
    res, _ = good
    st = lines(res, "l0pci")[0]
    # refused: the high half written 0, the low half onto L1's RAM, decoding
    # enabled so, the low half back first (pcidma.c bar_move)
    assert (st["bar_moves"], st["bar_moves_refused"]) == ("2", "4"), res.log_path
    assert "[l0] pci 00:02.0: L1 placed a BAR where L0 does not let it go" in res.console
    assert "[l0] pci 00:02.0: BAR4 moved by L1 from 0x400004000 to 0x400104000" in res.console
    assert "[l0] pci 00:02.0: BAR4 moved by L1 from 0x400104000 to 0x400004000" in res.console
    step = [f for f in lines(res, "pcidma") if f.get("step") == "bar_move"]
    assert step == [{"step": "bar_move", "from": "0x400004000", "to": "0x400104000",
                     "result": "moved"}]


@pytest.mark.parametrize("l0args,smp", [("l1.h=1 l1.pci=00:02.0", 1),
                                        ("l1.harts=2 l1.pci=00:02.0", 2)])
def test_bar_moves_stay_refused_where_l0_cannot_fence_l1(tmp_path, l0args, smp):
    """With the H extension for L1 (the shadow would keep the old pages)
    or several vCPUs (every hart would need the fence) L0 moves no BAR:
    the device stays, the rest works as without."""
    res, disk = disk_run(tmp_path, l0args=l0args, smp=smp,
                         bootargs=f"stray={STRAY:#x} iommu=0x400000000 iommu_dev=1 bar_moves=0")
    assert res.ok, f"{res.error} (log: {res.log_path})"
    st = lines(res, "l0pci")[0]
    # the four of the window test, and the move L0 would follow otherwise
    assert (st["bar_moves"], st["bar_moves_refused"]) == ("0", "5"), res.log_path
    assert int(st["iommu_invalidations"]) == 1
    assert disk[SECTOR:SECTOR + 27] == b"rvnest-pcidma-written-by-L1"
    assert st["host_dtb"] == "intact"


def test_sv48x4_gstage(tmp_path):
    """l1.gstage=sv48: the device contexts' iohgatp carries Sv48x4."""
    res, disk = disk_run(tmp_path, l0args="l1.gstage=sv48 l1.pci=00:02.0")
    assert res.ok, f"{res.error} (log: {res.log_path})"
    assert "(Sv48x4)" in res.console
    assert disk[SECTOR:SECTOR + 27] == b"rvnest-pcidma-written-by-L1"
    st = lines(res, "l0pci")[0]
    assert (st["iommu_faults"], st["host_dtb"]) == ("258", "intact")


def test_platform_iommu(tmp_path):
    """QEMU's platform IOMMU (virt,iommu-sys=on): the disk is 00:01.0."""
    res, disk = disk_run(tmp_path, l0args="l1.pci=00:01.0",
                         bootargs=f"stray={STRAY:#x} iommu=0x3010000",
                         devices=[VIRTIO], machine="virt,iommu-sys=on")
    assert res.ok, f"{res.error} (log: {res.log_path})"
    assert "IOMMU /soc/iommu@3010000 regs 0x3010000" in res.console
    assert [f["cause"] for f in lines(res, "iommu_fault")] == [
        "read_guest_page_fault", "write_guest_page_fault"]
    assert disk[SECTOR:SECTOR + 27] == b"rvnest-pcidma-written-by-L1"
    assert lines(res, "l0pci")[0]["host_dtb"] == "intact"


def refused(res, says):
    assert res.outcome is runner.Outcome.GUEST_ERROR, (res.outcome, res.log_path)
    assert [e["msg"] for e in res.protocol.errors] == ["PCI_passthrough_refused"]
    assert says in res.console, res.log_path
    assert "RVNEST boot component=pcidma" not in res.console


def test_no_iommu_is_refused(tmp_path):
    res, _ = disk_run(tmp_path, devices=[VIRTIO])
    refused(res, "the host has no IOMMU")


def test_unknown_function_is_refused(tmp_path):
    res, _ = disk_run(tmp_path, l0args="l1.pci=00:05.0")
    refused(res, "no PCI function 00:05.0 on the host")


def test_the_iommu_cannot_be_assigned(tmp_path):
    res, _ = disk_run(tmp_path, l0args="l1.pci=00:01.0")
    refused(res, "00:01.0 is the IOMMU, which L1 never gets")


def test_virtio_dma_around_the_iommu_is_refused(tmp_path):
    """Without VIRTIO_F_ACCESS_PLATFORM QEMU's virtio DMA uses host
    physical addresses whatever the IOMMU says: L0 must not pass it."""
    res, _ = disk_run(tmp_path, devices=[IOMMU_DEV, "virtio-blk-pci,drive=d0"])
    refused(res, "does not offer VIRTIO_F_ACCESS_PLATFORM")


def test_all_gives_every_endpoint_but_the_iommu(tmp_path):
    res, _ = disk_run(tmp_path, l0args="l1.pci=all")
    assert res.ok, f"{res.error} (log: {res.log_path})"
    assert "[l0] pci: L1 gets 00:02.0" in res.console
    assert "L1 gets 00:00.0" not in res.console  # the host bridge
    assert "L1 gets 00:01.0" not in res.console  # the IOMMU


LINUX_NEEDS = ("CONFIG_PCI_HOST_GENERIC=y", "CONFIG_VIRTIO_PCI=y", "CONFIG_VIRTIO_BLK=y")


def test_linux_probes_the_passed_through_disk():
    """Linux 7.3 as L1 (linux-l0-pci): the bridge L0 describes, the disk's
    BARs where L0 put them, its partition table read (DMA through the
    IOMMU, completion by INTx through the vPLIC), no IOMMU fault. Runs
    the disk configurations' kernel (build/linux-disk: PCI and virtio-pci,
    linux/config-fragment-disk); skipped without it."""
    kconfig = config.build_dir() / "linux-disk" / "config"
    have = kconfig.read_text() if kconfig.exists() else ""
    missing = [o for o in LINUX_NEEDS if o not in have.splitlines()]
    if missing:
        pytest.skip(f"build/linux-disk/config lacks {', '.join(missing)}")
    cfg = testing.load_or_skip("linux-l0-pci")
    res = testing.run(cfg, icount=True, cache_key=("linux-l0-pci",))
    assert res.ok, f"{res.error} (log: {res.log_path})"
    assert "pci 0000:00:02.0: [1af4:1042] type 00 class 0x010000" in res.console
    assert "pci 0000:00:02.0: BAR 4 [mem 0x400004000-0x400007fff 64bit pref]" in res.console
    assert "[vda] 2048 512-byte logical blocks" in res.console
    assert "0000:00:01.0" not in res.console  # the IOMMU's function
    st = lines(res, "l0pci")[0]
    assert st["iommu_faults"] == "0" and st["host_dtb"] == "intact"
