"""``workbench letters ...``: the is-informed letters recorded in a catalog.

    workbench letters list [--status S] [--format table|json] [--db PATH]
    workbench letters show REF [--format text|json] [--db PATH]
    workbench letters add FILE.json [--attach SCAN] [--db PATH]
    workbench letters status REF NEW_STATUS [--on YYYY-MM-DD] [--note TEXT] [--db PATH]
    workbench letters attach REF FILE [--db PATH]
    workbench letters dashboard [--tz ZONE] [--days N] [--db PATH]
    workbench letters check FILE [--sheet NAME] [--format table|json] [--db PATH]
    workbench letters export --out FILE.xlsx [--db PATH]

Exit codes: 0 ok; 2 bad input (file, reference, refused status change); 3 database problem.
"""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime
from pathlib import Path
from typing import Optional

from workbench.cli.common import DB_HELP, EXIT_OK, json_text, run_clock, text_table, writes_catalog
from workbench.engine.letters import STATUSES


def _service(db: Optional[str]):
    """The letters of the existing catalog (a missing or unusable one is refused; nothing is created)."""
    from workbench.services.catalog import open_existing_catalog
    from workbench.services.letters import LetterService
    from workbench.services.regimes import bundled_library

    conn = open_existing_catalog(db)
    return LetterService(conn, bundled_library().countries)


def _run(args: argparse.Namespace, body) -> int:
    """``body(service)`` on the catalog's letters; a refused input or a database problem reaches
    workbench.cli.common.run, which says it and returns its exit code (2 or 3)."""
    service = _service(args.db)
    try:
        return body(service)
    finally:
        service.conn.close()


def _next_deadline(letter) -> str:
    open_ = sorted(d.due for d in letter.deadlines if d.done_on is None)
    return open_[0].isoformat() if open_ else ""


def cmd_list(args: argparse.Namespace) -> int:
    def body(service) -> int:
        letters = service.list(args.status)
        if args.format == "json":
            print(json_text([x.to_json() for x in letters]))
            return EXIT_OK
        print(text_table(["ref", "status", "addressee", "received", "effective", "next deadline", "summary"],
                         [[x.ref, x.status, x.addressee, x.received, x.effective, _next_deadline(x),
                           x.summary if len(x.summary) <= 60 else x.summary[:57] + "..."] for x in letters]))
        return EXIT_OK
    return _run(args, body)


def _show_text(service, letter, now: datetime) -> str:
    from workbench.engine.letters import STATUS_LABELS, TRANSITIONS, deadline_view
    from workbench.engine.places import describe

    lines = [f"{letter.ref}  [{STATUS_LABELS[letter.status]}]",
             f"  addressee:     {letter.addressee}", f"  agency:        {letter.agency} ({letter.agency_tz})",
             f"  received:      {letter.received}    effective: {letter.effective}",
             f"  legal basis:   {letter.legal_basis}", f"  summary:       {letter.summary}",
             f"  licence:       {'required' if letter.requirement.licence_required else 'not required'}, "
             f"review policy {letter.requirement.review_policy.replace('_', ' ')}",
             f"  destinations:  {describe(letter.destinations)}"]
    if letter.end_user_hq:
        lines.append(f"  end users:     {describe(letter.end_user_hq)}")
    from workbench.engine.letters import ACTIVITY_LABELS, ITEM_KIND_LABELS

    lines.append(f"  binds:         {', '.join(ACTIVITY_LABELS[a] for a in letter.activities)} of "
                 f"{', '.join(ITEM_KIND_LABELS[k] for k in letter.item_kinds)}")
    for ex in letter.exemptions:
        lines.append(f"  exemption:     {ex.description}" + (f" (from {ex.effective})" if ex.effective else "")
                     + (f": {', '.join(ex.parties)}" if ex.parties else ""))
    if letter.covered.part_numbers:
        lines.append(f"  part numbers:  {', '.join(letter.covered.part_numbers)}")
    for c in letter.covered.criteria:
        lines.append(f"  criterion {c.id}: {c.description} ({c.confidence})")
    nxt = TRANSITIONS[letter.status]
    lines.append(f"  next status:   {', '.join(STATUS_LABELS[s] for s in nxt) or '(none: closed)'}")
    for d in letter.deadlines:
        lines.append("  deadline " + deadline_view(letter, d, now, "UTC").describe())
    for a in letter.applications:
        lines.append(f"  application {a.number}: {a.status}, submitted {a.submitted or '-'}, decided {a.decided or '-'}"
                     + (f", qty {a.quantity}" if a.quantity is not None else "")
                     + (f", USD {a.value_usd:,.0f}" if a.value_usd is not None else ""))
    for chk in service.verify_attachments(letter.ref):
        a = chk.attachment
        lines.append(f"  attachment {a.file_name}: sha256 {a.sha256} ({'verified' if chk.ok else chk.problem})")
    for n in letter.notes:
        lines.append(f"  note: {n}")
    lines.append("  history:")
    for h in service.history(letter.ref):
        if h.action in ("letter.add", "letter.sample"):
            what = "recorded" + (f" from {h.after['origin'].get('file')}" if (h.after or {}).get("origin") else "")
        elif h.action == "letter.status":
            what = f"{_brief(h.before.get('status'))} -> {_brief(h.after.get('status'))}" + (
                f" ({h.after['reason']})" if h.after.get("reason") else "")
        elif h.action == "letter.attach":
            what = f"{h.after['file_name']} (sha256 {h.after['sha256'][:12]}...)"
        else:
            what = ", ".join(f"{k}: {_brief(h.before.get(k) if h.before else None)} -> {_brief(v)}"
                             for k, v in (h.after or {}).items())
        lines.append(f"    #{h.seq} {h.ts_utc} {h.actor} {h.action}: {what}")
    return "\n".join(lines)


