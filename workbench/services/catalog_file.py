"""The catalog file as the command line and the launcher see it: which path, whether a file is
there, removing one just made, and the one-writer lock, without either of them opening the
store themselves. The desktop app passes through here before its first window, so the lock's
module is imported only by a command that writes.

The store's errors about the file are named here too, so a caller that must tell them apart
(a StoreError from the letters named by ``--letters`` is bad input, not a database problem)
catches them from this service.
"""

from __future__ import annotations

from pathlib import Path

from workbench.store import StoreError, default_db_path, resolve_db_path
from workbench.store.catalog_file import SIDE_FILES, NoCatalog, exists as catalog_exists
from workbench.store.connection import ENV_VAR

__all__ = ["ENV_VAR", "NoCatalog", "StoreError", "catalog_exists", "default_db_path", "remove_catalog_files",
           "resolve_db_path", "writer_lock"]


def remove_catalog_files(path: Path) -> None:
    """Remove the catalog at ``path`` with its SQLite side files: for a catalog a command made
    moments ago and then added nothing to (never for one the officer made or chose)."""
    for suffix in ("",) + SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.unlink()


def writer_lock(db_path: Path):
    """``with writer_lock(db):`` holds the catalog's one-writer lock for the block; while another
    workbench holds it, waits briefly and then raises a StorageError naming the holder (exit 3)."""
    from workbench.store.locking import writer_lock as lock

    return lock(db_path)
