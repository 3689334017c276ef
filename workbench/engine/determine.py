"""Determination: one product under one regime, optionally for a destination and end user.

Returns a full trace (every criterion with value, threshold, result and margin; the licence
position and why; eligible exceptions; citations; the ruleset's SHA-256). Deterministic: the
same inputs give the same result, because the date is an input too.
"""

from __future__ import annotations

from datetime import date
from typing import Optional, Sequence

from dataclasses import dataclass, fields
from functools import cached_property

from workbench.engine.conditions import INDETERMINATE, MET, NOT_MET, Criterion, format_value
from workbench.engine.countries import DOMESTIC, CountryTable
from workbench.engine.loader import LoadedRegime
from workbench.engine.metrics import Metrics, compute_metrics
from workbench.engine.places import matches
from workbench.engine.ruleset import CONFIDENCE_ORDER, Regime
from workbench.engine.spec import THROUGHPUT_BIT_LENGTH, ProductSpec

from workbench.engine.conditions import METRIC_SHORT
from workbench.engine.conditions import OP_SYMBOLS as _OP_SYMBOL

from workbench.engine.words import INDETERMINATE_CLASS  # noqa: E402,F401  (defined once, without pydantic)

CriterionOut = Criterion  # one trace entry; ``id`` names the rule, requirement or policy


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    id: str
    classification: str
    paragraph: str
    result: str
    citation: str
    confidence: str


@dataclass(frozen=True, slots=True)
class ExceptionOut:
    id: str
    name: str
    conditions: tuple[str, ...]
    notification_days: Optional[int]
    quantity_limit_tpp: Optional[float]
    quantity_period: Optional[str]
    citation: str
    confidence: str


@dataclass(frozen=True)
class Determination:
    """The engine's answer, with everything a memo, a comparison or the audit log needs.

    Plain frozen dataclasses (not pydantic): a catalog of 100,000 products under nine regimes
    makes close to a million of these, and validation of our own output buys nothing.
    """

    part_number: str
    regime: str
    regime_title: str
    regime_status: str
    regime_enforced: bool
    draft: bool
    as_of: date
    destination: Optional[str]
    end_user_hq: Optional[str]
    classification: str
    paragraph: Optional[str]
    candidates: tuple[str, ...]
    tpp: Optional[float]
    tpp_basis: str
    tpp_computed: Optional[float]
    tpp_declared: Optional[float]
    tpp_precision: Optional[str]
    performance_density: Optional[float]
    license_required: Optional[bool]
    license_reasons: tuple[str, ...]
    review_policy: Optional[str]
    review_conditions: tuple[str, ...]
    license_exceptions: tuple[ExceptionOut, ...]
    criteria: tuple[Criterion, ...]
    rules: tuple[RuleOutcome, ...]
    missing: tuple[str, ...]
    notes: tuple[str, ...]
    citations: tuple[str, ...]
    confidence: str
    nearest: Optional[Criterion]
    ruleset_sha256: str
    countries_sha256: str
    # One (code, arguments) per licence reason, aligned with license_reasons: what lets every
    # language render the reasons from data rather than translate the English sentences.
    license_reason_codes: tuple[tuple[str, tuple], ...] = ()

    @property
    def controlled(self) -> Optional[bool]:
        if self.classification == INDETERMINATE_CLASS:
            return None
        return not self.classification.startswith("not-")

    @cached_property
    def explanation(self) -> str:
        return explain(self)

    def to_json(self) -> dict:
        """JSON-ready dict (dates as ISO strings, tuples as lists), explanation included."""
        data = {f.name: jsonable(getattr(self, f.name)) for f in fields(self)}
        data["explanation"] = self.explanation
        return data


def jsonable(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "_asdict"):  # NamedTuple (Criterion) before plain tuples
        return {k: jsonable(v) for k, v in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: jsonable(getattr(value, f.name)) for f in fields(value)}
    return value


