"""L0 as a hypervisor for an ordinary (non-hypervisor) guest.

- l0-smoke: L0's own S-mode payload (l0-hyp/tests/payload.c) passes every
  check on L0, and the same ELF passes on OpenSBI alone; L0's exit
  statistics add up and count what the payload did.
- Options: Sstc off (timer through SBI TIME and L0's timer), Sv48x4.
- Bad input ends in one clear `RVNEST error` line, never a hang: a malformed
  host DT, a guest image too large for L1's RAM, an unknown option, an L1
  initrd overlapping L0.
- linux-l0: Linux 7.3 boots to its /init on L0 and L0 prints l0stats.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import config, testing

SMOKE = "l0-smoke"
LINUX = "linux-l0"
PAYLOAD_CHECKS = ("hartid", "dtb_header", "dtb_memory", "isa_forms_agree", "sbi_timer",
                  "hsm_suspend_retentive", "hsm_suspend_non_retentive",
                  "plic_in_dt", "plic_priority", "plic_claim_idle",
                  "load_outside_memory", "store_outside_memory")
CHECK_RE = re.compile(r"^payload: (\S+) (ok|FAIL)\b")


@pytest.fixture
def smoke():
    return testing.load_or_skip(SMOKE)


def checks(res):
    """{check name: 'ok'|'FAIL'} from the payload's console lines."""
    out = {}
    for line in res.console.splitlines():
        m = CHECK_RE.match(line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def stats(res):
    s = res.protocol.l0stats
    assert s is not None, f"no RVNEST l0stats line (log: {res.log_path})"
    return s


def failed_with(res, msg):
    """The run failed with exactly one RVNEST error line `msg`, and L0 said
    why in a human line; QEMU exited (no timeout)."""
    assert not res.ok, f"run passed unexpectedly (log: {res.log_path})"
    assert not res.timed_out, f"timed out instead of a clear error (log: {res.log_path})"
    errors = [e["msg"] for e in res.protocol.errors]
    assert errors == [msg], f"errors {errors} (log: {res.log_path})"
    human = [l for l in res.console.splitlines() if l.startswith("[l0] error: ")]
    assert len(human) == 1, res.console
    return human[0]


def test_smoke_payload_on_l0(smoke):
    res = testing.run_ok(smoke, cache_key=(SMOKE,))
    p = res.protocol
    assert [b["component"] for b in p.boots] == ["l0", "l0-payload"]
    boot = p.boots[0]
    assert boot["h"] == "0" and boot["gstage"] == "sv39x4"
    assert checks(res) == {c: "ok" for c in PAYLOAD_CHECKS}
    s = stats(res)
    causes = s["causes"]
    # every trap is counted under exactly one cause
    assert sum(causes.values()) == int(s["traps"])
    # the two accesses outside L1 RAM: one load and one store fault each,
    # both turned into access faults in L1 and reported
    assert int(s["l1_access_faults"]) == 2
    assert int(s["injected_exc"]) == 2
    assert "[l0] L1 access fault: load_guest_page_fault at GPA 0x18000000" in res.console
    # the PLIC test does 3 stores and 3 loads, all emulated by L0
    assert int(s["mmio_writes"]) == 3 and int(s["mmio_reads"]) == 3
    assert causes["load_guest_page_fault"] == 3 + 1
    assert causes["store_guest_page_fault"] == 3 + 1
    assert causes["ecall_vs"] == int(s["sbi_calls"]) > 0


def test_smoke_payload_with_fetched_instructions(smoke):
    """l0.decode=fetch: L0 ignores htinst and stval and fetches the
    instruction of every emulated PLIC access (and illegal instruction)
    from L1's memory, as it must on a hart that reports 0 there: the same
    checks pass with the same counts."""
    res = testing.run_ok(config.load(SMOKE, l0args="l0.decode=fetch"),
                         cache_key=(SMOKE, "decode-fetch"))
    assert checks(res) == {c: "ok" for c in PAYLOAD_CHECKS}
    s, ref = stats(res), stats(testing.run_ok(smoke, cache_key=(SMOKE,)))
    for k in ("mmio_writes", "mmio_reads", "l1_access_faults", "injected_exc"):
        assert s[k] == ref[k], f"{k}: {s[k]} with l0.decode=fetch, {ref[k]} without"


def test_bench_window(smoke):
    """BENCH_BEGIN, 10 NOP hypercalls, BENCH_END: L0's window holds exactly
    the 10 NOPs and the END call, all ecall_vs."""
    res = testing.run_ok(smoke, cache_key=(SMOKE,))
    b = res.protocol.l0benches["hypercall"]
    assert int(b["iters"]) == 10
    assert int(b["traps"]) == 11
    assert b["causes"] == {"ecall_vs": 11}


def test_smoke_payload_same_on_opensbi(smoke):
    """The payload is an ordinary OpenSBI payload: on OpenSBI alone every
    check passes too, so L0 is indistinguishable for it."""
    direct = smoke.with_overrides(kernel=smoke.values["l1"], initrd="", append="")
    res = testing.run_ok(direct, cache_key=(SMOKE, "opensbi"))
    assert checks(res) == {c: "ok" for c in PAYLOAD_CHECKS}
    assert res.protocol.l0stats is None


def isa_seen(res):
    """(riscv,isa string, set of riscv,isa-extensions) the payload read."""
    lines = res.console.splitlines()
    string = [l.split("=", 1)[1] for l in lines if l.startswith("payload: isa string=")]
    exts = [l.split("=", 1)[1] for l in lines if l.startswith("payload: isa extensions=")]
    assert len(string) == 1 and len(exts) == 1, res.log_path
    return string[0], set(exts[0].split(","))


def test_isa_without_h_by_default(smoke):
    res = testing.run_ok(smoke, cache_key=(SMOKE,))
    string, exts = isa_seen(res)
    assert "h" not in string.split("_")[0][4:] and "h" not in exts
    assert not any(e.startswith("sh") for e in exts), exts
    # what L0 does not virtualise is never advertised
    assert not exts & {"sscofpmf", "smaia", "ssaia", "smstateen", "ssstateen"}


def test_isa_with_h_when_asked(smoke):
    """l1.h=1 (for the nested configurations): "h" in both DT forms."""
    cfg = config.load(SMOKE, l0args="l1.h=1")
    res = testing.run_ok(cfg, cache_key=(SMOKE, "h1"))
    string, exts = isa_seen(res)
    assert "h" in string.split("_")[0][4:] and "h" in exts
    assert res.protocol.boots[0]["h"] == "1"
    assert checks(res)["isa_forms_agree"] == "ok"


def test_timer_through_sbi_without_sstc(smoke):
    """l1.sstc=0: L1 is not given Sstc, so its timer is SBI TIME on L0's
    own timer, delivered as a virtual interrupt (counted as virqs)."""
    cfg = config.load(SMOKE, l0args="l1.sstc=0")
    res = testing.run_ok(cfg, cache_key=(SMOKE, "nosstc"))
    assert checks(res) == {c: "ok" for c in PAYLOAD_CHECKS}
    s = stats(res)
    assert s["causes"].get("irq_s_timer", 0) >= 1
    assert int(s["virqs"]) >= 1
    assert "sstc=0" in res.console


def test_sv48x4(smoke):
    cfg = config.load(SMOKE, l0args="l1.gstage=sv48")
    res = testing.run_ok(cfg, cache_key=(SMOKE, "sv48"))
    assert res.protocol.boots[0]["gstage"] == "sv48x4"
    assert checks(res) == {c: "ok" for c in PAYLOAD_CHECKS}


def test_image_too_large(smoke, tmp_path):
    """A flat image of 6 MiB cannot fit at 0x80200000 in 4 MiB of L1 RAM."""
    big = tmp_path / "big.bin"
    big.write_bytes(b"\x13\x00\x00\x00" * (6 << 18))  # nops, 6 MiB
    cfg = config.load(SMOKE, l1=str(big), l0args="l1.mem=4M")
    res = testing.run(cfg.with_overrides(timeout=30))
    line = failed_with(res, "L1_image_too_large_for_its_region")
    assert "does not fit in L1 RAM" in line


def test_image_too_large_elf(smoke):
    """The payload ELF is linked at 0x80200000: with 2 MiB of L1 RAM
    (0x80000000-0x80200000) its segment is outside the region."""
    cfg = config.load(SMOKE, l0args="l1.mem=2M")
    res = testing.run(cfg.with_overrides(timeout=30))
    line = failed_with(res, "L1_image_too_large_for_its_region")
    assert "too large for its region" in line


def test_fatal_guest_is_stopped_with_diagnostic(smoke, tmp_path):
    """A flat-binary guest that points stvec outside its memory and then
    faults: every fault would land on the same bad vector again. L0 stops
    it with the full diagnostic instead of looping."""
    import struct
    code = [
        0x180002b7,  # lui  t0, 0x18000      t0 = 0x18000000 (no memory)
        0x10529073,  # csrw stvec, t0
        0x0002b303,  # ld   t1, 0(t0)        load access fault -> vector
        0x0000006f,  # j    .                (never reached)
    ]
    img = tmp_path / "fatal.bin"
    img.write_bytes(struct.pack("<4I", *code))
    cfg = config.load(SMOKE, l1=str(img))
    res = testing.run(cfg.with_overrides(timeout=30))
    assert not res.timed_out, res.log_path
    errors = res.protocol.errors
    assert [e["msg"] for e in errors] == ["L1_trap_vector_outside_its_memory"], res.log_path
    e = errors[0]
    assert e["cause"] == "inst_guest_page_fault"
    assert int(e["sepc"], 0) == 0x18000000
    assert int(e["htval"], 0) == 0x18000000 >> 2
    assert "htinst" in e.fields and "stval" in e.fields
    # the load fault before it was delivered and reported
    assert "L1 access fault: load_guest_page_fault at GPA 0x18000000" in res.console
    assert "flat image 0x80200000-0x80200010 entry 0x80200000" in res.console
    assert stats(res)["causes"]["inst_guest_page_fault"] == 1


def test_unknown_option(smoke):
    cfg = config.load(SMOKE, l0args="l1.bogus=1")
    res = testing.run(cfg.with_overrides(timeout=30))
    line = failed_with(res, "bad_L0_option")
    assert "unknown L0 option 'l1.bogus=1'" in line


def test_l1_initrd_overlapping_l0(smoke):
    cfg = config.load(SMOKE, l0args="l1.initrd=0x80200000,0x1000")
    res = testing.run(cfg.with_overrides(timeout=30))
    line = failed_with(res, "l1.initrd_overlap")
    assert "overlaps L0 itself" in line


def host_dts(cfg, tmp_path):
    """The host DT QEMU would build for this configuration, as source."""
    if not shutil.which("dtc"):
        pytest.skip("dtc not installed (package device-tree-compiler, `make deps`)")
    dtb = tmp_path / "host.dtb"
    subprocess.run(["qemu-system-riscv64", "-M", f"{cfg.machine},dumpdtb={dtb}",
                    "-cpu", cfg.cpu, "-m", cfg.memory, "-smp", str(cfg.smp),
                    "-display", "none"], check=True, capture_output=True, timeout=30)
    return subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(dtb)], check=True,
                          capture_output=True, text=True, timeout=30).stdout


