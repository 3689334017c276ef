"""The catalog tab: search box, filters (vendor, classification, product line, near a line) and
the 100,000-row table. Filtering and sorting run through CatalogModel (off the UI thread for
large catalogs); typing is debounced so each keystroke does not start a job.

The rows (part number, vendor, stored figures) are shown as soon as the catalog is loaded, before
the engine is: TPP, PD, classification and margin read "…" until the classification arrives, and
searching, the vendor and product-line filters and sorting on those columns work meanwhile.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDoubleSpinBox, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget)

from workbench.services import catalog_query as cq
from workbench.services.changes import CATALOG
from workbench.ui.support.i18n import tr
from workbench.ui.support.models import PART_ROLE, CatalogModel
from workbench.ui.shell.session import Session
from workbench.ui.shell.tasks import TaskRunner


class CatalogView(QWidget):
    def __init__(self, session: Session, runner: TaskRunner, parent=None):
        super().__init__(parent)
        self.session = session
        self.model = CatalogModel(runner, self)
        self.search = QLineEdit(placeholderText=tr("Search part number, vendor or name"))
        self.search.setClearButtonEnabled(True)
        self.vendor = QComboBox()
        self.classification = QComboBox()
        self.line = QComboBox()
        self.near = QCheckBox(tr("Near a line"))
        self.near_pct = QDoubleSpinBox(suffix=" %", minimum=0.5, maximum=100.0, value=10.0, decimals=1)
        self.count = QLabel()
        for combo in (self.vendor, self.classification, self.line):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        for label, w in ((tr("Vendor"), self.vendor), (tr("Classification"), self.classification),
                         (tr("Product line"), self.line)):
            top.addWidget(QLabel(label))
            top.addWidget(w, 1)
        top.addWidget(self.near)
        top.addWidget(self.near_pct)
        top.addWidget(self.count)

        self.table = QTableView()
        self.table.setModel(self.model)
        self._paint_hold = runner.hold_while_painting(self.table.viewport())  # jobs step aside while it paints
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(cq.COL_PART, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in ((cq.COL_PART, 230), (cq.COL_VENDOR, 110), (cq.COL_TPP, 80), (cq.COL_PD, 60),
                           (cq.COL_BW, 160), (cq.COL_CLASS, 250)):
            header.resizeSection(col, width)
        self._fit_headers()

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)

        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.apply_query)
        self.search.textChanged.connect(self._debounce.start)
        for combo in (self.vendor, self.classification, self.line):
            combo.currentIndexChanged.connect(self.apply_query)
        self.near.toggled.connect(self.apply_query)
        self.near_pct.valueChanged.connect(self._near_changed)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        copy = QAction(tr("Copy selected rows"), self.table)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        copy.triggered.connect(self.copy_selection)
        self.table.addAction(copy)
        self.model.rowsApplied.connect(self._rows_applied)
        session.catalogLoaded.connect(self._catalog_loaded)
        session.classified.connect(self._classified)
        session.columnEarly.connect(self._classified)  # the same column, from the compiled cache
        session.dataChanged.connect(self._data_changed)
        self._fill_combo(self.vendor, tr("All vendors"), [])
        self._fill_combo(self.classification, tr("All classifications"), [])
        self._fill_combo(self.line, tr("All product lines"), [])

    @staticmethod
    def _fill_combo(combo: QComboBox, everything: str, values: list[str], shown=str) -> None:
        keep = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for v in values:
            combo.addItem(shown(v), v)
        i = combo.findData(keep) if keep is not None else 0
        combo.setCurrentIndex(max(i, 0))
        combo.setEnabled(bool(values))
        combo.blockSignals(False)

    def _catalog_loaded(self) -> None:
        snap = self.session.snapshot
        self._fill_combo(self.vendor, tr("All vendors"), snap.vendor_names)
        self._fill_combo(self.line, tr("All product lines"), snap.line_names)
        self.model.set_data(snap, self.session.current)

    def _classified(self, cls) -> None:
        from workbench.ui.support.models import show_class

        self._fill_combo(self.classification, tr("All classifications"), cls.classes, show_class)
        self.model.set_data(self.session.snapshot, cls)
        self._fit_headers()

    def _data_changed(self, topic: str, keys) -> None:
        if topic == CATALOG and keys:  # figures edited in place in the snapshot: the rows' texts are stale
            self.model.forget_texts()

    def _fit_headers(self) -> None:
        """Widen a column whose header text (any language, regime name) would be clipped."""
        header = self.table.horizontalHeader()
        for col in range(cq.COLUMN_COUNT - 1):
            header.resizeSection(col, max(header.sectionSize(col), header.sectionSizeHint(col)))

    def _near_changed(self, value: float) -> None:
        self.model.near_pct = value
        if self.near.isChecked():
            self.apply_query()
        else:
            self.table.viewport().update()

    def current_query(self) -> cq.Query:
        q = self.model.query
        return cq.Query(text=self.search.text(), vendor=self.vendor.currentData(),
                        classification=self.classification.currentData(), line=self.line.currentData(),
                        near_pct=self.near_pct.value() if self.near.isChecked() else None,
                        sort_column=q.sort_column, descending=q.descending)

    def apply_query(self) -> None:
        self.model.set_query(self.current_query())

    def _rows_applied(self, n: int) -> None:
        self.count.setText(tr("%1 of %2 products").replace("%1", f"{n:,}").replace("%2", f"{len(self.session.snapshot):,}"))
        if self.session.part:
            self.select_part(self.session.part, emit=False)

    def _current_changed(self, current, _previous) -> None:
        if current.isValid():
            self.session.select_product(current.data(PART_ROLE))

    def select_part(self, part: str, emit: bool = True) -> bool:
        row = self.model.row_of(part)
        if row < 0:
            return False
        index = self.model.index(row, 0)
        sel = self.table.selectionModel()
        if sel.currentIndex().isValid() and sel.currentIndex().row() == row:
            return True  # already current (a click made it so): keep that click's Ctrl/Shift multi-selection
        if not emit:
            sel.blockSignals(True)
        sel.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        sel.blockSignals(False)
        self.table.scrollTo(index)
        return True

    def copy_selection(self) -> str:
        """The selected rows (multi-select) as tab-separated text on the clipboard, with the header."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        m = self.model
        lines = ["\t".join(str(m.headerData(c, Qt.Orientation.Horizontal)) for c in range(m.columnCount()))]
        lines += ["\t".join(m.index(r, c).data() or "" for c in range(m.columnCount())) for r in rows]
        text = "\n".join(lines)
        QGuiApplication.clipboard().setText(text)
        return text

    def selected_parts(self) -> list[str]:
        return [i.data(PART_ROLE) for i in self.table.selectionModel().selectedRows()]
