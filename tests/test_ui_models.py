"""Table models (checked with qtmodeltester), the filter/sort function, the task runner, the
map regions, the CSV neutralisation and the "as enforced" substitution."""

from __future__ import annotations

from datetime import date

import pytest

pytest.importorskip("pytestqt")

from workbench.services.catalog import open_catalog  # noqa: E402
from workbench.services.regimes import bundled_library  # noqa: E402
from workbench.services import catalog_query as cq  # noqa: E402
from workbench.services.catalog_snapshot import load_snapshot  # noqa: E402
from workbench.engine.governance import as_enforced  # noqa: E402
from workbench.services.catalog_column import classify_catalog  # noqa: E402
from workbench.ui.support.csv_export import csv_text, neutralise  # noqa: E402
from workbench.ui.map.map_regions import regions  # noqa: E402
from workbench.ui.support.models import CatalogModel, CompareModel, ProximityModel  # noqa: E402
from workbench.ui.shell.tasks import Cancelled, TaskRunner  # noqa: E402

# The day the engine reads regimes on when a test gives no date (never the wall clock).
TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    conn = open_catalog(tmp_path_factory.mktemp("ui") / "catalog.db")
    lib = bundled_library()
    snap = load_snapshot(conn)
    results = {rid: classify_catalog(conn, snap, lib.get(rid), lib.countries, "CN", today=TODAY)
               for rid in ("us-ear-2022-10", "us-ear-2023-10", "us-h200-2026-01")}
    yield conn, snap, results
    conn.close()


def test_catalog_model_passes_qtmodeltester(qtmodeltester, qtbot, demo):
    _, snap, results = demo
    model = CatalogModel(TaskRunner())
    model.set_data(snap, results["us-h200-2026-01"])
    assert model.rowCount() == len(snap) == 53
    qtmodeltester.check(model)
    model.set_query(cq.Query(vendor="NVIDIA", sort_column=cq.COL_TPP, descending=True))
    qtmodeltester.check(model)
    assert all(model.snap.vendors[i] == "NVIDIA" for i in model.rows)


