"""The catalog database (SQLite): connection recipe, schema and migrations, repositories, audit log.

Imports nothing from Qt or file formats; services compose it with workbench.io.
"""

from workbench.store.connection import (APPLICATION_ID, DiskFull, NewerDatabase, NotAWorkbenchDatabase, StoreError,
                                        connect, default_db_path, resolve_db_path, write_transaction)
from workbench.store.schema import LATEST_VERSION, migrate

__all__ = ["APPLICATION_ID", "DiskFull", "LATEST_VERSION", "NewerDatabase", "NotAWorkbenchDatabase", "StoreError",
           "connect", "default_db_path", "migrate", "resolve_db_path", "write_transaction"]
