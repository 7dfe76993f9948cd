"""Configurations as data: one TOML file per configuration in
harness/configs/ (the schema is harness/configs/README.md)."""

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = Path(__file__).resolve().parent / "configs"

DEFAULT_FIRMWARE = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"

L0_TRAPS_SOURCES = ("none", "l0bench")

# key -> (accepted types, default); "required" marks mandatory keys.
REQUIRED = object()
TOP_KEYS = {
    "description": ((str,), REQUIRED),
    "firmware": ((str,), REQUIRED),
    "kernel": ((str,), REQUIRED),
    "initrd": ((str,), ""),
    "append": ((str,), ""),
    "machine": ((str,), "virt"),
    "cpu": ((str,), "rv64,h=true"),
    "memory": ((str,), "512M"),
    "smp": ((int,), 1),
    "devices": ((list,), []),
    "extra_args": ((list,), []),
    "timeout": ((int, float), 60),
    "deterministic": ((bool,), True),
    "symbols": ((str,), ""),
    "requires": ((list,), []),
    "defaults": ((dict,), {}),
    "success": ((dict,), {}),
    "bench": ((dict,), {}),
}
DEFAULTS_KEYS = {
    "l1": ((str,), ""),
    "initrd": ((str,), ""),
    "bootargs": ((str,), ""),
    "l0args": ((str,), ""),
}
# The placeholder of L0's own options; a configuration whose `append` has
# it boots L0 below L1 (`{bootargs}` is then L1's part, after " -- ").
L0ARGS_PLACEHOLDER = "{l0args}"
SUCCESS_KEYS = {
    "done_status": ((int,), 0),
    "require_done": ((bool,), True),
    "marker": ((str,), ""),
    "exit_code": ((int,), 0),
}
BENCH_KEYS = {
    "matrix": ((bool,), False),
    "label": ((str,), ""),
    "l0_traps": ((str,), "none"),
    # false when L0's window counts move by a few traps between icount runs
    # (an L1 that idles in WFI, where QEMU's icount warp is not exact)
    "l0_exact": ((bool,), True),
    # false when instructions per operation move by a few instructions
    # between icount runs (an L1 whose timer ticks fall in the windows):
    # compared to benchmarks.results.INSTRET_REL_TOLERANCE instead
    "instret_exact": ((bool,), True),
    # with instret_exact = false: the fraction to which the icount runs
    # must agree per operation (0: INSTRET_REL_TOLERANCE); more for a
    # configuration whose windows share L1's CPUs with its other vCPUs
    "instret_tolerance": ((float,), 0.0),
    "baseline": ((str,), ""),
    # false: only in `make bench`, not in `make run`'s quick table (rows
    # that break a comparison down further, e.g. one NACL feature each)
    "quick": ((bool,), True),
}
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
PLACEHOLDER_RE = re.compile(r"\{([a-z0-9_]*)\}")


class ConfigError(Exception):
    """A configuration that does not exist or does not follow the schema."""


def build_dir() -> Path:
    """The build directory: env RVNEST_BUILD (exported by the Makefile from
    BUILD=), default `build`, relative to the repository top."""
    b = Path(os.environ.get("RVNEST_BUILD", "build"))
    return b if b.is_absolute() else ROOT / b


# L0's options in a configuration's `append` (before ` -- `) and the file
# that defines them (its option table names each one in quotes)
L0_OPTION_RE = re.compile(r"(?:^|\s)(l[01]\.[a-z0-9_.]+)=")
L0_OPTIONS_SRC = ROOT / "l0-hyp" / "options.c"


@dataclass(frozen=True)
class Success:
    done_status: int
    require_done: bool
    marker: str
    exit_code: int


@dataclass(frozen=True)
class Bench:
    matrix: bool
    label: str
    l0_traps: str
    l0_exact: bool
    instret_exact: bool
    baseline: str
    quick: bool = True
    instret_tolerance: float = 0.0