def boot_with_dts(cfg, tmp_path, dts):
    src = tmp_path / "bad.dts"
    src.write_text(dts)
    dtb = tmp_path / "bad.dtb"
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(dtb), str(src)],
                   check=True, capture_output=True, timeout=30)
    return testing.run(cfg.with_overrides(extra_args=("-dtb", str(dtb)), timeout=30))


def test_dtb_truncated_file(smoke, tmp_path):
    """A DTB file cut short inside its strings block, so that one property
    name L0 needs ("riscv,ndev" of the PLIC) is cut off. OpenSBI 1.5 boots
    with it (it tolerates the PLIC without riscv,ndev); L0 must refuse it
    with a clear line. (A file cut inside its structure block never
    reaches L0: OpenSBI stops silently, see l0-hyp/README.md.)"""
    import struct
    dts = host_dts(smoke, tmp_path)
    # no PCI node (its names would follow ours) and the PLIC's riscv,ndev
    # as its last property: "riscv,ndev" becomes the last string dtc emits
    dts, n = re.subn(r"\t\tpci@30000000 \{.*?\n\t\t\};\n", "", dts, flags=re.S)
    assert n == 1
    ndev = re.search(r"\t\t\triscv,ndev = <[^>]*>;\n", dts).group(0)
    dts = dts.replace(ndev, "")
    dts = re.sub(r"(plic@c000000 \{.*?)(\n\t\t\};)", lambda m: m.group(1) + "\n" + ndev.rstrip("\n") + m.group(2),
                 dts, count=1, flags=re.S)
    src = tmp_path / "host.dts"
    src.write_text(dts)
    full = tmp_path / "full.dtb"
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(full), str(src)],
                   check=True, capture_output=True, timeout=30)
    blob = full.read_bytes()
    off_strings, size_strings = struct.unpack(">I", blob[12:16])[0], struct.unpack(">I", blob[32:36])[0]
    strings = blob[off_strings:off_strings + size_strings]
    assert strings.endswith(b"riscv,ndev\0"), strings[-40:]
    cut = tmp_path / "truncated.dtb"
    cut.write_bytes(blob[:off_strings + size_strings - len(b"ndev\0")])
    res = testing.run(smoke.with_overrides(extra_args=("-dtb", str(cut)), timeout=30))
    line = failed_with(res, "bad_host_device_tree")
    assert "riscv,ndev" in line


