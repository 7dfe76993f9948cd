"""Markdown report and plots from a results file.

    /usr/bin/python3 -m benchmarks.report results/<stem>.json [--out DIR]

regenerates <stem>.md and <stem>/*.png from the JSON alone, so every figure
can be reproduced from its results file."""

import argparse
import math
import sys
from pathlib import Path

from . import frame, plots, results

# NEVE (Lim et al., SOSP 2017), Table 7: traps into the host hypervisor for
# one nested hypercall; DESIGN §6 gives the floor of 2 (the exit and L1's
# return).
ANCHORS = (
    ("ARMv8.3 nested virtualization", 126),
    ("ARMv8.3 + NEVE", 15),
    ("x86 with VMCS shadowing", 5),
    ("floor (exit + L1's return)", 2),
)


def fmt(x, digits=1) -> str:
    if x is None:
        return "-"
    if isinstance(x, float) and not x.is_integer():
        if abs(x) < 1:
            # 2 traps in 1000 iterations is 0.002, not "0.00": show the
            # first significant digit, without exponent notation
            return f"{x:.{max(digits, -math.floor(math.log10(abs(x))))}f}"
        return f"{x:,.{digits}f}"
    return f"{int(x):,}"


def fmt_ratio(x) -> str:
    return "-" if x is None else f"{x:.2f}x"


def table(header: list, rows: list) -> str:
    """A Markdown table whose columns are padded, so it also reads well on
    a terminal."""
    cells = [header] + [[str(c) for c in r] for r in rows]
    w = [max(len(r[i]) for r in cells) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(r)) + " |"
    sep = "|" + "|".join("-" * (w[i] + 1) + (":" if i else "-") for i in range(len(header))) + "|"
    return "\n".join([line(cells[0]), sep] + [line(r) for r in cells[1:]])


def table1(doc: dict) -> str:
    """Cost per operation per configuration (the style of NEVE Table 1)."""
    cfgs = list(doc["configs"].items())
    header = ["benchmark"]
    for _, c in cfgs:
        lab = c["label"]
        header += [f"{lab} instr/op", f"{lab} ns/op", f"{lab} L1 exits/op"]
    rat = list(doc["ratios"].items())
    for key, _ in rat:
        header += [f"{key} instr", f"{key} wall"]
    rows = []
    for b in results.bench_names(doc):
        row = [b]
        for _, c in cfgs:
            m = c["summary"].get(b)
            row += ([fmt(m["instret_per_op"]), fmt(m["wall_ns_per_op_median"], 0),
                     fmt(m["exits_total_per_op"], 2)] if m else ["-", "-", "-"])
        for _, r in rat:
            x = r.get(b, {})
            row += [fmt_ratio(x.get("instret")), fmt_ratio(x.get("wall"))]
        rows.append(row)
    return table(header, rows)


# What each value of summary.<bench>.instret_source means (results.py).
INSTRET_HOW = {
    "guest": "read by the L2 guest around its loop (`instret` of the bench line)",
    "vmm": ("read by kvm-vmm around KVM_RUN for the benchmark's window and for an empty "
            "window (0 iterations, same code) just before it: (window - empty) / iterations "
            "(`vmm_instret`, `vmm_instret_empty` of the bench line; the guest cannot read "
            "`instret` under KVM)"),
}


def instret_how(doc: dict) -> str:
    """One line per configuration: how its instr/op column was measured,
    and how closely its icount runs agreed."""
    lines = []
    for _, c in doc["configs"].items():
        srcs = sorted({m.get("instret_source") or "none" for m in c["summary"].values()})
        how = "; ".join(INSTRET_HOW.get(s, "not measured (`-`)") for s in srcs)
        spread = [max(v) - min(v) for m in c["summary"].values()
                  for v in [[x for x in m.get("instret_per_op_runs") or [] if x is not None]] if v]
        if c.get("instret_exact", True):
            agree = "icount runs identical to the instruction"
        else:
            tol = c.get("instret_tolerance", results.INSTRET_REL_TOLERANCE)
            agree = (f"icount runs agree per operation to {tol:.1%} "
                     "(L1's own timer ticks fall in the windows, at points that can move by a "
                     "few instructions" + ("; its other vCPUs share L1's CPUs" if
                                           "instret_tolerance" in c else "") + ")")
        if spread:
            agree += f"; largest spread in this file {fmt(max(spread), 2)} instr/op"
        lines.append(f"- `{c['label']} instr/op`: {how}; {agree}.")
    return "\n".join(lines)


