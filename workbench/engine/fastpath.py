"""The fast path: many products under one or more regimes, class and licence position without a trace.

A full determination (``determine``) builds every criterion, note, citation and reason for one
product. The catalog column needs only the class and the nearest threshold, a comparison only the
class and the licence position; a large catalog under every regime makes close to a million
determinations, so building a trace nobody reads dominated the time.

How the fast path stays equal to ``determine`` without re-implementing it:

* Each regime is compiled once, for a date, destination and end user's headquarters, into a
  :class:`Plan`: the leaves of every condition that applies on that date (numeric comparisons,
  yes/no flags, product-type lists) as plain tuples, plus the part-number patterns of its product
  flags (GP10).
* A regime's whole answer (class, paragraph, candidates, licence position, review policy,
  exceptions) depends on the product only through the result of each leaf and through which
  part-number flags match its names. That tuple of results is the product's *signature*: every
  product with the same signature gets the same answer, so the answer is asked of ``determine``
  once per signature (the first product that has it) and reused for the others (100,000 synthetic
  products have 8 to 534 signatures per regime).
* The metrics (TPP, performance density, the template figures) are read once per product and
  shared by every regime; each distinct leaf is evaluated once per product for all regimes.
* The nearest criterion needs the product's own numbers: the distance to every distinct
  (metric, threshold) pair is computed once per product, and each regime takes the first minimum
  in its own criteria order, exactly as ``determine`` does.

Results come one :class:`ResultRow` per product (``row[i]`` is regime i's :class:`QuickResult`).
The full trace stays one call away: :meth:`QuickResult.trace` runs ``determine`` for that product.

The reuse holds only while ``determine`` reads the product through condition leaves and
product-flag part-number patterns. If it ever reads more of the spec (a vendor list, a letter),
the signature must grow with it; ``tests/test_fastpath_equality.py`` is the guard: it checks the
equality over random specs, every bundled regime, destinations, headquarters and dates.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence as SequenceABC
from dataclasses import dataclass
from datetime import date
from fnmatch import translate
from operator import ge, gt, le, lt, eq, ne
from typing import Callable, Iterable, Optional, Sequence

from workbench.engine.conditions import MET, NOT_MET, All, Any_, Compare, Criterion, Flag, Not, OneOf
from workbench.engine.countries import CountryTable
from workbench.engine.identity import identity_key
from workbench.engine.loader import LoadedRegime
from workbench.engine.metrics import NUMERIC_METRICS
from workbench.engine.product_flags import _names  # the names part-number patterns are matched on
from workbench.engine.spec import THROUGHPUT_BIT_LENGTH, ProductSpec

_OPS = {">=": ge, ">": gt, "<": lt, "<=": le, "==": eq, "!=": ne}
_INF = math.inf
# Leaf results as small ints in the signature (cheaper to hash than strings).
_NO, _YES, _UNKNOWN = 0, 1, 2


class _NotApplicable:
    """Marks a metric that does not exist for the device (planar logic has no performance density)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_APPLICABLE"


NOT_APPLICABLE = _NotApplicable()
_TPP_FIELDS = tuple(THROUGHPUT_BIT_LENGTH.items())


def metric_value(spec: ProductSpec, name: str, tpp: Optional[float]) -> object:
    """One metric as ``compute_metrics`` gives it (None: unknown; NOT_APPLICABLE: no such quantity)."""
    if name == "tpp":
        return tpp
    if name == "performance_density":
        if spec.non_planar is False:
            return NOT_APPLICABLE
        if spec.non_planar is None or spec.die_area_mm2 is None or tpp is None:
            return None
        return tpp / spec.die_area_mm2
    return getattr(spec, name)


def tpp_of(spec: ProductSpec) -> Optional[float]:
    """The TPP ``compute_metrics`` uses: declared when trusted, else computed, else declared, else unknown."""
    best = None
    for name, bits in _TPP_FIELDS:
        figure = getattr(spec, name)
        if figure is not None:
            candidate = figure * bits
            if best is None or candidate > best:
                best = candidate
    declared = spec.tpp
    if declared is not None and (best is None or spec.tpp_basis == "declared"):
        return declared
    return best


