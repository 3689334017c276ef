"""The ruleset schema: one regime (a dated version of the US rules) as validated data.

Strict pydantic models with unknown keys forbidden, no coercion ("4800" is not a number, true is
not a number) and no NaN/inf. Conditions are the trees of ``conditions.py``; nothing is eval'ed.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from workbench.engine.conditions import Condition
from workbench.engine.countries import ALL_GROUPS

Confidence = Literal["primary", "secondary", "unverified"]
Status = Literal["proposed", "announced", "codified", "enforced", "suspended", "rescinded", "superseded"]
ReviewPolicyName = Literal[
    "presumption_of_denial", "presumption_of_approval", "case_by_case", "license_free", "not_stated",
]
CONFIDENCE_ORDER = {"primary": 0, "secondary": 1, "unverified": 2}

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True)


class Source(BaseModel):
    model_config = _STRICT
    citation: str = Field(min_length=1)  # e.g. "87 FR 62186, FR Doc 2022-21658"
    cfr: Optional[str] = None  # e.g. "15 CFR 774 Supp. 1, ECCN 3A090"
    url: Optional[str] = None
    note: Optional[str] = None


class Dated(BaseModel):
    """Mixin: a piece of a regime that applies only on some dates within it."""

    model_config = _STRICT
    valid_from: Optional[date] = None
    valid_to: Optional[date] = None  # exclusive

    def applies_on(self, day: date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and (
            self.valid_to is None or day < self.valid_to
        )


class Rule(Dated):
    """Assigns an ECCN paragraph when its condition is met. Rules are tried in file order."""

    id: str = Field(min_length=1)
    classification: str = Field(min_length=1)  # e.g. "3A090.a"
    paragraph: str = Field(min_length=1)  # e.g. "3A090.a.1"
    description: str
    condition: Condition
    citation: str = Field(min_length=1)
    confidence: Confidence
    notes: list[str] = []


class Otherwise(BaseModel):
    model_config = _STRICT
    classification: str
    paragraph: str
    description: str


class Places(BaseModel):
    """A set of destinations (or headquarters countries) defined by codes and groups.

    Matches when the country is listed in ``countries``, or belongs to any of ``groups_any``
    (all countries if ``everywhere``), and is neither in ``countries_none`` nor in any of
    ``groups_none``. Group membership is read on the evaluation date.
    """

    model_config = _STRICT
    everywhere: bool = False
    countries: list[str] = []
    groups_any: list[str] = []
    groups_none: list[str] = []
    countries_none: list[str] = []
    label: Optional[str] = None

    @field_validator("groups_any", "groups_none")
    @classmethod
    def _groups(cls, groups: list[str]) -> list[str]:
        for g in groups:
            if g not in ALL_GROUPS:
                raise ValueError(f"unknown country group '{g}' (expected one of {', '.join(ALL_GROUPS)})")
        return groups

    @field_validator("countries", "countries_none")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        for c in codes:
            if len(c) != 2 or not c.isupper():
                raise ValueError(f"'{c}' is not an ISO 3166-1 alpha-2 code (expected two capital letters)")
        return codes


class ReviewPolicy(Dated):
    """How BIS reviews a licence application; the first matching entry wins."""

    id: str
    policy: ReviewPolicyName
    destination: Optional[Places] = None
    end_user_hq: Optional[Places] = None
    product: Optional[Condition] = None
    exports_from_us_only: bool = False
    conditions: list[str] = []  # the conditions attached to approvals (certifications etc.)
    citation: str
    confidence: Confidence


class LicenceRequirement(Dated):
    """When a classification needs a licence: by destination and/or end user's headquarters."""

    id: str
    classifications: list[str] = Field(min_length=1)
    product: Optional[Condition] = None
    destination: Optional[Places] = None
    end_user_hq: Optional[Places] = None
    description: str
    review_policies: list[ReviewPolicy] = []
    default_review_policy: ReviewPolicyName = "not_stated"
    citation: str
    confidence: Confidence

    @model_validator(mode="after")
    def _needs_a_place(self) -> "LicenceRequirement":
        if self.destination is None and self.end_user_hq is None:
            raise ValueError("a licence requirement needs 'destination' or 'end_user_hq' (or both)")
        return self


