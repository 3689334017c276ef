"""Settings (language, "near a line" percentage) and About (versions, ruleset hashes)."""

from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QHeaderView,
                               QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout)

from workbench.app import AppServices
from workbench.services.catalog_column import regime_label
from workbench.ui.support.i18n import LANGUAGES, tr


class SettingsDialog(QDialog):
    def __init__(self, lang: str, near_pct: float, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("Settings"))
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(lang), 0))
        self.near_pct = QDoubleSpinBox(suffix=" %", minimum=0.5, maximum=100.0, value=near_pct, decimals=1)
        form = QFormLayout(self)
        form.addRow(tr("Language"), self.language)
        form.addRow(tr("Near a line within"), self.near_pct)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class AboutDialog(QDialog):
    def __init__(self, services: AppServices, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("About the workbench"))
        self.resize(820, 460)
        versions = services.versions()
        text = "<b>" + tr("Export-control compliance workbench") + "</b><br>" + "<br>".join(
            f"{k} {v}" for k, v in versions.items())
        text += "<br>" + tr("Catalog") + f": {services.db_path}"
        from workbench.ui.shell.main_window import rules_freshness_text

        text += "<br>" + rules_freshness_text(services.clock.today(), services.library.folder)
        label = QLabel(text)
        label.setWordWrap(True)
        regimes = services.regimes()
        self.table = QTableWidget(len(regimes) + 1, 3)
        self.table.setHorizontalHeaderLabels([tr("Regime"), tr("Status"), "SHA-256"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().resizeSection(0, 240)
        for row, r in enumerate(regimes):
            for col, value in enumerate((regime_label(r), r.regime.status, r.sha256)):
                self.table.setItem(row, col, QTableWidgetItem(value))
        last = len(regimes)
        for col, value in enumerate(("countries.csv", "", services.library.countries.sha256)):
            self.table.setItem(last, col, QTableWidgetItem(value))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
