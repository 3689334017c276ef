"""Record retention (target 19; 15 CFR 762.6): five years after the latest event, and never while on hold.

§762.6(a): records are kept five years from the latest of the export, any known reexport,
transshipment or diversion, or other termination of the transaction. §762.6(b): records an agency
has asked for may not be destroyed without its written authorisation, even after five years.

A *record* is named by the key its audit rows carry in ``entity`` (a part number for products).
Its latest event is the later of (a) the dated events entered here (``record_events``: export,
reexport, ...) and (b) the UTC date of its newest audit row (a change to the record is itself an
event; conservative; an import names the products it touched in ``audit_subjects``). Holds are placed and released as rows in ``legal_holds``; both tables are
append-only like the audit log, and every hold or event also gets an audit row.

The clock is always passed in (``today``), so tests can stand on either side of the boundary.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Optional

from workbench.errors import UserError
from workbench.store import audit

RETENTION_YEARS = 5
EVENTS = ("export", "reexport", "transshipment", "diversion", "termination", "other")

_APPEND_ONLY = """CREATE TRIGGER {table}_no_{op} BEFORE {OP} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows cannot be changed or deleted'); END"""

# Migration (records retention); appended to workbench.store.schema.MIGRATIONS.
RETENTION_TABLES: list[str] = [
    f"""CREATE TABLE record_events (
  id INTEGER PRIMARY KEY,
  record TEXT NOT NULL CHECK (length(record) > 0),
  event TEXT NOT NULL CHECK (event IN ({', '.join(repr(e) for e in EVENTS)})),
  event_date TEXT NOT NULL CHECK (event_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  note TEXT,
  actor TEXT NOT NULL,
  ts_utc TEXT NOT NULL
) STRICT""",
    "CREATE INDEX record_events_by_record ON record_events(record, event_date)",
    """CREATE TABLE legal_holds (
  id INTEGER PRIMARY KEY,
  record TEXT NOT NULL CHECK (length(record) > 0),
  action TEXT NOT NULL CHECK (action IN ('place', 'release')),
  authority TEXT NOT NULL,
  reason TEXT,
  actor TEXT NOT NULL,
  ts_utc TEXT NOT NULL
) STRICT""",
    "CREATE INDEX legal_holds_by_record ON legal_holds(record, id)",
    _APPEND_ONLY.format(table="record_events", op="update", OP="UPDATE"),
    _APPEND_ONLY.format(table="record_events", op="delete", OP="DELETE"),
    _APPEND_ONLY.format(table="legal_holds", op="update", OP="UPDATE"),
    _APPEND_ONLY.format(table="legal_holds", op="delete", OP="DELETE"),
]


class RetentionError(UserError):
    """A purge the regulation forbids; the message says until when, or which hold."""


def add_years(day: date, years: int) -> date:
    """Same month and day ``years`` later; 29 February becomes 1 March (never earlier than due)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def record_event(conn: sqlite3.Connection, record: str, event: str, on: date, note: Optional[str] = None,
                 actor: Optional[str] = None) -> None:
    """Enter a §762.6(a) event for ``record`` (inside the caller's transaction)."""
    if event not in EVENTS:
        raise ValueError(f"unknown event '{event}' (expected one of {', '.join(EVENTS)})")
    actor, ts = actor or audit.current_actor(), audit.utc_now()
    conn.execute("INSERT INTO record_events (record, event, event_date, note, actor, ts_utc) VALUES (?, ?, ?, ?, ?, ?)",
                 (record, event, on.isoformat(), note, actor, ts))
    audit.append(conn, [audit.Change("record.event", record, None, {"event": event, "date": on.isoformat(),
                                                                     "note": note})], actor=actor, ts=ts)


def set_legal_hold(conn: sqlite3.Connection, record: str, hold: bool, authority: str, reason: Optional[str] = None,
                   actor: Optional[str] = None) -> None:
    """Place (``hold=True``) or release a legal hold (inside the caller's transaction)."""
    if not authority.strip():
        raise ValueError("a legal hold names the requesting agency or its written authorisation")
    action = "place" if hold else "release"
    actor, ts = actor or audit.current_actor(), audit.utc_now()
    conn.execute("INSERT INTO legal_holds (record, action, authority, reason, actor, ts_utc) VALUES (?, ?, ?, ?, ?, ?)",
                 (record, action, authority, reason, actor, ts))
    audit.append(conn, [audit.Change(f"record.hold.{action}", record, None,
                                     {"authority": authority, "reason": reason})], actor=actor, ts=ts)


def on_hold(conn: sqlite3.Connection, record: str) -> Optional[str]:
    """The authority of the hold in force on ``record`` (its newest hold row is a 'place'), or None."""
    row = conn.execute("SELECT action, authority FROM legal_holds WHERE record = ? ORDER BY id DESC LIMIT 1",
                       (record,)).fetchone()
    return row[1] if row and row[0] == "place" else None


def last_event(conn: sqlite3.Connection, record: str) -> Optional[date]:
    dates = []
    row = conn.execute("SELECT max(event_date) FROM record_events WHERE record = ?", (record,)).fetchone()
    if row[0]:
        dates.append(date.fromisoformat(row[0]))
    row = conn.execute(f"SELECT max(substr(ts_utc, 1, 10)) FROM audit WHERE seq IN ({audit.TOUCHING}) "
                       "AND action NOT LIKE 'record.%'", (record, record)).fetchone()
    if row[0]:
        dates.append(date.fromisoformat(row[0]))
    return max(dates) if dates else None


@dataclass(frozen=True)
class PurgeDecision:
    record: str
    allowed: bool
    earliest: Optional[date]
    reason: str


def purge_decision(conn: sqlite3.Connection, record: str, today: date) -> PurgeDecision:
    hold = on_hold(conn, record)
    latest = last_event(conn, record)
    earliest = add_years(latest, RETENTION_YEARS) if latest else None
    if hold:
        return PurgeDecision(record, False, earliest,
                             f"{record} is on legal hold ({hold}): it may not be destroyed without that agency's "
                             "written authorisation (15 CFR 762.6(b))")
    if earliest is None:
        return PurgeDecision(record, False, None, f"{record}: no recorded event, so its retention period is unknown")
    if today < earliest:
        return PurgeDecision(record, False, earliest,
                             f"{record} must be kept until {earliest.isoformat()} (five years after its last event "
                             f"on {latest.isoformat()}, 15 CFR 762.6(a))")
    return PurgeDecision(record, True, earliest, f"{record}: retention period ended on {earliest.isoformat()}")


def purge_product(conn: sqlite3.Connection, part_number: str, today: date, actor: Optional[str] = None) -> None:
    """Delete a product's catalog rows once retention allows it (inside the caller's transaction).

    Determinations and audit rows are append-only and stay; a product with recorded determinations
    is therefore refused by its foreign key (the determination is a record in its own right).
    """
    decision = purge_decision(conn, part_number, today)
    if not decision.allowed:
        raise RetentionError(decision.reason)
    before = conn.execute("SELECT * FROM products WHERE part_number = ?", (part_number,)).fetchone()
    for table in ("spec_provenance", "product_tags", "product_line_members", "products"):
        conn.execute(f"DELETE FROM {table} WHERE part_number = ?", (part_number,))
    audit.append(conn, [audit.Change("record.purge", part_number, {"row": list(before) if before else None}, None)],
                 actor=actor)
