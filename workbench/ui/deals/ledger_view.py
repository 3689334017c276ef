"""The ledger view: every ledger under one regime with a used/remaining bar and the rule's
confidence, the NAC/ACA clocks, and the two figures officers enter (US shipments, g2g agreements).

The first read of a regime's ledgers determines every stored deal (slow with thousands of deals),
so it runs on a worker thread over its own connection (workbench.ui.shell.tasks) while the view shows a
busy bar; the shared DealService then adopts the built book and later reads update it deal by deal.
"""

from __future__ import annotations

import sqlite3
from typing import Optional

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QProgressBar,
                               QPushButton, QSpinBox, QTableView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from workbench.clock import SYSTEM_CLOCK, Clock
from workbench.services.deals import DealService
from workbench.ui.deals.deals_list import REFRESH_ON
from workbench.ui.deals.common import code_box, regime_combo
from workbench.ui.deals.deal_text import clock_state
from workbench.ui.deals.models import BarDelegate, LedgerTableModel
from workbench.ui.support.i18n import tr
from workbench.ui.shell.tasks import TaskRunner


class LedgerWidget(QWidget):
    """Ledgers under one regime (optionally one calendar year), each with a used/remaining bar
    and its rule's confidence, plus the NAC/ACA notification clocks.

    Signals: shown() after the ledgers on screen were refreshed (at once when the book was
    already built, else when the worker's build arrived).
    """

    shown = Signal()

    def __init__(self, service: DealService, runner: TaskRunner, notices=None, parent=None,
                 clock: Clock = SYSTEM_CLOCK):
        """``notices``: the app's Session (its dataChanged signal); None for ledgers that refresh
        only when asked (refresh())."""
        super().__init__(parent)
        self.clock = clock  # the NAC clocks' "today" and the year list
        self.service, self.runner = service, runner
        self._building: set[str] = set()  # regime ids whose books workers are building
        self.regime = regime_combo(service.library)
        self.regime.setCurrentIndex(max(0, self.regime.findData("us-ai-diffusion-2025-01")))
        self.year = QComboBox()
        self.year.addItem(tr("All years"), None)
        for y in range(2025, clock.today().year + 2):
            self.year.addItem(str(y), y)
        self.model = LedgerTableModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(LedgerTableModel.BAR, BarDelegate(self.view))
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setSectionResizeMode(LedgerTableModel.BAR, QHeaderView.ResizeMode.Fixed)
        self.view.setColumnWidth(LedgerTableModel.BAR, 220)
        self.clocks = QTableWidget(0, 5)
        self.clocks.setHorizontalHeaderLabels([tr("Deal"), tr("Exception"), tr("Notified"), tr("Review over"),
                                               tr("State")])
        self.clocks.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.clocks.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.clocks.verticalHeader().setVisible(False)
        self.clocks.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel()
        self.busy = QProgressBar()  # indeterminate while a worker builds the ledger book
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(200)
        self.busy.setVisible(False)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Regime:")))
        top.addWidget(self.regime, 1)
        top.addWidget(QLabel(tr("Year:")))
        top.addWidget(self.year)
        # The figures officers enter: US shipments per product (H200 cap), g2g agreements (Tier 2).
        self.us_part = QComboBox()
        self.us_part.addItems(sorted(self.service.specs()))
        self.us_units = QSpinBox()
        self.us_units.setRange(0, 2_000_000_000)
        self.us_units.setGroupSeparatorShown(True)
        self.us_set = QPushButton(tr("Set US shipments"))
        self.g2g_country = code_box()
        self.g2g_country.setPlaceholderText("ISO2")
        self.g2g_agreement = QCheckBox(tr("government-to-government agreement"))
        self.g2g_set = QPushButton(tr("Set"))
        self.figures_message = QLabel()
        figures = QHBoxLayout()
        figures.addWidget(QLabel(tr("US shipments of")))
        figures.addWidget(self.us_part, 2)
        figures.addWidget(self.us_units, 1)
        figures.addWidget(self.us_set)
        figures.addSpacing(20)
        figures.addWidget(QLabel(tr("Country")))
        figures.addWidget(self.g2g_country)
        figures.addWidget(self.g2g_agreement)
        figures.addWidget(self.g2g_set)
        status = QHBoxLayout()
        status.addWidget(self.summary, 1)
        status.addWidget(self.busy)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(figures)
        layout.addWidget(self.figures_message)
        layout.addLayout(status)
        layout.addWidget(self.view, 3)
        layout.addWidget(QLabel(tr("NAC/ACA notifications (review clock)")))
        layout.addWidget(self.clocks, 1)
        self.regime.currentIndexChanged.connect(self.refresh)
        self.year.currentIndexChanged.connect(self.refresh)
        self.us_part.currentTextChanged.connect(self._show_us_figure)
        self.us_set.clicked.connect(self.set_us_shipments)
        self.g2g_country.textChanged.connect(self._show_g2g)
        self.g2g_set.clicked.connect(self.set_g2g)
        self._show_us_figure()
        if notices is not None:  # a bound method: Qt drops it with this widget
            notices.dataChanged.connect(self._data_changed)
        self.refresh()

    def _data_changed(self, topic: str, _keys: tuple) -> None:
        if topic in REFRESH_ON:
            self.refresh()

    @property
    def is_busy(self) -> bool:
        return bool(self._building)

    def _show_us_figure(self, *_args) -> None:
        self.us_units.setValue(self.service.settings().us_shipments.get(self.us_part.currentText(), 0))

    def _show_g2g(self, *_args) -> None:
        self.g2g_agreement.setChecked(self.g2g_country.text().strip() in self.service.settings().g2g_countries)

    def set_us_shipments(self) -> None:
        part = self.us_part.currentText()
        if part not in self.service.specs():
            self.figures_message.setText(tr("Unknown part number '%1' (expected a catalog part number).")
                                         .replace("%1", part))
            return
        self.service.set_us_shipments(part, self.us_units.value(), "entered in the ledger view")
        self.figures_message.setText(tr("%1: %2 units shipped to US customers recorded.")
                                     .replace("%1", part).replace("%2", f"{self.us_units.value():,}"))

    def set_g2g(self) -> None:
        code = self.g2g_country.text().strip()
        if code not in self.service.library.countries:
            self.figures_message.setText(tr("Unknown country code '%1' (expected e.g. MY, IN, AE).").replace("%1", code))
            return
        self.service.set_g2g(code, self.g2g_agreement.isChecked())
        text = (tr("%1: government-to-government agreement recorded.") if self.g2g_agreement.isChecked()
                else tr("%1: government-to-government agreement removed."))
        self.figures_message.setText(text.replace("%1", code))

    # ledgers ------------------------------------------------------------------------------------
    def refresh(self, *_args) -> None:
        """Show the chosen regime's ledgers: at once when its book is built, else after a worker built it."""
        rid = self.regime.currentData()
        if rid is None:
            return
        if self.service.has_book(rid) or not self.service.works_on_workers:
            self._show(rid)
            return
        if rid in self._building:
            return  # the running build calls refresh again when it ends
        self._start_build(rid)

    def _start_build(self, rid: str) -> None:
        self._building.add(rid)
        self._busy(True)
        self.summary.setText(tr("Building the ledgers under %1 (every deal is determined once)…").replace("%1", rid))
        writes = self.service.writes
        # the clocks read every deal too
        job = self.service.on_own_connection(lambda service: (service.built_book(rid), service.nac_clocks(rid)))

        def done(result) -> None:
            built, clocks = result
            self._building.discard(rid)
            try:
                adopted = self.service.adopt_book(built, writes)  # refused if a deal was saved meanwhile
                self._busy(self.regime.currentData() in self._building)
                if rid != self.regime.currentData():
                    return
                if adopted:
                    self._show(rid, clocks)
                else:
                    self.refresh()  # built again from the saved state
            except sqlite3.ProgrammingError:
                return  # the catalog was closed while the worker ran (the app is closing)

        def failed(exc: BaseException, _text: str) -> None:
            self._building.discard(rid)
            self._busy(self.regime.currentData() in self._building)
            self.summary.setText(tr("The ledgers could not be built: %1").replace("%1", f"{type(exc).__name__}: {exc}"))

        self.runner.start(f"ledgers {rid}", job, on_done=done, on_failed=failed, owner=self)

    def _busy(self, on: bool) -> None:
        self.busy.setVisible(on)
        self.view.setEnabled(not on)
        self.clocks.setEnabled(not on)

    def _show(self, rid: str, clocks=None) -> None:
        self._busy(False)
        ledgers = self.service.ledgers(rid, self.year.currentData())
        self.model.set_ledgers(ledgers)
        over = sum(1 for lg in ledgers if lg.over)
        text = tr("%1 ledgers under %2").replace("%1", f"{len(ledgers):,}").replace("%2", rid)
        if over:
            text += tr("; %1 over the limit").replace("%1", f"{over:,}")
        self.summary.setText(text)
        today = self.clock.today()
        clocks = self.service.nac_clocks(rid) if clocks is None else clocks
        self.clocks.setRowCount(len(clocks))
        for row, c in enumerate(clocks):
            early = tr("EARLY: export planned %1; ").replace("%1", c.export_date.isoformat()) if c.early else ""
            cells = [c.reference, c.exception, str(c.notified_on or "—"), str(c.clear_from or "—"),
                     early + clock_state(c, today)]
            for col, text in enumerate(cells):
                self.clocks.setItem(row, col, QTableWidgetItem(text))
        self.shown.emit()
