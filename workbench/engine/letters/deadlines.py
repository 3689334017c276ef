"""Deadline maths: a BIS date ends at midnight in Washington, shown as 'due in N days' in the user's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from workbench.engine.letters.model import AGENCY_TZ, Deadline, Letter, zone


def deadline_cutoff(due: date, agency_tz: str = AGENCY_TZ) -> datetime:
    """The first instant after the deadline: midnight at the end of ``due`` in the agency's zone."""
    return datetime.combine(due + timedelta(days=1), time(0), tzinfo=zone(agency_tz))


@dataclass(frozen=True)
class DeadlineView:
    """One deadline seen by one user at one instant."""

    ref: str
    id: str
    label: str
    due: date
    agency_tz: str
    user_tz: str
    cutoff_utc: datetime
    cutoff_local: datetime  # the cut-off on the user's clock
    last_local_day: date  # the last day, on the user's calendar, on which it can still be met
    days_left: int  # calendar days in the agency's zone: 0 = due today there, -1 = overdue since yesterday
    local_days_left: int  # calendar days on the user's clock to the last local day (-1 or less once overdue)
    hours_left: float
    overdue: bool
    done: bool

    def describe(self) -> str:
        if self.done:
            return f"{self.label}: done (was due {self.due})"
        when = (f"due {self.due} ({self.agency_tz}), i.e. before {self.cutoff_local:%Y-%m-%d %H:%M} {self.user_tz}")
        if self.overdue:
            return f"{self.label}: overdue, {when}"
        left = "today" if self.days_left == 0 else f"in {self.days_left} day{'s' if self.days_left != 1 else ''}"
        return f"{self.label}: {when}; due {left} ({self.hours_left:.0f} h left)"


def deadline_view(letter: Letter, deadline: Deadline, now: datetime, user_tz: str) -> DeadlineView:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("'now' must be timezone-aware (a naive time would be read in the machine's zone)")
    user = zone(user_tz)
    cutoff = deadline_cutoff(deadline.due, letter.agency_tz)
    local_now, local_cut = now.astimezone(user), cutoff.astimezone(user)
    last_local = (local_cut - timedelta(microseconds=1)).date()
    agency_today = now.astimezone(zone(letter.agency_tz)).date()
    overdue = now >= cutoff
    local_left = (last_local - local_now.date()).days
    if overdue:  # past the cut-off later on its own last local day: overdue all the same
        local_left = min(local_left, -1)
    return DeadlineView(
        ref=letter.ref, id=deadline.id, label=deadline.label, due=deadline.due, agency_tz=letter.agency_tz,
        user_tz=user_tz, cutoff_utc=cutoff.astimezone(timezone.utc), cutoff_local=local_cut,
        last_local_day=last_local, days_left=(deadline.due - agency_today).days,
        local_days_left=local_left, hours_left=(cutoff - now).total_seconds() / 3600.0, overdue=overdue,
        done=deadline.done_on is not None)
