"""Deals widgets driven with qtbot: models pass qtmodeltester, the editor's determination and
flags follow every edit, saving is refused over a limit unless the officer ticks the box, and the
ledger bars and the list refresh through the shared service."""

from __future__ import annotations

from datetime import date

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QDate, QObject, Qt, Signal  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from deals_helpers import H100, H200, make_deal  # noqa: E402
from workbench.services.catalog import open_catalog  # noqa: E402
from workbench.services.changes import ChangePublisher  # noqa: E402
from workbench.services.deals import DealService  # noqa: E402
from workbench.ui.deals import DealEditorWidget, DealsListWidget, LedgerWidget  # noqa: E402
from workbench.ui.deals.models import SHARE_ROLE, LedgerTableModel  # noqa: E402
from workbench.ui.shell.tasks import TaskRunner  # noqa: E402

DIFFUSION = "us-ai-diffusion-2025-01"


class Notices(QObject):
    """What the deal screens use of the app's Session: the change publisher's notices as one signal."""

    dataChanged = Signal(str, object)

    def __init__(self, changes: ChangePublisher):
        super().__init__()
        changes.subscribe(lambda topic, keys: self.dataChanged.emit(topic, keys))


_RUNNERS: list = []
_NOTICES: dict = {}


def shared(service):
    """The app's one task runner and the session's notices, as the main window passes them."""
    if id(service) not in _NOTICES:
        _NOTICES[id(service)] = (TaskRunner(max_threads=1), Notices(service.changes))
        _RUNNERS.append(_NOTICES[id(service)][0])
    return _NOTICES[id(service)]


@pytest.fixture
def env(tmp_path, library):
    conn = open_catalog(tmp_path / "c.db")
    service = DealService(conn, library, changes=ChangePublisher())
    yield conn, library, service
    for runner in _RUNNERS:
        runner.wait()
    _RUNNERS.clear()
    _NOTICES.clear()
    conn.close()


def lpp(ref, units, day=date(2025, 3, 3)):
    return make_deal(ref, day, ((H100, units, "25000.00"),), authorization="LPP")


def test_models_pass_qtmodeltester(qtmodeltester, qtbot, env):
    conn, library, service = env
    service.save(lpp("A", 1000))
    service.save(make_deal("B", date(2026, 2, 2), ((H200, 3, "30000.00"),), destination="CN", status="draft"))
    deals = DealsListWidget(service, *shared(service))
    ledgers = LedgerWidget(service, *shared(service))
    qtbot.addWidget(deals)
    qtbot.addWidget(ledgers)
    assert deals.model.rowCount() == 2
    qtmodeltester.check(deals.model)
    qtmodeltester.check(ledgers.model)
    assert ledgers.model.rowCount() >= 1


def test_widgets_work_over_the_service_they_are_given(qtbot, env):
    conn, library, service = env
    runner = TaskRunner(max_threads=1)
    for widget in (DealsListWidget(service, runner), DealEditorWidget(service), LedgerWidget(service, runner)):
        qtbot.addWidget(widget)  # no notices: a standalone screen refreshes when asked
        assert widget.service is service and widget.service.conn is conn
    runner.wait()


def _fill(qtbot, editor: DealEditorWidget, units: int, auth: str = "LPP") -> None:
    qtbot.keyClicks(editor.reference, "E-1")
    editor.deal_date.setDate(QDate(2025, 3, 3))
    qtbot.keyClicks(editor.exporter, "Acme Exports Inc")
    qtbot.keyClicks(editor.party["consignee_name"], "Consignee Sdn Bhd")
    qtbot.keyClicks(editor.party["consignee_country"], "my")  # typed lower case, shown upper case
    qtbot.keyClicks(editor.party["end_user_name"], "End User Ltd")
    qtbot.keyClicks(editor.party["end_user_country"], "MY")
    qtbot.keyClicks(editor.destination, "MY")
    editor.authorization.setCurrentText(auth)
    editor.regime.setCurrentIndex(editor.regime.findData(DIFFUSION))
    editor.add_line(H100, units, "25000.00")


def test_editor_live_determination_and_flags(qtbot, env):
    """1,699 H100 = 26,898,568 TPP fits the LPP limit of 26,900,000; the 1,700th unit (26,914,400)
    is flagged 14,400 TPP over, and the text follows each edit."""
    conn, library, service = env
    editor = DealEditorWidget(service)
    qtbot.addWidget(editor)
    assert "Incomplete deal" in editor.determination.toPlainText()
    assert not editor.save_button.isEnabled()
    _fill(qtbot, editor, 1699)
    assert editor.party["consignee_country"].text() == "MY"
    text = editor.determination.toPlainText()
    assert "us-ai-diffusion-2025-01: licence required; presumption of approval; eligible: LPP" in text
    assert "Deal TPP total: 26,898,568 TPP" in text
    assert editor.flags == [] and "Within every limit checked" in editor.flag_label.text()
    spin = editor.lines.cellWidget(0, editor.LINE_QTY)
    with qtbot.waitSignal(editor.evaluated, timeout=2000):
        spin.setValue(1700)
    assert "26,914,400 TPP" in editor.determination.toPlainText()
    (flag,) = editor.flags
    assert flag.kind == "lpp" and flag.over_by == 14_400
    assert "by 14,400" in editor.flag_label.text()
    # A bad unit value is reported, not raised.
    editor.lines.item(0, editor.LINE_VALUE).setText("abc")
    assert "unit value 'abc' is not an amount" in editor.determination.toPlainText()
    assert not editor.save_button.isEnabled()


