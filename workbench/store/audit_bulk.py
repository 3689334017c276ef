"""Text for one big audit entry, built column by column: an import's added records as canonical JSON,
and the state digest of the rows it inserts (workbench.store.audit_state).

Both are what the generic path gives, character for character: ``audit.canonical_json`` of the
payload, and ``audit_state._sum_rows`` over the rows as SQLite hands them back. Encoding a
50,000-row entry value by value through ``json`` and ``repr`` spends most of its time turning the
same figures into text twice; here each column's distinct values are turned into text once, the
row texts are joined at C speed, and the stored form of a value is derived from the table's
declared (STRICT) column types instead of reading the rows back. Whatever a column holds that this
module cannot spell exactly (a type it does not know, a non-finite float, a table that is not
STRICT) makes it return None, and the caller takes the generic path.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
from functools import partial
from json.encoder import encode_basestring
from operator import methodcaller
from types import NoneType
from typing import Optional, Sequence

_FLOATS = frozenset({float, NoneType})
_INTS = frozenset({int, NoneType})
_BOOLS = frozenset({bool, NoneType})
_STRS = frozenset({str, NoneType})
_JSON_BOOL = {True: "true", False: "false", None: "null"}


def _spelled(column: list, spell, none: str) -> list[str]:
    """``spell(v)`` for each value (``none`` for None); a column that repeats its values spells
    each distinct value once. Only for columns of one type (plus None): equal values of one type
    have one spelling (floats: callers keep 0.0 and -0.0 apart themselves)."""
    distinct = dict.fromkeys(column)
    if len(distinct) * 4 <= len(column):
        table = {v: none if v is None else spell(v) for v in distinct}
        return list(map(table.__getitem__, column))
    if None in distinct:
        return [none if v is None else spell(v) for v in column]
    return list(map(spell, column))


def _float_column_ok(column: list) -> bool:
    """Finite floats (and None) only: JSON refuses NaN and infinity, SQLite stores NaN as NULL."""
    present = column if None not in column else [v for v in column if v is not None]
    try:
        return all(map(math.isfinite, present))
    except OverflowError:  # an int too large for a float
        return False


def json_rows(columns: Sequence[list]) -> Optional[str]:
    """``canonical_json(list(map(list, zip(*columns))))``: each row a JSON array of its values,
    or None when a column holds a value this function does not spell (int, float, str, bool, None)."""
    tokens = []
    for column in columns:
        kinds = set(map(type, column))
        if kinds <= _BOOLS:
            tokens.append(list(map(_JSON_BOOL.__getitem__, column)))
        elif kinds <= _STRS:
            tokens.append(_spelled(column, encode_basestring, "null"))
        elif kinds <= _INTS:
            tokens.append(_spelled(column, int.__repr__, "null"))
        elif kinds <= _FLOATS:
            if not _float_column_ok(column):
                return None
            if 0.0 in column:  # -0.0 == 0.0: spell every value, so each keeps its own sign
                tokens.append(["null" if v is None else float.__repr__(v) for v in column])
            else:
                tokens.append(_spelled(column, float.__repr__, "null"))
        else:
            return None
    if not tokens or not tokens[0]:
        return "[]"
    return "[[" + "],[".join(map(",".join, zip(*tokens))) + "]]"


def declared_types(conn: sqlite3.Connection, table: str) -> Optional[dict[str, str]]:
    """column -> declared type of a STRICT table (where a value's stored form follows from its
    type alone), or None for a table that is not STRICT."""
    strict = conn.execute("SELECT strict FROM pragma_table_list WHERE schema = 'main' AND name = ?", (table,)).fetchone()
    if not strict or not strict[0]:
        return None
    return {r[1]: r[2].upper() for r in conn.execute(f"PRAGMA main.table_info({table})")}


def _stored_reals(column: list) -> Optional[list]:
    """A REAL column's values as SQLite returns them: ints become floats, -0.0 comes back as 0.0
    (SQLite keeps an integral real as an integer on disk)."""
    kinds = set(map(type, column))
    if not kinds <= _FLOATS | _INTS or not _float_column_ok(column):
        return None
    if int in kinds:
        column = [None if v is None else float(v) for v in column]
    if 0.0 in column:
        column = [0.0 if v == 0.0 else v for v in column]
    return column


def inserted_digest(table: str, columns: Sequence[list], types: Sequence[str]) -> Optional[int]:
    """The sum of audit_state.row_digest over the rows these columns make once inserted into a
    STRICT table whose columns (in the state's order) have ``types``; None when a value's stored
    form is not certain (a type the column would convert, NaN)."""
    if len(columns) < 2 or len(columns) != len(types):
        return None  # repr of a 1-tuple has a trailing comma; no bound table has one column
    tokens = []
    for column, declared in zip(columns, types):
        kinds = set(map(type, column))
        if declared == "TEXT" and kinds <= _STRS:
            tokens.append(_spelled(column, str.__repr__, "None"))
        elif declared == "INTEGER" and kinds <= _BOOLS | _INTS:
            tokens.append(_spelled([None if v is None else int(v) for v in column] if bool in kinds else column,
                                   int.__repr__, "None"))
        elif declared == "REAL":
            stored = _stored_reals(column)
            if stored is None:
                return None
            tokens.append(_spelled(stored, float.__repr__, "None"))
        else:
            return None
    if not tokens[0]:
        return 0
    texts = map(f"({table!r}, (%s))".__mod__, map(", ".join, zip(*tokens)))
    digests = map(methodcaller("digest"), map(hashlib.sha256, map(methodcaller("encode", "utf-8"), texts)))
    return sum(map(partial(int.from_bytes, byteorder="big"), digests))
