"""The Screening tab in the desktop app: load a list, screen a traditional-Chinese name and see
its English entry with score bar and reasons, decide a queued match with a reason, add an
ownership link; and every string of the tab has a Simplified Chinese translation."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QMessageBox, QProgressBar  # noqa: E402

from test_ui_support import TODAY, close_gui, gui, make_gui  # noqa: E402,F401
from workbench.ui.support.i18n import read_ts, ts_path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CSL = Path(__file__).parent / "data" / "screening" / "csl_sample.csv"


def test_load_screen_and_review(gui, monkeypatch):
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    window = gui.window
    window.show_tab("screening")
    view = window.view("screening")
    assert "No screening list loaded" in view.snapshot_label.text()
    report = view.load_file(CSL)
    assert report.snapshot.entries == 28 and "28 entries" in view.snapshot_label.text()
    result = view.search("中國電子科技集團公司第十四研究所", "CN")
    assert result.matches[0].entry_id == "el-cetc14"
    top = view.results.topLevelItem(0)
    assert top.text(1) == "China Electronics Technology Group Corporation 14th Research Institute"
    assert isinstance(view.results.itemWidget(top, 0), QProgressBar)
    reasons = [top.child(i).text(0).strip() for i in range(top.childCount())]
    assert any("number '第十四' ~ '14th'" in r for r in reasons)

    assert view.add_link(("華為技術有限公司", "Alpha Holdings Ltd", 60.0, TODAY, "registry")) is True
    assert view.links.rowCount() == 1
    assert view.queue.rowCount() == 1 and view.queue.item(0, 1).text() == "華為技術有限公司"
    view.queue.selectRow(0)
    assert view.decide_selected("cleared", "a different company (registry number checked)") is True
    assert view.queue.rowCount() == 0


def test_every_screening_tab_string_is_translated():
    table = read_ts(ts_path("zh"))
    sources = {text for (_ctx, text) in table}
    tree = ast.parse((ROOT / "workbench" / "ui" / "screening" / "screening_view.py").read_text(encoding="utf-8"))
    literals = {n.args[0].value for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "tr"
                and n.args and isinstance(n.args[0], ast.Constant)}
    assert len(literals) > 40
    assert sorted(literals - sources) == []
    assert "Screening" in sources
