"""What the compiled catalog column reads from a catalog: every product's stored figures as plain
records, and a digest of the recorded letters. Plain SQL and the standard library only (read
before the engine's models are imported)."""

from __future__ import annotations

import hashlib
import sqlite3
from typing import Optional

from workbench.store.columns import BOOL_COLUMNS, PRODUCT_COLUMNS

_BOOLS = frozenset(BOOL_COLUMNS)
_SELECT = f"SELECT {', '.join(PRODUCT_COLUMNS)} FROM products ORDER BY part_number"


def product_records(conn: sqlite3.Connection, limit: int) -> Optional[list[dict]]:
    """Every product as {field: value} (booleans as bool), in part-number order; None when there
    are more than ``limit``."""
    if conn.execute("SELECT count(*) FROM products").fetchone()[0] > limit:
        return None
    fields = PRODUCT_COLUMNS
    return [{f: (bool(v) if f in _BOOLS and v is not None else v) for f, v in zip(fields, row)}
            for row in conn.execute(_SELECT)]


def letters_digest(conn: sqlite3.Connection) -> str:
    """SHA-256 of every recorded letter (reference, status, revision, data): changes whenever a
    letter is added, edited or changes status. "none" for a catalog from before the letters."""
    digest = hashlib.sha256()
    try:
        rows = conn.execute("SELECT ref, status, revision, data_json FROM letters ORDER BY ref").fetchall()
    except sqlite3.OperationalError:  # no letters table yet
        return "none"
    for row in rows:
        for value in row:
            text = str(value).encode("utf-8")
            digest.update(len(text).to_bytes(8, "big") + text)
    return digest.hexdigest()
