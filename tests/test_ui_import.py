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
from workbench.ui.catalog.import_dialog import ImportDialog, split_problem  # noqa: E402


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
    mapping = {dialog.mapping.item(r, 0).text(): dialog.mapping.cellWidget(r, 2).currentData()
               for r in range(dialog.mapping.rowCount())}
    assert mapping["Part Number"] == "part_number" and mapping["FP16 TFLOPS"] == "fp16_tflops"
    cells = [[dialog.table.item(r, c).text() for c in range(3)] for r in range(dialog.table.rowCount())]
    assert ["add", "NEW-CHIP-1", "Acme"] in cells and dialog.confirm_button.isEnabled()
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


def test_a_column_is_mapped_in_the_dialog_saved_as_a_profile_and_offered_again(gui, qtbot, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["型号", "FP16 TFLOP", "价格"])
    ws.append(["MAP-1", 500.0, 10])
    path = tmp_path / "m.xlsx"
    wb.save(path)
    dialog = gui.window.import_file(path, exec_dialog=False)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.columns != [], timeout=30000)
    assert dialog.plan is None and not dialog.confirm_button.isEnabled()  # 'FP16 TFLOP' waits for the user's word
    dialog.set_field("FP16 TFLOP", "fp16_tflops")
    with qtbot.waitSignal(dialog.previewReady, timeout=30000):
        dialog.apply_mapping()
    assert dialog.plan.added == ["MAP-1"] and dialog.confirm_button.isEnabled()
    dialog.save_profile("officer sheet")
    again = gui.window.import_file(path, exec_dialog=False)
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.previewReady, timeout=30000):
        pass
    assert again.profile_name == "officer sheet" and again.plan.added == ["MAP-1"]


def test_a_file_changed_after_the_preview_is_refused_and_nothing_written(gui, qtbot, tmp_path):
    path = _sheet(tmp_path / "new.xlsx", GOOD)
    dialog = gui.window.import_file(path, exec_dialog=False)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=30000)
    before = _state(gui.services.conn)
    _sheet(path, [["OTHER-9", "Acme", 1.0, 1.0, "yes", "yes", "ic"]])
    with qtbot.waitSignal(dialog.importFailed, timeout=60000):
        dialog.confirm()
    assert "changed since the preview" in dialog.caption.text()
    assert _state(gui.services.conn) == before


def test_problems_only_shows_the_rows_with_a_noted_cell(gui, qtbot, tmp_path):
    path = _sheet(tmp_path / "n.xlsx", [["N-1", "Acme", "1,500", 600.0, "yes", "yes", "ic"], GOOD[1]])
    dialog = gui.window.import_file(path, exec_dialog=False)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=30000)
    fp16 = [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())].index("fp16_tflops")
    assert "1,500" in dialog.table.item(0, fp16).toolTip()
    dialog.problems_only.setChecked(True)
    assert not dialog.table.isRowHidden(0) and dialog.table.isRowHidden(1)


def test_a_near_duplicate_is_offered_as_update_or_add_and_updates_when_chosen(gui, qtbot, tmp_path):
    path = _sheet(tmp_path / "near.xlsx", [["nvidia h100 sxm5 80gb", "NVIDIA", 990.0, 814.0, "yes", "yes", "board"]])
    dialog = gui.window.import_file(path, exec_dialog=False)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=30000)
    assert dialog.similar_box.isVisibleTo(dialog) and not dialog.confirm_button.isEnabled()
    assert "matches the catalog's NVIDIA-H100-SXM5-80GB" in dialog.caption.text()
    with qtbot.waitSignal(dialog.previewReady, timeout=30000):
        dialog.choose_similar("update")
    assert [p for p, _ in dialog.plan.changed] == ["NVIDIA-H100-SXM5-80GB"] and dialog.confirm_button.isEnabled()
    with qtbot.waitSignal(dialog.importFinished, timeout=60000):
        dialog.confirm()
    row = gui.services.conn.execute("SELECT fp16_tflops FROM products WHERE part_number = 'NVIDIA-H100-SXM5-80GB'")
    assert row.fetchone()[0] == 990.0


def test_problem_and_note_lines_are_shown_in_chinese(gui):
    from workbench.ui.catalog.import_text import localise

    gui.language.apply("zh")
    assert localise("f.xlsx:S!A19: duplicate part number 'X-1', first given at A8 (expected each part number once)") \
        == "f.xlsx:S!A19: 料号“X-1”重复，首次出现在 A8（每个料号只能出现一次）"
    assert localise("f.xlsx: hidden sheets not read: 旧 数据") == "f.xlsx: 未读取隐藏工作表：旧 数据"
    assert localise("an unknown shape of line") == "an unknown shape of line"
    gui.language.apply("en")
    assert localise("f.xlsx:S!B1: column 'FP16 TFLOP' is probably fp16_tflops (near 'x'): map it? (expected --map "
                    "\"FP16 TFLOP=fp16_tflops\" or --ignore \"FP16 TFLOP\")") == \
        "f.xlsx:S!B1: Column 'FP16 TFLOP' is probably fp16_tflops: map it? (choose fp16_tflops or 'ignore' in the field chooser)"
