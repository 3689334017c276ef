"""The main window driven with qtbot: select a product, switch regime, run a comparison, edit a
figure and undo it, make a draft and see products flip, the map, settings and the error hook."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402

from test_ui_support import close_gui, gui, make_gui  # noqa: E402,F401
from workbench.services import catalog_query as cq  # noqa: E402
from workbench.services.catalog_edits import last_audit, product_spec  # noqa: E402


def _select_in_catalog(qtbot, window, part):
    view = window.catalog
    row = view.model.row_of(part)
    assert row >= 0
    rect = view.table.visualRect(view.model.index(row, cq.COL_PART))
    view.table.scrollTo(view.model.index(row, 0))
    rect = view.table.visualRect(view.model.index(row, cq.COL_PART))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_selecting_a_product_shows_specs_sources_and_a_sentence_per_regime(gui, qtbot):
    w = gui.window
    with qtbot.waitSignal(gui.session.productSelected, timeout=5000) as blocker:
        _select_in_catalog(qtbot, w, "NVIDIA-H100-SXM5-80GB")
    assert blocker.args == ["NVIDIA-H100-SXM5-80GB"]
    product = w.product
    assert "NVIDIA-H100-SXM5-80GB" in product.title.text()
    fields = {product.specs.item(r, 0).text(): r for r in range(product.specs.rowCount())}
    die = fields["Applicable die area (mm²)"]  # a human label (the template name is in the tooltip)
    assert product.specs.item(die, 1).text() == "814" and product.specs.item(die, 3).text()  # value and its source
    assert product.dets.topLevelItemCount() == len(gui.services.regimes())
    text = product.sentences.text()
    assert "3A090.a.1 because TPP 15,832 ≥ 4,800" in text
    h200 = [product.dets.topLevelItem(i) for i in range(product.dets.topLevelItemCount())
            if product.dets.topLevelItem(i).text(0) == "us-h200-2026-01"][0]
    criteria = [h200.child(k) for k in range(h200.childCount())]
    assert any(c.text(4) == "4,800" and c.text(5).startswith("+") and "3A090.a.1" in c.text(6) for c in criteria)


def test_switching_regime_reclassifies_the_catalog(gui, qtbot):
    w = gui.window
    part = "AMD-MI210-64GB"
    i = gui.session.snapshot.index[part]
    assert gui.session.current.shown[i] == "3A090.b.1"
    with qtbot.waitSignal(gui.session.classified, timeout=30000) as blocker:
        w.regime.setCurrentIndex(w.regime.findText("us-ear-2022-10"))
    cls = blocker.args[0]
    assert cls.regime.id == "us-ear-2022-10" and cls.shown[i] == "not 3A090/4A090"
    header = w.catalog.model.headerData(cq.COL_CLASS, Qt.Orientation.Horizontal)
    assert "us-ear-2022-10" in header
    row = w.catalog.model.row_of(part)
    assert w.catalog.model.index(row, cq.COL_CLASS).data() == "not 3A090/4A090"


def test_search_and_filters_narrow_the_table(gui, qtbot):
    view = gui.window.catalog
    with qtbot.waitSignal(view.model.rowsApplied, timeout=5000):
        qtbot.keyClicks(view.search, "mi3")
    parts = [view.model.part_at(r) for r in range(view.model.rowCount())]
    assert parts and all("mi3" in p.lower() for p in parts)
    assert view.count.text().startswith(f"{len(parts)} of 53")
    view.search.clear()
    qtbot.waitUntil(lambda: view.model.rowCount() == 53, timeout=5000)
    view.near.setChecked(True)
    margins = gui.session.current.margin_pct
    assert 0 < view.model.rowCount() < 53
    assert all(abs(margins[i]) <= 10.0 for i in view.model.rows)


def test_multi_select_and_copy(gui, qtbot):
    from PySide6.QtGui import QGuiApplication

    view = gui.window.catalog
    _select_in_catalog(qtbot, gui.window, "AMD-MI210-64GB")
    row = view.model.row_of("AMD-MI300X-192GB")
    rect = view.table.visualRect(view.model.index(row, cq.COL_PART))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, rect.center())
    parts = view.selected_parts()
    assert "AMD-MI210-64GB" in parts and "AMD-MI300X-192GB" in parts and len(parts) >= 3
    view.table.setFocus()
    qtbot.keySequence(view.table, "Ctrl+C")
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].startswith("Part number\t") and len(lines) == 1 + len(parts)


def test_comparison_matrix_highlights_changes_counts_and_exports(gui, qtbot, tmp_path):
    w = gui.window
    w.show_tab("compare")
    cmp = w.compare
    cmp.set_checked(["us-ear-2022-10", "us-ear-2023-10"])
    with qtbot.waitSignal(cmp.compared, timeout=60000):
        qtbot.mouseClick(cmp.run_button, Qt.MouseButton.LeftButton)
    model = cmp.model
    assert model.rowCount() == 53
    qtbot.mouseClick(cmp.only_changed, Qt.MouseButton.LeftButton, pos=QPoint(8, cmp.only_changed.height() // 2))
    assert 0 < model.rowCount() < 53
    assert model.index(0, 2).data(Qt.ItemDataRole.BackgroundRole) is not None
    total = sum(int(cmp.counts.item(r, 2).text()) for r in range(cmp.counts.rowCount()))
    assert total == model.rowCount()
    out = cmp.export(tmp_path / "matrix.csv")
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].split(",")[1:] == ["us-ear-2022-10", "us-ear-2023-10"] and len(lines) == 1 + model.rowCount()


def test_as_enforced_comparison_names_the_substitute(gui, qtbot):
    cmp = gui.window.compare
    cmp.set_checked(["us-ear-2024-12-hbm", "us-ai-diffusion-2025-01"])
    cmp.mode.setCurrentIndex(cmp.mode.findData("enforced"))
    with qtbot.waitSignal(cmp.compared, timeout=60000):
        cmp.run()
    assert cmp.model.headers[1].endswith("us-enforced-2025-05")


def test_edit_a_figure_then_undo_both_audited(gui, qtbot):
    w = gui.window
    conn = gui.services.conn
    part = "NVIDIA-H20-HGX-96GB"
    gui.session.select_product(part)
    before = product_spec(conn, part).fp16_tflops
    seq0 = last_audit(conn, 1)[0][0]
    with qtbot.waitSignal(gui.session.classified, timeout=30000) as blocker:
        w.product.edit_value("fp16_tflops", "400")
    assert product_spec(conn, part).fp16_tflops == 400.0
    row = last_audit(conn, 1)[0]
    assert row[0] == seq0 + 1 and row[1] == "product.update" and row[2] == part
    assert json.loads(row[4])["fields"] == {"fp16_tflops": 400.0}
    i = gui.session.snapshot.index[part]
    assert blocker.args[0].tpp[i] == 6400.0 and blocker.args[0].shown[i] == "3A090.a.1"
    with qtbot.waitSignal(gui.session.classified, timeout=30000):
        w.undo.undo()
    assert product_spec(conn, part).fp16_tflops == before
    row = last_audit(conn, 1)[0]
    assert row[0] == seq0 + 2 and json.loads(row[4])["fields"] == {"fp16_tflops": before}
    assert gui.session.current.shown[i] == "not 3A090/4A090"


def test_editing_memory_bandwidth_updates_the_catalog_column(gui, qtbot):
    part = "NVIDIA-H20-HGX-96GB"
    gui.session.select_product(part)
    with qtbot.waitSignal(gui.session.classified, timeout=30000):
        gui.window.product.edit_value("memory_bandwidth_gbs", "7,000")
    model = gui.window.catalog.model
    qtbot.waitUntil(lambda: model.index(model.row_of(part), cq.COL_BW).data() == "7,000", timeout=5000)


def test_a_refused_value_is_not_written(gui, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    conn = gui.services.conn
    gui.session.select_product("NVIDIA-H20-HGX-96GB")
    seq0 = last_audit(conn, 1)[0][0]
    gui.window.product.edit_value("die_area_mm2", "-5")
    assert warned and "die_area_mm2" in warned[0]
    assert last_audit(conn, 1)[0][0] == seq0 and gui.window.undo.count() == 0


def test_draft_threshold_edit_flips_products_and_is_labelled_draft(gui, qtbot):
    w = gui.window
    w.show_tab("whatif")
    whatif = w.whatif
    whatif.base.setCurrentIndex(whatif.base.findText("us-ear-2023-10"))
    with qtbot.waitSignal(whatif.flipsShown, timeout=60000) as blocker:
        qtbot.mouseClick(whatif.duplicate, Qt.MouseButton.LeftButton)
    assert blocker.args == [0]
    draft = gui.services.drafts[-1]
    assert draft.draft and draft.regime.status == "proposed" and draft.path.parent == gui.services.drafts_dir
    assert w.regime.findText(f"DRAFT {draft.id}") >= 0
    row = next(r for r, t in enumerate(whatif.draft.thresholds) if t.owner == "3a090-a-1" and t.metric == "tpp")
    with qtbot.waitSignal(whatif.flipsShown, timeout=60000) as blocker:
        whatif.set_threshold(row, 20000)
    assert blocker.args[0] > 0
    flipped = {whatif.flips.item(r, 0).text(): whatif.flips.item(r, 2).text() for r in range(whatif.flips.rowCount())}
    assert "GOOGLE-TPU-V5P" in flipped  # TPP 7,344: 3A090.a.1 at 4,800, not at 20,000
    assert whatif.flips.horizontalHeaderItem(2).text().startswith("DRAFT ")
    assert "value: 20000.0" in draft.path.read_text() or "20000.0" in whatif.draft.path.read_text()
    from workbench.engine import load_regime

    assert load_regime(whatif.draft.path, draft=True).draft


def test_a_saved_draft_is_loaded_at_start_and_can_be_edited_again(tmp_path, qtbot):
    g = make_gui(tmp_path, qtbot)
    whatif = g.window.whatif
    whatif.base.setCurrentIndex(whatif.base.findText("us-ear-2023-10"))
    with qtbot.waitSignal(whatif.flipsShown, timeout=60000):
        whatif.make_draft()
    draft_id = whatif.draft.id
    g.window.close()
    close_gui(g)
    g2 = make_gui(tmp_path, qtbot)
    try:
        assert [d.id for d in g2.services.drafts] == [draft_id] and g2.services.drafts[0].draft
        w2 = g2.window.whatif
        assert w2.saved.currentText() == f"DRAFT {draft_id}"
        with qtbot.waitSignal(w2.flipsShown, timeout=60000):
            qtbot.mouseClick(w2.open_button, Qt.MouseButton.LeftButton)
        row = next(r for r, t in enumerate(w2.draft.thresholds) if t.owner == "3a090-a-1" and t.metric == "tpp")
        with qtbot.waitSignal(w2.flipsShown, timeout=60000) as blocker:
            w2.set_threshold(row, 20000)
        assert blocker.args[0] > 0 and w2.draft.base_id == "us-ear-2023-10"
    finally:
        close_gui(g2)


def test_map_draws_points_hover_and_click_select(gui, qtbot, tmp_path):
    w = gui.window
    w.show_tab("map")
    canvas = w.map.canvas
    qtbot.waitUntil(lambda: canvas.cls is not None, timeout=5000)
    i = gui.session.snapshot.index["NVIDIA-H100-SXM5-80GB"]
    canvas._ensure_points()
    x, y = canvas._xy[i]
    assert canvas.product_at(x, y) is not None
    with qtbot.waitSignal(gui.session.productSelected, timeout=5000) as blocker:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPointF(x, y).toPoint())
    picked = blocker.args[0]
    j = gui.session.snapshot.index[picked]
    assert abs(canvas._xy[j][0] - x) <= 6 and abs(canvas._xy[j][1] - y) <= 6
    out = w.map.export_png(tmp_path / "map.png")
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert image.width() == canvas.width() and image.height() == canvas.height()


def test_proximity_on_a_worker_for_big_catalogs(gui, qtbot, monkeypatch):
    from workbench.ui.catalog.proximity_view import ProximityView

    monkeypatch.setattr(ProximityView, "SYNC_LIMIT", 0)
    view = gui.window.proximity
    gui.window.show_tab("proximity")
    with qtbot.waitSignal(view.listed, timeout=5000) as blocker:
        view.pct.setValue(2.0)
    assert blocker.args[0] == view.model.rowCount() > 0


def test_proximity_lists_products_near_a_line_nearest_first(gui, qtbot):
    view = gui.window.proximity
    gui.window.show_tab("proximity")
    with qtbot.waitSignal(view.listed, timeout=5000):
        view.pct.setValue(3.0)
    rows = [view.model.index(r, 4).data() for r in range(view.model.rowCount())]
    assert rows and all(abs(float(t.rstrip("%"))) <= 3.0 for t in rows)
    values = [abs(float(t.rstrip("%"))) for t in rows]
    assert values == sorted(values)


def test_window_state_regime_and_destination_are_remembered(tmp_path, qtbot):
    g = make_gui(tmp_path, qtbot)
    with qtbot.waitSignal(g.session.classified, timeout=30000):
        g.window.regime.setCurrentIndex(g.window.regime.findText("us-ear-2023-10"))
    g.window.destination.setCurrentIndex(g.window.destination.findData("AE"))
    g.window.show_tab("map")
    g.window.close()
    close_gui(g)
    g2 = make_gui(tmp_path, qtbot)
    try:
        assert g2.session.regime.id == "us-ear-2023-10" and g2.session.destination == "AE"
        assert g2.window.tabs.currentWidget() is g2.window.map
        assert g2.window.destination.currentData() == "AE"
        assert g2.session.current.destination == "AE"
    finally:
        close_gui(g2)


def test_language_switch_rebuilds_the_window_in_chinese(gui, qtbot):
    gui.switch_language("zh")
    qtbot.addWidget(gui.window)
    assert gui.window.windowTitle() == "演示 – catalog.db – 出口管制合规工作台"  # the demo catalog says so
    assert gui.window.tabs.tabText(0) == "产品目录"
    qtbot.waitUntil(lambda: gui.session.current is not None, timeout=30000)
    assert gui.window.catalog.model.rowCount() == 53


def test_about_dialog_lists_versions_and_ruleset_hashes(gui):
    from workbench.ui.shell.dialogs import AboutDialog

    dialog = AboutDialog(gui.services, gui.window)
    hashes = {dialog.table.item(r, 0).text(): dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())}
    assert hashes["us-h200-2026-01"] == gui.services.library.get("us-h200-2026-01").sha256
    assert hashes["countries.csv"] == gui.services.library.countries.sha256
    dialog.close()


def test_unhandled_errors_are_logged_and_shown_once(qtbot, caplog):
    import threading

    from workbench.ui.shell.errors import ErrorReporter

    reporter = ErrorReporter(show_dialogs=False)
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError as exc:
        reporter.excepthook(type(exc), exc, exc.__traceback__)
    reporter.excepthook(RuntimeError, RuntimeError("boom in a slot"), None)

    def worker():
        raise ValueError("boom in a thread")

    old = threading.excepthook
    threading.excepthook = reporter.threading_hook
    try:
        t = threading.Thread(target=worker)
        t.start()
        t.join()
    finally:
        threading.excepthook = old
    qtbot.waitUntil(lambda: len(reporter.reported) == 3, timeout=5000)
    assert reporter.reported[0] == "RuntimeError: boom in a slot" and reporter.reported[2] == "ValueError: boom in a thread"
    assert "boom in a thread" in caplog.text


def test_error_dialog_shows_once_per_distinct_error(qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from workbench.ui.shell.errors import ErrorReporter

    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()))
    reporter = ErrorReporter()
    for _ in range(3):
        reporter.excepthook(KeyError, KeyError("x"), None)
    qtbot.waitUntil(lambda: len(reporter.reported) == 3, timeout=5000)
    assert len(shown) == 1 and "KeyError" in shown[0]


def test_keyboard_shortcuts_switch_views_and_focus_search(gui, qtbot):
    w = gui.window
    w.activateWindow()
    qtbot.keySequence(w, "Ctrl+5")
    assert w.tabs.currentWidget() is w.map
    qtbot.keySequence(w, "Ctrl+3")
    assert w.tabs.currentWidget() is w.compare
    qtbot.keySequence(w, "Ctrl+F")
    assert w.tabs.currentWidget() is w.catalog and w.catalog.search.hasFocus()


def test_map_hover_shows_the_product(gui, qtbot):
    from PySide6.QtWidgets import QToolTip

    w = gui.window
    w.show_tab("map")
    canvas = w.map.canvas
    canvas._ensure_points()
    i = gui.session.snapshot.index["AMD-MI210-64GB"]
    x, y = canvas._xy[i]
    qtbot.mouseMove(canvas, QPointF(x, y).toPoint())
    qtbot.waitUntil(QToolTip.isVisible, timeout=5000)
    assert "TPP" in QToolTip.text() and "\n" in QToolTip.text()


def test_settings_dialog_switches_language(gui, qtbot, monkeypatch):
    from workbench.ui.shell.dialogs import SettingsDialog

    def accept_chinese(self):
        self.language.setCurrentIndex(self.language.findData("zh"))
        self.near_pct.setValue(5.0)
        return True

    monkeypatch.setattr(SettingsDialog, "exec", accept_chinese)
    old = gui.window
    with qtbot.waitSignal(old.languageChangeRequested, timeout=5000):
        old.open_settings()
    qtbot.addWidget(gui.window)
    assert gui.window is not old and gui.window.tabs.tabText(2) == "比较管制规则版本"
    assert gui.settings.value("language") == "zh"
    assert gui.window.catalog.near_pct.value() == 5.0 and gui.window.proximity.pct.value() == 5.0


def test_catalog_and_comparison_share_one_classification_job(gui, qtbot, monkeypatch):
    import workbench.ui.shell.session as session_module

    calls = []
    real = session_module.classify_catalog

    def counting(conn, snap, regime, *args, **kwargs):
        calls.append(regime.id)
        return real(conn, snap, regime, *args, **kwargs)

    monkeypatch.setattr(session_module, "classify_catalog", counting)
    w = gui.window
    cmp = w.compare
    cmp.set_checked(["us-ear-2024-12-hbm", "us-foundry-2025-01"])
    with qtbot.waitSignal(gui.session.classified, timeout=60000):
        w.regime.setCurrentIndex(w.regime.findText("us-foundry-2025-01"))
        with qtbot.waitSignal(cmp.compared, timeout=60000):
            cmp.run()
    assert sorted(calls) == ["us-ear-2024-12-hbm", "us-foundry-2025-01"]
    assert gui.session.current.regime.id == "us-foundry-2025-01" and not gui.session._inflight


def test_dragging_a_draft_threshold_line_on_the_map_moves_it(gui, qtbot):
    w = gui.window
    whatif = w.whatif
    whatif.base.setCurrentIndex(whatif.base.findText("us-ear-2023-10"))
    with qtbot.waitSignal(whatif.flipsShown, timeout=60000):
        whatif.make_draft()
    draft_label = f"DRAFT {whatif.draft.id}"
    with qtbot.waitSignal(gui.session.classified, timeout=60000):
        w.regime.setCurrentIndex(w.regime.findText(draft_label))
    w.show_tab("map")
    canvas = w.map.canvas
    assert canvas.draggable and "drag" in w.map.caption.text()
    x0, x1 = canvas.x_of(4800), canvas.x_of(20000)
    y = canvas.plot_rect().top() + 20
    assert canvas.edge_at(x0, y)[:2] == ("tpp", 4800)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPointF(x0, y).toPoint())
    qtbot.mouseMove(canvas, QPointF(x1, y).toPoint())
    with qtbot.waitSignal(whatif.flipsShown, timeout=60000) as blocker:
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPointF(x1, y).toPoint())
    assert blocker.args[0] > 0
    moved = {t.value for t in whatif.draft.thresholds if t.owner in ("3a090-a-1", "3a090-b-1") and t.metric == "tpp"}
    assert 4800.0 not in moved and all(19000 <= v <= 21000 for v in moved if v not in (2400.0,))
    qtbot.waitUntil(lambda: gui.session.regime.draft and gui.session.current is not None
                    and gui.session.current.regime is gui.session.regime, timeout=60000)
    assert any(g.tpp_lo and 19000 <= g.tpp_lo <= 21000 for g in canvas.regions)


def test_real_regimes_lines_cannot_be_dragged(gui, qtbot):
    w = gui.window
    w.show_tab("map")
    canvas = w.map.canvas
    assert not canvas.draggable
    x0, y = canvas.x_of(4800), canvas.plot_rect().top() + 20
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPointF(x0, y).toPoint())
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPointF(canvas.x_of(20000), y).toPoint())
    assert canvas._drag is None and not gui.services.drafts
