"""Small flat L1 images, assembled here from the source below each test
(the cross toolchain make builds with), for L0 paths no full L1 takes
(issue 17, coverage of l0-hyp/fetch.c, sbi_glue.c and lock.h):

- a 32-bit instruction whose second half is on the next page, fetched by
  L0 to emulate it (l0.decode=fetch: htinst and stval are not used), for
  a store and a load of L0's emulated PLIC: the load must return what the
  store wrote, or L1 powers off with SBI SRST reason "system failure";
- an L1 whose only hart stops itself through SBI HSM: nothing can start
  it again, so L0 ends the run with `all_L1_harts_stopped`, never a hang;
- rvnest BENCH markers for a benchmark id L0 does not know, and an END
  without its BEGIN: ignored with a line each, no l0bench window, while
  a proper BEGIN/END pair in the same run gives one;
- both harts of a two-vCPU L1 writing whole lines through SBI DBCN at
  once: L0's console lock (lock.h) keeps every line whole.

Each image is loaded at 0x80200000 (L0's flat-image address) and runs in
VS-mode with satp = 0, so its addresses are L1 guest-physical.
"""

import shutil
import subprocess

import pytest

from harness import config, runner, testing
from harness.test_l0 import SMOKE

AS = "riscv64-unknown-elf-as"
LD = "riscv64-unknown-elf-ld"
OBJCOPY = "riscv64-unknown-elf-objcopy"

# SBI SRST shutdown (SBI spec "System Reset Extension"): a0 = type 0
# (shutdown), a1 = reason (0 none, 1 system failure) already set
SHUTDOWN = """
	li a0, 0
	li a6, 0
	li a7, 0x53525354
	ecall
1:	j 1b
"""


