"""Memos and workbooks name the rules in use and the party-screening list snapshot, so that an
auditor can tell which rules and which list a licence position was read under."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from report_helpers import H20, fresh_catalog, pdf_text, squash
from workbench.clock import FixedClock
from workbench.services.reports import export_workbook, write_memo
from workbench.services.screening import ScreeningService

CLOCK = FixedClock.on(date(2026, 6, 15))
CSL = Path(__file__).parent / "data" / "screening" / "csl_sample.csv"


def _about(path) -> dict:
    sheet = openpyxl.load_workbook(path, read_only=True)["About"]
    return {row[0]: row[1:] for row in sheet.iter_rows(values_only=True)}


def test_without_a_list_the_memo_and_workbook_say_no_party_was_screened(tmp_path, library):
    conn = fresh_catalog(tmp_path)
    write_memo(conn, library, [H20], destination="CN", out=tmp_path / "m.pdf", clock=CLOCK)
    _, text = pdf_text(tmp_path / "m.pdf")
    assert squash("Rules in use: built-in rules.") in text
    assert squash("no Consolidated Screening List snapshot is loaded") in text
    export_workbook(conn, library, tmp_path / "w.xlsx", destination="CN", clock=CLOCK)
    about = _about(tmp_path / "w.xlsx")
    assert about["rules_in_use"][0] == "built-in rules"
    assert about["screening_snapshot"][0] == "none loaded"
    assert about["rules_current_to"][0]  # the rules' currency date is named


def test_a_loaded_list_is_named_with_its_date_and_hash_in_both_languages(tmp_path, library):
    conn = fresh_catalog(tmp_path)
    ScreeningService(conn, clock=CLOCK).load(CSL)
    snap = ScreeningService(conn, clock=CLOCK).snapshot()
    write_memo(conn, library, [H20], destination="CN", out=tmp_path / "m.pdf", clock=CLOCK)
    _, text = pdf_text(tmp_path / "m.pdf")
    assert squash(f"Consolidated Screening List snapshot of") in text and snap.file_sha256 in text
    write_memo(conn, library, [H20], destination="CN", lang="zh", out=tmp_path / "z.pdf", clock=CLOCK)
    _, text = pdf_text(tmp_path / "z.pdf")
    assert squash("综合筛查清单") in text and snap.file_sha256 in text and "所用规则" in text
    export_workbook(conn, library, tmp_path / "w.xlsx", destination="CN", clock=CLOCK)
    value, detail = _about(tmp_path / "w.xlsx")["screening_snapshot"]
    assert value == snap.list_date.isoformat() and snap.file_sha256 in detail
