"""Catalog commands for the command line: ``init``, ``import`` and ``backup``, and the adding
of data into a catalog that may not exist yet (``import``, ``deals add``).

Only ``init`` makes a catalog on purpose; ``import`` into a path with no file makes an empty
company catalog and says so (``--dry-run`` makes nothing at all). Every other command refuses a
missing catalog (exit 2) and an empty, foreign or damaged file (exit 3) without touching it.

Exit codes follow workbench.cli.common: 0 ok, 2 bad input (one ``FILE:SHEET!CELL: ...`` line per
problem), and 3 for a database or environment problem (disk full, newer database, not ours).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from workbench.cli.common import EXIT_BAD_INPUT, EXIT_OK, add_db_arg, report, run_adding, run_clock, writes_catalog
from workbench.errors import StorageError
from workbench.io.xlsx_guard import DEFAULT_LIMITS

MAX_PROBLEM_LINES = 200


def cmd_init(args: argparse.Namespace) -> int:
    from workbench.services.catalog import create_catalog, default_demo_path

    db = args.db or (default_demo_path() if args.demo else None)
    path = create_catalog(db, demo=args.demo)
    if args.demo:
        print(f"demo catalog created at {path}: real accelerators with their sources and the fictitious SAMPLE "
              "letter; its memos and sheets say DEMO DATA (not for compliance decisions)")
    else:
        print(f"company catalog created at {path} (empty; add products with: workbench import FILE --db {path})")
    return EXIT_OK


@writes_catalog
def cmd_import(args: argparse.Namespace) -> int:
    from workbench.io.mapping import MappingError, make_choices, read_mapping_file

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
    return run_adding(args.db, args.dry_run, lambda conn, db: _import_into(conn, db, args, limits, choices, similar))


def _import_into(conn, db: Path, args: argparse.Namespace, limits, choices, similar) -> int:
    from workbench.services.import_products import ImportFailed, import_products, render_columns, render_plan

    try:
        plan = import_products(conn, Path(args.file), args.sheet, dry_run=args.dry_run, limits=limits, db_label=db,
                               choices=choices, similar=similar, cost_on=run_clock(args).today())
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
    except StorageError as exc:  # said here, before run_adding's note that a new catalog was removed again
        return report(exc)
    for note in plan.notes:
        print(f"note: {note}", file=sys.stderr)
    print(render_plan(plan, limit=args.show))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from workbench.services.backup import backup_catalog

    out = backup_catalog(args.db, Path(args.out))  # a missing or unusable catalog: exit 2 or 3 (common.run)
    print(f"backup written to {out} (integrity_check ok)")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="create a new, empty company catalog (or with --demo the demo catalog)")
    p.add_argument("--demo", action="store_true",
                   help="create the demo catalog instead: real accelerators with sources and the fictitious SAMPLE "
                        "letter, marked DEMO DATA (default path: demo-catalog.sqlite3 in the user data directory)")
    add_db_arg(p, "the catalog file to create (must not exist; default: $WORKBENCH_DB, else catalog.sqlite3 "
                  "in the user data directory)")
    p.set_defaults(func=cmd_init)

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
