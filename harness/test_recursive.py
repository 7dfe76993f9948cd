"""Recursion (issue 11): L0 running on L0. `recursive` is L0 -> L0 ->
l1-guest-hyp -> L2 micro-guests, `recursive3` has three L0s (their images
in one chain, common/include/rvnest/chain.h), `recursive-kvm` runs Linux/KVM
on the inner L0.

Each L0 learns its depth from the SBI below it (SBI_EXT_RVNEST DEPTH; 1 on
OpenSBI) and prints it on its lines; the inner L0s pass every benchmark
marker down, so each level prints its own l0bench line for the same window
(harness.protocol keeps them apart by depth).

The exact trap counts asserted here are measured at the revision that added
them, under -icount (deterministic). Work that makes one L0 take fewer
traps (a leaner trap path, NACL used by an inner L0) changes them: update
the numbers from a run, keeping the decomposition in the comments true."""

import subprocess
import sys

import pytest

from harness import config, testing
from harness.runner import Outcome

RECURSIVE = "recursive"
RECURSIVE3 = "recursive3"
RECURSIVE_KVM = "recursive-kvm"
NESTED = "nested"
KVM_L0 = "kvm-l0"
MKCHAIN = config.ROOT / "l0-hyp" / "mkchain.py"

# Traps into each L0 in the hypercall window (1000 iterations), by depth.
# The L0 that hosts l1-guest-hyp sees exactly what `nested`'s one L0 sees:
#   5006 = 1000 x (1 ecall_vs: the L2 hypercall + 4 virtual_inst: L1 reads
#          htval, htinst, hstatus and SRETs back into L2)
#        + 6 (BENCH_END's ecall and its emulation inside the window).
# Every trap into an L0 is an exit of the guest of the L0 below it, which
# it forwards (l2_forwarded), plus the upper L0's own h*/vs* CSR accesses,
# world switch and SRET as virtual-instruction traps (measured after the
# fast path of issue 10, which made an L0 touch fewer CSRs per trap):
#   80083  = 5006 forwarded exits + 75077 traps of the L0 above itself
#            (virtual_inst 79080 in all, ecall_vs 1003: the L2 hypercalls'
#            way down and BEGIN/END passed down)
#          = 16.0 per trap into the L0 above (19.2 before the fast path);
#   519616 = 80083 forwarded + 439533 (5.5 per upper trap: that L0's own
#            traps are mostly CSR emulation, cheaper to handle below; 7.5,
#            599676, before the middle L0 stopped making a WARL round trip
#            through the hardware for a vs* value it had already seen,
#            l0-hyp/vhyp.c vs_write).
# Since 657a6f4 (branch lean10) 4 traps fewer per hypercall at depth 1: the
# inner L0's exit to its L1 writes hedeleg and hstatus once (sync_vtsr's
# values, no hedeleg restored then overwritten, no csrs of VTSR) and takes
# the cause from its argument instead of reading vscause back, and its SRET
# no longer saves hedeleg:
#   76079  = 5006 forwarded + 71073 (15.2 per trap above, 16.0 before);
#   488581 = 76079 forwarded + 412502 (5.4 per upper trap).
# With NACL below each inner L0: harness/test_recursive_nacl.py.
HYPERCALL_TRAPS = {
    RECURSIVE: {1: 76079, 2: 5006},
    RECURSIVE3: {1: 488581, 2: 76079, 3: 5006},
}


def recursive_run(name):
    cfg = testing.load_or_skip(name)
    # the key test_l1_benchmarks.py and test_nested.py use: one boot each
    return testing.run_ok(cfg, icount=True, cache_key=(name, "l1-icount", 1))


@pytest.mark.parametrize("name,levels", [(RECURSIVE, 2), (RECURSIVE3, 3)])
def test_every_level_boots_and_says_its_depth(name, levels):
    """Each L0 prints its boot line with depth 1..n, in boot order (the
    outer first); the micro-guests run to the end; every L0 closes with its
    own l0stats line."""
    p = recursive_run(name).protocol
    l0_boots = [b for b in p.boots if b.get("component") == "l0"]
    assert [b.depth for b in l0_boots] == list(range(1, levels + 1)), \
        [b.line for b in l0_boots]
    assert all(b.get("nested") == "1" for b in l0_boots)
    assert [b["component"] for b in p.boots][levels:] == ["l1-guest-hyp", "l2-micro"]
    assert p.done["status"] == 0
    assert sorted(p.l0stats_by_depth) == list(range(1, levels + 1))
    # each level has an l0bench line for every benchmark window
    for d, lines in p.l0benches_by_depth.items():
        assert sorted(lines) == sorted(p.benches), f"depth {d}"


