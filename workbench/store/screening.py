"""Screening storage: list snapshots, their entries with a full-text index of their names, the
officer's decisions on possible matches, and ownership links. The only SQL of screening.

Migration 8 (:data:`SCREENING_TABLES`) creates the tables whose rows are records (snapshots,
decisions, ownership links; decisions append-only). The bulky, rebuildable tables of list
entries and their names are created with sqlite-utils on the first load (``create``,
``insert_all``, ``enable_fts`` for an FTS5 index of the names' search terms), inside the load's
own ``BEGIN IMMEDIATE`` transaction: sqlite-utils nests its work in savepoints there, so a
failed load leaves the catalog exactly as it was. The FTS table is filled by an explicit
``INSERT ... SELECT`` rather than triggers, because the catalog runs with
``trusted_schema = OFF`` (which forbids virtual tables inside triggers).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Optional, Sequence

from workbench.errors import UserError
from workbench.store import audit

_DATE = "GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'"
_APPEND_ONLY = """CREATE TRIGGER {table}_no_{op} BEFORE {OP} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows cannot be changed or deleted'); END"""

# Migration 8.
SCREENING_TABLES: list[str] = [
    f"""CREATE TABLE screening_snapshots (
  id INTEGER PRIMARY KEY,
  list_date TEXT NOT NULL CHECK (list_date {_DATE}),
  loaded_utc TEXT NOT NULL,
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL CHECK (length(file_sha256) = 64),
  format TEXT NOT NULL CHECK (format IN ('csv', 'json')),
  entries INTEGER NOT NULL CHECK (entries >= 0),
  counts_json TEXT NOT NULL,
  actor TEXT NOT NULL
) STRICT""",
    f"""CREATE TABLE screening_decisions (
  id INTEGER PRIMARY KEY,
  party_key TEXT NOT NULL CHECK (length(party_key) > 0),
  party_name TEXT NOT NULL,
  entry_id TEXT NOT NULL CHECK (length(entry_id) > 0),
  content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
  decision TEXT NOT NULL CHECK (decision IN ('cleared', 'confirmed')),
  reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
  snapshot_id INTEGER REFERENCES screening_snapshots(id),
  deal_id INTEGER,
  actor TEXT NOT NULL,
  ts_utc TEXT NOT NULL,
  decided_on TEXT NOT NULL CHECK (decided_on {_DATE})
) STRICT""",
    "CREATE INDEX screening_decisions_by_party ON screening_decisions(party_key, entry_id)",
    _APPEND_ONLY.format(table="screening_decisions", op="update", OP="UPDATE"),
    _APPEND_ONLY.format(table="screening_decisions", op="delete", OP="DELETE"),
    f"""CREATE TABLE ownership_links (
  id INTEGER PRIMARY KEY,
  owner TEXT NOT NULL CHECK (length(trim(owner)) > 0),
  owned TEXT NOT NULL CHECK (length(trim(owned)) > 0),
  owner_key TEXT NOT NULL,
  owned_key TEXT NOT NULL CHECK (owned_key <> owner_key),
  percent REAL NOT NULL CHECK (percent > 0 AND percent <= 100),
  as_of TEXT NOT NULL CHECK (as_of {_DATE}),
  source TEXT NOT NULL DEFAULT '',
  actor TEXT NOT NULL,
  ts_utc TEXT NOT NULL,
  UNIQUE (owner_key, owned_key, as_of)
) STRICT""",
    "CREATE INDEX ownership_by_owned ON ownership_links(owned_key)",
]

ENTRIES, NAMES = "screening_entries", "screening_names"
FTS = NAMES + "_fts"


class ScreeningStoreError(UserError, LookupError):
    """A screening record named by the officer does not exist (an ownership link id)."""


@dataclass(frozen=True)
class Snapshot:
    id: int
    list_date: date
    loaded_utc: str
    file_name: str
    file_sha256: str
    format: str
    entries: int
    counts: dict[str, int]