def table7(doc: dict) -> str:
    """Traps into L0 per operation (the style of NEVE Table 7)."""
    with_l0 = [(n, c) for n, c in doc["configs"].items() if c["l0_traps"] == "l0bench"]
    if not with_l0:
        return ("No configuration in this file runs on L0 (`l0_traps = \"l0bench\"`), so there "
                "are no traps into L0 to count yet.")
    header = ["benchmark"]
    for _, c in with_l0:
        lab = c["label"]
        header += [f"{lab} L0 traps/op", f"{lab} L2 exits/op (L1's count)", f"{lab} traps per L2 exit"]
    rows = []
    for b in results.bench_names(doc):
        row = [b]
        for _, c in with_l0:
            m = c["summary"].get(b)
            row += ([fmt(m["l0_traps_per_op"], 2), fmt(m["exits_total_per_op"], 2),
                     fmt(m["exit_multiplication"], 2)] if m else ["-", "-", "-"])
        rows.append(row)
    out = table(header, rows)
    for n, c in with_l0:
        causes = sorted({k for m in c["summary"].values() for k in (m["l0_causes_per_op"] or {})})
        if not causes:
            continue
        rows = [[b] + [fmt((c["summary"][b]["l0_causes_per_op"] or {}).get(k), 2) for k in causes]
                for b in results.bench_names(doc) if b in c["summary"]]
        out += f"\n\nTraps into L0 per operation by cause, `{c['label']}`:\n\n" + table(["benchmark"] + causes, rows)
    return out


def levels_table(doc: dict) -> str:
    """Recursive configurations (several L0s): for one operation of the
    guest at the top, the traps into each L0 by depth, and how many traps
    into the L0 below one trap into the L0 above costs (exit
    multiplication, after Turtles, OSDI 2010, and NEVE, SOSP 2017)."""
    parts = []
    for n, c in doc["configs"].items():
        depths = sorted({int(d) for m in c["summary"].values() for d in (m.get("l0_levels") or {})})
        if len(depths) < 2:
            continue
        header = ["benchmark", "L1 exits/op"]
        header += [f"traps into L0 depth {d} /op" for d in reversed(depths)]
        header += [f"depth {d} traps per depth {d + 1} trap" for d in reversed(depths[:-1])]
        rows = []
        for b, m in c["summary"].items():
            lv = m.get("l0_levels") or {}
            row = [b, fmt(m["exits_total_per_op"], 2)]
            row += [fmt((lv.get(str(d)) or {}).get("traps_per_op"), 2) for d in reversed(depths)]
            row += [fmt((lv.get(str(d)) or {}).get("traps_per_trap_above"), 2)
                    for d in reversed(depths[:-1])]
            rows.append(row)
        parts.append(f"`{c['label']}` ({len(depths)} L0s; depth 1 runs on the firmware, "
                     f"depth {depths[-1]} hosts L1):\n\n" + table(header, rows))
    return "\n\n".join(parts) if parts else "No configuration in this file runs L0 on L0."


def exits_by_cause(doc: dict) -> str:
    """Exits L1 saw per operation, by cause, per configuration."""
    parts = []
    for n, c in doc["configs"].items():
        causes = sorted({k for m in c["summary"].values() for k in (m["exits_per_op"] or {})})
        if not causes:
            continue
        rows = [[b] + [fmt((m["exits_per_op"] or {}).get(k), 2) for k in causes]
                for b, m in c["summary"].items()]
        parts.append(f"`{c['label']}`:\n\n" + table(["benchmark"] + causes, rows))
    return "\n\n".join(parts) if parts else "No configuration reported exits by cause."


def anchors() -> str:
    return table(["nested hypercall (NEVE, SOSP 2017, Table 7)", "traps into the host hypervisor"],
                 [[a, str(n)] for a, n in ANCHORS])


