"""Issue 4, Chinese UI: the deals and ledger widgets are translated, every tr() literal of theirs
has a translation in the .ts (and no visible literal bypasses tr()), the .ts compiles with lrelease
as the app compiles it, and the first ledger build runs on a worker thread behind a busy bar."""

from __future__ import annotations

import ast
import re
import threading
from datetime import date
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from deals_helpers import H100, make_deal  # noqa: E402
from test_ui_support import close_gui, make_gui  # noqa: E402
from workbench.services.catalog import open_catalog  # noqa: E402
from workbench.services.deals import DealService  # noqa: E402
from workbench.ui.deals import LedgerWidget  # noqa: E402
from workbench.ui.shell.tasks import TaskRunner  # noqa: E402
from workbench.ui.deals.models import DealsTableModel, LedgerTableModel  # noqa: E402
from workbench.ui.support.i18n import CONTEXT, compile_ts, find_lrelease, read_ts, ts_path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEALS_SOURCES = sorted((ROOT / "workbench" / "ui" / "deals").glob("*.py"))


@pytest.fixture
def zh_gui(tmp_path, qtbot):
    g = make_gui(tmp_path, qtbot, lang="zh")
    yield g
    close_gui(g)


def test_deals_and_ledger_tabs_in_chinese(zh_gui, qtbot):
    w = zh_gui.window
    header = w.deals.list.model.headerData
    h = [header(c, _horizontal()) for c in range(w.deals.list.model.columnCount())]
    assert h[DealsTableModel.REF] == "编号" and h[DealsTableModel.REVIEW] == "审查政策"
    assert h[DealsTableModel.EXCEPTIONS] == "可适用的许可例外" and h[DealsTableModel.END_USER] == "最终用户"
    assert w.ledgers.model.headerData(LedgerTableModel.TITLE, _horizontal()) == "额度台账"
    assert w.deals.editor.save_button.text() == "保存交易" and w.deals.list.cancel_button.text() == "取消交易"
    saved, _ = w.deals.service.save(make_deal("ZH-1", date(2025, 3, 3), ((H100, 1000, "25000.00"),),
                                              authorization="LPP"))
    row = next(r for r in range(w.deals.list.model.rowCount()) if w.deals.list.model.rows[r].deal.id == saved.id)
    cell = lambda c: w.deals.list.model.index(row, c).data()  # noqa: E731
    assert cell(DealsTableModel.STATUS) == "已筛查"
    w.deals.list.dealActivated.emit(saved.id)
    text = w.deals.editor.determination.toPlainText()
    assert text.startswith("us-ear-2024-12-hbm: 无需许可证\n交易总处理性能 (TPP) 合计：15,832,000 TPP")
    assert "3A090.a.1，因为总处理性能 (TPP) 15,832 ≥ 4,800；出口至 MY 无需许可证" in text
    ledger = w.ledgers
    ledger.regime.setCurrentIndex(ledger.regime.findData("us-ai-diffusion-2025-01"))
    qtbot.waitUntil(lambda: not ledger.is_busy and ledger.model.rowCount() > 0, timeout=30000)
    titles = [ledger.model.index(r, LedgerTableModel.TITLE).data() for r in range(ledger.model.rowCount())]
    assert any(t.startswith("许可例外 LPP，收货人") for t in titles), titles
    bars = [ledger.model.index(r, LedgerTableModel.BAR).data() for r in range(ledger.model.rowCount())]
    assert "已用 58.8%" in bars


def _horizontal():
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


# --- the .ts covers the deals widgets --------------------------------------------------------------
def _literals(path: Path, names=("tr", "tr_noop")) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in names and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant):  # tr(variable) shows a value marked with tr_noop elsewhere
                out.append(arg.value)
    return out


def test_every_deals_tr_literal_has_a_chinese_translation():
    table = read_ts(ts_path("zh"))
    sources = {s for p in DEALS_SOURCES for s in _literals(p)}
    assert len(sources) > 80  # the scan found the widgets' strings
    missing = sorted(s for s in sources if not table.get((CONTEXT, s)))
    assert missing == []


VISIBLE = {"QLabel", "QPushButton", "QCheckBox", "QGroupBox", "addRow", "setText", "setPlaceholderText",
           "setHorizontalHeaderLabels", "addItem", "addItems", "setWindowTitle", "setToolTip"}


def test_no_visible_literal_in_the_deals_widgets_bypasses_tr():
    """A bare English literal handed to a label, button, header or message is a regression."""
    bad = []
    for path in DEALS_SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in VISIBLE:
                continue
            args = node.args[0].elts if isinstance(node.args[0], (ast.List, ast.Tuple)) else [node.args[0]]
            for arg in args:
                if isinstance(arg, (ast.Constant, ast.JoinedStr)) and re.search(r"[A-Za-z]{3}", ast.unparse(arg)) \
                        and ast.unparse(arg).strip("'\"") not in ("ISO2", "LPP", "LPP-500", "NAC", "ACA", "AIA"):
                    bad.append(f"{path.name}:{node.lineno}: {ast.unparse(arg)}")
    assert bad == []


@pytest.mark.skipif(find_lrelease() is None, reason="no lrelease tool installed")
def test_the_ts_compiles_with_lrelease_as_the_app_does(tmp_path):
    from PySide6.QtCore import QTranslator

    qm = compile_ts(ts_path("zh"), tmp_path)
    assert qm is not None and qm.stat().st_size > 0
    translator = QTranslator()
    assert translator.load(str(qm))
    assert translator.translate(CONTEXT, "Ledger") == "额度台账"
    assert translator.translate(CONTEXT, " — over by %1") == " — 超出 %1"  # leading space kept


