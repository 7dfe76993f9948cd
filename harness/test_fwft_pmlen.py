"""SBI FWFT POINTER_MASKING_PMLEN for L1 (l0-hyp/sbi_fwft.c): L0 offers it
when the host's henvcfg.PMM takes PMLEN 7 or 16 (Ssnpm), as henvcfg.PMM
of L1's own VS-mode. QEMU 10 has Ssnpm with `-cpu rv64,ssnpm=true` (both
lengths); the conformance payload (tests/payloads/sbi_fwft.c,
`impl.fwft_pmlen_*`) sets 7, 8, 17 and 0 and reads each back: "enable
pointer masking with PMLEN >= N", the actual PMLEN from get (7 for 7, 16
for 8), SBI_ERR_INVALID_PARAM for a length the hart lacks (17), 0 off.
Without Ssnpm the feature is NOT_SUPPORTED and none of that runs.
"""

from harness import testing

PMLEN_LINES = {
    "impl.fwft_pmlen_set7": "get=7",
    "impl.fwft_pmlen_set8": "get=16",
    "impl.fwft_pmlen_set17": "err=-3",
    "impl.fwft_pmlen_set0": "get=0",
}


def probes(res):
    return {r["id"]: r for r in res.protocol.records if r.kind == "probe"}


def test_pmlen_on_a_host_with_ssnpm():
    cfg = testing.load_or_skip("sbi-l0").with_overrides(cpu="rv64,h=true,ssnpm=true")
    res = testing.run_ok(cfg)
    p = probes(res)
    assert p["impl.fwft_pointer_masking"].line.endswith("ok=1 err=0 value=0"), res.log_path
    for pid, want in PMLEN_LINES.items():
        assert pid in p, f"{pid} missing ({res.log_path})"
        assert p[pid]["ok"] == "1" and want in p[pid].line.split(), p[pid].line


def test_no_pmlen_without_ssnpm():
    """The control: QEMU's rv64 has no Ssnpm; the same payload on L0."""
    res = testing.run_ok(testing.load_or_skip("sbi-l0"), cache_key="sbi-l0")
    p = probes(res)
    assert "err=-2" in p["impl.fwft_pointer_masking"].line.split(), res.log_path
    assert not [pid for pid in p if pid.startswith("impl.fwft_pmlen_")], res.log_path
