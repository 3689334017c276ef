"""Classifying the whole catalog under one regime (a background job) and the per-regime cache.

Qt-free. A :class:`Classified` keeps only what lists, the map and comparisons show (parallel
lists aligned with the :class:`CatalogSnapshot`), not 100,000 full determinations; the product
view recomputes the full trace for the one product it shows.

The engine is imported by the functions that use it, not with this module: the catalog table
(which holds a :class:`Classified`) is painted before the engine is imported, so the window is usable
while pydantic and the rulesets load. Before it is, :func:`early_classified` can fill the selected
regime's column from the compiled regime the last full classification kept in the user's cache
(services.column_cache); it is the same column, and the full classification still follows once the
engine is loaded.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from datetime import date
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Optional

from workbench.services.catalog_snapshot import CatalogSnapshot

if TYPE_CHECKING:
    from workbench.engine import CountryTable, LoadedRegime

log = logging.getLogger("workbench.ui.classify")

def regime_label(loaded: LoadedRegime) -> str:
    """How a regime is named everywhere in the UI; drafts always carry DRAFT.

    A bundled regime whose ruleset files differ from rulesets/MANIFEST.json carries "(modified)"
    (RegimeLibrary.modified), so no one takes an edited file for the published rules; drafts are
    the user's own copies and stay DRAFT only.
    """
    if loaded.draft:
        return f"DRAFT {loaded.id}"
    return f"{loaded.id} (modified)" if loaded.modified else loaded.id


@dataclass
class Classified:
    regime: LoadedRegime
    destination: Optional[str]
    classification: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)  # paragraph, or classification when none
    margin_pct: list[Optional[float]] = field(default_factory=list)  # nearest numeric criterion
    nearest: list[Optional[object]] = field(default_factory=list)  # the nearest criterion (data), worded by the view
    tpp: list[Optional[float]] = field(default_factory=list)
    pd: list[Optional[float]] = field(default_factory=list)
    position: list[str] = field(default_factory=list)  # classification / licence, letters applied (English key)
    licence: list[Optional[object]] = field(default_factory=list)  # the one licence position, worded by the view

    def __len__(self) -> int:
        return len(self.classification)

    @property
    def classes(self) -> list[str]:
        return sorted(set(self.shown))


def classify_catalog(conn: sqlite3.Connection, snapshot: CatalogSnapshot, regime: LoadedRegime,
                     countries: CountryTable, destination: Optional[str] = None,
                     progress: Optional[Callable[[int, int], None]] = None,
                     cancelled: Callable[[], bool] = lambda: False, *,
                     today: Optional[date] = None, keep: Optional[tuple] = None,
                     breathe: Optional[Callable[[], None]] = None) -> Optional[Classified]:
    """The one licence position of every snapshot product (services.classify: the engine, then the
    catalog's open letters); None when cancelled. Rows added since the snapshot was taken are
    skipped (a new snapshot comes with the catalog's changed event). ``keep`` = (library,
    cache dir): also keep the compiled column for the next start (:func:`remember_column`), read
    from the same state of the catalog as the classification. ``breathe``: called after each
    product; a background job passes one that now and then pauses so the UI thread gets the GIL
    (the desktop app's JobContext.breathe)."""
    from workbench.services.column_cache import consistent_reads

    with consistent_reads(conn):
        out = _classify(conn, snapshot, regime, countries, destination, progress, cancelled, today, breathe)
        if out is not None and keep is not None and today is not None:
            try:
                remember_column(conn, out, snapshot, keep[0], keep[1], today)
            except Exception:  # the cache is an optimisation: never a reason to lose the result
                log.warning("could not keep the compiled column", exc_info=True)
    return out


def _classify(conn, snapshot, regime, countries, destination, progress, cancelled, today,
              breathe=None) -> Optional[Classified]:
    from workbench.services.classify import classify_catalog as positions
    from workbench.wording import position_text

    n = len(snapshot)
    out = Classified(regime, destination, ["?"] * n, ["?"] * n, [None] * n, [None] * n, [None] * n, [None] * n,
                     [""] * n, [None] * n)
    index = snapshot.index
    intern: dict = {}

    def each(pos) -> None:
        if breathe is not None:
            breathe()
        i = index.get(pos.part_number)
        if i is None:
            return
        det = pos.det
        out.classification[i] = intern.setdefault(det.classification, det.classification)
        shown = det.paragraph or det.classification
        out.shown[i] = intern.setdefault(shown, shown)
        text = position_text(pos)
        out.position[i] = intern.setdefault(text, text)
        out.tpp[i], out.pd[i] = det.tpp, det.performance_density
        out.nearest[i] = det.nearest
        out.margin_pct[i] = det.nearest.margin_pct if det.nearest is not None else None
        if pos.binding or pos.maybe or destination:
            # one shared object per distinct position (a few), not one per product: fewer objects
            # for the cyclic collector to walk on each full collection of a large catalog
            key = (pos.license_required, pos.binding, pos.maybe, det.destination, det.end_user_hq)
            out.licence[i] = intern.setdefault(key, _Licence(*key))
        else:
            out.licence[i] = None

    finished = positions(conn, regime, countries, destination, each=each, cancelled=cancelled,
                         tick=(lambda d: progress(d, n)) if progress else None, today=today)
    if not finished:
        return None
    if progress:
        progress(n, n)
    return out


@dataclass(frozen=True)
class _Licence:
    """What a catalog row keeps of a licence position (wording.licence_text reads these fields)."""

    license_required: Optional[bool]
    binding: tuple[str, ...]
    maybe: tuple[str, ...]
    destination: Optional[str]
    end_user_hq: Optional[str]


class ClassificationCache:
    """Results per (regime id, ruleset SHA-256, destination); thread-safe; dropped when the catalog changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple, Classified] = {}

    @staticmethod
    def key(regime: LoadedRegime, destination: Optional[str]) -> tuple:
        return (regime.id, regime.sha256, regime.draft, destination)

    def get(self, regime: LoadedRegime, destination: Optional[str]) -> Optional[Classified]:
        with self._lock:
            return self._items.get(self.key(regime, destination))

    def put(self, result: Classified) -> None:
        with self._lock:
            self._items[self.key(result.regime, result.destination)] = result

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass(frozen=True)
class RegimeNamed:
    """Stands in for the selected regime in a column filled from the compiled cache, before the
    engine is loaded: the regime's id and the SHA-256 of the ruleset file it was compiled from."""

    id: str
    sha256: str
    draft: bool = False
    modified: bool = False  # as LoadedRegime.modified: its files differ from the MANIFEST


def early_classified(conn: sqlite3.Connection, snapshot: CatalogSnapshot, library, cache_dir, regime_id: str,
                     destination: Optional[str], today: date) -> Optional[Classified]:
    """The column from the compiled regime in the user's cache (services.column_cache), before the
    engine is imported; None when there is no usable one for exactly these products, this regime,
    destination, day and letters (the engine then classifies as usual)."""
    from workbench.services.column_cache import early_column

    early = early_column(conn, library, cache_dir, regime_id, destination, today)
    if early is None or early.parts != snapshot.parts:
        return None
    out = Classified(RegimeNamed(regime_id, early.ruleset_sha256, modified=library.is_modified(regime_id)),
                     destination)
    intern: dict = {}
    for row in early.rows:
        a = row.answer
        out.classification.append(intern.setdefault(a.classification, a.classification))
        out.shown.append(intern.setdefault(a.shown, a.shown))
        out.position.append(intern.setdefault(a.position, a.position))
        out.licence.append(None if a.licence is None else
                           intern.setdefault(a.licence, _Licence(*a.licence, destination, None)))
        out.nearest.append(row.nearest)
        out.margin_pct.append(row.nearest.margin_pct if row.nearest is not None else None)
        out.tpp.append(row.tpp)
        out.pd.append(row.pd)
    return out


def remember_column(conn: sqlite3.Connection, result: Classified, snapshot: CatalogSnapshot, library, cache_dir,
                    today: date) -> bool:
    """Keep the compiled regime with this full-path column for the next start (services.column_cache)."""
    from workbench.services.column_cache import MAX_PRODUCTS, remember

    if len(snapshot) > MAX_PRODUCTS or result.regime.draft:
        return False
    index = snapshot.index

    def full_row(part: str):
        i = index.get(part)
        if i is None or i >= len(result):
            return None
        lic = result.licence[i]
        return (result.classification[i], result.shown[i], result.position[i],
                None if lic is None else (lic.license_required, lic.binding, lic.maybe),
                result.nearest[i], result.tpp[i], result.pd[i])

    return remember(conn, library, cache_dir, result.regime, library.countries, result.destination, today, full_row)
