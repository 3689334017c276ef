"""An import indexes its audit entry's subjects (every part number it touched) in one statement over
a JSON array instead of row by row. It must store exactly what the row-by-row path stores: the
same entry, the same chain and state, the same subjects, the same catalog. Each file below is
imported twice into identical catalogs, once as it runs and once with the subjects inserted row by
row, and everything stored is compared."""

from __future__ import annotations

import csv
import json

import pytest

from catalog_helpers import fresh_catalog, snapshot
from messy_workbooks import messy_workbook
from workbench.engine.spec import TEMPLATE_FIELDS
from workbench.services.import_products import import_products
from workbench.store import audit, products
from workbench.store.audit_verify import verify
from xlsx_builder import Sheet, write_xlsx

H = list(TEMPLATE_FIELDS)


def _row(i: int, **values) -> list:
    r = dict.fromkeys(H)
    r.update(part_number=f"P-{i}", vendor="V", name=f"N{i}", product_type="ic", fp16_tflops=100.0 + i, notes=f"n{i}")
    r.update(values)
    return [r[f] for f in H]


ODD = [H,
       _row(1, fp16_tflops=-0.0, name='quote " and \\ back', notes="tab\there"),
       _row(2, fp16_tflops=0.0, datacenter="yes", has_hbm="no", name="中文 ünï", notes="line\nbreak"),
       _row(3, fp16_tflops=1e-7, die_area_mm2=987.125, process_node_nm=5, memory_gb=80, name="x'y"),
       _row(4, fp16_tflops="1,234.5", die_area_mm2="800 mm2", non_planar=True, weights_published=False),
       _row(5, fp16_tflops=0.1, bf16_tflops=2.5e5, vendor="\u200bzero", source="src \u2028 sep"),
       _row(6, product_type="board", tpp_basis="declared", tpp=4800, notes=None),
       _row(7, fp16_tflops=0.1, vendor="V", part_number="P-\u00e9\u4e2d")]


def _odd_csv(path):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        for r in ODD:
            writer.writerow(["" if v is None else "yes" if v is True else "no" if v is False else v for v in r])
    return path


FILES = {
    "messy-zh": lambda d: messy_workbook(d / "zh.xlsx", "zh", duplicate=False, formula_gap=False),
    "messy-en": lambda d: messy_workbook(d / "en.xlsx", "en", duplicate=False, formula_gap=False),
    "odd-xlsx": lambda d: write_xlsx(d / "odd.xlsx", [Sheet("Products", ODD)]),
    "odd-csv": lambda d: _odd_csv(d / "odd.csv"),
    "many": lambda d: write_xlsx(d / "many.xlsx", [Sheet("Products", [H] + [
        _row(i, fp16_tflops=float(i % 7), datacenter=("yes", "no", None)[i % 3], memory_gb=(80, 96)[i % 2])
        for i in range(1, 6001)])]),
}


def _generic(monkeypatch) -> None:
    """The subjects go in row by row."""
    def row_by_row(conn, subjects):
        conn.executemany("INSERT INTO audit_subjects (entity, seq) VALUES (?, ?)",
                         [(entity, seq) for seq, entities in subjects for entity in entities])
    monkeypatch.setattr(audit, "_insert_subjects", row_by_row)


def _stored(conn) -> dict:
    return {"audit": conn.execute("SELECT * FROM audit ORDER BY seq").fetchall(),
            "subjects": sorted(conn.execute("SELECT entity, seq FROM audit_subjects").fetchall()),
            "products": conn.execute("SELECT rowid, * FROM products ORDER BY rowid").fetchall(),
            "snapshot": snapshot(conn)}


def _import_twice(tmp_path, path, monkeypatch, with_demo: bool) -> tuple[dict, dict]:
    monkeypatch.setattr(audit, "utc_now", lambda: "2026-03-01T09:00:00.000000Z")
    monkeypatch.setattr(audit, "current_actor", lambda: "officer")
    stored = []
    for name in ("bulk", "generic"):
        if name == "generic":
            _generic(monkeypatch)
        conn = fresh_catalog(tmp_path, f"{name}.db", with_demo=with_demo)
        statements: list[str] = []
        conn.set_trace_callback(statements.append)
        import_products(conn, path, similar="add")
        conn.set_trace_callback(None)
        # not vacuous: the one-statement path ran in the first import, and only there
        assert any("json_each" in s for s in statements) == (name == "bulk")
        import_products(conn, path, similar="add")  # again: nothing changes, nothing is written
        assert verify(conn).ok
        stored.append(_stored(conn))
        conn.close()
    return stored[0], stored[1]


