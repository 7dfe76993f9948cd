"""L0's exit profiler on QEMU (l0-hyp/profile.c, benchmarks/profile.py):
`make profile CONFIG=nested BENCH=hypercall`'s machinery gives the
deterministic per-cause and per-CSR counts of a nested hypercall, its
window holds exactly the traps l0bench counts, and one L2 exit's chain
is the trap sequence L1's exit path causes.

Counts are asserted exactly (they depend on what l1-guest-hyp does per
exit, not on how fast L0 is); instruction totals only as positive and
consistent, since the fast-path work changes them."""

import pytest

from benchmarks import profile
from harness import protocol, testing

NESTED = "nested"
BENCH = "hypercall"
# per hypercall, l1-guest-hyp's exit path reads htval, htinst and hstatus
# and enters L2 again with SRET (l0-hyp/README.md, "Nested")
HYPERCALL_CSRS = {("0x643", "r"), ("0x64a", "r"), ("0x600", "r")}


@pytest.fixture(scope="module")
def prof():
    testing.load_or_skip(NESTED)
    try:
        return profile.run_profile(NESTED, BENCH, trace=64)
    except profile.ProfileError as e:
        pytest.fail(str(e))


def test_buckets_add_up(prof):
    w = prof.window
    assert profile.consistency_errors(w) == []
    assert w.traps > 0 and w.instr > 0
    assert all(b.instr > 0 for b in w.causes.values())


def test_window_is_the_l0bench_window(prof):
    """The profile window and l0bench count the same traps, cause by
    cause (both levels together)."""
    res_console = open(prof.log).read()
    l0b = protocol.parse(res_console).l0benches[BENCH]
    w = prof.window
    assert w.traps == l0b["traps"]
    by_cause = {}
    for (_, cause), b in w.causes.items():
        by_cause[cause] = by_cause.get(cause, 0) + b.n
    assert by_cause == l0b["causes"]
    l2 = sum(b.n for (lv, _), b in w.causes.items() if lv == "l2")
    assert l2 == l0b["l2_exits"]


def test_hypercall_counts(prof):
    """Per hypercall: the L2 ecall, three CSR reads and the SRET; the
    window adds one (BENCH_END's own L2 ecall and L1's path) plus L1's
    BENCH_END call into L0."""
    w, n = prof.window, prof.iters + 1
    assert prof.iters == 1000
    assert {k: b.n for k, b in w.causes.items()} == {
        ("l2", "ecall_vs"): n, ("l1", "virtual_inst"): 4 * n, ("l1", "ecall_vs"): 1}
    assert {k: b.n for k, b in w.insns.items()} == {"csr_r": 3 * n, "sret": n}
    assert {k: b.n for k, b in w.csrs.items()} == {k: n for k in HYPERCALL_CSRS}
    # L1's only SBI call into L0 in the window is BENCH_END
    assert {k: b.n for k, b in w.sbis.items()} == {"0x852564e.2": 1}


def test_chain_of_one_hypercall(prof):
    chain, same, total = profile.typical_chain(prof.window.trace)
    assert same == total > 5, "every complete chain in the ring is a hypercall"
    names = profile.csr_names()
    assert [r["event"] for r in profile.chain_rows(chain, names)] == [
        "ecall_vs", "virtual_inst csr_r htval", "virtual_inst csr_r htinst",
        "virtual_inst csr_r hstatus", "virtual_inst sret"]
    assert [r.level for r in chain] == ["l2", "l1", "l1", "l1", "l1"]
    assert all(r.instr > 0 for r in chain)
    # a deterministic run: every instance costs the same inside L0
    costs = {tuple(r.instr for r in c) for c in profile.chains(prof.window.trace)
             if profile.shape(c) == profile.shape(chain)}
    assert len(costs) == 1, costs


def test_whole_run_profile(prof):
    total = prof.windows[profile.TOTAL]
    assert profile.consistency_errors(total) == []
    # the run holds every window's traps and more (boot, other windows)
    assert total.traps > prof.window.traps


