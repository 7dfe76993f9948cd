"""benchmarks/profile.py without QEMU: parsing L0's l0prof/l0trace lines,
the consistency checks, the chain of one L2 exit, the tables and the
figure, on consoles written here (the QEMU-booted profile is
harness/test_profile.py)."""

import pytest

from benchmarks import profile
from harness import config, protocol

# One window as L0 prints it (numbers invented, consistent: 2 L2 ecalls,
# each followed by two CSR reads and an SRET from L1).
WINDOW = """\
RVNEST l0prof win=hypercall traps=8 instr=2400 excluded=50 vcpus=1
RVNEST l0prof_cause win=hypercall level=l1 cause=virtual_inst n=6 instr=2000
RVNEST l0prof_cause win=hypercall level=l2 cause=ecall_vs n=2 instr=400
RVNEST l0prof_insn win=hypercall insn=csr_r n=4 instr=1200
RVNEST l0prof_insn win=hypercall insn=sret n=2 instr=800
RVNEST l0prof_csr win=hypercall csr=0x643 access=r n=2 instr=600
RVNEST l0prof_csr win=hypercall csr=0x600 access=r n=2 instr=600
"""


def trace_line(at, level, cause, insn="-", csr="-", instr=100, pc=0x1000, win="hypercall"):
    return (f"RVNEST l0trace win={win} vcpu=0 at={at} level={level} cause={cause} "
            f"insn={insn} csr={csr} pc=0x{pc:x} instr={instr}\n")


def chain_lines(at0):
    """One L2 exit (ecall) and L1's three traps, 1000 instructions apart."""
    return (trace_line(at0, "l2", "ecall_vs", instr=200)
            + trace_line(at0 + 1000, "l1", "virtual_inst", "csr_r", "0x643", 300)
            + trace_line(at0 + 2000, "l1", "virtual_inst", "csr_r", "0x600", 300)
            + trace_line(at0 + 3000, "l1", "virtual_inst", "sret", instr=400))


TRACE = (chain_lines(10_000) + chain_lines(20_000) + chain_lines(30_000)
         + trace_line(40_000, "l2", "ecall_vs", instr=200)
         + "RVNEST l0trace_end win=hypercall vcpu=0 records=13 dropped=7\n")


def parse(text):
    return profile.parse_windows(protocol.parse(text))


def test_parses_buckets():
    w = parse(WINDOW)["hypercall"]
    assert (w.traps, w.instr, w.excluded, w.vcpus) == (8, 2400, 50, 1)
    assert w.causes[("l2", "ecall_vs")] == profile.Bucket(2, 400)
    assert w.causes[("l1", "virtual_inst")].mean == pytest.approx(2000 / 6)
    assert w.insns["sret"].n == 2
    assert w.csrs[("0x643", "r")].instr == 600
    assert profile.consistency_errors(w) == []


@pytest.mark.parametrize("bad,what", [
    ("traps=8", "traps=9"),  # causes no longer add up to the total
    ("insn=sret n=2 instr=800", "insn=sret n=3 instr=800"),  # insns != virtual_inst
    ("csr=0x600 access=r n=2 instr=600", "csr=0x600 access=r n=2 instr=601"),
])
def test_consistency_errors_catch_each_mismatch(bad, what):
    w = parse(WINDOW.replace(bad, what, 1))["hypercall"]
    assert profile.consistency_errors(w), f"{what} went unnoticed"


def test_required_keys_are_checked():
    with pytest.raises(protocol.ProtocolError, match="without instr="):
        protocol.parse("RVNEST l0prof_cause win=x level=l1 cause=ecall_vs n=1\n")
    with pytest.raises(protocol.ProtocolError, match="without pc="):
        protocol.parse("RVNEST l0trace win=x vcpu=0 at=1 level=l1 cause=a insn=- csr=- instr=1\n")


def test_chain_of_one_l2_exit():
    w = parse(WINDOW + TRACE)["hypercall"]
    assert len(w.trace) == 13 and w.trace_dropped == 7
    # three complete chains: the last L2 exit has no end in the ring
    cs = profile.chains(w.trace)
    assert [len(c) for c in cs] == [4, 4, 4]
    chain, n, total = profile.typical_chain(w.trace)
    assert (n, total) == (3, 3)
    assert chain[0].at == 20_000  # the middle instance
    names = {0x643: "htval", 0x600: "hstatus"}
    rows = profile.chain_rows(chain, names)
    assert [r["event"] for r in rows] == [
        "ecall_vs", "virtual_inst csr_r htval", "virtual_inst csr_r hstatus",
        "virtual_inst sret"]
    # between traps: 1000 apart minus the time inside L0
    assert [r["after"] for r in rows] == [800, 700, 700, None]


def test_most_common_shape_wins():
    odd = (trace_line(1000, "l2", "irq_s_timer", instr=50)
           + trace_line(1100, "l1", "virtual_inst", "wfi", instr=70))
    t = parse(odd + chain_lines(2000) + chain_lines(9000)
              + trace_line(20_000, "l2", "ecall_vs"))["hypercall"].trace
    chain, n, total = profile.typical_chain(t)
    assert (n, total) == (2, 3)
    assert chain[0].cause == "ecall_vs"


