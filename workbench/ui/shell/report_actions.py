"""The memo and workbook from the GUI: "Write memo for selection…" and "Export workbook…".

Both run workbench.services.reports off the UI thread on the app's TaskRunner, with a fresh
catalog connection opened in the worker (sqlite3 connections belong to one thread). The main
window's progress bar shows the phases; a Cancel button in the status bar sets the job's cancel
flag, which reports turns into Cancelled before anything is written at the destination.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from workbench.ui.support.i18n import tr
from workbench.ui.shell.tasks import Cancelled, JobContext, TaskHandle


class ReportActions(QObject):
    """Signals: finished(path) when a file was written, failed(message), cancelled()."""

    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.job: Optional[TaskHandle] = None
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        window.statusBar().addPermanentWidget(self.cancel_button)
        # The memo's history appendix (superseded, codified-not-enforced, proposed regimes): off by default.
        self.history_action = QAction(tr("Include regime history in memos"), self)
        self.history_action.setCheckable(True)

    # what the memo covers -------------------------------------------------------------
    def memo_regimes(self) -> Optional[list[str]]:
        """The regimes enforced on the memo date (engine.governance) plus the selected regime, so the
        memo speaks for the law that day and for what the officer is looking at; a what-if draft
        (which reports cannot load) falls back to the enforced regimes alone."""
        from workbench.engine.governance import enforced_on

        services = self.window.session.services
        regime = self.window.session.regime
        ids = [r.id for r in enforced_on(services.regimes(), services.clock.today())]
        if not regime.draft and regime.id not in ids:
            ids.insert(0, regime.id)
        return ids or None

    def _run(self, name: str, work, path: Path) -> Optional[TaskHandle]:
        if self.job is not None and self.job.running:
            QMessageBox.information(self.window, tr("Busy"), tr("A report is still being written."))
            return None
        services = self.window.session.services

        def job(ctx: JobContext):
            from workbench.services import reports

            def progress(phase: str, done: int, total: int) -> None:
                ctx.progress(done, total, phase)

            conn = services.open_reader()
            try:
                return work(conn, services.library, progress, lambda: ctx.cancelled)
            except reports.Cancelled as exc:
                raise Cancelled() from exc
            finally:
                conn.close()

        bar = self.window.progress
        bar.setRange(0, 0)
        bar.setFormat(name + " %p%")
        bar.setVisible(True)
        self.cancel_button.setVisible(True)
        self.window.status.setText(tr("Writing %1…").replace("%1", str(path)))
        self.job = self.window.runner.start(name, job, on_done=self._done, on_failed=self._failed,
                                            on_progress=self._progress, on_cancelled=self._cancelled)
        return self.job

    # the two actions --------------------------------------------------------------------
    def write_memo(self, path: Optional[Path] = None) -> Optional[TaskHandle]:
        w = self.window
        parts = w.catalog.selected_parts()
        if not parts and w.session.part:
            parts = [w.session.part]
        if not parts:
            QMessageBox.information(w, tr("Write memo"), tr("Select one or more products in the catalog first."))
            return None
        if path is None:
            name, _ = QFileDialog.getSaveFileName(w, tr("Write memo for selection"), "memo.pdf", tr("PDF files (*.pdf)"))
            if not name:
                return None
            path = Path(name)
        regimes, destination, lang = self.memo_regimes(), w.session.destination, w.lang if w.lang in ("en", "zh") else "en"
        history, clock = self.history_action.isChecked(), w.session.services.clock

        def work(conn, library, progress, cancel):
            from workbench.services.reports import write_memo
            return write_memo(conn, library, parts, regimes, destination, lang, path, progress=progress, cancel=cancel,
                              history=history, clock=clock)

        return self._run(tr("Memo"), work, path)

    def export_workbook(self, path: Optional[Path] = None) -> Optional[TaskHandle]:
        w = self.window
        if path is None:
            name, _ = QFileDialog.getSaveFileName(w, tr("Export workbook"), "catalog.xlsx", tr("Excel workbooks (*.xlsx)"))
            if not name:
                return None
            path = Path(name)
        destination, clock = w.session.destination, w.session.services.clock

        def work(conn, library, progress, cancel):
            from workbench.services.reports import export_workbook
            return export_workbook(conn, library, path, None, destination, progress=progress, cancel=cancel,
                                   clock=clock)

        return self._run(tr("Workbook"), work, path)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    # results on the UI thread -----------------------------------------------------------
    def _progress(self, done: int, total: int, _phase: str) -> None:
        bar = self.window.progress
        if total:
            bar.setRange(0, total)
            bar.setValue(done)

    def _idle(self) -> None:
        self.window.progress.setVisible(False)
        self.cancel_button.setVisible(False)

    def _done(self, result) -> None:
        self._idle()
        self.window.status.setText(tr("Written: %1").replace("%1", str(result.path)))
        self.finished.emit(result.path)

    def _failed(self, exc: BaseException, _text: str) -> None:
        self._idle()
        message = str(exc) or type(exc).__name__
        self.window.status.setText(tr("Not written: %1").replace("%1", message))
        self.failed.emit(message)
        QMessageBox.warning(self.window, tr("Error"), message)

    def _cancelled(self) -> None:
        self._idle()
        self.window.status.setText(tr("Cancelled: nothing was written"))
        self.cancelled.emit()