@dataclass(frozen=True)
class Config:
    """A configuration with every placeholder expanded. `raw` is the parsed
    TOML (unexpanded), kept for provenance in results files."""

    name: str
    path: Path
    description: str
    firmware: str
    kernel: str
    initrd: str
    append: str
    machine: str
    cpu: str
    memory: str
    smp: int
    devices: tuple
    extra_args: tuple
    timeout: float
    deterministic: bool
    symbols: str
    requires: tuple
    success: Success
    bench: Bench
    values: dict  # the placeholder values used: build, root, l1, initrd, bootargs, l0args
    raw: dict = field(repr=False, compare=False)
    # the L1 image was given (--l1 / L1=) rather than the configuration's
    # own: the run may be a foreign L1 that speaks no protocol
    # (runner.judge then accepts its SBI SRST power-off)
    l1_given: bool = False
    # its `append` has {l0args}: L0 boots below L1 and prints its lines
    boots_l0: bool = False

    def missing(self) -> list:
        """Paths from `requires` (and the firmware) that do not exist, and
        L0 options in `append` that l0-hyp/options.c does not define yet (a
        configuration written ahead of its L0 feature skips, not fails)."""
        out = [p for p in self.requires if not Path(p).exists()]
        if not Path(self.firmware).exists() and self.firmware not in out:
            out.append(self.firmware)
        if self.boots_l0:
            # only the configuration's own L0 options (its `append` and
            # default l0args): options given at run time (L0ARGS=, tests of
            # L0's refusals) reach L0, which names an unknown one itself
            own = str(self.raw.get("append", "")).split(" -- ", 1)[0]
            own += " " + str(self.raw.get("defaults", {}).get("l0args", ""))
            opts = L0_OPTION_RE.findall(own)
            src = L0_OPTIONS_SRC.read_text() if L0_OPTIONS_SRC.exists() else ""
            out += [f"L0 option {o} (not in l0-hyp/options.c)"
                    for o in opts if f'"{o}"' not in src]
        return out

    def with_overrides(self, **kw) -> "Config":
        """A copy with some QEMU-level fields replaced (tests use this to,
        e.g., boot the same image on a CPU without the H extension)."""
        for k in kw:
            if k not in TOP_KEYS or k in ("defaults", "success", "bench"):
                raise ConfigError(f"config {self.name}: cannot override '{k}'")
        return replace(self, **kw)

    def as_dict(self) -> dict:
        """The expanded configuration as plain data (for results files)."""
        d = {
            k: getattr(self, k)
            for k in TOP_KEYS
            if k not in ("defaults", "success", "bench")
        }
        for k in ("devices", "extra_args", "requires"):
            d[k] = list(d[k])
        d["name"] = self.name
        d["success"] = dict(self.success.__dict__)
        d["bench"] = dict(self.bench.__dict__)
        d["values"] = dict(self.values)
        d["source"] = str(self.path.relative_to(ROOT)) if self.path.is_relative_to(ROOT) else str(self.path)
        return d


def list_names() -> list:
    return sorted(p.stem for p in CONFIG_DIR.glob("*.toml"))


def _check_table(where: str, table: dict, schema: dict) -> dict:
    out = {}
    for k in table:
        if k not in schema:
            raise ConfigError(f"{where}: unknown key '{k}' (schema: harness/configs/README.md)")
    for k, (types, default) in schema.items():
        if k not in table:
            if default is REQUIRED:
                raise ConfigError(f"{where}: missing required key '{k}'")
            out[k] = default
            continue
        v = table[k]
        # bool is a subclass of int: an int field must not accept true/false
        if not isinstance(v, types) or (isinstance(v, bool) and bool not in types):
            names = "/".join(t.__name__ for t in types)
            raise ConfigError(f"{where}: key '{k}' must be {names}, not {type(v).__name__}")
        out[k] = v
    return out


def _expand(where: str, key: str, s: str, values: dict) -> str:
    def sub(m):
        name = m.group(1)
        if name not in values:
            raise ConfigError(
                f"{where}: key '{key}': unknown placeholder '{{{name}}}' "
                f"(known: {', '.join('{' + v + '}' for v in values)})"
            )
        return str(values[name])

    # {{ and }} are literal braces; any other brace must open a placeholder
    tmpl = s.replace("{{", "\0").replace("}}", "\1")
    if "{" in PLACEHOLDER_RE.sub("", tmpl) or "}" in PLACEHOLDER_RE.sub("", tmpl):
        raise ConfigError(f"{where}: key '{key}': unbalanced brace in {s!r}")
    out = PLACEHOLDER_RE.sub(sub, tmpl)
    return out.replace("\0", "{").replace("\1", "}")


def _abs(p: str) -> str:
    """Relative paths are relative to the repository top."""
    if not p:
        return p
    return str(p if Path(p).is_absolute() else ROOT / p)


