"""Results files: collection of runs into per-operation metrics, derived
ratios, provenance, and schema validation (benchmarks/schema.json)."""

import datetime
import hashlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from harness import config, qemu

# 2: optional `sweep` (top level), `params` (per configuration entry), and
# `jobs`, `worker` (per run). Every version-1 file is a valid version-2
# file; the number changed so that an older checkout, whose schema has no
# such keys, refuses a newer file at its version rather than at a key.
SCHEMA_VERSION = 2
SCHEMA_PATH = Path(__file__).resolve().parent / "schema.json"
# Keys of a bench line that are deterministic under -icount shift=0,sleep=off
# (DESIGN §6): instruction and cycle counts, and every exit/trap count.
# Exact and repeatable under -icount shift=0,sleep=off (DESIGN.md section 6).
# Not `cycle`: it also counts the time a guest idles in WFI waiting for a
# timer, and QEMU's icount warp to that deadline is not reproduced to the
# cycle (a timer benchmark was seen 7 cycles apart between two runs).
DETERMINISTIC_KEYS = ("iters", "instret", "vmm_instret", "vmm_instret_empty", "exits", "exits_total")
# How `instret_per_op` was measured (summary.<bench>.instret_source):
#  guest: the L2 guest read instret around its loop (l1-guest-hyp's L2s);
#  vmm: L2 cannot read it (Linux/KVM), so kvm-vmm read it around KVM_RUN
#       for the benchmark's window and for an empty window just before it
#       (same code, 0 iterations); (window - empty) / iters.
INSTRET_SOURCES = ("guest", "vmm")
# A configuration with `[bench] instret_exact = false` (Linux/KVM as L1):
# its icount runs must agree on instructions per operation to this
# fraction. Its windows contain L1's own timer ticks; where one lands can
# move by a few instructions between runs, which changes what it costs when
# it moves across a switch between L1 and L2 (measured with Linux 6.12: at
# most 8e-5 of a window), and with Linux 7.3 a whole tick (about 9,000
# instructions) was seen in one run's gstage_fault window and not in the
# other's (2.5e-3 of it; kvm-vmm/README.md).
INSTRET_REL_TOLERANCE = 5e-3
L0_KEYS = ("traps", "causes", "l2_exits", "l2_forwarded")
# OpenSBI's banner names the timer and its frequency; the timebase converts
# `time=` deltas to seconds when the image does not print timebase= itself.
OPENSBI_TIMER_RE = re.compile(r"Platform Timer Device\s*:\s*\S+ @ (\d+)Hz")


class ResultsError(Exception):
    pass