# --- compiling a regime into leaves ---------------------------------------------------------

def _compare_leaf(op: str, threshold: float) -> Callable[[object], int]:
    test = _OPS[op]

    def leaf(value: object) -> int:
        if value is None:
            return _UNKNOWN
        if value is NOT_APPLICABLE:
            return _NO  # a quantity that does not exist cannot meet a threshold
        return _YES if test(value, threshold) else _NO
    return leaf


def _flag_leaf(wanted: bool, fallback: Optional[bool]) -> Callable[[object], int]:
    def leaf(value: object) -> int:
        used = fallback if value is None else value
        if used is None:
            return _UNKNOWN
        return _YES if used == wanted else _NO
    return leaf


def _one_of_leaf(allowed: tuple[str, ...]) -> Callable[[object], int]:
    return lambda value: _YES if value in allowed else _NO


def _leaves(condition, owner: str, out: list) -> None:
    """Every leaf of a condition tree, in trace order, as (key, metric, owner, leaf object)."""
    if isinstance(condition, All):
        for c in condition.all:
            _leaves(c, owner, out)
    elif isinstance(condition, Any_):
        for c in condition.any:
            _leaves(c, owner, out)
    elif isinstance(condition, Not):
        _leaves(condition.not_, owner, out)
    elif isinstance(condition, Compare):
        out.append((("cmp", condition.metric, condition.op, condition.value), condition.metric, owner, condition))
    elif isinstance(condition, Flag):
        out.append((("flag", condition.flag, condition.is_, condition.unknown_as), condition.flag, owner, condition))
    elif isinstance(condition, OneOf):
        out.append((("in", condition.attribute, tuple(condition.one_of)), condition.attribute, owner, condition))
    else:
        raise TypeError(f"not a condition: {condition!r}")


def _make_leaf(key: tuple) -> Callable[[object], int]:
    kind = key[0]
    if kind == "cmp":
        return _compare_leaf(key[2], key[3])
    if kind == "flag":
        return _flag_leaf(key[2], key[3])
    return _one_of_leaf(key[2])


@dataclass(frozen=True, slots=True)
class Decision:
    """What a regime says for every product of one signature (shared, never per product)."""

    classification: str
    paragraph: Optional[str]
    candidates: tuple[str, ...]
    license_required: Optional[bool]
    review_policy: Optional[str]
    license_exceptions: tuple[str, ...]  # exception ids, in the determination's order
    position: str  # engine.compare.position: class plus licence position, as a comparison shows it


class Plan:
    """One regime compiled for one date, destination and end user's headquarters."""

    def __init__(self, loaded: LoadedRegime, countries: CountryTable, destination: Optional[str],
                 end_user_hq: Optional[str], on: Optional[date], exports_from_us: bool, today: Optional[date] = None):
        from workbench.engine.determine import default_date

        self.loaded = loaded
        self.countries = countries
        self.destination = destination
        self.end_user_hq = end_user_hq
        self.exports_from_us = exports_from_us
        self.day = on or default_date(loaded.regime, today)  # today: the caller's clock, never the wall clock
        day = self.day
        compiled = loaded.compiled
        leaves: list = []
        for rule, _ in compiled.rules:
            if rule.applies_on(day):
                _leaves(rule.condition, rule.id, leaves)
        for item, _ in compiled.products:
            if item.applies_on(day):
                _leaves(item.product, item.id, leaves)
        self.leaves = leaves  # (key, metric, owner, condition) in the criteria order of ``determine``
        # Numeric criteria for the nearest line: the first leaf of each (metric, threshold) pair
        # (a later leaf of the same pair has the same distance, so it can never be the first minimum).
        # A zero threshold has no percentage margin, so ``determine`` never picks it.
        pairs: dict[tuple, tuple] = {}
        for key, metric, owner, leaf in leaves:
            if key[0] == "cmp" and leaf.value and (metric, leaf.value) not in pairs:
                label = leaf.label or NUMERIC_METRICS[metric]
                pairs[(metric, leaf.value)] = (owner, metric, leaf.op, leaf.value, _OPS[leaf.op], 100.0 / leaf.value,
                                               label)
        self.pairs = pairs
        self.patterns = tuple(tuple(f.part_numbers) for f in loaded.regime.product_flags
                              if f.applies_on(day) and f.part_numbers)
        self.decisions: dict[tuple, Decision] = {}

    def decide(self, spec: ProductSpec) -> Decision:
        """Ask ``determine`` (the reference) for the answer of this product's signature."""
        from workbench.engine.compare import position
        from workbench.engine.determine import determine

        det = determine(spec, self.loaded, self.countries, self.destination, self.end_user_hq, self.day,
                        self.exports_from_us)
        return Decision(det.classification, det.paragraph, det.candidates, det.license_required, det.review_policy,
                        tuple(e.id for e in det.license_exceptions), position(det))

    def nearest_exact(self, spec: ProductSpec, tpp: Optional[float]) -> Optional[Criterion]:
        """The nearest criterion the slow way (for distances that overflow to infinity)."""
        best, best_distance = None, None
        for owner, metric, op, threshold, test, per_cent, label in self.pairs.values():
            value = metric_value(spec, metric, tpp)
            if value is None or value is NOT_APPLICABLE:
                continue
            distance = abs((value - threshold) * per_cent)
            if best is None or distance < best_distance:
                best, best_distance = (owner, metric, op, threshold, test, per_cent, label, value), distance
        if best is None:
            return None
        owner, metric, op, threshold, test, per_cent, label, value = best
        margin = value - threshold
        return Criterion(owner, metric, op, threshold, value, MET if test(value, threshold) else NOT_MET, margin,
                         margin * per_cent, label, None)


