"""A hostile and awkward file corpus, generated here: each file gets its defined behaviour, a clear
message naming the file, sheet and cell, and a refused file writes nothing (targets 9-12)."""

from __future__ import annotations

import struct
import zipfile
from dataclasses import replace

import pytest

from catalog_helpers import HEADER, fresh_catalog, product_row, snapshot
from workbench.io.xlsx_guard import DEFAULT_LIMITS
from workbench.services.import_products import ImportFailed, import_products
from workbench.store.products import get_product
from xlsx_builder import ENTITY_BOMB_DTD, DateSerial, Formula, Sheet, write_xlsx


@pytest.fixture
def catalog(tmp_path):
    conn = fresh_catalog(tmp_path)
    yield conn
    conn.close()


def refused(conn, path, sheet=None, limits=DEFAULT_LIMITS) -> list[str]:
    """Import must fail, leave the catalog identical and no transaction open; returns the problem lines."""
    before = snapshot(conn)
    with pytest.raises(ImportFailed) as info:
        import_products(conn, path, sheet, limits=limits)
    assert not conn.in_transaction
    assert snapshot(conn) == before
    return info.value.problems


def good_rows(n=3):
    return [HEADER] + [product_row(i) for i in range(n)]


@pytest.mark.parametrize("where", ["workbook", "sheet", "extra part"])
def test_entity_bomb_is_refused_as_unsafe(catalog, tmp_path, where):
    path = tmp_path / "bomb.xlsx"
    if where == "workbook":
        write_xlsx(path, [Sheet("Products", good_rows())], workbook_prolog=ENTITY_BOMB_DTD)
    elif where == "sheet":
        write_xlsx(path, [Sheet("Products", good_rows(), prolog=ENTITY_BOMB_DTD)])
    else:
        bomb = f'<?xml version="1.0"?>{ENTITY_BOMB_DTD}<sst xmlns="x"><si><t>&lol9;</t></si></sst>'.encode()
        write_xlsx(path, [Sheet("Products", good_rows())], extra_members={"xl/sharedStrings.xml": bomb})
    (line,) = refused(catalog, path)
    assert line.startswith("bomb.xlsx: unsafe or oversized file, not read: part xl/")
    assert "declares a DTD or entities" in line


def test_zip_bomb_by_ratio_is_refused(catalog, tmp_path):
    path = write_xlsx(tmp_path / "zipbomb.xlsx", [Sheet("Products", good_rows())],
                      extra_members={"xl/media/padding.bin": b"\0" * (20 * 2**20)})
    (line,) = refused(catalog, path)
    assert "part xl/media/padding.bin expands" in line and "expected at most 100:1" in line


def test_declared_sizes_over_the_caps_are_refused(catalog, tmp_path):
    path = write_xlsx(tmp_path / "big.xlsx", [Sheet("Products", good_rows(2000))])
    (line,) = refused(catalog, path, limits=replace(DEFAULT_LIMITS, max_member_bytes=100_000))
    assert "part xl/worksheets/sheet1.xml declares" in line and "expected at most 100,000" in line
    (line,) = refused(catalog, path, limits=replace(DEFAULT_LIMITS, max_total_bytes=100_000))
    assert "parts total" in line and "expected at most 100,000" in line
    (line,) = refused(catalog, path, limits=replace(DEFAULT_LIMITS, max_members=3))
    assert "parts in the zip (expected at most 3)" in line
    (line,) = refused(catalog, path, limits=replace(DEFAULT_LIMITS, max_file_bytes=1000))
    assert "bytes (expected at most 1,000)" in line


