"""The exit profile: `make profile CONFIG=<name> [BENCH=<benchmark>]`.

Boots a configuration under icount with L0's profiler on (`l0.profile=1
l0.trace=<n>`, l0-hyp/README.md "Profiling"), reads L0's `RVNEST l0prof*`
and `l0trace` lines (docs/protocol.md) and writes, under results/profile/:

- a table in the manner of `perf kvm stat report`: traps into L0 by level
  and cause, samples, samples%, instructions inside L0 (total, share,
  mean); L1's virtual-instruction traps by what L0 emulated; a per-CSR
  table;
- the chain of L0 traps that one L2 exit caused (exit multiplication),
  from the trace: the L2 exit, every trap L1 took while handling it, up
  to the trap that resumed L2;
- a PNG (instructions inside L0 by event, and the histogram of the
  per-trap costs in the trace), and the whole profile as JSON.

With BENCH the figures are those of that benchmark's l0bench window (the
L2 micro-guests bracket each benchmark with BENCH_BEGIN/END; L0 takes the
window from L1's markers, or from L2's with l0.benchwin=l2 as kvm-l0
does), otherwise the whole run's.

    /usr/bin/python3 -m benchmarks.profile <config> [--bench NAME] [--trace N]
                                             [--out DIR] [--log CONSOLE_LOG]

--log reads a console log written earlier instead of booting QEMU.
"""

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from harness import config, protocol, runner

ROOT = Path(__file__).resolve().parent.parent
ENCODING_H = ROOT / "common" / "include" / "rvnest" / "encoding.h"
SBI_H = ROOT / "common" / "include" / "rvnest" / "sbi.h"
# records per vCPU in L0's trace ring: several hundred hypercall chains
DEFAULT_TRACE = 256
TOTAL = "total"  # the window name of the whole run's profile


class ProfileError(Exception):
    """Output that cannot be turned into a profile (named precisely)."""


@dataclass
class Bucket:
    n: int = 0
    instr: int = 0

    @property
    def mean(self) -> float:
        return self.instr / self.n if self.n else 0.0


@dataclass
class TraceRec:
    vcpu: int
    at: int  # instret at L0's entry
    level: str  # "l1" / "l2": where the trap came from
    cause: str
    insn: str  # what L0 emulated for an L1 virtual instruction, "-" otherwise
    csr: str  # "0x643" for a CSR access, "-" otherwise
    pc: int
    instr: int  # inside L0
    sbi: str = "-"  # "0x4e41434c.4" for an SBI call L0 served, "-" otherwise

    def event(self, names=None, sbi_names=None) -> str:
        """'ecall_vs', 'virtual_inst csr_r htval', 'virtual_inst sret',
        'ecall_vs nacl.sync_sret'."""
        if self.insn == "-":
            return self.cause
        if self.csr != "-":
            return f"{self.cause} {self.insn} {csr_label(self.csr, names)}"
        if self.sbi != "-":
            return f"{self.cause} {sbi_label(self.sbi, sbi_names)}"
        return f"{self.cause} {self.insn}"


@dataclass
class Window:
    name: str
    traps: int = 0
    instr: int = 0
    excluded: int = 0
    vcpus: int = 0
    causes: dict = field(default_factory=dict)  # (level, cause) -> Bucket
    insns: dict = field(default_factory=dict)  # insn -> Bucket
    csrs: dict = field(default_factory=dict)  # (csr, access) -> Bucket
    sbis: dict = field(default_factory=dict)  # "0x4e41434c.4" / "other" -> Bucket
    trace: list = field(default_factory=list)  # TraceRec, oldest first
    trace_dropped: int = 0


# ---- parsing -------------------------------------------------------------


def csr_names(path: Path = ENCODING_H) -> dict:
    """CSR number -> name, from the encodings header both hypervisors use
    (the first name of a number wins)."""
    names = {}
    text = path.read_text()
    for m in re.finditer(r"^#define\s+CSR_([A-Z0-9_]+)\s+(0x[0-9a-fA-F]+)\b", text, re.M):
        names.setdefault(int(m.group(2), 16), m.group(1).lower())
    return names


# FID defines that are not function IDs (features, states, layout)
_NOT_FID = re.compile(r"^(FEAT|STATE|HFENCE|SRET|SUSPEND|TYPE|REASON)_|"
                      r"SHIFT|MASK|SIZE|ALIGN|OFFSET|COUNT|BYTES")