class QuickResult:
    """A regime's answer for one product: class, licence position, nearest criterion; trace on request."""

    __slots__ = ("plan", "row", "decision", "nearest")

    def __init__(self, plan: Plan, row: "ResultRow", decision: Decision, nearest: Optional[Criterion]):
        self.plan = plan
        self.row = row
        self.decision = decision
        self.nearest = nearest  # the same Criterion as Determination.nearest

    regime = property(lambda self: self.plan.loaded.id)
    as_of = property(lambda self: self.plan.day)
    spec = property(lambda self: self.row.spec)
    part_number = property(lambda self: self.row.spec.part_number)
    tpp = property(lambda self: self.row.tpp)
    performance_density = property(lambda self: self.row.performance_density)
    classification = property(lambda self: self.decision.classification)
    paragraph = property(lambda self: self.decision.paragraph)
    candidates = property(lambda self: self.decision.candidates)
    license_required = property(lambda self: self.decision.license_required)
    review_policy = property(lambda self: self.decision.review_policy)
    license_exceptions = property(lambda self: self.decision.license_exceptions)
    position = property(lambda self: self.decision.position)

    @property
    def controlled(self) -> Optional[bool]:
        from workbench.engine.determine import INDETERMINATE_CLASS

        if self.decision.classification == INDETERMINATE_CLASS:
            return None
        return not self.decision.classification.startswith("not-")

    def trace(self):
        """The full determination (every criterion, reason, note, citation) for this product."""
        from workbench.engine.determine import determine

        p = self.plan
        return determine(self.spec, p.loaded, p.countries, p.destination, p.end_user_hq, p.day, p.exports_from_us)

    def __repr__(self) -> str:
        return f"QuickResult({self.part_number!r}, {self.regime!r}, {self.position!r})"


class ResultRow(SequenceABC):
    """One product's answers under the classifier's regimes, in order: ``row[i]`` is a :class:`QuickResult`.

    A row is one object holding the shared decisions and the product's nearest lines; the
    per-regime views are made when read. (A hundred thousand products under nine regimes would
    otherwise leave close to a million small objects for the garbage collector to walk.)
    """

    __slots__ = ("classifier", "spec", "decisions", "lines", "tpp", "performance_density")

    def __init__(self, classifier: "Classifier", spec: ProductSpec, decisions: tuple, lines: tuple,
                 tpp: Optional[float], performance_density: Optional[float]):
        self.classifier = classifier
        self.spec = spec
        self.decisions = decisions
        self.lines = lines
        self.tpp = tpp  # as Determination.tpp
        self.performance_density = performance_density  # as Determination.performance_density (None: unknown or planar)

    def __len__(self) -> int:
        return len(self.decisions)

    def __getitem__(self, index: int) -> QuickResult:
        c = self.classifier
        return QuickResult(c.plans[index], self, self.decisions[index], self.lines[c._line_of_plan[index]])

    def __repr__(self) -> str:
        return f"ResultRow({self.spec.part_number!r}, {[q.position for q in self]!r})"