@pytest.mark.parametrize("name", [RECURSIVE, RECURSIVE3])
def test_hypercall_traps_per_level_exact(name):
    p = recursive_run(name).protocol
    got = {d: lines["hypercall"]["traps"] for d, lines in p.l0benches_by_depth.items()}
    assert got == HYPERCALL_TRAPS[name]


@pytest.mark.parametrize("name", [RECURSIVE, RECURSIVE3])
def test_each_trap_above_is_an_exit_forwarded_below(name):
    """For every window, the traps into the L0 at depth d+1 are exactly the
    exits of its guest that the L0 at depth d forwarded to it; and the L0
    that hosts L1 counts what `nested`'s one L0 counts."""
    p = recursive_run(name).protocol
    by = p.l0benches_by_depth
    depths = sorted(by)
    for bench in p.benches:
        for d in depths[:-1]:
            below, above = by[d][bench], by[d + 1][bench]
            assert below["l2_forwarded"] == above["traps"], (below.line, above.line)
    nested = testing.run_ok(testing.load_or_skip(NESTED), icount=True,
                            cache_key=(NESTED, "l1-icount", 1)).protocol
    top = by[depths[-1]]
    for bench, n in nested.l0benches.items():
        for k in ("traps", "causes", "l2_exits", "l2_forwarded"):
            assert top[bench][k] == n[k], f"{bench} {k}: {top[bench].line} vs {n.line}"


def test_single_l0_says_depth_1():
    p = testing.run_ok(testing.load_or_skip(NESTED), icount=True,
                       cache_key=(NESTED, "l1-icount", 1)).protocol
    assert p.l0_depths == [1]
    assert all(r.depth == 1 and "depth" in r.fields for r in p.l0benches.values())
    assert p.l0stats.get("depth") == 1


def _chain(tmp_path, *files):
    out = tmp_path / "t.chain"
    subprocess.run([sys.executable, str(MKCHAIN), "-o", str(out), *map(str, files)], check=True)
    return out


def test_mkchain_round_trip(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"x" * 5000)
    b.write_bytes(b"y")
    out = _chain(tmp_path, a, b)
    r = subprocess.run([sys.executable, str(MKCHAIN), "--list", str(out)],
                       capture_output=True, text=True, check=True)
    assert "element 0: offset 0x1000 size 5000" in r.stdout
    assert "element 1: offset 0x3000 size 1" in r.stdout
    assert out.stat().st_size == 0x3000 + 1


@pytest.mark.parametrize("corrupt,needle", [
    (lambda d: d[:8] + (7).to_bytes(4, "little") + d[12:], "chain version 7"),
    (lambda d: d[:12] + (1).to_bytes(4, "little") + d[16:], "chain count 1"),
    (lambda d: d[:-1], "does not fit"),
    (lambda d: d + b"\0", "after its last element"),
])
def test_malformed_chain_is_one_clear_error(tmp_path, corrupt, needle):
    """An L1 image chain that breaks any rule stops L0 at boot with one
    RVNEST error line and the reason, never a crash or a hang."""
    l1 = testing.load_or_skip(NESTED).values["l1"]
    good = _chain(tmp_path, l1, l1)
    bad = tmp_path / "bad.chain"
    bad.write_bytes(corrupt(good.read_bytes()))
    cfg = config.load(NESTED, l1=str(bad))
    res = testing.run(cfg, icount=True, timeout=60)
    assert res.outcome == Outcome.GUEST_ERROR, (res.outcome, res.error, res.log_path)
    errs = res.protocol.errors
    assert len(errs) == 1 and errs[0]["msg"] == "malformed_L1_image_chain", errs
    assert errs[0].get("depth") == 1
    assert needle in res.console, res.log_path


def test_chain_and_a_second_initrd_refused(tmp_path):
    """A chain already gives L1 its initrd: a second one (fw_cfg) is refused."""
    nested = testing.load_or_skip(NESTED)
    l1, l0 = nested.values["l1"], nested.kernel
    cfg = testing.load_or_skip(RECURSIVE).with_overrides(initrd=str(_chain(tmp_path, l0, l1)))
    res = testing.run(cfg, icount=True, timeout=60)
    assert res.outcome == Outcome.GUEST_ERROR, (res.outcome, res.error, res.log_path)
    assert [e["msg"] for e in res.protocol.errors] == ["two_L1_initrds"]
    assert "both chain and fw_cfg" in res.console


# ---- recursive-kvm: Linux/KVM on the inner L0 ------------------------------

