"""Small pieces the deals screens share: the regime chooser, date conversion, country-code fields."""

from __future__ import annotations

from datetime import date
from typing import Optional

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QLineEdit

from workbench.services.regimes import RegimeLibrary
from workbench.ui.support import engine_text as et
from workbench.ui.support.i18n import tr, tr_noop

ENFORCED_ON_DATE = tr_noop("enforced on the deal date")
DEAL_STATUS = {"draft": tr_noop("draft"), "screened": tr_noop("screened"), "licensed": tr_noop("licensed"),
               "shipped": tr_noop("shipped"), "cancelled": tr_noop("cancelled")}


def regime_combo(library: RegimeLibrary, first: Optional[str] = None) -> QComboBox:
    """Regimes by id with their status; ``first`` (untranslated, shown through tr()) is an extra
    first item whose data is None."""
    combo = QComboBox()
    if first:
        combo.addItem(tr(first), None)
    for r in library.regimes:
        label = f"{r.id} ({et.status(r.regime.status)}{'' if r.regime.enforced else tr(', not enforced')})"
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
