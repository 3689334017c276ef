"""Red-line proximity: products within N % (default 10 %) of any threshold of the selected
regime, nearest first (Determination.nearest, margin_pct)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QDoubleSpinBox, QHBoxLayout, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from workbench.ui.classify import regime_label
from workbench.ui.i18n import tr
from workbench.ui.models import PART_ROLE, ProximityModel
from workbench.ui.session import Session


class ProximityView(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
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

    def refresh(self) -> None:
        cls = self.session.current
        self.model.set_rows(self.session.snapshot, cls, self.pct.value())
        if cls is not None:
            self.caption.setText(tr("%1 products near a line of %2, nearest first.")
                                 .replace("%1", f"{self.model.rowCount():,}").replace("%2", regime_label(cls.regime)))
