"""Scheduled backups and restore (target 6): VACUUM INTO a folder beside the catalog, keep the newest N.

Backups go to ``<catalog>.backups/<catalog stem>-<UTC stamp>.sqlite3`` through
workbench.store.backup.backup_to (VACUUM INTO, then integrity_check on the copy). A backup is taken
when the newest one is older than the interval (default 24 h) and the oldest are pruned beyond
``keep`` (default 10). Both are configurable: arguments, or WORKBENCH_BACKUP_KEEP /
WORKBENCH_BACKUP_HOURS. Pre-migration snapshots (``*.v<N>-*.bak``) are never pruned here.

``restore(backup, db)`` holds the catalog's writer lock for the whole operation and, before it
touches anything, verifies the backup in full (:func:`check_backup`: integrity, our application
id, a schema version this workbench understands, an intact audit log matching its data, the
append-only triggers). It then builds the new catalog beside the old one (SQLite's backup API,
migrated, triggers re-created, the restore recorded in its audit log) and swaps it in with one
atomic rename: at every instant, even after a kill -9, the catalog path holds either the old
catalog or the restored one. The old catalog is kept as ``*.replaced-<stamp>`` (a hard link made
before the swap, so it never leaves the catalog path either).
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

from workbench.errors import UserError
from workbench.store.connection import APPLICATION_ID, StoreError

DEFAULT_KEEP = 10
DEFAULT_EVERY = timedelta(hours=24)
_STAMP = "%Y%m%dT%H%M%S%fZ"
_TRIGGER = re.compile(r"\s*CREATE TRIGGER (\w+)")


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


class BackupRefused(UserError, StoreError):
    """The file given to restore is not a sound, untampered workbench backup; nothing was changed."""


def expected_triggers(version: int) -> dict[str, str]:
    """The append-only triggers a catalog at schema ``version`` has: name -> its CREATE statement."""
    from workbench.store.schema import MIGRATIONS

    found = {}
    for v, statements in MIGRATIONS.items():
        if v <= version:
            for sql in statements:
                m = _TRIGGER.match(sql)
                if m:
                    found[m.group(1)] = sql
    return found


def check_backup(path: Path) -> None:
    """Raise BackupRefused unless ``path`` is a sound, untampered workbench database this version
    can open: integrity_check, application_id, schema version, `audit verify`, append-only triggers."""
    from workbench.store.audit_verify import verify
    from workbench.store.backup import integrity_check
    from workbench.store.recovery import open_read_only
    from workbench.store.schema import LATEST_VERSION

    path = Path(path)
    if not path.is_file():
        raise BackupRefused(f"{path}: no such backup file")
    if path.stat().st_size == 0:
        raise BackupRefused(f"{path}: the backup is empty (0 bytes); not restored")
    try:
        conn = open_read_only(path)
    except StoreError as exc:
        raise BackupRefused(f"{path}: cannot open the backup ({exc})") from None
    except sqlite3.DatabaseError as exc:
        raise BackupRefused(f"{path}: not a usable backup ({exc})") from None
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        problems = integrity_check(conn)
        if app_id != APPLICATION_ID:
            raise BackupRefused(f"{path}: not a workbench backup (application_id {app_id:#x})")
        if problems:
            raise BackupRefused(f"{path}: the backup fails integrity_check ({'; '.join(problems[:3])}); not restored")
        if version > LATEST_VERSION:
            raise BackupRefused(f"{path}: written by a newer version of the workbench (schema version {version}; this "
                                f"version understands up to {LATEST_VERSION}); not restored (expected: upgrade first)")
        report = verify(conn)
        if not report.ok:
            raise BackupRefused(f"{path}: {report.message()}; not restored (expected a backup whose audit log verifies)")
        present = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'trigger'")}
        missing = sorted(set(expected_triggers(version)) - present)
        if missing:
            raise BackupRefused(f"{path}: the append-only triggers {', '.join(missing)} were removed from the backup; "
                                "not restored (expected an untampered backup)")
    except sqlite3.DatabaseError as exc:
        raise BackupRefused(f"{path}: not a usable backup ({exc})") from None
    finally:
        conn.close()


def _checkpoint_old(db_path: Path) -> None:
    """Fold the old catalog's WAL into its file, so that no -wal of it could be applied to the new one."""
    conn = sqlite3.connect(str(db_path), timeout=5, isolation_level=None)
    try:
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except sqlite3.DatabaseError:
        busy = 0  # not a database at all (a damaged file): nothing to fold in; it is kept aside as it is
    finally:
        conn.close()
    if busy:
        raise StoreError(f"{db_path}: still being read by another program; nothing was restored (expected: close it "
                         "and try again)")


def _keep_aside(db_path: Path, stamp: str) -> Path:
    target = db_path.with_name(f"{db_path.name}.replaced-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = db_path.with_name(f"{db_path.name}.replaced-{stamp}-{n}")
    try:
        os.link(db_path, target)  # a second name for the old file: the catalog path is never empty
    except OSError:  # no hard links here (e.g. FAT): SQLite copies the old catalog page by page
        _copy_database(db_path, target)
    return target


def _copy_database(source: Path, target: Path) -> None:
    """A page-by-page copy of the SQLite database at ``source`` (opened read-only) into ``target``."""
    src = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def restore(backup: Path, db_path: Path, now: Optional[datetime] = None) -> Optional[Path]:
    """Replace the catalog at ``db_path`` with ``backup``; returns where the old catalog was kept.

    Raises BackupRefused (exit 2) for a backup that does not verify, StorageError (exit 3) when the
    catalog is in use or the folder refuses; in every failure the catalog is left as it was."""
    from workbench.store import audit
    from workbench.store.connection import connect, write_transaction
    from workbench.store.locking import writer_lock
    from workbench.store.schema import migrate

    backup, db_path = Path(backup), Path(db_path)
    stamp = (now or datetime.now(timezone.utc)).strftime(_STAMP)
    check_backup(backup)  # before anything is touched, even the lock
    with writer_lock(db_path):
        staged = db_path.with_name(f".{db_path.name}.restoring-{stamp}")
        try:
            _copy_database(backup, staged)
            check_backup(staged)  # what was copied is what was checked
            conn = connect(staged)
            try:
                migrate(conn)  # an older backup is brought up to this version (no snapshot: the backup is one)
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                present = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'trigger'")}
                with write_transaction(conn, staged):
                    for name, sql in expected_triggers(version).items():
                        if name not in present:
                            conn.execute(sql)
                    moved = db_path.with_name(f"{db_path.name}.replaced-{stamp}") if db_path.exists() else None
                    audit.append(conn, [audit.Change("catalog.restore", db_path.name,
                                                     {"replaced_kept_as": moved.name if moved else None},
                                                     {"restored_from": str(backup)})])
                conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file to rename
            finally:
                conn.close()
            kept = None
            if db_path.exists():
                _checkpoint_old(db_path)
                kept = _keep_aside(db_path, stamp)
            os.replace(staged, db_path)  # the one atomic step
        except OSError as exc:
            raise StoreError(f"{db_path}: restore failed ({exc.strerror or exc}); the catalog was not changed") from None
        finally:
            for leftover in (staged, *(staged.with_name(staged.name + s) for s in ("-wal", "-shm", "-journal"))):
                if leftover.exists():
                    leftover.unlink()
        for side in ("-wal", "-shm"):  # the old catalog's emptied WAL index must not meet the new file
            stale = db_path.with_name(db_path.name + side)
            if stale.exists() and (side == "-shm" or stale.stat().st_size == 0):
                stale.unlink()
    return kept
