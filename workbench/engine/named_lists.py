"""Dated reference data beside the regimes: named-entity lists and the in-force dates of rules.

Data: rulesets/named-lists.data.yaml (a ``.data.yaml`` file, so the regime loader skips it; it
still travels in the signed rule bundle with the regimes). Validated strictly like a ruleset:
unknown keys refused, dates real dates, every list, entry and period with its citation and a
confidence tag. Lists whose names were not found in the sources read are kept empty and say so
(``entries_found: false``): an empty list then never reads as "nobody is approved".

Used by: the UAE approved-entity condition of us-h200-2026-01 / us-d5hq-guidance-2026-05, the
foundry rule's authorized/approved IC designers and OSATs, and the Affiliates rule's dates
(:func:`rule_in_force`, :func:`affiliates_rule_in_force`), which the ownership screening calls.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator

from workbench.engine.identity import identity_key
from workbench.engine.loader import parse_data_file
from workbench.engine.ruleset import Confidence

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True)
AFFILIATES_RULE = "affiliates-rule"


class Cited(BaseModel):
    model_config = _STRICT
    citation: str = Field(min_length=1)
    confidence: Confidence
    url: Optional[str] = None


class Entry(Cited):
    """One named party, listed from ``added`` and (if removed) up to the day before ``removed``."""

    name: str = Field(min_length=1, max_length=300)
    country: Optional[str] = Field(default=None, pattern=r"^[A-Z]{2}$")
    added: Optional[date] = None
    removed: Optional[date] = None  # exclusive

    def listed_on(self, day: date) -> bool:
        return (self.added is None or day >= self.added) and (self.removed is None or day < self.removed)


class Deadline(Cited):
    id: str = Field(min_length=1)
    due: date
    description: str = Field(min_length=1)


class NamedList(Cited):
    """A list of parties a rule names (an EAR supplement, or a list a rule refers to)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    cfr: Optional[str] = None
    used_by: list[str] = []  # regime ids or rule ids that read this list
    entries_found: bool  # False: the names were not in the sources read (the list is not "empty")
    entries: list[Entry] = Field(default=[], max_length=100_000)
    deadlines: list[Deadline] = Field(default=[], max_length=100)
    notes: list[str] = []

    @model_validator(mode="after")
    def _consistent(self) -> "NamedList":
        if not self.entries_found and self.entries:
            raise ValueError("entries given but entries_found is false")
        return self

    def listed(self, name: str, day: date) -> Optional[bool]:
        """Whether ``name`` (compared on identity_key) is listed on ``day``; None when the list's
        contents are unknown (never a silent "not listed")."""
        if not self.entries_found:
            return None
        key = identity_key(name)
        return any(identity_key(e.name) == key and e.listed_on(day) for e in self.entries)


class Period(Cited):
    """A span of a rule's life: ``start`` inclusive, ``end`` exclusive (None: open-ended)."""

    start: date
    end: Optional[date] = None
    in_force: bool
    note: Optional[str] = None

    def covers(self, day: date) -> bool:
        return day >= self.start and (self.end is None or day < self.end)


class RuleStatus(BaseModel):
    """When a rule (not a regime of its own) binds: consecutive periods, no gaps, no overlaps."""

    model_config = _STRICT
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    periods: list[Period] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _contiguous(self) -> "RuleStatus":
        for before, after in zip(self.periods, self.periods[1:]):
            if before.end is None or before.end != after.start:
                raise ValueError(f"rule '{self.id}': periods must follow each other without gap or overlap "
                                 f"({before.start}..{before.end} then {after.start}..)")
        return self

    def period_on(self, day: date) -> Optional[Period]:
        return next((p for p in self.periods if p.covers(day)), None)


class NamedLists(BaseModel):
    model_config = _STRICT
    schema_version: Literal[1]
    kind: Literal["named_lists"]
    lists: list[NamedList]
    rules: list[RuleStatus]

    @model_validator(mode="after")
    def _unique(self) -> "NamedLists":
        for what, ids in (("list", [x.id for x in self.lists]), ("rule", [r.id for r in self.rules])):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"duplicate {what} id: {', '.join(dupes)}")
        return self

    def named(self, list_id: str) -> NamedList:
        for x in self.lists:
            if x.id == list_id:
                return x
        raise KeyError(f"no named list '{list_id}' (expected one of {', '.join(x.id for x in self.lists)})")

    def rule(self, rule_id: str) -> RuleStatus:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(f"no rule status '{rule_id}' (expected one of {', '.join(r.id for r in self.rules)})")


def parse_named_lists(data: bytes, name: str = "named-lists.data.yaml") -> NamedLists:
    """Validate the data file; errors name the file, the key path and what was expected."""
    return parse_data_file(data, name, NamedLists)


def rule_in_force(lists: NamedLists, rule_id: str, day: date) -> bool:
    """Is the rule in force on ``day``? False before its first period (it did not exist yet)."""
    period = lists.rule(rule_id).period_on(day)
    return period is not None and period.in_force


def affiliates_rule_in_force(lists: NamedLists, day: date) -> bool:
    """Is the Affiliates rule (50 % ownership by Entity List / MEU / certain SDN parties; 90 FR
    47201) in force on ``day``? In force 2025-09-29 to 2025-11-09, suspended 2025-11-10 to
    2026-11-09, in force again from 2026-11-10 by the suspension's own terms (no extension found).
    The period's citation and confidence: ``lists.rule(AFFILIATES_RULE).period_on(day)``."""
    return rule_in_force(lists, AFFILIATES_RULE, day)