def test_dtb_truncated_memory_reg(smoke, tmp_path):
    """A host DT whose /memory reg is cut short (three cells of four):
    OpenSBI does not read it, L0 must refuse it clearly."""
    dts, n = re.subn(r"(memory@80000000 \{[^}]*reg = <0x00 0x80000000 0x00)[^>]*>",
                     r"\1>", host_dts(smoke, tmp_path))
    assert n == 1
    res = boot_with_dts(smoke, tmp_path, dts)
    line = failed_with(res, "bad_host_device_tree")
    assert "memory" in line


def test_dtb_without_memory(smoke, tmp_path):
    dts, n = re.subn(r"\tmemory@80000000 \{[^}]*\};\n", "", host_dts(smoke, tmp_path))
    assert n == 1
    res = boot_with_dts(smoke, tmp_path, dts)
    line = failed_with(res, "bad_host_device_tree")
    assert "no memory node" in line


def test_dtb_plic_interrupts_malformed(smoke, tmp_path):
    dts, n = re.subn(r"(plic@c000000 \{[^}]*interrupts-extended = )<[^>]*>",
                     r"\1<0x02 0x0b 0x02>", host_dts(smoke, tmp_path))
    assert n == 1
    res = boot_with_dts(smoke, tmp_path, dts)
    line = failed_with(res, "bad_host_device_tree")
    assert "interrupts-extended" in line


