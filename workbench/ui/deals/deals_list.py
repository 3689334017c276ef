"""The deals list: every deal with its position under a regime (or the enforced regime of its date)."""

from __future__ import annotations

import sqlite3
from typing import Optional

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QProgressBar,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from workbench.services.changes import CATALOG, DEALS, LETTERS, SCREENING
from workbench.services.deals import DealService
from workbench.ui.deals.common import ENFORCED_ON_DATE, regime_combo
from workbench.ui.deals.models import SORT_ROLE, DealsTableModel
from workbench.ui.support.i18n import tr
from workbench.ui.shell.tasks import TaskRunner


# What a deal's position depends on: the deal, the products' figures, the letters, the screening list.
REFRESH_ON = (DEALS, CATALOG, LETTERS, SCREENING)


class DealsListWidget(QWidget):
    """Every deal with its position under a regime (or the enforced regime of its date).

    Signals: dealActivated(int) with the deal id on double-click.
    """

    dealActivated = Signal(int)

    SYNC_LIMIT = 200  # up to this many deals to determine, refresh at once; more go to a worker

    def __init__(self, service: DealService, runner: TaskRunner, notices=None, parent=None):
        """``notices``: the app's Session (its dataChanged signal); None for a list that refreshes
        only when asked (refresh())."""
        super().__init__(parent)
        self.service, self.runner = service, runner
        self._working = False
        self.regime = regime_combo(service.library, ENFORCED_ON_DATE)
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
        # Size columns from the first rows, not every row: measuring 2,000 deals x 12 columns on
        # the UI thread took longer than determining them.
        self.view.horizontalHeader().setResizeContentsPrecision(50)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.cancel_button = QPushButton(tr("Cancel deal"))
        self.count = QLabel()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: determining the deals on a worker
        self.busy.setMaximumWidth(160)
        self.busy.setVisible(False)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Regime:")))
        top.addWidget(self.regime, 1)
        top.addWidget(self.busy)
        top.addWidget(self.count)
        top.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view)
        self.regime.currentIndexChanged.connect(self.refresh)
        self.view.doubleClicked.connect(self._activated)
        self.cancel_button.clicked.connect(lambda: self.cancel_selected())
        if notices is not None:  # a bound method: Qt drops it with this widget
            notices.dataChanged.connect(self._data_changed)
        self.refresh()

    def _data_changed(self, topic: str, _keys: tuple) -> None:
        if topic in REFRESH_ON:
            self.refresh()

    def refresh(self) -> None:
        """Show every deal's position; with many deals still to determine (the first showing of a
        large book), determine them on a worker first, the list greyed out meanwhile."""
        chosen = self.regime.currentData()
        pairs = []
        for deal in self.service.deals():
            rid = chosen or self.service.enforced_on(deal.deal_date)
            if rid is not None:
                pairs.append((deal, rid))
        if self.service.works_on_workers and self.service.missing(pairs) > self.SYNC_LIMIT:
            self._determine_on_worker(pairs)
            return
        self._show(pairs)

    def _show(self, pairs: list) -> None:
        self.model.set_rows(self.service.evaluate_pairs(pairs))
        self.count.setText(tr("%1 deals").replace("%1", f"{len(pairs):,}"))

    def _determine_on_worker(self, pairs: list) -> None:
        if self._working:
            return  # the running job refreshes again when it ends
        self._working = True
        self._busy(True, len(pairs))
        writes, chosen = self.service.writes, self.regime.currentData()
        job = self.service.on_own_connection(lambda service: service.evaluations(pairs))

        def done(made) -> None:
            self._working = False
            try:
                adopted = self.service.adopt_evaluations(made, writes)  # refused if a deal was saved meanwhile
                self._busy(False)
                if adopted and self.regime.currentData() == chosen:
                    self._show(pairs)  # the deals as the worker read them: nothing was saved since
                else:
                    self.refresh()  # determines what changed meanwhile
            except sqlite3.ProgrammingError:
                return  # the catalog was closed while the worker ran (the app is closing)

        def failed(exc: BaseException, _text: str) -> None:
            self._working = False
            self._busy(False)
            self.count.setText(tr("The deals could not be determined: %1").replace("%1", f"{type(exc).__name__}: {exc}"))

        self.runner.start("deals list", job, on_done=done, on_failed=failed, owner=self)

    def _busy(self, on: bool, n: int = 0) -> None:
        self.busy.setVisible(on)
        self.view.setEnabled(not on)
        if on:
            self.count.setText(tr("Determining %1 deals…").replace("%1", f"{n:,}"))

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
