"""Runs of the *-disk configurations (disk/README.md) on a copy of the
disk: a run writes to its disk (disk/init.sh keeps a file across boots), so
tests and benchmarks boot a sparse copy of $(BUILD)/disk/rootfs.ext4
(which the configurations open with snapshot=on) and read its
`RVNEST disk` lines."""

import subprocess
from pathlib import Path

from . import config


def image() -> Path:
    return config.build_dir() / "disk" / "rootfs.ext4"


def copy_disk(dest: Path) -> Path:
    """A sparse copy of the build's disk at dest (the image is mostly
    free space)."""
    subprocess.run(["cp", "--sparse=always", str(image()), str(dest)], check=True)
    return dest


def with_disk(cfg: config.Config, disk: Path) -> config.Config:
    """cfg booting `disk` instead of the build's disk (its -drive file=),
    writing to it: the configurations' snapshot=on (which keeps the build's
    disk as built under make run) is dropped."""
    old = f"file={image()},"
    args = []
    for a in cfg.extra_args:
        if a.startswith(old):
            a = ",".join(o for o in a.replace(old, f"file={disk},").split(",")
                         if o != "snapshot=on")
        args.append(a)
    if tuple(args) == cfg.extra_args:
        raise config.ConfigError(f"config {cfg.name}: no -drive {old}... to replace")
    return cfg.with_overrides(extra_args=tuple(args))


def records(res) -> list:
    """The run's `RVNEST disk` records, in order."""
    return [r for r in res.protocol.records if r.kind == "disk"] if res.protocol else []


def by_name(res) -> dict:
    """name -> the last `RVNEST disk name=<name>` record of the run."""
    return {r["name"]: r for r in records(res)}
