"""write_memo and export_workbook: the catalog and the engine's determinations, rendered to files.

Both are plain functions over an open catalog connection and a RegimeLibrary, so the CLI, the GUI's
task runner (which passes ``progress`` and ``cancel``) and the tests call the same code:

    write_memo(conn, library, ["NVIDIA-H100-SXM5-80GB"], ["us-ear-2023-10"], "CN", "zh", out)
    export_workbook(conn, library, out, regimes=None)

``progress(phase, done, total)`` is called between phases and every few products; ``cancel()``
returning True stops the job with :class:`Cancelled` before anything is written at ``out``. The
files are written atomically (workbench.io.atomic). Gathering reads the store inside one read
transaction, so the audit-log head printed in a memo footer matches the data it shows.
"""

from __future__ import annotations

from workbench.errors import Cancelled  # noqa: F401  (re-exported: the one Cancelled)
from workbench.errors import UserError
import hashlib
import os
import sqlite3
from datetime import date, timezone
from pathlib import Path
from typing import Callable, Optional, Sequence

from workbench import __version__
from workbench.clock import SYSTEM_CLOCK, Clock
from workbench.engine import LoadedRegime, ProductSpec
from workbench.engine.metrics import compute_metrics
from workbench.engine.spec import TEMPLATE_FIELDS
from workbench.store import StoreError, audit
from workbench.store.products import all_products, count_products, get_product

Progress = Callable[[str, int, int], None]
Cancel = Callable[[], bool]

# A memo draws the rest of the catalog as grey context points on its chart, up to this many.
CHART_CONTEXT_LIMIT = 2000


class ReportError(UserError, ValueError):
    """Bad input for a memo or an export (unknown part number, no products); nothing was written."""


class CatalogNotTrustworthy(StoreError):
    """The audit chain (or, for exports, SQLite's integrity check) fails: a memo or export would
    anchor data that has been altered outside the app, so none is written (reliability.md §3, 16)."""


def check_catalog(conn: sqlite3.Connection, *, integrity: bool, incremental: bool = False) -> None:
    """Refuse to report on a catalog that `workbench audit verify` rejects (the chain, the subjects
    index, the catalog state bound to the log) and, if asked, that fails PRAGMA integrity_check.
    Raises CatalogNotTrustworthy. ``incremental`` (memos) skips the check when nothing was written
    since it last passed on this connection, when it would pass again."""
    from workbench.store.audit_verify import verify, verify_unless_unchanged

    report = verify_unless_unchanged(conn) if incremental else verify(conn)
    if not report.ok:
        what = report.message() if report.catalog_differs else \
            f"the audit log is broken at entry {report.broken_seq}: {report.reason}"
        raise CatalogNotTrustworthy(f"{what}; so no memo or export was written (expected what `workbench audit "
                                    "verify` accepts: restore the last verified backup)")
    if integrity:
        from workbench.store.backup import integrity_check

        problems = integrity_check(conn)
        if problems:
            raise CatalogNotTrustworthy(f"the catalog fails SQLite's integrity check ({'; '.join(problems[:3])}); "
                                        "nothing was exported (expected a sound database: restore the last backup)")


from workbench.io.report_data import (  # noqa: E402,F401  (re-exported: services fill these in)
    ExportResult, LetterHit, LetterRef, MemoData, MemoResult, ProductReport, Provenance, ReportContext, WorkbookData)


def _check(cancel: Optional[Cancel]) -> None:
    if cancel is not None and cancel():
        raise Cancelled("cancelled: nothing was written")


def _provenance(conn: sqlite3.Connection, records: dict[str, dict], parts: Optional[set[str]] = None) -> dict[str, list[Provenance]]:
    """Per product, each figure's source: its source row, else the import that set it."""
    from workbench.store.provenance import figure_sources

    out: dict[str, list[Provenance]] = {}
    order = {f: i for i, f in enumerate(TEMPLATE_FIELDS)}
    for part, figures in figure_sources(conn, parts).items():
        if parts is not None and part not in parts:
            continue
        items = [Provenance(part, fld, records.get(part, {}).get(fld), source, confidence, note)
                 for fld, (source, confidence, note) in figures.items()]
        out[part] = sorted(items, key=lambda p: order.get(p.field, len(order)))
    return out


def _read_letters(conn: sqlite3.Connection) -> list:
    """Every recorded letter (workbench.store.letters), or [] where the catalog has no letters table."""
    try:
        from workbench.store.letters import all_letters
    except ImportError:  # the letters feature is not part of this build
        return []
    try:
        return all_letters(conn)
    except sqlite3.OperationalError:  # a catalog from before the letters migration
        return []


