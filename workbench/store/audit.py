"""The append-only audit log: one hash-chained row per change, written in the caller's transaction.

A change may name *subjects*: the records it touches besides its own ``entity``. An import is one
change (one row holding every product it added or changed) whose subjects are the part numbers;
``audit_subjects`` indexes them so "the audit rows touching this product" (retention, history)
stays one indexed lookup. The index is append-only too, and ``audit verify`` checks it against
the payloads it was derived from.

``hash = SHA-256(prev_hash || the row's fields, each as <length>:<text>, NULL as ~)``; the first
row chains from 64 zeros. The last entry of each append also carries the catalog's resulting state
(workbench.store.audit_state), hashed as one more field; entries without it (older ones, and the
other entries of a batch) hash exactly as before. (Length-prefixing keeps the encoding unambiguous and is cheap enough for
an audit row per product in a 50,000-row import.)
Triggers refuse UPDATE and DELETE on the table. A later ``audit verify`` recomputes the chain with
:func:`row_hash` and reports the first broken ``seq``. The log proves order by ``seq``, never by
the laptop clock. Callers must hold the write lock (inside ``BEGIN IMMEDIATE``) so that reading
the head and appending cannot interleave with another writer.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import repeat
from typing import Iterable, Iterator, Optional

GENESIS = "0" * 64
_COLUMNS = ("seq", "ts_utc", "actor", "action", "entity", "before_json", "after_json", "ruleset_sha256")


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


class Encoded(str):
    """A payload already turned into its canonical JSON text (by :func:`canonical_json`, possibly
    in another process): appended as it is."""


def canonical_json(value: object) -> Optional[str]:
    """Sorted keys, no spaces, UTF-8 kept, NaN refused: the same value always gives the same text."""
    if value is None:
        return None
    if type(value) is Encoded:
        return str(value)
    return _ENCODER.encode(value)


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def current_actor() -> str:
    """The OS user name (who made the change, 15 CFR 762.5(b))."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment or password database
        return "unknown"


# Migration 5: the subjects index (see the module docstring).
AUDIT_SUBJECT_TABLES: list[str] = [
    """CREATE TABLE audit_subjects (
  entity TEXT NOT NULL CHECK (length(entity) > 0),
  seq INTEGER NOT NULL REFERENCES audit(seq),
  PRIMARY KEY (entity, seq)
) STRICT, WITHOUT ROWID""",
    """CREATE TRIGGER audit_subjects_no_update BEFORE UPDATE ON audit_subjects
BEGIN SELECT RAISE(ABORT, 'audit_subjects is append-only: rows cannot be changed or deleted'); END""",
    """CREATE TRIGGER audit_subjects_no_delete BEFORE DELETE ON audit_subjects
BEGIN SELECT RAISE(ABORT, 'audit_subjects is append-only: rows cannot be changed or deleted'); END""",
]


@dataclass(frozen=True)
class Change:
    action: str  # e.g. product.add, product.update, products.import
    entity: Optional[str]  # e.g. the part number
    before: object = None
    after: object = None
    subjects: tuple[str, ...] = ()  # further records this change touches (indexed in audit_subjects)


def _field(value: object) -> str:
    if value is None:
        return "~"
    text = str(value)
    return f"{len(text)}:{text}"


def row_hash(prev_hash: str, row: dict) -> str:
    """The chain link for one audit row (``row`` holds the columns in ``_COLUMNS``, and the state if any)."""
    payload = "|".join(_field(row[k]) for k in _COLUMNS)
    if row.get("state_sha256") is not None:
        payload += "|" + _field(row["state_sha256"])
    return hashlib.sha256(f"{prev_hash}|{payload}".encode("utf-8")).hexdigest()


_FED_FROM = 1 << 16  # characters of JSON from which a row's hash is fed piece by piece


