"""Boots L0 must refuse (issue 17, coverage of l0-hyp/main.c and
hostdt.c): each ends in exactly one `RVNEST error` line naming the
failure, one `[l0] error:` line saying why, and QEMU exits by itself
(`failed_with` of test_l0.py: a hang is a timeout, and fails).

- main.c: no L1 image (no QEMU -initrd), l1.sstc=1 on a host without
  Sstc, l1.mem larger than the host's free RAM, L1 ELF images that do not
  load (cut short, wrong machine, program headers or a segment outside the
  file), an l1.initrd range outside host RAM or over reserved memory.
- hostdt.c: host DTs QEMU never generates, given with QEMU -dtb (dumped
  from QEMU and edited as source with dtc, as test_l0.py does): ISA
  properties L0 cannot parse or hold, UART and PLIC paths longer than L0
  keeps.
  Each was checked to pass OpenSBI 1.5, so the refusal is L0's (with no
  timebase-frequency, no ISA property at all, or a cpu interrupt
  controller without a phandle, OpenSBI 1.5 itself stops silently
  before L0 runs: those stay with the host unit tests, test_l0_dt.c).
"""

import re
import struct

import pytest

from harness import config, testing
from harness.test_l0 import SMOKE, boot_with_dts, failed_with, host_dts

TIMEOUT = 30  # each of these runs ends in L0's boot, well under a second


@pytest.fixture
def smoke():
    return testing.load_or_skip(SMOKE)


def run(cfg, **kw):
    return testing.run(cfg.with_overrides(timeout=TIMEOUT, **kw))


# ---- main.c ---------------------------------------------------------------

def test_no_l1_image(smoke):
    line = failed_with(run(smoke, initrd=""), "no_L1_image")
    assert "pass it as QEMU -initrd <image>" in line


def test_l1_sstc_on_a_host_without_sstc(smoke):
    """QEMU's CPU without Sstc: the host DT lists no sstc, so L0 cannot
    give L1 one (README "Options": l1.sstc=1 asks for it)."""
    cfg = config.load(SMOKE, l0args="l1.sstc=1")
    res = run(cfg, cpu="rv64,h=true,sstc=false")
    assert res.protocol.boots and res.protocol.boots[0]["host_sstc"] == "0", res.log_path
    line = failed_with(res, "l1.sstc_unavailable")
    assert "l1.sstc=1 but the host DT lists no sstc" in line


def test_l1_sstc_auto_on_a_host_without_sstc_boots(smoke):
    """The same host with the default (l1.sstc=auto): L1 boots without
    Sstc, its timer through SBI TIME; the refusal above is for =1 only."""
    res = testing.run_ok(smoke.with_overrides(cpu="rv64,h=true,sstc=false"))
    assert "sstc=0" in next(l for l in res.console.splitlines()
                            if l.startswith("[l0] L1: ")), res.log_path


def test_no_room_for_l1_ram(smoke):
    """l1.mem=2048M on a 1 GiB host: L0 says how much it found."""
    cfg = config.load(SMOKE, l0args="l1.mem=2048M")
    line = failed_with(run(cfg), "no_room_for_L1_RAM")
    m = re.search(r"no free host RAM for l1.mem=2048M: .* leave (\d+)M in (\d+) blocks", line)
    assert m, line
    # what is left of 1 GiB after OpenSBI, L0, the DTB and the L1 image
    assert 900 < int(m.group(1)) < 1024 and int(m.group(2)) >= 1, line


def payload_elf():
    with open(config.load(SMOKE).initrd, "rb") as f:  # l0-payload.elf
        return f.read()


def elf_variant(kind):
    """The smoke payload ELF damaged in one way (ELF-64 header layout:
    e_machine at 18, e_phoff at 32, e_phentsize/e_phnum at 54/56)."""
    elf = bytearray(payload_elf())
    phoff = struct.unpack_from("<Q", elf, 32)[0]
    if kind == "truncated":
        return bytes(elf[:40])
    if kind == "not-riscv":
        struct.pack_into("<H", elf, 18, 62)  # EM_X86_64
        return bytes(elf)
    if kind == "phdrs-outside":
        struct.pack_into("<Q", elf, 32, len(elf) + 8)
        return bytes(elf)
    if kind == "segment-outside":
        # the first PT_LOAD's file offset past the end of the file
        for i in range(struct.unpack_from("<H", elf, 56)[0]):
            at = phoff + i * 56
            if struct.unpack_from("<I", elf, at)[0] == 1 and \
                    struct.unpack_from("<Q", elf, at + 32)[0]:  # p_filesz
                struct.pack_into("<Q", elf, at + 8, len(elf))
                return bytes(elf)
        raise AssertionError("payload ELF has no PT_LOAD with file bytes")
    if kind == "no-load":
        for i in range(struct.unpack_from("<H", elf, 56)[0]):
            at = phoff + i * 56
            if struct.unpack_from("<I", elf, at)[0] == 1:
                struct.pack_into("<I", elf, at, 4)  # PT_NOTE
        return bytes(elf)
    raise ValueError(kind)