def letter_refs(letters: Sequence, products: Sequence["ProductReport"], countries, *,
                only_applying: bool) -> list[LetterRef]:
    """Match each letter against every product determination (engine.letters.match_letter).

    ``only_applying``: keep only open letters that bind or may bind at least one determination
    (what a memo lists); otherwise every letter, with its hits (the workbook's Letters sheet).
    """
    if not letters:
        return []
    from workbench.engine.letters import BINDS, MAY_BIND, compile_letters, match_letter
    from workbench.engine.places import describe

    out = []
    for compiled in compile_letters(letters):
        letter = compiled.letter
        hits = []
        for prod in products:
            for det in prod.determinations:
                m = match_letter(compiled, det, prod.spec, countries, metrics=prod.metrics)
                if m.result in (BINDS, MAY_BIND):
                    hits.append(LetterHit(prod.spec.part_number, det.regime, m.result, m.reason, m.brief,
                                          m.confidence, tuple(c for c in m.criteria if c.result == "met"),
                                          m.cov is not None and m.cov.listed is not None, tuple(m.missing)))
        if only_applying and not hits:
            continue
        out.append(LetterRef(letter.ref, letter.addressee, letter.status, letter.received.isoformat(),
                             letter.effective.isoformat(), letter.legal_basis, letter.summary,
                             describe(letter.destinations), letter.requirement.review_policy,
                             letter.requirement.licence_required, tuple(hits)))
    return out


def _spec(record: dict) -> ProductSpec:
    return ProductSpec(**{k: v for k, v in record.items() if v is not None})


def _db_path(conn: sqlite3.Connection) -> str:
    from workbench.store.connection import database_file

    return database_file(conn) or ""


def build_context(conn: sqlite3.Connection, library, regimes: Sequence[LoadedRegime], destination: Optional[str],
                  end_user_hq: Optional[str], on: Optional[date], company: str = "", prepared_by: str = "",
                  reviewed_by: str = "", *, clock: Clock = SYSTEM_CLOCK,
                  history: Sequence[tuple[str, str]] = (), letters_applied: bool = True) -> ReportContext:
    from workbench.engine.governance import is_enforced_on
    from workbench.services.catalog import is_demo_catalog
    from workbench.services.manifest import rules_current_to

    seq, head = audit.head(conn)
    name_en = name_zh = None
    if destination:
        try:
            country = library.countries.get(destination)
        except KeyError:
            raise ReportError(f"unknown destination '{destination}' (expected an ISO 3166-1 alpha-2 code such as CN)") from None
        name_en, name_zh = country.name_en, country.name_zh
    if end_user_hq and end_user_hq not in library.countries:
        raise ReportError(f"unknown end-user headquarters '{end_user_hq}' (expected an ISO 3166-1 alpha-2 code)")
    now = clock.now()
    generated = now.astimezone(timezone.utc) if now.tzinfo else now.replace(tzinfo=timezone.utc)
    memo_date = on or clock.today()
    modified = tuple(r.id for r in regimes if getattr(library, "is_modified", lambda _i: False)(r.id))
    return ReportContext(
        app_version=__version__, generated_utc=generated, db_path=_db_path(conn),
        audit_seq=seq, audit_head=head, regimes=tuple(regimes), countries_sha256=library.countries.sha256,
        destination=destination.upper() if destination else None, destination_name_en=name_en,
        destination_name_zh=name_zh, end_user_hq=end_user_hq.upper() if end_user_hq else None, on=on,
        company=company or "", prepared_by=prepared_by or "", reviewed_by=reviewed_by or "",
        memo_date=memo_date, enforced=tuple(r.id for r in regimes if is_enforced_on(r, memo_date)),
        history=tuple(history), demo=is_demo_catalog(conn), modified=modified, letters_applied=letters_applied,
        rules_current_to=rules_current_to(), today=clock.today(),
        rules_in_use=_rules_label(library), screening_snapshot=_screening_snapshot(conn))


def _rules_label(library) -> str:
    """Which rules the regimes came from: the built-in rules or a signed bundle (sequence, SHA-256)."""
    from workbench.services.manifest import rules_in_use

    folder = getattr(library, "folder", None)
    return rules_in_use(folder).label if folder is not None else rules_in_use().label


def _screening_snapshot(conn: sqlite3.Connection) -> Optional[tuple[date, str, int]]:
    """The Consolidated Screening List snapshot the catalog's party screening used, if any."""
    from workbench.store.screening import latest_snapshot

    try:
        snap = latest_snapshot(conn)
    except sqlite3.Error:  # a catalog from before screening (read-only, not migrated)
        return None
    return (snap.list_date, snap.file_sha256, snap.entries) if snap is not None else None


