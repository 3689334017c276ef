"""The catalog as the desktop app holds it in memory: ids and a few display columns, one entry per
product, so the catalog table can be painted, searched and filtered without touching SQLite.

Loading the snapshot imports no engine model: the desktop app paints the catalog's rows before
pydantic and the rulesets are imported, and this module is on that path. Full specs are read
only when a job or the product view needs them (workbench.services.catalog_edits).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Callable, Optional


@dataclass
class CatalogSnapshot:
    """Everything the catalog table needs without touching the database: one entry per product."""

    parts: list[str] = field(default_factory=list)
    vendors: list[Optional[str]] = field(default_factory=list)
    names: list[Optional[str]] = field(default_factory=list)
    mem_bw: list[Optional[float]] = field(default_factory=list)
    lines: list[tuple[str, ...]] = field(default_factory=list)  # product lines each product belongs to
    haystack: list[str] = field(default_factory=list)  # lower-cased part, vendor and name for search
    index: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.parts)

    @property
    def vendor_names(self) -> list[str]:
        return sorted({v for v in self.vendors if v})

    @property
    def line_names(self) -> list[str]:
        return sorted({n for ls in self.lines for n in ls})


def load_snapshot(conn: sqlite3.Connection, progress: Optional[Callable[[int, int], None]] = None) -> CatalogSnapshot:
    snap = CatalogSnapshot()
    members: dict[str, list[str]] = {}
    for part, name in conn.execute("SELECT m.part_number, l.name FROM product_line_members m "
                                   "JOIN product_lines l ON l.id = m.line_id"):
        members.setdefault(part, []).append(name)
    total = conn.execute("SELECT count(*) FROM products").fetchone()[0]
    rows = conn.execute("SELECT part_number, vendor, name, memory_bandwidth_gbs FROM products ORDER BY part_number")
    for i, (part, vendor, name, bw) in enumerate(rows):
        snap.index[part] = i
        snap.parts.append(part)
        snap.vendors.append(vendor)
        snap.names.append(name)
        snap.mem_bw.append(bw)
        snap.lines.append(tuple(members.get(part, ())))
        snap.haystack.append(f"{part}\t{vendor or ''}\t{name or ''}".lower())
        if progress and i % 20000 == 0:
            progress(i, total)
    return snap
