"""Scheduled backups and restore (target 6): VACUUM INTO a folder beside the catalog, keep the newest N.

Backups go to ``<catalog>.backups/<catalog stem>-<UTC stamp>.sqlite3`` through
workbench.store.backup.backup_to (VACUUM INTO, then integrity_check on the copy). A backup is taken
when the newest one is older than the interval (default 24 h) and the oldest are pruned beyond
``keep`` (default 10). Both are configurable: arguments, or WORKBENCH_BACKUP_KEEP /
WORKBENCH_BACKUP_HOURS. Pre-migration snapshots (``*.v<N>-*.bak``) are never pruned here.

``restore(backup, db)`` checks the backup (quick_check, integrity_check, our application_id), moves
the current catalog aside to ``*.replaced-<stamp>`` (never deleted), copies the backup in with
SQLite's backup API and records the restore in the restored catalog's audit log.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

from workbench.store.connection import APPLICATION_ID, StoreError

DEFAULT_KEEP = 10
DEFAULT_EVERY = timedelta(hours=24)
_STAMP = "%Y%m%dT%H%M%S%fZ"


@dataclass(frozen=True)
class BackupPolicy:
    keep: int = DEFAULT_KEEP
    every: timedelta = DEFAULT_EVERY

    @classmethod
    def from_env(cls) -> "BackupPolicy":
        keep = int(os.environ.get("WORKBENCH_BACKUP_KEEP", DEFAULT_KEEP))
        hours = float(os.environ.get("WORKBENCH_BACKUP_HOURS", DEFAULT_EVERY.total_seconds() / 3600))
        if keep < 1 or hours <= 0:
            raise StoreError("WORKBENCH_BACKUP_KEEP must be >= 1 and WORKBENCH_BACKUP_HOURS > 0")
        return cls(keep, timedelta(hours=hours))


def backup_dir(db_path: Path) -> Path:
    return Path(db_path).with_name(Path(db_path).name + ".backups")


def scheduled_backups(db_path: Path) -> list[Path]:
    """Scheduled backups, oldest first (the stamp in the name sorts chronologically)."""
    folder = backup_dir(db_path)
    return sorted(folder.glob(f"{Path(db_path).stem}-*.sqlite3")) if folder.is_dir() else []


def _stamp_of(path: Path) -> Optional[datetime]:
    try:
        return datetime.strptime(path.stem.rsplit("-", 1)[1], _STAMP).replace(tzinfo=timezone.utc)
    except (IndexError, ValueError):
        return None


def backup_due(db_path: Path, policy: BackupPolicy, now: datetime) -> bool:
    stamps = [s for s in map(_stamp_of, scheduled_backups(db_path)) if s is not None]
    return not stamps or now - max(stamps) >= policy.every


def run_scheduled_backup(conn: sqlite3.Connection, db_path: Path, policy: Optional[BackupPolicy] = None,
                         now: Optional[datetime] = None, force: bool = False) -> Optional[Path]:
    """Take a backup if one is due as of ``now`` (the caller's clock), or ``force``; then prune to
    ``policy.keep``; returns the new file."""
    from workbench.store.backup import backup_to

    policy = policy or BackupPolicy.from_env()
    if now is None:
        if not force:
            raise TypeError("whether a backup is due is decided on the caller's clock: pass now=clock.now()")
        now = datetime.now(timezone.utc)  # a forced backup: the wall clock only stamps the file name
    if not force and not backup_due(db_path, policy, now):
        return None
    out = backup_to(conn, backup_dir(db_path) / f"{Path(db_path).stem}-{now.strftime(_STAMP)}.sqlite3")
    for old in scheduled_backups(db_path)[:-policy.keep]:
        old.unlink()
    return out


def check_backup(path: Path) -> None:
    """Raise StoreError unless ``path`` is a sound workbench database."""
    from workbench.store.backup import integrity_check

    if not Path(path).is_file():
        raise StoreError(f"{path}: no such backup file")
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open the backup ({exc})") from None
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        problems = integrity_check(conn)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a usable backup ({exc})") from None
    finally:
        conn.close()
    if app_id != APPLICATION_ID:
        raise StoreError(f"{path}: not a workbench backup (application_id {app_id:#x})")
    if problems:
        raise StoreError(f"{path}: the backup fails integrity_check ({'; '.join(problems[:3])}); not restored")


def restore(backup: Path, db_path: Path, now: Optional[datetime] = None) -> Optional[Path]:
    """Replace the catalog at ``db_path`` with ``backup``; returns where the old catalog was moved."""
    from workbench.store import audit
    from workbench.store.connection import connect, write_transaction
    from workbench.store.recovery import move_aside

    backup, db_path = Path(backup), Path(db_path)
    check_backup(backup)
    moved = move_aside(db_path, now, label="replaced", stamp_format=_STAMP) if db_path.exists() else None
    src = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(str(db_path))
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    conn = connect(db_path)
    try:
        with write_transaction(conn, db_path):
            audit.append(conn, [audit.Change("catalog.restore", str(db_path), {"replaced_moved_to": str(moved)},
                                             {"restored_from": str(backup)})])
    finally:
        conn.close()
    return moved