@pytest.mark.parametrize("with_demo", [False, True], ids=["empty", "demo"])
@pytest.mark.parametrize("name", list(FILES))
def test_a_bulk_built_entry_stores_exactly_what_the_generic_path_stores(tmp_path, monkeypatch, name, with_demo):
    path = FILES[name](tmp_path)
    bulk, generic = _import_twice(tmp_path, path, monkeypatch, with_demo)
    assert bulk == generic
    assert any(r[3] == "products.import" for r in bulk["audit"])


def test_an_update_stores_exactly_what_the_generic_path_stores(tmp_path, monkeypatch):
    """Changed figures, a cleared figure and new products in one file over the demo catalog."""
    first = fresh_catalog(tmp_path, "seed.db")
    demo = list(products.all_products(first).values())[:6]
    first.close()
    rows = [H]
    for i, rec in enumerate(demo):
        rec = {**rec, "fp16_tflops": (rec["fp16_tflops"] or 0) + 1.5 if i % 2 else rec["fp16_tflops"],
               "notes": None if i % 3 == 0 else rec["notes"]}
        rows.append(["yes" if rec[f] is True else "no" if rec[f] is False else rec[f] for f in H])
    rows += [_row(100 + i, fp16_tflops=-0.0 if i == 0 else float(i)) for i in range(5)]
    path = write_xlsx(tmp_path / "update.xlsx", [Sheet("Products", rows)])
    bulk, generic = _import_twice(tmp_path, path, monkeypatch, True)
    assert bulk == generic


def test_subjects_with_escapes_go_in_row_by_row_and_index_the_same(tmp_path):
    conn = fresh_catalog(tmp_path, with_demo=False)
    names = ["plain", 'q"uote', "back\\slash", "tab\there", "中文"]
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        audit.append(conn, [audit.Change("products.import", "import:x", None, {"n": 1}, subjects=tuple(names)),
                            audit.Change("products.import", "import:y", None, {"n": 2}, subjects=("a", "b", "c"))])
    assert sorted(conn.execute("SELECT entity, seq FROM audit_subjects")) == sorted(
        [(n, 1) for n in names] + [(n, 2) for n in "abc"])
    conn.close()
    assert json.dumps(names, ensure_ascii=False).count("\\") > 0  # the first change took the row-by-row way


def test_a_bulk_insert_leaves_the_state_triggers_as_they_were(tmp_path, monkeypatch):
    """The import drops the temporary insert trigger for its bulk insert (it could note nothing) and
    puts it back: after an import, and after a failed one, the connection's triggers are what they
    were and the catalog's schema gained none; a later edit in the same session is still bound."""
    from workbench.store.connection import write_transaction
    from workbench.store.products import ProductWrite, get_product, write_products

    conn = fresh_catalog(tmp_path, with_demo=True)
    schema = "SELECT type, name, sql FROM {}.sqlite_schema WHERE type = 'trigger' ORDER BY name"
    before = (conn.execute(schema.format("main")).fetchall(), conn.execute(schema.format("temp")).fetchall())
    import_products(conn, FILES["many"](tmp_path))
    assert (conn.execute(schema.format("main")).fetchall(), conn.execute(schema.format("temp")).fetchall()) == before

    monkeypatch.setattr(products, "CHUNK", 1000)
    calls = []

    def fail_midway(phase, done, total):
        calls.append(phase)
        if phase == "add" and done == 2000:
            raise RuntimeError("stop")
    bigger = write_xlsx(tmp_path / "more.xlsx", [Sheet("Products", [H] + [_row(i) for i in range(7000, 10000)])])
    with pytest.raises(RuntimeError, match="stop"):
        import_products(conn, bigger, progress=fail_midway)
    assert "add" in calls
    assert (conn.execute(schema.format("main")).fetchall(), conn.execute(schema.format("temp")).fetchall()) == before

    part = "P-7"
    old = get_product(conn, part)
    with write_transaction(conn):
        write_products(conn, ProductWrite(updated=[({**old, "notes": "edited"}, {"notes": old["notes"]},
                                                    {"notes": "edited"})]))
    assert verify(conn).ok
    conn.close()
