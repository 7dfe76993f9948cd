"""make appbench: application benchmarks after NEVE (SOSP 2017) Table 4
(issue 13, app/README.md): hackbench (sockets, pipes, threads), sysbench
(cpu, memory, threads, fileio), stress-ng (get, switch, fault, timer),
memcached with memcaslap over the L1-L2 network, and a build (Debian's QBE
compiling a generated project), defined once in app/workloads.sh.

Each run is one boot per configuration that runs every chosen workload in
turn, all on the same Linux Image, initramfs and sizes:

  native  app-native    the workloads in L1 on QEMU (no L2)
  vm      app-kvm-qemu  in L2 under Debian's QEMU/KVM, L1 on QEMU's H
  nested  app-kvm-l0    the same with L0 below L1

Every run is under `-icount shift=0,sleep=off` (DESIGN.md section 6): the
guest clock advances one nanosecond per instruction, so a workload's time
between its marks (`time_s=`) counts the machine's instructions while it
ran (plus idle time, which icount skips at once); its ratio to native is
the overhead (NEVE's "normalized to native"). memcached's figure is its
throughput (memcaslap's operations per second): its ratio is native's
throughput over the configuration's, so that above 1 is slower for every
row. In the nested runs L0 counts its traps inside each workload's window
(`RVNEST l0win`, l0-hyp/appwin.h): traps per second of guest time, by
cause. The host seconds a run took are reported, never compared. Writes
results/app/<stamp>.json and .md, and the figures
results/app/<stamp>/overhead.png, l0-traps-per-s.png.

usage: /usr/bin/python3 -m benchmarks.appbench [--runs N] [--out DIR]
                                   [--workloads a,b] [--size full|tiny]
"""

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

from benchmarks import results
from harness import config, runner
from harness.config import ROOT

CONFIGS = (("native", "app-native"), ("vm", "app-kvm-qemu"), ("nested", "app-kvm-l0"))
LABELS = {"native": "native", "vm": "VM (single level)", "nested": "nested VM"}
WORKLOADS_SH = ROOT / "app" / "workloads.sh"
# throughput workloads: the figure in their app line, higher is better
THROUGHPUT = {"memcached": "tps"}
# the Debian packages whose versions the report names
PACKAGES = ("qemu-system-riscv", "rt-tests", "sysbench", "stress-ng", "memcached",
            "libmemcached-tools", "qbe", "busybox-static", "libc6")
# a nested boot of the full set takes about 4 minutes here; a boot that
# does not end in this long is a hang
TIMEOUT_S = 1500


def workloads() -> list:
    """The workloads in app/workloads.sh's order (its WL_ALL)."""
    m = re.search(r'^WL_ALL="([^"]+)"', WORKLOADS_SH.read_text(), re.M)
    if not m:
        raise SystemExit(f"appbench: no WL_ALL in {WORKLOADS_SH}")
    return m.group(1).split()


def parse_run(res, chosen: list) -> dict:
    """{workload: {guest_seconds, tps, ok, l0win}} of one boot."""
    out = {}
    if res.protocol is None:
        return out
    for r in res.protocol.records:
        if r.kind == "app" and r.get("name") in chosen:
            t = r.get("time_s", "none")
            w = out.setdefault(r["name"], {})
            w["ok"] = r.get("status") == 0
            w["guest_seconds"] = None if t == "none" else float(t)
            for key in THROUGHPUT.values():
                if key in r.fields:
                    w[key] = None if r[key] == "none" else float(r[key])
            w["line"] = r.line
        elif r.kind == "l0win" and r.get("name") in chosen:
            out.setdefault(r["name"], {})["l0win"] = l0win(r)
    return out


def counts(value) -> dict:
    """A causes= field: the protocol parser's dict, or "name:n,name:n"."""
    if isinstance(value, dict):
        return {k: int(v) for k, v in value.items()}
    if not value:
        return {}
    return {k: int(v) for k, v in (p.split(":") for p in value.split(",") if p)}


def l0win(r) -> dict:
    secs = int(r["ticks"]) / int(r["timebase"])
    return {"traps": int(r["traps"]), "seconds": secs,
            "causes": counts(r.get("causes", "")),
            "l2_exits": int(r["l2_exits"]), "l2_forwarded": int(r["l2_forwarded"]),
            "l2_shadow_fills": int(r["l2_shadow_fills"]),
            "l2_causes": counts(r.get("l2_causes", ""))}


def run_one(name: str, chosen: list, size: str) -> dict:
    base = config.load(name)
    bootargs = f"{base.values['bootargs']} rvnest.app={','.join(chosen)} rvnest.size={size}"
    cfg = config.load(name, bootargs=bootargs)
    start = time.monotonic()
    res = runner.run(cfg, icount=True, timeout=max(cfg.timeout, TIMEOUT_S))
    rec = {"config": name, "ok": res.ok, "error": res.error,
           "host_seconds": round(time.monotonic() - start, 1),
           "log": str(res.log_path), "command": res.command,
           "workloads": parse_run(res, chosen)}
    # the run passes when every workload printed a passing line
    for w in chosen:
        if not rec["workloads"].get(w, {}).get("ok"):
            rec["ok"] = False
            rec["error"] = rec["error"] or f"{w}: no passing app line"
    return rec


