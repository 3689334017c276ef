"""Is-informed letters: company-specific licence requirements layered over any regime.

BIS can tell one company by letter that an item needs a licence (15 CFR 744.23-style "is
informed"), with no Federal Register rule and no public thresholds. A letter binds only its
addressee, so it is not a regime: it is an overlay on a regime's determination. This module is
pure (pydantic + zoneinfo): the letter model, criteria evaluation (the engine's condition trees
over ``compute_metrics``), destinations (``Places`` matched on the country table), the status
machine and deadline maths. The store, the services, the CLI and the GUI render what it returns.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable, Literal, Optional, Sequence, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from workbench.engine.conditions import INDETERMINATE, MET, NOT_MET, Condition, Criterion, Evaluator, format_value, compile_condition
from workbench.engine.countries import CountryTable
from workbench.engine.determine import Determination, jsonable, explain
from workbench.engine.metrics import Metrics, compute_metrics
from workbench.engine.places import describe as describe_places
from workbench.engine.places import matches
from workbench.engine.ruleset import Confidence, Places, ReviewPolicyName
from workbench.engine.spec import ProductSpec

AGENCY_TZ = "America/New_York"  # BIS deadlines are dates in Washington's calendar
_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True)

Status = Literal["received", "under_review", "response_due", "licence_applied", "granted", "denied", "withdrawn",
                 "closed"]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
STATUS_LABELS = {"received": "received", "under_review": "under review", "response_due": "response due",
                 "licence_applied": "licence applied", "granted": "granted", "denied": "denied",
                 "withdrawn": "withdrawn", "closed": "closed"}
# The life of a letter (issue 5): received -> under review -> response due -> licence applied ->
# granted / denied / withdrawn -> closed. Review may go straight to an application; nothing
# re-opens a closed letter (a new letter is a new record).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("under_review",),
    "under_review": ("response_due", "licence_applied"),
    "response_due": ("licence_applied",),
    "licence_applied": ("granted", "denied", "withdrawn"),
    "granted": ("closed",),
    "denied": ("closed",),
    "withdrawn": ("closed",),
    "closed": (),
}
ApplicationStatus = Literal["draft", "submitted", "returned_without_action", "approved", "denied", "withdrawn"]


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
    quantity: Optional[int] = Field(default=None, ge=0)
    value_usd: Optional[float] = Field(default=None, ge=0)
    note: Optional[str] = None


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
                           ("application number", [a.number for a in self.applications])):
            dupes = sorted({k for k in keys if keys.count(k) > 1})
            if dupes:
                raise ValueError(f"duplicate {what}: {', '.join(dupes)}")
        return self

    @property
    def is_open(self) -> bool:
        return self.status != "closed"

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


# --- status machine -------------------------------------------------------------------------------

class TransitionRefused(ValueError):
    """A status change the machine does not allow; the message says why and what is allowed."""


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS:
        raise TransitionRefused(f"'{target}' is not a letter status (expected one of {', '.join(STATUSES)})")
    if target == current:
        raise TransitionRefused(f"the letter is already {STATUS_LABELS[current]}")
    allowed = TRANSITIONS[current]
    if target not in allowed:
        if not allowed:
            raise TransitionRefused(f"a closed letter cannot change status (it was {STATUS_LABELS[current]}; "
                                    "record a new letter instead)")
        raise TransitionRefused(f"cannot go from {STATUS_LABELS[current]} to {STATUS_LABELS[target]} "
                                f"(expected {' or '.join(STATUS_LABELS[a] for a in allowed)})")


def transition(letter: Letter, target: str, on: date, note: Optional[str] = None) -> Letter:
    """The letter in its new status with the change in its history, or TransitionRefused."""
    check_transition(letter.status, target)
    if target == "licence_applied" and not letter.applications:
        raise TransitionRefused("cannot mark a licence as applied for: record the licence application first")
    if target in ("granted", "denied") and not any(a.status in ("approved", "denied") for a in letter.applications):
        raise TransitionRefused(f"cannot mark the letter {STATUS_LABELS[target]}: no linked application is "
                                "approved or denied yet (update the application first)")
    last = letter.history[-1].on if letter.history else letter.received
    if on < last:
        raise TransitionRefused(f"the change date {on} is before the previous event ({last})")
    events = [*letter.history, StatusEvent(status=target, on=on, note=note)]  # type: ignore[arg-type]
    return revalidate(letter, status=target, history=events)


# --- deadlines ------------------------------------------------------------------------------------

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


# --- coverage: which products a letter catches ----------------------------------------------------

@dataclass(frozen=True)
class CompiledLetter:
    letter: Letter
    criteria: tuple[tuple[LetterCriterion, Evaluator], ...]
    patterns: tuple[str, ...]
    where: str = ""  # the destinations, described once
    hq_where: str = ""
    # (destination, end-user HQ, day, country table) -> place_result: a catalog is judged for one
    # destination at a time, so each letter matches the places once
    places_seen: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, letter: Letter) -> "CompiledLetter":
        crits = tuple((c, compile_condition(c.condition, f"{letter.ref}:{c.id}")) for c in letter.covered.criteria)
        return cls(letter, crits, tuple(p.strip().casefold() for p in letter.covered.part_numbers),
                   describe_places(letter.destinations),
                   describe_places(letter.end_user_hq) if letter.end_user_hq else "")


LetterLike = Union[Letter, CompiledLetter]


def compile_letters(letters: Iterable[LetterLike]) -> list[CompiledLetter]:
    return [x if isinstance(x, CompiledLetter) else CompiledLetter.build(x) for x in letters]


@dataclass(frozen=True)
class ProductCoverage:
    """Whether a product is covered by a letter, with the trace; the sentences are built on demand
    (a dashboard over 100,000 products needs only ``result``)."""

    ref: str
    part_number: str
    result: str  # met (covered) / not met / indeterminate (a figure the criteria need is missing)
    listed: Optional[str]  # the part-number entry (or pattern) that lists the product
    met: tuple[tuple[LetterCriterion, tuple[Criterion, ...]], ...]  # criteria met, each with its leaves
    criteria: tuple[Criterion, ...]
    confidence: str
    missing: tuple[str, ...]

    @cached_property
    def matched(self) -> tuple[str, ...]:
        """Which criterion (or the part-number list) caught the product, in full."""
        out = []
        if self.listed is not None:
            pattern = self.listed != self.part_number.strip().casefold()
            out.append(f"part number {self.part_number} is listed in the letter"
                       + (f" (pattern {self.listed})" if pattern else ""))
        for crit, leaves in self.met:
            out.append(f"{crit.description} [{crit.id}]: {_met_text(crit, leaves)}")
        return tuple(out)

    @cached_property
    def brief(self) -> tuple[str, ...]:
        """The same, short: 'memory bandwidth 4,000 ≥ 4,000 (unverified)'."""
        return (("part number listed",) if self.listed is not None else ()) + tuple(
            _met_text(crit, leaves) for crit, leaves in self.met)


_SYM = {">=": "≥", "<=": "≤", "!=": "≠", "==": "="}
_SHORT = {"memory_bandwidth_gbs": "memory bandwidth", "interconnect_bandwidth_gbs": "interconnect bandwidth",
          "tpp": "TPP", "performance_density": "PD"}
_ORDER = {"primary": 0, "secondary": 1, "unverified": 2}


def phrase(c: Criterion) -> str:
    value = "unknown" if c.value is None else format_value(c.value)
    return f"{_SHORT.get(c.metric, c.label or c.metric)} {value} {_SYM.get(c.op, c.op)} {format_value(c.threshold)}"


def _met_text(crit: LetterCriterion, leaves: tuple[Criterion, ...]) -> str:
    text = " and ".join(phrase(c) for c in leaves if c.result == MET) or crit.description
    return text + (f" ({crit.confidence})" if crit.confidence != "primary" else "")


def coverage(compiled: CompiledLetter, spec: ProductSpec, metrics: Optional[Metrics] = None) -> ProductCoverage:
    """Is this product covered by the letter? Every criterion is evaluated, so the trace is complete."""
    m = metrics or compute_metrics(spec)
    listed = None
    if compiled.patterns:
        part = spec.part_number.strip().casefold()
        listed = next((p for p in compiled.patterns if fnmatch.fnmatchcase(part, p)), None)
    trace: list[Criterion] = []
    met, level, missing, unsure = [], "primary", set(), False
    for crit, evaluate in compiled.criteria:
        start = len(trace)
        result = evaluate(m, trace)
        if result == MET:
            met.append((crit, tuple(trace[start:])))
            if _ORDER[crit.confidence] > _ORDER[level]:
                level = crit.confidence
        elif result == INDETERMINATE:
            unsure = True
            for c in trace[start:]:
                if c.result == INDETERMINATE:
                    missing.update(m.missing.get(c.metric, (c.metric,)))
    if listed is not None:  # named in the letter: the criteria's reading does not matter
        result, level = MET, "primary"
    elif met:
        result = MET
    else:
        result = INDETERMINATE if unsure else NOT_MET
    return ProductCoverage(compiled.letter.ref, spec.part_number, result, listed, tuple(met), tuple(trace), level,
                           tuple(sorted(missing)))


def _tri(value: Optional[bool]) -> str:
    return INDETERMINATE if value is None else (MET if value else NOT_MET)


def place_result(letter: Letter | CompiledLetter, countries: CountryTable, destination: Optional[str],
                 end_user_hq: Optional[str], day: date) -> tuple[str, str]:
    """(result, reason) for the letter's destinations and its end-user headquarters rule."""
    compiled = letter if isinstance(letter, CompiledLetter) else CompiledLetter.build(letter)
    key = (destination, end_user_hq, day, id(countries))
    seen = compiled.places_seen.get(key)
    if seen is None:
        seen = compiled.places_seen[key] = _place_result(compiled, countries, destination, end_user_hq, day)
    return seen


