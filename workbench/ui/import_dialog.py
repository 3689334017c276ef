"""Import products from an .xlsx/.csv (menu or drag and drop): read and validate off the UI
thread, show the column mapping and the changes (or a per-cell error table), and write only after
the user confirms. Both steps show progress and can be cancelled; a cancelled write raises inside
the import's transaction, so it rolls back and the catalog is left exactly as it was.

Uses the catalog engineer's service (workbench.services.import_products): read_products,
plan_changes and import_products(progress=...).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QLabel, QProgressBar, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from workbench.ui.i18n import tr
from workbench.ui.session import Session
from workbench.ui.tasks import Cancelled, JobContext, TaskHandle, TaskRunner

_PROBLEM = re.compile(r"^(?P<file>[^:]*):(?P<sheet>[^!:]*)!(?P<cell>[A-Z]+[0-9]+): (?P<msg>.*)$")


def split_problem(line: str) -> tuple[str, str]:
    """'FILE:SHEET!CELL: message' -> ('SHEET!CELL', 'message'); other lines -> ('', line)."""
    m = _PROBLEM.match(line)
    return (f"{m['sheet']}!{m['cell']}", m["msg"]) if m else ("", line)


class ImportDialog(QDialog):
    """Signals: previewReady(), importFinished(plan), importCancelled(), importFailed(problems)."""

    previewReady = Signal()
    importFinished = Signal(object)
    importCancelled = Signal()
    importFailed = Signal(list)

    def __init__(self, session: Session, runner: TaskRunner, path: Path, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("Import products") + f" — {path.name}")
        self.resize(900, 560)
        self.session, self.runner, self.path = session, runner, path
        self.job: Optional[TaskHandle] = None
        self.plan = None
        self.caption = QLabel(tr("Reading and checking %1…").replace("%1", str(path)))
        self.caption.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.table = QTableWidget(0, 3)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.buttons = QDialogButtonBox()
        self.confirm_button = self.buttons.addButton(tr("Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm_button.setEnabled(False)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self.cancel)

    # step 1: preview ------------------------------------------------------------------
    def start(self) -> TaskHandle:
        services, path = self.session.services, self.path

        def job(ctx: JobContext):
            from workbench.services.import_products import ImportFailed, plan_changes, read_products

            ctx.progress(0, 0, "read")
            try:
                parsed = read_products(path)
            except ImportFailed as exc:
                return ("failed", exc.problems, exc.notes)
            ctx.check()
            conn = services.open_reader()
            try:
                plan, _batch = plan_changes(conn, parsed)
            finally:
                conn.close()
            return ("plan", plan, parsed.mapping)

        self.job = self.runner.start("import preview", job, on_done=self._previewed, on_failed=self._crashed,
                                     on_cancelled=self._cancelled)
        return self.job

    def _previewed(self, result) -> None:
        self._idle()
        if result[0] == "failed":
            problems, notes = result[1], result[2]
            self.caption.setText(tr("%1 problems: nothing can be imported until they are fixed.")
                                 .replace("%1", str(len(problems))) + ("\n" + "\n".join(notes) if notes else ""))
            self._fill([tr("Cell"), tr("Problem"), ""], [(*split_problem(p), "") for p in problems])
            self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            self.importFailed.emit(problems)
            return
        plan, mapping = result[1], result[2]
        self.plan = plan
        rows = [(tr("column"), header, field) for header, field in mapping.items()]
        rows += [(tr("ignored column"), header, "") for header in plan.unmapped]
        rows += [(tr("add"), part, "") for part in plan.added]
        rows += [(tr("change"), part, ", ".join(f"{f}: {a} → {b}" for f, (a, b) in diff.items()))
                 for part, diff in plan.changed]
        self._fill([tr("What"), tr("Column / part number"), tr("Template field / change")], rows)
        self.caption.setText(tr("%1 new, %2 changed, %3 unchanged products. Nothing is written until you press Import.")
                             .replace("%1", str(len(plan.added))).replace("%2", str(len(plan.changed)))
                             .replace("%3", str(len(plan.unchanged))) + ("\n" + "\n".join(plan.notes) if plan.notes else ""))
        self.confirm_button.setEnabled(bool(plan.added or plan.changed))
        self.previewReady.emit()

    # step 2: write --------------------------------------------------------------------
    def confirm(self) -> TaskHandle:
        services, path = self.session.services, self.path
        self.confirm_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.caption.setText(tr("Importing… (Cancel rolls everything back)"))

        def job(ctx: JobContext):
            from workbench.services.import_products import ImportFailed, import_products

            def progress(phase: str, done: int, total: int) -> None:
                ctx.check()  # raising here, inside the import's transaction, rolls it back
                ctx.progress(done, total, phase)

            conn = services.open_reader()
            try:
                return import_products(conn, path, progress=progress, db_label=services.db_path)
            except ImportFailed as exc:
                return exc
            finally:
                conn.close()

        self.job = self.runner.start("import", job, on_done=self._imported, on_failed=self._crashed,
                                     on_progress=self._progress, on_cancelled=self._cancelled)
        return self.job

    def _progress(self, done: int, total: int, _phase: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _imported(self, plan) -> None:
        self._idle()
        if isinstance(plan, Exception):
            self._previewed(("failed", plan.problems, plan.notes))
            return
        self.caption.setText(tr("Imported: %1 added, %2 changed, %3 audit rows.")
                             .replace("%1", str(len(plan.added))).replace("%2", str(len(plan.changed)))
                             .replace("%3", str(plan.audit_rows)))
        self.cancel_button.setText(tr("Close"))
        self.session.load_catalog()
        self.importFinished.emit(plan)

    # common ---------------------------------------------------------------------------
    def cancel(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()
            self.caption.setText(tr("Cancelling…"))
        else:
            self.reject()

    def _cancelled(self) -> None:
        self._idle()
        self.caption.setText(tr("Cancelled: nothing was imported."))
        self.cancel_button.setText(tr("Close"))
        self.importCancelled.emit()

    def _crashed(self, exc: BaseException, _text: str) -> None:
        self._idle()
        self.caption.setText(tr("Import failed: %1").replace("%1", f"{type(exc).__name__}: {exc}"))
        self.importFailed.emit([str(exc)])

    def _idle(self) -> None:
        self.progress.setVisible(False)

    def _fill(self, headers: list[str], rows: list[tuple]) -> None:
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(str(text)))
        self.table.resizeColumnToContents(0)
        self.table.horizontalHeader().resizeSection(1, 260)


__all__ = ["ImportDialog", "split_problem", "Cancelled"]
