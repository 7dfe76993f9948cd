"""What every figure shares: a size and fonts that read at the width of a
paper's column or page, a footer stating the revision and whether each
metric is exact (an icount count) or a wall-time median, and vector output
(SVG) beside the PNG."""

import math
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# A two-column paper's full text width is about 7 inches; at that width,
# 8-9 pt text is the size of the paper's own captions.
PAGE_WIDTH_IN = 7.0
STYLE = {
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "figure.titlesize": 10,
    "svg.fonttype": "none",  # text stays text in the SVG: searchable, editable
}
EXACT = "exact: icount count, identical between runs"
WALL = "wall time: median of runs without icount (bars: min..max); never asserted"


def short(x: float) -> str:
    """A bar's value label: 2 decimals, 1 from 10 on, none from 100 on, and
    the first significant digit below 0.01 (0.00006, not 0.00)."""
    if x == 0:
        return "0"
    if abs(x) < 0.01:
        return f"{x:.{-math.floor(math.log10(abs(x)))}f}"
    return f"{x:,.0f}" if abs(x) >= 100 else (f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}")


def tick_labels(labels: list) -> tuple:
    """(labels, option): the configuration labels of a sweep over one option
    all read `<option>=<value>`; the ticks then show the values and the
    axis names the option once. Other labels are returned as they are."""
    opts = {lab.split("=", 1)[0] for lab in labels if "=" in lab and " " not in lab}
    if len(opts) == 1 and all("=" in lab and " " not in lab for lab in labels):
        return [lab.split("=", 1)[1] for lab in labels], opts.pop()
    return list(labels), ""


def revision_of(doc: dict) -> str:
    g = doc["provenance"]["git"]
    return g["short"][:7] + ("-dirty" if g["dirty"] else "")


def stamp(fig, text: str) -> int:
    """A footer under the axes, wrapped to the figure's width; returns its
    number of lines (call before save)."""
    width_chars = int(fig.get_figwidth() * 17)  # 7 pt text: about 17 characters an inch
    lines = textwrap.wrap(text, width_chars) or [""]
    fig.text(0.005, 0.005, "\n".join(lines), fontsize=7, color="0.3", ha="left", va="bottom")
    return len(lines)


def save(fig, path: Path, footer: str, top: float = 1.0) -> Path:
    """Stamp, lay out (the axes below `top`, a fraction of the height, to
    leave room for a legend above them), write <path>.png and <path>.svg
    beside it; returns the PNG's path."""
    path = Path(path)
    n = stamp(fig, footer)
    # leave the footer its lines (7 pt with spacing: about 0.13 inch each)
    fig.tight_layout(rect=(0, min(0.5, (0.05 + 0.13 * n) / fig.get_figheight()), 1, top))
    fig.savefig(path, dpi=150)
    fig.savefig(path.with_suffix(".svg"))
    plt.close(fig)
    return path


def subplots(n: int, ncols: int = 4, row_height: float = 2.1, **kw):
    """n facets on a grid ncols wide at page width; the unused axes are
    removed. Returns (fig, [axes for the n facets]). Call inside style()."""
    ncols = max(1, min(ncols, n))
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(PAGE_WIDTH_IN, 0.6 + row_height * nrows),
                             squeeze=False, **kw)
    flat = [a for row in axes for a in row]
    for a in flat[n:]:
        fig.delaxes(a)
    return fig, flat[:n]


def style():
    """The context every figure is drawn in (fonts of STYLE):
    `with figures.style(): fig, axes = figures.subplots(...); ...`"""
    return plt.rc_context(STYLE)
