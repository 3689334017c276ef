"""``memo`` and ``export``: compliance memos (PDF) and the Excel workbook, from the catalog.

Exit codes follow workbench.cli.common: 0 ok, 2 bad input (unknown part number, regime or
country), 3 a database or environment problem (disk full, newer database, unwritable folder).
"""

from __future__ import annotations

import argparse
import sys

from workbench.cli.common import DB_HELP, EXIT_BAD_INPUT, EXIT_OK, EXIT_STORE, parse_date, run_clock, warn_modified


def _open(db):
    """The existing catalog (a missing or unusable one is refused; nothing is created)."""
    from workbench.services.catalog import open_existing_catalog

    return open_existing_catalog(db)


def _report(args: argparse.Namespace, build):
    """Run ``build(conn, library, on)`` on the catalog: (result, None) or (None, exit code) after
    printing the error. A StoreError reaches workbench.cli.common.run (message and exit 3)."""
    from workbench.services.regimes import bundled_library
    from workbench.services.reports import ReportError

    on = parse_date(args.date)
    conn = _open(args.db)
    try:
        library = bundled_library()
        result = build(conn, library, on)
        chosen = getattr(args, "regime", None)
        warn_modified(library, [chosen] if isinstance(chosen, str) else chosen)
        return result, None
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None, EXIT_BAD_INPUT
    except OSError as exc:
        print(f"error: {args.out}: {exc}", file=sys.stderr)
        return None, EXIT_STORE
    finally:
        conn.close()


def cmd_memo(args: argparse.Namespace) -> int:
    from workbench.services.reports import write_memo

    result, failed = _report(args, lambda conn, library, on: write_memo(
        conn, library, args.product, args.regime, args.destination, args.lang, args.out, end_user_hq=args.end_user_hq,
        on=on, company=args.company or "", prepared_by=args.prepared_by or "", reviewed_by=args.reviewed_by or "",
        history=args.history, with_letters=not args.no_letters, clock=run_clock(args)))
    if failed is not None:
        return failed
    print(f"memo {result.memo_id} written to {result.path} ({result.pages} page{'s' if result.pages != 1 else ''}; "
          f"CJK font: {result.font}{', embedded' if result.font_embedded else ''})")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from workbench.services.reports import export_workbook

    result, failed = _report(args, lambda conn, library, on: export_workbook(
        conn, library, args.out, args.regime, args.destination, end_user_hq=args.end_user_hq, on=on,
        with_letters=not args.no_letters, clock=run_clock(args)))
    if failed is not None:
        return failed
    print(f"workbook written to {result.path}: {result.products} products, {result.determinations} determinations")
    if result.flagged:
        print(f"export report: {len(result.flagged)} cell{'s' if len(result.flagged) != 1 else ''} could not be "
              "written exactly (listed on the About sheet):", file=sys.stderr)
        for issue in result.flagged:
            print(f"  {issue}", file=sys.stderr)
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("memo", help="write a compliance memo (PDF) for one or more catalog products")
    p.add_argument("--product", action="append", required=True, metavar="PN", help="part number (repeatable)")
    p.add_argument("--regime", action="append", metavar="ID",
                   help="regime id (repeatable; default: the regimes enforced on the memo date)")
    p.add_argument("--history", action="store_true",
                   help="add an appendix with every other regime (superseded, codified but not enforced, proposed)")
    p.add_argument("--no-letters", action="store_true",
                   help="leave the catalog's is-informed letters out (the memo says so)")
    p.add_argument("--destination", metavar="ISO2", help="destination country, e.g. CN")
    p.add_argument("--end-user-hq", metavar="ISO2", help="country of the end user's (ultimate parent's) headquarters")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="evaluation date (default: today, within each regime's window)")
    p.add_argument("--lang", choices=["en", "zh"], default="en", help="memo language (default en)")
    p.add_argument("--company", help="company name printed on the memo")
    p.add_argument("--prepared-by", metavar="NAME")
    p.add_argument("--reviewed-by", metavar="NAME")
    p.add_argument("--db", metavar="PATH", help=DB_HELP)
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(func=cmd_memo)

    p = sub.add_parser("export", help="export the catalog, determinations and comparison as an Excel workbook")
    p.add_argument("--regime", action="append", metavar="ID", help="regime id (repeatable; default: all)")
    p.add_argument("--destination", metavar="ISO2", help="destination for licence positions (default: none)")
    p.add_argument("--end-user-hq", metavar="ISO2")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="evaluation date (default: today, within each regime's window)")
    p.add_argument("--no-letters", action="store_true",
                   help="leave the catalog's is-informed letters out (the About sheet says so)")
    p.add_argument("--db", metavar="PATH", help=DB_HELP)
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p.set_defaults(func=cmd_export)
