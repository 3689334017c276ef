"""The catalog file itself: is there one, is it ours, and making a new one without ever replacing
a file.

Nothing here creates a catalog behind the officer's back. A missing file is :class:`NoCatalog`
(exit 2, naming ``workbench init``). An existing file that is empty, not SQLite, another
program's database, or damaged is :class:`NotACatalog` (exit 3) and is left exactly as it is:
it is never overwritten, moved or turned into a catalog. A new catalog is built under a
temporary name in the same folder and then linked into place, which fails if a file appeared
there meanwhile, so a half-built catalog is never seen under its real name.

Every look inside goes through SQLite (read-only URI); the store never reads the file itself.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path
from typing import Callable

from workbench.errors import UserError
from workbench.store.connection import APPLICATION_ID, BUSY_TIMEOUT_MS, StoreError, connect

SIDE_FILES = ("-wal", "-shm", "-journal")


class NoCatalog(UserError):
    """No file at the catalog path: commands that only read never create one."""

    def __init__(self, path: Path):
        self.path = Path(path)
        super().__init__(f"no catalog at {path} (create one with: workbench init --db {path})")


class NotACatalog(StoreError):
    """A file is there but it is not a usable workbench catalog; it was not touched."""


class CatalogExists(UserError):
    """``init`` was pointed at a catalog that already exists."""


def exists(path: Path) -> bool:
    """Whether a file is at ``path``; a folder this user may not look into is a StoreError (exit 3,
    one line), not a traceback and not "no catalog"."""
    try:
        os.stat(path)
        return True
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror or exc}); nothing was changed "
                         "(expected a folder this user may read and write)") from None


def _identity_once(uri: str) -> tuple[int, int]:
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        return (conn.execute("PRAGMA application_id").fetchone()[0], conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _identity(path: Path) -> tuple[int, int]:
    """(application_id, user_version), read-only. On a read-only file system a WAL catalog can only
    be opened immutable (SQLite cannot make its -shm file); damage raises sqlite3.DatabaseError."""
    from workbench.store.recovery import _is_corruption, _ro_uri

    try:
        return _identity_once(_ro_uri(path))
    except sqlite3.DatabaseError as exc:
        if _is_corruption(exc):
            raise
    try:
        return _identity_once(_ro_uri(path, immutable=True))
    except sqlite3.DatabaseError as exc:
        if _is_corruption(exc):
            raise
        raise StoreError(f"{path}: cannot be read ({exc}); it was left as it is (expected a readable catalog file)") \
            from None


def check_catalog_file(path: Path, *, deep: bool = True) -> None:
    """Raise NoCatalog when nothing is at ``path``; NotACatalog (nothing changed) when the file is
    empty, not SQLite, not a workbench catalog, or (``deep``: SQLite's quick_check) damaged.

    Looking inside a WAL file read-only makes SQLite create its -wal/-shm files beside it; for a
    file that is refused, those it created are removed again, so the folder is as it was."""
    path = Path(path)
    if not exists(path):
        raise NoCatalog(path)
    before = {s for s in SIDE_FILES if path.with_name(path.name + s).exists()}
    try:
        _check(path, deep)
    except NotACatalog:
        for suffix in set(SIDE_FILES) - before:
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.unlink()
        raise


def _check(path: Path, deep: bool) -> None:
    left = "it was left as it is"
    if not path.is_file():
        raise NotACatalog(f"{path}: not a file, so not a workbench catalog; {left} (expected a catalog file)")
    if path.stat().st_size == 0:
        raise NotACatalog(f"{path}: the file is empty (0 bytes), not a workbench catalog; {left} "
                          f"(expected a catalog made by: workbench init --db PATH)")
    try:
        app_id, version = _identity(path)
    except sqlite3.DatabaseError as exc:
        raise NotACatalog(f"{path}: not an SQLite database ({exc}); {left} "
                          "(expected a catalog made by: workbench init --db PATH)") from None
    if app_id != APPLICATION_ID or version < 1:
        raise NotACatalog(f"{path}: an SQLite file but not a workbench catalog (application_id {app_id:#x}, "
                          f"schema version {version}); {left} (expected a catalog made by: workbench init)")
    if deep:
        from workbench.store.recovery import last_good_backup, quick_check

        problems = quick_check(path)
        if problems:
            backup = last_good_backup(path)
            offer = (f"; restore the newest verified backup with: workbench restore {backup} --db {path}"
                     if backup else "; no backup was found next to it")
            raise NotACatalog(f"{path}: the catalog is damaged ({'; '.join(problems[:3])}); {left}{offer}")


def create_new(path: Path, build: Callable[[sqlite3.Connection], None]) -> Path:
    """Make a new catalog at ``path`` with ``build(conn)`` (which migrates and fills it), never
    replacing a file: built under a temporary name beside ``path``, then linked into place."""
    path = Path(path)
    if path.exists():
        raise CatalogExists(f"{path}: a file is already there; a new catalog never replaces a file "
                            "(expected a path where no file exists)")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.creating-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        conn = connect(tmp)
        try:
            build(conn)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        _place(tmp, path)
    finally:
        for name in (tmp, *(tmp.with_name(tmp.name + s) for s in SIDE_FILES)):
            if name.exists():
                name.unlink()
    return path


def _place(tmp: Path, path: Path) -> None:
    """Give the finished file its name; fails (nothing replaced) if a file is there by now."""
    try:
        os.link(tmp, path)
        return
    except FileExistsError:
        raise CatalogExists(f"{path}: a file appeared there while the catalog was being made; it was left as it "
                            "is (expected a path where no file exists)") from None
    except OSError:
        pass  # no hard links on this file system (FAT, some network shares): reserve the name, then replace
    try:
        path.touch(exist_ok=False)  # O_CREAT | O_EXCL: the name is ours, or someone else's file stays
    except FileExistsError:
        raise CatalogExists(f"{path}: a file appeared there while the catalog was being made; it was left as it "
                            "is (expected a path where no file exists)") from None
    os.replace(tmp, path)
