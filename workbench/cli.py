"""Headless command line: the same services the GUI uses.

Exit codes: 0 ok; 2 bad input (file, sheet, cell, regime id, country code), with one
``FILE:SHEET!CELL: what is wrong (expected ...)`` line per problem on stderr; 3 a database
problem (disk full, a newer or foreign database file; see workbench.cli_catalog).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

from workbench import __version__
from workbench.errors import UserError, exit_code_for

if TYPE_CHECKING:
    from workbench.engine import ProductSpec

# Start-up time (issue 4): this module imports only the standard library at module level. The
# engine, the store and the file readers are imported by the command that uses them, and only
# the module registering the command being run is imported (see build_parser).

EXIT_OK, EXIT_BAD_INPUT, EXIT_STORE = 0, 2, 3


class BadInput(UserError):
    """Reported on stderr, exit code 2."""


def _country(code: Optional[str], what: str) -> Optional[str]:
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


def _load_specs(args: argparse.Namespace) -> list[ProductSpec]:
    from workbench.cli_catalog import catalog_specs
    from workbench.io.tables import TableError
    from workbench.io.template import parse_products
    from workbench.paths import resources_dir

    if sum(bool(x) for x in (args.input, args.demo, getattr(args, "db", None))) > 1:
        raise BadInput("give either INPUT, --demo or --db, not several")
    if getattr(args, "db", None):
        specs = catalog_specs(args.db)  # refuses a missing or unusable catalog; creates nothing
        if not specs:
            print(f"note: {args.db}: the catalog has no products yet, so there is nothing to classify "
                  f"(add some with: workbench import FILE --db {args.db})", file=sys.stderr)
        return specs
    if args.demo:
        path = resources_dir() / "demo" / "catalog.csv"
    elif args.input:
        path = Path(args.input)
    else:
        raise BadInput("no INPUT given (expected an .xlsx or .csv file in the product template, --demo or --db PATH)")
    try:
        parsed = parse_products(path, args.sheet)
    except TableError as exc:
        raise BadInput(str(exc)) from None
    for note in parsed.notes:
        print(f"note: {note}", file=sys.stderr)
    if parsed.errors:
        raise BadInput("\n".join(str(e) for e in parsed.errors))
    if not parsed.specs:
        raise BadInput(f"{parsed.file}:{parsed.sheet}: no product rows (expected at least one row under the header)")
    return parsed.specs


def cmd_regimes(args: argparse.Namespace) -> int:
    from workbench.cli_format import json_text, text_table
    from workbench.services.manifest import rules_current_to
    from workbench.services.regimes import bundled_library

    lib = bundled_library()
    current_to = rules_current_to()
    items = [{
        "id": r.id, "title": r.regime.title, "status": r.regime.status, "enforced": r.regime.enforced,
        "audience": r.regime.audience,
        "effective_from": r.regime.effective_from.isoformat(),
        "effective_to": r.regime.effective_to.isoformat() if r.regime.effective_to else None,
        "supersedes": r.regime.supersedes,
        "sources": [s.model_dump(exclude_none=True) for s in r.regime.sources],
        "sha256": r.sha256,
        # True when the file no longer matches rulesets/MANIFEST.json (see `workbench rulesets verify`).
        "modified": lib.is_modified(r.id),
        # The latest Federal Register item or guidance the rules content considered (one date for all).
        "rules_current_to": current_to.isoformat() if current_to else None,
    } for r in lib.regimes]
    if args.format == "json":
        print(json_text(items))
    else:
        print(text_table(["id", "status", "enforced", "from", "to", "title"],
                         [[i["id"] + (" (modified)" if i["modified"] else ""), i["status"],
                           "yes" if i["enforced"] else "no", i["effective_from"],
                           i["effective_to"] or "-", i["title"]] for i in items]))
        print(f"rules current to {current_to.isoformat()}" if current_to else "rules current to: not stated")
    return EXIT_OK


_CLASSIFY_COLUMNS = ["part_number", "regime", "classification", "paragraph", "tpp", "performance_density",
                     "license_required", "licence", "review_policy", "license_exceptions", "letters",
                     "nearest_margin_pct", "missing", "explanation"]


def _classifier(args: argparse.Namespace, lib, destination, hq, on):
    """The one licence position's layers for this command (services.classify): with ``--db`` the
    catalog's open letters apply unless ``--no-letters``; ``--letters FILE|DB`` names others."""
    from workbench.services.classify import Classifier, letters_in_catalog

    source = getattr(args, "letters", None)
    if source and getattr(args, "no_letters", False):
        raise BadInput("give either --letters or --no-letters, not both")
    letters = None
    if source:
        from workbench.cli_letters import letters_from
        from workbench.store import StoreError

        try:
            letters = letters_from(source)
        except StoreError as exc:
            raise BadInput(f"--letters: {exc}") from None
    elif getattr(args, "db", None) and not getattr(args, "no_letters", False):
        letters = letters_in_catalog(args.db)
    if getattr(args, "no_letters", False):
        print("note: is-informed letters are not applied (--no-letters): licence positions are the regimes' alone",
              file=sys.stderr)
    return Classifier(lib.countries, destination, hq, on, letters, today=run_clock(args).today())


