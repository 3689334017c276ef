"""Marks on reports: the demo catalog says DEMO DATA on every memo page and exported sheet (both
languages); a modified ruleset puts a banner on the memo and a note in the workbook."""

from __future__ import annotations

import copy

from openpyxl import load_workbook

from report_helpers import H100, add_products, fresh_catalog, pdf_text
from workbench.engine.spec import ProductSpec
from workbench.services.reports import export_workbook, write_memo

REGIME = "us-ear-2023-10"


def test_demo_catalog_memo_pages_and_sheets_say_demo_data(tmp_path, library):
    conn = fresh_catalog(tmp_path)
    try:
        for lang, mark in (("en", "DEMO DATA – not for compliance decisions"), ("zh", "演示数据 – 不得用于合规决策")):
            out = tmp_path / f"memo-{lang}.pdf"
            write_memo(conn, library, [H100], [REGIME], "CN", lang, out)
            pages, _ = pdf_text(out)
            assert all(mark in page for page in pages), lang
        book = tmp_path / "book.xlsx"
        export_workbook(conn, library, book, [REGIME], "CN")
    finally:
        conn.close()
    wb = load_workbook(book)
    for ws in wb.worksheets:
        assert "DEMO DATA" in ws.oddHeader.center.text and "演示数据" in ws.oddFooter.center.text, ws.title
    about = [r for r in wb["About"].iter_rows(values_only=True)]
    assert about[1][0] == "DEMO DATA"


def test_a_company_catalog_carries_no_demo_mark(tmp_path, library):
    conn = fresh_catalog(tmp_path, with_demo=False)
    try:
        add_products(conn, ProductSpec(part_number="ACME-1", fp8_tflops=300.0, die_area_mm2=600.0, non_planar=True,
                                       datacenter=True))
        out = tmp_path / "memo.pdf"
        write_memo(conn, library, ["ACME-1"], [REGIME], "CN", "en", out)
    finally:
        conn.close()
    pages, _ = pdf_text(out)
    assert not any("DEMO DATA" in page for page in pages)


def test_a_modified_ruleset_gives_the_memo_a_banner_and_the_workbook_a_note(tmp_path, library):
    modified = copy.copy(library)
    modified.modified = frozenset({REGIME})
    conn = fresh_catalog(tmp_path, with_demo=False)
    try:
        add_products(conn, ProductSpec(part_number="ACME-1", fp8_tflops=300.0, die_area_mm2=600.0, non_planar=True,
                                       datacenter=True))
        out = tmp_path / "memo.pdf"
        write_memo(conn, modified, ["ACME-1"], [REGIME], "CN", "en", out)
        book = tmp_path / "book.xlsx"
        export_workbook(conn, modified, book, [REGIME], "CN")
    finally:
        conn.close()
    pages, _ = pdf_text(out)
    assert all(f"MODIFIED RULES: {REGIME}" in page for page in pages)
    about = {r[0]: r for r in load_workbook(book)["About"].iter_rows(values_only=True)}
    assert about["MODIFIED RULES"][1] == REGIME
