"""Devices through two levels (issue 19): l1-guest-hyp with rvnest.passdev=1
hands its L2 (guests/passdev) L1's UART page and L1's PLIC context page, as
a partitioning hypervisor would.

On QEMU's H (`single-passdev`) both pages are real hardware. On L0
(`nested-passdev`) the UART page is passed through by L0, so the shadow
maps L2's page onto the host UART (no trap after the fill), and the PLIC is
L0's vPLIC, so each L2 access to the context page traps into L0, which
performs it as L1's access (one trap, L1 never sees it). Both must print the
same lines, with the same faults reported by L1 (htval, htinst, stval, GVA)
and the same interrupts taken."""

import re

from harness import testing

SINGLE = "single-passdev"
NESTED = "nested-passdev"
# the console lines the two levels print themselves (L0's own and the
# firmware's differ between the two stacks by design)
SAME_RE = re.compile(r"^(l1: passdev: .*|l2-passdev: .*)$")
ROUNDS = 3  # PASSDEV_IRQ_ROUNDS in common/include/rvnest/passdev.h
GPF = ("load_guest_page_fault", "store_guest_page_fault")


def single_run():
    cfg = testing.load_or_skip(SINGLE)
    return testing.run_ok(cfg, icount=True, cache_key=(SINGLE, 1))


def nested_run(n=1, l0args=None, bootargs=None):
    kw = {k: v for k, v in (("l0args", l0args), ("bootargs", bootargs)) if v}
    cfg = testing.load_or_skip(NESTED, **kw)
    return testing.run_ok(cfg, icount=True,
                          cache_key=(NESTED, l0args, bootargs, n))


def same_lines(res):
    return [ln.strip() for ln in res.console.splitlines()
            if SAME_RE.match(ln.strip())]


def test_single_l2_prints_through_uart_and_takes_its_interrupts():
    res = single_run()
    lines = same_lines(res)
    assert "l2-passdev: this line went through the UART page L1 passed through" in lines
    irqs = [ln for ln in lines if ln.startswith("l2-passdev: interrupt ")]
    assert len(irqs) == ROUNDS, lines
    for i, ln in enumerate(irqs, 1):
        # QEMU virt's UART is PLIC source 10; its THR-empty interrupt
        # (IIR 0x2) was the one claimed, and none is pending afterwards
        assert ln.startswith(f"l2-passdev: interrupt {i}: PLIC source 10 claimed"), ln
        assert "UART IIR 0xc2" in ln and ln.endswith("IIR now 0x1"), ln
    # the three accesses L1 does not allow are L1's guest-page faults, with
    # htval = GPA >> 2 and a transformed instruction in htinst
    faults = [ln for ln in lines if ln.startswith("l1: passdev: ")
              and "stepped over" in ln]
    assert len(faults) == 3, lines
    # a fetch from the UART page L1 maps executable: the device's
    # instruction access fault (not executable), taken by L1, htval 0
    fetch = [ln for ln in lines if "executable UART alias" in ln]
    assert len(fetch) == 1 and fetch[0].startswith(
        "l1: passdev: inst_access_fault at L2 pc 0x10003000 ") and "htval=0x0 gva=1" in fetch[0], lines
    assert "l2-passdev: fetch from the UART page stopped by L1" in lines
    for ln in faults:
        m = re.search(r"(\w+) at L2 GPA (0x[0-9a-f]+) .*htval=(0x[0-9a-f]+) "
                      r"htinst=(0x[0-9a-f]+) stval=(0x[0-9a-f]+) gva=1", ln)
        assert m and m.group(1) in GPF, ln
        gpa = int(m.group(2), 16)
        assert int(m.group(3), 16) == gpa >> 2, ln
        assert int(m.group(4), 16) & 1, ln  # a transformed load/store
        assert int(m.group(5), 16) == gpa, ln  # VS-stage bare: GVA = GPA
    benches = res.protocol.benches
    assert sorted(benches) == ["dev_emulated", "dev_passthrough"]
    for b in benches.values():
        assert b["exits_total"] == 0, b.line  # L1 handles no device access


def test_nested_prints_the_same_lines_as_single():
    """L0 is invisible: the UART output, the faults L1 reports (with the
    same htval/htinst/stval/GVA) and the interrupts are line for line
    those of QEMU's H extension."""
    s, n = same_lines(single_run()), same_lines(nested_run())
    assert len(s) >= 6 + 3 + ROUNDS
    assert n == s
    sb, nb = single_run().protocol.benches, nested_run().protocol.benches
    for name in sb:
        for k in ("iters", "exits", "exits_total"):
            assert nb[name][k] == sb[name][k], (name, k)


def test_nested_with_fetched_instructions_prints_the_same_lines():
    """l0.decode=fetch: L0 decodes L2's vPLIC accesses from L2's memory
    (through L2's VS-stage and L1's G-stage) instead of htinst."""
    assert same_lines(nested_run(l0args="l0.decode=fetch")) == same_lines(single_run())


