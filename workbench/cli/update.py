"""Signed rule updates on the command line (workbench.services.rule_updates).

  workbench update verify BUNDLE                      exit 0: signer, sequence, dates, file count; 2: why not
  workbench update apply BUNDLE [--db PATH] [--destination ISO2] [--dry-run]
                                                      verify, show the catalog products that change, adopt
  workbench update list                               the installed bundles (the last is in use)
  workbench update rollback [--db PATH]               back to the previous bundle or the built-in rules
  workbench update build FOLDER --sequence N --rules-current-to YYYY-MM-DD --out FILE.zip
                                                      (release side) an unsigned bundle, to sign with minisign
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.cli.common import EXIT_OK, country, db_path, run_clock, text_table, writes_catalog


def cmd_verify(args: argparse.Namespace) -> int:
    from workbench.services.rule_updates import verify_bundle

    verified = verify_bundle(Path(args.bundle))
    print("\n".join(verified.summary_lines()))
    return EXIT_OK


def _impact_text(result, limit: int | None = None) -> str:
    where = f" for {result.destination}" if result.destination else " (no destination: classification only)"
    products = result.flipped_products
    lines = [f"{len(products)} of {result.products} catalog products change under the bundle{where}"]
    if result.regimes_added:
        lines.append("regimes added: " + ", ".join(result.regimes_added))
    if result.regimes_removed:
        lines.append("regimes removed: " + ", ".join(result.regimes_removed))
    if result.regimes_changed:
        lines.append("regimes changed: " + ", ".join(result.regimes_changed))
    if result.rows:
        rows = [[r.part_number, r.regime, r.before, r.after] for r in result.rows]
        shown = rows if limit is None else rows[:limit]
        lines += ["", text_table(["part_number", "regime", "before", "after"], shown)]
        if len(shown) < len(rows):
            lines.append(f"... and {len(rows) - len(shown)} more changes")
    return "\n".join(lines)


@writes_catalog
def cmd_apply(args: argparse.Namespace) -> int:
    from workbench.services.catalog import catalog_specs, open_existing_catalog
    from workbench.services.regimes import bundled_library
    from workbench.services.rule_updates import impact, install, verify_bundle

    verified = verify_bundle(Path(args.bundle))
    destination = country(args.destination, "--destination")
    print("\n".join(verified.summary_lines()))
    db = db_path(args.db)
    conn = open_existing_catalog(db)  # a missing or unusable catalog is refused; nothing is created
    try:
        result = impact(bundled_library(), verified.library, catalog_specs(conn), destination,
                        today=run_clock(args).today())
        print()
        print(_impact_text(result))
        if args.dry_run:
            print("\n--dry-run: nothing was installed")
            return EXIT_OK
        done = install(verified, conn, db)
    finally:
        conn.close()
    print(f"\nadopted signed rule bundle {done.sequence} (SHA-256 {done.sha256}, signer {done.signer}); "
          f"every determination now uses it (`workbench update rollback` returns to the previous rules)")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from workbench.services.rule_updates import installed_bundles, rules_in_use

    from workbench.paths import RULE_UPDATES_STATE, rule_updates_dir

    bundles = installed_bundles()
    print(f"rules in use: {rules_in_use().label}")
    state = rule_updates_dir() / RULE_UPDATES_STATE
    if not bundles and state.is_file() and '"installed": []' not in state.read_text(encoding="utf-8", errors="replace"):
        print(f"warning: {state} is unreadable; the built-in rules are in use (apply the bundle again to "
              "restore it)", file=sys.stderr)
    if bundles and rules_in_use().sequence != bundles[-1].sequence:
        print(f"warning: bundle {bundles[-1].sequence} is recorded as installed but its folder is missing; "
              "`workbench update rollback` returns to the one before it", file=sys.stderr)
    if not bundles:
        print("no signed rule bundle installed (the built-in rules are sequence 0)")
        return EXIT_OK
    rows = [[str(b.sequence), b.created, b.rules_current_to, b.signer, b.sha256[:16] + "…", b.installed_at[:19],
             "in use" if i == len(bundles) - 1 else ""] for i, b in enumerate(bundles)]
    print(text_table(["sequence", "created", "current_to", "signer", "sha256", "installed", ""], rows))
    return EXIT_OK


@writes_catalog
def cmd_rollback(args: argparse.Namespace) -> int:
    from workbench.services.catalog import open_existing_catalog
    from workbench.services.rule_updates import rollback

    db = db_path(args.db)
    conn = open_existing_catalog(db)  # a missing or unusable catalog is refused; nothing is created
    try:
        left, now = rollback(conn, db)
    finally:
        conn.close()
    target = f"signed rule bundle {now.sequence} (SHA-256 {now.sha256})" if now else "the built-in rules"
    print(f"rolled back from signed rule bundle {left.sequence}; every determination now uses {target}")
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from workbench.services.rule_updates import build_bundle

    out = build_bundle(Path(args.folder), Path(args.out), args.sequence, args.rules_current_to, args.notes or "")
    print(f"{out}: rules bundle, sequence {args.sequence}; sign it with: minisign -S -s KEY -m {out}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("update", help="signed rule updates: verify, apply (with impact), list, roll back")
    usub = p.add_subparsers(dest="update_command", metavar="ACTION", required=True)

    v = usub.add_parser("verify", help="check a bundle's signature, manifest, sequence and schema")
    v.add_argument("bundle", metavar="BUNDLE", help="the .zip (its .minisig beside it)")
    v.set_defaults(func=cmd_verify)

    a = usub.add_parser("apply", help="verify, show the products that change, and adopt a bundle")
    a.add_argument("bundle", metavar="BUNDLE", help="the .zip (its .minisig beside it)")
    a.add_argument("--db", metavar="PATH", help="catalog database (default: WORKBENCH_DB or the user data folder)")
    a.add_argument("--destination", metavar="ISO2", help="destination for the licence positions, e.g. CN")
    a.add_argument("--dry-run", action="store_true", help="show the impact and stop: nothing is installed")
    a.set_defaults(func=cmd_apply)

    ls = usub.add_parser("list", help="the installed bundles and the rules in use")
    ls.set_defaults(func=cmd_list)

    r = usub.add_parser("rollback", help="return to the previous bundle, or the built-in rules (audited)")
    r.add_argument("--db", metavar="PATH", help="catalog database (default: WORKBENCH_DB or the user data folder)")
    r.set_defaults(func=cmd_rollback)

    b = usub.add_parser("build", help="(release) write an unsigned rules bundle from a rules folder")
    b.add_argument("folder", metavar="FOLDER", help="a rules folder (*.yaml and countries.csv)")
    b.add_argument("--sequence", type=int, required=True, metavar="N", help="above every earlier release")
    b.add_argument("--rules-current-to", required=True, metavar="YYYY-MM-DD")
    b.add_argument("--notes", metavar="TEXT")
    b.add_argument("--out", required=True, metavar="FILE.zip")
    b.set_defaults(func=cmd_build)
