"""Build the root disk of the *-disk configurations (disk/README.md): an
ext4 image, written by e2fsprogs' `mke2fs -d` from a staging tree (no root
needed), reproducibly (app/rootfs.py's ext4_image, the recipe of the app
configurations' L2 disk: fixed UUID, hash seed, times), holding

  /init                          disk/init.sh
  /usr/bin/busybox + applets     Debian's busybox-static (ci/debian-userspace.sh)
  /usr/share/udhcpc/default.script   disk/udhcpc.script
  /usr/libexec/rvnest/nsclock    disk/nsclock.c (static): L1's clock in ns
  /usr/libexec/rvnest/vmm        kvm-vmm's VMM (static), for rvnest.kvm=micro
  /guests/micro.bin              the micro-guests it runs as L2
  /var/lib/rvnest/               where /init keeps what a reboot must find

and SLACK_MIB MiB of free space for the files /init writes (the benchmark's
transfers among them).

usage: python3 disk/mkdisk.py --debian DIR --init FILE --dhcp-script FILE
                              --nsclock FILE --vmm FILE --micro FILE --out IMG
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "app"))
import rootfs  # noqa: E402  (app/rootfs.py)

# the applets disk/init.sh and disk/udhcpc.script use, besides app/rootfs.py's
APPLETS = ("udhcpc", "wget", "dd", "sha256sum", "readlink", "mv", "cmp")
# free space: the largest rvnest.iobench transfer the benchmark writes
# (benchmarks/iobench.py, 32 MiB) with room for ext4's own metadata
SLACK_MIB = 96
LABEL = "rvnest-disk"
UUID = "3f0a5c9e-8b1d-4e27-a6c4-2d9e71b05a13"
VMM_DEST = "usr/libexec/rvnest/vmm"
NSCLOCK_DEST = "usr/libexec/rvnest/nsclock"
MICRO_DEST = "guests/micro.bin"
DHCP_DEST = "usr/share/udhcpc/default.script"
STATE_DIR = "var/lib/rvnest"


def build(args) -> None:
    files, links, dirs = rootfs.base_entries(args.debian, args.init)
    for a in APPLETS:
        links[f"usr/bin/{a}"] = "busybox"
    for what, path in (("--vmm", args.vmm), ("--micro", args.micro),
                       ("--nsclock", args.nsclock), ("--dhcp-script", args.dhcp_script)):
        if not os.path.isfile(path):
            raise rootfs.RootfsError(f"{what} {path} does not exist (run make)")
    files[VMM_DEST] = args.vmm
    files[NSCLOCK_DEST] = args.nsclock
    files[MICRO_DEST] = args.micro
    files[DHCP_DEST] = args.dhcp_script
    dirs.update({STATE_DIR, "var", "var/lib"})
    for f in files:
        dirs.update(rootfs.parents(f))
    mib = rootfs.ext4_image(files, links, dirs, args.out, LABEL, UUID, SLACK_MIB)
    print(f"mkdisk: {args.out}: {mib} MiB ext4, {len(files)} files")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--debian", required=True, help="the unpacked Debian tree")
    ap.add_argument("--init", required=True)
    ap.add_argument("--dhcp-script", required=True)
    ap.add_argument("--vmm", required=True)
    ap.add_argument("--nsclock", required=True)
    ap.add_argument("--micro", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    try:
        if not os.path.isdir(os.path.join(args.debian, "usr")):
            raise rootfs.RootfsError(f"{args.debian} is not an unpacked Debian tree "
                                     "(run 'make deps')")
        build(args)
    except rootfs.RootfsError as e:
        print(f"mkdisk: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
