"""Desktop-app benchmark (offscreen). Prints figures and ratios against baselines measured in the
same run; asserts nothing.

1. Cold start to a usable window, versus a bare PySide6 window (target <= 2x: the officer can read and search the catalog at once).
   A fresh process runs the real entry point (``python -m workbench gui --db DEMO --size
   1366x768``: the interactive path, on the offscreen platform, at the bare window's size) with
   a probe on the catalog table. Each figure is the time from starting the process until a line
   printed by the probe is read:
     rows        the catalog table painted with the catalog's rows (part number, vendor, stored
                 figures) and a zero-timer posted at that paint has fired: the event loop is
                 free, so the officer can read, search, filter, sort and open the menus. At this
                 point the engine (pydantic, the rulesets) is not imported yet: TPP, PD,
                 classification and margin read "…" and the status bar says "Classifying…".
     classified  the table painted with the selected regime's classification column filled
                 (class, margin, TPP, PD, licence position with the catalog's letters), and a
                 zero-timer posted at that paint has fired. The column comes from the compiled
                 column the previous start's full classification kept in the user's cache
                 (services.column_cache: no pydantic, no YAML; a short job right after the first
                 paint), or, when none fits (the first start of a day, or after the rules, the
                 catalog's letters, the code or a product's signature changed), from the engine
                 imported on a worker after the first paint. The untimed warm-up run keeps it, so
                 the timed runs are the ordinary later starts; the engine's path is timed on its
                 own too (*classified, engine*: a fresh cache folder per run).
   Between the two, a 2 ms heartbeat timer on the UI thread gives the longest block (how
   responsive the window stays until the column is filled).
   The 2x target is judged on *rows*: that is the usable window (the catalog on screen,
   answering input); the classification arrives after it and *classified* is printed next to
   it, with its own ratio (target <= 2.5x), so neither hides the other. Importing the engine
   (pydantic alone is about 0.1 s, half the bare window) and loading one regime take about as
   long as the whole bare window, which is why the column is not waiting for them.
   The baseline is the same probe on a bare QMainWindow with an empty QTableView: its first
   paint, then the zero-timer. Process exit is not counted for either. Bytecode is cached (an
   untimed warm-up run writes it under a temporary PYTHONPYCACHEPREFIX), as in an installed app;
   the first run also creates the demo catalog and keeps the compiled column. Bare and app runs alternate; medians are printed
   (the machine is shared and noisy).
2. Filter and sort on 100,000 products in the real catalog table: the UI thread's blocks are
   measured with a 2 ms heartbeat timer (gap between ticks); target 95th percentile <= 50 ms.
3. Peak memory (max RSS) with 100,000 products loaded and classified, versus the bare window.

Usage: python bench/bench_gui.py [N] [RUNS]   (N products for parts 2-3, default 100,000;
                                               RUNS cold starts of each kind, default 7;
                                               N = 0 runs part 1 only)
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

# Prints "usable" once the first paint of the (empty) table is done and the event loop is free again.
BARE = """
import resource, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication(sys.argv)
w = QMainWindow(); table = QTableView(); w.setCentralWidget(table); w.resize(1366, 768)

