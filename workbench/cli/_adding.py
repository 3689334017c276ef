"""Commands that add data (``import``, ``deals add``) into a catalog that may not exist yet."""

from __future__ import annotations

import sys
from pathlib import Path

from workbench.errors import EXIT_OK


def run_adding(db, dry_run: bool, body) -> int:
    """Run ``body(conn, path)`` (an exit code) for a command that adds data (import, deals add).

    With no file at the path, an empty company catalog is made and the officer is told; if the
    command then fails, that new catalog is removed again. A dry run on a new path works on an
    empty catalog in a temporary folder and creates nothing (no catalog, lock or backup file).
    An existing file that is not a usable catalog is refused (exit 3) and not touched.
    """
    import tempfile

    from workbench.services.catalog import create_catalog, open_existing_catalog, open_or_create_company
    from workbench.services.catalog_file import catalog_exists, remove_catalog_files, resolve_db_path

    path = resolve_db_path(db)
    if dry_run and not catalog_exists(path):
        with tempfile.TemporaryDirectory(prefix="workbench-dry-run-") as tmp:
            conn = open_existing_catalog(create_catalog(Path(tmp) / "catalog.sqlite3"))
            print(f"note: no catalog at {path} yet: this dry run compares with an empty catalog and creates "
                  "nothing", file=sys.stderr)
            try:
                return body(conn, path)
            finally:
                conn.close()
    conn, created = open_or_create_company(path)
    if created:
        print(f"note: created an empty company catalog at {path}", file=sys.stderr)
    code = None
    try:
        code = body(conn, path)
        return code
    finally:
        conn.close()
        if created and code != EXIT_OK:
            remove_catalog_files(path)
            print(f"note: nothing was added, so the new catalog at {path} was removed again", file=sys.stderr)