def test_profile_off_by_default():
    """Without l0.profile=1 L0 prints no profile (and pays only the
    hooks' test)."""
    cfg = testing.load_or_skip(NESTED)
    res = testing.run_ok(cfg, icount=True, cache_key=(NESTED, "l1-icount", 1))
    assert not [r for r in res.protocol.records if r.kind.startswith("l0prof")]
    assert not [r for r in res.protocol.records if r.kind.startswith("l0trace")]


def test_too_large_trace_is_a_boot_error():
    cfg = testing.load_or_skip(NESTED)
    cfg = cfg.with_overrides(append="l0.trace=16385 " + cfg.append)
    res = testing.run(cfg, icount=True)
    assert not res.ok
    assert "l0.trace" in res.console and "bad_L0_option" in res.console, res.last_line


def test_nacl_hypercall_counts():
    """nested-nacl: per hypercall the L2 exit and one NACL SYNC_SRET call,
    nothing else (the floor of 2 traps, DESIGN.md §6)."""
    testing.load_or_skip("nested-nacl")
    p = profile.run_profile("nested-nacl", BENCH, trace=16)
    w, n = p.window, p.iters + 1
    assert profile.consistency_errors(w) == []
    # L1's ecalls: one SYNC_SRET per exit, plus its BENCH_END call
    assert {k: b.n for k, b in w.causes.items()} == {
        ("l2", "ecall_vs"): n, ("l1", "ecall_vs"): n + 1}
    names = profile.sbi_names()
    assert {profile.sbi_label(k, names): b.n for k, b in w.sbis.items()} == {
        "nacl.sync_sret": n, "rvnest.bench_end": 1}
    assert not w.insns and not w.csrs


def test_profile_repeats_exactly(prof):
    """Under icount a second run gives the same profile, bucket for bucket
    (instructions included)."""
    again = profile.run_profile(NESTED, BENCH, trace=64)
    a, b = prof.window, again.window
    assert (a.causes, a.insns, a.csrs, a.sbis) == (b.causes, b.insns, b.csrs, b.sbis)
    assert [(r.cause, r.insn, r.csr, r.instr) for r in a.trace] == \
        [(r.cause, r.insn, r.csr, r.instr) for r in b.trace]


def test_kvm_l0_profile():
    """Linux/KVM as L1 (kvm-l0): L0 takes the window from L2's markers
    (l0.benchwin=l2). Linux's timer ticks may fall in the window
    (l0_exact = false in its configuration), so: the window is l0bench's,
    the buckets add up, and the typical chain is one hypercall: L2's
    ecall, then only L1 traps, the last of them the way back into L2: the
    SRET, or with NACL (Linux 7.3's KVM uses it: kvm-l0 offers every
    feature) its SYNC_SRET call."""
    cfg = testing.load_or_skip("kvm-l0")
    p = profile.run_profile(cfg.name, BENCH, trace=128)
    w = p.window
    assert profile.consistency_errors(w) == []
    l0b = protocol.parse(open(p.log).read()).l0benches[BENCH]
    assert w.traps == l0b["traps"]
    assert w.causes[("l2", "ecall_vs")].n >= p.iters
    chain, same, total = profile.typical_chain(w.trace)
    assert same * 2 > total, "most L2 exits in the window are hypercalls"
    assert chain[0].level == "l2" and chain[0].cause == "ecall_vs"
    assert all(r.level == "l1" for r in chain[1:])
    last = chain[-1]
    assert last.insn == "sret" or (
        last.cause == "ecall_vs"
        and profile.sbi_label(last.sbi, profile.sbi_names()) == "nacl.sync_sret"), last
    # KVM 7.3's exit path: with NACL its one plain vstimecmp write
    # (kvm-vmm/README.md, "The third trap"), without it many h*/vs* CSRs
    assert len(chain) > 2
    assert {r.insn for r in chain[1:-1]} <= {"csr_r", "csr_w"}