def run_clock(args: argparse.Namespace):
    """The clock workbench.cli.main built for this run (the system clock for a Namespace made by hand)."""
    from workbench.clock import SYSTEM_CLOCK

    return getattr(args, "clock", None) or SYSTEM_CLOCK


def warn_modified(lib, regime_ids: Optional[Sequence[str]] = None) -> list[str]:
    """The modified regimes among ``regime_ids`` (all when None), each said on stderr: every output
    computed from a ruleset that differs from rulesets/MANIFEST.json must say so."""
    ids = sorted({r for r in (regime_ids if regime_ids is not None else lib.modified) if lib.is_modified(r)})
    for regime_id in ids:
        print(f"warning: ruleset {regime_id} is modified (its file differs from rulesets/MANIFEST.json): results "
              "computed from it are not the published rules (see: workbench rulesets verify)", file=sys.stderr)
    return ids


def cmd_classify(args: argparse.Namespace) -> int:
    from workbench.cli_format import csv_text, json_text, number, text_table
    from workbench.services.regimes import bundled_library
    from workbench.wording import licence_text, margin_number, quantity

    lib = bundled_library()
    regimes = lib.select(args.regime)
    destination = _country(args.destination, "--destination")
    hq = _country(args.end_user_hq, "--end-user-hq")
    on = parse_date(args.date)
    specs = _load_specs(args)
    positions = _classifier(args, lib, destination, hq, on).each(specs, regimes)
    modified = warn_modified(lib, [r.id for r in regimes])
    if args.format == "json":
        print(json_text([{**p.to_json(), "rules_modified": [p.regime] if p.regime in modified else []}
                         for p in positions]))
        return EXIT_OK
    rows = []
    for p in positions:
        d = p.det
        letters = ",".join(p.binding) or (("may: " + ",".join(p.maybe)) if p.maybe else "")
        rows.append([d.part_number, d.regime, d.classification, d.paragraph,
                     number(d.tpp) if args.format != "csv" else d.tpp,
                     (quantity("performance_density", d.performance_density) if args.format != "csv"
                      else d.performance_density) if d.performance_density is not None else "",
                     {True: "yes", False: "no", None: "" if args.format == "csv" else "-"}[p.license_required],
                     licence_text(p, "en"), p.review_policy or "", ",".join(e.id for e in d.license_exceptions), letters,
                     (round(d.nearest.margin_pct, 1) if args.format == "csv" else margin_number(d.nearest.margin_pct))
                     if d.nearest and d.nearest.margin_pct is not None else "", ",".join(d.missing), p.explanation])
    if args.format == "csv":
        print(csv_text(_CLASSIFY_COLUMNS, rows), end="")
    else:
        print(text_table(_CLASSIFY_COLUMNS[:-1], [r[:-1] for r in rows]))
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from collections import Counter

    from workbench.cli_format import csv_text, json_text, text_table
    from workbench.services.regimes import bundled_library
    from workbench.wording import position_text

    lib = bundled_library()
    regimes = [lib.get(args.from_id), lib.get(args.to_id)]
    destination = _country(args.destination, "--destination")
    hq = _country(args.end_user_hq, "--end-user-hq")
    on = parse_date(args.date)
    specs = _load_specs(args)
    classifier = _classifier(args, lib, destination, hq, on)
    modified = warn_modified(lib, [r.id for r in regimes])
    rows_all = [classifier.positions(s, regimes) for s in specs]
    changed = [(a, b) for a, b in rows_all if position_text(a) != position_text(b)]
    counts = sorted(Counter((position_text(a), position_text(b)) for a, b in changed).items(),
                    key=lambda kv: (-kv[1], kv[0]))
    if args.format == "json":
        print(json_text({
            "from": args.from_id, "to": args.to_id, "destination": destination, "end_user_hq": hq,
            "letters_applied": classifier.letters_applied,
            "products": len(rows_all), "unchanged": len(rows_all) - len(changed),
            "changed": [{"part_number": a.part_number, "from": _brief(a), "to": _brief(b)} for a, b in changed],
            "counts": [{"from": a, "to": b, "count": n} for (a, b), n in counts],
            "rules_modified": modified,
        }))
        return EXIT_OK
    rows = [[a.part_number, position_text(a), position_text(b)] for a, b in changed]
    headers = ["part_number", args.from_id, args.to_id]
    if args.format == "csv":
        print(csv_text(headers, rows), end="")
        return EXIT_OK
    where = f" for {destination}" if destination else ""
    print(f"{len(changed)} of {len(rows_all)} products change from {args.from_id} to {args.to_id}{where}\n")
    if rows:
        print(text_table(headers, rows))
        print("\nTransitions:")
        for (a, b), n in counts:
            print(f"  {n:4d} product{'s' if n != 1 else ' '}: {a}  ->  {b}")
    return EXIT_OK