def default_date(regime: Regime, today: date) -> date:
    """``today`` (the caller's clock: the engine never reads the wall clock), clamped into the
    regime's effective window (a superseded regime is read on its last day)."""
    from datetime import timedelta

    if not isinstance(today, date):
        raise TypeError("default_date needs today's date from the caller's clock (workbench.clock)")
    day = today
    if day < regime.effective_from:
        return regime.effective_from
    if regime.effective_to is not None and day >= regime.effective_to:
        return regime.effective_to - timedelta(days=1)
    return day


def _distance(c: Criterion) -> float:
    return abs(c.margin_pct)


def _worst(*levels: str) -> str:
    return max(levels, key=CONFIDENCE_ORDER.__getitem__)


def determine(
    spec: ProductSpec,
    loaded: LoadedRegime,
    countries: CountryTable,
    destination: Optional[str] = None,
    end_user_hq: Optional[str] = None,
    on: Optional[date] = None,
    exports_from_us: bool = True,
    metrics: Optional[Metrics] = None,
    today: Optional[date] = None,
) -> Determination:
    """The determination on ``on``, or (no ``on``) on ``today`` clamped into the regime's window.
    One of the two is required: the engine never reads the wall clock."""
    regime = loaded.regime
    if on is None and today is None:
        raise TypeError("determine needs the evaluation date `on` or `today` from the caller's clock")
    day = on or default_date(regime, today)
    m = metrics or compute_metrics(spec)
    criteria: list[Criterion] = []
    outcomes: list[RuleOutcome] = []
    notes = list(m.notes)
    missing: set[str] = set()
    confidence = "primary"
    citations: list[str] = [s.citation for s in regime.sources]

    matched = None
    pending_indeterminate: list[str] = []
    compiled = loaded.compiled
    for rule, evaluator in compiled.rules:
        if not rule.applies_on(day):
            continue
        trace: list[Criterion] = []
        result = evaluator(m, trace)
        criteria.extend(trace)
        outcomes.append(RuleOutcome(id=rule.id, classification=rule.classification, paragraph=rule.paragraph,
                                    result=result, citation=rule.citation, confidence=rule.confidence))
        # A flag leaf carries a note only when it used its conservative "unknown_as" reading.
        notes.extend(f"{rule.paragraph}: {c.note}" for c in trace if c.op == "is" and c.note)
        if result == INDETERMINATE and matched is None:
            pending_indeterminate.append(rule.paragraph)
            for c in trace:
                if c.result == INDETERMINATE:
                    missing.update(m.missing.get(c.metric, (c.metric,)))
        if result == MET and matched is None:
            matched = (rule, trace)

    candidates: list[str] = []
    if matched and not pending_indeterminate:
        rule, trace = matched
        classification, paragraph = rule.classification, rule.paragraph
        confidence = _worst(confidence, rule.confidence)
        citations.append(rule.citation)
        notes.extend(rule.notes)
    elif pending_indeterminate:
        classification, paragraph = INDETERMINATE_CLASS, None
        candidates = pending_indeterminate + ([matched[0].paragraph] if matched else [regime.otherwise.paragraph])
    else:
        classification, paragraph = regime.otherwise.classification, regime.otherwise.paragraph

    # Product conditions of licence requirements and review policies are thresholds too (e.g. the
    # 2026 case-by-case window); evaluate them always so proximity and comparisons can see them.
    product_results: dict[str, str] = {}
    for item, evaluator in compiled.products:
        if item.applies_on(day):
            product_results[item.id] = evaluator(m, criteria)

    lic = _licence(regime, countries, classification, paragraph, candidates, destination, end_user_hq, day,
                   exports_from_us, product_results)
    license_required, reasons, review, review_conditions, exceptions, lic_conf, lic_cites, reason_codes = lic
    confidence = _worst(confidence, *lic_conf) if lic_conf else confidence
    citations.extend(c for c in lic_cites if c not in citations)
    if regime.product_flags:
        license_required, reasons, exceptions, confidence, reason_codes = _apply_flags(
            regime, spec, classification, countries, destination, end_user_hq, day,
            (license_required, reasons, exceptions, confidence, reason_codes), notes, citations)

    numeric = [c for c in criteria if c.margin_pct is not None]
    nearest = min(numeric, key=_distance) if numeric else None  # first of equals: criteria order is fixed

    return Determination(
        part_number=spec.part_number, regime=regime.id, regime_title=regime.title, regime_status=regime.status,
        regime_enforced=regime.enforced, draft=loaded.draft, as_of=day,
        destination=destination.upper() if destination else None,
        end_user_hq=end_user_hq.upper() if end_user_hq else None,
        classification=classification, paragraph=paragraph, candidates=tuple(candidates),
        tpp=m.tpp, tpp_basis=m.tpp_basis, tpp_computed=m.tpp_computed, tpp_declared=m.tpp_declared,
        tpp_precision=m.tpp_precision, performance_density=m.performance_density,
        license_required=license_required, license_reasons=tuple(reasons), review_policy=review,
        review_conditions=tuple(review_conditions), license_exceptions=tuple(exceptions), criteria=tuple(criteria),
        rules=tuple(outcomes), missing=tuple(sorted(missing)), notes=tuple(dict.fromkeys(notes)),
        citations=tuple(citations), confidence=confidence, nearest=nearest, ruleset_sha256=loaded.sha256,
        countries_sha256=countries.sha256, license_reason_codes=tuple(reason_codes),
    )