# --- the first ledger build is off the UI thread -----------------------------------------------------
def test_first_ledger_build_runs_on_a_worker_behind_a_busy_bar(qtbot, tmp_path, library, monkeypatch):
    conn = open_catalog(tmp_path / "c.db")
    try:
        DealService(conn, library).save(make_deal("A", date(2025, 3, 3), ((H100, 1000, "25000.00"),),
                                                  authorization="LPP"))
        threads = []
        original = DealService.built_book

        def recording(self, regime_id):
            threads.append(threading.current_thread())
            return original(self, regime_id)

        monkeypatch.setattr(DealService, "built_book", recording)
        service = DealService(conn, library)  # nothing built yet: the widget's first read is the slow one
        ledger = None
        ledger = LedgerWidget(service, TaskRunner(max_threads=1))
        qtbot.addWidget(ledger)
        assert ledger.is_busy and not ledger.busy.isHidden() and not ledger.view.isEnabled()
        assert ledger.model.rowCount() == 0 and "us-ai-diffusion-2025-01" in ledger.summary.text()
        with qtbot.waitSignal(ledger.shown, timeout=30000):
            pass
        assert threads and threads[0] is not threading.main_thread()
        assert not ledger.is_busy and ledger.busy.isHidden() and ledger.view.isEnabled()
        assert service.has_book("us-ai-diffusion-2025-01")  # adopted: later reads are incremental
        (lpp,) = [lg for lg in ledger.model.ledgers if lg.kind == "lpp"]
        assert lpp.used == 15_832_000
    finally:
        if ledger is not None:
            ledger.runner.wait()
        conn.close()


def test_a_book_built_before_a_save_is_not_adopted(tmp_path, library):
    conn = open_catalog(tmp_path / "c.db")
    try:
        service = DealService(conn, library)
        other = DealService(conn, library)
        built = other.built_book("us-ai-diffusion-2025-01")
        writes = service.writes
        service.save(make_deal("B", date(2025, 3, 3), ((H100, 10, "25000.00"),), authorization="LPP"))
        service.refresh()
        assert not service.adopt_book(built, writes)
        fresh = DealService(conn, library)
        assert fresh.adopt_book(DealService(conn, library).built_book("us-ai-diffusion-2025-01"), fresh.writes)
        assert [lg.used for lg in fresh.ledgers("us-ai-diffusion-2025-01") if lg.kind == "lpp"] == [158_320]
    finally:
        conn.close()


def test_limit_flags_read_in_chinese_and_stay_the_engines_words_in_english(monkeypatch):
    from decimal import Decimal

    from workbench.engine.ledgers import LimitFlag
    from workbench.ui.support import i18n
    from workbench.ui.deals.deal_text import flag_text

    over = LimitFlag("us-ai-diffusion-2025-01", "lpp", "LPP|consignee sdn bhd|MY|2025",
                     "Licence Exception LPP, consignee sdn bhd (MY), 2025", Decimal(26_900_000), Decimal(15_832_000),
                     Decimal(15_832_000), "TPP", "unverified")
    unchecked = LimitFlag("us-h200-2026-01", "h200_share", "NVIDIA-H200-SXM-141GB", "H200 window: NVIDIA-H200-SXM-141GB",
                          None, Decimal(0), Decimal(300), "units", "secondary")
    nac = LimitFlag("us-ear-2023-10", "nac", "NAC-AE-7", "NAC notified 2025-03-01: export on 2025-03-10 is 16 days "
                    "before the review period ends (2025-03-26)", Decimal(25), Decimal(9), Decimal(0), "days", "primary")
    english = [flag_text(f) for f in (over, unchecked, nac)]
    assert english == [str(over), str(unchecked), str(nac)]
    monkeypatch.setitem(i18n._CURRENT, "lang", "zh")
    zh_over, zh_unchecked, zh_nac = (flag_text(f) for f in (over, unchecked, nac))
    assert zh_over.startswith("us-ai-diffusion-2025-01：许可例外 LPP，收货人“consignee sdn bhd”（MY），2025 年：")
    assert "本交易的 15,832,000 TPP 超出剩余额度（11,068,000 / 26,900,000 TPP），超出 4,764,000" in zh_over
    assert "无法核对（本交易 300 units）" in zh_unchecked
    assert zh_nac.startswith("us-ear-2023-10：NAC 已于 2025-03-01 通知：2025-03-10 出口比审查期结束（2025-03-26）早 16 天")
    assert not any(word in text for text in (zh_over, zh_unchecked, zh_nac) for word in ("exceeds", "cannot be checked",
                                                                                         "notified"))


def test_a_deals_country_group_lines_read_in_chinese():
    from workbench.ui.deals.deal_text import place_text

    assert place_text("Destination MY: Tier 2") == "目的地 MY：第二级国家"
    assert place_text("End user headquartered in CN: D:1, D:3, D:4, D:5, Tier 3") == \
        "最终用户总部位于 CN：D:1、D:3、D:4、D:5、第三级国家"
    assert place_text("Ultimate parent headquartered in MO: D:5, Macau") == "最终母公司总部位于 MO：D:5、澳门"
    assert place_text("Destination ZZ: unknown country code") == "目的地 ZZ：未知国家代码"


def test_every_country_group_line_the_engine_writes_is_translated(library):
    """The lines come from engine.deals._places; if their wording changes, place_text must follow."""
    from workbench.engine.deals import _places
    from workbench.ui.deals.deal_text import place_text

    deal = make_deal(destination="MY", end_user_hq="CN", parent_hq="MO", day=date(2025, 3, 3))
    lines = _places(deal, library.countries)
    assert len(lines) == 3
    for line in lines:
        text = place_text(line)
        assert not any(word in text for word in ("Destination", "headquartered", "Tier", "Macau", "group")), text