# ---- Linux as L1 ----------------------------------------------------------

@pytest.fixture
def linux():
    return testing.load_or_skip(LINUX)


def test_linux_boots_on_l0(linux):
    res = testing.run_ok(linux, cache_key=(LINUX,))
    p = res.protocol
    assert [b["component"] for b in p.boots][:1] == ["l0"]
    assert "linux-init" in [b["component"] for b in p.boots]
    assert p.done["status"] == 0
    s = stats(res)
    assert sum(s["causes"].values()) == int(s["traps"]) > 0
    assert s["causes"]["ecall_vs"] == int(s["sbi_calls"])
    # L1 was not given H: its /proc/cpuinfo must not claim it
    isa = [l for l in res.console.splitlines() if re.match(r"^isa\s*:", l)]
    assert isa and all(not re.match(r"^isa\s*:\s*rv64[a-z]*h", l) for l in isa), isa


def linux_variant(linux, l0_options, l1_bootargs, loader_initrd=False):
    """linux-l0 with L0 options before the ' -- ' and L1's after it;
    optionally L1's initrd placed by -device loader + l1.initrd=ADDR,SIZE
    instead of fw_cfg."""
    initrd = Path(linux.values["initrd"])
    extra = linux.extra_args
    if loader_initrd:
        addr = 0xb0000000  # clear of -initrd (0xa0200000) and DTB with -m 1G
        l0_options += f" l1.initrd={addr:#x},{initrd.stat().st_size}"
        extra = ()
        devices = linux.devices + (f"loader,file={initrd},addr={addr:#x},force-raw=on",)
        return linux.with_overrides(append=f"{l0_options} -- {l1_bootargs}",
                                    extra_args=extra, devices=devices)
    return linux.with_overrides(append=f"{l0_options} -- {l1_bootargs}")


