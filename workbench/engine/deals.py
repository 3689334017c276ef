"""Deals: who ships what to whom, and where each deal stands under a regime.

A deal is validated data (strict pydantic: no coercion, no NaN, unknown keys refused). Its
determination runs the ordinary engine (``determine``) once per line, on the deal's date, for
the deal's destination and the end user's headquarters. The headquarters rule looks at the end
user's own headquarters *and*, when different, its ultimate parent's; the stricter reading wins
and the determination says which one decided.

Money is ``Decimal`` (US dollars) and TPP totals are ``Decimal`` built from the engine's float
through its shortest repr, so 20,919.2 TPP x 3 is exactly 62,757.6, never 62757.600000000006.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Callable, Literal, Optional, Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from workbench.engine.countries import CountryTable
from workbench.engine.identity import identity_key
from workbench.engine.determine import Determination, ExceptionOut, determine
from workbench.engine.loader import LoadedRegime
from workbench.engine.spec import ProductSpec

Status = Literal["draft", "screened", "licensed", "shipped", "cancelled"]
STATUSES: tuple[str, ...] = ("draft", "screened", "licensed", "shipped", "cancelled")
# Deals that use up room in a ledger. A draft is a what-if (checked, never counted); a cancelled
# deal gives its room back.
COUNTED_STATUSES = frozenset({"screened", "licensed", "shipped"})

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True)

# Stated ranges. A line of more than a billion units, or a unit worth more than a billion dollars,
# is a typo (and would overflow the catalog's integers and the ledgers' arithmetic). Deal dates
# lie in this century (the first AI-chip rule is of 2022; a year-1 deal would open a year-1
# ledger); a notice to BIS is sent at most a year ahead of the export it announces.
MAX_UNITS = 10**9
MAX_UNIT_VALUE_USD = Decimal("1000000000.00")
DEAL_DATE_RANGE = (date(2000, 1, 1), date(2099, 12, 31))
NOTICE_WINDOW_DAYS = 365
# What ``authorization`` may say: nothing (not yet decided), NLR (no licence required), a licence
# number (one to three capital letters, an optional hyphen, then digits: BIS's D123456 or an
# internal L-1), or a licence exception symbol of 15 CFR part 740 (and the proposed LPP-500) or a
# validated end-user authorization, and every licence exception id the rulesets define (a test
# fails when a ruleset gains one that is missing here). A near miss of a symbol (LPP-5000) is refused, not read as a
# licence number.
AUTHORIZATION_EXCEPTIONS = ("LPP", "LPP-500", "NAC", "ACA", "AIA", "HBM", "UAE-APPROVED", "TSR", "TMP", "RPL", "GOV", "TSU", "ENC",
                            "STA", "LVS", "GBS", "APP", "BAG", "AVS", "UVEU", "NVEU", "VEU")
_LICENCE_NUMBER = re.compile(r"^[A-Z]{1,3}-?[0-9]{1,10}$")


def authorization_problem(value: str) -> Optional[str]:
    """Why ``value`` is not an authorization the workbench knows, or None."""
    if value in ("", "NLR") or value in AUTHORIZATION_EXCEPTIONS:
        return None
    if _LICENCE_NUMBER.match(value) and not any(value.startswith(s) for s in AUTHORIZATION_EXCEPTIONS if len(s) > 2):
        return None
    return (f"'{value}' is not a known authorization (expected empty, NLR, a BIS licence number such as D123456, "
            f"or one of {', '.join(AUTHORIZATION_EXCEPTIONS)})")


def date_problem(day: date, what: str = "deal dates") -> Optional[str]:
    low, high = DEAL_DATE_RANGE
    if low <= day <= high:
        return None
    return f"'{day.isoformat()}' is outside the range of {what} (expected a date from {low} to {high})"


def _iso2(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    if len(value) != 2 or not value.isalpha() or not value.isupper():
        raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 code (expected two capital letters, e.g. CN)")
    return value


class Party(BaseModel):
    """A consignee or end user: where it is, where it is headquartered, where its ultimate parent is."""

    model_config = _STRICT
    name: str = Field(min_length=1, max_length=300)
    country: str
    hq_country: Optional[str] = None  # None: same as ``country``
    parent_hq_country: Optional[str] = None  # ultimate parent's headquarters; None: no parent / same

    @field_validator("country", "hq_country", "parent_hq_country")
    @classmethod
    def _codes(cls, value: Optional[str]) -> Optional[str]:
        return _iso2(value)

    @property
    def hq(self) -> str:
        return self.hq_country or self.country

    @property
    def key(self) -> str:
        """Identity for per-consignee ledgers: the name's identity_key (case, spaces, zero-width and
        look-alike characters do not open a second ledger) plus country."""
        return identity_key(self.name) + "|" + self.country


class DealLine(BaseModel):
    model_config = _STRICT
    part_number: str = Field(min_length=1, max_length=200)
    quantity: int = Field(gt=0, le=MAX_UNITS)
    unit_value_usd: Decimal = Field(ge=0, le=MAX_UNIT_VALUE_USD, decimal_places=2)

    @property
    def value_usd(self) -> Decimal:
        return self.unit_value_usd * self.quantity


class Deal(BaseModel):
    """One deal. ``authorization`` is a licence number or a licence exception id (LPP, NAC ...)."""

    model_config = _STRICT
    id: Optional[int] = None
    reference: str = Field(min_length=1, max_length=100)
    deal_date: date
    exporter: str = Field(min_length=1, max_length=300)
    consignee: Party
    end_user: Party
    destination: str
    end_use: str = ""
    authorization: str = ""
    notified_on: Optional[date] = None  # NAC notification sent to BIS
    exports_from_us: bool = True
    status: Status = "draft"
    lines: tuple[DealLine, ...] = Field(min_length=1)
    notes: str = ""

    @field_validator("destination")
    @classmethod
    def _dest(cls, value: str) -> str:
        return _iso2(value)

    @field_validator("deal_date", "notified_on")
    @classmethod
    def _in_range(cls, value: Optional[date]) -> Optional[date]:
        problem = None if value is None else date_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("authorization")
    @classmethod
    def _authorization(cls, value: str) -> str:
        problem = authorization_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("notified_on")
    @classmethod
    def _notice_window(cls, value: Optional[date], info: ValidationInfo) -> Optional[date]:
        day = info.data.get("deal_date")  # validated first (declared first); absent when it was refused
        if value is not None and day is not None and (day - value).days > NOTICE_WINDOW_DAYS:
            raise ValueError(f"{value} is more than {NOTICE_WINDOW_DAYS} days before the deal date {day} "
                             f"(expected the notice within {NOTICE_WINDOW_DAYS} days before the deal)")
        return value

    @model_validator(mode="after")
    def _notified_not_after(self) -> "Deal":
        if self.notified_on is not None and self.notified_on > self.deal_date and self.status == "shipped":
            raise ValueError("notified_on is after the deal date of a shipped deal (expected the notice before export)")
        return self

    @property
    def value_usd(self) -> Decimal:
        return sum((ln.value_usd for ln in self.lines), Decimal(0))

    @property
    def counted(self) -> bool:
        return self.status in COUNTED_STATUSES

    @property
    def hq_candidates(self) -> tuple[str, ...]:
        """The end user's headquarters, then its ultimate parent's when different."""
        eu = self.end_user
        out = [eu.hq]
        if eu.parent_hq_country and eu.parent_hq_country != eu.hq:
            out.append(eu.parent_hq_country)
        return tuple(out)


def tpp_decimal(tpp: Optional[float]) -> Optional[Decimal]:
    """The engine's float TPP as an exact decimal of its shortest repr (15832.0 -> 15832)."""
    if tpp is None:
        return None
    return Decimal(repr(float(tpp))).normalize() if tpp != int(tpp) else Decimal(int(tpp))


