"""Condition trees of a ruleset: all / any / not over comparison, flag and category leaves.

Evaluation is three-valued (met, not met, indeterminate) so that an unknown input never turns
into "not controlled". Every leaf leaves a trace with its value, threshold and margin.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Annotated, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator

from workbench.engine.metrics import CATEGORY_METRICS, FLAG_METRICS, NUMERIC_METRICS, Metrics

MET, NOT_MET, INDETERMINATE = "met", "not met", "indeterminate"

Op = Literal[">=", ">", "<", "<=", "==", "!="]
_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


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
    value: float
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
All.model_rebuild()
Any_.model_rebuild()
Not.model_rebuild()


@dataclass(frozen=True)
class Criterion:
    """The trace of one leaf: what was compared, against what, with what result and margin."""

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
        shown = "unknown" if self.value is None else _fmt(self.value)
        return f"{self.label or self.metric} {shown} {self.op} {_fmt(self.threshold)}"


def _fmt(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value != 0 and (abs(value) >= 1e9 or abs(value) < 1e-3):
            return f"{value:.3g}"
        if value.is_integer() or abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:,.2f}"
    if isinstance(value, list):
        return "{" + ", ".join(map(str, value)) + "}"
    return str(value)


_OPS = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def evaluate(condition: Condition, metrics: Metrics, trace: list[Criterion]) -> str:
    """Evaluate a condition tree with Kleene logic, appending one Criterion per leaf."""
    if isinstance(condition, All):
        results = [evaluate(c, metrics, trace) for c in condition.all]
        if NOT_MET in results:
            return NOT_MET
        return INDETERMINATE if INDETERMINATE in results else MET
    if isinstance(condition, Any_):
        results = [evaluate(c, metrics, trace) for c in condition.any]
        if MET in results:
            return MET
        return INDETERMINATE if INDETERMINATE in results else NOT_MET
    if isinstance(condition, Not):
        inner = evaluate(condition.not_, metrics, trace)
        return {MET: NOT_MET, NOT_MET: MET}.get(inner, INDETERMINATE)
    if isinstance(condition, Compare):
        return _compare(condition, metrics, trace)
    if isinstance(condition, Flag):
        value = metrics.values.get(condition.flag)
        note = None
        if value is None and condition.unknown_as is not None:
            value = condition.unknown_as
            note = f"{condition.flag} unknown: treated as {_fmt(value)} (conservative reading)"
        if value is None:
            result = INDETERMINATE
        else:
            result = MET if value == condition.is_ else NOT_MET
        trace.append(Criterion(condition.flag, "is", condition.is_, metrics.values.get(condition.flag),
                               result, label=condition.label or FLAG_METRICS[condition.flag], note=note))
        return result
    if isinstance(condition, OneOf):
        value = metrics.values.get(condition.attribute)
        result = MET if value in condition.one_of else NOT_MET
        trace.append(Criterion(condition.attribute, "in", list(condition.one_of), value, result,
                               label=condition.label or CATEGORY_METRICS[condition.attribute]))
        return result
    raise TypeError(f"not a condition: {condition!r}")


def _compare(leaf: Compare, metrics: Metrics, trace: list[Criterion]) -> str:
    value = metrics.values.get(leaf.metric)
    label = leaf.label or NUMERIC_METRICS[leaf.metric]
    if value is None:
        why = metrics.not_applicable.get(leaf.metric)
        if why:
            # A quantity that does not exist (planar device: no PD) cannot meet a threshold.
            trace.append(Criterion(leaf.metric, leaf.op, leaf.value, None, NOT_MET, label=label, note=why))
            return NOT_MET
        missing = ", ".join(metrics.missing.get(leaf.metric, (leaf.metric,)))
        trace.append(Criterion(leaf.metric, leaf.op, leaf.value, None, INDETERMINATE, label=label,
                               note=f"missing input: {missing}"))
        return INDETERMINATE
    margin = float(value) - leaf.value
    pct = margin / leaf.value * 100.0 if leaf.value else None
    result = MET if _OPS[leaf.op](value, leaf.value) else NOT_MET
    if pct is not None and not math.isfinite(pct):
        pct = None
    trace.append(Criterion(leaf.metric, leaf.op, leaf.value, value, result, margin, pct, label=label))
    return result
