"""Deals and ledgers screens (standalone widgets, each built from ``(conn, library)``)."""

from workbench.ui.deals.widgets import DealEditorWidget, DealsListWidget, LedgerWidget

__all__ = ["DealEditorWidget", "DealsListWidget", "LedgerWidget"]
