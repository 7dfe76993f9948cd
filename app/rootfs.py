"""Assemble the application configurations' file systems (app/README.md)
from the Debian riscv64 tree that ci/debian-userspace.sh unpacked:

  l2   L2's root file system, an ext4 image built by e2fsprogs'
       `mke2fs -d` (no root needed): busybox (static), the workloads'
       programs (hackbench, sysbench, stress-ng, memcached, qbe) with their
       shared-library closure, app/workloads.sh, the build workload's
       sources (app/buildproj.py), /init = app/l2-init.sh
  l1   L1's initramfs, a newc cpio list for the kernel's usr/gen_init_cpio
       (which writes root ownership and device nodes without root): busybox,
       Debian's qemu-system-riscv64, the same workloads and memcaslap with
       their shared-library closure, /init = app/l1-init.sh, L2's kernel
       and the l2 image

Reproducible: entries are sorted, every mtime is fixed (gen_init_cpio -t 0;
mke2fs from a staging tree whose mtimes are set to SOURCE_DATE_EPOCH, with
E2FSPROGS_FAKE_TIME, a fixed UUID and hash seed), and only the files named
here are taken from the Debian tree, so the same packages give the same
bytes. The libraries a program needs are read from its ELF dynamic section
(DT_NEEDED and PT_INTERP, by binutils' readelf), recursively.

usage: python3 app/rootfs.py l2 --debian DIR --init FILE --out IMG
       python3 app/rootfs.py l1 --debian DIR --init FILE --image IMAGE
                                --l2-root IMG --out LIST
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Fixed mtime of every file in the images (1 Jan 2000 UTC: e2fsprogs
# treats 0 as "not set").
EPOCH = 946684800
EPOCH_DEBUGFS = "20000101000000"  # the same instant as debugfs writes it
# Debian's multiarch library directories for riscv64, searched in this order
LIB_DIRS = ("usr/lib/riscv64-linux-gnu", "lib/riscv64-linux-gnu", "usr/lib", "lib")
# Every library lands here in the images; the usrmerge symlinks below make
# /lib/... (PT_INTERP) resolve to it as on a Debian system.
IMAGE_LIB_DIR = "usr/lib/riscv64-linux-gnu"
USRMERGE = {"bin": "usr/bin", "sbin": "usr/sbin", "lib": "usr/lib"}
# The busybox applets the two /init scripts use, as links to /usr/bin/busybox
APPLETS = ("sh", "mount", "umount", "mkdir", "cat", "echo", "grep", "sed",
           "poweroff", "sleep", "ip", "ping", "tee", "uname", "head", "tail",
           "tr", "cut", "wc", "date", "sync", "ls", "rm", "test", "[", "awk",
           # app/workloads.sh and the window marks of both /init scripts
           "stty", "mkfifo", "kill", "nc", "printf", "basename", "xargs")
BUSYBOX = "usr/bin/busybox"
HACKBENCH = "usr/bin/hackbench"
QEMU = "usr/bin/qemu-system-riscv64"
# the workloads (app/workloads.sh): wherever a workload runs, L2 and
# natively in L1; memcaslap, memcached's load, runs in L1 only
WORKLOAD_PROGRAMS = (HACKBENCH, "usr/bin/sysbench", "usr/bin/stress-ng",
                     "usr/bin/memcached", "usr/bin/qbe")
MEMCASLAP = "usr/bin/memcaslap"
HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOADS_SH = os.path.join(HERE, "workloads.sh")
# where app/workloads.sh expects itself and the build project
IMAGE_WORKLOADS = "usr/lib/rvnest/workloads.sh"
IMAGE_PROJECT = "usr/share/rvnest/buildproj"
# L2's ext4 image: this much free space over its contents (the workloads'
# files), and a fixed
# identity so the image is the same bytes every time
EXT4_SLACK_MIB = 32  # sysbench fileio's 8 MiB of files, stress-ng's, the build's
EXT4_UUID = "6d1c7d2a-5d6e-4b1f-9a51-7276e6573102"
NEEDED_RE = re.compile(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")
INTERP_RE = re.compile(r"\[Requesting program interpreter: ([^\]]+)\]")


class RootfsError(Exception):
    pass


def readelf(path, flag):
    try:
        return subprocess.run(["readelf", flag, "-W", path], check=True,
                              capture_output=True, text=True).stdout
    except FileNotFoundError:
        raise RootfsError("readelf not found: install binutils") from None
    except subprocess.CalledProcessError as e:
        raise RootfsError(f"readelf {flag} {path}: {e.stderr.strip()}") from None


def find_lib(debian, name):
    for d in LIB_DIRS:
        p = os.path.join(debian, d, name)
        if os.path.lexists(p):
            return p
    raise RootfsError(f"shared library {name} is not in {debian} ({', '.join(LIB_DIRS)}): "
                      "is the package that has it among the fetched ones?")


def resolve(debian, path):
    """A path inside the Debian tree with its symlinks followed inside the
    tree (absolute link targets are relative to the tree's root)."""
    for _ in range(40):
        if not os.path.islink(path):
            return path
        target = os.readlink(path)
        path = (os.path.join(debian, target.lstrip("/")) if target.startswith("/")
                else os.path.normpath(os.path.join(os.path.dirname(path), target)))
    raise RootfsError(f"symlink loop at {path}")


def elf_closure(debian, programs):
    """({image path: file in the Debian tree}, {image link: target}) for
    the programs and every library they need (by its DT_NEEDED name),
    recursively; the links make each PT_INTERP path resolve."""
    out = {}
    links = {}
    seen = set()
    todo = []
    for p in programs:
        src = resolve(debian, os.path.join(debian, p))
        if not os.path.isfile(src):
            raise RootfsError(f"{p} is not in {debian}")
        todo.append((p, src))
    while todo:
        dest, src = todo.pop()
        out.setdefault(dest, src)
        if src in seen:
            continue
        seen.add(src)
        needed = NEEDED_RE.findall(readelf(src, "-d"))
        m = INTERP_RE.search(readelf(src, "-l"))
        if m:
            # PT_INTERP is /lib/ld-linux-...: /lib links to usr/lib (the
            # usrmerge links), where Debian's libc6 has a link of the same
            # name into IMAGE_LIB_DIR; make the same one
            interp = m.group(1)
            needed.append(os.path.basename(interp))
            at = interp.lstrip("/")
            top = at.split("/")[0]
            if top in USRMERGE:
                at = USRMERGE[top] + at[len(top):]
            if os.path.dirname(at) != IMAGE_LIB_DIR:
                links[at] = os.path.relpath(os.path.join(IMAGE_LIB_DIR, os.path.basename(at)),
                                            os.path.dirname(at))
        for lib in needed:
            todo.append((os.path.join(IMAGE_LIB_DIR, lib),
                         resolve(debian, find_lib(debian, lib))))
    return out, links


def base_entries(debian, init):
    """What both images share: the usrmerge links, the mount points, busybox
    and its applet links, /init. Returns (files {dest: src}, links
    {dest: target}, dirs)."""
    # root's passwd and group entries: memcached refuses to run as root
    # unless told a user (-u root), which it looks up
    files = {"init": init, IMAGE_WORKLOADS: WORKLOADS_SH,
             "etc/passwd": os.path.join(HERE, "etc/passwd"),
             "etc/group": os.path.join(HERE, "etc/group")}
    busybox = resolve(debian, os.path.join(debian, BUSYBOX))
    if not os.path.isfile(busybox):
        raise RootfsError(f"{BUSYBOX} is not in {debian} (busybox-static)")
    if NEEDED_RE.search(readelf(busybox, "-d")):
        raise RootfsError(f"{BUSYBOX} is not static: take busybox-static, not busybox")
    files[BUSYBOX] = busybox
    links = dict(USRMERGE)
    for a in APPLETS:
        links[f"usr/bin/{a}"] = "busybox"
    dirs = {"dev", "proc", "sys", "tmp", "etc", "usr", "usr/bin", "usr/sbin",
            "usr/lib", IMAGE_LIB_DIR}
    return files, links, dirs


def parents(path):
    out = []
    d = os.path.dirname(path)
    while d:
        out.append(d)
        d = os.path.dirname(d)
    return out


def project(out_dir):
    """{image path: file} of the build workload's sources, generated into
    out_dir (app/buildproj.py)."""
    sys.path.insert(0, HERE)
    import buildproj
    buildproj.generate(out_dir, buildproj.FILES, buildproj.FUNCTIONS)
    return {os.path.join(IMAGE_PROJECT, n): os.path.join(out_dir, n)
            for n in sorted(os.listdir(out_dir))}


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
    """An ext4 image at out from files {image path: source file}, links
    {image path: target} and dirs (image paths), without root and
    reproducibly; returns its size in MiB (the contents plus slack_mib).
    L2's root here and disk/mkdisk.py's *-disk root are built by it.

    A staging tree gets every mtime fixed; `mke2fs -d` copies it into an
    ext4 with no journal (its users power off after a sync), / owned by
    root whoever builds it (root_owner; -d copies the other files' owners:
    app/README.md), a fixed UUID, directory hash seed and
    E2FSPROGS_FAKE_TIME. mke2fs -d also copies each file's ctime, which no
    one can set on the staging tree, and its atime, which reading the file
    for the copy may just have moved (relatime): debugfs' set_inode_field
    sets both in the image."""
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


def l2_image(args):
    files, links, dirs = base_entries(args.debian, args.init)
    closure, interp_links = elf_closure(args.debian, list(WORKLOAD_PROGRAMS))
    files.update(closure)
    links.update(interp_links)
    for f in files:
        dirs.update(parents(f))
    with tempfile.TemporaryDirectory(prefix="rvnest-buildproj-") as proj:
        files.update(project(proj))
        dirs.update(d for f in files for d in parents(f))
        mib = ext4_image(files, links, dirs, args.out, "rvnest-l2", EXT4_UUID,
                         EXT4_SLACK_MIB)
    print(f"rootfs: {args.out}: {mib} MiB ext4, {len(files)} files")


def l1_list(args):
    files, links, dirs = base_entries(args.debian, args.init)
    # the workloads too, for the native baseline (rvnest.where=l1), and
    # memcached's load generator
    closure, interp_links = elf_closure(args.debian,
                                        [QEMU, MEMCASLAP, *WORKLOAD_PROGRAMS])
    files.update(closure)
    files.update(project(os.path.join(os.path.dirname(os.path.abspath(args.out)),
                                      "buildproj")))
    links.update(interp_links)
    files["guests/Image"] = args.image
    files["guests/l2-root.ext4"] = args.l2_root
    dirs.add("guests")
    for f in files:
        dirs.update(parents(f))
    lines = ["# L1's initramfs of the app-* configurations, generated by",
             "# app/rootfs.py from Debian's riscv64 packages (manifest.tsv)."]
    # /dev/console: character device 5:1, which the kernel opens as init's
    # stdin/stdout/stderr before /init mounts devtmpfs
    entries = [("dev/console", "nod /dev/console 0600 0 0 c 5 1")]
    entries += [(d, f"dir /{d} 0755 0 0") for d in dirs]
    for dest, src in files.items():
        mode = "0755" if dest == "init" or os.access(src, os.X_OK) else "0644"
        entries.append((dest, f"file /{dest} {os.path.abspath(src)} {mode} 0 0"))
    for dest, target in links.items():
        entries.append((dest, f"slink /{dest} {target} 0777 0 0"))
    # parents before children: sort by path
    lines += [e for _, e in sorted(entries)]
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, args.out)
    total = sum(os.path.getsize(s) for s in files.values())
    print(f"rootfs: {args.out}: {len(files)} files, {total // (1 << 20)} MiB")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=("l1", "l2"))
    ap.add_argument("--debian", required=True, help="the unpacked Debian tree")
    ap.add_argument("--init", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--image", help="l1: L2's kernel")
    ap.add_argument("--l2-root", help="l1: L2's ext4 image")
    args = ap.parse_args(argv)
    try:
        if not os.path.isdir(os.path.join(args.debian, "usr")):
            raise RootfsError(f"{args.debian} is not an unpacked Debian tree")
        if args.what == "l2":
            l2_image(args)
        else:
            if not (args.image and args.l2_root):
                raise RootfsError("l1 needs --image and --l2-root")
            l1_list(args)
    except RootfsError as e:
        print(f"rootfs: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
