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

from . import report, results

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


def select(names, out=sys.stdout):
    """(configs to run, {skipped name: reason})."""
    skipped = {}
    chosen = []
    try:
        cfgs = [config.load(n) for n in names] if names else [c for c in config.load_all() if c.bench.matrix]
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m benchmarks.run", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help=f"{WALL_RUNS_QUICK} wall-time runs instead of {WALL_RUNS_FULL} (make run)")
    ap.add_argument("--configs", help="comma-separated configuration names (default: the matrix)")
    ap.add_argument("--icount-runs", type=int, default=ICOUNT_RUNS)
    ap.add_argument("--wall-runs", type=int)
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="output directory (default results/)")
    a = ap.parse_args(argv)
    if a.icount_runs < 1:
        print("error: --icount-runs must be >= 1", file=sys.stderr)
        return 2
    wall_runs = a.wall_runs if a.wall_runs is not None else (WALL_RUNS_QUICK if a.quick else WALL_RUNS_FULL)
    if wall_runs < 0:
        print("error: --wall-runs must be >= 0", file=sys.stderr)
        return 2

    try:
        runner.announce_qemu(sys.stdout)
    except qemu.QemuError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    names = [n for n in a.configs.split(",") if n] if a.configs else None
    cfgs, skipped = select(names)
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
    plan = [(c, kind, i) for c in cfgs
            for kind, n in (("icount", a.icount_runs), ("wall", wall_runs))
            for i in range(1, n + 1)]
    runs = {c.name: [] for c in cfgs}
    ok = True
    t0 = time.monotonic()
    for k, (c, kind, i) in enumerate(plan, 1):
        total = a.icount_runs if kind == "icount" else wall_runs
        res = runner.run(c, icount=(kind == "icount"), announce=False)
        rec = results.run_record(res, kind, i)
        runs[c.name].append(rec)
        state = "passed" if res.ok else f"FAILED: {res.error}"
        print(f"bench: [{k}/{len(plan)}] {c.name} {kind} {i}/{total}: {state} "
              f"({res.duration:.1f}s, log {res.log_path})", flush=True)
        ok &= res.ok
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
    try:
        results.validate(doc)
    except results.ResultsError as e:
        # a bug in the runner, not in the guest: never write such a file
        print(f"error: results do not follow benchmarks/schema.json: {e}", file=sys.stderr)
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
    for p in pngs:
        print(f"figure:  {p}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
