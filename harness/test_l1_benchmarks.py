"""l1-guest-hyp's microbenchmarks, in every benchmark-matrix configuration
that boots it (single today; nested runs the same L1 binary on L0, and must
give L1 exactly the same exits, since L0 is meant to be invisible to it).

Exit counts must equal the operations performed: EXPECTED_EXITS is the one
table of exits L1 sees per iteration of each benchmark, derived from what
the L2 body does (guests/micro/main.c) and how L1 handles it
(l1-guest-hyp/)."""

import pytest

from harness import config, runner, testing
from harness.runner import Outcome

L1_COMPONENT = "l1-guest-hyp"

# Exits L1 sees from L2 per iteration, by cause (common/trap_names.c names).
# The BENCH_BEGIN/END calls bracketing each loop are outside the window.
EXPECTED_EXITS = {
    # one SBI call (rvnest NOP) handled by L1: one VS-mode ecall
    "hypercall": {"ecall_vs": 1},
    # `*scratch = *scratch + 1` on the emulated device: the load and the
    # store each fault on the unmapped G-stage page and are emulated
    "mmio": {"load_guest_page_fault": 1, "store_guest_page_fault": 1},
    # SBI send_ipi to itself: the ecall; L1 sets hvip.VSSIP and L2 clears
    # it through sip.SSIP, which is the same bit ("Hypervisor Interrupt
    # Registers"): no exit for delivery or completion
    "ipi": {"ecall_vs": 1},
    # the device raise store, then the ACK store in L2's interrupt handler;
    # the interrupt itself is delivered through hvip.VSEIP without an exit
    "virq": {"store_guest_page_fault": 2},
    # first touch of a fresh page: one G-stage fault, filled lazily by L1
    "gstage_fault": {"store_guest_page_fault": 1},
    # "timer": depends on Sstc, see timer_exits()
    # arithmetic only
    "compute": {},
}
# l1-guest-hyp's AIA mode (`RVNEST l1irq mode=aia`, l1-guest-hyp/aia.c):
# L2's interrupts are MSIs into its IMSIC guest file, which a running L2
# takes with no exit and claims with stopei (no ACK).
AIA_EXITS = {
    # L2 writes the IPI's MSI into its own file, mapped in its G-stage: no
    # exit at all
    "ipi": {},
    # the device raise store only: L1 answers it with an MSI into L2's file
    "virq": {"store_guest_page_fault": 1},
}
BENCHMARKS = sorted(list(EXPECTED_EXITS) + ["timer"])
# With two or more L2 vCPUs (QEMU -smp > 1) the micro-guest also runs the
# cross-vCPU benchmarks; their exits are asserted in test_smp.py.
SMP_BENCHMARKS = ["ipi_remote", "rfence_remote", "ipi_idle"]


def timer_exits(sstc: bool) -> dict:
    """SBI set_timer is an ecall either way. With Sstc L1 writes vstimecmp
    and the interrupt reaches L2 with no exit; without, L1's own S-mode
    timer fires while L2 runs (irq_s_timer) and L1 injects VSTIP
    (l1-guest-hyp/vtimer.c)."""
    return {"ecall_vs": 1} if sstc else {"ecall_vs": 1, "irq_s_timer": 1}


def l1_configs():
    return [c.name for c in config.load_all() if c.bench.matrix]


def l1_run(name, n=1):
    cfg = testing.load_or_skip(name)
    res = testing.run_ok(cfg, icount=True, cache_key=(name, "l1-icount", n))
    boots = [b for b in res.protocol.boots if b.get("component") == L1_COMPONENT]
    if not boots:
        pytest.skip(f"config {name} does not boot {L1_COMPONENT}")
    if any(b.get("component") == "l2-passdev" for b in res.protocol.boots):
        pytest.skip(f"config {name} runs guests/passdev's benchmarks (test_passdev.py)")
    return res, boots[0]


