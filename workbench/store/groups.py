"""Product lines and tags: how an officer groups the catalog. Every change is audited in the
caller's transaction (like every other product change)."""

from __future__ import annotations

import sqlite3
from typing import Optional

from workbench.store import audit


def _require_transaction(conn: sqlite3.Connection) -> None:
    if not conn.in_transaction:
        raise RuntimeError("product line and tag writes must run inside the caller's transaction")


def tag_product(conn: sqlite3.Connection, part_number: str, tag: str, *, actor: Optional[str] = None) -> bool:
    """Add ``tag``; False when the product already had it. Unknown products fail (foreign key)."""
    _require_transaction(conn)
    tag = tag.strip()
    cur = conn.execute("INSERT OR IGNORE INTO product_tags (part_number, tag) VALUES (?, ?)", (part_number, tag))
    if cur.rowcount:
        audit.append(conn, [audit.Change("product.tag", part_number, None, {"tag": tag})], actor=actor)
    return bool(cur.rowcount)


def untag_product(conn: sqlite3.Connection, part_number: str, tag: str, *, actor: Optional[str] = None) -> bool:
    _require_transaction(conn)
    cur = conn.execute("DELETE FROM product_tags WHERE part_number = ? AND tag = ?", (part_number, tag.strip()))
    if cur.rowcount:
        audit.append(conn, [audit.Change("product.untag", part_number, {"tag": tag.strip()}, None)], actor=actor)
    return bool(cur.rowcount)


def tags_of(conn: sqlite3.Connection, part_number: str) -> list[str]:
    return [r[0] for r in conn.execute("SELECT tag FROM product_tags WHERE part_number = ? ORDER BY tag", (part_number,))]


def add_to_line(conn: sqlite3.Connection, line: str, part_number: str, *, actor: Optional[str] = None) -> bool:
    """Put a product in a product line (created on first use); False when it was already there."""
    _require_transaction(conn)
    line = line.strip()
    if not line:
        raise ValueError("a product line needs a name")
    conn.execute("INSERT OR IGNORE INTO product_lines (name) VALUES (?)", (line,))
    line_id = conn.execute("SELECT id FROM product_lines WHERE name = ?", (line,)).fetchone()[0]
    cur = conn.execute("INSERT OR IGNORE INTO product_line_members (line_id, part_number) VALUES (?, ?)",
                       (line_id, part_number))
    if cur.rowcount:
        audit.append(conn, [audit.Change("product.line.add", part_number, None, {"line": line})], actor=actor)
    return bool(cur.rowcount)


def remove_from_line(conn: sqlite3.Connection, line: str, part_number: str, *, actor: Optional[str] = None) -> bool:
    _require_transaction(conn)
    cur = conn.execute("DELETE FROM product_line_members WHERE part_number = ? AND line_id = "
                       "(SELECT id FROM product_lines WHERE name = ?)", (part_number, line.strip()))
    if cur.rowcount:
        audit.append(conn, [audit.Change("product.line.remove", part_number, {"line": line.strip()}, None)], actor=actor)
    return bool(cur.rowcount)


def product_lines(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """line name -> its part numbers (lines without members included)."""
    lines: dict[str, list[str]] = {r[0]: [] for r in conn.execute("SELECT name FROM product_lines ORDER BY name")}
    for name, part in conn.execute("SELECT l.name, m.part_number FROM product_line_members m "
                                   "JOIN product_lines l ON l.id = m.line_id ORDER BY l.name, m.part_number"):
        lines[name].append(part)
    return lines
