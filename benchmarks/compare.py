"""Compare two results files: per configuration and benchmark, both
figures and their ratio; exact (icount) counts flagged where they differ;
wall-time medians with their spread.

    /usr/bin/python3 -m benchmarks.compare A.json B.json [--out DIR] [--fail-on grew|changed|never]

Writes compare-<A stem>-vs-<B stem>.md and .png (+ .svg) into DIR
(default: beside B) and prints the tables. Exit status:

  0  no exact count grew from A to B (with --fail-on changed: none changed)
  1  an exact count grew (with --fail-on changed: grew or shrank); each is
     named on stderr as `compare: grew: <config>/<benchmark> <metric> A -> B`
  2  error: a file is missing, unreadable or breaks the schema, or the two
     files have no configuration and benchmark in common

Exact counts are those that repeat bit for bit under -icount (DESIGN.md
section 6): instructions, L1's exits and L0's traps per operation, in
total and by cause. L0's counts of a configuration with `l0_exact = false`
(Linux/KVM as L1) are compared but never fail the comparison, nor are the
counts of a file whose icount runs disagreed, nor the instructions of a
configuration with `instret_exact = false`. Wall time is never a
failure: its verdict is `overlap` when the min..max ranges of A's and B's
samples overlap, else `faster` or `slower`."""

import argparse
import sys
from pathlib import Path

from . import figures, frame, results
from .report import fmt, table

# (summary key, short name) of the exact totals, in table order
TOTALS = (("instret_per_op", "instr/op"), ("l0_traps_per_op", "L0 traps/op"),
          ("exits_total_per_op", "L1 exits/op"))
# compared and flagged too, in the `change` column only
OTHER_TOTALS = ("l2_exits_per_op",)
FAIL_ON = ("grew", "changed", "never")
# Counts per operation are integers divided by iters: equal when the
# integers are; this only absorbs float noise, never a real trap.
EPS = 1e-9


class CompareError(Exception):
    pass


def _exact_metrics(m: dict) -> dict:
    """Every exact per-operation count of one summary entry, by name."""
    out = {k: m[k] for k in [k for k, _ in TOTALS] + list(OTHER_TOTALS)}
    for c, v in (m["exits_per_op"] or {}).items():
        out[f"exits.{c}"] = v
    for c, v in (m["l0_causes_per_op"] or {}).items():
        out[f"l0_causes.{c}"] = v
    return out


def _is_l0(metric: str) -> bool:
    return metric.startswith("l0_") or metric == "l2_exits_per_op"


def _change(a, b) -> str:
    if a is None or b is None:
        return "" if a is None and b is None else "measured in one only"
    if abs(b - a) <= EPS * max(1.0, abs(a)):
        return ""
    return "grew" if b > a else "shrank"


def _ratio(a, b):
    return b / a if a and b is not None else None


def compare(da: dict, db: dict) -> dict:
    """The comparison as data: {"pairs": [...], "only_a": [...], "only_b": [...]}.
    Each pair: config, benchmark, exact {metric: (a, b, change, guarded)},
    wall {a: spread, b: spread, ratio, verdict}."""
    pairs, only_a, only_b = [], [], []
    for key, ca in da["configs"].items():
        cb = db["configs"].get(key)
        if cb is None:
            only_a.append(key)
            continue
        for bench, ma in ca["summary"].items():
            mb = cb["summary"].get(bench)
            if mb is None:
                only_a.append(f"{key}/{bench}")
                continue
            ea, eb = _exact_metrics(ma), _exact_metrics(mb)
            trusted = ma["deterministic_identical"] and mb["deterministic_identical"]
            l0_exact = ca.get("l0_exact", True) and cb.get("l0_exact", True)
            # a configuration whose instructions are measured by its VMM
            # within a tolerance, not exactly (`[bench] instret_exact = false`)
            instret_exact = ca.get("instret_exact", True) and cb.get("instret_exact", True)
            exact = {}
            for metric in list(ea) + [k for k in eb if k not in ea]:
                a, b = ea.get(metric), eb.get(metric)
                if metric.startswith(("exits.", "l0_causes.")):
                    # a cause absent on one side was counted and not seen
                    a = 0.0 if a is None and metric in eb and _side_counts(ma, metric) else a
                    b = 0.0 if b is None and metric in ea and _side_counts(mb, metric) else b
                guarded = (trusted and (l0_exact or not _is_l0(metric))
                           and (instret_exact or metric != "instret_per_op"))
                exact[metric] = (a, b, _change(a, b), guarded)
            sa = frame.spread(ma["wall_ns_per_op_samples"])
            sb = frame.spread(mb["wall_ns_per_op_samples"])
            if sa["n"] and sb["n"]:
                if sb["min"] > sa["max"]:
                    verdict = "slower"
                elif sb["max"] < sa["min"]:
                    verdict = "faster"
                else:
                    verdict = "overlap"
            else:
                verdict = "-"
            pairs.append({"config": key, "label": ca["label"], "benchmark": bench, "exact": exact,
                          "wall": {"a": sa, "b": sb, "ratio": _ratio(sa["median"], sb["median"]),
                                   "verdict": verdict}})
    for key, cb in db["configs"].items():
        if key not in da["configs"]:
            only_b.append(key)
            continue
        only_b += [f"{key}/{b}" for b in cb["summary"] if b not in da["configs"][key]["summary"]]
    return {"pairs": pairs, "only_a": only_a, "only_b": only_b}


