"""The letter model: criteria, coverage, requirements, deadlines, applications, status events.

A letter is data validated strictly (unknown keys refused), like a ruleset."""

from __future__ import annotations

from datetime import date
from typing import Literal, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from workbench.engine.conditions import Condition
from workbench.engine.ruleset import Confidence, Places, ReviewPolicyName


# Stated ranges of a letter's figures: units and US dollars of one licence application.
MAX_UNITS = 10**9
MAX_VALUE_USD = 1e12
AGENCY_TZ = "America/New_York"  # BIS deadlines are dates in Washington's calendar
_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True)

Status = Literal["received", "under_review", "response_due", "licence_applied", "granted", "denied", "withdrawn",
                 "closed", "recorded_in_error"]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
STATUS_LABELS = {"received": "received", "under_review": "under review", "response_due": "response due",
                 "licence_applied": "licence applied", "granted": "granted", "denied": "denied",
                 "withdrawn": "withdrawn", "closed": "closed",
                 "recorded_in_error": "withdrawn (recorded in error)"}
# "withdrawn" is the licence application's withdrawal (after licence applied). A letter that was
# recorded by mistake (a typo, a letter for another company, the demo's sample) is withdrawn as
# "recorded_in_error" instead: allowed from any status with a reason, final, and it binds nothing.
RECORDED_IN_ERROR = "recorded_in_error"
FINAL_STATUSES = ("closed", RECORDED_IN_ERROR)
# The life of a letter: received -> under review -> response due -> licence applied ->
# granted / denied / withdrawn -> closed. Review may go straight to an application; nothing
# re-opens a closed letter (a new letter is a new record).
_LIFE: dict[str, tuple[str, ...]] = {
    "received": ("under_review",),
    "under_review": ("response_due", "licence_applied"),
    "response_due": ("licence_applied",),
    "licence_applied": ("granted", "denied", "withdrawn"),
    "granted": ("closed",),
    "denied": ("closed",),
    "withdrawn": ("closed",),
    "closed": (),
}
# Every status may also end as recorded in error (a closed letter too: the record was the mistake).
TRANSITIONS: dict[str, tuple[str, ...]] = {**{s: (*nxt, RECORDED_IN_ERROR) for s, nxt in _LIFE.items()},
                                           RECORDED_IN_ERROR: ()}
# What a letter restricts (issue of June 2026: letters on frontier models reach remote access and
# foreign persons in the US, not only shipments). A letter binds only the activities and item kinds
# it names; a letter recorded before these fields existed covers the export, reexport and in-country
# transfer of hardware, which is what every earlier letter said.
Activity = Literal["export", "reexport", "in_country_transfer", "deemed_export", "remote_access"]
ACTIVITIES: tuple[str, ...] = Activity.__args__  # type: ignore[attr-defined]
ACTIVITY_LABELS = {"export": "export", "reexport": "reexport", "in_country_transfer": "transfer (in-country)",
                   "deemed_export": "release to foreign persons (deemed export or reexport)",
                   "remote_access": "remote or API access"}
ItemKind = Literal["hardware", "model_weights", "model_access"]
ITEM_KINDS: tuple[str, ...] = ItemKind.__args__  # type: ignore[attr-defined]
ITEM_KIND_LABELS = {"hardware": "hardware", "model_weights": "model weights", "model_access": "access to a model"}
DEFAULT_ACTIVITIES: tuple[str, ...] = ("export", "reexport", "in_country_transfer")
ApplicationStatus = Literal["draft", "submitted", "returned_without_action", "approved", "denied", "withdrawn"]


def status_problem(status: str, applications: "list[LicenceApplication]") -> Optional[str]:
    """Why a letter cannot be in ``status`` with these applications, or None. The one rule for both a
    status change and a letter recorded directly in a later status."""
    if status == "licence_applied" and not applications:
        return "cannot mark a licence as applied for: record the licence application first"
    if status in ("granted", "denied") and not any(a.status in ("approved", "denied") for a in applications):
        return (f"cannot mark the letter {STATUS_LABELS[status]}: no linked application is approved or denied yet "
                "(update the application first)")
    return None


class LetterCriterion(BaseModel):
    """One way a product is covered, e.g. "memory bandwidth >= the H20's 4,000 GB/s"."""

    model_config = _STRICT
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = Field(min_length=1)
    condition: Condition
    confidence: Confidence = "primary"
    note: Optional[str] = None


class Coverage(BaseModel):
    """Covered items: explicit part numbers (``*``/``?`` wildcards allowed) and/or criteria (any met)."""

    model_config = _STRICT
    part_numbers: list[str] = []
    criteria: list[LetterCriterion] = []

    @model_validator(mode="after")
    def _something(self) -> "Coverage":
        if not self.part_numbers and not self.criteria:
            raise ValueError("a letter must cover something: give part_numbers and/or criteria")
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate criterion id in {ids}")
        if any(not p.strip() for p in self.part_numbers):
            raise ValueError("part_numbers must not contain empty entries")
        return self


