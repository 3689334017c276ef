"""An officer's own workbook, imported as it is: every column mapped or flagged, every messy cell
reported by its address, only the real problems block (the duplicate, the formula with no value),
and once those are fixed the products classify to the classes their published figures give."""

from __future__ import annotations

from datetime import date

import pytest

from catalog_helpers import fresh_catalog, snapshot
from messy_workbooks import available_parts, messy_workbook
from workbench.paths import resources_dir
from workbench.cli import main
from workbench.engine import determine
from workbench.engine.spec import TEMPLATE_FIELDS, ProductSpec
from workbench.services.import_products import ImportFailed, import_products, read_products
from workbench.services.regimes import bundled_library
from workbench.store.products import all_products
from xlsx_builder import Sheet, write_xlsx

ON = date(2026, 3, 1)


@pytest.fixture
def empty(tmp_path):
    conn = fresh_catalog(tmp_path, "company.db", with_demo=False)
    yield conn
    conn.close()


@pytest.mark.parametrize("style", ["zh", "en"])
def test_only_the_duplicate_and_the_formula_block(empty, tmp_path, style):
    path = messy_workbook(tmp_path / f"line-{style}.xlsx", style)
    before = snapshot(empty)
    with pytest.raises(ImportFailed) as info:
        import_products(empty, path)
    problems = info.value.problems
    assert len(problems) == 2, problems
    assert "!C6: formula =C3*2 has no saved result" in problems[0]
    assert "!A19: duplicate part number 'NVIDIA-H20-HGX-96GB', first given at A8" in problems[1]
    notes = "\n".join(info.value.notes)
    assert "!C4: fp16_tflops: unit 'TFLOPS' removed from '312 TFLOPS'" in notes
    assert "text number '2,250' read as 2250" in notes
    assert "hidden sheets not read" in notes and "above the header row 2 were not read" in notes
    statuses = {c.header: (c.status, c.field) for c in info.value.columns}
    assert sum(1 for s, _ in statuses.values() if s == "mapped") == 13
    assert {s for s, f in statuses.values() if f is None} == {"foreign", "ignored"}  # price; the sparse supplement
    assert snapshot(empty) == before


@pytest.mark.parametrize("style", ["zh", "en"])
def test_once_fixed_the_products_classify_to_their_published_classes(empty, tmp_path, style):
    path = messy_workbook(tmp_path / f"fixed-{style}.xlsx", style, duplicate=False, formula_gap=False)
    plan = import_products(empty, path)
    assert len(plan.added) == 16
    lib = bundled_library()
    demo = {s.part_number: s for s in read_products(resources_dir() / "demo" / "catalog.csv").specs}
    stored = all_products(empty)
    for part in available_parts():
        ours = ProductSpec.model_validate({f: stored[part][f] for f in TEMPLATE_FIELDS})
        published = demo[part]
        for regime in lib.regimes:
            got = determine(ours, regime, lib.countries, on=ON).classification
            want = determine(published, regime, lib.countries, on=ON).classification
            assert got == want, (part, regime.id)
            assert got != "indeterminate" or want == "indeterminate", (part, regime.id)
    assert stored["NVIDIA-H100-SXM5-80GB"]["memory_bandwidth_gbs"] == pytest.approx(3350)


def test_missing_decisive_columns_are_costed_by_product_paragraph_and_column(empty, tmp_path):
    rows = [["型号", "FP16 算力 (TFLOPS)", "数据中心产品"], ["NVIDIA-H20-X", 148.0, "是"], ["BIG-1", 2250.0, "是"]]
    path = write_xlsx(tmp_path / "thin.xlsx", [Sheet("S", rows)])
    plan = import_products(empty, path, dry_run=True, cost_on=ON)
    text = "\n".join(plan.cost)
    assert "die_area_mm2" in text and "non_planar" in text and "indeterminate under" in text
    assert "NVIDIA-H20-X" in text and "芯片面积" in text


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    return tmp_path / "c.db"


