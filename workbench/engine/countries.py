"""Dated EAR Country Group membership (A:5, A:6, D:1, D:3, D:4, D:5, Macau) and AI tiers.

Data: rulesets/countries.csv (from shared/reference/country-groups.csv, whose notes cite the
Federal Register rule behind every dated change). A cell is ``yes``, ``no``, ``?``,
``yes from YYYY-MM-DD`` (member on and after the date) or ``yes until YYYY-MM-DD`` (member up to
the day before). Membership is asked for a date, so e.g. the UAE is D:4 before 2026-07-10 and
A:5 from then on.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal, Optional

from workbench.errors import UserError

Group = Literal["A5", "A6", "D1", "D3", "D4", "D5", "MACAU", "TIER1", "TIER2", "TIER3"]
DATED_GROUPS = ("A5", "A6", "D1", "D3", "D4", "D5")
ALL_GROUPS: tuple[str, ...] = DATED_GROUPS + ("MACAU", "TIER1", "TIER2", "TIER3")
GROUP_LABELS = {"A5": "A:5", "A6": "A:6", "D1": "D:1", "D3": "D:3", "D4": "D:4", "D5": "D:5",
                "MACAU": "Macau", "TIER1": "Tier 1", "TIER2": "Tier 2", "TIER3": "Tier 3"}

# 15 CFR 772.1 "United States": the states, Puerto Rico and US territories/possessions are not
# export destinations. A shipment to one of these is not an export.
DOMESTIC = frozenset({"US", "AS", "GU", "MP", "PR", "VI", "UM"})

_CELL = re.compile(r"^(yes|no|\?)(?: (from|until) (\d{4}-\d{2}-\d{2}))?$")
_HEADER = ["iso2", "name_en", "name_zh", "A5", "A6", "D1", "D3", "D4", "D5", "macau_rule",
           "ai_tier_2025", "notes"]


class CountryDataError(UserError, ValueError):
    """A malformed row or cell in the country data file (names file, line and column)."""


@dataclass(frozen=True)
class Span:
    """Membership as a half-open date interval; ``known`` False for a ``?`` cell."""

    member: bool
    start: Optional[date] = None
    end: Optional[date] = None
    known: bool = True

    def on(self, day: date) -> Optional[bool]:
        if not self.known:
            return None
        if not self.member:
            return False
        if self.start and day < self.start:
            return False
        if self.end and day >= self.end:
            return False
        return True


@dataclass(frozen=True)
class Country:
    iso2: str
    name_en: str
    name_zh: str
    spans: dict[str, Span]
    tier_2025: Optional[int]
    notes: str


class CountryTable:
    """Look-ups of dated group membership; unknown codes raise KeyError with the code."""

    def __init__(self, countries: dict[str, Country], sha256: str = ""):
        self._countries = countries
        self.sha256 = sha256

    def __contains__(self, iso2: str) -> bool:
        return iso2.upper() in self._countries

    def __iter__(self):
        return iter(self._countries.values())

    def get(self, iso2: str) -> Country:
        try:
            return self._countries[iso2.upper()]
        except KeyError:
            raise KeyError(f"unknown country code '{iso2}' (expected an ISO 3166-1 alpha-2 code)") from None

    def member(self, iso2: str, group: str, day: date) -> Optional[bool]:
        """True/False, or None when the data says it is not known (``?``)."""
        country = self.get(iso2)
        if group.startswith("TIER"):
            if country.tier_2025 is None:
                return None
            return country.tier_2025 == int(group[-1])
        return country.spans[group].on(day)

    def groups(self, iso2: str, day: date) -> list[str]:
        return [g for g in ALL_GROUPS if self.member(iso2, g, day)]


def _parse_cell(text: str, where: str) -> Span:
    match = _CELL.match(text.strip())
    if not match:
        raise CountryDataError(f"{where}: '{text}' is not valid (expected yes, no, ?, 'yes from "
                               f"YYYY-MM-DD' or 'yes until YYYY-MM-DD')")
    word, direction, when = match.groups()
    if word == "?":
        return Span(member=False, known=False)
    if word == "no":
        if direction:
            raise CountryDataError(f"{where}: '{text}' (a dated change must start with 'yes')")
        return Span(member=False)
    day = date.fromisoformat(when) if when else None
    if direction == "from":
        return Span(member=True, start=day)
    if direction == "until":
        return Span(member=True, end=day)
    return Span(member=True)


def parse_countries(text: str, source: str = "countries.csv") -> dict[str, Country]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != _HEADER:
        raise CountryDataError(f"{source}: header is {reader.fieldnames} (expected {_HEADER})")
    countries: dict[str, Country] = {}
    for line, row in enumerate(reader, start=2):
        iso2 = (row["iso2"] or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", iso2):
            raise CountryDataError(f"{source}:{line}: iso2 '{row['iso2']}' (expected two letters)")
        if iso2 in countries:
            raise CountryDataError(f"{source}:{line}: duplicate country {iso2}")
        spans = {g: _parse_cell(row[g], f"{source}:{line} column {g}") for g in DATED_GROUPS}
        spans["MACAU"] = _parse_cell(row["macau_rule"], f"{source}:{line} column macau_rule")
        tier_text = row["ai_tier_2025"].strip()
        if tier_text not in {"1", "2", "3", "?"}:
            raise CountryDataError(f"{source}:{line} column ai_tier_2025: '{tier_text}' (expected 1, 2, 3 or ?)")
        countries[iso2] = Country(iso2, row["name_en"], row["name_zh"], spans,
                                  None if tier_text == "?" else int(tier_text), row["notes"])
    return countries


def load_countries(path: Path) -> CountryTable:
    import hashlib

    data = path.read_bytes()
    return CountryTable(parse_countries(data.decode("utf-8"), path.name), hashlib.sha256(data).hexdigest())
