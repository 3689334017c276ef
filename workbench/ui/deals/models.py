"""Qt table models for deals and ledgers, and the delegate that draws a ledger's used/remaining bar.

Each model has column constants and ``SORT_ROLE`` (the raw value a column sorts by); the deals
model has ``DEAL_ID_ROLE`` and the ledger model ``SHARE_ROLE`` (permille of the limit used, or
None when the ledger has no limit).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Optional, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionProgressBar, QStyleOptionViewItem

from workbench.engine.ledgers import Ledger
from workbench.services.deals import DealRow
from workbench.ui.support import engine_text as et
from workbench.ui.deals import deal_text
from workbench.ui.deals.common import DEAL_STATUS
from workbench.ui.support.i18n import tr, tr_noop

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
DEAL_ID_ROLE = Qt.ItemDataRole.UserRole + 2
SHARE_ROLE = Qt.ItemDataRole.UserRole + 3
OVER_BRUSH = QBrush(QColor("#b3261e"))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_UNITS = {"units": tr_noop("units")}
_LICENCE = {True: tr_noop("required"), False: tr_noop("not required"), None: tr_noop("unknown")}


def fmt(value: Optional[Decimal]) -> str:
    return "" if value is None else f"{value:,}"


class _ListModel(QAbstractTableModel):
    """A flat table over a Python list: subclasses give HEADERS (untranslated, shown through tr()) and data()."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list = []

    def set_items(self, items: Sequence) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt override
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            return tr(self.HEADERS[section])
        return None


class DealsTableModel(_ListModel):
    """One row per deal with its position under the chosen regime."""

    (REF, DATE, STATUS, DEST, END_USER, AUTH, VALUE, TPP, REGIME, LICENCE, REVIEW, EXCEPTIONS) = range(12)
    HEADERS = (tr_noop("Reference"), tr_noop("Date"), tr_noop("Status"), tr_noop("Destination"), tr_noop("End user"),
               tr_noop("Authorization"), tr_noop("Value (USD)"), tr_noop("TPP total"), tr_noop("Regime"),
               tr_noop("Licence"), tr_noop("Review policy"), tr_noop("Eligible exceptions"))

    def __init__(self, parent=None):
        super().__init__(parent)
        self._values: list[tuple] = []

    @property
    def rows(self) -> list[DealRow]:
        return self.items

    def set_rows(self, rows: Sequence[DealRow]) -> None:
        # Each row's raw values, computed once: data() is called for every cell on every paint and
        # sort, and a deal's totals are sums over its lines (2,000 deals sorted: 1.4 s -> 0.1 s).
        self._values = [self._row_values(r) for r in rows]
        self.set_items(rows)

    def _row_values(self, row: DealRow) -> tuple:
        d, e = row.deal, row.evaluation
        return (d.reference, d.deal_date.isoformat(), d.status, d.destination, d.end_user.name, d.authorization,
                d.value_usd, e.tpp_total, e.regime, _LICENCE[e.license_required], (e.review_policy or "").replace("_", " "),
                ", ".join(x.id for x in e.exceptions))

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        row, col = self.rows[index.row()], index.column()
        values = self._values[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = values[col]
            if col in (self.VALUE, self.TPP):
                return fmt(value)
            if col == self.LICENCE:
                return tr(value)
            if col == self.REVIEW:
                return et.policy(row.evaluation.review_policy)
            if col == self.STATUS:
                return tr(DEAL_STATUS.get(value, value))
            return value
        if role == SORT_ROLE:
            value = values[col]
            if col in (self.VALUE, self.TPP):
                return float(value) if value is not None else -1.0
            return value
        if role == DEAL_ID_ROLE:
            return row.deal.id
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.VALUE, self.TPP):
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(row.evaluation.reasons)
        return None


class LedgerTableModel(_ListModel):
    """One row per ledger: limit, used, the bar, remaining, and the rule's confidence."""

    (TITLE, UNIT, LIMIT, USED, BAR, REMAINING, CONFIDENCE, NOTE) = range(8)
    HEADERS = (tr_noop("Ledger"), tr_noop("Unit"), tr_noop("Limit"), tr_noop("Used"), tr_noop("Used / remaining"),
               tr_noop("Remaining"), tr_noop("Confidence"), tr_noop("Note"))

    @property
    def ledgers(self) -> list[Ledger]:
        return self.items

    def set_ledgers(self, ledgers: Sequence[Ledger]) -> None:
        self.set_items(ledgers)

    @staticmethod
    def share(ledger: Ledger) -> Optional[int]:
        """Permille of the limit used (may exceed 1000 when over), rounded down."""
        limit = ledger.meta.limit
        if limit is None or limit <= 0:
            return None
        return int(ledger.used * 1000 // limit)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.ledgers)):
            return None
        lg, col = self.ledgers[index.row()], index.column()
        share = self.share(lg)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.BAR:
                if share is None:
                    return tr("no limit")
                over = tr(" — over by %1").replace("%1", fmt(-lg.remaining)) if lg.over else ""
                return tr("%1% used").replace("%1", f"{share // 10}.{share % 10}") + over
            return {self.TITLE: deal_text.title(lg), self.UNIT: tr(_UNITS.get(lg.meta.unit, lg.meta.unit)), self.LIMIT: fmt(lg.meta.limit) or "—",
                    self.USED: fmt(lg.used), self.REMAINING: fmt(lg.remaining) or "—",
                    self.CONFIDENCE: et.confidence(lg.meta.confidence),
                    self.NOTE: (tr("OVER THE LIMIT; ") if lg.over else "") + deal_text.note(lg)}[col]
        if role == SHARE_ROLE:
            return share
        if role == SORT_ROLE:
            return {self.LIMIT: float(lg.meta.limit or -1), self.USED: float(lg.used),
                    self.REMAINING: float(lg.remaining if lg.remaining is not None else -1),
                    self.BAR: -1 if share is None else share}.get(col, self.data(index))
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.LIMIT, self.USED, self.REMAINING):
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and lg.over:
            return OVER_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [lg.meta.citation] + [f"{e.deal_date} {e.reference}: {fmt(e.amount)} {lg.meta.unit}"
                                          + (f" ({e.note})" if e.note else "") for e in lg.entries]
            return "\n".join(lines)
        return None


class BarDelegate(QStyledItemDelegate):
    """Draws SHARE_ROLE as a progress bar (full and red when over the limit), text on top."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        share = index.data(SHARE_ROLE)
        if share is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = QRect(option.rect.adjusted(2, 3, -2, -3))
        bar.minimum, bar.maximum = 0, 1000
        bar.progress = min(1000, max(0, share))
        bar.text = str(index.data(Qt.ItemDataRole.DisplayRole))
        bar.textVisible = True
        bar.state = option.state
        if share > 1000:
            bar.palette = QApplication.palette()
            bar.palette.setColor(bar.palette.ColorRole.Highlight, QColor("#b3261e"))
        style = option.widget.style() if option.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)
