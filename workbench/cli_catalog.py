"""Catalog commands for the command line: ``import`` and ``backup``, the ``--db`` option, and
reading the catalog's products for ``classify``/``compare --db``.

Exit codes follow workbench.cli: 0 ok, 2 bad input (one ``FILE:SHEET!CELL: ...`` line per
problem), and 3 for a database or environment problem (disk full, newer database, not ours).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from workbench.cli_lock import writes_catalog
from workbench.engine import ProductSpec
from workbench.io.xlsx_guard import DEFAULT_LIMITS
from workbench.store import StoreError, resolve_db_path

EXIT_OK, EXIT_BAD_INPUT, EXIT_STORE = 0, 2, 3

MAX_PROBLEM_LINES = 200

DB_HELP = "catalog database file (default: $WORKBENCH_DB, else catalog.sqlite3 in the user data directory)"


def add_db_arg(p: argparse.ArgumentParser, help: str = DB_HELP) -> None:
    p.add_argument("--db", metavar="PATH", help=help)


def catalog_specs(db: str | None) -> list[ProductSpec]:
    """Every product in the catalog (created with the demo catalog on first start). Raises StoreError."""
    from workbench.services.catalog import catalog_specs as specs, open_catalog

    conn = open_catalog(db)
    try:
        return specs(conn)
    finally:
        conn.close()


@writes_catalog
def cmd_import(args: argparse.Namespace) -> int:
    from workbench.clock import SYSTEM_CLOCK
    from workbench.io.mapping import MappingError, make_choices, read_mapping_file
    from workbench.services.catalog import open_catalog
    from workbench.services.import_products import ImportFailed, import_products, render_columns, render_plan

    limits = replace(DEFAULT_LIMITS, max_rows=args.max_rows) if args.max_rows else DEFAULT_LIMITS
    try:
        file_choices = read_mapping_file(args.mapping) if args.mapping else {}
        choices = {**file_choices, **make_choices(args.map or [], args.ignore or [])}
    except MappingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.match_similar and args.add_similar:
        print("error: --match-similar and --add-similar exclude each other (expected one of them)", file=sys.stderr)
        return EXIT_BAD_INPUT
    similar = "update" if args.match_similar else "add" if args.add_similar else "ask"
    db = resolve_db_path(args.db)
    try:
        conn = open_catalog(db)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_STORE
    try:
        plan = import_products(conn, Path(args.file), args.sheet, dry_run=args.dry_run, limits=limits, db_label=db,
                               choices=choices, similar=similar, cost_on=SYSTEM_CLOCK.today())
    except ImportFailed as exc:
        if exc.columns:
            print(render_columns(exc.columns), file=sys.stderr)
        for note in exc.notes:
            print(f"note: {note}", file=sys.stderr)
        shown = exc.problems[:MAX_PROBLEM_LINES]
        print("\n".join(shown), file=sys.stderr)
        if len(exc.problems) > len(shown):
            print(f"... and {len(exc.problems) - len(shown)} more problems", file=sys.stderr)
        print(f"error: {args.file}: {len(exc.problems)} problem{'s' if len(exc.problems) != 1 else ''}; "
              "nothing was imported", file=sys.stderr)
        return EXIT_BAD_INPUT
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_STORE
    finally:
        conn.close()
    for note in plan.notes:
        print(f"note: {note}", file=sys.stderr)
    print(render_plan(plan, limit=args.show))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from workbench.services.catalog import open_catalog
    from workbench.store.backup import backup_to

    try:
        conn = open_catalog(args.db)
        try:
            out = backup_to(conn, Path(args.out))
        finally:
            conn.close()
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_STORE
    print(f"backup written to {out} (integrity_check ok)")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import products from an .xlsx/.csv in the product template into the catalog")
    p.add_argument("file", metavar="FILE", help=".xlsx or .csv in the canonical product template")
    p.add_argument("--sheet", help="sheet name (default: the first visible sheet)")
    p.add_argument("--dry-run", action="store_true", help="print what would be added and changed; write nothing")
    p.add_argument("--max-rows", type=int, metavar="N", help=f"row limit (default {DEFAULT_LIMITS.max_rows:,})")
    p.add_argument("--show", type=int, default=50, metavar="N", help="list at most N products per section (default 50)")
    p.add_argument("--map", action="append", metavar="HEADER=FIELD",
                   help="read column HEADER as template FIELD (repeatable), e.g. --map \"FP16 算力 (TFLOPS)=fp16_tflops\"")
    p.add_argument("--ignore", action="append", metavar="HEADER", help="leave column HEADER out (repeatable)")
    p.add_argument("--mapping", metavar="FILE.yaml", help="a file of 'HEADER: field' (or 'HEADER: ignore') lines")
    p.add_argument("--match-similar", action="store_true",
                   help="a part number that matches a catalog product apart from case, spaces, hyphens or look-alike "
                        "characters updates that product")
    p.add_argument("--add-similar", action="store_true",
                   help="add such a part number as a new product instead")
    add_db_arg(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("backup", help="write a checked copy of the catalog (VACUUM INTO + integrity_check)")
    p.add_argument("--out", required=True, metavar="FILE", help="the backup file to create (must not exist)")
    add_db_arg(p)
    p.set_defaults(func=cmd_backup)
