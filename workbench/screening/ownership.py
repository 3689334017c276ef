"""The Affiliates rule: an entity owned 50 % or more, in aggregate, directly or indirectly, by
listed parties is treated as listed, and inherits the most restrictive licence requirement of
the listed parties that own it.

Ownership passes through whole, as under OFAC's 50 % rule, which the BIS rule mirrors: when
listed A owns 60 % of B, B counts as listed, and B's 50 % of C makes C listed (not 30 %). The
check therefore grows the set of listed parties until it stops changing, and remembers for each
party the owners that made it listed, so the result can show the path followed.

Whether the rule applies on a day is not decided here: the caller passes ``rule_in_force``
(the screening service passes :func:`workbench.services.named_lists.affiliates_rule_in_force`,
the rule's dated periods in the rules data). :func:`placeholder_rule_in_force` is the same
window written out (in force 2025-09-29 to 2025-11-09, suspended, in force again from
2026-11-10), for callers without the rules data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable, Optional, Sequence

THRESHOLD_PERCENT = 50.0

_PLACEHOLDER_WINDOWS = ((date(2025, 9, 29), date(2025, 11, 9)), (date(2026, 11, 10), None))


def placeholder_rule_in_force(day: date) -> bool:
    """Placeholder dates of the Affiliates rule (see the module docstring); the rules data replaces it."""
    return any(start <= day and (end is None or day <= end) for start, end in _PLACEHOLDER_WINDOWS)


@dataclass(frozen=True)
class Link:
    owner: str  # party key
    owned: str
    percent: float
    as_of: date
    source: str = ""
    owner_name: str = ""
    owned_name: str = ""


@dataclass(frozen=True)
class Listing:
    """A party on a list, as confirmed by the officer: the licence requirement it carries."""

    key: str
    name: str
    entry_id: str
    license_requirement: str
    license_policy: str


@dataclass(frozen=True)
class AffiliateResult:
    party: str
    day: date
    in_force: bool
    listed_share: float  # percent held, in aggregate, by listed (or listed-by-ownership) owners
    caught: bool
    inherited: Optional[Listing]  # the most restrictive requirement among the listed owners behind it
    paths: tuple[tuple[str, ...], ...] = field(default=())  # each: party <- owner (pct) <- ... <- listed party
    notes: tuple[str, ...] = field(default=())


_POLICY_RANK = (("denial", 3), ("case-by-case", 2), ("case by case", 2), ("approval", 1))


def restrictiveness(listing: Listing) -> int:
    text = (listing.license_policy or "").lower()
    return next((rank for word, rank in _POLICY_RANK if word in text), 0)


def links_on(links: Iterable[Link], day: date) -> dict[tuple[str, str], Link]:
    """For each (owner, owned), the latest link dated on or before ``day``."""
    out: dict[tuple[str, str], Link] = {}
    for link in links:
        if link.as_of > day:
            continue
        key = (link.owner, link.owned)
        if key not in out or out[key].as_of < link.as_of:
            out[key] = link
    return out


def check(party: str, links: Sequence[Link], listed: dict[str, Listing], day: date,
          rule_in_force: Callable[[date], bool] = placeholder_rule_in_force) -> AffiliateResult:
    """Is ``party`` (a party key) caught by the Affiliates rule on ``day``? See the module docstring."""
    current = links_on(links, day)
    owners_of: dict[str, list[Link]] = {}
    names: dict[str, str] = {}
    for link in current.values():
        owners_of.setdefault(link.owned, []).append(link)
        names.setdefault(link.owner, link.owner_name or link.owner)
        names.setdefault(link.owned, link.owned_name or link.owned)
    for key, lst in listed.items():
        names[key] = lst.name
    # derived[k] = (the requirement it inherits, the owner links that made it listed)
    derived: dict[str, tuple[Listing, list[Link]]] = {}

    def is_listed(key: str) -> bool:
        return key in listed or key in derived

    def requirement(key: str) -> Listing:
        return listed[key] if key in listed else derived[key][0]

    changed = True
    while changed:
        changed = False
        for owned, ls in owners_of.items():
            if owned in listed or owned in derived:
                continue
            holding = [l for l in ls if is_listed(l.owner)]
            if sum(l.percent for l in holding) >= THRESHOLD_PERCENT:
                strictest = max((requirement(l.owner) for l in holding), key=restrictiveness)
                derived[owned] = (strictest, holding)
                changed = True

    share = sum(l.percent for l in owners_of.get(party, []) if is_listed(l.owner))
    in_force = rule_in_force(day)
    notes: list[str] = []
    if party in listed:
        notes.append(f"{names.get(party, party)} is itself listed ({listed[party].entry_id})")
    paths = tuple(_paths(party, derived, listed, names)) if party in derived else ()
    caught = party in derived and in_force
    if party in derived and not in_force:
        notes.append(f"owned {share:g} % by listed parties, but the Affiliates rule is not in force on {day}")
    return AffiliateResult(names.get(party, party), day, in_force, share, caught,
                           derived[party][0] if caught else None, paths, tuple(notes))


def _paths(key: str, derived: dict, listed: dict, names: dict, seen: tuple = ()) -> list[tuple[str, ...]]:
    """Every chain from ``key`` up to an originally listed party, each step with its percentage."""
    if key in listed or key not in derived or key in seen:
        return [(names.get(key, key) + (" [listed]" if key in listed else ""),)]
    out = []
    for link in derived[key][1]:
        for rest in _paths(link.owner, derived, listed, names, seen + (key,)):
            out.append((f"{names.get(key, key)} <- {link.percent:g} % ({link.as_of})",) + rest)
    return out
