"""The catalog file as the command line and the launcher see it: which path, whether a file is
there, and the one-writer lock, without either of them opening the store themselves.

The store's errors about the file are named here too, so a caller that must tell them apart
(a StoreError from the letters named by ``--letters`` is bad input, not a database problem)
catches them from this service.
"""

from __future__ import annotations

from workbench.store import StoreError, default_db_path, resolve_db_path
from workbench.store.catalog_file import NoCatalog, exists as catalog_exists
from workbench.store.connection import ENV_VAR
from workbench.store.locking import writer_lock
from workbench.store.recovery import CorruptDatabase

__all__ = ["ENV_VAR", "CorruptDatabase", "NoCatalog", "StoreError", "catalog_exists", "default_db_path",
           "resolve_db_path", "writer_lock"]
