"""Fault containment (issue 17 item 5, l0-hyp/contain.h): an L1 that can
no longer make progress ends the run with one `RVNEST error` line naming
what happened, then L0's statistics, and QEMU exits; never a hang.

tests/containment is the hostile L1 (one case per run, `case=<name>` on
its command line). Every case runs under icount, where what L0 reports
repeats exactly, except vector-ebreak: a loop of exceptions that never
leaves L1 retires no instruction, and icount's clock only advances with
retired instructions, so no timer can fire in it under icount (on
hardware, and in QEMU without icount, time goes on). The watchdog period
is 50 ms of the timebase (l0.watchdog=50) to keep the runs short.
"""

from harness import config, runner, testing

NAME = "containment"
WATCHDOG = "l0.watchdog=50"


def run_case(case, l0_opts=WATCHDOG, icount=True, key=True):
    cfg = testing.load_or_skip(NAME, l0args=l0_opts, bootargs=f"case={case}")
    return testing.run(cfg, icount=icount, timeout=60,
                       cache_key=(NAME, case, l0_opts, icount) if key else None)


def kv_list(value):
    """"a:1,b:2" (or the dict protocol.py already made of it) as a dict."""
    if isinstance(value, dict):
        return {k: int(v) for k, v in value.items()}
    return {k: int(v) for k, v in (kv.split(":") for kv in value.split(","))}


def causes(rec):
    return kv_list(rec["causes"])


def shadow_pool(rec):
    return kv_list(rec["shadow_pool"])


def stopped(res, msg):
    """The run ended by L0 with exactly one error line `msg`, followed by
    L0's fatal-trap line and its statistics; QEMU exited by itself."""
    assert not res.timed_out, f"hang: {res.error} (log: {res.log_path})"
    assert res.exit_code is not None, res.log_path
    assert res.outcome is runner.Outcome.GUEST_ERROR, (res.outcome, res.log_path)
    errors = res.protocol.errors
    assert [e["msg"] for e in errors] == [msg], (res.error, res.log_path)
    lines = res.console.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("RVNEST error"))
    after = "\n".join(lines[at + 1:])
    assert "[l0] L1 stopped after a fatal trap (status 1)" in after, res.log_path
    assert res.protocol.l0stats is not None and "RVNEST l0stats" in after, res.log_path
    assert res.protocol.done is None, "L1 must not have finished on its own"
    return errors[0], res.protocol.l0stats


def test_spin_with_interrupts_off_is_stopped_by_the_watchdog():
    e, st = stopped(run_case("spin"), "L1_spins_with_interrupts_off")
    assert int(e["vsstatus"], 0) & 0x2 == 0, e.line  # sstatus.SIE = 0
    assert int(e["watchdog_ms"]) == 50
    # the payload's boot prints are its only traps; then L0's timer,
    # once for the first period (progress) and once to stop it
    c = causes(st)
    assert c["irq_s_timer"] == 2 and set(c) == {"ecall_vs", "irq_s_timer"}, st.line


def test_spin_verdict_repeats_exactly_under_icount():
    a = run_case("spin")
    b = run_case("spin", key=False)
    ea, eb = a.protocol.errors[0], b.protocol.errors[0]
    assert ea.line == eb.line
    assert a.protocol.l0stats.line == b.protocol.l0stats.line


def test_jump_to_garbage_with_a_retrying_handler_is_stopped():
    """The handler returns to the faulting pc: the fetch from an address
    that is not memory can never succeed, L0 stops it on the 64th."""
    e, st = stopped(run_case("garbage"), "L1_fetch_fault_loop")
    assert int(e["pc"], 0) == 0x200000000 and int(e["repeats"]) == 64, e.line
    assert e["cause"] == "inst_access_fault"
    assert causes(st)["inst_guest_page_fault"] == 64, st.line
    assert int(st["injected_exc"]) == 63, st.line  # the 64th is not delivered


def test_trap_vector_on_garbage_is_stopped_at_the_first_repeat():
    """stvec on zeroed memory, then an illegal instruction: L0 delivers
    it to the vector, where the same fault comes back; L0 stops there."""
    e, st = stopped(run_case("vector-illegal"), "L1_trap_vector_faults")
    assert e["cause"] == "illegal_inst", e.line
    assert causes(st)["illegal_inst"] == 2 and int(st["injected_exc"]) == 1, st.line


def test_trap_vector_loop_inside_l1_is_stopped_by_the_watchdog():
    """stvec on EBREAKs: the breakpoint is delegated to L1, so the loop
    never reaches L0; the watchdog finds L1 at its vector with the
    breakpoint as its last cause. Without icount (module docstring)."""
    e, _ = stopped(run_case("vector-ebreak", icount=False), "L1_trap_vector_faults")
    assert e["vscause"] == "breakpoint", e.line
    assert int(e["vsepc"], 0) == int(e["vstvec"], 0) == int(e["pc"], 0), e.line