def _brief(pos) -> dict:
    from workbench.wording import licence_text, position_text

    det = pos.det
    return {"classification": det.classification, "paragraph": det.paragraph, "license_required": pos.license_required,
            "licence": licence_text(pos, "en"), "review_policy": pos.review_policy,
            "license_exceptions": [e.id for e in det.license_exceptions], "letters_binding": list(pos.binding),
            "position": position_text(pos), "explanation": pos.explanation, "ruleset_sha256": det.ruleset_sha256}


def _input_args(p: argparse.ArgumentParser) -> None:
    from workbench.cli_catalog import add_db_arg

    p.add_argument("input", nargs="?", metavar="INPUT", help=".xlsx or .csv in the canonical product template")
    p.add_argument("--demo", action="store_true", help="use the bundled demo catalog of real accelerators")
    add_db_arg(p, "use the products in this catalog database instead of a file")
    p.add_argument("--sheet", help="sheet name (default: the first visible sheet)")
    p.add_argument("--destination", metavar="ISO2", help="destination country, e.g. CN")
    p.add_argument("--end-user-hq", metavar="ISO2", help="country of the end user's (ultimate parent's) headquarters")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="evaluation date (default: today, within each regime's window)")
    p.add_argument("--no-letters", action="store_true",
                   help="leave the catalog's is-informed letters out (with --db they apply by default)")


