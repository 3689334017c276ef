"""Import from the window: preview with the column mapping, per-cell errors, confirm, cancel
(rolled back), and dropping a file on the window."""

from __future__ import annotations

import threading

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDropEvent  # noqa: E402

from test_ui_support import gui  # noqa: E402,F401
from workbench.store.products import database_digest  # noqa: E402
from workbench.ui.import_dialog import ImportDialog, split_problem  # noqa: E402


def _sheet(path, rows):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Products"
    ws.append(["Part Number", "vendor", "FP16 TFLOPS", "die_area_mm2", "non_planar", "datacenter", "product_type"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _state(conn):
    return conn.execute("SELECT count(*) FROM products").fetchone()[0], database_digest(conn)


GOOD = [["NEW-CHIP-1", "Acme", 500.0, 600.0, "yes", "yes", "ic"],
        ["NEW-CHIP-2", "Acme", 100.0, 300.0, "yes", "yes", "ic"]]


def test_import_preview_then_confirm_reloads_the_catalog(gui, qtbot, tmp_path):
    path = _sheet(tmp_path / "new.xlsx", GOOD)
    w = gui.window
    dialog = w.import_file(path, exec_dialog=False)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=30000)
    cells = [[dialog.table.item(r, c).text() for c in range(3)] for r in range(dialog.table.rowCount())]
    assert ["column", "Part Number", "part_number"] in cells and ["column", "FP16 TFLOPS", "fp16_tflops"] in cells
    assert ["add", "NEW-CHIP-1", ""] in cells and dialog.confirm_button.isEnabled()
    assert gui.services.conn.execute("SELECT count(*) FROM products").fetchone()[0] == 53  # nothing written yet
    with qtbot.waitSignal(gui.session.classified, timeout=60000):
        with qtbot.waitSignal(dialog.importFinished, timeout=60000):
            qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert len(gui.session.snapshot) == 55
    i = gui.session.snapshot.index["NEW-CHIP-1"]
    assert gui.session.current.tpp[i] == 8000.0 and gui.session.current.shown[i] == "3A090.a.1"
    assert gui.window.catalog.model.row_of("NEW-CHIP-1") >= 0
    assert gui.services.conn.execute("SELECT count(*) FROM audit_subjects WHERE entity LIKE 'NEW-CHIP-%'").fetchone()[0] == 2


def test_import_errors_are_listed_per_cell_and_nothing_is_written(gui, qtbot, tmp_path):
    path = _sheet(tmp_path / "bad.xlsx", [["BAD-1", "Acme", "lots", 600.0, "yes", "yes", "ic"],
                                          ["BAD-2", "Acme", 100.0, -3.0, "yes", "yes", "ic"]])
    before = _state(gui.services.conn)
    dialog = gui.window.import_file(path, exec_dialog=False)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.importFailed, timeout=30000) as blocker:
        pass
    assert len(blocker.args[0]) >= 2
    cells = {dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())}
    assert {"Products!C2", "Products!D3"} <= cells
    assert not dialog.confirm_button.isEnabled()
    assert _state(gui.services.conn) == before


def test_cancelling_an_import_mid_write_rolls_it_back(gui, qtbot, tmp_path, monkeypatch):
    import workbench.services.import_products as service

    path = _sheet(tmp_path / "new.xlsx", GOOD)
    before = _state(gui.services.conn)
    dialog = gui.window.import_file(path, exec_dialog=False)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=30000)

    inside, gate = threading.Event(), threading.Event()
    real = service.write_products

    def held_write(conn, batch, **kw):
        assert conn.in_transaction
        inside.set()
        gate.wait(10)  # the user presses Cancel while rows are being written
        return real(conn, batch, **kw)

    monkeypatch.setattr(service, "write_products", held_write)
    dialog.confirm()
    qtbot.waitUntil(inside.is_set, timeout=30000)
    with qtbot.waitSignal(dialog.importCancelled, timeout=30000):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        gate.set()
    assert "nothing was imported" in dialog.caption.text()
    assert _state(gui.services.conn) == before
    assert not gui.services.conn.in_transaction


def test_dropping_an_xlsx_on_the_window_opens_the_import(gui, qtbot, tmp_path, monkeypatch):
    path = _sheet(tmp_path / "drop.xlsx", GOOD)
    opened = []
    monkeypatch.setattr(ImportDialog, "open", lambda self: opened.append(self))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    gui.window.dropEvent(event)
    assert opened and opened[0].path == path
    qtbot.waitUntil(lambda: opened[0].plan is not None, timeout=30000)
    opened[0].close()


def test_problem_lines_are_split_into_cell_and_message():
    assert split_problem("a.xlsx:Products!C2: 'lots' is not a number") == ("Products!C2", "'lots' is not a number")
    assert split_problem("a.xlsx: not an xlsx file") == ("", "a.xlsx: not an xlsx file")
