"""In-QEMU coverage: the host side of common/gcov.c (README "Coverage").

An image built with RVNEST_GCOV=1 (`make coverage-qemu`) ends its run by
printing each instrumented object's .gcda bytes on the console:

    RVNEST gcov_begin file=<absolute .gcda path>
    RVNEST gcov_data hex=<hex>            (repeated)
    RVNEST gcov_end file=<same path> bytes=<n>

`collect(console)` takes these lines off the console (so tests see what an
ordinary image prints) and merges each complete dump into its .gcda file:
arc counters add up, `runs` adds up, `sum_max` is the larger, as libgcov
does when a program runs again. runner.run calls it on every console.

`python3 -m harness.gcov report <lcov .info> <dir>...` prints the line
coverage of each file under the given directories (`make coverage`).

The .gcda format (GCC 12, gcc/gcov-io.h): four 32-bit words (magic
"gcda", version, stamp, checksum), then records: tag, length in bytes,
payload, up to a tag 0 (the end marker __gcov_info_to_gcda writes). A
counter record whose counters are all zero may be written with the
negated length and no payload (libgcov's compact form).
"""

import fcntl
import os
import re
import struct
import sys
from pathlib import Path

from .config import ROOT

GCDA_MAGIC = 0x67636461
TAG_FUNCTION = 0x01000000
TAG_ARCS = 0x01A10000  # GCOV_TAG_FOR_COUNTER(GCOV_COUNTER_ARCS)
COUNTER_KINDS = 16  # counter tags: TAG_ARCS + (kind << 17)
TAG_OBJECT_SUMMARY = 0xA1000000

LINE_RE = re.compile(r"^RVNEST gcov_(begin|data|end|error)\b(.*)$")


class GcdaError(Exception):
    pass


