"""Small shared widgets: the regime and destination pickers.

Until the engine is loaded (the catalog is painted first, so the window is usable at once) the main window's pickers
hold one disabled item naming the selection (:func:`placeholder_combo`); they are filled when
the selected regime is loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtWidgets import QComboBox

from workbench.services.catalog_column import regime_label
from workbench.ui.support.i18n import current_language, tr

if TYPE_CHECKING:
    from workbench.engine import CountryTable, LoadedRegime


def destination_combo(countries: Optional[CountryTable], selected: Optional[str] = "CN") -> QComboBox:
    """The destination picker; with ``countries`` None, a disabled placeholder showing ``selected``."""
    combo = QComboBox()
    combo.setMaxVisibleItems(20)
    if countries is None:
        placeholder_combo(combo, selected or tr("(no destination)"), selected)
    else:
        fill_destination_combo(combo, countries, selected)
    return combo


def fill_destination_combo(combo: QComboBox, countries: CountryTable, selected: Optional[str]) -> None:
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(tr("(no destination)"), None)
    zh = current_language() == "zh"
    for code in sorted(c.iso2 if hasattr(c, "iso2") else c for c in countries):
        country = countries.get(code)
        combo.addItem(f"{code}  {country.name_zh if zh else country.name_en}", code)
    combo.setCurrentIndex(max(combo.findData(selected), 0) if selected else 0)
    combo.setEnabled(True)
    combo.blockSignals(False)


def placeholder_combo(combo: QComboBox, text: str, data: Optional[str]) -> None:
    """One disabled item: the selection shown while the list behind it is being loaded."""
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(text, data)
    combo.setEnabled(False)
    combo.blockSignals(False)


def regime_key(regime: LoadedRegime) -> str:
    """Combo item data for a regime: drafts and real regimes never share a key."""
    return f"{'draft' if regime.draft else 'real'}:{regime.id}"


def regime_label_of(regime_id: str, library) -> str:
    """What :func:`regime_label` shows for a bundled regime, from its id alone (nothing loaded)."""
    return f"{regime_id} (modified)" if library.is_modified(regime_id) else regime_id


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
