"""The state digest (workbench.store.audit_state) of rows a writer has just inserted, from the
values it wrote instead of reading the rows back.

audit_state sums a digest of each row as SQLite hands it back. For a STRICT table that form follows
from each value's type and its column's declared type alone (a bool in an INTEGER column comes back
as 0 or 1, an int in a REAL column as a float, -0.0 as 0.0), so the sum can be taken over the values
in hand: the same number, without fetching 50,000 rows an import has just written. Whatever this
module cannot be certain of (a type the column would convert otherwise, NaN, a table that is not
STRICT) makes it return None, and the caller reads the rows back as before.
"""

from __future__ import annotations

import math
import sqlite3
from types import NoneType
from typing import Optional, Sequence

_FLOATS = frozenset({float, NoneType})
_INTS = frozenset({int, NoneType})
_BOOLS = frozenset({bool, NoneType})
_STRS = frozenset({str, NoneType})


def _float_column_ok(column: list) -> bool:
    """Finite floats (and None) only: SQLite stores NaN as NULL."""
    present = column if None not in column else [v for v in column if v is not None]
    try:
        return all(map(math.isfinite, present))
    except OverflowError:  # an int too large for a float
        return False


def declared_types(conn: sqlite3.Connection, table: str) -> Optional[dict[str, str]]:
    """column -> declared type of a STRICT table (where a value's stored form follows from its
    type alone), or None for a table that is not STRICT."""
    strict = conn.execute("SELECT strict FROM pragma_table_list WHERE schema = 'main' AND name = ?", (table,)).fetchone()
    if not strict or not strict[0]:
        return None
    return {r[1]: r[2].upper() for r in conn.execute(f"PRAGMA main.table_info({table})")}


def _stored_reals(column: Sequence) -> Optional[Sequence]:
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


_BOOL_INT = {True: 1, False: 0}


def inserted_digest(table: str, columns: Sequence[Sequence], types: Sequence[str]) -> Optional[int]:
    """The sum of audit_state.row_digest over the rows these columns make once inserted into a
    STRICT table whose columns (in the state's order) have ``types``: each value in the form
    SQLite stores and hands back for its column, without reading it back. None when that form is
    not certain (a type the column would convert, NaN)."""
    from workbench.store.audit_state import _sum_rows

    if len(columns) != len(types):
        return None
    stored = []
    for column, declared in zip(columns, types):
        kinds = set(map(type, column))
        if declared == "TEXT" and kinds <= _STRS:
            stored.append(column)
        elif declared == "INTEGER" and kinds <= _BOOLS:
            stored.append(list(map(_BOOL_INT.get, column)) if bool in kinds else column)
        elif declared == "INTEGER" and kinds <= _BOOLS | _INTS:
            stored.append([None if v is None else int(v) for v in column])
        elif declared == "REAL" and (reals := _stored_reals(column)) is not None:
            stored.append(reals)
        else:
            return None
    return _sum_rows(table, zip(*stored))
