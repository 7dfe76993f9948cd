"""Sweeps: how each kind of option changes a configuration (no QEMU), and
real sweeps into one results file with its figures."""

import subprocess
import sys

import pytest

from benchmarks import params as P
from benchmarks import results, sweep
from harness import config, qemu

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_l0_option_replaces_the_configured_one():
    c = P.apply("nested-nacl", {"l0.nacl": "csr,sret"})
    # nested-nacl says l0.nacl=all: replaced, not repeated; L1's part kept
    assert c.append == "l1.h=1 l0.nacl=csr,sret -- rvnest.nacl=1"
    assert P.apply("nested", {"l1.gstage": "sv48"}).append == "l1.h=1 l1.gstage=sv48"


def test_cmdline_goes_after_the_separator_on_l0_and_whole_otherwise():
    assert P.apply("nested", {"cmdline.rvnest.nacl": "1"}).append == "l1.h=1 -- rvnest.nacl=1"
    assert P.apply("nested-nacl", {"cmdline.rvnest.nacl": "0"}).append == \
        "l1.h=1 l0.nacl=all -- rvnest.nacl=0"
    assert P.apply("selftest", {"cmdline.rvnest.iters": "10"}).append == "rvnest.iters=10"


def test_cpu_property_and_top_keys():
    c = P.apply("single", {"cpu.h": "false", "cpu.sstc": "off", "memory": "1G", "smp": "2"})
    assert c.cpu == "rv64,h=false,sstc=off"
    assert (c.memory, c.smp) == ("1G", 2)
    argv = qemu.command(c)
    assert argv[argv.index("-smp") + 1] == "2" and argv[argv.index("-cpu") + 1] == c.cpu


def test_placeholders_and_kernel(tmp_path):
    img = tmp_path / "Image"
    c = P.apply("kvm-qemu", {"l1": str(img)})
    assert c.kernel == str(img) and c.requires[0] == str(img)
    assert str(img) in c.missing()
    k = P.apply("nested", {"kernel": str(img)})
    assert k.kernel == str(img) and str(img) in k.requires and k.symbols == str(img)


@pytest.mark.parametrize("name,p,needle", [
    ("single", {"l0.nacl": "all"}, "config single: option l0.nacl is an L0 option, and this "
                                   "configuration does not boot L0"),
    ("nested", {"l0.nope": "1"}, "unknown L0 option 'l0.nope' (L0 knows: l0.benchwin, "),
    ("nested", {"frobnicate": "1"}, "unknown option 'frobnicate'"),
    ("nested", {"smp": "two"}, "option smp: 'two' is not an integer"),
    ("no-such-config", {"l0.nacl": "all"}, "no configuration 'no-such-config'"),
])
def test_option_errors(name, p, needle):
    with pytest.raises(P.ParamError) as e:
        P.apply(name, p)
    assert needle in str(e.value)


def test_l0_option_names_come_from_l0():
    names = P.l0_option_names()
    assert {"l0.nacl", "l1.gstage", "l1.sstc", "l0.benchwin"} <= set(names)


def test_grid():
    opts, values, points = sweep.grid(["l0.nacl=csr,sret;all", "l1.gstage=sv39,sv48"])
    assert opts == ["l0.nacl", "l1.gstage"]
    assert values == {"l0.nacl": ["csr,sret", "all"], "l1.gstage": ["sv39", "sv48"]}
    assert points == [{"l0.nacl": "csr,sret", "l1.gstage": "sv39"},
                      {"l0.nacl": "csr,sret", "l1.gstage": "sv48"},
                      {"l0.nacl": "all", "l1.gstage": "sv39"},
                      {"l0.nacl": "all", "l1.gstage": "sv48"}]
    for bad, needle in (("l0.nacl", "expected <option>=<value>"), ("l0.nacl=a,,b", "empty value"),
                        ("l0.nacl=a,a", "repeated")):
        with pytest.raises(P.ParamError, match=needle):
            sweep.grid([bad])
    with pytest.raises(P.ParamError, match="given twice"):
        sweep.grid(["x=1", "x=2"])


