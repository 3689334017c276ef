"""The fact sheet's worked examples (section 12), each under the 2022, 2023 and 2026 regimes.

Inputs are the datasheet figures of section 1's table; expected outcomes are the table's columns.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import spec
from workbench.engine import determine
from workbench.engine.metrics import compute_metrics

H100 = spec(part_number="H100-SXM", fp8_tflops=1979.0, die_area_mm2=814.0, interconnect_bandwidth_gbs=900.0,
            memory_bandwidth_gbs=3350.0)
A100 = spec(part_number="A100", int8_tops=624.0, fp16_tflops=312.0, die_area_mm2=826.0,
            interconnect_bandwidth_gbs=600.0, memory_bandwidth_gbs=2039.0)
A800 = spec(part_number="A800", int8_tops=624.0, fp16_tflops=312.0, die_area_mm2=826.0,
            interconnect_bandwidth_gbs=400.0, memory_bandwidth_gbs=2039.0)
H800 = spec(part_number="H800", fp8_tflops=1979.0, die_area_mm2=814.0, interconnect_bandwidth_gbs=400.0,
            memory_bandwidth_gbs=3350.0)
H20 = spec(part_number="H20", fp8_tflops=296.0, fp16_tflops=148.0, die_area_mm2=814.0,
           interconnect_bandwidth_gbs=900.0, memory_bandwidth_gbs=4000.0)
L4 = spec(part_number="L4", fp8_tflops=242.5, die_area_mm2=294.0, interconnect_bandwidth_gbs=64.0,
          memory_bandwidth_gbs=300.0)
RTX4090 = spec(part_number="RTX4090", fp8_tflops=660.6, die_area_mm2=609.0, datacenter=False,
               interconnect_bandwidth_gbs=64.0, memory_bandwidth_gbs=1008.0)
MI325X = spec(part_number="MI325X", fp8_tflops=2614.9, memory_bandwidth_gbs=6000.0, interconnect_bandwidth_gbs=1024.0)
B200 = spec(part_number="B200", fp8_tflops=4500.0, memory_bandwidth_gbs=8000.0, interconnect_bandwidth_gbs=1800.0)

# The day the engine reads regimes on when a test gives no date (never the wall clock).
TODAY = date(2026, 12, 1)


@pytest.mark.parametrize("product,tpp,pd", [
    (H100, 15832, 19.45), (A100, 4992, 6.04), (H20, 2368, 2.91), (L4, 1940, 6.60), (RTX4090, 5284.8, 8.68),
])
def test_metrics_match_the_fact_sheet(product, tpp, pd):
    m = compute_metrics(product)
    assert m.tpp == pytest.approx(tpp, abs=0.05)
    assert m.performance_density == pytest.approx(pd, abs=0.005)


def test_tpp_is_never_doubled():
    # The public mistake doubles H100 to 31,664.
    assert compute_metrics(H100).tpp == pytest.approx(15832)


# product, 2022 (China), 2023 paragraph, 2026 H200 window review policy for China
EXAMPLES = [
    (H100, "3A090", "3A090.a.1", "case_by_case"),
    (A100, "3A090", "3A090.a.1", "case_by_case"),
    (A800, "not-3A090", "3A090.a.1", "case_by_case"),
    (H800, "not-3A090", "3A090.a.1", "case_by_case"),
    (H20, "not-3A090", "not 3A090/4A090", None),
    (L4, "not-3A090", "3A090.a.2", "case_by_case"),
    (RTX4090, "not-3A090", "3A090.a.1", "case_by_case"),
    (MI325X, "3A090", "3A090.a.1", "case_by_case"),
    (B200, "3A090", "3A090.a.1", "presumption_of_denial"),
]


@pytest.mark.parametrize("product,c2022,p2023,review2026", EXAMPLES, ids=[e[0].part_number for e in EXAMPLES])
def test_worked_example(regime, countries, product, c2022, p2023, review2026):
    d22 = determine(product, regime("us-ear-2022-10"), countries, "CN", today=TODAY)
    d23 = determine(product, regime("us-ear-2023-10"), countries, "CN", today=TODAY)
    d26 = determine(product, regime("us-h200-2026-01"), countries, "CN", today=TODAY)
    assert d22.classification == c2022
    assert d22.license_required is (c2022 == "3A090")
    assert d23.paragraph == p2023
    assert d26.paragraph == p2023  # 2026 changes review policy, not classification
    assert d26.review_policy == review2026
    assert d26.license_required is (review2026 is not None)


def test_h20_is_not_3a090_and_just_below_the_b1_line(regime, countries):
    det = determine(H20, regime("us-h200-2026-01"), countries, today=TODAY)
    assert det.classification == "not-3A090"
    assert det.nearest.id == "3a090-b-1" and det.nearest.threshold == 2400
    assert det.nearest.margin_pct == pytest.approx((2368 - 2400) / 2400 * 100)


def test_rtx4090_is_3a090a_but_nac_aca_eligible(regime, countries):
    r = regime("us-ear-2023-10")
    assert [e.id for e in determine(RTX4090, r, countries, "CN", today=TODAY).license_exceptions] == ["NAC"]
    assert [e.id for e in determine(RTX4090, r, countries, "VN", today=TODAY).license_exceptions] == ["ACA"]
    # A datacenter 3A090.a item gets neither.
    assert not determine(H100, r, countries, "CN", today=TODAY).license_exceptions


def test_explanation_is_a_plain_sentence(regime, countries):
    det = determine(H100, regime("us-ear-2023-10"), countries, today=TODAY)
    assert det.explanation == "3A090.a.1 because TPP 15,832 ≥ 4,800"


def test_a800_fails_only_the_interconnect_prong_in_2022(regime, countries):
    det = determine(A800, regime("us-ear-2022-10"), countries, today=TODAY)
    by_metric = {c.metric: c for c in det.criteria}
    assert by_metric["interconnect_bandwidth_gbs"].result == "not met"
    assert by_metric["interconnect_bandwidth_gbs"].margin == pytest.approx(-200)
    assert by_metric["tpp"].result == "met"