def sbi_names(path: Path = SBI_H) -> dict:
    """'0x4e41434c.4' -> 'nacl.sync_sret', from the SBI header: an
    extension's functions are the SBI_<EXT>_<NAME> numbers."""
    text = path.read_text()
    exts = {}
    for m in re.finditer(r"^#define\s+SBI_EXT_([A-Z0-9_]+)\s+(0x[0-9a-fA-F]+|\d+)\b", text, re.M):
        if not m.group(1).endswith(("_START", "_END")):
            exts.setdefault(int(m.group(2), 0), m.group(1).lower())
    names = {}
    for eid, ext in exts.items():
        names[f"0x{eid:x}"] = ext
        pat = rf"^#define\s+SBI_{ext.upper()}_([A-Z0-9_]+)\s+(\d+)\b"
        for m in re.finditer(pat, text, re.M):
            if not _NOT_FID.search(m.group(1)):
                names.setdefault(f"0x{eid:x}.{m.group(2)}", f"{ext}.{m.group(1).lower()}")
    return names


def sbi_label(key: str, names=None) -> str:
    """'0x4e41434c.4' -> 'nacl.sync_sret' ('nacl.fid9' for an unnamed
    function, 'sbi 0x...' for an unknown extension, 'other')."""
    if names is None or "." not in key:
        return key if key == "other" else f"sbi {key}"
    if key in names:
        return names[key]
    ext, fid = key.split(".", 1)
    return f"{names[ext]}.fid{fid}" if ext in names else f"sbi {key}"


def csr_label(csr: str, names=None) -> str:
    """'0x643' -> 'htval' (the number itself when unnamed, 'other')."""
    if names is None or not csr.startswith("0x"):
        return csr
    return names.get(int(csr, 16), csr)


def _int(rec: protocol.Record, key: str) -> int:
    v = rec.get(key)
    if v is None:
        raise ProfileError(f"console line {rec.lineno}: RVNEST {rec.kind} without {key}=")
    if isinstance(v, int):
        return v
    try:
        return int(v, 0)
    except ValueError:
        raise ProfileError(f"console line {rec.lineno}: {key}={v!r} is not an integer") from None


def _str(rec: protocol.Record, key: str) -> str:
    v = rec.get(key)
    if v is None:
        raise ProfileError(f"console line {rec.lineno}: RVNEST {rec.kind} without {key}=")
    return str(v)


def _bucket(rec) -> Bucket:
    return Bucket(_int(rec, "n"), _int(rec, "instr"))


def parse_windows(proto: protocol.Protocol) -> dict:
    """Every profile window L0 printed, by name ('total' = the whole run)."""
    wins = {}

    def win(rec):
        name = _str(rec, "win")
        return wins.setdefault(name, Window(name))

    for r in proto.records:
        if r.kind == "l0prof":
            w = win(r)
            w.traps, w.instr = _int(r, "traps"), _int(r, "instr")
            w.excluded, w.vcpus = _int(r, "excluded"), _int(r, "vcpus")
        elif r.kind == "l0prof_cause":
            key = (_str(r, "level"), _str(r, "cause"))
            w = win(r)
            if key in w.causes:
                raise ProfileError(f"console line {r.lineno}: {key} twice in window {w.name}")
            w.causes[key] = _bucket(r)
        elif r.kind == "l0prof_insn":
            win(r).insns[_str(r, "insn")] = _bucket(r)
        elif r.kind == "l0prof_csr":
            win(r).csrs[(_str(r, "csr"), _str(r, "access"))] = _bucket(r)
        elif r.kind == "l0prof_sbi":
            ext, fid = _str(r, "ext"), _str(r, "fid")
            win(r).sbis["other" if ext == "other" else f"{ext}.{fid}"] = _bucket(r)
        elif r.kind == "l0trace":
            win(r).trace.append(TraceRec(
                vcpu=_int(r, "vcpu"), at=_int(r, "at"), level=_str(r, "level"),
                cause=_str(r, "cause"), insn=_str(r, "insn"), csr=_str(r, "csr"),
                pc=_int(r, "pc"), instr=_int(r, "instr"), sbi=str(r.get("sbi", "-"))))
        elif r.kind == "l0trace_end":
            win(r).trace_dropped += _int(r, "dropped")
    return wins


