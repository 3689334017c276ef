"""The two kinds of catalog and how they are opened.

* A *company catalog* (``workbench init --db PATH``) starts empty: no products, letters or deals.
* The *demo catalog* (``workbench init --demo``, ``workbench gui --demo``) is a file of its own,
  made only on request: the real accelerators with the source of every figure, and the
  fictitious SAMPLE is-informed letter. Its kind is recorded when it is made
  (workbench.store.catalog_kind), and :func:`is_demo_catalog` is the one test of it.

Nothing opens a catalog by creating it: :func:`open_existing_catalog` refuses a missing path
(NoCatalog, exit 2) and an empty, foreign or damaged file (NotACatalog, exit 3) without touching
it; :func:`create_catalog` makes a new one and never replaces a file; :func:`open_or_create_company`
is for the commands that add data (import, deals add), which say when they made one.

Opening an existing catalog imports no engine model (the desktop app paints the catalog
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
from workbench.store.catalog_file import CatalogExists, NoCatalog, NotACatalog, check_catalog_file, create_new, exists
from workbench.store.catalog_kind import DEMO, catalog_kind
from workbench.store.products import ProductWrite, load_specs, write_products

__all__ = ["CatalogExists", "NoCatalog", "NotACatalog", "create_catalog", "is_demo_catalog", "open_existing_catalog",
           "open_or_create_company"]

if TYPE_CHECKING:
    from workbench.engine.spec import ProductSpec

DEMO_FILENAME = "demo-catalog.sqlite3"


def default_demo_path() -> Path:
    """Where ``init --demo`` and ``gui --demo`` keep the demo catalog: the user data folder, apart
    from any company catalog."""
    from platformdirs import user_data_path

    return user_data_path("export-control-workbench", appauthor=False) / DEMO_FILENAME


# workbench.services.letters' marker of a seeded sample letter (a test keeps the two equal).
SAMPLE_LETTER_KEY = "sample_letter"


class CatalogError(UserError):
    """The demo data shipped with the app could not be read (a packaging bug, not user input)."""


def is_demo_catalog(conn: sqlite3.Connection) -> bool:
    """True for the demo catalog (real accelerators and the fictitious sample letter): every memo
    page and exported sheet made from it says DEMO DATA. Read from the kind recorded when the
    catalog was made (a write-once row), not from what it holds now."""
    return catalog_kind(conn) == DEMO


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


def _fill(demo: bool):
    def build(conn: sqlite3.Connection) -> None:
        migrate(conn, None, on_create=load_demo if demo else None)
        if demo:
            from workbench.services.letters import ensure_sample_letter

            ensure_sample_letter(conn)
    return build


def create_catalog(db: Optional[str | os.PathLike] = None, *, demo: bool = False) -> Path:
    """Make a new catalog at ``db`` (--db / WORKBENCH_DB / the default location): an empty company
    catalog, or with ``demo`` the demo catalog. Refuses any existing file: a catalog already
    there is CatalogExists (exit 2), anything else NotACatalog (exit 3); neither is touched."""
    path = resolve_db_path(db)
    if exists(path):
        check_catalog_file(path)
        raise CatalogExists(f"{path}: a catalog is already there; init never replaces a file "
                            "(expected a new path, or open this one)")
    return create_new(path, _fill(demo))


def open_existing_catalog(db: Optional[str | os.PathLike] = None, *, deep_check: bool = True) -> sqlite3.Connection:
    """Open (and migrate) the catalog at --db / WORKBENCH_DB / the default location; NoCatalog when
    no file is there, NotACatalog for a file that is not a usable catalog. Creates nothing.
    ``deep_check=False`` skips SQLite's quick_check (the app has run it already at start-up)."""
    path = resolve_db_path(db)
    check_catalog_file(path, deep=deep_check)
    conn = connect(path)
    try:
        migrate(conn, Path(path))
    except BaseException:
        conn.close()
        raise
    return conn


def open_or_create_company(db: Optional[str | os.PathLike] = None) -> tuple[sqlite3.Connection, bool]:
    """The catalog at ``db``; when no file is there, a new empty company catalog (True: the caller
    tells the officer it was made). An unusable file is refused as by open_existing_catalog."""
    path = resolve_db_path(db)
    created = False
    if not exists(path):
        try:
            create_catalog(path)
            created = True
        except CatalogExists:
            pass  # made by another process meanwhile: open that one
    return open_existing_catalog(path), created


def open_catalog(db: Optional[str | os.PathLike] = None, *, with_demo: bool = True) -> sqlite3.Connection:
    """Open the catalog at ``db``, creating it (with the demo unless ``with_demo`` is False) when
    the path is new. For tests and benchmarks that need a catalog in a temporary folder; the
    commands and the app never create one this way (open_existing_catalog, create_catalog)."""
    path = resolve_db_path(db)
    conn = connect(path)
    try:
        migrate(conn, Path(path), on_create=load_demo if with_demo else None)
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise StoreError(f"{path}: application_id {app_id:#x} after migration (expected {APPLICATION_ID:#x})")
        if with_demo and not _sample_letter_seeded(conn):
            # The demo database holds the SAMPLE is-informed letter too, whichever entry
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
