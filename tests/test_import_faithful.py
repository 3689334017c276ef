"""Faithful input: what the file says is what is read. CSV goes through the csv module over the
file object, so quoted newlines and odd separators stay in their cells; Excel error values are
refused by their cell, never read as empty."""

from __future__ import annotations

import pytest

from catalog_helpers import fresh_catalog, snapshot
from workbench.cli import main
from workbench.services.import_products import ImportFailed, import_products, read_products
from workbench.store.products import get_product
from xlsx_builder import ExcelError, Sheet, write_xlsx

H100 = "NVIDIA-H100-SXM5-80GB"


@pytest.fixture
def catalog(tmp_path):
    conn = fresh_catalog(tmp_path)
    yield conn
    conn.close()


def _csv(tmp_path, text: str, name="p.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_a_quoted_newline_is_kept_in_its_cell(tmp_path):
    path = _csv(tmp_path, 'part_number,name,fp16_tflops\r\nA-1,"two\nlines",10\r\nB-2,plain,20\r\n')
    parsed = read_products(path)
    assert [r["name"] for r in parsed.records] == ["two\nlines", "plain"]
    assert [r["fp16_tflops"] for r in parsed.records] == [10.0, 20.0]


@pytest.mark.parametrize("odd", ["\x0c", "\x0b", "\u2028", "\x85", "\x1c", "\u2029"])
def test_line_separators_inside_a_cell_never_split_the_row(tmp_path, odd):
    path = _csv(tmp_path, f"part_number,name,fp16_tflops,die_area_mm2\nA-1,x{odd}y,10,814\nB-2,z,20,600\n")
    parsed = read_products(path)
    assert [r["part_number"] for r in parsed.records] == ["A-1", "B-2"]  # no phantom product
    assert parsed.records[0]["name"] == f"x{odd}y"
    assert parsed.records[0]["die_area_mm2"] == 814.0  # real figures kept


def test_an_unclosed_quote_is_refused_naming_its_line(catalog, tmp_path):
    path = _csv(tmp_path, 'part_number,name\nA-1,ok\nB-2,"never closed\nC-3,swallowed\nD-4,too\n')
    before = snapshot(catalog)
    with pytest.raises(ImportFailed) as info:
        import_products(catalog, path)
    (line,) = info.value.problems
    assert line.startswith("p.csv: line 3: a quoted cell opened on this line is never closed")
    assert snapshot(catalog) == before


def test_a_cell_over_the_csv_field_limit_is_one_line_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    path = _csv(tmp_path, "part_number,notes\nA-1,ok\nB-2," + "x" * 131_073 + "\n")
    code = main(["import", str(path), "--db", str(tmp_path / "c.db")])
    err = capsys.readouterr().err
    assert code == 2
    assert "p.csv: line 3: a cell longer than 131,072 characters" in err
    assert "Traceback" not in err and "field larger than field limit" not in err


@pytest.mark.parametrize("value", [ExcelError("#N/A"), ExcelError("#REF!", "Sheet2!A1"), ExcelError("#DIV/0!", "1/0"),
                                   "#N/A", "#VALUE!"])  # typed text "#N/A" where a figure belongs: refused too
def test_excel_error_values_are_refused_by_cell_never_read_as_empty(catalog, tmp_path, value):
    before = get_product(catalog, H100)
    assert before["fp16_tflops"] == 989.4
    path = write_xlsx(tmp_path / "err.xlsx", [Sheet("Products", [["part_number", "fp16_tflops"], [H100, value]])])
    with pytest.raises(ImportFailed) as info:
        import_products(catalog, path)
    (line,) = info.value.problems
    assert line.startswith("err.xlsx:Products!B2: ")
    assert "#" in line and "error value" in line
    assert get_product(catalog, H100)["fp16_tflops"] == 989.4


def test_an_excel_error_in_a_text_column_is_refused_too(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", [Sheet("S", [["part_number", "vendor"], ["A-1", ExcelError("#NAME?", "X()")]])])
    with pytest.raises(ImportFailed) as info:
        read_products(path)
    assert info.value.problems[0].startswith("t.xlsx:S!B2: Excel error value #NAME?")


def test_an_excel_error_outside_the_template_is_only_noted(tmp_path):
    path = write_xlsx(tmp_path / "n.xlsx", [Sheet("S", [["part_number", "Price"], ["A-1", ExcelError("#N/A")]])])
    parsed = read_products(path)
    assert any("n.xlsx:S!B2: Excel error value #N/A outside the template's data" in n for n in parsed.notes)


def test_excel_error_values_in_a_csv_are_refused(tmp_path):
    path = _csv(tmp_path, "part_number,fp16_tflops\nA-1,#N/A\n")
    with pytest.raises(ImportFailed) as info:
        read_products(path)
    assert info.value.problems[0].startswith("p.csv:csv!B2: Excel error value #N/A")


def test_a_text_cell_spelled_like_an_error_is_text_in_xlsx_and_noted_in_csv(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", [Sheet("S", [["part_number", "name"], ["A-1", "#N/A"]])])
    parsed = read_products(path)
    assert parsed.records[0]["name"] == "#N/A" and not any("#N/A" in n for n in parsed.notes)
    path = _csv(tmp_path, "part_number,name\nA-1,#N/A\n")
    parsed = read_products(path)
    assert parsed.records[0]["name"] == "#N/A"
    assert any("p.csv:csv!B2: name: text '#N/A' looks like an Excel error value; kept as text" in n for n in parsed.notes)


def test_the_isolated_reader_turns_a_dying_child_into_a_clear_refusal(tmp_path):
    from workbench.services.import_isolated import read_products_isolated

    path = write_xlsx(tmp_path / "big.xlsx", [Sheet("S", [["part_number"], ["A-1"]])])
    assert read_products_isolated(path).records[0]["part_number"] == "A-1"
    with pytest.raises(ImportFailed) as info:
        read_products_isolated(path, limit=1 << 20)  # too little address space to read anything
    (line,) = info.value.problems
    assert line.startswith("big.xlsx: ")


def test_cli_near_duplicate_exits_2_naming_both_until_match_similar(tmp_path, capsys, monkeypatch):
    from workbench.services.catalog import create_catalog

    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    db = create_catalog(tmp_path / "c.db", demo=True)  # the demo holds the H100 this spelling resembles
    path = write_xlsx(tmp_path / "n.xlsx", [Sheet("S", [["型号", "FP16 算力 (TFLOPS)"], ["nvidia-h100-sxm5-80gb", 990.0]])])
    assert main(["import", str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert f"n.xlsx:S!A2: part number 'nvidia-h100-sxm5-80gb' matches the catalog's '{H100}'" in err
    assert main(["import", str(path), "--db", str(db), "--match-similar"]) == 0
    out = capsys.readouterr().out
    assert f"~ {H100}" in out and "fp16_tflops: 989.4 -> 990" in out
