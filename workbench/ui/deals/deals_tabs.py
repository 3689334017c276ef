"""In the main window: the Deals tab (the deals list above the deal editor) and the Ledgers tab,
built from workbench.ui.deals over the app's one DealService (services.deals) and the app's task
runner. A save announces itself on the app's change publisher, so the list and the ledgers
refresh together (Session.dataChanged)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from workbench.clock import SYSTEM_CLOCK, Clock
from workbench.services.deals import DealService
from workbench.ui.deals import DealEditorWidget, DealsListWidget, LedgerWidget
from workbench.ui.shell.tasks import TaskRunner


class DealsTab(QWidget):
    """The deals list on top, the editor below; double-clicking a deal opens it in the editor."""

    def __init__(self, service: DealService, runner: TaskRunner, notices=None, parent=None,
                 clock: Clock = SYSTEM_CLOCK):
        super().__init__(parent)
        self.service = service
        self.list = DealsListWidget(service, runner, notices)
        self.editor = DealEditorWidget(service, clock=clock)
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


def deals_tabs(session, runner: TaskRunner) -> tuple[DealsTab, LedgerWidget]:
    """The Deals and Ledgers tabs over the app's DealService, refreshing on the session's notices."""
    services = session.services
    service = services.deals
    return (DealsTab(service, runner, session, clock=services.clock),
            LedgerWidget(service, runner, session, clock=services.clock))