def test_catalog_model_multidata_answers_as_data_does(qtbot, demo):
    """A painted cell asks its roles in one multiData call: the same values as data() per role."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

    _, snap, results = demo
    model = CatalogModel(TaskRunner())
    model.set_data(snap, results["us-h200-2026-01"])
    model.near_pct = 100.0  # the margin column gets its brush
    delegate = QStyledItemDelegate()
    for row in (0, 7, len(snap) - 1):
        for col in range(cq.COLUMN_COUNT):
            index = model.index(row, col)
            option = QStyleOptionViewItem()
            delegate.initStyleOption(option, index)  # Qt calls model.multiData here
            assert option.text == (model.data(index) or "")
            aligned = model.data(index, Qt.ItemDataRole.TextAlignmentRole)
            if aligned is not None:
                assert int(option.displayAlignment) & aligned == aligned


def test_catalog_model_formats_a_cell_once_per_classification(demo, monkeypatch):
    _, snap, results = demo
    model = CatalogModel(TaskRunner())
    model.set_data(snap, results["us-ear-2022-10"])
    calls = []
    display = CatalogModel._display
    monkeypatch.setattr(CatalogModel, "_display", lambda self, i, col: calls.append((i, col)) or display(self, i, col))
    index = model.index(3, cq.COL_CLASS)
    first = model.data(index)
    assert model.data(index) == first and len(calls) == 1  # the second paint reads the kept text
    model.set_data(snap, results["us-h200-2026-01"])  # another classification: formatted afresh
    assert model.data(model.index(3, cq.COL_CLASS)) == model._display(model.rows[3], cq.COL_CLASS)
    assert len(calls) == 3
    model.forget_texts()  # a figure edited in place in the snapshot
    model.data(model.index(3, cq.COL_CLASS))
    assert len(calls) == 4


def _model_filtering_on_a_worker(qtbot, demo, monkeypatch) -> tuple[CatalogModel, TaskRunner]:
    """A catalog model that filters on a worker (as for a big catalog), holding the demo classified."""
    _, snap, results = demo
    monkeypatch.setattr(CatalogModel, "SYNC_LIMIT", 0)
    runner = TaskRunner()
    model = CatalogModel(runner)
    with qtbot.waitSignal(model.rowsApplied, timeout=10000):
        model.set_data(snap, results["us-h200-2026-01"])
    return model, runner


def test_catalog_model_filters_off_the_ui_thread_for_big_catalogs(qtbot, demo, monkeypatch):
    model, runner = _model_filtering_on_a_worker(qtbot, demo, monkeypatch)
    with qtbot.waitSignal(model.rowsApplied, timeout=10000) as blocker:
        model.set_query(cq.Query(text="h100"))
    assert blocker.args[0] == len(model.rows) > 0
    assert all("h100" in model.part_at(r).lower() for r in range(model.rowCount()))
    runner.wait()


def test_compare_and_proximity_models_pass_qtmodeltester(qtmodeltester, demo):
    _, snap, results = demo
    cmp_model = CompareModel()
    order = ["us-ear-2022-10", "us-ear-2023-10", "us-h200-2026-01"]
    cmp_model.set_result(snap, [results[r] for r in order], order)
    qtmodeltester.check(cmp_model)
    cmp_model.set_only_changed(True)
    qtmodeltester.check(cmp_model)
    assert 0 < cmp_model.rowCount() < len(snap)
    prox = ProximityModel()
    prox.set_rows(snap, results["us-h200-2026-01"], 10.0)
    qtmodeltester.check(prox)
    margins = [abs(results["us-h200-2026-01"].margin_pct[i]) for i in prox.rows]
    assert margins == sorted(margins) and all(m <= 10.0 for m in margins) and margins


def test_select_rows_filters_and_sorts_with_unknown_last(demo):
    _, snap, results = demo
    cls = results["us-ear-2023-10"]
    rows = cq.select_rows(snap, cls, cq.Query(sort_column=cq.COL_TPP, descending=True))
    known = [cls.tpp[i] for i in rows if cls.tpp[i] is not None]
    assert known == sorted(known, reverse=True)
    assert all(cls.tpp[i] is None for i in rows[len(known):])
    near = cq.select_rows(snap, cls, cq.Query(near_pct=5.0))
    assert near and all(abs(cls.margin_pct[i]) <= 5.0 for i in near)
    only = cq.select_rows(snap, cls, cq.Query(classification="3A090.a.1", vendor="AMD"))
    assert only and all(cls.shown[i] == "3A090.a.1" and snap.vendors[i] == "AMD" for i in only)
    assert cq.select_rows(snap, cls, cq.Query(text="no such part")) == []


def test_task_runner_reports_progress_result_failure_and_cancel(qtbot):
    import threading

    runner = TaskRunner()
    events = []

    def ok(ctx):
        ctx.progress(1, 2, "half")
        return 42

    runner.start("ok", ok, on_done=lambda r: events.append(("done", r)),
                 on_progress=lambda d, t, text: events.append(("progress", d, t, text)))
    qtbot.waitUntil(lambda: ("done", 42) in events, timeout=5000)
    assert events == [("progress", 1, 2, "half"), ("done", 42)]

    def boom(ctx):
        raise ValueError("bad")

    runner.start("boom", boom, on_failed=lambda exc, text: events.append(("failed", exc, text)))
    qtbot.waitUntil(lambda: events[-1][0] == "failed", timeout=5000)
    assert isinstance(events[-1][1], ValueError) and "ValueError: bad" in events[-1][2]

    gate = threading.Event()

    def slow(ctx):
        gate.wait(5)
        ctx.check()
        return "not reached"

    handle = runner.start("slow", slow, on_done=lambda r: events.append(("done", r)),
                          on_cancelled=lambda: events.append(("cancelled",)))
    handle.cancel()
    gate.set()
    qtbot.waitUntil(lambda: events[-1] == ("cancelled",), timeout=5000)
    runner.wait()
    assert ("done", "not reached") not in events


def test_map_regions_come_from_the_rule_thresholds():
    lib = bundled_library()
    h200 = {g.label: g for g in regions(lib.get("us-h200-2026-01"))}
    assert h200["3A090.a.1"].tpp_lo == 4800 and h200["3A090.a.2"].pd_lo == 5.92
    assert (h200["3A090.b.1"].tpp_lo, h200["3A090.b.1"].tpp_hi) == (2400, 4800)
    window = [g for g in h200.values() if g.kind == "window"]
    assert window and window[0].tpp_hi == 21000 and "6,500" in window[0].note
    old = regions(lib.get("us-ear-2022-10"))
    assert [g.tpp_lo for g in old] == [4800] and "interconnect" in old[0].note


def test_csv_export_neutralises_formula_prefixes():
    for bad in ("=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(bad) == "'" + bad
    assert neutralise("3A090.a.1") == "3A090.a.1"
    text = csv_text(["part", "=x"], [["=cmd|' /C calc'!A0", "ok"]])
    assert text.splitlines()[1].startswith("\"'=cmd") or text.splitlines()[1].startswith("'=cmd")


def test_as_enforced_replaces_the_codified_only_ai_diffusion_rule():
    lib = bundled_library()
    regimes = list(lib.regimes)
    assert as_enforced(lib.get("us-ai-diffusion-2025-01"), regimes).id == "us-enforced-2025-05"
    assert as_enforced(lib.get("us-ear-2023-10"), regimes).id == "us-ear-2023-10"
    assert as_enforced(lib.get("us-proposed-2025-04"), regimes).id == "us-proposed-2025-04"


@pytest.mark.parametrize("chunk", [3, 8192])
def test_chunked_sort_matches_a_plain_sort(demo, monkeypatch, chunk):
    _, snap, results = demo
    monkeypatch.setattr(cq, "_CHUNK", chunk)
    cls = results["us-ear-2023-10"]
    for column in range(cq.COLUMN_COUNT):
        for descending in (False, True):
            for query in (cq.Query(sort_column=column, descending=descending),
                          cq.Query(vendor="NVIDIA", sort_column=column, descending=descending)):
                got = cq.select_rows(snap, cls, query)
                values = cq.sort_values(column, snap, cls)
                rows = [i for i in range(len(snap)) if not query.vendor or snap.vendors[i] == query.vendor]
                known = sorted((i for i in rows if values[i] is not None), key=values.__getitem__, reverse=descending)
                assert [values[i] for i in got[:len(known)]] == [values[i] for i in known]
                assert sorted(got) == sorted(rows) and all(values[i] is None for i in got[len(known):])


def test_product_line_filter_uses_the_catalogs_lines(tmp_path):
    from workbench.store.connection import write_transaction

    conn = open_catalog(tmp_path / "lines.db")
    try:
        with write_transaction(conn, "lines"):
            conn.execute("INSERT INTO product_lines (id, name) VALUES (1, 'Hopper')")
            conn.executemany("INSERT INTO product_line_members (line_id, part_number) VALUES (1, ?)",
                             [("NVIDIA-H100-SXM5-80GB",), ("NVIDIA-H200-SXM-141GB",)])
        snap = load_snapshot(conn)
    finally:
        conn.close()
    assert snap.line_names == ["Hopper"]
    rows = cq.select_rows(snap, None, cq.Query(line="Hopper"))
    assert sorted(snap.parts[i] for i in rows) == ["NVIDIA-H100-SXM5-80GB", "NVIDIA-H200-SXM-141GB"]


# Jobs and the UI thread sharing the GIL ---------------------------------------------------------

class _Clock:
    """A clock the test moves by hand; sleep() moves it too."""

    def __init__(self):
        self.now, self.slept = 100.0, []

    def __call__(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.now += s


def test_classify_catalog_breathes_once_per_product(demo):
    conn, snap, results = demo
    lib = bundled_library()
    calls = []
    got = classify_catalog(conn, snap, lib.get("us-h200-2026-01"), lib.countries, "CN", today=TODAY,
                           breathe=lambda: calls.append(1))
    assert len(calls) == len(snap)
    assert got.position == results["us-h200-2026-01"].position  # the same column as without breathing
    assert got.classification == results["us-h200-2026-01"].classification


def test_breathe_sleeps_only_once_its_work_interval_has_passed():
    from workbench.ui.shell.tasks import JobContext

    clock = _Clock()
    ctx = JobContext(handle=None, clock=clock, sleep=clock.sleep)
    ctx.breathe()  # the first call starts the interval
    clock.now += JobContext.WORK_S / 2
    ctx.breathe()
    assert clock.slept == []
    clock.now += JobContext.WORK_S
    ctx.breathe()
    assert clock.slept == [JobContext.BREATHE_S]
    clock.now += JobContext.WORK_S / 4  # a new interval starts after the sleep
    ctx.breathe()
    assert clock.slept == [JobContext.BREATHE_S]


def test_breathe_waits_while_the_ui_thread_holds_the_gate():
    from workbench.ui.shell.tasks import JobContext, UiGate

    clock = _Clock()
    gate = UiGate(clock)
    waits = []
    gate.wait = lambda: waits.append(clock.now)  # the real one blocks on an Event
    ctx = JobContext(handle=None, gate=gate, clock=clock, sleep=clock.sleep)
    ctx.breathe()
    gate.hold()  # a paint started
    ctx.breathe()
    assert waits == [100.0] and clock.slept == []
    gate.release()  # the event loop is back
    ctx.breathe()
    assert waits == [100.0] and clock.slept == []


def test_ui_gate_hold_ends_when_released_or_after_its_limit():
    from workbench.ui.shell.tasks import UiGate

    clock = _Clock()
    gate = UiGate(clock)
    assert not gate.held() and gate.quiet_s() == float("inf")
    gate.hold()
    assert gate.held() and gate.quiet_s() == 0.0
    gate.release()
    assert not gate.held()
    gate.wait()  # released: returns at once
    gate.hold()
    clock.now += UiGate.HOLD_S  # a paint that never gave the event loop back
    assert not gate.held() and gate.quiet_s() == pytest.approx(UiGate.HOLD_S)


def test_a_table_paint_holds_the_jobs_until_the_event_loop_runs(qtbot):
    from PySide6.QtWidgets import QTableView

    from workbench.ui.shell.tasks import UiGate

    runner = TaskRunner()
    table = QTableView()
    qtbot.addWidget(table)
    runner.hold_while_painting(table.viewport())
    table.show()
    qtbot.waitExposed(table)
    qtbot.waitUntil(lambda: not runner.gate.held(), timeout=2000)  # the first paint's hold, released
    table.viewport().grab()  # a paint, delivered as the window system would
    assert runner.gate.held() and runner.gate.quiet_s() < UiGate.HOLD_S
    qtbot.waitUntil(lambda: not runner.gate.held(), timeout=2000)


def test_filter_steps_pause_and_give_the_same_rows(demo, monkeypatch):
    from workbench.errors import Cancelled

    _, snap, results = demo
    monkeypatch.setattr(cq, "_CHUNK", 4)
    cls = results["us-ear-2023-10"]
    for query in (cq.Query(sort_column=cq.COL_TPP), cq.Query(text="h", vendor="NVIDIA", sort_column=cq.COL_MARGIN)):
        pauses = []
        assert cq.select_rows(snap, cls, query, pause=lambda: pauses.append(1)) == cq.select_rows(snap, cls, query)
        assert len(pauses) > len(snap) // 4  # at least once per chunk

    def cancelled():
        raise Cancelled()

    with pytest.raises(Cancelled):
        cq.select_rows(snap, cls, cq.Query(sort_column=cq.COL_PD), pause=cancelled)


def test_a_newer_query_cancels_the_running_filter_job(qtbot, demo, monkeypatch):
    model, runner = _model_filtering_on_a_worker(qtbot, demo, monkeypatch)
    model.set_query(cq.Query(text="h100"))
    first = model._filter_job
    with qtbot.waitSignal(model.rowsApplied, timeout=10000) as blocker:
        model.set_query(cq.Query(vendor="AMD"))
    assert first.is_cancelled and not model._filter_job.is_cancelled
    assert blocker.args[0] == len(model.rows) > 0 and all(model.snap.vendors[i] == "AMD" for i in model.rows)
    runner.wait()
