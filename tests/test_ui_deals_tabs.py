"""Issue 8 in the main window: the Deals tab (list + editor) and the Ledgers tab share one
DealService, so a deal saved through it appears in the list and opens in the editor."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from deals_helpers import make_deal  # noqa: E402
from test_ui_support import close_gui, gui, make_gui  # noqa: E402,F401
from workbench.ui.deals import DealEditorWidget, DealsListWidget, LedgerWidget  # noqa: E402


def test_deals_and_ledgers_tabs_show_an_added_deal(gui, qtbot):
    w = gui.window
    titles = [w.tabs.tabText(i) for i in range(w.tabs.count())]
    assert "Deals" in titles and "Ledgers" in titles
    w.show_tab("deals")
    assert w.tabs.currentWidget() is w.deals and w.tabs.tabText(w.tabs.currentIndex()) == "Deals"
    w.show_tab("ledgers")
    assert isinstance(w.tabs.currentWidget(), LedgerWidget)
    assert isinstance(w.deals.list, DealsListWidget) and isinstance(w.deals.editor, DealEditorWidget)
    before = w.deals.list.model.rowCount()
    saved, _flags = w.deals.service.save(make_deal("GUI-DEAL-1", authorization="LPP"))
    model = w.deals.list.model
    assert model.rowCount() == before + 1
    assert any(r.deal.reference == "GUI-DEAL-1" for r in model.rows)
    w.deals.list.dealActivated.emit(saved.id)  # what a double-click on the row sends
    assert w.deals.editor.reference.text() == "GUI-DEAL-1"
    assert w.ledgers.service is w.deals.service
