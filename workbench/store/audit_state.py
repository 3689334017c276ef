"""The catalog's state, bound to the audit log: what makes a change made outside the app visible.

The hash chain proves the log was not edited, but not that the catalog still holds what the log
says: a direct ``UPDATE products ...`` through sqlite3 leaves the log untouched. So each append
(workbench.store.audit.append) records in its last entry the *state* of the bound tables after the
change, and ``audit verify`` recomputes that state from the tables and compares.

A table's state is the sum, modulo 2^256, of the SHA-256 of each of its rows (a multiset hash: no
order, and one changed row changes it by the difference of two row hashes). That makes each append
cost only the rows it changed: temporary triggers, installed on every connection the store opens
(:func:`track`), note each row changed (see there) in temporary tables, in the writer's own
transaction (a rollback drops the notes too); ``append`` subtracts the changed rows' old digests
from the state recorded in the previous entry and adds their new ones. A change made by any other connection (sqlite3,
a DB browser) is never added, so it stays visible to ``verify`` however many changes follow. Only
a connection without the triggers falls back to recomputing the tables (and so accepts what it
finds): every connection from workbench.store.connect has them.

The columns bound are frozen here, as of the migration that introduced the binding: a later
migration that adds a column to a bound table must re-bind (append a ``catalog.state.bind``
entry), or leave the new column unbound.
"""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, Optional

STATE_COLUMN = "state_sha256"
BIND_ACTION = "catalog.state.bind"
_MOD = 1 << 256
_DELTA = "wb_state_delta"

# table -> (columns hashed, ORDER BY not needed: the sum ignores order)
BOUND: dict[str, tuple[str, ...]] = {
    "products": (
        "part_number", "vendor", "name", "product_type", "datacenter", "fp64_tflops", "fp32_tflops", "tf32_tflops",
        "fp16_tflops", "bf16_tflops", "fp8_tflops", "int8_tops", "fp4_tflops", "int4_tops", "tpp", "die_area_mm2",
        "non_planar", "process_node_nm", "transistors_billion", "has_hbm", "memory_gb", "memory_bandwidth_gbs",
        "interconnect_bandwidth_gbs", "hbm_bandwidth_density_gbs_mm2", "training_ops", "weights_published", "source",
        "notes", "tpp_basis"),
    "letters": ("ref", "status", "addressee", "received", "effective", "data_json"),
    "letter_attachments": ("id", "ref", "file_name", "stored_name", "sha256", "size", "original_path"),
    "deals": ("id", "reference", "deal_date", "exporter", "consignee_name", "consignee_country", "consignee_hq",
              "consignee_parent_hq", "end_user_name", "end_user_country", "end_user_hq", "end_user_parent_hq",
              "destination", "end_use", "authorization", "notified_on", "exports_from_us", "status", "notes"),
    "deal_lines": ("deal_id", "line_no", "part_number", "quantity", "unit_value_usd"),
    "us_shipments": ("part_number", "units", "source"),
    "g2g_agreements": ("country", "note"),
}
# How verify names a table whose rows differ from the log.
LABELS = {"products": "products", "letters": "is-informed letters", "letter_attachments": "letter attachments",
          "deals": "deals", "deal_lines": "deal lines", "us_shipments": "US shipment figures",
          "g2g_agreements": "government-to-government agreements"}


def row_digest(table: str, row: tuple) -> int:
    """One row's contribution to its table's state (the same for the changes noted and in verify)."""
    return int.from_bytes(hashlib.sha256(repr((table, tuple(row))).encode("utf-8")).digest(), "big")


def rows_sum(table: str, rows, sha256=hashlib.sha256) -> int:
    """Sum of the row digests of ``rows`` (inlined row_digest: this runs per row). ``sha256`` may
    be the interpreter's own implementation, for a forked child that must not touch a lock another
    thread may have held at the fork (workbench.beside)."""
    from_bytes, total = int.from_bytes, 0
    for row in rows:
        total += from_bytes(sha256(repr((table, row)).encode("utf-8")).digest(), "big")
    return total


@dataclass(frozen=True)
class KnownRows:
    """Rows a bulk insert just added whose digests the writer computed from the values it bound
    (workbench.store.stored_rows), so that the append need not read them back: the rowids
    ``after`` < rowid <= ``upto``, summing to ``digest``. The writer guarantees that the insert
    added exactly those rowids and that nothing changed them since."""
    after: int
    upto: int
    digest: int


def has_state_column(conn: sqlite3.Connection) -> bool:
    return any(r[1] == STATE_COLUMN for r in conn.execute("PRAGMA table_info(audit)"))


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}


def _delta_table(table: str) -> str:
    return f"{_DELTA}_{table}"


_MARK = "wb_state_mark"  # per table: the largest rowid when the current window of changes began


