"""The fast path says what ``determine`` says: class, licence position, review policy, exceptions,
nearest criterion and margin, for random specs (missing figures, values exactly at thresholds,
every product type, GP10 part numbers), every bundled regime, destinations, end users'
headquarters and dates across each regime's window (including the days its pieces start and end).

Classifiers are shared between examples on purpose: the fast path reuses one answer for every
product with the same signature, and sharing is what tests that reuse.
"""

from __future__ import annotations

import sys
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.engine import ProductSpec, determine
from workbench.engine.compare import position
from workbench.engine.conditions import All, Any_, Compare, Not
from workbench.engine.determine import determine_quick
from workbench.engine.fastpath import Classifier, classify_many, tpp_of
from workbench.engine.identity import _DASH_RE, _SPACE_RE, identity_key
from workbench.engine.metrics import compute_metrics
from workbench.engine.spec import THROUGHPUT_BIT_LENGTH
from workbench.services.regimes import bundled_library

LIB = bundled_library()
REGIMES = LIB.regimes
COUNTRIES = LIB.countries
CODES = sorted(c.iso2 for c in COUNTRIES)

# The day the engine reads regimes on when no date is given (never the wall clock).
TODAY = date(2026, 12, 1)


def _compares(condition, out):
    if isinstance(condition, All):
        for c in condition.all:
            _compares(c, out)
    elif isinstance(condition, Any_):
        for c in condition.any:
            _compares(c, out)
    elif isinstance(condition, Not):
        _compares(condition.not_, out)
    elif isinstance(condition, Compare):
        out.setdefault(condition.metric, set()).add(condition.value)


def _thresholds() -> dict[str, list[float]]:
    found: dict[str, set] = {}
    for loaded in REGIMES:
        for rule, _ in loaded.compiled.rules:
            _compares(rule.condition, found)
        for item, _ in loaded.compiled.products:
            _compares(item.product, found)
    return {metric: sorted(values) for metric, values in found.items()}


THRESHOLDS = _thresholds()


def _days(loaded) -> list:
    """None (the default date) and the edges of everything dated inside the regime's window."""
    regime = loaded.regime
    end = regime.effective_to or date(2030, 1, 1)
    edges = {regime.effective_from, end - timedelta(days=1)}
    items = [*regime.rules, *regime.licence_requirements, *regime.licence_exceptions, *regime.product_flags,
             *(p for r in regime.licence_requirements for p in r.review_policies)]
    for item in items:
        for edge in (item.valid_from, item.valid_to):
            if edge is not None:
                edges |= {edge, edge - timedelta(days=1)}
    for country in COUNTRIES:
        for span in country.spans.values():
            for edge in (span.start, span.end):
                if edge is not None:
                    edges |= {edge, edge - timedelta(days=1)}
    return [None] + sorted(d for d in edges if regime.effective_from <= d < end)


DAYS = {loaded.id: _days(loaded) for loaded in REGIMES}


def _figure(metric: str, high: float):
    exact = THRESHOLDS.get(metric)
    options = [st.none(), st.just(0.0), st.floats(min_value=0, max_value=high, allow_nan=False, allow_infinity=False)]
    if exact:
        options.append(st.sampled_from(exact))
    return st.one_of(*options)


flags = st.one_of(st.none(), st.booleans())
names = st.sampled_from(["P-1", "Huawei Ascend 910B", "ASCEND-910C-OAM", "ａｓｃｅｎｄ９１０ｄ", "H20", "Ascend 910"])


