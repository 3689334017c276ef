"""Ledgers: how much room each limit has left, per regime, computed from deals.

Each counted deal contributes amounts to keyed ledgers (LPP per consignee and calendar year,
Tier 2 allocation per country, the H200 window's share of US shipments per product, revenue
share and tariff per quarter). A :class:`LedgerBook` holds those contributions by deal, so an
add, edit or cancel changes only that deal's entries; :func:`LedgerBook.from_scratch` recomputes
everything and must always agree (the stateful test checks it). The NAC 25-day clock is per
deal, not a sum, and is computed by :func:`nac_clocks`.

Figures: LPP limits come from the regime's licence exceptions (``quantity_limit_tpp``); every
other figure comes from resources/ledger_limits.yaml through the strict :class:`LedgerLimits`
model, each with its citation and confidence. All arithmetic is Decimal or integer.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Literal, Mapping, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from workbench.engine.countries import CountryTable
from workbench.engine.deals import DealDetermination
from workbench.engine.loader import LoadedRegime, RulesetError, _UniqueKeyLoader, format_validation_error
from workbench.engine.ruleset import Confidence
from workbench.engine.spec import ProductSpec

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True)
CENT = Decimal("0.01")


class Bound(BaseModel):
    """An interval: one lower end (gt or ge) and one upper end (lt or le)."""

    model_config = _STRICT
    gt: Optional[int] = None
    ge: Optional[int] = None
    lt: Optional[int] = None
    le: Optional[int] = None

    @model_validator(mode="after")
    def _one_each(self) -> "Bound":
        if (self.gt is None) == (self.ge is None) or (self.lt is None) == (self.le is None):
            raise ValueError("expected exactly one of gt/ge and exactly one of lt/le")
        return self

    def contains(self, x: Decimal) -> bool:
        low = x > self.gt if self.gt is not None else x >= self.ge
        high = x < self.lt if self.lt is not None else x <= self.le
        return low and high


class Cited(BaseModel):
    model_config = _STRICT
    citation: str = Field(min_length=1)
    confidence: Confidence


class Tier2Allocation(Cited):
    regimes: list[str]
    limit_tpp: int = Field(gt=0)
    g2g_multiplier: int = Field(ge=1)
    period_from: date
    period_to: date  # inclusive
    counted_classifications: list[str]
    excluded_authorizations: list[str]


class H200Share(Cited):
    regimes: list[str]
    max_percent_of_us_shipments: int = Field(gt=0, le=100)
    destinations: list[str]
    valid_from: date


class NacNotification(Cited):
    review_days: int = Field(gt=0)
    exception_ids: list[str]
    no_notice_exception_ids: list[str]


class RevenueShare(Cited):
    rate_percent: int = Field(gt=0, le=100)
    codified: bool
    products: list[str]  # part-number patterns (fnmatch, case-insensitive)
    destinations: list[str]
    valid_from: date


class TariffBand(Cited):
    id: str
    label: str
    tpp: Bound
    dram_bandwidth_gbs: Bound

    def contains(self, tpp: Optional[Decimal], bandwidth: Optional[Decimal]) -> Optional[bool]:
        if tpp is None or bandwidth is None:
            return None
        return self.tpp.contains(tpp) and self.dram_bandwidth_gbs.contains(bandwidth)


class Tariff(BaseModel):
    model_config = _STRICT
    rate_percent: int = Field(gt=0, le=100)
    valid_from: date
    citation: str
    bands: list[TariffBand] = Field(min_length=1)


class LedgerLimits(BaseModel):
    model_config = _STRICT
    schema_version: Literal[1]
    tier2_allocation: Tier2Allocation
    h200_us_share: H200Share
    nac_notification: NacNotification
    revenue_share: RevenueShare
    tariff: Tariff


def parse_limits(data: bytes, name: str = "ledger_limits.yaml") -> LedgerLimits:
    """Validate the limits file; errors name the file, the key path and what was expected."""
    try:
        raw = yaml.load(data.decode("utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RulesetError(f"{name}: not valid YAML: {exc}") from None
    try:
        return LedgerLimits.model_validate(raw)
    except ValidationError as exc:
        raise RulesetError(format_validation_error(name, exc)) from None


# --- contributions ------------------------------------------------------------------------------

Kind = Literal["lpp", "tier2", "h200_share", "revenue_share", "tariff"]
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


def _limit_decimal(value: float) -> Decimal:
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

    rs = lim.revenue_share
    if deal.destination in rs.destinations and day >= rs.valid_from:
        for r in dd.lines:
            if any(fnmatch.fnmatch(r.line.part_number.upper(), p.upper()) for p in rs.products):
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


# --- the book -----------------------------------------------------------------------------------


class LedgerBook:
    """Contributions by ledger and by deal; updated one deal at a time."""

    def __init__(self) -> None:
        self._entries: dict[LedgerKey, dict[int, LedgerEntry]] = {}
        self._keys_of: dict[int, tuple[LedgerKey, ...]] = {}

    def put(self, deal_id: int, items: Iterable[Contribution]) -> None:
        """Replace everything ``deal_id`` contributed with ``items`` (none: the deal stops counting)."""
        self.remove(deal_id)
        keys = []
        for c in items:
            bucket = self._entries.setdefault(c.key, {})
            if deal_id in bucket:  # two lines of one deal in the same ledger: one entry, summed
                old = bucket[deal_id]
                notes = "; ".join(n for n in (old.note, c.entry.note) if n)
                bucket[deal_id] = LedgerEntry(deal_id, old.reference, old.deal_date, old.amount + c.entry.amount, notes)
            else:
                bucket[deal_id] = c.entry
                keys.append(c.key)
        if keys:
            self._keys_of[deal_id] = tuple(keys)

    def remove(self, deal_id: int) -> None:
        for key in self._keys_of.pop(deal_id, ()):
            bucket = self._entries[key]
            del bucket[deal_id]
            if not bucket:
                del self._entries[key]

    def used(self, key: LedgerKey, excluding: Optional[int] = None) -> Decimal:
        return sum((e.amount for d, e in self._entries.get(key, {}).items() if d != excluding), Decimal(0))

    def entries(self, key: LedgerKey) -> tuple[LedgerEntry, ...]:
        return tuple(sorted(self._entries.get(key, {}).values(), key=lambda e: (e.deal_date, e.deal_id)))

    def keys(self) -> list[LedgerKey]:
        return sorted(self._entries)

    def totals(self) -> dict[LedgerKey, Decimal]:
        return {k: self.used(k) for k in self._entries}

    @classmethod
    def from_scratch(cls, evaluated: Iterable[DealDetermination], ctx: LedgerContext) -> "LedgerBook":
        book = cls()
        for dd in evaluated:
            if dd.deal.counted and dd.deal.id is not None:
                book.put(dd.deal.id, contributions(dd, ctx))
        return book


# --- ledgers and flags --------------------------------------------------------------------------

_TITLES = {"lpp": "Licence Exception {0}, {1}, {2}", "tier2": "Tier 2 allocation: {0}",
           "h200_share": "H200 window, China/Macau share of US shipments: {0}"}


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
        return LedgerMeta(_TITLES[kind].format(exc_id, consignee, year), "TPP", _limit_decimal(exc.quantity_limit_tpp),
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
    if kind == "revenue_share":
        rs = lim.revenue_share
        return LedgerMeta(f"Revenue share ({rs.rate_percent}%, 2025 arrangement): {k}", "USD", None, rs.citation,
                          rs.confidence, "never codified" if not rs.codified else "")
    tf = lim.tariff
    worst = max((b.confidence for b in tf.bands), key=("primary", "secondary", "unverified").index)
    return LedgerMeta(f"Section 232 tariff exposure ({tf.rate_percent}%): {k}", "USD", None, tf.citation, worst,
                      "unless imported to support the US technology supply chain")


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
    return None  # h200_share: cumulative


def ledgers(book: LedgerBook, ctx: LedgerContext, year: Optional[int] = None) -> list[Ledger]:
    out = []
    for key in book.keys():
        years = _year_of(key, ctx)
        if year is not None and years is not None and year not in years:
            continue
        out.append(Ledger(key[0], key[1], describe(key, ctx), book.used(key), book.entries(key)))
    return out


@dataclass(frozen=True)
class LimitFlag:
    """A limit the deal would break (or could not be checked against), with the room left."""

    regime: str
    kind: str
    key: str
    title: str
    limit: Optional[Decimal]
    used_before: Decimal
    deal_amount: Decimal
    unit: str
    confidence: str

    @property
    def remaining_before(self) -> Optional[Decimal]:
        return None if self.limit is None else self.limit - self.used_before

    @property
    def over_by(self) -> Optional[Decimal]:
        return None if self.limit is None else self.used_before + self.deal_amount - self.limit

    def __str__(self) -> str:
        if self.kind == "nac":
            return f"{self.regime}: {self.title} [{self.confidence}]"
        if self.limit is None:
            return f"{self.regime}: {self.title}: cannot be checked ({self.deal_amount:,} {self.unit} in this deal)"
        return (f"{self.regime}: {self.title}: this deal's {self.deal_amount:,} {self.unit} exceeds the room left "
                f"({self.remaining_before:,} of {self.limit:,} {self.unit}) by {self.over_by:,} [{self.confidence}]")


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
        if key[0] in ("revenue_share", "tariff"):
            continue
        before = book.used(key, excluding=did)
        if meta.limit is None or before + amount > meta.limit:
            flags.append(LimitFlag(ctx.regime.id, key[0], key[1], meta.title, meta.limit, before, amount, meta.unit,
                                   meta.confidence))
    flags.extend(nac_flags(dd, ctx))
    return flags


# --- NAC / ACA notifications ---------------------------------------------------------------------


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
