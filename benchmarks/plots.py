"""Figures, PNG with an SVG beside each (matplotlib, Agg backend: no
display needed); benchmarks/figures.py sets their size and fonts and
stamps each with its revision and the exactness of its metrics."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from . import figures, results  # noqa: E402


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
                # three or more bars to a group: upright labels would overlap
                ax.annotate(f"{v:,.0f}" if v >= 10 else f"{v:.2f}", (x, v), ha="center",
                            va="bottom", fontsize=6.5, rotation=90 if n >= 3 else 0,
                            textcoords="offset points", xytext=(0, 2))
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups, rotation=20, ha="right")
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, hi * 4)  # room for the labels above the tallest bars
    ax.legend(fontsize=8)


def overview(doc, path: Path) -> Path:
    names = results.bench_names(doc)
    series = {c["label"]: [c["summary"].get(b, {}).get("instret_per_op") for b in names]
              for c in doc["configs"].values()}
    fig, ax = plt.subplots(figsize=(figures.PAGE_WIDTH_IN, 3.2))
    # configurations whose guests cannot read instret have no value at
    # all: a log axis needs one positive value
    log = any(v for vals in series.values() for v in vals if v)
    _bars(ax, names, series, "instructions / op (exact" + (", log)" if log else ")"), log=log)
    ax.set_title("Cost per operation, all benchmarks")
    return figures.save(fig, path, f"revision {figures.revision_of(doc)} ({doc['created']}); "
                                   f"instructions: {figures.EXACT}")


def per_benchmark(doc, bench: str, path: Path) -> Path:
    """One benchmark, configurations side by side: exact instructions per
    operation, and the wall-time median with the min..max of its samples."""
    cfgs = [c for c in doc["configs"].values() if bench in c["summary"]]
    labels, option = figures.tick_labels([c["label"] for c in cfgs])
    l0 = [c["summary"][bench]["l0_traps_per_op"] for c in cfgs]
    with_l0 = any(v is not None for v in l0)
    fig, axes = plt.subplots(1, 3 if with_l0 else 2, figsize=(figures.PAGE_WIDTH_IN, 2.9))
    a1, a2 = axes[0], axes[1]
    # None: the image could not read instret at its level (not zero)
    ins = [c["summary"][bench]["instret_per_op"] for c in cfgs]
    a1.bar(labels, [v or 0 for v in ins], color="tab:blue")
    a1.set_ylabel("instructions / op (exact)")
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
    a2.set_ylabel("ns / op (wall median)")
    if with_l0:
        # configurations without an L0 have no bar: not zero, not applicable
        a3 = axes[2]
        a3.bar(labels, [v or 0 for v in l0], color="tab:red")
        for i, v in enumerate(l0):
            a3.annotate("n/a" if v is None else f"{v:,.1f}", (i, v or 0), ha="center",
                        va="bottom", fontsize=8)
        a3.set_ylabel("traps into L0 / op (exact)")
    for ax in axes:
        # configuration labels are long (nested-nacl, kvm-qemu): slant them
        # so neighbours do not overlap
        ax.tick_params(axis="x", labelrotation=20)
        plt.setp(ax.get_xticklabels(), ha="right")
        ax.set_ylim(0, ax.get_ylim()[1] * 1.12)  # room for the value labels
        if option:
            ax.set_xlabel(option)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 100 else f"{v:g}"))
    fig.suptitle(f"{bench}")
    return figures.save(fig, path, f"revision {figures.revision_of(doc)} ({doc['created']}); "
                                   f"instructions{', L0 traps' if with_l0 else ''}: "
                                   f"{figures.EXACT}; {figures.WALL}")


def l0_causes(doc, path: Path):
    """Traps into L0 per operation, stacked by cause: one facet per
    benchmark, one bar per configuration with L0 counts, the same colour
    for a cause in every facet; None when no configuration has L0 counts."""
    cfgs = [c for c in doc["configs"].values()
            if any(m["l0_causes_per_op"] for m in c["summary"].values())]
    if not cfgs:
        return None
    benches = [b for b in results.bench_names(doc)
               if any((c["summary"].get(b) or {}).get("l0_causes_per_op") for c in cfgs)]
    causes = sorted({k for c in cfgs for m in c["summary"].values()
                     for k in (m["l0_causes_per_op"] or {})})
    colors = {k: plt.get_cmap("tab10")(i % 10) for i, k in enumerate(causes)}
    # facets wide enough for their bars; the legend takes the first free
    # facet, or a row above the facets
    ncols = 4 if len(cfgs) <= 3 else (3 if len(cfgs) <= 6 else 2)
    spare = len(benches) % ncols != 0
    fig, axes = figures.subplots(len(benches) + spare, ncols=ncols, row_height=2.3)
    labels, option = figures.tick_labels([c["label"] for c in cfgs])
    crowded = len(cfgs) > 4
    for ax, bench in zip(axes, benches):
        bottom = [0.0] * len(cfgs)
        for cause in causes:
            vals = [((c["summary"].get(bench) or {}).get("l0_causes_per_op") or {}).get(cause, 0.0)
                    for c in cfgs]
            ax.bar(range(len(cfgs)), vals, 0.7, bottom=bottom, color=colors[cause], label=cause)
            bottom = [b + v for b, v in zip(bottom, vals)]
        for i, total in enumerate(bottom):
            ax.annotate(figures.short(total), (i, total),
                        textcoords="offset points", xytext=(0, 2), ha="center", va="bottom",
                        fontsize=6.5, rotation=90 if crowded else 0)
        ax.set_ylim(0, max(bottom + [1.0]) * (1.4 if crowded else 1.2))
        ax.set_xticks(range(len(cfgs)))
        ax.set_xticklabels(labels, rotation=30, ha="right")
        if option:
            ax.set_xlabel(option)
        ax.set_title(bench)
    for ax in axes[:len(benches):ncols]:
        ax.set_ylabel("traps into L0 / op")
    handles = [plt.Rectangle((0, 0), 1, 1, color=colors[k]) for k in causes]
    if spare:
        axes[-1].axis("off")
        axes[-1].legend(handles, causes, loc="center", frameon=False, title="cause")
        top = 1.0
    else:
        fig.legend(handles, causes, loc="upper right", ncol=min(4, len(causes)), frameon=False,
                   bbox_to_anchor=(1.0, 0.96))
        top = 1.0 - 0.45 / fig.get_figheight()
    fig.suptitle("Traps into L0 per operation, by cause", x=0.01, ha="left")
    return figures.save(fig, path, top=top, footer=f"revision {figures.revision_of(doc)} ({doc['created']}); "
                                   f"traps into L0: {figures.EXACT}"
                                   + ("" if all(c.get("l0_exact", True) for c in cfgs) else
                                      " (except configurations with l0_exact = false)"))


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
    return figures.save(fig, path, f"revision {figures.revision_of(doc)} ({doc['created']}); "
                                   f"traps into each L0: {figures.EXACT}")


def render_all(doc, out_dir: Path) -> list:
    """Every figure as PNG (returned) with an SVG beside it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if not any(c["summary"] for c in doc["configs"].values()):
        return []
    with figures.style():
        out = [overview(doc, out_dir / "overview.png")]
        for b in results.bench_names(doc):
            out.append(per_benchmark(doc, b, out_dir / f"bench-{b}.png"))
        p = l0_causes(doc, out_dir / "l0-traps-by-cause.png")
        if p:
            out.append(p)
        p = l0_levels(doc, out_dir / "l0-levels.png")
        if p:
            out.append(p)
    return out