def _licence(regime, countries, classification, paragraph, candidates, destination, end_user_hq, day, from_us, product_results):
    """Licence position: (required, reasons, review policy, conditions, exceptions, confidences, citations)."""
    if destination is None and end_user_hq is None:
        return (None, ["No destination given: licence position not evaluated."], None, [], [], [], [],
                [("not_evaluated", ())])
    if classification == INDETERMINATE_CLASS:
        return (None, [f"Classification indeterminate (could be {' or '.join(candidates)}): "
                       "licence position cannot be decided until the missing figures are given."],
                None, [], [], [], [], [("indeterminate", (tuple(candidates),))])
    if destination and destination.upper() in DOMESTIC:
        return (False, [f"{destination.upper()} is part of the United States (15 CFR 772.1): not an export."],
                None, [], [], [], [], [("domestic", (destination.upper(),))])

    reasons: list[str] = []
    codes: list[tuple[str, tuple]] = []  # one (code, arguments) per reason, for other languages
    confidences: list[str] = []
    cites: list[str] = []
    review = None
    conditions: list[str] = []
    required: Optional[bool] = False
    unsure: list[str] = []
    for req in regime.licence_requirements:
        if not req.applies_on(day) or classification not in req.classifications:
            continue
        hits = []
        if req.product is not None:
            hits.append(product_results.get(req.id, INDETERMINATE))
        if req.destination is not None:
            if destination is None:
                continue
            hits.append(_tri(matches(req.destination, countries, destination, day)))
        if req.end_user_hq is not None:
            if end_user_hq is None:
                reasons.append(f"End user's headquarters not given: {req.id} ({req.description}) not checked.")
                codes.append(("hq_not_given", (req.id, req.description)))
                continue
            hits.append(_tri(matches(req.end_user_hq, countries, end_user_hq, day)))
        if NOT_MET in hits:
            continue
        if INDETERMINATE in hits:
            unsure.append(req.id)
            continue
        required = True
        reasons.append(f"{req.description} [{req.citation}]")
        codes.append(("requirement", (req.id, req.description, req.citation)))
        confidences.append(req.confidence)
        cites.append(req.citation)
        # Several requirements can bind at once (destination and headquarters rule): the
        # strictest review policy among them is the one the application will face.
        policy, policy_conditions, conf, cite = _review(req, countries, destination, end_user_hq, day, from_us,
                                                        product_results)
        if review is None or _STRICTNESS[policy] > _STRICTNESS[review]:
            review, conditions = policy, policy_conditions
        confidences.append(conf)
        cites.append(cite)
    if required is False and unsure:
        required = None
        reasons.append("Country-group data marked unknown for: " + ", ".join(unsure))
        codes.append(("groups_unknown", (tuple(unsure),)))
    if required is False:
        where = destination.upper() if destination else f"an end user headquartered in {end_user_hq.upper()}"
        reasons.append(f"No licence requirement of {regime.id} covers {classification} for {where}.")
        codes.append(("no_requirement", (regime.id, classification, destination.upper() if destination else None,
                                         end_user_hq.upper() if end_user_hq else None)))
        return False, reasons, None, [], [], confidences, cites, codes
    exceptions = _exceptions(regime, countries, classification, paragraph, destination, end_user_hq, day, product_results) if required else []
    return required, reasons, review, conditions, exceptions, confidences + [e.confidence for e in exceptions], cites, codes