def per_second(win: dict) -> dict:
    s = win["seconds"]
    return {"traps": win["traps"] / s, "l2_exits": win["l2_exits"] / s,
            "l2_forwarded": win["l2_forwarded"] / s,
            "causes": {c: n / s for c, n in win["causes"].items()}}


def summarize(doc: dict) -> None:
    """Per workload: the median figure of the passing runs per
    configuration, normalized to native, and L0's traps per second (median
    over the nested runs)."""
    for w, d in doc["workloads"].items():
        key = THROUGHPUT.get(w)
        d["metric"] = key or "guest_seconds"
        med = {}
        for label, runs in d["runs"].items():
            vals = [r[d["metric"]] for r in runs if r.get("ok") and r.get(d["metric"]) is not None]
            med[label] = statistics.median(vals) if vals else None
        d["median"] = med
        native = med.get("native")

        def ratio(v):
            if v is None or not native:
                return None
            # time: v / native; throughput: native / v (above 1: slower)
            return round(native / v if key else v / native, 3) if v else None
        d["normalized_to_native"] = {k: ratio(v) for k, v in med.items()}
        wins = [r["l0win"] for r in d["runs"].get("nested", []) if r.get("ok") and r.get("l0win")]
        if wins:
            ps = [per_second(x) for x in wins]
            causes = sorted({c for p in ps for c in p["causes"]})
            d["l0_per_second"] = {
                "runs": len(ps),
                "traps": statistics.median(p["traps"] for p in ps),
                "l2_exits": statistics.median(p["l2_exits"] for p in ps),
                "l2_forwarded": statistics.median(p["l2_forwarded"] for p in ps),
                "causes": {c: statistics.median(p["causes"].get(c, 0.0) for p in ps)
                           for c in causes},
                "window_seconds": statistics.median(x["seconds"] for x in wins),
                "traps_in_window": statistics.median(x["traps"] for x in wins)}


def _f(x, fmt="{:.2f}"):
    return "n/a" if x is None else fmt.format(x)


