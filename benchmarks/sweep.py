"""Run one configuration over a list of values of one or more options,
into one results file with the parameters recorded per configuration
entry, and a figure per benchmark with the parameter on the x axis.

    /usr/bin/python3 -m benchmarks.sweep <config> --param <option>=<v1>,<v2>... [--param ...]
        [--quick] [--icount-runs N] [--wall-runs N] [--jobs N] [--tx SPEC] [--out DIR]

Options are those of benchmarks/params.py (L0 options `l0.*`/`l1.*`, L1's
command line `cmdline.<word>`, QEMU `-cpu` properties `cpu.<prop>`, the
`l1`/`initrd`/`bootargs` placeholders, `kernel`, `memory`, ...). Several
--param make the cartesian product, the first one varying slowest; values
containing commas are separated by ';' instead. Exit status 0 when every
run passed and the icount runs agreed, 1 otherwise (the files are still
written), 2 on a usage error (unknown configuration or option, missing
image): one line `error: ...`."""

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

from harness import config, qemu, runner

from . import execute, figures, report, results
from . import params as P
from .report import fmt, table
from .run import DEFAULT_OUT, ICOUNT_RUNS, WALL_RUNS_FULL, WALL_RUNS_QUICK, add_parallel_args


def grid(specs: list) -> tuple:
    """(options, values {option: [..]}, points [{option: value}]) of
    --param specs; the first option varies slowest."""
    opts, values = [], {}
    for s in specs:
        opt, vals = P.parse(s)
        if opt in values:
            raise P.ParamError(f"sweep option {opt} given twice")
        opts.append(opt)
        values[opt] = vals
    points = [dict(zip(opts, combo)) for combo in itertools.product(*(values[o] for o in opts))]
    return opts, values, points


def points_of(doc: dict) -> list:
    """(key, entry) of the sweep's points, in the order they ran."""
    return [(k, c) for k, c in doc["configs"].items() if "params" in c]


def _x_groups(doc: dict):
    """x values (first option) and the lines: {label of the other options: {x: entry}}."""
    sw = doc["sweep"]
    first, rest = sw["options"][0], sw["options"][1:]
    xs = list(sw["values"][first])
    lines = {}
    for _, c in points_of(doc):
        p = c["params"]
        name = " ".join(f"{o}={p[o]}" for o in rest) or sw["config"]
        lines.setdefault(name, {})[p[first]] = c
    return first, xs, lines


def section(doc: dict) -> str:
    """The sweep's tables for the Markdown report: one row per point, one
    column per benchmark."""
    sw = doc["sweep"]
    pts = points_of(doc)
    benches = results.bench_names(doc)
    out = ["", f"## Sweep of `{sw['config']}` over " + ", ".join(f"`{o}`" for o in sw["options"]), "",
           "One row per point (its options as columns), one column per benchmark. "
           "Instructions and traps into L0 per operation are exact (icount); ns/op is the "
           "median of the wall-time runs [min..max], reported, never asserted.", ""]
    metrics = [("instret_per_op", "Instructions per operation (exact)", 1)]
    if any(c["l0_traps"] == "l0bench" for _, c in pts):
        metrics.append(("l0_traps_per_op", "Traps into L0 per operation (exact)", 2))
    metrics.append(("wall_ns_per_op_median", "ns per operation (wall median [min..max])", 0))
    for key, title, digits in metrics:
        rows = []
        for _, c in pts:
            row = [c["params"][o] for o in sw["options"]]
            for b in benches:
                m = c["summary"].get(b)
                v = m and m[key]
                if key == "wall_ns_per_op_median" and v is not None:
                    s = m["wall_ns_per_op_samples"]
                    row.append(f"{fmt(v, 0)} [{fmt(min(s), 0)}..{fmt(max(s), 0)}]")
                else:
                    row.append(fmt(v, digits) if m else "failed")
            rows.append(row)
        out += [f"{title}:", "", table(list(sw["options"]) + benches, rows), ""]
    return "\n".join(out)


def _num(v: str):
    try:
        return float(v)
    except ValueError:
        return None


def _label(y: float) -> str:
    return f"{y:,.0f}" if y >= 100 else (f"{y:.1f}" if y >= 10 else f"{y:.2f}")


