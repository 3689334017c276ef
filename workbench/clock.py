"""The one place the workbench reads the wall clock.

Business decisions (which regime governs a date, letter deadlines, NAC review clocks, retention,
backup schedules) take a :class:`Clock` instead of calling ``date.today()``, so that tests can
stand on either side of every date edge and a run can be reproduced for an auditor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""

    def today(self) -> date:
        """The current calendar date on this computer (the officer's local day)."""


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def today(self) -> date:
        return date.today()


@dataclass(frozen=True)
class FixedClock:
    """A clock that always reads the same instant (tests, replays, ``--today``)."""

    instant: datetime

    @classmethod
    def on(cls, day: date, at: time = time(12, 0)) -> "FixedClock":
        """Noon UTC on ``day``: the same calendar day in every zone from UTC-11 to UTC+11."""
        return cls(datetime.combine(day, at, tzinfo=timezone.utc))

    def now(self) -> datetime:
        return self.instant

    def today(self) -> date:
        return self.instant.date()


SYSTEM_CLOCK: Clock = SystemClock()

TODAY_VAR = "WORKBENCH_TODAY"


def from_environment(environ=None) -> Clock:
    """The clock of one CLI run: ``WORKBENCH_TODAY=YYYY-MM-DD`` fixes "today" (noon UTC of that
    day) so that a run can be reproduced; otherwise the system clock. A malformed value is bad
    input (exit 2), never silently ignored."""
    import os

    from workbench.errors import UserError

    text = (os.environ if environ is None else environ).get(TODAY_VAR, "").strip()
    if not text:
        return SYSTEM_CLOCK
    try:
        return FixedClock.on(date.fromisoformat(text))
    except ValueError:
        raise UserError(f"{TODAY_VAR}: '{text}' is not a date (expected YYYY-MM-DD)") from None
