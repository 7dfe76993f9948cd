"""Boot one configuration in QEMU and judge the run.

Every wait has a timeout; the console goes to $(BUILD)/logs/<config>-<n>.log;
the QEMU version is announced once per process; each failure mode ends in
one line that names the configuration and the problem."""

import enum
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import fdtcheck, gcov, protocol, qemu
from .config import ROOT, Config, build_dir

# After SIGTERM, how long QEMU gets before SIGKILL, and how long the console
# reader threads get to drain the pipes.
KILL_GRACE = 5.0
DRAIN_TIMEOUT = 5.0


class Outcome(enum.Enum):
    PASSED = "passed"
    MISSING_FILE = "missing_file"          # a `requires` path, the kernel or the firmware
    QEMU_START_FAILED = "qemu_start_failed"  # QEMU rejected its command line
    NO_H_EXTENSION = "no_h_extension"      # the guest found no H extension
    GUEST_ERROR = "guest_error"            # an RVNEST error line
    TIMEOUT = "timeout"                    # the guest never finished
    PROTOCOL_ERROR = "protocol_error"      # a malformed RVNEST line
    BAD_EXIT = "bad_exit"                  # QEMU's exit status is not the expected one
    NO_DONE = "no_done"                    # no RVNEST done line although one is required
    DONE_STATUS = "done_status"            # RVNEST done with the wrong status
    MARKER_MISSING = "marker_missing"      # the success marker never appeared
    BAD_DEVICE_TREE = "bad_device_tree"    # a -dtb file the firmware would hang on
    L1_STATUS = "l1_status"                # a foreign L1 powered off with a non-zero status


# Guest error messages that mean a known platform problem, with the hint
# that makes the one-line error actionable.
GUEST_ERROR_HINTS = {
    "no_H_extension": "the CPU QEMU emulates has no H extension (-cpu {cpu}); "
                      "use -cpu rv64,h=true on QEMU >= 7",
}


# L0's last lines when L1 ends the run through SBI SRST (l0-hyp/vcpu.c
# l0_finish): a shutdown with its status (0 for reason "no reason", 1 for
# "system failure", sbi-nested/srst.c), or a reset.
L0_POWEROFF_RE = re.compile(r"\[l0\] L1 powered off \(status (-?\d+)\)")
L0_RESET_RE = re.compile(r"\[l0\] L1 asked for a reset \(status (-?\d+)\)")


# QEMU refusing the CPU's `h` property (a CPU model that cannot have it, or
# a QEMU that does not know it): "can't apply global <cpu>-riscv-cpu.h=...".
QEMU_NO_H_RE = re.compile(r"riscv-cpu\.h=")


@dataclass
class RunResult:
    config: str
    outcome: Outcome
    error: str  # one line, "" when passed
    command: list
    icount: bool
    exit_code: object = None  # int, or None when QEMU never ran or was killed
    duration: float = 0.0
    console: str = ""
    stderr: str = ""
    log_path: object = None
    protocol: object = None  # protocol.Protocol, or None when unparsable
    timed_out: bool = False
    timeout: float = 0.0  # the limit this run had, seconds

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.PASSED

    @property
    def last_line(self) -> str:
        for line in reversed(self.console.splitlines()):
            if line.strip():
                return line.strip()
        return ""


_announced = False


def announce_qemu(stream=None) -> str:
    """Print the QEMU in use, once per process (DESIGN: the QEMU in use is
    always printed, never silently replaced)."""
    global _announced
    v = qemu.version()
    if not _announced:
        print(f"harness: using {qemu.qemu_binary()}: {v}", file=stream or sys.stderr, flush=True)
        _announced = True
    return v


def _new_log(cfg_name: str) -> Path:
    """$(BUILD)/logs/<config>-<n>.log with the next free n; O_EXCL makes it
    safe when several runs (pytest -n, two engineers) start together."""
    d = build_dir() / "logs"
    d.mkdir(parents=True, exist_ok=True)
    n = 1 + max(
        (int(p.stem.rsplit("-", 1)[1]) for p in d.glob(f"{cfg_name}-*.log")
         if p.stem.rsplit("-", 1)[1].isdigit() and p.stem.rsplit("-", 1)[0] == cfg_name),
        default=0,
    )
    while True:
        p = d / f"{cfg_name}-{n}.log"
        try:
            fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            n += 1
            continue
        os.close(fd)
        return p


