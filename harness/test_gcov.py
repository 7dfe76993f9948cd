"""harness/gcov.py: the host side of in-QEMU coverage (no QEMU needed).
The .gcda bytes are built here the way GCC 12's __gcov_info_to_gcda
writes them (gcc/gcov-io.h), and checked against the host's gcov-dump."""

import shutil
import struct
import subprocess

import pytest

from harness import gcov

HEADER = (gcov.GCDA_MAGIC, 0x4232322A, 0x1234, 0x5678)  # "B22*": GCC 12


def gcda(arcs_per_fn, header=HEADER, compact_zero=True):
    out = [struct.pack("<4I", *header)]
    for ident, arcs in enumerate(arcs_per_fn, 1):
        out.append(struct.pack("<Ii3I", gcov.TAG_FUNCTION, 12, ident, 0xAA, 0xBB))
        if compact_zero and not any(arcs):
            out.append(struct.pack("<Ii", gcov.TAG_ARCS, -8 * len(arcs)))
        else:
            out.append(struct.pack("<Ii", gcov.TAG_ARCS, 8 * len(arcs)) +
                       struct.pack(f"<{len(arcs)}q", *arcs))
    out.append(b"\0\0\0\0")
    return b"".join(out)


def arcs_of(data):
    return [v for t, v in gcov.parse_gcda(data)[1] if t == gcov.TAG_ARCS]


def test_merge_adds_arc_counters_and_reads_the_compact_zero_form():
    a = gcda([[1, 2, 3], [0, 0]])
    b = gcda([[10, 0, 1], [4, 5]])
    assert arcs_of(gcov.merge(a, b)) == [[11, 2, 4], [4, 5]]
    assert arcs_of(a) == [[1, 2, 3], [0, 0]]


def test_merge_with_another_build_keeps_the_new_data():
    old = gcda([[1, 2]], header=HEADER[:2] + (0x9999, 0x5678))
    new = gcda([[5, 6, 7]])
    assert arcs_of(gcov.merge(old, new)) == [[5, 6, 7]]


def test_malformed_data_is_refused():
    with pytest.raises(gcov.GcdaError):
        gcov.parse_gcda(b"nope")
    with pytest.raises(gcov.GcdaError):
        gcov.parse_gcda(gcda([[1, 2]])[:-12])  # a record cut short
    topn = struct.pack("<4I", *HEADER) + struct.pack("<Ii", gcov.TAG_ARCS + (1 << 17), 0)
    with pytest.raises(gcov.GcdaError, match="only arcs"):
        gcov.parse_gcda(topn)


def dump_lines(path, data, chunk=64, bytes_said=None):
    lines = [f"RVNEST gcov_begin file={path}"]
    for i in range(0, len(data), chunk):
        lines.append(f"RVNEST gcov_data hex={data[i:i + chunk].hex()}")
    lines.append(f"RVNEST gcov_end file={path} bytes={bytes_said or len(data)}")
    return lines


def test_collect_strips_the_dump_and_merges_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(gcov, "ROOT", tmp_path)
    (tmp_path / "x.gcno").write_bytes(b"")
    target = tmp_path / "x.gcda"
    run = gcda([[1, 0, 2]])
    console = "\n".join(["hello", *dump_lines(target, run), "RVNEST done status=0", ""])
    assert gcov.collect(console) == "hello\nRVNEST done status=0\n"
    gcov.collect(console)
    assert arcs_of(target.read_bytes()) == [[2, 0, 4]]


def test_collect_drops_short_and_foreign_dumps(tmp_path, monkeypatch):
    monkeypatch.setattr(gcov, "ROOT", tmp_path)
    (tmp_path / "x.gcno").write_bytes(b"")
    warnings = []
    run = gcda([[1]])
    short = dump_lines(tmp_path / "x.gcda", run, bytes_said=len(run) + 1)
    foreign = dump_lines("/tmp/elsewhere.gcda", run)
    unended = dump_lines(tmp_path / "x.gcda", run)[:-1]
    gcov.collect("\n".join(short + foreign + unended), warn=warnings.append)
    assert not (tmp_path / "x.gcda").exists()
    assert len(warnings) == 3, warnings


@pytest.mark.skipif(not shutil.which("gcov-dump"), reason="gcov-dump not installed")
def test_written_file_reads_with_gcov_dump(tmp_path):
    f = tmp_path / "m.gcda"
    f.write_bytes(gcov.merge(gcda([[3, 4]]), gcda([[1, 1]])))
    out = subprocess.run(["gcov-dump", "-l", str(f)], capture_output=True, text=True, check=True)
    assert "COUNTERS arcs 2 counts" in out.stdout
    assert "0: 4 5" in out.stdout.replace("  ", " ")


def test_report_lists_files_below_goal(tmp_path, monkeypatch):
    monkeypatch.setattr(gcov, "ROOT", tmp_path)
    info = tmp_path / "t.info"
    info.write_text(f"SF:{tmp_path}/l0-hyp/a.c\nLF:10\nLH:9\nend_of_record\n"
                    f"SF:{tmp_path}/shadow/b.c\nLF:4\nLH:4\nend_of_record\n"
                    f"SF:{tmp_path}/common/c.c\nLF:4\nLH:0\nend_of_record\n")
    lines = []

    class Out:
        def write(self, s):
            lines.append(s)

    below = gcov.report(str(info), ["l0-hyp", "shadow", "sbi-nested"], out=Out())
    text = "".join(lines)
    assert below == 0
    assert "l0-hyp/a.c" in text and "90.0 %" in text and "common/c.c" not in text
    assert "sbi-nested/: no data" in text