class LicenceException(Dated):
    """A licence exception (NAC, ACA, HBM, LPP, AIA ...) and when it is available."""

    id: str
    name: str
    classifications: list[str] = Field(min_length=1)
    exclude_paragraphs: list[str] = []  # e.g. the foundry presumption, which bars NAC/ACA
    product: Optional[Condition] = None
    destination: Optional[Places] = None  # where it may be used (None: anywhere)
    end_user_hq: Optional[Places] = None  # also usable for end users headquartered here
    not_destination: Optional[Places] = None  # where it may never be used
    end_user_hq_not: Optional[Places] = None  # end users whose headquarters exclude it
    notification_days: Optional[int] = Field(default=None, ge=0, le=3650)
    quantity_limit_tpp: Optional[float] = Field(default=None, gt=0, le=1e15)
    quantity_period: Optional[str] = None
    conditions: list[str] = []
    citation: str
    confidence: Confidence


class ProductFlag(Dated):
    """A warning tied to named products or to classifications rather than to a licence requirement.

    ``prohibition`` (General Prohibition 10 for Huawei Ascend 910B/C/D): the determination says a
    BIS authorization is needed for every destination and lists no licence exception, since none
    cures GP10. ``note``: guidance shown where it binds (diversion red flags, the policy on
    training AI models for D:5/Macau parties). Part-number patterns (``*`` and ``?``) are compared on
    ``identity_key`` with the part number, the name, and vendor plus name; ``places`` is matched
    against the destination or the end user's headquarters (None: every destination).
    """

    id: str = Field(min_length=1)
    kind: Literal["prohibition", "note"]
    title: str = Field(min_length=1)
    part_numbers: list[str] = Field(default=[], max_length=200)
    classifications: list[str] = Field(default=[], max_length=50)
    places: Optional[Places] = None
    description: str = Field(min_length=1)
    citation: str = Field(min_length=1)
    confidence: Confidence

    @model_validator(mode="after")
    def _targets(self) -> "ProductFlag":
        if not self.part_numbers and not self.classifications:
            raise ValueError("a product flag needs part_numbers or classifications")
        if any(not p.strip() for p in self.part_numbers):
            raise ValueError("part_numbers must not contain empty patterns")
        return self


class Regime(BaseModel):
    """One version of the rules, as a ruleset file in rulesets/."""

    model_config = _STRICT
    schema_version: Literal[1]
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]+$")
    title: str
    jurisdiction: Literal["US"]
    status: Status
    enforced: bool  # whether BIS enforces it (codified-but-not-enforced: AI diffusion after 2025-05-13)
    # Whose obligations the regime describes: the foundry due-diligence rule binds front-end fabs
    # and OSATs, so it is never "the regime in force" for an exporter's deal or catalog default.
    audience: Literal["exporters", "foundries"] = "exporters"
    effective_from: date
    effective_to: Optional[date] = None  # exclusive; None while in force
    supersedes: list[str] = []
    summary: str
    sources: list[Source] = Field(min_length=1)
    interpretations: list[str] = []
    rules: list[Rule]
    otherwise: Otherwise
    licence_requirements: list[LicenceRequirement] = []
    licence_exceptions: list[LicenceException] = []
    product_flags: list[ProductFlag] = []
    notes: list[str] = []

    @model_validator(mode="after")
    def _dates_and_ids(self) -> "Regime":
        if self.effective_to is not None and self.effective_to <= self.effective_from:
            raise ValueError("effective_to must be after effective_from")
        # An id may repeat only for entries whose date windows do not overlap (e.g. NAC before and
        # after the April 2024 split): at any date each id means one thing.
        for kind, items in (("rule", self.rules), ("licence requirement", self.licence_requirements),
                            ("licence exception", self.licence_exceptions), ("product flag", self.product_flags)):
            seen: dict[str, list[Dated]] = {}
            for item in items:
                for other in seen.get(item.id, []):
                    if _overlap(item, other):
                        raise ValueError(f"duplicate {kind} id '{item.id}' with overlapping valid_from/valid_to")
                seen.setdefault(item.id, []).append(item)
        return self


def _overlap(a: Dated, b: Dated) -> bool:
    lo = max(a.valid_from or date.min, b.valid_from or date.min)
    hi = min(a.valid_to or date.max, b.valid_to or date.max)
    return lo < hi
