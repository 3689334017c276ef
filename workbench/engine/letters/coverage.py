"""Which products a letter catches: its criteria over compute_metrics, and its destinations."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from typing import Iterable, Optional, Union

from workbench.engine.conditions import INDETERMINATE, MET, NOT_MET, Criterion, Evaluator, format_value, compile_condition
from workbench.engine.conditions import OP_SYMBOLS as _SYM
from workbench.engine.countries import CountryTable
from workbench.engine.identity import identity_key
from workbench.engine.metrics import Metrics, compute_metrics
from workbench.engine.places import describe as describe_places
from workbench.engine.places import matches
from workbench.engine.spec import ProductSpec
from workbench.engine.letters.model import Letter, LetterCriterion


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
        return cls(letter, crits, tuple(identity_key(p) for p in letter.covered.part_numbers),
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
            pattern = self.listed != identity_key(self.part_number)
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


_SHORT = {"memory_bandwidth_gbs": "memory bandwidth", "interconnect_bandwidth_gbs": "interconnect bandwidth",
          "tpp": "TPP", "performance_density": "PD"}
CONFIDENCE_ORDER = {"primary": 0, "secondary": 1, "unverified": 2}


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
        part = identity_key(spec.part_number)  # look-alike hyphens, zero-width spaces, Cyrillic letters
        listed = next((p for p in compiled.patterns if fnmatch.fnmatchcase(part, p)), None)
    trace: list[Criterion] = []
    met, level, missing, unsure = [], "primary", set(), False
    for crit, evaluate in compiled.criteria:
        start = len(trace)
        result = evaluate(m, trace)
        if result == MET:
            met.append((crit, tuple(trace[start:])))
            if CONFIDENCE_ORDER[crit.confidence] > CONFIDENCE_ORDER[level]:
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


def item_kind_of(spec: ProductSpec) -> str:
    """The letter item kind a catalog product is: model weights, or hardware."""
    return "model_weights" if spec.product_type == "model_weights" else "hardware"


def scope_result(letter: Letter | CompiledLetter, activity: str, item_kind: str, party: Optional[str] = None,
                 day: Optional[date] = None) -> tuple[bool, str]:
    """(binds, why) for the letter's activities, item kinds and exemptions: a letter binds exactly
    the activities and item kinds it names, and not a party a later exemption took out of it."""
    from workbench.engine.identity import identity_key
    from workbench.engine.letters.model import ACTIVITY_LABELS, ITEM_KIND_LABELS

    letter = letter.letter if isinstance(letter, CompiledLetter) else letter
    if activity not in letter.activities or item_kind not in letter.item_kinds:
        said = (", ".join(ACTIVITY_LABELS[a] for a in letter.activities) + " of "
                + ", ".join(ITEM_KIND_LABELS[k] for k in letter.item_kinds))
        return False, (f"letter {letter.ref} covers {said}, not {ACTIVITY_LABELS.get(activity, activity)} of "
                       f"{ITEM_KIND_LABELS.get(item_kind, item_kind)}")
    if party is not None:
        key = identity_key(party)
        for ex in letter.exemptions:
            if (ex.effective is None or day is None or day >= ex.effective) and any(
                    identity_key(n) == key for n in ex.parties):
                return False, f"{party} is exempted from letter {letter.ref}: {ex.description}"
    return True, ""


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
