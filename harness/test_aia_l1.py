"""AIA for L1 (issue 14, step 2; L0 option l1.aia=1). On QEMU virt with
aia=aplic-imsic,aia-guests=3, L1's S-level IMSIC file is hardware guest
interrupt file 1 of its hart (hstatus.VGEIN = 1 while L1 runs), mapped
into L1's G-stage at the host's S-file address, and its APLIC is L0's
emulated one in MSI mode (l0-hyp/vaplic.c), fed from the host APLIC
through L0's own S file. Linux 7.3 as L1 uses its own AIA drivers.

Counts are from icount runs; the twin configurations without l1.aia=1
(linux-l0-aia, l0-linux-smp2-aia: L1 on L0's vPLIC) are the baseline."""

import re

from harness import testing

AIA_L1_LINE = re.compile(
    r"^\[l0\] AIA: .*; L1 gets an IMSIC at (0x[0-9a-f]+) \(its S file: guest "
    r"file 1 of each hart, GEILEN (\d+)\) and an APLIC at (0x[0-9a-f]+)$")
VAPLIC_LINE = re.compile(
    r"^\[l0\] vaplic: msis=(\d+) dropped=(\d+) withdrawn=(\d+)$")


def run(name):
    cfg = testing.load_or_skip(name)
    return testing.run_ok(cfg, icount=True, cache_key=(name, "aia", 1))


def causes(res):
    return dict(res.protocol.l0stats["causes"])


def one(regex, res):
    m = [regex.match(ln.strip()) for ln in res.console.splitlines()]
    m = [x for x in m if x]
    assert len(m) == 1, f"no single line matching {regex.pattern} ({res.log_path})"
    return m[0]


def test_linux_l1_probes_its_imsic_and_aplic():
    """Linux finds an IMSIC at the host's S-file address (guest index bits
    2 as on the host, hart index bits 0 for one vCPU) and an MSI-mode
    APLIC at the host's S-domain address, sees ssaia, and takes its
    console interrupt through them: every host MSI of the UART that L0
    claims in its own file is one MSI into L1's file (none dropped), and
    no PLIC is probed."""
    res = run("linux-l0-aia-l1")
    m = one(AIA_L1_LINE, res)
    assert int(m.group(1), 16) == 0x28000000
    assert int(m.group(2)) == 0
    assert int(m.group(3), 16) == 0xd000000
    con = res.console
    assert ("riscv-imsic: interrupt-controller@28000000:  hart-index-bits: 0,"
            "  guest-index-bits: 2") in con
    assert ("riscv-imsic: interrupt-controller@28000000: per-CPU IDs 255 at "
            "base address 0x0000000028000000") in con
    assert ("riscv-aplic d000000.interrupt-controller: 96 interrupts "
            "forwarded to MSI base 0x0000000028000000") in con
    assert "riscv-plic" not in con
    assert re.search(r"^isa\s*: rv64\S*_ssaia_", con, re.M), "no ssaia"
    assert "smaia" not in con.split("linux-init: begin /proc/cpuinfo")[1]
    assert "RVNEST linux-init marker=reached" in con
    v = one(VAPLIC_LINE, res)
    msis, dropped, gone = (int(v.group(i)) for i in (1, 2, 3))
    c = causes(res)
    assert msis > 0 and dropped == 0
    # one supervisor external interrupt into L0 per host MSI, each
    # forwarded as one MSI into L1's file (or withdrawn: the level input
    # fell first); nothing else of L1's interrupts reaches L0
    assert c.get("irq_s_ext") == msis + gone
    assert int(res.protocol.l0stats["virqs"]) == msis + gone
    assert "irq_s_soft" not in c
    # L1's IMSIC accesses (siselect/sireg/stopei/stopi) never trap: no
    # virtual-instruction exception at all
    assert "virtual_inst" not in c and "illegal_inst" not in c
    assert res.protocol.done["status"] == 0


