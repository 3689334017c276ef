"""One writer for the command line too: ``@writes_catalog`` on every command that writes the catalog.

The command runs holding the catalog's writer lock (workbench.store.locking.writer_lock), taken for
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
        from workbench.store import resolve_db_path
        from workbench.store.locking import writer_lock

        with writer_lock(resolve_db_path(getattr(args, "db", None))):
            return command(args)
    return holding_the_lock
