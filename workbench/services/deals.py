"""Deals and ledgers as officers use them: determine a deal under each regime, check it against
every limit before it is saved, save/edit/cancel it (audited), and read the ledgers.

Qt-free; the CLI and the deals widgets share it. The service keeps one :class:`LedgerBook` per
regime in memory and updates it one deal at a time on every save, edit and cancel, so a check
does not re-determine every deal; ``LedgerBook.from_scratch`` over the stored deals must always
give the same totals (tests/test_ledgers_state_machine.py). Listeners registered with
``on_change``, and the app's change publisher (``changes``, the desktop app's screens listen there),
are told of every committed write.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence, TypeVar

from workbench.engine.deals import Deal, DealDetermination, determine_deal, letters_overlay
from workbench.engine.ledgers import (Ledger, LedgerBook, LedgerContext, LedgerLimits, LedgerSettings, LimitFlag,
                                      NacClock, check_deal, contributions, deal_fees, ledgers, nac_clocks, parse_limits)
from workbench.engine.governance import CHECKED_STATUSES, checked_on, in_force, latest_enforced  # noqa: F401
from workbench.engine.loader import LoadedRegime
from workbench.engine.spec import ProductSpec
from workbench.errors import OverLimitError
from workbench.paths import resources_dir
from workbench.services.regimes import RegimeLibrary
from workbench.store import deals as store
from workbench.store.connection import connect, database_file, write_transaction
from workbench.store.deals import DealStoreError  # noqa: F401  (named by callers: a refused deal is bad input)
from workbench.store.products import load_specs

T = TypeVar("T")

LIMITS_FILE = "ledger_limits.yaml"


@lru_cache(maxsize=4)
def load_limits(path: Optional[Path] = None) -> LedgerLimits:
    path = path or resources_dir() / LIMITS_FILE
    return parse_limits(path.read_bytes(), path.name)


class OverLimit(OverLimitError):
    """Saving would exceed a limit; ``flags`` say which, with the room left. Nothing was saved."""

    def __init__(self, deal: Deal, flags: Sequence[LimitFlag]):
        self.deal, self.flags = deal, list(flags)
        super().__init__(f"deal {deal.reference}: " + "; ".join(str(f) for f in flags))




@dataclass(frozen=True)
class BuiltBook:
    """A ledger book built on a worker thread, with the inputs fingerprint and evaluations it used."""

    regime_id: str
    inputs: Optional[tuple]
    book: LedgerBook
    evals: dict
    specs: Optional[dict]


@dataclass
class Evaluations:
    """Deal determinations made on a worker thread, with the inputs fingerprint they used."""

    inputs: Optional[tuple]
    evals: dict
    specs: Optional[dict]


@dataclass(frozen=True)
class DealRow:
    """One deal as the list shows it under a regime."""

    deal: Deal
    evaluation: DealDetermination


class DealService:
    def __init__(self, conn: sqlite3.Connection, library: RegimeLibrary, limits: Optional[LedgerLimits] = None,
                 db_label: object = "database", use_letters: bool = True, changes=None):
        self.conn, self.library, self.db_label = conn, library, db_label
        self.changes = changes  # a workbench.services.changes.ChangePublisher told of every write, or None
        self.limits = limits or load_limits()
        self.use_letters = use_letters
        self._specs: Optional[dict[str, ProductSpec]] = None
        self._books: dict[str, LedgerBook] = {}
        # (regime, deal id) -> (deal, evaluation): a list refresh re-determines only changed deals.
        self._evals: dict[tuple[str, int], tuple[Deal, DealDetermination]] = {}
        self._listeners: list[Callable[[], None]] = []
        self._inputs: Optional[tuple] = None
        self._overlay_fn = None
        self._parties_fn = None
        self.held: dict = {}  # deal id -> open screening matches of the last save (see _screen)
        self.writes = 0  # committed writes through this service (a book built elsewhere meanwhile is stale)

    # --- reading ----------------------------------------------------------------------------------
    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def off_change(self, listener: Callable[[], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _changed(self) -> None:
        self.writes += 1
        for listener in list(self._listeners):
            listener()
        if self.changes is not None:
            self.changes.publish("deals")

    def specs(self) -> dict[str, ProductSpec]:
        if self._specs is None:
            self._specs = {s.part_number: s for s in load_specs(self.conn)}
        return self._specs

    def refresh(self) -> None:
        """Forget cached specs, letters, evaluations and books (they are rebuilt on next use)."""
        self._specs = None
        self._overlay_fn = None
        self._parties_fn = None
        self._books.clear()
        self._evals.clear()

    def _fingerprint(self) -> tuple:
        """What determinations depend on besides the deal: the catalog and the letters."""
        products = self.conn.execute("SELECT count(*), max(updated_utc) FROM products").fetchone()
        try:
            letters = self.conn.execute("SELECT group_concat(ref || ':' || revision || ':' || status, '|') "
                                        "FROM letters").fetchone()[0] if self.use_letters else None
        except sqlite3.OperationalError:  # no letters table in this database
            letters = None
        try:
            from workbench.store.screening import fingerprint as screening_fingerprint

            screening = tuple(screening_fingerprint(self.conn))
        except sqlite3.OperationalError:  # no screening tables in this database
            screening = None
        return tuple(products), letters, screening

    def _sync(self) -> None:
        """Drop the caches when the catalog or a letter changed since they were built (cheap query)."""
        fp = self._fingerprint()
        if fp != self._inputs:
            self.refresh()
            self._inputs = fp
            self._overlay_fn = self._load_overlay()
            self._parties_fn = self._load_parties()

    def deals(self) -> list[Deal]:
        return store.all_deals(self.conn)

    def get(self, deal_id: int) -> Optional[Deal]:
        return store.get_deal(self.conn, deal_id)

    def settings(self) -> LedgerSettings:
        return LedgerSettings(store.us_shipments(self.conn), store.g2g_countries(self.conn))

    def context(self, regime_id: str) -> LedgerContext:
        return LedgerContext(self.library.get(regime_id), self.library.countries, self.limits, self.settings(), self.specs())

    def _load_overlay(self):
        if not self.use_letters:
            return None
        try:
            from workbench.store.letters import all_letters
        except ImportError:
            return None
        try:
            letters = all_letters(self.conn)
        except sqlite3.OperationalError:  # letters tables not in this database
            return None
        return letters_overlay(letters, self.specs(), self.library.countries)

    def _load_parties(self):
        """Confirmed screening matches (and owners caught by the Affiliates rule) join each deal's
        licence position: the one answer a deal shows, whatever the items."""
        from workbench.services.screening import ScreeningService

        service = ScreeningService(self.conn)
        try:
            confirmed = service.confirmed()
        except sqlite3.OperationalError:  # no screening tables in this database
            return None
        if not confirmed:
            return None
        return lambda deal: service.licence_position(deal, confirmed)

    def evaluate(self, deal: Deal, regime_id: str) -> DealDetermination:
        """The deal under ``regime_id`` (cached per saved deal until it, the catalog or a letter changes)."""
        self._sync()
        return self._evaluate(deal, regime_id)

    def _evaluate(self, deal: Deal, regime_id: str) -> DealDetermination:
        if deal.id is not None:
            hit = self._evals.get((regime_id, deal.id))
            if hit is not None and hit[0] == deal:
                return hit[1]
        result = determine_deal(deal, self.specs(), self.library.get(regime_id), self.library.countries,
                                self._overlay_fn)
        listed = self._parties_fn(deal) if self._parties_fn is not None else ()
        if listed:
            result = replace(result, parties=tuple(listed))
        if deal.id is not None:
            self._evals[(regime_id, deal.id)] = (deal, result)
        return result

    def evaluate_all(self, regime_id: str, deals: Optional[Iterable[Deal]] = None) -> list[DealRow]:
        self._sync()
        return [DealRow(d, self._evaluate(d, regime_id)) for d in (self.deals() if deals is None else deals)]

    def evaluate_pairs(self, pairs: Iterable[tuple[Deal, str]]) -> list[DealRow]:
        """Each (deal, regime) as a list row, checking the catalog and letters once for all of them."""
        self._sync()
        return [DealRow(deal, self._evaluate(deal, rid)) for deal, rid in pairs]

    @property
    def works_on_workers(self) -> bool:
        """True when the catalog is a file a worker can open (on_own_connection); an in-memory
        catalog is worked on the caller's thread."""
        return database_file(self.conn) is not None

    def on_own_connection(self, compute: Callable[["DealService"], T]) -> Callable[..., T]:
        """A job for a worker thread: ``compute`` on a service like this one (same regimes, limits
        and letters setting) over the worker's own connection to the same file (a connection
        belongs to its thread). The result goes back through built_book/adopt_book or
        evaluations/adopt_evaluations, which refuse it if anything changed meanwhile."""
        path = database_file(self.conn)
        if path is None:
            raise ValueError("an in-memory catalog cannot be opened by a worker")
        library, limits, letters = self.library, self.limits, self.use_letters

        def job(ctx=None) -> T:
            conn = connect(path)
            try:
                return compute(DealService(conn, library, limits, use_letters=letters))
            finally:
                conn.close()
        return job

    def missing(self, pairs: Iterable[tuple[Deal, str]]) -> int:
        """How many (deal, regime) pairs are not determined yet (what a list refresh would compute)."""
        self._sync()
        return sum(1 for d, rid in pairs if d.id is None or (hit := self._evals.get((rid, d.id))) is None or hit[0] != d)

    def evaluations(self, pairs: Iterable[tuple[Deal, str]]) -> Evaluations:
        """Determine the pairs and hand them over; meant for a service on a worker's own connection."""
        self._sync()
        for deal, rid in pairs:
            self._evaluate(deal, rid)
        return Evaluations(self._inputs, dict(self._evals), self._specs)

    def adopt_evaluations(self, made: Evaluations, writes_before: int) -> bool:
        """Take determinations made by :meth:`evaluations` over the same database; refused (False)
        when this service wrote since ``writes_before`` or the catalog or a letter changed since."""
        if writes_before != self.writes:
            return False
        self._sync()
        if made.inputs != self._inputs:
            return False
        if self._specs is None:
            self._specs = made.specs
        self._evals.update(made.evals)
        return True

    def book(self, regime_id: str) -> LedgerBook:
        self._sync()
        if regime_id not in self._books:
            ctx = self.context(regime_id)
            self._books[regime_id] = LedgerBook.from_scratch((r.evaluation for r in self.evaluate_all(regime_id)), ctx)
        return self._books[regime_id]

    def has_book(self, regime_id: str) -> bool:
        """Whether the ledger book of ``regime_id`` is built and current, so reading ledgers is cheap."""
        self._sync()
        return regime_id in self._books

    def built_book(self, regime_id: str) -> "BuiltBook":
        """Build the book of ``regime_id`` (the slow first build: every deal determined) and hand it
        over with what it was built from; meant for a service on a worker thread's own connection."""
        book = self.book(regime_id)
        evals = {k: v for k, v in self._evals.items() if k[0] == regime_id}
        return BuiltBook(regime_id, self._inputs, book, evals, self._specs)

    def adopt_book(self, built: "BuiltBook", writes_before: int) -> bool:
        """Take a book built by :meth:`built_book` over the same database. Refused (False) when this
        service wrote since ``writes_before`` or the catalog or a letter changed since it was built."""
        if not self.adopt_evaluations(Evaluations(built.inputs, built.evals, built.specs), writes_before):
            return False
        self._books[built.regime_id] = built.book
        return True

    def ledgers(self, regime_id: str, year: Optional[int] = None) -> list[Ledger]:
        return ledgers(self.book(regime_id), self.context(regime_id), year)

    def nac_clocks(self, regime_id: str) -> list[NacClock]:
        ctx = self.context(regime_id)
        cfg = self.limits.nac_notification
        ids = set(cfg.exception_ids) | set(cfg.no_notice_exception_ids) | {
            e.id for e in ctx.regime.regime.licence_exceptions if e.notification_days}
        wanted = [d for d in self.deals() if d.authorization in ids]
        return nac_clocks((r.evaluation for r in self.evaluate_all(regime_id, wanted)), ctx)

    def fees(self, deal: Deal, regime_id: str) -> dict[str, Decimal]:
        """Revenue share and tariff exposure of this deal (dates decide; the regime only picks the lines' TPP)."""
        return deal_fees(self.evaluate(deal, regime_id), self.context(regime_id))

    def checked_regimes(self, deal: Deal) -> list[str]:
        return [r.id for r in checked_on(self.library.regimes, deal.deal_date)]

    def enforced_on(self, day: date) -> Optional[str]:
        """The enforced regime in force on ``day`` that took effect last (None before 2022-10-21)."""
        found = latest_enforced(self.library.regimes, day, "exporters")
        return found.id if found is not None else None

    def check(self, deal: Deal, regime_ids: Optional[Sequence[str]] = None) -> list[LimitFlag]:
        """Every limit ``deal`` would exceed (as if saved with a counted status), per regime."""
        flags: list[LimitFlag] = []
        for rid in (regime_ids if regime_ids is not None else self.checked_regimes(deal)):
            book = self.book(rid)
            flags.extend(check_deal(self._evaluate(deal, rid), book, self.context(rid)))
        return flags

    # --- writing ----------------------------------------------------------------------------------
    def _after_write(self, deal: Deal) -> None:
        """Update every built book with this deal's new contributions (none if not counted)."""
        for rid, book in self._books.items():
            if deal.counted:
                book.put(deal.id, contributions(self._evaluate(deal, rid), self.context(rid)))
            else:
                book.remove(deal.id)

    def save(self, deal: Deal, *, allow_over_limit: bool = False, actor: Optional[str] = None,
             origin: Optional[dict] = None) -> tuple[Deal, list[LimitFlag]]:
        """Insert (no id) or update (id) a deal. A counted deal that exceeds a limit raises
        :class:`OverLimit` unless ``allow_over_limit``; drafts are saved with their flags."""
        flags = self.check(deal) if deal.status != "cancelled" else []
        if flags and deal.counted and not allow_over_limit:
            raise OverLimit(deal, flags)
        with write_transaction(self.conn, self.db_label):
            saved = (store.insert_deal(self.conn, deal, actor=actor, origin=origin) if deal.id is None
                     else store.update_deal(self.conn, deal, actor=actor))
        self._after_write(saved)
        self._screen([saved], actor)
        self._changed()
        return saved, flags

    # --- party screening on save (workbench.services.screening) -----------------------------------
    def _screen(self, saved: Sequence[Deal], actor: Optional[str]) -> None:
        """Screen each saved deal's parties against the loaded list; ``self.held`` maps a deal id to
        its open possible matches (a deal listed there is held for review). No list loaded: nothing."""
        from workbench.services.screening import screen_saved_deals

        self.held = screen_saved_deals(self.conn, saved, actor=actor, db_label=self.db_label)
    # --- end of party screening ------------------------------------------------------------------

    def save_many(self, deals: Sequence[Deal], *, allow_over_limit: bool = False, actor: Optional[str] = None,
                  origin: Optional[dict] = None) -> tuple[list[Deal], list[LimitFlag]]:
        """All-or-nothing: every deal is checked against the ledgers including the ones before it
        in ``deals``; one transaction writes them all."""
        flags: list[LimitFlag] = []
        saved: list[Deal] = []
        try:
            with write_transaction(self.conn, self.db_label):
                for deal in deals:
                    deal_flags = self.check(deal)
                    if deal_flags and deal.counted and not allow_over_limit:
                        raise OverLimit(deal, deal_flags)
                    flags.extend(deal_flags)
                    s = store.insert_deal(self.conn, deal, actor=actor, origin=origin)
                    saved.append(s)
                    self._after_write(s)  # later deals of the file are checked against earlier ones
        except BaseException:
            self._books.clear()  # the books saw deals that were rolled back: rebuild on next use
            raise
        self._screen(saved, actor)
        self._changed()
        return saved, flags

    def cancel(self, deal_id: int, *, actor: Optional[str] = None) -> Deal:
        deal = self.get(deal_id)
        if deal is None:
            raise store.DealStoreError(f"no deal with id {deal_id}")
        cancelled = deal.model_copy(update={"status": "cancelled"})
        with write_transaction(self.conn, self.db_label):
            store.update_deal(self.conn, cancelled, actor=actor, action="deal.cancel")
        self._after_write(cancelled)
        self._changed()
        return cancelled

    def set_us_shipments(self, part_number: str, units: Optional[int], source: str = "") -> None:
        with write_transaction(self.conn, self.db_label):
            store.set_us_shipments(self.conn, part_number, units, source)
        self._changed()

    def set_g2g(self, country: str, agreement: bool, note: str = "") -> None:
        with write_transaction(self.conn, self.db_label):
            store.set_g2g(self.conn, country, agreement, note)
        self._changed()


