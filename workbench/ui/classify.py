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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Optional

from workbench.ui.catalog_data import CatalogSnapshot, iter_specs

if TYPE_CHECKING:
    from workbench.engine import CountryTable, LoadedRegime

_METRIC_SHORT = {"tpp": "TPP", "performance_density": "PD", "memory_bandwidth_gbs": "DRAM BW",
                 "interconnect_bandwidth_gbs": "interconnect", "hbm_bandwidth_density_gbs_mm2": "HBM density",
                 "transistors_billion": "transistors", "process_node_nm": "node", "training_ops": "training ops",
                 "die_area_mm2": "die area"}
_OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "!=": "≠"}


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
    nearest: list[str] = field(default_factory=list)  # e.g. "TPP ≥ 4,800 (3a090-a-1)"
    tpp: list[Optional[float]] = field(default_factory=list)
    pd: list[Optional[float]] = field(default_factory=list)
    position: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.classification)

    @property
    def classes(self) -> list[str]:
        return sorted(set(self.shown))


def classify_catalog(conn: sqlite3.Connection, snapshot: CatalogSnapshot, regime: LoadedRegime,
                     countries: CountryTable, destination: Optional[str] = None,
                     progress: Optional[Callable[[int, int], None]] = None,
                     cancelled: Callable[[], bool] = lambda: False) -> Optional[Classified]:
    """Determinations of every snapshot product; None when cancelled. Rows added since the
    snapshot was taken are skipped (a new snapshot comes with the catalog's changed event)."""
    from workbench.engine import determine
    from workbench.engine.compare import position

    n = len(snapshot)
    out = Classified(regime, destination, ["?"] * n, ["?"] * n, [None] * n, [""] * n, [None] * n, [None] * n,
                     [""] * n)
    index = snapshot.index
    intern: dict[str, str] = {}
    for done, spec in enumerate(iter_specs(conn), start=1):
        i = index.get(spec.part_number)
        if i is None:
            continue
        det = determine(spec, regime, countries, destination)
        out.classification[i] = intern.setdefault(det.classification, det.classification)
        shown = det.paragraph or det.classification
        out.shown[i] = intern.setdefault(shown, shown)
        pos = position(det)
        out.position[i] = intern.setdefault(pos, pos)
        out.tpp[i], out.pd[i] = det.tpp, det.performance_density
        c = det.nearest
        if c is not None:
            out.margin_pct[i] = c.margin_pct
            text = f"{_METRIC_SHORT.get(c.metric, c.metric)} {_OPS.get(c.op, c.op)} {c.threshold:,.6g} ({c.id})"
            out.nearest[i] = intern.setdefault(text, text)
        if done % 500 == 0:
            if cancelled():
                return None
            if progress:
                progress(done, n)
    if progress:
        progress(n, n)
    return out


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