_DERIVED = ("tpp", "performance_density")


def _getter_of(names: Sequence[str]) -> Callable[[object], tuple]:
    """A function reading ``names`` off an object as a tuple (attrgetter, always a tuple)."""
    from operator import attrgetter

    if not names:
        return lambda obj: ()
    if len(names) == 1:
        (name,) = names
        return lambda obj: (getattr(obj, name),)
    return attrgetter(*names)


def _getter(indices: Sequence[int]) -> Callable[[Sequence], tuple]:
    """A function picking ``indices`` out of a sequence as a tuple (itemgetter, always a tuple)."""
    from operator import itemgetter

    if not indices:
        return lambda seq: ()
    if len(indices) == 1:
        (i,) = indices
        return lambda seq: (seq[i],)
    return itemgetter(*indices)


class Classifier:
    """Products under a set of regimes for one destination, end user's headquarters and date.

    Build one per (regimes, destination, headquarters, date) and reuse it: the answers per
    signature are kept, so later products cost only their own metrics and leaves. ``on=None``
    reads each regime on its default date (``today``, from the caller's clock, clamped into its
    window), as ``determine`` does.
    """

    # A pathological ruleset could make many signatures; past this many the cache starts afresh.
    MAX_DECISIONS = 200_000

    def __init__(self, regimes: Iterable[LoadedRegime], countries: CountryTable, destination: Optional[str] = None,
                 end_user_hq: Optional[str] = None, on: Optional[date] = None, exports_from_us: bool = True,
                 today: Optional[date] = None):
        self.plans = tuple(Plan(r, countries, destination, end_user_hq, on, exports_from_us, today) for r in regimes)
        leaf_index: dict[tuple, int] = {}
        # Metric values per product, laid out as: the template figures the leaves read (one
        # attrgetter call), then TPP and performance density (derived).
        plain = sorted({metric for plan in self.plans for _, metric, _, _ in plan.leaves} - set(_DERIVED))
        metric_index = {name: i for i, name in enumerate([*plain, *_DERIVED])}
        self._plain = _getter_of(plain)
        pair_index: dict[tuple, int] = {}
        pattern_index: dict[tuple, int] = {}
        self._leaves: list[tuple[int, Callable]] = []
        self._pairs: list[tuple[int, float, float]] = []
        self._patterns: list[re.Pattern] = []
        self._plan_parts = []
        self._lines: list[tuple] = []  # distinct nearest-line tables
        self._line_of_plan: list[int] = []
        nearest_index: dict[tuple, int] = {}
        for plan in self.plans:
            indices = []
            for key, metric, _, _ in plan.leaves:
                if key not in leaf_index:
                    m = metric_index[metric]
                    leaf_index[key] = len(self._leaves)
                    self._leaves.append((m, _make_leaf(key)))
                indices.append(leaf_index[key])
            by_pair = {}
            for (metric, threshold), entry in plan.pairs.items():
                if (metric, threshold) not in pair_index:
                    m = metric_index[metric]
                    pair_index[(metric, threshold)] = len(self._pairs)
                    self._pairs.append((m, threshold, entry[5]))
                by_pair[pair_index[(metric, threshold)]] = entry
            flags = []
            for patterns in plan.patterns:
                if patterns not in pattern_index:
                    pattern_index[patterns] = len(self._patterns)
                    self._patterns.append(re.compile("|".join(f"(?:{translate(identity_key(p))})" for p in patterns)))
                flags.append(pattern_index[patterns])
            self._plan_parts.append((plan, _getter(indices), _getter(flags) if flags else None))
            # Regimes with the same numeric criteria (same ids, thresholds, order) share one nearest line.
            # A distance that overflows to infinity (or a threshold too small for a finite
            # percentage) is decided the slow way, like determine's min() over the trace.
            lines = (tuple(by_pair), tuple(by_pair.values()))
            if lines not in nearest_index:
                exact_only = any(not math.isfinite(entry[5]) for entry in plan.pairs.values())
                nearest_index[lines] = len(self._lines)
                self._lines.append((tuple(by_pair), by_pair, exact_only, plan))
            self._line_of_plan.append(nearest_index[lines])
        self._pd = metric_index["performance_density"]
        self._rows: dict[tuple, tuple[Decision, ...]] = {}

    def _values(self, spec: ProductSpec) -> tuple[list, Optional[float]]:
        tpp = tpp_of(spec)
        return [*self._plain(spec), tpp, metric_value(spec, "performance_density", tpp)], tpp

    def classify(self, spec: ProductSpec) -> "ResultRow":
        """The answer of every regime, in the order given, for one product."""
        values, tpp = self._values(spec)
        results = tuple([leaf(values[m]) for m, leaf in self._leaves])
        matched = tuple([any(p.match(n) for n in _names(spec)) for p in self._patterns]) if self._patterns else ()
        signature = (results, matched)
        row = self._rows.get(signature)
        if row is None:
            row = self._decide(spec, results, matched)
            if len(self._rows) >= self.MAX_DECISIONS:
                self._rows.clear()
            self._rows[signature] = row
        distances = [_INF if (v := values[m]) is None or v is NOT_APPLICABLE else abs((v - t) * per_cent)
                     for m, t, per_cent in self._pairs]
        lines = tuple([self._nearest(line, values, distances, spec, tpp) for line in self._lines])
        density = values[self._pd]
        return ResultRow(self, spec, row, lines, tpp, None if density is NOT_APPLICABLE else density)

    def _decide(self, spec: ProductSpec, results: tuple, matched: tuple) -> tuple[Decision, ...]:
        """Each regime's decision for a signature not met before (``determine`` once per regime signature)."""
        row = []
        for plan, leaf_key, flag_key in self._plan_parts:
            key = (leaf_key(results), flag_key(matched) if flag_key is not None else ())
            decision = plan.decisions.get(key)
            if decision is None:
                if len(plan.decisions) >= self.MAX_DECISIONS:
                    plan.decisions.clear()
                decision = plan.decisions[key] = plan.decide(spec)
            row.append(decision)
        return tuple(row)

    def _nearest(self, line: tuple, values: list, distances: list, spec: ProductSpec,
                 tpp: Optional[float]) -> Optional[Criterion]:
        order, by_pair, exact_only, plan = line
        if not order:
            return None
        g = min(order, key=distances.__getitem__)
        if exact_only or distances[g] == _INF:
            return plan.nearest_exact(spec, tpp)
        owner, metric, op, threshold, test, per_cent, label = by_pair[g]
        value = values[self._pairs[g][0]]
        margin = value - threshold
        return Criterion(owner, metric, op, threshold, value, MET if test(value, threshold) else NOT_MET,
                         margin, margin * per_cent, label, None)

    def classify_all(self, specs: Iterable[ProductSpec]) -> list["ResultRow"]:
        """``classify`` for each product: one row per product, one result per regime."""
        classify = self.classify
        return [classify(s) for s in specs]

    @property
    def signatures(self) -> dict[str, int]:
        """Distinct signatures met so far per regime (each cost one full determination)."""
        return {plan.loaded.id: len(plan.decisions) for plan in self.plans}


