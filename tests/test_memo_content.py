"""PDF memos: the numbers, the classification, the calculation and the footer a reader sees
(text extracted with pypdf), in English and Chinese, and the memo service's contract
(unknown products, cancellation, atomic writes)."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from report_helpers import H20, H100, add_products, add_sample_letter, fresh_catalog, pdf_text, squash
from workbench.engine.spec import ProductSpec
from workbench.store import audit
from workbench.services.reports import Cancelled, ReportError, write_memo

REGIME = "us-ear-2023-10"


@pytest.fixture
def catalog(tmp_path):
    conn = fresh_catalog(tmp_path)
    yield conn
    conn.close()


def test_english_memo_shows_numbers_classification_and_licence_position(catalog, library, tmp_path):
    out = tmp_path / "memo.pdf"
    result = write_memo(catalog, library, [H100], [REGIME], "CN", "en", out, company="Acme Compute GmbH",
                        prepared_by="J. Doe")
    pages, flat = pdf_text(out)
    text = "\n".join(pages)
    assert result.pages == len(pages) >= 2
    assert "Export Classification Memorandum" in text and result.memo_id in text
    assert "Acme Compute GmbH" in text and "J. Doe" in text
    # The summary: classification, why, and the licence position for China.
    assert squash("is classified 3A090.a.1 because its TPP of 15,832 is at or above 4,800 (+229.8%)") in flat
    assert squash("A licence is required for export to China (CN), reviewed under a presumption of denial.") in flat
    # The calculation step by step: which precision gave the maximum, x bit length, / die area.
    assert squash("FP8 1,979 × 8 bits = 15,832") in flat
    assert squash("= 15,832 ÷ 814 mm² = 19.45") in flat
    # Criteria with value, threshold, result and margin.
    assert squash("Performance density (TPP per mm² of applicable die area) 19.45 ≥ 5.92 met 13.53 +228.5%") in flat
    # Licence exception wording, citations, caveats and sign-off are all there.
    for heading in ("Eligible licence exceptions", "Regime comparison", "Open is-informed letters",
                    "TPP and performance density chart", "Citations", "Caveats", "Sign-off"):
        assert heading in text, heading
    assert "88 FR 73458" in text


def test_every_page_has_a_one_line_integrity_footer_and_the_hashes_sit_in_the_integrity_section(catalog, library,
                                                                                                   tmp_path):
    out = tmp_path / "memo.pdf"
    write_memo(catalog, library, [H100], ["us-ear-2022-10", REGIME], "CN", "en", out)
    seq, head = audit.head(catalog)
    pages, flat = pdf_text(out)
    loaded = [library.get("us-ear-2022-10"), library.get(REGIME)]
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert f"Integrity: audit log entry #{seq} {head[:12]}… (section 9)" in page
        assert library.countries.sha256 not in page or number == len(pages) or "Integrity" in page
    integrity = flat[flat.index("9Integrity"):]
    assert head in integrity and library.countries.sha256 in integrity
    for regime in loaded:
        assert regime.id in integrity and regime.sha256 in integrity


def test_the_comparison_marks_what_changes_and_the_summary_covers_each_regime(catalog, library, tmp_path):
    out = tmp_path / "memo.pdf"
    write_memo(catalog, library, ["AMD-MI210-64GB"], ["us-ear-2022-10", REGIME], "CN", "en", out)
    _, flat = pdf_text(out)
    # Under 2022 the MI210 (TPP 2,896) is below 4,800; under 2023 it is 3A090.b (PD 3.67 >= 3.2) with NAC.
    assert squash("not 3A090/4A090 / No licence required") in flat
    assert squash("3A090.b.1 / Licence required (presumption of denial) / NAC") in flat
    assert squash("NAC — Notified Advanced Computing") in flat


def test_chinese_memo_reads_in_chinese_with_glossary_terms_and_an_embedded_font(catalog, library, tmp_path):
    out = tmp_path / "memo-zh.pdf"
    result = write_memo(catalog, library, [H100], [REGIME], "CN", "zh", out)
    pages, flat = pdf_text(out)
    assert "出口管制分类合规备忘录" in pages[0]
    assert squash("归类为 3A090.a.1，因为其总处理性能 (TPP)为 15,832，达到或超过阈值 4,800（余量 +229.8%）") in flat
    assert squash("出口至中国（CN）需要许可证，审查政策为推定拒绝") in flat
    assert squash("性能密度 = TPP ÷ 适用芯片面积 = 15,832 ÷ 814 mm² = 19.45") in flat
    for term in ("距阈值余量", "许可例外", "告知函", "法规依据", "签署"):
        assert term in flat, term
    assert f"第 1 页，共 {len(pages)} 页" in pages[0]
    reader = PdfReader(str(out))
    if result.font_embedded:
        assert result.font != "none needed"
        assert _has_embedded_truetype(reader)
        assert result.font in reader.metadata["/Keywords"]
    else:  # a machine without a TrueType CJK font: the CID fallback, and the file says so
        assert "STSong-Light" in reader.metadata["/Keywords"]


def test_chinese_memo_falls_back_to_the_cid_font_and_says_so(catalog, library, tmp_path, monkeypatch):
    from workbench.io.memo import fonts

    monkeypatch.setattr(fonts, "_CANDIDATES", [])
    monkeypatch.delenv("WORKBENCH_CJK_FONT", raising=False)
    monkeypatch.setattr(fonts, "_cache", {})
    out = tmp_path / "memo-cid.pdf"
    result = write_memo(catalog, library, [H100], [REGIME], "CN", "zh", out)
    assert result.font.startswith("STSong-Light") and not result.font_embedded
    reader = PdfReader(str(out))
    assert "STSong-Light" in reader.metadata["/Keywords"]
    assert not _has_embedded_truetype(reader)
    pages, flat = pdf_text(out)
    assert "出口管制分类合规备忘录" in pages[0] and "STSong-Light" in flat


def _has_embedded_truetype(reader: PdfReader) -> bool:
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            for desc in [font] + [d.get_object() for d in font.get("/DescendantFonts", [])]:
                fd = desc.get("/FontDescriptor")
                if fd is not None and "/FontFile2" in fd.get_object():
                    return True
    return False


def test_english_memo_uses_the_cjk_font_only_for_chinese_user_text(catalog, library, tmp_path):
    add_products(catalog, ProductSpec(part_number="HW-ASCEND-910X", vendor="华为", name="昇腾 910X", fp16_tflops=400.0,
                                      die_area_mm2=600.0, non_planar=True, datacenter=True))
    out = tmp_path / "memo.pdf"
    result = write_memo(catalog, library, ["HW-ASCEND-910X"], [REGIME], "CN", "en", out)
    _, flat = pdf_text(out)
    assert "昇腾910X" in flat and "华为" in flat
    assert result.font != "none needed"
    english_only = write_memo(catalog, library, [H100], [REGIME], "CN", "en", tmp_path / "plain.pdf")
    assert english_only.font == "none needed"


def test_indeterminate_and_planar_products_say_what_is_missing(catalog, library, tmp_path):
    add_products(catalog,
                 ProductSpec(part_number="NO-AREA-1", fp8_tflops=300.0, datacenter=True, non_planar=True),
                 ProductSpec(part_number="PLANAR-1", fp16_tflops=50.0, die_area_mm2=300.0, non_planar=False),
                 ProductSpec(part_number="NO-FIGURES-1", die_area_mm2=500.0, non_planar=True))
    out = tmp_path / "memo.pdf"
    write_memo(catalog, library, ["NO-AREA-1", "PLANAR-1", "NO-FIGURES-1"], [REGIME], "CN", "en", out)
    _, flat = pdf_text(out)
    assert squash("Performance density cannot be computed: missing Applicable die area (mm²).") in flat
    # An indeterminate result leads the conclusion, with the missing figure in words.
    assert squash("NO-AREA-1 under us-ear-2023-10: indeterminate — missing Applicable die area (mm²).") in flat
    assert flat.index(squash("NO-AREA-1 under us-ear-2023-10: indeterminate")) < flat.index(squash("Under us-ear-2023-10: PLANAR-1"))
    assert squash("Performance density does not apply: planar-node logic has no applicable die area.") in flat
    assert squash("NO-AREA-1 under us-ear-2023-10: indeterminate; missing Applicable die area (mm²).") in flat
    assert "die_area_mm2" not in flat
    # Nine throughput columns and tpp are one thing to supply, said once.
    assert squash("Performance density cannot be computed: missing a dense throughput figure (any precision) "
                  "or a declared TPP.") in flat
    assert "fp4_tflops" not in flat


def test_open_letters_that_apply_are_listed(catalog, library, tmp_path):
    ref = add_sample_letter(catalog)
    out = tmp_path / "memo.pdf"
    write_memo(catalog, library, [H20], ["us-enforced-2025-05"], "CN", "en", out)
    _, flat = pdf_text(out)
    assert squash(f"The regime itself requires no licence for export to China (CN), but is-informed letter {ref} "
                  "does (section 4): a licence is required.") in flat
    assert squash(f"{H20} us-enforced-2025-05 binds part number listed") in flat
    # A destination the letter does not name: nothing applies, and the memo says so.
    write_memo(catalog, library, [H20], ["us-enforced-2025-05"], "FR", "en", tmp_path / "fr.pdf")
    _, flat = pdf_text(tmp_path / "fr.pdf")
    assert squash("No open is-informed letter recorded in the catalog applies to these products or to France (FR).") in flat
    assert ref not in flat


def test_closed_letters_are_not_listed(catalog, library, tmp_path):
    add_sample_letter(catalog, status="closed")
    out = tmp_path / "memo.pdf"
    write_memo(catalog, library, [H20], ["us-enforced-2025-05"], "CN", "en", out)
    _, flat = pdf_text(out)
    assert squash("No open is-informed letter recorded") in flat


def test_twenty_products_make_one_memo_with_a_numbered_chart_key(catalog, library, tmp_path):
    from workbench.store.products import all_products

    parts = list(all_products(catalog))[:20]
    out = tmp_path / "memo20.pdf"
    result = write_memo(catalog, library, parts, [REGIME, "us-h200-2026-01"], "CN", "en", out)
    pages, flat = pdf_text(out)
    assert result.pages == len(pages)
    for i, part in enumerate(parts, start=1):
        assert squash(f"2.{i}") in flat and part in flat
    assert squash(f"20 {parts[19]}") in flat  # the chart key


def test_unknown_part_number_or_language_writes_nothing(catalog, library, tmp_path):
    out = tmp_path / "memo.pdf"
    with pytest.raises(ReportError, match="unknown part number 'NOPE'"):
        write_memo(catalog, library, [H100, "NOPE"], None, "CN", "en", out)
    with pytest.raises(ReportError, match="expected en or zh"):
        write_memo(catalog, library, [H100], None, "CN", "fr", out)
    with pytest.raises(ReportError, match="unknown destination"):
        write_memo(catalog, library, [H100], None, "XX", "en", out)
    assert list(tmp_path.glob("*.pdf")) == [] and not catalog.in_transaction


def test_cancel_stops_before_anything_is_written(catalog, library, tmp_path):
    out = tmp_path / "memo.pdf"
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 1  # let the first product through, stop at the next check

    with pytest.raises(Cancelled):
        write_memo(catalog, library, [H100, H20], [REGIME], "CN", "en", out, cancel=cancel)
    assert not out.exists() and list(tmp_path.glob(".memo.pdf*")) == []


def test_progress_reports_each_phase(catalog, library, tmp_path):
    seen = []
    write_memo(catalog, library, [H100, H20], [REGIME], "CN", "en", tmp_path / "m.pdf",
               progress=lambda phase, done, total: seen.append((phase, done, total)))
    assert seen == [("determine", 1, 2), ("determine", 2, 2), ("render", 0, 1), ("render", 1, 1)]


def test_a_failed_write_leaves_the_previous_file_untouched(catalog, library, tmp_path, monkeypatch):
    from reportlab.platypus import SimpleDocTemplate

    out = tmp_path / "memo.pdf"
    out.write_bytes(b"the memo signed yesterday")

    def broken_build(self, *args, **kwargs):
        self.filename.write(b"%PDF-1.4 half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(SimpleDocTemplate, "build", broken_build)
    with pytest.raises(OSError, match="No space left"):
        write_memo(catalog, library, [H100], [REGIME], "CN", "en", out)
    assert out.read_bytes() == b"the memo signed yesterday"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".memo")] == []


def test_memo_checks_the_audit_chain_appended_since_the_last_check(catalog, library, tmp_path):
    from workbench.services.reports import CatalogNotTrustworthy, export_workbook

    write_memo(catalog, library, [H100], [REGIME], "CN", "en", tmp_path / "a.pdf")  # verifies the whole chain
    add_products(catalog, ProductSpec(part_number="LATER-1", fp16_tflops=10.0))
    seq, _ = audit.head(catalog)
    catalog.execute("DROP TRIGGER audit_no_update")
    catalog.execute("UPDATE audit SET actor = 'mallory' WHERE seq = ?", (seq,))
    with pytest.raises(CatalogNotTrustworthy, match=f"broken at entry {seq}"):
        write_memo(catalog, library, [H100], [REGIME], "CN", "en", tmp_path / "b.pdf")
    catalog.execute("UPDATE audit SET actor = (SELECT actor FROM audit WHERE seq = 1) WHERE seq = ?", (seq,))
    write_memo(catalog, library, [H100], [REGIME], "CN", "en", tmp_path / "b.pdf")
    # An edit deep in the log is caught by the export's full recomputation.
    catalog.execute("UPDATE audit SET entity = 'X' WHERE seq = 5")
    with pytest.raises(CatalogNotTrustworthy, match="broken at entry 5"):
        export_workbook(catalog, library, tmp_path / "e.xlsx")
    assert not (tmp_path / "e.xlsx").exists() and (tmp_path / "b.pdf").exists()


@pytest.mark.parametrize("lang, said", [
    ("en", "[1] imported from new.xlsx:Products row 2 on {day} (audit entry #{seq})"),
    ("zh", "[1] 导入自 new.xlsx:Products 第 2 行，{day}（审计条目 #{seq}）"),
])
def test_an_imported_figure_cites_its_rows_source_and_the_import_in_the_memos_language(catalog, library, tmp_path,
                                                                                       lang, said):
    from workbench.services.import_products import import_products
    from xlsx_builder import Sheet, write_xlsx

    path = write_xlsx(tmp_path / "new.xlsx", [Sheet("Products", [
        ["part_number", "fp16_tflops", "die_area_mm2", "non_planar", "source"],
        ["ACME-X1", 610, 600, "yes", "Acme datasheet rev 3"]])])
    import_products(catalog, path)
    seq, ts = catalog.execute("SELECT seq, ts_utc FROM audit WHERE action = 'products.import'").fetchone()
    out = tmp_path / "memo.pdf"
    write_memo(catalog, library, ["ACME-X1"], [REGIME], "CN", lang, out)
    _, flat = pdf_text(out)
    assert squash(said.format(day=ts[:10], seq=seq)) in flat
    assert squash("[1] Acme datasheet rev 3") in flat
