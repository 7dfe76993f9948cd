"""SBI nested acceleration (NACL, DESIGN.md section 5) on L0.

nested-nacl runs the `nested` stack with L0 offering NACL (l0.nacl=all) and
l1-guest-hyp using it (rvnest.nacl=1): its h* CSRs are read from and written
to the shared memory, its HFENCEs are queued there, and it enters L2 with
one SYNC_SRET call. L1 must see exactly what it sees without NACL (the same
benchmarks, iterations and exits), while the traps into L0 per operation
must be strictly fewer than in `nested`, and repeat exactly across two
-icount runs. The same L1 with rvnest.nacl=1 on QEMU's own H extension
(no NACL there) must say so and give single's results.

The nested tests skip, naming what is missing, if L0 cannot run L1 nested
or does not offer NACL."""

import re

import pytest

from harness import testing
from harness.test_hprobe import NOT_NESTED, l0_emulates_h

NACL = "nested-nacl"
NESTED = "nested"
SINGLE = "single"
L1_NACL_ON = re.compile(r"^l1: nacl=on shmem=0x[0-9a-f]+ sync_csr=(\d) "
                        r"sync_hfence=(\d) sync_sret=(\d) autoswap=(\d)$", re.M)
L1_NACL_ABSENT = "l1: rvnest.nacl=1: the SBI below offers no NACL"
NACL_NOT_OFFERED = ("L0 does not offer NACL to L1 (its option l0.nacl=, and "
                    "l0_nacl_setup()/l0_nacl_trap_done() of l0-hyp/nacl.h "
                    "called from l0-hyp/main.c and l0-hyp/trap.c)")


def run(name, n=1):
    cfg = testing.load_or_skip(name)
    return testing.run_ok(cfg, icount=True, cache_key=(name, "l1-icount", n))


def nacl_run(n=1):
    """nested-nacl, or a skip naming what is missing."""
    res = run(NACL, n)
    if not l0_emulates_h(res):
        pytest.skip(NOT_NESTED)
    if L1_NACL_ON.search(res.console) is None:
        assert L1_NACL_ABSENT in res.console, (
            f"L1 says neither that it uses NACL nor that it is absent ({res.log_path})")
        pytest.skip(NACL_NOT_OFFERED)
    return res


def test_l1_uses_every_feature():
    m = L1_NACL_ON.search(nacl_run().console)
    assert m.groups() == ("1", "1", "1", "1"), m.group(0)


def test_same_functional_results_as_nested():
    """NACL changes how L1 talks to L0, never what L1 sees from L2."""
    a, n = nacl_run().protocol, run(NESTED).protocol
    assert sorted(a.benches) == sorted(n.benches)
    for name, b in n.benches.items():
        for k in ("iters", "exits", "exits_total"):
            assert a.benches[name][k] == b[k], f"{name} {k}: nacl {a.benches[name][k]} nested {b[k]}"
    assert a.done["status"] == 0


def traps_per_op(l0):
    return l0["traps"] / int(l0["iters"])


def test_fewer_traps_into_l0_than_without():
    """Every benchmark with L2 exits costs strictly fewer traps into L0 per
    operation with NACL; the hypercall reaches the floor of 2 (the L2 exit
    and L1's SYNC_SRET, DESIGN.md section 6)."""
    a, n = nacl_run().protocol, run(NESTED).protocol
    for name, b in a.benches.items():
        if b["exits_total"] == 0:
            continue
        with_nacl, without = traps_per_op(a.l0benches[name]), traps_per_op(n.l0benches[name])
        assert with_nacl < without, f"{name}: {with_nacl} traps/op with NACL, {without} without"
    hc = a.l0benches["hypercall"]
    assert int(traps_per_op(hc)) == 2, hc.line
    # what is left is ecalls: L2's hypercall and L1's SYNC_SRET
    assert set(hc["causes"]) == {"ecall_vs"}, hc.line


def test_traps_repeat_exactly():
    a, b = nacl_run(1).protocol, nacl_run(2).protocol
    for name, la in a.l0benches.items():
        lb = b.l0benches[name]
        for k in ("traps", "causes", "l2_exits", "l2_forwarded"):
            assert la[k] == lb[k], f"{name} {k}: {la[k]} vs {lb[k]}"
        assert a.benches[name]["instret"] == b.benches[name]["instret"], name


def test_sync_sret_alone_still_saves_traps():
    """Features are switchable: with SYNC_SRET only (no CSR or HFENCE
    batching), L1 writes its CSRs directly again, so the ipi benchmark (one
    hvip write per operation) costs one trap more than with every feature,
    and still fewer than without NACL."""
    nacl_run()  # skips when NACL is absent
    cfg = testing.load_or_skip(NACL, l0args="l0.nacl=sret")
    res = testing.run_ok(cfg, icount=True, cache_key=(NACL, "sret-only"))
    m = L1_NACL_ON.search(res.console)
    assert m is not None and m.groups() == ("0", "0", "1", "0"), res.log_path
    only, full, none = (r.protocol.l0benches["ipi"] for r in (res, nacl_run(), run(NESTED)))
    assert traps_per_op(full) < traps_per_op(only) < traps_per_op(none), (full.line, only.line, none.line)


def test_single_level_without_nacl_below():
    """On QEMU's own H extension OpenSBI has no NACL: L1 says so and runs
    exactly as without the bootarg."""
    cfg = testing.load_or_skip(SINGLE, bootargs="rvnest.nacl=1")
    res = testing.run_ok(cfg, icount=True, cache_key=(SINGLE, "nacl-bootarg"))
    assert L1_NACL_ABSENT in res.console, res.log_path
    plain = run(SINGLE).protocol.benches
    for name, b in res.protocol.benches.items():
        for k in ("iters", "exits", "exits_total"):
            assert b[k] == plain[name][k], f"{name} {k}"
