"""``workbench screen NAME`` and ``workbench screening load|snapshots|queue|clear|confirm|owners|affiliates``
over the screening service.

Exit codes: 0 ok; 2 bad input (a CSL row, an ownership cell, an unknown entry: one line each,
nothing saved); 3 database or environment problem.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from workbench.cli.common import (EXIT_OK, add_db_arg, country, db_path, json_text, parse_date, run_clock, text_table,
                                  writes_catalog)


def _service(args):
    from workbench.services.catalog import open_existing_catalog
    from workbench.services.screening import ScreeningService

    path = db_path(args.db)
    conn = open_existing_catalog(path)  # a missing or unusable catalog is refused; nothing is created
    return conn, ScreeningService(conn, run_clock(args), db_label=path)


def _run(args, body) -> int:
    conn, service = _service(args)
    try:
        return body(service)
    finally:
        conn.close()


def _snapshot_line(snap) -> str:
    if snap is None:
        return "no screening list loaded (expected: workbench screening load FILE)"
    counts = ", ".join(f"{k}: {v}" for k, v in snap.counts.items())
    return (f"list snapshot {snap.id} of {snap.list_date} ({snap.file_name}, sha256 {snap.file_sha256[:12]}..., "
            f"{snap.entries} entries: {counts})")


def _bar(score: float, width: int = 10) -> str:
    filled = int(round(score * width))
    return "#" * filled + "." * (width - filled)


def cmd_screen(args: argparse.Namespace) -> int:
    code = country(args.country, "--country") if args.country else None

    def body(service) -> int:
        result = service.screen(args.name, code, args.address)
        if args.format == "json":
            print(json_text([m.to_json() for m in result.matches]))
            print(f"review threshold {result.threshold:.2f}; entries scoring below it are left out; "
                  + _snapshot_line(result.snapshot), file=sys.stderr)
            return EXIT_OK
        print(_snapshot_line(result.snapshot))
        print(f"review threshold {result.threshold:.2f}: entries scoring below it are left out; "
              "every match listed is a possible match for review, none is cleared automatically\n")
        if not result.matches:
            print(f"no entry scores {result.threshold:.2f} or more for '{args.name}'")
            return EXIT_OK
        for m in result.matches:
            print(f"{m.score:.2f} [{_bar(m.score)}] {m.name}  ({m.entry_id}; {m.source})")
            for r in m.reasons:
                print(f"      - {r}")
            lic = m.entry.get("license_requirement")
            if lic:
                print(f"      licence requirement: {lic}  policy: {m.entry.get('license_policy', '')}")
        return EXIT_OK
    return _run(args, body)


@writes_catalog
def cmd_load(args: argparse.Namespace) -> int:
    def body(service) -> int:
        report = service.load(args.file)
        print("loaded " + _snapshot_line(report.snapshot))
        what = "new since the previous snapshot" if report.previous else "among the stored parties"
        print(f"{len(report.new_matches)} possible match{'es' if len(report.new_matches) != 1 else ''} {what}")
        for item in report.new_matches:
            print(f"  {item.match.score:.2f} {item.party} ~ {item.match.name} ({item.match.entry_id}); "
                  f"{'; '.join(item.roles)}" + (f"; {item.previous}" if item.previous else ""))
        return EXIT_OK
    return _run(args, body)


def cmd_snapshots(args: argparse.Namespace) -> int:
    def body(service) -> int:
        snaps = service.snapshots()
        if args.format == "json":
            print(json_text([{"id": s.id, "list_date": s.list_date.isoformat(), "file": s.file_name,
                              "sha256": s.file_sha256, "entries": s.entries, "counts": s.counts} for s in snaps]))
        else:
            print(text_table(["id", "date", "file", "entries", "sha256"],
                             [[s.id, s.list_date.isoformat(), s.file_name, s.entries, s.file_sha256[:16]]
                              for s in snaps]) if snaps else "no snapshots")
        return EXIT_OK
    return _run(args, body)


def cmd_queue(args: argparse.Namespace) -> int:
    def body(service) -> int:
        items = service.review_queue()
        if args.format == "json":
            print(json_text([{"party": i.party, "roles": list(i.roles), "previous": i.previous, **i.match.to_json()}
                             for i in items]))
            return EXIT_OK
        print(_snapshot_line(service.snapshot()))
        if not items:
            print("review queue empty")
        for i in items:
            print(f"{i.match.score:.2f} {i.party} ~ {i.match.name} ({i.match.entry_id}); {'; '.join(i.roles)}"
                  + (f"\n      {i.previous}" if i.previous else ""))
        return EXIT_OK
    return _run(args, body)


@writes_catalog
def cmd_decide(args: argparse.Namespace) -> int:
    def body(service) -> int:
        d = service.decide(args.party, args.entry_id, args.decision, args.reason)
        print(f"{d.decision}: {d.party_name} ~ {d.entry_id} (entry content {d.content_hash[:12]}...), "
              f"by {d.actor} on {d.decided_on}: {d.reason}")
        return EXIT_OK
    return _run(args, body)


@writes_catalog
def cmd_owners(args: argparse.Namespace) -> int:
    def body(service) -> int:
        if args.owners_command == "import":
            n = service.import_links(args.file)
            print(f"imported {n} ownership link{'s' if n != 1 else ''} from {args.file}")
        elif args.owners_command == "add":
            service.add_links([(args.owner, args.owned, args.percent, date.fromisoformat(args.as_of),
                                args.source or "")])
            print(f"added: {args.owner} owns {args.percent:g} % of {args.owned} as of {args.as_of}")
        else:
            links = service.links()
            print(text_table(["id", "owner", "owned", "percent", "as_of", "source"],
                             [[l.id, l.owner, l.owned, f"{l.percent:g}", l.as_of.isoformat(), l.source]
                              for l in links]) if links else "no ownership links")
        return EXIT_OK
    return _run(args, body)


def cmd_affiliates(args: argparse.Namespace) -> int:
    def body(service) -> int:
        r = service.affiliates(args.party, parse_date(args.date))
        print(f"{r.party} on {r.day}: listed owners hold {r.listed_share:g} %; Affiliates rule "
              f"{'in force' if r.in_force else 'not in force'}")
        if r.caught and r.inherited:
            print(f"CAUGHT: inherits {r.inherited.name} ({r.inherited.entry_id}): "
                  f"{r.inherited.license_requirement} / {r.inherited.license_policy}")
        for p in r.paths:
            print("  path: " + " <- ".join(p))
        for n in r.notes:
            print("  note: " + n)
        return EXIT_OK
    return _run(args, body)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("screen", help="screen a party name against the loaded screening list")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--country", metavar="ISO2", help="the party's country (nudges the score)")
    p.add_argument("--address", metavar="TEXT", help="the party's address (nudges the score)")
    add_db_arg(p)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_screen)

    p = sub.add_parser("screening", help="load screening lists, review possible matches, ownership links")
    s = p.add_subparsers(dest="screening_command", metavar="SUBCOMMAND", required=True)
    q = s.add_parser("load", help="load a Consolidated Screening List file (CSV or JSON) as a new snapshot")
    q.add_argument("file", metavar="FILE")
    add_db_arg(q)
    q.set_defaults(func=cmd_load)
    q = s.add_parser("snapshots", help="list the loaded snapshots")
    add_db_arg(q)
    q.add_argument("--format", choices=["table", "json"], default="table")
    q.set_defaults(func=cmd_snapshots)
    q = s.add_parser("queue", help="possible matches of stored parties awaiting review")
    add_db_arg(q)
    q.add_argument("--format", choices=["table", "json"], default="table")
    q.set_defaults(func=cmd_queue)
    for name, decision in (("clear", "cleared"), ("confirm", "confirmed")):
        q = s.add_parser(name, help=f"{name} a possible match (audited, tied to the entry's content)")
        q.add_argument("party", metavar="PARTY")
        q.add_argument("entry_id", metavar="ENTRY_ID")
        q.add_argument("--reason", required=True)
        add_db_arg(q)
        q.set_defaults(func=cmd_decide, decision=decision)
    q = s.add_parser("owners", help="ownership links: list, add, import FILE")
    o = q.add_subparsers(dest="owners_command", metavar="ACTION")
    r = o.add_parser("list")
    add_db_arg(r)
    r = o.add_parser("add")
    r.add_argument("owner")
    r.add_argument("owned")
    r.add_argument("percent", type=float)
    r.add_argument("--as-of", required=True, metavar="YYYY-MM-DD")
    r.add_argument("--source", default="")
    add_db_arg(r)
    r = o.add_parser("import", help="xlsx or CSV with columns owner, owned, percent, as_of, source")
    r.add_argument("file", metavar="FILE")
    add_db_arg(r)
    q.set_defaults(func=cmd_owners, owners_command="list", db=None)
    q = s.add_parser("affiliates", help="the Affiliates-rule (50 %%) check of a party, with the path followed")
    q.add_argument("party", metavar="PARTY")
    q.add_argument("--date", metavar="YYYY-MM-DD")
    add_db_arg(q)
    q.set_defaults(func=cmd_affiliates)
