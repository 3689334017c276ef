"""Side-by-side comparison: two or more regimes (drafts included, labelled DRAFT), a destination,
"as codified" or "as enforced"; the products x regimes matrix with changed cells highlighted, an
"only changed" filter, counts per transition and CSV export.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QHeaderView,
                               QLabel, QListWidget, QListWidgetItem, QProgressBar, QPushButton, QSplitter,
                               QTableView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from workbench.ui.support import engine_text as et
from workbench.engine.governance import as_enforced
from workbench.services.catalog_column import regime_label
from workbench.ui.support.csv_export import write_csv
from workbench.ui.support.i18n import tr
from workbench.ui.support.models import PART_ROLE, CompareModel
from workbench.ui.shell.session import Session
from workbench.ui.support.widgets import destination_combo

CODIFIED, ENFORCED = "codified", "enforced"


class CompareView(QWidget):
    """Signals: compared() when a matrix is shown."""

    compared = Signal()

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.regimes = QListWidget()
        self.regimes.setMaximumWidth(300)
        self.destination = destination_combo(session.services.library.countries)
        self.mode = QComboBox()
        self.mode.addItem(tr("As codified"), CODIFIED)
        self.mode.addItem(tr("As enforced"), ENFORCED)
        self.run_button = QPushButton(tr("Compare"))
        self.only_changed = QCheckBox(tr("Only changed"))
        self.export_button = QPushButton(tr("Export CSV…"))
        self.export_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.model = CompareModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(260)
        self.counts = QTableWidget(0, 3)
        self.counts.setHorizontalHeaderLabels([tr("Transition"), tr("From → to"), tr("Products")])
        self.counts.verticalHeader().setVisible(False)
        self.counts.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.counts.horizontalHeader().resizeSection(0, 330)

        side = QVBoxLayout()
        side.addWidget(QLabel(tr("Regimes to compare (in order)")))
        side.addWidget(self.regimes, 1)
        side.addWidget(QLabel(tr("Destination")))
        side.addWidget(self.destination)
        side.addWidget(self.mode)
        side.addWidget(self.run_button)
        side.addWidget(self.progress)
        side.addWidget(self.only_changed)
        side.addWidget(self.export_button)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.table)
        right.addWidget(self.counts)
        right.setSizes([500, 180])
        body = QVBoxLayout()
        body.addWidget(self.summary)
        body.addWidget(right, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(side)
        layout.addLayout(body, 1)

        self.run_button.clicked.connect(self.run)
        self.only_changed.toggled.connect(self.model.set_only_changed)
        self.export_button.clicked.connect(lambda: self.export())
        self.table.doubleClicked.connect(lambda i: session.select_product(i.data(PART_ROLE)))
        session.regimesChanged.connect(self.fill_regimes)
        self.fill_regimes()

    def fill_regimes(self) -> None:
        checked = set(self.checked_ids()) or {"us-ear-2022-10", "us-ear-2023-10", "us-h200-2026-01"}
        self.regimes.clear()
        for loaded in self.session.services.regimes():
            item = QListWidgetItem(regime_label(loaded))
            item.setData(Qt.ItemDataRole.UserRole, (loaded.id, loaded.draft))
            item.setToolTip(loaded.regime.title)
            item.setCheckState(Qt.CheckState.Checked if regime_label(loaded) in checked else Qt.CheckState.Unchecked)
            self.regimes.addItem(item)

    def checked_ids(self) -> list[str]:
        return [self.regimes.item(i).text() for i in range(self.regimes.count())
                if self.regimes.item(i).checkState() == Qt.CheckState.Checked]

    def set_checked(self, labels: list[str]) -> None:
        for i in range(self.regimes.count()):
            item = self.regimes.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in labels else Qt.CheckState.Unchecked)

    def run(self) -> None:
        services = self.session.services
        chosen = []
        for i in range(self.regimes.count()):
            item = self.regimes.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                rid, draft = item.data(Qt.ItemDataRole.UserRole)
                chosen.append(services.regime(rid, draft))
        if len(chosen) < 2:
            self.summary.setText(tr("Pick two or more regimes."))
            return
        if self.mode.currentData() == ENFORCED:
            used = [as_enforced(r, services.regimes()) for r in chosen]
        else:
            used = chosen
        headers = [regime_label(u) if u is c else f"{regime_label(c)} → {tr('as enforced')}: {u.id}"
                   for c, u in zip(chosen, used)]
        dest = self.destination.currentData()
        results: list[Optional[object]] = [None] * len(used)
        self.progress.setRange(0, len(used))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.run_button.setEnabled(False)

        def got(k: int, result) -> None:
            results[k] = result
            done = sum(r is not None for r in results)
            self.progress.setValue(done)
            if done == len(results):
                self._show(results, headers, dest)

        for k, regime in enumerate(used):
            self.session.ensure(regime, dest, lambda res, k=k: got(k, res))

    def _show(self, results, headers, dest) -> None:
        self.progress.setVisible(False)
        self.run_button.setEnabled(True)
        self.model.set_result(self.session.snapshot, results, headers)
        header = self.table.horizontalHeader()
        header.resizeSection(0, 220)
        share = max(180, (self.table.viewport().width() - 224) // max(len(results), 1))
        for col in range(1, len(results) + 1):
            header.resizeSection(col, share)
        changed = sum(1 for i in self.model.all_rows if self.model.changed(i))
        where = dest or tr("no destination")
        self.summary.setText(tr("%1 of %2 products change position (destination: %3).")
                             .replace("%1", f"{changed:,}").replace("%2", f"{len(self.model.all_rows):,}")
                             .replace("%3", where))
        counts = sorted(self.model.transitions().items(), key=lambda kv: (-kv[1], kv[0]))
        self.counts.setRowCount(len(counts))
        for row, ((ha, hb, a, b), n) in enumerate(counts):
            for col, text in enumerate((f"{ha} → {hb}", f"{et.position(a)}  →  {et.position(b)}", str(n))):
                self.counts.setItem(row, col, QTableWidgetItem(text))
        self.export_button.setEnabled(True)
        self.compared.emit()

    def export(self, path: Optional[Path] = None) -> Optional[Path]:
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, tr("Export comparison"), "comparison.csv", "CSV (*.csv)")
            if not name:
                return None
            path = Path(name)
        header, rows = self.model.matrix()
        write_csv(path, header, rows)
        return path
