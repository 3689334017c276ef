"""The source of every figure: an explicit source row, else the newest import that set the figure
(found through the import's audit entry, which holds file, sheet, row and values)."""

from __future__ import annotations

import pytest

from catalog_helpers import fresh_catalog
from workbench.services.import_products import import_products
from workbench.store.connection import write_transaction
from workbench.store.products import ProductWrite, get_product, write_products
from workbench.store.provenance import figure_sources
from xlsx_builder import Sheet, write_xlsx

H100 = "NVIDIA-H100-SXM5-80GB"


@pytest.fixture
def catalog(tmp_path):
    conn = fresh_catalog(tmp_path)
    yield conn
    conn.close()


def _import(conn, tmp_path, name, rows):
    import_products(conn, write_xlsx(tmp_path / name, [Sheet("Products", rows)]))
    return conn.execute("SELECT max(seq) FROM audit").fetchone()[0]


def _both_paths(conn, part):
    """The product view's path (one part, SQLite JSON) and the export's (every part, Python JSON) agree."""
    few = figure_sources(conn, [part]).get(part, {})
    assert figure_sources(conn).get(part, {}) == few
    assert figure_sources(conn, [part, *[f"X{i}" for i in range(10)]]).get(part, {}) == few  # the bulk path for a subset
    return few


def test_an_imported_product_takes_its_rows_source_for_every_figure_it_gave(catalog, tmp_path):
    seq = _import(catalog, tmp_path, "new.xlsx", [["part_number", "fp16_tflops", "die_area_mm2", "source", "notes"],
                                                  ["NEW-1", 500, 600, "Acme datasheet rev 3", "x"]])
    sources = _both_paths(catalog, "NEW-1")
    note = sources["fp16_tflops"][2]
    assert sources["fp16_tflops"][0] == sources["die_area_mm2"][0] == "Acme datasheet rev 3"
    assert note.startswith("imported from new.xlsx:Products row 2 on ") and note.endswith(f"(audit entry #{seq})")
    assert "part_number" not in sources and "notes" not in sources and "source" not in sources
    assert "fp64_tflops" not in sources  # not given, so no source


def test_an_import_that_changes_a_figure_replaces_its_cited_source_and_leaves_the_others(catalog, tmp_path):
    cited = figure_sources(catalog, [H100])[H100]
    assert "fp16_tflops" in cited and "die_area_mm2" in cited
    seq = _import(catalog, tmp_path, "upd.xlsx", [["part_number", "fp16_tflops"], [H100, 990]])
    sources = _both_paths(catalog, H100)
    assert sources["fp16_tflops"][0] == "import of upd.xlsx:Products" and f"#{seq}" in sources["fp16_tflops"][2]
    assert sources["die_area_mm2"] == cited["die_area_mm2"]  # unchanged figure keeps its cited source

    seq2 = _import(catalog, tmp_path, "again.xlsx", [["part_number", "fp16_tflops", "memory_gb"], [H100, 991, None]])
    sources = _both_paths(catalog, H100)
    assert f"#{seq2}" in sources["fp16_tflops"][2]  # the newest import wins
    assert get_product(catalog, H100)["memory_gb"] is None and "memory_gb" not in sources  # emptied: no source


def test_an_edit_with_a_source_after_an_import_wins(catalog, tmp_path):
    _import(catalog, tmp_path, "new.xlsx", [["part_number", "fp16_tflops"], ["NEW-2", 500]])
    new = {**get_product(catalog, "NEW-2"), "fp16_tflops": 510.0}
    batch = ProductWrite(updated=[(new, {"fp16_tflops": 500.0}, {"fp16_tflops": 510.0})],
                         provenance=[("NEW-2", "fp16_tflops", "vendor errata 2026-03", "primary", None)],
                         stale_provenance=[("NEW-2", "fp16_tflops")])
    with write_transaction(catalog):
        write_products(catalog, batch)
    assert _both_paths(catalog, "NEW-2")["fp16_tflops"] == ("vendor errata 2026-03", "primary", None)