def _apply_flags(regime, spec, classification, countries, destination, end_user_hq, day, position, notes, citations):
    """Product flags: every binding one adds a note and its citation; a prohibition (GP10) also
    makes an authorization required for any export and removes the licence exceptions (none
    cures GP10). A shipment inside the United States stays "not an export"."""
    from workbench.engine.product_flags import binding_flags

    required, reasons, exceptions, confidence, codes = position
    for flag in binding_flags(regime, spec, classification, countries, destination, end_user_hq, day):
        notes.append(f"{flag.title}: {flag.description} [{flag.citation}]")
        if flag.citation not in citations:
            citations.append(flag.citation)
        confidence = _worst(confidence, flag.confidence)
        exporting = destination is None or destination.upper() not in DOMESTIC
        if flag.kind == "prohibition" and exporting and (destination or end_user_hq):
            required, exceptions = True, []
            kept = [(r, c) for r, c in zip(reasons, codes) if c[0] != "no_requirement"]
            reasons = [f"{flag.title}: {flag.description} [{flag.citation}]"] + [r for r, _ in kept]
            codes = [("flag", (flag.title, flag.description, flag.citation))] + [c for _, c in kept]
    return required, reasons, exceptions, confidence, codes


_STRICTNESS = {"license_free": 0, "presumption_of_approval": 1, "case_by_case": 2, "not_stated": 3,
               INDETERMINATE: 4, "presumption_of_denial": 5}


def _tri(value: Optional[bool]) -> str:
    return INDETERMINATE if value is None else (MET if value else NOT_MET)


def _review(req, countries, destination, end_user_hq, day, from_us, product_results):
    for policy in req.review_policies:
        if not policy.applies_on(day):
            continue
        if policy.exports_from_us_only and not from_us:
            continue
        if policy.destination is not None and (destination is None or not matches(policy.destination, countries, destination, day)):
            continue
        if policy.end_user_hq is not None and (end_user_hq is None or not matches(policy.end_user_hq, countries, end_user_hq, day)):
            continue
        product = product_results.get(policy.id, MET) if policy.product is not None else MET
        if product == INDETERMINATE:
            # E.g. the 2026 window with an unknown DRAM bandwidth: do not fall through to denial silently.
            return (INDETERMINATE, [f"Would be {policy.policy.replace('_', ' ')} ({policy.id}) if its product "
                                    "criteria are met; fill in the missing figures."] + list(policy.conditions),
                    policy.confidence, policy.citation)
        if product != MET:
            continue
        return policy.policy, list(policy.conditions), policy.confidence, policy.citation
    return req.default_review_policy, [], req.confidence, req.citation


def _exceptions(regime, countries, classification, paragraph, destination, end_user_hq, day, product_results):
    eligible = []
    for exc in regime.licence_exceptions:
        if not exc.applies_on(day) or classification not in exc.classifications:
            continue
        if paragraph in exc.exclude_paragraphs:
            continue
        if exc.product is not None and product_results.get(exc.id) != MET:
            continue
        by_destination = exc.destination is None or (
            destination is not None and matches(exc.destination, countries, destination, day) is True)
        by_hq = exc.end_user_hq is not None and end_user_hq is not None and (
            matches(exc.end_user_hq, countries, end_user_hq, day) is True)
        if not (by_destination or by_hq):
            continue
        if exc.not_destination is not None and destination is not None:
            if matches(exc.not_destination, countries, destination, day) is not False:
                continue
        if exc.end_user_hq_not is not None and end_user_hq is not None:
            if matches(exc.end_user_hq_not, countries, end_user_hq, day) is not False:
                continue
        eligible.append(ExceptionOut(id=exc.id, name=exc.name, conditions=tuple(exc.conditions),
                                     notification_days=exc.notification_days,
                                     quantity_limit_tpp=exc.quantity_limit_tpp, quantity_period=exc.quantity_period,
                                     citation=exc.citation, confidence=exc.confidence))
    return eligible


