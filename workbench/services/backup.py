"""Backups of the catalog on request, and putting one back.

A backup is a checked copy (VACUUM INTO, then integrity_check of the copy); a restore verifies
the backup, holds the writer lock throughout and keeps the replaced catalog aside, so a failure
at any point leaves the catalog as it was.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from workbench.store.recovery import CorruptDatabase  # a damaged catalog moved aside, naming its newest backup

__all__ = ["CorruptDatabase", "backup_catalog", "restore_catalog"]


def backup_catalog(db: Optional[str | os.PathLike], out: Path) -> Path:
    """Write a checked copy of the existing catalog at ``db`` to ``out`` (which must not exist).
    A missing catalog is NoCatalog; an unusable one, or a copy that fails, a StoreError."""
    from workbench.services.catalog import open_existing_catalog
    from workbench.store.backup import backup_to

    conn = open_existing_catalog(db)
    try:
        return backup_to(conn, Path(out))
    finally:
        conn.close()


def restore_catalog(backup: str | os.PathLike, db_path: Path) -> Optional[Path]:
    """Replace the catalog at ``db_path`` with ``backup``; where the previous catalog was kept
    (None when there was none). A backup that does not verify is refused (exit 2); a catalog
    in use or a folder that refuses is a storage error (exit 3)."""
    from workbench.store.backup_schedule import restore

    return restore(backup, db_path)