def test_linux_timer_through_sbi(linux):
    """Without Sstc for L1, Linux's timer is SBI TIME: L0's timer fires and
    becomes L1's timer interrupt."""
    res = testing.run_ok(linux_variant(linux, "l1.sstc=0", "console=ttyS0 earlycon"),
                         cache_key=(LINUX, "nosstc"))
    s = stats(res)
    assert s["causes"]["irq_s_timer"] > 0
    assert int(s["virqs"]) >= s["causes"]["irq_s_timer"]
    isa = [l for l in res.console.splitlines() if re.match(r"^isa\s*:", l)]
    assert isa and all("sstc" not in l for l in isa), isa


def test_linux_sbi_console_sv48(linux):
    """The SBI console (hvc0, earlycon=sbi) through sbi-nested's DBCN, with
    L0's G-stage in Sv48x4."""
    res = testing.run_ok(linux_variant(linux, "l1.gstage=sv48", "console=hvc0 earlycon=sbi"),
                         cache_key=(LINUX, "hvc0-sv48"))
    assert res.protocol.boots[0]["gstage"] == "sv48x4"
    assert any("console [hvc0] enabled" in l for l in res.console.splitlines())
    assert "RVNEST linux-init marker=reached" in res.console.splitlines()


def test_linux_initrd_by_loader(linux):
    """L1's initrd placed in host RAM by QEMU's loader device and named by
    l1.initrd=ADDR,SIZE (the gzip'd cpio must unpack intact: /init runs)."""
    res = testing.run_ok(linux_variant(linux, "", "console=ttyS0", loader_initrd=True),
                         cache_key=(LINUX, "loader"))
    assert "initrd (l1.initrd)" in res.console
    assert res.protocol.done["status"] == 0


# ---- several vCPUs (l1.harts=N, one host hart each) -------------------------

def test_linux_two_vcpus():
    """l0-linux-smp2: Linux brings up both vCPUs (SBI HSM on L0) and
    reaches /init."""
    cfg = testing.load_or_skip("l0-linux-smp2")
    res = testing.run_ok(cfg, cache_key=("l0-linux-smp2",))
    assert "smp: Brought up 1 node, 2 CPUs" in res.console.splitlines()
    hart_lines = [l for l in res.console.splitlines() if re.match(r"^hart\s*:", l)]
    assert len(hart_lines) == 2, hart_lines
    s = stats(res)
    assert s["vcpus"] == "2"
    # cross-vCPU IPIs and fences arrive as L0-level software interrupts
    assert s["causes"]["irq_s_soft"] > 0


