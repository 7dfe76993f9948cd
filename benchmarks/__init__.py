"""rvnest benchmark runner: the configuration matrix x the microbenchmarks,
results files with provenance, a NEVE-style report and plots
(benchmarks/README.md)."""
