"""Crash handling in the desktop app (target 22): an unhandled error in a slot is written to crash.log,
the open transaction is rolled back, and the existing ErrorReporter shows its one dialog."""

from __future__ import annotations

import faulthandler
import sys
import threading

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings  # noqa: E402

from test_ui_support import close_gui  # noqa: E402
from workbench.app import build_services  # noqa: E402


def test_gui_error_is_logged_rolled_back_and_reported_once(tmp_path, qtbot):
    from workbench.ui.shell.errors import ErrorReporter
    from workbench.ui.shell.launcher import Gui

    saved = sys.excepthook, threading.excepthook
    from test_ui_support import demo_catalog

    services = build_services(demo_catalog(tmp_path / "catalog.db"), data_dir=tmp_path / "data",
                              cache_dir=tmp_path / "cache")
    reporter = ErrorReporter(show_dialogs=False)
    gui = Gui(services, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), "en", reporter)
    qtbot.addWidget(gui.window)
    try:
        assert sys.excepthook is not reporter.excepthook  # ours, chaining to the reporter
        conn = services.conn
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO product_tags SELECT part_number, 'half-done' FROM products LIMIT 1")
        try:
            raise RuntimeError("boom in a slot")
        except RuntimeError as exc:
            with qtbot.waitSignal(reporter.report, timeout=5000):
                sys.excepthook(type(exc), exc, exc.__traceback__)
        assert conn.in_transaction is False
        assert conn.execute("SELECT count(*) FROM product_tags WHERE tag = 'half-done'").fetchone()[0] == 0
        qtbot.waitUntil(lambda: reporter.reported == ["RuntimeError: boom in a slot"], timeout=5000)
        log = (tmp_path / "data" / "crash.log").read_text(encoding="utf-8")
        assert "unhandled error in the main thread" in log and "RuntimeError: boom in a slot" in log
        assert (tmp_path / "data" / "crash-faults.log").exists()
    finally:
        sys.excepthook, threading.excepthook = saved
        faulthandler.enable(sys.__stderr__)
        close_gui(gui)
