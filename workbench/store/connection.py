"""Opening the catalog database: one connection recipe for every connection.

Every connection gets WAL (read back: SQLite silently keeps another journal mode where WAL cannot
work, e.g. on some network filesystems), foreign keys, a 5 s busy timeout, synchronous=FULL (a
signed-off classification must survive a dying battery) and trusted_schema=OFF. The version and
application id are checked *before* anything is written, so a database from a newer version of
the workbench (or another program's file) is refused without being touched.

A catalog this user may not write (a read-only file, a folder it may not write, a read-only
mount) is opened read-only (``mode=ro``, ``query_only``; ``immutable`` where SQLite cannot even
create its WAL index), so looking, classifying and exporting work; a write to it then fails as one
:class:`ReadOnlyCatalog` message (exit 3) and changes nothing. A folder this user may not enter is
refused up front as a StoreError, never as an unexpected error.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Optional

from workbench.errors import StorageError

log = logging.getLogger("workbench.store")

APPLICATION_ID = 0x45435742  # "ECWB": export-control workbench
BUSY_TIMEOUT_MS = 5000
ENV_VAR = "WORKBENCH_DB"
DB_FILENAME = "catalog.sqlite3"


class StoreError(StorageError):
    """An environment or file problem with the database, shown to the user as one message."""


class NewerDatabase(StoreError):
    """The file was written by a newer workbench; it is refused and left untouched."""


class NotAWorkbenchDatabase(StoreError):
    """The file is an SQLite database of some other program (or not SQLite at all)."""


class ReadOnlyCatalog(StoreError, sqlite3.OperationalError):
    """A write to a catalog this user may not write (still an OperationalError for older callers)."""


class DiskFull(StoreError):
    """SQLITE_FULL: the disk (or the database's page limit) is full; the transaction was rolled back."""


def default_db_path() -> Path:
    """WORKBENCH_DB if set, else catalog.sqlite3 in the user's data directory (platformdirs)."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path("export-control-workbench", appauthor=False) / DB_FILENAME


def resolve_db_path(explicit: Optional[str | os.PathLike] = None) -> Path:
    """--db PATH beats WORKBENCH_DB, which beats the default location."""
    return Path(explicit).expanduser() if explicit else default_db_path()


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and (
        getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "database or disk is full" in str(exc))


def disk_full_message(path: object) -> str:
    return (f"{path}: the disk is full (SQLite: database or disk is full); nothing was changed "
            "(expected free disk space: free some and try again)")


def is_read_only_error(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and (
        getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_READONLY or "readonly database" in str(exc))


def read_only_message(path: object, exc: BaseException) -> str:
    return (f"{path}: the catalog is read-only for this user (SQLite: {exc}); nothing was changed (expected a catalog "
            "file and folder this user may write, on writable storage)")


def _may_write(path: Path) -> bool:
    """False when the OS says this user may not write the file or its folder (a read-only mount
    included). Always True for root, whose writes SQLite then refuses itself if it must."""
    folder = path.parent
    return os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _check_folder(path: Path) -> None:
    folder = path.parent
    if folder.is_dir() and not os.access(folder, os.X_OK):
        raise StoreError(f"{path}: the folder {folder} cannot be opened by this user (permission denied); nothing "
                         "was read or changed (expected a folder this user may open)")


def _check_identity(conn: sqlite3.Connection, path: Path, latest_version: int) -> int:
    """Refuse foreign or newer files using only reads. Returns the file's user_version."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        has_tables = conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] > 0
    except sqlite3.DatabaseError as exc:
        raise NotAWorkbenchDatabase(f"{path}: not a workbench database ({exc})") from None
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and has_tables):
        raise NotAWorkbenchDatabase(
            f"{path}: not a workbench database (application_id {app_id:#x}; expected {APPLICATION_ID:#x} or a new file)")
    if version > latest_version:
        raise NewerDatabase(
            f"{path}: written by a newer version of the workbench (schema version {version}; this version "
            f"understands up to {latest_version}). It was not opened or changed (expected: upgrade the workbench)")
    return version