def load_file(path: Path, l1=None, initrd=None, bootargs=None, l0args=None) -> Config:
    path = Path(path)
    name = path.stem
    where = f"config {name} ({path.name})"
    if not NAME_RE.match(name):
        raise ConfigError(f"{where}: configuration names use letters, digits, '-', '_', '.'")
    try:
        with open(path, "rb") as f:
            raw = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(
            f"no configuration '{name}' (known: {', '.join(list_names()) or 'none'})"
        ) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{where}: not valid TOML: {e}") from None

    top = _check_table(where, raw, TOP_KEYS)
    defaults = _check_table(f"{where} [defaults]", top["defaults"], DEFAULTS_KEYS)
    success = _check_table(f"{where} [success]", top["success"], SUCCESS_KEYS)
    bench = _check_table(f"{where} [bench]", top["bench"], BENCH_KEYS)
    for k in ("devices", "extra_args", "requires"):
        if not all(isinstance(x, str) for x in top[k]):
            raise ConfigError(f"{where}: key '{k}' must be a list of strings")
    if top["smp"] < 1:
        raise ConfigError(f"{where}: key 'smp' must be >= 1")
    if top["timeout"] <= 0:
        raise ConfigError(f"{where}: key 'timeout' must be > 0 seconds")
    if bench["l0_traps"] not in L0_TRAPS_SOURCES:
        raise ConfigError(
            f"{where} [bench]: l0_traps must be one of {', '.join(L0_TRAPS_SOURCES)}"
        )
    if success["marker"]:
        try:
            re.compile(success["marker"])
        except re.error as e:
            raise ConfigError(f"{where} [success]: marker is not a valid regex: {e}") from None

    base = {"build": str(build_dir()), "root": str(ROOT)}
    vals = dict(base)
    boots_l0 = L0ARGS_PLACEHOLDER in top["append"]
    if l0args and not boots_l0:
        raise ConfigError(
            f"{where}: L0 options ({l0args!r}) given, but this configuration boots "
            f"no L0 (its 'append' has no {L0ARGS_PLACEHOLDER}); its whole command "
            f"line is L1's: pass it as BOOTARGS / --bootargs"
        )
    for k, override in (("l1", l1), ("initrd", initrd), ("bootargs", bootargs),
                        ("l0args", l0args)):
        text = k in ("bootargs", "l0args")  # command lines, not paths
        if override is not None:
            v = override
            # a path given on the command line is relative to the caller's cwd
            if not text and v and not Path(v).is_absolute():
                v = str(Path(v).resolve())
        else:
            v = _expand(where, f"defaults.{k}", defaults[k], base)
            if not text:
                v = _abs(v)
        vals[k] = v

    def ex(key, s):
        return _expand(where, key, s, vals)

    firmware = _abs(ex("firmware", top["firmware"]))
    kernel = _abs(ex("kernel", top["kernel"]))
    if not kernel:
        raise ConfigError(f"{where}: 'kernel' is empty (pass --l1 or set [defaults] l1)")
    return Config(
        name=name,
        path=path,
        description=top["description"],
        firmware=firmware,
        kernel=kernel,
        initrd=_abs(ex("initrd", top["initrd"])),
        append=ex("append", top["append"]),
        machine=ex("machine", top["machine"]),
        cpu=ex("cpu", top["cpu"]),
        memory=ex("memory", top["memory"]),
        smp=top["smp"],
        devices=tuple(ex("devices", d) for d in top["devices"]),
        extra_args=tuple(ex("extra_args", a) for a in top["extra_args"]),
        timeout=float(top["timeout"]),
        deterministic=top["deterministic"],
        symbols=_abs(ex("symbols", top["symbols"])) or kernel,
        requires=tuple(_abs(ex("requires", r)) for r in top["requires"]),
        success=Success(**success),
        bench=Bench(
            matrix=bench["matrix"],
            label=bench["label"] or name,
            l0_traps=bench["l0_traps"],
            l0_exact=bench["l0_exact"],
            instret_exact=bench["instret_exact"],
            instret_tolerance=bench["instret_tolerance"],
            baseline=bench["baseline"],
            quick=bench["quick"],
        ),
        values=vals,
        raw=raw,
        l1_given=bool(l1),
        boots_l0=boots_l0,
    )


def load(name: str, l1=None, initrd=None, bootargs=None, l0args=None) -> Config:
    """Load harness/configs/<name>.toml, expanding placeholders; l1, initrd,
    bootargs (L1's command line), l0args (L0's options) override the
    configuration's [defaults] (None = keep)."""
    if not NAME_RE.match(name or ""):
        raise ConfigError(f"bad configuration name {name!r}")
    return load_file(CONFIG_DIR / f"{name}.toml", l1=l1, initrd=initrd, bootargs=bootargs,
                     l0args=l0args)


def load_all() -> list:
    """Every configuration, loaded with its defaults. Raises ConfigError on
    the first file that does not follow the schema."""
    return [load(n) for n in list_names()]
