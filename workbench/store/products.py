"""The products repository: reading the catalog and writing product changes with their audit rows.

Writers here never open or commit a transaction themselves: the caller wraps a whole operation
(an import, a demo load) in one ``write_transaction`` so that the products, their provenance and
the audit rows commit together or not at all.
"""

from __future__ import annotations

import hashlib
from operator import itemgetter
import sqlite3
from dataclasses import dataclass, field
from typing import Iterable, Optional

from workbench.engine.spec import TEMPLATE_FIELDS, ProductSpec
from workbench.store import audit
from workbench.store.schema import BOOL_COLUMNS

_BOOLS = frozenset(BOOL_COLUMNS)
_SELECT = f"SELECT {', '.join(TEMPLATE_FIELDS)} FROM products"


def _from_db(row: tuple) -> dict:
    return {f: (bool(v) if f in _BOOLS and v is not None else v) for f, v in zip(TEMPLATE_FIELDS, row)}


_FIELDS_OF = itemgetter(*TEMPLATE_FIELDS)


def _to_db(record: dict) -> tuple:
    """Template-field order; sqlite3 stores bools as 0/1 itself (bool is an int)."""
    return _FIELDS_OF(record)


def all_products(conn: sqlite3.Connection) -> dict[str, dict]:
    """part_number -> {template field: value}, in part-number order."""
    return {r[0]: _from_db(r) for r in conn.execute(_SELECT + " ORDER BY part_number")}


def get_product(conn: sqlite3.Connection, part_number: str) -> Optional[dict]:
    row = conn.execute(_SELECT + " WHERE part_number = ?", (part_number,)).fetchone()
    return _from_db(row) if row else None


def count_products(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM products").fetchone()[0]


def load_specs(conn: sqlite3.Connection) -> list[ProductSpec]:
    return [ProductSpec(**{k: v for k, v in rec.items() if v is not None}) for rec in all_products(conn).values()]


@dataclass
class ProductWrite:
    """One batch of product changes. ``updated`` rows carry the whole new record plus the diff."""
    added: list[dict] = field(default_factory=list)
    updated: list[tuple[dict, dict, dict]] = field(default_factory=list)  # (new record, before, after) diffs
    provenance: list[tuple[str, str, str, Optional[str], Optional[str]]] = field(default_factory=list)
    stale_provenance: list[tuple[str, str]] = field(default_factory=list)  # (part, field) whose figure changed
    origin: Optional[dict] = None  # where the change came from, e.g. {"file": ..., "sheet": ...}
    origin_rows: dict[str, object] = field(default_factory=dict)  # part -> row reference for the audit


def write_products(conn: sqlite3.Connection, batch: ProductWrite, *, actor: Optional[str] = None,
                   ruleset_sha256: Optional[str] = None, progress=None) -> int:
    """Apply ``batch`` inside the caller's transaction, one audit row per product changed.

    ``progress(phase, done, total)`` is called every 5,000 rows (for GUIs and the kill test).
    Returns the number of audit rows written.
    """
    if not conn.in_transaction:
        raise RuntimeError("write_products must run inside the caller's transaction")
    ts = audit.utc_now()
    cols = ", ".join(TEMPLATE_FIELDS)
    marks = ", ".join("?" * len(TEMPLATE_FIELDS))

    def rows(records: Iterable[dict], phase: str, total: int, tail: tuple):
        for i, rec in enumerate(records, start=1):
            if progress and i % 5000 == 0:
                progress(phase, i, total)
            yield (*_to_db(rec), *tail) if phase == "add" else (*_to_db(rec)[1:], ts, rec["part_number"])

    conn.executemany(f"INSERT INTO products ({cols}, created_utc, updated_utc) VALUES ({marks}, ?, ?)",
                     rows(batch.added, "add", len(batch.added), (ts, ts)))
    sets = ", ".join(f"{f} = ?" for f in TEMPLATE_FIELDS[1:])
    conn.executemany(f"UPDATE products SET {sets}, updated_utc = ? WHERE part_number = ?",
                     rows((new for new, _, _ in batch.updated), "update", len(batch.updated), ()))
    if batch.stale_provenance:
        conn.executemany("DELETE FROM spec_provenance WHERE part_number = ? AND field = ?", batch.stale_provenance)
    if batch.provenance:
        conn.executemany("INSERT OR REPLACE INTO spec_provenance (part_number, field, source, confidence, note) "
                         "VALUES (?, ?, ?, ?, ?)", batch.provenance)

    def changes():
        origin = batch.origin or {}
        for rec in batch.added:
            where = batch.origin_rows.get(rec["part_number"])
            yield audit.Change("product.add", rec["part_number"], None,
                               {"record": {k: v for k, v in rec.items() if v is not None},
                                **({"origin": {**origin, "row": where}} if origin else {})})
        for new, before, after in batch.updated:
            where = batch.origin_rows.get(new["part_number"])
            yield audit.Change("product.update", new["part_number"], {"fields": before},
                               {"fields": after, **({"origin": {**origin, "row": where}} if origin else {})})

    if progress:
        progress("audit", 0, len(batch.added) + len(batch.updated))
    return audit.append(conn, changes(), actor=actor, ruleset_sha256=ruleset_sha256, ts=ts)


def database_digest(conn: sqlite3.Connection) -> str:
    """SHA-256 of the full SQL dump (schema and every row): equal digests mean equal content.

    The dump's statements are sorted, so the digest ignores physical order (VACUUM may reorder
    schema entries and rows) but nothing else.
    """
    h = hashlib.sha256()
    for line in sorted(conn.iterdump()):
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()
