"""The deals repository: deals, their lines, and the figures officers enter for the ledgers
(US shipments per product, government-to-government agreements), each write with its audit row.

Deals are never deleted: cancelling is a status. An edit replaces the deal's columns and lines
and appends one audit row with the whole deal before and after. Money is stored as decimal text
(exact), TPP is never stored (it is recomputed from the catalog under each regime). Writers
never open or commit a transaction themselves.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal
from typing import Optional

from pydantic import ValidationError

from workbench.engine.deals import Deal, DealLine, Party
from workbench.errors import UserError
from workbench.store import audit

_DEAL_COLUMNS = ("reference", "deal_date", "exporter", "consignee_name", "consignee_country", "consignee_hq",
                 "consignee_parent_hq", "end_user_name", "end_user_country", "end_user_hq", "end_user_parent_hq",
                 "destination", "end_use", "authorization", "notified_on", "exports_from_us", "status", "notes")


class DealStoreError(UserError, ValueError):
    """A deal write that cannot be done (duplicate reference, unknown deal or product)."""


def _require_tx(conn: sqlite3.Connection) -> None:
    if not conn.in_transaction:
        raise RuntimeError("deal writes must run inside the caller's transaction")


def _row(deal: Deal) -> tuple:
    c, e = deal.consignee, deal.end_user
    return (deal.reference, deal.deal_date.isoformat(), deal.exporter, c.name, c.country, c.hq_country,
            c.parent_hq_country, e.name, e.country, e.hq_country, e.parent_hq_country, deal.destination, deal.end_use,
            deal.authorization, deal.notified_on.isoformat() if deal.notified_on else None, int(deal.exports_from_us),
            deal.status, deal.notes)


def deal_json(deal: Deal) -> dict:
    """The deal as canonical JSON for the audit log (decimals as text, dates ISO)."""
    return deal.model_dump(mode="json")


def _from_row(row: tuple, lines: list[tuple]) -> Deal:
    try:
        return _build_deal(row, lines)
    except ValidationError as exc:  # recorded before a bound existed: say which deal and field, no traceback
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "deal"
        raise DealStoreError(f"stored deal {row[1]}: {where}: {err['msg']} (it was recorded before this check; "
                             "correct it in the catalog's deals)") from None


def _build_deal(row: tuple, lines: list[tuple]) -> Deal:
    (did, ref, day, exporter, cn, cc, chq, cphq, en, ec, ehq, ephq, dest, use, auth, notified, from_us, status,
     notes) = row
    return Deal(id=did, reference=ref, deal_date=date.fromisoformat(day), exporter=exporter,
                consignee=Party(name=cn, country=cc, hq_country=chq, parent_hq_country=cphq),
                end_user=Party(name=en, country=ec, hq_country=ehq, parent_hq_country=ephq), destination=dest,
                end_use=use, authorization=auth, notified_on=date.fromisoformat(notified) if notified else None,
                exports_from_us=bool(from_us), status=status, notes=notes,
                lines=tuple(DealLine(part_number=p, quantity=q, unit_value_usd=Decimal(v)) for p, q, v in lines))


_SELECT = f"SELECT id, {', '.join(_DEAL_COLUMNS)} FROM deals"


def all_deals(conn: sqlite3.Connection) -> list[Deal]:
    """Every deal (cancelled ones too), by date then id."""
    lines: dict[int, list[tuple]] = {}
    for did, part, qty, value in conn.execute(
            "SELECT deal_id, part_number, quantity, unit_value_usd FROM deal_lines ORDER BY deal_id, line_no"):
        lines.setdefault(did, []).append((part, qty, value))
    return [_from_row(r, lines.get(r[0], [])) for r in conn.execute(_SELECT + " ORDER BY deal_date, id")]


def get_deal(conn: sqlite3.Connection, deal_id: int) -> Optional[Deal]:
    row = conn.execute(_SELECT + " WHERE id = ?", (deal_id,)).fetchone()
    if row is None:
        return None
    lines = conn.execute("SELECT part_number, quantity, unit_value_usd FROM deal_lines WHERE deal_id = ? "
                         "ORDER BY line_no", (deal_id,)).fetchall()
    return _from_row(row, lines)


def _write_lines(conn: sqlite3.Connection, deal_id: int, deal: Deal) -> None:
    known = {r[0] for r in conn.execute(
        f"SELECT part_number FROM products WHERE part_number IN ({', '.join('?' * len(deal.lines))})",
        [ln.part_number for ln in deal.lines])}
    unknown = [ln.part_number for ln in deal.lines if ln.part_number not in known]
    if unknown:
        raise DealStoreError(f"deal {deal.reference}: unknown part numbers {', '.join(unknown)} "
                             "(expected part numbers of the catalog)")
    conn.executemany("INSERT INTO deal_lines (deal_id, line_no, part_number, quantity, unit_value_usd) VALUES (?, ?, ?, ?, ?)",
                     [(deal_id, i, ln.part_number, ln.quantity, str(ln.unit_value_usd))
                      for i, ln in enumerate(deal.lines, start=1)])


def insert_deal(conn: sqlite3.Connection, deal: Deal, *, actor: Optional[str] = None,
                origin: Optional[dict] = None) -> Deal:
    """Insert ``deal`` (its id is ignored) and its audit row; returns the deal with its new id."""
    _require_tx(conn)
    if conn.execute("SELECT 1 FROM deals WHERE reference = ?", (deal.reference,)).fetchone():
        raise DealStoreError(f"deal reference '{deal.reference}' already exists (expected a new reference)")
    ts = audit.utc_now()
    cur = conn.execute(f"INSERT INTO deals ({', '.join(_DEAL_COLUMNS)}, created_utc, updated_utc) "
                       f"VALUES ({', '.join('?' * len(_DEAL_COLUMNS))}, ?, ?)", (*_row(deal), ts, ts))
    saved = deal.model_copy(update={"id": cur.lastrowid})
    _write_lines(conn, saved.id, saved)
    after = deal_json(saved)
    if origin:
        after = {**after, "origin": origin}
    audit.append(conn, [audit.Change("deal.add", f"deal:{saved.id}", None, after)], actor=actor, ts=ts)
    return saved


def update_deal(conn: sqlite3.Connection, deal: Deal, *, actor: Optional[str] = None, action: str = "deal.update") -> Deal:
    """Replace deal ``deal.id`` (columns and lines) and append the before/after audit row."""
    _require_tx(conn)
    if deal.id is None:
        raise DealStoreError(f"deal {deal.reference}: no id (expected a saved deal)")
    before = get_deal(conn, deal.id)
    if before is None:
        raise DealStoreError(f"no deal with id {deal.id}")
    clash = conn.execute("SELECT id FROM deals WHERE reference = ? AND id != ?", (deal.reference, deal.id)).fetchone()
    if clash:
        raise DealStoreError(f"deal reference '{deal.reference}' is used by deal {clash[0]} (expected a unique reference)")
    ts = audit.utc_now()
    sets = ", ".join(f"{c} = ?" for c in _DEAL_COLUMNS)
    conn.execute(f"UPDATE deals SET {sets}, revision = revision + 1, updated_utc = ? WHERE id = ?",
                 (*_row(deal), ts, deal.id))
    conn.execute("DELETE FROM deal_lines WHERE deal_id = ?", (deal.id,))
    _write_lines(conn, deal.id, deal)
    audit.append(conn, [audit.Change(action, f"deal:{deal.id}", deal_json(before), deal_json(deal))], actor=actor, ts=ts)
    return deal


def us_shipments(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT part_number, units FROM us_shipments ORDER BY part_number"))


def set_us_shipments(conn: sqlite3.Connection, part_number: str, units: Optional[int], source: str = "", *,
                     actor: Optional[str] = None) -> None:
    """Record (or with ``units=None`` clear) a product's US shipments figure."""
    _require_tx(conn)
    before = conn.execute("SELECT units, source FROM us_shipments WHERE part_number = ?", (part_number,)).fetchone()
    if units is None:
        conn.execute("DELETE FROM us_shipments WHERE part_number = ?", (part_number,))
    else:
        if isinstance(units, bool) or not isinstance(units, int) or units < 0:
            raise DealStoreError(f"US shipments of {part_number}: {units!r} (expected a whole number of units, 0 or more)")
        conn.execute("INSERT INTO us_shipments (part_number, units, source) VALUES (?, ?, ?) ON CONFLICT(part_number) "
                     "DO UPDATE SET units = excluded.units, source = excluded.source", (part_number, units, source))
    audit.append(conn, [audit.Change("ledger.us_shipments", part_number,
                                     {"units": before[0], "source": before[1]} if before else None,
                                     {"units": units, "source": source} if units is not None else None)], actor=actor)


def g2g_countries(conn: sqlite3.Connection) -> frozenset[str]:
    return frozenset(r[0] for r in conn.execute("SELECT country FROM g2g_agreements"))


def set_g2g(conn: sqlite3.Connection, country: str, agreement: bool, note: str = "", *,
            actor: Optional[str] = None) -> None:
    _require_tx(conn)
    row = conn.execute("SELECT note FROM g2g_agreements WHERE country = ?", (country,)).fetchone()
    had = row is not None
    if agreement:
        conn.execute("INSERT OR REPLACE INTO g2g_agreements (country, note) VALUES (?, ?)", (country, note))
    else:
        conn.execute("DELETE FROM g2g_agreements WHERE country = ?", (country,))
    if had != agreement or (agreement and row[0] != note):  # a changed note is a change too
        audit.append(conn, [audit.Change("ledger.g2g", country, {"agreement": had}, {"agreement": agreement, "note": note})],
                     actor=actor)
