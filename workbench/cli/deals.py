"""``workbench deals list|add FILE.xlsx|ledger --regime ID [--year N]`` over the deals service, plus
``deals us-shipments PART UNITS`` and ``deals g2g ISO2 yes|no`` for the figures the ledgers need.

Exit codes: 0 ok; 2 bad input (one ``FILE:SHEET!CELL: ...`` line per problem, nothing saved);
3 database or environment problem; 4 refused because a deal would exceed a limit (each limit
named with the room left; nothing saved; ``--allow-over-limit`` records them anyway).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from workbench.cli.common import (DB_HELP, EXIT_BAD_INPUT, EXIT_OK, EXIT_OVER_LIMIT, csv_text, db_path, json_text,
                                  report, run_adding, run_clock, text_table, writes_catalog)

MAX_UNITS = 10**9  # as workbench.engine.deals.MAX_UNITS (not imported: the CLI starts without the engine)


def _service(db):
    from workbench.services.catalog import open_existing_catalog
    from workbench.services.deals import DealService
    from workbench.services.regimes import bundled_library

    path = db_path(db)
    conn = open_existing_catalog(path)  # a missing or unusable catalog is refused; nothing is created
    return conn, DealService(conn, bundled_library(), db_label=path)


def _run_adding(args: argparse.Namespace, body) -> int:
    """``deals add``: into a new path an empty company catalog is made (and said); a dry run makes nothing."""
    from workbench.services.deals import DealService
    from workbench.services.regimes import bundled_library

    return run_adding(args.db, args.dry_run, lambda conn, path: _guarded(
        lambda: body(DealService(conn, bundled_library(), db_label=path))))


def _guarded(call) -> int:
    """``call()``, with an unknown regime or a database problem said here (exit 2 or 3), before
    run_adding's note that the catalog it made was removed again."""
    from workbench.errors import StorageError
    from workbench.services.regimes import UnknownRegime

    try:
        return call()
    except (UnknownRegime, StorageError) as exc:
        return report(exc)


def _run(args: argparse.Namespace, body) -> int:
    """``body(service)`` on the existing catalog's deals; an unknown regime or a database problem
    reaches workbench.cli.common.run, which says it and returns its exit code (2 or 3)."""
    conn, service = _service(args.db)
    try:
        return body(service)
    finally:
        conn.close()


