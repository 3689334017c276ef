"""Desktop-app benchmark (offscreen). Prints figures and ratios against baselines measured in the
same run; asserts nothing.

1. Cold start: process start to a usable window on the demo catalog (catalog loaded and
   classified: ``workbench gui --screenshot``) versus a bare PySide6 QMainWindow. Target <= 2x.
2. Filter and sort on 100,000 products in the real catalog table: the UI thread's blocks are
   measured with a 2 ms heartbeat timer (gap between ticks); target 95th percentile <= 50 ms.
3. Peak memory (max RSS) with 100,000 products loaded and classified, versus the bare window.

Usage: python bench/bench_gui.py [N]      (N products for parts 2-3, default 100,000)
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BARE = """
import resource, sys, time
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication(sys.argv)
w = QMainWindow(); w.setCentralWidget(QTableView()); w.resize(1366, 768); w.show()
app.processEvents()
w.grab()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _time(cmd: list[str], env: dict, runs: int = 3) -> tuple[float, str]:
    best, out = float("inf"), ""
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=str(ROOT))
        took = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"{cmd} failed:\n{proc.stderr}")
        best, out = min(best, took), proc.stdout
    return best, out


def cold_start(tmp: Path) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_DATA_HOME": str(tmp / "data"),
           "XDG_CACHE_HOME": str(tmp / "cache"), "XDG_CONFIG_HOME": str(tmp / "config")}
    bare, out = _time([sys.executable, "-c", BARE], env)
    bare_rss = int(out.strip().splitlines()[-1])
    db = tmp / "demo.db"
    first, _ = _time([sys.executable, "-m", "workbench", "gui", "--db", str(db), "--screenshot", str(tmp / "s.png")],
                     env, runs=1)
    app, _ = _time([sys.executable, "-m", "workbench", "gui", "--db", str(db), "--screenshot", str(tmp / "s.png")], env)
    print("1. cold start to a usable window (best of 3, offscreen)")
    print(f"   bare PySide6 window:                      {bare:6.2f} s (baseline)")
    print(f"   workbench on the demo catalog:            {app:6.2f} s  ratio {app / bare:.2f}x (target <= 2x)")
    print(f"   first run (creates the demo catalog):     {first:6.2f} s  ratio {first / bare:.2f}x")
    return bare_rss


def make_catalog(path: Path, n: int) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_classify import synthetic_rows

    from workbench.engine.spec import TEMPLATE_FIELDS
    from workbench.services.catalog import open_catalog
    from workbench.store.connection import write_transaction
    from workbench.store.products import ProductWrite, write_products

    rng = random.Random(11)
    vendors = ["NVIDIA", "AMD", "Intel", "Huawei", "Google", "Cambricon", "Biren", "AWS"]
    records = []
    for row in synthetic_rows(n):
        row["vendor"] = rng.choice(vendors)
        records.append({f: row.get(f) for f in TEMPLATE_FIELDS} | {"product_type": row["product_type"],
                                                                    "tpp_basis": "computed"})
    conn = open_catalog(path, with_demo=False)
    with write_transaction(conn, path):
        write_products(conn, ProductWrite(added=records))
    conn.close()


