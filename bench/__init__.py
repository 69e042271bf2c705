"""The side-by-side benchmark of issue 8: bench/run, described in docs/performance.md."""
