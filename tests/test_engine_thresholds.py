"""Every threshold of every ruleset, just below, exactly at and just above, from the rule's wording.

The expectations below are written from the regulations (shared fact sheet §1-§9, §12), not read
from the rulesets: ">= 4800" means exactly 4800 is controlled; "< 21,000" means exactly 21,000 is
outside the window. ``test_every_threshold_is_covered`` fails when a ruleset gains a comparison
that no boundary test here exercises.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import spec
from workbench.engine import determine
from workbench.engine.conditions import All, Any_, Compare, Not

BELOW, AT, ABOVE = "below", "at", "above"
EPS = 1e-9

REGIMES_2023_FAMILY = ["us-ear-2023-10", "us-ear-2024-12-hbm", "us-ai-diffusion-2025-01", "us-foundry-2025-01",
                       "us-proposed-2025-04", "us-enforced-2025-05", "us-h200-2026-01", "us-d5hq-guidance-2026-05"]
REGIMES_HBM = REGIMES_2023_FAMILY[1:]
REGIMES_H200 = ["us-h200-2026-01", "us-d5hq-guidance-2026-05"]

# The day the engine reads regimes on when a test gives no date (never the wall clock).
TODAY = date(2026, 12, 1)


def nudge(value: float, where: str) -> float:
    return {BELOW: value * (1 - EPS), AT: value, ABOVE: value * (1 + EPS)}[where]


def tpp_spec(tpp: float, **values):
    """fp8 x 8 = TPP exactly (division by a power of two is exact in binary floating point)."""
    return spec(fp8_tflops=tpp / 8, **values)


def classify(regime, countries, s, **kw):
    return determine(s, regime, countries, **{"today": TODAY, **kw})


# (regime ids, metric, op, threshold) covered by the tests below.
COVERED: set[tuple[str, str, float]] = set()


def covers(metric: str, op: str, value: float):
    COVERED.add((metric, op, float(value)))


# --- October 2022: ">= 600 Gbyte/s" AND ">= 4800" -------------------------------------------
covers("interconnect_bandwidth_gbs", ">=", 600)
covers("tpp", ">=", 4800)


@pytest.mark.parametrize("where,expected", [(BELOW, "not-3A090"), (AT, "3A090"), (ABOVE, "3A090")])
def test_2022_interconnect_600_inclusive(regime, countries, where, expected):
    s = tpp_spec(5000, interconnect_bandwidth_gbs=nudge(600, where))
    assert classify(regime("us-ear-2022-10"), countries, s).classification == expected


@pytest.mark.parametrize("where,expected", [(BELOW, "not-3A090"), (AT, "3A090"), (ABOVE, "3A090")])
def test_2022_tpp_4800_inclusive(regime, countries, where, expected):
    s = tpp_spec(nudge(4800, where), interconnect_bandwidth_gbs=900.0)
    assert classify(regime("us-ear-2022-10"), countries, s).classification == expected


def test_2022_servers_use_4a090(regime, countries):
    s = tpp_spec(4800, interconnect_bandwidth_gbs=600.0, product_type="server")
    assert classify(regime("us-ear-2022-10"), countries, s).classification == "4A090"


# --- October 2023 family: 3A090.a.1, a.2, b.1, b.2 --------------------------------------------
covers("tpp", ">=", 1600)
covers("performance_density", ">=", 5.92)
covers("tpp", ">=", 2400)
covers("tpp", "<", 4800)
covers("performance_density", ">=", 1.6)
covers("performance_density", "<", 5.92)
covers("performance_density", ">=", 3.2)


@pytest.mark.parametrize("regime_id", REGIMES_2023_FAMILY)
@pytest.mark.parametrize("where,paragraph", [(BELOW, "3A090.b.1"), (AT, "3A090.a.1"), (ABOVE, "3A090.a.1")])
def test_a1_tpp_4800_inclusive(regime, countries, regime_id, where, paragraph):
    # PD 2.0 keeps it out of a.2; just below 4800 it falls into b.1 (TPP < 4800 strict).
    tpp = nudge(4800, where)
    s = tpp_spec(tpp, die_area_mm2=tpp / 2.0, process_node_nm=5.0, transistors_billion=10.0, has_hbm=True)
    assert classify(regime(regime_id), countries, s).paragraph == paragraph


@pytest.mark.parametrize("regime_id", REGIMES_2023_FAMILY)
@pytest.mark.parametrize("where,paragraph", [(BELOW, "not 3A090/4A090"), (AT, "3A090.a.2"), (ABOVE, "3A090.a.2")])
def test_a2_tpp_1600_inclusive(regime, countries, regime_id, where, paragraph):
    s = tpp_spec(nudge(1600, where), die_area_mm2=100.0, transistors_billion=10.0, has_hbm=True)
    assert classify(regime(regime_id), countries, s).paragraph == paragraph


@pytest.mark.parametrize("regime_id", REGIMES_2023_FAMILY)
@pytest.mark.parametrize("where,paragraph", [(BELOW, "3A090.b.1"), (AT, "3A090.a.2"), (ABOVE, "3A090.a.2")])
def test_pd_5_92_boundary_between_b_and_a2(regime, countries, regime_id, where, paragraph):
    # TPP 2960 and die 500 mm² give PD 5.92 exactly; the die is nudged the other way round.
    s = tpp_spec(2960, die_area_mm2=500.0 / nudge(1.0, where), transistors_billion=10.0, has_hbm=True)
    det = classify(regime(regime_id), countries, s)
    assert det.paragraph == paragraph


@pytest.mark.parametrize("regime_id", REGIMES_2023_FAMILY)
@pytest.mark.parametrize("where,paragraph", [(BELOW, "3A090.b.2"), (AT, "3A090.b.1"), (ABOVE, "3A090.b.1")])
def test_b1_tpp_2400_inclusive(regime, countries, regime_id, where, paragraph):
    # PD 4: below 2400 TPP it is still b.2 (TPP >= 1600 and PD >= 3.2), from 2400 b.1 comes first.
    tpp = nudge(2400, where)
    s = tpp_spec(tpp, die_area_mm2=tpp / 4.0, transistors_billion=10.0, has_hbm=True)
    assert classify(regime(regime_id), countries, s).paragraph == paragraph


@pytest.mark.parametrize("regime_id", REGIMES_2023_FAMILY)
@pytest.mark.parametrize("where,paragraph", [(BELOW, "not 3A090/4A090"), (AT, "3A090.b.1"), (ABOVE, "3A090.b.1")])
def test_b1_pd_1_6_inclusive(regime, countries, regime_id, where, paragraph):
    s = tpp_spec(3000, die_area_mm2=3000 / nudge(1.6, where), transistors_billion=10.0, has_hbm=True)
    assert classify(regime(regime_id), countries, s).paragraph == paragraph


@pytest.mark.parametrize("regime_id", REGIMES_2023_FAMILY)
@pytest.mark.parametrize("where,paragraph", [(BELOW, "not 3A090/4A090"), (AT, "3A090.b.2"), (ABOVE, "3A090.b.2")])
def test_b2_pd_3_2_inclusive(regime, countries, regime_id, where, paragraph):
    # TPP 2000 (< 2400, so not b.1): b.2 needs PD >= 3.2.
    s = tpp_spec(2000, die_area_mm2=2000 / nudge(3.2, where), transistors_billion=10.0, has_hbm=True)
    assert classify(regime(regime_id), countries, s).paragraph == paragraph


@pytest.mark.parametrize("regime_id", REGIMES_2023_FAMILY)
def test_non_datacenter_needs_4800(regime, countries, regime_id):
    high_pd = dict(die_area_mm2=100.0, datacenter=False, transistors_billion=10.0, has_hbm=True)
    assert classify(regime(regime_id), countries, tpp_spec(4799.0, **high_pd)).classification == "not-3A090"
    assert classify(regime(regime_id), countries, tpp_spec(4800.0, **high_pd)).paragraph == "3A090.a.1"


@pytest.mark.parametrize("regime_id", REGIMES_2023_FAMILY)
def test_unknown_datacenter_is_treated_as_datacenter_and_flagged(regime, countries, regime_id):
    s = spec(fp8_tflops=242.5, die_area_mm2=294.0, datacenter=None, transistors_billion=10.0, has_hbm=True)
    det = classify(regime(regime_id), countries, s)
    assert det.paragraph == "3A090.a.2"
    assert any("datacenter unknown" in note for note in det.notes)


@pytest.mark.parametrize("regime_id", REGIMES_2023_FAMILY)
def test_servers_classify_under_4a090(regime, countries, regime_id):
    assert classify(regime(regime_id), countries, tpp_spec(4800, product_type="server", die_area_mm2=4000.0)).classification == "4A090.a"
    assert classify(regime(regime_id), countries, tpp_spec(1600, product_type="server", die_area_mm2=100.0)).classification == "4A090.a"
    b = tpp_spec(3000, product_type="server", die_area_mm2=1000.0)
    assert classify(regime(regime_id), countries, b).classification == "4A090.b"


# --- December 2024 HBM: 3A090.c "> 2 GB/s/mm²"; License Exception HBM "< 3.3" -------------------
covers("hbm_bandwidth_density_gbs_mm2", ">", 2)
covers("hbm_bandwidth_density_gbs_mm2", "<", 3.3)


@pytest.mark.parametrize("regime_id", REGIMES_HBM)
@pytest.mark.parametrize("where,expected", [(BELOW, "not-3A090"), (AT, "not-3A090"), (ABOVE, "3A090.c")])
def test_hbm_density_2_strict(regime, countries, regime_id, where, expected):
    s = spec(product_type="hbm", hbm_bandwidth_density_gbs_mm2=nudge(2.0, where))
    assert classify(regime(regime_id), countries, s).classification == expected


def test_hbm_not_controlled_before_december_2024(regime, countries):
    s = spec(product_type="hbm", hbm_bandwidth_density_gbs_mm2=3.0)
    assert classify(regime("us-ear-2023-10"), countries, s).classification == "not-3A090"


@pytest.mark.parametrize("regime_id", REGIMES_HBM)
@pytest.mark.parametrize("where,eligible", [(BELOW, True), (AT, False), (ABOVE, False)])
def test_licence_exception_hbm_below_3_3_strict(regime, countries, regime_id, where, eligible):
    s = spec(product_type="hbm", hbm_bandwidth_density_gbs_mm2=nudge(3.3, where))
    det = classify(regime(regime_id), countries, s, destination="CN")
    assert det.license_required is True
    assert ("HBM" in [e.id for e in det.license_exceptions]) is eligible


# --- January 2025 AI Diffusion: 4E091 "more than 10^26 operations" ------------------------------
covers("training_ops", ">", 1e26)


@pytest.mark.parametrize("where,expected", [(BELOW, "not-3A090"), (AT, "not-3A090"), (ABOVE, "4E091")])
def test_4e091_training_ops_strict(regime, countries, where, expected):
    s = spec(product_type="model_weights", training_ops=nudge(1e26, where), weights_published=False)
    assert classify(regime("us-ai-diffusion-2025-01"), countries, s).classification == expected


def test_4e091_published_weights_not_controlled(regime, countries):
    s = spec(product_type="model_weights", training_ops=1e27, weights_published=True)
    assert classify(regime("us-ai-diffusion-2025-01"), countries, s).classification == "not-3A090"


# --- January 2026 H200 window: "TPP < 21,000 and total DRAM bandwidth < 6,500 GB/s" -------------
covers("tpp", "<", 21000)
covers("memory_bandwidth_gbs", "<", 6500)


@pytest.mark.parametrize("regime_id", REGIMES_H200)
@pytest.mark.parametrize("where,policy", [(BELOW, "case_by_case"), (AT, "presumption_of_denial"), (ABOVE, "presumption_of_denial")])
def test_h200_window_tpp_strict(regime, countries, regime_id, where, policy):
    s = tpp_spec(nudge(21000, where), die_area_mm2=1000.0, memory_bandwidth_gbs=5000.0)
    det = classify(regime(regime_id), countries, s, destination="CN")
    assert det.license_required is True and det.review_policy == policy


@pytest.mark.parametrize("regime_id", REGIMES_H200)
@pytest.mark.parametrize("where,policy", [(BELOW, "case_by_case"), (AT, "presumption_of_denial"), (ABOVE, "presumption_of_denial")])
def test_h200_window_dram_bandwidth_strict(regime, countries, regime_id, where, policy):
    s = tpp_spec(15832, die_area_mm2=814.0, memory_bandwidth_gbs=nudge(6500, where))
    det = classify(regime(regime_id), countries, s, destination="MO")
    assert det.review_policy == policy


def test_h200_window_only_for_exports_from_the_us(regime, countries):
    s = tpp_spec(15832, die_area_mm2=814.0, memory_bandwidth_gbs=4800.0)
    det = determine(s, regime("us-h200-2026-01"), countries, "CN", exports_from_us=False, today=TODAY)
    assert det.review_policy == "presumption_of_denial"


# --- January 2025 foundry rule: "16/14 nm or below"; 30B / 35B (2027) / 40B (2029+) ------------
covers("process_node_nm", "<=", 16)
covers("transistors_billion", ">=", 30)
covers("transistors_billion", ">=", 35)
covers("transistors_billion", ">=", 40)

FOUNDRY_BASE = dict(fp8_tflops=100.0, die_area_mm2=1000.0)  # TPP 800: not 3A090 by parameters


@pytest.mark.parametrize("where,expected", [(BELOW, "3A090.a"), (AT, "3A090.a"), (ABOVE, "not-3A090")])
def test_foundry_node_16_inclusive(regime, countries, where, expected):
    s = spec(**FOUNDRY_BASE, non_planar=False, process_node_nm=nudge(16, where), transistors_billion=50.0, has_hbm=True)
    assert classify(regime("us-foundry-2025-01"), countries, s, on=date(2026, 6, 1)).classification == expected


@pytest.mark.parametrize("day,has_hbm,threshold", [
    (date(2026, 6, 1), True, 30), (date(2026, 6, 1), False, 30),
    (date(2027, 6, 1), True, 30), (date(2027, 6, 1), False, 35),
    (date(2028, 6, 1), False, 30),  # open question: conservative 30B, marked unverified
    (date(2029, 6, 1), True, 30), (date(2029, 6, 1), False, 40),
])
@pytest.mark.parametrize("where", [BELOW, AT, ABOVE])
def test_foundry_transistor_tests_by_year(regime, countries, day, has_hbm, threshold, where):
    s = spec(**FOUNDRY_BASE, process_node_nm=5.0, has_hbm=has_hbm, transistors_billion=nudge(threshold, where))
    det = classify(regime("us-foundry-2025-01"), countries, s, on=day)
    expected = "not 3A090/4A090" if where == BELOW else "3A090.a (foundry presumption)"
    assert det.paragraph == expected


def test_foundry_presumption_bars_nac(regime, countries):
    s = spec(**FOUNDRY_BASE, process_node_nm=5.0, has_hbm=True, transistors_billion=80.0)
    det = classify(regime("us-foundry-2025-01"), countries, s, destination="CN", on=date(2026, 6, 1))
    assert det.license_required is True and not det.license_exceptions


# --- Coverage of the rulesets by this file ---------------------------------------------------------
def _leaves(condition):
    if isinstance(condition, All):
        for c in condition.all:
            yield from _leaves(c)
    elif isinstance(condition, Any_):
        for c in condition.any:
            yield from _leaves(c)
    elif isinstance(condition, Not):
        yield from _leaves(condition.not_)
    elif isinstance(condition, Compare):
        yield condition


def test_every_threshold_is_covered(library):
    found = set()
    for loaded in library.regimes:
        r = loaded.regime
        conditions = [rule.condition for rule in r.rules]
        for req in r.licence_requirements:
            conditions += [req.product] + [p.product for p in req.review_policies]
        conditions += [e.product for e in r.licence_exceptions]
        for condition in filter(None, conditions):
            for leaf in _leaves(condition):
                found.add((loaded.id, leaf.metric, leaf.op, leaf.value))
    uncovered = sorted(f for f in found if (f[1], f[2], f[3]) not in COVERED)
    assert not uncovered, f"thresholds without a boundary test: {uncovered}"
