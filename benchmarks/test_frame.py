"""Results as data: benchmarks.results.load() as a DataFrame, the CSV next
to the JSON, and the README's example run exactly as written.

The fixture benchmarks/fixtures/small.json is cut from a real quick run
(single and nested, three benchmarks, two icount and three wall runs
each); test_benchmarks.py loads a fresh real run the same way."""

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import frame, report, results
from harness import config

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "small.json"
README = Path(__file__).resolve().parent / "README.md"


@pytest.fixture
def doc():
    return results.load_doc(FIXTURE)


def test_fixture_is_a_valid_results_file(doc):
    assert set(doc["configs"]) == {"single", "nested"}


def test_rows_one_per_config_and_benchmark(doc):
    df = results.load(FIXTURE)
    assert len(df) == sum(len(c["summary"]) for c in doc["configs"].values())
    row = df[(df.config == "nested") & (df.benchmark == "hypercall")].iloc[0]
    m = doc["configs"]["nested"]["summary"]["hypercall"]
    assert row.instret_per_op == m["instret_per_op"]
    assert row.l0_traps_per_op == m["l0_traps_per_op"]
    assert row["l0_causes.virtual_inst"] == m["l0_causes_per_op"]["virtual_inst"]
    assert row.revision == doc["provenance"]["git"]["short"]
    # the spread is of the stored samples
    s = sorted(m["wall_ns_per_op_samples"])
    assert (row.wall_ns_per_op_min, row.wall_ns_per_op_max) == (s[0], s[-1])
    assert row.wall_ns_per_op_min <= row.wall_ns_per_op_q1 <= row.wall_ns_per_op_median
    assert row.wall_ns_per_op_median <= row.wall_ns_per_op_q3 <= row.wall_ns_per_op_max
    assert row.wall_runs == len(s) and row.wall_jobs == 1
    # single has no L0: no count, not zero
    single = df[(df.config == "single") & (df.benchmark == "hypercall")].iloc[0]
    assert single.l0_traps_per_op != single.l0_traps_per_op  # NaN
    # a cause the level counted but did not see in this benchmark is 0
    assert single["exits.store_guest_page_fault"] == 0.0


def test_spread():
    assert frame.spread([]) == {"n": 0, "min": None, "q1": None, "median": None,
                                "q3": None, "max": None}
    assert frame.spread([5.0])["q1"] == 5.0
    sp = frame.spread([4.0, 1.0, 3.0, 2.0, 5.0])
    assert (sp["min"], sp["q1"], sp["median"], sp["q3"], sp["max"]) == (1.0, 2.0, 3.0, 4.0, 5.0)


def test_sweep_params_become_columns(doc):
    d = copy.deepcopy(doc)
    d["configs"]["nested"]["params"] = {"l1.gstage": "sv48"}
    df = frame.rows(d)
    assert df.attrs["params"] == ["l1.gstage"]
    assert set(df[df.config == "nested"]["l1.gstage"]) == {"sv48"}
    assert df[df.config == "single"]["l1.gstage"].isna().all()


def test_csv_beside_the_json(doc, tmp_path):
    p = tmp_path / "r.json"
    p.write_text(json.dumps(doc))
    md, _ = report.write(doc, p)
    csv = tmp_path / "r.csv"
    import pandas as pd

    back = pd.read_csv(csv)
    df = results.load(FIXTURE)
    assert list(back.columns) == list(df.columns)
    assert back.instret_per_op.tolist() == df.instret_per_op.tolist()


def test_load_names_a_missing_file(tmp_path):
    with pytest.raises(results.ResultsError, match="no-such.json: cannot read results"):
        results.load(tmp_path / "no-such.json")


def readme_example() -> str:
    """The Python of the README's 'Results as data' example."""
    text = README.read_text()
    sec = text.split("## Results as data", 1)[1]
    m = re.search(r"```sh\n/usr/bin/python3 - results/<file>.json <<'EOF'\n(.*?)\nEOF\n```", sec, re.S)
    assert m, "benchmarks/README.md: the 'Results as data' example is not where the test looks"
    return m.group(1)


def test_readme_example_runs_as_written(doc):
    r = subprocess.run([sys.executable, "-", str(FIXTURE)], input=readme_example(),
                       capture_output=True, text=True, timeout=60, cwd=config.ROOT)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["label", "single", "nested", "nested/single"]
    # each row carries what the report's first table prints for it
    t1 = report.table1(doc)
    for b, m in doc["configs"]["nested"]["summary"].items():
        row = next(line.split() for line in lines if line.split()[0] == b)
        s = doc["configs"]["single"]["summary"][b]["instret_per_op"]
        assert float(row[1]) == round(s, 2)
        assert float(row[2]) == round(m["instret_per_op"], 2)
        assert float(row[3]) == round(m["instret_per_op"] / s, 2)
        assert f"{m['instret_per_op'] / s:.2f}x" in t1
