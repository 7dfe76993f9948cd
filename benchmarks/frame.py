"""Results as data: the rows of a results file as a pandas DataFrame, and
the same rows as CSV next to the JSON.

One row per configuration entry and benchmark. Columns, in order:

| column | meaning |
| --- | --- |
| `revision`, `dirty`, `created`, `mode` | the file's provenance (git revision, 12 hex digits) |
| `config` | the entry's key in `configs` (a sweep point's key names its parameters) |
| `name`, `label` | the configuration file's name and its `[bench] label` |
| one column per sweep option (`l0.nacl`, `cpu.sstc`, ...) | that row's value; absent outside sweeps |
| `benchmark`, `iters` | |
| `instret_per_op`, `exits_total_per_op`, `l0_traps_per_op`, `l2_exits_per_op`, `exit_multiplication` | exact (icount) counts per operation; `l0_*` exact only where `l0_exact` |
| `cycle_per_op` | icount, not exact across WFI (benchmarks/README.md) |
| `deterministic_identical`, `l0_exact` | whether the icount runs agreed; whether L0's counts are exact |
| `wall_runs`, `wall_ns_per_op_median`, `_min`, `_q1`, `_q3`, `_max` | the wall-time samples: count, median and spread |
| `wall_jobs` | the most runs the runner had in flight while a wall sample was taken (1: serial) |
| `exits.<cause>`, `l0_causes.<cause>` | per-operation counts by cause (0 where the level counted and saw none; empty where it did not count) |
"""

import statistics
from pathlib import Path

EXACT = ("instret_per_op", "exits_total_per_op", "l0_traps_per_op", "l2_exits_per_op",
         "exit_multiplication")


def spread(samples: list) -> dict:
    """min, quartiles and max of wall-time samples (quartiles by the
    inclusive method: with 3 samples, q1 and q3 sit halfway to the ends)."""
    s = sorted(samples)
    if not s:
        return {"n": 0, "min": None, "q1": None, "median": None, "q3": None, "max": None}
    if len(s) == 1:
        q1 = q3 = s[0]
    else:
        q1, _, q3 = statistics.quantiles(s, n=4, method="inclusive")
    return {"n": len(s), "min": s[0], "q1": q1, "median": statistics.median(s), "q3": q3,
            "max": s[-1]}


def params_of(doc: dict) -> list:
    """The sweep options of a file, in the order they were given (none
    outside sweeps)."""
    sw = doc.get("sweep")
    if sw:
        return list(sw["options"])
    out = []
    for c in doc["configs"].values():
        for k in c.get("params", {}):
            if k not in out:
                out.append(k)
    return out


def records(doc: dict) -> list:
    """The rows as plain dicts (the DataFrame without pandas)."""
    g = doc["provenance"]["git"]
    opts = params_of(doc)
    rows = []
    for key, c in doc["configs"].items():
        jobs = max((r.get("jobs", 1) for r in c["runs"] if r["kind"] == "wall"), default=None)
        for bench, m in c["summary"].items():
            sp = spread(m["wall_ns_per_op_samples"])
            row = {"revision": g["short"], "dirty": g["dirty"], "created": doc["created"],
                   "mode": doc["mode"], "config": key, "name": c["config"]["name"],
                   "label": c["label"]}
            for o in opts:
                row[o] = c.get("params", {}).get(o)
            row.update({"benchmark": bench, "iters": m["iters"]})
            for k in EXACT + ("cycle_per_op",):
                row[k] = m[k]
            row["deterministic_identical"] = m["deterministic_identical"]
            row["l0_exact"] = c.get("l0_exact", True)
            row["wall_runs"] = sp["n"]
            row["wall_ns_per_op_median"] = m["wall_ns_per_op_median"]
            for q in ("min", "q1", "q3", "max"):
                row[f"wall_ns_per_op_{q}"] = sp[q]
            row["wall_jobs"] = jobs if sp["n"] else None
            rows.append((row, m))
    # cause columns last, the same set on every row
    ex = sorted({k for _, m in rows for k in (m["exits_per_op"] or {})})
    l0 = sorted({k for _, m in rows for k in (m["l0_causes_per_op"] or {})})
    out = []
    for row, m in rows:
        for k in ex:
            row[f"exits.{k}"] = None if m["exits_per_op"] is None else m["exits_per_op"].get(k, 0.0)
        for k in l0:
            row[f"l0_causes.{k}"] = (None if m["l0_causes_per_op"] is None
                                     else m["l0_causes_per_op"].get(k, 0.0))
        out.append(row)
    return out


def rows(doc: dict):
    """The rows of a validated results document as a pandas DataFrame."""
    import pandas as pd

    recs = records(doc)
    df = pd.DataFrame.from_records(recs)
    df.attrs["params"] = params_of(doc)
    df.attrs["revision"] = doc["provenance"]["git"]["revision"]
    return df


def write_csv(doc: dict, path: Path) -> Path:
    """The rows as CSV (the DataFrame's columns; empty cells: not measured)."""
    rows(doc).to_csv(path, index=False)
    return Path(path)
