"""Checking the catalog's records without changing them: the audit hash chain, read through a
read-only connection so that verifying never writes (a damaged catalog is reported on, not
repaired or migrated)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Optional

from workbench.store.audit_verify import ChainReport, parse_anchor, triggers_present, verify

__all__ = ["ChainReport", "open_for_checking", "parse_anchor", "triggers_present", "verify"]


def open_for_checking(db: Optional[str | os.PathLike]) -> tuple[Path, sqlite3.Connection]:
    """The catalog's path and a read-only connection to it. A missing catalog is NoCatalog
    (exit 2); an empty, foreign or unreadable file NotACatalog (exit 3). No quick_check: a
    verification reports what it finds in a damaged catalog."""
    from workbench.store import resolve_db_path
    from workbench.store.catalog_file import check_catalog_file
    from workbench.store.recovery import open_read_only

    path = resolve_db_path(db)
    check_catalog_file(path, deep=False)
    return path, open_read_only(path)
