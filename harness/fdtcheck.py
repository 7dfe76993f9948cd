"""Pre-flight check of a device tree handed to QEMU with -dtb.

OpenSBI 1.5 parses the structure block of the device tree before anything
of ours runs, and on a blob whose structure block is cut short or malformed
it stops without a word: the run would end only in the harness's timeout.
So the harness checks the header and walks the structure block itself
(devicetree specification v0.4, "Flattened Devicetree (DTB) Format") and
names the problem in one line. The strings block and the properties' values
are deliberately not judged here: L0 has to reject those itself, and its
tests hand it exactly such blobs.
"""

import struct
from pathlib import Path

FDT_MAGIC = 0xD00DFEED
FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 1, 2, 3, 4, 9
HEADER_SIZE = 40  # version 17 header: ten big-endian 32-bit fields


def _align4(n: int) -> int:
    return (n + 3) & ~3


def check_blob(blob: bytes) -> str:
    """'' when the firmware can walk the blob's structure block, else why not."""
    if len(blob) < HEADER_SIZE:
        return f"only {len(blob)} bytes, shorter than an FDT header ({HEADER_SIZE})"
    (magic, totalsize, off_struct, off_strings, off_rsvmap, version, last_comp,
     _boot_cpu, size_strings, size_struct) = struct.unpack(">10I", blob[:HEADER_SIZE])
    if magic != FDT_MAGIC:
        return f"bad magic 0x{magic:08x} (expected 0x{FDT_MAGIC:08x}): not a flattened device tree"
    if last_comp > 17 or version < 16:
        return f"unsupported FDT version {version} (last compatible {last_comp})"
    end_struct = off_struct + size_struct
    if off_struct < HEADER_SIZE or off_struct % 4 or end_struct > totalsize:
        return (f"structure block [0x{off_struct:x}, 0x{end_struct:x}) lies outside the "
                f"blob's totalsize 0x{totalsize:x}")
    if end_struct > len(blob):
        return (f"truncated inside its structure block: the file has {len(blob)} bytes, "
                f"the structure block ends at {end_struct}")
    if off_rsvmap < HEADER_SIZE or off_rsvmap % 8 or off_rsvmap > len(blob):
        return f"memory reservation map offset 0x{off_rsvmap:x} is invalid"
    pos, depth = off_struct, 0
    while True:
        if pos + 4 > end_struct:
            return "structure block ends without FDT_END"
        (token,) = struct.unpack(">I", blob[pos:pos + 4])
        pos += 4
        if token == FDT_BEGIN_NODE:
            nul = blob.find(b"\0", pos, end_struct)
            if nul < 0:
                return f"node name at 0x{pos:x} runs past the structure block"
            pos = _align4(nul + 1)
            depth += 1
        elif token == FDT_END_NODE:
            depth -= 1
            if depth < 0:
                return f"FDT_END_NODE at 0x{pos - 4:x} closes a node that was never opened"
        elif token == FDT_PROP:
            if pos + 8 > end_struct:
                return f"property header at 0x{pos:x} runs past the structure block"
            length, _nameoff = struct.unpack(">II", blob[pos:pos + 8])
            pos = _align4(pos + 8 + length)
            if pos > end_struct:
                return f"property value at 0x{pos:x} runs past the structure block"
            if depth == 0:
                return "a property outside any node"
        elif token == FDT_NOP:
            pass
        elif token == FDT_END:
            if depth != 0:
                return f"FDT_END with {depth} node(s) still open"
            return ""
        else:
            return f"unknown structure token 0x{token:x} at 0x{pos - 4:x}"


def check_dtb_args(argv) -> str:
    """'' when every `-dtb FILE` in a QEMU command line passes check_blob."""
    for i, a in enumerate(argv[:-1]):
        if a == "-dtb":
            path = Path(argv[i + 1])
            try:
                blob = path.read_bytes()
            except OSError as e:
                return f"device tree {path}: cannot read it ({e.strerror})"
            why = check_blob(blob)
            if why:
                return f"device tree {path} is malformed: {why} (the firmware would hang on it)"
    return ""