def consistency_errors(w: Window) -> list:
    """What does not add up in a window (empty when everything does): the
    buckets partition the traps and their instructions."""
    errs = []
    n = sum(b.n for b in w.causes.values())
    ins = sum(b.instr for b in w.causes.values())
    if n != w.traps:
        errs.append(f"window {w.name}: causes add up to {n} traps, not {w.traps}")
    if ins != w.instr:
        errs.append(f"window {w.name}: causes add up to {ins} instructions, not {w.instr}")
    vi = w.causes.get(("l1", "virtual_inst"), Bucket())
    n_insn = sum(b.n for b in w.insns.values())
    if n_insn != vi.n:
        errs.append(f"window {w.name}: {n_insn} emulated instructions, "
                    f"{vi.n} L1 virtual-instruction traps")
    csr_n = sum(b.n for b in w.csrs.values())
    csr_i = sum(b.instr for b in w.csrs.values())
    ci = [w.insns.get(k, Bucket()) for k in ("csr_r", "csr_w")]
    if csr_n != sum(b.n for b in ci) or csr_i != sum(b.instr for b in ci):
        errs.append(f"window {w.name}: the CSR table does not add up to csr_r + csr_w")
    if w.sbis:
        ec = w.causes.get(("l1", "ecall_vs"), Bucket())
        sn = sum(b.n for b in w.sbis.values())
        si = sum(b.instr for b in w.sbis.values())
        if (sn, si) != (ec.n, ec.instr):
            errs.append(f"window {w.name}: SBI calls add up to {sn} traps / {si} instructions, "
                        f"L1's ecall_vs to {ec.n} / {ec.instr}")
    for key, b in (list(w.causes.items()) + list(w.insns.items()) + list(w.csrs.items())
                   + list(w.sbis.items())):
        if b.n <= 0 or b.instr <= 0:
            errs.append(f"window {w.name}: bucket {key} has n={b.n} instr={b.instr}")
    return errs


# ---- exit multiplication: the chain of one L2 exit -------------------------


def chains(trace: list) -> list:
    """The complete chains in a trace, per vCPU: a trap from L2 and the L1
    traps after it, up to the next trap from L2 (L2 resumed in between).
    The first chain (it may have started before the ring) and the last
    (it may not have ended) are left out."""
    out = []
    by_vcpu = {}
    for r in trace:
        by_vcpu.setdefault(r.vcpu, []).append(r)
    for recs in by_vcpu.values():
        starts = [i for i, r in enumerate(recs) if r.level == "l2"]
        for a, b in zip(starts, starts[1:]):
            out.append(recs[a:b])
    return out


def shape(chain: list) -> tuple:
    return tuple((r.level, r.cause, r.insn, r.csr) for r in chain)


