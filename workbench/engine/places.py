"""Matching a country against a ruleset's ``Places`` on a date, three-valued."""

from __future__ import annotations

from datetime import date
from typing import Optional

from workbench.engine.countries import CountryTable
from workbench.engine.ruleset import Places


def matches(places: Places, table: CountryTable, iso2: str, day: date) -> Optional[bool]:
    """True/False, or None when a needed group membership is marked unknown in the data."""
    iso2 = iso2.upper()
    table.get(iso2)  # raises KeyError naming an unknown code
    if iso2 in places.countries_none:
        return False
    unknown = False
    for group in places.groups_none:
        member = table.member(iso2, group, day)
        if member:
            return False
        unknown |= member is None
    included: Optional[bool] = places.everywhere or iso2 in places.countries
    if not included:
        for group in places.groups_any:
            member = table.member(iso2, group, day)
            if member:
                included = True
                break
            unknown |= member is None
    if included and not unknown:
        return True
    if unknown:
        return None
    return False


def describe(places: Places) -> str:
    """Short human description, e.g. 'D:1, D:4, D:5 not A:5/A:6, plus MO'."""
    from workbench.engine.countries import GROUP_LABELS

    if places.label:
        return places.label
    parts = []
    if places.everywhere:
        parts.append("all destinations")
    if places.groups_any:
        parts.append(", ".join(GROUP_LABELS[g] for g in places.groups_any))
    if places.groups_none:
        parts.append("not " + "/".join(GROUP_LABELS[g] for g in places.groups_none))
    if places.countries:
        parts.append("plus " + ", ".join(places.countries))
    if places.countries_none:
        parts.append("except " + ", ".join(places.countries_none))
    return " ".join(parts)