@st.composite
def specs(draw) -> ProductSpec:
    values = {
        "part_number": draw(names),
        "product_type": draw(st.sampled_from(["ic", "board", "server", "hbm", "model_weights"])),
        "datacenter": draw(flags), "non_planar": draw(flags), "has_hbm": draw(flags),
        "weights_published": draw(flags),
        "tpp_basis": draw(st.sampled_from(["computed", "declared"])),
    }
    if draw(st.booleans()):
        values["name"] = draw(names)
        values["vendor"] = draw(st.sampled_from([None, "Huawei", "HiSilicon"]))
    for name in draw(st.sets(st.sampled_from(sorted(THROUGHPUT_BIT_LENGTH)), max_size=3)):
        bits = THROUGHPUT_BIT_LENGTH[name]
        # A throughput whose TPP lands exactly on a threshold (bit lengths are powers of two).
        values[name] = draw(st.one_of(st.floats(min_value=0, max_value=3000, allow_nan=False),
                                      st.sampled_from([t / bits for t in THRESHOLDS["tpp"]])))
    values["tpp"] = draw(_figure("tpp", 40000))
    area = draw(st.one_of(st.none(), st.sampled_from([64.0, 128.0, 256.0, 512.0, 1024.0]),
                          st.floats(min_value=1, max_value=3000, allow_nan=False)))
    values["die_area_mm2"] = area
    if area is not None and area in (64.0, 128.0, 256.0, 512.0, 1024.0) and draw(st.booleans()):
        # Performance density exactly at a threshold: declared TPP = threshold x a power-of-two area.
        values["tpp"] = draw(st.sampled_from(THRESHOLDS["performance_density"])) * area
        values["tpp_basis"] = "declared"
    for metric in ("interconnect_bandwidth_gbs", "memory_bandwidth_gbs", "hbm_bandwidth_density_gbs_mm2",
                   "transistors_billion", "training_ops"):
        high = max(THRESHOLDS.get(metric, [100.0])) * 2
        values[metric] = draw(_figure(metric, high))
    values["process_node_nm"] = draw(st.one_of(st.none(), st.sampled_from(THRESHOLDS.get("process_node_nm", [7.0])),
                                               st.floats(min_value=1, max_value=40)))
    return ProductSpec(**values)


places = st.one_of(st.none(), st.sampled_from(CODES))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_SHARED: dict[tuple, Classifier] = {}


def _shared(regimes, destination, end_user_hq, on) -> Classifier:
    key = (tuple(r.id for r in regimes), destination, end_user_hq, on)
    if key not in _SHARED:
        _SHARED[key] = Classifier(regimes, COUNTRIES, destination, end_user_hq, on, today=TODAY)
    return _SHARED[key]


def assert_same(quick, det) -> None:
    assert quick.regime == det.regime and quick.as_of == det.as_of and quick.part_number == det.part_number
    assert (quick.tpp, quick.performance_density) == (det.tpp, det.performance_density)
    got = (quick.classification, quick.paragraph, quick.candidates, quick.license_required, quick.review_policy,
           quick.license_exceptions, quick.position, quick.controlled, quick.nearest)
    want = (det.classification, det.paragraph, det.candidates, det.license_required, det.review_policy,
            tuple(e.id for e in det.license_exceptions), position(det), det.controlled, det.nearest)
    assert got == want, (det.regime, det.as_of, det.destination, det.end_user_hq)


@SETTINGS
@given(s=specs(), pick=st.data(), destination=places, end_user_hq=places)
def test_one_regime_on_any_date_equals_determine(s, pick, destination, end_user_hq):
    loaded = pick.draw(st.sampled_from(REGIMES))
    window = loaded.regime
    last = (window.effective_to or date(2030, 1, 1)) - timedelta(days=1)
    day = pick.draw(st.one_of(st.sampled_from(DAYS[loaded.id]),
                              st.dates(min_value=window.effective_from, max_value=last)))
    (quick,) = _shared([loaded], destination, end_user_hq, day).classify(s)
    assert_same(quick, determine(s, loaded, COUNTRIES, destination, end_user_hq, day, today=TODAY))


@SETTINGS
@given(s=specs(), destination=places, end_user_hq=places,
       day=st.sampled_from([None, date(2025, 5, 13), date(2026, 7, 9), date(2026, 7, 10)]))
def test_all_regimes_at_once_equal_determine(s, destination, end_user_hq, day):
    quick = _shared(REGIMES, destination, end_user_hq, day).classify(s)
    metrics = compute_metrics(s)
    for q, loaded in zip(quick, REGIMES):
        assert_same(q, determine(s, loaded, COUNTRIES, destination, end_user_hq, day, metrics=metrics, today=TODAY))