class Requirement(BaseModel):
    model_config = _STRICT
    licence_required: bool = True
    review_policy: ReviewPolicyName = "not_stated"
    conditions: list[str] = []
    note: Optional[str] = None


class Deadline(BaseModel):
    """A date in the issuing agency's time zone; due at the end of that day there."""

    model_config = _STRICT
    id: str = Field(min_length=1)
    label: str = Field(min_length=1)
    due: date
    done_on: Optional[date] = None


class LicenceApplication(BaseModel):
    model_config = _STRICT
    number: str = Field(min_length=1)
    status: ApplicationStatus = "draft"
    submitted: Optional[date] = None
    decided: Optional[date] = None
    items: list[str] = []  # part numbers
    destination: Optional[str] = None
    quantity: Optional[int] = Field(default=None, ge=0, le=MAX_UNITS)
    value_usd: Optional[float] = Field(default=None, ge=0, le=MAX_VALUE_USD)
    note: Optional[str] = None


class Exemption(BaseModel):
    """Parties a later letter took out of the requirement (e.g. "certain trusted partners")."""

    model_config = _STRICT
    description: str = Field(min_length=1, max_length=2000)
    parties: list[str] = Field(default=[], max_length=1000)  # names, compared on identity_key; empty: described only
    effective: Optional[date] = None
    source: Optional[str] = Field(default=None, max_length=500)  # e.g. "second letter of 2026-06-26"

    @field_validator("parties")
    @classmethod
    def _names(cls, names: list[str]) -> list[str]:
        if any(not n.strip() for n in names):
            raise ValueError("parties must not contain empty names")
        return names


class StatusEvent(BaseModel):
    model_config = _STRICT
    status: Status
    on: date
    note: Optional[str] = None


class Letter(BaseModel):
    """An is-informed letter as recorded (the scanned original lives in the store as an attachment)."""

    model_config = _STRICT
    ref: str = Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9 _./:#()-]*$")
    addressee: str = Field(min_length=1)  # our company or a subsidiary: a letter binds only its addressee
    agency: str = "BIS"
    agency_tz: str = AGENCY_TZ
    received: date
    effective: date
    legal_basis: str = Field(min_length=1)  # as stated in the letter ("not stated" is an answer)
    summary: str = Field(min_length=1)
    covered: Coverage
    destinations: Places
    end_user_hq: Optional[Places] = None  # companies headquartered (or with an ultimate parent) there
    requirement: Requirement = Requirement()
    activities: list[Activity] = Field(default=list(DEFAULT_ACTIVITIES), min_length=1, max_length=len(ACTIVITIES))
    item_kinds: list[ItemKind] = Field(default=["hardware"], min_length=1, max_length=len(ITEM_KINDS))
    exemptions: list[Exemption] = Field(default=[], max_length=100)
    status: Status = "received"
    history: list[StatusEvent] = []
    deadlines: list[Deadline] = []
    applications: list[LicenceApplication] = []
    notes: list[str] = []

    @field_validator("agency_tz")
    @classmethod
    def _zone(cls, name: str) -> str:
        zone(name)
        return name

    @model_validator(mode="after")
    def _unique(self) -> "Letter":
        for what, keys in (("deadline id", [d.id for d in self.deadlines]),
                           ("application number", [a.number for a in self.applications]),
                           ("activity", list(self.activities)), ("item kind", list(self.item_kinds))):
            dupes = sorted({k for k in keys if keys.count(k) > 1})
            if dupes:
                raise ValueError(f"duplicate {what}: {', '.join(dupes)}")
        return self

    @property
    def is_open(self) -> bool:
        """Still binding and still tracked: neither closed nor withdrawn as recorded in error."""
        return self.status not in FINAL_STATUSES

    @property
    def is_sample(self) -> bool:
        return self.summary.startswith("SAMPLE")

    def to_json(self) -> dict:
        """JSON-ready dict that validates back into an equal Letter (aliases such as ``is``/``not`` kept)."""
        import json

        return json.loads(self.model_dump_json(by_alias=True))


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{name}' (expected an IANA name such as America/New_York; "
                         "on Windows install the tzdata package)") from None


def revalidate(letter: Letter, **changes: object) -> Letter:
    """A copy with ``changes`` applied and validated again (model_copy would skip validation)."""
    data = letter.to_json()
    data.update({k: (v.to_json() if isinstance(v, Letter) else _plain(v)) for k, v in changes.items()})
    import json

    return Letter.model_validate_json(json.dumps(data, default=str))


def _plain(value: object) -> object:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