def track(conn: sqlite3.Connection) -> None:
    """Install the temporary triggers that note each bound row changed on this connection.

    A window of changes runs from one append to the next. Rows inserted in it are the rows whose
    rowid is above the table's largest rowid when it began (SQLite gives a new row the largest
    rowid + 1; the app never chooses rowids), so such an insert writes no note: an import of
    50,000 rows stays a bulk insert. Every other row is noted on its first change in the window
    (``INSERT OR IGNORE`` on its rowid): an update or delete with a copy of its old values, an
    insert that reuses a freed rowid below the mark as new. At append
    the state loses those old rows' digests and gains the digests of the noted and new rows as
    they are now, which is the net effect of any sequence of changes. Plain SQL, no call into
    Python per row. Idempotent; tables that do not exist yet are tracked once a later call finds them.
    """
    # REPLACE conflict resolution fires delete triggers only with recursive triggers on.
    conn.execute("PRAGMA recursive_triggers = ON")
    if conn.execute("PRAGMA temp_store").fetchone()[0] != 2:
        # Changing temp_store drops temporary objects, so it is set only before any exist.
        conn.execute("PRAGMA temp_store = MEMORY")
    present = {r[0] for r in conn.execute("SELECT name FROM temp.sqlite_schema")}
    if _MARK not in present:
        conn.execute(f"CREATE TEMP TABLE {_MARK} (tbl TEXT PRIMARY KEY, rid INTEGER NOT NULL)")
    for table in BOUND.keys() & _tables(conn):
        delta = _delta_table(table)
        if delta in present:
            continue
        cols = BOUND[table]
        old = ", ".join("OLD." + c for c in cols)
        # Columns without a declared type keep every value exactly as stored (no affinity).
        conn.execute(f"CREATE TEMP TABLE {delta} (rid INTEGER PRIMARY KEY, existed INTEGER NOT NULL, "
                     f"{', '.join(cols)})")
        _start_window(conn, table)
        mark = f"(SELECT rid FROM {_MARK} WHERE tbl = '{table}')"
        # A new row normally lands above the mark; one that reuses a freed rowid below it is noted
        # as new, so that a later update or delete in the same window does not count it as old.
        # "Only the first note counts" is a WHERE NOT EXISTS, not INSERT OR IGNORE: inside a trigger
        # the outer statement's conflict clause wins, and an outer INSERT OR REPLACE would replace it.
        first = f"WHERE NOT EXISTS (SELECT 1 FROM {delta} WHERE rid = {{row}}.rowid)"
        conn.execute(_insert_trigger(table))
        for op in ("UPDATE", "DELETE"):
            conn.execute(f"CREATE TEMP TRIGGER {delta}_{op.lower()} AFTER {op} ON main.{table} WHEN OLD.rowid <= {mark} "
                         f"BEGIN INSERT INTO {delta} SELECT OLD.rowid, 1, {old} {first.format(row='OLD')}; END")


def _insert_trigger(table: str) -> str:
    delta = _delta_table(table)
    mark = f"(SELECT rid FROM {_MARK} WHERE tbl = '{table}')"
    return (f"CREATE TEMP TRIGGER {delta}_insert AFTER INSERT ON main.{table} WHEN NEW.rowid <= {mark} "
            f"BEGIN INSERT INTO {delta} (rid, existed) SELECT NEW.rowid, 0 WHERE NOT EXISTS "
            f"(SELECT 1 FROM {delta} WHERE rid = NEW.rowid); END")


@contextmanager
def appending(conn: sqlite3.Connection, table: str) -> Iterator[None]:
    """A bulk insert of new rows into ``table`` inside the caller's transaction.

    The insert trigger notes only a row that lands at or below the window's mark, and SQLite gives
    a new row the largest rowid + 1; so while the largest rowid is at or above the mark, no row
    this insert adds can be noted, and evaluating the trigger's condition for each of 50,000 rows
    is pure cost. It is dropped for the insert and put back, both in the caller's transaction (a
    rollback restores it either way). In any other case nothing changes."""
    name = f"{_delta_table(table)}_insert"
    found = conn.execute("SELECT 1 FROM temp.sqlite_schema WHERE type = 'trigger' AND name = ?", (name,)).fetchone()
    mark = conn.execute(f"SELECT rid FROM {_MARK} WHERE tbl = ?", (table,)).fetchone() if found else None
    top = conn.execute(f"SELECT coalesce(max(rowid), 0) FROM main.{table}").fetchone()[0] if mark else None
    if not conn.in_transaction or mark is None or top is None or not mark[0] <= top < 1 << 62:
        yield
        return
    conn.execute(f"DROP TRIGGER temp.{name}")
    try:
        yield
    finally:
        # A rollback SQLite made by itself (a full disk) has put the trigger back already.
        if conn.in_transaction and conn.execute("SELECT 1 FROM temp.sqlite_schema WHERE type = 'trigger' AND name = ?",
                                                (name,)).fetchone() is None:
            conn.execute(_insert_trigger(table))


