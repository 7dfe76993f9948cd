"""Figures made to be read: an SVG beside every PNG, each stating the
revision and whether its metrics are exact or wall medians, the traps by
cause faceted by benchmark. On the fixture cut from a real run."""

import copy
import json
import re
from pathlib import Path

from benchmarks import figures, report, results

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "small.json"


def svg_text(p: Path) -> str:
    """The text of an SVG written with svg.fonttype = none (text stays text)."""
    return " ".join(re.findall(r">([^<>]+)</text>", p.read_text()))


def test_every_png_has_an_svg_stating_revision_and_exactness(tmp_path):
    doc = results.load_doc(FIXTURE)
    p = tmp_path / "r.json"
    p.write_text(json.dumps(doc))
    _, pngs = report.write(doc, p)
    rev = figures.revision_of(doc)
    assert rev == doc["provenance"]["git"]["short"][:7]
    for png in pngs:
        svg = png.with_suffix(".svg")
        assert svg.exists(), svg
        text = svg_text(svg)
        assert f"revision {rev}" in text, (png.name, text[-300:])
        assert "exact: icount count" in text, png.name
        if png.name.startswith("bench-"):
            assert "wall time: median" in text, png.name


def test_traps_by_cause_faceted_by_benchmark(tmp_path):
    doc = results.load_doc(FIXTURE)
    p = tmp_path / "r.json"
    p.write_text(json.dumps(doc))
    _, pngs = report.write(doc, p)
    svg = tmp_path / "r" / "l0-traps-by-cause.svg"
    text = svg_text(svg)
    # one facet title per benchmark with L0 counts; the causes once, in the legend
    for b in doc["configs"]["nested"]["summary"]:
        assert re.search(rf"(^| ){b}( |$)", text), b
    for cause in doc["configs"]["nested"]["summary"]["hypercall"]["l0_causes_per_op"]:
        assert text.count(cause) == 1, cause


def test_dirty_revision_is_said():
    doc = copy.deepcopy(results.load_doc(FIXTURE))
    doc["provenance"]["git"]["dirty"] = True
    assert figures.revision_of(doc).endswith("-dirty")


def test_short_labels():
    assert [figures.short(x) for x in (0, 0.00006, 2.003, 14.006, 3274.014)] == \
        ["0", "0.00006", "2.00", "14.0", "3,274"]


def test_tick_labels_of_a_one_option_sweep():
    assert figures.tick_labels(["l0.nacl=none", "l0.nacl=csr,sret"]) == (["none", "csr,sret"], "l0.nacl")
    # two options, or ordinary configurations: kept as they are
    assert figures.tick_labels(["a=1 b=2", "a=2 b=2"]) == (["a=1 b=2", "a=2 b=2"], "")
    assert figures.tick_labels(["single", "nested"]) == (["single", "nested"], "")
    assert figures.tick_labels(["x=1", "y=2"]) == (["x=1", "y=2"], "")
