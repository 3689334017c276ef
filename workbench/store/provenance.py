"""Where each figure came from: the explicit source rows, else the import that set the figure.

An import writes no ``spec_provenance`` rows (a million rows for 50,000 products); its audit
entry already holds, per product, the file, sheet, row and every value it set, and
``audit_subjects`` finds that entry. So the source of a figure is its ``spec_provenance`` row
when there is one (the demo's cited sources, a figure edited with a source) and otherwise the
newest import that set it, shown as the row's own ``source`` text plus where it was imported from.
An import that changes a figure deletes that figure's explicit row (products.write_products), so
an explicit row is always newer than any import of the same figure.
"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Iterable, Optional

Source = tuple[str, Optional[str], Optional[str]]  # (source, confidence, note)


class ImportNote(str):
    """The note of a figure set by an import: English text, with its parts kept for other languages."""

    def __new__(cls, where: str, row: object, day: str, seq: int) -> "ImportNote":
        note = super().__new__(cls, f"imported from {where} row {row} on {day} (audit entry #{seq})")
        note.where, note.row, note.day, note.seq = where, row, day, seq
        return note
_IDENTITY = {"part_number", "vendor", "name", "source", "notes", "tpp_basis"}  # not figures: no source of their own


def explicit_sources(conn: sqlite3.Connection, parts: Optional[Iterable[str]] = None) -> dict[str, dict[str, Source]]:
    """part -> field -> (source, confidence, note) from spec_provenance (all parts when None)."""
    query = "SELECT part_number, field, source, confidence, note FROM spec_provenance"
    wanted = None if parts is None else set(parts)
    if wanted is not None and len(wanted) <= 500:
        rows = conn.execute(f"{query} WHERE part_number IN ({', '.join('?' * len(wanted))})", sorted(wanted))
    else:
        rows = conn.execute(query)
    out: dict[str, dict[str, Source]] = {}
    for part, fld, source, confidence, note in rows:
        if wanted is None or part in wanted:
            out.setdefault(part, {})[fld] = (source, confidence, note)
    return out


def imported_sources(conn: sqlite3.Connection, parts: Optional[Iterable[str]] = None) -> dict[str, dict[str, Source]]:
    """part -> field -> source, from the newest import entry that set each figure (None: every part).

    For a few parts (the product view) only the product's own piece of each import entry is
    decoded; for many (an export) each import entry is parsed once.
    """
    wanted = None if parts is None else set(parts)
    out: dict[str, dict[str, Source]] = {}
    if wanted is not None and len(wanted) <= FEW:
        for part in wanted:
            for seq, ts, text in conn.execute(
                    "SELECT a.seq, a.ts_utc, a.after_json FROM audit_subjects s JOIN audit a ON a.seq = s.seq "
                    "WHERE s.entity = ? AND a.action = 'products.import' ORDER BY a.seq DESC", (part,)):
                _take_from_text(out, part, text, seq, ts)
        return out
    for seq, ts, after_json in conn.execute("SELECT seq, ts_utc, after_json FROM audit WHERE action = 'products.import' "
                                            "ORDER BY seq DESC"):  # newest first: the first entry to set a figure wins
        after = json.loads(after_json)
        where, columns = _where(after.get("origin", {})), after.get("columns", [])
        for values in after.get("added", []):
            record = dict(zip(columns, values))
            if wanted is None or record["part_number"] in wanted:
                _take(out, record["part_number"], record, record.get("source"), where, record.get("row"), seq, ts)
        for part, change in after.get("changed", {}).items():
            if wanted is None or part in wanted:
                fields = change.get("fields", {})
                _take(out, part, fields, fields.get("source"), where, change.get("row"), seq, ts)
    return out


FEW = 5  # up to this many parts, find each one's entries in the JSON text instead of parsing it all
_DECODE = json.JSONDecoder().raw_decode


_ROW_NUMBER = re.compile(r"\[(?:\d+|null)$")


def _record_start(text: str, needle: str) -> Optional[int]:
    """Where the added record ``[row,"PART",...`` starts: str.find (memchr speed) for the part,
    then a look back for ``[row``; a name or note equal to the part number is skipped."""
    at = text.find(needle)
    while at >= 0:
        m = _ROW_NUMBER.search(text, max(0, at - 24), at)
        if m is not None:
            return m.start()
        at = text.find(needle, at + 1)
    return None


def _take_from_text(out: dict, part: str, text: str, seq: int, ts: str) -> None:
    """One product's added record or change out of an import entry's canonical JSON, decoding only
    that piece (a 50,000-product entry is 10 MB: parsing it all for one product view takes 0.3 s).

    In the canonical text an added record is ``[row,"PART",...]`` and a change ``"PART":{"fields":``;
    a string inside a value cannot produce either (its quotes are escaped), and the record's
    leading row number tells it from a product whose name equals a part number.
    """
    token = json.dumps(part, ensure_ascii=False)
    tail = text.rfind(',"columns":')
    columns = _DECODE(text, tail + len(',"columns":'))[0] if tail >= 0 else []
    origin_at = text.rfind(',"origin":')
    where = _where(_DECODE(text, origin_at + len(',"origin":'))[0] if origin_at >= 0 else {})
    if columns[:2] == ["row", "part_number"]:
        start = _record_start(text, "," + token + ",")
        if start is not None:
            record = dict(zip(columns, _DECODE(text, start)[0]))
            _take(out, part, record, record.get("source"), where, record.get("row"), seq, ts)
    at = text.find(token + ':{"fields":')
    if at >= 0:
        change = _DECODE(text, at + len(token) + 1)[0]
        fields = change.get("fields", {})
        _take(out, part, fields, fields.get("source"), where, change.get("row"), seq, ts)


def _where(origin: dict) -> str:
    return f"{origin.get('file', '?')}:{origin.get('sheet', '?')}"


def _take(out: dict, part: str, values: dict, source: Optional[str], where: str, row: object, seq: int,
          ts: str) -> None:
    figures = out.setdefault(part, {})
    note = ImportNote(where, row, ts[:10], seq)
    for fld, value in values.items():
        if fld in _IDENTITY or fld == "row" or fld in figures:
            continue
        figures[fld] = (source or f"import of {where}", None, note) if value is not None else ("", None, note)


def figure_sources(conn: sqlite3.Connection, parts: Optional[Iterable[str]] = None) -> dict[str, dict[str, Source]]:
    """Explicit rows first, then the import that set the figure; a figure an import emptied has none."""
    parts = None if parts is None else list(parts)
    out = imported_sources(conn, parts)
    for part, figures in out.items():
        for fld in [f for f, s in figures.items() if not s[0]]:
            del figures[fld]  # set to empty by its newest import: no value, so no source
    for part, figures in explicit_sources(conn, parts).items():
        out.setdefault(part, {}).update(figures)
    return out