def test_editor_refuses_over_limit_unless_ticked_and_list_refreshes(qtbot, env):
    conn, library, service = env
    listing = DealsListWidget(service, *shared(service))
    editor = DealEditorWidget(service)
    qtbot.addWidget(listing)
    qtbot.addWidget(editor)
    _fill(qtbot, editor, 1700)
    editor.status.setCurrentText("licensed")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert service.deals() == [] and editor.flag_label.text().startswith("Not saved:")
    editor.allow_over.setChecked(True)
    with qtbot.waitSignal(editor.saved, timeout=2000) as blocker:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    (deal,) = service.deals()
    assert blocker.args == [deal.id] and deal.lines[0].quantity == 1700
    assert listing.model.rowCount() == 1 and listing.model.rows[0].deal.reference == "E-1"
    # Editing the saved deal replaces it instead of adding a second one.
    editor.load(service.get(deal.id))
    editor.lines.cellWidget(0, editor.LINE_QTY).setValue(10)
    editor.allow_over.setChecked(False)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert [d.lines[0].quantity for d in service.deals()] == [10]


def test_ledger_bars_follow_saves_and_cancels(qtbot, env, monkeypatch):
    """1,000 H100 = 15,832,000 of 26,900,000 TPP: 588 permille (58.8%), 11,068,000 left.
    Cancelling the deal from the list empties the ledger."""
    conn, library, service = env
    ledger = LedgerWidget(service, *shared(service))
    listing = DealsListWidget(service, *shared(service))
    qtbot.addWidget(ledger)
    qtbot.addWidget(listing)
    ledger.regime.setCurrentIndex(ledger.regime.findData(DIFFUSION))
    assert ledger.model.rowCount() == 0
    service.save(lpp("A", 1000))
    rows = {ledger.model.ledgers[r].kind: r for r in range(ledger.model.rowCount())}
    lpp_row = rows["lpp"]
    index = ledger.model.index(lpp_row, LedgerTableModel.BAR)
    assert index.data(SHARE_ROLE) == 588 and index.data() == "58.8% used"
    assert ledger.model.index(lpp_row, LedgerTableModel.REMAINING).data() == "11,068,000"
    assert ledger.model.index(lpp_row, LedgerTableModel.CONFIDENCE).data() == "primary"
    ledger.year.setCurrentIndex(ledger.year.findData(2026))
    assert "lpp" not in {lg.kind for lg in ledger.model.ledgers}
    ledger.year.setCurrentIndex(0)
    listing.view.selectRow(0)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a: asked.append(a[2]) or QMessageBox.StandardButton.No)
    qtbot.mouseClick(listing.cancel_button, Qt.MouseButton.LeftButton)
    assert asked and "A" in asked[0] and service.deals()[0].status != "cancelled"  # asked first; "No" keeps it
    assert "lpp" in {lg.kind for lg in ledger.model.ledgers}
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(listing.cancel_button, Qt.MouseButton.LeftButton)
    assert service.deals()[0].status == "cancelled"
    assert ledger.model.rowCount() == 0


def test_ledger_shows_over_limit_in_red_bar(qtbot, env):
    """US shipments of the H200 500 units: cap 250. 300 to China is 120.0% and 50 over, in units and
    in cumulative TPP alike (one product: both readings of the 50 % condition agree)."""
    conn, library, service = env
    service.set_us_shipments(H200, 500)
    service.save(make_deal("C", date(2026, 2, 2), ((H200, 300, "30000.00"),), destination="CN",
                           consignee_country="CN"), allow_over_limit=True)
    ledger = LedgerWidget(service, *shared(service))
    qtbot.addWidget(ledger)
    ledger.regime.setCurrentIndex(ledger.regime.findData("us-h200-2026-01"))
    (row,) = [r for r in range(ledger.model.rowCount()) if ledger.model.ledgers[r].kind == "h200_share"]
    bar = ledger.model.index(row, LedgerTableModel.BAR)
    assert bar.data(SHARE_ROLE) == 1200 and bar.data() == "120.0% used — over by 50"
    assert "2 over the limit" in ledger.summary.text()
    ledger.resize(1200, 400)
    assert not ledger.grab().isNull()


