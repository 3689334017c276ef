"""The xlsx pre-flight must look at the very parts the reader (python-calamine) will read.

calamine finds a part case-insensitively (ASCII) and with backslashes in member names read as
"/", and takes the workbook's folder from _rels/.rels. A pre-flight that looked parts up
case-sensitively skipped the scan when a relationship said ``/xl/Worksheets/sheet1.xml``: a far
cell then made calamine allocate 550 GB and abort the process, and a formula without a saved value
read as empty. The crafted files run in a child process under a memory limit, so a regression
fails the test instead of aborting the suite.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from catalog_helpers import HEADER, product_row
from workbench.io.xlsx_guard import UnsafeFile, inspect_xlsx
from xlsx_builder import ENTITY_BOMB_DTD, Formula, Sheet, write_xlsx

FAR_CELL = '<row r="4"><c r="XFD1048576"><v>1</v></c></row>'


def crafted(path: Path, *, target: str = "worksheets/sheet1.xml", member: str = "xl/worksheets/sheet1.xml",
            rows=None, raw: str = "", extra: dict[str, bytes] | None = None, prolog: str = "") -> Path:
    """A one-sheet workbook whose sheet relationship says ``target`` and whose sheet is stored as ``member``."""
    source = path.with_suffix(".src.xlsx")
    write_xlsx(source, [Sheet("Products", rows or [HEADER, product_row(0)], raw_rows=raw, prolog=prolog)])
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data, name = src.read(info.filename), info.filename
            if name == "xl/_rels/workbook.xml.rels":
                data = data.replace(b'Target="worksheets/sheet1.xml"', f'Target="{target}"'.encode())
            if name == "xl/worksheets/sheet1.xml":
                name = member
            dst.writestr(name, data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    source.unlink()
    return path


_CHILD = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
    from pathlib import Path
    from workbench.io.tables import TableError, read_table
    try:
        read_table(Path(sys.argv[1]))
    except TableError as exc:
        print(exc)
        sys.exit(2)
    print("read")
""")


