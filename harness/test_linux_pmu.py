"""perf in a Linux L1 counts through L0's SBI PMU (issue 16).

The PMU variant of Linux 7.3 (`make linux-pmu`: linux/config-fragment with
the SBI PMU driver, linux/config-fragment-pmu) boots with rvnest_perf=1,
which makes /init count cycles and instructions of a loop with
perf_event_open, as `perf stat -e cycles,instructions` does
(linux/init.c, check_perf). On L0 (linux-l0 with that kernel) both counts
must be non-zero, the instructions at least one per iteration, and the
kernel must have found the SBI PMU below it (not fallen back to the legacy
driver); the same kernel on OpenSBI (linux-qemu) is the reference.

`make test` builds that Image first; a bare pytest skips, naming the
missing Image, until `make linux-pmu` has built it (a kernel build of its
own: about 7 minutes on 2 cores).
"""

import re

import pytest

from harness import config, testing

PMU_IMAGE = config.build_dir() / "linux-pmu" / "Image"
BOOTARGS = "console=ttyS0 earlycon rvnest_perf=1"
# what riscv_pmu_sbi prints once it has the SBI PMU (drivers/perf/riscv_pmu_sbi.c)
SBI_PMU_FOUND = "SBI PMU extension is available"
SNAPSHOT_FOUND = "SBI PMU snapshot detected"
# the loop of linux/init.c check_perf
PERF_LOOP = 100000
PERF_RE = re.compile(r"cycles=(\d+) instructions=(\d+)")


def boot(name):
    cfg = testing.load_or_skip(name, l1=str(PMU_IMAGE.resolve()), bootargs=BOOTARGS)
    return testing.run_ok(cfg, cache_key=("linux-pmu", name))


def perf_counts(res):
    found = [r for r in res.protocol.probes if r.get("id") == "perf"]
    assert len(found) == 1, f"expected one 'RVNEST probe id=perf' line ({res.log_path})"
    assert int(found[0]["loop"]) == PERF_LOOP, found[0].line
    return int(found[0]["cycles"]), int(found[0]["instructions"])


@pytest.mark.parametrize("name", ["linux-l0", "linux-qemu"])
def test_perf_counts_cycles_and_instructions(name):
    res = boot(name)
    assert SBI_PMU_FOUND in res.console, (
        f"the kernel did not use the SBI PMU ({res.log_path})"
    )
    cycles, instructions = perf_counts(res)
    assert cycles > 0, f"perf counted no cycles ({res.log_path})"
    assert instructions >= PERF_LOOP, (
        f"perf counted {instructions} instructions for a {PERF_LOOP}-iteration loop "
        f"({res.log_path})"
    )


def test_perf_on_l0_went_through_l0():
    """L0 answered the kernel's PMU calls: it counted SBI calls, and the
    counters the kernel found are as many as on OpenSBI (L0 offers
    OpenSBI's hardware counters and as many firmware counters)."""
    res = boot("linux-l0")
    ref = boot("linux-qemu")
    st = res.protocol.l0stats
    assert st is not None and int(st["sbi_calls"]) > 0, res.log_path

    def counters(r):
        m = re.search(r"(\d+) firmware and (\d+) hardware counters", r.console)
        assert m, f"no riscv-pmu-sbi counter line ({r.log_path})"
        return m.groups()

    assert counters(res) == counters(ref)
    # L0 offers the snapshot shared memory (OpenSBI 1.5.1 does not), and
    # the kernel took it: its stops went through L0's snapshot path
    assert SNAPSHOT_FOUND in res.console, res.log_path
    assert SNAPSHOT_FOUND not in ref.console, ref.log_path


# Sampling (perf record) needs the counter-overflow interrupt: a host with
# Sscofpmf. linux/init.c check_perf_sample counts the PERF_RECORD_SAMPLE
# records of a cycles:u event sampled every PERF_SAMPLE_PERIOD over the
# same loop. It runs alone: after check_perf's counting events, QEMU 10
# with OpenSBI 1.5.1 raised no overflow for the sampling event either, on
# OpenSBI alone too (measured: 0 samples), so the two are not combined.
SAMPLE_BOOTARGS = "console=ttyS0 earlycon rvnest_perf_sample=1"
SAMPLE_PERIOD = 10000
LCOFI_INJECTED = "LCOFI injected into L1 (hvien/hvip)"


def boot_sampling(name):
    cfg = testing.load_or_skip(name, l1=str(PMU_IMAGE.resolve()), bootargs=SAMPLE_BOOTARGS)
    return testing.run_ok(cfg, cache_key=("linux-pmu-sample", name))


@pytest.mark.parametrize("name", ["linux-l0-sscofpmf", "linux-qemu-sscofpmf"])
def test_perf_record_samples_with_sscofpmf(name):
    res = boot_sampling(name)
    found = [r for r in res.protocol.probes if r.get("id") == "perf_sample"]
    assert len(found) == 1, f"expected one 'RVNEST probe id=perf_sample' line ({res.log_path})"
    rec = found[0]
    assert int(rec["loop"]) == PERF_LOOP and int(rec["period"]) == SAMPLE_PERIOD, rec.line
    # at least one cycle per iteration: one sample per period of them
    assert int(rec["samples"]) >= PERF_LOOP // SAMPLE_PERIOD, (
        f"{rec['samples']} samples ({res.log_path})"
    )


def test_perf_record_on_l0_took_overflow_interrupts():
    """On L0 each sample was a counter overflow L0 took (interrupt 13,
    `irq_other` in its statistics) and asserted for L1 in hvip, and the
    kernel saw Sscofpmf in L1's ISA."""
    res = boot_sampling("linux-l0-sscofpmf")
    assert LCOFI_INJECTED in res.console, res.log_path
    assert "sscofpmf" in res.console.split("isa\t")[1].splitlines()[0], res.log_path
    st = res.protocol.l0stats
    causes = st["causes"]
    rec = [r for r in res.protocol.probes if r.get("id") == "perf_sample"][0]
    assert int(causes.get("irq_other", 0)) >= int(rec["samples"]), (causes, res.log_path)


def test_kvm_guest_counts_through_l0():
    """KVM in a Linux L1 on L0 gives its Linux L2 the SBI PMU (KVM's
    vcpu_pmu over L1's perf, over L0's SBI PMU, over OpenSBI's): the L2's
    perf counts cycles and instructions of its loop. KVM does so only for
    an L1 with Sscofpmf, which L0 gives through hvien on the AIA host."""
    cfg = testing.load_or_skip("kvm-l0-linux-pmu")
    res = testing.run_ok(cfg, cache_key=("linux-pmu", "kvm-l0-linux-pmu"))
    assert LCOFI_INJECTED in res.console, res.log_path
    # L1's driver and then the L2's found an SBI PMU (the L2's is KVM's)
    assert res.console.count(SBI_PMU_FOUND) == 2, res.log_path
    cycles, instructions = perf_counts(res)
    assert cycles > 0, f"the L2 counted no cycles ({res.log_path})"
    assert instructions >= PERF_LOOP, (
        f"the L2 counted {instructions} instructions for a {PERF_LOOP}-iteration "
        f"loop ({res.log_path})"
    )