def test_linux_l1_ipis_go_through_its_imsic():
    """Two vCPUs: Linux sends its IPIs as MSIs into the other vCPU's file
    (mapped into L1's G-stage), which the hardware delivers to the other
    hart with no trap into L0. On the vPLIC twin every IPI is an SBI call
    on one hart and a kick (irq_s_soft) on the other."""
    aia, plic = run("l0-linux-smp2-aia-l1"), run("l0-linux-smp2-aia")
    assert ("riscv-imsic: interrupt-controller@28000000: providing IPIs "
            "using interrupt 1") in aia.console
    assert ("riscv-imsic: interrupt-controller@28000000:  hart-index-bits: 1,"
            "  guest-index-bits: 2") in aia.console
    assert "RVNEST linux-init marker=reached" in aia.console
    assert int(aia.protocol.l0stats["vcpus"]) == 2
    ca, cp = causes(aia), causes(plic)
    # the vPLIC twin: IPIs are SBI calls and kicks
    assert cp.get("irq_s_soft", 0) > 20, cp
    # with L1's IMSIC: at most the one kick of vCPU 1's HSM start
    assert ca.get("irq_s_soft", 0) <= 1, ca
    assert ca.get("ecall_vs", 0) < cp.get("ecall_vs", 0) - 20, (ca, cp)
    v = one(VAPLIC_LINE, aia)
    assert int(v.group(2)) == 0
    assert ca.get("irq_s_ext") == int(v.group(1)) + int(v.group(3))


def test_l1_aia_needs_an_aia_host():
    """l1.aia=1 on a PLIC host is a boot error naming what is missing."""
    cfg = testing.load_or_skip("linux-l0", l0args="l1.aia=1")
    res = testing.run(cfg, icount=True, cache_key=("linux-l0", "l1.aia", 1))
    assert "RVNEST error msg=l1.aia_unavailable" in res.console
    assert "l1.aia=1 but the host has no S-level IMSIC" in res.console


def test_kvm_l1_gets_nested_aia():
    """l1.h=1 l1.aia=1: KVM 7.3 in L1 finds Ssaia, an IMSIC and GEILEN 2
    (the host's 3 guest files less L1's own; hgeie's writable bits as L0
    emulates them) and enables its AIA, whose CSRs (hvictl, hviprio1/2,
    vsiselect: through NACL or trapped) L0 emulates; its L2 micro-guests
    run with exactly the exits they have on the vPLIC twin, but for ipi
    and virq, which KVM's AIA makes MSIs into L2's guest file
    (harness/test_kvm_aia.py)."""
    res, base = run("kvm-l0-aia-l1"), run("kvm-l0-aia")
    con = res.console
    assert "kvm [1]: AIA available with 2 guest external interrupts" in con
    assert "AIA available" not in base.console
    assert "riscv-intc: 64 local interrupts mapped using AIA" in con
    m = one(AIA_L1_LINE, res)
    assert int(m.group(2)) == 2
    a, p = res.protocol.benches, base.protocol.benches
    assert sorted(a) == sorted(p) and len(a) == 7
    for name in p:
        for k in ("iters", "exits", "exits_total"):
            if name in ("ipi", "virq") and k != "iters":
                continue
            assert a[name][k] == p[name][k], (name, k)
    c = causes(res)
    assert "illegal_inst" not in c
    assert res.protocol.done["status"] == 0


AIANEST_PROBES = ("geilen", "hvictl", "hviprio1", "hviprio2", "vgein",
                  "l2_msi_file1", "l2_msi_file2", "vsiselect",
                  "vsireg_eidelivery", "vsireg_eie0", "hgeip_idle", "hgeip",
                  "vstopei", "vstopi_iid", "hgeip_claimed", "vstopi_claimed",
                  "sgei", "sgei_hip", "sgei_stopi", "sgei_claimed",
                  "l1_file_exit", "l1_file_stopei")


def test_nested_aia_probe_and_zero_trap_delivery_to_a_running_l2():
    """tests/aianest as L1 (l1.h=1 l1.aia=1): every probe of the guest
    interrupt files holds (GEILEN 2, VGEIN, vsiselect/vsireg and vstopei
    on L2's file, hgeip, SGEI into L1), and L2 takes 1000 MSIs in each of
    its two files with exactly the traps into L0, and the L2 exits, of a
    run with one: an MSI to a running L2 costs no trap into L0 and no exit
    to L1. L0 takes two guest external interrupts: the SGEI it hands to
    L1, and L1's own file's while L2 runs (an exit of L2 with L1's
    external interrupt)."""
    full = testing.run_ok(testing.load_or_skip("aianest"), icount=True,
                          cache_key=("aianest", "full"))
    short = testing.run_ok(testing.load_or_skip("aianest", bootargs="short"),
                           icount=True, cache_key=("aianest", "short"))
    for res in (full, short):
        got = {p["id"]: p for p in res.protocol.probes
               if p["id"].startswith("aianest.")}
        for name in AIANEST_PROBES:
            assert got[f"aianest.{name}"]["ok"] == "1", (name, res.log_path)
    assert "aianest: IMSIC S file at 0x28000000, 1000 rounds" in full.console
    assert "aianest: IMSIC S file at 0x28000000, 1 rounds" in short.console
    f, s = full.protocol.l0stats, short.protocol.l0stats
    assert f["traps"] == s["traps"]
    assert f["l2_exits"] == s["l2_exits"]
    assert dict(f["causes"]) == dict(s["causes"])
    assert dict(f["causes"]).get("irq_s_gext") == 2