def render(doc: dict, figures: list = ()) -> str:
    p = doc["provenance"]
    g = p["git"]
    out = [f"# rvnest benchmark report ({doc['mode']})", "",
           f"Created {doc['created']} at revision `{g['revision']}`"
           + (" (**dirty working tree**)" if g["dirty"] else "") + ".", "",
           f"- QEMU: {p['qemu']}", f"- OpenSBI: {p['opensbi']}"]
    for cc, v in p["compilers"].items():
        out.append(f"- {cc}: {v}")
    out.append(f"- host: {p['host'].get('system')}, {p['host'].get('cpus')} CPUs")
    out += ["", "## Cost per operation (after NEVE, SOSP 2017, Table 1)", "",
            "Instructions per operation are exact (`-icount shift=0,sleep=off`; the Linux/KVM "
            "columns repeat between runs to 0.5%, see below); ns/op is the "
            "median of the wall-time runs (reported, never asserted: shared, noisy machines); "
            "L1 exits/op are the exits L1 saw from L2; under Linux/KVM (`kvm-*`) they are the "
            "exits KVM passed to the VMM in user space (SBI calls it forwards, MMIO), not the "
            "exits KVM handled in the kernel. `-` means not measured (an image "
            "that cannot read `instret` at its level reports 0, which is no measurement, "
            "and no level above it counted instead).",
            "", table1(doc), "",
            "How each instr/op column was measured (every level's instructions count: "
            "the hart's `instret` runs in every mode):", "", instret_how(doc), "",
            "### Exits L1 saw per operation, by cause", "", exits_by_cause(doc), "",
            "## Traps into L0 per operation (after NEVE, SOSP 2017, Table 7)", "", table7(doc), "",
            "Published anchors for one nested hypercall:", "", anchors(), "",
            "## Exit multiplication per level (after Turtles, OSDI 2010, and NEVE)", "",
            "With L0 running on L0, every trap into the upper L0 is an exit of the lower "
            "L0's guest, which the lower L0 handles with its own h* CSR accesses, world "
            "switch and SRET, each a trap into it in turn. Per operation of the top guest: "
            "traps into each L0 by depth (`l0bench` lines; exact under icount unless "
            "the configuration sets `l0_exact = false`, as Linux/KVM ones do), and the "
            "traps into an L0 that one trap into the L0 above it costs.", "",
            levels_table(doc), ""]
    out += ["## Runs", ""]
    rows = []
    for n, c in doc["configs"].items():
        ic = [r for r in c["runs"] if r["kind"] == "icount"]
        wl = [r for r in c["runs"] if r["kind"] == "wall"]
        failed = [r for r in c["runs"] if r["outcome"] != "passed"]
        det = {m["deterministic_identical"] for m in c["summary"].values()}
        rows.append([n, c["label"], str(len(ic)), str(len(wl)), str(len(failed)),
                     "yes" if det == {True} else ("NO" if False in det else "-")])
    out.append(table(["config", "label", "icount runs", "wall runs", "failed runs",
                      "icount runs identical"], rows))
    for n, c in doc["configs"].items():
        for r in c["runs"]:
            if r["outcome"] != "passed":
                out.append(f"\n- {n} {r['kind']} run {r['index']}: {r['error']} (log {r['log']})")
    if doc["skipped"]:
        out += ["", "Skipped configurations:", ""]
        out += [f"- `{n}`: {why}" for n, why in doc["skipped"].items()]
    if figures:
        out += ["", "## Figures", ""]
        out += [f"![{Path(f).stem}]({f})" for f in figures]
    out += ["", "Every number above comes from the JSON results file of the same name; "
            "`python3 -m benchmarks.report <file>.json` regenerates this report and its figures.", ""]
    return "\n".join(out)


def write(doc: dict, json_path: Path, out_dir: Path = None) -> tuple:
    """Write <stem>.md and <stem>/*.png next to the JSON (or into out_dir)."""
    json_path = Path(json_path)
    out_dir = Path(out_dir) if out_dir else json_path.parent
    stem = json_path.stem
    fig_dir = out_dir / stem
    pngs = plots.render_all(doc, fig_dir)
    extra = ""
    if doc.get("sweep"):
        from . import sweep  # the sweep's tables and its figure per benchmark

        pngs += sweep.render_figures(doc, fig_dir)
        extra = sweep.section(doc)
    md = out_dir / f"{stem}.md"
    md.write_text(render(doc, [str(p.relative_to(out_dir)) for p in pngs]) + extra)
    # the same rows as benchmarks.results.load(), for a spreadsheet or pandas
    frame.write_csv(doc, out_dir / f"{stem}.csv")
    return md, pngs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m benchmarks.report", description=__doc__.splitlines()[0])
    ap.add_argument("results", help="a results JSON file")
    ap.add_argument("--out", help="directory for the report and figures (default: beside the JSON)")
    a = ap.parse_args(argv)
    try:
        doc = results.load_doc(a.results)
    except results.ResultsError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    md, pngs = write(doc, Path(a.results), a.out and Path(a.out))
    print(table1(doc))
    print(f"report: {md}")
    print(f"csv:    {md.with_suffix('.csv')}")
    for p in pngs:
        print(f"figure: {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
