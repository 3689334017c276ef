"""The NAC / ACA notification clock: 25 days from notification, per deal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Iterable, Optional

from workbench.engine.deals import DealDetermination
from workbench.engine.ledgers.limits import LimitFlag
from workbench.engine.ledgers.contributions import LedgerContext


@dataclass(frozen=True)
class NacClock:
    deal_id: int
    reference: str
    exception: str
    notified_on: Optional[date]
    review_days: int
    export_date: date
    citation: str
    confidence: str

    @property
    def clear_from(self) -> Optional[date]:
        return None if self.notified_on is None else self.notified_on + timedelta(days=self.review_days)

    def days_elapsed(self, today: date) -> int:
        if self.notified_on is None:
            return 0
        return max(0, min(self.review_days, (today - self.notified_on).days))

    def state(self, today: date) -> str:
        if self.review_days == 0:
            return "no notification required"
        if self.notified_on is None:
            return "not notified"
        if today >= self.clear_from:
            return f"review period over on {self.clear_from.isoformat()}"
        return f"waiting: {(self.clear_from - today).days} of {self.review_days} days left"

    @property
    def early(self) -> bool:
        """Planned export before the review clock ends (or without a notification)."""
        return self.review_days > 0 and (self.clear_from is None or self.export_date < self.clear_from)


def nac_clock(dd: DealDetermination, ctx: LedgerContext) -> Optional[NacClock]:
    cfg = ctx.limits.nac_notification
    deal = dd.deal
    by_id = {e.id: e for e in ctx.regime.regime.licence_exceptions if e.applies_on(deal.deal_date)}
    auth = deal.authorization
    if auth in cfg.no_notice_exception_ids and auth in by_id:
        days = 0
    elif auth in cfg.exception_ids or (auth in by_id and by_id[auth].notification_days):
        regime_days = by_id[auth].notification_days if auth in by_id else None
        days = regime_days if regime_days is not None else cfg.review_days
    else:
        return None
    exc = by_id.get(auth)
    return NacClock(deal.id if deal.id is not None else -1, deal.reference, auth, deal.notified_on, days, deal.deal_date,
                    exc.citation if exc else cfg.citation, exc.confidence if exc else cfg.confidence)


def nac_clocks(evaluated: Iterable[DealDetermination], ctx: LedgerContext) -> list[NacClock]:
    return [c for dd in evaluated if dd.deal.counted and (c := nac_clock(dd, ctx)) is not None]


def nac_flags(dd: DealDetermination, ctx: LedgerContext) -> list[LimitFlag]:
    clock = nac_clock(dd, ctx)
    if clock is None or not clock.early:
        return []
    if clock.notified_on is None:
        title = f"{clock.exception} notification not recorded (a {clock.review_days}-day review clock applies)"
        return [LimitFlag(ctx.regime.id, "nac", dd.deal.reference, title, None, Decimal(0), Decimal(0), "days",
                          clock.confidence)]
    days_short = (clock.clear_from - clock.export_date).days
    title = (f"{clock.exception} notified {clock.notified_on.isoformat()}: export on {clock.export_date.isoformat()} is "
             f"{days_short} days before the review period ends ({clock.clear_from.isoformat()})")
    used = Decimal((clock.export_date - clock.notified_on).days)
    return [LimitFlag(ctx.regime.id, "nac", dd.deal.reference, title, Decimal(clock.review_days), used, Decimal(0),
                      "days", clock.confidence)]
