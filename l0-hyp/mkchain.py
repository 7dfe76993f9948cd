#!/usr/bin/python3
"""Build an image chain (common/include/rvnest/chain.h): several boot images
in one file, for recursive stacks. An L0 whose L1 image is a chain runs
element 0 as its L1 and hands the rest on as that L1's initrd.

    mkchain.py -o OUT IMAGE IMAGE [IMAGE ...]   # 2 to 8 images, in boot order
    mkchain.py --list CHAIN                      # print the elements' sizes

Example (three L0s, then l1-guest-hyp): the outermost L0 gets
`-initrd l0-l0-l1.chain` made of l0.elf, l0.elf, l1-guest-hyp.elf."""

import argparse
import os
import struct
import sys

MAGIC = b"RVNCHAIN"
VERSION = 1
MAX = 8
ALIGN = 4096


def build(payloads):
    if not 2 <= len(payloads) <= MAX:
        raise ValueError(f"a chain has 2 to {MAX} elements, not {len(payloads)}")
    if any(len(p) == 0 for p in payloads):
        raise ValueError("an element is empty")
    hdr = MAGIC + struct.pack("<II", VERSION, len(payloads))
    hdr += b"".join(struct.pack("<Q", len(p)) for p in payloads)
    out = bytearray(hdr.ljust(ALIGN, b"\0"))
    for i, p in enumerate(payloads):
        out += p
        if i + 1 < len(payloads):
            out += b"\0" * (-len(out) % ALIGN)
    return bytes(out)


def parse(data):
    """[(offset, size)] of a well-formed chain; ValueError otherwise (the
    same rules as common/chain.c)."""
    if data[:8] != MAGIC:
        raise ValueError("not a chain (no RVNCHAIN magic)")
    if len(data) <= ALIGN:
        raise ValueError("shorter than its header")
    version, count = struct.unpack_from("<II", data, 8)
    if version != VERSION or not 2 <= count <= MAX:
        raise ValueError(f"version {version}, count {count}")
    if any(data[16 + 8 * count:ALIGN]):
        raise ValueError("reserved header bytes are not zero")
    off, out = ALIGN, []
    for i in range(count):
        (size,) = struct.unpack_from("<Q", data, 16 + 8 * i)
        if size == 0 or off + size > len(data):
            raise ValueError(f"element {i} (size {size} at {off}) outside the file")
        out.append((off, size))
        off += size
        if i + 1 < count:
            off += -off % ALIGN
    if off != len(data):
        raise ValueError(f"{len(data) - off} bytes after the last element")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output")
    ap.add_argument("--list", action="store_true", help="describe one chain file")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args(argv)
    try:
        if a.list:
            for path in a.files:
                with open(path, "rb") as f:
                    for i, (off, size) in enumerate(parse(f.read())):
                        print(f"{path}: element {i}: offset 0x{off:x} size {size}")
            return 0
        if not a.output:
            ap.error("-o OUT is required to build a chain")
        payloads = []
        for path in a.files:
            with open(path, "rb") as f:
                payloads.append(f.read())
        data = build(payloads)
    except (OSError, ValueError) as e:
        print(f"mkchain: {e}", file=sys.stderr)
        return 1
    with open(a.output + ".tmp", "wb") as f:
        f.write(data)
    os.replace(a.output + ".tmp", a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
