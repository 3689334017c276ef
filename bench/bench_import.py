"""Import benchmark: a 50,000-row product workbook, full import (pre-flight, validate every cell,
write the products and the import's audit entry in one transaction) versus just parsing the same
file with python-calamine. Prints both medians and their ratio (target: at most 2.5x). The
machine is noisy, so compare the ratios from one run, not absolute times.

It also prints a *floor*: the three steps no import can skip, measured in the same run:
the parse itself, the security pre-flight (which must finish before calamine reads the file:
calamine allocates the whole rectangle up to the farthest cell), and a bare executemany of the
same rows into the products table (no validation, no audit). The import's own cost is what it
adds over that floor.

The bench's own process keeps earlier runs' parsed rows alive, as a long-lived desktop app keeps
its catalog; ``workbench import`` starts a new process instead. So it also times the parse and the
import each in a new interpreter (timed inside it, after its imports), as a reference line.

    .venv/bin/python bench/bench_import.py [--rows 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.engine.spec import TEMPLATE_FIELDS  # noqa: E402
from workbench.io.xlsx_guard import inspect_xlsx  # noqa: E402
from workbench.services.catalog import open_catalog  # noqa: E402
from workbench.services.import_products import import_products, read_products  # noqa: E402


def _row(i: int) -> list:
    values = {
        "part_number": f"BENCH-{i:06d}", "vendor": ("Acme", "Globex", "Initech")[i % 3], "name": f"Accelerator {i}",
        "product_type": ("ic", "board", "server")[i % 3], "datacenter": "yes" if i % 4 else "no",
        "fp64_tflops": 10 + i % 50, "fp32_tflops": 20 + i % 70, "tf32_tflops": 150 + i % 300,
        "fp16_tflops": 300.5 + i % 700, "bf16_tflops": 300.5 + i % 700, "fp8_tflops": 600 + i % 1400,
        "int8_tops": 600 + i % 1400, "fp4_tflops": None, "int4_tops": None, "tpp": None,
        "die_area_mm2": 400 + i % 450, "non_planar": "yes", "process_node_nm": (4, 5, 7)[i % 3],
        "transistors_billion": 50 + i % 150, "has_hbm": "yes", "memory_gb": (80, 96, 141)[i % 3],
        "memory_bandwidth_gbs": 2000 + i % 6000, "interconnect_bandwidth_gbs": 400 + i % 1400,
        "hbm_bandwidth_density_gbs_mm2": None, "training_ops": None, "weights_published": None,
        "source": "synthetic benchmark row", "notes": f"row {i}", "tpp_basis": "computed",
    }
    return [values[f] for f in TEMPLATE_FIELDS]


def write_workbook(path: Path, rows: int) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Products")
    ws.append(list(TEMPLATE_FIELDS))
    for i in range(rows):
        ws.append(_row(i))
    wb.save(path)


def calamine_parse(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    return len(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())


def bare_insert(db: Path, rows: list[tuple]) -> float:
    """Seconds for one executemany of the validated rows into an empty catalog (the write floor)."""
    conn = open_catalog(db, with_demo=False)
    sql = (f"INSERT INTO products ({', '.join(TEMPLATE_FIELDS)}, created_utc, updated_utc) "
           f"VALUES ({', '.join('?' * (len(TEMPLATE_FIELDS) + 2))})")
    conn.execute("BEGIN IMMEDIATE")
    t = time.perf_counter()
    conn.executemany(sql, [(*r, "t", "t") for r in rows])
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - t
    conn.close()
    return elapsed


def _minor_faults() -> int:
    """Minor page faults of this process so far: the import's forked children make the pages they
    share with it copy-on-write, and copying them is a cost the timings alone do not show."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


ROOT = Path(__file__).resolve().parents[1]
_TIMED_IN_A_NEW_PROCESS = {
    "parse": "from bench_import import calamine_parse as step\n",
    "import": "from workbench.services.catalog import open_catalog\n"
              "from workbench.services.import_products import import_products\n"
              "conn = open_catalog(Path(sys.argv[2]), with_demo=False)\n"
              "step = lambda xlsx: import_products(conn, xlsx)\n",
}


def in_a_new_process(what: str, xlsx: Path, db: Path) -> float:
    """Seconds for one parse or one import of ``xlsx``, timed inside a new interpreter."""
    code = (f"import sys, time\nfrom pathlib import Path\nsys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'bench')!r}]\n"
            + _TIMED_IN_A_NEW_PROCESS[what]
            + "t = time.perf_counter()\nstep(Path(sys.argv[1]))\nprint(time.perf_counter() - t)\n")
    return float(subprocess.run([sys.executable, "-c", code, str(xlsx), str(db)], check=True, capture_output=True,
                                text=True).stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        xlsx = tmp / "products.xlsx"
        t = time.perf_counter()
        write_workbook(xlsx, args.rows)
        print(f"wrote {args.rows:,} rows x {len(TEMPLATE_FIELDS)} columns with openpyxl in "
              f"{time.perf_counter() - t:.1f} s ({xlsx.stat().st_size / 2**20:.1f} MiB)")
        parse, preflight, insert, validate, full, faults = [], [], [], [], [], []
        for run in range(args.repeat):
            t = time.perf_counter()
            assert calamine_parse(xlsx) == args.rows + 1
            parse.append(time.perf_counter() - t)
            t = time.perf_counter()
            inspect_xlsx(xlsx)
            preflight.append(time.perf_counter() - t)
            t = time.perf_counter()
            records = read_products(xlsx).values
            validate.append(time.perf_counter() - t)
            assert len(records) == args.rows
            insert.append(bare_insert(tmp / f"bare{run}.db", records))
            conn = open_catalog(tmp / f"run{run}.db", with_demo=False)
            before = _minor_faults()
            t = time.perf_counter()
            plan = import_products(conn, xlsx)
            full.append(time.perf_counter() - t)
            faults.append(_minor_faults() - before)
            conn.close()
            assert len(plan.added) == args.rows and plan.audit_rows == 1
        p, g, b, v, f = (statistics.median(x) for x in (parse, preflight, insert, validate, full))
        floor = p + g + b
        print(f"python-calamine parse only          : {p:6.2f} s")
        print(f"security pre-flight only            : {g:6.2f} s  ({g / p:.2f}x parse)")
        print(f"bare executemany of the rows        : {b:6.2f} s  ({b / p:.2f}x parse)")
        print(f"floor (parse + pre-flight + insert) : {floor:6.2f} s  ({floor / p:.2f}x parse)")
        print(f"pre-flight + parse + validate       : {v:6.2f} s  ({v / p:.2f}x parse)")
        print(f"full import (validate + write+audit): {f:6.2f} s  ({f / p:.2f}x parse; target <= 2.5x; "
              f"{f / floor:.2f}x the floor)")
        fresh_parse, fresh_full = [], []
        for run in range(args.repeat):  # alternating, after the in-process runs
            fresh_parse.append(in_a_new_process("parse", xlsx, tmp / f"fresh{run}.db"))
            fresh_full.append(in_a_new_process("import", xlsx, tmp / f"fresh{run}.db"))
        fp, ff = statistics.median(fresh_parse), statistics.median(fresh_full)
        print(f"full import in a new process (as `workbench import` runs): {ff:.2f} s  ({ff / fp:.2f}x a parse in a "
              f"new process, {fp:.2f} s; for reference)")
        print(f"minor page faults per import (this process): {statistics.median(faults):,.0f} (includes each first "
              "write to a page shared with a forked child, which copies it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
