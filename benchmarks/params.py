"""Options a sweep can vary, and how each one changes a configuration.

| option | what it sets | example |
| --- | --- | --- |
| `l0.<name>`, `l1.<name>` | an L0 option (l0-hyp/README.md, "Options"), in QEMU's `-append` before ` -- `; the configuration must boot L0 | `l0.nacl=none,csr,all`, `l1.gstage=sv39,sv48` |
| `cmdline.<word>` | `<word>=<value>` on L1's command line: after ` -- ` when L0 is below L1, else the whole `-append` | `cmdline.rvnest.nacl=0,1` |
| `cpu.<property>` | a property of QEMU's `-cpu` | `cpu.sstc=on,off` |
| `l1`, `initrd`, `bootargs`, `l0args` | the configuration's placeholder (harness/configs/README.md), e.g. another L1 kernel | `l1=build/linux/Image,/tmp/Image-7.3` |
| `kernel`, `firmware`, `memory`, `smp`, `machine` | that key of the configuration (QEMU `-kernel`, `-bios`, `-m`, `-smp`, `-M`) | `memory=512M,1G` |

An option already on the command line is replaced, not repeated, so the
value swept is the one that counts. L0 option names are checked against
L0's own table (l0-hyp/options.c) before anything runs; values are checked
by L0 itself, which stops on an unknown one with `RVNEST error`.
"""

import re
from pathlib import Path

from harness import config

PLACEHOLDERS = ("l1", "initrd", "bootargs", "l0args")
TOP = {"kernel": str, "firmware": str, "memory": str, "smp": int, "machine": str}
L0_OPTIONS_C = config.ROOT / "l0-hyp" / "options.c"
# {"l1.gstage", opt_gstage}: one entry of L0's option table
L0_OPT_RE = re.compile(r'\{\s*"((?:l0|l1)\.[A-Za-z0-9_]+)"\s*,\s*opt_')
OPTION_RE = re.compile(r"^[A-Za-z0-9_.-]+$")


class ParamError(Exception):
    pass


def l0_option_names() -> list:
    """The options L0 accepts, read from its option table."""
    try:
        return sorted(set(L0_OPT_RE.findall(L0_OPTIONS_C.read_text())))
    except OSError:
        return []


def has_l0(cfg: config.Config) -> bool:
    """Whether the configuration boots L0 under L1 (its -append is L0's)."""
    return cfg.bench.l0_traps == "l0bench" or Path(cfg.kernel).name == "l0.elf"


def parse(spec: str) -> tuple:
    """'opt=a,b,c' -> ('opt', ['a', 'b', 'c']). Values are separated by
    ';' instead when they contain commas themselves: 'l0.nacl=csr,sret;all'."""
    opt, eq, vals = spec.partition("=")
    opt = opt.strip()
    if not eq or not opt:
        raise ParamError(f"sweep option {spec!r}: expected <option>=<value>[,<value>...]")
    if not OPTION_RE.match(opt):
        raise ParamError(f"sweep option {opt!r}: not an option name")
    sep = ";" if ";" in vals else ","
    values = [v.strip() for v in vals.split(sep)]
    if not values or any(v == "" for v in values):
        raise ParamError(f"sweep option {opt}: empty value in {vals!r}")
    if len(set(values)) != len(values):
        raise ParamError(f"sweep option {opt}: a value is repeated in {vals!r}")
    return opt, values


def check_option(cfg: config.Config, opt: str) -> None:
    """Raise ParamError naming the problem when `opt` cannot apply to cfg."""
    if opt in PLACEHOLDERS or opt in TOP:
        return
    if opt.startswith(("l0.", "l1.")):
        if not has_l0(cfg):
            raise ParamError(f"config {cfg.name}: option {opt} is an L0 option, and this "
                             f"configuration does not boot L0 (its kernel is {cfg.kernel})")
        known = l0_option_names()
        if known and opt not in known:
            raise ParamError(f"unknown L0 option '{opt}' (L0 knows: {', '.join(known)}; "
                             f"l0-hyp/options.c)")
        return
    if opt.startswith("cmdline.") and len(opt) > len("cmdline."):
        return
    if opt.startswith("cpu.") and len(opt) > len("cpu."):
        return
    raise ParamError(f"unknown option '{opt}' (l0.<name>, l1.<name>, cmdline.<word>, "
                     f"cpu.<property>, {', '.join(PLACEHOLDERS + tuple(TOP))}; "
                     f"benchmarks/params.py)")


