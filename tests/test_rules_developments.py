"""2026 developments as dated data: the UAE after 91 FR 43034, the Affiliates rule's in-force
dates, and the named-entity lists (each with its source, and "not known" kept apart from "empty")."""

from __future__ import annotations

from datetime import date

import pytest

from workbench.engine import ProductSpec, determine, load_all_regimes
from workbench.engine.loader import RulesetError
from workbench.engine.named_lists import AFFILIATES_RULE, affiliates_rule_in_force, parse_named_lists, rule_in_force
from workbench.paths import rulesets_dir
from workbench.rule_files import is_regime_file
from workbench.services.named_lists import NAMED_LISTS_FILE, bundled_named_lists
from workbench.services.named_lists import affiliates_rule_in_force as bundled_in_force

B300 = ProductSpec(part_number="NVIDIA-B300-SXM-270GB", product_type="board", datacenter=True, fp4_tflops=14000.0,
                   die_area_mm2=1628.0, non_planar=True, memory_bandwidth_gbs=8000.0)


# --- UAE: A:5 from 2026-07-10, licence-free only for the Government and approved entities ---------


@pytest.mark.parametrize("regime_id", ["us-h200-2026-01", "us-d5hq-guidance-2026-05"])
def test_b300_to_uae_needs_a_licence_unless_approved_on_both_sides_of_2026_07_10(library, countries, regime_id):
    loaded = library.get(regime_id)
    before = determine(B300, loaded, countries, destination="AE", on=date(2026, 7, 9))
    assert countries.member("AE", "D4", date(2026, 7, 9)) and before.license_required is True
    assert before.review_policy == "presumption_of_approval"  # D:1/D:4 policy, as before the rule
    assert "UAE-APPROVED" not in [e.id for e in before.license_exceptions]
    after = determine(B300, loaded, countries, destination="AE", on=date(2026, 7, 10))
    assert countries.member("AE", "A5", date(2026, 7, 10)) and not countries.member("AE", "D4", date(2026, 7, 10))
    assert after.license_required is True  # was "no licence required": a false negative
    assert any("United Arab Emirates" in r or "UAE" in r for r in after.license_reasons)
    (exc,) = [e for e in after.license_exceptions if e.id == "UAE-APPROVED"]
    assert exc.confidence == "secondary" and any("approved-entity list" in c for c in exc.conditions)
    today = determine(B300, loaded, countries, destination="AE", on=date(2026, 12, 6))
    assert today.license_required is True and "UAE-APPROVED" in [e.id for e in today.license_exceptions]


def test_uae_end_user_headquartered_in_china_gets_no_approved_entity_exception(library, countries):
    det = determine(B300, library.get("us-d5hq-guidance-2026-05"), countries, destination="AE", end_user_hq="CN",
                    on=date(2026, 12, 6))
    assert det.license_required is True and det.review_policy == "presumption_of_denial"
    assert "UAE-APPROVED" not in [e.id for e in det.license_exceptions]


def test_uae_rule_does_not_touch_other_a5_destinations(library, countries):
    det = determine(B300, library.get("us-d5hq-guidance-2026-05"), countries, destination="DE", on=date(2026, 12, 6))
    assert det.license_required is False


# --- the Affiliates rule's dates ------------------------------------------------------------------


@pytest.mark.parametrize("day, in_force", [
    (date(2025, 9, 28), False), (date(2025, 9, 29), True),    # effective 2025-09-29
    (date(2025, 11, 9), True), (date(2025, 11, 10), False),   # suspended from 2025-11-10
    (date(2026, 11, 9), False), (date(2026, 11, 10), True),   # "set to end November 9, 2026"
    (date(2026, 12, 6), True),
])
def test_affiliates_rule_in_force_on_each_side_of_every_edge(day, in_force):
    assert affiliates_rule_in_force(bundled_named_lists(), day) is in_force
    assert bundled_in_force(day) is in_force


def test_affiliates_periods_carry_their_sources():
    rule = bundled_named_lists().rule(AFFILIATES_RULE)
    assert [p.confidence for p in rule.periods] == ["primary", "primary", "unverified"]
    assert "2025-19846" in rule.period_on(date(2026, 1, 1)).citation
    assert "90 FR 47201" in rule.summary


def test_periods_must_follow_each_other(tmp_path):
    data = (rulesets_dir() / NAMED_LISTS_FILE).read_bytes()
    broken = data.replace(b"      - start: 2026-11-10", b"      - start: 2026-11-11")
    with pytest.raises(RulesetError, match="without gap or overlap"):
        parse_named_lists(broken)
    with pytest.raises(RulesetError, match="named-lists.data.yaml: lists"):
        parse_named_lists(data.replace(b"    entries_found: false", b"    entries_found: maybe", 1))
    assert rule_in_force(parse_named_lists(data), AFFILIATES_RULE, date(2026, 11, 10)) is True


