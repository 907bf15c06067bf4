"""Benchmarks: time-to-quality and throughput runs that print and save their figures (they are not tests)."""
