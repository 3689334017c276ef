"""Which regimes govern on a date: in force, enforced, "as enforced", and the regimes a deal is checked against.

One definition for the memo, the workbook, the GUI's comparison and the deals ledgers, so that
"the rules that apply today" never means three different things in three places.

- **in force** on a day: the day falls in the regime's effective window (from inclusive, to exclusive).
- **enforced** on a day: in force, BIS enforces it (``enforced``: AI Diffusion was codified but
  not enforced after 2025-05-13), it is not proposed/rescinded/suspended, and it is not a draft.
  These are the regimes whose answers are the legal position on that day (several at once: the
  foundry due-diligence rule runs beside the exporters' rules).
- **as enforced**: the regime actually enforced in place of a codified-but-not-enforced one.
- **checked** (deals): codified, enforced or (since) superseded regimes in force on the deal date.
"""

from __future__ import annotations

from datetime import date
from typing import Iterable, Optional, Sequence

from workbench.engine.loader import LoadedRegime

# Statuses that are never the legal position, whatever the dates say.
NOT_LAW = ("proposed", "rescinded", "suspended")
# Statuses a deal's ledgers are checked against on its date (a superseded regime was law then).
CHECKED_STATUSES = ("codified", "enforced", "superseded")


def in_force(loaded: LoadedRegime, day: date) -> bool:
    """The day falls in the regime's effective window (effective_to is exclusive)."""
    r = loaded.regime
    return r.effective_from <= day and (r.effective_to is None or day < r.effective_to)


def is_enforced_on(loaded: LoadedRegime, day: date) -> bool:
    """In force on ``day``, enforced by BIS, not proposed/rescinded/suspended and not a what-if draft."""
    r = loaded.regime
    return not loaded.draft and r.enforced and r.status not in NOT_LAW and in_force(loaded, day)


def enforced_on(regimes: Iterable[LoadedRegime], day: date, audience: Optional[str] = None) -> list[LoadedRegime]:
    """Every regime enforced on ``day`` (in the order given); ``audience`` keeps only exporters' or foundries' rules."""
    return [r for r in regimes if is_enforced_on(r, day) and (audience is None or r.regime.audience == audience)]


def latest_enforced(regimes: Iterable[LoadedRegime], day: date, audience: Optional[str] = "exporters") -> Optional[LoadedRegime]:
    """The enforced regime that took effect last on ``day`` (None before the first one)."""
    live = enforced_on(regimes, day, audience)
    return max(live, key=lambda r: (r.regime.effective_from, r.id)) if live else None


def checked_on(regimes: Iterable[LoadedRegime], day: date) -> list[LoadedRegime]:
    """The regimes a deal dated ``day`` is checked against: codified, enforced or superseded, in force then."""
    return [r for r in regimes if not r.draft and r.regime.status in CHECKED_STATUSES and in_force(r, day)]


def as_enforced(regime: LoadedRegime, regimes: Sequence[LoadedRegime]) -> LoadedRegime:
    """The regime actually enforced in place of a codified-but-not-enforced one (AI Diffusion ->
    the May 2025 enforcement policy): an enforced regime superseding the same predecessor, from the
    same date or later. Proposed regimes and drafts are hypothetical by nature and stay as they are."""
    r = regime.regime
    if r.enforced or regime.draft or r.status == "proposed":
        return regime
    candidates = [o for o in regimes if o.regime.enforced and not o.draft and set(o.regime.supersedes) & set(r.supersedes)
                  and o.regime.effective_from >= r.effective_from]
    return min(candidates, key=lambda o: o.regime.effective_from) if candidates else regime


def history_kind(loaded: LoadedRegime, day: date) -> Optional[str]:
    """Why a regime is history rather than law on ``day``: 'draft', 'proposed', 'not enforced',
    'superseded' (its window has closed), 'not yet in force'; None when it is enforced then."""
    r = loaded.regime
    if loaded.draft:
        return "draft"
    if r.status == "proposed":
        return "proposed"
    if r.status in NOT_LAW:
        return r.status
    if not r.enforced:
        return "not enforced"
    if r.effective_from > day:
        return "not yet in force"
    if r.effective_to is not None and day >= r.effective_to:
        return "superseded"
    return None
