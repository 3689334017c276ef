"""Memo and workbook speed.

1. A one-product memo with its chart (target: under 0.5 s), under one regime and under all nine,
   in English and Chinese, against a baseline measured in the same run: a one-page reportlab
   document of plain paragraphs.
2. A 1,000-product workbook export (all regimes, destination CN), against a baseline of openpyxl
   writing the same number of plain cells in write-only mode.

The machine is noisy (20-35% run to run): read the ratios. Medians of a few repeats.
Usage: python bench/bench_reports.py [N_PRODUCTS]
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

from timing import median_time
from workbench.engine.spec import ProductSpec
from workbench.services.catalog import open_catalog
from workbench.services.regimes import bundled_library
from workbench.services.reports import export_workbook, write_memo
from workbench.store.connection import write_transaction
from workbench.store.products import ProductWrite, write_products

H100 = "NVIDIA-H100-SXM5-80GB"


def baseline_pdf(path: Path) -> None:
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    style = getSampleStyleSheet()["Normal"]
    SimpleDocTemplate(str(path)).build([Paragraph(f"Line {i} of a plain one-page document.", style) for i in range(40)])


def synthetic(n: int, seed: int = 11) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        spec = ProductSpec(
            part_number=f"SYN-{i:05d}", vendor=rng.choice(["Acme", "Globex", "Initech"]), name=f"Synthetic {i}",
            product_type=rng.choice(["ic", "board", "board", "server"]), datacenter=rng.random() < 0.7,
            non_planar=rng.random() < 0.9, fp16_tflops=rng.uniform(10, 2500),
            fp8_tflops=rng.uniform(20, 5000) if rng.random() < 0.7 else None,
            die_area_mm2=rng.uniform(100, 1700) if rng.random() < 0.9 else None,
            memory_bandwidth_gbs=rng.uniform(100, 9000), interconnect_bandwidth_gbs=rng.uniform(16, 1800),
            process_node_nm=rng.choice([3.0, 4.0, 5.0, 7.0, 12.0, 16.0, 28.0]), transistors_billion=rng.uniform(5, 210),
            has_hbm=rng.random() < 0.6, notes=f"row {i}", source="synthetic benchmark data")
        out.append(spec.model_dump())
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    lib = bundled_library()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        conn = open_catalog(folder / "demo.db")
        write_memo(conn, lib, [H100], ["us-ear-2023-10"], "CN", "zh", folder / "warm.pdf")  # fonts, imports

        base = median_time(lambda: baseline_pdf(folder / "base.pdf"))
        print(f"baseline: one-page reportlab document          {base * 1000:7.1f} ms")
        cases = [
            ("memo, 1 product, 1 regime, en (with chart)", [H100], ["us-ear-2023-10"], "en"),
            ("memo, 1 product, 1 regime, zh (with chart)", [H100], ["us-ear-2023-10"], "zh"),
            ("memo, 1 product, all 9 regimes, en", [H100], None, "en"),
            ("memo, 1 product, all 9 regimes, zh", [H100], None, "zh"),
        ]
        for label, parts, regimes, lang in cases:
            pages = []
            t = median_time(lambda: pages.append(write_memo(conn, lib, parts, regimes, "CN", lang,
                                                            folder / "m.pdf").pages))
            verdict = "  (target < 0.5 s: " + ("met" if t < 0.5 else "MISSED") + ")"
            print(f"{label:46} {t * 1000:7.1f} ms  {pages[0]:3d} pages  ratio {t / base:5.1f}x{verdict}")
        twenty = [r[0] for r in conn.execute("SELECT part_number FROM products ORDER BY part_number LIMIT 20")]
        t = median_time(lambda: write_memo(conn, lib, twenty, ["us-ear-2023-10", "us-h200-2026-01"], "CN", "en",
                                           folder / "m20.pdf"), repeat=2)
        print(f"{'memo, 20 products, 2 regimes, en':46} {t * 1000:7.1f} ms  ratio {t / base:5.1f}x")
        conn.close()

        big = open_catalog(folder / "big.db", with_demo=False)
        with write_transaction(big):
            write_products(big, ProductWrite(added=synthetic(n)))
        rows = n * len(lib.regimes)

        def plain_write() -> None:
            from openpyxl import Workbook

            wb = Workbook(write_only=True)
            ws = wb.create_sheet("Determinations")
            for i in range(rows):
                ws.append([f"SYN-{i:05d}", "us-ear-2023-10", "3A090.a", 1234.5, 6.7, "yes"] + ["x"] * 23)
            wb.save(folder / "plain.xlsx")

        base_x = median_time(plain_write, repeat=2)
        print(f"baseline: openpyxl write-only, {rows:,} rows x 29 plain cells {base_x:7.2f} s")
        result = []
        t = median_time(lambda: result.append(export_workbook(big, lib, folder / "export.xlsx", None, "CN")), repeat=2)
        size = (folder / "export.xlsx").stat().st_size / 1e6
        print(f"export {n:,} products x {len(lib.regimes)} regimes ({result[0].determinations:,} determinations) "
              f"{t:7.2f} s  {size:.1f} MB  ratio {t / base_x:5.2f}x the plain write")
        big.close()


if __name__ == "__main__":
    main()
