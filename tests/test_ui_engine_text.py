"""Issue 4, Chinese UI: engine output (sentences, criterion labels, comparison cells,
classifications) is rendered in Chinese with the glossary's terms (the memo's table) while the
engine stays language-neutral; English stays the engine's own wording."""

from __future__ import annotations

from datetime import date

import re

import pytest

pytest.importorskip("pytestqt")

from deals_helpers import H100, H200  # noqa: E402
from test_ui_support import close_gui, gui, make_gui  # noqa: E402,F401
from workbench.engine import determine  # noqa: E402
from workbench.engine.compare import position  # noqa: E402
from workbench.services.catalog import open_catalog  # noqa: E402
from workbench.store.products import load_specs  # noqa: E402
from workbench.ui.support import engine_text as et  # noqa: E402

ENGLISH_WORDS = re.compile(r"licen[cs]e|presumption|case by case|indeterminate|because|nearest|missing|not 3A090|"
                           r"no control|eligible", re.IGNORECASE)

# The day the engine reads regimes on when a test gives no date (never the wall clock).
TODAY = date(2026, 12, 1)


@pytest.fixture
def zh_gui(tmp_path, qtbot):
    g = make_gui(tmp_path, qtbot, lang="zh")
    yield g
    close_gui(g)


@pytest.fixture(scope="module")
def specs(tmp_path_factory):
    conn = open_catalog(tmp_path_factory.mktemp("zh") / "c.db")
    try:
        yield {s.part_number: s for s in load_specs(conn)}
    finally:
        conn.close()


# --- engine text --------------------------------------------------------------------------------
def test_chinese_sentence_uses_glossary_terms_and_keeps_citations(specs, library):
    det = determine(specs[H100], library.get("us-ear-2023-10"), library.countries, "CN", today=TODAY)
    zh = et.sentence(det, lang="zh")
    assert zh.startswith("3A090.a.1，因为总处理性能 (TPP) 15,832 ≥ 4,800")
    assert "出口至 CN 需要许可证，审查政策：推定拒绝" in zh
    assert et.sentence(det, lang="en") == det.explanation == (
        "3A090.a.1 because TPP 15,832 ≥ 4,800; licence required for CN, presumption of denial")
    h200 = determine(specs[H200], library.get("us-h200-2026-01"), library.countries, "CN", today=TODAY)
    assert "审查政策：逐案审查" in et.sentence(h200, lang="zh")
    assert et.position(position(h200), "zh") == "3A090.a.1 / 需要许可证（逐案审查）"
    assert et.position(position(h200), "en") == "3A090.a.1 / licence (case by case)"


def test_every_position_and_sentence_of_the_catalog_reads_chinese(specs, library):
    """Guards the parsing of engine.compare.position and the sentence builder against drift: no
    English word of the engine's wording survives, whatever the product, regime or destination."""
    seen = set()
    for spec in specs.values():
        for loaded in library.regimes:
            for dest in ("CN", "MY", None):
                det = determine(spec, loaded, library.countries, dest, today=TODAY)
                pos = position(det)
                zh_pos, zh = et.position(pos, "zh"), et.sentence(det, lang="zh")
                assert not ENGLISH_WORDS.search(zh_pos.replace("foundry presumption", "")), (pos, zh_pos)
                assert not ENGLISH_WORDS.search(zh.replace("foundry presumption", "")), (det.explanation, zh)
                seen.add(det.classification if det.classification == "indeterminate" else det.controlled)
                for c in det.criteria:
                    assert et.result(c.result, "zh") in ("满足", "不满足", "无法判定")
    assert seen == {True, False, "indeterminate"}
    assert et.classification("not 3A090/4A090", "zh") == "不受 3A090/4A090 管制"
    assert et.classification("indeterminate", "zh") == "无法判定"


# --- the window in Chinese and in English -------------------------------------------------------
def _product_texts(window) -> tuple[str, list[list[str]]]:
    tree = window.product.dets
    rows = []
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        rows.append([top.text(c) for c in range(3)])
        rows += [[top.child(k).text(c) for c in range(3)] for k in range(top.childCount())]
    return window.product.sentences.text(), rows


def test_product_view_and_comparison_in_chinese(zh_gui, qtbot):
    w = zh_gui.window
    zh_gui.session.select_product(H100)
    text, rows = _product_texts(w)
    assert "<b>us-ear-2023-10</b>: 3A090.a.1，因为总处理性能 (TPP) 15,832 ≥ 4,800；出口至 CN 需要许可证，审查政策：推定拒绝" in text
    assert "逐案审查" in text and "because" not in text and "licence" not in text
    assert ["3a090-a-1: 满足", "总处理性能 (TPP)", "15,832"] in rows
    fields = [w.product.specs.item(r, 0).text() for r in range(w.product.specs.rowCount())]
    assert "适用芯片面积 (mm²)" in fields and "die_area_mm2" not in fields
    with qtbot.waitSignal(w.compare.compared, timeout=60000):
        w.compare.run()
    model = w.compare.model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == H100)
    assert model.index(row, 2).data() == "3A090.a.1 / 需要许可证（推定拒绝）"  # us-ear-2023-10 to CN
    # us-h200-2026-01: the one licence position, with the demo catalog's sample letter that binds the H100
    assert model.index(row, 3).data() == "3A090.a.1 / 需要许可证（告知函 SAMPLE-BIS-2025-04-09-H20）（逐案审查）"
    assert w.compare.counts.rowCount() > 0 and "需要许可证" in w.compare.counts.item(0, 1).text()


def test_product_view_and_comparison_stay_english(gui, qtbot):
    w = gui.window
    gui.session.select_product(H100)
    text, rows = _product_texts(w)
    assert "<b>us-ear-2023-10</b>: 3A090.a.1 because TPP 15,832 ≥ 4,800; licence required for CN, presumption of denial" in text
    assert any(r[0] == "3a090-a-1: met" and r[1].startswith("Total processing performance") and r[2] == "15,832"
               for r in rows)
    with qtbot.waitSignal(w.compare.compared, timeout=60000):
        w.compare.run()
    model = w.compare.model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == H100)
    assert model.index(row, 2).data() == "3A090.a.1 / licence required (presumption of denial)"
