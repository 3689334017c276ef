"""What every command shares: the one run wrapper that turns the error tree into exit codes,
argument helpers (``--db``, country codes, dates, the run's clock), and the text written to the
terminal (tables, CSV, JSON, escaping).

Exit codes (workbench.errors): 0 ok; 1 a check ran and found a problem; 2 bad input (file, sheet,
cell, regime id, country code), with one ``FILE:SHEET!CELL: what is wrong (expected ...)`` line per
problem on stderr; 3 a database or environment problem (disk full, a newer or foreign database
file, a catalog in use); 4 refused because a deal would exceed a limit.

Start-up time: like the package, this module imports only the standard library, the error
tree and its own small helpers at module level; the services, the engine and the file readers
are imported by the helper that uses them.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Optional, Sequence

from workbench.cli._adding import run_adding
from workbench.cli._format import csv_text, json_text, number, text_table
from workbench.cli._lock import writes_catalog
from workbench.cli._terminal import escape_terminal_streams, terminal_safe
from workbench.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, EXIT_OVER_LIMIT, EXIT_STORE, UserError, exit_code_for

__all__ = ["EXIT_BAD_INPUT", "EXIT_FAILED", "EXIT_OK", "EXIT_OVER_LIMIT", "EXIT_STORE", "DB_HELP", "BadInput",
           "add_db_arg", "country", "csv_text", "db_path", "escape_terminal_streams", "json_text", "number",
           "parse_date", "report", "run", "run_adding", "run_clock", "terminal_safe", "text_table", "warn_modified",
           "writes_catalog"]

DB_HELP = "catalog database file (default: $WORKBENCH_DB, else catalog.sqlite3 in the user data directory)"


class BadInput(UserError):
    """Reported on stderr, exit code 2."""


# --- running a command -------------------------------------------------------------------------------

def report(exc: BaseException) -> Optional[int]:
    """Say an expected error on stderr as one message and return its exit code (workbench.errors);
    None for a bug, which the caller re-raises so that its traceback is kept. A database problem
    is one ``error: ...`` line; bad input spanning several lines (one per cell) is shown as it is."""
    code = exit_code_for(exc)
    if code is None:
        return None
    text = str(exc)
    print(f"error: {text}" if code == EXIT_STORE or "\n" not in text else text, file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    """Run the parsed command ``args.func`` on the run's one clock (WORKBENCH_TODAY fixes "today");
    an expected error becomes its message and exit code, a closed pipe (``| head``) exit 0."""
    try:
        from workbench.clock import from_environment

        args.clock = from_environment()
        return args.func(args)
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        code = report(exc)
        if code is None:
            raise
        return code


def run_clock(args: argparse.Namespace):
    """The clock :func:`run` set for this run (the system clock for a Namespace made by hand)."""
    from workbench.clock import SYSTEM_CLOCK

    return getattr(args, "clock", None) or SYSTEM_CLOCK


# --- arguments -----------------------------------------------------------------------------------------

def add_db_arg(p: argparse.ArgumentParser, help: str = DB_HELP) -> None:
    p.add_argument("--db", metavar="PATH", help=help)


def db_path(db: Optional[str]):
    """The catalog path ``--db`` names (else $WORKBENCH_DB, else the default location)."""
    from workbench.services.catalog_file import resolve_db_path

    return resolve_db_path(db)


def country(code: Optional[str], what: str) -> Optional[str]:
    """An ISO 3166-1 alpha-2 code from option ``what`` (upper-cased), or BadInput naming the option."""
    from workbench.services.regimes import bundled_library

    if code is None:
        return None
    code = code.strip().upper()
    if code not in bundled_library().countries:
        raise BadInput(f"{what}: unknown country code '{code}' (expected an ISO 3166-1 alpha-2 code such as CN, AE, MY)")
    return code


def parse_date(text: Optional[str]) -> Optional[date]:
    """--date YYYY-MM-DD, or BadInput naming the option."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"--date: '{text}' is not a date (expected YYYY-MM-DD)") from None


def warn_modified(lib, regime_ids: Optional[Sequence[str]] = None) -> list[str]:
    """The modified regimes among ``regime_ids`` (all when None), each said on stderr: every output
    computed from a ruleset that differs from rulesets/MANIFEST.json must say so."""
    ids = sorted({r for r in (regime_ids if regime_ids is not None else lib.modified) if lib.is_modified(r)})
    for regime_id in ids:
        print(f"warning: ruleset {regime_id} is modified (its file differs from rulesets/MANIFEST.json): results "
              "computed from it are not the published rules (see: workbench rulesets verify)", file=sys.stderr)
    return ids
