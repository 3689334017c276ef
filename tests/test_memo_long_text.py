"""A memo never fails on user text: very long names, unbroken strings and markup-looking runs wrap
or are shortened in the body, and the full text is kept in an appendix."""

from __future__ import annotations

import pytest

from report_helpers import add_products, fresh_catalog, pdf_text
from workbench.engine.spec import ProductSpec
from workbench.services.reports import write_memo

REGIME = "us-ear-2023-10"

CASES = {
    "long-name": dict(name="Accelerator " * 180),  # 2,160 characters with spaces
    "unbroken": dict(name="X" * 20_000),
    "br-run": dict(name="<br/>" * 500, notes="<br/>" * 500, source="S" * 20_000),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_long_user_text_is_shortened_with_the_full_text_in_an_appendix(tmp_path, library, case, lang):
    conn = fresh_catalog(tmp_path)
    try:
        add_products(conn, ProductSpec(part_number=f"LONG-{case}", vendor="V" * 3000, fp16_tflops=400.0,
                                       die_area_mm2=600.0, non_planar=True, datacenter=True, **CASES[case]))
        out = tmp_path / f"{case}-{lang}.pdf"
        result = write_memo(conn, library, [f"LONG-{case}"], [REGIME], "CN", lang, out, company="C" * 2500)
    finally:
        conn.close()
    pages, flat = pdf_text(out)
    assert result.pages == len(pages) >= 1
    assert "…" in flat  # shortened in the body
    assert ("fulltextofshortenedentries" in flat) if lang == "en" else ("截短内容的全文" in flat)