def ui_blocks(n: int, tmp: Path) -> None:
    from PySide6.QtCore import QElapsedTimer, QSettings, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from workbench.app import build_services
    from workbench.ui import catalog_query as cq
    from workbench.ui.launcher import Gui

    app = QApplication.instance() or QApplication(sys.argv[:1])
    db = tmp / "big.db"
    start = time.perf_counter()
    make_catalog(db, n)
    print(f"\n2. {n:,} products (synthetic catalog written in {time.perf_counter() - start:.1f} s)")
    services = build_services(db, data_dir=tmp / "data", cache_dir=tmp / "cache")
    gui = Gui(services, QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat), "en")
    window = gui.window
    window.resize(1366, 768)
    window.show()
    start = time.perf_counter()
    loaded_at = []
    gui.session.catalogLoaded.connect(lambda: loaded_at.append(time.perf_counter()))
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    def tick() -> None:
        now = clock.nsecsElapsed()
        gaps.append((now - last[0]) / 1e6)
        last[0] = now

    heartbeat = QTimer(interval=2)
    heartbeat.timeout.connect(tick)
    heartbeat.start()

    def wait(predicate, timeout=600.0) -> None:
        """Run the event loop (not a busy loop, which would fight the workers for the GIL)."""
        from PySide6.QtCore import QEventLoop

        end = time.perf_counter() + timeout
        loop = QEventLoop()
        poll = QTimer(interval=5)
        poll.timeout.connect(lambda: (predicate() or time.perf_counter() > end) and loop.quit())
        poll.start()
        if not predicate():
            loop.exec()
        poll.stop()

    wait(lambda: gui.session.current is not None)
    classified = time.perf_counter() - start
    print(f"   load ids: {loaded_at[0] - start:.2f} s; classify under {gui.session.regime.id} in the background: "
          f"{classified:.1f} s ({n / classified:,.0f} products/s)")
    load_gaps = sorted(gaps)
    print(f"   UI thread while loading and classifying: p95 block {load_gaps[int(len(load_gaps) * 0.95)]:.1f} ms, "
          f"longest {load_gaps[-1]:.1f} ms")

    view = window.catalog
    model = view.model
    operations = [
        # typing is debounced (150 ms); apply_query() is what the debounce timer then calls
        ("search 'syn-0123'", lambda: (view.search.setText("syn-0123"), view.apply_query())),
        ("clear search", lambda: (view.search.setText(""), view.apply_query())),
        ("vendor = AMD", lambda: view.vendor.setCurrentIndex(view.vendor.findData("AMD"))),
        ("sort by TPP desc", lambda: view.table.sortByColumn(cq.COL_TPP, Qt.SortOrder.DescendingOrder)),
        ("near a line (10 %)", lambda: view.near.setChecked(True)),
        ("sort by margin", lambda: view.table.sortByColumn(cq.COL_MARGIN, Qt.SortOrder.AscendingOrder)),
        ("all vendors", lambda: view.vendor.setCurrentIndex(0)),
        ("not near", lambda: view.near.setChecked(False)),
        ("sort by classification", lambda: view.table.sortByColumn(cq.COL_CLASS, Qt.SortOrder.AscendingOrder)),
        ("sort by part number", lambda: view.table.sortByColumn(cq.COL_PART, Qt.SortOrder.AscendingOrder)),
        ("sort by vendor desc", lambda: view.table.sortByColumn(cq.COL_VENDOR, Qt.SortOrder.DescendingOrder)),
        ("sort by DRAM bandwidth", lambda: view.table.sortByColumn(cq.COL_BW, Qt.SortOrder.AscendingOrder)),
    ]
    gaps.clear()
    per_op = []
    for name, op in operations:
        applied = []
        model.rowsApplied.connect(applied.append)
        t0 = time.perf_counter()
        op()
        wait(lambda: bool(applied) and not gui.runner.busy)
        model.rowsApplied.disconnect(applied.append)
        window.repaint()
        per_op.append((name, (time.perf_counter() - t0) * 1000, applied[-1] if applied else -1))
        for _ in range(20):  # scroll a little, as a user would while looking at the result
            view.table.verticalScrollBar().setValue(view.table.verticalScrollBar().value() + 30)
            app.processEvents()
    heartbeat.stop()
    gaps.sort()
    p95 = gaps[int(len(gaps) * 0.95)]
    for name, ms, rows in per_op:
        print(f"   {name:<24} result in {ms:7.1f} ms ({rows:,} rows)")
    print(f"   UI thread during filter/sort/scroll: {len(gaps)} heartbeats, median gap {statistics.median(gaps):.1f} ms, "
          f"p95 block {p95:.1f} ms (target <= 50 ms), longest {gaps[-1]:.1f} ms")
    gui.runner.wait()
    services.close()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        bare_rss = cold_start(tmp)
        ui_blocks(n, tmp)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"\n3. peak memory (max RSS) with {n:,} products loaded and classified: {peak / 1024:.0f} MiB "
              f"(bare PySide6 window: {bare_rss / 1024:.0f} MiB, ratio {peak / bare_rss:.1f}x)")


if __name__ == "__main__":
    main()
