"""Audit and records commands: proof that the catalog's records are intact and reproducible.

  workbench audit verify [--db PATH] [--head HASH]   exit 0: intact; 1: broken (names the first entry)
  workbench audit replay [--db PATH]                 exit 0: every replayable determination is reproduced
  workbench restore FILE [--db PATH]                 replace the catalog with a checked backup
  workbench rulesets verify                          exit 0: rulesets match rulesets/MANIFEST.json
  workbench rulesets manifest [--write]              print (or write) the manifest for the current files

Verification and replay open the catalog read-only (mode=ro): checking never writes.
"""

from __future__ import annotations

import argparse
import sys

from workbench.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, db_path


def _open_ro(args: argparse.Namespace):
    """The catalog's path and a read-only connection (services.audit): a missing catalog is exit 2,
    an empty, foreign or unreadable file exit 3; a damaged one is opened so that verify can say
    what it finds."""
    from workbench.services.audit import open_for_checking

    return open_for_checking(args.db)


def cmd_audit_verify(args: argparse.Namespace) -> int:
    import sqlite3

    from workbench.services.audit import parse_anchor, triggers_present, verify

    try:
        anchor = parse_anchor(args.head) if args.head else None
    except ValueError as exc:
        print(f"error: --head: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    path, conn = _open_ro(args)
    if conn is None:
        return EXIT_BAD_INPUT
    try:
        report = verify(conn, anchor)
        triggers = triggers_present(conn)
    except sqlite3.DatabaseError as exc:
        print(f"error: {path}: cannot read the audit log ({exc})", file=sys.stderr)
        return EXIT_FAILED
    finally:
        conn.close()
    print(f"{path}: {report.message()}")
    if len(triggers) < 2:
        print(f"warning: the audit table's append-only triggers are missing (found: {', '.join(triggers) or 'none'})",
              file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_audit_replay(args: argparse.Namespace) -> int:
    from workbench.services.regimes import bundled_library
    from workbench.services.replay import replay

    path, conn = _open_ro(args)
    if conn is None:
        return EXIT_BAD_INPUT
    try:
        rows = replay(conn, bundled_library())
    finally:
        conn.close()
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
        if row.status != "same":
            print(f"determination {row.id} ({row.part_number}, {row.regime}): {row.status}"
                  + (f": {row.detail}" if row.detail else ""))
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no recorded determinations"
    print(f"{path}: replayed {len(rows)} determinations: {summary}")
    return EXIT_FAILED if counts.get("different") else EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Errors reach main() as one line: a backup that does not verify exits 2, a catalog in use or a
    folder that refuses exits 3; in both cases the catalog is unchanged."""
    from workbench.services.backup import restore_catalog

    path = db_path(args.db)
    kept = restore_catalog(args.file, path)  # holds the writer lock for the whole operation
    print(f"{path}: restored from {args.file}" + (f"; the previous catalog was kept as {kept}" if kept else ""))
    return EXIT_OK


def cmd_rulesets_verify(args: argparse.Namespace) -> int:
    from workbench.paths import rulesets_dir
    from workbench.services.manifest import REGENERATE, verify_manifest

    report = verify_manifest(rulesets_dir())
    if report.ok:
        print(f"rules {report.summary()}: files match MANIFEST.json" if report.bundle_sequence is not None
              else f"rulesets match MANIFEST.json (version {report.version})")
        return EXIT_OK
    for problem in report.problems():
        print(problem)
    print(f"modified regimes: {', '.join(sorted(report.modified_regimes)) or 'none'}")
    print(f"(after an intended change, regenerate the manifest with `{REGENERATE}`)")
    return EXIT_FAILED


def cmd_rulesets_manifest(args: argparse.Namespace) -> int:
    import json

    from workbench.paths import rulesets_dir
    from workbench.services.manifest import ManifestError, build_manifest, read_manifest, write_manifest

    folder = rulesets_dir()
    if args.write:
        data = write_manifest(folder)
        print(f"{folder / 'MANIFEST.json'}: version {data['version']}, {len(data['files'])} files")
        return EXIT_OK
    try:
        previous = read_manifest(folder)
    except ManifestError:
        previous = None
    print(json.dumps(build_manifest(folder, previous), indent=2, sort_keys=True))
    return EXIT_OK


def register(sub) -> None:
    p = sub.add_parser("audit", help="verify the audit log; replay recorded determinations")
    asub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = asub.add_parser("verify", help="recompute the audit hash chain (exit 1 naming the first broken entry)")
    v.add_argument("--db", metavar="PATH", help="catalog database (default: WORKBENCH_DB or the user data folder)")
    v.add_argument("--head", metavar="HASH", help="head hash printed in an earlier memo or export (detects truncation)")
    v.set_defaults(func=cmd_audit_verify)
    r = asub.add_parser("replay", help="re-evaluate every recorded determination from its stored inputs")
    r.add_argument("--db", metavar="PATH")
    r.set_defaults(func=cmd_audit_replay)

    p = sub.add_parser("restore", help="replace the catalog with a checked backup (the old one is kept aside)")
    p.add_argument("file", metavar="FILE", help="a backup written by `workbench backup` or the automatic backups")
    p.add_argument("--db", metavar="PATH")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("rulesets", help="check the bundled rulesets against rulesets/MANIFEST.json")
    rsub = p.add_subparsers(dest="rulesets_command", metavar="ACTION", required=True)
    rsub.add_parser("verify", help="report changed, missing or extra ruleset files").set_defaults(
        func=cmd_rulesets_verify)
    m = rsub.add_parser("manifest", help="print the manifest for the current files (--write to save it)")
    m.add_argument("--write", action="store_true", help="write rulesets/MANIFEST.json (version +1 if files changed)")
    m.set_defaults(func=cmd_rulesets_manifest)