def parse_gcda(data: bytes):
    """(header words, [(tag, value)]): value is a list of ints for arc
    counters, [runs, sum_max] for the summary, bytes otherwise."""
    if len(data) < 16:
        raise GcdaError("shorter than the .gcda header")
    header = struct.unpack_from("<4I", data, 0)
    if header[0] != GCDA_MAGIC:
        raise GcdaError(f"bad magic 0x{header[0]:08x}")
    recs, off = [], 16
    while off < len(data):
        if off + 4 == len(data) and data[off:] == b"\0\0\0\0":
            break  # the end marker __gcov_info_to_gcda writes (tag 0)
        if off + 8 > len(data):
            raise GcdaError(f"record header cut at byte {off}")
        tag, length = struct.unpack_from("<Ii", data, off)
        off += 8
        if TAG_ARCS < tag < TAG_ARCS + (COUNTER_KINDS << 17) and \
                (tag - TAG_ARCS) % (1 << 17) == 0:
            raise GcdaError(f"counter kind 0x{tag:08x}: only arcs (-fprofile-arcs) are merged")
        if tag == TAG_ARCS and length < 0:
            recs.append((tag, [0] * (-length // 8)))
            continue
        if length < 0 or off + length > len(data):
            raise GcdaError(f"record 0x{tag:08x} of {length} bytes at byte {off} overruns")
        body = data[off:off + length]
        off += length
        if tag == TAG_ARCS:
            recs.append((tag, list(struct.unpack(f"<{length // 8}q", body))))
        elif tag == TAG_OBJECT_SUMMARY:
            recs.append((tag, list(struct.unpack("<2I", body))))
        else:
            recs.append((tag, body))
    return header, recs


def write_gcda(header, recs) -> bytes:
    out = [struct.pack("<4I", *header)]
    for tag, value in recs:
        if tag == TAG_ARCS:
            body = struct.pack(f"<{len(value)}q", *value)
        elif tag == TAG_OBJECT_SUMMARY:
            body = struct.pack("<2I", *value)
        else:
            body = value
        out.append(struct.pack("<Ii", tag, len(body)) + body)
    out.append(b"\0\0\0\0")  # end marker: gcov reads records up to tag 0
    return b"".join(out)


def merge(old: bytes, new: bytes) -> bytes:
    """new's counters added to old's; new alone when old is of another
    build of the object (stamp, checksum or shape differ)."""
    oh, orecs = parse_gcda(old)
    nh, nrecs = parse_gcda(new)
    same = oh == nh and len(orecs) == len(nrecs) and all(
        ot == nt and (ot != TAG_ARCS or len(ov) == len(nv)) and
        (ot in (TAG_ARCS, TAG_OBJECT_SUMMARY) or ov == nv)
        for (ot, ov), (nt, nv) in zip(orecs, nrecs))
    if not same:
        return write_gcda(nh, nrecs)
    recs = []
    for (tag, ov), (_, nv) in zip(orecs, nrecs):
        if tag == TAG_ARCS:
            recs.append((tag, [a + b for a, b in zip(ov, nv)]))
        elif tag == TAG_OBJECT_SUMMARY:
            recs.append((tag, [ov[0] + nv[0], max(ov[1], nv[1])]))
        else:
            recs.append((tag, ov))
    return write_gcda(nh, recs)


def _allowed(path: str) -> bool:
    """Only .gcda files inside this repository's tree, next to their
    .gcno (the object directory of an instrumented build)."""
    p = Path(path)
    if not p.is_absolute() or p.suffix != ".gcda":
        return False
    try:
        p.resolve().relative_to(ROOT)
    except ValueError:
        return False
    return p.with_suffix(".gcno").exists()


def merge_into_file(path: str, data: bytes):
    parse_gcda(data)  # refuse a malformed dump before touching the file
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        # several pytest-xdist workers may finish runs of the same image
        fcntl.flock(fd, fcntl.LOCK_EX)
        old = b""
        while chunk := os.read(fd, 1 << 20):
            old += chunk
        try:
            out = merge(old, data) if old else data
        except GcdaError:
            out = data  # an unreadable old file: this run's data replaces it
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, out)
    finally:
        os.close(fd)


def _fields(rest: str) -> dict:
    return dict(kv.split("=", 1) for kv in rest.split() if "=" in kv)


def collect(console: str, warn=None) -> str:
    """Merge every complete dump on the console into its .gcda file and
    return the console without the gcov lines. A dump that is cut short
    (a run killed on timeout) or garbled is reported and dropped."""
    if "RVNEST gcov_" not in console:
        return console
    warn = warn or (lambda m: print(f"harness.gcov: {m}", file=sys.stderr))
    kept, cur, buf = [], None, bytearray()
    for line in console.splitlines(keepends=True):
        m = LINE_RE.match(line.strip())
        if not m:
            kept.append(line)
            continue
        kind, f = m.group(1), _fields(m.group(2))
        if kind == "begin":
            if cur:
                warn(f"dump of {cur} cut short by the next one")
            cur, buf = f.get("file"), bytearray()
        elif kind == "data" and cur:
            try:
                buf += bytes.fromhex(f.get("hex", ""))
            except ValueError:
                warn(f"garbled data line in the dump of {cur}")
                cur = None
        elif kind == "end" and cur:
            if f.get("file") != cur or f.get("bytes") != str(len(buf)):
                warn(f"dump of {cur}: {len(buf)} bytes, the image said {f.get('bytes')}")
            elif not _allowed(cur):
                warn(f"dump of {cur}: not a .gcda beside its .gcno in {ROOT}; ignored")
            else:
                try:
                    merge_into_file(cur, bytes(buf))
                except GcdaError as e:
                    warn(f"dump of {cur}: {e}")
            cur = None
        elif kind == "error":
            warn(f"image could not dump {f.get('file')}: {f.get('msg')}")
    if cur:
        warn(f"dump of {cur} never ended (run stopped?)")
    return "".join(kept)


def report(info: str, dirs, goal=90.0, out=sys.stdout) -> int:
    """Per-file line coverage (lcov tracefile) of the files under dirs;
    returns how many are below goal."""
    files, sf, lf, lh = [], None, 0, 0
    for line in Path(info).read_text().splitlines():
        if line.startswith("SF:"):
            sf, lf, lh = line[3:], 0, 0
        elif line.startswith("LF:"):
            lf = int(line[3:])
        elif line.startswith("LH:"):
            lh = int(line[3:])
        elif line == "end_of_record" and sf:
            rel = os.path.relpath(sf, ROOT)
            if any(rel.startswith(d.rstrip("/") + "/") for d in dirs):
                files.append((rel, lh, lf))
            sf = None
    below = 0
    print(f"line coverage by file (goal {goal:g} %):", file=out)
    for rel, h, n in sorted(files):
        pct = 100.0 * h / n if n else 100.0
        mark = "" if pct >= goal else "   below goal"
        below += pct < goal
        print(f"  {rel:28s} {pct:6.1f} %  {h:5d}/{n:<5d}{mark}", file=out)
    for d in dirs:
        if not any(r.startswith(d.rstrip("/") + "/") for r, _, _ in files):
            print(f"  {d}/: no data", file=out)
    return below


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) >= 2 and argv[0] == "report":
        report(argv[1], argv[2:] or ["l0-hyp", "sbi-nested", "shadow"])
        return 0
    print("usage: python3 -m harness.gcov report <lcov .info> [<dir>...]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
