"""L0's profiler on every kind of H instruction an L1 executes
(l0-hyp/profile.h, issue 17): hprobe as L1 on L0 (hprobe-nested) with
l0.profile=1 runs WFI, HFENCE.VVMA/GVMA, HLV, HLVX and HSV in VS-mode,
each a virtual-instruction trap L0 emulates. Its shutdown profile
(`RVNEST l0prof_insn win=total`) must have each category with a non-zero
count, and the categories must add up, trap for trap and instruction for
instruction, to L1's virtual-instruction traps (`l0prof_cause level=l1
cause=virtual_inst`): every such trap is noted as exactly one kind.
"""

import pytest

from harness import config, testing

NAME = "hprobe-nested"
H_KINDS = ("wfi", "hfence_vvma", "hfence_gvma", "hlv", "hlvx", "hsv", "sret")


@pytest.fixture(scope="module")
def prof():
    testing.load_or_skip(NAME)
    cfg = config.load(NAME, l0args="l0.profile=1")
    res = testing.run_ok(cfg, icount=True, cache_key=(NAME, "profile"))
    recs = res.protocol.records
    insn = {r["insn"]: r for r in recs if r.kind == "l0prof_insn" and r["win"] == "total"}
    cause = {(r["level"], r["cause"]): r for r in recs
             if r.kind == "l0prof_cause" and r["win"] == "total"}
    assert insn and cause, f"no total profile (log: {res.log_path})"
    return res, insn, cause


def test_every_h_instruction_kind_is_profiled(prof):
    res, insn, _ = prof
    for kind in H_KINDS:
        assert kind in insn, f"no insn={kind} (log: {res.log_path})"
        assert int(insn[kind]["n"]) > 0 and int(insn[kind]["instr"]) > 0, insn[kind].line


def test_kinds_add_up_to_l1_virtual_instruction_traps(prof):
    res, insn, cause = prof
    vi = cause[("l1", "virtual_inst")]
    assert sum(int(r["n"]) for r in insn.values()) == int(vi["n"]), res.log_path
    assert sum(int(r["instr"]) for r in insn.values()) == int(vi["instr"]), res.log_path


def test_profile_counts_repeat_under_icount(prof):
    """The counts (not the instruction figures, which follow L0's code)
    are the same in a second run: they count what hprobe does."""
    _, insn, _ = prof
    again = testing.run_ok(config.load(NAME, l0args="l0.profile=1"), icount=True)
    insn2 = {r["insn"]: r["n"] for r in again.protocol.records
             if r.kind == "l0prof_insn" and r["win"] == "total"}
    assert insn2 == {k: r["n"] for k, r in insn.items()}
