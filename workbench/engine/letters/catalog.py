"""Catalog-level questions: which products a change newly brings under a letter; the letters dashboard."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Iterable, Optional, Sequence

from workbench.engine.conditions import INDETERMINATE, MET, NOT_MET
from workbench.engine.determine import jsonable
from workbench.engine.metrics import compute_metrics
from workbench.engine.spec import ProductSpec
from workbench.engine.letters.model import Letter, STATUSES, STATUS_LABELS
from workbench.engine.letters.deadlines import DeadlineView, deadline_view
from workbench.engine.letters.coverage import LetterLike, compile_letters, coverage


@dataclass(frozen=True)
class Catch:
    part_number: str
    ref: str
    result: str  # met or indeterminate
    before: str  # "new product", "not covered", "indeterminate"
    matched: tuple[str, ...]
    missing: tuple[str, ...]


def newly_caught(letters: Sequence[LetterLike], after: Iterable[ProductSpec],
                 before: Optional[Iterable[ProductSpec]] = None) -> list[Catch]:
    """Products that meet an open letter's criteria now but did not before (or are new).

    Indeterminate results are reported too (a missing figure may hide a catch); a product that
    was already covered is not news.
    """
    compiled = [c for c in compile_letters(letters) if c.letter.is_open and c.letter.requirement.licence_required]
    old = {s.part_number: s for s in (before or ())}
    out = []
    for spec in after:
        m = compute_metrics(spec)
        prev_spec = old.get(spec.part_number)
        prev_m = compute_metrics(prev_spec) if prev_spec is not None else None
        for c in compiled:
            now = coverage(c, spec, m)
            if now.result == NOT_MET:
                continue
            was = coverage(c, prev_spec, prev_m).result if prev_spec is not None else None
            if was == MET or was == now.result:
                continue
            out.append(Catch(spec.part_number, c.letter.ref, now.result,
                             "new product" if was is None else ("not covered" if was == NOT_MET else "indeterminate"),
                             now.matched, now.missing))
    return out


@dataclass(frozen=True)
class TimelineEvent:
    on: date
    ref: str
    kind: str  # received, effective, status, deadline, application
    label: str


@dataclass(frozen=True)
class Dashboard:
    by_status: dict[str, tuple[str, ...]]
    due_soon: tuple[DeadlineView, ...]
    overdue: tuple[DeadlineView, ...]
    affected: dict[str, tuple[str, ...]]  # ref -> part numbers covered
    possibly_affected: dict[str, tuple[str, ...]]  # ref -> part numbers with a missing figure
    timeline: tuple[TimelineEvent, ...]

    def to_json(self) -> dict:
        return {f.name: jsonable(getattr(self, f.name)) if not isinstance(getattr(self, f.name), dict)
                else {k: jsonable(v) for k, v in getattr(self, f.name).items()} for f in fields(self)}


def timeline(letter: Letter) -> list[TimelineEvent]:
    ev = [TimelineEvent(letter.received, letter.ref, "received", "letter received"),
          TimelineEvent(letter.effective, letter.ref, "effective", "licence requirement takes effect")]
    ev += [TimelineEvent(h.on, letter.ref, "status", STATUS_LABELS[h.status] + (f": {h.note}" if h.note else ""))
           for h in letter.history]
    ev += [TimelineEvent(d.due, letter.ref, "deadline", d.label + (" (done)" if d.done_on else "")) for d in letter.deadlines]
    for a in letter.applications:
        if a.submitted:
            ev.append(TimelineEvent(a.submitted, letter.ref, "application", f"application {a.number} submitted"))
        if a.decided:
            ev.append(TimelineEvent(a.decided, letter.ref, "application",
                                    f"application {a.number} {a.status.replace('_', ' ')}"))
    return ev


def dashboard(letters: Sequence[Letter], specs: Sequence[ProductSpec], now: datetime, user_tz: str,
              horizon_days: int = 30) -> Dashboard:
    """Data for the letters dashboard: by status, deadlines due within ``horizon_days`` (agency
    calendar days, today included) and overdue ones (open letters, deadlines not done), products
    covered per open letter, and a timeline of every letter."""
    by_status = {s: tuple(sorted(x.ref for x in letters if x.status == s)) for s in STATUSES}
    views = [deadline_view(x, d, now, user_tz) for x in letters if x.is_open for d in x.deadlines if d.done_on is None]
    views.sort(key=lambda v: (v.cutoff_utc, v.ref, v.id))
    metrics = [(s, compute_metrics(s)) for s in specs]
    affected, possible = {}, {}
    for c in compile_letters([x for x in letters if x.is_open]):
        cov = [coverage(c, s, m) for s, m in metrics]
        affected[c.letter.ref] = tuple(x.part_number for x in cov if x.result == MET)
        possible[c.letter.ref] = tuple(x.part_number for x in cov if x.result == INDETERMINATE)
    events = sorted((e for x in letters for e in timeline(x)), key=lambda e: (e.on, e.ref, e.kind))
    return Dashboard(by_status, tuple(v for v in views if not v.overdue and v.days_left <= horizon_days),
                     tuple(v for v in views if v.overdue), affected, possible, tuple(events))
