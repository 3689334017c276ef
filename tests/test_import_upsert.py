"""Upsert by part number, the preview, dry run, the audit trail of an import, and the round trip
catalog -> openpyxl template -> catalog."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog_helpers import HEADER, export_catalog_xlsx, fresh_catalog, product_row, snapshot
from workbench.engine.identity import identity_key
from workbench.io.cells import EXCEL_ERRORS
from workbench.services.import_products import ImportFailed, import_products, render_plan
from workbench.store.audit import TOUCHING
from workbench.store.products import all_products, get_product
from xlsx_builder import Sheet, write_xlsx

H100 = "NVIDIA-H100-SXM5-80GB"


@pytest.fixture
def catalog(tmp_path):
    conn = fresh_catalog(tmp_path)
    yield conn
    conn.close()


def test_round_trip_through_an_openpyxl_template_gives_identical_rows(catalog, tmp_path):
    path = export_catalog_xlsx(catalog, tmp_path / "export.xlsx")
    target = fresh_catalog(tmp_path, "empty.db", with_demo=False)
    plan = import_products(target, path)
    assert len(plan.added) == 53 and not plan.changed
    assert all_products(target) == all_products(catalog)
    target.close()


def test_reimporting_the_same_template_changes_nothing(catalog, tmp_path):
    path = export_catalog_xlsx(catalog, tmp_path / "export.xlsx")
    before = snapshot(catalog)
    plan = import_products(catalog, path)
    assert (len(plan.added), len(plan.changed), len(plan.unchanged), plan.left_alone) == (0, 0, 53, 0)
    assert plan.audit_rows == 0 and snapshot(catalog) == before


def test_changes_are_shown_field_by_field_and_audited(catalog, tmp_path):
    old = get_product(catalog, H100)
    rows = [["Part number", "FP16 TFLOPS", "notes", "Colour"],
            [H100, 990, None, "green"],  # fp16 changes, notes cleared (empty = unknown)
            ["NEW-CHIP", 5, "new", "blue"]]
    path = write_xlsx(tmp_path / "upd.xlsx", [Sheet("Sheet1", rows)])
    dry = import_products(catalog, path, dry_run=True)
    text = render_plan(dry)
    assert "columns not in the template (ignored): Colour" in text
    assert "    + NEW-CHIP" in text
    assert f"    ~ {H100}" in text and f"        fp16_tflops: {old['fp16_tflops']:g} -> 990" in text
    assert "        notes: " in text and "-> (empty)" in text
    assert "leave alone 0 unchanged products in the file and 52 catalog products not in it" in text
    assert text.endswith("Dry run: nothing was written.")
    assert get_product(catalog, "NEW-CHIP") is None

    seq_before = catalog.execute("SELECT max(seq) FROM audit").fetchone()[0]
    plan = import_products(catalog, path)
    assert render_plan(plan).endswith("Written: 1 added, 1 changed, 1 audit row.")
    new = get_product(catalog, H100)
    assert new["fp16_tflops"] == 990 and new["notes"] is None
    assert {k: v for k, v in new.items() if k not in ("fp16_tflops", "notes")} == \
        {k: v for k, v in old.items() if k not in ("fp16_tflops", "notes")}  # absent columns left alone
    assert get_product(catalog, "NEW-CHIP")["product_type"] == "ic"
    audit = catalog.execute("SELECT seq, action, entity, before_json, after_json FROM audit WHERE seq > ? ORDER BY seq",
                            (seq_before,)).fetchall()
    ((seq, action, entity, before_json, after_json),) = audit  # the whole import is one audit entry
    assert (action, entity) == ("products.import", "import:upd.xlsx")
    before, after = json.loads(before_json), json.loads(after_json)
    assert before == {"changed": {H100: {"fp16_tflops": old["fp16_tflops"], "notes": old["notes"]}}}
    assert after["changed"] == {H100: {"row": 2, "fields": {"fp16_tflops": 990.0, "notes": None}}}
    assert after["origin"] == {"file": "upd.xlsx", "sheet": "Sheet1",
                               "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    (added,) = after["added"]
    record = dict(zip(after["columns"], added))
    assert record["row"] == 3 and record["part_number"] == "NEW-CHIP" and record["fp16_tflops"] == 5.0
    assert record == {"row": 3, **get_product(catalog, "NEW-CHIP")}
    # both products find the entry through the subjects index (retention, history)
    for part in (H100, "NEW-CHIP"):
        assert seq in [r[0] for r in catalog.execute(TOUCHING, (part, part))]
    # the changed figure's old provenance no longer claims to support it; others stay
    fields = {r[0] for r in catalog.execute("SELECT field FROM spec_provenance WHERE part_number = ?", (H100,))}
    assert "fp16_tflops" not in fields and "die_area_mm2" in fields


def test_an_error_during_the_write_rolls_everything_back(catalog, tmp_path, monkeypatch):
    rows = [HEADER] + [product_row(i) for i in range(2000)] + [[H100] + [None] * 7 + ["changed"]]
    path = write_xlsx(tmp_path / "many.xlsx", [Sheet("Products", rows)])
    before = snapshot(catalog)
    from workbench.store import audit

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(audit, "append", broken)  # fails after every product row was written
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        import_products(catalog, path)
    assert not catalog.in_transaction and snapshot(catalog) == before


def test_csv_files_import_too(catalog, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("part_number,fp16_tflops,datacenter\nCSV-1,\"1,000\",yes\n", encoding="utf-8")
    plan = import_products(catalog, path)
    assert len(plan.added) == 1 and get_product(catalog, "CSV-1")["fp16_tflops"] == 1000.0


# openpyxl writes a string spelled like an Excel error ("#NULL!") as an error cell (t="e"), which
# the import refuses by design; such strings are not "valid sheets" for this round trip.
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda s: s.strip() == s and not s.startswith(("=", "+", "-", "@")) and s.upper() not in EXCEL_ERRORS)
_num = st.one_of(st.none(), st.floats(min_value=0, max_value=1e7, allow_nan=False).map(lambda x: round(x, 3)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_text, st.one_of(st.none(), _text), _num, st.one_of(st.none(), st.booleans()),
                               st.sampled_from(["ic", "board", "server", "hbm", "model_weights"])),
                     min_size=1, max_size=8, unique_by=lambda r: identity_key(r[0])))
def test_any_valid_sheet_round_trips_exactly(tmp_path_factory, rows):
    tmp = tmp_path_factory.mktemp("rt")
    conn = fresh_catalog(tmp, with_demo=False)
    sheet = [["part_number", "vendor", "fp16_tflops", "datacenter", "product_type"]] + [list(r) for r in rows]
    import_products(conn, write_xlsx(tmp / "in.xlsx", [Sheet("P", sheet)]))
    exported = export_catalog_xlsx(conn, tmp / "out.xlsx")
    again = fresh_catalog(tmp, "again.db", with_demo=False)
    import_products(again, exported)
    assert all_products(again) == all_products(conn)
    for part, vendor, fp16, dc, kind in rows:
        rec = all_products(conn)[part]
        assert (rec["vendor"], rec["fp16_tflops"], rec["datacenter"], rec["product_type"]) == (vendor, fp16, dc, kind)
    conn.close()
    again.close()


@pytest.mark.parametrize("spelling", ["nvidia h100 sxm5 80gb", "NVIDIA\u2010H100-SXM5-80GB", "NVIDIA-H100-SXM5\u200b-80GB",
                                      "ＮＶＩＤＩＡ-H100-SXM5-80GB", "NVIDIA_H100_SXM5_80GB"])
def test_a_near_duplicate_part_number_is_matched_not_added(catalog, tmp_path, spelling):
    path = write_xlsx(tmp_path / "case.xlsx", [Sheet("Sheet1", [["part_number", "fp16_tflops"], [spelling, 990]])])
    before = snapshot(catalog)
    with pytest.raises(ImportFailed) as info:
        import_products(catalog, path)
    (line,) = info.value.problems
    assert line.startswith(f"case.xlsx:Sheet1!A2: part number '{spelling}' matches the catalog's '{H100}'")
    assert "--match-similar" in line
    assert snapshot(catalog) == before
    plan = import_products(catalog, path, similar="update")
    assert plan.changed[0][0] == H100 and not plan.added
    assert get_product(catalog, H100)["fp16_tflops"] == 990.0
    assert get_product(catalog, spelling) is None


def test_a_near_duplicate_can_be_added_as_new_when_asked(catalog, tmp_path):
    path = write_xlsx(tmp_path / "case.xlsx", [Sheet("Sheet1", [["part_number", "fp16_tflops"],
                                                                ["nvidia h100 sxm5 80gb", 990]])])
    plan = import_products(catalog, path, dry_run=True, similar="add")
    assert plan.added == ["nvidia h100 sxm5 80gb"] and not plan.changed
    assert any("added as a new product although it matches the catalog's" in n for n in plan.notes)


def test_near_duplicates_within_one_file_are_refused_naming_both(catalog, tmp_path):
    path = write_xlsx(tmp_path / "dup.xlsx", [Sheet("S", [["part_number", "fp16_tflops"], ["ABC-1", 1], ["abc\u20111", 2]])])
    with pytest.raises(ImportFailed) as info:
        import_products(catalog, path)
    (line,) = info.value.problems
    assert line.startswith("dup.xlsx:S!A3: part number 'abc\u20111' is the same as 'ABC-1' at A2")


@pytest.mark.parametrize("second", ["abc-1", "ABC-1 ", "ABC\u20131"])
def test_part_numbers_differing_only_in_case_or_dash_are_one_product(catalog, tmp_path, second):
    path = write_xlsx(tmp_path / "d.xlsx", [Sheet("S", [["part_number", "fp16_tflops"], ["ABC-1", 1], [second, 2]])])
    with pytest.raises(ImportFailed) as info:
        import_products(catalog, path)
    assert info.value.problems[0].startswith("d.xlsx:S!A3: ")
    assert "ABC-1" in info.value.problems[0] and "A2" in info.value.problems[0]