class Probe(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not hasattr(self, "done"):
            self.done = True
            QTimer.singleShot(0, lambda: (print("usable", flush=True), app.quit()))
        return False

probe = Probe(); table.viewport().installEventFilter(probe)
w.show()
app.exec()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

# The real entry point (workbench.cli.main on sys.argv, as `workbench gui --db DB` runs it), with a
# probe on the catalog table installed as soon as the window exists.
APP = """
import sys
from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
from workbench import cli
from workbench.services import catalog_query as cq
from workbench.ui.shell import launcher

class Probe(QObject):
    def __init__(self, gui):
        super().__init__()
        self.gui, self.seen = gui, set()
        gui.window.catalog.table.viewport().installEventFilter(self)

    def eventFilter(self, obj, event):
        if event.type() != QEvent.Type.Paint:
            return False
        model, session = self.gui.window.catalog.model, self.gui.session
        if model.rowCount() and "rows" not in self.seen:
            self.later("rows", self.heartbeat)
        # The selected regime's column: from the compiled cache (before the engine) or the engine.
        filled = model.cls is not None and model.cls.regime.id == session.regime_id \
            and model.cls.destination == session.destination
        if filled and model.rowCount() and model.index(0, cq.COL_CLASS).data() not in ("…", "?", "") \\
                and "classified" not in self.seen:
            self.later("classified", self.report_blocks)
        return False

    # From rows to classified: the longest gap between ticks of a 2 ms timer (how long the UI
    # thread was blocked while the engine was imported and the catalog classified).
    def heartbeat(self):
        self.clock, self.last, self.longest = QElapsedTimer(), 0, 0.0
        self.clock.start()
        self.timer = QTimer(interval=2)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self):
        now = self.clock.nsecsElapsed()
        self.longest = max(self.longest, (now - self.last) / 1e6)
        self.last = now

    def report_blocks(self):
        self.tick()
        print("block", f"{self.longest:.1f}", flush=True)
        QApplication.quit()

    def later(self, what, then=lambda: None):
        self.seen.add(what)
        QTimer.singleShot(0, lambda: (print(what, flush=True), then()))

start = launcher.Gui.__init__

def probed(self, *args, **kwargs):
    start(self, *args, **kwargs)
    self.probe = Probe(self)

launcher.Gui.__init__ = probed
sys.argv = ["workbench", "gui", "--db", sys.argv[1], "--size", "1366x768"]  # as the bare window
sys.exit(cli.main())
"""


def _run(cmd: list[str], env: dict) -> dict[str, float]:
    """Seconds from starting ``cmd`` until each line it prints is read (first word of the line)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT))
    seen: dict[str, float] = {}
    for line in proc.stdout:
        seen.setdefault(line.split()[0] if line.split() else "", time.perf_counter() - start)
        seen["last"] = float(line) if line.strip().isdigit() else seen.get("last", 0.0)
        if line.startswith("block "):
            seen["block_ms"] = float(line.split()[1])
    err = proc.stderr.read()
    if proc.wait() != 0 or not ({"usable", "classified"} & set(seen)):
        raise SystemExit(f"{cmd} failed (exit {proc.returncode}):\n{err}")
    return seen


def cold_start(tmp: Path, runs: int) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_DATA_HOME": str(tmp / "data"),
           "XDG_CACHE_HOME": str(tmp / "cache"), "XDG_CONFIG_HOME": str(tmp / "config"),
           "XDG_STATE_HOME": str(tmp / "state"), "PYTHONPYCACHEPREFIX": str(tmp / "pyc"), "PYTHONUNBUFFERED": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    bare_cmd = [sys.executable, "-c", BARE]
    app_cmd = [sys.executable, "-c", APP, str(tmp / "demo.db")]
    from workbench.services.catalog import create_catalog

    create_catalog(tmp / "demo.db", demo=True)  # the app opens catalogs, it never creates one by itself
    _run(bare_cmd, env)
    first = _run(app_cmd, env)  # writes the bytecode cache
    bare, rows, classified, blocks, engine, bare_rss = [], [], [], [], [], 0
    for i in range(runs):
        b = _run(bare_cmd, env)
        bare.append(b["usable"])
        bare_rss = int(b["last"])
        a = _run(app_cmd, env)
        rows.append(a["rows"])
        classified.append(a["classified"])
        blocks.append(a["block_ms"])
        # the engine's path: no compiled column kept (a cache folder of its own, empty)
        engine.append(_run(app_cmd, {**env, "XDG_CACHE_HOME": str(tmp / f"cache-empty-{i}")})["classified"])
    med = statistics.median
    b = med(bare)
    print(f"1. cold start (median of {runs} runs each, alternating; offscreen)")
    print(f"   bare PySide6 window painted, loop responsive:     {b:6.3f} s (baseline; min {min(bare):.3f})")
    print(f"   rows: catalog rows painted, loop responsive:      {med(rows):6.3f} s  ratio {med(rows) / b:.2f}x "
          f"(min {min(rows):.3f}; the usable window, target <= 2x)")
    print(f"   classified: selected regime's column filled:      {med(classified):6.3f} s  ratio "
          f"{med(classified) / b:.2f}x (min {min(classified):.3f}; arrives after rows, target <= 2.5x)")
    print(f"   classified, engine (no compiled column kept):     {med(engine):6.3f} s  ratio "
          f"{med(engine) / b:.2f}x (min {min(engine):.3f}; first start of a day, or after a change)")
    print(f"   UI thread between rows and classified (compiled column, or engine import and classify on workers): "
          f"longest block {med(blocks):.0f} ms (median; max {max(blocks):.0f} ms; 2 ms heartbeat)")
    print(f"   first run (compiles bytecode, keeps the compiled column): {first['classified']:.3f} s")
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
    from workbench.services import catalog_query as cq
    from workbench.ui.shell.launcher import Gui

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
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        bare_rss = cold_start(tmp, runs)
        if n == 0:
            return
        ui_blocks(n, tmp)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"\n3. peak memory (max RSS) with {n:,} products loaded and classified: {peak / 1024:.0f} MiB "
              f"(bare PySide6 window: {bare_rss / 1024:.0f} MiB, ratio {peak / bare_rss:.1f}x)")


if __name__ == "__main__":
    main()
