"""Issue 5 in the desktop app: the Letters tab over LetterService, its dashboard strip, and the
product view's determination changing to "licence required under letter REF" while an open
letter covers the product for the selected destination, and back once the letter is closed."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QFileDialog, QMessageBox  # noqa: E402

from test_ui_support import TODAY, close_gui, gui, make_gui  # noqa: E402,F401
from workbench.ui.letters.letters_model import COL_DEADLINE, COL_PRODUCTS, COL_REF, COL_STATUS, LettersModel  # noqa: E402

PART = "NVIDIA-L20-48GB"  # 864 GB/s memory; no licence for China under us-h200-2026-01 by the regime alone
REF = "TEST-LETTER-L20"


def _letter(ref=REF, status="received", overdue=False, due_in=10):
    today = TODAY
    due = today - timedelta(days=3) if overdue else today + timedelta(days=due_in)
    return {
        "ref": ref, "addressee": "Test Exporter Ltd", "received": str(today - timedelta(days=20)),
        "effective": str(today - timedelta(days=20)), "legal_basis": "not stated", "summary": "test letter",
        "covered": {"part_numbers": [], "criteria": [{
            "id": "mem-bw", "description": "memory bandwidth at or above 800 GB/s",
            "condition": {"metric": "memory_bandwidth_gbs", "op": ">=", "value": 800, "label": "memory bandwidth (GB/s)"}}]},
        "destinations": {"countries": ["CN"], "label": "China"},
        "status": status, "deadlines": [{"id": "reply", "label": "reply to BIS", "due": str(due)}],
    }


def _l20_item(window):
    dets = window.product.dets
    top = [dets.topLevelItem(i) for i in range(dets.topLevelItemCount())
           if dets.topLevelItem(i).text(0) == "us-h200-2026-01"][0]
    return top, [top.child(k).text(0) for k in range(top.childCount())]


def test_letter_added_from_json_binds_the_product_and_closing_it_releases_it(gui, qtbot, tmp_path, monkeypatch):
    w = gui.window
    gui.session.select_product(PART)
    top, children = _l20_item(w)
    assert not any("under letter" in c for c in children)
    assert "under letter" not in w.product.sentences.text()

    path = tmp_path / "letter.json"
    path.write_text(json.dumps(_letter()), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    with qtbot.waitSignal(w.letters.changed, timeout=5000):
        w.add_letter_action.trigger()
    model = w.letters.model
    row = model.row_of(REF)
    assert row >= 0 and PART in model.index(row, COL_PRODUCTS).data()
    assert model.index(row, COL_STATUS).data() == "received"

    top, children = _l20_item(w)
    assert f"licence required under letter {REF}" in children
    letter_row = top.child(children.index(f"licence required under letter {REF}"))
    assert "memory bandwidth" in letter_row.text(1) and "864" in letter_row.text(1)
    assert f"under letter {REF}" in top.text(6) and f"under letter {REF}" in w.product.sentences.text()

    # The status machine refuses to close a letter still under way, and the GUI says why.
    warned = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    w.letters.select_ref(REF)
    w.close_letter_action.trigger()
    assert warned and "cannot go from received to closed" in warned[0]
    assert f"licence required under letter {REF}" in _l20_item(w)[1]

    service = w.letters.service
    service.set_status(REF, "under_review", TODAY)
    service.set_application(REF, {"number": "Z-1", "status": "submitted", "items": [PART], "destination": "CN"})
    for status in ("licence_applied", "withdrawn"):
        service.set_status(REF, status, TODAY)
    # A "No" to the confirmation leaves the letter open.
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: warned.append(a[2]))
    assert w.letters.select_ref(REF)
    w.close_letter_action.trigger()
    assert w.letters.service.get(REF).status == "withdrawn"

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    w.letters.select_ref(REF)
    with qtbot.waitSignal(w.letters.changed, timeout=5000):
        w.close_letter_action.trigger()
    assert w.letters.service.get(REF).status == "closed"
    assert model.index(model.row_of(REF), COL_STATUS).data() == "closed"
    top, children = _l20_item(w)
    assert not any("under letter" in c for c in children) and "under letter" not in top.text(6)
    assert len(warned) == 1


def test_overdue_deadline_is_red_and_counted_on_the_strip(gui, qtbot):
    w = gui.window
    service = w.letters.service
    service.add(_letter("LATE-1", overdue=True))
    service.add(_letter("SOON-1"))
    model = w.letters.model
    late, soon = model.row_of("LATE-1"), model.row_of("SOON-1")
    red = model.index(late, COL_DEADLINE).data(Qt.ItemDataRole.ForegroundRole)
    assert red is not None and red.color().name() == "#b00020"
    assert "overdue" in model.index(late, COL_DEADLINE).data()
    assert model.index(soon, COL_DEADLINE).data(Qt.ItemDataRole.ForegroundRole) is None
    text = model.index(soon, COL_DEADLINE).data()  # 10 days in Washington; the last local day may be one later
    assert ("(10 days)" in text or "(11 days)" in text) and "overdue" not in text
    text = w.letters.strip.text()
    assert "received 2" in text and "1 deadlines due in the next 30 days" in text and "1 overdue" in text
    assert model.index(late, COL_REF).data() == "LATE-1"


@pytest.mark.parametrize("due_in, counted", [(29, 1), (30, 1), (31, 0)])
def test_deadline_strip_counts_the_30_day_window_from_the_injected_today(gui, due_in, counted):
    """The window is today plus 30 calendar days, today included: day 30 is in, day 31 is out.
    "Today" is the app's injected clock, never the wall clock."""
    gui.window.letters.service.add(_letter("EDGE-1", due_in=due_in))
    gui.window.letters.refresh()
    assert f"{counted} deadlines due in the next 30 days" in gui.window.letters.strip.text()


def test_bad_letter_file_is_refused_with_a_message(gui, tmp_path, monkeypatch):
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**_letter(), "status": "lost"}), encoding="utf-8")
    before = gui.window.letters.model.rowCount()  # the demo catalog's SAMPLE letter
    assert gui.window.letters.add_from_json(bad) == []
    assert warned and gui.window.letters.model.rowCount() == before


def test_letters_model_passes_qt_model_tester(gui, qtmodeltester):
    service = gui.window.letters.service
    service.add(_letter("A-1"))
    service.add(_letter("B-2", overdue=True))
    model = LettersModel()
    model.set_letters(service.list(), {"A-1": (PART,)}, now=gui.services.clock.now())
    qtmodeltester.check(model)
    assert model.rowCount() == 3  # A-1, B-2 and the demo catalog's SAMPLE letter