def _place_result(compiled: CompiledLetter, countries: CountryTable, destination: Optional[str],
                  end_user_hq: Optional[str], day: date) -> tuple[str, str]:
    letter = compiled.letter
    if destination is None and end_user_hq is None:
        return INDETERMINATE, "no destination or end-user headquarters given"
    where = compiled.where
    results, reasons = [], []
    if destination is not None:
        r = _tri(matches(letter.destinations, countries, destination, day))
        results.append(r)
        reasons.append(f"destination {destination.upper()} " + {MET: "is in", NOT_MET: "is not in",
                                                                INDETERMINATE: "may be in"}[r] + f" {where}")
    if end_user_hq is not None and letter.end_user_hq is not None:
        r = _tri(matches(letter.end_user_hq, countries, end_user_hq, day))
        results.append(r)
        reasons.append(f"end user headquartered in {end_user_hq.upper()} " + {
            MET: "is covered by", NOT_MET: "is not covered by", INDETERMINATE: "may be covered by"}[r]
            + f" the headquarters rule ({compiled.hq_where})")
    if MET in results:
        return MET, "; ".join(r for r in reasons if " is in " in r or "is covered by" in r)
    return (INDETERMINATE if INDETERMINATE in results else NOT_MET), "; ".join(reasons)


# --- the overlay on a determination ---------------------------------------------------------------

