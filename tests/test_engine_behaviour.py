"""Engine behaviour beyond single thresholds: unknowns, declared TPP, destinations and dates."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from tests.conftest import spec
from workbench.engine import compare, determine
from workbench.engine.metrics import compute_metrics
from workbench.engine.spec import SpecError, make_spec

# The day the engine reads regimes on when a test gives no date (never the wall clock).
TODAY = date(2026, 12, 1)


def test_missing_die_area_is_indeterminate_never_uncontrolled(regime, countries):
    det = determine(spec(fp8_tflops=300.0), regime("us-ear-2023-10"), countries, "CN", today=TODAY)
    assert det.classification == "indeterminate"
    assert "die_area_mm2" in det.missing
    assert det.license_required is None
    assert "3A090.a.2" in det.candidates


def test_missing_die_area_does_not_block_a1(regime, countries):
    det = determine(spec(fp8_tflops=1979.0), regime("us-ear-2023-10"), countries, today=TODAY)
    assert det.paragraph == "3A090.a.1"


def test_planar_device_has_no_density(regime, countries):
    s = spec(fp8_tflops=300.0, die_area_mm2=100.0, non_planar=False)
    m = compute_metrics(s)
    assert m.performance_density is None and "performance_density" in m.not_applicable
    assert determine(s, regime("us-ear-2023-10"), countries, today=TODAY).classification == "not-3A090"


def test_no_throughput_at_all_lists_what_is_missing(regime, countries):
    det = determine(spec(), regime("us-ear-2023-10"), countries, today=TODAY)
    assert det.classification == "indeterminate"
    assert "fp8_tflops" in det.missing and "tpp" in det.missing


def test_declared_tpp_discrepancy_is_flagged_and_user_chooses(regime, countries):
    computed = spec(fp8_tflops=600.0, tpp=5000.0, die_area_mm2=2000.0)  # computed 4800, declared +4.2%
    m = compute_metrics(computed)
    assert m.tpp == 4800 and m.tpp_basis == "computed"
    assert any("differs from computed" in n for n in m.notes)
    declared = spec(fp8_tflops=600.0, tpp=4700.0, die_area_mm2=2000.0, tpp_basis="declared")
    det = determine(declared, regime("us-ear-2023-10"), countries, today=TODAY)
    assert det.tpp == 4700 and det.tpp_basis == "declared" and det.paragraph == "3A090.b.1"


def test_declared_tpp_within_three_percent_is_not_flagged():
    m = compute_metrics(spec(fp8_tflops=600.0, tpp=4800.0 * 1.03))
    assert not m.notes


def test_spec_errors_name_field_and_unit():
    with pytest.raises(SpecError) as info:
        make_spec(part_number="X", fp16_tflops="989 TFLOPS", die_area_mm2=-1.0)
    text = str(info.value)
    assert "fp16_tflops" in text and "TFLOPS (dense)" in text
    assert "die_area_mm2" in text and "mm²" in text


def test_uae_leaves_d4_on_2026_07_10(regime, countries):
    h100 = spec(fp8_tflops=1979.0, die_area_mm2=814.0)
    r = regime("us-h200-2026-01")
    assert determine(h100, r, countries, "AE", on=date(2026, 7, 9)).license_required is True
    after = determine(h100, r, countries, "AE", on=date(2026, 7, 10))
    # Out of D:4 (so out of the D-group scope), yet 91 FR 43034 gives licence-free access only to the
    # UAE Government and approved entities: a licence unless the end user is one of them.
    assert not countries.member("AE", "D4", date(2026, 7, 10))
    assert after.license_required is True and [e.id for e in after.license_exceptions] == ["UAE-APPROVED"]


def test_macau_enters_the_2022_rule_on_2023_01_17(regime, countries):
    h100 = spec(fp8_tflops=1979.0, interconnect_bandwidth_gbs=900.0)
    r = regime("us-ear-2022-10")
    assert determine(h100, r, countries, "MO", on=date(2023, 1, 16)).license_required is False
    assert determine(h100, r, countries, "MO", on=date(2023, 1, 17)).license_required is True
    assert determine(h100, r, countries, "HK", on=date(2022, 11, 1)).license_required is True


def test_headquarters_rule_applies_worldwide(regime, countries):
    h100 = spec(fp8_tflops=1979.0, die_area_mm2=814.0)
    r = regime("us-enforced-2025-05")
    assert determine(h100, r, countries, "MY", today=TODAY).license_required is False
    det = determine(h100, r, countries, "MY", "CN", today=TODAY)
    assert det.license_required is True and any("headquartered" in reason for reason in det.license_reasons)


def test_destination_in_the_united_states_is_not_an_export(regime, countries):
    det = determine(spec(fp8_tflops=1979.0), regime("us-ai-diffusion-2025-01"), countries, "PR", today=TODAY)
    assert det.license_required is False


def test_diffusion_as_codified_versus_as_enforced(regime, countries):
    h100 = spec(fp8_tflops=1979.0, die_area_mm2=814.0)
    codified = determine(h100, regime("us-ai-diffusion-2025-01"), countries, "MY", today=TODAY)
    enforced = determine(h100, regime("us-enforced-2025-05"), countries, "MY", today=TODAY)
    assert codified.license_required is True and codified.regime_enforced is False
    assert "LPP" in [e.id for e in codified.license_exceptions]
    assert enforced.license_required is False
    tier1 = determine(h100, regime("us-ai-diffusion-2025-01"), countries, "DE", today=TODAY)
    assert "AIA" in [e.id for e in tier1.license_exceptions]


def test_nac_split_in_april_2024(regime, countries):
    rtx = spec(fp8_tflops=660.6, die_area_mm2=609.0, datacenter=False)
    r = regime("us-ear-2023-10")
    before = determine(rtx, r, countries, "VN", on=date(2024, 4, 3))
    after = determine(rtx, r, countries, "VN", on=date(2024, 4, 4))
    assert [e.id for e in before.license_exceptions] == ["NAC"]
    assert [e.id for e in after.license_exceptions] == ["ACA"]


def test_determination_carries_ruleset_hash_and_citations(regime, countries):
    r = regime("us-ear-2023-10")
    det = determine(spec(fp8_tflops=1979.0), r, countries, today=TODAY)
    assert det.ruleset_sha256 == r.sha256 and len(det.ruleset_sha256) == 64
    assert any("88 FR 73458" in c for c in det.citations)
    assert det.confidence == "secondary"


def test_comparison_counts_transitions(regime, countries):
    products = [spec(part_number=p, fp8_tflops=1979.0, die_area_mm2=814.0, interconnect_bandwidth_gbs=bw)
                for p, bw in (("H100", 900.0), ("H800", 400.0), ("H800b", 400.0))]
    result = compare(products, [regime("us-ear-2022-10"), regime("us-ear-2023-10")], countries, "CN", today=TODAY)
    assert [r.part_number for r in result.changed_rows] == ["H100", "H800", "H800b"]
    counts = dict(result.counts)
    assert counts[("not 3A090/4A090 / no licence", "3A090.a.1 / licence (presumption of denial)")] == 2


def test_engine_imports_without_qt_or_sqlite():
    code = ("import importlib, pkgutil, sys, workbench.engine;"  # every engine module, letters and deals included
            "[importlib.import_module(m.name) for m in pkgutil.walk_packages(workbench.engine.__path__, 'workbench.engine.')];"
            "assert 'workbench.engine.letters.overlay' in sys.modules and 'workbench.engine.ledgers' in sys.modules;"
            "bad = [m for m in ('PySide6', 'sqlite3', 'openpyxl', 'python_calamine', 'reportlab') if m in sys.modules];"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_unknown_dram_bandwidth_makes_the_2026_review_policy_indeterminate(regime, countries):
    det = determine(spec(fp8_tflops=1979.0, die_area_mm2=814.0), regime("us-h200-2026-01"), countries, "CN", today=TODAY)
    assert det.license_required is True
    assert det.review_policy == "indeterminate"
    assert "case by case" in det.review_conditions[0]


def test_strictest_review_policy_wins_when_two_requirements_bind(regime, countries):
    h100 = spec(fp8_tflops=1979.0, die_area_mm2=814.0, memory_bandwidth_gbs=3350.0)
    # AI diffusion: Tier 2 destination (approval) but a China-headquartered parent (denial).
    diffusion = determine(h100, regime("us-ai-diffusion-2025-01"), countries, "MY", "CN", today=TODAY)
    assert diffusion.review_policy == "presumption_of_denial"
    assert determine(h100, regime("us-ai-diffusion-2025-01"), countries, "MY", today=TODAY).review_policy == "presumption_of_approval"
    # 2026: an H200-class export from the US to a Chinese company in China is in the window ...
    assert determine(h100, regime("us-h200-2026-01"), countries, "CN", "CN", today=TODAY).review_policy == "case_by_case"
    # ... but the same company's subsidiary in Malaysia stays presumption of denial.
    assert determine(h100, regime("us-h200-2026-01"), countries, "MY", "CN", today=TODAY).review_policy == "presumption_of_denial"


def test_missing_throughput_reads_as_one_need(regime, countries):
    det = determine(spec(die_area_mm2=500.0), regime("us-ear-2023-10"), countries, today=TODAY)
    assert "fp8_tflops" in det.missing  # the list keeps every field ...
    assert "missing a dense throughput figure (any precision) or a declared TPP" in det.explanation  # ... the sentence does not
    assert "fp8_tflops" not in det.explanation
