"""Verifying the audit hash chain (targets 16-17): `workbench audit verify [--head HASH]`.

The chain (workbench.store.audit) proves that no row was edited, deleted or reordered: each row's
``hash`` is SHA-256 over the previous hash and its own fields, and ``seq`` must run 1, 2, 3 ...
without a gap. What a chain cannot prove by itself is that its *tail* is still there: cutting off
the last k rows leaves a perfectly valid shorter chain. So every memo and export prints the head
hash (an anchor kept outside the database); ``verify(conn, anchor=HASH)`` additionally requires
that this hash is still in the chain, and names the first missing entry when it is not.

Nor can a chain alone prove that the catalog still holds what the log says. So the log records
the resulting state of the products, letters, deals and ledger figures (workbench.store.audit_state)
and verify recomputes it from the tables: a row changed, added or deleted outside the app, or a log
whose tail was cut, fails here. Memos and exports run this same check and refuse when it fails.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Optional

from workbench.store import audit

_COLUMNS = ("seq", "ts_utc", "actor", "action", "entity", "before_json", "after_json", "ruleset_sha256")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class ChainReport:
    entries: int  # rows read
    head_seq: int  # last seq read (0: empty log)
    head_hash: str
    broken_seq: Optional[int] = None  # first entry that does not follow, or the first missing one
    reason: str = ""
    catalog_differs: bool = False  # the log is intact but the tables are not what it records

    @property
    def ok(self) -> bool:
        return self.broken_seq is None

    def message(self) -> str:
        if self.ok:
            return f"audit log intact: {self.entries} entries, head #{self.head_seq} {self.head_hash}"
        if self.catalog_differs:
            return f"catalog does not match its audit log: {self.reason}"
        return f"audit log broken at entry {self.broken_seq}: {self.reason}"


def parse_anchor(text: str) -> str:
    """Accept a bare hash, or the forms memos/exports print ('#12 <hash>', 'seq 12 sha256 <hash>')."""
    candidates = [t for t in re.split(r"[\s:#]+", text.strip().lower()) if _HEX64.match(t)]
    if len(candidates) != 1:
        raise ValueError(f"'{text}' is not an audit head (expected the 64-hex-digit hash printed in a memo or export)")
    return candidates[0]


def verify(conn: sqlite3.Connection, anchor: Optional[str] = None) -> ChainReport:
    """Recompute the whole chain in ``seq`` order, the subjects index and the catalog state; with
    ``anchor`` also require that hash in the chain."""
    from workbench.store import audit_state

    with_state = audit_state.has_state_column(conn)
    columns = _COLUMNS + ((audit_state.STATE_COLUMN,) if with_state else ())
    prev, expected, entries, anchor_seen = audit.GENESIS, 1, 0, anchor is None
    cols = ", ".join(columns)
    for row in conn.execute(f"SELECT {cols}, prev_hash, hash FROM audit ORDER BY seq"):
        fields = dict(zip(columns, row[:len(columns)]))
        prev_hash, digest, seq = row[-2], row[-1], fields["seq"]
        if seq != expected:
            # A gap means rows were deleted; seq is the primary key, so it cannot repeat.
            return ChainReport(entries, expected - 1, prev, expected,
                               f"entry {expected} is missing (the next entry is {seq}): rows were deleted")
        if prev_hash != prev:
            return ChainReport(entries, seq - 1, prev, seq,
                               "its prev_hash does not match the entry before it (rows were reordered, "
                               "deleted or replaced)")
        if audit.row_hash(prev, fields) != digest:
            return ChainReport(entries, seq - 1, prev, seq,
                               "its contents do not match its hash (the entry was edited)")
        entries += 1
        prev, expected = digest, expected + 1
        if digest == anchor:
            anchor_seen = True
    if not anchor_seen:
        return ChainReport(entries, expected - 1, prev, expected,
                           f"the anchored head {anchor} is not in the log, which ends at entry {expected - 1}: "
                           "entries after it were cut off (truncated), or the anchor is from another catalog")
    mismatch = subjects_mismatch(conn)
    if mismatch is not None:
        return ChainReport(entries, expected - 1, prev, *mismatch)
    if with_state:
        state_seq, differing = audit_state.differing_tables(conn)
        if differing:
            names = ", ".join(audit_state.LABELS[t] for t in differing)
            where = f"entry {state_seq}" if state_seq else "the empty log"
            return ChainReport(entries, expected - 1, prev, max(state_seq, 1),
                               f"the catalog's {names} are not what the log records as of {where}: they were changed "
                               "outside the workbench, or entries after it were cut off", catalog_differs=True)
    return ChainReport(entries, expected - 1, prev)


_MARKER = "wb_verified_marker"


def verify_unless_unchanged(conn: sqlite3.Connection) -> ChainReport:
    """:func:`verify`, skipped when nothing at all was written to the database since this
    connection's last passing verify (no other connection committed: ``PRAGMA data_version``; this
    one changed no row: ``total_changes``), in which case verify would pass again. The marker lives
    in a function registered on this connection only, so another connection never inherits it."""
    now = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
    try:
        marker = conn.execute(f"SELECT {_MARKER}()").fetchone()[0]
    except sqlite3.OperationalError:  # no marker on this connection yet
        marker = None
    if marker is not None:
        seen = json.loads(marker)
        if tuple(seen["at"]) == now:
            return ChainReport(seen["entries"], seen["seq"], seen["hash"])
    report = verify(conn)
    if report.ok:
        state = {"value": json.dumps({"at": list(now), "entries": report.entries, "seq": report.head_seq,
                                      "hash": report.head_hash})}
        conn.create_function(_MARKER, 0, lambda: state["value"])
    return report


def subjects_mismatch(conn: sqlite3.Connection) -> Optional[tuple[int, str]]:
    """(seq, reason) of the first entry whose audit_subjects rows differ from the part numbers in
    its (hash-protected) payload, or None. The index is derived data: without this check, rows
    added to or lost from it could hide an import from a product's history or retention date."""
    from workbench.store.products import IMPORT_COLUMNS

    part = IMPORT_COLUMNS.index("part_number")
    indexed: dict[int, set[str]] = {}
    for entity, seq in conn.execute("SELECT entity, seq FROM audit_subjects"):
        indexed.setdefault(seq, set()).add(entity)
    for seq, after_json in conn.execute("SELECT seq, after_json FROM audit WHERE action = 'products.import' ORDER BY seq"):
        after = json.loads(after_json)
        named = {row[part] for row in after.get("added", [])} | set(after.get("changed", {}))
        if indexed.pop(seq, set()) != named:
            return seq, ("its audit_subjects rows do not list exactly the products its payload names (the subjects "
                         "index was edited)")
    if indexed:
        seq = min(indexed)
        return seq, "audit_subjects names this entry, which is not an import (the subjects index was edited)"
    return None


def triggers_present(conn: sqlite3.Connection) -> list[str]:
    """Names of the append-only triggers still on the audit table (both expected)."""
    rows = conn.execute("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'audit' "
                        "ORDER BY name").fetchall()
    return [r[0] for r in rows]
