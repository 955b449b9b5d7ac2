"""Benchmarks with fixed inputs; `make bench` runs every bench/bench_*.py and prints a table."""
