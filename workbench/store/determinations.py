"""Recorded determinations: what a product classified as under a regime, with everything needed
to reproduce it (inputs as evaluated, ruleset SHA-256, app version), who and when. Rows are never
edited (triggers refuse it): a correction is a new row that names the one it supersedes.
"""

from __future__ import annotations

import sqlite3
from typing import Optional

from workbench import __version__
from workbench.store import audit


def record_determination(conn: sqlite3.Connection, *, part_number: str, regime: str, classification: Optional[str],
                         result: dict, inputs: dict, ruleset_sha256: str, actor: Optional[str] = None,
                         rationale: Optional[str] = None, supersedes: Optional[int] = None) -> int:
    """Insert one determination and its audit row inside the caller's transaction; returns its id."""
    if not conn.in_transaction:
        raise RuntimeError("record_determination must run inside the caller's transaction")
    actor = actor or audit.current_actor()
    ts = audit.utc_now()
    cur = conn.execute(
        "INSERT INTO determinations (part_number, regime, classification, result_json, inputs_json, ruleset_sha256, "
        "actor, ts_utc, app_version, rationale, supersedes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (part_number, regime, classification, audit.canonical_json(result), audit.canonical_json(inputs),
         ruleset_sha256, actor, ts, __version__, rationale, supersedes))
    det_id = cur.lastrowid
    audit.append(conn, [audit.Change("determination.record", part_number, None,
                                     {"id": det_id, "regime": regime, "classification": classification,
                                      "supersedes": supersedes})], actor=actor, ruleset_sha256=ruleset_sha256, ts=ts)
    return det_id


def determinations_for(conn: sqlite3.Connection, part_number: str) -> list[dict]:
    cur = conn.execute("SELECT * FROM determinations WHERE part_number = ? ORDER BY id", (part_number,))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur]
