"""One writer for the command line too: ``@writes_catalog`` on every command that writes the catalog.

The command runs holding the catalog's writer lock (workbench.services.catalog_file.writer_lock), taken for
the ``--db`` it names before the catalog is opened and released when it returns. While the desktop
app or another command holds the lock, the command waits briefly and then stops with one line
naming the holder (exit 3) and changes nothing.
"""

from __future__ import annotations

import argparse
import functools
from typing import Callable


def writes_catalog(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    @functools.wraps(command)
    def holding_the_lock(args: argparse.Namespace) -> int:
        from workbench.services.catalog_file import resolve_db_path, writer_lock

        path = resolve_db_path(getattr(args, "db", None))
        try:
            missing = not path.exists()
        except OSError:  # a folder we may not look into: the lock reports it as one line
            missing = False
        if missing and (getattr(args, "dry_run", False) or not path.parent.is_dir()):
            # Nothing to guard: a dry run on a new path writes nothing at all (not even a lock file),
            # and a catalog in a folder not made yet has no other writer (commands that may make it
            # create it atomically; the others refuse the missing catalog).
            return command(args)
        with writer_lock(path):
            return command(args)
    return holding_the_lock
