"""The catalog's state, bound to the audit log: what makes a change made outside the app visible.

The hash chain proves the log was not edited, but not that the catalog still holds what the log
says: a direct ``UPDATE products ...`` through sqlite3 leaves the log untouched. So each append
(workbench.store.audit.append) records in its last entry the *state* of the bound tables after the
change, and ``audit verify`` recomputes that state from the tables and compares.

A table's state is the sum, modulo 2^256, of the SHA-256 of each of its rows (a multiset hash: no
order, and one changed row changes it by the difference of two row hashes). That makes each append
cost only the rows it changed: temporary triggers, installed on every connection the store opens
(:func:`track`), note the hash of each row inserted (+), deleted (-) or updated (- old, + new) in
a temporary table, in the writer's own transaction (a rollback drops them too); ``append`` adds
them to the state recorded in the previous entry. A change made by any other connection (sqlite3,
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
from typing import Optional

STATE_COLUMN = "state_sha256"
BIND_ACTION = "catalog.state.bind"
_MOD = 1 << 256
_DELTA = "wb_state_delta"
_ROW_HASH = "wb_state_row"

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
    """One row's contribution to its table's state (the same in the triggers and in verify)."""
    return int.from_bytes(hashlib.sha256(repr((table, tuple(row))).encode("utf-8")).digest(), "big")


def _row_hash_sql(table: str, *values) -> str:
    return format(row_digest(table, values), "064x")


def has_state_column(conn: sqlite3.Connection) -> bool:
    return any(r[1] == STATE_COLUMN for r in conn.execute("PRAGMA table_info(audit)"))


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}


def track(conn: sqlite3.Connection) -> None:
    """Install the temporary triggers that note each bound row's change on this connection (idempotent;
    tables that do not exist yet are tracked once a later call finds them)."""
    conn.create_function(_ROW_HASH, -1, _row_hash_sql, deterministic=True)
    # REPLACE conflict resolution fires delete triggers only with recursive triggers on.
    conn.execute("PRAGMA recursive_triggers = ON")
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_DELTA} (tbl TEXT NOT NULL, sign INTEGER NOT NULL, h TEXT NOT NULL)")
    present = {r[0] for r in conn.execute("SELECT name FROM temp.sqlite_schema WHERE type = 'trigger'")}
    for table in BOUND.keys() & _tables(conn):
        if f"{_DELTA}_{table}_ins" in present:
            continue
        cols = BOUND[table]
        new = f"{_ROW_HASH}('{table}', {', '.join('NEW.' + c for c in cols)})"
        old = f"{_ROW_HASH}('{table}', {', '.join('OLD.' + c for c in cols)})"
        conn.execute(f"CREATE TEMP TRIGGER {_DELTA}_{table}_ins AFTER INSERT ON main.{table} "
                     f"BEGIN INSERT INTO {_DELTA} VALUES ('{table}', 1, {new}); END")
        conn.execute(f"CREATE TEMP TRIGGER {_DELTA}_{table}_del AFTER DELETE ON main.{table} "
                     f"BEGIN INSERT INTO {_DELTA} VALUES ('{table}', -1, {old}); END")
        conn.execute(f"CREATE TEMP TRIGGER {_DELTA}_{table}_upd AFTER UPDATE ON main.{table} "
                     f"BEGIN INSERT INTO {_DELTA} VALUES ('{table}', -1, {old}); "
                     f"INSERT INTO {_DELTA} VALUES ('{table}', 1, {new}); END")


def _tracked(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM temp.sqlite_schema WHERE name = ?", (_DELTA,)).fetchone() is not None


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
    state = {}
    sha256, from_bytes = hashlib.sha256, int.from_bytes
    for table, cols in BOUND.items():
        total = 0
        if table in present:
            for row in conn.execute(f"SELECT {', '.join(cols)} FROM {table}"):
                total += from_bytes(sha256(repr((table, row)).encode("utf-8")).digest(), "big")
        state[table] = total % _MOD
    return state


def logged_state(conn: sqlite3.Connection) -> tuple[int, dict[str, int]]:
    """(seq, state) of the newest entry that records a state; (0, empty state) when none does."""
    row = conn.execute(f"SELECT seq, {STATE_COLUMN} FROM audit WHERE {STATE_COLUMN} IS NOT NULL "
                       "ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], parse_state(row[1])) if row else (0, parse_state(None))


def state_after_changes(conn: sqlite3.Connection) -> str:
    """The state to record in the entry being appended: the previous entry's state plus the rows
    this connection changed since (or, on a connection without the triggers, the tables as they are)."""
    if not _tracked(conn):
        return format_state(current_state(conn))
    _, state = logged_state(conn)
    for table, sign, digest in conn.execute(f"SELECT tbl, sign, h FROM {_DELTA}"):
        state[table] = state.get(table, 0) + sign * int(digest, 16)
    conn.execute(f"DELETE FROM {_DELTA}")
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
    conn.execute(f"DELETE FROM {_DELTA}")
    state = current_state(conn)
    if audit.head(conn)[0] == 0 and not any(state.values()):
        return
    audit.append(conn, [audit.Change(BIND_ACTION, None, None, {"tables": list(BOUND)})], state=format_state(state))
