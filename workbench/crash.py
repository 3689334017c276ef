"""Crash handling for the CLI and the GUI (target 22): every unhandled error reaches a log file.

``install(log_path, connections=..., on_error=...)``:
* ``sys.excepthook`` and ``threading.excepthook`` write the traceback to ``log_path``, roll back
  any transaction still open on the given connections (SQLite would roll it back when the process
  dies anyway; this covers the GUI, which keeps running), then call ``on_error`` (the GUI passes
  workbench.ui.shell.errors.ErrorReporter.handle, which shows its one dialog);
* ``faulthandler`` writes the Python stacks of a C-level crash (SIGSEGV, SIGABRT ...) to
  ``crash-faults.log`` beside it. The file object is kept open for the life of the process, as
  faulthandler requires.
No Qt here: the CLI uses it as is.
"""

from __future__ import annotations

import datetime
import faulthandler
import sqlite3
import sys
import threading
import traceback
from pathlib import Path
from typing import Callable, Iterable, Optional

_fault_file = None  # kept open: faulthandler writes to its descriptor at crash time


def fault_log_path(log_path: Path) -> Path:
    return Path(log_path).with_name("crash-faults.log")


def rollback_open(connections: Iterable[sqlite3.Connection]) -> int:
    """Roll back every connection left inside a transaction; returns how many were."""
    n = 0
    for conn in connections:
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
                n += 1
        except sqlite3.Error:
            continue  # closed, or SQLite already rolled back
    return n


def write_entry(log_path: Path, title: str, exc_type, exc, tb) -> None:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    try:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "a", encoding="utf-8") as fh:
            fh.write(f"--- {stamp} unhandled error {title}\n{text}\n")
    except OSError:
        sys.__stderr__.write(text)


def install(log_path: Path, connections: Callable[[], Iterable[sqlite3.Connection]] = lambda: (),
            on_error: Optional[Callable] = None) -> None:
    global _fault_file
    log_path = Path(log_path)

    def handle(exc_type, exc, tb, where: str) -> None:
        write_entry(log_path, where, exc_type, exc, tb)
        rollback_open(connections())
        if on_error is not None:
            on_error(exc_type, exc, tb)
        else:
            sys.__stderr__.write(f"unexpected error ({exc_type.__name__}: {exc}); details in {log_path}\n")

    def excepthook(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        handle(exc_type, exc, tb, "in the main thread")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        handle(args.exc_type, args.exc_value, args.exc_traceback, f"in thread {getattr(args.thread, 'name', '?')}")

    sys.excepthook = excepthook
    threading.excepthook = thread_hook
    try:
        fault_log_path(log_path).parent.mkdir(parents=True, exist_ok=True)
        if _fault_file is None or _fault_file.closed:
            _fault_file = open(fault_log_path(log_path), "a", encoding="utf-8")
        faulthandler.enable(_fault_file, all_threads=True)
    except OSError:
        faulthandler.enable()
