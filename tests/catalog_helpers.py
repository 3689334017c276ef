"""Helpers shared by the store and import tests (not a test module)."""

from __future__ import annotations

from pathlib import Path

from workbench.engine.spec import TEMPLATE_FIELDS
from workbench.services.catalog import open_catalog
from workbench.store.products import all_products, database_digest


def fresh_catalog(tmp_path: Path, name: str = "catalog.db", with_demo: bool = True):
    """A new database in tmp_path, created as on first start (demo catalog loaded)."""
    return open_catalog(tmp_path / name, with_demo=with_demo)


def snapshot(conn) -> tuple[int, str]:
    """(product count, digest of the whole database's content)."""
    return conn.execute("SELECT count(*) FROM products").fetchone()[0], database_digest(conn)


def export_catalog_xlsx(conn, path: Path, sheet: str = "Products") -> Path:
    """The catalog as a canonical template workbook written by openpyxl (typed cells)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(TEMPLATE_FIELDS))
    for rec in all_products(conn).values():
        ws.append([rec[f] for f in TEMPLATE_FIELDS])
    wb.save(path)
    return path


HEADER = ["part_number", "vendor", "name", "product_type", "datacenter", "fp16_tflops", "die_area_mm2", "non_planar",
          "notes"]


def product_row(i: int) -> list:
    return [f"SYN-{i:06d}", "Acme", f"Synthetic {i}", "ic", "yes", 100.0 + i % 900, 400.0 + i % 300, "yes",
            f"row {i}"]
