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


# Two L0s (configuration `recursive`): the outer one (depth=1) prints its
# window line first, because the inner one passes BENCH_END down before it
# prints; both print l0stats, the inner one first (it shuts down first).
RECURSIVE = """RVNEST boot component=l0 version=abc mode=hs hart=0 h=1 nested=1 depth=1
RVNEST boot component=l0 version=abc mode=hs hart=0 h=1 nested=1 depth=2
RVNEST l0bench name=hypercall iters=10 traps=961 causes=ecall_vs:10,virtual_inst:951 l2_exits=50 l2_forwarded=50 depth=1
RVNEST l0bench name=hypercall iters=10 traps=50 causes=ecall_vs:10,virtual_inst:40 l2_exits=10 l2_forwarded=10 depth=2
RVNEST bench name=hypercall iters=10 instret=1 cycle=1 time=1 exits=ecall_vs:10 exits_total=10
RVNEST done status=0
RVNEST l0stats traps=379 causes=ecall_vs:22 vcpus=1 depth=2
RVNEST l0stats traps=6129 causes=ecall_vs:23 vcpus=1 depth=1
"""


def test_l0_lines_kept_apart_by_depth():
    p = protocol.parse(RECURSIVE)
    assert p.l0_depths == [1, 2]
    by = p.l0benches_by_depth
    assert sorted(by) == [1, 2]
    assert by[1]["hypercall"]["traps"] == 961 and by[2]["hypercall"]["traps"] == 50
    # the single-L0 views are depth 1's: the L0 on the machine
    assert p.l0benches["hypercall"]["traps"] == 961
    assert p.l0stats["traps"] == 6129
    assert p.l0stats_by_depth[2]["traps"] == 379


def test_l0_line_without_depth_is_depth_1():
    p = protocol.parse(CONSOLE)
    assert list(p.l0benches_by_depth) == [1]
    assert p.l0benches["hypercall"].depth == 1


def test_duplicate_l0bench_at_one_depth_rejected():
    line = "RVNEST l0bench name=x traps=1 depth=2\n"
    with pytest.raises(protocol.ProtocolError, match="second RVNEST l0bench name=x depth=2"):
        protocol.parse(line + line)