def l1_irq_mode(res):
    """l1-guest-hyp's `RVNEST l1irq mode=` (hvip or aia)."""
    modes = [r["mode"] for r in res.protocol.records if r.kind == "l1irq"]
    assert len(modes) == 1, f"not one RVNEST l1irq line ({res.log_path})"
    return modes[0]


@pytest.mark.parametrize("name", l1_configs())
def test_every_benchmark_completed(name):
    res, _ = l1_run(name)
    smp = testing.load_or_skip(name).smp > 1
    assert sorted(res.protocol.benches) == sorted(BENCHMARKS + (SMP_BENCHMARKS if smp else []))
    assert res.protocol.done["status"] == 0
    for b in res.protocol.benches.values():
        assert b["iters"] > 0 and b["instret"] > 0, b.line


@pytest.mark.parametrize("name", l1_configs())
def test_exit_counts_equal_operations(name):
    res, boot = l1_run(name)
    if "sstc" not in boot.fields:
        pytest.fail(f"{boot.line}: no sstc= key, so the timer's expected exits are unknown")
    table = dict(EXPECTED_EXITS, timer=timer_exits(boot["sstc"] == "1"))
    if l1_irq_mode(res) == "aia":
        table.update(AIA_EXITS)
    wrong = testing.exit_count_mismatches(res.protocol.benches, table)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", l1_configs())
def test_compute_has_no_exits(name):
    res, _ = l1_run(name)
    c = res.protocol.benches["compute"]
    assert c["exits"] == {} and c["exits_total"] == 0, c.line


@pytest.mark.parametrize("name", l1_configs())
def test_two_icount_runs_identical(name):
    a, _ = l1_run(name, 1)
    b, _ = l1_run(name, 2)
    for bench, ra in a.protocol.benches.items():
        rb = b.protocol.benches[bench]
        # instret, not cycle: cycle includes WFI idle time, which QEMU's
        # icount warp does not reproduce exactly (benchmarks/results.py)
        for k in ("iters", "instret", "exits", "exits_total"):
            assert ra[k] == rb[k], f"{name} {bench} {k}: {ra[k]} vs {rb[k]}"


def l0_configs():
    return [c.name for c in config.load_all() if c.bench.matrix and c.bench.l0_traps == "l0bench"]


# The floor for an L2 exit that L1 handles: the exit into L0 and L1's
# return (DESIGN.md section 6). No L0 can do better; the NEVE anchors are
# 126 (ARMv8.3), 15 (NEVE), 5 (x86 VMCS shadowing).
L0_TRAPS_PER_L1_EXIT_FLOOR = 2


@pytest.mark.parametrize("name", l0_configs() or [pytest.param(None, marks=pytest.mark.skip(
    reason="no benchmark-matrix configuration with l0_traps = \"l0bench\""))])
def test_l0_counts_every_benchmark_window(name):
    res, _ = l1_run(name)
    p = res.protocol
    assert sorted(p.l0benches) == sorted(p.benches), "every bench window needs an RVNEST l0bench line"
    for bench, b in p.benches.items():
        l0 = p.l0benches[bench]
        assert l0["traps"] >= L0_TRAPS_PER_L1_EXIT_FLOOR * b["exits_total"], (b.line, l0.line)
        if "causes" in l0.fields:
            assert sum(l0["causes"].values()) == l0["traps"], l0.line


