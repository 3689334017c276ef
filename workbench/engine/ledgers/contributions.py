"""What one counted deal adds to which ledger (LPP, Tier 2, H200 share, revenue share, tariff)."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, Mapping, Optional

from workbench.engine.identity import identity_key
from workbench.engine.countries import CountryTable
from workbench.engine.deals import DealDetermination
from workbench.engine.loader import LoadedRegime
from workbench.engine.spec import ProductSpec
from workbench.engine.ledgers.limits import CENT, LedgerLimits, TariffBand


Kind = Literal["lpp", "tier2", "h200_share", "h200_share_tpp", "revenue_share", "tariff"]
# The H200 condition "at most 50 % of the product's shipments to US end users" is not settled by
# the text we could read (units or cumulative TPP?); the ledger keeps both readings, the second
# across every window product together under this one key.
H200_TPP_KEY = "all window products"
LedgerKey = tuple[str, str]  # (kind, key)


@dataclass(frozen=True)
class LedgerEntry:
    deal_id: int
    reference: str
    deal_date: date
    amount: Decimal
    note: str = ""


@dataclass(frozen=True)
class Contribution:
    key: LedgerKey
    entry: LedgerEntry


@dataclass(frozen=True)
class LedgerSettings:
    """Figures officers enter: US shipments per product (units) and g2g agreement countries."""

    us_shipments: Mapping[str, int] = field(default_factory=dict)
    g2g_countries: frozenset[str] = frozenset()


@dataclass(frozen=True)
class LedgerContext:
    regime: LoadedRegime
    countries: CountryTable
    limits: LedgerLimits
    settings: LedgerSettings
    specs: Mapping[str, ProductSpec]


def quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def percent_of(amount: Decimal, percent: int) -> Decimal:
    """``percent``% of a dollar amount, rounded half-up to the cent."""
    return (amount * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def limit_decimal(value: float) -> Decimal:
    return Decimal(int(value)) if float(value).is_integer() else Decimal(repr(value))


def quantity_exceptions(regime: LoadedRegime) -> dict[str, object]:
    """Licence exceptions of the regime with a TPP quantity limit (LPP, LPP-500), by id."""
    return {e.id: e for e in regime.regime.licence_exceptions if e.quantity_limit_tpp is not None}


def contributions(dd: DealDetermination, ctx: LedgerContext) -> list[Contribution]:
    """What this deal adds to each ledger under ``ctx.regime`` (whether or not it is counted)."""
    deal, lim, rid = dd.deal, ctx.limits, ctx.regime.id
    did = deal.id if deal.id is not None else -1
    day = deal.deal_date
    out: list[Contribution] = []

    def add(kind: str, key: str, amount: Decimal, note: str = "") -> None:
        out.append(Contribution((kind, key), LedgerEntry(did, deal.reference, day, amount, note)))

    incomplete = "" if dd.tpp_total is not None else "TPP unknown for some lines: counted without them"
    exc = quantity_exceptions(ctx.regime).get(deal.authorization)
    if exc is not None:
        # Lines the exception is for (3A090.a/4A090.a), and lines whose classification is not yet
        # known (counted: the conservative reading).
        amount = sum((r.tpp_total for r in dd.lines if r.determination and r.tpp_total is not None
                      and (r.determination.classification in exc.classifications
                           or r.determination.classification == "indeterminate")), Decimal(0))
        add("lpp", f"{exc.id}|{deal.consignee.key}|{day.year}", amount, incomplete)

    t2 = lim.tier2_allocation
    if (rid in t2.regimes and t2.period_from <= day <= t2.period_to
            and deal.authorization not in t2.excluded_authorizations and deal.authorization not in quantity_exceptions(ctx.regime)
            and ctx.countries.member(deal.destination, "TIER2", day)):
        amount = sum((r.tpp_total for r in dd.lines if r.determination and r.tpp_total is not None
                      and r.determination.license_required and r.determination.classification in t2.counted_classifications),
                     Decimal(0))
        if amount:
            add("tier2", deal.destination, amount)

    h2 = lim.h200_us_share
    if rid in h2.regimes and deal.destination in h2.destinations and day >= h2.valid_from:
        for r in dd.lines:
            if r.determination and r.determination.review_policy == "case_by_case":
                add("h200_share", r.line.part_number, Decimal(r.line.quantity))
                if r.tpp_total is not None:
                    add("h200_share_tpp", H200_TPP_KEY, r.tpp_total, f"{r.line.part_number}: {r.tpp_total:,} TPP")

    rs = lim.revenue_share
    if deal.destination in rs.destinations and day >= rs.valid_from:
        for r in dd.lines:
            if any(fnmatch.fnmatchcase(identity_key(r.line.part_number), identity_key(p)) for p in rs.products):
                add("revenue_share", quarter(day), percent_of(r.line.value_usd, rs.rate_percent),
                    f"{r.line.part_number}: {rs.rate_percent}% of ${r.line.value_usd:,}")

    tf = lim.tariff
    if day >= tf.valid_from:
        for r in dd.lines:
            band = tariff_band(r.line.part_number, r.determination.tpp if r.determination else None, ctx.specs, lim)
            if band is not None:
                add("tariff", quarter(day), percent_of(r.line.value_usd, tf.rate_percent),
                    f"{r.line.part_number}: {band.label}, {tf.rate_percent}% of ${r.line.value_usd:,}")
    return out


def deal_fees(dd: DealDetermination, ctx: LedgerContext) -> dict[str, Decimal]:
    """The deal's own revenue share and tariff exposure (US dollars; 0 when none applies)."""
    fees = {"revenue_share": Decimal("0.00"), "tariff": Decimal("0.00")}
    for c in contributions(dd, ctx):
        if c.key[0] in fees:
            fees[c.key[0]] += c.entry.amount
    return fees


def tariff_band(part: str, tpp: Optional[float], specs: Mapping[str, ProductSpec], lim: LedgerLimits) -> Optional[TariffBand]:
    from workbench.engine.deals import tpp_decimal

    spec = specs.get(part)
    bw = spec.memory_bandwidth_gbs if spec is not None else None
    bw_dec = tpp_decimal(bw)
    for band in lim.tariff.bands:
        if band.contains(tpp_decimal(tpp), bw_dec):
            return band
    return None
