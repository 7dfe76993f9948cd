"""The benchmark runner end to end, on real QEMU runs: the harness
self-test image always, plus every matrix configuration whose images exist.
The results file validates against its schema, icount runs repeat exactly,
and the report and plots render from the stored file alone."""

import copy
import json
import subprocess
import sys

import pytest

from benchmarks import report, results, run
from harness import config

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def available_matrix():
    """The matrix as `make run` runs it: without the `quick = false` rows,
    which only break a comparison down further (one NACL feature each)."""
    return [c.name for c in config.load_all()
            if c.bench.matrix and c.bench.quick and not c.missing()]


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A results file written by a real `benchmarks.run` (quick, two icount
    and two wall runs per configuration)."""
    selftest = config.load("selftest")
    if selftest.missing():
        pytest.skip(f"harness self-test image missing: {', '.join(selftest.missing())}")
    out = tmp_path_factory.mktemp("results")
    names = ["selftest"] + available_matrix()
    rc = run.main(["--quick", "--configs", ",".join(names), "--wall-runs", "2", "--out", str(out)])
    files = sorted(out.glob("*.json"))
    assert len(files) == 1, files
    return rc, files[0], names


def test_run_passed(stored):
    rc, path, names = stored
    assert rc == 0
    doc = json.loads(path.read_text())
    assert sorted(doc["configs"]) == sorted(names)
    assert path.name.startswith(doc["created"][:10].replace("-", ""))
    assert doc["provenance"]["git"]["short"][:7] in path.name


def test_results_file_validates(stored):
    _, path, _ = stored
    doc = results.load_doc(path)  # raises on any schema violation
    for c in doc["configs"].values():
        for r in c["runs"]:
            # the full QEMU command line is recorded, with icount exactly when asked
            assert r["command"][0].endswith("qemu-system-riscv64")
            assert ("-icount" in r["command"]) == (r["kind"] == "icount")
            assert r["outcome"] == "passed"
        assert c["config"]["kernel"] == c["images"][1]["path"]
        assert all(len(i["sha256"]) == 64 for i in c["images"])


@pytest.mark.parametrize("mutate,needle", [
    (lambda d: d["provenance"].pop("qemu"), "'qemu' is a required property"),
    (lambda d: d.__setitem__("mode", "fast"), "at mode"),
    (lambda d: d["configs"]["selftest"]["runs"][0]["benchmarks"]["compute"]
     .__setitem__("instret", -1), "instret"),
    (lambda d: d["provenance"]["git"].__setitem__("dirty", "no"), "dirty"),
])
def test_schema_rejects(stored, mutate, needle):
    """The schema can fail: each broken copy of the real file is refused."""
    doc = json.loads(stored[1].read_text())
    bad = copy.deepcopy(doc)
    mutate(bad)
    with pytest.raises(results.ResultsError, match=needle):
        results.validate(bad)


def test_icount_runs_identical(stored):
    doc = json.loads(stored[1].read_text())
    for name, c in doc["configs"].items():
        ic = [r for r in c["runs"] if r["kind"] == "icount"]
        assert len(ic) == 2, name
        exact, iexact = c.get("l0_exact", True), c.get("instret_exact", True)
        assert (results.deterministic_view(ic[0], exact, iexact)
                == results.deterministic_view(ic[1], exact, iexact)), name
        assert ic[0]["benchmarks"], f"{name}: no benchmarks measured"
        for b, m in c["summary"].items():
            assert m["deterministic_identical"], (name, b)


def test_wall_medians_measured(stored):
    doc = json.loads(stored[1].read_text())
    for name, c in doc["configs"].items():
        for b, m in c["summary"].items():
            assert len(m["wall_ns_per_op_samples"]) == 2, (name, b)
            assert m["wall_ns_per_op_median"] > 0, (name, b)


def test_report_and_plots_render_from_file(stored, tmp_path):
    _, path, names = stored
    r = subprocess.run([sys.executable, "-m", "benchmarks.report", str(path), "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=120, cwd=config.ROOT)
    assert r.returncode == 0, r.stderr
    md = (tmp_path / f"{path.stem}.md").read_text()
    doc = results.load_doc(path)
    assert "Cost per operation (after NEVE, SOSP 2017, Table 1)" in md
    assert "| ARMv8.3 nested virtualization" in md and "126 |" in md
    if "single" in doc["configs"]:
        assert "ecall_vs" in md  # the exits-by-cause table
    for c in doc["configs"].values():
        assert f"{c['label']} instr/op" in md
    pngs = sorted((tmp_path / path.stem).glob("*.png"))
    expected = {"overview.png"} | {f"bench-{b}.png" for c in doc["configs"].values() for b in c["summary"]}
    if any(m["l0_causes_per_op"] for c in doc["configs"].values() for m in c["summary"].values()):
        expected.add("l0-traps-by-cause.png")
    if any(len(m.get("l0_levels") or {}) > 1 for c in doc["configs"].values()
           for m in c["summary"].values()):
        expected.add("l0-levels.png")
    assert {p.name for p in pngs} == expected
    for p in pngs:
        assert p.read_bytes()[:8] == PNG_MAGIC and p.stat().st_size > 2000
        assert f"({path.stem}/{p.name})" in md


def test_l0_tables_and_ratios_render(stored, tmp_path):
    """The Table 7 and ratio paths of the renderer, before any configuration
    with an L0 exists: a copy of the real file in which the selftest is
    entered a second time as if it ran on L0, with the L0 counts set equal
    to the L1 exits. This tests rendering only; such a copy is never
    written as a result."""
    doc = json.loads(stored[1].read_text())
    st = copy.deepcopy(doc["configs"]["selftest"])
    st["label"], st["l0_traps"], st["baseline"] = "as-if-l0", "l0bench", "selftest"
    for r in st["runs"]:
        for b in r["benchmarks"].values():
            b["exits"], b["exits_total"] = {"ecall_vs": b["iters"]}, b["iters"]
            b["l0"] = {"traps": 2 * b["iters"], "causes": {"ecall_vs": b["iters"], "virtual_inst": b["iters"]},
                       "l2_exits": b["iters"], "l2_forwarded": b["iters"]}
    st["summary"] = results.summarize(st["runs"], st.get("l0_exact", True))
    doc["configs"]["as-if-l0"] = st
    doc["ratios"] = results.ratios(doc)
    results.validate(doc)
    assert doc["ratios"]["as-if-l0/selftest"]["compute"]["instret"] == 1.0
    assert st["summary"]["compute"]["exit_multiplication"] == 2.0
    md = report.render(doc)
    assert "as-if-l0 L0 traps/op" in md and "as-if-l0 traps per L2 exit" in md
    assert "virtual_inst" in md
    p = tmp_path / "x.json"
    p.write_text(json.dumps(doc))
    _, pngs = report.write(doc, p)
    assert (tmp_path / "x" / "l0-traps-by-cause.png") in pngs


def test_no_runnable_config_is_a_clear_error(tmp_path):
    """With no images built, the runner says which configuration misses
    what, in one line, and writes nothing."""
    env = {"RVNEST_BUILD": str(tmp_path / "empty-build"), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "benchmarks.run", "--configs", "selftest",
                        "--out", str(tmp_path / "out")],
                       capture_output=True, text=True, timeout=60, cwd=config.ROOT, env=env)
    assert r.returncode == 1
    assert r.stderr.strip() == ("error: no benchmark configuration can run (selftest: missing "
                                f"{tmp_path}/empty-build/harness/selftest.elf)")
    assert "bench: skip selftest: missing" in r.stdout
    assert not (tmp_path / "out").exists()


def test_nested_against_single(stored, tmp_path):
    """With both built: the ratios, Table 7 and the L0 figure from real runs."""
    doc = results.load_doc(stored[1])
    cf = doc["configs"]
    if "nested" not in cf or "single" not in cf:
        pytest.skip("needs both the nested and the single configuration built")
    r = doc["ratios"]["nested/single"]
    for bench, m in cf["nested"]["summary"].items():
        s = cf["single"]["summary"][bench]
        # the same L1 binary sees the same exits on L0 as on QEMU's H
        assert m["exits_per_op"] == s["exits_per_op"], bench
        assert r[bench]["instret"] == m["instret_per_op"] / s["instret_per_op"]
        if m["exits_total_per_op"]:
            # DESIGN §6: at least the exit and L1's return
            assert m["exit_multiplication"] >= 2, bench
    md = report.render(doc)
    assert "nested/single instr" in md and "nested L0 traps/op" in md
    _, pngs = report.write(doc, tmp_path / "r.json")
    assert tmp_path / "r" / "l0-traps-by-cause.png" in pngs


def test_load_as_dataframe_and_csv(stored):
    """results.load() on a file a real run just wrote: one row per
    configuration and benchmark, the same numbers as the summary, and the
    runner wrote the same rows as CSV next to the JSON."""
    _, path, _ = stored
    doc = results.load_doc(path)
    df = results.load(path)
    assert len(df) == sum(len(c["summary"]) for c in doc["configs"].values())
    for key, c in doc["configs"].items():
        for b, m in c["summary"].items():
            row = df[(df.config == key) & (df.benchmark == b)]
            assert len(row) == 1, (key, b)
            assert row.iloc[0].wall_ns_per_op_median == m["wall_ns_per_op_median"]
            if m["instret_per_op"] is not None:
                assert row.iloc[0].instret_per_op == m["instret_per_op"]
    csv = path.with_suffix(".csv")
    assert csv.read_text().splitlines()[0].split(",") == list(df.columns)


def test_recursive_levels(stored, tmp_path):
    """L0 on L0 (`recursive`): every run stores each level's window, the
    summary gives traps per operation per depth and the multiplication
    between levels, and the report and figure show them."""
    doc = results.load_doc(stored[1])
    if "recursive" not in doc["configs"]:
        pytest.skip("needs the recursive configuration built")
    c = doc["configs"]["recursive"]
    for r in c["runs"]:
        for name, b in r["benchmarks"].items():
            assert sorted(b["l0_levels"]) == ["1", "2"], name
            # the single-L0 view is depth 1's: the L0 on the machine
            assert b["l0"] == b["l0_levels"]["1"], name
    for name, m in c["summary"].items():
        lv = m["l0_levels"]
        assert m["l0_traps_per_op"] == lv["1"]["traps_per_op"]
        assert lv["1"]["traps_per_trap_above"] == pytest.approx(
            lv["1"]["traps_per_op"] / lv["2"]["traps_per_op"])
        assert lv["2"]["traps_per_trap_above"] is None
        if name != "compute":
            # each trap into the inner L0 costs the outer one more than one
            assert lv["1"]["traps_per_op"] > lv["2"]["traps_per_op"] >= 2 * m["exits_total_per_op"]
    if "nested" in doc["configs"]:
        # the L0 hosting l1-guest-hyp counts what nested's only L0 counts
        n = doc["configs"]["nested"]["summary"]
        for name, m in c["summary"].items():
            assert m["l0_levels"]["2"]["traps_per_op"] == n[name]["l0_traps_per_op"], name
    md = report.render(doc)
    assert "Exit multiplication per level" in md
    assert "traps into L0 depth 2 /op" in md and "depth 1 traps per depth 2 trap" in md
    _, pngs = report.write(doc, tmp_path / "r.json")
    assert tmp_path / "r" / "l0-levels.png" in pngs
