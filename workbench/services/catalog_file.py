"""The catalog file as the command line and the launcher see it: which path, whether a file is
there, removing one just made, and the one-writer lock, without either of them opening the
store themselves.

The store's errors about the file are named here too, so a caller that must tell them apart
(a StoreError from the letters named by ``--letters`` is bad input, not a database problem)
catches them from this service.
"""

from __future__ import annotations

from pathlib import Path

from workbench.store import StoreError, default_db_path, resolve_db_path
from workbench.store.catalog_file import SIDE_FILES, NoCatalog, exists as catalog_exists
from workbench.store.connection import ENV_VAR
from workbench.store.locking import writer_lock
from workbench.store.recovery import CorruptDatabase

__all__ = ["ENV_VAR", "CorruptDatabase", "NoCatalog", "StoreError", "catalog_exists", "default_db_path",
           "remove_catalog_files", "resolve_db_path", "writer_lock"]


def remove_catalog_files(path: Path) -> None:
    """Remove the catalog at ``path`` with its SQLite side files: for a catalog a command made
    moments ago and then added nothing to (never for one the officer made or chose)."""
    for suffix in ("",) + SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.unlink()
