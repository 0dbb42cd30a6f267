"""Benchmark of the billing counter: `python -m bench.run --help`."""
