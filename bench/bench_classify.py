"""Classify 100,000 synthetic products under every regime.

Prints the time to build the 100,000 spec objects (the baseline, measured in the same run), the
time to classify them all under every bundled regime, and the ratio per regime. Target for later:
the whole catalog under all regimes in about the time it takes to read it.
Usage: python bench/bench_classify.py [N]
"""

from __future__ import annotations

from datetime import date

import random
import sys
import time

from workbench.engine import ProductSpec, determine
from workbench.engine.metrics import compute_metrics
from workbench.services.regimes import bundled_library

# The day the engine reads regimes on when a test gives no date (never the wall clock).
TODAY = date(2026, 12, 1)


def synthetic_rows(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        rows.append({
            "part_number": f"SYN-{i:06d}", "vendor": rng.choice(["A", "B", "C"]),
            "product_type": rng.choice(["ic", "board", "board", "server"]),
            "datacenter": rng.random() < 0.7, "non_planar": rng.random() < 0.9,
            "fp16_tflops": rng.uniform(10, 2500), "fp8_tflops": rng.uniform(20, 5000) if rng.random() < 0.7 else None,
            "die_area_mm2": rng.uniform(100, 1700) if rng.random() < 0.9 else None,
            "memory_bandwidth_gbs": rng.uniform(100, 9000), "interconnect_bandwidth_gbs": rng.uniform(16, 1800),
            "process_node_nm": rng.choice([3.0, 4.0, 5.0, 7.0, 12.0, 16.0, 28.0]),
            "transistors_billion": rng.uniform(5, 210), "has_hbm": rng.random() < 0.6,
        })
    return rows


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rows = synthetic_rows(n)
    lib = bundled_library()

    start = time.perf_counter()
    specs = [ProductSpec(**row) for row in rows]
    build = time.perf_counter() - start
    print(f"build {n:,} specs: {build:.2f} s (baseline)")

    start = time.perf_counter()
    metrics = [compute_metrics(s) for s in specs]
    metric_time = time.perf_counter() - start
    print(f"metrics (TPP, PD) once per spec: {metric_time:.2f} s  ratio {metric_time / build:.2f}x")

    total = 0.0
    for loaded in lib.regimes:
        start = time.perf_counter()
        for s, m in zip(specs, metrics):
            determine(s, loaded, lib.countries, "CN", metrics=m, today=TODAY)
        elapsed = time.perf_counter() - start
        total += elapsed
        print(f"{loaded.id:26} {elapsed:6.2f} s  ratio {elapsed / build:5.2f}x")
    print(f"all {len(lib.regimes)} regimes: {total:.2f} s  ratio {total / build:.2f}x the spec build time "
          f"({n * len(lib.regimes) / total:,.0f} determinations/s)")


if __name__ == "__main__":
    main()
