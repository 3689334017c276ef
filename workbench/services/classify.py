"""The one licence position: a product under a regime, for a destination, end-user HQ and date.

Every place that says whether a licence is needed (the catalog column and the product page, the
memo's summary, comparison and conclusion, the workbook's Determinations sheet, ``classify`` and
``compare``) asks this module, so the same chip never reads "no licence" in one place and
"licence required under letter REF" in another. The position is computed in layers, once:

1. the engine's determination under the regime (``engine.determine``);
2. the catalog's open is-informed letters laid over it (``engine.letters.apply_letters``);
3. party screening: the hook :data:`ScreeningHook` -- a callable given the finished position
   that returns a screening result (or None) to attach. Nothing fills it yet; the screening
   service will, and a position carrying a blocking screening result must then read
   "licence required" (or "refused") in every place above without any of them changing.

The result is a :class:`LicencePosition`, a plain value the UI, the CLI and io render.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from workbench.engine.determine import INDETERMINATE_CLASS, Determination, determine
from workbench.engine.loader import LoadedRegime
from workbench.engine.metrics import Metrics, compute_metrics
from workbench.engine.spec import ProductSpec

# Where a party-screening result joins the licence position (see the module docstring).
ScreeningHook = Callable[["LicencePosition"], Optional[object]]


@dataclass(frozen=True)
class LicencePosition:
    """A determination with the layers that change its licence position (letters, later screening)."""

    det: Determination
    overlay: Optional[object] = None  # engine.letters.LetterOverlay, when letters were applied
    letters_applied: bool = False  # False: the company's letters were left out (say so wherever shown)
    screening: Optional[object] = None  # the screening hook's result, when one was given

    @property
    def part_number(self) -> str:
        return self.det.part_number

    @property
    def regime(self) -> str:
        return self.det.regime

    @property
    def license_required(self) -> Optional[bool]:
        return self.overlay.license_required if self.overlay is not None else self.det.license_required

    @property
    def review_policy(self) -> Optional[str]:
        return self.overlay.review_policy if self.overlay is not None else self.det.review_policy

    @property
    def confidence(self) -> str:
        return self.overlay.confidence if self.overlay is not None else self.det.confidence

    @property
    def binding(self) -> tuple[str, ...]:
        """References of the open letters that bind this product here."""
        return tuple(m.ref for m in self.overlay.binding) if self.overlay is not None else ()

    @property
    def maybe(self) -> tuple[str, ...]:
        """References of letters that may bind (a figure they test is missing)."""
        return tuple(m.ref for m in self.overlay.maybe) if self.overlay is not None else ()

    @property
    def license_reasons(self) -> tuple[str, ...]:
        return self.overlay.license_reasons if self.overlay is not None else self.det.license_reasons

    @property
    def explanation(self) -> str:
        """The English sentence (other languages render from the structured fields: workbench.wording)."""
        return self.overlay.explanation if self.overlay is not None else self.det.explanation

    @property
    def evaluated(self) -> bool:
        """A licence position is only assessed for a destination or an end-user headquarters."""
        return bool(self.det.destination or self.det.end_user_hq)

    @property
    def indeterminate(self) -> bool:
        return self.det.classification == INDETERMINATE_CLASS or (self.evaluated and self.license_required is None)

    def to_json(self) -> dict:
        """The determination's JSON with the licence position of every layer; the regime-only
        position stays under ``regime_only`` (nothing hidden)."""
        from workbench.wording import licence_text

        base = self.det.to_json()
        data = self.overlay.apply_to(base) if self.overlay is not None else dict(base)
        data["letters_applied"] = self.letters_applied
        data["licence"] = licence_text(self, "en")
        data["letters_binding"] = list(self.binding)
        data["letters_may_bind"] = list(self.maybe)
        if self.screening is not None:
            data["screening"] = getattr(self.screening, "to_json", lambda: str(self.screening))()
        return data


def catalog_letters(conn: sqlite3.Connection) -> list:
    """Every letter recorded in the catalog ([] for a catalog from before the letters feature)."""
    from workbench.store.letters import all_letters

    try:
        return all_letters(conn)
    except sqlite3.OperationalError:  # a catalog from before the letters migration
        return []


class Classifier:
    """Licence positions for one destination, end-user HQ and date, with one set of letters.

    ``letters=None`` leaves letters out (``letters_applied`` False); a list (even empty) applies
    them. The letters are compiled once; metrics are computed once per product.
    """

    def __init__(self, countries, destination: Optional[str] = None, end_user_hq: Optional[str] = None,
                 on: Optional[date] = None, letters: Optional[Sequence] = None,
                 screening: Optional[ScreeningHook] = None, *, today: Optional[date] = None):
        self.countries, self.destination, self.end_user_hq, self.on = countries, destination, end_user_hq, on
        self.today = today  # the caller's clock: each regime is read on it (clamped) unless ``on``
        self.letters_applied = letters is not None
        self._compiled = None
        if letters:
            from workbench.engine.letters import compile_letters

            self._compiled = compile_letters(letters)
        self.screening = screening

    def layer(self, det: Determination, spec: ProductSpec, metrics: Optional[Metrics] = None) -> LicencePosition:
        """The position of an existing determination (letters, then screening)."""
        overlay = None
        if self._compiled:
            from workbench.engine.letters import apply_letters

            overlay = apply_letters(det, spec, self._compiled, self.countries, metrics=metrics)
        pos = LicencePosition(det, overlay, self.letters_applied)
        if self.screening is not None:
            pos = replace(pos, screening=self.screening(pos))
        return pos

    def position(self, spec: ProductSpec, regime: LoadedRegime, metrics: Optional[Metrics] = None) -> LicencePosition:
        m = metrics or compute_metrics(spec)
        det = determine(spec, regime, self.countries, self.destination, self.end_user_hq, self.on, metrics=m,
                        today=self.today)
        return self.layer(det, spec, m)

    def positions(self, spec: ProductSpec, regimes: Sequence[LoadedRegime],
                  metrics: Optional[Metrics] = None) -> tuple[LicencePosition, ...]:
        m = metrics or compute_metrics(spec)
        return tuple(self.position(spec, r, m) for r in regimes)

    def each(self, specs: Iterable[ProductSpec], regimes: Sequence[LoadedRegime]) -> list[LicencePosition]:
        """Every product under every regime, product-major (as ``classify`` prints them)."""
        return [p for s in specs for p in self.positions(s, regimes)]


def classifier_for(conn: Optional[sqlite3.Connection], countries, destination: Optional[str] = None,
                   end_user_hq: Optional[str] = None, on: Optional[date] = None, *, with_letters: bool = True,
                   letters: Optional[Sequence] = None, screening: Optional[ScreeningHook] = None,
                   today: Optional[date] = None) -> Classifier:
    """A Classifier with the catalog's letters (unless ``with_letters`` is False); ``letters``
    given explicitly replace the catalog's. ``screening``: the party-screening hook (see above)."""
    chosen = None
    if with_letters:
        chosen = list(letters) if letters is not None else (catalog_letters(conn) if conn is not None else [])
    return Classifier(countries, destination, end_user_hq, on, chosen, screening, today=today)


