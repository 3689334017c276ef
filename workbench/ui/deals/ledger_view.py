"""The ledger view: every ledger under one regime with a used/remaining bar and the rule's
confidence, the NAC/ACA clocks, and the two figures officers enter (US shipments, g2g agreements)."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Optional

from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QSpinBox, QTableView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from workbench.services.deals import DealService
from workbench.services.regimes import RegimeLibrary
from workbench.ui.deals.common import code_box, regime_combo
from workbench.ui.deals.models import BarDelegate, LedgerTableModel


class LedgerWidget(QWidget):
    """Ledgers under one regime (optionally one calendar year), each with a used/remaining bar
    and its rule's confidence, plus the NAC/ACA notification clocks."""

    def __init__(self, conn: sqlite3.Connection, library: RegimeLibrary, service: Optional[DealService] = None,
                 parent=None):
        super().__init__(parent)
        self.service = service or DealService(conn, library)
        self.regime = regime_combo(library)
        self.regime.setCurrentIndex(max(0, self.regime.findData("us-ai-diffusion-2025-01")))
        self.year = QComboBox()
        self.year.addItem("All years", None)
        for y in range(2025, date.today().year + 2):
            self.year.addItem(str(y), y)
        self.model = LedgerTableModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(LedgerTableModel.BAR, BarDelegate(self.view))
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setSectionResizeMode(LedgerTableModel.BAR, QHeaderView.ResizeMode.Fixed)
        self.view.setColumnWidth(LedgerTableModel.BAR, 220)
        self.clocks = QTableWidget(0, 5)
        self.clocks.setHorizontalHeaderLabels(["Deal", "Exception", "Notified", "Review over", "State"])
        self.clocks.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.clocks.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.summary = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel("Regime:"))
        top.addWidget(self.regime, 1)
        top.addWidget(QLabel("Year:"))
        top.addWidget(self.year)
        # The figures officers enter: US shipments per product (H200 cap), g2g agreements (Tier 2).
        self.us_part = QComboBox()
        self.us_part.addItems(sorted(self.service.specs()))
        self.us_units = QSpinBox()
        self.us_units.setRange(0, 2_000_000_000)
        self.us_units.setGroupSeparatorShown(True)
        self.us_set = QPushButton("Set US shipments")
        self.g2g_country = code_box()
        self.g2g_country.setPlaceholderText("ISO2")
        self.g2g_agreement = QCheckBox("government-to-government agreement")
        self.g2g_set = QPushButton("Set")
        self.figures_message = QLabel()
        figures = QHBoxLayout()
        figures.addWidget(QLabel("US shipments of"))
        figures.addWidget(self.us_part, 2)
        figures.addWidget(self.us_units, 1)
        figures.addWidget(self.us_set)
        figures.addSpacing(20)
        figures.addWidget(QLabel("Country"))
        figures.addWidget(self.g2g_country)
        figures.addWidget(self.g2g_agreement)
        figures.addWidget(self.g2g_set)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(figures)
        layout.addWidget(self.figures_message)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 3)
        layout.addWidget(QLabel("NAC/ACA notifications (review clock)"))
        layout.addWidget(self.clocks, 1)
        self.regime.currentIndexChanged.connect(self.refresh)
        self.year.currentIndexChanged.connect(self.refresh)
        self.us_part.currentTextChanged.connect(self._show_us_figure)
        self.us_set.clicked.connect(self.set_us_shipments)
        self.g2g_country.textChanged.connect(self._show_g2g)
        self.g2g_set.clicked.connect(self.set_g2g)
        self._show_us_figure()
        self.service.on_change(self.refresh)
        self.destroyed.connect(lambda *_: self.service.off_change(self.refresh))
        self.refresh()

    def _show_us_figure(self, *_args) -> None:
        self.us_units.setValue(self.service.settings().us_shipments.get(self.us_part.currentText(), 0))

    def _show_g2g(self, *_args) -> None:
        self.g2g_agreement.setChecked(self.g2g_country.text().strip() in self.service.settings().g2g_countries)

    def set_us_shipments(self) -> None:
        part = self.us_part.currentText()
        if part not in self.service.specs():
            self.figures_message.setText(f"Unknown part number '{part}' (expected a catalog part number).")
            return
        self.service.set_us_shipments(part, self.us_units.value(), "entered in the ledger view")
        self.figures_message.setText(f"{part}: {self.us_units.value():,} units shipped to US customers recorded.")

    def set_g2g(self) -> None:
        code = self.g2g_country.text().strip()
        if code not in self.service.library.countries:
            self.figures_message.setText(f"Unknown country code '{code}' (expected e.g. MY, IN, AE).")
            return
        self.service.set_g2g(code, self.g2g_agreement.isChecked())
        state = "recorded" if self.g2g_agreement.isChecked() else "removed"
        self.figures_message.setText(f"{code}: government-to-government agreement {state}.")

    def refresh(self) -> None:
        rid = self.regime.currentData()
        ledgers = self.service.ledgers(rid, self.year.currentData())
        self.model.set_ledgers(ledgers)
        over = sum(1 for lg in ledgers if lg.over)
        self.summary.setText(f"{len(ledgers)} ledgers under {rid}" + (f"; {over} over the limit" if over else ""))
        today = date.today()
        clocks = self.service.nac_clocks(rid)
        self.clocks.setRowCount(len(clocks))
        for row, c in enumerate(clocks):
            cells = [c.reference, c.exception, str(c.notified_on or "—"), str(c.clear_from or "—"),
                     ("EARLY: export planned " + c.export_date.isoformat() + "; " if c.early else "") + c.state(today)]
            for col, text in enumerate(cells):
                self.clocks.setItem(row, col, QTableWidgetItem(text))