def test_sbi_secondary_hart_on_l0():
    """The SBI conformance payload's second-hart checks (HSM start, stop,
    restart, cross-hart IPI and remote fence) on L0 with two vCPUs."""
    cfg = testing.load_or_skip("sbi-l0")
    res = testing.run_ok(cfg.with_overrides(smp=2, append="l1.harts=2"),
                         cache_key=("sbi-l0", "harts2"))
    probes = {p["id"]: p for p in res.protocol.probes}
    for name in ("hsm.secondary_stopped", "hsm.secondary_start", "hsm.secondary_started",
                 "hsm.secondary_start_again", "ipi.other_hart", "rfence.other_hart",
                 "hsm.secondary_stop", "hsm.secondary_restart", "hsm.secondary_stop_again"):
        assert name in probes, f"{name} not reported ({res.log_path})"
        assert probes[name]["ok"] == "1", probes[name].line


@pytest.mark.parametrize("smp,harts", [(1, 2), (2, 4)])
def test_more_vcpus_than_host_harts(smp, harts):
    """More vCPUs than host harts (issue 15): L0 time-slices them
    (l0-hyp/sched.c), and the SBI payload's HSM, IPI and remote-fence probes
    between its harts pass as with a hart per vCPU: a vCPU that waits in
    WFI gives its hart away, an IPI or a start wakes the target, a fence to
    a descheduled vCPU is done when it is switched in."""
    cfg = testing.load_or_skip("sbi-l0")
    res = testing.run_ok(cfg.with_overrides(smp=smp, append=f"l1.harts={harts}"),
                         icount=True)
    probes = {p["id"]: p for p in res.protocol.probes}
    for name in ("hsm.secondary_stopped", "hsm.secondary_start", "hsm.secondary_started",
                 "hsm.secondary_start_again", "ipi.other_hart", "rfence.other_hart",
                 "hsm.secondary_stop", "hsm.secondary_restart", "hsm.secondary_stop_again"):
        assert name in probes, f"{name} not reported ({res.log_path})"
        assert probes[name]["ok"] == "1", probes[name].line
    assert f"[l0] {harts} vCPUs on {smp} host harts" in res.console, res.log_path
    sched = [r for r in res.protocol.records if r.kind == "l0sched"]
    assert len(sched) == 1 and int(sched[0]["vcpus"]) == harts, res.log_path


def test_host_without_h(smoke):
    """L0 on a CPU without the H extension says so instead of faulting on
    its first hypervisor CSR."""
    res = testing.run(smoke.with_overrides(cpu="rv64,h=false", timeout=30))
    line = failed_with(res, "no_H_extension")
    assert "-cpu rv64,h=true" in line


@pytest.mark.parametrize("cpu", ["rva23s64", "max"])
def test_linux_on_richer_cpus(linux, cpu):
    """QEMU's rva23s64 and max CPUs (H, V, Smstateen, Svpbmt, Sscofpmf,
    Zk...): L0 opens senvcfg to L1 through hstateen0 and hides what it
    does not virtualise (the seed CSR, including through the "zk"
    bundle; Sscofpmf unless it can deliver LCOFI), so the same Linux
    still reaches /init."""
    res = testing.run_ok(linux.with_overrides(cpu=cpu), cache_key=(LINUX, cpu))
    isa = [l for l in res.console.splitlines() if re.match(r"^isa\s*:", l)]
    hidden = ("smstateen", "zkr", "sdtrig")
    assert isa and all(h not in l for l in isa for h in hidden), isa
    # sscofpmf only with a way to deliver its overflow interrupt to L1
    # (l0-hyp/README.md "PMU counter overflow"; max has Ssaia: hvien)
    if any("sscofpmf" in l for l in isa):
        assert "LCOFI injected into L1" in res.console or \
            "LCOFI delegated to L1" in res.console, res.log_path
    assert res.protocol.done["status"] == 0
