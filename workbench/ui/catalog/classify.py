"""Classifying the whole catalog under one regime (a background job) and the per-regime cache.

Qt-free. A :class:`Classified` keeps only what lists, the map and comparisons show (parallel
lists aligned with the :class:`CatalogSnapshot`), not 100,000 full determinations; the product
view recomputes the full trace for the one product it shows.

The engine is imported by the functions that use it, not with this module: the catalog table
(which holds a :class:`Classified`) is painted before the engine is imported (issue 4).
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import date
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Optional

from workbench.ui.catalog.catalog_data import CatalogSnapshot

if TYPE_CHECKING:
    from workbench.engine import CountryTable, LoadedRegime

def regime_label(loaded: LoadedRegime) -> str:
    """How a regime is named everywhere in the UI; drafts always carry DRAFT.

    Issue 7: a bundled regime whose ruleset files differ from rulesets/MANIFEST.json carries
    "(modified)" (RegimeLibrary.modified); drafts are the user's own copies and stay DRAFT only.
    """
    if loaded.draft:
        return f"DRAFT {loaded.id}"
    from workbench.services.regimes import bundled_library

    return f"{loaded.id} (modified)" if bundled_library().is_modified(loaded.id) else loaded.id


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
                     today: Optional[date] = None) -> Optional[Classified]:
    """The one licence position of every snapshot product (services.classify: the engine, then the
    catalog's open letters); None when cancelled. Rows added since the snapshot was taken are
    skipped (a new snapshot comes with the catalog's changed event)."""
    from workbench.services.classify import classify_catalog as positions
    from workbench.wording import position_text

    n = len(snapshot)
    out = Classified(regime, destination, ["?"] * n, ["?"] * n, [None] * n, [None] * n, [None] * n, [None] * n,
                     [""] * n, [None] * n)
    index = snapshot.index
    intern: dict[str, str] = {}

    def each(pos) -> None:
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
        out.licence[i] = _Licence(pos.license_required, pos.binding, pos.maybe, det.destination, det.end_user_hq) \
            if (pos.binding or pos.maybe or destination) else None

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