# The sentences name these metrics short (conditions.METRIC_SHORT); others by their ruleset label.
_SHORT = {k: METRIC_SHORT[k] for k in ("tpp", "performance_density", "interconnect_bandwidth_gbs",
                                        "memory_bandwidth_gbs", "hbm_bandwidth_density_gbs_mm2")}


def _short(c: Criterion) -> str:
    return _SHORT.get(c.metric) or c.label or c.metric


def _phrase(c: Criterion) -> str:
    value = "unknown" if c.value is None else format_value(c.value)
    if c.op == "is":
        return f"{_short(c)} = {value}"
    return f"{_short(c)} {value} {_OP_SYMBOL.get(c.op, c.op)} {format_value(c.threshold)}"


def describe_missing(missing: Sequence[str]) -> str:
    """'fp8_tflops, fp16_tflops, ... tpp' reads as one need: any dense throughput figure or a declared TPP."""
    throughput = set(THROUGHPUT_BIT_LENGTH) | {"tpp"}
    rest = [m for m in missing if m not in throughput]
    if throughput & set(missing):
        rest.insert(0, "a dense throughput figure (any precision) or a declared TPP")
    return ", ".join(rest) or "inputs"


def explain(det: Determination) -> str:
    """One plain-language sentence, e.g. '3A090.a.1 because TPP 15,832 ≥ 4,800'."""
    if det.classification == INDETERMINATE_CLASS:
        head = f"Indeterminate (could be {' or '.join(det.candidates)}): missing {describe_missing(det.missing)}"
    elif det.controlled:
        rule_id = next(r.id for r in det.rules if r.paragraph == det.paragraph and r.result == MET)
        met = [c for c in det.criteria if c.id == rule_id and c.result == MET and c.margin is not None]
        head = f"{det.paragraph} because " + " and ".join(_phrase(c) for c in met) if met else f"{det.paragraph}"
    else:
        head = f"{det.paragraph}: no control paragraph met"
        if det.nearest is not None:
            n = det.nearest
            side = "above" if (n.margin or 0) >= 0 else "below"
            head += (f" (nearest line: {_short(n)} {format_value(n.value)} is {abs(n.margin_pct or 0):.1f}% "
                     f"{side} {format_value(n.threshold)}, {n.id})")
    if det.license_required is True:
        tail = f"; licence required for {det.destination or det.end_user_hq}"
        if det.review_policy:
            tail += f", {det.review_policy.replace('_', ' ')}"
        if det.license_exceptions:
            tail += "; eligible: " + ", ".join(e.id for e in det.license_exceptions)
    elif det.license_required is False and det.destination:
        tail = f"; no licence required for {det.destination}"
    else:
        tail = ""
    return head + tail


def determine_quick(
    spec: ProductSpec,
    loaded: LoadedRegime,
    countries: CountryTable,
    destination: Optional[str] = None,
    end_user_hq: Optional[str] = None,
    on: Optional[date] = None,
    exports_from_us: bool = True,
    today: Optional[date] = None,
):
    """Class, licence position and nearest criterion of ``determine``, without building the trace.

    Returns an ``engine.fastpath.QuickResult`` whose fields equal the same fields of
    :func:`determine`'s answer; its ``trace()`` gives the full determination when one is shown,
    exported or written into a memo. For a whole catalog use ``engine.fastpath.classify_many``.
    """
    from workbench.engine.fastpath import classifier_for

    return classifier_for((loaded,), countries, destination, end_user_hq, on, exports_from_us,
                          today=today).classify(spec)[0]
