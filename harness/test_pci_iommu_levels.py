"""The IOMMU's device directory beyond one level (l0-hyp/iommu.c
`ddt_entry`, iommu_ddt.c; RISC-V IOMMU spec "Device-directory table",
"Process to locate the Device-context"): with extended device contexts
(QEMU's riscv-iommu-pci has MSI_FLAT) a 4 KiB leaf table holds 64 of
them, device IDs 0..63, so a function at 00:10.0 (device ID 0x80) needs a
2-level directory. pcidma as L1 (test_pci.py's runs) drives the disk
there: its DMA reaches the image only if L0 built both levels right
(the IOMMU walks them for every request; a wrong entry is a
`ddt_entry_not_valid` fault and no byte written).
"""

from harness.test_pci import IOMMU_DEV, SECTOR, STRAY, VIRTIO, disk_run, lines


def test_a_function_beyond_one_leaf_table_gets_a_two_level_directory(tmp_path):
    res, disk = disk_run(tmp_path, l0args="l1.pci=00:10.0",
                         devices=[IOMMU_DEV, VIRTIO + ",addr=0x10"],
                         bootargs=f"stray={STRAY:#x} iommu=0x400000000 iommu_dev=1")
    assert res.ok, f"{res.error} (log: {res.log_path})"
    assert "[l0] pci: L1 gets 00:10.0 (1af4:1042)" in res.console, res.log_path
    assert "extended device contexts, 2-level directory" in res.console, res.log_path
    # the sector L1 wrote by DMA through the two levels, in the file
    assert disk[SECTOR:SECTOR + 27] == b"rvnest-pcidma-written-by-L1"
    # the stray requests still stopped and reported, for this device
    faults = lines(res, "iommu_fault")
    assert faults and {f["bdf"] for f in faults} == {"00:10.0"}, res.log_path
    assert [(f["cause"], f["count"]) for f in faults] == [
        ("read_guest_page_fault", "129"), ("write_guest_page_fault", "129")], res.log_path
    st = lines(res, "l0pci")[0]
    assert (st["iommu_faults"], st["host_dtb"]) == ("258", "intact"), res.log_path


def test_one_level_below_device_id_64(tmp_path):
    """The control: the same disk at 00:07.0 (device ID 0x38, the last
    leaf-table slot but one) needs one level only."""
    res, disk = disk_run(tmp_path, l0args="l1.pci=00:07.0",
                         devices=[IOMMU_DEV, VIRTIO + ",addr=0x7"],
                         bootargs=f"stray={STRAY:#x} iommu=0x400000000 iommu_dev=1")
    assert res.ok, f"{res.error} (log: {res.log_path})"
    assert "extended device contexts, 1-level directory" in res.console, res.log_path
    assert disk[SECTOR:SECTOR + 27] == b"rvnest-pcidma-written-by-L1"


def test_fault_queue_overflow_is_reported_and_cleared(tmp_path):
    """Four rounds of stray DMA with no config access between them: 129
    records per request (QEMU records every 4-byte access), 1032 for
    L0's fault queue of 1024 slots, which L0 reads only at L1's config
    access after the last round. A circular queue is full at one record
    less than its slots (fqt + 1 == fqh), then the IOMMU sets fqcsr.fqof
    and drops what does not fit (IOMMU spec "Fault/Event-Queue"): 1023
    records, the last request's cut at 120. L0 says records were lost,
    counts it, clears the bit (RW1C) and reports what the queue held. L1
    and its disk go on as with one round."""
    res, disk = disk_run(tmp_path, l0args="l1.pci=00:02.0",
                         bootargs=f"stray={STRAY:#x} iommu=0x400000000 iommu_dev=1 "
                                  "stray_rounds=4")
    assert res.ok, f"{res.error} (log: {res.log_path})"
    assert res.console.count("[l0] IOMMU fault queue overflowed: records were lost") == 1, \
        res.log_path
    st = lines(res, "l0pci")[0]
    assert st["iommu_fq_overflows"] == "1", res.log_path
    # the queue's 1023 records were read and reported, no more
    assert st["iommu_faults"] == "1023", res.log_path
    counts = [int(f["count"]) for f in lines(res, "iommu_fault")]
    assert counts == [129] * 7 + [120], res.log_path
    assert st["host_dtb"] == "intact"
    assert disk[SECTOR:SECTOR + 27] == b"rvnest-pcidma-written-by-L1"


def test_one_round_fills_no_queue(tmp_path):
    """The control: the same run with one round, 258 records, no loss."""
    res, _ = disk_run(tmp_path, l0args="l1.pci=00:02.0",
                      bootargs=f"stray={STRAY:#x} iommu=0x400000000 iommu_dev=1 "
                               "stray_rounds=1")
    assert res.ok, f"{res.error} (log: {res.log_path})"
    assert "records were lost" not in res.console, res.log_path
    st = lines(res, "l0pci")[0]
    assert (st["iommu_fq_overflows"], st["iommu_faults"]) == ("0", "258"), res.log_path