BINDS, MAY_BIND, DOES_NOT_BIND = "binds", "may bind", "does not bind"


@dataclass(frozen=True)
class LetterMatch:
    """One letter's verdict on one determination. The sentences (``reason``, ``matched``,
    ``brief``) are built when first read: a catalog view needs only ``result``."""

    ref: str
    addressee: str
    status: str
    result: str  # binds / may bind / does not bind
    product_result: str
    place_result: str
    criteria: tuple[Criterion, ...]
    review_policy: str
    confidence: str
    missing: tuple[str, ...]
    cov: Optional[ProductCoverage] = field(default=None, repr=False, compare=False)
    why: str = ""  # the places' reason (binds / may bind), or the whole reason (does not bind)

    @cached_property
    def matched(self) -> tuple[str, ...]:
        """The criteria (or part-number listing) that caught the product, in full."""
        return self.cov.matched if self.cov is not None and self.result != DOES_NOT_BIND else ()

    @cached_property
    def brief(self) -> tuple[str, ...]:
        """The same, short: 'memory bandwidth 4,000 ≥ 4,000 (unverified)'."""
        return self.cov.brief if self.cov is not None and self.result != DOES_NOT_BIND else ()

    @cached_property
    def reason(self) -> str:
        if self.result == BINDS:
            return f"licence required under letter {self.ref}: {self.why}; {'; '.join(self.matched)}"
        if self.result == MAY_BIND:
            doubt = f"missing {', '.join(self.missing)}" if self.product_result == INDETERMINATE else self.why
            return f"letter {self.ref} may apply ({doubt})"
        return self.why

    def to_json(self) -> dict:
        data = {f.name: jsonable(getattr(self, f.name)) for f in fields(self) if f.name not in ("cov", "why")}
        data.update(reason=self.reason, matched=list(self.matched), brief=list(self.brief))
        return data


