"""The letters repository: is-informed letters, their attachments, and their audit rows.

A letter is stored as one validated JSON document (``data_json``: the engine's ``Letter``) plus
the columns that are queried or constrained (ref, status, addressee, dates). Every write goes
through :func:`workbench.store.audit.append` in the caller's transaction, with before/after of
the fields that changed, so the audit log is the letter's full history (15 CFR 762.5(b)).
Writers never open or commit a transaction themselves.

Attachments (the scanned letter) are copied by the service layer into ``attachments/`` beside
the database, named by their SHA-256; this module records them (it never opens files itself: SQLite
does all file I/O of the store). The original path is recorded for information only.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from workbench.engine.letters import Letter
from workbench.errors import UserError
from workbench.store import audit

class LetterStoreError(UserError, ValueError):
    """A letter write that cannot be done (duplicate ref, unknown ref, stale edit, bad file)."""


def _entity(ref: str) -> str:
    return f"letter:{ref}"


def _row(letter: Letter, ts: str) -> tuple:
    return (letter.ref, letter.status, letter.addressee, letter.received.isoformat(), letter.effective.isoformat(),
            json.dumps(letter.to_json(), ensure_ascii=False, sort_keys=True), ts, ts)


def _require_tx(conn: sqlite3.Connection) -> None:
    if not conn.in_transaction:
        raise RuntimeError("letter writes must run inside the caller's transaction")


def get_letter(conn: sqlite3.Connection, ref: str) -> Optional[Letter]:
    row = conn.execute("SELECT data_json FROM letters WHERE ref = ?", (ref,)).fetchone()
    return Letter.model_validate_json(row[0]) if row else None


def get_revision(conn: sqlite3.Connection, ref: str) -> Optional[int]:
    row = conn.execute("SELECT revision FROM letters WHERE ref = ?", (ref,)).fetchone()
    return row[0] if row else None


def all_letters(conn: sqlite3.Connection) -> list[Letter]:
    return [Letter.model_validate_json(r[0]) for r in conn.execute("SELECT data_json FROM letters ORDER BY received, ref")]


def insert_letter(conn: sqlite3.Connection, letter: Letter, *, actor: Optional[str] = None,
                  origin: Optional[dict] = None, action: str = "letter.add") -> None:
    _require_tx(conn)
    if get_letter(conn, letter.ref) is not None:
        raise LetterStoreError(f"letter {letter.ref} already exists (expected a new reference; edit the existing one)")
    ts = audit.utc_now()
    conn.execute("INSERT INTO letters (ref, status, addressee, received, effective, data_json, created_utc, "
                 "updated_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", _row(letter, ts))
    after = {"letter": letter.to_json(), **({"origin": origin} if origin else {})}
    audit.append(conn, [audit.Change(action, _entity(letter.ref), None, after)], actor=actor, ts=ts)


def diff(before: Letter, after: Letter) -> tuple[dict, dict]:
    """Top-level fields that differ: ({field: old}, {field: new}), JSON-ready."""
    b, a = before.to_json(), after.to_json()
    keys = [k for k in a if a[k] != b.get(k)]
    return {k: b.get(k) for k in keys}, {k: a[k] for k in keys}


def update_letter(conn: sqlite3.Connection, before: Letter, after: Letter, action: str, *,
                  actor: Optional[str] = None, expected_revision: Optional[int] = None,
                  note: Optional[str] = None) -> int:
    """Replace a letter, auditing only the fields that changed; returns the new revision.

    ``expected_revision`` guards against lost updates (a GUI form opened on an older revision).
    """
    _require_tx(conn)
    if after.ref != before.ref:
        raise LetterStoreError("a letter's reference cannot change (record a new letter instead)")
    revision = get_revision(conn, before.ref)
    if revision is None:
        raise LetterStoreError(f"no letter {before.ref}")
    if expected_revision is not None and revision != expected_revision:
        raise LetterStoreError(f"letter {before.ref} was changed by someone else (revision {revision}, "
                               f"expected {expected_revision}); reload it and try again")
    old, new = diff(before, after)
    if not new:
        return revision
    ts = audit.utc_now()
    conn.execute("UPDATE letters SET status = ?, addressee = ?, received = ?, effective = ?, data_json = ?, "
                 "revision = revision + 1, updated_utc = ? WHERE ref = ?",
                 (*_row(after, ts)[1:6], ts, after.ref))
    if note:
        new = {**new, "reason": note}
    audit.append(conn, [audit.Change(action, _entity(after.ref), old, new)], actor=actor, ts=ts)
    return revision + 1


# --- attachments ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Attachment:
    id: int
    ref: str
    file_name: str
    stored_name: str
    sha256: str
    size: int
    original_path: Optional[str]
    added_utc: str


def database_path(conn: sqlite3.Connection) -> Path:
    from workbench.store.connection import database_file

    name = database_file(conn)
    if name is None:
        raise LetterStoreError("attachments need a database stored in a file")
    return Path(name)


def attachments_dir(conn: sqlite3.Connection) -> Path:
    """``attachments/`` beside the database file: the app's data folder for that catalog."""
    return database_path(conn).parent / "attachments"


def insert_attachment(conn: sqlite3.Connection, ref: str, file_name: str, stored_name: str, sha256: str, size: int,
                      original_path: Optional[str], *, actor: Optional[str] = None) -> int:
    _require_tx(conn)
    if get_revision(conn, ref) is None:
        raise LetterStoreError(f"no letter {ref}")
    if conn.execute("SELECT 1 FROM letter_attachments WHERE ref = ? AND sha256 = ?", (ref, sha256)).fetchone():
        raise LetterStoreError(f"{file_name}: the same file (SHA-256 {sha256[:12]}...) is already attached to {ref}")
    ts = audit.utc_now()
    cur = conn.execute("INSERT INTO letter_attachments (ref, file_name, stored_name, sha256, size, original_path, "
                       "added_utc) VALUES (?, ?, ?, ?, ?, ?, ?)", (ref, file_name, stored_name, sha256, size,
                                                                    original_path, ts))
    audit.append(conn, [audit.Change("letter.attach", _entity(ref), None,
                                     {"file_name": file_name, "sha256": sha256, "size": size,
                                      "original_path": original_path})], actor=actor, ts=ts)
    return cur.lastrowid


def attachments(conn: sqlite3.Connection, ref: Optional[str] = None) -> list[Attachment]:
    sql = "SELECT id, ref, file_name, stored_name, sha256, size, original_path, added_utc FROM letter_attachments"
    rows = conn.execute(sql + (" WHERE ref = ? ORDER BY id" if ref else " ORDER BY ref, id"), (ref,) if ref else ())
    return [Attachment(*r) for r in rows]


# --- history and metadata -------------------------------------------------------------------------

@dataclass(frozen=True)
class HistoryEntry:
    seq: int
    ts_utc: str
    actor: str
    action: str
    before: object
    after: object


def history(conn: sqlite3.Connection, ref: str) -> list[HistoryEntry]:
    rows = conn.execute("SELECT seq, ts_utc, actor, action, before_json, after_json FROM audit WHERE entity = ? "
                        "ORDER BY seq", (_entity(ref),))
    return [HistoryEntry(s, ts, a, act, json.loads(b) if b else None, json.loads(af) if af else None)
            for s, ts, a, act, b, af in rows]


def get_meta(conn: sqlite3.Connection, key: str) -> Optional[str]:
    row = conn.execute("SELECT value FROM letter_meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    _require_tx(conn)
    conn.execute("INSERT OR REPLACE INTO letter_meta (key, value) VALUES (?, ?)", (key, value))
