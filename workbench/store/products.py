"""The products repository: reading the catalog and writing product changes with their audit rows.

Writers here never open or commit a transaction themselves: the caller wraps a whole operation
(an import, a demo load) in one ``write_transaction`` so that the products, their provenance and
the audit rows commit together or not at all.
"""

from __future__ import annotations

import hashlib
from functools import partial
from operator import itemgetter
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Optional

from workbench.beside import Beside, Ends
from workbench.store import audit, audit_state
from workbench.store.stored_rows import products_table_is_strict, stored_products
from workbench.store.columns import BOOL_COLUMNS
from workbench.store.columns import PRODUCT_COLUMNS as TEMPLATE_FIELDS  # the engine's field list (a test checks)

if TYPE_CHECKING:
    from workbench.engine.spec import ProductSpec

_BOOLS = frozenset(BOOL_COLUMNS)
_SELECT = f"SELECT {', '.join(TEMPLATE_FIELDS)} FROM products"


def _from_db(row: tuple) -> dict:
    return {f: (bool(v) if f in _BOOLS and v is not None else v) for f, v in zip(TEMPLATE_FIELDS, row)}


_FIELDS_OF = itemgetter(*TEMPLATE_FIELDS)
PART = TEMPLATE_FIELDS.index("part_number")  # where the part number sits in a record tuple


_PART_AT = itemgetter(PART)


def _all_tuples(records: list) -> bool:
    """True when every record is already a tuple in template order (an import's are): then the
    rows go to SQLite and their part numbers are picked at C speed, with no call per row."""
    return set(map(type, records)) <= {tuple}


def _parts(records: list) -> tuple:
    if _all_tuples(records):
        return tuple(map(_PART_AT, records))
    return tuple(r[PART] if type(r) is tuple else r["part_number"] for r in records)


def _to_db(record: dict | tuple) -> tuple:
    """Template-field order; sqlite3 stores bools as 0/1 itself (bool is an int). A tuple already is."""
    return record if type(record) is tuple else _FIELDS_OF(record)


def all_products(conn: sqlite3.Connection) -> dict[str, dict]:
    """part_number -> {template field: value}, in part-number order."""
    return {r[0]: _from_db(r) for r in conn.execute(_SELECT + " ORDER BY part_number")}


def get_product(conn: sqlite3.Connection, part_number: str) -> Optional[dict]:
    row = conn.execute(_SELECT + " WHERE part_number = ?", (part_number,)).fetchone()
    return _from_db(row) if row else None


