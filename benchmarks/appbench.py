"""make appbench: application benchmarks after NEVE (SOSP 2017) Table 4
(issue 13, app/README.md). A first part: hackbench in three modes.

Each workload runs in three configurations, all on the same Linux Image,
initramfs and hackbench arguments:

  native  app-native    hackbench in L1 on QEMU (no L2)
  vm      app-kvm-qemu  in L2 under Debian's QEMU/KVM, L1 on QEMU's H
  nested  app-kvm-l0    the same with L0 below L1

Every run is under `-icount shift=0,sleep=off` (DESIGN.md section 6): the
guest's clock advances one nanosecond per instruction, so hackbench's own
`Time:` is an instruction count of the machine while it ran, repeatable run
to run; its ratio to native is the overhead (NEVE's "normalized to
native"). The host seconds a run took are reported too, never compared.
For the nested configuration L0's l0stats of the whole run (boot and
workload: L0 has no window around a workload in L2's user space) gives its
traps by cause. Writes results/app/<stamp>.json and .md, and the figures
results/app/<stamp>/overhead.png and l0-causes.png.

usage: /usr/bin/python3 -m benchmarks.appbench [--runs N] [--out DIR]
                                               [--workloads a,b]
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from benchmarks import results
from harness import config, runner
from harness.config import ROOT

CONFIGS = (("native", "app-native"), ("vm", "app-kvm-qemu"), ("nested", "app-kvm-l0"))
# workload -> (the rvnest.app= of app/l1-init.sh and l2-init.sh, its
# arguments, ',' for ' '). hackbench: 2 groups of 10 senders and 10
# receivers, 100 messages each, as processes over UNIX sockets; -pipe: over
# pipes; -thread: as threads (futex wake-ups instead of process switches).
# Sized so the whole set fits in make appbench's budget (app/README.md has
# the measured costs).
HACKBENCH = "-g,2,-f,10,-l,100"
WORKLOADS = {
    "hackbench": ("hackbench", HACKBENCH),
    "hackbench-pipe": ("hackbench", "-p," + HACKBENCH),
    "hackbench-thread": ("hackbench", "-T," + HACKBENCH),
}


def run_one(name: str, app: str, args: str) -> dict:
    base = config.load(name)
    bootargs = f"{base.values['bootargs']} rvnest.app={app} rvnest.hackbench={args}"
    cfg = config.load(name, bootargs=bootargs)
    start = time.monotonic()
    res = runner.run(cfg, icount=True)
    rec = {"config": name, "ok": res.ok, "error": res.error,
           "host_seconds": round(time.monotonic() - start, 1),
           "log": str(res.log_path), "command": res.command}
    if res.protocol is None:
        return rec
    apps = [r for r in res.protocol.records if r.kind == "app" and r.get("name") == app]
    if apps:
        t = apps[-1].get("time_s", "none")
        rec["guest_seconds"] = None if t == "none" else float(t)
        rec["app_line"] = apps[-1].line
    st = res.protocol.l0stats
    if st is not None:
        rec["l0"] = {"traps": st["traps"], "causes": st.get("causes", {}),
                     "l2_exits": st.get("l2_exits"),
                     "l2_forwarded": int(st.get("l2_forwarded", 0)),
                     "l2_causes": st.get("l2_causes")}
    return rec


def summarize(doc: dict) -> None:
    for w, by_cfg in doc["workloads"].items():
        med = {}
        for label, runs in by_cfg["runs"].items():
            vals = [r["guest_seconds"] for r in runs if r.get("ok") and r.get("guest_seconds") is not None]
            med[label] = statistics.median(vals) if vals else None
        by_cfg["median_guest_seconds"] = med
        native = med.get("native")
        by_cfg["normalized_to_native"] = {
            k: (round(v / native, 3) if v is not None and native else None) for k, v in med.items()}


def markdown(doc: dict) -> str:
    git = doc["provenance"]["git"]
    lines = [f"# Application benchmarks ({git['short'] + ('-dirty' if git['dirty'] else '')})", "",
             "Overhead normalized to native, after NEVE (SOSP 2017) Table 4: the median of "
             "hackbench's own time under -icount shift=0 (one guest nanosecond per "
             "instruction), so the ratios count instructions, not host time.", "",
             "| workload | native | VM (single level) | nested VM | native guest s | VM guest s | nested guest s |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for w, d in doc["workloads"].items():
        n, m = d["normalized_to_native"], d["median_guest_seconds"]

        def f(x):
            return "n/a" if x is None else f"{x:.2f}"
        lines.append(f"| {w} ({d['args']}) | {f(n.get('native'))} | {f(n.get('vm'))} | "
                     f"{f(n.get('nested'))} | {f(m.get('native'))} | {f(m.get('vm'))} | "
                     f"{f(m.get('nested'))} |")
    lines += ["", "## L0's traps in the nested runs (whole run: boot and workload)", "",
              "| workload | run | traps | L2 exits | forwarded to L1 | host s | by cause |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for w, d in doc["workloads"].items():
        for i, r in enumerate(d["runs"].get("nested", [])):
            l0 = r.get("l0")
            if not l0:
                continue
            causes = ", ".join(f"{k} {v}" for k, v in sorted(l0["causes"].items(), key=lambda kv: -kv[1]))
            lines.append(f"| {w} | {i + 1} | {l0['traps']} | {l0['l2_exits']} | "
                         f"{l0['l2_forwarded']} | {r['host_seconds']} | {causes} |")
    lines += ["", "## Runs", "", "| workload | configuration | ok | guest s | host s | error |",
              "| --- | --- | --- | --- | --- | --- |"]
    for w, d in doc["workloads"].items():
        for label, runs in d["runs"].items():
            for r in runs:
                lines.append(f"| {w} | {label} ({r['config']}) | {r['ok']} | "
                             f"{r.get('guest_seconds')} | {r['host_seconds']} | {r['error'] or ''} |")
    lines += ["", "Debian packages: see `debian_manifest` in the JSON file."]
    return "\n".join(lines) + "\n"


LABELS = {"native": "native", "vm": "VM (single level)", "nested": "nested VM"}


def figures(doc: dict, out_dir: Path) -> list:
    """overhead.png: each workload's time normalized to native per
    configuration; l0-causes.png: L0's traps by cause in the nested runs
    (median over runs). Returns the paths written."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    ws = list(doc["workloads"])
    fig, ax = plt.subplots(figsize=(6, 3.5))
    width = 0.8 / len(CONFIGS)
    for i, (label, _) in enumerate(CONFIGS):
        ys = [doc["workloads"][w]["normalized_to_native"].get(label) or 0 for w in ws]
        ax.bar([x + i * width for x in range(len(ws))], ys, width, label=LABELS[label])
    ax.set_xticks([x + width for x in range(len(ws))], ws)
    ax.axhline(1.0, color="gray", linewidth=0.8)
    ax.set_ylabel("time normalized to native (icount)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    written.append(out_dir / "overhead.png")
    fig.savefig(written[-1], dpi=100)
    plt.close(fig)
    causes = {}
    for w in ws:
        for r in doc["workloads"][w]["runs"].get("nested", []):
            for c, n in (r.get("l0") or {}).get("causes", {}).items():
                causes.setdefault((w, c), []).append(n)
    if causes:
        fig, ax = plt.subplots(figsize=(7, 3.5))
        items = sorted(((f"{c} ({w})", statistics.median(v)) for (w, c), v in causes.items()),
                       key=lambda kv: kv[1])
        ax.barh([k for k, _ in items], [v for _, v in items])
        ax.set_xlabel("traps into L0 over the nested run (median)")
        fig.tight_layout()
        written.append(out_dir / "l0-causes.png")
        fig.savefig(written[-1], dpi=100)
        plt.close(fig)
    return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="application benchmarks (NEVE Table 4 shape)")
    ap.add_argument("--runs", type=int, default=3, help="runs per configuration (default 3)")
    ap.add_argument("--out", default=str(ROOT / "results" / "app"))
    ap.add_argument("--workloads", default=",".join(WORKLOADS),
                    help=f"a comma-separated subset of {','.join(WORKLOADS)}")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    chosen = [w for w in args.workloads.split(",") if w]
    unknown = [w for w in chosen if w not in WORKLOADS]
    if unknown or not chosen:
        ap.error(f"unknown workload(s) {','.join(unknown) or '(none given)'}; "
                 f"known: {','.join(WORKLOADS)}")
    first = config.load(CONFIGS[0][1])
    missing = sorted({p for _, n in CONFIGS for p in config.load(n).missing()})
    if missing:
        print(f"appbench: error: not built: {', '.join(missing)} (make deps && make app)",
              file=sys.stderr)
        return 2
    doc = {"kind": "appbench", "provenance": results.provenance(first.firmware),
           "configs": {label: config.load(n).as_dict() for label, n in CONFIGS},
           "debian_manifest": (config.build_dir() / "app" / "manifest.tsv").read_text().splitlines(),
           "workloads": {}}
    failed = 0
    for w in chosen:
        app, app_args = WORKLOADS[w]
        entry = {"app": app, "args": app_args, "runs": {}}
        for label, name in CONFIGS:
            for i in range(args.runs):
                print(f"appbench: {w} on {name} ({label}), run {i + 1}/{args.runs}", flush=True)
                r = run_one(name, app, app_args)
                print(f"appbench:   ok={r['ok']} guest_s={r.get('guest_seconds')} "
                      f"host_s={r['host_seconds']} {r['error']}", flush=True)
                failed += not r["ok"]
                entry["runs"].setdefault(label, []).append(r)
        doc["workloads"][w] = entry
    summarize(doc)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    git = doc["provenance"]["git"]
    stem = time.strftime("%Y%m%d-%H%M%S") + f"-{git['short']}" + ("-dirty" if git["dirty"] else "")
    (out / f"{stem}.json").write_text(json.dumps(doc, indent=1) + "\n")
    (out / f"{stem}.md").write_text(markdown(doc))
    pngs = figures(doc, out / stem)
    print(markdown(doc))
    print(f"appbench: wrote {out / stem}.json, .md and {', '.join(str(p) for p in pngs)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
