"""Run the benchmark matrix and write results, report and plots.

    /usr/bin/python3 -m benchmarks.run [--quick] [--configs a,b] [--out DIR]

Configurations: those with `[bench] matrix = true` (harness/configs/), or
the ones named by --configs. Each gets icount runs (the deterministic
metrics; two, so their equality is checked) and repeated runs without
icount (wall time; medians are reported, never asserted). Exit status 0 when
every run passed and the icount runs agreed; otherwise 1 (the files are
still written, with the failures in them)."""

import argparse
import sys
import time
from pathlib import Path

from harness import config, qemu, runner

from . import execute, report, results

ICOUNT_RUNS = 2
WALL_RUNS_FULL = 11
WALL_RUNS_QUICK = 3
DEFAULT_OUT = config.ROOT / "results"


def matrix_order(cfgs):
    """Each configuration right after the baseline it is compared with, so
    tables read single, nested, ... rather than alphabetically."""
    names = {c.name for c in cfgs}

    def family_size(c, seen=()):
        kids = [d for d in cfgs if d.bench.baseline == c.name and d is not c and d not in seen]
        return 1 + sum(family_size(d, seen + (c,)) for d in kids)

    # The baseline compared with the most configurations leads (single,
    # with nested and nested-nacl), then smaller families, by name.
    roots = sorted((c for c in cfgs if c.bench.baseline not in names),
                   key=lambda c: (-family_size(c), c.name))
    out = []

    def visit(c):
        out.append(c)
        for d in sorted((d for d in cfgs if d.bench.baseline == c.name and d is not c),
                        key=lambda d: d.name):
            visit(d)

    for r in roots:
        visit(r)
    # configurations whose baselines form a cycle have no root: keep them
    return out + sorted((c for c in cfgs if c not in out), key=lambda c: c.name)


def select(names, out=sys.stdout, quick=False):
    """(configs to run, {skipped name: reason}). With quick and no names,
    the matrix less its `[bench] quick = false` rows."""
    skipped = {}
    chosen = []
    try:
        cfgs = [config.load(n) for n in names] if names else [
            c for c in config.load_all() if c.bench.matrix and (c.bench.quick or not quick)]
    except config.ConfigError as e:
        raise SystemExit(f"error: {e}")
    for c in matrix_order(cfgs):
        missing = c.missing()
        if missing:
            skipped[c.name] = "missing " + ", ".join(missing)
            print(f"bench: skip {c.name}: {skipped[c.name]}", file=out, flush=True)
        else:
            chosen.append(c)
    return chosen, skipped


def add_parallel_args(ap):
    ap.add_argument("--jobs", "-j", type=int, default=1,
                    help="icount runs in parallel on this many local pytest-xdist workers "
                         "(wall runs stay serial); make bench J=<n>")
    ap.add_argument("--tx", action="append", metavar="SPEC",
                    help="pytest-xdist worker spec, repeatable (e.g. popen, 2*popen, "
                         "ssh=host//python=/usr/bin/python3//chdir=<checkout>); overrides --jobs")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m benchmarks.run", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help=f"{WALL_RUNS_QUICK} wall-time runs instead of {WALL_RUNS_FULL}, and without the "
                         "matrix rows marked [bench] quick = false (make run)")
    ap.add_argument("--configs", help="comma-separated configuration names (default: the matrix)")
    ap.add_argument("--icount-runs", type=int, default=ICOUNT_RUNS)
    ap.add_argument("--wall-runs", type=int)
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="output directory (default results/)")
    add_parallel_args(ap)
    a = ap.parse_args(argv)
    if a.icount_runs < 1:
        print("error: --icount-runs must be >= 1", file=sys.stderr)
        return 2
    wall_runs = a.wall_runs if a.wall_runs is not None else (WALL_RUNS_QUICK if a.quick else WALL_RUNS_FULL)
    if wall_runs < 0:
        print("error: --wall-runs must be >= 0", file=sys.stderr)
        return 2
    if a.jobs < 1:
        print("error: --jobs must be >= 1", file=sys.stderr)
        return 2

    try:
        runner.announce_qemu(sys.stdout)
    except qemu.QemuError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    names = [n for n in a.configs.split(",") if n] if a.configs else None
    cfgs, skipped = select(names, quick=a.quick)
    if not cfgs:
        why = "; ".join(f"{n}: {r}" for n, r in skipped.items()) or "no configuration has [bench] matrix = true"
        print(f"error: no benchmark configuration can run ({why})", file=sys.stderr)
        return 1

    try:
        doc = results.new_document("quick" if a.quick else "full", cfgs[0].firmware)
    except results.ResultsError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    doc["skipped"] = skipped
    plan = execute.plan([(c.name, c.name, {}) for c in cfgs], a.icount_runs, wall_runs)
    t0 = time.monotonic()
    done = execute.run_all(plan, jobs=a.jobs, tx=a.tx)
    if done is None:
        return 1
    runs, ok = done
    for c in cfgs:
        doc["configs"][c.name] = results.config_entry(c, runs[c.name])
        if not doc["configs"][c.name]["summary"]:
            print(f"bench: {c.name}: no passing icount run, no metrics", file=sys.stderr)
            ok = False
        summary = doc["configs"][c.name]["summary"]
        blind = sorted(b for b, m in summary.items() if m["instret_per_op"] is None)
        if blind:
            print(f"bench: note: {c.name}: instret read 0 in {', '.join(blind)}: the counter is "
                  f"not readable at that level; no instructions per operation", file=sys.stderr)
        for b, m in summary.items():
            if not m["deterministic_identical"]:
                print(f"bench: error: {c.name}: the {m['icount_runs']} icount runs of {b} differ "
                      f"in deterministic metrics", file=sys.stderr)
                ok = False
    doc["ratios"] = results.ratios(doc)
    if not results.valid_for_writing(doc):
        return 1
    out = Path(a.out)
    jp = results.save(doc, out)
    md, pngs = report.write(doc, jp)
    print()
    print(report.table1(doc))
    print()
    print(report.table7(doc))
    print()
    levels = report.levels_table(doc)
    if not levels.startswith("No configuration"):
        # recursive configurations: traps into each L0 per operation
        print(levels)
        print()
    print(f"bench: {len(plan)} runs in {time.monotonic() - t0:.0f}s")
    print(f"results: {jp}")
    print(f"report:  {md}")
    print(f"csv:     {md.with_suffix('.csv')}")
    for p in pngs:
        print(f"figure:  {p}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
