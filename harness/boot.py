"""Boot one configuration and show its console (make run CONFIG=), list the
configurations (make configs), or start it under gdb (make debug).

    /usr/bin/python3 -m harness.boot <config> [--l1 IMG] [--initrd FILE]
        [--bootargs ARGS] [--l0args ARGS] [--no-icount] [--timeout S] [--debug]
    /usr/bin/python3 -m harness.boot --list
    /usr/bin/python3 -m harness.boot --check

Exit status 0 when the run meets the configuration's success criterion;
otherwise one line `error: ...` on stderr and status 1 (2 for usage)."""

import argparse
import os
import shutil
import subprocess
import sys

from . import config, qemu, runner

# How long `make debug` keeps QEMU alive at most (the gdb session is
# interactive; this bounds a forgotten session on a shared machine).
DEBUG_TIMEOUT = 3600
GDB = "gdb-multiarch"


def _rel(p: str) -> str:
    return os.path.relpath(p, config.ROOT) if p.startswith(str(config.ROOT)) else p


def list_configs(out=None) -> int:
    out = out or sys.stdout
    rows = []
    bad = []
    for name in config.list_names():
        try:
            c = config.load(name)
        except config.ConfigError as e:
            bad.append(str(e))
            continue
        missing = c.missing()
        state = "ready" if not missing else "missing " + ", ".join(_rel(m) for m in missing)
        bench = f"bench:{c.bench.label}" if c.bench.matrix else "-"
        rows.append((name, bench, c.description, state))
    w = max((len(r[0]) for r in rows), default=4)
    wb = max((len(r[1]) for r in rows), default=1)
    for name, bench, desc, state in rows:
        print(f"{name:<{w}}  {bench:<{wb}}  {desc}", file=out)
        print(f"{'':<{w}}  {'':<{wb}}  [{state}]", file=out)
    for b in bad:
        print(f"error: {b}", file=sys.stderr)
    return 1 if bad else 0


def check_configs() -> int:
    """Load every configuration; check that each baseline exists."""
    try:
        cfgs = config.load_all()
    except config.ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    names = {c.name for c in cfgs}
    rc = 0
    for c in cfgs:
        if c.bench.baseline and c.bench.baseline not in names:
            print(f"error: config {c.name} [bench]: baseline '{c.bench.baseline}' "
                  f"is not a configuration", file=sys.stderr)
            rc = 1
    if rc == 0:
        print(f"{len(cfgs)} configurations valid: {', '.join(sorted(names))}")
    return rc


def debug(cfg: config.Config) -> int:
    """QEMU halted at reset with a gdbstub on a free port, gdb-multiarch in
    the foreground with the image's symbols loaded."""
    gdb = shutil.which(GDB)
    if not gdb:
        print(f"error: {GDB} not found (run `make deps`)", file=sys.stderr)
        return 1
    missing = cfg.missing()
    if missing:
        print(f"error: {runner._missing_message(cfg, missing[0])}", file=sys.stderr)
        return 1
    port = qemu.free_port()
    argv = qemu.command(cfg, gdb_port=port)
    argv[0] = qemu.qemu_binary()
    runner.announce_qemu()
    log = runner._new_log(cfg.name)
    print(f"harness: {' '.join(argv)}", file=sys.stderr)
    print(f"harness: console -> {log}; gdbstub on 127.0.0.1:{port}", file=sys.stderr)
    with open(log, "w") as lf:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=lf, stderr=subprocess.STDOUT)
        try:
            gdb_argv = [gdb, "-q", "-ex", "set architecture riscv:rv64",
                        "-ex", f"file {cfg.symbols}",
                        "-ex", f"target remote 127.0.0.1:{port}"]
            subprocess.run(gdb_argv, timeout=DEBUG_TIMEOUT)
        except subprocess.TimeoutExpired:
            print(f"error: debug session ended after {DEBUG_TIMEOUT}s", file=sys.stderr)
        finally:
            runner._stop(proc)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m harness.boot", description=__doc__.splitlines()[0])
    ap.add_argument("config", nargs="?", help="configuration name (harness/configs/<name>.toml)")
    ap.add_argument("--l1", help="L1 image (overrides the configuration's {l1})")
    ap.add_argument("--initrd", help="initrd (overrides {initrd})")
    ap.add_argument("--bootargs", help="L1's command line, passed unchanged (overrides {bootargs})")
    ap.add_argument("--l0args", help="L0's options, in configurations that boot L0 (overrides {l0args})")
    ap.add_argument("--no-icount", action="store_true", help="run without -icount even if deterministic")
    ap.add_argument("--timeout", type=float, help="seconds (default: the configuration's)")
    ap.add_argument("--debug", action="store_true", help="QEMU -S with a gdbstub + gdb-multiarch")
    ap.add_argument("--list", action="store_true", help="list the configurations")
    ap.add_argument("--check", action="store_true", help="validate every configuration file")
    a = ap.parse_args(argv)
    if a.list:
        return list_configs()
    if a.check:
        return check_configs()
    if not a.config:
        ap.print_usage(sys.stderr)
        print("error: name a configuration (make configs lists them)", file=sys.stderr)
        return 2
    try:
        cfg = config.load(a.config, l1=a.l1, initrd=a.initrd, bootargs=a.bootargs,
                          l0args=a.l0args)
    except config.ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    try:
        if a.debug:
            return debug(cfg)
        print(f"harness: config {cfg.name}: {cfg.description}", file=sys.stderr)
        res = runner.run(cfg, icount=False if a.no_icount else None, echo=sys.stdout, timeout=a.timeout)
    except qemu.QemuError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if res.log_path:
        print(f"harness: console log {res.log_path}", file=sys.stderr)
    if not res.ok:
        print(f"error: {res.error}", file=sys.stderr)
        return 1
    print(f"harness: config {cfg.name} passed in {res.duration:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