def test_a_probable_column_blocks_until_mapped_or_ignored(tmp_path, db, capsys):
    path = write_xlsx(tmp_path / "p.xlsx", [Sheet("S", [["Part number", "FP16 TFLOP", "Price"], ["A-1", 10.0, 5.0]])])
    code, out, err = run(capsys, "import", path, "--db", db, "--dry-run")
    assert code == 2
    assert "p.xlsx:S!B1: column 'FP16 TFLOP' is probably fp16_tflops" in err and "map it?" in err
    assert "Price" not in err.split("Columns:")[-1].split("p.xlsx:S!")[-1]  # the price column does not block
    code, out, err = run(capsys, "import", path, "--db", db, "--dry-run", "--map", "FP16 TFLOP=fp16_tflops")
    assert code == 0 and "FP16 TFLOP" in out and "fp16_tflops" in out and "as you chose" in out
    code, out, err = run(capsys, "import", path, "--db", db, "--dry-run", "--ignore", "FP16 TFLOP")
    assert code == 0
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n  FP16 TFLOP: fp16_tflops\n", encoding="utf-8")
    code, out, err = run(capsys, "import", path, "--db", db, "--dry-run", "--mapping", mapping)
    assert code == 0
    code, out, err = run(capsys, "import", path, "--db", db, "--map", "FP16 TFLOP=fp17")
    assert code == 2 and "'fp17' is not a template field" in err


def test_numbers_with_a_unit_under_an_unknown_header_block(tmp_path, db, capsys):
    path = write_xlsx(tmp_path / "u.xlsx", [Sheet("S", [["型号", "规格X"], ["A-1", "814 mm²"], ["B-2", "600 mm2"]])])
    code, _, err = run(capsys, "import", path, "--db", db, "--dry-run")
    assert code == 2 and "column '规格X' is probably die_area_mm2" in err


def test_a_sparse_column_alone_is_never_mapped_to_the_dense_field_without_confirmation(tmp_path, db, capsys):
    path = write_xlsx(tmp_path / "s.xlsx", [Sheet("S", [["型号", "FP8 稀疏算力 (TFLOPS)"], ["A-1", 3958.0]])])
    code, _, err = run(capsys, "import", path, "--db", db, "--dry-run")
    assert code == 2 and "probably fp8_tflops (marked sparse; TPP uses dense figures)" in err
    code, out, err = run(capsys, "import", path, "--db", db, "--dry-run", "--map", "FP8 稀疏算力 (TFLOPS)=fp8_tflops")
    assert code == 0 and "marked sparse and was mapped to the dense field fp8_tflops as you chose" in out + err


def test_a_header_unit_the_field_cannot_take_is_refused_naming_the_header(tmp_path, db, capsys):
    path = write_xlsx(tmp_path / "w.xlsx", [Sheet("S", [["型号", "显存 (W)"], ["A-1", 80.0]])])
    code, _, err = run(capsys, "import", path, "--db", db, "--dry-run")
    assert code == 2 and "w.xlsx:S!B1: column '显存 (W)' is in W, which memory_gb cannot take" in err


def test_a_unit_typed_in_a_cell_is_converted_with_a_note(tmp_path):
    from workbench.services.import_products import read_products

    path = write_xlsx(tmp_path / "c.xlsx", [Sheet("S", [["型号", "显存带宽 (GB/s)", "数据中心 (是/否)"],
                                                         ["A-1", "3.35 TB/s", "否"], ["B-2", "1,935", "yes"]])])
    parsed = read_products(path)
    assert [r["memory_bandwidth_gbs"] for r in parsed.records] == [3350.0, 1935.0]
    assert [r["datacenter"] for r in parsed.records] == [False, True]
    assert any("'3.35 TB/s' converted to 3350 GB/s" in n for n in parsed.notes)


def test_a_unit_conversion_gives_the_decimal_figure_not_a_binary_neighbour(tmp_path):
    from workbench.services.import_products import read_products

    path = write_xlsx(tmp_path / "tb.xlsx", [Sheet("S", [["型号", "Memory bandwidth (TB/s)"], ["A-1", 2.039],
                                                          ["B-2", "4.8 TB/s"]])])
    parsed = read_products(path)
    assert [r["memory_bandwidth_gbs"] for r in parsed.records] == [2039.0, 4800.0]


def test_a_mapping_file_with_yaml_aliases_is_refused(tmp_path, db, capsys):
    path = write_xlsx(tmp_path / "p.xlsx", [Sheet("S", [["Part number", "FP16 TFLOP"], ["A-1", 10.0]])])
    mapping = tmp_path / "bomb.yaml"
    mapping.write_text("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", encoding="utf-8")
    code, _, err = run(capsys, "import", path, "--db", db, "--mapping", mapping)
    assert code == 2 and "anchors and aliases are not accepted" in err
