"""Small shared widgets: the regime and destination pickers."""

from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import QComboBox

from workbench.engine import CountryTable, LoadedRegime
from workbench.ui.classify import regime_label
from workbench.ui.i18n import current_language, tr


def destination_combo(countries: CountryTable, selected: Optional[str] = "CN") -> QComboBox:
    combo = QComboBox()
    combo.addItem(tr("(no destination)"), None)
    zh = current_language() == "zh"
    for code in sorted(c.iso2 if hasattr(c, "iso2") else c for c in countries):
        country = countries.get(code)
        combo.addItem(f"{code}  {country.name_zh if zh else country.name_en}", code)
    combo.setCurrentIndex(max(combo.findData(selected), 0) if selected else 0)
    combo.setMaxVisibleItems(20)
    return combo


def regime_key(regime: LoadedRegime) -> str:
    """Combo item data for a regime: drafts and real regimes never share a key."""
    return f"{'draft' if regime.draft else 'real'}:{regime.id}"


def split_key(key: str) -> tuple[str, bool]:
    kind, _, rid = key.partition(":")
    return rid, kind == "draft"


def fill_regime_combo(combo: QComboBox, regimes: list[LoadedRegime], selected: Optional[LoadedRegime]) -> None:
    combo.blockSignals(True)
    combo.clear()
    for r in regimes:
        combo.addItem(regime_label(r), regime_key(r))
        combo.setItemData(combo.count() - 1, r.regime.title, 3)  # Qt.ToolTipRole
    if selected is not None:
        combo.setCurrentIndex(max(combo.findData(regime_key(selected)), 0))
    combo.blockSignals(False)
