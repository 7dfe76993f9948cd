#!/usr/bin/env python3
"""The raw disk of the pcidma L1 (tests/pcidma/pcidma.c): 1 MiB, sector 0
starting with the pattern pcidma reads back, sector 1 zero (pcidma writes
it), sector 2 filled with 0xaa (a stray DMA must not put host bytes there).
   mkdisk.py <output>"""

import sys

SECTOR = 512
SECTOR0 = b"rvnest-pcidma-sector0"


def image() -> bytes:
    d = bytearray(1 << 20)
    d[: len(SECTOR0)] = SECTOR0
    for i in range(len(SECTOR0), SECTOR):
        d[i] = i & 0xFF
    d[2 * SECTOR: 3 * SECTOR] = b"\xaa" * SECTOR
    return bytes(d)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: mkdisk.py <output>")
    with open(sys.argv[1], "wb") as f:
        f.write(image())