def memo_regimes(library, regimes: Optional[Sequence[str]], day: date,
                 history: bool = False) -> tuple[list[LoadedRegime], list[tuple[LoadedRegime, str]]]:
    """(the regimes a memo covers, the history for its appendix).

    Named regimes are covered as asked. By default a memo covers the regimes enforced on ``day``
    (engine.governance); with ``history`` every other regime goes to an appendix, with why it is
    not the law that day (superseded, codified but not enforced, proposed, not yet in force).
    """
    from workbench.engine.governance import enforced_on, history_kind

    if regimes:
        chosen = library.select(list(regimes))
        rest = [r for r in library.regimes if r not in chosen] if history else []
    else:
        chosen = enforced_on(library.regimes, day) or [library.regimes[-1]]
        rest = [r for r in library.regimes if r not in chosen] if history else []
    return chosen, [(r, history_kind(r, day) or "not chosen") for r in rest]


def gather_memo(conn: sqlite3.Connection, library, part_numbers: Sequence[str], regimes: Optional[Sequence[str]] = None,
                destination: Optional[str] = None, *, end_user_hq: Optional[str] = None, on: Optional[date] = None,
                company: str = "", prepared_by: str = "", reviewed_by: str = "", history: bool = False,
                with_letters: bool = True, clock: Clock = SYSTEM_CLOCK,
                progress: Optional[Progress] = None, cancel: Optional[Cancel] = None) -> MemoData:
    """Everything a memo shows, read in one read transaction (a consistent snapshot)."""
    from workbench.services.classify import Classifier

    wanted = list(dict.fromkeys(p.strip() for p in part_numbers if p and p.strip()))
    if not wanted:
        raise ReportError("no product given (expected --product PART_NUMBER, one or more)")
    chosen, past = memo_regimes(library, regimes, on or clock.today(), history)
    started = not conn.in_transaction
    if started:
        conn.execute("BEGIN")
    try:
        check_catalog(conn, integrity=False, incremental=True)
        total = count_products(conn)
        records = all_products(conn) if total <= CHART_CONTEXT_LIMIT else \
            {p: rec for p in wanted if (rec := get_product(conn, p)) is not None}
        unknown = [p for p in wanted if p not in records]
        if unknown:
            raise ReportError(f"unknown part number{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
                              "(expected part numbers of the catalog)")
        context = build_context(conn, library, chosen, destination, end_user_hq, on, company, prepared_by, reviewed_by,
                                clock=clock, history=[(r.id, kind) for r, kind in past], letters_applied=with_letters)
        provenance = _provenance(conn, records, set(wanted))
        letters = _read_letters(conn) if with_letters else []
    finally:
        if started and conn.in_transaction:
            conn.execute("COMMIT")
    classifier = Classifier(library.countries, context.destination, context.end_user_hq, on,
                            letters if with_letters else None, today=context.today)
    products, past_positions = [], []
    for i, part in enumerate(wanted):
        _check(cancel)
        spec = _spec(records[part])
        metrics = compute_metrics(spec)
        positions = classifier.positions(spec, chosen, metrics)
        products.append(ProductReport(spec, metrics, tuple(p.det for p in positions), tuple(provenance.get(part, ())),
                                      positions))
        past_positions.append(classifier.positions(spec, [r for r, _ in past], metrics) if past else ())
        if progress:
            progress("determine", i + 1, len(wanted))
    points = []
    if total <= CHART_CONTEXT_LIMIT:
        for part, rec in records.items():
            if part in wanted:
                continue
            m = compute_metrics(_spec(rec))
            points.append((part, m.tpp, m.performance_density))
    memo_id = _memo_id(context, wanted)
    refs = letter_refs(letters, products, library.countries, only_applying=True)
    return MemoData(memo_id, context, tuple(products), tuple(refs), tuple(points),
                    tuple(r for r, _ in past), tuple(past_positions))


def _memo_id(context: ReportContext, parts: Sequence[str]) -> str:
    basis = "|".join([context.generated_utc.isoformat(), context.audit_head, context.destination or "",
                      *(r.id for r in context.regimes), *parts])
    return f"CM-{context.generated_utc:%Y%m%d}-{hashlib.sha256(basis.encode()).hexdigest()[:8].upper()}"


