"""The build workload's project (app/README.md, app/workloads.sh wl_build):
QBE intermediate-language files for Debian's `qbe` (the compiler backend of
cproc and others; Debian's riscv64 packages have no small C compiler: no
tcc, and gcc's cc1 alone is 56 MB, too much for L1's initramfs twice).

Each file is a module of exported functions: loops over integer and
floating-point arithmetic, nested conditionals, memory traffic through a
stack slot, and calls to the file's earlier functions, so qbe's whole
pipeline (SSA construction, copy elimination, folding, liveness, register
allocation, instruction selection for rv64) has work to do. Generated from
a fixed seed: the same bytes every time.

usage: python3 app/buildproj.py OUT_DIR [--files N] [--functions M]
"""

import argparse
import os
import sys

FILES = 16
FUNCTIONS = 24
SEED = 0x5eed


class Lcg:
    """A fixed pseudo-random sequence (Knuth's MMIX constants)."""

    def __init__(self, seed):
        self.x = seed

    def next(self, n):
        self.x = (self.x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return (self.x >> 33) % n


OPS = ("add", "sub", "mul", "xor", "and", "or", "shl", "shr")


def function(r, file_no, k):
    name = f"m{file_no}_f{k}"
    body = [f"export function l ${name}(l %a, l %b) {{", "@start",
            "\t%slot =l alloc8 8", "\t%acc =l copy %a", "\t%i =l copy 0",
            "\t%d =d sltof %b"]
    nblocks = 2 + r.next(3)
    for blk in range(nblocks):
        lab = f"b{blk}"
        body += [f"@{lab}_head", "\t%i =l copy 0", f"@{lab}_loop"]
        for t in range(4 + r.next(6)):
            op = OPS[r.next(len(OPS))]
            # shifts by a small constant; the rest by %acc or a constant
            if op in ("shl", "shr"):
                rhs = f"{1 + r.next(7)}"
            else:
                rhs = "%acc" if r.next(2) else f"{1 + r.next(1000)}"
            body.append(f"\t%t{t} =l {op} %acc, {rhs}")
            body.append(f"\t%acc =l add %acc, %t{t}")
        body += ["\t%d =d mul %d, d_1.0001", "\t%d =d add %d, d_0.5",
                 "\tstorel %acc, %slot", "\t%m =l loadl %slot",
                 "\t%c =l and %m, 1", f"\tjnz %c, @{lab}_odd, @{lab}_even",
                 f"@{lab}_odd", "\t%acc =l xor %acc, %b",
                 f"\tjmp @{lab}_next", f"@{lab}_even",
                 "\t%acc =l sub %acc, %i", f"@{lab}_next",
                 "\t%i =l add %i, 1",
                 f"\t%more =l csltl %i, {8 + r.next(56)}",
                 f"\tjnz %more, @{lab}_loop, @{lab}_done", f"@{lab}_done"]
        if k:
            callee = f"m{file_no}_f{r.next(k)}"
            body.append(f"\t%acc =l call ${callee}(l %acc, l %i)")
    body += ["\t%di =l dtosi %d", "\t%acc =l add %acc, %di", "\tret %acc", "}", ""]
    return "\n".join(body)


def generate(out_dir, files, functions):
    os.makedirs(out_dir, exist_ok=True)
    r = Lcg(SEED)
    for f in range(files):
        text = f"# rvnest build workload, module {f} (app/buildproj.py)\n\n"
        text += "\n".join(function(r, f, k) for k in range(functions))
        with open(os.path.join(out_dir, f"m{f:02d}.ssa"), "w") as fh:
            fh.write(text)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=FILES)
    ap.add_argument("--functions", type=int, default=FUNCTIONS)
    a = ap.parse_args(argv)
    if a.files < 1 or a.functions < 1:
        ap.error("--files and --functions must be at least 1")
    generate(a.out, a.files, a.functions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