def _missing_message(cfg: Config, path: str) -> str:
    hint = "build it with `make`, or pass another path"
    if path.startswith("L0 option "):
        # Config.missing: an L0 option this L0 does not define yet
        return (f"config {cfg.name}: needs {path}: this L0 cannot run it yet")
    if path == cfg.kernel:
        what = "kernel image"
    elif path == cfg.values.get("l1"):
        what = "L1 image"  # loaded by L0 (as -initrd or fw_cfg) in nested configs
    elif path == cfg.firmware:
        what, hint = "firmware", "install it with `make deps`, or set `firmware` in the config"
    elif path in (cfg.initrd, cfg.values.get("initrd")):
        what = "initrd"
    else:
        what = "required file"
    rel = os.path.relpath(path, ROOT) if Path(path).is_relative_to(ROOT) else path
    return f"config {cfg.name}: {what} {rel} does not exist ({hint})"


def _reader(pipe, chunks, log, echo):
    for line in iter(pipe.readline, ""):
        chunks.append(line)
        if log:
            log.write(line)
            log.flush()
        if echo:
            echo.write(line)
            echo.flush()
    pipe.close()


def _stop(proc):
    """SIGTERM, then SIGKILL; every wait bounded."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=KILL_GRACE)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=KILL_GRACE)


def _judge_foreign(cfg: Config, res: RunResult) -> RunResult:
    """A run of a configuration that boots L0, with an L1 given by --l1 /
    L1= that printed no `RVNEST done`: an image that may know nothing of
    the protocol, judged by how it ended: L0's power-off line (the SRST
    status L1 asked for) and QEMU's exit status. Without L0 there is no
    such judge: OpenSBI 1.5 ends QEMU with status 0 on every SRST
    shutdown, whatever its reason (measured), so a failure would pass."""
    name = cfg.name
    first = lambda rx: next((m for m in map(rx.search, res.console.splitlines()) if m), None)
    off, reset = first(L0_POWEROFF_RE), first(L0_RESET_RE)
    if reset and not off:
        res.outcome = Outcome.L1_STATUS
        res.error = (f"config {name}: L1 asked for a reset (SBI SRST reboot) instead of "
                     f"powering off: {reset.group(0)!r}")
        return res
    if off and int(off.group(1)) != 0:
        res.outcome = Outcome.L1_STATUS
        res.error = (f"config {name}: L1 powered off with status {off.group(1)} "
                     f"(SBI SRST shutdown, reason system failure; QEMU exit status "
                     f"{res.exit_code})")
        return res
    if not off:
        res.outcome = Outcome.NO_DONE
        res.error = (f"config {name}: L1 ended without powering off through SBI SRST "
                     f"(no '[l0] L1 powered off' line) and printed no 'RVNEST done'; "
                     f"last console line: {res.last_line or '(no output)'!r}")
        return res
    if res.exit_code != cfg.success.exit_code:
        res.outcome = Outcome.BAD_EXIT
        res.error = (f"config {name}: QEMU exited with status {res.exit_code} "
                     f"(expected {cfg.success.exit_code}) after L1 powered off with "
                     f"status 0")
        return res
    res.outcome, res.error = Outcome.PASSED, ""
    return res


def judge(cfg: Config, res: RunResult) -> RunResult:
    """Set outcome and error from the console, exit status and criterion."""
    name = cfg.name
    try:
        res.protocol = protocol.parse(res.console)
    except protocol.ProtocolError as e:
        res.outcome, res.error = Outcome.PROTOCOL_ERROR, f"config {name}: {e}"
        return res
    if res.timed_out:
        res.outcome = Outcome.TIMEOUT
        res.error = (f"config {name}: timeout after {res.timeout:g}s: the guest never "
                     f"finished; last console line: {res.last_line or '(no output)'!r}")
        return res
    p = res.protocol
    if p.errors:
        e = p.errors[0]
        msg = e.get("msg", "")
        if msg in GUEST_ERROR_HINTS:
            res.outcome = Outcome.NO_H_EXTENSION if msg == "no_H_extension" else Outcome.GUEST_ERROR
            res.error = f"config {name}: " + GUEST_ERROR_HINTS[msg].format(cpu=cfg.cpu) + f" [{e.line}]"
        else:
            res.outcome = Outcome.GUEST_ERROR
            res.error = f"config {name}: guest reported: {e.line}"
        return res
    # a foreign L1 (given with --l1) ends with neither `RVNEST done` nor
    # the configuration's marker: judged by its power-off instead
    marked = cfg.success.marker and any(
        re.search(cfg.success.marker, line) for line in res.console.splitlines())
    if cfg.l1_given and cfg.boots_l0 and p.done is None and not marked and \
            res.console.strip():
        return _judge_foreign(cfg, res)
    if res.exit_code != cfg.success.exit_code:
        res.outcome = Outcome.BAD_EXIT
        if not res.console.strip() and res.stderr.strip():
            # QEMU refused to start (a bad -cpu property, a missing device):
            # its own first message is the one line worth showing.
            first = res.stderr.strip().splitlines()[0]
            if QEMU_NO_H_RE.search(first):
                res.outcome = Outcome.NO_H_EXTENSION
                res.error = (f"config {name}: this QEMU cannot give the CPU the H extension "
                             f"(-cpu {cfg.cpu}): {first}")
            else:
                res.outcome = Outcome.QEMU_START_FAILED
                res.error = f"config {name}: QEMU failed to start: {first}"
        else:
            res.error = (f"config {name}: QEMU exited with status {res.exit_code} "
                         f"(expected {cfg.success.exit_code}); last console line: "
                         f"{res.last_line or '(no output)'!r}")
        return res
    if cfg.success.require_done:
        if p.done is None:
            res.outcome = Outcome.NO_DONE
            hint = ""
            if cfg.l1_given and not cfg.boots_l0:
                hint = ("; this configuration boots no L0, which alone would report "
                        "a foreign L1's SRST status (OpenSBI exits QEMU with 0 on any "
                        "shutdown): run it in one that does, e.g. nested")
            res.error = (f"config {name}: no 'RVNEST done' line; last console line: "
                         f"{res.last_line or '(no output)'!r}{hint}")
            return res
        if p.done["status"] != cfg.success.done_status:
            res.outcome = Outcome.DONE_STATUS
            res.error = (f"config {name}: {p.done.line} "
                         f"(expected status={cfg.success.done_status})")
            return res
    if cfg.success.marker:
        rx = re.compile(cfg.success.marker)
        if not any(rx.search(line) for line in res.console.splitlines()):
            res.outcome = Outcome.MARKER_MISSING
            res.error = f"config {name}: success marker /{cfg.success.marker}/ never printed"
            return res
    res.outcome, res.error = Outcome.PASSED, ""
    return res


def run(cfg: Config, icount=None, echo=None, timeout=None, announce=True) -> RunResult:
    """Boot cfg once. icount None = the configuration's `deterministic`;
    echo = a stream that receives the console live (make run CONFIG=);
    timeout None = the configuration's."""
    icount = cfg.deterministic if icount is None else icount
    timeout = cfg.timeout if timeout is None else timeout
    argv = qemu.command(cfg, icount=icount)
    res = RunResult(cfg.name, Outcome.PASSED, "", argv, icount, timeout=timeout)
    missing = cfg.missing()
    if missing:
        res.outcome, res.error = Outcome.MISSING_FILE, _missing_message(cfg, missing[0])
        return res
    dtb_problem = fdtcheck.check_dtb_args(argv)
    if dtb_problem:
        res.outcome, res.error = Outcome.BAD_DEVICE_TREE, f"config {cfg.name}: {dtb_problem}"
        return res
    argv[0] = qemu.qemu_binary()
    if announce:
        announce_qemu()
    res.log_path = _new_log(cfg.name)
    out_chunks, err_chunks = [], []
    t0 = time.monotonic()
    with open(res.log_path, "w") as log:
        log.write("# " + " ".join(argv) + "\n")
        log.flush()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, errors="replace")
        threads = [
            threading.Thread(target=_reader, args=(proc.stdout, out_chunks, log, echo), daemon=True),
            threading.Thread(target=_reader, args=(proc.stderr, err_chunks, None, None), daemon=True),
        ]
        for t in threads:
            t.start()
        try:
            res.exit_code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            res.timed_out = True
            _stop(proc)
        finally:
            _stop(proc)
        for t in threads:
            t.join(timeout=DRAIN_TIMEOUT)
        res.duration = time.monotonic() - t0
        # RVNEST_GCOV=1 images print their coverage last: to .gcda files
        res.console = gcov.collect("".join(out_chunks))
        res.stderr = "".join(err_chunks)
        if res.stderr:
            log.write("# qemu stderr:\n" + res.stderr)
    return judge(cfg, res)