def register(sub: argparse._SubParsersAction) -> None:
    """The commands defined in this file: regimes, classify, compare."""
    p = sub.add_parser("regimes", help="list the bundled regimes (rulesets)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_regimes)

    p = sub.add_parser("classify", help="classify products under one or more regimes")
    _input_args(p)
    p.add_argument("--regime", action="append", metavar="ID", help="regime id (repeatable; default: all)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("compare", help="what changes for products between two regimes")
    _input_args(p)
    p.add_argument("--from", dest="from_id", required=True, metavar="ID")
    p.add_argument("--to", dest="to_id", required=True, metavar="ID")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=cmd_compare)


# Each feature area registers its own subcommands from a module of its own, so this file does
# not grow with every feature: module.register(subparsers) adds parsers with set_defaults(func=...).
# Modules are listed in the order `workbench --help` lists their commands.
COMMAND_MODULES: list[str] = ["workbench.cli", "workbench.cli_catalog", "workbench.cli_letters", "workbench.cli_gui",
                              "workbench.cli_reports", "workbench.cli_deals", "workbench.cli_audit",
                              "workbench.cli_update", "workbench.cli_screening"]

# The modules that register (or, like cli_letters for classify --letters, extend) each top-level
# command, so that running one imports only those (importing them all cost about 0.3 s of the
# desktop app's start). tests/test_cli.py checks this table against what the modules register.
COMMANDS: dict[str, tuple[str, ...]] = {
    "regimes": ("workbench.cli",), "classify": ("workbench.cli", "workbench.cli_letters"),
    "compare": ("workbench.cli",),
    "init": ("workbench.cli_catalog",), "import": ("workbench.cli_catalog",), "backup": ("workbench.cli_catalog",),
    "letters": ("workbench.cli_letters",),
    "gui": ("workbench.cli_gui",),
    "memo": ("workbench.cli_reports",), "export": ("workbench.cli_reports",),
    "deals": ("workbench.cli_deals",),
    "audit": ("workbench.cli_audit",), "restore": ("workbench.cli_audit",), "rulesets": ("workbench.cli_audit",),
    "update": ("workbench.cli_update",),
    "screen": ("workbench.cli_screening",), "screening": ("workbench.cli_screening",),
}


def modules_for(argv: Sequence[str]) -> list[str]:
    """The command modules a parser for ``argv`` needs: none for no arguments (the desktop app),
    those of the command when ``argv`` starts with a known command, else all of them
    (``--help``, ``--version``, a mistyped command: argparse then lists every command)."""
    if not argv:
        return []
    wanted = COMMANDS.get(argv[0])
    return [m for m in COMMAND_MODULES if wanted is None or m in wanted]


class _VersionAction(argparse.Action):
    """``--version``: the program's version and the rules' "current to" date (read only when asked)."""

    def __call__(self, parser, namespace, values, option_string=None):
        from workbench.services.manifest import rules_current_to

        day = rules_current_to()
        print(f"workbench {__version__}")
        print(f"rules current to {day.isoformat()}" if day else "rules current to: not stated")
        parser.exit()


def build_parser(modules: Optional[Sequence[str]] = None) -> argparse.ArgumentParser:
    """The parser with the commands of ``modules`` (default: every command module)."""
    import importlib

    parser = argparse.ArgumentParser(prog="workbench", description="Export-control compliance workbench for AI chips.")
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="show the version and how current the rules are")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES if modules is None else modules:
        module = sys.modules[__name__] if name == __name__ else importlib.import_module(name)
        module.register(sub)
    return parser


def _install_crash_log() -> None:
    """A real process (not a test calling main(argv)) logs unexpected errors and C-level crashes."""
    import platformdirs

    from workbench import crash

    crash.install(Path(platformdirs.user_log_dir("workbench", appauthor=False)) / "crash.log")


def main(argv: Optional[Sequence[str]] = None) -> int:
    if argv is None:
        _install_crash_log()
        from workbench.cli_terminal import escape_terminal_streams

        escape_terminal_streams()
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(modules_for(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        # No subcommand: open the desktop app (workbench --help still prints the usage).
        from workbench.cli_gui import default_args

        args = default_args()
    try:
        from workbench.clock import from_environment

        args.clock = from_environment()  # the one clock of this run (WORKBENCH_TODAY fixes "today")
        return args.func(args)
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        code = _expected_error(exc)
        if code is None:
            raise
        text = str(exc)
        print(f"error: {text}" if code == EXIT_STORE or "\n" not in text else text, file=sys.stderr)
        return code


def _expected_error(exc: Exception) -> Optional[int]:
    """Exit code for the errors reported as one message; None for a bug (workbench.errors)."""
    return exit_code_for(exc)