def test_closed_widget_stops_listening(qtbot, env):
    conn, library, service = env
    ledger = LedgerWidget(service, *shared(service))
    refreshed = []
    real = ledger.refresh
    ledger.refresh = lambda *a: (refreshed.append(1), real(*a))
    service.changes.publish("deals")
    assert refreshed == [1]  # a notice reaches the live widget
    gone = []
    ledger.destroyed.connect(lambda *_: gone.append(1))
    ledger.deleteLater()
    qtbot.waitUntil(lambda: gone == [1], timeout=2000)
    service.save(lpp("A", 10))  # would raise if the deleted widget were still called


def test_editor_needs_names_to_save_and_new_deal_clears(qtbot, env):
    conn, library, service = env
    editor = DealEditorWidget(service)
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor.destination, "MY")
    editor.add_line(H100, 5, "25000.00")
    assert "Deal TPP total: 79,160 TPP" in editor.determination.toPlainText()  # 5 x 15,832, before any name
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert service.deals() == []
    assert editor.flag_label.text().startswith("Not saved: fill in reference, exporter, consignee name")
    editor.load(make_deal("L-1", lines=((H100, 1, "1.00"), (H200, 1, "2.00"))))
    assert editor.lines.rowCount() == 2 and "Deal TPP total: 31,664 TPP" in editor.determination.toPlainText()
    qtbot.mouseClick(editor.new_button, Qt.MouseButton.LeftButton)
    assert editor.deal_id is None and editor.lines.rowCount() == 0 and editor.reference.text() == ""
    assert "no lines" in editor.determination.toPlainText()


def test_ledger_view_enters_us_shipments_and_g2g(qtbot, env):
    """US shipments 600 -> cap 300: the 300 units to China fill it exactly (100.0%, no longer over).
    A g2g agreement for Malaysia doubles its Tier 2 allocation to 1,580,000,000 TPP."""
    conn, library, service = env
    service.save(make_deal("C", date(2026, 2, 2), ((H200, 300, "30000.00"),), destination="CN",
                           consignee_country="CN"), allow_over_limit=True)
    service.save(make_deal("M", date(2025, 6, 2), ((H100, 10, "25000.00"),)))
    ledger = LedgerWidget(service, *shared(service))
    qtbot.addWidget(ledger)
    ledger.regime.setCurrentIndex(ledger.regime.findData("us-h200-2026-01"))
    ledger.us_part.setCurrentText(H200)
    ledger.us_units.setValue(600)
    qtbot.mouseClick(ledger.us_set, Qt.MouseButton.LeftButton)
    (row,) = [r for r in range(ledger.model.rowCount()) if ledger.model.ledgers[r].kind == "h200_share"]
    assert ledger.model.index(row, LedgerTableModel.BAR).data() == "100.0% used"
    ledger.regime.setCurrentIndex(ledger.regime.findData(DIFFUSION))
    qtbot.keyClicks(ledger.g2g_country, "my")
    ledger.g2g_agreement.setChecked(True)
    qtbot.mouseClick(ledger.g2g_set, Qt.MouseButton.LeftButton)
    (tier2,) = [lg for lg in ledger.model.ledgers if lg.kind == "tier2"]
    assert tier2.meta.limit == 1_580_000_000
    assert service.settings().g2g_countries == {"MY"} and "recorded" in ledger.figures_message.text()


def test_many_deals_to_determine_go_to_a_worker_and_the_list_fills_when_it_ends(qtbot, env, monkeypatch):
    """The first showing of a large book determines every deal: off the UI thread, the list greyed
    out with a busy bar, then filled from the worker's determinations (adopted, not redone)."""
    import threading

    from workbench.services import deals as deals_service

    conn, library, service = env
    for i in range(5):
        service.save(lpp(f"W{i}", 10))
    service.refresh()  # forget the determinations the saves made, as on a fresh start
    monkeypatch.setattr(DealsListWidget, "SYNC_LIMIT", 2)
    threads = []
    real = deals_service.DealService.evaluations
    monkeypatch.setattr(deals_service.DealService, "evaluations",
                        lambda self, pairs: threads.append(threading.current_thread()) or real(self, pairs))
    listing = DealsListWidget(service, *shared(service))
    qtbot.addWidget(listing)
    assert listing.busy.isVisibleTo(listing) and not listing.view.isEnabled()
    assert listing.model.rowCount() == 0 and "5" in listing.count.text()
    qtbot.waitUntil(lambda: listing.model.rowCount() == 5, timeout=10000)
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert not listing.busy.isVisibleTo(listing) and listing.view.isEnabled()
    pairs = [(d, listing.service.enforced_on(d.deal_date)) for d in service.deals()]
    assert service.missing(pairs) == 0  # the UI thread's service took the worker's determinations
    assert listing.count.text() == "5 deals"
