"""Issue 8 in the main window: the Deals tab (the deals list above the deal editor) and the
Ledgers tab, built from workbench.ui.deals over one shared DealService on the UI thread's
catalog connection, so a save in the editor refreshes the list and the ledgers together."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from workbench.services.deals import DealService
from workbench.ui.deals import DealEditorWidget, DealsListWidget, LedgerWidget


class DealsTab(QWidget):
    """The deals list on top, the editor below; double-clicking a deal opens it in the editor."""

    def __init__(self, service: DealService, conn, library, parent=None, clock=None):
        super().__init__(parent)
        self.service = service
        self.list = DealsListWidget(conn, library, service)
        self.editor = DealEditorWidget(conn, library, service, **({"clock": clock} if clock is not None else {}))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.list)
        split.addWidget(self.editor)
        split.setSizes([300, 420])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.list.dealActivated.connect(self.open_deal)

    def open_deal(self, deal_id: int) -> None:
        deal = self.service.get(deal_id)
        if deal is not None:
            self.editor.load(deal)


def deals_tabs(services) -> tuple[DealsTab, LedgerWidget]:
    """The Deals and Ledgers tabs over one DealService (services.conn, services.library)."""
    service = DealService(services.conn, services.library)
    return (DealsTab(service, services.conn, services.library, clock=services.clock),
            LedgerWidget(services.conn, services.library, service, clock=services.clock))
