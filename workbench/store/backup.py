"""Backups with VACUUM INTO, each checked with integrity_check before it is reported as good.

The live database file is never opened or copied by us (howtocorrupt §1-2): SQLite writes the
copy itself, consistently, even while the app is writing.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from workbench.store.connection import DiskFull, StoreError, disk_full_message, is_disk_full


def integrity_check(conn: sqlite3.Connection) -> list[str]:
    """[] when the database is sound, else SQLite's problem lines."""
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows


def backup_to(conn: sqlite3.Connection, out: Path) -> Path:
    """Write a consistent copy of the open database to ``out`` (which must not exist) and check it."""
    out = Path(out)
    if out.exists():
        raise StoreError(f"{out}: already exists (expected a new file name for the backup)")
    problems = integrity_check(conn)
    if problems:
        raise StoreError(f"the catalog fails integrity_check, not backed up: {'; '.join(problems[:5])}")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn.execute("VACUUM INTO ?", (str(out),))
    except sqlite3.OperationalError as exc:
        out.unlink(missing_ok=True)
        if is_disk_full(exc):
            raise DiskFull(disk_full_message(out)) from None
        raise StoreError(f"{out}: backup failed ({exc})") from None
    check = sqlite3.connect(f"{out.resolve().as_uri()}?mode=ro", uri=True)
    try:
        problems = integrity_check(check)
    finally:
        check.close()
    if problems:
        raise StoreError(f"{out}: the backup fails integrity_check: {'; '.join(problems[:5])}")
    return out


def snapshot_before_migration(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return backup_to(conn, Path(path).with_name(f"{Path(path).name}.v{version}-{stamp}.bak"))
