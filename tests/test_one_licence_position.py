"""One licence position everywhere: for a company catalog with its own H20 letter, the memo (both
languages, read back with pypdf), the workbook's Determinations sheet and the ``classify`` and
``compare`` JSON all say the H20 needs a licence under the letter, under every regime in force."""

from __future__ import annotations

import json
from datetime import date

import pytest
from openpyxl import load_workbook

from report_helpers import H20, add_products, add_sample_letter, fresh_catalog, pdf_text, squash
from workbench.cli import main
from workbench.engine.governance import enforced_on
from workbench.engine.spec import ProductSpec
from workbench.services.reports import export_workbook, write_memo

REF = "ACME-BIS-2026-H20"
DAY = date(2026, 6, 15)


@pytest.fixture
def company(tmp_path):
    conn = fresh_catalog(tmp_path, with_demo=False)
    add_products(conn, ProductSpec(part_number=H20, vendor="NVIDIA", name="H20", fp8_tflops=296.0, fp16_tflops=148.0,
                                   die_area_mm2=814.0, non_planar=True, datacenter=True, memory_bandwidth_gbs=4000.0,
                                   interconnect_bandwidth_gbs=900.0, has_hbm=True, process_node_nm=4.0,
                                   transistors_billion=80.0))
    add_sample_letter(conn, ref=REF, addressee="Acme Compute GmbH")
    yield conn, tmp_path / "catalog.db"
    conn.close()


def _enforced(library):
    return [r.id for r in enforced_on(library.regimes, DAY)]


def test_memo_workbook_and_cli_give_the_h20_the_same_letter_position(company, library, tmp_path, capsys):
    conn, db = company
    enforced = _enforced(library)
    assert len(enforced) >= 2
    want_en, want_zh = f"licence required (letter {REF})", f"需要许可证（告知函 {REF}）"

    # The memo, both languages: the default regimes are those enforced on its date.
    for lang, want in (("en", want_en), ("zh", want_zh)):
        out = tmp_path / f"memo-{lang}.pdf"
        write_memo(conn, library, [H20], None, "CN", lang, out, on=DAY)
        _, flat = pdf_text(out)
        summary = flat[:flat.index("2" + ("Products" if lang == "en" else "产品"))]
        for rid in enforced:
            assert squash(rid) in summary, rid
        assert summary.count(squash(want[:1].upper() + want[1:])) == len(enforced)
        assert "Nolicencerequired" not in summary and "无需许可证" not in summary

    # The workbook's Determinations sheet.
    out = tmp_path / "book.xlsx"
    export_workbook(conn, library, out, enforced, "CN", on=DAY)
    ws = load_workbook(out, read_only=True)["Determinations"]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    h20 = [dict(zip(head, r)) for r in rows[1:] if r[0] == H20]
    assert len(h20) == len(enforced)
    for row in h20:
        assert row["licence"] == want_en and row["licence_required"] == "yes" and row["letters_binding"] == REF

    # classify and compare on the catalog: letters apply by default with --db.
    args = ["classify", "--db", str(db), "--destination", "CN", "--date", DAY.isoformat(), "--format", "json"]
    for rid in enforced:
        args += ["--regime", rid]
    assert main(args) == 0
    items = [i for i in json.loads(capsys.readouterr().out) if i["part_number"] == H20]
    assert len(items) == len(enforced)
    assert all(i["licence"] == want_en and i["license_required"] is True and i["letters_applied"] for i in items)
    assert main(["compare", "--db", str(db), "--from", enforced[0], "--to", enforced[-1], "--destination", "CN",
                 "--date", DAY.isoformat(), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["letters_applied"] is True
    assert all(c["from"]["licence"] == want_en and c["to"]["licence"] == want_en for c in data["changed"])

    # --no-letters leaves them out and says so.
    assert main(args + ["--no-letters"]) == 0
    captured = capsys.readouterr()
    items = [i for i in json.loads(captured.out) if i["part_number"] == H20]
    assert all(not i["letters_applied"] and REF not in i["licence"] for i in items)
    assert "--no-letters" in captured.err


def test_the_conclusion_names_every_enforced_regime_and_puts_indeterminate_first(company, library, tmp_path):
    conn, _ = company
    add_products(conn, ProductSpec(part_number="NO-AREA-1", fp8_tflops=300.0, datacenter=True, non_planar=True))
    out = tmp_path / "memo.pdf"
    write_memo(conn, library, [H20, "NO-AREA-1"], None, "CN", "en", out, on=DAY)
    _, flat = pdf_text(out)
    summary = flat[:flat.index("2Products")]
    for rid in _enforced(library):
        assert squash(f"under {rid}") in summary or squash(f"Under {rid}") in summary, rid
    first_bullet = summary.index("!")
    assert "indeterminate" in summary[first_bullet:first_bullet + 200]
