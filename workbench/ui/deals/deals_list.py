"""The deals list: every deal with its position under a regime (or the enforced regime of its date)."""

from __future__ import annotations

import sqlite3
from typing import Optional

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QPushButton, QTableView,
                               QVBoxLayout, QWidget)

from workbench.services.deals import DealRow, DealService
from workbench.services.regimes import RegimeLibrary
from workbench.ui.deals.common import ENFORCED_ON_DATE, regime_combo
from workbench.ui.deals.models import SORT_ROLE, DealsTableModel
from workbench.ui.i18n import tr


class DealsListWidget(QWidget):
    """Every deal with its position under a regime (or the enforced regime of its date).

    Signals: dealActivated(int) with the deal id on double-click.
    """

    dealActivated = Signal(int)

    def __init__(self, conn: sqlite3.Connection, library: RegimeLibrary, service: Optional[DealService] = None,
                 parent=None):
        super().__init__(parent)
        self.service = service or DealService(conn, library)
        self.regime = regime_combo(library, ENFORCED_ON_DATE)
        self.model = DealsTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(DealsTableModel.DATE, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.cancel_button = QPushButton(tr("Cancel deal"))
        self.count = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Regime:")))
        top.addWidget(self.regime, 1)
        top.addWidget(self.count)
        top.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view)
        self.regime.currentIndexChanged.connect(self.refresh)
        self.view.doubleClicked.connect(self._activated)
        self.cancel_button.clicked.connect(lambda: self.cancel_selected())
        self.service.on_change(self.refresh)
        self.destroyed.connect(lambda *_: self.service.off_change(self.refresh))
        self.refresh()

    def refresh(self) -> None:
        chosen = self.regime.currentData()
        rows = []
        for deal in self.service.deals():
            rid = chosen or self.service.enforced_on(deal.deal_date)
            if rid is not None:
                rows.append(DealRow(deal, self.service.evaluate(deal, rid)))
        self.model.set_rows(rows)
        self.count.setText(tr("%1 deals").replace("%1", f"{len(rows):,}"))

    def selected_id(self) -> Optional[int]:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.rows[self.proxy.mapToSource(rows[0]).row()].deal.id

    def cancel_selected(self, confirm: bool = True) -> bool:
        """Cancel the selected deal after a confirmation (a cancelled deal cannot be re-opened)."""
        deal_id = self.selected_id()
        if deal_id is None:
            QMessageBox.information(self, tr("Cancel deal"), tr("Select a deal first."))
            return False
        if confirm:
            ref = self.service.get(deal_id).reference
            answer = QMessageBox.question(
                self, tr("Cancel deal"),
                tr("Cancel deal %1? It stops counting against the ledgers and cannot be re-opened; it stays in the "
                   "audit log.").replace("%1", ref))
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.service.cancel(deal_id)
        return True

    def _activated(self, index) -> None:
        self.dealActivated.emit(self.model.rows[self.proxy.mapToSource(index).row()].deal.id)