def plain(value: Decimal) -> Decimal:
    """Without trailing zeros or exponent: 264240.0 -> 264240, 62757.60 -> 62757.6."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


# --- strictness ordering used by the headquarters rule -------------------------------------------

_LICENCE_RANK = {False: 0, None: 1, True: 2}
_POLICY_RANK = {None: 0, "license_free": 0, "presumption_of_approval": 1, "not_stated": 2, "case_by_case": 3,
                "indeterminate": 4, "presumption_of_denial": 5}


def strictness(det: Determination) -> tuple[int, int, int]:
    """Higher is stricter: licence required beats unknown beats not required; then the review
    policy (denial strictest); then fewer eligible licence exceptions."""
    return (_LICENCE_RANK[det.license_required], _POLICY_RANK.get(det.review_policy, 2), -len(det.license_exceptions))


# A letters overlay (is-informed letters) takes the engine's determination for one line and
# returns it with any company-specific licence requirement added. See ``determine_deal``.
Overlay = Callable[[Determination, "Deal", DealLine], Determination]


@dataclass(frozen=True)
class LineResult:
    line: DealLine
    determination: Optional[Determination]  # None: the product is not in the catalog
    hq_used: Optional[str]  # the headquarters country whose reading was stricter
    tpp_total: Optional[Decimal]  # quantity x TPP; None when the TPP is unknown

    @property
    def problem(self) -> Optional[str]:
        if self.determination is None:
            return f"{self.line.part_number}: not in the catalog (expected a part number of the catalog)"
        if self.tpp_total is None:
            return f"{self.line.part_number}: TPP unknown, so the deal's TPP total is incomplete"
        return None


@dataclass(frozen=True)
class DealDetermination:
    """A deal under one regime: per-line determinations and the deal-level position."""

    deal: Deal
    regime: str
    regime_sha256: str
    lines: tuple[LineResult, ...]
    overlay_applied: bool
    places: tuple[str, ...] = ()  # e.g. "destination MY: Tier 2", "end user HQ CN: D:1, D:3, D:4, D:5, Tier 3"
    # Parties the officer confirmed as listed (or caught through ownership by the Affiliates rule):
    # each a dict with party, role, basis, license_requirement and license_policy. A listed party
    # needs a licence for the whole deal, whatever the items.
    parties: tuple[dict, ...] = ()

    @property
    def license_required(self) -> Optional[bool]:
        if self.parties:
            return True
        values = [r.determination.license_required if r.determination else None for r in self.lines]
        if True in values:
            return True
        return None if None in values else False

    @property
    def review_policy(self) -> Optional[str]:
        policies = [r.determination.review_policy for r in self.lines if r.determination and r.determination.license_required]
        return max(policies, key=lambda p: _POLICY_RANK.get(p, 2)) if policies else None

    @property
    def reasons(self) -> tuple[str, ...]:
        out: list[str] = list(self.places)
        for p in self.parties:
            policy = f"; policy: {p['license_policy']}" if p.get("license_policy") else ""
            out.append(f"party {p['party']} ({p['role']}): {p['basis']}; licence requirement: "
                       f"{p.get('license_requirement') or 'as listed'}{policy}")
        for r in self.lines:
            if r.problem and r.determination is None:
                out.append(r.problem)
                continue
            d = r.determination
            hq = f" (headquarters rule read with {r.hq_used})" if r.hq_used else ""
            out.append(f"{d.part_number}: {d.explanation}{hq}")
            out.extend(f"  {reason}" for reason in d.license_reasons)
        return tuple(out)

    @property
    def exceptions(self) -> tuple[ExceptionOut, ...]:
        """Licence exceptions eligible for every line that needs a licence."""
        needing = [r.determination for r in self.lines if r.determination and r.determination.license_required]
        if not needing:
            return ()
        common = {e.id for e in needing[0].license_exceptions}
        for d in needing[1:]:
            common &= {e.id for e in d.license_exceptions}
        return tuple(e for e in needing[0].license_exceptions if e.id in common)

    @property
    def tpp_total(self) -> Optional[Decimal]:
        totals = [r.tpp_total for r in self.lines]
        return None if any(t is None for t in totals) else plain(sum(totals, Decimal(0)))

    @property
    def tpp_known(self) -> Decimal:
        return plain(sum((r.tpp_total for r in self.lines if r.tpp_total is not None), Decimal(0)))

    @property
    def confidence(self) -> str:
        from workbench.engine.ruleset import CONFIDENCE_ORDER

        levels = [r.determination.confidence for r in self.lines if r.determination]
        return max(levels, key=CONFIDENCE_ORDER.__getitem__) if levels else "unverified"

    @property
    def summary(self) -> str:
        lic = {True: "licence required", False: "no licence required", None: "licence position unknown"}[self.license_required]
        parts = [lic]
        if self.review_policy:
            parts.append(self.review_policy.replace("_", " "))
        if self.exceptions:
            parts.append("eligible: " + ", ".join(e.id for e in self.exceptions))
        return "; ".join(parts)


def determine_line(spec: ProductSpec, deal: Deal, line: DealLine, loaded: LoadedRegime, countries: CountryTable,
                   overlay: Optional[Overlay] = None) -> LineResult:
    """Run the engine for each headquarters candidate; keep the strictest (first on ties)."""
    best: Optional[Determination] = None
    best_hq: Optional[str] = None
    for hq in deal.hq_candidates:
        det = determine(spec, loaded, countries, deal.destination, hq, on=deal.deal_date,
                        exports_from_us=deal.exports_from_us)
        if overlay is not None:
            det = overlay(det, deal, line)
        if best is None or strictness(det) > strictness(best):
            best, best_hq = det, hq
    assert best is not None
    tpp = tpp_decimal(best.tpp)
    hq_note = best_hq if len(deal.hq_candidates) > 1 else None
    return LineResult(line, best, hq_note, None if tpp is None else plain(tpp * line.quantity))


def determine_deal(deal: Deal, specs: dict[str, ProductSpec], loaded: LoadedRegime, countries: CountryTable,
                   overlay: Optional[Overlay] = None) -> DealDetermination:
    """Every line of ``deal`` under ``loaded`` on the deal's date.

    ``overlay`` is the hook for is-informed letters (workbench.engine.letters, written
    separately): when given, it is applied to every line's determination before the stricter
    headquarters reading is chosen.
    """
    results = []
    for line in deal.lines:
        spec = specs.get(line.part_number)
        if spec is None:
            results.append(LineResult(line, None, None, None))
        else:
            results.append(determine_line(spec, deal, line, loaded, countries, overlay))
    return DealDetermination(deal, loaded.id, loaded.sha256, tuple(results), overlay is not None,
                             _places(deal, countries))


def _places(deal: Deal, countries: CountryTable) -> tuple[str, ...]:
    """Country groups of the destination and of each headquarters on the deal date."""
    from workbench.engine.countries import GROUP_LABELS

    def groups(code: str) -> str:
        try:
            found = countries.groups(code, deal.deal_date)
        except KeyError:
            return "unknown country code"
        return ", ".join(GROUP_LABELS[g] for g in found) or "no listed group"

    out = [f"Destination {deal.destination}: {groups(deal.destination)}"]
    labels = ("End user headquartered in", "Ultimate parent headquartered in")
    out.extend(f"{label} {code}: {groups(code)}" for label, code in zip(labels, deal.hq_candidates))
    return tuple(out)


def letters_overlay(letters: Sequence[object], specs: dict[str, ProductSpec], countries: CountryTable) -> Optional[Overlay]:
    """An :data:`Overlay` applying is-informed letters through ``workbench.engine.letters.apply_letters``
    (written by the letters feature). Returns None when that module is not there or no letter is given,
    so deals are then determined on the regime alone (and ``DealDetermination.overlay_applied`` says so).
    Only letters addressed to the deal's exporter bind.
    """
    if not letters:
        return None
    try:
        from workbench.engine.letters import apply_letters, compile_letters
    except ImportError:
        return None
    compiled = compile_letters(letters)  # type: ignore[arg-type]

    def overlay(det: Determination, deal: Deal, line: DealLine) -> Determination:
        spec = specs[line.part_number]
        result = apply_letters(det, spec, compiled, countries, exporter=deal.exporter)
        if result.license_required == det.license_required and not result.binding:
            return det
        return replace(det, license_required=result.license_required, license_reasons=tuple(result.license_reasons),
                       review_policy=result.review_policy)

    return overlay