@dataclass(frozen=True)
class LetterOverlay:
    """A determination's licence position once the company's open letters are applied.

    ``license_reasons`` and ``explanation`` are built when first read.
    """

    part_number: str
    regime: str
    destination: Optional[str]
    end_user_hq: Optional[str]
    as_of: date
    letters: tuple[LetterMatch, ...]
    base_license_required: Optional[bool]
    license_required: Optional[bool]
    review_policy: Optional[str]
    confidence: str  # the determination's, lowered to the weakest reading a binding letter relied on
    det: Determination = field(repr=False, compare=False)

    @property
    def binding(self) -> tuple[LetterMatch, ...]:
        return tuple(m for m in self.letters if m.result == BINDS)

    @property
    def maybe(self) -> tuple[LetterMatch, ...]:
        return tuple(m for m in self.letters if m.result == MAY_BIND)

    @property
    def changed(self) -> bool:
        return self.license_required != self.base_license_required or bool(self.binding)

    @cached_property
    def license_reasons(self) -> tuple[str, ...]:
        det, binding, maybe = self.det, self.binding, self.maybe
        reasons = list(det.license_reasons)
        if binding:
            if det.license_required is not True:
                reasons = [r for r in reasons if not r.startswith("No licence requirement of ")]
            reasons += [f"Licence required under letter {x.ref} (addressed to {x.addressee}): "
                        f"{'; '.join(x.matched)}" for x in binding]
        else:
            reasons += [x.reason for x in maybe]
        return tuple(reasons)

    @cached_property
    def explanation(self) -> str:
        det, binding, maybe = self.det, self.binding, self.maybe
        if not binding and (not maybe or det.license_required is True):
            return det.explanation
        head = explain(replace(det, license_required=None))
        if not binding:
            return head + "; " + "; ".join(x.reason for x in maybe)
        refs = ", ".join(x.ref for x in binding)
        crit = "; ".join(s for x in binding for s in x.brief)
        if det.license_required is True:
            return det.explanation + f"; also under letter {refs} ({crit})"
        where = " / ".join(filter(None, [det.destination,
                                         det.end_user_hq and f"end user headquartered in {det.end_user_hq}"]))
        return head + f"; licence required for {where} under letter {refs} ({crit})"

    def to_json(self) -> dict:
        data = {f.name: jsonable(getattr(self, f.name)) for f in fields(self) if f.name not in ("det", "letters")}
        data.update(letters=[m.to_json() for m in self.letters], license_reasons=list(self.license_reasons),
                    explanation=self.explanation, binding=[m.ref for m in self.binding], changed=self.changed)
        return data

    def apply_to(self, det_json: dict) -> dict:
        """A determination's JSON with the licence position replaced by the letter-adjusted one.

        The regime-only position is kept under ``regime_only`` so nothing is hidden.
        """
        out = dict(det_json)
        out["regime_only"] = {k: det_json.get(k) for k in ("license_required", "license_reasons", "review_policy",
                                                           "explanation", "confidence")}
        out.update(license_required=self.license_required, license_reasons=list(self.license_reasons),
                   review_policy=self.review_policy, explanation=self.explanation, confidence=self.confidence,
                   letters=self.to_json())
        return out


