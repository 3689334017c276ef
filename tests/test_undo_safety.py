"""With the desktop app open, a command-line import is refused (one writer); and an undo never
overwrites a value written elsewhere since the edit (it refuses, says why and writes nothing)."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from catalog_helpers import export_catalog_xlsx  # noqa: E402
from test_ui_support import close_gui, gui, make_gui  # noqa: E402,F401
from workbench.cli import main  # noqa: E402
from workbench.store import connect  # noqa: E402
from workbench.services.catalog_edits import FigureChanged, last_audit, product_spec, update_figure  # noqa: E402

PART = "NVIDIA-H20-HGX-96GB"


def test_update_figure_with_an_expected_value_refuses_a_changed_one(tmp_path):
    from catalog_helpers import fresh_catalog

    conn = fresh_catalog(tmp_path)
    update_figure(conn, PART, "notes", "mine")
    other = connect(tmp_path / "catalog.db")
    update_figure(other, PART, "notes", "theirs")
    seq = last_audit(conn, 1)[0][0]
    with pytest.raises(FigureChanged, match="notes is now 'theirs', not 'mine'"):
        update_figure(conn, PART, "notes", "before", expected="mine")
    assert product_spec(conn, PART).notes == "theirs" and last_audit(conn, 1)[0][0] == seq


def test_a_cli_import_is_refused_while_the_app_is_open(gui, tmp_path, capsys, monkeypatch):
    # Before: the import went through, and the app's Ctrl+Z then overwrote the imported value.
    monkeypatch.setenv("WORKBENCH_LOCK_WAIT", "0.2")
    conn = gui.services.conn
    source = export_catalog_xlsx(conn, tmp_path / "import.xlsx")
    seq = last_audit(conn, 1)[0][0]
    assert main(["import", str(source), "--db", str(gui.services.db_path)]) == 3
    assert "in use by" in capsys.readouterr().err
    assert last_audit(conn, 1)[0][0] == seq


def test_undo_refuses_when_the_value_was_changed_elsewhere(gui, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append((a[1], a[2])))
    w, conn = gui.window, gui.services.conn
    gui.session.select_product(PART)
    with qtbot.waitSignal(gui.session.classified, timeout=30000):
        w.product.edit_value("fp16_tflops", "400")
    # Another writer (another workbench, or an import once the lock was free) sets a new value.
    other = connect(gui.services.db_path)
    update_figure(other, PART, "fp16_tflops", 450.0)
    other.close()
    seq = last_audit(conn, 1)[0][0]
    w.undo.undo()
    assert product_spec(conn, PART).fp16_tflops == 450.0, "undo overwrote the other writer's value"
    assert last_audit(conn, 1)[0][0] == seq
    assert warned and warned[0][0] == "Undo refused" and "fp16_tflops is now 450.0, not 400.0" in warned[0][1]
    assert w.undo.count() == 0  # the stale step is dropped, so a second Ctrl+Z cannot try again
