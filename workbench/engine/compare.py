"""Comparison: the same products under two or more regimes, and what changed between them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Optional, Sequence

from workbench.engine.countries import CountryTable
from workbench.engine.determine import Determination, determine
from workbench.engine.loader import LoadedRegime
from workbench.engine.metrics import compute_metrics
from workbench.engine.spec import ProductSpec


def position(det: Determination) -> str:
    """What a compliance officer compares: classification plus licence position and review policy."""
    text = det.paragraph or det.classification
    if det.classification == "indeterminate":
        text = "indeterminate"
    if det.license_required is True:
        text += " / licence" + (f" ({det.review_policy.replace('_', ' ')})" if det.review_policy else "")
        if det.license_exceptions:
            text += " / " + ",".join(e.id for e in det.license_exceptions)
    elif det.license_required is False and det.destination:
        text += " / no licence"
    return text


@dataclass(frozen=True)
class ComparisonRow:
    part_number: str
    determinations: tuple[Determination, ...]

    @property
    def positions(self) -> tuple[str, ...]:
        return tuple(position(d) for d in self.determinations)

    @property
    def changed(self) -> bool:
        return len(set(self.positions)) > 1

    def transitions(self) -> list[tuple[str, str]]:
        """Each consecutive pair of regimes whose position differs."""
        p = self.positions
        return [(a, b) for a, b in zip(p, p[1:]) if a != b]


@dataclass(frozen=True)
class Comparison:
    regimes: tuple[str, ...]
    rows: tuple[ComparisonRow, ...]
    counts: Counter = field(default_factory=Counter)  # (from, to) -> number of products

    @property
    def changed_rows(self) -> tuple[ComparisonRow, ...]:
        return tuple(r for r in self.rows if r.changed)


def compare(
    specs: Sequence[ProductSpec],
    regimes: Sequence[LoadedRegime],
    countries: CountryTable,
    destination: Optional[str] = None,
    end_user_hq: Optional[str] = None,
    on: Optional[date] = None,
    today: Optional[date] = None,
) -> Comparison:
    """Determinations of every product under every regime (each at its own default date, from
    ``today``, unless ``on``)."""
    if len(regimes) < 2:
        raise ValueError("a comparison needs at least two regimes")
    rows = []
    counts: Counter = Counter()
    for spec in specs:
        metrics = compute_metrics(spec)
        dets = tuple(determine(spec, r, countries, destination, end_user_hq, on, metrics=metrics, today=today)
                     for r in regimes)
        row = ComparisonRow(spec.part_number, dets)
        counts.update(row.transitions())
        rows.append(row)
    return Comparison(tuple(r.id for r in regimes), tuple(rows), counts)
