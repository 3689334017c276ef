"""Which of a regime's product flags (GP10 prohibitions, guidance notes) bind a determination.

A flag binds when its date window covers the day, the product matches (a part-number pattern on
the part number, the name or vendor plus name, or the classification), and, if the flag names
places, the destination or the end user's headquarters is one of them.
"""

from __future__ import annotations

from datetime import date
from fnmatch import fnmatchcase
from typing import Optional

from workbench.engine.countries import CountryTable
from workbench.engine.identity import identity_key
from workbench.engine.places import matches
from workbench.engine.ruleset import ProductFlag, Regime
from workbench.engine.spec import ProductSpec


def _names(spec: ProductSpec) -> list[str]:
    names = [spec.part_number]
    if spec.name:
        names.append(spec.name)
        if spec.vendor:
            names.append(f"{spec.vendor} {spec.name}")
    return [identity_key(n) for n in names]


def _product_matches(flag: ProductFlag, spec: ProductSpec, classification: str) -> bool:
    if flag.part_numbers:
        names = _names(spec)
        if any(fnmatchcase(n, identity_key(p)) for p in flag.part_numbers for n in names):
            return True
    return classification in flag.classifications


def binding_flags(regime: Regime, spec: ProductSpec, classification: str, countries: CountryTable,
                  destination: Optional[str], end_user_hq: Optional[str], day: date) -> list[ProductFlag]:
    out = []
    for flag in regime.product_flags:
        if not flag.applies_on(day) or not _product_matches(flag, spec, classification):
            continue
        if flag.places is not None:
            where = [c for c in (destination, end_user_hq) if c]
            if not any(matches(flag.places, countries, c, day) for c in where):
                continue
        out.append(flag)
    return out
