"""An ext4 image from a list of files, without root and reproducibly: the
recipe of app/rootfs.py's L2 disk (app/README.md "The images") as a
function of its own, so disk/mkdisk.py builds the *-disk root the same way
without editing app/rootfs.py, which issue 13's branch reworks. (After the
merge, rootfs.l2_image can call this too.)

  ext4_image(files, links, dirs, out, label, uuid, slack_mib) -> MiB

files {image path: source file}, links {image path: target}, dirs (image
paths). A staging tree gets every mtime fixed; `mke2fs -d` copies it into
an ext4 of its size plus slack_mib MiB, with a fixed UUID, directory hash
seed and E2FSPROGS_FAKE_TIME, no journal, / owned by root; then debugfs
sets every ctime and atime (mke2fs copies the staging files' ctimes, which
no one can set, and reading a file for the copy may move its atime).
"""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "app"))
from rootfs import EPOCH, EPOCH_DEBUGFS, RootfsError  # noqa: E402  (app/rootfs.py)


def _stage(stage, files, links, dirs) -> int:
    """Fill the staging tree; returns the bytes it holds."""
    for d in sorted(dirs):
        os.makedirs(os.path.join(stage, d), exist_ok=True)
    for dest, src in sorted(files.items()):
        at = os.path.join(stage, dest)
        shutil.copyfile(src, at)
        os.chmod(at, 0o755 if dest == "init" or os.access(src, os.X_OK) else 0o644)
    for dest, target in sorted(links.items()):
        os.symlink(target, os.path.join(stage, dest))
    os.chmod(stage, 0o755)
    size = 0
    for root, ds, fs in os.walk(stage):
        for n in ds + fs:
            p = os.path.join(root, n)
            size += os.lstat(p).st_size
            os.utime(p, (EPOCH, EPOCH), follow_symlinks=False)
    os.utime(stage, (EPOCH, EPOCH))
    return size


def _run(cmd, what, **kw):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, **kw)
    except FileNotFoundError:
        raise RootfsError(f"{what} not found: run 'make deps' (e2fsprogs)") from None


def ext4_image(files, links, dirs, out, label, uuid, slack_mib) -> int:
    with tempfile.TemporaryDirectory(prefix="rvnest-ext4-") as stage:
        mib = _stage(stage, files, links, dirs) // (1 << 20) + slack_mib
        env = dict(os.environ, TZ="UTC", E2FSPROGS_FAKE_TIME=str(EPOCH),
                   SOURCE_DATE_EPOCH=str(EPOCH))
        tmp = out + ".tmp"
        if os.path.exists(tmp):
            os.unlink(tmp)
        cmd = ["mke2fs", "-q", "-F", "-t", "ext4", "-O", "^has_journal", "-L", label,
               "-U", uuid, "-E", f"root_owner=0:0,hash_seed={uuid}", "-d", stage, tmp, f"{mib}M"]
        r = _run(cmd, "mke2fs", env=env)
        if r.returncode:
            raise RootfsError(f"{' '.join(cmd)}: {r.stderr.strip()}")
        paths = sorted("/" + os.path.relpath(os.path.join(root, n), stage)
                       for root, ds, fs in os.walk(stage) for n in ds + fs)
        script = "".join(f"set_inode_field {p} {t} {EPOCH_DEBUGFS}\n"
                         for p in paths for t in ("ctime", "atime"))
        r = _run(["debugfs", "-w", "-f", "-", tmp], "debugfs", input=script, env=env)
        # debugfs reports a failed request on stderr but exits 0
        bad = [line for line in r.stderr.splitlines()
               if line.strip() and not line.startswith("debugfs ")]
        if r.returncode or bad:
            os.unlink(tmp)
            raise RootfsError(f"debugfs on {tmp}: {' '.join(bad) or r.returncode}")
        os.replace(tmp, out)
    return mib