def markdown(doc: dict) -> str:
    prov = doc["provenance"]
    git = prov["git"]
    rev = git["short"] + ("-dirty" if git["dirty"] else "")
    pk = doc.get("packages", {})
    lines = [f"# Application benchmarks ({rev})", "",
             f"Revision {rev}, {doc.get('date', '')}; host {prov.get('qemu', 'QEMU ?')}, "
             f"OpenSBI {prov.get('opensbi', '?')}; size `{doc.get('size', '?')}`, "
             f"{doc.get('runs', '?')} run(s) per configuration; Debian riscv64 (trixie): "
             + ", ".join(f"{p} {v}" for p, v in pk.items()) + ".", "",
             "Overhead normalized to native, after NEVE (SOSP 2017) Table 4: the median of "
             "each workload's guest time between its marks under -icount shift=0 (one guest "
             "nanosecond per instruction), so the ratios count instructions, not host time; "
             "memcached: native's throughput over the configuration's (memcaslap's "
             "operations per second). Above 1 is slower.", "",
             "| workload | native | VM (single level) | nested VM | nested / VM | "
             "native | VM | nested |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for w, d in doc["workloads"].items():
        n, m = d["normalized_to_native"], d["median"]
        unit = "ops/s" if d["metric"] != "guest_seconds" else "s"
        fmt = "{:.0f} " + unit if unit == "ops/s" else "{:.3f} s"
        nv = (None if n.get("nested") is None or not n.get("vm")
              else n["nested"] / n["vm"])
        lines.append(f"| {w} | {_f(n.get('native'))} | {_f(n.get('vm'))} | {_f(n.get('nested'))} | "
                     f"{_f(nv)} | {_f(m.get('native'), fmt)} | {_f(m.get('vm'), fmt)} | "
                     f"{_f(m.get('nested'), fmt)} |")
    lines += ["", "## L0's traps per second in each workload's window (nested VM)", "",
              "Traps into L0 between the workload's begin and end marks (l0-hyp/appwin.h), "
              "divided by the window's guest seconds (timebase ticks); median over runs.", "",
              "| workload | window s | traps | traps/s | L2 exits/s | forwarded to L1/s | "
              "by cause (/s) |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for w, d in doc["workloads"].items():
        p = d.get("l0_per_second")
        if not p:
            lines.append(f"| {w} | n/a | n/a | n/a | n/a | n/a | |")
            continue
        causes = ", ".join(f"{c} {v:.0f}" for c, v in
                           sorted(p["causes"].items(), key=lambda kv: -kv[1]) if v > 0)
        lines.append(f"| {w} | {p['window_seconds']:.3f} | {p['traps_in_window']:.0f} | "
                     f"{p['traps']:.0f} | {p['l2_exits']:.0f} | {p['l2_forwarded']:.0f} | "
                     f"{causes} |")
    lines += ["", "## Runs", "", "| run | configuration | ok | host s | error |",
              "| --- | --- | --- | --- | --- |"]
    for label, runs in doc.get("boots", {}).items():
        for i, r in enumerate(runs):
            lines.append(f"| {i + 1} | {label} ({r['config']}) | {r['ok']} | "
                         f"{r['host_seconds']} | {r['error'] or ''} |")
    lines += ["", "Every Debian package with its version and .deb SHA-256: `debian_manifest` "
              "in the JSON file."]
    return "\n".join(lines) + "\n"


def figures(doc: dict, out_dir: Path) -> list:
    """overhead.png: each workload's figure normalized to native per
    configuration; l0-traps-per-s.png: L0's traps per second by cause in
    each workload's window (nested). Returns the paths written."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    ws = list(doc["workloads"])
    fig, ax = plt.subplots(figsize=(max(6, 0.7 * len(ws)), 3.8))
    width = 0.8 / len(CONFIGS)
    for i, (label, _) in enumerate(CONFIGS):
        ys = [doc["workloads"][w]["normalized_to_native"].get(label) or 0 for w in ws]
        ax.bar([x + i * width for x in range(len(ws))], ys, width, label=LABELS[label])
    ax.set_xticks([x + width for x in range(len(ws))], ws, rotation=45, ha="right", fontsize=8)
    ax.axhline(1.0, color="gray", linewidth=0.8)
    ax.set_ylabel("normalized to native (icount)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    written.append(out_dir / "overhead.png")
    fig.savefig(written[-1], dpi=100)
    plt.close(fig)
    have = [w for w in ws if doc["workloads"][w].get("l0_per_second")]
    if have:
        causes = sorted({c for w in have for c in doc["workloads"][w]["l0_per_second"]["causes"]})
        fig, ax = plt.subplots(figsize=(max(6, 0.7 * len(have)), 3.8))
        bottom = [0.0] * len(have)
        for c in causes:
            ys = [doc["workloads"][w]["l0_per_second"]["causes"].get(c, 0.0) for w in have]
            ax.bar(range(len(have)), ys, 0.6, bottom=bottom, label=c)
            bottom = [b + y for b, y in zip(bottom, ys)]
        ax.set_xticks(range(len(have)), have, rotation=45, ha="right", fontsize=8)
        ax.set_ylabel("traps into L0 per guest second")
        ax.legend(fontsize=6, ncol=2)
        fig.tight_layout()
        written.append(out_dir / "l0-traps-per-s.png")
        fig.savefig(written[-1], dpi=100)
        plt.close(fig)
    return written


def packages(manifest_lines: list) -> dict:
    rows = dict(l.split("\t")[:2] for l in manifest_lines if "\t" in l)
    return {p: rows[p] for p in PACKAGES if p in rows}


def main(argv=None) -> int:
    known = workloads()
    ap = argparse.ArgumentParser(description="application benchmarks (NEVE Table 4 shape)")
    ap.add_argument("--runs", type=int, default=3, help="runs per configuration (default 3)")
    ap.add_argument("--out", default=str(ROOT / "results" / "app"))
    ap.add_argument("--workloads", default=",".join(known),
                    help=f"a comma-separated subset of {','.join(known)}")
    ap.add_argument("--size", default="full", choices=("full", "tiny"))
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    chosen = [w for w in args.workloads.split(",") if w]
    unknown = [w for w in chosen if w not in known]
    if unknown or not chosen:
        ap.error(f"unknown workload(s) {','.join(unknown) or '(none given)'}; "
                 f"known: {','.join(known)}")
    first = config.load(CONFIGS[0][1])
    missing = sorted({p for _, n in CONFIGS for p in config.load(n).missing()})
    if missing:
        print(f"appbench: error: not built: {', '.join(missing)} (make deps && make app)",
              file=sys.stderr)
        return 2
    manifest = (config.build_dir() / "app" / "manifest.tsv").read_text().splitlines()
    doc = {"kind": "appbench", "provenance": results.provenance(first.firmware),
           "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "size": args.size, "runs": args.runs, "packages": packages(manifest),
           "configs": {label: config.load(n).as_dict() for label, n in CONFIGS},
           "debian_manifest": manifest, "boots": {},
           "workloads": {w: {"runs": {}} for w in chosen}}
    failed = 0
    for i in range(args.runs):
        for label, name in CONFIGS:
            print(f"appbench: {name} ({label}), run {i + 1}/{args.runs}: {','.join(chosen)}",
                  flush=True)
            r = run_one(name, chosen, args.size)
            print(f"appbench:   ok={r['ok']} host_s={r['host_seconds']} {r['error']}", flush=True)
            failed += not r["ok"]
            doc["boots"].setdefault(label, []).append(
                {k: r[k] for k in ("config", "ok", "error", "host_seconds", "log", "command")})
            for w in chosen:
                rec = dict(r["workloads"].get(w, {"ok": False}), config=name,
                           host_seconds=r["host_seconds"])
                doc["workloads"][w]["runs"].setdefault(label, []).append(rec)
    summarize(doc)
    base = results.write_report(doc, args.out, markdown(doc))
    pngs = figures(doc, base)
    print(markdown(doc))
    print(f"appbench: wrote {base}.json, .md and {', '.join(str(p) for p in pngs)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