# recursive-kvm's counts are not exact (Linux idles in WFI: its timer ticks
# land in or out of a window from run to run), so they are compared per
# operation, as harness/test_kvm.py does for kvm-l0. The inner L0 offers
# NACL (l0.nacl=all, as kvm-l0) and KVM 7.3 uses it. Measured after the
# fast path of issue 10, three runs (depth 2 / depth 1 traps in the
# window): 3017 / 90776, 3323 / 108453, 3334 / 109749:
#   depth 2 (hosts Linux/KVM): 3 per hypercall, as kvm-l0's one L0 sees
#     (L2's ecall, KVM's SYNC_SRET, KVM's own vstimecmp write), plus up to
#     a third of a trap of L1 timer ticks;
#   depth 1: 30.1, 32.6 and 32.9 traps per trap into depth 2 then; 26.8
#     (80692 / 3016) once the inner L0 stopped making a WARL round trip
#     through the hardware for a vs* value it had already seen (vhyp.c
#     vs_write): here the outer L0 offers no NACL, so each of the inner
#     one's SBI calls and world switches costs some 25 to 30 CSR traps
#     below (with NACL below it, 2: recursive-kvm-nacl in
#     test_recursive_nacl.py). The bounds leave room for the ticks, not
#     for a change of that cost.
KVM_DEPTH2_TRAPS_PER_HYPERCALL = 3
KVM_DEPTH1_PER_DEPTH2_TRAP = (24.0, 33.0)


def test_recursive_kvm_runs_every_benchmark():
    p = recursive_run(RECURSIVE_KVM).protocol
    comps = [(b["component"], b.depth if b["component"] == "l0" else None) for b in p.boots]
    assert comps == [("l0", 1), ("l0", 2), ("kvm-init", None), ("kvm-vmm", None),
                     ("l2-micro", None)], comps
    assert p.done["status"] == 0
    assert sorted(p.l0stats_by_depth) == [1, 2]
    by = p.l0benches_by_depth
    assert sorted(by) == [1, 2]
    for bench in p.benches:
        # every trap into the inner L0 is an exit the outer L0 forwarded,
        # except perhaps its interrupts: Linux idles, and an inner L0 timer
        # interrupt reaches it either as a forwarded L2 interrupt or
        # delivered by the outer L0 after serving its own (both seen: 16 of
        # 16 not forwarded in one gstage_fault window, 2 of 2 forwarded in
        # an mmio window of another run)
        above = by[2][bench]
        irqs = sum(n for c, n in above["causes"].items() if c.startswith("irq_"))
        assert above["traps"] - irqs <= by[1][bench]["l2_forwarded"] <= above["traps"], \
            (by[1][bench].line, above.line)


def test_recursive_kvm_hypercall_traps_per_level():
    p = recursive_run(RECURSIVE_KVM).protocol
    by = p.l0benches_by_depth
    iters = p.benches["hypercall"]["iters"]
    # the L2 hypercalls reach the inner L0 as ecalls (plus BENCH_END and
    # Linux's own SBI console calls)
    assert by[2]["hypercall"]["causes"]["ecall_vs"] >= iters + 1, by[2]["hypercall"].line
    lines = [by[d]["hypercall"].line for d in (1, 2)]
    assert by[2]["hypercall"]["traps"] // iters == KVM_DEPTH2_TRAPS_PER_HYPERCALL, lines
    ratio = by[1]["hypercall"]["traps"] / by[2]["hypercall"]["traps"]
    lo, hi = KVM_DEPTH1_PER_DEPTH2_TRAP
    assert lo <= ratio <= hi, (ratio, lines)


def test_malformed_initrd_chain_refused_at_the_first_level(tmp_path):
    """A chain given as L1's initrd (fw_cfg) is handed on unopened, but an
    L0 checks it first: a malformed one stops the outer L0 at once, not the
    inner one after it has booted."""
    nested = testing.load_or_skip(NESTED)
    l1 = nested.values["l1"]
    testing.load_or_skip(RECURSIVE)
    data = _chain(tmp_path, l1, l1).read_bytes()
    bad = tmp_path / "bad.chain"
    bad.write_bytes(data[:12] + (9).to_bytes(4, "little") + data[16:])
    res = testing.run(config.load(RECURSIVE, l1=str(bad)), icount=True, timeout=60)
    assert res.outcome == Outcome.GUEST_ERROR, (res.outcome, res.error, res.log_path)
    assert [(e["msg"], e.get("depth")) for e in res.protocol.errors] == \
        [("malformed_L1_initrd_chain", 1)]
    assert "chain count 9" in res.console
    assert [b.depth for b in res.protocol.boots] == [1]
