"""Benchmarks: gunicorn + wrk on loopback. Entry point: ``python bench/run.py``."""
