"""Classify 100,000 synthetic products under every regime.

Prints the time to build the 100,000 spec objects (the baseline, measured in the same run), then
the fast path (``workbench.engine.fastpath``: class, licence position and nearest criterion, no
trace) for each regime alone (what the catalog column does) and for all regimes at once (what a
comparison does; metrics read once per product), with each ratio to the baseline. The times
include reading the metrics. For reference it also prints the full-trace figure (``determine``
for every product and regime, today's memo and export path), measured on a sample and scaled.
Target: all regimes within 10x the spec build time.
Usage: python bench/bench_classify.py [N] [--full-sample M]  (M=0 skips the full-trace figure)
"""

from __future__ import annotations

from datetime import date

import random
import sys
import time

from workbench.engine import ProductSpec, determine
from workbench.engine.fastpath import Classifier
from workbench.engine.metrics import compute_metrics
from workbench.services.regimes import bundled_library

# The day the engine reads regimes on when no date is given (never the wall clock).
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
    args = sys.argv[1:]
    sample = 10_000
    if "--full-sample" in args:
        at = args.index("--full-sample")
        sample = int(args[at + 1])
        del args[at:at + 2]
    n = int(args[0]) if args else 100_000
    rows = synthetic_rows(n)
    lib = bundled_library()
    regimes, countries = lib.regimes, lib.countries  # read the rulesets before any clock starts

    start = time.perf_counter()
    specs = [ProductSpec(**row) for row in rows]
    build = time.perf_counter() - start
    print(f"build {n:,} specs: {build:.2f} s (baseline)")

    for loaded in regimes:
        start = time.perf_counter()
        Classifier([loaded], countries, "CN", today=TODAY).classify_all(specs)
        elapsed = time.perf_counter() - start
        print(f"{loaded.id:26} {elapsed:6.2f} s  ratio {elapsed / build:5.2f}x  (this regime alone)")

    start = time.perf_counter()
    classifier = Classifier(regimes, countries, "CN", today=TODAY)
    classifier.classify_all(specs)
    total = time.perf_counter() - start
    print(f"all {len(regimes)} regimes: {total:.2f} s  ratio {total / build:.2f}x the spec build time "
          f"({n * len(regimes) / total:,.0f} determinations/s)")
    signatures = classifier.signatures
    print(f"  distinct signatures (full determinations made): {sum(signatures.values()):,} "
          f"({min(signatures.values())}-{max(signatures.values())} per regime)")

    if sample:
        # As the bench measured it before the fast path: metrics computed beforehand, not timed.
        part = specs[:min(sample, n)]
        metrics = [compute_metrics(s) for s in part]
        start = time.perf_counter()
        for s, m in zip(part, metrics):
            for loaded in regimes:
                determine(s, loaded, countries, "CN", metrics=m, today=TODAY)
        full = (time.perf_counter() - start) * n / len(part)
        print(f"full trace (determine), for reference: {full:.2f} s  ratio {full / build:.2f}x "
              f"(measured on {len(part):,} products, scaled to {n:,})")


if __name__ == "__main__":
    main()
