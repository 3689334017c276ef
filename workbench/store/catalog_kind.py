"""Which kind of catalog a file is: an officer's company catalog or the demo catalog.

The kind is written once, when the catalog is created (migration 6 sets it in ``catalog_meta``,
whose rows can be neither changed nor deleted), so that every memo and exported sheet made from
the demo can say DEMO DATA, and so that company data and demo data never mix. A catalog made
before the marker existed gets the kind its history shows: the demo catalog's first audit row is
the load of the bundled demo/catalog.csv.
"""

from __future__ import annotations

import sqlite3

DEMO, COMPANY = "demo", "company"
KIND_KEY = "kind"
DEMO_ORIGIN_FILE = "demo/catalog.csv"  # the origin services.catalog.demo_batch records

CATALOG_META_TABLES: list[str] = [
    "CREATE TABLE catalog_meta (key TEXT PRIMARY KEY NOT NULL CHECK (length(key) > 0), value TEXT NOT NULL) STRICT",
    """CREATE TRIGGER catalog_meta_no_update BEFORE UPDATE ON catalog_meta
BEGIN SELECT RAISE(ABORT, 'catalog_meta is write-once: rows cannot be changed or deleted'); END""",
    """CREATE TRIGGER catalog_meta_no_delete BEFORE DELETE ON catalog_meta
BEGIN SELECT RAISE(ABORT, 'catalog_meta is write-once: rows cannot be changed or deleted'); END""",
    # New catalogs: migration 1 has just run with (demo) or without (company) the demo load.
    # Older catalogs: their first audit row says whether they were created with the demo.
    f"""INSERT INTO catalog_meta (key, value)
SELECT '{KIND_KEY}', CASE WHEN EXISTS (
  SELECT 1 FROM audit WHERE seq = 1 AND json_valid(after_json)
    AND json_extract(after_json, '$.origin.file') = '{DEMO_ORIGIN_FILE}') THEN '{DEMO}' ELSE '{COMPANY}' END""",
]


def catalog_kind(conn: sqlite3.Connection) -> str:
    """DEMO or COMPANY. A catalog not yet migrated (opened read-only) is judged by its history."""
    try:
        row = conn.execute("SELECT value FROM catalog_meta WHERE key = ?", (KIND_KEY,)).fetchone()
    except sqlite3.OperationalError:  # no catalog_meta table yet
        row = None
    if row is not None:
        return DEMO if row[0] == DEMO else COMPANY
    return DEMO if _created_with_demo(conn) else COMPANY


def _created_with_demo(conn: sqlite3.Connection) -> bool:
    import json

    try:
        row = conn.execute("SELECT after_json FROM audit WHERE seq = 1").fetchone()
    except sqlite3.OperationalError:
        return False
    if not row or not row[0]:
        return False
    try:
        return (json.loads(row[0]).get("origin") or {}).get("file") == DEMO_ORIGIN_FILE
    except (ValueError, AttributeError):
        return False
