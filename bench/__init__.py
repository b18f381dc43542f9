"""Benchmarks and their load-test data (run from the project root: python bench/run.py; see README.md)."""
