"""``regimes``, ``classify`` and ``compare``: the bundled regimes, and the licence position of
products (from a template file, the demo catalog or a catalog database) under them.

The licence position comes from services.classify in its layers (the engine's determination,
the is-informed letters, screening), computed there once; this module only chooses the inputs
(which letters: the catalog's with ``--db``, a file's with ``--letters``, none with
``--no-letters``) and renders the result.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.cli.common import (EXIT_OK, BadInput, add_db_arg, country, csv_text, json_text, number, parse_date,
                                  run_clock, text_table, warn_modified)

if TYPE_CHECKING:
    from workbench.engine import ProductSpec


def _catalog_specs(db: str) -> list[ProductSpec]:
    """Every product in the existing catalog (NoCatalog / NotACatalog otherwise; nothing is created)."""
    from workbench.services.catalog import catalog_specs, open_existing_catalog

    conn = open_existing_catalog(db)
    try:
        return catalog_specs(conn)
    finally:
        conn.close()


def _load_specs(args: argparse.Namespace) -> list[ProductSpec]:
    from workbench.io.tables import TableError
    from workbench.io.template import parse_products
    from workbench.paths import resources_dir

    if sum(bool(x) for x in (args.input, args.demo, getattr(args, "db", None))) > 1:
        raise BadInput("give either INPUT, --demo or --db, not several")
    if getattr(args, "db", None):
        specs = _catalog_specs(args.db)  # refuses a missing or unusable catalog; creates nothing
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
    from workbench.services.classify import Classifier, letters_from_file, letters_in_catalog

    source = getattr(args, "letters", None)
    if source and getattr(args, "no_letters", False):
        raise BadInput("give either --letters or --no-letters, not both")
    letters = None
    if source:
        from workbench.services.catalog_file import StoreError

        if not Path(source).is_file():
            raise BadInput(f"--letters: {source} not found (expected a letters .json file or a catalog database)")
        try:
            letters = letters_from_file(Path(source))
        except StoreError as exc:
            raise BadInput(f"--letters: {exc}") from None
    elif getattr(args, "db", None) and not getattr(args, "no_letters", False):
        letters = letters_in_catalog(args.db)
    if getattr(args, "no_letters", False):
        print("note: is-informed letters are not applied (--no-letters): licence positions are the regimes' alone",
              file=sys.stderr)
    return Classifier(lib.countries, destination, hq, on, letters, today=run_clock(args).today())


def cmd_classify(args: argparse.Namespace) -> int:
    from workbench.services.regimes import bundled_library
    from workbench.wording import licence_text, margin_number, quantity

    lib = bundled_library()
    regimes = lib.select(args.regime)
    destination = country(args.destination, "--destination")
    hq = country(args.end_user_hq, "--end-user-hq")
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

    from workbench.services.regimes import bundled_library
    from workbench.wording import position_text

    lib = bundled_library()
    regimes = [lib.get(args.from_id), lib.get(args.to_id)]
    destination = country(args.destination, "--destination")
    hq = country(args.end_user_hq, "--end-user-hq")
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
    p = sub.add_parser("regimes", help="list the bundled regimes (rulesets)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_regimes)

    p = sub.add_parser("classify", help="classify products under one or more regimes")
    _input_args(p)
    p.add_argument("--regime", action="append", metavar="ID", help="regime id (repeatable; default: all)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--letters", metavar="FILE.json|DB",
                   help="apply is-informed letters from a JSON file or a catalog database on top")
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("compare", help="what changes for products between two regimes")
    _input_args(p)
    p.add_argument("--from", dest="from_id", required=True, metavar="ID")
    p.add_argument("--to", dest="to_id", required=True, metavar="ID")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=cmd_compare)