def _side_counts(m: dict, metric: str) -> bool:
    """Whether this side counted the metric's level at all."""
    return (m["exits_per_op"] is not None) if metric.startswith("exits.") else \
        (m["l0_causes_per_op"] is not None)


def failures(cmp: dict, fail_on: str) -> list:
    """(config/benchmark, metric, a, b, change) of every guarded exact
    count that fails under fail_on."""
    bad = {"grew": ("grew",), "changed": ("grew", "shrank", "measured in one only"),
           "never": ()}[fail_on]
    out = []
    for p in cmp["pairs"]:
        for metric, (a, b, change, guarded) in p["exact"].items():
            if guarded and change in bad:
                out.append((f"{p['config']}/{p['benchmark']}", metric, a, b, change))
    return out


def _wall_cell(sp: dict) -> str:
    if not sp["n"]:
        return "-"
    return f"{fmt(sp['median'], 0)} [{fmt(sp['min'], 0)}..{fmt(sp['max'], 0)}]"


def _pct(a, b) -> str:
    if a is None or b is None or not a:
        return "-"
    return f"{(b - a) / a * 100:+.2f}%"


def render(da: dict, db: dict, cmp: dict, a_name: str, b_name: str, figure: str = "") -> str:
    ra, rb = figures.revision_of(da), figures.revision_of(db)
    out = [f"# rvnest comparison: A = {a_name}, B = {b_name}", "",
           f"- A: revision `{da['provenance']['git']['revision']}`"
           + (" (dirty)" if da["provenance"]["git"]["dirty"] else "") + f", {da['created']}, {da['mode']}",
           f"- B: revision `{db['provenance']['git']['revision']}`"
           + (" (dirty)" if db["provenance"]["git"]["dirty"] else "") + f", {db['created']}, {db['mode']}"]
    if da["provenance"]["qemu"] != db["provenance"]["qemu"]:
        out.append(f"- QEMU differs: A {da['provenance']['qemu']}; B {db['provenance']['qemu']}")
    out += ["", f"## Exact counts per operation (icount), {ra} -> {rb}", "",
            "B/A is the ratio; `change` names every exact count that differs (totals and by "
            "cause). `(not guarded)`: L0's counts of a configuration whose L0 counts are not "
            "exact (`l0_exact = false`), or a file whose icount runs disagreed.", ""]
    header = ["config", "benchmark"]
    for _, short in TOTALS:
        header += [f"{short} A", f"{short} B", "B/A"]
    header.append("change")
    rows = []
    for p in cmp["pairs"]:
        row = [p["config"], p["benchmark"]]
        for k, _ in TOTALS:
            a, b, _, _ = p["exact"][k]
            r = _ratio(a, b)
            row += [fmt(a, 3), fmt(b, 3), "-" if r is None else f"{r:.3f}"]
        notes = [f"{m} {ch} {_pct(a, b)}" + ("" if g else " (not guarded)")
                 for m, (a, b, ch, g) in p["exact"].items() if ch]
        row.append("; ".join(notes) or "=")
        rows.append(row)
    out.append(table(header, rows))
    out += ["", f"## Wall time per operation, {ra} -> {rb}", "",
            "ns/op: median [min..max] of each file's wall-time runs; B/A of the medians; "
            "`overlap` when the two ranges overlap (no change this measurement can tell "
            "apart from the noise of a shared machine), else `faster` or `slower`. "
            "Reported, never a failure.", ""]
    rows = [[p["config"], p["benchmark"], _wall_cell(p["wall"]["a"]), _wall_cell(p["wall"]["b"]),
             "-" if p["wall"]["ratio"] is None else f"{p['wall']['ratio']:.2f}x",
             p["wall"]["verdict"]] for p in cmp["pairs"]]
    out.append(table(["config", "benchmark", "A ns/op", "B ns/op", "B/A", "verdict"], rows))
    for side, items in (("A", cmp["only_a"]), ("B", cmp["only_b"])):
        if items:
            out += ["", f"Only in {side}: " + ", ".join(f"`{i}`" for i in items)]
    if figure:
        out += ["", f"![comparison]({figure})"]
    out.append("")
    return "\n".join(out)


