"""Schema and migrations, keyed on PRAGMA user_version (one scheme only; no sqlite-utils
``_sqlite_migrations`` table).

Each migration runs in one ``BEGIN IMMEDIATE`` transaction together with its user_version bump,
so a failure leaves the old schema and data intact. An existing, populated database is first
snapshotted with ``VACUUM INTO`` next to the file. Products are plain columns named exactly like
the template fields, so the store, the import and the engine speak one vocabulary.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable, Optional

from workbench.store.columns import BOOL_COLUMNS, PRODUCT_COLUMNS, TEXT_COLUMNS
from workbench.store.connection import (APPLICATION_ID, DiskFull, ReadOnlyCatalog, StoreError, disk_full_message,
                                       is_disk_full, is_read_only_error, read_only_message)


def _product_column(name: str) -> str:
    if name == "part_number":
        return "part_number TEXT PRIMARY KEY NOT NULL CHECK (length(part_number) > 0)"
    if name == "product_type":
        return "product_type TEXT NOT NULL DEFAULT 'ic' CHECK (product_type IN ('ic','board','server','hbm','model_weights'))"
    if name == "tpp_basis":
        return "tpp_basis TEXT NOT NULL DEFAULT 'computed' CHECK (tpp_basis IN ('computed','declared'))"
    if name in BOOL_COLUMNS:
        return f"{name} INTEGER CHECK ({name} IN (0, 1))"
    if name in TEXT_COLUMNS:
        return f"{name} TEXT"
    return f"{name} REAL"  # ranges are validated by ProductSpec before any write


_APPEND_ONLY = """CREATE TRIGGER {table}_no_{op} BEFORE {OP} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows cannot be changed or deleted'); END"""

V1: list[str] = [
    "CREATE TABLE products (\n  " + ",\n  ".join(_product_column(f) for f in PRODUCT_COLUMNS)
    + ",\n  created_utc TEXT NOT NULL,\n  updated_utc TEXT NOT NULL\n) STRICT",
    # Where each figure came from: one row per product and field.
    """CREATE TABLE spec_provenance (
  part_number TEXT NOT NULL REFERENCES products(part_number) ON UPDATE RESTRICT ON DELETE RESTRICT,
  field TEXT NOT NULL,
  source TEXT NOT NULL,
  confidence TEXT,
  note TEXT,
  PRIMARY KEY (part_number, field)
) STRICT""",
    "CREATE TABLE product_lines (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT) STRICT",
    """CREATE TABLE product_line_members (
  line_id INTEGER NOT NULL REFERENCES product_lines(id) ON DELETE RESTRICT,
  part_number TEXT NOT NULL REFERENCES products(part_number) ON DELETE RESTRICT,
  PRIMARY KEY (line_id, part_number)
) STRICT""",
    """CREATE TABLE product_tags (
  part_number TEXT NOT NULL REFERENCES products(part_number) ON DELETE RESTRICT,
  tag TEXT NOT NULL CHECK (length(tag) > 0),
  PRIMARY KEY (part_number, tag)
) STRICT""",
    # A determination is never edited: a correction is a new row naming the one it supersedes.
    """CREATE TABLE determinations (
  id INTEGER PRIMARY KEY,
  part_number TEXT NOT NULL REFERENCES products(part_number) ON DELETE RESTRICT,
  regime TEXT NOT NULL,
  classification TEXT,
  result_json TEXT NOT NULL,
  inputs_json TEXT NOT NULL,
  ruleset_sha256 TEXT NOT NULL CHECK (length(ruleset_sha256) = 64),
  actor TEXT NOT NULL,
  ts_utc TEXT NOT NULL,
  app_version TEXT NOT NULL,
  rationale TEXT,
  supersedes INTEGER REFERENCES determinations(id)
) STRICT""",
    "CREATE INDEX determinations_by_product ON determinations(part_number, regime)",
    _APPEND_ONLY.format(table="determinations", op="update", OP="UPDATE"),
    _APPEND_ONLY.format(table="determinations", op="delete", OP="DELETE"),
    """CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  ts_utc TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT,
  before_json TEXT,
  after_json TEXT,
  ruleset_sha256 TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT""",
    _APPEND_ONLY.format(table="audit", op="update", OP="UPDATE"),
    _APPEND_ONLY.format(table="audit", op="delete", OP="DELETE"),
    f"PRAGMA application_id = {APPLICATION_ID}",
]

from workbench.store.letters_ddl import LETTER_TABLES  # noqa: E402  (is-informed letters)

from workbench.store.deals_ddl import DEAL_TABLES  # noqa: E402  (deals and ledgers)

from workbench.store.retention import RETENTION_TABLES  # noqa: E402  (record events, legal holds)

from workbench.store.audit import AUDIT_SUBJECT_TABLES  # noqa: E402  (imports audited as one row each)

from workbench.store.catalog_kind import CATALOG_META_TABLES  # noqa: E402  (company or demo catalog)
from workbench.store.letters_ddl import LETTER_STATUS_REBUILD  # noqa: E402  (letters recorded in error)

from workbench.store.audit_state import bind_current_state  # noqa: E402  (catalog state bound to the log)

from workbench.store.screening import SCREENING_TABLES  # noqa: E402  (screening snapshots, decisions, ownership)

# Migration 7: each append records the catalog's resulting state (workbench.store.audit_state).
STATE_BINDING: list[str] = ["ALTER TABLE audit ADD COLUMN state_sha256 TEXT"]

MIGRATIONS: dict[int, list[str]] = {1: V1, 2: LETTER_TABLES, 3: DEAL_TABLES, 4: RETENTION_TABLES, 5: AUDIT_SUBJECT_TABLES,
                                    6: CATALOG_META_TABLES + LETTER_STATUS_REBUILD, 7: STATE_BINDING, 8: SCREENING_TABLES}
# Python run after a migration's SQL, in the same transaction (a step whose data SQL cannot compute).
AFTER_STEP: dict[int, Callable[[sqlite3.Connection], None]] = {7: bind_current_state}
LATEST_VERSION = max(MIGRATIONS)

OnCreate = Callable[[sqlite3.Connection], None]


def user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, path: Optional[Path] = None, on_create: Optional[OnCreate] = None,
            migrations: Optional[dict[int, list[str]]] = None) -> int:
    """Bring the schema up to date; returns the number of migrations applied.

    ``on_create`` runs inside the first migration's transaction when the file is new, so a new
    catalog appears complete (schema and demo data) or not at all.
    """
    steps = MIGRATIONS if migrations is None else migrations
    latest = max(steps)
    current = user_version(conn)
    if current > latest:  # connect() already refuses this; kept for callers with their own connection
        raise StoreError(f"{path or 'database'}: schema version {current} is newer than {latest}")
    applied = 0
    for version in range(current + 1, latest + 1):
        if version > 1 and path is not None and applied == 0:
            from workbench.store.backup import snapshot_before_migration

            snapshot_before_migration(conn, path, current)
        try:
            conn.execute("BEGIN IMMEDIATE")
            for statement in steps.get(version, ()):  # a number left unused is a step with no SQL
                conn.execute(statement)
            if version == 1 and on_create is not None:
                on_create(conn)
            if version in steps and version in AFTER_STEP:
                AFTER_STEP[version](conn)
            conn.execute(f"PRAGMA user_version = {int(version)}")
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if is_disk_full(exc):
                raise DiskFull(disk_full_message(path or "database")) from None
            if is_read_only_error(exc):
                raise ReadOnlyCatalog(read_only_message(path or "database", exc)) from None
            raise
        applied += 1
    return applied
