"""PNG figures (matplotlib, Agg backend: no display needed)."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _bench_names(doc):
    names = []
    for c in doc["configs"].values():
        for n in c["summary"]:
            if n not in names:
                names.append(n)
    return names


def _bars(ax, groups, series, ylabel, log=False, errors=None):
    """Grouped bars: one group per entry of `groups`, one bar per series
    (label -> values, None = no bar)."""
    n = max(len(series), 1)
    width = 0.8 / n
    for i, (label, vals) in enumerate(series.items()):
        xs = [g + (i - (n - 1) / 2) * width for g in range(len(groups))]
        # None (not measured) draws no bar rather than a zero one
        ys = [v if v is not None else float("nan") for v in vals]
        err = None
        if errors and label in errors:
            err = errors[label]
        ax.bar(xs, ys, width, label=label, yerr=err, capsize=3 if err else 0)
        for x, v in zip(xs, vals):
            if v is not None:
                ax.annotate(f"{v:,.0f}" if v >= 10 else f"{v:.2f}", (x, v), ha="center",
                            va="bottom", fontsize=7)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups, rotation=20, ha="right")
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.legend(fontsize=8)


def overview(doc, path: Path) -> Path:
    names = _bench_names(doc)
    series = {c["label"]: [c["summary"].get(b, {}).get("instret_per_op") for b in names]
              for c in doc["configs"].values()}
    fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(names)), 4))
    # configurations whose guests cannot read instret (Linux/KVM) have no
    # value at all: a log axis needs one positive value
    log = any(v for vals in series.values() for v in vals if v)
    _bars(ax, names, series, "instructions per operation (icount" + (", log)" if log else ")"),
          log=log)
    ax.set_title("Cost per operation, all benchmarks")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def per_benchmark(doc, bench: str, path: Path) -> Path:
    """One benchmark, configurations side by side: exact instructions per
    operation, and the wall-time median with the min..max of its samples."""
    cfgs = [c for c in doc["configs"].values() if bench in c["summary"]]
    labels = [c["label"] for c in cfgs]
    l0 = [c["summary"][bench]["l0_traps_per_op"] for c in cfgs]
    with_l0 = any(v is not None for v in l0)
    fig, axes = plt.subplots(1, 3 if with_l0 else 2, figsize=(11 if with_l0 else 8, 3.6))
    a1, a2 = axes[0], axes[1]
    # None: the image could not read instret at its level (not zero)
    ins = [c["summary"][bench]["instret_per_op"] for c in cfgs]
    a1.bar(labels, [v or 0 for v in ins], color="tab:blue")
    a1.set_ylabel("instructions / op (icount)")
    for i, v in enumerate(ins):
        a1.annotate("n/a" if v is None else f"{v:,.1f}", (i, v or 0), ha="center",
                    va="bottom", fontsize=8)
    med, lo, hi = [], [], []
    for c in cfgs:
        m = c["summary"][bench]
        s = m["wall_ns_per_op_samples"]
        med.append(m["wall_ns_per_op_median"] or 0)
        lo.append((m["wall_ns_per_op_median"] - min(s)) if s else 0)
        hi.append((max(s) - m["wall_ns_per_op_median"]) if s else 0)
    a2.bar(labels, med, yerr=[lo, hi], capsize=4, color="tab:orange")
    a2.set_ylabel("ns / op (median; bars: min..max)")
    if with_l0:
        # configurations without an L0 have no bar: not zero, not applicable
        a3 = axes[2]
        a3.bar(labels, [v or 0 for v in l0], color="tab:red")
        for i, v in enumerate(l0):
            a3.annotate("n/a" if v is None else f"{v:,.1f}", (i, v or 0), ha="center",
                        va="bottom", fontsize=8)
        a3.set_ylabel("traps into L0 / op")
    for ax in axes:
        # configuration labels are long (nested-nacl, kvm-qemu): slant them
        # so neighbours do not overlap
        ax.tick_params(axis="x", labelrotation=20)
        plt.setp(ax.get_xticklabels(), ha="right")
    fig.suptitle(f"{bench}")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def l0_causes(doc, path: Path):
    """Traps into L0 per operation, stacked by cause, per benchmark and
    configuration; None when no configuration has L0 counts."""
    bars = []  # (label, {cause: per_op})
    for c in doc["configs"].values():
        for b, m in c["summary"].items():
            if m["l0_causes_per_op"]:
                bars.append((f"{b}\n{c['label']}", m["l0_causes_per_op"]))
    if not bars:
        return None
    causes = sorted({k for _, d in bars for k in d})
    fig, ax = plt.subplots(figsize=(max(6, 1.1 * len(bars)), 4.2))
    bottom = [0.0] * len(bars)
    for cause in causes:
        vals = [d.get(cause, 0) for _, d in bars]
        ax.bar(range(len(bars)), vals, bottom=bottom, label=cause)
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax.set_xticks(range(len(bars)))
    ax.set_xticklabels([lab for lab, _ in bars], fontsize=7)
    ax.set_ylabel("traps into L0 per operation")
    ax.set_title("Traps into L0 by cause")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def l0_levels(doc, path: Path):
    """Recursive configurations: traps per operation into each L0 depth
    (and L1's exits) per benchmark, log scale; None when no configuration
    runs L0 on L0."""
    cfgs = []
    for c in doc["configs"].values():
        depths = sorted({int(d) for m in c["summary"].values() for d in (m.get("l0_levels") or {})})
        if len(depths) > 1:
            cfgs.append((c, depths))
    if not cfgs:
        return None
    fig, axes = plt.subplots(len(cfgs), 1, figsize=(9, 3.8 * len(cfgs)), squeeze=False)
    for ax, (c, depths) in zip(axes[:, 0], cfgs):
        # an operation that traps less than once (compute: only the
        # window's own bracketing calls) would only stretch the log axis
        names = [b for b, m in c["summary"].items()
                 if max((lv["traps_per_op"] for lv in (m.get("l0_levels") or {}).values()),
                        default=0) >= 1]
        series = {"L1 exits": [c["summary"][b]["exits_total_per_op"] or None for b in names]}
        for d in reversed(depths):
            series[f"L0 depth {d}"] = [
                ((c["summary"][b].get("l0_levels") or {}).get(str(d)) or {}).get("traps_per_op") or None
                for b in names]
        _bars(ax, names, series, "per operation (icount, log)", log=True)
        ax.set_title(f"Exit multiplication per level: {c['label']}")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def render_all(doc, out_dir: Path) -> list:
    out_dir.mkdir(parents=True, exist_ok=True)
    if not any(c["summary"] for c in doc["configs"].values()):
        return []
    out = [overview(doc, out_dir / "overview.png")]
    for b in _bench_names(doc):
        out.append(per_benchmark(doc, b, out_dir / f"bench-{b}.png"))
    p = l0_causes(doc, out_dir / "l0-traps-by-cause.png")
    if p:
        out.append(p)
    p = l0_levels(doc, out_dir / "l0-levels.png")
    if p:
        out.append(p)
    return out
