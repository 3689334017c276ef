"""Issue 6 from the GUI: the memo for a catalog selection and the workbook export run on the task
runner (fresh connection in the worker), write real files, and a cancel writes nothing."""

from __future__ import annotations

import threading

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QFileDialog  # noqa: E402

from test_ui_support import close_gui, gui, make_gui  # noqa: E402,F401
from workbench.services import catalog_query as cq  # noqa: E402

PARTS = ("NVIDIA-H100-SXM5-80GB", "AMD-MI210-64GB")


def _select(qtbot, window, parts):
    view = window.catalog
    window.show_tab("catalog")
    qtbot.waitUntil(lambda: all(view.model.row_of(p) >= 0 for p in parts), timeout=10000)
    for k, part in enumerate(parts):
        index = view.model.index(view.model.row_of(part), cq.COL_PART)
        view.table.scrollTo(index)
        rect = view.table.visualRect(index)
        modifier = Qt.KeyboardModifier.ControlModifier if k else Qt.KeyboardModifier.NoModifier
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())
    assert sorted(view.selected_parts()) == sorted(parts)


def _save_as(monkeypatch, path):
    asked = []

    def fake(*args, **kwargs):
        asked.append(args)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)
    return asked


def test_memo_for_two_selected_products_from_the_menu(gui, qtbot, tmp_path, monkeypatch):
    from pypdf import PdfReader

    w = gui.window
    _select(qtbot, w, PARTS)
    out = tmp_path / "out" / "memo.pdf"
    out.parent.mkdir()
    asked = _save_as(monkeypatch, out)
    assert w.memo_action.shortcut().toString() == "Ctrl+M"
    with qtbot.waitSignal(w.reports.finished, timeout=120000) as blocker:
        w.memo_action.trigger()
        assert w.reports.cancel_button.isVisible()
    assert asked and blocker.args == [out]
    text = "".join(p.extract_text() or "" for p in PdfReader(str(out)).pages)
    flat = "".join(text.split())
    assert all(part in flat for part in PARTS)
    assert gui.session.regime.id in flat  # the selected regime and those enforced on the memo date
    assert "us-ear-2022-10" not in flat  # no history unless the menu's checkbox asks for it
    assert not w.reports.cancel_button.isVisible() and not w.progress.isVisible()
    assert str(out) in w.status.text()


def test_the_history_checkbox_adds_the_appendix(gui, qtbot, tmp_path, monkeypatch):
    from pypdf import PdfReader

    w = gui.window
    _select(qtbot, w, PARTS[:1])
    out = tmp_path / "memo.pdf"
    _save_as(monkeypatch, out)
    assert not w.reports.history_action.isChecked()
    w.reports.history_action.setChecked(True)
    with qtbot.waitSignal(w.reports.finished, timeout=120000):
        w.memo_action.trigger()
    flat = "".join("".join(p.extract_text() or "" for p in PdfReader(str(out)).pages).split())
    appendix = flat[flat.index("AppendixA:"):]
    assert "us-ear-2022-10" in appendix and "superseded" in appendix


def test_memo_without_a_selection_asks_for_one(gui, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    asked = _save_as(monkeypatch, "unused.pdf")
    gui.window.catalog.table.clearSelection()
    gui.session.part = None
    assert gui.window.reports.write_memo() is None
    assert told and not asked


def test_workbook_export_from_the_menu(gui, qtbot, tmp_path, monkeypatch):
    import openpyxl

    w = gui.window
    out = tmp_path / "catalog.xlsx"
    _save_as(monkeypatch, out)
    assert w.workbook_action.shortcut().toString() == "Ctrl+E"
    with qtbot.waitSignal(w.reports.finished, timeout=120000):
        w.workbook_action.trigger()
    wb = openpyxl.load_workbook(out)
    cells = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert all(part in cells for part in PARTS)


def test_cancel_writes_nothing(gui, qtbot, tmp_path, monkeypatch):
    from workbench.services import reports

    w = gui.window
    _select(qtbot, w, PARTS)
    out = tmp_path / "memo.pdf"
    _save_as(monkeypatch, out)
    started, go_on = threading.Event(), threading.Event()
    real = reports.gather_memo

    def held(*args, **kwargs):  # the worker waits here until the test has pressed Cancel
        started.set()
        assert go_on.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(reports, "gather_memo", held)
    finished = []
    w.reports.finished.connect(finished.append)
    w.memo_action.trigger()
    qtbot.waitUntil(started.is_set, timeout=10000)
    with qtbot.waitSignal(w.reports.cancelled, timeout=60000):
        qtbot.mouseClick(w.reports.cancel_button, Qt.MouseButton.LeftButton)
        go_on.set()
    assert not out.exists() and not finished
    assert "nothing was written" in w.status.text()
    assert not w.reports.cancel_button.isVisible()