def _start_window(conn: sqlite3.Connection, table: str) -> None:
    conn.execute(f"DELETE FROM {_delta_table(table)}")
    conn.execute(f"INSERT OR REPLACE INTO {_MARK} (tbl, rid) SELECT '{table}', coalesce(max(rowid), 0) FROM main.{table}")


def _tracked_tables(conn: sqlite3.Connection) -> set[str]:
    names = {r[0] for r in conn.execute("SELECT name FROM temp.sqlite_schema WHERE type = 'table'")}
    return {t for t in BOUND if _delta_table(t) in names}


def parse_state(text: Optional[str]) -> dict[str, int]:
    """``table=hex;...`` -> {table: state}; tables not named are empty (state 0)."""
    out = {t: 0 for t in BOUND}
    for part in (text or "").split(";"):
        if "=" in part:
            table, value = part.split("=", 1)
            out[table] = int(value, 16)
    return out


def format_state(state: dict[str, int]) -> str:
    return ";".join(f"{t}={state.get(t, 0) % _MOD:064x}" for t in BOUND)


def current_state(conn: sqlite3.Connection) -> dict[str, int]:
    """Recompute every bound table's state from its rows (what verify compares with the log)."""
    present = _tables(conn)
    return {table: (rows_sum(table, conn.execute(f"SELECT {', '.join(cols)} FROM {table}")) % _MOD
                    if table in present else 0)
            for table, cols in BOUND.items()}


def logged_state(conn: sqlite3.Connection) -> tuple[int, dict[str, int]]:
    """(seq, state) of the newest entry that records a state; (0, empty state) when none does."""
    row = conn.execute(f"SELECT seq, {STATE_COLUMN} FROM audit WHERE {STATE_COLUMN} IS NOT NULL "
                       "ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], parse_state(row[1])) if row else (0, parse_state(None))


def state_after_changes(conn: sqlite3.Connection, known: Optional[dict[str, KnownRows]] = None) -> str:
    """The state to record in the entry being appended: the previous entry's state plus the rows
    this connection changed since (or, on a connection without the triggers, the tables as they are).

    ``known``: per table, new rows whose digests are already summed (used only where all of them
    lie above the window's mark, so that no trigger noted any of them)."""
    tracked = _tracked_tables(conn)
    if tracked != BOUND.keys() & _tables(conn):
        return format_state(current_state(conn))
    _, state = logged_state(conn)
    for table in tracked:
        delta, cols = _delta_table(table), BOUND[table]
        mark = conn.execute(f"SELECT rid FROM {_MARK} WHERE tbl = ?", (table,)).fetchone()[0]
        gone = rows_sum(table, conn.execute(f"SELECT {', '.join(cols)} FROM {delta} WHERE existed = 1"))
        picked = ", ".join("t." + c for c in cols)
        now = rows_sum(table, conn.execute(f"SELECT {picked} FROM main.{table} AS t JOIN {delta} AS d "
                                            f"ON t.rowid = d.rid"))
        bulk = (known or {}).get(table)
        if bulk is not None and mark <= bulk.after <= bulk.upto:
            now += bulk.digest + rows_sum(table, conn.execute(
                f"SELECT {', '.join(cols)} FROM main.{table} WHERE rowid > ? AND (rowid <= ? OR rowid > ?)",
                (mark, bulk.after, bulk.upto)))
        else:
            now += rows_sum(table, conn.execute(f"SELECT {', '.join(cols)} FROM main.{table} WHERE rowid > ?", (mark,)))
        if gone != now:
            state[table] = (state.get(table, 0) + now - gone) % _MOD
        _start_window(conn, table)
    return format_state(state)


def differing_tables(conn: sqlite3.Connection) -> tuple[int, list[str]]:
    """(seq of the entry whose state is checked, bound tables whose rows differ from it)."""
    seq, logged = logged_state(conn)
    actual = current_state(conn)
    return seq, [t for t in BOUND if logged.get(t, 0) % _MOD != actual[t]]


def bind_current_state(conn: sqlite3.Connection) -> None:
    """Migration step: record the catalog as it is now in a ``catalog.state.bind`` entry, so that
    later changes are checked against it (skipped for a new, empty catalog with an empty log)."""
    from workbench.store import audit

    track(conn)
    for table in _tracked_tables(conn):
        _start_window(conn, table)
    state = current_state(conn)
    if audit.head(conn)[0] == 0 and not any(state.values()):
        return
    audit.append(conn, [audit.Change(BIND_ACTION, None, None, {"tables": list(BOUND)})], state=format_state(state))