def typical_chain(trace: list):
    """(chain, how many complete chains have its shape, how many there
    are): the most common shape, its middle instance; None if the trace
    holds no complete chain."""
    cs = chains(trace)
    if not cs:
        return None
    counts = Counter(shape(c) for c in cs)
    best, n = counts.most_common(1)[0]
    same = [c for c in cs if shape(c) == best]
    return same[len(same) // 2], n, len(cs)


def chain_rows(chain: list, names=None, sbi_names_=None) -> list:
    """Per trap: its event, pc, instructions inside L0, and the
    instructions retired between its return and the next trap's entry
    (the guest's own, plus entry.S and the profiler's hooks outside the
    figure); None for the last one."""
    rows = []
    for i, r in enumerate(chain):
        gap = None
        if i + 1 < len(chain):
            gap = chain[i + 1].at - r.at - r.instr
        rows.append({"level": r.level, "event": r.event(names, sbi_names_), "pc": r.pc,
                     "instr": r.instr, "after": gap})
    return rows


# ---- tables ---------------------------------------------------------------


def _pct(a, b) -> str:
    return f"{100.0 * a / b:.2f}%" if b else "-"


def _table(headers, rows, align) -> list:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(str(c).rjust(w) if a == "r" else str(c).ljust(w)
                         for c, w, a in zip(cells, widths, align))
    return [line(headers)] + [line(r) for r in rows]


def event_rows(w: Window) -> list:
    """perf kvm stat report: one row per (level, cause), most samples
    first, then the total."""
    rows = []
    items = sorted(w.causes.items(), key=lambda kv: (-kv[1].n, -kv[1].instr, kv[0]))
    for (level, cause), b in items:
        rows.append([f"{level}:{cause}", b.n, _pct(b.n, w.traps), f"{b.instr:,}",
                     _pct(b.instr, w.instr), f"{b.mean:,.1f}"])
    rows.append(["total", w.traps, _pct(w.traps, w.traps), f"{w.instr:,}",
                 _pct(w.instr, w.instr), f"{w.instr / w.traps if w.traps else 0:,.1f}"])
    return rows


def insn_rows(w: Window) -> list:
    vi = w.causes.get(("l1", "virtual_inst"), Bucket())
    items = sorted(w.insns.items(), key=lambda kv: (-kv[1].n, kv[0]))
    return [[k, b.n, _pct(b.n, vi.n), f"{b.instr:,}", _pct(b.instr, w.instr),
             f"{b.mean:,.1f}"] for k, b in items]


def csr_rows(w: Window, names=None) -> list:
    items = sorted(w.csrs.items(), key=lambda kv: (-kv[1].n, kv[0]))
    total = sum(b.n for b in w.csrs.values())
    return [[csr, csr_label(csr, names), acc, b.n, _pct(b.n, total), f"{b.instr:,}",
             _pct(b.instr, w.instr), f"{b.mean:,.1f}"] for (csr, acc), b in items]


def sbi_rows(w: Window, sbi_names_=None) -> list:
    ec = w.causes.get(("l1", "ecall_vs"), Bucket())
    items = sorted(w.sbis.items(), key=lambda kv: (-kv[1].n, kv[0]))
    return [[k, sbi_label(k, sbi_names_), b.n, _pct(b.n, ec.n), f"{b.instr:,}",
             _pct(b.instr, w.instr), f"{b.mean:,.1f}"] for k, b in items]


def report_lines(w: Window, title: str, names=None, iters=None, sbi_names_=None) -> list:
    """The text report: events, emulated instructions, CSRs, one chain."""
    out = [f"Analyze events for L0: {title}", ""]
    per_op = f", {w.traps / iters:.2f} traps per operation over {iters} iterations" if iters else ""
    out.append(f"{w.traps:,} traps into L0, {w.instr:,} instructions inside L0{per_op}"
               f" (plus {w.excluded:,} spent printing L0's own l0bench lines, left out)")
    out.append("")
    out += _table(["event (level:cause)", "samples", "samples%", "instr in L0", "instr%",
                   "mean instr"], event_rows(w), "lrrrrr")
    if w.insns:
        out += ["", "L1 virtual-instruction traps by what L0 emulated:", ""]
        out += _table(["insn", "samples", "of vinst%", "instr in L0", "instr%", "mean instr"],
                      insn_rows(w), "lrrrrr")
    if w.csrs:
        out += ["", "CSR accesses emulated for L1:", ""]
        out += _table(["csr", "name", "access", "samples", "samples%", "instr in L0",
                       "instr%", "mean instr"], csr_rows(w, names), "lllrrrrr")
    if w.sbis:
        out += ["", "SBI calls from L1 served by L0:", ""]
        out += _table(["ext.fid", "call", "samples", "of ecall%", "instr in L0", "instr%",
                       "mean instr"], sbi_rows(w, sbi_names_), "llrrrrr")
    tc = typical_chain(w.trace)
    out.append("")
    if tc is None:
        out.append("No complete L2 exit in the trace (no trap from L2, or l0.trace=0).")
    else:
        chain, n, total = tc
        rows = chain_rows(chain, names, sbi_names_)
        inside = sum(r["instr"] for r in rows)
        out.append(f"One L2 exit and the traps into L0 it caused (vCPU {chain[0].vcpu}; "
                   f"{n} of the {total} complete chains in the trace have this shape): "
                   f"{len(chain)} traps, {inside:,} instructions inside L0")
        out.append("")
        trows = [[i + 1, r["level"], r["event"], f"0x{r['pc']:x}", f"{r['instr']:,}",
                  "L2 resumes" if r["after"] is None else f"{r['after']:,}"]
                 for i, r in enumerate(rows)]
        out += _table(["#", "from", "trap", "pc", "instr in L0", "then outside L0"], trows,
                      "rllrrr")
    if w.trace_dropped:
        out.append(f"(the trace ring kept the last {len(w.trace)} traps of the window; "
                   f"{w.trace_dropped} earlier ones were overwritten)")
    return out


def markdown_table(headers, rows) -> list:
    out = ["| " + " | ".join(headers) + " |",
           "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return out


# ---- the figure ------------------------------------------------------------


def plot(w: Window, path: Path, title: str, names=None) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    snames = sbi_names()
    # instructions inside L0 by event; L1's CSR traps split by CSR, its
    # SBI calls by call
    bars = []  # (label, total instr, samples)
    for (level, cause), b in w.causes.items():
        if (level, cause) == ("l1", "ecall_vs") and w.sbis:
            bars += [(f"l1 {sbi_label(k, snames)}", sb.instr, sb.n) for k, sb in w.sbis.items()]
        elif (level, cause) == ("l1", "virtual_inst") and w.insns:
            for k, ib in w.insns.items():
                if k in ("csr_r", "csr_w"):
                    bars += [(f"l1 {csr_label(csr, names)} ({acc})", cb.instr, cb.n)
                             for (csr, acc), cb in w.csrs.items() if acc == k[-1]]
                else:
                    bars.append((f"l1 {k}", ib.instr, ib.n))
        else:
            bars.append((f"{level} {cause}", b.instr, b.n))
    bars.sort(key=lambda t: t[1])  # largest at the top of a horizontal chart
    height = max(4.8, 0.26 * len(bars) + 1.6)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(14, height),
                                   gridspec_kw={"width_ratios": [1.3, 1]})
    ys = range(len(bars))
    ax1.barh(ys, [t[1] for t in bars], color="tab:blue")
    for y, (_, v, c) in zip(ys, bars):
        ax1.annotate(f" {c}x, {v / c:,.0f}/trap", (v, y), va="center", fontsize=7)
    ax1.set_yticks(list(ys))
    ax1.set_yticklabels([t[0] for t in bars], fontsize=8)
    ax1.set_xlabel("instructions inside L0 (total in the window)")
    ax1.set_title("where L0's instructions go")
    ax1.margins(x=0.25)
    # histogram of per-trap cost (trace)
    if w.trace:
        # stacked on shared bins, so neither level hides the other
        data = [[r.instr for r in w.trace if r.level == lv] for lv in ("l2", "l1")]
        ax2.hist(data, bins=40, stacked=True, color=["tab:orange", "tab:green"],
                 label=["traps from L2", "traps from L1"])
        ax2.set_xlabel("instructions inside L0 per trap")
        ax2.set_ylabel("traps (trace)")
        ax2.legend(fontsize=8)
        ax2.set_title(f"per-trap cost, last {len(w.trace)} traps")
    else:
        ax2.text(0.5, 0.5, "no trace (l0.trace=0)", ha="center", va="center")
        ax2.set_axis_off()
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# ---- running ---------------------------------------------------------------


def profiled_config(cfg: config.Config, trace: int) -> config.Config:
    """cfg with L0's profiler on. L0's options come first on its command
    line (everything after ' -- ' is L1's), so they are put in front."""
    if "l0.elf" not in Path(cfg.kernel).name:
        raise ProfileError(f"config {cfg.name}: its kernel is {cfg.kernel}, not L0: "
                           "there is no L0 to profile (try a configuration on L0, e.g. nested)")
    return cfg.with_overrides(append=f"l0.profile=1 l0.trace={trace} {cfg.append}".strip())


@dataclass
class Profile:
    config: str
    bench: str  # the window profiled ('total' = the whole run)
    window: Window
    iters: int = None
    log: str = ""
    windows: dict = field(default_factory=dict)


def profile_from_console(console: str, cfg_name: str, bench=None, log: str = "") -> Profile:
    proto = protocol.parse(console)
    wins = parse_windows(proto)
    want = bench or TOTAL
    if want not in wins:
        have = sorted(k for k in wins if k != TOTAL)
        if not wins:
            raise ProfileError(f"config {cfg_name}: L0 printed no RVNEST l0prof lines "
                               "(is this L0 built with the profiler, and l0.profile=1?)")
        raise ProfileError(f"config {cfg_name}: no l0bench window named {want!r}; "
                           f"L0 profiled: {', '.join(have) or 'no window'}")
    iters = None
    if bench and bench in proto.l0benches:
        iters = proto.l0benches[bench].get("iters")
    return Profile(cfg_name, want, wins[want], iters, log, wins)


def run_profile(name: str, bench=None, trace=DEFAULT_TRACE, l1=None, initrd=None,
                bootargs=None, echo=None, l0args=None) -> Profile:
    cfg = profiled_config(config.load(name, l1=l1, initrd=initrd, bootargs=bootargs,
                                      l0args=l0args), trace)
    res = runner.run(cfg, icount=True, echo=echo)
    if not res.ok:
        raise ProfileError(res.error + (f" (log {res.log_path})" if res.log_path else ""))
    return profile_from_console(res.console, name, bench, str(res.log_path or ""))


def write_outputs(p: Profile, out_dir: Path, revision: str, qemu_version: str) -> dict:
    names = csr_names()
    snames = sbi_names()
    stem = f"{p.config}-{p.bench}"
    title = f"{p.config}, window {p.bench}, revision {revision}, {qemu_version}, icount"
    text = report_lines(p.window, title, names, p.iters, snames)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"text": out_dir / f"{stem}.txt", "markdown": out_dir / f"{stem}.md",
             "json": out_dir / f"{stem}.json", "png": out_dir / f"{stem}.png"}
    paths["text"].write_text("\n".join(text) + "\n")
    md = [f"# L0 exit profile: {title}", "", "```"] + text + ["```", ""]
    md += markdown_table(["event", "samples", "samples%", "instr in L0", "instr%", "mean instr"],
                         event_rows(p.window))
    if p.window.csrs:
        md += [""] + markdown_table(["csr", "name", "access", "samples", "samples%",
                                     "instr in L0", "instr%", "mean instr"],
                                    csr_rows(p.window, names))
    paths["markdown"].write_text("\n".join(md) + "\n")
    w = p.window
    tc = typical_chain(w.trace)
    doc = {
        "config": p.config, "window": p.bench, "iters": p.iters, "revision": revision,
        "qemu": qemu_version, "log": p.log,
        "traps": w.traps, "instr": w.instr, "excluded": w.excluded, "vcpus": w.vcpus,
        "causes": [{"level": k[0], "cause": k[1], **asdict(b)} for k, b in w.causes.items()],
        "insns": [{"insn": k, **asdict(b)} for k, b in w.insns.items()],
        "csrs": [{"csr": k[0], "name": csr_label(k[0], names), "access": k[1], **asdict(b)}
                 for k, b in w.csrs.items()],
        "sbis": [{"call": k, "name": sbi_label(k, snames), **asdict(b)}
                 for k, b in w.sbis.items()],
        "chain": chain_rows(tc[0], names, snames) if tc else None,
        "trace": [asdict(r) for r in w.trace],
    }
    paths["json"].write_text(json.dumps(doc, indent=1) + "\n")
    plot(w, paths["png"], title, names)
    return {"lines": text, "paths": paths}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="benchmarks.profile", description=__doc__.split("\n")[0])
    ap.add_argument("config")
    ap.add_argument("--bench", default=None, help="profile this benchmark's l0bench window")
    ap.add_argument("--trace", type=int, default=DEFAULT_TRACE,
                    help=f"l0.trace records per vCPU (default {DEFAULT_TRACE})")
    ap.add_argument("--out", default=str(ROOT / "results" / "profile"))
    ap.add_argument("--log", default=None, help="read this console log instead of running QEMU")
    ap.add_argument("--l1"), ap.add_argument("--initrd"), ap.add_argument("--bootargs")
    ap.add_argument("--l0args")
    a = ap.parse_args(argv)
    from benchmarks import results
    from harness import qemu

    try:
        if a.log:
            p = profile_from_console(Path(a.log).read_text(errors="replace"), a.config,
                                     a.bench, a.log)
        else:
            runner.announce_qemu()
            p = run_profile(a.config, a.bench, a.trace, a.l1, a.initrd, a.bootargs,
                            l0args=a.l0args)
        errs = consistency_errors(p.window)
        if errs:
            raise ProfileError("; ".join(errs))
        g = results.git_revision()
        rev = g["short"][:7] + ("-dirty" if g["dirty"] else "")
        out = write_outputs(p, Path(a.out), rev, qemu.version().split("(")[0].strip())
    except (ProfileError, config.ConfigError, protocol.ProtocolError, OSError) as e:
        print(f"error: profile: {e}", file=sys.stderr)
        return 1
    print("\n".join(out["lines"]))
    print()
    for k, path in out["paths"].items():
        print(f"profile: {k}: {path}")
    if p.log:
        print(f"profile: console log: {p.log}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
