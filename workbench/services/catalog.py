"""Opening the catalog: connect, migrate, and on first start load the demo catalog with the
provenance of every figure, all in the transaction that creates the schema.

Opening an existing catalog imports no engine model (issue 4: the desktop app paints the catalog
before pydantic is imported); the demo's readers and the sample letter's service are imported
only when there is something to write.
"""

from __future__ import annotations

import csv
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from workbench.errors import UserError
from workbench.paths import resources_dir
from workbench.store import APPLICATION_ID, StoreError, connect, migrate, resolve_db_path
from workbench.store.products import ProductWrite, load_specs, write_products

if TYPE_CHECKING:
    from workbench.engine.spec import ProductSpec

# workbench.services.letters' marker of a seeded sample letter (a test keeps the two equal).
SAMPLE_LETTER_KEY = "sample_letter"


class CatalogError(UserError):
    """The demo data shipped with the app could not be read (a packaging bug, not user input)."""


def is_demo_catalog(conn: sqlite3.Connection) -> bool:
    """True for the demo catalog (real accelerators and the fictitious sample letter): every memo
    page and exported sheet made from it says DEMO DATA."""
    from workbench.services.letters import _is_demo_catalog

    return _is_demo_catalog(conn)


def demo_batch() -> ProductWrite:
    from workbench.engine.spec import ProductSpec
    from workbench.io.template import parse_products  # the file readers: only when the demo is written

    demo = resources_dir() / "demo"
    parsed = parse_products(demo / "catalog.csv")
    if parsed.errors:
        raise CatalogError("demo catalog is invalid: " + "; ".join(str(e) for e in parsed.errors[:5]))
    records = [spec.model_dump() for spec in parsed.specs]
    known = {r["part_number"] for r in records}
    provenance = []
    with open(demo / "sources.csv", encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["part_number"] not in known or row["field"] not in ProductSpec.model_fields:
                raise CatalogError(f"sources.csv names an unknown product or field: {row['part_number']}.{row['field']}")
            provenance.append((row["part_number"], row["field"], row["source"], row.get("confidence") or None,
                               row.get("note") or None))
    return ProductWrite(added=records, provenance=provenance, origin={"file": "demo/catalog.csv"},
                        origin_rows={p: n for p, n in parsed.rows.items()})


def load_demo(conn: sqlite3.Connection) -> None:
    """Write the demo catalog inside the caller's transaction."""
    write_products(conn, demo_batch())


def open_catalog(db: Optional[str | os.PathLike] = None, *, with_demo: bool = True) -> sqlite3.Connection:
    """Open (creating on first start) the catalog at --db / WORKBENCH_DB / the default location."""
    path = resolve_db_path(db)
    conn = connect(path)
    try:
        migrate(conn, Path(path), on_create=load_demo if with_demo else None)
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise StoreError(f"{path}: application_id {app_id:#x} after migration (expected {APPLICATION_ID:#x})")
        if with_demo and not _sample_letter_seeded(conn):
            # The demo database holds the SAMPLE is-informed letter too (issue 5), whichever entry
            # point created it (CLI, GUI); seeded once, so a closed sample stays closed.
            from workbench.services.letters import ensure_sample_letter

            ensure_sample_letter(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _sample_letter_seeded(conn: sqlite3.Connection) -> bool:
    """The sample letter's marker is set (the usual case after the first start): nothing to seed,
    and no need to import the letters service (and the engine) to find that out."""
    return conn.execute("SELECT 1 FROM letter_meta WHERE key = ?", (SAMPLE_LETTER_KEY,)).fetchone() is not None


def catalog_specs(conn: sqlite3.Connection) -> list[ProductSpec]:
    return load_specs(conn)