@dataclass(frozen=True)
class StoredEntry:
    rowid: int
    snapshot_id: int
    entry_id: str
    source: str
    name: str
    content_hash: str
    countries: tuple[str, ...]
    fields: dict[str, Any]


@dataclass(frozen=True)
class NameRow:
    """One of an entry's names with its normalised tokens as stored at load time (JSON text: the
    caller decodes only the names it has not seen yet)."""

    entry_rowid: int
    name: str
    tokens: str
    id: int = 0


@dataclass(frozen=True)
class Decision:
    id: int
    party_key: str
    party_name: str
    entry_id: str
    content_hash: str
    decision: str
    reason: str
    snapshot_id: Optional[int]
    deal_id: Optional[int]
    actor: str
    ts_utc: str
    decided_on: date


@dataclass(frozen=True)
class OwnershipLink:
    id: int
    owner: str
    owned: str
    percent: float
    as_of: date
    source: str


def _db(conn: sqlite3.Connection):
    import sqlite_utils

    return sqlite_utils.Database(conn)


def ensure_entry_tables(conn: sqlite3.Connection) -> None:
    """Create the entries and names tables and the names' FTS5 index (inside the caller's transaction)."""
    db = _db(conn)
    if not db[ENTRIES].exists():
        db[ENTRIES].create({"id": int, "snapshot_id": int, "entry_id": str, "source": str, "name": str,
                            "content_hash": str, "countries": str, "fields": str}, pk="id", not_null={
                               "snapshot_id", "entry_id", "source", "name", "content_hash", "fields"})
        db[ENTRIES].create_index(["snapshot_id", "entry_id"], unique=True)
    if not db[NAMES].exists():
        db[NAMES].create({"id": int, "snapshot_id": int, "entry_rowid": int, "name": str, "search_text": str,
                          "tokens": str}, pk="id", not_null={"snapshot_id", "entry_rowid", "name", "tokens"})
        db[NAMES].create_index(["snapshot_id"])
        db[NAMES].enable_fts(["search_text"], fts_version="FTS5", create_triggers=False, tokenize="unicode61")


def has_entries(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (FTS,)).fetchone() is not None


def insert_snapshot(conn: sqlite3.Connection, *, list_date: date, loaded_utc: str, file_name: str, sha256: str,
                    fmt: str, counts: dict[str, int], actor: str, entries: Sequence[dict],
                    names: Sequence[Sequence[dict]]) -> int:
    """Write one snapshot inside the caller's transaction: its row, its entries (each a dict of
    entry_id, source, name, content_hash, countries, fields) and each entry's names (dicts of
    name, search_text, tokens). Returns the snapshot id."""
    if not conn.in_transaction:
        raise RuntimeError("insert_snapshot must run inside the caller's transaction")
    ensure_entry_tables(conn)
    cur = conn.execute(
        "INSERT INTO screening_snapshots (list_date, loaded_utc, file_name, file_sha256, format, entries, counts_json,"
        " actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (list_date.isoformat(), loaded_utc, file_name, sha256, fmt, len(entries),
         json.dumps(counts, sort_keys=True, ensure_ascii=False), actor))
    snap = cur.lastrowid
    db = _db(conn)
    first = (conn.execute(f"SELECT coalesce(max(id), 0) FROM {ENTRIES}").fetchone()[0]) + 1
    db[ENTRIES].insert_all(({"id": first + i, "snapshot_id": snap, "entry_id": e["entry_id"], "source": e["source"],
                             "name": e["name"], "content_hash": e["content_hash"],
                             "countries": ",".join(e["countries"]),
                             "fields": json.dumps(e["fields"], ensure_ascii=False, sort_keys=True)}
                            for i, e in enumerate(entries)), batch_size=2000)
    db[NAMES].insert_all(({"snapshot_id": snap, "entry_rowid": first + i, "name": n["name"],
                           "search_text": n["search_text"], "tokens": n["tokens"]}
                          for i, ns in enumerate(names) for n in ns), batch_size=2000)
    conn.execute(f"INSERT INTO {FTS} (rowid, search_text) SELECT id, search_text FROM {NAMES} WHERE snapshot_id = ?",
                 (snap,))
    audit.append(conn, [audit.Change("screening.load", f"screening_snapshot:{snap}", None, {
        "file": file_name, "sha256": sha256, "list_date": list_date.isoformat(), "entries": len(entries),
        "counts": counts})], actor=actor, ts=loaded_utc)
    return snap