# --- the Deals sheet for the workbook export (workbench/io/workbook.py) ----------------------------

DEALS_SHEET_HEADERS: tuple[str, ...] = (
    "deal_ref", "deal_date", "exporter", "consignee_name", "consignee_country", "consignee_hq", "consignee_parent_hq",
    "end_user_name", "end_user_country", "end_user_hq", "end_user_parent_hq", "destination", "end_use",
    "authorization", "notified_on", "exports_from_us", "status", "part_number", "quantity", "unit_value_usd", "notes",
    # computed under the chosen regime (ignored by the deals import):
    "regime", "classification", "line_tpp_total", "license_required", "review_policy", "eligible_exceptions",
    "confidence", "ruleset_sha256",
)


def deals_sheet(service: DealService, regime_id: str) -> tuple[tuple[str, ...], list[list[object]]]:
    """Headers and rows (one per deal line) for a "Deals" sheet: the import columns, so the sheet
    can be read back by ``workbench deals add``, then the line's determination under ``regime_id``.
    Values are plain Python (str, int, date, bool, None); money and TPP as decimal text, exactly."""
    rows: list[list[object]] = []
    for row in service.evaluate_all(regime_id):
        d = row.deal
        for res in row.evaluation.lines:
            det = res.determination
            rows.append([
                d.reference, d.deal_date, d.exporter, d.consignee.name, d.consignee.country, d.consignee.hq_country,
                d.consignee.parent_hq_country, d.end_user.name, d.end_user.country, d.end_user.hq_country,
                d.end_user.parent_hq_country, d.destination, d.end_use, d.authorization, d.notified_on,
                "yes" if d.exports_from_us else "no", d.status, res.line.part_number, res.line.quantity,
                str(res.line.unit_value_usd), d.notes, regime_id,
                det.paragraph or det.classification if det else None,
                None if res.tpp_total is None else str(res.tpp_total),
                None if det is None else {True: "yes", False: "no", None: "unknown"}[det.license_required],
                det.review_policy if det else None,
                ", ".join(e.id for e in det.license_exceptions) if det else None,
                det.confidence if det else None, det.ruleset_sha256 if det else None,
            ])
    return DEALS_SHEET_HEADERS, rows