def run_sweep(tmp_path, name, *params, extra=()):
    out = tmp_path / "out"
    args = [sys.executable, "-m", "benchmarks.sweep", name, "--icount-runs", "2", "--wall-runs", "1",
            "--out", str(out), *extra]
    for p in params:
        args += ["--param", p]
    r = subprocess.run(args, capture_output=True, text=True, timeout=900, cwd=config.ROOT)
    files = sorted(out.glob("*.json"))
    return r, files


def skip_unless_built(name):
    missing = config.load(name).missing()
    if missing:
        pytest.skip(f"config {name}: missing {', '.join(missing)}")


def test_unknown_option_is_one_error_line_before_any_run(tmp_path):
    r, files = run_sweep(tmp_path, "nested", "l0.nope=1,2")
    assert r.returncode == 2 and not files
    assert r.stderr.startswith("error: unknown L0 option 'l0.nope'")
    assert len(r.stderr.strip().splitlines()) == 1


def test_numeric_sweep_of_the_selftest(tmp_path):
    """Parameters per row, exact counts per point, figures with a numeric
    x axis (PNG and SVG), the sweep's tables in the report, CSV rows."""
    skip_unless_built("selftest")
    r, files = run_sweep(tmp_path, "selftest", "cmdline.rvnest.iters=100,400")
    assert r.returncode == 0, r.stderr
    assert len(files) == 1 and files[0].name.endswith("-sweep-selftest.json")
    doc = results.load_doc(files[0])
    assert doc["schema_version"] == 2
    assert doc["sweep"] == {"config": "selftest", "options": ["cmdline.rvnest.iters"],
                            "values": {"cmdline.rvnest.iters": ["100", "400"]}}
    keys = ["selftest[cmdline.rvnest.iters=100]", "selftest[cmdline.rvnest.iters=400]"]
    assert list(doc["configs"]) == keys
    for k, iters in zip(keys, (100, 400)):
        c = doc["configs"][k]
        assert c["params"] == {"cmdline.rvnest.iters": str(iters)}
        for run in c["runs"]:
            assert run["command"][run["command"].index("-append") + 1] == f"rvnest.iters={iters}"
        assert {m["iters"] for m in c["summary"].values()} == {iters}
        assert all(m["deterministic_identical"] for m in c["summary"].values())
    df = results.load(files[0])
    assert sorted(df["cmdline.rvnest.iters"].unique()) == ["100", "400"]
    figdir = files[0].with_suffix("")
    for b in doc["configs"][keys[0]]["summary"]:
        png = figdir / f"sweep-{b}.png"
        assert png.read_bytes()[:8] == PNG_MAGIC
        assert png.with_suffix(".svg").exists()
    md = files[0].with_suffix(".md").read_text()
    assert "## Sweep of `selftest` over `cmdline.rvnest.iters`" in md
    assert files[0].with_suffix(".csv").exists()


def test_nacl_sweep_on_l0(tmp_path):
    """The issue's sweep, cut to its two ends: with every NACL feature L0
    takes fewer traps per L2 exit than with none, and a hypercall reaches
    the floor of 2 (DESIGN.md section 6) plus the window's bracketing."""
    skip_unless_built("nested-nacl")
    r, files = run_sweep(tmp_path, "nested-nacl", "l0.nacl=none,all")
    assert r.returncode == 0, r.stderr
    doc = results.load_doc(files[0])
    none = doc["configs"]["nested-nacl[l0.nacl=none]"]["summary"]
    full = doc["configs"]["nested-nacl[l0.nacl=all]"]["summary"]
    for b, m in full.items():
        assert m["exits_per_op"] == none[b]["exits_per_op"], b  # L1 sees the same exits
        if m["exits_total_per_op"]:
            assert m["l0_traps_per_op"] < none[b]["l0_traps_per_op"], b
    assert 2 <= full["hypercall"]["l0_traps_per_op"] < 2.1
    assert "Traps into L0 per operation (exact):" in files[0].with_suffix(".md").read_text()
