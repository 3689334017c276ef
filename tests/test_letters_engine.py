"""Is-informed letters in the pure engine: criteria at their boundaries, the status machine,
deadline maths across time zones, and the overlay on a determination."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta, timezone
from itertools import product as pairs
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import spec
from workbench.engine import determine
from workbench.engine.conditions import INDETERMINATE, MET, NOT_MET
from workbench.engine.letters import (BINDS, MAY_BIND, STATUSES, TRANSITIONS, CompiledLetter, Letter,
                                      TransitionRefused, apply_letters, coverage, dashboard, deadline_cutoff,
                                      deadline_view, newly_caught, overlay_position, revalidate, transition)

REF = "BIS-TEST-2025-04"
H20 = dict(part_number="H20-TEST", fp8_tflops=296.0, die_area_mm2=814.0, memory_bandwidth_gbs=4000.0,
           interconnect_bandwidth_gbs=900.0)


def make_letter(**over) -> Letter:
    data = {
        "ref": REF, "addressee": "Example Semiconductor Inc.", "received": "2025-04-09", "effective": "2025-04-09",
        "legal_basis": "not stated", "summary": "Licence required for H20-class circuits",
        "covered": {"criteria": [
            {"id": "mem", "description": "memory bandwidth of the H20",
             "condition": {"metric": "memory_bandwidth_gbs", "op": ">=", "value": 4000}},
            {"id": "icx", "description": "interconnect bandwidth of the H20",
             "condition": {"metric": "interconnect_bandwidth_gbs", "op": ">=", "value": 900}},
            {"id": "combo", "description": "combination",
             "condition": {"all": [{"metric": "memory_bandwidth_gbs", "op": ">=", "value": 1400},
                                   {"metric": "interconnect_bandwidth_gbs", "op": ">=", "value": 700}]}}]},
        "destinations": {"countries": ["CN", "HK", "MO"], "groups_any": ["D5"]},
        "end_user_hq": {"countries": ["CN", "HK", "MO"], "groups_any": ["D5"]},
    }
    data.update(over)
    return Letter.model_validate_json(json.dumps(data))


def _cov(letter: Letter, **figures) -> tuple[str, set]:
    """(result, ids of the criteria that caught the product)."""
    cov = coverage(CompiledLetter.build(letter), spec(**figures))
    return cov.result, {m.split("[")[1].split("]")[0] for m in cov.matched if "[" in m}


below, above = (lambda x: math.nextafter(x, -math.inf)), (lambda x: math.nextafter(x, math.inf))


@pytest.mark.parametrize("metric,threshold,other", [("memory_bandwidth_gbs", 4000.0, "interconnect_bandwidth_gbs"),
                                                    ("interconnect_bandwidth_gbs", 900.0, "memory_bandwidth_gbs")])
def test_each_criterion_at_its_boundary(metric, threshold, other):
    letter = make_letter()
    quiet = {other: 0.0}  # the other figure far below every line, so only this criterion decides
    for value, expected in ((below(threshold), NOT_MET), (threshold, MET), (above(threshold), MET),
                            (threshold - 1, NOT_MET)):
        result, met = _cov(letter, **{metric: value}, **quiet)
        assert result == expected, (metric, value)
        assert (("mem" if metric.startswith("memory") else "icx") in met) == (expected == MET)


@pytest.mark.parametrize("mem,icx,expected", [
    (1400.0, 700.0, MET), (below(1400.0), 700.0, NOT_MET), (1400.0, below(700.0), NOT_MET),
    (above(1400.0), above(700.0), MET), (below(1400.0), below(700.0), NOT_MET)])
def test_combination_criterion_needs_both(mem, icx, expected):
    result, met = _cov(make_letter(), memory_bandwidth_gbs=mem, interconnect_bandwidth_gbs=icx)
    assert result == expected
    assert ("combo" in met) == (expected == MET)


def test_missing_figure_is_indeterminate_never_not_covered():
    cov = coverage(CompiledLetter.build(make_letter()), spec(memory_bandwidth_gbs=1000.0))
    assert cov.result == INDETERMINATE
    assert cov.missing == ("interconnect_bandwidth_gbs",)
    # a figure that alone meets a criterion decides, whatever is missing
    assert _cov(make_letter(), memory_bandwidth_gbs=5000.0)[0] == MET


def test_part_numbers_and_patterns_cover_without_criteria():
    letter = make_letter(covered={"part_numbers": ["NVIDIA-H20-*", "MI308X"]})
    assert _cov(letter, part_number="nvidia-h20-hgx-96gb")[0] == MET
    assert _cov(letter, part_number="MI308X")[0] == MET
    assert _cov(letter, part_number="MI308X-2")[0] == NOT_MET
    with pytest.raises(ValueError, match="must cover something"):
        make_letter(covered={})


# --- status machine -------------------------------------------------------------------------------

def _ready(letter: Letter) -> Letter:
    """The letter with an approved application, so every allowed step can be taken."""
    return revalidate(letter, applications=[{"number": "D123456", "status": "approved", "submitted": "2025-05-01",
                                             "decided": "2025-06-01", "quantity": 100, "value_usd": 1.5e6}])


@pytest.mark.parametrize("current,target", [(a, b) for a, b in pairs(STATUSES, STATUSES)])
def test_every_status_pair_is_allowed_or_refused_with_a_reason(current, target):
    letter = _ready(make_letter(status=current))
    if target in TRANSITIONS[current]:
        moved = transition(letter, target, date(2025, 7, 1), "step")
        assert moved.status == target and moved.history[-1].status == target
        assert moved.history[-1].on == date(2025, 7, 1)
    else:
        with pytest.raises(TransitionRefused) as info:
            transition(letter, target, date(2025, 7, 1))
        reason = str(info.value)
        assert ("already" in reason) if current == target else (
            "closed letter cannot" in reason if current == "closed" else
            "cannot change status" in reason if current == "recorded_in_error" else "cannot go from" in reason)


def test_full_life_and_guards():
    letter = make_letter()
    with pytest.raises(TransitionRefused, match="record the licence application first"):
        transition(transition(letter, "under_review", date(2025, 4, 10)), "licence_applied", date(2025, 4, 20))
    with pytest.raises(TransitionRefused, match="before the previous event"):
        transition(letter, "under_review", date(2025, 4, 1))
    with pytest.raises(TransitionRefused, match="not a letter status"):
        transition(letter, "approved", date(2025, 4, 10))
    step = transition(letter, "under_review", date(2025, 4, 10))
    step = revalidate(step, applications=[{"number": "D1", "status": "submitted", "submitted": "2025-04-20"}])
    step = transition(step, "licence_applied", date(2025, 4, 20))
    with pytest.raises(TransitionRefused, match="no linked application is approved or denied"):
        transition(step, "granted", date(2025, 6, 1))
    step = transition(step, "withdrawn", date(2025, 6, 1))
    step = transition(step, "closed", date(2025, 6, 2))
    assert [h.status for h in step.history] == ["under_review", "licence_applied", "withdrawn", "closed"]
    assert not step.is_open


def test_letter_model_is_strict():
    with pytest.raises(ValueError, match="duplicate deadline id"):
        make_letter(deadlines=[{"id": "a", "label": "x", "due": "2025-05-01"}, {"id": "a", "label": "y", "due": "2025-05-02"}])
    with pytest.raises(ValueError, match="unknown time zone"):
        make_letter(agency_tz="Mars/Olympus")
    with pytest.raises(ValueError):
        make_letter(destinations={"countries": ["China"]})
    with pytest.raises(ValueError):
        make_letter(unexpected="x")
    round_trip = make_letter(deadlines=[{"id": "a", "label": "x", "due": "2025-05-01"}])
    assert Letter.model_validate_json(json.dumps(round_trip.to_json())) == round_trip


# --- deadlines ------------------------------------------------------------------------------------

UTC, SHANGHAI, NY = ZoneInfo("UTC"), ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York")
DUE = {"id": "resp", "label": "response", "due": "2025-04-30"}  # America/New_York, EDT (UTC-4)


def _view(now: datetime, tz: str, deadline=DUE):
    letter = make_letter(deadlines=[deadline])
    return deadline_view(letter, letter.deadlines[0], now, tz)


def test_cutoff_is_midnight_new_york_across_dst():
    assert deadline_cutoff(date(2025, 4, 30)) == datetime(2025, 5, 1, 4, 0, tzinfo=timezone.utc)
    assert deadline_cutoff(date(2025, 3, 8)) == datetime(2025, 3, 9, 5, 0, tzinfo=timezone.utc)  # EST
    assert deadline_cutoff(date(2025, 3, 9)) == datetime(2025, 3, 10, 4, 0, tzinfo=timezone.utc)  # EDT from 9 March
    assert deadline_cutoff(date(2025, 11, 1)) == datetime(2025, 11, 2, 4, 0, tzinfo=timezone.utc)
    assert deadline_cutoff(date(2025, 11, 2)) == datetime(2025, 11, 3, 5, 0, tzinfo=timezone.utc)  # EST again


@pytest.mark.parametrize("now,tz,days,local_days,overdue", [
    # UTC user around UTC midnight: still 30 April in New York, a calendar day away locally
    (datetime(2025, 4, 30, 23, 59, tzinfo=UTC), "UTC", 0, 1, False),
    (datetime(2025, 5, 1, 0, 0, tzinfo=UTC), "UTC", 0, 0, False),
    (datetime(2025, 5, 1, 3, 59, 59, tzinfo=UTC), "UTC", 0, 0, False),
    (datetime(2025, 5, 1, 4, 0, tzinfo=UTC), "UTC", -1, -1, True),
    # Shanghai user around Shanghai midnight: 1 May in Shanghai, still 30 April in New York
    (datetime(2025, 4, 30, 23, 59, tzinfo=SHANGHAI), "Asia/Shanghai", 0, 1, False),
    (datetime(2025, 5, 1, 0, 1, tzinfo=SHANGHAI), "Asia/Shanghai", 0, 0, False),
    (datetime(2025, 5, 1, 11, 59, tzinfo=SHANGHAI), "Asia/Shanghai", 0, 0, False),
    (datetime(2025, 5, 1, 12, 0, tzinfo=SHANGHAI), "Asia/Shanghai", -1, -1, True),
    (datetime(2025, 4, 29, 23, 59, tzinfo=SHANGHAI), "Asia/Shanghai", 1, 2, False),
    # the same instant seen from New York
    (datetime(2025, 4, 30, 23, 59, tzinfo=NY), "America/New_York", 0, 0, False),
])
def test_due_in_n_days_around_midnight(now, tz, days, local_days, overdue):
    v = _view(now, tz)
    assert (v.days_left, v.local_days_left, v.overdue) == (days, local_days, overdue)
    assert v.cutoff_utc == datetime(2025, 5, 1, 4, 0, tzinfo=timezone.utc)
    assert v.hours_left == pytest.approx((v.cutoff_utc - now).total_seconds() / 3600)
    assert (v.days_left < 0) == v.overdue  # one notion of "overdue", whoever asks


def test_deadline_local_cutoff_and_description_for_shanghai():
    v = _view(datetime(2025, 5, 1, 9, 0, tzinfo=SHANGHAI), "Asia/Shanghai")  # 21:00 on 30 April in New York
    assert v.cutoff_local == datetime(2025, 5, 1, 12, 0, tzinfo=SHANGHAI)
    assert v.last_local_day == date(2025, 5, 1)
    assert "before 2025-05-01 12:00 Asia/Shanghai" in v.describe() and "due today (3 h left)" in v.describe()
    with pytest.raises(ValueError, match="timezone-aware"):
        _view(datetime(2025, 4, 30, 9, 0), "UTC")


def test_dashboard_horizon_overdue_and_closed_letters():
    now = datetime(2025, 4, 1, 12, 0, tzinfo=UTC)  # 08:00 in New York
    open_letter = make_letter(deadlines=[
        {"id": "d30", "label": "in 30", "due": "2025-05-01"}, {"id": "d31", "label": "in 31", "due": "2025-05-02"},
        {"id": "late", "label": "late", "due": "2025-03-31"},
        {"id": "done", "label": "done", "due": "2025-03-01", "done_on": "2025-02-27"}])
    closed = make_letter(ref="OLD-1", status="closed", deadlines=[{"id": "x", "label": "x", "due": "2025-04-02"}])
    h20, other = spec(**H20), spec(part_number="SMALL", memory_bandwidth_gbs=100.0, interconnect_bandwidth_gbs=64.0)
    board = dashboard([open_letter, closed], [h20, other, spec(part_number="UNKNOWN")], now, "Asia/Shanghai")
    assert [v.id for v in board.due_soon] == ["d30"]
    assert [v.id for v in board.overdue] == ["late"]
    assert board.by_status["received"] == (REF,) and board.by_status["closed"] == ("OLD-1",)
    assert board.affected == {REF: ("H20-TEST",)} and board.possibly_affected == {REF: ("UNKNOWN",)}
    assert [e.on for e in board.timeline] == sorted(e.on for e in board.timeline)
    json.dumps(board.to_json())  # data only, JSON-ready


# --- the overlay ----------------------------------------------------------------------------------

ON = date(2026, 3, 1)


@pytest.fixture
def h20_det(countries, regime):
    def make(destination, hq=None, on=ON, figures=H20):
        s = spec(**figures)
        return determine(s, regime("us-h200-2026-01"), countries, destination, hq, on), s
    return make


def test_overlay_turns_not_3a090_h20_for_cn_into_letter_licence(h20_det, countries):
    det, s = h20_det("CN")
    assert det.classification.startswith("not-") and det.license_required is False
    overlay = apply_letters(det, s, [make_letter()], countries)
    assert overlay.license_required is True and [m.ref for m in overlay.binding] == [REF]
    assert f"licence required for CN under letter {REF}" in overlay.explanation
    assert "memory bandwidth 4,000 ≥ 4,000" in overlay.explanation
    assert any(r.startswith(f"Licence required under letter {REF}") and "[mem]" in r for r in overlay.license_reasons)
    assert overlay.review_policy == "not_stated" and overlay.confidence == det.confidence == "primary"
    unverified = make_letter(covered={"criteria": [{"id": "mem", "description": "memory bandwidth of the H20",
                                                    "confidence": "unverified", "condition": {
                                                        "metric": "memory_bandwidth_gbs", "op": ">=", "value": 4000}}]})
    assert apply_letters(det, s, [unverified], countries).confidence == "unverified"
    listed = make_letter(covered={"part_numbers": ["H20-TEST"], "criteria": unverified.to_json()["covered"]["criteria"]})
    assert apply_letters(det, s, [listed], countries).confidence == "primary"  # named in the letter
    assert overlay_position(det, overlay) == f"{det.paragraph} / licence under letter {REF}"
    out = overlay.apply_to(det.to_json())
    assert out["license_required"] is True and out["regime_only"]["license_required"] is False
    assert out["confidence"] == overlay.confidence and out["regime_only"]["confidence"] == det.confidence
    assert out["letters"]["binding"] == [REF]
    json.dumps(out)


def test_destination_outside_the_letter_is_unchanged(h20_det, countries):
    det, s = h20_det("DE")
    overlay = apply_letters(det, s, [make_letter()], countries)
    assert overlay.license_required is False and not overlay.binding and not overlay.changed
    assert overlay.explanation == det.explanation
    assert overlay_position(det, overlay) == overlay_position(det, apply_letters(det, s, [], countries))


def test_headquarters_rule_binds_outside_the_destinations(h20_det, countries):
    det, s = h20_det("DE", "CN")
    overlay = apply_letters(det, s, [make_letter()], countries)
    assert overlay.license_required is True
    assert "headquartered in CN is covered" in overlay.binding[0].reason


def test_closing_the_letter_removes_the_overlay(h20_det, countries):
    det, s = h20_det("CN")
    letter = _ready(make_letter())
    for step in ("under_review", "licence_applied", "granted"):
        letter = transition(letter, step, date(2025, 7, 1))
        assert apply_letters(det, s, [letter], countries).license_required is True  # still binding while open
    closed = transition(letter, "closed", date(2025, 8, 1))
    overlay = apply_letters(det, s, [closed], countries)
    assert overlay.license_required is False and not overlay.binding
    assert overlay.letters[0].reason == f"letter {REF} is closed"


def test_letter_not_yet_effective_on_the_determination_date(h20_det, countries):
    det, s = h20_det("CN", on=date(2025, 4, 8))
    assert apply_letters(det, s, [make_letter()], countries).license_required is det.license_required


def test_missing_figure_makes_no_licence_indeterminate(h20_det, countries):
    det, s = h20_det("CN", figures={**H20, "memory_bandwidth_gbs": None, "interconnect_bandwidth_gbs": 400.0})
    overlay = apply_letters(det, s, [make_letter()], countries)
    assert det.license_required is False and overlay.license_required is None
    assert overlay.letters[0].result == MAY_BIND and "memory_bandwidth_gbs" in overlay.explanation


def test_already_licensed_keeps_regime_review_and_adds_letter(countries, regime):
    s = spec(part_number="BIG", fp8_tflops=1979.0, die_area_mm2=814.0, memory_bandwidth_gbs=8000.0,
             interconnect_bandwidth_gbs=1800.0)
    det = determine(s, regime("us-h200-2026-01"), countries, "CN", None, ON)
    overlay = apply_letters(det, s, [make_letter()], countries)
    assert det.license_required is True and overlay.review_policy == det.review_policy
    assert overlay.explanation.startswith(det.explanation) and f"also under letter {REF}" in overlay.explanation


def test_letter_binds_only_its_addressee(h20_det, countries):
    det, s = h20_det("CN")
    letter = make_letter()
    assert apply_letters(det, s, [letter], countries, exporter="Other Subsidiary Ltd").license_required is False
    assert apply_letters(det, s, [letter], countries, exporter="example semiconductor inc.").binding[0].result == BINDS


def test_newly_caught_products():
    letter = make_letter()
    before = [spec(part_number="A", memory_bandwidth_gbs=below(4000.0), interconnect_bandwidth_gbs=64.0),
              spec(part_number="B", **{k: v for k, v in H20.items() if k != "part_number"})]
    after = [spec(part_number="A", memory_bandwidth_gbs=4000.0, interconnect_bandwidth_gbs=64.0),  # edited up
             spec(part_number="B", **{k: v for k, v in H20.items() if k != "part_number"}),  # already caught
             spec(part_number="C", memory_bandwidth_gbs=100.0, interconnect_bandwidth_gbs=900.0),  # new SKU
             spec(part_number="D", memory_bandwidth_gbs=100.0, interconnect_bandwidth_gbs=64.0)]  # new, clear
    caught = {(c.part_number, c.before) for c in newly_caught([letter], after, before)}
    assert caught == {("A", "not covered"), ("C", "new product")}
    closed = make_letter(status="closed")
    assert newly_caught([closed], after, before) == []


def test_deadline_views_differ_only_by_clock_not_by_instant():
    """Property: for any instant, UTC and Shanghai users agree on overdue and on agency days left."""
    letter = make_letter(deadlines=[DUE])
    start = datetime(2025, 4, 28, tzinfo=UTC)
    for minutes in range(0, 5 * 24 * 60, 37):
        now = start + timedelta(minutes=minutes)
        a = deadline_view(letter, letter.deadlines[0], now, "UTC")
        b = deadline_view(letter, letter.deadlines[0], now.astimezone(SHANGHAI), "Asia/Shanghai")
        assert (a.overdue, a.days_left, a.cutoff_utc) == (b.overdue, b.days_left, b.cutoff_utc)


from hypothesis import given, settings, strategies as st  # noqa: E402

_figure = st.one_of(st.none(), st.floats(min_value=0, max_value=20000, allow_nan=False))


@settings(max_examples=300, derandomize=True, deadline=None)
@given(mem=_figure, icx=_figure, extra=st.floats(min_value=0, max_value=5000, allow_nan=False))
def test_raising_a_bandwidth_never_uncovers_a_product(mem, icx, extra):
    """Metamorphic: the letter's criteria are >= lines, so more bandwidth can only add coverage, and
    learning a missing figure can only settle an indeterminate result."""
    compiled = CompiledLetter.build(make_letter())
    base = coverage(compiled, spec(memory_bandwidth_gbs=mem, interconnect_bandwidth_gbs=icx)).result
    for up in ({"memory_bandwidth_gbs": (mem or 0) + extra, "interconnect_bandwidth_gbs": icx},
               {"memory_bandwidth_gbs": mem, "interconnect_bandwidth_gbs": (icx or 0) + extra}):
        raised = coverage(compiled, spec(**up)).result
        if base == MET:
            assert raised == MET
        elif base == NOT_MET:  # both figures were known, and still are
            assert raised in (MET, NOT_MET)
    known = (mem if mem is not None else 0.0, icx if icx is not None else 0.0)
    if None not in (mem, icx):
        assert base != INDETERMINATE
    settled = coverage(compiled, spec(memory_bandwidth_gbs=known[0], interconnect_bandwidth_gbs=known[1])).result
    assert settled != INDETERMINATE and (base != MET or settled == MET)