def plot(da: dict, db: dict, cmp: dict, path: Path) -> Path:
    """One facet per benchmark: B/A per configuration for instructions and
    L0 traps (exact) and the wall median (with the ratio's range from the
    two files' min..max)."""
    benches = []
    for p in cmp["pairs"]:
        if p["benchmark"] not in benches:
            benches.append(p["benchmark"])
    series = (("instret_per_op", "instr/op (exact)", "tab:blue"),
              ("l0_traps_per_op", "L0 traps/op (exact)", "tab:red"),
              ("wall", "wall median", "tab:orange"))
    with figures.style():
        fig, axes = figures.subplots(len(benches), ncols=4, row_height=2.2, sharey=False)
        for ax, bench in zip(axes, benches):
            ps = [p for p in cmp["pairs"] if p["benchmark"] == bench]
            labels = [p["label"] for p in ps]
            w = 0.8 / len(series)
            for i, (key, name, color) in enumerate(series):
                xs = [j + (i - 1) * w for j in range(len(ps))]
                ys, lo, hi = [], [], []
                for p in ps:
                    if key == "wall":
                        wa, wb = p["wall"]["a"], p["wall"]["b"]
                        r = p["wall"]["ratio"]
                        ys.append(r if r is not None else float("nan"))
                        if r is not None and wa["max"] and wb["min"] is not None and wa["min"]:
                            lo.append(max(0.0, r - wb["min"] / wa["max"]))
                            hi.append(max(0.0, wb["max"] / wa["min"] - r))
                        else:
                            lo.append(0.0)
                            hi.append(0.0)
                    else:
                        a, b, _, _ = p["exact"][key]
                        r = _ratio(a, b)
                        ys.append(r if r is not None else float("nan"))
                ax.bar(xs, ys, w, color=color, label=name,
                       yerr=[lo, hi] if key == "wall" else None, capsize=2 if key == "wall" else 0)
            ax.axhline(1.0, color="0.4", lw=0.8, ls="--")
            ax.set_xticks(range(len(ps)))
            ax.set_xticklabels(labels, rotation=25, ha="right")
            ax.set_title(bench)
            ax.set_ylabel("B / A")
        axes[0].figure.legend(*axes[0].get_legend_handles_labels(), loc="upper right",
                              ncol=3, frameon=False)
        fig.suptitle(f"B / A: {figures.revision_of(db)} over {figures.revision_of(da)}", x=0.01,
                     ha="left")
        return figures.save(fig, path, f"A = {figures.revision_of(da)} ({da['created']}), "
                                       f"B = {figures.revision_of(db)} ({db['created']}); "
                                       f"instr, L0 traps: {figures.EXACT}; wall: ratio of the "
                                       f"medians of runs without icount, bars from B min / A max "
                                       f"to B max / A min; never asserted")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m benchmarks.compare",
                                 description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 2)[2])
    ap.add_argument("a", help="results JSON A (before)")
    ap.add_argument("b", help="results JSON B (after)")
    ap.add_argument("--out", help="directory for the Markdown and the figure (default: beside B)")
    ap.add_argument("--fail-on", choices=FAIL_ON, default="grew",
                    help="which change of an exact count makes the status 1 (default grew)")
    a = ap.parse_args(argv)
    try:
        da, db = results.load_doc(a.a), results.load_doc(a.b)
    except results.ResultsError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    cmp = compare(da, db)
    if not cmp["pairs"]:
        print(f"error: {a.a} and {a.b} have no configuration and benchmark in common "
              f"(A: {', '.join(da['configs']) or 'none'}; B: {', '.join(db['configs']) or 'none'})",
              file=sys.stderr)
        return 2
    pa, pb = Path(a.a), Path(a.b)
    out = Path(a.out) if a.out else pb.parent
    out.mkdir(parents=True, exist_ok=True)
    stem = f"compare-{pa.stem}-vs-{pb.stem}"
    png = plot(da, db, cmp, out / f"{stem}.png")
    md = out / f"{stem}.md"
    md.write_text(render(da, db, cmp, pa.name, pb.name, png.name))
    print(render(da, db, cmp, pa.name, pb.name))
    print(f"report: {md}")
    print(f"figure: {png} (+ .svg)")
    bad = failures(cmp, a.fail_on)
    for where, metric, x, y, change in bad:
        print(f"compare: {change}: {where} {metric} {fmt(x, 3)} -> {fmt(y, 3)}", file=sys.stderr)
    if bad:
        print(f"compare: {len(bad)} exact count(s) {'grew' if a.fail_on == 'grew' else 'changed'}: "
              f"status 1", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