def test_aianest_same_results_on_qemu_and_on_l0():
    """The differential check: the same probe of the guest interrupt files
    in HS-mode on QEMU's own H extension and AIA (aianest-single) and as
    L1 on L0 (aianest) reads exactly the same values, CSR by CSR (the
    WARL masks of hvictl and hviprio1 included)."""
    single = testing.run_ok(testing.load_or_skip("aianest-single"),
                            icount=True, cache_key=("aianest-single", "full"))
    nested = testing.run_ok(testing.load_or_skip("aianest"), icount=True,
                            cache_key=("aianest", "full"))

    def got(res):
        return {p["id"]: (p["got"], p["ok"]) for p in res.protocol.probes
                if p["id"].startswith("aianest.")}

    s, n = got(single), got(nested)
    assert sorted(s) == sorted(f"aianest.{x}" for x in AIANEST_PROBES)
    assert s == n
    assert all(ok == "1" for _, ok in s.values()), s


def test_linux_l1_console_takes_input_through_its_aplic():
    """The interactive path: characters typed on the UART reach Linux as
    L1 through the host APLIC, L0's file, L0's vAPLIC and an MSI into
    L1's own file, and its tty echoes them. Input is streamed for the
    whole run (wall clock, no icount: QEMU reads stdin in real time), so
    what is asserted is only that some of it came back after /init
    started, never how much or when."""
    import subprocess
    import threading
    import time

    from harness import qemu

    cfg = testing.load_or_skip("linux-l0-aia-l1")
    argv = qemu.command(cfg, icount=False)
    argv[0] = qemu.qemu_binary()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    done = threading.Event()

    def typist():
        while not done.is_set() and proc.poll() is None:
            try:
                proc.stdin.write(b"Q")
                proc.stdin.flush()
            except (BrokenPipeError, OSError):
                return
            time.sleep(0.01)

    chunks = []

    def reader():
        for chunk in iter(lambda: proc.stdout.read1(4096), b""):
            chunks.append(chunk)

    threads = [threading.Thread(target=f, daemon=True) for f in (typist, reader)]
    for t in threads:
        t.start()
    try:
        proc.wait(timeout=cfg.timeout * testing.load_factor())
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    finally:
        done.set()
        for t in threads:
            t.join(timeout=5)
        for f in (proc.stdin, proc.stdout):
            try:
                f.close()
            except OSError:
                pass
    con = b"".join(chunks).decode(errors="replace")
    assert "RVNEST done status=0" in con, con[-2000:]
    after_init = con.split("Run /init as init process", 1)[1]
    assert "Q" in after_init, after_init[-2000:]
    v = one(VAPLIC_LINE, type("R", (), {"console": con, "log_path": "-"}))
    assert int(v.group(1)) > 0


def test_kvm_l1_two_cpus_ipis_through_its_imsic():
    """A 2-CPU Linux/KVM L1 with l1.aia=1 runs kvm-vmm's 2-vCPU micro-guest
    to the end (ipi_remote, rfence_remote and ipi_idle included) with KVM's AIA
    enabled; L1's IPIs are MSIs between its IMSIC files, so L0 takes no
    kick for them: one irq_s_soft in the whole run (vCPU 1's start),
    where kvm-l0-smp2 (vPLIC, SBI IPIs) takes hundreds."""
    res = run("kvm-l0-smp2-aia-l1")
    con = res.console
    assert "kvm [1]: AIA available with 2 guest external interrupts" in con
    assert ("riscv-imsic: interrupt-controller@28000000: providing IPIs "
            "using interrupt 1") in con
    b = res.protocol.benches
    assert len(b) == 10 and {"ipi_remote", "rfence_remote", "ipi_idle"} <= set(b)
    assert causes(res).get("irq_s_soft", 0) <= 1, causes(res)
    assert res.protocol.done["status"] == 0
