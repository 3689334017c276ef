"""Three-valued condition logic: an unknown input never turns into "not met" unless a rule says so.

Written after the mutation run (mutmut) showed that weakening any of these left the suite green.
"""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from tests.conftest import spec
from workbench.engine.conditions import INDETERMINATE, MET, NOT_MET, Condition, evaluate
from workbench.engine.metrics import compute_metrics

parse = TypeAdapter(Condition).validate_python
UNKNOWN_BW = compute_metrics(spec(fp8_tflops=100.0, datacenter=None))  # TPP 800; bandwidth, datacenter unknown
TPP_HIGH = {"metric": "tpp", "op": ">=", "value": 4800}  # not met (800)
TPP_LOW = {"metric": "tpp", "op": ">=", "value": 100}  # met
BW = {"metric": "memory_bandwidth_gbs", "op": ">=", "value": 4000}  # unknown


def run(tree) -> tuple[str, list]:
    trace: list = []
    return evaluate(parse(tree), UNKNOWN_BW, trace, "t"), trace


@pytest.mark.parametrize("tree,expected", [
    ({"any": [TPP_HIGH, BW]}, INDETERMINATE),  # nothing met, one unknown
    ({"any": [TPP_LOW, BW]}, MET),  # one met decides
    ({"any": [TPP_HIGH, TPP_HIGH]}, NOT_MET),
    ({"all": [TPP_LOW, BW]}, INDETERMINATE),
    ({"all": [TPP_HIGH, BW]}, NOT_MET),  # one not met decides
    ({"all": [TPP_LOW, TPP_LOW]}, MET),
    ({"not": BW}, INDETERMINATE),
    ({"not": TPP_HIGH}, MET),
    ({"not": TPP_LOW}, NOT_MET),
])
def test_kleene_logic(tree, expected):
    result, trace = run(tree)
    assert result == expected


def test_every_leaf_is_traced_even_after_the_answer_is_known():
    result, trace = run({"any": [TPP_LOW, BW, TPP_HIGH]})
    assert result == MET and [c.metric for c in trace] == ["tpp", "memory_bandwidth_gbs", "tpp"]
    assert trace[1].result == INDETERMINATE and "memory_bandwidth_gbs" in trace[1].note


@pytest.mark.parametrize("unknown_as,expected", [(None, INDETERMINATE), (True, MET), (False, NOT_MET)])
def test_unknown_flag_is_indeterminate_unless_the_rule_says_how_to_read_it(unknown_as, expected):
    leaf = {"flag": "datacenter", "is": True}
    if unknown_as is not None:
        leaf["unknown_as"] = unknown_as
    result, trace = run(leaf)
    assert result == expected
    assert trace[0].value is None  # the trace shows the real (unknown) value, not the assumption
    assert (trace[0].note is not None) is (unknown_as is not None)


def test_margin_and_percentage():
    _, trace = run(TPP_HIGH)
    assert trace[0].margin == pytest.approx(800 - 4800)
    assert trace[0].margin_pct == pytest.approx((800 - 4800) / 4800 * 100)