def letters_in_catalog(db) -> list:
    """The letters recorded in the catalog database at ``db`` (opened read for this and closed)."""
    from workbench.services.catalog import open_existing_catalog

    conn = open_existing_catalog(db)  # a missing or unusable catalog is refused; nothing is created
    try:
        return catalog_letters(conn)
    finally:
        conn.close()


def iter_catalog_specs(conn: sqlite3.Connection):
    """Every product's spec in part-number order, streamed from the store (a catalog of 100,000
    rows is classified without holding every spec at once)."""
    from workbench.store.products import iter_specs

    return iter_specs(conn)


def classify_catalog(conn: sqlite3.Connection, regime: LoadedRegime, countries, destination: Optional[str] = None,
                     *, with_letters: bool = True, each: Callable[[LicencePosition], None],
                     cancelled: Callable[[], bool] = lambda: False, every: int = 500,
                     tick: Optional[Callable[[int], None]] = None, today: Optional[date] = None) -> bool:
    """The licence position of every catalog product under ``regime`` for ``destination``, passed
    to ``each`` in part-number order (letters applied, as everywhere else). Returns False when
    ``cancelled()`` said stop (checked every ``every`` products, when ``tick(done)`` is called)."""
    classifier = classifier_for(conn, countries, destination, with_letters=with_letters, today=today)
    done = 0
    for done, spec in enumerate(iter_catalog_specs(conn), start=1):
        each(classifier.position(spec, regime))
        if done % every == 0:
            if cancelled():
                return False
            if tick is not None:
                tick(done)
    return True


def letters_from_file(path: Path) -> list:
    """The letters a file names: those recorded in it when it is a catalog database (told by the
    SQLite header), else those of a letters JSON file (LetterInputError naming what is wrong)."""
    with open(path, "rb") as fh:
        magic = fh.read(16)
    if magic == b"SQLite format 3\x00":
        return letters_in_catalog(path)
    from workbench.services.letter_files import load_letter_file

    return load_letter_file(path)
