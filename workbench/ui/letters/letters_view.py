"""The Letters tab: a dashboard strip (letters by status, deadlines due in the next 30
days, overdue), the letters table, and the actions "Add letter from JSON…", "Close letter" and
"Withdraw (recorded in error)…" (a letter recorded by mistake; the reason is asked and audited).

The view works through the app's one LetterService (services.letters, on the UI thread's catalog
connection: letters are few; each write is one short transaction). The service announces every
write on the app's change publisher; the session re-emits it as ``dataChanged("letters", refs)``,
which this view refreshes on (and re-emits as ``changed``), as do the product view and the
catalog's classification, so a determination shows "licence required under letter REF" as soon
as a letter is added, and stops when it is closed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QMessageBox, QPushButton, QTableView, QVBoxLayout, QWidget)

from workbench.engine.letters import STATUS_LABELS
from workbench.services.changes import LETTERS
from workbench.ui.support.i18n import tr
from workbench.ui.letters.letters_model import COL_PRODUCTS, LettersModel


class LettersView(QWidget):
    """Signals: changed(ref) after every letter write, once this view shows it."""

    changed = Signal(str)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.service = session.services.letters
        self.strip = QLabel()
        self.strip.setObjectName("letters-dashboard")
        self.strip.setTextFormat(Qt.TextFormat.RichText)
        self.strip.setWordWrap(True)
        self.strip.setStyleSheet("QLabel { background: #eef3f8; padding: 6px; border: 1px solid #c9d6e3; }")
        self.model = LettersModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(COL_PRODUCTS, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton(tr("Add letter from JSON…"))
        self.close_button = QPushButton(tr("Close letter"))
        self.add_button.clicked.connect(lambda: self.add_from_json())
        self.close_button.clicked.connect(lambda: self.close_selected())
        self.withdraw_button = QPushButton(tr("&Withdraw (recorded in error)…"))
        self.withdraw_button.clicked.connect(lambda: self.withdraw_selected())
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.withdraw_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.strip)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        session.dataChanged.connect(self._data_changed)
        session.catalogLoaded.connect(self.refresh)
        self.refresh()

    def _data_changed(self, topic: str, keys: tuple) -> None:
        if topic == LETTERS:
            self.refresh()
            self.changed.emit(",".join(keys))

    def refresh(self) -> None:
        try:
            now = self.session.services.clock.now()
            board = self.service.dashboard(now=now)
            letters = self.service.list()
        except Exception as exc:  # a catalog without the letters tables (or a locked one): say so, keep the app up
            self.strip.setText(tr("Letters could not be read: %1").replace("%1", str(exc)))
            self.model.set_letters([], {}, now=self.session.services.clock.now())
            return
        self.model.set_letters(letters, board.affected, now=now)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(COL_PRODUCTS, QHeaderView.ResizeMode.Stretch)
        counts = ", ".join(f"{tr(STATUS_LABELS[s])} {len(refs)}" for s, refs in board.by_status.items() if refs)
        overdue = len(board.overdue)
        parts = [f"<b>{tr('Letters')}</b>: {counts or '0'}",
                 tr("%1 deadlines due in the next 30 days").replace("%1", str(len(board.due_soon))),
                 (f"<span style='color:#b00020; font-weight:bold'>{tr('%1 overdue').replace('%1', str(overdue))}</span>"
                  if overdue else tr("%1 overdue").replace("%1", "0"))]
        self.strip.setText(" &nbsp;·&nbsp; ".join(parts))

    def selected_ref(self) -> Optional[str]:
        rows = self.table.selectionModel().selectedRows()
        return self.model.ref_at(rows[0].row()) if rows else None

    def select_ref(self, ref: str) -> bool:
        row = self.model.row_of(ref)
        if row >= 0:
            self.table.selectRow(row)
        return row >= 0

    # actions ------------------------------------------------------------------------
    def add_from_json(self, path: Optional[Path] = None) -> list:
        from workbench.services.letters import LetterInputError

        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, tr("Add letter from JSON"), "", tr("Letter files (*.json)"))
            if not name:
                return []
            path = Path(name)
        try:
            return self.service.add_file(Path(path))
        except (LetterInputError, OSError) as exc:
            QMessageBox.warning(self, tr("Letter not added"), str(exc))
            return []

    def close_selected(self, ref: Optional[str] = None, confirm: bool = True) -> bool:
        """Close the selected letter after a confirmation; the status machine may refuse (say why)."""
        from workbench.engine.letters import TransitionRefused
        from workbench.services.letters import LetterInputError

        ref = ref or self.selected_ref()
        if not ref:
            QMessageBox.information(self, tr("Close letter"), tr("Select a letter first."))
            return False
        if confirm:
            answer = QMessageBox.question(
                self, tr("Close letter"),
                tr("Close letter %1? A closed letter no longer binds any product and cannot be re-opened.")
                .replace("%1", ref))
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            self.service.close(ref, self.session.services.clock.today())
        except (TransitionRefused, LetterInputError) as exc:
            QMessageBox.warning(self, tr("Letter not closed"), str(exc))
            return False
        return True

    def withdraw_selected(self, ref: Optional[str] = None, reason: Optional[str] = None) -> bool:
        """Withdraw the selected letter as recorded in error, after a confirmation that asks for the
        reason (``reason`` given: no dialog). The reason goes into the audit log; the letter then
        binds nothing."""
        from workbench.engine.letters import TransitionRefused
        from workbench.services.letters import LetterInputError

        ref = ref or self.selected_ref()
        if not ref:
            QMessageBox.information(self, tr("Withdraw letter"), tr("Select a letter first."))
            return False
        if reason is None:
            dialog = WithdrawDialog(ref, self)
            if not dialog.exec():
                return False
            reason = dialog.reason.text()
        try:
            self.service.withdraw_in_error(ref, self.session.services.clock.today(), reason)
        except (TransitionRefused, LetterInputError) as exc:
            QMessageBox.warning(self, tr("Letter not withdrawn"), str(exc))
            return False
        return True


class WithdrawDialog(QDialog):
    """Confirms withdrawing a letter recorded by mistake and asks why (required: it is audited)."""

    def __init__(self, ref: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("Withdraw letter"))
        layout = QVBoxLayout(self)
        text = QLabel(tr("Withdraw letter %1 as recorded in error? It will bind no product from now on. The letter "
                         "and this withdrawal stay in the audit log.").replace("%1", ref))
        text.setWordWrap(True)
        layout.addWidget(text)
        label = QLabel(tr("&Reason (required):"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("e.g. the letter was addressed to another company"))
        label.setBuddy(self.reason)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(tr("Withdraw"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reason.textChanged.connect(lambda t: self.ok.setEnabled(bool(t.strip())))
        self.ok.setEnabled(False)
        self.resize(520, self.sizeHint().height())