def _snapshot(row) -> Snapshot:
    return Snapshot(row[0], date.fromisoformat(row[1]), row[2], row[3], row[4], row[5], row[6], json.loads(row[7]))


_SNAP_COLS = "id, list_date, loaded_utc, file_name, file_sha256, format, entries, counts_json"


def snapshots(conn: sqlite3.Connection) -> list[Snapshot]:
    return [_snapshot(r) for r in conn.execute(f"SELECT {_SNAP_COLS} FROM screening_snapshots ORDER BY id DESC")]


def fingerprint(conn: sqlite3.Connection) -> tuple:
    """What party-screening results depend on (the newest snapshot, decision and ownership link):
    a cached licence position built before any of them changed is stale."""
    return conn.execute("SELECT (SELECT max(id) FROM screening_snapshots), (SELECT max(id) FROM screening_decisions), "
                        "(SELECT count(*) || ':' || ifnull(max(id), 0) FROM ownership_links)").fetchone()


def latest_snapshot(conn: sqlite3.Connection) -> Optional[Snapshot]:
    row = conn.execute(f"SELECT {_SNAP_COLS} FROM screening_snapshots ORDER BY id DESC LIMIT 1").fetchone()
    return _snapshot(row) if row else None


def get_snapshot(conn: sqlite3.Connection, snapshot_id: int) -> Optional[Snapshot]:
    row = conn.execute(f"SELECT {_SNAP_COLS} FROM screening_snapshots WHERE id = ?", (snapshot_id,)).fetchone()
    return _snapshot(row) if row else None


def candidates(conn: sqlite3.Connection, snapshot_id: int, fts_query: str, limit: int) -> list[NameRow]:
    """Names of the snapshot whose search terms match ``fts_query`` (FTS5 syntax), best-ranked first."""
    if not fts_query or not has_entries(conn):
        return []
    rows = conn.execute(
        f"SELECT n.entry_rowid, n.name, n.tokens, n.id FROM {FTS} f JOIN {NAMES} n ON n.id = f.rowid "
        f"WHERE {FTS} MATCH ? AND n.snapshot_id = ? ORDER BY f.rank LIMIT ?", (fts_query, snapshot_id, limit))
    return [NameRow(r[0], r[1], r[2], r[3]) for r in rows]


def all_names(conn: sqlite3.Connection, snapshot_id: int) -> list[NameRow]:
    if not has_entries(conn):
        return []
    return [NameRow(r[0], r[1], r[2], r[3]) for r in conn.execute(
        f"SELECT entry_rowid, name, tokens, id FROM {NAMES} WHERE snapshot_id = ?", (snapshot_id,))]


_ENTRY_COLS = "id, snapshot_id, entry_id, source, name, content_hash, countries, fields"


def _entry(r) -> StoredEntry:
    return StoredEntry(r[0], r[1], r[2], r[3], r[4], r[5], tuple(c for c in (r[6] or "").split(",") if c),
                       json.loads(r[7]))


def entries_by_rowid(conn: sqlite3.Connection, rowids: Iterable[int]) -> dict[int, StoredEntry]:
    ids = sorted(set(rowids))
    out: dict[int, StoredEntry] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for r in conn.execute(f"SELECT {_ENTRY_COLS} FROM {ENTRIES} WHERE id IN ({','.join('?' * len(chunk))})",
                              chunk):
            out[r[0]] = _entry(r)
    return out


def entry(conn: sqlite3.Connection, snapshot_id: int, entry_id: str) -> Optional[StoredEntry]:
    if not has_entries(conn):
        return None
    r = conn.execute(f"SELECT {_ENTRY_COLS} FROM {ENTRIES} WHERE snapshot_id = ? AND entry_id = ?",
                     (snapshot_id, entry_id)).fetchone()
    return _entry(r) if r else None


