"""Small pieces the deals screens share: the regime chooser, date conversion, country-code fields."""

from __future__ import annotations

from datetime import date
from typing import Optional

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QLineEdit

from workbench.services.regimes import RegimeLibrary

ENFORCED_ON_DATE = "enforced on the deal date"


def regime_combo(library: RegimeLibrary, first: Optional[str] = None) -> QComboBox:
    combo = QComboBox()
    if first:
        combo.addItem(first, None)
    for r in library.regimes:
        label = f"{r.id} ({r.regime.status}{'' if r.regime.enforced else ', not enforced'})"
        combo.addItem(label, r.id)
    return combo


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def code_box() -> QLineEdit:
    """A two-letter country code field that upper-cases what is typed."""
    box = QLineEdit()
    box.setMaxLength(2)
    box.setMaximumWidth(80)
    box.textEdited.connect(lambda text, b=box: b.setText(text.upper()) if text != text.upper() else None)
    return box
