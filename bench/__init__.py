"""The benchmark suite: generates a working group at scale, then measures rendering, SQL query counts,
writes, tallies, Socket.IO fan-out and public-page throughput (see docs/performance.md).

Run it with `make bench` (or `.venv/bin/python -m bench --help`). It is not part of the test suite:
it prints figures and writes bench/results/latest.json; it asserts nothing.
"""