def _fed_hash(prev_hash: str, values: tuple) -> str:
    """row_hash's digest, with the text fed to SHA-256 piece by piece instead of joined first. An
    import's entry holds megabytes of JSON, and joining copies all of it three or four times; in
    a long-running process whose memory is fragmented each such copy cost 0.02-0.04 s."""
    h = hashlib.sha256(prev_hash.encode("utf-8"))
    for value in values:
        if value is None:
            h.update(b"|~")
            continue
        text = value if isinstance(value, str) else str(value)
        h.update(f"|{len(text)}:".encode("utf-8"))
        h.update(text.encode("utf-8"))
    return h.hexdigest()


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    """(last seq, last hash), or (0, GENESIS) for an empty log."""
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def _rows(start: tuple[int, str], changes: list[Change], actor: str, ts: str,
          ruleset_sha256: Optional[str], subjects: list[tuple[int, tuple[str, ...]]], state: Optional[str]) -> Iterator[tuple]:
    """Rows ready for INSERT, hashed exactly as row_hash() does (inlined: this runs per product).
    Each change's subjects are collected into ``subjects`` as (seq, names); the last row carries ``state``."""
    seq, prev = start
    fixed_ts, fixed_actor, fixed_rs = _field(ts), _field(actor), _field(ruleset_sha256)
    sha256 = hashlib.sha256
    last = len(changes) - 1
    for i, change in enumerate(changes):
        seq += 1
        if change.subjects:
            subjects.append((seq, change.subjects))
        before, after = canonical_json(change.before), canonical_json(change.after)
        row_state = state if i == last else None
        if len(before or "") + len(after or "") >= _FED_FROM:
            digest = _fed_hash(prev, (seq, ts, actor, change.action, change.entity, before, after, ruleset_sha256,
                                      *((row_state,) if row_state is not None else ())))
        else:
            payload = "|".join((_field(seq), fixed_ts, fixed_actor, _field(change.action), _field(change.entity),
                                _field(before), _field(after), fixed_rs))
            if row_state is not None:
                payload += "|" + _field(row_state)
            digest = sha256(f"{prev}|{payload}".encode("utf-8")).hexdigest()
        yield seq, ts, actor, change.action, change.entity, before, after, ruleset_sha256, prev, digest, row_state
        prev = digest


def append(conn: sqlite3.Connection, changes: Iterable[Change], *, actor: Optional[str] = None,
           ruleset_sha256: Optional[str] = None, ts: Optional[str] = None, state: Optional[str] = None,
           known=None) -> int:
    """Append ``changes`` (one row each) inside the caller's open transaction; returns how many.

    On a catalog whose log records state, the last row carries the state after these changes
    (``state``, or what workbench.store.audit_state computes from the rows this connection changed,
    given ``known``: bulk-inserted rows already hashed, see audit_state.KnownRows)."""
    from workbench.store import audit_state

    if not conn.in_transaction:
        raise RuntimeError("audit.append must run inside the caller's transaction")
    changes = changes if isinstance(changes, list) else list(changes)
    if not changes:
        return 0
    columns = list(_COLUMNS) + ["prev_hash", "hash"]
    if audit_state.has_state_column(conn):
        state = state if state is not None else audit_state.state_after_changes(conn, known)
        columns.append(audit_state.STATE_COLUMN)
    else:
        state = None
    before = conn.total_changes
    subjects: list[tuple[int, tuple[str, ...]]] = []
    rows = _rows(head(conn), changes, actor or current_actor(), ts or utc_now(), ruleset_sha256, subjects, state)
    if state is None:
        rows = (r[:-1] for r in rows)
    conn.executemany(f"INSERT INTO audit ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)
    written = conn.total_changes - before
    if subjects:
        _insert_subjects(conn, subjects)
    return written


def _insert_subjects(conn: sqlite3.Connection, subjects: list[tuple[int, tuple[str, ...]]]) -> None:
    """Index the subjects. One change's subjects go in as a single statement over a JSON array
    (an import names 50,000 part numbers: a row-by-row executemany costs four times as much); a
    name the array would spell with an escape goes in row by row, so SQLite never decodes one."""
    for seq, entities in subjects:
        if len(entities) > 1 and set(map(type, entities)) == {str}:
            text = json.dumps(entities, ensure_ascii=False)
            if "\\" not in text:  # no escapes: each JSON string is the name's text as it is
                conn.execute("INSERT INTO audit_subjects (entity, seq) SELECT value, ? FROM json_each(?) ORDER BY key",
                             (seq, text))
                continue
        conn.executemany("INSERT INTO audit_subjects (entity, seq) VALUES (?, ?)", zip(entities, repeat(seq)))


# The seqs of the audit rows about one record (bind its key twice): its own rows and the changes
# that name it as a subject.
TOUCHING = "SELECT seq FROM audit WHERE entity = ? UNION SELECT seq FROM audit_subjects WHERE entity = ?"