def match_letter(compiled: CompiledLetter, det: Determination, spec: ProductSpec, countries: CountryTable,
                 day: Optional[date] = None, metrics: Optional[Metrics] = None,
                 exporter: Optional[str] = None) -> LetterMatch:
    letter = compiled.letter
    day = day or det.as_of

    def verdict(result: str, why: str, cov: Optional[ProductCoverage] = None, place: str = NOT_MET) -> LetterMatch:
        return LetterMatch(letter.ref, letter.addressee, letter.status, result, cov.result if cov else NOT_MET, place,
                           cov.criteria if cov else (), letter.requirement.review_policy,
                           cov.confidence if cov else "primary", cov.missing if cov else (), cov, why)

    if not letter.is_open:
        return verdict(DOES_NOT_BIND, f"letter {letter.ref} is closed")
    if not letter.requirement.licence_required:
        return verdict(DOES_NOT_BIND, f"letter {letter.ref} imposes no licence requirement")
    if day < letter.effective:
        return verdict(DOES_NOT_BIND, f"letter {letter.ref} takes effect on {letter.effective}, after {day}")
    if exporter is not None and exporter.strip().casefold() != letter.addressee.strip().casefold():
        return verdict(DOES_NOT_BIND, f"letter {letter.ref} is addressed to {letter.addressee}, not to {exporter}")
    cov = coverage(compiled, spec, metrics)
    if cov.result == NOT_MET:
        return verdict(DOES_NOT_BIND, f"{spec.part_number} is not covered by letter {letter.ref}", cov)
    place, where = place_result(compiled, countries, det.destination, det.end_user_hq, day)
    if place == NOT_MET:
        return verdict(DOES_NOT_BIND, where, cov, place)
    return verdict(BINDS if cov.result == MET and place == MET else MAY_BIND, where, cov, place)


def apply_letters(det: Determination, spec: ProductSpec, letters: Sequence[LetterLike], countries: CountryTable,
                  on: Optional[date] = None, metrics: Optional[Metrics] = None,
                  exporter: Optional[str] = None) -> LetterOverlay:
    """Layer the open letters over ``det``: which bind, what matched, and the adjusted licence position.

    ``on`` defaults to the determination's own date, so a regime read before a letter's effective
    date is not changed by it. A binding letter makes a licence required even where the regime
    needs none; a letter that may bind (a figure is missing) makes a "no licence" indeterminate.
    ``exporter``: when given, only letters addressed to that company bind.
    """
    m = metrics or compute_metrics(spec)
    found = tuple(match_letter(c, det, spec, countries, on, m, exporter) for c in compile_letters(letters))
    binding = [x for x in found if x.result == BINDS]
    maybe = [x for x in found if x.result == MAY_BIND]
    required, review, confidence = det.license_required, det.review_policy, det.confidence
    if binding:
        if required is not True:
            review = binding[0].review_policy
        required = True
    elif maybe and required is False:
        required = None
    relied = [x.confidence for x in (binding or maybe)]
    if relied:
        confidence = max([confidence, *relied], key=_ORDER.__getitem__)
    return LetterOverlay(det.part_number, det.regime, det.destination, det.end_user_hq, on or det.as_of, found,
                         det.license_required, required, review, confidence, det)


def overlay_position(det: Determination, overlay: LetterOverlay) -> str:
    """Like compare.position(), with the letters: e.g. 'not-3A090 / licence under letter REF'."""
    from workbench.engine.compare import position

    if not overlay.binding:
        return position(det) if overlay.license_required == det.license_required else (
            position(det).split(" / ")[0] + " / letter may apply")
    refs = ",".join(x.ref for x in overlay.binding)
    if det.license_required is True:
        return position(det) + f" / also letter {refs}"
    return (det.paragraph or det.classification) + f" / licence under letter {refs}"


# --- catalog-level questions ----------------------------------------------------------------------

@dataclass(frozen=True)
class Catch:
    part_number: str
    ref: str
    result: str  # met or indeterminate
    before: str  # "new product", "not covered", "indeterminate"
    matched: tuple[str, ...]
    missing: tuple[str, ...]