# Instructions per operation (L2's instret / iters, everything every level
# ran) under -icount, where they are exact and repeat run to run: measured
# with `make run` at revision 6b08738 (nested: hypercall 1,967, mmio 7,642,
# ipi 2,697, virq 8,314, gstage_fault 7,148, timer 2,326, compute 4;
# nested-nacl: 2,081, 7,602, 3,073, 8,960, 7,763, 2,811, 4); nested again
# after L0's fast CSR read and inlined trap bookkeeping (issue 10): 1,846,
# 7,334, 2,595, 8,045, 7,084, 2,225, 4 (nested-nacl then 2,080, 7,660,
# 3,072, 9,017, 7,799, 2,810, 4: its bounds kept). The bounds are
# about 10% above, so that a slower trap path into L0 fails here; lower them
# when the path gets faster. (timer: with Sstc, QEMU's default CPU.)
# Raised at 889d770 when AIA for L1 (issue 14), the vCPU scheduler and
# DBTR's world-switch hooks were merged: nested hypercall 2,096, ipi 2,975,
# timer 2,495; nested-nacl 2,295, 3,430, 3,095. With l0.profile=1 the
# nested hypercall grew from 2,419 to 2,513 (639edaa, the scheduler merged,
# to a36a7c5, AIA for L1 merged): L1's SRET into L2 +61 instructions inside
# L0, the exit +15, each of the 3 CSR reads +6 (l0-hyp/README.md,
# "Performance"); the new bounds are about 3% above these, so that the next
# regression fails here while that one is won back.
# Won back and lowered at e83ead5 (issue 10 again, branch lean10: the
# configuration's flags in one word of the vCPU, L1's CSR reads through a
# direct index, no second interrupt check and no stack frames on the
# world switch's usual path, NACL's change tracking only with NACL):
# nested 1,794, 7,288, 2,678, 8,074, 7,138, 2,198, 4; nested-nacl
# 2,141, 7,866, 3,272, 9,307, 7,983, 2,937, 4 (l0-hyp/README.md,
# "Performance"). The bounds are about 3% above, so that the next
# regression fails here.
# nested-nacl lowered at b4402b3 (branch leannacl: SYNC_SRET past the SBI
# dispatch, the in-place passes and the exit's write-back leaner):
# 1,924, 7,418, 3,082, 8,871, 7,759, 2,760, 4 (l0-hyp/README.md, "NACL's
# own costs"); its bounds about 3% above.
INSTRET_PER_OP_BOUND = {
    "nested": {"hypercall": 1850, "mmio": 7510, "ipi": 2760, "virq": 8320,
               "gstage_fault": 7355, "timer": 2265, "compute": 5},
    "nested-nacl": {"hypercall": 1980, "mmio": 7640, "ipi": 3175, "virq": 9140,
                    "gstage_fault": 7990, "timer": 2845, "compute": 5},
}


@pytest.mark.parametrize("name", sorted(INSTRET_PER_OP_BOUND))
def test_instructions_per_operation_within_bound(name):
    res, boot = l1_run(name)
    if boot.get("sstc") != "1":
        pytest.skip(f"{name}: the bounds were measured with Sstc")
    over = []
    for bench, bound in INSTRET_PER_OP_BOUND[name].items():
        b = res.protocol.benches[bench]
        per_op = b["instret"] / b["iters"]
        if per_op > bound:
            over.append(f"{bench}: {per_op:.1f} instructions/op > {bound} ({b.line})")
    assert not over, "\n".join(over)


# ---- the failure modes, on the single-level configuration ----------------

SINGLE = "single"


def test_single_without_h_extension():
    cfg = testing.load_or_skip(SINGLE)
    res = runner.run(cfg.with_overrides(cpu="rv64,h=false"))
    assert res.outcome is Outcome.NO_H_EXTENSION, res.error
    assert res.error.startswith(f"config {SINGLE}: the CPU QEMU emulates has no H extension")
    assert "RVNEST error msg=no_H_extension" in res.error


def test_single_guest_never_finishes():
    cfg = testing.load_or_skip(SINGLE, bootargs="rvnest.hang=1")
    res = runner.run(cfg, timeout=5)
    assert res.outcome is Outcome.TIMEOUT
    assert res.error.startswith(f"config {SINGLE}: timeout after 5s: the guest never finished; "
                                "last console line: ")
    assert "rvnest.hang=1" in res.last_line


def test_single_kernel_missing(tmp_path):
    cfg = config.load(SINGLE, l1=str(tmp_path / "l1.elf"))
    res = runner.run(cfg)
    assert res.outcome is Outcome.MISSING_FILE
    assert res.error.startswith(f"config {SINGLE}: kernel image {tmp_path}/l1.elf does not exist")