def classify_many(specs: Iterable[ProductSpec], regimes: Sequence[LoadedRegime], countries: CountryTable,
                  destination: Optional[str] = None, end_user_hq: Optional[str] = None, on: Optional[date] = None,
                  exports_from_us: bool = True, today: Optional[date] = None) -> list["ResultRow"]:
    """Every product under every regime: one row per product, one :class:`QuickResult` per regime.

    The entry point for the services (catalog column: one regime; comparison: several). The
    classifier is shared with later calls for the same regimes and context (``classifier_for``).
    """
    return classifier_for(regimes, countries, destination, end_user_hq, on, exports_from_us,
                          today=today).classify_all(specs)


_CLASSIFIERS: "OrderedDict[tuple, Classifier]" = OrderedDict()
_KEEP = 32
_LOCK = threading.Lock()


def classifier_for(regimes: Sequence[LoadedRegime], countries: CountryTable, destination: Optional[str] = None,
                   end_user_hq: Optional[str] = None, on: Optional[date] = None,
                   exports_from_us: bool = True, today: Optional[date] = None) -> Classifier:
    """A shared :class:`Classifier` for these regimes and this context (the last few are kept).

    Keyed on the regime and country objects themselves (a reloaded or edited ruleset is a new
    object, so it never reuses old answers) and on the day: ``on``, or today when reading each
    regime on its default date from ``today`` (the caller's clock), as ``determine`` does.
    """
    if on is None and today is None:
        raise TypeError("classifier_for needs the evaluation date `on` or `today` from the caller's clock")
    key = (tuple(id(r) for r in regimes), id(countries), destination, end_user_hq, on or today, exports_from_us)
    with _LOCK:  # the GUI classifies from worker threads too
        found = _CLASSIFIERS.get(key)
        if found is not None:
            _CLASSIFIERS.move_to_end(key)
            return found
    made = Classifier(regimes, countries, destination, end_user_hq, on, exports_from_us, today=today)
    with _LOCK:
        # The classifier keeps the regimes and countries alive, so their ids stay theirs while cached.
        made = _CLASSIFIERS.setdefault(key, made)
        while len(_CLASSIFIERS) > _KEEP:
            _CLASSIFIERS.popitem(last=False)
    return made


