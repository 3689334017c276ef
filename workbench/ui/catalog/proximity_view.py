"""Red-line proximity: products within N % (default 10 %) of any threshold of the selected
regime, nearest first (Determination.nearest, margin_pct)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QDoubleSpinBox, QHBoxLayout, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from workbench.services.catalog_query import near_rows
from workbench.services.catalog_column import regime_label
from workbench.ui.support.i18n import tr
from workbench.ui.support.models import PART_ROLE, ProximityModel
from workbench.ui.shell.session import Session


class ProximityView(QWidget):
    """Signals: listed(int) with the number of products listed after each refresh."""

    listed = Signal(int)

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self._dirty = True
        self._generation = 0
        self.pct = QDoubleSpinBox(suffix=" %", minimum=0.5, maximum=100.0, value=10.0, decimals=1)
        self.caption = QLabel()
        self.model = ProximityModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setWordWrap(False)
        h = self.table.horizontalHeader()
        h.setStretchLastSection(False)
        for col, width in enumerate((240, 110, 220, 330, 90)):
            h.resizeSection(col, width)
        h.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Within")))
        top.addWidget(self.pct)
        top.addWidget(QLabel(tr("of a threshold")))
        top.addWidget(self.caption, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.pct.valueChanged.connect(self.refresh)
        session.classified.connect(lambda _c: self.refresh())
        self.table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: cur.isValid() and session.select_product(cur.data(PART_ROLE)))

    SYNC_LIMIT = 5000  # larger catalogs are searched on a worker thread

    def refresh(self) -> None:
        """Recompute the list, but only while the tab is visible (else when it is next shown)."""
        if not self.isVisible():
            self._dirty = True
            return
        self._dirty = False
        self._generation += 1
        gen, snap, cls, pct = self._generation, self.session.snapshot, self.session.current, self.pct.value()

        def job(ctx=None):
            return gen, snap, cls, pct, (near_rows(snap, cls, pct) if cls is not None else [])

        if len(snap) <= self.SYNC_LIMIT:
            self._apply(job())
        else:
            self.session.runner.start("proximity", job, on_done=self._apply)

    def _apply(self, result) -> None:
        gen, snap, cls, pct, rows = result
        if gen != self._generation:
            return
        self.model.set_rows(snap, cls, pct, rows)
        if cls is not None:
            self.caption.setText(tr("%1 products near a line of %2, nearest first.")
                                 .replace("%1", f"{self.model.rowCount():,}").replace("%2", regime_label(cls.regime)))
        self.listed.emit(self.model.rowCount())

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._dirty:
            self.refresh()
