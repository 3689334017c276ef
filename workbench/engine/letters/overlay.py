"""A letter laid over a regime's determination: 'licence required under letter REF' and why."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from datetime import date
from typing import Optional, Sequence

from workbench.engine.identity import identity_key
from workbench.engine.conditions import INDETERMINATE, MET, NOT_MET, Criterion
from workbench.engine.countries import CountryTable
from workbench.engine.determine import Determination, jsonable, explain
from workbench.engine.metrics import Metrics, compute_metrics
from workbench.engine.spec import ProductSpec
from workbench.engine.letters.coverage import (CompiledLetter, LetterLike, ProductCoverage, CONFIDENCE_ORDER, compile_letters,
                                               coverage, item_kind_of, place_result, scope_result)


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
    if exporter is not None and identity_key(exporter) != identity_key(letter.addressee):  # look-alikes bind too
        return verdict(DOES_NOT_BIND, f"letter {letter.ref} is addressed to {letter.addressee}, not to {exporter}")
    in_scope, why = scope_result(compiled, "export", item_kind_of(spec))  # a determination is an export
    if not in_scope:
        return verdict(DOES_NOT_BIND, why)
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
        confidence = max([confidence, *relied], key=CONFIDENCE_ORDER.__getitem__)
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
