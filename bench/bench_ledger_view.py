"""Ledger view and deals list benchmark: how long the UI thread is blocked when the Ledgers tab first
reads a regime, and when the Deals tab first lists every deal.

The first read determines every stored deal and builds the ledger book. Baseline: that read on
the UI thread (what the view did before), timed. Now: the view hands it to a worker thread
(workbench.ui.shell.tasks) and shows a busy bar; a 5 ms QTimer on the UI thread records the longest
gap between its ticks from the view's construction until the ledgers are shown. Both sides run
in this process on the same database, so the ratio is comparable across machines. The deals list
is measured the same way: baseline, every deal determined on the UI thread (what its refresh did
before); now, the list with more than DealsListWidget.SYNC_LIMIT deals to determine hands them to a
worker, until its rows are shown.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_ledger_view.py [--deals 2000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_ledgers import make_deals  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from workbench.services.catalog import open_catalog  # noqa: E402
from workbench.services.deals import DealService  # noqa: E402
from workbench.services.regimes import bundled_library  # noqa: E402
from workbench.ui.deals import LedgerWidget  # noqa: E402
from workbench.ui.deals.deals_list import DealsListWidget  # noqa: E402
from workbench.ui.shell.tasks import TaskRunner  # noqa: E402

RID = "us-ai-diffusion-2025-01"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=2000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    sys.setswitchinterval(0.001)  # as the app sets it (workbench.ui.shell.launcher)
    lib = bundled_library()
    with tempfile.TemporaryDirectory() as tmp:
        conn = open_catalog(Path(tmp) / "bench.db")
        DealService(conn, lib).save_many([d.model_copy(update={"id": None}) for d in make_deals(args.deals)],
                                         allow_over_limit=True)

        service = DealService(conn, lib)
        service.specs()  # loaded at start-up by the deal editor either way
        t0 = time.perf_counter()
        ledgers = service.ledgers(RID)
        baseline = time.perf_counter() - t0

        service = DealService(conn, lib)
        service.specs()
        ticks: list[float] = []
        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        timer.start()
        start = time.perf_counter()
        view = LedgerWidget(service, TaskRunner(max_threads=1))
        built = time.perf_counter() - start
        loop = QEventLoop()
        view.shown.connect(loop.quit)
        if view.is_busy:
            loop.exec()
        end = time.perf_counter()
        timer.stop()
        marks = [start, *ticks, end]
        longest = max(max(b - a for a, b in zip(marks, marks[1:])), built)
        assert view.model.rowCount() == len(ledgers), (view.model.rowCount(), len(ledgers))
        view.runner.wait()
        view.deleteLater()
        app.processEvents()

        service = DealService(conn, lib)
        service.specs()
        t0 = time.perf_counter()
        for deal in service.deals():  # what the list's refresh did on the UI thread before
            service.evaluate(deal, service.enforced_on(deal.deal_date))
        list_baseline = time.perf_counter() - t0
        service = DealService(conn, lib)
        service.specs()
        ticks = []
        timer.start()
        list_start = time.perf_counter()
        listing = DealsListWidget(service, TaskRunner(max_threads=1))
        list_built = time.perf_counter() - list_start
        poll = QTimer()
        poll.setInterval(5)
        loop = QEventLoop()
        poll.timeout.connect(lambda: loop.quit() if listing.model.rowCount() >= args.deals else None)
        poll.start()
        if listing.model.rowCount() < args.deals:
            loop.exec()
        list_end = time.perf_counter()
        timer.stop()
        poll.stop()
        marks = [list_start, *ticks, list_end]
        list_longest = max(max(b - a for a, b in zip(marks, marks[1:])), list_built)
        listing.runner.wait()
        listing.deleteLater()
        app.processEvents()
        conn.close()
    print(f"deals: {args.deals}, ledgers: {len(ledgers)}")
    print(f"first read on the UI thread (before): {baseline * 1000:8.1f} ms blocked (baseline)")
    print(f"view with the worker build (now):     {longest * 1000:8.1f} ms longest UI block, "
          f"ratio {longest / baseline:.3f}; ledgers shown after {(end - start) * 1000:.0f} ms")
    print(f"  of which the view's constructor:      {built * 1000:8.1f} ms")
    print(f"deals list, every deal on the UI thread (before): {list_baseline * 1000:8.1f} ms blocked (baseline)")
    print(f"deals list with the worker (now):     {list_longest * 1000:8.1f} ms longest UI block, "
          f"ratio {list_longest / list_baseline:.3f}; rows shown after {(list_end - list_start) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
