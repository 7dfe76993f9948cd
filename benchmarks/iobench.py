"""make iobench: disk and network throughput of Linux as L1 (issue 12,
disk/README.md), L1 on L0 with passed-through devices against Linux on
QEMU's H with the same devices.

  qemu  linux-qemu-disk   Linux in HS on QEMU's H, QEMU's PCIe bridge
  l0    linux-l0-disk     Linux as L1 on L0 (l1.pci=all, the IOMMU)

Each run boots a fresh copy of the disk with `rvnest.iobench=<MiB>`, and
disk/init.sh measures with L1's own clock (busybox `date +%s%N` around
each transfer):

  disk_write    dd of MiB MiB from /dev/zero, bs=1M, O_DIRECT, then fsync
  disk_read     dd of that file back, bs=1M, O_DIRECT (caches dropped)
  net_http_get  busybox wget of MiB MiB from disk/httpd.py (QEMU's
                guestfwd, user networking) to /dev/null

By default the runs are not under -icount: with `-icount sleep=off` the
guest clock jumps to the next timer whenever the guest idles waiting for
the device, so an I/O wait is not measured; throughput is a time figure.
`--icount` runs under -icount shift=0,sleep=off instead (then L1's
nanoseconds are its instructions plus those jumps). The figures are host
seconds on a shared machine: reported, never asserted (DESIGN.md section
6). A configuration that cannot run yet (L0 without l1.pci) is left out
with its reason in the results. Writes results/io/<stamp>.json and .md.

usage: /usr/bin/python3 -m benchmarks.iobench [--runs N] [--mib N] [--icount]
                                              [--configs qemu,l0] [--out DIR]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import results
from harness import config, diskrun, runner
from harness.config import ROOT

CONFIGS = (("qemu", "linux-qemu-disk"), ("l0", "linux-l0-disk"))
LABELS = {"qemu": "Linux on QEMU's H", "l0": "L1 on L0"}
OPS = ("disk_write", "disk_read", "net_http_get")
# the disk has 96 MiB free (disk/mkdisk.py SLACK_MIB) and disk/httpd.py
# serves at most 64 MiB
MAX_MIB = 32
L0_OPTIONS = ROOT / "l0-hyp" / "options.c"


def unavailable(name: str) -> str:
    """Why configuration `name` cannot run now ("" when it can)."""
    if name.startswith("linux-l0") and '"l1.pci"' not in L0_OPTIONS.read_text():
        return "L0 has no l1.pci option yet (l0-hyp/options.c; issue 12's L0 side)"
    missing = config.load(name).missing()
    return f"not built: {', '.join(missing)} (make)" if missing else ""


def run_one(name: str, mib: int, icount: bool, workdir: Path) -> dict:
    base = config.load(name)
    cfg = config.load(name, bootargs=f"{base.values['bootargs']} rvnest.iobench={mib}")
    disk = diskrun.copy_disk(workdir / f"{name}.ext4")
    cfg = diskrun.with_disk(cfg, disk)
    start = time.monotonic()
    res = runner.run(cfg, icount=icount)
    rec = {"config": name, "ok": res.ok, "error": res.error,
           "host_seconds": round(time.monotonic() - start, 1),
           "log": str(res.log_path), "command": res.command, "ops": {}}
    for r in diskrun.records(res):
        if r["name"] != "iobench":
            continue
        ns = int(r["ns"])
        rec["ops"][r["op"]] = {"status": r["status"], "ns": ns, "mib": int(r["mib"]),
                               "mib_s": round(int(r["mib"]) / (ns / 1e9), 3) if ns > 0 else None,
                               "line": r.line}
    missing = [op for op in OPS if rec["ops"].get(op, {}).get("status") != 0]
    if rec["ok"] and missing:
        rec["ok"], rec["error"] = False, f"no successful iobench line for {', '.join(missing)}"
    disk.unlink()
    return rec


def summarize(doc: dict) -> None:
    summary = {}
    for label, runs in doc["runs"].items():
        summary[label] = {}
        for op in OPS:
            vals = [r["ops"][op]["mib_s"] for r in runs
                    if r["ok"] and r["ops"].get(op, {}).get("mib_s") is not None]
            summary[label][op] = {"median_mib_s": statistics.median(vals) if vals else None,
                                  "runs_mib_s": vals}
    doc["summary"] = summary
    q, l0 = summary.get("qemu", {}), summary.get("l0", {})
    doc["l0_over_qemu"] = {
        op: (round(l0[op]["median_mib_s"] / q[op]["median_mib_s"], 3)
             if l0.get(op, {}).get("median_mib_s") and q.get(op, {}).get("median_mib_s") else None)
        for op in OPS}


def markdown(doc: dict) -> str:
    git = doc["provenance"]["git"]
    clock = "-icount shift=0,sleep=off" if doc["icount"] else "no -icount (host time)"
    lines = [f"# L1 disk and network throughput ({git['short'] + ('-dirty' if git['dirty'] else '')})",
             "",
             f"{doc['mib']} MiB per transfer, measured in L1 with its clock ({clock}); "
             f"median MiB/s of {doc['runs_per_config']} run(s) per configuration. "
             "Host time on a shared machine: reported, never asserted.", "",
             f"| operation | {LABELS['qemu']} MiB/s | {LABELS['l0']} MiB/s | L0 / QEMU |",
             "| --- | --- | --- | --- |"]

    def f(x):
        return "n/a" if x is None else f"{x:.2f}"
    for op in OPS:
        q = doc["summary"].get("qemu", {}).get(op, {}).get("median_mib_s")
        l0 = doc["summary"].get("l0", {}).get(op, {}).get("median_mib_s")
        lines.append(f"| {op} | {f(q)} | {f(l0)} | {f(doc['l0_over_qemu'][op])} |")
    if doc["not_run"]:
        lines += ["", "Not run: " + "; ".join(f"{LABELS[k]} ({v})" for k, v in doc["not_run"].items())]
    lines += ["", "## Runs", "", "| configuration | run | ok | " + " | ".join(OPS) + " | host s | error |",
              "| --- | --- | --- | " + " | ".join("---" for _ in OPS) + " | --- | --- |"]
    for label, runs in doc["runs"].items():
        for i, r in enumerate(runs):
            cells = [f(r["ops"].get(op, {}).get("mib_s")) for op in OPS]
            lines.append(f"| {label} ({r['config']}) | {i + 1} | {r['ok']} | " + " | ".join(cells)
                         + f" | {r['host_seconds']} | {r['error'] or ''} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="L1 disk and network throughput (issue 12)")
    ap.add_argument("--runs", type=int, default=3, help="runs per configuration (default 3)")
    ap.add_argument("--mib", type=int, default=16, help=f"MiB per transfer, 1..{MAX_MIB} (default 16)")
    ap.add_argument("--icount", action="store_true", help="run under -icount shift=0,sleep=off")
    ap.add_argument("--configs", default=",".join(k for k, _ in CONFIGS),
                    help="a comma-separated subset of " + ",".join(k for k, _ in CONFIGS))
    ap.add_argument("--out", default=str(ROOT / "results" / "io"))
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if not 1 <= args.mib <= MAX_MIB:
        ap.error(f"--mib must be 1..{MAX_MIB} (the disk's free space and httpd's limit)")
    known = dict(CONFIGS)
    chosen = [c for c in args.configs.split(",") if c]
    bad = [c for c in chosen if c not in known]
    if bad or not chosen:
        ap.error(f"unknown configuration label(s) {','.join(bad) or '(none given)'}; "
                 f"known: {','.join(known)}")
    not_run = {k: why for k in chosen if (why := unavailable(known[k]))}
    if len(not_run) == len(chosen):
        for k, why in not_run.items():
            print(f"iobench: error: {known[k]}: {why}", file=sys.stderr)
        return 2
    doc = {"kind": "iobench", "provenance": results.provenance(config.load(known[chosen[0]]).firmware),
           "mib": args.mib, "icount": args.icount, "runs_per_config": args.runs,
           "configs": {k: config.load(known[k]).as_dict() for k in chosen if k not in not_run},
           "not_run": not_run, "runs": {}}
    failed = 0
    with tempfile.TemporaryDirectory(prefix="rvnest-iobench-") as work:
        for k in chosen:
            if k in not_run:
                print(f"iobench: skipping {known[k]}: {not_run[k]}", flush=True)
                continue
            for i in range(args.runs):
                print(f"iobench: {known[k]} run {i + 1}/{args.runs}, {args.mib} MiB", flush=True)
                r = run_one(known[k], args.mib, args.icount, Path(work))
                print("iobench:   ok={} {} host_s={} {}".format(
                    r["ok"], " ".join(f"{op}={v['mib_s']}MiB/s" for op, v in r["ops"].items()),
                    r["host_seconds"], r["error"]), flush=True)
                failed += not r["ok"]
                doc["runs"].setdefault(k, []).append(r)
    summarize(doc)
    base = results.write_report(doc, args.out, markdown(doc))
    print(markdown(doc))
    print(f"iobench: wrote {base}.json and .md")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