def assemble(tmp_path, name, src):
    if not shutil.which(AS):
        pytest.skip(f"{AS} not installed (make deps)")
    s, o, elf, b = (tmp_path / f"{name}.{e}" for e in ("S", "o", "elf", "bin"))
    s.write_text("\t.text\n\t.globl _start\n_start:\n" + src)
    r = subprocess.run([AS, "-march=rv64imac", "-o", str(o), str(s)],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, f"{s}: {r.stderr}"
    # linked at L0's flat-image address, so that `la` resolves
    subprocess.run([LD, "-Ttext=0x80200000", "-e", "_start", "-o", str(elf), str(o)],
                   check=True, capture_output=True, timeout=30)
    subprocess.run([OBJCOPY, "-O", "binary", str(elf), str(b)], check=True,
                   capture_output=True, timeout=30)
    return b


def run_flat(tmp_path, name, src, l0args=""):
    testing.load_or_skip(SMOKE)
    cfg = config.load(SMOKE, l1=str(assemble(tmp_path, name, src)), l0args=l0args)
    return testing.run(cfg.with_overrides(timeout=30), icount=True)


# PLIC priority of source 1 (PLIC spec "Interrupt Priorities": one 32-bit
# WARL register per source at 4 * id; QEMU's virt PLIC keeps 3 bits, so 5
# reads back as 5). Each access sits at offset 0xffe of a page: its first
# parcel ends that page, its second starts the next one.
STRADDLE = """
	.option norvc
	li t0, 0x0c000000
	li t1, 5
	j store
	.org 0xffe
store:
	sw t1, 4(t0)
	j load
	.org 0x1ffe
load:
	lw t2, 4(t0)
	sub a1, t2, t1
	snez a1, a1
""" + SHUTDOWN


@pytest.mark.parametrize("decode", ["fetch", "reported"])
def test_instruction_straddling_a_page_is_emulated(tmp_path, decode):
    res = run_flat(tmp_path, "straddle", STRADDLE, l0args=f"l0.decode={decode}")
    assert res.ok, f"{res.error} (log: {res.log_path})"
    assert "[l0] L1: flat image 0x80200000-0x80202" in res.console, res.log_path
    st = res.protocol.l0stats
    assert st is not None, res.log_path
    # the store and the load, each one trap into L0's PLIC emulation
    assert int(st["mmio_writes"]) == 1 and int(st["mmio_reads"]) == 1, st.line


def test_straddle_check_can_fail(tmp_path):
    """The same image comparing with a value the store did not write
    powers off with "system failure": the outcome above is measured."""
    src = STRADDLE.replace("\tsub a1, t2, t1", "\taddi t1, t1, 1\n\tsub a1, t2, t1")
    res = run_flat(tmp_path, "straddle-bad", src, l0args="l0.decode=fetch")
    assert not res.ok and not res.timed_out, res.log_path
    assert res.outcome is runner.Outcome.L1_STATUS, (res.outcome, res.log_path)


def test_every_l1_hart_stopped(tmp_path):
    """SBI HSM hart_stop (SBI spec "Hart State Management", FID 1) on the
    only hart: L0 names it instead of waiting forever for a start."""
    src = """
	li a6, 1
	li a7, 0x48534d
	ecall
1:	j 1b
"""
    res = run_flat(tmp_path, "hart-stop", src)
    assert not res.timed_out, f"hang (log: {res.log_path})"
    assert res.exit_code is not None, res.log_path  # QEMU ended by itself
    assert res.outcome is runner.Outcome.GUEST_ERROR, (res.outcome, res.log_path)
    assert [e["msg"] for e in res.protocol.errors] == ["all_L1_harts_stopped"], res.log_path
    assert int(res.protocol.errors[0]["depth"]) == 1


# rvnest SBI extension (common/include/rvnest/sbi.h): BENCH_BEGIN is FID
# 1, BENCH_END FID 2 with a1 = iterations; ids are enum bench_id
# (rvnest/bench.h: 0 is "hypercall")
BENCH = """
	li a7, 0x0852564e
	li a0, 4242
	li a6, 1
	ecall
	li a0, 4242
	li a1, 1
	li a6, 2
	ecall
	li a0, 0
	li a1, 1
	li a6, 2
	ecall
	li a0, 0
	li a6, 1
	ecall
	li a0, 0
	li a1, 1
	li a6, 2
	ecall
	li a1, 0
""" + SHUTDOWN


def test_bench_markers_unknown_and_unpaired(tmp_path):
    res = run_flat(tmp_path, "bench", BENCH)
    assert res.ok, f"{res.error} (log: {res.log_path})"
    lines = res.console.splitlines()
    assert lines.count("[l0] bench mark for unknown benchmark id 4242 ignored") == 2, \
        res.log_path
    assert lines.count("[l0] BENCH_END for hypercall without its BENCH_BEGIN") == 1, \
        res.log_path
    # only the proper pair opened and closed a window
    assert list(res.protocol.l0benches) == ["hypercall"], res.log_path
    assert int(res.protocol.l0benches["hypercall"]["iters"]) == 1


# Both harts of a two-vCPU L1 write whole lines through SBI DBCN
# console_write (SBI spec "Debug Console Extension", FID 0: a0 = bytes,
# a1/a2 = address): L0 serves each under its console lock, so each line
# comes out whole, whichever hart holds the lock while the other asks.
# Hart 0 starts hart 1 (HSM hart_start, FID 0) at the same entry and
# waits while it is START_PENDING (hart_get_status, FID 2: 2), so that both
# write at once; at the end it waits for hart 1 to stop (STOPPED = 1)
# and powers off. Without icount: QEMU then runs the two harts on two
# threads at once (under icount it runs them in turn, each for long
# slices, and the harts never meet at the lock); the lines counted are
# the same either way.
HAMMER_LINES = 2000
HAMMER_MSG = "lock hammer: hart {} writes this whole line"
HAMMER = f"""
	mv s0, a0
	bnez s0, work
	li a0, 1
	la a1, _start
	li a2, 0
	li a6, 0
	li a7, 0x48534d
	ecall
	bnez a0, fail
3:	li a0, 1
	li a6, 2
	li a7, 0x48534d
	ecall
	li t0, 2
	beq a1, t0, 3b
work:
	li s1, {HAMMER_LINES}
	la s2, msg0
	beqz s0, 1f
	la s2, msg1
1:	li a0, {len(HAMMER_MSG.format(0)) + 1}
	mv a1, s2
	li a2, 0
	li a6, 0
	li a7, 0x4442434e
	ecall
	bnez a0, fail
	addi s1, s1, -1
	bnez s1, 1b
	bnez s0, stop
2:	li a0, 1
	li a6, 2
	li a7, 0x48534d
	ecall
	li t0, 1
	bne a1, t0, 2b
	li a1, 0
	j off
stop:
	li a6, 1
	li a7, 0x48534d
	ecall
fail:
	li a1, 1
off:
""" + SHUTDOWN + f"""
msg0:	.ascii "{HAMMER_MSG.format(0)}\\n"
msg1:	.ascii "{HAMMER_MSG.format(1)}\\n"
"""


def test_two_harts_hammer_the_console_lock(tmp_path):
    testing.load_or_skip(SMOKE)
    img = assemble(tmp_path, "hammer", HAMMER)
    cfg = config.load(SMOKE, l1=str(img), l0args="l1.harts=2")
    res = testing.run(cfg.with_overrides(smp=2, timeout=60), icount=False)
    assert res.ok, f"{res.error} (log: {res.log_path})"
    lines = res.console.splitlines()
    for hart in (0, 1):
        want = HAMMER_MSG.format(hart)
        assert lines.count(want) == HAMMER_LINES, (hart, res.log_path)
    # nothing else of theirs: a line split by the other hart's bytes
    # would leave a fragment
    assert sum("lock hammer" in line for line in lines) == 2 * HAMMER_LINES, res.log_path
