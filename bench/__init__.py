"""Benchmarks: `make bench` measures the shop against this machine's own floor."""