def percent_used(used, limit) -> str:
    """Share of the limit used, rounded down to 0.1% so that "100.0%" means full, never nearly full."""
    tenths = (used * 1000 // limit) if limit > 0 else 0
    return f"{tenths / 10:.1f}%"


def bar(used, limit, width: int = 20) -> str:
    """``[########............] 40.0%`` (capped at full width; over 100% shows the real figure)."""
    if limit is None or limit <= 0:
        return ""
    filled = min(width, int(used * width // limit))
    return f"[{'#' * filled}{'.' * (width - filled)}] {percent_used(used, limit)}"


_LIST_HEADERS = ["id", "reference", "date", "status", "dest", "end_user", "authorization", "value_usd", "tpp_total",
                 "revenue_share_usd", "tariff_usd", "regime", "position"]
_MONEY_COLUMNS = {"value_usd", "tpp_total", "revenue_share_usd", "tariff_usd"}


def cmd_list(args: argparse.Namespace) -> int:
    def body(service) -> int:
        records = []  # raw values (decimals as exact text) for JSON and CSV; grouped digits for the table
        for d in service.deals():
            regime = args.regime or service.enforced_on(d.deal_date)
            e = service.evaluate(d, regime) if regime else None
            fees = service.fees(d, regime) if regime else {"revenue_share": None, "tariff": None}
            records.append(dict(zip(_LIST_HEADERS, [
                d.id, d.reference, d.deal_date.isoformat(), d.status, d.destination, d.end_user.name, d.authorization,
                d.value_usd, e.tpp_total if e else None, fees["revenue_share"], fees["tariff"], regime,
                e.summary if e else "no regime in force on the deal date"])))
        if args.format == "json":
            print(json_text([{k: (str(v) if k in _MONEY_COLUMNS and v is not None else v) for k, v in r.items()}
                             for r in records]))
            return EXIT_OK
        if args.format == "csv":  # exact, ungrouped figures, like JSON
            print(csv_text(_LIST_HEADERS, [list(r.values()) for r in records]), end="")
        else:
            rows = [[("?" if v is None else f"{v:,}") if k in _MONEY_COLUMNS else v for k, v in r.items()]
                    for r in records]
            print(text_table(_LIST_HEADERS, rows) if rows else "no deals")
        return EXIT_OK
    return _run(args, body)


@writes_catalog
def cmd_add(args: argparse.Namespace) -> int:
    from workbench.io.deals_xlsx import parse_deals
    from workbench.io.tables import TableError
    from workbench.services.deals import DealStoreError, OverLimit

    def body(service) -> int:
        try:
            parsed = parse_deals(Path(args.file), service.library.countries, set(service.specs()), args.sheet)
        except TableError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        for note in parsed.notes:
            print(f"note: {note}", file=sys.stderr)
        known = {d.reference for d in service.deals()}
        errors = [str(e) for e in parsed.errors] + [
            f"{parsed.file}:{parsed.sheet}!row {parsed.rows[d.reference][0]}: deal reference '{d.reference}' already "
            "exists (expected a new reference)" for d in parsed.deals if d.reference in known]
        if errors:
            print("\n".join(errors), file=sys.stderr)
            print(f"error: {args.file}: {len(errors)} problem{'s' if len(errors) != 1 else ''}; nothing was saved",
                  file=sys.stderr)
            return EXIT_BAD_INPUT
        if not parsed.deals:
            print(f"error: {args.file}: no deal rows (expected rows under the header)", file=sys.stderr)
            return EXIT_BAD_INPUT
        if args.dry_run:
            flags = [f for d in parsed.deals for f in service.check(d)]
            print(f"{len(parsed.deals)} deals read; dry run, nothing saved")
        else:
            try:
                saved, flags = service.save_many(parsed.deals, allow_over_limit=args.allow_over_limit,
                                                 origin={"file": Path(args.file).name, "sheet": parsed.sheet})
            except DealStoreError as exc:
                print(f"error: {exc}; nothing was saved", file=sys.stderr)
                return EXIT_BAD_INPUT
            except OverLimit as exc:
                print(f"error: deal {exc.deal.reference} would exceed a limit; nothing was saved "
                      "(expected room under every limit, or --allow-over-limit):", file=sys.stderr)
                for flag in exc.flags:
                    print(f"  {flag}", file=sys.stderr)
                return EXIT_OVER_LIMIT
            print(f"{len(saved)} deals saved: {', '.join(d.reference for d in saved)}")
            for deal_id, items in service.held.items():  # party screening (workbench screening queue)
                for i in items:
                    print(f"held for screening review: {'; '.join(i.roles)} '{i.party}' may be {i.match.name} "
                          f"({i.match.entry_id}, score {i.match.score:.2f})")
        for flag in flags:
            print(f"flag: {flag}")
        return EXIT_OK
    return _run_adding(args, body)


def cmd_ledger(args: argparse.Namespace) -> int:
    def body(service) -> int:
        ledgers = service.ledgers(args.regime, args.year)
        today = date.fromisoformat(args.today) if args.today else run_clock(args).today()
        clocks = service.nac_clocks(args.regime)
        if args.format == "json":
            print(json_text({
                "regime": args.regime, "year": args.year,
                "ledgers": [{"kind": lg.kind, "key": lg.key, "title": lg.meta.title, "unit": lg.meta.unit,
                             "limit": lg.meta.limit, "used": lg.used, "remaining": lg.remaining, "over": lg.over,
                             "confidence": lg.meta.confidence, "citation": lg.meta.citation, "note": lg.meta.note,
                             "entries": [{"deal_id": e.deal_id, "reference": e.reference, "date": e.deal_date,
                                          "amount": e.amount, "note": e.note} for e in lg.entries]}
                            for lg in ledgers],
                "nac": [{"reference": c.reference, "exception": c.exception, "notified_on": c.notified_on,
                         "clear_from": c.clear_from, "state": c.state(today), "early": c.early} for c in clocks],
            }))
            return EXIT_OK
        rows = [[lg.meta.title, lg.meta.unit, "-" if lg.meta.limit is None else f"{lg.meta.limit:,}", f"{lg.used:,}",
                 "-" if lg.remaining is None else f"{lg.remaining:,}", bar(lg.used, lg.meta.limit),
                 lg.meta.confidence, ("OVER; " if lg.over else "") + lg.meta.note] for lg in ledgers]
        year = f", {args.year}" if args.year else ""
        print(f"Ledgers under {args.regime}{year}\n")
        print(text_table(["ledger", "unit", "limit", "used", "remaining", "bar", "confidence", "note"], rows)
              if rows else "no ledger has entries")
        if clocks:
            print("\nNAC/ACA notifications\n")
            print(text_table(["deal", "exception", "notified", "review over", "export", "state"],
                             [[c.reference, c.exception, c.notified_on or "-", c.clear_from or "-", c.export_date,
                               ("EARLY; " if c.early else "") + c.state(today)] for c in clocks]))
        return EXIT_OK
    return _run(args, body)


@writes_catalog
def cmd_us_shipments(args: argparse.Namespace) -> int:
    from workbench.services.deals import DealStoreError

    def body(service) -> int:
        if args.part not in service.specs():
            print(f"error: unknown part number '{args.part}' (expected a catalog part number)", file=sys.stderr)
            return EXIT_BAD_INPUT
        units = None if args.units == "none" else _units(args.units)
        if units is False:
            print(f"error: US shipments '{args.units}' (expected a whole number of units, from 0 to {MAX_UNITS:,}, "
                  "or 'none')", file=sys.stderr)
            return EXIT_BAD_INPUT
        try:
            service.set_us_shipments(args.part, units, args.source or "")
        except DealStoreError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"{args.part}: US shipments {'cleared' if units is None else f'{units:,} units'}")
        return EXIT_OK
    return _run(args, body)


def _units(text: str):
    digits = text.replace(",", "")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 12 or int(digits) > MAX_UNITS:
        return False
    return int(digits)


@writes_catalog
def cmd_g2g(args: argparse.Namespace) -> int:
    def body(service) -> int:
        code = args.country.strip().upper()
        if code not in service.library.countries:
            print(f"error: unknown country code '{args.country}' (expected an ISO 3166-1 alpha-2 code such as MY)",
                  file=sys.stderr)
            return EXIT_BAD_INPUT
        service.set_g2g(code, args.agreement == "yes", args.note or "")
        print(f"{code}: government-to-government agreement {'recorded' if args.agreement == 'yes' else 'removed'}")
        return EXIT_OK
    return _run(args, body)


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a year (expected e.g. 2025)") from None
    if not 2000 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"{year} is out of range (expected 2000-2100)")
    return year


def _day(text: str) -> str:
    try:
        date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (expected YYYY-MM-DD)") from None
    return text


def register(subparsers) -> None:
    deals = subparsers.add_parser("deals", help="deals and ledgers (LPP, Tier 2, H200 share, NAC, fees)")
    sub = deals.add_subparsers(dest="deals_command", metavar="ACTION", required=True)

    p = sub.add_parser("list", help="list deals with their position under a regime")
    p.add_argument("--regime", metavar="ID",
                   help="regime for the position column (default: the enforced regime in force on each deal's date)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--db", metavar="PATH", help=DB_HELP)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("add", help="add deals from an .xlsx or .csv (one row per deal line)")
    p.add_argument("file", metavar="FILE.xlsx")
    p.add_argument("--sheet", help="sheet name (default: the first visible sheet)")
    p.add_argument("--dry-run", action="store_true", help="check and show flags, save nothing")
    p.add_argument("--allow-over-limit", action="store_true", help="save deals even when they exceed a limit")
    p.add_argument("--db", metavar="PATH", help=DB_HELP)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("us-shipments", help="record a product's shipments to US customers (H200 window cap)")
    p.add_argument("part", metavar="PART_NUMBER")
    p.add_argument("units", metavar="UNITS", help="whole number of units, or 'none' to clear")
    p.add_argument("--source", help="where the figure comes from")
    p.add_argument("--db", metavar="PATH", help=DB_HELP)
    p.set_defaults(func=cmd_us_shipments)

    p = sub.add_parser("g2g", help="record whether a country has a government-to-government agreement (Tier 2)")
    p.add_argument("country", metavar="ISO2")
    p.add_argument("agreement", choices=["yes", "no"])
    p.add_argument("--note")
    p.add_argument("--db", metavar="PATH", help=DB_HELP)
    p.set_defaults(func=cmd_g2g)

    p = sub.add_parser("ledger", help="ledgers under a regime: limit, used, remaining, confidence")
    p.add_argument("--regime", required=True, metavar="ID")
    p.add_argument("--year", type=_year, metavar="N", help="only ledgers covering calendar year N")
    p.add_argument("--today", type=_day, metavar="YYYY-MM-DD", help="date for the NAC review clocks (default: today)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--db", metavar="PATH", help=DB_HELP)
    p.set_defaults(func=cmd_ledger)
