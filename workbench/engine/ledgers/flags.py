"""Ledgers with their limits and room left, and the flags a deal raises before it is saved."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from workbench.engine.deals import DealDetermination
from workbench.engine.ledgers.limits import LimitFlag
from workbench.engine.ledgers.contributions import LedgerContext, LedgerEntry, LedgerKey, limit_decimal, contributions, quantity_exceptions
from workbench.engine.ledgers.book import LedgerBook
from workbench.engine.ledgers.nac import nac_flags


_TITLES = {"lpp": "Licence Exception {0}, {1}, {2}", "tier2": "Tier 2 allocation: {0}",
           "h200_share": "H200 window, China/Macau share of US shipments: {0}",
           "h200_share_tpp": "H200 window, China/Macau share of US shipments in cumulative TPP: {0}"}


@dataclass(frozen=True)
class LedgerMeta:
    title: str
    unit: str
    limit: Optional[Decimal]
    citation: str
    confidence: str
    note: str = ""


def describe(key: LedgerKey, ctx: LedgerContext) -> LedgerMeta:
    kind, k = key
    lim = ctx.limits
    if kind == "lpp":
        parts = k.split("|")
        exc_id, year = parts[0], parts[-1]
        name, _, country = "|".join(parts[1:-1]).rpartition("|")
        consignee = f"consignee '{name}' ({country})"
        exc = quantity_exceptions(ctx.regime)[exc_id]
        note = "" if "calendar year" in (exc.quantity_period or "") else (
            f"period '{exc.quantity_period}': counted per calendar year like LPP")
        return LedgerMeta(_TITLES[kind].format(exc_id, consignee, year), "TPP", limit_decimal(exc.quantity_limit_tpp),
                          exc.citation, exc.confidence, note)
    if kind == "tier2":
        t2 = lim.tier2_allocation
        g2g = k in ctx.settings.g2g_countries
        limit = Decimal(t2.limit_tpp * (t2.g2g_multiplier if g2g else 1))
        note = (f"{t2.period_from.year}-{t2.period_to.year}, "
                + ("doubled: government-to-government agreement" if g2g else "no government-to-government agreement"))
        return LedgerMeta(_TITLES[kind].format(k), "TPP", limit, t2.citation, t2.confidence, note)
    if kind == "h200_share":
        h2 = lim.h200_us_share
        us = ctx.settings.us_shipments.get(k)
        limit = None if us is None else Decimal(us * h2.max_percent_of_us_shipments // 100)
        note = ("US shipments not entered: the cap cannot be checked" if us is None
                else f"{h2.max_percent_of_us_shipments}% of {us:,} units shipped to US customers")
        return LedgerMeta(_TITLES[kind].format(k), "units", limit, h2.citation, h2.confidence, note)
    if kind == "h200_share_tpp":
        h2 = lim.h200_us_share
        us_tpp = _us_shipments_tpp(ctx)
        limit = None if us_tpp is None else us_tpp * h2.max_percent_of_us_shipments / 100
        note = ("second reading (cumulative TPP over all window products): US shipments not entered" if us_tpp is None
                else f"second reading: {h2.max_percent_of_us_shipments}% of {us_tpp:,} TPP shipped to US customers")
        return LedgerMeta(_TITLES[kind].format(k), "TPP", limit, h2.citation, h2.confidence, note)
    if kind == "revenue_share":
        rs = lim.revenue_share
        return LedgerMeta(f"Revenue share ({rs.rate_percent}%, 2025 arrangement): {k}", "USD", None, rs.citation,
                          rs.confidence, "never codified" if not rs.codified else "")
    tf = lim.tariff
    worst = max((b.confidence for b in tf.bands), key=("primary", "secondary", "unverified").index)
    return LedgerMeta(f"Section 232 tariff exposure ({tf.rate_percent}%): {k}", "USD", None, tf.citation, worst,
                      "unless imported to support the US technology supply chain")


def _us_shipments_tpp(ctx: LedgerContext) -> Optional[Decimal]:
    """Cumulative TPP of the units entered as shipped to US customers (None if none entered or a
    product's TPP is unknown): the denominator of the H200 share's cumulative-TPP reading."""
    from workbench.engine.deals import tpp_decimal
    from workbench.engine.metrics import compute_metrics

    total = Decimal(0)
    for part, units in ctx.settings.us_shipments.items():
        spec = ctx.specs.get(part)
        tpp = tpp_decimal(compute_metrics(spec).tpp) if spec is not None else None
        if tpp is None:
            return None
        total += tpp * units
    return total if ctx.settings.us_shipments else None


@dataclass(frozen=True)
class Ledger:
    kind: str
    key: str
    meta: LedgerMeta
    used: Decimal
    entries: tuple[LedgerEntry, ...]

    @property
    def remaining(self) -> Optional[Decimal]:
        return None if self.meta.limit is None else self.meta.limit - self.used

    @property
    def over(self) -> bool:
        return self.meta.limit is not None and self.used > self.meta.limit


def _year_of(key: LedgerKey, ctx: LedgerContext) -> Optional[range]:
    kind, k = key
    if kind == "lpp":
        return range(int(k.rsplit("|", 1)[1]), int(k.rsplit("|", 1)[1]) + 1)
    if kind in ("revenue_share", "tariff"):
        return range(int(k[:4]), int(k[:4]) + 1)
    if kind == "tier2":
        t2 = ctx.limits.tier2_allocation
        return range(t2.period_from.year, t2.period_to.year + 1)
    return None  # h200_share, h200_share_tpp: cumulative


def ledgers(book: LedgerBook, ctx: LedgerContext, year: Optional[int] = None) -> list[Ledger]:
    out = []
    for key in book.keys():
        years = _year_of(key, ctx)
        if year is not None and years is not None and year not in years:
            continue
        out.append(Ledger(key[0], key[1], describe(key, ctx), book.used(key), book.entries(key)))
    return out


def check_deal(dd: DealDetermination, book: LedgerBook, ctx: LedgerContext) -> list[LimitFlag]:
    """Flags for every limited ledger the deal would exceed, counting the deal as if it were
    saved with a counted status (its own earlier entries are replaced, not added twice)."""
    totals: dict[LedgerKey, Decimal] = {}
    for c in contributions(dd, ctx):
        totals[c.key] = totals.get(c.key, Decimal(0)) + c.entry.amount
    did = dd.deal.id if dd.deal.id is not None else -1
    flags = []
    for key, amount in totals.items():
        meta = describe(key, ctx)
        if key[0] in ("revenue_share", "tariff", "h200_share_tpp"):  # informational (the TPP reading shows beside the units one)
            continue
        before = book.used(key, excluding=did)
        if meta.limit is None or before + amount > meta.limit:
            flags.append(LimitFlag(ctx.regime.id, key[0], key[1], meta.title, meta.limit, before, amount, meta.unit,
                                   meta.confidence))
    flags.extend(nac_flags(dd, ctx))
    return flags