def newly_caught(letters: Sequence[LetterLike], after: Iterable[ProductSpec],
                 before: Optional[Iterable[ProductSpec]] = None) -> list[Catch]:
    """Products that meet an open letter's criteria now but did not before (or are new).

    Indeterminate results are reported too (a missing figure may hide a catch); a product that
    was already covered is not news.
    """
    compiled = [c for c in compile_letters(letters) if c.letter.is_open and c.letter.requirement.licence_required]
    old = {s.part_number: s for s in (before or ())}
    out = []
    for spec in after:
        m = compute_metrics(spec)
        prev_spec = old.get(spec.part_number)
        prev_m = compute_metrics(prev_spec) if prev_spec is not None else None
        for c in compiled:
            now = coverage(c, spec, m)
            if now.result == NOT_MET:
                continue
            was = coverage(c, prev_spec, prev_m).result if prev_spec is not None else None
            if was == MET or was == now.result:
                continue
            out.append(Catch(spec.part_number, c.letter.ref, now.result,
                             "new product" if was is None else ("not covered" if was == NOT_MET else "indeterminate"),
                             now.matched, now.missing))
    return out


@dataclass(frozen=True)
class TimelineEvent:
    on: date
    ref: str
    kind: str  # received, effective, status, deadline, application
    label: str


@dataclass(frozen=True)
class Dashboard:
    by_status: dict[str, tuple[str, ...]]
    due_soon: tuple[DeadlineView, ...]
    overdue: tuple[DeadlineView, ...]
    affected: dict[str, tuple[str, ...]]  # ref -> part numbers covered
    possibly_affected: dict[str, tuple[str, ...]]  # ref -> part numbers with a missing figure
    timeline: tuple[TimelineEvent, ...]

    def to_json(self) -> dict:
        return {f.name: jsonable(getattr(self, f.name)) if not isinstance(getattr(self, f.name), dict)
                else {k: jsonable(v) for k, v in getattr(self, f.name).items()} for f in fields(self)}


def timeline(letter: Letter) -> list[TimelineEvent]:
    ev = [TimelineEvent(letter.received, letter.ref, "received", "letter received"),
          TimelineEvent(letter.effective, letter.ref, "effective", "licence requirement takes effect")]
    ev += [TimelineEvent(h.on, letter.ref, "status", STATUS_LABELS[h.status] + (f": {h.note}" if h.note else ""))
           for h in letter.history]
    ev += [TimelineEvent(d.due, letter.ref, "deadline", d.label + (" (done)" if d.done_on else "")) for d in letter.deadlines]
    for a in letter.applications:
        if a.submitted:
            ev.append(TimelineEvent(a.submitted, letter.ref, "application", f"application {a.number} submitted"))
        if a.decided:
            ev.append(TimelineEvent(a.decided, letter.ref, "application",
                                    f"application {a.number} {a.status.replace('_', ' ')}"))
    return ev


def dashboard(letters: Sequence[Letter], specs: Sequence[ProductSpec], now: datetime, user_tz: str,
              horizon_days: int = 30) -> Dashboard:
    """Data for the letters dashboard: by status, deadlines due within ``horizon_days`` (agency
    calendar days, today included) and overdue ones (open letters, deadlines not done), products
    covered per open letter, and a timeline of every letter."""
    by_status = {s: tuple(sorted(x.ref for x in letters if x.status == s)) for s in STATUSES}
    views = [deadline_view(x, d, now, user_tz) for x in letters if x.is_open for d in x.deadlines if d.done_on is None]
    views.sort(key=lambda v: (v.cutoff_utc, v.ref, v.id))
    metrics = [(s, compute_metrics(s)) for s in specs]
    affected, possible = {}, {}
    for c in compile_letters([x for x in letters if x.is_open]):
        cov = [coverage(c, s, m) for s, m in metrics]
        affected[c.letter.ref] = tuple(x.part_number for x in cov if x.result == MET)
        possible[c.letter.ref] = tuple(x.part_number for x in cov if x.result == INDETERMINATE)
    events = sorted((e for x in letters for e in timeline(x)), key=lambda e: (e.on, e.ref, e.kind))
    return Dashboard(by_status, tuple(v for v in views if not v.overdue and v.days_left <= horizon_days),
                     tuple(v for v in views if v.overdue), affected, possible, tuple(events))