# --- the compiled column (engine.compiled): a plan as plain data ------------------------------

def column_plan(plan: Plan, letters: Sequence = ()) -> Optional[dict]:
    """``plan`` and the compiled letters (``engine.letters.compile_letters``) as the plain data of an
    ``engine.compiled.ColumnPlan`` (no answers yet; the services add them from the full path).

    The leaves are the plan's distinct leaves in its order, then every letter criterion's leaves;
    the name patterns are the plan's product flags (identity keys), the listings each letter's
    part-number patterns; ``kinds`` says the letters' item kinds are read (model weights or
    hardware). None when the plan reads something the plain form does not carry (a metric that
    is not a stored figure, a value JSON cannot hold): the column then always comes from the engine.
    """
    from workbench.engine.compiled import FORMAT
    from workbench.engine.spec import ProductSpec

    keys: dict[tuple, None] = {}
    for key, *_ in plan.leaves:
        keys.setdefault(key, None)
    for compiled in letters:
        found: list = []
        for crit, _ in compiled.criteria:
            _leaves(crit.condition, compiled.letter.ref, found)
        for key, *_ in found:
            keys.setdefault(key, None)
    spec_fields = ProductSpec.model_fields
    reads = {key[1] for key in keys} | {metric for metric, _ in plan.pairs}
    plain = sorted(reads - set(_DERIVED))
    if any(name not in spec_fields for name in plain):
        return None
    defaults = {}
    for name in {*plain, "tpp_basis", "non_planar", "product_type"}:
        default = spec_fields[name].default
        if not (default is None or isinstance(default, (str, bool, int, float))):
            return None
        defaults[name] = default
    leaves = []
    for key in keys:
        kind, metric, a, b = key if len(key) == 4 else (*key, None)
        if kind == "in":
            leaves.append([kind, metric, list(a), None])
        elif kind == "cmp" and (isinstance(b, bool) or not isinstance(b, (int, float)) or not math.isfinite(b)):
            return None
        else:
            leaves.append([kind, metric, a, b])
    pairs = []
    for owner, metric, op, threshold, _test, per_cent, label in plan.pairs.values():
        if not math.isfinite(per_cent) or not math.isfinite(threshold):
            return None  # decided the slow way by determine: never in the plain form
        pairs.append([owner, metric, op, threshold, per_cent, label])
    return {
        "format": FORMAT,
        "fields": plain,
        "defaults": defaults,
        "bits": [[name, bits] for name, bits in _TPP_FIELDS],
        "leaves": leaves,
        "name_patterns": [[identity_key(p) for p in patterns] for patterns in plan.patterns],
        "listings": [list(compiled.patterns) for compiled in letters],
        "kinds": bool(letters),
        "pairs": pairs,
    }