def window(p, name):
    l0, l1 = p.l0benches[name], p.benches[name]
    return l0, l1


def test_traps_into_l0_per_l2_device_access():
    """Passed-through UART: no trap into L0 per access (the shadow maps
    the host UART). Emulated PLIC context: exactly one trap into L0 per
    access, handled in L0 (not forwarded to L1). The window's own markers
    (BENCH_BEGIN/END) cost both benchmarks the same."""
    p = nested_run().protocol
    pt, pt1 = window(p, "dev_passthrough")
    em, em1 = window(p, "dev_emulated")
    iters = pt1["iters"]
    assert iters == em1["iters"] > 0
    accesses = iters  # one per iteration: stores, then loads, alternately
    for c in GPF:
        assert c not in pt["causes"], pt.line
        assert em["causes"][c] == iters // 2, em.line
    assert em["traps"] - pt["traps"] == accesses, (pt.line, em.line)
    # only BENCH_END reaches L1 from L2 in either window
    assert int(pt["l2_forwarded"]) == int(em["l2_forwarded"]) == 1
    assert int(em["l2_exits"]) - int(pt["l2_exits"]) == accesses


def test_counts_repeat_exactly():
    a, b = nested_run(1).protocol, nested_run(2).protocol
    for name, la in a.l0benches.items():
        lb = b.l0benches[name]
        for k in ("traps", "causes", "l2_exits", "l2_forwarded"):
            assert la[k] == lb[k], f"{name} {k}: {la[k]} vs {lb[k]}"
        assert a.benches[name]["instret"] == b.benches[name]["instret"]


def test_l0stats_account_for_device_accesses():
    """Every L2 exit is forwarded, a shadow fill, L0's interrupt, or an
    L2 access to L1's emulated device; the UART pages were filled as
    device leaves; L1's 3 interrupts came from the host UART."""
    st = nested_run().protocol.l0stats
    f = st.fields
    assert int(f["l2_exits"]) == (int(f["l2_forwarded"]) + int(f["l2_shadow_fills"])
                                  + int(f["l2_l0_irqs"]) + int(f["l2_device"])), st.line
    # the accesses of the dev_emulated window, plus the interrupt rounds'
    # claims, completions and threshold accesses
    assert int(f["l2_device"]) >= nested_run().protocol.benches["dev_emulated"]["iters"] + 2 * ROUNDS
    events = dict(kv.split(":") for kv in f["shadow_events"].split(","))
    # the read/write UART page and its read-only alias
    assert int(events["device_fills"]) == 2, st.line
    assert int(f["virqs"]) == ROUNDS, st.line
    assert st["causes"].get("irq_s_ext") == ROUNDS, st.line


def test_nested_with_nacl_prints_the_same_lines_and_costs_the_same_per_access():
    """L1 with NACL (SYNC_CSR for its hvip.VSEIP, SYNC_SRET to enter L2):
    the same lines, and an L2 device access costs L0 what it did without
    (the window's markers cost fewer traps)."""
    res = nested_run(l0args="l0.nacl=all", bootargs="rvnest.nacl=1")
    assert any(ln.startswith("l1: nacl=on") for ln in res.console.splitlines())
    assert same_lines(res) == same_lines(single_run())
    p = res.protocol
    pt, em = p.l0benches["dev_passthrough"], p.l0benches["dev_emulated"]
    assert em["traps"] - pt["traps"] == p.benches["dev_emulated"]["iters"]


def test_recursive_l0_passes_the_devices_through_every_level():
    """Two L0s (config `recursive`, depth 2) under the passdev L1: the
    UART page reaches L2 through both shadows (no trap into either L0 per
    access), the PLIC context page is the depth-2 L0's vPLIC, which
    performs each access (one trap into it; its own emulation traps into
    depth 1 in turn), and the lines are still QEMU's H extension's."""
    cfg = testing.load_or_skip("recursive", bootargs="-- rvnest.passdev=1")
    res = testing.run_ok(cfg, icount=True, cache_key=("recursive", "passdev"))
    assert same_lines(res) == same_lines(single_run())
    by_depth = res.protocol.l0benches_by_depth
    assert sorted(by_depth) == [1, 2]
    iters = res.protocol.benches["dev_emulated"]["iters"]
    for depth, w in by_depth.items():
        pt, em = w["dev_passthrough"], w["dev_emulated"]
        for c in GPF:
            assert c not in pt["causes"], (depth, pt.line)
        assert em["traps"] - pt["traps"] >= iters, (depth, em.line)
    two = by_depth[2]
    assert two["dev_emulated"]["traps"] - two["dev_passthrough"]["traps"] == iters
    assert int(two["dev_emulated"]["l2_forwarded"]) == 1