def write_memo(conn: sqlite3.Connection, library, part_numbers: Sequence[str], regimes: Optional[Sequence[str]] = None,
               destination: Optional[str] = None, lang: str = "en", out: str | os.PathLike = "memo.pdf",
               progress: Optional[Progress] = None, cancel: Optional[Cancel] = None, *,
               end_user_hq: Optional[str] = None, on: Optional[date] = None, company: str = "",
               prepared_by: str = "", reviewed_by: str = "", history: bool = False, with_letters: bool = True,
               clock: Clock = SYSTEM_CLOCK) -> MemoResult:
    """Write a compliance memo (PDF) for ``part_numbers`` to ``out``: under ``regimes`` when named,
    else under the regimes enforced on its date (``history``: the others in an appendix)."""
    from workbench.io.memo import render_memo

    if lang not in ("en", "zh"):
        raise ReportError(f"unknown memo language '{lang}' (expected en or zh)")
    data = gather_memo(conn, library, part_numbers, regimes, destination, end_user_hq=end_user_hq, on=on,
                       company=company, prepared_by=prepared_by, reviewed_by=reviewed_by, history=history,
                       with_letters=with_letters, clock=clock, progress=progress, cancel=cancel)
    _check(cancel)
    if progress:
        progress("render", 0, 1)
    rendered = render_memo(data, lang, Path(out), cancel=cancel)
    if progress:
        progress("render", 1, 1)
    return MemoResult(Path(out), data.memo_id, rendered.font, rendered.embedded, rendered.pages)


def _deals_sheet(conn: sqlite3.Connection, library, regime_id: str):
    """The deals feature's own sheet rows (services.deals.deals_sheet), or None without deals."""
    try:
        from workbench.services.deals import DealService, deals_sheet
    except ImportError:  # the deals feature is not part of this build
        return None
    try:
        headers, rows = deals_sheet(DealService(conn, library), regime_id)
    except sqlite3.OperationalError:  # a catalog from before the deals migration
        return None
    return regime_id, tuple(headers), rows


def gather_workbook(conn: sqlite3.Connection, library, regimes: Optional[Sequence[str]] = None,
                    destination: Optional[str] = None, *, end_user_hq: Optional[str] = None, on: Optional[date] = None,
                    with_letters: bool = True, clock: Clock = SYSTEM_CLOCK,
                    progress: Optional[Progress] = None, cancel: Optional[Cancel] = None) -> WorkbookData:
    from workbench.engine.governance import latest_enforced
    from workbench.services.classify import Classifier

    chosen = library.select(list(regimes) if regimes else None)
    started = not conn.in_transaction
    if started:
        conn.execute("BEGIN")
    try:
        check_catalog(conn, integrity=True)
        records = all_products(conn)
        context = build_context(conn, library, chosen, destination, end_user_hq, on, clock=clock,
                                letters_applied=with_letters)
        provenance = _provenance(conn, records)
        letters = _read_letters(conn) if with_letters else []
    finally:
        if started and conn.in_transaction:
            conn.execute("COMMIT")
    classifier = Classifier(library.countries, context.destination, context.end_user_hq, on,
                            letters if with_letters else None, today=context.today)
    products = []
    total = len(records)
    for i, (part, rec) in enumerate(records.items(), start=1):
        if i % 200 == 0:
            _check(cancel)
            if progress:
                progress("determine", i, total)
        spec = _spec(rec)
        metrics = compute_metrics(spec)
        positions = classifier.positions(spec, chosen, metrics)
        products.append(ProductReport(spec, metrics, tuple(p.det for p in positions), tuple(provenance.get(part, ())),
                                      positions))
    refs = letter_refs(letters, products, library.countries, only_applying=False)
    governing = latest_enforced(chosen, context.memo_date) or chosen[-1]
    deals = _deals_sheet(conn, library, governing.id)
    return WorkbookData(context, records, tuple(products), tuple(refs), deals)


def export_workbook(conn: sqlite3.Connection, library, out: str | os.PathLike, regimes: Optional[Sequence[str]] = None,
                    destination: Optional[str] = None, progress: Optional[Progress] = None,
                    cancel: Optional[Cancel] = None, *, end_user_hq: Optional[str] = None,
                    on: Optional[date] = None, with_letters: bool = True, clock: Clock = SYSTEM_CLOCK) -> ExportResult:
    """Write the catalog, its determinations and their comparison as an .xlsx workbook to ``out``."""
    from workbench.io.workbook import write_workbook

    data = gather_workbook(conn, library, regimes, destination, end_user_hq=end_user_hq, on=on,
                           with_letters=with_letters, clock=clock, progress=progress, cancel=cancel)
    _check(cancel)
    if progress:
        progress("write", 0, 1)
    flagged = write_workbook(data, Path(out), cancel=cancel)
    if progress:
        progress("write", 1, 1)
    return ExportResult(Path(out), len(data.products), sum(len(p.determinations) for p in data.products), flagged)