def plot_bench(doc: dict, bench: str, path: Path) -> Path:
    """One benchmark across the sweep: instructions, traps into L0 (when L0
    counts) and wall time against the first option's values: bars when the
    values are names (l0.nacl=csr), lines over a numeric axis when they are
    numbers (smp=1,2,4); one series per value of the other options."""
    from matplotlib.ticker import FuncFormatter

    first, xs, lines = _x_groups(doc)
    numeric = all(_num(x) is not None for x in xs)
    panels = [("instret_per_op", "instructions / op (exact)")]
    if any(c["summary"].get(bench, {}).get("l0_traps_per_op") is not None
           for line in lines.values() for c in line.values()):
        panels.append(("l0_traps_per_op", "traps into L0 / op (exact)"))
    panels.append(("wall", "ns / op (wall median)"))
    n = len(lines)
    width = 0.8 / n
    with figures.style():
        fig, axes = figures.subplots(len(panels), ncols=len(panels), row_height=2.6)
        for ax, (key, ylabel) in zip(axes, panels):
            for i, (name, by_x) in enumerate(lines.items()):
                ys, lo, hi = [], [], []
                for x in xs:
                    m = by_x[x]["summary"].get(bench) if x in by_x else None
                    if key == "wall":
                        s = (m or {}).get("wall_ns_per_op_samples") or []
                        med = (m or {}).get("wall_ns_per_op_median")
                        ys.append(med if med is not None else float("nan"))
                        lo.append(med - min(s) if s else 0.0)
                        hi.append(max(s) - med if s else 0.0)
                    else:
                        v = (m or {}).get(key)
                        ys.append(v if v is not None else float("nan"))
                err = [lo, hi] if key == "wall" else None
                if numeric:
                    pos = [_num(x) for x in xs]
                    ax.errorbar(pos, ys, yerr=err, marker="o", capsize=3, label=name)
                else:
                    pos = [j + (i - (n - 1) / 2) * width for j in range(len(xs))]
                    ax.bar(pos, ys, width, yerr=err, capsize=3 if err else 0, label=name)
                if key != "wall" and (n == 1 or not numeric):
                    for x, y in zip(pos, ys):
                        if y == y:  # not NaN
                            ax.annotate(_label(y), (x, y), textcoords="offset points",
                                        xytext=(0, 2), ha="center", va="bottom", fontsize=6.5)
            if numeric:
                ax.set_xticks([_num(x) for x in xs])
                ax.set_xticklabels(xs)
            else:
                ax.set_xticks(range(len(xs)))
                ax.set_xticklabels(xs, rotation=30, ha="right")
            ax.set_xlabel(first)
            ax.set_ylabel(ylabel)
            # room above the tallest bar for its label
            ax.set_ylim(0, ax.get_ylim()[1] * 1.12)
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 100 else f"{v:g}"))
        if n > 1:
            axes[0].legend(frameon=False)
        fig.suptitle(f"{bench}: {doc['sweep']['config']} over {first}", x=0.01, ha="left")
        exact = "instructions, L0 traps: " + figures.EXACT
        return figures.save(fig, path, f"revision {figures.revision_of(doc)} ({doc['created']}); "
                                       f"{exact}; {figures.WALL}")


def render_figures(doc: dict, fig_dir: Path) -> list:
    fig_dir.mkdir(parents=True, exist_ok=True)
    return [plot_bench(doc, b, fig_dir / f"sweep-{b}.png") for b in results.bench_names(doc)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m benchmarks.sweep",
                                 description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="options: " + P.__doc__.split("\n\n")[1])
    ap.add_argument("config", help="configuration name (harness/configs/<name>.toml)")
    ap.add_argument("--param", action="append", required=True, metavar="OPTION=V1,V2,...")
    ap.add_argument("--quick", action="store_true",
                    help=f"{WALL_RUNS_QUICK} wall-time runs per point instead of {WALL_RUNS_FULL}")
    ap.add_argument("--icount-runs", type=int, default=ICOUNT_RUNS)
    ap.add_argument("--wall-runs", type=int)
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="output directory (default results/)")
    add_parallel_args(ap)
    a = ap.parse_args(argv)
    wall_runs = a.wall_runs if a.wall_runs is not None else (WALL_RUNS_QUICK if a.quick else WALL_RUNS_FULL)
    if a.icount_runs < 1 or wall_runs < 0 or a.jobs < 1:
        print("error: --icount-runs and --jobs must be >= 1, --wall-runs >= 0", file=sys.stderr)
        return 2
    try:
        opts, values, points = grid(a.param)
        cfgs = [P.apply(a.config, p) for p in points]
    except (P.ParamError, config.ConfigError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    missing = cfgs[0].missing() or next((c.missing() for c in cfgs if c.missing()), [])
    if missing:
        print(f"error: config {a.config}: missing {', '.join(missing)} (build it with `make`)",
              file=sys.stderr)
        return 2
    try:
        runner.announce_qemu(sys.stdout)
        doc = results.new_document("quick" if a.quick else "full", cfgs[0].firmware)
    except (qemu.QemuError, results.ResultsError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    doc["sweep"] = {"config": a.config, "options": opts, "values": values}
    keys = [P.point_key(a.config, p) for p in points]
    print(f"sweep: {a.config} over {len(points)} point(s): " + "; ".join(P.point_label(p) for p in points),
          flush=True)
    plan = execute.plan([(k, a.config, p) for k, p in zip(keys, points)], a.icount_runs, wall_runs)
    t0 = time.monotonic()
    done = execute.run_all(plan, jobs=a.jobs, tx=a.tx)
    if done is None:
        return 1
    runs, ok = done
    for key, p, cfg in zip(keys, points, cfgs):
        entry = results.config_entry(cfg, runs[key])
        entry["label"] = P.point_label(p)
        entry["params"] = dict(p)
        # a point is compared with the other points, not with the
        # configuration's baseline (which is not in this file)
        entry["baseline"] = ""
        doc["configs"][key] = entry
        if not entry["summary"]:
            print(f"sweep: {key}: no passing icount run, no metrics", file=sys.stderr)
            ok = False
        for b, m in entry["summary"].items():
            if not m["deterministic_identical"]:
                print(f"sweep: error: {key}: the icount runs of {b} differ", file=sys.stderr)
                ok = False
    doc["ratios"] = results.ratios(doc)
    if not results.valid_for_writing(doc):
        return 1
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    jp = out / f"{results.file_stem(doc)}-sweep-{a.config}.json"
    jp.write_text(json.dumps(doc, indent=1) + "\n")
    md, pngs = report.write(doc, jp)
    print(section(doc))
    print(f"sweep: {len(plan)} runs in {time.monotonic() - t0:.0f}s")
    print(f"results: {jp}")
    print(f"report:  {md}")
    print(f"csv:     {md.with_suffix('.csv')}")
    for p in pngs:
        print(f"figure:  {p} (+ .svg)" if p.with_suffix(".svg").exists() else f"figure:  {p}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
