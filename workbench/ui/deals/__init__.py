"""Deals and ledgers screens: standalone widgets, each given the app's one ``DealService`` and task
runner (never building their own), and the Session whose ``dataChanged`` notices make them
refresh together after every save (deals_tabs puts them in the main window)."""

from workbench.ui.deals.deals_list import DealsListWidget
from workbench.ui.deals.editor import DealEditorWidget
from workbench.ui.deals.ledger_view import LedgerWidget

__all__ = ["DealEditorWidget", "DealsListWidget", "LedgerWidget"]
