"""The products rows exactly as SQLite will hand them back, computed from the values bound.

The catalog's state (workbench.store.audit_state) hashes each row as read from the table. After a
bulk import, reading 50,000 rows back only to hash them costs more than the insert's own Python
work, so the import hashes the rows it bound instead. That is only right where the stored form is
certain, and the products table is STRICT, so it is fixed by each column's declared type:

- TEXT gives back the same ``str``;
- INTEGER (the yes/no columns, 0 or 1) gives back an ``int``: ``True`` comes back as ``1``;
- REAL gives back a ``float``: an ``int`` is widened as C widens it (round to nearest, as
  Python's ``float()``), and ``-0.0`` comes back as ``0.0`` (SQLite stores an integral REAL as an
  integer);
- NULL gives back ``None``.

A row holding any other kind of value (a NaN, an ``int`` too large for SQLite, a ``bytes``, a
yes/no column holding 2) gets no answer (``None``): the caller then reads the rows back.
:func:`products_table_is_strict` checks the table really is the STRICT one this assumes.
"""

from __future__ import annotations

import sqlite3
from typing import Iterable, Optional

from workbench.store.columns import BOOL_COLUMNS, PRODUCT_COLUMNS, TEXT_COLUMNS

_NONE = type(None)
_TEXT_AT = tuple(i for i, c in enumerate(PRODUCT_COLUMNS) if c in TEXT_COLUMNS)
_BOOL_AT = tuple(i for i, c in enumerate(PRODUCT_COLUMNS) if c in BOOL_COLUMNS)
_REAL_AT = tuple(i for i, c in enumerate(PRODUCT_COLUMNS) if c not in TEXT_COLUMNS and c not in BOOL_COLUMNS)
_DECLARED = {c: ("TEXT" if c in TEXT_COLUMNS else "INTEGER" if c in BOOL_COLUMNS else "REAL") for c in PRODUCT_COLUMNS}
_INT64 = 1 << 63


def products_table_is_strict(conn: sqlite3.Connection) -> bool:
    """True when ``main.products`` is STRICT with the declared types this module assumes."""
    listed = conn.execute("SELECT strict FROM pragma_table_list WHERE schema = 'main' AND name = 'products'").fetchone()
    if not listed or listed[0] != 1:
        return False
    declared = {name: kind.upper() for name, kind in conn.execute("SELECT name, type FROM pragma_table_info('products')")}
    return all(declared.get(c) == kind for c, kind in _DECLARED.items())


def _plan(kinds: tuple) -> Optional[tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]]:
    """For one row shape (the type of each value): the yes/no columns to turn into int, the REAL
    columns holding an int (to widen), and those holding a float (to check for -0.0 and NaN);
    None when a value is of a kind this module does not handle."""
    if len(kinds) != len(PRODUCT_COLUMNS):
        return None
    if any(kinds[i] not in (str, _NONE) for i in _TEXT_AT):
        return None
    if any(kinds[i] not in (bool, int, _NONE) for i in _BOOL_AT):
        return None
    if any(kinds[i] not in (float, int, _NONE) for i in _REAL_AT):
        return None
    return (tuple(i for i in _BOOL_AT if kinds[i] is not _NONE), tuple(i for i in _REAL_AT if kinds[i] is int),
            tuple(i for i in _REAL_AT if kinds[i] is float))


def stored_products(rows: Iterable[tuple]) -> Optional[list[tuple]]:
    """Each row (template-field order) as SQLite returns it once stored, or None (see the module).

    Row by row, with the checks for a row's shape computed once per shape (an import has a few)."""
    plans: dict[tuple, object] = {}
    out: list[tuple] = []
    append = out.append
    for row in rows:
        kinds = tuple(map(type, row))
        plan = plans.get(kinds, False)
        if plan is False:
            plan = plans[kinds] = _plan(kinds)
        if plan is None:
            return None
        ints, widen, floats = plan
        values = list(row)
        for i in ints:
            value = values[i]
            if value != 0 and value != 1:  # the CHECK refuses it: no row is stored
                return None
            values[i] = int(value)
        for i in widen:
            value = values[i]
            if not -_INT64 <= value < _INT64:  # sqlite3 refuses it: no row is stored
                return None
            values[i] = float(value)
        for i in floats:
            value = values[i]
            if not value:  # 0.0 or -0.0: stored as the integer 0, read back as 0.0
                values[i] = 0.0
            elif value != value:  # NaN: stored as NULL
                return None
        append(tuple(values))
    return out