def test_overlapping_zip_members_are_refused(catalog, tmp_path):
    path = write_xlsx(tmp_path / "overlap.xlsx", [Sheet("Products", good_rows())], compression=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    first = data.index(b"PK\x01\x02")
    second = data.index(b"PK\x01\x02", first + 4)
    data[second + 42:second + 46] = struct.pack("<I", 0)  # second entry points at the first's data
    path.write_bytes(bytes(data))
    (line,) = refused(catalog, path)
    assert "overlap in the zip" in line


def test_not_a_zip_is_refused(catalog, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"part_number\nA\n")
    (line,) = refused(catalog, path)
    assert line.startswith("fake.xlsx: not an xlsx workbook")


def test_lying_dimension_is_refused_quickly(catalog, tmp_path):
    path = write_xlsx(tmp_path / "liar.xlsx", [Sheet("Products", good_rows(), dimension="A1:XFD1048576")])
    (line,) = refused(catalog, path)
    assert line.startswith("liar.xlsx:Products: the sheet declares its size as A1:XFD1048576 (1,048,576 rows x 16,384 columns)")


@pytest.mark.parametrize("raw, where", [
    ('<row r="4"><c r="XFD1048576"><v>1</v></c></row>', "cell XFD1048576"),  # the far corner: 550 GB to calamine
    ('<row r="4"><c r="A250000"><v>1</v></c></row>', "cell A250000"),  # a cell far below its own row
    ('<row r="200002"><c r="A200002"><v>1</v></c></row>', "row 200002"),  # one past the row cap
    ('<row r="4"><c t="n" r=\'JA4\'><v>1</v></c></row>', "cell JA4"),  # column 261, other attribute order
])
def test_references_past_the_caps_are_refused_before_reading(catalog, tmp_path, raw, where):
    """A tiny file with one far-out cell would make calamine allocate the whole rectangle up to it
    (and abort the process): the pre-flight refuses it by its reference alone."""
    path = write_xlsx(tmp_path / "far.xlsx", [Sheet("Products", good_rows(), raw_rows=raw)])
    (line,) = refused(catalog, path)
    assert line.startswith(f"far.xlsx:Products: {where} lies beyond the import limits of 200,000 rows and 256 columns")


def test_references_at_the_caps_are_not_refused_by_the_pre_flight(tmp_path):
    from workbench.io.xlsx_guard import inspect_xlsx

    raw = '<row r="200001"><c r="IV200001"><v>1</v></c></row>'  # the last row and column the caps allow
    path = write_xlsx(tmp_path / "edge.xlsx", [Sheet("Products", good_rows(), raw_rows=raw)])
    _, scanned = inspect_xlsx(path)
    assert scanned.rows_seen == 5


def test_row_cap_counts_real_rows(catalog, tmp_path):
    path = write_xlsx(tmp_path / "long.xlsx", [Sheet("Products", good_rows(50), dimension="A1:I2")])
    (line,) = refused(catalog, path, limits=replace(DEFAULT_LIMITS, max_rows=20))
    assert line == "long.xlsx:Products: more than 20 rows (expected at most 20; split the file or raise the limit)"


def test_formula_without_cached_value_is_an_error_with_its_cell(catalog, tmp_path):
    rows = good_rows()
    rows[2][5] = Formula("B2*2")  # F3, fp16_tflops
    rows[3][5] = Formula("B3*2", 250.0)  # cached value: read, with a note
    path = write_xlsx(tmp_path / "formulas.xlsx", [Sheet("Products", rows)])
    (line,) = refused(catalog, path)
    assert line == ("formulas.xlsx:Products!F3: formula =B2*2 has no saved result, so its value is unknown "
                    "(expected a value: recalculate and save the file in Excel, or paste values)")


def test_formula_with_cached_value_is_read_with_a_note(catalog, tmp_path):
    rows = good_rows()
    rows[1][5] = Formula("B2*2", 250.0)
    path = write_xlsx(tmp_path / "cached.xlsx", [Sheet("Products", rows)])
    plan = import_products(catalog, path)
    assert get_product(catalog, "SYN-000000")["fp16_tflops"] == 250.0
    assert "cached.xlsx:Products: 1 formula cells read by the value Excel last calculated for them" in plan.notes


def test_merged_cells_in_the_data_are_an_error(catalog, tmp_path):
    rows = good_rows()
    rows[2][1] = None  # B3 is covered by the merge B2:B3
    path = write_xlsx(tmp_path / "merged.xlsx", [Sheet("Products", rows, merges=["B2:B3"])])
    (line,) = refused(catalog, path)
    assert line.startswith("merged.xlsx:Products!B2: cells B2:B3 are merged: only B2 holds a value")
    assert "expected one value per cell" in line


def test_merged_title_above_the_header_is_only_noted(catalog, tmp_path):
    rows = [["Catalog export", None, None]] + good_rows()
    path = write_xlsx(tmp_path / "title.xlsx", [Sheet("Products", rows, merges=["A1:C1"])])
    plan = import_products(catalog, path)
    assert len(plan.added) == 3
    assert "title.xlsx:Products!A1:C1: merged cells outside the template's data, ignored" in plan.notes
    assert "title.xlsx:Products: rows 1-1 above the header row 2 were not read" in plan.notes


def test_1904_dates_are_refused_where_a_number_is_expected(catalog, tmp_path):
    rows = good_rows()
    rows[1][6] = DateSerial(800.0)  # G2 die_area_mm2 formatted as a date in a 1904 workbook
    path = write_xlsx(tmp_path / "dates.xlsx", [Sheet("Products", rows)], date1904=True)
    before = snapshot(catalog)
    with pytest.raises(ImportFailed) as info:
        import_products(catalog, path)
    (line,) = info.value.problems
    assert line.startswith("dates.xlsx:Products!G2: 1906-03-11")  # 1904 epoch + 800 days
    assert "is a date or time, not a number" in line and "expected a number in mm²" in line
    assert any("1904 date system" in n for n in info.value.notes)
    assert snapshot(catalog) == before


def test_duplicate_part_numbers_are_refused(catalog, tmp_path):
    rows = good_rows()
    rows[3][0] = " SYN-000000 "  # same part after trimming spaces
    path = write_xlsx(tmp_path / "dups.xlsx", [Sheet("Products", rows)])
    (line,) = refused(catalog, path)
    assert line == ("dups.xlsx:Products!A4: duplicate part number 'SYN-000000', first given at A2 "
                    "(expected each part number once)")


def test_wrong_types_are_refused_cell_by_cell(catalog, tmp_path):
    rows = good_rows()
    rows[1][5] = "fast"  # F2
    rows[2][4] = "maybe"  # E3 datacenter
    rows[3][3] = "gpu"  # D4 product_type
    rows[3][6] = -5  # G4 negative area
    path = write_xlsx(tmp_path / "types.xlsx", [Sheet("Products", rows)])
    lines = refused(catalog, path)
    assert "types.xlsx:Products!F2: 'fast' is not a number (expected a number in TFLOPS (dense))" in lines
    assert "types.xlsx:Products!E3: 'maybe' is not yes or no (expected yes or no)" in lines
    assert any(line.startswith("types.xlsx:Products!D4: 'gpu' is not a valid product_type") for line in lines)
    assert "types.xlsx:Products!G4: -5.0 is negative (expected a non-negative number in mm²)" in lines


def test_text_numbers_and_units_are_accepted_with_notes(catalog, tmp_path):
    rows = good_rows()
    rows[1][5] = "4,800"
    rows[2][5] = "989 TFLOPS"
    rows[3][5] = "989 TOPS"  # wrong unit for a TFLOPS column: refused
    path = write_xlsx(tmp_path / "text.xlsx", [Sheet("Products", rows)])
    (line,) = refused(catalog, path)
    assert line == "text.xlsx:Products!F4: '989 TOPS' has unit 'TOPS' (expected a number in TFLOPS (dense))"
    rows[3][5] = 10
    plan = import_products(catalog, write_xlsx(tmp_path / "text2.xlsx", [Sheet("Products", rows)]))
    assert get_product(catalog, "SYN-000000")["fp16_tflops"] == 4800.0
    assert get_product(catalog, "SYN-000001")["fp16_tflops"] == 989.0
    assert "text2.xlsx:Products!F2: fp16_tflops: text number '4,800' read as 4800" in plan.notes
    assert "text2.xlsx:Products!F3: fp16_tflops: unit 'TFLOPS' removed from '989 TFLOPS'" in plan.notes


def test_hidden_sheets_are_not_read_and_said_so(catalog, tmp_path):
    secret = [HEADER, product_row(99)]
    path = write_xlsx(tmp_path / "hidden.xlsx", [Sheet("Secret", secret, state="veryHidden"),
                                                Sheet("Products", good_rows())])
    plan = import_products(catalog, path)
    assert plan.sheet == "Products" and get_product(catalog, "SYN-000099") is None
    assert "hidden.xlsx: hidden sheets not read: Secret" in plan.notes
    only_hidden = write_xlsx(tmp_path / "allhidden.xlsx", [Sheet("Secret", secret, state="hidden")])
    (line,) = refused(catalog, only_hidden)
    assert line == "allhidden.xlsx: no visible sheet (expected --sheet NAME)"
    plan = import_products(catalog, only_hidden, "Secret")
    assert "allhidden.xlsx:Secret: the sheet is hidden in the workbook; read because --sheet named it" in plan.notes


def test_hidden_rows_are_imported_and_listed(catalog, tmp_path):
    path = write_xlsx(tmp_path / "rows.xlsx", [Sheet("Products", good_rows(), hidden_rows=[3])])
    plan = import_products(catalog, path)
    assert len(plan.added) == 3
    assert "rows.xlsx:Products: 1 hidden rows were read like the others (rows 3)" in plan.notes


def test_missing_part_number_column_and_unknown_sheet(catalog, tmp_path):
    path = write_xlsx(tmp_path / "nopn.xlsx", [Sheet("Products", [["vendor", "fp16"], ["Acme", 5]])])
    (line,) = refused(catalog, path)
    assert line.startswith("nopn.xlsx:Products!1:1: no part_number column")
    (line,) = refused(catalog, path, sheet="Nope")
    assert line == "nopn.xlsx: no sheet named 'Nope' (sheets: Products)"


def test_one_bad_cell_among_many_good_rows_writes_nothing(catalog, tmp_path):
    rows = good_rows(500)
    rows[400][5] = "n/a"
    path = write_xlsx(tmp_path / "one.xlsx", [Sheet("Products", rows)])
    assert refused(catalog, path) == ["one.xlsx:Products!F401: 'n/a' is not a number (expected a number in TFLOPS (dense))"]


def test_csv_caps_apply_too(catalog, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("part_number\n" + "".join(f"P{i}\n" for i in range(30)), encoding="utf-8")
    (line,) = refused(catalog, path, limits=replace(DEFAULT_LIMITS, max_rows=20))
    assert line == "long.csv: more than 20 rows (expected at most 20; split the file or raise the limit)"
    (line,) = refused(catalog, path, limits=replace(DEFAULT_LIMITS, max_file_bytes=10))
    assert line.startswith("long.csv: ") and "over the import limit of 10 bytes" in line
    path.write_bytes(b"part_number\n\xff\xfe\n")
    (line,) = refused(catalog, path)
    assert line == "long.csv: not UTF-8 text at byte 12 (expected a UTF-8 CSV)"


def test_notes_are_listed_for_the_first_cells_of_a_column_then_counted(catalog, tmp_path):
    rows = [HEADER] + [product_row(i) for i in range(12)]
    for r in rows[1:]:
        r[5] = f"{r[5]:,.1f} TFLOPS"
    plan = import_products(catalog, write_xlsx(tmp_path / "notes.xlsx", [Sheet("Products", rows)]))
    column = [n for n in plan.notes if n.startswith("notes.xlsx:Products!F")]
    assert len(column) == 6 and column[0] == "notes.xlsx:Products!F2: fp16_tflops: unit 'TFLOPS' removed from '100.0 TFLOPS'"
    assert column[-1] == "notes.xlsx:Products!F: 7 more cells in column F (fp16_tflops) with notes like the ones above"


def test_xml_in_another_encoding_is_refused(catalog, tmp_path):
    """A DTD hidden in UTF-16 would slip past byte-level checks: such parts are refused outright."""
    utf16 = f'<?xml version="1.0" encoding="UTF-16"?>{ENTITY_BOMB_DTD}<sst/>'.encode("utf-16")
    path = write_xlsx(tmp_path / "utf16.xlsx", [Sheet("Products", good_rows())],
                      extra_members={"xl/sharedStrings.xml": utf16})
    (line,) = refused(catalog, path)
    assert line == ("utf16.xlsx: unsafe or oversized file, not read: part xl/sharedStrings.xml is not UTF-8 XML "
                    "(expected XML as spreadsheet programs write it)")


def test_an_installation_whose_openpyxl_would_skip_defusedxml_reads_no_xlsx(catalog, tmp_path, monkeypatch):
    """reliability.md target 9: defusedxml must be on before any untrusted XML is parsed."""
    path = write_xlsx(tmp_path / "ok.xlsx", [Sheet("Products", good_rows())])
    monkeypatch.setenv("OPENPYXL_DEFUSEDXML", "False")
    (line,) = refused(catalog, path)
    assert line.startswith("ok.xlsx: not read: xlsx files are not read on this installation: OPENPYXL_DEFUSEDXML")
    monkeypatch.delenv("OPENPYXL_DEFUSEDXML")
    assert import_products(catalog, path).written


def test_the_mirrored_defusedxml_rule_agrees_with_openpyxl_itself():
    import subprocess
    import sys

    for value in (None, "True", "False", "0"):
        env = {k: v for k, v in __import__("os").environ.items() if k != "OPENPYXL_DEFUSEDXML"}
        if value is not None:
            env["OPENPYXL_DEFUSEDXML"] = value
        out = subprocess.run([sys.executable, "-c", "import openpyxl; from workbench.io.xml_safety import "
                              "openpyxl_uses_defusedxml as m; print(openpyxl.DEFUSEDXML, m())"],
                             env=env, capture_output=True, text=True, check=True).stdout.split()
        assert out[0] == out[1], value


def test_expat_versions_below_the_floor_are_refused_and_old_ones_advised():
    from workbench.io.xml_safety import advice, problems

    assert any("Expat XML parser is 2.4.0" in p for p in problems(expat=(2, 4, 0)))
    assert not problems(expat=(2, 4, 1)) and advice(expat=(2, 4, 1))
    assert not advice(expat=(2, 7, 2)) and not problems(expat=(2, 7, 2))


def test_an_oversized_workbook_part_is_not_handed_to_expat(catalog, tmp_path):
    from workbench.io.xlsx_guard import MAX_PARSED_PART_BYTES

    plain = write_xlsx(tmp_path / "plain.xlsx", [Sheet("Products", good_rows())])
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as dst:  # no ratio to trip
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/workbook.xml":  # padding inside the root element, past the prolog check
                data = data.replace(b"<sheets>", b"<!--" + b"x" * MAX_PARSED_PART_BYTES + b"--><sheets>")
            dst.writestr(name, data)
    (line,) = refused(catalog, path)
    assert "part xl/workbook.xml is" in line and f"expected at most {MAX_PARSED_PART_BYTES:,}" in line
