"""Timing helper shared by the benchmarks (run as scripts: ``python bench/bench_x.py``)."""

from __future__ import annotations

import statistics
import time


def median_time(fn, repeat: int = 5) -> float:
    """The median wall time of ``repeat`` calls of ``fn`` (seconds)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
