"""Tabs other than the catalog are built when first shown (issue 4, start-up time), and a tab
built late catches up with the session: the selected product, the current classification, the
"near a line" setting."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings  # noqa: E402

from test_ui_support import close_gui, gui, make_gui  # noqa: E402,F401
from workbench.ui.shell.main_window import TABS  # noqa: E402


def _tab(window, name):
    return window.tabs.widget(TABS.index(name))


def test_only_the_catalog_tab_is_built_at_start(gui):
    from workbench.ui.catalog.catalog_view import CatalogView

    w = gui.window
    assert isinstance(_tab(w, "catalog"), CatalogView)
    for name in TABS[1:]:
        assert type(_tab(w, name)).__name__ == "QWidget", name  # an empty placeholder
        assert w.tabs.tabText(TABS.index(name))  # with its title


def test_a_tab_is_built_when_first_selected_and_shows_its_content(gui, qtbot):
    from workbench.ui.deals.ledger_view import LedgerWidget
    from workbench.ui.deals.deals_tabs import DealsTab

    w = gui.window
    w.tabs.setCurrentIndex(TABS.index("ledgers"))  # as a click on the tab or Ctrl+9 does
    assert isinstance(w.tabs.currentWidget(), LedgerWidget) and w.tabs.currentIndex() == TABS.index("ledgers")
    assert isinstance(_tab(w, "deals"), DealsTab)  # built together: one deal service
    assert w.tabs.tabText(TABS.index("ledgers")) == "Ledgers"
    assert w.ledgers.isVisible() and w.ledgers.regime.currentData() == "us-ai-diffusion-2025-01"
    assert w.ledgers.us_part.count() == len(gui.session.snapshot)  # the catalog's products, to record shipments
    assert w.ledgers.service is w.deals.service
    assert w.tabs.count() == len(TABS)


def test_a_late_product_tab_shows_the_product_selected_before(gui, qtbot):
    w = gui.window
    gui.session.select_product("AMD-MI210-64GB")
    assert type(_tab(w, "product")).__name__ == "QWidget"
    w.show_tab("product")
    assert w.tabs.currentWidget() is w.product
    assert "AMD-MI210-64GB" in w.product.title.text()
    assert w.product.dets.topLevelItemCount() == len(gui.services.regimes())


def test_a_late_map_draws_the_current_classification(gui, qtbot):
    w = gui.window
    assert gui.session.current is not None
    w.show_tab("map")
    qtbot.waitUntil(lambda: w.map.canvas.cls is gui.session.current, timeout=5000)
    assert len(w.map.canvas.parts) == len(gui.session.snapshot)


def test_a_late_proximity_tab_uses_the_remembered_percentage(tmp_path, qtbot):
    QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat).setValue("near_pct", 4.5)
    g = make_gui(tmp_path, qtbot)
    try:
        assert g.window.catalog.near_pct.value() == 4.5
        g.window.show_tab("proximity")
        assert g.window.proximity.pct.value() == 4.5
    finally:
        close_gui(g)