# --- decisions -------------------------------------------------------------------------------------

_DEC_COLS = ("id, party_key, party_name, entry_id, content_hash, decision, reason, snapshot_id, deal_id, actor, "
             "ts_utc, decided_on")


def _decision(r) -> Decision:
    return Decision(*r[:11], date.fromisoformat(r[11]))


def add_decision(conn: sqlite3.Connection, *, party_key: str, party_name: str, entry_id: str, content_hash: str,
                 decision: str, reason: str, snapshot_id: Optional[int], deal_id: Optional[int], actor: str,
                 ts_utc: str, decided_on: date) -> Decision:
    cur = conn.execute(
        f"INSERT INTO screening_decisions ({_DEC_COLS.split(', ', 1)[1]}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (party_key, party_name, entry_id, content_hash, decision, reason, snapshot_id, deal_id, actor, ts_utc,
         decided_on.isoformat()))
    made = _decision(conn.execute(f"SELECT {_DEC_COLS} FROM screening_decisions WHERE id = ?",
                                  (cur.lastrowid,)).fetchone())
    audit.append(conn, [audit.Change(f"screening.{decision}", f"screening:{party_key}|{entry_id}", None, {
        "party": party_name, "entry_id": entry_id, "content_hash": content_hash, "reason": reason,
        "snapshot_id": snapshot_id, "deal_id": deal_id})], actor=actor, ts=ts_utc)
    return made


def decisions(conn: sqlite3.Connection, party_key: Optional[str] = None) -> list[Decision]:
    if party_key is None:
        rows = conn.execute(f"SELECT {_DEC_COLS} FROM screening_decisions ORDER BY id")
    else:
        rows = conn.execute(f"SELECT {_DEC_COLS} FROM screening_decisions WHERE party_key = ? ORDER BY id",
                            (party_key,))
    return [_decision(r) for r in rows]


# --- ownership -------------------------------------------------------------------------------------

def add_links(conn: sqlite3.Connection, links: Sequence[tuple[str, str, str, str, float, date, str]], *,
              actor: str, ts_utc: str, origin: Optional[str] = None) -> int:
    """Insert (owner, owned, owner_key, owned_key, percent, as_of, source) rows; one audit row for all."""
    conn.executemany(
        "INSERT INTO ownership_links (owner, owned, owner_key, owned_key, percent, as_of, source, actor, ts_utc) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(o, d, ok, dk, float(p), a.isoformat(), s, actor, ts_utc) for o, d, ok, dk, p, a, s in links])
    audit.append(conn, [audit.Change("ownership.add", origin or "ownership", None, [
        {"owner": o, "owned": d, "percent": p, "as_of": a.isoformat(), "source": s} for o, d, _k, _j, p, a, s in links])],
        actor=actor, ts=ts_utc)
    return len(links)


def delete_link(conn: sqlite3.Connection, link_id: int, *, actor: str, ts_utc: str) -> None:
    row = conn.execute("SELECT owner, owned, percent, as_of, source FROM ownership_links WHERE id = ?",
                       (link_id,)).fetchone()
    if row is None:
        raise ScreeningStoreError(f"no ownership link with id {link_id}")
    conn.execute("DELETE FROM ownership_links WHERE id = ?", (link_id,))
    audit.append(conn, [audit.Change("ownership.delete", f"ownership:{link_id}", dict(zip(
        ("owner", "owned", "percent", "as_of", "source"), row)), None)], actor=actor, ts=ts_utc)


def links(conn: sqlite3.Connection) -> list[OwnershipLink]:
    return [OwnershipLink(r[0], r[1], r[2], r[3], date.fromisoformat(r[4]), r[5]) for r in conn.execute(
        "SELECT id, owner, owned, percent, as_of, source FROM ownership_links ORDER BY owned_key, owner_key, as_of")]