def connect(path: str | os.PathLike, latest_version: Optional[int] = None) -> sqlite3.Connection:
    """Open ``path`` with the connection recipe and verify every setting by reading it back.

    The connection is in autocommit mode (isolation_level=None): writers open their own
    ``BEGIN IMMEDIATE ... COMMIT``, so transaction boundaries are always explicit.
    """
    from workbench.store.schema import LATEST_VERSION

    path = Path(path)
    if str(path) == ":memory:" or str(path).startswith("file:"):
        raise StoreError(f"{path}: expected a file path (WAL needs a real file)")
    latest = LATEST_VERSION if latest_version is None else latest_version
    try:
        _check_folder(path)
        if path.exists() and not _may_write(path):
            return connect_read_only(path, latest)
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except OSError as exc:
        raise StoreError(f"{path}: cannot open the catalog ({exc.strerror or exc}); nothing was changed (expected a "
                         "folder this user may write)") from None
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open the database ({exc}) (expected a readable catalog file)") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _check_identity(conn, path, latest)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"{path}: SQLite kept journal mode '{mode}' instead of WAL (expected a local disk, "
                             "not a network or read-only filesystem)")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA trusted_schema = OFF")
        problems = [f"{k}={v!r}" for k, v in read_pragmas(conn).items() if not _pragma_ok(k, v)]
        if problems:
            raise StoreError(f"{path}: connection settings did not take effect: {', '.join(problems)}")
        from workbench.store.audit_state import track

        track(conn)  # note every change to the tables bound to the audit log (see audit_state)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if is_disk_full(exc):
            raise DiskFull(disk_full_message(path)) from None
        raise StoreError(f"{path}: cannot open the database ({exc})") from None
    except BaseException:
        conn.close()
        raise
    return conn


def connect_read_only(path: Path, latest_version: int) -> sqlite3.Connection:
    """The catalog through a ``mode=ro`` URI with ``query_only`` (every write raises); where SQLite
    cannot create the WAL index (a folder it may not write, a read-only mount), ``immutable=1``."""
    last: Optional[BaseException] = None
    for suffix in ("?mode=ro", "?mode=ro&immutable=1"):
        conn = sqlite3.connect(Path(path).resolve().as_uri() + suffix, uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                               isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _check_identity(conn, path, latest_version)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.execute("PRAGMA query_only = ON")
            return conn
        except NotAWorkbenchDatabase as exc:
            conn.close()
            last = exc
            if "(application_id" in str(exc):
                raise  # SQLite read it: it really is another program's file
        except BaseException:
            conn.close()
            raise
    raise last  # type: ignore[misc]


def read_pragmas(conn: sqlite3.Connection) -> dict[str, object]:
    names = ("journal_mode", "foreign_keys", "busy_timeout", "synchronous", "trusted_schema")
    return {n: conn.execute(f"PRAGMA {n}").fetchone()[0] for n in names}


def _pragma_ok(name: str, value: object) -> bool:
    return {
        "journal_mode": lambda v: str(v).lower() == "wal",
        "foreign_keys": lambda v: v == 1,
        "busy_timeout": lambda v: v >= BUSY_TIMEOUT_MS,
        "synchronous": lambda v: v == 2,
        "trusted_schema": lambda v: v == 0,
    }[name](value)


class write_transaction:
    """``with write_transaction(conn, path):`` = BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error.

    SQLite may already have rolled back by itself (SQLITE_FULL, IOERR, BUSY, NOMEM), so the
    rollback is issued only while a transaction is still open. A full disk becomes one DiskFull.
    """

    def __init__(self, conn: sqlite3.Connection, path: object = "database"):
        self.conn, self.path = conn, path

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if is_disk_full(exc):
                raise DiskFull(disk_full_message(self.path)) from None
            if is_read_only_error(exc):
                raise ReadOnlyCatalog(read_only_message(self.path, exc)) from None
            raise
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
                return False
            except BaseException as commit_exc:
                exc = commit_exc
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        if exc is not None and is_disk_full(exc):
            raise DiskFull(disk_full_message(self.path)) from None
        if exc is not None and is_read_only_error(exc) and not isinstance(exc, ReadOnlyCatalog):
            raise ReadOnlyCatalog(read_only_message(self.path, exc)) from None
        if exc_type is None:
            raise exc
        return False


class read_transaction:
    """``with read_transaction(conn):`` = BEGIN (deferred) ... COMMIT: every read inside sees one
    state of the database (a worker that reads the catalog twice, e.g. classifying it and then
    keeping what it found, must not mix two states). Inside a transaction already open, it adds
    nothing (that one already gives a single state)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.owned = False

    def __enter__(self) -> sqlite3.Connection:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN")
            self.owned = True
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> bool:
        if self.owned and self.conn.in_transaction:
            self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")
        return False


def database_file(conn: sqlite3.Connection) -> Optional[str]:
    """The file behind ``conn`` (None for an in-memory database)."""
    row = conn.execute("PRAGMA database_list").fetchone()
    return row[2] if row and row[2] else None