def _git(*args) -> str:
    try:
        r = subprocess.run(["git", *args], cwd=config.ROOT, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"unavailable ({e})"
    return r.stdout.strip()


def git_revision() -> dict:
    rev = _git("rev-parse", "HEAD")
    if not re.fullmatch(r"[0-9a-f]{40}", rev):
        # a results file without its revision could not be reproduced
        raise ResultsError(f"{config.ROOT} is not a git checkout (git rev-parse HEAD: "
                           f"{rev or 'no output'}): results need the revision")
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {"revision": rev, "short": rev[:12], "dirty": bool(status)}


def file_digest(path: str) -> dict:
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        return {"path": path, "sha256": None, "error": e.strerror}
    return {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def provenance(firmware: str) -> dict:
    compilers = {}
    for cc in ("riscv64-unknown-elf-gcc", "riscv64-linux-gnu-gcc", "gcc"):
        compilers[cc] = qemu.tool_version(cc)
    return {
        "git": git_revision(),
        "qemu": qemu.version(),
        "qemu_binary": qemu.qemu_binary(),
        "opensbi": qemu.opensbi_version(firmware),
        "compilers": compilers,
        "python": platform.python_version(),
        "host": {"machine": platform.machine(), "system": platform.platform(),
                 "cpus": os.cpu_count()},
    }


def timebase_hz(res) -> int:
    """The timebase of `time=` deltas, read from the run itself: the image's
    boot line (timebase=) if it prints one, else OpenSBI's banner."""
    for b in res.protocol.boots:
        if "timebase" in b.fields:
            return int(b["timebase"])
    m = OPENSBI_TIMER_RE.search(res.console)
    return int(m.group(1)) if m else 0


def run_record(res, kind: str, index: int) -> dict:
    """One QEMU run as stored in a results file."""
    benches = {}
    if res.protocol is not None:
        l0 = res.protocol.l0benches
        levels = res.protocol.l0benches_by_depth
        for name, b in res.protocol.benches.items():
            entry = {"iters": b["iters"], "instret": b["instret"], "cycle": b["cycle"],
                     "time": b["time"], "exits": b.get("exits"),
                     "exits_total": b.get("exits_total"),
                     "vmm_instret": b.get("vmm_instret"),
                     "vmm_instret_empty": b.get("vmm_instret_empty")}
            lb = l0.get(name)
            entry["l0"] = ({k: lb.get(k) for k in L0_KEYS} if lb is not None else None)
            if len(levels) > 1:
                # several L0s (recursive): every level's window, by depth
                # ("1" = the L0 on the machine; "l0" above repeats it)
                entry["l0_levels"] = {str(d): {k: lines[name].get(k) for k in L0_KEYS}
                                      for d, lines in levels.items() if name in lines}
            benches[name] = entry
    return {
        "kind": kind,
        "index": index,
        "icount": res.icount,
        "command": list(res.command),
        "log": str(res.log_path) if res.log_path else None,
        "duration_s": round(res.duration, 3),
        "outcome": res.outcome.value,
        "error": res.error,
        "timebase_hz": timebase_hz(res) if res.protocol is not None else 0,
        "benchmarks": benches,
    }


def deterministic_view(run: dict, l0_exact: bool = True, instret_exact: bool = True) -> dict:
    """The part of a run that must repeat exactly under icount: L1's counts,
    and L0's window counts unless the configuration says they are not
    exact (`[bench] l0_exact = false`: reported, compared per operation by
    the configuration's own test, not here); the VMM's instret likewise
    unless `instret_exact = false` (then summarize() compares it per
    operation to INSTRET_REL_TOLERANCE)."""
    keys = [k for k in DETERMINISTIC_KEYS
            if instret_exact or k not in ("vmm_instret", "vmm_instret_empty")]
    return {name: {**{k: b.get(k) for k in keys},
                   **({"l0": b["l0"], "l0_levels": b.get("l0_levels")} if l0_exact else {})}
            for name, b in run["benchmarks"].items()}


def instret_agree(values: list, tolerance: float = INSTRET_REL_TOLERANCE) -> bool:
    """Per-operation instruction counts of several runs agree within
    `tolerance` (all None counts as agreeing: nothing measured)."""
    if all(v is None for v in values):
        return True
    if any(v is None for v in values):
        return False
    return (max(values) - min(values)) <= tolerance * min(values)


def instret_per_op(b: dict):
    """(instructions per operation, how measured) for one bench record:
    the guest's own delta when it could read the counter, else the VMM's
    window minus its empty window; (None, None) when neither exists."""
    if b["instret"]:
        return b["instret"] / b["iters"], "guest"
    w, e = b.get("vmm_instret"), b.get("vmm_instret_empty")
    if w is not None and e is not None and w > e:
        return (w - e) / b["iters"], "vmm"
    return None, None


def levels_summary(levels: dict, iters: int) -> dict:
    """Per L0 depth: traps per operation, by cause, L2 exits per operation,
    and the exit multiplication between levels (after Turtles, OSDI 2010):
    traps into this L0 per trap into the L0 one level up (depth + 1), whose
    every trap is an exit of this level's guest."""
    out = {}
    for d, l0 in levels.items():
        up = levels.get(str(int(d) + 1))
        out[d] = {
            "traps_per_op": l0["traps"] / iters,
            "causes_per_op": {c: n / iters for c, n in (l0["causes"] or {}).items()},
            "l2_exits_per_op": _per_op(l0["l2_exits"], iters),
            "traps_per_trap_above": (l0["traps"] / up["traps"]) if up and up["traps"] else None,
        }
    return out


def _per_op(n, iters):
    return None if n is None else n / iters


def summarize(runs: list, l0_exact: bool = True, instret_exact: bool = True,
              instret_tolerance: float = 0.0) -> dict:
    """Per-benchmark metrics of one configuration from its runs: the first
    passing icount run gives the deterministic metrics; the wall-time runs
    give the median ns per operation. With instret_exact false, the runs'
    instructions per operation agree to instret_tolerance (0: to
    INSTRET_REL_TOLERANCE)."""
    tolerance = instret_tolerance or INSTRET_REL_TOLERANCE
    ic = [r for r in runs if r["kind"] == "icount" and r["outcome"] == "passed"]
    wall = [r for r in runs if r["kind"] == "wall" and r["outcome"] == "passed"]
    if not ic:
        return {}
    first = ic[0]
    identical = all(deterministic_view(r, l0_exact, instret_exact)
                    == deterministic_view(first, l0_exact, instret_exact) for r in ic[1:])
    out = {}
    for name, b in first["benchmarks"].items():
        it = b["iters"]
        if it <= 0:
            raise ResultsError(f"benchmark {name}: iters={it}")
        # A loop of `it` iterations retires instructions; a guest delta of
        # 0 means the image could not read the counter at its level (a
        # hypervisor that hides it): then the VMM's count, if any.
        ipo, source = instret_per_op(b)
        each = [instret_per_op(r["benchmarks"][name])[0] if name in r["benchmarks"] else None
                for r in ic]
        m = {
            "iters": it,
            "instret_per_op": ipo,
            "instret_source": source,
            # one value per icount run: equal when exact, else within
            # INSTRET_REL_TOLERANCE (instret_exact = false)
            "instret_per_op_runs": each,
            "cycle_per_op": b["cycle"] / it if b["cycle"] else None,
            "exits_per_op": ({c: n / it for c, n in b["exits"].items()} if b["exits"] is not None else None),
            "exits_total_per_op": _per_op(b["exits_total"], it),
            "l0_traps_per_op": None,
            "l0_causes_per_op": None,
            "l2_exits_per_op": None,
            "exit_multiplication": None,
            "icount_runs": len(ic),
            "deterministic_identical": identical and (instret_exact
                                                      or instret_agree(each, tolerance)),
        }
        if b["l0"] is not None:
            l0 = b["l0"]
            m["l0_traps_per_op"] = l0["traps"] / it
            m["l0_causes_per_op"] = {c: n / it for c, n in (l0["causes"] or {}).items()}
            m["l2_exits_per_op"] = _per_op(l0["l2_exits"], it)
            if b["exits_total"]:
                # traps into L0 per L2 exit that L1 handled (DESIGN §6: floor 2)
                m["exit_multiplication"] = l0["traps"] / b["exits_total"]
        if b.get("l0_levels"):
            m["l0_levels"] = levels_summary(b["l0_levels"], it)
        samples = []
        for w in wall:
            wb = w["benchmarks"].get(name)
            if wb and w["timebase_hz"]:
                samples.append(wb["time"] / w["timebase_hz"] * 1e9 / wb["iters"])
        m["wall_ns_per_op_samples"] = samples
        m["wall_ns_per_op_median"] = statistics.median(samples) if samples else None
        out[name] = m
    return out


def ratios(doc: dict) -> dict:
    """For every configuration with a baseline in the same file: per
    benchmark, this / baseline for instructions, wall time and exits."""
    out = {}
    for name, c in doc["configs"].items():
        base = c["baseline"]
        if not base or base not in doc["configs"]:
            continue
        b_sum = doc["configs"][base]["summary"]
        r = {}
        for bench, m in c["summary"].items():
            bm = b_sum.get(bench)
            if not bm:
                continue
            def div(key):
                x, y = m.get(key), bm.get(key)
                return x / y if x is not None and y else None
            r[bench] = {"instret": div("instret_per_op"), "wall": div("wall_ns_per_op_median"),
                        "exits_total": div("exits_total_per_op")}
        out[f"{name}/{base}"] = r
    return out


def new_document(mode: str, firmware: str) -> dict:
    now = datetime.datetime.now(datetime.timezone.utc)
    return {
        "schema_version": SCHEMA_VERSION,
        "created": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "mode": mode,
        "provenance": provenance(firmware),
        "configs": {},
        "skipped": {},
        "ratios": {},
    }


def config_entry(cfg, runs: list) -> dict:
    images = [file_digest(p) for p in dict.fromkeys([cfg.firmware, cfg.kernel] + ([cfg.initrd] if cfg.initrd else []))]
    return {
        "label": cfg.bench.label,
        "l0_traps": cfg.bench.l0_traps,
        "l0_exact": cfg.bench.l0_exact,
        "instret_exact": cfg.bench.instret_exact,
        **({"instret_tolerance": cfg.bench.instret_tolerance}
           if cfg.bench.instret_tolerance else {}),
        "baseline": cfg.bench.baseline,
        "config": cfg.as_dict(),
        "config_toml": cfg.raw,
        "images": images,
        "runs": runs,
        "summary": summarize(runs, cfg.bench.l0_exact, cfg.bench.instret_exact,
                             cfg.bench.instret_tolerance),
    }


def file_stem(doc: dict) -> str:
    """<date>-<revision>[-dirty][-quick]: unique per run, sortable."""
    t = doc["created"].replace("-", "").replace(":", "").replace("T", "-").rstrip("Z")
    g = doc["provenance"]["git"]
    stem = f"{t}-{g['short'][:7]}" + ("-dirty" if g["dirty"] else "")
    return stem + ("-quick" if doc["mode"] == "quick" else "")


def save(doc: dict, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    p = out_dir / f"{file_stem(doc)}.json"
    p.write_text(json.dumps(doc, indent=1, sort_keys=False) + "\n")
    return p


def bench_names(doc: dict) -> list:
    """Benchmarks in first-seen order across configurations."""
    names = []
    for c in doc["configs"].values():
        for n in c["summary"]:
            if n not in names:
                names.append(n)
    return names


def write_report(doc: dict, out_dir, md: str) -> Path:
    """The application and I/O benchmarks' files: doc as
    <date>-<time>-<revision>[-dirty].json (the time of writing) and md
    beside it as .md, in out_dir (made if missing). Returns the path
    without its suffix."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    git = doc["provenance"]["git"]
    stem = time.strftime("%Y%m%d-%H%M%S") + f"-{git['short']}" + ("-dirty" if git["dirty"] else "")
    (out / f"{stem}.json").write_text(json.dumps(doc, indent=1) + "\n")
    (out / f"{stem}.md").write_text(md)
    return out / stem


def load_doc(path) -> dict:
    """The results file as validated JSON (a dict)."""
    try:
        doc = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise ResultsError(f"{path}: cannot read results: {e}") from None
    validate(doc, where=str(path))
    return doc


def load(path):
    """The rows of a results file as a pandas DataFrame: one row per
    configuration and benchmark (benchmarks/frame.py names the columns)."""
    from . import frame

    return frame.rows(load_doc(path))


def validate(doc: dict, where: str = "results") -> None:
    """Raise ResultsError naming the first place the document breaks
    benchmarks/schema.json."""
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text())
    v = jsonschema.Draft7Validator(schema)
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errs:
        e = errs[0]
        at = "/".join(str(x) for x in e.absolute_path) or "(top)"
        raise ResultsError(f"{where}: at {at}: {e.message}")


def valid_for_writing(doc) -> bool:
    """validate() before a results file is written: a violation is a bug in
    the runner, not in the guest, so such a file is never written; one
    `error:` line names it."""
    try:
        validate(doc)
    except ResultsError as e:
        print(f"error: results do not follow benchmarks/schema.json: {e}", file=sys.stderr)
        return False
    return True
