"""The append-only audit log: one hash-chained row per change, written in the caller's transaction.

``hash = SHA-256(prev_hash || the row's fields, each as <length>:<text>, NULL as ~)``; the first
row chains from 64 zeros. (Length-prefixing keeps the encoding unambiguous and is cheap enough for
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
from typing import Iterable, Iterator, Optional

GENESIS = "0" * 64
_COLUMNS = ("seq", "ts_utc", "actor", "action", "entity", "before_json", "after_json", "ruleset_sha256")


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_json(value: object) -> Optional[str]:
    """Sorted keys, no spaces, UTF-8 kept, NaN refused: the same value always gives the same text."""
    if value is None:
        return None
    return _ENCODER.encode(value)


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def current_actor() -> str:
    """The OS user name (who made the change, 15 CFR 762.5(b))."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment or password database
        return "unknown"


@dataclass(frozen=True)
class Change:
    action: str  # e.g. product.add, product.update
    entity: Optional[str]  # e.g. the part number
    before: object = None
    after: object = None


def _field(value: object) -> str:
    if value is None:
        return "~"
    text = str(value)
    return f"{len(text)}:{text}"


def row_hash(prev_hash: str, row: dict) -> str:
    """The chain link for one audit row (``row`` holds the columns in ``_COLUMNS``)."""
    payload = "|".join(_field(row[k]) for k in _COLUMNS)
    return hashlib.sha256(f"{prev_hash}|{payload}".encode("utf-8")).hexdigest()


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    """(last seq, last hash), or (0, GENESIS) for an empty log."""
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def _rows(start: tuple[int, str], changes: Iterable[Change], actor: str, ts: str,
          ruleset_sha256: Optional[str]) -> Iterator[tuple]:
    """Rows ready for INSERT, hashed exactly as row_hash() does (inlined: this runs per product)."""
    seq, prev = start
    fixed_ts, fixed_actor, fixed_rs = _field(ts), _field(actor), _field(ruleset_sha256)
    sha256 = hashlib.sha256
    for change in changes:
        seq += 1
        before, after = canonical_json(change.before), canonical_json(change.after)
        payload = "|".join((_field(seq), fixed_ts, fixed_actor, _field(change.action), _field(change.entity),
                            _field(before), _field(after), fixed_rs))
        digest = sha256(f"{prev}|{payload}".encode("utf-8")).hexdigest()
        yield seq, ts, actor, change.action, change.entity, before, after, ruleset_sha256, prev, digest
        prev = digest


def append(conn: sqlite3.Connection, changes: Iterable[Change], *, actor: Optional[str] = None,
           ruleset_sha256: Optional[str] = None, ts: Optional[str] = None) -> int:
    """Append ``changes`` (one row each) inside the caller's open transaction; returns how many."""
    if not conn.in_transaction:
        raise RuntimeError("audit.append must run inside the caller's transaction")
    before = conn.total_changes
    conn.executemany(
        f"INSERT INTO audit ({', '.join(_COLUMNS)}, prev_hash, hash) VALUES ({', '.join('?' * (len(_COLUMNS) + 2))})",
        _rows(head(conn), changes, actor or current_actor(), ts or utc_now(), ruleset_sha256))
    return conn.total_changes - before