@pytest.mark.parametrize("kind,why", [
    ("truncated", "L1 ELF image truncated (40 bytes)"),
    ("not-riscv", "L1 ELF image is not a little-endian RV64 executable"),
    ("phdrs-outside", "L1 ELF program headers lie outside the file"),
    ("segment-outside", "lies outside the file"),
    ("no-load", "L1 ELF image has no loadable segment"),
])
def test_l1_elf_that_does_not_load(smoke, tmp_path, kind, why):
    img = tmp_path / f"{kind}.elf"
    img.write_bytes(elf_variant(kind))
    cfg = config.load(SMOKE, l1=str(img))
    line = failed_with(run(cfg), "L1_image_does_not_load")
    assert why in line, line


def test_l1_initrd_outside_host_ram(smoke):
    cfg = config.load(SMOKE, l0args="l1.initrd=0x10000000,0x1000")
    line = failed_with(run(cfg), "bad_l1.initrd")
    assert "l1.initrd=0x10000000,0x1000 is not inside host RAM" in line


def test_l1_initrd_over_reserved_memory(smoke):
    """OpenSBI reserves its own memory at the start of RAM in the DT it
    hands L0 (/reserved-memory); an initrd there is refused, naming it."""
    cfg = config.load(SMOKE, l0args="l1.initrd=0x80000000,0x1000")
    res = run(cfg)
    line = failed_with(res, "l1.initrd_overlap")
    m = re.search(r"overlaps reserved memory 0x([0-9a-f]+)-0x([0-9a-f]+)", line)
    assert m, line
    assert int(m.group(1), 16) <= 0x80000000 < int(m.group(2), 16), line


# ---- hostdt.c ---------------------------------------------------------------

def edit(dts, pattern, repl, count=1, flags=0):
    out, n = re.subn(pattern, repl, dts, count=count, flags=flags)
    assert n == count, f"{pattern!r} matched {n} times"
    return out


def refuse(smoke, tmp_path, dts, why):
    line = failed_with(boot_with_dts(smoke, tmp_path, dts), "bad_host_device_tree")
    assert why in line, line
    return line


def without_isa_extensions(dts):
    return edit(dts, r"\t\t\triscv,isa-extensions = [^;]*;\n", "")


def test_dtb_isa_extensions_not_terminated(smoke, tmp_path):
    """riscv,isa-extensions is a stringlist (DT binding riscv/extensions):
    one whose last byte is not NUL is refused, never read past."""
    dts = edit(host_dts(smoke, tmp_path), r"riscv,isa-extensions = [^;]*;",
               "riscv,isa-extensions = [69 00 6d 00 61 00 68];")
    refuse(smoke, tmp_path, dts, "host DT: riscv,isa-extensions not terminated")


def test_dtb_too_many_isa_extensions(smoke, tmp_path):
    many = "\\0".join(f"xrvnest{i}" for i in range(129))
    dts = edit(host_dts(smoke, tmp_path), r"riscv,isa-extensions = \"",
               f'riscv,isa-extensions = "{many}\\0')
    refuse(smoke, tmp_path, dts, "host DT: more than 128 ISA extensions")


def test_dtb_isa_string_too_many_letters(smoke, tmp_path):
    """Only riscv,isa (older trees), with more single letters than the
    alphabet: L0 refuses instead of overrunning its letter table."""
    dts = without_isa_extensions(host_dts(smoke, tmp_path))
    dts = edit(dts, r'riscv,isa = "rv64imafdch_', 'riscv,isa = "rv64imafdch' + "x" * 20 + "_")
    refuse(smoke, tmp_path, dts, "host DT: riscv,isa has too many letters")


def test_dtb_isa_string_too_many_extensions(smoke, tmp_path):
    """Short names, so that the string fits L0's copy (isa_buf) but holds
    more names (about 150) than its table (L0_MAX_ISA_EXT)."""
    dts = without_isa_extensions(host_dts(smoke, tmp_path))
    many = "".join(f"_x{i}" for i in range(100))
    dts = edit(dts, r'(riscv,isa = "rv64imafdch)_', r"\1" + many + "_")
    refuse(smoke, tmp_path, dts, "host DT: too many ISA extensions")


def test_dtb_isa_string_only_boots(smoke, tmp_path):
    """The same older-tree form within bounds is parsed: L1's ISA has H
    and Sstc only as L0 decides, and the payload passes."""
    dts = without_isa_extensions(host_dts(smoke, tmp_path))
    res = boot_with_dts(smoke, tmp_path, dts)
    assert res.ok, f"{res.error} (log: {res.log_path})"
    assert res.protocol.boots[0]["host_sstc"] == "1", res.log_path


LONG = "n" * 130  # longer than L0_PATH_MAX (hostdt.h) by itself


def test_dtb_uart_path_too_long(smoke, tmp_path):
    dts = host_dts(smoke, tmp_path).replace("serial@10000000", f"serial{LONG}@10000000")
    refuse(smoke, tmp_path, dts, "host DT: UART path too long")


def test_dtb_plic_path_too_long(smoke, tmp_path):
    dts = host_dts(smoke, tmp_path).replace("plic@c000000", f"plic{LONG}@c000000")
    refuse(smoke, tmp_path, dts, "host DT: PLIC path too long")
