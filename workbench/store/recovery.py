"""Start-up checks of the catalog file (targets 4, 5, 7): corrupt, read-only, cloud or network folder.

* Corrupt: ``quick_check`` on a read-only connection before anything else. A failing file is
  renamed (with its -wal/-shm, so they stay a matching set) to ``*.corrupt-<UTC stamp>``: it is
  never deleted and never silently recreated; the caller offers the newest backup that passes
  integrity_check.
* Read-only: probed with a write that changes nothing (``BEGIN IMMEDIATE; PRAGMA user_version =
  <same>; ROLLBACK``), because on a read-only file SQLite happily begins the transaction and only
  refuses the first page write. The catalog is then opened with a ``mode=ro`` URI and
  ``query_only``, and the UI shows a banner.
* Cloud-sync or network folder: a path under Dropbox, OneDrive, Google Drive, iCloud or a
  syncthing folder, or on an nfs/cifs/smb/sshfs mount (read from /proc/mounts), gets a warning
  before the first write (WAL does not work across hosts; sync clients make conflicted copies).

We never ``open()`` the database file ourselves (howtocorrupt §2): every check goes through SQLite.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from workbench.store.connection import BUSY_TIMEOUT_MS, StoreError

SIDE_FILES = ("-wal", "-shm", "-journal")
NETWORK_FS = {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "fuse.sshfs", "sshfs", "9p", "afs",
              "fuse.rclone", "fuse.gcsfuse", "davfs", "fuse.davfs2", "ncpfs", "glusterfs", "ceph", "fuse.s3fs"}
# Folder names used by sync clients (Windows, macOS, Linux); compared case-insensitively per path part.
SYNC_MARKERS = ("dropbox", "onedrive", "google drive", "googledrive", "my drive", "icloud drive", "icloudrive",
                "mobile documents", "com~apple~clouddocs", "clouddocs", "nextcloud", "owncloud", "sync.com",
                "box sync", "syncthing", "pcloud", "mega")


class CorruptDatabase(StoreError):
    def __init__(self, path: Path, problems: list[str], moved_to: Optional[Path], backup: Optional[Path]):
        self.path, self.problems, self.moved_to, self.backup = path, problems, moved_to, backup
        offer = (f" The newest verified backup is {backup}: restore it with `workbench restore {backup}`."
                 if backup else " No backup was found next to it.")
        super().__init__(f"{path}: the catalog is damaged ({'; '.join(problems[:3])}). It was moved aside to "
                         f"{moved_to} and nothing was recreated.{offer}")


def _ro_uri(path: Path, immutable: bool = False) -> str:
    # immutable=1 only where nobody can write the file anyway (a read-only file system), where a
    # WAL database cannot be opened otherwise: SQLite needs to create its -shm file.
    return f"{Path(path).resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")


def _is_corruption(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    return "malformed" in str(exc) or "not a database" in str(exc)


def _quick_check_once(uri: str) -> list[str]:
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
        return [] if rows == ["ok"] else rows
    finally:
        conn.close()


def quick_check(path: Path) -> list[str]:
    """[] when SQLite's quick_check passes, else its problem lines (or the corruption error).

    Only SQLITE_CORRUPT / SQLITE_NOTADB (and quick_check's own findings) count as damage: a file
    SQLite merely cannot open (read-only medium, locked) raises StoreError instead, so a healthy
    catalog is never moved aside for an environment problem.
    """
    for immutable in (False, True):
        try:
            return _quick_check_once(_ro_uri(path, immutable))
        except sqlite3.DatabaseError as exc:
            if _is_corruption(exc):
                return [str(exc)]
            last = exc
    raise StoreError(f"{path}: cannot be checked ({last}) (expected a readable database file)")


def move_aside(path: Path, now: Optional[datetime] = None, label: str = "corrupt",
               stamp_format: str = "%Y%m%dT%H%M%SZ") -> Path:
    """Rename the database and its side files to ``<name>.<label>-<stamp>`` (never over an existing
    file); returns the new path."""
    stamp = (now or datetime.now(timezone.utc)).strftime(stamp_format)
    target = path.with_name(f"{path.name}.{label}-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.{label}-{stamp}-{n}")
    os.replace(path, target)
    for suffix in SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    return target


def backups_for(path: Path) -> list[Path]:
    """Backups of ``path``, newest first: pre-migration snapshots and scheduled backups."""
    from workbench.store.backup_schedule import backup_dir

    found = list(path.parent.glob(f"{path.name}.v*.bak"))
    folder = backup_dir(path)
    if folder.is_dir():
        found += list(folder.glob("*.sqlite3"))
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


def last_good_backup(path: Path) -> Optional[Path]:
    """The newest backup that `workbench restore` would accept (never a 0-byte or tampered file:
    an empty file is a valid empty SQLite database, so quick_check alone would pass it)."""
    from workbench.store.backup_schedule import BackupRefused, check_backup

    for candidate in backups_for(path):
        try:
            check_backup(candidate)
        except (BackupRefused, StoreError):
            continue
        return candidate
    return None


def check_not_corrupt(path: Path, now: Optional[datetime] = None) -> None:
    """Raise CorruptDatabase (after moving the file aside) when an existing catalog fails quick_check."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return
    problems = quick_check(path)
    if not problems:
        return
    moved = move_aside(path, now)
    raise CorruptDatabase(path, problems, moved, last_good_backup(path))


def is_read_only_error(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and (
        getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_READONLY or "readonly database" in str(exc))


def writable(conn: sqlite3.Connection) -> bool:
    """Probe with a write that changes nothing; False when SQLite refuses it as read-only."""
    if conn.in_transaction:
        raise RuntimeError("probe a connection that is not inside a transaction")
    try:
        conn.execute("BEGIN IMMEDIATE")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA user_version = {int(version)}")
        return True
    except sqlite3.OperationalError as exc:
        if is_read_only_error(exc):
            return False
        raise
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def file_read_only(path: Path) -> bool:
    """The OS says we may not write the file or its folder (never true for root: see writable())."""
    path = Path(path)
    folder = path.parent
    while not folder.exists() and folder != folder.parent:  # first start: the folder is created later
        folder = folder.parent
    return (path.exists() and not os.access(path, os.W_OK)) or not os.access(folder, os.W_OK)


def open_read_only(path: Path) -> sqlite3.Connection:
    """The catalog through a ``mode=ro`` URI with ``query_only``: every write raises. On a read-only
    file system, where SQLite cannot create the WAL index, it falls back to ``immutable=1``."""
    for immutable in (False, True):
        conn = sqlite3.connect(_ro_uri(path, immutable), uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                               isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.execute("PRAGMA query_only = ON")
            conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
            return conn
        except sqlite3.OperationalError as exc:
            conn.close()
            if immutable:
                raise StoreError(f"{path}: cannot be opened even read-only ({exc})") from None
    raise AssertionError("unreachable")


def read_only_banner(path: Path, reason: str) -> str:
    return (f"Read-only: {path} {reason}. You can look at everything, classify and export; edits, imports and "
            "saves are refused (nothing is changed).")


def mount_type(path: Path, mounts_text: Optional[str]) -> Optional[str]:
    """File-system type of the mount holding ``path`` (longest matching mount point), given the text
    of /proc/mounts (read by the caller: the store never opens files itself); None if unknown."""
    if not mounts_text:
        return None
    target = str(Path(path).resolve() if Path(path).exists() else Path(os.path.abspath(path)))
    best, best_type = "", None
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, best_type = point, parts[2]
    return best_type


def sync_folder_warning(path: Path, mounts_text: Optional[str] = None) -> Optional[str]:
    """A warning to show before the first write when the catalog lives in a sync or network folder."""
    path = Path(path)
    text = str(path).replace("\\", "/")
    if text.startswith("//"):
        return (f"{path} is on a network share. SQLite cannot lock a database reliably over the network: "
                "records can be lost. Keep the catalog on a local disk.")
    for part in Path(os.path.abspath(path)).parts[:-1]:
        low = part.lower()
        for marker in SYNC_MARKERS:
            if low == marker or low.startswith(marker + " ") or low.startswith(marker + "-") or (
                    marker in ("onedrive", "dropbox") and low.startswith(marker)):
                return (f"{path} is inside a cloud-sync folder ({part}). Sync clients copy the database while it "
                        "is being written and create conflicted copies: records can be lost. Keep the catalog "
                        "on a local disk outside the synced folder and back it up instead.")
    fstype = mount_type(path, mounts_text)
    if fstype and (fstype in NETWORK_FS or fstype.split(".")[0] in NETWORK_FS):
        return (f"{path} is on a network file system ({fstype}). SQLite cannot lock a database reliably over "
                "the network: records can be lost. Keep the catalog on a local disk.")
    return None


@dataclass
class Preflight:
    """What start-up found before the catalog is opened for writing."""

    read_only_reason: Optional[str] = None
    sync_warning: Optional[str] = None


def preflight(path: Path, mounts_text: Optional[str] = None, now: Optional[datetime] = None) -> Preflight:
    """Raise CorruptDatabase for a damaged file; report read-only files and sync/network folders."""
    path = Path(path)
    check_not_corrupt(path, now)
    result = Preflight(sync_warning=sync_folder_warning(path, mounts_text))
    if file_read_only(path):
        result.read_only_reason = "cannot be written (file or folder permissions)"
    elif path.exists():
        probe = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            if not writable(probe):
                result.read_only_reason = "is read-only (SQLite refused a write)"
        finally:
            probe.close()
    return result


@dataclass
class OpenedCatalog:
    """The catalog as the app opened it: writable, or read-only with the reason for the banner."""

    conn: sqlite3.Connection
    read_only_reason: Optional[str]
    sync_warning: Optional[str]
    lock: Optional[object]  # workbench.store.locking.CatalogLock while we hold it


def open_for_app(path: Path, opener, confirm_sync=None, mounts_text: Optional[str] = None) -> OpenedCatalog:
    """Start-up sequence: corrupt check, single-writer lock, read-only and sync-folder checks, open.

    ``opener(path)`` opens (and migrates) the existing catalog for writing, e.g.
    services.catalog.open_existing_catalog; nothing here creates a catalog.
    ``confirm_sync(message) -> bool`` is asked before the first write when the file is in a sync or
    network folder; False opens an existing catalog read-only (and refuses to create a new one there).
    Raises CorruptDatabase (file moved aside, backup named) and StoreError.
    """
    from workbench.store.catalog_file import NotACatalog, check_catalog_file
    from workbench.store.locking import CatalogLock, CatalogLocked

    path = Path(path)
    # Never create, replace or move a file that is not one of our catalogs: a missing path is
    # NoCatalog, an empty / non-SQLite / foreign file NotACatalog (both untouched). A damaged
    # catalog of ours goes on to preflight (moved aside, the newest verified backup offered).
    try:
        check_catalog_file(path, deep=False)
    except NotACatalog:
        # A file SQLite cannot read, with backups of a catalog at this path beside it: our catalog,
        # damaged (e.g. by a killed restore). Preflight moves it aside and offers the newest backup.
        if path.stat().st_size == 0 or not backups_for(path):
            raise
    check = preflight(path, mounts_text)
    reason = check.read_only_reason
    lock: Optional[CatalogLock] = None
    if reason is None:
        lock = CatalogLock(path)
        try:
            lock.acquire()
        except CatalogLocked as exc:
            lock, reason = None, f"is already open by {exc.holder.describe()}"
        except OSError:  # the folder refuses the lock file: read-only media
            lock, reason = None, "is on read-only storage"
    if reason is None and check.sync_warning and confirm_sync is not None and not confirm_sync(check.sync_warning):
        reason = "was opened read-only because it is in a sync or network folder"
    if reason is not None:
        if lock is not None:
            lock.release()
        if not path.exists():
            raise StoreError(f"{path}: no catalog there and it {reason}, so none was created")
        return OpenedCatalog(open_read_only(path), reason, check.sync_warning, None)
    try:
        conn = opener(path)
    except BaseException as exc:
        lock.release()
        cause = exc.__cause__ or exc.__context__
        if path.exists() and (is_read_only_error(exc) or "readonly" in str(exc) or is_read_only_error(cause)):
            return OpenedCatalog(open_read_only(path), "is read-only (SQLite refused a write)", check.sync_warning,
                                 None)
        raise
    return OpenedCatalog(conn, None, check.sync_warning, lock)