def _set_word(words: str, key: str, value: str) -> str:
    """Drop every `key` and `key=...` word, then add `key=value` at the end."""
    kept = [w for w in words.split() if w != key and not w.startswith(key + "=")]
    return " ".join(kept + [f"{key}={value}"])


def split_append(append: str) -> tuple:
    """(L0 options, L1 command line or None) of an L0 configuration's -append."""
    if append.startswith("-- "):
        return "", append[3:]
    if append == "--":
        return "", ""
    if " -- " in append:
        l0, l1 = append.split(" -- ", 1)
        return l0, l1
    return append, None


def join_append(l0: str, l1) -> str:
    if l1 is None:
        return l0
    l0 = l0.strip()
    if not l1:
        # an empty L1 part (`{l0args} -- {bootargs}` with no bootargs) is
        # no L1 command line: L0 gives L1 none either way
        return l0
    return f"{l0} -- {l1}" if l0 else f"-- {l1}"


def apply(name: str, params: dict) -> config.Config:
    """harness/configs/<name>.toml with the options of `params` set
    ({option: value}, in order)."""
    try:
        cfg = config.load(name, **{k: params[k] for k in PLACEHOLDERS if k in params})
    except config.ConfigError as e:
        raise ParamError(str(e)) from None
    over = {}
    append, cpu = cfg.append, cfg.cpu
    for opt, val in params.items():
        check_option(cfg, opt)
        if opt in PLACEHOLDERS:
            continue
        if opt in TOP:
            if TOP[opt] is int:
                try:
                    over[opt] = int(val)
                except ValueError:
                    raise ParamError(f"option {opt}: {val!r} is not an integer") from None
            else:
                over[opt] = str(config.ROOT / val) if opt in ("kernel", "firmware") and \
                    not Path(val).is_absolute() else val
        elif opt.startswith(("l0.", "l1.")):
            l0, l1 = split_append(append)
            append = join_append(_set_word(l0, opt, val), l1)
        elif opt.startswith("cmdline."):
            word = opt[len("cmdline."):]
            if has_l0(cfg):
                l0, l1 = split_append(append)
                append = join_append(l0, _set_word(l1 or "", word, val))
            else:
                append = _set_word(append, word, val)
        elif opt.startswith("cpu."):
            prop = opt[len("cpu."):]
            model, *props = cpu.split(",")
            props = [p for p in props if p.split("=", 1)[0] != prop]
            cpu = ",".join([model] + props + [f"{prop}={val}"])
    if append != cfg.append:
        over["append"] = append
    if cpu != cfg.cpu:
        over["cpu"] = cpu
    if "kernel" in over and cfg.symbols == cfg.kernel:
        over["symbols"] = over["kernel"]
    if "kernel" in over or "firmware" in over:
        # the replaced image is what must exist now
        old = {cfg.kernel, cfg.firmware}
        over["requires"] = tuple(r for r in cfg.requires if r not in old) + \
            tuple(over[k] for k in ("kernel",) if k in over)
    return cfg.with_overrides(**over) if over else cfg


def point_key(name: str, params: dict) -> str:
    """The results-file key of one sweep point: nested-nacl[l0.nacl=csr l1.gstage=sv48]."""
    return f"{name}[{' '.join(f'{k}={v}' for k, v in params.items())}]"


def point_label(params: dict) -> str:
    return " ".join(f"{k}={v}" for k, v in params.items())
