"""Unhandled errors: logged with their traceback, shown once in a dialog, and the app keeps
working. ``sys.excepthook`` covers slots and the UI thread, ``threading.excepthook`` plain
threads; both hand the message to the UI thread through a queued signal.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from typing import Optional

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.ui.support.i18n import tr

log = logging.getLogger("workbench.ui.shell.errors")


class ErrorReporter(QObject):
    """Signals: report(summary, details) (queued to the UI thread)."""

    report = Signal(str, str)

    def __init__(self, parent_widget: Optional[QWidget] = None, show_dialogs: bool = True):
        super().__init__()
        self.parent_widget = parent_widget
        self.show_dialogs = show_dialogs
        self.shown: set[str] = set()
        self.reported: list[str] = []
        self._dialog_open = False
        self.report.connect(self._show)

    def handle(self, exc_type, exc, tb, where: str = "") -> None:
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unhandled error%s:\n%s", f" in {where}" if where else "", details)
        self.report.emit(f"{exc_type.__name__}: {exc}", details)

    def excepthook(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        self.handle(exc_type, exc, tb)

    def threading_hook(self, args: threading.ExceptHookArgs) -> None:
        self.handle(args.exc_type, args.exc_value, args.exc_traceback, getattr(args.thread, "name", "thread"))

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = self.threading_hook

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        self.reported.append(summary)
        # One dialog per distinct error, never a cascade of dialogs for a repeating one.
        if summary in self.shown or self._dialog_open or not self.show_dialogs:
            return
        self.shown.add(summary)
        self._dialog_open = True
        try:
            box = QMessageBox(QMessageBox.Icon.Critical, tr("Unexpected error"),
                              tr("Something went wrong; the error was logged and the workbench keeps running.")
                              + "\n\n" + summary, QMessageBox.StandardButton.Ok, self.parent_widget)
            box.setDetailedText(details)
            box.exec()
        finally:
            self._dialog_open = False


def setup_logging(path) -> None:
    """Log to the user's data folder (and stderr for warnings)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("workbench")
    root.setLevel(logging.INFO)
    root.addHandler(handler)
