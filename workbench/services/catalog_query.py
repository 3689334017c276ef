"""Filtering and sorting the catalog's rows: a pure function over the snapshot and the current
classification, cheap enough for 100,000 rows and safe to run on a worker thread.

Sort keys are computed once per column and classification, then reused (the "sort role" of the
catalog model is these lists).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from itertools import islice
from typing import Callable, Optional

from workbench.services.catalog_snapshot import CatalogSnapshot
from workbench.services.catalog_column import Classified

COL_PART, COL_VENDOR, COL_TPP, COL_PD, COL_BW, COL_CLASS, COL_MARGIN, COL_LICENCE = range(8)
COLUMN_COUNT = 8
NUMERIC_COLUMNS = (COL_TPP, COL_PD, COL_BW)  # right-aligned


@dataclass(frozen=True)
class Query:
    text: str = ""
    vendor: Optional[str] = None
    classification: Optional[str] = None
    line: Optional[str] = None
    near_pct: Optional[float] = None  # keep only products within this % of a threshold
    sort_column: int = COL_PART
    descending: bool = False


def sort_values(column: int, snap: CatalogSnapshot, cls: Optional[Classified]) -> list:
    """The value each row sorts by in ``column`` (None = unknown, always sorted last)."""
    if column == COL_PART:
        return snap.parts
    if column == COL_VENDOR:
        return [v.lower() if v else None for v in snap.vendors]
    if column == COL_BW:
        return snap.mem_bw
    if cls is None:
        return [None] * len(snap)
    if column == COL_TPP:
        return cls.tpp
    if column == COL_PD:
        return cls.pd
    if column == COL_CLASS:
        return cls.shown
    if column == COL_MARGIN:
        return [abs(m) if m is not None else None for m in cls.margin_pct]
    if column == COL_LICENCE:  # the one licence position (services.classify), in words
        from workbench.wording import licence_text

        return [licence_text(x) if x is not None else None for x in cls.licence]
    raise ValueError(f"unknown column {column}")


def sort_order(values: list, pause: Optional[Callable[[], None]] = None) -> list[int]:
    """Indices of the rows with a known value, ascending.

    Sorted in chunks and merged with heapq.merge (a Python generator) so that a worker thread
    never holds the GIL for one long C-level sort: the UI thread gets it back every few ms.
    ``pause`` is called between chunks (a background job breathes there, or gives up when
    cancelled).
    """
    pause = pause or _go_on
    known = [i for i in range(len(values)) if values[i] is not None]
    key = values.__getitem__
    chunks = []
    for k in range(0, len(known), _CHUNK):
        chunks.append(sorted(known[k:k + _CHUNK], key=key))
        pause()
    if len(chunks) <= 1:
        return chunks[0] if chunks else []
    if all(not key(b[0]) < key(a[-1]) for a, b in zip(chunks, chunks[1:])):
        # Already in order chunk to chunk (the part-number column: the snapshot is read in that
        # order): merging would give the same list, one Python step per row.
        return [i for chunk in chunks for i in chunk]
    merged = heapq.merge(*chunks, key=key)
    out: list[int] = []
    while True:
        part = list(islice(merged, _CHUNK))
        if not part:
            return out
        out += part
        pause()


def _go_on() -> None:
    """No pause (a call on the UI thread, or one that need not breathe)."""


_CHUNK = 8192


def select_rows(snap: CatalogSnapshot, cls: Optional[Classified], q: Query, keys: Optional[list] = None,
                order: Optional[list[int]] = None, pause: Optional[Callable[[], None]] = None) -> list[int]:
    """Row indices matching ``q``, in ``q``'s order, unknown values last.

    ``keys`` and ``order`` may pass the column's sort values and :func:`sort_order` from an
    earlier call (the model caches them per column until the classification changes).
    ``pause`` is called between the steps (as for :func:`sort_order`).
    """
    pause = pause or _go_on
    n = len(snap)
    rows: Optional[list[int]] = None  # None: every row
    if q.text:
        needle = q.text.strip().lower()
        hay = snap.haystack
        rows = [i for i in range(n) if needle in hay[i]]
        pause()
    if q.vendor:
        vendors = snap.vendors
        rows = [i for i in (range(n) if rows is None else rows) if vendors[i] == q.vendor]
        pause()
    if q.line:
        lines = snap.lines
        rows = [i for i in (range(n) if rows is None else rows) if q.line in lines[i]]
        pause()
    if cls is not None and q.classification:
        shown = cls.shown
        rows = [i for i in (range(n) if rows is None else rows) if shown[i] == q.classification]
        pause()
    if cls is not None and q.near_pct is not None:
        margins, limit = cls.margin_pct, q.near_pct
        rows = [i for i in (range(n) if rows is None else rows) if margins[i] is not None and abs(margins[i]) <= limit]
        pause()
    values = keys if keys is not None else sort_values(q.sort_column, snap, cls)
    if order is None:
        pause()
        order = sort_order(values, pause)
    if q.descending:
        order = order[::-1]
    if rows is None:
        return list(order) + [i for i in range(n) if values[i] is None]
    member = bytearray(n)
    for i in rows:
        member[i] = 1
    pause()
    return [i for i in order if member[i]] + [i for i in rows if values[i] is None]


def near_rows(snap: CatalogSnapshot, cls: Classified, pct: float) -> list[int]:
    """Products within ``pct`` % of any numeric threshold of the regime, nearest first."""
    margins = cls.margin_pct
    rows = [i for i in range(len(snap)) if margins[i] is not None and abs(margins[i]) <= pct]
    rows.sort(key=lambda i: (abs(margins[i]), snap.parts[i]))
    return rows
