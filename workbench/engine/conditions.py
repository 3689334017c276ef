"""Condition trees of a ruleset: all / any / not over comparison, flag and category leaves.

Evaluation is three-valued (met, not met, indeterminate) so that an unknown input never turns
into "not controlled". Every leaf leaves a trace with its value, threshold and margin.
"""

from __future__ import annotations

import difflib
import operator
from typing import Annotated, Callable, Literal, NamedTuple, Optional, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator

from workbench.engine.metrics import CATEGORY_METRICS, FLAG_METRICS, NUMERIC_METRICS, Metrics

from workbench.engine.words import INDETERMINATE, MET, NOT_MET  # noqa: E402,F401

Op = Literal[">=", ">", "<", "<=", "==", "!="]
# defer_build (here and in the other engine models): a model's validator is built when it is first
# used, not at import. Nested models are validated through Regime's, ProductSpec's or Letter's
# own validator, so most are never built on their own (0.05 s of the app's start).
# The forward references to Condition below resolve at that first use.
# The largest threshold a rule or letter may state (training operations reach 1e26; beyond 1e40 is
# a typo or an attack, and would make margins infinite).
MAX_THRESHOLD = 1e40
_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True)


def _known(name: str, known: dict[str, str], kind: str) -> str:
    if name not in known:
        hint = difflib.get_close_matches(name, list(known), n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        raise ValueError(f"unknown {kind} '{name}' (expected one of {', '.join(known)}){suggestion}")
    return name


class Compare(BaseModel):
    """A numeric comparison leaf: ``{metric: tpp, op: ">=", value: 4800}``."""

    model_config = _STRICT
    metric: str
    op: Op
    value: float = Field(ge=0, le=MAX_THRESHOLD)  # every metric is a size, a count or a rate: never negative
    label: Optional[str] = None

    _check_metric = field_validator("metric")(lambda cls, v: _known(v, NUMERIC_METRICS, "numeric metric"))


class Flag(BaseModel):
    """A yes/no leaf: ``{flag: datacenter, is: true, unknown_as: true}``.

    ``unknown_as`` makes a conservative reading explicit in the data (e.g. unknown datacenter
    status treated as datacenter); the trace says the assumption was used.
    """

    model_config = ConfigDict(**_STRICT, populate_by_name=True)
    flag: str
    is_: bool = Field(alias="is")
    unknown_as: Optional[bool] = None
    label: Optional[str] = None

    _check_flag = field_validator("flag")(lambda cls, v: _known(v, FLAG_METRICS, "flag"))


class OneOf(BaseModel):
    """A category leaf: ``{attribute: product_type, one_of: [ic, board]}``."""

    model_config = _STRICT
    attribute: str
    one_of: list[str] = Field(min_length=1)
    label: Optional[str] = None

    _check_attr = field_validator("attribute")(lambda cls, v: _known(v, CATEGORY_METRICS, "attribute"))


class All(BaseModel):
    model_config = _STRICT
    all: list["Condition"] = Field(min_length=1)


class Any_(BaseModel):
    model_config = _STRICT
    any: list["Condition"] = Field(min_length=1)


class Not(BaseModel):
    model_config = ConfigDict(**_STRICT, populate_by_name=True)
    not_: "Condition" = Field(alias="not")


def _condition_kind(value: object) -> Optional[str]:
    if isinstance(value, BaseModel):
        return {All: "all", Any_: "any", Not: "not", Compare: "metric", Flag: "flag", OneOf: "attribute"}.get(type(value))
    if isinstance(value, dict):
        for key in ("all", "any", "not", "metric", "flag", "attribute"):
            if key in value:
                return key
    return None


Condition = Annotated[
    Union[
        Annotated[All, Tag("all")],
        Annotated[Any_, Tag("any")],
        Annotated[Not, Tag("not")],
        Annotated[Compare, Tag("metric")],
        Annotated[Flag, Tag("flag")],
        Annotated[OneOf, Tag("attribute")],
    ],
    Discriminator(
        _condition_kind,
        custom_error_type="invalid_condition",
        custom_error_message="a condition must have one of the keys all, any, not, metric, flag, attribute",
    ),
]


class Criterion(NamedTuple):
    """The trace of one leaf: what was compared, against what, with what result and margin.

    A NamedTuple because the engine makes tens of millions of these for a large catalog.
    """

    id: str  # the rule, requirement, policy or exception the leaf belongs to
    metric: str
    op: str
    threshold: object
    value: object
    result: str
    margin: Optional[float] = None  # value - threshold, in the metric's unit
    margin_pct: Optional[float] = None  # margin as a percentage of the threshold
    label: Optional[str] = None
    note: Optional[str] = None

    def describe(self) -> str:
        shown = "unknown" if self.value is None else format_value(self.value)
        return f"{self.label or self.metric} {shown} {self.op} {format_value(self.threshold)}"


# The operator symbols, short metric names and value wording are defined once, without pydantic.
from workbench.engine.words import METRIC_SHORT, OP_SYMBOLS, format_value  # noqa: E402,F401


_OPS = {">=": operator.ge, ">": operator.gt, "<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne}

Evaluator = Callable[[Metrics, list], str]


def evaluate(condition: Condition, metrics: Metrics, trace: list[Criterion], owner: str = "") -> str:
    """Evaluate a condition tree with Kleene logic, appending one Criterion per leaf."""
    return compile_condition(condition, owner)(metrics, trace)


def compile_condition(condition: Condition, owner: str) -> Evaluator:
    """Turn a validated condition tree into nested closures, once per ruleset.

    Every leaf is always evaluated (no short-circuit) so the trace lists every criterion.
    """
    if isinstance(condition, All):
        parts = [compile_condition(c, owner) for c in condition.all]

        def all_(m: Metrics, trace: list) -> str:
            results = [p(m, trace) for p in parts]
            if NOT_MET in results:
                return NOT_MET
            return INDETERMINATE if INDETERMINATE in results else MET
        return all_
    if isinstance(condition, Any_):
        parts = [compile_condition(c, owner) for c in condition.any]

        def any_(m: Metrics, trace: list) -> str:
            results = [p(m, trace) for p in parts]
            if MET in results:
                return MET
            return INDETERMINATE if INDETERMINATE in results else NOT_MET
        return any_
    if isinstance(condition, Not):
        inner = compile_condition(condition.not_, owner)
        return lambda m, trace: {MET: NOT_MET, NOT_MET: MET}.get(inner(m, trace), INDETERMINATE)
    if isinstance(condition, Compare):
        return _compile_compare(condition, owner)
    if isinstance(condition, Flag):
        return _compile_flag(condition, owner)
    if isinstance(condition, OneOf):
        return _compile_one_of(condition, owner)
    raise TypeError(f"not a condition: {condition!r}")


def _compile_flag(leaf: Flag, owner: str) -> Evaluator:
    name, wanted, fallback = leaf.flag, leaf.is_, leaf.unknown_as
    label = leaf.label or FLAG_METRICS[name]
    note = None if fallback is None else f"{name} unknown: treated as {format_value(fallback)} (conservative reading)"

    def flag(m: Metrics, trace: list) -> str:
        value = m.values.get(name)
        used = value if value is not None else fallback
        result = INDETERMINATE if used is None else (MET if used == wanted else NOT_MET)
        trace.append(Criterion(owner, name, "is", wanted, value, result, None, None, label,
                               note if value is None else None))
        return result
    return flag


def _compile_one_of(leaf: OneOf, owner: str) -> Evaluator:
    name, allowed = leaf.attribute, tuple(leaf.one_of)
    label = leaf.label or CATEGORY_METRICS[name]

    def one_of(m: Metrics, trace: list) -> str:
        value = m.values.get(name)
        result = MET if value in allowed else NOT_MET
        trace.append(Criterion(owner, name, "in", list(allowed), value, result, None, None, label, None))
        return result
    return one_of


def _compile_compare(leaf: Compare, owner: str) -> Evaluator:
    name, op_name, threshold = leaf.metric, leaf.op, leaf.value
    test = _OPS[op_name]
    label = leaf.label or NUMERIC_METRICS[name]
    per_cent = 100.0 / threshold if threshold else None

    def compare(m: Metrics, trace: list) -> str:
        value = m.values.get(name)
        if value is None:
            why = m.not_applicable.get(name)
            if why:
                # A quantity that does not exist (planar device: no PD) cannot meet a threshold.
                trace.append(Criterion(owner, name, op_name, threshold, None, NOT_MET, None, None, label, why))
                return NOT_MET
            missing = ", ".join(m.missing.get(name, (name,)))
            trace.append(Criterion(owner, name, op_name, threshold, None, INDETERMINATE, None, None, label,
                                   f"missing input: {missing}"))
            return INDETERMINATE
        margin = value - threshold
        result = MET if test(value, threshold) else NOT_MET
        trace.append(Criterion(owner, name, op_name, threshold, value, result, margin,
                               margin * per_cent if per_cent is not None else None, label, None))
        return result
    return compare
