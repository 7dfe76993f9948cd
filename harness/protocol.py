"""Parser for the console protocol (docs/protocol.md):

    RVNEST <kind> key=value key=value ...

Values have no spaces; lists are `name:count,name:count`. Unknown keys are
kept but never required, so a line may grow without breaking the parser.

Every L0 line (`boot component=l0`, `l0bench`, `l0stats`, L0's `error`)
carries `depth=` (1 for the L0 on the firmware, 2 for an L0 running as its
L1, ...). With several L0s in one run each L0 prints its own l0bench line
per benchmark and its own l0stats: `l0benches_by_depth` and
`l0stats_by_depth` keep them apart, while `l0benches` and `l0stats` are
depth 1's (the L0 on the machine), which is the only one in a run with one
L0. A line without `depth=` (an older L0) counts as depth 1."""

import re
from dataclasses import dataclass, field

# A protocol line may follow other text on the same console line (OpenSBI or
# a guest may not end its last line), so search rather than match at 0.
LINE_RE = re.compile(r"RVNEST (?P<kind>[a-z0-9_]+)(?P<rest>(?: +\S+)*)\s*$")
# keys whose values are `name:count` lists
COUNT_LIST_KEYS = ("exits", "causes")
INT_KEYS = (
    "iters", "instret", "cycle", "time", "exits_total", "traps",
    "l2_exits", "l2_forwarded", "status", "hart", "depth",
    "vmm_instret", "vmm_instret_empty",
)
# the depth of an L0 line that does not say (an L0 older than depth=)
DEFAULT_DEPTH = 1


class ProtocolError(Exception):
    """A line that claims to be a protocol line but cannot be parsed."""


@dataclass
class Record:
    kind: str
    fields: dict
    line: str
    lineno: int

    def __getitem__(self, k):
        return self.fields[k]

    def get(self, k, default=None):
        return self.fields.get(k, default)

    @property
    def depth(self) -> int:
        return self.fields.get("depth", DEFAULT_DEPTH)


def parse_counts(value: str, where: str = "") -> dict:
    """`ecall_vs:100,virtual_inst:3` -> {'ecall_vs': 100, 'virtual_inst': 3};
    an empty value is an empty dict."""
    out = {}
    if value in ("", "-", "none"):
        return out
    for item in value.split(","):
        name, sep, n = item.rpartition(":")
        if not sep or not name or not n.isdigit():
            raise ProtocolError(f"{where}bad count list item {item!r} in {value!r}")
        if name in out:
            raise ProtocolError(f"{where}cause {name!r} listed twice in {value!r}")
        out[name] = int(n)
    return out


def _int(v: str, key: str, where: str) -> int:
    try:
        return int(v, 0)
    except ValueError:
        raise ProtocolError(f"{where}key {key}={v!r} is not an integer") from None


def parse_line(line: str, lineno: int = 0):
    """A Record for a protocol line, None for any other console line."""
    m = LINE_RE.search(line.rstrip("\r\n"))
    if not m:
        return None
    kind = m.group("kind")
    where = f"console line {lineno}: " if lineno else ""
    # Any kind is kept (a component may add one before docs/protocol.md
    # lists it); the kinds in REQUIRED_KEYS have keys they must carry.
    fields = {}
    for tok in m.group("rest").split():
        k, sep, v = tok.partition("=")
        if not sep or not k:
            raise ProtocolError(f"{where}token {tok!r} is not key=value")
        if k in COUNT_LIST_KEYS:
            fields[k] = parse_counts(v, where)
        elif k in INT_KEYS:
            fields[k] = _int(v, k, where)
        else:
            fields[k] = v
    return Record(kind, fields, m.group(0), lineno)


@dataclass
class Protocol:
    """Everything machine-readable one run printed."""

    records: list = field(default_factory=list)

    @property
    def boots(self):
        return [r for r in self.records if r.kind == "boot"]

    @property
    def benches(self):
        """RVNEST bench lines by benchmark name (a name printed twice is a
        protocol error, caught in parse())."""
        return {r["name"]: r for r in self.records if r.kind == "bench"}

    @property
    def l0benches_by_depth(self):
        """{depth: {benchmark name: RVNEST l0bench record}}, one entry per
        L0 that printed l0bench lines."""
        out = {}
        for r in self.records:
            if r.kind == "l0bench":
                out.setdefault(r.depth, {})[r["name"]] = r
        return dict(sorted(out.items()))

    @property
    def l0benches(self):
        """Depth 1's l0bench lines by benchmark name: the L0 on the
        machine's firmware (the only L0 of a non-recursive run)."""
        return self.l0benches_by_depth.get(DEFAULT_DEPTH, {})

    @property
    def l0stats_by_depth(self):
        """{depth: the last RVNEST l0stats line of the L0 at that depth}."""
        out = {}
        for r in self.records:
            if r.kind == "l0stats":
                out[r.depth] = r
        return dict(sorted(out.items()))

    @property
    def l0stats(self):
        """Depth 1's l0stats line (the L0 on the machine), or None."""
        return self.l0stats_by_depth.get(DEFAULT_DEPTH)

    @property
    def l0_depths(self):
        """The depths of the L0s that printed a boot line, ascending."""
        return sorted({r.depth for r in self.records
                       if r.kind == "boot" and r.get("component") == "l0"})

    @property
    def probes(self):
        return [r for r in self.records if r.kind == "probe"]

    @property
    def errors(self):
        return [r for r in self.records if r.kind == "error"]

    @property
    def done(self):
        d = [r for r in self.records if r.kind == "done"]
        return d[-1] if d else None


REQUIRED_KEYS = {
    "bench": ("name", "iters", "instret", "cycle", "time"),
    "l0bench": ("name", "traps"),
    "done": ("status",),
    "boot": ("component",),
    # L0's exit profiler (benchmarks/profile.py reads these)
    "l0prof": ("win", "traps", "instr"),
    "l0prof_cause": ("win", "level", "cause", "n", "instr"),
    "l0prof_insn": ("win", "insn", "n", "instr"),
    "l0prof_csr": ("win", "csr", "access", "n", "instr"),
    "l0prof_sbi": ("win", "ext", "fid", "n", "instr"),
    "l0trace": ("win", "vcpu", "at", "level", "cause", "insn", "csr", "pc", "instr"),
    "l0trace_end": ("win", "vcpu", "records", "dropped"),
}


def parse(text: str) -> Protocol:
    """Parse a whole console; raises ProtocolError naming the line."""
    p = Protocol()
    seen = {}
    for i, line in enumerate(text.splitlines(), 1):
        r = parse_line(line, i)
        if r is None:
            continue
        for k in REQUIRED_KEYS.get(r.kind, ()):
            if k not in r.fields:
                raise ProtocolError(f"console line {i}: RVNEST {r.kind} without {k}=")
        if r.kind in ("bench", "l0bench"):
            # one l0bench line per benchmark per L0 (depth=)
            key = (r.kind, r["name"], r.depth if r.kind == "l0bench" else None)
            if key in seen:
                at = f" depth={r.depth}" if r.kind == "l0bench" else ""
                raise ProtocolError(
                    f"console line {i}: second RVNEST {r.kind} name={r['name']}{at} "
                    f"(first on line {seen[key]})"
                )
            seen[key] = i
        p.records.append(r)
    return p
