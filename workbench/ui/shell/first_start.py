"""Choosing a catalog: the first-start dialog and File > New catalog.

On first start (no catalog chosen yet) the officer picks one of two things, and nothing is made
before they do: their company's own catalog, which starts empty (a name and a folder make its
file), or the demo catalog (real accelerators with sources and a fictitious sample letter,
marked DEMO), which lives apart in the user data folder. Every control has a mnemonic, and Tab
moves through them in reading order.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from PySide6.QtWidgets import (QButtonGroup, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QRadioButton, QVBoxLayout, QWidget)

from workbench.ui.support.i18n import tr

COMPANY, DEMO = "company", "demo"
CATALOG_SUFFIX = ".sqlite3"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')  # characters no file name may hold on Windows, macOS or Linux


def catalog_file_for(name: str, folder: Path) -> Optional[Path]:
    """The catalog file a name makes in ``folder`` (None for a blank name). Chinese names are kept."""
    stem = _UNSAFE.sub("_", name).strip().strip(".")
    return Path(folder) / f"{stem}{CATALOG_SUFFIX}" if stem else None


class CatalogChoiceDialog(QDialog):
    """"Create a company catalog" (name and location) or "Explore the demo catalog".

    ``first_start`` shows the welcome text and both choices; File > New catalog shows only the
    company part. After exec(), :attr:`choice` is COMPANY or DEMO and :attr:`path` the new file
    (company only).
    """

    def __init__(self, default_folder: Path, first_start: bool = True, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.choice: Optional[str] = None
        self.path: Optional[Path] = None
        self.setWindowTitle(tr("Choose a catalog") if first_start else tr("New company catalog"))
        layout = QVBoxLayout(self)
        if first_start:
            intro = QLabel(tr("The workbench keeps your products, is-informed letters and deals in a catalog file. "
                              "Start your company's own catalog, or look around in the demo catalog first."))
            intro.setWordWrap(True)
            layout.addWidget(intro)

        self.company = QRadioButton(tr("&Create a company catalog"))
        self.company.setChecked(True)
        layout.addWidget(self.company)
        company_note = QLabel(tr("Starts empty: import your product list, then record your letters and deals."))
        company_note.setWordWrap(True)
        company_note.setIndent(24)
        layout.addWidget(company_note)
        form = QFormLayout()
        form.setContentsMargins(24, 0, 0, 0)
        self.name = QLineEdit(tr("Company catalog"))
        self.name.setPlaceholderText(tr("e.g. Acme export control"))
        name_label = QLabel(tr("&Name:"))
        name_label.setBuddy(self.name)
        form.addRow(name_label, self.name)
        self.folder = QLineEdit(str(default_folder))
        self.browse = QPushButton(tr("&Browse…"))
        self.browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse)
        folder_label = QLabel(tr("&Location:"))
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, row)
        self.target = QLabel()
        self.target.setWordWrap(True)
        form.addRow(tr("File:"), self.target)
        layout.addLayout(form)

        self.demo = QRadioButton(tr("&Explore the demo catalog"))
        demo_note = QLabel(tr("Real accelerators with the source of every figure, and a fictitious sample letter. "
                              "Marked DEMO and kept apart from your own catalog: not for compliance decisions."))
        demo_note.setWordWrap(True)
        demo_note.setIndent(24)
        if first_start:
            layout.addWidget(self.demo)
            layout.addWidget(demo_note)
        else:
            self.demo.hide()
            demo_note.hide()
        group = QButtonGroup(self)
        group.addButton(self.company)
        group.addButton(self.demo)

        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(tr("C&ontinue"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        for widget in (self.name, self.folder):
            widget.textChanged.connect(self._update)
        self.company.toggled.connect(self._update)
        self.setTabOrder(self.company, self.name)
        self.setTabOrder(self.name, self.folder)
        self.setTabOrder(self.folder, self.browse)
        self.setTabOrder(self.browse, self.demo)
        self.resize(620, self.sizeHint().height())
        self._update()

    def _company_file(self) -> Optional[Path]:
        folder = self.folder.text().strip()
        return catalog_file_for(self.name.text(), Path(folder).expanduser()) if folder else None

    def _update(self) -> None:
        company = self.company.isChecked()
        for widget in (self.name, self.folder, self.browse):
            widget.setEnabled(company)
        path = self._company_file()
        self.target.setText(str(path) if path else "")
        problem = ""
        if company:
            if path is None:
                problem = tr("Give the catalog a name and a folder.")
            elif path.exists():
                problem = tr("A file with this name is already there; choose another name (nothing is replaced).")
        self.problem.setText(problem)
        self.ok.setEnabled(not problem)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Folder for the catalog"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    def _accept(self) -> None:
        self._update()
        if not self.ok.isEnabled():
            return
        self.choice = COMPANY if self.company.isChecked() else DEMO
        self.path = self._company_file() if self.choice == COMPANY else None
        self.accept()
