"""The console protocol parser (docs/protocol.md)."""

import pytest

from harness import protocol

CONSOLE = """OpenSBI v1.5
RVNEST boot component=l1-guest-hyp version=abc mode=hs hart=0
some free text
RVNEST bench name=hypercall iters=100 instret=5000 cycle=5000 time=50 exits=ecall_vs:100 exits_total=100 future=x
RVNEST bench name=compute iters=100 instret=500 cycle=500 time=5 exits= exits_total=0
RVNEST l0bench name=hypercall traps=200 causes=virtual_inst:100,ecall_vs:100 l2_exits=100 l2_forwarded=100
noise RVNEST done status=0
"""


def test_parse_console():
    p = protocol.parse(CONSOLE)
    assert [r.kind for r in p.records] == ["boot", "bench", "bench", "l0bench", "done"]
    assert p.boots[0]["component"] == "l1-guest-hyp"
    h = p.benches["hypercall"]
    assert h["iters"] == 100 and h["exits"] == {"ecall_vs": 100} and h["exits_total"] == 100
    assert h["future"] == "x"  # unknown keys are kept, never required
    assert p.benches["compute"]["exits"] == {}
    assert p.l0benches["hypercall"]["causes"] == {"virtual_inst": 100, "ecall_vs": 100}
    assert p.done["status"] == 0
    assert h.lineno == 4


@pytest.mark.parametrize("line,needle", [
    ("RVNEST bench name=x iters=1 instret=z cycle=1 time=1", "instret='z' is not an integer"),
    ("RVNEST bench name=x iters=1 cycle=1 time=1", "without instret="),
    ("RVNEST bench name=x iters=1 instret=1 cycle=1 time=1 exits=a:1,b", "bad count list item 'b'"),
    ("RVNEST bench name=x iters=1 instret=1 cycle=1 time=1 exits=a:1,a:2", "listed twice"),
    ("RVNEST done status", "not key=value"),
    ("RVNEST done", "without status="),
])
def test_malformed(line, needle):
    with pytest.raises(protocol.ProtocolError, match=needle):
        protocol.parse("x\n" + line + "\n")


def test_duplicate_bench_rejected():
    line = "RVNEST bench name=x iters=1 instret=1 cycle=1 time=1\n"
    with pytest.raises(protocol.ProtocolError, match="second RVNEST bench name=x"):
        protocol.parse(line + line)


def test_unknown_kind_kept():
    p = protocol.parse("RVNEST newkind a=1\n")
    assert p.records[0].kind == "newkind" and p.records[0]["a"] == "1"


def test_non_protocol_lines_ignored():
    assert protocol.parse_line("RVNESTING is fun") is None
    assert protocol.parse_line("boot RVNEST") is None
    assert protocol.parse("").records == []