def _brief(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def cmd_show(args: argparse.Namespace) -> int:
    def body(service) -> int:
        letter = service.get(args.ref)
        if args.format == "json":
            data = letter.to_json()
            data["attachments"] = [{"file_name": c.attachment.file_name, "sha256": c.attachment.sha256,
                                    "size": c.attachment.size, "verified": c.ok, "problem": c.problem}
                                   for c in service.verify_attachments(letter.ref)]
            data["audit"] = [{"seq": h.seq, "ts_utc": h.ts_utc, "actor": h.actor, "action": h.action,
                              "before": h.before, "after": h.after} for h in service.history(letter.ref)]
            print(json_text(data))
        else:
            print(_show_text(service, letter, run_clock(args).now()))
        return EXIT_OK
    return _run(args, body)


@writes_catalog
def cmd_add(args: argparse.Namespace) -> int:
    def body(service) -> int:
        letters = service.add_file(Path(args.file), Path(args.attach) if args.attach else None)
        for x in letters:
            print(f"added letter {x.ref} ({x.status})")
        return EXIT_OK
    return _run(args, body)


def _day(text: Optional[str], args: argparse.Namespace) -> date:
    """--on YYYY-MM-DD, else the run's today."""
    from workbench.services.letters import LetterInputError

    if text is None:
        return run_clock(args).today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise LetterInputError(f"--on: '{text}' is not a date (expected YYYY-MM-DD)") from None


@writes_catalog
def cmd_status(args: argparse.Namespace) -> int:
    def body(service) -> int:
        from workbench.engine.letters import STATUS_LABELS

        letter = service.set_status(args.ref, args.status, _day(args.on, args), args.reason or args.note)
        print(f"letter {letter.ref} is now {STATUS_LABELS[letter.status]}"
              + ("; it binds nothing from now on" if not letter.is_open else ""))
        return EXIT_OK
    return _run(args, body)


@writes_catalog
def cmd_attach(args: argparse.Namespace) -> int:
    def body(service) -> int:
        att = service.attach(args.ref, Path(args.file))
        print(f"attached {att.file_name} to {args.ref} (sha256 {att.sha256})")
        return EXIT_OK
    return _run(args, body)


def cmd_dashboard(args: argparse.Namespace) -> int:
    def body(service) -> int:
        from workbench.engine.letters import zone
        from workbench.services.letters import LetterInputError

        try:
            zone(args.tz)
        except ValueError as exc:
            raise LetterInputError(f"--tz: {exc}") from None
        print(json_text(service.dashboard(now=run_clock(args).now(), user_tz=args.tz, horizon_days=args.days).to_json()))
        return EXIT_OK
    return _run(args, body)


def cmd_check(args: argparse.Namespace) -> int:
    """Which products of a template file would newly fall under an open letter if imported."""
    from workbench.io.tables import TableError
    from workbench.io.template import parse_products
    from workbench.services.letters import LetterInputError

    def body(service) -> int:
        try:
            parsed = parse_products(Path(args.file), args.sheet)
        except TableError as exc:
            raise LetterInputError(str(exc)) from None
        if parsed.errors:
            raise LetterInputError("\n".join(str(e) for e in parsed.errors))
        caught = service.newly_caught(parsed.specs, fields=set(parsed.mapping.values()))
        if args.format == "json":
            print(json_text([{"part_number": c.part_number, "letter": c.ref, "result": c.result, "before": c.before,
                              "matched": list(c.matched), "missing": list(c.missing)} for c in caught]))
            return EXIT_OK
        if not caught:
            print(f"no product in {args.file} would newly fall under an open letter")
            return EXIT_OK
        print(text_table(["part_number", "letter", "result", "before", "why"],
                         [[c.part_number, c.ref, "caught" if c.result == "met" else "may be caught (missing "
                           + ", ".join(c.missing) + ")", c.before, "; ".join(c.matched)] for c in caught]))
        return EXIT_OK
    return _run(args, body)


def cmd_export(args: argparse.Namespace) -> int:
    def body(service) -> int:
        out = service.export_xlsx(Path(args.out))
        print(f"{len(service.list())} letters written to {out}")
        return EXIT_OK
    return _run(args, body)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("letters", help="is-informed letters: company-specific licence requirements")
    lsub = p.add_subparsers(dest="letters_command", metavar="ACTION", required=True)

    def db(q):
        q.add_argument("--db", metavar="PATH", help=DB_HELP)

    q = lsub.add_parser("list", help="list recorded letters")
    q.add_argument("--status", choices=STATUSES)
    q.add_argument("--format", choices=["table", "json"], default="table")
    db(q)
    q.set_defaults(func=cmd_list)

    q = lsub.add_parser("show", help="one letter with deadlines, applications, attachments and history")
    q.add_argument("ref", metavar="REF")
    q.add_argument("--format", choices=["text", "json"], default="text")
    db(q)
    q.set_defaults(func=cmd_show)

    q = lsub.add_parser("add", help="record the letter(s) in a JSON file (see resources/demo/letters/)")
    q.add_argument("file", metavar="FILE.json")
    q.add_argument("--attach", metavar="SCAN", help="the scanned letter, copied into the data folder with its SHA-256")
    db(q)
    q.set_defaults(func=cmd_add)

    q = lsub.add_parser("status", help="move a letter to its next status, or withdraw one recorded by mistake "
                                       "(recorded_in_error --reason TEXT)")
    q.add_argument("ref", metavar="REF")
    q.add_argument("status", metavar="STATUS", help=" | ".join(STATUSES))
    q.add_argument("--on", metavar="YYYY-MM-DD", help="date of the change (default: today)")
    q.add_argument("--note")
    q.add_argument("--reason", help="why (required for recorded_in_error: the letter was recorded by mistake)")
    db(q)
    q.set_defaults(func=cmd_status)

    q = lsub.add_parser("attach", help="attach the scanned letter (copied, SHA-256 recorded)")
    q.add_argument("ref", metavar="REF")
    q.add_argument("file", metavar="FILE")
    db(q)
    q.set_defaults(func=cmd_attach)

    q = lsub.add_parser("dashboard", help="letters by status, deadlines due and overdue, affected products (JSON)")
    q.add_argument("--tz", default="UTC", metavar="ZONE", help="your IANA time zone, e.g. Asia/Shanghai (default UTC)")
    q.add_argument("--days", type=int, default=30, metavar="N", help="deadline horizon in days (default 30)")
    db(q)
    q.set_defaults(func=cmd_dashboard)

    q = lsub.add_parser("check", help="would these products (a template file) newly fall under an open letter?")
    q.add_argument("file", metavar="FILE", help=".xlsx or .csv in the product template (compared with the catalog)")
    q.add_argument("--sheet", help="sheet name (default: the first visible sheet)")
    q.add_argument("--format", choices=["table", "json"], default="table")
    db(q)
    q.set_defaults(func=cmd_check)

    q = lsub.add_parser("export", help="write every letter to an .xlsx workbook")
    q.add_argument("--out", required=True, metavar="FILE.xlsx")
    db(q)
    q.set_defaults(func=cmd_export)
