"""The is-informed letters as a table model: reference, addressee, status, next open
deadline, products covered. An overdue deadline is drawn in red."""

from __future__ import annotations

from datetime import datetime
from typing import Optional, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from workbench.engine.letters import STATUS_LABELS, Letter, deadline_view
from workbench.ui.support.i18n import tr

COL_REF, COL_ADDRESSEE, COL_STATUS, COL_DEADLINE, COL_PRODUCTS = range(5)
REF_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE = QColor("#b00020")


class LettersModel(QAbstractTableModel):
    HEADERS = ("Reference", "Addressee", "Status", "Next deadline", "Products covered")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.letters: list[Letter] = []
        self.deadlines: list[Optional[object]] = []  # DeadlineView of the next open deadline, per row
        self.covered: list[tuple[str, ...]] = []

    def set_letters(self, letters: Sequence[Letter], covered: dict[str, tuple[str, ...]],
                    now: datetime, user_tz: str = "UTC") -> None:
        self.beginResetModel()
        self.letters = list(letters)
        self.deadlines = []
        for letter in self.letters:
            views = [deadline_view(letter, d, now, user_tz) for d in letter.deadlines if d.done_on is None] \
                if letter.is_open else []
            self.deadlines.append(min(views, key=lambda v: v.cutoff_utc) if views else None)
        self.covered = [tuple(covered.get(x.ref, ())) for x in self.letters]
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.letters)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.HEADERS):
            return tr(self.HEADERS[section])
        return None

    def ref_at(self, row: int) -> str:
        return self.letters[row].ref

    def row_of(self, ref: str) -> int:
        return next((i for i, x in enumerate(self.letters) if x.ref == ref), -1)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.letters)):
            return None
        row, col = index.row(), index.column()
        letter, due, covered = self.letters[row], self.deadlines[row], self.covered[row]
        if role == REF_ROLE:
            return letter.ref
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_REF:
                return letter.ref
            if col == COL_ADDRESSEE:
                return letter.addressee
            if col == COL_STATUS:
                return tr(STATUS_LABELS[letter.status])
            if col == COL_DEADLINE:
                if due is None:
                    return ""
                flag = tr("overdue") if due.overdue else tr("%1 days").replace("%1", str(due.local_days_left))
                return f"{due.due.isoformat()} ({flag}): {due.label}"
            if col == COL_PRODUCTS:
                return f"({len(covered)}) " + ", ".join(covered) if covered else ""  # the count survives elision
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_PRODUCTS and covered:
                return "\n".join(covered)
            if col in (COL_REF, COL_ADDRESSEE):
                return letter.summary
            if col == COL_DEADLINE and due is not None:
                return due.label
            return None
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_DEADLINE and due is not None and due.overdue:
            return QBrush(OVERDUE)
        return None