def test_no_chain_without_l2_traps():
    t = parse(trace_line(1, "l1", "ecall_vs") + trace_line(2, "l1", "ecall_vs"))
    assert profile.typical_chain(t["hypercall"].trace) is None


SBI_WINDOW = """\
RVNEST l0prof win=hypercall traps=4 instr=9000 excluded=0 vcpus=1
RVNEST l0prof_cause win=hypercall level=l1 cause=ecall_vs n=3 instr=7000
RVNEST l0prof_cause win=hypercall level=l2 cause=ecall_vs n=1 instr=2000
RVNEST l0prof_sbi win=hypercall ext=0x4e41434c fid=4 n=2 instr=5000
RVNEST l0prof_sbi win=hypercall ext=0x852564e fid=2 n=1 instr=2000
"""


def test_sbi_calls():
    w = parse(SBI_WINDOW + trace_line(1, "l2", "ecall_vs")
              + "RVNEST l0trace win=hypercall vcpu=0 at=500 level=l1 cause=ecall_vs insn=sbi "
                "csr=- sbi=0x4e41434c.4 pc=0x80201ad4 instr=2500\n"
              + trace_line(9000, "l2", "ecall_vs"))["hypercall"]
    assert w.sbis == {"0x4e41434c.4": profile.Bucket(2, 5000),
                      "0x852564e.2": profile.Bucket(1, 2000)}
    assert profile.consistency_errors(w) == []
    names = profile.sbi_names()
    assert names["0x4e41434c.4"] == "nacl.sync_sret"
    assert names["0x852564e.2"] == "rvnest.bench_end"
    assert profile.sbi_label("0x4e41434c.77", names) == "nacl.fid77"
    assert profile.sbi_label("0x1234.0", names) == "sbi 0x1234.0"
    chain, _, _ = profile.typical_chain(w.trace)
    assert [r["event"] for r in profile.chain_rows(chain, None, names)] == [
        "ecall_vs", "ecall_vs nacl.sync_sret"]
    rows = profile.sbi_rows(w, names)
    assert rows[0][:4] == ["0x4e41434c.4", "nacl.sync_sret", 2, "66.67%"]
    # an SBI call missing from the table is noticed
    w2 = parse(SBI_WINDOW.replace("fid=2 n=1 instr=2000", "fid=2 n=1 instr=1999"))["hypercall"]
    assert profile.consistency_errors(w2)


def test_report_and_tables():
    p = profile.profile_from_console(
        WINDOW + TRACE + "RVNEST l0bench name=hypercall iters=2 traps=8\n", "nested",
        "hypercall")
    assert p.iters == 2
    rows = profile.event_rows(p.window)
    # perf kvm stat style: most samples first, then the total
    assert [r[0] for r in rows] == ["l1:virtual_inst", "l2:ecall_vs", "total"]
    assert rows[0][1:3] == [6, "75.00%"] and rows[-1][1] == 8
    names = profile.csr_names()
    lines = profile.report_lines(p.window, "t", names, p.iters)
    text = "\n".join(lines)
    assert "4.00 traps per operation over 2 iterations" in text
    assert "htval" in text and "hstatus" in text
    assert "3 of the 3 complete chains" in text
    assert "7 earlier ones were overwritten" in text


def test_csr_names_come_from_the_encodings_header():
    names = profile.csr_names()
    assert names[0x643] == "htval" and names[0x600] == "hstatus"
    assert profile.csr_label("other", names) == "other"
    assert profile.csr_label("0xfff", names) == "0xfff"


def test_window_errors_are_named():
    with pytest.raises(profile.ProfileError, match="no RVNEST l0prof lines"):
        profile.profile_from_console("RVNEST done status=0\n", "nested", "hypercall")
    with pytest.raises(profile.ProfileError, match="no l0bench window named 'mmio'.*hypercall"):
        profile.profile_from_console(WINDOW, "nested", "mmio")


def test_profiled_config_puts_l0_options_first():
    for name in ("nested", "kvm-l0"):
        cfg = config.load(name)
        p = profile.profiled_config(cfg, 64)
        assert p.append.startswith("l0.profile=1 l0.trace=64 ")
        # L1's arguments stay after ' -- '
        assert p.append.endswith(cfg.append.strip())
    with pytest.raises(profile.ProfileError, match="not L0"):
        profile.profiled_config(config.load("single"), 64)


def test_outputs_are_written(tmp_path):
    p = profile.profile_from_console(WINDOW + TRACE, "nested", "hypercall")
    out = profile.write_outputs(p, tmp_path, "abc1234", "QEMU test")
    paths = out["paths"]
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "| l1:virtual_inst | 6 |" in paths["markdown"].read_text()
    import json
    doc = json.loads(paths["json"].read_text())
    assert doc["traps"] == 8 and len(doc["chain"]) == 4
