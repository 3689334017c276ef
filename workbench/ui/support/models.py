"""Qt table models: the catalog (100,000 rows: ids plus cached classification, filtered and
sorted by ``catalog_query`` off the UI thread), the comparison matrix and the proximity list.

Each model has column constants and ``SORT_ROLE`` (the raw value a column sorts by) and
``PART_ROLE`` (the part number of a row).

The engine's wording (engine_text, which imports the engine) is imported when a classified cell
is first shown: the catalog's rows are painted before the engine is imported, so the window is usable at once.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from workbench.services import catalog_query as cq
from workbench.services.catalog_snapshot import CatalogSnapshot
from workbench.services.catalog_column import Classified, regime_label
from workbench.ui.support.i18n import tr
from workbench.ui.shell.tasks import TaskRunner

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
PART_ROLE = Qt.ItemDataRole.UserRole + 2
NEAR_BRUSH = QBrush(QColor("#b3261e"))
CHANGED_BRUSH = QBrush(QColor("#ffe08a"))
_ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
# the roles CatalogModel.data answers besides the text; every other role is None at once
_ROLES_USED = frozenset(int(r) for r in (SORT_ROLE, PART_ROLE, Qt.ItemDataRole.TextAlignmentRole,
                                         Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole))


class _EngineText:
    """workbench.ui.support.engine_text, imported on first use."""

    def __getattr__(self, name: str):
        from workbench.ui.support import engine_text

        return getattr(engine_text, name)


et = _EngineText()


def fmt_number(value: Optional[float], digits: int = 0) -> str:
    if value is None:
        return ""
    return f"{value:,.{digits}f}"


def show_class(shown: str) -> str:
    """A classification as displayed: ECCN paragraphs stay as written; "indeterminate" and
    "not 3A090/4A090" are worded in the UI language (engine_text)."""
    return et.classification(shown)


def fmt_margin(value: Optional[float]) -> str:
    return "" if value is None else f"{value:+.1f}%"


class CatalogModel(QAbstractTableModel):
    """All products; rows are indices into the snapshot, recomputed by a job when the query changes.

    Signals: rowsApplied(int) with the number of visible rows after each filter/sort.
    """

    rowsApplied = Signal(int)
    SYNC_LIMIT = 5000  # below this many products filter/sort on the UI thread (a few ms)
    TEXTS_KEPT = 50_000  # cell texts kept (a few screens' worth many times over); then started afresh

    def __init__(self, runner: TaskRunner, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.snap = CatalogSnapshot()
        self.cls: Optional[Classified] = None
        self.rows: list[int] = []
        self.query = cq.Query()
        self.near_pct = 10.0
        self._generation = 0
        self._keys: dict[int, tuple[list, list[int]]] = {}  # column -> (sort values, ascending order)
        self._texts: dict[int, str] = {}  # product index * COLUMN_COUNT + column -> the cell's text
        self._filter_job = None  # the running filter job's handle (cancelled by a newer query)

    # data -----------------------------------------------------------------------------
    def set_data(self, snap: CatalogSnapshot, cls: Optional[Classified]) -> None:
        self.snap, self.cls = snap, cls
        self._keys = {}
        self._texts = {}
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, cq.COLUMN_COUNT - 1)
        self.refresh()

    def set_query(self, query: cq.Query) -> None:
        self.query = query
        self.refresh()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        from dataclasses import replace

        query = replace(self.query, sort_column=column, descending=order == Qt.SortOrder.DescendingOrder)
        if query != self.query:  # QTableView.sortByColumn asks twice: one job is enough
            self.set_query(query)

    def refresh(self) -> None:
        self._generation += 1
        gen, snap, cls, query = self._generation, self.snap, self.cls, self.query
        cached = self._keys.get(query.sort_column)

        def job(ctx=None):
            # On a worker: between steps, breathe (the UI thread gets the GIL) and give up once a
            # newer query has cancelled this one (two filter jobs at once starve the UI thread).
            pause = (lambda: (ctx.check(), ctx.breathe())) if ctx is not None else None
            values, order = cached if cached is not None else (None, None)
            if values is None:
                values = cq.sort_values(query.sort_column, snap, cls)
                order = cq.sort_order(values, pause)
            return gen, query.sort_column, (values, order), cq.select_rows(snap, cls, query, values, order, pause)

        if self._filter_job is not None:
            self._filter_job.cancel()  # its result would be dropped (_apply): stop it at its next step
            self._filter_job = None
        if len(snap) <= self.SYNC_LIMIT:
            self._apply(job())
        else:
            self._filter_job = self.runner.start("filter", job, on_done=self._apply)

    def _apply(self, result) -> None:
        gen, column, values, rows = result
        if gen != self._generation:
            return  # a newer query is on its way
        self._keys[column] = values
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()
        self.rowsApplied.emit(len(rows))

    def forget_texts(self) -> None:
        """A product's stored figures changed in place (the snapshot is edited, not replaced): its
        cells are formatted afresh at the next paint."""
        self._texts = {}
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, cq.COLUMN_COUNT - 1))

    def part_at(self, row: int) -> str:
        return self.snap.parts[self.rows[row]]

    def row_of(self, part: str) -> int:
        i = self.snap.index.get(part)
        try:
            return self.rows.index(i) if i is not None else -1
        except ValueError:
            return -1

    # Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else cq.COLUMN_COUNT

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return {cq.COL_TPP: tr("Total processing performance (TPP)"),
                    cq.COL_PD: tr("Performance density (PD): TPP per mm² of applicable die area")}.get(section)
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        names = [tr("Part number"), tr("Vendor"), tr("TPP"), tr("PD"), tr("DRAM bandwidth (GB/s)"),
                 tr("Classification"), tr("Margin to nearest threshold"), tr("Licence")]
        if section == cq.COL_CLASS and self.cls is not None:
            return f"{names[section]} ({regime_label(self.cls.regime)})"
        return names[section] if 0 <= section < len(names) else None

    def multiData(self, index, roles) -> None:  # noqa: N802 - Qt override
        """The table's delegate asks each painted cell for seven roles at once: one Python call
        per cell instead of seven (Qt's default calls data() per role). Each call from Qt into
        Python waits for the GIL, which a worker (classifying, filtering) may hold, so a repaint
        or a scroll costs fewer waits."""
        for k in range(len(roles)):
            slot = roles[k]
            value = self.data(index, slot.role())
            if value is None:
                slot.clearData()
            else:
                slot.setData(value)

    def data(self, index, role=_DISPLAY):
        # The roles the table does not use return at once, and a cell's text is formatted once per
        # classification (_texts), not at every repaint or scroll.
        if role == _DISPLAY:
            row, rows = index.row(), self.rows
            if not 0 <= row < len(rows):
                return None
            col = index.column()
            key = rows[row] * cq.COLUMN_COUNT + col
            text = self._texts.get(key)
            if text is None:
                if len(self._texts) >= self.TEXTS_KEPT:
                    self._texts.clear()
                text = self._texts[key] = self._display(rows[row], col)
            return text
        if role not in _ROLES_USED or not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        i, col = self.rows[index.row()], index.column()
        if role == SORT_ROLE:
            return cq.sort_values(col, self.snap, self.cls)[i] if col in (cq.COL_PART, cq.COL_VENDOR, cq.COL_BW) \
                else self._raw(i, col)
        if role == PART_ROLE:
            return self.snap.parts[i]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in cq.NUMERIC_COLUMNS:
            return _ALIGN_RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and col == cq.COL_MARGIN and self.cls is not None:
            m = self.cls.margin_pct[i]
            return NEAR_BRUSH if m is not None and abs(m) <= self.near_pct else None
        if role == Qt.ItemDataRole.ToolTipRole and col == cq.COL_MARGIN and self.cls is not None:
            return et.nearest(self.cls.nearest[i]) or None
        if role == Qt.ItemDataRole.ToolTipRole and col == cq.COL_LICENCE and self.cls is not None:
            return self._display(i, col) or None  # the full text where the column cuts it
        return None

    def _raw(self, i: int, col: int):
        cls = self.cls
        if cls is None:
            return None
        if col == cq.COL_LICENCE:
            return cq.sort_values(col, self.snap, cls)[i]
        return {cq.COL_TPP: cls.tpp, cq.COL_PD: cls.pd, cq.COL_CLASS: cls.shown, cq.COL_MARGIN: cls.margin_pct}[col][i]

    def _display(self, i: int, col: int) -> str:
        snap, cls = self.snap, self.cls
        if col == cq.COL_PART:
            return snap.parts[i]
        if col == cq.COL_VENDOR:
            return snap.vendors[i] or ""
        if col == cq.COL_BW:
            return fmt_number(snap.mem_bw[i])
        if cls is None:
            return "…"
        if col == cq.COL_TPP:
            return fmt_number(cls.tpp[i])
        if col == cq.COL_PD:
            return fmt_number(cls.pd[i], 2)
        if col == cq.COL_CLASS:
            return show_class(cls.shown[i])
        if col == cq.COL_MARGIN:
            m = cls.margin_pct[i]
            return "" if m is None else f"{fmt_margin(m)}  {et.nearest(cls.nearest[i])}"
        if col == cq.COL_LICENCE:  # the one licence position: the same words as the memo and classify
            lic = cls.licence[i] if cls.licence else None
            return et.licence(lic) if lic is not None else ""
        return ""


class CompareModel(QAbstractTableModel):
    """Products x regimes; a cell differing from the column to its left is highlighted."""

    COL_PART = 0

    def __init__(self, parent=None):
        super().__init__(parent)
        self.snap = CatalogSnapshot()
        self.results: list[Classified] = []
        self.headers: list[str] = []
        self.all_rows: list[int] = []
        self.rows: list[int] = []
        self.only_changed = False

    def set_result(self, snap: CatalogSnapshot, results: list[Classified], headers: list[str]) -> None:
        self.beginResetModel()
        self.snap, self.results, self.headers = snap, results, headers
        self.all_rows = list(range(len(snap)))
        self.rows = self._filtered()
        self.endResetModel()

    def set_only_changed(self, on: bool) -> None:
        self.beginResetModel()
        self.only_changed = on
        self.rows = self._filtered()
        self.endResetModel()

    def changed(self, i: int) -> bool:
        return len({r.position[i] for r in self.results}) > 1

    def _filtered(self) -> list[int]:
        return [i for i in self.all_rows if self.changed(i)] if self.only_changed else list(self.all_rows)

    def transitions(self) -> dict[tuple[str, str, str, str], int]:
        """(from regime, to regime, from position, to position) -> number of products."""
        counts: dict[tuple[str, str, str, str], int] = {}
        for i in self.all_rows:
            for a, b, ha, hb in zip(self.results, self.results[1:], self.headers, self.headers[1:]):
                if a.position[i] != b.position[i]:
                    key = (ha, hb, a.position[i], b.position[i])
                    counts[key] = counts.get(key, 0) + 1
        return counts

    def matrix(self) -> tuple[list[str], list[list[str]]]:
        head = [tr("Part number"), *self.headers]
        return head, [[self.snap.parts[i], *(r.position[i] for r in self.results)] for i in self.rows]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 1 + len(self.results)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return tr("Part number")
        return self.headers[section - 1] if 0 < section <= len(self.headers) else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        i, col = self.rows[index.row()], index.column()
        if role == SORT_ROLE:
            return self.snap.parts[i] if col == 0 else self.results[col - 1].position[i]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.snap.parts[i] if col == 0 else et.position(self.results[col - 1].position[i])
        if role == PART_ROLE:
            return self.snap.parts[i]
        if role == Qt.ItemDataRole.BackgroundRole and col > 1:
            if self.results[col - 1].position[i] != self.results[col - 2].position[i]:
                return CHANGED_BRUSH
        return None


class ProximityModel(QAbstractTableModel):
    """Products within N % of a threshold of one regime, nearest first."""

    COL_PART, COL_VENDOR, COL_CLASS, COL_CRITERION, COL_MARGIN = range(5)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.snap = CatalogSnapshot()
        self.cls: Optional[Classified] = None
        self.rows: list[int] = []

    def set_rows(self, snap: CatalogSnapshot, cls: Optional[Classified], pct: float,
                 rows: Optional[list[int]] = None) -> None:
        """``rows`` may come precomputed (catalog_query.near_rows on a worker thread)."""
        self.beginResetModel()
        self.snap, self.cls = snap, cls
        if rows is None:
            rows = cq.near_rows(snap, cls, pct) if cls is not None else []
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 5

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        names = [tr("Part number"), tr("Vendor"), tr("Classification"), tr("Nearest threshold"), tr("Margin")]
        return names[section] if 0 <= section < 5 else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.rows)) or self.cls is None:
            return None
        i, col = self.rows[index.row()], index.column()
        if role == PART_ROLE:
            return self.snap.parts[i]
        if role == SORT_ROLE and col == self.COL_MARGIN:
            return self.cls.margin_pct[i]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.COL_MARGIN:
            return _ALIGN_RIGHT
        if role not in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return None
        return [self.snap.parts[i], self.snap.vendors[i] or "", show_class(self.cls.shown[i]), et.nearest(self.cls.nearest[i]),
                fmt_margin(self.cls.margin_pct[i])][col]
