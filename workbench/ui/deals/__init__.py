"""Deals and ledgers screens (standalone widgets, each built from ``(conn, library)`` so the main
window can add them as tabs; pass one shared ``DealService`` as ``service`` to make them refresh
together after every save)."""

from workbench.ui.deals.deals_list import DealsListWidget
from workbench.ui.deals.editor import DealEditorWidget
from workbench.ui.deals.ledger_view import LedgerWidget

__all__ = ["DealEditorWidget", "DealsListWidget", "LedgerWidget"]
