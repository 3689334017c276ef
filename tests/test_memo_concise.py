"""A concise memo by default: the regimes enforced on its date, the criteria that decided, history
only on request; and a Chinese memo with no English engine sentence."""

from __future__ import annotations

from datetime import date

import pytest

from report_helpers import H20, H100, fresh_catalog, pdf_text, squash
from workbench.engine.governance import enforced_on
from workbench.services.reports import write_memo

DAY = date(2026, 6, 15)
# The engine's own English sentences and labels (quoted rule text, ids and citations stay as written).
ENGLISH_ENGINE = ["No licence requirement of", "Licence required under letter", "licence required (letter",
                  "under review", "missing input", "Classification indeterminate", "is listed in the letter",
                  "not 3A090/4A090)", "not evaluated", "may apply", "no control paragraph met", "Only the criteria",
                  "part number listed"]


@pytest.fixture
def catalog(tmp_path):
    conn = fresh_catalog(tmp_path)
    yield conn
    conn.close()


def test_two_products_to_one_destination_fit_six_pages_in_both_languages(catalog, library, tmp_path):
    enforced = [r.id for r in enforced_on(library.regimes, DAY)]
    for lang in ("en", "zh"):
        out = tmp_path / f"memo-{lang}.pdf"
        result = write_memo(catalog, library, [H20, H100], None, "CN", lang, out, on=DAY)
        pages, flat = pdf_text(out)
        assert result.pages == len(pages) <= 6, (lang, result.pages)
        for rid in enforced:  # the conclusion names every enforced regime
            assert squash(rid) in flat[:flat.index("2" + ("Products" if lang == "en" else "产品"))]
        assert "us-ear-2022-10" not in flat  # no history unless asked for
        # the figures, the calculation and the citations stay
        assert squash("FP8 1,979 × 8") in flat or squash("FP81,979×8") in flat
        assert "88FR73458" in flat


def test_the_chinese_memo_has_no_english_engine_sentence_and_chinese_dates(catalog, library, tmp_path):
    out = tmp_path / "memo-zh.pdf"
    write_memo(catalog, library, [H20, H100], None, "CN", "zh", out, on=DAY)
    pages, flat = pdf_text(out)
    for phrase in ENGLISH_ENGINE:
        assert squash(phrase) not in flat, phrase
    assert "2026年6月15日" in flat and "审查中" in flat  # the sample letter's status, in Chinese


def test_history_is_an_appendix_only_on_request(catalog, library, tmp_path):
    out = tmp_path / "memo.pdf"
    write_memo(catalog, library, [H100], None, "CN", "en", out, on=DAY, history=True)
    _, flat = pdf_text(out)
    appendix = flat[flat.index(squash("Appendix A: regimes not in force on the memo date")):]
    assert "us-ear-2022-10" in appendix and "superseded" in appendix
    assert squash("codified, not enforced") in appendix  # AI Diffusion


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_doubled_punctuation_and_ids_wrap_only_at_hyphens(catalog, library, tmp_path, lang):
    import re

    from report_helpers import add_products
    from workbench.engine.spec import ProductSpec

    add_products(catalog, ProductSpec(part_number="NO-AREA-1", fp8_tflops=300.0, datacenter=True, non_planar=True))
    out = tmp_path / "memo.pdf"
    write_memo(catalog, library, [H20, "NO-AREA-1"], None, "CN", lang, out, on=DAY, history=True)
    pages, _ = pdf_text(out)
    text = "\n".join(pages)
    assert not re.findall(r"(?<!\.)\.\.(?!\.)|\.;|;\.|。。|。\.", text)
    # a regime id broken across lines breaks after a hyphen, never inside a word ("diffusio n")
    for rid in (r.id for r in library.regimes):
        parts = rid.split("-")
        for k, part in enumerate(parts):
            head = "-".join(parts[:k]) + ("-" if k else "")
            for cut in range(1, len(part)):
                broken = head + part[:cut] + "\n" + part[cut:]
                assert broken not in text, (rid, broken)