@SETTINGS
@given(s=specs())
def test_tpp_is_the_one_compute_metrics_uses(s):
    assert tpp_of(s) == compute_metrics(s).tpp


def test_bench_catalog_equals_determine_row_by_row():
    """The benchmark's synthetic products (many sharing a signature, some named in GP10) under every regime."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from bench_classify import synthetic_rows

    rows = synthetic_rows(600, seed=11)
    for i, row in enumerate(rows[::5]):  # GP10 part numbers among look-alikes of the same figures
        row["part_number"] = f"Huawei Ascend-910{'BCD'[i % 3]}-{i}"
    catalog = [ProductSpec(**row) for row in rows]
    for destination, end_user_hq in (("CN", None), ("AE", "CN"), ("PR", None)):
        rows = classify_many(catalog, REGIMES, COUNTRIES, destination, end_user_hq, today=TODAY)
        for spec, row in zip(catalog, rows):
            metrics = compute_metrics(spec)
            for quick, loaded in zip(row, REGIMES):
                assert_same(quick, determine(spec, loaded, COUNTRIES, destination, end_user_hq, metrics=metrics, today=TODAY))


def test_one_full_determination_per_signature():
    """Products on the same sides of every threshold reuse one answer; the nearest line stays their own."""
    loaded = next(r for r in REGIMES if r.id == "us-enforced-2025-05")
    classifier = Classifier([loaded], COUNTRIES, "CN", today=TODAY)
    a = ProductSpec(part_number="A", datacenter=True, non_planar=True, fp16_tflops=400.0, die_area_mm2=800.0)
    b = ProductSpec(part_number="B", datacenter=True, non_planar=True, fp16_tflops=410.0, die_area_mm2=800.0)
    (qa,), (qb,) = classifier.classify(a), classifier.classify(b)
    assert classifier.signatures == {"us-enforced-2025-05": 1}
    assert qa.decision is qb.decision and qa.position == "3A090.a.1 / licence (presumption of denial)"
    assert qa.nearest.value == 6400.0 and qb.nearest.value == 6560.0


def test_trace_is_the_full_determination(library):
    s = ProductSpec(part_number="Huawei Ascend 910B", fp16_tflops=300.0, die_area_mm2=600.0, non_planar=True)
    for loaded in library.regimes:
        quick = determine_quick(s, loaded, library.countries, "DE", "CN", today=TODAY)
        det = determine(s, loaded, library.countries, "DE", "CN", today=TODAY)
        assert quick.trace() == det
        assert_same(quick, det)


def _identity_key_slow(text: str) -> str:
    """identity_key's general steps (the look-alike skeleton never touches ASCII)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _SPACE_RE.sub(" ", _DASH_RE.sub("-", text)).strip()


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(max_codepoint=127)))
def test_identity_key_ascii_shortcut_gives_the_same_key(text):
    assert identity_key(text) == _identity_key_slow(text)


def test_published_worked_examples_through_the_fast_path(regime, countries):
    """The fact sheet's worked examples read the same on the fast path (what the catalog column shows)."""
    from tests.test_engine_worked_examples import EXAMPLES, H20

    for product, c2022, p2023, review2026 in EXAMPLES:
        q22, q23, q26 = (determine_quick(product, regime(r), countries, "CN", today=TODAY)
                         for r in ("us-ear-2022-10", "us-ear-2023-10", "us-h200-2026-01"))
        assert q22.classification == c2022 and q22.license_required is (c2022 == "3A090")
        assert q23.paragraph == p2023 and q26.paragraph == p2023
        assert q26.review_policy == review2026 and q26.license_required is (review2026 is not None)
    h20 = determine_quick(H20, regime("us-h200-2026-01"), countries, today=TODAY)
    assert h20.classification == "not-3A090"
    assert h20.nearest.id == "3a090-b-1" and h20.nearest.threshold == 2400
    assert h20.nearest.margin_pct == pytest.approx((2368 - 2400) / 2400 * 100)