def test_pool_exhaustion_is_contained_by_flush_and_refill():
    """L2 touches 160 pages, each in its own GiB: more shadow tables than
    L0's pool holds. The pool is flushed and refilled, never an error, and
    L2 reads the right data after every refill."""
    res = run_case("pool-stream")
    assert res.ok, f"{res.error} (log: {res.log_path})"
    probe = [p for p in res.protocol.probes if p["id"] == "contain.pool_stream"]
    assert len(probe) == 1 and probe[0]["ok"] == "1", probe
    st = res.protocol.l0stats
    assert shadow_pool(st)["exhausted"] >= 2, st.line
    assert int(st["l2_shadow_fills"]) >= 320, st.line


def test_pool_too_small_for_one_l2_instruction_is_stopped():
    """With the smallest pool the shadow accepts (l0.shadowpool=min), one
    L2 load whose page and fetch page need more tables than that pool
    holds livelocks: every fill flushes what the other needs. With L0's
    normal pool the same L1 completes."""
    e, st = stopped(run_case("pool-pair", f"{WATCHDOG} l0.shadowpool=min"),
                    "shadow_pool_thrashing")
    assert int(e["exhausted"]) > 8 and shadow_pool(st)["exhausted"] == int(e["exhausted"])
    ok = run_case("pool-pair")
    assert ok.ok, f"{ok.error} (log: {ok.log_path})"
    assert shadow_pool(ok.protocol.l0stats)["exhausted"] == 0


def test_watchdog_leaves_working_l1s_alone():
    """Short watchdog periods (1 ms = 10^6 instructions under icount):
    the smoke payload (waits for its timer in WFI) with 1 ms, and
    l1-guest-hyp with its L2 benchmarks with 10 ms (its walk of the device
    tree for the harts, with interrupts off and no trap, takes over 10^6
    instructions), run to completion, each taking the watchdog's timer."""
    for name, ms in (("l0-smoke", 1), ("nested", 10)):
        cfg = testing.load_or_skip(name, l0args=f"l0.watchdog={ms}")
        res = testing.run(cfg, icount=True)
        assert res.ok, f"{res.error} (log: {res.log_path})"
        assert causes(res.protocol.l0stats).get("irq_s_timer", 0) >= 1


def test_bad_containment_options_are_boot_errors():
    for opt, what in (("l0.watchdog=soon", "l0.watchdog"),
                      ("l0.shadowpool=5000", "l0.shadowpool"),
                      ("l0.shadowpool=1M", "l0.shadowpool")):
        res = run_case("pool-stream", opt, key=False)
        assert not res.timed_out and res.outcome is runner.Outcome.GUEST_ERROR, res.log_path
        assert what in res.console and "bad value" in res.console, res.log_path
    # a pool L0 accepts but smaller than every root plus one walk
    res = run_case("pool-stream", "l0.shadowpool=64K", key=False)
    assert not res.timed_out and res.outcome is runner.Outcome.GUEST_ERROR, res.log_path
    assert "l0.shadowpool=64K is below the 80K the shadow needs" in res.console, res.log_path


def test_h_csr_without_h_is_an_illegal_instruction_for_l1():
    """With l1.h=0 (the last option wins), reading hstatus is what it is
    on a hart without H: an illegal-instruction trap into L1's own
    vector with the instruction in stval, not an L0 error."""
    res = run_case("hcsr", f"{WATCHDOG} l1.h=0")
    assert not res.timed_out, res.log_path
    assert [e["msg"] for e in res.protocol.errors] == ["trap_in_containment_payload"], res.log_path
    e = res.protocol.errors[0]
    assert e["cause"] == "illegal_inst", e.line
    # CSRRS rd, hstatus (0x600), x0: csr field, funct3 = 2, SYSTEM opcode
    assert int(e["stval"], 0) & 0xFFFFF07F == 0x60002073, e.line
    assert int(res.protocol.l0stats["injected_exc"]) == 1


def test_config_parses():
    assert config.load(NAME).append.startswith("l1.h=1 ")


def test_l2_spinning_with_interrupts_off_is_l1s_business():
    """L2 spins with its interrupts off for 2.5 watchdog periods until the
    payload's (L1's) own timer takes the hart back through L0: L0's
    watchdog sees L2 running, not L1 stuck, and stays out of it."""
    res = run_case("l2-spin")
    assert res.ok, f"{res.error} (log: {res.log_path})"
    probe = [p for p in res.protocol.probes if p["id"] == "contain.l2_spin"]
    assert len(probe) == 1 and probe[0]["ok"] == "1", probe
    st = res.protocol.l0stats
    # the watchdog's ticks came while L2 ran, and L2 went on after each
    assert int(st["l2_l0_irqs"]) >= 2, st.line