# --- named lists --------------------------------------------------------------------------------


def test_named_lists_have_sources_and_unknown_contents_are_not_empty():
    lists = bundled_named_lists()
    assert {x.id for x in lists.lists} == {"authorized-ic-designers", "approved-osats", "uae-approved-entities",
                                          "data-center-veus"}
    for x in lists.lists:
        assert x.citation and x.confidence in {"primary", "secondary", "unverified"}
    uae = lists.named("uae-approved-entities")
    assert uae.listed("Anyone LLC", date(2026, 12, 6)) is None  # names not found: never "not listed"
    (deadline,) = lists.named("authorized-ic-designers").deadlines
    assert deadline.due == date(2026, 12, 31) and "2026-06851" in deadline.citation and deadline.confidence == "primary"


def test_data_files_are_not_regimes():
    assert not is_regime_file(NAMED_LISTS_FILE) and is_regime_file("us-h200-2026-01.yaml")
    ids = [r.id for r in load_all_regimes(rulesets_dir())]
    assert "named-lists" not in " ".join(ids) and len(ids) == 9


# --- GP10: Huawei Ascend 910B/C/D, every destination, no licence exception ------------------------

ASCEND = dict(product_type="board", datacenter=True, fp16_tflops=752.0, die_area_mm2=665.0, non_planar=True)


@pytest.mark.parametrize("part, name, flagged", [
    ("HUAWEI-ASCEND-910C", None, True), ("Ascend 910B4", None, True), ("ATLAS-300T-A2", "Ascend 910D", True),
    ("HW-ASCEND-910", None, False), ("ASCEND-310P", None, False), ("NVIDIA-H100-SXM5-80GB", None, False),
])
def test_gp10_flags_the_named_ascend_chips_for_every_destination(library, countries, part, name, flagged):
    spec = ProductSpec(part_number=part, name=name, vendor="Huawei" if name else None, **ASCEND)
    loaded = library.get("us-d5hq-guidance-2026-05")
    for dest in ("DE", "MY", "CN", "AE"):
        det = determine(spec, loaded, countries, destination=dest, on=date(2026, 12, 6))
        gp10 = any(r.startswith("General Prohibition 10") for r in det.license_reasons)
        assert gp10 is flagged
        if flagged:
            assert det.license_required is True and det.license_exceptions == ()
            assert any("BIS guidance of 2025-05-13" in n for n in det.notes)


def test_gp10_dates_and_domestic_shipments(library, countries):
    spec = ProductSpec(part_number="HUAWEI-ASCEND-910B", **ASCEND)
    enforced = library.get("us-enforced-2025-05")
    before = determine(spec, enforced, countries, destination="DE", on=date(2025, 5, 12))
    on = determine(spec, enforced, countries, destination="DE", on=date(2025, 5, 13))
    assert before.license_required is False and on.license_required is True
    home = determine(spec, library.get("us-h200-2026-01"), countries, destination="US", on=date(2026, 12, 6))
    assert home.license_required is False and any("General Prohibition 10" in n for n in home.notes)
    unknown = ProductSpec(part_number="HUAWEI-ASCEND-910C")  # no figures: classification indeterminate
    det = determine(unknown, library.get("us-h200-2026-01"), countries, destination="SG", on=date(2026, 12, 6))
    assert det.classification == "indeterminate" and det.license_required is True


def test_training_policy_note_binds_only_for_d5_or_macau_parties(library, countries):
    loaded = library.get("us-d5hq-guidance-2026-05")
    to_cn = determine(B300, loaded, countries, destination="CN", on=date(2026, 12, 6))
    hq_cn = determine(B300, loaded, countries, destination="MY", end_user_hq="CN", on=date(2026, 12, 6))
    to_de = determine(B300, loaded, countries, destination="DE", on=date(2026, 12, 6))
    training = "Policy statement on training AI models"
    assert any(n.startswith(training) for n in to_cn.notes) and any(n.startswith(training) for n in hq_cn.notes)
    assert not any(n.startswith(training) for n in to_de.notes)
    assert any(n.startswith("Diversion red flags") for n in to_de.notes)
    no_dest = determine(B300, loaded, countries, on=date(2026, 12, 6))
    assert not any(n.startswith("Diversion red flags") for n in no_dest.notes)


def test_a_changed_rules_data_file_marks_every_regime_modified(tmp_path):
    from workbench.services.manifest import verify_manifest

    for f in rulesets_dir().iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    assert verify_manifest(tmp_path).ok
    data = tmp_path / NAMED_LISTS_FILE
    data.write_bytes(data.read_bytes().replace(b"in_force: false", b"in_force: true"))
    report = verify_manifest(tmp_path)
    assert report.changed == (NAMED_LISTS_FILE,) and report.all_regimes_modified
    assert "us-d5hq-guidance-2026-05" in report.modified_regimes and len(report.modified_regimes) == 9
