"""rvnest harness: configurations as data, QEMU command construction, a
runner with timeouts on every wait, and the console protocol parser
(docs/protocol.md). Used by pytest (harness/test_*.py), `make run`,
`make configs`, `make debug` and the benchmark runner (benchmarks/)."""