def count_products(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM products").fetchone()[0]


def load_specs(conn: sqlite3.Connection) -> list[ProductSpec]:
    from workbench.engine.spec import SpecError, make_spec

    specs = []
    for rec in all_products(conn).values():
        try:
            specs.append(make_spec(**{k: v for k, v in rec.items() if v is not None}))
        except SpecError as exc:  # recorded before a bound existed: one clear line, no traceback
            raise SpecError([(f"stored product {rec.get('part_number')}: {f}", v, e) for f, v, e in exc.problems]) from None
    return specs


def iter_specs(conn: sqlite3.Connection):
    """Every product's spec in part-number order, streamed (stored rows are valid: no re-validation)."""
    from workbench.engine.spec import ProductSpec

    build = ProductSpec.model_construct
    for row in conn.execute(_SELECT + " ORDER BY part_number"):
        yield build(**{k: v for k, v in _from_db(row).items() if v is not None})


@dataclass
class ProductWrite:
    """One batch of product changes. ``updated`` rows carry the whole new record plus the diff.

    ``as_import``: audit the batch as one ``products.import`` row holding every added record and
    every changed field, naming each part number as a subject; otherwise one row per product (an
    edit, the demo load)."""
    added: list[dict | tuple] = field(default_factory=list)  # records: dicts, or tuples in TEMPLATE_FIELDS order
    updated: list[tuple[dict, dict, dict]] = field(default_factory=list)  # (new record, before, after) diffs
    provenance: list[tuple[str, str, str, Optional[str], Optional[str]]] = field(default_factory=list)
    stale_provenance: list[tuple[str, str]] = field(default_factory=list)  # (part, field) whose figure changed
    origin: Optional[dict] = None  # where the change came from, e.g. {"file": ..., "sheet": ...}
    origin_rows: dict[str, object] = field(default_factory=dict)  # part -> row reference for the audit
    as_import: bool = False


CHUNK = 5_000  # rows per executemany call; progress is reported between chunks


def write_products(conn: sqlite3.Connection, batch: ProductWrite, *, actor: Optional[str] = None,
                   ruleset_sha256: Optional[str] = None, progress=None) -> int:
    """Apply ``batch`` inside the caller's transaction and audit it; returns the audit rows written.

    ``progress(phase, done, total)`` is called every 5,000 rows (for GUIs and the kill test).
    """
    if not conn.in_transaction:
        raise RuntimeError("write_products must run inside the caller's transaction")
    ts = audit.utc_now()
    if not (batch.as_import and (batch.added or batch.updated)):
        _write_rows(conn, batch, ts, progress)
        if progress:
            progress("audit", 0, len(batch.added) + len(batch.updated))
        changes = _product_changes(batch) if not batch.as_import else []
        return audit.append(conn, changes, actor=actor, ruleset_sha256=ruleset_sha256, ts=ts)
    # An import: its entry's JSON and the new rows' digests are computed beside the insert. The
    # child builds the JSON, then hashes chunks of the new rows from the front while this process,
    # its insert done, hashes them from the back (beside.Ends), so neither waits long for the other.
    fork = len(batch.added) + len(batch.updated) >= FORK_FROM
    ends = Ends(-(-len(batch.added) // DIGEST_CHUNK))
    entry = Beside(lambda sha256: _import_entry(batch, sha256, ends), fork=fork)
    try:
        top = _top_rowid(conn)
        _write_rows(conn, batch, ts, progress)
        if progress:
            progress("audit", 0, len(batch.added) + len(batch.updated))
        here = partial(_chunk_digest, batch.added, sha256=hashlib.sha256)
        back = ends.back(here)
        before, after, front = entry.result()
        sums = ends.merge(front, back, here)
    finally:
        entry.close()
        ends.close()
    digest = None if None in sums else sum(sums)
    known = _known_rows(conn, batch, top, digest)
    change = _import_change(batch, audit.Encoded(before) if before is not None else None, audit.Encoded(after))
    return audit.append(conn, [change], actor=actor, ruleset_sha256=ruleset_sha256, ts=ts, known=known)


FORK_FROM = 2_000  # rows from which an import forks to compute its entry beside the insert (workbench.beside)
DIGEST_CHUNK = 1_000  # new rows hashed per chunk when the two processes share the digests out (about 5 ms)


def _top_rowid(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(rowid), 0) FROM products").fetchone()[0]


def _import_entry(batch: ProductWrite, sha256, ends: Ends) -> tuple[Optional[str], str, list]:
    """(before JSON, after JSON, the digests of the chunks of added rows taken from the front): what
    an import's entry needs that costs Python time in proportion to its rows."""
    before, after = import_payload(batch)
    before, after = audit.canonical_json(before), audit.canonical_json(after)
    return before, after, ends.front(partial(_chunk_digest, batch.added, sha256=sha256))


def _chunk_digest(records: list, i: int, sha256) -> Optional[int]:
    """The state digest of chunk ``i`` of ``records`` once stored (0 for none), or None when it is
    not certain."""
    rows = stored_products(map(_to_db, records[i * DIGEST_CHUNK:(i + 1) * DIGEST_CHUNK]))
    return audit_state.rows_sum("products", rows, sha256) if rows is not None else None


def _known_rows(conn: sqlite3.Connection, batch: ProductWrite, top: int, digest: Optional[int]):
    """The added rows as audit_state.KnownRows, when it is certain they are exactly the rowids
    above ``top`` (the insert gave each new row the largest rowid + 1, and no update of this batch
    touched one), and the table stores what stored_rows assumes; otherwise None (read them back)."""
    if digest is None or not batch.added:
        return None
    upto = _top_rowid(conn)
    updated = {new["part_number"] for new, _, _ in batch.updated}
    if upto - top != len(batch.added) or not updated.isdisjoint(_parts(batch.added)):
        return None
    if not products_table_is_strict(conn):
        return None
    return {"products": audit_state.KnownRows(top, upto, digest)}


def _write_rows(conn: sqlite3.Connection, batch: ProductWrite, ts: str, progress) -> None:
    cols = ", ".join(TEMPLATE_FIELDS)
    marks = ", ".join("?" * len(TEMPLATE_FIELDS))
    stamp = "'" + ts.replace("'", "''") + "'"  # one value for every row: a literal, not two bindings per row
    insert = f"INSERT INTO products ({cols}, created_utc, updated_utc) VALUES ({marks}, {stamp}, {stamp})"
    update = f"UPDATE products SET {', '.join(f'{f} = ?' for f in TEMPLATE_FIELDS[1:])}, updated_utc = ? WHERE part_number = ?"
    if batch.added:
        with audit_state.appending(conn, "products"):
            _in_chunks(conn, "add", insert, batch.added, None if _all_tuples(batch.added) else _to_db, progress)
    _in_chunks(conn, "update", update, [new for new, _, _ in batch.updated],
               lambda rec: (*_FIELDS_OF(rec)[1:], ts, rec["part_number"]), progress)
    if batch.stale_provenance:
        conn.executemany("DELETE FROM spec_provenance WHERE part_number = ? AND field = ?", batch.stale_provenance)
    if batch.provenance:
        conn.executemany("INSERT OR REPLACE INTO spec_provenance (part_number, field, source, confidence, note) "
                         "VALUES (?, ?, ?, ?, ?)", batch.provenance)


def _in_chunks(conn: sqlite3.Connection, phase: str, sql: str, records: list, row, progress) -> None:
    for start in range(0, len(records), CHUNK):
        chunk = records[start:start + CHUNK]
        conn.executemany(sql, chunk if row is None else map(row, chunk))
        if progress and start + CHUNK <= len(records):
            progress(phase, start + CHUNK, len(records))


def _product_changes(batch: ProductWrite) -> Iterable[audit.Change]:
    origin = batch.origin or {}
    for rec in batch.added:
        if type(rec) is tuple:
            rec = dict(zip(TEMPLATE_FIELDS, rec))
        where = batch.origin_rows.get(rec["part_number"])
        yield audit.Change("product.add", rec["part_number"], None,
                           {"record": {k: v for k, v in rec.items() if v is not None},
                            **({"origin": {**origin, "row": where}} if origin else {})})
    for new, before, after in batch.updated:
        where = batch.origin_rows.get(new["part_number"])
        yield audit.Change("product.update", new["part_number"], {"fields": before},
                           {"fields": after, **({"origin": {**origin, "row": where}} if origin else {})})


IMPORT_COLUMNS = ("row", *TEMPLATE_FIELDS)  # the order of each added record in a products.import row


def import_payload(batch: ProductWrite) -> tuple[Optional[dict], dict]:
    """(before, after) of a ``products.import`` audit row.

    after = {"origin": {...}, "columns": IMPORT_COLUMNS, "added": [[row, value, ...], ...],
             "changed": {part: {"row": row, "fields": {field: new}}}}; before = {"changed": {part: {field: old}}}.
    Added records are lists in IMPORT_COLUMNS order (a dict per record would repeat every key).
    """
    rows = batch.origin_rows
    after = {"origin": batch.origin or {}, "columns": list(IMPORT_COLUMNS),
             "added": [[rows.get(row[PART]), *row] for row in map(_to_db, batch.added)],
             "changed": {new["part_number"]: {"row": rows.get(new["part_number"]), "fields": a}
                         for new, _, a in batch.updated}}
    before = {"changed": {new["part_number"]: b for new, b, _ in batch.updated}} if batch.updated else None
    return before, after


def _import_change(batch: ProductWrite, before, after) -> audit.Change:
    """The one ``products.import`` change; ``before``/``after`` are import_payload's, maybe encoded."""
    parts = _parts(batch.added) + tuple(new["part_number"] for new, _, _ in batch.updated)
    return audit.Change("products.import", f"import:{(batch.origin or {}).get('file', '?')}", before, after,
                        subjects=parts)


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
