"""The workbench's one error tree, and the only place errors become exit codes.

Every exception the project defines derives from :class:`WorkbenchError` through one of four
branches, which say what the officer can do about it:

- :class:`UserError`: the input is wrong (a file, a cell, an option); fix it and retry. Exit 2.
- :class:`StorageError`: the environment is (the catalog, the disk, a lock, a damaged file). Exit 3.
- :class:`OverLimitError`: a deal would exceed a ledger limit and was refused. Exit 4.
- :class:`Cancelled`: the user stopped a long operation; nothing was written.

Older classes keep their built-in base too (``ValueError``, ``KeyError``) so that callers
catching those still work; the workbench branch decides the exit code.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1  # a check ran and found a problem (audit verify, replay), or an unexpected error
EXIT_BAD_INPUT = 2
EXIT_STORE = 3
EXIT_OVER_LIMIT = 4
EXIT_CANCELLED = 130  # as a shell reports Ctrl+C


class WorkbenchError(Exception):
    """Root of every error the workbench raises on purpose."""

    exit_code = EXIT_FAILED


class UserError(WorkbenchError):
    """Bad input: the message names the file, sheet!cell or JSON path and what was expected."""

    exit_code = EXIT_BAD_INPUT


class StorageError(WorkbenchError):
    """The catalog or its surroundings: unreadable, damaged, locked, read-only, disk full."""

    exit_code = EXIT_STORE


class OverLimitError(WorkbenchError):
    """A deal would exceed a ledger limit; recorded only when the officer insists."""

    exit_code = EXIT_OVER_LIMIT


class Cancelled(WorkbenchError):
    """The user cancelled a long operation; nothing was written."""

    exit_code = EXIT_CANCELLED


def exit_code_for(exc: BaseException) -> int | None:
    """The exit code for an error reported as one message, or None for a bug (show the traceback)."""
    return exc.exit_code if isinstance(exc, WorkbenchError) else None