def read_in_child(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("target", ["/xl/Worksheets/sheet1.xml", "/XL/WORKSHEETS/SHEET1.XML", "Worksheets/Sheet1.xml"])
def test_far_cell_behind_a_case_differing_relationship_is_refused_not_an_abort(tmp_path, target):
    path = crafted(tmp_path / "case.xlsx", target=target, raw=FAR_CELL)
    done = read_in_child(path)
    assert done.returncode == 2, done.stderr[-500:]
    assert done.stdout.strip() == (
        "case.xlsx:Products: cell XFD1048576 lies beyond the import limits of 200,000 rows and 256 columns "
        "(expected the data near the top left; a cell that far out makes a reader allocate the whole "
        "rectangle up to it)")


def test_far_cell_in_a_member_stored_with_other_case_and_backslashes_is_refused(tmp_path):
    path = crafted(tmp_path / "member.xlsx", member="xl\\Worksheets\\Sheet1.xml", raw=FAR_CELL)
    done = read_in_child(path)
    assert done.returncode == 2, done.stderr[-500:]
    assert "cell XFD1048576 lies beyond the import limits" in done.stdout


def test_formula_without_value_behind_a_case_differing_relationship_is_seen(tmp_path):
    rows = [HEADER, product_row(0)]
    rows[1][5] = Formula("B2*2")  # fp16_tflops: no saved value
    path = crafted(tmp_path / "formula.xlsx", target="/xl/Worksheets/sheet1.xml", rows=rows)
    _, scanned = inspect_xlsx(path)
    assert scanned.formulas_without_value == {(2, 5): "B2*2"}


def test_members_differing_only_in_case_are_refused(tmp_path):
    decoy = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    path = crafted(tmp_path / "twins.xlsx", extra={"xl/Worksheets/Sheet1.xml": decoy})
    with pytest.raises(UnsafeFile) as info:
        inspect_xlsx(path)
    assert str(info.value) == (
        "twins.xlsx: unsafe or oversized file, not read: parts xl/worksheets/sheet1.xml and "
        "xl/Worksheets/Sheet1.xml differ only in letter case (expected unique part names; a reader "
        "would pick one of them)")


def test_a_sheet_relationship_to_a_missing_part_is_refused(tmp_path):
    path = crafted(tmp_path / "missing.xlsx", target="worksheets/nowhere.xml")
    with pytest.raises(UnsafeFile) as info:
        inspect_xlsx(path)
    assert str(info.value) == (
        "missing.xlsx: unsafe or oversized file, not read: sheet 'Products' points at part "
        "xl/worksheets/nowhere.xml, which is not in the file (expected every sheet's part present)")


def test_a_dtd_in_a_part_with_an_upper_case_extension_is_refused(tmp_path):
    path = crafted(tmp_path / "dtd.xlsx", member="xl/worksheets/sheet1.XML",
                   prolog=ENTITY_BOMB_DTD)
    with pytest.raises(UnsafeFile) as info:
        inspect_xlsx(path)
    assert "part xl/worksheets/sheet1.XML declares a DTD or entities" in str(info.value)


def test_workbook_folder_is_taken_from_the_package_relationships_as_the_reader_does(tmp_path):
    """calamine reads the workbook wherever _rels/.rels says: the pre-flight scans that sheet."""
    source = crafted(tmp_path / "src.xlsx", raw=FAR_CELL)
    path = tmp_path / "moved.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data, name = src.read(info.filename), info.filename
            if name == "_rels/.rels":
                data = data.replace(b'Target="xl/workbook.xml"', b'Target="/Book/workbook.xml"')
            dst.writestr("Book/" + name[3:] if name.startswith("xl/") else name, data)
    with pytest.raises(UnsafeFile) as info:
        inspect_xlsx(path)
    assert "moved.xlsx:Products: cell XFD1048576 lies beyond the import limits" in str(info.value)


def test_an_ordinary_workbook_still_reads(tmp_path):
    path = write_xlsx(tmp_path / "fine.xlsx", [Sheet("Products", [HEADER, product_row(0)])])
    book, scanned = inspect_xlsx(path)
    assert scanned.part == "xl/worksheets/sheet1.xml" and scanned.rows_seen == 2


def test_import_refuses_the_formula_without_value_behind_the_case_trick(tmp_path):
    from catalog_helpers import fresh_catalog
    from workbench.services.import_products import ImportFailed, import_products

    rows = [HEADER, product_row(0)]
    rows[1][5] = Formula("B2*2")
    path = crafted(tmp_path / "formula.xlsx", target="/xl/Worksheets/sheet1.xml", rows=rows)
    conn = fresh_catalog(tmp_path)
    with pytest.raises(ImportFailed) as info:
        import_products(conn, path)
    conn.close()
    assert any(p.startswith("formula.xlsx:Products!F2: ") and "no saved result" in p for p in info.value.problems), \
        info.value.problems


def _rewrite(source: Path, path: Path, member: str, old: bytes, new: bytes) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, data.replace(old, new) if info.filename == member else data)
    return path


def test_the_sheet_id_attribute_is_read_as_the_reader_reads_it(tmp_path):
    """calamine takes the last attribute whose local name is "id", whatever its prefix: a decoy r:id
    before an x:id pointing at the far-cell sheet must not fool the scan."""
    source = write_xlsx(tmp_path / "two.xlsx", [Sheet("Products", [HEADER, product_row(0)]),
                                                Sheet("Far", [HEADER], raw_rows=FAR_CELL)])
    path = _rewrite(source, tmp_path / "ids.xlsx", "xl/workbook.xml", b'r:id="rId1"/>',
                    b'r:id="rId1" xmlns:x="urn:x" x:id="rId2"/>')
    with pytest.raises(UnsafeFile, match="cell XFD1048576 lies beyond the import limits"):
        inspect_xlsx(path)


def test_a_sheet_element_in_another_namespace_is_scanned(tmp_path):
    source = write_xlsx(tmp_path / "one.xlsx", [Sheet("Products", [HEADER], raw_rows=FAR_CELL)])
    path = _rewrite(source, tmp_path / "ns.xlsx", "xl/workbook.xml", b'<sheet name="Products"',
                    b'<x:sheet xmlns:x="urn:x" name="Products"')
    with pytest.raises(UnsafeFile, match="cell XFD1048576 lies beyond the import limits"):
        inspect_xlsx(path)


def test_two_sheets_of_one_name_are_refused(tmp_path):
    path = write_xlsx(tmp_path / "twin.xlsx", [Sheet("Products", [HEADER], state="hidden", raw_rows=FAR_CELL),
                                               Sheet("products", [HEADER, product_row(0)])])
    with pytest.raises(UnsafeFile) as info:
        inspect_xlsx(path)
    assert str(info.value) == ("twin.xlsx: unsafe or oversized file, not read: two sheets are named 'products' "
                               "(expected unique sheet names, as spreadsheet programs require)")
