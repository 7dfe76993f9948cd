"""hprobe's fence probes through SBI NACL SYNC_HFENCE entries (issue 17,
coverage of l0-hyp/nacl.c's entries by VMID and for VVMA ranges).

hprobe-nested with l0.nacl=hfence: L0 offers NACL with only the
SYNC_HFENCE feature, hprobe's `fence.nacl_*` cases write one nested HFENCE
entry each (GVMA of a page by VMID, GVMA of a whole VMID, VVMA of a page,
of a page by ASID, of everything) and sync it. Every probe line must equal
hprobe-single's, where the firmware has no NACL and the same cases use the
fence instructions: a stale translation is no longer used after the entry
is processed (the `.readonly` store faults, the `.writable` one succeeds).
"""

from harness import config, testing
from harness.test_hprobe import NESTED, compared, first_difference, probe_lines, single

NACL = "l0.nacl=hfence"
CASES = ("nacl_gvma_vmid", "nacl_gvma_vmid_all", "nacl_vvma", "nacl_vvma_asid",
         "nacl_vvma_all")


def test_nacl_hfence_entries_match_single():
    testing.load_or_skip(NESTED)
    res = testing.run_ok(config.load(NESTED, l0args=NACL), cache_key=(NESTED, NACL))
    assert "hprobe: fence.nacl_* through SBI NACL SYNC_HFENCE" in res.console, \
        f"L0 offered no NACL SYNC_HFENCE (log: {res.log_path})"
    got = compared(probe_lines(res))
    ref = compared(probe_lines(single()))
    ids = [pid for pid, _ in got]
    for case in CASES:
        for step in ("before", "readonly", "writable"):
            assert f"fence.{case}.{step}" in ids, (case, step, res.log_path)
    assert got == ref, (f"hprobe-nested with {NACL} differs from hprobe-single "
                        f"({res.log_path}): " + first_difference(ref, got))


def test_nacl_hfence_entries_replace_the_instructions():
    """The entries are L0's work, not the instructions': with NACL the run
    traps into L0 for fewer HFENCE instructions than without it."""
    testing.load_or_skip(NESTED)
    with_nacl = testing.run_ok(config.load(NESTED, l0args=NACL + " l0.profile=1"),
                               cache_key=(NESTED, NACL, "profile"))
    without = testing.run_ok(config.load(NESTED, l0args="l0.profile=1"),
                             cache_key=(NESTED, "profile"))

    def fences(res):
        return sum(int(r["n"]) for r in res.protocol.records
                   if r.kind == "l0prof_insn" and r["win"] == "total"
                   and r["insn"] in ("hfence_gvma", "hfence_vvma"))

    # the five nacl_* cases fence twice each with an instruction otherwise
    assert fences(without) - fences(with_nacl) == 10, (with_nacl.log_path, without.log_path)
